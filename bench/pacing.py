"""Pacing of the guided routines as heard offline, hands-free: how much is said before the first stretch, the longest
silence, and how long each routine takes, measured on the audio itself.

How the audio is made (nothing plays, nothing waits real seconds):
- Each routine is run for a new user (an empty SQLite store, so the day's screening and the warm-up are heard) by
  the real runner, built by skill.local.session.assemble_runner as `talk --hands-free` builds it, on the runner's
  virtual FakeClock: "open spine coach", then "start my <area> stretches", and the runner carries on by itself. A
  question the routine stops on is answered as a well user would (ANSWERS) and listed in the report.
- Every reply the runner performs is written to a WAV by skill.local.audio.voice.write_reply_wav, the function
  `talk --save-audio` uses: the skill's SSML parsed into sentences, pauses and sounds, each sentence rendered by
  pyttsx3 (espeak-ng on Linux), each <break> as silence.
- What no reply WAV holds, the runner's own wait between turns (the hands-free rest), is taken from the waits the
  runner asks its clock for outside a reply, and inserted as silence between the WAVs. So the gap modelled is
  the one the runner of the tree under test really waits, whatever constant or data it comes from.

How it is measured, on the joined PCM: RMS over FRAME_SECONDS windows; a window below SILENCE_DBFS is silent (espeak
writes digital zero between words and sentences). A silence is a run of silent windows; a prompt is a run of sound
whose gaps are all shorter than PROMPT_BREAK_SECONDS (espeak's own gap between sentences is about 0.2 s). The user's
turns (launch, "start my ...", any answer) cut both: the time a user takes to speak is not the skill's.
- The first stretch starts at the first sentence carrying step 1's rep cue (from the tree's own routines.json), or,
  for a step without one, at its first hold.
- Silence and total time run from the first sound after "start my ..." to the end of the last reply.

    python -m bench.pacing [--routine ID] [--out bench/PACING.md] [--json FILE]
    python /work/main/bench/pacing.py --tree /some/other/checkout --out /tmp/pacing.md

`--tree` (default: the working directory if it holds skill/, else this repository) is the checkout whose `skill`
package is measured: its code, its content, its runner. It is only read; WAVs go to a temporary folder (or
--save-audio DIR) and rendered sentences to a cache outside it (--cache).
"""

from __future__ import annotations

import argparse
import inspect
import io
import json
import random
import re
import subprocess
import sys
import tempfile
import time
import wave
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "bench" / "PACING.md"
DEFAULT_CACHE = Path(tempfile.gettempdir()) / "spine-coach-pacing-cache"
LOCALE = "en-US"
USER = "pacing"
LAUNCH = "open spine coach"
START = "start my {area} stretches"  # the area's own slot value: "start my whole back stretches"

FRAME_SECONDS = 0.02
SILENCE_DBFS = -55.0
PROMPT_BREAK_SECONDS = 0.5
# pyttsx3's espeak driver sets 200 words a minute, but reading the engine's rate back just after start-up sometimes
# gives espeak's own 175 (the setting is still queued), so the rate is pinned here: a figure must not change by chance.
RATE = 200
SEED = 14  # for the skill's choice among a phrase's variants ("And relax." / "And gently let go.")
MAX_TURNS = 200  # a routine still going after this many turns is stuck

# How a well user with no warning signs answers the questions a routine can stop on (skill.core.state.Question).
ANSWERS = {"stretch_screen": "no", "ready_to_begin": "yes", "resume_offer": "no", "another_tip": "no",
           "skip_offer": "no"}
CARRY_ON = "next"  # said when a hands-free routine waits with no question


# --- choosing the tree ------------------------------------------------------------------------------------------


def default_tree() -> Path:
    here = Path.cwd()
    return here if (here / "skill" / "__init__.py").is_file() else ROOT


def use_tree(tree: Path) -> Path:
    """Import `skill` from `tree` (first on sys.path, ahead of the editable install); the package's folder."""
    tree = tree.resolve()
    if "skill" in sys.modules and not _inside(sys.modules["skill"].__file__, tree):
        raise SystemExit(f"pacing: skill is already imported from {sys.modules['skill'].__file__}, not {tree}")
    if tree != ROOT:
        sys.dont_write_bytecode = True  # another checkout is only read: no __pycache__ left in it
    sys.path.insert(0, str(tree))
    import skill

    if not _inside(skill.__file__, tree):
        raise SystemExit(f"pacing: imported skill from {skill.__file__}, not from {tree}")
    return Path(skill.__file__).parent


def _inside(path: str | None, folder: Path) -> bool:
    return path is not None and Path(path).resolve().is_relative_to(folder)


def describe_tree(tree: Path) -> str:
    """'abc1234' or 'abc1234 with uncommitted changes to skill/', from git, read only."""
    def git(*arguments: str) -> str:
        try:
            return subprocess.run(["git", "-C", str(tree), *arguments], capture_output=True, text=True,
                                  timeout=20).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown commit"
    changed = git("status", "--porcelain", "--", "skill")
    return f"{commit} with uncommitted changes to skill/" if changed else commit


# --- driving a routine ------------------------------------------------------------------------------------------


@dataclass
class Event:
    kind: str  # "user" (heard: what the user said), "reply" (parts: what was performed), "gap" (seconds)
    heard: str = ""
    parts: list = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class Recording:
    routine_id: str
    routine_name: str
    events: list[Event]
    answers: list[str]  # what the user had to say after "start my ...", with the question it answered
    started: str | None  # the routine the skill started
    finished: bool  # the routine ran to its end by itself or with the answers


def _accepted(function: Any, **arguments: Any) -> dict[str, Any]:
    """The arguments `function` takes: the runner is being changed, and a new optional parameter keeps its default."""
    names = inspect.signature(function).parameters
    return {name: value for name, value in arguments.items() if name in names}


def record_routine(routine: Any, scratch: Path) -> Recording:
    """Launch, "start my <area> stretches", and everything the hands-free runner then performs and waits, in order."""
    import skill.local.session as session
    from skill.local.clock import FakeClock
    from skill.local.progress_store import open_progress_store
    from skill.local.talk import Transcript

    clock = FakeClock()
    store = open_progress_store(scratch / f"{routine.id}.db")
    create_skill = session.create_skill

    def seeded(*arguments: Any, **options: Any) -> Any:
        options.setdefault("rng", random.Random(SEED))
        return create_skill(*arguments, **options)

    session.create_skill = seeded  # the skill as assemble_runner builds it, its wording variants picked reproducibly
    try:
        runner = session.assemble_runner(**_accepted(
            session.assemble_runner, clock=clock, store=store, user=USER, locale=LOCALE, renderer=None,
            player=None, hands_free=True, transcript=Transcript(io.StringIO(), as_json=True)))
    finally:
        session.create_skill = create_skill
    events: list[Event] = []
    performing = False
    perform, wait = runner.performer.perform, clock.wait

    def performed(parts: Any, *arguments: Any, **keywords: Any) -> Any:
        nonlocal performing
        events.append(Event("reply", parts=list(parts)))
        performing = True
        try:
            return perform(parts, *arguments, **keywords)
        finally:
            performing = False

    def waited(seconds: float, stop: Any) -> bool:
        if not performing and seconds > 0:  # a pause inside a reply is already in its WAV
            events.append(Event("gap", seconds=float(seconds)))
        return wait(seconds, stop)

    runner.performer.perform = performed
    clock.wait = waited
    # Every turn the skill answers, hands-free ones included (handle() returns only the last): which routine ran.
    routines_run: list[str] = []
    conversation = runner.conversation
    for name in ("hear", "carry_on"):
        setattr(conversation, name, _noting(getattr(conversation, name), routines_run))

    def say(text: str) -> Any:
        events.append(Event("user", heard=text))
        return runner.handle(text)

    say(LAUNCH)
    exchange = say(start_utterance(routine))
    answers: list[str] = []
    ended = False  # the session ended, or the routine did, with no question open
    for _ in range(MAX_TURNS):
        attributes = getattr(exchange, "attributes", {}) or {}
        question = (attributes.get("question") or {}).get("id")
        if exchange.record.get("end_session") or not (question or attributes.get("routine")):
            ended = not exchange.record.get("triage")
            break
        answer = ANSWERS.get(question) if question else CARRY_ON
        if answer is None:
            answers.append(f"(unanswered question {question!r})")
            break
        answers.append(f'"{answer}"' + (f" ({question})" if question else ""))
        exchange = say(answer)
    runner.conversation.end()
    started = routines_run[0] if routines_run else None
    return Recording(routine.id, routine.name, events, answers, started, ended and set(routines_run) == {routine.id})


def start_utterance(routine: Any) -> str:
    return START.format(area=routine.area.replace("_", " "))


def _noting(turn: Any, routines_run: list[str]) -> Any:
    def noted(*arguments: Any, **keywords: Any) -> Any:
        exchange = turn(*arguments, **keywords)
        routine = (getattr(exchange, "attributes", {}) or {}).get("routine")
        if isinstance(routine, dict) and isinstance(routine.get("routine"), str):
            routines_run.append(routine["routine"])
        return exchange

    return noted


# --- the audio --------------------------------------------------------------------------------------------------


@dataclass
class Span:
    start: float  # seconds into the timeline
    end: float
    kind: str  # "say" (one sentence), "pause" (a <break>), "sound", "gap" (the runner's wait between turns)
    text: str = ""


@dataclass
class Timeline:
    samples: np.ndarray  # mono, in [-1, 1)
    rate: int
    spans: list[Span]
    cuts: list[tuple[float, str]]  # where the user spoke, and what
    replies: list[tuple[float, float]]  # each reply WAV's place
    aligned: bool  # every reply WAV is as long as its parts, so the sentence spans are exact
    quiet_runs: list[tuple[int, int]] | None = None  # silences() fills it in


def build_timeline(recording: Recording, renderer: Any, wav_folder: Path) -> Timeline:
    """The reply WAVs (written as `talk --save-audio` writes them) in order, with the runner's gaps as silence."""
    from skill.core.speech import Pause, Say, Sound
    from skill.local.audio.sounds import SPEECH_FORMAT
    from skill.local.audio.voice import sentences, sound_file, write_reply_wav

    rate = SPEECH_FORMAT.frame_rate
    chunks: list[np.ndarray] = []
    spans: list[Span] = []
    cuts: list[tuple[float, str]] = []
    replies: list[tuple[float, float]] = []
    aligned = True
    frames = 0
    for number, event in enumerate(recording.events, start=1):
        if event.kind == "user":
            cuts.append((frames / rate, event.heard))
        elif event.kind == "gap":
            count = round(event.seconds * rate)
            chunks.append(np.zeros(count))
            spans.append(Span(frames / rate, (frames + count) / rate, "gap"))
            frames += count
        elif event.parts:
            path = wav_folder / f"{recording.routine_id}-{number:03d}.wav"
            write_reply_wav(event.parts, renderer, path)
            audio = _read_mono(path, SPEECH_FORMAT)
            position = frames
            for part in event.parts:  # where each sentence, pause and sound sits, as write_reply_wav joins them
                if isinstance(part, Say):
                    for sentence in sentences(part.text):
                        count = _frame_count(renderer.render(sentence), rate)
                        spans.append(Span(position / rate, (position + count) / rate, "say", sentence))
                        position += count
                elif isinstance(part, Pause):
                    count = round(part.seconds * rate)
                    spans.append(Span(position / rate, (position + count) / rate, "pause"))
                    position += count
                elif isinstance(part, Sound):
                    count = _frame_count(sound_file(part.name), rate)
                    spans.append(Span(position / rate, (position + count) / rate, "sound", part.name))
                    position += count
            aligned = aligned and position - frames == audio.size
            chunks.append(audio)
            replies.append((frames / rate, (frames + audio.size) / rate))
            frames += audio.size
    samples = np.concatenate(chunks) if chunks else np.zeros(0)
    return Timeline(samples, rate, spans, cuts, replies, aligned)


def _read_mono(path: Path, expected: Any) -> np.ndarray:
    from skill.local.audio.pcm import decode_mono

    with wave.open(str(path), "rb") as wav:
        if (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) != (
                expected.channels, expected.sample_width, expected.frame_rate):
            raise SystemExit(f"pacing: {path} is not in the runner's speech format")
        raw = wav.readframes(wav.getnframes())
    return decode_mono(raw, expected)


def _frame_count(path: Path, rate: int) -> int:
    with wave.open(str(path), "rb") as wav:
        count, source = wav.getnframes(), wav.getframerate()
    return count if source == rate else round(count * rate / source)  # as skill.local.audio.pcm.resample counts


# --- measuring --------------------------------------------------------------------------------------------------


def silences(timeline: Timeline, start: float, end: float) -> list[tuple[float, float]]:
    """Runs of silent windows, clipped to [start, end) and split where the user spoke. The windows are laid from
    the start of the timeline, so a silence measures the same whatever range it is looked for in."""
    window = max(1, round(FRAME_SECONDS * timeline.rate))
    seconds = window / timeline.rate
    runs: list[tuple[float, float]] = []
    for begin, finish in _quiet_runs(timeline, window):
        run = (max(start, begin * seconds), min(end, finish * seconds))
        if run[1] > run[0]:
            runs.extend(_split(run, [moment for moment, _ in timeline.cuts]))
    return runs


def _quiet_runs(timeline: Timeline, window: int) -> list[tuple[int, int]]:
    """(first, last + 1) window of each run of windows whose RMS is below SILENCE_DBFS; worked out once."""
    if timeline.quiet_runs is None:
        count = -(-timeline.samples.size // window)
        padded = np.zeros(count * window)
        padded[:timeline.samples.size] = timeline.samples
        rms = np.sqrt((padded.reshape(count, window) ** 2).mean(axis=1))
        quiet = 20 * np.log10(np.maximum(rms, 1e-12)) < SILENCE_DBFS
        edges = np.flatnonzero(np.diff(np.concatenate(([0], quiet.astype(np.int8), [0]))))
        timeline.quiet_runs = list(zip(edges[::2].tolist(), edges[1::2].tolist()))
    return timeline.quiet_runs


def _split(run: tuple[float, float], cuts: list[float]) -> Iterator[tuple[float, float]]:
    begin, finish = run
    for cut in sorted(cuts):
        if begin < cut < finish:
            yield begin, cut
            begin = cut
    yield begin, finish


def prompts(timeline: Timeline, start: float, end: float) -> list[tuple[float, float]]:
    """Runs of sound in [start, end) whose silences are all shorter than PROMPT_BREAK_SECONDS, split at user turns."""
    breaks = [run for run in silences(timeline, start, end) if run[1] - run[0] >= PROMPT_BREAK_SECONDS]
    cuts = sorted(moment for moment, _ in timeline.cuts if start < moment < end)
    boundaries = sorted([(begin, finish) for begin, finish in breaks] + [(cut, cut) for cut in cuts])
    found, position = [], start
    for begin, finish in boundaries:
        if begin > position:
            found.append((position, begin))
        position = max(position, finish)
    if end > position:
        found.append((position, end))
    # A stretch of speech ends at its last sound: trim the short silence left at either end.
    trimmed = []
    for begin, finish in found:
        quiet = silences(timeline, begin, finish)
        if quiet and quiet[0][0] <= begin + 1e-9:
            begin = quiet[0][1]
        if quiet and quiet[-1][1] >= finish - 1e-9:
            finish = quiet[-1][0]
        if finish - begin >= FRAME_SECONDS:  # not the sliver a window edge leaves at a clipped end
            trimmed.append((begin, finish))
    return trimmed


def first_stretch(timeline: Timeline, routine: Any, after: float) -> float | None:
    """When step 1's first rep cue starts (or, without one, its first hold), after `after`."""
    step = routine.steps[0]
    cue = _words(step.rep_cue or "")
    if cue:
        for span in timeline.spans:
            if span.kind == "say" and span.start >= after and cue in _words(span.text):
                return span.start
        return None
    name = _words(step.name)
    named = next((span.start for span in timeline.spans
                  if span.kind == "say" and span.start >= after and name in _words(span.text)), None)
    if named is None:
        return None
    return next((span.start for span in timeline.spans if span.kind == "pause" and span.start >= named), None)


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9']+", text.lower()))


def said_between(timeline: Timeline, start: float, end: float) -> list[str]:
    return [span.text for span in timeline.spans if span.kind == "say" and span.end > start + 1e-6
            and span.start < end - 1e-6]


def _excerpt(sentences: list[str], words: int = 8) -> str:
    text = " ".join(sentences).split()
    if len(text) <= 2 * words:
        return " ".join(text)
    return " ".join(text[:words]) + " … " + " ".join(text[-words:])


def made_of(timeline: Timeline, start: float, end: float) -> str:
    """What a silence is: the runner's gap, a <break> in a reply, the quiet at the ends of sentences and sounds."""
    totals = {"gap": 0.0, "pause": 0.0}
    for span in timeline.spans:
        if span.kind in totals:
            totals[span.kind] += max(0.0, min(end, span.end) - max(start, span.start))
    rest = (end - start) - totals["gap"] - totals["pause"]
    parts = [f"{totals['pause']:.1f} s of SSML break" if totals["pause"] >= 0.05 else "",
             f"{totals['gap']:.1f} s of runner gap between turns" if totals["gap"] >= 0.05 else "",
             f"{rest:.1f} s of quiet at the ends of speech or sound" if rest >= 0.05 else ""]
    return ", ".join(part for part in parts if part)


def measure_routine(recording: Recording, timeline: Timeline, routine: Any) -> dict[str, Any]:
    start_cut = next(moment for moment, heard in timeline.cuts if heard == start_utterance(routine))
    routine_start = next((begin for begin, _ in timeline.replies if begin >= start_cut), start_cut)
    routine_end = timeline.replies[-1][1] if timeline.replies else routine_start
    welcome = next(((begin, finish) for begin, finish in timeline.replies if finish <= start_cut), (0.0, 0.0))
    welcome_prompts = prompts(timeline, *welcome) or [(welcome[0], welcome[0])]
    first = first_stretch(timeline, routine, routine_start)
    before_end = first if first is not None else routine_start
    before = prompts(timeline, routine_start, before_end)
    longest_before = max(before, key=lambda run: run[1] - run[0], default=(routine_start, routine_start))
    gaps = [span.end - span.start for span in timeline.spans
            if span.kind == "gap" and routine_start <= span.start < routine_end]
    breaks = _pauses_in_replies(recording)
    heard_text = _words(" ".join(span.text for span in timeline.spans if span.kind == "say"))
    steps_heard = sum(_words(step.name) in heard_text for step in routine.steps)
    return {
        "routine": routine.id,
        "name": routine.name,
        "utterance": start_utterance(routine),
        "started": recording.started,
        "finished": recording.finished,
        "steps": len(routine.steps),
        "steps_heard": steps_heard,
        "answers": recording.answers,
        "aligned": timeline.aligned,
        "welcome_seconds": welcome[1] - welcome[0],
        "welcome_longest_prompt_seconds": max(finish - begin for begin, finish in welcome_prompts),
        "first_stretch_found": first is not None,
        "first_stretch_sentence": next((span.text for span in timeline.spans
                                        if span.kind == "say" and span.start == first), None),
        "speech_before_first_stretch_seconds": sum(finish - begin for begin, finish in before),
        "time_to_first_stretch_seconds": before_end - routine_start,
        "prompts_before_first_stretch": len(before),
        "longest_prompt_before_first_stretch_seconds": longest_before[1] - longest_before[0],
        "longest_prompt_before_first_stretch_words": _excerpt(said_between(timeline, *longest_before)),
        **longest_silence(timeline, routine_start, routine_end, "longest_silence"),
        # The same once step 1 has begun: a warm-up the runner waits through is silence too, but not a hold's.
        **longest_silence(timeline, before_end, routine_end, "longest_silence_stretching"),
        "longest_break_in_replies_seconds": max(breaks, default=0.0),
        "runner_gaps": len(gaps),
        "runner_gap_seconds": sorted(round(gap, 2) for gap in gaps),
        "total_seconds": routine_end - routine_start,
        "speech_seconds": sum(finish - begin for begin, finish in prompts(timeline, routine_start, routine_end)),
    }


def longest_silence(timeline: Timeline, start: float, end: float, name: str) -> dict[str, Any]:
    """The longest silence in [start, end): its length, what it is made of, the words either side."""
    begin, finish = max(silences(timeline, start, end), key=lambda run: run[1] - run[0], default=(start, start))
    return {f"{name}_seconds": finish - begin, f"{name}_made_of": made_of(timeline, begin, finish),
            f"{name}_after": _excerpt(said_between(timeline, begin - 3, begin)[-1:], 5),
            f"{name}_before": _excerpt(said_between(timeline, finish, finish + 3)[:1], 5)}


def _pauses_in_replies(recording: Recording) -> list[float]:
    from skill.core.speech import Pause

    return [part.seconds for event in recording.events for part in event.parts if isinstance(part, Pause)]


# --- the report -------------------------------------------------------------------------------------------------


def _s(seconds: float) -> str:
    return f"{seconds:.1f} s"


def _clock(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}"


def report(figures: list[dict[str, Any]], about: dict[str, str]) -> str:
    lines = [
        "# Pacing of the routines, offline and hands-free",
        "",
        f"Written by `python -m bench.pacing` (`make pacing`) for {about['tree']} ({about['commit']}); "
        f"voice {about['voice']} at {about['rate']} words a minute ({about['engine']}), locale {LOCALE}. "
        "Each routine is run by the real runner for a new user on a virtual clock: \"open spine coach\", "
        "\"start my <area> stretches\", then hands-free to the end. Every reply is written to a WAV as "
        "`talk --save-audio` writes it; the runner's own wait between turns, which no reply WAV holds, is "
        "taken from the waits the runner asks its clock for and inserted as silence. Measured on the joined "
        f"PCM: a {FRAME_SECONDS * 1000:g} ms window below {SILENCE_DBFS:g} dBFS is silent; a prompt is sound "
        f"with no silence of {PROMPT_BREAK_SECONDS:g} s or more; the user's turns cut both.",
        "",
        "- **welcome**: the launch reply; its longest prompt in brackets.",
        "- **before the first stretch**: from the first sound after \"start my ...\" to the first sentence "
        "carrying step 1's rep cue: the longest prompt, the speech (all prompts) and the time it takes.",
        "- **longest silence**: from that first sound to the end of the routine, SSML breaks and the runner's "
        "gaps included; **once stretching**: the same from the first stretch on (a warm-up wait left out).",
        "- **total**: the same span, m:ss.",
        "",
        "| routine | welcome | longest prompt before first stretch | speech before first stretch | time to first "
        "stretch | longest silence | longest silence once stretching | total | runner gaps | answers needed | "
        "steps heard |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in figures:
        gaps = ", ".join(f"{count} × {gap:g} s" for gap, count in Counter(row["runner_gap_seconds"]).items()) or "none"
        first = "" if row["first_stretch_found"] else " (first stretch not found)"
        complete = row["finished"] and row["steps_heard"] == row["steps"]
        lines.append(
            f"| {row['name']} | {_s(row['welcome_seconds'])} ({_s(row['welcome_longest_prompt_seconds'])}) | "
            f"{_s(row['longest_prompt_before_first_stretch_seconds'])}{first} | "
            f"{_s(row['speech_before_first_stretch_seconds'])} in {row['prompts_before_first_stretch']} "
            f"prompt(s) | {_s(row['time_to_first_stretch_seconds'])} | {_s(row['longest_silence_seconds'])} | "
            f"{_s(row['longest_silence_stretching_seconds'])} | "
            f"{_clock(row['total_seconds'])} | {gaps} | {len(row['answers'])} | "
            f"{row['steps_heard']} of {row['steps']}{'' if complete else ', **did not finish**'} |")
    lines.append("")
    for row in figures:
        lines += [
            f"**{row['name']}**",
            f"- longest prompt before the first stretch: \"{row['longest_prompt_before_first_stretch_words']}\"",
            f"- first stretch: \"{row['first_stretch_sentence'] or 'not found'}\"",
            *(f"- {label} ({_s(row[f'{name}_seconds'])}: {row[f'{name}_made_of']}): after "
              f"\"{row[f'{name}_after']}\", before \"{row[f'{name}_before'] or '(the end)'}\""
              for name, label in (("longest_silence", "longest silence"),
                                  ("longest_silence_stretching", "longest silence once stretching"))),
            f"- longest SSML break in a reply: {_s(row['longest_break_in_replies_seconds'])}; speech in the whole "
            f"routine: {_s(row['speech_seconds'])}",
            "- answers the user had to give after \"start my ...\": "
            + (", ".join(row["answers"]) if row["answers"] else "none"),
        ]
        if not row["aligned"]:
            lines.append("- note: a reply WAV's length differs from its parts', so the words quoted may be misplaced")
        if row["started"] != row["routine"]:
            lines.append(f"- note: \"{row['utterance']}\" started {row['started']!r}, not {row['routine']!r}")
        lines.append("")
    return "\n".join(lines)


# --- running ----------------------------------------------------------------------------------------------------


def measure(tree: Path, routine_ids: list[str] | None, cache: Path, wav_folder: Path,
            voice: str | None = None, rate: int = RATE) -> tuple[list[dict], dict]:
    from skill.core.routines import load_routines
    from skill.local.audio.voice import Pyttsx3Renderer

    renderer = Pyttsx3Renderer(cache, voice, rate)
    renderer.start()  # RenderError without a voice: main() reports it
    voice, rate = renderer.voice_and_rate()  # as resolved: the voice's id
    routines = [routine for routine in load_routines(LOCALE).values()
                if not routine_ids or routine.id in routine_ids]
    if routine_ids and {routine.id for routine in routines} != set(routine_ids):
        raise SystemExit(f"pacing: no routine {sorted(set(routine_ids) - {r.id for r in routines})}")
    figures = []
    with tempfile.TemporaryDirectory(prefix="pacing-") as scratch:
        for routine in routines:
            recording = record_routine(routine, Path(scratch))
            timeline = build_timeline(recording, renderer, wav_folder)
            figures.append(measure_routine(recording, timeline, routine))
    about = {"tree": "this repository" if tree == ROOT else str(tree), "commit": describe_tree(tree),
             "voice": voice, "rate": str(rate),
             "engine": renderer.engine_name()}
    return figures, about


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", type=Path, default=None, help="the checkout to measure (default: see above)")
    parser.add_argument("--routine", action="append", help="a routine id (repeatable; default: every routine)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"the report (default {DEFAULT_OUT})")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--save-audio", type=Path, help="keep the reply WAVs in this folder")
    parser.add_argument("--voice", help="a pyttsx3 voice id or name (default: the engine's)")
    parser.add_argument("--rate", type=int, default=RATE, help="words a minute (default %(default)s)")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="rendered sentences (default %(default)s)")
    args = parser.parse_args(argv)
    tree = (args.tree or default_tree()).resolve()
    package = use_tree(tree)
    from skill.local.audio.voice import RenderError

    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="pacing-wavs-") as temporary:
        wav_folder = args.save_audio or Path(temporary)
        wav_folder.mkdir(parents=True, exist_ok=True)
        try:
            figures, about = measure(tree, args.routine, args.cache, wav_folder, args.voice, args.rate)
        except RenderError as error:  # like every bench target, it reports and never fails
            print(f"pacing: not measured, the replies could not be rendered ({error}); on Linux, install espeak-ng.")
            return 0
    text = report(figures, about)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps({"about": {**about, "package": str(package)}, "routines": figures},
                                        indent=1), encoding="utf-8")
    print(text)
    print(f"Measured skill from {package} in {time.monotonic() - started:.0f} s. Written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
