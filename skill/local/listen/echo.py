"""The skill's own voice taken out of what the microphone hears: acoustic echo cancellation.

The skill knows exactly what it plays (the WAV its player was handed), so that signal, as the loudspeaker got it, is
subtracted from the microphone's: WebRTC's AEC3 (pywebrtc-audio, the canceller browsers run on calls) learns the path
from loudspeaker to microphone (the delay, the room's reverberation, the loudness) and keeps learning as it changes.
What is left is the user's voice, which the endpointer and decoder then hear as they do in silence, so a barge-in
word over the skill's voice needs no special treatment (bench/listen.py measures it through a modelled room).

The reference must not lag the echo (a canceller cannot take out what it has not yet been shown), so a frame's
reference is what the player was handed up to the moment the frame was captured: the echo in that frame left the
loudspeaker later, by the player's and the sound card's latency, which AEC3's delay estimator finds.

Missing package: the listener says so in one line and listens as before, with only keyword spotting over the skill.
"""

from __future__ import annotations

import functools
import threading
import time
import wave
from pathlib import Path

import numpy

from skill.local.listen.recognise import SAMPLE_RATE


class EchoCancellationUnavailable(RuntimeError):
    pass


class EchoCanceller:
    """One canceller for one microphone stream, fed every frame in order (one thread)."""

    def __init__(self):
        try:
            from pywebrtc_audio import EchoCanceller as Aec3
        except ImportError:
            raise EchoCancellationUnavailable("the pywebrtc-audio package is not installed "
                                              "(pip install -e '.[listen]')") from None
        self._aec = Aec3(sample_rate=SAMPLE_RATE)

    def clean(self, frame: bytes, played: bytes | None) -> bytes:
        """`frame` (16-bit 16 kHz mono from the microphone) less the echo of `played`, what the loudspeaker was
        handed over the same stretch of time (None: nothing; the canceller still hears the room go quiet)."""
        near = numpy.frombuffer(frame, dtype=numpy.int16)
        far = numpy.zeros_like(near) if played is None else numpy.frombuffer(played, dtype=numpy.int16)
        if len(far) != len(near):
            far = numpy.resize(far, len(near)) if len(far) else numpy.zeros_like(near)
        return self._aec.process(near, far).tobytes()


class PlayedAudio:
    """What the player has been handed and when: `between(start, end)` gives the samples the loudspeaker was playing
    over that stretch of time.monotonic() seconds, None when it was silent throughout. Told by the runner's player
    (`started`, `stopped`); read by the listener's thread."""

    def __init__(self):
        self._lock = threading.Lock()
        self._samples: numpy.ndarray | None = None
        self._began = 0.0
        self._ended: float | None = None

    def started(self, path: Path, at: float | None = None) -> None:
        samples = wav_samples(str(path))
        with self._lock:
            self._samples, self._began, self._ended = samples, time.monotonic() if at is None else at, None

    def stopped(self, at: float | None = None) -> None:
        with self._lock:
            self._ended = time.monotonic() if at is None else at

    def between(self, start: float, end: float) -> bytes | None:
        with self._lock:
            samples, began, ended = self._samples, self._began, self._ended
        if samples is None:
            return None
        count = round((end - start) * SAMPLE_RATE)
        first = round((start - began) * SAMPLE_RATE)
        last = len(samples) if ended is None else min(len(samples), round((ended - began) * SAMPLE_RATE))
        if first >= last or first + count <= 0:
            return None
        out = numpy.zeros(count, dtype=numpy.int16)
        lo, hi = max(first, 0), min(first + count, last)
        out[lo - first:hi - first] = samples[lo:hi]
        return out.tobytes()


@functools.lru_cache(maxsize=64)
def wav_samples(path: str) -> numpy.ndarray:
    """A WAV file as 16 kHz mono int16 samples (the skill's voice and sounds are rendered once and played often)."""
    with wave.open(path) as reader:
        width, channels, rate = reader.getsampwidth(), reader.getnchannels(), reader.getframerate()
        raw = reader.readframes(reader.getnframes())
    if width != 2:
        raise ValueError(f"{path}: {8 * width}-bit samples, not 16")
    samples = numpy.frombuffer(raw, dtype=numpy.int16).reshape(-1, channels).mean(axis=1)
    if rate != SAMPLE_RATE:
        import soxr

        samples = soxr.resample(samples, rate, SAMPLE_RATE)
    return numpy.clip(samples, -32768, 32767).astype(numpy.int16)
