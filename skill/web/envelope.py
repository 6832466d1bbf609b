"""The first look at a POSTed body: JSON, an object, and the fields every Alexa request carries.

These checks answer malformed input with a precise 400 before any verification or skill code sees it, so a
fuzzer or a misconfigured proxy gets a clear message instead of a stack trace.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ask_sdk_model import Request

JSON_TYPE = "application/json"
KNOWN_REQUEST_TYPES = frozenset(Request.discriminator_value_class_map)
REQUIRED_TEXT = ("version", "request.type", "request.requestId", "request.timestamp",
                 "context.System.application.applicationId", "context.System.user.userId")
OPTIONAL_OBJECTS = ("session", "session.attributes", "request.intent")
# Alexa's requests nest about 8 deep. ask-sdk copies session attributes recursively, and 800 levels run it out of
# stack, so anything deeper than this is refused before the SDK sees it.
MAX_DEPTH = 64
# A JSON escape of a UTF-16 surrogate: the only way a body that is valid UTF-8 can smuggle in a lone surrogate,
# a str that cannot be encoded again (the store's writes would fail). Pairs are fine: json joins them.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
# The same paths split once, not on every request.
_REQUIRED_TEXT = tuple((path, tuple(path.split("."))) for path in REQUIRED_TEXT)
_OPTIONAL_OBJECTS = tuple((path, tuple(path.split("."))) for path in OPTIONAL_OBJECTS)


class BadEnvelope(ValueError):
    """The body is not an Alexa request; str() is a short reason safe to return to the caller, `request_id` the
    request's id when the body is JSON that names one (for the log line)."""

    def __init__(self, reason: str, request_id: str | None = None):
        super().__init__(reason)
        self.request_id = request_id


def parse_envelope(body: bytes, mimetype: str) -> dict[str, Any]:
    if mimetype != JSON_TYPE:
        raise BadEnvelope(f"content type must be {JSON_TYPE}")
    try:
        envelope = json.loads(body.decode("utf-8"))  # Alexa sends UTF-8; json.loads(bytes) would guess others
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError; so is an int of 4,300+ digits
        raise BadEnvelope("body is not valid JSON") from None
    if not isinstance(envelope, dict):
        raise BadEnvelope("body must be a JSON object")
    # Each level opens a bracket, so a body with few brackets (every real request) needs no walk.
    if body.count(b"{") + body.count(b"[") > MAX_DEPTH and _deeper_than(envelope, MAX_DEPTH):
        raise BadEnvelope(f"body nests deeper than {MAX_DEPTH} levels", request_id_of(envelope))
    if _SURROGATE_ESCAPE.search(body) and not _encodable(envelope):
        raise BadEnvelope("body has text that is not valid Unicode", request_id_of(envelope))
    for path, names in _REQUIRED_TEXT:
        value = _field(envelope, names)
        if not isinstance(value, str) or not value:
            raise BadEnvelope(f"missing or invalid field: {path}", request_id_of(envelope))
    for path, names in _OPTIONAL_OBJECTS:
        value = _field(envelope, names)
        if value is not None and not isinstance(value, dict):
            raise BadEnvelope(f"invalid field: {path}", request_id_of(envelope))
    if envelope["request"]["type"] not in KNOWN_REQUEST_TYPES:
        raise BadEnvelope("unknown request type", request_id_of(envelope))
    return envelope


def request_id_of(envelope: Any) -> str | None:
    """request.requestId, if the envelope has one that is text."""
    value = _field(envelope, ("request", "requestId")) if isinstance(envelope, dict) else None
    return value if isinstance(value, str) else None


def _deeper_than(value: Any, limit: int) -> bool:
    """Without recursion, so that the check cannot itself run out of stack."""
    pending = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            pending.extend((child, depth + 1) for child in node.values() if isinstance(child, (dict, list)))
        elif isinstance(node, list):
            pending.extend((child, depth + 1) for child in node if isinstance(child, (dict, list)))
    return False


def _encodable(envelope: dict[str, Any]) -> bool:
    try:
        json.dumps(envelope, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _field(envelope: dict[str, Any], names: tuple[str, ...]) -> Any:
    value: Any = envelope
    for name in names:
        if not isinstance(value, dict):
            return None
        value = value.get(name)
    return value
