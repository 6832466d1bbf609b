"""Assembles the offline runner from the command line: clock, voice, alarm, skill, and what to play."""

from __future__ import annotations

import argparse
import contextlib
import itertools
import sys
import time
from pathlib import Path

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from skill.alexa.app import create_skill
from skill.alexa.envelopes import AlexaSession
from skill.local.alarm import LocalAlarm
from skill.local.clock import Clock, FastClock, RealClock
from skill.local.no_cloud import NoCloudApiClient
from skill.local.performer import Performer
from skill.local.nlu.resolver import IntentResolver
from skill.local.progress_store import ProgressStoreError, fast_companion, open_progress_store, seed
from skill.local.routine_file import CaregiverRoutine, RoutineFileError, load_routine
from skill.local.routine_play import RoutinePlayer
from skill.local.talk import LineReader, LocalConversation, Runner, Transcript
from skill.local.audio.voice import (AUDIO_DIR, Clipped, Player, Renderer, open_audio, sentences, sound_file,
                                     write_reply_wav)
from skill.core.speech import Part
from skill.stores.sqlite import SQLitePersistenceAdapter

RENDER_CACHE = AUDIO_DIR / "rendered"


def run_talk(args: argparse.Namespace) -> int:
    """Exit status 0; 2 after one line on stderr when a file given on the command line cannot be used; for a
    routine file, how it ended (skill.local.routine_play.Ending: 3 not started, 4 stopped early, 5 a warning
    sign), with one line on stderr saying where and why."""
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
    clock: Clock = RealClock()
    if args.fast:
        # Fast time must not reach the store the skill and the endpoint read on the real clock: a heat session that
        # rang after 9 seconds here would still have a quarter of an hour left there. So a fast run keeps its own
        # file beside it, started from a copy of the user's progress, on a clock that goes on from where the last
        # fast run left it (never back, or a fast heat session would still be running at the next run).
        try:
            fast_store = open_progress_store(fast_companion(store))
        except ProgressStoreError as error:
            print(error, file=sys.stderr)
            return 2
        seed(fast_store, store, local_user_id(args.user))
        store, clock = fast_store, FastClock(start=max(time.time(), _fast_clock_left_at(fast_store)))
    with contextlib.ExitStack() as cleanup:
        if args.fast:
            cleanup.callback(_keep_fast_clock, store, clock)
        return _talk(args, store, clock, routine, cleanup)


def _fast_clock_file(store: SQLitePersistenceAdapter) -> Path:
    return store.path.with_suffix(".clock")


def _fast_clock_left_at(store: SQLitePersistenceAdapter) -> float:
    try:
        return float(_fast_clock_file(store).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0.0


def _keep_fast_clock(store: SQLitePersistenceAdapter, clock: Clock) -> None:
    try:
        _fast_clock_file(store).write_text(f"{clock.now():.3f}\n", encoding="utf-8")
    except OSError:
        pass  # the next fast run starts from the real time, as the first one did


def _talk(args: argparse.Namespace, store: AbstractPersistenceAdapter, clock: Clock,
          routine: CaregiverRoutine | None, cleanup: contextlib.ExitStack) -> int:
    renderer, player = (None, None)
    if not args.no_voice or args.save_audio:
        renderer, player = open_audio(args.voice, args.rate, RENDER_CACHE, _warn)
    runner = assemble_runner(clock=clock, store=store, user=args.user,
                             locale=args.locale, renderer=renderer, player=None if args.no_voice else player,
                             transcript=Transcript(sys.stdout, as_json=args.json),
                             hands_free=args.hands_free or args.routine is not None)
    conversation = runner.conversation
    typing = args.routine is not None or not args.utterances  # a script's words are all on the command line
    if args.save_audio:
        runner.on_played = _saver(args.save_audio, renderer)
    if typing and sys.stdin.isatty() and sys.stdout.isatty():
        from skill.local.terminal import LiveTerminal  # prompt_toolkit loads only for a terminal

        terminal = LiveTerminal(runner.stop, runner.status).start()
        cleanup.callback(terminal.close)
        runner.lines, runner.transcript.out = terminal, terminal.stream
    elif typing:
        runner.lines = LineReader(sys.stdin, runner.stop)
    if typing and args.listen:
        from skill.local.listen.lines import start_listening  # pocketsphinx loads only when asked to listen

        start_listening(runner, args.microphone, _warn, cleanup)
    result = None
    try:
        if routine:
            result = RoutinePlayer(runner, store, routine, args.routine).play()
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
        cleanup.close()  # the terminal's prompt goes before the last line is printed
    if result is None:
        return 0
    if result.message:
        print(result.message, file=sys.stderr)
    return int(result.ending)


def local_user_id(user: str) -> str:
    """The Alexa user id the runner gives `--user`."""
    return f"amzn1.ask.account.{user}"


def assemble_runner(*, clock: Clock, store: AbstractPersistenceAdapter, user: str, locale: str,
                    renderer: Renderer | None, player: Player | None, transcript: Transcript,
                    hands_free: bool = False) -> Runner:
    """The runner `talk` drives, from its parts (the store from `open_progress_store`). bench/first_audio.py builds
    its runner here too, so what it times is exactly what a user gets."""
    alarm = LocalAlarm(clock)
    # No Alexa cloud here: API calls (reminders) are refused at once, and the skill says they need an Echo.
    skill = create_skill(persistence=store, alarm=alarm, api_client=NoCloudApiClient(), offline=True)
    conversation = LocalConversation(skill, AlexaSession(user_id=local_user_id(user), locale=locale),
                                     clock=clock, hands_free=hands_free)
    performer = Performer(clock, renderer, player, sound_file, show=transcript.sentence, split=sentences)
    return Runner(conversation, performer, alarm, transcript)


def _warn(message: str) -> None:
    print(message, file=sys.stderr)


def _saver(folder: Path, renderer):
    """--save-audio: what was played of each reply, heat alarm and routine announcement, as the next numbered WAV
    in `folder` (made by `run_talk`): reply-001.wav, alarm-002.wav, routine-003.wav... A reply cut short is saved
    as far as it played; one cut before it began is an empty WAV, so the numbers still follow the transcript."""
    numbers = itertools.count(1)

    def save(kind: str, played: list[Part | Clipped]) -> None:
        if renderer is not None:
            write_reply_wav(played, renderer, folder / f"{kind}-{next(numbers):03d}.wav")

    return save
