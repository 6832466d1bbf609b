"""An emergency answer names the right number for the request's locale, and never another country's."""

from __future__ import annotations

import pytest

from skill.content import resolve_locale
from skill.envelopes import AlexaSession, intent

from conftest import Said
from skill.app import invoke

EMERGENCY = {"symptom": "I wet myself and didn't notice"}


def emergency_speech(skill, locale: str) -> str:
    session = AlexaSession(locale=locale)
    return Said(invoke(session.envelope(intent("SymptomReportIntent", EMERGENCY)), skill)).speech


def test_en_us_says_911_first(skill):
    assert emergency_speech(skill, "en-US").startswith("Call 911 now")


@pytest.mark.parametrize("locale", ["en-GB", "en-AU", "en-NZ", "en-IN", "fr-FR", "de-DE", "", "nonsense"])
def test_locales_without_their_own_content_never_hear_another_countrys_number(skill, locale):
    speech = emergency_speech(skill, locale)
    assert speech.startswith("Call your local emergency number now")
    assert "911" not in speech


@pytest.mark.parametrize("asked, spoken", [("en-US", "en-US"), ("en-GB", "en"), ("fr-FR", "en"), (None, "en")])
def test_resolve_locale(asked, spoken):
    assert resolve_locale(asked) == spoken


@pytest.mark.parametrize("asked", ["..", "../..-US", "/etc", "a" * 5000, "", 42, "en/../.."])
def test_a_locale_from_the_request_never_becomes_a_path(asked):
    assert resolve_locale(asked) == "en"
