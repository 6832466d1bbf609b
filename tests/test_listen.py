"""`talk --listen`: espeak-ng speech, rendered here at 16 kHz, through the real pocketsphinx recogniser (the skill's
language model, the endpointer, the keyword spotter) into the runner, as the microphone's audio would go.

No mocks: the audio is synthesised by espeak-ng, decoded by pocketsphinx, and the turns are the real skill's. Which
phrases are used is chosen so that this recogniser hears them (synthetic voices are hard for it: bench/listen.py);
what is checked is what the runner then does with them.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy
import pytest

pytest.importorskip("pocketsphinx", reason="pocketsphinx is the listen extra: pip install -e '.[listen]'")
if shutil.which("espeak-ng") is None:
    pytest.skip("espeak-ng renders the speech these tests hear (make installs it as root)", allow_module_level=True)

from bench.listen import espeak, frames_of, render  # noqa: E402
from skill.alexa.dialog import ElicitedSlot  # noqa: E402
from skill.core.speech import Pause, Say  # noqa: E402
from skill.local.clock import FakeClock, RealClock  # noqa: E402
from skill.local.listen.keywords import KeywordSpotter  # noqa: E402
from skill.local.listen.lines import ListeningLines, SkillAudio, reading  # noqa: E402
from skill.local.listen.listener import Listener, heard_in  # noqa: E402
from skill.local.listen.microphone import Microphone, MicrophoneUnavailable  # noqa: E402
from skill.local.listen.recognise import Recogniser, Recognition  # noqa: E402
from skill.local.nlu.resolver import IntentResolver  # noqa: E402
from skill.local.progress_store import open_progress_store  # noqa: E402
from skill.local.session import assemble_runner  # noqa: E402
from skill.local.talk import LineReader, Transcript  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
RATE = 16000


def spoken(text: str, voice: str = "en-us", speed: int = 150, silence: float = 0.6) -> numpy.ndarray:
    """`text` as espeak-ng says it, 16 kHz mono int16, with `silence` seconds either side."""
    return render(text, voice, speed, silence)


@pytest.fixture(scope="module")
def spotter() -> KeywordSpotter:
    return KeywordSpotter()


class Listening:
    """The runner `talk --listen` builds, text only on a fake clock, its typed input a pipe nobody types into, and
    the listener feeding it what it hears."""

    def __init__(self, tmp_path: Path, recogniser: Recogniser, spotter: KeywordSpotter, as_json: bool = True,
                 clock=None):
        self.out = io.StringIO()
        self.runner = assemble_runner(clock=clock or FakeClock(), store=open_progress_store(tmp_path / "state.db"),
                                      user="listener", locale="en-US", renderer=None, player=None,
                                      transcript=Transcript(self.out, as_json=as_json))
        read_end, self._typing = os.pipe()
        self.runner.lines = LineReader(os.fdopen(read_end, "r", encoding="utf-8"), self.runner.stop)
        self.lines = ListeningLines(self.runner.lines, self.runner)
        self.runner.lines = self.lines
        self.audio = SkillAudio()
        self.audio.follow(self.runner)
        self.listener = Listener(recogniser, spotter, self.lines.heard, self.audio)

    def hear(self, samples: numpy.ndarray) -> None:
        spotter = self.listener.spotter
        spotter.reset()
        self.listener.run(frames_of(samples))

    def type(self, text: str) -> None:
        os.write(self._typing, (text + "\n").encode())

    def finish(self) -> str:
        """Stop typing, let the runner take every line queued; what it wrote."""
        os.close(self._typing)
        self.runner.run_interactive()
        self.runner.conversation.end()
        return self.out.getvalue()

    def turns(self) -> list[dict]:
        return [json.loads(line) for line in self.finish().splitlines()]


def test_a_spoken_request_becomes_the_turn_a_typed_one_would(tmp_path, recogniser, spotter):
    listening = Listening(tmp_path, recogniser, spotter)
    listening.hear(spoken("open spine coach", "en-us+klatt"))
    listening.hear(spoken("give me a tip about sleep", "en-us+klatt"))
    turns = listening.turns()
    assert [turn["request_type"] for turn in turns] == ["LaunchRequest", "IntentRequest"]
    assert turns[0]["heard"] == "open spine coach"
    tip = turns[1]
    filled = {name: value for name, value in tip["slots"].items() if value is not None}
    assert tip["intent"] == "PreventionTipIntent" and filled == {"topic": "sleep"}, tip
    assert tip["heard"].endswith("tip about sleep")


def test_a_spoken_red_flag_gets_the_emergency_answer_number_first(tmp_path, recogniser, spotter):
    listening = Listening(tmp_path, recogniser, spotter)
    listening.hear(spoken("i've wet myself and my legs are numb", "en-gb"))
    (turn,) = listening.turns()
    assert turn["intent"] == "SymptomReportIntent" and turn["triage"] == "emergency", turn
    assert turn["speech"].startswith("Call 911"), turn["speech"]


def test_what_was_heard_is_shown_above_the_reply(tmp_path, recogniser, spotter):
    listening = Listening(tmp_path, recogniser, spotter, as_json=False)
    listening.hear(spoken("give me a tip about sleep", "en-us+klatt"))
    shown = listening.finish().splitlines()
    assert shown[0] == "you (heard)> give me a tip about sleep"
    assert shown[1].startswith("Spine Coach: ")


def test_typing_still_works_beside_listening(tmp_path, recogniser, spotter):
    listening = Listening(tmp_path, recogniser, spotter)
    listening.hear(spoken("open spine coach", "en-us+klatt"))
    listening.type("what are the warning signs")
    turns = listening.turns()
    assert [turn["heard"] for turn in turns] == ["open spine coach", "what are the warning signs"]
    assert turns[1]["intent"] == "WarningSignsIntent"


def test_an_unsure_hearing_is_asked_again_and_never_sent_to_the_skill(tmp_path, recogniser, spotter):
    listening = Listening(tmp_path, recogniser, spotter)
    listening.hear(spoken("tell me a joke about elephants", "en-us+klatt"))
    (turn,) = listening.turns()
    assert turn["request_type"] == "ListenHint" and turn["heard"] is None
    assert turn["speech"].startswith('I heard "') and turn["speech"].endswith('". Say it again, or type it.')


def test_the_hint_is_given_only_for_words_that_fit_no_request_well_and_hold_no_warning_sign(tmp_path, recogniser,
                                                                                            spotter):
    conversation = Listening(tmp_path, recogniser, spotter).runner.conversation
    resolver, triage = conversation.resolver, conversation.triage
    assert reading(Recognition("next", ("next", "neck")), resolver, triage) == "next"
    assert reading(Recognition("open spine coach", ("open spine coach",)), resolver, triage) == "open spine coach"
    salad = ("the wee the knot free", "the we the not free", "a wee the knot three")
    assert reading(Recognition(salad[0], salad), resolver, triage) is None
    assert reading(Recognition("play some jazz music", ()), resolver, triage) is None  # the fallback
    with_a_sign = Recognition(salad[0], (*salad, "i can't feel my legs"))
    assert reading(with_a_sign, resolver, triage) == "i can't feel my legs"
    with_a_question = Recognition(salad[0], (*salad, "fell"))  # "fell" only asks whether it was a bad fall
    assert reading(with_a_question, resolver, triage) is None
    a_sign_first = Recognition("i've wet myself", ("i've wet myself", "next"))
    assert reading(a_sign_first, resolver, triage) == "i've wet myself"
    # A sentence long enough to be someone describing a symptom: a sign among its readings comes before even a
    # request the resolver is sure of. A short command is not second-guessed so.
    question = "what is a herniated disc"
    assert reading(Recognition(question, (question,)), resolver, triage) == question
    assert reading(Recognition(question, (question, "i can't feel my legs")), resolver, triage) == \
        "i can't feel my legs"
    assert reading(Recognition("next", ("next", "i can't feel my legs")), resolver, triage) == "next"
    # An answer to the question the last reply asked is read as the conversation will read it.
    fifteen = Recognition("fifteen", ("fifteen", "fifty"))
    assert reading(fifteen, resolver, triage) is None
    assert reading(fifteen, resolver, triage, ElicitedSlot("HeatTimerIntent", "minutes")) == "fifteen"


def test_stop_said_during_a_hold_cuts_it_short_as_typing_does(tmp_path, recogniser, spotter):
    listening = Listening(tmp_path, recogniser, spotter, clock=RealClock())
    runner = listening.runner
    speech = numpy.concatenate([numpy.zeros(RATE, dtype=numpy.int16), spoken("stop", "en-us+klatt")])
    cut_short: list[bool] = []
    hold = threading.Thread(target=lambda: cut_short.append(runner.speak([Say("Hold it there."), Pause(20)],
                                                                         "reply", "Hold")))
    hold.start()
    began = time.monotonic()
    for frame in frames_of(speech):  # as a microphone delivers it, while the hold runs
        listening.listener.feed(frame)
        time.sleep(0.03)
    hold.join(25)
    assert cut_short == [True] and time.monotonic() - began < 20
    line = runner.lines.next(timeout=1)  # "stop", or "stop it": the same request
    assert runner.conversation.resolver.resolve(line).intent == "AMAZON.StopIntent", line


def test_a_keyword_is_spotted_over_the_skill_s_own_voice_and_its_own_words_are_not(recogniser, spotter):
    skill = spoken("Let your knees fall gently to one side, then the other. Keep your shoulders on the floor.",
                   "en", 175, silence=0.1)
    said = "Let your knees fall gently to one side, then the other. Keep your shoulders on the floor."
    heard = []
    listener = Listener(recogniser, spotter, heard.append, lambda: said if listener.now < len(skill) / RATE else None)
    spotter.reset()
    listener.run(frames_of(skill))
    assert heard == []  # the skill's voice alone: no barge-in, and nothing decoded as if someone spoke

    user = spoken("stop", "en-us+klatt", silence=0)
    mixed = skill.astype(numpy.float64) * 0.25
    at = RATE * 2
    mixed[at:at + len(user)] += user
    listener = Listener(recogniser, spotter, heard.append, lambda: said if listener.now < len(skill) / RATE else None)
    spotter.reset()
    listener.run(frames_of(numpy.clip(mixed, -32768, 32767).astype(numpy.int16)))
    assert [(h.text, h.barge_in) for h in heard] == [("stop", True)]
    assert heard[0].started < len(skill) / RATE  # heard while the skill was still speaking

    heard.clear()
    stopping = "Stopping here. Next time, I'll offer to pick up where you left off."
    listener = Listener(recogniser, spotter, heard.append, lambda: stopping)
    spotter.reset()
    listener.run(frames_of(numpy.clip(mixed, -32768, 32767).astype(numpy.int16)))
    assert heard == []  # a "stop" while the skill says "Stopping here" may be its own voice


def test_a_soft_first_word_the_endpointer_finds_late_is_still_decoded(recogniser):
    # The endpointer's strict voice detector starts "skip" after its "s": without enough audio from before the
    # start it finds, the decoder heard "this one".
    for voice in ("en-us", "en-us+klatt"):
        assert [heard.text for heard in heard_in(render("skip this one", voice, 140), RATE, recogniser)] == [
            "skip this one"], voice


def test_clean_speech_with_digital_silence_is_heard_as_over_a_quiet_room_s_noise(recogniser):
    # espeak-ng's renderings are half exact zeros, which no microphone gives; pocketsphinx misheard them all until the
    # listener put a quiet room's noise floor under every frame ("stop my stretches", "the old", "i'm good"). What
    # counts is the request acted on: a trailing word the language model adds ("start the heat timer to") is not.
    resolver = IntentResolver.for_locale("en-US")

    def meaning(text):
        resolved = resolver.resolve(text)
        return resolved.intent, {name: slot.value for name, slot in resolved.slots.items() if slot.value}
    for said, voice in (("start my neck stretches", "en-gb"), ("it feels better", "en-gb"),
                        ("start my neck stretches", "en-us"), ("give me a tip", "en-us+klatt"),
                        ("start the heat timer", "en-us+klatt")):
        heard = heard_in(render(said, voice, 140), RATE, recogniser)
        assert [meaning(h.text) for h in heard] == [meaning(said)], (said, voice, [h.text for h in heard])
    # The floor alone is never taken for speech.
    assert heard_in(numpy.zeros(RATE * 5, dtype=numpy.int16), RATE, recogniser) == []


def test_the_same_words_are_heard_the_same_whatever_was_heard_before():
    # pocketsphinx's noise removal used to carry its estimate from one utterance into the next: "give me a tip" was
    # heard right once, then as "really i didn't".
    recogniser = Recogniser()
    said = render("give me a tip", "en-us", 140)
    first = heard_in(said, RATE, recogniser)
    assert first
    for other in ("start my neck stretches", "what are the warning signs"):
        heard_in(render(other, "en-gb", 175), RATE, recogniser)
    assert [[heard.recognition for heard in heard_in(said, RATE, recogniser)] for _ in range(2)] == \
        [[heard.recognition for heard in first]] * 2


def test_a_british_speaker_s_start_is_not_heard_as_stop(recogniser):
    # The CMU dictionary knows only the American "start" and "warning" (with an R): British ones were heard as
    # "stop my morning stretches" and "what are the morning so you".
    for said in ("start my morning stretches", "what are the warning signs"):
        assert [heard.text for heard in heard_in(render(said, "en-gb", 140), RATE, recogniser)] == [said]


def test_a_whole_recording_at_another_rate_is_heard_as_the_microphone_s_would_be(recogniser):
    samples, rate = espeak("give me a tip about sleep", "en-us+klatt", 150)  # its own 22,050 Hz, not 16 kHz
    assert rate != RATE
    assert [heard.text for heard in heard_in(samples, rate, recogniser)] == ["give me a tip about sleep"]


def test_no_sounddevice_means_one_line_on_stderr_and_typing_as_before(tmp_path):
    code = ("import sys; sys.modules['sounddevice'] = None; from skill.__main__ import main; "
            f"sys.exit(main(['talk', '--listen', '--no-voice', '--db', {str(tmp_path / 'state.db')!r}]))")
    result = subprocess.run([sys.executable, "-c", code], input="what are the warning signs\n", text=True,
                            capture_output=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    listening = [line for line in result.stderr.splitlines() if "listen" in line.lower()]
    assert listening == ["Not listening: the sounddevice package is not installed (pip install -e '.[listen]'). "
                         "Type instead."]
    assert "warning signs" in result.stdout.lower() or "911" in result.stdout


def test_no_input_device_means_one_line_on_stderr_and_typing_as_before(tmp_path):
    result = subprocess.run([sys.executable, "-m", "skill", "talk", "--listen", "--microphone", "no-such-microphone",
                             "--no-voice", "--db", str(tmp_path / "state.db")], input="open spine coach\n",
                            text=True, capture_output=True, cwd=REPO, timeout=120)
    assert result.returncode == 0, result.stderr
    listening = [line for line in result.stderr.splitlines() if "listen" in line.lower()]
    assert len(listening) == 1 and listening[0].startswith("Not listening: "), result.stderr
    assert "Spine Coach" in result.stdout


def test_a_microphone_that_is_not_there_is_refused_with_its_reason():
    with pytest.raises(MicrophoneUnavailable, match="no-such-microphone|PortAudio"):
        Microphone("no-such-microphone")


def test_the_lambda_path_never_loads_the_recogniser():
    code = ("import sys, lambda_function; lambda_function.lambda_handler; "
            "print(sorted(m for m in ('pocketsphinx', 'sounddevice', 'soxr', 'skill.local') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr
