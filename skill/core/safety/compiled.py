"""The red-flag rules compiled ahead of time, for the Lambda package: a cold container loads the engine instead of
compiling some 85,000 indexed phrases at its first utterance (about a fifth of the time; bench/cold.py measures both).

`write` (called by deploy/package.py on the staged package) pickles the compiled engine under a name derived from
everything it was built from: the merged rules document, the engine's source and the Python version. `load` finds
the file by that name and checks the key stored inside, so an engine built from other rules or other code is never
used: the caller compiles the rules as they are. A checkout has no such files, so tuning and tests always compile.

Pickle runs code named in the file it reads: `load` only reads files from this package's own folder, which the
build writes and Lambda mounts read-only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
import sys
from pathlib import Path
from typing import Any, Mapping

from skill.core import text
from skill.core.safety import triage

FOLDER = Path(__file__).with_name("compiled")
_ENGINE_SOURCES = (Path(triage.__file__), Path(text.__file__))
_PROTOCOL = 5
_log = logging.getLogger(__name__)


def key(document: Mapping[str, Any]) -> str:
    """What an engine compiled from `document` depends on; a change to any of it makes a stored engine stale."""
    digest = hashlib.sha256(json.dumps(document, sort_keys=True, ensure_ascii=False).encode("utf-8"))
    for source in _ENGINE_SOURCES:
        digest.update(source.read_bytes())
    digest.update(f"{sys.version_info.major}.{sys.version_info.minor}".encode())
    return digest.hexdigest()


def _path(folder: Path, document_key: str) -> Path:
    return folder / f"red_flags-{document_key[:24]}.pickle"


def write(document: Mapping[str, Any], folder: Path | None = None) -> Path:
    """Compile `document` and store the engine where `load` will look for it; returns the file written."""
    folder = folder or FOLDER
    document_key = key(document)
    path = _path(folder, document_key)
    folder.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps((document_key, triage.Triage.from_rules(document)), protocol=_PROTOCOL))
    return path


def load(document: Mapping[str, Any], folder: Path | None = None) -> triage.Triage | None:
    """The stored engine for exactly this document and engine, or None (none stored, stale or unreadable)."""
    document_key = key(document)
    path = _path(folder or FOLDER, document_key)
    if not path.is_file():
        return None
    try:
        stored_key, engine = pickle.loads(path.read_bytes())
    except Exception:  # a truncated or foreign file costs a compile, never an answer
        _log.warning("compiled red-flag rules at %s are unreadable; compiling the rules instead", path, exc_info=True)
        return None
    if stored_key != document_key or not isinstance(engine, triage.Triage):
        _log.warning("compiled red-flag rules at %s were built from something else; compiling the rules instead", path)
        return None
    return engine
