"""The shape every Spine Coach handler shares: decide from the Turn, act on it, reply."""

from __future__ import annotations

from typing import Callable

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import IntentRequest, Response

from skill.alexa.turn import Reply, Turn

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
        return turn.respond(self.act(turn))


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
