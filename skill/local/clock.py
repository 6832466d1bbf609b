"""Time for the offline runner: real, compressed (--fast), or fake (tests).

Every wait takes a `stop` event and returns as soon as it is set, which is what makes holds, rests and the
heat countdown interruptible: a typed "stop" or red-flag phrase sets the event from the input thread.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from typing import Callable, Protocol


class Clock(Protocol):
    def now(self) -> float: ...  # epoch seconds; what request timestamps and the heat alarm are based on

    def wait(self, seconds: float, stop: threading.Event) -> bool: ...  # True when `stop` cut the wait short


class RealClock:
    def now(self) -> float:
        return time.time()

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        return stop.wait(max(0.0, seconds))


class FastClock:
    """Runs `speed` times faster than real time: what is said is unchanged, only the waiting shrinks."""

    def __init__(self, speed: float = 100.0, start: float | None = None):
        self.speed = speed
        self._start_epoch = time.time() if start is None else start  # where an earlier fast run left off, say
        self._start = time.monotonic()

    def now(self) -> float:
        return self._start_epoch + (time.monotonic() - self._start) * self.speed

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        return stop.wait(max(0.0, seconds) / self.speed)


class FakeClock:
    """Virtual time for tests: waits return at once, running whatever was scheduled to happen during them.

    `at(t, action)` schedules an action (e.g. typing "stop") at virtual time t; a wait that reaches t runs it
    and, if the action set the stop event, ends right there, at that virtual moment.
    """

    def __init__(self, start: float = 1_795_000_000.0):
        self._now = start
        self._order = itertools.count()
        self._actions: list[tuple[float, int, Callable[[], None]]] = []
        self.waits: list[float] = []  # every wait asked for, in order

    def now(self) -> float:
        return self._now

    def at(self, moment: float, action: Callable[[], None]) -> None:
        heapq.heappush(self._actions, (moment, next(self._order), action))

    def after(self, seconds: float, action: Callable[[], None]) -> None:
        self.at(self._now + seconds, action)

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        self.waits.append(seconds)
        end = self._now + max(0.0, seconds)
        while not stop.is_set() and self._actions and self._actions[0][0] <= end:
            moment, _, action = heapq.heappop(self._actions)
            self._now = max(self._now, moment)
            action()
        if stop.is_set():
            return True
        self._now = end
        return False
