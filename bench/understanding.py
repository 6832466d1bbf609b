"""How well the offline resolver understands people: `python -m bench.understanding` (or `make understanding`).

The banks (bench/understanding/, see its README) were written by an independent writer from what the skill says,
not from the interaction model: natural requests over every intent (`requests.*.jsonl`), and short answers to the
skill's own questions (`short_answers.*.jsonl`, each with the id of the question it answers). Each line goes through
`IntentResolver.for_locale(line's locale).resolve(text, context)`, where `context` is what Alexa itself would know
while that question is open: the slot the skill elicits with Dialog.ElicitSlot (skill.alexa.dialog), or nothing for
a yes/no question, which Alexa cannot tell from any other turn. (On an Echo Show a stretch's check-in goes with its
screen instead, unelicited, and the skill takes a yes to it as fine; the bank scores the voice-only case.)

A line is right when the intent is the expected one (or one of its `alt_intents`) and every slot it gives has the
expected value (or one of its `alt` values); slots it does not give are not scored. Custom slot values are compared
by their resolved name ("lower back"), AMAZON.DURATION as ISO-8601, AMAZON.TIME as HH:MM. A bare number answering
"How many minutes ...?" arrives in HeatTimerIntent's `minutes` slot (AMAZON.DURATION needs a unit) and is scored as
the duration the skill reads from it (skill/alexa/handlers/heat.py): "fifteen" as PT15M.

    python -m bench.understanding                      # the dev files; writes bench/UNDERSTANDING.md
    python -m bench.understanding --bank FILE.jsonl    # any bank file (requests or short answers); prints only
    python -m bench.understanding --misses             # also list the lines it gets wrong

It reports and always exits 0; tests/test_understanding.py holds the dev files to the floor.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

BANK = Path(__file__).with_name("understanding")
DEV_FILES = (BANK / "requests.dev.jsonl", BANK / "short_answers.dev.jsonl")
REPORT = Path(__file__).with_name("UNDERSTANDING.md")
TARGET = 0.95


@dataclass(frozen=True)
class Line:
    text: str
    intent: str
    slots: dict[str, str]
    locale: str
    question: str | None = None
    alt: tuple[str, ...] = ()
    alt_intents: tuple[str, ...] = ()

    @property
    def intents(self) -> tuple[str, ...]:
        return (self.intent, *self.alt_intents)


@dataclass
class Scored:
    line: Line
    intent: str
    slots: dict[str, str | None]

    @property
    def intent_right(self) -> bool:
        return self.intent in self.line.intents

    @property
    def slots_right(self) -> bool:
        """Every slot the line gives has the expected value (an `alt` is allowed for a line's single slot)."""
        for name, expected in self.line.slots.items():
            accepted = {_plain(expected), *(_plain(alt) for alt in self.line.alt)}
            if _plain(self.slots.get(name)) not in accepted:
                return False
        return True

    @property
    def right(self) -> bool:
        return self.intent_right and self.slots_right


@dataclass
class Tally:
    lines: int = 0
    intents_right: int = 0
    with_slots: int = 0
    slots_right: int = 0  # of the lines with slots, those whose intent and slots are both right
    misses: list[Scored] = field(default_factory=list)

    def add(self, scored: Scored) -> None:
        self.lines += 1
        self.intents_right += scored.intent_right
        if scored.line.slots:
            self.with_slots += 1
            self.slots_right += scored.right
        if not scored.right:
            self.misses.append(scored)

    @property
    def intent_share(self) -> float:
        return self.intents_right / self.lines if self.lines else 1.0

    @property
    def slot_share(self) -> float:
        return self.slots_right / self.with_slots if self.with_slots else 1.0

    @property
    def right_share(self) -> float:
        return (self.lines - len(self.misses)) / self.lines if self.lines else 1.0


def load(path: Path) -> list[Line]:
    rows = [json.loads(raw) for raw in path.read_text(encoding="utf-8").splitlines() if raw.strip()]
    return [Line(row["text"], row["intent"], dict(row.get("slots") or {}), row.get("locale", "en-US"),
                 row.get("question"), tuple(row.get("alt") or ()), tuple(row.get("alt_intents") or ()))
            for row in rows]


def context_for(question: str | None):
    """What Alexa knows while the question `question` (a bank's id: a Question value, or "pain_check" for the
    check-in after a stretch) is open: the slot the skill elicits; None for a yes/no question, and for a question
    the skill never asks."""
    from skill.alexa.dialog import PAIN_CHECK, QUESTION_SLOTS
    from skill.core.state import Question
    if question == "pain_check":
        return PAIN_CHECK
    try:
        return QUESTION_SLOTS.get(Question(question)) if question else None
    except ValueError:
        return None


def score(lines: Iterable[Line]) -> list[Scored]:
    from skill.local.nlu.resolver import IntentResolver
    scored = []
    for line in lines:
        resolution = IntentResolver.for_locale(line.locale).resolve(line.text, context=context_for(line.question))
        slots = {name: _slot_text(slot) for name, slot in resolution.slots.items()}
        ids = {name: getattr(slot, "id", None) for name, slot in resolution.slots.items()}
        scored.append(Scored(line, resolution.intent, _as_the_skill_reads(resolution.intent, slots, ids)))
    return scored


def _as_the_skill_reads(intent: str, slots: dict[str, str | None],
                        ids: dict[str, str | None] | None = None) -> dict[str, str | None]:
    minutes = slots.get("minutes")
    if intent == "HeatTimerIntent" and slots.get("duration") is None and minutes and minutes.isdigit():
        return {**slots, "duration": f"PT{minutes}M"}
    if intent == "HeatTimerIntent" and slots.get("duration") is None and slots.get("length") == "the longest":
        from skill.core.heat import MAX_MINUTES
        return {**slots, "duration": f"PT{MAX_MINUTES}M"}  # "max": the longest the skill allows
    if intent == "SetReminderIntent" and slots.get("time") is None and slots.get("when") == "lunchtime":
        return {**slots, "time": "12:00"}  # a part of the day named by a meal, as the skill reads it
    if intent == "SetReminderIntent" and slots.get("time") and (ids or {}).get("when"):
        # "Before bed, say ten": the part of the day said with the hour tells which ten (handlers/reminders.py).
        from skill.core.reminders import DailyTime, read_period
        time = DailyTime.parse(slots["time"])
        if time is not None:
            return {**slots, "time": time.in_period(read_period(ids["when"])).slot_value}
    return slots


def tallies(scored: list[Scored]) -> tuple[Tally, dict[str, Tally]]:
    """The whole file's tally, and one per question (short answers) or per expected intent (requests)."""
    total, groups = Tally(), defaultdict(Tally)
    for one in scored:
        total.add(one)
        groups[one.line.question or one.line.intent].add(one)
    return total, dict(sorted(groups.items()))


def _slot_text(slot: Any) -> str | None:
    """A slot as the bank writes it: a custom value by its resolved name, built-in values as Alexa sends them."""
    if slot.value is None:
        return None
    return slot.canonical if slot.canonical is not None else slot.value


def _plain(value: str | None) -> str | None:
    return " ".join(value.lower().replace("-", " ").split()) if isinstance(value, str) else None


def _percent(share: float) -> str:
    return f"{100 * share:.1f} %"


def _mark(share: float) -> str:
    return "" if share >= TARGET else " ✗"


def report_table(name: str, scored: list[Scored]) -> list[str]:
    total, groups = tallies(scored)
    kind = "question" if any(one.line.question for one in scored) else "intent"
    rows = [f"### {name}", "",
            f"{total.lines} lines: intent {_percent(total.intent_share)}{_mark(total.intent_share)} "
            f"({total.intents_right}/{total.lines}); slots {_percent(total.slot_share)}{_mark(total.slot_share)} "
            f"({total.slots_right}/{total.with_slots} lines that give slots); whole line right "
            f"{_percent(total.right_share)}.", "",
            f"| {kind} | lines | intent right | slots right |", "|---|---|---|---|"]
    for group, tally in groups.items():
        slots = f"{tally.slots_right}/{tally.with_slots}" if tally.with_slots else "—"
        rows.append(f"| {group} | {tally.lines} | {tally.intents_right}/{tally.lines} | {slots} |")
    return rows + [""]


def misses(scored: list[Scored]) -> list[str]:
    out = []
    for one in scored:
        if not one.right:
            got = {name: value for name, value in one.slots.items() if value is not None}
            where = f" [{one.line.question}]" if one.line.question else ""
            out.append(f"  {one.line.text!r}{where} ({one.line.locale}): {one.intent} {got}, expected "
                       f"{one.line.intent} {one.line.slots}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bank", type=Path, action="append",
                        help="a bank file to score (repeatable); without it, the dev files, written to the report")
    parser.add_argument("--misses", action="store_true", help="list the lines the resolver gets wrong")
    args = parser.parse_args(argv)
    files = args.bank or list(DEV_FILES)
    sections = []
    for path in files:
        scored = score(load(path))
        table = report_table(path.name, scored)
        print("\n".join(table))
        if args.misses:
            print("\n".join(misses(scored)) + "\n")
        sections.extend(table)
    if not args.bank:
        REPORT.write_text("\n".join([
            "# Understanding: the resolver on the held-out banks", "",
            "Regenerate with `make understanding` (`python -m bench.understanding`). Each line goes through the offline "
            "resolver of its locale, with what Alexa itself would know while the question is open (the slot the skill "
            "elicits; nothing for a yes/no question). Target: ≥ 95 % intent and slots on each file; ✗ marks a figure "
            "below it. The sealed files are scored with `--bank`, never tuned on.", "", *sections]), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
