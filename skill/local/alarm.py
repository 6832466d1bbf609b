"""The heat alarm of the offline runner: a countdown on the runner's clock that the runner polls.

No thread of its own: the runner asks what is due whenever it waits (for input, through a hold), so a fake
clock drives it in tests and --fast compresses it like every other wait.
"""

from __future__ import annotations

from skill.local.clock import Clock
from skill.timers import AlarmContext


class LocalAlarm:
    rings = True

    def __init__(self, clock: Clock):
        self.clock = clock
        self._deadlines: dict[str, tuple[float, str]] = {}  # user -> (when, locale)

    def start(self, context: AlarmContext, seconds: float) -> None:
        self._deadlines[context.user_id] = (self.clock.now() + seconds, context.locale)

    def cancel(self, context: AlarmContext) -> None:
        self._deadlines.pop(context.user_id, None)

    def next_due(self) -> float | None:
        return min((when for when, _ in self._deadlines.values()), default=None)

    def pop_due(self) -> list[str]:
        """Locales of the alarms whose time has come, removed as they are returned."""
        now = self.clock.now()
        due = [user for user, (when, _) in self._deadlines.items() if when <= now]
        return [self._deadlines.pop(user)[1] for user in due]
