"""Requests only tests send (skill.alexa.envelopes holds what the offline runner, the benchmark and the package's
smoke test send too): skill events, Alexa's answer to an AskFor, and permissions granted mid-conversation."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Mapping

from skill.alexa.envelopes import SKILL_ID, AlexaSession, timestamp


def skill_disabled(persisted: bool = True) -> dict[str, Any]:
    """The event sent when the user disables the skill. `persisted` is whether Alexa keeps their user id for a
    later re-enable (PERSISTED) or issues a new one (NOT_PERSISTED)."""
    status = "PERSISTED" if persisted else "NOT_PERSISTED"
    return {"type": "AlexaSkillEvent.SkillDisabled", "body": {"userInformationPersistenceStatus": status}}


def event_envelope(session: AlexaSession, event: Mapping[str, Any],
                   at: datetime | float | None = None) -> dict[str, Any]:
    """A skill event from the session's user, e.g. skill_disabled(). Events arrive outside any conversation: no
    session, no device and no locale, and the open session (if any) is left as it is."""
    stamp = timestamp(at)
    return {
        "version": "1.0",
        "context": {"System": {"application": {"applicationId": SKILL_ID}, "user": {"userId": session.user_id},
                               "apiEndpoint": session.api_endpoint, "apiAccessToken": session.api_access_token}},
        "request": {**event, "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}", "timestamp": stamp,
                    "eventCreationTime": stamp, "eventPublishingTime": stamp},
    }


def connections_response(token: str, outcome: str = "ACCEPTED", scope: str | None = None,
                         card_sent: bool = False, code: str = "200") -> dict[str, Any]:
    """Alexa's answer to the skill's AskFor permission request: `outcome` is ACCEPTED, DENIED or NOT_ANSWERED;
    code 400 is what Alexa sends when it could not ask (the manifest lacks the permission)."""
    payload: dict[str, Any] = {"status": outcome, "isCardThrown": "true" if card_sent else "false"}
    if scope:
        payload["permissionScope"] = scope
    return {"type": "Connections.Response", "name": "AskFor", "token": token,
            "status": {"code": code, "message": "OK" if code == "200" else "Bad Request"}, "payload": payload}


def grant(session: AlexaSession, *scopes: str) -> None:
    """The user grants permissions (by voice or in the app): the session's later requests show them."""
    session.granted_scopes = tuple(dict.fromkeys((*session.granted_scopes, *scopes)))
