"""Skill events: Alexa telling the skill about the user's account, outside any conversation.

These arrive with no session and cannot speak, so every answer is an empty response. The profile is never read,
so SaveProfileInterceptor has nothing to write back after a deletion.
"""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.alexa.handlers.base import TurnHandler
from skill.alexa.turn import Turn

SKILL_DISABLED = "AlexaSkillEvent.SkillDisabled"
SKILL_EVENT_PREFIX = "AlexaSkillEvent."


class SkillDisabledHandler(TurnHandler):
    """The user disabled the skill: their stored progress is health data, so it goes at once.

    The event's body says whether Alexa keeps the user's id for a later re-enable (PERSISTED) or not. It is
    ignored on purpose: re-enabling starts from nothing either way, which is the safe side for health data.
    """

    def accepts(self, turn: Turn) -> bool:
        return turn.request_type == SKILL_DISABLED

    def handle(self, handler_input: HandlerInput) -> Response:
        handler_input.attributes_manager.delete_persistent_attributes()
        return handler_input.response_builder.response


class SkillEventHandler(TurnHandler):
    """Enabled, permissions accepted or changed, account linked: nothing to do, and nothing to apologise for."""

    def accepts(self, turn: Turn) -> bool:
        return turn.request_type.startswith(SKILL_EVENT_PREFIX)

    def handle(self, handler_input: HandlerInput) -> Response:
        return handler_input.response_builder.response
