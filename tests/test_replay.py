"""`python -m skill talk --replay FILE.yaml`: the user stories in tests/replays/ played through the command line,
each expectation shown able to fail, and every malformed file answered with one line and exit status 2."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from skill.__main__ import main
from skill.local.replay import ReplayFileError, ReplayRun, load_replay
from skill.stores.sqlite import SQLitePersistenceAdapter

ROOT = Path(__file__).resolve().parents[1]
REPLAYS = ROOT / "tests" / "replays"
STORIES = ("patient_on_the_floor", "caregivers_routine", "developers_one_shot", "en_gb_emergency")


def replay_cli(*arguments: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "skill", "talk", "--replay", *map(str, arguments)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})})


def ok_turns(stdout: str) -> list[int]:
    return [int(number) for number in re.findall(r"^ok   turn +(\d+) ", stdout, re.MULTILINE)]


def play(path: Path, tmp_path: Path):
    """Each turn's result, in-process, on a fresh store."""
    run = ReplayRun(load_replay(path), SQLitePersistenceAdapter(tmp_path / "replay.db"))
    return list(run.results())


# --- the user stories ----------------------------------------------------------------------------------------
def test_there_is_a_replay_for_every_user_story():
    assert {path.stem for path in REPLAYS.glob("*.yaml")} >= set(STORIES)


@pytest.mark.parametrize("story", STORIES)
def test_each_user_story_replays_through_the_command_line(story):
    path = REPLAYS / f"{story}.yaml"
    result = replay_cli(path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ok_turns(result.stdout) == [turn.number for turn in load_replay(path).turns]
    assert "FAIL" not in result.stdout and "Traceback" not in result.stderr


def _turns_with(path: Path, **expected):
    return [turn for turn in load_replay(path).turns
            if all(key in turn.expect and turn.expect[key] == value for key, value in expected.items())]


def test_the_stories_check_what_they_are_for():
    """The checks each story exists for are in its file, so a story cannot quietly lose them."""
    patient = REPLAYS / "patient_on_the_floor.yaml"
    [emergency] = _turns_with(patient, triage="emergency", first_sentence=("911",), ends_session=True, routine=None)
    later = [turn for turn in load_replay(patient).turns if turn.number > emergency.number]
    assert any("routine" in turn.expect and turn.expect["routine"] is None for turn in later)  # and it stays gone
    assert len(_turns_with(patient, intent="PainCheckIntent")) >= 3
    assert _turns_with(patient, intent="SkipStretchIntent") and _turns_with(patient, question="stretch_screen")

    caregiver = REPLAYS / "caregivers_routine.yaml"
    assert load_replay(caregiver).device == "echo show"
    assert len(_turns_with(caregiver, question="heat_screen")) == 4  # a new user hears all four questions
    assert _turns_with(caregiver, intent="CancelHeatIntent") and _turns_with(caregiver, alarm=False)

    one_shot = REPLAYS / "developers_one_shot.yaml"
    assert all(turn.say.startswith("ask spine coach") or turn.say == "session_ended"
               for turn in load_replay(one_shot).turns)
    assert _turns_with(one_shot, intent="WarningSignsIntent", triage=None)

    britain = REPLAYS / "en_gb_emergency.yaml"
    assert load_replay(britain).locale == "en-GB"
    assert _turns_with(britain, triage="emergency", first_sentence=("999",), not_speech=("911",))


def test_a_wrong_expectation_fails_with_a_non_zero_exit_and_names_the_turn(tmp_path):
    story = (REPLAYS / "patient_on_the_floor.yaml").read_text(encoding="utf-8")
    assert story.count('first_sentence: "911"') == 1
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(story.replace('first_sentence: "911"', 'first_sentence: "999"'), encoding="utf-8")
    [turn] = _turns_with(wrong, first_sentence=("999",))

    result = replay_cli(wrong)

    assert result.returncode == 1
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAIL")]
    assert failed == [next(line for line in failed if f"turn {turn.number:>2} " in line)]
    assert f"(line {turn.line})" in failed[0] and "i can't feel my legs" in failed[0]
    assert re.search(r"first_sentence +expected contains 999\n +got +.*911", result.stdout)
    assert f"1 of {len(load_replay(wrong).turns)} turns failed: turn {turn.number} (line {turn.line})" \
        in result.stdout
    assert ok_turns(result.stdout) == [t.number for t in load_replay(wrong).turns if t.number != turn.number]


# --- every expectation can fail -------------------------------------------------------------------------------
RIGHT = {
    1: {"intent": "StartStretchIntent", "slots": "{area: lower_back}", "question": "stretch_screen",
        "routine": "none", "triage": "none"},
    2: {"intent": "SymptomReportIntent", "triage": "emergency", "speech": '"911"', "not_speech": '"999"',
        "first_sentence": '"911"', "ends_session": "true", "routine": "none", "question": "none",
        "screen": "false", "alarm": "false"},
}
WRONG = [(1, "intent", "AMAZON.HelpIntent"), (1, "slots", "{area: neck}"), (1, "slots", "{mode: null, area: null}"),
         (1, "question", "skip_offer"), (1, "routine", "lower_back"), (2, "triage", "urgent"), (2, "speech", '"999"'),
         (2, "not_speech", '"911"'), (2, "first_sentence", '"999"'), (2, "ends_session", "false"),
         (2, "screen", "true"), (2, "alarm", "true"), (2, "routine", "{name: lower_back, step: 1}")]


def two_turns(tmp_path: Path, changes: dict[int, dict[str, str | None]]) -> Path:
    """RIGHT's turns with `changes` made (None leaves a key out)."""
    lines = ["start: 2026-11-21T08:00:00Z", "turns:"]
    for number, say in ((1, "start my lower back stretches"), (2, "i can't feel my legs and i've wet myself")):
        lines.append(f"  - say: {say}")
        lines += [f"    {key}: {value}" for key, value in {**RIGHT[number], **changes.get(number, {})}.items()
                  if value is not None]
    path = tmp_path / "two.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_right_expectations_pass(tmp_path):
    assert [result.mismatches for result in play(two_turns(tmp_path, {}), tmp_path)] == [(), ()]


@pytest.mark.parametrize("number, key, value", WRONG, ids=[f"{key}={value}" for _, key, value in WRONG])
def test_each_expectation_reports_a_mismatch(tmp_path, number, key, value):
    slots_of_the_right_intent = {"slots": None} if key == "intent" else {}
    results = play(two_turns(tmp_path, {number: {key: value, **slots_of_the_right_intent}}), tmp_path)
    assert [mismatch.what.split(".")[0] for mismatch in results[number - 1].mismatches] == [key]
    assert all(result.passed for result in results if result.turn.number != number)


def test_a_slot_is_matched_by_its_words_or_its_id(tmp_path):
    for value in ("lower back", "lower_back", "Lower Back"):
        assert play(two_turns(tmp_path, {1: {"slots": f"{{area: {value}}}"}}), tmp_path)[0].passed


def test_waiting_moves_the_clock_and_the_heat_alarm_rings_when_due(tmp_path):
    path = tmp_path / "heat.yaml"
    path.write_text("""\
start: 2026-11-21T19:00:00Z
turns:
  - say: ask spine coach for heat for 15 minutes
    question: heat_screen
  - {say: "no"}
  - {say: "no"}
  - {say: "no"}
  - {say: "no", question: none}
  - say: ask spine coach how long is left
    wait: 5 minutes
    speech: "10 minutes"
    alarm: false
  - say: new_session
    wait: 11 minutes
    alarm: true
""", encoding="utf-8")
    results = play(path, tmp_path)
    assert [result.mismatches for result in results] == [()] * len(results)


# --- stores --------------------------------------------------------------------------------------------------
STOPPED = """\
user: keeper
turns:
  - say: start my lower back stretches
  - say: "no"
  - say: next
  - say: next
    routine: {name: lower_back, step: 2}
  - say: stop
"""
COME_BACK = """\
user: keeper
turns:
  - say: launch
    question: resume_offer
"""


def test_the_store_is_temporary_unless_db_names_one(tmp_path):
    stopped, come_back = tmp_path / "stopped.yaml", tmp_path / "come_back.yaml"
    stopped.write_text(STOPPED, encoding="utf-8")
    come_back.write_text(COME_BACK, encoding="utf-8")
    default_store = tmp_path / "default.db"
    environment = {"SPINE_COACH_DB": str(default_store)}

    assert replay_cli(stopped, env=environment).returncode == 0
    forgotten = replay_cli(come_back, env=environment)
    assert forgotten.returncode == 1 and re.search(r"question +expected resume_offer", forgotten.stdout)
    assert not default_store.exists()  # a replay never writes to the user's own progress

    kept = tmp_path / "kept.db"
    assert replay_cli(stopped, "--db", kept).returncode == 0
    remembered = replay_cli(come_back, "--db", kept)
    assert remembered.returncode == 0, remembered.stdout


# --- the command line ----------------------------------------------------------------------------------------
def test_json_output_has_one_object_per_turn(tmp_path, capsys):
    path = two_turns(tmp_path, {2: {"triage": "urgent"}})
    assert main(["talk", "--replay", str(path), "--json"]) == 1
    turns = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(turn["turn"], turn["passed"]) for turn in turns] == [(1, True), (2, False)]
    assert turns[1]["mismatches"] == [{"what": "triage", "expected": "urgent", "got": "emergency"}]
    assert turns[1]["record"]["intent"] == "SymptomReportIntent"


def test_utterances_or_a_routine_beside_a_replay_are_refused(tmp_path, capsys):
    path = two_turns(tmp_path, {})
    assert main(["talk", "--replay", str(path), "hello"]) == 2
    assert main(["talk", "--replay", str(path), "--routine", str(path)]) == 2
    assert capsys.readouterr().err.count("--replay plays the file's own turns") == 2


MALFORMED = {
    "unknown key": ("turns:\n  - say: hi\n    intnet: X\n",
                    "line 3: 'intnet' is not a key of turn 1 (did you mean 'intent'?)"),
    "slots as a list": ("turns:\n  - say: hi\n    slots: [a, b]\n", "line 3: turn 1: 'slots' is a mapping"),
    "unknown intent": ("turns:\n  - say: hi\n    intent: StartStrechIntent\n", "did you mean StartStretchIntent?"),
    "slot of another intent": ("turns:\n  - say: hi\n    intent: StartStretchIntent\n    slots: {feeling: x}\n",
                               "StartStretchIntent has no slot 'feeling'"),
    "unknown tier": ("turns:\n  - say: hi\n    triage: severe\n", "'severe' is not a tier"),
    "unknown routine": ("turns:\n  - say: hi\n    routine: lumbar\n", "'lumbar' is not a routine"),
    "unknown status": ("turns:\n  - say: hi\n    routine: {name: neck, status: done}\n",
                       "status 'done' is not one a routine has"),
    "step from zero": ("turns:\n  - say: hi\n    routine: {name: neck, step: 0}\n", "a whole number from 1"),
    "unknown question": ("turns:\n  - say: hi\n    question: resume\n", "did you mean resume_offer?"),
    "flag not a boolean": ("turns:\n  - say: hi\n    ends_session: maybe\n", "give true or false"),
    "speech as a mapping": ("turns:\n  - say: hi\n    speech: {a: b}\n", "'speech' is a mapping"),
    "speech on session_ended": ("turns:\n  - say: session_ended\n    speech: x\n",
                                "cannot be checked on session_ended"),
    "intent on launch": ("turns:\n  - say: launch\n    intent: X\n", "a launch has no intent"),
    "wait not a time": ("turns:\n  - say: hi\n    wait: soon\n", "'soon' is not a length of time"),
    "bad indentation": ("turns:\n  - say: hi\n   intent: X\n", "line 3: this is not valid YAML"),
    "empty file": ("", "the file is empty"),
    "no turns": ("name: x\n", "there is no 'turns:' list"),
    "empty turns": ("turns: []\n", "'turns' must be a list of turns"),
    "bare list": ("- say: hi\n", "a replay must be a mapping"),
    "no say": ("turns:\n  - intent: StartStretchIntent\n", "turn 1: there is no 'say:'"),
    "empty say": ("turns:\n  - say:\n", "turn 1: 'say' is empty"),
    "twice": ("turns:\n  - say: hi\n    say: ho\n", "'say' is given twice"),
    "locale": ("locale: english\nturns:\n  - say: hi\n", "'english' is not a locale"),
    "device": ("device: alexa\nturns:\n  - say: hi\n", "'alexa' is not a device"),
    "start": ("start: tomorrow\nturns:\n  - say: hi\n", "'tomorrow' is not a date and time"),
}


@pytest.mark.parametrize("name", MALFORMED)
def test_a_malformed_file_is_one_line_and_exit_status_2(tmp_path, capsys, name):
    text, problem = MALFORMED[name]
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["talk", "--replay", str(path)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"{path}") and captured.err.count("\n") == 1
    assert problem in captured.err


def test_files_that_are_not_replays_get_one_line_and_no_traceback(tmp_path):
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(bytes(random.Random(0).randrange(256) for _ in range(4096)))
    for path, problem in ((binary, "not a text file"), (tmp_path, "this is a folder"),
                          (tmp_path / "missing.yaml", "there is no such file")):
        result = replay_cli(path)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.count("\n") == 1 and problem in result.stderr, result.stderr


_STORY_TEXTS = [path.read_text(encoding="utf-8") for path in sorted(REPLAYS.glob("*.yaml"))]
_EDITS = st.lists(st.tuples(st.integers(0, 4000), st.integers(0, 12),
                            st.sampled_from(["", ":", "- ", "  ", "\n", "{", "]", "'", "&a ", "*a", "!!binary ", "0x1",
                                             ".inf", "no", "null", "2026-01-01", "say: ", "step: ", "slots: "])),
                  max_size=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(story=st.sampled_from(_STORY_TEXTS), edits=_EDITS)
def test_an_edited_story_loads_or_is_refused_with_a_replay_file_error(tmp_path, story, edits):
    """Whatever a slip of the keyboard does to a file, the answer is a ReplayFileError (one line), never a crash."""
    for position, cut, insert in edits:
        position %= len(story) + 1
        story = story[:position] + insert + story[position + cut:]
    path = tmp_path / "edited.yaml"
    path.write_text(story, encoding="utf-8")
    try:
        load_replay(path)
    except ReplayFileError as error:
        assert "\n" not in str(error)
