"""Everything the skill says, loaded from `skill/locale/` once per locale.

Each document exists as a language base (`locale/en/`) with an optional overlay for the exact locale
(`locale/en-US/`) whose top-level keys replace the base's: two levels, as in the alexa-samples fact skill.
Paths are resolved from this file, never from the working directory.
"""

from __future__ import annotations

import functools
import json
import random
import re
import string
from pathlib import Path
from typing import Any, Mapping

LOCALE_DIR = Path(__file__).resolve().parents[1] / "locale"
DEFAULT_LOCALE = "en-US"
BASE_LANGUAGE = "en"  # spoken where no better match exists; names no country's emergency number

# Documents whose entries are phrases looked up by dotted key: spoken ones, and the labels screens show.
SPOKEN_DOCUMENTS = ("prompts", "advice", "reminders")
# The facts of locale.json that phrases say ({emergency_number}...); the others are notes, sources or settings.
SPOKEN_FACTS = ("emergency_number", "urgent_help", "routine_help")
PHRASE_DOCUMENTS = (*SPOKEN_DOCUMENTS, "screens")


@functools.cache
def supported_locales() -> tuple[str, ...]:
    return tuple(sorted(p.name for p in LOCALE_DIR.iterdir() if p.is_dir() and "-" in p.name))


@functools.cache
def supported_languages() -> tuple[str, ...]:
    return tuple(sorted(p.name for p in LOCALE_DIR.iterdir() if p.is_dir() and "-" not in p.name))


def resolve_locale(locale: str | None) -> str:
    """The content to speak for `locale`: its own, else its language's base, else the default.

    Never another country's overlay: en-US content would tell someone in the UK or Australia to call 911.
    The language base names no number ("your local emergency number")."""
    if locale in supported_locales():
        return locale
    # Only names of folders we ship: the locale comes from the request, so it must never become a path.
    language = locale.split("-")[0] if isinstance(locale, str) else ""
    return language if language in supported_languages() else BASE_LANGUAGE


@functools.cache
def load_document(locale: str, name: str) -> Mapping[str, Any]:
    """The merged document `name` for `locale`: language base, then the exact locale's overlay."""
    merged: dict[str, Any] = {}
    for folder in dict.fromkeys((LOCALE_DIR / locale.split("-")[0], LOCALE_DIR / locale)):
        path = folder / f"{name}.json"
        if path.is_file():
            merged.update(json.loads(path.read_text(encoding="utf-8")))
    if not merged:
        raise FileNotFoundError(f"no {name}.json for locale {locale} under {LOCALE_DIR}")
    return merged


@functools.cache
def phone_numbers() -> tuple[str, ...]:
    """Every emergency or health-line number some locale speaks: the whole numbers in its locale.json's spoken
    facts ("999", "NHS 111 or your GP"). Speech says them digit by digit, so a new locale's number needs no code."""
    spoken = [str(load_document(locale, "locale").get(fact, "")) for locale in supported_locales()
              for fact in SPOKEN_FACTS]
    return tuple(sorted({number for text in spoken for number in re.findall(r"\d+", text)}))


@functools.cache
def load_sources() -> Mapping[str, str]:
    return json.loads((LOCALE_DIR / "sources.json").read_text(encoding="utf-8"))["sources"]


def variants(entry: Any) -> list[str]:
    """The spoken variants of a phrase entry: a string, a list, or {"say": ..., "sources": [...]}."""
    if isinstance(entry, dict):
        entry = entry["say"]
    return [entry] if isinstance(entry, str) else list(entry)


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


class Content:
    """The phrasebook for one locale. `say` picks a variant with the injected random generator."""

    def __init__(self, locale: str, rng: random.Random | None = None):
        self.locale = locale
        self._rng = rng or random.Random()
        self._phrases: dict[str, Any] = {}
        for name in PHRASE_DOCUMENTS:
            self._phrases.update(load_document(locale, name))
        self._facts = load_document(locale, "locale")
        self._variants: dict[str, tuple[str, ...]] = {}  # key -> its variants, read from the entry on first use

    def say(self, key: str, **slots: Any) -> str:
        """One variant of phrase `key`, its placeholders filled from `slots` and the locale's facts
        (emergency_number, urgent_help, routine_help); KeyError for an unknown key or placeholder."""
        options = self._variants.get(key)
        if options is None:
            options = self._variants[key] = tuple(variants(self._phrases[key]))
        choice = options[0] if len(options) == 1 else self._rng.choice(options)
        return fill(choice, {**self._facts, **slots}) if "{" in choice else choice

    def has(self, key: str) -> bool:
        return key in self._phrases

    def keys(self) -> list[str]:
        return sorted(self._phrases)

    def document(self, name: str) -> Mapping[str, Any]:
        return load_document(self.locale, name)

    @property
    def facts(self) -> Mapping[str, str]:
        return self._facts


class _PhraseFormatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        if "/" in format_spec:  # "{minutes:minute/minutes}": the number and its word, singular for exactly 1
            one, many = format_spec.split("/", 1)
            return f"{value} {one if str(value) == '1' else many}"
        return super().format_field(value, format_spec)


_PHRASE_FORMATTER = _PhraseFormatter()


def fill(template: str, values: Mapping[str, Any]) -> str:
    """A phrase with its placeholders filled; `{minutes:minute/minutes}` says "1 minute" but "15 minutes"."""
    if ":" in template:
        return _PHRASE_FORMATTER.vformat(template, (), values)
    return template.format_map(values)  # the common case, at str.format's speed
