"""The console's state: one conversation with the skill, as the offline runner holds it, shown on a page.

A typed line takes the runner's own path (skill.local.talk.LocalConversation: the red-flag screen first, then the
local resolver, then real envelopes through `invoke`), on the real clock and the store the runner uses; the session
attributes carry across turns as Alexa carries them. What the page adds, on top of what the runner does:

- each turn's envelopes, kept as they were sent and received;
- the reply's audio, rendered on the server (skill.console.audio);
- the routine's progress, live: the reply is walked part by part, as the runner's performer plays it, and
  skill.local.live says where it is (step, rep, the hold's seconds left); a hands-free routine carries on by
  itself, as under `talk --hands-free`, and the heat alarm rings when due. Holds and rests can run faster
  (the speed setting) for a demonstration; the skill's own clock, and so the store, stays on real time.
- replays (skill.local.replay) stepped through turn by turn, each on a store of its own.
"""

from __future__ import annotations

import itertools
import json
import queue
import re
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterator, Mapping

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from skill.alexa.app import create_skill, invoke
from skill.alexa.envelopes import session_ended
from skill.console.audio import ReplyAudio
from skill.console.views import turn_view
from skill.core.content import Content, DEFAULT_LOCALE, resolve_locale, supported_locales
from skill.core.speech import Part, Pause, Say, Sound
from skill.local.alarm import LocalAlarm
from skill.local.clock import Clock, FastClock, RealClock
from skill.local.live import LiveStatus
from skill.local.no_cloud import NoCloudApiClient
from skill.local.progress_store import ProgressStoreError, open_progress_store
from skill.local.replay import DEVICES, RecordingSession, ReplayFileError, ReplayRun, check, load_replay
from skill.local.session import local_user_id
from skill.local.talk import HANDS_FREE_REST_SECONDS, Exchange, LocalConversation

SPEEDS = (1, 10, 100)  # how much faster than real time holds, rests and hands-free waits run
DEFAULT_USER = "local-user"  # as `talk --user`: the console and the runner share a person's progress
PROGRESS_TICK_SECONDS = 0.25
KEEP_ALIVE_SECONDS = 15.0
REPLAY_SUFFIXES = (".yaml", ".yml", ".json")
_USER = re.compile(r"[A-Za-z0-9._-]{1,64}")
_UPLOAD_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class ConsoleError(ValueError):
    """A request the console cannot carry out; the message is shown on the page as it is."""


@dataclass(frozen=True)
class Settings:
    locale: str = DEFAULT_LOCALE
    device: str = "voice"  # a key of skill.local.replay.DEVICES: "voice" or "echo show"
    user: str = DEFAULT_USER
    speed: int = 1

    def checked(self) -> Settings:
        if self.locale not in supported_locales():
            raise ConsoleError(f"'{self.locale}' is not a locale Spine Coach has; one of "
                               f"{', '.join(supported_locales())}")
        if self.device not in DEVICES:
            raise ConsoleError(f"'{self.device}' is not a device; one of {', '.join(DEVICES)}")
        if not _USER.fullmatch(self.user):
            raise ConsoleError("a user name is 1 to 64 letters, digits, dots, dashes or underscores")
        if self.speed not in SPEEDS:
            raise ConsoleError(f"speed is one of {', '.join(map(str, SPEEDS))}")
        return self


class Events:
    """Server-sent events: every open page gets each event published after it connected."""

    def __init__(self):
        self._subscribers: set[queue.Queue] = set()
        self._lock = threading.Lock()

    def publish(self, event: str, data: Any) -> None:
        message = f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
        with self._lock:
            for subscriber in self._subscribers:
                try:
                    subscriber.put_nowait(message)
                except queue.Full:  # a page that stopped reading misses events rather than holding memory
                    pass

    def stream(self, first: list[tuple[str, Any]]) -> Iterator[str]:
        """The event stream of one page: `first`, then everything published, with a comment line now and then so
        a closed page is noticed (its write fails) and its thread freed."""
        mailbox: queue.Queue = queue.Queue(maxsize=1000)
        with self._lock:
            self._subscribers.add(mailbox)
        try:
            yield "retry: 1000\n\n"
            for event, data in first:
                yield f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
            while True:
                try:
                    yield mailbox.get(timeout=KEEP_ALIVE_SECONDS)
                except queue.Empty:
                    yield ": still here\n\n"
        finally:
            with self._lock:
                self._subscribers.discard(mailbox)


class Console:
    def __init__(self, store: AbstractPersistenceAdapter, audio: ReplyAudio, settings: Settings = Settings(),
                 replays: Path | None = None, clock: Clock | None = None):
        self.store = store
        self.audio = audio
        self.clock = clock or RealClock()
        self.alarm = LocalAlarm(self.clock)
        # The runner's skill: its store, its alarm, and no Alexa cloud (reminders say they need an Echo).
        self.skill = create_skill(persistence=store, alarm=self.alarm, api_client=NoCloudApiClient())
        self.replays = replays
        self.events = Events()
        self.lock = threading.RLock()  # one turn at a time: typed, hands-free or replayed
        self._scratch = tempfile.TemporaryDirectory(prefix="spine-coach-console-")
        self._numbers = itertools.count(1)  # turns, and the scratch folders of replays
        self._timeline_stop = threading.Event()
        self._status: LiveStatus | None = None
        self._replay: _ReplayState | None = None
        self._closed = threading.Event()
        self.settings = settings.checked()
        self._start_conversation()
        threading.Thread(target=self._tick, name="console-progress", daemon=True).start()

    # --- the conversation ----------------------------------------------------------------------------------
    def send(self, kind: str, text: str | None, settings: Settings, started: float | None = None) -> dict[str, Any]:
        """One turn from the page: an utterance, or the launch, SessionEnded and new-session buttons."""
        started = time.perf_counter() if started is None else started
        with self.lock:
            notes = self._configure(settings.checked())
            self._timeline_stop.set()  # whatever was playing is cut short, as typing does in the runner
            if kind == "utterance":
                if not text or not text.strip():
                    raise ConsoleError("type what you would say to Alexa")
                return {"notes": notes, "turn": self._exchanged(self.conversation.hear(text.strip()), started)}
            if kind == "launch":
                words = f"open {self.conversation.resolver.invocation_name}"
                return {"notes": notes, "turn": self._exchanged(self.conversation.hear(words), started)}
            if kind == "session_ended":
                return {"notes": notes, "turn": self._session_ended(started)}
            if kind == "new_session":
                self.session.close()  # as a new "open ..." does: Alexa sends no SessionEnded for the old one
                self.conversation.elicited = None
                self._status = None
                return {"notes": notes + ["New session: the next request opens one."], "turn": None}
        raise ConsoleError(f"'{kind}' is not a kind of turn; utterance, launch, session_ended or new_session")

    def state(self) -> dict[str, Any]:
        return {"settings": self.settings.__dict__, "locales": list(supported_locales()), "devices": list(DEVICES),
                "speeds": list(SPEEDS), "voice": self.audio.available, "voice_problem": self.audio.problem,
                "replays": self.replay_names(), "session_open": self.session.open}

    def close(self) -> None:
        self._closed.set()
        self._timeline_stop.set()
        with self.lock:
            self.conversation.end()
        self.audio.close()
        self._scratch.cleanup()

    def _start_conversation(self) -> None:
        screen = DEVICES[self.settings.device]
        self.session = RecordingSession(user_id=local_user_id(self.settings.user), locale=self.settings.locale,
                                        screen=screen)
        self.conversation = LocalConversation(self.skill, self.session, clock=self.clock)

    def _configure(self, wanted: Settings) -> list[str]:
        """New locale, device or user: that is another conversation, so the open one ends as Alexa ends it."""
        if (wanted.locale, wanted.device, wanted.user) == (self.settings.locale, self.settings.device,
                                                           self.settings.user):
            self.settings = wanted
            return []
        self.conversation.end()
        self._timeline_stop.set()
        self._status = None
        self.settings = wanted
        self._start_conversation()
        return [f"New conversation: {wanted.locale}, {wanted.device}, user {wanted.user}."]

    def _exchanged(self, exchange: Exchange, started: float | None) -> dict[str, Any]:
        view = self._view(exchange.record, exchange.parts, started)
        self._follow(exchange, view)
        return view

    def _view(self, record: Mapping[str, Any], parts: list[Part], started: float | None,
              kind: str = "turn") -> dict[str, Any]:
        view = turn_view(record, self.session.last_request, self.session.last_response, self.settings.locale)
        key = self.audio.submit(_at_speed(parts, self.settings.speed)) if parts else None
        view.update(number=next(self._numbers), kind=kind, locale=self.settings.locale, device=self.settings.device,
                    user=self.settings.user, audio=f"/console/audio/{key}.wav" if key else None, audio_key=key,
                    server_ms=round((time.perf_counter() - started) * 1000, 1) if started is not None else None)
        return view

    def _session_ended(self, started: float) -> dict[str, Any]:
        """What `LocalConversation.end` sends, with the envelopes kept for the page."""
        self.session.last_request = self.session.last_response = None
        self._status = None
        if self.session.open:
            response = invoke(self.session.envelope(session_ended(), at=self.clock.now()), self.skill)
            self.session.last_response = response
            self.session.close()
        self.conversation.elicited = None
        record = {"heard": None, "request_type": "SessionEndedRequest" if self.session.last_request else None,
                  "intent": None, "slots": {}, "speech": "", "reprompt": None, "end_session": True, "triage": None,
                  "directives": []}
        return self._view(record, [], started, kind="session_ended")

    # --- live progress -------------------------------------------------------------------------------------
    def _follow(self, exchange: Exchange, view: Mapping[str, Any]) -> None:
        """Walk the reply as it plays, in a thread of its own, and carry a hands-free routine on after it."""
        stop = threading.Event()
        self._timeline_stop = stop
        threading.Thread(target=self._play, args=(exchange, view, stop), name="console-timeline",
                         daemon=True).start()

    def _play(self, exchange: Exchange, view: Mapping[str, Any], stop: threading.Event) -> None:
        speed = self.settings.speed
        clock: Clock = RealClock() if speed == 1 else FastClock(speed=speed)
        while not stop.is_set():
            if view.get("audio_key"):  # the page starts playing when the audio is ready: so does the timeline
                self.audio.wait(view["audio_key"])
            status = LiveStatus(clock, self.settings.locale)
            status.follow(exchange.attributes, exchange.parts)
            self._status = status
            for part in exchange.parts:
                if stop.is_set():
                    return
                status.part_started(part)
                if isinstance(part, Pause):
                    clock.wait(part.seconds, stop)
                else:  # speech and sounds play at their own pace, whatever the speed
                    stop.wait(self.audio.seconds(part))
            if stop.is_set() or not exchange.continues_hands_free:
                return
            needed = (exchange.attributes.get("routine") or {}).get("transition_seconds") or HANDS_FREE_REST_SECONDS
            status.waiting("next stretch in", needed)
            if clock.wait(needed, stop):
                return
            with self.lock:
                if stop.is_set():
                    return
                exchange = self.conversation.carry_on()
                view = self._view(exchange.record, exchange.parts, None, kind="hands_free")
            self.events.publish("turn", view)

    def progress(self) -> dict[str, Any]:
        """What the progress pane shows now: the routine, its step, the rep and the countdown, and the heat."""
        status = self._status
        pieces = status.fragments() if status else []
        where = [text for style, text in pieces if style == "class:status.where"]
        counts = [text for style, text in pieces if style == "class:status.count"]
        due = self.alarm.next_due()
        left = None if due is None else max(0, int(due - self.clock.now() + 0.999))
        return {"where": where, "counts": counts, "heat_seconds_left": left,
                "heat": None if left is None else f"{left // 60}:{left % 60:02d}"}

    def _tick(self) -> None:
        last = None
        while not self._closed.wait(PROGRESS_TICK_SECONDS):
            try:
                self._ring_due_alarms()
                now = self.progress()
            except Exception:  # the page's live pane must never take the console down
                continue
            if now != last:
                self.events.publish("progress", now)
                last = now

    def _ring_due_alarms(self) -> None:
        with self.lock:
            for locale in self.alarm.pop_due():
                text = Content(resolve_locale(locale)).say("heat.time_up")
                record = {"heard": None, "request_type": "HeatAlarm", "intent": None, "slots": {}, "speech": text,
                          "reprompt": None, "end_session": False, "triage": None, "directives": []}
                self.session.last_request = self.session.last_response = None
                view = self._view(record, [Sound("chime"), Say(text)], None, kind="alarm")
                self.events.publish("turn", view)

    # --- replays -------------------------------------------------------------------------------------------
    def replay_names(self) -> list[str]:
        if self.replays is None or not self.replays.is_dir():
            return []
        return sorted(path.name for path in self.replays.iterdir() if path.suffix in REPLAY_SUFFIXES)

    def load_replay(self, name: str | None = None, upload_name: str | None = None,
                    text: str | None = None) -> dict[str, Any]:
        """A replay from the --replays folder by name, or one the page uploaded; ready to step through."""
        folder = Path(self._scratch.name) / f"replay-{next(self._numbers)}"
        folder.mkdir()
        if name is not None:
            if name not in self.replay_names():
                raise ConsoleError(f"there is no replay '{name}' in {self.replays}")
            path, shown = self.replays / name, name
        else:
            shown = _UPLOAD_NAME.sub("-", Path(upload_name or "replay.yaml").name).strip(".-") or "replay.yaml"
            path = folder / shown
            path.write_text(text or "", encoding="utf-8")
        try:
            replay = load_replay(path, default_locale=self.settings.locale)
            store = open_progress_store(folder / "replay.db")
        except (ReplayFileError, ProgressStoreError) as error:
            raise ConsoleError(str(error).replace(str(path), shown)) from None
        with self.lock:
            run = ReplayRun(replay, store, locale=self.settings.locale, user="replay")
            if self._replay is not None:
                self._replay.run.conversation.end()
            self._replay = _ReplayState(shown, run)
        return {"name": shown, "title": replay.name, "locale": run.session.locale, "device": replay.device,
                "turns": [{"number": turn.number, "line": turn.line, "say": turn.label} for turn in replay.turns]}

    def step_replay(self) -> dict[str, Any]:
        """The replay's next turn, played and checked: its view, whether it passed and what did not match."""
        with self.lock:
            state = self._replay
            if state is None:
                raise ConsoleError("load a replay first")
            turns = state.run.replay.turns
            if state.next >= len(turns):
                return {"done": True, "result": None}
            turn = turns[state.next]
            outcome = state.run.play(turn)
            mismatches = check(turn, outcome)
            self._replay = replace(state, next=state.next + 1)
            if state.next + 1 == len(turns):
                state.run.conversation.end()
        view = turn_view(outcome.record, outcome.request, outcome.response, state.run.session.locale)
        return {"done": state.next + 1 == len(turns), "result": {
            "number": turn.number, "line": turn.line, "say": turn.label, "passed": not mismatches,
            "mismatches": [mismatch.as_dict() for mismatch in mismatches], "alarm_rang": outcome.alarm_rang,
            "turn": view}}


@dataclass(frozen=True)
class _ReplayState:
    name: str
    run: ReplayRun
    next: int = 0  # index of the turn the next step plays


def _at_speed(parts: list[Part], speed: int) -> list[Part]:
    """The reply as it sounds at `speed`: holds and rests shortened, words and sounds as they are."""
    if speed == 1:
        return parts
    return [Pause(part.seconds / speed) if isinstance(part, Pause) else part for part in parts]
