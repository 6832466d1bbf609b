"""One request's working set, and the reply being built for it.

Interceptors prepare a `Turn` (content, conversation, profile, triage finding, time); handlers read and change
it and build a `Reply`; response interceptors save what changed. Handlers never touch session attributes or
the persistence adapter directly, so a handler that raises leaves the stored state exactly as it was. What every
reply goes through on its way out (the first-use disclaimer, no screen beside a warning sign) is in
skill/alexa/handlers/base.py.
"""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, get_request_type
from ask_sdk_model import Directive, Response
from ask_sdk_model.ui import Card

from skill.core.content import Content
from skill.core.profile import Profile
from skill.alexa.screen import may_show, supports_apl
from skill.core.speech import Part, Pause, Say, Sound, to_ssml
from skill.core.state import Conversation, OpenQuestion, Question
from skill.stores.profile import StoredProfile

TURN = "turn"  # request attribute holding the Turn
URGENT_TIERS = ("emergency", "urgent")


class Turn:
    def __init__(self, handler_input: HandlerInput, content: Content, offline: bool = False):
        self.handler_input = handler_input
        self.content = content
        self.on_alexa = not offline  # an Echo (Lambda, the web endpoint) rather than the offline runner
        envelope = handler_input.request_envelope
        # Skill events (the user disabled the skill, say) arrive outside any conversation, with no session.
        loaded = Conversation.from_attributes(
            handler_input.attributes_manager.session_attributes if envelope.session else None)
        self.asked: OpenQuestion | None = loaded.question  # what the previous response asked, if anything
        # A question lasts one turn unless asked again.
        self.conversation = loaded if loaded.question is None else replace(loaded, question=None)
        self.finding = None  # the triage finding for this request's words (set by TriageInterceptor)
        self.triage: str | None = None  # the tier this response reached
        self.now = _request_time(envelope.request)
        self.today: date = datetime.fromtimestamp(self.now, timezone.utc).date()
        self.request_type = get_request_type(handler_input)
        self.intent = get_intent_name(handler_input) if self.request_type == "IntentRequest" else None
        self.new_session = bool(envelope.session and envelope.session.new)
        attributes = handler_input.attributes_manager
        self.stored_profile = StoredProfile(lambda: attributes.persistent_attributes)  # saved by SaveProfileInterceptor

    @staticmethod
    def of(handler_input: HandlerInput) -> Turn:
        return handler_input.attributes_manager.request_attributes[TURN]

    @functools.cached_property
    def shows_screens(self) -> bool:
        """Whether the device runs APL: a screen is worth making only then (Reply.build still decides whether
        this response may carry it)."""
        return supports_apl(self.handler_input)

    @property
    def profile(self) -> Profile:
        """The user's stored profile, read from persistence on first use only."""
        return self.stored_profile.profile

    def expect_answer(self, question: Question, arg: Any = None) -> None:
        self.conversation = self.conversation.asking(question, arg)

    def update(self, **changes: Any) -> None:
        self.conversation = replace(self.conversation, **changes)

    def reply(self) -> Reply:
        return Reply(self.content)


def _request_time(request: Any) -> float:
    """The request's own timestamp: Alexa's clock, and the tests' (no wall clock inside the skill)."""
    stamp = getattr(request, "timestamp", None)
    if isinstance(stamp, datetime):
        return (stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)).timestamp()
    return time.time()


@dataclass
class Reply:
    """Speech parts, a reprompt and whether the session ends; every sentence comes from the content files."""

    content: Content
    parts: list[Part] = field(default_factory=list)
    reprompt: list[Part] | None = None
    end_session: bool | None = None  # None: leave it to Alexa, as a directive that hands over the dialog needs
    directives: list[Directive] = field(default_factory=list)
    card: Card | None = None
    screen: Directive | None = None  # an APL document beside the speech; sent only where `may_show` allows it

    @property
    def names_the_number_first(self) -> bool:
        """Whether the first thing said names the emergency number (a safety net, a symptom's answer): then
        nothing, the first-use disclaimer included, may go before it."""
        first = next((part for part in self.parts if isinstance(part, Say)), None)
        return first is not None and self.content.facts["emergency_number"] in first.text

    def say(self, key: str, **slots: Any) -> Reply:
        self.parts.append(Say(self.content.say(key, **slots)))
        return self

    def prepend(self, key: str, **slots: Any) -> Reply:
        self.parts.insert(0, Say(self.content.say(key, **slots)))
        return self

    def say_text(self, text: str) -> Reply:
        """Text taken from a content document (a tip, a routine cue, a triage question)."""
        self.parts.append(Say(text))
        return self

    def pause(self, seconds: float) -> Reply:
        if seconds > 0:
            self.parts.append(Pause(seconds))
        return self

    def sound(self, name: str) -> Reply:
        self.parts.append(Sound(name))
        return self

    def ask(self, key: str, **slots: Any) -> Reply:
        """Keep the microphone open; `key` is the reprompt, which should add guidance, not repeat."""
        self.reprompt = [Say(self.content.say(key, **slots))]
        self.end_session = False
        return self

    def directive(self, directive: Directive) -> Reply:
        self.directives.append(directive)
        return self

    def with_card(self, card: Card) -> Reply:
        self.card = card
        return self

    def show(self, screen: Directive) -> Reply:
        """What a screen shows beside this reply (skill/alexa/screen.py); voice-only devices never receive it."""
        self.screen = screen
        return self

    def end(self) -> Reply:
        self.end_session = True
        self.reprompt = None
        return self

    def build(self, handler_input: HandlerInput) -> Response:
        builder = handler_input.response_builder
        if self.parts:
            builder.speak(to_ssml(self.parts))
        if self.reprompt:
            builder.ask(to_ssml(self.reprompt))
        for directive in self.directives:
            builder.add_directive(directive)
        if self.screen is not None and may_show(handler_input, self.directives):
            builder.add_directive(self.screen)
        if self.card is not None:
            builder.set_card(self.card)
        builder.set_should_end_session(self.end_session)
        return builder.response
