"""Pronunciations of the words the recogniser listens for, in the phones of pocketsphinx's US English model.

Most words are in the CMU dictionary the pocketsphinx wheel ships; the rest (herniated, cauda, equina, tumour,
nappies...) are spelled out by espeak-ng, which the offline voice already needs, as IPA mapped to those phones.
Every word also gets espeak-ng's British reading as a further variant where it differs: the skill is published in
en-GB, en-AU and en-IN, where "start", "over" and "timer" have no R, and the CMU dictionary is American only
(bench/listen.py: British voices were heard right far less often without it).
Run only when the model is rebuilt (skill.local.listen.build), never at run time: the dictionary is a data file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Iterable

# espeak-ng's IPA for US English (with --sep=_) -> CMU phones. Stress marks are dropped, as the shipped model's
# dictionary has none; a flap is a T, a syllabic consonant a schwa before it.
IPA_TO_CMU = {
    "ɑː": "AA", "ɑ": "AA", "ɒ": "AA", "æ": "AE", "a": "AE", "ʌ": "AH", "ə": "AH", "ɐ": "AH", "ɚ": "ER", "ɜː": "ER",
    "ɜ": "ER", "ɝ": "ER", "ɔː": "AO", "ɔ": "AO", "aɪ": "AY", "aʊ": "AW", "eɪ": "EY", "ɛ": "EH", "e": "EH", "ɪ": "IH",
    "ᵻ": "IH", "i": "IY", "iː": "IY", "oʊ": "OW", "o": "OW", "oː": "OW", "əʊ": "OW", "ɔɪ": "OY", "ʊ": "UH", "uː": "UW",
    "u": "UW", "iə": "IY AH", "eə": "EH R", "ʊə": "UH R", "ɪə": "IH R", "ɑːɹ": "AA R", "ɔːɹ": "AO R", "oːɹ": "AO R",
    "ɛɹ": "EH R", "ɪɹ": "IH R", "ʊɹ": "UH R", "aɪɚ": "AY ER", "aɪə": "AY ER", "əl": "AH L", "n̩": "AH N",
    "l̩": "AH L", "p": "P", "b": "B", "t": "T", "d": "D", "k": "K", "g": "G", "ɡ": "G", "f": "F", "v": "V",
    "θ": "TH", "ð": "DH", "s": "S", "z": "Z", "ʃ": "SH", "ʒ": "ZH", "h": "HH", "m": "M", "n": "N", "ŋ": "NG",
    "l": "L", "ɫ": "L", "ɹ": "R", "r": "R", "j": "Y", "w": "W", "tʃ": "CH", "dʒ": "JH", "ɾ": "T", "ʔ": "T", "x": "K",
}
_STRESS = str.maketrans("", "", "ˈˌ")
_VARIANT = re.compile(r"\(\d+\)$")


class PronunciationError(RuntimeError):
    """A word the dictionary lacks could not be spelled out (no espeak-ng, or a sound with no CMU phone)."""


def cmu_dictionary(path: Path) -> dict[str, list[str]]:
    """word -> its pronunciations, as the shipped dictionary lists them."""
    entries: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, _, phones = line.partition(" ")
        if phones:
            entries.setdefault(_VARIANT.sub("", word), []).append(phones.split("#")[0].strip())
    return entries


# espeak-ng voices whose readings are a word's pronunciations beside the CMU dictionary's: US for words it lacks,
# British for every word (non-rhotic English).
US, BRITISH = "en-us", "en-gb"


# espeak-ng reads each line shorter than this as a clause of its own (-l): one word per line is then read as it
# would be alone, so one call spells out every word (one call per word took most of `make listen-model`'s time).
_CLAUSE_LINE = 1000


def spelled_out(word: str, voice: str = US) -> str:
    """CMU phones for `word` from espeak-ng's pronunciation in `voice`."""
    return spelled_out_all([word], voice)[word]


def spelled_out_all(words: Iterable[str], voice: str = US) -> dict[str, str]:
    """CMU phones for each of `words` from espeak-ng's pronunciation in `voice`, in one call."""
    words = sorted(set(words))
    if not words:
        return {}
    if shutil.which("espeak-ng") is None:
        raise PronunciationError(f"{words[0]!r}: espeak-ng is not installed to spell it out")
    said = [word.replace("'", "") for word in words]
    if any(len(text) >= _CLAUSE_LINE or not text.strip() for text in said):
        raise PronunciationError(f"espeak-ng cannot read {words!r} one line each")
    ipa = subprocess.run(["espeak-ng", "-q", "-v", voice, "--ipa", "--sep=_", "-l", str(_CLAUSE_LINE), "--stdin"],
                         input="\n".join(said) + "\n", capture_output=True, text=True, check=True).stdout
    lines = ipa.splitlines()
    if len(lines) != len(words):
        raise PronunciationError(f"espeak-ng gave {len(lines)} lines for {len(words)} words in {voice}")
    return {word: _cmu_phones(word, line) for word, line in zip(words, lines)}


def _cmu_phones(word: str, ipa: str) -> str:
    phones = []
    for sound in re.split(r"[_\s]+", ipa.translate(_STRESS).strip()):
        if not sound:
            continue
        if sound not in IPA_TO_CMU:
            raise PronunciationError(f"{word!r}: espeak-ng's sound {sound!r} has no CMU phone (IPA_TO_CMU)")
        phones += IPA_TO_CMU[sound].split()
    if not phones:
        raise PronunciationError(f"espeak-ng gave no sounds for {word!r}")
    return " ".join(phones)


def dictionary_lines(words: Iterable[str], cmu: dict[str, list[str]]) -> list[str]:
    """pocketsphinx dictionary lines for `words`: "word PHONES", "word(2) PHONES" for each further variant (the
    British reading last, when it is not one of them already)."""
    words = sorted(set(words))
    american = spelled_out_all([word for word in words if not cmu.get(word)], US)
    british = spelled_out_all(words, BRITISH)
    lines = []
    for word in words:
        variants = list(cmu.get(word) or [american[word]])
        if british[word] not in variants:
            variants.append(british[word])
        for number, phones in enumerate(variants, 1):
            lines.append(f"{word}{'' if number == 1 else f'({number})'} {phones}")
    return lines


def known_phones(cmu: dict[str, list[str]]) -> frozenset[str]:
    """The phones of the shipped model, as its dictionary uses them (its model definition is binary)."""
    return frozenset(phone for pronunciations in cmu.values() for phones in pronunciations for phone in phones.split())
