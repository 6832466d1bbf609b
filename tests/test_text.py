"""Triage and the offline resolver read a sentence through one normaliser (skill.core.text): whatever mark a
keyboard, a paste or a recogniser puts in "can't", both hear the same words."""

from __future__ import annotations

import pytest

from skill.local.nlu.resolver import IntentResolver
from skill.core.text import fold
from skill.core.safety.triage import triage_for

MARKS = ["\u2019", "\u2018", "\u02bc", "`", "\u00b4", "\u2032"]


@pytest.mark.parametrize("mark", MARKS, ids=[f"U+{ord(m):04X}" for m in MARKS])
def test_every_apostrophe_reads_as_one_in_triage_and_in_the_resolver(mark):
    typed = f"I can{mark}t pee and my back{mark}s bad"
    assert fold(typed) == "i can't pee and my back's bad"
    triage = triage_for("en-US")
    assert triage.classify(typed) == triage.classify("I can't pee and my back's bad") is not None
    resolver = IntentResolver.for_locale("en-US")
    spoken = f"start my lower back stretches, I{mark}m ready"
    assert resolver.resolve(spoken).intent == resolver.resolve("start my lower back stretches, I'm ready").intent


def test_case_and_accents_fold_away():
    assert fold("NUMBNESS in my BUM, naïve café") == "numbness in my bum, naive cafe"


@pytest.mark.parametrize("dash", ["\u2013", "\u2014", "\u2011"], ids=["en dash", "em dash", "non-breaking hyphen"])
def test_a_typographic_dash_keeps_words_apart(dash):
    # Dropping the dash would glue "legs" and "both" into one word neither reader knows.
    said = f"no feeling in my legs{dash}both of them"
    triage = triage_for("en-US")
    assert fold(said) == "no feeling in my legs-both of them"
    assert triage.classify(said) == triage.classify("no feeling in my legs - both of them") is not None


def test_other_symbols_become_spaces_not_glue():
    assert fold("numb\u2022bum\u00a0today") == "numb bum today"
