"""The interaction model is the contract with Alexa and with the handlers: fixed intent and slot names,
enough natural samples, and nothing Alexa's model builder would reject or find ambiguous."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from skill.interaction_model import interaction_model
from skill.local.resolver import normalize

REPO = Path(__file__).resolve().parents[1]
MODEL = interaction_model("en-US")
LANGUAGE_MODEL = MODEL["interactionModel"]["languageModel"]
INTENTS = {intent["name"]: intent for intent in LANGUAGE_MODEL["intents"]}
TYPES = {slot_type["name"]: slot_type for slot_type in LANGUAGE_MODEL["types"]}
BUILTIN_SAMPLES = {name: phrases for name, phrases in json.loads(
    (REPO / "skill" / "local" / "builtin_samples.json").read_text(encoding="utf-8")).items()
    if not name.startswith("_")}

CUSTOM_INTENT_SLOTS = {
    "StartStretchIntent": {"area": "STRETCH_AREA", "mode": "STRETCH_MODE"},
    "SkipStretchIntent": {},
    "PainCheckIntent": {"feeling": "PAIN_FEELING"},
    "HeatTimerIntent": {"duration": "AMAZON.DURATION"},
    "HeatStatusIntent": {},
    "CancelHeatIntent": {},
    "PreventionTipIntent": {"topic": "TIP_TOPIC"},
    "WarningSignsIntent": {},
    "SymptomReportIntent": {"symptom": "AMAZON.SearchQuery"},
    "DiscInfoIntent": {},
    "SpasmInfoIntent": {},
    "MassageInfoIntent": {},
    "MedicineInfoIntent": {},
    "HeatOrIceIntent": {},
}
TYPE_IDS = {
    "STRETCH_AREA": {"lower_back", "neck", "whole_back"},
    "STRETCH_MODE": {"hands_free"},
    "PAIN_FEELING": {"fine", "easing", "hurts", "spreading", "numb_or_weak"},
    "TIP_TOPIC": {"lifting", "sitting", "sleep", "weight", "smoking", "exercise"},
}
BUILT_INS = {"AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.FallbackIntent",
             "AMAZON.NavigateHomeIntent", "AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.RepeatIntent",
             "AMAZON.PauseIntent", "AMAZON.ResumeIntent", "AMAZON.StartOverIntent", "AMAZON.YesIntent",
             "AMAZON.NoIntent"}
# Lowercase words, apostrophes, {slot} references, and spelled letters written "e. r." as Alexa asks.
SAMPLE_SYNTAX = re.compile(r"^(?:[a-z']+|[a-z]\.|\{\w+\})(?: (?:[a-z']+|[a-z]\.|\{\w+\}))*$")
SLOT_REFERENCE = re.compile(r"\{(\w+)\}")
MIN_SAMPLES = 15


def _all_samples() -> list[tuple[str, str]]:
    return [(name, sample) for name, intent in INTENTS.items() for sample in intent["samples"]]


def test_shape_and_invocation_name() -> None:
    assert set(MODEL) == {"interactionModel"}
    assert set(LANGUAGE_MODEL) == {"invocationName", "intents", "types"}
    assert LANGUAGE_MODEL["invocationName"] == "spine coach"


@pytest.mark.parametrize(("intent", "slots"), CUSTOM_INTENT_SLOTS.items(), ids=list(CUSTOM_INTENT_SLOTS))
def test_custom_intent_has_its_fixed_slots(intent: str, slots: dict[str, str]) -> None:
    declared = {slot["name"]: slot["type"] for slot in INTENTS[intent].get("slots", [])}
    assert declared == slots


def test_no_custom_intents_beyond_the_fixed_set() -> None:
    assert {name for name in INTENTS if not name.startswith("AMAZON.")} == set(CUSTOM_INTENT_SLOTS)


def test_required_built_ins_are_declared() -> None:
    assert BUILT_INS <= set(INTENTS)


@pytest.mark.parametrize("intent", CUSTOM_INTENT_SLOTS)
def test_custom_intent_has_enough_samples(intent: str) -> None:
    samples = INTENTS[intent]["samples"]
    assert len(samples) >= MIN_SAMPLES
    assert len(set(samples)) == len(samples)


@pytest.mark.parametrize(("intent", "sample"), _all_samples(), ids=[f"{i}: {s}" for i, s in _all_samples()])
def test_sample_uses_alexa_syntax_and_declared_slots(intent: str, sample: str) -> None:
    assert SAMPLE_SYNTAX.match(sample), "lowercase words, apostrophes, {slots} and spelled letters only"
    declared = {slot["name"] for slot in INTENTS[intent].get("slots", [])}
    assert set(SLOT_REFERENCE.findall(sample)) <= declared


def test_every_declared_slot_is_used_by_a_sample() -> None:
    for name, intent in INTENTS.items():
        used = {ref for sample in intent["samples"] for ref in SLOT_REFERENCE.findall(sample)}
        assert {slot["name"] for slot in intent.get("slots", [])} <= used, name


def test_no_sample_belongs_to_two_intents() -> None:
    """Compared as the resolver hears them, slots named by their type, built-in phrases included:
    "i have {symptom}" in two intents would be one utterance with two meanings."""
    owners: dict[str, set[str]] = {}
    phrases = [*_all_samples(), *((name, p) for name, ps in BUILTIN_SAMPLES.items() for p in ps)]
    for intent, sample in phrases:
        slot_types = {slot["name"]: slot["type"] for slot in INTENTS[intent].get("slots", [])}
        typed = SLOT_REFERENCE.sub(lambda ref: " type" + slot_types[ref.group(1)].replace(".", "") + " ", sample)
        owners.setdefault(normalize(typed), set()).add(intent)
    assert {key: names for key, names in owners.items() if len(names) > 1} == {}


@pytest.mark.parametrize("slot_type", TYPE_IDS)
def test_custom_type_values_have_their_ids(slot_type: str) -> None:
    values = TYPES[slot_type]["values"]
    assert {value["id"] for value in values} == TYPE_IDS[slot_type]
    for value in values:
        assert value["name"]["value"] and isinstance(value["name"].get("synonyms", []), list)


def test_value_names_and_synonyms_are_unique_across_all_types() -> None:
    """One spoken phrase, one meaning: a bare "{area}" or "{feeling}" answer must not be ambiguous."""
    seen: dict[str, str] = {}
    for slot_type in TYPES.values():
        for value in slot_type["values"]:
            for phrase in (value["name"]["value"], *value["name"].get("synonyms", [])):
                key = normalize(phrase)
                assert key not in seen, f"{phrase!r} in {slot_type['name']} and {seen[key]}"
                seen[key] = slot_type["name"]


def test_every_custom_slot_type_is_defined() -> None:
    used = {slot["type"] for intent in INTENTS.values() for slot in intent.get("slots", [])}
    assert {t for t in used if not t.startswith("AMAZON.")} == set(TYPES)


def test_search_query_samples_have_a_carrier_phrase_and_no_other_slot() -> None:
    for name, intent in INTENTS.items():
        search_slots = {s["name"] for s in intent.get("slots", []) if s["type"] == "AMAZON.SearchQuery"}
        for sample in intent["samples"]:
            refs = SLOT_REFERENCE.findall(sample)
            if search_slots & set(refs):
                assert len(refs) == 1, sample
                assert SLOT_REFERENCE.sub("", sample).strip(), sample


def test_medicine_samples_name_no_drugs() -> None:
    drugs = {"ibuprofen", "paracetamol", "acetaminophen", "naproxen", "diazepam", "codeine", "aspirin",
             "tylenol", "advil", "nurofen", "cyclobenzaprine", "gabapentin", "pregabalin", "tramadol"}
    words = {w for sample in INTENTS["MedicineInfoIntent"]["samples"] for w in sample.split()}
    assert not words & drugs


def test_built_in_samples_are_for_declared_built_ins() -> None:
    assert set(BUILTIN_SAMPLES) <= {name for name in INTENTS if name.startswith("AMAZON.")}
    assert "AMAZON.FallbackIntent" not in BUILTIN_SAMPLES
