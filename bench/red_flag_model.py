"""Trains the learned second opinion on the development bank's tuning split only: `make red-flag-model`.

`python -m bench.red_flag_model` picks two thresholds, one for raising to emergency and one for raising to urgent,
soon or the clarifying question: of the pairs whose false alarms, by 5-fold cross-validation on
bench/red_flags/dev.jsonl, stay within the rules' own plus one point and which change none of the project's reviewed
phrasings (tests/test_safety.py, tests/test_locales.py) that the rules get right, the one with the best
cross-validated recall (all tiers, plus emergency once more); trains on the whole split and writes
skill/core/safety/models/en.json. Emergency sentences weigh twice in training (CLASS_WEIGHTS). The sealed split is
never read here. Deterministic: the same bank and code give the same weights, which tests/test_learned_triage.py
checks.

`python -m bench.red_flag_model --rounds` measures instead how the rules and the model carry over to writers they have
not seen, on the tuning split's rounds (`rounds`): leave-one-round-out with today's rules, and forward-chained, the
rules as they stood when each round was added (from git history) and a model trained on the earlier rounds.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import math
import random
import subprocess
import sys
import types
from pathlib import Path

from bench.red_flag_report import BANK
from skill.core.safety.learned import CLASSES, MODELS, LearnedSecondOpinion, features, probabilities
from skill.core.safety.triage import Triage, rules_alone

REPO = Path(__file__).resolve().parents[1]

EPOCHS = 20
LEARNING_RATE = 0.3
L2 = 1e-2
SEED = 20261206
THRESHOLDS = (0.6, 0.7, 0.8, 0.9, 0.95, 0.97, 0.99, 1.01)  # 1.01: never raise to that tier
# Leave-round-out (rules and model from bank rounds 1-5, scored on round 6's tuning sentences by writers neither had
# seen), weighting emergency twice and judging emergency apart raised round-6 emergency recall from 90.8 % to
# 92.4 % and all-tier recall from 85.8 % to 89.9 %, false alarms unchanged (30.0 %; the rules alone 29.6 %).
CLASS_WEIGHTS = {"emergency": 2.0}
FOLDS = 5
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


def recall_and_false_alarms(rows: list[dict], found: list[str]) -> tuple[float, float]:
    hits = [f == r["tier"] for r, f in zip(rows, found) if r["tier"] != "none"]
    alarms = [f != "none" for r, f in zip(rows, found) if r["tier"] == "none"]
    return sum(hits) / len(hits), sum(alarms) / max(len(alarms), 1)


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


def _thresholds(emergency: float, others: float) -> dict[str, float]:
    return {tier: emergency if tier == "emergency" else others for tier in CLASSES[:-1]}


def _raised(weights: dict[str, list[float]], readings: list, thresholds: dict[str, float]) -> list[str]:
    """Each tier the rules found, raised by the model at `thresholds` where it reads the sentence: `readings` are
    [(rules' finding, reading)], taken once."""
    opinion = LearnedSecondOpinion(weights, thresholds, "?")
    out = []
    for finding, reading in readings:
        if reading is not None:
            finding = opinion.raise_(finding, reading)
        out.append(finding.tier if finding else "none")
    return out


def choose_thresholds(rows: list[dict], triage: Triage) -> tuple[dict[str, float], list[str]]:
    """The pair (raising to emergency, raising to another tier) with the best recall that keeps false alarms within
    the rules' own plus one point, cross-validated on the tuning split, and changes none of the project's reviewed
    phrasings the rules get right; on a tie, the higher thresholds (the less raising)."""
    order = list(range(len(rows)))
    random.Random(SEED).shuffle(order)
    folds = [order[k::FOLDS] for k in range(FOLDS)]
    read = [(triage.classify(row["text"]), triage.read(row["text"])) for row in rows]
    pairs = [(e, o) for e in THRESHOLDS for o in THRESHOLDS]
    held_out: dict[tuple[float, float], list[str]] = {pair: [""] * len(rows) for pair in pairs}
    for fold in folds:
        inside = set(fold)
        weights = train(examples([rows[i] for i in order if i not in inside], triage))
        for pair in pairs:
            for i, tier in zip(fold, _raised(weights, [read[i] for i in fold], _thresholds(*pair))):
                held_out[pair][i] = tier
    _, rules_alarms = recall_and_false_alarms(rows, [finding.tier if finding else "none" for finding, _ in read])
    weights = train(examples(rows, triage))
    reviewed = reviewed_phrasings()
    reviewed_read = [(triage.classify(text), triage.read(text)) for text, _ in reviewed]
    reviewed_rules = [finding.tier if finding else "none" for finding, _ in reviewed_read]
    lines, best = [], None
    for pair in pairs:
        recall, alarms = recall_and_false_alarms(rows, held_out[pair])
        emergency = [f == "emergency" for r, f in zip(rows, held_out[pair]) if r["tier"] == "emergency"]
        emergency_recall = sum(emergency) / max(len(emergency), 1)
        broken = [text for (text, expected), rule, raised in zip(reviewed, reviewed_rules,
                                                                  _raised(weights, reviewed_read, _thresholds(*pair)))
                  if rule == expected and raised != expected]
        lines.append(f"thresholds emergency {pair[0]}, others {pair[1]}: recall {recall:.3f} (emergency "
                     f"{emergency_recall:.3f}), false alarms {alarms:.3f} (cross-validated), reviewed phrasings "
                     f"changed {len(broken)}{': ' + '; '.join(broken[:3]) if broken else ''}")
        if alarms <= rules_alarms + 0.01 and not broken:
            key = (round(recall + emergency_recall, 9), -alarms, pair)
            best = key if best is None or key > best else best
    return _thresholds(*(best[-1] if best is not None else (1.01, 1.01))), lines


def build(rows: list[dict], triage: Triage, thresholds: dict[str, float]) -> dict:
    weights = train(examples(rows, triage))
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
ROUND_THRESHOLDS = ((0.97, 0.9), (0.9, 0.9), (0.99, 0.95))
# Tried with --rounds and dropped. Forward-chained, this model catches 90.6 % of emergencies (FA 19.4 %, the old rules'
# own 19.2 %); leave-one-round-out 99.4 % (FA 5.3 %). Word pairs and trigrams over the sentence with each lexicon
# phrase replaced by its concept or cue class: 90.4-91.5 %, false alarms up to 19.8 %, clarify lower. Each sentence
# again with lexicon phrases swapped for others of the same concept: 90.3-90.6 %. Each sentence again without the
# rules' concepts and cues (words only): 91.7 % (91.1-91.8 over four training orders) at 19.5 %, but leave-one-round-
# out unchanged (99.4 %, FA 5.4 %) and on the sealed split emergency 89.4 -> 90.2 % with urgent 90.3 -> 89.9 %,
# six emergencies gained and two lost: within retraining noise, so not kept.


def rounds(rows: list[dict]) -> list[int]:
    """The round (1, 2, ...) each tuning sentence was written in. `bench.red_flag_bank add` appends a round whole and
    in (tier, category) order, so a round starts wherever that order goes back."""
    found, number = [], 1
    for index, row in enumerate(rows):
        if index and (row["tier"], row["category"]) < (rows[index - 1]["tier"], rows[index - 1]["category"]):
            number += 1
        found.append(number)
    return found


def rules_at(commit: str) -> Triage:
    """The red-flag engine and rules as they stood at `commit` (skill/safety/ then), from git history."""
    def show(path: str) -> str:
        return subprocess.run(["git", "-C", str(REPO), "show", f"{commit}:{path}"], capture_output=True, text=True,
                              check=True).stdout

    text = types.ModuleType(f"text_at_{commit}")
    exec(compile(show("skill/safety/text.py"), text.__name__, "exec"), text.__dict__)
    sys.modules[text.__name__] = text
    source = (show("skill/safety/triage.py").replace("from skill.safety.text import", f"from {text.__name__} import")
              .replace("from skill.content import load_document", "load_document = None"))
    engine = types.ModuleType(f"triage_at_{commit}")
    sys.modules[engine.__name__] = engine  # dataclasses look their module up by name
    exec(compile(source, engine.__name__, "exec"), engine.__dict__)
    return engine.Triage.from_rules(json.loads(show("skill/locale/en/red_flags.json")))


def _figures(gold: list[str], found: list[str]) -> str:
    parts = []
    for tier in CLASSES[:-1]:
        hits = [f == tier for g, f in zip(gold, found) if g == tier]
        parts.append(f"{tier[0].upper()} {100 * sum(hits) / max(len(hits), 1):5.1f}")
    alarms = [f != "none" for g, f in zip(gold, found) if g == "none"]
    return " ".join(parts) + f" FA {100 * sum(alarms) / max(len(alarms), 1):5.1f}"


def _score_rounds(rows: list[dict], splits: list[tuple[Triage, list[int], list[int]]]) -> list[str]:
    """Rules alone, then rules and model at each ROUND_THRESHOLDS pair, over every (engine, train, test) split."""
    gold, rules, raised = [], [], {pair: [] for pair in ROUND_THRESHOLDS}
    for triage, train_on, test_on in splits:
        weights = train(examples([rows[i] for i in train_on], triage))
        read = [(triage.classify(rows[i]["text"]), triage.read(rows[i]["text"])) for i in test_on]
        gold += [rows[i]["tier"] for i in test_on]
        rules += [finding.tier if finding else "none" for finding, _ in read]
        for pair in ROUND_THRESHOLDS:
            raised[pair] += _raised(weights, read, _thresholds(*pair))
    return [f"  {'rules alone':24} {_figures(gold, rules)}"] + [
        f"  {f'with model at {pair[0]}/{pair[1]}':24} {_figures(gold, raised[pair])}" for pair in ROUND_THRESHOLDS]


def round_report(rows: list[dict]) -> list[str]:
    numbers = rounds(rows)
    today = rules_alone("en-US")
    lines = ["leave-one-round-out, today's rules (tuned on every round, so they flatter the rules):"]
    lines += _score_rounds(rows, [(today, [i for i, n in enumerate(numbers) if n != held],
                                   [i for i, n in enumerate(numbers) if n == held]) for held in sorted(set(numbers))])
    lines.append("forward-chained, rounds 3-6: rules as they stood when the round was added, model on earlier rounds:")
    lines += _score_rounds(rows, [(rules_at(commit), [i for i, n in enumerate(numbers) if n < held],
                                   [i for i, n in enumerate(numbers) if n == held])
                                  for held, commit in ROUND_ADDED_IN.items()])
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
    thresholds, lines = choose_thresholds(rows, triage)
    print("\n".join(lines))
    model = build(rows, triage, thresholds)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model, separators=(",", ":"), sort_keys=False) + "\n", encoding="utf-8")
    print(f"thresholds {model['thresholds']}; {len(model['weights'])} features -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
