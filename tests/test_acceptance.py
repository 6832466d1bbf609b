"""The issue's whole conversation, end to end: through lambda_handler, and through `python -m skill talk`."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from ask_sdk_core.exceptions import AskSdkException

from skill.core.content import Content, load_document
from skill.alexa.envelopes import AlexaSession, intent, launch, resolved_slot
from alexa_requests import connections_response
from skill.core.flow import plan_segments
from skill.core.heat import HEAT_SCREEN_QUESTIONS
from skill.core.routines import load_routines
from skill.core.speech import ssml_to_text

ROOT = Path(__file__).resolve().parents[1]
LOWER_BACK_SEGMENTS = sum(len(plan_segments(s)) for s in load_routines("en-US")["lower_back"].steps)
TIPS = {t["say"]: t["id"] for t in load_document("en-US", "tips")["tips"]}
EMERGENCY = "I wet myself and didn't notice"


def tip_id(speech: str) -> str:
    return next(tip for text, tip in TIPS.items() if text in speech)


def test_whole_conversation_through_lambda_handler(tmp_path, monkeypatch):
    monkeypatch.setenv("SPINE_COACH_DB", str(tmp_path / "lambda.db"))
    handler = importlib.reload(importlib.import_module("lambda_function")).lambda_handler
    session = AlexaSession(user_id="amzn1.ask.account.ACCEPTANCE")
    clock = [datetime(2026, 11, 21, 8, 0, tzinfo=timezone.utc)]

    def send(request):
        response = handler(session.envelope(request, at=clock[0]), None)
        session.absorb(response)
        clock[0] += timedelta(seconds=30)
        body = response["response"]
        return (ssml_to_text(body.get("outputSpeech", {}).get("ssml")), body.get("shouldEndSession") is True,
                response.get("sessionAttributes", {}))

    assert "not medical advice" in send(launch())[0]
    area = resolved_slot("area", "lower back", "STRETCH_AREA", "lower_back")
    send(intent("StartStretchIntent", {"area": area}))
    send(intent("AMAZON.NoIntent"))
    speech, ends, attributes = send(intent("AMAZON.NextIntent"))
    assert "Step 1 of" in speech
    stop_hint = Content("en-US").say("stretch.stop_any_time")  # on an Echo, once a session, before the first holds
    assert stop_hint in speech
    speech = speech.replace(f"{stop_hint} ", "")
    assert send(intent("AMAZON.RepeatIntent"))[0] == speech
    assert send(intent("AMAZON.PauseIntent"))[2]["routine"]["status"] == "paused"
    assert send(intent("AMAZON.ResumeIntent"))[0] == speech
    for _ in range(LOWER_BACK_SEGMENTS - 1):
        speech, ends, attributes = send(intent("AMAZON.NextIntent"))
        assert not ends
    speech, ends, _ = send(intent("AMAZON.NextIntent"))
    assert "finished" in speech and "first session this week" in speech and ends

    speech, ends, _ = send(intent("HeatTimerIntent", {"duration": "PT45M"}))
    for _ in HEAT_SCREEN_QUESTIONS:
        speech, ends, attributes = send(intent("AMAZON.NoIntent"))
    assert "45 minutes is longer than is safe" in speech and "set 20 minutes" in speech
    assert attributes["question"]["id"] == "heat_timer"  # no timers permission yet: Alexa asks for it
    speech, ends, _ = send(connections_response("heat_timer", "DENIED"))
    assert "set a 20 minute timer yourself" in speech and "never fall asleep" in speech and ends

    heard = [tip_id(send(intent("PreventionTipIntent"))[0])]
    for _ in range(12):
        heard.append(tip_id(send(intent("AMAZON.YesIntent"))[0]))
    assert len(set(heard)) == 13

    send(intent("StartStretchIntent", {"area": area}))
    speech, ends, attributes = send(intent("SymptomReportIntent", {"symptom": EMERGENCY}))
    assert speech.startswith("Call 911") and ends
    assert attributes["triage"] == "emergency" and "routine" not in attributes


def talk(*utterances: str, db: Path, user: str = "acceptance") -> list[dict]:
    result = subprocess.run([sys.executable, "-m", "skill", "talk", "--fast", "--no-voice", "--json", "--db", str(db),
                             "--user", user, *utterances], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_whole_conversation_through_talk(tmp_path):
    db = tmp_path / "talk.db"
    turns = talk("open spine coach", "start my lower back stretches", "no", "next", "repeat that", "pause",
                 "resume", *["next"] * LOWER_BACK_SEGMENTS, "set the heat pad for 45 minutes",
                 *["no"] * len(HEAT_SCREEN_QUESTIONS), "give me a tip", *["another tip"] * 12,
                 "start my lower back stretches", EMERGENCY, db=db)
    keys = {"heard", "request_type", "intent", "slots", "speech", "reprompt", "end_session", "triage", "directives"}
    assert all(set(turn) == keys for turn in turns)
    assert turns[0]["request_type"] == "LaunchRequest"
    assert turns[1]["intent"] == "StartStretchIntent" and turns[1]["slots"]["area"]
    step_one = turns[3]["speech"]
    assert "Step 1 of" in step_one and turns[4]["speech"] == step_one
    # Resume carries on from the rep the request times say was reached; --fast compresses those times, so the rep
    # varies here: the pelvic tilt again either way, ending as step one does.
    resumed = turns[6]["speech"]
    assert resumed.startswith(("Step 1 of", "Let's pick up the pelvic tilt")) and resumed.endswith(step_one[-60:])
    finished = turns[6 + LOWER_BACK_SEGMENTS]
    assert "finished" in finished["speech"] and finished["end_session"]
    heat = turns[7 + LOWER_BACK_SEGMENTS + len(HEAT_SCREEN_QUESTIONS)]
    assert "45 minutes is longer than is safe" in heat["speech"] and heat["end_session"]
    tips = [tip_id(t["speech"]) for t in turns if t["intent"] == "PreventionTipIntent"]
    assert len(tips) == 13 and len(set(tips)) == 13
    last = turns[-1]
    assert last["speech"].startswith("Call 911") and last["end_session"] and last["triage"] == "emergency"


def test_resume_offer_works_across_two_runs(tmp_path):
    db = tmp_path / "two-runs.db"
    talk("open spine coach", "start my lower back stretches", "no", "next", "next", "stop", db=db)
    second = talk("open spine coach", "yes", db=db)
    assert "Shall we carry on" in second[0]["speech"] and "step 2" in second[0]["speech"]
    assert "Step 2 of" in second[1]["speech"]
    other_user = talk("open spine coach", db=db, user="someone-else")
    assert "Shall we carry on" not in other_user[0]["speech"]


def test_hands_free_routine_runs_to_its_end_from_the_command_line(tmp_path):
    turns = talk("open spine coach", "start hands-free lower back stretches", db=tmp_path / "hands-free.db")
    assert turns[1]["slots"]["mode"]
    assert "finished" in turns[-1]["speech"] and not turns[-1]["end_session"]  # hands-free: left to Alexa
    assert sum(1 for t in turns if t["intent"] == "AMAZON.NextIntent") == LOWER_BACK_SEGMENTS + 1


def test_on_lambda_a_request_for_another_skill_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("SPINE_COACH_DB", str(tmp_path / "lambda.db"))
    monkeypatch.setenv("SPINE_COACH_SKILL_IDS", "amzn1.ask.skill.11111111-1111-1111-1111-111111111111")
    handler = importlib.reload(importlib.import_module("lambda_function")).lambda_handler
    with pytest.raises(AskSdkException, match="Skill ID Verification failed"):
        handler(AlexaSession().envelope(launch()), None)
    monkeypatch.delenv("SPINE_COACH_SKILL_IDS")
    importlib.reload(importlib.import_module("lambda_function"))
