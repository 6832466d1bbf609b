"""Red-flag triage: decides whether one utterance describes a warning sign, and how urgent it is.

Every word lives in `locale/<lang>/red_flags.json` (see its "_about"); this module is a small engine over it:

1. The utterance becomes lower-case word tokens; a question answered in the same breath becomes the statement it
   answers ("numb? no" reads "no numb"), someone's question reported with its bare answer reads as that answer
   ("asked if I could feel my bottom and I couldn't" reads "I couldn't feel my bottom"), and an ability said as past
   and then denied reads as lost ("used to be able to tell ..., but not any more"); a clause that leaves out what it
   shares with the one before is written out ("and so has my bladder"), a denial said verb first ("no way am I") or a
   sentence split round "do" ("what I can't do is feel ...") reads in the told order; a contracted auxiliary and
   "not" read as one negated auxiliary however said ("i've not", "i have not": "i haven't"); spoken variants are
   rewritten to one form and fillers dropped, except a filler that corrects a denial ("no pain just numb"); a denied
   modal stranded after a failed attempt takes the attempt's verb ("tried to pee for an hour and i just can't").
2. Lexicons (named phrase lists) are matched on those tokens, leftmost-longest, so an "except" phrase such as
   "bottom of" can shadow "bottom"; a concept phrase's gap never runs across a denial ("pee fine no leaks").
3. Blockers (negation, past, resolved, long-standing, informational...) switch off the concept matches their
   cues reach, within a number of words and without crossing the named breaks; so does an "if" clause that supposes
   ("if it ever gets to where I can't pee I'll call"). A "since" right before a cause's cue opens that cause ("since
   I have diabetes") and does not lift it as a date would. A self-correction's words are no cues, pauses or not. Where
   no pause is written, a new clause (a subject with its own verb after a complete clause) is a break too, unless it
   is what is said or thought ("nobody said my legs were numb"): `_Clauses`.
4. Rules combine the surviving concepts; the most severe rule that fires is the finding. Whose symptom it is (the
   speaker, someone else, a young child) decides which extra concepts a rule needs (`_subject`).
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


Form = tuple["str | frozenset[str]", ...]  # a phrase as plain text and sets of one-word alternatives


def _forms(text: str, normaliser: _Normaliser, floating: frozenset[str] = frozenset()) -> list[Form]:
    """The phrases `text` stands for, like expand_alternatives, except that the one-word alternatives of a braced
    group stay together as one element wherever nothing can read them differently in context (each is one token the
    normaliser keeps): "{son|daughter|niece|...} {is|aged|...} {two|three|...}" is one phrase, not the thousands its
    product would be (and compiling the rules runs on a cold Lambda's first utterance). Alternatives with several
    words, special syntax, words the normaliser may rewrite there and `floating` words (which a phrase may skip, so
    one of them in a set would change what the longest match is) are expanded as before; an empty one makes the
    group optional."""
    if "{" not in text:
        return [(text,)]
    choices: list[list[str | frozenset[str]]] = []
    # Every word the phrase can hold: a spoken variant can only rewrite an alternative together with words of these.
    present = {token for word in re.split(r"[\s{}|]+", text) for token in _raw_tokens(word)}
    position = 0
    for group in _ALTERNATIVES.finditer(text):
        choices.append([text[position:group.start()]])
        position = group.end()
        apart = ((group.start() == 0 or text[group.start() - 1].isspace())
                 and (group.end() == len(text) or text[group.end()].isspace()))
        singles: set[str] = set()
        others: list[str | frozenset[str]] = []
        for option in group.group(1).split("|"):
            tokens = _raw_tokens(option) if option.strip() and not _SPECIAL_PIECE.search(option) else ()
            if apart and len(tokens) == 1 and tokens[0] not in floating and normaliser.keeps(tokens[0], present):
                singles.add(tokens[0])
            else:
                others.append(option)
        choices.append(([frozenset(singles)] if singles else []) + others)
    choices.append([text[position:]])
    forms: list[Form] = []
    for chosen in itertools.product(*choices):
        form: list[str | frozenset[str]] = []
        for piece in chosen:
            if isinstance(piece, frozenset):
                form.append(piece)
            elif form and isinstance(form[-1], str):
                form[-1] += piece
            else:
                form.append(piece)
        kept = tuple(piece for piece in form if not isinstance(piece, str) or piece.strip())
        if kept:
            forms.append(kept)
    return forms


_SPECIAL_PIECE = re.compile(r"[*#@]|\.\.\.")


@functools.lru_cache(maxsize=1 << 15)  # compiling the rules tokenises some 100,000 words, most of them repeats
def _raw_tokens(text: str) -> tuple[str, ...]:
    return tuple(_PUNCTUATION_TOKENS.get(token, token) for token in _TOKEN.findall(fold(text)))


def _spoken_tokens(text: str) -> list[str]:
    """Tokens with the punctuation as written ("?" kept): to read a question and its answer."""
    return _TOKEN.findall(fold(text))


_SENTENCE_ENDS_SPOKEN = frozenset({".", "?", "!", ";"})
_CLITIC_S = "s"  # how a phrase's "'s" ("{is|'s}") is written once tokenised
_NOT = "not"


def _is_number(word: str) -> bool:
    return word[0].isdigit()


class _Stem(NamedTuple):
    prefix: str


class _Suffix(NamedTuple):
    """"*ing": any word of more than two letters before that ending ("trying", "doing"); never a phrase's first."""
    suffix: str


class _Range(NamedTuple):
    low: float
    high: float


class _Gap:
    """Up to _GAP_WORDS words of anything."""

    def __reduce__(self) -> str:
        return "_GAP"  # matched by identity: a pickled engine (compiled.py) must get the one instance back


class _Family(NamedTuple):
    """A concept phrase's word that stands for any word of its families ("feel": "felt", "feeling"; "my": "her")."""
    words: frozenset[str]


_GAP = _Gap()
Element = str | _Stem | _Suffix | _Range | _Gap | _Family  # a str is one exact word


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
    # A joining word that carries the cue into the next clause when that clause has no subject of its own ("ten
    # years ago I hurt my back and couldn't walk"): a break where one of these starts does not stop the reach,
    # unless what follows it starts one of `not_before` (a new subject, a possessive, a present verb: "and can't").
    carries_over: tuple[str, ...] = ()
    not_before: tuple[str, ...] = ()
    same_subject: tuple[str, ...] = ()  # a subject said again after the joining word ("... and I couldn't walk")
    present: tuple[str, ...] = ()  # words anywhere from the cue to the joined clause's end that keep it present
    # Stops that count even as a concept phrase's own first word ('counts_at_phrase_start'): in "it's not one leg
    # any more, it's both legs" the correction "it's" opens the phrase "it's both legs" and still ends the denial.
    leading: tuple[str, ...] = ()
    # A joined clause with a subject of its own still goes on with the cue's time when its own verb, within
    # `past_within` words of the joining word, is plainly past ('past_verbs' breaks): "in 2021 I was in a car crash
    # and my neck hurt for months", "when my wife was pregnant she couldn't walk"; "... and my legs are numb" is not.
    past_verbs: tuple[str, ...] = ()
    past_within: int = 0


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
    # A cue that ends on the verb the symptom starts with ("if I lost | lost feeling", "scared of losing | losing
    # feeling") still reaches it: the mood word comes first and the shared verb is the symptom's ('cue_overlaps').
    overlaps: bool = False
    # A cue that keeps counting right after a denial ('negated_cue_counts'): in "worried I'm not doing them properly"
    # the "not" is part of the worry, where "it's not from the cold" denies the cold as a cause.
    negated_cue_counts: bool = False
    # For the denial blocker: the words that may stand between a denial and another blocker's cue it denies.
    denies_across: frozenset[str] | None = None
    # A cue that is a concept phrase itself, word for word, blocks it ('cue_is_phrase'): the blocker names the
    # phrases that are no sign alone, only with what its unless-list says ("can't sleep" needs the pain or the weeks).
    is_phrase: bool = False


def _longest_first(texts: Sequence[str]) -> list[tuple[str, ...]]:
    """Phrases as spoken tokens, longest first: what _sequence_at expects, so "no longer" is tried before "no"."""
    return sorted((tuple(_spoken_tokens(text)) for text in texts), key=len, reverse=True)


def _sequence_at(words: Sequence[str], i: int, sequences: Sequence[tuple[str, ...]]) -> int | None:
    """The end of the first of `sequences` said at token i (callers sort them longest first); None if none is."""
    for sequence in sequences:
        if tuple(words[i:i + len(sequence)]) == sequence:
            return i + len(sequence)
    return None


@dataclass(frozen=True)
class _Conditionals:
    """An "if" clause that supposes ('conditionals'): what it holds is not said to be happening. It supposes when
    its main clause is a plan or a would ("if it ever gets to where I can't pee I'll call", "if I lost feeling down
    there would that be an emergency") or when it says so itself ("if it ever", "if it gets worse"); "if I'm honest,
    I've wet myself" and "if I sit down I can't feel my bum" suppose nothing."""
    openers: tuple[tuple[str, ...], ...]
    not_after: frozenset[str]  # "not sure if", "asked if": a question, read elsewhere
    speech_acts: tuple[tuple[str, ...], ...]  # "if i'm honest"
    consequents: tuple[tuple[str, ...], ...]  # a main clause that plans or supposes
    supposing: tuple[tuple[str, ...], ...]  # words that make the clause suppose by themselves
    clause_ends: tuple[tuple[str, ...], ...]  # where the "if" clause ends when nothing else ends it
    joins: frozenset[str]  # "and i'll ..." after the clause joins another clause: no main clause of the "if"
    within: int
    first_words: frozenset[str]  # of the openers: most words open none
    # A main clause that asks ("would that matter", "should I worry", "is that bad"): the "if" clause said right
    # before it, one clause with a pause or none and not told in the present, is what the question supposes ("if I
    # was dizzy, would that matter", "if I get a fever should I worry"). With a clause of its own between them ("if
    # I try to pee nothing comes out, should I worry") the question asks about that report, and it stays one; so
    # does a clause in the present ("if I can't pee is that serious" may be what is happening).
    questions: tuple[tuple[str, ...], ...] = ()
    # Words that open a clause's subject, to count the clauses before such a question: a subject pronoun, or an
    # owner's word not said after one of `objects_after` ("if I sit down my legs go numb" is two clauses; "if I
    # lose feeling in my bum" is one).
    subjects: frozenset[str] = frozenset()
    owners: frozenset[str] = frozenset()
    objects_after: frozenset[str] = frozenset()
    not_clause_ends: tuple[tuple[str, ...], ...] = ()  # "because of": no clause end
    # A question in the conditional mood before the "if", with no pause between ("what would you say if my grandad
    # couldn't feel his feet"): the clause supposes, unless it is told in the present (`present_words`: "would you
    # send an ambulance if I can't feel my legs"); "should I call if I can't feel my legs" asks about now.
    leading_questions: tuple[tuple[str, ...], ...] = ()
    leading_within: int = 6  # words back from the "if"
    present_words: frozenset[str] = frozenset()
    coordinators: frozenset[str] = frozenset()  # "and", "or": clauses joined under one "if"
    supposing_past: frozenset[str] = frozenset()  # "was", "went": the past an "if" supposes in

    def _asked_before(self, words: Sequence[str], at: int) -> bool:
        for start in range(at - 1, max(at - 1 - self.leading_within, -1), -1):
            if words[start] in (_SENTENCE_END, _PAUSE):
                return False
            if _sequence_at(words, start, self.leading_questions) is not None:
                return True
        return False

    def _one_clause(self, words: Sequence[str], start: int, end: int) -> bool:
        """One clause, or clauses joined by "and"/"or" all told in the supposing past ("if I was dizzy and my neck
        hurt, should I stop"): a joined clause in the present may be a report ("if I sit down and my legs go numb")."""
        subjects = [at for at in range(start, end) if words[at] in self.subjects
                    or (words[at] in self.owners and (at == start or words[at - 1] not in self.objects_after))]
        if len(subjects) <= 1:
            return True
        return (all(words[at - 1] in self.coordinators for at in subjects[1:])
                and any(words[at] in self.supposing_past for at in range(start, end)))

    def regions(self, words: Sequence[str]) -> list[_Span]:
        """Token spans of the supposing "if" clauses."""
        found = []
        for i, word in enumerate(words):
            opened = _sequence_at(words, i, self.openers) if word in self.first_words else None
            if opened is None or (i and words[i - 1] in self.not_after) or _sequence_at(words, i, self.speech_acts):
                continue
            # To a main clause that plans or supposes, if one follows ("if it gets worse and I can't walk, I'll
            # call"); else, when the clause supposes by itself, to its first pause or joining word: in "told me to
            # come in if it got worse and now I can't feel my bum" what follows "and" is a report.
            first_end = consequent = None
            asked = self._asked_before(words, i)
            supposes = False
            end = opened
            while end < len(words) and end - opened < self.within and words[end] != _SENTENCE_END:
                if _sequence_at(words, end, self.consequents) is not None and words[end - 1] not in self.joins:
                    consequent = end
                    break
                if (end > opened + 1 and _sequence_at(words, end, self.questions) is not None
                        and self._one_clause(words, opened, end)
                        and not any(words[at] in self.present_words for at in range(opened, end))):
                    # The question asks about what is supposed, to its own end: "would that be foot drop" names
                    # no sign either.
                    consequent = next((at for at in range(end, len(words)) if words[at] in (_SENTENCE_END, _PAUSE)),
                                      len(words))
                    break
                if _sequence_at(words, end, self.clause_ends) and not _sequence_at(words, end, self.not_clause_ends):
                    break  # not "because of": a cause inside the clause ("if I wet the bed because of my back")
                if first_end is None and (words[end] == _PAUSE or words[end] in self.joins):
                    first_end = end
                if first_end is None and _sequence_at(words, end, self.supposing):
                    supposes = True
                end += 1
            # Asked before the "if" in the conditional mood, the clause supposes unless it is told in the present
            # ("would you send an ambulance if I can't feel my legs" may be what is happening).
            clause_end = first_end if first_end is not None else end
            if asked and not supposes and not any(words[at] in self.present_words for at in range(opened, clause_end)):
                supposes = True
            if consequent is not None and consequent > opened:
                found.append(_Span(opened, consequent))
            elif supposes:
                found.append(_Span(opened, first_end if first_end is not None else end))
        return found


@dataclass(frozen=True)
class _Clauses:
    """Where a new clause starts in words said with no punctuation ('breaks' entry with a 'clause' spec): a
    recogniser writes no commas, so "it isn't the cold my bum is numb" has no pause where the denial ends. After a
    complete clause (a finite verb said since the last pause, sentence end or subject), a subject (a word of the
    'subjects' breaks) followed within 'within' words by its own finite verb (a 'verbs' word, a word with a
    contracted auxiliary: "my bum's gone", or a regular past) opens a clause of its own, and a reach that stops at
    this break ends there. Not where the clause is joined to the one before by a 'joins' word, perhaps after 'skips'
    words ("what happens if my legs are numb", "scared that one day my legs ..."), nor where it is what is said or
    thought, right after a 'reported' verb ("nobody said my legs were numb", "i thought my bum was numb"): that
    clause is the cue's own; nor a subject asked after its auxiliary ("what should i do").

    The reported exception holds for the subject breaks themselves in a reach marked 'reported_clause_passes': read()
    writes each subject break again without the subjects of reported clauses, under _unreported(name)."""
    name: str  # the break lexicon written
    subjects: tuple[str, ...]  # break lexicons whose words open a subject
    verbs: str  # break lexicon of finite verbs
    reported: str  # break lexicon of verbs of saying or thinking, ending where their clause starts
    joins: str  # break lexicon of words that join a clause to the one before ("if", "that", "because")
    within: int
    skips: frozenset[str] = frozenset()  # words that may stand between a joining word and its subject ("one day")
    auxiliaries: frozenset[str] = frozenset()  # a subject right after one of these is asked, not a new clause
    determiners: frozenset[str] = frozenset()  # words that open a subject a joining word joins ("if my wife")
    # The break written for the clauses whose own verb is in the present (one of the second break's words): a
    # past cue's reach ends there ("it used to go down one leg now it's going down both"), not at a clause that
    # goes on with the past story.
    present: tuple[str, str] | None = None

    def mark(self, words: Sequence[str], spans: dict[str, list[_Span]]) -> None:
        """Adds the clause breaks, and the subject breaks less the subjects of reported clauses, to `spans`."""
        reported = {span.end for span in spans.get(self.reported, ())}
        for name in self.subjects:
            if name in spans:
                spans[_unreported(name)] = [span for span in spans[name] if span.start not in reported]
        verbs = {span.start for span in spans.get(self.verbs, ())}
        subjects = {span.start for name in self.subjects for span in spans.get(name, ())}

        def is_verb(at: int, start: int) -> bool:
            # A listed verb, a contracted auxiliary ("my bum's gone", "my legs've gone") or a regular past ("asked").
            word = words[at]
            return at in verbs or (at > start and "'" in word) or (len(word) > 4 and word.endswith("ed"))

        # A joining word joins the subject said right after it, or after 'skips' words ("scared that one day my legs
        # will ..."), to the clause before.
        joined = set(reported)
        for end in {span.end for span in spans.get(self.joins, ())} | reported:
            at = end
            while at < len(words) and words[at] in self.skips:
                joined.add(at)
                at += 1
            joined.add(at)
            if at < len(words) and (at in subjects or words[at] in self.determiners):
                # The whole subject it opens ("if my wife can't"): up to its verb.
                for rest in range(at + 1, min(at + self.within + 1, len(words))):
                    if words[rest] in (_SENTENCE_END, _PAUSE) or is_verb(rest, at):
                        break
                    joined.add(rest)

        present = {span.start for span in spans.get(self.present[1], ())} if self.present else set()
        found, found_present = [], []
        complete = False  # a finite verb said since the last pause, sentence end or subject
        for at, word in enumerate(words):
            if word in (_SENTENCE_END, _PAUSE):
                complete = False
                continue
            if at in subjects:
                # Not a subject asked after its auxiliary ("what should i do"), nor the rest of one ("my wife").
                if complete and at not in joined and words[at - 1] not in self.auxiliaries:
                    own_verb = next((k for k in range(at, min(at + self.within + 1, len(words)))
                                     if words[k] in (_SENTENCE_END, _PAUSE) or is_verb(k, at)), None)
                    if own_verb is not None and words[own_verb] not in (_SENTENCE_END, _PAUSE):
                        found.append(_Span(at, at + 1))
                        if own_verb in present:  # with a present time word said just before ("now it's ...")
                            opens = at - 1 if at - 1 in present and at - 1 not in subjects else at
                            found_present.append(_Span(opens, at + 1))
                complete = False
            if is_verb(at, at):
                complete = True
        if found:
            spans[self.name] = found
        if found_present and self.present:
            spans[self.present[0]] = found_present


def _unreported(name: str) -> str:
    """A subject break's lexicon without the subjects of reported clauses (_Clauses)."""
    return f"{name}:unreported"


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
    # Extra concepts required instead when that someone is a young child (a toddler wetting himself is no sign
    # unless the back is part of it); None: a child is like anyone else.
    children_need: tuple[str, ...] | None = None


class _Normaliser:
    """Text to tokens: spoken variants rewritten to one written form, fillers removed."""

    def __init__(self, variants: Mapping[str, Sequence[str]], fillers: Iterable[str],
                 inversion: Mapping[str, Sequence[str]] | None = None, answers: Mapping[str, Any] | None = None,
                 reflexives: Mapping[str, Sequence[str]] | None = None, lost: Mapping[str, Any] | None = None,
                 reported: Mapping[str, Any] | None = None, denial_corrections: Mapping[str, Any] | None = None,
                 negative_contractions: Mapping[str, Any] | None = None, ellipsis: Mapping[str, Any] | None = None,
                 negative_inversion: Mapping[str, Any] | None = None, pseudo_clefts: Mapping[str, Any] | None = None,
                 stranded_modals: Mapping[str, Any] | None = None):
        self._fillers = frozenset(fillers)
        stranded = stranded_modals or {}
        self._stranded_modals = frozenset(stranded.get("modals", ()))
        self._stranded_subjects = frozenset(stranded.get("subjects", ()))
        self._stranded_skips = frozenset(stranded.get("skips", ()))
        self._stranded_tails = frozenset(stranded.get("tails", ()))
        self._stranded_ends = frozenset(stranded.get("clause_ends", ()))
        self._stranded_attempts = _longest_first(stranded.get("attempts", ()))
        self._stranded_verbs = frozenset(stranded.get("verbs", ()))
        self._stranded_predicate_ends = frozenset(stranded.get("predicate_ends", ()))
        self._stranded_bare_only = frozenset(stranded.get("bare_only", ()))
        self._stranded_within = int(stranded.get("within", 0))
        denial_corrections = denial_corrections or {}
        self._denials = frozenset(denial_corrections.get("denials", ()))
        self._correction_markers = frozenset(denial_corrections.get("markers", ()))
        self._correction_as = denial_corrections.get("as", "")
        self._correction_within = int(denial_corrections.get("within", 0))
        lost = lost or {}
        self._past_abilities = _longest_first(lost.get("past_ability", ()))
        self._ability_verbs = frozenset(lost.get("verbs", ()))
        self._perception_verbs = frozenset(lost.get("perception_verbs", ()))
        self._perceived = frozenset(lost.get("perceived", ()))
        self._no_longer = _longest_first(lost.get("no_longer", ()))
        self._lost_as = tuple(_spoken_tokens(lost.get("as", "can't"))), tuple(_spoken_tokens(lost.get("then", "")))
        # Whose a reflexive is, as said: spoken variants write "himself" as "myself" for the phrases' sake.
        self._reflexives = {tuple(_raw_tokens(text)): person for person, texts in (reflexives or {}).items()
                            for text in texts}
        inversion = inversion or {}
        answers = answers or {}
        self._answer_words = {kind: [tuple(_spoken_tokens(text)) for text in answers.get(kind, ())]
                              for kind in ("no", "yes", "absent", "not_answers", "after_a_bare_no")}
        self._negated_auxiliaries = {aux: tuple(_spoken_tokens(negated))
                                     for aux, negated in answers.get("negated_auxiliaries", {}).items()}
        self._negator = tuple(_spoken_tokens(answers.get("negator", "no")))
        self._determiners = frozenset(answers.get("determiners", ()))
        # First words of answers: most tokens open none, and are passed over at once.
        self._answer_openers = frozenset(phrase[0] for kind in ("no", "yes", "absent")
                                         for phrase in self._answer_words[kind] if phrase)
        self._no_openers = frozenset(phrase[0] for phrase in self._answer_words["no"] if phrase)
        self._answer_subjects = frozenset(answers.get("subjects", ()))
        self._alternative_joins = frozenset(answers.get("alternative_joins", ()))
        self._question_subjects = frozenset(answers.get("question_subjects", ()))
        self._lead_ins = frozenset(answers.get("lead_ins", ())) | self._fillers | {_PAUSE}
        reported = reported or {}
        self._asks = _longest_first(reported.get("asks", ()))
        self._ask_openers = frozenset(phrase[0] for phrase in self._asks if phrase)
        self._asked = frozenset(reported.get("asked", ()))
        self._whether = frozenset(reported.get("whether", ()))
        self._answer_joins = frozenset(reported.get("joins", ()))
        self._answerers = frozenset(reported.get("answerers", ()))
        self._reporting = frozenset(reported.get("reporting", ()))
        self._reported_subjects = frozenset(reported.get("subjects", ())) | self._answer_subjects
        self._answer_tails = frozenset(reported.get("tails", ())) | self._fillers
        self._question_auxiliaries = frozenset(self._negated_auxiliaries) | frozenset(reported.get("auxiliaries", ()))
        self._answer_auxiliaries = self._question_auxiliaries | frozenset(
            negated[0] for negated in self._negated_auxiliaries.values() if len(negated) == 1)
        self._openers = frozenset(inversion.get("openers", ()))
        self._auxiliaries = frozenset(word for text in inversion.get("auxiliaries", ()) for word in _raw_tokens(text))
        self._subjects = frozenset(inversion.get("subjects", ()))
        self._owners = frozenset(inversion.get("owners", ()))
        self._rewrites: dict[tuple[str, ...], tuple[str, ...]] = {}
        for written, spoken_forms in variants.items():
            for spoken in spoken_forms:
                self._rewrites[tuple(_raw_tokens(spoken))] = tuple(_raw_tokens(written))
        # A word said without its apostrophe ("hasnt", "ive") is the same word: restored before the other variants,
        # so a variant written with it ("hasn't got any") also reads "hasnt got any". Only the spellings the
        # variants list: "ill" or "well" are words of their own.
        self._apostrophes = {spoken[0]: written[0] for spoken, written in self._rewrites.items()
                             if len(spoken) == 1 and len(written) == 1 and "'" in written[0]
                             and written[0].replace("'", "") == spoken[0]}
        for spoken, written in list(self._rewrites.items()):
            restored = tuple(self._apostrophes.get(word, word) for word in spoken)
            if restored != written:  # "dont" -> "don't" restored is no variant: "don't" stays as it is
                self._rewrites.setdefault(restored, written)
        self._apostrophe_free = frozenset(self._apostrophes)
        # The key lengths each opening word has, longest first: a word that opens only short variants ("me back")
        # is not checked at every longer length (compiling rewrites every phrase of the rules).
        lengths: dict[str, set[int]] = defaultdict(set)
        for key in self._rewrites:
            lengths[key[0]].add(len(key))
        self._lengths = {word: tuple(sorted(sizes, reverse=True)) for word, sizes in lengths.items()}
        self._variants_with: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for key in self._rewrites:
            for word in set(key):
                self._variants_with[word].append(key)
        self._negatives = self._negative_forms(negative_contractions or {})
        for key in self._negatives:  # a phrase's "{it's|that's} not" must be spelled out to be read the same way
            for word in set(key) | {_NOT}:
                self._variants_with[word].append(key + (_NOT,))
        self._negative_lengths: dict[str, tuple[int, ...]] = {}
        for key in self._negatives:
            self._negative_lengths[key[0]] = tuple(sorted({*self._negative_lengths.get(key[0], ()), len(key)},
                                                          reverse=True))
        self._perfect = frozenset((negative_contractions or {}).get("perfect", ()))
        raised = (negative_contractions or {}).get("raised", {})
        self._raising_denials = _longest_first(raised.get("denials", ()))
        self._raising_verbs = frozenset(raised.get("verbs", ()))
        self._raising_skips = frozenset(raised.get("skip", ()))
        self._raising_auxiliaries = frozenset(raised.get("auxiliaries", ()))
        self._raising_within = int(raised.get("within", 0))
        ellipsis = ellipsis or {}
        self._also = frozenset(ellipsis.get("also", ()))
        self._also_not = frozenset(ellipsis.get("also_not", ()))
        self._ellipsis_auxiliaries = frozenset(ellipsis.get("auxiliaries", ()))
        self._do_support = frozenset(ellipsis.get("do_support", ()))
        self._ellipsis_subjects = frozenset(ellipsis.get("subjects", ()))
        self._subject_pronouns = frozenset(ellipsis.get("pronouns", ()))
        self._predicate_openers = frozenset(ellipsis.get("predicate_openers", ()))
        self._predicate_ends = frozenset(ellipsis.get("predicate_ends", ()))
        self._clause_joins = frozenset(ellipsis.get("clause_joins", ()))
        self._ellipsis_tails = frozenset(ellipsis.get("tails", ()))
        self._ellipsis_lead_ins = frozenset(ellipsis.get("lead_ins", ()))
        self._clause_ends = frozenset(ellipsis.get("clause_ends", ()))
        self._head_modifiers = frozenset(ellipsis.get("head_modifiers", ()))
        self._ellipsis_openers = self._also | self._also_not | (self._ellipsis_tails if self._also else frozenset())
        negative_inversion = negative_inversion or {}
        self._inversion_openers = _longest_first(negative_inversion.get("openers", ()))
        self._inversion_first_words = frozenset(opener[0] for opener in self._inversion_openers)
        self._inversion_auxiliaries = frozenset(negative_inversion.get("auxiliaries", ()))
        self._inversion_subjects = frozenset(negative_inversion.get("subjects", ()))
        clefts = pseudo_clefts or {}
        self._cleft_openers = _longest_first(clefts.get("openers", ()))
        self._cleft_subjects = frozenset(clefts.get("subjects", ()))
        self._cleft_auxiliaries = frozenset(clefts.get("auxiliaries", ()))
        self._cleft_verb = clefts.get("verb", "")
        self._cleft_copulas = frozenset(clefts.get("copulas", ()))
        self._cleft_within = int(clefts.get("within", 0))
        # What "'s not" and "'re not" now read as: a phrase written "not coping" was written for them.
        self.negated_auxiliaries = frozenset(option[-1] for options in self._negatives.values() for option in options
                                             if option[-1] in (negative_contractions or {}).get("be", ()))

    def _negative_forms(self, contractions: Mapping[str, Any]) -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        """Every way of saying a subject's contracted auxiliary ("i've", "ive", "i have"), to the subject and its
        negated auxiliaries ('negative_contractions' forms: "i haven't"; "it {isn't|hasn't}" when "'s" may be either;
        a spoken "it has" says which)."""
        forms: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
        for contracted, negated in contractions.get("forms", {}).items():
            options = tuple(tuple(_raw_tokens(option)) for option in expand_alternatives(negated))
            spoken = {tuple(_raw_tokens(contracted))} | {key for key, written in self._rewrites.items()
                                                          if written == tuple(_raw_tokens(contracted))}
            for key in spoken:
                said = [option for option in options if option[-1][:-3] in key]  # "it has" -> "it hasn't"
                forms[key] = tuple(said) if len(said) == 1 else options
        return forms

    def _raise_negations(self, words: list[str]) -> list[str]:
        """A denied opinion denies what it holds ('negative_contractions' 'raised'): "i don't think i've peed since
        yesterday" reads "i think i've not peed since yesterday" (then "i haven't peed"), "i don't think my legs will
        hold me" reads "... my legs will not hold me": the hedge is about the clause, so a function hedged is a
        function lost and a symptom hedged is a symptom denied. Only when the clause's auxiliary (or a subject's
        contracted one) comes within 'within' words; otherwise the words are left as said."""
        if not self._raising_verbs:
            return words
        i = 0
        while i < len(words):
            verb = _sequence_at(words, i, self._raising_denials)
            if verb is None or verb >= len(words) or words[verb] not in self._raising_verbs:
                i += 1
                continue
            start = verb + 1 + (verb + 1 < len(words) and words[verb + 1] in self._raising_skips)
            for j in range(start, min(start + self._raising_within, len(words))):
                word = words[j]
                if word in _PUNCTUATION_TOKENS or word in _SENTENCE_ENDS_SPOKEN or word in (",", _NOT):
                    break
                if word in self._raising_auxiliaries or (word in self._negative_lengths
                                                         and (word,) in self._negatives):
                    words = words[:i] + words[verb:j + 1] + [_NOT] + words[j + 1:]
                    break
            i += 1
        return words

    def _negated(self, words: Sequence[str]) -> list[str]:  # called only when "not" is said
        """A contracted auxiliary and "not" as the negated auxiliary ("i've not", "i have not" -> "i haven't", "it's
        not" -> "it isn't", "she's not been" -> "she hasn't been"), so every way of saying a denial or a lost ability
        reads alike before spoken variants (which rewrite "i haven't been able to" but would miss "i've not been able
        to") and phrases see it."""
        out: list[str] = []
        i = 0
        while i < len(words):
            for size in self._negative_lengths.get(words[i], ()):
                options = self._negatives.get(tuple(words[i:i + size]))
                if options is None:
                    continue
                after = i + size
                while after < len(words) and words[after] in self._fillers:
                    after += 1
                if after + 1 >= len(words) or words[after] != _NOT:
                    continue
                following = words[after + 1]
                perfect = following in self._perfect or following.endswith("ed")
                chosen = options[-1] if len(options) > 1 and perfect else options[0]
                out.extend(chosen)
                i = after + 1
                break
            else:
                out.append(words[i])
                i += 1
        return out

    def keeps(self, word: str, present: set[str] | frozenset[str]) -> bool:
        """Whether `word` is left as it is in any phrase whose words are all among `present`: no filler, and no
        spoken variant holding it could match there (some other word of each is absent), so it can stand in the
        phrase as one of several alternatives (see _forms)."""
        if word in self._fillers:
            return False
        return not any(all(other in present for other in key if other != word) for key in self._variants_with[word])

    def tokens(self, text: str) -> list[str]:
        return self.tokens_and_reflexives(text)[0]

    def tokens_and_reflexives(self, text: str) -> tuple[list[str], dict[int, str]]:
        """The tokens, and the person ("self", "others") of each reflexive among them as it was said."""
        if self._answer_words["no"] or self._answer_words["yes"] or self._past_abilities:
            said = self._fold_lost_abilities(self._fold_reported_answers(self._fold_answers(
                self._raise_negations(_spoken_tokens(text)))))
            spoken = [_PUNCTUATION_TOKENS.get(token, token) for token in said]
        else:
            spoken = list(_raw_tokens(text))
        if self._stranded_within and not self._stranded_modals.isdisjoint(spoken):
            spoken = self._fill_stranded_modals(spoken)
        if self._ellipsis_openers and not self._ellipsis_openers.isdisjoint(spoken):
            spoken = self._fill_ellipses(spoken)
        if self._inversion_openers and not self._inversion_first_words.isdisjoint(spoken):
            spoken = self._straighten_negative_inversions(spoken)
        if self._cleft_openers and self._cleft_verb in spoken:
            spoken = self._unsplit_clefts(spoken)
        if self._correction_within and not self._correction_markers.isdisjoint(spoken):
            spoken = self._mark_corrections(spoken)
        sources: list[tuple[str, ...]] = []
        words, sources = self._uninvert(self.rewrite(spoken, sources), sources)
        persons = {i: self._reflexives[source] for i, source in enumerate(sources) if source in self._reflexives}
        return words, persons

    def _fill_stranded_modals(self, words: list[str]) -> list[str]:
        """A denied modal left at the end of its clause takes the verb of the attempt told before it in the same
        sentence ('stranded_modals'): "i tried to pee for an hour and i just can't" reads "... and i just can't pee",
        "been trying to wee all morning, can't" reads "... can't wee". Without its verb, "can't" names nothing and
        the failed attempt reads as none."""
        out = list(words)
        inserted = 0
        for k, word in enumerate(words):
            if word not in self._stranded_modals:
                continue
            after = k + 1
            while after < len(words) and words[after] in self._stranded_tails:
                after += 1
            if after < len(words) and not self._ends_stranded_clause(words[after]):
                continue  # the modal has its own verb ("can't feel"), or more follows it
            start = k
            while start > 0 and words[start - 1] in self._stranded_skips:
                start -= 1
            if start > 0 and words[start - 1] in self._stranded_subjects:
                start -= 1
            predicate: list[str] = []
            for j in range(start - 1, max(-1, start - 1 - self._stranded_within), -1):
                if words[j] in _SENTENCE_ENDS_SPOKEN or words[j] == _SENTENCE_END:
                    break
                end = _sequence_at(words, j, self._stranded_attempts)
                if end is not None and end < start and words[end] in self._stranded_verbs:
                    # The verb with what it says where or what, to its clause's end; a time or a count is the
                    # attempt's ("tried to pee for ages": the "for ages" is not carried).
                    stop = end + 1
                    while (stop < start and not (self._ends_stranded_clause(words[stop])
                                                 or words[stop] in self._stranded_predicate_ends)):
                        stop += 1
                    if stop == end + 1 or words[end] not in self._stranded_bare_only:
                        predicate = words[end:stop]  # "go" only bare: "trying to go to the gym" is an errand
                    break
            if predicate:
                out[k + 1 + inserted:k + 1 + inserted] = predicate
                inserted += len(predicate)
        return out

    def _ends_stranded_clause(self, word: str) -> bool:
        return word in _SENTENCE_ENDS_SPOKEN or word in (_SENTENCE_END, _PAUSE) or word in self._stranded_ends

    def _fill_ellipses(self, words: list[str]) -> list[str]:
        """A clause that leaves out what it shares with the one before says it in full ('ellipsis'): "my back's gone
        and so has my bladder" reads "... and my bladder has gone too", "my left leg is numb and so is my right one"
        reads "... and my right leg is numb too", "i can't feel my thigh and neither can i feel my bum" reads "... and
        i can't feel my bum either", "one leg went numb and now the other one has as well" reads "... and now the
        other leg has gone numb too". The sign may be in either half; written out, the phrases and cues see it."""
        i = 1
        while i < len(words) - 2:
            filled = self._ellipsis_at(words, i)
            if filled is None:
                i += 1
                continue
            replacement, end = filled
            words = words[:i] + replacement + words[end:]
            i += len(replacement)
        return words

    def _ellipsis_at(self, words: Sequence[str], i: int) -> tuple[list[str], int] | None:
        """The elided clause joined at token i (a joining word) written out, and where it ends; None if none is."""
        if words[i] not in self._clause_joins:
            return None
        at = i + 1
        while at < len(words) and words[at] in self._ellipsis_lead_ins:
            at += 1
        if at + 1 >= len(words):
            return None
        if words[at] in self._also | self._also_not:  # "and so is my bum", "and neither can i"
            denied = words[at] in self._also_not
            aux, subject_start = words[at + 1], at + 2
            if aux not in self._ellipsis_auxiliaries or subject_start >= len(words):
                return None
            subject_end = self._subject_end(words, subject_start)
            if subject_end is None:
                return None
            tail = subject_end
        else:  # "and my bum is too", "and now the other one has as well"
            denied = False
            subject_end = self._subject_end(words, at, stop_at_auxiliary=True)
            if subject_end is None or subject_end >= len(words) or words[subject_end] not in self._ellipsis_auxiliaries:
                return None
            subject_start, aux, tail = at, words[subject_end], subject_end + 1
            if tail >= len(words) or words[tail] not in self._ellipsis_tails:
                return None
        rest_end = tail
        while rest_end < len(words) and not self._ends_clause(words[rest_end]):
            rest_end += 1
        rest = [word for word in words[tail:rest_end] if word not in self._ellipsis_tails]
        subject = list(words[subject_start:subject_end])
        if rest and not (denied and subject[0] in self._subject_pronouns):
            return None  # more than a subject: not an elided clause
        auxiliary = list(self._negated_auxiliaries.get(aux, (aux,))) if denied else [aux]
        if rest:  # "neither can i feel my bum": only inverted
            return list(words[i:at]) + subject + auxiliary + rest + ["either"], rest_end
        before = self._predicate_before(words, i, keep_verb=aux in self._do_support)
        if before is None:
            return None
        head, predicate = before
        if subject[-1] == "one" and head:  # "my right one" is "my right leg"
            subject[-1] = head
        elif subject[-1] in self._head_modifiers and head and len(subject) > 1:  # "the left" is "the left leg"
            subject.append(head)
        if aux in self._do_support and not denied:
            auxiliary = []
        return list(words[i:at]) + subject + auxiliary + predicate + (["either"] if denied else ["too"]), rest_end

    def _straighten_negative_inversions(self, words: list[str]) -> list[str]:
        """A denial said first, with the verb before its subject ("no way am I wetting myself", "not once have I lost
        control", "never have I had numbness") reads in the told order, "I am not wetting myself": otherwise the
        subject after the denial ends its reach, and the sign it denies reads as said."""
        out: list[str] = []
        i = 0
        while i < len(words):
            at = _sequence_at(words, i, self._inversion_openers) if words[i] in self._inversion_first_words else None
            if (at is not None and at + 1 < len(words) and words[at] in self._inversion_auxiliaries
                    and words[at + 1] in self._inversion_subjects):
                out += [words[at + 1], words[at], _NOT]
                i = at + 2
            else:
                out.append(words[i])
                i += 1
        return out

    def _unsplit_clefts(self, words: list[str]) -> list[str]:
        """A sentence split round "do" ("what I can't do any more is feel when I need a wee", "the one thing she
        can't do is hold her wee") reads as the plain clause, "I can't feel when I need a wee any more": the
        ability and its verb are one phrase in the rules."""
        i = 0
        while i < len(words):
            subject = _sequence_at(words, i, self._cleft_openers)
            if not (subject is not None and subject + 2 < len(words) and words[subject] in self._cleft_subjects
                    and words[subject + 1] in self._cleft_auxiliaries and words[subject + 2] == self._cleft_verb):
                i += 1
                continue
            middle = subject + 3
            copula = next((k for k in range(middle, min(middle + self._cleft_within + 1, len(words)))
                           if words[k] in self._cleft_copulas), None)
            if copula is None or any(word in _SENTENCE_ENDS_SPOKEN or word in (_SENTENCE_END, _PAUSE)
                                     for word in words[middle:copula]):
                i += 1
                continue
            end = copula + 1
            while end < len(words) and words[end] not in _SENTENCE_ENDS_SPOKEN | {_SENTENCE_END, _PAUSE}:
                end += 1
            clause = words[subject:subject + 2] + words[copula + 1:end] + words[middle:copula]
            words = words[:i] + clause + words[end:]
            i += len(clause)
        return words

    def _ends_clause(self, word: str) -> bool:
        return (word in _SENTENCE_ENDS_SPOKEN or word in (_SENTENCE_END, _PAUSE) or word in self._clause_joins
                or word in self._clause_ends)

    def _subject_end(self, words: Sequence[str], start: int, stop_at_auxiliary: bool = False) -> int | None:
        """Where a short subject starting at `start` ends ("my feeling down below", "i", "the other one")."""
        if words[start] in self._subject_pronouns:
            return start + 1
        if words[start] not in self._ellipsis_subjects:
            return None
        end = start + 1
        while (end < len(words) and end - start < 5 and not self._ends_clause(words[end])
               and not (stop_at_auxiliary and words[end] in self._ellipsis_auxiliaries)
               and words[end] not in self._ellipsis_tails):
            end += 1
        return end

    def _predicate_before(self, words: Sequence[str], join: int, keep_verb: bool = False
                          ) -> tuple[str, list[str]] | None:
        """The clause before the joining word at `join`: its subject's head word and its predicate without the
        auxiliary ("my left leg is numb yesterday" -> "leg", "numb"; "my back went" -> "back", "went"); with
        `keep_verb` (an elided "did") the verb is the predicate's own ("had sciatica")."""
        end = join
        while end > 0 and self._ends_clause(words[end - 1]):  # "my left thigh is numb, and ..."
            end -= 1
        start = end
        while start > 0 and not self._ends_clause(words[start - 1]):
            start -= 1
        clause = words[start:end]
        # The first verb said, else a contracted one ("my bum's numb"; in "my husband's back went" the 's is his).
        verb = next((k for k in range(1, len(clause))
                     if clause[k] in self._predicate_openers or clause[k] in self._ellipsis_auxiliaries), None)
        if verb is not None:
            head = clause[verb - 1]
            if clause[verb] in self._ellipsis_auxiliaries and verb + 1 < len(clause) and not keep_verb:
                verb += 1
        else:
            verb = next((k for k in range(1, len(clause))
                         if "'" in clause[k - 1] and clause[k - 1].rsplit("'", 1)[1] in ("s", "re", "ve", "m")), None)
            if verb is None:
                return None
            head = clause[verb - 1].split("'", 1)[0]
        predicate: list[str] = []
        for word in clause[verb:]:
            if word in self._predicate_ends:
                break
            predicate.append(word)
        return (head, predicate) if predicate else None

    def _mark_corrections(self, words: list[str]) -> list[str]:
        """A filler word that corrects a denial just said ("no pain just numb down there", "not sore just can't
        feel my bum") is kept, as the word that says so ('denial_corrections'), so the denial stops there: dropped
        as a filler, the denial would reach the sign it corrects to."""
        out = list(words)
        for i, word in enumerate(words):
            if word not in self._correction_markers:
                continue
            for j in range(i - 1, max(-1, i - 1 - self._correction_within), -1):
                if words[j] in _SENTENCE_ENDS_SPOKEN or words[j] in (_SENTENCE_END, _PAUSE):
                    break
                if words[j] in self._denials:
                    if j < i - 1:  # "not just numb" is "not only numb": more than numb, not a correction
                        out[i] = self._correction_as
                    break
        return out

    def _fold_reported_answers(self, words: list[str]) -> list[str]:
        """Someone's yes/no question, reported and answered in the same breath with a bare auxiliary, reads as the
        answer's statement: "the paramedic asked if I could feel my bottom and I couldn't" reads "the paramedic. I
        couldn't feel my bottom."; "she asked whether I'd had any accidents and I haven't" reads "I haven't had any
        accidents". Whether the answer is a sign depends on what was asked, so neither the question nor the answer
        alone can say it."""
        if not self._asks or self._ask_openers.isdisjoint(words):
            return words
        i = 0
        while i < len(words):
            asked_end = _sequence_at(words, i, self._asks) if words[i] in self._ask_openers else None
            folded = self._reported_answer(words, asked_end) if asked_end is not None else None
            if folded is None:
                i += 1
                continue
            statement, end = folded
            opening = words[:i] + ([_SENTENCE_END] if i and words[i - 1] not in _SENTENCE_ENDS_SPOKEN else [])
            words = opening + statement + [_SENTENCE_END] + words[end:]
            i = len(opening) + len(statement) + 1
        return words

    def _reported_answer(self, words: Sequence[str], at: int) -> tuple[list[str], int] | None:
        """The statement a reported question ending at token `at` ("asked") and its bare answer make, and where the
        answer ends."""
        if at < len(words) and words[at] in self._asked:
            at += 1
        if at >= len(words) or words[at] not in self._whether:
            return None
        start = at + 1
        if start < len(words) and words[start] in self._reported_subjects:
            subject_end = start + 1
        elif start + 1 < len(words) and words[start] in self._owners:
            subject_end = start + 2
        else:
            return None
        clause = subject_end + (subject_end < len(words) and words[subject_end] in self._question_auxiliaries)
        for j in range(clause + 1, len(words) - 2):
            if words[j] in _SENTENCE_ENDS_SPOKEN:
                return None
            if not (words[j] in self._answer_joins and words[j + 1] in self._answerers):
                continue
            # The answer may be reported too: "and I told her they weren't", "and I said I hadn't".
            k = j + 2
            if words[k] in self._reporting:
                k += 1 + (k + 1 < len(words) and words[k + 1] in self._asked)
                k += k < len(words) and words[k] in self._answerers
            if k >= len(words) or words[k] not in self._answer_auxiliaries:
                continue
            end = k + 1 + (k + 1 < len(words) and words[k + 1] == "not")
            tail = end
            while tail < len(words) and words[tail] in self._answer_tails:
                tail += 1
            if tail < len(words) and words[tail] not in _SENTENCE_ENDS_SPOKEN | {_PAUSE} | self._answer_joins:
                return None
            # "I'd" carries the question's auxiliary: the answer's own subject says it plainly.
            subject = list(words[start:subject_end])
            if any("'" in word for word in subject):
                subject = [words[j + 1]]
            return subject + list(words[k:end]) + list(words[clause:j]), tail
        return None

    def _fold_lost_abilities(self, words: list[str]) -> list[str]:
        """An ability said as past and then denied is lost: "I used to be able to tell when I needed to pee, but not
        any more" reads "I can't tell when I needed to pee any more", as the signs are written."""
        if not self._past_abilities:
            return words
        i = 0
        while i < len(words):
            past = next((phrase for phrase in self._past_abilities if tuple(words[i:i + len(phrase)]) == phrase), None)
            verb = i + len(past) if past else None
            if past is None or verb + 1 >= len(words) or not (
                    words[verb] in self._ability_verbs
                    or (words[verb] in self._perception_verbs and words[verb + 1] in self._perceived)):
                i += 1
                continue
            for j in range(verb + 1, len(words)):
                if words[j] in _SENTENCE_ENDS_SPOKEN:
                    break
                denial = next((phrase for phrase in self._no_longer if tuple(words[j:j + len(phrase)]) == phrase),
                              None)
                if denial is not None:
                    can_not, then = self._lost_as
                    words = (words[:i] + list(can_not) + words[verb:j] + list(then) + words[j + len(denial):])
                    break
            i += 1
        return words

    def _answer_at(self, words: Sequence[str], i: int) -> tuple[str, int] | None:
        """The answer said at token i ("no", "yes"), and where it ends, taking in the same answer said again ("no,
        none at all"); None if none is ("no idea" is not)."""
        first = self._one_answer_at(words, i)
        if first is None:
            return None
        kind, end = first
        while True:
            after = end
            while after < len(words) and words[after] == ",":
                after += 1
            more = self._one_answer_at(words, after) if after < len(words) else None
            if more is None or more[0] != kind or not self._whole_answer_ends(words, more[1]):
                return kind, end
            end = more[1]

    def _whole_answer_ends(self, words: Sequence[str], end: int) -> bool:
        """Whether an answer said again ends at `end` as a whole answer: in "my bottom? no, no numbness there" the
        second "no" opens a statement of its own and is no repeated answer."""
        return (end >= len(words) or words[end] in (_PAUSE, *_SENTENCE_ENDS_SPOKEN)
                or self._one_answer_at(words, end) is not None)

    def _one_answer_at(self, words: Sequence[str], i: int) -> tuple[str, int] | None:
        while i < len(words) and words[i] in self._fillers:
            i += 1
        if i >= len(words) or words[i] not in self._answer_openers:
            return None
        for refused in self._answer_words["not_answers"]:
            if tuple(words[i:i + len(refused)]) == refused:
                return None
        best: tuple[str, int] | None = None
        for kind in ("no", "yes", "absent"):
            for phrase in self._answer_words[kind]:
                if tuple(words[i:i + len(phrase)]) != phrase or (best is not None and i + len(phrase) <= best[1]):
                    continue
                # An absent answer ("lost it", "all gone") denies what was asked, as a no does, when it is the
                # whole answer: in "bladder? it's gone, I can't control it" the rest tells what is gone.
                end = i + len(phrase)
                if kind != "absent":
                    best = (kind, end)
                elif end == len(words) or words[end] in _SENTENCE_ENDS_SPOKEN:
                    best = ("no", end)
        return best

    def _fold_answers(self, words: list[str]) -> list[str]:
        """A question answered in the same breath reads as the statement it answers: "do I have numbness down
        there? no" as "I don't have numbness down there", "numb? no" as "no numb", "can I feel it when I wipe? no"
        as "I can't feel it when I wipe". A recogniser writes no question mark, so a bare no that ends a clause
        with no subject of its own ("any weakness no", "trouble peeing nope all good") answers it too."""
        out: list[str] = []
        start = 0  # where the current clause starts in `out`
        i = 0
        while i < len(words):
            word = words[i]
            answer = None
            if word == "?":
                answer = self._answer_at(words, i + 1)
            elif word in self._no_openers and out[start:] and self._bare_no_here(words, i, out[start:]):
                answer = self._answer_at(words, i)
            if answer is None:
                out.append(word)
                if word in _SENTENCE_ENDS_SPOKEN:
                    start = len(out)
                i += 1
                continue
            kind, end = answer
            out[start:] = self._as_statement(out[start:], kind == "no")
            out.append(_SENTENCE_END if kind == "no" else _PAUSE)
            while end < len(words) and words[end] in (",", "."):
                end += 1
            start, i = len(out), end
        return out

    def _bare_no_here(self, words: Sequence[str], i: int, clause: Sequence[str]) -> bool:
        """Whether an unpunctuated no at token i answers the clause before it: the clause names no one, and the no
        ends the utterance or is followed only by more of the answer ("none at all", "all good")."""
        if i and words[i - 1] in self._alternative_joins:
            return False  # an alternative ("full or not any more") offers the no, it does not answer with it
        answer = self._answer_at(words, i)
        if answer is None or answer[0] != "no":
            return False
        # A clause that opens as a question ("do I have trouble peeing, nope") is asked even about the speaker; a told
        # one with a subject ("I've wet myself, no...") is not answered by a no after it.
        asked = len(clause) > 1 and clause[0] in self._question_auxiliaries and clause[1] in self._answer_subjects
        if not asked and any(word in self._answer_subjects for word in clause):
            return False
        rest = answer[1]
        while rest < len(words) and words[rest] in self._fillers | {","}:
            rest += 1
        if rest == len(words) or words[rest] in _SENTENCE_ENDS_SPOKEN:
            return True
        return any(tuple(words[rest:rest + len(phrase)]) == phrase for phrase in self._answer_words["after_a_bare_no"])

    def _as_statement(self, question: list[str], denied: bool) -> list[str]:
        """The question as a told statement, denied or affirmed ("do i have X" -> "i don't have X" / "i have X").
        Only the question itself is answered: in "both legs numb, is that bad? no" the no answers "is that bad"."""
        first = 0
        while first < len(question) and question[first] in self._lead_ins:
            first += 1
        for at in range(first, len(question) - 1):
            end = self._inverted_subject_end(question, at)
            if end is not None:
                aux = question[at]
                said = list(self._negated_auxiliaries[aux]) if denied else [aux]
                return question[:at] + question[at + 1:end] + said + question[end:]
        if not denied:
            return question
        # A fragment ("numbness, tingling or weakness?"): each of its pieces is denied, in place of a determiner
        # that opens it ("any feeling when you wipe? none" reads "no feeling when you wipe").
        statement = list(self._negator)
        for word in question:
            if statement[-len(self._negator):] == list(self._negator) and word in self._determiners:
                continue
            statement.append(word)
            if word == ",":
                statement.extend(self._negator)
        return statement

    def _inverted_subject_end(self, words: Sequence[str], at: int) -> int | None:
        """Where the subject ends if an auxiliary at `at` opens an inverted question ("do i", "is my bladder")."""
        if words[at] not in self._negated_auxiliaries or at + 1 >= len(words):
            return None
        subject = words[at + 1]
        if subject in self._subjects or subject in self._question_subjects:
            return at + 2
        if subject in self._owners and at + 2 < len(words) and words[at + 2] not in (_PAUSE, _SENTENCE_END):
            return at + 3
        return None

    def _uninvert(self, words: list[str], sources: list[Any]) -> tuple[list[str], list[Any]]:
        """A question's subject back before its auxiliary ("why won't my legs hold me" reads "why my legs won't hold
        me"), so a sign reads the same asked as told; phrases are written in the told order. `sources` (what each
        token was said as) moves with its token."""
        if not self._openers:
            return words, sources
        out, i = list(words), 0
        sources = list(sources)
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
                sources[i + 1:end] = sources[i + 2:end] + [sources[i + 1]]
                i = end
            else:
                i += 1
        return out, sources

    def _skipping_fillers(self, words: Sequence[str], start: int, size: int) -> tuple[tuple[str, ...], int]:
        """The `size` words from `start` that are not fillers, and the index after the last of them."""
        key: list[str] = []
        i = start
        while i < len(words) and len(key) < size:
            if words[i] not in self._fillers or i == start:
                key.append(words[i])
            i += 1
        return tuple(key), i

    def rewrite(self, words: Sequence[str], sources: list[tuple[str, ...]] | None = None) -> list[str]:
        """`sources`, when given, gets what each written token was said as (the spoken variant it came from)."""
        if not self._apostrophe_free.isdisjoint(words):
            words = [self._apostrophes.get(word, word) for word in words]
        if self._negatives and _NOT in words:
            words = self._negated(words)
        out: list[str] = []
        i = 0
        while i < len(words):
            if words[i] in self._lengths:
                for size in self._lengths[words[i]]:
                    written = self._rewrites.get(tuple(words[i:i + size])) if size <= len(words) - i else None
                    end = i + size
                    if written is None and size > 1 and not self._fillers.isdisjoint(words[i + 1:i + size]):
                        # Fillers said between a variant's words ("not really able to walk") are dropped anyway
                        # (without one among them, the words were just tried as they stand).
                        key, end = self._skipping_fillers(words, i, size)
                        written = self._rewrites.get(key)
                    if written is not None:
                        out.extend(written)
                        if sources is not None:
                            sources.extend([tuple(words[i:end])] * len(written))
                        i = end
                        break
                else:
                    out.append(words[i])
                    if sources is not None:
                        sources.append((words[i],))
                    i += 1
            elif words[i] in self._fillers:
                i += 1
            else:
                out.append(words[i])
                if sources is not None:
                    sources.append((words[i],))
                i += 1
        return out


_MOST_PAIRS = 32


class _Matcher:
    """Finds every lexicon's phrases in a token list through an index on each phrase's first one or two words.

    Two-word keys matter: about a hundred phrases start with "can't", and checking them one by one would cost
    more than everything else together.
    """

    def __init__(self, phrases: Iterable[_Phrase], floating: Iterable[str] = (), floats_in: Iterable[str] = (),
                 gap_denials: Iterable[str] = ()):
        # Words a concept phrase may have one of between any two of its words ("can't even feel", "don't know
        # anymore when"): they add emphasis or time, never the sign, and cues still see them.
        self._floating = frozenset(floating)
        self._floats_in = frozenset(floats_in)
        # Denials a concept phrase's gap never runs across ("pee ... leaks" is not "pee fine, no leaks"): the denial
        # governs what follows it. Except-phrases still may, as they only hold their lexicon back.
        self._gap_denials = frozenset(gap_denials)
        self._by_word: dict[str, list[_Entry]] = defaultdict(list)
        self._by_pair: dict[tuple[str, str], list[_Entry]] = defaultdict(list)
        self._by_stem: dict[str, list[_Entry]] = defaultdict(list)
        self._numeric: list[tuple[_Range, _Entry]] = []
        for phrase in phrases:
            first, *rest = phrase.elements
            # Keyed on two words unless the pairs would be many (two sets of alternatives: "{son|daughter|...}
            # {is|aged|...}"): the first word alone then finds it, and the rest is checked.
            if _keys(first) and rest and _keys(rest[0]) and len(_keys(first)) * len(_keys(rest[0])) <= _MOST_PAIRS:
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
                concept = entry.lexicon in self._floats_in
                floating = self._floating if concept else frozenset()
                stops = self._gap_denials if concept and not entry.shadow else frozenset()
                end = (_match(entry.rest, words, bases, start_of_rest, floating, stops) if entry.rest
                       else start_of_rest)
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
        if bases[i] != words[i]:  # "walking's gone" says the "'s" of "walking {has|'s|is} gone" inside one word
            for entry in self._by_pair.get((bases[i], _CLITIC_S), ()):
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
           floating: frozenset[str] = frozenset(), stops: frozenset[str] = frozenset()) -> int | None:
    """End index of `elements` matched from token i, shortest gaps first; None if they do not match there. One of
    the `floating` words may come before any element (the caller never passes a phrase's first); a gap never holds
    one of `stops`."""
    for k, element in enumerate(elements):
        if element is _GAP:
            for j in range(i, min(i + _GAP_WORDS, len(words)) + 1):
                if j > i and (words[j - 1] in (_SENTENCE_END, _PAUSE) or words[j - 1] in stops):
                    return None  # a gap never runs across punctuation, nor across a denial it would drop
                end = _match(elements[k + 1:], words, bases, j, floating, stops)
                if end is not None:
                    return end
            return None
        if (floating and i + 1 < len(words) and words[i] in floating
                and not _element_matches(element, words[i], bases[i])):
            i += 1
        if (0 < i and words[i - 1] != bases[i - 1] and _element_matches(element, _CLITIC_S, _CLITIC_S)
                and (i >= len(words) or not _element_matches(element, words[i], bases[i]))):
            continue  # the word before ended in the "'s" this element stands for ("my walking's gone")
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
    if isinstance(element, _Suffix):
        return len(word) > len(element.suffix) + 2 and word.endswith(element.suffix)
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

    @property
    def length(self) -> int:
        return self._length

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
        if before.leading and cue.end < target.start and utterance.broken(target.start, target.start + 1,
                                                                          before.leading):
            return False
        if utterance.free_words_between(cue, target) <= before.words:
            return not _crosses(utterance, cue.end, target.start, before)
        if not before.carries_over:
            return False
        # A clause the cue carries into is measured from its own joining word ("back in the eighties I fell off a
        # roof and couldn't feel my legs").
        passed = _passed(utterance, cue.end, target.start, before)
        joins = [span for name in before.carries_over for span in utterance.spans.get(name, ())
                 if span.start in passed and span.end <= target.start]
        return bool(joins) and (utterance.free_words_between(max(joins), target) <= before.words
                                and utterance.free_words_between(cue, min(joins)) <= before.words
                                and not _crosses(utterance, cue.end, target.start, before, passed))
    if after and target.end <= cue.start:
        return (utterance.free_words_between(target, cue) <= after.words
                and not _stopped(utterance, target.end, cue.start, after.stops_at, after))
    return False


def _stopped(utterance: _Utterance, start: int, end: int, breaks: Sequence[str], reach: _Reach,
             passed: set[int] | None = None) -> bool:
    """Whether one of `breaks` in tokens [start, end) stops the reach, leaving out the joining words that carry it
    on (_Reach.carries_over; `passed`, when the caller has them already: _passed)."""
    if not utterance.broken(start, end, breaks):
        return False
    if not reach.carries_over:
        return True
    if passed is None:
        passed = _passed(utterance, start, end, reach)
    return any(start <= span.start < end and span.start not in passed
               for name in breaks for span in utterance.spans.get(name, ()))


def _passed(utterance: _Utterance, start: int, end: int, reach: _Reach) -> set[int]:
    """Token positions in [start, end) whose breaks the reach passes (see _Reach.carries_over)."""
    def starts(names: Sequence[str], index: int) -> int | None:
        return max((span.end for name in names for span in utterance.spans.get(name, ()) if span.start == index),
                   default=None)

    passed = set()
    for name in reach.carries_over:
        for span in utterance.spans.get(name, ()):
            if not start <= span.start < end:
                continue
            clause = span.end
            repeated = starts(reach.same_subject, clause)
            if repeated is not None:
                clause = repeated
            # The joined clause runs to the next break; a present tense anywhere from the cue to its end ("and I wet
            # myself today", "used to ..., now it's all day and getting worse") says it is not the cue's time.
            clause_end = utterance.first_break(clause, utterance.length, reach.stops_at) or utterance.length
            if utterance.broken(start, clause_end, reach.present):
                continue
            if starts(reach.not_before, clause) is None:
                passed.update(range(span.start, clause))  # "and then", "and I": carried over with it
            elif reach.past_verbs:
                # Its own subject, then a plainly past verb: the subject's words pass with the joining word.
                verb = next((at for at in range(clause + 1, min(clause + 1 + reach.past_within, utterance.length))
                             if starts(reach.past_verbs, at) is not None), None)
                own_end = (utterance.first_break(verb + 1, utterance.length, reach.stops_at) or utterance.length
                           if verb is not None else clause)
                if (verb is not None and not utterance.broken(clause + 1, verb, reach.stops_at)
                        and not utterance.broken(clause, own_end, reach.present)):  # "and she's got": present
                    passed.update(range(span.start, verb))
    return passed


def _crosses(utterance: _Utterance, start: int, end: int, reach: _Reach, passed: set[int] | None = None) -> bool:
    """Whether a before-reach from a cue ending at `start` to a concept at `end` crosses one of its breaks."""
    if not reach.subject_breaks:
        return _stopped(utterance, start, end, reach.stops_at, reach, passed)
    if passed is None:  # both checks below need them: worked out once
        passed = _passed(utterance, start, end, reach) if reach.carries_over else set()
    others = tuple(name for name in reach.stops_at if name not in reach.subject_breaks)
    if _stopped(utterance, start, end, others, reach, passed):
        return True
    subjects = sorted({span.start for name in reach.subject_breaks for span in utterance.spans.get(name, ())
                       if start <= span.start < end and span.start not in passed})
    if not subjects:
        return False
    # Only the clause's first subject passes: not one after a subject the cue's clause already has ("years ago I
    # had sciatica, I now ...", where the first "I" is no break).
    already = utterance.first_break(start, subjects[0], (_SELF, _OTHERS)) is not None
    return already or utterance.words_in(start, subjects[0]) > reach.subject_within or len(subjects) > 1


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


def _later_lexicon(blocker: str) -> str:
    return f"unless_after:{blocker}"


def _reflexive_lexicon(person: str) -> str:
    return f"subject:reflexive:{person}"


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


_SELF, _OTHERS, _CHILD, _PRONOUNS = "subject:self", "subject:others", "subject:young_child", "subject:pronouns"
_ALSO_SELF = "subject:also_self"
_OWNERS = "subject:owners"  # "her back", "his legs": the body part is someone else's
_PERSONS = ("self", "others")  # whose a reflexive can say it is
_CLAUSE_ENDS = (_break_lexicon("sentence"),)  # a reflexive names the subject of its own sentence only
_CORRECTIONS = "corrections"  # lexicon of self-corrections: their words are not blockers' cues
_CUE_OPENERS = "cue_openers"  # words that lift a block as a date, but not when they open the blocker's own cue
_OPENER_BREAKS = (_break_lexicon("sentence"), _break_lexicon("pause"))
_NEGATED = "negated"  # the plain denial blocker; its cue just before another blocker's cue denies that cue
_DENIED_CUE_WORDS = 2  # "it's not (from) the cold", "I haven't (been) kneeling"
_HYPOTHETICAL = "hypothetical"  # the blocker whose unless-list lifts a supposing "if" clause too
_RULE_KEYS = {"id", "tier", "sources", "when", "question", "escalate_to", "otherwise", "others_need", "children_need",
              "note"}
_PATTERN_KEYS = {"all", "any", "none", "within"}


class Triage:
    """Compiled red-flag rules for one locale. Build with `from_rules`; `classify` is cheap and never raises."""

    def __init__(self, normaliser: _Normaliser, matcher: _Matcher, concepts: Mapping[str, frozenset[str]],
                 blockers: Sequence[_Blocker], rules: Sequence[_Rule],
                 frames: Mapping[str, frozenset[str]] | None = None, corrections: _Matcher | None = None,
                 conditionals: _Conditionals | None = None, clauses: _Clauses | None = None,
                 cue_openers_within: int = 0, cue_openers_for: frozenset[str] = frozenset()):
        self._normaliser = normaliser
        # How far before a blocker's own cue a 'cue_openers' word ("since") only opens that cue, and lifts nothing.
        self._cue_openers_within = cue_openers_within
        self._cue_openers_for = cue_openers_for  # the blockers whose cues are causes ("since" before a date lifts)
        self._clauses = clauses
        self._conditionals = conditionals
        self._matcher = matcher
        # Self-corrections matched again with the pauses left out: "my left leg, no, both legs" is "left leg no both".
        self._corrections = corrections
        self._concepts = concepts  # concept name -> blockers it ignores
        # concept name -> blockers whose cues inside its phrases still count ('cues_within'): advice such as "said to
        # call 999 if" or "told me to watch out for" frames what follows, it does not swallow the cue it ends in.
        self._frames = frames or {}
        self._blockers = tuple(blockers)
        self._rules = tuple(sorted(rules, key=lambda rule: TIERS.index(rule.finding.tier)))
        self._second_opinion: SecondOpinion | None = None
        # Concepts that only ever keep a rule from firing ("put it all back on" for weight loss): a cue holding one
        # ("but I put it all back on") is saying it, so it stays.
        used = {name for rule in rules for p in rule.patterns for name in (*p.all, *p.any)}
        self._protective = frozenset(name for rule in rules for p in rule.patterns for name in p.none) - used
        self._overlapping = frozenset(blocker.name for blocker in self._blockers if blocker.overlaps)
        denial = next((blocker for blocker in self._blockers if blocker.name == _NEGATED), None)
        self._denies_across = denial.denies_across if denial else None
        # How far after a supposing "if" clause what lifts the hypothetical blocker still lifts it (_Conditionals).
        hypothetical = next((blocker for blocker in self._blockers if blocker.name == _HYPOTHETICAL), None)
        self._supposition_lifted_within = hypothetical.unless.words if hypothetical and hypothetical.unless else 0

    @classmethod
    def from_rules(cls, rules: Mapping) -> Triage:
        """Compile a red_flags document once; raises ValueError naming the rule or lexicon that is wrong."""
        return cls(*_compile(rules))

    def classify(self, text: str | None) -> Finding | None:
        """The rules' finding, raised (never lowered) by the learned second opinion when the locale ships one."""
        return self.judge(self.read(text))

    def judge(self, reading: Reading | None) -> Finding | None:
        """The finding for what `read` saw (classify in two steps, for a caller that already holds the reading)."""
        if reading is None:
            return None
        finding = next((rule.finding for rule in self._rules if self._fires(rule, reading.live, reading.utterance)),
                       None)
        return self._second_opinion.raise_(finding, reading) if self._second_opinion else finding

    def read(self, text: str | None) -> Reading | None:
        """What the rules see in `text`: its words, the lexicons matched and the concepts no blocker reaches."""
        if not isinstance(text, str) or not text.strip():
            return None
        words, reflexives = self._normaliser.tokens_and_reflexives(text)
        if not words:
            return None
        spans = self._matcher.spans(words)
        if self._corrections is not None and _PAUSE in words:
            self._add_corrections_across_pauses(words, spans)
        for index, person in reflexives.items():
            spans.setdefault(_reflexive_lexicon(person), []).append(_Span(index, index + 1))
        if self._clauses is not None:
            self._clauses.mark(words, spans)
        matched = {name: found for name, found in spans.items() if name in self._concepts}
        utterance = _Utterance(words, spans, [span for found in matched.values() for span in found])
        live = self._live_concepts(utterance, matched, words)
        if self._conditionals is not None and live:
            live = self._outside_suppositions(words, utterance, live)
        return Reading(words, utterance, matched, live)

    def _outside_suppositions(self, words: Sequence[str], utterance: _Utterance,
                              live: dict[str, list[_Span]]) -> dict[str, list[_Span]]:
        """The live concepts less those inside a supposing "if" clause (_Conditionals), as the hypothetical blocker
        would switch them off, and lifted as it would be ("... because I did")."""
        regions = self._conditionals.regions(words)
        if not regions:
            return live
        lifting = utterance.spans.get(_unless_lexicon(_HYPOTHETICAL), ())
        # Lifted by what is said after the clause ("if I wet myself would that be bad? because I have"), not in it.
        reach = self._supposition_lifted_within
        regions = [region for region in regions
                   if not any(region.end <= lift.start and utterance.words_in(region.end, lift.start) <= reach
                              for lift in lifting)]
        kept: dict[str, list[_Span]] = {}
        for name, spans in live.items():
            if _HYPOTHETICAL in self._concepts[name]:
                kept[name] = spans
                continue
            outside = [span for span in spans
                       if not any(region.start <= span.start and span.end <= region.end for region in regions)]
            if outside:
                kept[name] = outside
        return kept

    def _add_corrections_across_pauses(self, words: Sequence[str], spans: dict[str, list[_Span]]) -> None:
        """A self-correction is said with pauses around it as often as not ("my left leg, no, both legs are numb"):
        matched on the words without the pauses, so the corrected "no" is no denial either way."""
        kept = [i for i, word in enumerate(words) if word != _PAUSE]
        found = self._corrections.spans([words[i] for i in kept]).get(_CORRECTIONS, ())
        known = set(spans.get(_CORRECTIONS, ()))
        extra = [span for span in (_Span(kept[f.start], kept[f.end - 1] + 1) for f in found) if span not in known]
        if extra:
            spans[_CORRECTIONS] = sorted(known | set(extra))

    def with_second_opinion(self, opinion: SecondOpinion | None) -> Triage:
        self._second_opinion = opinion
        return self

    def _live_concepts(self, utterance: _Utterance, matched: Mapping[str, list[_Span]],
                       words: Sequence[str] = ()) -> dict[str, list[_Span]]:
        """Concept spans that no blocker reaches."""
        # A cue inside a longer symptom phrase is part of that phrase ("can't" in "can't feel"), not a cue; nor is
        # a cue inside a correction ("my left, no, my right leg"). A frame keeps the cues it lends ('cues_within'),
        # and a phrase that only ever holds rules back keeps its cue: "no pain in my chest" is "no" + "pain in my chest".
        corrections = utterance.spans.get(_CORRECTIONS, ())
        raw_cues = {blocker.name: utterance.spans.get(_cue_lexicon(blocker.name), ()) for blocker in self._blockers}

        def blocking(shielding: Mapping[str, list[_Span]]) -> dict[tuple[str, _Span], set[str]]:
            cues = {
                name: [cue for cue in found
                       if not any(_inside(cue, span) or (_straddles(cue, span) and name not in self._overlapping)
                                  for concept, spans in shielding.items()
                                  if name not in self._frames.get(concept, ()) and concept not in self._protective
                                  for span in spans)
                       and not any(_overlap(cue, correction) for correction in corrections)]
                for name, found in raw_cues.items()
            }
            # A cue said only to be denied is no cue: "numb, and it's not from the cold", "I haven't been kneeling",
            # "it hasn't cleared up", "a hump that wasn't there last year". A blocker's cue right after a denial, with
            # only the denial blocker's 'denies_across' words between ("been", "from"), does not count; in "no
            # feeling when I go to the toilet" the word between is the symptom's, and the toilet stays.
            denials = [cue for cue in raw_cues.get(_NEGATED, ())
                       if not any(_overlap(cue, correction) for correction in corrections)]
            if denials and self._denies_across is not None:
                for blocker in self._blockers:
                    if blocker.name != _NEGATED and not blocker.negated_cue_counts and cues[blocker.name]:
                        cues[blocker.name] = [cue for cue in cues[blocker.name] if not any(
                            denial.end <= cue.start <= denial.end + _DENIED_CUE_WORDS
                            and all(word in self._denies_across for word in words[denial.end:cue.start])
                            for denial in denials)]
            # With 'own_cue_keeps', a symptom phrase that holds the blocker's own cue already says it ("no
            # feeling", "not able to walk"): other cues do not turn it back (a spoken double negative is emphasis).
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
            return blocked_by

        blocked_by = blocking(matched)
        # A concept phrase that a sense-bound blocker's cue swallows whole is that cue's words ("hasn't been" in "he
        # hasn't been trying"): it no longer shields the cues inside it, so "hasn't" still denies "trying to lose
        # weight". Read once more without it, when there is one.
        swallowed = {(name, span) for (name, span), by in blocked_by.items() if by and any(
            blocker.name in by and blocker.only and any(_inside(span, cue) for cue in raw_cues[blocker.name])
            for blocker in self._blockers)}
        if swallowed:
            again = blocking({name: [span for span in spans if (name, span) not in swallowed]
                              for name, spans in matched.items()})
            blocked_by = {key: by | blocked_by[key] if key in swallowed else by for key, by in again.items()}
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

    def _blocks(self, blocker: _Blocker, cues: Sequence[_Span], span: _Span, utterance: _Utterance,
                within_cue: bool = True) -> bool:
        # A concept phrase inside a longer cue is that cue's words ("woke up" in "it woke up again"), as a cue inside
        # a longer concept phrase is that phrase's.
        reaching = [cue for cue in cues if (within_cue and _inside(span, cue))
                    or (blocker.is_phrase and cue == span)
                    or _reaches(utterance, cue, span, blocker.before, blocker.after)
                    or (blocker.overlaps and blocker.before and cue.start < span.start < cue.end)]
        if not reaching:
            return False
        # A lifting phrase inside the cue that reaches is that cue's words, as a cue inside a concept phrase is the
        # phrase's: "they're back" lifts a recovery as a return ("numb again, they're back"), but inside "they're
        # back to normal" it is the recovery itself.
        lifting = [lift for lift in utterance.spans.get(_unless_lexicon(blocker.name), ())
                   if not any(_inside(lift, cue) for cue in reaching)]
        openers = utterance.spans.get(_CUE_OPENERS, ())
        if lifting and openers and blocker.name in self._cue_openers_for:
            # "since" dates an onset ("numb since Tuesday") but, right before the blocker's own cue, it gives the
            # reason or the start of what explains it ("since I have diabetes my feet are numb"): no lift then.
            lifting = [lift for lift in lifting if not (
                any(_overlap(lift, opener) for opener in openers)
                and any(lift.end <= cue.start and utterance.words_in(lift.end, cue.start) <= self._cue_openers_within
                        and not utterance.broken(lift.end, cue.start, _OPENER_BREAKS) for cue in reaching))]
        if any(_overlap(cue, span) or _reaches(utterance, cue, span, blocker.unless, blocker.unless)
               for cue in lifting):
            return False
        # Some lifting words only count said after the cue: "numb this morning, but it went away" is the episode that
        # went away; "it went away, but this morning it's back" is a new one.
        first_end = min(cue.end for cue in reaching)
        return not any(later.start >= first_end and _reaches(utterance, later, span, blocker.unless, blocker.unless)
                       for later in utterance.spans.get(_later_lexicon(blocker.name), ()))

    def _fires(self, rule: _Rule, found: Mapping[str, list[_Span]], utterance: _Utterance) -> bool:
        for pattern in rule.patterns:
            if not pattern.possible(found):
                continue
            for anchor in _anchors(pattern, found, utterance):
                if not rule.others_need and rule.children_need is None:
                    return True
                subject = _subject(utterance, anchor)
                if subject == _SELF:
                    return True
                if subject == _CHILD and rule.children_need is not None:
                    # What a child needs must be the child's: the speaker's own bad back does not make a toddler's
                    # accident a sign.
                    if all(any(_subject(utterance, span) != _SELF for span in found.get(name, ()))
                           for name in rule.children_need):
                        return True
                elif all(name in found for name in rule.others_need):
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


def _subject(utterance: _Utterance, anchor: _Span) -> str:
    """Whose symptom it is: _SELF, _OTHERS or _CHILD (a young child, or a pet).

    A reflexive in or just after the symptom names its subject as said ("and wet myself" after "my son", "wet
    himself"); otherwise the person mentioned nearest before it does. Someone else is a young child when the
    nearest person or child word before the symptom, not counting pronouns ("the baby ... she pooed herself"),
    is a child's (toddler, my four year old) or a child's setting (potty training, nursery). With no one named at
    all, a child's setting anywhere says whose it is ("still in night-time pull-ups at four")."""
    def nearest(lexicon: str) -> int:
        return max((span.start for span in utterance.spans.get(lexicon, ()) if span.start <= anchor.start), default=-1)

    children = utterance.spans.get(_CHILD, ())
    # A child's word inside the symptom's own words ("I have to wear pull ups") is not a person mentioned before it.
    child = max((span.start for span in children if span.end <= anchor.start), default=-1)
    said = [(span.start, person) for person in _PERSONS for span in utterance.spans.get(_reflexive_lexicon(person), ())
            if anchor.start <= span.start and utterance.words_in(anchor.end, max(span.start, anchor.end)) <= 2
            and not utterance.broken(anchor.start, span.start, _CLAUSE_ENDS)]
    # An owner just before the symptom ("when I touch her back") says whose it is, whoever spoke last.
    owned = any(span.end == anchor.start for span in utterance.spans.get(_OWNERS, ()))
    if said:
        if min(said)[1] == "self":
            return _SELF
    elif not owned and nearest(_SELF) >= max(nearest(_OTHERS), child):
        return _CHILD if nearest(_SELF) < 0 and children else _SELF
    # "... and so did I", "me too": the speaker has it as well.
    if any(span.start > anchor.start and not utterance.broken(anchor.start, span.start, _CLAUSE_ENDS)
           for span in utterance.spans.get(_ALSO_SELF, ())):
        return _SELF
    pronouns = {span.start for span in utterance.spans.get(_PRONOUNS, ())}
    person = max((span.start for span in utterance.spans.get(_OTHERS, ())
                  if span.start <= anchor.start and span.start not in pronouns), default=-1)
    return _CHILD if child >= 0 and child >= person else _OTHERS


# ---------------------------------------------------------------------------------------------------------
# Compiling red_flags.json. Errors name the rule or lexicon so a clinical reviewer can find the typo.


def _compile(document: Mapping[str, Any]) -> tuple[_Normaliser, _Matcher, dict[str, frozenset[str]],
                                                   list[_Blocker], list[_Rule], dict[str, frozenset[str]], _Matcher,
                                                   _Conditionals | None, _Clauses | None, int, frozenset[str]]:
    normaliser = _Normaliser(document.get("spoken_variants", {}), document.get("fillers", ()),
                             document.get("question_inversion"), document.get("question_answers"),
                             document["subjects"].get("reflexive"), document.get("lost_ability"),
                             document.get("reported_questions"), document.get("denial_corrections"),
                             document.get("negative_contractions"), document.get("ellipsis"),
                             document.get("negative_inversion"), document.get("pseudo_clefts"),
                             document.get("stranded_modals"))
    lexicons: dict[str, Any] = {}
    for name, entry in document.get("breaks", {}).items():
        lexicons[_break_lexicon(name)] = entry
    for name, blocker in document.get("blockers", {}).items():
        lexicons[_cue_lexicon(name)] = blocker
        if "unless" in blocker:
            lexicons[_unless_lexicon(name)] = blocker["unless"]
            if "after_cue" in blocker["unless"]:
                lexicons[_later_lexicon(name)] = blocker["unless"]["after_cue"]
    lexicons[_CORRECTIONS] = document.get("corrections", [])
    lexicons[_CUE_OPENERS] = document.get("cue_openers", {}).get("phrases", [])
    lexicons[_SELF] = document["subjects"]["self"]
    lexicons[_OTHERS] = document["subjects"]["others"]
    lexicons[_CHILD] = document["subjects"].get("young_children", [])
    lexicons[_PRONOUNS] = document["subjects"].get("pronouns", [])
    lexicons[_ALSO_SELF] = document["subjects"].get("also_self", [])
    lexicons[_OWNERS] = document["subjects"].get("owners", [])
    concept_entries = document["concepts"]
    lexicons.update(concept_entries)

    families = _families(document.get("word_families", ()), normaliser)
    # Spoken variants make some phrases one ("unable to stand" is "can't stand"): index each once.
    floating = [word for text in document.get("floating_words", ()) for word in normaliser.tokens(text)]
    gap_denials = [word for text in document.get("gap_denials", {}).get("words", ())
                   for word in normaliser.tokens(text)]
    phrases = list(dict.fromkeys(phrase for name, entry in lexicons.items()
                                 for phrase in _lexicon_phrases(name, entry, concept_entries, normaliser,
                                                                frozenset(floating),
                                                                families if name in concept_entries else {})))
    _check_no_collapsed_cues(lexicons, concept_entries, normaliser)
    blocker_names = set(document.get("blockers", {}))
    concepts = {name: _ignored_blockers(name, entry, blocker_names) for name, entry in concept_entries.items()}
    break_names = set(document.get("breaks", {}))
    leading_breaks = frozenset(name for name, entry in document.get("breaks", {}).items()
                               if isinstance(entry, dict) and entry.get("counts_at_phrase_start"))
    clauses = _clauses(document.get("breaks", {}), break_names)
    unreported = frozenset(clauses.subjects) if clauses else frozenset()  # a clause break is never a reported one
    blockers = [_blocker(name, entry, break_names, leading_breaks, unreported)
                for name, entry in document.get("blockers", {}).items()]
    if unknown := sorted(set(document.get("cue_openers", {}).get("blockers", ())) - set(document.get("blockers", {}))):
        raise ValueError(f"cue_openers: unknown blockers {unknown}")
    for blocker in blockers:
        if unknown := sorted(blocker.only - set(concept_entries)):
            raise ValueError(f"blocker {blocker.name!r}: 'only' names unknown concepts {unknown}")
    rules = [_rule(entry, concepts) for entry in document["rules"]]
    _check_unique_ids(rules)
    frames = {name: frozenset(entry["cues_within"]) for name, entry in concept_entries.items()
              if isinstance(entry, dict) and entry.get("cues_within")}
    for name, lent in frames.items():
        if lent - blocker_names:
            raise ValueError(f"concept {name!r}: 'cues_within' names unknown blockers {sorted(lent - blocker_names)}")
    corrections = _Matcher([phrase for phrase in phrases if phrase.lexicon == _CORRECTIONS])
    return (normaliser, _Matcher(phrases, floating, concept_entries, gap_denials), concepts, blockers, rules, frames,
            corrections, _conditionals(document.get("conditionals"), normaliser), clauses,
            int(document.get("cue_openers", {}).get("within", 0)),
            frozenset(document.get("cue_openers", {}).get("blockers", ())))


def _clauses(breaks: Mapping[str, Any], break_names: set[str]) -> _Clauses | None:
    """The break computed from a 'clause' spec (_Clauses); at most one."""
    specs = [(name, entry["clause"]) for name, entry in breaks.items() if isinstance(entry, dict) and "clause" in entry]
    if not specs:
        return None
    if len(specs) > 1:
        raise ValueError(f"breaks: only one may have a 'clause' spec, not {[name for name, _ in specs]}")
    name, spec = specs[0]
    named = [*spec.get("subjects", ()), spec.get("verbs"), spec.get("reported"), spec.get("joins"),
             *spec.get("present", ())]
    if None in named or set(named) - break_names:
        raise ValueError(f"break {name!r}: 'clause' needs 'subjects', 'verbs', 'reported' and 'joins' among the breaks")
    return _Clauses(_break_lexicon(name), tuple(map(_break_lexicon, spec["subjects"])), _break_lexicon(spec["verbs"]),
                    _break_lexicon(spec["reported"]), _break_lexicon(spec["joins"]), int(spec.get("within", 3)),
                    frozenset(spec.get("skips", ())), frozenset(spec.get("auxiliaries", ())),
                    frozenset(spec.get("determiners", ())),
                    tuple(map(_break_lexicon, spec["present"])) if spec.get("present") else None)


def _conditionals(entry: Mapping[str, Any] | None, normaliser: _Normaliser) -> _Conditionals | None:
    if not entry:
        return None

    def sequences(key: str) -> tuple[tuple[str, ...], ...]:
        return tuple(sorted({tuple(normaliser.rewrite(_raw_tokens(text))) for phrase in entry.get(key, ())
                             for text in expand_alternatives(phrase)}, key=len, reverse=True))

    def words(key: str) -> frozenset[str]:
        return frozenset(word for text in entry.get(key, ()) for word in normaliser.rewrite(_raw_tokens(text)))

    openers = sequences("openers")
    return _Conditionals(openers, frozenset(entry.get("not_after", ())), sequences("speech_acts"),
                         sequences("consequents"), sequences("supposing"), sequences("clause_ends"),
                         frozenset(entry.get("joins", ())), int(entry.get("within", 14)),
                         frozenset(opener[0] for opener in openers), questions=sequences("questions"),
                         subjects=words("question_subjects"), owners=words("question_owners"),
                         objects_after=words("question_objects_after"), not_clause_ends=sequences("not_clause_ends"),
                         leading_questions=sequences("leading_questions"), present_words=words("present_words"),
                         coordinators=words("question_coordinators"), supposing_past=words("supposing_past"))


def _check_no_collapsed_cues(lexicons: Mapping[str, Any], concepts: Mapping[str, Any], normaliser: _Normaliser) -> None:
    """A cue phrase that fillers shrink to one word ("completely gone" to "gone", "no actually" to "no") would cue on
    that word everywhere: "both legs have gone weak" would read as resolved. Refuse it, naming the phrase."""
    collapsed = []
    for name, entry in lexicons.items():
        if name in concepts:
            continue
        phrases, shadows = _lexicon_texts(entry, concepts, (name,))
        for text in phrases:
            for form in _forms(text, normaliser):
                # A set of alternatives is one word the normaliser keeps: any of them stands for it.
                spelled = [token for piece in form for token in
                           ((min(piece),) if isinstance(piece, frozenset) else
                            [token for word in piece.split() for token in _raw_tokens(word)])]
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
                     floating: frozenset[str], families: Mapping[str, frozenset[str]] | None = None
                     ) -> Iterator[_Phrase]:
    """A lexicon's phrases; in a concept's phrases, a word of a family stands for the whole family."""
    phrases, shadows = _lexicon_texts(entry, concepts, (name,))
    for texts, shadow in ((phrases, False), (shadows, True)):
        for form in (form for text in texts for form in _forms(text, normaliser, floating)):
            elements = _elements(form, normaliser, name)
            if families and len(elements) > 1:  # a lone word keeps its sense ("her" is someone else)
                elements = tuple(_with_families(element, families) for element in elements)
            yield _Phrase(name, elements, shadow=shadow)
            if (families and len(elements) > 1 and elements[0] == _NOT and elements[1] is not _GAP
                    and normaliser.negated_auxiliaries):
                # "not shifting" was written for "it's not shifting", which now reads "it isn't shifting" (not "not
                # ... any feeling": "hasn't lost any feeling" is no loss)
                yield _Phrase(name, (_Family(normaliser.negated_auxiliaries), *elements[1:]), shadow=shadow)


def _with_families(element: Element, families: Mapping[str, frozenset[str]]) -> Element:
    """A word of a family stands for the whole family; so does each of a set of alternatives."""
    if isinstance(element, str):
        return _Family(families[element]) if element in families else element
    if isinstance(element, _Family):
        return _Family(frozenset().union(*(families.get(word, (word,)) for word in element.words)))
    return element


def _lexicon_texts(entry: Any, concepts: Mapping[str, Any], seen: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """A lexicon's phrases and except-phrases as written (alternatives unexpanded: see _forms); "@concept" brings in
    that concept's phrases and its exceptions."""
    listed, excepted = (entry, []) if isinstance(entry, list) else (entry.get("phrases", []), entry.get("except", []))
    shadows = list(excepted)
    phrases: list[str] = []
    for text in listed:
        if not text.startswith("@"):
            phrases.append(text)
            continue
        referenced = text[1:]
        if referenced not in concepts or referenced in seen:
            raise ValueError(f"{seen[0]!r}: unknown or circular concept reference {text!r}")
        more_phrases, more_shadows = _lexicon_texts(concepts[referenced], concepts, seen + (referenced,))
        phrases += more_phrases
        shadows += more_shadows
    return phrases, shadows


def _elements(form: Form, normaliser: _Normaliser, lexicon: str) -> tuple[Element, ...]:
    """Phrase syntax: plain words, "stem*", "*ending" (not first), "#low-high" numbers and "..." gaps of up to
    _GAP_WORDS words; a set of one-word alternatives (_forms) matches any of them."""
    elements: list[Element] = []
    plain: list[str] = []

    def flush() -> None:
        elements.extend(normaliser.rewrite([token for word in plain for token in _raw_tokens(word)]))
        plain.clear()

    text = " ".join(piece for piece in form if isinstance(piece, str))  # for the error message below
    for piece in (part for chunk in form for part in ((chunk,) if isinstance(chunk, frozenset) else chunk.split())):
        if isinstance(piece, frozenset):
            flush()
            elements.append(_Family(piece) if len(piece) > 1 else next(iter(piece)))
            continue
        number = _NUMBER_RANGE.match(piece)
        ending = piece.startswith("*") and len(piece) > 1 and piece[1:].isalpha()
        if piece == _GAP_TEXT or number or ending or (piece.endswith("*") and len(piece) > 1):
            flush()
            if piece == _GAP_TEXT:
                elements.append(_GAP)
            elif ending:
                elements.append(_Suffix(fold(piece[1:])))
            elif number:
                elements.append(_Range(float(number.group(1)), float(number.group(2))))
            else:
                elements.append(_Stem(fold(piece[:-1])))
        else:
            plain.append(piece)
    flush()
    if not elements or elements[0] is _GAP or elements[-1] is _GAP or isinstance(elements[0], _Suffix):
        raise ValueError(f"phrase {text!r} in {lexicon!r} is empty, starts or ends with {_GAP_TEXT!r} or starts "
                         f"with an ending")
    return tuple(elements)


def _ignored_blockers(name: str, entry: Any, blocker_names: set[str]) -> frozenset[str]:
    ignored = frozenset(entry.get("unaffected_by", ())) if isinstance(entry, dict) else frozenset()
    if ignored - blocker_names:
        raise ValueError(f"concept {name!r}: unknown blockers {sorted(ignored - blocker_names)}")
    return ignored


def _blocker(name: str, entry: Mapping[str, Any], break_names: set[str],
             leading_breaks: frozenset[str] = frozenset(), unreported: frozenset[str] = frozenset()) -> _Blocker:
    def reach(key: str) -> _Reach | None:
        if key not in entry:
            return None
        stops = tuple(entry[key].get("stops_at", ()))
        if set(stops) - break_names:
            raise ValueError(f"blocker {name!r}: unknown breaks {sorted(set(stops) - break_names)}")
        # 'reported_clause_passes': a subject whose clause is what is said or thought is no stop (_Clauses).
        passes = bool(entry[key].get("reported_clause_passes"))
        if passes and not unreported:
            raise ValueError(f"blocker {name!r}: 'reported_clause_passes' needs a break with a 'clause' spec")

        def stop_lexicon(stop: str) -> str:
            lexicon = _break_lexicon(stop)
            return _unreported(lexicon) if passes and lexicon in unreported else lexicon

        clause = entry[key].get("clause_subject", {})
        subject_breaks = tuple(clause.get("breaks", ()))
        if set(subject_breaks) - set(stops):
            raise ValueError(f"blocker {name!r}: clause_subject breaks must be among its stops_at")
        carries = entry[key].get("carries_over", {})
        passing = (*carries.get("breaks", ()), *carries.get("not_before", ()), *carries.get("same_subject", ()),
                   *carries.get("present", ()), *carries.get("past_verbs", ()))
        if set(passing) - break_names:
            raise ValueError(f"blocker {name!r}: unknown breaks {sorted(set(passing) - break_names)}")
        return _Reach(int(entry[key]["words"]), tuple(map(stop_lexicon, stops)),
                      int(clause.get("within", 0)), tuple(map(stop_lexicon, subject_breaks)),
                      tuple(map(_break_lexicon, carries.get("breaks", ()))),
                      tuple(map(_break_lexicon, carries.get("not_before", ()))),
                      tuple(map(_break_lexicon, carries.get("same_subject", ()))),
                      tuple(map(_break_lexicon, carries.get("present", ()))),
                      tuple(stop_lexicon(stop) for stop in stops if stop in leading_breaks),
                      tuple(map(_break_lexicon, carries.get("past_verbs", ()))), int(carries.get("past_within", 0)))

    return _Blocker(name, reach("before"), reach("after"), reach("unless"), bool(entry.get("own_cue_keeps", False)),
                    frozenset(entry.get("only", ())), bool(entry.get("cue_overlaps", False)),
                    bool(entry.get("negated_cue_counts", False)),
                    frozenset(entry["denies_across"]) if "denies_across" in entry else None,
                    bool(entry.get("cue_is_phrase", False)))


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
    children_need = tuple(entry["children_need"]) if "children_need" in entry else None
    referenced = ({name for p in patterns for name in (*p.all, *p.any, *p.none)} | set(others_need)
                  | set(children_need or ()))
    if referenced - set(concepts):
        problems.append(f"unknown concepts {sorted(referenced - set(concepts))}")
    if problems:
        raise ValueError(f"red-flag rule {rule_id!r}: " + "; ".join(problems))
    finding = Finding(tier, rule_id, entry.get("question"), entry.get("escalate_to"), entry.get("otherwise"))
    return _Rule(finding, patterns, others_need, children_need)


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
    """The locale's rules (compiled ahead of time where the package ships them), with the learned second opinion
    trained on the development bank when one is shipped."""
    from skill.core.safety import compiled
    from skill.core.safety.learned import second_opinion_for
    document = load_document(locale, "red_flags")
    engine = compiled.load(document) or Triage.from_rules(document)
    return engine.with_second_opinion(second_opinion_for(locale))


def rules_alone(locale: str) -> Triage:
    """The locale's rules without the second opinion: to tune and measure them (a fresh, uncached engine)."""
    return Triage.from_rules(load_document(locale, "red_flags"))
