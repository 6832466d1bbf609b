"""Starting heat therapy: screening once, safety essentials every time, capped length, cool-down between sessions.
(A running session's status, pause, resume and cancel: heat_running.py.)

The countdown itself is the alarm's (skill.timers): on an Echo a device timer through the Timers API, which
needs the user's timers permission. Without it the skill asks by voice (AskFor); whatever the answer, or if the
API fails, the session still starts skill-side ("how long is left" and the cool-down work) and the user hears
why there is no device timer and is asked to set one by hand. The plan only ever reaches `start` through
`screen_then_start`, so heat never starts unscreened, the permission's answer included.
"""

from __future__ import annotations

from skill import consent
from skill.consent import ConsentAnswer
from skill.handlers.base import Answer, TurnHandler, slot_value
from skill.handlers.consent import Continuation, ask_permission, send_consent_card
from skill.handlers.heat_running import device_heat, time_left
from skill.heat import HeatPlan, cool_down_left, plan_heat, spoken_minutes
from skill.profile import HEAT_SCREEN_QUESTIONS, HeatSession
from skill.screen import heat_timer_screen
from skill.timers import AlarmResult, HeatAlarm, Outcome
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
