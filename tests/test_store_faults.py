"""Faults in the SQLite store never take the skill down (issue 13, points 1 and 5).

A corrupt file, at start-up or while the app runs, is moved aside as `<name>.corrupt-<UTC time>` with a loud log
line and a fresh file serves; a damaged row is that user's empty profile; /healthz says 503 only when the store
cannot serve; a worker boots whatever the file holds; and a SkillDisabled delete leaves the user's id in no file of
the store. Every case is a real SQLite file and real requests through the skill or the Flask app.
"""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import random
import shutil
import sqlite3
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest

from alexa_requests import event_envelope, skill_disabled
from conftest import MORNING
from fakes import FakeAlarm
from servers import free_port, running
from skill.alexa.app import create_skill
from skill.alexa.envelopes import AlexaSession, intent, launch
from skill.stores.sqlite import LOST, SQLitePersistenceAdapter
from skill.web.app import create_app
from stores import envelope_for, without_revision

UNVERIFIED = {"ASK_SDK_VERIFY_SIGNATURE": False, "ASK_SDK_VERIFY_TIMESTAMP": False}
ALICE, BOB, CAROL = "amzn1.ask.account.ALICE-7f3a", "amzn1.ask.account.BOB-91c2", "amzn1.ask.account.CAROL-05de"
FIRST_WELCOME = "not medical advice"  # only a user with no stored profile hears the disclaimer
APOLOGY = "something went wrong"


class Web:
    """The Flask app over one SQLite file, and a conversation per user."""

    def __init__(self, db: Path):
        self.db = db
        self.adapter = SQLitePersistenceAdapter(db)
        self.skill = create_skill(persistence=self.adapter, alarm=FakeAlarm(), rng=random.Random(0))
        self.client = create_app(UNVERIFIED, skill=self.skill).test_client()
        self.sessions: dict[str, AlexaSession] = {}

    def send(self, user: str, request: dict) -> dict:
        session = self.sessions.setdefault(user, AlexaSession(user_id=user))
        answer = self.client.post("/", json=session.envelope(request, at=MORNING))
        assert answer.status_code == 200, answer.get_data(as_text=True)
        session.absorb(answer.get_json())
        return answer.get_json()

    def speech(self, user: str, request: dict) -> str:
        return self.send(user, request)["response"]["outputSpeech"]["ssml"]

    def progress(self, user: str) -> None:
        """The user hears the disclaimer and a tip, and leaves: a stored profile."""
        self.speech(user, launch())
        self.speech(user, intent("PreventionTipIntent"))
        self.speech(user, intent("AMAZON.StopIntent"))
        self.sessions.pop(user).close()

    def health(self) -> int:
        return self.client.get("/healthz").status_code


def stored(db: Path, user: str) -> str | None:
    with closing(sqlite3.connect(db)) as connection:
        row = connection.execute("SELECT data FROM attributes WHERE id = ?", (user,)).fetchone()
    return row[0] if row else None


def checkpoint(db: Path) -> None:
    """Every commit into the main file and the write-ahead log emptied, as after a quiet spell: damage to the main
    file is then damage to the data (while the log still holds a page, SQLite reads that page from the log)."""
    with closing(sqlite3.connect(db)) as connection:
        assert connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0


def overwrite(path: Path, offset: int, garbage: bytes) -> None:
    with open(path, "r+b") as file:  # in place: the same file (inode) every open connection holds
        file.seek(offset)
        file.write(garbage)


def moved_aside(db: Path) -> list[Path]:
    """The database files moved aside (each with its -wal and -shm, when it had them)."""
    return sorted(path for path in db.parent.glob(f"{db.name}.corrupt-*") if not path.name.endswith(("-wal", "-shm")))


def errors(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]


def page_size(db: Path) -> int:
    with closing(sqlite3.connect(db)) as connection:
        return connection.execute("PRAGMA page_size").fetchone()[0]


# At start-up ------------------------------------------------------------------------------------------------------

def garbage_bytes(db: Path) -> None:
    db.write_bytes(random.Random(13).randbytes(20000))


def destroyed_header(db: Path) -> None:
    overwrite(db, 0, b"\x00" * 100)


def header_of_another_format(db: Path) -> None:
    overwrite(db, 0, b"PK\x03\x04" + b"\xff" * 96)  # e.g. a zip copied over it


@pytest.mark.parametrize("damage", [garbage_bytes, destroyed_header, header_of_another_format])
def test_a_corrupt_file_at_start_up_is_moved_aside_and_a_fresh_store_answers(tmp_path, damage, caplog):
    db = tmp_path / "state.db"
    Web(db).progress(BOB)
    checkpoint(db)
    damage(db)
    damaged = db.read_bytes()
    with caplog.at_level(logging.INFO):
        web = Web(db)
    assert web.adapter.startup_error is None
    [aside] = moved_aside(db)
    assert aside.read_bytes() == damaged  # kept, byte for byte, for whoever wants to recover it
    [logged] = errors(caplog)
    assert "corrupt" in logged and aside.name in logged and "lost" in logged
    assert BOB not in logged
    assert web.health() == 200
    assert FIRST_WELCOME in web.speech(ALICE, launch())  # a real answer, from the fresh store
    assert stored(db, ALICE) is not None


def test_a_directory_at_the_path_is_not_moved_but_the_worker_still_boots_and_says_it_cannot_serve(tmp_path, caplog):
    """A directory is no database: it may hold anything (the data folder named by mistake), so it stays put."""
    db = tmp_path / "state.db"
    db.mkdir()
    (db / "keep.txt").write_text("someone's file")
    with caplog.at_level(logging.INFO):
        web = Web(db)
    assert web.adapter.startup_error and any(str(db) in line for line in errors(caplog))
    assert moved_aside(db) == [] and (db / "keep.txt").read_text() == "someone's file"
    assert web.health() == 503
    assert APOLOGY in web.speech(ALICE, launch()).lower()  # the calm apology, not an HTTP error
    shutil.rmtree(db)  # the operator fixes it: the same worker serves again, without a restart
    assert web.health() == 200
    assert FIRST_WELCOME in web.speech(ALICE, launch())


# While the app runs -----------------------------------------------------------------------------------------------

def test_a_file_corrupted_between_two_requests_is_moved_aside_and_the_next_request_answered(tmp_path, caplog):
    db = tmp_path / "state.db"
    web = Web(db)
    web.progress(BOB)
    assert FIRST_WELCOME in web.speech(ALICE, launch())
    checkpoint(db)
    overwrite(db, 0, b"\xff" * 100)
    with caplog.at_level(logging.INFO):
        said = web.speech(ALICE, intent("PreventionTipIntent"))
    assert APOLOGY not in said.lower()
    assert len(moved_aside(db)) == 1 and "lost" in " ".join(errors(caplog))
    assert stored(db, ALICE) is not None and stored(db, BOB) is None  # a fresh file: everyone's progress lost
    assert web.health() == 200


def test_a_malformed_table_found_by_a_read_is_moved_aside(tmp_path, caplog):
    """The header is fine but the table's pages are not: "database disk image is malformed", found at run time."""
    db = tmp_path / "state.db"
    web = Web(db)
    for n in range(40):  # enough rows for the table to span pages beyond its root
        web.progress(f"amzn1.ask.account.FILLER{n}")
    checkpoint(db)
    size = page_size(db)
    overwrite(db, size, b"\xee" * size)  # page 2: the table's root
    with caplog.at_level(logging.INFO):
        said = web.speech(ALICE, launch())
    assert FIRST_WELCOME in said
    assert len(moved_aside(db)) == 1 and any("malformed" in line for line in errors(caplog))


def test_another_workers_connection_to_the_moved_file_reopens_the_new_one(tmp_path):
    """Two workers (two adapters, each with its own connection) on one file: one finds it corrupt and moves it;
    the other, whose connection still points at the moved file, must not keep writing there."""
    db = tmp_path / "state.db"
    first, second = Web(db), Web(db)
    first.progress(BOB)
    checkpoint(db)
    # The second worker's connection is open, and has the file's first page cached: its reads still work.
    assert FIRST_WELCOME not in second.speech(BOB, launch())
    overwrite(db, 0, b"\xff" * 100)
    first.progress(ALICE)  # the first worker finds the damage and moves the file aside
    assert len(moved_aside(db)) == 1
    second.speech(CAROL, launch())
    assert stored(db, CAROL) is not None  # written to the new file, not the moved one
    assert FIRST_WELCOME not in second.speech(ALICE, launch())  # and it reads what the first worker saved
    assert len(moved_aside(db)) == 1


def test_a_worker_that_finds_the_file_already_moved_aside_does_not_move_the_new_one(tmp_path, monkeypatch):
    """Two workers find the same corrupt file; the first to take the lock moves it and starts a fresh file. The
    second, taking the lock after, must see that the file at the path is no longer the one it found corrupt."""
    db = tmp_path / "state.db"
    first, second = Web(db), Web(db)
    first.progress(BOB)
    second.progress(CAROL)
    checkpoint(db)
    overwrite(db, 0, b"\xff" * 100)
    second_workers_lock = second.adapter._exclusive_lock

    @contextlib.contextmanager
    def first_worker_wins_the_lock():
        first.progress(ALICE)  # finds the damage too, moves the file, saves into the fresh one
        with second_workers_lock():
            yield

    monkeypatch.setattr(second.adapter, "_exclusive_lock", first_worker_wins_the_lock)
    assert FIRST_WELCOME in second.speech(CAROL, launch())
    assert len(moved_aside(db)) == 1
    assert stored(db, ALICE) is not None and stored(db, CAROL) is not None  # both in the one fresh file


def _open_and_save(db: Path, user: str, start, outcomes) -> None:
    start.wait()
    web = Web(db)
    try:
        said = web.speech(user, launch())
        outcomes.put("answered" if FIRST_WELCOME in said else said)
    except Exception as error:  # noqa: BLE001 - sent to the test, which names it
        outcomes.put(f"{type(error).__name__}: {error}")


@pytest.mark.parametrize("attempt", range(3))
def test_workers_finding_one_corrupt_file_at_once_move_it_once_and_share_the_new_one(tmp_path, attempt):
    """Several workers boot on the same corrupt file at the same moment: one moves it aside, none moves the fresh
    file another made, and all of them save into that one file."""
    db = tmp_path / "state.db"
    garbage_bytes(db)
    users = [f"amzn1.ask.account.WORKER{n}" for n in range(4)]
    context = multiprocessing.get_context("fork")
    start, outcomes = context.Barrier(len(users)), context.Queue()
    workers = [context.Process(target=_open_and_save, args=(db, user, start, outcomes)) for user in users]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert sorted(outcomes.get(timeout=10) for _ in workers) == ["answered"] * len(users)
    assert len(moved_aside(db)) == 1
    assert all(stored(db, user) is not None for user in users)


# A damaged row ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("damaged", ['{"v": 1, "tips_heard": [', "", "[" * 5000 + "]" * 5000, "null"],
                         ids=["cut-short", "empty", "nested-too-deep", "null"])
def test_a_damaged_row_is_that_users_empty_profile_and_the_next_save_repairs_it(tmp_path, damaged, caplog):
    db = tmp_path / "state.db"
    web = Web(db)
    web.progress(ALICE)
    web.progress(BOB)
    bob_before = stored(db, BOB)
    with closing(sqlite3.connect(db)) as connection, connection:
        connection.execute("UPDATE attributes SET data = ? WHERE id = ?", (damaged, ALICE))
    assert web.adapter.get_attributes(envelope_for(ALICE))[LOST] is True  # a turn knows its profile was lost
    with caplog.at_level(logging.INFO):
        said = web.speech(ALICE, launch())
    assert FIRST_WELCOME in said  # a normal answer: a user the skill does not know yet
    assert web.adapter.get_attributes(envelope_for(ALICE)).get(LOST) is None  # repaired, no longer lost
    assert json.loads(stored(db, ALICE))["disclaimer_heard"] is True  # the turn's save replaced the damaged row
    assert stored(db, BOB) == bob_before
    assert moved_aside(db) == []
    logged = " ".join(record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING)
    assert "could not be read" in logged
    assert ALICE not in logged and (len(damaged) < 4 or damaged[:20] not in logged)


# /healthz ---------------------------------------------------------------------------------------------------------

def test_healthz_is_200_while_the_store_serves_and_503_while_it_cannot(tmp_path):
    db = tmp_path / "store" / "state.db"
    web = Web(db)
    web.progress(BOB)
    assert web.health() == 200
    shutil.rmtree(db.parent)  # the volume gone from under the running worker
    assert web.health() == 503
    assert APOLOGY in web.speech(ALICE, launch()).lower()
    db.parent.mkdir()
    db.mkdir()  # and something that is not a database where the file was
    assert web.health() == 503
    db.rmdir()
    assert web.health() == 200


def test_the_dynamodb_store_reports_itself_healthy_without_a_call():
    from skill.stores.dynamodb import DynamoDbPersistenceAdapter

    class NoCalls:
        def __getattr__(self, name):
            raise AssertionError(f"healthy() called DynamoDB's {name}")

    assert DynamoDbPersistenceAdapter("table", client=NoCalls()).healthy() is True


# Worker boot ------------------------------------------------------------------------------------------------------

def test_gunicorn_workers_boot_on_a_corrupt_file_and_answer(tmp_path):
    """The README's deployment, on a file with a destroyed header: every worker boots, one moves the file aside."""
    db = tmp_path / "state.db"
    garbage_bytes(db)
    port = free_port()
    env = {"SPINE_COACH_DB": str(db), "ASK_SDK_VERIFY_SIGNATURE": "false", "ASK_SDK_VERIFY_TIMESTAMP": "false"}
    arguments = ["-m", "gunicorn", "--workers", "3", "--bind", f"127.0.0.1:{port}", "skill.web.wsgi:app"]
    with running(arguments, port, tmp_path / "gunicorn", env=env) as server:
        for n in range(6):
            body = json.dumps(AlexaSession(user_id=f"amzn1.ask.account.BOOT{n}").envelope(launch())).encode()
            status, answer = server.post(body)
            assert status == 200 and FIRST_WELCOME in answer["response"]["outputSpeech"]["ssml"]
        with urllib.request.urlopen(server.url + "/healthz", timeout=5) as health:
            assert health.status == 200
    assert len(moved_aside(db)) == 1
    logged = server.stdout() + server.stderr()  # the app's JSON lines, gunicorn's own
    assert "lost" in logged and "Traceback" not in logged and "Worker failed to boot" not in logged


# Deletion that deletes --------------------------------------------------------------------------------------------

def test_after_skill_disabled_the_users_id_is_in_no_file_of_the_store(tmp_path):
    db = tmp_path / "state.db"
    web = Web(db)
    web.progress(BOB)
    for _ in range(3):  # several saves: several copies of the row's pages in the write-ahead log
        web.progress(ALICE)
    web.progress(CAROL)
    files = sorted(tmp_path.iterdir())
    assert any(ALICE.encode() in path.read_bytes() for path in files)  # the scan below can find it
    answer = web.client.post("/", json=event_envelope(AlexaSession(user_id=ALICE), skill_disabled(), at=MORNING))
    assert answer.status_code == 200 and answer.get_json()["response"] == {}
    assert files_holding(tmp_path, ALICE) == []
    web.progress("amzn1.ask.account.DAVE-after")
    assert files_holding(tmp_path, ALICE) == []
    assert stored(db, ALICE) is None
    assert stored(db, BOB) and stored(db, CAROL)  # the others' rows, before and after, are all there
    assert without_revision(web.adapter.get_attributes(envelope_for(BOB)))["disclaimer_heard"] is True


def files_holding(folder: Path, text: str) -> list[str]:
    """Every file in the store's folder (the database, its -wal and -shm, the lock file) whose bytes hold `text`."""
    return [path.name for path in sorted(folder.iterdir()) if text.encode() in path.read_bytes()]
