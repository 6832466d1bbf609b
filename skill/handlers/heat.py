"""Heat-therapy timer: screening once, safety essentials every time, capped length, cool-down between sessions."""

from __future__ import annotations

from skill.handlers.base import Answer, TurnHandler, slot_value
from skill.heat import HeatPlan, cool_down_left, plan_heat, spoken_minutes
from skill.profile import HEAT_SCREEN_QUESTIONS, HeatSession
from skill.timers import HeatAlarm
from skill.turn import Reply, Turn


class StartHeatHandler(TurnHandler):
    intents = ("HeatTimerIntent",)

    def __init__(self, alarm: HeatAlarm):
        self.alarm = alarm

    def act(self, turn: Turn) -> Reply:
        heat = turn.profile.running_heat(turn.now)
        if heat:
            return time_left(turn, heat, "heat.already_running")
        plan = plan_heat(slot_value(turn, "duration"))
        if plan is None:
            turn.expect_answer("heat_duration")
            return turn.reply().say("heat.ask_duration").ask("heat.ask_duration_reprompt")
        return screen_then_start(turn, plan, self.alarm)


class HeatStatusHandler(TurnHandler):
    intents = ("HeatStatusIntent",)

    def act(self, turn: Turn) -> Reply:
        heat = turn.profile.running_heat(turn.now)
        if heat:
            return time_left(turn, heat, "heat.time_left")
        return turn.reply().say("heat.none_running").ask("menu.reprompt")


class CancelHeatHandler(TurnHandler):
    intents = ("CancelHeatIntent",)

    def __init__(self, alarm: HeatAlarm):
        self.alarm = alarm

    def act(self, turn: Turn) -> Reply:
        if not end_heat(turn, self.alarm):
            return turn.reply().say("heat.none_running").ask("menu.reprompt")
        return turn.reply().say("heat.cancelled").say("heat.skin_check").end()


def end_heat(turn: Turn, alarm: HeatAlarm) -> bool:
    """Stop a running heat session now (the cool-down counts from here); False when none was running."""
    heat = turn.profile.running_heat(turn.now)
    if heat is None:
        return False
    alarm.cancel(turn.alarm_context())
    heat.ends_at = turn.now
    return True


def screen_then_start(turn: Turn, plan: HeatPlan, alarm: HeatAlarm) -> Reply:
    """Start the session unless a screening answer, an open screening question or the cool-down stands in the way."""
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
    return start(turn, plan, alarm)


def start(turn: Turn, plan: HeatPlan, alarm: HeatAlarm) -> Reply:
    seconds = plan.minutes * 60
    alarm.start(turn.alarm_context(), seconds)
    turn.profile.heat = HeatSession(started_at=turn.now, ends_at=turn.now + seconds)
    reply = turn.reply()
    if plan.capped_from:
        reply.say("heat.capped", asked=plan.capped_from, minutes=plan.minutes)
    reply.say("heat.started", minutes=plan.minutes).say("heat.safety")
    return reply.say("heat.alarm_rings" if alarm.rings else "heat.no_alarm", minutes=plan.minutes).end()


def time_left(turn: Turn, heat: HeatSession, key: str) -> Reply:
    minutes = spoken_minutes(heat.remaining(turn.now))
    return turn.reply().say(key if minutes > 1 else f"{key}_one", minutes=minutes).end()


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
