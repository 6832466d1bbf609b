"""Spoken times of day -> the value Alexa puts in an AMAZON.TIME slot.

Alexa sends a clock time as 24-hour "HH:MM" and a part of the day said on its own as a two-letter code:
"eight" -> "08:00", "8 am" -> "08:00", "seven thirty in the evening" -> "19:30", "quarter past seven" -> "07:15",
"noon" -> "12:00", "half seven" (British) -> "07:30", "evening at six" -> "18:00", "six o'clock evening" (Indian)
-> "18:00", "morning" -> "MO", "afternoon" ->
"AF", "evening" -> "EV", "night" -> "NI". An hour said
without am, pm or a part of the day is taken as said ("seven thirty" is 07:30); the skill asks when it matters.

`time_slot_value` reads a slot position (the words a sample's carrier leaves); `find_time` picks a time out of a
whole sentence for the resolver's similarity step, and so accepts only unmistakable times ("at eight", "seven
thirty", "8 pm", "every morning"), never a lone number, "I am" or "stiff at night".
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Sequence

from skill.core.text import fold
from skill.local.nlu.durations import parse_number, tokens

PERIODS = {"morning": "MO", "mornings": "MO", "afternoon": "AF", "afternoons": "AF", "arvo": "AF", "arvos": "AF",
           "evening": "EV", "evenings": "EV", "night": "NI", "nights": "NI", "tonight": "NI"}  # "arvo": en-AU
_NOON, _MIDNIGHT = ("noon", "midday"), ("midnight",)
_AM, _PM = (("am",), ("a", "m")), (("pm",), ("p", "m"))
# A part of the day after the clock time: "seven in the evening", "ten at night".
_DAY_PARTS = {("in", "the", "morning"): "MO", ("in", "the", "afternoon"): "AF", ("in", "the", "arvo"): "AF",
              ("in", "the", "evening"): "EV", ("at", "night"): "NI", ("tonight",): "NI"}
# ... or a daily one, as a reminder is asked for: "half six every evening", "seven each morning".
_DAY_PARTS.update({(every, part): code for every in ("every", "each") for part, code in PERIODS.items()
                   if part != "tonight"})
_DAY_PARTS.update({("in", "the", part): code for part, code in PERIODS.items() if part.endswith("s")})
# ... or as Indian English says it: "seven thirty in the night", "six o'clock evening".
_DAY_PARTS.update({("in", "the", "night"): "NI",
                   **{(part,): code for part, code in PERIODS.items() if not part.endswith("s")}})
# Between a part of the day said first and its hour ("evening time seven": en-IN).
_APPROXIMATELY = ("at", "around", "about", "by", "say", "time")
_OCLOCK = (("o'clock",), ("oclock",), ("o", "clock"))
_PAST, _TO = ("past", "after"), ("to", "before", "of")
_LEADING = ("at", "for", "around", "about", "by", "every", "each", "the", "in", "this")
_LONGEST_TIME = 8  # words: "twenty five past seven in the evening"


@dataclass(frozen=True)
class _Reading:
    value: str
    explicit: bool  # no doubt it is a time: minutes, am/pm, a part of the day, noon or midnight


def time_slot_value(text: str) -> str | None:
    """What Alexa would send for `text` heard in an AMAZON.TIME slot; None when the words are not a time."""
    reading = _read(_words(text))
    return reading.value if reading else None


def find_time(words: Sequence[str]) -> tuple[int, int, str] | None:
    """The first, longest unmistakable time in `words`: (start, end, slot value). "at eight" counts (the hour,
    not the "at"); a bare "eight" does not, nor a part of the day without "every" or "each"."""
    words = [w.lower() for w in words]
    if not any(_could_be_in_a_time(token) for word in words for token in _tokens(word)):
        return None  # most sentences: no reading below could succeed, so none is tried
    for start in range(len(words)):
        if words[start] in _LEADING:
            continue  # "at", "every", "the": the carrier's words, not the time's
        for end in range(min(len(words), start + _LONGEST_TIME), start, -1):
            reading = _read(words[start:end])
            if reading is None:
                continue
            before = words[start - 1] if start else ""
            if reading.value in PERIODS.values() and len(words[start:end]) == 1:
                if before in ("every", "each"):  # "stiff at night", "sore in the morning" are not times to set
                    return start, end, reading.value
            elif reading.explicit or before == "at":
                return start, end, reading.value
    return None


def _words(text: str) -> list[str]:
    """Spoken or typed words: "7:30pm" and "7.30 pm" -> ["7", "30", "pm"], "a.m." -> ["a", "m"]."""
    return tokens(re.sub(r"(\d)\.(\d)", r"\1 \2", fold(text).replace("o'clock", " oclock ")))


@functools.lru_cache(maxsize=4096)
def _tokens(word: str) -> tuple[str, ...]:
    """`_words` of one word, remembered: find_time reads each word of a sentence in up to eight spans."""
    return tuple(_words(word))


@functools.lru_cache(maxsize=4096)
def _could_be_in_a_time(token: str) -> bool:
    """Whether a reading can succeed with `token` in it: every reading has a part of the day, noon or midnight,
    or an hour, and an hour is one word that is a number."""
    return token in PERIODS or token in _NOON + _MIDNIGHT or parse_number([token]) is not None


def _read(words: Sequence[str]) -> _Reading | None:
    words = [token for word in words for token in _tokens(word)]
    while words and words[0] in _LEADING and len(words) > 1:
        words = words[1:]
    if not words:
        return None
    if len(words) == 1 and words[0] in PERIODS:
        return _Reading(PERIODS[words[0]], explicit=False)
    if tuple(words[-2:]) in (("twelve", "noon"), ("twelve", "midnight")):
        words = words[-1:]
    if len(words) == 1 and words[0] in _NOON + _MIDNIGHT:
        return _Reading("12:00" if words[0] in _NOON else "00:00", explicit=True)
    words, part = _day_part(words)
    clock = _clock(words)
    if clock is None:
        return None
    hour, minute, precise = clock
    if part is not None:
        hour = _in_part(hour, part)
        if hour is None:
            return None
    elif hour > 23:
        return None
    return _Reading(f"{hour:02d}:{minute:02d}", explicit=precise or part is not None)


def _day_part(words: list[str]) -> tuple[list[str], str | None]:
    """Splits off a trailing am, pm or part of the day, or a part of the day said first ("evening at six", "morning
    seven o'clock"): (the clock words, "AM" / "PM" / a period code / None)."""
    lead = words[2:] if words[:2] == ["in", "the"] else words[1:] if words[:1] == ["at"] else words
    if len(lead) > 1 and lead[0] in PERIODS:  # "in the evenings around seven", "at night about ten"
        rest = lead[1:]
        while rest and rest[0] in _APPROXIMATELY:
            rest = rest[1:]
        if rest:
            return rest, PERIODS[lead[0]]
    for suffix in _AM:
        if len(words) > len(suffix) and tuple(words[-len(suffix):]) == suffix:
            return words[:-len(suffix)], "AM"
    for suffix in _PM:
        if len(words) > len(suffix) and tuple(words[-len(suffix):]) == suffix:
            return words[:-len(suffix)], "PM"
    for suffix, code in _DAY_PARTS.items():
        if len(words) > len(suffix) and tuple(words[-len(suffix):]) == suffix:
            return words[:-len(suffix)], code
    return words, None


def _clock(words: list[str]) -> tuple[int, int, bool] | None:
    """(hour, minute, whether minutes or o'clock were said) for "eight", "seven thirty", "7 05", "eight oh five",
    "eight o'clock", "quarter past seven", "half past six", "twenty to nine"."""
    for oclock in _OCLOCK:
        if len(words) > len(oclock) and tuple(words[-len(oclock):]) == oclock:
            hour = _hour(words[:-len(oclock)])
            return (hour, 0, True) if hour is not None else None
    for index, word in enumerate(words):
        if word in _PAST + _TO and 0 < index < len(words) - 1:
            minutes = _relative_minutes(words[:index])
            hour = _hour(words[index + 1:])
            if minutes is None or hour is None or hour > 12:
                return None
            if word in _PAST:
                return hour, minutes, True
            return (hour - 1) % 24 or (12 if hour == 1 else 0), 60 - minutes, True
    if len(words) == 1:
        hour = _hour(words)
        return (hour, 0, False) if hour is not None and hour <= 12 else None
    if len(words) == 2 and words[0] == "half":  # British "half seven": half past seven
        hour = _hour(words[1:])
        return (hour, 30, True) if hour is not None and 1 <= hour <= 12 else None
    for split in range(1, len(words)):
        hour, minute = _hour(words[:split]), _minutes(words[split:])
        if hour is not None and minute is not None:
            return hour, minute, True
    return None


def _hour(words: Sequence[str]) -> int | None:
    if len(words) != 1:
        return None
    number = parse_number(list(words))
    return int(number) if number is not None and number == int(number) and 0 <= number <= 24 else None


def _minutes(words: Sequence[str]) -> int | None:
    """ "thirty", "forty five", "oh five", "05" (a zero-padded typed minute), "hundred" ("fifteen hundred")."""
    if list(words) == ["hundred"]:
        return 0
    if len(words) == 2 and words[0] in ("oh", "o"):
        number = parse_number([words[1]])
        return int(number) if number is not None and 1 <= number <= 9 else None
    number = parse_number(list(words))
    if number is None or number != int(number) or not 0 <= number <= 59:
        return None
    if words[0].isdigit() and len(words[0]) != 2:  # typed "7 5" is not 7:05; "7 05" is
        return None
    return int(number) if number >= 10 or words[0].isdigit() else None


def _relative_minutes(words: Sequence[str]) -> int | None:
    """The minutes before "past" or "to": "quarter", "a quarter", "half", "ten", "twenty five"."""
    words = list(words)
    if words[:1] == ["a"]:
        words = words[1:]
    if words == ["quarter"]:
        return 15
    if words == ["half"]:
        return 30
    number = parse_number(words) if words else None
    return int(number) if number is not None and number == int(number) and 1 <= number <= 59 else None


def _in_part(hour: int, part: str) -> int | None:
    """The 24-hour hour for an hour said with am, pm or a part of the day; None when they cannot go together."""
    if hour > 12:
        return hour if part in ("PM", "AF", "EV", "NI") else None  # "nineteen hundred in the evening"
    if part in ("AM", "MO"):
        return 0 if hour == 12 else hour
    if part == "NI" and (hour == 12 or hour <= 4):
        return 0 if hour == 12 else hour  # "twelve at night" is midnight, "two at night" two in the morning
    return hour if hour == 12 else hour + 12
