"""Talk to Spine Coach offline: typed utterances become real Alexa envelopes for the same skill Lambda runs,
and the replies are printed and played in real time.

Typed text is screened for red flags first (the raw words are available here, unlike on Alexa); a finding is
sent as SymptomReportIntent carrying those words, so the skill's own triage answers it. Otherwise the local
resolver reads the interaction model Alexa gets and produces the intent and slots.
"""

from __future__ import annotations

import json
import queue
import sys
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Protocol, TextIO

from ask_sdk_core.skill import CustomSkill

from skill.alexa.app import invoke
from skill.alexa.dialog import ElicitedSlot, elicited_in
from skill.core.content import Content, resolve_locale
from skill.core.state import OpenQuestion, Question
from skill.alexa.envelopes import SKILL_ID, AlexaSession, intent, launch, resolved_slot, session_ended
from skill.local.alarm import LocalAlarm
from skill.local.audio.voice import Clipped
from skill.local.clock import Clock, RealClock
from skill.local.live import LiveStatus
from skill.local.performer import Performer
from skill.local.nlu.resolver import IntentResolver
from skill.core.safety.triage import triage_for
from skill.core.speech import Part, Say, Sound, parse_ssml, ssml_to_text

SYMPTOM_INTENT = "SymptomReportIntent"
HANDS_FREE_REST_SECONDS = 5  # between stretches: time to move, and to speak up
HANDS_FREE_HEARD = "[hands-free] next"
PERMISSIONS = (Question.HEAT_TIMER_PERMISSION, Question.REMINDER_PERMISSION)
STOP_INTENTS = ("AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.NavigateHomeIntent")


@dataclass
class Exchange:
    """One turn: the transcript record (`--json`), the reply as playable parts, and the session it leaves."""

    record: dict[str, Any]
    parts: list[Part]
    attributes: dict[str, Any]

    @property
    def asks(self) -> bool:
        """The reply is waiting on a yes or no."""
        return not self.record["end_session"] and "question" in self.attributes

    @property
    def continues_hands_free(self) -> bool:
        routine = self.attributes.get("routine") or {}
        return (not self.record["end_session"] and routine.get("hands_free") is True
                and routine.get("status") in ("ready", "running") and "question" not in self.attributes)


@dataclass
class LocalConversation:
    skill: CustomSkill
    session: AlexaSession
    clock: Clock = field(default_factory=RealClock)
    hands_free: bool = False  # --hands-free: every routine started here runs without "next"
    elicited: ElicitedSlot | None = None  # what the last reply told Alexa it waits on (Dialog.ElicitSlot)

    def __post_init__(self):
        self.resolver = IntentResolver.for_locale(self.session.locale)
        self.triage = triage_for(resolve_locale(self.session.locale))

    @property
    def asks_yes_or_no(self) -> bool:
        """Whether a yes or a no answers something now, for heard readings (skill.local.listen.lines.Awaiting): an
        open question (a slot's too: "no" declines it; not a permission, which Alexa's own dialog answers), or a
        routine under way (a hands-free warm-up's safety check, "okay" to "How did that feel?", "go on" when
        paused: skill.alexa.handlers.stretch)."""
        if not self.session.open:
            return False
        attributes = self.session.attributes
        question = OpenQuestion.from_dict(attributes.get("question"))
        return (question is not None and question.id not in PERMISSIONS) or bool(attributes.get("routine"))

    def hear(self, text: str) -> Exchange:
        """Run one utterance as one turn."""
        kind, words = self.resolver.split_invocation(text)
        if kind != "continue":
            self.session.close()  # "open spine coach" / "ask spine coach to ..." always start a new session
        if kind == "launch" or (kind == "one_shot" and not words.strip()):
            return self._send(text, launch(), {})
        if self.triage.classify(words):
            return self._send(text, intent(SYMPTOM_INTENT, {"symptom": words}), {"symptom": words})
        resolution = self.resolver.resolve(words, context=self.elicited if kind == "continue" else None)
        slots = {name: slot.to_alexa(SKILL_ID) for name, slot in resolution.slots.items() if slot.value is not None}
        if self.hands_free and resolution.intent == "StartStretchIntent":
            slots["mode"] = resolved_slot("mode", "hands-free", "STRETCH_MODE", "hands_free")
        return self._send(text, intent(resolution.intent, slots), resolution.slot_values())

    def carry_on(self) -> Exchange:
        """What the user would otherwise say between hands-free stretches."""
        return self._send(HANDS_FREE_HEARD, intent("AMAZON.NextIntent"), {})

    def end(self) -> None:
        """Tell the skill the user has gone, as Alexa does when a session closes without a final response."""
        if self.session.open:
            invoke(self.session.envelope(session_ended(), at=self.clock.now()), self.skill)
            self.session.close()
        self.elicited = None

    def _send(self, heard: str, request: dict[str, Any], slots: dict[str, Any]) -> Exchange:
        response = invoke(self.session.envelope(request, at=self.clock.now()), self.skill)
        self.session.absorb(response)
        self.elicited = elicited_in(response)
        body = response.get("response") or {}
        ssml = (body.get("outputSpeech") or {}).get("ssml")
        reprompt = (body.get("reprompt") or {}).get("outputSpeech") or {}
        attributes = response.get("sessionAttributes") or {}
        record = {
            "heard": heard,
            "request_type": request["type"],
            "intent": request.get("intent", {}).get("name"),
            "slots": slots,
            "speech": ssml_to_text(ssml),
            "reprompt": ssml_to_text(reprompt.get("ssml")) or None,
            "end_session": body.get("shouldEndSession") is True,
            "triage": attributes.get("triage"),
            "directives": [d.get("type") for d in body.get("directives") or []],
        }
        return Exchange(record, parse_ssml(ssml), attributes)


def quiet_record(heard: str | None, request_type: str | None, speech: str = "") -> dict[str, Any]:
    """The transcript record of a turn the skill did not answer: the runner's own words, a session ended."""
    return {"heard": heard, "request_type": request_type, "intent": None, "slots": {}, "speech": speech,
            "reprompt": None, "end_session": False, "triage": None, "directives": []}


class Transcript:
    """Where turns are written: one JSON object per line, or the words as they are spoken."""

    def __init__(self, out: TextIO = sys.stdout, as_json: bool = False):
        self.out = out
        self.as_json = as_json

    def turn(self, record: dict[str, Any]) -> None:
        if self.as_json:
            self._write(json.dumps(record, ensure_ascii=False))

    def sentence(self, text: str) -> None:
        if not self.as_json:
            self._write(f"Spine Coach: {text}")

    def _write(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()


class Lines(Protocol):
    def next(self, timeout: float | None) -> str | None: ...  # None at end of input; queue.Empty when nothing came

    def has_waiting_line(self) -> bool: ...

    # Optional: `ready()`, called when the runner waits for the user to type (after a reply, after the heat alarm),
    # to show the prompt there.


class Runner:
    """Drives a conversation: each reply is shown and performed, hands-free routines carry on by themselves, the heat
    alarm rings when due, and a line typed meanwhile (`lines` sets `stop` first) cuts in at once.

    `on_played(kind, parts)` hears what was actually played of each reply ("reply"), heat alarm ("alarm") or
    announcement of the runner's own ("routine"), a part cut short as `Clipped`: --save-audio writes it."""

    def __init__(self, conversation: LocalConversation, performer: Performer, alarm: LocalAlarm,
                 transcript: Transcript, lines: Lines | None = None, rest_seconds: float = HANDS_FREE_REST_SECONDS):
        self.conversation = conversation
        self.lines = lines
        self.performer = performer
        self.alarm = alarm
        self.transcript = transcript
        self.rest_seconds = rest_seconds
        self.clock = conversation.clock
        self.stop = threading.Event()
        self.content = Content(resolve_locale(conversation.session.locale))
        self.on_played: Callable[[str, list[Part | Clipped]], None] = lambda kind, parts: None
        self.alarms_rung = 0
        # A question answered before it was asked (a routine's heat screening, asked up front) is not played again.
        self.answered_already: Callable[[Exchange], bool] = lambda exchange: False
        self.status = LiveStatus(self.clock, conversation.session.locale, heat_due=alarm.next_due)
        performer.on_part = self.status.part_started

    def handle(self, text: str) -> Exchange:
        """One utterance and everything it sets going; returns the last exchange."""
        exchange = self._reply(self.conversation.hear(text))
        while exchange.continues_hands_free and not self.stop.is_set():
            # The skill says how long it needs (the warm-up's minutes) in the routine's transition_seconds.
            needed = (exchange.attributes.get("routine") or {}).get("transition_seconds") or self.rest_seconds
            self.status.waiting("next stretch in", needed)
            if self.clock.wait(needed, self.stop):
                break
            self.ring_due_alarms()
            exchange = self._reply(self.conversation.carry_on())
        return exchange

    def run_script(self, utterances: Iterable[str]) -> None:
        """Utterances in order, each after the previous reply has played; then any heat countdown to its end."""
        for text in utterances:
            if text.strip():
                self.handle(text)
                self.ring_due_alarms()
        self.wait_for_alarms()

    def wait_for_alarms(self) -> None:
        while (due := self.alarm.next_due()) is not None and not self.stop.is_set():
            if not self.clock.wait(due - self.clock.now(), self.stop):
                self.ring_due_alarms()

    def run_interactive(self) -> None:
        """Typed lines as they come; a line typed while a reply plays interrupts it and is handled at once."""
        self.ready_for_input()
        while True:
            try:
                text = self.lines.next(timeout=0.25)
            except queue.Empty:
                if self.ring_due_alarms():
                    self.ready_for_input()
                continue
            if text is None:
                return
            self.stop.clear()
            if self.lines.has_waiting_line():
                self.stop.set()  # typed ahead (or piped): the reply to this line must not hold up the next one
            if text.strip():
                self.handle(text)
            self.ready_for_input()

    def ready_for_input(self) -> None:
        """Show the prompt, where the lines have one (a terminal)."""
        ready = getattr(self.lines, "ready", None)
        if ready is not None:
            ready()

    def typed_line(self, wait: float) -> str | None:
        """A line typed during the last reply, or within `wait` seconds more; None if there is none."""
        if self.lines is None or not (self.stop.is_set() or self.clock.wait(wait, self.stop)):
            return None
        try:
            text = self.lines.next(timeout=0.5)  # it was queued right after stop was set
        except queue.Empty:
            return None
        self.stop.clear()
        return text

    def ring_due_alarms(self) -> bool:
        """Ring every alarm that is due: the chime and the announcement. Whether any rang."""
        rang = False
        for _ in self.alarm.pop_due():
            parts = [Sound("chime"), Say(self.content.say("heat.time_up"))]
            self.alarms_rung += 1
            rang = True
            self.speak(parts, "alarm", "HeatAlarm")
        return rang

    def announce(self, text: str) -> bool:
        """A caregiver's routine speaking for itself: its name, what comes next. True when a typed line cut in."""
        return self.speak([Say(text)], "routine", "RoutineFile")

    def speak(self, parts: list[Part], kind: str, request_type: str) -> bool:
        """The runner's own words, written as a turn of `request_type` with no one heard, shown and played like a
        reply. True when a typed line cut them short."""
        self.transcript.turn(quiet_record(None, request_type,
                                          " ".join(part.written for part in parts if isinstance(part, Say))))
        self.status.follow({}, parts)
        return self._perform(parts, kind)

    def show(self, exchange: Exchange) -> Exchange:
        """A reply from elsewhere (a rehearsal of a routine's step) shown and played as this runner's own."""
        return self._reply(exchange)

    def _reply(self, exchange: Exchange) -> Exchange:
        self.transcript.turn(exchange.record)
        self.status.follow(exchange.attributes, exchange.parts)
        if self.answered_already(exchange):
            self.on_played("reply", [])
        else:
            self._perform(exchange.parts, "reply")
        return exchange

    def _perform(self, parts: list[Part], kind: str) -> bool:
        played: list[Part | Clipped] = []
        try:
            return self.performer.perform(parts, self.stop, played)
        finally:
            self.on_played(kind, played)


class LineReader:
    """Reads typed lines on a thread, so typing can interrupt a reply that is still playing."""

    def __init__(self, stream: TextIO, interrupt: threading.Event, prompt: str = "you> ",
                 prompt_to: TextIO | None = None):
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._stream = stream
        self._interrupt = interrupt
        self._prompt = prompt if stream.isatty() else ""
        self._prompt_to = prompt_to or sys.stderr
        threading.Thread(target=self._read, daemon=True, name="spine-coach-input").start()

    def next(self, timeout: float | None) -> str | None:
        """The next line (None at end of input); queue.Empty if none arrives within `timeout`."""
        return self._lines.get(timeout=timeout)

    def ready(self) -> None:
        """The prompt, where the user types next (on a terminal only). Shown when the runner waits for a line, not
        when it takes one: the reply to that line would otherwise print after it."""
        if self._prompt:
            self._prompt_to.write(self._prompt)
            self._prompt_to.flush()

    def has_waiting_line(self) -> bool:
        """Whether another typed line is already queued (the end of input is not a line)."""
        with self._lines.mutex:
            return any(line is not None for line in self._lines.queue)

    def _read(self) -> None:
        while True:
            line = self._stream.readline()
            if not line:
                self._lines.put(None)  # end of input: let the reply that is playing finish
                return
            if line.strip():
                # Interrupt before queueing: the runner clears the flag only after taking the line, so the flag
                # can never be left set for the reply to the line itself.
                self._interrupt.set()
                self._lines.put(line.strip())
