"""The heat timer through real envelopes: screening (nothing of it stored), default and cap, clarifying, cool-down, status, cancel,
pause and resume (the device timer itself is tests/test_device_timers.py)."""

from __future__ import annotations

import json
import random
import sqlite3
import threading
from contextlib import closing

import pytest

from conftest import MORNING, Chat
from skill.alexa.app import create_skill
from skill.core.heat import HEAT_SCREEN_QUESTIONS
from skill.local.alarm import LocalAlarm
from skill.local.clock import FakeClock

SAFETY = ("lowest comfortable setting", "towel", "on top of you", "stays red", "pain grows", "never fall asleep")
FIRST_TIME = ("cord", "pin or fold", "heat rubs")  # the fuller checklist, after the full screening only
MORNING_EPOCH = MORNING.timestamp()
# What each grouped question asks about (clinical-facts 2D, 2E), in the order they are asked.
GROUPS = {
    "skin": ("numb", "broken", "infected", "diabetes", "poor circulation"),
    "today": ("fever", "drowsy from medicines or alcohol", "take the pad off yourself", "dementia"),
    "conditions": ("pregnant", "stroke", "spinal cord injury", "heart condition", "cancer", "radiotherapy"),
    "injury": ("new injury", "fall", "strain", "swelling", "last three days"),
}


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


def asked(said) -> tuple[str | None, str | None]:
    question = said.attributes.get("question") or {}
    return question.get("id"), (question.get("arg") or {}).get("q")


def stored(store, chat: Chat) -> dict:
    with closing(sqlite3.connect(store.path)) as db:
        row = db.execute("SELECT data FROM attributes WHERE id = ?", (chat.session.user_id,)).fetchone()
    return json.loads(row[0])


def test_the_first_heat_request_asks_four_grouped_questions_then_starts_with_the_fuller_safety_list(chat, alarm):
    said = chat.launch() and chat.intent("HeatTimerIntent")
    assert "four quick yes or no questions" in said.speech
    for question, items in GROUPS.items():
        assert asked(said) == ("heat_screen", question) and not said.ends and alarm.started == []
        assert all(item in said.speech.lower() for item in items), (question, said.speech)
        assert said.reprompt != said.speech and "say no" in said.reprompt  # the reprompt says how to answer
        said = chat.no()
    assert "that's all I need to know" in said.speech and "15 minutes" in said.speech
    assert all(s in said.speech for s in SAFETY + FIRST_TIME), said.speech
    assert alarm.started == [("amzn1.ask.account.TEST", 900)] and said.ends


def test_a_later_session_asks_one_short_combined_question_and_no_starts_it(chat, alarm):
    screened(chat)
    chat.later(hours=3)
    chat.launch()
    check = chat.intent("HeatTimerIntent")
    assert asked(check) == ("heat_check", None) and "four quick" not in check.speech
    assert check.speech.startswith("Quick safety check") and check.speech.endswith("?")
    assert all(item in check.speech for item in ("numb", "broken skin", "fever", "drowsiness", "new injury",
                                                 "health changed"))
    assert "Say no" in check.reprompt and "Say yes" in check.reprompt and len(alarm.started) == 1
    said = chat.no()
    assert "15 minutes" in said.speech and all(s in said.speech for s in SAFETY)
    assert not any(s in said.speech for s in FIRST_TIME)  # the every-time essentials stay short
    assert len(alarm.started) == 2 and said.ends


def test_a_yes_to_the_combined_question_goes_through_the_four_questions_again(chat, alarm):
    screened(chat)
    chat.later(hours=3)
    chat.launch()
    chat.intent("HeatTimerIntent")
    said = chat.yes()
    assert "again" in said.speech and asked(said) == ("heat_screen", "skin") and len(alarm.started) == 1
    for _ in HEAT_SCREEN_QUESTIONS:
        said = chat.no()
    assert "15 minutes" in said.speech and len(alarm.started) == 2


@pytest.mark.parametrize("question", ["skin", "conditions"])
def test_a_yes_that_needs_a_professional_asks_whether_one_has_said_heat_is_fine(chat, alarm, question):
    answers = [False] * HEAT_SCREEN_QUESTIONS.index(question) + [True]
    said = screened(chat, answers)
    assert "check with your doctor, nurse or midwife" in said.speech and said.speech.endswith("?")
    assert asked(said) == ("heat_clearance", question) and "Say yes if a professional" in said.reprompt
    no = chat.no()
    assert "Gentle movement" in no.speech and not no.ends and alarm.started == []


def test_a_professionals_go_ahead_carries_on_with_the_questions_and_is_not_remembered(chat, alarm, store):
    screened(chat, [True])
    said = chat.yes()  # a doctor has said heat is fine
    assert asked(said) == ("heat_screen", "today") and alarm.started == []
    said = chat.no()
    assert asked(said) == ("heat_screen", "conditions")
    said = chat.yes()
    assert asked(said) == ("heat_clearance", "conditions")
    said = chat.yes()
    assert asked(said) == ("heat_screen", "injury")
    said = chat.no()
    assert "15 minutes" in said.speech and len(alarm.started) == 1
    assert set(stored(store, chat)) == {"v", "disclaimer_heard", "screened_on", "completed", "unfinished",
                                        "last_routine", "tips_heard", "heat_screened_on", "heat", "heat_started"}
    assert stored(store, chat)["heat_started"] == [MORNING.date().isoformat()]  # a date, nothing of the answers
    chat.later(hours=3)
    chat.launch()
    assert asked(chat.intent("HeatTimerIntent")) == ("heat_check", None)  # the same short question as anyone


@pytest.mark.parametrize("answer", ["yes", "no"])
def test_no_screening_answer_is_stored_only_that_the_whole_screening_was_heard(chat, store, answer):
    chat.launch()
    said = chat.intent("HeatTimerIntent")
    while said.attributes.get("question", {}).get("id") in ("heat_screen", "heat_clearance"):
        clearance = said.attributes["question"]["id"] == "heat_clearance"
        said = chat.yes() if clearance or (answer == "yes" and asked(said)[1] in ("skin", "conditions")) else chat.no()
        raw = json.dumps(stored(store, chat))
        for word in (*HEAT_SCREEN_QUESTIONS, "diabetes", "pregnan", "numb", "clear", "contraindicat", "answer"):
            assert word not in raw, (word, raw)
    profile = stored(store, chat)
    assert profile["heat_screened_on"] == "2026-11-21" and profile["heat"]["ends_at"] == MORNING_EPOCH + 900
    assert not any(value is True for key, value in profile.items() if key != "disclaimer_heard")


def test_a_fever_drowsiness_or_no_one_to_take_the_pad_off_means_no_heat_and_the_full_screening_next_time(
        chat, alarm, store):
    said = screened(chat, [False, True])
    assert "leave the heat off" in said.speech and "fever" in said.speech and said.speech.endswith("?")
    assert not said.ends and asked(said) == (None, None) and alarm.started == []
    assert stored(store, chat)["heat_screened_on"] is None  # not heard to the end: nothing to remember
    chat.later(hours=3)
    chat.launch()
    again = chat.intent("HeatTimerIntent")
    assert "four quick" in again.speech and asked(again) == ("heat_screen", "skin")


def test_a_new_injury_suggests_cold_instead_and_names_the_emergency_number_for_a_serious_fall(chat, alarm):
    said = screened(chat, [False, False, False, True])
    assert "cold" in said.speech and "twenty minutes" in said.speech and "two or three days" in said.speech
    assert "serious fall or crash, call 911" in said.speech
    assert not said.ends and said.triage is None and alarm.started == []


def test_the_cool_down_comes_before_any_question(chat, alarm):
    screened(chat)
    chat.later(minutes=30)
    chat.launch()
    said = chat.intent("HeatTimerIntent")
    assert "two hours between heat sessions" in said.speech and asked(said) == (None, None)


def test_a_profile_from_the_earlier_version_drops_its_screening_answers_on_the_next_save(store, alarm):
    old = {"v": 1, "disclaimer_heard": True, "tips_heard": ["sleep_side"], "heat_cleared": True,
           "heat_screen": {"numb_skin": False, "diabetes": True, "circulation": False, "pregnancy": True}}
    chat = Chat(create_skill(persistence=store, alarm=alarm, rng=random.Random(0)))
    chat.launch()  # creates the table
    with closing(sqlite3.connect(store.path)) as db, db:
        db.execute("UPDATE attributes SET data = ? WHERE id = ?", (json.dumps(old), chat.session.user_id))
    chat.later(hours=1)
    launched = chat.launch()
    assert "Quick note" not in launched.speech  # loaded: the disclaimer was heard
    saved = stored(store, chat)
    assert "heat_screen" not in saved and "heat_cleared" not in saved
    assert "diabetes" not in json.dumps(saved) and "pregnancy" not in json.dumps(saved)
    assert saved["disclaimer_heard"] is True and saved["tips_heard"] == ["sleep_side"]
    said = chat.intent("HeatTimerIntent")  # the new screening is longer: heard once in full
    assert "four quick" in said.speech and asked(said) == ("heat_screen", "skin")


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


def test_each_heat_session_started_is_counted_by_its_date_a_cancelled_one_too(chat, alarm, store):
    screened(chat)  # 08:00, cancelled five minutes in: it was started, so the caregiver's week counts it
    chat.later(minutes=5)
    chat.launch()
    assert "cancelled" in chat.intent("CancelHeatIntent").speech
    assert stored(store, chat)["heat_started"] == ["2026-11-21"]
    chat.later(hours=3)
    chat.launch()
    assert asked(chat.intent("HeatTimerIntent")) == ("heat_check", None)
    assert stored(store, chat)["heat_started"] == ["2026-11-21"]  # asked about, not started yet
    assert "15 minutes" in chat.no().speech
    chat.launch()
    assert "already running" in chat.intent("HeatTimerIntent").speech  # asking again starts nothing
    chat.later(minutes=20)
    chat.launch()
    assert "two hours between heat sessions" in chat.intent("HeatTimerIntent").speech  # refused: nothing started
    assert len(alarm.started) == 2
    assert stored(store, chat)["heat_started"] == ["2026-11-21", "2026-11-21"]


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
    assert "two hours between heat sessions" in early.speech and "wait about an hour more" in early.speech
    assert len(alarm.started) == 1
    chat.later(minutes=60)
    chat.launch()
    assert asked(chat.intent("HeatTimerIntent")) == ("heat_check", None)
    assert "15 minutes" in chat.no().speech
    assert len(alarm.started) == 2


def test_cool_down_counts_from_a_cancelled_session(chat):
    screened(chat)
    chat.later(minutes=14)
    chat.launch()
    chat.intent("CancelHeatIntent")  # 14 of 15 minutes: the gap in proportion, 112 minutes
    chat.later(minutes=111)
    chat.launch()
    said = chat.intent("HeatTimerIntent")
    assert "You only had 14 minutes of heat" in said.speech and "about a minute more" in said.speech


def test_a_session_cancelled_seconds_in_does_not_hold_up_the_next(chat, alarm):
    screened(chat)
    chat.later(seconds=20)
    chat.launch()
    chat.intent("CancelHeatIntent")
    chat.later(minutes=1)
    chat.launch()
    said = chat.intent("HeatTimerIntent")
    assert asked(said) == ("heat_check", None) and "two hours" not in said.speech
    assert said.speech.startswith("You only had a minute of heat last time, so you can start again now.")
    assert "15 minutes" in chat.no().speech and len(alarm.started) == 2


def test_a_short_session_needs_a_rest_in_proportion_to_its_heat_then_says_why_heat_can_start(chat, alarm):
    screened(chat)  # 08:00
    chat.later(minutes=2)
    chat.launch()
    chat.intent("PauseHeatIntent")  # the pause is not heat: 2 minutes had, not 32
    chat.later(minutes=30)
    chat.launch()
    chat.intent("ResumeHeatIntent")
    chat.launch()
    chat.intent("CancelHeatIntent")  # 08:32, two minutes of heat: 16 minutes of rest
    chat.later(minutes=10)
    chat.launch()
    early = chat.intent("HeatTimerIntent")
    assert early.speech == ("You only had 2 minutes of heat, so your skin needs about 6 minutes more before the "
                            "next session.")
    chat.later(minutes=6)
    chat.launch()
    said = chat.intent("HeatTimerIntent")
    assert said.speech.startswith("You only had 2 minutes of heat last time, so you can start again now.")
    assert asked(said) == ("heat_check", None)
    chat.no()
    assert len(alarm.started) == 2


@pytest.mark.parametrize(
    "minutes_left, wait",
    # From an hour on, to the quarter hour and never short: a wait said short sends someone back to the heat early.
    [(120, "two hours"), (106, "two hours"), (105, "an hour and three quarters"), (90, "an hour and a half"),
     (89, "an hour and a half"), (61, "an hour and a quarter"), (60, "an hour"), (59, "59 minutes"),
     (35, "35 minutes"), (1, "a minute")],
)
def test_a_full_session_keeps_the_two_hours_and_the_wait_is_said_in_hours(chat, minutes_left, wait):
    screened(chat)  # 08:00-08:15
    chat.later(minutes=15 + 120 - minutes_left)
    chat.launch()
    said = chat.intent("HeatTimerIntent")
    assert said.speech == f"Your skin needs two hours between heat sessions, so please wait about {wait} more."


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
    chat.later(minutes=10 + 110)  # 10:35: 15 minutes of heat had, so two hours from its end at 08:45
    chat.launch()
    assert "about 10 minutes more" in chat.intent("HeatTimerIntent").speech


def test_a_session_paused_and_forgotten_for_an_hour_is_over(chat, alarm):
    screened(chat)
    chat.launch()
    chat.intent("PauseHeatIntent")
    chat.later(minutes=61)
    chat.launch()
    assert "no heat timer running" in chat.intent("HeatStatusIntent").speech


def test_a_profile_stored_before_device_timers_still_loads(store, alarm):
    started = MORNING.timestamp()
    old = {"v": 1, "disclaimer_heard": True,
           "heat_screen": {q: False for q in ("numb_skin", "diabetes", "circulation", "pregnancy")},
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
