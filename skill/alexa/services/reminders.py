"""The daily stretch reminder's calls to Alexa: the device's time zone and the skill's reminders.

Through ask-sdk's own service clients (UpsServiceClient, ReminderManagementServiceClient), from the request's
service client factory, with the request's endpoint and token, over the time-limited client in
skill/alexa/services/api_client.py (as skill/alexa/services/timers.py does for the heat timer). Every failure
becomes a ReminderFailure whose kind says what it means for the user; the handlers
(skill/alexa/handlers/reminders.py) turn that into a calm answer. The rules (time, zone, RRULE) are
skill.core.reminders.

The request (Amazon's Reminders docs): a recurring reminder is SCHEDULED_ABSOLUTE with `recurrence.startDateTime`
and `recurrenceRules`. `scheduledTime` is ignored when the recurrence fields are present, but the docs call it
mandatory for absolute reminders, so it carries the same start.
"""

from __future__ import annotations

import importlib
import logging
import sys
from typing import Any, Callable, Iterator, TypeVar

from ask_sdk_core.exceptions import ApiClientException
from ask_sdk_model.services import ServiceException
from ask_sdk_model.services.reminder_management import (AlertInfo, PushNotification, PushNotificationStatus,
                                                         Recurrence, ReminderRequest, SpokenInfo, SpokenText,
                                                         Trigger, TriggerType, spoken_info)

from skill.alexa.services import device_locale
from skill.alexa.services.api_client import NoAlexaCloud, timed_out
from skill.alexa.turn import Turn
from skill.core.reminders import DailyTime, fallback_zone, is_stretch_reminder, local_now, next_occurrence, \
    valid_zone

log = logging.getLogger(__name__)

T = TypeVar("T")

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


class ReminderFailure(Exception):
    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind  # one of the failure kinds above


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
        return fallback_zone(device_locale(self.turn.handler_input.request_envelope))

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
