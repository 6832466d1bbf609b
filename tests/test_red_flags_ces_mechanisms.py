"""Cauda equina signs read by mechanism (issue 11, session 30): each case stands for a kind of wording, with the
harmless wording beside it that the same mechanism must leave alone. Tiers follow shared/clinical-facts.md 1A
(loss of bladder sensation, retention, leaking, bowel, saddle and sexual signs) and 1D (long-standing leaks).
Checked on the rules alone, so the learned second opinion cannot hide a gap."""

from __future__ import annotations

import pytest

from skill.core.safety import triage as triage_module
from skill.core.safety.triage import Triage

E = "emergency"

CASES = [
    # A lost urge needs no toilet word when nothing else is urged: "the urge" said on its own.
    ("honestly i don't get the urge at all these days", E),
    ("i've lost the urge altogether", E),
    ("i don't get the urge to go out anymore", None),
    ("we don't get the signal on the tv anymore", None),
    ("he can no longer sense when he needs the loo", E),
    ("no feeling at all when i pass water", E),
    # A stranded "can't" takes the attempt's verb whoever needs it, and however badly.
    ("she needs to wee but she just can't", E),
    ("i want to pee so badly but i just can't", E),
    ("he needs to go to the bank but he can't", None),
    # A span on the toilet is the attempt's length, not a long-standing state.
    ("been on the throne for a long time and can't go", E),
    ("my bladder has been weak for years", None),
    ("it always feels like there's something left to come when i pee", E),
    # Toilet nouns and measures: on or over the pan, hardly a drop, no result.
    ("crouched over the pan for ages, hardly a drop", E),
    ("i sat on the pan and couldn't squeeze out a drop", E),
    ("stirring the sauce over the pan for ages", None),
    # Shy bladder stops being the reason once a span or a null result is told.
    ("stood at the urinals for twenty minutes and got nothing", E),
    ("i can't go at a urinal with someone next to me", None),
    # A time of day ("it's gone four") is not a sign that went away.
    ("he hasn't had a pee since breakfast and it's gone four", E),
    ("i couldn't pee this morning but it's gone now", None),
    # An everyday cause does not explain the saddle or the toilet seat.
    ("there's no feeling left in my nether regions from my backside down", E),
    ("it's numb when i sit on the loo, i can't feel the seat", E),
    ("my fingers go numb from holding the phone", None),
    # A comparison with a hard seat or a bike saddle is not the seat's pressure.
    ("my bum is numb like when you sit on a bike seat too long, but i haven't been on a bike", E),
    ("the bit where you sit on a saddle has gone numb", E),
    ("my bum went numb on the hard bleachers", None),
    ("at all right now i can't feel my bottom at all", E),
    # Toilet accidents said with the bladder's or bowel's word, and a lost warning said with a near miss.
    ("had two accidents this morning, both wee", E),
    ("i've had accidents with poo in my pants", E),
    ("we had an accident with the coffee, i'll just nip for a wee", None),
    ("i almost wet myself and i didn't feel it coming at all", E),
    ("i nearly wet myself laughing at the film", None),
    # Emptying by hand or going back again and again is retention.
    ("i have to push on my lower tummy to get the wee out", E),
    ("i go back two or three times because it won't all come out", E),
    # Caught short without feeling it; "when I'm with my wife" is sex.
    ("i got caught short and didn't feel it coming", E),
    ("we got caught short on the motorway, no services", None),
    ("i can't finish when i'm with my partner since my back went", E),
    # Advice read about the signs in general stays advice.
    ("they say numbness around your bottom means go to a&e", None),
]


@pytest.fixture(scope="module")
def rules_alone() -> Triage:
    return triage_module.rules_alone("en-US")


@pytest.mark.parametrize(("utterance", "expected"), CASES)
def test_cauda_equina_signs_by_mechanism(rules_alone: Triage, utterance: str, expected: str | None) -> None:
    finding = rules_alone.classify(utterance)
    assert (finding.tier if finding else None) == expected
