"""`python -m skill serve`: the endpoint on this machine, for development and for trying a test CA.

Production runs the same app under gunicorn (README, deploy/gunicorn.conf.py); this uses Werkzeug's threaded
development server, whose connections hang up on a client that does not send its request in time
(`skill.web.slow_clients`), so slow or silent clients cannot hold its threads.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

NO_VERIFY_WARNING = """\
**********************************************************************
*  REQUEST VERIFICATION IS OFF (--no-verify).                        *
*  Anyone who can reach this port can talk to the skill as any user. *
*  Use it only on your own machine, never behind a public URL.       *
**********************************************************************"""


def add_arguments(serve: argparse.ArgumentParser) -> None:
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=5000, help="port (default: 5000)")
    serve.add_argument("--no-verify", action="store_true",
                       help="skip signature and timestamp checks (local testing only)")
    serve.add_argument("--skill-id", action="append", default=[], metavar="ID",
                       help="an application id to accept (repeatable; default: SPINE_COACH_SKILL_IDS)")
    serve.add_argument("--trust-roots", metavar="PEM", help="trusted root certificates (default: certifi's)")
    serve.add_argument("--cert-chain-dir", metavar="DIR",
                       help="offline copies of signing chains, each named by the SHA-256 of its URL "
                            "(skill.web.verification.chain_file_name; still validated)")
    serve.add_argument("--db", help="SQLite file for progress (default: SPINE_COACH_DB or the user data folder)")
    serve.add_argument("--certfile", help="serve HTTPS with this certificate (PEM)")
    serve.add_argument("--keyfile", help="... and this private key (PEM)")
    serve.add_argument("--log-format", choices=("auto", "console", "json"),
                       help="console: readable lines; json: one JSON object per line; auto (default): console on a "
                            "terminal, JSON otherwise (also SPINE_COACH_LOG_FORMAT)")


def run_serve(args: argparse.Namespace) -> int:
    from skill.web.app import create_app
    from skill.web.logs import LogFormatError, configure_serve_logging
    from skill.web.slow_clients import DeadlineWSGIServer

    try:
        configure_serve_logging(args.log_format)
    except LogFormatError as error:
        print(error, file=sys.stderr)
        return 2
    config: dict[str, Any] = {}
    if args.no_verify:
        print(NO_VERIFY_WARNING, file=sys.stderr, flush=True)
        config.update(ASK_SDK_VERIFY_SIGNATURE=False, ASK_SDK_VERIFY_TIMESTAMP=False)
    if args.skill_id:
        config["SPINE_COACH_SKILL_IDS"] = tuple(args.skill_id)
    if args.trust_roots:
        config["SPINE_COACH_TRUST_ROOTS"] = args.trust_roots
    if args.cert_chain_dir:
        config["SPINE_COACH_CERT_CHAIN_DIR"] = args.cert_chain_dir
    if bool(args.certfile) != bool(args.keyfile):
        print("--certfile and --keyfile go together.", file=sys.stderr)
        return 2
    skill = None
    if args.db:
        from skill.alexa.app import create_skill
        from skill.stores.sqlite import SQLitePersistenceAdapter

        skill = create_skill(persistence=SQLitePersistenceAdapter(args.db))
    app = create_app(config, skill=skill)
    ssl_context = (args.certfile, args.keyfile) if args.certfile else None
    server = DeadlineWSGIServer(args.host, args.port, app, ssl_context=ssl_context)
    server.log_startup()
    server.serve_forever()  # until Ctrl-C or SIGTERM
    return 0
