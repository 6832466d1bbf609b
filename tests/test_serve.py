"""`python -m skill serve` as a user runs it: a real process on loopback, a test CA trusted, signed requests."""

from __future__ import annotations

import json

import pytest

from skill.alexa.envelopes import SKILL_ID, AlexaSession, launch
from tests.certificates import TestPKI, rsa_key
from tests.conftest import Said
from tests.servers import free_port, running

HTTP_CERT_URL = "http://s3.amazonaws.com/echo.api/echo-api-cert-12.pem"


@pytest.fixture(scope="module")
def pki() -> TestPKI:
    return TestPKI.generate()


def signed_launch(user: str = "amzn1.ask.account.SERVE") -> bytes:
    return json.dumps(AlexaSession(user_id=user).envelope(launch())).encode()  # stamped with the real time


def test_serve_answers_a_signed_request_and_rejects_broken_ones(pki, tmp_path):
    roots, chains = pki.write_root(tmp_path / "roots.pem"), tmp_path / "chains"
    pki.write_chain(chains)
    port = free_port()
    arguments = ["-m", "skill", "serve", "--port", str(port), "--trust-roots", str(roots),
                 "--cert-chain-dir", str(chains), "--skill-id", SKILL_ID, "--db", str(tmp_path / "serve.db")]
    with running(arguments, port, tmp_path / "logs") as server:
        body = signed_launch()
        status, answer = server.post(body, pki.headers(body))
        assert status == 200
        assert "not medical advice" in Said(answer).speech

        tampered = body.replace(b"LaunchRequest", b"LaunchRequest ")
        broken = {
            "unsigned": (body, {}),
            "altered body": (tampered, pki.headers(body)),
            "signed by another key": (body, pki.with_leaf(key=rsa_key("impostor")).headers(body)),
            "http certificate URL": (body, pki.headers(body, url=HTTP_CERT_URL)),
            "stale": (json.dumps(AlexaSession().envelope(launch(), at=0)).encode(), None),
        }
        for name, (sent, headers) in broken.items():
            status, answer = server.post(sent, headers if headers is not None else pki.headers(sent))
            assert status == 400, name
            assert answer["error"] == "bad request" and answer["reason"], name

    lines = [json.loads(line) for line in server.stdout().splitlines() if line.startswith("{")]
    outcomes = [line["outcome"] for line in lines if line.get("logger") == "skill.requests"]
    assert outcomes.count("ok") == 1 and outcomes.count("rejected") == len(broken)
    assert "not medical advice" not in server.stdout()


def test_no_verify_is_loud_and_answers_unsigned_requests(tmp_path):
    port = free_port()
    with running(["-m", "skill", "serve", "--port", str(port), "--no-verify", "--db", str(tmp_path / "x.db")],
                 port, tmp_path / "logs") as server:
        status, answer = server.post(signed_launch())
        assert status == 200 and Said(answer).speech
    assert "REQUEST VERIFICATION IS OFF" in server.stderr()
