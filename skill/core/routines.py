"""Guided stretch routines, parsed from `locale/<lang>/routines.json` into frozen dataclasses.

Parsing is strict: anything the session engine could trip over (an unknown source key, a dose out of
range, a missing cue, a `{side}` placeholder in a step without sides, an unknown field) raises
`ValueError` naming the routine and step. The only I/O is `content.load_document` / `load_sources`.
Written out rather than declared with msgspec (9.5 ms more Lambda cold start) or pydantic (about 250 ms): the
checks that matter here (placeholders, known sources, time per side) cross fields and would stay hand-written.
"""

from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Collection, Mapping

from skill.core.content import load_document, load_sources

AREAS = ("lower_back", "neck", "whole_back")
SIDES = ("left", "right")
SIDE = "side"  # the only placeholder a step's spoken text may use, and only when the step has sides

HOLD_SECONDS = range(1, 61)
REPS = range(1, 13)
REST_SECONDS = range(0, 11)
TRANSITION_SECONDS = range(0, 31)  # after a step's set-up, to get into position (roll over, get up)
WARM_UP_SECONDS = range(0, 601)  # hands-free: the wait after the warm-up reminder
MAX_CUES = 3
MAX_SECONDS_PER_SIDE = 200  # holds + rests per side, rendered as SSML pauses

_ID = re.compile(r"[a-z][a-z0-9_]*")
_ROUTINE_FIELDS = {"id", "area", "name", "intro", "sources", "steps"}
_ROUTINE_OPTIONAL = {"warm_up_seconds"}
_STEP_REQUIRED = {"id", "name", "cues", "hold_seconds", "reps", "rest_seconds", "caution", "sources"}
_STEP_OPTIONAL = {"sides", "rep_cue", "release_cue", "release_short", "transition_seconds"}


@dataclass(frozen=True)
class Step:
    id: str
    name: str
    cues: tuple[str, ...]
    hold_seconds: int
    reps: int
    rest_seconds: int
    sides: tuple[str, ...]  # () when the step has no sides
    caution: str
    sources: tuple[str, ...]
    rep_cue: str | None = None
    release_cue: str | None = None
    release_short: str | None = None  # the release on every rep after the first, when release_cue is long
    transition_seconds: int = 0  # a pause after the set-up, to get into position before the first rep

    @property
    def passes(self) -> tuple[str | None, ...]:
        """One entry per time through the step: each side, or a single None."""
        return self.sides or (None,)

    @property
    def seconds_per_side(self) -> int:
        return self.hold_seconds * self.reps + self.rest_seconds * (self.reps - 1)

    def cues_for(self, side: str | None = None) -> tuple[str, ...]:
        """The set-up cues with `{side}` filled in; `side` is required exactly when the step has sides."""
        if (side is None) != (not self.sides) or (side is not None and side not in self.sides):
            raise ValueError(f"step {self.id!r}: side {side!r} is not one of {self.sides or 'no sides'}")
        return tuple(cue.format(side=side) for cue in self.cues)


@dataclass(frozen=True)
class Routine:
    id: str
    area: str
    name: str
    intro: str
    sources: tuple[str, ...]
    steps: tuple[Step, ...]
    warm_up_seconds: int = 0


def parse_routines(document: Mapping[str, Any], known_sources: Collection[str]) -> Mapping[str, Routine]:
    """Every routine in a routines document, keyed by id, in document order."""
    raw = document.get("routines")
    if not isinstance(raw, list) or not raw:
        raise ValueError("routines.json: 'routines' must be a non-empty list")
    routines: dict[str, Routine] = {}
    for index, entry in enumerate(raw):
        routine = _parse_routine(entry, f"routine #{index}", known_sources)
        if routine.id in routines:
            raise ValueError(f"routine {routine.id!r}: duplicate routine id")
        routines[routine.id] = routine
    return MappingProxyType(routines)


@functools.cache
def load_routines(locale: str) -> Mapping[str, Routine]:
    return parse_routines(load_document(locale, "routines"), frozenset(load_sources()))


def routine_for_area(locale: str, area: str) -> Routine:
    """The first routine for `area` (one of AREAS); KeyError if the locale has none."""
    for routine in load_routines(locale).values():
        if routine.area == area:
            return routine
    raise KeyError(f"no routine for area {area!r} in locale {locale}")


# --- parsing helpers -------------------------------------------------------------------------------


def _parse_routine(entry: Any, where: str, known_sources: Collection[str]) -> Routine:
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: must be an object")
    if isinstance(entry.get("id"), str):
        where = f"routine {entry['id']!r}"
    _check_fields(entry, _ROUTINE_FIELDS, _ROUTINE_OPTIONAL, where)
    routine_id = _id(entry, where)
    area = entry["area"]
    if area not in AREAS:
        raise ValueError(f"{where}: area {area!r} is not one of {AREAS}")
    name = _text(entry, "name", where, ())
    intro = _text(entry, "intro", where, ())
    sources = _sources(entry, where, known_sources)
    raw_steps = entry["steps"]
    if not isinstance(raw_steps, list) or not raw_steps:
        raise ValueError(f"{where}: 'steps' must be a non-empty list")
    steps: list[Step] = []
    for index, raw_step in enumerate(raw_steps):
        step = _parse_step(raw_step, where, index, known_sources)
        if any(step.id == earlier.id for earlier in steps):
            raise ValueError(f"{where}, step {step.id!r}: duplicate step id")
        steps.append(step)
    warm_up = _int(entry, "warm_up_seconds", WARM_UP_SECONDS, where) if "warm_up_seconds" in entry else 0
    return Routine(routine_id, area, name, intro, sources, tuple(steps), warm_up)


def _parse_step(entry: Any, routine_where: str, index: int, known_sources: Collection[str]) -> Step:
    where = f"{routine_where}, step #{index}"
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: must be an object")
    if isinstance(entry.get("id"), str):
        where = f"{routine_where}, step {entry['id']!r}"
    _check_fields(entry, _STEP_REQUIRED, _STEP_OPTIONAL, where)
    step_id = _id(entry, where)
    sides = _sides(entry.get("sides"), where)
    allowed = (SIDE,) if sides else ()
    cues = entry["cues"]
    if not isinstance(cues, list) or not 1 <= len(cues) <= MAX_CUES:
        raise ValueError(f"{where}: 'cues' must be a list of 1 to {MAX_CUES} sentences")
    cue_texts = tuple(_spoken(cue, f"{where}, cue #{i}", allowed) for i, cue in enumerate(cues))
    optional: dict[str, Any] = {key: _text(entry, key, where, allowed)
                                for key in ("rep_cue", "release_cue", "release_short") if key in entry}
    if "transition_seconds" in entry:
        optional["transition_seconds"] = _int(entry, "transition_seconds", TRANSITION_SECONDS, where)
    step = Step(
        id=step_id,
        name=_text(entry, "name", where, ()),
        cues=cue_texts,
        hold_seconds=_int(entry, "hold_seconds", HOLD_SECONDS, where),
        reps=_int(entry, "reps", REPS, where),
        rest_seconds=_int(entry, "rest_seconds", REST_SECONDS, where),
        sides=sides,
        caution=_text(entry, "caution", where, ()),
        sources=_sources(entry, where, known_sources),
        **optional,
    )
    if step.seconds_per_side > MAX_SECONDS_PER_SIDE:
        raise ValueError(
            f"{where}: {step.seconds_per_side} s of holds and rests per side is over {MAX_SECONDS_PER_SIDE} s"
        )
    return step


def _check_fields(entry: Mapping[str, Any], required: set[str], optional: set[str], where: str) -> None:
    missing = sorted(required - entry.keys())
    if missing:
        raise ValueError(f"{where}: missing {', '.join(missing)}")
    unknown = sorted(entry.keys() - required - optional)
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {', '.join(unknown)}")


def _id(entry: Mapping[str, Any], where: str) -> str:
    value = entry["id"]
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise ValueError(f"{where}: id {value!r} must be lowercase letters, digits and underscores")
    return value


def _text(entry: Mapping[str, Any], key: str, where: str, allowed: tuple[str, ...]) -> str:
    return _spoken(entry[key], f"{where}, {key}", allowed)


def _spoken(value: Any, where: str, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: must be a non-empty string")
    try:
        fields = {field for _, field, _, _ in string.Formatter().parse(value) if field is not None}
    except ValueError as error:
        raise ValueError(f"{where}: malformed braces in {value!r} ({error})") from None
    bad = sorted(fields - set(allowed))
    if bad:
        hint = "" if allowed or bad != [SIDE] else " (the step has no sides)"
        raise ValueError(f"{where}: placeholder(s) {', '.join('{' + b + '}' for b in bad)} not allowed{hint}")
    return value


def _int(entry: Mapping[str, Any], key: str, allowed: range, where: str) -> int:
    value = entry[key]
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{where}: {key} must be a whole number, not {value!r}")
    if value not in allowed:
        raise ValueError(f"{where}: {key} {value} is outside {allowed.start}-{allowed.stop - 1}")
    return value


def _sides(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if (
        not isinstance(value, list)
        or not value
        or len(set(value)) != len(value)
        or not all(side in SIDES for side in value)
    ):
        raise ValueError(f"{where}: sides must be null or distinct values from {list(SIDES)}, not {value!r}")
    return tuple(value)


def _sources(entry: Mapping[str, Any], where: str, known: Collection[str]) -> tuple[str, ...]:
    value = entry["sources"]
    if not isinstance(value, list) or not value or not all(isinstance(key, str) for key in value):
        raise ValueError(f"{where}: sources must be a non-empty list of source keys")
    unknown = [key for key in value if key not in known]
    if unknown:
        raise ValueError(f"{where}: unknown source key(s) {', '.join(map(repr, unknown))}")
    return tuple(value)
