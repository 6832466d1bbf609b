"""The offline runner: transcripts, real-time holds on a fake clock, interruptions, hands-free routines, the
heat alarm. Time is a FakeClock throughout: nothing here sleeps."""

from __future__ import annotations

import io
import json
import queue
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from skill.alexa.app import create_skill
from skill.alexa.envelopes import AlexaSession, intent
from skill.stores.sqlite import SQLitePersistenceAdapter
from skill.web.app import create_app
from fakes import FakeAlarm
from skill.core.content import load_document, variants
from skill.core.flow import plan_segments
from skill.local.alarm import LocalAlarm
from skill.local.clock import FakeClock
from skill.local.performer import Performer
from skill.local.talk import HANDS_FREE_HEARD, LineReader, LocalConversation, Runner, Transcript
from skill.core.routines import load_routines
from skill.core.speech import Pause, Say

KEYS = {"heard", "request_type", "intent", "slots", "speech", "reprompt", "end_session", "triage", "directives"}
LOWER_BACK = load_routines("en-US")["lower_back"]
LOWER_BACK_SEGMENTS = sum(len(plan_segments(s)) for s in LOWER_BACK.steps)


class TypedLines:
    """Lines typed at given moments of the fake clock, delivered as LineReader does: stop first, then the line."""

    def __init__(self, clock: FakeClock, stop: threading.Event):
        self.clock = clock
        self.stop = stop
        self.waiting: queue.Queue[str] = queue.Queue()

    def type_at(self, seconds_from_now: float, text: str) -> None:
        def typed():
            self.stop.set()
            self.waiting.put(text)
        self.clock.after(seconds_from_now, typed)

    def next(self, timeout: float) -> str | None:
        return self.waiting.get_nowait()

    def has_waiting_line(self) -> bool:
        return not self.waiting.empty()


class Harness:
    """A runner on a fake clock, text only, with its transcript in memory."""

    def __init__(self, store, as_json: bool = True, hands_free: bool = False):
        self.clock = FakeClock()
        self.alarm = LocalAlarm(self.clock)
        skill = create_skill(persistence=store, alarm=self.alarm, rng=random.Random(0))
        self.conversation = LocalConversation(skill, AlexaSession(user_id="amzn1.ask.account.TALK"),
                                              clock=self.clock, hands_free=hands_free)
        self.out = io.StringIO()
        self.transcript = Transcript(self.out, as_json=as_json)
        self.runner = Runner(self.conversation, Performer(self.clock, show=self.transcript.sentence), self.alarm,
                             self.transcript)
        self.runner.lines = self.lines = TypedLines(self.clock, self.runner.stop)

    def turns(self) -> list[dict]:
        return [json.loads(line) for line in self.out.getvalue().splitlines()]

    def type_at(self, seconds_from_now: float, text: str) -> None:
        self.lines.type_at(seconds_from_now, text)

    def answer_typed(self):
        """What the runner does next with a line typed during a reply: take it and handle it."""
        return self.runner.handle(self.runner.typed_line(wait=0))


@pytest.fixture
def harness(store):
    return Harness(store)


def test_json_lines_have_exactly_the_agreed_keys_and_types(harness):
    harness.runner.run_script(["open spine coach", "what can I say", "give me a tip about sleep"])
    turns = harness.turns()
    assert [set(t) for t in turns] == [KEYS] * 3
    for turn in turns:
        assert isinstance(turn["speech"], str) and "<" not in turn["speech"]
        assert isinstance(turn["slots"], dict) and isinstance(turn["directives"], list)
        assert isinstance(turn["end_session"], bool)
    assert turns[0]["request_type"] == "LaunchRequest" and turns[0]["intent"] is None
    assert turns[1]["intent"] == "AMAZON.HelpIntent"
    assert turns[2]["intent"] == "PreventionTipIntent" and turns[2]["slots"]["topic"]


def test_one_shot_request_starts_a_session_with_that_intent(harness):
    harness.runner.run_script(["ask spine coach to start my neck stretches"])
    turn = harness.turns()[0]
    assert turn["request_type"] == "IntentRequest" and turn["intent"] == "StartStretchIntent"


def test_typed_red_flag_is_screened_before_intent_resolution(harness):
    harness.runner.run_script(["open spine coach", "start my lower back stretches", "no", "next",
                               "my husband can't feel his bottom when he wipes"])
    last = harness.turns()[-1]
    assert last["intent"] == "SymptomReportIntent" and last["triage"] == "emergency"
    assert last["speech"].startswith("Call 911") and last["end_session"]


def test_blank_lines_are_ignored_and_nonsense_falls_back(harness):
    harness.runner.run_script(["open spine coach", "   ", "the cat sat on the mat"])
    turns = harness.turns()
    assert len(turns) == 2 and turns[1]["intent"] == "AMAZON.FallbackIntent" and not turns[1]["end_session"]


def test_holds_play_in_real_time(harness):
    harness.runner.run_script(["open spine coach", "start my lower back stretches", "no"])
    before = harness.clock.now()
    harness.runner.run_script(["next"])
    step = LOWER_BACK.steps[0]
    segment = plan_segments(step)[0]
    assert harness.clock.now() - before >= step.hold_seconds * segment.reps


def test_text_mode_prints_the_words_between_pauses_as_they_are_reached(store):
    h = Harness(store, as_json=False)
    h.runner.run_script(["open spine coach", "start my lower back stretches", "no", "next"])
    lines = h.out.getvalue().splitlines()
    assert lines[0].startswith("Spine Coach: Welcome to Spine Coach.")
    step_lines = lines[3:]
    assert "Step 1 of" in step_lines[0] and step_lines[-1] == "Spine Coach: How did that feel?"
    assert len(step_lines) > plan_segments(LOWER_BACK.steps[0])[0].reps  # a line before each hold, not one block
    assert all(line.startswith("Spine Coach: ") for line in step_lines)


def test_a_red_flag_typed_during_a_hold_cuts_in_and_is_answered_at_once(harness):
    harness.runner.run_script(["open spine coach", "start my lower back stretches", "no"])
    start = harness.clock.now()
    harness.type_at(1.0, "I can't feel my bottom when I wipe")
    harness.runner.handle("next")  # leads step 1 with its holds; the user types a second into it
    assert harness.runner.stop.is_set()
    assert harness.clock.now() - start == pytest.approx(1.0)  # the hold ended the moment the line arrived
    answer = harness.answer_typed()
    assert answer.record["speech"].startswith("Call 911") and answer.record["end_session"]
    assert harness.clock.now() - start == pytest.approx(1.0)  # answered with no further waiting


def test_the_hands_free_flag_makes_any_routine_carry_on_by_itself(store):
    h = Harness(store, hands_free=True)
    h.runner.run_script(["open spine coach", "start my lower back stretches"])
    heard = [t["heard"] for t in h.turns()]
    assert heard.count(HANDS_FREE_HEARD) == LOWER_BACK_SEGMENTS + 1  # warm-up rest, then every segment


def test_stop_typed_during_a_hands_free_rest_ends_the_routine(store):
    h = Harness(store, hands_free=True)
    h.runner.run_script(["open spine coach"])
    h.type_at(3.0, "stop")  # during the rest after the warm-up
    h.runner.handle("start my neck stretches")
    assert HANDS_FREE_HEARD not in [t["heard"] for t in h.turns()]
    goodbye = h.answer_typed()
    assert goodbye.record["end_session"] and goodbye.record["intent"] == "AMAZON.StopIntent"


def test_hands_free_runs_a_whole_routine_to_its_end(store):
    h = Harness(store)
    h.runner.run_script(["open spine coach", "start hands-free lower back stretches"])
    turns = h.turns()
    assert turns[1]["slots"]["mode"] == "hands free"
    assert "say stop now" in turns[1]["speech"]
    led = [t for t in turns if t["heard"] == HANDS_FREE_HEARD]
    assert len(led) == LOWER_BACK_SEGMENTS + 1
    assert "Step 1 of" in led[0]["speech"] and "carry on" in led[0]["speech"]
    # Hands-free the session is left to Alexa at the end (what follows is hands-free too: a tip asks nothing).
    assert "finished" in turns[-1]["speech"] and not turns[-1]["end_session"]


def test_pause_stops_a_hands_free_routine_and_resume_carries_on(store):
    h = Harness(store, hands_free=True)
    h.runner.run_script(["open spine coach", "start my lower back stretches"])  # today's screening is done
    h.type_at(20.0, "pause")  # during the first neck stretch
    h.runner.handle("start my neck stretches")
    paused = h.answer_typed()
    assert paused.record["intent"] == "AMAZON.PauseIntent" and not paused.continues_hands_free
    h.runner.handle("resume")
    assert "finished" in h.turns()[-1]["speech"]


def test_heat_countdown_rings_with_a_chime_and_announcement(harness):
    harness.runner.run_script(["open spine coach", "set the heat pad for ten minutes", *["no"] * 3])
    started = harness.clock.now()
    harness.runner.run_script(["no"])  # the last screening answer starts the countdown; a script waits for it
    alarm_turn = harness.turns()[-1]
    assert alarm_turn["request_type"] == "HeatAlarm" and "take the heat pack off" in alarm_turn["speech"]
    assert harness.clock.now() - started == pytest.approx(600, abs=5)


def test_status_and_cancel_work_while_the_countdown_runs(harness):
    harness.runner.run_script(["open spine coach", "heat pad please", *["no"] * 3])
    harness.runner.handle("no")  # the last screening answer starts 15 minutes
    harness.clock.wait(5 * 60, harness.runner.stop)
    assert "About 10 minutes left" in harness.runner.handle("how long is left on the heat").record["speech"]
    harness.type_at(60, "cancel the heat timer")
    harness.runner.wait_for_alarms()  # waiting for the countdown; the user cuts in after a minute
    cancelled = harness.answer_typed()
    assert "cancelled" in cancelled.record["speech"]
    assert harness.alarm.next_due() is None
    assert not [t for t in harness.turns() if t["request_type"] == "HeatAlarm"]


def test_performer_plays_pauses_on_the_clock_and_stops_when_told():
    clock = FakeClock()
    said = []
    performer = Performer(clock, show=said.append)
    stop = threading.Event()
    clock.after(12, stop.set)
    assert performer.perform([Say("Hold."), Pause(25), Say("Relax.")], stop) is True
    assert said == ["Hold."] and clock.waits == [25]


def test_a_bad_routine_file_is_reported_with_its_line_and_nothing_runs(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("steps:\n  - lower back stretches\n  - fly me to the moon\n")
    result = subprocess.run([sys.executable, "-m", "skill", "talk", "--fast", "--no-voice", "--db",
                             str(tmp_path / "x.db"), "--routine", str(bad)], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[1], timeout=120)
    assert result.returncode == 2 and result.stdout == ""
    assert "bad.yaml, line 3" in result.stderr


def test_piped_lines_in_text_mode_show_every_reply(tmp_path):
    """A developer's `printf ... | make run`: lines typed ahead cut each reply short so none holds up the next, but
    every reply is still shown (before, only the last one was)."""
    result = subprocess.run([sys.executable, "-m", "skill", "talk", "--no-voice", "--db", str(tmp_path / "x.db")],
                            input="give me a tip about sleep\nstop\n", capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[1], timeout=120)
    assert result.returncode == 0, result.stderr
    replies = [line.removeprefix("Spine Coach: ") for line in result.stdout.splitlines()]
    assert len(replies) == 3, result.stdout  # the automatic launch, the tip, the goodbye
    assert replies[0].startswith("Welcome to Spine Coach.")
    assert replies[1] not in variants(load_document("en-US", "prompts")["goodbye"])
    assert replies[2] in variants(load_document("en-US", "prompts")["goodbye"])


def test_lines_typed_ahead_interrupt_the_reply_before_them(harness):
    """Piped input (or fast typing) arrives all at once: "stop" must not wait for step 1's holds to play out."""
    harness.runner.lines = LineReader(io.StringIO("open spine coach\nstart my neck stretches\nno\nnext\nstop\n"),
                                      harness.runner.stop)
    start = harness.clock.now()
    harness.runner.run_interactive()
    turns = harness.turns()
    assert [t["intent"] for t in turns][-2:] == ["AMAZON.NextIntent", "AMAZON.StopIntent"]
    assert harness.clock.now() - start < 5  # step 1 alone holds for 5 seconds ten times


def test_a_fast_run_keeps_its_times_out_of_the_shared_store(tmp_path):
    """--fast runs 100 times faster than the clock the skill and the endpoint read the store by: a 15-minute heat
    session that rang in 9 seconds once read "about 16 minutes left" through the endpoint afterwards."""
    db = tmp_path / "state.db"
    result = subprocess.run([sys.executable, "-m", "skill", "talk", "--fast", "--no-voice", "--db", str(db),
                             "set the heat pad for 3 minutes", "no", "no", "no", "no"],
                            capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1], timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Time to take the heat pack off" in result.stdout  # it rang, after 1.8 seconds
    # Afterwards, on the real clock, through the endpoint: no heat left running, and none blocking the next.
    client = create_app({"ASK_SDK_VERIFY_SIGNATURE": False, "ASK_SDK_VERIFY_TIMESTAMP": False},
                        skill=create_skill(persistence=SQLitePersistenceAdapter(db), alarm=FakeAlarm(),
                                           rng=random.Random(0))).test_client()

    def ask(request: dict) -> str:
        envelope = AlexaSession(user_id="amzn1.ask.account.local-user").envelope(request, at=time.time())
        return client.post("/", json=envelope).get_json()["response"]["outputSpeech"]["ssml"]

    assert "no heat timer running" in ask(intent("HeatStatusIntent"))
    assert "four quick yes or no questions" in ask(intent("HeatTimerIntent"))  # a new user, as before the fast run
    # The next fast run goes on in fast time, from where the last one left off: that session rang long ago.
    again = subprocess.run([sys.executable, "-m", "skill", "talk", "--fast", "--no-voice", "--db", str(db),
                            "how long is left on the heat"], capture_output=True, text=True,
                           cwd=Path(__file__).resolve().parents[1], timeout=120)
    assert "no heat timer running" in again.stdout, again.stdout
