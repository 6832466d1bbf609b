"""Trains the learned second opinion on the development bank's tuning split only: `make red-flag-model`.

`python -m bench.red_flag_model [--out PATH]` trains on bench/red_flags/dev.jsonl (emergency sentences weigh twice,
CLASS_WEIGHTS) and picks its thresholds where the rules and the model meet writers they have not seen: forward-chained
over the bank's rounds 3-6, each round read by the rules as they stood when it was added (from git history) and
scored by a model trained on the earlier rounds. Of the thresholds (raising to each of emergency, urgent, soon and the
clarifying question; it never lowers a rule's tier, the issue's condition for a learned part) that add no false alarm overall,
add almost none of any tier (TIER_ALARM_MARGIN), never take a tier from a sentence that has one, and change none of
the project's reviewed phrasings (tests/test_safety.py, tests/test_locales.py) that the rules get right, it keeps
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
import math
import random
import subprocess
import sys
import types
from pathlib import Path

from bench.red_flag_report import BANK
from skill.core.content import load_document
from skill.core.safety.learned import CLASSES, MODELS, decide, features, probabilities, protective_concepts
from skill.core.safety.triage import Triage, rules_alone

REPO = Path(__file__).resolve().parents[1]

EPOCHS = 20
LEARNING_RATE = 0.3
L2 = 1e-2
SEED = 20261206
NEVER = 1.01  # above any probability: never raise to that tier
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.97, 0.99, NEVER)
TIER_ALARM_MARGIN = 0.003  # of harmless sentences: about 2 of the ~750 that rounds 3-6 hold
# Leave-round-out (rules and model from bank rounds 1-5, scored on round 6's tuning sentences by writers neither had
# seen), weighting emergency twice and judging emergency apart raised round-6 emergency recall from 90.8 % to
# 92.4 % and all-tier recall from 85.8 % to 89.9 %, false alarms unchanged (30.0 %; the rules alone 29.6 %).
CLASS_WEIGHTS = {"emergency": 2.0}
KEEP_ABOVE = 0.005  # weights this small are dropped from the shipped file


def training_rows(path: Path = BANK / "dev.jsonl") -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def examples(rows: list[dict], triage: Triage) -> list[tuple[dict[str, float], int]]:
    found = []
    for row in rows:
        reading = triage.read(row["text"])
        if reading is not None:
            found.append((features(reading), CLASSES.index(row["tier"])))
    return found


def train(data: list[tuple[dict[str, float], int]]) -> dict[str, list[float]]:
    """Softmax regression by AdaGrad, in a fixed order from a fixed seed."""
    weights: dict[str, list[float]] = {}
    squares: dict[str, list[float]] = {}
    order = list(range(len(data)))
    shuffle = random.Random(SEED)
    class_weights = [CLASS_WEIGHTS.get(tier, 1.0) for tier in CLASSES]
    for _ in range(EPOCHS):
        shuffle.shuffle(order)
        for index in order:
            found, label = data[index]
            chances = probabilities(weights, found)
            weight = class_weights[label]
            for name, value in found.items():
                row = weights.setdefault(name, [0.0] * len(CLASSES))
                square = squares.setdefault(name, [1e-8] * len(CLASSES))
                for k in range(len(CLASSES)):
                    gradient = (chances[k] - (k == label)) * value * weight + L2 * row[k]
                    square[k] += gradient * gradient
                    row[k] -= LEARNING_RATE * gradient / math.sqrt(square[k])
    return weights


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


def held_out(rows: list[dict]) -> tuple[list[str], list[Judged], list[int]]:
    """Forward-chained: each round (ROUND_ADDED_IN) read by the rules as they stood when it was added, and scored
    by a model trained on the earlier rounds under those rules; (gold tiers, judged, round of each)."""
    numbers = rounds(rows)
    gold, items, held_rounds = [], [], []
    for held, commit in ROUND_ADDED_IN.items():
        document = rules_document_at(commit)
        then = rules_at(commit, document)
        weights = train(examples([row for row, n in zip(rows, numbers) if n < held], then))
        test = [row for row, n in zip(rows, numbers) if n == held]
        gold += [row["tier"] for row in test]
        items += judged(then, document, weights, [row["text"] for row in test])
        held_rounds += [held] * len(test)
    return gold, items, held_rounds


def choose_thresholds(gold: list[str], items: list[Judged], reviewed: list[tuple[str, Judged]] = ()
                      ) -> tuple[dict[str, float], list[str]]:
    """The thresholds with the best held-out recall among those that add no false alarm overall, add at most
    TIER_ALARM_MARGIN of emergency, urgent or soon false alarms each, leave no sentence that has a tier without one,
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
        if (sum(alarms.values()) > sum(rules_alarms.values()) + 1e-9
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


def build(rows: list[dict], triage: Triage, thresholds: dict[str, float],
          weights: dict[str, list[float]] | None = None) -> dict:
    weights = weights if weights is not None else train(examples(rows, triage))
    kept = {name: [round(w, 4) for w in row] for name, row in sorted(weights.items())
            if max(map(abs, row)) > KEEP_ABOVE}
    digest = hashlib.sha256((BANK / "dev.jsonl").read_bytes()).hexdigest()
    return {"_about": "Learned second opinion for red-flag triage (skill/core/safety/learned.py); written by "
                      "`make red-flag-model` from bench/red_flags/dev.jsonl only. Do not edit by hand.",
            "trained_on": {"file": "bench/red_flags/dev.jsonl", "sha256": digest, "sentences": len(rows)},
            "classes": list(CLASSES), "thresholds": thresholds, "weights": kept}


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


def round_report(rows: list[dict]) -> list[str]:
    numbers = rounds(rows)
    today = rules_alone("en-US")
    gold, items, held_rounds = held_out(rows)
    reviewed = reviewed_judged(rows, today)
    chosen, _ = choose_thresholds(gold, items, reviewed)
    nested: list[str] = []
    for held in ROUND_ADDED_IN:
        others = [(g, item) for g, item, n in zip(gold, items, held_rounds) if n != held]
        thresholds, _ = choose_thresholds([g for g, _ in others], [item for _, item in others], reviewed)
        nested += _decided([item for item, n in zip(items, held_rounds) if n == held], thresholds)
    lines = ["forward-chained, rounds 3-6: rules as they stood when the round was added, model on earlier rounds:",
             f"  {'rules alone':42} {_figures(gold, [item[0] for item in items])}",
             f"  {'model at the previous thresholds':42} {_figures(gold, _decided(items, PREVIOUS))}",
             f"  {'model, thresholds chosen on the other rounds':42} {_figures(gold, nested)}",
             f"  {f'model at {chosen}':42} {_figures(gold, _decided(items, chosen))}",
             "leave-one-round-out, today's rules (tuned on every round, so they flatter the rules):"]
    document = load_document("en-US", "red_flags")
    loro_gold: list[str] = []
    loro_items: list[Judged] = []
    for held in sorted(set(numbers)):
        weights = train(examples([row for row, n in zip(rows, numbers) if n != held], today))
        test = [row for row, n in zip(rows, numbers) if n == held]
        loro_gold += [row["tier"] for row in test]
        loro_items += judged(today, document, weights, [row["text"] for row in test])
    lines += [f"  {'rules alone':42} {_figures(loro_gold, [item[0] for item in loro_items])}",
              f"  {'model at the previous thresholds':42} {_figures(loro_gold, _decided(loro_items, PREVIOUS))}",
              f"  {'model at those chosen on rounds 3-6':42} {_figures(loro_gold, _decided(loro_items, chosen))}"]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODELS / "en.json")
    parser.add_argument("--rounds", action="store_true", help="measure across the bank's rounds; write nothing")
    args = parser.parse_args(argv)
    if args.rounds:
        print("\n".join(round_report(training_rows())))
        return 0
    triage, rows = rules_alone("en-US"), training_rows()
    weights = train(examples(rows, triage))
    thresholds, lines = choose_thresholds(*held_out(rows)[:2], reviewed_judged(rows, triage, weights))
    print("\n".join(lines))
    model = build(rows, triage, thresholds, weights)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model, separators=(",", ":"), sort_keys=False) + "\n", encoding="utf-8")
    print(f"thresholds {model['thresholds']}; {len(model['weights'])} features -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
