"""bench/first_audio.py: it drives the real runner through its whole conversation, each reply's samples reach its
player, and without a voice it says why instead of failing. It reports times; nothing here asserts on them."""

from __future__ import annotations

import shutil
import sys

import pytest
import pyttsx3

from bench import first_audio
from skill.local.audio.voice import Pyttsx3Renderer

needs_espeak = pytest.mark.skipif(not (sys.platform.startswith("linux") and shutil.which("espeak-ng")),
                                  reason="real rendering needs espeak-ng (Linux)")


def _no_engine(*args, **kwargs):
    raise RuntimeError("This means you probably do not have eSpeak or eSpeak-ng installed!")


def test_without_a_speech_engine_the_measurement_is_skipped_saying_why(monkeypatch):
    monkeypatch.setattr(pyttsx3, "init", _no_engine)
    result = first_audio.measure(quick=True)
    assert list(result) == ["skipped"] and "no espeak-ng" in result["skipped"] and "eSpeak" in result["skipped"]


@needs_espeak
def test_every_turn_of_the_conversation_hands_its_first_samples_to_the_player(tmp_path):
    cache = tmp_path / "cache"
    Pyttsx3Renderer(cache).render("Welcome to Spine Coach.")  # the first sentence of the first reply, rendered ahead
    turns = first_audio._play_conversation(tmp_path / "state.db", cache, "warm")
    assert [(t["case"], t["heard"]) for t in turns] == list(first_audio.CONVERSATION)
    assert all(t["ms"] is not None and 0 < t["reply_ms"] <= t["ms"] for t in turns)  # words shown, then samples
    assert turns[0]["first_sentence"] == "Welcome to Spine Coach." and turns[0]["from_cache"] is True
    assert turns[1]["from_cache"] is False  # "Before we start, a quick safety check." was rendered after Enter
    emergency = next(t for t in turns if t["case"] == "emergency")
    assert emergency["first_sentence"].startswith("Call 911 now")  # as shown; the voice is given "Call 9 1 1 now"

    summary = first_audio._summary(turns, passes=1, voice="espeak-ng via pyttsx3", prerender_seconds=0.0)
    assert summary["samples"] == len(turns) and summary["silent_turns"] == 0
    assert summary["warm"]["samples"] == len(turns) and summary["cold"] == {"samples": 0}
    assert summary["min_ms"] <= summary["median_ms"] <= summary["max_ms"]
