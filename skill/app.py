"""The composition root: the one place the skill is assembled. Lambda, the web service and the offline runner
all build it here and call the same `invoke`."""

from __future__ import annotations

import functools
import json
import random
from typing import Any, Callable

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model.services import ApiClient
from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope

from skill.alexa_timers import AlexaTimersAlarm
from skill.api_client import TimeLimitedApiClient
from skill.handlers import request_handlers
from skill.handlers.errors import ApologyExceptionHandler
from skill.interceptors import (SaveConversationInterceptor, SaveProfileInterceptor, TriageInterceptor,
                                TurnInterceptor)
from skill.request_log import RequestLogInterceptor, StartClockInterceptor
from skill.retrying_skill import RetryingSkillBuilder
from skill.storage import persistence_from_environment
from skill.timers import HeatAlarm


def build_skill_builder(persistence: AbstractPersistenceAdapter | None = None, alarm: HeatAlarm | None = None,
                        rng: random.Random | None = None, api_client: ApiClient | None = None) -> RetryingSkillBuilder:
    """The skill's builder. Defaults: the store the environment names (skill.storage), the heat countdown as an
    Alexa device timer (Timers API), and ask-sdk's HTTP client (time-limited) for Alexa's REST APIs, which gives
    handlers the service clients."""
    rng = rng or random.Random()
    alarm = alarm or AlexaTimersAlarm()
    turns = TurnInterceptor(rng)
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


def create_skill(**options: Any) -> CustomSkill:
    return build_skill_builder(**options).create()


@functools.cache
def _default_skill() -> CustomSkill:
    return create_skill()


def invoke(event: dict, skill: CustomSkill | None = None, context: Any = None) -> dict:
    """A request envelope in, a response envelope out, as plain JSON-ready dicts (exactly what Lambda does)."""
    return respond(json.dumps(event), skill, context)


def respond(payload: str, skill: CustomSkill | None = None, context: Any = None) -> dict:
    """`invoke` for a request still in its JSON text, as the web endpoint receives it."""
    skill = skill or _default_skill()
    envelope = skill.serializer.deserialize(payload, RequestEnvelope)
    return skill.serializer.serialize(skill.invoke(request_envelope=envelope, context=context))


def lambda_handler_for(skill: CustomSkill) -> Callable[[dict, Any], dict]:
    """Lambda's entry point for a skill built once per container (ask-sdk's own rebuilds it on every request)."""
    return lambda event, context: invoke(event, skill, context)
