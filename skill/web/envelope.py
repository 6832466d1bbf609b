"""The first look at a POSTed body: JSON, an object, and the fields every Alexa request carries.

These checks answer malformed input with a precise 400 before any verification or skill code sees it, so a
fuzzer or a misconfigured proxy gets a clear message instead of a stack trace.
"""

from __future__ import annotations

import json
from typing import Any

from ask_sdk_model import Request

JSON_TYPE = "application/json"
KNOWN_REQUEST_TYPES = frozenset(Request.discriminator_value_class_map)
REQUIRED_TEXT = ("version", "request.type", "request.requestId", "request.timestamp",
                 "context.System.application.applicationId", "context.System.user.userId")
OPTIONAL_OBJECTS = ("session", "session.attributes", "request.intent")
# The same paths split once, not on every request.
_REQUIRED_TEXT = tuple((path, tuple(path.split("."))) for path in REQUIRED_TEXT)
_OPTIONAL_OBJECTS = tuple((path, tuple(path.split("."))) for path in OPTIONAL_OBJECTS)


class BadEnvelope(ValueError):
    """The body is not an Alexa request; str() is a short reason safe to return to the caller."""


def parse_envelope(body: bytes, mimetype: str) -> dict[str, Any]:
    if mimetype != JSON_TYPE:
        raise BadEnvelope(f"content type must be {JSON_TYPE}")
    try:
        envelope = json.loads(body.decode("utf-8"))  # Alexa sends UTF-8; json.loads(bytes) would guess others
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise BadEnvelope("body is not valid JSON") from None
    if not isinstance(envelope, dict):
        raise BadEnvelope("body must be a JSON object")
    for path, names in _REQUIRED_TEXT:
        value = _field(envelope, names)
        if not isinstance(value, str) or not value:
            raise BadEnvelope(f"missing or invalid field: {path}")
    for path, names in _OPTIONAL_OBJECTS:
        value = _field(envelope, names)
        if value is not None and not isinstance(value, dict):
            raise BadEnvelope(f"invalid field: {path}")
    if envelope["request"]["type"] not in KNOWN_REQUEST_TYPES:
        raise BadEnvelope("unknown request type")
    return envelope


def _field(envelope: dict[str, Any], names: tuple[str, ...]) -> Any:
    value: Any = envelope
    for name in names:
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value
