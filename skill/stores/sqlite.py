"""Persistent attributes in SQLite, behind ask-sdk's own adapter interface, and what every store shares.

Why it is built this way: README.md, "Design notes".
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import random
import sqlite3
import stat
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, TypeVar

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model import RequestEnvelope

DB_ENV = "SPINE_COACH_DB"
T = TypeVar("T")

log = logging.getLogger(__name__)


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
# True when the store had this user's profile but could not give it: a damaged row, or a corrupt file found (and
# moved aside) by this very read. The turn then knows nothing of, say, a device timer the profile named.
LOST = "_lost"
NOT_STORED = (REVISION, LOST)  # what a read adds, never written back (every store)


class ConcurrentUpdate(PersistenceException):
    """Another request saved this user's attributes after this one read them; its turn should run again."""


_STORED_JSON = json.JSONEncoder(separators=(",", ":"), sort_keys=True)  # made once: json.dumps makes one a call


def encode_attributes(attributes: Mapping[str, Any]) -> str:
    """Compact, key-sorted JSON: the same attributes always give the same stored text. What a read added
    (NOT_STORED) is left out."""
    return _STORED_JSON.encode({name: value for name, value in attributes.items() if name not in NOT_STORED})


def decode_attributes(stored: Any) -> dict[str, Any]:
    """A stored row's attributes. A row that cannot be read is one user's empty profile, not every turn of theirs
    an apology: the caller keeps its revision, so the user's next save overwrites it."""
    try:
        loaded = json.loads(stored)
    except (ValueError, TypeError, RecursionError) as damaged:  # not JSON, not text, or nested past the limit
        problem = type(damaged).__name__
    else:
        if isinstance(loaded, dict):
            return loaded
        problem = f"JSON {type(loaded).__name__}, not an object"
    # What was wrong only: the row's text (and the user it belongs to) stays out of the log.
    log.warning("a stored profile could not be read (%s): that user starts from an empty profile", problem)
    return {LOST: True}


SYNCHRONOUS = "PRAGMA synchronous=NORMAL"  # with WAL: durable across crashes of the process (module docstring)
# Connections that must never be closed: one opened before a fork (SQLite forbids using it in the child, and
# closing it could drop the parent's file locks), and one whose file was moved aside or deleted (closing it would
# make SQLite delete "<path>-wal" by name: the write-ahead log of the new file, with its latest commits).
_UNCLOSABLE_CONNECTIONS: list[sqlite3.Connection] = []
_CORRUPTION = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}  # the primary codes; extended codes add high bits
_SIDE_FILES = ("-wal", "-shm")


def is_corruption(error: sqlite3.Error) -> bool:
    """Whether SQLite said the file is damaged ("file is not a database", "database disk image is malformed")."""
    code = getattr(error, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in _CORRUPTION


def _identity(path: Path) -> tuple[int, int] | None:
    """The file now at `path` (device, inode), or None: whether a connection still points at it."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _set_up_schema(db: sqlite3.Connection) -> None:
    db.execute("PRAGMA journal_mode=WAL")
    with db:
        db.execute("BEGIN IMMEDIATE")  # one process at a time looks for the revision column and adds it
        db.execute("CREATE TABLE IF NOT EXISTS attributes (id TEXT PRIMARY KEY, data TEXT NOT NULL, "
                   "revision INTEGER NOT NULL DEFAULT 1)")
        if "revision" not in {column[1] for column in db.execute("PRAGMA table_info(attributes)")}:
            db.execute("ALTER TABLE attributes ADD COLUMN revision INTEGER NOT NULL DEFAULT 1")  # older files


class _Opened:
    """One thread's connection, with the process that opened it and the file it opened."""

    __slots__ = ("db", "path", "pid", "identity")

    def __init__(self, db: sqlite3.Connection, path: Path, identity: tuple[int, int] | None):
        self.db, self.path, self.pid, self.identity = db, path, os.getpid(), identity

    def current(self) -> bool:
        """Usable here: opened by this process, on the file that is at the path now."""
        return self.pid == os.getpid() and _identity(self.path) == self.identity

    def release(self) -> None:
        """Closed if that is safe (see _UNCLOSABLE_CONNECTIONS), else kept open for good."""
        db, self.db = self.db, None
        if db is None:
            return
        if self.current():
            try:
                db.close()
            except sqlite3.Error:
                pass
        else:
            _UNCLOSABLE_CONNECTIONS.append(db)

    def __del__(self) -> None:  # a thread's connection goes when the thread does
        try:
            self.release()
        except Exception:  # noqa: BLE001 - at interpreter exit os or the module may be gone; nothing to save
            pass


class SQLitePersistenceAdapter(AbstractPersistenceAdapter):
    """See the README's design notes ("skill/stores/sqlite.py") for the connections, revisions and recovery."""

    def __init__(self, path: str | os.PathLike | None = None,
                 partition_key: Callable[[RequestEnvelope], str] = user_id_key, timeout: float = 5.0):
        self.path = Path(path) if path else default_db_path()
        self.partition_key = partition_key
        self.timeout = timeout
        self._local = threading.local()  # .opened: this thread's connection (an _Opened)
        self._schema_on: tuple[int, int] | None = None  # the file whose schema this process has set up
        self._was_healthy = True
        # Why the store could not be opened here, or None. Never raised: a worker must boot whatever the file
        # holds (each call tries again, and `healthy()` tells the load balancer); a runner can report it.
        self.startup_error: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._run(lambda db: None)  # opens the file and sets it up, moving a corrupt one aside
        except (sqlite3.Error, OSError, PersistenceException) as error:
            self.startup_error = f"{type(error).__name__}: {error}"
            log.error("progress store %s cannot be opened (%s): every turn apologises until it can",
                      self.path, self.startup_error)

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

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use and then kept (it closes with the thread or adapter).
        A stat per call notices a file moved aside (by any worker) or replaced, and opens the new one."""
        opened = getattr(self._local, "opened", None)
        if opened is not None and opened.current():
            return opened.db
        self._forget_connection()
        before = _identity(self.path)
        db = sqlite3.connect(self.path, timeout=self.timeout)
        identity = _identity(self.path)
        # Kept before the set-up, so that a set-up failing on a corrupt file knows which file that was.
        self._local.opened = _Opened(db, self.path, identity if before in (None, identity) else None)
        db.execute(SYNCHRONOUS)
        db.execute("PRAGMA secure_delete=ON")  # a deleted or rewritten row's bytes are zeroed, not left behind
        if identity != self._schema_on:
            if before is None:
                # A new file holds nothing yet, so its set-up skips the fsyncs (the switch to WAL, the first
                # commit): several milliseconds each, on every Lambda cold start (always a new file in /tmp). A
                # power cut in those milliseconds could at worst spoil the empty file, never anyone's data.
                db.execute("PRAGMA synchronous=OFF")
            self._while_busy(lambda: _set_up_schema(db))
            db.execute(SYNCHRONOUS)
            self._schema_on = identity
        return db

    def _forget_connection(self) -> None:
        """After an SQLite error the next call starts on a fresh connection, as every call once did."""
        opened, self._local.opened = getattr(self._local, "opened", None), None
        if opened is not None:
            opened.release()

    def _run(self, step: Callable[[sqlite3.Connection], T]) -> T:
        """`step` on this thread's connection. If SQLite says the file is corrupt, the file is moved aside and
        `step` runs once more, on a fresh file (and `self._local.replaced` says so)."""
        self._local.replaced = False
        for attempt in range(2):
            try:
                return step(self._connection())
            except sqlite3.DatabaseError as error:
                if attempt or not is_corruption(error):
                    self._forget_connection()
                    raise
                self._move_corrupt_file_aside(error)
                self._local.replaced = True
        raise AssertionError("unreachable")  # the second attempt returns or raises

    def _move_corrupt_file_aside(self, error: sqlite3.DatabaseError) -> None:
        """Moves the file this thread found corrupt to `<name>.corrupt-<UTC time>` (with its -wal and -shm).

        Several workers may find the same file corrupt at once. Under an exclusive lock on a file beside it, a
        worker moves the file only if it is still the one its own connection opened: once one worker has moved
        it, the others find a different file (or none) at the path and just open that."""
        opened, self._local.opened = getattr(self._local, "opened", None), None
        with self._exclusive_lock():
            if opened is None or opened.identity is None or _identity(self.path) != opened.identity:
                if opened is not None:
                    opened.release()
                return
            if not stat.S_ISREG(os.stat(self.path).st_mode):
                opened.release()
                raise PersistenceException(f"{self.path} is corrupt and not a regular file, so it is not moved")
            aside = self.path.with_name(f"{self.path.name}.corrupt-{datetime.now(timezone.utc):%Y%m%dT%H%M%S.%fZ}")
            try:
                # The logs first: a crash in between must never leave the old log beside a new file, or SQLite
                # would replay it into the new file.
                for suffix in _SIDE_FILES:
                    with contextlib.suppress(FileNotFoundError):
                        os.rename(f"{self.path}{suffix}", f"{aside}{suffix}")
                os.rename(self.path, aside)
            except OSError as failure:
                log.error("progress store %s is corrupt (%s) and could not be moved aside: %s",
                          self.path, error, failure)
                raise PersistenceException(f"{self.path} is corrupt and could not be moved aside") from None
            finally:
                opened.release()  # after the move: kept open for good, as a connection to a moved file must be
        # Only the file's name and SQLite's words about it: no user's data.
        log.error("progress store %s is corrupt (%s): moved aside to %s and a new, empty store started; the "
                  "progress of every user kept in it is lost", self.path, error, aside.name)

    @contextlib.contextmanager
    def _exclusive_lock(self) -> Iterator[None]:
        """Held by one process (of any worker) at a time while it decides whether to move the file aside."""
        try:
            import fcntl  # not on Windows, where the offline runner may run alone: then no lock
            lock = os.open(f"{self.path}.recovery-lock", os.O_RDWR | os.O_CREAT, 0o600)
        except (ImportError, OSError):
            yield  # a folder where no lock file can be made cannot take the renamed file either
            return
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield
        finally:
            os.close(lock)  # releases the lock

    def healthy(self) -> bool:
        """Whether the store can serve a turn: a cheap read of the table (a corrupt file is moved aside on the way,
        as on any read). A change of state is logged once, not on every probe."""
        try:
            self._run(lambda db: db.execute("SELECT 1 FROM attributes LIMIT 1").fetchall())
            now_healthy = True
        except (sqlite3.Error, OSError, PersistenceException) as error:
            now_healthy, reason = False, f"{type(error).__name__}: {error}"
        if now_healthy != self._was_healthy:
            if now_healthy:
                log.warning("progress store %s serves again", self.path)
            else:
                log.error("progress store %s cannot serve (%s)", self.path, reason)
            self._was_healthy = now_healthy
        return now_healthy

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        key = self.partition_key(request_envelope)
        row = self._run(lambda db: db.execute("SELECT data, revision FROM attributes WHERE id = ?", (key,)).fetchone())
        if row is None:
            return {LOST: True} if self._local.replaced else {}
        # With a row's revision, even a row that could not be read: the next save then overwrites it.
        return {**decode_attributes(row[0]), REVISION: row[1]}

    def save_attributes(self, request_envelope: RequestEnvelope, attributes: dict[str, Any]) -> None:
        """Saved only if the row is still at the revision the caller read (see `REVISION`); without one, saved."""
        key = self.partition_key(request_envelope)
        expected = attributes.get(REVISION)
        data = encode_attributes(attributes)

        def save(db: sqlite3.Connection) -> int:
            with db:  # one transaction: committed here, rolled back on an error
                if expected is None:
                    return db.execute("INSERT INTO attributes (id, data) VALUES (?, ?) ON CONFLICT(id) DO UPDATE "
                                      "SET data = excluded.data, revision = revision + 1", (key, data)).rowcount
                if expected == 0:
                    return db.execute("INSERT INTO attributes (id, data) VALUES (?, ?) ON CONFLICT(id) DO NOTHING",
                                      (key, data)).rowcount
                return db.execute("UPDATE attributes SET data = ?, revision = revision + 1 "
                                  "WHERE id = ? AND revision = ?", (data, key, expected)).rowcount

        if self._run(save) != 1:  # after a corrupt file was replaced, the row is gone: the turn runs again
            raise ConcurrentUpdate("this user's attributes changed since they were read")

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        """Deletes the row, then checkpoints so that no file of the store holds it any more: the write-ahead log
        keeps every page a commit wrote (the user's id among them) until a checkpoint, and TRUNCATE empties it."""
        key = self.partition_key(request_envelope)

        def delete(db: sqlite3.Connection) -> tuple[int, int, int]:
            with db:
                db.execute("DELETE FROM attributes WHERE id = ?", (key,))
            return db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()

        blocked, _, _ = self._run(delete)
        if blocked:  # a reader held an old snapshot for the whole busy timeout; the next delete or checkpoint clears it
            log.warning("progress store %s: the write-ahead log could not be emptied after a deletion", self.path)
