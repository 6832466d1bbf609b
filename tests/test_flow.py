"""skill.core.flow: the routine transition table, segment planning and position checks."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.core.flow import (
    PAUSE_LATENCY_SECONDS,
    SEGMENT_HOLD_BUDGET_SECONDS,
    TRANSITIONS,
    Move,
    Segment,
    advance,
    is_valid_position,
    plan_segments,
    reps_reached,
)
from skill.core.routines import load_routines
from skill.core.state import ROUTINE_STATUSES, RoutineState


@dataclass(frozen=True)
class FakeStep:
    """Only what flow reads from a step."""

    hold_seconds: int
    rest_seconds: int
    reps: int
    passes: tuple[str | None, ...] = (None,)


R = "test_routine"
# step 0: two sides, one segment each               -> 2 segments
# step 1: 4 reps of 50 s, 3 fit the budget          -> 2 segments (3 reps + 1 rep)
# step 2: short, no sides                           -> 1 segment
STEPS = (
    FakeStep(hold_seconds=5, rest_seconds=2, reps=3, passes=("left", "right")),
    FakeStep(hold_seconds=40, rest_seconds=10, reps=4),
    FakeStep(hold_seconds=10, rest_seconds=5, reps=2),
)
UNKNOWN = "dance"


def at(step: int, segment: int, status: str = "running") -> RoutineState:
    return RoutineState(R, step, segment, status)


def test_fake_routine_has_the_shape_the_tables_assume():
    assert [len(plan_segments(step)) for step in STEPS] == [2, 2, 1]


# --- advance: every status x every trigger ------------------------------------------------------------
#
# Start position for the table: step 1, segment 0, so that every effect lands somewhere different:
#   lead    -> (1, 0)      advance -> (1, 1)      back -> (0, 1) (last segment of the step before)
#   skip    -> (2, 0)      restart -> (0, 0)
START = (1, 0)


def lead(step: int, segment: int, note: str | None = None) -> Move:
    return Move(at(step, segment, "running"), "lead", note)


LEAD_HERE = lead(*START)
ADVANCED = lead(1, 1)
BACK = lead(0, 1)
SKIPPED = lead(2, 0)
RESTARTED = lead(0, 0)
PAUSED = Move(at(*START, "paused"), "paused")
OFFER_SKIP = Move(at(*START, "hurt"), "offer_skip")
STOPPED = Move(None, "stopped")
SPREADING = Move(None, "spreading")

#                      ready       running      paused      hurt
EXPECTED = {
    "next":        (LEAD_HERE,  ADVANCED,    ADVANCED,   ADVANCED),
    "fine":        (None,       ADVANCED,    None,       None),
    "previous":    (None,       BACK,        BACK,       BACK),
    "repeat":      (None,       LEAD_HERE,   LEAD_HERE,  LEAD_HERE),
    "pause":       (None,       PAUSED,      None,       None),
    "resume":      (LEAD_HERE,  ADVANCED,    LEAD_HERE,  None),
    "start_over":  (RESTARTED,  RESTARTED,   RESTARTED,  RESTARTED),
    "skip":        (SKIPPED,    SKIPPED,     SKIPPED,    SKIPPED),
    "hurt":        (None,       OFFER_SKIP,  OFFER_SKIP, None),
    "spreading":   (SPREADING,  SPREADING,   SPREADING,  SPREADING),
    "stop":        (STOPPED,    STOPPED,     STOPPED,    STOPPED),
    UNKNOWN:       (None,       None,        None,       None),
}
STATUS_ORDER = ("ready", "running", "paused", "hurt")


def test_table_covers_every_trigger_and_status():
    assert set(STATUS_ORDER) == set(ROUTINE_STATUSES)
    assert set(EXPECTED) - {UNKNOWN} == {trigger for trigger, _, _ in TRANSITIONS}


@pytest.mark.parametrize(
    "status, trigger, expected",
    [
        pytest.param(status, trigger, row[i], id=f"{status}-{trigger}")
        for trigger, row in EXPECTED.items()
        for i, status in enumerate(STATUS_ORDER)
    ],
)
def test_advance_table(status, trigger, expected):
    assert advance(at(*START, status), trigger, STEPS) == expected


def test_advance_does_not_change_the_routine_id():
    for trigger in EXPECTED:
        for status in ROUTINE_STATUSES:
            move = advance(at(*START, status), trigger, STEPS)
            if move is not None and move.state is not None:
                assert move.state.routine == R


# --- walking the routine ------------------------------------------------------------------------------


def walk(trigger: str, state: RoutineState, steps) -> tuple[list[tuple[int, int]], Move]:
    """Apply `trigger` until the routine ends; the positions led and the final move."""
    positions = []
    for _ in range(1000):
        move = advance(state, trigger, steps)
        assert move is not None
        if move.state is None:
            return positions, move
        assert move.effect == "lead" and move.state.status == "running"
        positions.append((move.state.step, move.state.segment))
        state = move.state
    raise AssertionError("routine never finished")


def test_next_walks_every_segment_then_the_next_step_then_finishes():
    positions, end = walk("next", at(0, 0), STEPS)
    assert positions == [(0, 1), (1, 0), (1, 1), (2, 0)]
    assert end == Move(None, "finished")


def test_next_from_ready_leads_the_first_segment_without_moving():
    assert advance(at(0, 0, "ready"), "next", STEPS) == lead(0, 0)


def test_fine_also_walks_to_the_end():
    positions, end = walk("fine", at(0, 0), STEPS)
    assert positions == [(0, 1), (1, 0), (1, 1), (2, 0)]
    assert end.effect == "finished"


def test_previous_at_the_first_segment_stays_and_notes_at_start():
    for status in ("running", "paused", "hurt"):
        assert advance(at(0, 0, status), "previous", STEPS) == Move(at(0, 0, "running"), "lead", "at_start")


def test_previous_walks_back_through_every_segment():
    state = at(2, 0)
    seen = []
    while True:
        move = advance(state, "previous", STEPS)
        if move.note == "at_start":
            break
        seen.append((move.state.step, move.state.segment))
        state = move.state
    assert seen == [(1, 1), (1, 0), (0, 1), (0, 0)]


def test_previous_within_a_step_goes_to_the_segment_before():
    assert advance(at(1, 1, "paused"), "previous", STEPS) == lead(1, 0)


def test_skip_moves_to_the_next_step_from_any_segment():
    assert advance(at(0, 1), "skip", STEPS) == lead(1, 0)
    assert advance(at(1, 1, "hurt"), "skip", STEPS) == lead(2, 0)


@pytest.mark.parametrize("status", ROUTINE_STATUSES)
def test_skip_on_the_last_step_finishes(status):
    assert advance(at(2, 0, status), "skip", STEPS) == Move(None, "finished")


def test_next_on_the_last_segment_finishes():
    assert advance(at(2, 0), "next", STEPS) == Move(None, "finished")


def test_start_over_from_the_end_goes_back_to_the_beginning():
    assert advance(at(2, 0, "paused"), "start_over", STEPS) == lead(0, 0)


def test_single_step_routine():
    steps = (FakeStep(5, 2, 3),)
    assert advance(at(0, 0), "next", steps) == Move(None, "finished")
    assert advance(at(0, 0), "previous", steps) == Move(at(0, 0), "lead", "at_start")
    assert advance(at(0, 0), "skip", steps) == Move(None, "finished")


# --- pause and resume mid-segment ---------------------------------------------------------------------
#
# Step 0 of STEPS: 3 reps a side. A lead at t=1000 whose reps end 20, 27 and 34 s into the reply.
LED = RoutineState(R, 0, 1, "running", led_at=1000.0, rep_ends=(20, 27, 34))


@pytest.mark.parametrize(
    "seconds_later, reached",
    [(0, 0), (20, 0), (20 + PAUSE_LATENCY_SECONDS - 0.1, 0), (20 + PAUSE_LATENCY_SECONDS, 1),
     (27 + PAUSE_LATENCY_SECONDS, 2), (600, 3)],
)
def test_a_pause_counts_the_reps_heard_before_it_allowing_for_the_time_to_say_pause(seconds_later, reached):
    move = advance(LED, "pause", STEPS, now=1000.0 + seconds_later)
    assert move == Move(RoutineState(R, 0, 1, "paused", rep=reached), "paused")
    assert reps_reached(LED, 1000.0 + seconds_later) == reached


def test_resume_carries_on_from_the_rep_reached_and_the_next_pause_adds_to_it():
    paused = advance(LED, "pause", STEPS, now=1000.0 + 28 + PAUSE_LATENCY_SECONDS).state
    resumed = advance(paused, "resume", STEPS)
    assert resumed == Move(RoutineState(R, 0, 1, "running", rep=2), "lead")
    relead = RoutineState(R, 0, 1, "running", rep=2, led_at=2000.0, rep_ends=(9,))  # one rep left in it
    assert advance(relead, "pause", STEPS, now=2000.0 + 1).state.rep == 2
    assert advance(relead, "pause", STEPS, now=2100.0).state.rep == 3


def test_resume_after_the_last_rep_moves_on_rather_than_doing_the_side_again():
    assert advance(RoutineState(R, 0, 0, "paused", rep=3), "resume", STEPS) == lead(0, 1)
    assert advance(RoutineState(R, 2, 0, "paused", rep=2), "resume", STEPS) == Move(None, "finished")


def test_resume_while_running_carries_on_from_the_rep_reached_or_moves_on_once_the_segment_was_heard():
    assert advance(LED, "resume", STEPS, now=1000.0 + 20 + PAUSE_LATENCY_SECONDS) == \
        Move(RoutineState(R, 0, 1, "running", rep=1), "lead")
    assert advance(LED, "resume", STEPS, now=1000.0 + 600) == lead(1, 0)
    assert advance(LED, "resume", STEPS) == lead(1, 0)  # no time given: the segment was heard


@pytest.mark.parametrize("trigger", ["next", "previous", "repeat", "start_over", "skip"])
def test_every_other_move_starts_its_segment_from_the_first_rep(trigger):
    move = advance(RoutineState(R, 1, 0, "paused", rep=2), trigger, STEPS)
    assert move.state.rep == 0 and move.state.led_at is None and move.state.rep_ends == ()


# --- plan_segments ------------------------------------------------------------------------------------


def test_a_step_with_sides_has_one_segment_per_side():
    step = FakeStep(hold_seconds=5, rest_seconds=2, reps=5, passes=("left", "right"))
    assert plan_segments(step) == [Segment("left", 0, 5), Segment("right", 0, 5)]


def test_a_step_without_sides_has_one_segment():
    assert plan_segments(FakeStep(hold_seconds=30, rest_seconds=0, reps=1)) == [Segment(None, 0, 1)]


def test_exactly_on_budget_is_not_split():
    step = FakeStep(hold_seconds=25, rest_seconds=5, reps=6)  # 6 * 30 = 180
    assert step.reps * (step.hold_seconds + step.rest_seconds) == SEGMENT_HOLD_BUDGET_SECONDS
    assert plan_segments(step) == [Segment(None, 0, 6)]


def test_a_step_over_budget_is_split_and_the_reps_add_up():
    step = FakeStep(hold_seconds=30, rest_seconds=10, reps=12)  # 480 s
    segments = plan_segments(step)
    assert segments == [Segment(None, 0, 4), Segment(None, 4, 4), Segment(None, 8, 4)]
    assert sum(s.reps for s in segments) == 12


def test_an_uneven_split_puts_the_remainder_last():
    step = FakeStep(hold_seconds=40, rest_seconds=10, reps=4)
    assert plan_segments(step) == [Segment(None, 0, 3), Segment(None, 3, 1)]


def test_sides_and_splitting_together_do_each_side_in_full_in_turn():
    step = FakeStep(hold_seconds=50, rest_seconds=10, reps=5, passes=("left", "right"))  # 3 reps fit
    assert plan_segments(step) == [
        Segment("left", 0, 3), Segment("left", 3, 2),
        Segment("right", 0, 3), Segment("right", 3, 2),
    ]


@settings(max_examples=200, deadline=None)
@given(
    hold=st.integers(1, 60),
    rest=st.integers(0, 10),
    reps=st.integers(1, 12),
    passes=st.sampled_from([(None,), ("left",), ("left", "right"), ("right", "left")]),
)
def test_segments_cover_every_rep_of_every_side_once_within_budget(hold, rest, reps, passes):
    step = FakeStep(hold, rest, reps, passes)
    segments = plan_segments(step)
    assert [s.side for s in segments] == sorted((s.side for s in segments), key=list(passes).index)
    for side in passes:
        mine = [s for s in segments if s.side == side]
        covered = [rep for s in mine for rep in range(s.first_rep, s.first_rep + s.reps)]
        assert covered == list(range(reps))
        assert all(s.reps >= 1 for s in mine)
        assert all(s.reps * (hold + rest) <= SEGMENT_HOLD_BUDGET_SECONDS for s in mine)


# --- is_valid_position --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "step, segment, valid",
    [
        (0, 0, True),
        (0, 1, True),   # right side
        (0, 2, False),  # only two sides
        (1, 1, True),
        (1, 2, False),
        (2, 0, True),
        (2, 1, False),
        (3, 0, False),  # past the last step
        (99, 0, False),
    ],
)
def test_is_valid_position(step, segment, valid):
    assert is_valid_position(at(step, segment), STEPS) is valid


def test_no_position_is_valid_in_an_empty_routine():
    assert is_valid_position(at(0, 0), ()) is False


# --- the real routines --------------------------------------------------------------------------------

REAL = load_routines("en-US")
REAL_STEPS = [
    pytest.param(routine, step, id=f"{routine.id}-{step.id}") for routine in REAL.values() for step in routine.steps
]


def test_there_are_real_routines_to_check():
    assert len(REAL) >= 1 and len(REAL_STEPS) >= len(REAL)


@pytest.mark.parametrize("routine, step", REAL_STEPS)
def test_every_segment_of_every_real_step_fits_the_budget(routine, step):
    segments = plan_segments(step)
    assert segments, "a step must have at least one segment"
    for segment in segments:
        assert segment.reps * (step.hold_seconds + step.rest_seconds) <= SEGMENT_HOLD_BUDGET_SECONDS
    for side in step.passes:
        assert sum(s.reps for s in segments if s.side == side) == step.reps


@pytest.mark.parametrize("routine", list(REAL.values()), ids=list(REAL))
def test_next_walks_every_real_segment_once_then_finishes(routine):
    expected = [
        (index, segment) for index, step in enumerate(routine.steps) for segment in range(len(plan_segments(step)))
    ]
    start = RoutineState(routine.id)  # ready at the first step
    positions, end = walk("next", start, routine.steps)
    assert positions == expected  # "next" from ready leads (0, 0) first, then moves on
    assert end == Move(None, "finished")
    assert all(is_valid_position(RoutineState(routine.id, s, g), routine.steps) for s, g in expected)
