"""The generated bell and chime: deterministic, committed up to date, mapped from every soundbank URI, audible."""

from __future__ import annotations

import array
import json
import wave
from pathlib import Path

import pytest

from skill.local.audio.sounds import SOUNDS_FILE, SPEECH_FORMAT, generate
from skill.local.audio.voice import AUDIO_DIR, sound_file
from skill.core.speech import SOUNDBANK

LENGTHS = {"bell": (0.6, 1.0), "chime": (1.8, 2.5)}  # seconds


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, Path]:
    return generate(tmp_path_factory.mktemp("sounds"))


def samples(path: Path) -> array.array:
    with wave.open(str(path), "rb") as wav:
        return array.array("h", wav.readframes(wav.getnframes()))


def test_the_committed_files_are_exactly_what_generate_writes(generated):
    out_dir = next(iter(generated.values())).parent
    for name in [*(path.name for path in generated.values()), SOUNDS_FILE]:
        assert (AUDIO_DIR / name).read_bytes() == (out_dir / name).read_bytes(), \
            f"audio/{name} is stale: run python -m skill.local.audio.sounds"


def test_generating_twice_gives_the_same_bytes(generated, tmp_path):
    again = generate(tmp_path)
    assert {name: path.read_bytes() for name, path in again.items()} == \
        {name: path.read_bytes() for name, path in generated.items()}


def test_every_soundbank_uri_maps_to_an_existing_file():
    mapping = json.loads((AUDIO_DIR / SOUNDS_FILE).read_text(encoding="utf-8"))
    assert set(mapping) == set(SOUNDBANK.values())
    for name in SOUNDBANK:
        assert sound_file(name).is_file()


@pytest.mark.parametrize("name", sorted(LENGTHS))
def test_each_sound_is_in_the_speech_format_and_lasts_as_long_as_intended(generated, name):
    with wave.open(str(generated[name]), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == \
            (SPEECH_FORMAT.channels, SPEECH_FORMAT.sample_width, SPEECH_FORMAT.frame_rate)
        shortest, longest = LENGTHS[name]
        assert shortest <= wav.getnframes() / wav.getframerate() <= longest


@pytest.mark.parametrize("name", sorted(LENGTHS))
def test_each_sound_is_clearly_audible_and_never_clips(generated, name):
    peak = max(abs(sample) for sample in samples(generated[name]))
    assert 0.3 * 32767 < peak < 32767


def test_the_chime_strikes_three_times():
    audio = samples(sound_file("chime"))
    window = SPEECH_FORMAT.frame_rate // 20
    loudness = [max(abs(s) for s in audio[i:i + window]) for i in range(0, len(audio) - window, window)]
    strikes = [i for i in range(1, len(loudness)) if loudness[i] > 1.5 * loudness[i - 1] and loudness[i] > 3000]
    assert len(strikes) == 2  # the first strike starts the file; two more rise out of the previous one's decay


def test_the_sounds_fade_to_silence_at_the_end():
    for name in SOUNDBANK:
        assert samples(sound_file(name))[-1] == 0
