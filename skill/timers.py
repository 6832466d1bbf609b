"""The heat countdown's alarm, behind one small interface.

The skill itself keeps time from the stored heat session (status, cancel and the cool-down work everywhere).
A `HeatAlarm` is what makes something happen when the time is up: a device timer through the Alexa Timers
API, a chime from the offline runner, or nothing where the platform offers neither, in which case the skill
says so and tells the user how to set a timer themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class AlarmContext:
    """What an alarm needs to know about the request that set it."""

    user_id: str
    locale: str
    now: float  # request time, epoch seconds
    api_endpoint: str | None = None
    api_access_token: str | None = None


class HeatAlarm(Protocol):
    rings: bool  # True when the user will hear something at the end without asking

    def start(self, context: AlarmContext, seconds: float) -> None: ...

    def cancel(self, context: AlarmContext) -> None: ...


class NoAlarm:
    """For hosts with no way to alert the user later (Lambda before the Timers API is wired in)."""

    rings = False

    def start(self, context: AlarmContext, seconds: float) -> None:
        pass

    def cancel(self, context: AlarmContext) -> None:
        pass


@dataclass
class FakeAlarm:
    """Test double: records what the skill asked for, per user."""

    rings: bool = True
    running: dict[str, tuple[float, float]] = field(default_factory=dict)  # user -> (started, seconds)
    started: list[tuple[str, float]] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)

    def start(self, context: AlarmContext, seconds: float) -> None:
        self.running[context.user_id] = (context.now, seconds)
        self.started.append((context.user_id, seconds))

    def cancel(self, context: AlarmContext) -> None:
        self.running.pop(context.user_id, None)
        self.cancelled.append(context.user_id)
