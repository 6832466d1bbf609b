"""The interaction models Alexa gets, one per locale, built from a shared language model plus local wording.

`interaction_models/en.json` is a complete ASK interaction model holding everything English speakers share.
`interaction_models/locales/<locale>.json` adds what one country says differently ("A&E", "the loo", "the ER"):

    {"invocationName": "spine coach",                     (optional: replaces the shared one)
     "samples": {"WarningSignsIntent": ["when should I go to a. and e."]},   (added to the intent's samples)
     "synonyms": {"PAIN_FEELING": {"hurts": ["it's giving me gyp"]}}}       (added to the value with that id)

Additions only: a locale never loses a shared sample, so the shared tests hold for every locale. The merged
model is what `make skill-package` uploads and what the offline resolver reads, so both hear the same words.

The shared model's `dialog` names the slots the skill elicits with Dialog.ElicitSlot (skill/alexa/dialog.py), each
with an elicitation prompt that Alexa requires but, the skill managing its own dialog, never speaks; the prompts' words
are the skill's own questions, taken from the locale's content (ELICITATION_PHRASES), so no sentence lives here.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path
from typing import Any, Mapping

MODEL_DIR = Path(__file__).resolve().parents[2] / "interaction_models"
LOCAL_WORDING_DIR = MODEL_DIR / "locales"
DEFAULT_LOCALE = "en-US"
OVERLAY_KEYS = frozenset({"invocationName", "samples", "synonyms"})
# (intent, slot) the dialog model elicits -> the content key of the question the skill asks for it.
ELICITATION_PHRASES = {
    ("HeatTimerIntent", "minutes"): "heat.ask_duration",
    ("SetReminderIntent", "time"): "reminders.ask_time",
    ("PainCheckIntent", "feeling"): "stretch.check_in",
}


class ModelError(ValueError):
    """A locale's wording does not fit the shared model (an unknown intent, slot type or value id)."""


@functools.cache
def model_locales() -> tuple[str, ...]:
    """The locales with their own wording file: the locales the skill is published in."""
    return tuple(sorted(path.stem for path in LOCAL_WORDING_DIR.glob("*.json")))


def interaction_model(locale: str) -> dict[str, Any]:
    """The complete ASK interaction model for `locale`; a fresh copy the caller may change."""
    return copy.deepcopy(_merged(locale))


def model_locale_for(locale: str | None) -> str:
    """The published locale whose model understands `locale` best: itself, else one in its language (English
    speakers are understood by any English model), else the default."""
    if locale in model_locales():
        return locale
    language = locale.split("-")[0] if isinstance(locale, str) else ""
    same_language = [known for known in model_locales() if known.split("-")[0] == language]
    return DEFAULT_LOCALE if DEFAULT_LOCALE in same_language or not same_language else same_language[0]


@functools.cache
def _merged(locale: str) -> Mapping[str, Any]:
    if locale not in model_locales():
        raise ModelError(f"no interaction model for {locale!r}; published: {', '.join(model_locales())}")
    model = json.loads((MODEL_DIR / f"{locale.split('-')[0]}.json").read_text(encoding="utf-8"))
    wording = json.loads((LOCAL_WORDING_DIR / f"{locale}.json").read_text(encoding="utf-8"))
    apply_local_wording(model, wording, source=f"locales/{locale}.json")
    add_elicitation_prompts(model, locale)
    return model


def add_elicitation_prompts(model: dict[str, Any], locale: str) -> None:
    """The `prompts` the dialog model's elicitation ids name, worded as the skill asks in `locale`."""
    from skill.core.content import SPOKEN_DOCUMENTS, load_document, resolve_locale, variants  # not on Lambda's path

    phrases = {key: entry for name in SPOKEN_DOCUMENTS for key, entry in load_document(resolve_locale(locale),
                                                                                       name).items()}
    prompts = []
    for intent in model["interactionModel"].get("dialog", {}).get("intents", []):
        for slot in intent.get("slots", []):
            prompt_id = slot.get("prompts", {}).get("elicitation")
            if prompt_id is None:
                continue
            key = ELICITATION_PHRASES.get((intent["name"], slot["name"]))
            if key is None:
                raise ModelError(f"no phrase for the elicitation prompt of {intent['name']}.{slot['name']}")
            prompts.append({"id": prompt_id, "variations": [
                {"type": "PlainText", "value": text} for text in variants(phrases[key])]})
    if prompts:
        model["interactionModel"]["prompts"] = prompts


def apply_local_wording(model: dict[str, Any], wording: Mapping[str, Any], source: str) -> None:
    unknown = set(wording) - OVERLAY_KEYS
    if unknown:
        raise ModelError(f"{source}: unknown keys {sorted(unknown)}; allowed: {sorted(OVERLAY_KEYS)}")
    language_model = model["interactionModel"]["languageModel"]
    if "invocationName" in wording:
        language_model["invocationName"] = wording["invocationName"]
    intents = {intent["name"]: intent for intent in language_model["intents"]}
    for name, samples in wording.get("samples", {}).items():
        if name not in intents:
            raise ModelError(f"{source}: samples for {name}, which the shared model does not declare")
        intents[name].setdefault("samples", []).extend(samples)
    types = {slot_type["name"]: slot_type for slot_type in language_model.get("types", [])}
    for type_name, by_id in wording.get("synonyms", {}).items():
        values = {value["id"]: value for value in types.get(type_name, {}).get("values", [])}
        for value_id, synonyms in by_id.items():
            if value_id not in values:
                raise ModelError(f"{source}: synonyms for {type_name} value {value_id!r}, which the shared model "
                                 "does not declare")
            values[value_id]["name"].setdefault("synonyms", []).extend(synonyms)
