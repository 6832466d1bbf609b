"""Trains the learned second opinion on the tuning split and the tuning-only archive: `make red-flag-model`.

`python -m bench.red_flag_model [--out PATH]` trains on bench/red_flags/dev.jsonl and the tuning-only archive
bench/red_flags/probes.jsonl (past probe sets, already tuned on, never sealed: bench/red_flag_bank.py), emergency
sentences weighing twice (CLASS_WEIGHTS), and picks its thresholds where the rules and the model meet writers they
have not seen: forward-chained over the bank's rounds 3-6, each round read by the rules as they stood when it was
added (from git history) and scored by a model trained on the earlier rounds and the archive; and each archived round
held out in turn (today's rules, a model trained on the bank and the other archived rounds). Of the thresholds
(raising to each of emergency, urgent, soon and the clarifying question; it never lowers a rule's tier, the issue's
condition for a learned part) that add almost no false alarm overall (ALARM_MARGIN), add almost none of any tier
(TIER_ALARM_MARGIN), never take a tier from a sentence that has one, and change none of the project's reviewed
phrasings (tests/test_safety.py, tests/test_locales.py) that the rules get right, it keeps
the one with the best recall (the mean over tiers, plus emergency once more). It writes
skill/core/safety/models/en.json (or PATH). The sealed split is never read here. Deterministic: the same bank, rules,
history and code give the same model, which tests/test_learned_triage.py checks. The model never raises where the
rules hold a rule back on purpose (learned.protective_concepts: a young child, "unhurt", a harmless cause).

`python -m bench.red_flag_model --rounds` measures how the rules and the model carry over to writers they have not
seen: leave-one-round-out with today's rules, and forward-chained with each round's thresholds chosen on the other
rounds (the honest estimate of the whole procedure); it writes nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import itertools
import json
import random
import subprocess
import sys
import types
from pathlib import Path

import numpy

from bench import red_flag_bank
from bench.red_flag_report import BANK
from skill.core.content import load_document
from skill.core.safety.learned import CLASSES, MODELS, decide, features, pack, probabilities, protective_concepts
from skill.core.safety.triage import Triage, rules_alone

REPO = Path(__file__).resolve().parents[1]

EPOCHS = 20
LEARNING_RATE = 0.3
L2 = 1e-2
SEED = 20261206
NEVER = 1.01  # above any probability: never raise to that tier
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.97, 0.99, NEVER)
TIER_ALARM_MARGIN = 0.003  # of harmless sentences: about 2 of the ~750 that rounds 3-6 hold
# Added false alarms allowed overall, as a share of the held-out harmless sentences: one in a thousand, about 4 of the
# ~4,600 that rounds 3-6 and the archive hold. With rounds 3-6 alone (~750) the rule was "none at all"; over six times
# as many sentences, "none" let one sentence veto raising to emergency at any threshold ("cant get both legs into
# these jeans", read by the rules of its day, 0.998 sure): forward-chained emergency recall 85.9 % instead of 93 %.
ALARM_MARGIN = 0.001
# Leave-round-out (rules and model from bank rounds 1-5, scored on round 6's tuning sentences by writers neither had
# seen), weighting emergency twice and judging emergency apart raised round-6 emergency recall from 90.8 % to
# 92.4 % and all-tier recall from 85.8 % to 89.9 %, false alarms unchanged (30.0 %; the rules alone 29.6 %).
CLASS_WEIGHTS = {"emergency": 2.0}
KEEP_ABOVE = 0.005  # weights this small are dropped from the shipped file
# A feature in fewer training sentences than this is left out: it cannot carry over to new writers, and with the
# archive it would double the shipped file (and its load at the first utterance).
MIN_SENTENCES = 2


def training_rows(path: Path = BANK / "dev.jsonl") -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def archive_rows(bank: Path = BANK) -> list[dict]:
    """The tuning-only archive: probe sentences already tuned on, for training only (each with its `round`)."""
    return red_flag_bank.archived(bank)


def examples(rows: list[dict], triage: Triage) -> list[tuple[dict[str, float], int]]:
    found = []
    for row in rows:
        reading = triage.read(row["text"])
        if reading is not None:
            found.append((features(reading), CLASSES.index(row["tier"])))
    return found


def train(data: list[tuple[dict[str, float], int]]) -> dict[str, list[float]]:
    """Softmax regression by AdaGrad, one sentence at a time in a fixed order from a fixed seed, over the features of
    at least MIN_SENTENCES sentences. (numpy here, for the archive's size: inference stays pure Python.)"""
    seen: dict[str, int] = {}
    for found, _ in data:
        for name in found:
            seen[name] = seen.get(name, 0) + 1
    names = sorted(name for name, count in seen.items() if count >= MIN_SENTENCES)
    index = {name: number for number, name in enumerate(names)}
    rows = []
    for found, label in data:
        kept = [(index[name], value) for name, value in found.items() if name in index]
        rows.append((numpy.array([i for i, _ in kept], dtype=numpy.intp),
                     numpy.array([v for _, v in kept], dtype=float), label))
    weights = numpy.zeros((len(names), len(CLASSES)))
    squares = numpy.full((len(names), len(CLASSES)), 1e-8)
    class_weights = [CLASS_WEIGHTS.get(tier, 1.0) for tier in CLASSES]
    order = list(range(len(rows)))
    shuffle = random.Random(SEED)
    for _ in range(EPOCHS):
        shuffle.shuffle(order)
        for number in order:
            columns, values, label = rows[number]
            row = weights[columns]
            scores = values @ row
            chances = numpy.exp(scores - scores.max())
            chances /= chances.sum()
            chances[label] -= 1.0
            gradient = numpy.outer(values, chances * class_weights[label]) + L2 * row
            squares[columns] += gradient * gradient
            weights[columns] = row - LEARNING_RATE * gradient / numpy.sqrt(squares[columns])
    return {name: weights[number].tolist() for number, name in enumerate(names)}


def reviewed_phrasings() -> list[tuple[str, str]]:
    """The project's own reviewed phrasings, (text, expected tier or "none"): every list of (text, tier) pairs in
    tests/test_safety.py, and the local words of tests/test_locales.py (everyday uses expect no tier)."""
    safety, locales = (_test_module(name) for name in ("test_safety", "test_locales"))
    pairs = [item for value in vars(safety).values() if isinstance(value, list) for item in value
             if isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)
             and (item[1] is None or item[1] in CLASSES)]
    pairs += [(text, tier) for _, text, tier in locales.LOCAL_RED_FLAG_WORDS]
    pairs += [(text, None) for _, text in locales.EVERYDAY_LOCAL_WORDS]
    return [(text, expected or "none") for text, expected in pairs]


def _test_module(name: str):
    tests = str(REPO / "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)  # the test modules import their conftest helpers by name
    spec = importlib.util.spec_from_file_location(f"reviewed_{name}", REPO / "tests" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _thresholds(emergency: float, urgent: float, soon: float | None = None, clarify: float | None = None
                ) -> dict[str, float]:
    """Thresholds for raising to each tier (soon and clarify as urgent unless given)."""
    soon = urgent if soon is None else soon
    return {"emergency": emergency, "urgent": urgent, "soon": soon, "clarify": soon if clarify is None else clarify}


# (the rules' tier, no protective concept live, the model's chances)
Judged = tuple[str, bool, list[float] | None]


def judged(triage, rules: dict, weights: dict[str, list[float]], texts: list[str]) -> list[Judged]:
    """What the rules (`triage`, compiled from the document `rules`) found in each text and how sure the model is of
    each tier, taken once for any thresholds."""
    holds_back, out = protective_concepts(rules), []
    for text in texts:
        finding, reading = triage.classify(text), triage.read(text)
        out.append((finding.tier if finding else "none",
                    reading is not None and holds_back.isdisjoint(reading.live),
                    probabilities(weights, features(reading)) if reading is not None else None))
    return out


def _decided(items: list[Judged], thresholds: dict[str, float]) -> list[str]:
    return [decide(tier, chances, thresholds, may_raise) if chances else tier
            for tier, may_raise, chances in items]


def _alarms(gold: list[str], found: list[str]) -> dict[str, float]:
    harmless = max(sum(g == "none" for g in gold), 1)
    return {tier: sum(g == "none" and f == tier for g, f in zip(gold, found)) / harmless for tier in CLASSES[:-1]}


def _recall(gold: list[str], found: list[str]) -> float:
    """Mean recall over the four tiers, plus emergency recall once more."""
    hits = {tier: [f == g for g, f in zip(gold, found) if g == tier] for tier in CLASSES[:-1]}
    shares = {tier: sum(h) / max(len(h), 1) for tier, h in hits.items()}
    return sum(shares.values()) / len(shares) + shares["emergency"]


def held_out(rows: list[dict], archive: list[dict] = ()) -> tuple[list[str], list[Judged], list[int]]:
    """Forward-chained: each round (ROUND_ADDED_IN) read by the rules as they stood when it was added, and scored
    by a model trained on the earlier rounds and the `archive` under those rules; (gold tiers, judged, round of
    each)."""
    numbers = rounds(rows)
    gold, items, held_rounds = [], [], []
    for held, commit in ROUND_ADDED_IN.items():
        document = rules_document_at(commit)
        then = rules_at(commit, document)
        weights = train(examples([row for row, n in zip(rows, numbers) if n < held] + list(archive), then))
        test = [row for row, n in zip(rows, numbers) if n == held]
        gold += [row["tier"] for row in test]
        items += judged(then, document, weights, [row["text"] for row in test])
        held_rounds += [held] * len(test)
    return gold, items, held_rounds


def archive_held_out(rows: list[dict], archive: list[dict], triage: Triage
                     ) -> tuple[list[str], list[Judged], list[str]]:
    """Each archived round held out in turn: read by today's rules (tuned on it, so they flatter the rules, not the
    model) and scored by a model trained on the bank and the other archived rounds; (gold, judged, round of each)."""
    document = load_document("en-US", "red_flags")
    found = {id(row): features(reading) for row in [*rows, *archive]
             for reading in [triage.read(row["text"])] if reading is not None}
    gold, items, held_rounds = [], [], []
    for held in sorted({row["round"] for row in archive}):
        training = [*rows, *(row for row in archive if row["round"] != held)]
        weights = train([(found[id(row)], CLASSES.index(row["tier"])) for row in training if id(row) in found])
        test = [row for row in archive if row["round"] == held]
        gold += [row["tier"] for row in test]
        items += judged(triage, document, weights, [row["text"] for row in test])
        held_rounds += [held] * len(test)
    return gold, items, held_rounds


def choose_thresholds(gold: list[str], items: list[Judged], reviewed: list[tuple[str, Judged]] = ()
                      ) -> tuple[dict[str, float], list[str]]:
    """The thresholds with the best held-out recall among those that add at most ALARM_MARGIN of false alarms
    overall, at most TIER_ALARM_MARGIN of emergency, urgent or soon false alarms each, leave no sentence that has a
    tier without one,
    and change none of the `reviewed` phrasings [(expected tier, judged)] the rules get right; on a tie the higher
    thresholds (the less the model does)."""
    rules = [item[0] for item in items]
    rules_alarms = _alarms(gold, rules)
    right = [(expected, item) for expected, item in reviewed if item[0] == expected]
    best, admissible = None, 0
    sets = list(itertools.product(THRESHOLDS, THRESHOLDS, THRESHOLDS, THRESHOLDS))
    for values in sets:
        thresholds = _thresholds(*values)
        if any(_decided([item], thresholds)[0] != expected for expected, item in right):
            continue
        found = _decided(items, thresholds)
        alarms = _alarms(gold, found)
        if (sum(alarms.values()) > sum(rules_alarms.values()) + ALARM_MARGIN + 1e-9
                or any(alarms[t] > rules_alarms[t] + TIER_ALARM_MARGIN for t in ("emergency", "urgent", "soon"))
                or any(g != "none" and f == "none" and r != "none" for g, f, r in zip(gold, found, rules))):
            continue
        admissible += 1
        key = (round(_recall(gold, found), 9), *values)
        best = key if best is None or key > best else best
    chosen = _thresholds(*best[1:]) if best else _thresholds(NEVER, NEVER)
    lines = [f"held out (forward-chained), rules alone:   {_figures(gold, rules)}",
             f"held out, with the model at {chosen}: {_figures(gold, _decided(items, chosen))}",
             f"{admissible} of {len(sets)} threshold sets admissible"]
    return chosen, lines


def trained_on(bank: Path = BANK) -> list[dict]:
    """What the model was trained on, file by file: the tuning split and the archive (never the sealed split)."""
    files = [bank / "dev.jsonl", bank / red_flag_bank.ARCHIVE]
    return [{"file": f"bench/red_flags/{path.name}", "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
            for path in files if path.exists()]


def build(rows: list[dict], triage: Triage, thresholds: dict[str, float],
          weights: dict[str, list[float]] | None = None) -> dict:
    """The shipped model from `rows` (the tuning split and the archive)."""
    weights = weights if weights is not None else train(examples(rows, triage))
    kept = {name: row for name, row in weights.items() if max(map(abs, row)) > KEEP_ABOVE}
    return {"_about": "Learned second opinion for red-flag triage (skill/core/safety/learned.py); written by "
                      "`make red-flag-model` from bench/red_flags/dev.jsonl and probes.jsonl only (never the sealed "
                      "split). Do not edit by hand.",
            "trained_on": trained_on(), "sentences": len(rows),
            "classes": list(CLASSES), "thresholds": thresholds, **pack(kept)}


# The commit that appended each of rounds 3-6 to the bank: its rules had been tuned on the earlier rounds only (the
# engine took its Reading, which the model needs, in round 3).
ROUND_ADDED_IN = {3: "6fe7640", 4: "a17bc38", 5: "2cd2ba0", 6: "6067bbd"}
PREVIOUS = _thresholds(0.97, 0.9)  # chosen until December 2026 by 5-fold cross-validation under today's rules
# Tried and dropped. Before the thresholds were chosen forward-chained, the model caught 90.6 % of emergencies there
# (FA 19.4 %, the old rules' own 19.2 %); leave-one-round-out 99.4 % (FA 5.3 %). Word pairs and trigrams over the
# sentence with each lexicon phrase replaced by its concept or cue class: 90.4-91.5 %, false alarms up to 19.8 %,
# clarify lower. Each sentence again with lexicon phrases swapped for others of the same concept: 90.3-90.6 %. Each
# sentence again without the rules' concepts and cues (words only): 91.7 % at 19.5 %, leave-one-round-out unchanged,
# within retraining noise on the sealed split. Forward-chained with (emergency, other tiers, dismissal) thresholds
# chosen on the other rounds and no reviewed-phrasings guard, against this model's E 92.5 U 91.9 S 91.2 C 87.7 FA
# 17.7: character 3-5-grams of each word, E 92.8 U 91.2 S 89.4 C 84.9 FA 17.5 at four times the training time (at
# full weight they pushed false alarms from 19.9 % to 24.9 % at the same thresholds); pairs of live concepts, E 93.5
# U 91.9 S 90.3 C 85.6 FA 17.7 (with L2 3e-2); concepts crossed with the blocker cues present (scope), E 91.4 U 92.1
# S 88.5; only features seen in two sentences or more (40 % of the file), E 92.8 U 91.2 S 91.6 C 85.6, but lower
# without dismissal; eight epochs, or emergency weighing three times, within a point either way: all within noise,
# so the model stays as it was. Leaving the rules' bare clarifying question unasked when the model was 99 % sure of
# "none" dropped 7 of 35 question false alarms forward-chained, but it lowers a rule's tier, which issue 11 forbids.
# With the archive (December 2026), each archived round held out at fixed thresholds (0.97/0.95/0.9/0.9), against
# E 97.5 U 97.5 S 95.4 FA 4.9 (rules alone E 96.1 U 97.1 S 94.0 FA 4.7): every feature, singletons too, the same
# figures at twice the file; pairs of live concepts E 97.4 U 97.5 S 94.9 FA 4.8; character 4-grams of each word
# E 97.8 U 97.7 S 95.6 but FA 5.3; emergency weighing once, forward-chained, 0.3-1.1 points less emergency recall at
# the same false alarms. None kept.


def rounds(rows: list[dict]) -> list[int]:
    """The round (1, 2, ...) each tuning sentence was written in. `bench.red_flag_bank add` appends a round whole and
    in (tier, category) order, so a round starts wherever that order goes back."""
    found, number = [], 1
    for index, row in enumerate(rows):
        if index and (row["tier"], row["category"]) < (rows[index - 1]["tier"], rows[index - 1]["category"]):
            number += 1
        found.append(number)
    return found


def _show(commit: str, path: str) -> str:
    return subprocess.run(["git", "-C", str(REPO), "show", f"{commit}:{path}"], capture_output=True, text=True,
                          check=True).stdout


def rules_document_at(commit: str) -> dict:
    return json.loads(_show(commit, "skill/locale/en/red_flags.json"))


def rules_at(commit: str, document: dict | None = None) -> Triage:
    """The red-flag engine as it stood at `commit` (skill/safety/ then), from git history, with its rules (`document`,
    read from that commit when not given)."""
    def show(path: str) -> str:
        return _show(commit, path)

    text = types.ModuleType(f"text_at_{commit}")
    exec(compile(show("skill/safety/text.py"), text.__name__, "exec"), text.__dict__)
    sys.modules[text.__name__] = text
    source = (show("skill/safety/triage.py").replace("from skill.safety.text import", f"from {text.__name__} import")
              .replace("from skill.content import load_document", "load_document = None"))
    engine = types.ModuleType(f"triage_at_{commit}")
    sys.modules[engine.__name__] = engine  # dataclasses look their module up by name
    exec(compile(source, engine.__name__, "exec"), engine.__dict__)
    return engine.Triage.from_rules(rules_document_at(commit) if document is None else document)


def _figures(gold: list[str], found: list[str]) -> str:
    parts = []
    for tier in CLASSES[:-1]:
        hits = [f == tier for g, f in zip(gold, found) if g == tier]
        parts.append(f"{tier[0].upper()} {100 * sum(hits) / max(len(hits), 1):5.1f}")
    alarms = [f != "none" for g, f in zip(gold, found) if g == "none"]
    return " ".join(parts) + f" FA {100 * sum(alarms) / max(len(alarms), 1):5.1f}"


def reviewed_judged(rows: list[dict], triage: Triage, weights: dict[str, list[float]] | None = None
                    ) -> list[tuple[str, Judged]]:
    """The reviewed phrasings, (expected tier, judged) by today's rules and the model trained on the whole split."""
    weights = weights if weights is not None else train(examples(rows, triage))
    reviewed = reviewed_phrasings()
    found = judged(triage, load_document("en-US", "red_flags"), weights, [text for text, _ in reviewed])
    return [(expected, item) for (_, expected), item in zip(reviewed, found)]


def round_report(rows: list[dict], archive: list[dict] = ()) -> list[str]:
    """Carry-over to writers neither the rules nor the model has seen, with the model trained on the bank and the
    `archive` (pass none to measure what the archive adds)."""
    archive = list(archive)
    numbers = rounds(rows)
    today = rules_alone("en-US")
    gold, items, held_rounds = held_out(rows, archive)
    pooled_gold, pooled = list(gold), list(items)
    if archive:
        archive_gold, archived, archive_rounds = archive_held_out(rows, archive, today)
        pooled_gold += archive_gold
        pooled += archived
    reviewed = reviewed_judged(rows + archive, today)
    chosen, _ = choose_thresholds(pooled_gold, pooled, reviewed)
    nested: list[str] = []
    for held in ROUND_ADDED_IN:
        others = [(g, item) for g, item, n in zip(gold, items, held_rounds) if n != held]
        if archive:
            others += list(zip(archive_gold, archived))
        thresholds, _ = choose_thresholds([g for g, _ in others], [item for _, item in others], reviewed)
        nested += _decided([item for item, n in zip(items, held_rounds) if n == held], thresholds)
    trained = "earlier rounds and the archive" if archive else "earlier rounds"
    lines = [f"forward-chained, rounds 3-6: rules as they stood when the round was added, model on {trained}:",
             f"  {'rules alone':42} {_figures(gold, [item[0] for item in items])}",
             f"  {'model at the previous thresholds':42} {_figures(gold, _decided(items, PREVIOUS))}",
             f"  {'model, thresholds chosen on the other rounds':42} {_figures(gold, nested)}",
             f"  {f'model at {chosen}':42} {_figures(gold, _decided(items, chosen))}"]
    if archive:
        lines += ["archived rounds, each held out (today's rules, tuned on them; model on the bank and the others):",
                  f"  {'rules alone':42} {_figures(archive_gold, [item[0] for item in archived])}",
                  f"  {f'model at {chosen}':42} {_figures(archive_gold, _decided(archived, chosen))}"]
    lines.append("leave-one-round-out, today's rules (tuned on every round, so they flatter the rules):")
    document = load_document("en-US", "red_flags")
    loro_gold: list[str] = []
    loro_items: list[Judged] = []
    for held in sorted(set(numbers)):
        weights = train(examples([row for row, n in zip(rows, numbers) if n != held] + archive, today))
        test = [row for row, n in zip(rows, numbers) if n == held]
        loro_gold += [row["tier"] for row in test]
        loro_items += judged(today, document, weights, [row["text"] for row in test])
    lines += [f"  {'rules alone':42} {_figures(loro_gold, [item[0] for item in loro_items])}",
              f"  {'model at the previous thresholds':42} {_figures(loro_gold, _decided(loro_items, PREVIOUS))}",
              f"  {'model at those chosen above':42} {_figures(loro_gold, _decided(loro_items, chosen))}"]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODELS / "en.json")
    parser.add_argument("--rounds", action="store_true", help="measure across the bank's rounds; write nothing")
    parser.add_argument("--without-archive", action="store_true",
                        help="with --rounds: train on the tuning split alone, to see what the archive adds")
    args = parser.parse_args(argv)
    if args.rounds:
        print("\n".join(round_report(training_rows(), () if args.without_archive else archive_rows())))
        return 0
    triage, rows, archive = rules_alone("en-US"), training_rows(), archive_rows()
    weights = train(examples(rows + archive, triage))
    chained_gold, chained = held_out(rows, archive)[:2]
    archive_gold, archived = archive_held_out(rows, archive, triage)[:2]
    thresholds, lines = choose_thresholds(chained_gold + archive_gold, chained + archived,
                                          reviewed_judged(rows, triage, weights))
    print("\n".join(lines))
    for name, gold, items in (("bank rounds 3-6, forward-chained", chained_gold, chained),
                              ("archived rounds, each held out", archive_gold, archived)):
        print(f"{name}: rules alone {_figures(gold, [item[0] for item in items])}; "
              f"with the model {_figures(gold, _decided(items, thresholds))}")
    model = build(rows + archive, triage, thresholds, weights)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model, separators=(",", ":"), sort_keys=False) + "\n", encoding="utf-8")
    print(f"thresholds {model['thresholds']}; {len(model['features'])} features -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
