"""Property: whatever is POSTed, the endpoint answers 200 or 400 with JSON, never a 500, never a traceback."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.alexa.app import create_skill
from skill.alexa.envelopes import AlexaSession, intent, launch, session_ended
from skill.stores.sqlite import SQLitePersistenceAdapter
from fakes import FakeAlarm
from skill.web.app import create_app
from skill.web.envelope import KNOWN_REQUEST_TYPES
from tests.conftest import MORNING

ENVELOPES = Path(__file__).parent / "envelopes"
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12)
tricky_text = st.sampled_from(["", " ", "\x00", "💥" * 50, "a" * 5000, "NaN", "1e999", "amzn1.ask.skill.x",
                               "IntentRequest", "AMAZON.YesIntent", "2026-13-45T99:99:99Z", "<speak>",
                               "I can't feel my bottom and wet myself"]) | st.text()


def base_envelopes() -> list[dict[str, Any]]:
    session = AlexaSession(user_id="amzn1.ask.account.FUZZ")
    built = [session.envelope(request, at=MORNING) for request in (
        launch(), intent("StartStretchIntent", {"area": "neck"}), intent("AMAZON.NextIntent"),
        intent("HeatTimerIntent", {"duration": "PT90M"}), session_ended("ERROR"))]
    return built + [json.loads(path.read_text()) for path in sorted(ENVELOPES.glob("*.json"))]


BASES = base_envelopes()


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            found += paths(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += paths(child, prefix + (index,))
    return found


@st.composite
def mutated_envelopes(draw) -> dict[str, Any]:
    envelope = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 4))):
        targets = paths(envelope)
        if not targets:
            break
        *parents, last = draw(st.sampled_from(targets))
        holder = envelope
        for step in parents:
            holder = holder[step]
        if draw(st.booleans()) and isinstance(holder, dict):
            del holder[last]
        else:
            holder[last] = draw(json_values | tricky_text)
    return envelope


@st.composite
def any_request_type(draw) -> dict[str, Any]:
    """Every request type the SDK's model knows, with only the common fields: none may crash the skill."""
    envelope = copy.deepcopy(BASES[0])
    envelope["request"] = {"type": draw(st.sampled_from(sorted(KNOWN_REQUEST_TYPES))),
                           "requestId": "amzn1.echo-api.request.fuzz", "timestamp": "2026-11-21T08:00:00Z",
                           "locale": draw(st.sampled_from(["en-US", "en-GB", "fr-FR", "xx", ""]))}
    if draw(st.booleans()):
        envelope.pop("session", None)
    return envelope


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    store = SQLitePersistenceAdapter(tmp_path_factory.mktemp("fuzz") / "fuzz.db")
    skill = create_skill(persistence=store, alarm=FakeAlarm(), rng=random.Random(0))
    return create_app({"ASK_SDK_VERIFY_SIGNATURE": False, "ASK_SDK_VERIFY_TIMESTAMP": False}, skill=skill).test_client()


def assert_calm(answer) -> None:
    text = answer.get_data(as_text=True)
    assert answer.status_code in (200, 400), text
    assert "Traceback" not in text and 'File "' not in text
    body = json.loads(text)
    if answer.status_code == 200:
        assert body["version"] == "1.0" and isinstance(body["response"], dict)
        speech = (body["response"].get("outputSpeech") or {}).get("ssml", "<speak></speak>")
        assert speech.startswith("<speak>") and speech.endswith("</speak>")
    else:
        assert body["error"] == "bad request" and body["reason"]


@FUZZ
@given(envelope=mutated_envelopes())
def test_mutated_envelopes(client, envelope):
    assert_calm(client.post("/", data=json.dumps(envelope), content_type="application/json"))


@FUZZ
@given(envelope=any_request_type())
def test_every_request_type_the_model_knows(client, envelope):
    assert_calm(client.post("/", data=json.dumps(envelope), content_type="application/json"))


@FUZZ
@given(body=st.binary(max_size=2000) | json_values.map(lambda v: json.dumps(v).encode()))
def test_arbitrary_bodies(client, body):
    assert_calm(client.post("/", data=body, content_type="application/json"))
