"""Ordinary causes and word senses that the red-flag rules read as harmless, each beside a twin that is a real sign.

Each harmless phrasing stands for a family the blockers in red_flags.json cover (a foot asleep from sitting on the
floor, an arm slept on, legs tired after a shift, a character in a book, a denial said with "feel", a toilet break,
heartburn...). The rules alone are asked, so retraining the learned second opinion cannot hide a regression; the twins
go through the whole triage, which may only raise a tier, and must keep their tier: every blocker has an unless-list.
"""

from __future__ import annotations

import pytest

from skill.core.safety.triage import TIERS, rules_alone, triage_for

HARMLESS = [
    # posture and pressure
    "my legs went numb sitting on the floor at the kids' assembly",
    "my foot went dead on the long haul flight",
    "my thigh went numb from my phone in my pocket",
    "i woke up with a dead arm",
    "my hands went numb gripping the handlebars on the ride",
    # effort, tiredness, feelings, footing
    "my legs gave out on the last rep of squats",
    "i'm so tired my legs are dead",
    "both my legs are killing me today but that's cos i did squats at the gym yesterday",
    "my legs went to jelly at the top of the climbing wall",
    "my legs feel weak because i haven't eaten all day",
    "i felt a bit unsteady on the boat",
    # someone else's story, a programme, another patient
    "in the book i'm reading the character can't feel her legs",
    "the physio told me about a patient with cauda equina",
    # denials, the past, questions
    "my bum doesn't feel numb",
    "neither leg is numb",
    "zero tingling today",
    "i haven't been feverish",
    "i wet myself once after having my second baby, that was six years ago and never since",
    "do i need to call anyone if my leg goes numb during the routine",
    # word senses and everyday life
    "just going to the loo, won't be long",
    "i'm off to spend a penny",
    "i can't stand cold tea",
    "there was an accident on the motorway so i was late for physio",
    "i had indigestion, it felt like chest pain but it was the pizza",
    "i went to the toilet in the middle of the night and stubbed my toe",
    "i dropped my keys because my hands were full of shopping",
    # a seat's pressure, a posture, cold and wet, tight clothes
    "my bum went numb on the hard wooden bench at the match",
    "my foot goes numb when i cross my legs",
    "my toes went numb in my wet socks",
    # sleep, a game or a craft, a temperament, a shock
    "the pain woke me once but i went straight back to sleep",
    "i keep dropping catches at cricket",
    "i've always been clumsy, i trip over my own feet",
    "i nearly collapsed when i saw the gas bill",
    # pregnancy, the menopause, a muscle, posture, a diet
    "my back aches from carrying the bump, i'm seven months pregnant",
    "the midwife says it's pelvic girdle pain",
    "the night sweats are the menopause, my gp knows",
    "there's a knot in the muscle next to my spine",
    "my upper back aches from hunching over my laptop",
    "i've lost a stone since i cut out takeaways",
    # a shy bladder, an American near miss, questions in general and in the second person
    "i can't pee in a public toilet when i'm nervous",
    "i about peed my pants laughing",
    "what should you do if your legs go numb",
    "how numb is too numb with a slipped disc",
    "just checking, is numbness in one foot a reason to see the gp",
    # the words' other senses: an accident to things, falling in love, prices collapsing, swollen fingers
    "my partner had a little accident in the car park, just a scratch on the bumper",
    "i think i've fallen in love with these stretches",
    "share prices have collapsed again",
    "my fingers are swollen in the heat and my back's stiff",
    # morning stiffness, a fright, a run, a grim toilet, a new habit, a motorbike, a question about worry
    "i shuffle like an old man first thing until my back warms up",
    "my legs went wobbly when i saw the snake",
    "i ran 5k and my legs are dead",
    "i can't wee at work because the toilets are filthy",
    "i've lost half a stone since i started swimming",
    "my hand goes numb on my motorbike",
    "is it anything to be worried about if my back clicks",
    # an everyday cause named right after the feeling; a cold's temperature; smoke; a doze in a chair; Australian slang
    "my index finger is numb from using the stapler all morning",
    "i've got a temperature and a runny nose, the kids gave me their cold",
    "my chest is tight from the bonfire smoke",
    "dad dozed off in his armchair and his foot went dead",
    "my legs are cactus after the bushwalk",
    # feeling the exercise, things that fall, eyes, an activity started, lumpy things, a star sign, a dream
    "i can't feel the stretch in my calf, am i doing it wrong",
    "night falls so early now",
    "the shelf gave way and the books fell off",
    "i saw double in the 3d glasses",
    "i'm 58 and just started pilates for my back",
    "the hotel mattress was lumpy and my back is stiff",
    "i'm a cancer, it's my star sign",
    "i woke up in the night from a bad dream",
    # a sample cup, a known prolapse, frozen food
    "i had to give a urine sample and couldn't go at first because i was nervous",
    "i leak a little, i've got a prolapse and i'm on the waiting list",
    "my fingers went numb holding the frozen peas",
    # leg day, a hot room, coffee, a wobble board, a holiday bowel, a zip wire, a step, ice hockey, soft slippers, a match
    "i've just done legs at the gym and my legs are like jelly",
    "i felt faint in the hot classroom",
    "i've got the shakes from too much coffee",
    "i wobble all over the place on the balance board",
    "i can't go to the loo when i'm on holiday",
    "my legs were like jelly on the zip wire",
    "my foot went dead sitting on the bottom stair",
    "my toes went numb at the ice hockey",
    "i can't feel my feet in these fluffy slippers",
    "my legs turned to jelly during the penalties",
    # a stretch's name, a kitchen knife
    "how long should i hold the knee to chest stretch",
    "i had a little accident with the kitchen knife, just a nick",
]

TWINS = [
    ("my legs went numb sitting on the floor and they're still numb and weak", "emergency"),
    ("my foot went dead on the flight and now my bum is numb too", "emergency"),
    ("i woke up with a dead arm and it's still weak and i keep dropping things", "urgent"),
    ("my legs gave out after squats and now i can't feel my groin", "emergency"),
    ("i'm so tired and my legs are numb and weak, both of them", "emergency"),
    ("both my legs hurt but that's because of my back", "emergency"),
    ("i haven't eaten and my legs are weak and i can't pee", "emergency"),
    ("i was reading a book and now i can't feel my legs", "emergency"),
    ("my friend is here and he can't feel his legs after falling off the roof", "emergency"),
    ("my bum doesn't feel anything when i wipe", "emergency"),
    ("i wet myself once years ago and now it's happening again", "emergency"),
    ("should i call an ambulance if i can't feel my legs", "emergency"),
    ("i need to go to the loo but nothing comes out, hang on", "emergency"),
    ("i thought it was heartburn but the chest pain is crushing", "emergency"),
    ("the pain wakes me every night and i have to get up for the loo", "urgent"),
    ("i keep dropping things and my hands are numb", "urgent"),
    ("my bum went numb on the hard bench and it's still numb today", "emergency"),
    ("my groin goes numb when i cross my legs and it's not going away", "emergency"),
    ("the pain woke me and i couldn't get back to sleep, every night this week", "urgent"),
    ("i've always been clumsy but this week my hands are numb and i keep dropping things", "urgent"),
    ("i saw the bill and then my face drooped and my speech went slurred", "emergency"),
    ("i'm seven months pregnant and there's a new lump on my spine", "urgent"),
    ("i'm pregnant and i can't feel when i wee", "emergency"),
    ("night sweats and a temperature and my back is killing me, it's not the menopause", "urgent"),
    ("the knot on my spine is a hard lump and it's growing", "urgent"),
    ("my upper back aches from hunching over and it wakes me every night", "urgent"),
    ("i've lost a stone without trying, not dieting at all", "urgent"),
    ("i can't pee at all even at home and my back is agony", "emergency"),
    ("i'm desperate for the loo but nothing comes out", "emergency"),
    ("what should i do, my legs are numb", "emergency"),
    ("i broke a plate and then wet myself without noticing, my back's bad", "emergency"),
    ("i've fallen in the kitchen and hurt my back, i'm 80 with osteoporosis", "urgent"),
    ("i collapsed at the market and my face drooped", "emergency"),
    ("there's a swollen lump on my spine", "urgent"),
    ("i shuffle like a penguin and both my legs are numb", "emergency"),
    ("i ran 5k and now both legs are numb and weak", "emergency"),
    ("i can't wee at work or at home, nothing comes out and my back hurts", "emergency"),
    ("my foot is numb from sitting and now my bum is numb too and i can't pee", "emergency"),
    ("my fingers are numb from typing and my hands are getting weaker every day", "urgent"),
    ("my legs are numb from the waist down", "emergency"),
    ("my arm is numb from the shoulder down to my fingers", "urgent"),
    ("i've got a temperature and a cold and my back is really sore", "urgent"),
    ("i've got a temperature of 39 and a cough and i've had chemo", "urgent"),
    ("i'm not coping well with the pain", "soon"),
    ("my back is agony and the chest tightness isn't the smoke, it's crushing", "emergency"),
    ("i can't feel the stretch or anything when i wipe", "emergency"),
    ("i fell and the books fell on me, i hurt my back and can't feel my legs", "emergency"),
    ("i'm seeing double and my neck hurts and i feel sick", "emergency"),
    ("i'm a cancer survivor and my back pain is new", "urgent"),
    ("i've got a prolapsed disc and i've started leaking", "emergency"),
    ("i did legs at the gym and now both legs are numb and weak", "emergency"),
    ("i felt faint in the hot church and now my face is drooping", "emergency"),
    ("my foot went dead sitting on the bottom stair and now my bottom is numb too", "emergency"),
    ("the pain wakes me every night when i turn over and i can't get back to sleep", "urgent"),
    ("i'm holding my chest, it's crushing, and my back hurts", "emergency"),
]


@pytest.mark.parametrize("utterance", HARMLESS)
def test_ordinary_causes_raise_no_alarm(rules, utterance: str) -> None:
    assert rules.classify(utterance) is None


@pytest.mark.parametrize(("utterance", "tier"), TWINS)
def test_the_same_words_with_a_real_sign_keep_their_tier(utterance: str, tier: str) -> None:
    finding = triage_for("en-US").classify(utterance)
    assert finding is not None and TIERS.index(finding.tier) <= TIERS.index(tier), finding


# Harmless kinds said in new words, each with a twin that shares its words and is a real sign (the twin keeps its tier
# on the rules alone: no blocker may hide it, whatever the second opinion adds). Kinds: advice read or heard about the
# signs in general, fears of what might happen one day, a young child named with an age, an everyday cause (drink,
# pregnancy, a period, a seat, the cold), an urge said as what will happen, a joke taken back, a sign defined.
KINDS = [
    ("read_advice", "the booklet says numbness around your back passage means go to a&e",
     "the booklet says numbness around your back passage means go to a&e, and that's what i've got now", "emergency"),
    ("read_advice", "according to my aunt, who's a midwife, wetting yourself with a bad back means a&e",
     "according to my aunt wetting yourself means a&e, and i wet myself this morning without feeling it", "emergency"),
    ("read_advice", "the poster in the surgery says numbness between your legs needs an ambulance",
     "the website says losing feeling when you wipe is a red flag, and i've lost it", "emergency"),
    ("warned_frame", "the consultant said to ring 999 if i ever can't feel my bottom",
     "the consultant said to ring 999 if i can't feel my bottom, and now i can't feel it at all", "emergency"),
    ("warned_frame", "the gp told me to look out for numbness in my saddle area",
     "the gp told me to look out for numbness in my saddle area and it's started today", "emergency"),
    ("warned_frame", "my surgeon told me to go to the er if i can't pee after the operation",
     "my surgeon told me to go to the er if i can't pee, and i can't", "emergency"),
    ("denied_with_none", "there's no pain in my chest at all",
     "there's a crushing pain in my chest and my back", "emergency"),
    ("hypothetical", "if i lost feeling in my bum would that be an emergency",
     "if i lost feeling in my bum would that be an emergency? because i have", "emergency"),
    ("hypothetical", "just in case i ever can't pee, who should i ring",
     "just so you know i can't pee at all since last night", "emergency"),
    ("feared", "i'm terrified i'll end up wetting myself one day",
     "i'm terrified because i've wet myself twice today", "emergency"),
    ("feared", "my worst fear is losing the feeling in my legs",
     "my worst fear is happening, i'm losing the feeling in both legs", "emergency"),
    ("drink", "i had a skinful last night and wet the bed",
     "i hadn't had a drink but i wet the bed last night and didn't feel it", "emergency"),
    ("drink", "i was blind drunk and wet myself on the bus home",
     "i was drunk and wet myself and now i can't feel my bum", "emergency"),
    ("pregnancy", "i'm 32 weeks pregnant and i leak a little when the baby kicks",
     "i'm 32 weeks pregnant and i leak without feeling it and my back is agony", "emergency"),
    ("period", "i'm on my period and my lower back and both legs ache",
     "i'm on my period but both legs have gone numb and weak", "emergency"),
    ("period", "my period came early and i leaked through my jeans",
     "i leaked wee through my jeans without noticing and my back's bad", "emergency"),
    ("young_child", "my niece is three and she pooed her pants at the shops",
     "my husband is sixty and he pooed his pants at the shops, it's never happened before", "emergency"),
    ("young_child", "our baby is nine months old and can't walk yet",
     "our son is nine and he can't feel his legs after falling off the trampoline onto his back", "emergency"),
    ("seat", "my bum went numb on the bus to work",
     "my bum went numb on the bus and it's still numb tonight", "emergency"),
    ("cold", "both my feet are tingling after my ice bath this morning",
     "both my feet are tingling and weak and it's getting worse", "emergency"),
    ("urge", "i'm gonna wet myself if this train doesn't hurry up",
     "i keep wetting myself and can't hold it", "emergency"),
    ("joke", "that jump scare made me poo myself lol",
     "i pooed myself and didn't feel it, no joke", "emergency"),
    ("defined", "numb inner thighs means an ambulance",
     "my inner thighs are numb, which means an ambulance, right?", "emergency"),
    ("fine", "both legs feel strong, it's just my lower back that's sore",
     "both legs feel weak and my lower back is sore", "emergency"),
    ("denied_later", "i was worried i had cauda equina but i haven't got any of the signs",
     "i was worried i had cauda equina and now i can't feel my bum", "emergency"),
    ("feared", "i keep picturing my legs giving way on the escalator",
     "i'm frightened because both my legs have gone weak", "emergency"),
    ("warned_frame", "the physio said to phone an ambulance if i lose feeling in my saddle area",
     "the physio said to phone an ambulance if i lose feeling in my saddle area, and it's gone numb", "emergency"),
    ("tired", "my legs are dead, what a shift",
     "my legs are dead and numb, both of them, what a shift", "emergency"),
    ("young_child", "our daughter, who is four, wet herself at the party",
     "our daughter, who is forty, wet herself at the party without noticing, her back's been bad", "emergency"),
    ("past", "i had numbness in my bottom for a day in 2019, never again",
     "i had numbness in my bottom in 2019 and it's come back again today", "emergency"),
]

# More kinds found on fresh probe sets (session 24), each with a twin sharing its words: a sign's words denied inside a
# longer noun phrase, a near miss, legs spent by a race, a climb, a sport or the garden, a fear of one day, the signs
# denied or ruled out, advice read or told by a clinician, a hypothetical said as a plan or a supposition, a question
# whether to worry, a toddler's tumbles, a seat or a lecture, snow, a pulled muscle, idioms of fear and laughter, a
# tingle that stops when the stretch does, the dark, a clinician's "that's normal", a night kept awake by something else.
KINDS += [
    ("denied_noun_phrase", "no bladder control issues whatsoever, just the ache",
     "i've got no bladder control since this morning and my back is bad", "emergency"),
    ("denied_noun_phrase", "there's been no urine infection this year",
     "there's been no urine since last night and my back is agony", "emergency"),
    ("reflexive_denied", "he hasn't peed himself, he's just sweaty",
     "he hasn't peed since yesterday morning and his back is agony", "emergency"),
    ("modal_future", "the surgeon said i might lose feeling down there if i leave it too long",
     "the surgeon said i might be losing feeling down there and i can't feel when i wipe", "emergency"),
    ("modal_future", "without the operation i could lose the use of my legs",
     "since the operation i've lost the use of my legs", "emergency"),
    ("near_miss", "i almost got run over by a van crossing the road",
     "i got run over by a van crossing the road and my back is agony", "emergency"),
    ("near_miss", "i came within an inch of falling down the escalator",
     "i fell down the escalator and hurt my back", "clarify"),
    ("exertion", "at the end of the half marathon my legs just gave up",
     "at the end of the half marathon my legs gave up and they're still numb tonight", "emergency"),
    ("exertion", "after the netball final i could barely walk to the car",
     "after the netball final both my legs went numb and they still are", "emergency"),
    ("exertion", "after playing footy all afternoon both my legs ache",
     "after playing footy the pain has spread to both legs and my back is agony", "emergency"),
    ("exertion", "did a brutal leg session and now both my thighs are sore",
     "did a leg session and now both my legs are numb and weak", "emergency"),
    ("exertion", "i overdid it on the allotment and my back and legs ache",
     "i overdid it on the allotment and now i can't feel my bum", "emergency"),
    ("feared", "i worry i'll lose the use of my legs one day, but nothing like that has happened",
     "i was worried i'd lose the use of my legs and today it happened, both legs gave way", "emergency"),
    ("feared", "i dread the day i can't get up the stairs",
     "i dread this, i can't get up the stairs, both legs gave way", "emergency"),
    ("signs_denied", "i don't have any of the symptoms of cauda equina",
     "i don't have any of the symptoms except i can't feel my bum", "emergency"),
    ("signs_denied", "they scanned me for cauda equina last month and it was clear",
     "they scanned me last month and now i can't feel my bum", "emergency"),
    ("read_advice", "my osteopath says losing control of your bladder means hospital",
     "my osteopath says my bladder isn't emptying and my back is bad", "emergency"),
    ("defined", "weakness in both legs could mean a trapped nerve",
     "i've got weakness in both legs and my back hurts", "emergency"),
    ("warned_frame", "the surgeon said to come straight back if i can't wee after the op",
     "the surgeon said to come straight back if i can't wee, and i can't", "emergency"),
    ("warned_frame", "i was warned about numbness in my groin after the operation",
     "i was warned about numbness in my groin and now my groin is numb", "emergency"),
    ("warned_frame", "the consultant went through the warning signs with me, like leaking and numbness",
     "the consultant went through the warning signs and since then i've been leaking and numb", "emergency"),
    ("hypothetical", "if my feet go numb should i stop the routine",
     "my feet have gone numb, both of them, and my back's agony", "emergency"),
    ("hypothetical", "should i ever lose control of my bowels, who do i call",
     "i've lost control of my bowels and my back is agony", "emergency"),
    ("hypothetical", "imagine you couldn't feel your legs, what then",
     "i couldn't feel my legs this morning and i still can't", "emergency"),
    ("hypothetical", "if both my legs went numb would that be serious",
     "both my legs went numb this morning and my back hurts", "emergency"),
    ("worry_question", "should i worry about tingling in my legs after a long drive",
     "i'm worried because both my legs are tingling and my back is bad", "emergency"),
    ("young_child", "my nephew is twenty months and keeps falling over",
     "my nephew is three and keeps falling over since he hurt his back", "urgent"),
    ("young_child", "my toddler tumbled off the sofa, she's two",
     "my son is two and fell off the sofa and hurt his back", "clarify"),
    ("young_child", "my granddaughter is eighteen months and keeps falling over",
     "my granddaughter is two and keeps falling over, and she screams when i touch her back", "urgent"),
    ("seat", "my bum went numb on the bike seat on the long ride",
     "my bum went numb on the long ride and it's still numb days later", "emergency"),
    ("seat", "my bum goes numb sitting on the couch watching the cricket",
     "i can't feel my backside when i sit on the toilet", "emergency"),
    ("seat", "my bum is numb from the boring sermon",
     "my bum is numb from the sermon and it hasn't gone, and i can't pee", "emergency"),
    ("cold", "my fingers are numb from shovelling snow",
     "my fingers are numb and i keep dropping things", "urgent"),
    ("sprain", "i've got a pulled calf so i'm walking funny",
     "my walking has gone funny and my foot drags", "urgent"),
    ("idiom", "i'm pooing myself about my driving test tomorrow",
     "i pooed myself without feeling it and my back is bad", "emergency"),
    ("idiom", "i'm laughing my bum off at this show",
     "i stopped laughing when my bum went numb, and my back is agony", "emergency"),
    ("resolved", "the stretch gives me a tingle down one leg which stops when i relax",
     "the stretch gives me a tingle down one leg which doesn't stop when i relax and it's getting worse", "soon"),
    ("footing", "i stumbled in the dark going to the loo, nothing hurts",
     "i keep stumbling and my legs feel weak, both of them", "emergency"),
    ("clinician_fine", "both my legs get pins and needles in this pregnancy but the midwife says it's normal",
     "both my legs get pins and needles and my back's bad, and the midwife says go to hospital", "emergency"),
    ("other_reason", "can't sleep because of the heatwave",
     "i can't sleep because of my back", "soon"),
    # a sign's own words said as fine, a resolved episode, a single drop, an accident with no hurt, a fear elsewhere
    ("said_fine", "i can wee without any trouble, it's just my back",
     "i can't wee at all and my back is bad", "emergency"),
    ("said_fine", "i poo without any problems",
     "i pooed myself without any warning", "emergency"),
    ("said_fine", "neither of my legs hurts, it's my lower back",
     "neither of my legs will hold me up", "emergency"),
    ("said_fine", "i went down the whole flight of stairs with no trouble",
     "i fell down the whole flight of stairs and hurt my back", "emergency"),
    ("said_fine", "the pain's okay, even lying down",
     "the pain is no better in bed", "urgent"),
    ("warm_bedroom", "i sweat at night because it's summer and there's no air con",
     "i wake up drenched in sweat every night and i've got a temperature", "urgent"),
    ("sorted", "my bladder was leaky after the op but that's all sorted now",
     "my bladder is leaky since this morning", "emergency"),
    ("single_drop", "i dropped my keys on the way in",
     "i keep dropping my keys and my hand is numb", "urgent"),
    ("unhurt", "someone rear-ended me at the lights, no injuries",
     "someone rear-ended me and now my back is agony", "emergency"),
    ("dark", "i'm scared to walk home after dark",
     "my legs are like jelly and i'm scared to walk", "emergency"),
    ("hedged_denial", "i don't think i've lost any feeling down there",
     "i don't think there's any feeling in my bottom", "emergency"),
]


@pytest.fixture(scope="module")
def rules():
    """The rules alone, compiled once for these tables (compiling takes seconds)."""
    return rules_alone("en-US")


@pytest.mark.parametrize(("kind", "harmless"), [(kind, harmless) for kind, harmless, _, _ in KINDS],
                         ids=[f"{kind}-{i}" for i, (kind, *_) in enumerate(KINDS)])
def test_harmless_kinds_raise_no_alarm_from_the_slots_an_echo_sends(kind: str, harmless: str) -> None:
    # What the interceptor screens on an Echo: each slot value the resolver keeps, on its own, through the whole triage.
    from skill.local.nlu.resolver import IntentResolver
    slots = IntentResolver.for_locale("en-US").resolve(harmless).slots
    values = [slot.value for slot in slots.values() if isinstance(slot.value, str)]
    assert [triage_for("en-US").classify(value) for value in values] == [None] * len(values), (kind, values)


def test_a_frame_lending_cues_to_an_unknown_blocker_is_refused() -> None:
    import copy

    from skill.core.content import load_document
    from skill.core.safety.triage import Triage
    document = copy.deepcopy(load_document("en-US", "red_flags"))
    document["concepts"]["warned_signs"]["cues_within"] = ["no_such_blocker"]
    with pytest.raises(ValueError, match="cues_within"):
        Triage.from_rules(document)


def test_an_owner_before_the_symptom_names_whose_it_is() -> None:
    # "when I touch her back": the last person to speak is the speaker, but the back is the child's, so a toddler's
    # falls with her back in it still count (the rule needs the child's back); without 'owners' the back reads as mine.
    import copy

    from skill.core.content import load_document
    from skill.core.safety.triage import Triage
    said = "my granddaughter is two and keeps falling over, and she screams when i touch her back"
    document = copy.deepcopy(load_document("en-US", "red_flags"))
    assert Triage.from_rules(document).classify(said).tier == "urgent"
    document["subjects"]["owners"] = []
    assert Triage.from_rules(document).classify(said) is None


# Frames rather than phrases: each harmless sentence is read through the frame around the sign words (a cause that
# is denied, a hedged denial, a fear of what something could become or do one day, advice read somewhere or told at a
# clinic, a question about what is normal for a disc, a likeness, a laughing idiom, a fall's other senses, an episode
# over in seconds or never since, the cold of winter or the ice, a seat or the knees at prayer, a sport, a drink, a
# scar, a question answered "nope" in the same breath, a word taken back, a drunk fall, a reported question answered
# in reported speech), beside a twin in the same words with a real sign that must keep its tier. Every row failed
# before its frame was taught.
FRAMES = [
    ("denied_cause", "my toes are numb from the cold",
     "both my legs are numb and it's not from the cold", "emergency"),
    ("denied_cause", "my foot went dead kneeling to fix the tap",
     "i haven't been kneeling, both my legs just went numb", "emergency"),
    ("denied_cause", "my backside went numb on the bike saddle",
     "my bum's been numb for days and i haven't been on the bike", "emergency"),
    ("hedged_denial", "can't say i've had any trouble with my waterworks",
     "can't say i noticed before, but today i can't pee at all", "emergency"),
    ("fear_becomes", "i'm worried this disc could lead to incontinence",
     "i'm worried because this disc has made me wet myself", "emergency"),
    ("fear_someday", "i'm terrified that some day my legs will just stop working",
     "i'm terrified because both my legs have gone numb today", "emergency"),
    ("fear_going_to", "scared to death it's going to leave me in a wheelchair",
     "scared to death, my legs have both gone numb and weak", "emergency"),
    ("advice_read_in", "i saw on a health website that numbness in your bum is an emergency",
     "i saw on a health website that numbness in your bum is an emergency, and my bum has been numb since yesterday",
     "emergency"),
    ("question_for", "is it common for a slipped disc to make your foot tingle",
     "is it common for a slipped disc to make both my legs go numb, because they have", "emergency"),
    ("likeness", "my back feels like it's been hit by a bus",
     "a bus hit me and my back is agony", "emergency"),
    ("likeness", "i look like i've been in a car crash, my hair is a mess",
     "i've been in a car crash and my back is agony", "emergency"),
    ("laughing_idiom", "i pissed myself laughing at the panto",
     "i wet myself laughing and didn't feel it happen, that's new", "clarify"),
    ("fall_idiom", "i've fallen out of the routine since christmas",
     "i've fallen down the stairs and my back is agony", "emergency"),
    ("fall_idiom", "i keep falling behind with my exercises",
     "i keep falling over and both my legs are numb", "emergency"),
    ("never_since", "my leg buckled once in 2019, never again since",
     "my leg buckled once in 2019 and again today, and it's getting weaker", "urgent"),
    ("brief_episode", "the tingling in my toes only lasted a few seconds",
     "my foot tingled and then both feet went numb", "emergency"),
    ("cold", "my fingers go white and numb in winter",
     "my fingers are numb and i keep dropping things", "urgent"),
    ("cold", "my toes were numb after ice skating",
     "after ice skating i fell on my back and now i can't feel my legs", "emergency"),
    ("pressure", "my feet were tingling after mass on my knees",
     "after mass on my knees both my legs went numb and they still are", "emergency"),
    ("pressure", "my feet tingle if i sit on them too long",
     "my feet tingle all the time and i can't feel it when i wipe", "emergency"),
    ("sport", "both legs are dead after five a side",
     "after five a side i lost control of my bladder", "emergency"),
    ("drink", "legs wobbly after too much tequila",
     "i had some tequila and wet myself without noticing", "emergency"),
    ("scar", "the skin round my knee scar is numb",
     "the skin round my scar is fine but my groin is numb", "emergency"),
    ("question_answered", "am i having any trouble with my bowels, nope",
     "am i having trouble with my bowels, yes, i can't control them", "emergency"),
    ("corrected_word", "i said tingly but i meant achy",
     "i said tingly but i meant numb, my bum is numb", "emergency"),
    ("vehicle_mishap", "i had a small accident on the scooter, just a punctured tyre",
     "i had an accident on the scooter and came off onto my back", "emergency"),
    ("told_at_the_clinic", "the nurse told me at the surgery that numb legs mean go to a&e",
     "the nurse told me at the surgery that numb legs mean a&e, and both my legs are numb now", "emergency"),
    ("guidance_says", "the guidelines say anyone who can't pee with back pain should go to the er",
     "i can't pee and my back is agony", "emergency"),
    ("panic_fear", "i panic that i might lose control of my bowels at work",
     "i panic because i lost control of my bowels at work today", "emergency"),
    ("seat_of_travel", "both my legs went numb from sitting on the coach for five hours",
     "both my legs went numb on the coach and they're still numb two days later", "emergency"),
    ("drunk_fall", "had too much rum and fell over on the dance floor",
     "i fell down the stairs and my back is agony", "emergency"),
    ("stretch_feeling", "my legs feel a bit strange when i hold the stretch, it's a good stretch though",
     "my legs feel numb and weak when i hold the stretch, both of them", "emergency"),
    ("reported_answer", "the physio asked whether my feet were numb and i told him they weren't",
     "the physio asked whether my bottom was numb and i told him it was", "emergency"),
    ("reported_answer", "the paramedic asked if i'd had any accidents and i said i hadn't",
     "the paramedic asked if i'd had any accidents and i said i had", "clarify"),    # a stool to sit or stand on is no bowel movement (with "off" it had asked about the bowels)
    ("stool_to_sit_on", "standing on a step stool to reach the shelf feels off",
     "i stood on a kitchen stool and now i can't control my bowels", "emergency"),    # a parent or partner named with an article is a character in the story, not the one the speaker cares for
    ("character_with_article", "on the news a woman said the dad couldn't feel his legs after the crash",
     "my neighbour rang and said dad can't feel his legs", "emergency"),
    ("character_with_article", "my friend's telling me about a book where the mum can't walk",
     "my friend's here and says mum can't walk or feel her legs", "emergency"),
    # a question about what the disc could lead to supposes; a sign told after it does not
    ("future_question", "will my disc lead to me being paralysed",
     "would a slipped disc lead to this i've wet myself", "emergency"),
    ("future_question", "could it mean i lose control of my bowels",
     "could it mean something bad i've lost control of my bowels", "emergency"),
    # a feeling said to have settled is over, as "went away" is
    ("settled", "the tingling down my shin has settled",
     "the tingling down my shin has settled but now my bum is numb", "emergency"),
    # a feeling named as the one that stopped is over ("the pins and needles ... stopped"), not an organ that stopped
    ("sensation_stopped", "the pins and needles in my hand stopped",
     "the pins and needles in my hand stopped but now both legs are numb", "emergency"),
    # a sign said to run in the family is a heredity, not the speaker's report, until they say they have it
    ("heredity", "bowel trouble runs in my family",
     "bowel trouble runs in my family but since monday i've been soiling myself without noticing", "emergency"),
    ("heredity", "weak bones run on my dad's side",
     "weak bones run in the family and i've been on steroid tablets for years, my back hurts", "urgent"),
    # a time plainly past: "the winter before last", another's pregnancy, "last christmas"
    ("plainly_past", "the winter before last both my feet went numb for a while",
     "since the winter before last both my feet have been numb and now my bum is too", "emergency"),
    ("plainly_past", "when my daughter was pregnant she couldn't walk far at the end",
     "my daughter is pregnant and she can't feel her legs or her bottom", "emergency"),
    # pregnancy explains back pain worse at night; it explains no numbness
    ("pregnant_nights", "being pregnant my back is worse at night",
     "i'm pregnant and i can't feel my bum when i wipe", "emergency"),
    # a drink explains an erection that failed; not one that fails since the back went
    ("drink_erection", "couldn't get an erection after all that wine",
     "i can't get an erection since my back went and it's not the wine", "emergency"),
    # a steroid inhaler or cream is no immune suppression; tablets for years are
    ("local_steroid", "i take steroids in an inhaler for my asthma",
     "my steroid inhaler is fine but i've been on steroid tablets for years and my back hurts", "urgent"),
    # "haven't been" before an -ing verb is the progressive, not "haven't been to the toilet"
    ("progressive_been", "we haven't been trying for a baby because of my back",
     "she hasn't been for a wee since yesterday and her back is bad", "emergency"),
    # "off" as a verb's particle says nothing feels off
    ("particle_off", "switch that off now, i need to go to the bathroom",
     "switch the heat off, i need the toilet and i can't pee at all", "emergency"),
]


# The harmless kinds and frames above, each with its twin, on the rules alone.
KINDS_AND_FRAMES = KINDS + FRAMES


@pytest.mark.parametrize(("kind", "harmless"), [(kind, harmless) for kind, harmless, _, _ in KINDS_AND_FRAMES],
                         ids=[f"{kind}-{i}" for i, (kind, *_) in enumerate(KINDS_AND_FRAMES)])
def test_harmless_kinds_and_frames_raise_no_alarm(rules, kind: str, harmless: str) -> None:
    assert rules.classify(harmless) is None, kind


@pytest.mark.parametrize(("kind", "twin", "tier"), [(kind, twin, tier) for kind, _, twin, tier in KINDS_AND_FRAMES],
                         ids=[f"{kind}-{i}" for i, (kind, *_) in enumerate(KINDS_AND_FRAMES)])
def test_their_twins_keep_their_tier_on_the_rules_alone(rules, kind: str, twin: str, tier: str) -> None:
    finding = rules.classify(twin)
    assert finding is not None and TIERS.index(finding.tier) <= TIERS.index(tier), (kind, finding)


def test_a_denied_cause_explains_nothing() -> None:
    # The engine, not a phrase: a sense-bound blocker's cue right after a denial is no cause, whichever blocker.
    rules = rules_alone("en-US")
    for cause in ("it's not from the cold", "i haven't been kneeling", "it isn't the drink", "i wasn't on the bike"):
        assert rules.classify(f"both my legs are numb and {cause}").tier == "emergency", cause


# Someone else's named long-term condition explains that person's limb feeling, weakness and walking (MS, Parkinson's,
# a wheelchair user), as the speaker's diabetes explains numb feet; effort explains jelly legs after a run; "isn't
# stopping me from" is a denial, not "never stops". Each twin shares the words and must keep its tier: the saddle,
# the bladder, the speaker's own legs, or anything new today lift the condition.
OTHERS_AND_EFFORT = [
    ("others_condition", "my aunt has ms and can't feel her feet properly",
     "my mum has ms and since this morning she can't feel her legs", "emergency"),
    ("others_condition", "my mum's got parkinson's and she shuffles when she walks",
     "my aunt has ms and now she can't feel her bottom", "emergency"),
    ("others_condition", "my dad uses a wheelchair and can't feel his legs",
     "my husband has ms and i can't feel my legs", "emergency"),
    ("others_condition", "my sister had numb legs for months with her ms",
     "my husband has ms and now he can't feel his legs and wet himself", "emergency"),
    ("exertion", "legs like jelly after running this morning",
     "after running both my legs went numb and i can't feel my bum", "emergency"),
    ("exertion", "after running i get jelly legs", "after jogging my legs gave way both of them", "emergency"),
    ("denied_prevention", "the pain isn't stopping me from walking to the shops",
     "the pain never stops and it's keeping me from sleeping", "soon"),
]


@pytest.mark.parametrize(("kind", "harmless"), [(kind, harmless) for kind, harmless, _, _ in OTHERS_AND_EFFORT],
                         ids=[f"{kind}-{i}" for i, (kind, *_) in enumerate(OTHERS_AND_EFFORT)])
def test_someone_elses_condition_and_effort_raise_no_alarm(rules, kind: str, harmless: str) -> None:
    assert rules.classify(harmless) is None, kind


@pytest.mark.parametrize(("kind", "twin", "tier"), [(kind, twin, tier) for kind, _, twin, tier in OTHERS_AND_EFFORT],
                         ids=[f"{kind}-{i}" for i, (kind, *_) in enumerate(OTHERS_AND_EFFORT)])
def test_their_twins_with_a_new_or_own_sign_keep_their_tier(rules, kind: str, twin: str, tier: str) -> None:
    finding = rules.classify(twin)
    assert finding is not None and TIERS.index(finding.tier) <= TIERS.index(tier), (kind, finding)


# Frames that make what follows unreal (a dream, acting a part, a joke about it), a kind of person described rather
# than anyone here, one activity missed on one occasion, posture rather than legs, a fear for one day, what is usual
# for the speaker, an everyday outing missed or missed for another reason, shoes, a signal "dropping out", numbness
# wearing off: each beside a twin with the same frame where the sign is here now, which must keep its tier.
UNREAL_AND_ORDINARY = [
    ("unreal_frame", "i dreamed my bladder stopped working and i couldn't pee",
     "i dreamed about it then woke up and i really can't pee", "emergency"),
    ("unreal_frame", "had a horrible nightmare where both my legs went dead",
     "had a nightmare and now both my legs have gone dead", "emergency"),
    ("unreal_frame", "in the school play she pretends she can't walk",
     "she's not pretending, she can't walk and she's wet herself", "emergency"),
    ("unreal_frame", "my brother keeps joking about me wetting myself",
     "this is no joke, i can't feel my bottom", "emergency"),
    ("generic_people", "i'm a physio and i treat people who can't feel their legs",
     "i'm a physio and today i can't feel my own legs", "emergency"),
    ("passing_occasion", "i can't do the hoovering today, my back is sore",
     "i can't do the hoovering any more because of my back", "soon"),
    ("posture_not_legs", "he can't stand up straight after gardening",
     "he can't stand up straight and his legs keep giving way", "emergency"),
    ("feared_future", "i fear my bowels will stop working one day",
     "i fear my bowels have stopped working, i've soiled myself", "emergency"),
    ("long_standing", "my left foot has its usual tingle from the sciatica",
     "not the usual tingle, both my feet have gone numb", "emergency"),
    ("activity_without_reason", "i can't go out tonight",
     "i can't go out any more because of my back", "soon"),
    ("reason_elsewhere", "i can't sleep because the neighbours are having a party",
     "i can't sleep because of the pain in my back", "soon"),
    ("footwear", "i can't walk in these new boots",
     "i can't walk even in flat shoes, my legs are too weak", "emergency"),
    ("drop_particle", "my phone signal keeps dropping out",
     "i keep dropping things, my hands have gone numb", "urgent"),
    ("resolved", "my foot went numb from sitting cross legged but it's wearing off now",
     "both my feet went numb and it isn't wearing off", "emergency"),
]


@pytest.mark.parametrize(("kind", "harmless"), [(kind, harmless) for kind, harmless, _, _ in UNREAL_AND_ORDINARY],
                         ids=[f"{kind}-{i}" for i, (kind, *_) in enumerate(UNREAL_AND_ORDINARY)])
def test_unreal_frames_and_ordinary_limits_raise_no_alarm(rules, kind: str, harmless: str) -> None:
    assert rules.classify(harmless) is None, kind


@pytest.mark.parametrize(("kind", "twin", "tier"), [(kind, twin, tier) for kind, _, twin, tier in UNREAL_AND_ORDINARY],
                         ids=[f"{kind}-{i}" for i, (kind, *_) in enumerate(UNREAL_AND_ORDINARY)])
def test_their_twins_said_as_real_and_now_keep_their_tier(rules, kind: str, twin: str, tier: str) -> None:
    finding = rules.classify(twin)
    assert finding is not None and TIERS.index(finding.tier) <= TIERS.index(tier), (kind, finding)
