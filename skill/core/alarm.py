"""The heat countdown's alarm, behind one small interface.

The skill itself keeps time from the stored heat session (status, cancel and the cool-down work everywhere).
A `HeatAlarm` is what makes something happen when the time is up: a device timer through the Alexa Timers API
(skill.alexa.services.timers, the default on Lambda and the web endpoint) or a chime from the offline runner
(skill.local.alarm). Every operation reports an `AlarmResult` instead of raising, so the handler can say
calmly what happened (no permission, the device is offline, ...) and still keep the session skill-side.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, Protocol

from skill.core.content import DEFAULT_LOCALE


class Outcome(Enum):
    DONE = "done"  # started, cancelled, paused, resumed, or the status read
    NEEDS_PERMISSION = "needs_permission"  # the timers permission is not granted (or the API answered 401)
    GONE = "gone"  # 404: the timer is no longer there (it rang, or the user cancelled it by voice)
    REFUSED = "refused"  # 400: a bad request, a duplicate label, too many timers, a pause of a stopped timer
    FORBIDDEN = "forbidden"  # 403: timers are not allowed for this skill or device
    THROTTLED = "throttled"  # 429: too many requests
    FAILED = "failed"  # 500, or anything else unexpected
    DEVICE_OFFLINE = "device_offline"  # 504
    UNREACHABLE = "unreachable"  # a timeout or a connection error: no answer at all


@dataclass(frozen=True)
class AlarmResult:
    outcome: Outcome
    timer_id: str | None = None  # start: the device timer made, when there is one
    remaining: float | None = None  # status: seconds left as the device sees them; None when it cannot tell
    paused: bool = False  # status: the device timer is paused (perhaps by voice, outside the skill)

    @property
    def done(self) -> bool:
        return self.outcome is Outcome.DONE


@dataclass(frozen=True)
class AlarmContext:
    """What an alarm needs to know about the request that set it (built in skill/alexa/handlers/heat_running.py)."""

    user_id: str
    locale: str  # the content's locale: what the offline runner speaks at the end
    now: float  # request time, epoch seconds
    request_locale: str = DEFAULT_LOCALE  # the device's locale, for the timer's announcement
    label: str = ""  # the device timer's label (unique per user, so it also finds our earlier timer)
    announcement: str = ""  # what Alexa says when the time is up
    permitted: bool = False  # the request shows the timers permission granted
    services: Any = None  # the request's ask-sdk ServiceClientFactory (None without an API client)

    def with_permission(self) -> AlarmContext:
        """As if the request showed the permission: Alexa has just told us the user granted it."""
        return replace(self, permitted=True)


# cancel(context, ANY_HEAT_TIMER): every heat timer the skill set for this user, for when the stored session (and so
# the timer's id) cannot be read, as after a warning sign on a broken store.
ANY_HEAT_TIMER = "*"


class HeatAlarm(Protocol):
    def start(self, context: AlarmContext, seconds: float, replacing: str | None = None) -> AlarmResult:
        """Count down `seconds`; `replacing` is the skill's earlier timer, to be removed first."""
        ...

    def cancel(self, context: AlarmContext, timer_id: str | None) -> AlarmResult: ...

    def pause(self, context: AlarmContext, timer_id: str | None) -> AlarmResult: ...

    def resume(self, context: AlarmContext, timer_id: str | None) -> AlarmResult: ...

    def status(self, context: AlarmContext, timer_id: str | None) -> AlarmResult:
        """The countdown as the alarm sees it; `remaining` None means "ask the stored session"."""
        ...
