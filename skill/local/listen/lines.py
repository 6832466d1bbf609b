"""`talk --listen`: what the microphone hears becomes lines for the runner, beside the typed ones.

A recognised utterance is handed to the runner exactly as a typed line is (skill.local.talk.Lines): the interrupt is
set first, so a reply or a hold that is playing stops at once, then the words are queued, and the runner sends them
through LocalConversation.hear, red-flag screen first, then the resolver. Each is shown as `you (heard)> ...`.

When the words heard fit nothing the skill understands well (the resolver's confidence in them is low, or they are
not understood at all), nothing is sent: the runner says the `listen.unsure` prompt ("I heard ...") instead.
pocketsphinx's own word posteriors are all 1.0 with a model this small, and how far its N-best alternatives agree
tells little; a misheard sentence is word salad that fits the skill's requests badly (bench/listen.py). Words the
red-flag screen catches are always sent, however unsure, and so is an alternative it finds an emergency or urgent sign
in when the best one is unsure (an emergency answer given in error costs less than one withheld), unless the second
look finds a whole request that fits the sounds nearly as well as anything does: the grammar holds no symptom, so a
sentence about one fits none of it that well, and the sign in a weaker reading was the decoder's salad ("can we miss
this one" read as "can't wee miss this one").

What the skill waits on (Awaiting: a yes/no answered now? which slot elicited?) decides the rest: a yes or a no when
nothing takes one, or a slot's value alone when that slot is not asked for, answers nothing and is asked again; when
a reading holds a warning sign, that hint (`listen.unsure_sign`) names the emergency number first.
"""

from __future__ import annotations

import contextlib
import queue
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

from skill.alexa.dialog import ElicitedSlot
from skill.core.safety.triage import Finding, Triage
from skill.core.speech import Part, Say
from skill.local.listen.echo import EchoCancellationUnavailable, EchoCanceller, PlayedAudio
from skill.local.listen.keywords import KeywordSpotter
from skill.local.listen.listener import FRAME_SECONDS, Heard, Listener
from skill.local.listen.recognise import Recogniser, Recognition
from skill.local.listen.vocabulary import BARGE_IN
from skill.local.nlu.resolver import FALLBACK_INTENT, IntentResolver, Resolution, normalize
from skill.local.talk import Lines, Runner

# Below this resolver confidence in the words heard the runner asks again rather than act (chosen on bench/listen.py:
# most misheard requests fall below it, most heard right stay above).
LOW_CONFIDENCE = 0.8
# An unsure hearing is still answered as a warning sign when one of its alternatives is one of these (bench/listen.py:
# with "clarify" too, a misheard "pause" or "help" was asked about a fall).
ALTERNATIVE_TIERS = ("emergency", "urgent")
# From this many words, a sign among the alternatives wins even over a request the resolver is sure of: people
# describe symptoms at length, and a misheard description can read as a question ("a tight band around my ribcage,
# coming from my spine" heard as "the the wrong with the spine", about discs). Shorter, it would not: a misheard "next"
# or "help" answered as an emergency costs the commands 4 points (bench/listen.py), longer requests about 1.
DESCRIPTION_WORDS = 5
# How much better a frame a sign among the readings must fit the audio than the harmless reading to act on (on the
# sounds alone, readings of as many words: a like-for-like choice, as every word costs a search the same). Chosen on
# bench/listen.py's renderings: with no margin 9 of its 352 commands had a sign of as many words fitting better
# ("next" as "mets", "pause" as "fallen": sound-alike salad fits the sounds as closely as the words said), at 2 one;
# of its 192 short signs, 3 of the 4 with such a reading were caught at 2, the 4th by 0.2 a frame.
SIGN_MARGIN = 2.0
# A yes or a no steers what the skill does next, a warning-sign question's answer included ("numb down there" heard
# as "i'm not bad" answers No): acted on only when heard as one of its own phrasings (the resolver sure of it), never
# when the resolver only finds one nearby ("i fell" heard as "i do", a long sentence about a band of pain heard as
# "none of pain around my ribs ..."). Those are asked again.
# Other requests keep the resolver's likeness: a long, polite "could you say that one more time for me" is a repeat.
SURE_ONLY_INTENTS = ("AMAZON.YesIntent", "AMAZON.NoIntent")
# Words beside a slot's value in a reading that is still that value alone ("at bedtime", "just by itself"); the
# resolver's normalising drops fillers ("um") already.
SLOT_ONLY_EXTRAS = frozenset({"at", "just", "please", "so", "well", "okay", "i", "am"})
# The slot types whose values alone, unasked, are asked again: everyday words that pull unrelated speech ("bedtime",
# "by itself", "the usual", "fine" unasked). A routine named alone ("lower back", "neck") is how people answer the
# welcome, which elicits no slot: acted on.
SLOT_ONLY_TYPES = frozenset({"DAY_PART", "STRETCH_MODE", "HEAT_LENGTH", "PAIN_FEELING"})
HINT_FRESH_SECONDS = 5.0  # a hint not said by then (the runner was busy) is dropped: it would answer the past
ECHO_TAIL_SECONDS = 0.3  # after a sentence ends, the room still carries it to the microphone


@dataclass(frozen=True)
class Awaiting:
    """What the skill waits on as a reading comes in (the conversation's open question, skill.alexa.dialog's
    `waiting_on`): heard words that answer nothing it asks are asked again (`reading`). A yes or a no with no question
    open is a sign or a request misheard as one of its phrasings ("numb down there" as "i'm not bad", "i peed my pants"
    as "i'd like that"); so is a slot's value alone when that slot is not being asked for ("bedtime", "by itself")."""

    yes_or_no: bool = False  # a yes or a no answers something now (LocalConversation.asks_yes_or_no)
    slot: ElicitedSlot | None = None  # the slot the last reply elicited


@dataclass(frozen=True)
class _Hint:
    text: str
    at: float


class SkillAudio:
    """What the runner plays at this moment, for the listener: the sentence's words while the voice plays it
    ("" for a sound), None in silence; and the audio itself (`played`), for the echo canceller. The runner's player and
    performer report to it (`follow`)."""

    def __init__(self):
        self._upcoming = ""
        self._playing: str | None = None
        self._until = 0.0
        self.played = PlayedAudio()

    def __call__(self) -> str | None:
        if self._playing is not None:
            return self._playing
        return self._upcoming if time.monotonic() < self._until else None

    def follow(self, runner: Runner) -> None:
        """Hear about each part the runner's performer starts and each file its player plays."""
        performer = runner.performer
        started = performer.on_part

        def part_started(part: Part) -> None:
            self._upcoming = part.text if isinstance(part, Say) else ""
            started(part)

        performer.on_part = part_started
        if performer.player is not None:
            performer.player = _ReportingPlayer(performer.player, self)

    def playing(self, started: bool, path=None) -> None:
        if started:
            self._playing = self._upcoming
            if path is not None:
                try:
                    self.played.started(path)
                except (OSError, EOFError, ValueError):  # a file it cannot read: no reference, spotting as before
                    pass
        else:
            self._playing = None
            self._until = time.monotonic() + ECHO_TAIL_SECONDS
            self.played.stopped()


class _ReportingPlayer:
    def __init__(self, player: Any, audio: SkillAudio):
        self._player = player
        self._audio = audio

    def play(self, path, stop: threading.Event) -> None:
        self._audio.playing(True, path)
        try:
            self._player.play(path, stop)
        finally:
            self._audio.playing(False)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._player, name)


class ListeningLines:
    """skill.local.talk.Lines: the typed lines of `typed`, and what `heard` is given, in the order they come."""

    def __init__(self, typed: Lines, runner: Runner):
        self._typed = typed
        self._runner = runner
        self._queue: queue.Queue[str | _Hint | None] = queue.Queue()
        conversation = runner.conversation
        self._resolver, self._triage = conversation.resolver, conversation.triage
        threading.Thread(target=self._pump, daemon=True, name="spine-coach-typed").start()

    # skill.local.talk.Lines
    def next(self, timeout: float | None) -> str | None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            item = self._queue.get(timeout=left)  # queue.Empty when nothing came in time
            if isinstance(item, _Hint):
                if time.monotonic() - item.at <= HINT_FRESH_SECONDS:
                    self._runner.speak([Say(item.text)], "hint", "ListenHint")
                continue
            return item

    def has_waiting_line(self) -> bool:
        with self._queue.mutex:
            return any(isinstance(item, str) for item in self._queue.queue)

    def ready(self) -> None:
        ready = getattr(self._typed, "ready", None)
        if ready is not None:
            ready()

    def heard(self, heard: Heard) -> None:
        """An utterance from the listener's thread: a line for the runner, or a hint to say."""
        # Read as the conversation will read it: an answer to the slot its last reply asked for ("fifteen") included,
        # and nothing that answers what it does not ask (Awaiting).
        conversation = self._runner.conversation
        awaiting = Awaiting(conversation.asks_yes_or_no, conversation.elicited)
        text = heard.text if heard.barge_in else reading(heard.recognition, self._resolver, self._triage,
                                                         awaiting=awaiting)
        if text is None:
            self._show(f"you (heard, unsure)> {heard.text}")
            # A sign among the readings asked about: the emergency number first, before "say it again".
            key = "listen.unsure_sign" if holds_a_sign(heard.recognition, self._triage) else "listen.unsure"
            self._queue.put(_Hint(self._runner.content.say(key, heard=heard.text), time.monotonic()))
            return
        self._show(f"you (heard)> {text}")
        self._runner.stop.set()  # as a typed line does: interrupt first, then queue
        self._queue.put(text)

    def _show(self, line: str) -> None:
        transcript = self._runner.transcript
        if not transcript.as_json:
            transcript.out.write(line + "\n")
            transcript.out.flush()

    def _pump(self) -> None:
        while True:
            line = self._typed.next(timeout=None)
            self._queue.put(line)
            if line is None:
                return


def confidence(resolver: IntentResolver, text: str, context: ElicitedSlot | None = None) -> float:
    """How well `text` fits a request the skill understands, or an answer to the slot `context` asks for: the
    resolver's confidence, 0 for the fallback, 1 for "open spine coach"."""
    kind, words = resolver.split_invocation(text)
    if not words.strip():
        return 1.0 if kind != "continue" else 0.0
    resolution = resolver.resolve(words, context=context if kind == "continue" else None)
    return 0.0 if resolution.intent == FALLBACK_INTENT else resolution.score


class _ScreenedOnce:
    """The red-flag screen, each text screened once per utterance: deciding what to act on asks about the same
    readings several times (the best one, then each alternative for an emergency, for any sign, for a short sign)."""

    def __init__(self, triage: Triage) -> None:
        self._triage = triage
        self._found: dict[str, Finding | None] = {}

    def classify(self, text: str) -> Finding | None:
        if text not in self._found:
            self._found[text] = self._triage.classify(text)
        return self._found[text]


def holds_a_sign(recognition: Recognition, triage: Triage) -> bool:
    """Whether the red-flag screen gives a tier to any of the recogniser's readings."""
    return any(triage.classify(text) for text in (recognition.text, *recognition.alternatives))


def reading(recognition: Recognition, resolver: IntentResolver, triage: Triage,
            context: ElicitedSlot | None = None, awaiting: Awaiting | None = None) -> str | None:
    """The words to act on, or None to ask again (`_reading`), but not a harmless reading of a word or few that
    sounds less like a warning sign among the recogniser's other readings.

    On so few sounds the language model's prior decides much: "legs are numb" came out "legs aren't arm" (and the
    second look "advice on food"), "numb down there" as "i'm not bad" (a no), the sign only a weaker reading. So when
    the words to act on raise nothing on the screen, fewer than DESCRIPTION_WORDS words were heard and a reading of
    as many words holds a sign (any tier), each is fitted to the audio on its sounds alone (`Recognition.fit`), and a
    sign fitting it better by SIGN_MARGIN a frame is what is acted on: screened and answered as the sign it is.

    A harmless reading left that is a yes or a no only by likeness (SURE_ONLY_INTENTS) is asked again; and, when
    `awaiting` says what the skill waits on (its `slot` then stands for `context`), so is one that answers nothing it
    asks: a yes or a no with no question open, a slot's value alone when that slot is not the one elicited."""
    if awaiting is not None:
        context = awaiting.slot
    triage = _ScreenedOnce(triage)
    text = _reading(recognition, resolver, triage, context)
    if text is None or triage.classify(text):
        return text
    harmless = None if _asked_again(resolver, text, context, awaiting) else text
    if len(recognition.text.split()) >= DESCRIPTION_WORDS:
        return harmless
    signs = [alternative for alternative in recognition.alternatives
             if len(alternative.split()) == len(text.split()) and triage.classify(alternative)]
    if not signs or (fit := recognition.fit(text)) is None:
        return harmless
    fits = {sign: sign_fit for sign in signs if (sign_fit := recognition.fit(sign)) is not None}
    best = max(fits, key=fits.__getitem__, default=None)
    return best if best is not None and fits[best] > fit + SIGN_MARGIN else harmless


def _reading(recognition: Recognition, resolver: IntentResolver, triage: Triage,
             context: ElicitedSlot | None = None) -> str | None:
    """The words to act on, or None to ask again. The best hypothesis, when the red-flag screen catches it or the
    resolver is confident of it; else, when an alternative holds an emergency or urgent sign (in a sentence of
    DESCRIPTION_WORDS or more even when the resolver is confident of the best hypothesis), the grammar's nearest
    request if there is one (below), else that first such alternative (a warning sign among the readings of an
    unclear sentence is answered, not asked about); else, when no reading holds any symptom at all, the grammar's
    nearest request; else None.

    The grammar's nearest request (`Recognition.closest`) counts when the audio fits it nearly as well as the best
    string of phones, the resolver is confident of it, the screen finds nothing in it and it keeps every barge-in word
    the words heard have ("stop the stretches", not in the grammar, is nearest to "start the stretches": a "stop"
    heard is never traded away). The grammar holds no symptom, so speech about one fits no request that well
    (bench/listen.py's machinery on 8 of its 16 voice conditions: of 352 renderings of emergency and urgent sentences,
    none whose sign was only in an alternative had such a nearest request; of the wider sample's 384, 17 requests
    read as a sign in an alternative did, and each was the request said).

    A word or two (`Recognition.short`: short audio, decoded again against the skill's short requests alone) may
    stand in wherever the nearest request would, and also where a weaker reading holds a symptom word that the best
    one does not: "help" heard as "tail end" with "tailbone" among its readings. Words the screen catches in the best
    reading are never traded for it. When no reading holds a symptom and the short look finds no request, a barge-in
    word (BARGE_IN) that is itself one of the readings is taken (`_second_look`): on a word that short the language
    model often writes salad first and the word second ("help" as "do old", "help")."""
    if triage.classify(recognition.text):
        return recognition.text
    confident = confidence(resolver, recognition.text, context) >= LOW_CONFIDENCE
    if confident and len(recognition.text.split()) < DESCRIPTION_WORDS:
        return recognition.text
    sign = next((text for text in recognition.alternatives
                 if (finding := triage.classify(text)) and finding.tier in ALTERNATIVE_TIERS), None)
    if sign:
        return _second_look(recognition, resolver, triage, context) or sign
    if confident:
        return recognition.text
    if any(triage.classify(text) for text in recognition.alternatives):
        # A symptom heard in some reading is asked about, never forced into the nearest of all requests; a word or
        # two that fits one of the short requests closely is that request ("help" read as "tail end", "tailbone").
        return _nearest_request(recognition, resolver, triage, context, short=True)
    return _second_look(recognition, resolver, triage, context, barge_in_among=True)


def _asked_again(resolver: IntentResolver, text: str, context: ElicitedSlot | None,
                 awaiting: Awaiting | None) -> bool:
    """Whether a harmless reading is asked again: a yes or a no only by resembling one of its phrasings (one of
    SURE_ONLY_INTENTS at the resolver's confidence below 1); or, when `awaiting` is known, one that answers nothing
    the skill asks: a yes or a no with no question open, or only the value of a slot not asked for (`_slot_only`).
    The words are resolved once, as the runner will resolve them (`context` is `awaiting.slot` when it is known)."""
    kind, words = resolver.split_invocation(text)
    if not words.strip():
        return False
    resolution = resolver.resolve(words, context=context if kind == "continue" else None)
    if resolution.intent in SURE_ONLY_INTENTS and resolution.score < 1.0:
        return True
    if awaiting is None or kind != "continue":
        return False  # "ask spine coach ..." names the skill: a request of its own
    if resolution.intent in SURE_ONLY_INTENTS:
        return not awaiting.yes_or_no
    # An answer to the intent whose slot is asked for answers it, in whichever of its slots ("at bedtime" to the
    # reminder's time).
    return _slot_only(resolution, words) and (awaiting.slot is None or awaiting.slot.intent != resolution.intent)


def _slot_only(resolution: Resolution, words: str) -> bool:
    """Whether the words are nothing but the value of a slot the resolution filled (SLOT_ONLY_EXTRAS aside), of one
    of SLOT_ONLY_TYPES. A built-in type's value is not in words ("half seven" is "07:30"): never slot-only, acted on
    as before."""
    heard = normalize(words).split()
    filled = [slot for slot in resolution.slots.values() if slot.value is not None]
    if not filled or not heard or any(slot.slot_type not in SLOT_ONLY_TYPES for slot in filled):
        return False
    values = {word for slot in filled for said in (slot.value, slot.canonical or "")
              for word in normalize(said).split()}
    return all(word in values or word in SLOT_ONLY_EXTRAS for word in heard)


def _second_look(recognition: Recognition, resolver: IntentResolver, triage: Triage,
                 context: ElicitedSlot | None, barge_in_among: bool = False) -> str | None:
    """The nearest of all requests, else, for a word or two, the nearest short request; but the short one at once
    when the recogniser's own readings hold it too. On a short word the whole grammar's look takes a second or more
    (ten, on a busy machine), which a "stop" or "help" in a hold cannot wait for, the short one a fraction of a
    second; taken first regardless, it turned "it hurts" misheard as "the loo" into "ignore that", where the whole
    grammar found "it's good" (about pain, as said)."""
    short = _nearest_request(recognition, resolver, triage, context, short=True)
    if short and short in recognition.alternatives:
        return short
    if barge_in_among and not short:
        # A barge-in word that is itself one of the decoder's readings is what was said ("help" in a hold's silence
        # read as "do old", then "help"), before the whole grammar's slow look: a hold cannot wait for it.
        said = next((text for text in recognition.alternatives if text in BARGE_IN), None)
        if said:
            return said
    return _nearest_request(recognition, resolver, triage, context) or short


def _nearest_request(recognition: Recognition, resolver: IntentResolver, triage: Triage,
                     context: ElicitedSlot | None, short: bool = False) -> str | None:
    closest = recognition.short() if short else recognition.closest()
    if closest and not triage.classify(closest) and confidence(resolver, closest, context) >= LOW_CONFIDENCE \
            and all(_has_phrase(closest, phrase) for phrase in BARGE_IN if _has_phrase(recognition.text, phrase)):
        return closest
    return None


def _has_phrase(text: str, phrase: str) -> bool:
    return f" {phrase} " in f" {text} "


def start_listening(runner: Runner, device: str | None, warn: Callable[[str], None],
                    cleanup: contextlib.ExitStack) -> ListeningLines | None:
    """Listen through the microphone beside the runner's typed lines; None, after one line through `warn`, when
    there is no microphone to listen with (typing goes on as before)."""
    from skill.local.listen.microphone import Microphone, MicrophoneUnavailable

    try:
        microphone = Microphone(device)
    except MicrophoneUnavailable as reason:
        warn(f"Not listening: {reason}. Type instead.")
        return None
    cleanup.callback(microphone.close)
    lines = ListeningLines(runner.lines, runner)
    audio = SkillAudio()
    audio.follow(runner)
    try:
        echo: EchoCanceller | None = EchoCanceller()
    except EchoCancellationUnavailable as reason:
        warn(f"No echo cancellation: {reason}. Over the skill's voice, only stop, pause, help and that hurts are "
             "listened for.")
        echo = None
    listener = Listener(Recogniser(), KeywordSpotter(), lines.heard, audio, echo,
                        lambda: audio.played.between(microphone.frame_at - FRAME_SECONDS, microphone.frame_at))
    runner.lines = lines

    def listen() -> None:
        try:
            listener.run(microphone.frames())
        except Exception as error:  # the typed lines carry on; say once why the voice stopped
            warn(f"Stopped listening: {error}. Type instead.")

    threading.Thread(target=listen, daemon=True, name="spine-coach-listen").start()
    print(f"Listening on {microphone.name}: speak, or type.", file=sys.stderr)
    return lines
