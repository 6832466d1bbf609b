"""`python -m skill render-audio`: render every sentence the skill can say ahead of time, so the offline runner
plays replies without waiting for speech synthesis. Sentences are split with `voice.sentences`, the same
splitter the runner uses, and rendered in the form the runner's voice is given them (`spoken`: emergency
numbers digit by digit), so the cache keys agree; a rerun renders only sentences that are new or changed.
"""

from __future__ import annotations

import itertools
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Protocol, Sequence, TextIO

from skill.core.content import SPOKEN_DOCUMENTS, fill, load_document, placeholders, resolve_locale, variants
from skill.core.heat import MAX_MINUTES as MAX_HEAT_MINUTES
from skill.local.audio.voice import AUDIO_DIR, Pyttsx3Renderer, RenderError, UnknownVoiceError, sentences
from skill.core.routines import REPS, SIDES, load_routines
from skill.core.speech import Say, parse_ssml, to_ssml

DEFAULT_OUT = AUDIO_DIR / "rendered"
BAR_WIDTH = 20


class CachingRenderer(Protocol):
    def cached(self, text: str) -> bool: ...

    def render(self, text: str) -> Path: ...


@dataclass
class RenderReport:
    rendered: int = 0
    cached: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)  # one message per failed sentence


def phrases(locale: str) -> list[str]:
    """Every sentence known ahead of time, deduplicated, in a stable order: phrasebook entries whose only
    placeholders are the locale's facts (with the facts filled in), tips, topics, routine texts (per side
    where a step has sides), phrases whose run-time values are known ahead ("Step 2 of 6: knee rolls.", "Heat
    timer set for 15 minutes.") and the red-flag clarifying questions. As written: `spoken_phrases` gives the
    form that is rendered."""
    locale = resolve_locale(locale)
    texts = [*_phrasebook(locale), *_tips(locale), *_topics(locale), *_routine_texts(locale),
             *_filled_phrases(locale), *_clarify_questions(locale)]
    return list(dict.fromkeys(sentence for text in texts for sentence in sentences(text)))


def spoken_phrases(locale: str) -> list[str]:
    """`phrases(locale)` as the runner's voice is given them: the cache keys a reply's sentences look up."""
    return list(dict.fromkeys(spoken(sentence) for sentence in phrases(locale)))


def spoken(sentence: str) -> str:
    """A written sentence as the runner renders it: through the skill's SSML and back (skill.core.speech), which
    spaces emergency numbers digit by digit ("Call 9 1 1 now"). Rendering the written form instead would leave
    every emergency answer out of the cache, so the most urgent replies were the ones always synthesised."""
    return " ".join(part.text for part in parse_ssml(to_ssml([Say(sentence)])) if isinstance(part, Say))


def _phrasebook(locale: str) -> Iterator[str]:
    facts = load_document(locale, "locale")
    for name in SPOKEN_DOCUMENTS:  # screen labels are shown, never spoken
        for key, entry in load_document(locale, name).items():
            if key.startswith("_"):  # "_about" notes for writers
                continue
            for variant in variants(entry):
                if placeholders(variant) <= facts.keys():  # others (a routine name, a count) are known only at runtime
                    yield fill(variant, facts)


def _tips(locale: str) -> Iterator[str]:
    for tip in load_document(locale, "tips")["tips"]:
        yield tip["say"]


def _topics(locale: str) -> Iterator[str]:
    for topic in load_document(locale, "topics")["topics"]:
        yield from topic["say"]
        yield topic["follow_up"]


def _routine_texts(locale: str) -> Iterator[str]:
    for routine in load_routines(locale).values():
        yield routine.intro
        for step in routine.steps:
            for side in step.passes:
                yield from step.cues_for(side)
                for cue in (step.rep_cue, step.release_cue, step.release_short):
                    if cue:
                        yield cue.format(side=side) if side else cue
            yield step.caution


# Run-time values that come from a small, known set, so phrases that use them can be rendered ahead: a routine's
# name, a side, a step's hold, a count of reps, a step number, the minutes of a heat session.
def _known_values(locale: str) -> dict[str, Sequence[object]]:
    routines = load_routines(locale).values()
    steps = [step for routine in routines for step in routine.steps]
    return {"routine": [routine.name for routine in routines], "side": SIDES,
            "seconds": sorted({step.hold_seconds for step in steps}), "count": REPS,
            # a step's number, or a rep's ("3 of 10"): the largest of the two
            "number": range(1, max(*(len(routine.steps) for routine in routines), *REPS) + 1), "total": REPS,
            "minutes": range(1, MAX_HEAT_MINUTES + 1)}


def _filled_phrases(locale: str) -> Iterator[str]:
    """Phrasebook entries whose run-time values are all known ahead (see _known_values), in every combination,
    and each routine's step headers ("Step 2 of 6: knee rolls."), whose values go together. A step's reply
    leads with its header, and a heat reply with its minutes, so these are the first words of many replies."""
    facts = load_document(locale, "locale")
    known = _known_values(locale)
    for name in SPOKEN_DOCUMENTS:
        for key, entry in load_document(locale, name).items():
            for variant in ([] if key.startswith("_") else variants(entry)):
                wanted = sorted(placeholders(variant) - facts.keys())
                if wanted and set(wanted) <= known.keys():
                    for values in itertools.product(*(known[field] for field in wanted)):
                        yield fill(variant, {**facts, **dict(zip(wanted, values))})
    headers = variants(load_document(locale, "prompts")["stretch.step_header"])
    for routine in load_routines(locale).values():
        for number, step in enumerate(routine.steps, start=1):
            for header in headers:
                yield fill(header, {**facts, "number": number, "total": len(routine.steps), "name": step.name})


def _clarify_questions(locale: str) -> Iterator[str]:
    for rule in load_document(locale, "red_flags")["rules"]:
        if "question" in rule:
            yield rule["question"]


def render_all(renderer: CachingRenderer, texts: Sequence[str], progress: TextIO) -> RenderReport:
    """Render each text not yet in the cache, showing a progress bar on `progress`."""
    report = RenderReport()
    bar = _ProgressBar(progress, len(texts))
    for done, text in enumerate(texts, start=1):
        if renderer.cached(text):
            report.cached += 1
        else:
            try:
                renderer.render(text)
                report.rendered += 1
            except RenderError as error:
                report.failed += 1
                report.errors.append(str(error))
        bar.show(done)
    bar.close()
    return report


class _ProgressBar:
    """"rendering [#####---------------] 80/310": redrawn in place on a terminal; in a log (not a tty), a line
    at every tenth of the way, so the log stays short."""

    def __init__(self, out: TextIO, total: int):
        self.out = out
        self.total = total
        self.in_place = out.isatty()
        self.last_tenth = -1

    def show(self, done: int) -> None:
        tenth = done * 10 // max(self.total, 1)
        if self.in_place:
            self.out.write("\r" + self._line(done))
        elif tenth != self.last_tenth:
            self.out.write(self._line(done) + "\n")
        self.last_tenth = tenth
        self.out.flush()

    def close(self) -> None:
        if self.total == 0:
            self.show(0)
        if self.in_place:
            self.out.write("\n")
            self.out.flush()

    def _line(self, done: int) -> str:
        filled = BAR_WIDTH * done // max(self.total, 1)
        return f"rendering [{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {done}/{self.total}"


def main(out: Path | None, locale: str, voice: str | None, rate: int | None) -> int:
    """Render every known sentence for `locale` into `out` (default audio/rendered). Exit status 1 if speech is
    unavailable or a sentence failed, 2 for an unknown voice."""
    folder = out or DEFAULT_OUT
    renderer = Pyttsx3Renderer(folder, voice, rate)
    try:
        renderer.start()
    except UnknownVoiceError as error:
        print(f"render-audio: {error}", file=sys.stderr)
        return 2
    except RenderError as error:
        print(f"render-audio: no speech engine ({error}); on Linux, install espeak-ng.", file=sys.stderr)
        return 1
    report = render_all(renderer, spoken_phrases(locale), sys.stderr)
    print(f"render-audio: {report.rendered} rendered, {report.cached} already cached, {report.failed} failed"
          f" in {folder}", file=sys.stderr)
    for message in report.errors[:3]:
        print(f"render-audio: {message}", file=sys.stderr)
    return 1 if report.failed else 0
