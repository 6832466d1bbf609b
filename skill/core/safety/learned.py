"""A learned second opinion on red flags: raises a tier the rules missed, never lowers one.

Why it is built this way: README.md, "Design notes".
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path
from typing import Mapping, Sequence

from skill.core.content import load_document
from skill.core.safety.triage import Finding, Reading

MODELS = Path(__file__).with_name("models")
CLASSES = ("emergency", "urgent", "soon", "clarify", "none")  # most severe first; the order raising follows
_PUNCTUATION = frozenset({".", ","})
_PREFIX = 5


def features(reading: Reading) -> dict[str, float]:
    """Words, their first letters and word pairs as the rules normalised them, concepts alive and blocked, cues."""
    words = [word for word in reading.words if word not in _PUNCTUATION]
    found: dict[str, float] = {"bias": 1.0}
    found.update((f"w:{word}", 1.0) for word in words)
    # A word's first letters, so "incontinence" learnt from "incontinent" and "tingly" from "tingling" still count.
    found.update((f"p:{word[:_PREFIX]}", 1.0) for word in words if len(word) > _PREFIX)
    found.update((f"b:{first}_{second}", 1.0) for first, second in zip(words, words[1:]))
    found.update((f"c:{name}", 1.0) for name in reading.live)
    found.update((f"x:{name}", 1.0) for name in reading.matched if name not in reading.live)
    found.update((f"l:{name}", 1.0) for name in reading.lexicons if name.startswith(("blocker:", "unless:")))
    return found


def probabilities(weights: Mapping[str, Sequence[float]], found: Mapping[str, float]) -> list[float]:
    scores = [0.0] * len(CLASSES)
    for name, value in found.items():
        row = weights.get(name)
        if row is not None:
            for index, weight in enumerate(row):
                scores[index] += weight * value
    top = max(scores)
    exps = [math.exp(score - top) for score in scores]
    total = sum(exps)
    return [e / total for e in exps]


class LearnedSecondOpinion:
    def __init__(self, weights: Mapping[str, Sequence[float]], thresholds: float | Mapping[str, float],
                 clarify_question: str):
        """`thresholds`: how sure to be before raising to each tier (one number: the same for every tier)."""
        self.weights = weights
        self.thresholds = ({tier: float(thresholds) for tier in CLASSES[:-1]} if isinstance(thresholds, (int, float))
                           else {tier: float(thresholds[tier]) for tier in CLASSES[:-1]})
        self.clarify_question = clarify_question

    def raise_(self, finding: Finding | None, reading: Reading) -> Finding | None:
        """`finding`, or a more severe one when the model is sure of it."""
        chances = probabilities(self.weights, features(reading))
        best = max(range(len(CLASSES)), key=chances.__getitem__)
        tier = CLASSES[best]
        current = CLASSES.index(finding.tier) if finding else CLASSES.index("none")
        if tier == "none" or chances[best] < self.thresholds[tier] or best >= current:
            return finding
        if tier == "clarify":
            return Finding("clarify", "learned_clarify", self.clarify_question, "emergency")
        return Finding(tier, f"learned_{tier}")


@functools.cache
def second_opinion_for(locale: str) -> LearnedSecondOpinion | None:
    """The language's shipped model, or None (rules only) when there is none."""
    path = MODELS / f"{locale.split('-')[0]}.json"
    if not path.is_file():
        return None
    model = json.loads(path.read_text(encoding="utf-8"))
    if tuple(model["classes"]) != CLASSES:
        raise ValueError(f"{path}: classes {model['classes']} are not {CLASSES}")
    question = load_document(locale, "red_flags")["second_opinion"]["clarify_question"]
    return LearnedSecondOpinion(model["weights"], model["thresholds"], question)
