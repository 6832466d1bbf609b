"""Braced alternatives in red_flags.json ("{son|daughter|niece} {is|aged} {two|three}") are compiled as sets of words
where nothing can read them differently (skill/core/safety/triage.py `_forms`), not as their product: the rules'
combinatorial phrases would otherwise be half a million entries, compiled on a cold Lambda's first utterance. The
oracle is the plain expansion of every alternative: it must find exactly the same on every sentence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skill.core.content import load_document
from skill.core.safety import triage

ROOT = Path(__file__).resolve().parents[1]


def _expanded_forms(text, normaliser, floating=frozenset()):
    return [(phrase,) for phrase in triage.expand_alternatives(text)]


@pytest.fixture(scope="module")
def engines():
    document = load_document("en-US", "red_flags")
    factored = triage.Triage.from_rules(document)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(triage, "_forms", _expanded_forms)
        expanded = triage.Triage.from_rules(document)
    return factored, expanded


def test_sets_of_alternatives_read_every_development_sentence_as_the_expanded_phrases_do(engines) -> None:
    factored, expanded = engines
    texts = [json.loads(line)["text"] for line in
             (ROOT / "bench" / "red_flags" / "dev.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()]
    differ = []
    for text in texts:
        mine, oracle = factored.read(text), expanded.read(text)
        same_reading = (mine.matched, mine.live) == (oracle.matched, oracle.live)
        if not same_reading or factored.judge(mine) != expanded.judge(oracle):
            differ.append(text)
    assert differ == []


def _canonical(forms):
    """Forms comparable whatever the hash seed: a set as its sorted words."""
    return sorted(repr(tuple(tuple(sorted(piece)) if isinstance(piece, frozenset) else piece for piece in form))
                  for form in forms)


def _normaliser():
    return triage._Normaliser({"can't": ["not able to"]}, ["like"])


@pytest.mark.parametrize("text, expected", [
    ("{son|daughter} is {two|three}", [(frozenset({"son", "daughter"}), " is ", frozenset({"two", "three"}))]),
    # "not able to" is a spoken variant and this phrase holds all its words: "not" and "able" are read on their own.
    ("{not|never} {able|willing} to walk", [("not ", frozenset({"willing"}), " to walk"), ("not able to walk",),
                                           (frozenset({"never"}), frozenset({"willing"}), " to walk"),
                                           (frozenset({"never"}), " able to walk")]),
    # A filler is dropped wherever it stands, and several words are a phrase of their own.
    ("feels {like|numb|who is} dead", [("feels ", frozenset({"numb"}), " dead"), ("feels like dead",),
                                       ("feels who is dead",)]),
    ("{son|} is two", [(frozenset({"son"}), " is two"), (" is two",)]),  # an empty option: the group is optional
    ("grandkid{s|} {stem*|no}", [("grandkids ", frozenset({"no"})), ("grandkids stem*",),
                                 ("grandkid ", frozenset({"no"})), ("grandkid stem*",)]),  # joined to a word
], ids=["sets", "a variant's word", "filler and phrases", "optional", "joined and special"])
def test_which_alternatives_become_a_set(text, expected) -> None:
    assert _canonical(triage._forms(text, _normaliser())) == _canonical(expected)


def test_a_floating_word_is_never_one_of_a_set() -> None:
    """A phrase may skip one floating word ("now"): inside a set it would match instead of being skipped, and the
    longest match could change."""
    forms = triage._forms("every night {now|since}", _normaliser(), frozenset({"now"}))
    assert _canonical(forms) == _canonical([("every night ", frozenset({"since"})), ("every night now",)])
