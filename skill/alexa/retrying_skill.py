"""ask-sdk's CustomSkill with one addition: a turn that lost a race to save the same user's profile runs again.

The stores refuse a save whose read revision is stale (skill.stores.sqlite: optimistic concurrency). Running the
whole turn again on the fresh profile is what a database transaction retry does: handlers decide from the
profile they read, so only a fresh read gives the right answer ("that tip was just told on the kitchen Echo").

Two things make that safe. Alexa's APIs are called once per request: a run again is given the earlier run's
answers (skill/alexa/services/replay.py), so it creates no second timer or reminder. And a lost race is taken
here before any exception handler is asked (`LostRaceUnhandled`): the retry does not rest on every handler,
today's apology or a future one, declining ConcurrentUpdate.
"""

from __future__ import annotations

import logging
from typing import Any

from ask_sdk_core.attributes_manager import AttributesManager
from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model import RequestEnvelope, ResponseEnvelope
from ask_sdk_runtime.dispatch_components.exception_components import AbstractExceptionMapper

from skill.alexa.services.replay import ReplayingApiClient, recording_calls
from skill.stores.sqlite import ConcurrentUpdate

SAVE_ATTEMPTS = 5  # a turn takes about a millisecond; losing five races in a row means something is wrong
RESPONSE_VERSION = "1.0"

log = logging.getLogger(__name__)


class RetryingSkill(CustomSkill):
    def __init__(self, skill_configuration: Any, last_resort: AbstractExceptionHandler):
        super().__init__(skill_configuration=skill_configuration)
        self.last_resort = last_resort  # answers if every attempt lost its race: the usual calm apology
        if self.api_client is not None:
            self.api_client = ReplayingApiClient(self.api_client)
        dispatcher = self.request_dispatcher
        dispatcher.exception_mapper = LostRaceUnhandled(dispatcher.exception_mapper)

    def invoke(self, request_envelope: RequestEnvelope, context: Any) -> ResponseEnvelope:
        lost_race = None
        with recording_calls() as calls:
            for _ in range(SAVE_ATTEMPTS):
                calls.next_run()
                try:
                    return super().invoke(request_envelope=request_envelope, context=context)
                except ConcurrentUpdate as error:
                    lost_race = error
                    log.info("another request saved this user's profile first; running the turn again")
        handler_input = HandlerInput(request_envelope=request_envelope, context=context,
                                     attributes_manager=AttributesManager(request_envelope=request_envelope))
        response = self.last_resort.handle(handler_input, lost_race)
        session_attributes = handler_input.attributes_manager.session_attributes if request_envelope.session else None
        return ResponseEnvelope(response=response, version=RESPONSE_VERSION, session_attributes=session_attributes)


class LostRaceUnhandled(AbstractExceptionMapper):
    """The skill's exception mapper, except that no exception handler is ever asked about a lost race: ask-sdk's
    dispatcher then raises it, and RetryingSkill runs the turn again."""

    def __init__(self, inner: AbstractExceptionMapper | None):
        self.inner = inner

    def get_handler(self, handler_input: Any, exception: Exception) -> AbstractExceptionHandler | None:
        if isinstance(exception, ConcurrentUpdate) or self.inner is None:
            return None
        return self.inner.get_handler(handler_input, exception)


class RetryingSkillBuilder(CustomSkillBuilder):
    def __init__(self, last_resort: AbstractExceptionHandler, **options: Any):
        super().__init__(**options)
        self.last_resort = last_resort
        self.add_exception_handler(last_resort)

    def create(self) -> RetryingSkill:
        return RetryingSkill(self.skill_configuration, self.last_resort)
