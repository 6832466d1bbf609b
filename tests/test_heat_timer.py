"""The heat timer through real envelopes: screening, default and cap, clarifying, cool-down, status, cancel."""

from __future__ import annotations

import pytest

from conftest import Chat
from skill.profile import HEAT_SCREEN_QUESTIONS

SAFETY = ("towel", "on top of you", "never fall asleep")


def screened(chat: Chat, answers=(False,) * len(HEAT_SCREEN_QUESTIONS), duration=None):
    """Ask for heat and answer the first-time screening; the response to the last answer."""
    chat.launch()
    said = chat.intent("HeatTimerIntent", duration=duration)
    for answer in answers:
        assert said.attributes["question"]["id"] == "heat_screen"
        said = chat.yes() if answer else chat.no()
        if answer:
            break
    return said


def test_first_heat_request_screens_then_starts_fifteen_minutes_with_the_safety_essentials(chat, alarm):
    first = chat.launch() and chat.intent("HeatTimerIntent")
    assert "four quick" in first.speech and "numb" in first.speech
    said = first
    for _ in HEAT_SCREEN_QUESTIONS:
        said = chat.no()
    assert "15 minutes" in said.speech and all(s in said.speech for s in SAFETY)
    assert alarm.started == [("amzn1.ask.account.TEST", 900)]
    assert said.ends


def test_screening_answers_are_remembered(chat, alarm):
    screened(chat)
    chat.later(hours=3)
    chat.launch()
    said = chat.intent("HeatTimerIntent")
    assert "four quick" not in said.speech and "15 minutes" in said.speech
    assert len(alarm.started) == 2


@pytest.mark.parametrize("question", range(len(HEAT_SCREEN_QUESTIONS)))
def test_a_yes_advises_against_heat_and_offers_alternatives(chat, alarm, question):
    answers = [False] * question + [True]
    said = screened(chat, answers)
    assert "check with your doctor" in said.speech and "Gentle movement" in said.speech
    assert alarm.started == []
    chat.later(hours=1)
    chat.launch()
    again = chat.intent("HeatTimerIntent")
    assert "Earlier you told me" in again.speech and alarm.started == []
    assert "Gentle movement" in chat.no().speech


def test_professional_clearance_lets_heat_start_and_is_remembered(chat, alarm):
    screened(chat, [True])
    chat.launch()
    chat.intent("HeatTimerIntent")
    said = chat.yes()
    assert "remember" in said.speech and alarm.started == []
    for _ in HEAT_SCREEN_QUESTIONS[1:]:  # clearance for one answer does not skip the questions not yet asked
        assert said.attributes["question"]["id"] == "heat_screen"
        said = chat.no()
    assert "15 minutes" in said.speech and len(alarm.started) == 1
    chat.later(hours=3)
    chat.launch()
    assert "15 minutes" in chat.intent("HeatTimerIntent").speech


@pytest.mark.parametrize("duration, minutes", [("PT10M", 10), ("PT20M", 20), ("PT18M", 18)])
def test_a_stated_duration_up_to_twenty_minutes_is_honoured(chat, alarm, duration, minutes):
    said = screened(chat, duration=duration)
    assert f"{minutes} minutes" in said.speech and "longer than is safe" not in said.speech
    assert alarm.started[-1][1] == minutes * 60


@pytest.mark.parametrize("duration, asked", [("PT45M", 45), ("PT1H30M", 90), ("PT90M", 90)])
def test_more_than_twenty_minutes_is_capped_with_a_reason(chat, alarm, duration, asked):
    said = screened(chat, duration=duration)
    assert f"{asked} minutes is longer than is safe" in said.speech and "set 20" in said.speech
    assert alarm.started[-1][1] == 20 * 60


@pytest.mark.parametrize("duration", ["PT0M", "?", "-PT5M", "PT20S", "banana"])
def test_zero_negative_or_nonsense_gets_a_clarifying_question(chat, alarm, duration):
    chat.launch()
    said = chat.intent("HeatTimerIntent", duration=duration)
    assert "How many minutes" in said.speech and not said.ends
    assert said.attributes["question"]["id"] == "heat_duration"
    assert alarm.started == []


def test_the_clarified_duration_then_starts(chat, alarm):
    chat.launch()
    chat.intent("HeatTimerIntent", duration="?")
    said = chat.intent("HeatTimerIntent", duration="PT12M")
    for _ in HEAT_SCREEN_QUESTIONS:
        said = chat.no()
    assert "12 minutes" in said.speech


def test_status_and_cancel(chat, alarm):
    screened(chat)
    chat.later(minutes=6)
    chat.launch()
    status = chat.intent("HeatStatusIntent")
    assert "About 9 minutes left" in status.speech
    chat.launch()
    cancelled = chat.intent("CancelHeatIntent")
    assert "cancelled" in cancelled.speech and "skin" in cancelled.speech
    assert alarm.cancelled == ["amzn1.ask.account.TEST"]
    chat.launch()
    assert "no heat timer running" in chat.intent("HeatStatusIntent").speech
    assert "no heat timer running" in chat.intent("CancelHeatIntent").speech


def test_asking_again_while_heat_runs_reports_the_time_left(chat, alarm):
    screened(chat)
    chat.later(minutes=5)
    chat.launch()
    said = chat.intent("HeatTimerIntent")
    assert "already running" in said.speech and "10 minutes" in said.speech
    assert len(alarm.started) == 1


def test_cool_down_of_two_hours_between_sessions(chat, alarm):
    screened(chat)  # 08:00-08:15
    chat.later(minutes=15 + 60)  # 09:15, 60 minutes after it ended
    chat.launch()
    early = chat.intent("HeatTimerIntent")
    assert "two hours between heat sessions" in early.speech and "60 more minutes" in early.speech
    assert len(alarm.started) == 1
    chat.later(minutes=60)
    chat.launch()
    assert "15 minutes" in chat.intent("HeatTimerIntent").speech
    assert len(alarm.started) == 2


def test_cool_down_counts_from_a_cancelled_session(chat):
    screened(chat)
    chat.later(minutes=5)
    chat.launch()
    chat.intent("CancelHeatIntent")
    chat.later(minutes=119)
    chat.launch()
    assert "about a minute more" in chat.intent("HeatTimerIntent").speech


def test_a_host_without_an_alarm_says_to_set_a_timer_too(store):
    import random

    from skill.app import create_skill

    chat = Chat(create_skill(persistence=store, rng=random.Random(0)))
    said = screened(chat)
    assert "can't ring" in said.speech and "15 minute timer" in said.speech
