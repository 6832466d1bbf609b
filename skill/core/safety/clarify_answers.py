"""Answers to triage's clarifying questions said in words ("both", "just the one leg", "pretty bad") rather than a
plain yes or no. The phrases live in `locale/<lang>/clarify_answers.json` (see its "_about").

A yes/no question about a warning sign must never be dropped because its answer was not "yes" or "no": "both" to
"Is it in both legs, or around your bottom?" is a yes, and on an Echo it arrives as a symptom's slot value."""

from __future__ import annotations

import functools
from typing import Iterable

from skill.core.content import load_document
from skill.core.text import words

_NEGATION_REACH = 3  # words a negator reaches forward: "no numbness down there"


class ClarifyAnswers:
    def __init__(self, document: dict):
        self._negators = frozenset(document.get("negators", ()))
        self._by_question: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        unsure = [(words(phrase), "unsure") for phrase in document.get("unsure", ())]
        for entry in document["choices"].values():
            phrases = [(words(phrase), side) for side in ("yes", "no") for phrase in entry[side]] + unsure
            phrases.sort(key=lambda item: -len(item[0]))  # the longest first: "not both" before "both"
            for asked_by in entry["asked_by"]:
                self._by_question[asked_by] = phrases

    def read(self, asked_by: str | None, texts: Iterable[str]) -> bool | None:
        """True (yes), False (no), or None when the words say neither, both, or that the speaker is unsure."""
        phrases = self._by_question.get(asked_by or "")
        if not phrases:
            return None
        sides: set[str] = set()
        for text in texts:
            sides |= self._sides(phrases, words(text))
        return {frozenset({"yes"}): True, frozenset({"no"}): False}.get(frozenset(sides))

    def _sides(self, phrases: list[tuple[tuple[str, ...], str]], words: tuple[str, ...]) -> set[str]:
        taken = [False] * len(words)
        found: list[tuple[int, int, str]] = []
        for phrase, side in phrases:  # leftmost-longest: a longer phrase's words are no one else's
            size = len(phrase)
            for start in range(len(words) - size + 1):
                if words[start:start + size] == phrase and not any(taken[start:start + size]):
                    taken[start:start + size] = [True] * size
                    found.append((start, start + size, side))
        found.sort()
        sides = set()
        previous_end = 0
        for start, end, side in found:
            if side == "yes" and self._negated(words, max(previous_end, start - _NEGATION_REACH), start):
                side = "no"
            sides.add(side)
            previous_end = end
        return sides

    def _negated(self, words: tuple[str, ...], since: int, start: int) -> bool:
        # "no" right before the phrase corrects what came before ("no, both legs"); further back it negates.
        return any(words[at] in self._negators and not (words[at] == "no" and at == start - 1)
                   for at in range(since, start))


@functools.cache
def clarify_answers(locale: str) -> ClarifyAnswers:
    return ClarifyAnswers(load_document(locale, "clarify_answers"))
