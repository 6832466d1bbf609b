"""pocketsphinx with the skill's own language model: 16 kHz mono speech in, what it most likely says out.

The model (skill/local/listen/model/, built by skill.local.listen.build) holds only what the skill understands, so the
decoder writes sentences the resolver knows. Its N-best list is kept: an unclear sentence with a warning sign among its
readings is answered as one (skill.local.listen.lines).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pocketsphinx import Decoder, get_model_path

from skill.local.listen.build import LANGUAGE, model_files

SAMPLE_RATE = 16000
# How much the language model counts against the sounds (pocketsphinx's default is 6.5). The skill's model is small
# and its sentences are what people say to it, so trusting it more than a general model pays: chosen on
# bench/listen.py.
LANGUAGE_WEIGHT = 8.0
ALTERNATIVES = 10  # N-best hypotheses kept


def shipped_dictionary() -> Path:
    return Path(get_model_path("en-us/cmudict-en-us.dict"))


def acoustic_model() -> Path:
    return Path(get_model_path("en-us/en-us"))


@dataclass(frozen=True)
class Recognition:
    text: str  # "" when nothing was recognised
    alternatives: tuple[str, ...]  # the N-best, best first, each once


class Recogniser:
    """One decoder, used by one thread at a time."""

    def __init__(self, language: str = LANGUAGE, language_weight: float = LANGUAGE_WEIGHT):
        files = model_files(language)
        self.decoder = Decoder(hmm=str(acoustic_model()), lm=str(files["arpa"]), dict=str(files["dict"]),
                               lw=language_weight, loglevel="FATAL")

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
        return Recognition(text, tuple(alternatives))
