"""What a screen shows beside the voice: the stretch step being led, and the heat timer.

The screen supplements the voice (Alexa's "seven-foot test"): a few large words that someone lying on the floor
can read from across the room, never a transcript of the speech. The APL documents are data (`skill/alexa/screens/`,
package data, so they ship in the Lambda zip) and hold no words of their own: every label is filled in here from
`locale/*/screens.json` (or from routines.json for names and cues), so a locale overlays them like any phrase.

Handlers only say what to show (`reply.show(...)`); whether a response may carry it is decided once, in
`may_show`, when the reply is built.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any, Iterable

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_supported_interfaces
from ask_sdk_model import Directive

from skill.core.content import Content
from skill.alexa.serializer import PlainJson
from skill.core.routines import Routine

SCREENS_DIR = Path(__file__).parent / "screens"
STRETCH_STEP = "stretch_step"
HEAT_TIMER = "heat_timer"
DOCUMENTS = (STRETCH_STEP, HEAT_TIMER)
TOKEN_PREFIX = "spine-coach-"

# Directives that hand the conversation to Alexa (a permission prompt, another skill, a dialog step): Alexa's own
# prompt and screen follow, so a document of ours would only flash past or be refused with the response.
HANDS_OVER = frozenset({
    "Connections.SendRequest", "Connections.StartConnection", "Dialog.Delegate", "Dialog.DelegateRequest",
    "Dialog.ElicitSlot", "Dialog.ConfirmSlot", "Dialog.ConfirmIntent",
})


@functools.cache
def load_document(name: str) -> PlainJson:
    """The APL document `name`, read once per process and shared by every response: never changed after loading,
    so it is marked as plain JSON, which the skill's serializer hands on without copying it on every turn."""
    return PlainJson(json.loads((SCREENS_DIR / f"{name}.json").read_text(encoding="utf-8")))


def supports_apl(handler_input: HandlerInput) -> bool:
    """Whether the request's device runs APL (Alexa.Presentation.APL in its supported interfaces). Skill events
    come from no device at all."""
    system = handler_input.request_envelope.context.system if handler_input.request_envelope.context else None
    if system is None or system.device is None or system.device.supported_interfaces is None:
        return False
    return get_supported_interfaces(handler_input).alexa_presentation_apl is not None


def may_show(handler_input: HandlerInput, directives: Iterable[Directive]) -> bool:
    """A screen goes out only to a device that runs APL, and never with a response that hands over to Alexa."""
    return supports_apl(handler_input) and not any(d.object_type in HANDS_OVER for d in directives)


def stretch_step_screen(content: Content, routine: Routine, step_index: int, side: str | None) -> Directive:
    """The step being led: routine, "Step n of N", its name, hold, reps and side (when it has them) and its cues."""
    step = routine.steps[step_index]
    return _render(STRETCH_STEP, {"step": {
        "routine": _capitalised(routine.name),
        "position": content.say("screen.step_position", number=step_index + 1, total=len(routine.steps)),
        "name": _capitalised(step.name),
        "hold": content.say("screen.hold", seconds=step.hold_seconds),
        "reps": content.say("screen.reps", count=step.reps) if step.reps > 1 else "",
        "side": _capitalised(content.say("screen.side", side=side)) if side else "",
        "cues": list(step.cues_for(side)),
    }})


def heat_timer_screen(content: Content, minutes: int) -> Directive:
    """A heat session just set for `minutes`."""
    return _heat(content, content.say("screen.heat_minutes", minutes=minutes))


def heat_left_screen(content: Content, minutes: int) -> Directive:
    """About `minutes` left on the running heat session (whole minutes, as they are spoken)."""
    key = "screen.heat_left_one" if minutes <= 1 else "screen.heat_left"
    return _heat(content, content.say(key, minutes=minutes))


def _heat(content: Content, headline: str) -> Directive:
    return _render(HEAT_TIMER, {"heat": {"title": content.say("screen.heat_title"), "headline": headline}})


def _render(name: str, datasources: dict[str, Any]) -> Directive:
    """The documents bind the whole datasources object to their one parameter, `payload`."""
    # ask-sdk-model's APL package is about 200 classes (10 ms to import): loaded with the first screen, so a cold
    # start, and every voice-only device, never pays for it.
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective
    return RenderDocumentDirective(token=f"{TOKEN_PREFIX}{name}", document=load_document(name),
                                   datasources=datasources)


def _capitalised(text: str) -> str:
    """A name from a sentence-writing document ("lower back stretches") as a screen title ("Lower back ...")."""
    return text[:1].upper() + text[1:]
