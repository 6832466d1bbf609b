"""Trains the learned second opinion on the development bank's tuning split only: `make red-flag-model`.

`python -m bench.red_flag_model` picks two thresholds, one for raising to emergency and one for raising to urgent,
soon or the clarifying question: of the pairs whose false alarms, by 5-fold cross-validation on
bench/red_flags/dev.jsonl, stay within the rules' own plus one point and which change none of the project's reviewed
phrasings (tests/test_safety.py, tests/test_locales.py) that the rules get right, the one with the best
cross-validated recall (all tiers, plus emergency once more); trains on the whole split and writes
skill/core/safety/models/en.json. Emergency sentences weigh twice in training (CLASS_WEIGHTS). The sealed split is never read here. Deterministic: the same bank and code
give the same weights, which tests/test_learned_triage.py checks.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import math
import random
import sys
from pathlib import Path

from bench.red_flag_report import BANK

REPO = Path(__file__).resolve().parents[1]
from skill.core.safety.learned import CLASSES, MODELS, LearnedSecondOpinion, features, probabilities
from skill.core.safety.triage import Triage, rules_alone

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


def tiers(rows: list[dict], triage: Triage, opinion: LearnedSecondOpinion | None) -> list[str]:
    """Each row's tier from the rules alone (`triage` has no second opinion), raised by `opinion` if given."""
    out = []
    for row in rows:
        finding = triage.classify(row["text"])
        if opinion is not None and (reading := triage.read(row["text"])) is not None:
            finding = opinion.raise_(finding, reading)
        out.append(finding.tier if finding else "none")
    return out


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


def breaks_a_reviewed_phrasing(opinion: LearnedSecondOpinion, triage: Triage,
                               reviewed: list[tuple[str, str]]) -> list[str]:
    """Reviewed phrasings the rules get right and the opinion would change."""
    rows = [{"text": text} for text, _ in reviewed]
    return [text for (text, expected), rule, raised in zip(reviewed, tiers(rows, triage, None),
                                                          tiers(rows, triage, opinion))
            if rule == expected and raised != expected]


def _thresholds(emergency: float, others: float) -> dict[str, float]:
    return {tier: emergency if tier == "emergency" else others for tier in CLASSES[:-1]}


def _raised(weights: dict[str, list[float]], readings: list, thresholds: dict[str, float]) -> list[str]:
    """`tiers` for readings already taken: [(rules' finding, reading)]."""
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=MODELS / "en.json")
    args = parser.parse_args(argv)
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
