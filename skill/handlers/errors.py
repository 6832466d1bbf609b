"""The last resort: a calm apology, and the conversation exactly as it was before the failed turn."""

from __future__ import annotations

import copy
import logging
from typing import Callable

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.content import Content
from skill.speech import Say, to_ssml

log = logging.getLogger(__name__)


class ApologyExceptionHandler(AbstractExceptionHandler):
    def __init__(self, content_for: Callable[[str | None], Content]):
        self.content_for = content_for

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        request = handler_input.request_envelope.request
        log.exception("turn failed: %s %s", type(request).__name__, type(exception).__name__)
        session = handler_input.request_envelope.session
        # Response interceptors do not run after an exception, but a handler may have touched the attributes.
        handler_input.attributes_manager.session_attributes = copy.deepcopy(
            session.attributes if session and session.attributes else {})
        builder = handler_input.response_builder
        if getattr(request, "object_type", None) not in ("IntentRequest", "LaunchRequest"):
            return builder.response
        content = self.content_for(getattr(request, "locale", None))
        return builder.speak(to_ssml([Say(content.say("error.apology"))])).ask(
            to_ssml([Say(content.say("error.reprompt"))])).response
