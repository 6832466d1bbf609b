"""Five English locales: each answer names that country's emergency number first and never another country's,
says it the way people there say it, and understands the words people there use (A&E, the loo, the ER, GP).

Locales with no content of their own (en-NZ, en-IE, other languages) hear "your local emergency number" and no
country's number at all: 111 is NHS 111 in the UK but the emergency number in New Zealand (clinical-facts 1D).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from skill.alexa.app import invoke
from skill.core.content import (BASE_LANGUAGE, LOCALE_DIR, Content, load_document, phone_numbers, resolve_locale,
                                supported_locales)
from skill.alexa.envelopes import AlexaSession, intent, launch
from skill.alexa.interaction_model import model_locales
from skill.local.talk import LocalConversation
from skill.core.safety.triage import triage_for
from skill.core.speech import Say, parse_ssml, ssml_to_text, to_ssml

from conftest import Said

REPO = Path(__file__).resolve().parents[1]
# Checked by hand against clinical-facts: each locale's emergency number (1D, 6B) and where its emergency answer
# sends someone who can be driven (1A). A locale added later is held to its own files by every other test here.
REVIEWED_NUMBERS = {"en-US": "911", "en-CA": "911", "en-GB": "999", "en-AU": "000", "en-IN": "112"}
REVIEWED_PLACES = {"en-US": "the emergency room", "en-CA": "the emergency room", "en-GB": "A&E",
                   "en-AU": "the emergency department", "en-IN": "the nearest hospital emergency department"}
EMERGENCY_NUMBERS = {locale: load_document(locale, "locale")["emergency_number"] for locale in supported_locales()}
_PLACE = re.compile(r"^Call \{emergency_number\} now, or have someone take you to (.+?)\.")
EMERGENCY_PLACES = {locale: match.group(1) if match else None for locale in supported_locales()
                    for match in [_PLACE.match(load_document(locale, "advice")["triage.emergency"]["say"])]}
LOCALES = sorted(EMERGENCY_NUMBERS)
UNPUBLISHED = ["en-NZ", "en-IE", "en-ZA", "fr-FR", "de-DE", "", "nonsense"]
EMERGENCY_SYMPTOM = {"symptom": "I wet myself and didn't notice"}
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")  # a whole number token: "NHS 111" holds 111, "10,000" holds no 000


def numbers_in(text: str) -> set[str]:
    return set(NUMBER.findall(text))


def allowed_numbers(locale: str) -> set[str]:
    """The emergency number and any number in the locale's other help (NHS 111 is the UK's urgent line)."""
    facts = load_document(locale, "locale")
    return {EMERGENCY_NUMBERS[locale], *numbers_in(f"{facts['urgent_help']} {facts['routine_help']}")}


def foreign_numbers(locale: str, text: str) -> set[str]:
    """Emergency and health-line numbers in `text` that are not this locale's own."""
    return numbers_in(text) & (set(phone_numbers()) - allowed_numbers(locale))


def spoken_strings(locale: str) -> list[str]:
    """Every string of the locale's merged documents that can reach a user, with its facts filled in; the red-flag
    vocabulary (what users say), sources and notes for writers left out."""
    facts = {key: value for key, value in load_document(locale, "locale").items() if isinstance(value, str)}
    names = {path.stem for folder in (LOCALE_DIR / BASE_LANGUAGE, LOCALE_DIR / locale) if folder.is_dir()
             for path in folder.glob("*.json")} - {"red_flags", "locale"}
    found = [value for key, value in facts.items() if not key.startswith("_")]

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, child in node.items():
                if key != "sources" and not key.startswith("_"):
                    walk(child)
        elif isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, str):
            found.append(re.sub(r"\{(\w+)\}", lambda m: facts.get(m.group(1), m.group(0)), node))

    for name in sorted(names):
        walk(load_document(locale, name))
    return found


def ask(skill, locale: str, request: dict, user: str = "amzn1.ask.account.LOCALES") -> Said:
    return Said(invoke(AlexaSession(locale=locale, user_id=user).envelope(request), skill))


def after_launch(skill, locale: str, request: dict) -> Said:
    """`request` in a session opened with a launch, so the first-use disclaimer has been heard."""
    session = AlexaSession(locale=locale)
    session.absorb(invoke(session.envelope(launch()), skill))
    return Said(invoke(session.envelope(request), skill))


def emergency_answer(skill, locale: str) -> Said:
    return ask(skill, locale, intent("SymptomReportIntent", EMERGENCY_SYMPTOM))


def test_every_published_locale_has_content_a_model_an_emergency_number_and_a_place():
    assert set(model_locales()) == set(supported_locales())
    for locale in supported_locales():
        assert EMERGENCY_NUMBERS[locale].isdigit(), f"{locale}/locale.json must name its own emergency number"
        assert EMERGENCY_PLACES[locale], f"{locale}/advice.json's triage.emergency must name where to go"
    for locale, number in REVIEWED_NUMBERS.items():
        assert (EMERGENCY_NUMBERS[locale], EMERGENCY_PLACES[locale]) == (number, REVIEWED_PLACES[locale])


# --- the emergency answer, the warning signs and the disclaimer -------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_an_emergency_symptom_is_answered_with_the_locales_number_first(skill, locale):
    said = emergency_answer(skill, locale)
    number = EMERGENCY_NUMBERS[locale]
    assert said.speech.startswith(f"Call {number} now, or have someone take you to {EMERGENCY_PLACES[locale]}.")
    assert said.triage == "emergency" and said.ends
    assert numbers_in(said.speech) == {number}


@pytest.mark.parametrize("locale", LOCALES)
def test_the_warning_signs_start_with_the_locales_number(skill, locale):
    said = after_launch(skill, locale, intent("WarningSignsIntent"))
    number = EMERGENCY_NUMBERS[locale]
    assert said.speech.startswith(f"Call {number} straight away")
    assert numbers_in(said.speech) == {number}
    assert said.triage is None and not said.ends  # information, not an alarm


@pytest.mark.parametrize("locale", LOCALES)
def test_the_disclaimer_names_the_locales_number(skill, locale):
    number = EMERGENCY_NUMBERS[locale]
    first_launch = ask(skill, locale, launch())
    assert f"In an emergency, call {number}: I can't call for you." in first_launch.speech
    assert numbers_in(first_launch.speech) == {number}
    one_shot = ask(skill, locale, intent("PreventionTipIntent"), user="amzn1.ask.account.NEW")  # the short one
    assert one_shot.speech.startswith(f"Quick note: I give information, not medical advice. In an emergency, call "
                                      f"{number};")
    assert foreign_numbers(locale, one_shot.speech) == set()


@pytest.mark.parametrize("locale", LOCALES)
def test_nothing_a_locale_says_names_another_countrys_number(locale):
    """Every phrase, tip, routine and screen label, facts filled in: only the locale's own numbers, whole tokens."""
    text = " ".join(spoken_strings(locale))
    assert EMERGENCY_NUMBERS[locale] in numbers_in(text)
    assert foreign_numbers(locale, text) == set()


def test_the_uk_names_nhs_111_for_urgent_advice_and_nobody_else_does(skill):
    urgent = ask(skill, "en-GB", intent("SymptomReportIntent", {"symptom": "my foot slaps when I walk"}))
    assert urgent.triage == "urgent"
    assert urgent.speech.startswith("Please get medical advice today from NHS 111 or your GP, and call 999")
    assert numbers_in(urgent.speech) == {"111", "999"}
    for locale in set(LOCALES) - {"en-GB"}:
        other = ask(skill, locale, intent("SymptomReportIntent", {"symptom": "my foot slaps when I walk"}))
        assert other.triage == "urgent" and numbers_in(other.speech) == allowed_numbers(locale), locale


@pytest.mark.parametrize(("locale", "urgent", "routine"), [
    ("en-US", "your doctor or an urgent care clinic", "your doctor or physical therapist"),
    ("en-CA", "your doctor, a walk-in clinic or your provincial health line", "your doctor or physiotherapist"),
    ("en-GB", "NHS 111 or your GP", "your GP or physio"),
    ("en-AU", "your GP or the healthdirect helpline", "your GP or physio"),
    ("en-IN", "your doctor or a hospital", "your doctor or physiotherapist"),
])
def test_urgent_and_routine_help_use_the_local_words(locale, urgent, routine):
    content = Content(locale)
    assert content.say("triage.urgent").startswith(f"Please get medical advice today from {urgent}, and call")
    assert content.say("triage.soon").startswith(f"That's worth checking with {routine},")


def test_the_us_disclaimer_says_physical_therapist_and_the_others_physio():
    assert "doctor's or physical therapist's plan" in Content("en-US").say("disclaimer.full")
    for locale in set(LOCALES) - {"en-US"}:
        assert "doctor's or physio's plan" in Content(locale).say("disclaimer.full"), locale


@pytest.mark.parametrize("locale", UNPUBLISHED)
def test_locales_without_their_own_content_never_hear_a_countrys_number(skill, locale):
    said = emergency_answer(skill, locale)
    assert said.speech.startswith("Call your local emergency number now.")
    assert numbers_in(said.speech) == set()
    signs = after_launch(skill, locale, intent("WarningSignsIntent"))
    assert signs.speech.startswith("Call your local emergency number straight away")
    assert numbers_in(signs.speech) == set()


def test_the_language_base_names_no_emergency_number_at_all():
    text = " ".join(spoken_strings(BASE_LANGUAGE))
    assert "your local emergency number" in text
    assert numbers_in(text) & set(phone_numbers()) == set()


# --- overlays stay small and in step with the base ----------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_the_emergency_overlay_only_adds_the_local_place(locale):
    """The overlay repeats the base wording with one clause added, so a change to the base must reach it too."""
    base = load_document(BASE_LANGUAGE, "advice")["triage.emergency"]
    local = load_document(locale, "advice")["triage.emergency"]
    added = f"Call {{emergency_number}} now, or have someone take you to {EMERGENCY_PLACES[locale]}."
    assert local["say"] == base["say"].replace("Call {emergency_number} now.", added, 1)
    assert set(base["sources"]) <= set(local["sources"])


@pytest.mark.parametrize("locale", LOCALES)
def test_locale_facts_carry_their_sources(locale):
    facts = load_document(locale, "locale")
    assert facts["sources"] and set(facts["sources"]) <= set(json.loads(
        (REPO / "skill" / "locale" / "sources.json").read_text(encoding="utf-8"))["sources"])


# --- saying the numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_every_number_a_locale_speaks_is_read_digit_by_digit(locale):
    """Marked for digits wherever it is said, or Alexa would say "nine hundred and ninety-nine"."""
    for number in allowed_numbers(locale):
        assert f'<say-as interpret-as="digits">{number}</say-as>' in to_ssml([Say(f"Call {number} now.")]), number


@pytest.mark.parametrize("locale", LOCALES)
def test_alexa_reads_the_number_as_digits_and_the_text_keeps_them(skill, locale):
    said = emergency_answer(skill, locale)
    number = EMERGENCY_NUMBERS[locale]
    assert said.ssml.startswith(f'<speak>Call <say-as interpret-as="digits">{number}</say-as> now,')
    assert said.speech.startswith(f"Call {number} now,")


@pytest.mark.parametrize("locale", LOCALES)
def test_the_offline_voice_reads_the_number_digit_by_digit(skill, locale):
    exchange = LocalConversation(skill, AlexaSession(locale=locale)).hear("I've wet myself and can't feel it")
    spelled = " ".join(EMERGENCY_NUMBERS[locale])
    assert exchange.record["speech"].startswith(f"Call {EMERGENCY_NUMBERS[locale]} now")  # the transcript
    assert isinstance(exchange.parts[0], Say) and exchange.parts[0].text.startswith(f"Call {spelled} now")


@pytest.mark.parametrize(("text", "ssml_words", "voice"), [
    ("call 999: now", 'call <say-as interpret-as="digits">999</say-as>: now', "call 9 9 9: now"),
    ("call 000.", 'call <say-as interpret-as="digits">000</say-as>.', "call 0 0 0."),
    ("walk 10,000 steps", "walk 10,000 steps", "walk 10,000 steps"),
    ("9110 or 1999 or 999.5 or 2.999", "9110 or 1999 or 999.5 or 2.999", "9110 or 1999 or 999.5 or 2.999"),
    ("hold for 15 seconds", "hold for 15 seconds", "hold for 15 seconds"),
])
def test_only_whole_phone_numbers_are_read_digit_by_digit(text, ssml_words, voice):
    ssml = to_ssml([Say(text)])
    assert ssml == f"<speak>{ssml_words}</speak>"
    (part,) = parse_ssml(ssml)
    assert part.text == voice  # what the offline voice is given
    assert part.written == text  # what the runner shows
    assert ssml_to_text(ssml) == text


def test_nhs_111_is_read_one_one_one():
    ssml = to_ssml([Say(Content("en-GB").say("triage.urgent"))])
    assert 'NHS <say-as interpret-as="digits">111</say-as> or your GP' in ssml
    (part,) = parse_ssml(ssml)
    assert "NHS 1 1 1 or your GP" in part.text and "call 9 9 9 if" in part.text


# --- the offline runner: each locale's model and content ----------------------------------------------------


@pytest.mark.parametrize(("locale", "utterance"), [
    ("en-GB", "Should I go to A&E?"),
    ("en-GB", "do I need to see my GP"),
    ("en-GB", "should I call NHS 111"),
    ("en-US", "should I go to the ER"),
    ("en-US", "do I need to go to urgent care"),
    ("en-CA", "should I go to emerg"),
    ("en-CA", "should I go to a walk-in clinic"),
    ("en-AU", "when should I call 000"),
    ("en-AU", "should I go to ED"),
    ("en-IN", "when should I consult a doctor"),
    ("en-IN", "should I call 112"),
])
def test_local_words_for_getting_help_reach_the_warning_signs(skill, locale, utterance):
    conversation = LocalConversation(skill, AlexaSession(locale=locale))
    conversation.hear("open spine coach")
    record = conversation.hear(utterance).record
    assert record["intent"] == "WarningSignsIntent"
    assert record["speech"].startswith(f"Call {EMERGENCY_NUMBERS[locale]} straight away")


@pytest.mark.parametrize(("locale", "utterance", "intent_name", "slots"), [
    # "it's playing up" said alone now gets the learned opinion's clarifying question, and a check-in answer naming
    # the body part ("my back is paining") keeps its words as a report: these shapes are the check-in's own.
    ("en-GB", "that one's playing up", "PainCheckIntent", {"feeling": "playing up"}),
    ("en-GB", "time my wheat bag for ten minutes", "HeatTimerIntent", {"duration": "PT10M"}),
    ("en-GB", "a tip about carrying the shopping", "PreventionTipIntent", {"topic": "carrying the shopping"}),
    ("en-US", "start my PT exercises", "StartStretchIntent", {}),
    ("en-CA", "any tips for shovelling snow", "PreventionTipIntent", {"topic": "shovelling snow"}),
    ("en-AU", "it's a bit crook", "PainCheckIntent", {"feeling": "a bit crook"}),
    ("en-IN", "that one is paining", "PainCheckIntent", {"feeling": "paining"}),
    ("en-IN", "time my hot water bag for fifteen minutes", "HeatTimerIntent", {"duration": "PT15M"}),
])
def test_local_words_resolve_in_their_own_locale(skill, locale, utterance, intent_name, slots):
    record = LocalConversation(skill, AlexaSession(locale=locale)).hear(utterance).record
    assert record["intent"] == intent_name
    for name, value in slots.items():
        assert record["slots"][name] == value


def test_each_locale_talks_with_its_own_model(skill):
    us, gb, nz = (LocalConversation(skill, AlexaSession(locale=locale)) for locale in ("en-US", "en-GB", "en-NZ"))
    assert gb.resolver.resolve("it's playing up").slots["feeling"].id == "hurts"
    assert us.resolver.resolve("it's playing up").slots["feeling"].id is None  # a British way of hurting
    assert nz.resolver is us.resolver  # other English speakers are understood by the default English model


def test_done_when_talk_en_gb_answers_with_999_first(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "skill", "talk", "--locale", "en-GB", "--json", "--no-voice", "--db",
         str(tmp_path / "talk.db"), "open spine coach", "I've wet myself and can't feel it"],
        capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    turns = [json.loads(line) for line in result.stdout.splitlines()]
    assert [turn["request_type"] for turn in turns] == ["LaunchRequest", "IntentRequest"]
    assert "In an emergency, call 999" in turns[0]["speech"]
    answer = turns[1]
    assert answer["triage"] == "emergency" and answer["end_session"]
    assert answer["speech"].startswith("Call 999 now, or have someone take you to A&E.")
    assert numbers_in(answer["speech"]) == {"999"}


def test_the_plain_text_runner_shows_the_number_as_written(tmp_path):
    # The offline voice is given "9 9 9" so that it says each digit; the words on screen stay "999".
    result = subprocess.run(
        [sys.executable, "-m", "skill", "talk", "--locale", "en-GB", "--no-voice", "--db", str(tmp_path / "t.db"),
         "I've wet myself and can't feel it"], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Call 999 now" in result.stdout and "9 9 9" not in result.stdout


# --- red flags in local words -----------------------------------------------------------------------------


LOCAL_RED_FLAG_WORDS = [
    ("en-GB", "I can't wee", "emergency"),
    ("en-GB", "I've wet myself", "emergency"),
    ("en-GB", "I've weed myself and didn't notice", "emergency"),
    ("en-GB", "I've lost control of my waterworks", "emergency"),
    ("en-GB", "I can't tell when I need the loo any more", "emergency"),
    ("en-GB", "it's numb when I wipe after the loo", "emergency"),
    ("en-GB", "my fanny has gone numb", "emergency"),
    ("en-GB", "I can't go to the loo", "clarify"),
    ("en-US", "I peed my pants", "emergency"),
    ("en-US", "I don't know when I need to use the bathroom", "emergency"),
    ("en-US", "I can't go to the bathroom", "clarify"),
    ("en-CA", "I can't go to the washroom", "clarify"),
    ("en-AU", "I need a wee but nothing comes out", "emergency"),
    ("en-AU", "I can't go to the dunny", "clarify"),
    ("en-IN", "I am not able to pass urine", "emergency"),
    ("en-IN", "urine is not coming since morning", "emergency"),
    ("en-IN", "I passed urine in my clothes", "emergency"),
    ("en-IN", "I passed motion without knowing", "emergency"),
]
# Everyday uses of the same words: never an emergency or same-day answer.
EVERYDAY_LOCAL_WORDS = [
    ("en-GB", "I can wee normally, no problems with the loo"),
    ("en-GB", "I've had a sore back for a wee while"),
    ("en-GB", "my wee one can't settle at night"),
    ("en-GB", "I've a wee problem with my posture"),
    ("en-GB", "I don't know if I should go to the loo before my stretches"),
    ("en-IN", "I have loose motions"),
    ("en-US", "I left my fanny pack in the car"),
    ("en-US", "my grandson can't tell when he needs the bathroom"),
]


@pytest.mark.parametrize(("locale", "utterance", "tier"), LOCAL_RED_FLAG_WORDS)
def test_local_words_for_red_flags_are_caught(locale, utterance, tier):
    finding = triage_for(resolve_locale(locale)).classify(utterance)
    assert finding is not None and finding.tier == tier, finding


@pytest.mark.parametrize(("locale", "utterance"), EVERYDAY_LOCAL_WORDS)
def test_everyday_uses_of_local_words_raise_no_alarm(locale, utterance):
    finding = triage_for(resolve_locale(locale)).classify(utterance)
    assert finding is None or finding.tier not in ("emergency", "urgent"), finding


@pytest.mark.parametrize(("locale", "room"), [("en-GB", "loo"), ("en-US", "bathroom"), ("en-CA", "washroom"),
                                               ("en-AU", "toilet"), ("en-IN", "toilet")])
def test_i_cant_go_to_the_loo_asks_once_then_gives_the_locales_number(skill, locale, room):
    conversation = LocalConversation(skill, AlexaSession(locale=locale))
    conversation.hear("open spine coach")
    question = conversation.hear(f"I can't go to the {room}").record
    assert question["triage"] == "clarify" and not question["end_session"]
    answer = conversation.hear("yes").record
    assert answer["triage"] == "emergency" and answer["speech"].startswith(f"Call {EMERGENCY_NUMBERS[locale]} now")


# --- which content a request gets -------------------------------------------------------------------------


@pytest.mark.parametrize(("asked", "spoken"), [
    *((locale, locale) for locale in EMERGENCY_NUMBERS),
    ("en-NZ", "en"), ("en-IE", "en"), ("fr-FR", "en"), ("en", "en"), ("EN-GB", "en"), (None, "en")])
def test_resolve_locale(asked, spoken):
    assert resolve_locale(asked) == spoken


@pytest.mark.parametrize("asked", ["..", "../..-US", "/etc", "a" * 5000, "", 42, "en/../..", "en-GB/../en-US"])
def test_a_locale_from_the_request_never_becomes_a_path(asked):
    assert resolve_locale(asked) == "en"
