"""The resolver on held-out natural requests and short answers (bench/understanding/, written by an independent writer
from what the skill says, not from the model): a correctness floor on the development files, and the scorer itself.
The sealed files are scored by `python -m bench.understanding --bank FILE`, never here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import understanding
from bench.understanding import DEV_FILES, TARGET, Line, context_for, load, score, tallies
from skill.alexa.dialog import PAIN_CHECK, QUESTION_SLOTS
from skill.core.state import Question
from skill.local.nlu.resolver import IntentResolver


@pytest.mark.parametrize("path", DEV_FILES, ids=lambda path: path.name)
def test_the_development_bank_is_understood_at_the_target(path: Path) -> None:
    total, _ = tallies(score(load(path)))
    assert total.lines > 100
    assert (total.intent_share, total.slot_share) >= (TARGET, TARGET), (total.intent_share, total.slot_share)


def test_each_short_answer_gets_only_what_alexa_would_know() -> None:
    """A yes/no question tells Alexa nothing; a question waiting on a slot names it (Dialog.ElicitSlot)."""
    assert context_for("heat_duration") == QUESTION_SLOTS[Question.HEAT_DURATION]
    assert context_for("reminder_time") == QUESTION_SLOTS[Question.REMINDER_TIME]
    assert context_for("pain_check") == PAIN_CHECK
    for yes_or_no in ("stretch_screen", "heat_screen", "another_tip", "clarify", "which_routine", "no_such_question"):
        assert context_for(yes_or_no) is None, yes_or_no


def test_a_bare_number_is_heard_as_minutes_only_while_they_are_asked_for() -> None:
    resolver = IntentResolver.for_locale("en-GB")
    assert resolver.resolve("fifteen").intent == "AMAZON.FallbackIntent"
    answer = resolver.resolve("fifteen", context=QUESTION_SLOTS[Question.HEAT_DURATION])
    assert (answer.intent, answer.slot_values()["minutes"]) == ("HeatTimerIntent", "15")
    # While minutes are asked for, "no" and "cancel" are still themselves: only words that fill the slot answer it.
    assert resolver.resolve("no", context=QUESTION_SLOTS[Question.HEAT_DURATION]).intent == "AMAZON.NoIntent"
    assert resolver.resolve("cancel", context=QUESTION_SLOTS[Question.HEAT_DURATION]).intent == "AMAZON.CancelIntent"


def _scored(heard: str, heard_slots: dict, /, **line: object) -> understanding.Scored:
    defaults = {"text": "x", "intent": "HeatTimerIntent", "slots": {}, "locale": "en-US"}
    return understanding.Scored(Line(**{**defaults, **line}), heard, heard_slots)


def test_the_scorer_honours_alternatives_and_reads_minutes_as_the_skill_does() -> None:
    assert _scored("SetReminderIntent", {"time": "19:30"}, intent="SetReminderIntent", slots={"time": "07:30"},
                   alt=("19:30",)).right
    assert not _scored("SetReminderIntent", {"time": "19:00"}, intent="SetReminderIntent",
                       slots={"time": "07:30"}, alt=("19:30",)).right
    assert _scored("AMAZON.NextIntent", {}, intent="AMAZON.YesIntent", alt_intents=("AMAZON.NextIntent",)).right
    assert not _scored("AMAZON.StopIntent", {}, intent="AMAZON.YesIntent", alt_intents=("AMAZON.NextIntent",)).right
    assert understanding._as_the_skill_reads("HeatTimerIntent", {"duration": None, "minutes": "12"}) == {
        "duration": "PT12M", "minutes": "12"}
    # "Before bed, say ten": the skill reads the hour in the part of the day said with it, so the scorer does.
    assert understanding._as_the_skill_reads("SetReminderIntent", {"time": "10:00", "when": "before bed"},
                                             {"time": None, "when": "NI"})["time"] == "22:00"


def test_any_bank_file_can_be_scored(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bank = tmp_path / "other.jsonl"
    rows = [{"question": "heat_duration", "text": "twelve", "intent": "HeatTimerIntent",
             "slots": {"duration": "PT12M"}, "locale": "en-AU"},
            {"question": "another_tip", "text": "nah i'm good", "intent": "AMAZON.NoIntent", "slots": {},
             "locale": "en-AU"}]
    bank.write_text("\n".join(json.dumps(row) for row in rows) + "\n", encoding="utf-8")
    before = understanding.REPORT.read_bytes() if understanding.REPORT.exists() else None
    assert understanding.main(["--bank", str(bank)]) == 0
    out = capsys.readouterr().out
    assert "2 lines: intent 100.0 %" in out and "| heat_duration | 1 | 1/1 | 1/1 |" in out
    assert (understanding.REPORT.read_bytes() if understanding.REPORT.exists() else None) == before  # report untouched
