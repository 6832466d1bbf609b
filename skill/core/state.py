"""Conversation state carried in Alexa session attributes: versioned JSON primitives only.

Alexa hands back whatever the last response put in `sessionAttributes`, so anything stored here must survive
a JSON round trip (the howto sample's stored SDK objects broke Repeat on the next turn). Unknown versions and
damaged values are read as a fresh conversation rather than raising.
"""

from __future__ import annotations

import math
from collections.abc import Mapping  # for isinstance: typing.Mapping answers the same, several times slower
from dataclasses import dataclass, fields, is_dataclass, replace
from enum import StrEnum
from typing import Any

STATE_VERSION = 1

# Routine statuses: `ready` (warm-up said, no stretch yet), `running` (a stretch was led and the pain check-in
# asked), `paused`, `hurt` (a stretch hurt; skipping it was offered).
ROUTINE_STATUSES = ("ready", "running", "paused", "hurt")


@dataclass(frozen=True)
class RoutineState:
    routine: str
    step: int = 0
    segment: int = 0  # which side / block of reps within the step (see flow.plan_segments)
    status: str = "ready"
    hands_free: bool = False  # the offline runner moves on by itself after each stretch
    # Where a pause left the segment, so "resume" carries on from there: the reps of the segment done before the
    # last lead (running) or before the pause (paused), when that lead was (request time), and how many seconds
    # into it each of its reps ended (skill.core.flow.reps_reached).
    rep: int = 0
    led_at: float | None = None
    rep_ends: tuple[int, ...] = ()
    # Hands-free: how long the runner waits before it carries on (the warm-up's minutes); 0 leaves it its own rest.
    transition_seconds: int = 0

    @classmethod
    def from_dict(cls, raw: Any) -> RoutineState | None:
        if not isinstance(raw, Mapping) or not isinstance(raw.get("routine"), str):
            return None
        step, segment, status = raw.get("step", 0), raw.get("segment", 0), raw.get("status", "ready")
        if not (_natural(step) and _natural(segment) and status in ROUTINE_STATUSES):
            return None
        rep, led_at, rep_ends = raw.get("rep", 0), raw.get("led_at"), raw.get("rep_ends", [])
        transition = raw.get("transition_seconds", 0)
        return cls(raw["routine"], step, segment, status, raw.get("hands_free") is True,
                   rep=rep if _natural(rep) else 0,
                   led_at=float(led_at) if _number(led_at) else None,
                   rep_ends=tuple(rep_ends) if isinstance(rep_ends, list) and all(map(_natural, rep_ends)) else (),
                   transition_seconds=transition if _natural(transition) else 0)


class Question(StrEnum):
    """Every question the skill asks and then waits on. The value is what session attributes store (and, for a
    permission, the AskFor token): changing one drops the conversations saved while it was open."""

    # Answered by yes or no (skill.alexa.handlers' answer registry).
    STRETCH_SCREEN = "stretch_screen"  # the day's red-flag screening before a routine
    READY_TO_BEGIN = "ready_to_begin"  # warm-up said: start the first stretch?
    SKIP_OFFER = "skip_offer"  # a stretch hurt: skip it?
    RESUME_OFFER = "resume_offer"  # launch: carry on the unfinished routine?
    ANOTHER_TIP = "another_tip"
    MORE_SIGNS = "more_signs"  # the next tier of warning signs
    CLARIFY = "clarify"  # triage's one clarifying question
    HEAT_DURATION = "heat_duration"
    HEAT_SCREEN = "heat_screen"  # one of the four heat screening questions
    HEAT_CLEARANCE = "heat_clearance"  # has a professional cleared heat despite that yes?
    HEAT_CHECK = "heat_check"  # a later session's one combined screening question
    REMINDER_OFFER = "reminder_offer"  # the reminder's plan: the user's consent to it
    REMINDER_TIME = "reminder_time"
    # Answered by Alexa's permission dialog (a Connections.Response carrying the same token).
    HEAT_TIMER_PERMISSION = "heat_timer"
    REMINDER_PERMISSION = "stretch_reminder"


@dataclass(frozen=True)
class OpenQuestion:
    """The question the last response asked and what it waits with, so the answer knows what it answers."""

    id: Question
    arg: Any = None  # JSON primitive or dict of primitives, e.g. the heat minutes waiting on a screening

    def __post_init__(self) -> None:
        if not isinstance(self.id, Question):  # a bare string would be a question nothing answers
            raise TypeError(f"not a Question: {self.id!r}")

    @classmethod
    def from_dict(cls, raw: Any) -> OpenQuestion | None:
        """None when damaged or no longer asked (a question a later version dropped)."""
        stored = raw.get("id") if isinstance(raw, Mapping) else None
        if not isinstance(stored, str):
            return None
        try:
            return cls(Question(stored), raw.get("arg"))  # the enum's own lookup by value
        except ValueError:
            return None


@dataclass(frozen=True)
class Conversation:
    routine: RoutineState | None = None
    question: OpenQuestion | None = None
    last_speech: str | None = None  # SSML of the last response, as a string, for Repeat
    last_reprompt: str | None = None
    hands_free: bool = False  # a hands-free routine ran in this session: nobody may be there to answer a question
    told_stop: bool = False  # "Alexa, stop" works during holds: said once per session on an Echo

    @classmethod
    def from_attributes(cls, attributes: Mapping[str, Any] | None) -> Conversation:
        if not isinstance(attributes, Mapping) or attributes.get("v") != STATE_VERSION:
            return cls()
        return cls(
            routine=RoutineState.from_dict(attributes.get("routine")),
            question=OpenQuestion.from_dict(attributes.get("question")),
            last_speech=_text(attributes.get("last_speech")),
            last_reprompt=_text(attributes.get("last_reprompt")),
            hands_free=attributes.get("hands_free") is True,
            told_stop=attributes.get("told_stop") is True,
        )

    def to_attributes(self) -> dict[str, Any]:
        attributes: dict[str, Any] = {"v": STATE_VERSION}
        for name, value in json_ready(self).items():
            if value not in (None, False):
                attributes[name] = value
        if self.question is not None:
            attributes["question"]["id"] = self.question.id.value  # a plain string, as Alexa hands it back
        return attributes

    def asking(self, question: Question, arg: Any = None) -> Conversation:
        return replace(self, question=OpenQuestion(question, arg))


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # dataclass -> its field names; () for any other type


def json_ready(value: Any) -> Any:
    """`dataclasses.asdict` for stored state, which holds JSON primitives only: dataclasses become dicts, lists
    and dicts are copied, everything else is immutable already. asdict deep-copies every value on the way
    (about 25 µs for a profile and a conversation, each turn); this is a few µs."""
    kind = type(value)
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(kind)) if is_dataclass(kind) else ()
    if names:
        return {name: json_ready(getattr(value, name)) for name in names}
    if kind is list or kind is tuple:
        return [json_ready(item) for item in value]
    if kind is dict:
        return {key: json_ready(item) for key, item in value.items()}
    return value


def _natural(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 1000


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None

