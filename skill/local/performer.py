"""Plays a reply's parts: sentences through the voice, pauses as real (or compressed) time, sounds from audio/.

Every step checks the stop event, so typing during a hold or a sentence cuts in: a pause returns the moment
the event is set, a sentence being played is stopped by the player within a tenth of a second.

What was actually played is noted as it goes (`played`): --save-audio writes that, not the reply as planned, so a
reply cut short is saved as far as it was heard.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable, Sequence

from skill.local.clock import Clock
from skill.local.audio.voice import Clipped, Player, Renderer, RenderError
from skill.core.speech import Part, Pause, Say, Sound


class Performer:
    def __init__(self, clock: Clock, renderer: Renderer | None = None, player: Player | None = None,
                 sound_file: Callable[[str], Path] | None = None, show: Callable[[str], None] | None = None,
                 split: Callable[[str], list[str]] = lambda text: [text]):
        self.clock = clock
        self.renderer = renderer if player else None  # rendering without a way to play it would only cost time
        self.player = player
        self.sound_file = sound_file
        self.show = show  # text mode: each sentence is printed as it is reached, not all at once
        self.split = split  # sentence splitter shared with render-audio, so pre-rendered files are found
        self.on_part: Callable[[Part], None] = lambda part: None  # each part as it starts (the live status line)

    def perform(self, parts: Sequence[Part], stop: threading.Event, played: list[Part | Clipped] | None = None) -> bool:
        """Play `parts` in order; True when `stop` cut the performance short. `played`, if given, gets what was
        played: whole parts, and the part that was cut as `Clipped` (its first seconds). Without a voice a sentence
        counts as played once it is shown, and a sound as its whole length.

        A reply stopped before it starts (its line was typed ahead, or piped) is still shown in text mode, all at
        once, so a script's replies can be read; only the playing and the waiting are skipped."""
        played = [] if played is None else played
        if stop.is_set():
            if self.show:
                for part in parts:
                    if isinstance(part, Say):
                        self.show(part.written)
            return True
        for part in parts:
            if stop.is_set():
                return True
            self.on_part(part)
            if isinstance(part, Pause):
                started = self.clock.now()
                if self.clock.wait(part.seconds, stop):
                    played.append(Pause(min(part.seconds, max(0.0, self.clock.now() - started))))
                    return True
                played.append(part)
            elif isinstance(part, Say):
                if self.show:
                    self.show(part.written)  # "999" on screen, "9 9 9" for the voice
                self._speak(part.text, stop, played)
            elif isinstance(part, Sound):
                if self.player and self.sound_file:
                    self._play(Sound(part.name), self.sound_file(part.name), stop, played)
                else:
                    played.append(part)
        return stop.is_set()

    def _speak(self, text: str, stop: threading.Event, played: list[Part | Clipped]) -> None:
        if self.renderer is None:
            played.extend(Say(sentence) for sentence in self.split(text))
            return
        for sentence in self.split(text):
            if stop.is_set():
                return
            try:
                path = self.renderer.render(sentence)
            except RenderError:
                return  # the words were already shown; silence is better than stopping the conversation
            self._play(Say(sentence), path, stop, played)

    def _play(self, part: Say | Sound, path: Path, stop: threading.Event, played: list[Part | Clipped]) -> None:
        # Measured on the wall clock: a voice plays in real time whatever the runner's clock does.
        started = time.monotonic()
        self.player.play(path, stop)
        played.append(Clipped(part, time.monotonic() - started) if stop.is_set() else part)
