"""A warning sign said in a word or three is never acted on as something harmless: when the reading to act on raises
nothing and another of the recogniser's readings holds a sign, the audio is weighed between them on its sounds alone
(skill.local.listen.lines.reading, Recogniser._fit), through the real pocketsphinx decoder and espeak-ng speech.
"""

from __future__ import annotations

import shutil

import pytest

pytest.importorskip("pocketsphinx", reason="pocketsphinx is the listen extra: pip install -e '.[listen]'")
if shutil.which("espeak-ng") is None:
    pytest.skip("espeak-ng renders the speech these tests hear (make installs it as root)", allow_module_level=True)

from bench.listen import render  # noqa: E402
from skill.local.listen.lines import SIGN_MARGIN, reading  # noqa: E402
from skill.local.listen.listener import heard_in  # noqa: E402
from skill.local.listen.recognise import Recogniser, Recognition  # noqa: E402

RATE = 16000


@pytest.mark.parametrize("said, other", [
    ("legs are numb", "advice on food"), ("next", "numb"), ("stop", "fell"),
])
def test_the_words_said_fit_the_sounds_better_than_others(recogniser, said, other):
    (heard,) = heard_in(render(said, "en-us", 140), RATE, recogniser)
    fit = heard.recognition.fit
    # None: the search lost the other sentence's path before the end, the sounds too unlike it to follow
    assert fit(said) is not None and (fit(other) is None or fit(said) > fit(other)), (fit(said), fit(other))
    assert fit("zzyzx") is None  # not in the dictionary: no fit, rather than a guess


# Which renderings the free decode reads this way depends on the listening model, rebuilt whenever the interaction
# model or the red-flag rules change: when one is heard otherwise after a rebuild, pick another short sign the best
# reading misses but a weaker one holds (the first assertion says so).
@pytest.mark.parametrize("said, voice, speed", [
    ("i wet the bed", "en-gb", 175),  # best "are wet the bed", a weaker reading "on wet the bed"
])
def test_a_short_sign_in_a_weaker_reading_is_never_acted_on_as_a_request(recogniser, understanding, said, voice,
                                                                         speed):
    resolver, triage = understanding
    (heard,) = heard_in(render(said, voice, speed), RATE, recogniser)
    recognition = heard.recognition
    assert not triage.classify(recognition.text) and any(map(triage.classify, recognition.alternatives))
    without = Recognition(recognition.text, recognition.alternatives, recognition.closest, recognition.short)
    harmless = reading(without, resolver, triage)  # without weighing the readings: a request, no warning sign
    assert harmless is not None and not triage.classify(harmless)
    acted = reading(recognition, resolver, triage)
    finding = triage.classify(acted) if acted else None
    assert finding and finding.tier == triage.classify(said).tier, (recognition, acted)


def test_a_harmless_reading_gives_way_only_to_a_sign_of_as_many_words_that_fits_clearly_better(understanding):
    resolver, triage = understanding
    fits = {"next": -30.0, "numb": -29.0, "i fell": -20.0}

    def heard(*readings: str) -> Recognition:
        return Recognition(readings[0], readings, fit=fits.get)
    assert reading(heard("next", "numb"), resolver, triage) == "next"  # within SIGN_MARGIN: the command stands
    fits["numb"] = -30.0 + SIGN_MARGIN + 0.5
    assert reading(heard("next", "numb"), resolver, triage) == "numb"  # clearly better: the sign is answered
    assert reading(heard("next", "i fell"), resolver, triage) == "next"  # not as many words: not weighed
    # Five words or more describe something: the alternatives rule of `reading` already weighs those.
    fits["give me a tip about sleep"], fits["i fell over in the garden"] = -40.0, -10.0
    assert reading(heard("give me a tip about sleep", "i fell over in the garden"), resolver, triage) == \
        "give me a tip about sleep"


# A yes or a no steers the skill (a warning-sign question's "no" stands it down), so a reading that only resembles
# one is asked again: espeak-ng's "i fell" is heard as "i do", which the resolver reads as a yes by likeness alone.
# When a rebuilt listening model hears this rendering otherwise, pick another sign the recogniser reads as a near yes
# or no (the first assertion says so).
@pytest.mark.parametrize("said, voice, speed", [("i fell", "en-us", 140)])
def test_a_sign_heard_as_something_like_a_yes_or_no_is_asked_again(recogniser, understanding, said, voice, speed):
    resolver, triage = understanding
    (heard,) = heard_in(render(said, voice, speed), RATE, recogniser)
    resolution = resolver.resolve(heard.recognition.text)
    assert resolution.intent in ("AMAZON.YesIntent", "AMAZON.NoIntent") and resolution.score < 1.0, \
        (heard.recognition, resolution)
    assert reading(heard.recognition, resolver, triage) is None


@pytest.mark.parametrize("heard, acted", [
    ("none of pain around my ribs like of them", None),  # a long description read as a no by likeness
    ("i do", None),  # like a yes, not one of its phrasings
    ("no", "no"), ("yes", "yes"), ("not really", "not really"),  # a yes or no said as one stands
    ("no i don't think so", "no i don't think so"),  # long, but one of a no's phrasings
    # Other requests read by likeness stand as before: a polite repeat.
    ("could you say that one more time for me", "could you say that one more time for me"),
])
def test_only_a_yes_or_no_heard_as_one_of_its_phrasings_is_acted_on(understanding, heard, acted):
    resolver, triage = understanding
    assert reading(Recognition(heard, (heard,)), resolver, triage) == acted
