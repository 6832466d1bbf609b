"""The heat alarm on a real Echo: a device timer through the Alexa Timers API.

A heat countdown cannot live in speech (a break lasts 10 s at most, a session's microphone 8 s), so the device
keeps it: a labelled timer that rings and then announces, in the user's language, that the heat pack comes off.
The calls go through ask-sdk's own TimerManagementServiceClient, from the request's service client factory
(apiEndpoint and apiAccessToken of that request), over the time-limited client in skill/alexa/services/api_client.py.

Every failure becomes an Outcome the handler can speak; nothing here raises. Labels are unique per user (a
duplicate is a 400), so before creating a timer we remove the skill's own earlier heat timer: the stored id and
any of the skill's timers with our label (the list holds only timers this skill made).
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Callable, TypeVar

from ask_sdk_core.exceptions import ApiClientException
from ask_sdk_model.services import ServiceException
from ask_sdk_model.services.timer_management import (AnnounceOperation, CreationBehavior, DisplayExperience,
                                                     NotificationConfig, Status, TextToAnnounce, TimerRequest,
                                                     TriggeringBehavior, Visibility)

from skill.core.heat import iso_duration_seconds
from skill.core.alarm import ANY_HEAT_TIMER, AlarmContext, AlarmResult, Outcome

log = logging.getLogger(__name__)

T = TypeVar("T")

OUTCOME_BY_STATUS = {
    400: Outcome.REFUSED,
    401: Outcome.NEEDS_PERMISSION,
    403: Outcome.FORBIDDEN,
    404: Outcome.GONE,
    429: Outcome.THROTTLED,
    500: Outcome.FAILED,
    504: Outcome.DEVICE_OFFLINE,
}


class AlexaTimersAlarm:
    """A HeatAlarm (skill.core.alarm) backed by the Alexa Timers API."""

    def start(self, context: AlarmContext, seconds: float, replacing: str | None = None) -> AlarmResult:
        if not context.permitted:
            return AlarmResult(Outcome.NEEDS_PERMISSION)  # ask first: a call would only answer 401

        def create(timers: Any) -> str:
            earlier = timers.get_timers()
            for timer in getattr(earlier, "timers", None) or []:
                if timer.id == replacing or timer.timer_label == context.label:
                    _delete(timers, timer.id)
            return timers.create_timer(timer_request(context, seconds)).id

        outcome, timer_id = _call(context, "create", create)
        return AlarmResult(outcome, timer_id=timer_id if outcome is Outcome.DONE else None)

    def cancel(self, context: AlarmContext, timer_id: str | None) -> AlarmResult:
        if timer_id is None:
            return AlarmResult(Outcome.DONE)  # nothing on the device: the session was kept skill-side only
        if timer_id == ANY_HEAT_TIMER:
            outcome, _ = _call(context, "delete", lambda timers: _delete_labelled(timers, context.label))
            return AlarmResult(outcome)
        outcome, _ = _call(context, "delete", lambda timers: _delete(timers, timer_id))
        return AlarmResult(outcome)

    def pause(self, context: AlarmContext, timer_id: str | None) -> AlarmResult:
        if timer_id is None:
            return AlarmResult(Outcome.DONE)
        outcome, _ = _call(context, "pause", lambda timers: timers.pause_timer(timer_id))
        return AlarmResult(outcome)

    def resume(self, context: AlarmContext, timer_id: str | None) -> AlarmResult:
        if timer_id is None:
            return AlarmResult(Outcome.DONE)
        outcome, _ = _call(context, "resume", lambda timers: timers.resume_timer(timer_id))
        return AlarmResult(outcome)

    def status(self, context: AlarmContext, timer_id: str | None) -> AlarmResult:
        """The device's view: the user may have paused, resumed or cancelled the timer by voice."""
        if timer_id is None:
            return AlarmResult(Outcome.DONE)
        outcome, timer = _call(context, "get", lambda timers: timers.get_timer(timer_id))
        if outcome is not Outcome.DONE:
            return AlarmResult(outcome)
        status = getattr(timer.status, "value", timer.status)
        if status == Status.OFF.value:
            return AlarmResult(Outcome.GONE)
        if status == Status.PAUSED.value:
            return AlarmResult(Outcome.DONE, remaining=iso_duration_seconds(timer.remaining_time_when_paused),
                               paused=True)
        return AlarmResult(Outcome.DONE, remaining=_seconds_until(timer.trigger_time, context.now))


def timer_request(context: AlarmContext, seconds: float) -> TimerRequest:
    """A visible, audible timer that announces the end in the request's locale."""
    announce = AnnounceOperation(text_to_announce=[TextToAnnounce(locale=context.request_locale,
                                                                  text=context.announcement)])
    return TimerRequest(
        duration=iso_duration(seconds),
        timer_label=context.label,
        creation_behavior=CreationBehavior(display_experience=DisplayExperience(visibility=Visibility.VISIBLE)),
        triggering_behavior=TriggeringBehavior(operation=announce,
                                               notification_config=NotificationConfig(play_audible=True)))


def iso_duration(seconds: float) -> str:
    """ISO-8601 for a countdown, as the Timers API takes it: 900 -> "PT15M", 3725 -> "PT1H2M5S"."""
    # Not isodate: three lines against 2.4 ms of every cold start; the tests' Timers API reads this with isodate.
    total = max(1, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{value}{unit}" for value, unit in ((hours, "H"), (minutes, "M"), (secs, "S")) if value]
    return "PT" + "".join(parts)


def outcome_of(error: Exception) -> Outcome:
    """What a failed call means. The SDK's service client wraps a timeout or connection error (ApiClientException
    from the HTTP client) as a ServiceException with status 500, so the wrapped cause tells them apart."""
    if isinstance(error, ServiceException):
        if isinstance(error.__context__, ApiClientException):
            return Outcome.UNREACHABLE
        return OUTCOME_BY_STATUS.get(error.status_code, Outcome.FAILED)
    return Outcome.FAILED  # e.g. an error body that is not JSON, which the SDK cannot parse


def _call(context: AlarmContext, operation: str, call: Callable[[Any], T]) -> tuple[Outcome, T | None]:
    """Run `call` with the request's timer client; any failure becomes an Outcome and a log line (no user data)."""
    if context.services is None:
        log.warning("timers api: no service client factory for %s", operation)
        return Outcome.FAILED, None
    try:
        return Outcome.DONE, call(context.services.get_timer_management_service())
    except Exception as error:  # noqa: BLE001 - the API's failures are answered calmly, never raised
        outcome = outcome_of(error)
        log.warning("timers api: %s failed (%s, status %s)", operation, outcome.value,
                    getattr(error, "status_code", None))
        return outcome, None


def _delete_labelled(timers: Any, label: str) -> None:
    """Delete every timer of the skill's with our label (the list holds only timers this skill made)."""
    for timer in getattr(timers.get_timers(), "timers", None) or []:
        if timer.timer_label == label:
            _delete(timers, timer.id)


def _delete(timers: Any, timer_id: str) -> None:
    """Delete one timer; already gone (404) is what we wanted anyway."""
    try:
        timers.delete_timer(timer_id)
    except ServiceException as error:
        if error.status_code != 404:
            raise


def _seconds_until(moment: datetime | None, now: float) -> float | None:
    if not isinstance(moment, datetime):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0.0, moment.timestamp() - now)
