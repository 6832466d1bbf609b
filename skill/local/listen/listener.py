"""From a stream of audio to what was said: pocketsphinx's endpointer finds each stretch of speech, the recogniser
decodes it when it ends, and while the skill's own voice plays the keyword spotter listens for barge-in words.

Audio comes in frames of FRAME_BYTES (30 ms of 16-bit 16 kHz mono), from the microphone (skill.local.listen.microphone)
or a WAV file (tests, bench/listen.py): the same code either way.

The microphone hears the skill too. With an echo canceller (skill.local.listen.echo) and the audio the skill played,
its voice is taken out of each frame first, and the endpointer, decoder and keyword spotter hear what is left as they
would in silence: a barge-in word said over the skill is decoded whole. Without one, while it plays only the keyword
spotter listens, and a keyword that sounds like a word of the sentence being played is the skill's own voice, not the
user's ("say stop at any time", "Stopping here"); of speech that began while the skill played, only what follows its
last sound is decoded, and only if there is enough of it to be words (someone answering as the question ends); the
rest is the skill's voice heard back.
"""

from __future__ import annotations

import collections
import functools
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable

import numpy
from pocketsphinx import Endpointer, Vad

from skill.local.listen.echo import EchoCanceller
from skill.local.listen.keywords import KeywordSpotter
from skill.local.listen.recognise import SAMPLE_RATE, Recogniser, Recognition

FRAME_SECONDS = 0.03
FRAME_BYTES = int(SAMPLE_RATE * FRAME_SECONDS) * 2
AFTER_SKILL_SECONDS = 0.3  # speech that began over the skill's voice and goes on this long after it is decoded
KEYWORD_CLAIMS_SECONDS = 0.6  # a segment this close to a keyword found is that keyword's, already acted on
# The endpointer's strictest voice detector: the looser ones take even faint steady noise (a fan, a quiet hiss) for
# speech that never ends. It finds the start of a word late, most of all a soft start ("stop", "pause", "help",
# "skip"), so the decoder also gets the 0.6 s before: with 0.3 s the first word was often lost ("skip this one" heard
# as "this one"; bench/listen.py, 3 points of the commands).
VOICE_DETECTION = Vad.STRICT
PREROLL_FRAMES = 20
# The endpointer's window: 90 % of it must be speech to start an utterance and silence to end one. pocketsphinx's
# 0.3 s; a longer one would let someone in pain pause mid-sentence, but never start on a short "yes" or "stop".
ENDPOINT_WINDOW_SECONDS = 0.3
# A microphone always hears some room and circuit noise; synthesised speech and files with digital silence have none,
# and pocketsphinx's acoustic model (trained on recordings) then mishears them: espeak-ng's renderings, half their
# samples exactly zero, were heard right 58 % of the time with no floor and 75 % with pink noise at -61 dBFS under them
# (the commands, bench/listen.py's 4 voices at 140 wpm; pocketsphinx's own dither, one bit, did nothing). So every
# frame gets that much pink noise: under a real microphone's own floor it changes nothing, and it makes clean input
# sound like a quiet room.
NOISE_FLOOR_RMS = 30.0  # 16-bit sample units: -61 dBFS
NOISE_FLOOR_SECONDS = 7.0  # the floor repeats after this long (drawn once, with a fixed seed: the same every run)
# After the skill's audio ends, the room still carries it this long (reverberation, the sound card's buffer): the
# canceller's output is used until then. Outside that, the microphone's frames go on unchanged, as without one.
CANCELLED_TAIL_SECONDS = 0.5


@dataclass(frozen=True)
class Heard:
    recognition: Recognition
    started: float  # seconds into the stream
    ended: float
    barge_in: bool = False  # a keyword spotted over the skill's voice, acted on before the speech ended
    at: float = 0.0  # time.monotonic() when it was known

    @property
    def text(self) -> str:
        return self.recognition.text


class Listener:
    """Feed it frames in order (one thread); it calls `on_heard` with each utterance as soon as it is known.

    `skill_audio()` says what the skill is playing at that moment: the words of the sentence (a sound: ""), or None
    while it is silent. With an `echo` canceller, `played()` gives the audio the skill played over the frame just
    fed (16-bit 16 kHz mono, a frame's length), None while it played nothing."""

    def __init__(self, recogniser: Recogniser, spotter: KeywordSpotter | None, on_heard: Callable[[Heard], None],
                 skill_audio: Callable[[], str | None] = lambda: None, echo: EchoCanceller | None = None,
                 played: Callable[[], bytes | None] = lambda: None):
        self.recogniser = recogniser
        self.spotter = spotter
        self.on_heard = on_heard
        self.skill_audio = skill_audio
        self.echo = echo
        self.played = played
        self._echo_until = -1.0  # stream seconds: the canceller's output is used until then
        self.endpointer = Endpointer(window=ENDPOINT_WINDOW_SECONDS, vad_mode=VOICE_DETECTION)
        assert self.endpointer.frame_bytes == FRAME_BYTES
        self.frames = 0
        self._speech = bytearray()
        self._speech_from = 0.0  # stream seconds where the bytes of _speech begin
        self._skill_heard_until = -1.0  # stream seconds: the end of the last frame taken while the skill played
        self._keyword_at: float | None = None
        self._spotting = False
        self._recent: collections.deque[bytes] = collections.deque(maxlen=PREROLL_FRAMES + 30)
        self._floor = _noise_floor()
        self._floor_at = 0

    @property
    def now(self) -> float:
        """Seconds of audio taken so far."""
        return self.frames * FRAME_SECONDS

    def run(self, frames: Iterable[bytes]) -> None:
        """Every frame of `frames`, then the end of the stream (speech still going is decoded)."""
        last = b""
        for frame in frames:
            if len(frame) < FRAME_BYTES:
                last = frame
                break
            self.feed(frame)
        self.end(last)

    def feed(self, frame: bytes) -> None:
        cancelled = False
        if self.echo is not None:
            played = self.played()
            cleaned = self.echo.clean(frame, played)  # every frame: the canceller keeps track of the room
            if played is not None:
                self._echo_until = self.now + FRAME_SECONDS + CANCELLED_TAIL_SECONDS
            if self.now < self._echo_until:
                frame, cancelled = cleaned, True
        frame = self._with_floor(frame)
        playing = self.skill_audio()
        if playing is not None and self.spotter is not None:
            # The spotter hears what the canceller leaves too: over the skill's voice through a reverberant room it
            # heard 7 false barge-ins in 4 minutes on the microphone's own frames, none on the cancelled ones, and
            # answers within a fifth of a second where the decoder waits for the end of the utterance
            # (bench/listen.py's barge-in cases).
            self._spotting = True
            phrase = self.spotter.feed(frame)
            if phrase and not (playing and self.spotter.sounds_like(phrase, playing)):
                self._keyword_at = self.now
                self.on_heard(Heard(Recognition(phrase, (phrase,)), self.now, self.now, barge_in=True,
                                    at=time.monotonic()))
        elif self._spotting and self.spotter is not None:
            self.spotter.reset()
            self._spotting = False
        self.frames += 1
        if playing is not None and not cancelled:
            self._skill_heard_until = self.now
        self._recent.append(frame)
        was_in_speech = self.endpointer.in_speech
        speech = self.endpointer.process(frame)
        if speech is None:
            return
        if not was_in_speech:
            started = self.endpointer.speech_start
            before = self._around(started - PREROLL_FRAMES * FRAME_SECONDS, started)
            self._speech, self._speech_from = bytearray(before), started - len(before) / FRAME_BYTES * FRAME_SECONDS
        self._speech += speech
        if not self.endpointer.in_speech:
            self._speech += self._around(self.endpointer.speech_end, self.now)  # the quiet end of a last word
            self._finish(self.endpointer.speech_start, self.endpointer.speech_end)

    def end(self, last: bytes = b"") -> None:
        """The stream is over: decode speech still going."""
        if last:
            last = self._with_floor(last)
        if self.endpointer.in_speech:
            speech = self.endpointer.end_stream(last or bytes(FRAME_BYTES))  # it needs a frame, even a silent one
            if speech:
                self._speech += speech
            self._finish(self.endpointer.speech_start, self.now)

    def _with_floor(self, frame: bytes) -> bytes:
        """`frame` with the next stretch of the noise floor added (NOISE_FLOOR_RMS)."""
        samples = numpy.frombuffer(frame, dtype=numpy.int16)
        floor = numpy.take(self._floor, range(self._floor_at, self._floor_at + len(samples)), mode="wrap")
        self._floor_at = (self._floor_at + len(samples)) % len(self._floor)
        return numpy.clip(samples + floor, -32768, 32767).astype(numpy.int16).tobytes()

    def _around(self, first: float, last: float) -> bytes:
        """The frames already taken that start from `first` and before `last` seconds into the stream (the endpointer
        hands speech over a window late, so the frames around what it hands over are here already)."""
        oldest = self.frames - len(self._recent)
        start, end = max(oldest, round(first / FRAME_SECONDS)), round(last / FRAME_SECONDS)
        return b"".join(self._recent[index - oldest] for index in range(start, end))

    def _finish(self, started: float, ended: float) -> None:
        if self._keyword_at is not None and started - KEYWORD_CLAIMS_SECONDS <= self._keyword_at <= ended + \
                KEYWORD_CLAIMS_SECONDS:
            return  # the keyword in it was already acted on
        speech = bytes(self._speech)
        if self._skill_heard_until > self._speech_from:
            skip = round((self._skill_heard_until - self._speech_from) / FRAME_SECONDS) * FRAME_BYTES
            if len(speech) - skip < AFTER_SKILL_SECONDS / FRAME_SECONDS * FRAME_BYTES:
                return  # the skill's own voice, heard back, and at most a sound after it
            speech, started = speech[skip:], self._skill_heard_until
        recognition = self.recogniser.recognise(speech)
        if recognition.text:
            self.on_heard(Heard(recognition, started, ended, at=time.monotonic()))


@functools.cache
def _noise_floor() -> numpy.ndarray:
    """NOISE_FLOOR_SECONDS of pink noise (power falling as 1/frequency, as a room's does) at NOISE_FLOOR_RMS."""
    count = int(SAMPLE_RATE * NOISE_FLOOR_SECONDS)
    spectrum = numpy.fft.rfft(numpy.random.default_rng(16).standard_normal(count))
    frequencies = numpy.fft.rfftfreq(count, 1 / SAMPLE_RATE)
    spectrum[1:] /= numpy.sqrt(frequencies[1:])
    spectrum[0] = 0.0
    noise = numpy.fft.irfft(spectrum, count)
    return noise * (NOISE_FLOOR_RMS / numpy.sqrt(numpy.mean(noise ** 2)))


def heard_in(samples: Any, rate: int, recogniser: Recogniser) -> list[Heard]:
    """Every utterance in a whole recording (mono 16-bit samples at `rate`), decoded as the microphone's would be
    (bench/listen.py, tests)."""
    import soxr

    if rate != SAMPLE_RATE:
        samples = soxr.resample(samples, rate, SAMPLE_RATE)
    data = numpy.asarray(samples, dtype=numpy.int16).tobytes()
    heard: list[Heard] = []
    Listener(recogniser, None, heard.append).run(data[i:i + FRAME_BYTES] for i in range(0, len(data), FRAME_BYTES))
    return heard
