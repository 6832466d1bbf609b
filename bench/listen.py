"""Listening offline (`talk --listen`): how well pocketsphinx with the skill's language model hears espeak-ng voices.

What is measured, each utterance rendered by espeak-ng in several voices and at two speeds, clean and with pink
noise from sox (SNR_DB below the speech), and heard by the same Listener `talk --listen` runs (endpointer, decoder,
confidence) from its 16 kHz samples:

- **intent accuracy**: the recognised words resolve (skill.local.nlu.resolver) to the intent the written words do;
  on the skill's commands, and on a seeded sample of the merged interaction model's samples with slot values.
  An utterance the recogniser was unsure of, even after its second look against the grammar of the skill's requests,
  is "asked again" (the runner says "I heard ... Say it again"), neither right nor wrong. **slot accuracy**: of those
  with slots, the same slot values as the written words.
- **red flags**: emergency and urgent sentences of the development bank (bench/red_flags/dev.jsonl): caught (the
  red-flag screen fires on what was heard), or what else became of them; "harmless" is a sentence heard as a
  request the skill carries out without any warning-sign answer. The bank's sentences are long, so a second set
  (SHORT_RED_FLAGS) holds signs said in two or three words, as someone on the floor says them: the fewer the sounds,
  the easier a mishearing.
- **barge-in**: "stop", "pause", "that hurts", "help" said over the skill's own voice (its prompts, rendered as the
  runner renders them, at each of BED_GAINS of the user's level) and in a hold's silence: heard or not (what the runner
  is sent, after `reading` and its second look, means the word), how long after the word ended; and false barge-ins
  over the skill's voice alone. The skill's voice reaches the microphone through a modelled room (`through_room`:
  late, reverberant), and the listener is handed what was played, as `talk --listen` hands its echo canceller
  (`--no-echo-cancellation`: measured as without pywebrtc-audio).
- **time from end of speech to reply start**: the real runner (skill.local.session.assemble_runner) listening through
  ListeningLines, fed in real time: from the end of the user's speech to the reply's first samples reaching the
  player (a hand-off player, as bench/first_audio.py: no sound device).

Synthetic voices are not people: treat every figure as a floor. Writes bench/LISTEN.md; reports, never fails.

    python -m bench.listen [--quick]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import wave
from collections import Counter
from pathlib import Path
from typing import Any, Callable

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy

REPORT = Path(__file__).with_name("LISTEN.md")
RED_FLAG_BANK = Path(__file__).with_name("red_flags") / "dev.jsonl"
LOCALE = "en-US"
VOICES = ("en-us", "en-gb", "en-us+f3", "en-us+klatt")  # espeak-ng: US, British, a female US and the Klatt synthesiser
QUICK_VOICES = ("en-us", "en-us+klatt")
SPEEDS = (140, 175)  # words a minute: slow and espeak-ng's default
SNR_DB = 15.0
# The skill's voice under the user's: a microphone as near the speaker as the user, and one much nearer the user.
BED_GAINS = (0.5, 0.25)
# The room between the loudspeaker and the microphone, so that cancelling the skill's voice is not a perfect
# subtraction: the sound leaves ROOM_DELAY_SECONDS after the player is handed it (the player's and sound card's
# buffers and the flight through air), and reverberates (an exponentially decaying tail, ROOM_RT60_SECONDS to fall by
# 60 dB, drawn once with SEED), its direct sound a quarter of the energy.
ROOM_DELAY_SECONDS = 0.06
ROOM_RT60_SECONDS = 0.35
PAD_SECONDS = 0.6
TARGETS = {"commands": 0.90, "wider": 0.80, "barge_in_seconds": 1.0}
WIDER_SAMPLE, QUICK_WIDER_SAMPLE = 48, 16
RED_FLAG_SAMPLE, QUICK_RED_FLAG_SAMPLE = 24, 8
SEED = 16

# Signs said in a word or three (clinical-facts.md 1A-1B), which the dev bank's sentences never are.
SHORT_RED_FLAGS = ("i fell", "numb down there", "i can't pee", "i've wet myself", "can't feel my legs",
                   "my legs gave way", "i've fallen", "legs are numb", "i can't stand", "i wet the bed",
                   "can't feel my bum", "both legs numb")
QUICK_SHORT_RED_FLAGS = 6

# The commands a person on the floor uses most (README "Talking to it").
COMMANDS = (
    "open spine coach", "start my lower back stretches", "start my neck stretches", "start hands-free stretches",
    "next", "previous stretch", "repeat that", "pause", "resume", "start over", "skip this one", "stop", "help",
    "yes", "no", "that hurts", "it feels better", "start the heat timer", "how long is left on the heat",
    "cancel the heat timer", "give me a tip", "what are the warning signs",
)
BARGE_IN_PROMPTS = ("prompts", "stretch.hold")
# An interrupt from the skill's voice is known where it ended; the user's word, whose first sound is at `at`, ends
# well after this: what ends before it came from the skill's voice alone.
START_SLACK_SECONDS = 0.1


def espeak(text: str, voice: str, speed: int) -> tuple[numpy.ndarray, int]:
    """espeak-ng's rendering of `text`: int16 samples at its own rate, and that rate."""
    wav = subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "--stdout", text], capture_output=True,
                         check=True).stdout
    with wave.open(io.BytesIO(wav)) as reader:
        return numpy.frombuffer(reader.readframes(reader.getnframes()), dtype=numpy.int16), reader.getframerate()


def render(text: str, voice: str, speed: int, pad_seconds: float = PAD_SECONDS) -> numpy.ndarray:
    """espeak-ng's rendering of `text` as 16 kHz int16 samples, with `pad_seconds` of silence either side."""
    import soxr

    samples, rate = espeak(text, voice, speed)
    pad = numpy.zeros(int(16000 * pad_seconds), dtype=numpy.int16)
    return numpy.concatenate([pad, soxr.resample(samples, rate, 16000).astype(numpy.int16), pad])


class Noise:
    """Pink noise made by sox once (the same each run: -R), laid under speech at SNR_DB below its loudness."""

    def __init__(self, folder: Path, seconds: float = 30.0):
        path = folder / "pink.wav"
        subprocess.run(["sox", "-R", "-n", "-r", "16000", "-c", "1", "-b", "16", str(path), "synth", str(seconds),
                        "pinknoise", "vol", "0.5"], check=True, capture_output=True)
        with wave.open(str(path)) as reader:
            self.samples = numpy.frombuffer(reader.readframes(reader.getnframes()), dtype=numpy.int16)
        self.offset = 0

    def under(self, speech: numpy.ndarray) -> numpy.ndarray:
        loud = speech[numpy.abs(speech) > 300].astype(numpy.float64)
        level = numpy.sqrt(numpy.mean(loud ** 2)) if loud.size else 1000.0
        start = self.offset % (len(self.samples) - len(speech))
        self.offset += 7919
        noise = self.samples[start:start + len(speech)].astype(numpy.float64)
        noise *= level / (numpy.sqrt(numpy.mean(noise ** 2)) * 10 ** (SNR_DB / 20))
        return numpy.clip(speech + noise, -32768, 32767).astype(numpy.int16)


def frames_of(samples: numpy.ndarray):
    from skill.local.listen.listener import FRAME_BYTES

    data = samples.tobytes()
    return (data[i:i + FRAME_BYTES] for i in range(0, len(data) - FRAME_BYTES + 1, FRAME_BYTES))


class Hearing:
    """The Listener `talk --listen` runs, with one decoder, and the resolver and screen the runner uses."""

    def __init__(self):
        from skill.core.content import resolve_locale
        from skill.core.safety.triage import triage_for
        from skill.local.listen.keywords import KeywordSpotter
        from skill.local.listen.recognise import Recogniser
        from skill.local.nlu.resolver import IntentResolver

        self.recogniser = Recogniser()
        self.spotter = KeywordSpotter()
        self.resolver = IntentResolver.for_locale(LOCALE)
        self.triage = triage_for(resolve_locale(LOCALE))

    def hear(self, samples: numpy.ndarray) -> list:
        """What `talk --listen` would hear in a recording of one utterance (with the silence around it)."""
        from skill.local.listen.listener import heard_in

        return heard_in(samples, 16000, self.recogniser)

    def meaning(self, text: str) -> tuple:
        """What `text` asks for, as far as the skill can tell: a launch, or the intent and slot values it resolves
        to."""
        kind, words = self.resolver.split_invocation(text)
        if not words.strip():
            return kind, None, ()
        resolution = self.resolver.resolve(words)
        return kind, resolution.intent, tuple(sorted((name, value) for name, value
                                                     in resolution.slot_values().items() if value is not None))

    def acted_on(self, recognition) -> str | None:
        """What the runner would send: the words, or None when it asks again."""
        from skill.local.listen.lines import reading

        return reading(recognition, self.resolver, self.triage)


def conditions(quick: bool) -> list[tuple[str, int, bool]]:
    voices = QUICK_VOICES if quick else VOICES
    return [(voice, speed, noisy) for voice in voices for speed in SPEEDS for noisy in (False, True)]


def wider_sample(size: int) -> list[str]:
    """A seeded sample of the merged model's samples, each slot filled with a random value of its type."""
    from skill.alexa.interaction_model import interaction_model
    from skill.local.listen.vocabulary import builtin_slot_values

    model = interaction_model(LOCALE)["interactionModel"]["languageModel"]
    values = {**builtin_slot_values(), **{t["name"]: [v["name"]["value"] for v in t["values"]]
                                          + [s for v in t["values"] for s in v["name"].get("synonyms", [])]
                                          for t in model["types"]}}
    rng = random.Random(SEED)
    pool = [(intent, sample) for intent in model["intents"] for sample in intent.get("samples", [])
            if intent["name"] != "SymptomReportIntent"]  # red flags are measured on their own
    chosen = []
    for intent, sample in rng.sample(pool, size):
        types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        chosen.append(re.sub(r"\{(\w+)\}", lambda m: rng.choice(values[types[m[1]]]), sample))
    return chosen


def red_flag_sample(size: int, hearing: Hearing) -> list[str]:
    rows = [json.loads(line) for line in RED_FLAG_BANK.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [row for row in rows if row["tier"] in ("emergency", "urgent") and hearing.triage.classify(row["text"])]
    return [row["text"] for row in random.Random(SEED).sample(rows, size)]


def accuracy(texts: list[str], hearing: Hearing, conds, noise: Noise) -> dict[str, Any]:
    outcomes = Counter()
    slots = Counter()
    per_condition: dict[str, Counter] = {}
    wrong_examples = []
    for voice, speed, noisy in conds:
        counts = per_condition.setdefault(f"{voice} {speed} wpm{' noisy' if noisy else ''}", Counter())
        for text in texts:
            samples = render(text, voice, speed)
            heard = hearing.hear(noise.under(samples) if noisy else samples)
            want = hearing.meaning(text)
            acted = hearing.acted_on(heard[0].recognition) if heard else None
            if not heard:
                outcome = "nothing heard"
            elif acted is None:
                outcome = "asked again"
            else:
                got = hearing.meaning(acted)
                outcome = "right" if got[:2] == want[:2] else "wrong"
                if outcome == "wrong" and hearing.triage.classify(acted) and not hearing.triage.classify(text):
                    outcomes["a red flag in error"] += 1
                if outcome == "wrong" and len(wrong_examples) < 12:
                    wrong_examples.append((text, acted, voice, speed, noisy))
                if want[2]:
                    slots["with slots"] += 1
                    slots["slots right"] += got == want
            outcomes[outcome] += 1
            counts[outcome] += 1
            outcomes["split"] += len(heard) > 1
    total = sum(outcomes[k] for k in ("right", "wrong", "asked again", "nothing heard"))
    return {"total": total, "outcomes": dict(outcomes), "slots": dict(slots),
            "accuracy": outcomes["right"] / total if total else 0.0,
            "per_condition": {name: dict(c) for name, c in per_condition.items()}, "wrong_examples": wrong_examples}


def red_flags(texts: list[str], hearing: Hearing, conds, noise: Noise) -> dict[str, Any]:
    outcomes = Counter()
    harmless_examples = []
    for voice, speed, noisy in conds:
        for text in texts:
            samples = render(text, voice, speed)
            heard = hearing.hear(noise.under(samples) if noisy else samples)
            acted = [text for text in map(hearing.acted_on, (h.recognition for h in heard)) if text]
            if any(hearing.triage.classify(text) for text in acted):
                outcomes["caught"] += 1
                continue
            if not heard:
                outcomes["nothing heard"] += 1
            elif not acted:
                outcomes["asked again"] += 1
            else:
                intent = hearing.meaning(acted[0])[1]
                if intent in ("SymptomReportIntent", "WarningSignsIntent", "PainCheckIntent"):
                    outcomes["heard as a symptom or pain, no red flag"] += 1
                elif intent == "AMAZON.FallbackIntent":
                    outcomes["not understood (fallback names the number)"] += 1
                else:
                    outcomes["harmless"] += 1
                    if len(harmless_examples) < 10:
                        harmless_examples.append((text, acted[0], intent, voice, speed, noisy))
    return {"total": sum(outcomes.values()), "outcomes": dict(outcomes), "harmless_examples": harmless_examples}


def skill_bed(seconds: float) -> tuple[numpy.ndarray, list[tuple[float, float, str]]]:
    """The skill's own voice for `seconds`: its prompts, rendered with the runner's default espeak-ng voice, and when
    each sentence plays."""
    from skill.core.content import load_document, variants

    texts = [text for key, entry in load_document(LOCALE, "prompts").items() if not key.startswith("_")
             for text in variants(entry) if "{" not in text]
    random.Random(SEED).shuffle(texts)
    parts, spans, at = [], [], 0.0
    for text in texts:
        samples = render(text, "en", 175)[int(16000 * PAD_SECONDS * 0.7):]
        spans.append((at, at + len(samples) / 16000, text))
        parts.append(samples)
        at += len(samples) / 16000
        if at >= seconds:
            break
    return numpy.concatenate(parts), spans


def through_room(played: numpy.ndarray) -> numpy.ndarray:
    """`played` as the microphone hears it from the loudspeaker: delayed and reverberant, at the same energy."""
    count = int(16000 * ROOM_RT60_SECONDS * 1.2)
    decay = 10 ** (-3 * numpy.arange(count) / 16000 / ROOM_RT60_SECONDS)
    response = numpy.random.default_rng(SEED).standard_normal(count) * decay
    response[0] = 0.0
    response *= numpy.sqrt(3.0 / numpy.sum(response ** 2))  # the tail three times the direct sound's energy
    response[0] = 1.0
    response /= numpy.sqrt(numpy.sum(response ** 2))
    wet = numpy.convolve(played.astype(numpy.float64), response)[:len(played)]
    delay = int(16000 * ROOM_DELAY_SECONDS)
    return numpy.concatenate([numpy.zeros(delay), wet[:len(wet) - delay]])


def echo_canceller(wanted: bool = True):
    """The canceller `talk --listen` runs, or None when it is not installed or not `wanted` (measured without)."""
    from skill.local.listen.echo import EchoCancellationUnavailable, EchoCanceller

    if not wanted:
        return None
    try:
        return EchoCanceller()
    except EchoCancellationUnavailable:
        return None


def played_at(played: numpy.ndarray | None, listener_time: Callable[[], float]) -> Callable[[], bytes | None]:
    """What the player was handed over the frame the listener just took: `played`'s samples there (its quiet
    stretches too, as the runner's player plays a sentence's silences), None when nothing was played."""
    from skill.local.listen.listener import FRAME_SECONDS

    def now_played() -> bytes | None:
        if played is None:
            return None
        start = round(listener_time() * 16000)
        chunk = played[start:start + int(16000 * FRAME_SECONDS)]
        return chunk.tobytes() if chunk.size else None
    return now_played


def playing_at(spans, listener_time: Callable[[], float]) -> Callable[[], str | None]:
    """What the runner's SkillAudio would say at the listener's stream time: the sentence, for its length and the
    echo's tail after it."""
    from skill.local.listen.lines import ECHO_TAIL_SECONDS

    def now_playing() -> str | None:
        t = listener_time()
        for start, end, text in spans:
            if start <= t < end + ECHO_TAIL_SECONDS:
                return text
        return None
    return now_playing


def speech_end(samples: numpy.ndarray) -> float:
    """Seconds to the last sample of a rendering loud enough to be speech (espeak-ng ends with its own silence)."""
    loud = numpy.flatnonzero(numpy.abs(samples.astype(numpy.int32)) > 500)
    return (loud[-1] + 1) / 16000 if loud.size else 0.0


def barge_in(hearing: Hearing, conds, quick: bool, cancel_echo: bool = True) -> dict[str, Any]:
    from skill.local.listen.listener import Listener
    from skill.local.listen.vocabulary import BARGE_IN

    bed, spans = skill_bed(60 if quick else 240)
    heard_bed = through_room(bed)
    false_alarms = []
    clock = {"t": 0.0}
    cancelling = echo_canceller(cancel_echo) is not None
    unsure = []  # heard but too unsure to act on: the runner would say "I heard ..." over its own voice

    def alarm(heard) -> None:
        acted = heard.text if heard.barge_in else hearing.acted_on(heard.recognition)
        (false_alarms if acted else unsure).append(acted or heard.text)
    listener = Listener(hearing.recogniser, hearing.spotter, alarm, playing_at(spans, lambda: clock["t"]),
                        echo_canceller(cancel_echo), played_at(bed, lambda: clock["t"]))
    hearing.spotter.reset()
    for frame in frames_of(numpy.clip(heard_bed, -32768, 32767).astype(numpy.int16)):
        clock["t"] = listener.now
        listener.feed(frame)
    listener.end()
    early: list[str] = []  # acted on in a case before its word began: false barge-ins too
    results: dict[str, list] = {**{f"over the skill's voice at {gain:g} of the user's": [] for gain in BED_GAINS},
                                "in a hold's silence": []}
    voices = sorted({voice for voice, _, _ in conds})
    for voice in voices:
        for word in BARGE_IN:
            user = render(word, voice, 150)[int(16000 * PAD_SECONDS):-int(16000 * PAD_SECONDS)]
            for case in results:
                at = 16000 * 3
                gain = next((g for g in BED_GAINS if case.endswith(f" {g:g} of the user's")), 0.0)
                played = bed[16000 * 20:16000 * 26] if case.startswith("over") else None
                base = through_room(played) * gain if played is not None else numpy.zeros(16000 * 6)
                base[at:at + len(user)] += user
                mix = numpy.clip(base, -32768, 32767).astype(numpy.int16)
                word_end = at / 16000 + speech_end(user)
                local_spans = [(s - 20, e - 20, t) for s, e, t in spans if e > 20 and s < 26] \
                    if case.startswith("over") else []
                acted: list[str] = []  # what the runner is sent: a keyword, or the words `reading` takes
                clock["t"] = 0.0
                # What is acted on before the user's word begins is the skill's own voice heard as one (a "help" at
                # a second in, the word said at three): a false barge-in, never the word heard. Counted as such,
                # it once made thresholds that fired on the skill's voice look like words heard.
                word_start = at / 16000 + START_SLACK_SECONDS

                def act(h, acted=acted, word_start=word_start):
                    text = h.text if h.barge_in else hearing.acted_on(h.recognition)
                    if text and h.ended < word_start:
                        early.append(text)
                    else:
                        acted.append(text)
                listener = Listener(hearing.recogniser, hearing.spotter, act,
                                    playing_at(local_spans, lambda: clock["t"]), echo_canceller(cancel_echo),
                                    played_at(played, lambda: clock["t"]))
                hearing.spotter.reset()
                latency = None
                for frame in frames_of(mix):
                    clock["t"] = listener.now
                    before, began = len(acted), time.perf_counter()
                    listener.feed(frame)
                    if latency is None and any(text and (word == text or hearing.meaning(text)[1]
                                                         == hearing.meaning(word)[1]) for text in acted[before:]):
                        # Fed faster than real time: the stream time the word was known at, plus what that frame's
                        # processing took (the decode after an endpoint), from the word's end.
                        latency = round(listener.now + (time.perf_counter() - began) - word_end, 2)
                listener.end()
                results[case].append({"voice": voice, "word": word, "heard": latency is not None,
                                      "seconds": None if latency is None else round(latency, 2)})
    minutes = len(bed) / 16000 / 60
    return {"cases": results, "false_alarms": false_alarms, "early": early, "unsure": unsure,
            "bed_minutes": round(minutes, 1), "echo_cancellation": cancelling}


def reply_latency(quick: bool) -> dict[str, Any]:
    """End of speech to the reply's first samples, through the real runner listening via ListeningLines."""
    from bench.first_audio import HandOffPlayer
    from skill.local.audio.voice import Pyttsx3Renderer, RenderError
    from skill.local.clock import FakeClock
    from skill.local.listen.keywords import KeywordSpotter
    from skill.local.listen.lines import ListeningLines, SkillAudio
    from skill.local.listen.listener import Listener
    from skill.local.listen.recognise import Recogniser
    from skill.local.progress_store import open_progress_store
    from skill.local.session import assemble_runner
    from skill.local.talk import LineReader, Transcript

    utterances = ("open spine coach", "give me a tip about sleep", "what is a herniated disc", "stop")
    records = []
    with tempfile.TemporaryDirectory(prefix="listen-bench-") as folder:
        root = Path(folder)
        renderer = Pyttsx3Renderer(root / "cache")
        try:
            renderer.start()
        except RenderError as error:
            return {"skipped": f"no voice to reply with: {error}"}
        player = HandOffPlayer()
        runner = assemble_runner(clock=FakeClock(start=time.time()), store=open_progress_store(root / "s.db"),
                                 user="listen-bench", locale=LOCALE, renderer=renderer, player=player,
                                 transcript=Transcript(io.StringIO()))
        read_end, write_end = os.pipe()
        runner.lines = LineReader(os.fdopen(read_end, "r"), runner.stop)
        lines = ListeningLines(runner.lines, runner)
        runner.lines = lines
        SkillAudio().follow(runner)
        loop = threading.Thread(target=runner.run_interactive, daemon=True)
        loop.start()
        listener = Listener(Recogniser(), KeywordSpotter(), lines.heard)
        for text in utterances * (1 if quick else 3):
            samples = render(text, "en-us+klatt", 160)
            ended_at, ends = None, speech_end(samples)
            player.arm()
            for index, frame in enumerate(frames_of(samples)):
                listener.feed(frame)
                if ended_at is None and (index + 1) * 0.03 >= ends:
                    ended_at = time.perf_counter()
                time.sleep(0.03)  # real time, as a microphone delivers it
            deadline = time.perf_counter() + 10
            while player.handed_at is None and time.perf_counter() < deadline:
                time.sleep(0.01)
            records.append({"said": text, "seconds": None if player.handed_at is None or ended_at is None
                            else round(player.handed_at - ended_at, 2)})
            time.sleep(0.5)
        os.close(write_end)
        loop.join(10)
        runner.conversation.end()
    timed = [r["seconds"] for r in records if r["seconds"] is not None]
    return {"records": records, "median": statistics.median(timed) if timed else None,
            "max": max(timed) if timed else None}


def measure(quick: bool = False, cancel_echo: bool = True) -> dict[str, Any]:
    for tool in ("espeak-ng", "sox"):
        if shutil.which(tool) is None:
            return {"skipped": f"{tool} is not installed (make installs it as root)"}
    try:
        hearing = Hearing()
    except ImportError as error:
        return {"skipped": f"pocketsphinx is not installed: {error}"}
    conds = conditions(quick)
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="listen-noise-") as folder:
        noise = Noise(Path(folder))
        result = {
            "conditions": [f"{v} {s} wpm{' + noise' if n else ''}" for v, s, n in conds],
            "commands": accuracy(list(COMMANDS), hearing, conds, noise),
            "wider": accuracy(wider_sample(QUICK_WIDER_SAMPLE if quick else WIDER_SAMPLE), hearing, conds, noise),
            "red_flags": red_flags(red_flag_sample(QUICK_RED_FLAG_SAMPLE if quick else RED_FLAG_SAMPLE, hearing),
                                   hearing, conds, noise),
            "short_red_flags": red_flags(list(SHORT_RED_FLAGS[:QUICK_SHORT_RED_FLAGS] if quick else SHORT_RED_FLAGS),
                                         hearing, conds, noise),
            "barge_in": barge_in(hearing, conds, quick, cancel_echo),
            "reply": reply_latency(quick),
        }
    result["seconds"] = round(time.perf_counter() - began)
    return result


def _percent(value: float) -> str:
    return f"{100 * value:.0f} %"


def report(result: dict[str, Any]) -> str:
    if "skipped" in result:
        return f"# Listening offline\n\nSkipped: {result['skipped']}.\n"
    from skill.local.listen.lines import LOW_CONFIDENCE
    from skill.local.listen.listener import NOISE_FLOOR_RMS
    from skill.local.listen.recognise import CLOSEST_GAP, LANGUAGE_WEIGHT, SHORT_GAP

    lines = ["# Listening offline (`talk --listen`)", "",
             "Written by `python -m bench.listen` (`make listen-bench`). pocketsphinx 5 (its US English acoustic "
             "model) with the skill's language model (skill/local/listen/model/), language weight "
             f"{LANGUAGE_WEIGHT:g}, asking again below {LOW_CONFIDENCE:g} resolver confidence unless a second decode "
             "against the grammar of the skill's requests finds one scoring within "
             f"{CLOSEST_GAP:g} a frame of the best string of phones (a word or two: among the short requests alone, "
             f"within {SHORT_GAP:g}); espeak-ng voices: "
             + ", ".join(result["conditions"]) + f"; noise: sox pink noise {SNR_DB:g} dB below the speech, over the "
             f"listener's own quiet-room floor (pink, RMS {NOISE_FLOOR_RMS:g} of 32768) in every condition. "
             f"{result['seconds']} s. Synthetic voices are not people: every figure is a floor.", ""]
    lines += ["| set | utterances | right | asked again | wrong | of which a red flag in error | nothing heard | "
              "split in two | slots right | target |", "|---|---|---|---|---|---|---|---|---|---|"]
    for name, label in (("commands", "commands"), ("wider", "wider sample of the model")):
        figures = result[name]
        o = figures["outcomes"]
        slots = figures["slots"]
        counts = " | ".join(str(o.get(outcome, 0)) for outcome in ("asked again", "wrong", "a red flag in error",
                                                                   "nothing heard", "split"))
        lines.append(f"| {label} | {figures['total']} | {_percent(figures['accuracy'])} | {counts} | "
                     f"{slots.get('slots right', 0)} of {slots.get('with slots', 0)} | >= {_percent(TARGETS[name])} |")
    lines += ["", "Intent accuracy by voice and condition (right of all):", "",
              "| condition | commands | wider sample |", "|---|---|---|"]
    for condition in result["commands"]["per_condition"]:
        cells = []
        for name in ("commands", "wider"):
            c = result[name]["per_condition"][condition]
            cells.append(f"{c.get('right', 0)} of {sum(c.values())}")
        lines.append(f"| {condition} | {' | '.join(cells)} |")
    for key, title in (("red_flags", "emergency and urgent sentences from bench/red_flags/dev.jsonl"),
                       ("short_red_flags", "signs said in a word or three (SHORT_RED_FLAGS)")):
        rf = result[key]
        lines += ["", f"**Red flags** ({rf['total']} renderings of {title}):", ""]
        lines += [f"- {name}: {count}" for name, count in sorted(rf["outcomes"].items(), key=lambda kv: -kv[1])]
        if rf["harmless_examples"]:
            lines += ["", "Heard as something harmless (said / heard / intent):", ""]
            lines += [f"- \"{t}\" / \"{h}\" / {i} ({v}, {s} wpm{', noise' if n else ''})"
                      for t, h, i, v, s, n in rf["harmless_examples"]]
    bi = result["barge_in"]
    lines += ["", "**Barge-in** (each word once per voice; seconds from the word's end to the interrupt; the skill's "
              f"voice reaches the microphone through a modelled room, {ROOM_DELAY_SECONDS:g} s late and reverberant, "
              f"RT60 {ROOM_RT60_SECONDS:g} s; echo cancellation "
              + ("on: WebRTC AEC3, pywebrtc-audio" if bi.get("echo_cancellation") else "off") + "):", "",
              "| case | heard | within 1 s | worst seconds |", "|---|---|---|---|"]
    for case, rows in bi["cases"].items():
        heard = [r for r in rows if r["heard"]]
        fast = [r for r in heard if r["seconds"] is not None and r["seconds"] <= TARGETS["barge_in_seconds"]]
        worst = max((r["seconds"] for r in heard if r["seconds"] is not None), default=None)
        lines.append(f"| {case} | {len(heard)} of {len(rows)} | {len(fast)} | {worst} |")
    for case, rows in bi["cases"].items():
        missed = [f"{r['word']} ({r['voice']})" for r in rows if not r["heard"]]
        if missed:
            lines.append(f"\nMissed {case}: {', '.join(missed)}.")
    lines += ["", f"False barge-ins over {bi['bed_minutes']} minutes of the skill's own voice (no user): "
              f"{len(bi['false_alarms'])}" + (f" ({', '.join(sorted(set(bi['false_alarms'])))})"
                                              if bi["false_alarms"] else "") + "; heard but asked about: "
              f"{len(bi.get('unsure', []))}; in the cases above, acted on before the word was said (the skill's voice "
              f"heard as a barge-in word, not counted as heard): {len(bi.get('early', []))}"
              + (f" ({', '.join(sorted(set(bi['early'])))})" if bi.get("early") else "") + "."]
    reply = result["reply"]
    if "skipped" in reply:
        lines += ["", f"**End of speech to reply**: skipped ({reply['skipped']})."]
    else:
        lines += ["", f"**End of speech to reply start** (real runner, fed in real time; hand-off player): median "
                  f"{reply['median']:.2f} s, worst {reply['max']:.2f} s over {len(reply['records'])} turns "
                  f"({', '.join(sorted({r['said'] for r in reply['records']}))})."]
    examples = result["commands"]["wrong_examples"] + result["wider"]["wrong_examples"]
    if examples:
        lines += ["", "Some wrong hearings (said / heard):", ""]
        lines += [f"- \"{t}\" / \"{h}\" ({v}, {s} wpm{', noise' if n else ''})" for t, h, v, s, n in examples[:12]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="two voices and smaller samples (a minute or two)")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument("--no-echo-cancellation", action="store_true",
                        help="barge-in as without pywebrtc-audio: keyword spotting alone over the skill's voice")
    args = parser.parse_args(argv)
    result = measure(quick=args.quick, cancel_echo=not args.no_echo_cancellation)
    text = report(result)
    REPORT.write_text(text, encoding="utf-8")
    print(text)
    if args.json:
        print(json.dumps(result, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
