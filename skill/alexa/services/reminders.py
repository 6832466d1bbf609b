"""The daily stretch reminder's calls to Alexa: the device's time zone and the skill's reminders.

Through ask-sdk's own service clients (UpsServiceClient, ReminderManagementServiceClient), from the request's
service client factory, with the request's endpoint and token, over the time-limited client in skill/alexa/services/api_client.py
(as skill/alexa/services/timers.py does for the heat timer). Every failure becomes a ReminderFailure whose kind says what
it means for the user (skill.core.reminders); the handlers (skill/alexa/handlers/reminders.py) turn that into a calm answer.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, TypeVar

from skill.core.reminders import GONE, OFFLINE, SLOW, UNREACHABLE, failure_kind, fallback_zone, is_stretch_reminder, \
    valid_zone
from skill.alexa.turn import Turn

log = logging.getLogger(__name__)

T = TypeVar("T")


class ReminderFailure(Exception):
    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind  # one of skill.core.reminders' failure kinds


class RemindersApi:
    """The device's time zone and the skill's reminders, through ask-sdk's service clients and the request's
    own endpoint and token. Every failure becomes a ReminderFailure naming what it means for the user."""

    def __init__(self, turn: Turn):
        self.turn = turn
        self.services = turn.handler_input.service_client_factory  # None when the skill has no API client

    def time_zone(self) -> str | None:
        """The device's IANA zone; when the settings service cannot say, the locale's fallback (skill.core.reminders).
        No answer at all (offline, a timeout, no connection) is raised: the next call would fare no better, and
        Alexa waits only 8 seconds for the whole turn."""
        device = getattr(getattr(self.turn.handler_input.request_envelope.context.system, "device", None),
                         "device_id", None)
        if device:
            try:
                zone = valid_zone(self._call("time zone", lambda: self.services.get_ups_service()
                                             .get_system_time_zone(device)))
            except ReminderFailure as failure:
                if failure.kind in (OFFLINE, SLOW, UNREACHABLE):
                    raise
                zone = None
            if zone:
                return zone
        return fallback_zone(self.turn.device_locale)

    def stretch_reminders(self) -> list[Any]:
        response = self._call("list", lambda: self._client().get_reminders())
        return [reminder for reminder in getattr(response, "alerts", None) or [] if is_stretch_reminder(reminder)]

    def set_daily(self, request: Any) -> list[Any]:
        """Sets the one daily stretch reminder: the existing one is updated in place (so a failure leaves it as it
        was, never none and never two), else a new one is made. Returns the reminders it replaced."""
        existing = self.stretch_reminders()
        if existing:
            try:
                self._call("update", lambda: self._client().update_reminder(existing[0].alert_token, request))
            except ReminderFailure as failure:
                if failure.kind != GONE:
                    raise
                self._call("create", lambda: self._client().create_reminder(request))  # it rang out meanwhile
            for extra in existing[1:]:  # only if something else made a second one; it must not ring twice
                try:
                    self.delete(extra)
                except ReminderFailure:
                    pass  # logged; the reminder the user asked for is set
        else:
            self._call("create", lambda: self._client().create_reminder(request))
        return existing

    def delete(self, reminder: Any) -> None:
        try:
            self._call("delete", lambda: self._client().delete_reminder(reminder.alert_token))
        except ReminderFailure as failure:
            if failure.kind != GONE:  # already gone is what we wanted
                raise

    def _client(self):
        return self.services.get_reminder_management_service()

    def _call(self, what: str, operation: Callable[[], T]) -> T:
        if self.services is None:
            raise ReminderFailure(OFFLINE)
        try:
            return operation()
        except Exception as error:  # noqa: BLE001 - every failure is answered calmly, none may crash the turn
            kind = failure_kind(error)
            log.log(logging.INFO if kind == OFFLINE else logging.WARNING, "reminders: %s failed: %s", what, kind)
            raise ReminderFailure(kind) from error
