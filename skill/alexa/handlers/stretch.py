"""Guided stretch sessions: start, lead one segment per turn, react to the pain check-in, finish."""

from __future__ import annotations

from skill.core import flow
from skill.alexa.handlers.base import Answer, TurnHandler, slot_id
from skill.alexa.safety.answers import ask_clarifying, answer_tier, no_red_flag, not_caught, stop_routine
from skill.core.routines import Routine, load_routines
from skill.alexa.screen import stretch_step_screen
from skill.core.state import Question, RoutineState
from skill.core.alarm import HeatAlarm
from skill.alexa.turn import Reply, Turn

DEFAULT_ROUTINE = "lower_back"

ROUTINE_TRIGGERS = {
    "AMAZON.NextIntent": "next",
    "AMAZON.PreviousIntent": "previous",
    "AMAZON.RepeatIntent": "repeat",
    "AMAZON.PauseIntent": "pause",
    "AMAZON.ResumeIntent": "resume",
    "AMAZON.StartOverIntent": "start_over",
    "SkipStretchIntent": "skip",
}
# PainCheckIntent's `feeling` ids. Pain that spreads stops the routine (clinical-facts 3A centralisation rule);
# new numbness or weakness stops it and goes to triage.
PAIN_TRIGGERS = {"fine": "fine", "easing": "fine", "hurts": "hurt", "spreading": "spreading", "numb_or_weak": "numb"}


class StartStretchHandler(TurnHandler):
    intents = ("StartStretchIntent",)

    def act(self, turn: Turn) -> Reply:
        routines = load_routines(turn.content.locale)
        area = slot_id(turn, "area")
        chosen = next((r for r in routines.values() if r.area == area), None)
        routine = chosen or routines.get(turn.profile.last_routine) or routines[DEFAULT_ROUTINE]
        return begin(turn, routine, step=0, hands_free=slot_id(turn, "mode") == "hands_free")


class RoutineControlHandler(TurnHandler):
    """Next, previous, repeat, pause, resume, start over, skip and the pain check-in, through flow.TRANSITIONS."""

    def accepts(self, turn: Turn) -> bool:
        if turn.intent == "PainCheckIntent":
            return True
        # Repeat with no routine replays the last answer (RepeatHandler).
        return turn.intent in ROUTINE_TRIGGERS and (turn.conversation.routine is not None
                                                    or turn.intent != "AMAZON.RepeatIntent")

    def act(self, turn: Turn) -> Reply:
        trigger = (PAIN_TRIGGERS.get(slot_id(turn, "feeling") or "") if turn.intent == "PainCheckIntent"
                   else ROUTINE_TRIGGERS[turn.intent])
        if trigger == "numb":
            stop_routine(turn)
            return ask_clarifying(turn, turn.content.say("stretch.numbness_question"), "emergency")
        active = _active(turn)
        if active is None:
            if turn.intent == "PainCheckIntent" and trigger != "fine":
                return no_red_flag(turn)  # pain with no routine running is a symptom report, not a dead end
            return self._without_routine(turn)
        if trigger is None:
            return not_caught(turn, "stretch.check_in_unclear")
        return take(turn, *active, trigger)

    def _without_routine(self, turn: Turn) -> Reply:
        turn.update(routine=None)
        unfinished = turn.profile.unfinished
        if turn.intent in ("AMAZON.ResumeIntent", "AMAZON.StartOverIntent") and unfinished:
            routine = _routine(turn, unfinished["routine"])
            if routine:
                step = unfinished["step"] if turn.intent == "AMAZON.ResumeIntent" else 0
                return begin(turn, routine, step=min(step, len(routine.steps) - 1))
        return turn.reply().say("flow.no_routine").ask("menu.reprompt")


def begin(turn: Turn, routine: Routine, step: int, hands_free: bool = False) -> Reply:
    """Start `routine` at `step`; the first session of the day is preceded by a red-flag screening question.

    Hands-free, nobody may be there to answer, so the screening is said as an instruction to speak up instead,
    and the runner's rest before the first stretch is the moment to do it."""
    turn.profile.last_routine = routine.id
    if turn.profile.screened_on != turn.today.isoformat():
        if hands_free:
            turn.profile.screened_on = turn.today.isoformat()
            turn.update(routine=RoutineState(routine.id, step, 0, "ready", hands_free=True))
            return turn.reply().say("stretch.screen_hands_free").say("stretch.warm_up").ask("stretch.ready_reprompt")
        turn.update(routine=None)
        turn.expect_answer(Question.STRETCH_SCREEN, {"routine": routine.id, "step": step})
        return turn.reply().say("stretch.screen_question").ask("stretch.screen_reprompt")
    return lead(turn, routine, RoutineState(routine.id, step, 0, "running", hands_free))


def take(turn: Turn, state: RoutineState, routine: Routine, trigger: str) -> Reply:
    """Fire `trigger` on the running routine, or say why it makes no sense now."""
    move = flow.advance(state, trigger, routine.steps)
    if move is None:
        return turn.reply().say(f"flow.not_now.{state.status}").ask(f"flow.not_now.{state.status}")
    return apply_move(turn, routine, move)


def apply_move(turn: Turn, routine: Routine, move: flow.Move) -> Reply:
    if move.effect == "lead":
        return lead(turn, routine, move.state, move.note)
    if move.effect == "finished":
        return finish(turn, routine)
    if move.effect == "spreading":
        stop_routine(turn)
        return turn.reply().say("stretch.spreading").ask("menu.reprompt")
    turn.update(routine=move.state)
    if move.effect == "paused":
        return turn.reply().say("stretch.paused").ask("stretch.paused_reprompt")
    turn.expect_answer(Question.SKIP_OFFER)
    return turn.reply().say("stretch.hurt").ask("stretch.hurt_reprompt")


def lead(turn: Turn, routine: Routine, state: RoutineState, note: str | None = None) -> Reply:
    """One segment of one step: set-up cues and caution, timed holds, a bell, then the pain check-in."""
    turn.update(routine=state)
    turn.profile.unfinished = {"routine": routine.id, "step": state.step}
    step = routine.steps[state.step]
    segment = flow.plan_segments(step)[state.segment]
    reply = turn.reply()
    if turn.shows_screens:
        reply.show(stretch_step_screen(turn.content, routine, state.step, segment.side))
    if note:
        reply.say(f"stretch.{note}")
    if state.step == 0 and state.segment == 0:
        reply.say_text(routine.intro)
    if segment.first_rep == 0:
        if state.segment == 0:
            reply.say("stretch.step_header", number=state.step + 1, total=len(routine.steps), name=step.name)
        else:
            reply.say("stretch.other_side", side=segment.side)
        for cue in step.cues_for(segment.side):
            reply.say_text(cue)
        if state.segment == 0:
            reply.say_text(step.caution)
    else:
        reply.say("stretch.more_reps", count=segment.reps)
    for rep in range(segment.reps):
        if step.rep_cue:
            reply.say_text(step.rep_cue)
        elif rep:
            reply.say("stretch.again")
        if rep == 0 and step.hold_seconds >= 5:
            reply.say("stretch.hold", seconds=step.hold_seconds)
        reply.pause(step.hold_seconds)
        if step.release_cue:
            reply.say_text(step.release_cue)
        else:
            reply.say("stretch.release")
        if rep < segment.reps - 1:
            reply.pause(step.rest_seconds)
    if state.hands_free:
        return reply.sound("bell").say("stretch.check_in_hands_free").ask("stretch.check_in_reprompt")
    return reply.sound("bell").say("stretch.check_in").ask("stretch.check_in_reprompt")


def finish(turn: Turn, routine: Routine) -> Reply:
    turn.update(routine=None)
    turn.profile.record_completed(turn.today)
    count = turn.profile.sessions_in_week_to(turn.today)
    reply = turn.reply().sound("chime").say("stretch.finished", routine=routine.name)
    return reply.say("stretch.week_count_one" if count == 1 else "stretch.week_count", count=count).end()


def _routine(turn: Turn, routine_id: str) -> Routine | None:
    return load_routines(turn.content.locale).get(routine_id)


def _active(turn: Turn) -> tuple[RoutineState, Routine] | None:
    """The running routine, if the session has one that still fits the current content."""
    state = turn.conversation.routine
    routine = _routine(turn, state.routine) if state else None
    if routine is None or not flow.is_valid_position(state, routine.steps):
        return None
    return state, routine


def stretch_answers(alarm: HeatAlarm) -> dict[Question, Answer]:
    def screening(turn: Turn, yes: bool) -> Reply:
        if yes:
            return answer_tier(turn, "emergency", alarm)
        arg = turn.asked.arg if isinstance(turn.asked.arg, dict) else {}
        routine = _routine(turn, str(arg.get("routine"))) or _routine(turn, DEFAULT_ROUTINE)
        step = arg.get("step") if isinstance(arg.get("step"), int) else 0
        turn.profile.screened_on = turn.today.isoformat()
        turn.update(routine=RoutineState(routine.id, min(step, len(routine.steps) - 1), 0, "ready"))
        turn.expect_answer(Question.READY_TO_BEGIN)
        return turn.reply().say("stretch.screen_clear").say("stretch.warm_up").ask("stretch.ready_reprompt")

    def resume(turn: Turn, yes: bool) -> Reply:
        unfinished = turn.profile.unfinished
        routine = _routine(turn, unfinished["routine"]) if unfinished else None
        if yes and routine:
            return begin(turn, routine, step=min(unfinished["step"], len(routine.steps) - 1))
        turn.profile.unfinished = None
        return turn.reply().say("launch.menu").ask("menu.reprompt")

    return {Question.STRETCH_SCREEN: screening, Question.RESUME_OFFER: resume,
            Question.READY_TO_BEGIN: _yes_triggers("next", "stretch.not_ready", "stretch.ready_reprompt"),
            Question.SKIP_OFFER: _yes_triggers("skip", "stretch.skip_declined", "stretch.hurt_reprompt")}


def _yes_triggers(trigger: str, declined: str, declined_reprompt: str) -> Answer:
    """An answer where yes fires a routine trigger and no leaves the routine where it is."""
    def answer(turn: Turn, yes: bool) -> Reply:
        active = _active(turn)
        if active is None:
            return turn.reply().say("flow.no_routine").ask("menu.reprompt")
        if yes:
            return take(turn, *active, trigger)
        return turn.reply().say(declined).ask(declined_reprompt)

    return answer
