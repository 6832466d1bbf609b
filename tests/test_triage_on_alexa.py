"""On a real Echo the skill never hears the whole sentence. Alexa sends the intent and its slot values, and the
words of the sample the sentence matched are gone. So SymptomReportIntent's slot is a custom type (SYMPTOM) with a
slot-only sample and lead-ins that carry no meaning ("i think {symptom}"): the description, its subject and its
time words included, reaches triage, which must then reach the same tier as from the whole sentence.

The offline resolver fills slots the way Alexa does, so it shows what the skill would receive in each locale. (The
offline runner itself screens the whole typed sentence first, which is why the other tests cannot see this.)
"""

from __future__ import annotations

import pytest

from conftest import Said
from skill.alexa.app import create_skill, invoke
from skill.alexa.envelopes import AlexaSession, intent
from skill.alexa.interaction_model import model_locales
from skill.local.nlu.resolver import IntentResolver
from skill.core.safety.triage import triage_for
from skill.core.alarm import FakeAlarm
from test_safety import CLINICAL_FACTS_1E, OWN_PHRASINGS

def _tier(triage, text):
    finding = triage.classify(text)
    return finding.tier if finding else None


def _reported_symptoms() -> list:
    """(locale, utterance) for every bank sentence that reaches SymptomReportIntent in that locale's model."""
    cases = []
    for locale in model_locales():
        resolver = IntentResolver.for_locale(locale)
        for utterance, _ in CLINICAL_FACTS_1E + OWN_PHRASINGS:
            if resolver.resolve(utterance).intent == "SymptomReportIntent":
                cases.append(pytest.param(locale, utterance, id=f"{locale}: {utterance}"))
    return cases


@pytest.mark.parametrize(("locale", "utterance"), _reported_symptoms())
def test_a_symptom_keeps_its_tier_in_what_alexa_sends(locale, utterance):
    resolution = IntentResolver.for_locale(locale).resolve(utterance)
    triage = triage_for(locale)
    assert _tier(triage, resolution.slot_values()["symptom"]) == _tier(triage, utterance), resolution


@pytest.mark.parametrize(("locale", "number"), [("en-US", "911"), ("en-GB", "999"), ("en-AU", "000")])
def test_what_alexa_could_not_place_still_hears_the_way_to_help(store, locale, number):
    # A symptom Alexa cannot place reaches the skill as FallbackIntent, with none of its words to screen.
    skill = create_skill(persistence=store, alarm=FakeAlarm())
    said = Said(invoke(AlexaSession(locale=locale).envelope(intent("AMAZON.FallbackIntent")), skill))
    assert f"call {number}" in said.speech and not said.ends
