"""Red-flag triage: the rule file's shape, and the tier each utterance gets.

The expected tiers come from shared/clinical-facts.md section 1 (1A emergency, 1B urgent, 1C soon, 1D/1E
discriminators). None means "must not raise a red flag".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.core.content import LOCALE_DIR, load_document, load_sources
from skill.core.safety import triage as triage_module
from skill.core.safety.triage import TIERS, Finding, Triage, triage_for

E, U, S, A, N = "emergency", "urgent", "soon", "clarify", None

# Every example in clinical-facts 1E, with its tier.
CLINICAL_FACTS_1E = [
    ("I can't feel my bottom when I wipe.", E),
    ("I've got pins and needles between my legs.", E),
    ("It's like I've had an injection at the dentist, but in my groin.", E),
    ("I need to pee but nothing comes out.", E),
    ("I can't tell if my bladder is full any more.", E),
    ("I keep leaking and I can't stop it.", E),
    ("I pooed myself.", E),
    ("I've lost feeling down there during sex.", E),
    ("My legs keep giving way, both of them.", E),
    ("My legs feel like jelly and it's getting worse.", E),
    ("My back hurts and I've got pains in my chest.", E),
    ("My neck's bad and my speech has gone slurred.", E),
    ("Mum's wet the bed and her back is really bad.", E),
    # One leg giving way is urgent (progressive one-sided weakness, LOTHIAN) whatever the answer to "both legs?",
    # so it is reported as urgent rather than as a question that a "no" would let drop below urgent.
    ("My leg gave way on the stairs.", U),
    ("My foot slaps when I walk.", U),
    ("I've got a temperature of 38.5 and my back hurts.", U),
    ("I had breast cancer a few years ago and now my back has started hurting.", U),
    ("I inject drugs and my back has been really painful.", U),
    ("It hurts more when I lie down, not less.", U),
    ("I keep dropping my mug and my fingers feel numb.", U),
    ("I'm 62 and I've never had back pain before, and it started last week.", U),
    ("I've done the exercises for two weeks and nothing's changed.", S),
    ("My leg has been tingling for a week, just the one leg.", S),
    ("My neck's still stiff after a fortnight.", S),
    ("I can pee normally, no problems there.", N),
    ("Only my left leg hurts, the right one's fine.", N),
    ("No, I haven't lost any weight.", N),
    ("I had numbness last year but it's all gone now.", N),
    ("My grandson wet the bed last night.", N),
    ("I always leak a little when I sneeze, that's been the case since the kids, nothing new.", N),
    ("I'm not having any trouble walking.", N),
    ("Turn off the heating pad, I'm getting sleepy.", N),
    ("I've had a bit of an accident.", A),
    ("Something's not right down below.", A),  # 1E: "lean E"; the question escalates to emergency on a yes
]

# Further phrasings, not in 1E: first and third person, UK and US words, negated, resolved, informational.
OWN_PHRASINGS = [
    # Saddle and genital feeling (E)
    ("my bum's gone numb", E),
    ("Alexa, um, I've got no feeling in my butt", E),
    ("there's tingling in my groin and inner thighs", E),
    ("My husband says he can't feel his backside", E),
    ("my privates feel numb since this morning", E),
    ("I've lost sensation around my back passage", E),
    ("my wife's got pins and needles between her legs", E),
    ("when I wipe it feels different, like it's not my skin", E),
    ("it feels like my bottom is made of cotton wool", E),
    ("I can’t feel anything down there", E),
    ("I cannot feel my genitals", E),
    # Bladder (E)
    ("I haven't had a wee since yesterday morning", E),
    ("I'm struggling to pee", E),
    ("I can not urinate", E),
    ("Dad can't pass water and his back is killing him", E),
    ("I've started wearing pads because I keep leaking", E),
    ("I don't know when I need to pee anymore", E),
    ("I peed myself on the way to the loo and didn't even feel it", E),
    ("she wet herself and she's got terrible sciatica", E),
    ("I've lost control of my bladder", E),
    ("I've started leaking when I cough, that's new", E),
    # Bowel (E)
    ("I pooped my pants and didn't notice", E),
    ("I can't feel when I need a poo", E),
    ("I've lost control of my bowels", E),
    ("my husband soiled himself and his back has been bad all week", E),
    # Sexual function (E)
    ("I can't get an erection since my back went", E),
    ("I've gone numb during sex", E),
    # Both legs (E)
    ("both my legs are numb", E),
    ("I've got sciatica down both legs now", E),
    ("the pain has spread into the other leg too and it's tingling", E),
    ("my legs are getting weaker", E),
    ("pins and needles in both feet", E),
    ("her legs gave way and she's on the floor", E),
    ("I can't walk", E),
    ("I can hardly walk, my legs won't hold me up", E),
    ("I think my legs are paralysed", E),
    # Other emergencies
    ("I fell off a ladder and now my back is agony", E),
    ("he was in a car crash yesterday and his back is sore", E),
    ("I've got chest pain and my back hurts", E),
    ("I've got a fever and my hand has gone numb", E),
    ("my hands and feet feel weak and clumsy", E),
    ("I keep seeing double and my neck is stiff", E),
    ("I feel dizzy and sick and my neck hurts", E),
    ("my speech is slurring", E),
    ("I think I've got cauda equina", E),
    # Urgent today (U)
    ("I'm dragging my foot when I walk", U),
    ("my toes keep catching on the carpet", U),
    ("my right leg is getting weaker every day", U),
    ("I've got the chills and night sweats", U),
    ("my husband has a temperature and his back is bad", U),
    ("I've lost a lot of weight without trying", U),
    ("I've had cancer and my back has started to hurt", U),
    ("I'm on steroids for my arthritis", U),
    ("I've got a water infection and my back is really sore", U),
    ("I have osteoporosis and my back hurts", U),
    ("Nan had a fall and her back hurts", U),
    ("I'm 70 and I slipped in the garden", U),
    ("I'm 16 and my back hurts", U),
    ("the pain wakes me up at night", U),
    ("it's worse at night", U),
    ("I've got pain between my shoulder blades", U),
    ("it's like a tight band around my chest", U),
    ("a band of pain around my chest like a heart attack", E),
    ("there's a lump on my spine", U),
    ("I feel unsteady on my feet", U),
    ("my hand is numb", U),
    ("my arm is tingling and weak", U),
    ("the hot water bottle gave me a blister", U),
    ("I burned my skin and didn't feel it because it's numb", U),
    # See a doctor soon (S)
    ("it's no better after three weeks", S),
    ("the stretches aren't helping and it's been a month", S),
    ("the pain is getting worse", S),
    ("I can't sleep because of my back", S),
    ("I've had to stop work", S),
    ("my right foot is numb", S),
    ("my foot is numb", A),  # side not said: ask whether it is both legs or the saddle area
    ("my left leg feels a bit weak", S),
    ("I'm really worried about my back", S),
    ("I can't cope with this pain", S),
    # Must not trigger (N): negated
    ("no numbness at all", N),
    ("my legs aren't weak", N),
    ("I've never had cancer", N),
    ("I didn't fall", N),
    ("I don't have any numbness or tingling in my legs", N),
    ("no problems with my bladder or bowels", N),
    ("my legs are fine, it's just my back", N),
    ("I'm not leaking", N),
    ("I haven't got a temperature", N),
    ("my back aches but my legs are fine", N),
    # N: resolved or past
    ("I had pins and needles in my groin a while ago but it went away", N),
    ("I used to have a weak leg years ago", N),
    ("the tingling in my bum has gone now", N),
    # N: informational
    ("what are the signs of cauda equina", N),
    ("tell me about numbness in both legs", N),
    ("what happens if you can't feel your bottom", N),
    # A question about one's own symptom is a report, not information: ask whether the leaking is new.
    ("is it normal to leak when you sneeze", A),
    ("is it normal that I can't feel my bottom when I wipe", E),
    ("I've got signs of cauda equina", E),
    ("how do I know if my bladder is full, I can't tell any more", E),
    # N: long-standing
    ("I've leaked a bit when I laugh for years", N),
    ("I've had a weak bladder since the kids, nothing new", N),
    # N: unrelated or everyday
    ("set the heating pad to 40 degrees", N),
    ("start my back stretches", N),
    ("the hot water bottle is leaking", N),
    ("the bottom of my foot hurts", N),
    ("I've been on my feet all day and my back aches", N),
    ("my daughter fell asleep on the sofa", N),
    ("I had a steroid injection in my back last month", N),
    ("my back hurts when I bend over", N),
    ("I'm fine thanks", N),
    ("I can pee fine and I can feel everything", N),
    ("stretch my legs", N),
    # US wording and caregivers
    ("my butt is numb", E),
    ("I peed my pants and didn't realize", E),
    ("I pooped a little and couldn't stop it", E),
    ("my husband can't urinate and his back hurts", E),
    ("mom can't feel her legs", E),
    ("my wife's legs keep buckling", E),
    ("the pain goes down both my legs", E),
    ("the pain has spread to my other leg", E),
    ("my left leg is numb, my other leg is fine", S),
    ("I don't feel it when I pee", E),
    ("I have a fever of 101", U),
    ("I've dropped 20 pounds without trying", U),
    ("my mom had a fall, she's 84", U),
    ("I'm a cancer survivor and my back started hurting", U),
    ("two weeks of stretches and no improvement", S),
    ("I have tingling down my right leg", S),
    ("there's no numbness in my groin", N),
    ("I don't have any pins and needles or numbness down below", N),
    ("I wouldn't say my legs are weak", N),
    ("I had sciatica in both legs two years ago but it cleared up", N),
    ("what should I do if I wet myself", N),
    ("my son wet his pants at school", N),
    ("I've been leaking since my prostate surgery years ago", N),
    ("my legs ache a bit after the gym", N),
    ("it's a bit sore when I cough", N),
    # Clarify (A)
    ("there's no feeling when I go to the toilet", A),
    ("I've had a little accident", A),
    ("something's wrong with my bladder", A),
    ("I leak a bit when I cough", A),
    ("I've got some tingling in my back", A),
    ("I don't know what's wrong with my waterworks", A),
    ("the room spins when i do the neck turns", A),
    ("there's nothing wrong with my bladder, it's my back", N),
]


# Recall by pattern (issue 11, "the rules, at their depth"): each group is one family of phrasings, written fresh.
RECALL_PATTERNS = [
    # A lost ability is the symptom, not a negation of it.
    ("my uncle is unable to empty his bladder since the weekend", E),
    ("I can no longer feel when my bladder is full", E),
    ("she hasn't managed to pass urine all day", E),
    ("I'm not able to pee even though I'm bursting", E),
    # Failed attempts described rather than named.
    ("I keep sitting on the toilet and nothing will come", E),
    ("I stood in the bathroom for ages and just a dribble came out", E),
    ("I've tried to go three times this morning and couldn't get anything out", E),
    ("I strained on the loo for ages, it's just constipation", N),
    ("I can't go to the bathroom, someone's in it", A),
    # Leaks and not noticing, for oneself or someone else: new for them, or the back mentioned.
    ("my brother has started needing pads and it's not like him", E),
    ("grandpa wet himself in the car and didn't even notice", E),
    ("my wife's had to wear pads since Thursday", E),
    ("my two year old wet himself at daycare", N),
    ("my nephew doesn't know when he needs the potty yet", N),
    ("these days I never know when I need the loo until it's too late", E),
    ("my husband can no longer tell when he needs the bathroom", E),
    # "almost"/"nearly" deny an event ("nearly fell") but not a degree of a symptom that happened.
    ("I've almost no feeling left in my backside", E),
    ("she's nearly lost all the feeling between her legs", E),
    ("my son nearly fell off the ladder but grabbed the gutter", N),
    ("I almost wet myself when the dog jumped up", N),
    # Saddle and wiping: lost feeling told as nothing, less, asleep; vague words alone ask first.
    ("when he wipes himself he says he feels nothing back there", E),
    ("toilet paper feels like it's hardly touching me", E),
    ("my bum cheeks feel like they're asleep and won't wake up", E),
    ("my bits feel a bit strange", A),
    ("something's not right downstairs", A),
    # Bowel: accidents and not noticing, for oneself or another adult; not a child, not a stomach bug.
    ("I found I'd soiled my underwear and never felt it", E),
    ("grandad's been having bowel accidents and didn't know", E),
    ("my aunt can't hold her bowels any more", E),
    ("I had a bowel accident with a stomach bug", A),
    # New sexual dysfunction, in many words.
    ("since my back went I can't keep an erection", E),
    ("ejaculating has stopped since the disc problem", E),
    ("masturbating feels numb now, that's new", E),
    ("no problem getting an erection", N),
    # Both legs said many ways, with the back.
    ("sciatica going down into both of my legs", E),
    ("both his legs are aching and his lower back is bad", E),
    ("shooting pains down the back of my thighs on both sides", E),
    ("my lower back aches on both sides", N),
    # Walking lost, both feet.
    ("he's shuffling and can't lift either of his feet properly", E),
    ("my legs wouldn't hold me up to walk this morning", E),
    # Serious trauma told as what happened, with the back.
    ("got knocked off my motorbike yesterday and my back is killing me", E),
    ("my daughter came off her horse and landed on her back", E),
    ("we rolled the car on the motorway and my neck hurts", E),
    ("I had a nasty fall at work and my back is agony", E),
    ("my phone fell down the stairs and I hurt my back picking it up", N),
    # A bare fall asks one question; harmless or denied falls do not.
    ("my mother-in-law slipped on the ice", A),
    ("I took a tumble off the kerb this afternoon", A),
    ("I tripped but I'm fine, no pain", N),
    # Chest pain, pressure, heaviness or tightness with back pain.
    ("my back hurts and my chest feels heavy", E),
    ("there's a squeezing feeling in my chest and my upper back aches", E),
    # Stroke-like signs told loosely, and cord signs in arms and legs.
    ("my neck is sore and my words keep coming out jumbled", E),
    ("since the neck pain started food gets stuck when I swallow", E),
    ("I can't grip anything and I'm walking like I'm drunk", E),
    # A weak foot: "no" to "both legs?" still leads to same-day advice.
    ("I've noticed new weakness in my ankle", A),
    # Said together rather than as "chest pain"; a band round the chest stays the thoracic sign.
    ("his chest and back are both hurting badly", E),
    # Lost bladder feeling told by its consequences.
    ("I can only tell I'm weeing from the sound", E),
    ("wee trickles out when I get up and I don't feel a thing", E),
    # Everyday words near the red-flag ones.
    ("I signed up for a crash course in pilates and my back is stiff", N),
    ("there was a big fall in sales this quarter", N),
]

@pytest.fixture(scope="module")
def triage() -> Triage:
    return triage_for("en-US")


def _tier(finding: Finding | None) -> str | None:
    return finding.tier if finding else None


@pytest.mark.parametrize(("utterance", "expected"), CLINICAL_FACTS_1E)
def test_clinical_facts_examples(triage: Triage, utterance: str, expected: str | None) -> None:
    assert _tier(triage.classify(utterance)) == expected


@pytest.mark.parametrize(("utterance", "expected"), OWN_PHRASINGS)
def test_further_phrasings(triage: Triage, utterance: str, expected: str | None) -> None:
    assert _tier(triage.classify(utterance)) == expected


@pytest.mark.parametrize(("utterance", "expected"), RECALL_PATTERNS)
def test_recall_by_pattern(triage: Triage, utterance: str, expected: str | None) -> None:
    assert _tier(triage.classify(utterance)) == expected


def test_acceptance_phrase_is_an_emergency(triage: Triage) -> None:
    assert triage.classify("I wet myself and didn't notice") == Finding("emergency", "bladder_leaking")


def test_own_phrasings_are_not_copies_of_the_clinical_examples() -> None:
    assert not {text for text, _ in OWN_PHRASINGS} & {text for text, _ in CLINICAL_FACTS_1E}
    assert len(OWN_PHRASINGS) >= 80


def test_clarify_findings_carry_the_question_and_escalation(triage: Triage) -> None:
    finding = triage.classify("I've had a bit of an accident.")
    assert finding.question and finding.question.endswith("?")
    assert finding.escalate_to == "emergency"


def test_most_severe_tier_wins(triage: Triage) -> None:
    assert _tier(triage.classify("I'm worried, my foot slaps when I walk and I can't feel my bum")) == E
    assert _tier(triage.classify("I'm worried and my foot slaps when I walk")) == U


@pytest.mark.parametrize("text", [None, "", "   ", ".,;!?", "\u2019\u2019", "🙂🙂", "\x00\x01", "3.14159", "é" * 50])
def test_empty_or_meaningless_input_is_no_red_flag(triage: Triage, text: str | None) -> None:
    assert triage.classify(text) is None


@pytest.mark.parametrize("text", [
    "word " * 2000,
    "numb " * 2000,
    "I can't feel my bum " * 500,
    "no " * 5000,
    "... " * 3000,
    "#38-45 leak* @saddle_area",
    "ｂｏｔｈ ｌｅｇｓ ａｒｅ ｎｕｍｂ",
    "\u202eboth legs numb\u202c",
    "Ich kann meine Beine nicht fühlen",
    "99999999999999999999999999 years old",
])
def test_long_or_odd_input_does_not_raise(triage: Triage, text: str) -> None:
    result = triage.classify(text)
    assert result is None or result.tier in TIERS


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400) | st.lists(st.sampled_from(
    ["no", "not", "numb", "both", "legs", "can't", "...", "#", "*", ",", ".", "bum", "38.5", "'s", "mum"]),
    max_size=60).map(" ".join))
def test_any_string_gives_none_or_a_finding(text: str) -> None:
    result = triage_for("en-US").classify(text)
    assert result is None or result.tier in TIERS


def test_full_width_and_curly_apostrophes_are_read_like_plain_text(triage: Triage) -> None:
    assert _tier(triage.classify("ｂｏｔｈ ｌｅｇｓ ａｒｅ ｎｕｍｂ")) == E
    assert _tier(triage.classify("I CAN’T FEEL MY BUM!!!")) == E


# The rule file itself.

RULES = load_document("en-US", "red_flags")["rules"]


@pytest.mark.parametrize("rule", RULES, ids=[rule["id"] for rule in RULES])
def test_every_rule_has_id_tier_and_known_sources(rule: dict) -> None:
    known = load_sources()
    assert rule["id"] and rule["tier"] in TIERS
    assert rule["sources"], "every rule names its sources"
    assert set(rule["sources"]) <= set(known), f"unknown source keys {set(rule['sources']) - set(known)}"


@pytest.mark.parametrize("rule", [r for r in RULES if r["tier"] == "clarify"], ids=lambda rule: rule["id"])
def test_clarify_rules_ask_one_short_question(rule: dict) -> None:
    assert rule["escalate_to"] in TIERS and rule["escalate_to"] != "clarify"
    question = rule["question"]
    assert question.endswith("?") and question.count("?") == 1 and len(question.split()) <= 16


def test_rule_ids_are_unique() -> None:
    ids = [rule["id"] for rule in RULES]
    assert len(ids) == len(set(ids))


def test_sources_file_is_the_documented_shape() -> None:
    document = json.loads((LOCALE_DIR / "sources.json").read_text(encoding="utf-8"))
    assert isinstance(document["sources"], dict) and document["sources"]


def test_rule_file_explains_its_format() -> None:
    assert load_document("en-US", "red_flags")["_about"]


def test_every_rule_can_fire(triage: Triage) -> None:
    """Each rule is reached by at least one phrasing above, so no rule is dead vocabulary."""
    fired = {finding.sign for text, _ in CLINICAL_FACTS_1E + OWN_PHRASINGS + RECALL_PATTERNS
             if (finding := triage.classify(text)) is not None}
    assert {rule["id"] for rule in RULES} - fired == set()


def test_classifier_is_cached_per_locale() -> None:
    assert triage_for("en-US") is triage_for("en-US")


def test_broken_rules_are_rejected_with_the_rule_named() -> None:
    document = dict(load_document("en-US", "red_flags"))
    document["rules"] = [{"id": "typo", "tier": "emergency", "sources": ["NHS-SCI"],
                          "when": [{"all": ["no_such_concept"]}]}]
    with pytest.raises(ValueError, match="typo"):
        Triage.from_rules(document)


def test_clinical_facts_sample_is_unchanged_when_available() -> None:
    """The 1E table above mirrors the shared fact sheet; if the sheet is present, its examples must all be here."""
    sheet = Path(__file__).resolve().parents[2] / "shared" / "clinical-facts.md"
    if not sheet.is_file():
        pytest.skip("shared/clinical-facts.md is not next to the repository")
    section = sheet.read_text(encoding="utf-8").split("### 1E.")[1].split("\n## ")[0]
    quoted = {line.split('"')[1] for line in section.splitlines() if line.startswith('- "')}
    assert quoted == {text for text, _ in CLINICAL_FACTS_1E}


# ---------------------------------------------------------------------------------------------------------
# Urgent, soon and false alarms by pattern (issue 11, "the rules, at their depth"): each list holds new
# phrasings of one family, none copied from the development bank, so a fix must cover the family.

URGENT_FAMILIES = [
    # immune suppression and injecting, without brand names
    ("I've been on steroid tablets for years for my lungs and my back has started aching", "urgent"),
    ("my brother had a kidney transplant and takes anti rejection pills, now his back hurts", "urgent"),
    ("I'm being treated for HIV and my lower back has been sore since Monday", "urgent"),
    ("he's been injecting for a while and now his back is really painful", "urgent"),
    # thin bones, and minor falls or lifts late in life
    ("the doctor told me my bones are thinning and now my back hurts", "urgent"),
    ("I'm seventy four and I picked up my grandson and my back went", "urgent"),
    # first-ever back pain late in life, ages said as words
    ("I'm sixty one and I've never had back trouble until this month", "urgent"),
    ("my dad turned seventy and out of the blue his back started hurting", "urgent"),
    # fever said many ways
    ("my temp is thirty nine point two and my back is aching", "urgent"),
    ("I've woken up soaked in sweat two nights running and my back hurts", "urgent"),
    # weight loss, cancer history
    ("my clothes are hanging off me and I haven't been dieting and my back aches", "urgent"),
    ("I had chemo for lymphoma and now my spine aches", "urgent"),
    # thoracic pain and bands, lumps and shape
    ("there's a sore patch in the middle of my spine level with my bra strap", "urgent"),
    ("it's like a tight band round my ribs from my back", "urgent"),
    ("there's a new bulge on my backbone", "urgent"),
    # unsteady walking, arms and hands, foot drop, one leg worsening
    ("I'm not steady on my feet since my back flared", "urgent"),
    ("I keep dropping things and my neck is stiff", "urgent"),
    ("the front of my foot won't come up when I walk so I trip", "urgent"),
    ("my right leg keeps giving out under me", "urgent"),
    ("my left leg has got weaker and weaker since Tuesday", "urgent"),
    # heat burns on numb or diabetic skin
    ("I'm diabetic and the hot water bottle burned my back", "urgent"),
    ("the wheat bag left a bubbled patch on my back", "urgent"),
]

SOON_FAMILIES = [
    ("it's been five weeks and my back is no better", "soon"),
    ("after a fortnight of the stretches nothing's changed", "soon"),
    ("my back has been exactly the same for a month", "soon"),
    ("my sciatica keeps creeping up week by week", "soon"),
    ("the ache is getting gradually worse", "soon"),
    ("I've had to call in sick because of my back", "soon"),
    ("I missed my shifts at work because of my back", "soon"),
    ("just the one leg is tingly, the left, with the back pain", "soon"),
    ("one of my legs feels numb down the outside", "soon"),
    ("I'm at breaking point with this back", "soon"),
    ("I'm fed up and overwhelmed with this pain", "soon"),
]

FALSE_ALARM_FAMILIES = [
    # plural legs after exertion are not both-leg red flags
    ("my legs are like jelly after leg day", None),
    ("my legs feel wobbly after my spin class", None),
    # past and resolved, across ordinary words and dates
    ("three years ago both my legs went numb, but that cleared up", None),
    ("back in 2018 my bottom went numb for a day but it went away", None),
    ("I had a fever over christmas but I'm fine now", None),
    ("a few months back I couldn't feel my feet after a long run", None),
    # questions and hypotheticals
    ("what happens if you can't feel your bottom", None),
    ("is losing control of your bowels one of the danger signs", None),
    ("what should I do if my wife can't feel her legs", None),
    ("can a slipped disc cause bladder problems", None),
    ("whats the difference between a trapped nerve and cauda equina", None),
    # idioms and negated qualifiers
    ("that song gives me the chills every time", None),
    ("the meeting bored me numb", None),
    ("I feel like I've been hit by a bus, I'm so tired", None),
    ("my little one is potty training and had an accident", None),
]

STILL_REPORTED_WHILE_ASKING = [
    ("is it normal that I can't pee?", "emergency"),
    ("should I be worried that my bum is numb?", "emergency"),
    ("what should I do, I can't feel my bottom", "emergency"),
]


@pytest.mark.parametrize(("utterance", "expected"),
                         URGENT_FAMILIES + SOON_FAMILIES + FALSE_ALARM_FAMILIES + STILL_REPORTED_WHILE_ASKING)
def test_urgent_soon_and_false_alarm_families(triage: Triage, utterance: str, expected: str | None) -> None:
    assert _tier(triage.classify(utterance)) == expected


# ---------------------------------------------------------------------------------------------------------
# ROUND_2_URGENT_SOON_FALSE_ALARMS: families, each said several ways (clinical words, slang, recogniser
# mishearings, signs told by what happened), checked on the rules alone so the learned model cannot hide a gap.

ROUND_2_URGENT_SOON_FALSE_ALARMS = [
    # fever: clinical word, mishearing, told by what happened
    ("my back's killing me and the nurse said i'm pyrexial", "urgent"),
    ("i think i've got a feaver and my lower back is throbbing", "urgent"),
    ("my husband's teeth are chattering under the blankets and his back is agony", "urgent"),
    # weight loss told by clothes and looks, and misheard
    ("i've had to make new holes in my belt and my back hurts all the time", "urgent"),
    ("my dad looks gaunt lately and keeps rubbing his back", "urgent"),
    ("i lost wait without trying and my back aches", "urgent"),
    # cancer, immune suppression and spelled-out letters
    ("i finished kemo last spring and now my spine aches", "urgent"),
    ("my mum is in remission from breast cancer and her back has started hurting", "urgent"),
    ("h i v", "urgent"),
    ("a u t i and now my back is sore", "urgent"),
    ("i take tablets that lower my immune system and my back started hurting", "urgent"),
    # fracture risk
    ("she had a crush fracture before and now her back hurts again", "urgent"),
    ("i'm seventy with osteo porosis and i felt something go in my back", "urgent"),
    # change of shape
    ("my nan has grown a hump at the top of her back", "urgent"),
    ("my spine has gone a funny shape", "urgent"),
    # night and rest pain
    ("pain at night", "urgent"),
    ("i can't sleep for the pain in my back", "urgent"),
    ("he's been sleeping propped up in the chair because lying flat is unbearable", "urgent"),
    ("i wake up in agony every night with my back", "urgent"),
    # unsteady walking, clumsy hands, a leg giving way
    ("i keep tripping on nothing lately", "urgent"),
    ("my dad's tottering about holding onto the furniture", "urgent"),
    ("my grip's going and my fingers are num", "urgent"),
    ("my knee buckles", "urgent"),
    ("her hip gave way twice this morning", "urgent"),
    ("last week i could hop on my right leg and now i can't hop on it", "urgent"),
    # soon: worse, not improving, daily life, worry
    ("the ache reaches further down my leg than it did", "soon"),
    ("it's gone downhill over the last fortnight", "soon"),
    ("six weeks of the exercises and my back feels identical", "soon"),
    ("it's been a month and the sigh attica hasn't eased off", "soon"),
    ("i had to turn down shifts because of my back", "soon"),
    ("i'm worrid about my back", "soon"),
    # false alarms: hard negatives, idioms, resolved, explained, questions
    ("my temperature's bang on normal, it's just my back", None),
    ("i've got cold feet about the back surgery", None),
    ("he's dragging his feet about booking the physio", None),
    ("grandad slipped on the path but he's absolutely fine, no pain anywhere", None),
    ("there's a lump on my back but it's just a cyst the doctor checked", None),
    ("my hand's all pins and needles from sleeping on it", None),
    ("no problem with my toes catching, i can lift my foot fine", None),
    ("what temperature counts as a fever", None),
    ("i wet myself laughing at that film", None),
    ("i lost some weight after the flu but i've put it all back on", None),
    ("the numbness in my foot stopped after a week and it hasn't come back", None),
    ("i'm stuck in traffic and bored", None),
]


# Round 2 of rule generalisation, emergency and clarify: whole families of wording, on the rules alone (the learned
# second opinion is retrained separately). Recogniser mishearings, euphemisms, clinical words, carers' observations.
ROUND_2_EMERGENCY = [
    # recogniser errors for the named syndrome, bowels, bum, wee, incontinent, erection, crash, passed out
    ("the physio said this could be korda equina", "emergency"),
    ("i can't control my vowels since my back went", "emergency"),
    ("my bomb has gone completely numb", "emergency"),
    ("it takes her ages to get her we started now", "emergency"),
    ("dad's become in continent since his disc went", "emergency"),
    ("he can't get an election since the back injury", "emergency"),
    ("we were in a car crush this morning and my back is agony", "emergency"),
    ("i past out when my neck clicked", "emergency"),
    # clinical words and euphemisms for the saddle area, sensation told by its consequences
    ("my partner has new paresthesia around the perineum", "emergency"),
    ("my undercarriage has gone to sleep since this morning", "emergency"),
    ("the inside of her thighs is all fuzzy", "emergency"),
    ("i couldn't feel the warm water on my bum in the shower", "emergency"),
    ("when i clean up after the loo it feels like nothing", "emergency"),
    # carers' observations of bladder and bowel
    ("mum wet the sofa and didn't even notice", "emergency"),
    ("grandad hasn't had a pee since breakfast and can't go", "emergency"),
    ("she keeps asking me whether she's been to the toilet", "emergency"),
    ("he messed himself and couldn't feel it", "emergency"),
    ("the viagra does nothing now and it started when my back went", "emergency"),
    # both legs, walking, falls, chest, neck
    ("the tingling went from my left leg into my right leg", "emergency"),
    ("she tried to stand and neither leg would take her", "emergency"),
    ("i have to grab the furniture to get to the kitchen now", "emergency"),
    ("i fell down the whole flight of stairs at work", "emergency"),
    ("she had a serious fall", "emergency"),
    ("the pain has spread up into my chest", "emergency"),
    ("my neck hurts and everything's spinning and i've been sick", "emergency"),
    ("since my neck went i keep tripping over my own feet and dropping my keys", "emergency"),
    # unclear, so one question
    ("grandpa took a spill in the garden", "clarify"),
    ("i've had a bit of a whoopsie", "clarify"),
    ("he's having trouble with his water", "clarify"),
    ("can't go to the toilet", "clarify"),
    # must stay quiet
    ("there was a big fall in sales this quarter", None),
    ("i fell asleep on the sofa and my back is stiff", None),
    ("my foot went to sleep because i sat on it", None),
    ("the bed was soaked with sweat last night", "urgent"),
    ("i had a lump removed years back and my back's in good shape", None),
]


# ROUND_3_URGENT_SOON_FALSE_ALARMS: carers' shorthand and fragments, and harmless sentences by mechanism (whose body,
# whether it happened, a normal cause, an idiom), checked on the rules alone.
ROUND_3_URGENT_SOON_FALSE_ALARMS = [
    # shorthand and fragments
    ("temp 39.1 and bk pain", "urgent"),
    ("wt loss and back ache", "urgent"),
    ("IVDU, new back pain", "urgent"),
    ("hx breast ca now back pain", "urgent"),
    ("81 yo, new back pain", "urgent"),
    ("back pain at nite", "urgent"),
    ("steroid user, fell, back pain", "urgent"),
    ("not improving after 2 wks", "soon"),
    ("R leg tingling and back pain", "soon"),
    # pets and objects
    ("the dog has been limping on both back legs, the vet is checking him tomorrow", None),
    ("the table leg is wobbly", None),
    ("the sink is leaking again", None),
    # normal causes: cold, long sitting, standing all day
    ("my fingers went numb from the cold without my gloves", None),
    ("my bum went numb on the long coach trip but it was fine once i got up", None),
    ("my feet hurt from standing all day at work", None),
    # idioms
    ("the match had everyone at fever pitch", None),
    ("this traffic is a cancer on the city", None),
    ("i'm dead on my feet after that double shift", None),
    ("my legs turned to jelly on the big dipper", None),
    # past and resolved, hypothetical, questions, negations, children
    ("when i was a student i had a kidney infection, decades ago", None),
    ("i had a fever and backache with flu three winters ago, all fine since", None),
    ("if i ever got numb down there would that be an emergency", None),
    ("should i go to the doctor if my leg gets weak", None),
    ("there's nothing wrong with my waterworks, it's just my back", None),
    ("the bairns have a fever so i skipped my stretches", None),
    # round 4: signs long known and unchanged (a lifelong cause, 'nothing different'), but a recent one still counts
    ("my left arm has been a bit weaker since polio as a boy, nothing new", None),
    ("curvature of my spine since i was a teenager, same as it's always been", None),
    ("a little leak when i sneeze since my second baby, nothing different this week", None),
    ("my right leg has been numb for a week and it hasn't changed", "soon"),
    # round 4: resolved ('that settled', 'all cleared up')
    ("i had some leaking after the birth but that settled", None),
    ("i felt a bit dizzy with that sinus infection but its all cleared up now", None),
    # round 4: both legs or feet tired after a shift or a sport; numbness that stays still counts
    ("my legs are wobbly after skating at the rink all afternoon", None),
    ("both my feet ache after a long shift at the warehouse", None),
    ("both my feet are numb after the shift and still numb hours later", "emergency"),
    # round 4: a young child's accident, a pet or an object, an ordinary scare or cause
    ("my little girl wet her pants at the swimming pool", None),
    ("the horror film last night scared the crap out of me", None),
    ("i keep losing sleep over my exams", None),
    ("my hand tingled after a static shock from the car door", None),
    ("my gardening knee pads are worn out", None),
    ("i wet myself and i cant feel my bum", "emergency"),
    # round 4: questions and intended weight loss
    ("can you tell me what sciatica is and how common it is", None),
    ("my fitness app says i'm down four pounds since i started the diet", None),
    ("i've lost weight without trying and my back aches at night", "urgent"),
    # round 4: both legs after exertion: tired is ordinary, weak or giving way is not
    ("both my legs are aching after the half marathon", None),
    ("both feet are throbbing after a ten hour shift at the shop", None),
    ("both my legs went weak after the gym", "emergency"),
    ("both legs buckled after my run and i couldnt get up", "emergency"),
    # round 4: a leak or a bad spell long settled, told after a pause
    ("there was some leaking after my hysterectomy, but that settled years ago", None),
    ("i couldn't walk for two days after a bad fall, but that's decades ago now", None),
    # round 5: not getting better, getting worse, stopping me living, worried (own phrasings)
    ("a month of the stretches and my back is exactly where it was", "soon"),
    ("three weeks of physio and it aint got any better", "soon"),
    ("two weeks on the neck routine and i still can't look over my shoulder", "soon"),
    ("the pain is worse now than it was at the start", "soon"),
    ("every few days it goes a bit further down my leg", "soon"),
    ("i'm gonna lose my job over this back", "soon"),
    ("i can't do the hoovering anymore because of my back", "soon"),
    ("my husband is fretting about his back and wants it looked at", "soon"),
    ("i'm finding it hard to cope with this back pain", "soon"),
    ("numb patch on the outside of my left shin for a week now", "soon"),
    # round 5 urgent: age, cancer, steroids, weight, rest pain, foot drop, one leg weaker by the day
    ("at 63 i've got back pain for the first time ever", "urgent"),
    ("my son's sixteen and he's started getting back pain", "urgent"),
    ("she had cancer of the breast years ago and now her back hurts", "urgent"),
    ("on letrozole and my back has started hurting", "urgent"),
    ("been on steroids for three yrs and my back suddenly hurts", "urgent"),
    ("mum has become very thin lately and her back is sore", "urgent"),
    ("resting makes no difference, the back pain is there day and night", "urgent"),
    ("my toes won't lift and my shoe keeps catching on the kerb", "urgent"),
    ("my right leg gets weaker every day", "urgent"),
    # round 5 false alarms: resolved, someone else, a normal cause
    ("my foot was dragging after the op but it recovered fully", None),
    ("he had a chest infection in march but he's recovered", None),
    ("the grandkids have a fever so no stretches today", None),
    ("I've used a walking stick for a decade, nothing's changed", None),
    ("my dad just woke up stiff this morning", None),
]


# ROUND_3_EMERGENCY: meandering recogniser text with the sign mid-sentence, self-corrections, spoken double negatives,
# carers relaying words, dialects and clinical shorthand, by family, checked on the rules alone.
ROUND_3_EMERGENCY = [
    # round 5: falls from height and crashes described, not named
    ("my brother come off the scaffold ladder from about four metres and his back is agony", "emergency"),
    ("we rolled the truck on the highway and my back is killing me", "emergency"),
    # round 5: soiling in dialect, not felt
    ("i messed my pants at the shops and never felt a thing", "emergency"),
    ("she opened her bowels in the chair and didn't feel it coming", "emergency"),
    # round 5: dialect words and dropped g's
    ("me nethers are numb since the back went", "emergency"),
    ("wanted a wee for hours but nowt's happening", "emergency"),
    ("pains shootin down both legs since yesterday", "emergency"),
    ("his words keep coming out mushy", "emergency"),
    # round 5: an 'oh no' is dismay, not a negation
    ("oh no there has been a bit of an accident", "clarify"),
    ("it's aw strange doon there", "clarify"),
    # long sentences: 'within' skips words of other concept phrases
    ("both cheeks of my backside and the front bits have gone numb since this morning", "emergency"),
    ("so anyway i was telling my sister about the garden and the thing is i cant really feel my bottom when i sit "
     "on the loo and then we had tea", "emergency"),
    ("well the kids were round and ever since i bent for the washing both my legs have gone all heavy and weak", "emergency"),
    # self-corrections do not negate what follows
    ("it's my right leg no sorry both legs that are numb", "emergency"),
    ("the numbness is on the left no wait its both sides of my bum", "emergency"),
    ("my left no my right no both of my legs are going weak", "emergency"),
    # spoken double negatives: a symptom phrase that holds its own negation
    ("i aint got no feeling down there since yesterday", "emergency"),
    ("he is not able to walk since lunch and his legs are not holding him", "emergency"),
    ("not that i want to make a fuss but i havent been able to feel the toilet paper when i wipe", "emergency"),
    ("i dont think i can feel the seat properly when i sit", "emergency"),
    ("his legs dont feel like his own anymore, both of them", "emergency"),
    ("wet self x2 overnight, new", "emergency"),
    # lost abilities and retention in carers' words and shorthand
    ("my gran has gone off her legs since her back went", "emergency"),
    ("he can't bear weight on either leg since the fall", "emergency"),
    ("pt reports retention since am", "emergency"),
    ("acute urinary retention, known disc", "emergency"),
    ("she is not peeing at all since breakfast", "emergency"),
    ("i have to push to get the pee started now", "emergency"),
    ("urine keeps coming out by itself since the back went", "emergency"),
    ("incontinent of urine, new, with back pain", "emergency"),
    ("loss of bladder control since yesterday", "emergency"),
    ("loss of bowel control x2 today", "emergency"),
    ("dad is stooling on himself and doesn't notice", "emergency"),
    # lost feeling told as absence; erections with a negation; named signs in shorthand
    ("when i wiped it was like nothing was there", "emergency"),
    ("when he cleans himself after the toilet he is not getting any sensation", "emergency"),
    ("since the spasm i am not getting erection", "emergency"),
    ("query CES", "emergency"),
    ("?CES in a patient with sciatica", "emergency"),
    ("worried about spinal cord compression", "emergency"),
    ("new saddle anesthesia", "emergency"),
    ("perianal numbness and LBP", "emergency"),
    ("reduced anal tone on exam", "emergency"),
    # dialects and recogniser words
    ("i cannae feel ma bum and i cannae pee", "emergency"),
    ("mate i havent had a slash since last night and ive been busting", "emergency"),
    ("B/L leg numbness", "emergency"),
    ("unable to PU since yesterday", "emergency"),
    ("c/o difficulty initiating micturition", "emergency"),
    ("RTA this am, back pain", "emergency"),
    ("abeg i no fit piss since morning", "emergency"),
    ("my legs no dey carry me again", "emergency"),
    ("she wet herself in her sleep and that never happens", "emergency"),
    ("bilateral leg weakness and back pain", "emergency"),
    # vehicles, stairs, chest, neck cord
    ("came off the quad bike yesterday and my back is wrecked", "emergency"),
    ("he was thrown off an okada and his back is very painful", "emergency"),
    ("we rolled the tractor and now my back hurts", "emergency"),
    ("went flying down a flight of concrete stairs and landed on my back", "emergency"),
    ("my back aches and my chest, it's tight", "emergency"),
    ("a tearing feeling in my chest going through to my back", "emergency"),
    ("since the neck got bad her balance is going fast and she cant do her buttons", "emergency"),
    # clarify
    ("my leg feels a bit odd today", "clarify"),
    ("my legs feel a bit strange", "clarify"),
    ("took a header in the garden this morning", "clarify"),
    ("a bit of bother with my waterworks", "clarify"),
    # hard negatives
    ("no numbness down there at all", None),
    ("no, no numbness and no tingling", None),
    ("my lower back aches on both sides", None),
    ("i had a car crash ten years ago and my back has been fine since", None),
    ("my left no my right shoulder is stiff", None),
    ("what are the signs of cauda equina", None),
    # round 4: incontinence told as the bladder acting by itself or without control
    ("since the weekend my bladder just empties by itself without me doing anything", "emergency"),
    ("grandad has been peeing without any control since this morning", "emergency"),
    # round 4: a bowel accident told as where it ended up; feeling lost told as "not feeling a thing"
    ("he didnt notice he needed to go till it was all in his pants", "emergency"),
    ("after a poo i wipe and im not feeling a thing back there", "emergency"),
    # round 4: sexual function lost told as not finishing
    ("since my back went he tried to finish but nothing came out", "emergency"),
    # round 4: the warned-about signs claimed as present; the cord described as squashed
    ("the surgeon warned me about cauda equina and now i've got all the signs", "emergency"),
    ("the nurse told me to look out for red flag symptoms and i think i've got them now", "emergency"),
    ("my back went on monday and now i reckon my spinal cord is being squashed", "emergency"),
    ("i don't have any red flag symptoms", None),
    # round 4: one-sided sciatica that spreads to the other leg
    ("my sciatica started in my left leg and now it's in the right as well and they're both weak", "emergency"),
    ("it was only my right leg but now it's in both and they feel numb", "emergency"),
    # round 4: a temperature told as a bare reading, a failed attempt told as sitting there
    ("he's at 102 and his left leg has gone weak", "emergency"),
    ("i've been sat on the loo for ages and nothing, my back is killing me", "emergency"),
    # round 4 clarify: a bare plural told vaguely asks which legs; said of both, or numb, it is an emergency
    ("his legs have gone a bit odd", "clarify"),
    ("her legs went funny after lunch", "clarify"),
    ("both my legs feel weird since my back went", "emergency"),
    ("my legs have gone numb", "emergency"),
]


@pytest.fixture(scope="module")
def rules_alone() -> Triage:
    return triage_module.rules_alone("en-US")


@pytest.mark.parametrize(("utterance", "expected"), ROUND_2_URGENT_SOON_FALSE_ALARMS + ROUND_2_EMERGENCY
                         + ROUND_3_URGENT_SOON_FALSE_ALARMS + ROUND_3_EMERGENCY)
def test_families_of_wording_on_the_rules_alone(rules_alone: Triage, utterance: str, expected: str | None) -> None:
    """Rounds of generalisation, checked on the rules alone so the learned second opinion cannot hide a gap."""
    assert _tier(rules_alone.classify(utterance)) == expected


def test_a_cue_phrase_that_fillers_shrink_to_one_word_is_refused() -> None:
    rules = load_document("en-US", "red_flags")
    broken = {**rules, "blockers": {**rules["blockers"], "resolved": {
        **rules["blockers"]["resolved"], "phrases": [*rules["blockers"]["resolved"]["phrases"], "completely gone"]}}}
    with pytest.raises(ValueError, match="completely gone"):
        Triage.from_rules(broken)


# ---------------------------------------------------------------------------------------------------------
# Round 5, false alarms at their depth (issue 11): whose symptom it is and whether it happened. Each family is a
# scope the engine reads, not a word list: someone else's story (an acquaintance, a book, the telly) up to the
# speaker's own words or the person they care for; a scare that turned out otherwise or a fall that did not happen;
# a verdict that it is old and checked, even in the next sentence; a past clause whose own subject follows it; a
# later "but that stopped" over the whole clause before; a question that opens the sentence about nobody in
# particular; a denial said after the list it denies. None of these sentences is in the development bank.

ROUND_5_FALSE_ALARMS = [
    # someone else's story
    ("a colleague at work lost the feeling in both his legs on a ski trip, he's having tests", N),
    ("I watched a documentary about a man who couldn't walk after a spinal injury", N),
    ("the footballer on tv was stretchered off and couldn't feel his legs", N),
    ("my flatmate has had a weak bladder ever since her car crash", N),
    ("i saw on facebook that a woman lost feeling in her legs after a massage", N),
    ("the lady next door had a bad fall last week", N),
    # a scare that was something else, a fall that did not happen
    ("almost lost my balance on the ice this morning but managed to stay up", N),
    ("i thought i was going to pass out in the heat but i sat down and was fine", N),
    ("my hands felt weak on the steering wheel but turns out the power steering had gone", N),
    ("Dad slipped on the wet grass but didn't go down, he grabbed the fence", N),
    # old, unchanged and checked, the verdict in the next sentence
    ("Numb patch on my left shin since a motorbike accident in 2009. Unchanged, my GP has seen it.", N),
    ("the pins and needles in my right thumb are from an old wrist injury, its never changed", N),
    # a past clause whose own subject follows it; a later clause saying it ended
    ("when i was pregnant with my first i couldn't hold my wee, but that stopped after she was born", N),
    ("when i was at college i couldn't feel my feet for a week after a virus", N),
    ("my bladder leaked a bit after my son was born but that stopped long ago", N),
    ("my dad had a stroke ten years ago and slurred his words for a while but he's fully recovered", N),
    # questions asked about nobody in particular
    ("why would a slipped disc make both legs numb", N),
    ("when is numbness an emergency", N),
    ("how would someone know they had cauda equina", N),
    ("can a person with cauda equina walk", N),
    ("what would it mean if my dad's legs went weak", N),
    # a denial after the list
    ("the bladder and numbness questions, none of that at all", N),
]

# The same scopes must end where the report becomes the speaker's, or the person they care for, or something now.
ROUND_5_STILL_FLAGS = [
    ("my dad can't feel his legs", E),
    ("my wife has wet herself and can't feel her bottom", E),
    ("my friend is here with me and she can't feel her legs", E),
    ("my friend can't feel her legs", E),
    ("my colleague collapsed and his legs won't move", E),
    ("my neighbour came round and said Dad can't feel his legs", E),
    ("my mate's been ill for days and now his legs are going numb", E),
    ("mate i cant feel my legs", E),
    ("my friend thinks the tingling in my bum is a trapped nerve", E),
    ("my neighbour noticed the weakness in my legs", E),
    ("does the tingling in my groin mean anything", E),
    ("I nearly can't feel my legs at all", E),
    ("is this cauda equina", E),
    ("could this be cauda equina, my bum is numb", E),
    ("does he need an ambulance he can't move his legs", E),
    ("what do i do both legs numb", E),
    ("I read about cauda equina and my bum has gone numb", E),
    ("two years ago I hurt my back and now both legs are numb", E),
    ("years ago i had sciatica i now have numb legs", E),
    ("since my operation in march i cant pee properly", E),
    ("both my legs went numb last month and it went away but it came back today", E),
    ("my left foot has been numb for ten days and hasn't changed", S),
    ("honestly mate both my legs have gone weak", E),
]


@pytest.mark.parametrize(("utterance", "expected"), ROUND_5_FALSE_ALARMS + ROUND_5_STILL_FLAGS)
def test_whose_symptom_and_whether_it_happened(rules_alone: Triage, utterance: str, expected: str | None) -> None:
    assert _tier(rules_alone.classify(utterance)) == expected


def _tiny_rules(**blockers: dict) -> dict:
    """A document with one concept and one rule, to test a blocker mechanism apart from the real vocabulary."""
    return {
        "fillers": [], "spoken_variants": {}, "corrections": [],
        "breaks": {"sentence": ["."], "new_subject": ["i", "she"], "own": ["i", "my", "me"]},
        "subjects": {"self": ["i"], "others": ["she"]},
        "concepts": {"numb": ["numb", "woke up"]},
        "blockers": blockers,
        "rules": [{"id": "numb", "tier": "emergency", "sources": ["NHS-SCI"], "when": [{"all": ["numb"]}]}],
    }


def test_a_phrase_opening_with_the_sentence_end_also_matches_at_the_start() -> None:
    triage = Triage.from_rules(_tiny_rules(asked={"phrases": [". is"], "before": {"words": 5, "stops_at": ["own"]}}))
    assert triage.classify("is numb a worry") is None
    assert triage.classify("ok. is numb a worry") is None
    assert _tier(triage.classify("this is numb")) == E  # not at the start of a sentence
    assert _tier(triage.classify("is my leg numb")) == E  # the speaker's own word ends the question's reach


def test_a_concept_inside_a_longer_cue_is_the_cue() -> None:
    triage = Triage.from_rules(_tiny_rules(came_right={"phrases": ["it woke up again"], "after": {"words": 2}}))
    assert triage.classify("it woke up again") is None
    assert _tier(triage.classify("i woke up numb")) == E


def test_a_clause_opening_cue_passes_its_own_subject_only() -> None:
    past = {"phrases": ["when i was pregnant"],
            "before": {"words": 6, "stops_at": ["new_subject"],
                       "clause_subject": {"within": 3, "breaks": ["new_subject"]}}}
    triage = Triage.from_rules(_tiny_rules(past=past))
    assert triage.classify("when i was pregnant with my first i was numb") is None
    assert _tier(triage.classify("when i was pregnant she said i am numb")) == E  # a second subject still stops it
    unknown = {**past, "before": {**past["before"], "clause_subject": {"within": 3, "breaks": ["sentence"]}}}
    with pytest.raises(ValueError, match="clause_subject"):
        Triage.from_rules(_tiny_rules(past=unknown))



def test_a_phrase_with_choices_stands_for_each_choice() -> None:
    cleared = {"phrases": ["{but|and} {it|that all} {went|stopped}"], "except": ["{but|and} it went numb"],
               "after": {"words": 6}}
    triage = Triage.from_rules(_tiny_rules(cleared_up=cleared))
    assert triage.classify("my leg was numb but it went") is None
    assert triage.classify("my leg was numb and that all stopped") is None
    assert _tier(triage.classify("my leg was numb so it stopped")) == E  # "so" is no choice of the first
    assert _tier(triage.classify("my leg was fine and it went numb")) == E  # an except-phrase's choices too

# ---------------------------------------------------------------------------------------------------------
# Round 6, recall on wording nobody here had written (issue 11): for each warning sign, the words people in the
# five locales use for it (euphemisms, slang, clinical-lay, recogniser spellings), and a word's forms and owners
# read by the engine (word_families) rather than listed. None of these sentences is in the development bank; each
# reached the wrong tier before the round.

ROUND_6_NEW_WORDING = [
    # retention: a failed attempt described by amounts, pressing, or not finishing
    ("i'm only managing tiny amounts of pee", E),
    ("i have to press on my tummy to get the wee out", E),
    ("i pee and then need to go again straight away because it didn't all come out", E),
    # bladder and bowel sensation, leaking and soiling
    ("it feels numb when i pee", E),
    ("there's wee in my knickers and i never felt it", E),
    ("motion is coming without my knowledge", E),
    ("poo just falls out", E),
    # saddle numbness, wiping, sexual function
    ("i dont feel my bum when i sit down", E),
    ("the feeling in my privates has gone", E),
    ("i cant feel anything when i sit on the loo", E),
    ("wiping feels like wiping through a thick glove", E),
    ("i've gone soft and can't get it hard since the back went", E),
    # both legs and walking
    ("everything below my hips is numb", E),
    ("i'm losing the use of my legs", E),
    ("i'm having to crawl to the toilet", E),
    ("my legs are not working properly", E),
    # trauma and stroke-like signs
    ("i got crushed between two cars", E),
    ("i had a massive fall", E),
    ("everythings double", E),
    ("my smile is lopsided", E),
    # night or rest pain, unsteady walking, one leg worsening, foot drop, hand
    ("i'm awake at 4am with the pain every night", U),
    ("i've been sleeping in the recliner because lying down hurts too much", U),
    ("i need a stick now to keep my balance", U),
    ("the weakness in my right leg is worse today than yesterday", U),
    ("i can't bring my toes up towards me", U),
    ("my handwriting has gone messy", U),
    # soon: daily life, not improving, getting worse
    ("the pain is getting in the way of everything because of my back", S),
    ("a month on and still no joy", S),
    ("i'm in more pain than ever", S),
]

# The same words where they mean something harmless.
ROUND_6_STILL_HARMLESS = [
    ("i had to crawl under the desk to plug in the charger", N),
    ("i was up half the night with the baby", N),
    ("my legs feel stronger each day", N),
    ("i don't feel my best today", N),
    ("i got my trousers wet in the rain", N),
    ("he can't stop taking the piss out of me", N),
    ("when the poo comes out it stings a bit, i think it's piles", N),
]


@pytest.mark.parametrize(("utterance", "expected"), ROUND_6_NEW_WORDING + ROUND_6_STILL_HARMLESS)
def test_new_wording_for_each_warning_sign(rules_alone: Triage, utterance: str, expected: str | None) -> None:
    assert _tier(rules_alone.classify(utterance)) == expected


def test_a_word_of_a_family_stands_for_its_forms_in_concept_phrases_only() -> None:
    document = {
        "fillers": [], "spoken_variants": {}, "corrections": [],
        "breaks": {"sentence": ["."]}, "subjects": {"self": ["i"], "others": ["she"]},
        "concepts": {"numb": ["numb when i wipe my bottom"], "someone_else": ["her"]},
        "blockers": {"resolved": {"phrases": ["it went away"], "after": {"words": 3, "stops_at": ["sentence"]}}},
        "rules": [{"id": "numb", "tier": "emergency", "sources": ["NHS-SCI"], "when": [{"all": ["numb"]}]},
                  {"id": "her", "tier": "soon", "sources": ["NHS-SCI"], "when": [{"all": ["someone_else"]}]}],
    }
    without = Triage.from_rules(document)
    triage = Triage.from_rules({**document, "word_families": [["my", "her"], ["wipe", "wiped"], ["go", "went", "goes"]]})
    assert _tier(without.classify("numb when i wiped her bottom")) != E
    assert _tier(triage.classify("numb when i wiped her bottom")) == E
    assert _tier(triage.classify("her")) == S and triage.classify("my") is None  # a lone word keeps its sense
    assert triage.classify("numb when i wipe my bottom it went away") is None
    assert _tier(triage.classify("numb when i wipe my bottom it goes away")) == E  # cues are never widened


# ---------------------------------------------------------------------------------------------------------
# Round 7, word senses (issue 11): a red-flag word in its other sense (breast milk leaking, a tingling mouth,
# hay fever, losing weight as a goal, 'fell' asleep or on a Sunday, idioms, 'can't stand' someone) or with the
# everyday cause that explains it, bound to that sense only, so the same cause beside a real sign still flags.
# Each harmless case reached a tier before the round; none is in the development bank.

ROUND_7_OTHER_SENSES = [
    ("I'm leaking breast milk through my top again", N),
    ("expressing milk and it keeps leaking everywhere", N),
    ("the bin bag leaked all over the boot", N),
    ("the report leaked to the papers this morning", N),
    ("this mouthwash makes my whole mouth tingle", N),
    ("my scalp tingles with the new shampoo", N),
    ("my lips go tingly when I eat pineapple", N),
    ("my cheek is still numb from the dentist", N),
    ("my hay fever is terrible this week", N),
    ("there's election fever everywhere", N),
    ("I had a bit of a temperature after the flu jab", N),
    ("sweating buckets at the gym today", N),
    ("my goal this year is weight loss", N),
    ("I want to drop a dress size before the wedding", N),
    ("we went fell walking in the lake district", N),
    ("my birthday fell on a sunday this year", N),
    ("the price of petrol fell again", N),
    ("I keep falling asleep on the sofa", N),
    ("I was on pins and needles waiting for the results", N),
    ("I was numb with grief after dad died", N),
    ("that song gives me tingles", N),
    ("he can't stand his boss", N),
    ("I can't pee in public toilets, I'm too shy", N),
    ("my toes went numb in the snow", N),
    ("my legs gave way on the bouncy castle", N),
    ("my toes went numb in my new walking boots", N),
    ("my hand went numb from writing all afternoon", N),
    ("I felt faint in the heat at the bus stop", N),
    ("I had a bit of a wobble at work today, just stress", N),
    ("I went numb all over when they told me I got the job", N),
    ("we capsized and fell in the lake, hilarious", N),
    ("I'm worried about my driving test tomorrow", N),
    ("the toilet is blocked so nobody can go", N),
    ("my leg went dead in the cinema with it tucked under me", N),
    ("my hat keeps falling off in the wind", N),
    ("the kids are bouncing off the walls", N),
    ("I rubbed cream into both my feet, they're so dry", N),
    ("that presentation was a car crash", N),
    ("I'm shaking like a leaf before my driving test", N),
    ("happy accident, the cake came out better", N),
    ("my star sign is cancer", N),
    ("baseball players on steroids", N),
    ("my sweats are in the wash", N),
    ("the tent collapsed in the wind", N),
    ("the tulips are drooping in the vase", N),
    ("there was a power blackout in our street", N),
    ("I'm totally numb to horror films now", N),
    # walking limited by a known leg problem, not the nerves
    ("she's had a new hip and can't manage the stairs yet", N),
    ("my gout is flaring so I can barely walk", N),
    ("I twisted my ankle and can't put weight on it", N),
    # pull ups and depends that are no pads; pregnancy, a local procedure, cold, a ferry, a stubbed toe, a phone call
    ("I did ten pull ups at the gym", N),
    ("it depends on the weather", N),
    ("she's got no feeling for music", N),
    ("the baby is pressing on my bladder so I'm always running to the loo", N),
    ("the numbing cream for my tattoo made my arm numb", N),
    ("after my smear test it felt a bit odd down there", N),
    ("my feet were numb in the ice cold sea but warmed up after", N),
    ("I was shivering at the bus stop in the sleet", N),
    ("I was a bit wobbly getting off the ferry", N),
    ("my toes tingled after I stubbed them on the bed", N),
    ("got pins and needles in my hand from holding the phone on a long call", N),
    ("the pain wakes me when I roll over in bed", N),  # pain on turning is mechanical, not night pain
]

# The sense-bound cues switch off only their own words: a real sign beside them still counts.
ROUND_7_STILL_FLAGS = [
    ("I'm leaking milk and I've wet myself without feeling it", E),
    ("the hot water bottle leaked but I also wet myself and never felt it", E),
    ("my mouth tingles and so does my bum and I can't feel the loo roll", E),
    ("my lips tingle and my face is drooping on one side", E),
    ("I have a fever after the flu jab and my back is agony", U),
    ("I've lost weight without trying and my back aches at night", U),
    ("I fell walking and hurt my back badly and my legs are numb", E),
    ("pins and needles in both legs and I can't pee", E),
    ("I can't pee at all in public toilets or at home and my back is agony", E),
    ("I was skiing and had a bad crash and my back hurts when I move", E),
    ("my legs keep giving way since my back went, even on the bouncy castle", E),
    ("my toes went numb in the snow and they're still numb days later", A),
    ("my hand went numb from writing and my face is drooping", E),
    ("I felt faint in the heat and my face is drooping and my speech is slurred", E),
    ("I can't stand up and my legs are numb", E),
    ("I'm worried because I can't feel my bum and can't pee", E),
    ("the pain shoots into both legs", E),
    ("I keep passing wind without knowing and my bum is numb", E),
    ("I was in a car crash and my back hurts", E),
    ("my bum has gone numb to the touch", E),
    ("I fell flat on my back", A),
    ("I've been running hot and cold with back pain", U),
    ("I can't walk at all since my knee replacement and my legs are numb", E),
    ("I drink a lot of tea and I keep leaking", E),
    ("I've lost weight without trying and I'd like to get rid of this back pain", U),
    ("I have to wear pull ups now", E),
    ("I have no feeling in my bum", E),
    ("I'm pregnant and can't wee at all and my back is agony", E),
    ("I'm shivering with a fever and my back is agony", U),
    ("the pain wakes me up at night even when I lie still", U),
]


@pytest.mark.parametrize(("utterance", "expected"), ROUND_7_OTHER_SENSES + ROUND_7_STILL_FLAGS)
def test_a_word_in_its_other_sense_is_no_sign(rules_alone: Triage, utterance: str, expected: str | None) -> None:
    assert _tier(rules_alone.classify(utterance)) == expected


def test_a_sense_bound_blocker_switches_off_only_its_concepts() -> None:
    document = _tiny_rules(other_fluid={"phrases": ["milk"], "only": ["numb"], "before": {"words": 4}})
    document["concepts"]["leak"] = ["leaking"]
    document["rules"].append({"id": "leak", "tier": "urgent", "sources": ["NHS-SCI"], "when": [{"all": ["leak"]}]})
    triage = Triage.from_rules(document)
    assert triage.classify("milk numb") is None
    assert _tier(triage.classify("milk leaking")) == U  # another concept near the same cue is untouched
    document["blockers"]["other_fluid"]["only"] = ["numbness"]
    with pytest.raises(ValueError, match="only"):
        Triage.from_rules(document)


# ---------------------------------------------------------------------------------------------------------
# Round 7, emergency recall through how a sentence is built (issue 11): a lost ability or a constancy said with a
# negation ("never stops", "nearly useless"), emphasis or time inside a sign ("can't even", "anymore"), run-on
# recogniser text opened by a discourse "no", a disclaimer or "quick question", a question about the speaker's own
# symptom ("what does it mean when I...", "why won't my legs...", "... is that one of the warning signs"), a carer's
# report with its onset ("since his fall", "all day"; a grandchild they were minding is not the one who wet), and
# the warned-about signs claimed as present. None of these sentences is in the development bank; each reached a
# lower tier before the round. The harmless twins guard each new reading (a denial, a general question, a leaflet,
# someone else's child).

ROUND_7_STRUCTURE = [
    # emphasis or time between the words of a sign
    ("i can no longer even tell when i need the toilet", E),
    ("i don't know anymore when i need to pee", E),
    ("i've stopped being able to feel when i need a wee", E),
    # a constancy or a near-total loss is not a denial
    ("it never stops, the sciatica is down both legs now", E),
    ("the pain doesn't ease off, and both my legs are going numb", E),
    ("my legs are nearly useless", E),
    ("i can just about feel the loo roll", E),
    # a simile is not a cause
    ("my bum and between my legs feel numb like at the dentist", E),
    # a discourse "no" or a disclaimer before the report
    ("no, there's no feeling around my back passage", E),
    ("this is probably nothing, there's no feeling around my bottom", E),
    ("quick question nothing comes out when i try to pee", E),
    # the speaker's own symptom asked about
    ("so what does it mean when i'm unable to empty my bladder", E),
    ("i'm unable to empty my bladder is that one of the warning signs", E),
    ("mum wet herself in the chair and she never does that is that normal", E),
    ("why won't my legs hold me up", E),
    ("why is there no feeling in my bum", E),
    # a carer's report with its onset
    ("he's been dribbling since his fall", E),
    ("she's been dribbling wee all day", E),
    ("mum wet herself while minding the grandchildren and never noticed", E),
    ("mum says she can only manage a tiny dribble of wee", E),
    # the warned-about signs claimed as present
    ("i have the warning signs you told me about", E),
    ("the signs the physio warned me about have started", E),
    ("the physio said to call 999 if this happened and it has", E),
]

# The same structures where they are a denial, a general question, a leaflet or someone else's.
ROUND_7_STILL_HARMLESS = [
    ("no numbness down there", N),
    ("i almost fell but caught myself", N),
    ("my lip was numb after the dentist", N),
    ("what does it mean when you can't feel your bum", N),
    ("why do my legs ache after running", N),
    ("quick question is losing bladder control an emergency", N),
    ("i have a question about numbness in the bum", N),
    ("is numbness in the bum one of the warning signs", N),
    ("i've got the leaflet with the red flags on it", N),
    ("luckily i've got none of the warning signs", N),
    ("my grandson wet himself this morning", N),
    ("i was minding the grandkids and one of them wet himself", N),
]


@pytest.mark.parametrize(("utterance", "expected"), ROUND_7_STRUCTURE + ROUND_7_STILL_HARMLESS)
def test_how_a_sentence_is_built(rules_alone: Triage, utterance: str, expected: str | None) -> None:
    assert _tier(rules_alone.classify(utterance)) == expected


def test_a_floating_word_may_stand_between_the_words_of_a_concept_phrase_only() -> None:
    document = {
        "fillers": [], "spoken_variants": {}, "corrections": [],
        "breaks": {"sentence": ["."]}, "subjects": {"self": ["i"], "others": ["she"]},
        "concepts": {"numb": ["can't feel my bottom"]},
        "blockers": {"resolved": {"phrases": ["went away"], "after": {"words": 3, "stops_at": ["sentence"]}}},
        "rules": [{"id": "numb", "tier": "emergency", "sources": ["NHS-SCI"], "when": [{"all": ["numb"]}]}],
    }
    without = Triage.from_rules(document)
    triage = Triage.from_rules({**document, "floating_words": ["even", "anymore"]})
    assert without.classify("i can't even feel my bottom") is None
    assert _tier(triage.classify("i can't even feel my bottom")) == E  # between the two keyed words
    assert _tier(triage.classify("i can't feel anymore my bottom")) == E  # further in
    assert triage.classify("i can't even even feel my bottom") is None  # one at a time
    assert triage.classify("even feel my bottom") is None  # never in place of the phrase's first word
    assert triage.classify("i can't feel my bottom it went even away") is not None  # cues are never widened


def test_a_question_reads_its_subject_back_before_its_auxiliary() -> None:
    document = {
        "fillers": [], "spoken_variants": {}, "corrections": [],
        "breaks": {"sentence": ["."]}, "subjects": {"self": ["i"], "others": ["she"]},
        "concepts": {"weak": ["my legs won't hold me"]}, "blockers": {},
        "rules": [{"id": "weak", "tier": "emergency", "sources": ["NHS-SCI"], "when": [{"all": ["weak"]}]}],
    }
    inversion = {"openers": ["why"], "auxiliaries": ["won't"], "subjects": ["i"], "owners": ["my"]}
    without = Triage.from_rules(document)
    triage = Triage.from_rules({**document, "question_inversion": inversion})
    assert without.classify("why won't my legs hold me") is None
    assert _tier(triage.classify("why won't my legs hold me")) == E
    assert _tier(triage.classify("why won't both my legs hold me")) == E  # "both" goes with its subject
    assert triage.classify("won't my legs hold me") is None  # only after an opener
    assert triage.classify("why won't, my legs hold me") is None  # never across punctuation


# ---------------------------------------------------------------------------------------------------------
# Round 6, recall at its depth (issue 11): phrasings written afresh from the fact sheet, none in the development
# bank, one or two per mechanism the rules now read: degree hedges ("a bit", "kind of") between a verb and the sign;
# a lost ability ("can no longer", "unable to"); a cue sharing its word with a longer sign ("it's gone" in "gone to
# sleep"); exercise explaining tired legs but never the bladder, bowels or speech; sciatica spreading to the other
# leg; "me" for "my"; bowel slang; synonyms shared across concepts (fold, scrape, realise).

ROUND_6_FLAGS = [
    ("both my legs have gone a bit numb", E),
    ("my bum has gone kind of numb since this morning", E),
    ("I can no longer lift either foot", E),
    ("I'm unable to lift either foot off the floor", E),
    ("my grandmother says her bottom area feels like it has gone to sleep and won't wake up", E),
    ("the skin around my you know what is numb", E),
    ("I wet myself without noticing after my walk", E),
    ("I'm seeing double with this neck pain after the gym", E),
    ("my chest hurts and it goes through to my back after a long drive", E),
    ("the sciatica started in my right leg and now it's in the left too", E),
    ("my other leg has started too, so it's both", E),
    ("me back's killing me and me legs have gone numb", E),
    ("I had a crap in my pants and didn't feel it", E),
    ("my legs keep folding under me", E),
    ("my bowel movements are happening without me feeling them", E),
    ("the nurse had to put a tube in to drain my bladder", E),
    ("toes keep scraping the floor on my right side", U),
    ("temperature is high and back pain too", U),
    ("lying down makes no difference to the pain", U),
    ("my sciatica has lasted over a month now without improving", S),
]

# The same words where they say nothing alarming.
ROUND_6_STILL_HARMLESS = [
    ("I feel like crap today but my back is fine", N),
    ("it scared the shit out of me when my back went", N),
    ("both my legs ache after my walk", N),
    ("my bum went numb after a long drive", N),
    ("my legs are a bit tired after the gym", N),
    ("it's holding me back at work", N),
    ("I'm not having any sensation problems, all good", N),
    ("my back twinged when i bent down to pick up the laundry", N),
    ("the pain is in my left leg, not the other leg", N),
]


@pytest.mark.parametrize(("utterance", "expected"), ROUND_6_FLAGS + ROUND_6_STILL_HARMLESS)
def test_recall_families_on_the_rules_alone(rules_alone: Triage, utterance: str, expected: str | None) -> None:
    assert _tier(rules_alone.classify(utterance)) == expected


def test_a_cue_sharing_its_word_with_a_longer_sign_is_not_a_cue() -> None:
    document = {
        "fillers": [], "spoken_variants": {}, "corrections": [],
        "breaks": {"sentence": ["."]}, "subjects": {"self": ["i"], "others": ["she"]},
        "concepts": {"area": ["bottom"], "numb": ["gone to sleep"]},
        "blockers": {"resolved": {"phrases": ["it's gone"], "after": {"words": 3, "stops_at": ["sentence"]}}},
        "rules": [{"id": "numb", "tier": "emergency", "sources": ["NHS-SCI"], "when": [{"all": ["area", "numb"]}]}],
    }
    triage = Triage.from_rules(document)
    assert _tier(triage.classify("my bottom it's gone to sleep")) == E  # "gone" is the sign's word, not the cue's
    assert triage.classify("my bottom had gone to sleep but it's gone") is None  # a cue of its own still blocks


# ---------------------------------------------------------------------------------------------------------
# Round 8, recall at its depth (issue 11): kinds found by fresh probe sets written from the fact sheet, none in the
# development bank: a failed attempt told as a story ("and there was nothing", "only peed once", "takes ages to get
# started"); control said as trouble ("trouble controlling my wee"); not making it to the toilet; "can never" as
# "can't"; a lost ability ("lost the use of", "my ability to wee has gone", "impossible to pee"); left and right named
# one after the other; legs that don't listen; pain had "for"/"since"/"from the last" weeks as not improving; drug
# names of steroids; a simile ("like novocaine") that names no cause.

ROUND_8_RECALL_FLAGS = [
    ("she's not really able to feel her bottom", E),  # a filler inside a spoken variant
    ("I sat on the loo and there was nothing", E),
    ("I've only peed once since yesterday", E),
    ("I stand at the toilet waiting for the wee to come", E),
    ("I can never tell if my bladder is full", E),
    ("I didn't make it to the bathroom in time", E),
    ("I'm having trouble controlling my wee", E),
    ("we've had to put pads on mum", E),
    ("it's become impossible to pee", E),
    ("my ability to wee has gone", E),
    ("my father has lost the use of his legs", E),
    ("my right leg and my left leg have both gone numb", E),
    ("my legs aren't listening to me", E),
    ("I'm having trouble feeling my feet", E),
    ("both my feet slap down when I walk", E),
    ("I can't get a stiffy since the back went", E),
    ("there's no feeling down there, like novocaine at the dentist", E),
    ("his bits don't respond since he hurt his back", E),
    ("it's like my bottom is made of wood", E),
    ("I keep going to the toilet in my bed", E),
    ("I haven't been able to stand up since this morning", E),
    ("I've lost my ability to feel when I need the loo", E),
    ("I've lost control of my bowl", E),  # a recogniser's spelling
    ("the pain shoots down each thigh", E),
    ("I take cortisone every day", U),
    ("my big toe won't come up", U),
    ("my walking has gone a bit wonky", U),
    ("he hasn't been sleeping because of the sciatica", S),
    ("I've had this back pain since the summer", S),
    ("it's been paining from the last three weeks", S),
    ("the pain's not reducing after a month", S),
    ("my wife has been complaining about her back for weeks", S),
    ("my neck has been paining since 20 days", S),
]

# The same words where they say nothing alarming.
ROUND_8_RECALL_HARMLESS = [
    ("my great uncle lost the use of his legs in the war", N),
    ("I ran for the train and didn't make it", N),
    ("I'm waiting for the physio letter to come", N),
    ("I went to the toilet and there was nothing wrong with it", N),
    ("I've been pain free for three months", N),
    ("my back ached for a few weeks after the move but it settled", N),
    ("I lost control of the car on the ice years ago", N),
    ("the kids aren't listening to me", N),
    ("the swimmer's feet slap the water", N),
    ("I can never remember which stretch comes next", N),
    ("the dentist numbed my lip and it's still numb", N),
]


@pytest.mark.parametrize(("utterance", "expected"), ROUND_8_RECALL_FLAGS + ROUND_8_RECALL_HARMLESS)
def test_recall_kinds_found_by_fresh_probes(rules_alone: Triage, utterance: str, expected: str | None) -> None:
    assert _tier(rules_alone.classify(utterance)) == expected


def test_fillers_said_inside_a_spoken_variant_are_skipped() -> None:
    document = {
        "fillers": ["really"], "spoken_variants": {"can't walk": ["not able to walk"]}, "corrections": [],
        "breaks": {"sentence": ["."]}, "subjects": {"self": ["i"], "others": ["she"]},
        "concepts": {"walking": ["can't walk"]}, "blockers": {},
        "rules": [{"id": "walk", "tier": "emergency", "sources": ["NHS-SCI"], "when": [{"all": ["walking"]}]}],
    }
    triage = Triage.from_rules(document)
    assert _tier(triage.classify("i'm not really able to walk")) == E
    assert _tier(triage.classify("i'm not able to walk")) == E
    assert triage.classify("i'm not really sure i want to walk") is None
