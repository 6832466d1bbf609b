"""Command line: `python -m skill talk ...` (also installed as `spine-coach`)."""

from __future__ import annotations

import argparse
import itertools
import logging
import sys

from skill.content import DEFAULT_LOCALE


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
    args = parser.parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return _talk(args)


def _talk(args: argparse.Namespace) -> int:
    # Imported here so `--help` answers without loading the skill.
    from skill.app import create_skill
    from skill.envelopes import AlexaSession
    from skill.local.talk import LocalConversation, prompt_lines, run
    from skill.persistence import SQLitePersistenceAdapter

    skill = create_skill(persistence=SQLitePersistenceAdapter(args.db))
    conversation = LocalConversation(skill, AlexaSession(user_id=f"amzn1.ask.account.{args.user}",
                                                         locale=args.locale))
    if args.utterances:
        run(conversation, args.utterances, args.json)
    else:
        print("Type what you would say to Alexa; Ctrl-D to finish.", file=sys.stderr)
        run(conversation, itertools.chain(["open spine coach"], prompt_lines()), args.json)
    conversation.end()
    return 0


if __name__ == "__main__":
    sys.exit(main())
