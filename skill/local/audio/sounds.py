"""The skill's two sounds for the offline runner, synthesised in pure Python so the repo needs no downloads.

Alexa plays its sound library clips (`skill.core.speech.SOUNDBANK`); offline, `audio/sounds.json` maps each of those
URIs to a WAV generated here. The WAVs use the format espeak-ng writes, so a reply's speech and sounds join
without conversion. Output is deterministic (no randomness, fixed normalisation), so the committed files can be
checked against a fresh run. Regenerate with `python -m skill.local.audio.sounds [OUT_DIR]`.
"""

from __future__ import annotations

import json
import math
import struct
import sys
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from skill.core.speech import SOUNDBANK


@dataclass(frozen=True)
class WavFormat:
    channels: int
    sample_width: int  # bytes per sample
    frame_rate: int


SPEECH_FORMAT = WavFormat(channels=1, sample_width=2, frame_rate=22050)  # what pyttsx3's espeak driver writes
SOUNDS_FILE = "sounds.json"
PEAK = 0.6  # of full scale: clearly audible, never clipped, a little quieter than speech


@dataclass(frozen=True)
class Tone:
    start: float  # seconds into the sound
    frequency: float
    decay: float  # seconds for the strike to fall to 1/e


# Partials of a struck bell: (ratio to the fundamental, loudness, how much faster it dies away). The
# inharmonic 2.76 ratio is what makes it a bell rather than an organ note.
_BELL_PARTIALS = ((1.0, 1.0, 1.0), (2.0, 0.35, 1.6), (2.76, 0.2, 2.2), (5.4, 0.06, 3.5))
_ATTACK_SECONDS = 0.004  # a ramp, not a step, so the strike does not click
_FADE_SECONDS = 0.05  # the tail is faded to zero so the file does not end in a click

SOUNDS: dict[str, tuple[float, tuple[Tone, ...]]] = {
    # name: (length in seconds, strikes)
    "bell": (0.8, (Tone(0.0, 1046.5, 0.22),)),  # one soft C6
    "chime": (2.0, (Tone(0.0, 784.0, 0.3), Tone(0.5, 659.3, 0.3), Tone(1.0, 523.3, 0.45))),  # G5 E5 C5, falling
}


def generate(out_dir: Path) -> dict[str, Path]:
    """Write every sound as `<name>.wav` and `sounds.json` (soundbank URI -> file name) into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, (seconds, tones) in SOUNDS.items():
        paths[name] = out_dir / f"{name}.wav"
        write_wav(paths[name], _normalised(_strike(tones, seconds, SPEECH_FORMAT.frame_rate)))
    mapping = {SOUNDBANK[name]: path.name for name, path in paths.items()}
    (out_dir / SOUNDS_FILE).write_text(json.dumps(mapping, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return paths


def write_wav(path: Path, samples: Sequence[float]) -> None:
    """Mono samples in [-1, 1] as a WAV in SPEECH_FORMAT."""
    full_scale = 2 ** (8 * SPEECH_FORMAT.sample_width - 1) - 1
    frames = struct.pack(f"<{len(samples)}h", *(round(sample * full_scale) for sample in samples))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(SPEECH_FORMAT.channels)
        out.setsampwidth(SPEECH_FORMAT.sample_width)
        out.setframerate(SPEECH_FORMAT.frame_rate)
        out.writeframes(frames)


def _strike(tones: Sequence[Tone], seconds: float, rate: int) -> list[float]:
    count = round(seconds * rate)
    samples = [0.0] * count
    for tone in tones:
        for index in range(round(tone.start * rate), count):
            t = index / rate - tone.start
            envelope = min(1.0, t / _ATTACK_SECONDS)
            samples[index] += envelope * sum(
                loudness * math.exp(-t * speed / tone.decay) * math.sin(2 * math.pi * tone.frequency * ratio * t)
                for ratio, loudness, speed in _BELL_PARTIALS
            )
    fade = round(_FADE_SECONDS * rate)
    for index in range(count - fade, count):
        samples[index] *= (count - 1 - index) / fade
    return samples


def _normalised(samples: list[float]) -> list[float]:
    scale = PEAK / max(abs(sample) for sample in samples)
    return [sample * scale for sample in samples]


if __name__ == "__main__":
    from skill.local.audio.voice import AUDIO_DIR

    for written in generate(Path(sys.argv[1]) if len(sys.argv) > 1 else AUDIO_DIR).values():
        print(written)
