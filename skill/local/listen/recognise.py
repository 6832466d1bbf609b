"""pocketsphinx with the skill's own language model: 16 kHz mono speech in, what it most likely says out.

The model (skill/local/listen/model/, built by skill.local.listen.build) holds only what the skill understands, so the
decoder writes sentences the resolver knows. Its N-best list is kept: an unclear sentence with a warning sign among its
readings is answered as one (skill.local.listen.lines).

The language model still lets the decoder string the skill's words into salad ("fall is" for "pause", "do old" for
"help"), mostly on short words. So an utterance can be decoded a second time, on asking, against the grammar of the
skill's whole requests (skill.local.listen.grammar): the nearest request, taken only when it fits the audio nearly as
well as the best string of phones does (`Recognition.closest`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pocketsphinx import Decoder, get_model_path

from skill.local.listen.build import LANGUAGE, model_files
from skill.local.listen.grammar import transitions

SAMPLE_RATE = 16000
# How much the language model counts against the sounds (pocketsphinx's default is 6.5). The skill's model is small
# and its sentences are what people say to it, so trusting it more than a general model pays: chosen on
# bench/listen.py.
LANGUAGE_WEIGHT = 8.0
ALTERNATIVES = 10  # N-best hypotheses kept
# How much worse, per 10 ms frame, the grammar's best request may score than the best string of phones (log base
# 1.0001) and still be taken. Any audio has a nearest request; how far it is from the phones that fit the audio best
# tells one said and misheard from speech the skill does not know ("call my daughter" forced into "it's all right,
# sore a bit"). Measured against the free decode instead, speech outside the skill scored as near as requests did:
# the language model fits it as badly as the grammar does. Chosen on espeak-ng renderings (bench/listen.py's
# voices, and sentences outside the skill): most misheard requests within 17, most other speech beyond 19.
CLOSEST_GAP = 18.0
# A short utterance (at most SHORT_SECONDS of audio, the listener's lead-in and quiet end included: a word or two) is
# also decoded against the grammar of the skill's short requests alone ("next", "stop it", "that hurts": at most
# SHORT_REQUEST_WORDS words, no slots). The whole grammar's search often ends short of any request on a word this
# short, and its many longer requests offer near fits ("do it" for "next"); among the short ones alone the request
# said is usually nearest. Taken when within SHORT_GAP a frame of the best string of phones: a tighter bound than
# CLOSEST_GAP, as some short request is near any short sound. Chosen on bench/listen.py's voices (see
# skill.local.listen.lines for when it is asked).
SHORT_SECONDS = 1.6
SHORT_REQUEST_WORDS = 2
SHORT_GAP = 7.0


def shipped_dictionary() -> Path:
    return Path(get_model_path("en-us/cmudict-en-us.dict"))


def acoustic_model() -> Path:
    return Path(get_model_path("en-us/en-us"))


@dataclass(frozen=True)
class Recognition:
    text: str  # "" when nothing was recognised
    alternatives: tuple[str, ...]  # the N-best, best first, each once
    # The whole request of the skill's grammar nearest the audio, when it fits the audio nearly as well as the
    # best string of phones does (None when none does); decoded only when called, and once.
    closest: Callable[[], str | None] = field(default=lambda: None, compare=False, repr=False)
    # Likewise the nearest of the skill's short requests, for a short utterance only (SHORT_SECONDS).
    short: Callable[[], str | None] = field(default=lambda: None, compare=False, repr=False)
    # How well the audio fits a sentence on its sounds alone, a frame (Recogniser._fit; None: it cannot tell).
    # skill.local.listen.lines weighs a harmless reading against a warning sign among the others with it.
    fit: Callable[[str], float | None] = field(default=lambda sentence: None, compare=False, repr=False)


class Recogniser:
    """One decoder, used by one thread at a time."""

    def __init__(self, language: str = LANGUAGE, language_weight: float = LANGUAGE_WEIGHT):
        files = model_files(language)
        self.decoder = Decoder(hmm=str(acoustic_model()), lm=str(files["arpa"]), dict=str(files["dict"]),
                               lw=language_weight, loglevel="FATAL")
        # The second look has its own decoder: scores from two searches compare only when every senone is scored in
        # every frame (compallsen), which would change what the first decode hears if it shared it.
        self.rescorer = Decoder(hmm=str(acoustic_model()), lm=str(files["arpa"]), dict=str(files["dict"]),
                                lw=language_weight, loglevel="FATAL", compallsen=True)
        grammar = transitions(lambda word: self.rescorer.lookup_word(word) is not None)
        self.requests = self.rescorer.create_fsg("requests", 0, 1, grammar)
        self.rescorer.add_fsg("requests", self.requests)
        self.short_requests = self.rescorer.create_fsg(
            "short", 0, 1, transitions(lambda word: self.rescorer.lookup_word(word) is not None, SHORT_REQUEST_WORDS))
        self.rescorer.add_fsg("short", self.short_requests)
        self.rescorer.add_allphone_file("phones")  # every phone as likely after any other: the sounds alone
        self.last_gap: float | None = None  # of the last second look, for bench/listen.py

    def recognise(self, pcm: bytes) -> Recognition:
        """Words in one utterance of 16-bit 16 kHz mono audio, decoded as a whole (its own cepstral mean and noise
        estimate)."""
        # The acoustic model's noise removal keeps its estimate of the noise from one utterance to the next, so the
        # same audio was heard differently the second time ("give me a tip", then "really i didn't"). Each utterance
        # starts afresh, its estimate from its own lead-in (the listener's pre-roll): what is heard depends on what
        # was said, not on what was said before. Turning the noise removal off instead cost 16 of 176 commands
        # (bench/listen.py's voices at 140 wpm), most of them in noise.
        self.decoder.reinit_feat()
        self.decoder.start_utt()
        self.decoder.process_raw(pcm, full_utt=True)
        self.decoder.end_utt()
        best = self.decoder.hyp()
        text = best.hypstr.strip() if best else ""
        alternatives: list[str] = [text] if text else []
        for hypothesis in self.decoder.nbest():
            if hypothesis is None or len(alternatives) >= ALTERNATIVES:
                break  # the lattice's paths are exhausted
            words = hypothesis.hypstr.strip()
            if words and words not in alternatives:
                alternatives.append(words)
        if not text:
            return Recognition(text, tuple(alternatives))
        looked: dict[str, str | None] = {}
        phones: list = []  # the best string of phones, decoded once for both looks

        def look(search: str, grammar, gap: float) -> Callable[[], str | None]:
            def nearest() -> str | None:
                if search not in looked:
                    if not phones:
                        phones.append(self._decode(pcm, "phones"))
                    looked[search] = self._closest(pcm, phones[0], search, grammar, gap)
                return looked[search]
            return nearest
        short = len(pcm) <= SHORT_SECONDS * SAMPLE_RATE * 2
        return Recognition(text, tuple(alternatives), look("requests", self.requests, CLOSEST_GAP),
                           look("short", self.short_requests, SHORT_GAP) if short else lambda: None,
                           lambda sentence: self._fit(pcm, sentence))

    def _fit(self, pcm: bytes, sentence: str) -> float | None:
        """How well the audio fits `sentence` on its sounds alone: its score a frame (log base 1.0001, higher is
        better) decoded against a grammar of that sentence only; None when a word is not in the dictionary or the
        search ends short of the whole sentence (the sounds too unlike it to follow). Under a tenth of a second on a
        word or three."""
        words = sentence.split()
        if not words or any(self.rescorer.lookup_word(word) is None for word in words):
            return None
        # States 0, 2, 3, ... then 1: one path through the words.
        arcs = [(0 if index == 0 else index + 1, 1 if index == len(words) - 1 else index + 2, 1.0, word)
                for index, word in enumerate(words)]
        self.rescorer.add_fsg("one", self.rescorer.create_fsg("one", 0, 1, arcs))
        hypothesis, frames = self._decode(pcm, "one")
        if hypothesis is None or hypothesis.hypstr.strip() != " ".join(words) or hypothesis.score <= 0.0:
            return None
        return _log(hypothesis.score) / max(frames, 1)

    def _closest(self, pcm: bytes, phones_decoded, search: str, grammar, most_gap: float) -> str | None:
        """The grammar's request nearest the audio, if it scores at most `most_gap` a frame below the phones."""
        phones, frames = phones_decoded
        request, _ = self._decode(pcm, search)
        if phones is None or request is None or not grammar.accept(request.hypstr.strip()):
            return None  # the search ended short of a whole request, and gives the words it got to ("start the")
        if phones.score <= 0.0 or request.score <= 0.0:
            return None  # too small a number to tell them apart (hours of audio): no second look
        self.last_gap = (_log(phones.score) - _log(request.score)) / max(frames, 1)
        return request.hypstr.strip() if self.last_gap <= most_gap else None

    def _decode(self, pcm: bytes, search: str | None):
        self.rescorer.activate_search(search)
        self.rescorer.reinit_feat()
        self.rescorer.start_utt()
        self.rescorer.process_raw(pcm, full_utt=True)
        self.rescorer.end_utt()
        return self.rescorer.hyp(), self.rescorer.n_frames()


def _log(probability: float) -> float:
    """pocketsphinx's score back in its own units (log base 1.0001): the bindings give it as 1.0001 ** score."""
    return math.log(probability) / math.log(1.0001)
