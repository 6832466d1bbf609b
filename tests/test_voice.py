"""The offline runner's audio layer: sentence splitting, real pyttsx3 rendering and its cache, the command
player and its stop, start-up probing, and whole-reply WAVs."""

from __future__ import annotations

import math
import os
import shutil
import stat
import sys
import threading
import time
import wave
from pathlib import Path

import pytest
import pyttsx3

from skill.local.audio import pcm, voice
from skill.local.audio.sounds import SPEECH_FORMAT, WavFormat
from skill.local.audio.voice import CommandPlayer, Pyttsx3Renderer, RenderError, open_audio, sentences, write_reply_wav
from skill.core.speech import Pause, Say, Sound

HAVE_ESPEAK = sys.platform.startswith("linux") and shutil.which("espeak-ng") is not None
needs_espeak = pytest.mark.skipif(not HAVE_ESPEAK, reason="real rendering needs espeak-ng (Linux)")

TEN_WORDS = "Lie on your back with your knees bent and feet flat."
FIVE_WORDS = "Keep both shoulders down now."
THIRTY_WORDS = ("Roll both knees slowly to one side, only as far as feels comfortable, keep both shoulders on the "
                "floor, breathe out as you go, and then bring your knees back to the middle again.")


def seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def write_tone(path: Path, length: float, audio_format: WavFormat = SPEECH_FORMAT) -> Path:
    """A 440 Hz tone in any PCM format, so tests know exactly how long a clip is."""
    frames = bytearray()
    top = 2 ** (8 * audio_format.sample_width - 1) - 1
    for index in range(round(length * audio_format.frame_rate)):
        value = round(0.5 * top * math.sin(2 * math.pi * 440 * index / audio_format.frame_rate))
        sample = bytes([value + 128]) if audio_format.sample_width == 1 else \
            value.to_bytes(audio_format.sample_width, "little", signed=True)
        frames += sample * audio_format.channels
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(audio_format.channels)
        wav.setsampwidth(audio_format.sample_width)
        wav.setframerate(audio_format.frame_rate)
        wav.writeframes(bytes(frames))
    return path


# --- sentences ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("", []),
    ("   ", []),
    ("Hello.", ["Hello."]),
    ("Hello. How are you?", ["Hello.", "How are you?"]),
    ("Stop! Breathe out.  And relax.", ["Stop!", "Breathe out.", "And relax."]),
    ("Wait... okay.", ["Wait...", "okay."]),
    ("Hold for 2.5 seconds.", ["Hold for 2.5 seconds."]),
    ("Call 911. Don't drive.\nRest.", ["Call 911.", "Don't drive.", "Rest."]),
    ("No full stop at the end", ["No full stop at the end"]),
    ("  Leading and trailing space.  ", ["Leading and trailing space."]),
])
def test_sentences(text, expected):
    assert sentences(text) == expected


# --- rendering with the real engine -----------------------------------------------------------------------------


@pytest.fixture
def renderer(tmp_path) -> Pyttsx3Renderer:
    return Pyttsx3Renderer(tmp_path / "cache", rate=175)


@needs_espeak
def test_a_real_render_is_a_wav_as_long_as_the_words_take_to_say(renderer, capsys):
    ten = renderer.render(TEN_WORDS)
    with wave.open(str(ten), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22050)
    assert 1.5 < seconds(ten) < 8
    assert seconds(renderer.render(THIRTY_WORDS)) > seconds(renderer.render(FIVE_WORDS))
    assert capsys.readouterr().out == ""  # the driver's "Audio saved to ..." is silenced


@needs_espeak
def test_a_cached_sentence_is_served_without_rendering_again(renderer, monkeypatch):
    first = renderer.render(TEN_WORDS)
    before = first.stat()
    saves = []
    engine = pyttsx3.init()
    monkeypatch.setattr(engine, "save_to_file", lambda *args, **kwargs: saves.append(args))
    assert renderer.render(TEN_WORDS) == first
    assert saves == []
    assert (first.stat().st_ino, first.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert renderer.cached(TEN_WORDS) and not renderer.cached(FIVE_WORDS)


@needs_espeak
def test_the_rate_and_the_voice_are_part_of_the_cache_key(tmp_path):
    cache = tmp_path / "cache"
    slow = Pyttsx3Renderer(cache, rate=150).render(TEN_WORDS)
    fast = Pyttsx3Renderer(cache, rate=250).render(TEN_WORDS)
    american = Pyttsx3Renderer(cache, voice="en-us", rate=150).render(TEN_WORDS)
    assert len({slow, fast, american}) == 3
    assert seconds(slow) > seconds(fast)
    assert slow.parent.parent == cache and slow.name.startswith(slow.parent.name)


@needs_espeak
def test_no_partial_file_is_left_in_the_cache(renderer):
    renderer.render(FIVE_WORDS)
    assert [path.suffix for path in renderer.cache_dir.rglob("*") if path.is_file()] == [".wav"]


@needs_espeak
def test_renders_from_two_threads_at_once_both_succeed(renderer):
    results: dict[str, Path] = {}
    threads = [threading.Thread(target=lambda text=text: results.setdefault(text, renderer.render(text)))
               for text in (TEN_WORDS, FIVE_WORDS, THIRTY_WORDS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seconds(results[THIRTY_WORDS]) > seconds(results[TEN_WORDS]) > seconds(results[FIVE_WORDS]) > 0


def test_blank_text_renders_a_short_silence_without_the_engine(renderer, monkeypatch):
    monkeypatch.setattr(pyttsx3, "init", lambda *args, **kwargs: pytest.fail("the engine was started"))
    for text in ("", "  \n"):
        silent = renderer.render(text)
        assert 0 < seconds(silent) < 0.5
        with wave.open(str(silent), "rb") as wav:
            assert set(wav.readframes(wav.getnframes())) == {0}


@needs_espeak
def test_voices_are_listed_and_matched_by_id_or_name(tmp_path):
    listed = Pyttsx3Renderer(tmp_path).voices()
    assert ("gmw/en-us", "English (America)") in listed
    for name in ("en-us", "EN-US", "gmw/en-us", "english (america)"):
        assert Pyttsx3Renderer(tmp_path, voice=name).render(FIVE_WORDS).is_file()


@needs_espeak
def test_an_unknown_voice_is_refused_naming_alternatives(tmp_path):
    with pytest.raises(RenderError, match=r"unknown voice 'englsh'; try .*en-us \(English \(America\)\)"):
        Pyttsx3Renderer(tmp_path, voice="englsh").render(FIVE_WORDS)


class LateEngine:
    """Behaves like pyttsx3 2.99's espeak engine at its worst: runAndWait() returns at once and the WAV is
    written afterwards on another thread; the first `cancelled` utterances come back cut short, with a
    'finished-utterance' of completed=False."""

    driver_name = "fake"

    def __init__(self, cancelled: int = 0):
        self.cancelled = cancelled
        self.callbacks: dict[str, list] = {}
        self.saving: tuple[str, str] | None = None
        self.writers: list[threading.Thread] = []

    def getProperty(self, name: str):
        return {"voices": [], "voice": "fake/voice", "rate": 200}[name]

    def setProperty(self, name: str, value) -> None:
        pass

    def connect(self, topic: str, callback) -> dict:
        self.callbacks.setdefault(topic, []).append(callback)
        return {"topic": topic, "cb": callback}

    def disconnect(self, token: dict) -> None:
        self.callbacks[token["topic"]].remove(token["cb"])

    def save_to_file(self, text: str, filename: str) -> None:
        self.saving = (text, filename)

    def runAndWait(self) -> None:
        _, filename = self.saving
        if self.cancelled:
            self.cancelled -= 1
            Path(filename).write_bytes(b"RIFF")
            self._notify(completed=False)
        else:
            writer = threading.Thread(target=self._write_then_notify, args=(filename,))
            self.writers.append(writer)
            writer.start()

    def _write_then_notify(self, filename: str) -> None:
        write_tone(Path(filename), 0.5)
        self._notify(completed=True)

    def _notify(self, completed: bool) -> None:
        for callback in list(self.callbacks.get("finished-utterance", [])):
            callback(name=None, completed=completed)


def test_a_render_waits_for_the_file_written_after_run_and_wait_returns(tmp_path, monkeypatch):
    engine = LateEngine()
    monkeypatch.setattr(pyttsx3, "init", lambda *args, **kwargs: engine)
    path = Pyttsx3Renderer(tmp_path).render(FIVE_WORDS)
    assert seconds(path) == pytest.approx(0.5)
    assert engine.callbacks == {"finished-utterance": [], "error": []}  # nothing left connected


def test_a_cancelled_render_is_tried_again_and_never_cached(tmp_path, monkeypatch):
    monkeypatch.setattr(pyttsx3, "init", lambda *args, **kwargs: LateEngine(cancelled=1))
    assert seconds(Pyttsx3Renderer(tmp_path / "once").render(FIVE_WORDS)) == pytest.approx(0.5)

    monkeypatch.setattr(pyttsx3, "init", lambda *args, **kwargs: LateEngine(cancelled=5))
    with pytest.raises(RenderError, match="cancelled"):
        Pyttsx3Renderer(tmp_path / "always").render(FIVE_WORDS)
    assert not [path for path in (tmp_path / "always").rglob("*") if path.is_file()]


def with_chunk_before_data(wav: bytes, chunk_id: bytes, body: bytes) -> bytes:
    """`wav` (a plain 44-byte-header WAV) with another chunk between "fmt " and "data", as some writers add."""
    padded = body + b"\0" * (len(body) % 2)
    riff_size = int.from_bytes(wav[4:8], "little") + 8 + len(padded)
    return (wav[:4] + riff_size.to_bytes(4, "little") + wav[8:36] + chunk_id + len(body).to_bytes(4, "little")
            + padded + wav[36:])


def test_only_a_wav_holding_every_sample_its_header_promises_is_complete(tmp_path):
    whole = write_tone(tmp_path / "whole.wav", 0.5)
    data = whole.read_bytes()
    half = tmp_path / "half.wav"
    half.write_bytes(data[:len(data) // 2])  # the header already counts every sample; half have been written
    unpatched = tmp_path / "unpatched.wav"
    unpatched.write_bytes(data[:40] + (0).to_bytes(4, "little") + data[44:])  # size patched in on close, later
    listed = tmp_path / "listed.wav"
    listed.write_bytes(with_chunk_before_data(data, b"LIST", b"INFOISFT"))
    odd = tmp_path / "odd.wav"
    odd.write_bytes(with_chunk_before_data(data, b"note", b"abc"))  # an odd-sized chunk is padded to even
    odd_cut = tmp_path / "odd-cut.wav"
    odd_cut.write_bytes(odd.read_bytes()[:-1])
    growing = tmp_path / "growing.wav"  # written in two goes: the header counts the first, the second follows
    first = write_tone(tmp_path / "first.wav", 0.25).read_bytes()
    growing.write_bytes(first + data[44:44 + 2000])
    odd_data = write_tone(tmp_path / "odd-data.wav", 0.5, WavFormat(1, 1, 22050))  # 11025 bytes of samples
    padded = tmp_path / "padded.wav"
    padded.write_bytes(odd_data.read_bytes() + b"\0")  # a pad byte some writers add and leave out of the count
    not_wav = tmp_path / "text.wav"
    not_wav.write_text("RIFF but not really")
    assert [voice._is_complete_wav(path) for path in (whole, listed, odd, odd_data, padded)] == [True] * 5
    assert [voice._is_complete_wav(path) for path in (half, unpatched, odd_cut, growing, not_wav,
                                                      tmp_path / "none.wav")] == [False] * 6


def test_an_engine_that_cannot_start_raises_render_error(tmp_path, monkeypatch):
    monkeypatch.setattr(pyttsx3, "init", _no_engine)
    with pytest.raises(RenderError, match="could not start"):
        Pyttsx3Renderer(tmp_path).render(FIVE_WORDS)


def _no_engine(*args, **kwargs):
    raise RuntimeError("This means you probably do not have eSpeak or eSpeak-ng installed!")


# --- playing --------------------------------------------------------------------------------------------------


def fake_command(folder: Path, name: str, script: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!/bin/sh\n{script}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def bell() -> Path:
    return voice.sound_file("bell")


def test_playing_with_stop_already_set_starts_nothing(tmp_path, bell):
    marker = tmp_path / "ran"
    player = CommandPlayer([str(fake_command(tmp_path / "bin", "aplay", f"touch {marker}"))])
    stop = threading.Event()
    stop.set()
    player.play(bell, stop)
    assert not marker.exists()


def test_play_runs_the_command_on_the_file_until_it_ends(tmp_path, bell):
    heard = tmp_path / "heard"
    player = CommandPlayer([str(fake_command(tmp_path / "bin", "aplay", f'echo "$@" > {heard}')), "-q"])
    player.play(bell, threading.Event())
    assert heard.read_text().split() == ["-q", str(bell)]


def test_setting_stop_terminates_the_playing_command(tmp_path, bell):
    started = tmp_path / "started"
    os.mkfifo(started)  # reading it blocks until the player has started: no polling, no sleeping
    player = CommandPlayer([str(fake_command(tmp_path / "bin", "aplay", f"echo $$ > {started}; exec sleep 30"))])
    stop = threading.Event()
    pids: list[int] = []
    setter = threading.Thread(target=lambda: (pids.append(int(started.read_text())), stop.set()))
    setter.start()
    began = time.monotonic()
    player.play(bell, stop)
    setter.join()
    assert time.monotonic() - began < 10  # loose: the command would have played for 30 s
    with pytest.raises(ProcessLookupError):
        os.kill(pids[0], 0)  # terminated and reaped, not left running


def test_find_takes_the_first_player_on_the_path(tmp_path, monkeypatch):
    folder = tmp_path / "bin"
    fake_command(folder, "paplay", "exit 0")
    fake_command(folder, "ffplay", "exit 0")
    monkeypatch.setenv("PATH", str(folder))
    assert CommandPlayer.find().command == (str(folder / "paplay"),)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert CommandPlayer.find() is None


def test_check_passes_a_working_player_and_explains_a_failing_one(tmp_path):
    assert CommandPlayer([str(fake_command(tmp_path / "ok", "aplay", "exit 0"))]).check() is None
    broken = fake_command(tmp_path / "broken", "aplay",
                          "echo \"ALSA lib confmisc.c:855:(parse_card) cannot find card '0'\" >&2\n"
                          "echo 'aplay: main:831: audio open error: No such file or directory' >&2\nexit 1")
    assert CommandPlayer([str(broken), "-q"]).check() == "aplay: cannot find card '0'"


# --- start-up -------------------------------------------------------------------------------------------------


def test_open_audio_without_a_player_warns_once_and_returns_no_player(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    warnings: list[str] = []
    renderer, player = open_audio(None, None, tmp_path / "cache", warnings.append)
    assert player is None
    assert (renderer is not None) == HAVE_ESPEAK
    assert len(warnings) == 1 and "No audio player found" in warnings[0]


def test_open_audio_with_a_player_but_no_device_says_why(tmp_path, monkeypatch):
    fake_command(tmp_path / "bin", "aplay", "echo \"ALSA lib confmisc.c:855:(parse_card) cannot find card '0'\" >&2"
                                            "\nexit 1")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    warnings: list[str] = []
    _, player = open_audio(None, None, tmp_path / "cache", warnings.append)
    assert player is None
    assert warnings[-1].endswith("No audio device found (aplay: cannot find card '0'); answering in text.")


def test_open_audio_when_the_engine_cannot_start_returns_no_renderer(tmp_path, monkeypatch):
    monkeypatch.setattr(pyttsx3, "init", _no_engine)
    fake_command(tmp_path / "bin", "aplay", "exit 0")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    warnings: list[str] = []
    renderer, player = open_audio(None, None, tmp_path / "cache", warnings.append)
    assert renderer is None and player is not None
    assert len(warnings) == 1 and warnings[0].startswith("No text-to-speech voice (")


@needs_espeak
def test_open_audio_with_an_unknown_voice_falls_back_to_the_default(tmp_path, monkeypatch):
    fake_command(tmp_path / "bin", "aplay", "exit 0")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    warnings: list[str] = []
    renderer, player = open_audio("englsh", None, tmp_path / "cache", warnings.append)
    assert renderer is not None and player is not None
    assert len(warnings) == 1 and "unknown voice 'englsh'" in warnings[0] and "default voice" in warnings[0]


# --- whole replies ----------------------------------------------------------------------------------------------


class ToneRenderer:
    """Stands in for speech: every sentence is a tone of a known length."""

    def __init__(self, folder: Path, length: float, audio_format: WavFormat = SPEECH_FORMAT):
        self.folder, self.length, self.format = folder, length, audio_format
        self.rendered: list[str] = []

    def render(self, text: str) -> Path:
        self.rendered.append(text)
        return write_tone(self.folder / f"{len(self.rendered)}.wav", self.length, self.format)


def test_a_reply_wav_joins_speech_pauses_and_sounds(tmp_path, bell):
    speech = ToneRenderer(tmp_path, 1.0)
    out = tmp_path / "replies" / "reply-001.wav"
    write_reply_wav([Say("Hold it there. Breathe."), Pause(2), Sound("bell")], speech, out)
    assert speech.rendered == ["Hold it there.", "Breathe."]
    assert seconds(out) == pytest.approx(2 * 1.0 + 2 + seconds(bell), abs=0.01)
    with wave.open(str(out), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22050)


@pytest.mark.parametrize("odd_format", [WavFormat(2, 2, 22050), WavFormat(1, 1, 22050), WavFormat(1, 2, 16000),
                                        WavFormat(2, 4, 44100)])
def test_speech_in_another_format_is_converted_keeping_its_length_and_loudness(tmp_path, odd_format):
    out = tmp_path / "reply.wav"
    write_reply_wav([Say("One."), Pause(0.5)], ToneRenderer(tmp_path, 1.0, odd_format), out)
    assert seconds(out) == pytest.approx(1.5, abs=0.01)
    with wave.open(str(out), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 22050)
        tone = [int.from_bytes(wav.readframes(1), "little", signed=True) for _ in range(22050)]
    assert max(tone) == pytest.approx(0.5 * 32767, rel=0.05)


def _pcm(values: list[int], width: int) -> bytes:
    return b"".join(value.to_bytes(width, "little", signed=width > 1) for value in values)


@pytest.mark.parametrize(("source", "frames", "expected"), [
    # Stereo mixed down, then twice the rate by linear interpolation; past the last sample, the last sample.
    (WavFormat(2, 2, 11025), _pcm([1000, 3000, -2000, -4000], 2), [2000, -500, -3000, -3000]),
    (WavFormat(1, 1, 22050), _pcm([192, 64, 128], 1), [16384, -16384, 0]),  # 8-bit samples are unsigned
    (WavFormat(1, 3, 22050), _pcm([-4194304, 4194303, 1], 3), [-16384, 16384, 0]),  # 24-bit, rounded to 16
])
def test_pcm_conversion_mixes_resamples_and_requantises(source, frames, expected):
    assert pcm.convert(frames, source, SPEECH_FORMAT) == _pcm(expected, 2)


@needs_espeak
def test_a_reply_wav_from_real_speech(tmp_path, renderer):
    out = tmp_path / "reply.wav"
    write_reply_wav([Say(f"{FIVE_WORDS} {TEN_WORDS}"), Pause(1), Sound("chime")], renderer, out)
    speech = seconds(renderer.render(FIVE_WORDS)) + seconds(renderer.render(TEN_WORDS))
    assert seconds(out) == pytest.approx(speech + 1 + seconds(voice.sound_file("chime")), abs=0.01)
