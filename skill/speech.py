"""What the skill says, as parts: sentences, timed pauses and sounds, rendered to Alexa SSML.

A stretch hold is part of the response audio, not a wait on the server: Lambda and web requests must return
at once, so time is rendered as `<break>` tags. Alexa allows at most 10 s per break.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from typing import Iterable, Union

MAX_BREAK_SECONDS = 10
MAX_AUDIO_SECONDS = 240  # all audio in one response
MAX_SSML_CHARS = 8000
SECONDS_PER_WORD = 0.4  # about 150 words a minute, Alexa's speaking rate

# Alexa Skills Kit sound library clips; the offline runner maps the same URIs to files in audio/.
SOUNDBANK = {
    "bell": "soundbank://soundlibrary/musical/amzn_sfx_bell_short_chime_03",
    "chime": "soundbank://soundlibrary/musical/amzn_sfx_bell_timer_01",
}
SOUND_SECONDS = 2


@dataclass(frozen=True)
class Say:
    text: str


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
            out.append(html.escape(part.text, quote=False))
        elif isinstance(part, Pause):
            out.extend(_breaks(part.seconds))
        else:
            out.append(f'<audio src="{SOUNDBANK[part.name]}"/>')
    return "<speak>" + " ".join(out) + "</speak>"


def _breaks(seconds: float) -> list[str]:
    if not math.isfinite(seconds):
        raise ValueError(f"a pause of {seconds} s cannot be rendered")
    remaining = round(seconds, 1)
    tags = []
    while remaining > 0:
        chunk = min(MAX_BREAK_SECONDS, remaining)
        tags.append(f'<break time="{chunk:g}s"/>')
        remaining = round(remaining - chunk, 1)
    return tags


_TAG = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")


def ssml_to_text(ssml: str | None) -> str:
    """The words of an SSML string, markup removed, for transcripts and logs."""
    if not ssml:
        return ""
    return html.unescape(_SPACES.sub(" ", _TAG.sub(" ", ssml))).strip()


def audio_seconds(parts: Iterable[Part]) -> float:
    """How long the parts take to play: pauses, sounds and an estimate for speech."""
    total = 0.0
    for part in parts:
        if isinstance(part, Pause):
            total += part.seconds
        elif isinstance(part, Sound):
            total += SOUND_SECONDS
        else:
            total += len(part.text.split()) * SECONDS_PER_WORD
    return total
