"""Property: whatever is POSTed, the endpoint answers 200 or 400 with JSON, never a 500, never a traceback."""

from __future__ import annotations

import copy
import json
import logging
import random
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.alexa.app import create_skill
from skill.alexa.request_log import JsonLineFormatter
from skill.alexa.envelopes import AlexaSession, intent, launch, session_ended
from skill.stores.sqlite import SQLitePersistenceAdapter
from fakes import FakeAlarm
from skill.web.app import create_app
from skill.web.envelope import KNOWN_REQUEST_TYPES, MAX_DEPTH
from tests.conftest import MORNING

ENVELOPES = Path(__file__).parent / "envelopes"
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12)
tricky_text = st.sampled_from(["", " ", "\x00", "💥" * 50, "a" * 5000, "NaN", "1e999", "amzn1.ask.skill.x",
                               "IntentRequest", "AMAZON.YesIntent", "2026-13-45T99:99:99Z", "<speak>",
                               "I can't feel my bottom and wet myself", "\ud800", "a\udfffb", "a\x00b"]) | st.text()


def nested(depth: int, leaf: Any = "x") -> Any:
    """`leaf` inside `depth` objects and lists, alternating."""
    for level in range(depth):
        leaf = {"a": leaf} if level % 2 else [leaf]
    return leaf


# Values a client could send that no generated JSON value reaches: ask-sdk copies session attributes
# recursively, and a str with a lone surrogate cannot be written to the store.
# Built afresh for each draw: the mutator changes what it inserts in place.
hostile_values = st.sampled_from([partial(nested, MAX_DEPTH + 1), partial(nested, 800), partial(int, "9" * 4000),
                                  partial(float, "-1e308")]).map(lambda make: make())


def base_envelopes() -> list[dict[str, Any]]:
    session = AlexaSession(user_id="amzn1.ask.account.FUZZ")
    built = [session.envelope(request, at=MORNING) for request in (
        launch(), intent("StartStretchIntent", {"area": "neck"}), intent("AMAZON.NextIntent"),
        intent("HeatTimerIntent", {"duration": "PT90M"}), session_ended("ERROR"))]
    return built + [json.loads(path.read_text()) for path in sorted(ENVELOPES.glob("*.json"))]


BASES = base_envelopes()


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if len(prefix) >= 12:  # no deeper than Alexa's requests go: inserted deep nests stay as they are
        return found
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
            holder[last] = draw(json_values | tricky_text | hostile_values)
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


def refuse_constant(name: str) -> Any:
    raise AssertionError(f"the answer is not strict JSON: {name}")


def assert_calm(answer) -> None:
    text = answer.get_data(as_text=True)
    assert answer.status_code in (200, 400), text
    assert "Traceback" not in text and 'File "' not in text
    body = json.loads(text, parse_constant=refuse_constant)  # what Alexa can read: no NaN or Infinity
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


# Hostile shapes, each sent once: status 200 or 400, and every warning or error line names the request.

HOSTILE_ID = "amzn1.echo-api.request.hostile"
ATTRIBUTES = ("session", "attributes", "routine")
SLOT_VALUE = ("request", "intent", "slots", "area", "value")
CONTEXT = ("context", "System", "device", "supportedInterfaces", "Display")
USER_IDS = (("context", "System", "user", "userId"), ("session", "user", "userId"))
LOCALE = ("request", "locale")
HUGE = "__huge_number__"  # replaced in the JSON text: json.dumps cannot write these numbers


def hostile_envelope(request_type: str = "IntentRequest") -> dict[str, Any]:
    envelope = AlexaSession(user_id="amzn1.ask.account.HOSTILE").envelope(
        intent("StartStretchIntent", {"area": "neck"}), at=MORNING)
    if request_type != "IntentRequest":
        envelope.pop("session")  # skill events come without one
        envelope["request"] = {"type": request_type, "timestamp": "2026-11-21T08:00:00Z", "locale": "en-US"}
    envelope["request"]["requestId"] = HOSTILE_ID
    return envelope


def put(envelope: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    holder = envelope
    for step in path[:-1]:
        holder = holder.setdefault(step, {})
    holder[path[-1]] = value
    return envelope


def body_with(path: tuple[str, ...], value: Any, request_type: str = "IntentRequest") -> bytes:
    return json.dumps(put(hostile_envelope(request_type), path, value)).encode()


def body_with_number(path: tuple[str, ...], number: str) -> bytes:
    return body_with(path, HUGE).replace(f'"{HUGE}"'.encode(), number.encode())


def user_id_body(user_id: str, request_type: str) -> bytes:
    envelope = hostile_envelope(request_type)
    for path in USER_IDS:
        if path[0] in envelope:
            put(envelope, path, user_id)
    return json.dumps(envelope).encode()


def with_duplicate_key(after: str, duplicate: str) -> bytes:
    """The JSON text with `duplicate` (a `"key": value` pair) written again after the first `after`."""
    text = json.dumps(hostile_envelope())
    at = text.index(after) + len(after)
    return (text[:at] + ", " + duplicate + text[at:]).encode()


HOSTILE_BODIES = {
    **{f"nested {depth} deep in {where}": body_with(path, nested(depth))
       for depth in (MAX_DEPTH + 1, 800) for where, path in
       (("attributes", ATTRIBUTES), ("a slot", SLOT_VALUE), ("context", CONTEXT))},
    "nested beyond the parser": b"[" * 100_000 + b"]" * 100_000,
    **{f"{name} in {where}": body for name, text in (("lone high surrogate", "\ud800"),
                                                     ("lone low surrogate", "a\udfff"), ("NUL", "a\x00b"))
       for where, body in (("userId", user_id_body(text, "IntentRequest")),
                           ("userId on SkillDisabled", user_id_body(text, "AlexaSkillEvent.SkillDisabled")),
                           ("a slot value", body_with(SLOT_VALUE, text)), ("locale", body_with(LOCALE, text)))},
    "surrogate pair in a slot value": body_with(SLOT_VALUE, "\U0001F4A5"),
    **{f"number {number[:12]} in {where}": body_with_number(path, number)
       for number in ("1" * 5000, "-" + "9" * 4000, "1e999", "-1e999", "1e-999", "NaN", "Infinity")
       for where, path in (("attributes", ATTRIBUTES), ("a slot", SLOT_VALUE),
                           ("the timestamp", ("request", "timestamp")))},
    "request given twice": with_duplicate_key('"version": "1.0"', json.dumps(
        {"request": {"type": "AlexaSkillEvent.SkillDisabled", "requestId": HOSTILE_ID,
                     "timestamp": "2026-11-21T08:00:00Z"}})[1:-1]),
    "userId given twice": with_duplicate_key('"userId": "amzn1.ask.account.HOSTILE"', '"userId": "\\ud800"'),
    "requestId given twice": with_duplicate_key(f'"requestId": "{HOSTILE_ID}"', '"requestId": 7'),
}


def readable_request_id(body: bytes) -> str | None:
    """The request id the endpoint can know: the last requestId, as JSON reads duplicates."""
    try:
        value = json.loads(body)["request"]["requestId"]
    except (ValueError, RecursionError, KeyError, TypeError):
        return None
    return value if isinstance(value, str) else None


@pytest.fixture
def warning_lines():
    """Warning and error lines as the JSON formatter writes them, formatted when logged (as the stream is)."""
    lines: list[dict[str, Any]] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(json.loads(self.format(record)))

    handler = Capture(logging.WARNING)
    handler.setFormatter(JsonLineFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    yield lines
    root.removeHandler(handler)


@pytest.mark.parametrize("body", HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys())
def test_hostile_bodies_get_an_answer_and_traceable_log_lines(client, warning_lines, body):
    answer = client.post("/", data=body, content_type="application/json")
    assert_calm(answer)
    if answer.status_code == 400:
        assert warning_lines, "a refusal is logged"
    expected = readable_request_id(body)
    for line in warning_lines:
        assert line.get("request_id") == expected, line
