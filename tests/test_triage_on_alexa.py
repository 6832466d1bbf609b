"""On a real Echo the skill never hears the whole sentence. Alexa sends the intent and its slot values, and the
words of the sample the sentence matched are gone. So SymptomReportIntent's slot is a custom type (SYMPTOM) with a
slot-only sample and lead-ins that carry no meaning ("i think {symptom}"): the description, its subject and its
time words included, reaches triage, which must then reach the same tier as from the whole sentence.

The offline resolver fills slots the way Alexa does, so it shows what the skill would receive in each locale. (The
offline runner itself screens the whole typed sentence first, which is why the other tests cannot see this.) Each
sentence is checked once against the shared model and the language's rules, then in each locale, all together.
"""

from __future__ import annotations

import pytest

from conftest import Said
from skill.alexa.app import create_skill, invoke
from skill.alexa.envelopes import AlexaSession, intent
from model_wording import LOCALES, language_of, resolver_for
from skill.core.safety.triage import triage_for
from fakes import FakeAlarm
from test_safety import CLINICAL_FACTS_1E, OWN_PHRASINGS

def _tier(triage, text):
    finding = triage.classify(text)
    return finding.tier if finding else None


BANK_LANGUAGE = "en"  # the bank's sentences are English


def _reported_symptoms(model: str) -> list[str]:
    """Every bank sentence that reaches SymptomReportIntent in model `model` (a language's shared one or a locale's)."""
    resolver = resolver_for(model)
    return [utterance for utterance, _ in CLINICAL_FACTS_1E + OWN_PHRASINGS
            if resolver.resolve(utterance).intent == "SymptomReportIntent"]


def _tier_lost(model: str, utterance: str) -> str | None:
    """How the slot Alexa sends misses the whole sentence's tier, by the model's rules; None when it keeps it."""
    resolution = resolver_for(model).resolve(utterance)
    triage = triage_for(model)
    heard, said = _tier(triage, resolution.slot_values()["symptom"]), _tier(triage, utterance)
    return None if heard == said else f"{utterance!r}: {said}, but {resolution.slot_values()} is {heard}"


@pytest.mark.parametrize("utterance", _reported_symptoms(BANK_LANGUAGE))
def test_a_symptom_keeps_its_tier_in_what_alexa_sends(utterance):
    assert _tier_lost(BANK_LANGUAGE, utterance) is None


@pytest.mark.parametrize("locale", [locale for locale in LOCALES if language_of(locale) == BANK_LANGUAGE])
def test_in_each_locale_a_symptom_keeps_its_tier(locale):
    """The locale's own wording and rules may place a sentence differently from the shared ones."""
    assert [lost for utterance in _reported_symptoms(locale) if (lost := _tier_lost(locale, utterance))] == []


@pytest.mark.parametrize(("locale", "number"), [("en-US", "911"), ("en-GB", "999"), ("en-AU", "000")])
def test_what_alexa_could_not_place_still_hears_the_way_to_help(store, locale, number):
    # A symptom Alexa cannot place reaches the skill as FallbackIntent, with none of its words to screen.
    skill = create_skill(persistence=store, alarm=FakeAlarm())
    said = Said(invoke(AlexaSession(locale=locale).envelope(intent("AMAZON.FallbackIntent")), skill))
    assert f"call {number}" in said.speech and not said.ends
