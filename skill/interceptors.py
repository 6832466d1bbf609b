"""Interceptors prepare each turn and save it; handlers act.

ask-sdk runs request interceptors before dispatch and response interceptors only after a handler succeeds
(an exception handler's answer skips them), so a failing turn saves nothing: the previous state survives.
"""

from __future__ import annotations

import random
from dataclasses import replace

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import IntentRequest, Response

from skill.content import Content, resolve_locale
from skill.turn import TURN, Turn


class TurnInterceptor(AbstractRequestInterceptor):
    """Builds the Turn: the locale's content (loaded once per locale), conversation state and request time."""

    def __init__(self, rng: random.Random):
        self._rng = rng
        self._content: dict[str, Content] = {}

    def content_for(self, locale: str | None) -> Content:
        locale = resolve_locale(locale)
        if locale not in self._content:
            self._content[locale] = Content(locale, self._rng)
        return self._content[locale]

    def process(self, handler_input: HandlerInput) -> None:
        content = self.content_for(getattr(handler_input.request_envelope.request, "locale", None))
        handler_input.attributes_manager.request_attributes[TURN] = Turn(handler_input, content)


class TriageInterceptor(AbstractRequestInterceptor):
    """Screens the user's words in any intent's slots, in every state, before any handler is chosen.

    The triage engine (skill.safety) is imported with the first words there are to screen: a launch, "next" or
    "yes" carries none, so a cold start does not wait for it."""

    def process(self, handler_input: HandlerInput) -> None:
        request = handler_input.request_envelope.request
        if not isinstance(request, IntentRequest) or not request.intent or not request.intent.slots:
            return
        words = [slot.value for slot in request.intent.slots.values() if isinstance(getattr(slot, "value", None), str)]
        if not words:
            return
        from skill.safety import TIERS, triage_for
        turn = Turn.of(handler_input)
        triage = triage_for(turn.content.locale)
        findings = [finding for finding in map(triage.classify, words) if finding is not None]
        if findings:
            turn.finding = min(findings, key=lambda f: TIERS.index(f.tier))


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
        changes = Turn.of(handler_input).profile_changes()
        if changes is not None:
            handler_input.attributes_manager.persistent_attributes = changes
            handler_input.attributes_manager.save_persistent_attributes()
