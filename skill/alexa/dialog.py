"""Telling Alexa which slot the skill is waiting on, so a short answer ("fifteen", "half seven", "fine") is heard as it.

Alexa knows nothing of a question the skill asks unless the response says so: without a hint, "fifteen" after "How
many minutes would you like?" is an utterance like any other, and no intent's samples hold a bare number. So when the
open question waits on a slot, the response carries Dialog.ElicitSlot naming the intent and slot; Alexa then reads
the next utterance against that slot's own samples (the `samples` of the slot in the interaction model, with the
dialog model that declares it) and sends that intent with the slot filled. A yes/no question needs no hint: Alexa's
YesIntent and NoIntent are always listening.

The offline runner reads the same directive from the response (`elicited_in`) and hands it to its resolver, so it
knows exactly what an Echo would know, and no more.
"""

from __future__ import annotations

from typing import Any, Mapping, NamedTuple

from ask_sdk_model import Intent, IntentConfirmationStatus, Slot, SlotConfirmationStatus
from ask_sdk_model.dialog import ElicitSlotDirective

from skill.core.state import Conversation, Question

ELICIT_SLOT = "Dialog.ElicitSlot"


class ElicitedSlot(NamedTuple):
    intent: str
    slot: str


# The questions that wait on a slot rather than a yes or no, and the slot each elicits.
QUESTION_SLOTS: dict[Question, ElicitedSlot] = {
    Question.HEAT_DURATION: ElicitedSlot("HeatTimerIntent", "minutes"),  # "How many minutes ...?": a bare number
    Question.REMINDER_TIME: ElicitedSlot("SetReminderIntent", "time"),
}
# A stretch was led and "How did that feel?" asked: the routine waits on the pain check-in's feeling.
PAIN_CHECK = ElicitedSlot("PainCheckIntent", "feeling")


def waiting_on(conversation: Conversation) -> ElicitedSlot | None:
    """The slot the conversation now waits on, if any."""
    if conversation.question is not None:
        return QUESTION_SLOTS.get(conversation.question.id)
    routine = conversation.routine
    return PAIN_CHECK if routine is not None and routine.status == "running" else None


def elicit_slot_directive(elicited: ElicitedSlot) -> ElicitSlotDirective:
    return ElicitSlotDirective(
        slot_to_elicit=elicited.slot,
        updated_intent=Intent(name=elicited.intent, confirmation_status=IntentConfirmationStatus.NONE,
                              slots={elicited.slot: Slot(name=elicited.slot,
                                                         confirmation_status=SlotConfirmationStatus.NONE)}))


def elicited_in(response: Mapping[str, Any]) -> ElicitedSlot | None:
    """The slot a response envelope (JSON) asks Alexa to elicit, if it does."""
    body = response.get("response") if isinstance(response, Mapping) else None
    for directive in (body or {}).get("directives") or ():
        if isinstance(directive, Mapping) and directive.get("type") == ELICIT_SLOT:
            intent = (directive.get("updatedIntent") or {}).get("name")
            slot = directive.get("slotToElicit")
            if isinstance(intent, str) and isinstance(slot, str):
                return ElicitedSlot(intent, slot)
    return None
