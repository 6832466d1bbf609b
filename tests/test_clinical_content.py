"""Clinical-content lint over every JSON document under skill/locale/.

Checks what a clinical reviewer would otherwise check by hand: every statement names a known source,
no drug names, doses or advert text, every spoken sentence fits in one breath, and the stretch
routines are safe by construction (doses in range, a stop rule on every step, no flexion in the
lower-back routine, `{side}` only where a step has sides). Documents other areas own (red_flags.json,
advice.json, prompts.json) are linted when they exist and skipped when they don't.
"""

from __future__ import annotations

import copy
import json
import re
import string
from pathlib import Path
from typing import Any, Iterator

import pytest

from skill.core.content import LOCALE_DIR, load_document, load_sources, supported_locales, variants
from skill.core.routines import (
    AREAS,
    HOLD_SECONDS,
    MAX_SECONDS_PER_SIDE,
    REPS,
    REST_SECONDS,
    parse_routines,
    load_routines,
    routine_for_area,
)

SHARED = Path(__file__).resolve().parents[2] / "shared"
FACTS = SHARED / "clinical-facts.md"
SEEDS = SHARED / "seeds"

SENTENCE_WORDS = 30  # one breath
TIP_WORDS = 25
TIP_TOPICS = {"lifting", "sitting", "sleep", "weight", "smoking", "exercise"}
TOPIC_INTENTS = {"DiscInfoIntent", "SpasmInfoIntent", "MassageInfoIntent", "MedicineInfoIntent", "HeatOrIceIntent"}
# Documents whose every top-level entry is spoken: a string, a list of variants, or {"say", "sources"}.
PHRASE_DOCUMENTS = {"prompts.json", "advice.json"}
# In any other document, strings under these keys are spoken (red_flags.json "phrases" are what users say).
SPOKEN_KEYS = {
    "say", "intro", "cues", "rep_cue", "release_cue", "release_short", "caution", "follow_up",
    "reprompt", "speech", "message", "question", "prompt",
}  # fmt: skip

# Every drug named in the seeds, plus common ones, generic and brand. The skill names classes only.
DRUG_NAMES = (
    # seeds (S0): anti-inflammatories, muscle relaxants, anticonvulsants, opioids, warming rubs
    "ibuprofen", "naproxen", "aspirin", "cyclobenzaprine", "metaxalone", "baclofen", "gabapentin",
    "pregabalin", "carbamazepine", "codeine", "hydrocodone", "oxycodone", "capsaicin", "menthol", "camphor",
    # clinical facts (massage cautions) and other common ones
    "warfarin", "paracetamol", "acetaminophen", "diazepam", "tramadol", "morphine", "diclofenac",
    "celecoxib", "meloxicam", "ketoprofen", "etoricoxib", "methocarbamol", "tizanidine", "carisoprodol",
    "orphenadrine", "prednisone", "prednisolone", "dexamethasone", "amitriptyline", "nortriptyline",
    "duloxetine", "lidocaine", "fentanyl", "hydromorphone", "buprenorphine", "tapentadol", "dihydrocodeine",
    "co-codamol", "apixaban", "rivaroxaban", "heparin", "clopidogrel", "methyl salicylate",
    # brands
    "advil", "motrin", "nurofen", "aleve", "naprosyn", "tylenol", "panadol", "valium", "lyrica",
    "neurontin", "tegretol", "flexeril", "skelaxin", "robaxin", "voltaren", "celebrex", "oxycontin",
    "vicodin", "percocet",
)  # fmt: skip
DRUG_PATTERN = re.compile(r"\b(?:" + "|".join(re.escape(d) for d in DRUG_NAMES) + r")\b", re.IGNORECASE)
DOSE_PATTERN = re.compile(r"\b(?:mg|mcg|milligrams?|micrograms?)\b|\d\s*µg", re.IGNORECASE)
# The seed's closing device advert: its name, its claim and its phone number.
ADVERT_PATTERN = re.compile(
    r"barricaid|844\W*288\W*7474|\b95\s*(?:%|percent|per\s*cent)|ninety[\s-]five\s*per\s*cent", re.IGNORECASE
)
FLEXION_PATTERN = re.compile(
    r"knees? (?:up )?to (?:the |your )?chest|bottoms? (?:back )?to (?:the |your )?heels|child'?s pose"
    r"|hug (?:your |both )?knees|toe touch|\bflexion\b",
    re.IGNORECASE,
)
# "You can't always prevent..." is the honest line (JOSPT caveat); a promise is not.
PROMISE_PATTERN = re.compile(
    r"\b(?:will|helps?(?: to)?|to) prevent|\bprevents\b|guarantee|never get|won't get|stops? it coming back",
    re.IGNORECASE,
)
NECK_EXTENSION_PATTERN = re.compile(
    r"\bextension\b|(?:tip|tilt|drop|lean|bend) your head back|look up at the ceiling", re.IGNORECASE
)


# --- loading ---------------------------------------------------------------------------------------


def _json_files() -> list[Path]:
    return sorted(p for p in LOCALE_DIR.rglob("*.json") if p.name != "sources.json")


def _rel(path: Path) -> str:
    return path.relative_to(LOCALE_DIR).as_posix()


def _load(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        pytest.fail(f"{_rel(path)} is not valid JSON")


def _files_named(name: str) -> list[Path]:
    return [p for p in _json_files() if p.name == name]


def _require(name: str) -> list[Path]:
    files = _files_named(name)
    assert files, f"no {name} under skill/locale"
    return files


def _walk(node: Any, where: str = "", key: str | None = None) -> Iterator[tuple[str, str | None, Any]]:
    """Every node in a JSON tree as (path, key it sits under, value); list items keep their parent's key."""
    yield where, key, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, f"{where}.{k}" if where else k, k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, f"{where}[{i}]", key)


def _spoken(path: Path, data: Any) -> Iterator[tuple[str, str]]:
    """(where, text) for every string the skill speaks in one document."""
    if path.name in PHRASE_DOCUMENTS and isinstance(data, dict):
        for key, entry in data.items():
            if key.startswith("_"):
                continue
            try:
                options = variants(entry)
            except (KeyError, TypeError):
                continue  # malformed entries are reported by the phrase-document tests
            for i, text in enumerate(options):
                if isinstance(text, str):
                    yield f"{key}[{i}]", text
        return
    for where, key, node in _walk(data):
        if isinstance(node, str) and key in SPOKEN_KEYS:
            yield where, node


def _read(path: Path, data: Any) -> Iterator[tuple[str, str]]:
    """(where, text) for every line of the store listing: read by people, not spoken, so no breath limit."""
    if path.name != "listing.json" or not isinstance(data, dict):
        return
    for key, entry in data.items():
        text = entry.get("text") if isinstance(entry, dict) else entry
        if not key.startswith("_") and isinstance(text, str):
            yield key, text


def _sentences(text: str) -> list[str]:
    text = re.sub(r"<[^>]+>", " ", text)  # SSML tags are not words
    return [s for s in re.split(r"(?<=[.!?])\s+|\s*\n\s*", text.strip()) if s]


def _words(text: str) -> int:
    return sum(1 for token in re.sub(r"<[^>]+>", " ", text).split() if re.search(r"[\w{]", token))


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


ALL_FILES = _json_files()
FILE_IDS = [_rel(p) for p in ALL_FILES]
KNOWN_SOURCES = frozenset(load_sources())


# --- every document --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_FILES, ids=FILE_IDS)
def test_every_sources_list_is_non_empty_and_known(path: Path) -> None:
    problems = []
    for where, key, node in _walk(_load(path)):
        if key != "sources" or not where.endswith("sources"):
            continue
        if not isinstance(node, list) or not node:
            problems.append(f"{where}: empty or not a list")
            continue
        problems += [f"{where}: unknown source key {k!r}" for k in node if k not in KNOWN_SOURCES]
    assert not problems, "\n".join(problems)


def test_source_keys_are_listed_in_clinical_facts_section_8() -> None:
    if not FACTS.is_file():
        pytest.skip(f"needs {FACTS} (the clinical fact sheet, kept beside the repository, not in it): "
                    "checks every source key the content cites is one the fact sheet defines")
    text = FACTS.read_text(encoding="utf-8")
    match = re.search(r"^## 8\..*?(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, "clinical-facts.md has no section 8 (source keys)"
    section = match.group(0)
    missing = [k for k in KNOWN_SOURCES if not re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", section)]
    assert not missing, f"sources.json keys not in clinical-facts.md section 8: {sorted(missing)}"


# What the red-flag rules listen for is never said back: a user naming their long-term steroid is a fracture risk the
# rules must hear. Only the sections the skill speaks (rule messages, questions) must stay free of drug names.
HEARD_ONLY = ("spoken_variants", "fillers", "breaks", "corrections", "subjects", "blockers", "concepts")


@pytest.mark.parametrize("path", ALL_FILES, ids=FILE_IDS)
def test_no_drug_names_doses_or_advert(path: Path) -> None:
    problems = []
    heard_only = path.name == "red_flags.json"
    for where, _, node in _walk(_load(path)):
        if not isinstance(node, str) or (heard_only and where.split(".")[0].split("[")[0] in HEARD_ONLY):
            continue
        for label, pattern in (("drug name", DRUG_PATTERN), ("dose unit", DOSE_PATTERN), ("advert", ADVERT_PATTERN)):
            found = pattern.search(node)
            if found:
                problems.append(f"{where}: {label} {found.group(0)!r} in {node!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", ALL_FILES, ids=FILE_IDS)
def test_every_spoken_sentence_fits_in_one_breath(path: Path) -> None:
    problems = []
    for where, text in _spoken(path, _load(path)):
        problems += [
            f"{where}: {_words(s)} words: {s!r}" for s in _sentences(text) if _words(s) > SENTENCE_WORDS
        ]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", ALL_FILES, ids=FILE_IDS)
def test_no_sentence_is_copied_from_the_seeds(path: Path) -> None:
    seeds = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not seeds:
        pytest.skip(f"needs the seed documents in {SEEDS} (kept beside the repository, not in it): "
                    "checks no content sentence is copied from them")

    def norm(text: str) -> str:
        return " ".join(re.findall(r"[a-z0-9']+", text.lower().replace("’", "'")))

    seed_text = " " + " ".join(norm(p.read_text(encoding="utf-8")) for p in seeds) + " "
    window = 10
    problems = []
    data = _load(path)
    for where, text in [*_spoken(path, data), *_read(path, data)]:
        words = norm(text).split()
        for i in range(len(words) - window + 1):
            chunk = " ".join(words[i : i + window])
            if f" {chunk} " in seed_text:
                problems.append(f"{where}: copies the seed verbatim: {chunk!r}")
                break
    assert not problems, "\n".join(problems)


def test_advice_entries_are_sourced() -> None:
    problems = []
    for path in _require("advice.json"):
        for key, entry in _load(path).items():
            if key.startswith("_"):
                continue
            if not isinstance(entry, dict) or "say" not in entry:
                problems.append(f"{_rel(path)} {key}: must be {{'say': ..., 'sources': [...]}}")
            elif not entry.get("sources"):
                problems.append(f"{_rel(path)} {key}: no sources")
    assert not problems, "\n".join(problems)


# --- routines --------------------------------------------------------------------------------------


def _routine_files() -> list[tuple[Path, dict[str, Any]]]:
    return [(p, _load(p)) for p in _require("routines.json")]


@pytest.mark.parametrize("locale", supported_locales())
def test_routines_load_and_cover_every_area(locale: str) -> None:
    routines = load_routines(locale)
    assert {r.area for r in routines.values()} >= set(AREAS)
    for area in AREAS:
        assert routine_for_area(locale, area).area == area


def test_routine_and_step_ids_are_unique_and_everything_is_sourced() -> None:
    for path, data in _routine_files():
        routines = data.get("routines", [])
        ids = [r.get("id") for r in routines]
        assert len(ids) == len(set(ids)), f"{_rel(path)}: duplicate routine ids {ids}"
        for routine in routines:
            assert routine.get("sources"), f"{_rel(path)} {routine.get('id')}: no sources"
            step_ids = [s.get("id") for s in routine.get("steps", [])]
            assert len(step_ids) == len(set(step_ids)), f"{routine.get('id')}: duplicate step ids {step_ids}"
            for step in routine.get("steps", []):
                assert step.get("sources"), f"{routine.get('id')}.{step.get('id')}: no sources"


@pytest.mark.parametrize("locale", supported_locales())
def test_routine_doses_are_within_range_and_every_step_has_a_caution(locale: str) -> None:
    for routine in load_routines(locale).values():
        assert routine.intro.strip() and routine.name.strip()
        for step in routine.steps:
            where = f"{routine.id}.{step.id}"
            assert step.hold_seconds in HOLD_SECONDS, where
            assert step.reps in REPS, where
            assert step.rest_seconds in REST_SECONDS, where
            assert step.seconds_per_side <= MAX_SECONDS_PER_SIDE, where
            assert 1 <= len(step.cues) <= 3, where
            assert step.caution.strip(), f"{where}: no caution"
            assert re.search(r"\b(stop|skip)\b", step.caution, re.IGNORECASE), f"{where}: caution has no stop rule"


@pytest.mark.parametrize("locale", supported_locales())
def test_routine_sizes(locale: str) -> None:
    for area, low, high in (("lower_back", 4, 6), ("whole_back", 4, 6), ("neck", 3, 6)):
        steps = routine_for_area(locale, area).steps
        assert low <= len(steps) <= high, f"{area}: {len(steps)} steps"


def _step_text(step: Any) -> str:
    parts = [step.id, step.name, *step.cues, step.rep_cue or "", step.release_cue or ""]
    return " ".join(parts).replace("-", " ").replace("_", " ")


@pytest.mark.parametrize("locale", supported_locales())
def test_lower_back_routine_has_no_flexion_steps(locale: str) -> None:
    for step in routine_for_area(locale, "lower_back").steps:
        found = FLEXION_PATTERN.search(_step_text(step))
        assert not found, f"lower_back.{step.id} is a flexion stretch ({found.group(0)!r})"


@pytest.mark.parametrize("locale", supported_locales())
def test_neck_routine_skips_extension_and_warns_about_the_arm(locale: str) -> None:
    for step in routine_for_area(locale, "neck").steps:
        assert not NECK_EXTENSION_PATTERN.search(_step_text(step)), f"neck.{step.id} is an extension stretch"
        assert "arm" in step.caution.lower(), f"neck.{step.id}: caution should mention the arm"
        if "turn" in step.id:
            assert "dizz" in step.caution.lower(), f"neck.{step.id}: caution should mention dizziness"


@pytest.mark.parametrize("locale", supported_locales())
def test_back_routines_warn_about_the_leg(locale: str) -> None:
    for step in routine_for_area(locale, "lower_back").steps:
        assert re.search(r"\bleg\b", step.caution), f"lower_back.{step.id}: caution should mention the leg"
    for step in routine_for_area(locale, "whole_back").steps:
        # a neck move inside the whole-back routine warns about the arm instead
        assert re.search(r"\b(leg|arm)\b", step.caution), f"whole_back.{step.id}: caution should name leg or arm"


def test_routine_placeholders_are_only_side_and_only_with_sides() -> None:
    problems = []
    for path, data in _routine_files():
        for routine in data.get("routines", []):
            for key in ("name", "intro"):
                if _placeholders(routine.get(key, "")):
                    problems.append(f"{routine.get('id')}.{key}: placeholders are not allowed")
            for step in routine.get("steps", []):
                has_sides = bool(step.get("sides"))
                for where, key, node in _walk(step):
                    if not isinstance(node, str) or key in ("id", "sources", "sides"):
                        continue
                    fields = _placeholders(node)
                    allowed = {"side"} if has_sides and key in ("cues", "rep_cue", "release_cue") else set()
                    if fields - allowed:
                        problems.append(f"{_rel(path)} {routine.get('id')}.{step.get('id')}.{where}: {fields}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("locale", supported_locales())
def test_side_cues_render_for_every_side(locale: str) -> None:
    for routine in load_routines(locale).values():
        for step in routine.steps:
            uses_side = any("{side}" in cue for cue in step.cues)
            for side in step.passes:
                rendered = step.cues_for(side)
                assert not any("{" in cue or "}" in cue for cue in rendered), f"{routine.id}.{step.id}"
                if side and uses_side:
                    assert any(side in cue for cue in rendered), f"{routine.id}.{step.id}: {side} not said"


# --- routine validation (parser) -------------------------------------------------------------------


def _valid_document() -> dict[str, Any]:
    step = {
        "id": "knee_rolls",
        "name": "knee rolls",
        "cues": ["Roll your knees to the {side}."],
        "rep_cue": "Roll over.",
        "release_cue": "And back.",
        "hold_seconds": 2,
        "reps": 5,
        "rest_seconds": 2,
        "sides": ["left", "right"],
        "caution": "Stop if pain spreads down your leg.",
        "sources": ["NHSINF-EX"],
    }
    routine = {
        "id": "lower_back",
        "area": "lower_back",
        "name": "lower back stretches",
        "intro": "Let's start.",
        "sources": ["NHSINF-EX"],
        "steps": [step],
    }
    return {"routines": [routine]}


def test_parser_accepts_the_minimal_document() -> None:
    routines = parse_routines(_valid_document(), KNOWN_SOURCES)
    step = routines["lower_back"].steps[0]
    assert step.sides == ("left", "right")
    assert step.cues_for("left") == ("Roll your knees to the left.",)
    with pytest.raises(ValueError):
        step.cues_for(None)


_DELETE = object()
_STEP = ("routines", 0, "steps", 0)
_ROUTINE = ("routines", 0)


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (_STEP + ("sources",), ["NHS-INFORM"], "unknown source key"),
        (_STEP + ("sources",), [], "sources"),
        (_ROUTINE + ("sources",), ["nice"], "unknown source key"),
        (_STEP + ("hold_seconds",), 0, "hold_seconds"),
        (_STEP + ("hold_seconds",), 61, "hold_seconds"),
        (_STEP + ("hold_seconds",), 2.5, "hold_seconds"),
        (_STEP + ("reps",), 13, "reps"),
        (_STEP + ("reps",), True, "reps"),
        (_STEP + ("rest_seconds",), 11, "rest_seconds"),
        (_STEP + ("cues",), _DELETE, "missing cues"),
        (_STEP + ("cues",), [], "cues"),
        (_STEP + ("cues",), ["One.", "Two.", "Three.", "Four."], "cues"),
        (_STEP + ("cues",), ["  "], "cue"),
        (_STEP + ("caution",), _DELETE, "missing caution"),
        (_STEP + ("sides",), None, "{side}"),
        (_STEP + ("sides",), ["up"], "sides"),
        (_STEP + ("cues",), ["Hold for {seconds} seconds."], "{seconds}"),
        (_STEP + ("caution",), "Stop on the {side}.", "{side}"),
        (_STEP + ("cues",), ["Unclosed {brace."], "braces"),
        (_STEP + ("tempo",), "slow", "unknown field"),
        (_ROUTINE + ("area",), "hip", "area"),
        (_ROUTINE + ("intro",), "", "intro"),
        (_STEP + ("hold_seconds",), 60, "per side"),
        (_STEP + ("transition_seconds",), 31, "transition_seconds"),
        (_STEP + ("transition_seconds",), "10", "transition_seconds"),
        (_STEP + ("release_short",), "And back to the {middle}.", "{middle}"),
        (_ROUTINE + ("warm_up_seconds",), 601, "warm_up_seconds"),
        (_ROUTINE + ("warm_up_seconds",), -1, "warm_up_seconds"),
    ],
)
def test_parser_rejects_bad_routines_naming_routine_and_step(path: tuple[Any, ...], value: Any, message: str) -> None:
    document = _valid_document()
    node: Any = document
    for key in path[:-1]:
        node = node[key]
    if value is _DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    with pytest.raises(ValueError) as error:
        parse_routines(document, KNOWN_SOURCES)
    text = str(error.value)
    assert message in text and "'lower_back'" in text, text
    if path[: len(_STEP)] == _STEP:
        assert "'knee_rolls'" in text, text


def test_parser_rejects_duplicate_ids() -> None:
    document = _valid_document()
    steps = document["routines"][0]["steps"]
    steps.append(copy.deepcopy(steps[0]))
    with pytest.raises(ValueError, match="duplicate step id"):
        parse_routines(document, KNOWN_SOURCES)
    document = _valid_document()
    document["routines"].append(copy.deepcopy(document["routines"][0]))
    with pytest.raises(ValueError, match="duplicate routine id"):
        parse_routines(document, KNOWN_SOURCES)


# --- tips ------------------------------------------------------------------------------------------


def test_tips_cover_every_topic_in_one_breath() -> None:
    for path in _require("tips.json"):
        tips = _load(path).get("tips", [])
        if path.parent.name == "en":
            assert len(tips) >= 16, f"{_rel(path)}: only {len(tips)} tips"
            for topic in TIP_TOPICS:
                assert sum(t.get("topic") == topic for t in tips) >= 2, f"fewer than 2 tips about {topic}"
        ids = [t.get("id") for t in tips]
        assert len(ids) == len(set(ids)), f"{_rel(path)}: duplicate tip ids"
        for tip in tips:
            where = f"{_rel(path)} {tip.get('id')}"
            assert tip.get("topic") in TIP_TOPICS, f"{where}: unknown topic {tip.get('topic')!r}"
            say = tip.get("say")
            assert isinstance(say, str) and say.strip(), f"{where}: say must be one string"
            assert _words(say) <= TIP_WORDS, f"{where}: {_words(say)} words"
            assert not _placeholders(say), f"{where}: placeholders are not allowed"
            assert tip.get("sources"), f"{where}: no sources"


def test_tips_promise_no_prevention() -> None:
    for path in _require("tips.json"):
        for tip in _load(path).get("tips", []):
            found = PROMISE_PATTERN.search(tip["say"])
            assert not found, f"{tip['id']}: promises prevention ({found.group(0)!r})"


# --- topics ----------------------------------------------------------------------------------------


def _topics() -> list[tuple[Path, dict[str, Any]]]:
    return [(p, t) for p in _require("topics.json") for t in _load(p).get("topics", [])]


def test_topics_cover_every_information_intent() -> None:
    topics = _topics()
    ids = [t.get("id") for _, t in topics]
    for path in _files_named("topics.json"):
        file_ids = [t.get("id") for t in _load(path).get("topics", [])]
        assert len(file_ids) == len(set(file_ids)), f"{_rel(path)}: duplicate topic ids"
    assert {t.get("intent") for _, t in topics} >= TOPIC_INTENTS, ids
    for path, topic in topics:
        where = f"{_rel(path)} {topic.get('id')}"
        assert topic.get("intent") in TOPIC_INTENTS, f"{where}: unknown intent"
        say = topic.get("say")
        assert isinstance(say, list) and 2 <= len(say) <= 4, f"{where}: say must be 2 to 4 sentences"
        for text in [*say, topic.get("follow_up", "")]:
            assert isinstance(text, str) and text.strip(), f"{where}: empty sentence"
            assert len(_sentences(text)) == 1, f"{where}: one sentence per entry: {text!r}"
            assert not _placeholders(text), f"{where}: placeholders are not allowed"
        assert _words(topic["follow_up"]) <= 15, f"{where}: follow_up is too long"
        assert topic.get("sources"), f"{where}: no sources"


def test_medicine_topic_names_classes_only_and_defers_to_the_pharmacist() -> None:
    for _, topic in _topics():
        if topic["intent"] != "MedicineInfoIntent":
            continue
        text = " ".join(topic["say"]).lower()
        assert "pharmacist" in text and "doctor" in text
        assert "combin" in text, "should say to ask the pharmacist before combining medicines"
        advice = re.search(r"\b(start|stop|increase|double|take)\b (taking|your|more|two|it)\b", text)
        assert not advice, f"{topic['id']}: advises on taking medicine ({advice.group(0)!r})"
        assert not re.search(r"\b\d+\b|\btimes a day\b|\bevery \w+ hours\b|\bbetter than\b", text)


def test_massage_topic_keeps_it_gentle_and_short() -> None:
    for _, topic in _topics():
        if topic["intent"] != "MassageInfoIntent":
            continue
        text = " ".join(topic["say"]).lower()
        assert "gentle" in text and "spine" in text and "ten minutes" in text
        assert "stop" in text and "spreads" in text
        assert "S0" in topic["sources"], "the ten-minute limit is a seed house rule (S0)"


def test_heat_or_ice_topic_gives_the_rule() -> None:
    for _, topic in _topics():
        if topic["intent"] != "HeatOrIceIntent":
            continue
        text = " ".join(topic["say"]).lower()
        assert "ice" in text and "heat" in text and "swelling" in text and "numb" in text


# --- gaps found in clinical review (issue 11) ------------------------------------------------------

# Words each phrase must carry, and a source key from clinical-facts.md that each one was written from (1A-1C).
NEW_EMERGENCY_SIGNS = [
    ("when you wipe", "CES-CHESTERFIELD"),  # altered feeling when wiping
    ("erections", "CES-CHESTERFIELD"),  # new sexual dysfunction
    ("less feeling during sex", "CES-CHESTERFIELD"),
    ("sciatica in both legs", "NHS-SCI"),
    ("difficulty walking", "OUH-CES"),
]
NEW_URGENT_SIGNS = [
    ("you've had cancer", "CHOU"),
    ("lost weight without trying", "NHS-BACK"),
    ("inject drugs", "CHOU"),
    ("weakened immune system", "CHOU"),
    ("weak bones", "NTRUST"),
    ("steroids long term", "CHOU"),
    ("over fifty with your first back pain", "CHOU"),
    ("between your shoulder blades", "NHS-BACK"),
    ("numbness, tingling or weakness in your arms", "MPFT-NECK"),
]
# The day's red-flag question before the first stretch session: the same four emergency items, grouped.
SCREENING_ITEMS = [
    ("when you wipe", "CES-CHESTERFIELD"),
    ("sex", "CES-CHESTERFIELD"),
    ("both legs", "NHS-SCI"),
    ("difficulty walking", "OUH-CES"),
]


def _advice(locale: str, key: str) -> tuple[str, list[str]]:
    entry = load_document(locale, "advice")[key]
    return entry["say"], entry["sources"]


@pytest.mark.parametrize("locale", supported_locales())
@pytest.mark.parametrize(
    "key, items",
    [("signs.emergency", NEW_EMERGENCY_SIGNS), ("signs.urgent", NEW_URGENT_SIGNS),
     ("stretch.screen_question", SCREENING_ITEMS), ("stretch.screen_hands_free", SCREENING_ITEMS)],
)
def test_every_warning_sign_from_review_is_said_with_its_source(locale: str, key: str, items) -> None:
    text, sources = _advice(locale, key)
    for words, source in items:
        assert words in text, f"{locale} {key}: no {words!r}"
        assert source in sources, f"{locale} {key}: {words!r} needs its source {source}"


@pytest.mark.parametrize("locale", supported_locales())
def test_the_days_screening_is_still_one_yes_no_question(locale: str) -> None:
    text, _ = _advice(locale, "stretch.screen_question")
    question = _sentences(text)[-1]
    assert text.count("?") == 1 and question.endswith("?") and question.startswith("Any new")
    assert _words(question) <= SENTENCE_WORDS


# Heat (2C-2E): what each grouped screening question covers, and the safety lines, each item with a source.
HEAT_SCREEN_ITEMS = {
    "heat.screen.skin": [("numb", "NHS-SCI"), ("broken or infected", "HKEHS"), ("diabetes", "FDA-95"),
                         ("poor circulation", "FDA-97")],
    "heat.screen.today": [("fever", "HKEHS"), ("drowsy from medicines or alcohol", "FDA-95"),
                          ("take the pad off yourself", "HKEHS"), ("dementia", "HKEHS")],
    "heat.screen.conditions": [("pregnant", "DEROYAL"), ("stroke", "FDA-95"), ("spinal cord injury", "FDA-95"),
                               ("heart condition", "HKEHS"), ("cancer", "HKEHS"), ("radiotherapy", "HKEHS")],
    "heat.screen.injury": [("new injury", "CC-ICE"), ("last three days", "FPNOTEBOOK")],
    "heat.cold_instead": [("cold pack", "CC-ICE"), ("twenty minutes", "NINDS"), ("serious fall", "NHS-BACK")],
    "heat.check": [("numb", "NHS-SCI"), ("broken skin", "HKEHS"), ("fever", "HKEHS"), ("drowsiness", "FDA-95"),
                   ("new injury", "CC-ICE")],
    # every time: short
    "heat.safety": [("lowest comfortable setting", "HKEHS"), ("towel", "FDA-97"), ("on top of you", "FDA-97"),
                    ("stays red", "HKEHS"), ("pain grows", "HKEHS"), ("never fall asleep", "FDA-97")],
    # after the full screening: the fuller checklist
    "heat.safety_first_time": [("cord", "FDA-95"), ("worn, cracked or frayed", "FDA-95"), ("pin or fold", "FDA-97"),
                               ("heat rubs", "FDA-97")],
}


@pytest.mark.parametrize("locale", supported_locales())
@pytest.mark.parametrize("key", sorted(HEAT_SCREEN_ITEMS))
def test_every_heat_screening_and_safety_item_is_said_with_its_source(locale: str, key: str) -> None:
    text, sources = _advice(locale, key)
    for words, source in HEAT_SCREEN_ITEMS[key]:
        assert words in text, f"{locale} {key}: no {words!r}"
        assert source in sources, f"{locale} {key}: {words!r} needs its source {source}"


@pytest.mark.parametrize("locale", supported_locales())
def test_each_heat_screening_prompt_is_one_short_yes_no_question(locale: str) -> None:
    for key in [*(k for k in HEAT_SCREEN_ITEMS if k.startswith("heat.screen.")), "heat.check"]:
        text, _ = _advice(locale, key)
        assert len(_sentences(text)) == 1 and text.count("?") == 1 and text.endswith("?"), key
        assert _words(text) <= 25, f"{key}: {_words(text)} words"


EXTENSION_STEPS = {"prone_on_elbows", "press_up", "standing_back_bend"}


def test_the_not_harmful_tip_carries_the_stop_if_it_spreads_condition() -> None:
    for path in _require("tips.json"):
        for tip in _load(path).get("tips", []):
            if tip["id"] == "exercise_not_harmful":
                assert re.search(r"stop if pain spreads down your leg or arm", tip["say"]), tip["say"]
                assert {"NHS-SCI", "MDT"} <= set(tip["sources"])


@pytest.mark.parametrize("locale", supported_locales())
def test_backward_bends_say_they_do_not_suit_everyone(locale: str) -> None:
    steps = [(r.id, s) for r in load_routines(locale).values() for s in r.steps if s.id in EXTENSION_STEPS]
    assert len(steps) >= 4
    for routine, step in steps:
        assert "doesn't suit everyone" in step.caution, f"{routine}.{step.id}"
        assert "eorthopod" in step.sources and "MDT" in step.sources, f"{routine}.{step.id}"


@pytest.mark.parametrize("locale", supported_locales())
def test_cat_camel_cautions_on_the_rounding_and_holds_no_end_range(locale: str) -> None:
    step = next(s for s in routine_for_area(locale, "whole_back").steps if s.id == "cat_camel")
    assert step.hold_seconds == 1, "cycle smoothly, no hold at the end of the range (McGILL)"
    assert any("don't hold at either end" in cue for cue in step.cues)
    assert "Rounding your back" in step.caution and "CMDT" in step.sources
    assert any("rounding up" in cue and "leave that part out" in cue for cue in step.cues)


def test_medicine_topic_does_not_present_nerve_pain_or_stronger_painkillers_neutrally_for_sciatica() -> None:
    for _, topic in _topics():
        if topic["intent"] != "MedicineInfoIntent":
            continue
        sciatica = [s for s in topic["say"] if "nerve-pain" in s or "stronger" in s]
        assert sciatica, "the classes are named only with NICE's caution"
        for sentence in sciatica:
            assert "sciatica" in sentence and "advise against" in sentence and "doctor or pharmacist" in sentence
        assert "NICE-2020" in topic["sources"]


def test_massage_topic_names_blood_thinners_weak_bones_recent_surgery_and_implants() -> None:
    for _, topic in _topics():
        if topic["intent"] != "MassageInfoIntent":
            continue
        text = " ".join(topic["say"]).lower()
        for words in ("blood thinners", "weak bones", "recent operation", "implant"):
            assert words in text, words
        assert {"NCCIH-MIRROR", "S0"} <= set(topic["sources"])
