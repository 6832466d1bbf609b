"""Screens (APL) beside the voice: the documents are valid APL with no words of their own, every binding finds its
value in the datasource the code builds, and a screen reaches only a device that declares Alexa.Presentation.APL,
never with a warning sign's answer or a hand-over to Alexa."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from conftest import Chat, Said
from skill.alexa.consent import TIMERS, ask_for
from skill.core.content import Content, supported_locales
from skill.alexa.envelopes import AlexaSession, intent
from alexa_requests import event_envelope, skill_disabled
from skill.alexa.serializer import PlainJson
from skill.core.flow import plan_segments
from skill.core.heat import MAX_MINUTES
from skill.core.heat import HEAT_SCREEN_QUESTIONS
from skill.core.routines import load_routines
from skill.alexa.screen import (DOCUMENTS, HEAT_TIMER, SCREENS_DIR, STRETCH_STEP, heat_left_screen, heat_timer_screen,
                          load_document, stretch_step_screen, supports_apl)
from skill.alexa.turn import Reply

ROOT = Path(__file__).resolve().parents[1]
APL = "Alexa.Presentation.APL.RenderDocument"
LOWER_BACK = load_routines("en-US")["lower_back"]
LOWER_BACK_SEGMENTS = sum(len(plan_segments(step)) for step in LOWER_BACK.steps)
EMERGENCY = "I wet myself and didn't notice"
URGENT = "My leg gave way on the stairs."

# APL's primitive components (a document may add its own layouts on top).
APL_COMPONENTS = {"Container", "Frame", "Image", "Pager", "ScrollView", "Sequence", "GridSequence", "Text",
                  "TouchWrapper", "VectorGraphic", "Video", "EditText"}
# Properties whose strings are put on the screen (or read out by the screen reader).
TEXT_PROPERTIES = {"text", "label", "accessibilityLabel", "speech", "hint"}
EXPRESSION = re.compile(r"\$\{([^}]*)\}")
QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
NAME_PATH = re.compile(r"(?<![\w.@])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)")
KEYWORDS = {"true", "false", "null"}


# --- the documents as data -------------------------------------------------------------------------------


def walk(node: Any, key: str | None = None) -> Iterator[tuple[str | None, Any]]:
    """(key it sits under, value) for every node of a JSON tree; list items keep their parent's key."""
    yield key, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v, key)


def components(node: Any) -> Iterator[dict[str, Any]]:
    """Every component under a template: what sits under `item`/`items`, recursively."""
    children = node.get("items", node.get("item", [])) if isinstance(node, dict) else node
    for child in children if isinstance(children, list) else [children]:
        if isinstance(child, dict):
            yield child
            yield from components(child)


def templates(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [document["mainTemplate"], *document.get("layouts", {}).values()]


def expressions(document: dict[str, Any]) -> Iterator[tuple[str | None, str]]:
    for key, node in walk(document):
        if isinstance(node, str):
            for found in EXPRESSION.finditer(node):
                yield key, found.group(1)


def names_in(expression: str) -> set[str]:
    """Dotted names an expression reads (`payload.step.name`, `viewport.shape`), leaving out quoted literals,
    resource references (@...) and keywords."""
    return {n for n in NAME_PATH.findall(QUOTED.sub("''", expression)) if n not in KEYWORDS}


def test_the_screens_folder_holds_exactly_the_documents_the_code_knows():
    assert sorted(p.stem for p in SCREENS_DIR.glob("*.json")) == sorted(DOCUMENTS)
    assert sorted(p.name for p in SCREENS_DIR.iterdir()) == sorted(f"{name}.json" for name in DOCUMENTS)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_document_is_an_apl_2023_document(name):
    document = json.loads((SCREENS_DIR / f"{name}.json").read_text(encoding="utf-8"))
    assert document == load_document(name)
    assert document["type"] == "APL"
    assert re.fullmatch(r"2023\.[1-3]", document["version"])
    main = document["mainTemplate"]
    assert main["parameters"] == ["payload"]
    assert isinstance(main["items"], list) and main["items"]
    # The last alternative has no condition, so every viewport inflates something.
    assert "when" not in main["items"][-1]
    layouts = set(document.get("layouts", {}))
    assert not layouts & APL_COMPONENTS
    for template in templates(document):
        for component in components(template):
            assert component["type"] in APL_COMPONENTS | layouts, component


@pytest.mark.parametrize("name", DOCUMENTS)
def test_round_and_rectangular_screens_are_told_apart(name):
    conditions = [node for key, node in walk(load_document(name)) if key == "when"]
    assert any("viewport.shape == 'round'" in condition for condition in conditions)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_a_document_is_plain_json_that_no_turn_changes(name, chat):
    """The promise PlainJson asks of its maker (skill.alexa.serializer hands it on without copying it): JSON values
    only, and the one shared copy the same after turns that show it."""
    document = load_document(name)
    assert type(document) is PlainJson
    assert all(type(node) in (dict, list, str, int, float, bool, type(None)) for _, node in walk(document)
               if node is not document)
    chat.session.screen = True
    chat.launch()
    said = [chat.intent("StartStretchIntent", area=("lower back", "lower_back"))]
    said += [chat.no(), chat.intent("AMAZON.NextIntent"), chat.intent("AMAZON.StopIntent")]
    said += [chat.intent("HeatTimerIntent", duration="PT15M")] + [chat.no() for _ in HEAT_SCREEN_QUESTIONS]
    said += [chat.intent("HeatStatusIntent")]
    shown = [screen["document"] for answer in said for screen in screens(answer)]
    assert any(shown_document == document for shown_document in shown)
    assert load_document(name) is document
    assert document == json.loads((SCREENS_DIR / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_resource_a_document_uses_is_defined_in_its_base_resources(name):
    document = load_document(name)
    base, *variants = document["resources"]
    assert "when" not in base and all("when" in variant for variant in variants)
    defined = {f"@{key}" for group in base.values() if isinstance(group, dict) for key in group}
    for variant in variants:  # a viewport may resize what the base defines, never add to it
        assert {f"@{key}" for group in variant.values() if isinstance(group, dict) for key in group} <= defined
    used = {node for template in templates(document) for _, node in walk(template)
            if isinstance(node, str) and node.startswith("@")}
    assert used and used <= defined, used - defined


@pytest.mark.parametrize("name", DOCUMENTS)
def test_no_words_are_written_into_a_document(name):
    """Shown words come from the datasource (screens.json, routines.json), so a locale can replace every one."""
    document = load_document(name)
    shown = [(key, node) for template in templates(document) for key, node in walk(template)
             if key in TEXT_PROPERTIES and isinstance(node, str)]
    assert shown
    for key, text in shown:
        assert EXPRESSION.fullmatch(text), f"{key}: {text!r} is not a single data binding"
    for key, expression in expressions(document):
        literals = [q for q in QUOTED.findall(expression) if re.search(r"[^\W\d_]", q)]
        assert key == "when" or not literals, f"{key}: literal {literals} in ${{{expression}}}"


# --- the documents against the datasources the code builds -----------------------------------------------


def all_datasources() -> Iterator[tuple[str, dict[str, Any]]]:
    """(document, datasources) for every screen the skill can show: each step of each routine on each side, in
    every locale we ship and the language base, and the heat screens for the minutes that can be set or left."""
    for locale in (*supported_locales(), "en"):
        content = Content(locale)
        for routine in load_routines(locale).values():
            for index, step in enumerate(routine.steps):
                for side in step.passes:
                    yield STRETCH_STEP, stretch_step_screen(content, routine, index, side).datasources
        for minutes in range(1, MAX_MINUTES + 1):
            yield HEAT_TIMER, heat_timer_screen(content, minutes).datasources
            yield HEAT_TIMER, heat_left_screen(content, minutes).datasources


def resolve(path: str, root: dict[str, Any]) -> Any:
    value: Any = root
    for part in path.split("."):
        assert isinstance(value, dict) and part in value, f"{path}: no {part!r} in the datasource"
        value = value[part]
    return value


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_binding_reads_a_name_the_document_has(name):
    """`payload` (the datasources), `viewport`, `data` inside a data-bound list, and the layouts' parameters."""
    document = load_document(name)
    known = {"payload", "viewport", "data"} | {p for layout in document.get("layouts", {}).values()
                                                for p in layout.get("parameters", [])}
    roots = {n.split(".")[0] for _, expression in expressions(document) for n in names_in(expression)}
    assert "payload" in roots and roots <= known, roots - known


def test_every_payload_path_in_a_document_is_in_every_datasource_the_code_builds():
    checked = 0
    for name, datasources in all_datasources():
        document = load_document(name)
        paths = {n for _, e in expressions(document) for n in names_in(e) if n.startswith("payload.")}
        assert paths
        for path in paths:
            value = resolve(path.removeprefix("payload."), datasources)
            assert isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))
        for key, expression in expressions(document):
            if key == "data":  # a data-bound list of cues: one Text per item
                items = resolve(expression.strip().removeprefix("payload."), datasources)
                assert isinstance(items, list) and items and all(item.strip() for item in items)
        checked += 1
    assert checked > 40


def test_the_step_datasource_carries_the_routine_position_name_hold_reps_side_and_cues():
    content = Content("en-US")
    knee_rolls = next(i for i, step in enumerate(LOWER_BACK.steps) if step.sides)
    step = LOWER_BACK.steps[knee_rolls]
    shown = stretch_step_screen(content, LOWER_BACK, knee_rolls, "right").datasources["step"]
    assert shown == {
        "routine": "Lower back stretches",
        "position": f"Step {knee_rolls + 1} of {len(LOWER_BACK.steps)}",
        "name": step.name[0].upper() + step.name[1:],
        "hold": f"Hold {step.hold_seconds} seconds",
        "reps": f"{step.reps} times",
        "side": "Right side",
        "cues": list(step.cues_for("right")),
    }
    assert any("right" in cue for cue in shown["cues"])
    single = next(i for i, s in enumerate(LOWER_BACK.steps) if s.reps == 1 and not s.sides)
    plain = stretch_step_screen(content, LOWER_BACK, single, None).datasources["step"]
    assert plain["reps"] == "" and plain["side"] == ""


def test_heat_screens_say_the_minutes_in_the_singular_too():
    content = Content("en-US")
    assert heat_timer_screen(content, 15).datasources == {"heat": {"title": "Heat timer",
                                                                  "headline": "15 minutes of heat"}}
    assert heat_timer_screen(content, 1).datasources["heat"]["headline"] == "1 minute of heat"
    assert heat_left_screen(content, 9).datasources["heat"]["headline"] == "About 9 minutes left"
    assert heat_left_screen(content, 1).datasources["heat"]["headline"] == "About a minute left"


# --- what reaches the device -------------------------------------------------------------------------------


def screens(said: Said) -> list[dict[str, Any]]:
    directives = (said.raw.get("response") or {}).get("directives") or []
    return [d for d in directives if d["type"].startswith("Alexa.Presentation")]


def shown_step(said: Said) -> dict[str, Any]:
    (directive,) = screens(said)
    assert directive["type"] == APL and directive["document"] == load_document(STRETCH_STEP)
    return directive["datasources"]["step"]


@pytest.fixture
def show(returning_chat) -> Chat:
    """A user at an Echo Show who has heard the disclaimer and answered today's stretch screening."""
    returning_chat.session.screen = True
    return returning_chat


def test_each_stretch_step_on_a_screen_shows_its_name_position_cues_and_hold(show):
    first = show.intent("StartStretchIntent", area=("lower back", "lower_back"))
    assert "Step 1 of" in first.speech
    step = LOWER_BACK.steps[0]
    shown = shown_step(first)
    assert shown["routine"] == "Lower back stretches"
    assert shown["position"] == f"Step 1 of {len(LOWER_BACK.steps)}"
    assert shown["name"].lower() == step.name
    assert shown["cues"] == list(step.cues)
    assert shown["hold"] == f"Hold {step.hold_seconds} seconds"
    left = shown_step(show.intent("AMAZON.NextIntent"))
    right = shown_step(show.intent("AMAZON.NextIntent"))
    assert left["position"] == right["position"] == f"Step 2 of {len(LOWER_BACK.steps)}"
    assert (left["side"], right["side"]) == ("Left side", "Right side")
    assert left["cues"] != right["cues"]


def test_every_segment_of_a_routine_on_a_screen_shows_its_step_and_the_end_shows_nothing(show):
    said = show.intent("StartStretchIntent", area=("lower back", "lower_back"))
    positions = [shown_step(said)["position"]]
    for _ in range(LOWER_BACK_SEGMENTS - 1):
        positions.append(shown_step(show.intent("AMAZON.NextIntent"))["position"])
    expected = [f"Step {i + 1} of {len(LOWER_BACK.steps)}" for i, step in enumerate(LOWER_BACK.steps)
                for _ in plan_segments(step)]
    assert positions == expected
    finished = show.intent("AMAZON.NextIntent")
    assert finished.ends and screens(finished) == []


def test_repeat_and_resume_show_the_step_again(show):
    first = shown_step(show.intent("StartStretchIntent", area=("lower back", "lower_back")))
    assert shown_step(show.intent("AMAZON.RepeatIntent")) == first
    paused = show.intent("AMAZON.PauseIntent")
    assert screens(paused) == []  # the step stays on the screen; nothing new to show
    assert shown_step(show.intent("AMAZON.ResumeIntent")) == first


def test_heat_start_and_time_left_show_the_minutes(chat):
    chat.session.screen = True
    chat.launch()
    said = chat.intent("HeatTimerIntent", duration="PT15M")
    assert screens(said) == []  # the screening questions are for the voice
    for _ in HEAT_SCREEN_QUESTIONS:
        said = chat.no()
    (started,) = screens(said)
    assert "15 minutes" in said.speech and said.ends
    assert started["type"] == APL and started["document"] == load_document(HEAT_TIMER)
    assert started["datasources"]["heat"] == {"title": "Heat timer", "headline": "15 minutes of heat"}
    chat.later(minutes=6)
    left = chat.intent("HeatStatusIntent")
    assert "9 minutes" in left.speech
    assert screens(left)[0]["datasources"]["heat"]["headline"] == "About 9 minutes left"


@pytest.mark.parametrize("words", [EMERGENCY, URGENT])
def test_a_warning_signs_answer_carries_no_screen(show, words):
    assert screens(show.intent("StartStretchIntent", area=("lower back", "lower_back")))
    said = show.intent("SymptomReportIntent", symptom=words)
    assert said.triage in ("emergency", "urgent") and screens(said) == []


def everything(chat: Chat) -> list[Said]:
    """A whole routine, a heat session and its time left, help, a tip, and an emergency."""
    said = [chat.launch(), chat.intent("StartStretchIntent", area=("lower back", "lower_back")), chat.no()]
    said += [chat.intent("AMAZON.NextIntent") for _ in range(LOWER_BACK_SEGMENTS + 1)]
    said += [chat.intent("HeatTimerIntent", duration="PT15M")]
    said += [chat.no() for _ in HEAT_SCREEN_QUESTIONS]
    chat.later(minutes=5)
    said += [chat.intent("HeatStatusIntent"), chat.launch(), chat.intent("AMAZON.HelpIntent"),
             chat.intent("PreventionTipIntent"), chat.intent("SymptomReportIntent", symptom=EMERGENCY)]
    return said


def test_a_voice_only_device_never_gets_a_screen(chat):
    said = everything(chat)
    assert said[-1].triage == "emergency" and said[-1].ends
    assert [s for s in said if screens(s)] == []


def test_the_same_conversation_on_a_screen_shows_every_step_and_the_heat(chat):
    chat.session.screen = True
    said = everything(chat)
    shown = [screens(s)[0]["token"] for s in said if screens(s)]
    assert shown == ["spine-coach-stretch_step"] * LOWER_BACK_SEGMENTS + ["spine-coach-heat_timer"] * 2
    assert all(len(screens(s)) <= 1 for s in said)


# --- the rule itself, on real envelopes ----------------------------------------------------------------------


def handler_input(session: AlexaSession, request: dict[str, Any]) -> HandlerInput:
    envelope = DefaultSerializer().deserialize(json.dumps(session.envelope(request)), RequestEnvelope)
    return HandlerInput(request_envelope=envelope)


def built(reply: Reply, session: AlexaSession) -> list[str]:
    response = reply.build(handler_input(session, intent("AMAZON.NextIntent")))
    return [d.object_type for d in response.directives or []]


def step_reply() -> Reply:
    content = Content("en-US")
    return Reply(content).say("stretch.check_in").show(stretch_step_screen(content, LOWER_BACK, 0, None))


def test_a_reply_shows_its_screen_only_where_apl_is_declared():
    assert built(step_reply(), AlexaSession(screen=True)) == [APL]
    assert built(step_reply(), AlexaSession(screen=False)) == []


def test_no_screen_rides_with_a_permission_request():
    """AskFor hands the conversation to Alexa, whose own prompt follows: no document of ours goes with it."""
    reply = step_reply().directive(ask_for(TIMERS, "heat_timer"))
    assert built(reply, AlexaSession(screen=True)) == ["Connections.SendRequest"]


def test_a_skill_event_has_no_device_and_so_no_screen():
    session = AlexaSession(screen=True)
    envelope = DefaultSerializer().deserialize(json.dumps(event_envelope(session, skill_disabled())), RequestEnvelope)
    assert supports_apl(HandlerInput(request_envelope=envelope)) is False
    assert supports_apl(handler_input(session, intent("AMAZON.HelpIntent"))) is True


def test_talk_json_still_prints_directives_and_the_offline_runner_has_no_screen(tmp_path):
    result = subprocess.run([sys.executable, "-m", "skill", "talk", "--fast", "--no-voice", "--json", "--db",
                             str(tmp_path / "talk.db"), "open spine coach", "start my lower back stretches", "no",
                             "next"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    turns = [json.loads(line) for line in result.stdout.splitlines()]
    assert "Step 1 of" in turns[-1]["speech"]
    # No screen; a stretch's check-in tells Alexa it waits on how the stretch felt (skill/alexa/dialog.py).
    assert all(turn["directives"] in ([], ["Dialog.ElicitSlot"]) for turn in turns)
    assert turns[-1]["directives"] == ["Dialog.ElicitSlot"]
