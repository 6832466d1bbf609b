"""Launch, help, fallback, stop, repeat, session end, odd input and the error path, through real envelopes."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest


ENVELOPES = sorted((Path(__file__).parent / "envelopes").glob("*.json"))


def test_first_ever_launch_gives_the_disclaimer_then_what_the_skill_does(chat):
    said = chat.launch()
    assert "not medical advice" in said.speech and "call 911" in said.speech and "can't call for you" in said.speech
    assert "stretches" in said.speech and "heat" in said.speech and not said.ends
    later = chat.launch()
    assert "not medical advice" not in later.speech and len(later.speech) < 80


def test_a_first_ever_one_shot_request_hears_the_short_disclaimer(chat):
    said = chat.intent("PreventionTipIntent")
    assert said.speech.startswith("Quick note") and "911" in said.speech
    assert not chat.intent("PreventionTipIntent").speech.startswith("Quick note")


def test_a_first_ever_emergency_puts_the_number_before_everything(chat):
    said = chat.intent("SymptomReportIntent", symptom="I wet myself and didn't notice")
    assert said.speech.startswith("Call 911")


def test_help_is_contextual(returning_chat):
    chat = returning_chat
    chat.launch()
    general = chat.intent("AMAZON.HelpIntent")
    assert "lower back, neck or whole back" in general.speech
    chat.intent("StartStretchIntent", area=("neck", "neck"))
    during = chat.intent("AMAZON.HelpIntent")
    assert "During a routine" in during.speech and "routine" in during.attributes


def test_help_during_a_question_keeps_the_question(chat):
    chat.launch()
    chat.intent("HeatTimerIntent")
    said = chat.intent("AMAZON.HelpIntent")
    assert said.attributes["question"]["id"] == "heat_screen"
    assert chat.no().attributes["question"]["id"] == "heat_screen"


def test_fallback_says_what_the_skill_can_do(chat):
    chat.launch()
    said = chat.intent("AMAZON.FallbackIntent")
    assert "stretches" in said.speech and not said.ends


def test_unknown_intent_is_answered_calmly(chat):
    chat.launch()
    said = chat.intent("BookAFlightIntent", destination="Paris")
    assert said.speech and not said.ends


def test_yes_with_no_question_pending(chat):
    chat.launch()
    said = chat.yes()
    assert "stretches" in said.speech and not said.ends


def test_repeat_outside_a_routine_replays_the_last_answer(chat):
    chat.launch()
    tip = chat.intent("PreventionTipIntent")
    again = chat.intent("AMAZON.RepeatIntent")
    assert again.speech == tip.speech and again.attributes["question"]["id"] == "another_tip"


def test_stop_cancel_and_home_end_the_session(chat):
    for name in ("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent"):
        chat.launch()
        said = chat.intent(name)
        assert said.ends and said.speech


def test_session_ended_says_nothing(chat):
    chat.launch()
    said = chat.end("EXCEEDED_MAX_REPROMPTS")
    assert said.speech == "" and "outputSpeech" not in said.raw["response"]


@pytest.mark.parametrize("slots", [{"duration": "P1000Y"}, {"duration": "PT-5M"}, {"duration": ""},
                                   {"duration": "x" * 5000}, {"topic": "carrots"}, {"area": "elbow"}])
def test_odd_slot_values_get_a_calm_answer(chat, slots):
    chat.launch()
    name = "HeatTimerIntent" if "duration" in slots else "PreventionTipIntent" if "topic" in slots else \
        "StartStretchIntent"
    said = chat.intent(name, **slots)
    assert said.speech and "wrong" not in said.speech


def test_damaged_session_attributes_are_read_as_a_fresh_conversation(chat):
    chat.launch()
    chat.session.attributes = {"v": 1, "routine": {"routine": "lower_back", "step": "three"},
                               "question": ["not", "a", "dict"], "last_speech": 42}
    said = chat.intent("AMAZON.NextIntent")
    assert "no routine running" in said.speech


def test_a_handler_error_apologises_and_keeps_the_previous_state(chat, store, monkeypatch):
    chat.launch()
    chat.intent("StartStretchIntent", area=("lower back", "lower_back"))
    chat.no()
    before = copy.deepcopy(chat.session.attributes)

    def broken(*_args, **_kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(store, "save_attributes", broken)
    said = chat.intent("AMAZON.NextIntent")
    assert "something went wrong" in said.speech and not said.ends
    assert said.attributes == before
    monkeypatch.undo()
    assert "Step 1 of" in chat.intent("AMAZON.NextIntent").speech


@pytest.mark.parametrize("path", ENVELOPES, ids=lambda p: p.name)
def test_lambda_handler_answers_every_envelope_in_tests(path, tmp_path, monkeypatch):
    monkeypatch.setenv("SPINE_COACH_DB", str(tmp_path / "lambda.db"))
    import importlib

    import lambda_function

    handler = importlib.reload(lambda_function).lambda_handler
    response = handler(json.loads(path.read_text()), None)
    assert response["version"] == "1.0"
    request_type = json.loads(path.read_text())["request"]["type"]
    if request_type in ("LaunchRequest", "IntentRequest"):
        assert response["response"]["outputSpeech"]["ssml"].startswith("<speak>")

