"""Red-flag triage: decides whether one utterance describes a warning sign, and how urgent it is.

Every word lives in `locale/<lang>/red_flags.json` (see its "_about"); this module is a small engine over it:

1. The utterance becomes lower-case word tokens; spoken variants are rewritten to one form and fillers dropped.
2. Lexicons (named phrase lists) are matched on those tokens, leftmost-longest, so an "except" phrase such as
   "bottom of" can shadow "bottom".
3. Blockers (negation, past, resolved, long-standing, informational...) switch off the concept matches their
   cues reach, within a number of words and without crossing the named breaks.
4. Rules combine the surviving concepts; the most severe rule that fires is the finding.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable, Iterator, Mapping, NamedTuple, Protocol, Sequence

from skill.core.content import load_document
from skill.core.text import fold

TIERS = ("emergency", "urgent", "soon", "clarify")  # most to least severe, clarify last


@dataclass(frozen=True)
class Finding:
    tier: str  # one of TIERS
    sign: str  # id of the rule in red_flags.json that fired
    question: str | None = None  # clarify only: one short yes/no question
    escalate_to: str | None = None  # clarify only: the tier a "yes" leads to
    otherwise: str | None = None  # clarify only: the tier a "no" leads to, when what was said reaches one itself


# Orthography, not vocabulary: sentence punctuation becomes ".", pauses become ",". Letters and digits are
# separate tokens so "38c" reads as "38 c"; "&" stays in words ("a&e") and apostrophes stay inside them.
_SENTENCE_END = "."
_PAUSE = ","
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[a-z&]+(?:'[a-z]+)*|[.?!;]|[,:]")
_PUNCTUATION_TOKENS = {"?": _SENTENCE_END, "!": _SENTENCE_END, ";": _SENTENCE_END, ":": _PAUSE}

# Phrase syntax in the JSON (see "_about").
_GAP_TEXT = "..."
_GAP_WORDS = 3
_NUMBER_RANGE = re.compile(r"#(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$")
_ALTERNATIVES = re.compile(r"\{([^{}]*)\}")


def expand_alternatives(text: str) -> list[str]:
    """Every phrase `text` stands for: "{but|and} {it|that all} stopped" is four phrases, so a family of cues is
    written once rather than as its product."""
    if "{" not in text:
        return [text]  # nearly every phrase: compiling the rules is on the Lambda's first-utterance path
    pieces = _ALTERNATIVES.split(text)  # plain text, then alternatives, alternately
    choices = [[piece] if i % 2 == 0 else piece.split("|") for i, piece in enumerate(pieces)]
    return [" ".join("".join(chosen).split()) for chosen in itertools.product(*choices)]


@functools.lru_cache(maxsize=1 << 15)  # compiling the rules tokenises some 100,000 words, most of them repeats
def _raw_tokens(text: str) -> tuple[str, ...]:
    return tuple(_PUNCTUATION_TOKENS.get(token, token) for token in _TOKEN.findall(fold(text)))


def _is_number(word: str) -> bool:
    return word[0].isdigit()


class _Stem(NamedTuple):
    prefix: str


class _Range(NamedTuple):
    low: float
    high: float


class _Gap:
    """Up to _GAP_WORDS words of anything."""


class _Family(NamedTuple):
    """A concept phrase's word that stands for any word of its families ("feel": "felt", "feeling"; "my": "her")."""
    words: frozenset[str]


_GAP = _Gap()
Element = str | _Stem | _Range | _Gap | _Family  # a str is one exact word


def _keys(element: Element) -> tuple[str, ...]:
    """The index keys of a phrase's opening word: itself, or every word of its families."""
    if isinstance(element, str):
        return (element,)
    return tuple(sorted(element.words)) if isinstance(element, _Family) else ()


class _Span(NamedTuple):
    start: int  # token index
    end: int  # token index, exclusive


@dataclass(frozen=True)
class _Phrase:
    lexicon: str
    elements: tuple[Element, ...]
    shadow: bool  # an "except" phrase: matched only to stop its lexicon matching inside it


class _Entry(NamedTuple):
    """A phrase as stored in the index: the words the index key already matched, then the rest to check."""
    lexicon: str
    keyed: int
    rest: tuple[Element, ...]
    shadow: bool


@dataclass(frozen=True)
class _Reach:
    words: int
    stops_at: tuple[str, ...]  # break lexicons the reach may not cross
    # A cue that opens a clause ("when I was pregnant with my second, I leaked"): the first of these breaks within
    # this many words after it is that clause's own subject, not a new one.
    subject_within: int = 0
    subject_breaks: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Blocker:
    name: str
    before: _Reach | None  # cue said before the symptom ("no numbness")
    after: _Reach | None  # cue said after it ("numbness last year")
    unless: _Reach | None  # an "unless" cue within this reach, either side, lifts the block ("again")
    own_cue_keeps: bool = False  # a concept phrase holding one of this blocker's cues ("no feeling") is not blocked
    # A sense-bound blocker switches off only these concepts: "milk" says which sense "leaking" has, and would be
    # no reason to doubt numbness in the same sentence. Empty: every concept.
    only: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Pattern:
    all: tuple[str, ...]  # the first is the anchor that 'within' measures from
    required: frozenset[str]  # the same names, for the set test
    any: frozenset[str]
    none: frozenset[str]
    within: int | None

    def possible(self, found: Mapping[str, Any]) -> bool:
        """The cheap set test, before any distances are measured."""
        names = found.keys()
        return (names >= self.required and names.isdisjoint(self.none)
                and (not self.any or not names.isdisjoint(self.any)))


@dataclass(frozen=True)
class _Rule:
    finding: Finding
    patterns: tuple[_Pattern, ...]
    others_need: tuple[str, ...]  # extra concepts required when the subject is someone else


class _Normaliser:
    """Text to tokens: spoken variants rewritten to one written form, fillers removed."""

    def __init__(self, variants: Mapping[str, Sequence[str]], fillers: Iterable[str],
                 inversion: Mapping[str, Sequence[str]] | None = None):
        self._fillers = frozenset(fillers)
        inversion = inversion or {}
        self._openers = frozenset(inversion.get("openers", ()))
        self._auxiliaries = frozenset(word for text in inversion.get("auxiliaries", ()) for word in _raw_tokens(text))
        self._subjects = frozenset(inversion.get("subjects", ()))
        self._owners = frozenset(inversion.get("owners", ()))
        self._rewrites: dict[tuple[str, ...], tuple[str, ...]] = {}
        for written, spoken_forms in variants.items():
            for spoken in spoken_forms:
                self._rewrites[tuple(_raw_tokens(spoken))] = tuple(_raw_tokens(written))
        # The key lengths each opening word has, longest first: a word that opens only short variants ("me back")
        # is not checked at every longer length (compiling rewrites every phrase of the rules).
        lengths: dict[str, set[int]] = defaultdict(set)
        for key in self._rewrites:
            lengths[key[0]].add(len(key))
        self._lengths = {word: tuple(sorted(sizes, reverse=True)) for word, sizes in lengths.items()}

    def tokens(self, text: str) -> list[str]:
        return self._uninvert(self.rewrite(_raw_tokens(text)))

    def _uninvert(self, words: list[str]) -> list[str]:
        """A question's subject back before its auxiliary ("why won't my legs hold me" reads "why my legs won't hold
        me"), so a sign reads the same asked as told; phrases are written in the told order."""
        if not self._openers:
            return words
        out, i = list(words), 0
        while i + 2 < len(out):
            if out[i] in self._openers and out[i + 1] in self._auxiliaries:
                subject = i + 3 if out[i + 2] == "both" and i + 3 < len(out) else i + 2
                if out[subject] in self._subjects:
                    end = subject + 1
                elif (out[subject] in self._owners and subject + 1 < len(out)
                      and out[subject + 1] not in (_SENTENCE_END, _PAUSE)):
                    end = subject + 2
                else:
                    i += 1
                    continue
                out[i + 1:end] = out[i + 2:end] + [out[i + 1]]
                i = end
            else:
                i += 1
        return out

    def rewrite(self, words: Sequence[str]) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(words):
            if words[i] in self._lengths:
                for size in self._lengths[words[i]]:
                    written = self._rewrites.get(tuple(words[i:i + size])) if size <= len(words) - i else None
                    if written is not None:
                        out.extend(written)
                        i += size
                        break
                else:
                    out.append(words[i])
                    i += 1
            elif words[i] in self._fillers:
                i += 1
            else:
                out.append(words[i])
                i += 1
        return out


class _Matcher:
    """Finds every lexicon's phrases in a token list through an index on each phrase's first one or two words.

    Two-word keys matter: about a hundred phrases start with "can't", and checking them one by one would cost
    more than everything else together.
    """

    def __init__(self, phrases: Iterable[_Phrase], floating: Iterable[str] = (), floats_in: Iterable[str] = ()):
        # Words a concept phrase may have one of between any two of its words ("can't even feel", "don't know
        # anymore when"): they add emphasis or time, never the sign, and cues still see them.
        self._floating = frozenset(floating)
        self._floats_in = frozenset(floats_in)
        self._by_word: dict[str, list[_Entry]] = defaultdict(list)
        self._by_pair: dict[tuple[str, str], list[_Entry]] = defaultdict(list)
        self._by_stem: dict[str, list[_Entry]] = defaultdict(list)
        self._numeric: list[tuple[_Range, _Entry]] = []
        for phrase in phrases:
            first, *rest = phrase.elements
            if _keys(first) and rest and _keys(rest[0]):
                entry = _Entry(phrase.lexicon, 2, tuple(rest[1:]), phrase.shadow)
                for pair in itertools.product(_keys(first), _keys(rest[0])):
                    self._by_pair[pair].append(entry)
                continue
            entry = _Entry(phrase.lexicon, 1, tuple(rest), phrase.shadow)
            if _keys(first):
                for key in _keys(first):
                    self._by_word[key].append(entry)
            elif isinstance(first, _Stem):
                self._by_stem[first.prefix].append(entry)
            else:
                self._numeric.append((first, entry))
        self._stem_lengths = sorted({len(stem) for stem in self._by_stem})
        # Most words start no stem; one regex call rules them out before any per-length lookups.
        self._starts_a_stem = re.compile("|".join(map(re.escape, self._by_stem)) or "(?!)")

    def spans(self, words: Sequence[str]) -> dict[str, list[_Span]]:
        """Leftmost-longest, non-overlapping matches per lexicon; shadows win ties and are then dropped."""
        bases = [word[:-2] if word.endswith("'s") else word for word in words]
        best: dict[str, dict[int, tuple[int, bool]]] = defaultdict(dict)
        for i in range(len(words)):
            for entry, skipped in self._candidates_here(words, bases, i):
                start_of_rest = i + entry.keyed - skipped
                floating = self._floating if entry.lexicon in self._floats_in else frozenset()
                end = _match(entry.rest, words, bases, start_of_rest, floating) if entry.rest else start_of_rest
                if end is None:
                    continue
                known = best[entry.lexicon].get(i)
                if known is None or (end, entry.shadow) > known:
                    best[entry.lexicon][i] = (end, entry.shadow)
        found: dict[str, list[_Span]] = {}
        for lexicon, by_start in best.items():
            kept, reached = [], 0
            for start in sorted(by_start):
                end, shadow = by_start[start]
                if start >= reached:
                    reached = end
                    if not shadow:
                        kept.append(_Span(start, end))
            if kept:
                found[lexicon] = kept
        return found

    def _candidates_here(self, words: Sequence[str], bases: Sequence[str], i: int) -> Iterator[tuple[_Entry, int]]:
        """Candidates starting at token i, with how many of their keyed words the text leaves out: a phrase that
        opens with the sentence end (". is") also matches at the start of the utterance, where none is written."""
        for entry in self._candidates(words, bases, i):
            yield entry, 0
        if i == 0 and words[0] != _SENTENCE_END:
            forms = (words[0],) if bases[0] == words[0] else (words[0], bases[0])
            for form in forms:
                for entry in self._by_pair.get((_SENTENCE_END, form), ()):
                    yield entry, 1
        if i + 2 < len(words) and words[i + 1] in self._floating:  # a floating word between the two keyed words
            forms = (words[i],) if bases[i] == words[i] else (words[i], bases[i])
            following = (words[i + 2],) if bases[i + 2] == words[i + 2] else (words[i + 2], bases[i + 2])
            for form, second in itertools.product(forms, following):
                for entry in self._by_pair.get((form, second), ()):
                    if entry.lexicon in self._floats_in:
                        yield entry, -1

    def _candidates(self, words: Sequence[str], bases: Sequence[str], i: int) -> Iterator[_Entry]:
        word, base = words[i], bases[i]
        forms = (word,) if base == word else (word, base)
        for form in forms:
            yield from self._by_word.get(form, ())
        if i + 1 < len(words):
            following = (words[i + 1],) if bases[i + 1] == words[i + 1] else (words[i + 1], bases[i + 1])
            for form in forms:
                for second in following:
                    yield from self._by_pair.get((form, second), ())
        if self._starts_a_stem.match(word):
            for length in self._stem_lengths:
                if length > len(word):
                    break
                yield from self._by_stem.get(word[:length], ())
        if _is_number(word):
            number = float(word)
            yield from (entry for limits, entry in self._numeric if limits.low <= number <= limits.high)


def _match(elements: Sequence[Element], words: Sequence[str], bases: Sequence[str], i: int,
           floating: frozenset[str] = frozenset()) -> int | None:
    """End index of `elements` matched from token i, shortest gaps first; None if they do not match there. One of
    the `floating` words may come before any element (the caller never passes a phrase's first)."""
    for k, element in enumerate(elements):
        if element is _GAP:
            for j in range(i, min(i + _GAP_WORDS, len(words)) + 1):
                if j > i and words[j - 1] in (_SENTENCE_END, _PAUSE):
                    return None  # a gap never runs across punctuation
                end = _match(elements[k + 1:], words, bases, j, floating)
                if end is not None:
                    return end
            return None
        if (floating and i + 1 < len(words) and words[i] in floating
                and not _element_matches(element, words[i], bases[i])):
            i += 1
        if i >= len(words) or not _element_matches(element, words[i], bases[i]):
            return None
        i += 1
    return i


def _element_matches(element: Element, word: str, base: str) -> bool:
    if isinstance(element, str):
        return element == word or element == base
    if isinstance(element, _Family):
        return word in element.words or base in element.words
    if isinstance(element, _Stem):
        return word.startswith(element.prefix)
    return _is_number(word) and element.low <= float(word) <= element.high


class _Utterance:
    """One classified utterance: its lexicon spans, and running counts for measuring distances between them."""

    def __init__(self, words: Sequence[str], spans: Mapping[str, list[_Span]], concept_spans: Iterable[_Span]):
        self.spans = spans
        is_word = [word not in (_SENTENCE_END, _PAUSE) for word in words]
        self._words_before = _running_count(is_word)  # punctuation is not a word
        in_concept = [False] * len(words)
        for span in concept_spans:
            in_concept[span.start:span.end] = [True] * (span.end - span.start)
        self._free_words_before = _running_count([word and not inside for word, inside in zip(is_word, in_concept)])
        self._breaks_before: dict[str, list[int]] = {}
        self._length = len(words)

    def words_between(self, first: _Span, second: _Span) -> int:
        """Words separating two spans, whichever comes first; 0 if they touch or overlap."""
        return _between(self._words_before, first, second)

    def free_words_between(self, first: _Span, second: _Span) -> int:
        """Like words_between, not counting words of concept phrases: a list of symptoms is one step of reach."""
        return _between(self._free_words_before, first, second)

    def first_break(self, start: int, end: int, breaks: Sequence[str]) -> int | None:
        """Where the first of the named breaks starts in tokens [start, end); None if none does."""
        return min((span.start for name in breaks for span in self.spans.get(name, ()) if start <= span.start < end),
                   default=None)

    def words_in(self, start: int, end: int) -> int:
        return self._words_before[end] - self._words_before[start]

    def broken(self, start: int, end: int, breaks: Sequence[str]) -> bool:
        """Whether any of the named breaks starts in tokens [start, end)."""
        return any(self._break_count(name, end) > self._break_count(name, start) for name in breaks)

    def _break_count(self, name: str, index: int) -> int:
        counts = self._breaks_before.get(name)
        if counts is None:
            starts = [False] * self._length
            for span in self.spans.get(name, ()):
                starts[span.start] = True
            counts = self._breaks_before[name] = _running_count(starts)
        return counts[index]


def _running_count(flags: Sequence[bool]) -> list[int]:
    """counts[i] = how many of flags[:i] are true."""
    counts = [0]
    for flag in flags:
        counts.append(counts[-1] + flag)
    return counts


def _between(counts: Sequence[int], first: _Span, second: _Span) -> int:
    if first.end <= second.start:
        return counts[second.start] - counts[first.end]
    if second.end <= first.start:
        return counts[first.start] - counts[second.end]
    return 0


def _reaches(utterance: _Utterance, cue: _Span, target: _Span, before: _Reach | None, after: _Reach | None) -> bool:
    if before and cue.end <= target.start:
        return (utterance.free_words_between(cue, target) <= before.words
                and not _crosses(utterance, cue.end, target.start, before))
    if after and target.end <= cue.start:
        return (utterance.free_words_between(target, cue) <= after.words
                and not utterance.broken(target.end, cue.start, after.stops_at))
    return False


def _crosses(utterance: _Utterance, start: int, end: int, reach: _Reach) -> bool:
    """Whether a before-reach from a cue ending at `start` to a concept at `end` crosses one of its breaks."""
    if not reach.subject_breaks:
        return utterance.broken(start, end, reach.stops_at)
    others = tuple(name for name in reach.stops_at if name not in reach.subject_breaks)
    if utterance.broken(start, end, others):
        return True
    subject = utterance.first_break(start, end, reach.subject_breaks)
    if subject is None:
        return False
    # Only the clause's first subject passes: not one after a subject the cue's clause already has ("years ago I
    # had sciatica, I now ...", where the first "I" is no break).
    already = utterance.first_break(start, subject, (_SELF, _OTHERS)) is not None
    return (already or utterance.words_in(start, subject) > reach.subject_within
            or utterance.broken(subject + 1, end, reach.subject_breaks))


def _inside(inner: _Span, outer: _Span) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end and outer != inner


def _overlap(first: _Span, second: _Span) -> bool:
    return first.start < second.end and second.start < first.end


def _straddles(cue: _Span, concept: _Span) -> bool:
    """A cue sharing its last words with a longer concept phrase's first ("it's gone" and "gone to sleep", "what is"
    and "my you know what"), or the other way round: one word is not read twice, and the longer reading wins."""
    longer = concept.end - concept.start > cue.end - cue.start
    return longer and (cue.start < concept.start < cue.end < concept.end
                       or concept.start < cue.start < concept.end < cue.end)


# Internal lexicon names, kept apart from concept names.
def _cue_lexicon(blocker: str) -> str:
    return f"blocker:{blocker}"


def _unless_lexicon(blocker: str) -> str:
    return f"unless:{blocker}"


def _break_lexicon(name: str) -> str:
    return f"break:{name}"


@dataclass(frozen=True)
class Reading:
    """One utterance as the rules read it (Triage.read), for the rules and the learned second opinion."""
    words: Sequence[str]
    utterance: _Utterance
    matched: Mapping[str, list[_Span]]  # concept phrases found
    live: Mapping[str, list[_Span]]  # those no blocker reaches

    @property
    def lexicons(self) -> Iterable[str]:
        return self.utterance.spans.keys()


class SecondOpinion(Protocol):
    def raise_(self, finding: Finding | None, reading: Reading) -> Finding | None: ...


_SELF, _OTHERS = "subject:self", "subject:others"
_CORRECTIONS = "corrections"  # lexicon of self-corrections: their words are not blockers' cues
_RULE_KEYS = {"id", "tier", "sources", "when", "question", "escalate_to", "otherwise", "others_need", "note"}
_PATTERN_KEYS = {"all", "any", "none", "within"}


class Triage:
    """Compiled red-flag rules for one locale. Build with `from_rules`; `classify` is cheap and never raises."""

    def __init__(self, normaliser: _Normaliser, matcher: _Matcher, concepts: Mapping[str, frozenset[str]],
                 blockers: Sequence[_Blocker], rules: Sequence[_Rule]):
        self._normaliser = normaliser
        self._matcher = matcher
        self._concepts = concepts  # concept name -> blockers it ignores
        self._blockers = tuple(blockers)
        self._rules = tuple(sorted(rules, key=lambda rule: TIERS.index(rule.finding.tier)))
        self._second_opinion: SecondOpinion | None = None
        # Concepts that only ever keep a rule from firing ("put it all back on" for weight loss): a cue holding one
        # ("but I put it all back on") is saying it, so it stays.
        used = {name for rule in rules for p in rule.patterns for name in (*p.all, *p.any)}
        self._protective = frozenset(name for rule in rules for p in rule.patterns for name in p.none) - used

    @classmethod
    def from_rules(cls, rules: Mapping) -> Triage:
        """Compile a red_flags document once; raises ValueError naming the rule or lexicon that is wrong."""
        return cls(*_compile(rules))

    def classify(self, text: str | None) -> Finding | None:
        """The rules' finding, raised (never lowered) by the learned second opinion when the locale ships one."""
        reading = self.read(text)
        if reading is None:
            return None
        finding = next((rule.finding for rule in self._rules if self._fires(rule, reading.live, reading.utterance)),
                       None)
        return self._second_opinion.raise_(finding, reading) if self._second_opinion else finding

    def read(self, text: str | None) -> Reading | None:
        """What the rules see in `text`: its words, the lexicons matched and the concepts no blocker reaches."""
        if not isinstance(text, str) or not text.strip():
            return None
        words = self._normaliser.tokens(text)
        if not words:
            return None
        spans = self._matcher.spans(words)
        matched = {name: found for name, found in spans.items() if name in self._concepts}
        utterance = _Utterance(words, spans, [span for found in matched.values() for span in found])
        return Reading(words, utterance, matched, self._live_concepts(utterance, matched))

    def with_second_opinion(self, opinion: SecondOpinion | None) -> Triage:
        self._second_opinion = opinion
        return self

    def _live_concepts(self, utterance: _Utterance, matched: Mapping[str, list[_Span]]) -> dict[str, list[_Span]]:
        """Concept spans that no blocker reaches."""
        concept_spans = [span for spans in matched.values() for span in spans]
        # A cue inside a longer symptom phrase is part of that phrase ("can't" in "can't feel"), not a cue; nor is
        # a cue inside a correction ("my left, no, my right leg").
        corrections = utterance.spans.get(_CORRECTIONS, ())
        raw_cues = {blocker.name: utterance.spans.get(_cue_lexicon(blocker.name), ()) for blocker in self._blockers}
        cues = {
            name: [cue for cue in found
                   if not any(_inside(cue, span) or _straddles(cue, span) for span in concept_spans)
                   and not any(_overlap(cue, correction) for correction in corrections)]
            for name, found in raw_cues.items()
        }
        # With 'own_cue_keeps', a symptom phrase that holds the blocker's own cue already says it ("no feeling",
        # "not able to walk"): other cues do not turn it back (a spoken double negative is emphasis, not a denial).
        blocked_by: dict[tuple[str, _Span], set[str]] = {}
        for name, spans in matched.items():
            ignored = self._concepts[name]
            for span in spans:
                blocked_by[name, span] = {
                    blocker.name for blocker in self._blockers
                    if blocker.name not in ignored and cues[blocker.name]
                    and (not blocker.only or name in blocker.only)
                    and not (blocker.own_cue_keeps and any(_inside(cue, span) for cue in raw_cues[blocker.name]))
                    and self._blocks(blocker, cues[blocker.name], span, utterance, name not in self._protective)}
        # A blocked phrase takes the shorter concept phrases inside it along ("no pain in my chest" also switches
        # off "chest"), unless that concept ignores the blocker.
        blocked = [(name, span, by) for (name, span), by in blocked_by.items() if by]
        live: dict[str, list[_Span]] = {}
        for name, spans in matched.items():
            ignored = self._concepts[name]
            kept = [span for span in spans
                    if not blocked_by[name, span]
                    and not any(other != name and outer.start <= span.start and span.end <= outer.end
                                and outer != span and by - ignored for other, outer, by in blocked)]
            if kept:
                live[name] = kept
        return live

    @staticmethod
    def _blocks(blocker: _Blocker, cues: Sequence[_Span], span: _Span, utterance: _Utterance,
                within_cue: bool = True) -> bool:
        # A concept phrase inside a longer cue is that cue's words ("woke up" in "it woke up again"), as a cue inside
        # a longer concept phrase is that phrase's.
        if not any((within_cue and _inside(span, cue)) or _reaches(utterance, cue, span, blocker.before, blocker.after)
                   for cue in cues):
            return False
        lifting = utterance.spans.get(_unless_lexicon(blocker.name), ())
        return not any(_overlap(cue, span) or _reaches(utterance, cue, span, blocker.unless, blocker.unless)
                       for cue in lifting)

    def _fires(self, rule: _Rule, found: Mapping[str, list[_Span]], utterance: _Utterance) -> bool:
        for pattern in rule.patterns:
            if not pattern.possible(found):
                continue
            for anchor in _anchors(pattern, found, utterance):
                if not rule.others_need or not _about_someone_else(utterance, anchor) or all(
                        name in found for name in rule.others_need):
                    return True
        return False


def _anchors(pattern: _Pattern, found: Mapping[str, list[_Span]], utterance: _Utterance) -> Iterator[_Span]:
    """Spans of the pattern's first concept around which the whole pattern holds (`possible` already true)."""
    leads = found[pattern.all[0]] if pattern.all else [span for name in pattern.any for span in found.get(name, ())]
    for lead in leads:
        if pattern.within is None or _all_near(pattern, lead, found, utterance):
            yield lead


def _all_near(pattern: _Pattern, lead: _Span, found: Mapping[str, list[_Span]], utterance: _Utterance) -> bool:
    def near(name: str) -> bool:
        return any(utterance.free_words_between(lead, span) <= pattern.within for span in found.get(name, ()))

    return all(near(name) for name in pattern.all[1:]) and (not pattern.any or any(map(near, pattern.any)))


def _about_someone_else(utterance: _Utterance, anchor: _Span) -> bool:
    """Whether the person mentioned nearest before the symptom is someone other than the speaker."""
    def nearest(lexicon: str) -> int:
        return max((span.start for span in utterance.spans.get(lexicon, ()) if span.start <= anchor.start), default=-1)

    return nearest(_OTHERS) > nearest(_SELF)


# ---------------------------------------------------------------------------------------------------------
# Compiling red_flags.json. Errors name the rule or lexicon so a clinical reviewer can find the typo.


def _compile(document: Mapping[str, Any]) -> tuple[_Normaliser, _Matcher, dict[str, frozenset[str]],
                                                   list[_Blocker], list[_Rule]]:
    normaliser = _Normaliser(document.get("spoken_variants", {}), document.get("fillers", ()),
                             document.get("question_inversion"))
    lexicons: dict[str, Any] = {}
    for name, entry in document.get("breaks", {}).items():
        lexicons[_break_lexicon(name)] = entry
    for name, blocker in document.get("blockers", {}).items():
        lexicons[_cue_lexicon(name)] = blocker
        if "unless" in blocker:
            lexicons[_unless_lexicon(name)] = blocker["unless"]
    lexicons[_CORRECTIONS] = document.get("corrections", [])
    lexicons[_SELF] = document["subjects"]["self"]
    lexicons[_OTHERS] = document["subjects"]["others"]
    concept_entries = document["concepts"]
    lexicons.update(concept_entries)

    families = _families(document.get("word_families", ()), normaliser)
    # Spoken variants make some phrases one ("unable to stand" is "can't stand"): index each once.
    phrases = list(dict.fromkeys(phrase for name, entry in lexicons.items()
                                 for phrase in _lexicon_phrases(name, entry, concept_entries, normaliser,
                                                                families if name in concept_entries else {})))
    _check_no_collapsed_cues(lexicons, concept_entries, normaliser)
    blocker_names = set(document.get("blockers", {}))
    concepts = {name: _ignored_blockers(name, entry, blocker_names) for name, entry in concept_entries.items()}
    break_names = set(document.get("breaks", {}))
    blockers = [_blocker(name, entry, break_names) for name, entry in document.get("blockers", {}).items()]
    for blocker in blockers:
        if unknown := sorted(blocker.only - set(concept_entries)):
            raise ValueError(f"blocker {blocker.name!r}: 'only' names unknown concepts {unknown}")
    rules = [_rule(entry, concepts) for entry in document["rules"]]
    _check_unique_ids(rules)
    floating = [word for text in document.get("floating_words", ()) for word in normaliser.tokens(text)]
    return normaliser, _Matcher(phrases, floating, concept_entries), concepts, blockers, rules


def _check_no_collapsed_cues(lexicons: Mapping[str, Any], concepts: Mapping[str, Any], normaliser: _Normaliser) -> None:
    """A cue phrase that fillers shrink to one word ("completely gone" to "gone", "no actually" to "no") would cue on
    that word everywhere: "both legs have gone weak" would read as resolved. Refuse it, naming the phrase."""
    collapsed = []
    for name, entry in lexicons.items():
        if name in concepts:
            continue
        phrases, shadows = _lexicon_texts(entry, concepts, (name,))
        for text in phrases:
            spelled = [token for word in text.split() for token in _raw_tokens(word)]
            if len(spelled) > 1 and len(normaliser.rewrite(spelled)) == 1:
                collapsed.append(f"{name}: {text!r}")
    if collapsed:
        raise ValueError("cue phrases that fillers shrink to one word: " + ", ".join(collapsed))


def _families(groups: Iterable[Sequence[str]], normaliser: _Normaliser) -> dict[str, frozenset[str]]:
    """Each word of 'word_families' to every word it stands for: the union of the families it belongs to."""
    members: dict[str, set[str]] = defaultdict(set)
    for group in groups:
        words = {" ".join(normaliser.rewrite(_raw_tokens(word))) for word in group}
        for word in words:
            members[word] |= words
    return {word: frozenset(family) for word, family in members.items()}


def word_families(document: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    """What each family word of a concept phrase of two or more words stands for, as the rules read it: for code
    that spells the phrases out (the listening vocabulary)."""
    normaliser = _Normaliser(document.get("spoken_variants", {}), document.get("fillers", ()))
    return _families(document.get("word_families", ()), normaliser)


def _lexicon_phrases(name: str, entry: Any, concepts: Mapping[str, Any], normaliser: _Normaliser,
                     families: Mapping[str, frozenset[str]] | None = None) -> Iterator[_Phrase]:
    """A lexicon's phrases; in a concept's phrases, a word of a family stands for the whole family."""
    phrases, shadows = _lexicon_texts(entry, concepts, (name,))
    for texts, shadow in ((phrases, False), (shadows, True)):
        for text in texts:
            elements = _elements(text, normaliser, name)
            if families and len(elements) > 1:  # a lone word keeps its sense ("her" is someone else)
                elements = tuple(_Family(families[element]) if isinstance(element, str) and element in families
                                 else element for element in elements)
            yield _Phrase(name, elements, shadow=shadow)


def _lexicon_texts(entry: Any, concepts: Mapping[str, Any], seen: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """A lexicon's phrases and except-phrases; "@concept" brings in that concept's phrases and its exceptions."""
    listed, excepted = (entry, []) if isinstance(entry, list) else (entry.get("phrases", []), entry.get("except", []))
    shadows = [phrase for text in excepted for phrase in expand_alternatives(text)]
    phrases: list[str] = []
    for text in listed:
        if not text.startswith("@"):
            phrases += expand_alternatives(text)
            continue
        referenced = text[1:]
        if referenced not in concepts or referenced in seen:
            raise ValueError(f"{seen[0]!r}: unknown or circular concept reference {text!r}")
        more_phrases, more_shadows = _lexicon_texts(concepts[referenced], concepts, seen + (referenced,))
        phrases += more_phrases
        shadows += more_shadows
    return phrases, shadows


def _elements(text: str, normaliser: _Normaliser, lexicon: str) -> tuple[Element, ...]:
    """Phrase syntax: plain words, "stem*", "#low-high" numbers and "..." gaps of up to _GAP_WORDS words."""
    elements: list[Element] = []
    plain: list[str] = []

    def flush() -> None:
        elements.extend(normaliser.rewrite([token for word in plain for token in _raw_tokens(word)]))
        plain.clear()

    for piece in text.split():
        number = _NUMBER_RANGE.match(piece)
        if piece == _GAP_TEXT or number or (piece.endswith("*") and len(piece) > 1):
            flush()
            if piece == _GAP_TEXT:
                elements.append(_GAP)
            elif number:
                elements.append(_Range(float(number.group(1)), float(number.group(2))))
            else:
                elements.append(_Stem(fold(piece[:-1])))
        else:
            plain.append(piece)
    flush()
    if not elements or elements[0] is _GAP or elements[-1] is _GAP:
        raise ValueError(f"phrase {text!r} in {lexicon!r} is empty or starts or ends with {_GAP_TEXT!r}")
    return tuple(elements)


def _ignored_blockers(name: str, entry: Any, blocker_names: set[str]) -> frozenset[str]:
    ignored = frozenset(entry.get("unaffected_by", ())) if isinstance(entry, dict) else frozenset()
    if ignored - blocker_names:
        raise ValueError(f"concept {name!r}: unknown blockers {sorted(ignored - blocker_names)}")
    return ignored


def _blocker(name: str, entry: Mapping[str, Any], break_names: set[str]) -> _Blocker:
    def reach(key: str) -> _Reach | None:
        if key not in entry:
            return None
        stops = tuple(entry[key].get("stops_at", ()))
        if set(stops) - break_names:
            raise ValueError(f"blocker {name!r}: unknown breaks {sorted(set(stops) - break_names)}")
        clause = entry[key].get("clause_subject", {})
        subject_breaks = tuple(clause.get("breaks", ()))
        if set(subject_breaks) - set(stops):
            raise ValueError(f"blocker {name!r}: clause_subject breaks must be among its stops_at")
        return _Reach(int(entry[key]["words"]), tuple(_break_lexicon(stop) for stop in stops),
                      int(clause.get("within", 0)), tuple(_break_lexicon(stop) for stop in subject_breaks))

    return _Blocker(name, reach("before"), reach("after"), reach("unless"), bool(entry.get("own_cue_keeps", False)),
                    frozenset(entry.get("only", ())))


def _rule(entry: Mapping[str, Any], concepts: Mapping[str, Any]) -> _Rule:
    rule_id = entry.get("id", "?")
    problems = [f"unknown keys {sorted(set(entry) - _RULE_KEYS)}"] if set(entry) - _RULE_KEYS else []
    tier = entry.get("tier")
    if tier not in TIERS:
        problems.append(f"tier {tier!r} is not one of {TIERS}")
    if not entry.get("sources"):
        problems.append("no sources")
    if tier == "clarify" and (not entry.get("question") or entry.get("escalate_to") not in TIERS[:-1]):
        problems.append("a clarify rule needs a question and an escalate_to tier")
    if tier != "clarify" and ("question" in entry or "escalate_to" in entry or "otherwise" in entry):
        problems.append("only clarify rules ask questions")
    if entry.get("otherwise") not in (None, "urgent", "soon"):
        problems.append("'otherwise' must be urgent or soon")
    patterns = tuple(_pattern(pattern, problems) for pattern in entry.get("when", ()))
    if not patterns:
        problems.append("no 'when' patterns")
    others_need = tuple(entry.get("others_need", ()))
    referenced = {name for p in patterns for name in (*p.all, *p.any, *p.none)} | set(others_need)
    if referenced - set(concepts):
        problems.append(f"unknown concepts {sorted(referenced - set(concepts))}")
    if problems:
        raise ValueError(f"red-flag rule {rule_id!r}: " + "; ".join(problems))
    finding = Finding(tier, rule_id, entry.get("question"), entry.get("escalate_to"), entry.get("otherwise"))
    return _Rule(finding, patterns, others_need)


def _pattern(entry: Mapping[str, Any], problems: list[str]) -> _Pattern:
    if set(entry) - _PATTERN_KEYS:
        problems.append(f"unknown pattern keys {sorted(set(entry) - _PATTERN_KEYS)}")
    required = tuple(entry.get("all", ()))
    pattern = _Pattern(required, frozenset(required), frozenset(entry.get("any", ())),
                       frozenset(entry.get("none", ())), entry.get("within"))
    if not pattern.all and not pattern.any:
        problems.append("a pattern needs 'all' or 'any'")
    return pattern


def _check_unique_ids(rules: Sequence[_Rule]) -> None:
    ids = [rule.finding.sign for rule in rules]
    duplicates = sorted({rule_id for rule_id in ids if ids.count(rule_id) > 1})
    if duplicates:
        raise ValueError(f"duplicate red-flag rule ids {duplicates}")


def most_severe(findings: Iterable[Finding | None]) -> Finding | None:
    """The most severe of several findings (one per slot value, say); None when there are none."""
    return min((f for f in findings if f is not None), key=lambda f: TIERS.index(f.tier), default=None)


@functools.cache
def triage_for(locale: str) -> Triage:
    """The locale's rules, with the learned second opinion trained on the development bank when one is shipped."""
    from skill.core.safety.learned import second_opinion_for
    return rules_alone(locale).with_second_opinion(second_opinion_for(locale))


def rules_alone(locale: str) -> Triage:
    """The locale's rules without the second opinion: to tune and measure them (a fresh, uncached engine)."""
    return Triage.from_rules(load_document(locale, "red_flags"))
