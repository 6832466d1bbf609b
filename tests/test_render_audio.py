"""render-audio: which sentences are known ahead of time, rendering only what is missing, and the progress bar."""

from __future__ import annotations

import io
import random
import shutil
import sys
import wave
from pathlib import Path

import pytest
import pyttsx3

from skill.alexa.app import create_skill
from skill.alexa.envelopes import AlexaSession
from skill.local.alarm import LocalAlarm
from skill.local.clock import FakeClock
from skill.local.audio.render import main, phrases, render_all, spoken, spoken_phrases
from skill.local.talk import Exchange, LocalConversation
from skill.local.audio.voice import Pyttsx3Renderer, RenderError, sentences
from skill.core.content import Content, supported_locales
from skill.core.speech import Say

HAVE_ESPEAK = sys.platform.startswith("linux") and shutil.which("espeak-ng") is not None


class FakeRenderer:
    """A cache in a dict: render() stores the text, cached() looks it up."""

    def __init__(self, broken: frozenset[str] = frozenset()):
        self.store: set[str] = set()
        self.rendered: list[str] = []
        self.broken = broken

    def cached(self, text: str) -> bool:
        return text in self.store

    def render(self, text: str) -> Path:
        if text in self.broken:
            raise RenderError(f"cannot render {text!r}")
        self.rendered.append(text)
        self.store.add(text)
        return Path("/dev/null")


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(scope="module")
def us_phrases() -> list[str]:
    return phrases("en-US")


def test_phrases_cover_tips_routines_advice_and_clarifying_questions(us_phrases):
    assert "Keep both shoulders on the floor." in us_phrases  # a routine cue
    assert "You'll roll both knees to the left, only as far as feels comfortable." in us_phrases
    assert "You'll roll both knees to the right, only as far as feels comfortable." in us_phrases
    assert "Hold the load close to your waist, with the heaviest side next to your body." in us_phrases  # a tip
    assert "In an emergency, call 911: I can't call for you." in us_phrases  # advice, the fact filled in
    assert "Is this leaking new for you?" in us_phrases  # a red-flag clarifying question
    assert "Say start stretches, or ask me about spasms." in us_phrases  # a topic's follow-up
    assert "Welcome to Spine Coach." in us_phrases  # a prompt


def test_phrases_are_single_unique_sentences_with_no_placeholders(us_phrases):
    assert not [sentence for sentence in us_phrases if "{" in sentence or "}" in sentence]
    assert len(us_phrases) == len(set(us_phrases))
    assert all(sentences(sentence) == [sentence] for sentence in us_phrases)


def test_phrases_leave_out_entries_only_known_at_runtime(us_phrases):
    assert not [sentence for sentence in us_phrases if sentence.startswith("Welcome back. You stopped part way")]


def test_phrases_follow_the_locale():
    base = phrases("en")
    assert "In an emergency, call your local emergency number: I can't call for you." in base
    assert not [sentence for sentence in base if "911" in sentence]
    assert phrases("en-US") == phrases("en-US")  # a stable order


def test_phrases_still_leave_out_values_not_known_ahead(us_phrases):
    assert "Heat timer set for 15 minutes." in us_phrases  # minutes of a heat session: 1 to 20
    assert "Step 2 of 6: knee rolls." in us_phrases
    assert not [sentence for sentence in us_phrases if "is longer than is safe" in sentence]  # any minutes asked for


def test_spoken_forms_are_what_the_runner_gives_the_voice():
    assert spoken("Call 999 now.") == "Call 9 9 9 now."
    assert spoken("Heat & ice: 20 minutes.") == "Heat & ice: 20 minutes."
    assert spoken_phrases("en-US") == [spoken(sentence) for sentence in phrases("en-US")]


# --- what render-audio renders is what the runner looks up ------------------------------------------------------


def conversation(store, locale: str = "en-US", hands_free: bool = False) -> LocalConversation:
    clock = FakeClock()
    skill = create_skill(persistence=store, alarm=LocalAlarm(clock), rng=random.Random(0))
    return LocalConversation(skill, AlexaSession(user_id="amzn1.ask.account.RENDER", locale=locale), clock=clock,
                             hands_free=hands_free)


def spoken_sentences(exchange: Exchange) -> list[str]:
    """The cache keys the runner's performer looks up for a reply, in order."""
    return [sentence for part in exchange.parts if isinstance(part, Say) for sentence in sentences(part.text)]


@pytest.mark.parametrize("locale, digits", [
    *((locale, " ".join(Content(locale).facts["emergency_number"])) for locale in supported_locales()), ("en", None)])
def test_an_emergency_answer_is_rendered_ahead_in_the_words_the_runner_speaks(store, locale, digits):
    talk = conversation(store, locale)
    answer = talk.hear("I can't feel my bottom when I wipe")
    said = spoken_sentences(answer)
    assert answer.record["triage"] == "emergency"
    assert digits is None or digits in said[0]  # "Call 9 9 9 now": the number as the voice reads it
    warning_signs = spoken_sentences(talk.hear("ask spine coach what the warning signs are"))
    assert set(said) | set(warning_signs) <= set(spoken_phrases(locale))


@pytest.mark.parametrize("area", ["lower back", "neck", "whole back"])
def test_every_sentence_of_a_whole_routine_is_rendered_ahead(store, area):
    talk = conversation(store, hands_free=True)
    replies = [talk.hear(f"start my {area} stretches"), talk.hear("no")]
    while replies[-1].continues_hands_free:
        replies.append(talk.carry_on())
    assert "finished" in replies[-1].record["speech"]
    known = set(spoken_phrases("en-US"))
    assert [sentence for reply in replies for sentence in spoken_sentences(reply) if sentence not in known] == []


def test_a_heat_session_and_its_status_are_rendered_ahead(store):
    talk = conversation(store)
    replies = [talk.hear("set the heat pad for fifteen minutes"), *[talk.hear("no") for _ in range(4)],
               talk.hear("how long is left on the heat")]
    assert "Heat timer set for 15 minutes." in spoken_sentences(replies[-2])
    known = set(spoken_phrases("en-US"))
    assert [sentence for reply in replies for sentence in spoken_sentences(reply) if sentence not in known] == []


def test_render_all_renders_everything_once_then_only_what_changed():
    renderer = FakeRenderer()
    texts = ["One.", "Two.", "Three."]
    first = render_all(renderer, texts, io.StringIO())
    assert (first.rendered, first.cached, first.failed) == (3, 0, 0)
    assert renderer.rendered == texts

    renderer.rendered.clear()
    second = render_all(renderer, texts, io.StringIO())
    assert (second.rendered, second.cached, second.failed) == (0, 3, 0)
    assert renderer.rendered == []

    third = render_all(renderer, ["One.", "Two, changed.", "Three."], io.StringIO())
    assert (third.rendered, third.cached) == (1, 2)
    assert renderer.rendered == ["Two, changed."]


def test_a_failed_sentence_is_counted_and_the_rest_still_render():
    report = render_all(FakeRenderer(broken=frozenset({"Bad."})), ["Good.", "Bad.", "Fine."], io.StringIO())
    assert (report.rendered, report.cached, report.failed) == (2, 0, 1)
    assert report.errors == ["cannot render 'Bad.'"]


def test_progress_in_a_log_is_a_line_every_tenth_ending_with_the_count():
    log = io.StringIO()
    render_all(FakeRenderer(), [f"Sentence {n}." for n in range(100)], log)
    lines = log.getvalue().splitlines()
    assert len(lines) == 11
    assert lines[-1] == "rendering [####################] 100/100"
    assert "\r" not in log.getvalue()


def test_progress_on_a_terminal_is_redrawn_in_place():
    terminal = Terminal()
    render_all(FakeRenderer(), ["A.", "B.", "C.", "D."], terminal)
    assert terminal.getvalue().count("\r") == 4
    assert terminal.getvalue().endswith("\rrendering [####################] 4/4\n")
    assert "\rrendering [##########----------] 2/4" in terminal.getvalue()


def test_progress_with_nothing_to_render_still_reports():
    log = io.StringIO()
    report = render_all(FakeRenderer(), [], log)
    assert (report.rendered, report.cached, report.failed) == (0, 0, 0)
    assert log.getvalue() == "rendering [--------------------] 0/0\n"


def test_main_without_a_speech_engine_exits_1_with_one_line(tmp_path, monkeypatch, capsys):
    def no_engine(*args, **kwargs):
        raise RuntimeError("This means you probably do not have eSpeak or eSpeak-ng installed!")

    monkeypatch.setattr(pyttsx3, "init", no_engine)
    assert main(tmp_path, "en-US", None, None) == 1
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 1 and errors[0].startswith("render-audio: no speech engine")


@pytest.mark.skipif(not HAVE_ESPEAK, reason="real rendering needs espeak-ng (Linux)")
def test_a_real_render_of_a_handful_of_phrases(tmp_path, us_phrases, capsys):
    renderer = Pyttsx3Renderer(tmp_path)
    handful = us_phrases[:5]
    report = render_all(renderer, handful, sys.stderr)
    assert (report.rendered, report.failed) == (5, 0)
    for text in handful:
        with wave.open(str(renderer.render(text)), "rb") as wav:
            assert wav.getnframes() > 0
    again = render_all(renderer, handful, sys.stderr)
    assert (again.rendered, again.cached) == (0, 5)
    assert capsys.readouterr().out == ""


@pytest.mark.skipif(not HAVE_ESPEAK, reason="real rendering needs espeak-ng (Linux)")
def test_main_with_an_unknown_voice_exits_2_naming_alternatives(tmp_path, capsys):
    assert main(tmp_path, "en-US", "englsh", None) == 2
    assert "unknown voice 'englsh'; try" in capsys.readouterr().err
