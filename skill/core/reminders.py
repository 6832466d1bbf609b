"""The daily stretch reminder, without the SDK's plumbing: the time asked for, its next occurrence in the user's
time zone, the Reminders API request, and what a failed API call means for the user.

Facts the design rests on (alexa-platform.md section 1; Amazon's Reminders docs):
- A recurring reminder is SCHEDULED_ABSOLUTE with `recurrence.startDateTime` and `recurrenceRules` (RFC 5545
  RRULE strings, "FREQ=DAILY;BYHOUR=8;BYMINUTE=0;BYSECOND=0;INTERVAL=1"). Times are local and carry no "Z"
  (a "Z" is refused as UNSUPPORTED_SCHEDULED_TIME_FORMAT). `scheduledTime` is ignored when the recurrence
  fields are present, but the docs call it mandatory for absolute reminders, so it carries the same start.
- Time zone: the device's own, read from the settings service (System.timeZone, no permission needed). When that
  read fails, Amazon's overview says a reminder with no `timeZoneId` rings at its local time "in the time zone of
  the device", while the Japanese reference warns that leaving it out may ring at the wrong time. So the fallback
  names a zone only where the locale's country has exactly one (en-GB: Europe/London, en-IN: Asia/Kolkata) and
  otherwise leaves `timeZoneId` out, letting Alexa use the device's setting. Without a zone the start date is
  counted on the latest clock on Earth (UTC+14): the start is then never in the past anywhere, at the cost of
  the first reminder perhaps coming a day later than it could have.
- The start is the next occurrence after the request's own timestamp (Alexa's clock), never the wall clock.
- Reminder text is spoken on shared devices and shown on screens: short, "you" not "me", nothing medical.
"""

from __future__ import annotations

import importlib
import re
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any, Iterator

from ask_sdk_core.exceptions import ApiClientException
from ask_sdk_model.services import ServiceException
from ask_sdk_model.services.reminder_management import (AlertInfo, PushNotification, PushNotificationStatus,
                                                         Recurrence, ReminderRequest, SpokenInfo, SpokenText,
                                                         Trigger, TriggerType, spoken_info)

from skill.alexa.services.api_client import timed_out
from skill.core.content import Content

# AMAZON.TIME sends a part of the day said on its own as a code; the skill then asks for the exact time.
PERIODS = ("MO", "AF", "EV", "NI")
PERIOD_NAMES = {"MO": "morning", "AF": "afternoon", "EV": "evening", "NI": "night"}
# Countries with one time zone, for when the device's own cannot be read (see the module docstring).
LOCALE_ZONES = {"en-GB": "Europe/London", "en-IN": "Asia/Kolkata"}
LATEST_CLOCK = timezone(timedelta(hours=14))

# What a failed API call means for the user (failure_kind).
OFFLINE = "offline"  # no Alexa cloud at all: the offline runner
PERMISSION = "permission"  # 401: the reminders permission is missing or was taken back
BAD_REQUEST = "bad_request"  # 400
FORBIDDEN = "forbidden"  # 403: not allowed on this account or device (a reminder limit, an unsupported device)
GONE = "gone"  # 404: the reminder is no longer there
BUSY = "busy"  # 429: throttled
SLOW = "slow"  # 504, or no answer within the client's time limit
UNREACHABLE = "unreachable"  # no connection
SERVICE = "service"  # 500, 503 or anything else unexpected
_BY_STATUS = {400: BAD_REQUEST, 401: PERMISSION, 403: FORBIDDEN, 404: GONE, 429: BUSY, 504: SLOW}


def _mend_sdk_spoken_info_module() -> None:
    """ask-sdk-model 1.82's AlertInfo declares its field as `...reminder_management.alert_info_spoken_info.
    SpokenInfo`, a module the package does not have (the class lives in `.spoken_info`; alexa/alexa-apis-for-python
    issue #4 was the same slip the other way round). Every reminder read back from the API (get_reminders) then
    fails to deserialize. Naming the real module under the missing name fixes that, and does nothing once an SDK
    release ships the module."""
    missing = "ask_sdk_model.services.reminder_management.alert_info_spoken_info"
    try:
        importlib.import_module(missing)
    except ModuleNotFoundError:
        sys.modules[missing] = spoken_info


_mend_sdk_spoken_info_module()


class NoAlexaCloud(ApiClientException):
    """Raised by an API client with no Alexa cloud behind it (skill.local.no_cloud, for `python -m skill talk`):
    the skill answers that reminders need an Echo or the Alexa app, without touching the network."""


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
    """The zone to send when the device's cannot be read: the locale's country's only zone, else None."""
    return LOCALE_ZONES.get(locale or "")


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


# --- the Reminders API's shapes ---------------------------------------------------------------------------------
def stretch_reminder_request(time: DailyTime, now: float, zone: str | None, locale: str,
                             text: str) -> ReminderRequest:
    """A daily reminder at `time` from its next occurrence on; `text` is what Alexa says, in `locale`."""
    start = next_occurrence(time, now, zone)
    trigger = Trigger(object_type=TriggerType.SCHEDULED_ABSOLUTE, scheduled_time=start, time_zone_id=zone,
                      recurrence=Recurrence(start_date_time=start, recurrence_rules=[time.rule]))
    return ReminderRequest(
        request_time=local_now(now, zone),
        trigger=trigger,
        alert_info=AlertInfo(spoken_info=SpokenInfo(content=[SpokenText(locale=locale, text=text)])),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED))


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


# --- failures -----------------------------------------------------------------------------------------------------
def failure_kind(error: BaseException) -> str:
    """What went wrong with an API call, from the exception ask-sdk raised. Its service clients turn a transport
    failure into a ServiceException with status 500 raised while handling the ApiClientException, so the
    exception chain tells a real 500 from a timeout, a refused connection or the offline runner."""
    chain = list(_chain(error))
    if any(isinstance(e, NoAlexaCloud) for e in chain):
        return OFFLINE
    if any(map(timed_out, chain)):
        return SLOW
    if any(isinstance(e, ApiClientException) for e in chain):
        return UNREACHABLE
    status = error.status_code if isinstance(error, ServiceException) else None
    return _BY_STATUS.get(status, SERVICE)


def _chain(error: BaseException | None) -> Iterator[BaseException]:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__
