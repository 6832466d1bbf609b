"""What the skill says, as parts: sentences, timed pauses and sounds, rendered to Alexa SSML.

A stretch hold is part of the response audio, not a wait on the server: Lambda and web requests must return
at once, so time is rendered as `<break>` tags. Alexa allows at most 10 s per break.

Emergency and health-line numbers are said digit by digit, as people say them ("nine nine nine", "one one two",
"N H S one one one"): left to itself a voice reads 999 as "nine hundred and ninety-nine". The text keeps the
digits ("Call 999 now"); the SSML marks them `<say-as interpret-as="digits">`, and the offline voice, which
reads `parse_ssml`'s parts, gets them spaced ("9 9 9").
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Iterable, Union

from skill.core.content import phone_numbers

MAX_BREAK_SECONDS = 10
MAX_AUDIO_SECONDS = 240  # all audio in one response
MAX_SSML_CHARS = 8000
SECONDS_PER_WORD = 0.4  # about 150 words a minute, Alexa's speaking rate
SOUND_SECONDS = 2  # the sound-library clips in SOUNDBANK are about this long

# Alexa Skills Kit sound library clips; the offline runner maps the same URIs to files in audio/.
SOUNDBANK = {
    "bell": "soundbank://soundlibrary/musical/amzn_sfx_bell_short_chime_03",
    "chime": "soundbank://soundlibrary/musical/amzn_sfx_bell_timer_01",
}

_DIGITS_READINGS = ("digits", "telephone")  # say-as readings the offline voice speaks digit by digit


@dataclass(frozen=True)
class Say:
    text: str  # what is spoken
    shown: str | None = None  # what is shown, where that differs: "Call 999 now" for a spoken "Call 9 9 9 now"

    @property
    def written(self) -> str:
        return self.text if self.shown is None else self.shown


@dataclass(frozen=True)
class Pause:
    seconds: float


@dataclass(frozen=True)
class Sound:
    name: str


Part = Union[Say, Pause, Sound]


def to_ssml(parts: Iterable[Part]) -> str:
    """`<speak>` SSML for the parts: text escaped, long pauses split into breaks of at most 10 s."""
    out = []
    for part in parts:
        if isinstance(part, Say):
            out.append(_say_ssml(part.text))
        elif isinstance(part, Pause):
            out.extend(_breaks(part.seconds))
        else:
            out.append(f'<audio src="{SOUNDBANK[part.name]}"/>')
    return "<speak>" + " ".join(out) + "</speak>"


def estimated_seconds(parts: Iterable[Part]) -> float:
    """How long the parts take to play: pauses and sounds as they are, speech by its words at Alexa's rate."""
    total = 0.0
    for part in parts:
        if isinstance(part, Pause):
            total += part.seconds
        elif isinstance(part, Sound):
            total += SOUND_SECONDS
        else:
            total += len(part.text.split()) * SECONDS_PER_WORD
    return total


# Every sentence comes from the content files, so a running skill says a few hundred distinct ones and the same
# pauses: each is rendered once (a stretch step is some 25 parts, re-rendered on every "next" and "repeat").
@functools.lru_cache(maxsize=4096)
def _say_ssml(text: str) -> str:
    return _phone_number().sub(r'<say-as interpret-as="digits">\1</say-as>', text.translate(_SSML_ESCAPES))


@functools.cache
def _phone_number() -> re.Pattern[str]:
    """Any emergency or health-line number a locale speaks (skill.core.content.phone_numbers), as a whole number:
    "1,000" or "9110" are left alone. Built on the first sentence rendered, not at import (Lambda's cold start)."""
    numbers = phone_numbers()
    if not numbers:
        return re.compile(r"(?!)")  # matches nothing
    return re.compile(r"(?<![\w.,])(" + "|".join(sorted(numbers, key=len, reverse=True)) + r")(?![\w]|[.,]\d)")


# What html.escape(text, quote=False) does, without importing `html` (and its entity tables) on Lambda's cold start.
_SSML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def _unescape(text: str) -> str:
    """Entities back to characters, for transcripts and the offline voice: never on the request path, so `html`
    is imported here rather than at start-up."""
    from html import unescape

    return unescape(text)


@functools.lru_cache(maxsize=256)
def _breaks(seconds: float) -> tuple[str, ...]:
    if not math.isfinite(seconds):
        raise ValueError(f"a pause of {seconds} s cannot be rendered")
    remaining = round(seconds, 1)
    tags = []
    while remaining > 0:
        chunk = min(MAX_BREAK_SECONDS, remaining)
        tags.append(f'<break time="{chunk:g}s"/>')
        remaining = round(remaining - chunk, 1)
    return tuple(tags)


_TAG = re.compile(r"<[^>]+>")
_INLINE_TAG = re.compile(r"</?say-as\b[^>]*>")  # inside a sentence: "call <say-as>999</say-as>:" reads "call 999:"
_SPACES = re.compile(r"\s+")
_MARKUP = re.compile(r"<(/?)([a-zA-Z:-]+)([^>]*)>")
_ATTRIBUTE = re.compile(r'([a-zA-Z-]+)\s*=\s*"([^"]*)"')
_BREAK_TIME = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*$")
# Alexa's break strengths, in seconds (medium is the default for a bare <break/>).
_BREAK_STRENGTHS = {"none": 0.0, "x-weak": 0.1, "weak": 0.35, "medium": 0.75, "strong": 1.0, "x-strong": 1.25}
_SOUND_NAMES = {uri: name for name, uri in SOUNDBANK.items()}


def ssml_to_text(ssml: str | None) -> str:
    """The words of an SSML string, markup removed, for transcripts and logs."""
    if not ssml:
        return ""
    return _unescape(_SPACES.sub(" ", _TAG.sub(" ", _INLINE_TAG.sub("", ssml)))).strip()


def parse_ssml(ssml: str | None) -> list[Part]:
    """Playback parts for an SSML string: breaks become pauses (neighbours merged, so 10+10+5 s is one 25 s pause),
    sound-library audio becomes a Sound, a say-as reading digits or a telephone number is spelled out digit by
    digit ("9 9 9": a voice reads "999" as a number), and every other tag (emphasis, prosody, p, s...) is dropped,
    keeping its words. Audio the offline runner has no file for is skipped rather than read out."""
    parts: list[Part] = []
    text = shown = ""  # words since the last tag that separates them; say-as sits inside a sentence ("call 999:")
    digit_by_digit = False
    position = 0
    for tag in _MARKUP.finditer(ssml or ""):
        between = ssml[position:tag.start()]
        text += _spelled_digits(between) if digit_by_digit else between
        shown += between  # a transcript keeps "999"; only the voice needs it spelled
        position = tag.end()
        closing, name, attributes = tag.group(1), tag.group(2).lower(), dict(_ATTRIBUTE.findall(tag.group(3)))
        if name == "say-as":
            digit_by_digit = not closing and attributes.get("interpret-as") in _DIGITS_READINGS
            continue
        _add_text(parts, text, shown)
        text = shown = ""
        if closing:
            continue
        if name == "break":
            _add_pause(parts, _break_seconds(attributes))
        elif name == "audio" and attributes.get("src") in _SOUND_NAMES:
            parts.append(Sound(_SOUND_NAMES[attributes["src"]]))
    rest = (ssml or "")[position:]
    _add_text(parts, text + rest, shown + rest)
    return parts


def _spelled_digits(text: str) -> str:
    """ "999" -> "9 9 9", "0121-496" -> "0 1 2 1 4 9 6": each digit a word, so a voice says each one."""
    return " ".join(character for character in _unescape(text) if character.isdigit())


def _break_seconds(attributes: dict[str, str]) -> float:
    match = _BREAK_TIME.match(attributes.get("time", ""))
    if match:
        return min(float(match[1]) / (1000 if match[2] == "ms" else 1), MAX_BREAK_SECONDS)
    return _BREAK_STRENGTHS.get(attributes.get("strength", "medium"), _BREAK_STRENGTHS["medium"])


def _add_text(parts: list[Part], raw: str, raw_shown: str) -> None:
    text = _SPACES.sub(" ", _unescape(raw)).strip()
    if not text:
        return
    shown = _SPACES.sub(" ", _unescape(raw_shown)).strip()
    if parts and isinstance(parts[-1], Say):
        text, shown = f"{parts[-1].text} {text}", f"{parts[-1].written} {shown}"
        parts.pop()
    parts.append(Say(text, shown if shown != text else None))


def _add_pause(parts: list[Part], seconds: float) -> None:
    if seconds <= 0:
        return
    if parts and isinstance(parts[-1], Pause):
        parts[-1] = Pause(round(parts[-1].seconds + seconds, 3))
    else:
        parts.append(Pause(seconds))
