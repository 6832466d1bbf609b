"""Ordinary causes and word senses that the red-flag rules read as harmless, each beside a twin that is a real sign.

Each harmless phrasing stands for a family the blockers in red_flags.json cover (a foot asleep from sitting on the
floor, an arm slept on, legs tired after a shift, a character in a book, a denial said with "feel", a toilet break,
heartburn...). The rules alone are asked, so retraining the learned second opinion cannot hide a regression; the twins
go through the whole triage, which may only raise a tier, and must keep their tier: every blocker has an unless-list.
"""

from __future__ import annotations

import pytest

from skill.core.safety.triage import TIERS, rules_alone, triage_for

HARMLESS = [
    # posture and pressure
    "my legs went numb sitting on the floor at the kids' assembly",
    "my foot went dead on the long haul flight",
    "my thigh went numb from my phone in my pocket",
    "i woke up with a dead arm",
    "my hands went numb gripping the handlebars on the ride",
    # effort, tiredness, feelings, footing
    "my legs gave out on the last rep of squats",
    "i'm so tired my legs are dead",
    "both my legs are killing me today but that's cos i did squats at the gym yesterday",
    "my legs went to jelly at the top of the climbing wall",
    "my legs feel weak because i haven't eaten all day",
    "i felt a bit unsteady on the boat",
    # someone else's story, a programme, another patient
    "in the book i'm reading the character can't feel her legs",
    "the physio told me about a patient with cauda equina",
    # denials, the past, questions
    "my bum doesn't feel numb",
    "neither leg is numb",
    "zero tingling today",
    "i haven't been feverish",
    "i wet myself once after having my second baby, that was six years ago and never since",
    "do i need to call anyone if my leg goes numb during the routine",
    # word senses and everyday life
    "just going to the loo, won't be long",
    "i'm off to spend a penny",
    "i can't stand cold tea",
    "there was an accident on the motorway so i was late for physio",
    "i had indigestion, it felt like chest pain but it was the pizza",
    "i went to the toilet in the middle of the night and stubbed my toe",
    "i dropped my keys because my hands were full of shopping",
]

TWINS = [
    ("my legs went numb sitting on the floor and they're still numb and weak", "emergency"),
    ("my foot went dead on the flight and now my bum is numb too", "emergency"),
    ("i woke up with a dead arm and it's still weak and i keep dropping things", "urgent"),
    ("my legs gave out after squats and now i can't feel my groin", "emergency"),
    ("i'm so tired and my legs are numb and weak, both of them", "emergency"),
    ("both my legs hurt but that's because of my back", "emergency"),
    ("i haven't eaten and my legs are weak and i can't pee", "emergency"),
    ("i was reading a book and now i can't feel my legs", "emergency"),
    ("my friend is here and he can't feel his legs after falling off the roof", "emergency"),
    ("my bum doesn't feel anything when i wipe", "emergency"),
    ("i wet myself once years ago and now it's happening again", "emergency"),
    ("should i call an ambulance if i can't feel my legs", "emergency"),
    ("i need to go to the loo but nothing comes out, hang on", "emergency"),
    ("i thought it was heartburn but the chest pain is crushing", "emergency"),
    ("the pain wakes me every night and i have to get up for the loo", "urgent"),
    ("i keep dropping things and my hands are numb", "urgent"),
]


@pytest.mark.parametrize("utterance", HARMLESS)
def test_ordinary_causes_raise_no_alarm(utterance: str) -> None:
    assert rules_alone("en-US").classify(utterance) is None


@pytest.mark.parametrize(("utterance", "tier"), TWINS)
def test_the_same_words_with_a_real_sign_keep_their_tier(utterance: str, tier: str) -> None:
    finding = triage_for("en-US").classify(utterance)
    assert finding is not None and TIERS.index(finding.tier) <= TIERS.index(tier), finding
