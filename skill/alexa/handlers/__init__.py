"""The handler chain. ask-sdk picks the first handler whose can_handle is true, so this order is the priority:
skill events (which carry no words) first, then red flags before anything else, the catch-all last."""

from __future__ import annotations

import random

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from skill.alexa.handlers.consent import ConsentResponseHandler
from skill.alexa.handlers.heat import StartHeatHandler, heat_answers, heat_permission_answers
from skill.alexa.handlers.heat_running import CancelHeatHandler, HeatStatusHandler, PauseHeatHandler, ResumeHeatHandler
from skill.alexa.handlers.learn import InfoTopicHandler, TipHandler, WarningSignsHandler, learn_answers
from skill.alexa.handlers.privacy import SkillDisabledHandler, SkillEventHandler
from skill.alexa.handlers.reminders import (CancelReminderHandler, ReminderStatusHandler, SetReminderHandler,
                                      reminder_answers, reminder_permission_answers)
from skill.alexa.handlers.session import (AnswerHandler, HelpHandler, LaunchHandler, RepeatHandler, SessionEndedHandler,
                                    StopHandler)
from skill.alexa.handlers.stretch import RoutineControlHandler, StartStretchHandler, stretch_answers
from skill.alexa.safety.answers import FallbackHandler, SymptomReportHandler, TriageHandler, safety_answers
from skill.core.alarm import HeatAlarm


def request_handlers(alarm: HeatAlarm, rng: random.Random) -> tuple[AbstractRequestHandler, ...]:
    answers = {**safety_answers(alarm), **stretch_answers(alarm), **heat_answers(alarm), **learn_answers(rng),
               **reminder_answers()}
    # purpose -> what to do with Alexa's answer to an AskFor (handlers/consent.py)
    permission_answers = {**heat_permission_answers(alarm), **reminder_permission_answers()}
    after_triage = (
        SessionEndedHandler(),
        ConsentResponseHandler(permission_answers),
        AnswerHandler(answers),
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
