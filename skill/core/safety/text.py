"""The one text normaliser triage and the offline resolver share, so both read a sentence the same way.

Orthography only, no vocabulary: every apostrophe-like mark becomes "'", case is folded, accents are dropped
("naïve" -> "naive") and anything outside ASCII goes. Alexa's recogniser writes "don't" with a straight
apostrophe; typed text and pasted text may use any of these.
"""

from __future__ import annotations

import unicodedata

APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u02b9": "'", "`": "'", "\u00b4": "'",
                             "\u2032": "'"})


def fold(text: str) -> str:
    """Lower-case ASCII with one apostrophe: "Can’t FEEL" -> "can't feel"."""
    folded = unicodedata.normalize("NFKD", text.translate(APOSTROPHES).casefold())
    return folded.encode("ascii", "ignore").decode("ascii")
