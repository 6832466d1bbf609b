"""The heat session while it runs: how long is left, pause, resume and cancel, as the device timer sees it.

The user may pause, resume or cancel a device timer by voice, outside the skill ("Alexa, pause my timer"), so
each of these first asks the alarm how things stand and follows it; where the alarm cannot tell (no device timer,
or the Timers API failed) the stored session answers. The session always ends skill-side when the user stops:
the heat pack is coming off, whatever the device says.
"""

from __future__ import annotations

from typing import Callable

from skill.alexa import consent
from skill.alexa.handlers.base import TurnHandler
from skill.alexa.services import device_locale
from skill.core.heat import minutes_left
from skill.core.profile import PAUSE_LIMIT_SECONDS, HeatSession
from skill.alexa.screen import heat_left_screen
from skill.core.alarm import AlarmContext, AlarmResult, HeatAlarm, Outcome
from skill.alexa.turn import Reply, Turn


class HeatStatusHandler(TurnHandler):
    intents = ("HeatStatusIntent",)

    def __init__(self, alarm: HeatAlarm):
        self.alarm = alarm

    def act(self, turn: Turn) -> Reply:
        heat = device_heat(turn, self.alarm)
        if heat:
            return time_left(turn, heat, "heat.time_left")
        return turn.reply().say("heat.none_running").ask("menu.reprompt")


class CancelHeatHandler(TurnHandler):
    intents = ("CancelHeatIntent",)

    def __init__(self, alarm: HeatAlarm):
        self.alarm = alarm

    def act(self, turn: Turn) -> Reply:
        if turn.profile.running_heat(turn.now) is None:
            device_heat(turn, self.alarm)  # a timer paused by voice may outlast the session's planned end
        result = end_heat(turn, self.alarm)
        if result is None:
            return turn.reply().say("heat.none_running").ask("menu.reprompt")
        reply = turn.reply().say("heat.cancelled").say("heat.skin_check")
        if not result.done and result.outcome is not Outcome.GONE:
            reply.say("heat.cancel_failed")
        return reply.end()


class PauseHeatHandler(TurnHandler):
    """Pauses the heat: "pause the heat timer", or a plain "pause" while heat runs and no routine does (a routine
    keeps its own pause)."""

    intents = ("PauseHeatIntent",)

    def __init__(self, alarm: HeatAlarm):
        self.alarm = alarm

    def accepts(self, turn: Turn) -> bool:
        return turn.intent in self.intents or (
            turn.intent == "AMAZON.PauseIntent" and turn.conversation.routine is None
            and turn.profile.running_heat(turn.now) is not None)

    def act(self, turn: Turn) -> Reply:
        heat, seen = follow_device(turn, self.alarm)
        if heat is None:
            return turn.reply().say("heat.none_running").ask("menu.reprompt")
        if heat.paused:
            return time_left(turn, heat, "heat.time_left")
        refused = _on_device(turn, heat, seen, self.alarm.pause, "heat.pause_failed")
        if refused:
            return refused
        heat.pause(turn.now)
        return turn.reply().say("heat.paused").end()


class ResumeHeatHandler(TurnHandler):
    """Resumes the heat: "resume my heat timer", or a plain "resume" while the heat is paused and no routine
    runs."""

    intents = ("ResumeHeatIntent",)

    def __init__(self, alarm: HeatAlarm):
        self.alarm = alarm

    def accepts(self, turn: Turn) -> bool:
        if turn.intent in self.intents:
            return True
        if turn.intent != "AMAZON.ResumeIntent" or turn.conversation.routine is not None:
            return False
        heat = turn.profile.running_heat(turn.now)
        return heat is not None and heat.paused

    def act(self, turn: Turn) -> Reply:
        heat, seen = follow_device(turn, self.alarm)
        if heat is None:
            return turn.reply().say("heat.none_running").ask("menu.reprompt")
        if not heat.paused:
            return time_left(turn, heat, "heat.already_running")
        refused = _on_device(turn, heat, seen, self.alarm.resume, "heat.resume_failed")
        if refused:
            return refused
        heat.resume(turn.now)
        return time_left(turn, heat, "heat.time_left").prepend("heat.resumed")


def alarm_context(turn: Turn) -> AlarmContext:
    """For the heat alarm: who and when, the device timer's label and announcement in the user's language,
    whether the timers permission shows as granted, and the request's service clients (Timers API)."""
    envelope = turn.handler_input.request_envelope
    return AlarmContext(user_id=envelope.context.system.user.user_id, locale=turn.content.locale, now=turn.now,
                        request_locale=device_locale(envelope),
                        label=turn.content.say("heat.timer_label"),
                        announcement=turn.content.say("heat.time_up"),
                        permitted=consent.granted(envelope, consent.TIMERS),
                        services=turn.handler_input.service_client_factory)


def device_heat(turn: Turn, alarm: HeatAlarm) -> HeatSession | None:
    """The running session as the device timer sees it (see `follow_device`)."""
    return follow_device(turn, alarm)[0]


def follow_device(turn: Turn, alarm: HeatAlarm) -> tuple[HeatSession | None, Outcome]:
    """The running session as the device timer sees it, and how asking went. The user may have paused, resumed
    or cancelled the timer by voice, outside the skill, so a timer paused that way can outlast the session's
    planned end. The stored session answers when the alarm cannot tell (no device timer, or the API failed)."""
    heat, running = turn.profile.heat, turn.profile.running_heat(turn.now)
    if heat is None or (running is None and not _may_be_paused_by_voice(heat, turn.now)):
        return running, Outcome.DONE
    result = alarm.status(alarm_context(turn), heat.timer_id)
    if result.outcome is Outcome.GONE:
        if running:
            heat.stop(turn.now)
        return None, result.outcome
    if result.done and result.remaining is not None and (running or result.remaining > 0):
        heat.follow(turn.now, result.remaining, result.paused)
    return turn.profile.running_heat(turn.now), result.outcome


def _may_be_paused_by_voice(heat: HeatSession, now: float) -> bool:
    return heat.timer_id is not None and not heat.paused and now < heat.ends_at + PAUSE_LIMIT_SECONDS


def _on_device(turn: Turn, heat: HeatSession, seen: Outcome,
               operation: Callable[[AlarmContext, str | None], AlarmResult], failed_key: str) -> Reply | None:
    """Pause or resume the session's device timer: None when it went through, else the reply. Skipped when the API
    just gave no answer at all (`seen`): a second wait for it could outlast the 8 seconds Alexa allows a turn."""
    result = AlarmResult(seen) if seen is Outcome.UNREACHABLE else operation(alarm_context(turn), heat.timer_id)
    if result.outcome is Outcome.GONE:
        return _gone(turn, heat)
    if not result.done:
        return turn.reply().say(failed_key).end()
    return None


def end_heat(turn: Turn, alarm: HeatAlarm) -> AlarmResult | None:
    """Stop a running heat session now (the cool-down counts from here); None when none was running. The
    session ends skill-side whatever the device says: the heat pack is coming off."""
    heat = turn.profile.running_heat(turn.now)
    if heat is None:
        return None
    result = alarm.cancel(alarm_context(turn), heat.timer_id)
    heat.stop(turn.now)
    return result


def time_left(turn: Turn, heat: HeatSession, key: str) -> Reply:
    minutes = minutes_left(heat.remaining(turn.now))
    if heat.paused:
        spoken = turn.reply().say("heat.paused_left" if minutes > 1 else "heat.paused_left_one", minutes=minutes)
    else:
        spoken = turn.reply().say(key if minutes > 1 else f"{key}_one", minutes=minutes)
    if turn.shows_screens:
        spoken.show(heat_left_screen(turn.content, minutes))
    return spoken.end()


def _gone(turn: Turn, heat: HeatSession) -> Reply:
    """The device timer is no longer there (it rang, or was cancelled by voice): the session is over."""
    heat.stop(turn.now)
    return turn.reply().say("heat.none_running").ask("menu.reprompt")
