"""The guided-routine flow as a transition table: pure functions, no SDK, no content.

A routine is a list of steps; a step is led in one or more segments (one per side, split further when its
holds would not fit one response's audio). Each turn leads one segment and ends with a pain check-in.
Vocabulary from pytransitions: triggers, source statuses, first matching row wins, `*` for any status.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

from skill.core.state import ROUTINE_STATUSES, RoutineState

# Holds and rests led in one response, leaving room for the spoken set-up within Alexa's 240 s of audio.
SEGMENT_HOLD_BUDGET_SECONDS = 180

ANY = ROUTINE_STATUSES
ACTIVE = ("running", "paused", "hurt")

# trigger, statuses it is allowed from, effect. Anything not listed is "not now" for the current status.
TRANSITIONS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("next", ("ready",), "lead"),
    ("next", ACTIVE, "advance"),
    ("fine", ("running",), "advance"),
    ("previous", ACTIVE, "back"),
    ("repeat", ACTIVE, "lead"),
    ("pause", ("running",), "pause"),  # nothing to pause before the first stretch: pausing there lost step 1
    ("resume", ("paused",), "lead"),
    ("resume", ("ready",), "lead"),
    ("start_over", ANY, "restart"),
    ("skip", ANY, "skip"),
    ("hurt", ("running", "paused"), "offer_skip"),
    ("spreading", ANY, "stop_spreading"),
    ("stop", ANY, "stop"),
)


@dataclass(frozen=True)
class Segment:
    side: str | None
    first_rep: int  # 0-based
    reps: int


@dataclass(frozen=True)
class Move:
    state: RoutineState | None  # None once the routine has ended
    effect: str  # lead | finished | paused | offer_skip | stopped | spreading
    note: str | None = None  # at_start: "previous" on the first segment


def plan_segments(step) -> list[Segment]:
    """The segments a step is led in: each side in turn, reps split so each segment fits the audio budget."""
    per_rep = step.hold_seconds + step.rest_seconds
    reps_per_segment = max(1, min(step.reps, int(SEGMENT_HOLD_BUDGET_SECONDS // max(per_rep, 1))))
    segments = []
    for side in step.passes:
        for first in range(0, step.reps, reps_per_segment):
            segments.append(Segment(side, first, min(reps_per_segment, step.reps - first)))
    return segments


def advance(state: RoutineState, trigger: str, steps: Sequence) -> Move | None:
    """The move `trigger` makes from `state`, or None when it makes no sense now."""
    effect = next((e for t, sources, e in TRANSITIONS if t == trigger and state.status in sources), None)
    if effect is None:
        return None
    if effect == "lead":
        return Move(replace(state, status="running"), "lead")
    if effect == "advance":
        return _lead_or_finish(_following(state, steps))
    if effect == "back":
        earlier = _preceding(state, steps)
        return Move(earlier or replace(state, status="running"), "lead", None if earlier else "at_start")
    if effect == "pause":
        return Move(replace(state, status="paused"), "paused")
    if effect == "restart":
        return Move(replace(state, step=0, segment=0, status="running"), "lead")
    if effect == "skip":
        return _lead_or_finish(replace(state, step=state.step + 1, segment=0) if state.step + 1 < len(steps) else None)
    if effect == "offer_skip":
        return Move(replace(state, status="hurt"), "offer_skip")
    return Move(None, {"stop_spreading": "spreading", "stop": "stopped"}[effect])


def _lead_or_finish(state: RoutineState | None) -> Move:
    return Move(replace(state, status="running"), "lead") if state else Move(None, "finished")


def _following(state: RoutineState, steps: Sequence) -> RoutineState | None:
    if state.segment + 1 < len(plan_segments(steps[state.step])):
        return replace(state, segment=state.segment + 1)
    if state.step + 1 < len(steps):
        return replace(state, step=state.step + 1, segment=0)
    return None


def _preceding(state: RoutineState, steps: Sequence) -> RoutineState | None:
    if state.segment > 0:
        return replace(state, segment=state.segment - 1, status="running")
    if state.step > 0:
        step = state.step - 1
        return replace(state, step=step, segment=len(plan_segments(steps[step])) - 1, status="running")
    return None


def is_valid_position(state: RoutineState, steps: Sequence) -> bool:
    """Whether a stored state still points into the routine (content may have changed since it was saved)."""
    return state.step < len(steps) and state.segment < len(plan_segments(steps[state.step]))
