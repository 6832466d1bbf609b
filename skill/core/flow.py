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
# From a moment in the reply to the request that interrupts it: playback starts a second or two after the
# request that asked for it, and saying "Alexa, pause" takes a couple more. Reps are counted done only once
# this much later, so a resumed stretch may do a rep again but never skips one.
PAUSE_LATENCY_SECONDS = 4

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
    # "Carry on" while it runs: from the rep reached when said over a hold, else on to the next stretch.
    ("resume", ("running",), "carry_on"),
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


def advance(state: RoutineState, trigger: str, steps: Sequence, now: float | None = None) -> Move | None:
    """The move `trigger` makes from `state`, or None when it makes no sense now. `now` (request time) lets a
    pause keep the reps already done, so that resuming carries on from there."""
    effect = next((e for t, sources, e in TRANSITIONS if t == trigger and state.status in sources), None)
    if effect is None:
        return None
    if effect == "lead" and trigger == "resume" and state.status == "paused" and state.rep:
        if state.rep >= plan_segments(steps[state.step])[state.segment].reps:  # paused after its last rep
            return _lead_or_finish(_following(state, steps))
        return Move(_fresh(state, status="running", rep=state.rep), "lead")
    if effect == "lead":
        return Move(_fresh(state, status="running"), "lead")
    if effect == "carry_on":
        reached = reps_reached(state, now) if now is not None else None  # no time given: the segment was heard
        if reached is not None and reached < plan_segments(steps[state.step])[state.segment].reps:
            return Move(_fresh(state, rep=reached), "lead")
        return _lead_or_finish(_following(state, steps))
    if effect == "advance":
        return _lead_or_finish(_following(state, steps))
    if effect == "back":
        earlier = _preceding(state, steps)
        return Move(earlier or _fresh(state, status="running"), "lead", None if earlier else "at_start")
    if effect == "pause":
        reached = reps_reached(state, now) if now is not None else state.rep  # no time given: no rep more
        return Move(_fresh(state, status="paused", rep=reached), "paused")
    if effect == "restart":
        return Move(_fresh(state, step=0, segment=0, status="running"), "lead")
    if effect == "skip":
        return _lead_or_finish(_fresh(state, step=state.step + 1, segment=0) if state.step + 1 < len(steps) else None)
    if effect == "offer_skip":
        return Move(_fresh(state, status="hurt"), "offer_skip")
    return Move(None, {"stop_spreading": "spreading", "stop": "stopped"}[effect])


def reps_reached(state: RoutineState, now: float) -> int:
    """Reps of the current segment done by `now`, as far as the last lead's timing shows (see RoutineState)."""
    if state.led_at is None:
        return state.rep
    heard = now - state.led_at - PAUSE_LATENCY_SECONDS
    return state.rep + sum(1 for end in state.rep_ends if end <= heard)


def _fresh(state: RoutineState, **changes) -> RoutineState:
    """`state` moved somewhere: no reps done there yet, and the last lead's timing no longer applies."""
    return replace(state, **{"rep": 0, "led_at": None, "rep_ends": (), "transition_seconds": 0, **changes})


def _lead_or_finish(state: RoutineState | None) -> Move:
    return Move(_fresh(state, status="running"), "lead") if state else Move(None, "finished")


def _following(state: RoutineState, steps: Sequence) -> RoutineState | None:
    if state.segment + 1 < len(plan_segments(steps[state.step])):
        return _fresh(state, segment=state.segment + 1)
    if state.step + 1 < len(steps):
        return _fresh(state, step=state.step + 1, segment=0)
    return None


def _preceding(state: RoutineState, steps: Sequence) -> RoutineState | None:
    if state.segment > 0:
        return _fresh(state, segment=state.segment - 1, status="running")
    if state.step > 0:
        step = state.step - 1
        return _fresh(state, step=step, segment=len(plan_segments(steps[step])) - 1, status="running")
    return None


def is_valid_position(state: RoutineState, steps: Sequence) -> bool:
    """Whether a stored state still points into the routine (content may have changed since it was saved)."""
    return state.step < len(steps) and state.segment < len(plan_segments(steps[state.step]))
