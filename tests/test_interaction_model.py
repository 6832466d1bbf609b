"""The interaction model is the contract with Alexa and with the handlers: fixed intent and slot names,
enough natural samples, and nothing Alexa's model builder would reject or find ambiguous.

Each published locale's model is its language's shared model (interaction_models/en.json) plus that locale's own
wording (locales/<locale>.json). What the shared model holds is checked once, against it; what a locale adds, in
that locale; whatever depends on the two together (one phrase, one meaning), per locale; and each locale's model is
checked to be exactly the shared one plus its own lines, so the checks made once hold in every locale."""

from __future__ import annotations

import copy
import re
from collections import Counter
from typing import Any

import pytest

from model_wording import (LANGUAGES, LOCALES, MODELS, builtin_samples, intents, language_model, language_of,
                           own_samples, own_synonyms, samples, types, whole_model)
from skill.alexa.dialog import PAIN_CHECK, QUESTION_SLOTS
from skill.alexa.interaction_model import ELICITATION_PHRASES
from skill.core.content import Content
from skill.local.nlu.resolver import normalize

CUSTOM_INTENT_SLOTS = {
    "StartStretchIntent": {"area": "STRETCH_AREA", "mode": "STRETCH_MODE", "symptom": "SYMPTOM"},
    "SkipStretchIntent": {"symptom": "SYMPTOM"},
    "PainCheckIntent": {"feeling": "PAIN_FEELING"},
    "HeatTimerIntent": {"duration": "AMAZON.DURATION", "minutes": "AMAZON.NUMBER", "length": "HEAT_LENGTH",
                        "symptom": "SYMPTOM"},
    "HeatStatusIntent": {"symptom": "SYMPTOM"},
    "CancelHeatIntent": {"symptom": "SYMPTOM"},
    "PauseHeatIntent": {"symptom": "SYMPTOM"},
    "ResumeHeatIntent": {"symptom": "SYMPTOM"},
    "PreventionTipIntent": {"topic": "TIP_TOPIC", "symptom": "SYMPTOM"},
    "WarningSignsIntent": {"symptom": "SYMPTOM"},
    "SymptomReportIntent": {"symptom": "SYMPTOM"},
    "DiscInfoIntent": {"symptom": "SYMPTOM"},
    "SpasmInfoIntent": {"symptom": "SYMPTOM"},
    "MassageInfoIntent": {"symptom": "SYMPTOM"},
    "MedicineInfoIntent": {"symptom": "SYMPTOM"},
    "HeatOrIceIntent": {"symptom": "SYMPTOM"},
    "SetReminderIntent": {"time": "AMAZON.TIME", "when": "DAY_PART", "symptom": "SYMPTOM"},
    "CancelReminderIntent": {},
    "ReminderStatusIntent": {},
}
TYPE_IDS = {
    "STRETCH_AREA": {"lower_back", "neck", "whole_back"},
    "STRETCH_MODE": {"hands_free"},
    "PAIN_FEELING": {"fine", "easing", "hurts", "spreading", "numb_or_weak"},
    "TIP_TOPIC": {"lifting", "sitting", "sleep", "weight", "smoking", "exercise"},
    "HEAT_LENGTH": {"longest", "usual"},  # "max": the skill's longest session; "the usual", "you decide": its default
    "DAY_PART": {"MO", "NOON", "AF", "EV", "NI"},  # AMAZON.TIME's parts of the day, and noon
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


@pytest.fixture(params=LOCALES)
def locale(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(params=LANGUAGES)
def language(request: pytest.FixtureRequest) -> str:
    """A shared model: what holds for it holds in every locale built on it."""
    return request.param


@pytest.fixture(params=MODELS)
def model(request: pytest.FixtureRequest) -> str:
    """A shared model or a locale, checked on the samples it brings (model_wording.own_samples)."""
    return request.param


# --- each locale's model is the shared model plus its own wording ------------------------------------------------


def _wording_lines(name: str) -> Counter[tuple[str, ...]]:
    lines = Counter(("sample", intent, sample) for intent, sample in samples(name))
    lines.update(("synonym", type_name, value["id"], synonym) for type_name, slot_type in types(name).items()
                 for value in slot_type["values"] for synonym in value["name"].get("synonyms", []))
    return lines


def _own_lines(locale: str) -> Counter[tuple[str, ...]]:
    return Counter([*(("sample", *line) for line in own_samples(locale)),
                    *(("synonym", *line) for line in own_synonyms(locale))])


def _without_wording(name: str) -> dict[str, Any]:
    """The language model less its samples, its synonyms and its invocation name (which a locale may replace)."""
    stripped = copy.deepcopy(language_model(name))
    del stripped["invocationName"]
    for intent in stripped["intents"]:
        intent.pop("samples", None)
    for slot_type in stripped["types"]:
        for value in slot_type["values"]:
            value["name"].pop("synonyms", None)
    return stripped


def test_a_locales_model_is_the_shared_model_plus_its_own_wording(locale: str) -> None:
    """Nothing shared is lost or changed, the only additions are the locale's own lines, and none of those repeats a
    line already there: so every check below that runs once, on the shared model, holds in this locale too."""
    shared, merged, own = _wording_lines(language_of(locale)), _wording_lines(locale), _own_lines(locale)
    assert sorted((shared - merged).elements()) == [], "shared samples or synonyms missing from the locale's model"
    assert sorted((merged - shared).elements()) == sorted(own.elements())
    assert sorted(line for line, count in (shared + own).items() if count > 1) == [], "lines said twice"
    assert _without_wording(locale) == _without_wording(language_of(locale))
    assert set(whole_model(locale)) == set(whole_model(language_of(locale)))


# --- the shared model, checked once -------------------------------------------------------------------------------


def test_shape(language: str) -> None:
    assert set(whole_model(language)) == {"interactionModel"}
    assert set(whole_model(language)["interactionModel"]) == {"languageModel", "dialog"}  # prompts: per locale
    assert set(language_model(language)) == {"invocationName", "intents", "types", "modelConfiguration"}
    # LOW: fewer sentences go to the fallback, which hears none of their words; the symptom slot hears them all.
    assert language_model(language)["modelConfiguration"] == {"fallbackIntentSensitivity": {"level": "LOW"}}


def test_every_locale_is_invoked_as_spine_coach() -> None:
    assert {locale: language_model(locale)["invocationName"] for locale in LOCALES} == dict.fromkeys(
        LOCALES, "spine coach")


@pytest.mark.parametrize(("intent", "slots"), CUSTOM_INTENT_SLOTS.items(), ids=list(CUSTOM_INTENT_SLOTS))
def test_custom_intent_has_its_fixed_slots(language: str, intent: str, slots: dict[str, str]) -> None:
    declared = {slot["name"]: slot["type"] for slot in intents(language)[intent].get("slots", [])}
    assert declared == slots


def test_no_custom_intents_beyond_the_fixed_set(language: str) -> None:
    assert {name for name in intents(language) if not name.startswith("AMAZON.")} == set(CUSTOM_INTENT_SLOTS)


def test_required_built_ins_are_declared(language: str) -> None:
    assert BUILT_INS <= set(intents(language))


@pytest.mark.parametrize("intent", CUSTOM_INTENT_SLOTS)
def test_custom_intent_has_enough_samples(language: str, intent: str) -> None:
    shared = intents(language)[intent]["samples"]
    assert len(shared) >= MIN_SAMPLES
    assert len(set(shared)) == len(shared)


def test_every_declared_slot_is_used_by_a_sample(language: str) -> None:
    for name, intent in intents(language).items():
        used = {ref for sample in intent["samples"] for ref in SLOT_REFERENCE.findall(sample)}
        assert {slot["name"] for slot in intent.get("slots", [])} <= used, name


@pytest.mark.parametrize("slot_type", TYPE_IDS)
def test_custom_type_values_have_their_ids(language: str, slot_type: str) -> None:
    values = types(language)[slot_type]["values"]
    assert {value["id"] for value in values} == TYPE_IDS[slot_type]
    for value in values:
        assert value["name"]["value"] and isinstance(value["name"].get("synonyms", []), list)


def test_every_custom_slot_type_is_defined(language: str) -> None:
    used = {slot["type"] for intent in intents(language).values() for slot in intent.get("slots", [])}
    assert {t for t in used if not t.startswith("AMAZON.")} == set(types(language))


def test_built_in_samples_are_for_declared_built_ins(language: str) -> None:
    assert set(builtin_samples()) <= {name for name in intents(language) if name.startswith("AMAZON.")}
    assert "AMAZON.FallbackIntent" not in builtin_samples()


# --- each sample once: the shared ones against the shared model, a locale's own in that locale -------------------


def _sample_cases() -> list[pytest.param]:
    return [pytest.param(name, intent, sample, id=f"{name} {intent}: {sample}")
            for name in MODELS for intent, sample in own_samples(name)]


@pytest.mark.parametrize(("model", "intent", "sample"), _sample_cases())
def test_sample_uses_alexa_syntax_and_declared_slots(model: str, intent: str, sample: str) -> None:
    assert SAMPLE_SYNTAX.match(sample), "lowercase words, apostrophes, {slots} and spelled letters only"
    declared = {slot["name"] for slot in intents(model)[intent].get("slots", [])}
    assert set(SLOT_REFERENCE.findall(sample)) <= declared


def test_search_query_samples_have_a_carrier_phrase_and_no_other_slot(model: str) -> None:
    for name, sample in own_samples(model):
        search_slots = {s["name"] for s in intents(model)[name].get("slots", []) if s["type"] == "AMAZON.SearchQuery"}
        refs = SLOT_REFERENCE.findall(sample)
        if search_slots & set(refs):
            assert len(refs) == 1, sample
            assert SLOT_REFERENCE.sub("", sample).strip(), sample


def test_medicine_samples_name_no_drugs(model: str) -> None:
    drugs = {"ibuprofen", "paracetamol", "acetaminophen", "naproxen", "diazepam", "codeine", "aspirin",
             "tylenol", "advil", "nurofen", "cyclobenzaprine", "gabapentin", "pregabalin", "tramadol"}
    words = {w for name, sample in own_samples(model) if name == "MedicineInfoIntent" for w in sample.split()}
    assert not words & drugs


# --- one phrase, one meaning: the shared wording and a locale's own together --------------------------------------


def test_no_sample_belongs_to_two_intents(locale: str) -> None:
    """Compared as the resolver hears them, slots named by their type, built-in phrases included:
    "i have {symptom}" in two intents would be one utterance with two meanings."""
    owners: dict[str, set[str]] = {}
    phrases = [*samples(locale), *((name, p) for name, ps in builtin_samples().items() for p in ps)]
    for intent, sample in phrases:
        slot_types = {slot["name"]: slot["type"] for slot in intents(locale)[intent].get("slots", [])}
        typed = SLOT_REFERENCE.sub(lambda ref: " type" + slot_types[ref.group(1)].replace(".", "") + " ", sample)
        owners.setdefault(normalize(typed), set()).add(intent)
    assert {key: names for key, names in owners.items() if len(names) > 1} == {}


def test_value_names_and_synonyms_are_unique_across_all_types(locale: str) -> None:
    """One spoken phrase, one meaning: a bare "{area}" or "{feeling}" answer must not be ambiguous."""
    seen: dict[str, str] = {}
    for slot_type in types(locale).values():
        for value in slot_type["values"]:
            for phrase in (value["name"]["value"], *value["name"].get("synonyms", [])):
                key = normalize(phrase)
                assert key not in seen, f"{phrase!r} in {slot_type['name']} and {seen[key]}"
                seen[key] = slot_type["name"]


# --- the dialog model: the slots the skill elicits (Dialog.ElicitSlot) --------------------------------------------


def _dialog_intents(name: str) -> dict[str, dict[str, Any]]:
    return {intent["name"]: intent for intent in whole_model(name)["interactionModel"]["dialog"]["intents"]}


def test_the_skill_manages_its_own_dialog(language: str) -> None:
    """Alexa never asks for a slot by itself: the skill decides (a heat request without minutes means fifteen)."""
    dialog = whole_model(language)["interactionModel"]["dialog"]
    assert dialog["delegationStrategy"] == "SKILL_RESPONSE"
    assert {intent["delegationStrategy"] for intent in dialog["intents"]} == {"SKILL_RESPONSE"}


def test_every_slot_the_skill_elicits_is_in_the_dialog_model_with_its_prompt_and_samples(language: str) -> None:
    declared = intents(language)
    for elicited in (*QUESTION_SLOTS.values(), PAIN_CHECK):
        dialog_slots = {slot["name"]: slot for slot in _dialog_intents(language)[elicited.intent]["slots"]}
        assert dialog_slots[elicited.slot]["elicitationRequired"] is True, elicited
        assert dialog_slots[elicited.slot]["prompts"]["elicitation"], elicited
        model_slot = next(s for s in declared[elicited.intent]["slots"] if s["name"] == elicited.slot)
        assert model_slot.get("samples"), f"{elicited}: Alexa needs the answers it may hear"


def test_the_dialog_model_matches_the_intents_it_names(language: str) -> None:
    declared = intents(language)
    for name, intent in _dialog_intents(language).items():
        assert not name.startswith("AMAZON."), "built-in intents have no dialog"
        assert {(s["name"], s["type"]) for s in intent["slots"]} == {
            (s["name"], s["type"]) for s in declared[name]["slots"]}
        for slot in intent["slots"]:
            assert slot["confirmationRequired"] is False
            assert bool(slot["prompts"]) == slot["elicitationRequired"]


def test_slot_samples_name_their_own_slot_in_alexa_syntax(language: str) -> None:
    for name, intent in intents(language).items():
        for slot in intent.get("slots", []):
            for sample in slot.get("samples", []):
                assert SAMPLE_SYNTAX.match(sample), sample
                assert SLOT_REFERENCE.findall(sample) == [slot["name"]], f"{name}.{slot['name']}: {sample}"
            assert len(set(slot.get("samples", []))) == len(slot.get("samples", []))


def test_every_elicitation_prompt_is_the_skills_own_question_in_each_locale(locale: str) -> None:
    """Alexa requires the prompts (it would speak them only if it ran the dialog itself, which it never does):
    they are the questions the skill asks, from that locale's content."""
    model = whole_model(locale)["interactionModel"]
    used = {slot["prompts"]["elicitation"] for intent in model["dialog"]["intents"] for slot in intent["slots"]
            if slot["prompts"]}
    prompts = {prompt["id"]: prompt["variations"] for prompt in model["prompts"]}
    assert set(prompts) == used
    content = Content(locale)
    for (intent, slot), key in ELICITATION_PHRASES.items():
        prompt_id = next(s["prompts"]["elicitation"] for i in model["dialog"]["intents"] if i["name"] == intent
                         for s in i["slots"] if s["name"] == slot)
        assert [v["value"] for v in prompts[prompt_id]] == [content.say(key)]
        assert all(v["type"] == "PlainText" and "{" not in v["value"] for v in prompts[prompt_id])
