"""The recogniser's language model and dictionary (skill/local/listen/): what goes in, how it is smoothed, and that the
shipped files are what the sources give now (`make listen-model` rebuilds them)."""

from __future__ import annotations

import io
import json
import math
import shutil

import pytest

from skill.alexa.interaction_model import interaction_model, model_locales
from skill.core.content import load_document
from skill.core.safety.triage import word_families
from skill.local.listen import build, vocabulary
from skill.local.listen.arpa import END, NEVER, START, witten_bell, write_arpa
from skill.local.listen.vocabulary import (BARGE_IN, RED_FLAG_TIERS, builtin_slot_values, corpus, number_words,
                                           recogniser_words, red_flag_phrases, red_flag_sentences)
from skill.local.nlu.durations import parse_number
from skill.local.nlu.resolver import BUILTIN_SAMPLES
from skill.local.nlu.times import time_slot_value

pytest.importorskip("pocketsphinx", reason="pocketsphinx is the listen extra: pip install -e '.[listen]'")

from skill.local.listen.pronounce import (BRITISH, US, PronunciationError, cmu_dictionary,  # noqa: E402
                                          dictionary_lines, known_phones, spelled_out, spelled_out_all)
from skill.local.listen.recognise import shipped_dictionary  # noqa: E402


def probability(model: list[dict], words: tuple[str, ...]) -> float:
    """P(last word | the words before it) as a decoder reads an ARPA model: the longest listed n-gram, else the
    context's backoff weight times the shorter history's probability."""
    order = len(model)
    history = words[-order:]
    while True:
        entry = model[len(history) - 1].get(history)
        if entry is not None:
            return 10 ** entry[0]
        context = history[:-1]
        backoff = model[len(context) - 1].get(context, (0.0, 0.0))[1] or 0.0
        return 10 ** backoff * probability(model, history[1:])


@pytest.fixture(scope="module")
def corpus_now():
    """The corpus as the sources give it now, spelled out once for the module: it takes tens of seconds."""
    return corpus()


# Words no rule phrase holds, given as the corpus's vocabulary: "tingl*" must become each of them that starts so.
EXTRA_VOCABULARY = frozenset({"tingling", "tingly", "tinglish"})


def _only(rules: dict, concepts: dict[str, list[str]]) -> dict:
    """The red-flag rules with one emergency rule, on `concepts` alone (added to the rules' own): spelling a concept
    out takes a moment, all of them tens of seconds."""
    return {**rules, "concepts": {**rules["concepts"], **concepts},
            "rules": [{"tier": "emergency", "when": [{"any": sorted(concepts)}]}]}


SENTENCES = [(("start", "my", "stretches"), 1.0), (("start", "the", "heat", "timer"), 1.0), (("stop",), 3.0),
             (("stop", "the", "heat", "timer"), 0.25), (("my", "neck"), 0.5)]


def test_every_context_of_the_smoothed_model_is_a_distribution():
    model = witten_bell(SENTENCES)
    vocabulary = [gram[0] for gram in model[0] if gram != (START,)]
    padded = [(START, *sentence) for sentence, _ in SENTENCES]
    contexts = {words[i:i + n] for words in padded for i in range(len(words)) for n in (1, 2) if i + n <= len(words)}
    contexts |= {("never", "seen"), ("timer", "stop")}  # a history never seen, and a pair never seen together
    for context in contexts:
        total = sum(probability(model, (*context, word)) for word in vocabulary)
        assert math.isclose(total, 1.0, rel_tol=1e-9), (context, total)


def test_seen_words_are_likelier_than_backed_off_ones_and_start_is_never_predicted():
    model = witten_bell(SENTENCES)
    assert probability(model, ("start", "the", "heat")) > probability(model, ("start", "the", "neck"))
    assert probability(model, (START, "stop")) > probability(model, (START, "heat"))
    assert model[0][(START,)][0] == NEVER  # "<s>" in mid-utterance was the fault of pocketsphinx.lm.ArpaBoLM
    assert (END,) in model[0]


def test_a_weight_counts_as_that_many_copies_of_a_sentence():
    once = witten_bell([(("stop",), 2.0), (("next",), 1.0)])
    twice = witten_bell([(("stop",), 1.0), (("stop",), 1.0), (("next",), 1.0)])
    assert once == twice
    with pytest.raises(ValueError):
        witten_bell([(("stop",), 0.0)])


def test_the_arpa_file_lists_every_n_gram_once_in_a_stable_order():
    text = io.StringIO()
    write_arpa(witten_bell(SENTENCES), text)
    lines = text.getvalue().splitlines()
    assert lines[0] == "\\data\\" and lines[-1] == "\\end\\"
    counts = {int(line.split()[1].split("=")[0]): int(line.split("=")[1]) for line in lines if line.startswith("ngram")}
    for order, count in counts.items():
        section = lines[lines.index(f"\\{order}-grams:") + 1:]
        listed = section[:section.index("")] if "" in section else section[:-1]
        assert len(listed) == count == len(set(listed))
    again = io.StringIO()
    write_arpa(witten_bell(list(reversed(SENTENCES))), again)
    assert again.getvalue() == text.getvalue()


def test_number_words_are_the_numbers_the_resolver_reads():
    for number in range(1000):
        assert parse_number(number_words(number).split()) == number


def test_every_spoken_time_in_the_vocabulary_is_a_time_to_the_resolver():
    for phrase in builtin_slot_values()["AMAZON.TIME"]:
        assert time_slot_value(phrase) is not None, phrase


def test_the_corpus_holds_every_sample_slot_value_and_builtin_phrasing(corpus_now):
    sentences = {sentence.words for sentence in corpus_now}
    words = {word for sentence in sentences for word in sentence}
    for locale in model_locales():
        model = interaction_model(locale)["interactionModel"]["languageModel"]
        for intent in model["intents"]:
            for sample in intent.get("samples", []):
                if "{" not in sample:
                    assert recogniser_words(sample) in sentences, (locale, sample)
        for slot_type in model["types"]:
            for value in slot_type["values"]:
                for phrase in (value["name"]["value"], *value["name"].get("synonyms", [])):
                    assert recogniser_words(phrase) in sentences, (locale, phrase)
    builtins = json.loads(BUILTIN_SAMPLES.read_text(encoding="utf-8"))
    for intent, phrases in builtins.items():
        if not intent.startswith("_"):
            assert {recogniser_words(phrase) for phrase in phrases} <= sentences, intent
    assert {recogniser_words(word) for word in BARGE_IN} <= sentences
    assert {"cauda", "equina", "numb", "tingling", "incontinent"} <= words  # red-flag words the model has no sample of


def test_the_red_flag_phrases_weigh_at_most_their_share_however_many_the_rules_hold(monkeypatch):
    # The rules grow every round; the more of the model's mass their words hold, the likelier a short command is heard
    # as a sign word ("pause" as "fall is"). Their share is capped, so a command's odds do not sink as they grow.
    pause_shares = []
    for phrases in (300, 900):
        # Each set alone would outweigh the rest of the corpus several times over.
        flags = {f"numb in my leg number {number_words(n)}": 50.0 for n in range(1, phrases + 1)}
        monkeypatch.setattr(vocabulary, "red_flag_sentences", lambda *_, flags=flags, **__: flags)
        sentences = corpus()
        total = sum(sentence.weight for sentence in sentences)
        said = {recogniser_words(phrase) for phrase in flags}
        assert sum(s.weight for s in sentences if s.words in said) / total == \
            pytest.approx(vocabulary.RED_FLAG_MOST_SHARE)
        pause_shares.append(next(s.weight for s in sentences if s.words == ("pause",)) / total)
    assert pause_shares[0] == pytest.approx(pause_shares[1])


def test_red_flag_phrases_are_spelled_out_as_said(monkeypatch, corpus_now):
    said = {" ".join(sentence.words) for sentence in corpus_now}
    assert {"thirty eight", "a hundred and one"} <= said  # the rules' "#38-45", "#100.4-113": temperatures, as said
    rules = load_document("en", "red_flags")
    probe = ["tingl* down my leg", "a temperature of #38-39", "numb ... bum", "a 4wd crash"]
    monkeypatch.setattr(vocabulary, "load_document", lambda *_: _only(rules, {"probe": probe}))
    phrases = red_flag_phrases(vocabulary=EXTRA_VOCABULARY)
    assert phrases == sorted(set(phrases))
    assert not [phrase for phrase in phrases if any(mark in phrase for mark in "*#@0123456789") or "..." in phrase]
    assert {"tingling down my leg", "tingly down my leg", "tinglish down my leg", "a temperature of thirty eight",
            "a temperature of thirty nine", "numb", "bum"} <= set(phrases)  # "...": two sentences
    assert "tingl down my leg" not in phrases and not [phrase for phrase in phrases if "crash" in phrase]
    assert "tinglish down my leg" not in red_flag_phrases()  # only words of the vocabulary or of the rules
    assert red_flag_phrases(tiers=()) == []


def test_a_family_word_of_a_phrase_stands_for_each_word_of_its_family_up_to_a_cap_then_one_word_at_a_time():
    families = {word: frozenset(group) for group in (("my", "his", "her"), ("wipe", "wiped")) for word in group}
    assert sorted(vocabulary._family_readings("wipe my bottom", families)) == sorted(
        f"{verb} {owner} bottom" for verb in ("wipe", "wiped") for owner in ("my", "his", "her"))
    assert vocabulary._family_readings("her", families) == ["her"]  # a lone word keeps its sense, as in the triage
    written = "w0 w1 w2 w3 w4"  # five words of five-word families: 3,125 combinations
    wide = {f"w{i}{suffix}": frozenset(f"w{i}{other}" for other in ("", "a", "b", "c", "d"))
            for i in range(5) for suffix in ("", "a", "b", "c", "d")}
    readings = vocabulary._family_readings(written, wide)
    assert written in readings and len(readings) == 1 + 5 * 4
    assert {word for reading in readings for word in reading.split()} == set(wide)
    assert all(sum(a != b for a, b in zip(reading.split(), written.split())) <= 1 for reading in readings)


def _plain_family_phrases(rules) -> list[tuple[str, str, str, str]]:
    """(concept, phrase, family word, another word of its family) for the emergency and urgent rules' plain phrases."""
    families = word_families(rules)
    names = {name for rule in rules["rules"] if rule["tier"] in RED_FLAG_TIERS for pattern in rule["when"]
             for key in ("all", "any") for name in pattern.get(key, [])}
    found = []
    for name in sorted(names):
        entry = rules["concepts"].get(name, [])
        for phrase in entry if isinstance(entry, list) else entry.get("phrases", []):
            words = phrase.split()
            if len(words) > 1 and not any(mark in phrase for mark in "{*#@.0123456789"):
                found += [(name, phrase, word, other) for word in words if word in families
                          for other in sorted(families[word] - {word}) if families[other] == families[word]]
    return found


def test_the_recogniser_knows_each_reading_the_word_families_give_a_red_flag_phrase(corpus_now):
    rules = load_document("en", "red_flags")
    phrases = {" ".join(sentence.words) for sentence in corpus_now}
    readings = [" ".join(other if w == word else w for w in phrase.split())
                for _, phrase, word, other in _plain_family_phrases(rules)]
    assert readings and not [reading for reading in readings if " ".join(recogniser_words(reading)) not in phrases]


def test_writing_out_a_reading_the_word_families_already_give_changes_nothing(monkeypatch):
    rules = load_document("en", "red_flags")
    listed = {(name, p) for name, entry in rules["concepts"].items()
              for p in (entry if isinstance(entry, list) else entry.get("phrases", []))}
    name, reading = next((name, reading) for name, phrase, word, other in _plain_family_phrases(rules)
                         if (name, reading := " ".join(other if w == word else w for w in phrase.split()))
                         not in listed)
    entry = rules["concepts"][name]
    phrases = list(entry if isinstance(entry, list) else entry.get("phrases", []))
    found = []
    for written in (phrases, [*phrases, reading]):  # as the rules have it, then with the reading written out
        monkeypatch.setattr(vocabulary, "load_document", lambda *_, written=written: _only(rules, {name: written}))
        found.append(red_flag_sentences(vocabulary=EXTRA_VOCABULARY))
    assert found[0] and found[1] == found[0]  # the same sentences with the same weights: the model does not change


def test_the_recogniser_writes_words_as_the_resolver_reads_them():
    assert recogniser_words("Hands-free, please!") == ("hands", "free", "please")
    assert recogniser_words("I can’t go to A&E") == ("i", "can't", "go", "to", "a", "and", "e")


@pytest.fixture(scope="module")
def cmu() -> dict[str, list[str]]:
    return cmu_dictionary(shipped_dictionary())


def test_every_word_of_the_model_has_a_pronunciation_in_the_model_s_phones(cmu):
    files = build.model_files()
    listed = {}
    for line in files["dict"].read_text(encoding="utf-8").splitlines():
        word, phones = line.split(" ", 1)
        listed.setdefault(word.split("(")[0], []).append(phones.split())
    arpa_words = set()
    section = False
    for line in files["arpa"].read_text(encoding="utf-8").splitlines():
        if line.startswith("\\"):
            section = line == "\\1-grams:"
        elif section and line.strip():
            arpa_words.add(line.split()[1])
    assert arpa_words - {START, END} == set(listed)
    phones = known_phones(cmu)
    assert not [word for word, variants in listed.items() for variant in variants if not set(variant) <= phones]


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng spells out words the dictionary lacks")
def test_a_word_the_dictionary_lacks_is_spelled_out_by_espeak_ng_close_to_how_the_dictionary_would(cmu):
    assert "herniated" not in cmu
    assert spelled_out("herniated").split()[:3] == ["HH", "ER", "N"]
    for word in ("stretches", "numbness", "timer", "spine"):  # words it has: espeak-ng's reading is one of them
        assert spelled_out(word) in cmu[word] or _distance(spelled_out(word), cmu[word][0]) <= 1, word
    lines = dictionary_lines(["timer", "herniated"], cmu)
    assert lines[0] == "herniated " + spelled_out("herniated") and "timer T AY M ER" in lines


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng gives the British readings")
def test_every_word_also_has_its_british_reading_once(cmu):
    lines = dictionary_lines(["start", "over", "timer", "help"], cmu)
    assert "start(2) S T AA T" in lines and "over(2) OW V AH" in lines and "timer(2) T AY M AH" in lines
    assert [line for line in lines if line.startswith("help")] == ["help HH EH L P"]  # the same either side
    shipped = build.model_files()["dict"].read_text(encoding="utf-8").splitlines()
    assert "start(2) S T AA T" in shipped


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng spells out words")
def test_words_spelled_out_in_one_call_are_read_as_each_alone():
    words = ["a", "the", "to", "read", "live", "herniated", "shouldn't", "timer"]  # read otherwise within a sentence
    for voice in (US, BRITISH):
        assert spelled_out_all(words, voice) == {word: spelled_out(word, voice) for word in words}, voice


def _distance(a: str, b: str) -> int:
    from skill.local.listen.keywords import _distance as phones_apart

    return phones_apart(tuple(a.split()), tuple(b.split()))


def test_a_word_no_phone_can_spell_is_refused(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(PronunciationError, match="espeak-ng"):
        spelled_out("zoomzoomery")


def test_the_shipped_model_was_built_from_the_current_sources(corpus_now):
    assert build.is_current(sentences=corpus_now), ("skill/local/listen/model/ is stale: the interaction model, the built-in phrasings or "
                                "the red-flag rules changed. Run `make listen-model` and commit the result.")
