"""The answer policy: what the skill says for each red-flag tier, for a symptom that raised none, and when it did
not catch what was said (the safety net).

- Emergency and urgent answers are built from the content alone, first; stopping a routine, ending heat and
  saving are attempted afterwards and may fail (a corrupt store, a slow Timers API) without touching the answer.
- A "soon" finding inside another intent's words ("it's getting worse" as a pain check-in) lets that intent's own
  handler answer, then adds the appointment advice: the handler may carry more specific advice.
- Every "didn't catch that" names the emergency number in its first sentence, then repeats what the skill was
  waiting for: on an Echo a sentence Alexa could not place arrives with none of its words.

Each tier has one fixed wording (no random variants) so a clinical reviewer sees exactly what is said.
"""

from __future__ import annotations

import logging
from typing import Callable, Sequence

from skill.alexa.handlers.base import Answer, TurnHandler
from skill.alexa.handlers.heat_running import alarm_context, end_heat
from skill.alexa.safety.screening import slot_words
from skill.core.speech import Say, parse_ssml
from skill.core.state import Question
from skill.core.alarm import ANY_HEAT_TIMER, HeatAlarm
from skill.alexa.turn import Reply, Turn

log = logging.getLogger(__name__)

SYMPTOM_INTENT = "SymptomReportIntent"
# What a routine waits for when it is not waiting for a pain check-in (fallback.routine covers that).
ROUTINE_WAITING_FOR = {"paused": "stretch.paused_reprompt", "ready": "stretch.ready_reprompt"}


class TriageHandler(TurnHandler):
    """First in the chain after skill events: acts on the finding the TriageInterceptor put on the Turn."""

    def __init__(self, alarm: HeatAlarm, others: Sequence[TurnHandler] = ()):
        self.alarm = alarm
        self.others = tuple(others)  # the rest of the chain, for a "soon" finding another intent answers

    def accepts(self, turn: Turn) -> bool:
        return turn.finding is not None

    def act(self, turn: Turn) -> Reply:
        finding = turn.finding
        if finding.tier == "clarify":
            if turn.intent == "PainCheckIntent":
                stop_routine(turn)  # new symptoms during a stretch mean stop it (clinical-facts 3A)
            return ask_clarifying(turn, finding.question, finding.escalate_to, finding.otherwise, finding.sign)
        if finding.tier == "soon" and turn.intent != SYMPTOM_INTENT:
            own = self._intent_handler(turn)
            if own is not None:
                turn.triage = "soon"
                return own.act(turn).say("triage.soon_also")
        return answer_tier(turn, finding.tier, self.alarm)

    def _intent_handler(self, turn: Turn) -> TurnHandler | None:
        return next((handler for handler in self.others
                     if type(handler).handle is TurnHandler.handle and handler.accepts(turn)), None)


def answer_tier(turn: Turn, tier: str, alarm: HeatAlarm) -> Reply:
    """Speak the advice for `tier`: emergency number first and the session ends; urgent stops any routine."""
    turn.triage = tier
    reply = turn.reply()
    if tier == "emergency":
        reply.say("triage.emergency").end()
        stop_routine(turn)  # itself best effort where it needs the store
        if not best_effort("end the heat session", end_heat, turn, alarm) or turn.stored_profile.lost:
            # The stored session (and the device timer's id) could not be read, or the store had lost it (a damaged
            # row, a corrupt file replaced): cancel by the timer's label.
            best_effort("cancel the device's heat timer", alarm.cancel, alarm_context(turn), ANY_HEAT_TIMER)
        return reply
    if tier == "urgent":
        routine_running = turn.conversation.routine is not None
        reply.say("triage.urgent_stop_stretches" if routine_running else "triage.urgent").ask("triage.urgent_reprompt")
        stop_routine(turn)
        return reply
    reply.say("triage.soon")
    if turn.conversation.routine:
        return reply.say("stretch.carry_on").ask("stretch.check_in_reprompt")
    return reply.ask("menu.reprompt")


def best_effort(what: str, action: Callable, *args) -> bool:
    """Run a side effect of a warning sign's answer; a failure is logged (no user words) and the answer stands.
    True when it ran without raising."""
    try:
        action(*args)
    except Exception:  # noqa: BLE001 - nothing may silence the emergency answer
        log.exception("could not %s after a warning sign's answer", what)
        return False
    return True


def ask_clarifying(turn: Turn, question: str, escalate_to: str, otherwise: str | None = None,
                   asked_by: str | None = None) -> Reply:
    """One yes/no question: "yes" leads to `escalate_to`; "no" to `otherwise` when what was said already reaches
    a tier by itself (a weak foot is same-day whichever legs), else to "tell me if that changes". `asked_by` (the
    rule's id) says which answers in words it accepts ("both", "just the one leg": ClarifyAnswerHandler)."""
    turn.triage = "clarify"
    turn.expect_answer(Question.CLARIFY, {"to": escalate_to, **({"no": otherwise} if otherwise else {}),
                                          **({"by": asked_by} if asked_by else {})})
    reply = turn.reply()
    if escalate_to == "emergency":  # while we ask, the way to help comes first (clinical-facts 1D: if unsure, call)
        reply.say("triage.clarify_lead")
    reply.say_text(question).ask("triage.clarify_reprompt_either" if offers_choices(question)
                                 else "triage.clarify_reprompt")
    reply.reprompt.insert(0, Say(question))  # the reprompt asks the question again, then says how to answer
    return reply


def offers_choices(question: str) -> bool:
    """Whether a clarifying question names alternatives ("Is it in both legs, or around your bottom?"): "just say
    yes or no" makes no sense after it, so its reprompt says what yes and no mean."""
    return ", or " in question


def stop_routine(turn: Turn) -> None:
    """End any routine without offering to resume it: after a warning sign it should not pick up by itself.

    The routine ends in the conversation whatever the store does; forgetting the resume offer needs the profile,
    and a store that cannot be read must not turn the stop (and the safety answer it comes with) into an apology."""
    turn.update(routine=None)
    best_effort("forget the unfinished routine", _forget_unfinished, turn)


def _forget_unfinished(turn: Turn) -> None:
    if turn.profile.unfinished:
        turn.profile.unfinished = None


class SymptomReportHandler(TurnHandler):
    """Symptoms in the user's words that raised no red flag: say so plainly, and offer the warning signs."""

    intents = (SYMPTOM_INTENT,)

    def act(self, turn: Turn) -> Reply:
        return no_red_flag(turn)


def no_red_flag(turn: Turn) -> Reply:
    """A symptom no rule placed: the way to help first (the rules may have missed it), then the warning signs."""
    turn.expect_answer(Question.MORE_SIGNS, "emergency")
    reply = turn.reply().say("symptom.no_red_flag")
    if turn.conversation.routine:
        reply.say("stretch.carry_on")
    return reply.say("symptom.offer_signs").ask("symptom.offer_signs")


class FallbackHandler(TurnHandler):
    """Last in the chain: unmatched intents, unknown intents and request types the skill does not use."""

    def accepts(self, turn: Turn) -> bool:
        return True

    def act(self, turn: Turn) -> Reply:
        if turn.request_type not in ("IntentRequest", "LaunchRequest"):
            return turn.reply()  # e.g. System.ExceptionEncountered: no speech is allowed
        return not_caught(turn)


def not_caught(turn: Turn, waiting_for: str | None = None) -> Reply:
    """The safety net: the emergency number in the first sentence, then what the skill was waiting for.

    `waiting_for` names a content key for the guidance when the caller knows it (an unclear pain check-in)."""
    reply = turn.reply().say("fallback.safety_net")
    if turn.asked:
        turn.expect_answer(turn.asked.id, turn.asked.arg)  # the question is still open
        reply.parts.extend(parse_ssml(turn.conversation.last_reprompt) or [Say(turn.content.say("help.question"))])
        return reply.ask("help.question")
    routine = turn.conversation.routine
    if waiting_for is None and routine is not None and routine.status in ROUTINE_WAITING_FOR:
        guidance = ROUTINE_WAITING_FOR[routine.status]  # paused: resume; before the first stretch: next
        return reply.say(guidance).ask(guidance)
    if waiting_for is not None or routine is not None:
        return reply.say(waiting_for or "fallback.routine").ask("stretch.check_in_reprompt")
    if _heat_running(turn):
        return reply.say("fallback.heat").ask("fallback.heat")
    return reply.say("fallback.general").ask("menu.reprompt")


def _heat_running(turn: Turn) -> bool:
    try:
        return turn.profile.running_heat(turn.now) is not None
    except Exception:  # noqa: BLE001 - a broken store must not stop the safety net being said
        log.exception("could not read the profile for the fallback")
        return False


def safety_answers(alarm: HeatAlarm) -> dict[Question, Answer]:
    return {Question.CLARIFY: lambda turn, yes: answer_clarifying(turn, yes, alarm)}


def answer_clarifying(turn: Turn, yes: bool, alarm: HeatAlarm) -> Reply:
    if yes:
        return answer_tier(turn, _escalation(turn.asked.arg), alarm)
    otherwise = turn.asked.arg.get("no") if isinstance(turn.asked.arg, dict) else None
    if otherwise in ("urgent", "soon"):
        return answer_tier(turn, otherwise, alarm)
    reply = turn.reply().say("triage.clarify_no")
    if turn.conversation.routine:
        return reply.say("stretch.carry_on").ask("stretch.check_in_reprompt")
    return reply.ask("menu.reprompt")


class ClarifyAnswerHandler(TurnHandler):
    """While a clarifying question is open, any answer but a plain yes or no (and stop, cancel, help): its words
    read as one of the question's choices ("both", "just the one leg"), else the safety net and the question again.

    A question about a warning sign is never dropped for another intent: on an Echo "both" to "Is it in both legs,
    or around your bottom?" arrives as a symptom's slot, and "just my left leg" may arrive as any intent at all.
    Words that raise a tier themselves ("numb between my legs") were answered before this, by TriageHandler."""

    PASSED_ON = ("AMAZON.YesIntent", "AMAZON.NoIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent",
                 "AMAZON.HelpIntent", "AMAZON.RepeatIntent")

    def __init__(self, alarm: HeatAlarm):
        self.alarm = alarm

    def accepts(self, turn: Turn) -> bool:
        return (turn.request_type == "IntentRequest" and turn.asked is not None
                and turn.asked.id is Question.CLARIFY and turn.intent not in self.PASSED_ON)

    def act(self, turn: Turn) -> Reply:
        from skill.core.safety.clarify_answers import clarify_answers
        asked_by = turn.asked.arg.get("by") if isinstance(turn.asked.arg, dict) else None
        words = slot_words(turn.handler_input.request_envelope.request)
        answer = clarify_answers(turn.content.locale).read(asked_by, words)
        if answer is None:
            return not_caught(turn)
        return answer_clarifying(turn, answer, self.alarm)


def _escalation(arg) -> str:
    """The tier a clarifying "yes" leads to; emergency when the stored question is damaged (err on the safe side)."""
    tier = arg.get("to") if isinstance(arg, dict) else None
    return tier if tier in ("emergency", "urgent", "soon") else "emergency"

