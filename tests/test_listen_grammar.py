"""The second look: audio the free decode heard as salad decoded again against the grammar of the skill's requests
(skill.local.listen.grammar, Recogniser._closest), through the real pocketsphinx decoder and espeak-ng speech, and
what `reading` does with it: a request it fits is acted on, anything else is asked again, and a warning sign is
never forced into a request.
"""

from __future__ import annotations

import shutil

import pytest

pytest.importorskip("pocketsphinx", reason="pocketsphinx is the listen extra: pip install -e '.[listen]'")
if shutil.which("espeak-ng") is None:
    pytest.skip("espeak-ng renders the speech these tests hear (make installs it as root)", allow_module_level=True)

from bench.listen import render  # noqa: E402
from skill.local.listen.lines import confidence, reading  # noqa: E402
from skill.local.listen.listener import heard_in  # noqa: E402
from skill.local.listen.recognise import Recogniser, Recognition  # noqa: E402

RATE = 16000


def test_the_grammar_holds_whole_requests_and_nothing_else(recogniser):
    accepts = recogniser.requests.accept
    for request in ("give me a tip about sleep", "start my neck stretches", "stop", "that hurts", "open spine coach",
                    "next", "i've got the hot water bottle on"):
        assert accepts(request), request
    # A slot value alone answers a question and only then; a request cut short is not one.
    for not_a_request in ("sleep", "pillows", "give me a tip about", "start the"):
        assert not accepts(not_a_request), not_a_request
    # Symptoms are the red-flag screen's, heard by the free decode: not in the grammar, not even in a slot.
    for symptom in ("i can't feel my legs", "stop the heat can't urinate", "i've wet myself"):
        assert not accepts(symptom), symptom


# Which renderings the free decode garbles depends on the listening model, rebuilt whenever the interaction model
# changes: when one is heard right after a rebuild, pick another the free decode garbles (the first assertion says so).
@pytest.mark.parametrize("said, voice", [
    ("give me a prevention tip", "en-us+f3"),  # a request with a slot value
    ("repeat that", "en-gb"),  # a built-in intent's phrasing
    ("previous stretch", "en-us"),
    ("what is a herniated disc", "en-us"),  # a long word heard as three
])
def test_a_request_heard_as_salad_is_found_by_the_second_look(recogniser, understanding, said, voice):
    resolver, triage = understanding
    (heard,) = heard_in(render(said, voice, 140), RATE, recogniser)
    recognition = heard.recognition
    assert recognition.text != said  # the free decode's salad: this is what the second look is for
    without = Recognition(recognition.text, recognition.alternatives)
    assert reading(without, resolver, triage) is None  # without it: "say it again"
    acted = reading(recognition, resolver, triage)
    assert acted == said, (recognition.text, acted)
    assert resolver.resolve(acted).intent == resolver.resolve(said).intent


def test_speech_the_grammar_does_not_hold_is_not_forced_into_a_request(recogniser, understanding):
    resolver, triage = understanding
    for said, voice in (("tell me a joke about elephants", "en-us+klatt"), ("tell me a joke about elephants", "en-gb"),
                        ("what's the weather like in paris tomorrow", "en-us")):
        (heard,) = heard_in(render(said, voice, 140), RATE, recogniser)
        assert confidence(resolver, heard.text) < 0.8, heard.text  # unsure at first, as it should be
        acted = reading(heard.recognition, resolver, triage)
        # Asked again, or, when a reading is a sign salad ("to wee until come out and didn't" among the readings of
        # "two wheeler don't about that"), answered as the sign the screen finds, as `_reading` answers any warning
        # sign among an unclear sentence's readings (a false alarm bench/listen.py counts as "red flag in error"):
        # never the grammar's nearest request.
        assert acted is None or triage.classify(acted), (said, voice, acted, heard.recognition.closest())


def test_a_symptom_in_any_reading_is_never_traded_for_the_nearest_request(understanding):
    resolver, triage = understanding
    looked = []

    def nearest() -> str:
        looked.append(True)
        return "next"
    # "fell" is only a question (was it a bad fall?), not an answer the skill gives at once; still, a symptom heard
    # in any reading is asked about, never replaced by the grammar's nearest request.
    assert reading(Recognition("the wee the knot", ("the wee the knot", "fell")), resolver, triage) is None
    assert reading(Recognition("the wee the knot", ("the wee the knot", "fell"), nearest), resolver, triage) is None
    assert looked == []
    # A salad with no symptom in it does get the nearest request...
    assert reading(Recognition("the wee the knot", ("the wee the knot",), nearest), resolver, triage) == "next"
    # ...unless that request holds a warning sign itself: the grammar never says one for the user.
    assert reading(Recognition("the wee the knot", ("the wee the knot",), lambda: "i can't feel my legs"),
                   resolver, triage) is None


def test_a_stop_heard_is_never_traded_for_a_nearer_request(understanding):
    resolver, triage = understanding
    # "stop the stretches" is not among the grammar's requests; its nearest, by one sound, is "start the stretches".
    heard = ("stop the stretches", ("stop the stretches",))
    assert reading(Recognition(*heard, lambda: "start the stretches"), resolver, triage) is None
    assert reading(Recognition(*heard, lambda: "stop"), resolver, triage) == "stop"
    assert reading(Recognition("wee the pause knot", ("wee the pause knot",), lambda: "next"), resolver, triage) is None
    assert reading(Recognition("wee the pause knot", ("wee the pause knot",), lambda: "pause that"), resolver,
                   triage) == "pause that"


# As above: renderings the free decode reads this way with the listening model as it is; after a rebuild, pick others
# that do (the first assertions say so).
@pytest.mark.parametrize("said, voice", [
    ("can we stretch my lower back", "en-us+klatt"),  # a confident request; "can't wee stretch..." further down
])
def test_a_request_with_a_sign_only_in_a_weaker_reading_is_acted_on_when_the_second_look_fits_it(
        recogniser, understanding, said, voice):
    resolver, triage = understanding
    (heard,) = heard_in(render(said, voice, 140), RATE, recogniser)
    recognition = heard.recognition
    assert not triage.classify(recognition.text) and any(map(triage.classify, recognition.alternatives))
    without = Recognition(recognition.text, recognition.alternatives)
    assert triage.classify(reading(without, resolver, triage))  # without the second look: a warning sign answered
    acted = reading(recognition, resolver, triage)
    assert acted == said, (recognition.text, acted)


@pytest.mark.parametrize("said, voice", [
    ("i've lost control of my bladder", "en-us+f3"),  # best "i'm lost control of my handed"
])
def test_a_warning_sign_only_in_a_weaker_reading_is_still_answered_after_the_second_look(
        recogniser, understanding, said, voice):
    resolver, triage = understanding
    (heard,) = heard_in(render(said, voice, 140), RATE, recogniser)
    recognition = heard.recognition
    assert not triage.classify(recognition.text) and any(map(triage.classify, recognition.alternatives))
    acted = reading(recognition, resolver, triage)
    assert acted and triage.classify(acted).tier in ("emergency", "urgent"), (recognition.text, acted)
    assert recognition.closest() is None  # the grammar holds no request these sounds fit that well


def test_a_sign_in_a_weaker_reading_gives_way_only_to_a_request_the_second_look_finds(understanding):
    resolver, triage = understanding
    heard = ("can we miss this one", ("can we miss this one", "can't wee miss this one"))
    assert reading(Recognition(*heard), resolver, triage) == "can't wee miss this one"
    assert reading(Recognition(*heard, lambda: "can we miss this one"), resolver, triage) == "can we miss this one"
    # A nearest request that would drop a "stop" heard, or that the resolver is unsure of, leaves the sign answered.
    stop = ("stop the stretches now", ("stop the stretches now", "i can't feel my legs"))
    assert reading(Recognition(*stop, lambda: "start the stretches"), resolver, triage) == "i can't feel my legs"
    assert reading(Recognition(*heard, lambda: "elephants"), resolver, triage) == "can't wee miss this one"


def test_the_short_requests_are_the_grammar_s_requests_of_a_word_or_two(recogniser):
    accepts = recogniser.short_requests.accept
    for request in ("next", "stop", "stop it", "that hurts", "help", "pause", "yes", "no", "skip it"):
        assert accepts(request), request
    for not_short in ("start my neck stretches", "give me a tip about sleep", "skip this one", "sleep"):
        assert not accepts(not_short), not_short
    assert not accepts("numb") and not accepts("i fell")  # no symptom, as in the whole grammar


# As above: renderings the free decode garbles with the listening model as it is; after a rebuild, pick others that it
# does (the first assertions say so).
@pytest.mark.parametrize("said, voice", [
    ("help", "en-gb"),  # heard as "tailbone", "tail that" among its readings
    ("stop", "en-us+f3"),  # heard as "till"
    ("skip", "en-gb"),  # heard as "tube in"
    ("skip", "en-us+f3"),  # heard as "didn't"
])
def test_a_short_command_heard_as_salad_is_found_among_the_short_requests(recogniser, understanding, said, voice):
    resolver, triage = understanding
    (heard,) = heard_in(render(said, voice, 140), RATE, recogniser)
    recognition = heard.recognition

    def means_what_was_said(acted: str | None) -> bool:
        return acted is not None and resolver.resolve(acted).intent == resolver.resolve(said).intent
    without = Recognition(recognition.text, recognition.alternatives, recognition.closest)
    assert not means_what_was_said(reading(without, resolver, triage)), recognition.text  # without the short look
    acted = reading(recognition, resolver, triage)
    assert means_what_was_said(acted), (recognition.text, acted)


def test_a_short_warning_sign_is_never_traded_for_a_short_request(recogniser, understanding):
    resolver, triage = understanding
    for said, voice in (("i can't pee", "en-us"), ("i've wet myself", "en-gb"), ("my legs are numb", "en-us+klatt")):
        (heard,) = heard_in(render(said, voice, 140), RATE, recogniser)
        acted = reading(heard.recognition, resolver, triage)
        assert acted is None or triage.classify(acted), (said, voice, heard.text, acted)
    # Whatever the short look would say, words the screen catches are answered as the warning sign they are.
    assert reading(Recognition("i can't pee", ("i can't pee",), short=lambda: "next"), resolver, triage) == \
        "i can't pee"


def test_a_short_request_the_readings_hold_too_is_taken_without_the_slow_whole_grammar_look(understanding):
    resolver, triage = understanding
    looked = []

    def whole() -> str:
        looked.append(True)  # a second or more of decoding on a short word
        return "it's good"
    # "help" heard as "tailbone", "help" among its readings: the short look's "help" at once.
    assert reading(Recognition("tail end", ("tail end", "help"), whole, lambda: "help"), resolver, triage) == "help"
    assert looked == []
    # A short request nothing else heard: the whole grammar's nearest comes first ("it hurts" misheard as "the loo"
    # is nearest "it's good", about pain as said, and among the short requests "ignore that").
    assert reading(Recognition("the loo", ("the loo", "get the"), whole, lambda: "ignore that"), resolver,
                   triage) == "it's good"
    assert reading(Recognition("the loo", ("the loo",), lambda: None, lambda: "ignore that"), resolver,
                   triage) == "ignore that"
