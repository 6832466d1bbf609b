"""`python -m skill talk`: the JSON transcript, one-shot and launch phrasing, and state across two runs."""

from __future__ import annotations

import io
import json
import random

import pytest

from skill.app import create_skill
from skill.envelopes import AlexaSession
from skill.local.talk import LocalConversation, run
from skill.timers import FakeAlarm

KEYS = {"heard", "request_type", "intent", "slots", "speech", "reprompt", "end_session", "triage", "directives"}


@pytest.fixture
def local(store):
    clock = [1_795_000_000.0]

    def tick():
        clock[0] += 20
        return clock[0]

    return LocalConversation(create_skill(persistence=store, alarm=FakeAlarm(), rng=random.Random(0)),
                             AlexaSession(user_id="amzn1.ask.account.TALK"), clock=tick)


def transcript(local, *utterances):
    out = io.StringIO()
    run(local, utterances, as_json=True, out=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_json_lines_have_exactly_the_agreed_keys_and_types(local):
    turns = transcript(local, "open spine coach", "what can I say", "give me a tip about sleep")
    assert [set(t) for t in turns] == [KEYS] * 3
    for turn in turns:
        assert isinstance(turn["speech"], str) and "<" not in turn["speech"]
        assert isinstance(turn["slots"], dict) and isinstance(turn["directives"], list)
        assert isinstance(turn["end_session"], bool)
    assert turns[0]["request_type"] == "LaunchRequest" and turns[0]["intent"] is None
    assert turns[1]["intent"] == "AMAZON.HelpIntent"
    assert turns[2]["intent"] == "PreventionTipIntent" and turns[2]["slots"]["topic"]


def test_one_shot_request_starts_a_session_with_that_intent(local):
    turn = transcript(local, "ask spine coach to start my neck stretches")[0]
    assert turn["request_type"] == "IntentRequest" and turn["intent"] == "StartStretchIntent"


def test_typed_red_flag_is_screened_before_intent_resolution(local):
    turns = transcript(local, "open spine coach", "start my lower back stretches", "no", "next",
                       "my husband can't feel his bottom when he wipes")
    last = turns[-1]
    assert last["intent"] == "SymptomReportIntent" and last["triage"] == "emergency"
    assert last["speech"].startswith("Call 911") and last["end_session"]


def test_blank_lines_are_ignored_and_nonsense_falls_back(local):
    turns = transcript(local, "open spine coach", "   ", "the cat sat on the mat")
    assert len(turns) == 2 and turns[1]["intent"] == "AMAZON.FallbackIntent" and not turns[1]["end_session"]


def test_text_mode_prints_the_reply(local):
    out = io.StringIO()
    run(local, ["open spine coach"], as_json=False, out=out)
    assert out.getvalue().startswith("Spine Coach: Welcome to Spine Coach.")


def test_resume_offer_works_across_two_runs(tmp_path):
    from test_acceptance import talk

    db = tmp_path / "two-runs.db"
    talk("open spine coach", "start my lower back stretches", "no", "next", "next", "stop", db=db)
    second = talk("open spine coach", "yes", db=db)
    assert "Shall we carry on" in second[0]["speech"] and "step 2" in second[0]["speech"]
    assert "Step 2 of" in second[1]["speech"]
    other_user = talk("open spine coach", db=db, user="someone-else")
    assert "Shall we carry on" not in other_user[0]["speech"]
