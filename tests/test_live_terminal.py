"""The terminal of `talk`: the live line (where a routine is, the rep, the seconds left) as the real runner plays
real stretches, drawn by prompt_toolkit under a `you> ` prompt (captured with its own pipe input and VT100 output),
and the prompt shown when the runner waits for a line: after each reply, and again after the heat chime."""

from __future__ import annotations

import io
import queue
import re
import threading

import pytest
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.vt100 import Vt100_Output

from skill.core.routines import load_routines
from skill.local.clock import FakeClock
from skill.local.live import LiveStatus
from skill.local.terminal import LiveTerminal
from skill.local.talk import LineReader
from test_talk import Harness

CONTROL_SEQUENCE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
REP = re.compile(r"rep (\d+) of (\d+) · hold (\d+) s")
CHIN_TUCK = load_routines("en-US")["neck"].steps[0]


def screen_text(terminal_output: io.StringIO) -> str:
    return CONTROL_SEQUENCE.sub("", terminal_output.getvalue())


def test_the_live_line_follows_a_real_routine_rep_by_rep_with_a_countdown(store):
    h = Harness(store, hands_free=True)
    h.runner.run_script(["open spine coach"])
    seen: list[str] = []
    for tenth in range(1, 20 * 60 * 10):  # every 0.1 s of the next twenty minutes
        h.clock.at(h.clock.now() + tenth / 10, lambda: seen.append(h.runner.status.text()))
    h.runner.handle("start my neck stretches")
    step_one = [line for line in seen if "neck stretches: step 1 of 4, chin tuck" in line]
    holds = [tuple(map(int, match.groups())) for line in step_one if (match := REP.search(line))]
    assert list(dict.fromkeys(rep for rep, _, _ in holds)) == list(range(1, CHIN_TUCK.reps + 1))
    assert {total for _, total, _ in holds} == {CHIN_TUCK.reps}
    first_hold = [left for rep, _, left in holds if rep == 1]
    assert first_hold == sorted(first_hold, reverse=True) and set(first_hold) == set(range(1, CHIN_TUCK.hold_seconds + 1))
    assert any("rest" in line for line in step_one)
    assert any("neck stretches: step 2 of 4, neck turns, left" in line for line in seen)


def test_the_live_line_counts_down_the_heat(store):
    h = Harness(store)
    h.runner.run_script(["set the heat pad for 10 minutes", "no", "no", "no"])
    h.runner.handle("no")
    h.clock.wait(95, threading.Event())
    assert h.runner.status.text() == "heat 8:25 left"


def test_the_prompt_and_the_line_are_drawn_by_prompt_toolkit_with_replies_above(store):
    status = LiveStatus(FakeClock(), "en-US")
    status.routine_file = ("Dad's evening routine", 2, 3)
    screen = io.StringIO()
    interrupt = threading.Event()
    with create_pipe_input() as keyboard:
        terminal = LiveTerminal(interrupt, status, input=keyboard,
                                output=Vt100_Output(screen, lambda: Size(rows=12, columns=100), enable_cpr=False))
        terminal.start()
        terminal.stream.write("Spine Coach: Step 1 of 4: chin tuck.\n")
        keyboard.send_text("stop\r")
        assert terminal.next(timeout=5) == "stop" and interrupt.is_set()  # typing cuts into whatever plays
        terminal.stream.write("Spine Coach: Take care.\n")
        terminal.close()
    shown = screen_text(screen)
    assert "you>" in shown and " Dad's evening routine: step 2 of 3 " in shown
    reply, typed, goodbye = (shown.index("Spine Coach: Step 1 of 4: chin tuck."), shown.index("you> stop"),
                             shown.index("Spine Coach: Take care."))
    assert reply < typed < goodbye  # in the order they happened, each above the prompt


class Keyboard:
    """Lines typed at moments of the fake clock; the runner's wait for a line lets the clock run, as time would."""

    def __init__(self, clock: FakeClock, typed: list[tuple[float, str]], heard: list[str]):
        self.clock, self.typed, self.heard = clock, typed, heard

    def next(self, timeout: float | None) -> str | None:
        if self.typed and self.typed[0][0] <= self.clock.now():
            return self.typed.pop(0)[1]
        if not self.typed:
            return None
        self.clock.wait(timeout or 0, threading.Event())
        raise queue.Empty

    def has_waiting_line(self) -> bool:
        return False

    def ready(self) -> None:
        self.heard.append("you> ")


def test_the_prompt_comes_after_each_reply_and_again_after_the_heat_chime(store):
    h = Harness(store, as_json=False)
    events: list[str] = []
    h.runner.performer.show = events.append
    start = h.clock.now()
    typed = [(start, "set the heat pad for 1 minute"), *[(start + n, "no") for n in range(1, 5)],
             (start + 300, "give me a tip")]
    h.runner.lines = Keyboard(h.clock, list(typed), events)
    h.runner.run_interactive()
    alarm = next(n for n, event in enumerate(events) if event.startswith("Time to take the heat pack off"))
    assert events[alarm + 1] == "you> "  # the prompt again, after the chime, before anything is typed
    assert events[0] == "you> " and events[-1] == "you> "
    assert events.count("you> ") == len(typed) + 2  # at the start, after each line, after the chime
    assert all(events[n + 1] != "you> " or events[n] != "you> " for n in range(len(events) - 1))  # never twice


def test_a_plain_prompt_is_printed_only_when_asked_for_and_only_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    shown = io.StringIO()
    reader = LineReader(Terminal(""), threading.Event(), prompt_to=shown)
    assert reader.next(timeout=5) is None and shown.getvalue() == ""  # reading alone prints nothing
    reader.ready()
    assert shown.getvalue() == "you> "
    quiet = io.StringIO()
    LineReader(io.StringIO(""), threading.Event(), prompt_to=quiet).ready()
    assert quiet.getvalue() == ""


@pytest.mark.parametrize(("seconds", "shown"), [(0.2, "1 s"), (4.0, "4 s"), (59.5, "1:00"), (125, "2:05")])
def test_countdowns_never_show_zero_while_they_last(seconds, shown):
    clock = FakeClock()
    status = LiveStatus(clock, "en-US")
    status.waiting("next step in", seconds)
    assert status.text() == f"next step in {shown}"
