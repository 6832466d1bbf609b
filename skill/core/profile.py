"""What Spine Coach remembers about a user between sessions, and nothing more.

Only progress, tip rotation, heat history (the last session, and the dates sessions started), the date the heat
screening was last heard in full and the disclaimer flag are kept: never utterances, symptoms or health answers (the
skill is not HIPAA-eligible, see alexa-platform.md section 4). The heat screening's answers are used in the
conversation and forgotten; a profile saved by an earlier version still holds them (`heat_screen`, `heat_cleared`):
they are not read, so the next save drops them.
"""

from __future__ import annotations

from collections.abc import Mapping  # for isinstance: typing.Mapping answers the same, several times slower
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from skill.core.state import json_ready

PROFILE_VERSION = 1
HISTORY_DAYS = 60  # completed-session (and heat-start) dates kept for the weekly counts
PAUSE_LIMIT_SECONDS = 60 * 60  # a heat pack left off this long has cooled: the paused session is over


@dataclass
class HeatSession:
    started_at: float  # epoch seconds
    ends_at: float  # planned end (moved on by each pause), or the moment it was cancelled
    timer_id: str | None = None  # the device timer counting it down (Alexa Timers API), when there is one
    paused_at: float | None = None  # when it was paused: the time left stays frozen until it resumes
    paused_seconds: float = 0.0  # pauses that are over, in all: time between start and end without heat

    @property
    def heated_seconds(self) -> float:
        """How long the heat was on, once the session is over (its planned length while it runs). A session stored
        before pauses were added up reads as never paused: longer, so its cool-down errs on the safe side."""
        return max(0.0, self.ends_at - self.started_at - self.paused_seconds)

    @property
    def paused(self) -> bool:
        return self.paused_at is not None

    def remaining(self, now: float) -> float:
        if self.paused_at is not None:
            if now - self.paused_at > PAUSE_LIMIT_SECONDS:
                return 0.0
            return max(0.0, self.ends_at - self.paused_at)
        return max(0.0, self.ends_at - now)

    def pause(self, now: float) -> None:
        if self.paused_at is None:
            self.paused_at = now

    def resume(self, now: float) -> None:
        """Carry on from the frozen time left: the end moves on by as long as the pause lasted."""
        if self.paused_at is not None:
            paused = max(0.0, now - self.paused_at)
            self.ends_at += paused
            self.paused_seconds += paused
            self.paused_at = None

    def stop(self, now: float) -> None:
        """The heat came off now: the cool-down counts from here, and the device timer is no longer followed (if
        deleting it failed, the next session's start removes it by its label)."""
        if self.paused_at is None:
            self.ends_at = min(self.ends_at, now)
        else:  # the heat came off when it was paused
            self.paused_seconds += max(0.0, now - self.paused_at)
            self.ends_at = now
        self.paused_at = None
        self.timer_id = None

    def follow(self, now: float, remaining: float, paused: bool) -> None:
        """Take the device timer's view (the user may have paused or resumed it by voice, outside the skill): an end
        moved later is time the device spent paused."""
        self.paused_seconds += max(0.0, now + remaining - self.ends_at)
        self.ends_at = now + remaining
        self.paused_at = now if paused else None

    def to_attributes(self) -> dict[str, Any]:
        """Only the fields in use, so a profile stored before device timers reads back unchanged."""
        return {name: value for name, value in json_ready(self).items()
                if value is not None and not (name == "paused_seconds" and value == 0)}

    @classmethod
    def from_attributes(cls, raw: Any) -> HeatSession | None:
        if not _is_heat(raw):
            return None
        timer_id, paused_at, paused_seconds = raw.get("timer_id"), raw.get("paused_at"), raw.get("paused_seconds")
        return cls(float(raw["started_at"]), float(raw["ends_at"]),
                   timer_id=timer_id if isinstance(timer_id, str) and timer_id else None,
                   paused_at=float(paused_at) if _is_number(paused_at) else None,
                   paused_seconds=max(0.0, float(paused_seconds)) if _is_number(paused_seconds) else 0.0)


@dataclass
class Profile:
    disclaimer_heard: bool = False
    screened_on: str | None = None  # ISO date of the last red-flag screening before stretching
    completed: list[str] = field(default_factory=list)  # ISO dates of finished routines
    unfinished: dict[str, Any] | None = None  # {"routine": id, "step": index} of a routine left part way
    last_routine: str | None = None  # preference: what "start my stretches" means with no area named
    tips_heard: list[str] = field(default_factory=list)
    heat_screened_on: str | None = None  # ISO date the whole heat screening was last heard (never its answers)
    heat: HeatSession | None = None
    heat_started: list[str] = field(default_factory=list)  # ISO dates heat sessions started (cancelled ones too)

    @classmethod
    def from_attributes(cls, raw: Mapping[str, Any] | None) -> Profile:
        if not isinstance(raw, Mapping) or raw.get("v") != PROFILE_VERSION:
            return cls()
        return cls(
            disclaimer_heard=raw.get("disclaimer_heard") is True,
            screened_on=_iso_date(raw.get("screened_on")),
            completed=[d for d in map(_iso_date, _list(raw.get("completed"))) if d],
            unfinished=_unfinished(raw.get("unfinished")),
            last_routine=raw.get("last_routine") if isinstance(raw.get("last_routine"), str) else None,
            tips_heard=[t for t in _list(raw.get("tips_heard")) if isinstance(t, str)],
            heat_screened_on=_iso_date(raw.get("heat_screened_on")),
            heat=HeatSession.from_attributes(raw.get("heat")),
            heat_started=[d for d in map(_iso_date, _list(raw.get("heat_started"))) if d],
        )

    def to_attributes(self) -> dict[str, Any]:
        attributes = {"v": PROFILE_VERSION, **json_ready(self)}
        attributes["heat"] = self.heat.to_attributes() if self.heat else None
        if not self.heat_started:  # a profile stored before heat starts were counted reads back unchanged: no save
            del attributes["heat_started"]
        return attributes

    def record_completed(self, day: date) -> None:
        self.completed = _recent(self.completed, day) + [day.isoformat()]
        self.unfinished = None

    def sessions_in_week_to(self, day: date) -> int:
        return _in_week_to(self.completed, day)

    def record_heat_started(self, day: date) -> None:
        """A heat session started today: counted when it starts, so one cancelled later still counts."""
        self.heat_started = _recent(self.heat_started, day) + [day.isoformat()]

    def heat_sessions_in_week_to(self, day: date) -> int:
        return _in_week_to(self.heat_started, day)

    def running_heat(self, now: float) -> HeatSession | None:
        return self.heat if self.heat and self.heat.remaining(now) > 0 else None


def _recent(days: list[str], day: date) -> list[str]:
    """The dates within HISTORY_DAYS of `day`: what a weekly count needs, so the profile stays small."""
    cutoff = (day - timedelta(days=HISTORY_DAYS)).isoformat()
    return [d for d in days if d >= cutoff]


def _in_week_to(days: list[str], day: date) -> int:
    start = (day - timedelta(days=6)).isoformat()
    return sum(1 for d in days if start <= d <= day.isoformat())


def _iso_date(value: Any) -> str | None:
    try:
        return date.fromisoformat(value).isoformat() if isinstance(value, str) else None
    except ValueError:
        return None


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _unfinished(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, Mapping) or not isinstance(value.get("routine"), str):
        return None
    step = value.get("step")
    if isinstance(step, int) and not isinstance(step, bool) and step >= 0:
        return {"routine": value["routine"], "step": step}
    return None


def _is_heat(value: Any) -> bool:
    return isinstance(value, Mapping) and all(_is_number(value.get(k)) for k in ("started_at", "ends_at"))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
