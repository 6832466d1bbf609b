"""How long a response plays, estimated from its parts: for checking Alexa's limit on audio in one response."""

from __future__ import annotations

from typing import Iterable

from skill.core.speech import Part, Pause, Sound

SECONDS_PER_WORD = 0.4  # about 150 words a minute, Alexa's speaking rate
SOUND_SECONDS = 2  # the soundbank clips the skill plays (skill.core.speech.SOUNDBANK) are about this long


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
