"""Persistent attributes in SQLite, behind ask-sdk's own adapter interface, and what every store shares.

Why it is built this way: README.md, "Design notes".
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Callable, Mapping

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model import RequestEnvelope

DB_ENV = "SPINE_COACH_DB"


def default_db_path(environ: Mapping[str, str] = os.environ) -> Path:
    """Where the embedded store lives unless SPINE_COACH_DB says otherwise."""
    if environ.get(DB_ENV):
        return Path(environ[DB_ENV])
    if environ.get("AWS_LAMBDA_FUNCTION_NAME"):  # only /tmp is writable on Lambda
        return Path("/tmp/spine-coach.db")
    data_home = Path(environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data_home / "spine-coach" / "state.db"


def user_id_key(request_envelope: RequestEnvelope) -> str:
    user_id = getattr(getattr(getattr(request_envelope.context, "system", None), "user", None), "user_id", None)
    if not isinstance(user_id, str) or not user_id:
        raise PersistenceException("the request carries no user id")  # never pool anonymous users in one row
    return user_id


REVISION = "_revision"  # the stored revision a turn read; 0: it read no row at all


class ConcurrentUpdate(PersistenceException):
    """Another request saved this user's attributes after this one read them; its turn should run again."""


_STORED_JSON = json.JSONEncoder(separators=(",", ":"), sort_keys=True)  # made once: json.dumps makes one a call


def encode_attributes(attributes: dict[str, Any]) -> str:
    """Compact, key-sorted JSON: the same attributes always give the same stored text."""
    return _STORED_JSON.encode(attributes)


def decode_attributes(stored: str) -> dict[str, Any]:
    try:
        loaded = json.loads(stored)
    except json.JSONDecodeError as damaged:
        raise PersistenceException(f"stored attributes for this user are not JSON: {damaged}") from damaged
    return loaded if isinstance(loaded, dict) else {}


SYNCHRONOUS = "PRAGMA synchronous=NORMAL"  # with WAL: durable across crashes of the process (module docstring)
_INHERITED_CONNECTIONS: list[sqlite3.Connection] = []  # see SQLitePersistenceAdapter._connection


def _set_up_schema(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA journal_mode=WAL")
    with db:
        db.execute("BEGIN IMMEDIATE")  # one process at a time looks for the revision column and adds it
        db.execute("CREATE TABLE IF NOT EXISTS attributes (id TEXT PRIMARY KEY, data TEXT NOT NULL, "
                   "revision INTEGER NOT NULL DEFAULT 1)")
        if "revision" not in {column[1] for column in db.execute("PRAGMA table_info(attributes)")}:
            db.execute("ALTER TABLE attributes ADD COLUMN revision INTEGER NOT NULL DEFAULT 1")  # older files


class SQLitePersistenceAdapter(AbstractPersistenceAdapter):
    def __init__(self, path: str | os.PathLike | None = None,
                 partition_key: Callable[[RequestEnvelope], str] = user_id_key, timeout: float = 5.0):
        self.path = Path(path) if path else default_db_path()
        self.partition_key = partition_key
        self.timeout = timeout
        self._local = threading.local()  # .db: this thread's connection; .pid: the process that opened it
        self.path.parent.mkdir(parents=True, exist_ok=True)
        new_file = not self.path.exists()
        db = self._connection()  # kept for this thread's calls: closing it would checkpoint, with an fsync
        if new_file:
            # A new file holds nothing yet, so its set-up skips the fsyncs (the switch to WAL, the first commit):
            # several milliseconds each, on every Lambda cold start (always a new file in /tmp). A power cut in
            # those milliseconds could at worst spoil the empty file, never anyone's data.
            db.execute("PRAGMA synchronous=OFF")
        self._while_busy(lambda: _set_up_schema(db))
        db.execute(SYNCHRONOUS)

    def _while_busy(self, step: Callable[[], None]) -> None:
        """Runs `step`, again while another process holds the lock, for up to `timeout` seconds.

        Needed for the set-up only: two gunicorn workers (or two terminals) opening a new file at the same moment
        both try to switch it to WAL, and SQLite answers the loser "database is locked" at once rather than
        waiting (its busy timeout does not cover a journal-mode switch), which would stop that worker booting."""
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                return step()
            except sqlite3.OperationalError as error:
                if error.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() >= deadline:
                    raise
            time.sleep(random.uniform(0.005, 0.02))  # apart, so the two don't meet again in step

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=self.timeout)
        db.execute(SYNCHRONOUS)
        return db

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use and then kept (it closes with the thread or adapter)."""
        local = self._local
        db = getattr(local, "db", None)
        if db is None or local.pid != os.getpid():
            if db is not None:
                # Opened before a fork: SQLite forbids using it here, and closing it could drop this process's
                # file locks, so it is left alone for good.
                _INHERITED_CONNECTIONS.append(db)
            db = local.db = self._connect()
            local.pid = os.getpid()
        return db

    def _forget_connection(self) -> None:
        """After an SQLite error the next call starts on a fresh connection, as every call once did."""
        db, self._local.db = getattr(self._local, "db", None), None
        if db is not None:
            try:
                db.close()
            except sqlite3.Error:
                pass

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        key = self.partition_key(request_envelope)
        try:
            row = self._connection().execute("SELECT data, revision FROM attributes WHERE id = ?", (key,)).fetchone()
        except sqlite3.Error:
            self._forget_connection()
            raise
        return {} if row is None else {**decode_attributes(row[0]), REVISION: row[1]}

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]) -> None:
        """Saved only if the row is still at the revision the caller read (see `REVISION`); without one, saved."""
        key = self.partition_key(request_envelope)
        expected = attributes.get(REVISION)
        data = encode_attributes({name: value for name, value in attributes.items() if name != REVISION})
        try:
            with self._connection() as db:  # one transaction: committed here, rolled back on an error
                if expected is None:
                    db.execute("INSERT INTO attributes (id, data) VALUES (?, ?) ON CONFLICT(id) DO UPDATE "
                               "SET data = excluded.data, revision = revision + 1", (key, data))
                    return
                if expected == 0:
                    saved = db.execute("INSERT INTO attributes (id, data) VALUES (?, ?) ON CONFLICT(id) DO NOTHING",
                                       (key, data))
                else:
                    saved = db.execute("UPDATE attributes SET data = ?, revision = revision + 1 "
                                       "WHERE id = ? AND revision = ?", (data, key, expected))
        except sqlite3.Error:
            self._forget_connection()
            raise
        if saved.rowcount != 1:
            raise ConcurrentUpdate("this user's attributes changed since they were read")

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        key = self.partition_key(request_envelope)
        try:
            with self._connection() as db:
                db.execute("DELETE FROM attributes WHERE id = ?", (key,))
        except sqlite3.Error:
            self._forget_connection()
            raise
