"""The shape every Spine Coach handler shares: decide from the Turn, act on it, reply; and what every reply goes
through on its way out (`respond`)."""

from __future__ import annotations

from typing import Callable

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import IntentRequest, Response

from skill.alexa.dialog import elicit_slot_directive, waiting_on
from skill.alexa.turn import URGENT_TIERS, Reply, Turn

# A yes/no answer to a question the skill asked: (turn, answered_yes) -> reply.
Answer = Callable[[Turn, bool], Reply]


class TurnHandler(AbstractRequestHandler):
    """Handles the intents in `intents`; subclasses refine `accepts` when the conversation's state matters."""

    intents: tuple[str, ...] = ()

    def accepts(self, turn: Turn) -> bool:
        return turn.intent in self.intents

    def act(self, turn: Turn) -> Reply:
        raise NotImplementedError

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return self.accepts(Turn.of(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = Turn.of(handler_input)
        return respond(turn, self.act(turn))


def respond(turn: Turn, reply: Reply) -> Response:
    """The response for `reply`, after the rules every answer follows, whichever handler built it. Here rather than
    in a response interceptor because they work on the reply's parts, before they become SSML.

    - A warning sign's answer is for the ears: nothing on screen may compete with it.
    - A first-ever one-shot request hears the short disclaimer: before the answer, or after it when the answer
      names the emergency number first (a safety net, a symptom's answer); never with a warning sign's answer.
    - A reply that waits on a slot (a number of minutes, a time, how a stretch felt) tells Alexa so
      (skill/alexa/dialog.py). Alexa accepts a dialog directive only in answer to an intent and only alone: a
      stretch's screen on an Echo Show matters more to someone on the floor, so that reply goes without it."""
    if turn.triage in URGENT_TIERS:
        reply.screen = None
    elif turn.new_session and turn.request_type == "IntentRequest" and not turn.profile.disclaimer_heard:
        if reply.names_the_number_first:
            reply.say("disclaimer.short")
        else:
            reply.prepend("disclaimer.short")
        turn.profile.disclaimer_heard = True
    waiting = waiting_on(turn.conversation)
    if waiting is not None and reply.end_session is False and turn.request_type == "IntentRequest" \
            and not reply.directives and not (reply.screen is not None and turn.shows_screens):
        reply.directive(elicit_slot_directive(waiting))
    return reply.build(turn.handler_input)


def slot_value(turn: Turn, name: str) -> str | None:
    slot = _slot(turn, name)
    value = getattr(slot, "value", None)
    return value.strip() or None if isinstance(value, str) else None


def slot_id(turn: Turn, name: str) -> str | None:
    """The entity-resolution id of a custom slot value, when Alexa matched one."""
    slot = _slot(turn, name)
    try:
        authority = slot.resolutions.resolutions_per_authority[0]
        if authority.status.code.value == "ER_SUCCESS_MATCH":
            return authority.values[0].value.id
    except (AttributeError, IndexError, TypeError):
        pass
    return None


def _slot(turn: Turn, name: str):
    request = turn.handler_input.request_envelope.request
    if isinstance(request, IntentRequest) and request.intent and request.intent.slots:
        return request.intent.slots.get(name)
    return None
