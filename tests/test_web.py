"""The Flask endpoint: the same answers as Lambda, and a calm, precise 400 for anything that is not a request."""

from __future__ import annotations

import copy
import json
import logging
import random
from pathlib import Path

import pytest
from ask_sdk_core.exceptions import PersistenceException

from skill.alexa.app import create_skill, invoke
from skill.alexa.envelopes import SKILL_ID, AlexaSession, intent, launch
from alexa_requests import event_envelope, skill_disabled
from skill.stores.sqlite import SQLitePersistenceAdapter
from skill.alexa.request_log import JsonLineFormatter
from fakes import FakeAlarm
from skill.web.app import create_app, settings_from
from skill.web.envelope import REQUIRED_TEXT
from skill.web.verification import RequestVerifier
from tests.certificates import TestPKI
from tests.conftest import MORNING, Said

ENVELOPES = Path(__file__).parent / "envelopes"
UNVERIFIED = {"ASK_SDK_VERIFY_SIGNATURE": False, "ASK_SDK_VERIFY_TIMESTAMP": False}


@pytest.fixture
def app(skill):
    return create_app(UNVERIFIED, skill=skill)


@pytest.fixture
def client(app):
    return app.test_client()


def post(client, body, content_type="application/json; charset=utf-8"):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.post("/", data=data, content_type=content_type)


def launch_envelope(user="amzn1.ask.account.WEB") -> dict:
    return AlexaSession(user_id=user).envelope(launch(), at=MORNING)


def test_answers_exactly_what_lambda_answers(tmp_path):
    envelope = json.loads((ENVELOPES / "intent_start_stretch.json").read_text())
    twins = [create_skill(persistence=SQLitePersistenceAdapter(tmp_path / f"{n}.db"), alarm=FakeAlarm(),
                          rng=random.Random(7)) for n in (1, 2)]
    over_http = post(create_app(UNVERIFIED, skill=twins[0]).test_client(), envelope)
    assert over_http.status_code == 200
    assert over_http.get_json() == invoke(copy.deepcopy(envelope), twins[1])


def test_a_screen_turn_answers_exactly_what_lambda_answers(tmp_path):
    """An Echo Show mid-routine (an APL document in the reply): the body is one JSON text, equal to Lambda's."""
    twins = [create_skill(persistence=SQLitePersistenceAdapter(tmp_path / f"{n}.db"), alarm=FakeAlarm(),
                          rng=random.Random(7)) for n in (1, 2)]
    client = create_app(UNVERIFIED, skill=twins[0]).test_client()
    session = AlexaSession(user_id="amzn1.ask.account.SHOW", screen=True)
    for request in (launch(), intent("StartStretchIntent", {"area": "lower back"}), intent("AMAZON.NoIntent"),
                    intent("AMAZON.NextIntent")):
        envelope = session.envelope(request, at=MORNING)
        over_http = post(client, envelope)
        assert over_http.status_code == 200 and over_http.mimetype == "application/json"
        assert json.loads(over_http.get_data()) == invoke(copy.deepcopy(envelope), twins[1])
        session.absorb(over_http.get_json())
    assert over_http.get_json()["response"]["directives"][0]["document"]["type"] == "APL"


def test_health_check(client):
    answer = client.get("/healthz")
    assert answer.status_code == 200 and answer.get_json() == {"status": "ok"}


def test_a_whole_conversation_over_http(client):
    session = AlexaSession(user_id="amzn1.ask.account.HTTP")
    said = []
    for request in (launch(), intent("StartStretchIntent", {"area": "lower back"}), intent("AMAZON.NoIntent")):
        answer = post(client, session.envelope(request, at=MORNING))
        assert answer.status_code == 200
        session.absorb(answer.get_json())
        said.append(Said(answer.get_json()))
    assert said[-1].attributes.get("routine"), said[-1]


@pytest.mark.parametrize("body, content_type, reason", [
    (b"{not json", "application/json", "body is not valid JSON"),
    (b"\xff\xfe\x00garbage", "application/json", "body is not valid JSON"),
    (b"[1, 2, 3]", "application/json", "body must be a JSON object"),
    (b'"launch"', "application/json", "body must be a JSON object"),
    (b"", "application/json", "body is not valid JSON"),
    (json.dumps(launch_envelope()).encode(), "text/plain", "content type must be application/json"),
    (json.dumps(launch_envelope()).encode(), "application/x-www-form-urlencoded",
     "content type must be application/json"),
])
def test_bad_bodies_get_a_clear_400(client, body, content_type, reason):
    answer = post(client, body, content_type)
    assert answer.status_code == 400
    assert answer.get_json() == {"error": "bad request", "reason": reason}


@pytest.mark.parametrize("path", REQUIRED_TEXT)
def test_each_missing_field_is_named(client, path):
    envelope = launch_envelope()
    *parents, last = path.split(".")
    holder = envelope
    for name in parents:
        holder = holder[name]
    del holder[last]
    answer = post(client, envelope)
    assert answer.status_code == 400
    assert answer.get_json()["reason"] == f"missing or invalid field: {path}"


def test_unknown_request_type(client):
    envelope = launch_envelope()
    envelope["request"]["type"] = "Alexa.Nonsense.Request"
    answer = post(client, envelope)
    assert answer.status_code == 400 and answer.get_json()["reason"] == "unknown request type"


def test_a_field_of_the_wrong_kind_is_a_400_not_a_crash(client):
    envelope = launch_envelope()
    envelope["request"]["timestamp"] = "yesterday-ish"
    answer = post(client, envelope)
    assert answer.status_code == 400 and answer.get_json()["reason"] == "malformed request"


def test_body_size_limit_is_configurable_and_defaults_to_256_kb(skill):
    small = create_app({**UNVERIFIED, "SPINE_COACH_MAX_BODY_BYTES": 2000}, skill=skill).test_client()
    envelope = launch_envelope()
    envelope["session"]["attributes"] = {"padding": "x" * 3000}
    answer = post(small, envelope)
    assert answer.status_code == 400 and "larger than 2000 bytes" in answer.get_json()["reason"]

    default = create_app(UNVERIFIED, skill=skill).test_client()
    envelope["session"]["attributes"] = {"padding": "x" * 200_000}
    assert post(default, envelope).status_code == 200  # big but allowed: the skill ignores unknown attributes
    envelope["session"]["attributes"] = {"padding": "x" * 270_000}
    answer = post(default, envelope)
    assert answer.status_code == 400 and "larger than 262144 bytes" in answer.get_json()["reason"]


def test_other_methods_and_paths_answer_json_without_a_trace(client):
    for answer, status in ((client.get("/"), 405), (client.post("/elsewhere", json={}), 404)):
        assert answer.status_code == status
        assert answer.is_json and "Traceback" not in answer.get_data(as_text=True)


class BrokenStore(SQLitePersistenceAdapter):
    def get_attributes(self, request_envelope):
        raise PersistenceException("disk full")

    def save_attributes(self, request_envelope, attributes):
        raise PersistenceException("disk full")

    def delete_attributes(self, request_envelope):
        raise PersistenceException("disk full")


def test_a_failing_turn_is_a_spoken_apology_with_state_unchanged(tmp_path):
    client = create_app(UNVERIFIED, skill=create_skill(persistence=BrokenStore(tmp_path / "x.db"))).test_client()
    session = AlexaSession(user_id="amzn1.ask.account.BROKEN")
    envelope = session.envelope(intent("StartStretchIntent", {"area": "lower back"}), at=MORNING)
    envelope["session"]["attributes"] = {"kept": "as it was"}
    answer = post(client, envelope)
    assert answer.status_code == 200
    assert "sorry" in Said(answer.get_json()).speech.lower()
    assert answer.get_json()["sessionAttributes"] == {"kept": "as it was"}


def test_verification_is_on_by_default(skill):
    answer = post(create_app(skill=skill).test_client(), launch_envelope())
    assert answer.status_code == 400 and answer.get_json()["error"] == "bad request"


def test_settings_come_from_the_environment():
    settings = settings_from({"ASK_SDK_VERIFY_SIGNATURE": "false", "ASK_SDK_VERIFY_TIMESTAMP": "On",
                              "SPINE_COACH_SKILL_IDS": f"{SKILL_ID}, amzn1.ask.skill.other",
                              "SPINE_COACH_MAX_BODY_BYTES": "1024"})
    assert settings["ASK_SDK_VERIFY_SIGNATURE"] is False and settings["ASK_SDK_VERIFY_TIMESTAMP"] is True
    assert settings["SPINE_COACH_SKILL_IDS"] == (SKILL_ID, "amzn1.ask.skill.other")
    assert settings["SPINE_COACH_MAX_BODY_BYTES"] == 1024
    with pytest.raises(ValueError, match="ASK_SDK_VERIFY_SIGNATURE"):
        settings_from({"ASK_SDK_VERIFY_SIGNATURE": "maybe"})


def request_lines(caplog) -> list[dict]:
    formatter = JsonLineFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "skill.requests"]


def test_one_json_log_line_per_request_without_health_data(client, caplog):
    caplog.set_level(logging.INFO)
    session = AlexaSession(user_id="amzn1.ask.account.LOGS")
    post(client, session.envelope(launch(), at=MORNING))
    words = "I wet myself and cannot feel my bottom"
    answer = post(client, session.envelope(intent("SymptomReportIntent", {"symptom": words}), at=MORNING))
    assert Said(answer.get_json()).triage == "emergency"
    post(client, b"{oops")

    lines = request_lines(caplog)
    assert [line["outcome"] for line in lines] == ["ok", "ok", "rejected"]
    symptom = lines[1]
    assert symptom["request_type"] == "IntentRequest" and symptom["intent"] == "SymptomReportIntent"
    assert symptom["request_id"].startswith("amzn1.echo-api.request.") and symptom["latency_ms"] >= 0
    assert lines[2]["status"] == 400 and lines[2]["reason"] == "body is not valid JSON"
    everything = json.dumps(lines).lower()
    for secret in ("wet", "bottom", "emergency", "triage", "symptom\":"):
        assert secret not in everything


def test_a_failing_turn_logs_the_error_type_but_not_its_message(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    client = create_app(UNVERIFIED, skill=create_skill(persistence=BrokenStore(tmp_path / "x.db"))).test_client()
    envelope = AlexaSession(user_id="amzn1.ask.account.BROKEN").envelope(
        intent("StartStretchIntent", {"area": "lower back"}), at=MORNING)
    post(client, envelope)
    [line] = request_lines(caplog)
    assert line["outcome"] == "error" and line["error"] == "PersistenceException"
    assert "disk full" not in json.dumps(line) and line["where"].startswith("test_web.py:")


def test_signed_requests_pass_and_a_wrong_skill_id_does_not(skill):
    pki = TestPKI.generate()
    verifier = RequestVerifier(trust_roots=[pki.root], skill_ids=frozenset({SKILL_ID}),
                               fetch_chain=lambda url: pki.chain_pem(), clock=lambda: MORNING)
    client = create_app(skill=skill, verifier=verifier).test_client()
    body = json.dumps(launch_envelope()).encode()
    lower_case = {name.lower(): value for name, value in pki.headers(body).items()}
    answer = client.post("/", data=body, headers=lower_case, content_type="application/json")
    assert answer.status_code == 200 and Said(answer.get_json()).speech

    other = launch_envelope()
    other["context"]["System"]["application"]["applicationId"] = "amzn1.ask.skill.someone-else"
    body = json.dumps(other).encode()
    answer = client.post("/", data=body, headers=pki.headers(body), content_type="application/json")
    assert answer.status_code == 400 and answer.get_json()["reason"] == "request is for another skill"


def test_a_failed_data_deletion_answers_500_so_alexa_sends_the_event_again(tmp_path, caplog):
    caplog.set_level(logging.INFO)
    client = create_app(UNVERIFIED, skill=create_skill(persistence=BrokenStore(tmp_path / "x.db"))).test_client()
    event = event_envelope(AlexaSession(user_id="amzn1.ask.account.LEAVING"), skill_disabled(), at=MORNING)
    answer = post(client, event)
    assert answer.status_code == 500 and answer.get_json() == {"error": "internal error"}
    [line] = request_lines(caplog)
    assert line["status"] == 500 and line["request_id"] == event["request"]["requestId"]


def test_lines_of_other_loggers_name_the_request_only_while_it_is_answered(client, monkeypatch):
    """A store's warning, say, is traceable to the turn that caused it; the next request does not inherit it."""
    lines: list[dict] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(json.loads(self.format(record)))  # formatted when logged, as a stream handler does

    handler = Capture()
    handler.setFormatter(JsonLineFormatter())
    store_log = logging.getLogger("skill.stores.example")
    store_log.addHandler(handler)
    monkeypatch.setattr(store_log, "propagate", False)

    def invoke_and_warn(envelope, skill):
        store_log.warning("row is not JSON")
        return invoke(envelope, skill)

    monkeypatch.setattr("skill.web.app.invoke", invoke_and_warn)
    envelope = AlexaSession(user_id="amzn1.ask.account.TRACE").envelope(launch(), at=MORNING)
    assert post(client, envelope).status_code == 200
    store_log.warning("after the request")
    store_log.removeHandler(handler)
    assert [line.get("request_id") for line in lines] == [envelope["request"]["requestId"], None]
