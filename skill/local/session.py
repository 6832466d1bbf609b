"""Assembles the offline runner from the command line: clock, voice, alarm, skill, and what to play."""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from skill.alexa.app import create_skill
from skill.alexa.envelopes import AlexaSession
from skill.local.alarm import LocalAlarm
from skill.local.clock import Clock, FastClock, RealClock
from skill.local.no_cloud import NoCloudApiClient
from skill.local.performer import Performer
from skill.local.nlu.resolver import IntentResolver
from skill.local.progress_store import ProgressStoreError, open_progress_store
from skill.local.routine_file import RoutineFileError, load_routine
from skill.local.talk import Exchange, LineReader, LocalConversation, Runner, Transcript
from skill.local.audio.voice import AUDIO_DIR, Player, Renderer, open_audio, sentences, sound_file, write_reply_wav

RENDER_CACHE = AUDIO_DIR / "rendered"


def run_talk(args: argparse.Namespace) -> int:
    """Exit status 0, or 2 after one line on stderr when a file given on the command line cannot be used."""
    routine = None
    try:
        if args.routine:
            routine = load_routine(args.routine, IntentResolver.for_locale(args.locale))
        store = open_progress_store(args.db)  # before audio starts, so a bad path is the only thing said
    except (RoutineFileError, ProgressStoreError) as error:
        print(error, file=sys.stderr)
        return 2
    if args.save_audio:
        try:
            args.save_audio.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            print(f"{args.save_audio}: this folder for --save-audio cannot be created "
                  f"({error.strerror or error}).", file=sys.stderr)
            return 2
    renderer, player = (None, None)
    if not args.no_voice or args.save_audio:
        renderer, player = open_audio(args.voice, args.rate, RENDER_CACHE, _warn)
    runner = assemble_runner(clock=FastClock() if args.fast else RealClock(), store=store, user=args.user,
                             locale=args.locale, renderer=renderer, player=None if args.no_voice else player,
                             transcript=Transcript(sys.stdout, as_json=args.json),
                             hands_free=args.hands_free or args.routine is not None)
    conversation = runner.conversation
    typing = args.routine is not None or not args.utterances  # a script's words are all on the command line
    if typing:
        runner.lines = LineReader(sys.stdin, runner.stop)
    if args.save_audio:
        runner.on_reply = _saver(args.save_audio, renderer)
    try:
        if routine:
            runner.run_routine([step.utterance for step in routine.steps])
        elif args.utterances:
            runner.run_script(args.utterances)
        else:
            print("Type what you would say to Alexa; Ctrl-D to finish.", file=sys.stderr)
            runner.handle("open spine coach")
            runner.run_interactive()
    except KeyboardInterrupt:
        pass
    finally:
        conversation.end()
    return 0


def assemble_runner(*, clock: Clock, store: AbstractPersistenceAdapter, user: str, locale: str,
                    renderer: Renderer | None, player: Player | None, transcript: Transcript,
                    hands_free: bool = False) -> Runner:
    """The runner `talk` drives, from its parts (the store from `open_progress_store`). bench/first_audio.py builds
    its runner here too, so what it times is exactly what a user gets."""
    alarm = LocalAlarm(clock)
    # No Alexa cloud here: API calls (reminders) are refused at once, and the skill says they need an Echo.
    skill = create_skill(persistence=store, alarm=alarm, api_client=NoCloudApiClient())
    conversation = LocalConversation(skill, AlexaSession(user_id=f"amzn1.ask.account.{user}", locale=locale),
                                     clock=clock, hands_free=hands_free)
    performer = Performer(clock, renderer, player, sound_file, show=transcript.sentence, split=sentences)
    return Runner(conversation, performer, alarm, transcript)


def _warn(message: str) -> None:
    print(message, file=sys.stderr)


def _saver(folder: Path, renderer):
    """--save-audio: each reply written as the next numbered WAV in `folder` (made by `run_talk`)."""
    numbers = itertools.count(1)

    def save(exchange: Exchange) -> None:
        if renderer is not None and exchange.parts:
            write_reply_wav(exchange.parts, renderer, folder / f"reply-{next(numbers):03d}.wav")

    return save
