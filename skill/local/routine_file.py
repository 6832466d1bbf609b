"""A caregiver's saved routine: a YAML or JSON file of short phrases the offline runner plays hands-free.

Why it is built this way: README.md, "Design notes".
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.events import CollectionEndEvent, CollectionStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError

from skill.core.heat import plan_heat
from skill.local.nlu.resolver import ER_NO_MATCH, IntentResolver, Resolution

# What each intent a routine may play sounds like in a caregiver's words; error messages suggest these.
EXAMPLE_PHRASES = {
    "StartStretchIntent": "lower back stretches",
    "PreventionTipIntent": "a prevention tip",
    "HeatTimerIntent": "heat for 15 minutes",
    "DiscInfoIntent": "what is a herniated disc",
    "SpasmInfoIntent": "why do spasms happen",
    "MassageInfoIntent": "is massage safe",
    "MedicineInfoIntent": "what medicine helps",
    "HeatOrIceIntent": "should I use heat or ice",
    "WarningSignsIntent": "what are the warning signs",
}
# Things to do or hear. Replies in a conversation ("yes", "next", "stop", "that hurts") make no sense saved.
ALLOWED_INTENTS = tuple(EXAMPLE_PHRASES)

MAX_STEPS = 20
MAX_STEP_CHARACTERS = 100
# Below this the resolver is guessing. Low-confidence steps are rejected, not played: hands-free, a wrong
# guess plays a whole activity nobody asked for ("tell me about medicine" scores 0.54, as disc information),
# and rewording the step once in the file fixes it for every evening after.
LEAST_CONFIDENCE = 0.6
# Twenty short steps fit in a few kilobytes. Anything far larger is the wrong file (or /dev/zero), and is refused
# before parsing, so it cannot hold the runner up.
MAX_FILE_BYTES = 64 * 1024
# A routine is two levels deep ('steps:', then its list); one more is a mistake the step checks explain. PyYAML
# builds nodes recursively, so a file nested thousands deep would raise RecursionError: refused before that.
MAX_NESTING = 10

_KEYS = ("name", "steps")
_SUGGESTION = "try 'lower back stretches', 'a prevention tip' or 'heat for 15 minutes'"
_TAG = "tag:yaml.org,2002:"
# YAML 1.1 reads yes/no/on/off as booleans, but a caregiver wrote them as words: judge them as phrases.
_WORD_TAGS = frozenset({_TAG + "str", _TAG + "bool"})
_NULL = _TAG + "null"  # an empty "- " line
_NON_WORD_KINDS = {_TAG + "int": "a number", _TAG + "float": "a number", _TAG + "timestamp": "a date"}


@dataclass(frozen=True)
class RoutineStep:
    line: int  # 1-based line in the file
    text: str  # the phrase as written
    intent: str  # resolved intent, one of ALLOWED_INTENTS
    utterance: str  # what the runner sends: the text itself


@dataclass(frozen=True)
class CaregiverRoutine:
    name: str | None
    steps: tuple[RoutineStep, ...]


class RoutineFileError(ValueError):
    """One line saying which file, which line and what to change."""

    def __init__(self, path: Path, line: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        where = str(path) if line is None else f"{path}, line {line}"
        super().__init__(f"{where}: {' '.join(problem.split())}.")  # one line, whatever the file held


def load_routine(path: Path, resolver: IntentResolver) -> CaregiverRoutine:
    """The routine in `path`, every step resolved; RoutineFileError names the first problem and its line."""
    root = _parse(path, _read(path))
    name_node, steps_node = _split_top_level(path, root)
    if not steps_node.value:
        raise RoutineFileError(path, _line(steps_node), f"the routine has no steps; {_SUGGESTION}")
    if len(steps_node.value) > MAX_STEPS:
        raise RoutineFileError(path, _line(steps_node.value[MAX_STEPS]),
                               f"a routine has at most {MAX_STEPS} steps, and this is step {MAX_STEPS + 1}")
    return CaregiverRoutine(_name(path, name_node), tuple(_step(path, node, resolver) for node in steps_node.value))


def _read(path: Path) -> str:
    try:
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)  # bounded: a device or a huge file is never read whole
    except FileNotFoundError:
        raise RoutineFileError(path, None, "there is no such file") from None
    except IsADirectoryError:
        raise RoutineFileError(path, None, "this is a folder; give the routine file inside it") from None
    except OSError as error:
        raise RoutineFileError(path, None, f"the file cannot be read ({error.strerror or error})") from None
    if len(data) > MAX_FILE_BYTES:
        raise RoutineFileError(path, None, f"the file is larger than {MAX_FILE_BYTES // 1024} KB, far more than "
                                           f"{MAX_STEPS} short steps; check this is the routine file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise RoutineFileError(path, None, "this is not a text file; save it as plain UTF-8 text") from None
    # PyYAML rejects tabs before tokens, yet JSON is often indented with them. A raw tab in JSON can only be
    # whitespace between tokens, and in a spoken phrase it is a space, so this changes no meaning or line.
    return text.replace("\t", " ")


def _parse(path: Path, text: str) -> Node:
    try:
        _refuse_deep_nesting(path, text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except ReaderError as error:
        # A control character such as NUL: binary data that happens to be valid UTF-8.
        line = text.count("\n", 0, error.position) + 1
        raise RoutineFileError(path, line, "this is not a text file (it holds a control character); save it as "
                                           "plain UTF-8 text") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        problem = (f"this is not valid YAML or JSON ({error.problem}); check the indentation and punctuation here "
                   "and on the line before")
        if error.context_mark and (mark is None or mark.index >= len(text.rstrip())):
            # The file ended inside something: point at where it was opened, not past the last line.
            mark, problem = error.context_mark, f"a bracket or quote opened here is never closed ({error.problem})"
        raise RoutineFileError(path, mark.line + 1 if mark else None, problem) from None
    except yaml.YAMLError as error:  # PyYAML's other errors carry no position
        raise RoutineFileError(path, None, f"this is not valid YAML or JSON ({error})") from None
    if root is None:
        # No line to point at: the file has nothing but blank lines or comments.
        raise RoutineFileError(path, None, f"the file is empty; list the steps under 'steps:', {_SUGGESTION}")
    return root


def _refuse_deep_nesting(path: Path, text: str) -> None:
    """Walks the parser's events (iterative, unlike composing) and stops at the first list or mapping nested
    deeper than MAX_NESTING. Aliases are events, not copies, so a 'billion laughs' file costs no more here."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                raise RoutineFileError(path, event.start_mark.line + 1,
                                       f"lists or mappings are nested more than {MAX_NESTING} deep here; a routine "
                                       "is a list of steps, or 'steps:' with the list under it")
        elif isinstance(event, CollectionEndEvent):
            depth -= 1


def _split_top_level(path: Path, root: Node) -> tuple[Node | None, SequenceNode]:
    """(name, steps) from a mapping, or (None, the list) from a bare list of steps."""
    if isinstance(root, SequenceNode):
        return None, root
    if not isinstance(root, MappingNode):
        raise RoutineFileError(path, _line(root), "a routine is a list of steps, or 'steps:' with the list under it")
    found: dict[str, Node] = {}
    for key_node, value_node in root.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else "a nested value"
        if key not in _KEYS:
            close = difflib.get_close_matches(key, _KEYS, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise RoutineFileError(path, _line(key_node),
                                   f"'{key}' is not part of a routine{hint}; a routine has only 'name' and 'steps'")
        if key in found:
            raise RoutineFileError(path, _line(key_node), f"'{key}' is given twice; keep one")
        found[key] = value_node
    steps = found.get("steps")
    if steps is None:
        raise RoutineFileError(path, _line(root), "there is no 'steps:' list")
    if not isinstance(steps, SequenceNode):
        raise RoutineFileError(path, _line(steps), "'steps' must be a list, one '- ' line per step")
    return found.get("name"), steps


def _name(path: Path, node: Node | None) -> str | None:
    if node is None:
        return None
    if not isinstance(node, ScalarNode):
        raise RoutineFileError(path, _line(node), "the name must be a single line of text")
    return None if node.tag == _NULL else node.value.strip() or None


def _step(path: Path, node: Node, resolver: IntentResolver) -> RoutineStep:
    line = _line(node)

    def fail(problem: str) -> RoutineFileError:
        return RoutineFileError(path, line, problem)

    if isinstance(node, SequenceNode):
        raise fail("this step is a list inside the list; give each step its own '- ' line")
    if isinstance(node, MappingNode):
        raise fail("this step reads as 'key: value' because of its colon; leave the colon out or put the step "
                   "in quotes")
    if node.tag not in _WORD_TAGS and node.tag != _NULL:
        kind = _NON_WORD_KINDS.get(node.tag, "a tagged value")
        raise fail(f"'{node.value}' reads as {kind}, not words; {_SUGGESTION}")
    text = "" if node.tag == _NULL else node.value.strip()
    if not text:
        raise fail(f"this step is empty; {_SUGGESTION}")
    if len(text) > MAX_STEP_CHARACTERS:
        raise fail(f"this step is {len(text)} characters long; keep each step to one short phrase "
                   f"of at most {MAX_STEP_CHARACTERS}")
    kind, request = resolver.split_invocation(text)
    if kind != "continue":
        raise fail(f"leave out 'open' or 'ask spine coach' in '{text}'; the routine talks to Spine Coach "
                   "already")
    resolution = resolver.resolve(request)
    problem = _playback_problem(text, resolution)
    if problem:
        raise fail(problem)
    return RoutineStep(line, text, resolution.intent, text)


def _playback_problem(text: str, resolution: Resolution) -> str | None:
    """Why the skill would not simply do what `text` says, unattended; None when it would."""
    if resolution.intent not in ALLOWED_INTENTS:
        # The fallback, and replies that only make sense in a live conversation ("yes", "next", "stop").
        return f"'{text}' is not something Spine Coach can do in a routine; {_SUGGESTION}"
    example = f"'{EXAMPLE_PHRASES[resolution.intent]}'"
    if resolution.score < LEAST_CONFIDENCE:
        return f"Spine Coach is not sure what '{text}' means; if it is like {example}, write it that way"
    unknown = [slot.value for slot in resolution.slots.values() if slot.status == ER_NO_MATCH]
    if unknown:
        # The skill would quietly do something else, such as the default stretches for an area it lacks.
        return f"Spine Coach does not know '{unknown[0]}' in '{text}'; try {example}"
    if resolution.intent == "HeatTimerIntent" and plan_heat(resolution.slot_values()["duration"]) is None:
        return f"Spine Coach would stop to ask how long the heat in '{text}' should last; try {example}"
    return None


def _line(node: Node) -> int:
    return node.start_mark.line + 1
