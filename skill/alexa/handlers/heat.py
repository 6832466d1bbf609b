"""Starting heat therapy: a screening every session, safety essentials every time, capped length, cool-down between
sessions. (A running session's status, pause, resume and cancel: heat_running.py.)

Why it is built this way: README.md, "Design notes".
"""

from __future__ import annotations

from skill.alexa import consent
from skill.alexa.consent import ConsentAnswer
from skill.alexa.handlers.base import Answer, TurnHandler, slot_id, slot_value
from skill.alexa.handlers.consent import Continuation, ask_permission, send_consent_card
from skill.alexa.handlers.heat_running import alarm_context, device_heat, time_left
from skill.core.heat import (HEAT_SCREEN, HEAT_SCREEN_QUESTIONS, MAX_MINUTES, HeatPlan, IfYes, cool_down_left,
                             cut_short, duration_phrase, heated_minutes, plan_heat, short_session, spoken_minutes)
from skill.core.profile import HeatSession
from skill.core.state import Question
from skill.alexa.screen import heat_timer_screen
from skill.core.alarm import AlarmResult, HeatAlarm, Outcome
from skill.alexa.turn import Reply, Turn

FULL, CHECK = "full", "check"  # how this session was screened: the four questions, or the short combined one

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
        plan = plan_heat(_asked_duration(turn))
        if plan is None:
            turn.expect_answer(Question.HEAT_DURATION)
            return turn.reply().say("heat.ask_duration").ask("heat.ask_duration_reprompt")
        return screen_then_start(turn, plan, self.alarm)


def _asked_duration(turn: Turn) -> str | None:
    """The duration asked for; a bare number of minutes (the answer to "How many minutes ...?", which Alexa fills
    into the `minutes` slot) as one, and "?" (asked again) when that is no whole number."""
    duration, minutes = slot_value(turn, "duration"), slot_value(turn, "minutes")
    if duration is None and minutes is None and slot_id(turn, "length") == "longest":  # "max", "the most I can"
        return f"PT{MAX_MINUTES}M"
    if duration is None and minutes is not None:
        return f"PT{minutes}M" if minutes.isdigit() else "?"
    return duration


def screen_then_start(turn: Turn, plan: HeatPlan, alarm: HeatAlarm, answer: ConsentAnswer | None = None,
                      screened: str | None = None) -> Reply:
    """Start the session unless the cool-down or this session's screening stands in the way (the cool-down first:
    no questions for a session that cannot start). `screened` is how this session was screened (FULL or CHECK),
    None before it was; `answer` is Alexa's answer to our permission request, when this follows one."""
    last = turn.profile.heat
    wait = cool_down_left(last, turn.now)
    if wait > 0:
        left = _duration(turn, spoken_minutes(wait))
        if cut_short(last):  # a session cut short needs less rest
            reply = turn.reply().say("heat.cool_down_short", heated=_duration(turn, heated_minutes(last)), wait=left)
        else:
            reply = turn.reply().say("heat.cool_down", wait=left)
        return reply.ask("menu.reprompt")
    if screened is None:
        if turn.profile.heat_screened_on is None:
            reply = ask_screening(turn, plan, 0, lead="heat.screen_intro")
        else:
            turn.expect_answer(Question.HEAT_CHECK, _plan_arg(plan))
            reply = turn.reply().say("heat.check").ask("heat.check_reprompt")
        if short_session(last, turn.now):  # they may have heard "two hours": say why heat can start already
            reply.prepend("heat.short_session_ok", heated=_duration(turn, heated_minutes(last)))
        return reply
    return start(turn, plan, alarm, answer, first_time=screened == FULL)


def _duration(turn: Turn, minutes: int) -> str:
    key, slots = duration_phrase(minutes)
    return turn.content.say(key, **slots)


def start(turn: Turn, plan: HeatPlan, alarm: HeatAlarm, answer: ConsentAnswer | None = None,
          first_time: bool = False) -> Reply:
    """Set the device timer and start the session. Without the permission, ask for it once (the answer comes
    back here through `heat_permission_answers`); after an answer, never ask again in this conversation."""
    seconds = plan.minutes * 60
    context = alarm_context(turn)
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
        if not plan.capped_from:  # the length is heard before Alexa's own prompt (the cap's sentence already says it)
            reply.say("heat.planned", minutes=plan.minutes)
        reply.say("heat.permission_ask")
        return ask_permission(turn, reply, consent.TIMERS, Question.HEAT_TIMER_PERMISSION,
                              _plan_arg(plan, FULL if first_time else CHECK))
    turn.profile.heat = HeatSession(started_at=turn.now, ends_at=turn.now + seconds, timer_id=result.timer_id)
    turn.profile.record_heat_started(turn.today)  # once per session: the permission prompt above starts nothing
    reply.say("heat.started" if result.done else "heat.counting", minutes=plan.minutes).say("heat.safety")
    if first_time:  # the essentials every time, kept short; the fuller checklist after the full screening only
        reply.say("heat.safety_first_time")
    if turn.shows_screens:
        reply.show(heat_timer_screen(turn.content, plan.minutes))
    if result.done:
        return reply.say("heat.alarm_rings").end()
    reply.say(NO_DEVICE_TIMER[result.outcome]).say("heat.no_alarm", minutes=plan.minutes)
    if result.outcome is Outcome.NEEDS_PERMISSION and answer is not None:
        send_consent_card(reply, answer, consent.TIMERS)  # declined, unanswered, or not kept (401 after a yes)
    return reply.end()


def ask_screening(turn: Turn, plan: HeatPlan, index: int, lead: str | None = None) -> Reply:
    """Question `index` of the heat screening; each reprompt names that group's items again."""
    question = HEAT_SCREEN_QUESTIONS[index]
    turn.expect_answer(Question.HEAT_SCREEN, {**_plan_arg(plan), "q": question})
    reply = turn.reply()
    if lead:
        reply.say(lead)
    return reply.say(f"heat.screen.{question}").ask(f"heat.screen_reprompt.{question}")


def _plan_arg(plan: HeatPlan, screened: str | None = None) -> dict:
    arg = {"minutes": plan.minutes, "capped_from": plan.capped_from}
    return {**arg, "screened": screened} if screened else arg


def _screened(arg) -> str | None:
    screened = arg.get("screened") if isinstance(arg, dict) else None
    return screened if screened in (FULL, CHECK) else None


def _question(arg) -> str | None:
    question = arg.get("q") if isinstance(arg, dict) else None
    return question if question in HEAT_SCREEN else None


def _plan_from(arg) -> HeatPlan | None:
    if not isinstance(arg, dict) or not isinstance(arg.get("minutes"), int):
        return None
    return plan_heat(f"PT{arg.get('capped_from') or arg['minutes']}M")


def heat_answers(alarm: HeatAlarm) -> dict[Question, Answer]:
    def after(turn: Turn, plan: HeatPlan, question: str, lead: str | None = None) -> Reply:
        """The next screening question; after the last, the screening counts as heard and the session starts."""
        index = HEAT_SCREEN_QUESTIONS.index(question) + 1
        if index < len(HEAT_SCREEN_QUESTIONS):
            return ask_screening(turn, plan, index, lead)
        turn.profile.heat_screened_on = turn.today.isoformat()
        reply = screen_then_start(turn, plan, alarm, screened=FULL).prepend("heat.screen_clear")
        return reply.prepend(lead) if lead else reply

    def screening(turn: Turn, yes: bool) -> Reply:
        plan, question = _plan_from(turn.asked.arg), _question(turn.asked.arg)
        if plan is None or question is None:
            return turn.reply().say("heat.ask_again").ask("menu.reprompt")
        if not yes:
            return after(turn, plan, question)
        if HEAT_SCREEN[question] is IfYes.CHECK_FIRST:
            turn.expect_answer(Question.HEAT_CLEARANCE, {**_plan_arg(plan), "q": question})
            return turn.reply().say("heat.not_advised").say("heat.clearance_question").ask("heat.clearance_reprompt")
        if HEAT_SCREEN[question] is IfYes.COLD_INSTEAD:
            return turn.reply().say("heat.cold_instead").say("heat.instead").ask("menu.reprompt")
        return turn.reply().say("heat.not_now").say("heat.instead").ask("menu.reprompt")

    def clearance(turn: Turn, yes: bool) -> Reply:
        """A professional has said heat is fine despite a yes: carry on with the screening (nothing is stored)."""
        plan, question = _plan_from(turn.asked.arg), _question(turn.asked.arg)
        if not yes:
            return turn.reply().say("heat.alternatives").say("heat.instead").ask("menu.reprompt")
        if plan is None or question is None:
            return turn.reply().say("heat.ask_again").ask("menu.reprompt")
        return after(turn, plan, question, lead="heat.cleared")

    def check(turn: Turn, yes: bool) -> Reply:
        """A later session's one question: no starts the heat, yes goes through the four questions again."""
        plan = _plan_from(turn.asked.arg)
        if plan is None:
            return turn.reply().say("heat.ask_again").ask("menu.reprompt")
        if yes:
            return ask_screening(turn, plan, 0, lead="heat.check_changed")
        return screen_then_start(turn, plan, alarm, screened=CHECK)

    def duration(turn: Turn, yes: bool) -> Reply:
        if yes:
            turn.expect_answer(Question.HEAT_DURATION)
            return turn.reply().say("heat.ask_duration_reprompt").ask("heat.ask_duration_reprompt")
        return turn.reply().say("heat.not_started").ask("menu.reprompt")

    return {Question.HEAT_SCREEN: screening, Question.HEAT_CLEARANCE: clearance, Question.HEAT_CHECK: check,
            Question.HEAT_DURATION: duration}


def heat_permission_answers(alarm: HeatAlarm) -> dict[Question, Continuation]:
    """Alexa's answer to our timers permission request: back through the screening path to `start` with it."""
    def heat_timer(turn: Turn, answer: ConsentAnswer) -> Reply:
        plan = _plan_from(turn.asked.arg)
        if plan is None:
            return turn.reply().say("heat.ask_again").ask("menu.reprompt")
        return screen_then_start(turn, plan, alarm, answer, screened=_screened(turn.asked.arg))

    return {Question.HEAT_TIMER_PERMISSION: heat_timer}
