"""A learned second opinion on red flags: raises a tier the rules missed, never lowers one (the issue's condition for
a learned part at all: a harmless-looking reading may still be an emergency the rules half saw).

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
# The shipped file stores weights column-wise, as integers at this scale: one list of names and one flat list of
# numbers parse about three times faster than a mapping of small lists of floats, at the first utterance.
_SCALE = 10_000


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


def probabilities(weights: Mapping[str, Sequence[float]], found: Mapping[str, float], scale: float = 1.0
                  ) -> list[float]:
    """The chance of each class; `scale`: what the weights were multiplied by (the shipped file's integers)."""
    scores = [0.0] * len(CLASSES)
    for name, value in found.items():
        row = weights.get(name)
        if row is not None:
            for index, weight in enumerate(row):
                scores[index] += weight * value
    scores = [score / scale for score in scores]
    top = max(scores)
    exps = [math.exp(score - top) for score in scores]
    total = sum(exps)
    return [e / total for e in exps]


def protective_concepts(rules: Mapping) -> frozenset[str]:
    """Concepts the rules use only to keep a rule from firing (a young child, a harmless cause, "unhurt"): where one
    is live the rules declined on purpose, and the model does not overrule them."""
    patterns = [pattern for rule in rules["rules"] for pattern in rule["when"]]
    used = {name for pattern in patterns for name in (*pattern.get("all", ()), *pattern.get("any", ()))}
    # A young child is a subject the rules hold back for (children_need), not a 'none' concept any more.
    children = {text[1:] for text in rules.get("subjects", {}).get("young_children", ()) if text.startswith("@")}
    return frozenset(name for pattern in patterns for name in pattern.get("none", ())) - used | children


def clarify_withheld(rules: Mapping) -> tuple[frozenset[str], frozenset[str]]:
    """'second_opinion' / 'clarify_withheld': the vague complaints, and those with their circumstances. Where all that
    is live is among them and one is a vague complaint ("my back's acting up again today"), the model does not ask the
    clarifying question: it asks about nothing that was said."""
    entry = rules.get("second_opinion", {}).get("clarify_withheld", {})
    vague, circumstances = frozenset(entry.get("vague", ())), frozenset(entry.get("circumstances", ()))
    if unknown := sorted((vague | circumstances) - set(rules["concepts"])):
        raise ValueError(f"second_opinion: clarify_withheld names unknown concepts {unknown}")
    return vague, vague | circumstances


def decide(rules_tier: str, chances: Sequence[float], thresholds: Mapping[str, float], may_raise: bool = True) -> str:
    """The tier to answer: the rules' own, or a more severe one the model is sure of (unless `may_raise` is false)."""
    best = max(range(len(CLASSES)), key=chances.__getitem__)
    current = CLASSES.index(rules_tier)
    if not may_raise or best >= current or CLASSES[best] == "none" or chances[best] < thresholds[CLASSES[best]]:
        return rules_tier
    return CLASSES[best]


class LearnedSecondOpinion:
    def __init__(self, weights: Mapping[str, Sequence[float]], thresholds: float | Mapping[str, float],
                 clarify_question: str, holds_back: frozenset[str] = frozenset(), scale: float = 1.0,
                 withheld: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())):
        """`thresholds`: how sure to be before raising to each tier (one number: the same for every tier).
        `holds_back`: concepts in whose presence it never raises (protective_concepts). `scale`: what the weights
        were multiplied by. `withheld`: where it never asks the clarifying question (clarify_withheld)."""
        self.weights = weights
        self.scale = scale
        if isinstance(thresholds, (int, float)):
            thresholds = {tier: float(thresholds) for tier in CLASSES[:-1]}
        self.thresholds = {tier: float(thresholds[tier]) for tier in CLASSES[:-1]}
        self.clarify_question = clarify_question
        self.holds_back = holds_back
        self.vague, self.vague_with_circumstances = withheld

    def raise_(self, finding: Finding | None, reading: Reading) -> Finding | None:
        """`finding`, or a more severe one when the model is sure of it."""
        rules_tier = finding.tier if finding else "none"
        tier = decide(rules_tier, probabilities(self.weights, features(reading), self.scale), self.thresholds,
                      self.holds_back.isdisjoint(reading.live))
        if tier == rules_tier or (tier == "clarify" and self._only_vague(reading)):
            return finding
        if tier == "clarify":
            return Finding("clarify", "learned_clarify", self.clarify_question, "emergency")
        return Finding(tier, f"learned_{tier}")

    def _only_vague(self, reading: Reading) -> bool:
        """Whether all that is live is a vague complaint and its circumstances ("my back's acting up again today"):
        nothing the clarifying question asks about."""
        live = reading.live.keys()
        return bool(self.vague & live) and live <= self.vague_with_circumstances


def pack(weights: Mapping[str, Sequence[float]]) -> dict:
    """`weights` as the shipped file holds them (names sorted, each row of len(CLASSES) integers at _SCALE)."""
    names = sorted(weights)
    return {"scale": _SCALE, "features": names,
            "weights": [round(weight * _SCALE) for name in names for weight in weights[name]]}


class PackedWeights(Mapping):
    """The shipped file's weights as they were read: each feature's row is cut from the flat list when asked for, so
    loading builds one small index and no list per feature."""

    def __init__(self, names: Sequence[str], flat: Sequence[int]):
        width = len(CLASSES)
        if len(flat) != width * len(names):
            raise ValueError(f"{len(flat)} weights for {len(names)} features of {width} classes")
        self._flat, self._width = flat, width
        self._at = dict(zip(names, range(0, len(flat), width)))

    def get(self, name, default=None):
        at = self._at.get(name)
        return default if at is None else self._flat[at:at + self._width]

    def __getitem__(self, name):
        at = self._at[name]
        return self._flat[at:at + self._width]

    def __iter__(self):
        return iter(self._at)

    def __len__(self):
        return len(self._at)


def unpack(packed: Mapping) -> tuple[PackedWeights, float]:
    """The shipped file's weights (integers) and the scale they were multiplied by."""
    return PackedWeights(packed["features"], packed["weights"]), float(packed["scale"])


@functools.cache
def second_opinion_for(locale: str) -> LearnedSecondOpinion | None:
    """The language's shipped model, or None (rules only) when there is none."""
    path = MODELS / f"{locale.split('-')[0]}.json"
    if not path.is_file():
        return None
    model = json.loads(path.read_text(encoding="utf-8"))
    if tuple(model["classes"]) != CLASSES:
        raise ValueError(f"{path}: classes {model['classes']} are not {CLASSES}")
    rules = load_document(locale, "red_flags")
    weights, scale = unpack(model)
    return LearnedSecondOpinion(weights, model["thresholds"], rules["second_opinion"]["clarify_question"],
                                protective_concepts(rules), scale, clarify_withheld(rules))
