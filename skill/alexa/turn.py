"""One request's working set, and the reply being built for it.

Interceptors prepare a `Turn` (content, conversation, profile, triage finding, time); handlers read and change
it and build a `Reply`; response interceptors save what changed. Handlers never touch session attributes or
the persistence adapter directly, so a handler that raises leaves the stored state exactly as it was.
"""

from __future__ import annotations

import functools
import re
import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, get_request_type
from ask_sdk_model import Directive, Response
from ask_sdk_model.ui import Card

from skill.alexa import consent
from skill.core.content import DEFAULT_LOCALE, Content
from skill.stores.sqlite import REVISION
from skill.core.profile import Profile
from skill.alexa.screen import may_show, supports_apl
from skill.core.speech import Part, Pause, Say, Sound, to_ssml
from skill.core.state import Conversation, Question
from skill.core.alarm import AlarmContext

TURN = "turn"  # request attribute holding the Turn
URGENT_TIERS = ("emergency", "urgent")
_LOCALE = re.compile(r"^[a-z]{2}-[A-Z]{2}$")


class Turn:
    def __init__(self, handler_input: HandlerInput, content: Content):
        self.handler_input = handler_input
        self.content = content
        envelope = handler_input.request_envelope
        # Skill events (the user disabled the skill, say) arrive outside any conversation, with no session.
        loaded = Conversation.from_attributes(
            handler_input.attributes_manager.session_attributes if envelope.session else None)
        self.asked: Question | None = loaded.question  # what the previous response asked, if anything
        # A question lasts one turn unless asked again.
        self.conversation = loaded if loaded.question is None else replace(loaded, question=None)
        self.finding = None  # the triage finding for this request's words (set by TriageInterceptor)
        self.triage: str | None = None  # the tier this response reached
        self.now = _request_time(envelope.request)
        self.today: date = datetime.fromtimestamp(self.now, timezone.utc).date()
        self.request_type = get_request_type(handler_input)
        self.intent = get_intent_name(handler_input) if self.request_type == "IntentRequest" else None
        self.new_session = bool(envelope.session and envelope.session.new)
        self._profile: Profile | None = None
        self._stored_profile: dict[str, Any] | None = None
        self._read_revision = 0

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
        if self._profile is None:
            stored = dict(self.handler_input.attributes_manager.persistent_attributes)
            self._read_revision = stored.pop(REVISION, 0)
            self._stored_profile = stored
            self._profile = Profile.from_attributes(stored)
        return self._profile

    def profile_changes(self) -> dict[str, Any] | None:
        """The profile to save, or None when it was never read or did not change. It carries the revision it was
        read at, so the store refuses it if another request saved in between (the turn then runs again)."""
        if self._profile is None:
            return None
        current = self._profile.to_attributes()
        return None if current == self._stored_profile else {**current, REVISION: self._read_revision}

    def expect_answer(self, question_id: str, arg: Any = None) -> None:
        self.conversation = self.conversation.asking(question_id, arg)

    def update(self, **changes: Any) -> None:
        self.conversation = replace(self.conversation, **changes)

    def alarm_context(self) -> AlarmContext:
        """For the heat alarm: who and when, the device timer's label and announcement in the user's language,
        whether the timers permission shows as granted, and the request's service clients (Timers API)."""
        envelope = self.handler_input.request_envelope
        system = envelope.context.system
        return AlarmContext(user_id=system.user.user_id, locale=self.content.locale, now=self.now,
                            request_locale=self.device_locale,
                            label=self.content.say("heat.timer_label"),
                            announcement=self.content.say("heat.time_up"),
                            permitted=consent.granted(envelope, consent.TIMERS),
                            services=self.handler_input.service_client_factory)

    @property
    def device_locale(self) -> str:
        """The device's locale (e.g. en-GB) for text Alexa speaks later, a timer's announcement or a reminder:
        the request's when it is a well-formed locale, else the default."""
        locale = getattr(self.handler_input.request_envelope.request, "locale", None)
        return locale if isinstance(locale, str) and _LOCALE.match(locale) else DEFAULT_LOCALE

    def reply(self) -> Reply:
        return Reply(self.content)

    def respond(self, reply: Reply) -> Response:
        """The response for `reply`, with the disclaimer first on a first-ever one-shot request (not in an
        emergency, where the number comes first; after a safety net, whose first sentence is the number)."""
        if self.triage in URGENT_TIERS:
            reply.screen = None  # a warning sign's answer is for the ears: nothing on screen may compete with it
        if (self.new_session and self.request_type == "IntentRequest" and self.triage not in URGENT_TIERS
                and not self.profile.disclaimer_heard):
            if reply.names_the_number_first:
                reply.say("disclaimer.short")
            else:
                reply.prepend("disclaimer.short")
            self.profile.disclaimer_heard = True
        return reply.build(self.handler_input)


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
