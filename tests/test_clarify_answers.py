"""Triage's clarifying questions answered in words, as people answer them: "both" to "Is it in both legs, or around
your bottom?", "not too bad" to "Was it a bad fall?". On an Echo those words arrive as some intent's slot value, or
as an intent with no words at all; the question must be answered by what they mean, or asked again with the
emergency number first, and never dropped for whatever intent Alexa picked."""

from __future__ import annotations

import pytest

from skill.alexa.envelopes import SKILL_ID, intent
from skill.core.content import load_document
from skill.core.safety.clarify_answers import clarify_answers
from skill.local.nlu.resolver import IntentResolver

WHICH_LEGS = "Is it in both legs, or around your bottom or between your legs?"
NUMBER = "911"


def _on_an_echo(chat, said: str):
    """What an Echo sends for `said` (the resolver's intent and slot values, never the sentence)."""
    heard = IntentResolver.for_locale("en-US").resolve(said)
    slots = {name: slot.to_alexa(SKILL_ID) for name, slot in heard.slots.items() if slot.value is not None}
    return heard, chat.send(intent(heard.intent, slots))


@pytest.mark.parametrize(("told", "answer", "tier"), [
    ("my leg has gone weak", "both", "emergency"),  # the first choice, one word, as a symptom's slot value
    ("my leg has gone weak", "around my bottom", "emergency"),  # the second choice
    ("i've got pins and needles", "both of them", "emergency"),  # the numbness question
    ("i had a fall", "pretty bad", "emergency"),  # a how-bad answer, sent as a pain check-in's feeling
])
def test_a_choice_named_in_words_is_a_yes(chat, told, answer, tier):
    chat.launch()
    _, asked = _on_an_echo(chat, told)
    assert asked.triage == "clarify"
    _, answered = _on_an_echo(chat, answer)
    assert answered.triage == tier and answered.speech.startswith(f"Call {NUMBER} now"), answered


@pytest.mark.parametrize(("told", "answer"), [
    ("my leg has gone weak", "just the one leg"),
    ("i had a fall", "not too bad"),  # "bad" is a yes word: the negation before it makes it a no
])
def test_none_of_the_choices_said_in_words_is_a_no(chat, told, answer):
    chat.launch()
    _on_an_echo(chat, told)
    _, answered = _on_an_echo(chat, answer)
    assert answered.triage is None and answered.speech.startswith("Okay, thanks. If that changes"), answered


@pytest.mark.parametrize("answer", [
    "just my left leg",  # reaches an intent with no words on the way (HeatStatusIntent here)
    "start my stretches",  # a request: the question about a warning sign comes first
])
def test_an_answer_naming_no_choice_hears_the_number_and_the_question_again(chat, answer):
    chat.launch()
    _on_an_echo(chat, "my leg has gone weak")
    _, answered = _on_an_echo(chat, answer)
    first = answered.speech.split(".")[0]
    assert NUMBER in first.split(":")[-1] and WHICH_LEGS in answered.speech, answered
    assert chat.yes().triage == "emergency"  # the question is still open


@pytest.mark.parametrize(("asked_by", "said", "reads"), [
    ("leg_symptom_which_legs", "no numbness down there", False),  # a negator reaches forward over a yes phrase
    ("leg_symptom_which_legs", "no both legs", True),  # "no" right before a choice corrects: "no, both legs"
    ("leg_symptom_which_legs", "not both just the left", False),  # the longer phrase hides "both" inside it
    ("leg_symptom_which_legs", "both but one more than the other", None),  # yes and no at once: ask again
    ("unclear_fall", "hard to say", None),  # unsure is neither, although "hard" means a hard fall
    ("leak_when_coughing", "never had it before", True),
    ("stretch_numbness", "my bum", True),  # the question a stretch asks
    ("no_such_question", "both", None),
])
def test_words_read_as_the_choice_they_name(asked_by, said, reads):
    assert clarify_answers("en-US").read(asked_by, [said]) is reads


def test_every_clarifying_question_accepts_answers_in_words_and_names_only_real_questions():
    rules = load_document("en", "red_flags")["rules"]
    asking = {rule["id"] for rule in rules if rule.get("question")}
    answered = {asked_by for entry in load_document("en", "clarify_answers")["choices"].values()
                for asked_by in entry["asked_by"]}
    assert asking <= answered, sorted(asking - answered)
    from skill.alexa.handlers.stretch import STRETCH_NUMBNESS
    assert answered <= asking | {STRETCH_NUMBNESS}, sorted(answered - asking - {STRETCH_NUMBNESS})
