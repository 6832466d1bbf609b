"""The microphone through sounddevice (PortAudio), as 30 ms frames of 16 kHz mono for skill.local.listen.listener.

A device that cannot record at 16 kHz is opened at its own rate and resampled with soxr. Anything missing (the
sounddevice package, the PortAudio library, an input device) raises MicrophoneUnavailable with one sentence saying
what, and the runner carries on with typing.
"""

from __future__ import annotations

import queue
import time
from typing import Iterator

from skill.local.listen.listener import FRAME_BYTES, FRAME_SECONDS
from skill.local.listen.recognise import SAMPLE_RATE


class MicrophoneUnavailable(RuntimeError):
    pass


class Microphone:
    """An open input stream. `frames()` yields until `close()`."""

    def __init__(self, device: str | int | None = None):
        try:
            import sounddevice
        except ImportError:
            raise MicrophoneUnavailable("the sounddevice package is not installed "
                                        "(pip install -e '.[listen]')") from None
        except OSError as error:  # the package is there, PortAudio is not
            raise MicrophoneUnavailable(f"no PortAudio library for sounddevice ({error}; on Debian: apt-get "
                                        "install libportaudio2)") from None
        self._blocks: queue.Queue[tuple[bytes, float] | None] = queue.Queue()  # with when it came; None: closed
        # time.monotonic() when the last frame `frames()` yielded was recorded (its end): the echo canceller's
        # reference is what the skill played up to then, however far behind the listener runs.
        self.frame_at = time.monotonic()
        device = int(device) if isinstance(device, str) and device.isdigit() else device
        try:
            info = sounddevice.query_devices(device, kind="input")
        except (sounddevice.PortAudioError, ValueError) as error:
            raise MicrophoneUnavailable(f"no microphone{f' called {device!r}' if device is not None else ''} "
                                        f"({error})") from None
        self.name = info["name"]
        rate = SAMPLE_RATE
        try:
            sounddevice.check_input_settings(device, channels=1, dtype="int16", samplerate=rate)
        except (sounddevice.PortAudioError, ValueError):
            rate = int(info["default_samplerate"])  # resampled below
        self._resampler = None
        if rate != SAMPLE_RATE:
            import soxr

            self._resampler = soxr.ResampleStream(rate, SAMPLE_RATE, 1, dtype="int16")
        try:
            self._stream = sounddevice.RawInputStream(samplerate=rate, blocksize=int(rate * FRAME_SECONDS),
                                                      device=device, channels=1, dtype="int16",
                                                      callback=self._take)
            self._stream.start()
        except (sounddevice.PortAudioError, ValueError) as error:
            raise MicrophoneUnavailable(f"the microphone {self.name!r} cannot be opened ({error})") from None

    def _take(self, data, frames, when, status) -> None:
        at = time.monotonic()
        block = bytes(data)
        if self._resampler is not None:
            import numpy

            block = self._resampler.resample_chunk(numpy.frombuffer(block, dtype=numpy.int16)).tobytes()
        self._blocks.put((block, at))

    def frames(self) -> Iterator[bytes]:
        """FRAME_BYTES at a time, as they are recorded, until the microphone is closed."""
        pending = b""
        while True:
            taken = self._blocks.get()
            if taken is None:
                return
            block, at = taken
            pending += block
            while len(pending) >= FRAME_BYTES:
                # a frame ends where the audio still pending after it begins
                self.frame_at = at - (len(pending) - FRAME_BYTES) / 2 / SAMPLE_RATE
                yield pending[:FRAME_BYTES]
                pending = pending[FRAME_BYTES:]

    def close(self) -> None:
        try:
            self._stream.stop()
            self._stream.close()
        finally:
            self._blocks.put(None)
