"""The offline runner's audio: sentences rendered to cached WAV files with pyttsx3, and WAV files played by a
command-line player that can be stopped within a tenth of a second.

Why it is built this way: README.md, "Design notes".
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Protocol, Sequence

import pyttsx3

from skill.local.audio.sounds import SOUNDS_FILE, SPEECH_FORMAT, WavFormat
from skill.core.speech import SOUNDBANK, Part, Pause, Say, Sound

AUDIO_DIR = Path(__file__).resolve().parents[3] / "audio"

# Words a minute unless --rate says otherwise: pyttsx3 documents 200, but reading it back from a just-started
# espeak driver sometimes gives espeak's own 175, so a run could speak slower and miss the pre-rendered cache.
DEFAULT_RATE = 200
RENDER_TIMEOUT_SECONDS = 20.0  # espeak renders a long paragraph in well under a second
PROBE_TIMEOUT_SECONDS = 5.0  # each start-up check: the engine starting, the player opening the device
STOP_POLL_SECONDS = 0.05  # how often a playing sound checks its stop event
BLANK_SECONDS = 0.1  # the silent WAV served for blank text
PROBE_SECONDS = 0.05  # the silent WAV the player check plays
FILE_POLL_SECONDS = 0.01  # also how often a busy espeak is asked again
RENDER_ATTEMPTS = 2  # a render the driver cancels (see _synthesise_once) is tried again

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_SYNTH_LOCK = threading.Lock()


class RenderError(Exception):
    """Text could not be rendered to speech, or the engine could not start."""


class UnknownVoiceError(RenderError):
    """--voice named no installed voice; the message lists close alternatives."""


def sentences(text: str) -> list[str]:
    """`text` split after '.', '!' or '?' followed by whitespace: the unit of rendering and caching."""
    return [sentence for sentence in _SENTENCE_END.split(text.strip()) if sentence]


@dataclass(frozen=True)
class Clipped:
    """The first `seconds` of a part: a sentence or sound cut short when the user cut in."""

    part: Say | Sound
    seconds: float


class Renderer(Protocol):
    def render(self, text: str) -> Path: ...


class Player(Protocol):
    def play(self, path: Path, stop: threading.Event) -> None: ...


# --- rendering ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Settings:
    engine: pyttsx3.engine.Engine
    voice_id: str
    rate: int


class Pyttsx3Renderer:
    """Renders text to `<cache_dir>/<hh>/<sha256>.wav`, keyed by text, voice id, rate and pyttsx3 driver."""

    def __init__(self, cache_dir: Path, voice: str | None = None, rate: int | None = None):
        self.cache_dir = cache_dir
        self._voice = voice
        self._rate = rate
        self._settings: _Settings | None = None

    def start(self) -> None:
        """Start the engine and resolve the voice now rather than on the first render; raises RenderError."""
        self._started()

    def engine_name(self) -> str:
        """pyttsx3's driver: 'espeak' (espeak-ng) on Linux, 'nsss' on macOS."""
        return self._started().engine.driver_name

    def voice_and_rate(self) -> tuple[str, int]:
        """The voice id and words per minute this renderer speaks with, as resolved when the engine started."""
        settings = self._started()
        return settings.voice_id, settings.rate

    def voices(self) -> list[tuple[str, str]]:
        """(id, name) of every installed voice."""
        engine = self._started().engine
        with _SYNTH_LOCK:
            return [(voice.id, voice.name) for voice in engine.getProperty("voices")]

    def cached(self, text: str) -> bool:
        return not text.strip() or self._cache_path(text).is_file()

    def render(self, text: str) -> Path:
        if not text.strip():
            return self._blank()
        settings = self._started()
        path = self._cache_path(text)
        if path.is_file():
            return path
        with _SYNTH_LOCK:
            if not path.is_file():  # another thread may have rendered it while this one waited for the lock
                _synthesise(settings, text, path)
        return path

    def _started(self) -> _Settings:
        with _SYNTH_LOCK:
            if self._settings is None:
                self._settings = self._start_engine()
            return self._settings

    def _start_engine(self) -> _Settings:
        try:
            engine = pyttsx3.init()
            _silence_driver_prints(engine.driver_name)
            installed = [(voice.id, voice.name) for voice in engine.getProperty("voices")]
            voice_id = _match_voice(self._voice, installed) if self._voice else engine.getProperty("voice")
            rate = self._rate or DEFAULT_RATE
        except RenderError:
            raise
        except Exception as error:  # RuntimeError, OSError...: whatever the driver raises when espeak is missing
            raise RenderError(f"pyttsx3 could not start its speech engine: {error}") from error
        return _Settings(engine, voice_id, int(rate))

    def _cache_path(self, text: str) -> Path:
        settings = self._started()
        key = json.dumps([text, settings.voice_id, settings.rate, settings.engine.driver_name])
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return self.cache_dir / digest[:2] / f"{digest}.wav"

    def _blank(self) -> Path:
        # pyttsx3 cannot render blank text (say() refuses it, save_to_file() asserts), so silence stands in.
        path = self.cache_dir / "blank.wav"
        if not path.is_file():
            temporary = _temporary_beside(path)
            try:
                _write_frames(temporary, SPEECH_FORMAT, _silence(BLANK_SECONDS, SPEECH_FORMAT))
                os.replace(temporary, path)
            finally:
                temporary.unlink(missing_ok=True)
        return path


def _synthesise(settings: _Settings, text: str, path: Path) -> None:
    """Render `text` into a temporary file beside `path`, then move it into place, so that neither a reader
    nor a render that died half way ever leaves a partial WAV under the cache name. Call with _SYNTH_LOCK held."""
    deadline = time.monotonic() + RENDER_TIMEOUT_SECONDS
    temporary = _temporary_beside(path)
    try:
        for _ in range(RENDER_ATTEMPTS):
            if _synthesise_once(settings, text, temporary, deadline):
                os.replace(temporary, path)
                return
        raise RenderError(f"pyttsx3 cancelled every attempt to render {text!r}")
    except RenderError:
        raise
    except Exception as error:  # the driver's own failures (espeak errors, a refused property...)
        raise RenderError(f"pyttsx3 failed to render {text!r}: {error}") from error
    finally:
        temporary.unlink(missing_ok=True)


def _synthesise_once(settings: _Settings, text: str, target: Path, deadline: float) -> bool:
    """One attempt; False if the driver cancelled it, which leaves `target` cut short or empty."""
    engine = settings.engine
    finished = threading.Event()
    completions: list[bool] = []
    errors: list[BaseException] = []

    def on_finished(completed: bool = True, **_: Any) -> None:
        completions.append(completed)
        finished.set()

    def on_error(exception: BaseException, **_: Any) -> None:
        errors.append(exception)
        finished.set()

    tokens = [engine.connect("finished-utterance", on_finished), engine.connect("error", on_error)]
    try:
        engine.setProperty("voice", settings.voice_id)  # the engine is shared: set ours every time
        engine.setProperty("rate", settings.rate)
        # runAndWait() starts by stopping the driver, and if espeak is still busy (applying the properties just
        # set, or finishing the previous utterance's tail) the stop cancels the utterance about to be rendered,
        # cutting it short or leaving an empty WAV. Starting only once espeak is idle avoids that, and also
        # keeps a late event from an earlier utterance out of this attempt.
        _wait_until_idle(settings.engine, deadline)
        engine.save_to_file(text, str(target))  # never say(): it needs aplay and overwrites the saved file
        engine.runAndWait()
        # runAndWait() can return before espeak's thread has written the file: wait for the driver's own event.
        if not finished.wait(max(0.0, deadline - time.monotonic())):
            raise RenderError(f"pyttsx3 did not finish within {RENDER_TIMEOUT_SECONDS:g} s rendering {text!r}")
        if errors:
            raise RenderError(f"pyttsx3 failed to render {text!r}: {errors[0]}")
        # A cancel is reported as a 'finished-utterance' with completed=False from inside runAndWait(), so it
        # has been recorded by now, even when espeak's own completed=True came first.
        if not all(completions):
            return False
        _wait_for_complete_wav(target, deadline)
        return True
    finally:
        for token in tokens:
            engine.disconnect(token)


def _wait_until_idle(engine: pyttsx3.engine.Engine, deadline: float) -> None:
    """Until espeak has no command queued or running. pyttsx3 has no public call for this, so the espeak
    driver's own binding is asked; other drivers synthesise synchronously and need no wait."""
    if engine.driver_name != "espeak":
        return
    from pyttsx3.drivers import _espeak  # already loaded by the espeak driver

    while _espeak.IsPlaying():
        if time.monotonic() > deadline:
            raise RenderError(f"espeak stayed busy for {RENDER_TIMEOUT_SECONDS:g} s")
        time.sleep(FILE_POLL_SECONDS)


def _temporary_beside(path: Path) -> Path:
    """A new empty file in `path`'s folder (so os.replace onto `path` is atomic), not ending in .wav."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(prefix=f".{path.stem[:8]}-", suffix=".part", dir=path.parent)
    os.close(descriptor)
    return Path(name)


def _silence_driver_prints(driver_name: str) -> None:
    """The espeak driver reports every save with print("Audio saved to ...") from espeak's callback thread.
    contextlib.redirect_stdout would hide it, but it swaps sys.stdout for the whole process while a render
    runs, swallowing whatever the runner's other threads print meanwhile; shadowing `print` in the driver
    module alone silences exactly the driver."""
    module = sys.modules.get(f"pyttsx3.drivers.{driver_name}")
    if module is not None:
        module.print = lambda *args, **kwargs: None


def _match_voice(wanted: str, installed: Sequence[tuple[str, str]]) -> str:
    """The id of the voice whose id, id without its language family ('en-us' for 'gmw/en-us') or name is
    `wanted`, ignoring case; UnknownVoiceError naming the closest alternatives otherwise."""
    key = wanted.strip().lower()
    for voice_id, name in installed:
        if key in (voice_id.lower(), voice_id.lower().rsplit("/", 1)[-1], name.lower()):
            return voice_id
    labels = {f"{voice_id.rsplit('/', 1)[-1]} ({name})": voice_id.rsplit("/", 1)[-1] for voice_id, name in installed}
    close = difflib.get_close_matches(key, labels.values(), n=5, cutoff=0.4)
    examples = [label for label, short in labels.items() if short in close] or list(labels)[:5]
    raise UnknownVoiceError(f"unknown voice {wanted!r}; try {', '.join(examples)}")


def _wait_for_complete_wav(path: Path, deadline: float) -> None:
    """Until `path` reads as a WAV with samples and holds every byte its header promises. The driver closes the
    file before its event fires, so the first look normally passes; a different driver or version might not, so
    it is checked rather than assumed. (One look, not two equal sizes 10 ms apart: that wait was a third of the
    time from Enter to the first sample of an uncached sentence.)"""
    while time.monotonic() < deadline:
        if _is_complete_wav(path):
            return
        time.sleep(FILE_POLL_SECONDS)
    raise RenderError(f"pyttsx3 reported success but {path.name} never became a complete WAV")


def _is_complete_wav(path: Path) -> bool:
    """A RIFF WAVE file with PCM samples, as long as its header says. Writers put sizes in the header before the
    samples and patch them on close (Python's wave does both), so a file still being written promises more bytes
    than it has, promises none, or has more than its header counts (samples appended after the first write)."""
    try:
        with path.open("rb") as file:
            length = os.fstat(file.fileno()).st_size
            riff = file.read(12)
            if len(riff) < 12 or riff[:4] != b"RIFF" or riff[8:] != b"WAVE":
                return False
            declared = int.from_bytes(riff[4:8], "little") + 8
            if not declared <= length <= declared + 1:  # + 1: a pad byte after odd-sized data, left uncounted
                return False
            while len(header := file.read(8)) == 8:
                size = int.from_bytes(header[4:], "little")
                if header[:4] == b"data":
                    return 0 < size <= length - file.tell() and _is_wav(path)
                file.seek(size + size % 2, os.SEEK_CUR)  # chunks are padded to an even length
            return False
    except OSError:
        return False


def _is_wav(path: Path) -> bool:
    try:
        with wave.open(str(path), "rb") as wav:
            return wav.getnframes() > 0
    except (wave.Error, EOFError):
        return False


# --- playing ------------------------------------------------------------------------------------------------

# Tried in order; each is given the WAV path as its last argument.
PLAYER_COMMANDS = (
    ("aplay", "-q"),  # Linux (alsa-utils)
    ("paplay",),  # Linux with PulseAudio or PipeWire
    ("afplay",),  # macOS
    ("ffplay", "-nodisp", "-autoexit", "-loglevel", "quiet"),
)


class CommandPlayer:
    """Plays a WAV by running a player command, terminating it as soon as `stop` is set."""

    def __init__(self, command: Sequence[str]):
        self.command = tuple(command)

    @classmethod
    def find(cls) -> CommandPlayer | None:
        for command in PLAYER_COMMANDS:
            executable = shutil.which(command[0])
            if executable:
                return cls((executable, *command[1:]))
        return None

    @property
    def name(self) -> str:
        return Path(self.command[0]).name

    def play(self, path: Path, stop: threading.Event) -> None:
        if stop.is_set():
            return
        process = subprocess.Popen([*self.command, str(path)], stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while not stop.is_set():
                try:
                    process.wait(timeout=STOP_POLL_SECONDS)
                    return  # a failed playback is not reported: check() vetted the device, the text carries the reply
                except subprocess.TimeoutExpired:
                    continue
        finally:
            _end(process)

    def check(self) -> str | None:
        """None if a 50 ms silent WAV plays, else why not (the player's own complaint, shortened)."""
        with tempfile.TemporaryDirectory() as folder:
            probe = Path(folder) / "probe.wav"
            _write_frames(probe, SPEECH_FORMAT, _silence(PROBE_SECONDS, SPEECH_FORMAT))
            try:
                finished = subprocess.run([*self.command, str(probe)], stdin=subprocess.DEVNULL,
                                          capture_output=True, text=True, timeout=PROBE_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                return f"{self.name}: no answer within {PROBE_TIMEOUT_SECONDS:g} s"
            except OSError as error:
                return f"{self.name}: {error.strerror or error}"
        if finished.returncode == 0:
            return None
        return f"{self.name}: {_first_complaint(finished.stderr) or f'exit status {finished.returncode}'}"


def _end(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# "ALSA lib confmisc.c:855:(parse_card) " or "aplay: main:831: ": where the message came from, not what it says.
_SOURCE_PREFIX = re.compile(r"^(?:ALSA lib |[\w.-]+: )?[\w.]+:\d+:(?:\([\w]+\))?\s*")


def _first_complaint(stderr: str) -> str:
    for line in stderr.splitlines():
        if line.strip():
            return _SOURCE_PREFIX.sub("", line.strip())
    return ""


# --- start-up -----------------------------------------------------------------------------------------------


def open_audio(voice: str | None, rate: int | None, cache_dir: Path,
               warn: Callable[[str], None]) -> tuple[Renderer | None, Player | None]:
    """The renderer and player that work on this machine, None for each that does not. Never raises and never
    hangs; problems are reported in one call to `warn`, one sentence each."""
    problems: list[str] = []
    renderer = _open_renderer(voice, rate, cache_dir, problems)
    player = _open_player(problems)
    if problems:
        warn(" ".join(problems))
    return renderer, player


def _open_renderer(voice: str | None, rate: int | None, cache_dir: Path, problems: list[str]) -> Renderer | None:
    renderer = Pyttsx3Renderer(cache_dir, voice, rate)
    error = _within(PROBE_TIMEOUT_SECONDS, renderer.start)
    if isinstance(error, UnknownVoiceError):
        problems.append(f"Voice not available ({error}); using the default voice.")
        renderer = Pyttsx3Renderer(cache_dir, None, rate)
        error = _within(PROBE_TIMEOUT_SECONDS, renderer.start)
    if error is not None:
        problems.append(f"No text-to-speech voice ({error}); replies are shown as text.")
        return None
    return renderer


def _open_player(problems: list[str]) -> Player | None:
    player = CommandPlayer.find()
    if player is None:
        names = ", ".join(command[0] for command in PLAYER_COMMANDS)
        problems.append(f"No audio player found (looked for {names}); answering in text.")
        return None
    reason = player.check()
    if reason is not None:
        problems.append(f"No audio device found ({reason}); answering in text.")
        return None
    return player


def _within(seconds: float, action: Callable[[], None]) -> Exception | None:
    """Run `action` on a daemon thread (so a hung driver cannot keep the program from exiting either); the
    exception it raised, a TimeoutError if it is still running after `seconds`, or None."""
    outcome: list[Exception | None] = []

    def attempt() -> None:
        try:
            action()
            outcome.append(None)
        except Exception as error:  # reported to the caller, whatever the driver raised
            outcome.append(error)

    thread = threading.Thread(target=attempt, name="audio-probe", daemon=True)
    thread.start()
    thread.join(seconds)
    return outcome[0] if outcome else TimeoutError(f"no answer within {seconds:g} s")


# --- sounds and whole replies -------------------------------------------------------------------------------


@functools.cache
def _sound_files() -> dict[str, str]:
    return json.loads((AUDIO_DIR / SOUNDS_FILE).read_text(encoding="utf-8"))


def sound_file(name: str) -> Path:
    """The local WAV standing in for the Alexa sound-library clip of Sound(name)."""
    return AUDIO_DIR / _sound_files()[SOUNDBANK[name]]


def write_reply_wav(parts: Sequence[Part | Clipped], renderer: Renderer, path: Path) -> None:
    """One WAV for a whole reply (--save-audio): speech sentence by sentence, pauses as silence, sounds from
    audio/, all converted to SPEECH_FORMAT; a `Clipped` part only as far as it was played (none at all is an empty
    WAV). RenderError if a sentence cannot be rendered."""
    audio = bytearray()
    for part in parts:
        clipped = part if isinstance(part, Clipped) else None
        part = clipped.part if clipped else part
        if isinstance(part, Say):
            sound = b"".join(_read_as(renderer.render(sentence), SPEECH_FORMAT) for sentence in sentences(part.text))
        elif isinstance(part, Pause):
            sound = _silence(part.seconds, SPEECH_FORMAT)
        else:
            sound = _read_as(sound_file(part.name), SPEECH_FORMAT)
        if clipped:
            frame = SPEECH_FORMAT.channels * SPEECH_FORMAT.sample_width
            sound = sound[:round(clipped.seconds * SPEECH_FORMAT.frame_rate) * frame]
        audio += sound
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_frames(path, SPEECH_FORMAT, bytes(audio))


def _read_as(path: Path, target: WavFormat) -> bytes:
    with wave.open(str(path), "rb") as wav:
        source = WavFormat(wav.getnchannels(), wav.getsampwidth(), wav.getframerate())
        frames = wav.readframes(wav.getnframes())
    if source == target:
        return frames
    from skill.local.audio.pcm import convert  # here: numpy takes ~80 ms to import, and espeak never needs it
    return convert(frames, source, target)


def _write_frames(path: Path, audio_format: WavFormat, frames: bytes) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(audio_format.channels)
        wav.setsampwidth(audio_format.sample_width)
        wav.setframerate(audio_format.frame_rate)
        wav.writeframes(frames)


def _silence(seconds: float, audio_format: WavFormat) -> bytes:
    # 8-bit WAV samples are unsigned: their silence is 128, not 0.
    quiet = b"\x80" if audio_format.sample_width == 1 else b"\x00" * audio_format.sample_width
    return quiet * audio_format.channels * round(seconds * audio_format.frame_rate)
