"""Spoken durations and numbers become what Alexa would put in AMAZON.DURATION and AMAZON.NUMBER slots."""

from __future__ import annotations

import pytest

from skill.local.nlu.durations import duration_slot_value, find_duration, number_slot_value, parse_number, tokens

DURATIONS = [
    ("twenty minutes", "PT20M"),
    ("20 mins", "PT20M"),
    ("20mins", "PT20M"),
    ("half an hour", "PT30M"),
    ("a half hour", "PT30M"),
    ("an hour and five minutes", "PT1H5M"),
    ("an hour and a half", "PT1H30M"),
    ("one and a half hours", "PT1H30M"),
    ("1.5 hours", "PT1H30M"),
    ("a quarter of an hour", "PT15M"),
    ("quarter hour", "PT15M"),
    ("three quarters of an hour", "PT45M"),
    ("an hour and a quarter", "PT1H15M"),
    ("ninety minutes", "PT90M"),
    ("forty-five minutes", "PT45M"),
    ("forty five minutes", "PT45M"),
    ("two hours", "PT2H"),
    ("2 hrs 15 mins", "PT2H15M"),
    ("thirty seconds", "PT30S"),
    ("half a minute", "PT30S"),
    ("a minute and a half", "PT1M30S"),
    ("two and a half minutes", "PT2M30S"),
    ("five minutes and thirty seconds", "PT5M30S"),
    ("a couple of minutes", "PT2M"),
    ("a minute", "PT1M"),
    ("one hundred and five minutes", "PT105M"),
    ("zero minutes", "PT0M"),
    ("a day", "P1D"),
    ("two weeks", "P2W"),
    ("a day and a half", "P1DT12H"),
    ("minus five minutes", "-PT5M"),
    ("purple minutes", "?"),
    ("a few minutes", "?"),
]


@pytest.mark.parametrize(("spoken", "iso"), DURATIONS)
def test_duration_slot_value(spoken: str, iso: str) -> None:
    assert duration_slot_value(spoken) == iso


@pytest.mark.parametrize("spoken", ["fifteen", "the heat", "my back", ""])
def test_words_without_a_unit_are_not_a_duration(spoken: str) -> None:
    assert duration_slot_value(spoken) is None


@pytest.mark.parametrize(("sentence", "found"), [
    ("set the heat pad for twenty minutes please", (5, 7, "PT20M")),
    ("heat for an hour and a half", (2, 7, "PT1H30M")),
    ("give me a quarter of an hour of heat", (2, 7, "PT15M")),
    ("start the heat timer", None),
])
def test_find_duration_in_a_sentence(sentence: str, found: tuple[int, int, str] | None) -> None:
    assert find_duration(tokens(sentence)) == found


NUMBERS = [
    ("zero", "0"),
    ("seven", "7"),
    ("twelve", "12"),
    ("twenty", "20"),
    ("twenty five", "25"),
    ("twenty-five", "25"),
    ("ninety nine", "99"),
    ("a hundred", "100"),
    ("one hundred and five", "105"),
    ("three hundred twenty", "320"),
    ("two thousand five hundred", "2500"),
    ("a thousand and one", "1001"),
    ("nine one one", "911"),
    ("42", "42"),
]


@pytest.mark.parametrize(("spoken", "digits"), NUMBERS)
def test_number_slot_value(spoken: str, digits: str) -> None:
    assert number_slot_value(spoken) == digits


@pytest.mark.parametrize("spoken", ["fish", "twenty fish", "a", "and", ""])
def test_non_numbers_are_rejected(spoken: str) -> None:
    assert number_slot_value(spoken) is None


def test_parse_number_needs_every_word() -> None:
    assert parse_number(["twenty", "five"]) == 25
    assert parse_number(["twenty", "five", "minutes"]) is None
