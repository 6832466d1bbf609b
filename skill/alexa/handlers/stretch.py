"""Guided stretch sessions: start, lead one segment per turn, react to the pain check-in, finish."""

from __future__ import annotations

from dataclasses import replace

from skill.core import flow
from skill.alexa.handlers.base import Answer, TurnHandler, slot_id, slot_value
from skill.alexa.safety.answers import ask_clarifying, answer_tier, no_red_flag, not_caught, stop_routine
from skill.core.routines import Routine, Step, load_routines
from skill.alexa.screen import stretch_step_screen
from skill.core.speech import estimated_seconds
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
MID_HOLD_CUE_SECONDS = 30  # a hold this long gets one calm cue halfway, rather than pure silence
SAY_STOP_SECONDS = 3  # hands-free, after "..., say stop now": a moment to say it before the warm-up

# PainCheckIntent's `feeling` ids. Pain that spreads stops the routine (clinical-facts 3A centralisation rule);
# new numbness or weakness stops it and goes to triage.
PAIN_TRIGGERS = {"fine": "fine", "easing": "fine", "hurts": "hurt", "spreading": "spreading", "numb_or_weak": "numb"}
# Outside a routine, "my leg's gone numb" gets the numbness question; a longer account is triage's to judge ("should
# I worry if my legs go numb?" is no new numbness).
SHORT_REPORT_WORDS = 3
# The numbness question's id among the clarifying questions' answers in words (locale/*/clarify_answers.json).
STRETCH_NUMBNESS = "stretch_numbness"


class StartStretchHandler(TurnHandler):
    intents = ("StartStretchIntent",)

    def act(self, turn: Turn) -> Reply:
        routines = load_routines(turn.content.locale)
        area = slot_id(turn, "area")
        chosen = next((r for r in routines.values() if r.area == area), None)
        unfinished = turn.profile.unfinished
        if chosen is not None and unfinished and turn.asked is not None and turn.asked.id == Question.RESUME_OFFER \
                and unfinished["routine"] == chosen.id:
            # "Yes, the back ones" to "...your lower back routine... Shall we carry on?": the offer, named: carry on.
            return begin(turn, chosen, step=min(unfinished["step"], len(chosen.steps) - 1))
        routine = chosen or routines.get(turn.profile.last_routine) or routines[DEFAULT_ROUTINE]
        return begin(turn, routine, step=0, hands_free=slot_id(turn, "mode") == "hands_free")


class RoutineControlHandler(TurnHandler):
    """Next, previous, repeat, pause, resume, start over, skip and the pain check-in, through flow.TRANSITIONS."""

    def accepts(self, turn: Turn) -> bool:
        if turn.intent == "PainCheckIntent":
            return True
        routine = turn.conversation.routine
        if turn.intent in ("AMAZON.YesIntent", "AMAZON.NoIntent") and _warming_up_hands_free(turn):
            return True  # an answer to the safety check said as an instruction ("..., say stop now")
        if turn.intent == "AMAZON.YesIntent":  # "okay" to "How did that feel?", where Alexa was not told it waits;
            # while paused, "go on" or "okay" is the go-ahead to carry on
            return turn.asked is None and routine is not None and routine.status in ("running", "paused")
        # Repeat with no routine replays the last answer (RepeatHandler).
        return turn.intent in ROUTINE_TRIGGERS and (routine is not None or turn.intent != "AMAZON.RepeatIntent")

    def act(self, turn: Turn) -> Reply:
        active = _active(turn)
        if turn.intent in ("AMAZON.YesIntent", "AMAZON.NoIntent") and _warming_up_hands_free(turn):
            if turn.intent == "AMAZON.NoIntent" and active:  # nothing like that: begin, not "didn't catch that"
                return take(turn, *active, "next")
            # A yes may mean one of those signs: ask the screening as a question, whose yes is the emergency answer.
            state = turn.conversation.routine
            turn.update(routine=None)
            turn.expect_answer(Question.STRETCH_SCREEN, {"routine": state.routine, "step": state.step})
            return turn.reply().say("stretch.screen_question").ask("stretch.screen_reprompt")
        trigger = (PAIN_TRIGGERS.get(slot_id(turn, "feeling") or "") if turn.intent == "PainCheckIntent"
                   else self._yes_trigger(turn) if turn.intent == "AMAZON.YesIntent" else ROUTINE_TRIGGERS[turn.intent])
        if active is None and turn.intent == "PainCheckIntent":
            # With no stretch to check in on, how someone feels is a report, answered as SymptomReportIntent is
            # (triage has already screened its words), never with a dead end; new numbness nothing placed still
            # gets the question a stretch would.
            if trigger == "fine":
                return turn.reply().say("menu.what_else").ask("menu.reprompt")
            if trigger == "numb" and turn.finding is None and len((slot_value(turn, "feeling") or "").split()) \
                    <= SHORT_REPORT_WORDS:
                return ask_clarifying(turn, turn.content.say("stretch.numbness_question"), "emergency",
                                      asked_by=STRETCH_NUMBNESS)
            return no_red_flag(turn)
        if trigger == "numb":
            stop_routine(turn)
            return ask_clarifying(turn, turn.content.say("stretch.numbness_question"), "emergency",
                                      asked_by=STRETCH_NUMBNESS)
        if active is None:
            return self._without_routine(turn)
        if trigger is None:
            return not_caught(turn, "stretch.check_in_unclear")
        return take(turn, *active, trigger)

    @staticmethod
    def _yes_trigger(turn: Turn) -> str:
        routine = turn.conversation.routine
        return "resume" if routine is not None and routine.status == "paused" else "fine"

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
    and the runner's wait for the warm-up (`transition_seconds`) is the moment to do it."""
    turn.profile.last_routine = routine.id
    if hands_free:
        turn.update(hands_free=True)
    if turn.profile.screened_on != turn.today.isoformat():
        if hands_free:
            turn.profile.screened_on = turn.today.isoformat()
            turn.update(routine=RoutineState(routine.id, step, 0, "ready", hands_free=True,
                                             transition_seconds=routine.warm_up_seconds))
            reply = warm_up(turn.reply().say("stretch.screen_hands_free").pause(SAY_STOP_SECONDS), routine, step)
            if routine.warm_up_seconds >= 60 and not turn.on_alexa:  # only a runner carries on by itself
                reply.say("stretch.warm_up_wait", minutes=routine.warm_up_seconds // 60)
            return reply.ask("stretch.ready_reprompt")
        turn.update(routine=None)
        turn.expect_answer(Question.STRETCH_SCREEN, {"routine": routine.id, "step": step})
        return turn.reply().say("stretch.screen_question").ask("stretch.screen_reprompt")
    return lead(turn, routine, RoutineState(routine.id, step, 0, "running", hands_free), intro=step == 0)


def warm_up(reply: Reply, routine: Routine, step: int) -> Reply:
    """Before the first stretch of the day: what the routine is (from its start) and the warm-up reminder."""
    if step == 0:
        reply.say_text(routine.intro)
    return reply.say("stretch.warm_up")


def take(turn: Turn, state: RoutineState, routine: Routine, trigger: str) -> Reply:
    """Fire `trigger` on the running routine, or say why it makes no sense now."""
    move = flow.advance(state, trigger, routine.steps, turn.now)
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


def lead(turn: Turn, routine: Routine, state: RoutineState, note: str | None = None, intro: bool = False) -> Reply:
    """One segment of one step: set-up cues and caution, time to get into position, timed holds with the full cue
    once and then counts, a bell, then the pain check-in. A segment resumed after a pause (`state.rep` reps
    already done) picks up at the next rep. Each rep's end is kept in the state, for a pause to count from."""
    turn.profile.unfinished = {"routine": routine.id, "step": state.step}
    step = routine.steps[state.step]
    segment = flow.plan_segments(step)[state.segment]
    first = segment.first_rep + state.rep  # the rep this reply starts at, counted from the start of the side
    reply = turn.reply()
    if turn.shows_screens:
        reply.show(stretch_step_screen(turn.content, routine, state.step, segment.side))
    if note:
        reply.say(f"stretch.{note}")
    if intro:
        reply.say_text(routine.intro)
    if state.rep:
        reply.say("stretch.resume_from", name=step.name, number=first + 1, total=step.reps)
        reply.say_text(step.cues_for(segment.side)[0]).pause(step.transition_seconds)
    elif segment.first_rep == 0:
        if state.segment == 0:
            reply.say("stretch.step_header", number=state.step + 1, total=len(routine.steps), name=step.name)
        else:
            reply.say("stretch.other_side", side=segment.side)
        for cue in step.cues_for(segment.side):
            reply.say_text(cue)
        if state.segment == 0:
            reply.say_text(step.caution).pause(step.transition_seconds)
    else:
        reply.say("stretch.more_reps", count=segment.reps)
    if not turn.conversation.told_stop and turn.on_alexa:  # the microphone is closed through the holds
        reply.say("stretch.stop_any_time")
        turn.update(told_stop=True)
    rep_ends = []
    last = segment.first_rep + segment.reps - 1
    for rep in range(first, last + 1):
        _lead_rep(reply, step, segment.side, rep, full=rep == first)
        rep_ends.append(round(estimated_seconds(reply.parts)))
        if rep < last:
            reply.pause(step.rest_seconds)
    turn.update(routine=replace(state, led_at=turn.now, rep_ends=tuple(rep_ends)))
    if state.hands_free:
        return reply.sound("bell").say("stretch.check_in_hands_free").ask("stretch.check_in_reprompt")
    return reply.sound("bell").say("stretch.check_in").ask("stretch.check_in_reprompt")


def _lead_rep(reply: Reply, step: Step, side: str | None, rep: int, full: bool) -> None:
    """One rep: the whole cue the first time in a reply, then only the count ("3 of 10", "last one"); the hold,
    with a calm word halfway through a long one; the release."""
    if full:
        if step.rep_cue:
            reply.say_text(_on_side(step.rep_cue, side))
        if step.hold_seconds >= 5:
            reply.say("stretch.hold", seconds=step.hold_seconds)
    elif rep == step.reps - 1:
        reply.say("stretch.count_last")
    else:
        reply.say("stretch.count", number=rep + 1, total=step.reps)
    if step.hold_seconds >= MID_HOLD_CUE_SECONDS:
        half = step.hold_seconds / 2
        reply.pause(half).say("stretch.halfway").pause(step.hold_seconds - half)
    else:
        reply.pause(step.hold_seconds)
    release = step.release_cue if full else (step.release_short or step.release_cue)
    if release:
        reply.say_text(_on_side(release, side))
    else:
        reply.say("stretch.release")


def _on_side(text: str, side: str | None) -> str:
    return text.format(side=side) if side else text


def finish(turn: Turn, routine: Routine) -> Reply:
    """The end of the routine. Hands-free the session is left to Alexa rather than closed: whatever the runner
    does next (a tip, the heat) is still hands-free, and asks nobody a question."""
    turn.update(routine=None)
    turn.profile.record_completed(turn.today)
    count = turn.profile.sessions_in_week_to(turn.today)
    reply = turn.reply().sound("chime").say("stretch.finished", routine=routine.name)
    reply.say("stretch.week_count_one" if count == 1 else "stretch.week_count", count=count)
    return reply if turn.conversation.hands_free else reply.end()


def _routine(turn: Turn, routine_id: str) -> Routine | None:
    return load_routines(turn.content.locale).get(routine_id)


def _warming_up_hands_free(turn: Turn) -> bool:
    routine = turn.conversation.routine
    return turn.asked is None and routine is not None and routine.status == "ready" and routine.hands_free


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
        step = min(step, len(routine.steps) - 1)
        turn.update(routine=RoutineState(routine.id, step, 0, "ready"))
        turn.expect_answer(Question.READY_TO_BEGIN)
        return warm_up(turn.reply().say("stretch.screen_clear"), routine, step).ask("stretch.ready_reprompt")

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
