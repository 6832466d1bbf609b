"""Plays a reply's parts: sentences through the voice, pauses as real (or compressed) time, sounds from audio/.

Every step checks the stop event, so typing during a hold or a sentence cuts in: a pause returns the moment
the event is set, a sentence being played is stopped by the player within a tenth of a second.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable, Sequence

from skill.local.clock import Clock
from skill.local.audio.voice import Player, Renderer, RenderError
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

    def perform(self, parts: Sequence[Part], stop: threading.Event) -> bool:
        """Play `parts` in order; True when `stop` cut the performance short.

        A reply stopped before it starts (its line was typed ahead, or piped) is still shown in text mode, all at
        once, so a script's replies can be read; only the playing and the waiting are skipped."""
        if stop.is_set():
            if self.show:
                for part in parts:
                    if isinstance(part, Say):
                        self.show(part.written)
            return True
        for part in parts:
            if stop.is_set():
                return True
            if isinstance(part, Pause):
                if self.clock.wait(part.seconds, stop):
                    return True
            elif isinstance(part, Say):
                if self.show:
                    self.show(part.written)  # "999" on screen, "9 9 9" for the voice
                self._speak(part.text, stop)
            elif isinstance(part, Sound) and self.player and self.sound_file:
                self.player.play(self.sound_file(part.name), stop)
        return stop.is_set()

    def _speak(self, text: str, stop: threading.Event) -> None:
        if self.renderer is None:
            return
        for sentence in self.split(text):
            if stop.is_set():
                return
            try:
                path = self.renderer.render(sentence)
            except RenderError:
                return  # the words were already shown; silence is better than stopping the conversation
            self.player.play(path, stop)
