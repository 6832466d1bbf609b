"""The handler chain. ask-sdk picks the first handler whose can_handle is true, so this order is the priority:
skill events (which carry no words) first, then red flags before anything else, the catch-all last."""

from __future__ import annotations

import random
from typing import Mapping, TypeVar

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from skill.alexa.handlers.base import Answer
from skill.alexa.handlers.consent import ConsentResponseHandler, Continuation
from skill.alexa.handlers.heat import StartHeatHandler, heat_answers, heat_permission_answers
from skill.alexa.handlers.heat_running import CancelHeatHandler, HeatStatusHandler, PauseHeatHandler, ResumeHeatHandler
from skill.alexa.handlers.learn import InfoTopicHandler, TipHandler, WarningSignsHandler, learn_answers
from skill.alexa.handlers.privacy import SkillDisabledHandler, SkillEventHandler
from skill.alexa.handlers.reminders import (CancelReminderHandler, ReminderStatusHandler, SetReminderHandler,
                                      reminder_answers, reminder_permission_answers)
from skill.alexa.handlers.session import (AnswerHandler, HelpHandler, LaunchHandler, RepeatHandler, SessionEndedHandler,
                                    StopHandler)
from skill.alexa.handlers.stretch import RoutineControlHandler, StartStretchHandler, stretch_answers
from skill.alexa.safety.answers import (ClarifyAnswerHandler, FallbackHandler, SymptomReportHandler, TriageHandler,
                                        safety_answers)
from skill.core.alarm import HeatAlarm
from skill.core.state import Question

T = TypeVar("T")


def yes_no_answers(alarm: HeatAlarm, rng: random.Random) -> dict[Question, Answer]:
    """Question -> what a yes or a no to it does."""
    return one_answer_each(safety_answers(alarm), stretch_answers(alarm), heat_answers(alarm), learn_answers(rng),
                           reminder_answers())


def permission_answers(alarm: HeatAlarm) -> dict[Question, Continuation]:
    """Permission Question (the AskFor token) -> what to do with Alexa's answer (handlers/consent.py)."""
    return one_answer_each(heat_permission_answers(alarm), reminder_permission_answers())


def one_answer_each(*registries: Mapping[Question, T]) -> dict[Question, T]:
    """The modules' registries as one; a question two modules answer would silently lose one answer, so it raises."""
    merged: dict[Question, T] = {}
    for registry in registries:
        twice = merged.keys() & registry.keys()
        if twice:
            raise ValueError(f"answered twice: {sorted(twice)}")
        merged.update(registry)
    return merged


def request_handlers(alarm: HeatAlarm, rng: random.Random) -> tuple[AbstractRequestHandler, ...]:
    after_triage = (
        SessionEndedHandler(),
        ConsentResponseHandler(permission_answers(alarm)),
        AnswerHandler(yes_no_answers(alarm, rng)),
        ClarifyAnswerHandler(alarm),  # a warning sign's question answered in words, or asked again
        StopHandler(),
        StartStretchHandler(),
        PauseHeatHandler(alarm),  # before the routine's: a plain "pause" pauses the heat when no routine runs
        ResumeHeatHandler(alarm),
        RoutineControlHandler(),
        StartHeatHandler(alarm),
        HeatStatusHandler(alarm),
        CancelHeatHandler(alarm),
        SetReminderHandler(),
        CancelReminderHandler(),
        ReminderStatusHandler(),
        TipHandler(rng),
        WarningSignsHandler(),
        SymptomReportHandler(),
        InfoTopicHandler(),
        LaunchHandler(),
        HelpHandler(),
        RepeatHandler(),
        FallbackHandler(),
    )
    # A red flag is answered before anything else; the triage handler also sees the rest of the chain, for a
    # "soon" finding that another intent's handler answers first (skill.alexa.safety.answers).
    return (SkillDisabledHandler(), SkillEventHandler(), TriageHandler(alarm, after_triage), *after_triage)
