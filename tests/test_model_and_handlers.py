"""The interaction model and the handler chain agree: every custom intent is handled, every handled intent exists."""

from __future__ import annotations

import random

import pytest

from skill.core.content import load_document
from skill.alexa.handlers import request_handlers
from skill.alexa.interaction_model import interaction_model
from skill.alexa.handlers.stretch import ROUTINE_TRIGGERS
from fakes import FakeAlarm

MODEL = interaction_model("en-US")
MODEL_INTENTS = {i["name"] for i in MODEL["interactionModel"]["languageModel"]["intents"]}
CUSTOM_INTENTS = sorted(name for name in MODEL_INTENTS if not name.startswith("AMAZON."))


def handled_intents() -> set[str]:
    named = {name for handler in request_handlers(FakeAlarm(), random.Random(0)) for name in handler.intents}
    topics = {t["intent"] for t in load_document("en-US", "topics")["topics"]}
    return named | set(ROUTINE_TRIGGERS) | topics | {"PainCheckIntent", "AMAZON.YesIntent", "AMAZON.NoIntent"}


def test_every_intent_the_handlers_name_is_in_the_model():
    assert handled_intents() - {"AMAZON.FallbackIntent"} <= MODEL_INTENTS


def test_every_custom_intent_has_a_handler():
    assert set(CUSTOM_INTENTS) <= handled_intents()


@pytest.mark.parametrize("name", CUSTOM_INTENTS)
def test_every_custom_intent_gets_its_own_answer_not_the_fallback(returning_chat, name):
    returning_chat.launch()
    said = returning_chat.intent(name)
    fallback = "Sorry, I can't help with that"
    assert said.speech and not said.speech.startswith(fallback)
