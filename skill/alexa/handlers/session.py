"""Launch, help, stop, repeat, yes/no answers and session end (the catch-all fallback is skill.alexa.safety.answers)."""

from __future__ import annotations

import functools
import logging
from typing import Mapping

from skill.alexa.handlers.base import Answer, TurnHandler, slot_id
from skill.alexa.safety.screening import slot_words
from skill.core.content import load_document
from skill.core.heat import minutes_left
from skill.core.text import words
from skill.core.routines import load_routines
from skill.core.state import Question
from skill.alexa.turn import Reply, Turn

log = logging.getLogger(__name__)


class LaunchHandler(TurnHandler):
    def accepts(self, turn: Turn) -> bool:
        return turn.request_type == "LaunchRequest"

    def act(self, turn: Turn) -> Reply:
        profile = turn.profile
        reply = turn.reply()
        if not profile.disclaimer_heard:
            profile.disclaimer_heard = True
            return reply.say("launch.first").say("disclaimer.full").say("launch.menu").ask(
                "menu.reprompt")
        if profile.unfinished:
            routine = load_routines(turn.content.locale).get(profile.unfinished["routine"])
            if routine:
                turn.expect_answer(Question.RESUME_OFFER)
                return reply.say("launch.resume_offer", routine=routine.name,
                                 number=profile.unfinished["step"] + 1).ask("launch.resume_reprompt")
            profile.unfinished = None
        return reply.say("launch.returning").ask("menu.reprompt")


# An all-right feeling ("all good", "no problems", "I'm fine": PainCheckIntent's `fine`) answers the questions where
# it can only mean one thing: no to a safety screen (nothing of the kind), yes to "ready to start?". To an offer
# ("another tip?", "carry on?") "I'm good" may just as well decline, so there it stays the check-in's "what next?".
ALL_RIGHT_MEANS = {Question.STRETCH_SCREEN: False, Question.HEAT_SCREEN: False, Question.HEAT_CHECK: False,
                   Question.READY_TO_BEGIN: True}
# A safety screen answered yes with the sign said after it ("yes, I'm diabetic", "yeah, a bit of numbness"): on an Echo
# the sign's words make it a symptom report, the yes first in its slot. Triage has already read the sign (TriageHandler
# acts first on any finding); with none, the yes still answers the screen, never dropped for "no red flag".
SAFETY_SCREENS = frozenset(question for question, all_right in ALL_RIGHT_MEANS.items() if all_right is False)
SYMPTOM_INTENT = "SymptomReportIntent"


class AnswerHandler(TurnHandler):
    """Yes and No go to whatever the last response asked; "next" also means yes to another tip, and an all-right
    feeling answers the questions in ALL_RIGHT_MEANS."""

    def __init__(self, answers: Mapping[Question, Answer]):
        self.answers = answers

    def accepts(self, turn: Turn) -> bool:
        if turn.asked is None or turn.asked.id not in self.answers:
            return False
        return turn.intent in ("AMAZON.YesIntent", "AMAZON.NoIntent") or (
            turn.intent == "AMAZON.NextIntent" and turn.asked.id is Question.ANOTHER_TIP) or (
            self._all_right(turn) and turn.asked.id in ALL_RIGHT_MEANS) or (
            turn.asked.id in SAFETY_SCREENS and _yes_with_a_sign(turn))

    def act(self, turn: Turn) -> Reply:
        if self._all_right(turn):
            return self.answers[turn.asked.id](turn, ALL_RIGHT_MEANS[turn.asked.id])
        return self.answers[turn.asked.id](turn, turn.intent != "AMAZON.NoIntent")

    @staticmethod
    def _all_right(turn: Turn) -> bool:
        return turn.intent == "PainCheckIntent" and slot_id(turn, "feeling") == "fine"


def _yes_with_a_sign(turn: Turn) -> bool:
    """A symptom report whose words open with a yes (the triage rules' own yes words, red_flags.json's
    question_answers)."""
    if turn.intent != SYMPTOM_INTENT:
        return False
    yes_words = _yes_words(turn.content.locale)
    for said in map(words, slot_words(turn.handler_input.request_envelope.request)):
        if any(len(said) > len(yes) and said[:len(yes)] == yes for yes in yes_words):
            return True
    return False


@functools.cache
def _yes_words(locale: str) -> tuple[tuple[str, ...], ...]:
    """The rules' yes phrases as words, read once per locale."""
    phrases = load_document(locale, "red_flags").get("question_answers", {}).get("yes", ())
    return tuple(found for found in map(words, phrases) if found)


class HelpHandler(TurnHandler):
    intents = ("AMAZON.HelpIntent",)

    def act(self, turn: Turn) -> Reply:
        if turn.conversation.routine:
            return turn.reply().say("help.routine").ask("stretch.check_in_reprompt")
        if turn.asked:
            turn.expect_answer(turn.asked.id, turn.asked.arg)  # help should not lose the question we are waiting on
            return turn.reply().say("help.question").ask("help.question")
        return turn.reply().say("help.general").ask("menu.reprompt")


class StopHandler(TurnHandler):
    intents = ("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent")

    def act(self, turn: Turn) -> Reply:
        reply = turn.reply()
        if turn.conversation.routine:
            turn.update(routine=None)
            reply.say("goodbye.routine_saved")
        heat = turn.profile.running_heat(turn.now)
        if heat:
            reply.say("goodbye.heat_running", minutes=minutes_left(heat.remaining(turn.now)))
        return reply.say("goodbye").end()


class RepeatHandler(TurnHandler):
    """Repeat outside a routine: the last answer again, kept in the session as an SSML string."""

    intents = ("AMAZON.RepeatIntent",)

    def act(self, turn: Turn) -> Reply:
        return turn.reply().say("repeat.nothing").ask("menu.reprompt")

    def handle(self, handler_input):
        turn = Turn.of(handler_input)
        if not turn.conversation.last_speech:
            return super().handle(handler_input)
        builder = handler_input.response_builder.speak(turn.conversation.last_speech)
        if turn.conversation.last_reprompt:
            builder.ask(turn.conversation.last_reprompt)
        if turn.asked:
            turn.expect_answer(turn.asked.id, turn.asked.arg)
        return builder.response


class SessionEndedHandler(TurnHandler):
    """Alexa closed the session (silence, error or the user left): nothing can be said. Progress is already saved."""

    def accepts(self, turn: Turn) -> bool:
        return turn.request_type == "SessionEndedRequest"

    def handle(self, handler_input):
        request = handler_input.request_envelope.request
        log.info("session ended: %s", getattr(getattr(request, "reason", None), "value", None))
        return handler_input.response_builder.response
