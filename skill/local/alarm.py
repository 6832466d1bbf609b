"""The heat alarm of the offline runner: a countdown on the runner's clock that the runner polls.

No thread of its own: the runner asks what is due whenever it waits (for input, through a hold), so a fake
clock drives it in tests and --fast compresses it like every other wait. A paused countdown keeps its time left
and is not due until it is resumed, so "pause the heat timer" works offline as it does on an Echo.
"""

from __future__ import annotations

from skill.local.clock import Clock
from skill.core.alarm import AlarmContext, AlarmResult, Outcome


class LocalAlarm:
    def __init__(self, clock: Clock):
        self.clock = clock
        self._deadlines: dict[str, tuple[float, str]] = {}  # user -> (when, locale)
        self._paused: dict[str, tuple[float, str]] = {}  # user -> (seconds left, locale)

    def start(self, context: AlarmContext, seconds: float, replacing: str | None = None) -> AlarmResult:
        self._paused.pop(context.user_id, None)
        self._deadlines[context.user_id] = (self.clock.now() + seconds, context.locale)
        return AlarmResult(Outcome.DONE)

    def cancel(self, context: AlarmContext, timer_id: str | None) -> AlarmResult:
        self._deadlines.pop(context.user_id, None)
        self._paused.pop(context.user_id, None)
        return AlarmResult(Outcome.DONE)

    def pause(self, context: AlarmContext, timer_id: str | None) -> AlarmResult:
        if context.user_id not in self._deadlines:
            return AlarmResult(Outcome.DONE)  # set by an earlier run of the runner: only the stored session counts
        when, locale = self._deadlines.pop(context.user_id)
        self._paused[context.user_id] = (max(0.0, when - self.clock.now()), locale)
        return AlarmResult(Outcome.DONE)

    def resume(self, context: AlarmContext, timer_id: str | None) -> AlarmResult:
        if context.user_id not in self._paused:
            return AlarmResult(Outcome.DONE)
        left, locale = self._paused.pop(context.user_id)
        self._deadlines[context.user_id] = (self.clock.now() + left, locale)
        return AlarmResult(Outcome.DONE)

    def status(self, context: AlarmContext, timer_id: str | None) -> AlarmResult:
        if context.user_id in self._paused:
            return AlarmResult(Outcome.DONE, remaining=self._paused[context.user_id][0], paused=True)
        if context.user_id in self._deadlines:
            return AlarmResult(Outcome.DONE, remaining=max(0.0, self._deadlines[context.user_id][0] - self.clock.now()))
        return AlarmResult(Outcome.DONE)  # not ours (an earlier run of the runner): the stored session answers

    def next_due(self) -> float | None:
        return min((when for when, _ in self._deadlines.values()), default=None)

    def pop_due(self) -> list[str]:
        """Locales of the alarms whose time has come, removed as they are returned."""
        now = self.clock.now()
        due = [user for user, (when, _) in self._deadlines.items() if when <= now]
        return [self._deadlines.pop(user)[1] for user in due]
