"""The published interaction models as the tests see them: each is its language's shared model plus the locale's own
wording (skill/alexa/interaction_model.py). So a shared sample is checked once, against the shared model; a locale's
own lines in that locale; and test_interaction_model checks each locale's model is exactly the two together.

A model is named by a language ("en": the shared model, which Alexa never gets on its own) or a published locale.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from skill.alexa.interaction_model import LOCAL_WORDING_DIR, MODEL_DIR, interaction_model, model_locales
from skill.local.nlu.resolver import BUILTIN_SAMPLES, IntentResolver

LOCALES = model_locales()


def language_of(locale: str) -> str:
    return locale.split("-")[0]


LANGUAGES = tuple(sorted({language_of(locale) for locale in LOCALES}))
MODELS = (*LANGUAGES, *LOCALES)


def _read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


@functools.cache
def whole_model(name: str) -> dict[str, Any]:
    """The ASK interaction model `name` (read-only: cached for every test)."""
    return _read(MODEL_DIR / f"{name}.json") if name in LANGUAGES else interaction_model(name)


def language_model(name: str) -> dict[str, Any]:
    return whole_model(name)["interactionModel"]["languageModel"]


def intents(name: str) -> dict[str, dict[str, Any]]:
    return {intent["name"]: intent for intent in language_model(name)["intents"]}


def types(name: str) -> dict[str, dict[str, Any]]:
    return {slot_type["name"]: slot_type for slot_type in language_model(name)["types"]}


@functools.cache
def local_wording(locale: str) -> dict[str, Any]:
    return _read(LOCAL_WORDING_DIR / f"{locale}.json")


def samples(name: str) -> list[tuple[str, str]]:
    """(intent, sample) for every sample the model holds."""
    return [(intent, sample) for intent, declared in intents(name).items() for sample in declared["samples"]]


def own_samples(name: str) -> list[tuple[str, str]]:
    """(intent, sample) for the samples this model brings: all of a shared model's, only what a locale adds."""
    if name in LANGUAGES:
        return samples(name)
    return [(intent, sample) for intent, added in local_wording(name).get("samples", {}).items() for sample in added]


def own_synonyms(locale: str) -> list[tuple[str, str, str]]:
    """(slot type, value id, synonym) for every synonym the locale adds to a shared slot value."""
    return [(type_name, value_id, synonym) for type_name, by_id in local_wording(locale).get("synonyms", {}).items()
            for value_id, synonyms in by_id.items() for synonym in synonyms]


@functools.cache
def builtin_samples() -> dict[str, list[str]]:
    """The resolver's own phrases for AMAZON.* intents (Alexa knows them without samples)."""
    return {name: phrases for name, phrases in _read(BUILTIN_SAMPLES).items() if not name.startswith("_")}


@functools.cache
def resolver_for(name: str) -> IntentResolver:
    """The offline resolver of model `name`, built the way the skill builds a locale's."""
    if name in LANGUAGES:
        return IntentResolver.from_model(whole_model(name), builtin_samples())
    return IntentResolver.for_locale(name)
