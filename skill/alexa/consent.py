"""The user's permission for device timers and reminders: checking it, asking for it by voice, reading the answer.

Alexa keeps the permission per skill. A request shows what was granted in `context.System.user.permissions`; a
skill without it sends `Connections.SendRequest` "AskFor", Alexa asks in its own fixed words, and the answer comes
back as a `Connections.Response` request in the same session (handlers/consent.py). If the user says no, or does
not answer, the skill sends the consent card to the Alexa app, unless Alexa already sent one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ask_sdk_model.ui import AskForPermissionsConsentCard

TIMERS = "alexa::alerts:timers:skill:readwrite"
REMINDERS = "alexa::alerts:reminders:skill:readwrite"
ASK_FOR = "AskFor"
ACCEPTED, DENIED, NOT_ANSWERED = "ACCEPTED", "DENIED", "NOT_ANSWERED"
UNAVAILABLE = "UNAVAILABLE"  # Alexa could not ask (the scope is missing from the manifest, say)


def granted(envelope: Any, scope: str) -> bool:
    """Whether the request shows `scope` granted. Requests name each granted scope; older ones carry only a
    consent token, and a call made with it is then the test (a 401 means ask again)."""
    permissions = getattr(getattr(getattr(envelope, "context", None), "system", None), "user", None)
    permissions = getattr(permissions, "permissions", None)
    if permissions is None:
        return False
    scopes = permissions.scopes or {}
    if scope in scopes:
        status = getattr(scopes[scope], "status", None)
        return getattr(status, "value", status) == "GRANTED"
    return bool(permissions.consent_token) and not scopes


def ask_for(scope: str, token: str) -> Any:
    """Hands the conversation to Alexa's permission prompt; `token` comes back with the answer (a
    SendRequestDirective: its package loads here, on the rare turn that asks, not on every cold start)."""
    from ask_sdk_model.interfaces.connections import SendRequestDirective

    return SendRequestDirective(name=ASK_FOR, token=token, payload={
        "@type": "AskForPermissionsConsentRequest", "@version": "1", "permissionScope": scope})


def consent_card(scope: str) -> AskForPermissionsConsentCard:
    return AskForPermissionsConsentCard(permissions=[scope])


@dataclass(frozen=True)
class ConsentAnswer:
    token: str
    outcome: str  # ACCEPTED, DENIED, NOT_ANSWERED or UNAVAILABLE
    scope: str | None
    card_sent: bool  # Alexa already put a consent card in the app

    @property
    def accepted(self) -> bool:
        return self.outcome == ACCEPTED

    @classmethod
    def of(cls, request: Any) -> ConsentAnswer:
        """Reads a Connections.Response; anything unexpected reads as UNAVAILABLE rather than raising."""
        status = getattr(request, "status", None)
        payload = getattr(request, "payload", None)
        payload = payload if isinstance(payload, dict) else {}
        outcome = payload.get("status") if str(getattr(status, "code", "")) == "200" else UNAVAILABLE
        if outcome not in (ACCEPTED, DENIED, NOT_ANSWERED):
            outcome = UNAVAILABLE
        scope = payload.get("permissionScope")
        token = getattr(request, "token", None)
        return cls(token=token if isinstance(token, str) else "", outcome=outcome,
                   scope=scope if isinstance(scope, str) else None,
                   card_sent=payload.get("isCardThrown") in (True, "true", "True"))
