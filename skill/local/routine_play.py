"""Plays a caregiver's routine file (`talk --routine`): checks up front what it needs, says its name, runs each step
to its end with time to get ready between them, and ends with a status a script can read.

Nobody may be watching a routine, so it never stops quietly. Heat asks its safety questions every session, and a
routine that reached them unattended used to skip the heat and exit 0. So those questions are asked before
anything plays: in a rehearsal of each heat step, on a private copy of the user's progress, by the real skill
(whatever it would ask, a cool-down or a session still running included). The answers are kept in memory, never
stored, and given again when the skill asks the same question during the routine. No answer (input ended, as
under cron) means the routine does not start. Once started, the first step that does not finish ends it.
"""

from __future__ import annotations

import json
import queue
import tempfile
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from skill.alexa.app import create_skill
from skill.alexa.envelopes import AlexaSession
from skill.core.state import Question
from skill.local.alarm import LocalAlarm
from skill.local.no_cloud import NoCloudApiClient
from skill.local.progress_store import private_copy, read_profile
from skill.local.routine_file import CaregiverRoutine, RoutineStep
from skill.local.talk import STOP_INTENTS, Exchange, LocalConversation, Runner

HEAT_INTENT = "HeatTimerIntent"
STRETCH_INTENT = "StartStretchIntent"
# What the skill asks before a heat session can start (skill.alexa.handlers.heat).
HEAT_QUESTIONS = frozenset(question.value for question in (
    Question.HEAT_SCREEN, Question.HEAT_CLEARANCE, Question.HEAT_CHECK, Question.HEAT_DURATION,
    Question.HEAT_TIMER_PERMISSION))
WARNING_TIERS = ("emergency", "urgent")  # answers that end a routine: call for help now, or get advice today
PAUSED_WAIT_SECONDS = 60 * 60  # a routine paused by the user waits this long for "resume"
QUOTED_CHARACTERS = 160  # of what the skill said, in a one-line message


class Ending(IntEnum):
    """How a routine ended: the exit status of `talk --routine` (2 is a file that cannot be used, before this)."""

    DONE = 0  # every step ran to its end (the heat to its chime)
    NOT_STARTED = 3  # something a step needs was missing (an unanswered safety question, a cool-down): nothing ran
    STOPPED = 4  # a step did not finish: stopped when asked, a question left unanswered, the skill stopped it
    WARNING_SIGN = 5  # a warning sign was reported and answered (an emergency among them)


@dataclass(frozen=True)
class RoutineResult:
    ending: Ending
    message: str | None = None  # one line for stderr: the step, its line, what happened


class RoutinePlayer:
    def __init__(self, runner: Runner, store: AbstractPersistenceAdapter, routine: CaregiverRoutine,
                 source: Path | str):
        self.runner = runner
        self.store = store  # the runner skill's own store: progress is read from it (a routine finished)
        self.routine = routine
        self.source = source
        self.held: dict[str, str] = {}  # the skill's question (its session attribute, as JSON) -> the answer given

    def play(self) -> RoutineResult:
        early = self.screen_up_front()
        if early:
            return early
        runner, steps = self.runner, self.routine.steps
        runner.answered_already = lambda exchange: exchange.asks and _question_key(exchange) in self.held
        runner.announce(runner.content.say("routine_file.begin" if len(steps) > 1 else "routine_file.begin_one",
                                           routine=self.routine.title, count=len(steps), name=steps[0].text))
        for index, step in enumerate(steps):
            runner.status.routine_file = (self.routine.title, index + 1, len(steps))
            result = self._get_ready(index) if index else None
            result = result or self._run(index, step)
            if result:
                return result
        runner.announce(runner.content.say("routine_file.done", routine=self.routine.title))
        return RoutineResult(Ending.DONE)

    # --- before anything plays -------------------------------------------------------------------------------

    def screen_up_front(self) -> RoutineResult | None:
        """Each heat step's questions, asked now; None when every heat step would start."""
        heat_steps = [(index, step) for index, step in enumerate(self.routine.steps) if step.intent == HEAT_INTENT]
        if not heat_steps:
            return None
        session = self.runner.conversation.session
        with tempfile.TemporaryDirectory(prefix="spine-coach-rehearsal-") as folder:
            rehearsal_store = private_copy(self.store, session.user_id, Path(folder))
            for index, step in heat_steps:
                alarm = LocalAlarm(self.runner.clock)
                skill = create_skill(persistence=rehearsal_store, alarm=alarm, api_client=NoCloudApiClient(),
                                     offline=True)
                rehearsal = LocalConversation(skill, AlexaSession(user_id=session.user_id, locale=session.locale),
                                              clock=self.runner.clock)
                result = self._rehearse(index, step, rehearsal, alarm)
                if result:
                    return result
        return None

    def _rehearse(self, index: int, step: RoutineStep, rehearsal: LocalConversation,
                  alarm: LocalAlarm) -> RoutineResult | None:
        exchange = rehearsal.hear(step.utterance)
        while _asks_about_heat(exchange):
            self.runner.show(exchange)
            answer = self._answer()
            if answer is None:
                return RoutineResult(Ending.NOT_STARTED, self._where(index, step) + (
                    ": the heat needs its safety questions answered before the routine starts, and no answer came "
                    "(the input ended). Run the routine from a terminal, where they are asked first. The routine "
                    "was not started."))
            self.held[_question_key(exchange)] = answer
            exchange = rehearsal.hear(answer)
        if alarm.next_due() is not None:
            return None  # the heat would start: the answers are kept for the real run
        self.runner.show(exchange)  # what the skill says instead: why not, or the answer to a warning sign
        if exchange.record["triage"] in (*WARNING_TIERS, "soon"):
            return RoutineResult(Ending.WARNING_SIGN, self._where(index, step) + (
                ": a warning sign was reported before the routine started; follow Spine Coach's advice above. The "
                "routine was not started."))
        return RoutineResult(Ending.NOT_STARTED, self._where(index, step) + (
            f": the heat would not start ({_quoted(exchange)}). The routine was not started."))

    def _answer(self) -> str | None:
        """The next line typed, waiting as long as it takes; None at the end of input (or with no input)."""
        lines = self.runner.lines
        while lines is not None:
            self.runner.ready_for_input()
            try:
                text = lines.next(timeout=None)
            except queue.Empty:
                return None
            self.runner.stop.clear()
            if text is None or text.strip():
                return text.strip() if text else None
        return None

    # --- the steps -------------------------------------------------------------------------------------------

    def _get_ready(self, index: int) -> RoutineResult | None:
        """Say what comes next and give the time to get ready for it; a line typed meanwhile is answered."""
        runner, step = self.runner, self.routine.steps[index]
        seconds = self.routine.wait_before(index)
        cut = runner.announce(_next_step(runner, step.text, seconds))
        runner.status.waiting("next step in", seconds)
        if cut or runner.clock.wait(seconds, runner.stop):
            typed = runner.typed_line(wait=0)
            if typed is not None:
                return self._ended(index, step, runner.handle(typed))
        return None

    def _run(self, index: int, step: RoutineStep) -> RoutineResult | None:
        runner = self.runner
        user = runner.conversation.session.user_id
        completed_before = read_profile(self.store, user).completed if step.intent == STRETCH_INTENT else None
        rung_before = runner.alarms_rung
        first = exchange = runner.handle(step.utterance)
        while True:
            ended = self._ended(index, step, exchange)
            if ended:
                return ended
            answer = self._reply_to(exchange)
            if answer is None:
                break
            exchange = runner.handle(answer)
        while step.intent == HEAT_INTENT and runner.alarm.next_due() is not None:
            runner.wait_for_alarms()
            typed = runner.typed_line(wait=0)  # a line typed during the countdown ("how long is left", "cancel")
            if typed is not None:
                exchange = runner.handle(typed)
                ended = self._ended(index, step, exchange)
                if ended:
                    return ended
        if step.intent == STRETCH_INTENT:
            finished = read_profile(self.store, user).completed != completed_before
        elif step.intent == HEAT_INTENT:
            finished = runner.alarms_rung > rung_before
        else:
            finished = first.record["intent"] == step.intent
        if finished:
            return None
        reason = (f"a question was left unanswered ({_quoted(exchange)})" if exchange.asks
                  else f"Spine Coach said: {_quoted(exchange)}")
        return RoutineResult(Ending.STOPPED, f"{self._where(index, step)}: this step did not finish; {reason}. "
                                             "The routine stopped here.")

    def _reply_to(self, exchange: Exchange) -> str | None:
        """What to say next within a step: a line typed during the reply, an answer given up front, or one typed
        within a rest (a paused routine waits longer for "resume"); None to move on."""
        runner = self.runner
        if runner.stop.is_set():
            typed = runner.typed_line(wait=0)
            if typed is not None:
                return typed
        if exchange.asks and _question_key(exchange) in self.held:
            return self.held[_question_key(exchange)]
        routine = exchange.attributes.get("routine") or {}
        if routine.get("status") == "paused":
            return runner.typed_line(wait=PAUSED_WAIT_SECONDS)
        if exchange.asks:
            return runner.typed_line(wait=runner.rest_seconds)
        return None

    def _ended(self, index: int, step: RoutineStep, exchange: Exchange) -> RoutineResult | None:
        """The routine's end, when `exchange` ended it: a warning sign, or a stop."""
        if exchange.record["triage"] in WARNING_TIERS:
            return RoutineResult(Ending.WARNING_SIGN, f"{self._where(index, step)}: the routine stopped for a "
                                                      "warning sign; follow Spine Coach's advice above.")
        if exchange.record["intent"] in STOP_INTENTS:
            return RoutineResult(Ending.STOPPED, f"{self._where(index, step)}: the routine was stopped when asked.")
        return None

    def _where(self, index: int, step: RoutineStep) -> str:
        return f"{self.source}, line {step.line}, step {index + 1} of {len(self.routine.steps)} ('{step.text}')"


def _next_step(runner: Runner, name: str, seconds: float) -> str:
    if seconds < 10:
        return runner.content.say("routine_file.next", name=name)
    if seconds < 120 and seconds != 60:
        return runner.content.say("routine_file.next_in_seconds", name=name, seconds=round(seconds))
    minutes = int(seconds / 60 + 0.5)
    if minutes == 1:
        return runner.content.say("routine_file.next_in_a_minute", name=name)
    return runner.content.say("routine_file.next_in_minutes", name=name, minutes=minutes)


def _asks_about_heat(exchange: Exchange) -> bool:
    question = exchange.attributes.get("question") or {}
    return not exchange.record["end_session"] and question.get("id") in HEAT_QUESTIONS


def _question_key(exchange: Exchange) -> str:
    return json.dumps(exchange.attributes.get("question"), sort_keys=True)


def _quoted(exchange: Exchange) -> str:
    said: Any = exchange.record["speech"] or ""
    said = " ".join(said.split())
    return f'"{said if len(said) <= QUOTED_CHARACTERS else said[:QUOTED_CHARACTERS - 3] + "..."}"'
