"""A barge-in word ("help", "stop", "pause", "that hurts") that the recogniser wrote as one of its own readings of an
unclear short utterance is acted on, when the second look finds no request and no reading holds any sign
(skill.local.listen.lines._reading): in a hold's silence the decoder, not the keyword spotter, hears the user, and on
so short a word its language model often prefers salad ("do old") with the word itself second. Through the real
pocketsphinx decoder and espeak-ng speech, and the real resolver and red-flag screen.
"""

from __future__ import annotations

import shutil

import numpy
import pytest

pytest.importorskip("pocketsphinx", reason="pocketsphinx is the listen extra: pip install -e '.[listen]'")
if shutil.which("espeak-ng") is None:
    pytest.skip("espeak-ng renders the speech these tests hear (make installs it as root)", allow_module_level=True)

from bench.listen import PAD_SECONDS, render  # noqa: E402
from skill.local.listen.lines import reading  # noqa: E402
from skill.local.listen.listener import heard_in  # noqa: E402
from skill.local.listen.recognise import Recognition  # noqa: E402

RATE = 16000


def in_a_hold(word: str, voice: str, speed: int) -> numpy.ndarray:
    """`word` said 3 s into 6 s of a hold's silence, as bench/listen.py's barge-in case has it."""
    said = render(word, voice, speed)[int(RATE * PAD_SECONDS):-int(RATE * PAD_SECONDS)]
    hold = numpy.zeros(RATE * 6)
    hold[RATE * 3:RATE * 3 + len(said)] += said
    return numpy.clip(hold, -32768, 32767).astype(numpy.int16)


# Which renderings the free decode reads this way depends on the listening model, rebuilt whenever the interaction
# model or the red-flag rules change: when one is heard otherwise after a rebuild, pick another barge-in word whose
# best reading is salad with the word itself among the readings (the first assertion says so).
@pytest.mark.parametrize("word, voice, speed", [("help", "en-us", 150)])  # best "do old", then "help"
def test_a_barge_in_word_among_the_readings_of_salad_is_acted_on(recogniser, understanding, word, voice, speed):
    resolver, triage = understanding
    (heard,) = heard_in(in_a_hold(word, voice, speed), RATE, recogniser)
    recognition = heard.recognition
    assert recognition.text != word and word in recognition.alternatives, recognition
    assert reading(recognition, resolver, triage) == word


@pytest.mark.parametrize("readings, acted", [
    (("do old", "help", "to old"), "help"),
    (("car was", "close", "pause"), "pause"),
    # A sign in any reading is never traded for a barge-in word: asked about (the hint names the number first).
    (("do old", "help", "fell over"), None),
    (("car was", "pause", "fall is"), None),
    # A reading that is a barge-in word inside other words is not the word said alone.
    (("do old", "help with my diet"), None),
])
def test_only_a_barge_in_word_alone_among_readings_free_of_signs_is_taken(understanding, readings, acted):
    resolver, triage = understanding
    assert reading(Recognition(readings[0], readings), resolver, triage) == acted
