"""Heat-therapy timer: screening once, safety essentials every time, capped length, cool-down between sessions.

The countdown itself is the alarm's (skill.timers): on an Echo a device timer through the Timers API, which
needs the user's timers permission. Without it the skill asks by voice (AskFor); whatever the answer, or if the
API fails, the session still starts skill-side ("how long is left" and the cool-down work) and the user hears
why there is no device timer and is asked to set one by hand. The plan only ever reaches `start` through
`screen_then_start`, so heat never starts unscreened, the permission's answer included.
"""

from __future__ import annotations

from typing import Callable

from skill import consent
from skill.consent import ConsentAnswer
from skill.handlers.base import Answer, TurnHandler, slot_value
from skill.handlers.consent import Continuation, ask_permission, send_consent_card
from skill.heat import HeatPlan, cool_down_left, plan_heat, spoken_minutes
from skill.profile import HEAT_SCREEN_QUESTIONS, PAUSE_LIMIT_SECONDS, HeatSession
from skill.screen import heat_left_screen, heat_timer_screen
from skill.timers import AlarmContext, AlarmResult, HeatAlarm, Outcome
from skill.turn import Reply, Turn

PERMISSION_PURPOSE = "heat_timer"  # the AskFor token, and the open question while Alexa asks

# Why the device has no timer for this session, in the user's words.
NO_DEVICE_TIMER = {
    Outcome.NEEDS_PERMISSION: "heat.timer.no_permission",
    Outcome.REFUSED: "heat.timer.refused",
    Outcome.FORBIDDEN: "heat.timer.forbidden",
    Outcome.THROTTLED: "heat.timer.busy",
    Outcome.FAILED: "heat.timer.failed",
    Outcome.GONE: "heat.timer.failed",
    Outcome.DEVICE_OFFLINE: "heat.timer.offline",
    Outcome.UNREACHABLE: "heat.timer.unreachable",
}


class StartHeatHandler(TurnHandler):
    intents = ("HeatTimerIntent",)

    def __init__(self, alarm: HeatAlarm):
        self.alarm = alarm

    def act(self, turn: Turn) -> Reply:
        heat = device_heat(turn, self.alarm)
        if heat:
            return time_left(turn, heat, "heat.already_running")
        plan = plan_heat(slot_value(turn, "duration"))
        if plan is None:
            turn.expect_answer("heat_duration")
            return turn.reply().say("heat.ask_duration").ask("heat.ask_duration_reprompt")
        return screen_then_start(turn, plan, self.alarm)


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
        result = _unless_unreachable(seen, self.alarm.pause, turn, heat)
        if result.outcome is Outcome.GONE:
            return _gone(turn, heat)
        if not result.done:
            return turn.reply().say("heat.pause_failed").end()
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
        result = _unless_unreachable(seen, self.alarm.resume, turn, heat)
        if result.outcome is Outcome.GONE:
            return _gone(turn, heat)
        if not result.done:
            return turn.reply().say("heat.resume_failed").end()
        heat.resume(turn.now)
        return time_left(turn, heat, "heat.time_left").prepend("heat.resumed")


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
    result = alarm.status(turn.alarm_context(), heat.timer_id)
    if result.outcome is Outcome.GONE:
        if running:
            heat.stop(turn.now)
        return None, result.outcome
    if result.done and result.remaining is not None and (running or result.remaining > 0):
        heat.follow(turn.now, result.remaining, result.paused)
    return turn.profile.running_heat(turn.now), result.outcome


def _may_be_paused_by_voice(heat: HeatSession, now: float) -> bool:
    return heat.timer_id is not None and not heat.paused and now < heat.ends_at + PAUSE_LIMIT_SECONDS


def _unless_unreachable(seen: Outcome, operation: Callable[[AlarmContext, str | None], AlarmResult], turn: Turn,
                        heat: HeatSession) -> AlarmResult:
    """`operation` on the session's timer, unless the API just gave no answer at all: a second wait for it could
    outlast the 8 seconds Alexa allows a turn."""
    if seen is Outcome.UNREACHABLE:
        return AlarmResult(seen)
    return operation(turn.alarm_context(), heat.timer_id)


def end_heat(turn: Turn, alarm: HeatAlarm) -> AlarmResult | None:
    """Stop a running heat session now (the cool-down counts from here); None when none was running. The
    session ends skill-side whatever the device says: the heat pack is coming off."""
    heat = turn.profile.running_heat(turn.now)
    if heat is None:
        return None
    result = alarm.cancel(turn.alarm_context(), heat.timer_id)
    heat.stop(turn.now)
    return result


def screen_then_start(turn: Turn, plan: HeatPlan, alarm: HeatAlarm, answer: ConsentAnswer | None = None) -> Reply:
    """Start the session unless a screening answer, an open screening question or the cool-down stands in the way.
    `answer` is Alexa's answer to our permission request, when this follows one."""
    profile = turn.profile
    if profile.heat_contraindicated:
        turn.expect_answer("heat_clearance", _plan_arg(plan))
        return turn.reply().say("heat.not_advised_before").ask("heat.clearance_reprompt")
    if not profile.heat_screen_done:
        return ask_screening(turn, plan, intro=not profile.heat_screen)
    wait = cool_down_left(profile.heat, turn.now)
    if wait > 0:
        minutes = spoken_minutes(wait)
        return turn.reply().say("heat.cool_down" if minutes > 1 else "heat.cool_down_one", minutes=minutes).ask(
            "menu.reprompt")
    return start(turn, plan, alarm, answer)


def start(turn: Turn, plan: HeatPlan, alarm: HeatAlarm, answer: ConsentAnswer | None = None) -> Reply:
    """Set the device timer and start the session. Without the permission, ask for it once (the answer comes
    back here through `heat_permission_answers`); after an answer, never ask again in this conversation."""
    seconds = plan.minutes * 60
    context = turn.alarm_context()
    if answer is not None and not answer.accepted:
        result = AlarmResult(Outcome.NEEDS_PERMISSION)
    else:
        if answer is not None:  # Alexa just said yes; the API's answer is the real test (401 if it was not kept)
            context = context.with_permission()
        previous = turn.profile.heat.timer_id if turn.profile.heat else None
        result = alarm.start(context, seconds, replacing=previous)
    reply = turn.reply()
    if plan.capped_from and answer is None:  # after a permission prompt the user has heard this already
        reply.say("heat.capped", asked=plan.capped_from, minutes=plan.minutes)
    if result.outcome is Outcome.NEEDS_PERMISSION and answer is None:
        reply.say("heat.permission_ask")
        return ask_permission(turn, reply, consent.TIMERS, PERMISSION_PURPOSE, _plan_arg(plan))
    turn.profile.heat = HeatSession(started_at=turn.now, ends_at=turn.now + seconds, timer_id=result.timer_id)
    reply.say("heat.started" if result.done else "heat.counting", minutes=plan.minutes).say("heat.safety")
    if turn.shows_screens:
        reply.show(heat_timer_screen(turn.content, plan.minutes))
    if result.done:
        return reply.say("heat.alarm_rings").end()
    reply.say(NO_DEVICE_TIMER[result.outcome]).say("heat.no_alarm", minutes=plan.minutes)
    if result.outcome is Outcome.NEEDS_PERMISSION and answer is not None:
        send_consent_card(reply, answer, consent.TIMERS)  # declined, unanswered, or not kept (401 after a yes)
    return reply.end()


def time_left(turn: Turn, heat: HeatSession, key: str) -> Reply:
    minutes = spoken_minutes(heat.remaining(turn.now))
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


def ask_screening(turn: Turn, plan: HeatPlan, intro: bool) -> Reply:
    question = next(q for q in HEAT_SCREEN_QUESTIONS if q not in turn.profile.heat_screen)
    turn.expect_answer("heat_screen", {**_plan_arg(plan), "q": question})
    reply = turn.reply()
    if intro:
        reply.say("heat.screen_intro")
    return reply.say(f"heat.screen.{question}").ask("heat.screen_reprompt")


def _plan_arg(plan: HeatPlan) -> dict:
    return {"minutes": plan.minutes, "capped_from": plan.capped_from}


def _plan_from(arg) -> HeatPlan | None:
    if not isinstance(arg, dict) or not isinstance(arg.get("minutes"), int):
        return None
    return plan_heat(f"PT{arg.get('capped_from') or arg['minutes']}M")


def heat_answers(alarm: HeatAlarm) -> dict[str, Answer]:
    def screening(turn: Turn, yes: bool) -> Reply:
        arg, plan = turn.asked.arg, _plan_from(turn.asked.arg)
        if plan is None or arg.get("q") not in HEAT_SCREEN_QUESTIONS:
            return turn.reply().say("heat.ask_again").ask("menu.reprompt")
        turn.profile.heat_screen[arg["q"]] = yes
        if yes:
            return turn.reply().say("heat.not_advised").say("heat.alternatives").ask("menu.reprompt")
        if not turn.profile.heat_screen_done:
            return ask_screening(turn, plan, intro=False)
        return screen_then_start(turn, plan, alarm).prepend("heat.screen_clear")

    def clearance(turn: Turn, yes: bool) -> Reply:
        plan = _plan_from(turn.asked.arg)
        if not yes or plan is None:
            return turn.reply().say("heat.alternatives").ask("menu.reprompt")
        turn.profile.heat_cleared = True
        return screen_then_start(turn, plan, alarm).prepend("heat.cleared")

    def duration(turn: Turn, yes: bool) -> Reply:
        if yes:
            turn.expect_answer("heat_duration")
            return turn.reply().say("heat.ask_duration_reprompt").ask("heat.ask_duration_reprompt")
        return turn.reply().say("heat.not_started").ask("menu.reprompt")

    return {"heat_screen": screening, "heat_clearance": clearance, "heat_duration": duration}


def heat_permission_answers(alarm: HeatAlarm) -> dict[str, Continuation]:
    """Alexa's answer to our timers permission request: back through the screening path to `start` with it."""
    def heat_timer(turn: Turn, answer: ConsentAnswer) -> Reply:
        plan = _plan_from(turn.asked.arg)
        if plan is None:
            return turn.reply().say("heat.ask_again").ask("menu.reprompt")
        return screen_then_start(turn, plan, alarm, answer)

    return {PERMISSION_PURPOSE: heat_timer}
