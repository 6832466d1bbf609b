"""Keyword spotting for barge-in: "stop", "pause", "that hurts", "help" heard while the skill's own voice plays.

While the skill speaks, the microphone hears it too, so the endpointer cannot tell where the user's words end and the
whole-sentence decoder would transcribe the skill. pocketsphinx's keyphrase search instead watches the stream for
these phrases alone and answers within a few frames of one ending. Its thresholds are strict, or the skill's own
"start" and "step" would stop it, and a phrase is not taken when the sentence being played has a word that sounds
like it (`sounds_like`: "Stopping here" is not the user saying "stop"). In silence (a hold, a rest) the decoder hears
the whole utterance instead: spotting there too stopped holds on ordinary requests ("start my neck stretches" heard
as "stop"; bench/listen.py counts both).
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path
from typing import Mapping

from pocketsphinx import Decoder

from skill.local.listen.build import LANGUAGE, model_files
from skill.local.listen.pronounce import cmu_dictionary
from skill.local.listen.recognise import acoustic_model, shipped_dictionary
from skill.local.listen.vocabulary import BARGE_IN, recogniser_words

# log10 of each phrase's detection threshold: the lower, the readier to hear it (and to hear it wrongly).
THRESHOLDS = {"stop": -5.0, "pause": -5.0, "that hurts": -10.0, "help": -5.0}
SOUNDS_LIKE_PHONES = 1  # a word whose start is this many phones (or fewer) from a keyword's sounds like it
assert set(THRESHOLDS) == set(BARGE_IN)


class KeywordSpotter:
    """Feed it audio as it comes; `feed` returns a phrase the moment one is heard. One thread at a time."""

    def __init__(self, thresholds: Mapping[str, float] = THRESHOLDS, language: str = LANGUAGE):
        with tempfile.TemporaryDirectory() as folder:
            phrases = Path(folder) / "keyphrases.txt"
            phrases.write_text("".join(f"{phrase} /1e{threshold:g}/\n" for phrase, threshold in thresholds.items()),
                               encoding="utf-8")
            self.decoder = Decoder(hmm=str(acoustic_model()), kws=str(phrases), dict=str(model_files(language)["dict"]),
                                   loglevel="FATAL")
        self._running = False
        self._pronunciations = _pronunciations()  # every word the skill may say, not only those it listens for

    def feed(self, pcm: bytes) -> str | None:
        """The phrase heard in the stream so far, if this chunk completed one (the search then starts afresh)."""
        if not self._running:
            self.decoder.start_utt()
            self._running = True
        self.decoder.process_raw(pcm, False, False)
        found = self.decoder.hyp()
        if found is None or not found.hypstr.strip():
            return None
        self.reset()
        return found.hypstr.split("  ")[0].strip()  # several at once come double-spaced; the first is enough

    def reset(self) -> None:
        """Forget what was heard so far (the skill went quiet, or a phrase was just found)."""
        if self._running:
            self.decoder.end_utt()
            self._running = False

    def sounds_like(self, phrase: str, sentence: str) -> bool:
        """Whether every word of `phrase` sounds like the start of some word of `sentence`, a phone or less apart
        (then the skill saying `sentence` may be what the spotter heard: "start", "step", "stopping" for "stop")."""
        said = [self._phones(word) for word in recogniser_words(sentence)]
        heard = [self._phones(word) for word in phrase.split()]
        return all(any(_distance(phones, other[:len(phones)]) <= SOUNDS_LIKE_PHONES
                       for other in said if len(other) >= len(phones) - 1)
                   for phones in heard)

    def _phones(self, word: str) -> tuple[str, ...]:
        return self._pronunciations.get(word, ())


@functools.cache
def _pronunciations() -> dict[str, tuple[str, ...]]:
    """The first pronunciation of every word of the shipped dictionary."""
    return {word: tuple(phones[0].split()) for word, phones in cmu_dictionary(shipped_dictionary()).items()}


def _distance(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """Edit distance between two phone sequences."""
    row = list(range(len(b) + 1))
    for i, first in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, second in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (first != second))
    return row[-1]
