"""Red-flag answers. The TriageInterceptor finds them; this handler, first in the chain, acts on them.

Each tier has one fixed wording (no random variants) so a clinical reviewer sees exactly what is said.
"""

from __future__ import annotations

from skill.handlers.base import Answer, TurnHandler
from skill.handlers.heat_running import end_heat
from skill.timers import HeatAlarm
from skill.turn import Reply, Turn


class TriageHandler(TurnHandler):
    def __init__(self, alarm: HeatAlarm):
        self.alarm = alarm

    def accepts(self, turn: Turn) -> bool:
        # A "soon" finding inside another intent's words lets that intent's handler answer (it may carry more
        # specific safety advice, like the centralisation rule); Turn.respond adds the appointment advice.
        finding = turn.finding
        return finding is not None and (finding.tier != "soon" or turn.intent == "SymptomReportIntent")

    def act(self, turn: Turn) -> Reply:
        finding = turn.finding
        if turn.intent == "PainCheckIntent":
            stop_routine(turn)  # new symptoms during a stretch mean stop it (clinical-facts 3A)
        if finding.tier == "clarify":
            return ask_clarifying(turn, finding.question, finding.escalate_to)
        return answer_tier(turn, finding.tier, self.alarm)


def answer_tier(turn: Turn, tier: str, alarm: HeatAlarm) -> Reply:
    """Speak the advice for `tier`: emergency number first and the session ends; urgent stops any routine."""
    turn.triage = tier
    reply = turn.reply()
    if tier == "emergency":
        stop_routine(turn)
        end_heat(turn, alarm)
        return reply.say("triage.emergency").end()
    if tier == "urgent":
        stop_routine(turn)
        return reply.say("triage.urgent").ask("triage.urgent_reprompt")
    reply.say("triage.soon")
    if turn.conversation.routine:
        return reply.say("stretch.carry_on").ask("stretch.check_in_reprompt")
    return reply.ask("menu.reprompt")


def ask_clarifying(turn: Turn, question: str, escalate_to: str) -> Reply:
    turn.triage = "clarify"
    turn.expect_answer("clarify", {"to": escalate_to})
    return turn.reply().say_text(question).ask("triage.clarify_reprompt")


def stop_routine(turn: Turn) -> None:
    """End any routine without offering to resume it: after a warning sign it should not pick up by itself."""
    turn.update(routine=None)
    if turn.profile.unfinished:
        turn.profile.unfinished = None


def safety_answers(alarm: HeatAlarm) -> dict[str, Answer]:
    def clarify(turn: Turn, yes: bool) -> Reply:
        if yes:
            return answer_tier(turn, _escalation(turn.asked.arg), alarm)
        reply = turn.reply().say("triage.clarify_no")
        if turn.conversation.routine:
            return reply.say("stretch.carry_on").ask("stretch.check_in_reprompt")
        return reply.ask("menu.reprompt")

    return {"clarify": clarify}


def _escalation(arg) -> str:
    """The tier a clarifying "yes" leads to; emergency when the stored question is damaged (err on the safe side)."""
    tier = arg.get("to") if isinstance(arg, dict) else None
    return tier if tier in ("emergency", "urgent", "soon") else "emergency"
