"""Spoken numbers and durations -> the values Alexa puts in AMAZON.NUMBER and AMAZON.DURATION slots.

Alexa sends a duration as ISO-8601 exactly as spoken ("ninety minutes" -> "PT90M", never "PT1H30M"),
halves and quarters folded into the next smaller unit ("an hour and a half" -> "PT1H30M"), and "?" when
the words name a unit but not an amount it understands ("purple minutes").
"""

from __future__ import annotations

import re
from typing import Sequence

from skill.core.text import fold

_ONES = {w: n for n, w in enumerate("zero one two three four five six seven eight nine".split())}
_TEENS = {w: n + 10 for n, w in enumerate(
    "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {w: (n + 2) * 10 for n, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}
_BELOW_TWENTY = {**_ONES, **_TEENS}
_SCALES = {"thousand": 1_000, "million": 1_000_000}
_NUMERAL = re.compile(r"^\d+(?:\.\d+)?$")

# ISO designator per unit, largest first; date units come before the "T".
_UNITS = ("years", "months", "weeks", "days", "hours", "minutes", "seconds")
_DESIGNATOR = {"years": "Y", "months": "M", "weeks": "W", "days": "D", "hours": "H", "minutes": "M", "seconds": "S"}
_TIME_UNITS = {"hours", "minutes", "seconds"}
# Where a fraction of a unit goes: half an hour is thirty minutes, not "PT0.5H".
_SMALLER = {"years": ("months", 12), "months": ("days", 30), "weeks": ("days", 7), "days": ("hours", 24),
            "hours": ("minutes", 60), "minutes": ("seconds", 60)}
_UNIT_WORDS = {
    **dict.fromkeys(("year", "years", "yr", "yrs"), "years"),
    **dict.fromkeys(("month", "months"), "months"),
    **dict.fromkeys(("week", "weeks", "wk", "wks"), "weeks"),
    **dict.fromkeys(("day", "days"), "days"),
    **dict.fromkeys(("hour", "hours", "hr", "hrs", "h"), "hours"),
    **dict.fromkeys(("minute", "minutes", "min", "mins", "m"), "minutes"),
    **dict.fromkeys(("second", "seconds", "sec", "secs", "s"), "seconds"),
}
# Single letters count as units only when glued to digits ("20m"), never as spoken words.
_SPOKEN_UNIT_WORDS = frozenset(w for w in _UNIT_WORDS if len(w) > 1)
_ARTICLES = ("a", "an")
_APPROXIMATELY = ("just", "about", "around", "roughly", "only", "approximately", "maybe",
                  "the", "full", "whole", "entire", "all")  # "the full twenty minutes": all of that length


def tokens(text: str) -> list[str]:
    """Folded words with hyphens split ("forty-five") and digits split from units ("20mins")."""
    text = re.sub(r"(\d)([a-z])", r"\1 \2", fold(text).replace("-", " "))
    return re.findall(r"\d+(?:\.\d+)?|[a-z']+", text)


def is_unit_word(word: str) -> bool:
    return word in _SPOKEN_UNIT_WORDS


def parse_number(words: Sequence[str]) -> float | None:
    """The number that `words` say, all of them: "twenty five" -> 25, "nine one one" -> 911."""
    prefix = _number_prefix(words, 0)
    if prefix is not None and prefix[1] == len(words):
        return prefix[0]
    if len(words) > 1 and all(w in _ONES for w in words):  # digit by digit, as for phone numbers
        return float("".join(str(_ONES[w]) for w in words))
    return None


def number_slot_value(text: str) -> str | None:
    """The AMAZON.NUMBER slot value: digits, or None when the words are not a number."""
    number = parse_number(tokens(text))
    return None if number is None else _format_amount(number)


def parse_duration(text: str) -> str | None:
    """ISO-8601 duration for spoken words, or None when they are not a duration we understand."""
    words = tokens(text)
    while len(words) > 1 and words[0] in _APPROXIMATELY:  # "just five minutes", "about ten minutes"
        words = words[1:]
    negative = bool(words) and words[0] in ("minus", "negative")
    position = 1 if negative else 0
    amounts: dict[str, float] = {}
    while position < len(words):
        if words[position] in ("and", "plus") and amounts:
            position += 1
            continue
        component = _duration_component(words, position)
        if component is None:
            return None
        unit, amount, position = component
        amounts[unit] = amounts.get(unit, 0.0) + amount
    return _iso(amounts, negative) if amounts else None


def duration_slot_value(text: str) -> str | None:
    """What Alexa would send for `text` in an AMAZON.DURATION slot; None when it names no unit at all."""
    iso = parse_duration(text)
    if iso is not None:
        return iso
    return "?" if any(is_unit_word(w) for w in tokens(text)) else None


def find_duration(words: Sequence[str]) -> tuple[int, int, str] | None:
    """The first, longest run of `words` that is a duration: (start, end, iso)."""
    unit_ends = [i + 1 for i, w in enumerate(words) if is_unit_word(w)]
    if not unit_ends:
        return None
    # "an hour and a half" ends after "half", three words past the unit.
    ends = sorted({e + extra for e in unit_ends for extra in (0, 3) if e + extra <= len(words)}, reverse=True)
    for start in range(unit_ends[-1]):
        for end in ends:
            if end > start:
                iso = parse_duration(" ".join(words[start:end]))
                if iso is not None:
                    return start, end, iso
    return None


def find_number(words: Sequence[str]) -> tuple[int, int, str] | None:
    """The first, longest run of `words` that is a number: (start, end, digits)."""
    for start in range(len(words)):
        prefix = _number_prefix(words, start)
        if prefix is not None:
            return start, prefix[1], _format_amount(prefix[0])
    return None


def _number_prefix(words: Sequence[str], start: int) -> tuple[float, int] | None:
    """The longest number said from `start`: (value, index after it)."""
    if start < len(words) and _NUMERAL.match(words[start]):
        return float(words[start]), start + 1
    total, group, previous = 0, 0, ""
    best: tuple[float, int] | None = None
    position = start
    while position < len(words):
        word = words[position]
        following = words[position + 1] if position + 1 < len(words) else ""
        if word in _BELOW_TWENTY:
            # "twenty five" is one number; "five five" and "twenty twelve" are not
            if previous in ("small", "tens") and not (previous == "tens" and 0 < _BELOW_TWENTY[word] < 10):
                break
            group += _BELOW_TWENTY[word]
            previous = "small"
        elif word in _TENS:
            if previous in ("small", "tens"):
                break
            group += _TENS[word]
            previous = "tens"
        elif word == "hundred":
            if previous not in ("small", "article"):
                break
            group = (group or 1) * 100
            previous = "hundred"
        elif word in _SCALES:
            if previous in ("", "scale", "and"):
                break
            total, group = total + (group or 1) * _SCALES[word], 0
            previous = "scale"
        elif word == "and" and previous in ("hundred", "scale") and \
                (following in _BELOW_TWENTY or following in _TENS):
            previous = "and"
        elif word in _ARTICLES and previous == "" and (following == "hundred" or following in _SCALES):
            previous = "article"
        else:
            break
        position += 1
        if previous not in ("and", "article"):
            best = float(total + group), position
    return best


def _count(words: Sequence[str], start: int) -> tuple[float, int] | None:
    """How many of a unit: a number, or "a"/"an" (one), or "a couple of" (two)."""
    if words[start:start + 3] == ["a", "couple", "of"]:
        return 2.0, start + 3
    if words[start:start + 2] == ["couple", "of"]:
        return 2.0, start + 2
    number = _number_prefix(words, start)
    if number is not None:
        return number
    if start < len(words) and words[start] in _ARTICLES:
        return 1.0, start + 1
    return None


def _fraction(words: Sequence[str], start: int) -> tuple[float, int] | None:
    """ "and a half", "and a quarter", "and three quarters" after a count or a unit."""
    if words[start:start + 3] == ["and", "a", "half"]:
        return 0.5, start + 3
    if words[start:start + 3] == ["and", "a", "quarter"]:
        return 0.25, start + 3
    if words[start:start + 3] == ["and", "three", "quarters"]:
        return 0.75, start + 3
    return None


def _unit(words: Sequence[str], start: int) -> str | None:
    return _UNIT_WORDS.get(words[start]) if start < len(words) else None


def _duration_component(words: Sequence[str], start: int) -> tuple[str, float, int] | None:
    """One "<amount> <unit>" group from `start`: (unit, amount, index after it)."""
    position = start + 1 if words[start] in _ARTICLES else start
    # "half an hour", "a half hour", "half hour"
    if words[position:position + 1] == ["half"]:
        after = position + 2 if words[position + 1:position + 2] in (["a"], ["an"]) else position + 1
        unit = _unit(words, after)
        return (unit, 0.5, after + 1) if unit else None
    # "a quarter of an hour", "three quarters of an hour", "quarter hour"
    quarters = 1.0, position
    if words[position:position + 1] not in (["quarter"], ["quarters"]):
        counted = _number_prefix(words, start)
        if counted is not None and words[counted[1]:counted[1] + 1] in (["quarter"], ["quarters"]):
            quarters = counted
    if words[quarters[1]:quarters[1] + 1] in (["quarter"], ["quarters"]):
        after = quarters[1] + 1
        if words[after:after + 1] == ["of"]:
            after += 2 if words[after + 1:after + 2] in (["a"], ["an"]) else 1
        unit = _unit(words, after)
        return (unit, quarters[0] * 0.25, after + 1) if unit else None
    # "twenty minutes", "an hour", "one and a half hours", "an hour and a half"
    counted = _count(words, start)
    if counted is None:
        return None
    amount, position = counted
    fraction = _fraction(words, position)
    if fraction is not None:
        amount, position = amount + fraction[0], fraction[1]
    unit = _unit(words, position)
    if unit is None:
        return None
    position += 1
    if fraction is None and (trailing := _fraction(words, position)) is not None:
        amount, position = amount + trailing[0], trailing[1]
    return unit, amount, position


def _iso(amounts: dict[str, float], negative: bool) -> str:
    # Not isodate.duration_isoformat: it turns ninety minutes into PT1H30M, and Alexa sends PT90M, as said.
    carried = dict(amounts)
    for unit in _UNITS:  # largest first, so a fraction can cascade down more than one unit
        amount = carried.get(unit)
        if amount is not None and unit in _SMALLER and amount != int(amount):
            smaller, factor = _SMALLER[unit]
            carried[smaller] = carried.get(smaller, 0.0) + (amount - int(amount)) * factor
            carried[unit] = float(int(amount))
    # Zero parts are dropped ("half an hour" is not "PT0H30M") unless zero is all that was said.
    shown = [u for u in _UNITS if carried.get(u)] or [u for u in _UNITS if u in carried]
    date = "".join(f"{_format_amount(carried[u])}{_DESIGNATOR[u]}" for u in shown if u not in _TIME_UNITS)
    time = "".join(f"{_format_amount(carried[u])}{_DESIGNATOR[u]}" for u in shown if u in _TIME_UNITS)
    return ("-" if negative else "") + "P" + date + ("T" + time if time else "")


def _format_amount(amount: float) -> str:
    return str(int(amount)) if amount == int(amount) else f"{amount:g}"
