"""A red flag is caught in any state of the conversation, in any intent's words, and answered by tier."""

from __future__ import annotations

from typing import Callable

import pytest

from conftest import Chat
from skill.core.content import Content
from skill.core.heat import HEAT_SCREEN_QUESTIONS

EMERGENCY = "I wet myself and didn't notice"


def at_launch(chat: Chat) -> None:
    chat.launch()


def at_stretch_screening(chat: Chat) -> None:
    chat.launch()
    chat.intent("StartStretchIntent", area=("lower back", "lower_back"))


def at_warm_up(chat: Chat) -> None:
    at_stretch_screening(chat)
    chat.no()


def mid_stretch(chat: Chat) -> None:
    at_warm_up(chat)
    chat.intent("AMAZON.NextIntent")


def paused(chat: Chat) -> None:
    mid_stretch(chat)
    chat.intent("AMAZON.PauseIntent")


def after_a_stretch_hurt(chat: Chat) -> None:
    mid_stretch(chat)
    chat.intent("PainCheckIntent", feeling=("that hurts", "hurts"))


def mid_heat_screening(chat: Chat) -> None:
    chat.launch()
    chat.intent("HeatTimerIntent")


def mid_heat(chat: Chat) -> None:
    mid_heat_screening(chat)
    for _ in HEAT_SCREEN_QUESTIONS:
        chat.no()
    chat.launch()


def mid_tips(chat: Chat) -> None:
    chat.launch()
    chat.intent("PreventionTipIntent")


def mid_warning_signs(chat: Chat) -> None:
    chat.launch()
    chat.intent("WarningSignsIntent")


STATES: list[Callable[[Chat], None]] = [at_launch, at_stretch_screening, at_warm_up, mid_stretch, paused,
                                        after_a_stretch_hurt, mid_heat_screening, mid_heat, mid_tips,
                                        mid_warning_signs]


@pytest.mark.parametrize("state", STATES, ids=lambda s: s.__name__)
def test_emergency_from_every_state(chat, alarm, state):
    state(chat)
    said = chat.intent("SymptomReportIntent", symptom=EMERGENCY)
    assert said.speech.startswith("Call 911")
    assert "can't call for you" in said.speech
    assert said.triage == "emergency" and said.ends
    assert "routine" not in said.attributes
    if state is mid_heat:
        assert alarm.cancelled == ["amzn1.ask.account.TEST"]


@pytest.mark.parametrize("state", STATES, ids=lambda s: s.__name__)
def test_emergency_in_a_slot_of_another_intent(chat, state):
    state(chat)
    said = chat.intent("PainCheckIntent", feeling=("I can't feel my bottom when I wipe", None))
    assert said.triage == "emergency" and said.speech.startswith("Call 911")


def test_an_emergency_forgets_the_unfinished_routine(chat):
    mid_stretch(chat)
    chat.intent("SymptomReportIntent", symptom=EMERGENCY)
    chat.later(hours=4)
    assert "Shall we carry on" not in chat.launch().speech


def test_urgent_stops_the_routine_but_keeps_talking(chat):
    mid_stretch(chat)
    said = chat.intent("SymptomReportIntent", symptom="my foot slaps when I walk")
    assert said.triage == "urgent" and not said.ends
    assert "today" in said.speech and "911" in said.speech
    assert "routine" not in said.attributes


def test_soon_suggests_an_appointment_and_lets_the_routine_go_on(chat):
    mid_stretch(chat)
    said = chat.intent("SymptomReportIntent", symptom="I've done the exercises for two weeks and nothing's changed")
    assert said.triage == "soon" and "appointment" in said.speech
    assert said.attributes["routine"]["status"] == "running"
    assert chat.intent("AMAZON.NextIntent").triage is None


def test_clarify_asks_one_question_and_escalates_on_yes(chat):
    mid_stretch(chat)
    asked = chat.intent("SymptomReportIntent", symptom="I've had a bit of an accident")
    assert asked.triage == "clarify" and asked.speech.endswith("?") and not asked.ends
    escalated = chat.yes()
    assert escalated.triage in ("emergency", "urgent")
    assert escalated.speech.startswith("Call 911") or "today" in escalated.speech


def test_clarify_no_carries_on(chat):
    mid_stretch(chat)
    chat.intent("SymptomReportIntent", symptom="I've had a bit of an accident")
    said = chat.no()
    assert said.triage is None and "routine" in said.attributes and "next" in said.speech


def test_triage_is_absent_when_no_tier_was_reached(chat):
    chat.launch()
    said = chat.intent("SymptomReportIntent", symptom="I had numbness last year but it's all gone now")
    assert "triage" not in said.attributes
    assert "triage" not in chat.intent("PreventionTipIntent").attributes


@pytest.mark.parametrize(("state", "says_stop"), [(at_launch, False), (mid_stretch, True)],
                         ids=["no routine", "routine running"])
def test_same_day_advice_mentions_stopping_the_stretches_only_when_some_run(chat, state, says_stop):
    state(chat)
    said = chat.intent("SymptomReportIntent", symptom="my foot slaps when I walk")
    assert said.triage == "urgent" and said.speech.startswith("Please get medical advice today")
    assert ("stop the stretches" in said.speech) is says_stop


def test_a_weak_foot_that_is_not_in_both_legs_still_gets_same_day_advice(chat):
    """'Both legs?' -- 'no' must not end in "tell me if that changes": a new weak foot is itself same-day."""
    chat.launch()
    asked = chat.intent("SymptomReportIntent", symptom="I've got new weakness in my foot")
    assert asked.triage == "clarify" and asked.speech.startswith("If it's severe or came on suddenly, call 911 now")
    said = chat.no()
    assert said.triage == "urgent" and said.speech.startswith("Please get medical advice today")


def test_a_soon_sign_said_as_a_check_in_gets_the_check_in_answer_and_the_appointment(chat):
    """The pain check-in's own answer may carry the safer advice; triage adds the appointment after it."""
    mid_stretch(chat)
    said = chat.intent("PainCheckIntent", feeling=("worse than before", "hurts"))
    content = Content("en-US")
    assert said.triage == "soon" and said.speech.endswith(content.say("triage.soon_also"))
    assert not said.speech.startswith(content.say("triage.soon"))  # the check-in's own answer comes first
    assert said.attributes["question"]["id"] == "skip_offer"  # "that hurts": the stretch handler offers a skip
