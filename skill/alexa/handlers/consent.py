"""Asking Alexa for a permission mid-conversation, and carrying on when the answer comes back.

The request that needs a permission remembers what it was doing as the conversation's open question (a permission
Question, e.g. HEAT_TIMER_PERMISSION), sends AskFor with its value as the token, and leaves the session to Alexa.
Alexa's answer arrives as a Connections.Response; the purpose's continuation finishes the job or falls back.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from skill.alexa.consent import ASK_FOR, ConsentAnswer, ask_for, consent_card
from skill.alexa.handlers.base import TurnHandler
from skill.core.state import Question
from skill.alexa.turn import Reply, Turn

# What a purpose does with Alexa's answer: (turn, answer) -> reply. The pending details are in turn.asked.arg.
Continuation = Callable[[Turn, ConsentAnswer], Reply]


def ask_permission(turn: Turn, reply: Reply, scope: str, purpose: Question, arg: Any = None) -> Reply:
    """`reply` (what the skill says first, in its own words) followed by Alexa's permission prompt."""
    turn.expect_answer(purpose, arg)
    reply.directive(ask_for(scope, purpose.value))
    reply.end_session = None  # Alexa runs the permission dialog, then resumes the session with its answer
    reply.reprompt = None
    return reply


def send_consent_card(reply: Reply, answer: ConsentAnswer, scope: str) -> Reply:
    """The card in the Alexa app that grants `scope`, unless Alexa already sent one with its own prompt."""
    return reply if answer.card_sent else reply.with_card(consent_card(scope))


class ConsentResponseHandler(TurnHandler):
    def __init__(self, continuations: Mapping[Question, Continuation]):
        self.continuations = continuations

    def accepts(self, turn: Turn) -> bool:
        return (turn.request_type == "Connections.Response"
                and getattr(turn.handler_input.request_envelope.request, "name", None) == ASK_FOR)

    def act(self, turn: Turn) -> Reply:
        answer = ConsentAnswer.of(turn.handler_input.request_envelope.request)
        continuation = self.continuations.get(answer.token)
        if continuation is None or turn.asked is None or turn.asked.id != answer.token:
            # The answer to a question this conversation no longer has open: say what is possible instead.
            return turn.reply().say("consent.nothing_waiting").ask("menu.reprompt")
        return continuation(turn, answer)
