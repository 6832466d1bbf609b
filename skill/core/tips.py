"""Prevention-tip rotation: every tip once before any repeats, remembered across sessions."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Mapping, Sequence


@dataclass(frozen=True)
class TipChoice:
    tip: Mapping[str, Any]
    heard: list[str]  # the tip ids heard after this one
    repeat: str | None  # None, "topic" (that topic's tips are used up) or "all" (the rotation starts again)


def choose_tip(tips: Sequence[Mapping[str, Any]], heard: Sequence[str], topic: str | None,
               rng: random.Random) -> TipChoice:
    pool = [t for t in tips if t["topic"] == topic] or list(tips)
    unheard = [t for t in pool if t["id"] not in heard]
    if unheard:
        tip = rng.choice(unheard)
        return TipChoice(tip, [*heard, tip["id"]], repeat=None)
    if len(pool) < len(tips):
        # A topic's tips are used up but other topics' are not: repeat within the topic, keep the rotation.
        return TipChoice(rng.choice(pool), list(heard), repeat="topic")
    tip = rng.choice(pool)
    return TipChoice(tip, [tip["id"]], repeat="all")
