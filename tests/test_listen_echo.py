"""Barge-in over the skill's own voice with echo cancellation: the audio the skill plays is taken out of what the
microphone hears (WebRTC's AEC3 through pywebrtc-audio), so the decoder hears the user as it does in silence.

No mocks: espeak-ng renders both voices, the skill's reaches the microphone through a modelled room (late, quieter
and reverberant: bench.listen.through_room, so the canceller is never handed a perfect copy), and pocketsphinx decodes.
"""

from __future__ import annotations

import io
import os
import shutil
import sys
import threading
import time
import wave
from pathlib import Path

import numpy
import pytest

pytest.importorskip("pocketsphinx", reason="pocketsphinx is the listen extra: pip install -e '.[listen]'")
pytest.importorskip("pywebrtc_audio", reason="pywebrtc-audio is the listen extra: pip install -e '.[listen]'")

if shutil.which("espeak-ng") is None:
    pytest.skip("espeak-ng renders the speech these tests hear (make installs it as root)", allow_module_level=True)

from bench.listen import espeak, frames_of, played_at, render, through_room  # noqa: E402
from skill.core.speech import Say  # noqa: E402
from skill.local.clock import FakeClock  # noqa: E402
from skill.local.listen.echo import EchoCancellationUnavailable, EchoCanceller, PlayedAudio  # noqa: E402
from skill.local.listen.lines import ListeningLines, SkillAudio  # noqa: E402
from skill.local.listen.listener import FRAME_SECONDS, Listener  # noqa: E402
from skill.local.progress_store import open_progress_store  # noqa: E402
from skill.local.session import assemble_runner  # noqa: E402
from skill.local.talk import LineReader, Transcript  # noqa: E402

RATE = 16000
SKILL_SAYS = ("Let your knees fall gently to one side, then the other. Keep your shoulders on the floor, and breathe "
              "out slowly as you go.")


def _skill_voice() -> numpy.ndarray:
    return render(SKILL_SAYS, "en", 175, 0.1)


def _listen(recogniser, microphone: numpy.ndarray, played: numpy.ndarray, echo: EchoCanceller | None):
    """The utterances the decoder hears in `microphone` while the skill plays `played` (the keyword spotter's
    barge-ins and their false alarms are bench/listen.py's to count), as (text, barge-in) pairs."""
    heard = []
    clock = {"t": 0.0}
    listener = Listener(recogniser, None, heard.append,
                        lambda: SKILL_SAYS if clock["t"] < len(played) / RATE else None, echo,
                        played_at(played, lambda: clock["t"]))
    for frame in frames_of(numpy.clip(microphone, -32768, 32767).astype(numpy.int16)):
        clock["t"] = listener.now
        listener.feed(frame)
    listener.end()
    return [(h.text, h.barge_in) for h in heard]


def test_a_word_said_over_the_skill_s_voice_is_decoded_once_its_echo_is_cancelled(recogniser):
    played = _skill_voice()
    microphone = through_room(played) * 0.5
    user = render("that hurts", "en-us+klatt", 150, 0)
    at = RATE * 3  # mid-sentence, the canceller having heard the room for a few seconds (as in a hold's prompt)
    microphone[at:at + len(user)] += user
    # Without the canceller, speech that begins over the skill's voice is the skill heard back as far as the decoder
    # knows (only the keyword spotter listens there, and over a reverberant room it misses most: bench/listen.py).
    # With it, the decoder hears the whole word.
    assert _listen(recogniser, microphone, played, None) == []
    assert _listen(recogniser, microphone, played, EchoCanceller()) == [("that hurts", False)]


def test_the_skill_s_voice_alone_is_cancelled_to_nothing_decoded(recogniser):
    # With the canceller, speech over the skill's voice is decoded whole (without one, only what follows it), so what
    # it leaves of that voice must not be taken for an utterance. (The keyword spotter's false barge-ins on it are
    # counted by bench/listen.py over minutes of the skill's prompts.)
    played = _skill_voice()
    for gain in (0.25, 0.5, 1.0):  # a microphone near the user, as near the loudspeaker, nearer the loudspeaker
        assert _listen(recogniser, through_room(played) * gain, played, EchoCanceller()) == [], gain


def test_what_the_player_plays_is_the_reference_for_the_frames_captured_meanwhile(tmp_path):
    samples, rate = espeak("Hold it there.", "en", 175)  # espeak-ng's own 22,050 Hz: resampled to the microphone's
    path = tmp_path / "hold.wav"
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(samples.tobytes())
    played = PlayedAudio()
    assert played.between(10.0, 10.03) is None  # nothing played yet
    played.started(path, at=10.0)
    resampled = render("Hold it there.", "en", 175, 0)
    window = numpy.frombuffer(played.between(10.3, 10.3 + FRAME_SECONDS), dtype=numpy.int16)
    start = round(0.3 * RATE)
    assert len(window) == round(FRAME_SECONDS * RATE)
    same = numpy.testing.assert_allclose  # to a sample unit: the file is resampled as the bench's renderings are
    same(window, resampled[start:start + len(window)], atol=2)
    before = numpy.frombuffer(played.between(9.99, 9.99 + FRAME_SECONDS), dtype=numpy.int16)
    assert not before[:round(0.01 * RATE)].any()  # the 10 ms before it started: silence
    same(before[round(0.01 * RATE):], resampled[:len(before) - round(0.01 * RATE)], atol=2)
    played.stopped(at=10.5)  # cut short: nothing after the stop is in the reference
    assert played.between(10.6, 10.63) is None


def test_the_runner_s_player_hands_the_listener_what_it_plays(tmp_path, offline_voice):
    renderer = offline_voice
    references: list[bytes | None] = []
    audio = SkillAudio()

    class Loudspeaker:
        """Where aplay would stand: takes a moment to play, and asks what the listener's reference is meanwhile."""

        def play(self, path: Path, stop: threading.Event) -> None:
            time.sleep(0.2)
            now = time.monotonic()
            references.append(audio.played.between(now - FRAME_SECONDS, now))

    runner = assemble_runner(clock=FakeClock(), store=open_progress_store(tmp_path / "state.db"), user="echo",
                             locale="en-US", renderer=renderer, player=Loudspeaker(),
                             transcript=Transcript(io.StringIO(), as_json=True))
    read_end, write_end = os.pipe()
    runner.lines = LineReader(os.fdopen(read_end, "r", encoding="utf-8"), runner.stop)
    runner.lines = ListeningLines(runner.lines, runner)
    audio.follow(runner)
    runner.speak([Say("Breathe out slowly.")], "reply", "Test")
    os.close(write_end)
    assert references and references[0] is not None
    assert numpy.abs(numpy.frombuffer(references[0], dtype=numpy.int16)).max() > 300  # the voice, not silence
    now = time.monotonic()
    assert audio.played.between(now, now + FRAME_SECONDS) is None  # played out: nothing to cancel


def test_without_pywebrtc_audio_the_canceller_refuses_with_the_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "pywebrtc_audio", None)
    with pytest.raises(EchoCancellationUnavailable, match="pywebrtc-audio"):
        EchoCanceller()
