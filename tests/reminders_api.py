"""A small in-memory Alexa Reminders API and device time-zone setting, served by the HTTPS stub (alexa_api.py).

It keeps the reminders one user's skill has made and checks what the real API checks that matters here: local
times without "Z" or an offset (the real API refuses them as UNSUPPORTED_SCHEDULED_TIME_FORMAT), a known time
zone, spoken text with a locale. Tests read `reminders` (alertToken -> stored reminder JSON) and the stub's
`requests`, and make any call fail with `AlexaApiStub.fail_next` using the patterns below.
"""

from __future__ import annotations

import itertools
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from alexa_api import AlexaApiStub, StubRequest

REMINDERS = "/v1/alerts/reminders"
REMINDER = "/v1/alerts/reminders/{alertToken}"
TIME_ZONE = "/v2/devices/{deviceId}/settings/System.timeZone"
LOCAL_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$")  # no "Z", no offset
STAMP = "2026-11-21T08:00:00.000Z"


class RemindersService:
    def __init__(self, api: AlexaApiStub, time_zone: str | None = "America/New_York"):
        self.api = api
        self.time_zone = time_zone  # what the device's System.timeZone setting answers; None: 204 no content
        self.reminders: dict[str, dict[str, Any]] = {}
        self._tokens = (f"reminder-{n}" for n in itertools.count(1))
        api.route("POST", REMINDERS, self._create)
        api.route("GET", REMINDERS, self._list)
        api.route("GET", REMINDER, self._get)
        api.route("PUT", REMINDER, self._update)
        api.route("DELETE", REMINDER, self._delete)
        api.route("GET", TIME_ZONE, self._zone)

    def add_daily(self, hour: int, minute: int = 0, status: str = "ON") -> str:
        """A stretch reminder the skill made earlier (in an earlier session)."""
        token = next(self._tokens)
        start = f"2026-11-01T{hour:02d}:{minute:02d}:00"
        self.reminders[token] = _stored(token, status, {
            "trigger": {"type": "SCHEDULED_ABSOLUTE", "scheduledTime": start, "timeZoneId": "America/New_York",
                        "recurrence": {"startDateTime": start, "recurrenceRules": [
                            f"FREQ=DAILY;BYHOUR={hour};BYMINUTE={minute};BYSECOND=0;INTERVAL=1"]}},
            "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": "Time for your daily stretches."}]}},
            "pushNotification": {"status": "ENABLED"}})
        return token

    def calls(self, method: str, path: str = REMINDERS) -> list[StubRequest]:
        return self.api.calls(method, path)

    # --- routes ---------------------------------------------------------------------------------------------
    def _create(self, request: StubRequest) -> tuple[int, Any]:
        problem = _invalid(request.body)
        if problem:
            return 400, {"code": problem, "message": "stub validation"}
        token = next(self._tokens)
        self.reminders[token] = _stored(token, "ON", request.body)
        return 201, _answer(token)

    def _list(self, request: StubRequest) -> tuple[int, Any]:
        alerts = list(self.reminders.values())
        return 200, {"totalCount": str(len(alerts)), "alerts": alerts, "links": None}

    def _get(self, request: StubRequest) -> tuple[int, Any]:
        reminder = self.reminders.get(request.params["alertToken"])
        return (200, reminder) if reminder else (404, {"code": "NOT_FOUND", "message": "no such reminder"})

    def _update(self, request: StubRequest) -> tuple[int, Any]:
        token = request.params["alertToken"]
        if token not in self.reminders:
            return 404, {"code": "NOT_FOUND", "message": "no such reminder"}
        problem = _invalid(request.body)
        if problem:
            return 400, {"code": problem, "message": "stub validation"}
        self.reminders[token] = _stored(token, "ON", request.body)
        return 200, _answer(token)

    def _delete(self, request: StubRequest) -> tuple[int, Any]:
        if self.reminders.pop(request.params["alertToken"], None) is None:
            return 404, {"code": "NOT_FOUND", "message": "no such reminder"}
        return 200, None

    def _zone(self, request: StubRequest) -> tuple[int, Any]:
        return (204, None) if self.time_zone is None else (200, self.time_zone)


def _invalid(body: Any) -> str | None:
    """The real API's complaint about a reminder request, or None."""
    if not isinstance(body, dict):
        return "INVALID_REQUEST"
    trigger = body.get("trigger") or {}
    if trigger.get("type") != "SCHEDULED_ABSOLUTE":
        return "INVALID_TRIGGER"
    recurrence = trigger.get("recurrence") or {}
    for stamp in (trigger.get("scheduledTime"), recurrence.get("startDateTime"), body.get("requestTime")):
        if stamp is not None and not LOCAL_TIME.match(stamp):
            return "UNSUPPORTED_SCHEDULED_TIME_FORMAT"
    if "timeZoneId" in trigger:
        try:
            ZoneInfo(trigger["timeZoneId"])
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            return "INVALID_TIMEZONE"
    if not all(isinstance(rule, str) and rule.startswith("FREQ=") for rule in recurrence.get("recurrenceRules", [])):
        return "INVALID_RECURRENCE"
    content = ((body.get("alertInfo") or {}).get("spokenInfo") or {}).get("content") or []
    if not content or not all(c.get("locale") and c.get("text") for c in content):
        return "INVALID_ALERT_INFO"
    return None


def _stored(token: str, status: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"alertToken": token, "createdTime": STAMP, "updatedTime": STAMP, "status": status, "version": "1",
            "trigger": body["trigger"], "alertInfo": body["alertInfo"],
            "pushNotification": body.get("pushNotification", {"status": "ENABLED"})}


def _answer(token: str) -> dict[str, Any]:
    return {"alertToken": token, "createdTime": STAMP, "updatedTime": STAMP, "status": "ON", "version": "1",
            "href": f"{REMINDERS}/{token}"}
