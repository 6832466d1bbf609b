"""Persistent attributes in SQLite, behind ask-sdk's own adapter interface, and what every store shares.

One row per user: the profile as JSON. WAL mode and a short-lived connection per call let several processes
(gunicorn workers, two terminals) share one file. The DynamoDB adapter keys and encodes its items with the same
functions, so a user's row is the same text in either store.

Optimistic concurrency: a row carries a revision, read back as the `REVISION` attribute. A save that passes the
revision it read only succeeds if nobody saved in between; otherwise it raises ConcurrentUpdate and the skill
runs the turn again on the fresh profile. Two devices of one household can then never undo each other's
progress, and no request holds a lock while a handler runs.
"""

from __future__ import annotations

import json
import os
import sqlite3
from contextlib import closing
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


def encode_attributes(attributes: dict[str, Any]) -> str:
    """Compact, key-sorted JSON: the same attributes always give the same stored text."""
    return json.dumps(attributes, separators=(",", ":"), sort_keys=True)


def decode_attributes(stored: str) -> dict[str, Any]:
    try:
        loaded = json.loads(stored)
    except json.JSONDecodeError as damaged:
        raise PersistenceException(f"stored attributes for this user are not JSON: {damaged}") from damaged
    return loaded if isinstance(loaded, dict) else {}


class SQLitePersistenceAdapter(AbstractPersistenceAdapter):
    def __init__(self, path: str | os.PathLike | None = None,
                 partition_key: Callable[[RequestEnvelope], str] = user_id_key, timeout: float = 5.0):
        self.path = Path(path) if path else default_db_path()
        self.partition_key = partition_key
        self.timeout = timeout
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("CREATE TABLE IF NOT EXISTS attributes (id TEXT PRIMARY KEY, data TEXT NOT NULL, "
                       "revision INTEGER NOT NULL DEFAULT 1)")
            if "revision" not in {column[1] for column in db.execute("PRAGMA table_info(attributes)")}:
                db.execute("ALTER TABLE attributes ADD COLUMN revision INTEGER NOT NULL DEFAULT 1")  # older files

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=self.timeout)

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        key = self.partition_key(request_envelope)
        with closing(self._connect()) as db:
            row = db.execute("SELECT data, revision FROM attributes WHERE id = ?", (key,)).fetchone()
        return {} if row is None else {**decode_attributes(row[0]), REVISION: row[1]}

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]) -> None:
        """Saved only if the row is still at the revision the caller read (see `REVISION`); without one, saved."""
        key = self.partition_key(request_envelope)
        expected = attributes.get(REVISION)
        data = encode_attributes({name: value for name, value in attributes.items() if name != REVISION})
        with closing(self._connect()) as db, db:
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
        if saved.rowcount != 1:
            raise ConcurrentUpdate("this user's attributes changed since they were read")

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        key = self.partition_key(request_envelope)
        with closing(self._connect()) as db, db:
            db.execute("DELETE FROM attributes WHERE id = ?", (key,))
