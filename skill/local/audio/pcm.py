"""PCM frames from one WAV format to another, with numpy: mixed down to mono (and copied out again to each target
channel), resampled by linear interpolation, requantised to the target width. espeak already writes SPEECH_FORMAT,
so only another voice's WAVs come here; voice.py imports this module only then, keeping numpy out of start-up."""

from __future__ import annotations

import numpy as np

from skill.local.audio.sounds import WavFormat


def convert(frames: bytes, source: WavFormat, target: WavFormat) -> bytes:
    if source == target:
        return frames
    mono = decode_mono(frames, source)
    if source.frame_rate != target.frame_rate:
        mono = resample(mono, source.frame_rate, target.frame_rate)
    return encode(mono, target)


def decode_mono(frames: bytes, source: WavFormat) -> np.ndarray:
    """Samples in [-1, 1), the channels of each whole frame averaged; a trailing partial frame is dropped."""
    width, channels = source.sample_width, source.channels
    raw = np.frombuffer(frames, np.uint8, len(frames) // (width * channels) * width * channels)
    if width == 1:  # 8-bit WAV samples are unsigned
        values = (raw - 128.0) / 128
    else:  # little-endian signed, moved to the top bytes of an int32 so that every width reads alike
        padded = np.zeros((raw.size // width, 4), np.uint8)
        padded[:, 4 - width:] = raw.reshape(-1, width)
        values = padded.view("<i4").ravel() / 2.0 ** 31
    return values.reshape(-1, channels).mean(axis=1)


def resample(samples: np.ndarray, source_rate: int, target_rate: int) -> np.ndarray:
    """The same length of sound at `target_rate`; past the last sample, the last sample."""
    if not samples.size:
        return samples
    count = round(samples.size * target_rate / source_rate)
    return np.interp(np.arange(count) * source_rate / target_rate, np.arange(samples.size), samples)


def encode(samples: np.ndarray, target: WavFormat) -> bytes:
    top = 2 ** (8 * target.sample_width - 1)
    values = np.clip(np.round(samples * top), -top, top - 1).astype("<i4")
    if target.sample_width == 1:
        values += 128
    # The low bytes of each little-endian int32 are the sample at the target width (two's complement).
    encoded = values.view(np.uint8).reshape(-1, 4)[:, :target.sample_width]
    return np.repeat(encoded, target.channels, axis=0).tobytes()
