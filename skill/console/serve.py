"""`python -m skill console`: its options and its start. Only argparse and the standard library are imported at
the top, since `python -m skill` builds every command's options on each run (`talk` included); the console itself
loads when it starts.
"""

from __future__ import annotations

import argparse
import errno
import signal
import socket
import sys
from pathlib import Path

from skill.core.content import DEFAULT_LOCALE

DEFAULT_PORT = 5050


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this "
                                                            "machine only: the console has no login)")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT}; 0: any "
                                                                        "free port)")
    parser.add_argument("--db", help="SQLite file for progress (default: SPINE_COACH_DB or the user data folder, as "
                                     "talk uses)")
    parser.add_argument("--user", default="local-user", help="whose progress to use (default: local-user, as talk)")
    parser.add_argument("--locale", default=DEFAULT_LOCALE, help="the locale to start in (default: en-US)")
    parser.add_argument("--replays", type=Path, metavar="DIR", help="a folder of replay files to offer")
    parser.add_argument("--no-voice", action="store_true", help="text only: no reply audio")
    parser.add_argument("--voice", metavar="NAME", help="a pyttsx3 voice id or name, e.g. en-us")
    parser.add_argument("--rate", type=int, metavar="WPM", help="speaking rate in words per minute")
    parser.add_argument("--audio-cache", type=Path, metavar="DIR",
                        help="where rendered sentences are kept (default: audio/rendered, as render-audio fills)")


class _Later:
    """The WSGI app, given once the port is ours: a taken port is reported before the voice starts."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt  # SIGTERM ends the console as Ctrl-C does: its scratch files are removed


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as socketserver does: restarts at once
        listening.bind((host, port))
        listening.listen(128)
    except OSError:
        listening.close()
        raise
    return listening


def run_console(args: argparse.Namespace) -> int:
    """0 after Ctrl-C or SIGTERM; 2, after one line on stderr, when the port, the store or a setting cannot be
    used."""
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request would bury the one that matters

    later = _Later()
    try:
        listening = _listen(args.host, args.port)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            print(f"spine-coach console: port {args.port} on {args.host} is already in use (another console or "
                  f"server?); choose another with --port.", file=sys.stderr)
        else:
            print(f"spine-coach console: cannot listen on {args.host} port {args.port} "
                  f"({error.strerror or error}).", file=sys.stderr)
        return 2
    with listening:  # werkzeug takes a copy of the socket; its own bind would exit with a message of its own
        server = make_server(args.host, listening.getsockname()[1], later, threaded=True, fd=listening.fileno())

    from skill.console.app import create_console_app
    from skill.console.audio import ReplyAudio
    from skill.console.console import Console, ConsoleError, Settings
    from skill.local.audio.voice import AUDIO_DIR, Pyttsx3Renderer
    from skill.local.progress_store import ProgressStoreError, open_progress_store

    try:
        store = open_progress_store(args.db)
        settings = Settings(locale=args.locale, user=args.user).checked()
    except (ProgressStoreError, ConsoleError) as error:
        print(f"spine-coach console: {error}", file=sys.stderr)
        server.server_close()
        return 2
    cache = args.audio_cache or AUDIO_DIR / "rendered"
    audio = ReplyAudio(None if args.no_voice else Pyttsx3Renderer(cache, args.voice, args.rate), cache / "replies")
    if audio.problem:
        print(f"spine-coach console: no voice ({audio.problem}); replies are shown as text only. On Linux, "
              f"install espeak-ng.", file=sys.stderr)
    console = Console(store, audio, settings, replays=args.replays)
    later.app = create_console_app(console, args.host)
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print(f"spine-coach console: listening on {args.host}, not just this machine: the console has no login, "
              f"so anyone who can reach it can talk to the skill as {args.user} and read their progress.",
              file=sys.stderr)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"Spine Coach console: http://{shown}:{server.port}/  (Ctrl-C to stop)", flush=True)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        console.close()
    return 0
