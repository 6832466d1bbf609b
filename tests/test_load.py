"""A bounded load test: gunicorn with several workers on one SQLite file, verification on, concurrent
conversations for different users and for one shared user. Nothing may be lost or mixed up.

Bounded by the number of conversations, not by time: it asserts what was stored, never how fast.
"""

from __future__ import annotations

import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from skill.core.content import load_document
from skill.alexa.envelopes import SKILL_ID, AlexaSession, intent, launch, resolved_slot
from tests.certificates import TestPKI
from tests.conftest import Said
from tests.servers import Server, free_port, running

WORKERS = 4
CLIENT_THREADS = 8
SEPARATE_USERS = 6
SHARED_USER_CONVERSATIONS = 4
TIPS_PER_CONVERSATION = 3  # 4 x 3 = 12 of the 13 tips: a shared user must still hear no repeat
TIP_IDS = {tip["say"]: tip["id"] for tip in load_document("en-US", "tips")["tips"]}
NECK = resolved_slot("area", "neck", "STRETCH_AREA", "neck")


class Conversation:
    """One device talking to the endpoint: signed envelopes, attributes carried as Alexa does."""

    def __init__(self, server: Server, pki: TestPKI, user: str):
        self.server, self.pki = server, pki
        self.session = AlexaSession(user_id=user)

    def send(self, request: dict) -> Said:
        body = json.dumps(self.session.envelope(request)).encode()
        status, answer = self.server.post(body, self.pki.headers(body))
        assert status == 200, answer
        self.session.absorb(answer)
        return Said(answer)

    def neck_routine(self) -> list[tuple[int, int]]:
        """Start the neck stretches and say next until they finish; the (step, segment) positions on the way."""
        said = self.send(intent("StartStretchIntent", {"area": NECK}))
        steps = []
        for _ in range(40):
            if said.ends:
                assert "finished" in said.speech, said
                return steps
            routine = said.attributes.get("routine")
            if routine:
                assert routine["routine"] == "neck", said  # never another conversation's routine
                steps.append((routine["step"], routine["segment"]))
            said = self.send(intent("AMAZON.NoIntent" if "question" in said.attributes else "AMAZON.NextIntent"))
        raise AssertionError("the routine never finished")

    def tips(self, count: int) -> list[str]:
        heard = [self.send(intent("PreventionTipIntent"))]
        heard += [self.send(intent("AMAZON.YesIntent")) for _ in range(count - 1)]
        return [next(tip for text, tip in TIP_IDS.items() if text in said.speech) for said in heard]


def stored_profile(db: Path, user: str) -> dict:
    with sqlite3.connect(db) as connection:
        row = connection.execute("SELECT data FROM attributes WHERE id = ?", (user,)).fetchone()
    return json.loads(row[0])


@pytest.fixture(scope="module")
def pki() -> TestPKI:
    return TestPKI.generate()


def test_concurrent_conversations_under_gunicorn_lose_nothing(pki, tmp_path):
    db = tmp_path / "load.db"
    pki.write_chain(tmp_path / "chains")
    env = {"SPINE_COACH_STORE": "sqlite", "SPINE_COACH_DB": str(db), "SPINE_COACH_SKILL_IDS": SKILL_ID,
           "SPINE_COACH_TRUST_ROOTS": str(pki.write_root(tmp_path / "roots.pem")),
           "SPINE_COACH_CERT_CHAIN_DIR": str(tmp_path / "chains")}
    port = free_port()
    gunicorn = ["-m", "gunicorn", "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}", "--timeout", "30",
                "--no-control-socket", "skill.web.wsgi:app"]  # gunicorn's one control socket per user is not the test's
    separate = [f"amzn1.ask.account.LOAD-{n}" for n in range(SEPARATE_USERS)]
    shared = "amzn1.ask.account.LOAD-SHARED"

    def separate_user(user: str) -> tuple[list[tuple[int, int]], list[str]]:
        conversation = Conversation(server, pki, user)
        conversation.send(launch())
        steps = conversation.neck_routine()
        return steps, conversation.tips(TIPS_PER_CONVERSATION)

    def shared_user(_: int) -> tuple[list[tuple[int, int]], list[str]]:
        conversation = Conversation(server, pki, shared)
        steps = conversation.neck_routine()
        return steps, conversation.tips(TIPS_PER_CONVERSATION)

    with running(gunicorn, port, tmp_path / "logs", env) as server:
        with ThreadPoolExecutor(CLIENT_THREADS) as pool:
            separate_runs = pool.map(separate_user, separate)
            shared_runs = pool.map(shared_user, range(SHARED_USER_CONVERSATIONS))
            separate_results, shared_results = list(separate_runs), list(shared_runs)

    for user, (steps, tips) in zip(separate, separate_results):
        assert steps == sorted(steps) and steps[0] == (0, 0), steps  # progress only ever moved forward
        profile = stored_profile(db, user)
        assert len(profile["completed"]) == 1
        assert profile["tips_heard"] == tips

    shared_tips = [tip for _, tips in shared_results for tip in tips]
    assert len(set(shared_tips)) == len(shared_tips) == SHARED_USER_CONVERSATIONS * TIPS_PER_CONVERSATION
    profile = stored_profile(db, shared)
    assert len(profile["completed"]) == SHARED_USER_CONVERSATIONS  # every finished routine counted
    assert sorted(profile["tips_heard"]) == sorted(shared_tips)
    assert '"outcome":"error"' not in server.stdout()
