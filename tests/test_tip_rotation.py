"""skill.core.tips.choose_tip over the real tips: every tip once before any repeats, topic by topic."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from skill.core.content import load_document
from skill.core.tips import choose_tip

TIPS = load_document("en-US", "tips")["tips"]
IDS = [tip["id"] for tip in TIPS]
TOPICS = sorted({tip["topic"] for tip in TIPS})
SEEDS = [0, 1, 7, 42, 2026]


def of_topic(topic: str) -> set[str]:
    return {tip["id"] for tip in TIPS if tip["topic"] == topic}


def test_the_real_tips_are_usable_for_rotation():
    assert len(TIPS) >= 2
    assert len(set(IDS)) == len(IDS), "tip ids must be unique for the rotation to work"
    assert len(TOPICS) >= 2
    assert all(len(of_topic(topic)) < len(TIPS) for topic in TOPICS)


@pytest.mark.parametrize("seed", SEEDS)
def test_every_tip_once_before_any_repeat_then_the_rotation_restarts(seed):
    rng = random.Random(seed)
    heard: list[str] = []
    said = []
    for count in range(1, len(TIPS) + 1):
        choice = choose_tip(TIPS, heard, None, rng)
        assert choice.repeat is None
        assert choice.tip["id"] not in heard
        assert choice.heard == [*heard, choice.tip["id"]]
        assert len(choice.heard) == count
        heard = choice.heard
        said.append(choice.tip["id"])
    assert sorted(said) == sorted(IDS)  # each exactly once

    again = choose_tip(TIPS, heard, None, rng)
    assert again.repeat == "all"
    assert again.heard == [again.tip["id"]]
    assert again.tip["id"] in IDS


def test_choose_tip_does_not_mutate_the_heard_list():
    heard = ["lifting_plan"]
    choose_tip(TIPS, heard, None, random.Random(0))
    assert heard == ["lifting_plan"]


def test_the_choice_is_reproducible_with_a_seed():
    first = [choose_tip(TIPS, [], None, random.Random(3)).tip["id"] for _ in range(3)]
    assert len(set(first)) == 1


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("topic", TOPICS)
def test_a_topic_gives_only_its_tips_until_they_are_used_up(topic, seed):
    rng = random.Random(seed)
    earlier = [tip_id for tip_id in IDS if tip_id not in of_topic(topic)][:3]  # heard before, other topics
    heard = list(earlier)
    said = []
    for _ in of_topic(topic):
        choice = choose_tip(TIPS, heard, topic, rng)
        assert choice.repeat is None
        assert choice.tip["topic"] == topic
        heard = choice.heard
        said.append(choice.tip["id"])
    assert Counter(said) == Counter(of_topic(topic))
    assert heard == [*earlier, *said]

    used_up = choose_tip(TIPS, heard, topic, rng)
    assert used_up.repeat == "topic"
    assert used_up.tip["topic"] == topic
    assert used_up.heard == heard  # the global rotation is not lost


@pytest.mark.parametrize("seed", SEEDS)
def test_after_a_topic_is_used_up_an_untopical_tip_continues_the_rotation(seed):
    rng = random.Random(seed)
    heard = sorted(of_topic("sleep"))
    choice = choose_tip(TIPS, heard, None, rng)
    assert choice.repeat is None
    assert choice.tip["topic"] != "sleep"
    assert choice.heard == [*heard, choice.tip["id"]]


@pytest.mark.parametrize("topic", ["gardening", "", None])
@pytest.mark.parametrize("seed", SEEDS)
def test_an_unknown_topic_falls_back_to_all_tips(topic, seed):
    rng = random.Random(seed)
    heard: list[str] = []
    topics_said = set()
    for _ in TIPS:
        choice = choose_tip(TIPS, heard, topic, rng)
        assert choice.repeat is None
        heard = choice.heard
        topics_said.add(choice.tip["topic"])
    assert sorted(heard) == sorted(IDS)
    assert topics_said == set(TOPICS)
    assert choose_tip(TIPS, heard, topic, rng).repeat == "all"


def test_heard_ids_that_no_longer_exist_do_not_block_the_rotation():
    heard = ["retired_tip_1", "retired_tip_2", *IDS[:-1]]
    choice = choose_tip(TIPS, heard, None, random.Random(0))
    assert choice.tip["id"] == IDS[-1] and choice.repeat is None
    assert choose_tip(TIPS, choice.heard, None, random.Random(0)).repeat == "all"
