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


def spelled_out(word: str, voice: str = US) -> str:
    """CMU phones for `word` from espeak-ng's pronunciation in `voice`."""
    if shutil.which("espeak-ng") is None:
        raise PronunciationError(f"{word!r} is not in the dictionary and espeak-ng is not installed to spell it out")
    ipa = subprocess.run(["espeak-ng", "-q", "-v", voice, "--ipa", "--sep=_", word.replace("'", "")],
                         capture_output=True, text=True, check=True).stdout
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
    lines = []
    for word in sorted(set(words)):
        variants = list(cmu.get(word) or [spelled_out(word)])
        british = spelled_out(word, BRITISH)
        if british not in variants:
            variants.append(british)
        for number, phones in enumerate(variants, 1):
            lines.append(f"{word}{'' if number == 1 else f'({number})'} {phones}")
    return lines


def known_phones(cmu: dict[str, list[str]]) -> frozenset[str]:
    """The phones of the shipped model, as its dictionary uses them (its model definition is binary)."""
    return frozenset(phone for pronunciations in cmu.values() for phones in pronunciations for phone in phones.split())
