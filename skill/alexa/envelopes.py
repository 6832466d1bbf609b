"""Alexa request envelopes, shaped as the developer console's JSON Input, and the session that carries them.

The offline runner, the benchmark, the package's smoke test and the tests all talk to the skill through these, so
they exercise the exact Lambda path: a new session for a launch or one-shot request, then each response's
sessionAttributes fed into the next request, as Alexa does. What only tests send (skill events, Alexa's answer to
an AskFor) is tests/alexa_requests.py.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Mapping

SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
DEVICE_ID = "amzn1.ask.device.00000000"
API_ENDPOINT = "https://api.amazonalexa.com"
API_ACCESS_TOKEN = "local-token"
# What an Echo Show declares (a round Echo Spot's viewport would do as well): APL and its screen.
APL_INTERFACE = {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "2024.2"}}}
SHOW_VIEWPORT = {"experiences": [{"canRotate": False, "canResize": False}], "shape": "RECTANGLE",
                 "pixelWidth": 1280, "pixelHeight": 800, "dpi": 160, "currentPixelWidth": 1280,
                 "currentPixelHeight": 800, "touch": ["SINGLE"], "video": {"codecs": ["H_264_42", "H_264_41"]}}


def timestamp(moment: datetime | float | None = None) -> str:
    """Alexa's request timestamp format, e.g. 2026-11-21T08:00:00Z."""
    if moment is None:
        moment = datetime.now(timezone.utc)
    elif not isinstance(moment, datetime):
        moment = datetime.fromtimestamp(moment, timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def intent(name: str, slots: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """An IntentRequest body. Slot values may be plain strings or full Alexa slot objects (with resolutions)."""
    return {
        "type": "IntentRequest",
        "dialogState": "COMPLETED",
        "intent": {
            "name": name,
            "confirmationStatus": "NONE",
            "slots": {slot: _slot(slot, value) for slot, value in (slots or {}).items()},
        },
    }


def launch() -> dict[str, Any]:
    return {"type": "LaunchRequest"}


def session_ended(reason: str = "USER_INITIATED") -> dict[str, Any]:
    return {"type": "SessionEndedRequest", "reason": reason}


def resolved_slot(name: str, value: str, slot_type: str, value_id: str | None) -> dict[str, Any]:
    """A custom-type slot as Alexa sends it after entity resolution (ER_SUCCESS_MATCH when an id is known)."""
    authority = {"authority": f"amzn1.er-authority.echo-sdk.{SKILL_ID}.{slot_type}",
                 "status": {"code": "ER_SUCCESS_MATCH" if value_id else "ER_SUCCESS_NO_MATCH"}}
    if value_id:
        authority["values"] = [{"value": {"name": value, "id": value_id}}]
    return {"name": name, "value": value, "confirmationStatus": "NONE",
            "resolutions": {"resolutionsPerAuthority": [authority]}}


def _slot(name: str, value: Any) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return {"name": name, "confirmationStatus": "NONE", **value}
    slot = {"name": name, "confirmationStatus": "NONE"}
    if value is not None:
        slot["value"] = value
    return slot


@dataclass
class AlexaSession:
    """One user's conversation as Alexa runs it: ids, the new flag, and attributes carried between turns."""

    user_id: str = "amzn1.ask.account.LOCAL-USER"
    locale: str = "en-US"
    session_id: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    api_endpoint: str = API_ENDPOINT
    api_access_token: str = API_ACCESS_TOKEN
    granted_scopes: tuple[str, ...] = ()  # permissions the user has given the skill (skill.alexa.consent scopes)
    screen: bool = False  # the device supports APL (an Echo Show) rather than voice only
    device_id: str = DEVICE_ID

    @property
    def open(self) -> bool:
        return self.session_id is not None

    def envelope(self, request: Mapping[str, Any], at: datetime | float | None = None) -> dict[str, Any]:
        """The full envelope for `request`, opening a new session if none is open."""
        new = not self.open
        if new:
            self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
            self.attributes = {}
        application = {"applicationId": SKILL_ID}
        user: dict[str, Any] = {"userId": self.user_id}
        if self.granted_scopes:
            user["permissions"] = {"consentToken": self.api_access_token,
                                   "scopes": {scope: {"status": "GRANTED"} for scope in self.granted_scopes}}
        device = {"deviceId": self.device_id, "supportedInterfaces": dict(APL_INTERFACE) if self.screen else {}}
        context: dict[str, Any] = {"System": {"application": application, "user": user, "device": device,
                                              "apiEndpoint": self.api_endpoint,
                                              "apiAccessToken": self.api_access_token}}
        if self.screen:
            context["Viewport"] = copy.deepcopy(SHOW_VIEWPORT)
        return {
            "version": "1.0",
            "session": {"new": new, "sessionId": self.session_id, "application": application,
                        "attributes": copy.deepcopy(self.attributes), "user": user},
            "context": context,
            "request": {**request, "requestId": _request_id(), "timestamp": timestamp(at), "locale": self.locale},
        }

    def absorb(self, response: Mapping[str, Any]) -> None:
        """Carry the response's session attributes into the next request, or close the session."""
        if response.get("response", {}).get("shouldEndSession", False) is True:
            self.close()
        else:
            self.attributes = copy.deepcopy(response.get("sessionAttributes") or {})

    def close(self) -> None:
        self.session_id = None
        self.attributes = {}


def _request_id() -> str:
    return f"amzn1.echo-api.request.{uuid.uuid4()}"
