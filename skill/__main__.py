"""Command line: `python -m skill talk ...`, `serve`, `console` and `render-audio` (also installed as
`spine-coach`)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from skill.core.content import DEFAULT_LOCALE


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="spine-coach", description="Spine Coach, the back-spasm voice coach.")
    commands = parser.add_subparsers(dest="command", required=True)

    talk = commands.add_parser("talk", help="talk to the skill by typing, as Alexa would hear you")
    talk.add_argument("utterances", nargs="*", metavar="UTTERANCE",
                      help="run these in order as one conversation and exit; none: an interactive prompt")
    talk.add_argument("--json", action="store_true", help="one JSON object per turn on stdout")
    talk.add_argument("--locale", default=DEFAULT_LOCALE, help="e.g. en-US (default)")
    talk.add_argument("--user", default="local-user", help="whose progress to use (default: local-user)")
    talk.add_argument("--db", help="SQLite file for progress (default: SPINE_COACH_DB or the user data folder)")
    talk.add_argument("--no-voice", action="store_true", help="text only")
    talk.add_argument("--voice", metavar="NAME", help="a pyttsx3 voice id or name, e.g. en-us")
    talk.add_argument("--rate", type=int, metavar="WPM", help="speaking rate in words per minute")
    talk.add_argument("--save-audio", type=Path, metavar="DIR", help="also write each reply as a WAV file in DIR")
    talk.add_argument("--fast", action="store_true", help="compress every hold, rest and countdown (demos, tests)")
    talk.add_argument("--hands-free", action="store_true", help="routines carry on without saying next")
    talk.add_argument("--routine", type=Path, metavar="FILE", help="play a caregiver's routine file (YAML or JSON)")
    talk.add_argument("--listen", action="store_true",
                      help="also listen through the microphone (offline, pocketsphinx); typing still works")
    talk.add_argument("--microphone", metavar="DEVICE", help="with --listen: an input device's name or number")
    talk.add_argument("--replay", type=Path, metavar="FILE.yaml",
                      help="play a scripted conversation and check each turn's expectations (exit 1 on a mismatch)")

    render = commands.add_parser("render-audio", help="render every known phrase to WAV for instant playback")
    render.add_argument("--out", type=Path, metavar="DIR", help="cache folder (default: audio/rendered)")
    render.add_argument("--locale", default=DEFAULT_LOCALE)
    render.add_argument("--voice", metavar="NAME")
    render.add_argument("--rate", type=int, metavar="WPM")

    serve = commands.add_parser("serve", help="answer Alexa's HTTPS requests on this machine (verified by default)")
    from skill.web.serve import add_arguments

    add_arguments(serve)

    console = commands.add_parser("console", help="a local page: talk to the skill, see its screens and replies, "
                                                  "step through replays, read a caregiver's week")
    from skill.console.serve import add_arguments as add_console_arguments

    add_console_arguments(console)

    args = parser.parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "serve":
        from skill.web.serve import run_serve

        return run_serve(args)
    if args.command == "console":
        from skill.console.serve import run_console

        return run_console(args)
    if args.command == "render-audio":
        from skill.local.audio.render import main as render_audio

        return render_audio(args.out, args.locale, args.voice, args.rate)
    if args.replay:
        from skill.local.replay import run_replay

        return run_replay(args)
    from skill.local.session import run_talk  # the skill loads only for the command that needs it

    return run_talk(args)


if __name__ == "__main__":
    sys.exit(main())
