"""Interceptors prepare each turn and save it; handlers act.

ask-sdk runs request interceptors before dispatch and response interceptors only after a handler succeeds
(an exception handler's answer skips them), so a failing turn saves nothing: the previous state survives.
"""

from __future__ import annotations

import logging
import random
from dataclasses import replace

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.core.content import Content, resolve_locale
from skill.alexa.turn import TURN, URGENT_TIERS, Turn

log = logging.getLogger(__name__)


class TurnInterceptor(AbstractRequestInterceptor):
    """Builds the Turn: the locale's content (loaded once per locale), conversation state and request time."""

    def __init__(self, rng: random.Random, offline: bool = False):
        self._rng = rng
        self._offline = offline
        self._content: dict[str, Content] = {}

    def content_for(self, locale: str | None) -> Content:
        locale = resolve_locale(locale)
        if locale not in self._content:
            self._content[locale] = Content(locale, self._rng)
        return self._content[locale]

    def process(self, handler_input: HandlerInput) -> None:
        content = self.content_for(getattr(handler_input.request_envelope.request, "locale", None))
        handler_input.attributes_manager.request_attributes[TURN] = Turn(handler_input, content, self._offline)


class SaveConversationInterceptor(AbstractResponseInterceptor):
    """Writes the conversation back to session attributes, with the last speech kept as a string for Repeat."""

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        if handler_input.request_envelope.session is None:
            return  # a skill event: there is no conversation to carry on
        turn = Turn.of(handler_input)
        conversation = turn.conversation
        if response is not None and response.output_speech is not None:
            reprompt = response.reprompt.output_speech.ssml if response.reprompt else None
            conversation = replace(conversation, last_speech=response.output_speech.ssml, last_reprompt=reprompt)
        attributes = conversation.to_attributes()
        if turn.triage:
            attributes["triage"] = turn.triage
        handler_input.attributes_manager.session_attributes = attributes


class SaveProfileInterceptor(AbstractResponseInterceptor):
    """Saves the profile when this turn changed it: one write, only after the turn succeeded."""

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        turn = Turn.of(handler_input)
        changes = turn.stored_profile.changes()
        if changes is None:
            return
        handler_input.attributes_manager.persistent_attributes = changes
        try:
            handler_input.attributes_manager.save_persistent_attributes()
        except Exception:  # noqa: BLE001 - a lost race included: running the turn again would gain nothing
            if turn.triage not in URGENT_TIERS:
                raise
            # After a warning sign's answer saving is best effort: a failed save must not replace the answer.
            log.exception("could not save the profile after a warning sign's answer")
