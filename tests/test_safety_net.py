"""A safety net in every state (issue 11): whenever the skill did not catch what was said (AMAZON.FallbackIntent,
or a pain check-in it could not place), its first sentence names the locale's emergency number, then it repeats
what it was waiting for, and the conversation carries on exactly as if nothing had been missed.

On an Echo a sentence Alexa could not place arrives as FallbackIntent with none of its words, so the skill cannot
know whether it was "I can't feel my legs": the number comes first, in every state and every locale.

"Carries on exactly": the user's next words (a yes to the pending question, next in a routine...) get the same
response, with the same session state, as in a twin conversation that never had the missed turn.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Callable

import pytest

from alexa_api import ACCESS_TOKEN
from conftest import Chat, Said
from reminders_api import RemindersService
from skill.alexa import consent
from skill.alexa.app import create_skill
from skill.alexa.handlers import yes_no_answers
from skill.core.content import Content, supported_locales
from skill.alexa.envelopes import AlexaSession, resolved_slot
from skill.stores.sqlite import SQLitePersistenceAdapter
from skill.core.speech import Say, parse_ssml, ssml_to_text
from skill.core.state import Question
from fakes import FakeAlarm

# The number each locale must name, as written (its locale.json; tests/test_locales.py holds the reviewed ones); the
# voice says it digit by digit (say-as digits).
EMERGENCY_NUMBERS = {locale: Content(locale).facts["emergency_number"] for locale in supported_locales()}
LOCALES = list(EMERGENCY_NUMBERS)
USER = "amzn1.ask.account.SAFETY-NET"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def sentences(text: str) -> list[str]:
    return SENTENCE_END.split(text.strip())


class World:
    """What a conversation runs against: a fresh store and alarm per chat; the Alexa API stub (with the Reminders
    API) only for the cases that call it."""

    def __init__(self, tmp_path, request, locale: str):
        self.tmp_path, self.request, self.locale = tmp_path, request, locale
        self.chats = 0
        self.api = self.reminders = None

    def chat(self) -> Chat:
        self.chats += 1
        store = SQLitePersistenceAdapter(self.tmp_path / f"chat-{self.chats}.db")
        chat = Chat(create_skill(persistence=store, alarm=FakeAlarm(), rng=random.Random(0)), user=USER)
        chat.session = AlexaSession(user_id=USER, locale=self.locale)
        return chat

    def on_an_echo(self, chat: Chat) -> Chat:
        if self.api is None:
            self.api = self.request.getfixturevalue("alexa_api")
            self.reminders = RemindersService(self.api)
        chat.session.api_endpoint, chat.session.api_access_token = self.api.endpoint, ACCESS_TOKEN
        chat.session.granted_scopes = (consent.REMINDERS,)
        return chat

    def between_twins(self) -> None:
        if self.reminders is not None:
            self.reminders.reminders.clear()  # the twin's reminder must not become one to replace


# States: each brings a chat there and returns the last response -----------------------------------------------------

def first_use(world: World, chat: Chat) -> Said | None:
    return None  # nothing yet: the missed words are a first-ever one-shot request


def at_the_menu(world: World, chat: Chat) -> Said:
    return chat.launch()


def during_heat(world: World, chat: Chat) -> Said:
    chat.launch()
    chat.start_heat()
    chat.later(minutes=2)
    said = chat.launch()
    assert "question" not in said.attributes
    return said


def at_stretch_screening(world: World, chat: Chat) -> Said:
    chat.launch()
    return chat.intent("StartStretchIntent", area=("lower back", "lower_back"))


def ready_to_begin(world: World, chat: Chat) -> Said:
    at_stretch_screening(world, chat)
    return chat.no()


def in_a_routine(world: World, chat: Chat) -> Said:
    ready_to_begin(world, chat)
    said = chat.intent("AMAZON.NextIntent")
    assert said.attributes["routine"]["status"] == "running"
    return said


def routine_paused(world: World, chat: Chat) -> Said:
    in_a_routine(world, chat)
    return chat.intent("AMAZON.PauseIntent")


def hands_free_before_the_first_stretch(world: World, chat: Chat) -> Said:
    chat.launch()
    said = chat.intent("StartStretchIntent", area=("lower back", "lower_back"),
                       mode=resolved_slot("mode", "hands free", "STRETCH_MODE", "hands_free"))
    assert said.attributes["routine"]["status"] == "ready" and "question" not in said.attributes
    return said


def offered_a_skip(world: World, chat: Chat) -> Said:
    in_a_routine(world, chat)
    return chat.intent("PainCheckIntent", feeling=("that hurts", "hurts"))


def asked_to_clarify(world: World, chat: Chat) -> Said:
    chat.launch()
    return chat.intent("SymptomReportIntent", symptom="I've had a bit of an accident")


def offered_more_signs(world: World, chat: Chat) -> Said:
    chat.launch()
    return chat.intent("WarningSignsIntent")


def offered_another_tip(world: World, chat: Chat) -> Said:
    chat.launch()
    return chat.intent("PreventionTipIntent")


def offered_to_resume(world: World, chat: Chat) -> Said:
    in_a_routine(world, chat)
    chat.intent("AMAZON.StopIntent")
    chat.later(hours=1)
    return chat.launch()


def heat_screening(world: World, chat: Chat) -> Said:
    chat.launch()
    return chat.intent("HeatTimerIntent")


def heat_check(world: World, chat: Chat) -> Said:
    """A later session's short question, once the full screening was heard and the cool-down is over."""
    during_heat(world, chat)
    chat.later(hours=3)
    chat.launch()
    return chat.intent("HeatTimerIntent")


def heat_clearance(world: World, chat: Chat) -> Said:
    """The question after a screening yes that a professional may have cleared: found by answering yes to each
    screening question in turn (nothing of the screening is stored, so each try starts afresh)."""
    for answered_no in range(10):
        chat.launch()
        said = chat.intent("HeatTimerIntent")
        for _ in range(answered_no):
            said = chat.no()
        if (said.attributes.get("question") or {}).get("id") != "heat_screen":
            break
        said = chat.yes()
        if (said.attributes.get("question") or {}).get("id") == "heat_clearance":
            return said
    pytest.fail("no heat screening question leads to the clearance question")


def asked_for_a_heat_duration(world: World, chat: Chat) -> Said:
    chat.launch()
    return chat.intent("HeatTimerIntent", duration="PT0M")


def offered_a_reminder(world: World, chat: Chat) -> Said:
    world.on_an_echo(chat)
    chat.launch()
    return chat.intent("SetReminderIntent", time="08:00")


def asked_for_a_reminder_time(world: World, chat: Chat) -> Said:
    chat.launch()
    return chat.intent("SetReminderIntent")


# The cases ----------------------------------------------------------------------------------------------------------

def fallback(chat: Chat) -> Said:
    return chat.intent("AMAZON.FallbackIntent")


def unclear_pain_check(chat: Chat) -> Said:
    return chat.intent("PainCheckIntent", feeling=("purple", None))  # a value no PAIN_FEELING matches


def yes(chat: Chat) -> Said:
    return chat.yes()


def intent(name: str) -> Callable[[Chat], Said]:
    return lambda chat: chat.intent(name)


@dataclass(frozen=True)
class Case:
    reach: Callable[[World, Chat], Said | None]
    question: Question | None  # the pending question; its reprompt is what the net repeats
    waiting_for: str | None  # otherwise the content key of the guidance the net repeats
    follow_up: Callable[[Chat], Said] | None  # the user's next words, which must work as if nothing was missed
    missed: Callable[[Chat], Said] = fallback

    @property
    def name(self) -> str:
        return self.reach.__name__ + ("" if self.missed is fallback else f"-{self.missed.__name__}")


CASES = [
    Case(first_use, None, "fallback.general", None),
    Case(at_the_menu, None, "fallback.general", intent("PreventionTipIntent")),
    Case(during_heat, None, "fallback.heat", intent("HeatStatusIntent")),
    Case(in_a_routine, None, "fallback.routine", intent("AMAZON.NextIntent")),
    Case(in_a_routine, None, "stretch.check_in_unclear", intent("AMAZON.NextIntent"), missed=unclear_pain_check),
    Case(routine_paused, None, "stretch.paused_reprompt", intent("AMAZON.ResumeIntent")),
    Case(hands_free_before_the_first_stretch, None, "stretch.ready_reprompt", intent("AMAZON.NextIntent")),
    # every question answered by yes or no (test_every_yes_no_question_has_a_case)
    Case(at_stretch_screening, Question.STRETCH_SCREEN, None, yes),
    Case(ready_to_begin, Question.READY_TO_BEGIN, None, yes),
    Case(offered_a_skip, Question.SKIP_OFFER, None, yes),
    Case(asked_to_clarify, Question.CLARIFY, None, yes),
    Case(offered_more_signs, Question.MORE_SIGNS, None, yes),
    Case(offered_another_tip, Question.ANOTHER_TIP, None, yes),
    Case(offered_to_resume, Question.RESUME_OFFER, None, yes),
    Case(heat_screening, Question.HEAT_SCREEN, None, yes),
    Case(heat_check, Question.HEAT_CHECK, None, yes),
    Case(heat_clearance, Question.HEAT_CLEARANCE, None, yes),
    Case(asked_for_a_heat_duration, Question.HEAT_DURATION, None, yes),
    Case(offered_a_reminder, Question.REMINDER_OFFER, None, yes),
    Case(asked_for_a_reminder_time, Question.REMINDER_TIME, None, yes),
]


def test_every_yes_no_question_has_a_case():
    """A permission question needs none: while it is open Alexa holds the session, so no words can be missed."""
    assert {case.question for case in CASES if case.question} == set(yes_no_answers(FakeAlarm(), random.Random(0)))


def comparable(said: Said) -> dict:
    return {"response": said.raw.get("response"), "attributes": said.attributes}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_the_number_first_then_what_was_awaited_and_nothing_lost(tmp_path, request, case, locale):
    world = World(tmp_path, request, locale)
    content = Content(locale)
    number = EMERGENCY_NUMBERS[locale]

    chat = world.chat()
    before = case.reach(world, chat)
    if case.question:
        assert before.attributes["question"]["id"] == case.question, before
    said = case.missed(chat)

    # The first sentence names the emergency number: as written in the text, digit by digit for the voice.
    first = sentences(ssml_to_text(said.ssml))[0]
    assert number in first, said
    voice = parse_ssml(said.ssml)[0]
    assert isinstance(voice, Say) and " ".join(number) in sentences(voice.text)[0]
    assert "something went wrong" not in said.speech.lower() and not said.ends

    # Then what the skill was waiting for: the pending question's reprompt, or the state's guidance.
    rest = said.speech[len(sentences(said.speech)[0]):].strip()
    awaited = before.reprompt if case.question else content.say(case.waiting_for)
    assert awaited and rest.startswith(awaited), (rest, awaited)

    # Nothing is lost: the question stays open, the routine where it was.
    if before is not None:
        assert said.attributes.get("question") == before.attributes.get("question")
        assert said.attributes.get("routine") == before.attributes.get("routine")
    if case.follow_up is None:
        return
    after_the_miss = case.follow_up(chat)
    world.between_twins()
    twin = world.chat()
    case.reach(world, twin)
    world.between_twins()
    assert comparable(after_the_miss) == comparable(case.follow_up(twin))
