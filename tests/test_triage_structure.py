"""Sentence structure in red-flag triage: whose symptom it is, a question answered in the same breath, and how far a
past or resolved cue reaches. The rules alone are asked, so the learned second opinion cannot hide a regression.

Each case stands for a structure, not a phrasing; the comment above each group says what a failure means.
"""

from __future__ import annotations

import functools

import pytest

from skill.core.content import load_document
from skill.core.safety.learned import LearnedSecondOpinion, clarify_withheld
from skill.core.safety.triage import rules_alone


@pytest.fixture(scope="module")
def triage():
    return rules_alone("en-US")


def tier_of(triage, text: str) -> str:
    finding = triage.classify(text)
    return finding.tier if finding else "none"


# Whose symptom it is. A young child is a subject like anyone else: their accident is not the speaker's red flag
# (unless the back is part of it), but a child merely mentioned does not silence the speaker's own. A failure on
# the first group means a child's ordinary accident raises an alarm; on the second, that the speaker's own
# incontinence is missed because a child is in the sentence (the reflexive "myself" names the speaker even when
# the clause leaves its subject out after "my son"; "himself" is rewritten to "myself" for the phrases, so the
# subject must be read from the word as said).
CHILD_ACCIDENTS = [
    "my toddler wet himself today",
    "the baby pooed herself in the bath",
    "my grandson still wets the bed",
    "my four year old had an accident at nursery",
    "my daughter is potty training and keeps wetting herself",
    "babysitting my nephew's toddler and he's leaked through his nappy again",
]
SPEAKER_WITH_A_CHILD_AROUND = [
    "my friend came round with her baby and i wet myself without noticing",
    "my granddaughter noticed i'd wet myself, i didn't even know",
    "i was at the playground with my son and wet myself",
    "my grandson helped me up and i realised i'd lost control of my bowels",
]


@pytest.mark.parametrize("text", CHILD_ACCIDENTS)
def test_a_young_childs_accident_is_not_the_speakers_red_flag(triage, text):
    assert tier_of(triage, text) == "none"


@pytest.mark.parametrize("text", SPEAKER_WITH_A_CHILD_AROUND)
def test_the_speakers_own_incontinence_counts_with_a_child_in_the_sentence(triage, text):
    assert tier_of(triage, text) == "emergency"


def test_a_childs_accident_with_the_back_in_it_still_counts(triage):
    """children_need: a child's bladder or bowels with a back problem is a sign, not a potty-training story."""
    assert tier_of(triage, "my grandson hurt his back last week and now he's soiling himself") == "emergency"


# A question answered in the same breath. "numb? no" denies what the question names; "can I feel it when I wipe?
# no" affirms a loss; a recogniser writes no question mark ("any weakness no"). A failure on the denials means a
# checklist read aloud and answered no raises an alarm; on the affirmations, that a sign given as an answer is lost.
DENIED = [
    "numb? no",
    "do i have numbness between my legs? no, none",
    "any trouble peeing? no, that's all fine",
    "weakness in both legs? no, neither",
    "have i wet myself? no, thankfully",
    "is there any numbness around my bum? not at all",
    "any weakness no",
    "trouble peeing nope all good",
    "my bottom? no, no numbness there",  # the second "no" opens a denial of its own, not a repeated answer
]
AFFIRMED = [
    "can i feel it when i wipe? no, not really",
    "do i notice when i need a poo? not any more",
    "do i have numbness between my legs? yes",
    "any weakness? yes, both legs",
    "any numbness? no. but i can't pee at all",
]


@pytest.mark.parametrize("text", DENIED)
def test_a_question_answered_no_is_a_denial(triage, text):
    assert tier_of(triage, text) == "none"


@pytest.mark.parametrize("text", AFFIRMED)
def test_a_question_answered_with_the_sign_keeps_it(triage, text):
    assert tier_of(triage, text) == "emergency"


def test_a_correction_is_not_read_as_an_answer(triage):
    """Only a bare no that ends a subjectless clause answers it; "my left, no, my right" is a correction."""
    assert tier_of(triage, "my left leg, no, my right leg is numb") != "none"


# How far a past cue reaches. "Ten years ago I hurt my back and couldn't walk": a clause joined by "and" that leaves
# out its subject (or repeats the speaker) shares the first clause's time. A clause in the present ("and now I
# can't", "and I've wet myself", "... today") does not. A failure on the first list means old history raises an
# alarm; on the second, that a new sign told after old history is missed.
PAST_ACROSS_AND = [
    "ten years ago i hurt my back and couldn't walk for a week",
    "ten years ago i hurt my back and i couldn't walk for a week",
    "back in 2015 i slipped a disc and couldn't pee for a day",
    "many years ago i was in hospital and couldn't wee on my own",
    "back in the eighties i fell off a roof and couldn't feel my legs for a day",
]
PRESENT_AFTER_THE_PAST = [
    "ten years ago i hurt my back and now i can't walk",
    "ten years ago i hurt my back and can't walk",
    "years ago i had sciatica and i've wet myself",
    "years ago i had sciatica and wet myself this morning",
]


@pytest.mark.parametrize("text", PAST_ACROSS_AND)
def test_a_past_cue_carries_into_a_clause_joined_without_a_subject(triage, text):
    assert tier_of(triage, text) == "none"


@pytest.mark.parametrize("text", PRESENT_AFTER_THE_PAST)
def test_a_clause_in_the_present_is_not_carried_into_the_past(triage, text):
    assert tier_of(triage, text) == "emergency"


def test_a_joined_clause_after_a_present_one_is_not_carried_back_to_the_past(triage):
    """ "Used to ..., now ... and getting worse": the "and" joins the present clause, not the past one."""
    assert tier_of(triage, "my back used to only hurt first thing, now it's all day and getting worse") == "soon"


# Resolved episodes. A time word inside the episode ("numb this morning") is when it happened, and the recovery said
# after it still covers it; the same word after the recovery is a new episode. A clause with no subject of its own
# after a pause ("..., cleared up now") points back too. A failure on the first list means an episode the speaker
# says is over raises a tier; on the second, that a return is missed.
RESOLVED = [
    "my left foot was tingling this morning and then it went away",
    "both my legs went numb last week, cleared up now",
    "last year i had back pain and numb legs, all resolved with physio",
]
CAME_BACK = [
    "both my legs went numb and it went away, but this morning they're numb again",
    "my legs went numb last week and it cleared up, but today i can't feel my bum",
]


@pytest.mark.parametrize("text", RESOLVED)
def test_a_resolved_episode_is_not_a_sign(triage, text):
    assert tier_of(triage, text) == "none"


@pytest.mark.parametrize("text", CAME_BACK)
def test_an_episode_that_came_back_after_resolving_is_a_sign(triage, text):
    assert tier_of(triage, text) == "emergency"



# How far a denial reaches. "No X" reaches a list after a pause ("no numbness, tingling or weakness") but not a clause
# that carries its own polarity ("no weakness, can't pee"); a denial the speaker takes back later ("never before, but
# now I do", "until this morning") is no denial. A failure means a sign said beside a denial, or after taking one
# back, is lost.
DENIAL_DOES_NOT_REACH = [
    "no numbness, no weakness, just can't pee",
    "no fever, still can't feel my bum when i wipe",
    "i've never had numbness between my legs before but now i do",
    "i never had any trouble peeing until this morning",
]


@pytest.mark.parametrize("text", DENIAL_DOES_NOT_REACH)
def test_a_denial_does_not_reach_a_clause_of_its_own_or_one_taken_back(triage, text):
    assert tier_of(triage, text) == "emergency"


def test_a_denial_still_reaches_a_list(triage):
    assert tier_of(triage, "no numbness, tingling or weakness") == "none"


# An ability said as past and then denied is lost ("I used to be able to tell when I needed to pee, but not any
# more"); a symptom said as past and then denied is gone ("I used to feel pins and needles in my feet, but not any
# more"). A failure on the first means a lost sensation told this way is missed; on the second, that a symptom the
# speaker no longer has raises an alarm.
@pytest.mark.parametrize(("text", "expected"), [
    ("i used to be able to tell when i needed to pee but not any more", "emergency"),
    ("i could always feel when i needed a poo, but not any more", "emergency"),
    ("i used to feel pins and needles in my feet but not any more", "none"),
    ("i used to leak a bit but not any more", "none"),
])
def test_a_past_ability_denied_is_lost_and_a_past_symptom_denied_is_gone(triage, text, expected):
    assert tier_of(triage, text) == expected


# Each case below is a sign and its harmless twin told with the same structure: the rules must tell them apart.


# A denial corrected in the same breath ends where the correction begins ("not numb exactly, it's more like...",
# "it's not the stretches, it's the numbness in my bum"), also in recogniser text, where only the filler says so
# ("no pain just numb down there"). A failure on the sign means a sign said as the correction of a denial is
# missed; on the twin, that the correction now lifts what is still denied.
@pytest.mark.parametrize(("sign", "twin"), [
    ("i wouldn't say numb it's more like pins and needles in my private parts",
     "i wouldn't say numb it's more like stiff in my lower back"),
    ("it's not the stretches it's the numbness in my bum that's worrying me",
     "it's not the numbness in my bum it's the stretches that are hard"),
    ("it's not one leg any more it's both legs", "it's not both legs just the left calf that's tight"),
    ("no pain just numb in the saddle area", "no numbness just pain in my back"),
    ("not sore just cant feel my bum", "not numb just sore in my bum"),
    ("no leaking just cant empty my bladder", "no leaking just need the loo a lot"),
])
def test_a_denial_stops_where_its_correction_begins(triage, sign, twin):
    assert (tier_of(triage, sign), tier_of(triage, twin)) == ("emergency", "none")


# Someone's yes/no question reported and answered with a bare auxiliary: whether the answer is a sign depends on
# what was asked and how it was answered. A failure means the answer is read without its question.
@pytest.mark.parametrize(("sign", "twin"), [
    ("the paramedic on the phone asked if i could feel my bottom and i couldn't",
     "the paramedic on the phone asked if i could feel my bottom and i could"),
    ("the nurse asked if mum could feel her legs and she couldn't",
     "the nurse asked if mum could feel her legs and she could"),
    ("she asked if i had wet myself and i had", "she asked if i had wet myself and i hadn't"),
])
def test_a_reported_question_answered_with_a_bare_auxiliary_reads_as_the_answer(triage, sign, twin):
    assert (tier_of(triage, sign), tier_of(triage, twin)) == ("emergency", "none")


# Hypotheticals and advice: a conditional someone else said ("they said at the hospital if ..."), a conditional
# about what may come ("if I start leaking", "if there is any problem"), a question in the conditional mood
# ("would numbness in my groin be ...", "suppose I couldn't ..."), a question of chances or of how one would
# know, advice to watch for a sign, a wish that it never happens. A failure on the hypothetical means advice or a
# worry about the future raises an alarm; on the sign told plainly, that the fix swallowed it.
@pytest.mark.parametrize(("hypothetical", "sign"), [
    ("they said at the hospital if i get any trouble with my waterworks to come straight back",
     "they said at the hospital i've got numbness in my saddle area"),
    ("doctor uncle told that if there is any problem in passing urine we should go to hospital immediately",
     "i cant pass urine since morning"),
    ("if i start leaking do i call 999 or 111", "i've started leaking do i call 999 or 111"),
    ("suppose i couldn't control my bowels would that be an emergency",
     "i can't control my bowels would that be an emergency"),
    ("would numbness in my groin be a reason to call an ambulance",
     "numbness in my groin is that a reason to call an ambulance"),
    ("what are the chances of me losing feeling in my bum", "i'm losing feeling in my bum"),
    ("how do i know if my legs are properly weak or just tired", "my legs are properly weak not just tired both of them"),
    ("she said to keep an eye out for any weakness in both legs", "she said i have weakness in both legs"),
    ("the physio says to tell her straight away if i get pins and needles in both feet",
     "the physio says i've got pins and needles in both feet"),
    ("i'd hate to wet myself in public", "i wet myself in public"),
])
def test_a_conditional_or_advice_is_not_a_sign(triage, hypothetical, sign):
    assert (tier_of(triage, hypothetical), tier_of(triage, sign)) == ("none", "emergency")


# Said with "in case" or "if" about the telling itself ("in case it's relevant") or about this very moment ("right
# now"), a sign is real. A failure on the sign means it is missed; on the twin, that a true hypothetical fires.
@pytest.mark.parametrize(("sign", "twin"), [
    ("in case it's relevant both my legs have been weak since the weekend", "in case both my legs go weak what do i do"),
    ("is it bad if i cant feel when i pee right now", "is it bad if i cant feel when i pee one day"),
])
def test_a_sign_said_with_if_about_the_telling_or_the_moment_counts(triage, sign, twin):
    assert (tier_of(triage, sign), tier_of(triage, twin)) == ("emergency", "none")


# Time and clause edges. A past episode that "never came back" stays past (only a return that happened lifts the
# past); "because of" names a cause inside the clause, so the past cue reaches across it; numbness that "has gone
# into" the groin has spread, not cleared. A failure on the harmless one means an old episode raises an alarm; on
# the sign, that a present sign is missed.
@pytest.mark.parametrize(("sign", "harmless"), [
    ("i had numbness in both legs ten years ago and its come back", "i had numbness in both legs ten years ago and its never come back"),
    ("i have back pain because of an infection in my spine", "last year i had back pain because of an infection in my spine"),
    ("it was just my back at first but now the numbness has gone into my groin", "the numbness in my groin has gone"),
])
def test_time_and_clause_edges(triage, sign, harmless):
    assert tier_of(triage, sign) != "none" and tier_of(triage, harmless) == "none"


# Every way of saying a contracted auxiliary with "not" reads alike ("i haven't", "i have not", "i've not", "ive
# not", "i havent"): before, "i have not" and "i've not" read as "i've not" and missed the phrases written for
# "haven't" (a lost ability: "haven't been able to" is "can't"), while a denial could read as a sign in one form
# only. A failure names the form that reads differently from the others, or a tier that is wrong in all of them.
FORMS_OF_HAVE_NOT = ["i haven't", "i have not", "i've not", "ive not", "i havent"]
FORMS_OF_HAS_NOT = ["he hasn't", "he has not", "he's not", "hes not", "he hasnt"]
FORMS_OF_IS_NOT = ["it isn't", "it is not", "it's not", "its not"]


@pytest.mark.parametrize(("forms", "template", "expected"), [
    (FORMS_OF_HAVE_NOT, "{} noticed any numbness around my bum", "none"),
    (FORMS_OF_HAVE_NOT, "{} had any feeling down below since this morning", "emergency"),
    (FORMS_OF_HAS_NOT, "{} lost any feeling down below", "none"),
    (FORMS_OF_HAS_NOT, "{} had any feeling in his bottom since this morning", "emergency"),
    (FORMS_OF_IS_NOT, "six weeks of this back pain now and {} shifting at all", "soon"),
])
def test_every_form_of_a_negated_auxiliary_reads_alike(triage, forms, template, expected):
    tiers = {form: tier_of(triage, template.format(form)) for form in forms}
    assert tiers == {form: expected for form in forms}


# Ellipsis: a clause that leaves out what it shares with the one before ("and so has my bladder", "and neither can
# I feel my bum", "and now the other one has as well") is read in full. A failure on the sign means a sign said in
# the elided half is missed, or two one-sided halves are not read as both legs; on the twin, that the predicate was
# copied where nothing was elided or onto the wrong subject.
@pytest.mark.parametrize(("sign", "twin"), [
    ("my back went and so did my waterworks", "my back went and so did my husband's"),
    ("my right leg has gone numb and so has my left", "my right shoulder has gone stiff and so has my left"),
    ("one leg went numb this morning and now the other one has as well",
     "one knee went stiff this morning and now the other one has as well"),
    ("i can't feel my left thigh and neither can i feel my bottom", "i can't touch my toes and neither can my wife"),
    ("my left thigh is numb, and my right one is too", "my left shoulder is stiff, and my right one is too"),
])
def test_an_elided_clause_is_read_in_full(triage, sign, twin):
    assert (tier_of(triage, sign), tier_of(triage, twin)) == ("emergency", "none")


# A self-correction reads the same with or without the pauses around it: "my left leg, no, both legs" is "my left leg
# no both legs", whose "no" corrects and denies nothing. A failure means a typed correction hides the sign it
# corrects to.
@pytest.mark.parametrize("text", ["my left leg, no, both of them are weak",
                                  "my right side, no, both sides are numb down my legs"])
def test_a_correction_between_pauses_denies_nothing(triage, text):
    assert tier_of(triage, text) == tier_of(triage, text.replace(",", "")) == "emergency"


# Scope of a denial. "It's not that ..." denies the whole clause, its own subject included; a clause after a pause
# with a subject and verb of its own ("it's not like before, this time both legs have gone numb") is not denied. A
# failure on the harmless one means a denied clause raises an alarm; on the sign, that a denial reaches across a
# clause it does not belong to.
@pytest.mark.parametrize(("harmless", "sign"), [
    ("it's not that i can't pee, it's that the toilet is upstairs", "it's not that i'm in pain, i can't pee"),
    ("it isn't that my legs are weak, they're just tired", "it isn't like last time, now both legs are weak"),
    ("it's not like before, my back is better", "it's not like before, this time both legs have gone numb"),
])
def test_a_denial_reaches_its_own_clause_only(triage, harmless, sign):
    assert (tier_of(triage, harmless), tier_of(triage, sign)) == ("none", "emergency")


# Conditionals. An "if" clause supposes when its main clause is a plan or a would ("... I'll call", "would that be
# an emergency") or when it says so itself ("if it ever", "if it gets worse"), and then names no sign that is here;
# "if I'm honest", a habit ("if I sit down I can't feel my bum") or a question about now ("if I try to pee nothing
# comes out, what do I do") supposes nothing, and a sign said after it lifts it. A failure on the supposed one means
# a plan raises an alarm; on the sign, that a real sign said with "if" is missed.
@pytest.mark.parametrize(("supposed", "sign"), [
    ("if it ever gets to the point where i can't pee i'll ring an ambulance",
     "if i'm honest i haven't been able to pee all day"),
    ("if it gets worse and i can't walk, what would i do", "if i try to wipe i can't feel the paper at all"),
    ("if both my legs go weak one day i'll call an ambulance", "if i try to pee nothing comes out, what do i do"),
    ("if i wet myself would that be bad", "if i wet myself would that be bad? because i have"),
    ("if my legs get worse and i can't walk, i'll ring 999",
     "the doctor told me to come in if it got worse and now i can't feel my bum"),
])
def test_an_if_clause_that_supposes_names_no_sign(triage, supposed, sign):
    assert (tier_of(triage, supposed), tier_of(triage, sign)) == ("none", "emergency")


# A denial said first with the verb before its subject ("no way am I ...", "not once have I ...") denies what follows,
# as the told order does; and a correcting "just" ends a denial even when symptom words stand between ("not a lot of
# pain today just can't feel my bum"). A failure on the first means an emphatic denial raises an alarm; on the
# second, that a sign said after a corrected denial is missed.
@pytest.mark.parametrize(("denied", "told"), [
    ("no way am i wetting myself", "i'm not wetting myself"),
    ("not once have i lost control of my bladder", "i haven't once lost control of my bladder"),
])
def test_a_denial_said_verb_first_reads_as_told(triage, denied, told):
    assert tier_of(triage, denied) == tier_of(triage, told) == "none"


@pytest.mark.parametrize("text", ["not a lot of pain today just cant feel my bum",
                                  "no real trouble with the pain lately just cant feel when i wipe"])
def test_a_correcting_just_ends_a_long_denial(triage, text):
    assert tier_of(triage, text) == "emergency"


# A sentence split round "do" ("what I can't do any more is feel when I need a wee") reads as the plain clause; what
# one can do stays harmless. A failure on the sign means an ability lost is missed when said as a cleft.
@pytest.mark.parametrize(("sign", "harmless"), [
    ("what i can't do any more is feel when i need a wee", "what i can do is walk a bit further each day"),
])
def test_a_cleft_round_do_reads_as_the_plain_clause(triage, sign, harmless):
    assert (tier_of(triage, sign), tier_of(triage, harmless)) == ("emergency", "none")


# A recogniser writes no commas: a clause whose subject is both of someone's legs or feet, with its own verb, starts
# afresh after a denial of something else ("it isn't the cold both my feet have been numb"), as it does after a pause;
# where that subject is what is denied, thought or asked about, the denial still reaches it. A failure on the first
# means a sign said after ruling out a cause is lost on an Echo (whose slot values carry no commas); on the second,
# that a denial of both legs has become an alarm.
@pytest.mark.parametrize("sign", [
    "it isn't the cold both my feet have been numb for days",
    "not the heat pack both legs have gone weak",
    "it's not sciatica both his feet have gone numb",
])
def test_a_new_clause_about_both_legs_ends_a_denial_without_a_pause(triage, sign):
    assert tier_of(triage, sign) == "emergency"


@pytest.mark.parametrize("denied", [
    "i don't think both my legs are numb",
    "it's not in both my legs",
    "no numbness in both my legs",
    "i wouldn't say both my legs are numb",
])
def test_a_denial_of_both_legs_still_reaches_them_without_a_pause(triage, denied):
    assert tier_of(triage, denied) == "none"


# "nothing since" after a loss said with its own denial ("no feeling, nothing since the fall") repeats the loss, as
# spoken emphasis; after an episode told as over ("a bit of numbness on sunday, nothing since") it says it resolved.
# A failure on the first means a loss said emphatically is read as resolved (on an Echo it had reached no number).
@pytest.mark.parametrize(("emphatic", "resolved"), [
    ("his privates don't work no feeling nothing since the fall", "had a bit of numbness on sunday nothing since"),
])
def test_nothing_since_after_a_loss_is_emphasis_not_a_recovery(triage, emphatic, resolved):
    assert (tier_of(triage, emphatic), tier_of(triage, resolved)) == ("emergency", "none")


# A new clause said with no punctuation (a subject with its own finite verb, after a clause that has one) ends a
# question, advice or worry cue, as a pause would: "the nurse asked about numbness my bum has gone numb" tells a sign
# after the question. A failure means a sign said in the same breath as a reported question or a worry is lost on
# an Echo, whose slot values carry no commas.
@pytest.mark.parametrize("sign", [
    "the form asked about weight loss my legs have gone weak",
    "my physio asked whether i'd had any leaks my pants are wet and i didn't notice",
    "the doctor mentioned bowel problems my bowels have gone",
    "i'm worried about ending up in a wheelchair my legs have both gone weak",
])
def test_a_new_clause_without_a_pause_ends_a_question_or_worry(triage, sign):
    assert tier_of(triage, sign) == "emergency"


# The same for a denial: after "it's not like before" a subject with its own verb starts afresh, whoever it is
# ("i can't pee", "they've both gone numb"), not only both legs (above). A failure means a sign said after ruling out
# the past is lost without a pause.
@pytest.mark.parametrize("sign", [
    "it's not like before i can't pee at all now",
    "it's not like before they've both gone numb my legs",
])
def test_a_new_clause_of_anyone_ends_a_denial_without_a_pause(triage, sign):
    assert tier_of(triage, sign) == "emergency"


# What is said or thought ("nobody said my legs were numb", "i never said ...") is the denial's own clause, not a new
# one; a clause taken as true ("i didn't realise i'd wet myself", "nobody noticed ...") is told, denial or not. A
# failure on the first means a denied report raises an alarm; on the second, that an unnoticed accident is missed.
@pytest.mark.parametrize(("denied", "told"), [
    ("nobody said my legs were numb", "i didn't realise i'd wet myself"),
    ("i never said my legs were weak", "nobody noticed i'd wet myself"),
    ("the doctor never said my legs would go numb", "no one told me i'd wet myself"),
    ("nobody thought my legs would give way", "i didn't even know my bum had gone numb"),
])
def test_a_clause_said_or_thought_stays_denied_and_a_clause_taken_as_true_does_not(triage, denied, told):
    assert (tier_of(triage, denied), tier_of(triage, told)) == ("none", "emergency")


# A supposition runs on over "and" into the next thing supposed ("what if the disc bursts and i can't feel my legs"),
# and an inverted question about the future ("could i end up paralysed", "will my legs stop working") supposes; a
# supposition that says how long it has been going on ("... i've been trying to pee all morning", "since yesterday")
# is a report. A failure on the first means a worry raises an alarm; on the second, that a report asked as a
# question is missed.
@pytest.mark.parametrize(("supposed", "sign"), [
    ("what if the disc bursts and i can't feel my legs", "the disc burst and i can't feel my legs"),
    ("suppose it slips again and i can't pee", "what if it's the disc i can't feel my legs"),
    ("what would happen if it slipped again and i couldn't walk", "she asked if i could feel my bum and i couldn't"),
    ("could i end up paralysed from this", "might i have wet myself without noticing"),
    ("will my legs stop working if i keep lifting",
     "what does it mean if i've been trying to pee all morning and nothing comes out"),
    ("could sitting all day make my legs numb", "is it bad if i haven't been able to pee since last night"),
])
def test_a_supposition_runs_on_over_and_and_a_duration_makes_it_a_report(triage, supposed, sign):
    assert (tier_of(triage, supposed), tier_of(triage, sign)) == ("none", "emergency")


# A past cue ("used to", "years ago") ends at a new clause told in the present ("now it's going down both"), said with
# no pause; a clause that goes on with the past story stays in the past. A failure on the sign means sciatica that
# has spread to both legs is missed when the speaker first says how it used to be; on the story, that an old episode
# raises an alarm.
@pytest.mark.parametrize(("sign", "story"), [
    ("it used to go down my right leg now it's going down both legs",
     "years ago my back went my legs were numb for a week"),
    ("i used to get sciatica in my left leg now it's in both legs", "i used to have a weak bladder now i'm fine"),
])
def test_a_past_cue_ends_at_a_new_clause_in_the_present(triage, sign, story):
    assert (tier_of(triage, sign), tier_of(triage, story)) == ("emergency", "none")


# A question said as the main clause right after an "if" clause ("would that matter", "should I worry", "is that
# bad") is what that clause supposes, when the "if" clause is one clause; with a clause of its own between them ("if I
# stand up my legs give way") the question asks about that report. A failure on the supposed one means a worried
# question raises an alarm; on the sign, that a habit told with "if" and then asked about is missed.
@pytest.mark.parametrize(("supposed", "sign"), [
    ("if i started leaking would you tell me to call someone",
     "if i go for a wee nothing comes out should i call someone"),
    ("if my legs gave way would that count as serious", "if i stand up my legs give way both of them is that serious"),
    ("assuming i lost the feeling in my bottom should i ring 999", "when i wipe i can't feel anything is that normal"),
    ("if i felt dizzy on the neck routine would it matter", "if i cough i can't feel it when i wet myself is that bad"),
    # told in the present, the "if" clause may be what is happening, and stays a report
    ("if i get a high temperature with my back should i worry", "if i can't pee is that serious"),
    # clauses joined under one "if" in the past it supposes in; joined in the present they may be a habit told
    ("if i went dizzy and my neck ached during the stretch, would that matter",
     "if i sit down and my legs go numb is that bad"),
    # a question in the conditional mood before the "if" supposes too; one about now ("should I call") does not
    ("what would you say if my grandad couldn't feel his feet", "should i call an ambulance if i can't feel my legs"),
])
def test_a_question_after_one_if_clause_supposes_it(triage, supposed, sign):
    assert (tier_of(triage, supposed), tier_of(triage, sign)) == ("none", "emergency")


# A past cue carries into a joined clause with its own subject when that clause's verb is plainly past ("in 2016 I
# had an op and my legs were weak for weeks", "years ago mum slipped and she couldn't walk"); a clause in the present,
# or with a present time word, is not carried ("... and my legs are weak again now"). A failure on the story means old
# history raises an alarm; on the sign, that a new sign told after old history is missed.
@pytest.mark.parametrize(("story", "sign"), [
    ("in 2016 i had a disc op and my legs were weak for weeks after",
     "in 2016 i had a disc op and my legs are weak again now"),
    ("years ago my mum slipped on ice and she couldn't walk for a month",
     "my mum slipped on ice this morning and she can't walk"),
    ("back in 2015 i had a fall and my bladder stopped working for a day",
     "back in 2015 i had a fall and my bladder stopped working today"),
    ("a few years back i slipped a disc and my legs went numb for a week",
     "ten years ago i had sciatica and my legs went numb yesterday"),
])
def test_a_past_cue_carries_into_a_joined_clause_whose_own_verb_is_past(triage, story, sign):
    assert (tier_of(triage, story), tier_of(triage, sign)) == ("none", "emergency")


def test_a_cue_that_swallows_a_concept_phrase_frees_the_denial_inside_it(triage):
    # "hasn't been" is the retention phrase unless the progressive cue swallows it ("hasn't been trying"); its
    # "hasn't" must then deny "trying to lose weight", or unexplained weight loss reads as a diet.
    said = "my husband's clothes are hanging off him, he hasn't been trying to lose weight and his back is worse"
    assert tier_of(triage, said) == "urgent"


def test_an_ending_element_matches_longer_words_only_and_never_opens_a_phrase():
    import copy

    from skill.core.safety.triage import Triage
    document = copy.deepcopy(load_document("en-US", "red_flags"))
    document["blockers"]["progressive_been"]["phrases"] = ["*ing been"]
    with pytest.raises(ValueError, match="ending"):
        Triage.from_rules(document)
    rules = rules_alone("en-US")
    assert tier_of(rules, "we haven't been trying for a baby because of my back") == "none"
    assert tier_of(rules, "i haven't been since yesterday morning and i'm bursting") == "emergency"


# A feeling named as the subject of a verb of ending ("the tingling in my feet stopped") is over; the same verbs with
# a place after them say where it went or reaches ("settled in my groin", "stopped at my knees"). A failure on the
# sign means a spreading numbness reads as resolved.
@pytest.mark.parametrize(("over", "sign"), [
    ("the tingling in my feet stopped last week", "the numbness has settled in my groin"),
    ("the pins and needles in both legs wore off", "the tingling settled into my bum and stayed"),
    ("the weakness in my left leg cleared up after a week", "the numbness stopped at my knee on both legs"),
])
def test_a_feeling_that_stopped_is_over_and_one_that_moved_is_not(triage, over, sign):
    assert (tier_of(triage, over), tier_of(triage, sign)) == ("none", "emergency")


@functools.lru_cache(maxsize=None)  # compiling the rules takes seconds
def _without(section: str):
    """The en-US rules compiled without one engine section of red_flags.json: the words come from the data."""
    import copy

    from skill.core.safety.triage import Triage
    document = copy.deepcopy(load_document("en-US", "red_flags"))
    document.pop(section)
    return Triage.from_rules(document)


# A concept phrase's "..." never runs across a denial ('gap_denials'): in "pee fine no leaks" the "no" governs
# "leaks", so "pee ... leaks" is not said. A denial written into a phrase, or said as the sign itself ("feel nothing
# when i wipe", "can not feel"), still reads. A failure on the first means a denied sign reads as said; on the
# second, that the stop hides a real one.
@pytest.mark.parametrize(("denied", "sign", "tier"), [
    ("pee fine no leaks", "my pee just leaks out when i stand up", "emergency"),
    ("urine ok no leaks", "i feel nothing when i wipe", "emergency"),
    ("pain isn't affecting my sleep", "the pain is affecting my sleep", "soon"),
    ("the back pain isn't waking me at night", "the back pain keeps waking me at night", "urgent"),
    ("wee is normal no dribbling no trouble starting", "i can not feel the toilet paper when i wipe", "emergency"),
])
def test_a_gap_never_runs_across_a_denial_of_what_follows(triage, denied, sign, tier):
    assert (tier_of(triage, denied), tier_of(triage, sign)) == ("none", tier)
    assert tier_of(_without("gap_denials"), denied) != "none"  # the stop is the lexicon's, not a phrase's


# A denied modal left at the end of its clause after a failed attempt takes the attempt's verb ('stranded_modals'):
# "needed to pee on the way home and i just couldn't" is retention. A wish is no attempt, and the verb keeps what it says
# where ("go to the gym" is not "go"). A failure on the first means a described failed attempt is missed.
@pytest.mark.parametrize("stranded", [
    "needed to pee on the way home and i just couldn't",
    "needing to urinate all evening and i simply can't",
    "desperate to pee for the last hour and i just can't",
])
def test_a_stranded_denied_modal_carries_the_attempted_verb(triage, stranded):
    assert tier_of(triage, stranded) == "emergency"
    assert tier_of(_without("stranded_modals"), stranded) != "emergency"


@pytest.mark.parametrize("harmless", [
    "i keep trying to go to the gym but i can't",
    "i tried to stretch and i can't",
    "i want to walk to the shops but i can't",
])
def test_a_stranded_modal_after_a_wish_or_an_errand_is_no_sign(triage, harmless):
    assert tier_of(triage, harmless) not in ("emergency", "urgent")


# "since" dates an onset ("numb since yesterday") and lifts a blocker; right before the blocker's own cue it opens
# the reason instead ("since I have diabetes my feet are numb") and lifts nothing ('cue_openers'). A failure on the
# first means a told cause is read as a new onset; on the second, that a dated onset is explained away.
@pytest.mark.parametrize(("explained", "dated"), [
    ("since i have diabetes my feet are numb anyway", "my feet are numb since yesterday and i'm diabetic"),
    ("since i was at the gym my legs feel like jelly", "since the gym yesterday my legs have been weak"),
    ("since i'd been running my legs were wobbly", "both legs weak after running and they're getting worse"),
])
def test_since_opening_the_cause_lifts_nothing(triage, explained, dated):
    assert (tier_of(triage, explained), tier_of(triage, dated)) == ("none", "emergency")


# A denied place ("not in my groin", "isn't around my bottom") is one phrase: its possessive is no break, so the
# denial reaches the place it names, while the place said next in its own clause still counts. A failure on the
# first means a symptom placed elsewhere reads as saddle numbness; on the second, that a denial hides the real place.
@pytest.mark.parametrize(("placed_elsewhere", "sign"), [
    ("the numbness is not in my groin it's just my left shin", "the pain is not in my back it's numbness in my bum"),
    ("the numbness isn't in my bum, it's in my calf", "it's not in my back anymore it's in my groin and i can't feel it"),
])
def test_a_denied_place_is_denied_and_the_place_said_instead_counts(triage, placed_elsewhere, sign):
    assert (tier_of(triage, placed_elsewhere) != "emergency", tier_of(triage, sign)) == (True, "emergency")


# A word that lifts a block is no lift inside the very cue that reaches: "it's back" says a sign returned, but in
# "it's back to normal" it is part of the recovery; and a symptom that "has gone" is a recovery, but one that "has
# gone worse" or "gone into both legs" is not. A failure on the first group means a recovery told after the sign
# still raises the alarm; on the second, that a return, a worsening or a spread no longer lifts it.
@pytest.mark.parametrize("recovered", [
    "both my legs went numb on saturday but it's back to normal",
    "i had trouble peeing last week but everything's back to normal now",
    "my bum went numb on the bike yesterday, they're back to normal now",
    "the numbness in both legs has completely gone",
    "my groin numbness is gone now",
])
def test_a_lifting_word_inside_the_recovery_cue_lifts_nothing(triage, recovered):
    assert tier_of(triage, recovered) == "none"


@pytest.mark.parametrize("returned", [
    "both my legs went numb on saturday, it went away but now it's back",
    "i had trouble peeing last week, it cleared up but it came back today",
    "my saddle numbness has gone worse",
    "the tingling in my feet has gone up into both legs",
])
def test_a_return_after_the_recovery_still_lifts_it(triage, returned):
    assert tier_of(triage, returned) == "emergency"


def _always_asks() -> LearnedSecondOpinion:
    """A second opinion sure of the clarifying question for anything, with the rules' own withholding: what it lets
    through is the withholding's, not the shipped weights'."""
    return LearnedSecondOpinion({"bias": [0.0, 0.0, 0.0, 10.0, 0.0]}, 0.5, "Is any of this new?",
                                withheld=clarify_withheld(load_document("en-US", "red_flags")))


# The learned model may not ask the clarifying question where all that is live is a vague complaint and its
# circumstances (the back, when, getting worse): a bad-back day names nothing the question asks about. A failure on
# the first group means every "my back's acting up" is asked about numbness and the bladder; on the second, that a
# vague sentence about the body, the toilet or nothing the rules read is no longer asked.
@pytest.mark.parametrize(("utterance", "tier"), [
    ("my back's acting up again today", "none"),
    ("the old back is playing up again", "none"),
    ("something's not right down there", "clarify"),
    ("my back is acting up and the toilet's been weird", "clarify"),
    ("i feel a bit strange", "clarify"),
])
def test_the_learned_clarify_is_not_asked_of_a_vague_bad_back_day(triage, utterance, tier):
    try:
        triage.with_second_opinion(_always_asks())
        assert tier_of(triage, utterance) == tier
    finally:
        triage.with_second_opinion(None)
