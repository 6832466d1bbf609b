"""The offline runner's progress file: a `--db` path that cannot work is refused with one line saying why.

The checks come before SQLite sees the path, because SQLite's own errors ("disk I/O error" for /dev/null, "unable
to open database file" for a folder) do not say what to change. A file that is not SQLite at all is refused rather
than moved aside as the server's store does with a corrupt file: given by hand, it is more likely the wrong path
(someone's notes) than a damaged database, and renaming it would be a surprise. A damaged SQLite file is left to the
store, which moves it aside with one log line and starts afresh. Where the store still cannot open the file, the
server's store would boot and apologise on every turn; the runner refuses to start instead.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path
from typing import Iterator

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import Context, RequestEnvelope
from ask_sdk_model.interfaces.system import SystemState
from ask_sdk_model.user import User

from skill.core.profile import Profile
from skill.stores.sqlite import LOST, REVISION, SQLitePersistenceAdapter, default_db_path

SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database file
_CHOOSE_ANOTHER = "give --db a file name in a folder you can write to, such as ~/spine-coach.db"


class ProgressStoreError(Exception):
    """One line naming the path and what is wrong with it."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        super().__init__(f"{path}: {' '.join(problem.split())}.")


def open_progress_store(db: str | os.PathLike | None) -> SQLitePersistenceAdapter:
    """The store at `db` (default: SPINE_COACH_DB or the user data folder); its missing folders are created."""
    path = Path(db) if db else default_db_path()
    try:
        _refuse_unusable_path(path)
    except OSError as error:  # e.g. no permission to look inside a folder on the way
        raise ProgressStoreError(path, f"this path cannot be used ({error.strerror or error}); "
                                       f"{_CHOOSE_ANOTHER}") from None
    with _held_log_records(logging.getLogger(SQLitePersistenceAdapter.__module__)) as held:
        store = SQLitePersistenceAdapter(path)  # never raises: it keeps why it could not open in startup_error
    if store.startup_error:
        # The store's own log line says every turn will apologise, true for a server; this line replaces it.
        raise ProgressStoreError(path, f"this cannot be used as the progress file ({store.startup_error}); "
                                       f"{_CHOOSE_ANOTHER}")
    for record in held:  # e.g. that a damaged file was moved aside: the one line worth seeing
        logging.getLogger(record.name).handle(record)
    return store


@contextlib.contextmanager
def _held_log_records(logger: logging.Logger) -> Iterator[list[logging.LogRecord]]:
    """Keeps `logger`'s records back while the block runs, for the caller to pass on or drop."""
    held: list[logging.LogRecord] = []
    catcher = logging.Handler()
    catcher.emit = held.append  # type: ignore[method-assign]
    logger.addHandler(catcher)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield held
    finally:
        logger.propagate = propagate
        logger.removeHandler(catcher)


def _refuse_unusable_path(path: Path) -> None:
    try:
        mode = path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):  # not there yet, or a parent is a file
        _refuse_unusable_folder(path)
        return
    if stat.S_ISDIR(mode):
        raise ProgressStoreError(path, f"this is a folder; give a file name inside it, such as "
                                       f"{path / 'spine-coach.db'}")
    if not stat.S_ISREG(mode):
        raise ProgressStoreError(path, f"this is a device or pipe, not a file; {_CHOOSE_ANOTHER}")
    with path.open("rb") as file:
        header = file.read(len(SQLITE_HEADER))
    if header and header != SQLITE_HEADER:  # an empty file is a valid new database
        raise ProgressStoreError(path, "this file is not an SQLite database (a damaged progress file, or not "
                                       "one at all) and is left untouched; move it aside to start afresh, or "
                                       "give --db another file name")


def _refuse_unusable_folder(path: Path) -> None:
    """For a file that does not exist yet: its nearest existing folder must be a folder, and writable."""
    ancestor = path.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise ProgressStoreError(path, f"{ancestor} is a file, not a folder, so it cannot hold the progress file; "
                                       f"{_CHOOSE_ANOTHER}")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise ProgressStoreError(path, f"the folder {ancestor} is not writable, so the progress file cannot be "
                                       f"created there; {_CHOOSE_ANOTHER}")


def _addressed_to(user_id: str) -> RequestEnvelope:
    """The part of a request a store reads: whose row it is."""
    return RequestEnvelope(context=Context(system=SystemState(user=User(user_id=user_id))))


def read_profile(store: AbstractPersistenceAdapter, user_id: str) -> Profile:
    """What the skill would read for `user_id` now (the runner checks progress with it, e.g. a routine finished)."""
    return Profile.from_attributes(store.get_attributes(_addressed_to(user_id)))


def private_copy(store: AbstractPersistenceAdapter, user_id: str, folder: Path) -> SQLitePersistenceAdapter:
    """A new store in `folder` holding only `user_id`'s row as `store` has it: for a rehearsal whose changes must not
    reach `store` (a routine's heat screening, asked up front)."""
    copy = SQLitePersistenceAdapter(folder / "private-copy.db")
    seed(copy, store, user_id)
    return copy


def fast_companion(store: SQLitePersistenceAdapter) -> Path:
    """Where `talk --fast` keeps progress instead of `store`'s file: beside it, 'state.db' -> 'state.fast.db'."""
    return store.path.with_name(f"{store.path.stem}.fast{store.path.suffix}")


def seed(target: AbstractPersistenceAdapter, source: AbstractPersistenceAdapter, user_id: str) -> None:
    """`user_id`'s row copied from `source` into `target`, unless `target` has one already."""
    envelope = _addressed_to(user_id)
    if REVISION in target.get_attributes(envelope):
        return
    attributes = {name: value for name, value in source.get_attributes(envelope).items()
                  if name not in (REVISION, LOST)}
    if attributes:
        target.save_attributes(envelope, attributes)
