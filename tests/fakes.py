"""Test doubles the product never uses."""

from __future__ import annotations

from dataclasses import dataclass, field

from skill.core.alarm import AlarmContext, AlarmResult, Outcome


@dataclass
class FakeAlarm:
    """A HeatAlarm (skill.core.alarm) that records what the skill asked for, per user; every operation succeeds."""

    running: dict[str, tuple[float, float]] = field(default_factory=dict)  # user -> (started, seconds)
    started: list[tuple[str, float]] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    paused: list[str] = field(default_factory=list)
    resumed: list[str] = field(default_factory=list)

    def start(self, context: AlarmContext, seconds: float, replacing: str | None = None) -> AlarmResult:
        self.running[context.user_id] = (context.now, seconds)
        self.started.append((context.user_id, seconds))
        return AlarmResult(Outcome.DONE)

    def cancel(self, context: AlarmContext, timer_id: str | None) -> AlarmResult:
        self.running.pop(context.user_id, None)
        self.cancelled.append(context.user_id)
        return AlarmResult(Outcome.DONE)

    def pause(self, context: AlarmContext, timer_id: str | None) -> AlarmResult:
        self.paused.append(context.user_id)
        return AlarmResult(Outcome.DONE)

    def resume(self, context: AlarmContext, timer_id: str | None) -> AlarmResult:
        self.resumed.append(context.user_id)
        return AlarmResult(Outcome.DONE)

    def status(self, context: AlarmContext, timer_id: str | None) -> AlarmResult:
        return AlarmResult(Outcome.DONE)  # no view of its own: the stored session answers
