"""Guided stretch sessions through real envelopes: screening, warm-up, every control, the pain check-in."""

from __future__ import annotations

import re

import pytest

from audio_length import audio_seconds
from conftest import Chat
from skill.alexa.dialog import elicited_in
from skill.alexa.envelopes import intent
from skill.core.content import Content
from skill.core.flow import PAUSE_LATENCY_SECONDS, plan_segments
from skill.local.nlu.resolver import IntentResolver
from skill.core.routines import load_routines
from skill.core.speech import MAX_AUDIO_SECONDS, MAX_BREAK_SECONDS, MAX_SSML_CHARS, parse_ssml

LOWER_BACK = ("lower back", "lower_back")
FINE = ("feels fine", "fine")
EN_US = Content("en-US")


def start_lower_back(chat: Chat):
    chat.launch()
    screening = chat.intent("StartStretchIntent", area=LOWER_BACK)
    assert chat.no().attributes["routine"]["status"] == "ready"
    return screening


def routine_state(said):
    return said.attributes.get("routine")


def position(said) -> dict:
    """Where the routine stands, without the last lead's timing."""
    return {key: value for key, value in routine_state(said).items() if key not in ("led_at", "rep_ends",
                                                                                    "transition_seconds")}


def break_seconds(ssml: str) -> list[float]:
    return [float(s) for s in re.findall(r'<break time="([\d.]+)s"/>', ssml)]


def test_first_session_of_the_day_asks_one_screening_question_then_reminds_to_warm_up(chat):
    chat.launch()
    screening = chat.intent("StartStretchIntent", area=LOWER_BACK)
    assert "numbness between your legs" in screening.speech and not screening.ends
    assert screening.attributes["question"]["id"] == "stretch_screen"
    ready = chat.no()
    assert "warm up" in ready.speech.lower()
    assert "say next" in ready.reprompt.lower()
    first = chat.intent("AMAZON.NextIntent")
    assert "Step 1 of" in first.speech and routine_state(first)["status"] == "running"


def test_second_session_the_same_day_skips_the_screening(returning_chat):
    again = returning_chat.intent("StartStretchIntent", area=("neck", "neck"))
    assert "Step 1 of" in again.speech
    assert "numbness between your legs" not in again.speech
    assert routine_state(again)["routine"] == "neck"


def test_screening_the_next_day_asks_again(returning_chat):
    returning_chat.later(days=1)
    returning_chat.launch()
    said = returning_chat.intent("StartStretchIntent", area=LOWER_BACK)
    assert said.attributes["question"]["id"] == "stretch_screen"


def test_yes_to_the_screening_question_is_an_emergency(chat):
    chat.launch()
    chat.intent("StartStretchIntent", area=LOWER_BACK)
    said = chat.yes()
    assert said.speech.startswith("Call 911")
    assert said.triage == "emergency" and said.ends


def test_one_step_per_turn_with_holds_rendered_within_alexa_limits(chat):
    start_lower_back(chat)
    routine = load_routines("en-US")["lower_back"]
    said = chat.intent("AMAZON.NextIntent")
    turns = 0
    while not said.ends:
        turns += 1
        assert len(said.ssml) < MAX_SSML_CHARS
        assert all(0 < b <= MAX_BREAK_SECONDS for b in break_seconds(said.ssml))
        assert audio_seconds(parse_ssml(said.ssml)) <= MAX_AUDIO_SECONDS  # holds, sounds and speech
        assert "How did that feel?" in said.speech
        said = chat.intent("PainCheckIntent", feeling=FINE)
    assert turns == sum(len(plan_segments(step)) for step in routine.steps)
    assert "finished" in said.speech and "first session this week" in said.speech


def test_hold_length_is_in_the_audio(chat):
    start_lower_back(chat)
    routine = load_routines("en-US")["lower_back"]
    said = chat.intent("AMAZON.NextIntent")
    step = routine.steps[0]
    assert sum(break_seconds(said.ssml)) >= step.hold_seconds * plan_segments(step)[0].reps


def test_next_previous_repeat_pause_resume_start_over_and_skip(offline_chat):
    chat = offline_chat  # no once-a-session "Alexa, stop" to make the first lead differ from its repeats
    start_lower_back(chat)
    first = chat.intent("AMAZON.NextIntent")
    second = chat.intent("AMAZON.NextIntent")
    assert routine_state(second)["step"] == 1
    back = chat.intent("AMAZON.PreviousIntent")
    assert routine_state(back) == routine_state(first) and back.speech == first.speech
    at_start = chat.intent("AMAZON.PreviousIntent")
    assert "first stretch" in at_start.speech and routine_state(at_start)["step"] == 0
    repeated = chat.intent("AMAZON.RepeatIntent")
    assert routine_state(repeated) == routine_state(first)
    paused = chat.intent("AMAZON.PauseIntent")
    assert routine_state(paused)["status"] == "paused" and "resume" in paused.reprompt
    assert chat.intent("AMAZON.PauseIntent").speech.startswith("We're paused")
    resumed = chat.intent("AMAZON.ResumeIntent")
    assert routine_state(resumed)["status"] == "running" and "Step 1 of" in resumed.speech
    chat.intent("SkipStretchIntent")
    skipped = chat.intent("SkipStretchIntent")
    assert routine_state(skipped)["step"] == 2
    over = chat.intent("AMAZON.StartOverIntent")
    assert position(over) == {"routine": "lower_back", "step": 0, "segment": 0, "status": "running",
                              "hands_free": False, "rep": 0}


def test_controls_with_no_routine_running_say_so(returning_chat):
    returning_chat.launch()
    for name in ("AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.PauseIntent", "SkipStretchIntent"):
        said = returning_chat.intent(name)
        assert "no routine running" in said.speech and not said.ends


def test_that_hurts_stops_the_stretch_and_offers_to_skip_it(chat):
    start_lower_back(chat)
    chat.intent("AMAZON.NextIntent")
    hurt = chat.intent("PainCheckIntent", feeling=("that hurts", "hurts"))
    assert "skip it" in hurt.speech and routine_state(hurt)["status"] == "hurt"
    declined = chat.no()
    assert "repeat" in declined.speech and routine_state(declined)["status"] == "hurt"
    again = chat.intent("AMAZON.RepeatIntent")
    assert "Step 1 of" in again.speech
    chat.intent("PainCheckIntent", feeling=("it hurts", "hurts"))
    skipped = chat.yes()
    assert routine_state(skipped)["step"] == 1 and "Step 2 of" in skipped.speech


def test_pain_spreading_down_the_leg_stops_the_routine_with_centralisation_advice(chat):
    start_lower_back(chat)
    chat.intent("AMAZON.NextIntent")
    said = chat.intent("PainCheckIntent", feeling=("it's spreading down my leg", "spreading"))
    assert "spreading further down" in said.speech
    assert "routine" not in said.attributes
    assert said.triage in (None, "soon")
    assert chat.intent("AMAZON.NextIntent").speech.startswith("There's no routine")


def test_new_numbness_stops_the_routine_and_goes_to_triage(chat):
    start_lower_back(chat)
    chat.intent("AMAZON.NextIntent")
    asked = chat.intent("PainCheckIntent", feeling=("my leg's gone numb", "numb_or_weak"))
    assert asked.triage == "clarify" and "both legs" in asked.speech
    assert "routine" not in asked.attributes
    escalated = chat.yes()
    assert escalated.triage == "emergency" and escalated.speech.startswith("Call 911") and escalated.ends


def test_stop_mid_routine_is_offered_back_at_the_next_launch(chat):
    start_lower_back(chat)
    chat.intent("AMAZON.NextIntent")
    chat.intent("AMAZON.NextIntent")
    bye = chat.intent("AMAZON.StopIntent")
    assert bye.ends and "pick up where you left off" in bye.speech
    chat.later(hours=3)
    welcome = chat.launch()
    assert "step 2" in welcome.speech and welcome.attributes["question"]["id"] == "resume_offer"
    resumed = chat.yes()
    assert routine_state(resumed)["step"] == 1 and "Step 2 of" in resumed.speech


def test_declining_the_resume_offer_forgets_it(chat):
    start_lower_back(chat)
    chat.intent("AMAZON.NextIntent")
    chat.intent("AMAZON.StopIntent")
    chat.launch()
    chat.no()
    assert "resume_offer" not in str(chat.launch().attributes)


def test_week_count_grows_with_each_finished_routine(returning_chat):
    chat = returning_chat
    counts = []
    for day in range(3):
        if day:
            chat.later(days=1)
            chat.launch()
            chat.intent("StartStretchIntent", area=("neck", "neck"))
            chat.no()
        else:
            chat.launch()
            chat.intent("StartStretchIntent", area=("neck", "neck"))
        said = chat.intent("AMAZON.NextIntent")
        while not said.ends:
            said = chat.intent("AMAZON.NextIntent")
        counts.append(said.speech)
    assert "first session this week" in counts[0]
    assert "2 sessions this week" in counts[1] and "3 sessions this week" in counts[2]


def test_start_with_no_area_uses_the_last_routine(returning_chat):
    returning_chat.intent("StartStretchIntent", area=("neck", "neck"))
    returning_chat.intent("AMAZON.StopIntent")
    said = returning_chat.intent("StartStretchIntent")
    assert routine_state(said)["routine"] == "neck"


def test_session_state_is_versioned_json_primitives(chat):
    start_lower_back(chat)
    said = chat.intent("AMAZON.NextIntent")
    assert said.attributes["v"] == 1
    assert set(said.attributes["routine"]) == {"routine", "step", "segment", "status", "hands_free", "rep", "led_at",
                                               "rep_ends", "transition_seconds"}
    assert isinstance(said.attributes["last_speech"], str)


def test_ready_or_yes_after_the_warm_up_starts_the_first_stretch(chat):
    start_lower_back(chat)
    said = chat.yes()
    assert "Step 1 of" in said.speech and routine_state(said)["status"] == "running"


def test_pause_before_the_first_stretch_does_not_lose_step_one(chat):
    start_lower_back(chat)
    assert "haven't started" in chat.intent("AMAZON.PauseIntent").speech
    assert "Step 1 of" in chat.intent("AMAZON.NextIntent").speech


@pytest.mark.parametrize("said", ["resume", "carry on", "keep going", "okay let's keep going"])
def test_carry_on_said_while_a_stretch_runs_is_heard_as_a_person_means_it(chat, said):
    """Not "not now": after the check-in it moves on; said over a hold ("Alexa, keep going") it picks up at the
    rep reached, saying where. Through the resolver with what Alexa knows then (the check-in elicited)."""
    start_lower_back(chat)
    led = chat.intent("AMAZON.NextIntent")
    heard = IntentResolver.for_locale("en-US").resolve(said, context=elicited_in(led.raw))
    assert heard.intent == "AMAZON.ResumeIntent"
    chat.later(seconds=routine_state(led)["rep_ends"][0] + PAUSE_LATENCY_SECONDS + 1)  # one rep heard
    over_a_hold = chat.send(intent(heard.intent, {}))
    assert "where we left off, at 2 of" in over_a_hold.speech
    assert position(over_a_hold) == {**position(led), "rep": 1}
    chat.later(minutes=10)  # the segment played out: on to the next stretch
    moved_on = chat.send(intent(heard.intent, {}))
    assert routine_state(moved_on)["step"] == 1 and "Step 2 of" in moved_on.speech
    assert EN_US.say("flow.not_now.running") not in moved_on.speech
