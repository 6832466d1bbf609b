"""The composition root: the one place the skill is assembled. Lambda, the web service and the offline runner
all build it here and call the same `invoke`."""

from __future__ import annotations

import functools
import json
import os
import random
from typing import Any, Callable

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model.services import ApiClient, Serializer
from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope

from skill.alexa.services.timers import AlexaTimersAlarm
from skill.alexa.services.api_client import TimeLimitedApiClient
from skill.alexa.serializer import FastSerializer
from skill.alexa.handlers import request_handlers
from skill.alexa.handlers.errors import ApologyExceptionHandler
from skill.alexa.interceptors import SaveConversationInterceptor, SaveProfileInterceptor, TurnInterceptor
from skill.alexa.request_log import CURRENT_REQUEST_ID, RequestLogInterceptor, StartClockInterceptor
from skill.alexa.retrying_skill import RetryingSkillBuilder
from skill.alexa.safety.screening import TriageInterceptor
from skill.stores.config import persistence_from_environment
from skill.core.alarm import HeatAlarm

# The one switch: SPINE_COACH_SERIALIZER=sdk puts ask-sdk's own DefaultSerializer back (to compare; a safety valve).
SERIALIZER = os.environ.get("SPINE_COACH_SERIALIZER", "fast")


def build_skill_builder(persistence: AbstractPersistenceAdapter | None = None, alarm: HeatAlarm | None = None,
                        rng: random.Random | None = None, api_client: ApiClient | None = None,
                        offline: bool = False) -> RetryingSkillBuilder:
    """The skill's builder. Defaults: the store the environment names (skill.stores.config), the heat countdown as an
    Alexa device timer (Timers API), and ask-sdk's HTTP client (time-limited) for Alexa's REST APIs, which gives
    handlers the service clients. `offline`: the offline runner composes the skill, so no Alexa is listening (no
    "Alexa, stop"; the runner carries a hands-free routine on by itself)."""
    rng = rng or random.Random()
    alarm = alarm or AlexaTimersAlarm()
    turns = TurnInterceptor(rng, offline)
    builder = RetryingSkillBuilder(ApologyExceptionHandler(turns.content_for),
                                   persistence_adapter=persistence or persistence_from_environment(),
                                   api_client=api_client or TimeLimitedApiClient())
    builder.add_global_request_interceptor(StartClockInterceptor())
    builder.add_global_request_interceptor(turns)
    builder.add_global_request_interceptor(TriageInterceptor())
    for handler in request_handlers(alarm, rng):
        builder.add_request_handler(handler)
    builder.add_global_response_interceptor(SaveConversationInterceptor())
    builder.add_global_response_interceptor(SaveProfileInterceptor())
    builder.add_global_response_interceptor(RequestLogInterceptor())
    return builder


def create_skill(serializer: Serializer | None = None, **options: Any) -> CustomSkill:
    return use_serializer(build_skill_builder(**options).create(), serializer)


def skill_serializer(kind: str | None = None) -> Serializer:
    """FastSerializer (ask-sdk's model objects without its per-request reflection: skill.alexa.serializer), one
    per process so its plans are made once; "sdk" gives ask-sdk's DefaultSerializer."""
    return DefaultSerializer() if (kind or SERIALIZER) == "sdk" else _fast_serializer()


@functools.cache
def _fast_serializer() -> FastSerializer:
    return FastSerializer()


def use_serializer(skill: CustomSkill, serializer: Serializer | None = None) -> CustomSkill:
    """Give `skill` its serializer: for the request, the response and the Alexa service clients. ask-sdk's
    CustomSkill makes itself a DefaultSerializer and takes none from its builder, so it is set here."""
    skill.serializer = serializer or skill_serializer()
    return skill


@functools.cache
def _default_skill() -> CustomSkill:
    return create_skill()


def invoke(event: dict, skill: CustomSkill | None = None, context: Any = None) -> dict:
    """A request envelope in, a response envelope out, as plain JSON-ready dicts (exactly what Lambda does)."""
    skill = skill or _default_skill()
    if isinstance(skill.serializer, FastSerializer):  # takes the parsed event: no json.dumps and json.loads again
        return _answer(skill, skill.serializer.deserialize_data(event, RequestEnvelope), context)
    return respond(json.dumps(event), skill, context)


def respond(payload: str, skill: CustomSkill | None = None, context: Any = None) -> dict:
    """`invoke` for a request still in its JSON text, as the web endpoint receives it."""
    skill = skill or _default_skill()
    return _answer(skill, skill.serializer.deserialize(payload, RequestEnvelope), context)


def _answer(skill: CustomSkill, envelope: RequestEnvelope, context: Any) -> dict:
    return skill.serializer.serialize(skill.invoke(request_envelope=envelope, context=context))


def lambda_handler_for(skill: CustomSkill, serializer: Serializer | None = None) -> Callable[[dict, Any], dict]:
    """Lambda's entry point for a skill built once per container (ask-sdk's own rebuilds it on every request),
    with the serializer the switch names unless given one."""
    use_serializer(skill, serializer)

    def handle(event: dict, context: Any) -> dict:
        # Every log line of the turn (a store's warning too) names the request, as on the web endpoint.
        request = event.get("request") if isinstance(event, dict) else None
        request_id = request.get("requestId") if isinstance(request, dict) else None
        token = CURRENT_REQUEST_ID.set(request_id if isinstance(request_id, str) else None)
        try:
            return invoke(event, skill, context)
        finally:
            CURRENT_REQUEST_ID.reset(token)

    return handle
