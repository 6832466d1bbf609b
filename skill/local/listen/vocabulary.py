"""What the recogniser listens for: every sentence the skill understands, in the words a recogniser writes.

The sentences come from the merged interaction model of every published locale (its samples, each slot filled with
each of its type's values and synonyms in turn), the built-in intents' phrasings the resolver stands in for Alexa with
(skill/local/nlu/builtin_samples.json), the barge-in words, and the phrases of the red-flag rules
(skill/locale/en/red_flags.json) in each reading their word families give. A language model built from them
(skill.local.listen.build) makes pocketsphinx expect these words in these orders; what it writes then goes through
the same path as a typed line.

Each source gets a weight, not one count per sentence: a sample with a symptom slot expands to hundreds of
sentences, and counted one by one those would drown "next" and "stop".
"""

from __future__ import annotations

import itertools
import json
import math
import re
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping

from skill.alexa.interaction_model import interaction_model, model_locales
from skill.core.content import load_document
from skill.core.safety.triage import expand_alternatives, word_families
from skill.core.text import fold
from skill.local.nlu.resolver import BUILTIN_SAMPLES

# Heard while the skill speaks or a hold runs: these interrupt it, as a typed line does (skill.local.listen.keywords).
BARGE_IN = ("stop", "pause", "that hurts", "help")
INVOCATION_PHRASES = ("open {name}", "ask {name}", "launch {name}", "start {name}", "ask {name} to", "tell {name} to")

# Weights per source: a sample (all its expansions together), a slot value said alone as an answer, a command, a
# red-flag phrase. Chosen on bench/listen.py: the commands must stay likely beside hundreds of symptom phrases.
SAMPLE_WEIGHT = 1.0
ANSWER_WEIGHT = 0.2
COMMAND_WEIGHT = 4.0
RED_FLAG_WEIGHT = 0.2
# A phrase written as a product of braced alternatives weighs at most as much as this many phrases: the rules hold
# products of tens of thousands ("{my|the|his|...} {pee|wee|urine|} {flow|stream|...} ... {stopped|dried up|...}"),
# which at full weight each would make a request like "give me a tip" heard as "the wee to come out".
MOST_PHRASES_PER_PRODUCT = 16
# The red-flag phrases together weigh at most this share of the whole corpus: each phrase's weight is scaled down by
# one factor when they would weigh more. The rules grow every round (10,000 phrases, 1.8 million readings in December
# 2026, then 44 % of the weight), and the more of the model's mass their words hold, the more a short command is heard
# as a sign word ("pause" as "fall is", "help" as "chills"). A share, not a weight per phrase, keeps the commands' odds
# from sinking as rules are added. Held at the December 2026 share: on fresh renderings (4 espeak-ng conditions, 40
# commands, 30 short signs, 15 long ones) a cap of 0.25 turned 3 of 10 commands heard as a sign into asking again or
# other requests, but one short sign ("i fell over") was heard as a request; signs heard as harmless are not traded.
RED_FLAG_MOST_SHARE = 0.44
RED_FLAG_TIERS = ("emergency", "urgent")  # the rules whose phrases the recogniser must know; the rest ask or advise
# A red-flag phrase stands for every reading its word families give, as the rules read it ("numb when i wipe my
# bottom" is also "... wiped her bottom"). Up to this many readings a phrase gets them all (the largest phrase had 64
# in December 2026, and all of them together made some 44,000 readings of 10,000 phrases); past it, one family word
# varies at a time, the others as written: every word and every pair and triple with one word varied is still
# there, and the count grows with the families' sizes added rather than multiplied (five words of five-word families
# would be 3,125 sentences for one phrase).
MAX_FAMILY_READINGS = 64

_ONES = "zero one two three four five six seven eight nine".split()
_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_UNIT = re.compile(r"[^a-z' ]+")
_NOT_A_WORD = re.compile(r"[*#@]")  # a wildcard, a number range or a concept reference in a rule phrase
_NUMBER_RANGE = re.compile(r"#([\d.]+)-([\d.]+)")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class Sentence:
    words: tuple[str, ...]
    weight: float


def recogniser_words(text: str) -> tuple[str, ...]:
    """`text` as the recogniser writes it: lower case, words and apostrophes only ("Hands-free!" -> hands free,
    "a. and e." -> a and e)."""
    text = fold(text).replace("&", " and ").replace("-", " ")
    return tuple(word.strip("'") for word in _UNIT.sub(" ", text).split() if word.strip("'"))


def number_words(number: int) -> str:
    """0 to 999 as said: 45 -> "forty five", 102 -> "a hundred and two"."""
    if number >= 100:
        hundreds, rest = divmod(number, 100)
        said = f"{'a' if hundreds == 1 else _ONES[hundreds]} hundred"
        return f"{said} and {number_words(rest)}" if rest else said
    if number < 10:
        return _ONES[number]
    if number < 20:
        return _TEENS[number - 10]
    tens, ones = divmod(number, 10)
    return _TENS[tens - 2] + (f" {_ONES[ones]}" if ones else "")


def builtin_slot_values() -> dict[str, list[str]]:
    """What people say in the AMAZON.* slots the model uses: amounts of minutes, numbers, times of day."""
    numbers = [number_words(n) for n in range(1, 61)] + ["ninety"]
    hours = [number_words(n) for n in range(1, 13)]
    durations = ([f"{n} minutes" for n in numbers] + [f"{n} seconds" for n in numbers[:10]]
                 + ["a minute", "one minute", "half an hour", "an hour", "a quarter of an hour", "quarter of an hour",
                    "an hour and a half", "a couple of minutes", "a few minutes", "two hours"])
    times = [*hours, *(f"{h} o'clock" for h in hours), *(f"{h} {m}" for h in hours for m in ("fifteen", "thirty",
             "forty five", "oh five")), *(f"{part} past {h}" for h in hours for part in ("quarter", "half")),
             *(f"quarter to {h}" for h in hours), *(f"half {h}" for h in hours),
             *(f"{h} {suffix}" for h in hours for suffix in ("a m", "p m", "in the morning", "in the evening",
                                                                 "in the afternoon", "at night")),
             "noon", "midday", "midnight", "morning", "evening", "afternoon", "night"]
    return {"AMAZON.NUMBER": numbers, "AMAZON.DURATION": durations, "AMAZON.TIME": times}


def corpus() -> list[Sentence]:
    """Every sentence the language model is built from, with its weight; the same list every run."""
    sentences: list[Sentence] = []
    builtin_values = builtin_slot_values()
    seen_samples: set[tuple[str, str]] = set()
    for language_model in language_models():
        values = {**builtin_values, **type_values(language_model)}
        sentences += [Sentence(recogniser_words(phrase), COMMAND_WEIGHT) for phrase in invocations(language_model)]
        for intent in language_model["intents"]:
            slot_types = slot_types_of(intent)
            for sample in samples_of(intent):
                if (intent["name"], sample) in seen_samples:
                    continue
                seen_samples.add((intent["name"], sample))
                sentences += _expanded(sample, slot_types, values)
        for slot_type, phrases in values.items():
            sentences += [Sentence(recogniser_words(phrase), ANSWER_WEIGHT) for phrase in phrases]
    for phrases in builtin_phrasings().values():
        sentences += [Sentence(recogniser_words(phrase), COMMAND_WEIGHT) for phrase in phrases]
    sentences += [Sentence(recogniser_words(phrase), COMMAND_WEIGHT) for phrase in BARGE_IN]
    vocabulary = {word for sentence in sentences for word in sentence.words}
    red_flags = red_flag_sentences(vocabulary=vocabulary)
    others, total = sum(sentence.weight for sentence in sentences), sum(red_flags.values())
    scale = min(1.0, RED_FLAG_MOST_SHARE / (1 - RED_FLAG_MOST_SHARE) * others / total) if total else 1.0
    sentences += [Sentence(recogniser_words(phrase), weight * scale) for phrase, weight in red_flags.items()]
    merged: dict[tuple[str, ...], float] = {}
    for sentence in sentences:
        if sentence.words:
            merged[sentence.words] = merged.get(sentence.words, 0.0) + sentence.weight
    return [Sentence(words, weight) for words, weight in merged.items()]


def red_flag_phrases(tiers: Iterable[str] = RED_FLAG_TIERS, vocabulary: Iterable[str] = ()) -> list[str]:
    """The phrases of the concepts the red-flag rules of `tiers` are made of, as words someone would say, sorted (see
    red_flag_sentences)."""
    return sorted(red_flag_sentences(tiers, vocabulary))


def red_flag_sentences(tiers: Iterable[str] = RED_FLAG_TIERS, vocabulary: Iterable[str] = ()) -> dict[str, float]:
    """The phrases of the concepts the red-flag rules of `tiers` are made of, as words someone would say, each with
    its weight: a word of a family stands for each word of it in a phrase of two or more words (as in the triage), a
    "..." gap splits a phrase in two, "tingl*" becomes each word of `vocabulary` and of the rules that starts so (none:
    the phrase is left out), "#38-45" the numbers, and "@concept" the phrases of that concept. Phrases with digits
    ("4wd") are left out: nobody says them so.

    A phrase's family readings together weigh RED_FLAG_WEIGHT, and its braced alternatives together at most
    MOST_PHRASES_PER_PRODUCT times that, so families and products that widen one phrase to thousands do not drown
    the commands; a sentence that several phrases give weighs the most any of them gives it, so listing a
    reading the families already give (or a phrase twice) changes nothing."""
    rules = load_document("en", "red_flags")
    concepts: Mapping[str, Any] = rules["concepts"]
    families = word_families(rules)
    wanted = [name for rule in rules["rules"] if rule["tier"] in tiers for pattern in rule["when"]
              for key in ("all", "any") for name in pattern.get(key, [])]
    readings: dict[str, float] = {}
    done: set[str] = set()
    while wanted:
        name = wanted.pop()
        if name in done or name not in concepts:
            continue
        done.add(name)
        entry = concepts[name]
        for phrase in entry if isinstance(entry, list) else entry.get("phrases", []):
            if phrase.startswith("@"):
                wanted.append(phrase[1:])
                continue
            written_forms = expand_alternatives(phrase)
            share = min(1.0, MOST_PHRASES_PER_PRODUCT / len(written_forms))
            for written in written_forms:
                read = _family_readings(written, families)
                for reading in read:
                    readings[reading] = max(readings.get(reading, 0.0), RED_FLAG_WEIGHT * share / len(read))
    said = {word for phrase in readings for word in phrase.split()}  # each word once: the readings share most
    whole_words = {word for word in said if not _NOT_A_WORD.search(word)}
    whole_words |= set(vocabulary)
    sentences: dict[str, float] = {}
    for phrase, weight in readings.items():
        for part in phrase.split("..."):
            for sentence in _spelled_out(part.split(), whole_words):
                if sentence and not _DIGIT.search(sentence):
                    sentences[sentence] = max(sentences.get(sentence, 0.0), weight)
    return sentences


def _family_readings(phrase: str, families: Mapping[str, frozenset[str]]) -> list[str]:
    """`phrase` with each word of a family in turn in place of each of its family words (the written phrase among
    them), all combinations up to MAX_FAMILY_READINGS; a lone word keeps its own sense ("her" is someone else)."""
    words = phrase.split()
    if len(words) < 2:
        return [phrase]
    options = [sorted(families.get(word, ())) or [word] for word in words]
    if math.prod(len(choices) for choices in options) <= MAX_FAMILY_READINGS:
        return [" ".join(chosen) for chosen in itertools.product(*options)]
    varied = {phrase}
    for index, choices in enumerate(options):
        varied.update(" ".join([*words[:index], choice, *words[index + 1:]]) for choice in choices)
    return sorted(varied)


def _spelled_out(words: list[str], vocabulary: set[str]) -> Iterator[str]:
    """Every reading of a rule phrase's words: each wildcard or number range in turn, the rest as written."""
    if not any(word.endswith("*") or word.startswith("#") for word in words):
        yield " ".join(words)  # most phrases: nothing to spell out (this is called millions of times)
        return
    for index, word in enumerate(words):
        if word.endswith("*"):
            stem = word[:-1]
            options = sorted(w for w in vocabulary if w.startswith(stem) and w != stem)
        elif (numbers := _NUMBER_RANGE.fullmatch(word)):
            low, high = math.ceil(float(numbers[1])), math.floor(float(numbers[2]))  # whole numbers, as said
            options = [number_words(n) for n in range(low, min(high, 999) + 1)]
        else:
            continue
        for option in options:
            yield from _spelled_out([*words[:index], option, *words[index + 1:]], vocabulary)
        return
    yield " ".join(words)


# The skill's requests as the interaction models hold them: read here for the language model (corpus) and by the
# grammar of whole requests (skill.local.listen.grammar), so both hear the same requests.

def language_models() -> Iterator[Mapping[str, Any]]:
    """Each model locale's merged language model (interactionModel.languageModel)."""
    for locale in model_locales():
        yield interaction_model(locale)["interactionModel"]["languageModel"]


def invocations(language_model: Mapping[str, Any]) -> list[str]:
    return [phrase.format(name=language_model["invocationName"]) for phrase in INVOCATION_PHRASES]


def slot_types_of(intent: Mapping[str, Any]) -> dict[str, str]:
    return {slot["name"]: slot["type"] for slot in intent.get("slots", [])}


def samples_of(intent: Mapping[str, Any]) -> list[str]:
    """An intent's samples, then its slots' own (the answers a question eliciting that slot takes)."""
    return [*intent.get("samples", []),
            *(sample for slot in intent.get("slots", []) for sample in slot.get("samples", []))]


def type_values(language_model: Mapping[str, Any]) -> dict[str, list[str]]:
    """Each custom slot type's values and synonyms, as said."""
    return {slot_type["name"]: [phrase for value in slot_type["values"]
                                for phrase in (value["name"]["value"], *value["name"].get("synonyms", []))]
            for slot_type in language_model.get("types", [])}


def builtin_phrasings() -> dict[str, list[str]]:
    """The phrasings the resolver stands in for Amazon's built-in intents with, by intent."""
    builtins = json.loads(BUILTIN_SAMPLES.read_text(encoding="utf-8"))
    return {intent: phrases for intent, phrases in builtins.items() if not intent.startswith("_")}


def _expanded(sample: str, slot_types: Mapping[str, str], values: Mapping[str, list[str]]) -> list[Sentence]:
    """A sample with each of its slots filled with every value of its type in turn (the other slots with their
    type's first value): every word pair and triple a filled sample can hold, without the product of all values.
    Together they weigh one sample."""
    names = re.findall(r"\{(\w+)\}", sample)
    if not names:
        return [Sentence(recogniser_words(sample), SAMPLE_WEIGHT)]
    unknown = [slot_types.get(name) for name in names if slot_types.get(name) not in values]
    if unknown:
        raise KeyError(f"no values for slot type {unknown[0]!r} in sample {sample!r}")
    texts = []
    for varied in dict.fromkeys(names):
        for value in values[slot_types[varied]]:
            text = sample.replace("{" + varied + "}", value)
            for other in names:
                text = text.replace("{" + other + "}", values[slot_types[other]][0])
            texts.append(text)
    return [Sentence(recogniser_words(text), SAMPLE_WEIGHT / len(texts)) for text in texts]
