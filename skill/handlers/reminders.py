"""The opt-in daily stretch reminder, through Alexa's Reminders API.

"Remind me to stretch every morning at eight": the skill reads the device's time zone, states the plan with its
time and recurrence and asks yes or no. That yes is the informed consent Alexa's reminder guidelines ask for
every time a reminder is created. Then, with the reminders permission, it sets the reminder (replacing the
skill's earlier one: one daily stretch reminder at a time) and confirms it; without the permission it asks
Alexa for it (AskFor) and carries on with Alexa's answer. A 401 from the API means the permission was taken
back: the skill asks again once, and if the call after that yes still fails it sends the consent card and
stops, so there is never a loop. Every other failure gets a calm sentence; nothing here raises.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Callable, TypeVar

from skill import consent
from skill.consent import ConsentAnswer, consent_card
from skill.content import DEFAULT_LOCALE
from skill.handlers.base import Answer, TurnHandler, slot_value
from skill.handlers.consent import Continuation, ask_permission, send_consent_card
from skill.reminders import (BAD_REQUEST, BUSY, FORBIDDEN, GONE, OFFLINE, PERMISSION, SERVICE, SLOW, UNREACHABLE,
                             DailyTime, failure_kind, fallback_zone, is_stretch_reminder, read_period,
                             reminder_time, spoken_time, stretch_reminder_request, valid_zone)
from skill.turn import Reply, Turn

log = logging.getLogger(__name__)

PURPOSE = "stretch_reminder"  # the AskFor token, and the question that waits for Alexa's answer
OFFER = "reminder_offer"  # "I'll remind you to stretch every day at 8 AM. Shall I set that?"
ASK_TIME = "reminder_time"  # "What time each day ...?" (arg: the part of the day already named, if any)

ASK_TIME_KEYS = {None: "reminders.ask_time", "MO": "reminders.ask_time.morning",
                 "AF": "reminders.ask_time.afternoon", "EV": "reminders.ask_time.evening",
                 "NI": "reminders.ask_time.night"}
FAILED = {"set": "reminders.failed.set", "cancel": "reminders.failed.cancel", "check": "reminders.failed.check"}
WHY = {BAD_REQUEST: "reminders.why.bad_request", FORBIDDEN: "reminders.why.forbidden", BUSY: "reminders.why.busy",
       SLOW: "reminders.why.slow", UNREACHABLE: "reminders.why.unreachable", SERVICE: "reminders.why.service"}
PERMISSION_ANSWER_KEYS = {consent.DENIED: "reminders.declined", consent.NOT_ANSWERED: "reminders.no_answer"}
_LOCALE = re.compile(r"^[a-z]{2}-[A-Z]{2}$")

T = TypeVar("T")


class ReminderFailure(Exception):
    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind  # one of skill.reminders' failure kinds


class RemindersApi:
    """The device's time zone and the skill's reminders, through ask-sdk's service clients and the request's
    own endpoint and token. Every failure becomes a ReminderFailure naming what it means for the user."""

    def __init__(self, turn: Turn):
        self.turn = turn
        self.services = turn.handler_input.service_client_factory  # None when the skill has no API client

    def time_zone(self) -> str | None:
        """The device's IANA zone; when the settings service cannot say, the locale's fallback (skill.reminders).
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
        return fallback_zone(request_locale(self.turn))

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


class SetReminderHandler(TurnHandler):
    intents = ("SetReminderIntent",)

    def act(self, turn: Turn) -> Reply:
        said = slot_value(turn, "time")
        time = DailyTime.parse(said)
        if time is not None:
            return offer(turn, time.in_period(_period_asked(turn)))
        return ask_time(turn, read_period(said))


class CancelReminderHandler(TurnHandler):
    intents = ("CancelReminderIntent",)

    def act(self, turn: Turn) -> Reply:
        if not _may_read(turn):
            return failed(turn, "cancel", PERMISSION)
        api = RemindersApi(turn)
        try:
            existing = api.stretch_reminders()
            for reminder in existing:
                api.delete(reminder)
        except ReminderFailure as failure:
            return failed(turn, "cancel", failure.kind)
        if not existing:
            return turn.reply().say("reminders.none_to_cancel").ask("menu.reprompt")
        time = reminder_time(existing[0])
        if time is None:
            return turn.reply().say("reminders.cancelled_earlier").end()
        return turn.reply().say("reminders.cancelled", time=spoken_time(turn.content, time)).end()


class ReminderStatusHandler(TurnHandler):
    intents = ("ReminderStatusIntent",)

    def act(self, turn: Turn) -> Reply:
        if not _may_read(turn):
            return failed(turn, "check", PERMISSION)
        try:
            existing = RemindersApi(turn).stretch_reminders()
        except ReminderFailure as failure:
            return failed(turn, "check", failure.kind)
        if not existing:
            return turn.reply().say("reminders.status_none").ask("menu.reprompt")
        time = reminder_time(existing[0])
        if time is None:
            return turn.reply().say("reminders.status_unknown_time").ask("menu.reprompt")
        return turn.reply().say("reminders.status", time=spoken_time(turn.content, time)).ask("menu.reprompt")


def ask_time(turn: Turn, period: str | None) -> Reply:
    turn.expect_answer(ASK_TIME, {"period": period} if period else None)
    return turn.reply().say(ASK_TIME_KEYS[period]).ask("reminders.ask_time_reprompt")


def offer(turn: Turn, time: DailyTime) -> Reply:
    """The plan in words, time and recurrence, and the yes/no that is the user's consent to this reminder. The
    zone is read first: offline, or with Alexa's APIs out of reach, there is no point asking."""
    try:
        zone = RemindersApi(turn).time_zone()
    except ReminderFailure as failure:
        return failed(turn, "set", failure.kind)
    turn.expect_answer(OFFER, {"time": time.slot_value, "zone": zone})
    spoken = spoken_time(turn.content, time)
    return turn.reply().say("reminders.offer", time=spoken).ask("reminders.offer_reprompt", time=spoken)


def set_up(turn: Turn, time: DailyTime, zone: str | None) -> Reply:
    """The user said yes to the plan: set it, or first ask Alexa for the reminders permission."""
    if not consent.granted(turn.handler_input.request_envelope, consent.REMINDERS):
        reply = turn.reply().say("reminders.permission_needed")
        return ask_permission(turn, reply, consent.REMINDERS, PURPOSE, {"time": time.slot_value, "zone": zone})
    return create(turn, time, zone, may_ask_again=True)


def create(turn: Turn, time: DailyTime, zone: str | None, may_ask_again: bool) -> Reply:
    request = stretch_reminder_request(time, turn.now, zone, request_locale(turn),
                                       turn.content.say("reminders.alert_text"))
    try:
        replaced = RemindersApi(turn).set_daily(request)
    except ReminderFailure as failure:
        if failure.kind == PERMISSION and may_ask_again:
            reply = turn.reply().say("reminders.permission_again")
            return ask_permission(turn, reply, consent.REMINDERS, PURPOSE, {"time": time.slot_value, "zone": zone})
        if failure.kind == PERMISSION:
            return turn.reply().say("reminders.permission_lost").with_card(consent_card(consent.REMINDERS)).ask(
                "menu.reprompt")
        return failed(turn, "set", failure.kind)
    reply = turn.reply().say("reminders.set", time=spoken_time(turn.content, time))
    if replaced:
        old = reminder_time(replaced[0])
        if old is None:
            reply.say("reminders.replaced_earlier")
        else:
            reply.say("reminders.replaced", old_time=spoken_time(turn.content, old))
    return reply.say("reminders.how_to_stop").end()


def failed(turn: Turn, operation: str, kind: str) -> Reply:
    if kind == OFFLINE:
        return turn.reply().say("reminders.offline").ask("menu.reprompt")
    if kind == PERMISSION:  # reading or cancelling: there is nothing of ours the skill can see
        return turn.reply().say("reminders.no_permission").ask("menu.reprompt")
    return turn.reply().say(FAILED[operation]).say(WHY.get(kind, WHY[SERVICE])).ask("menu.reprompt")


def request_locale(turn: Turn) -> str:
    """The device's locale, e.g. en-GB, for the reminder's spoken text."""
    locale = getattr(turn.handler_input.request_envelope.request, "locale", None)
    return locale if isinstance(locale, str) and _LOCALE.match(locale) else DEFAULT_LOCALE


def _may_read(turn: Turn) -> bool:
    """Without the reminders permission the API shows the skill nothing (401), so it is not called at all."""
    return consent.granted(turn.handler_input.request_envelope, consent.REMINDERS)


def _period_asked(turn: Turn) -> str | None:
    """The part of the day the user named before ("evening"), when the skill is asking for the exact time."""
    if turn.asked is None or turn.asked.id != ASK_TIME or not isinstance(turn.asked.arg, dict):
        return None
    return read_period(turn.asked.arg.get("period"))


def _pending(arg: Any) -> tuple[DailyTime, str | None] | None:
    """The time and zone a question or permission request is waiting with, checked: session attributes come
    back from the outside world."""
    if not isinstance(arg, dict):
        return None
    time, zone = DailyTime.parse(arg.get("time")), arg.get("zone")
    if time is None or (zone is not None and valid_zone(zone) is None):
        return None
    return time, zone


def reminder_answers() -> dict[str, Answer]:
    def plan(turn: Turn, yes: bool) -> Reply:
        if not yes:
            return turn.reply().say("reminders.not_set").ask("menu.reprompt")
        pending = _pending(turn.asked.arg)
        if pending is None:
            return turn.reply().say("reminders.lost_track").ask("menu.reprompt")
        return set_up(turn, *pending)

    def time_question(turn: Turn, yes: bool) -> Reply:
        if not yes:
            return turn.reply().say("reminders.not_set").ask("menu.reprompt")
        return ask_time(turn, _period_asked(turn))

    return {OFFER: plan, ASK_TIME: time_question}


def reminder_permission_answers() -> dict[str, Continuation]:
    """Alexa's answer to the reminders AskFor: set the reminder the user already agreed to, or say calmly how
    to allow it later (with the consent card, unless Alexa sent one)."""
    def stretch_reminder(turn: Turn, answer: ConsentAnswer) -> Reply:
        pending = _pending(turn.asked.arg)
        if pending is None:
            return turn.reply().say("reminders.lost_track").ask("menu.reprompt")
        if answer.accepted:
            return create(turn, *pending, may_ask_again=False)
        reply = turn.reply().say(PERMISSION_ANSWER_KEYS.get(answer.outcome, "reminders.permission_unavailable"))
        return send_consent_card(reply, answer, consent.REMINDERS).ask("menu.reprompt")

    return {PURPOSE: stretch_reminder}
