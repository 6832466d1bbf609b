"""Red-flag recall by family of wording: each table is one pattern (a structure or a composition of a word for a
function with a word for its loss), with harmless twins that share its words and carry no sign.

Checked on the rules alone, so the learned second opinion cannot hide a gap. Tiers as in test_safety.py, from
shared/clinical-facts.md section 1.
"""

from __future__ import annotations

import pytest

from skill.core.safety import triage as triage_module
from skill.core.safety.triage import Finding, Triage

E, U, S, A, N = "emergency", "urgent", "soon", "clarify", None

# A function asked about as a fragment and answered as lost or gone: the answer denies what was asked, so a
# function lost is a sign and a symptom gone is not. Only after a written '?' and only as the whole answer.
ANSWERED_AS_GONE = [
    ("bladder control? lost it", E),
    ("Bladder control? I've lost it.", E),
    ("control of my bladder? it's gone", E),
    ("bowel control? i've got none", E),
    ("bowel control? gone. completely", E),
    ("feeling down there? there's none", E),
    ("feeling when i wipe? its gone", E),
    ("any feeling when you wipe? nope", E),
    # twins: the thing asked about is a symptom, so its going is good news
    ("numbness down there? all gone", N),
    ("the numbness in my bum? it's gone now", N),
    ("the numbness in my bum? no", N),
    ("pins and needles in both legs? gone", N),
    ("any leaking? nothing", N),
    ("bladder control? i've never lost it", N),
    ("what's wrong? nothing much", N),
]

# The same loss said without a question mark, as a recogniser writes it: a function word then its loss.
FUNCTION_THEN_LOSS = [
    ("bowel control i've got none", E),
    ("feeling when i wipe its gone", E),
    ("feeling down there gone", E),
    ("bowel control has given up", E),
    ("i have zero bladder control", E),
    ("no bowel control", E),
    # twins
    ("my bowel control is fine", N),
    ("i have no bowel control issues", N),
    ("feeling much better the ache's gone", N),
    # "shot" and "weak" of bladder control are the long-standing idiom: not new, not a red flag
    ("my bladder control is shot since having kids", N),
    ("the feeling of pressure in my bum has gone", N),
]

# The flow of urine said to have stopped: the stopping is the sign, not a symptom going away.
OUTPUT_STOPPED = [
    ("my flow has stopped completely", E),
    ("the flow has stopped", E),
    ("my wee has stopped", E),
    ("his pee has dried up", E),
    ("my pee stream has just stopped and my tummy feels tight", E),
    ("i can only manage a few drops when i go", E),
    ("my husbands pee has stopped and his back is killing him", E),
    # twins: something about the urine stopped, or a symptom of passing it
    ("my pee has stopped burning", N),
    ("my wee has stopped stinging since the antibiotics", N),
    ("the blood in my pee has stopped", N),
    ("the burning in my wee has stopped", N),
    ("the tablets for my waterworks have stopped", N),
    ("the pain when i pee has stopped", N),
    ("the pee stream has stopped hurting", N),
    ("when i go to the gym my back hurts", N),
]

# An organ said to have failed or gone: the bladder's or bowels' function lost, not a symptom gone.
ORGAN_FAILED = [
    ("my bladder has failed", E),
    ("my bladder's gone completely", E),
    ("my waterworks have gone", E),
    ("my bladder doesn't work any more", E),
    ("my bowels are kaput", E),
    ("my legs have failed", E),
    ("both my legs have died", E),
    ("my legs went and i ended up on the kitchen floor", E),
    # twins: constipation, a symptom of the organ gone, an ordinary tiredness
    ("my bowels have stopped", N),
    ("my bowels don't work properly with ibs", N),
    ("my bladder has gone into spasm", N),
    ("the pain in my bladder has gone", N),
    ("my bladder has gone funny since the kids", N),
    ("my legs died after the hike", N),
    ("my legs went and i fell asleep on the sofa", N),
    ("my legs have never failed me", N),
]

# Wet as a state, not noticed: carers say it of the person they look after.
WET_NOT_NOTICED = [
    ("mum doesnt notice when shes wet", E),
    ("i can't tell when i'm wet any more", E),
    ("i never feel like i need to pee anymore", E),
    ("i wee'd myself on the bus and never felt a thing", E),
    ("the carer says gran has been wet every morning this week and her back is bad", E),
    ("i have no sense of when i need the loo anymore", E),
    # twins: wet from the weather, or a young child still learning
    ("mum doesn't notice when she's wet from the rain", N),
    ("i'm soaked through from the rain and didn't notice", N),
    ("the baby doesn't notice when he's wet", N),
    ("my toddler doesn't notice when she's wet", N),
    ("i wake up soaked every night from night sweats", U),
    ("i have no sense of direction", N),
    ("the baby doesn't notice when he needs a wee", N),
]

# Difficulty walking said as a hard time or a struggle, and feet that cannot be lifted (both feet).
WALKING = [
    ("i'm having a really hard time walking and my back hurts", E),
    ("dad's having a hard time standing up", E),
    ("i'm finding walking really hard", E),
    ("im shuffling now, cant pick my feet up", E),
    # twins
    ("i'm not having a hard time walking", N),
    ("i had a hard time walking after the marathon", N),
    ("i found it hard to walk in those heels", N),
    ("my legs just go to the gym every day", N),
]

# Both legs named one side at a time: the second side joining the first.
SIDES_IN_TURN = [
    ("my left leg is numb and now my right leg is numb too", E),
    ("first my right leg now my left leg is numb", E),
    # twins: one side only, the other said to be fine
    ("my left leg is fine but my right leg is numb", S),
    ("my right leg is numb and my left leg is fine", S),
    ("my right leg was numb last year, now my left leg is fine", N),
    ("my left leg hurts and now my right leg is fine", N),
]

# Everyday words for a crash, wind, and the slips a typist makes (a recogniser would not).
WORDS = [
    ("smashed my car this morning and my neck is killing me", E),
    ("i cant tell when im farting any more", E),
    ("numbnes around my anus", E),
    ("numbess in my groin", E),
    ("i have lost controle of my bladder", E),
    ("double sciatica", E),
    ("ive lost all feeling in my pelvic floor", E),
    ("my bowels just emptied themselves", E),
    ("i am not getting urine since morning", E),
    # twins
    ("somebody smashed my car window and my back is sore from cleaning up", N),
    ("i farted and my back twinged", N),
    ("my bowels opened this morning, all normal", N),
    ("i've been doing pelvic floor exercises", N),
    ("i'm not getting urine infections since i drink more water", N),
]

# Exercises not helping: book a review (1C), said without a number of weeks.
EXERCISES_NOT_HELPING = [
    ("the exercises arent helping", S),
    ("these exercises aren't doing anything", S),
    ("the stretches haven't helped at all", S),
    ("my exercises do nothing", S),
    # twins
    ("the exercises are helping", N),
    ("the stretches didn't hurt at all", N),
    ("i didn't do the exercises today", N),
    ("those exercises aren't for me, too easy", N),
]


@pytest.fixture(scope="module")
def rules_alone() -> Triage:
    return triage_module.rules_alone("en-US")


def _tier(finding: Finding | None) -> str | None:
    return finding.tier if finding else None


@pytest.mark.parametrize(("utterance", "expected"), ANSWERED_AS_GONE + FUNCTION_THEN_LOSS + OUTPUT_STOPPED
                         + ORGAN_FAILED + WET_NOT_NOTICED + WALKING + SIDES_IN_TURN + WORDS + EXERCISES_NOT_HELPING)
def test_family(rules_alone: Triage, utterance: str, expected: str | None) -> None:
    assert _tier(rules_alone.classify(utterance)) == expected


@pytest.mark.parametrize(("utterance", "reading"), [
    ("bladder control? lost it", "no bladder control ."),
    ("any feeling when you wipe? nope", "no feeling when you wipe ."),
    # the rest of the answer says what is gone, so the question is left as said
    ("bladder? its gone, i cant control it", "bladder . it's gone , i can't control it"),
])
def test_an_answer_of_loss_reads_as_a_denial_of_what_was_asked(rules_alone: Triage, utterance: str,
                                                               reading: str) -> None:
    assert " ".join(rules_alone.read(utterance).words) == reading
