"""skill.core.speech: parts rendered to Alexa SSML, and the words read back out of it."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.core.speech import (
    MAX_BREAK_SECONDS,
    SOUNDBANK,
    Pause,
    Say,
    Sound,
    ssml_to_text,
    to_ssml,
)

from audio_length import SECONDS_PER_WORD, SOUND_SECONDS, audio_seconds


def parse(ssml: str) -> ET.Element:
    root = ET.fromstring(ssml)
    assert root.tag == "speak"
    return root


def break_seconds(ssml: str) -> list[float]:
    """The time of every <break>, in document order, in seconds."""
    times = []
    for element in parse(ssml).iter("break"):
        value = element.attrib["time"]
        assert value.endswith("s") and not value.endswith("ms"), value
        times.append(float(value[:-1]))
    return times


def words_of(parts) -> str:
    return " ".join(word for part in parts if isinstance(part, Say) for word in part.text.split())


# --- breaks -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "seconds, expected",
    [
        (25, [10, 10, 5]),
        (10, [10]),
        (0, []),
        (0.5, [0.5]),
        (10.5, [10, 0.5]),
        (20, [10, 10]),
        (30, [10, 10, 10]),
        (3, [3]),
        (-4, []),
    ],
)
def test_pause_is_split_into_breaks_of_at_most_ten_seconds(seconds, expected):
    assert break_seconds(to_ssml([Pause(seconds)])) == expected


def test_break_times_are_written_without_trailing_zeros():
    assert to_ssml([Pause(25)]) == '<speak><break time="10s"/> <break time="10s"/> <break time="5s"/></speak>'
    assert to_ssml([Pause(0.5)]) == '<speak><break time="0.5s"/></speak>'


def test_zero_pause_renders_no_break_at_all():
    ssml = to_ssml([Say("hold"), Pause(0), Say("release")])
    assert "break" not in ssml
    assert ssml_to_text(ssml) == "hold release"


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=3000).map(lambda tenths: tenths / 10))
def test_breaks_add_up_to_the_pause_and_none_is_over_ten_seconds(seconds):
    times = break_seconds(to_ssml([Pause(seconds)]))
    assert all(0 < t <= MAX_BREAK_SECONDS for t in times)
    assert sum(times) == pytest.approx(seconds, abs=1e-6)
    # only the last break may be shorter than the maximum
    assert all(t == MAX_BREAK_SECONDS for t in times[:-1])


# --- escaping and XML -----------------------------------------------------------------------------------


def test_text_is_escaped_and_the_result_is_well_formed_xml():
    ssml = to_ssml([Say("Heat & ice: 1 < 2 > 0")])
    assert "Heat &amp; ice: 1 &lt; 2 &gt; 0" in ssml
    assert parse(ssml).text == "Heat & ice: 1 < 2 > 0"


def test_text_that_looks_like_markup_stays_text():
    ssml = to_ssml([Say('<break time="99s"/> <audio src="x"/>')])
    root = parse(ssml)
    assert list(root) == []  # no child elements were injected
    assert ssml_to_text(ssml) == '<break time="99s"/> <audio src="x"/>'


def test_quotes_and_apostrophes_are_kept_as_spoken_text():
    ssml = to_ssml([Say("Don't say \"never\".")])
    assert parse(ssml).text == "Don't say \"never\"."


def test_empty_parts_give_an_empty_speak_element():
    assert to_ssml([]) == "<speak></speak>"
    assert ssml_to_text(to_ssml([])) == ""


# --- sounds -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SOUNDBANK))
def test_sound_renders_an_audio_tag_from_the_soundbank(name):
    ssml = to_ssml([Sound(name)])
    assert ssml == f'<speak><audio src="{SOUNDBANK[name]}"/></speak>'
    audio = list(parse(ssml).iter("audio"))
    assert len(audio) == 1
    assert audio[0].attrib["src"] == SOUNDBANK[name]
    assert audio[0].attrib["src"].startswith("soundbank://")


def test_unknown_sound_is_an_error_not_silence():
    with pytest.raises(KeyError):
        to_ssml([Sound("trumpet")])


def test_mixed_parts_keep_their_order():
    ssml = to_ssml([Say("Hold."), Pause(12), Sound("bell"), Say("Release.")])
    assert ssml == (
        '<speak>Hold. <break time="10s"/> <break time="2s"/> '
        f'<audio src="{SOUNDBANK["bell"]}"/> Release.</speak>'
    )


# --- ssml_to_text -------------------------------------------------------------------------------------


@pytest.mark.parametrize("empty", [None, ""])
def test_ssml_to_text_of_nothing_is_empty(empty):
    assert ssml_to_text(empty) == ""


def test_ssml_to_text_collapses_whitespace_and_unescapes():
    assert ssml_to_text('<speak>  Hot &amp;\n  cold <break time="3s"/>then  rest </speak>') == "Hot & cold then rest"


# Text that exercises escaping: XML-legal characters (no control or surrogate characters), plus the
# specials and several kinds of whitespace.
_CHARS = st.one_of(
    st.sampled_from(list("&<>\"';# \n\t\u00a0")),
    st.characters(exclude_categories=("Cs", "Cc", "Cn")),
)
_SAY = st.builds(Say, st.text(alphabet=_CHARS, max_size=30))
_PAUSE = st.builds(Pause, st.integers(min_value=0, max_value=400).map(lambda tenths: tenths / 10))
_SOUND = st.builds(Sound, st.sampled_from(sorted(SOUNDBANK)))
_PARTS = st.lists(st.one_of(_SAY, _PAUSE, _SOUND), max_size=12)


@settings(max_examples=200, deadline=None)
@given(_PARTS)
def test_round_trip_gives_back_exactly_the_words(parts):
    ssml = to_ssml(parts)
    parse(ssml)  # always well-formed
    assert ssml_to_text(ssml) == words_of(parts)
    assert all(t <= MAX_BREAK_SECONDS for t in break_seconds(ssml))


_PLAIN_WORDS = st.sampled_from(["hold", "breathe", "gently", "&", "relax", "knees", "left", "ten", "seconds"])
_PLAIN_SAY = st.builds(Say, st.lists(_PLAIN_WORDS, max_size=6).map(" ".join))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_PLAIN_SAY, _PAUSE, _SOUND), max_size=12))
def test_markup_never_leaks_into_the_text(parts):
    text = ssml_to_text(to_ssml(parts))
    for leak in ("<", ">", "break", "speak", "audio", "soundbank", "time=", "src=", "&amp;"):
        assert leak not in text
    assert text == words_of(parts)


# --- audio_seconds ------------------------------------------------------------------------------------


def test_audio_seconds_sums_pauses_sounds_and_speech():
    parts = [Say("hold it right there"), Pause(25), Sound("bell"), Pause(0.5), Say("and  relax")]
    assert audio_seconds(parts) == pytest.approx(6 * SECONDS_PER_WORD + 25.5 + SOUND_SECONDS)
    assert audio_seconds(parts) == pytest.approx(6 * 0.4 + 25.5 + 2)


@pytest.mark.parametrize(
    "parts, expected",
    [
        ([], 0),
        ([Say("")], 0),
        ([Say("one")], 0.4),
        ([Pause(10)], 10),
        ([Sound("bell"), Sound("chime")], 4),
        ([Pause(7), Pause(8)], 15),
    ],
)
def test_audio_seconds_table(parts, expected):
    assert audio_seconds(parts) == pytest.approx(expected)
