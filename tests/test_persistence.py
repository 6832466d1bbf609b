"""skill.stores.sqlite: the SQLite adapter behind ask-sdk's AbstractPersistenceAdapter, on a real file."""

from __future__ import annotations

import json
import multiprocessing
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model import Context, RequestEnvelope, User
from ask_sdk_model.interfaces.system import SystemState

from skill.stores.sqlite import DB_ENV, SQLitePersistenceAdapter, default_db_path, user_id_key
from stores import envelope_for, without_revision

ALICE = envelope_for("amzn1.ask.account.ALICE")
BOB = envelope_for("amzn1.ask.account.BOB")


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "state.db"


@pytest.fixture
def adapter(db) -> SQLitePersistenceAdapter:
    return SQLitePersistenceAdapter(db)


def rows(db: Path) -> dict[str, str]:
    with closing(sqlite3.connect(db)) as connection:
        return dict(connection.execute("SELECT id, data FROM attributes").fetchall())


def test_envelope_helper_carries_the_user_id():
    assert user_id_key(ALICE) == "amzn1.ask.account.ALICE"


def test_unknown_user_gets_empty_attributes(adapter):
    assert without_revision(adapter.get_attributes(ALICE)) == {}


def test_save_then_get_round_trips(adapter, db):
    attributes = {"v": 1, "tips_heard": ["lifting_plan"], "heat": {"started_at": 1.5, "ends_at": 901.5},
                  "unfinished": None, "disclaimer_heard": True, "text": "Heat & ice <ok> \u00e9"}
    adapter.save_attributes(ALICE, attributes)
    assert without_revision(adapter.get_attributes(ALICE)) == attributes
    assert json.loads(rows(db)["amzn1.ask.account.ALICE"]) == attributes


def test_save_overwrites_the_previous_attributes(adapter, db):
    adapter.save_attributes(ALICE, {"v": 1, "a": 1})
    adapter.save_attributes(ALICE, {"v": 1, "b": 2})
    assert without_revision(adapter.get_attributes(ALICE)) == {"v": 1, "b": 2}
    assert list(rows(db)) == ["amzn1.ask.account.ALICE"]  # one row per user


def test_users_are_kept_apart(adapter):
    adapter.save_attributes(ALICE, {"who": "alice"})
    adapter.save_attributes(BOB, {"who": "bob"})
    assert without_revision(adapter.get_attributes(ALICE)) == {"who": "alice"}
    assert without_revision(adapter.get_attributes(BOB)) == {"who": "bob"}


def test_delete_removes_only_that_user(adapter):
    adapter.save_attributes(ALICE, {"who": "alice"})
    adapter.save_attributes(BOB, {"who": "bob"})
    adapter.delete_attributes(ALICE)
    assert without_revision(adapter.get_attributes(ALICE)) == {}
    assert without_revision(adapter.get_attributes(BOB)) == {"who": "bob"}


def test_delete_of_an_unknown_user_is_harmless(adapter):
    adapter.save_attributes(BOB, {"who": "bob"})
    adapter.delete_attributes(ALICE)
    assert without_revision(adapter.get_attributes(BOB)) == {"who": "bob"}


def test_wal_mode_is_on(adapter, db):
    with closing(sqlite3.connect(db)) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_damaged_stored_json_reads_as_empty_and_the_next_save_overwrites_it(adapter, db):
    adapter.save_attributes(BOB, {"who": "bob"})
    with closing(sqlite3.connect(db)) as connection, connection:
        connection.execute("INSERT INTO attributes (id, data) VALUES (?, ?)", ("amzn1.ask.account.ALICE", "{not json"))
    read = adapter.get_attributes(ALICE)
    assert without_revision(read) == {}
    adapter.save_attributes(ALICE, {**read, "who": "alice"})  # at the damaged row's revision: no ConcurrentUpdate
    assert json.loads(rows(db)["amzn1.ask.account.ALICE"]) == {"who": "alice"}
    assert without_revision(adapter.get_attributes(BOB)) == {"who": "bob"}  # other users are unaffected


def test_stored_json_that_is_not_an_object_reads_as_empty(adapter, db):
    with closing(sqlite3.connect(db)) as connection, connection:
        connection.execute("INSERT INTO attributes (id, data) VALUES (?, ?)", ("amzn1.ask.account.ALICE", "[1, 2]"))
    assert without_revision(adapter.get_attributes(ALICE)) == {}


@pytest.mark.parametrize(
    "envelope",
    [
        RequestEnvelope(),
        RequestEnvelope(context=Context()),
        RequestEnvelope(context=Context(system=SystemState())),
    ],
    ids=["no-context", "no-system", "no-user"],
)
@pytest.mark.parametrize("operation", ["get", "save", "delete"])
def test_envelope_without_a_user_raises_persistence_exception(adapter, db, envelope, operation):
    call = {"get": lambda: adapter.get_attributes(envelope),
            "save": lambda: adapter.save_attributes(envelope, {"v": 1}),
            "delete": lambda: adapter.delete_attributes(envelope)}[operation]
    with pytest.raises(PersistenceException):
        call()
    assert rows(db) == {}


def test_user_with_a_null_user_id_raises_persistence_exception(adapter, db):
    envelope = RequestEnvelope(context=Context(system=SystemState(user=User(user_id=None))))
    with pytest.raises(PersistenceException):
        adapter.save_attributes(envelope, {"v": 1})
    assert rows(db) == {}


def test_two_adapters_on_one_file_see_each_others_writes(db):
    first, second = SQLitePersistenceAdapter(db), SQLitePersistenceAdapter(db)
    first.save_attributes(ALICE, {"from": "first"})
    assert without_revision(second.get_attributes(ALICE)) == {"from": "first"}
    second.save_attributes(ALICE, {"from": "second"})
    assert without_revision(first.get_attributes(ALICE)) == {"from": "second"}
    second.delete_attributes(ALICE)
    assert without_revision(first.get_attributes(ALICE)) == {}


def test_reopening_keeps_the_data(db):
    SQLitePersistenceAdapter(db).save_attributes(BOB, {"kept": True})
    assert without_revision(SQLitePersistenceAdapter(db).get_attributes(BOB)) == {"kept": True}


def write_file_from_before_revisions(db: Path) -> None:
    """A store as the first release wrote it: no revision column, one user's row."""
    with closing(sqlite3.connect(db)) as old, old:
        old.execute("CREATE TABLE attributes (id TEXT PRIMARY KEY, data TEXT NOT NULL)")
        old.execute("INSERT INTO attributes VALUES (?, ?)", ("amzn1.ask.account.BOB", '{"kept":true}'))


def test_a_file_from_before_revisions_is_upgraded_and_keeps_its_data(db):
    write_file_from_before_revisions(db)
    adapter = SQLitePersistenceAdapter(db)
    assert adapter.get_attributes(BOB) == {"kept": True, "_revision": 1}
    adapter.save_attributes(BOB, adapter.get_attributes(BOB) | {"more": 1})
    assert adapter.get_attributes(BOB)["_revision"] == 2


def _open_at_the_signal(db: Path, start, outcomes) -> None:
    start.wait()
    try:
        problem = SQLitePersistenceAdapter(db).startup_error  # the adapter logs it rather than raise it
        outcomes.put(problem or "opened")
    except Exception as error:  # noqa: BLE001 - sent to the test, which names it
        outcomes.put(f"{type(error).__name__}: {error}")


def open_in_processes_at_once(db: Path, processes: int = 3) -> list[str]:
    """What each of several processes got from opening one file at the same moment, as gunicorn's workers do."""
    context = multiprocessing.get_context("fork")
    start, outcomes = context.Barrier(processes), context.Queue()
    workers = [context.Process(target=_open_at_the_signal, args=(db, start, outcomes)) for _ in range(processes)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sorted(outcomes.get(timeout=10) for _ in workers)


# Before the set-up waited out a busy file, about one try in three failed with "database is locked".
@pytest.mark.parametrize("attempt", range(25))
def test_processes_opening_a_new_file_at_once_all_open_it(tmp_path, attempt):
    db = tmp_path / "state.db"
    assert open_in_processes_at_once(db) == ["opened"] * 3
    assert without_revision(SQLitePersistenceAdapter(db).get_attributes(BOB)) == {}


@pytest.mark.parametrize("attempt", range(10))
def test_processes_upgrading_an_old_file_at_once_all_open_it(tmp_path, attempt):
    db = tmp_path / "state.db"
    write_file_from_before_revisions(db)
    assert open_in_processes_at_once(db) == ["opened"] * 3
    assert SQLitePersistenceAdapter(db).get_attributes(BOB) == {"kept": True, "_revision": 1}


def test_concurrent_saves_from_eight_threads_all_land(db):
    adapter = SQLitePersistenceAdapter(db)
    users = [envelope_for(f"amzn1.ask.account.THREAD{n}") for n in range(8)]
    start = threading.Barrier(len(users))
    errors: list[BaseException] = []

    def work(n: int, envelope: RequestEnvelope) -> None:
        try:
            start.wait()
            for round_ in range(25):
                adapter.save_attributes(envelope, {"thread": n, "round": round_})
        except BaseException as error:  # noqa: BLE001 - reported to the main thread below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n, envelope)) for n, envelope in enumerate(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    for n, envelope in enumerate(users):
        assert without_revision(adapter.get_attributes(envelope)) == {"thread": n, "round": 24}
    assert len(rows(db)) == 8


# --- where the database lives -------------------------------------------------------------------------


@pytest.fixture
def clean_env(monkeypatch):
    for name in (DB_ENV, "AWS_LAMBDA_FUNCTION_NAME", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_default_db_path_honours_spine_coach_db(clean_env, tmp_path):
    clean_env.setenv(DB_ENV, str(tmp_path / "custom.db"))
    clean_env.setenv("AWS_LAMBDA_FUNCTION_NAME", "spine-coach")  # the explicit setting wins
    assert default_db_path() == tmp_path / "custom.db"


def test_default_db_path_on_lambda_is_in_tmp(clean_env):
    clean_env.setenv("AWS_LAMBDA_FUNCTION_NAME", "spine-coach")
    assert default_db_path() == Path("/tmp/spine-coach.db")


def test_default_db_path_uses_xdg_data_home(clean_env, tmp_path):
    clean_env.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_db_path() == tmp_path / "data" / "spine-coach" / "state.db"


def test_default_db_path_falls_back_to_home(clean_env, tmp_path):
    clean_env.setenv("HOME", str(tmp_path))
    assert default_db_path() == tmp_path / ".local" / "share" / "spine-coach" / "state.db"


def test_empty_spine_coach_db_is_ignored(clean_env, tmp_path):
    clean_env.setenv(DB_ENV, "")
    clean_env.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_db_path() == tmp_path / "spine-coach" / "state.db"


def test_adapter_without_a_path_uses_the_environment_and_makes_the_folder(clean_env, tmp_path):
    target = tmp_path / "nested" / "dir" / "coach.db"
    clean_env.setenv(DB_ENV, str(target))
    adapter = SQLitePersistenceAdapter()
    assert adapter.path == target
    adapter.save_attributes(ALICE, {"v": 1})
    assert target.is_file()
    assert json.loads(rows(target)["amzn1.ask.account.ALICE"]) == {"v": 1}
