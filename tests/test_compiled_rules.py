"""The red-flag rules compiled ahead of time (skill/core/safety/compiled.py, shipped by `make package`): the stored
engine answers exactly as the rules compiled fresh, is used only when built from exactly these rules and this
engine, and a missing, stale or broken file costs a compile, never an answer."""

from __future__ import annotations

import copy
import json
import logging
import pickle
from pathlib import Path

import pytest

from skill.core.content import load_document
from skill.core.safety import compiled, triage

ROOT = Path(__file__).resolve().parents[1]
LOCALE = "en-GB"
RED_FLAG = "i can't feel my bum and i wet myself"


@pytest.fixture(scope="module")
def document():
    return load_document(LOCALE, "red_flags")


@pytest.fixture(scope="module")
def stored(document, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("compiled")
    compiled.write(document, folder)
    return folder


@pytest.fixture
def fresh_triage_for():
    triage.triage_for.cache_clear()
    yield triage.triage_for
    triage.triage_for.cache_clear()


def test_the_stored_engine_finds_what_the_fresh_rules_find_on_the_whole_development_bank(document, stored) -> None:
    loaded = compiled.load(document, stored)
    fresh = triage.Triage.from_rules(document)
    texts = [json.loads(line)["text"] for line in
             (ROOT / "bench" / "red_flags" / "dev.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(texts) > 3000
    differ = [text for text in texts if loaded.classify(text) != fresh.classify(text)]
    assert differ == []
    assert loaded.classify(RED_FLAG).tier == "emergency"


def test_nothing_stored_means_compile(document, tmp_path) -> None:
    assert compiled.load(document, tmp_path) is None


def test_an_engine_stored_for_other_rules_is_never_used(document, stored) -> None:
    changed = copy.deepcopy(dict(document))
    changed["fillers"] = [*changed.get("fillers", ()), "basically"]
    assert compiled.key(changed) != compiled.key(document)
    assert compiled.load(changed, stored) is None


def test_a_different_key_inside_the_file_is_refused(document, tmp_path, caplog) -> None:
    path = compiled.write(document, tmp_path)
    _, engine = pickle.loads(path.read_bytes())
    path.write_bytes(pickle.dumps(("0" * 64, engine)))
    with caplog.at_level(logging.WARNING, logger=compiled.__name__):
        assert compiled.load(document, tmp_path) is None
    assert "built from something else" in caplog.text


@pytest.mark.parametrize("damage", [lambda data: data[: len(data) // 2], lambda data: b"not a pickle"],
                         ids=["truncated", "foreign bytes"])
def test_a_broken_file_costs_a_compile_not_an_answer(document, tmp_path, caplog, damage) -> None:
    path = compiled.write(document, tmp_path)
    path.write_bytes(damage(path.read_bytes()))
    with caplog.at_level(logging.WARNING, logger=compiled.__name__):
        assert compiled.load(document, tmp_path) is None
    assert "unreadable" in caplog.text


def test_triage_for_answers_from_the_stored_engine(document, tmp_path, monkeypatch, fresh_triage_for) -> None:
    engine = triage.Triage.from_rules(document)
    engine.stored_marker = "read from the file"  # only the stored copy carries it
    folder = tmp_path / "compiled"
    folder.mkdir()
    (folder / compiled.write(document, tmp_path / "scratch").name).write_bytes(
        pickle.dumps((compiled.key(document), engine)))
    monkeypatch.setattr(compiled, "FOLDER", folder)
    answered = fresh_triage_for(LOCALE)
    assert getattr(answered, "stored_marker", None) == "read from the file"
    assert answered.classify(RED_FLAG).tier == "emergency"


def test_triage_for_compiles_when_nothing_is_stored(tmp_path, monkeypatch, fresh_triage_for) -> None:
    monkeypatch.setattr(compiled, "FOLDER", tmp_path)
    answered = fresh_triage_for(LOCALE)
    assert not hasattr(answered, "stored_marker")
    assert answered.classify(RED_FLAG).tier == "emergency"


def test_the_checkout_ships_no_compiled_rules() -> None:
    """Only the package build writes them: a stored engine in the tree would go stale with the next rule edit (and
    would be refused, at the cost of a warning on every start)."""
    assert not compiled.FOLDER.exists() or not any(compiled.FOLDER.iterdir())
