"""What the page shows of one turn, as JSON: what was heard, the intent, the slots with their entity-resolution ids,
the triage tier, the reply, the routine and question left open, the screen, and both envelopes.

Built from what was sent and what came back (the transcript record `talk --json` prints, and the envelopes), so a
replay's turn and a typed one look the same.
"""

from __future__ import annotations

from typing import Any, Mapping

from skill.console.apl import AplError, Viewport, render
from skill.core.routines import load_routines
from skill.local.replay import APL_RENDER, first_sentence


def turn_view(record: Mapping[str, Any], request: Mapping[str, Any] | None,
              response: Mapping[str, Any] | None, locale: str) -> dict[str, Any]:
    speech = record.get("speech") or ""
    attributes = (response or {}).get("sessionAttributes") or {}
    return {
        "heard": record.get("heard"),
        "request_type": record.get("request_type"),
        "intent": record.get("intent"),
        "slots": sent_slots(request),
        "triage": record.get("triage"),
        "speech": speech,
        "first_sentence": first_sentence(speech),
        "reprompt": record.get("reprompt"),
        "end_session": bool(record.get("end_session")),
        "directives": list(record.get("directives") or ()),
        "routine": routine_view(attributes.get("routine"), locale),
        "question": ((attributes.get("question") or {}).get("id") if isinstance(attributes.get("question"), Mapping)
                     else None),
        "screen": screen_view(request, response),
        "request": request,
        "response": response,
    }


def sent_slots(request: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Each filled slot of the request as Alexa sent it: its words and, for a custom type, the id entity
    resolution matched (None for a built-in type or no match)."""
    slots = (((request or {}).get("request") or {}).get("intent") or {}).get("slots") or {}
    found = []
    for name, slot in slots.items():
        if slot.get("value") is None:
            continue
        value_id = None
        for authority in (slot.get("resolutions") or {}).get("resolutionsPerAuthority") or ():
            for entry in authority.get("values") or ():
                value_id = value_id or (entry.get("value") or {}).get("id")
        found.append({"name": name, "value": slot.get("value"), "id": value_id})
    return found


def routine_view(position: Any, locale: str) -> dict[str, Any] | None:
    """The routine the session carries on with, as "lower back stretches, step 1 of 6 (running)"."""
    if not isinstance(position, Mapping) or not isinstance(position.get("routine"), str):
        return None
    routine = load_routines(locale).get(position["routine"])
    step = position.get("step") if isinstance(position.get("step"), int) else 0
    return {"id": position["routine"], "name": routine.name if routine else position["routine"],
            "step": step + 1, "steps": len(routine.steps) if routine else None, "status": position.get("status")}


def screen_view(request: Mapping[str, Any] | None, response: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The reply's APL document drawn as the request's device would (its viewport), with the datasource it was
    given; None when the reply draws no screen."""
    directives = ((response or {}).get("response") or {}).get("directives") or ()
    directive = next((d for d in directives if d.get("type") == APL_RENDER), None)
    if directive is None:
        return None
    viewport = Viewport.from_context(((request or {}).get("context") or {}).get("Viewport"))
    datasources = directive.get("datasources") or {}
    try:
        drawn = render(directive.get("document") or {}, datasources, viewport)
    except AplError as error:  # shown on the page: the preview cannot read the document as it is now
        drawn = None
        problem = str(error)
    else:
        problem = None
    return {"html": drawn, "problem": problem, "token": directive.get("token"), "datasources": datasources,
            "width": viewport.width, "height": viewport.height}
