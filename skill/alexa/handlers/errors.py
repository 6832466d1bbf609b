"""The last resort: a calm apology, and the conversation exactly as it was before the failed turn."""

from __future__ import annotations

import copy
from typing import Callable

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.core.content import Content
from skill.alexa.handlers.privacy import SKILL_EVENT_PREFIX
from skill.stores.sqlite import ConcurrentUpdate
from skill.alexa.request_log import log_turn
from skill.core.speech import Say, to_ssml
from skill.alexa.turn import TURN, URGENT_TIERS


class ApologyExceptionHandler(AbstractExceptionHandler):
    def __init__(self, content_for: Callable[[str | None], Content]):
        self.content_for = content_for

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        if isinstance(exception, ConcurrentUpdate):
            return False  # the skill runs the turn again (skill.alexa.retrying_skill)
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
        finding = getattr(handler_input.attributes_manager.request_attributes.get(TURN), "finding", None)
        if finding is not None and finding.tier in URGENT_TIERS:
            # The failure came after a warning sign was found: its answer, from the content alone, not an apology.
            speech = [Say(content.say(f"triage.{finding.tier}"))]
            if finding.tier == "emergency":
                return builder.speak(to_ssml(speech)).set_should_end_session(True).response
            return builder.speak(to_ssml(speech)).ask(to_ssml([Say(content.say("triage.urgent_reprompt"))])).response
        speech = [Say(content.say("error.apology"))]
        if _carries_words(request):  # words we may not have screened: the safety net first
            speech.insert(0, Say(content.say("error.safety_net")))
        return builder.speak(to_ssml(speech)).ask(to_ssml([Say(content.say("error.reprompt"))])).response


def _carries_words(request) -> bool:
    slots = getattr(getattr(request, "intent", None), "slots", None) or {}
    return any(isinstance(getattr(slot, "value", None), str) for slot in slots.values())
