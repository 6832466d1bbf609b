"""The interaction model is the contract with Alexa and with the handlers: fixed intent and slot names,
enough natural samples, and nothing Alexa's model builder would reject or find ambiguous. Every published locale's
merged model (the shared English model plus that locale's wording) is checked."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import pytest

from skill.alexa.interaction_model import interaction_model, model_locales
from skill.local.nlu.resolver import normalize

REPO = Path(__file__).resolve().parents[1]
LOCALES = model_locales()
BUILTIN_SAMPLES = {name: phrases for name, phrases in json.loads(
    (REPO / "skill" / "local" / "nlu" / "builtin_samples.json").read_text(encoding="utf-8")).items()
    if not name.startswith("_")}

CUSTOM_INTENT_SLOTS = {
    "StartStretchIntent": {"area": "STRETCH_AREA", "mode": "STRETCH_MODE"},
    "SkipStretchIntent": {},
    "PainCheckIntent": {"feeling": "PAIN_FEELING"},
    "HeatTimerIntent": {"duration": "AMAZON.DURATION"},
    "HeatStatusIntent": {},
    "CancelHeatIntent": {},
    "PauseHeatIntent": {},
    "ResumeHeatIntent": {},
    "PreventionTipIntent": {"topic": "TIP_TOPIC"},
    "WarningSignsIntent": {},
    "SymptomReportIntent": {"symptom": "SYMPTOM"},
    "DiscInfoIntent": {},
    "SpasmInfoIntent": {},
    "MassageInfoIntent": {},
    "MedicineInfoIntent": {},
    "HeatOrIceIntent": {},
    "SetReminderIntent": {"time": "AMAZON.TIME"},
    "CancelReminderIntent": {},
    "ReminderStatusIntent": {},
}
TYPE_IDS = {
    "STRETCH_AREA": {"lower_back", "neck", "whole_back"},
    "STRETCH_MODE": {"hands_free"},
    "PAIN_FEELING": {"fine", "easing", "hurts", "spreading", "numb_or_weak"},
    "TIP_TOPIC": {"lifting", "sitting", "sleep", "weight", "smoking", "exercise"},
    "SYMPTOM": {"saddle_numbness", "numb_when_wiping", "cannot_pee", "wetting", "bowel_control", "sexual_change",
                "both_legs", "cannot_walk", "serious_fall", "fall", "chest_pain", "arms_and_legs", "stroke_signs",
                "dizzy", "fever", "foot_drop", "leg_giving_way", "weight_loss", "cancer", "infection_risk",
                "weak_bones", "night_pain", "upper_back_pain", "back_lump", "unsteady", "arm_symptoms", "burn",
                "not_improving", "getting_worse", "stopping_life", "one_leg", "worried", "accident", "down_below",
                "numbness", "back_pain", "leg_pain", "spasm", "neck_pain", "pain_with_cough"},
}
BUILT_INS = {"AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.FallbackIntent",
             "AMAZON.NavigateHomeIntent", "AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.RepeatIntent",
             "AMAZON.PauseIntent", "AMAZON.ResumeIntent", "AMAZON.StartOverIntent", "AMAZON.YesIntent",
             "AMAZON.NoIntent"}
# Lowercase words, apostrophes, {slot} references, and spelled letters written "e. r." as Alexa asks.
SAMPLE_SYNTAX = re.compile(r"^(?:[a-z']+|[a-z]\.|\{\w+\})(?: (?:[a-z']+|[a-z]\.|\{\w+\}))*$")
SLOT_REFERENCE = re.compile(r"\{(\w+)\}")
MIN_SAMPLES = 15


@functools.cache
def language_model(locale: str) -> dict[str, Any]:
    return interaction_model(locale)["interactionModel"]["languageModel"]


def intents(locale: str) -> dict[str, dict[str, Any]]:
    return {intent["name"]: intent for intent in language_model(locale)["intents"]}


def types(locale: str) -> dict[str, dict[str, Any]]:
    return {slot_type["name"]: slot_type for slot_type in language_model(locale)["types"]}


@pytest.fixture(params=LOCALES)
def locale(request: pytest.FixtureRequest) -> str:
    return request.param


def _all_samples(locale: str) -> list[tuple[str, str]]:
    return [(name, sample) for name, intent in intents(locale).items() for sample in intent["samples"]]


def _every_locales_samples() -> list[tuple[str, str, str]]:
    return [(locale, name, sample) for locale in LOCALES for name, sample in _all_samples(locale)]


def test_shape_and_invocation_name(locale: str) -> None:
    assert set(interaction_model(locale)) == {"interactionModel"}
    assert set(language_model(locale)) == {"invocationName", "intents", "types", "modelConfiguration"}
    # LOW: fewer sentences go to the fallback, which hears none of their words; the symptom slot hears them all.
    assert language_model(locale)["modelConfiguration"] == {"fallbackIntentSensitivity": {"level": "LOW"}}
    assert language_model(locale)["invocationName"] == "spine coach"


@pytest.mark.parametrize(("intent", "slots"), CUSTOM_INTENT_SLOTS.items(), ids=list(CUSTOM_INTENT_SLOTS))
def test_custom_intent_has_its_fixed_slots(locale: str, intent: str, slots: dict[str, str]) -> None:
    declared = {slot["name"]: slot["type"] for slot in intents(locale)[intent].get("slots", [])}
    assert declared == slots


def test_no_custom_intents_beyond_the_fixed_set(locale: str) -> None:
    assert {name for name in intents(locale) if not name.startswith("AMAZON.")} == set(CUSTOM_INTENT_SLOTS)


def test_required_built_ins_are_declared(locale: str) -> None:
    assert BUILT_INS <= set(intents(locale))


@pytest.mark.parametrize("intent", CUSTOM_INTENT_SLOTS)
def test_custom_intent_has_enough_samples(locale: str, intent: str) -> None:
    samples = intents(locale)[intent]["samples"]
    assert len(samples) >= MIN_SAMPLES
    assert len(set(samples)) == len(samples)


@pytest.mark.parametrize(("locale", "intent", "sample"), _every_locales_samples(),
                         ids=[f"{loc} {i}: {s}" for loc, i, s in _every_locales_samples()])
def test_sample_uses_alexa_syntax_and_declared_slots(locale: str, intent: str, sample: str) -> None:
    assert SAMPLE_SYNTAX.match(sample), "lowercase words, apostrophes, {slots} and spelled letters only"
    declared = {slot["name"] for slot in intents(locale)[intent].get("slots", [])}
    assert set(SLOT_REFERENCE.findall(sample)) <= declared


def test_every_declared_slot_is_used_by_a_sample(locale: str) -> None:
    for name, intent in intents(locale).items():
        used = {ref for sample in intent["samples"] for ref in SLOT_REFERENCE.findall(sample)}
        assert {slot["name"] for slot in intent.get("slots", [])} <= used, name


def test_no_sample_belongs_to_two_intents(locale: str) -> None:
    """Compared as the resolver hears them, slots named by their type, built-in phrases included:
    "i have {symptom}" in two intents would be one utterance with two meanings."""
    owners: dict[str, set[str]] = {}
    phrases = [*_all_samples(locale), *((name, p) for name, ps in BUILTIN_SAMPLES.items() for p in ps)]
    for intent, sample in phrases:
        slot_types = {slot["name"]: slot["type"] for slot in intents(locale)[intent].get("slots", [])}
        typed = SLOT_REFERENCE.sub(lambda ref: " type" + slot_types[ref.group(1)].replace(".", "") + " ", sample)
        owners.setdefault(normalize(typed), set()).add(intent)
    assert {key: names for key, names in owners.items() if len(names) > 1} == {}


@pytest.mark.parametrize("slot_type", TYPE_IDS)
def test_custom_type_values_have_their_ids(locale: str, slot_type: str) -> None:
    values = types(locale)[slot_type]["values"]
    assert {value["id"] for value in values} == TYPE_IDS[slot_type]
    for value in values:
        assert value["name"]["value"] and isinstance(value["name"].get("synonyms", []), list)


def test_value_names_and_synonyms_are_unique_across_all_types(locale: str) -> None:
    """One spoken phrase, one meaning: a bare "{area}" or "{feeling}" answer must not be ambiguous."""
    seen: dict[str, str] = {}
    for slot_type in types(locale).values():
        for value in slot_type["values"]:
            for phrase in (value["name"]["value"], *value["name"].get("synonyms", [])):
                key = normalize(phrase)
                assert key not in seen, f"{phrase!r} in {slot_type['name']} and {seen[key]}"
                seen[key] = slot_type["name"]


def test_every_custom_slot_type_is_defined(locale: str) -> None:
    used = {slot["type"] for intent in intents(locale).values() for slot in intent.get("slots", [])}
    assert {t for t in used if not t.startswith("AMAZON.")} == set(types(locale))


def test_search_query_samples_have_a_carrier_phrase_and_no_other_slot(locale: str) -> None:
    for name, intent in intents(locale).items():
        search_slots = {s["name"] for s in intent.get("slots", []) if s["type"] == "AMAZON.SearchQuery"}
        for sample in intent["samples"]:
            refs = SLOT_REFERENCE.findall(sample)
            if search_slots & set(refs):
                assert len(refs) == 1, sample
                assert SLOT_REFERENCE.sub("", sample).strip(), sample


def test_medicine_samples_name_no_drugs(locale: str) -> None:
    drugs = {"ibuprofen", "paracetamol", "acetaminophen", "naproxen", "diazepam", "codeine", "aspirin",
             "tylenol", "advil", "nurofen", "cyclobenzaprine", "gabapentin", "pregabalin", "tramadol"}
    words = {w for sample in intents(locale)["MedicineInfoIntent"]["samples"] for w in sample.split()}
    assert not words & drugs


def test_built_in_samples_are_for_declared_built_ins(locale: str) -> None:
    assert set(BUILTIN_SAMPLES) <= {name for name in intents(locale) if name.startswith("AMAZON.")}
    assert "AMAZON.FallbackIntent" not in BUILTIN_SAMPLES
