"""skill.core.heat: AMAZON.DURATION parsing, the 15/20-minute session rules and the 2-hour cool-down."""

from __future__ import annotations

from datetime import timedelta

import isodate
import pytest
from hypothesis import given, strategies as st

from skill.core.heat import (
    COOL_DOWN_SECONDS,
    DEFAULT_MINUTES,
    MAX_MINUTES,
    HeatPlan,
    cool_down_after,
    cool_down_left,
    duration_phrase,
    iso_duration_seconds,
    minutes_left,
    plan_heat,
    spoken_minutes,
)
from skill.core.profile import HeatSession


def test_the_clinical_constants():
    assert (DEFAULT_MINUTES, MAX_MINUTES, COOL_DOWN_SECONDS) == (15, 20, 7200)


@pytest.mark.parametrize(
    "value, seconds",
    [
        ("PT15M", 900),
        ("PT1H5M", 3900),
        ("PT90S", 90),
        ("PT0.5H", 1800),
        ("PT1.5M", 90),
        ("PT1H1M1S", 3661),
        ("P1D", 86400),
        ("P1W", 604800),
        ("P1DT2H", 93600),
        ("PT0M", 0),
        ("pt15m", 900),  # case-insensitive
        (" PT20M ", 1200),  # surrounding spaces tolerated
    ],
)
def test_iso_duration_seconds(value, seconds):
    assert iso_duration_seconds(value) == pytest.approx(seconds)


@pytest.mark.parametrize(
    "value",
    ["?", "-PT5M", "", None, "PT", "P", "P1M", "P1Y", "P1Y2D", "P1DT", "banana", "15", "PT15", "PT-5M", "T15M",
     "PT15M30", 15, 900.0, ["PT15M"]],
)
def test_iso_duration_seconds_rejects(value):
    assert iso_duration_seconds(value) is None


_AMOUNTS = st.integers(0, 9999).map(str)
_TIME_AMOUNTS = _AMOUNTS | st.builds("{}.{}".format, _AMOUNTS, st.integers(0, 999))  # "1.5": hours, minutes, seconds


@st.composite
def iso_durations(draw) -> str:
    """Weeks and days, then hours, minutes and seconds (fractions allowed), each there or not, at least one."""
    date = "".join(f"{draw(_AMOUNTS)}{unit}" for unit in "WD" if draw(st.booleans()))
    time = "".join(f"{draw(_TIME_AMOUNTS)}{unit}" for unit in "HMS" if draw(st.booleans()))
    if not date and not time:
        time = f"{draw(_TIME_AMOUNTS)}M"
    return "P" + date + ("T" + time if time else "")


# The reader stays hand-written to keep the Lambda's cold start light; a well-kept parser checks it here.
@given(iso_durations())
def test_iso_duration_seconds_agrees_with_isodate(value):
    assert iso_duration_seconds(value) == pytest.approx(isodate.parse_duration(value).total_seconds(), abs=1e-3)


@given(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)))
def test_iso_duration_seconds_reads_what_isodate_writes(duration):
    assert iso_duration_seconds(isodate.duration_isoformat(duration)) == pytest.approx(duration.total_seconds(),
                                                                                       abs=1e-3)


@pytest.mark.parametrize(
    "duration, plan",
    [
        (None, HeatPlan(15)),
        ("PT10M", HeatPlan(10)),
        ("PT15M", HeatPlan(15)),
        ("PT20M", HeatPlan(20)),
        ("PT21M", HeatPlan(20, capped_from=21)),
        ("PT45M", HeatPlan(20, capped_from=45)),
        ("PT1H30M", HeatPlan(20, capped_from=90)),
        ("PT0.5H", HeatPlan(20, capped_from=30)),
        ("PT1M", HeatPlan(1)),
        ("PT60S", HeatPlan(1)),
        ("PT5M20S", HeatPlan(5)),
        ("PT5M40S", HeatPlan(6)),
    ],
)
def test_plan_heat(duration, plan):
    assert plan_heat(duration) == plan


@pytest.mark.parametrize("duration", ["PT0M", "PT30S", "PT59S", "?", "-PT5M", "nonsense", "", "P1M"])
def test_plan_heat_needs_a_clarifying_question(duration):
    assert plan_heat(duration) is None


def test_plan_heat_never_exceeds_the_maximum():
    for minutes in range(1, 200):
        plan = plan_heat(f"PT{minutes}M")
        assert plan.minutes == min(minutes, MAX_MINUTES)
        assert plan.capped_from == (minutes if minutes > MAX_MINUTES else None)


ENDED = 1_800_000_000.0
LAST = HeatSession(started_at=ENDED - 900, ends_at=ENDED)


@pytest.mark.parametrize(
    "now, left",
    [
        (ENDED - 300, 7500),  # still running: the cool-down starts when it ends
        (ENDED, 7200),  # just ended
        (ENDED + 1, 7199),
        (ENDED + 3600, 3600),
        (ENDED + 7199.5, 0.5),
        (ENDED + 7200, 0),  # after 2 hours
        (ENDED + 86400, 0),
    ],
)
def test_cool_down_left(now, left):
    assert cool_down_left(LAST, now) == pytest.approx(left)


def test_no_previous_session_means_no_cool_down():
    assert cool_down_left(None, ENDED) == 0


@pytest.mark.parametrize(
    "seconds, minutes",
    [(0, 1), (-5, 1), (0.5, 1), (1, 1), (59.9, 1), (60, 1), (60.1, 2), (61, 2), (119, 2), (120, 2), (121, 3),
     (899, 15), (900, 15), (7200, 120)],
)
def test_spoken_minutes_rounds_up_and_is_at_least_one(seconds, minutes):
    assert spoken_minutes(seconds) == minutes
    assert isinstance(spoken_minutes(seconds), int)


@pytest.mark.parametrize(
    "seconds, minutes",
    [(70, 1), (89, 1), (90, 2), (20, 1), (0, 1), (-5, 1), (899, 15), (930, 16), (1200, 20)],
)
def test_minutes_left_is_to_the_nearest_minute_and_at_least_one(seconds, minutes):
    # 70 s left is "about a minute": rounding up (as a cool-down must) would say "about 2 minutes".
    assert minutes_left(seconds) == minutes


@pytest.mark.parametrize(
    "heated, rest",
    [(0, 0), (59, 0), (60, 480), (120, 960), (450, 3600), (899, 7192), (900, 7200), (1200, 7200), (86400, 7200)],
)
def test_the_rest_after_a_session_is_in_proportion_to_its_heat_up_to_two_hours(heated, rest):
    # Two hours after an application of 15 minutes or more (HKEHS); less after less; none under a minute.
    assert cool_down_after(heated) == pytest.approx(rest)


def test_the_cool_down_counts_the_heat_a_session_gave_not_the_pauses():
    session = HeatSession(started_at=ENDED - 1800, ends_at=ENDED - 1800 + 900)  # 15 minutes planned
    session.pause(ENDED - 1800 + 120)  # two minutes in
    session.resume(ENDED - 1800 + 120 + 600)  # ten minutes off
    session.stop(ENDED - 1800 + 120 + 600 + 60)  # a minute more, then cancelled
    assert session.heated_seconds == pytest.approx(180)
    assert cool_down_left(session, session.ends_at) == pytest.approx(180 / 900 * 7200)
    still_paused = HeatSession(started_at=ENDED, ends_at=ENDED + 900)
    still_paused.pause(ENDED + 60)
    still_paused.stop(ENDED + 3000)  # cancelled while paused: the heat came off a minute in
    assert still_paused.heated_seconds == pytest.approx(60)


def test_a_device_timer_paused_by_voice_counts_as_a_pause():
    session = HeatSession(started_at=ENDED, ends_at=ENDED + 900)
    session.follow(ENDED + 600, remaining=600, paused=True)  # paused by voice at 5 minutes, seen at 10
    assert session.paused_seconds == pytest.approx(300)
    session.follow(ENDED + 900, remaining=600, paused=True)  # still paused
    session.resume(ENDED + 1200)
    session.stop(ENDED + 1200)
    assert session.heated_seconds == pytest.approx(300)


@pytest.mark.parametrize(
    "minutes, phrase",
    [(0, ("time.minute", {})), (1, ("time.minute", {})), (2, ("time.minutes", {"minutes": 2})),
     (59, ("time.minutes", {"minutes": 59})), (60, ("time.hour", {})), (61, ("time.hour_and_quarter", {})),
     (75, ("time.hour_and_quarter", {})), (76, ("time.hour_and_half", {})), (90, ("time.hour_and_half", {})),
     (91, ("time.hour_and_three_quarters", {})), (105, ("time.hour_and_three_quarters", {})),
     (106, ("time.two_hours", {})), (120, ("time.two_hours", {})), (121, ("time.minutes", {"minutes": 121}))],
)
def test_durations_from_an_hour_are_said_in_quarter_hours_rounded_up(minutes, phrase):
    assert duration_phrase(minutes) == phrase
