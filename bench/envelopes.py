"""Realistic Alexa request envelopes for the benchmark, for the baseline and for Spine Coach.

What Alexa really sends an Echo Show is far bigger than a test envelope: user and device ids of about 200
characters, an apiAccessToken that is a signed JWT of about a kilobyte, the Viewport and Viewports of the screen,
the AudioPlayer state and the supported interfaces. ask-sdk deserializes every field of it into model objects,
so the envelope's shape drives the per-request cost. Both skills therefore get the same device context
(`echo_show_context`): the baseline a HelloWorldIntent of about 4 KB with a few session attributes, Spine Coach a
mid-routine AMAZON.NextIntent whose session attributes are the ones its own previous reply set (see `Routine`).

Everything is deterministic (seeded ids, fixed token), except request ids and timestamps, which are fresh.
"""

from __future__ import annotations

import base64
import json
import random
import string
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Mapping

from skill.alexa.envelopes import API_ENDPOINT, SKILL_ID, AlexaSession, intent, launch, resolved_slot, timestamp

LOCALE = "en-US"
_ID_ALPHABET = string.ascii_uppercase + string.digits


def _alexa_id(kind: str, seed: str, length: int = 196) -> str:
    """An id shaped like Alexa's: amzn1.ask.<kind>. and ~200 upper-case letters and digits."""
    rng = random.Random(seed)
    return f"amzn1.ask.{kind}." + "".join(rng.choice(_ID_ALPHABET) for _ in range(length))


def user_id(seed: str = "bench user") -> str:
    return _alexa_id("account", seed)


DEVICE_ID = _alexa_id("device", "bench device")
PERSISTENT_ENDPOINT_ID = "amzn1.alexa.endpoint." + _alexa_id("x", "endpoint", 60).split(".")[-1]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _api_access_token() -> str:
    """A JWT the size and shape of Alexa's apiAccessToken (RS256; the claims Alexa puts in; a 2048-bit signature)."""
    rng = random.Random("bench token")
    header = {"typ": "JWT", "alg": "RS256", "kid": "1"}
    claims = {
        "aud": API_ENDPOINT, "iss": "AlexaSkillKit", "sub": SKILL_ID, "exp": 1796000000, "iat": 1795996400,
        "nbf": 1795996400,
        "privateClaims": {
            "context": _b64url(bytes(rng.getrandbits(8) for _ in range(240))),
            "isDeprecated": "false",
            "consentToken": None,
            "deviceId": DEVICE_ID,
            "userId": user_id(),
        },
    }
    signature = bytes(rng.getrandbits(8) for _ in range(256))
    return ".".join([_b64url(json.dumps(header, separators=(",", ":")).encode()),
                     _b64url(json.dumps(claims, separators=(",", ":")).encode()), _b64url(signature)])


API_ACCESS_TOKEN = _api_access_token()


def echo_show_context(user: Mapping[str, Any]) -> dict[str, Any]:
    """The `context` an Echo Show 8 sends: System (application, user, device with its interfaces, API endpoint and
    token), the Viewport and Viewports of its screen, its APL extensions and the AudioPlayer state."""
    return {
        "Viewports": [{
            "type": "APL", "id": "main", "shape": "RECTANGLE", "dpi": 213, "presentationType": "STANDARD",
            "canRotate": False,
            "configuration": {"current": {"mode": "HUB", "video": {"codecs": ["H_264_42", "H_264_41"]},
                                          "size": {"type": "DISCRETE", "pixelWidth": 1280, "pixelHeight": 800}}},
        }],
        "Viewport": {
            "experiences": [{"arcMinuteWidth": 346, "arcMinuteHeight": 216, "canRotate": False, "canResize": False}],
            "mode": "HUB", "shape": "RECTANGLE", "pixelWidth": 1280, "pixelHeight": 800, "dpi": 213,
            "currentPixelWidth": 1280, "currentPixelHeight": 800, "touch": ["SINGLE"], "keyboard": [],
            "video": {"codecs": ["H_264_42", "H_264_41"]},
        },
        "Extensions": {"available": {"aplext:backstack:10": {}}},
        "System": {
            "application": {"applicationId": SKILL_ID},
            "user": dict(user),
            "device": {
                "deviceId": DEVICE_ID,
                "persistentEndpointId": PERSISTENT_ENDPOINT_ID,
                "supportedInterfaces": {"AudioPlayer": {},
                                        "Alexa.Presentation.APL": {"runtime": {"maxVersion": "2024.2"}}},
            },
            "apiEndpoint": API_ENDPOINT,
            "apiAccessToken": API_ACCESS_TOKEN,
        },
        "AudioPlayer": {"playerActivity": "IDLE"},
    }


def _envelope(request: Mapping[str, Any], *, new: bool, attributes: Mapping[str, Any] | None,
              session_id: str | None = None, user: str | None = None) -> dict[str, Any]:
    user_object = {"userId": user or user_id()}
    return {
        "version": "1.0",
        "session": {"new": new, "sessionId": session_id or f"amzn1.echo-api.session.{uuid.uuid4()}",
                    "application": {"applicationId": SKILL_ID}, "attributes": dict(attributes or {}),
                    "user": user_object},
        "context": echo_show_context(user_object),
        "request": {**request, "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}", "timestamp": timestamp(),
                    "locale": LOCALE},
    }


# What a hello-world skill might keep between turns: a few small attributes, as real skills do.
BASELINE_ATTRIBUTES = {"visits": 3, "lastIntent": "AMAZON.HelpIntent", "greeted": True,
                       "lastSpeech": "You can say hello to me! How can I help?",
                       "preferences": {"verbose": False, "units": "metric", "voice": "default"}}


def baseline_intent() -> dict[str, Any]:
    """The baseline's realistic request: HelloWorldIntent on an Echo Show, mid-session (about 4 KB as JSON)."""
    request = {"type": "IntentRequest", "shouldLinkResultBeReturned": False,
               "intent": {"name": "HelloWorldIntent", "confirmationStatus": "NONE"}}
    return _envelope(request, new=False, attributes=BASELINE_ATTRIBUTES)


def launch_request(user: str | None = None) -> dict[str, Any]:
    """A LaunchRequest on a new session from the same Echo Show: the cold-start request for both skills."""
    return _envelope({"type": "LaunchRequest", "shouldLinkResultBeReturned": False}, new=True, attributes=None,
                     user=user)


def size(envelope: Mapping[str, Any]) -> int:
    """Bytes of the envelope as compact JSON, as Alexa sends it."""
    return len(json.dumps(envelope, separators=(",", ":")).encode("utf-8"))


def on_echo_show(session: AlexaSession, request: Mapping[str, Any], at: datetime | float | None = None) -> dict:
    """`session`'s envelope for `request` (session id, new flag and attributes as Alexa carries them), sent from
    the benchmark's Echo Show: the context is the same one the baseline's request carries."""
    envelope = session.envelope(request, at=at)
    envelope["context"] = echo_show_context(envelope["context"]["System"]["user"])
    return envelope


LOWER_BACK = resolved_slot("area", "lower back", "STRETCH_AREA", "lower_back")
PROMPTS = Path(__file__).resolve().parents[1] / "skill" / "locale" / "en" / "prompts.json"
# The first sentence of what the skill says when a turn fails (the rest may be escaped in SSML).
APOLOGY = json.loads(PROMPTS.read_text(encoding="utf-8"))["error.apology"].split(".")[0]


class Routine:
    """One user part way through the lower-back routine, as Spine Coach itself left them.

    `prepare` runs a real conversation through `handler` (launch, "start my lower back stretches", "no" to the
    day's safety question, then "next" until the routine ends), which stores the user's profile, and keeps the
    session attributes of every mid-routine turn from which "next" gives the following step. `next_intent(i)` is
    then a NextIntent from the i-th of those points (cycled), so a benchmark can send "next" any number of times:
    the routine neither ends nor errors, and each reply can be checked against the step it should reach.
    """

    def __init__(self, user: str):
        self.user = user
        self.session = AlexaSession(user_id=user, locale=LOCALE, api_access_token=API_ACCESS_TOKEN, screen=True)
        self.points: list[tuple[dict[str, Any], tuple[int, int]]] = []  # attributes, (step, segment) reached
        self.session_id: str | None = None

    def prepare(self, handler: Callable[[dict, Any], dict]) -> Routine:
        def send(request: Mapping[str, Any]) -> dict:
            reply = handler(on_echo_show(self.session, request), None)
            _check_not_apology(reply)
            self.session.absorb(reply)
            return reply

        send(launch())
        send(intent("StartStretchIntent", {"area": LOWER_BACK}))
        send(intent("AMAZON.NoIntent"))  # no new numbness or bladder trouble: the routine may start
        for _ in range(40):
            before, self.session_id = self.session.attributes, self.session.session_id
            reply = send(intent("AMAZON.NextIntent"))
            if reply["response"].get("shouldEndSession") is True:
                break
            if (before.get("routine") or {}).get("status") == "running":
                self.points.append((before, reached(reply)))
        else:
            raise RuntimeError("the routine never ended")
        if not self.points:
            raise RuntimeError("the routine had no mid-routine step")
        return self

    def next_intent(self, index: int) -> tuple[dict[str, Any], tuple[int, int]]:
        """A NextIntent envelope from mid-routine point `index` (cycled), and the (step, segment) it must reach."""
        attributes, expected = self.points[index % len(self.points)]
        self.session.session_id, self.session.attributes = self.session_id, attributes  # the same session goes on
        return on_echo_show(self.session, intent("AMAZON.NextIntent")), expected


def reached(reply: Mapping[str, Any]) -> tuple[int, int]:
    routine = (reply.get("sessionAttributes") or {}).get("routine") or {}
    return routine.get("step", -1), routine.get("segment", -1)


def check_next_reply(reply: Mapping[str, Any], expected: tuple[int, int]) -> None:
    """A normal mid-routine reply: the session goes on, the routine runs at the expected step, no apology."""
    _check_not_apology(reply)
    body = reply.get("response") or {}
    if body.get("shouldEndSession") is True:
        raise AssertionError("a mid-routine 'next' ended the session")
    if ((reply.get("sessionAttributes") or {}).get("routine") or {}).get("status") != "running":
        raise AssertionError("a mid-routine 'next' left no running routine")
    if reached(reply) != expected:
        raise AssertionError(f"'next' reached step {reached(reply)}, expected {expected}")


def check_hello_reply(reply: Mapping[str, Any]) -> None:
    if "Hello World" not in str(((reply.get("response") or {}).get("outputSpeech") or {}).get("ssml")):
        raise AssertionError(f"the baseline did not say hello: {reply!r:.300}")


def _check_not_apology(reply: Mapping[str, Any]) -> None:
    speech = str(((reply.get("response") or {}).get("outputSpeech") or {}).get("ssml"))
    if APOLOGY in speech:
        raise AssertionError("the skill answered with its apology")
