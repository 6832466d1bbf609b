"""Heat-therapy rules (clinical-facts section 2B): 15 minutes by default, 20 at most, 2 hours between sessions; and
the screening before heat (sections 2D and 2E), grouped into four yes/no questions so it stays short by voice.

The two hours are for an application of 15 to 20 minutes [HKEHS]. A session cut short gave less heat, so its gap
is cut in proportion (a 5-minute session leaves 40 minutes before the next); under a minute is not a session at all
(MIN_SECONDS, as for a request). Derived from HKEHS's gap and FDA-97's 15-20 minute application, not stated there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from skill.core.profile import HeatSession

DEFAULT_MINUTES = 15
MAX_MINUTES = 20
MIN_SECONDS = 60  # anything shorter was not meant as a heat session
COOL_DOWN_SECONDS = 2 * 60 * 60
FULL_APPLICATION_SECONDS = 15 * 60  # the shortest application the two-hour gap is given for [HKEHS]


class IfYes(Enum):
    """What a "yes" to one group of the heat screening means."""
    CHECK_FIRST = "check_first"  # heat may not suit you: fine only if a professional has said so
    NOT_NOW = "not_now"  # no heat: a fever, drowsiness, or nobody able to take the pad off
    COLD_INSTEAD = "cold_instead"  # a new injury in the last 72 hours: cold, not heat


# Question id (content key heat.screen.<id>) -> what a yes means, in the order they are asked. The answers are
# never stored (Amazon's health-data policy; conditions change): only that the whole screening was heard.
HEAT_SCREEN: dict[str, IfYes] = {
    "skin": IfYes.CHECK_FIRST,  # numb, broken or infected skin; diabetes; poor circulation
    "today": IfYes.NOT_NOW,  # fever; drowsy from medicines or alcohol; dementia or can't take the pad off
    "conditions": IfYes.CHECK_FIRST,  # pregnancy, stroke, spinal cord injury, heart condition, cancer, radiotherapy
    "injury": IfYes.COLD_INSTEAD,  # a new fall, strain or swelling in the last three days
}
HEAT_SCREEN_QUESTIONS = tuple(HEAT_SCREEN)

# Not isodate: it adds 2.4 ms to every Lambda cold start and reads "PT" and "P1DT" as durations (tests check
# this reader against it).
_ISO_DURATION = re.compile(
    r"^P(?!$)(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$")
_SECONDS_PER = {"weeks": 604800, "days": 86400, "hours": 3600, "minutes": 60, "seconds": 1}


def iso_duration_seconds(value: str | None) -> float | None:
    """Seconds in an AMAZON.DURATION value such as "PT20M"; None for "?", negatives and anything else."""
    match = _ISO_DURATION.match(value.strip().upper()) if isinstance(value, str) else None
    if not match or match["years"] or match["months"]:
        return None
    return sum(float(match[unit]) * factor for unit, factor in _SECONDS_PER.items() if match[unit])


@dataclass(frozen=True)
class HeatPlan:
    minutes: int
    capped_from: int | None = None  # the minutes asked for when more than the maximum


def plan_heat(duration: str | None) -> HeatPlan | None:
    """The session to run for what the user asked; None when the request needs a clarifying question."""
    if duration is None:
        return HeatPlan(DEFAULT_MINUTES)
    seconds = iso_duration_seconds(duration)
    if seconds is None or seconds < MIN_SECONDS:
        return None
    asked = round(seconds / 60)
    return HeatPlan(MAX_MINUTES, capped_from=asked) if asked > MAX_MINUTES else HeatPlan(asked)


def cool_down_left(last: HeatSession | None, now: float) -> float:
    """Seconds until the skin has rested long enough after the last session (0 when it has)."""
    if last is None:
        return 0.0
    return max(0.0, last.ends_at + cool_down_after(last.heated_seconds) - now)


def cool_down_after(heated_seconds: float) -> float:
    """The rest the skin needs after `heated_seconds` of heat: two hours after a full application, in proportion
    after a shorter one, none after less than a minute (see the module's docstring)."""
    if heated_seconds < MIN_SECONDS:
        return 0.0
    return COOL_DOWN_SECONDS * min(1.0, heated_seconds / FULL_APPLICATION_SECONDS)


def cut_short(last: HeatSession) -> bool:
    """Whether a session gave too little heat to need the full two hours' rest."""
    return cool_down_after(last.heated_seconds) < COOL_DOWN_SECONDS


def short_session(last: HeatSession | None, now: float) -> bool:
    """Whether the last session was cut short enough that heat may start again sooner than two hours after it."""
    return last is not None and last.ends_at <= now < last.ends_at + COOL_DOWN_SECONDS and cut_short(last)


def heated_minutes(last: HeatSession) -> int:
    """The heat a session gave, in whole minutes to the nearest ("a minute" for 70 s), at least one."""
    return minutes_left(last.heated_seconds)


def duration_phrase(minutes: int) -> tuple[str, dict[str, int]]:
    """The content key (and its slots) that says `minutes` as people do: "45 minutes", "an hour and a half", "two
    hours". From an hour on, rounded up to the quarter hour: these are waits, and a wait said short would send
    someone back to the heat too soon."""
    if minutes <= 1:
        return "time.minute", {}
    if minutes < 60:
        return "time.minutes", {"minutes": minutes}
    quarters = -(-minutes // 15)
    if quarters > 8:
        return "time.minutes", {"minutes": minutes}
    return _QUARTER_HOURS[quarters], {}


_QUARTER_HOURS = {4: "time.hour", 5: "time.hour_and_quarter", 6: "time.hour_and_half",
                  7: "time.hour_and_three_quarters", 8: "time.two_hours"}


def spoken_minutes(seconds: float) -> int:
    """Whole minutes to wait, rounded up: a cool-down said short would send someone back to the heat too soon."""
    return max(1, int(-(-seconds // 60)))


def minutes_left(seconds: float) -> int:
    """Whole minutes of heat left, to the nearest ("about a minute" for 70 s, not "about 2"), and never none while
    it runs."""
    return max(1, int((max(seconds, 0) + 30) // 60))
