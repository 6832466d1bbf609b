"""Every phrase key the code speaks exists, every phrase in the content is spoken somewhere, placeholders agree."""

from __future__ import annotations

import ast
import functools
import itertools
from pathlib import Path

import pytest

from skill.core.content import (BASE_LANGUAGE, PHRASE_DOCUMENTS, Content, load_document, placeholders,
                           supported_locales, variants)
from skill.alexa.handlers.learn import SIGN_TIERS
from skill.core.heat import HEAT_SCREEN_QUESTIONS
from skill.core.state import ROUTINE_STATUSES

SKILL = Path(__file__).resolve().parents[1] / "skill"
SPEAKING_METHODS = {"say", "ask", "prepend"}

# Keys the code builds with f-strings, and every value each part can take.
DYNAMIC_KEYS = {
    "flow.not_now.{}": ROUTINE_STATUSES,
    "heat.screen.{}": HEAT_SCREEN_QUESTIONS,
    "heat.screen_reprompt.{}": HEAT_SCREEN_QUESTIONS,
    "signs.{}": SIGN_TIERS,
    "signs.offer.{}": SIGN_TIERS[1:],
    "tips.repeat.{}": ("topic", "all"),
    "stretch.{}": ("at_start",),  # flow.Move notes
    "{}_one": ("heat.time_left", "heat.already_running"),
}


def _strings(node: ast.AST) -> set[str]:
    """String constants under `node`, leaving out the fixed parts of f-strings (DYNAMIC_KEYS covers those)."""
    if isinstance(node, ast.JoinedStr):
        return set()
    if isinstance(node, ast.Constant):
        return {node.value} if isinstance(node.value, str) else set()
    return set().union(*map(_strings, ast.iter_child_nodes(node)))


@functools.cache  # parsing every module once, not once per locale and test
def _trees() -> tuple[ast.AST, ...]:
    return tuple(ast.parse(path.read_text()) for path in SKILL.rglob("*.py"))


def spoken_keys() -> set[str]:
    """String literals in the first argument of say/ask/prepend (including both arms of a conditional)."""
    keys = set()
    for tree in _trees():
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in SPEAKING_METHODS and node.args):
                keys |= {s for s in _strings(node.args[0]) if "." in s}
    return keys


def dynamic_keys() -> set[str]:
    return {template.format(value) for template, values in DYNAMIC_KEYS.items() for value in values}


def mentioned_keys() -> set[str]:
    """Every string literal in skill/: a phrase key may be chosen in one place and spoken in another."""
    return set().union(*map(_strings, _trees())) | dynamic_keys()


@pytest.fixture(params=[*supported_locales(), BASE_LANGUAGE])
def content(request) -> Content:
    return Content(request.param)


def test_every_key_the_code_speaks_exists(content):
    assert sorted((spoken_keys() | dynamic_keys()) - set(content.keys())) == []


def test_every_phrase_in_the_content_is_spoken_somewhere(content):
    assert sorted(set(content.keys()) - mentioned_keys() - {"_about"}) == []


def test_variants_of_a_phrase_share_their_placeholders(content):
    documents = [load_document(content.locale, name) for name in PHRASE_DOCUMENTS]
    for key in content.keys():
        if key == "_about":
            continue
        options = variants(next(document[key] for document in documents if key in document))
        for first, other in itertools.pairwise(options):
            assert placeholders(first) == placeholders(other), key


def test_every_phrase_can_be_said(content):
    """Each phrase formats with the slots the code gives it (numbers and names stand in here)."""
    slots = {"minutes": 12, "asked": 45, "count": 3, "number": 2, "total": 6, "seconds": 10, "name": "press-up",
             "side": "left", "routine": "lower back stretches", "hour": 8, "time": "8 AM", "old_time": "7 AM",
             "wait": "an hour and a half", "heated": "2 minutes", "heard": "neck the"}
    for key in content.keys():
        if key != "_about":
            assert "{" not in content.say(key, **slots), key


@pytest.mark.parametrize(("minutes", "said"),
                         [(1, "Heat timer set for 1 minute."), (15, "Heat timer set for 15 minutes.")])
def test_a_counted_word_agrees_with_its_number(minutes, said):
    assert Content("en-US").say("heat.started", minutes=minutes) == said
