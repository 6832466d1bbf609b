"""The heat timer through real envelopes: screening, default and cap, clarifying, cool-down, status, cancel,
pause and resume (the device timer itself is tests/test_device_timers.py)."""

from __future__ import annotations

import json
import random
import sqlite3
import threading
from contextlib import closing

import pytest

from conftest import MORNING, Chat
from skill.app import create_skill
from skill.local.alarm import LocalAlarm
from skill.local.clock import FakeClock
from skill.profile import HEAT_SCREEN_QUESTIONS

SAFETY = ("towel", "on top of you", "never fall asleep")
MORNING_EPOCH = MORNING.timestamp()


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


def test_pause_freezes_the_time_left_and_resume_carries_on_from_it(chat, alarm):
    screened(chat)  # 08:00, 15 minutes
    chat.later(minutes=5)
    chat.launch()
    paused = chat.intent("PauseHeatIntent")
    assert "paused" in paused.speech.lower() and paused.ends and alarm.paused == ["amzn1.ask.account.TEST"]
    chat.later(minutes=40)
    chat.launch()
    assert "paused, with about 10 minutes left" in chat.intent("HeatStatusIntent").speech
    assert "paused, with about 10 minutes left" in chat.intent("HeatTimerIntent").speech  # not a second session
    chat.launch()
    resumed = chat.intent("ResumeHeatIntent")
    assert "running again" in resumed.speech and "About 10 minutes left" in resumed.speech
    assert alarm.resumed == ["amzn1.ask.account.TEST"] and len(alarm.started) == 1


def test_pausing_twice_or_resuming_a_running_timer_says_how_things_stand(chat, alarm):
    screened(chat)
    chat.launch()
    assert "already running" in chat.intent("ResumeHeatIntent").speech and alarm.resumed == []
    chat.intent("PauseHeatIntent")
    chat.launch()
    assert "paused, with about 15 minutes left" in chat.intent("PauseHeatIntent").speech
    assert len(alarm.paused) == 1


def test_pause_and_resume_with_no_heat_running_say_so(chat, alarm):
    chat.launch()
    assert "no heat timer running" in chat.intent("PauseHeatIntent").speech
    assert "no heat timer running" in chat.intent("ResumeHeatIntent").speech
    assert alarm.paused == alarm.resumed == []


def test_a_plain_pause_and_resume_mean_the_heat_when_no_routine_runs(chat, alarm):
    screened(chat)
    chat.launch()
    assert "paused" in chat.intent("AMAZON.PauseIntent").speech.lower()
    chat.launch()
    assert "running again" in chat.intent("AMAZON.ResumeIntent").speech
    assert alarm.paused == alarm.resumed == ["amzn1.ask.account.TEST"]


def test_a_plain_resume_with_the_heat_running_still_offers_the_unfinished_routine(returning_chat, alarm):
    chat = returning_chat
    chat.launch()
    chat.intent("StartStretchIntent", area=("lower back", "lower_back"))  # screened today: the first step
    chat.intent("AMAZON.StopIntent")  # left part way
    chat.launch()
    chat.intent("HeatTimerIntent")
    for _ in HEAT_SCREEN_QUESTIONS:
        chat.no()
    chat.launch()
    said = chat.intent("AMAZON.ResumeIntent")
    assert alarm.resumed == [] and said.attributes["routine"]["routine"] == "lower_back"


def test_the_cool_down_counts_from_the_real_end_of_a_paused_session(chat):
    screened(chat)  # 08:00
    chat.later(minutes=5)
    chat.launch()
    chat.intent("PauseHeatIntent")
    chat.later(minutes=30)
    chat.launch()
    chat.intent("ResumeHeatIntent")  # ends at 08:45 now
    chat.later(minutes=10 + 110)  # 10:35
    chat.launch()
    assert "10 more minutes" in chat.intent("HeatTimerIntent").speech


def test_a_session_paused_and_forgotten_for_an_hour_is_over(chat, alarm):
    screened(chat)
    chat.launch()
    chat.intent("PauseHeatIntent")
    chat.later(minutes=61)
    chat.launch()
    assert "no heat timer running" in chat.intent("HeatStatusIntent").speech


def test_a_profile_stored_before_device_timers_still_loads(store, alarm):
    started = MORNING.timestamp()
    old = {"v": 1, "disclaimer_heard": True, "heat_screen": {q: False for q in HEAT_SCREEN_QUESTIONS},
           "heat": {"started_at": started, "ends_at": started + 900}}
    chat = Chat(create_skill(persistence=store, alarm=alarm, rng=random.Random(0)))
    chat.launch()  # creates the table
    with closing(sqlite3.connect(store.path)) as db, db:
        db.execute("UPDATE attributes SET data = ? WHERE id = ?", (json.dumps(old), chat.session.user_id))
    chat.later(minutes=5)
    chat.launch()
    assert "About 10 minutes left" in chat.intent("HeatStatusIntent").speech
    chat.launch()
    assert "paused" in chat.intent("PauseHeatIntent").speech.lower()


def test_the_offline_runners_alarm_pauses_and_resumes_on_its_clock(store):
    clock = FakeClock(start=MORNING_EPOCH)
    local = LocalAlarm(clock)
    chat = Chat(create_skill(persistence=store, alarm=local, rng=random.Random(0)))
    screened(chat)
    assert local.next_due() == MORNING_EPOCH + 900
    clock.wait(300, threading.Event())
    chat.later(minutes=5)
    chat.launch()
    chat.intent("PauseHeatIntent")
    assert local.next_due() is None  # a paused countdown never rings
    clock.wait(600, threading.Event())
    chat.later(minutes=10)
    chat.launch()
    assert "paused, with about 10 minutes left" in chat.intent("HeatStatusIntent").speech
    chat.launch()
    chat.intent("ResumeHeatIntent")
    assert local.next_due() == clock.now() + 600
