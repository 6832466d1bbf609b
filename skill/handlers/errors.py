"""The last resort: a calm apology, and the conversation exactly as it was before the failed turn."""

from __future__ import annotations

import copy
from typing import Callable

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.content import Content
from skill.handlers.privacy import SKILL_EVENT_PREFIX
from skill.persistence import ConcurrentUpdate
from skill.request_log import log_turn
from skill.speech import Say, to_ssml


class ApologyExceptionHandler(AbstractExceptionHandler):
    def __init__(self, content_for: Callable[[str | None], Content]):
        self.content_for = content_for

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        if isinstance(exception, ConcurrentUpdate):
            return False  # the skill runs the turn again (skill.retrying_skill)
        # A skill event (above all SkillDisabled, which deletes the user's data) cannot hear an apology; failing
        # the request makes Alexa deliver it again later, so a failed deletion is retried instead of forgotten.
        return not getattr(handler_input.request_envelope.request, "object_type", "").startswith(SKILL_EVENT_PREFIX)

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        request = handler_input.request_envelope.request
        log_turn(handler_input, "error", exc_info=exception)
        session = handler_input.request_envelope.session
        if session is not None:  # events and AudioPlayer requests have no session to restore
            # Response interceptors do not run after an exception, but a handler may have touched the attributes.
            handler_input.attributes_manager.session_attributes = copy.deepcopy(session.attributes or {})
        builder = handler_input.response_builder
        if getattr(request, "object_type", None) not in ("IntentRequest", "LaunchRequest"):
            return builder.response
        content = self.content_for(getattr(request, "locale", None))
        return builder.speak(to_ssml([Say(content.say("error.apology"))])).ask(
            to_ssml([Say(content.say("error.reprompt"))])).response
