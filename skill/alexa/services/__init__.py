"""Alexa's own services the skill calls (Timers, Reminders), and what their calls share."""

from __future__ import annotations

import re

from ask_sdk_model import RequestEnvelope

from skill.core.content import DEFAULT_LOCALE

_LOCALE = re.compile(r"^[a-z]{2}-[A-Z]{2}$")


def device_locale(envelope: RequestEnvelope) -> str:
    """The device's locale (e.g. en-GB) for text Alexa speaks later, a timer's announcement or a reminder: the
    request's when it is a well-formed locale, else the default."""
    locale = getattr(envelope.request, "locale", None)
    return locale if isinstance(locale, str) and _LOCALE.match(locale) else DEFAULT_LOCALE
