"""The emergency and urgent answers depend on nothing (issue 11): whatever the store or the Timers API does, a red
flag is answered with its own advice, the emergency number first, and never with "Sorry, something went wrong".

Each fault is staged for real, on the real skill with its default alarm (ask-sdk's Timers client over HTTPS to the
loopback stub, tests/timers_api.py) and a real SQLite file, after the conversation has reached its state:

- the store: a corrupt row, a file that is not a database, the file replaced by a directory, the table dropped,
  the files made read-only (immutable even for root), a write lock held by another connection, and a save that
  loses the concurrency race every time (a trigger makes every write a no-op, as a lost race looks);
- the Timers API, while a heat session has a device timer: 500 on every call, no answer in time, and a refused
  connection.

The red flag is sent from a thread of its own, as the web server answers each request: a thread that has not
opened the store yet meets the file as it is now (the thread that set the state up still holds the old file open).
"""

from __future__ import annotations

import json
import os
import random
import re
import socket
import sqlite3
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from alexa_api import ACCESS_TOKEN
from conftest import Chat, Said
from skill.alexa import consent
from skill.alexa.services.api_client import TimeLimitedApiClient
from skill.alexa.app import create_skill
from skill.core.content import Content
from skill.alexa.envelopes import AlexaSession, launch
from skill.stores.sqlite import SQLitePersistenceAdapter
from skill.core.safety.triage import triage_for
from skill.core.speech import Say, parse_ssml
from skill.alexa.turn import Reply
from stores import without_revision
from timers_api import TimersApi

USER = "amzn1.ask.account.FAULTS"
EMERGENCY = "can't feel my bottom and i wet myself"
URGENT = "a temperature of thirty nine and my back hurts"
WORDS = {"emergency": EMERGENCY, "urgent": URGENT}
EN_US = Content("en-US")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
LOCK_WAIT = 0.3  # the store's busy timeout here (5 s in production), so a held lock fails the save quickly
API_WAIT = 1.0  # the Timers client's time limit here


def first_sentence(text: str) -> str:
    return SENTENCE_END.split(text.strip(), maxsplit=1)[0]


def spoken_first_sentence(said: Said) -> str:
    """The first sentence as written (digits kept), from the response's SSML."""
    parts = parse_ssml(said.ssml)
    assert parts and isinstance(parts[0], Say), said.ssml
    return first_sentence(parts[0].written)


def test_the_phrases_reach_the_tiers_under_test():
    triage = triage_for("en-US")
    assert {tier: triage.classify(words).tier for tier, words in WORDS.items()} == {"emergency": "emergency",
                                                                                    "urgent": "urgent"}


# The skill on an Echo: a real SQLite file, the Timers API stub, a gate to make the API fail ------------------------

class Gate:
    """What the Timers API does from now on: answer, answer 500, or hang until the test is over."""

    def __init__(self):
        self.mode = "open"
        self.released = threading.Event()

    def around(self, handler):
        def gated(request):
            if self.mode == "500":
                return 500, {"code": "INTERNAL_SERVER_ERROR", "message": "stub outage"}
            if self.mode == "hang":
                self.released.wait(10)
            return handler(request)
        return gated


class GatedApi:
    """The stub as TimersApi.on sees it: every route it adds goes through the gate."""

    def __init__(self, api, gate: Gate):
        self.api, self.gate = api, gate

    def route(self, method, pattern, handler):
        self.api.route(method, pattern, self.gate.around(handler))


@dataclass
class Echo:
    chat: Chat
    db: Path
    timers: TimersApi
    gate: Gate
    api: object


@pytest.fixture
def echo(tmp_path, alexa_api) -> Echo:
    db = tmp_path / "store" / "state.db"
    skill = create_skill(persistence=SQLitePersistenceAdapter(db, timeout=LOCK_WAIT), rng=random.Random(0),
                         api_client=TimeLimitedApiClient(timeout=API_WAIT))
    chat = Chat(skill, user=USER)
    chat.session = AlexaSession(user_id=USER, api_endpoint=alexa_api.endpoint, api_access_token=ACCESS_TOKEN,
                                granted_scopes=(consent.TIMERS,))
    gate = Gate()
    timers = TimersApi.on(GatedApi(alexa_api, gate), now=lambda: chat.now)
    yield Echo(chat, db, timers, gate, alexa_api)
    gate.released.set()


# States -----------------------------------------------------------------------------------------------------------

def at_the_menu(echo: Echo) -> None:
    echo.chat.launch()


def in_a_routine(echo: Echo) -> None:
    chat = echo.chat
    chat.launch()
    chat.intent("StartStretchIntent", area=("lower back", "lower_back"))
    chat.no()  # the day's red-flag screening
    said = chat.intent("AMAZON.NextIntent")
    assert said.attributes["routine"]["status"] == "running"


def during_heat(echo: Echo) -> None:
    """A heat session with its device timer on the Timers API, and the user back at the menu."""
    chat = echo.chat
    chat.launch()
    said = chat.start_heat()
    assert len(echo.timers.timers) == 1, said
    chat.later(minutes=3)
    chat.launch()


STATES = [at_the_menu, in_a_routine, during_heat]


# Faults -----------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Fault:
    name: str
    stage: Callable[[Echo, Callable], None]  # (echo, add_finalizer)
    reads: bool  # whether the profile can still be read (then the answer's side effects still happen)

    def __str__(self) -> str:
        return self.name


def _files(db: Path) -> list[Path]:
    return [path for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if path.exists()]


def corrupt_row(echo: Echo, finalizer) -> None:
    with closing(sqlite3.connect(echo.db)) as db, db:
        assert db.execute("UPDATE attributes SET data = ? WHERE id = ?", ('{"v": 1, "heat": {', USER)).rowcount == 1


def not_a_database(echo: Echo, finalizer) -> None:
    for path in _files(echo.db):
        path.unlink()
    echo.db.write_bytes(random.Random(11).randbytes(16384))


def replaced_by_a_directory(echo: Echo, finalizer) -> None:
    for path in _files(echo.db):
        path.unlink()
    echo.db.mkdir()


def table_dropped(echo: Echo, finalizer) -> None:
    with closing(sqlite3.connect(echo.db)) as db, db:
        db.execute("DROP TABLE attributes")


def read_only(echo: Echo, finalizer) -> None:
    """The database, its write-ahead log and their folder made read-only. Root ignores file modes, so as root the
    files are made immutable (chattr +i), which refuses every write, root's too. (Not the -shm file: SQLite maps
    it, and a fresh connection to an immutable one dies of SIGBUS, which is no test of the skill.)"""
    targets = [path for path in _files(echo.db) if not path.name.endswith("-shm")] + [echo.db.parent]
    if os.geteuid() != 0:
        for path in targets:
            mode = path.stat().st_mode
            path.chmod(0o555 if path.is_dir() else 0o444)
            finalizer(lambda path=path, mode=mode: path.chmod(mode))
        return
    made = subprocess.run(["chattr", "+i", *map(str, targets)], capture_output=True, text=True)
    finalizer(lambda: subprocess.run(["chattr", "-i", *map(str, targets)], capture_output=True))
    if made.returncode != 0:
        pytest.skip(f"this file system cannot make a file immutable: {made.stderr.strip()}")


def write_locked(echo: Echo, finalizer) -> None:
    """Another connection holds the write lock (BEGIN EXCLUSIVE) for the whole turn: reads work, the save waits
    its busy timeout and fails with "database is locked"."""
    other = sqlite3.connect(echo.db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    finalizer(other.close)


def loses_every_race(echo: Echo, finalizer) -> None:
    """Every write changes nothing, exactly as a save looks that another request beat to the row: the store raises
    ConcurrentUpdate on each attempt."""
    with closing(sqlite3.connect(echo.db)) as db, db:
        db.execute("CREATE TRIGGER lose_updates BEFORE UPDATE ON attributes BEGIN SELECT RAISE(IGNORE); END")
        db.execute("CREATE TRIGGER lose_inserts BEFORE INSERT ON attributes BEGIN SELECT RAISE(IGNORE); END")


def api_500(echo: Echo, finalizer) -> None:
    echo.gate.mode = "500"


def api_times_out(echo: Echo, finalizer) -> None:
    echo.gate.mode = "hang"


def api_refuses_connections(echo: Echo, finalizer) -> None:
    with socket.socket() as unused:
        unused.bind(("localhost", 0))
        closed_port = unused.getsockname()[1]
    echo.chat.session.api_endpoint = f"https://localhost:{closed_port}"


STORE_FAULTS = [Fault("corrupt row", corrupt_row, reads=False),
                Fault("not a database", not_a_database, reads=False),
                Fault("replaced by a directory", replaced_by_a_directory, reads=False),
                Fault("table dropped", table_dropped, reads=False),
                Fault("read-only", read_only, reads=True),
                Fault("write locked", write_locked, reads=True),
                Fault("loses every race", loses_every_race, reads=True)]
TIMERS_FAULTS = [Fault("timers api 500", api_500, reads=True),
                 Fault("timers api timeout", api_times_out, reads=True),
                 Fault("timers api refused", api_refuses_connections, reads=True)]
CASES = [pytest.param(state, fault, id=f"{state.__name__}-{fault}") for state in STATES for fault in STORE_FAULTS]
CASES += [pytest.param(during_heat, fault, id=f"during_heat-{fault}") for fault in TIMERS_FAULTS]


# Faults the store absorbs since issue 13 (a damaged row reads as an empty profile, a corrupt file is moved aside):
# the turn reads no profile, so the emergency answer must still cancel a device timer by its label.
ABSORBED_BY_THE_STORE = {"corrupt row", "not a database"}


def test_each_store_fault_really_fails_the_store(echo, request):
    """The staging is real: on each fault, the store refuses a read or a save, from a thread as the skill's, or
    (the faults it absorbs) reads no profile and saves a new one."""
    envelope = DefaultSerializer().deserialize(json.dumps(AlexaSession(user_id=USER).envelope(launch())),
                                               RequestEnvelope)
    for fault in STORE_FAULTS:
        echo.db = echo.db.parent.parent / fault.name.replace(" ", "-") / "state.db"
        adapter = SQLitePersistenceAdapter(echo.db, timeout=LOCK_WAIT)
        adapter.save_attributes(envelope, {"v": 1})
        fault.stage(echo, request.addfinalizer)

        def read_then_save():
            attributes = adapter.get_attributes(envelope)
            adapter.save_attributes(envelope, {**attributes, "changed": True})

        if fault.name in ABSORBED_BY_THE_STORE:
            on_a_fresh_thread(read_then_save)
            assert without_revision(adapter.get_attributes(envelope)) == {"changed": True}, fault
            continue
        with pytest.raises((sqlite3.Error, PersistenceException)):
            on_a_fresh_thread(read_then_save)


def on_a_fresh_thread(send: Callable[[], Said]) -> Said:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(send).result(timeout=60)  # an exception that escaped the skill is raised here


def red_flag(echo: Echo, tier: str) -> Said:
    return on_a_fresh_thread(lambda: echo.chat.intent("SymptomReportIntent", symptom=WORDS[tier]))


def assert_no_apology(said: Said) -> None:
    assert "something went wrong" not in said.speech.lower() and "sorry" not in said.speech.lower(), said


@pytest.mark.parametrize("state, fault", CASES)
def test_the_emergency_answer_survives_the_fault(echo, request, state, fault):
    state(echo)
    fault.stage(echo, request.addfinalizer)
    said = red_flag(echo, "emergency")
    assert spoken_first_sentence(said) == first_sentence(EN_US.say("triage.emergency"))
    assert spoken_first_sentence(said).startswith("Call 911 now")
    assert said.ends and said.reprompt == ""
    assert_no_apology(said)
    assert said.triage == "emergency"  # answered by the triage handler, not the last-resort exception handler
    if state is during_heat and fault in STORE_FAULTS:
        # The device timer is cancelled whatever the store does: by its stored id when the profile can be read,
        # else by its label, so nothing rings later telling someone on the way to hospital to take off the pad.
        assert echo.timers.timers == {}
    if fault in TIMERS_FAULTS:
        assert len(echo.timers.timers) == 1  # the fault was real: the device timer could not be cancelled


@pytest.mark.parametrize("state, fault", CASES)
def test_the_urgent_answer_survives_the_fault(echo, request, state, fault):
    state(echo)
    fault.stage(echo, request.addfinalizer)
    said = red_flag(echo, "urgent")
    assert spoken_first_sentence(said) == first_sentence(EN_US.say("triage.urgent"))
    assert "today" in spoken_first_sentence(said)
    assert not said.ends and said.reprompt == EN_US.say("triage.urgent_reprompt")
    assert_no_apology(said)
    assert said.triage == "urgent" and "routine" not in said.attributes
    if state is in_a_routine:
        assert said.speech == EN_US.say("triage.urgent_stop_stretches")


# A red flag in another intent's words, on a store that cannot be read: the pain check-in stops the routine first ---

@pytest.mark.parametrize("tier, words", [("emergency", "I can't feel my bottom when I wipe"),
                                         ("urgent", URGENT)])
def test_a_red_flag_in_a_pain_check_in_on_a_corrupt_store(echo, request, tier, words):
    in_a_routine(echo)
    corrupt_row(echo, request.addfinalizer)
    said = on_a_fresh_thread(lambda: echo.chat.intent("PainCheckIntent", feeling=(words, None)))
    assert spoken_first_sentence(said) == first_sentence(EN_US.say(f"triage.{tier}"))
    assert said.triage == tier and "routine" not in said.attributes  # the routine stopped, the tier recorded
    assert said.ends is (tier == "emergency")
    assert_no_apology(said)


def test_a_clarifying_question_in_a_pain_check_in_on_a_corrupt_store(echo, request):
    """New numbness during a stretch stops the routine and asks; a store that cannot be read changes nothing."""
    in_a_routine(echo)
    corrupt_row(echo, request.addfinalizer)
    said = on_a_fresh_thread(lambda: echo.chat.intent("PainCheckIntent", feeling=("numb", "numb_or_weak")))
    assert said.attributes["question"]["id"] == "clarify" and said.speech.endswith("?")
    assert "routine" not in said.attributes
    assert_no_apology(said)


# The last resort: an exception after a warning sign was found still answers with the warning sign's advice ---------

@pytest.mark.parametrize("tier", ["emergency", "urgent"])
def test_an_exception_after_a_finding_answers_with_the_tier_not_an_apology(echo, monkeypatch, tier):
    """No real fault reaches the exception handler after a finding any more (the tests above), so the response
    itself is made to fail to build: the last resort must still speak the tier's advice."""
    in_a_routine(echo)

    def broken(self, handler_input):
        raise RuntimeError("the response could not be built")

    monkeypatch.setattr(Reply, "build", broken)
    said = red_flag(echo, tier)
    assert spoken_first_sentence(said) == first_sentence(EN_US.say(f"triage.{tier}"))
    assert_no_apology(said)
    if tier == "emergency":
        assert said.ends
    else:
        assert not said.ends and said.reprompt == EN_US.say("triage.urgent_reprompt")
