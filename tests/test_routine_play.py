"""Caregivers' routine files played by the real runner and skill (`talk --routine`): the heat screening asked before
anything plays, the routine's name and time to get ready between steps, and an ending that says why a routine
stopped (the exit status). Time is a FakeClock, as in test_talk.py; the last tests run the command itself."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from skill.core.speech import Pause
from skill.local.routine_file import load_routine
from skill.local.routine_play import Ending, RoutinePlayer
from skill.local.talk import HANDS_FREE_HEARD
from test_talk import Harness

PROJECT = Path(__file__).resolve().parents[1]
EXAMPLE = PROJECT / "examples" / "dads-evening.yaml"
FOUR_NOES = ["no"] * 4


def type_ahead(h: Harness, *lines: str) -> None:
    """Lines already typed, as LineReader delivers them: the interrupt first, then the line."""
    for line in lines:
        h.runner.stop.set()
        h.lines.waiting.put(line)


def type_during_the_first_hold(h: Harness, text: str) -> None:
    """`text` typed once the first stretch's first hold has begun, whenever the warm-up lets that be."""
    started = h.runner.performer.on_part

    def on_part(part) -> None:
        started(part)
        if isinstance(part, Pause) and "Step 1 of" in h.turns()[-1]["speech"] and not h.lines.waiting.qsize():
            h.runner.performer.on_part = started
            type_ahead(h, text)

    h.runner.performer.on_part = on_part


def play(h: Harness, store, path: Path):
    return RoutinePlayer(h.runner, store, load_routine(path, h.conversation.resolver), path).play()


def write(tmp_path: Path, text: str, name: str = "routine.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def speeches(h: Harness) -> list[str]:
    return [turn["speech"] for turn in h.turns()]


def index_of(h: Harness, words: str) -> int:
    return next(n for n, speech in enumerate(speeches(h)) if words in speech)


def test_the_readme_example_asks_a_new_users_heat_screening_first_and_runs_to_the_chime(store):
    h = Harness(store, hands_free=True)
    shown: list[str] = []
    h.runner.performer.show = shown.append
    type_ahead(h, *FOUR_NOES)
    result = play(h, store, EXAMPLE)
    assert result.ending is Ending.DONE and result.message is None
    assert sum("numb, broken or infected" in line for line in shown) == 1  # asked up front, not played again
    turns = h.turns()
    starting = index_of(h, "Starting Dad's evening routine: 3 steps, beginning with lower back stretches.")
    # The four questions came before anything played, each answered then.
    asked = [t["speech"] for t in turns[:starting]]
    assert len(asked) == 4 and "numb" in asked[0] and "three days" in asked[3]
    assert not any(t["intent"] == "StartStretchIntent" for t in turns[:starting])
    # Then the routine, with the answers given again when the heat step asked, and the chime at the end.
    assert "finished" in turns[index_of(h, "finished")]["speech"]
    assert any(t["intent"] == "PreventionTipIntent" for t in turns)
    heat = [t for t in turns[starting:] if t["heard"] == "no"]
    assert len(heat) == 4
    assert [t["request_type"] for t in turns[-2:]] == ["HeatAlarm", "RoutineFile"]
    assert turns[-1]["speech"] == "That's everything in Dad's evening routine."


def test_with_no_one_to_answer_the_heat_screening_the_routine_does_not_start(store):
    h = Harness(store, hands_free=True)
    result = play(h, store, EXAMPLE)
    assert result.ending is Ending.NOT_STARTED and int(result.ending) == 3
    assert f"{EXAMPLE}, line 8, step 3 of 3 ('heat for 15 minutes')" in result.message
    assert "safety questions" in result.message and "not started" in result.message
    assert [t["request_type"] for t in h.turns()] == ["IntentRequest"]  # the first question, then nothing
    assert h.alarm.next_due() is None


def test_a_later_session_needs_only_the_one_combined_question(store):
    h = Harness(store, hands_free=True)
    h.runner.run_script(["set the heat pad for 1 minute", *FOUR_NOES])  # screened in full on an earlier day
    h.clock.wait(24 * 60 * 60, threading.Event())
    h.out.truncate(0), h.out.seek(0)
    type_ahead(h, "no")
    assert play(h, store, write(Path(store.path).parent, "- heat for 10 minutes\n")).ending is Ending.DONE
    assert "Quick safety check" in speeches(h)[0]
    assert h.turns()[-2]["request_type"] == "HeatAlarm"


def test_a_yes_up_front_that_rules_out_heat_stops_the_routine_before_it_starts(store):
    h = Harness(store, hands_free=True)
    type_ahead(h, "yes", "no")  # numb skin or diabetes; no professional has said heat is fine
    result = play(h, store, EXAMPLE)
    assert result.ending is Ending.NOT_STARTED and "the heat would not start" in result.message
    assert not any("Starting" in speech for speech in speeches(h))
    assert h.alarm.next_due() is None


def test_a_heat_session_an_hour_ago_stops_the_routine_before_it_starts(store, tmp_path):
    h = Harness(store, hands_free=True)
    h.runner.run_script(["set the heat pad for 10 minutes", *FOUR_NOES])
    h.clock.wait(60 * 60, threading.Event())
    result = play(h, store, write(tmp_path, "- a prevention tip\n- heat for 15 minutes\n"))
    assert result.ending is Ending.NOT_STARTED
    assert "line 2, step 2 of 2" in result.message and "minutes" in result.message  # the skill's cool-down words
    assert not any(t["intent"] == "PreventionTipIntent" for t in h.turns())


def test_two_heat_sessions_in_one_routine_never_start(store, tmp_path):
    h = Harness(store, hands_free=True)
    type_ahead(h, *FOUR_NOES)
    result = play(h, store, write(tmp_path, "- heat for 10 minutes\n- a prevention tip\n- heat for 10 minutes\n"))
    assert result.ending is Ending.NOT_STARTED and "line 3, step 3 of 3" in result.message
    assert h.alarm.next_due() is None


def test_stop_typed_during_a_routine_ends_it_as_stopped(store, tmp_path):
    h = Harness(store, hands_free=True)
    type_ahead(h, *FOUR_NOES)
    h.type_at(30, "stop")  # during the stretches
    result = play(h, store, write(tmp_path, "- neck stretches\n- a prevention tip\n- heat for 15 minutes\n"))
    assert result.ending is Ending.STOPPED and int(result.ending) == 4
    assert "line 1, step 1 of 3 ('neck stretches'): the routine was stopped when asked" in result.message
    assert h.turns()[-1]["intent"] == "AMAZON.StopIntent" and h.alarm.next_due() is None


def test_a_warning_sign_typed_during_a_routine_ends_it_with_its_own_status(store, tmp_path):
    h = Harness(store, hands_free=True)
    h.type_at(30, "I can't feel my bottom when I wipe")
    result = play(h, store, write(tmp_path, "- lower back stretches\n- a prevention tip\n"))
    assert result.ending is Ending.WARNING_SIGN and int(result.ending) == 5
    assert h.turns()[-1]["speech"].startswith("Call 911")
    assert not any(t["intent"] == "PreventionTipIntent" for t in h.turns())


def test_a_question_left_unanswered_stops_the_routine_at_that_step(store, tmp_path):
    h = Harness(store, hands_free=True)
    type_during_the_first_hold(h, "that hurts")  # the skill offers to skip the stretch, and nobody answers
    result = play(h, store, write(tmp_path, "- lower back stretches\n- a prevention tip\n"))
    assert result.ending is Ending.STOPPED
    assert "step 1 of 2 ('lower back stretches'): this step did not finish; a question was left unanswered" in \
        result.message
    assert not any(t["intent"] == "PreventionTipIntent" for t in h.turns())


def test_a_cancelled_heat_session_does_not_count_as_done(store, tmp_path):
    h = Harness(store, hands_free=True)
    type_ahead(h, *FOUR_NOES)
    h.type_at(5 * 60, "cancel the heat timer")
    result = play(h, store, write(tmp_path, "- heat for 15 minutes\n"))
    assert result.ending is Ending.STOPPED and "this step did not finish" in result.message
    assert not any(t["request_type"] == "HeatAlarm" for t in h.turns())


def test_the_name_and_time_to_get_ready_are_given_between_steps(store, tmp_path):
    h = Harness(store, hands_free=True)
    path = write(tmp_path, "name: Mum's morning\nsteps:\n  - a prevention tip\n  - do: neck stretches\n"
                           "    then wait: 2 minutes\n  - why do spasms happen\n")
    assert play(h, store, path).ending is Ending.DONE
    said = speeches(h)
    assert said[0] == "Starting Mum's morning: 3 steps, beginning with a prevention tip."
    assert "Next, neck stretches, in 30 seconds." in said  # a stretch's default: time to get down to the floor
    assert "Next, why do spasms happen, in 2 minutes." in said  # the file's own 'then wait'
    ready_waits = [wait for wait in h.clock.waits if wait in (30, 120)]
    assert ready_waits == [30, 120]


def test_a_routine_without_a_name_is_called_by_its_file_name(store, tmp_path):
    h = Harness(store, hands_free=True)
    assert play(h, store, write(tmp_path, "- a prevention tip\n", "mums-morning.yaml")).ending is Ending.DONE
    assert speeches(h)[0] == "Starting mums morning: one step, a prevention tip."


def test_hands_free_stretches_in_a_routine_carry_on_by_themselves(store, tmp_path):
    h = Harness(store, hands_free=True)
    assert play(h, store, write(tmp_path, "- neck stretches\n")).ending is Ending.DONE
    assert HANDS_FREE_HEARD in [t["heard"] for t in h.turns()]


# --- the command, as a caregiver runs it -------------------------------------------------------------------------

def talk_routine(path: Path, db: Path, answers: str | None, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "skill", "talk", "--fast", "--no-voice", "--json", "--db", str(db),
                           "--routine", str(path), *extra], input=answers, capture_output=True, text=True,
                          cwd=PROJECT, timeout=120, stdin=None if answers is not None else subprocess.DEVNULL)


def test_the_readme_example_run_for_a_new_user_exits_0_after_the_chime(tmp_path):
    result = talk_routine(EXAMPLE, tmp_path / "state.db", "no\nno\nno\nno\n")
    assert result.returncode == 0, result.stderr
    turns = [json.loads(line) for line in result.stdout.splitlines()]
    assert [t["request_type"] for t in turns[-2:]] == ["HeatAlarm", "RoutineFile"]


def test_the_readme_example_with_no_input_says_what_is_missing_and_exits_3(tmp_path):
    result = talk_routine(EXAMPLE, tmp_path / "state.db", None)
    assert result.returncode == 3
    assert result.stderr.strip().splitlines() == [
        f"{EXAMPLE}, line 8, step 3 of 3 ('heat for 15 minutes'): the heat "
        "needs its safety questions answered before the routine starts, and no answer came (the input ended). Run "
        "the routine from a terminal, where they are asked first. The routine was not started."]


@pytest.mark.parametrize(("typed", "status"), [("stop\n", 4), ("I can't feel my bottom when I wipe\n", 5)])
def test_a_routine_stopped_early_exits_non_zero(tmp_path, typed: str, status: int):
    path = write(tmp_path, "- lower back stretches\n- a prevention tip\n")
    result = talk_routine(path, tmp_path / "state.db", typed)
    assert result.returncode == status, result.stderr
    assert "line 1, step 1 of 2" in result.stderr
