"""What an Echo sends for a symptom: SymptomReportIntent's `symptom` slot is a custom type (SYMPTOM) whose values are
symptom phrases, with a slot-only sample, so the whole description reaches triage instead of what a carrier phrase
left of it. Alexa passes unlisted values of a custom slot through; the resolver models that only for words that sound
like the type's own values, so it is never more lenient than Alexa (and ordinary requests stay ordinary)."""

from __future__ import annotations

import pytest

from conftest import Said
from skill.alexa.app import create_skill, invoke
from skill.alexa.dialog import ElicitedSlot, elicited_in
from skill.alexa.envelopes import SKILL_ID, AlexaSession, intent, launch
from skill.alexa.interaction_model import interaction_model, model_locales
from skill.local.nlu.resolver import IntentResolver
from skill.core.safety.triage import triage_for
from fakes import FakeAlarm

# The SYMPTOM ids that name an emergency sign (clinical-facts §1A): every phrase Alexa may match to one of them
# must reach the emergency answer by itself, or the model and the rules disagree.
EMERGENCY_IDS = {"saddle_numbness", "numb_when_wiping", "cannot_pee", "wetting", "bowel_control", "sexual_change",
                 "both_legs", "cannot_walk", "serious_fall", "chest_pain", "arms_and_legs", "stroke_signs"}
# Those naming a same-day sign (§1B): never answered as nothing.
URGENT_IDS = {"fever", "weight_loss", "cancer", "infection_risk", "weak_bones", "night_pain", "upper_back_pain",
              "back_lump", "unsteady", "arm_symptoms", "foot_drop", "leg_giving_way"}


def _symptom_values(locale: str = "en-US") -> list[tuple[str, str]]:
    types = interaction_model(locale)["interactionModel"]["languageModel"]["types"]
    symptom = next(t for t in types if t["name"] == "SYMPTOM")
    return [(value["id"], phrase) for value in symptom["values"]
            for phrase in (value["name"]["value"], *value["name"].get("synonyms", []))]


@pytest.mark.parametrize(("value_id", "phrase"), [v for v in _symptom_values() if v[0] in EMERGENCY_IDS],
                         ids=lambda v: v if isinstance(v, str) else None)
def test_every_emergency_symptom_value_is_an_emergency_by_itself(value_id, phrase):
    finding = triage_for("en-US").classify(phrase)
    assert finding is not None and finding.tier == "emergency", (value_id, finding)


@pytest.mark.parametrize(("value_id", "phrase"), [v for v in _symptom_values() if v[0] in URGENT_IDS],
                         ids=lambda v: v if isinstance(v, str) else None)
def test_every_same_day_symptom_value_is_at_least_a_question(value_id, phrase):
    finding = triage_for("en-US").classify(phrase)
    assert finding is not None and finding.tier in ("emergency", "urgent", "clarify"), (value_id, finding)


@pytest.mark.parametrize("said", [
    "my husband can't feel his bottom properly since this morning",  # carer, unlisted, time words kept
    "well basically i went to the loo and nothing came out at all",  # filler first, failed attempt described
    "both my legs have gone weak and wobbly today",
])
@pytest.mark.parametrize("locale", model_locales())
def test_the_whole_description_reaches_the_symptom_slot(locale, said):
    resolution = IntentResolver.for_locale(locale).resolve(said)
    assert resolution.intent == "SymptomReportIntent", resolution
    value = resolution.slot_values()["symptom"]
    # Only meaningless lead-ins ("well basically") may stay out of the slot.
    assert value.split()[-2:] == said.split()[-2:] and len(value.split()) >= len(said.split()) - 2, value
    assert triage_for(locale).classify(value).tier == "emergency"


@pytest.mark.parametrize("said", [
    "i'd like to do my back routine",
    "can you help me stretch my back",
    "start my lower back stretches",
    "set a heat timer for fifteen minutes",
    "give me a tip about sitting",
    "what is a slipped disc",
    "remind me to stretch at eight",
])
def test_ordinary_requests_are_not_answered_as_symptoms(said):
    assert IntentResolver.for_locale("en-US").resolve(said).intent != "SymptomReportIntent"


@pytest.mark.parametrize("said", ["tell me a joke", "what's the weather like", "play some music",
                                  "add milk to my shopping list", "put bread on the shopping list"])
def test_words_nothing_like_a_symptom_are_not_taken_as_one(said):
    """Alexa's catch-all is not a free-text slot: words with nothing of the type's own go to the fallback."""
    assert IntentResolver.for_locale("en-US").resolve(said).intent == "AMAZON.FallbackIntent"


def test_a_listed_symptom_arrives_with_its_entity_resolution_id():
    slot = IntentResolver.for_locale("en-GB").resolve("wet myself").slots["symptom"]
    assert (slot.status, slot.id) == ("ER_SUCCESS_MATCH", "wetting")


@pytest.mark.parametrize(("locale", "number"), [("en-US", "911"), ("en-GB", "999")])
def test_a_symptom_no_rule_places_still_hears_the_number_first(store, locale, number):
    """The rules cannot know every phrasing: a symptom they did not place gets the way to help before anything."""
    skill = create_skill(persistence=store, alarm=FakeAlarm())
    session = AlexaSession(locale=locale)
    session.absorb(invoke(session.envelope(launch()), skill))
    said = Said(invoke(session.envelope(intent("SymptomReportIntent", {"symptom": "my back feels odd"})), skill))
    first = said.speech.split(". ")[0]
    assert f"call {number} now" in first and not said.ends


def _during_a_stretch(chat) -> ElicitedSlot | None:
    chat.launch()
    chat.intent("StartStretchIntent", area=("lower back", "lower_back"))
    chat.no()  # the day's screening: none of those
    return elicited_in(chat.intent("AMAZON.NextIntent").raw)  # the first stretch led, its check-in elicited


def _during_heat(chat) -> ElicitedSlot | None:
    chat.launch()
    said = chat.start_heat(duration="PT15M")
    assert said.attributes.get("heat") or "15" in said.speech or "fifteen" in said.speech, said
    return elicited_in(said.raw)


def _at_the_menu(chat) -> ElicitedSlot | None:
    chat.launch()
    return None


# A sign said with a request, as an Echo would send it (the resolver's intent and slots in a real envelope, no raw
# text), mid-routine and mid-heat: the emergency number comes first whichever intent carried it.
@pytest.mark.parametrize(("during", "said"), [
    # A duration or time the request holds comes between its words and the sign, and is no part of the sign.
    (_at_the_menu, "start the heat for ten minutes, I can't feel my bottom"),
    (_at_the_menu, "set the heat for 15 minutes I can't feel my bum"),
    (_at_the_menu, "remind me to stretch at seven, I can't feel my legs"),
    (_at_the_menu, "I can't feel my legs, remind me to stretch at seven"),
    (_during_a_stretch, "skip this one, I can't feel my legs"),
    (_during_a_stretch, "I can't feel my legs, skip this one"),
    (_during_a_stretch, "skip it, I've wet myself and can't feel my bum"),
    (_during_a_stretch, "pause, I can't feel my legs"),
    (_during_a_stretch, "next one, both my legs have gone numb"),
    (_during_heat, "stop the heat, my legs have gone numb"),
    (_during_heat, "take the heat off I can't feel my bottom"),
    (_during_heat, "how long is left on the heat, I can't feel my legs"),
])
def test_a_sign_said_with_a_request_gets_the_emergency_number_first_on_an_echo(chat, during, said):
    elicited = during(chat)
    heard = IntentResolver.for_locale("en-US").resolve(said, context=elicited)
    slots = {name: slot.to_alexa(SKILL_ID) for name, slot in heard.slots.items() if slot.value is not None}
    answered = chat.send(intent(heard.intent, slots))
    assert answered.triage == "emergency", (heard, answered)
    assert "911" in answered.speech.split(". ")[0], answered


@pytest.mark.parametrize("said", ["skip this one, my knee's a bit stiff", "skip this one for now"])
def test_a_request_said_with_no_sign_is_still_that_request_on_an_echo(chat, said):
    elicited = _during_a_stretch(chat)
    heard = IntentResolver.for_locale("en-US").resolve(said, context=elicited)
    assert heard.intent == "SkipStretchIntent", heard
    slots = {name: slot.to_alexa(SKILL_ID) for name, slot in heard.slots.items() if slot.value is not None}
    answered = chat.send(intent(heard.intent, slots))
    assert answered.triage in (None, "none") and "911" not in answered.speech, answered


def _on_an_echo(chat, said: str, context: ElicitedSlot | None = None) -> tuple:
    """What an Echo sends for `said` (the resolver's intent and slot values, never the sentence), in a real envelope."""
    heard = IntentResolver.for_locale("en-US").resolve(said, context=context)
    slots = {name: slot.to_alexa(SKILL_ID) for name, slot in heard.slots.items() if slot.value is not None}
    return heard, chat.send(intent(heard.intent, slots))


# A sign said with a tip or an information request, with no routine or heat running: whichever of those intents Alexa
# picks, its symptom slot carries the sign's words to triage.
@pytest.mark.parametrize(("said", "tier"), [
    ("give me a tip i can't feel my legs", "emergency"),
    ("tell me about slipped discs i can't pee", "emergency"),
    ("i've wet myself and i can't feel it should i use heat or ice", "emergency"),
    ("i can't feel my bum can i take painkillers", "emergency"),
    ("any tips i've got a high temperature", "urgent"),
])
def test_a_sign_said_with_an_information_request_is_answered_first_on_an_echo(chat, said, tier):
    chat.launch()
    heard, answered = _on_an_echo(chat, said)
    assert answered.triage == tier, (heard, answered)
    if tier == "emergency":
        assert "911" in answered.speech.split(". ")[0], answered


# Statements a model trained on questions about signs would give to one of them without a slot ("what is cauda equina
# syndrome" is no symptom of mine): a statement is the catch-all's, with its words.
@pytest.mark.parametrize(("said", "tier"), [
    ("i'm running a high temperature", "urgent"),
    ("i was in a head on collision", "emergency"),
    ("i've been on long term steroids", "urgent"),
])
def test_a_statement_of_a_sign_is_not_taken_for_a_question_about_signs(chat, said, tier):
    chat.launch()
    heard, answered = _on_an_echo(chat, said)
    assert heard.intent == "SymptomReportIntent" and answered.triage == tier, (heard, answered)


@pytest.mark.parametrize("said", [
    "what are the warning signs of cauda equina syndrome",
    "what does saddle numbness mean",
    "tell me about slipped discs",
    "give me a tip about lifting",
])
def test_a_question_about_a_sign_is_no_sign_on_an_echo(chat, said):
    """A request that names a symptom as its topic fills no symptom slot: Alexa fills a slot only where a sample puts
    one, and the skill answers the question, not a warning."""
    chat.launch()
    heard, answered = _on_an_echo(chat, said)
    assert heard.intent != "SymptomReportIntent" and answered.triage in (None, "none"), (heard, answered)


def test_a_feeling_said_as_part_of_a_sign_keeps_the_sign_whole_on_an_echo(chat):
    """Outside a routine, "my bits feel numb" is a description: the symptom slot holds all of it, not the feeling
    slot's "numb" (which only asks about numbness)."""
    chat.launch()
    heard, answered = _on_an_echo(chat, "my bits feel numb")
    assert heard.slot_values().get("symptom") == "my bits feel numb", heard
    assert answered.triage == "emergency" and "911" in answered.speech.split(". ")[0], answered


@pytest.mark.parametrize("said", ["my wife slipped over this morning", "my husband fell down the stairs today"])
def test_a_sign_said_whole_is_not_taken_for_a_request_it_shares_a_word_with(said):
    """"start my morning stretches" shares "my" and "morning" with the first: a sign heard whole by the catch-all wins
    over a request most of whose own words were not said."""
    heard = IntentResolver.for_locale("en-US").resolve(said)
    assert heard.intent == "SymptomReportIntent" and heard.slot_values()["symptom"] == said, heard


# Care that is not helping, pain that rest does not ease (clinical-facts §1C, §1B), a catheter newly needed or a
# shuffle for a walk (§1A), said plainly with no carrier phrase and often of someone else: the symptom type's values
# say it the ways people do, so the catch-all keeps the words and triage answers them, not the fallback.
@pytest.mark.parametrize(("said", "tier"), [
    ("the stretches aren't helping at all", "soon"),
    ("it isn't getting any better", "soon"),
    ("the physio exercises haven't made any difference", "soon"),
    ("resting doesn't help at all", "urgent"),
    ("the doctor had to catheterise me", "emergency"),
    ("my mum had to be catheterised last night", "emergency"),
    ("i've been given a catheter bag", "emergency"),
    ("i can barely shuffle to the loo", "emergency"),
])
def test_a_sign_said_plainly_without_a_carrier_reaches_triage_on_an_echo(chat, said, tier):
    chat.launch()
    heard, answered = _on_an_echo(chat, said)
    assert heard.intent == "SymptomReportIntent" and answered.triage == tier, (heard, answered)


# A routine-appointment sign is often said in everyday words only (the desk, the garden, getting dressed, "it's
# deteriorating"), none of which a symptom value used: the catch-all heard no evidence of its type, so the sentence
# reached the fallback, a reminder's cancel or a check-in answer with nothing to triage. The SYMPTOM values carry that
# vocabulary now (as Alexa's slot model learns from values), and the rules still decide whether it is a sign.
@pytest.mark.parametrize("said", [
    "i can't drive to the office any more",
    "i can't get dressed on my own",
    "i can't do the gardening any more",
    "it's deteriorating",
])
def test_a_routine_sign_in_everyday_words_reaches_triage_on_an_echo(chat, said):
    chat.launch()
    heard, answered = _on_an_echo(chat, said)
    assert heard.intent == "SymptomReportIntent" and heard.slot_values()["symptom"] == said, heard
    assert answered.triage == "soon", (heard, answered)


# A carrier's own words never reach triage: on an Echo the handler has only the slot. So no carrier of the symptom
# intent may hold words the rules need: the body part ("my back is ..." lost the back that age, fever and lump
# signs are read with), the time ("... for weeks now", "it's been weeks and ..."), or the newness ("... and it never
# used to"). And a carrier that fits lets the slot shrink to the one listed value said in a longer sentence ("my back
# is bad" out of "my back is bad and i can't pee"). Without such carriers the catch-all hears the whole sentence.
@pytest.mark.parametrize(("said", "tier"), [
    ("my back is bad and i can't pee", "emergency"),
    ("my back is killing me and both my legs are numb", "emergency"),
    ("my back is sore and there's a lump", "urgent"),
    ("it's been weeks and it's still not better", "soon"),
    ("still sore for weeks now", "soon"),
    ("i leak a bit when i cough and it never used to", "emergency"),  # new, so no longer only a question
])
def test_words_the_rules_need_are_not_left_in_a_carrier_on_an_echo(chat, said, tier):
    chat.launch()
    heard, answered = _on_an_echo(chat, said)
    assert heard.intent == "SymptomReportIntent" and heard.slot_values()["symptom"] == said, heard
    assert answered.triage == tier, (heard, answered)


# "i tweaked my back {symptom}" left "and there's a lump" or "and i'm really struggling" in the slot: the lump and the
# struggling are read with the back (urgent, soon), which the carrier took. "i tweaked my {symptom}" keeps it.
@pytest.mark.parametrize(("said", "tier"), [
    ("i tweaked my back and there's a lump", "urgent"),
    ("i've tweaked my back and i'm really struggling", "soon"),
])
def test_a_tweaked_back_stays_in_the_slot_on_an_echo(chat, said, tier):
    chat.launch()
    heard, answered = _on_an_echo(chat, said)
    assert heard.slot_values()["symptom"].startswith("back"), heard
    assert answered.triage == tier, (heard, answered)


def test_no_symptom_carrier_holds_a_body_part_a_time_or_newness():
    """The shape itself, for every locale's model: a carrier (the sample's words outside the slot) naming the back,
    weeks or a change from before would take those words from triage."""
    meaningful = {"back", "back's", "weeks", "week", "never", "before", "used", "again"}
    for locale in model_locales():
        intents = interaction_model(locale)["interactionModel"]["languageModel"]["intents"]
        samples = next(i for i in intents if i["name"] == "SymptomReportIntent")["samples"]
        # "i tweaked my {symptom}" keeps the back in the slot, as "i hurt my {symptom}" does.
        held = [s for s in samples if meaningful & set(s.replace("{symptom}", "").split())]
        assert not held, (locale, held)


# A routine's pain check-in, as an Echo sends it. A PainCheck carrier that names a body part ("my arm feels
# {feeling}", "that one made my leg {feeling}") sent only "numb" or "tingle": the arm was lost, so a same-day arm sign
# got the leg-numbness question. Without such carriers the feeling slot keeps the whole answer.
@pytest.mark.parametrize(("said", "tier"), [
    ("my arm feels numb", "urgent"),
    ("my arm feels weak", "urgent"),
    ("that one made my hand go numb", "urgent"),
    ("that one made my arm tingle", "urgent"),
])
def test_a_check_in_answer_keeps_the_body_part_it_names_on_an_echo(chat, said, tier):
    heard, answered = _on_an_echo(chat, said, _during_a_stretch(chat))
    assert answered.triage == tier, (heard, answered)


# "The pain is {feeling}" / "it's {feeling}" leave only where the pain went in the slot: "in both legs". The words a
# carrier took are the pain itself, so a report that starts with the place reads as pain there (bilateral sciatica,
# upper-back pain), as the whole sentence does.
@pytest.mark.parametrize(("said", "tier"), [
    ("the pain is in both legs", "emergency"),
    ("it's in both legs now", "emergency"),
    ("it's down both legs", "emergency"),
    ("it's between my shoulder blades", "urgent"),
])
def test_a_check_in_answer_that_only_places_the_pain_keeps_its_tier_on_an_echo(chat, said, tier):
    heard, answered = _on_an_echo(chat, said, _during_a_stretch(chat))
    assert answered.triage == tier, (heard, answered)
    if tier == "emergency":
        assert "911" in answered.speech.split(". ")[0], answered


# A listed symptom said in a check-in's shape ("it feels {feeling}", "{feeling} after that") fitted no feeling and
# reached PainCheckIntent with an empty slot: nothing to screen. The symptom intent has the same shapes, so the sign
# arrives as a symptom value; ordinary check-in answers stay check-in answers.
@pytest.mark.parametrize(("said", "tier"), [
    ("it feels dizzy and sick", "emergency"),
    ("it feels hot and shivery", "urgent"),
    ("after that one i've got numbness in both legs", "emergency"),
    ("i'm dizzy and being sick after that one", "emergency"),
    ("weak grip after that one", "urgent"),
])
def test_a_sign_said_in_a_check_in_shape_reaches_triage_on_an_echo(chat, said, tier):
    heard, answered = _on_an_echo(chat, said, _during_a_stretch(chat))
    assert answered.triage == tier, (heard, answered)


@pytest.mark.parametrize("said", ["it feels fine", "a bit sore after that one", "that felt tight", "it felt good",
                                  "my back feels fine", "better after that stretch"])
def test_an_ordinary_check_in_answer_is_still_a_check_in_answer_on_an_echo(chat, said):
    heard, answered = _on_an_echo(chat, said, _during_a_stretch(chat))
    assert heard.intent == "PainCheckIntent" and answered.triage in (None, "none"), (heard, answered)
