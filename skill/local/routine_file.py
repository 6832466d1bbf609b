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

from skill.core.heat import iso_duration_seconds, plan_heat
from skill.local.nlu.durations import parse_duration
from skill.local.nlu.resolver import ER_NO_MATCH, IntentResolver, Resolution, normalize
from skill.local.text_file import TextFileError, read_text

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
# What each of those does, for messages that say what a step would do instead of what it names.
KINDS = {
    "StartStretchIntent": "stretches",
    "PreventionTipIntent": "a prevention tip",
    "HeatTimerIntent": "a heat session",
    "DiscInfoIntent": "information about herniated discs",
    "SpasmInfoIntent": "information about spasms",
    "MassageInfoIntent": "information about massage",
    "MedicineInfoIntent": "information about medicines",
    "HeatOrIceIntent": "advice on heat or ice",
    "WarningSignsIntent": "the warning signs",
}

# Time to get ready for a step, given before it unless the step above says 'then wait:'. Stretches start lying on
# the floor; heat needs the pack fetched (and warmed) and somewhere to lie; a tip or information only needs ears.
READY_SECONDS = {"StartStretchIntent": 30, "HeatTimerIntent": 60}
LISTENING_READY_SECONDS = 5
MAX_WAIT_SECONDS = 30 * 60  # longer is more likely a slip ('30 minutes' for '30 seconds') than a plan
STEP_KEYS = ("do", "then wait")  # a step written as a mapping: the phrase, and the time to leave after it

MAX_STEPS = 20
MAX_STEP_CHARACTERS = 100
# Below this the resolver is guessing. Low-confidence steps are rejected, not played: hands-free, a wrong
# guess plays a whole activity nobody asked for ("massage thing" scores 0.49 as massage information: a guess),
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
    then_wait: float | None = None  # seconds before the next step ('then wait:'); None: the next step's default

    @property
    def kind(self) -> str:
        return KINDS[self.intent]


@dataclass(frozen=True)
class CaregiverRoutine:
    name: str | None
    steps: tuple[RoutineStep, ...]
    title: str = ""  # what the routine is called aloud: its name, else the file's name ("dads-evening" -> "dads evening")

    def wait_before(self, index: int) -> float:
        """Seconds between step `index - 1` and step `index` (none before the first)."""
        if index == 0:
            return 0.0
        earlier = self.steps[index - 1].then_wait
        if earlier is not None:
            return earlier
        return float(READY_SECONDS.get(self.steps[index].intent, LISTENING_READY_SECONDS))


class RoutineFileError(TextFileError):
    """A routine file that cannot be played: which file, which line and what to change."""


def load_routine(path: Path, resolver: IntentResolver) -> CaregiverRoutine:
    """The routine in `path`, every step resolved; RoutineFileError names the first problem and its line."""
    root = _parse(path, _read(path))
    name_node, steps_node = _split_top_level(path, root)
    if not steps_node.value:
        raise RoutineFileError(path, _line(steps_node), f"the routine has no steps; {_SUGGESTION}")
    if len(steps_node.value) > MAX_STEPS:
        raise RoutineFileError(path, _line(steps_node.value[MAX_STEPS]),
                               f"a routine has at most {MAX_STEPS} steps, and this is step {MAX_STEPS + 1}")
    name = _name(path, name_node)
    steps = tuple(_step(path, node, resolver) for node in steps_node.value)
    return CaregiverRoutine(name, steps, name or " ".join(path.stem.replace("_", " ").replace("-", " ").split()))


def _read(path: Path) -> str:
    text = read_text(path, RoutineFileError, "routine", MAX_FILE_BYTES,
                     too_large=f", far more than {MAX_STEPS} short steps")
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
    then_wait = None
    if isinstance(node, MappingNode):
        node, then_wait = _step_mapping(path, node)
    if node.tag not in _WORD_TAGS and node.tag != _NULL:
        kind = _NON_WORD_KINDS.get(node.tag, "a tagged value")
        raise fail(f"'{node.value}' reads as {kind}, not words; {_SUGGESTION}")
    text = "" if node.tag == _NULL else " ".join(node.value.split())
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
    problem = _two_requests(text, resolver) or _playback_problem(text, resolution) or _names_another(
        text, resolution, resolver)
    if problem:
        raise fail(problem)
    return RoutineStep(line, text, resolution.intent, text, then_wait)


def _step_mapping(path: Path, node: MappingNode) -> tuple[Node, float | None]:
    """A step written as 'do: <phrase>' with an optional 'then wait: <how long>': (the phrase's node, seconds)."""
    found: dict[str, Node] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else "a nested value"
        if key not in STEP_KEYS:
            close = difflib.get_close_matches(key, STEP_KEYS, n=1)
            hint = (f"did you mean '{close[0]}'?" if close else
                    "leave the colon out or put the step in quotes")
            raise RoutineFileError(path, _line(key_node),
                                   f"this step reads as 'key: value' because of its colon, and '{key}' is not "
                                   f"'do' or 'then wait' ({hint}); a step is a phrase, or 'do: <phrase>' with "
                                   "'then wait: 2 minutes' under it")
        if key in found:
            raise RoutineFileError(path, _line(key_node), f"'{key}' is given twice in this step; keep one")
        found[key] = value_node
    if "do" not in found:
        raise RoutineFileError(path, _line(node), "this step has no 'do:' saying what to do, such as "
                                                  "'do: lower back stretches'")
    if isinstance(found["do"], (SequenceNode, MappingNode)):
        raise RoutineFileError(path, _line(found["do"]), "'do:' takes one phrase, such as 'lower back stretches'")
    wait = found.get("then wait")
    return found["do"], None if wait is None else _wait_seconds(path, wait)


def _wait_seconds(path: Path, node: Node) -> float:
    said = node.value if isinstance(node, ScalarNode) else ""
    if not isinstance(said, str) or node.tag not in (_TAG + "str", _TAG + "int", _TAG + "float"):
        said = ""
    iso = parse_duration(said) if said else None
    seconds = iso_duration_seconds(iso)
    if seconds is None:
        unit = " with its unit" if node.tag in (_TAG + "int", _TAG + "float") else ""
        raise RoutineFileError(path, _line(node), f"say how long 'then wait:' is{unit}, such as '30 seconds' or "
                                                  "'2 minutes'")
    if seconds > MAX_WAIT_SECONDS:
        raise RoutineFileError(path, _line(node), f"'then wait: {said}' is longer than {MAX_WAIT_SECONDS // 60} "
                                                  "minutes; a routine waits at most that between steps")
    return seconds


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


# --- steps whose words ask for more, or other, than what the skill would do ------------------------------------
#
# The rule: every run of words in a step that is, on its own, clearly something a routine can do must be what the
# whole step does. Two such runs with no word in common that ask for different things mean two steps run together
# (a line indented differently from the others joins the step above it: "lower back stretches - a prevention tip",
# which the skill hears as a tip); one that asks for another kind of thing than the whole step means the words name
# one thing and the skill would do another ("lower back stretches for 15 minutes" is heard as 15 minutes of heat).
# "Clearly" is CLEAR_CONFIDENCE, or the confidence any step needs where the run is set off by a dash, comma,
# semicolon, '&', '+', 'and' or 'then' at both ends (or the step's own ends); a run never crosses one of those,
# which keep apart what they join. A run that only names a body part ("my neck") or a topic is not a request by
# itself: heat or a tip may say where or what about.
CLEAR_CONFIDENCE = 0.9
MAX_RUN_WORDS = 10  # longer runs would be most of a step: the whole step is judged anyway
_MARKS = frozenset("- – — & + /".split())
_JOINERS = frozenset("and then also plus".split())
_FILLERS = frozenset("my the a an his her their our your some".split())


@dataclass(frozen=True)
class _Request:
    words: str
    first: int
    last: int  # exclusive
    intent: str
    slots: tuple[tuple[str, str], ...]  # (slot, id or value) of the slots filled

    def differs_from(self, other: _Request) -> bool:
        mine, theirs = dict(self.slots), dict(other.slots)
        return self.intent != other.intent or any(theirs.get(name, value) != value for name, value in mine.items())


def _two_requests(text: str, resolver: IntentResolver) -> str | None:
    requests = sorted(_requests_within(text, resolver), key=lambda request: request.first - request.last)  # longest first
    for index, first in enumerate(requests):
        for second in requests[index + 1:]:
            if (second.first >= first.last or first.first >= second.last) and first.differs_from(second):
                earlier, later = sorted((first, second), key=lambda request: request.first)
                return (f"'{text}' asks for two things, '{earlier.words}' and '{later.words}'; give each its own "
                        "'- ' line, indented like the others (a line indented differently joins the step above it)")
    return None


def _names_another(text: str, resolution: Resolution, resolver: IntentResolver) -> str | None:
    for request in _requests_within(text, resolver):
        if request.intent != resolution.intent:
            return (f"'{text}' names '{request.words}' ({KINDS[request.intent]}), but Spine Coach would take the "
                    f"whole step as {KINDS[resolution.intent]}; write '{request.words}' on its own, or reword it")
    return None


def _requests_within(text: str, resolver: IntentResolver) -> list[_Request]:
    """Every run of words in `text`, shorter than the whole, that is clearly a request a routine can play."""
    words = text.split()
    joins = [word in _MARKS or word.strip(",;").lower() in _JOINERS for word in words]
    # Whether a run may start or end before words[index]: the step's own ends, or a mark or joiner on either side.
    set_off = [index in (0, len(words)) or words[index - 1][-1] in ",;" or joins[index - 1] or joins[index]
               for index in range(len(words) + 1)]
    found = []
    for first in range(len(words)):
        for last in range(first + 1, min(len(words), first + MAX_RUN_WORDS) + 1):
            if (first, last) == (0, len(words)) or any(joins[first:last]) or \
                    any(word[-1] in ",;" for word in words[first:last - 1]):
                break  # the whole step is judged as such; a run never crosses a mark or a joiner
            run = " ".join(words[first:last]).strip(" ,;")
            if not run or words[last - 1].strip(",;").lower() in _FILLERS:
                continue  # "lower back stretches a" is not how a request ends
            least = LEAST_CONFIDENCE if set_off[first] and set_off[last] else CLEAR_CONFIDENCE
            request = _as_request(run, first, last, least, resolver)
            if request:
                found.append(request)
    return found


def _as_request(run: str, first: int, last: int, least: float, resolver: IntentResolver) -> _Request | None:
    resolution = resolver.resolve(run)
    if resolution.intent not in ALLOWED_INTENTS or resolution.score < least:
        return None
    filled = [slot for slot in resolution.slots.values() if slot.value is not None]
    if any(slot.status == ER_NO_MATCH or slot.value == "?" for slot in filled):
        return None
    named = {word for slot in filled if slot.status for word in normalize(slot.value).split()}
    if not set(normalize(run).split()) - named - _FILLERS:
        return None  # only a body part or a topic
    return _Request(run, first, last, resolution.intent, tuple(sorted((slot.name, slot.id or slot.value)
                                                                      for slot in filled)))


def _line(node: Node) -> int:
    return node.start_mark.line + 1
