"""The skill's requests as a grammar: every sample of the merged interaction models with its slots as alternatives
(each slot type's values and synonyms, the built-in slots' numbers, durations and times), the built-in intents'
phrasings, the invocations and the barge-in words. Built when the recogniser starts, from the same sources as the
language model, so it is never stale.

The language model lets the decoder write any string of the skill's words ("fall is" for "pause"); decoding the same
audio again against this grammar finds the nearest whole request (skill.local.listen.recognise). Symptom reports and
samples with a symptom slot are left out on purpose: a warning sign is heard by the free decode and the red-flag screen,
never forced into shape here.
"""

from __future__ import annotations

import re
from typing import Callable

from skill.local.listen.vocabulary import (BARGE_IN, builtin_phrasings, builtin_slot_values, invocations,
                                           language_models, recogniser_words, samples_of, slot_types_of, type_values)

LEFT_OUT_INTENTS = ("SymptomReportIntent", "AMAZON.FallbackIntent")
LEFT_OUT_SLOT_TYPES = ("SYMPTOM",)  # "stop the heat {symptom}": a symptom is never the grammar's to hear
_SLOT = re.compile(r"\{(\w+)\}")


def transitions(known: Callable[[str], bool] = lambda word: True, most_words: int | None = None) -> \
        list[tuple[int, int, float, str] | tuple[int, int, float]]:
    """The grammar as a finite-state grammar's transitions, from state 0 to state 1, for Decoder.create_fsg: the
    sentences share their first words (a tree), and one intent's slots of a type share one tree of the type's values,
    entered and left by empty transitions; a slot that begins a sentence has its own ("pillows tips" and "give me a tip
    about pillows" must not make "pillows" alone a request). A sentence or value with a word `known` refuses (not in
    the decoder's dictionary) is left out. Each state's ways out are equally likely. With `most_words`, only the
    requests of that many words at most, without slots ("next", "stop it", "that hurts"): the short requests."""
    slot_values, sentences = _sources()
    if most_words is not None:
        sentences = {(intent, sentence) for intent, sentence in sentences
                     if len(sentence) <= most_words and all(isinstance(part, str) for part in sentence)}
    # Sorted: the same grammar, state for state, in every process (sets iterate in an order that varies by run).
    values = {name: [words for words in sorted(phrases) if words and all(map(known, words))]
              for name, phrases in slot_values.items()}
    arcs: dict[int, dict[str | None, set[int]]] = {}  # state -> word (None: empty) -> next states
    count = [2]

    def new_state() -> int:
        count[0] += 1
        return count[0] - 1

    def follow(state: int, token: str) -> int:
        """The state after `token` from `state` in the tree, made when new."""
        ways = arcs.setdefault(state, {})
        if token not in ways:
            ways[token] = {new_state()}
        return next(iter(ways[token]))

    hubs: dict[tuple[str, str, bool], tuple[int, int]] = {}

    def hub(intent: str, slot_type: str, first: bool) -> tuple[int, int]:
        if (intent, slot_type, first) not in hubs:
            entry, leave = new_state(), new_state()
            for words in values[slot_type]:
                state = entry
                for word in words[:-1]:
                    state = follow(state, word)
                arcs.setdefault(state, {}).setdefault(words[-1], set()).add(leave)
            hubs[intent, slot_type, first] = entry, leave
        return hubs[intent, slot_type, first]

    for intent, sentence in sorted(sentences, key=lambda item: (item[0], [str(part) for part in item[1]])):
        if not all(values.get(part[0]) if isinstance(part, tuple) else known(part) for part in sentence):
            continue
        state = 0
        for part in sentence:
            if isinstance(part, tuple):
                before = state
                entry, state = hub(intent, part[0], before == 0)
                arcs.setdefault(before, {}).setdefault(None, set()).add(entry)
            else:
                state = follow(state, part)
        arcs.setdefault(state, {}).setdefault(None, set()).add(1)
    listed = []
    for state, ways in arcs.items():
        total = sum(len(ends) for ends in ways.values())
        for token, ends in ways.items():
            for end in sorted(ends):
                if token is None:
                    listed.append((state, end, 1 / total))
                else:
                    listed.append((state, end, 1 / total, token))
    return listed


def _sources() -> tuple[dict[str, set[tuple[str, ...]]], set[tuple[str, tuple[str | tuple[str], ...]]]]:
    """Each slot type's values, and each (intent, sentence), a sentence's slots as ("TYPE",)."""
    slot_values: dict[str, set[tuple[str, ...]]] = {name: {recogniser_words(value) for value in values}
                                                    for name, values in builtin_slot_values().items()}
    sentences: set[tuple[str, tuple[str | tuple[str], ...]]] = set()
    for language_model in language_models():
        for name, values in type_values(language_model).items():
            slot_values.setdefault(name, set()).update(map(recogniser_words, values))
        sentences.update(("launch", recogniser_words(phrase)) for phrase in invocations(language_model))
        for intent in language_model["intents"]:
            if intent["name"] in LEFT_OUT_INTENTS:
                continue
            types = slot_types_of(intent)
            sentences.update((intent["name"], _with_slots(sample, types)) for sample in samples_of(intent)
                             if set(_SLOT.findall(sample)) <= set(types)  # a slot not declared (yet): left out
                             and not any(types[name] in LEFT_OUT_SLOT_TYPES for name in _SLOT.findall(sample)))
    sentences.update((intent, recogniser_words(phrase)) for intent, phrases in builtin_phrasings().items()
                     for phrase in phrases)
    sentences.update(("barge-in", recogniser_words(phrase)) for phrase in BARGE_IN)
    # A slot value alone ("pillows", "sharp") answers a question, and only then: among the requests, hundreds of
    # short values took the place of short commands ("pause" heard as "pillows").
    return slot_values, {(intent, sentence) for intent, sentence in sentences
                         if sentence and not (len(sentence) == 1 and isinstance(sentence[0], tuple))}


def _with_slots(sample: str, types: dict[str, str]) -> tuple[str | tuple[str], ...]:
    parts: list[str | tuple[str]] = []
    for index, piece in enumerate(_SLOT.split(sample)):
        if index % 2:
            parts.append((types[piece],))
        else:
            parts.extend(recogniser_words(piece))
    return tuple(parts)
