"""A small in-memory Alexa Timers API, served by the HTTPS stub of Alexa's APIs (tests/alexa_api.py).

It keeps timers the way the real service describes them: ids, ON / PAUSED, a trigger time, the time left when
paused, labels unique per user (a second timer with a label in use is a 400), and it remembers every body the
skill sent. Time is the test's clock (`now`), the same clock the test's request envelopes carry.

    timers = TimersApi.on(alexa_api, now=lambda: chat.now)
    ... timers.created            # request bodies of every timer made, in order
    ... timers.timers             # what is set now, by id
    timers.pause_by_voice(id)     # the user said "Alexa, pause my timer", outside the skill
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import isodate
from alexa_api import AlexaApiStub, StubRequest

TIMERS = "/v1/alerts/timers"
TIMER = "/v1/alerts/timers/{id}"
PAUSE = "/v1/alerts/timers/{id}/pause"
RESUME = "/v1/alerts/timers/{id}/resume"


@dataclass
class TimersApi:
    now: Callable[[], datetime]
    timers: dict[str, dict[str, Any]] = field(default_factory=dict)
    created: list[dict[str, Any]] = field(default_factory=list)
    _ids: Any = field(default_factory=lambda: itertools.count(1))

    @classmethod
    def on(cls, api: AlexaApiStub, now: Callable[[], datetime]) -> TimersApi:
        timers = cls(now)
        api.route("POST", TIMERS, timers.create)
        api.route("GET", TIMERS, timers.list)
        api.route("DELETE", TIMERS, timers.delete_all)
        api.route("GET", TIMER, timers.get)
        api.route("DELETE", TIMER, timers.delete)
        api.route("POST", PAUSE, timers.pause)
        api.route("POST", RESUME, timers.resume)
        return timers

    def create(self, request: StubRequest) -> tuple[int, Any]:
        body = request.body if isinstance(request.body, dict) else {}
        seconds = _seconds(body.get("duration"))
        label = body.get("timerLabel")
        if not seconds or not isinstance(label, str) or not 0 < len(label) <= 256:
            return 400, {"code": "INVALID_REQUEST", "message": "duration and timerLabel are required"}
        if any(timer["timerLabel"] == label for timer in self.timers.values()):
            return 400, {"code": "INVALID_REQUEST", "message": "timer label already in use"}
        self.created.append(body)
        now = self.now()
        timer = {"id": f"timer-{next(self._ids)}", "status": "ON", "duration": body["duration"],
                 "timerLabel": label, "triggerTime": _iso(now + timedelta(seconds=seconds)),
                 "createdTime": _iso(now), "updatedTime": _iso(now)}
        self.timers[timer["id"]] = timer
        return 200, timer

    def list(self, request: StubRequest) -> tuple[int, Any]:
        timers = sorted(self.timers.values(), key=lambda timer: timer["triggerTime"])
        return 200, {"totalCount": len(timers), "timers": timers}

    def delete_all(self, request: StubRequest) -> tuple[int, Any]:
        self.timers.clear()
        return 200, None

    def get(self, request: StubRequest) -> tuple[int, Any]:
        timer = self.timers.get(request.params["id"])
        return (200, timer) if timer else _not_found()

    def delete(self, request: StubRequest) -> tuple[int, Any]:
        return (200, None) if self.timers.pop(request.params["id"], None) else _not_found()

    def pause(self, request: StubRequest) -> tuple[int, Any]:
        timer = self.timers.get(request.params["id"])
        if timer is None:
            return _not_found()
        if timer["status"] != "ON":
            return 400, {"code": "INVALID_STATE", "message": "only a running timer can be paused"}
        self.pause_by_voice(timer["id"])
        return 200, None

    def resume(self, request: StubRequest) -> tuple[int, Any]:
        timer = self.timers.get(request.params["id"])
        if timer is None:
            return _not_found()
        if timer["status"] != "PAUSED":
            return 400, {"code": "INVALID_STATE", "message": "only a paused timer can be resumed"}
        left = _seconds(timer.pop("remainingTimeWhenPaused"))
        timer.update(status="ON", triggerTime=_iso(self.now() + timedelta(seconds=left)), updatedTime=_iso(self.now()))
        return 200, None

    def pause_by_voice(self, timer_id: str) -> None:
        """What "Alexa, pause my timer" does on the device, whether or not the skill asked."""
        timer = self.timers[timer_id]
        left = max(0, round((datetime.fromisoformat(timer["triggerTime"]) - self.now()).total_seconds()))
        minutes, seconds = divmod(left, 60)
        timer.update(status="PAUSED", remainingTimeWhenPaused=f"PT{minutes}M{seconds}S", updatedTime=_iso(self.now()))

    def labelled(self, label: str) -> list[dict[str, Any]]:
        return [timer for timer in self.timers.values() if timer["timerLabel"] == label]


def _not_found() -> tuple[int, Any]:
    return 404, {"code": "NOT_FOUND", "message": "Timer not found"}


def _seconds(duration: Any) -> int:
    """Whole seconds in an ISO-8601 duration, read by a library rather than the skill's own reader; 0 if unreadable."""
    try:
        parsed = isodate.parse_duration(duration)
    except (isodate.ISO8601Error, TypeError, ValueError):
        return 0
    return max(0, round(parsed.total_seconds())) if isinstance(parsed, timedelta) else 0


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")
