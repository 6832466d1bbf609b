"""What the live line of `talk` says on a terminal: where a routine is, the rep, and the seconds left of a hold, a
rest, the wait before a routine's next step, or the heat. skill.local.terminal draws it under the prompt.

The runner knows each reply's routine position (session attributes) and its pauses; a step's holds and rests come
from the routine's own data (skill.core.routines), laid over the pause time of the reply, so the count stays
right when a long hold is said in two halves or a reply starts with time to get into position.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

from skill.core.flow import plan_segments
from skill.core.routines import load_routines
from skill.core.speech import Part, Pause
from skill.local.clock import Clock

# (style class, text) pairs: prompt_toolkit's formatted text, kept as plain tuples so this module needs no terminal.
Fragments = list[tuple[str, str]]


@dataclass(frozen=True)
class _Span:
    label: str  # "hold", "rest", "get ready"
    rep: int | None  # 1-based rep of the step, for holds and rests
    start: float  # seconds of pause time into the reply
    end: float


@dataclass(frozen=True)
class _Countdown:
    label: str
    rep: tuple[int, int] | None  # (rep, reps of the step)
    ends_at: float  # on the runner's clock


class LiveStatus:
    """What the live line shows. The runner tells it what happens (on the main thread); the terminal reads it (on
    its own thread) through `fragments`, so every field is replaced whole, never changed in place."""

    def __init__(self, clock: Clock, locale: str, heat_due: Callable[[], float | None] = lambda: None):
        self.clock = clock
        self.locale = locale
        self.heat_due = heat_due  # when the heat alarm rings, if it runs
        self.routine_file: tuple[str, int, int] | None = None  # a caregiver's routine: (title, step number, steps)
        self._stretch: tuple[str, str] | None = None  # ("lower back stretches", "step 2 of 6, knee rolls, left")
        self._step_reps = 0
        self._spans: tuple[_Span, ...] = ()
        self._pause_offset = 0.0  # pause time of the reply played so far
        self._countdown: _Countdown | None = None

    def follow(self, attributes: Mapping[str, Any], parts: Sequence[Part]) -> None:
        """A reply is about to play: where its routine is, and what each stretch of silence in it is for."""
        self._countdown, self._pause_offset = None, 0.0
        position = attributes.get("routine") if isinstance(attributes, Mapping) else None
        routine = load_routines(self.locale).get(position.get("routine")) if isinstance(position, Mapping) else None
        try:
            step = routine.steps[position["step"]]
            segment = plan_segments(step)[position.get("segment", 0)]
        except (AttributeError, KeyError, IndexError, TypeError):
            self._stretch, self._spans = None, ()
            return
        side = f", {segment.side}" if segment.side else ""
        self._stretch = (routine.name, f"step {position['step'] + 1} of {len(routine.steps)}, {step.name}{side}")
        self._step_reps = step.reps
        done = position.get("rep", 0) if isinstance(position.get("rep", 0), int) else 0
        self._spans = _spans(step.hold_seconds, step.rest_seconds, segment.first_rep + done,
                             segment.reps - done, [part.seconds for part in parts if isinstance(part, Pause)])

    def part_started(self, part: Part) -> None:
        """The performer reached `part`: a pause starts a countdown to the end of the hold or rest it is in."""
        if not isinstance(part, Pause):
            return
        offset = self._pause_offset
        self._pause_offset += part.seconds
        span = next((span for span in self._spans if span.start <= offset < span.end), None)
        if span is None:
            self._countdown = _Countdown("pause", None, self.clock.now() + part.seconds)
            return
        rep = (span.rep, self._step_reps) if span.rep else None
        self._countdown = _Countdown(span.label, rep, self.clock.now() + span.end - offset)

    def waiting(self, label: str, seconds: float) -> None:
        """The runner waits on its own (between hands-free stretches, before a routine's next step)."""
        self._countdown = _Countdown(label, None, self.clock.now() + seconds)

    def fragments(self) -> Fragments:
        """The line, as prompt_toolkit formatted text."""
        pieces: list[tuple[str, str]] = []
        if self.routine_file:
            title, number, total = self.routine_file
            pieces.append(("class:status.where", f"{title}: step {number} of {total}"))
        if self._stretch:
            pieces.append(("class:status.where", f"{self._stretch[0]}: {self._stretch[1]}"))
        now = self.clock.now()
        countdown = self._countdown
        if countdown and countdown.ends_at > now:
            if countdown.rep:
                pieces.append(("class:status.count", f"rep {countdown.rep[0]} of {countdown.rep[1]}"))
            pieces.append(("class:status.count", f"{countdown.label} {_seconds(countdown.ends_at - now)}"))
        heat = self.heat_due()
        if heat is not None and heat > now:
            left = int(heat - now + 0.999)
            pieces.append(("class:status.count", f"heat {left // 60}:{left % 60:02d} left"))
        line: Fragments = [("class:status", " ")]
        for index, piece in enumerate(pieces):
            if index:
                line.append(("class:status", " · "))
            line.append(piece)
        line.append(("class:status", " "))
        return line

    def text(self) -> str:
        return "".join(text for _, text in self.fragments()).strip()


def _spans(hold: float, rest: float, first_rep: int, reps: int, pauses: Sequence[float]) -> tuple[_Span, ...]:
    """The holds and rests of `reps` reps from `first_rep` (0-based), laid over the reply's pause time. Pause time
    before them (getting into position) is 'get ready'; a hold said in two halves is still one hold. A reply
    whose pauses cannot be the reps gets no spans, and its pauses count down on their own."""
    planned = reps * hold + max(0, reps - 1) * rest
    lead_in = sum(pauses) - planned
    if reps <= 0 or lead_in < -1e-6:
        return ()
    spans, at = [], 0.0
    if lead_in > 1e-6:
        spans.append(_Span("get ready", None, 0.0, lead_in))
        at = lead_in
    for index in range(reps):
        spans.append(_Span("hold", first_rep + index + 1, at, at + hold))
        at += hold
        if index < reps - 1 and rest > 0:
            spans.append(_Span("rest", first_rep + index + 1, at, at + rest))
            at += rest
    return tuple(spans)


def _seconds(seconds: float) -> str:
    whole = int(seconds + 0.999)  # counts down 3, 2, 1, never 0 while it lasts
    return f"{whole} s" if whole < 60 else f"{whole // 60}:{whole % 60:02d}"
