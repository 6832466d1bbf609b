"""Each reply as one WAV for the page's play button, rendered by the offline runner's own renderer.

Sentences go through skill.local.audio.voice's Pyttsx3Renderer and its cache (the one `render-audio` fills), and
the reply is put together by `write_reply_wav`, as `talk --save-audio` does: speech, pauses as silence, sounds from
audio/. The whole reply is then kept under a name made from its content (its parts and the voice), so the same
reply is rendered once and the browser may cache it. Rendering runs on one worker thread, started as the reply is
sent, so the page shows the reply at once and asks for the audio after.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import threading
import wave
from pathlib import Path
from typing import Sequence

from skill.core.speech import Part, Pause, Say, Sound
from skill.local.audio.voice import Pyttsx3Renderer, RenderError, sentences, sound_file, write_reply_wav

RENDER_WAIT_SECONDS = 60.0  # a long routine step is a few dozen sentences; espeak renders each in well under 1 s
KEEP_JOBS = 64  # finished renders remembered for their durations; older ones are read back from their files


class ReplyAudio:
    def __init__(self, renderer: Pyttsx3Renderer | None, folder: Path):
        self.renderer = renderer
        self.folder = folder  # reply WAVs: <folder>/<hh>/<sha256>.wav
        self._worker = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="console-audio")
        self._jobs: dict[str, concurrent.futures.Future] = {}
        self._lock = threading.Lock()
        self.problem: str | None = None
        if renderer is not None:  # the engine starts on the thread that renders, as every later render runs there
            try:
                self._worker.submit(renderer.start).result(timeout=RENDER_WAIT_SECONDS)
            except (RenderError, concurrent.futures.TimeoutError) as error:
                self.renderer, self.problem = None, str(error) or "the speech engine did not start"

    @property
    def available(self) -> bool:
        return self.renderer is not None

    def key(self, parts: Sequence[Part]) -> str:
        voice, rate = self.renderer.voice_and_rate()
        content = [_describe(part) for part in parts]
        text = json.dumps([content, voice, rate, self.renderer.engine_name()], ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def submit(self, parts: Sequence[Part]) -> str | None:
        """Start rendering `parts` (unless that reply is rendered already); its key, or None without a voice."""
        if self.renderer is None:
            return None
        key = self.key(parts)
        with self._lock:
            if key not in self._jobs:
                self._jobs[key] = self._worker.submit(self._render, key, list(parts))
                for old in list(self._jobs)[:-KEEP_JOBS]:
                    if self._jobs[old].done():
                        del self._jobs[old]
        return key

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.wav"

    def wait(self, key: str, timeout: float = RENDER_WAIT_SECONDS) -> Path | None:
        """The WAV of `key` once rendered; None if it is unknown or could not be rendered."""
        with self._lock:
            job = self._jobs.get(key)
        if job is not None:
            try:
                job.result(timeout=timeout)
            except (RenderError, OSError, concurrent.futures.TimeoutError):
                return None
        path = self.path(key)
        return path if path.is_file() else None

    def seconds(self, part: Part) -> float:
        """How long `part` plays: a sentence's rendered length (rendered now if it is not yet), a sound's file."""
        try:
            if isinstance(part, Pause):
                return part.seconds
            if isinstance(part, Sound):
                return _wav_seconds(sound_file(part.name))
            if isinstance(part, Say) and self.renderer is not None:
                return sum(_wav_seconds(self.renderer.render(sentence)) for sentence in sentences(part.text))
        except (RenderError, OSError, wave.Error):
            pass
        return _reading_seconds(part.text) if isinstance(part, Say) else 0.0

    def close(self) -> None:
        self._worker.shutdown(wait=False, cancel_futures=True)

    def _render(self, key: str, parts: list[Part]) -> Path:
        path = self.path(key)
        if path.is_file():
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{threading.get_ident()}.part")
        try:
            write_reply_wav(parts, self.renderer, partial)
            os.replace(partial, path)  # whole or not at all: a page never gets half a file
        finally:
            partial.unlink(missing_ok=True)
        return path


def _describe(part: Part) -> list:
    if isinstance(part, Say):
        return ["say", part.text]
    if isinstance(part, Pause):
        return ["pause", round(part.seconds, 3)]
    return ["sound", part.name]


def _wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / float(wav.getframerate())


def _reading_seconds(text: str) -> float:
    """Without a voice, about how long the words would take at a speaking pace of 160 words a minute."""
    return len(text.split()) * 60.0 / 160.0
