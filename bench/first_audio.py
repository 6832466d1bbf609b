"""Offline first audio: how long after Enter the first sound of Spine Coach's reply can start.

What is timed, exactly:
- start: the moment a typed line is submitted, i.e. the line and its newline are written to the runner's input
  (here an os.pipe standing in for the terminal; the runner's own LineReader reads it, as it reads stdin);
- end: the moment the first PCM samples of the reply are available to the player: the runner has handed the
  player a WAV file and the player has read its header and first block of samples, as aplay does before it
  writes to the sound device. Playing through a device is not timed (this machine may have none), and the
  player returns at once, so the rest of the reply is still rendered, as it would be while the first
  sentence plays.

Everything between is the real runner, built by skill.local.session.assemble_runner exactly as `python -m skill
talk` builds it: the input thread, red-flag screening, the local resolver, the skill with SQLite persistence,
SSML parsing, the performer and pyttsx3 (espeak-ng on Linux). Only the clock is virtual, so holds and rests do
not make the benchmark wait.

Each pass plays one realistic conversation (a first launch, starting stretches, the screening answer, two
steps, a tip, a heat question, the heat timer, an emergency, a second launch, stop) twice, for a new user each
time: once with a cold cache (nothing rendered yet, as on a fresh clone: every first sentence is synthesised
after Enter) and once with a warm one (what `render-audio` leaves; a sentence it cannot know ahead, such as one
naming a duration the user asked for, is still synthesised). The headline figures (median_ms, min_ms, max_ms,
p90_ms) cover every turn of both; "cold" and "warm" give each on its own, "cases" each turn of the conversation,
and "profile" where the time goes.

    python bench/first_audio.py [--quick] [--json]

`measure()` is what bench/run.py calls; it never raises for a missing voice, it returns {"skipped": why}.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path
from typing import Any, Callable

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET_MS = 100.0
LOCALE = "en-US"
PASSES, QUICK_PASSES = 6, 2
TURN_TIMEOUT_SECONDS = 60.0  # a turn that takes longer has hung: the measurement stops and says so
FIRST_BLOCK_FRAMES = 1024  # what a player reads before it first writes to the device (aplay's period is similar)

# (case, what the user types): one conversation, played in order by a new user.
CONVERSATION = (
    ("launch", "open spine coach"),
    ("start stretches", "start my lower back stretches"),
    ("screening answer", "no"),
    ("next: step 1", "next"),
    ("next: step 2", "next"),
    ("tip", "give me a tip about sleep"),
    ("heat question", "is heat or ice better"),
    ("heat timer", "set the heat pad for fifteen minutes"),
    ("emergency", "I can't feel my bottom when I wipe"),
    ("launch again", "open spine coach"),
    ("stop", "stop"),
)


class HandOffPlayer:
    """Stands where aplay would: opens each WAV it is given and reads its first block of samples, noting when the
    first samples of the turn were in hand, then returns at once (nothing is played)."""

    def __init__(self) -> None:
        self.handed_at: float | None = None
        self.path: Path | None = None

    def arm(self) -> None:
        self.handed_at, self.path = None, None

    def play(self, path: Path, stop: threading.Event) -> None:
        if stop.is_set():
            return
        with wave.open(str(path), "rb") as wav:
            samples = wav.readframes(FIRST_BLOCK_FRAMES)
        if samples and self.handed_at is None:
            self.handed_at, self.path = time.perf_counter(), path


class Keyboard:
    """The user's side of the terminal: lines written into a pipe that the runner's LineReader reads, and a way to
    wait until the runner asks for its next line, which it does once everything the last line set going is over."""

    def __init__(self) -> None:
        read_end, self._write_end = os.pipe()
        self.stream = os.fdopen(read_end, "r", encoding="utf-8")
        self._changed = threading.Condition()
        self._taken = 0  # lines the runner has taken
        self._asked_after = -1  # how many lines had been taken when the runner last asked for one
        self.reader: Any = None  # the runner's LineReader, wrapped by next() / has_waiting_line()

    def type(self, line: str) -> float:
        """Submit `line` (Enter); the moment it was submitted, on time.perf_counter()."""
        data = (line + "\n").encode("utf-8")
        submitted = time.perf_counter()
        os.write(self._write_end, data)
        return submitted

    def close(self) -> None:
        os.close(self._write_end)  # end of input: the runner's loop returns

    def wait_until_asked(self, taken: int, timeout: float, running: Callable[[], bool]) -> bool:
        """Until the runner, having taken `taken` lines, asks for the next one; False on timeout, or as soon as
        `running()` says the runner's loop has ended without asking."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._asked_after < taken:
                left = deadline - time.monotonic()
                if left <= 0 or not running():
                    return False
                self._changed.wait(min(left, 0.5))
            return True

    # The runner's side (skill.local.talk.Lines):
    def next(self, timeout: float) -> str | None:
        with self._changed:
            self._asked_after = self._taken
            self._changed.notify_all()
        line = self.reader.next(timeout)
        with self._changed:
            self._taken += 1
        return line

    def has_waiting_line(self) -> bool:
        return self.reader.has_waiting_line()


def measure(quick: bool = False) -> dict[str, Any]:
    """First-audio figures over cold- and warm-cache passes of CONVERSATION; {"skipped": why} without a voice."""
    from skill.local.audio.voice import Pyttsx3Renderer, RenderError

    passes = QUICK_PASSES if quick else PASSES
    with tempfile.TemporaryDirectory(prefix="first-audio-") as folder:
        root = Path(folder)
        probe = Pyttsx3Renderer(root / "probe")
        try:
            probe.start()
        except RenderError as error:
            return {"skipped": f"no espeak-ng (or other pyttsx3 voice): {error}"}
        voice = _voice_label(probe)
        warm_template = root / "warm-template"
        prerender_seconds = _prerender(warm_template)
        turns: list[dict[str, Any]] = []
        for number in range(passes):
            cold_cache = root / f"cold-{number}"
            warm_cache = root / f"warm-{number}"
            shutil.copytree(warm_template, warm_cache)
            for cache, cache_dir in (("cold", cold_cache), ("warm", warm_cache)):
                turns += _play_conversation(root / f"{cache}-{number}.db", cache_dir, cache)
    return _summary(turns, passes, voice, prerender_seconds)


def _voice_label(renderer: Any) -> str:
    engine, voice_id, rate = renderer.engine_name(), *renderer.voice_and_rate()
    name = "espeak-ng" if engine == "espeak" else engine
    return f"{name} via pyttsx3 (voice {voice_id}, {rate} wpm)"


def _prerender(cache_dir: Path) -> float:
    """Fill `cache_dir` as `python -m skill render-audio` fills audio/rendered; how long it took."""
    from skill.local.audio.render import render_all, spoken_phrases
    from skill.local.audio.voice import Pyttsx3Renderer

    began = time.perf_counter()
    render_all(Pyttsx3Renderer(cache_dir), spoken_phrases(LOCALE), io.StringIO())
    return time.perf_counter() - began


class _Screen:
    """Built lazily (it subclasses the runner's Transcript): notes when the first words of a reply are shown, which
    is when the reply is known and its speech is about to be rendered."""

    @staticmethod
    def make() -> Any:
        from skill.local.talk import Transcript

        class Screen(Transcript):
            shown_at: float | None = None
            first_words: str | None = None

            def arm(self) -> None:
                self.shown_at, self.first_words = None, None

            def sentence(self, text: str) -> None:
                if self.shown_at is None:
                    self.shown_at, self.first_words = time.perf_counter(), text
                super().sentence(text)

        return Screen(io.StringIO(), as_json=False)


def _play_conversation(db: Path, cache_dir: Path, cache: str) -> list[dict[str, Any]]:
    """One user's conversation through the real runner; a record per turn."""
    from skill.local.clock import FakeClock
    from skill.local.progress_store import open_progress_store
    from skill.local.session import assemble_runner
    from skill.local.talk import LineReader
    from skill.local.audio.voice import Pyttsx3Renderer

    player = HandOffPlayer()
    screen = _Screen.make()
    runner = assemble_runner(clock=FakeClock(start=time.time()), store=open_progress_store(db), user="first-audio",
                             locale=LOCALE, renderer=Pyttsx3Renderer(cache_dir), player=player, transcript=screen)
    keyboard = Keyboard()
    keyboard.reader = LineReader(keyboard.stream, runner.stop)
    runner.lines = keyboard
    failure: list[BaseException] = []
    loop = threading.Thread(target=_catching(runner.run_interactive, failure), name="first-audio-runner",
                            daemon=True)
    loop.start()
    records = []
    try:
        for taken, (case, text) in enumerate(CONVERSATION):
            if not keyboard.wait_until_asked(taken, TURN_TIMEOUT_SECONDS, loop.is_alive):
                raise RuntimeError(f"the runner stopped before the turn {case!r}: {failure or 'it hung'}")
            player.arm()
            screen.arm()
            started_ns = time.time_ns()
            submitted = keyboard.type(text)
            if not keyboard.wait_until_asked(taken + 1, TURN_TIMEOUT_SECONDS, loop.is_alive):
                raise RuntimeError(f"the runner did not finish the turn {case!r}: {failure or 'it hung'}")
            records.append(_record(case, text, cache, submitted, started_ns, player, screen))
    finally:
        keyboard.close()
        loop.join(TURN_TIMEOUT_SECONDS)
        keyboard.stream.close()
        runner.conversation.end()
    return records


def _catching(action: Callable[[], None], failures: list[BaseException]) -> Callable[[], None]:
    def run() -> None:
        try:
            action()
        except BaseException as error:  # reported by the waiting side, which would otherwise only see a hang
            failures.append(error)
    return run


def _record(case: str, text: str, cache: str, submitted: float, started_ns: int, player: HandOffPlayer,
            screen: Any) -> dict[str, Any]:
    from skill.local.audio.voice import sentences

    record: dict[str, Any] = {"case": case, "heard": text, "cache": cache, "ms": None, "reply_ms": None,
                              "from_cache": None,
                              "first_sentence": sentences(screen.first_words)[0] if screen.first_words else None}
    if screen.shown_at is not None:
        record["reply_ms"] = (screen.shown_at - submitted) * 1000
    if player.handed_at is not None:
        record["ms"] = (player.handed_at - submitted) * 1000
        record["from_cache"] = player.path.stat().st_mtime_ns < started_ns  # rendered before Enter
    return record


def _figures(values: list[float]) -> dict[str, Any]:
    if not values:
        return {"samples": 0}
    ordered = sorted(values)
    return {"median_ms": round(statistics.median(ordered), 1), "min_ms": round(ordered[0], 1),
            "max_ms": round(ordered[-1], 1),
            "p90_ms": round(ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))], 1),
            "samples": len(ordered)}


def _summary(turns: list[dict[str, Any]], passes: int, voice: str, prerender_seconds: float) -> dict[str, Any]:
    timed = [t for t in turns if t["ms"] is not None]
    by_cache = {cache: [t for t in timed if t["cache"] == cache] for cache in ("cold", "warm")}
    cases = []
    for index, (case, text) in enumerate(dict.fromkeys(CONVERSATION)):
        mine = [t for t in turns if (t["case"], t["heard"]) == (case, text)]
        entry: dict[str, Any] = {"case": case, "heard": text, "first_sentence": mine[0]["first_sentence"]}
        for cache in ("cold", "warm"):
            ms = [t["ms"] for t in mine if t["cache"] == cache and t["ms"] is not None]
            entry[f"{cache}_median_ms"] = round(statistics.median(ms), 1) if ms else None
        entry["warm_from_cache"] = all(t["from_cache"] for t in mine if t["cache"] == "warm" and t["ms"] is not None)
        cases.append(entry)
    reply = [t["reply_ms"] for t in timed if t["reply_ms"] is not None]
    speech = [t["ms"] - t["reply_ms"] for t in timed if t["reply_ms"] is not None]
    return {
        **_figures([t["ms"] for t in timed]),
        "target_ms": TARGET_MS,
        "voice": voice,
        "player": "hand-off: the WAV's header and first samples read as a player would; no sound device",
        "passes": passes,
        "turns": len(turns),
        "silent_turns": len(turns) - len(timed),  # a turn whose reply never reached the player
        "cold": _figures([t["ms"] for t in by_cache["cold"]]),
        "warm": {**_figures([t["ms"] for t in by_cache["warm"]]),
                 "first_sentence_from_cache": sum(1 for t in by_cache["warm"] if t["from_cache"])},
        # Where the time goes: Enter to the reply's first words (input, screening, resolver, skill, SSML), and
        # from there to the samples (rendering the first sentence, or finding it in the cache, and the hand-off).
        "profile": {"reply_median_ms": round(statistics.median(reply), 1) if reply else None,
                    "speech_median_ms": round(statistics.median(speech), 1) if speech else None,
                    "prerender_seconds": round(prerender_seconds, 2)},
        "cases": cases,
    }


def _report(result: dict[str, Any]) -> str:
    if "skipped" in result:
        return f"first audio: skipped ({result['skipped']})"
    lines = [f"first audio after Enter ({result['voice']}; {result['player']})",
             f"  all:  median {result['median_ms']} ms, min {result['min_ms']}, max {result['max_ms']}, "
             f"p90 {result['p90_ms']} ({result['samples']} turns, target <= {result['target_ms']:g} ms)"]
    for cache in ("cold", "warm"):
        figures = result[cache]
        lines.append(f"  {cache}: median {figures['median_ms']} ms, min {figures['min_ms']}, "
                     f"max {figures['max_ms']} ({figures['samples']} turns)")
    profile = result["profile"]
    lines.append(f"  profile: reply known after {profile['reply_median_ms']} ms, first samples "
                 f"{profile['speech_median_ms']} ms later (medians); "
                 f"render-audio took {profile['prerender_seconds']} s")
    lines.append(f"  {'case':<17} {'cold ms':>8} {'warm ms':>8}  first sentence")
    for case in result["cases"]:
        cached = "" if case["warm_from_cache"] else " (synthesised even when warm)"
        lines.append(f"  {case['case']:<17} {case['cold_median_ms']!s:>8} {case['warm_median_ms']!s:>8}  "
                     f"{(case['first_sentence'] or '')[:60]}{cached}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_PASSES} passes instead of {PASSES}")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    result = measure(quick=args.quick)
    print(json.dumps(result, indent=2) if args.json else _report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
