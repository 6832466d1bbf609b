"""The daily stretch reminder's rules: the time asked for, its next occurrence in the user's time zone, the zone
to fall back on, its RRULE and the time as the locale says it. The Reminders API's request and its failures are
skill.alexa.services.reminders.

Why it is built this way: README.md, "Design notes".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

from skill.core.content import Content, load_document, resolve_locale

# AMAZON.TIME sends a part of the day said on its own as a code; the skill then asks for the exact time.
PERIODS = ("MO", "AF", "EV", "NI")
PERIOD_NAMES = {"MO": "morning", "AF": "afternoon", "EV": "evening", "NI": "night"}
LATEST_CLOCK = timezone(timedelta(hours=14))


@dataclass(frozen=True)
class DailyTime:
    """A time of day, as AMAZON.TIME gives it: 24-hour, minute precision."""

    hour: int
    minute: int

    @classmethod
    def parse(cls, value: Any) -> DailyTime | None:
        """ "08:00" (and "08:00:00") -> DailyTime(8, 0); None for anything else, periods included."""
        match = re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?", value.strip()) if isinstance(value, str) else None
        if match is None:
            return None
        hour, minute = int(match.group(1)), int(match.group(2))
        return cls(hour, minute) if hour < 24 and minute < 60 else None

    @property
    def slot_value(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"

    @property
    def rule(self) -> str:
        return f"FREQ=DAILY;BYHOUR={self.hour};BYMINUTE={self.minute};BYSECOND=0;INTERVAL=1"

    def in_period(self, period: str | None) -> DailyTime:
        """The time meant after the user first named a part of the day: "evening", then "seven thirty" is 19:30."""
        if period in ("AF", "EV") and self.hour < 12:
            return DailyTime(self.hour + 12, self.minute)
        if period == "NI" and 6 <= self.hour < 12:
            return DailyTime(self.hour + 12, self.minute)
        if period == "NI" and self.hour == 12:
            return DailyTime(0, self.minute)  # twelve at night is midnight
        return self


def read_period(value: Any) -> str | None:
    return value if value in PERIODS else None


def spoken_time(content: Content, time: DailyTime) -> str:
    """The time as the locale says it ("8 AM", "7:30 PM", "noon"), from the content's clock phrases."""
    if (time.hour, time.minute) == (12, 0):
        return content.say("reminders.clock.noon")
    if (time.hour, time.minute) == (0, 0):
        return content.say("reminders.clock.midnight")
    hour = time.hour % 12 or 12
    if time.hour < 12:
        key = "reminders.clock.am_minutes" if time.minute else "reminders.clock.am"
    else:
        key = "reminders.clock.pm_minutes" if time.minute else "reminders.clock.pm"
    return content.say(key, hour=hour, minutes=f"{time.minute:02d}")


# --- time zone and the next occurrence ------------------------------------------------------------------------
def valid_zone(name: Any) -> str | None:
    """`name` when it is an IANA zone this machine knows (the settings service's answer, or a session value)."""
    if not isinstance(name, str) or not name or len(name) > 64:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # the tz database loads with a reminder, not at import
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def fallback_zone(locale: str | None) -> str | None:
    """The zone to send when the device's cannot be read: the locale's country's only zone (`time_zone` in its
    locale.json), else None. A locale without content of its own gets none: its country is not known."""
    resolved = resolve_locale(locale)
    return load_document(resolved, "locale").get("time_zone") if resolved == locale else None


def clock_for(zone: str | None) -> tzinfo:
    if not zone:
        return LATEST_CLOCK
    from zoneinfo import ZoneInfo
    return ZoneInfo(zone)


def next_occurrence(time: DailyTime, now: float, zone: str | None) -> datetime:
    """The first `time` strictly after the moment `now` (epoch seconds), as a local time without an offset."""
    clock = clock_for(zone)
    local_now = datetime.fromtimestamp(now, clock)
    candidate = local_now.replace(hour=time.hour, minute=time.minute, second=0, microsecond=0)
    if candidate.timestamp() <= now:
        # Add the day to the wall clock, not to the instant, so a DST change keeps the reminder at 8 AM.
        candidate = (candidate.replace(tzinfo=None) + timedelta(days=1)).replace(tzinfo=clock)
    return candidate.replace(tzinfo=None)


def local_now(now: float, zone: str | None) -> datetime:
    return datetime.fromtimestamp(now, clock_for(zone)).replace(tzinfo=None, microsecond=0)


# --- reading the skill's reminders back ----------------------------------------------------------------------
def is_stretch_reminder(reminder: Any) -> bool:
    """Whether one of the skill's reminders (the API lists only those) is a daily stretch reminder still set.
    Daily reminders are the only kind the skill makes; a new kind must be told apart here."""
    status = getattr(getattr(reminder, "status", None), "value", getattr(reminder, "status", None))
    rules = getattr(getattr(getattr(reminder, "trigger", None), "recurrence", None), "recurrence_rules", None) or []
    return status == "ON" and any(isinstance(rule, str) and "FREQ=DAILY" in rule.upper() for rule in rules)


def reminder_time(reminder: Any) -> DailyTime | None:
    """The time of day a stretch reminder rings, from its rule (or its scheduled time); None if unreadable."""
    trigger = getattr(reminder, "trigger", None)
    for rule in getattr(getattr(trigger, "recurrence", None), "recurrence_rules", None) or []:
        parts = dict(part.split("=", 1) for part in str(rule).upper().split(";") if "=" in part)
        if parts.get("BYHOUR", "").isdigit():
            minute = parts.get("BYMINUTE", "0")
            return DailyTime.parse(f"{int(parts['BYHOUR']):02d}:{int(minute) if minute.isdigit() else 0:02d}")
    scheduled = getattr(trigger, "scheduled_time", None)
    return DailyTime(scheduled.hour, scheduled.minute) if isinstance(scheduled, datetime) else None
