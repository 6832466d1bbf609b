"""Detection on the Alexa side: every slot value of every intent is screened before any handler is chosen."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import IntentRequest

from skill.alexa.turn import Turn


class TriageInterceptor(AbstractRequestInterceptor):
    """Screens the user's words in any intent's slots, in every state, and puts the most severe finding on the Turn.

    The triage engine is imported with the first words there are to screen: a launch, "next" or "yes" carries
    none, so a cold start does not wait for it."""

    def process(self, handler_input: HandlerInput) -> None:
        words = slot_words(handler_input.request_envelope.request)
        if not words:
            return
        from skill.core.safety.triage import most_severe, triage_for
        turn = Turn.of(handler_input)
        turn.finding = most_severe(map(triage_for(turn.content.locale).classify, words))


def slot_words(request) -> list[str]:
    """The user's words in an intent request's slots: all an Echo sends of what was said."""
    if not isinstance(request, IntentRequest) or not request.intent or not request.intent.slots:
        return []
    return [slot.value for slot in request.intent.slots.values() if isinstance(getattr(slot, "value", None), str)]
