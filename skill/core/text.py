"""The one text normaliser every reader of words shares (triage, the offline resolver, its durations and times),
so all of them read a sentence the same way.

Orthography only, no vocabulary: every apostrophe-like mark becomes "'", case is folded, accents are dropped
("naïve" -> "naive"), dashes become "-" and anything else outside ASCII a space (so "legs—and" stays two words). Alexa's recogniser writes "don't" with a straight
apostrophe; typed text and pasted text may use any of these. The standard library's unicodedata does the
folding; a transliteration library (anyascii, Unidecode) would add a dependency to the Lambda for no word the
skill knows.
"""

from __future__ import annotations

import re
import unicodedata

APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u02b9": "'", "`": "'", "\u00b4": "'",
                             "\u2032": "'"})


def fold(text: str) -> str:
    """Lower-case ASCII with one apostrophe: "Can’t FEEL" -> "can't feel"."""
    folded = unicodedata.normalize("NFKD", text.translate(APOSTROPHES).casefold())
    if folded.isascii():
        return folded
    return "".join(_ascii(char) for char in folded)


_WORD = re.compile(r"[a-z]+(?:'[a-z]+)*")


def words(text: str) -> tuple[str, ...]:
    """The folded words of `text`, contractions whole and every other mark dropped: "Yes, I'm diabetic!" ->
    ("yes", "i'm", "diabetic")."""
    return tuple(_WORD.findall(fold(text)))


def _ascii(char: str) -> str:
    if char.isascii():
        return char
    if unicodedata.combining(char):
        return ""  # an accent, split off its letter by NFKD
    return "-" if unicodedata.category(char) == "Pd" else " "
