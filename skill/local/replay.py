"""Scripted conversations with expectations: `python -m skill talk --replay FILE.yaml`, the local counterpart of
`ask dialog --replay`.

    name: Patient on the floor           # optional; shown in the report
    locale: en-US                        # optional (default: --locale)
    device: voice                        # voice (default) or echo show
    user: floor-patient                  # optional; whose progress (default: --user)
    start: 2026-11-21T08:00:00Z          # optional; the clock's fixed start (default: this moment, every run)
    turns:
      - say: launch                      # or session_ended, new_session, or any utterance
      - say: start my lower back stretches
        intent: StartStretchIntent
        slots: {area: lower_back}        # a slot's words or its entity-resolution id; null: not filled
        question: stretch_screen         # the question left open (skill.core.state.Question), or none
      - say: i can't feel my legs
        wait: 90 s                       # advance the clock first (seconds, or "15 minutes", "1 hour")
        triage: emergency                # emergency, urgent, soon, clarify or none
        first_sentence: "911"            # fragments of the reply's first sentence
        speech: [emergency room]         # fragments of the reply (case and spacing aside)
        not_speech: [step 3]             # fragments it must not hold
        ends_session: true
        routine: none                    # the routine running after the turn: none, a name, or {name, step, status}
        screen: false                    # whether the reply draws an APL screen
        alarm: false                     # whether the heat alarm rang during this turn's wait

Every utterance goes through `LocalConversation.hear`, the path a typed line takes (red-flag screen, then the
resolver), text only, on a virtual clock that moves only when a turn waits; the store is a fresh temporary file
unless `--db` names one. The file is read with yaml.compose, as routine files are, so every problem names its
line; `load_replay` and `check` do not depend on the command line, so other front ends can step through a file.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import json
import random
import re
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, TextIO

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from skill.alexa.app import create_skill
from skill.alexa.envelopes import AlexaSession
from skill.alexa.interaction_model import interaction_model, model_locale_for
from skill.core.routines import load_routines
from skill.core.safety.triage import TIERS
from skill.core.state import ROUTINE_STATUSES, Question
from skill.local.alarm import LocalAlarm
from skill.local.clock import FakeClock
from skill.local.no_cloud import NoCloudApiClient
from skill.local.progress_store import ProgressStoreError, open_progress_store
from skill.local.session import local_user_id
from skill.local.talk import LocalConversation, quiet_record
from skill.local.text_file import TextFileError, read_text

LAUNCH, SESSION_ENDED, NEW_SESSION = "launch", "session_ended", "new_session"
NO_TIER = "none"
DEVICES = {"voice": False, "echo show": True}  # device name -> has an APL screen
APL_RENDER = "Alexa.Presentation.APL.RenderDocument"
SEED = 0  # the skill's variant choices, so a replay reads the same every run

MAX_FILE_BYTES = 1024 * 1024
MAX_WAIT_SECONDS = 365 * 24 * 3600
_TOP_KEYS = ("name", "locale", "device", "user", "start", "turns")
_EXPECTATIONS = ("intent", "slots", "triage", "speech", "not_speech", "first_sentence", "ends_session", "routine",
                 "question", "screen", "alarm")
_TURN_KEYS = ("say", "wait", *_EXPECTATIONS)
# What a turn that sends no utterance can be checked on: SessionEnded has no reply, new_session sends nothing.
_QUIET_TURN_KEYS = ("say", "wait", "alarm")
_ROUTINE_KEYS = ("name", "step", "status")
_TAG = "tag:yaml.org,2002:"
_NULL, _BOOL, _STR, _INT, _FLOAT = (_TAG + kind for kind in ("null", "bool", "str", "int", "float"))
_LOCALE = re.compile(r"[a-z]{2}-[A-Z]{2}")
_WAIT_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(hours?|h|minutes?|mins?|m|seconds?|secs?|s)")
_WAIT_JOINS = re.compile(r"(?:\s|,|\band\b)*")  # "1 hour, 30 minutes", "1 hour and 30 minutes", "1h30m"
_UNIT_SECONDS = {"h": 3600, "m": 60, "s": 1}
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


class ReplayFileError(TextFileError):
    """A replay file that cannot be played: which file, which line and what to change."""


@dataclass(frozen=True)
class RoutineExpectation:
    name: str | None = None  # a routine id, e.g. lower_back
    step: int | None = None  # 1-based, as "Step 3 of 6" says it
    status: str | None = None  # one of skill.core.state.ROUTINE_STATUSES: ready, running, hurt...


@dataclass(frozen=True)
class Turn:
    number: int  # 1-based, as the report names it
    line: int  # 1-based line of the turn in the file
    say: str  # an utterance, or LAUNCH, SESSION_ENDED, NEW_SESSION
    wait: float = 0.0  # seconds the clock moves before the turn
    # Only what the file states; an expectation left out is not checked. None as a value means "none".
    expect: Mapping[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.say if self.say in (LAUNCH, SESSION_ENDED, NEW_SESSION) else json.dumps(self.say,
                                                                                          ensure_ascii=False)


@dataclass(frozen=True)
class Replay:
    path: Path
    name: str | None
    locale: str | None  # None: the caller's default
    device: str
    user: str | None  # None: the caller's default
    start: float | None  # epoch seconds; None: the moment the replay starts
    turns: tuple[Turn, ...]

    @property
    def screen(self) -> bool:
        return DEVICES[self.device]


@dataclass(frozen=True)
class Outcome:
    """What one turn did: the transcript record (`talk --json`'s keys), the envelopes exchanged (None when
    nothing was sent or nothing came back), and whether the heat alarm rang while the turn waited."""

    record: Mapping[str, Any]
    request: Mapping[str, Any] | None
    response: Mapping[str, Any] | None
    alarm_rang: bool = False

    @property
    def attributes(self) -> Mapping[str, Any]:
        return (self.response or {}).get("sessionAttributes") or {}


@dataclass(frozen=True)
class Mismatch:
    what: str  # the expectation's key
    expected: str
    got: str

    def as_dict(self) -> dict[str, str]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class TurnResult:
    turn: Turn
    outcome: Outcome
    mismatches: tuple[Mismatch, ...]

    @property
    def passed(self) -> bool:
        return not self.mismatches


# --- reading the file ------------------------------------------------------------------------------------------
def load_replay(path: Path, default_locale: str = "en-US") -> Replay:
    """The replay in `path`, every key and value checked against the model of its locale (`default_locale` when it
    names none); ReplayFileError names the first problem and its line."""
    root = _parse(path, read_text(path, ReplayFileError, "replay", MAX_FILE_BYTES))
    top = _mapping(path, root, _TOP_KEYS, "a replay", "'turns' and optionally 'name', 'locale', 'device', "
                                                       "'user' and 'start'")
    if "turns" not in top:
        raise ReplayFileError(path, _line(root), "there is no 'turns:' list")
    locale = _text(path, top["locale"], "'locale'") if "locale" in top else None
    if locale is not None and not _LOCALE.fullmatch(locale):
        raise ReplayFileError(path, _line(top["locale"]), f"'{locale}' is not a locale; write it like en-US or en-GB")
    device = " ".join(_text(path, top["device"], "'device'").lower().split()) if "device" in top else "voice"
    if device not in DEVICES:
        raise ReplayFileError(path, _line(top["device"]),
                              f"'{device}' is not a device; use {' or '.join(map(repr, DEVICES))}")
    model = _Model(locale or default_locale)
    turns_node = top["turns"]
    if not isinstance(turns_node, SequenceNode) or not turns_node.value:
        raise ReplayFileError(path, _line(turns_node), "'turns' must be a list of turns, one '- say: ...' each")
    turns = tuple(_turn(path, number, node, model) for number, node in enumerate(turns_node.value, start=1))
    return Replay(path=path,
                  name=_text(path, top["name"], "'name'") if "name" in top else None,
                  locale=locale, device=device,
                  user=_text(path, top["user"], "'user'") if "user" in top else None,
                  start=_start(path, top["start"]) if "start" in top else None,
                  turns=turns)


def _parse(path: Path, text: str) -> Node:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise ReplayFileError(path, mark.line + 1 if mark else None,
                              f"this is not valid YAML ({error.problem}); check the indentation and punctuation "
                              "here and on the line before") from None
    except yaml.YAMLError as error:  # the reader's errors (a control character) carry no mark
        raise ReplayFileError(path, None, f"this is not valid YAML ({error})") from None
    except RecursionError:  # PyYAML composes recursively
        raise ReplayFileError(path, None, "lists or mappings are nested far too deep for a replay") from None
    if root is None:
        raise ReplayFileError(path, None, "the file is empty; a replay has a 'turns:' list")
    return root


def _mapping(path: Path, node: Node, allowed: tuple[str, ...], what: str, has: str) -> dict[str, Node]:
    """The keys of a mapping node, each allowed and given once."""
    if not isinstance(node, MappingNode):
        raise ReplayFileError(path, _line(node), f"{what} must be a mapping of keys to values: {has}")
    found: dict[str, Node] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else "a nested value"
        if key not in allowed:
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ReplayFileError(path, _line(key_node), f"'{key}' is not a key of {what}{hint}; keys: {has}")
        if key in found:
            raise ReplayFileError(path, _line(key_node), f"'{key}' is given twice in {what}; keep one")
        found[key] = value_node
    return found


def _turn(path: Path, number: int, node: Node, model: _Model) -> Turn:
    where = f"turn {number}"

    def fail(at: Node, problem: str) -> ReplayFileError:
        return ReplayFileError(path, _line(at), f"{where}: {problem}")

    keys = _mapping(path, node, _TURN_KEYS, where, "'say' and expectations: " + ", ".join(_EXPECTATIONS[:-1])
                    + f" or {_EXPECTATIONS[-1]}, and optionally 'wait'")
    if "say" not in keys:
        raise fail(node, "there is no 'say:'; give an utterance, or launch, session_ended or new_session")
    say = _words(path, keys["say"], f"{where}: 'say'")
    if say in (SESSION_ENDED, NEW_SESSION):
        extra = [key for key in keys if key not in _QUIET_TURN_KEYS]
        if extra:
            nothing = "no reply" if say == SESSION_ENDED else "nothing sent"
            raise fail(keys[extra[0]], f"'{extra[0]}' cannot be checked on {say}, which has {nothing}; only 'wait' "
                                       "and 'alarm' can")
    if say == LAUNCH:
        for key in ("intent", "slots"):
            if key in keys:
                raise fail(keys[key], f"a launch has no intent, so '{key}' cannot be checked; leave it out")
    expect: dict[str, Any] = {}
    for key in _EXPECTATIONS:
        if key in keys:
            expect[key] = _EXPECTATION_READERS[key](path, keys[key], f"{where}: '{key}'", model)
    if "slots" in expect and "intent" in expect:
        declared = model.slots.get(expect["intent"], ())
        for name in expect["slots"]:
            if name not in declared:
                raise fail(keys["slots"], f"{expect['intent']} has no slot '{name}'; its slots: "
                                          f"{', '.join(declared) or 'none'}")
    wait = _wait(path, keys["wait"], f"{where}: 'wait'") if "wait" in keys else 0.0
    return Turn(number=number, line=_line(node), say=say, wait=wait, expect=expect)


class _Model:
    """What expectations are checked against: the intents and slots of the locale's model, its routines."""

    def __init__(self, locale: str):
        language_model = interaction_model(model_locale_for(locale))["interactionModel"]["languageModel"]
        self.slots = {intent["name"]: tuple(slot["name"] for slot in intent.get("slots", []))
                      for intent in language_model["intents"]}
        self.invocation_name = language_model["invocationName"]
        self.routines = tuple(load_routines(locale))


def _scalar(path: Path, node: Node, what: str) -> ScalarNode:
    if not isinstance(node, ScalarNode):
        kind = "a list" if isinstance(node, SequenceNode) else "a mapping"
        raise ReplayFileError(path, _line(node), f"{what} is {kind}; give a single value")
    return node


def _text(path: Path, node: Node, what: str) -> str:
    value = _scalar(path, node, what)
    if value.tag == _NULL or not value.value.strip():
        raise ReplayFileError(path, _line(node), f"{what} is empty")
    return value.value.strip()


def _words(path: Path, node: Node, what: str) -> str:
    """Words as written: YAML's booleans (yes, no, on) and numbers are what the user typed."""
    value = _scalar(path, node, what)
    if value.tag == _NULL or not value.value.strip():
        raise ReplayFileError(path, _line(node), f"{what} is empty")
    if value.tag not in (_STR, _BOOL, _INT, _FLOAT):
        raise ReplayFileError(path, _line(node), f"{what} reads as a date or tagged value; put it in quotes")
    return " ".join(value.value.split())


def _fragments(path: Path, node: Node, what: str, model: _Model) -> tuple[str, ...]:
    if isinstance(node, MappingNode):
        raise ReplayFileError(path, _line(node), f"{what} is a mapping; give a fragment of the reply, or a list of "
                                                 "them")
    items = node.value if isinstance(node, SequenceNode) else [node]
    if not items:
        raise ReplayFileError(path, _line(node), f"{what} is an empty list; give at least one fragment")
    return tuple(_words(path, item, what) for item in items)


def _flag(path: Path, node: Node, what: str, model: _Model) -> bool:
    value = _scalar(path, node, what)
    if value.tag != _BOOL:
        raise ReplayFileError(path, _line(node), f"{what} is '{value.value}'; give true or false")
    return yaml.safe_load(value.value)


def _intent(path: Path, node: Node, what: str, model: _Model) -> str:
    name = _text(path, node, what)
    if name not in model.slots:
        close = difflib.get_close_matches(name, list(model.slots), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ReplayFileError(path, _line(node), f"{what} '{name}' is not an intent of the interaction model{hint}")
    return name


def _slots(path: Path, node: Node, what: str, model: _Model) -> dict[str, str | None]:
    if not isinstance(node, MappingNode):
        raise ReplayFileError(path, _line(node), f"{what} is a mapping of slot names to values or ids, e.g. "
                                                 "{area: lower_back}")
    known = {name for names in model.slots.values() for name in names}
    slots: dict[str, str | None] = {}
    for key_node, value_node in node.value:
        name = _text(path, key_node, f"a slot name in {what}")
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ReplayFileError(path, _line(key_node), f"{what} has '{name}', which no intent has{hint}")
        if name in slots:
            raise ReplayFileError(path, _line(key_node), f"{what} gives '{name}' twice; keep one")
        empty = isinstance(value_node, ScalarNode) and value_node.tag == _NULL
        slots[name] = None if empty else _words(path, value_node, f"{what} '{name}'")
    return slots


def _tier(path: Path, node: Node, what: str, model: _Model) -> str | None:
    value = _scalar(path, node, what)
    tier = NO_TIER if value.tag == _NULL else value.value.strip().lower()
    if tier not in (*TIERS, NO_TIER):
        raise ReplayFileError(path, _line(node), f"{what} '{value.value}' is not a tier; use one of "
                                                 f"{', '.join((*TIERS, NO_TIER))}")
    return None if tier == NO_TIER else tier


def _question(path: Path, node: Node, what: str, model: _Model) -> str | None:
    value = _scalar(path, node, what)
    if value.tag == _NULL or value.value.strip().lower() == "none":
        return None
    known = [question.value for question in Question]
    if value.value.strip() not in known:
        close = difflib.get_close_matches(value.value.strip(), known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ReplayFileError(path, _line(node), f"{what} '{value.value}' is not a question the skill asks{hint}; "
                                                 f"use none or one of {', '.join(known)}")
    return value.value.strip()


def _routine(path: Path, node: Node, what: str, model: _Model) -> RoutineExpectation | None:
    if isinstance(node, ScalarNode):
        if node.tag == _NULL or node.value.strip().lower() == "none":
            return None
        return RoutineExpectation(name=_routine_name(path, node, what, model))
    keys = _mapping(path, node, _ROUTINE_KEYS, what, "'name', 'step' and 'status'")
    step = None
    if "step" in keys:
        value = _scalar(path, keys["step"], f"{what} step")
        step = yaml.safe_load(value.value) if value.tag == _INT else None  # YAML's own forms: 0x10, 1_0
        if step is None or step < 1:
            raise ReplayFileError(path, _line(keys["step"]), f"{what} step '{value.value}' must be a whole number "
                                                             "from 1, as 'Step 1 of 6' says it")
    status = _text(path, keys["status"], f"{what} status") if "status" in keys else None
    if status is not None and status not in ROUTINE_STATUSES:
        raise ReplayFileError(path, _line(keys["status"]), f"{what} status '{status}' is not one a routine has; use "
                                                           f"one of {', '.join(ROUTINE_STATUSES)}")
    return RoutineExpectation(name=_routine_name(path, keys["name"], what, model) if "name" in keys else None,
                              step=step, status=status)


def _routine_name(path: Path, node: Node, what: str, model: _Model) -> str:
    name = _text(path, node, what)
    if name not in model.routines:
        raise ReplayFileError(path, _line(node), f"{what} '{name}' is not a routine; use none or one of "
                                                 f"{', '.join(model.routines)}")
    return name


def _wait(path: Path, node: Node, what: str) -> float:
    value = _scalar(path, node, what)
    if value.tag in (_INT, _FLOAT):
        seconds = float(yaml.safe_load(value.value))  # YAML's own number forms: 1_000, 0x10, .inf
    else:
        text = value.value.strip().lower()
        parts = list(_WAIT_PART.finditer(text))
        if not parts or not _WAIT_JOINS.fullmatch(_WAIT_PART.sub(" ", text)):
            raise ReplayFileError(path, _line(node), f"{what} '{value.value}' is not a length of time; give "
                                                     "seconds, or e.g. '90 s', '15 minutes', '2 hours'")
        seconds = sum(float(number) * _UNIT_SECONDS[unit[0]] for number, unit in
                      (part.groups() for part in parts))
    if not 0 < seconds < MAX_WAIT_SECONDS:
        raise ReplayFileError(path, _line(node), f"{what} must be more than 0 seconds and less than a year")
    return seconds


def _start(path: Path, node: Node) -> float:
    value = _scalar(path, node, "'start'")
    try:
        moment = datetime.fromisoformat(value.value.strip())
    except ValueError:
        raise ReplayFileError(path, _line(node), f"'start' '{value.value}' is not a date and time; write it like "
                                                 "2026-11-21T08:00:00Z") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)  # Alexa's timestamps are UTC
    return moment.timestamp()


def _line(node: Node) -> int:
    return node.start_mark.line + 1


_EXPECTATION_READERS: dict[str, Callable[[Path, Node, str, _Model], Any]] = {
    "intent": _intent, "slots": _slots, "triage": _tier, "speech": _fragments, "not_speech": _fragments,
    "first_sentence": _fragments, "ends_session": _flag, "routine": _routine, "question": _question,
    "screen": _flag, "alarm": _flag,
}


# --- checking a turn -------------------------------------------------------------------------------------------
def check(turn: Turn, outcome: Outcome) -> tuple[Mismatch, ...]:
    """Every expectation of `turn` that `outcome` does not meet (none: the turn passed)."""
    found: list[Mismatch] = []
    record, expect = outcome.record, turn.expect
    speech = record.get("speech") or ""

    def differs(what: str, expected: Any, got: Any) -> None:
        if expected != got:
            found.append(Mismatch(what, _shown(expected), _shown(got)))

    if "intent" in expect:
        differs("intent", expect["intent"], record.get("intent"))
    if "slots" in expect:
        sent = _sent_slots(outcome.request)
        for name, wanted in expect["slots"].items():
            value, value_id = sent.get(name, (None, None))
            if wanted is None:
                if value is not None:
                    found.append(Mismatch(f"slots.{name}", "not filled", _slot_shown(value, value_id)))
            elif _plain(wanted) not in {_plain(value or ""), _plain(value_id or "")}:
                found.append(Mismatch(f"slots.{name}", wanted, _slot_shown(value, value_id)))
    if "triage" in expect:
        differs("triage", expect["triage"] or NO_TIER, record.get("triage") or NO_TIER)
    for fragment in expect.get("speech", ()):
        if _plain(fragment) not in _plain(speech):
            found.append(Mismatch("speech", f"contains {_shown(fragment)}", "not in the reply"))
    for fragment in expect.get("not_speech", ()):
        if _plain(fragment) in _plain(speech):
            found.append(Mismatch("not_speech", f"no {_shown(fragment)}", "in the reply"))
    if expect.get("first_sentence"):
        first = first_sentence(speech)
        for fragment in expect["first_sentence"]:
            if _plain(fragment) not in _plain(first):
                found.append(Mismatch("first_sentence", f"contains {_shown(fragment)}", _shown(first)))
    if "ends_session" in expect:
        differs("ends_session", expect["ends_session"], bool(record.get("end_session")))
    if "routine" in expect:
        _check_routine(expect["routine"], outcome.attributes.get("routine"), found)
    if "question" in expect:
        asked = (outcome.attributes.get("question") or {}).get("id") if outcome.response else None
        differs("question", expect["question"] or "none", asked or "none")
    if "screen" in expect:
        differs("screen", expect["screen"], APL_RENDER in (record.get("directives") or ()))
    if "alarm" in expect:
        differs("alarm", expect["alarm"], outcome.alarm_rang)
    return tuple(found)


def first_sentence(speech: str) -> str:
    return _SENTENCE_END.split(speech.strip(), maxsplit=1)[0]


def _check_routine(expected: RoutineExpectation | None, running: Any, found: list[Mismatch]) -> None:
    running = running if isinstance(running, Mapping) else None
    got = "none" if running is None else (f"{running.get('routine')} step {int(running.get('step', 0)) + 1}"
                                          f" ({running.get('status')})")
    if expected is None:
        if running is not None:
            found.append(Mismatch("routine", "none", got))
        return
    ok = running is not None and (
        (expected.name is None or running.get("routine") == expected.name)
        and (expected.step is None or running.get("step") == expected.step - 1)
        and (expected.status is None or running.get("status") == expected.status))
    if not ok:
        wanted = " ".join(filter(None, (expected.name or "any routine",
                                        f"step {expected.step}" if expected.step else None,
                                        f"({expected.status})" if expected.status else None)))
        found.append(Mismatch("routine", wanted, got))


def _sent_slots(request: Mapping[str, Any] | None) -> dict[str, tuple[str | None, str | None]]:
    """Each slot of the request as Alexa sent it: (value, entity-resolution id)."""
    slots = (((request or {}).get("request") or {}).get("intent") or {}).get("slots") or {}
    sent = {}
    for name, slot in slots.items():
        value_id = None
        for authority in (slot.get("resolutions") or {}).get("resolutionsPerAuthority") or ():
            for entry in authority.get("values") or ():
                value_id = value_id or (entry.get("value") or {}).get("id")
        sent[name] = (slot.get("value"), value_id)
    return sent


def _plain(text: str) -> str:
    """Case, curly apostrophes and spacing aside."""
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").lower().split())


def _shown(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) and " " in value else str(value)


def _slot_shown(value: str | None, value_id: str | None) -> str:
    if value is None:
        return "not filled"
    return f"{_shown(value)} (id {value_id})" if value_id else _shown(value)


# --- playing a replay ------------------------------------------------------------------------------------------
class RecordingSession(AlexaSession):
    """The conversation's Alexa session, keeping the last envelopes it sent and received (also the console's)."""

    last_request: dict[str, Any] | None = None
    last_response: dict[str, Any] | None = None

    def envelope(self, request, at=None):
        self.last_request = super().envelope(request, at)
        self.last_response = None
        return self.last_request

    def absorb(self, response):
        self.last_response = dict(response)
        super().absorb(response)


class ReplayRun:
    """One replay against `store`: the skill as `talk` builds it, a virtual clock from the replay's start, and
    each turn played through the typed-line path."""

    def __init__(self, replay: Replay, store, *, locale: str = "en-US", user: str = "replay",
                 clock: FakeClock | None = None):
        self.replay = replay
        self.clock = clock or FakeClock(replay.start if replay.start is not None else datetime.now(
            timezone.utc).timestamp())
        self.alarm = LocalAlarm(self.clock)
        skill = create_skill(persistence=store, alarm=self.alarm, api_client=NoCloudApiClient(), offline=True,
                             rng=random.Random(SEED))
        self.user = replay.user or user
        session = RecordingSession(user_id=local_user_id(self.user),
                                    locale=replay.locale or locale, screen=replay.screen)
        self.conversation = LocalConversation(skill, session, clock=self.clock)
        self.session = session

    def results(self) -> Iterator[TurnResult]:
        try:
            for turn in self.replay.turns:
                outcome = self.play(turn)
                yield TurnResult(turn, outcome, check(turn, outcome))
        finally:
            self.conversation.end()

    def play(self, turn: Turn) -> Outcome:
        rang = False
        if turn.wait:
            self.clock.wait(turn.wait, threading.Event())  # nobody interrupts a replay's wait
            rang = bool(self.alarm.pop_due())
        if turn.say == NEW_SESSION:
            self.session.close()  # as a new "open ..." does: no SessionEnded for the old one
            return Outcome(quiet_record(turn.say, None), None, None, rang)
        if turn.say == SESSION_ENDED:
            was_open = self.session.open
            self.session.last_request = None
            self.conversation.end()
            request = self.session.last_request if was_open else None
            return Outcome(quiet_record(turn.say, "SessionEndedRequest" if request else None), request, None, rang)
        typed = f"open {self.conversation.resolver.invocation_name}" if turn.say == LAUNCH else turn.say
        exchange = self.conversation.hear(typed)
        return Outcome(exchange.record, self.session.last_request, self.session.last_response, rang)


# --- the command line ------------------------------------------------------------------------------------------
def run_replay(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """0 when every turn met its expectations, 1 when one did not, 2 (one line on stderr) when the file or the
    command line cannot be used."""
    clash = [flag for flag, given in (("utterances", args.utterances), ("--routine", args.routine),
                                      ("--hands-free", args.hands_free), ("--save-audio", args.save_audio)) if given]
    if clash:
        print(f"--replay plays the file's own turns, text only; leave out {', '.join(clash)}.", file=sys.stderr)
        return 2
    try:
        replay = load_replay(args.replay, default_locale=args.locale)
    except ReplayFileError as error:
        print(error, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="spine-coach-replay-") as scratch:
        try:
            store = open_progress_store(args.db or Path(scratch) / "replay.db")
        except ProgressStoreError as error:
            print(error, file=sys.stderr)
            return 2
        run = ReplayRun(replay, store, locale=args.locale, user=args.user)
        report = (_JsonReport if args.json else _TextReport)(out or sys.stdout)
        report.start(replay, run)
        results = list(map(report.turn, run.results()))
    failed = [result for result in results if not result.passed]
    report.end(replay, results, failed)
    return 1 if failed else 0


class _TextReport:
    def __init__(self, out: TextIO):
        self.out = out

    def start(self, replay: Replay, run: ReplayRun) -> None:
        title = f"{replay.name} ({replay.path})" if replay.name else str(replay.path)
        session = run.session
        self._write(f"replay {title}: {session.locale}, {replay.device}, user {run.user}")

    def turn(self, result: TurnResult) -> TurnResult:
        turn, record = result.turn, result.outcome.record
        answered = record.get("intent") or record.get("request_type") or "nothing sent"
        tier = f", triage {record['triage']}" if record.get("triage") else ""
        rang = ", heat alarm rang" if result.outcome.alarm_rang else ""
        waited = f" after {_duration(turn.wait)}" if turn.wait else ""
        where = "" if result.passed else f"  (line {turn.line})"
        self._write(f"{'ok  ' if result.passed else 'FAIL'} turn {turn.number:>2}  {turn.label}{waited} -> "
                    f"{answered}{tier}{rang}{where}")
        if not result.passed:
            width = max(len(mismatch.what) for mismatch in result.mismatches)
            for mismatch in result.mismatches:
                self._write(f"       {mismatch.what:<{width}}  expected {mismatch.expected}")
                self._write(f"       {'':<{width}}  got      {mismatch.got}")
            if record.get("speech"):
                self._write(f"       reply: {record['speech']}")
        return result

    def end(self, replay: Replay, results: list[TurnResult], failed: list[TurnResult]) -> None:
        if failed:
            which = ", ".join(f"turn {result.turn.number} (line {result.turn.line})" for result in failed)
            self._write(f"{replay.path}: {len(failed)} of {len(results)} turns failed: {which}")
        else:
            self._write(f"{replay.path}: all {len(results)} turns passed")

    def _write(self, line: str) -> None:
        self.out.write(line + "\n")
        self.out.flush()


class _JsonReport(_TextReport):
    """One object per turn: the turn, whether it passed, what did not match, and the transcript record."""

    def start(self, replay: Replay, run: ReplayRun) -> None:
        pass

    def turn(self, result: TurnResult) -> TurnResult:
        self._write(json.dumps({"turn": result.turn.number, "line": result.turn.line, "say": result.turn.say,
                                "passed": result.passed,
                                "mismatches": [mismatch.as_dict() for mismatch in result.mismatches],
                                "alarm_rang": result.outcome.alarm_rang, "record": dict(result.outcome.record)},
                               ensure_ascii=False))
        return result

    def end(self, replay: Replay, results: list[TurnResult], failed: list[TurnResult]) -> None:
        pass


def _duration(seconds: float) -> str:
    if seconds % 3600 == 0:
        return f"{seconds / 3600:g} h"
    if seconds % 60 == 0:
        return f"{seconds / 60:g} min"
    return f"{seconds:g} s"
