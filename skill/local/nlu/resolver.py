"""Typed text -> the intent and slots Alexa would send, read from the interaction model Alexa gets.

An utterance is matched on the strongest evidence it offers:
1. exact: its normalised words equal a sample without slots (or do but for a word of the same kind: "next exercise"
   for "next stretch");
2. template: it fits a slotted sample, and the words in each slot position suit the slot's type;
3. similarity: IDF-weighted Dice overlap between canonical word sets (stems, UK/US and family words
   merged, slot values tagged with their type where the intent has a slot of that type, words elsewhere), which
   absorbs paraphrases and changed word order.
A template wins over similarity unless the paraphrase is the closer fit. Below FALLBACK_BELOW nothing
matched well and the answer is AMAZON.FallbackIntent, as it would be from Alexa. Then two general forms: an answer
said first ("no, let me try it again") is that answer, and a whole request said with words of its own around it
("I'm a bit lost, what can I say") is that request, each unless the other words describe a sign, whose words must
reach triage.

A slot the skill elicits (Dialog.ElicitSlot, skill/alexa/dialog.py) is the only context Alexa has, and the only one
`resolve` takes: while it is open, the elicited intent's slot samples (the `samples` its slots carry in the model,
which Alexa uses only during that intent's dialog) are matched too, and one whose slot holds a value of its type
(a listed value, a number, a time) wins. Anything else is heard as it would be without the question.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

from skill.alexa.dialog import PAIN_CHECK, ElicitedSlot
from skill.alexa.interaction_model import interaction_model, model_locale_for
from skill.local.nlu.durations import duration_slot_value, find_duration, find_number, number_slot_value
from skill.local.nlu.times import find_time, time_slot_value
from skill.core.text import fold

BUILTIN_SAMPLES = Path(__file__).with_name("builtin_samples.json")
OTHER_DOMAINS = Path(__file__).with_name("other_domains.json")  # requests Alexa keeps for itself: see its _about

FALLBACK_INTENT = "AMAZON.FallbackIntent"
DURATION, NUMBER, TIME = "AMAZON.DURATION", "AMAZON.NUMBER", "AMAZON.TIME"
ER_MATCH, ER_NO_MATCH = "ER_SUCCESS_MATCH", "ER_SUCCESS_NO_MATCH"

# Similarity tuning, chosen on ~110 utterances that are neither samples nor test paraphrases, plus 30
# off-topic ones: it separates them with the fewest errors and no off-topic utterance accepted.
FALLBACK_BELOW = 0.45
# Alexa gives a built-in intent only for one of its own samples said exactly; ours stand in for Amazon's many, so a
# paraphrase of one is held a little further from the fallback than one of a custom intent (0.46 costs no line of
# the understanding bank's development files; "what time is it" is no "what was that").
BUILT_IN_BELOW = 0.46
_IDF_POWER = 1.5  # sharpens IDF so function words ("the", "is") barely count
_RELATED_WORD_WEIGHT = 0.25  # a query word the intent uses in another sample is weak evidence against it
_FOREIGN_WORD_WEIGHT = 1.5  # a query word the intent never uses is strong evidence against it
_LONGEST_UNKNOWN_VALUE = 3  # words in an ER_SUCCESS_NO_MATCH slot value
_LONGEST_PICKED_VALUE = 4  # words around which a listed value is still picked out ("the gentle {whole back} one")
_DESCRIPTION_WORDS = 3  # a type whose phrases average this many words names descriptions (symptoms), not things
# Confidence of a template match, by how well the slot words suit the slot type. Weaker kinds sit
# below a strong paraphrase match so that, say, "i have taken the heat pack off" is not a symptom.
_SLOT_MATCH, _DURATION_UNKNOWN, _NO_MATCH, _FREE_TEXT = 0.95, 0.9, 0.7, 0.65
# An unlisted value that sounds like its type's values (see _likeness): from just above the fallback when few of
# its words are the type's own, to a slot match's confidence when all are.
_UNLISTED_BASE, _UNLISTED_SPAN = 0.5, 0.2
_SLOT_EDGE_WORDS = frozenset("about for on with a an the of to please".split())  # never a slot's first or last
_MOSTLY = 0.5  # share of a phrase's content words its type's values use, for the phrase to count as one of them

# --- normalisation: what does not change the meaning of typed text -----------------------------------
_WORD_CONTRACTIONS = {
    "can't": "can not", "cannot": "can not", "won't": "will not", "shan't": "shall not", "let's": "let us",
    "gonna": "going to", "wanna": "want to", "gotta": "got to", "ok": "okay",
    "gimme": "give me", "lemme": "let me", "kinda": "kind of", "sorta": "sort of",
    # The same contractions typed or transcribed without the apostrophe, where the bare word is no other word
    # ("cant", "ive"; not "its", "well", "were", "id", "ill", "shed").
    "cant": "can not", "wont": "will not", "dont": "do not", "doesnt": "does not", "didnt": "did not",
    "isnt": "is not", "arent": "are not", "wasnt": "was not", "werent": "were not", "havent": "have not",
    "hasnt": "has not", "hadnt": "had not", "couldnt": "could not", "wouldnt": "would not",
    "shouldnt": "should not", "ive": "i have", "im": "i am", "youre": "you are", "theyre": "they are",
    "thats": "that is", "theres": "there is", "whats": "what is", "hes": "he is", "shes": "she is",
    "onto": "on to", "anymore": "any more",  # recognisers write either
}
# "'s" is "is" only after these; elsewhere it is a possessive ("dad's stretches").
_IS_CONTRACTIONS = frozenset("it's that's there's here's what's who's where's when's why's how's he's she's "
                              "everything's nothing's something's anything's everyone's nobody's".split())
_SUFFIX_CONTRACTIONS = (("n't", " not"), ("'re", " are"), ("'ve", " have"), ("'ll", " will"), ("'d", " would"),
                        ("'m", " am"))
_FILLER_WORDS = frozenset("um umm uh uhh erm hmm ah ugh oops whoops please alexa really actually honestly basically "
                           "literally "
                           # Terms of address said to the speaker ("no sir", "no ma'am nothing") address, not answer.
                           "sir madam maam buddy".split())
_LEADING_FILLERS = (("okay", "so"), ("so",), ("well",), ("okay",), ("alright",), ("all", "right"), ("righto",),
                    ("and",), ("oh",), ("could", "you"),
                    ("can", "you"), ("would", "you"), ("will", "you"), ("i", "want", "to"),
                    ("i", "would", "like", "to"), ("can", "we"), ("could", "we"), ("reckon", "we", "could"),
                    ("do", "you", "reckon"), ("i", "reckon"),
                    # Politeness said before a request adds nothing to it: "I'd love to ...", "would you mind ...".
                    ("i", "would", "love", "to"), ("would", "you", "mind"), ("do", "you", "mind"),
                    ("do", "you", "think", "you", "could"), ("do", "you", "think", "we", "could"),
                    ("is", "it", "possible", "to"), ("i", "was", "wondering", "if", "you", "could"),
                    ("i", "was", "wondering", "if", "we", "could"), ("i", "would", "like", "you", "to"),
                    ("i", "need", "you", "to"), ("hey",), ("hi",), ("alright", "then"), ("okay", "then"),
                    ("go", "ahead", "and"), ("i", "was", "hoping", "you", "could"), ("any", "chance", "you", "could"),
                    ("would", "it", "be", "possible", "to"), ("kindly",), ("do", "me", "a", "favour", "and"),
                    ("do", "me", "a", "favor", "and"), ("would", "you", "mind", "if", "we"), ("just",), ("right",),
                    # Asking whether it can be done asks for it: "is there a way to time my heat pack".
                    ("is", "there", "a", "way", "to"), ("is", "there", "any", "way", "to"),
                    ("is", "there", "a", "way", "you", "could"), ("is", "there", "any", "way", "you", "could"),
                    ("i", "was", "wondering", "if", "i", "could"), ("i", "was", "wondering", "whether", "you", "could"),
                    ("how", "do", "i", "get", "you", "to"), ("can", "i", "get", "you", "to"),
                    ("could", "i", "get", "you", "to"))
# "Just a minute", "just the one", "right leg" and "right now" are what they say, not a lead-in before a request.
_KEPT_AFTER = {("just",): frozenset("a one the".split()),
               ("right",): frozenset("leg legs arm arms side hand hands foot feet knee hip shoulder buttock bum cheek "
                                     "thigh calf ankle toe toes now away here there then".split())}
_LONGEST_LEADING_FIRST = sorted(_LEADING_FILLERS, key=len, reverse=True)  # "alright then" before "alright"
# Thanks at the end of a request or an answer ("fifteen thanks", "none of those thankfully") says nothing more.
_TRAILING_FILLERS = (("thank", "you"), ("thanks",), ("thankfully",), ("cheers",), ("mate",), ("ta",),
                     ("if", "you", "can"), ("if", "you", "do", "not", "mind"), ("if", "that", "is", "okay"),
                     ("if", "that", "is", "alright"), ("for", "me"))
# An approximation after a number ("six or so in the morning", "ten ish") leaves the number as said.
_AMOUNT_UNITS = frozenset("minute minutes min mins hour hours am pm oclock".split())
_ROUGHLY = (("or", "so"), ("ish",), ("or", "thereabouts"), ("give", "or", "take"))
_SAYS = frozenset({"says", "said", "say"})
_THANKS = (("thank", "you", "so", "much"), ("thank", "you"), ("thanks",), ("cheers",), ("ta",))
_WHEN_SAID = ("now", "today")  # after a whole request ("stop now"), they add nothing to it
_ABOUT_A_NUMBER = re.compile(r"^(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
                             r"twenty|thirty|forty|fifty)ish$")
# Emergency numbers are said digit by digit, and samples spell them that way.
_SPOKEN_DIGITS = {"911": "nine one one", "999": "nine nine nine", "111": "one one one", "112": "one one two",
                  "000": "triple zero"}  # Australia's Triple Zero
_NOT_PERIOD = re.compile(r"(?<!\d)\.|\.(?!\d)")
_NOT_WORD = re.compile(r"[^a-z0-9'. ]+")


def _says_a_doubt(words: Sequence[str]) -> bool:
    return any(tuple(words[i:i + len(doubt)]) == doubt for doubt in _DOUBTS for i in range(len(words)))


def _only_hedges(words: Sequence[str]) -> bool:
    """Whether the words only hedge ("maybe", "perhaps a little", "could be"): neither a yes nor a no."""
    return set(words) <= _HEDGE_WORDS and bool(set(words) & _HEDGES)


def normalize(text: str) -> str:
    """Lowercase words with contractions expanded and fillers dropped: "Um, I'm done." -> "i am done"."""
    return " ".join(Heard.from_text(text).words)


@dataclass(frozen=True)
class Heard:
    """An utterance two ways: `spoken`, its words as Alexa hears them ("i'm", "nothing's"), and `words`, the
    normalised words samples are matched on ("i", "am"), each with the span of spoken words it came from
    (`sources`), so a slot can be given the words as said."""

    spoken: tuple[str, ...]
    words: tuple[str, ...]
    sources: tuple[tuple[int, int], ...]  # per word: first and last index into `spoken`

    @classmethod
    def from_text(cls, text: str, keep_lead: bool = False) -> Heard:
        text = fold(text).replace("&", " and ").replace("-", " ")
        spoken = tuple(word.strip("'") for word in _NOT_PERIOD.sub(" ", _NOT_WORD.sub(" ", text)).split())
        expanded = [(part, (index, index)) for index, word in enumerate(spoken) for part in _expand(word).split()]
        joined = _join_spelled_letters(expanded)
        kept = [(part, source) for word, source in joined if word not in _FILLER_WORDS
                for part in _SPOKEN_DIGITS.get(word, word).split()]
        kept = _without_approximations(kept)
        # Thanks first, so that "okay, thanks" keeps its "okay".
        kept = kept[:len(_drop_trailing_fillers([word for word, _ in kept]))]
        if not keep_lead:
            kept = kept[len(kept) - len(_drop_leading_fillers([word for word, _ in kept])):]
        return cls(spoken, tuple(word for word, _ in kept), tuple(source for _, source in kept))

    def whole_words(self, first: int, last: int) -> tuple[int, int]:
        """The span widened to whole spoken words: a slot never starts or ends inside "i've"."""
        while first > 0 and self.sources[first - 1][1] >= self.sources[first][0]:
            first -= 1
        while last + 1 < len(self.words) and self.sources[last + 1][0] <= self.sources[last][1]:
            last += 1
        return first, last

    def as_said(self, first: int, last: int) -> str:
        """The spoken words words[first..last] came from, whole: "haven't passed water", never "have not ..."."""
        return " ".join(self.spoken[self.sources[first][0]:self.sources[last][1] + 1])

    def said(self, first: int, last: int) -> str | None:
        """The spoken words Alexa would put in a slot filling words[first..last] between the carrier words
        around it; None if a carrier word and the slot would share one spoken word (the "am" of "i'm")."""
        start, end = self.sources[first][0], self.sources[last][1]
        if first > 0:
            if self.sources[first - 1][1] >= start:
                return None
            start = self.sources[first - 1][1] + 1  # words dropped as filler after the carrier are still heard
        if last + 1 < len(self.words):
            if self.sources[last + 1][0] <= end:
                return None
            end = self.sources[last + 1][0] - 1
        else:
            end = len(self.spoken) - 1  # a slot at the end hears everything after its carrier ("... now")
        return " ".join(self.spoken[start:end + 1])


def _expand(word: str) -> str:
    if word in _WORD_CONTRACTIONS:
        return _WORD_CONTRACTIONS[word]
    if _ABOUT_A_NUMBER.match(word):
        return word[:-3]  # "sevenish", "10ish": the number, roughly
    if word in _IS_CONTRACTIONS:
        return word[:-2] + " is"
    for suffix, replacement in _SUFFIX_CONTRACTIONS:
        if word.endswith(suffix) and len(word) > len(suffix):
            return word[: -len(suffix)] + replacement
    return word.replace("'", "")


def _join_spelled_letters(words: list[tuple[str, tuple[int, int]]]) -> list[tuple[str, tuple[int, int]]]:
    """ "e. r." and "ER" both become "er"; "a" and "i" are words, not letters. Each word keeps its source span."""
    joined: list[tuple[str, tuple[int, int]]] = []
    in_run = False
    for word, source in words:
        is_letter = len(word) == 1 and word.isalpha() and word not in ("a", "i")
        if is_letter and in_run:
            previous, (first, _) = joined[-1]
            joined[-1] = (previous + word, (first, source[1]))
        else:
            joined.append((word, source))
        in_run = is_letter
    return joined


def _without_approximations(words: list[tuple[str, tuple[int, int]]]) -> list[tuple[str, tuple[int, int]]]:
    """The words without "or so", "ish" and the like after a number or its unit ("seven or so in the morning")."""
    kept: list[tuple[str, tuple[int, int]]] = []
    index = 0
    while index < len(words):
        rough = next((len(phrase) for phrase in _ROUGHLY if kept and (_ABOUT_A_NUMBER.match(kept[-1][0] + "ish")
                                                                        or kept[-1][0] in _AMOUNT_UNITS)
                      and tuple(word for word, _ in words[index:index + len(phrase)]) == phrase), 0)
        if not rough:
            kept.append(words[index])
        index += rough or 1
    return kept


def _drop_trailing_fillers(words: list[str]) -> list[str]:
    dropped = True
    while dropped:
        dropped = False
        for filler in _TRAILING_FILLERS:
            if tuple(words[-len(filler):]) == filler and len(words) > len(filler):
                words, dropped = words[:-len(filler)], True
                break
    return words


def _drop_leading_fillers(words: list[str]) -> list[str]:
    dropped = True
    while dropped:
        dropped = False
        for filler in _LONGEST_LEADING_FIRST:
            if len(words) > len(filler) and words[len(filler)] in _KEPT_AFTER.get(filler, ()):
                continue
            if tuple(words[: len(filler)]) == filler and len(words) > len(filler):
                words, dropped = words[len(filler):], True
                break
    return words


# --- similarity vocabulary: words that mean the same thing to this skill ------------------------------
# Multi-word UK/US variants first, then single words by meaning class. Only used for the similarity
# step; exact and template matching see the words as typed.
_PHRASES = {
    "hot water bottle": "heat pad", "heating pad": "heat pad", "physical therapist": "physio",
    "physical therapy": "physio", "a and e": "hospital", "emergency room": "hospital", "urgent care": "hospital",
    "nine one one": "ambulance", "nine nine nine": "ambulance", "one one two": "ambulance",
    "one one one": "doctor", "pins and needles": "numb", "red flags": "warning", "seize up": "spasm",
    "lock up": "spasm",
}
_PHRASE_PATTERN = re.compile(r"\b(" + "|".join(map(re.escape, sorted(_PHRASES, key=len, reverse=True))) + r")\b")
_MEANING_CLASSES = {
    "relative": "mum mom mam mummy mommy mother dad father daddy husband wife partner son daughter gran granny "
                "grandma nan nana grandad grandpa grandfather grandmother",
    "my": "my his her their our your",
    "i": "he she they we",
    "is": "am are was were be",
    "heat": "heating hot warm warmth heated",
    "pad": "pack bottle blanket wrap",
    "physio": "physiotherapist therapist physiotherapy",
    "stretch": "exercise stretching routine workout program programme",
    "timer": "countdown clock",
    "doctor": "gp doc physician",
    "hospital": "er ae casualty",
    # Medicines named by name (never in a sample: the skill names none) are asked about as medicines.
    "medicine": "medication meds painkiller pill tablet drug ibuprofen paracetamol acetaminophen naproxen aspirin "
                "tylenol advil nurofen motrin aleve panadol panadeine codeine diclofenac voltaren crocin combiflam "
                "tramadol gabapentin pregabalin lyrica",
    "massage": "rub",
    "spasm": "cramp seize seizing lock locking tighten tight",
    "disc": "disk",
    "herniated": "slipped bulging prolapsed ruptured",
    "ice": "cold frozen",
    "tip": "advice suggestion hint",
    "pain": "hurt painful sore ache aching agony ouch ow owww",  # a cry of pain says it hurts ("ow, my back")
    "numb": "weak tingling tingle",
    "limb": "leg foot feet arm hand toe finger",
    # Not "pass": "I'll pass" declines an offer (NoIntent), where "I'll skip that" accepts one to skip.
    "skip": "miss",
    "stop": "cancel end scrap",
    "warning": "sign symptom danger dangerous emergency serious urgent",
    "remain": "left remaining longer",
    "moment": "minute second sec tick jiffy mo",  # a wait ("give me a sec") as much as a unit of time
}


# Not Snowball's English stemmer: it merges "numbness"/"numb", "relaxant"/"relax", "its"/"it", which moved 334 of
# 32,795 resolutions of the red-flag bank and test sentences (tests/test_resolver.py keeps two of them).
def _stem(word: str) -> str:
    """A deliberately small stemmer: plurals, -ing, -ed and a final e, so "stretches" ~ "stretching"."""
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif word.endswith(("ches", "shes", "sses", "xes")):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) > 4 and word.endswith("ed"):
        word = word[:-2]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
        word = word[:-1]
    return word


_CANONICAL_STEMS = {_stem(word): meaning for meaning, words in _MEANING_CLASSES.items()
                    for word in (meaning, *words.split())}


@functools.lru_cache(maxsize=8192)
def _canonical(word: str) -> str:
    stem = _stem(word)
    return _CANONICAL_STEMS.get(stem, stem)


# --- public results ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class SlotValue:
    name: str
    slot_type: str
    # What Alexa puts in slot.value: the spoken words for custom types and SearchQuery, ISO-8601 for
    # AMAZON.DURATION ("PT20M", or "?" when unparseable), digits for AMAZON.NUMBER, "HH:MM" or a part of the
    # day ("MO", "EV") for AMAZON.TIME.
    value: str | None
    status: str | None = None  # custom types only: ER_SUCCESS_MATCH or ER_SUCCESS_NO_MATCH
    id: str | None = None
    canonical: str | None = None

    def to_alexa(self, skill_id: str) -> dict[str, Any]:
        """The slot as it appears in an IntentRequest from Alexa."""
        slot: dict[str, Any] = {"name": self.name}
        if self.value is not None:
            slot["value"] = self.value
        slot["confirmationStatus"] = "NONE"
        if self.status is not None:
            authority: dict[str, Any] = {
                "authority": f"amzn1.er-authority.echo-sdk.{skill_id}.{self.slot_type}",
                "status": {"code": self.status},
            }
            if self.status == ER_MATCH:
                authority["values"] = [{"value": {"name": self.canonical, "id": self.id}}]
            slot["resolutions"] = {"resolutionsPerAuthority": [authority]}
        return slot


@dataclass(frozen=True)
class Resolution:
    intent: str
    slots: dict[str, SlotValue]  # every slot the intent declares; unfilled ones have value None
    score: float  # confidence in `intent`; for the fallback, 1 minus the best rejected score

    def slot_values(self) -> dict[str, str | None]:
        return {name: slot.value for name, slot in self.slots.items()}


# --- the model, compiled -----------------------------------------------------------------------------
@dataclass(frozen=True)
class _TypeValue:
    slot_type: str
    id: str
    canonical: str


@dataclass(frozen=True)
class _Sample:
    intent: str
    carrier: tuple[str, ...]  # the sample's own words, slot positions left out
    canonical_carrier: frozenset[str]
    slots: tuple[str, ...]  # slot names in the order they appear
    pattern: re.Pattern[str] | None  # only for samples with slots
    similarity_tokens: frozenset[str]


@dataclass(frozen=True)
class _Mention:
    """A custom slot value found in the utterance."""
    start: int
    end: int
    words: str
    value: _TypeValue


_SLOT_REFERENCE = re.compile(r"\{(\w+)\}")
# Built-in types whose values can be picked out of a whole sentence: (start, end, slot value) or None.
_FINDERS = {DURATION: find_duration, NUMBER: find_number, TIME: find_time}
_BUILT_IN = "AMAZON"  # marks the slot types of Alexa's own intents (they have none)
_AN_AMOUNT = "AMOUNT"  # an amount or time said to a custom intent with no slot of its type
_BUILT_IN_TAG = "<AMAZON."  # the tag of a built-in type's value (an amount, a time)
_CONDITION = "if"  # opens a condition said after an answer
_Query = tuple[frozenset[str], dict[str, float], frozenset[str]]  # tokens, their weights, words of passing values
_SLOT_SENTINEL = "slotref{}x"  # survives normalize() as one word
_QUALIFIERS = frozenset("my the his her their our your a an some this that very quite so bit little "
                        "kind of pretty just still now getting again today has have is are was been".split())
_NEGATIONS = frozenset("not no never without".split())
# Slot types named by everyday words (meals, bed, work; "max", "the most"), not the skill's own: see _longest_name.
_EVERYDAY_NAMES = frozenset({"DAY_PART", "HEAT_LENGTH"})
# Before "back", words that make it a way rather than the body part: "go back a stretch", "take me back one" (but "me
# back's killing me" is a back).
_BACK_AS_A_WAY = frozenset("go going goes come coming get getting take taking bring way".split())
# Words that say nothing about which slot type a phrase belongs to.
_CONTENT_STOP_WORDS = _QUALIFIERS | frozenset(
    "i me you he him she we they them it its to of in on at for and or but with up down out off into about from as "
    "be am do does did done can could will would should been being had having get got go going went after before "
    "then than there here these those what when where which who why how all any each other some such only own same "
    "too even ever also if one".split()) | frozenset(
    # Everyday words a few values happen to use ("playing up", "took a tumble"): no evidence of the type.
    "play playing took try trying rest fast job wear wearing term system history part front light high way kid kids "
    "full lift stand head came given no not like right over thing anything something".split())
_INTENSIFIERS = frozenset("just also now still".split())
# Words that carry a request on to its topic ("the warning signs of ...", "a tip about ..."): what follows is no sign.
_TOPIC_LINKS = frozenset("of for about with in on like from during if".split())
# An answer said first (resolver._answer_first), and the words that may follow "no" as the rest of an answer
# ("no, I'm fine", "no, just the one"), where "no" is no word of the sentence ("no feeling", "no better").
_YES, _NO = "AMAZON.YesIntent", "AMAZON.NoIntent"
_PAUSE = "AMAZON.PauseIntent"
_START_OVER = "AMAZON.StartOverIntent"
# A sample with one of these denies what a request said without either affirms ("let's do this", "let's not do this").
_DENIALS = frozenset({"not", "never"})
# Words that make a feeling the stretch's (canonical): "that one made my leg tingle" and "it's shooting down my leg"
# check in on what was just done, "my leg tingles" reports.
_OF_A_STRETCH = frozenset({"stretch", "one", "that", "this", "last", "it"})
_SET_NOUNS = frozenset({"stretch", "one"})  # canonical: "stretches", "exercises", "routine", "ones"
# Longest first: "hold on a sec" before "hold on".
_LEADING_ANSWERS = tuple(sorted(
    [*((tuple(word.split()), _YES) for word in "yes yeah yep yup yeh aye sure".split()),
     *((tuple(word.split()), _NO) for word in ("no", "nah", "nope", "not yet", "not quite")),
     *((tuple(phrase.split()), _PAUSE) for phrase in ("hold on", "hang on", "wait", "one moment", "one second",
                                                      "just a second", "just a minute", "give me a minute",
                                                      "one sec", "just a sec", "give me a sec"))],
    key=lambda lead: -len(lead[0])))
_AFTER_AN_ANSWER = frozenset(
    "i it that this these those she he they we you there nothing none not never just all let give leave do does did "
    "no nope nah thanks thank sorry actually really maybe definitely absolutely please go skip keep carry stop only "
    "cancel wait hold is was am are have has had can could would will should thats its neither same everything "
    "start still".split())
# Requests no yes/no question of the skill offers, so that an answer said before one only leads into it.
_NEVER_AN_ANSWER = frozenset({"AMAZON.PreviousIntent", "AMAZON.RepeatIntent", "AMAZON.HelpIntent"})
# Of those, the moves through a routine, heard after a yes or no as surely as they would be alone.
_MOVES = frozenset({"AMAZON.PreviousIntent", "AMAZON.RepeatIntent"})
# After a no, a request no "no" could be the answer to ("nah, skip it": to "Shall we skip it?" that would be a yes).
_OVER_A_NO = frozenset({"SkipStretchIntent"})
# The check-in's feelings the skill takes as all right (handlers.stretch.PAIN_TRIGGERS): after a no, its reason.
_ALL_RIGHT = frozenset({"fine", "easing"})
# Doubt said outright ("I'm not sure", "no idea"): never a yes, whatever words it shares with one ("sure").
_DOUBTS = (("not", "sure"), ("not", "certain"), ("not", "positive"), ("no", "idea"), ("unsure",), ("dunno",),
           ("not", "a", "clue"), ("no", "clue"), ("can", "not", "remember"), ("do", "not", "remember"),
           ("can", "not", "recall"), ("do", "not", "recall"), ("can", "not", "say"), ("hard", "to", "say"))
# Hedges said with nothing but degree words around them: no answer either way.
_HEDGES = frozenset("maybe perhaps possibly might could sort kind suppose guess".split())
_HEDGE_WORDS = _HEDGES | frozenset("i be so a little bit slightly somewhat of".split())
_DOUBT_FIRST = re.compile("(?:%s)(?: |$)" % "|".join(" ".join(doubt) for doubt in _DOUBTS))  # "no idea": no no
_ENDINGS = ("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent")
_OWN_REQUEST = 0.65  # a request heard this surely after a yes or no is a request, not an answer
_LONGEST_ANSWER = 8  # words, the yes or no included: past that, "yeah" opens an account of something, not an answer
_LONGER_IF_UNHEARD = 3  # words more an answer may have when nothing else is heard in them
_SHORTEST_WHOLE_REQUEST = 3  # words of a request said whole inside a longer sentence ("what can i say")
_KEYWORD_SHARE = 0.25  # of an intent's samples that use a word, for it to be one of the intent's own words
_RIVAL_FLOOR = 0.25  # a request with its own words, this near, beats a catch-all that heard no body feeling
_WORDS_AROUND_A_CHOICE = 4  # words besides the value after a yes or no that chooses ("no, I want the neck ones")
_WORDS_AROUND_AN_ANSWER = 3  # words besides the value in an answer to an elicited slot ("let's say {fifteen}")
_ANSWERS_TO_A_QUESTION = (_YES, _NO)  # heard only when said first (_answer_first), never picked out of the middle
_TIME_UNITS = frozenset("second seconds sec secs minute minutes min mins hour hours half quarter".split())
_INVOCATION_VERBS = "open|launch|start|begin|load|run|play|use|talk to|ask|tell|enable"
_ONE_SHOT_VERBS = "ask|tell|open|launch|start|use|load|have"
_CONNECTORS = "to|for|about|if|whether|that|and"
_LINKS = "with|using|on|from|via"


class IntentResolver:
    """Resolves typed utterances the way Alexa resolves spoken ones, from one interaction model."""

    @classmethod
    def for_locale(cls, locale: str = "en-US") -> IntentResolver:
        return _resolver_for(cls, model_locale_for(locale))

    @classmethod
    def from_model(cls, model: Mapping[str, Any], builtin_samples: Mapping[str, Sequence[str]] | None = None,
                   locale: str = "en-US") -> IntentResolver:
        """`model` is the ASK interaction-model JSON; `builtin_samples` adds phrases for declared AMAZON.* intents;
        `locale` names the red-flag words (skill.core.safety.triage) a symptom catch-all must keep hearing."""
        return cls(model["interactionModel"]["languageModel"], builtin_samples or {}, locale)

    def __init__(self, language_model: Mapping[str, Any], builtin_samples: Mapping[str, Sequence[str]],
                 locale: str = "en-US") -> None:
        self.invocation_name: str = language_model["invocationName"]
        self._locale = locale
        self._slot_types: dict[str, dict[str, str]] = {
            intent["name"]: {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
            for intent in language_model["intents"]}
        # Per intent, the types of its slots: a value of one of them is that slot's to the intent, a word to others.
        # Alexa's own intents are marked: their samples hold no amounts, only idioms ("just a minute").
        self._types_of: dict[str, frozenset[str]] = {
            intent: frozenset(slots.values()) | ({_BUILT_IN} if intent.startswith("AMAZON.") else set())
            for intent, slots in self._slot_types.items()}
        self._values: dict[str, dict[str, _TypeValue]] = {}  # type -> normalised words -> value
        self._values_by_first_word: dict[str, list[tuple[tuple[str, ...], _TypeValue]]] = {}
        for slot_type in language_model.get("types", []):
            phrases = self._values.setdefault(slot_type["name"], {})
            for entry in slot_type["values"]:
                value = _TypeValue(slot_type["name"], entry["id"], entry["name"]["value"])
                for said in _phrases_of(entry):
                    words = _expanded_words(said)
                    phrases[" ".join(words)] = value
                    self._values_by_first_word.setdefault(words[0], []).append((tuple(words), value))
        used_types = {t for slots in self._slot_types.values() for t in slots.values()}
        # Types whose values are descriptions rather than names: three words or more to a phrase, on average.
        self._describing_types = frozenset(
            slot_type["name"] for slot_type in language_model.get("types", [])
            if (phrases := [len(said.split()) for entry in slot_type["values"] for said in _phrases_of(entry)])
            and sum(phrases) / len(phrases) >= _DESCRIPTION_WORDS)
        # Types whose values tell how things are, never which thing to do: descriptions and the check-in's feelings.
        self._account_types = self._describing_types | {
            self._slot_types.get(PAIN_CHECK.intent, {}).get(PAIN_CHECK.slot)}
        # A type named by everyday words takes no unlisted words longer than its longest name: "how do i make a cup
        # of tea" is no time of day, whatever "tea" is in "after tea".
        self._longest_name = {
            slot_type["name"]: max(len(said.split()) for entry in slot_type["values"] for said in _phrases_of(entry))
            for slot_type in language_model.get("types", []) if slot_type["name"] in _EVERYDAY_NAMES}
        # Intents with a sample that is a description's slot alone ("{symptom}"): the catch-all for signs.
        self._catch_alls = frozenset(
            intent["name"] for intent in language_model["intents"] for text in intent.get("samples", [])
            if (bare := _SLOT_REFERENCE.fullmatch(text.strip()))
            and self._slot_types[intent["name"]].get(bare.group(1)) in self._describing_types)
        # Numbers are not tagged for similarity: "one" in "next one" is no amount, and a number alone means nothing.
        self._tagged_builtins = tuple(t for t in _FINDERS if t in used_types and t != NUMBER)

        self._types_said: dict[str, set[str]] = {}  # per intent, the tags of the types its samples say values of
        self._values_said: dict[str, set[str]] = {}  # ...and the words of those values
        self._exact: dict[str, str] = {}
        self._naming_descriptions: set[int] = set()  # samples (by index) that name a symptom in words of their own
        self._same_meaning: dict[str, str] = {}  # canonical words of a slotless sample -> its intent ("": several)
        self._templates: list[_Sample] = []
        self._templates_of: dict[str, list[_Sample]] = {}  # the same, by intent
        self._samples: list[_Sample] = []
        for intent in language_model["intents"]:
            for text in intent.get("samples", []):
                self._add_sample(intent["name"], text)
        self._model_samples = len(self._samples)  # the skill's own; the built-ins' stand-ins follow
        for intent in language_model["intents"]:
            for text in builtin_samples.get(intent["name"], []):
                self._add_sample(intent["name"], text)
        # Per intent, the samples of its slots: heard only while one of them is elicited.
        self._dialog_templates: dict[str, list[_Sample]] = {}
        for intent in language_model["intents"]:
            for slot in intent.get("slots", []):
                for text in slot.get("samples", []):
                    self._dialog_templates.setdefault(intent["name"], []).append(
                        _template(intent["name"], *_parsed_sample(text)))
        # The elicited intent's own samples that join the elicited slot with another of its slots ("{when} say
        # {time}"): while its dialog is open Alexa hears them too, and they say more than either slot alone.
        self._answer_templates: dict[str, list[_Sample]] = {}
        elicited = {(entry["name"], slot["name"]) for entry in language_model.get("intents", [])
                    for slot in entry.get("slots", []) if slot.get("samples")}
        for sample in self._templates:
            if len(sample.slots) > 1 and any((sample.intent, name) in elicited for name in sample.slots):
                self._answer_templates.setdefault(sample.intent, []).append(sample)
        self._index_similarity()
        self._index_type_vocabulary(language_model)
        # The catch-alls' samples that are their slot alone: what takes a whole description ("{symptom}").
        self._catch_all_wholes = [t for t in self._templates
                                  if not t.carrier and len(t.slots) == 1 and t.intent in self._catch_alls]
        # Custom types a sample holds on its own ("{symptom}"): Alexa passes their unlisted values through.
        self._open_types = frozenset(self._slot_types[t.intent][t.slots[0]] for t in self._templates
                                     if not t.carrier and len(t.slots) == 1
                                     and self._slot_types[t.intent][t.slots[0]] in self._values)
        self._index_keywords()
        self._launch, self._one_shot, self._one_shot_suffix = _invocation_patterns(self.invocation_name)
        self._model_words = frozenset(self._weights).union(*self._type_vocabulary.values())
        self._other_domains, self._own_words, self._the_home = _other_domain_patterns()

    # --- resolving ---------------------------------------------------------------------------------
    def resolve(self, text: str, context: ElicitedSlot | None = None) -> Resolution:
        """The intent and slots Alexa would send for `text`; `context` is the slot the skill's last response
        elicited (read from its Dialog.ElicitSlot directive), if any."""
        heard = Heard.from_text(text)
        words = list(heard.words)
        if not words:
            return Resolution(FALLBACK_INTENT, {}, 1.0)
        if context is not None:
            # A lead-in word may be the answer itself: "okay, I guess" to "How did that feel?".
            answer = self._answer_to(context, heard) or self._answer_to(context, Heard.from_text(text, keep_lead=True))
            if answer is None and words[:2] == ["let", "us"] and len(words) > 2:
                # "Let's go for twelve": "let's" proposes the answer that follows it.
                answer = self._answer_to(context, Heard(heard.spoken, heard.words[2:], heard.sources[2:]))
            if answer is not None:
                return answer
        exact = self._exact_intent(words)
        if exact is not None:
            return Resolution(exact, self._unfilled(exact), 1.0)
        if _only_hedges(words):
            return Resolution(FALLBACK_INTENT, {}, 1.0)  # "maybe", "perhaps a little": a doubt, so asked again
        mentions = self._mentions(words)
        if any(m.start == 0 and m.end == len(words) and m.value.slot_type in _EVERYDAY_NAMES for m in mentions):
            # An everyday name alone ("your call", "after lunch") answers the question that asks for it; with none
            # open it is a request of nothing, as Alexa hears a slot's own samples only while it elicits the slot.
            return Resolution(FALLBACK_INTENT, {}, 1.0)
        if self._for_another_domain(heard, mentions):
            return Resolution(FALLBACK_INTENT, {}, 1.0)
        heard_as = self._answer_first(heard, mentions, self._heard_as_request(heard, mentions))
        if heard_as.intent == FALLBACK_INTENT or self._only_passed_through(heard_as):
            heard_as = self._request_said_whole(heard, mentions) or heard_as
        if context is None or context.intent != heard_as.intent:
            heard_as = self._description_not_feeling(heard, mentions, heard_as)
            heard_as = self._report_not_check_in(heard, mentions, heard_as)
        heard_as = self._with_the_sign_beside(heard, mentions, heard_as)
        heard_as = self._move_to_a_named_one(words, mentions, heard_as)
        if _says_a_doubt(words) and (heard_as.intent == _YES or heard_as.intent in self._catch_alls
                                     or self._only_passed_through(heard_as)
                                     or (heard_as.intent == _NO and _DOUBT_FIRST.match(" ".join(words)) is not None)
                                     or (heard_as.score < _OWN_REQUEST
                                         and not self._says_its_own_words(heard_as.intent, words))) \
                and not self._sign_in_words(heard.spoken):
            return Resolution(FALLBACK_INTENT, {}, heard_as.score)  # asked again: never a yes, nor a symptom
        if heard_as.intent.startswith("AMAZON.") and heard_as.intent != FALLBACK_INTENT \
                and self._sign_in_words(heard.spoken):
            return self._sign_without_a_built_in(heard, mentions)
        return heard_as

    def _for_another_domain(self, heard: Heard, mentions: Sequence[_Mention]) -> bool:
        """Whether the words are a request of one of Alexa's own domains (other_domains.json: "ring my son", "set a
        timer for the roast"), which Alexa's out-of-domain model sends to the fallback: never when they name one of
        the skill's own things, a symptom value, or a sign the rules find."""
        words = heard.words
        if any(m.value.slot_type in self._describing_types for m in mentions):
            return False
        text = " ".join(words)
        if any(pattern.fullmatch(text) for pattern in self._the_home):
            return not self._sign_in_words(heard.spoken)  # the house's heating, whatever "heating" is to the skill
        if {_stem(w) for w in words} & self._own_words:
            return False
        if not any(self._fits(pattern, text) for pattern in self._other_domains):
            return False
        return not self._sign_in_words(heard.spoken)

    def _fits(self, pattern: re.Pattern[str], text: str) -> bool:
        match = pattern.fullmatch(text)
        if match is None:
            return False
        for group, said in match.groupdict().items():
            if said is None:
                continue
            if group.startswith("person") and not (_canonical(said) == "relative" or self._foreign(said)):
                return False
            if group.startswith("things") and not self._only_foreign_things(said.split()):
                return False
        return True

    def _foreign(self, word: str) -> bool:
        """A word no sample and no slot value of the model uses (a name, "roast"), nor a function word."""
        return word not in _CONTENT_STOP_WORDS and _canonical(word) not in self._model_words \
            and number_slot_value(word) is None

    def _only_foreign_things(self, words: Sequence[str]) -> bool:
        """Words naming things the skill knows nothing of, times and amounts aside ("the pasta for ten minutes")."""
        content = [w for w in words if w not in _CONTENT_STOP_WORDS and number_slot_value(w) is None
                   and w not in _TIME_UNITS]
        return bool(content) and all(self._foreign(w) for w in content)

    def _description_not_feeling(self, heard: Heard, mentions: Sequence[_Mention], heard_as: Resolution) -> Resolution:
        """A feeling's slot (a type of short names Alexa passes through) holding a whole unlisted sentence, or only
        part of one that names a sign ("my bits feel {numb}"), is a description: the symptom catch-all takes it whole
        when it fits, as Alexa's slot model would for words that sound like descriptions, so triage reads all of it."""
        filled = [slot for slot in heard_as.slots.values() if slot.value is not None]
        if not filled or any(slot.slot_type not in self._open_types or slot.slot_type in self._describing_types
                             for slot in filled):
            return heard_as
        whole = all(slot.status == ER_NO_MATCH and len(slot.value.split()) > _LONGEST_UNKNOWN_VALUE
                    for slot in filled)
        if not whole and not self._sign_in_words(heard.words):
            return heard_as
        if not whole and self._best_fit(heard, self._templates_of.get(heard_as.intent, ()), mentions)[1]:
            return heard_as  # the feeling sits where a sample puts it ("that one made my leg {tingle all the way down}")
        caught, _ = self._best_fit(heard, self._catch_all_wholes, mentions)
        return caught or heard_as

    def _report_not_check_in(self, heard: Heard, mentions: Sequence[_Mention], heard_as: Resolution) -> Resolution:
        """How a part of the body feels ("my back is paining a lot", "the pain is going down my leg"), said while no
        check-in is open and of no stretch ("that one", "this stretch"), is a report: the catch-all takes it whole, as
        Alexa's model would for a sentence that names the body, not the exercise."""
        feeling = heard_as.slots.get(PAIN_CHECK.slot)
        if heard_as.intent != PAIN_CHECK.intent or (feeling is not None and feeling.id in _ALL_RIGHT):
            return heard_as  # "my back feels better": nothing to report, as the check-in hears it
        said = {_canonical(w) for w in heard.words}
        body = any(m.value.slot_type in self._open_types - self._account_types for m in mentions) or "limb" in said
        if not body or said & _OF_A_STRETCH:
            return heard_as
        caught, _ = self._best_fit(heard, self._catch_all_wholes, mentions)
        return caught or heard_as

    def _sign_without_a_built_in(self, heard: Heard, mentions: Sequence[_Mention]) -> Resolution:
        """Alexa gives a built-in intent only for one of its samples said exactly (ours or Amazon's), and none of
        them holds a sign ("pause, I can't feel my legs" is no pause): such a sentence goes to a custom intent, the
        symptom catch-all with its words, or failing that to the fallback, which names the number first."""
        caught, _ = self._best_fit(heard, [t for t in self._templates if not t.carrier and len(t.slots) == 1
                                           and self._slot_types[t.intent][t.slots[0]] in self._describing_types],
                                   mentions)
        return caught or Resolution(FALLBACK_INTENT, {}, 1.0)

    def _request_said_whole(self, heard: Heard, mentions: Sequence[_Mention]) -> Resolution | None:
        """A whole request said first or last, with words of its own around it ("I'm a bit lost, what can I say"),
        when nothing else was heard and those words sound like nothing a symptom or a feeling is made of: the
        request, as Alexa would pick it out."""
        words = heard.words
        for size in range(len(words) - 1, 0, -1):
            for start in (0, len(words) - size):
                intent = self._exact_intent(words[start:start + size])
                if intent is None or intent in _ANSWERS_TO_A_QUESTION:
                    continue
                if size < _SHORTEST_WHOLE_REQUEST and (start > 0 or intent not in _ENDINGS):
                    continue  # a shorter one only when it ends the turn, said first ("cancel, she's changed her mind")
                rest = words[size:] if start == 0 else words[:start]
                around = [m for m in mentions if m.start < start or m.end > start + size]
                if not any(m.value.slot_type in self._open_types for m in around) and all(
                        self._likeness(slot_type, " ".join(rest)) is None for slot_type in self._open_types):
                    return Resolution(intent, self._unfilled(intent), FALLBACK_BELOW)
        return None

    def _heard_as_request(self, heard: Heard, mentions: Sequence[_Mention]) -> Resolution:
        template, carried = self._best_fit(heard, mentions=mentions)
        score, sample = self._nearest_sample(heard, mentions)
        if template is not None and sample is not None and template.intent in self._catch_alls \
                and sample.intent != template.intent and not self._mostly_said(sample, heard) \
                and self._names_a_sign(template):
            # A sign heard whole beats a request most of whose own words were not said ("my wife slipped over this
            # morning" is no "start my morning stretches").
            return template
        if template is not None and sample is not None and sample.intent.startswith("AMAZON.") \
                and not template.intent.startswith("AMAZON.") and carried \
                and any(map(_resolved, template.slots.values())) and self._exact_intent(heard.words) is None:
            # Alexa gives a built-in intent only for one of its samples said exactly; a custom sample said exactly
            # with a value of its slot's type in it is the closer fit ("that one was lovely, no pain at all").
            sample, score = None, 0.0
        if template is not None and sample is not None and sample.slots and not sample.carrier \
                and template.intent != sample.intent and self._tells_an_account(template) \
                and self._says_how_it_feels(heard, mentions, sample):
            # A listed value said with how it feels ("my husband's back is really sore", "ow, my back") is an account
            # of it, for the catch-all to hear whole: a sample that is the value alone ("{area}") asks for the value
            # only with no such word beside it ("the neck one please").
            return template
        if template is not None and sample is not None and sample.intent != template.intent and score > template.score:
            # The paraphrase's intent is the closer fit: its own best template, if one fits, says where its slots are.
            own, own_carried = self._best_fit(heard, self._templates_of.get(sample.intent, ()), mentions)
            if own is not None:
                template, carried = own, own_carried
        if template is not None and sample is not None and sample.intent == template.intent:
            # Both say this intent: the closer fit's slots, with any value only the other resolved, and a whole
            # sentence the template heard in a slot (no carrier around it) kept for triage.
            paraphrased = Resolution(sample.intent, self._slots_from_paraphrase(sample, heard, mentions), score)
            if template.score >= score:
                return _with_slots_from(template, paraphrased, keep_words=True, fill_missing=False,
                                        describing=self._describing_types)
            # A description the template heard whole replaces the paraphrase's reading of it when no carrier held
            # it, or when it was said around a request ("skip this one {symptom}"), where the carrier is the request.
            whole = not carried or template.intent not in self._catch_alls
            merged = _with_slots_from(paraphrased, template, keep_words=False, fill_missing=not carried,
                                      describing=self._describing_types if whole else frozenset())
            return _with_spans_the_carrier_frames(merged, template) if carried else merged
        if template is not None and (template.score >= score or sample is None):
            return self._unless_caught_all(template, heard, mentions)
        floor = BUILT_IN_BELOW if sample is not None and sample.intent.startswith("AMAZON.") else FALLBACK_BELOW
        if sample is not None and score >= floor:
            return self._unless_caught_all(
                Resolution(sample.intent, self._slots_from_paraphrase(sample, heard, mentions), score), heard, mentions)
        return Resolution(FALLBACK_INTENT, {}, 1.0 - score)

    def _tells_an_account(self, heard_as: Resolution) -> bool:
        """Whether the slots heard are all of types that tell how things are (a symptom, a feeling)."""
        filled = [slot for slot in heard_as.slots.values() if slot.value is not None]
        return bool(filled) and all(slot.slot_type in self._account_types for slot in filled)

    def _says_how_it_feels(self, heard: Heard, mentions: Sequence[_Mention], sample: _Sample) -> bool:
        """Whether words besides the values of the sample's slot types are evidence of the check-in's feelings
        ("sore", "stiff", "ow")."""
        feeling = self._slot_types.get(PAIN_CHECK.intent, {}).get(PAIN_CHECK.slot)
        evidence = self._distinctive_words.get(feeling, frozenset())
        types = {self._slot_types[sample.intent][name] for name in sample.slots}
        inside = {i for m in mentions if m.value.slot_type in types for i in range(m.start, m.end)}
        return any(_canonical(w) in evidence for i, w in enumerate(heard.words) if i not in inside)

    @staticmethod
    def _mostly_said(sample: _Sample, heard: Heard) -> bool:
        """Whether at least half of a sample's content words are among the words heard."""
        own = {_canonical(w) for w in sample.carrier if w not in _CONTENT_STOP_WORDS}
        return 2 * len(own & {_canonical(w) for w in heard.words}) >= len(own)

    def _unless_caught_all(self, heard_as: Resolution, heard: Heard, mentions: Sequence[_Mention]) -> Resolution:
        """A catch-all (a slot of a type Alexa passes through, holding words none of its values) wins only for words
        that describe a body feeling (the template already required a word that is evidence of its type): a red-flag
        sign, which must reach triage whatever else is said, or a feeling among no other intent's own words. A
        request of another intent with its own words is that request ("kill the heat timer" names the heat's timer,
        "skip that one I can't lie on my front" a skip), as Alexa's model, trained on requests and values alike,
        would hear it. (Words that are neither still reach the catch-all when one is a symptom word: "blood when I
        wee" and "add milk to my shopping list" cannot be told apart by vocabulary, and the first must be heard.)"""
        if not self._only_passed_through(heard_as) or self._names_a_sign(heard_as):
            return heard_as
        return self._rival_request(heard, mentions, heard_as.intent) or heard_as

    def _names_a_sign(self, heard_as: Resolution) -> bool:
        """Whether the red-flag rules find a sign (any tier, clarify included) in a slot's words, as the skill will
        read them on an Echo."""
        return any(self._sign_in_words(slot.value.split()) for slot in heard_as.slots.values() if slot.value)

    def _sign_in_words(self, words: Sequence[str]) -> bool:
        """Whether the red-flag rules find a sign (any tier, clarify included) in these words."""
        return _names_a_sign(self._locale, " ".join(words))

    def _rival_request(self, heard: Heard, mentions: Sequence[_Mention], caught_by: str) -> Resolution | None:
        """The nearest request of another intent whose own words are said: the words most of its samples use ("timer",
        "skip", "stretch", a tip's {topic} such as "smoking") and no catch-all type's values are evidence of."""
        tokens = self._similarity_tokens(heard.words, mentions)
        evidenced = {intent for intent, keywords in self._keywords.items() if tokens & keywords} | {
            intent for intent, slots in self._slot_types.items()
            if any(_tag(t) in tokens for t in slots.values() if t in self._values and t not in self._open_types)}
        score, sample = self._most_similar(self._query(heard.words, mentions),
                                           exclude=frozenset(self._keywords) - evidenced
                                           | {caught_by, *_ANSWERS_TO_A_QUESTION})
        if sample is None or score < _RIVAL_FLOOR:
            return None
        return Resolution(sample.intent, self._slots_from_paraphrase(sample, heard, mentions), max(score, FALLBACK_BELOW))

    def _answer_first(self, heard: Heard, mentions: Sequence[_Mention], heard_as: Resolution) -> Resolution:
        """An answer said first, then more words ("no, let me try it again", "yeah, all warmed up", "hold on, I need
        to help her turn over"), is that answer, as Alexa's own YesIntent, NoIntent and PauseIntent take it, unless
        what follows is something else the answer cannot carry: a sign that needs its words heard ("no, but I can't
        feel my legs"), a "no" that is a word of the sentence ("no feeling when I wipe"), a "no" before stopping or
        cancelling, or a request of its own ("yes, start my neck stretches"). A long account after it is an answer
        only when nothing else was heard in it."""
        words = heard.words
        lead = next(((intent, len(phrase)) for phrase, intent in _LEADING_ANSWERS
                     if tuple(words[:len(phrase)]) == phrase and len(words) > len(phrase)), None)
        if lead is None:
            return heard_as
        answer, said = lead
        too_long = len(words) > _LONGEST_ANSWER and (heard_as.intent != FALLBACK_INTENT
                                                     or len(words) > _LONGEST_ANSWER + _LONGER_IF_UNHEARD)
        if answer not in self._slot_types or too_long:
            return heard_as
        tail = self._exact_intent(words[said:])
        if answer in (_YES, _NO) and tail in (_YES, _NO):
            return Resolution(answer, {}, 1.0)  # "nah, that's fine", "yep, sounds good": the answer, and its manner
        if answer == _NO and heard_as.intent == _YES and tail is None:
            return Resolution(_NO, {}, 1.0)  # "no, I'm okay", "no, that's alright": the yes it sounds like is its manner
        if answer == _PAUSE and tail == _NO:
            return Resolution(_NO, {}, 1.0)  # "hang on, not quite": the wait is the no's reason, not a request
        if tail in _NEVER_AN_ANSWER or (answer == _NO and tail in _OVER_A_NO):
            return Resolution(tail, self._unfilled(tail), 1.0)  # "yeah, go back": no yes/no question offers that
        moved = self._move_after(heard, said)
        if moved is not None and (moved.intent in _NEVER_AN_ANSWER or (answer == _NO and moved.intent in _OVER_A_NO)):
            return moved  # the same, said in other words: "yeah, let's go back one"
        corrected = self._correction_after(heard, said)
        if corrected is not None:
            return corrected  # "no, make it eight instead"
        if answer in (_YES, _NO) and (chosen := self._choice_after(heard, said, answer == _NO)) is not None:
            return chosen  # "yes, the neck one", "no, just the neck ones": the answer, and the value says which
        if heard_as.intent == answer:
            after = self._request_after(heard, said)
            return heard_as if after is not None and self._feeling_as_reason(answer, after, heard) else \
                after or heard_as
        if self._feeling_as_reason(answer, heard_as, heard):
            return Resolution(answer, {}, max(heard_as.score, FALLBACK_BELOW))
        if words[0] == "no" and said == 1 and words[1] not in _AFTER_AN_ANSWER:
            if self._sign_in_words(heard.spoken) or self._request_beside(heard_as, heard) \
                    or (heard_as.intent.startswith("AMAZON.") and heard_as.intent != FALLBACK_INTENT):
                return heard_as  # "no feeling when I wipe", "no more heat today", "no forget that": a word of the
                # sentence, or a request that leads with it
            # With neither, it denies the words it leads ("no change at all", "no injury", "no pins and needles"),
            # whose feeling is not had: the answer no.
            return Resolution(answer, {}, max(heard_as.score, FALLBACK_BELOW))
        if answer == _NO and heard_as.intent in _ENDINGS:
            return heard_as
        if answer == _NO and (ending := self._exact_intent(words[said:])) in _ENDINGS:
            return Resolution(ending, self._unfilled(ending), 1.0)  # "no, cancel that"
        rest = words[said:][2:] if words[said:said + 2] == ("thank", "you") else \
            words[said:][1:] if words[said:said + 1] == ("thanks",) else words[said:]
        if rest and self._exact_intent(rest) == answer:
            return Resolution(answer, {}, 1.0)  # "no thanks, I'm fine": the answer, twice
        if self._describes_a_sign(heard, mentions, said) and (
                self._sign_in_words(heard.spoken) if heard_as.intent == FALLBACK_INTENT
                or heard_as.intent in self._catch_alls
                else (not self._only_passed_through(heard_as) and self._says_its_own_words(heard_as.intent, words[said:]))
                or self._names_a_sign(heard_as)):
            return heard_as  # a feeling the rules find no sign in is the answer's reason: "no, nothing's changed", and
            # so is one that only sounds like a request ("no, just the usual stiffness" is no "the usual stretches")
        if answer == _NO and any(w in _NEGATIONS for w in words[said:]):
            return Resolution(answer, {}, max(heard_as.score, FALLBACK_BELOW))  # "no, don't skip it": said twice
        after = self._request_after(heard, said)
        if self._request_beside(heard_as, heard) and (after is None or heard_as.score > after.score) \
                and self._says_its_own_words(heard_as.intent, words[said:]):
            return heard_as
        return after or Resolution(answer, {}, max(heard_as.score, FALLBACK_BELOW))

    def _move_after(self, heard: Heard, said: int) -> Resolution | None:
        """The request the words after a leading answer make on their own when it is heard surely, built-ins
        included; None for a negated tail ("no, don't go back")."""
        if len(heard.words) - said < 2 or any(w in _NEGATIONS for w in heard.words[said:]):
            return None
        after = Heard(heard.spoken, heard.words[said:], heard.sources[said:])
        request = self._heard_as_request(after, self._mentions(after.words))
        # A move no yes/no question offers ("go back a step") needs only to be heard as it would be said alone.
        sure = request.score >= (BUILT_IN_BELOW if request.intent in _MOVES else _OWN_REQUEST)
        # Only words that follow an answer ("yes, they did", "nah, just the one") echo it: no move. So does asking what
        # the things offered are ("yes, what are they" to "Shall I tell you the signs?"): the yes, to hear them.
        echo = all(w in _AFTER_AN_ANSWER or w in ("one", "what", "which") for w in after.words)
        return request if sure and not echo and not self._only_passed_through(request) else None

    def _correction_after(self, heard: Heard, said: int) -> Resolution | None:
        """The request a leading answer corrects itself with, when it carries a new time or length ("no, make it
        eight instead"): the words after the answer, "instead" aside, heard as a request with that value."""
        end = len(heard.words) - (heard.words[-1] == "instead")
        if end - said < 2:
            return None
        tail = Heard(heard.spoken, heard.words[said:end], heard.sources[said:end])
        moved = self._move_after(tail, 0)
        if moved is None or moved.intent.startswith("AMAZON.") or not any(
                slot.value is not None and slot.slot_type in _FINDERS for slot in moved.slots.values()):
            return None
        return moved

    def _choice_after(self, heard: Heard, said: int, as_a_set: bool = False) -> Resolution | None:
        """The request the words after a yes make when they are little more than a listed value of one of its
        slots (a routine's area, a tip's topic): a yes that names which one chooses it. After a no, only a
        value named as a set of things chooses ("no, I want the neck ones"): a body part is the no's reason ("no,
        it's just my lower back"). A symptom or how a stretch felt is an account, not a choice ("yes, it's fine")."""
        rest = heard.words[said:]
        if not rest or any(w in _NEGATIONS for w in rest):
            return None
        picked = [m for m in self._mentions(list(rest)) if m.value.slot_type not in self._account_types | _EVERYDAY_NAMES
                  and (not as_a_set or (m.end < len(rest) and _canonical(rest[m.end]) in _SET_NOUNS))]
        if len({m.value for m in picked}) != 1 or len(rest) - max(m.end - m.start for m in picked) > \
                _WORDS_AROUND_A_CHOICE:  # one value named ("lower back" holds "back"), with a few words around it
            return None
        after = Heard(heard.spoken, rest, heard.sources[said:])
        request = self._heard_as_request(after, self._mentions(after.words))
        if request.intent.startswith("AMAZON.") or request.score < BUILT_IN_BELOW:
            return None
        chosen = [slot for slot in request.slots.values() if slot.status == ER_MATCH
                  and slot.slot_type == picked[0].value.slot_type]
        return request if chosen else None

    def _move_to_a_named_one(self, words: Sequence[str], mentions: Sequence[_Mention],
                             heard_as: Resolution) -> Resolution:
        """A move back or again that names a listed value only one of the skill's requests holds ("do the neck
        ones again", "go back to the back stretches"), or a skip to one named instead ("can I do the neck stretches
        instead"), asks for that one: the request with that value. Alexa's built-in moves carry no slot, and the
        skill's sample with the value ("the {area} ones") fits better."""
        replaced = heard_as.intent == "SkipStretchIntent" and "instead" in words  # "the neck ones instead"
        if heard_as.intent not in _MOVES | {_START_OVER} and not replaced:
            return heard_as
        # A value that names a request on its own (a bare "{area}" sample), said as the name of a set of things
        # ("the neck ones", "the back stretches"): not an idiom of the move ("all over again", "the whole thing").
        named = {m.value for m in mentions if m.value.slot_type in self._open_types - self._account_types
                 and m.end < len(words) and _canonical(words[m.end]) in _SET_NOUNS}
        if len(named) != 1:
            return heard_as
        value = next(iter(named))
        holders = [(intent, name) for intent, slots in self._slot_types.items() if not intent.startswith("AMAZON.")
                   for name, slot_type in slots.items() if slot_type == value.slot_type]
        if len(holders) != 1:
            return heard_as
        intent, name = holders[0]
        said = next(m.words for m in mentions if m.value == value)
        slots = {**self._unfilled(intent),
                 name: SlotValue(name, value.slot_type, said, ER_MATCH, value.id, value.canonical)}
        return Resolution(intent, slots, heard_as.score)

    def _feeling_as_reason(self, answer: str, heard_as: Resolution, heard: Heard) -> bool:
        """Whether a "no" is followed by how the user feels, with no sign in it ("no, it's okay now", "nah, it's
        eased off"): the no's reason, as Alexa's NoIntent takes it. (While "How did that feel?" is open its own
        samples hear the feeling first.)"""
        if answer != _NO or heard_as.intent != PAIN_CHECK.intent or self._sign_in_words(heard.spoken):
            return False
        if heard.words[0] == "no" and len(heard.words) > 1 and heard.words[1] not in _AFTER_AN_ANSWER:
            return False  # "no pain on that one": the "no" is a word of the feeling
        feeling = heard_as.slots.get(PAIN_CHECK.slot)
        return feeling is not None and feeling.id in _ALL_RIGHT  # "no, it hurts" keeps its hurt

    def _says_its_own_words(self, intent: str, words: Sequence[str]) -> bool:
        """Whether the words say one of the intent's own words ("stretch", "skip", "heat"), if it has any: "no, it's
        just my lower back" names a routine's area but asks for no routine."""
        own = self._keywords.get(intent, frozenset())
        return not own or bool(own & {_canonical(w) for w in words})

    def _request_beside(self, heard_as: Resolution, heard: Heard) -> bool:
        """Whether what was heard after a leading yes or no is a request of its own: the symptom catch-all is one
        only for a sign the rules find ("no, but my legs have gone numb"); a listed everyday complaint ("no, just the
        usual stiffness", "no change at all") is the answer's reason."""
        return self._own_request(heard_as) and (heard_as.intent not in self._catch_alls
                                                or self._sign_in_words(heard.spoken))

    def _own_request(self, heard_as: Resolution) -> bool:
        return not heard_as.intent.startswith("AMAZON.") and heard_as.score >= _OWN_REQUEST \
            and not self._only_passed_through(heard_as)

    def _request_after(self, heard: Heard, said: int) -> Resolution | None:
        """The request the words after a leading answer make on their own, whose "nah" or "yeah" would otherwise pull
        the whole sentence towards the answer ("nah, skip that stretch"). A shorter tail says the answer again in
        other words ("yes, skip it" to "Skip it?", "nah, all good"), and so does a negated one ("no, don't skip it")."""
        if len(heard.words) - said < _SHORTEST_WHOLE_REQUEST or any(w in _NEGATIONS for w in heard.words[said:]):
            return None
        after = Heard(heard.spoken, heard.words[said:], heard.sources[said:])
        request = self._heard_as_request(after, self._mentions(after.words))
        return request if self._request_beside(request, after) and self._says_its_own_words(request.intent,
                                                                                             after.words) \
            else None

    def _only_passed_through(self, heard_as: Resolution) -> bool:
        """Whether the intent was heard only because a sample that is its slot alone took the words unlisted
        (the symptom catch-all): no request of its own."""
        filled = [slot for slot in heard_as.slots.values() if slot.value is not None]
        return bool(filled) and all(slot.status == ER_NO_MATCH and slot.slot_type in self._open_types
                                    for slot in filled)

    def _describes_a_sign(self, heard: Heard, mentions: Sequence[_Mention], start: int) -> bool:
        """Whether the words from `start` name a value of a type a bare sample passes through (a symptom, a
        feeling): a listed one, or in three words that are evidence of such a type."""
        if any(m.start >= start and m.value.slot_type in self._open_types for m in mentions):
            return True
        content = {_canonical(w) for w in heard.words[start:] if w not in _CONTENT_STOP_WORDS}
        return any(len(content & self._distinctive_words.get(slot_type, frozenset())) >= 3
                   for slot_type in self._open_types)

    def _exact_intent(self, words: Sequence[str]) -> str | None:
        """The intent of a slotless sample these words are, as said, or but for one of a kind ("next exercise" for
        "next stretch"), or but for a "now" or "today" after it ("stop now")."""
        # "Let's" proposes what follows ("let's go back one"): the words after it are the request, as said alone.
        proposed = _drop_leading_fillers(list(words[2:])) if len(words) > 2 and tuple(words[:2]) == ("let", "us") \
            else None
        # Thanks said first ("thank you, goodbye", "cheers, that's all") is manner: the words after it, as said.
        thanked = next((list(words[len(thanks):]) for thanks in _THANKS
                        if tuple(words[:len(thanks)]) == thanks and len(words) > len(thanks)), None)
        # A carer passing on the answer ("she says no", "my wife says yes"): the answer, as the patient gave it.
        teller = 2 if tuple(words[:1]) == ("my",) and len(words) > 1 and _canonical(words[1]) == "relative" else 1
        reported = list(words[teller + 1:]) if len(words) > teller + 1 and words[teller] in _SAYS \
            and (teller == 2 or _canonical(words[0]) == "i") else None
        reported = reported if reported and self._exact.get(" ".join(reported)) in _ANSWERS_TO_A_QUESTION else None
        for said in (words, words[:-1] if len(words) > 1 and words[-1] in _WHEN_SAID else None, proposed, thanked,
                     reported):
            if said:
                found = self._exact.get(" ".join(said)) or self._same_meaning.get(" ".join(map(_canonical, said)))
                if found:
                    return found
        return None

    def split_invocation(self, text: str) -> tuple[str, str]:
        """("launch", ""), ("one_shot", request) or ("continue", text) for what the user said to Alexa."""
        spoken = _spoken_form(text)
        if self._launch.match(spoken):
            return "launch", ""
        request = self._one_shot.match(spoken) or self._one_shot_suffix.match(spoken)
        if request:
            return "one_shot", request.group("request")
        return "continue", text

    def _unfilled(self, intent: str) -> dict[str, SlotValue]:
        return {name: SlotValue(name, slot_type, None) for name, slot_type in self._slot_types[intent].items()}

    def _answer_to(self, context: ElicitedSlot, heard: Heard) -> Resolution | None:
        """The elicited intent, when the words fit one of its slot samples with a value of the slot's type, or
        hold such a value with a few words of manner around it ("let's say fifteen"), none of them a "not"."""
        answer, _ = self._best_fit(heard, self._dialog_templates.get(context.intent, ()))
        if answer is None or answer.slots[context.slot].value is None:
            # "Before bed, say ten": a sample joining another slot to the asked one gives the asked one too.
            joined, _ = self._best_fit(heard, self._answer_templates.get(context.intent, ()))
            if joined is not None and joined.score >= _SLOT_MATCH and joined.slots[context.slot].value is not None:
                return joined
        if answer is not None and answer.score >= _SLOT_MATCH:
            return answer
        words = heard.words
        if any(word in _NEGATIONS for word in words):
            return None
        slot_types = self._slot_types.get(context.intent, {})
        # The elicited slot first, then the intent's others ("twenty minutes" while minutes are asked for); a sign said
        # beside a request ({symptom}) answers no question: it is heard as it would be without one.
        for name in sorted(slot_types, key=lambda slot: slot != context.slot):
            slot_type = slot_types[name]
            if slot_type in self._describing_types:
                continue
            if slot_type in _FINDERS:
                found = _FINDERS[slot_type](words)
                span = (found[0], found[1]) if found else None
            else:
                value = self._contained_value(slot_type, words)
                span = next(((m.start, m.end) for m in self._mentions(words) if m.value == value), None) \
                    if value else None
            if span is None or _words_around(words, span) > _WORDS_AROUND_AN_ANSWER:
                continue
            slots = self._unfilled(context.intent)
            if slot_type in self._values:  # every word stays in the slot, for triage: "both legs {numb}"
                slots[name] = self._unlisted(name, slot_type, " ".join(words), heard.said(0, len(words) - 1))
                return Resolution(context.intent, slots, _SLOT_MATCH)
            first, last = heard.whole_words(span[0], span[1] - 1)
            judged = self._judge_slot(name, slot_type, " ".join(words[first:last + 1]), heard.said(first, last), True)
            if judged is not None and judged[1] >= _SLOT_MATCH:
                slots[name] = judged[0]
                return Resolution(context.intent, slots, judged[1])
        return None

    def _best_fit(self, heard: Heard, templates: Iterable[_Sample] | None = None,
                  mentions: Sequence[_Mention] | None = None) -> tuple[Resolution | None, bool]:
        """The best-fitting slotted sample, and whether it has carrier words. Carriers compare canonically, so "my
        husband's got {symptom}" fits "my dad's got {symptom}"; slot values are then read from the words as typed."""
        canonical = [_canonical(w) for w in heard.words]
        canonical_text, canonical_set = " ".join(canonical), frozenset(canonical)
        best: Resolution | None = None
        best_rank = (0.0, -1, 0)
        longest_said: dict[str, int] = {}  # per custom type, the most words of one of its listed values said
        for mention in self._mentions(heard.words) if mentions is None else mentions:
            slot_type = mention.value.slot_type
            longest_said[slot_type] = max(longest_said.get(slot_type, 0), mention.end - mention.start)
        for sample in self._templates if templates is None else templates:
            if not sample.canonical_carrier <= canonical_set:
                continue
            match = sample.pattern.match(canonical_text)
            filled = self._fill_template(sample, match, heard) if match else None
            if match and len(sample.slots) > 1 and (filled is None or filled.score < _SLOT_MATCH):
                # Two slots side by side ("{when} {time}"): the first may end later than its shortest reading, as
                # Alexa would split "after tea six" as "after tea" and "six", never "after" and "tea six".
                for size in range(2, len(canonical)):
                    longer = _first_slot_of(sample.pattern, size).match(canonical_text)
                    other = self._fill_template(sample, longer, heard) if longer else None
                    if other is not None and all(_resolved(other.slots[name]) for name in sample.slots) \
                            and (filled is None or other.score > filled.score):
                        filled = other  # only a split where every slot holds a value of its type: never words
            if filled is None:
                continue
            # Equally sure: the more specific carrier wins, then the slot whose type's own value is said in more words
            # ("a sore back" is a symptom's "sore back" before a feeling's "sore").
            said = max((longest_said.get(filled.slots[name].slot_type, 0) for name in sample.slots), default=0)
            rank = (filled.score, len(sample.carrier), said)
            if rank > best_rank:
                best, best_rank = filled, rank
        return best, best_rank[1] > 0

    def _fill_template(self, sample: _Sample, match: re.Match[str], heard: Heard) -> Resolution | None:
        slots = self._unfilled(sample.intent)
        score = 1.0
        for index, name in enumerate(sample.slots):
            start, end = match.span(f"s{index}")
            first, last = match.string.count(" ", 0, start), match.string.count(" ", 0, end)
            words = " ".join(heard.words[first:last + 1])
            said = heard.said(first, last)
            if said is None and self._slot_types[sample.intent][name] in self._values:
                return None  # Alexa hears "that'd" as one word: no "that {feeling}" holding "would be good"
            judged = self._judge_slot(name, self._slot_types[sample.intent][name], words, said,
                                      bool(sample.carrier), sample.intent not in self._catch_alls, heard.spoken)
            if judged is None:
                return None
            slots[name], slot_score = judged
            score = min(score, slot_score)
        if len(sample.slots) > 1 and not any(_resolved(slots[name]) for name in sample.slots):
            return None  # "{mode} {area} stretches" heard as "{just} {skip this} stretch": no value anchors it
        return Resolution(sample.intent, slots, score)

    def _judge_slot(self, name: str, slot_type: str, words: str, said: str | None,
                    has_carrier: bool, around_a_request: bool = False, whole: Sequence[str] = ()
                    ) -> tuple[SlotValue, float] | None:
        """The slot value for words heard in a slot position, and how sure we are; None if they can't fill it.
        Typed values are read from the normalised `words`; free text is `said`, the words as Alexa sends them."""
        if slot_type in self._values:
            found = self._lookup_value(slot_type, words)
            if found is not None:
                spoken, value = found
                return SlotValue(name, slot_type, said or spoken, ER_MATCH, value.id, value.canonical), _SLOT_MATCH
            # Unknown values are short; without that limit, or without a carrier around the slot, a
            # sample like "{area} stretches" would swallow whole sentences as an unknown value. A description said
            # around a request ("skip {symptom}") is one only when it sounds like the type or names a sign: "skip
            # this stretch" holds no symptom.
            describes_around_a_request = around_a_request and slot_type in self._describing_types
            names_a_sign = describes_around_a_request and self._sign_in_words(words.split())
            if names_a_sign and whole and not self._sign_in_words(whole):
                # Words cut from "i haven't got any of the signs" before "signs" name a sign the sentence denies.
                return None
            if names_a_sign:
                return self._unlisted(name, slot_type, words, said), _SLOT_MATCH
            if has_carrier and len(words.split()) <= _LONGEST_UNKNOWN_VALUE and not describes_around_a_request:
                return self._unlisted(name, slot_type, words, said), _NO_MATCH
            # Longer unlisted values pass through only when they sound like the type's own values.
            if len(words.split()) > self._longest_name.get(slot_type, len(words.split())):
                return None
            likeness = self._likeness(slot_type, words)
            if likeness is None:
                return None
            return self._unlisted(name, slot_type, words, said), _UNLISTED_BASE + _UNLISTED_SPAN * likeness
        if slot_type == DURATION:
            iso = duration_slot_value(words)
            if iso is None:
                return None
            found = find_duration(words.split()) if iso == "?" else None
            if found is not None and self._sign_in_words(words.split()[found[1]:]):
                return None  # "for {ten minutes} i can't feel my legs": Alexa's duration ends where the sign begins
            return SlotValue(name, slot_type, iso), _DURATION_UNKNOWN if iso == "?" else _SLOT_MATCH
        if slot_type == TIME:
            time = time_slot_value(words)  # "08:00", or "MO" for a part of the day said on its own
            return None if time is None else (SlotValue(name, slot_type, time), _SLOT_MATCH)
        if slot_type == NUMBER:
            digits = number_slot_value(words)
            return None if digits is None else (SlotValue(name, slot_type, digits), _SLOT_MATCH)
        # SearchQuery and other free-text built-in types: Alexa passes the words through as it heard them. It
        # hears "I'm" as one word, so no carrier ends inside it (`said` is None for "i {symptom}" there).
        if said is None:
            return None
        return SlotValue(name, slot_type, said), _FREE_TEXT

    def _unlisted(self, name: str, slot_type: str, words: str, said: str | None) -> SlotValue:
        """A slot holding words that are no listed value as a whole. Alexa's slot model picks a value out of words
        around it ("the gentle {whole back} one"): when they name exactly one listed value, entity resolution
        matches it; the slot keeps every word heard, for triage."""
        contained = self._picked_value(slot_type, words.split())
        if contained is None:
            return SlotValue(name, slot_type, said or words, ER_NO_MATCH)
        return SlotValue(name, slot_type, said or words, ER_MATCH, contained.id, contained.canonical)

    def _picked_value(self, slot_type: str, words: Sequence[str]) -> _TypeValue | None:
        """The listed value Alexa's slot model would pick out of unlisted words: one named inside a few words, or
        inside any number for a type of short names ("give me some advice about {lifting}"); a type whose values
        are themselves descriptions (symptoms) takes a whole description as one, matching none."""
        if len(words) > _LONGEST_PICKED_VALUE and slot_type in self._describing_types:
            return None
        return self._contained_value(slot_type, words)

    def _contained_value(self, slot_type: str, words: Sequence[str]) -> _TypeValue | None:
        """The one listed value of `slot_type` the words name (none negated), if exactly one; a value said inside a
        longer one ("back" in "whole back") is not named."""
        mentions = [m for m in self._mentions(words) if m.value.slot_type == slot_type]
        named = {m.value for m in mentions if not any(o.start <= m.start and m.end <= o.end and o is not m
                                                       and o.end - o.start > m.end - m.start for o in mentions)}
        return named.pop() if len({value.id for value in named}) == 1 else None

    def _likeness(self, slot_type: str, words: str) -> float | None:
        """How much unlisted words sound like a custom type's values, as Alexa's model learns them from the values:
        None unless they hold a word that is evidence of the type ("numb", "bladder" for SYMPTOM, never "back",
        which more stretch requests use); else the share of their content words the type's values use."""
        content = [_canonical(w) for w in words.split() if w not in _CONTENT_STOP_WORDS]
        distinctive = self._distinctive_words.get(slot_type)
        if not content or not distinctive:
            return None
        if not any(word in distinctive for word in content) and (slot_type not in self._describing_types or not any(
                m.end - m.start > 1 and m.value.slot_type == slot_type and self._sign_in_words(m.words.split())
                for m in self._mentions(words.split()))):
            return None  # nor a sign of two words or more listed as it is said ("my wife {slipped over}")
        if not any(word in self._telling_words[slot_type] for word in content) and not self._sign_in_words(words.split()):
            return None  # a word only one symptom uses ("shop" in "can't get to the shops") tells little by itself
        vocabulary = self._type_vocabulary[slot_type]
        return sum(word in vocabulary for word in content) / len(content)

    def _lookup_value(self, slot_type: str, words: str) -> tuple[str, _TypeValue] | None:
        """The value `words` name, allowing qualifiers around it ("my neck", "really sore now")."""
        phrases = self._values[slot_type]
        split = words.split()
        while split:
            if " ".join(split) in phrases:
                return " ".join(split), phrases[" ".join(split)]
            if split[0] in _QUALIFIERS:
                split = split[1:]
            elif split[-1] in _QUALIFIERS:
                split = split[:-1]
            elif split[-2:] == ["at", "all"] and len(split) > 2:  # "no pain at all", "not sore at all"
                split = split[:-2]
            else:
                return None
        return None

    def _mentions(self, words: Sequence[str]) -> list[_Mention]:
        """Every custom slot value said in the utterance, unless negated ("it's not spreading")."""
        mentions = []
        for start, word in enumerate(words):
            if start > 0 and words[start - 1] in _NEGATIONS:
                continue
            if word == "back" and (start > 0 and words[start - 1] in _BACK_AS_A_WAY or start > 1 and words[
                    start - 1] in ("me", "us") and words[start - 2] in _BACK_AS_A_WAY):
                continue  # a direction, not the body part
            for phrase, value in self._values_by_first_word.get(word, ()):
                if tuple(words[start:start + len(phrase)]) == phrase:
                    mentions.append(_Mention(start, start + len(phrase), " ".join(phrase), value))
        return mentions

    def _similarity_tokens(self, words: Sequence[str], mentions: Iterable[_Mention],
                           slot_tags: Mapping[str, str] | None = None,
                           types: frozenset[str] | None = None,
                           covered: dict[str, list[str]] | None = None) -> frozenset[str]:
        """Canonical words, with every slot value said replaced by its type's tag, as samples have it. With `types`
        (an intent's slot types), only values of those types are tags: to an intent without such a slot they are
        words like any other ("fifteen minutes" is no "just a minute", "okay" no "{feeling}")."""
        tags: list[str | None] = [None] * len(words)
        if types is not None:
            mentions = [m for m in mentions if m.value.slot_type in types]
        for mention in sorted(mentions, key=lambda m: m.start - m.end):  # longest first
            if mention.value.slot_type in _EVERYDAY_NAMES \
                    and len(words) - (mention.end - mention.start) > _WORDS_AROUND_AN_ANSWER \
                    and not self._names_what_it_is_for(mention.value.slot_type, words):
                continue  # everyday words name a time or a length when said as one or with what it is for, not in
                # passing ("my back is just the usual")
            if not any(tags[mention.start:mention.end]):
                tags[mention.start:mention.end] = [_tag(mention.value.slot_type)] * (mention.end - mention.start)
        for slot_type in self._tagged_builtins:
            if types is not None and slot_type not in types and _BUILT_IN in types:
                continue
            found = _FINDERS[slot_type](words)
            if found is not None and not any(tags[found[0]:found[1]]):
                # To a custom intent without such a slot, an amount or a time is still one ("for three days"), of
                # no slot's type.
                tag = _tag(slot_type) if (types is None or slot_type in types) and _a_length(slot_type, found[2]) \
                    else _tag(_AN_AMOUNT)
                tags[found[0]:found[1]] = [tag] * (found[1] - found[0])
        slot_tags = slot_tags or {}
        if covered is not None:  # the words each custom value's tag stands for
            for word, tag in zip(words, tags):
                if tag and tag[1:-1] in self._values and word not in _CONTENT_STOP_WORDS:
                    covered.setdefault(tag, []).append(_canonical(word))
        tokens = {tag for tag in tags if tag} | {slot_tags[w] for w in words if w in slot_tags}
        plain = " ".join(w for w, tag in zip(words, tags) if tag is None and w not in slot_tags)
        tokens.update(_canonical(w) for w in _PHRASE_PATTERN.sub(lambda m: _PHRASES[m.group(1)], plain).split())
        return frozenset(tokens)

    def _names_what_it_is_for(self, slot_type: str, words: Sequence[str]) -> bool:
        """Whether the words say an own word of an intent with a slot of this type ("heat" for a length)."""
        said = {_canonical(w) for w in words}
        return any(said & self._keywords.get(intent, frozenset())
                   for intent, slots in self._slot_types.items() if slot_type in slots.values())

    def _nearest_sample(self, heard: Heard, mentions: Sequence[_Mention]) -> tuple[float, _Sample | None]:
        """The nearest sample with the values said read as their types, or with descriptions (symptoms) read as the
        words they are, whichever is nearer: a sample with no slot for a symptom holds its symptom words as words
        ("what causes back spasms"), as Alexa learnt them."""
        tagged = self._most_similar(self._query(heard.words, mentions))
        literal = [m for m in mentions if m.value.slot_type not in self._describing_types]
        if len(literal) == len(mentions):
            return tagged
        as_words = self._most_similar(self._query(heard.words, literal), only=self._naming_descriptions)
        return as_words if as_words[1] is not None and as_words[0] > tagged[0] else tagged

    def _query(self, words: Sequence[str], mentions: Sequence[_Mention]) -> Callable[[frozenset[str]], _Query]:
        """The similarity tokens of the words as intents with slots of the given types would hear them, each with its
        weight. A custom value weighs no more than its own words do: "back" is said in requests of every kind, and
        naming it is weak evidence that a stretch's {area} was meant, where "neck" is strong."""
        def heard_by(types: frozenset[str]) -> _Query:
            covered: dict[str, list[str]] = {}
            tokens = self._similarity_tokens(words, mentions, types=types, covered=covered)
            weights = {t: self._weights.get(t, self._unknown_weight) for t in tokens}
            for tag, said in covered.items():
                weights[tag] = min(weights[tag], max(self._weights.get(w, self._unknown_weight) for w in said))
            # A value of a type the intent has no slot for is only words to it, but words of the skill's own, never
            # foreign ones: "skip the {neck} stretches" is a skip that names a routine, not another domain's request.
            passing = frozenset(_canonical(w) for mention in mentions if mention.value.slot_type not in types
                                for w in words[mention.start:mention.end] if w not in _CONTENT_STOP_WORDS)
            return tokens, weights, passing
        return functools.cache(heard_by)

    def _most_similar(self, query: Callable[[frozenset[str]], _Query], exclude: frozenset[str] = frozenset(),
                      only: set[int] | None = None) -> tuple[float, _Sample | None]:
        """The nearest sample by weighted Dice overlap, found through an inverted index. The words are read as each
        intent's slots would read them (`query`: its slot types -> tokens). Query words the sample's intent uses in
        other samples count only partly against it."""
        best_score, best_index = 0.0, -1
        for types, postings in self._postings.items():
            tokens, weights, passing = query(types)
            weighted = list(weights.items())
            query_weight = sum(weight for _, weight in weighted)
            shared: dict[int, float] = {}
            in_words: set[int] = set()  # samples sharing a word with the query, not only a slot's value
            for token, weight in weighted:
                for index in postings.get(token, ()):
                    shared[index] = shared.get(index, 0.0) + weight
                    if not token.startswith("<") or token.startswith(_BUILT_IN_TAG):
                        in_words.add(index)
            known_to_intent: dict[str, float] = {}
            affirmed = not tokens & self._denials
            for index, overlap in shared.items():
                intent = self._samples[index].intent
                if intent in exclude or (only is not None and index not in only):
                    continue
                if affirmed and index in self._negated_samples:
                    continue  # "let's do this" is not "let's not do this one": a sample that denies says the opposite
                if index not in in_words and index not in self._bare_samples:
                    continue  # a listed value said alone ("your call") is a request only where a sample is that
                    # slot alone: Alexa hears "{length} on the heat" in no words of "{length}" alone. An amount
                    # ("twenty minutes") is no everyday phrase: it is heard where amounts are.
                if intent not in known_to_intent:
                    vocabulary = self._vocabulary[intent]
                    known_to_intent[intent] = sum(weight for t, weight in weighted
                                                  if t in vocabulary or t in passing)
                known = known_to_intent[intent]
                unmatched = (known - overlap) * _RELATED_WORD_WEIGHT + (query_weight - known) * _FOREIGN_WORD_WEIGHT
                score = 2 * overlap / (overlap + self._sample_weights[index] + unmatched)
                if score > best_score or (score == best_score and 0 <= index < best_index):
                    best_score, best_index = score, index
        return best_score, (self._samples[best_index] if best_index >= 0 else None)

    def _slots_from_paraphrase(self, sample: _Sample, heard: Heard,
                               mentions: Sequence[_Mention]) -> dict[str, SlotValue]:
        words = heard.words
        slots = self._unfilled(sample.intent)
        whole = self._beyond_carrier(sample, heard)
        if whole is not None:
            # One custom slot and words beyond the carrier that sound like its type: like Alexa, the slot holds all
            # of them ("my husband's got numbness in his groin" keeps its groin), not a value found inside them.
            name, said, found = whole
            slot_type = self._slot_types[sample.intent][name]
            slots[name] = (SlotValue(name, slot_type, said, ER_MATCH, found.id, found.canonical) if found
                           else SlotValue(name, slot_type, said, ER_NO_MATCH))
            return slots
        taken: list[tuple[int, int]] = []  # words a built-in value was read from: "five" in "five minutes" is no number
        # A number last: it is only what no duration or time said.
        for name, slot_type in sorted(self._slot_types[sample.intent].items(), key=lambda item: item[1] == NUMBER):
            if slot_type in self._describing_types and sample.intent not in self._catch_alls:
                # A sign said with a request fills its slot only where samples put it, before or after the request
                # ("skip it {symptom}"), as Alexa fills slots: a request that names a symptom as its topic ("what is
                # cauda equina") has none.
                continue
            if slot_type in self._values:
                said = [m for m in mentions if m.value.slot_type == slot_type]
                if said:
                    longest = max(said, key=lambda m: m.end - m.start)
                    value = longest.value
                    slots[name] = SlotValue(name, slot_type, heard.as_said(longest.start, longest.end - 1), ER_MATCH,
                                            value.id, value.canonical)
            elif slot_type in _FINDERS:
                found = _FINDERS[slot_type](words)
                if found is not None and not any(found[0] < end and start < found[1] for start, end in taken):
                    slots[name] = SlotValue(name, slot_type, found[2])
                    taken.append(found[:2])
            else:
                # Free text follows the carrier: drop the leading words the nearest sample also has.
                carrier = {_canonical(w) for w in sample.carrier}
                start = 0
                while start < len(words) and (_canonical(words[start]) in carrier or words[start] in _INTENSIFIERS):
                    start += 1
                if start < len(words):
                    slots[name] = SlotValue(name, slot_type, heard.as_said(start, len(words) - 1))
        return slots

    def _said_beside_the_request(self, sample: _Sample, heard: Heard, name: str, slot_type: str) -> SlotValue | None:
        """The words said after or before the ones a request's sample has ("start the heat {i can't pee}"), when they
        name a sign by themselves and do not go on from the request ("the warning signs {of cauda equina}" is the
        request's topic): Alexa's slot model takes a description where the request's samples put one."""
        own = {_canonical(w) for w in sample.carrier if w not in _CONTENT_STOP_WORDS}
        words = heard.words
        at = [i for i, w in enumerate(words) if _canonical(w) in own]
        for slot_type in self._slot_types[sample.intent].values():
            found = _FINDERS[slot_type](words) if slot_type in _FINDERS else None
            if found is not None and at and found[0] > at[-1]:
                at.extend(range(found[0], found[1]))  # its own amount or time: "start the heat for {ten minutes}"
        if not at:
            return None
        for start, end in ((at[-1] + 1, len(words) - 1), (0, at[0] - 1)):
            if start > end or (start > 0 and words[start] in _TOPIC_LINKS):
                continue
            start, end = heard.whole_words(start, end)
            if self._sign_in_words(words[start:end + 1]):
                return self._unlisted(name, slot_type, " ".join(words[start:end + 1]), heard.said(start, end))
        return None

    def _with_the_sign_beside(self, heard: Heard, mentions: Sequence[_Mention], heard_as: Resolution) -> Resolution:
        """A request heard with its symptom slot empty, in a sentence that names a sign: the slot takes the words said
        before or after the request's own, when they name the sign by themselves."""
        empty = [name for name, slot in heard_as.slots.items()
                 if slot.value is None and slot.slot_type in self._describing_types]
        if heard_as.intent in self._catch_alls or not empty or not self._sign_in_words(heard.spoken):
            return heard_as
        others = frozenset(self._vocabulary) - {heard_as.intent}
        _, sample = self._most_similar(self._query(heard.words, mentions), exclude=others)
        beside = sample and self._said_beside_the_request(sample, heard, empty[0],
                                                          heard_as.slots[empty[0]].slot_type)
        return replace(heard_as, slots={**heard_as.slots, empty[0]: beside}) if beside else heard_as

    def _beyond_carrier(self, sample: _Sample, heard: Heard) -> tuple[str, str, _TypeValue | None] | None:
        """For a sample with one custom slot: (slot name, the words as said, the listed value they name) when the
        words left once the carrier is taken off both ends name a value or mostly sound like the type's own."""
        if len(sample.slots) != 1 or self._slot_types[sample.intent][sample.slots[0]] not in self._values \
                or not sample.carrier:  # a sample that is its slot alone says nothing of where the value is
            return None
        slot_type = self._slot_types[sample.intent][sample.slots[0]]
        words, carrier = heard.words, {_canonical(w) for w in sample.carrier}
        start, end = 0, len(words) - 1
        while start <= end and (_canonical(words[start]) in carrier or words[start] in _INTENSIFIERS):
            start += 1
        while end >= start and _canonical(words[end]) in carrier:
            end -= 1
        if start > end:
            return None
        found = self._lookup_value(slot_type, " ".join(words[start:end + 1]))
        if found is None:  # "any tips about {sleeping}", but "it's {a bit crook}" is a value as it stands
            while end >= start and words[end] in _SLOT_EDGE_WORDS:
                end -= 1
            while start <= end and words[start] in _SLOT_EDGE_WORDS:
                start += 1
            if start > end:
                return None
            found = self._lookup_value(slot_type, " ".join(words[start:end + 1]))
        start, end = heard.whole_words(start, end)
        text = " ".join(words[start:end + 1])
        if found is None and (self._likeness(slot_type, text) or 0) <= _MOSTLY:
            return None
        return sample.slots[0], heard.said(start, end) or text, found[1] if found else self._picked_value(
            slot_type, text.split())

    # --- compiling the model -----------------------------------------------------------------------
    def _add_sample(self, intent: str, text: str) -> None:
        slot_names, sentinels, words = _parsed_sample(text)
        carrier = tuple(w for w in words if w not in sentinels)
        slot_tags = {sentinel: _tag(self._slot_types[intent][name]) for sentinel, name in zip(sentinels, slot_names)}
        # A description (a symptom) written into a sample outside the catch-all is, to Alexa, only that sample's own
        # words ("no change" is no symptom of NoIntent's, "what is a slipped disc" none of DiscInfoIntent's): tagged,
        # it would make any sentence naming a symptom that sample's paraphrase (see _nearest_sample).
        types = self._types_of[intent]
        said = self._mentions(words)
        self._types_said.setdefault(intent, set()).update(_tag(m.value.slot_type) for m in said)
        self._values_said.setdefault(intent, set()).update(
            _canonical(w) for m in said for w in words[m.start:m.end] if w not in _CONTENT_STOP_WORDS)
        mentions = [m for m in said if m.value.slot_type in types]  # others are its own words
        tokens = self._similarity_tokens(words, mentions, slot_tags, types)
        described = [m for m in mentions if m.value.slot_type in self._describing_types]
        if described and intent not in self._catch_alls:
            as_words = self._similarity_tokens(words, [m for m in mentions if m not in described], slot_tags, types)
            asked = {w for i, w in enumerate(words) if w not in _CONTENT_STOP_WORDS and w not in sentinels
                     and not any(m.start <= i < m.end for m in described)}
            # Asked about ("what can i take for the spasms"), a symptom is also its type; said alone ("no change",
            # "what is cauda equina syndrome") it is only these words.
            tokens = tokens | as_words if asked else as_words
            self._naming_descriptions.add(len(self._samples))  # the index _samples gives it below
        if not slot_names:
            self._exact.setdefault(" ".join(words), intent)
            # The same words but for one of a kind ("next exercise" for "next stretch"): that intent, if only one.
            key = " ".join(map(_canonical, words))
            self._same_meaning[key] = intent if self._same_meaning.get(key, intent) == intent else ""
            self._samples.append(_Sample(intent, carrier, frozenset(), (), None, tokens))
            return
        sample = _template(intent, slot_names, sentinels, words, tokens)
        # A request with a sign said around it ("skip this one {symptom}") keeps the sign's words for triage. It is
        # matched as a template only: as a paraphrase it would lend its request's words to the sign's type.
        if intent in self._catch_alls or not any(
                self._slot_types[intent][name] in self._describing_types for name in slot_names):
            self._samples.append(sample)
        self._templates.append(sample)
        self._templates_of.setdefault(intent, []).append(sample)

    def _index_similarity(self) -> None:
        self._vocabulary: dict[str, set[str]] = {}
        self._postings: dict[frozenset[str], dict[str, list[int]]] = {}  # by the slot types of the sample's intent
        for index, sample in enumerate(self._samples):
            self._vocabulary.setdefault(sample.intent, set()).update(sample.similarity_tokens)
            postings = self._postings.setdefault(self._types_of[sample.intent], {})
            for token in sample.similarity_tokens:
                postings.setdefault(token, []).append(index)
        # Rarity across intents, not samples: a word every intent uses tells them apart no better than
        # a word one intent repeats in all its samples.
        intents_using: dict[str, int] = {}
        for intent, vocabulary in self._vocabulary.items():
            # A type's tag is as common as the intents that say its values, as a slot or as their own words, and so
            # is each word of a value ("neck" is said in requests of several kinds, whether tagged or not).
            for token in vocabulary | self._types_said.get(intent, set()) | self._values_said.get(intent, set()):
                intents_using[token] = intents_using.get(token, 0) + 1
        intents = len(self._vocabulary)
        self._weights = {t: _idf(intents, used) for t, used in intents_using.items()}
        self._unknown_weight = _idf(intents, 0)  # a word no sample has is the strongest evidence against
        self._sample_weights = [sum(self._weights[t] for t in s.similarity_tokens) for s in self._samples]
        self._denials = frozenset(map(_canonical, _DENIALS))  # as similarity tokens: "none" is "non"
        self._negated_samples = frozenset(index for index, s in enumerate(self._samples)
                                          if s.similarity_tokens & self._denials)
        self._bare_samples = frozenset(index for index, s in enumerate(self._samples)
                                       if s.slots and all(t.startswith("<") for t in s.similarity_tokens))

    def _index_keywords(self) -> None:
        """Per intent, its own words: in at least _KEYWORD_SHARE of its samples, no function word, and no evidence of
        a type Alexa passes through (a feeling or symptom word is the catch-all's, whoever else uses it)."""
        function_words = {_canonical(w) for w in _CONTENT_STOP_WORDS}
        open_evidence = {_tag(t) for t in self._open_types}.union(
            *(self._distinctive_words.get(t, frozenset()) for t in self._open_types))
        counts: dict[str, Counter[str]] = {}
        for sample in self._samples:
            counts.setdefault(sample.intent, Counter()).update(sample.similarity_tokens)
        samples = Counter(sample.intent for sample in self._samples)
        self._keywords: dict[str, frozenset[str]] = {
            intent: frozenset(token for token, used in counted.items()
                              if used >= _KEYWORD_SHARE * samples[intent]
                              and token not in function_words and token not in open_evidence)
            for intent, counted in counts.items()}

    def _index_type_vocabulary(self, language_model: Mapping[str, Any]) -> None:
        """Per custom type, the content words of its values, and those that are evidence of the type."""
        # A word is evidence of a type when more of the type's phrases use it than any one intent's carriers do, as a
        # model trained on both would weigh it: "walk" is in five symptom phrases and one stretch request, and "back",
        # said in requests of every kind, points to none of them. The skill's own samples only: Alexa trains its
        # built-in intents apart, and our phrases for them stand in.
        per_intent: dict[str, Counter[str]] = {}
        for sample in self._samples[:self._model_samples]:
            per_intent.setdefault(sample.intent, Counter()).update({_canonical(w) for w in sample.carrier})
        in_carriers: Counter[str] = Counter()
        for counts in per_intent.values():
            in_carriers |= counts  # the most any one intent uses each word
        self._type_vocabulary: dict[str, frozenset[str]] = {}
        self._distinctive_words: dict[str, frozenset[str]] = {}
        self._telling_words: dict[str, frozenset[str]] = {}
        for slot_type in language_model.get("types", []):
            in_values = Counter(word for entry in slot_type["values"] for said in _phrases_of(entry)
                                for word in {_canonical(w) for w in normalize(said).split()
                                             if w not in _CONTENT_STOP_WORDS})
            self._type_vocabulary[slot_type["name"]] = frozenset(in_values)
            self._distinctive_words[slot_type["name"]] = frozenset(
                word for word, count in in_values.items() if count > in_carriers[word] and len(word) > 2)
            # Of those, the words more than one of its phrases use ("numb", "bladder", not "shop" or "paper").
            self._telling_words[slot_type["name"]] = frozenset(
                word for word in self._distinctive_words[slot_type["name"]] if in_values[word] > 1)


def _words_around(words: Sequence[str], span: tuple[int, int]) -> int:
    """Words said around a value that answers a question, a condition after it aside: "twenty, if that's okay
    with you" is the answer twenty, its condition the manner of it."""
    after = list(words[span[1]:])
    if _CONDITION in after:
        after = after[:after.index(_CONDITION)]
    return span[0] + len(after)


# A length something is timed for is said in minutes or hours: seconds ("one sec", "give me a sec") are a wait, and days
# or more ("since two days", "for a week") how long something has lasted. Said in those, an amount is no slot's.
_TIMED_LENGTH = re.compile(r"^PT(?=\d+[HM])(?:\d+H)?(?:\d+M)?(?:\d+S)?$")


def _a_length(slot_type: str, value: str) -> bool:
    return slot_type != DURATION or value == "?" or _TIMED_LENGTH.match(value) is not None


def _resolved(slot: SlotValue) -> bool:
    """A custom value entity resolution matched, or a built-in value Alexa understood."""
    if slot.value is None:
        return False
    return slot.status == ER_MATCH if slot.status is not None else slot.value != "?"


def _with_slots_from(base: Resolution, other: Resolution, keep_words: bool, fill_missing: bool,
                     describing: frozenset[str] = frozenset()) -> Resolution:
    """`base`, with each custom slot it could not resolve resolved as `other` resolved it, and with `fill_missing`,
    each slot it left empty filled as `other` filled it. With `keep_words`, `base` heard its slots where they were
    said: a few words keep them and take the value, a whole description stays as it is (for triage). Without it,
    a description `other` heard whole (a type in `describing`) replaces whatever `base` made of it."""
    slots = dict(base.slots)
    for name, theirs in other.slots.items():
        mine = slots[name]
        if not keep_words and theirs.slot_type in describing and theirs.value is not None:
            slots[name] = theirs
        elif theirs.status == ER_MATCH and mine.status != ER_MATCH:
            if mine.value is None or not keep_words:
                slots[name] = theirs
            elif len(mine.value.split()) <= _LONGEST_PICKED_VALUE or mine.slot_type not in describing:
                slots[name] = replace(theirs, value=mine.value)
        elif fill_missing and mine.value is None and theirs.value is not None:
            slots[name] = theirs
    return Resolution(base.intent, slots, base.score)


def _with_spans_the_carrier_frames(heard_as: Resolution, template: Resolution) -> Resolution:
    """`heard_as`, with each slot whose value lies inside the one a sample of the same intent framed with its fixed
    words ("{weak grip} after that one") widened to that span, as Alexa fills a slot with all the words where the
    sample puts it, not a listed value picked out of them ("weak")."""
    slots = dict(heard_as.slots)
    for name, framed in template.slots.items():
        mine = slots.get(name)
        if mine is None or mine.value is None or framed.value is None:
            continue
        inner, outer = mine.value.lower().split(), framed.value.lower().split()
        if len(inner) < len(outer) and any(outer[i:i + len(inner)] == inner for i in range(len(outer))):
            slots[name] = framed
    return Resolution(heard_as.intent, slots, heard_as.score)


def _parsed_sample(text: str) -> tuple[list[str], list[str], list[str]]:
    """A sample's slot names, the sentinel standing for each, and its normalised words with the sentinels in place."""
    slot_names = _SLOT_REFERENCE.findall(text)
    sentinels = [_SLOT_SENTINEL.format(i) for i in range(len(slot_names))]
    numbered = iter(sentinels)
    return slot_names, sentinels, normalize(_SLOT_REFERENCE.sub(lambda _: f" {next(numbered)} ", text)).split()


def _template(intent: str, slot_names: Sequence[str], sentinels: Sequence[str], words: Sequence[str],
              tokens: frozenset[str] = frozenset()) -> _Sample:
    """A sample with slots as a pattern over canonical words, each slot a lazy group."""
    carrier = tuple(w for w in words if w not in sentinels)
    regex = " ".join(f"(?P<s{sentinels.index(w)}>.+?)" if w in sentinels else re.escape(_canonical(w))
                     for w in words)
    return _Sample(intent, carrier, frozenset(map(_canonical, carrier)), tuple(slot_names),
                   re.compile(f"^{regex}$"), tokens)


@functools.lru_cache(maxsize=4096)
def _first_slot_of(pattern: re.Pattern[str], size: int) -> re.Pattern[str]:
    """The template's pattern with its first slot holding exactly `size` words."""
    return re.compile(pattern.pattern.replace(".+?)", r"\S+(?: \S+){%d})" % (size - 1), 1))


def _idf(documents: int, containing: int) -> float:
    return (math.log((documents + 1) / (containing + 1)) + 1) ** _IDF_POWER


@functools.cache
def _resolver_for(cls: type[IntentResolver], locale: str) -> IntentResolver:
    builtins = json.loads(BUILTIN_SAMPLES.read_text(encoding="utf-8"))
    return cls.from_model(interaction_model(locale), builtins, locale)


def _phrases_of(entry: Mapping[str, Any]) -> tuple[str, ...]:
    """A slot type value's name and its synonyms."""
    return entry["name"]["value"], *entry["name"].get("synonyms", [])


def _expanded_words(text: str) -> list[str]:
    """Slot values are normalised like utterances, but keep every word ("okay" is a value, not a filler)."""
    return [w for word in fold(text).replace("-", " ").split()
            for w in _expand(word.strip("'.,")).split()]


def _tag(slot_type: str) -> str:
    return f"<{slot_type}>"


def _spoken_form(text: str) -> str:
    """Lowercase words without punctuation or wake word, keeping apostrophes: what Alexa would hear."""
    words = re.sub(r"[^a-z0-9' ]+", " ", fold(text)).split()
    while words and words[0] in ("alexa", "hey", "okay", "ok"):
        words = words[1:]
    return " ".join(words)


def _invocation_patterns(invocation_name: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    name = re.escape(invocation_name)
    launch = re.compile(rf"^(?:(?:{_INVOCATION_VERBS}) )?(?:the )?{name}(?: skill)?(?: please)?$")
    one_shot = re.compile(rf"^(?:{_ONE_SHOT_VERBS}) (?:the )?{name} (?:(?:{_CONNECTORS}) )?(?P<request>.+)$")
    suffix = re.compile(rf"^(?P<request>.+?) (?:{_LINKS}) (?:the )?{name}$")
    return launch, one_shot, suffix


_PATTERN_TOKEN = re.compile(r"\{[^}]*\}|\S+")


@functools.cache
def _other_domain_patterns() -> tuple[tuple[re.Pattern[str], ...], frozenset[str], tuple[re.Pattern[str], ...]]:
    """other_domains.json compiled: each pattern a regex over normalised words (its syntax is in the file's _about),
    the stems of the skill's own words (stems, not meaning classes: "lock the door" is no spasm), and the house's
    heating, which is Alexa's whatever own words it uses."""
    data = json.loads(OTHER_DOMAINS.read_text(encoding="utf-8"))
    patterns = [(_domain_regex(text), "") for text in data["start"]] + \
        [(_domain_regex(text), "(?:.* )?") for text in data["anywhere"]]
    return (tuple(re.compile(lead + body) for body, lead in patterns),
            frozenset(_stem(w) for w in data["own_words"]),
            tuple(re.compile(_domain_regex(text)) for text in data.get("the_home", ())))


def _domain_regex(pattern: str) -> str:
    parts: list[str] = []
    for index, token in enumerate(_PATTERN_TOKEN.findall(pattern)):
        space = " " if parts else ""
        if token == "...":
            parts.append(r"(?: \S+)*" if parts else r"(?:\S+(?: \S+)*)?")
        elif token in ("<person>", "<things>"):
            name = f"{token[1:-1]}{index}"
            body = r"\S+" if token == "<person>" else r"\S+(?: \S+)*"
            parts.append(f"{space}(?P<{name}>{body})")
        elif token.startswith("{"):
            options = token[1:-1].split("|")
            said = "|".join(" ".join(map(re.escape, normalize(o).split())) for o in options if o)
            parts.append(f"(?:{space}(?:{said}))?" if "" in options else f"{space}(?:{said})")
        else:
            parts.append(space + " ".join(map(re.escape, normalize(token).split())))
    return "".join(parts)


@functools.lru_cache(maxsize=4096)
def _names_a_sign(locale: str, text: str) -> bool:
    """One request asks about the same words several times (the whole sentence, for each sample it is tried
    against): the rules read them once."""
    from skill.core.safety.triage import triage_for  # the rules load with the first catch-all, not at import
    return triage_for(locale).classify(text) is not None
