"""--save-audio: the WAVs hold what was actually played. The heat alarm gets its own WAV (the chime and its spoken
announcement), and a reply cut short by a typed line holds only as much as was heard. Speech is real pyttsx3
output; the player is a stand-in command that takes as long as the WAV it is given, as a sound device would."""

from __future__ import annotations

import shutil
import sys
import threading
import time
import wave
from pathlib import Path

import pytest

from skill.core.speech import Say, parse_ssml
from skill.local.audio.voice import CommandPlayer, Pyttsx3Renderer, sentences, sound_file
from skill.local.performer import Performer
from skill.local.session import _saver
from test_talk import Harness

pytestmark = pytest.mark.skipif(not (sys.platform.startswith("linux") and shutil.which("espeak-ng")),
                                reason="real speech needs espeak-ng (Linux)")


def frames(path: Path) -> bytes:
    with wave.open(str(path), "rb") as wav:
        return wav.readframes(wav.getnframes())


def seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


@pytest.fixture
def renderer(tmp_path) -> Pyttsx3Renderer:
    return Pyttsx3Renderer(tmp_path / "cache", rate=175)


def test_the_heat_alarm_is_saved_with_its_chime_and_its_announcement(store, tmp_path, renderer):
    h = Harness(store)
    h.runner.on_played = _saver(tmp_path / "wav", renderer)
    h.runner.run_script(["set the heat pad for 1 minute", "no", "no", "no", "no"])
    alarm_turn = h.turns()[-1]
    assert alarm_turn["request_type"] == "HeatAlarm"
    saved = sorted(path.name for path in (tmp_path / "wav").iterdir())
    assert len(saved) == len(h.turns())  # one per reply, and the alarm's, numbered in the transcript's order
    assert [name for name in saved if name.startswith("alarm-")] == [f"alarm-{len(h.turns()):03d}.wav"]
    alarm = tmp_path / "wav" / f"alarm-{len(h.turns()):03d}.wav"
    speech = sum(seconds(renderer.render(sentence)) for sentence in sentences(alarm_turn["speech"]))
    assert seconds(alarm) == pytest.approx(seconds(sound_file("chime")) + speech, abs=0.01)
    assert frames(alarm).startswith(frames(sound_file("chime")))


def test_a_reply_cut_short_is_saved_as_far_as_it_was_heard(store, tmp_path, renderer):
    log = tmp_path / "played.log"
    stand_in = tmp_path / "aplay"
    stand_in.write_text(f"#!{sys.executable}\nimport sys, time, wave\n"
                        f"open({str(log)!r}, 'a').write(sys.argv[-1] + '\\n')\n"
                        "w = wave.open(sys.argv[-1]); time.sleep(w.getnframes() / w.getframerate())\n")
    stand_in.chmod(0o755)
    h = Harness(store, as_json=True)
    h.runner.performer = Performer(h.clock, renderer, CommandPlayer([str(stand_in)]), sound_file, split=sentences)
    h.runner.on_played = _saver(tmp_path / "wav", renderer)

    def cut_in_during_the_second_sentence() -> None:
        while not log.exists() or len(log.read_text().splitlines()) < 2:
            time.sleep(0.01)
        time.sleep(0.5)
        h.type_at(0, "stop")  # typed now: LineReader sets the interrupt as the line arrives
        h.clock.wait(0, threading.Event())

    typist = threading.Thread(target=cut_in_during_the_second_sentence)
    typist.start()
    h.runner.handle("open spine coach")
    typist.join()
    planned = [part.text for part in parse_ssml(f"<speak>{h.turns()[0]['speech']}</speak>") if isinstance(part, Say)]
    planned_sentences = [sentence for text in planned for sentence in sentences(text)]
    first, second = (renderer.render(sentence) for sentence in planned_sentences[:2])
    saved = tmp_path / "wav" / "reply-001.wav"
    whole = sum(seconds(renderer.render(sentence)) for sentence in planned_sentences)
    assert seconds(first) + 0.3 < seconds(saved) < seconds(first) + 1.0 < whole  # not the whole planned reply
    assert frames(saved).startswith(frames(first) + frames(second)[:22050 * 2 // 4])  # and its first quarter second
