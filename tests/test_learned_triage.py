"""The learned second opinion (skill/core/safety/learned.py): trained on the development bank's tuning split and the
tuning-only archive only, shipped as data, only ever raising what the rules found."""

from __future__ import annotations

import hashlib
import json

import pytest

from bench import red_flag_bank, red_flag_model
from bench.red_flag_report import BANK
from skill.core.content import load_document
from skill.core.safety.learned import (CLASSES, MODELS, LearnedSecondOpinion, pack, probabilities,
                                       protective_concepts, second_opinion_for, unpack)
from skill.core.safety.triage import Finding, rules_alone, triage_for
from test_safety import CLINICAL_FACTS_1E, OWN_PHRASINGS

SHIPPED = json.loads((MODELS / "en.json").read_text(encoding="utf-8"))


def _severity(finding: Finding | None) -> int:
    return CLASSES.index(finding.tier if finding else "none")


def _sentences() -> list[str]:
    bank = [json.loads(line)["text"] for line in (BANK / "dev.jsonl").read_text(encoding="utf-8").splitlines()]
    return bank + [text for text, _ in CLINICAL_FACTS_1E + OWN_PHRASINGS]


@pytest.fixture(scope="module")
def rules_found() -> list[tuple[str, Finding | None, object]]:
    """Each bank sentence with the rules' finding and reading, worked out once for the module: several tests walk
    the whole bank and this is most of their time."""
    rules = rules_alone("en-US")
    return [(text, rules.judge(reading), reading) for text in _sentences() for reading in [rules.read(text)]]


def test_it_never_lowers_what_the_rules_found(rules_found):
    """The shipped model lowers no tier the rules gave, the clarifying question included."""
    both = triage_for("en-US")
    lowered = [(text, found.tier, after.tier if after else None) for text, found, _ in rules_found
               for after in [both.classify(text)] if _severity(after) > _severity(found)]
    assert lowered == []


def test_a_model_certain_a_sentence_is_harmless_still_asks_the_rules_question(rules_found):
    """Certain of "none", a model leaves every finding of the rules as it was: a harmless-looking reading of a
    sentence the rules flagged is never a reason to stay silent."""
    certain = LearnedSecondOpinion({"bias": [0.0, 0.0, 0.0, 0.0, 50.0]}, 0.6, "?")
    found = [(finding, reading) for _, finding, reading in rules_found]
    assert any(finding is not None and finding.tier == "clarify" for finding, _ in found)
    for finding, reading in found:
        assert certain.raise_(finding, reading) == finding, reading.words


def _tier(finding: Finding | None) -> str:
    return finding.tier if finding else "none"


def test_the_reviewed_phrasings_the_rules_get_right_stay_as_they_are():
    """The project's reviewed phrasings (tests/test_safety.py, tests/test_locales.py) that the rules get right keep
    their tier with the shipped model: `make red-flag-model` admits no thresholds that change one."""
    rules, both = rules_alone("en-US"), triage_for("en-US")
    changed = [(text, expected, _tier(both.classify(text))) for text, expected in red_flag_model.reviewed_phrasings()
               if _tier(rules.classify(text)) == expected and _tier(both.classify(text)) != expected]
    assert changed == []


def test_it_never_overrules_the_rules_reasons_not_to_fire(rules_found):
    """Where a concept the rules use only to hold a rule back is live (a young child, "unhurt", a harmless cause), a
    model certain of an emergency leaves the rules' finding as it was; elsewhere it raises."""
    document = load_document("en-US", "red_flags")
    holds_back = protective_concepts(document)
    assert holds_back
    alarmed = LearnedSecondOpinion({"bias": [50.0, 0.0, 0.0, 0.0, 0.0]}, 0.6, "?", holds_back)
    held = 0
    for text, finding, reading in rules_found:
        after = alarmed.raise_(finding, reading)
        if holds_back.isdisjoint(reading.live):
            assert after.tier == "emergency"
        else:
            held += 1
            assert after == finding, text
    assert held  # the bank has such sentences, so the guard was exercised


def test_it_raises_only_when_sure(rules_found):
    """A model that is never sure (threshold above 1) leaves every finding as the rules made it."""
    unsure = LearnedSecondOpinion(*unpack(SHIPPED)[:1], 1.01, "?", scale=unpack(SHIPPED)[1])
    for _, finding, reading in rules_found:
        assert unsure.raise_(finding, reading) == finding


def test_the_shipped_weights_come_from_the_tuning_split_as_it_is_now():
    """Retrained here from bench/red_flags/dev.jsonl and the tuning-only archive (probes.jsonl) alone, the weights
    are the ones shipped: nothing else (the sealed split above all) went into them, and a bank or archive change
    without `make red-flag-model` fails here."""
    assert SHIPPED["trained_on"] == [
        {"file": f"bench/red_flags/{name}", "sha256": hashlib.sha256((BANK / name).read_bytes()).hexdigest()}
        for name in ("dev.jsonl", red_flag_bank.ARCHIVE)]
    rows = red_flag_model.training_rows() + red_flag_model.archive_rows()
    retrained = red_flag_model.build(rows, rules_alone("en-US"), SHIPPED["thresholds"])
    assert retrained["features"] == SHIPPED["features"]
    drift = max(abs(a - b) for a, b in zip(retrained["weights"], SHIPPED["weights"])) / SHIPPED["scale"]
    assert drift < 1e-3


def test_the_archive_holds_no_sentence_of_either_split():
    """The archive trains the model, so a bank sentence in it would leak into training: a sealed one would make the
    sealed figures flattering, a dev one count twice. (Counted only: the sealed sentences are never shown.)"""
    def same(name: str) -> set[str]:
        return {red_flag_bank.same_sentence(row["text"]) for row in red_flag_bank.read(BANK / name)}
    archive = {red_flag_bank.same_sentence(row["text"]) for row in red_flag_model.archive_rows()}
    assert len(archive) > 5000
    assert (len(archive & same("dev.jsonl")), len(archive & same("sealed.jsonl"))) == (0, 0)


def test_the_shipped_file_gives_the_chances_its_weights_give():
    """Packed as integers for a fast load, the weights give the same chances (to the 4th decimal of each weight)."""
    weights = {"w:numb": [1.23456, -0.5, 0.0, 0.00004, -2.0], "bias": [0.1, 0.2, 0.3, 0.4, 0.5], "w:x": [9, 0, 0, 0, 0]}
    rows, scale = unpack(json.loads(json.dumps(pack(weights))))
    assert rows["w:numb"] == [12346, -5000, 0, 0, -20000]
    found = {"bias": 1.0, "w:numb": 1.0}
    exact, packed = probabilities(weights, found), probabilities(rows, found, scale)
    assert max(abs(a - b) for a, b in zip(exact, packed)) < 1e-4


def test_a_feature_of_one_training_sentence_is_left_out():
    """Seen once, a word (a name, a typo) says nothing about new writers; training on the archive keeps the file
    (loaded at the first utterance) from growing with them."""
    data = [({"bias": 1.0, "w:numb": 1.0, "w:once": 1.0}, 0), ({"bias": 1.0, "w:numb": 1.0}, 0),
            ({"bias": 1.0, "w:fine": 1.0}, 4), ({"bias": 1.0, "w:fine": 1.0}, 4)]
    assert sorted(red_flag_model.train(data)) == ["bias", "w:fine", "w:numb"]


def test_a_learned_clarifying_question_comes_from_the_content_and_leads_to_the_emergency_answer():
    question = load_document("en-GB", "red_flags")["second_opinion"]["clarify_question"]
    assert second_opinion_for("en-GB").clarify_question == question
    sure = LearnedSecondOpinion({"bias": [0.0, 0.0, 0.0, 50.0, 0.0]}, 0.6, question)
    rules = rules_alone("en-GB")
    finding = sure.raise_(None, rules.read("something odd today"))
    assert (finding.tier, finding.question, finding.escalate_to) == ("clarify", question, "emergency")


def test_each_tier_has_its_own_threshold():
    """Raising to emergency and raising to another tier are judged apart: a model as sure of either raises only to
    the tier whose threshold it meets."""
    rules = rules_alone("en-US")
    reading = rules.read("something odd today")
    strict_emergency = {"emergency": 0.99, "urgent": 0.6, "soon": 0.6, "clarify": 0.6}
    for tier, expected in (("emergency", None), ("urgent", "urgent")):
        scores = [0.0] * len(CLASSES)
        scores[CLASSES.index(tier)] = 2.0  # about 0.65 sure
        opinion = LearnedSecondOpinion({"bias": scores}, strict_emergency, "?")
        finding = opinion.raise_(None, reading)
        assert (finding.tier if finding else None) == expected
    assert set(SHIPPED["thresholds"]) == set(CLASSES[:-1])  # a tier to raise to each; nothing to lower to "none"


def test_a_language_without_a_model_is_judged_by_the_rules_alone():
    assert second_opinion_for("fr-FR") is None


def test_a_model_sure_of_a_milder_tier_leaves_every_finding_as_it_was(rules_found):
    """Whatever the weights say, and however sure, a tier the rules found is never lowered: a model certain of each
    milder tier (or of "none") in turn changes no finding of the rules on the bank and the reviewed phrasings."""
    found = [(finding, reading) for _, finding, reading in rules_found]
    for milder in CLASSES[1:]:
        scores = [0.0] * len(CLASSES)
        scores[CLASSES.index(milder)] = 50.0
        certain = LearnedSecondOpinion({"bias": scores}, 0.6, "?")
        for finding, reading in found:
            if finding and _severity(finding) <= CLASSES.index(milder):
                assert certain.raise_(finding, reading) == finding, (milder, reading.words)


def test_the_rounds_of_the_bank_are_where_git_history_says_they_were_appended():
    """`--rounds` holds out whole rounds (one set of writers at a time); the rounds read from the bank's order begin
    where `git log -- bench/red_flags/dev.jsonl` shows rounds 2-6 appended (the file's length before each commit)."""
    numbers = red_flag_model.rounds(red_flag_model.training_rows())
    starts = [i for i in range(1, len(numbers)) if numbers[i] != numbers[i - 1]]
    assert starts[:5] == [922, 1394, 1913, 2211, 2758]
