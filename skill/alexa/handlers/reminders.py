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

from typing import Any

from skill.alexa import consent
from skill.alexa.consent import ConsentAnswer, consent_card
from skill.alexa.services import device_locale
from skill.alexa.services.reminders import (BAD_REQUEST, BUSY, FORBIDDEN, OFFLINE, PERMISSION, SERVICE, SLOW,
                                           UNREACHABLE, ReminderFailure, RemindersApi, stretch_reminder_request)
from skill.alexa.handlers.base import Answer, TurnHandler, slot_id, slot_value
from skill.alexa.handlers.consent import Continuation, ask_permission, send_consent_card
from skill.core.reminders import DailyTime, read_period, reminder_time, spoken_time, valid_zone
from skill.core.state import Question
from skill.alexa.turn import Reply, Turn

ASK_TIME_KEYS = {None: "reminders.ask_time", "MO": "reminders.ask_time.morning",
                 "AF": "reminders.ask_time.afternoon", "EV": "reminders.ask_time.evening",
                 "NI": "reminders.ask_time.night"}
FAILED = {"set": "reminders.failed.set", "cancel": "reminders.failed.cancel", "check": "reminders.failed.check"}
WHY = {BAD_REQUEST: "reminders.why.bad_request", FORBIDDEN: "reminders.why.forbidden", BUSY: "reminders.why.busy",
       SLOW: "reminders.why.slow", UNREACHABLE: "reminders.why.unreachable", SERVICE: "reminders.why.service"}
PERMISSION_ANSWER_KEYS = {consent.DENIED: "reminders.declined", consent.NOT_ANSWERED: "reminders.no_answer"}


class SetReminderHandler(TurnHandler):
    intents = ("SetReminderIntent",)

    def act(self, turn: Turn) -> Reply:
        said = slot_value(turn, "time") or _day_part(turn)
        time = DailyTime.parse(said)
        if time is not None:
            # "Before bed, say ten": the part of the day said with the hour tells which ten, as one asked before does.
            return offer(turn, time.in_period(_period_asked(turn) or read_period(slot_id(turn, "when"))))
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
    turn.expect_answer(Question.REMINDER_TIME, {"period": period} if period else None)
    return turn.reply().say(ASK_TIME_KEYS[period]).ask("reminders.ask_time_reprompt")


def offer(turn: Turn, time: DailyTime) -> Reply:
    """The plan in words, time and recurrence, and the yes/no that is the user's consent to this reminder. The
    zone is read first: offline, or with Alexa's APIs out of reach, there is no point asking."""
    try:
        zone = RemindersApi(turn).time_zone()
    except ReminderFailure as failure:
        return failed(turn, "set", failure.kind)
    turn.expect_answer(Question.REMINDER_OFFER, {"time": time.slot_value, "zone": zone})
    spoken = spoken_time(turn.content, time)
    return turn.reply().say("reminders.offer", time=spoken).ask("reminders.offer_reprompt", time=spoken)


def set_up(turn: Turn, time: DailyTime, zone: str | None) -> Reply:
    """The user said yes to the plan: set it, or first ask Alexa for the reminders permission."""
    if not consent.granted(turn.handler_input.request_envelope, consent.REMINDERS):
        reply = turn.reply().say("reminders.permission_needed")
        return ask_permission(turn, reply, consent.REMINDERS, Question.REMINDER_PERMISSION,
                              {"time": time.slot_value, "zone": zone})
    return create(turn, time, zone, may_ask_again=True)


def create(turn: Turn, time: DailyTime, zone: str | None, may_ask_again: bool) -> Reply:
    request = stretch_reminder_request(time, turn.now, zone, device_locale(turn.handler_input.request_envelope),
                                       turn.content.say("reminders.alert_text"))
    try:
        replaced = RemindersApi(turn).set_daily(request)
    except ReminderFailure as failure:
        if failure.kind == PERMISSION and may_ask_again:
            reply = turn.reply().say("reminders.permission_again")
            return ask_permission(turn, reply, consent.REMINDERS, Question.REMINDER_PERMISSION,
                                  {"time": time.slot_value, "zone": zone})
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


def _may_read(turn: Turn) -> bool:
    """Without the reminders permission the API shows the skill nothing (401), so it is not called at all."""
    return consent.granted(turn.handler_input.request_envelope, consent.REMINDERS)


def _day_part(turn: Turn) -> str | None:
    """A time of day named by what is done then ("after tea", "lunchtime"), as AMAZON.TIME would write it: a
    part of the day, whose hour the skill then asks, or noon."""
    part = slot_id(turn, "when")
    return "12:00" if part == "NOON" else part


def _period_asked(turn: Turn) -> str | None:
    """The part of the day the user named before ("evening"), when the skill is asking for the exact time."""
    if turn.asked is None or turn.asked.id != Question.REMINDER_TIME or not isinstance(turn.asked.arg, dict):
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


def reminder_answers() -> dict[Question, Answer]:
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

    return {Question.REMINDER_OFFER: plan, Question.REMINDER_TIME: time_question}


def reminder_permission_answers() -> dict[Question, Continuation]:
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

    return {Question.REMINDER_PERMISSION: stretch_reminder}
