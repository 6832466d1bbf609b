"""How long a response plays, estimated from its parts: for checking Alexa's limit on audio in one response."""

from __future__ import annotations

# The skill's own estimate (it also times where a pause interrupted a stretch): one definition for both.
from skill.core.speech import SECONDS_PER_WORD, SOUND_SECONDS  # noqa: F401
from skill.core.speech import estimated_seconds as audio_seconds  # noqa: F401
