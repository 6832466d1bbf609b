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


# A body part or function word with a word of its failing: "gone" said of an organ, "forgotten how to", a function
# named first and taken up again with "it" ("my bladder, it doesn't work"); a carer's "his back has gone" is the back
# giving out, not pain that went away.
ORGAN_GONE = [
    ("my bowels have gone", E),
    ("my bladder, it just doesn't work now", E),
    ("it's like my bladder has forgotten how to empty", E),
    ("my husband has wet himself and his back has gone", E),
    ("my dad's back has gone and he's wet himself", E),
    # twins: an illness or a pain gone, a function said to be fine
    ("my headache has gone and so has my cough", N),
    ("my bladder infection has gone", N),
    ("my bladder, it's fine thanks", N),
    ("the pain in his back has gone and he's fine", N),
    ("my back has gone much better", N),
]

# Not knowing one is wet, or that one needs to go, said by a carer or by the speaker in other words.
NOT_KNOWING = [
    ("nan doesn't know she's wet until i tell her", E),
    ("mum's pad was soaked and she didn't know", E),
    ("i only know i've peed because i hear it", E),
    ("the feeling that i need to go has just gone", E),
    ("the urge to pee has gone completely", E),
    ("my bum doesn't tell me when i need to go anymore", E),
    # twins: a baby's nappy, a child still learning, rain, another urge
    ("the baby's nappy was soaked and she didn't notice", N),
    ("my toddler doesn't tell me when he needs to go yet", N),
    ("she's wet from the rain and doesn't know where her coat is", N),
    ("the urge to smoke has gone completely", N),
    ("dad's wet through every morning now", E),
    ("i'm soaked every morning now from cycling in the rain", N),
]

# A serious fall or crash told without the back (1A: back pain after a serious accident).
SERIOUS_FALL = [
    ("went headfirst down the stairs", E),
    ("i dove into a shallow pool and now my neck hurts", E),
    ("i was thrown off my quad bike", E),
    ("i went flying down the stairs last night", E),
    ("i fell down the full staircase", E),
    ("i fell head first off the trampoline", E),
    # twins: the idiom, long ago and fine, a child's dive that was fine
    ("i went headfirst into the project", N),
    ("i was thrown off my horse years ago, no problems now", N),
    ("my son dove into the shallow end last year but he was fine", N),
    ("i fell from the top of a ladder", E),
    ("i was knocked off my motorbike", E),
    ("i climbed to the top of a ladder to paint", N),
    ("i knocked off my motorbike helmet by accident", N),
]

# A bare temperature reading with back pain, and fevers that keep coming (1B); an age is not a reading.
TEMPERATURE = [
    ("38.4 and back pain", U),
    ("39.5 and my back hurts", U),
    ("i keep getting fevers and my back is killing me", U),
    # twins: ages and weights
    ("i'm 38 and my back is sore", N),
    ("38 and back pain", N),
    ("she's 39 and has back pain", N),
    ("i weigh 38.5 kilos", N),
]

# Passing urine described as an effort, a failed attempt or a numb act (1A).
BLADDER_EFFORT = [
    ("it took me twenty minutes to start peeing", E),
    ("i've got no power to push the pee out", E),
    ("i keep trying to go to the bathroom and i can't", E),
    ("peeing feels numb", E),
    ("i pee a tiny bit and then it stops", E),
    ("i can't feel whether i've finished peeing", E),
    # twins: the same words about other things
    ("it takes me ages to start the car", N),
    ("it took me twenty minutes to walk to work", N),
    ("i have no power to push the lawnmower", N),
    ("i keep trying to go to the gym but i can't", N),
    ("i tried to go to the bathroom but it was occupied", N),
]

# Walking that needs the walls or a frame all at once, or a shuffle to the toilet (1A); a changed walk said with
# the "'s" of "walking's gone" (1B).
WALKING_WITH_HELP = [
    ("i have to hold onto the walls to walk now", E),
    ("i can barely shuffle to the loo", E),
    ("i need a zimmer frame all of a sudden", E),
    ("my walking's gone all funny", U),
    ("my legs are like blocks of wood", E),
    ("both legs feel like they're filled with concrete", E),
    # twins: long-standing aids, a walk that got better, a simile about stiffness
    ("my dad has used a walker for years", N),
    ("my walking's got much better", N),
    ("i feel like a block of wood at yoga", N),
    ("the bag was filled with sand and my legs ache", N),
    ("my legs are filled with energy", N),
]

# A typist's slips and everyday words of the five locales.
TYPED_AND_LOCAL = [
    ("i cnat feel my bum", E),
    ("i havnt peed all day", E),
    ("i cant feel my bottum", E),
    ("bladdr wont empty", E),
    ("i pood myself", E),
    ("i've pissed me strides", E),
    ("i haven't taken a leak since yesterday", E),
    ("he's become incontinent overnight", E),
    ("i have no control of my bum", E),
    ("i use meth with needles and my back hurts", U),
    # twins
    ("the bottem drawer is stuck", N),
    ("i've just taken a leak, carry on", N),
    ("i havnt had any problems", N),
    ("he's been incontinent for years since his stroke", N),
    ("i'm scared of needles and my back hurts", S),
]

# Pain that rest does not ease (1B), exercises that have not helped (1C), sciatic pain on both sides (1A).
REST_EXERCISE_SIDES = [
    ("the pain doesn't get better when i rest", U),
    ("it's agony when i lie flat", U),
    ("it's not getting better after the exercises", S),
    ("my sciatic nerve is going on both sides", E),
    # twins
    ("it gets better when i rest", N),
    ("the pain always gets easier when i lie down", N),
    ("i'm not getting better at the exercises", N),
    ("my sciatic nerve was pinched on the left side only", N),
]

# A sign that returns ("the numbness is back in my bum", "the leaking has started again"), sexual function lost in
# plain words, "neither leg" for both, and a lost sensation or memory said without a negating word (1A, 1B).
RETURNING_AND_PLAIN = [
    ("the numbness is back in my bum", E),
    ("the leaking has started again and my back is bad", E),
    ("i've gone limp down there since the back injury", E),
    ("my partner says i don't respond down there anymore", E),
    ("grandad can't get his legs to work", E),
    ("the room spun and i felt sick during the stretches", E),
    ("i have zero sensation down below", E),
    ("neither leg works properly", E),
    ("i can't remember the last time i peed, it was yesterday morning", E),
    ("i don't remember peeing today", E),
    ("i don't usually get back pain but i'm 70 and it's bad now", U),
    # twins: being back somewhere, a leaking tap, a child learning, a pool, a young adult
    ("i'm back in my home town", N),
    ("my husband is back in work and his back is fine", N),
    ("the leaking tap is driving me mad", N),
    ("the leaking has been fixed by the plumber", N),
    ("i went limp with laughter", N),
    ("my son can't get his legs to work on the bike pedals properly yet he's three", N),
    ("i have zero sensation of being hungry", N),
    ("neither of my legs is numb", N),
    ("i can't remember the last time i peed in a swimming pool", N),
    ("i don't usually get back pain and i'm 30", N),
]

# Feeling unwell with back pain (1B), toes that will not lift (1B), no change after weeks or after giving the
# exercises a go (1C).
UNWELL_TOES_NO_CHANGE = [
    ("i feel really unwell and my back hurts", U),
    ("i'm having trouble lifting my toes", U),
    ("it's been weeks and my back is just as bad", S),
    ("i've given the exercises a good go and nothing's changed", S),
    # twins: unwell in the past or for a known reason, better after weeks
    ("i felt unwell last week but my back is fine", N),
    ("i feel unwell after eating that curry", N),
    ("i don't feel unwell and my back is fine", N),
    ("it's been weeks and my back is much better", N),
]

# Underwear found damp, an accident on the sofa not noticed, a bottom that "lets go" (1A); injecting steroids (1B
# injecting drugs) and pain that never goes even lying down (1B).
UNNOTICED_AND_UNEASED = [
    ("my undies are damp all the time now and i've no idea when it happens", E),
    ("my wife had an accident on the sofa and didn't notice till she stood up", E),
    ("my bottom just lets go without warning", E),
    ("i inject steroids at the gym and my back hurts", U),
    ("the pain never goes, even lying down", U),
    # twins: rain and a swim, the dog, the bottom of something
    ("my pants are wet from the rain", N),
    ("my shorts are damp from the swim", N),
    ("the dog had an accident on the sofa and didn't notice", N),
    ("the bottom gave way", N),
]

# A fall from a height or a crash said by its size, the head landed on, the bed soaked with urine (1A); a foot that
# has started to drop or keeps tripping on one side, a raging temperature (1B).
HEIGHTS_CRASHES_BEDS = [
    ("i got thrown from the car", E),
    ("i fell about ten feet off a platform", E),
    ("i fell backwards down the basement stairs", E),
    ("i slipped on the stairs and fell all the way to the bottom", E),
    ("i've been in a really bad crash", E),
    ("i landed on my head on the trampoline", E),
    ("he's soaking the bed every night now", E),
    ("i wake up soaked in pee", E),
    ("i've been finding wee on the floor where i sat", E),
    ("my foot's started to drop", U),
    ("i've been tripping on my right foot a lot", U),
    ("i've got a raging temperature and backache", U),
    # twins: distance behind, a car park, a crash seen, a walk downstairs, sweat, healing, a hot office
    ("i fell about ten feet behind the others on the walk", N),
    ("i was thrown from the car park barrier queue", N),
    ("there was a bad crash on the motorway but i wasn't in it", N),
    ("i saw a serious crash on the news", N),
    ("i went all the way down the stairs to get the post", N),
    ("i'm soaking the bed with sweat every night", N),
    ("my foot's started to heal", N),
    ("the raging temperature in the office is awful", N),
]

# Little urine despite drinking, a long wait before it comes, a bladder emptying unnoticed, a motorbike crash and a
# fall through a floor (1A).
OUTPUT_WAIT_CRASH = [
    ("i'm peeing very little even though i'm drinking a lot", E),
    ("i have to sit for ages before the pee will come", E),
    ("my bladder just empties without me knowing", E),
    ("i crashed my motorbike", E),
    ("i fell through the floor of the attic", E),
    # twins: drinking little, a bus, prices, laughter
    ("i drink very little so i pee less", N),
    ("i waited for ages before the bus would come", N),
    ("the prices fell through the floor", N),
    ("i fell through the floor laughing", N),
]

# A function hedged is a function lost ("i don't think i've peed": the opinion's denial is the clause's), an ability
# said as earlier and now gone, a topic named first and its loss said after, fear of walking on jelly legs (1A).
HEDGED_LOST_TOPIC_FIRST = [
    ("i don't think i've weed since last night", E),
    ("i don't think he's been able to pee since lunch", E),
    ("i don't think my legs will hold me much longer", E),
    ("i'm not sure she's passed urine all day", E),
    ("i can't remember the last time i had a wee", E),
    ("an hour ago i could feel my bottom and now i can't", E),
    ("this morning i could stand and now i can't", E),
    ("control of my bladder, i don't have it any more", E),
    ("bowel control, i haven't got it any more", E),
    ("the feeling in my bum, it's gone", E),
    ("my legs are jelly and i'm frightened to get out of bed", E),
    ("i crashed my bike and i'm fine apart from my back, which is agony", E),
    # twins: a symptom hedged is denied; a wee not wet; an ability still there
    ("i don't think i've had any accidents", N),
    ("i haven't weed myself, it's just sweat", N),
    ("i could walk fine this morning and i still can", N),
]

# The inside of the thighs is the saddle area whichever determiner comes before it; the same words ache after a ride.
INNER_THIGHS = [
    ("there's a numb strip down the inside of both thighs", E),
    ("she can't feel the inside of her thighs", E),
    ("the inside of the thighs has gone dead", E),
    ("i pulled a muscle on the inside of my thigh at football", N),
    ("both my thighs ache after riding", N),
]

# Someone else's bladder, bowel or sexual change said by a carer: a change in words ("has lost", "went numb", "no urge")
# is new for them; a child's bed-wetting or a grown-up remembering childhood is not.
CARER_REPORTED_CHANGE = [
    ("my husband has wet himself", E),
    ("mum's just wet herself", E),
    ("she keeps leaking urine", E),
    ("my husband's lost his bladder", E),
    ("he has no urge to pee", E),
    ("my husband went numb during sex", E),
    ("he had an accident in his pyjamas", E),
    ("my son wet himself", N),
    ("me sisters kid wet the bed again at the sleepover", N),
    ("my kid wet the bed", N),
    ("woke up in a wet bed first time since i was a little kid", E),
]

# Heavy legs: said of both legs explicitly, or of the legs getting heavier; heavy legs after effort are tiredness.
HEAVY_LEGS = [
    ("both my legs feel heavy", E),
    ("my husband's legs they both feel heavy", E),
    ("my legs feel heavier and heavier", E),
    ("my legs are getting number by the hour", E),
    ("both my shins are numb", E),
    ("my legs feel heavy after my shift", N),
    ("both legs feel heavy after the marathon", N),
    # legs gone to jelly on the stairs are weak legs; on a first date they are nerves
    ("both my legs went to jelly on the steps", E),
    ("my legs went to jelly on the first date", N),
]

# Numbness told as a likeness (a dentist's injection, a cushion between, skin turned to rubber or gone thick);
# the same words said of a real injection or a real cushion are not.
NUMB_LIKENESS = [
    ("like i've had a local anaesthetic down there", E),
    ("my groin feels like it's been frozen", E),
    ("it feels like there's a cushion between my bum and the seat", E),
    ("the skin round my back passage feels thick", E),
    ("it's like my bum has been replaced with rubber", E),
    ("the dentist gave me a local and my lip is numb", N),
    ("there's a towel between me and the chair", N),
    ("i put a cushion between me and the seat", N),
]

# Not sensing the bladder or bowel, attempts that fail, a catheter needed, pads soaked, a bowel that opens or a
# bladder that gives way by itself; "the urge to go out" and a period pad are other senses.
TOILET_SENSES = [
    ("i'm not sure whether my bladder's empty", E),
    ("there is no pressure to pass urine", E),
    ("i don't get the urge to go anymore", E),
    ("i've lost the feeling when i go to the toilet", E),
    ("i went five times and only got a few drops", E),
    ("i've had to use a catheter since monday", E),
    ("mum's bladder gave way", E),
    ("my bowels just open on their own", E),
    ("my bowel's stopped working and my back is agony", E),
    ("my bum won't stay closed", E),
    ("i've gone through three pads today and i've never used them before", E),
    ("my pad was soaked and i had no idea", E),
    ("i don't get the urge to go out anymore", N),
    ("i don't get the urge to go running any more", N),
    ("my pad is soaked, my period is really heavy", N),
    ("my bowel is fine", N),
]

# Walking lost or changed, hands and gait together, serious mechanisms told without the back, a fever in other words.
WALKING_INJURY_FEVER = [
    ("i've forgotten how to walk", E),
    ("both my feet are flopping when i walk", E),
    ("i need a frame to walk now since this morning", E),
    ("my walking isn't right", U),
    ("my neck hurts and i'm walking into things and my hands are weak", E),
    ("my face has gone droopy on one side", E),
    ("my face is numb on one side", U),
    ("i got knocked over by a car", E),
    ("i was in a head on crash", E),
    ("mum tumbled down the stairs", E),
    ("she went through the windscreen", E),
    ("i'm running hot and my back hurts", U),
    ("i feel like i'm coming down with something and my back is agony", U),
    ("i got knocked over by a wave", N),
    ("i fell through the floor laughing", N),
    ("my walking is fine, nothing's changed", N),
    ("mums fingers are tingling and shes been falling over more", U),
]

# Fear or avoidance of ordinary activity because of the back: a routine review; a fear of something else is not.
AVOIDING = [
    ("i daren't lift anything now", S),
    ("i avoid walking now because it hurts too much", S),
    ("i'm scared of heights", N),
]

# "Nearly" then "and then I did": the near miss happened after all; a near miss alone, or denied, is none.
NEARLY_THEN_DID = [
    ("i nearly wet myself and then i did and i couldn't feel it", E),
    ("I nearly peed myself, then I actually did and I didn't feel it, and my back's been bad.", E),
    ("i nearly wet myself laughing", N),
    ("i nearly wet myself but i didn't", N),
    ("i nearly wet myself, i made it just in time", N),
    # a leak on a sneeze asks whether it is new; not feeling it happen is the sign whatever set it off
    ("i sneezed and wet myself and didn't feel it at all", E),
    ("i wet myself when i sneezed", A),
]

# What sitting tells: the seat of the pants, the toilet seat or nothing underneath; a bowel or bladder that opens
# unnoticed or holds nothing in; waking wet; one wee in a day; a heavy thing landing on the back; muddled speech.
SEAT_BODY_AND_BLADDER_SENSES = [
    ("the seat of my trousers area has gone numb", E),
    ("when she sits down on the loo she can't feel it", E),
    ("it's all numb between my hips", E),
    ("the loo seat feels like it's not there", E),
    ("when i sit down it feels like there's nothing underneath me", E),
    ("i didn't feel myself going to the loo, it just happened", E),
    ("i got to the loo and realised i had already gone without noticing", E),
    ("i wake up wet", E),
    ("my backside won't hold anything in", E),
    ("he's only weed once since yesterday", E),
    ("a heavy box fell on his back at work", E),
    ("hubby's neck is sore and he's mumbling and not making sense", E),
    ("the loo seat is freezing", N),
    ("the exercises are not making sense to me", N),
    ("i dropped a heavy box on my foot", N),
    ("i wake up wet with sweat", N),
    # loose motions are a bug's unless they pass unnoticed or out of control
    ("my loose motions came without me knowing", E),
    ("diarrhoea came out without me noticing and there's no bug going round", E),
    ("i had diarrhoea all night without any sleep", N),
    ("my toddler had diarrhoea without warning", N),
]

# Numb told as a material (plasticine, putty, concrete) or as not being there; wiping said as loo roll or drying
# after a wee. The same materials and drying said of things or after a shower are not.
MATERIALS_AND_WIPING = [
    ("his backside is made of putty, it's that numb", E),
    ("my thighs feel like they're made of polystyrene, both of them", E),
    ("my bum feels like a lump of plasticine", E),
    ("when i wiped it was like i wasn't there", E),
    ("she can't tell whether she's wiped", E),
    ("i can barely feel anything using loo roll", E),
    ("it feels fuzzy when she dries herself after a wee", E),
    ("my kid made a bum out of play doh", N),
    ("the sofa cushion is made of foam", N),
    ("i felt like i wasn't there at the party", N),
    ("i dry myself after a shower and it feels different", N),
]


# Emergency senses said in words the lexicons lacked, one case per sense: a vehicle or animal as the one that struck
# (active or passive), the front passage and other saddle names, both legs said a clause after the first leg
# ("now they're both"), no feeling passing a motion, effort or leaning to empty the bladder, feeling unfinished,
# discharged with a catheter, an erection that fades, walking that suddenly goes wrong, legs not taking the weight,
# foot drop on both sides. Twins share the words and carry no sign ("can't stand" a pain is not bearing it).
STRUCK_CARRIED_AND_EMPTYING = [
    ("a lorry clipped him and now his back is agony", E),
    ("she was struck by a reversing van and her back hurts", E),
    ("a taxi knocked me off my pushbike and my back is sore", E),
    ("the cows trampled her in the field and she says her back hurts", E),
    ("there's no feeling in her front passage", E),
    ("my tushie has gone numb", E),
    ("no feeling in my back side since morning", E),
    ("it was only my right leg at first but now they're both tingling", E),
    ("when she passes a motion she feels nothing", E),
    ("she has to lean on her tummy to help the urine out", E),
    ("peeing has got so hard", E),
    ("he feels like he hasn't finished when he's been for a wee", E),
    ("i'm having to bear down to wee", E),
    ("they discharged her with a catheter yesterday", E),
    ("my erection fades quickly since my back went", E),
    ("i don't seem to feel anything when we have sex", E),
    ("his walking has suddenly gone funny and his back is bad", E),
    ("her legs aren't taking her weight", E),
    ("he has foot drop on both sides", E),
    ("his legs, neither of them will take his weight", E),
    ("her legs were aching and now they both feel heavy", E),
    # twins: the same words with no sign
    ("a van nearly clipped me but i'm fine", N),
    ("i was struck by how stiff my back felt", N),
    ("the pain in the back side of my knee is better", N),
    ("my kids both had colds and now they both feel better", N),
    ("passing a stool hurts my back", N),
    ("i feel like i haven't finished my exercises", N),
    ("i bear down when i poo because i'm constipated", N),
    ("the pain fades quickly after the heat pad", N),
    ("my walking has got better with the physio", N),
    ("i can't stand my sciatica", N),
    ("i struggle to walk up hills since i put on weight", N),
    ("i have bilateral knee pain", N),
]


# Same-day and see-soon senses said in everyday words (clinical-facts §1B, §1C), one case per sense: a cancer told as
# what was done (a lump taken from an organ, treatment on the breast, a mole that turned out nasty, an op "for cancer"),
# feeling unwell said loosely, long-term steroids beside other medicines, pain that never eases, dizziness beside the
# neck, a leak on a jump or a laugh (asked whether new), a fall off a horse (asked), and "not getting better" or a
# limit on life said without the weeks. Twins share the words and carry no sign.
EVERYDAY_SAME_DAY_AND_SOON = [
    ("she had a lump taken out of her breast in 2018 and her back has started aching", U),
    ("after the treatment on my breast i thought i was done but now my spine hurts", U),
    ("they cut a mole off my arm that turned out to be nasty and my back hurts now", U),
    ("he had a bowel resection for cancer and he's got new back pain", U),
    ("i feel lousy all over and my lower back is throbbing", U),
    ("my husband's not feeling himself and his back is really bad", U),
    ("i've used steroid inhalers and tablets long term and my back has started to ache", U),
    ("the ache in my back never eases", U),
    ("i went all giddy doing the neck stretches", A),
    ("my neck is sore and i feel lightheaded", A),
    ("i peed myself a tiny bit when i laughed", A),
    ("i leak a little when i jump", A),
    ("mum came off her horse this morning", A),
    ("my sciatica still isn't getting any better", S),
    ("nothing we try seems to help his back", S),
    ("the stretches don't really seem to be doing much", S),
    ("it's been hard to sleep for weeks", S),
    ("i've had to take sick days off with it", S),
    ("my watch slides off my wrist now and my back has been aching", U),
    ("he's had bowel treatment before and now his back is sore", U),
    ("none of the stretches seem to work", S),
    ("i keep leaving work early because of my back", S),
    # twins
    ("they checked me for cancer and it was clear", N),
    ("i had my cancer checked and it's fine", N),
    ("my grandma's breast reduction went well", N),
    ("i put steroid cream on my eczema every day", N),
    ("my back pain is much better at night", N),
    ("i'm not getting better at the exercises yet", N),
    ("the kids were giddy with excitement", N),
    ("i feel lightheaded when i stand up too fast", N),
    ("i jumped in the puddle", N),
    ("my daughter is clumsy at netball", N),
    ("you look thin in that photo", N),
    ("the pain doesn't bother me at night", N),
]


# More emergency senses, one case each: sexual function "nothing happening down below", numbness likened to a spinal
# block, something falling on the person, a slope or ride ending in a tree or fence, crushed against something,
# landing on the neck; standing that crumples, not one step, dragging oneself on the arms; waiting and waiting or
# pushing for ages to pass urine, full even after going, not emptied properly, fitted with a catheter, a leak only
# known by looking. Twins: the same words about things, bowels or a birth.
FELL_ON_CRUMPLED_AND_UNEMPTIED = [
    ("nothing's happening down below when we try, since my back went", E),
    ("my groin feels as if i've had a spinal block", E),
    ("the branch fell on me when i was pruning the apple tree", E),
    ("he was snowboarding and went into a fence and his back hurts", E),
    ("she was crushed against the gate by the tractor", E),
    ("he landed on his neck off the wall", E),
    ("she tried to get up and crumpled", E),
    ("i couldn't take one step this morning", E),
    ("i'm dragging myself round the flat on my arms", E),
    ("i try to wee and i wait and wait", E),
    ("i'm pushing for ages to pass urine", E),
    ("my bladder feels full even after the loo", E),
    ("he says he hasn't emptied properly since yesterday", E),
    ("they fitted him with a catheter overnight", E),
    ("i didn't know i'd weed until i looked", E),
    # twins
    ("a branch came down on our shed in the wind", N),
    ("i haven't emptied the bins yet", N),
    ("we were waiting and waiting at the surgery", N),
    ("i push for ages when i poo because i'm bunged up", N),
    ("i had an epidural for my son's birth and it wore off fine", N),
]


# Frames rather than phrases, one case each: pressing the belly with the purpose of passing urine, the other leg said
# to have followed, the urge to pass urine not felt since a time of day, a vehicle that skidded or went down, numbness
# likened to dental work. Twins: soothing the belly, a reason for fewer trips, a bike going down a hill.
EFFORT_SPREAD_URGE_FRAMES = [
    ("she has to push on her stomach to pee", E),
    ("my left leg was numb and my right one has followed too", E),
    ("i haven't had the urge for a pee since last night", E),
    ("his quad skidded and went into a ditch and his back hurts", E),
    ("my groin feels like i've had a root canal", E),
    # twins
    ("i rub my tummy to ease the cramps when i pee", N),
    ("i haven't needed the loo since i stopped drinking coffee", N),
    ("my bike went down the hill fast and i loved it", N),
]


# A toilet, commode or pee word with a failed attempt's outcome said in plain words, in either order, whoever it is:
# the attempt that ends in nothing, the bladder still full after it, the pot that stays empty. A young child on the
# potty is learning, not a sign.
OUTPUT_FAILED_NEAR_A_TOILET_WORD = [
    ("i sat on the commode for twenty minutes and nothing", E),
    ("been to the bathroom twice and i still feel full", E),
    ("her commode pot stayed empty all day", E),
    ("my grandad sat on the commode for ages and nothing came", E),
    # twins
    ("i went to the loo and nothing else was wrong", N),
    ("i still feel full after that curry", N),
    ("my toddler sat on the potty for ages and nothing came", N),
    ("nothing beats a warm bath after the toilet", N),
]

# Pain that rest does not ease (clinical-facts 1B): a resting posture or the night, and the pain made worse or not
# easing, within a few words in either order, whatever words fill the gap. Twins: rest that helps, and "not worse".
REST_MAKES_IT_WORSE = [
    ("resting in bed makes her back so much worse", U),
    ("laying down just makes my sciatica worse", U),
    ("it gets worse as soon as i lie down", U),
    ("the ache won't settle down overnight", U),
    ("overnight it doesn't calm down", U),
    ("when she rests it feels worse", U),
    # twins
    ("lying down doesn't make it any worse", N),
    ("resting makes it a lot better", N),
    ("it settles down overnight", N),
]

# Soon (1C): pain that stays ("isn't going away", "won't shift") and pain that takes over work, sleep or life, said
# with the pain or a bare "it" as the subject. Twins: the pain going away, and another cause disturbing the sleep.
PAIN_THAT_STAYS_OR_TAKES_OVER = [
    ("this back pain is not going away", S),
    ("the stiffness just won't shift", S),
    ("it's really messing up my work", S),
    ("the sciatica is messing with my sleep", S),
    ("the pain's grinding me down", S),
    # twins
    ("the back pain is going away now", N),
    ("it's not messing up my work at all", N),
    ("the baby is ruining my sleep", N),
    ("we're not going away this year", N),
]

# A carer's news told with a pronoun reads as "Dad's wet himself" does; a laugh or a young child named first does not.
PRONOUN_CARER_NEWS = [
    ("she's just wet herself", E),
    # twins
    ("she wet herself laughing at the telly", N),
    ("my little boy is three and he's wet himself again", N),
]

# A fall from a height said as its mechanism: a falling verb with its direction and a high place, with the back or
# pain or a hard landing; without them it asks; coming down a ladder is no fall.
FALL_FROM_A_HEIGHT = [
    ("he toppled off the scaffolding and his back hurts", E),
    ("she slid off the garage roof and landed on the drive", E),
    ("i slipped off the shed roof", A),
    ("i came down the ladder and my back aches", N),
    ("i came off the ladder onto the grass and i'm fine", N),
]

# Arms and legs together under a bad neck (cord compression), each half in its own words; hands alone are same-day.
ARMS_AND_LEGS_UNDER_A_NECK = [
    ("my neck's been bad and now my fingers are tingling and i keep stumbling", E),
    ("my neck's stiff and my fingers tingle when i text", U),
]

# Control said lost in any words beside a bladder or bowel word, either order; a denied loss is no sign.
CONTROL_LOST_BESIDE_AN_ORGAN = [
    ("i've lost all control of my bladder", E),
    ("he's lost all control over his bowels", E),
    ("i've got zero control of my wee now", E),
    # twin
    ("i've never lost control of my bladder", N),
]

# Pain told as running from the back to the chest, and a need to go not noticed until too late.
BACK_TO_CHEST_AND_TOO_LATE = [
    ("the pain goes right through from my back to my chest", E),
    ("i don't notice i need to go until it's too late now", E),
    # twin
    ("i left it too late to go to the shops", N),
]

# A second side said by reference to the first: one side named with a sign, then the other side said to be the
# same, to have joined in, or named again after "now"/"then". Twins: the other side said to be fine, or a part
# of the body that is not a leg (a hand, the side of the back).
SECOND_SIDE_BY_REFERENCE = [
    ("my left shin's been numb since friday and my right is no different now", E),
    ("her left foot is weak, and this morning the right foot followed suit", E),
    ("the tingling started in my left thigh and by now my right is just as bad", E),
    ("my right leg is weak and the other one has caught up", E),
    # twins
    ("my right calf is numb but the left one's fine", S),
    ("my left leg is numb and now the right side of my back hurts too", S),
    ("my left foot tingles and my right hand tingles too", U),
]

# "Nothing" as the outcome of a visit to the toilet, in any register: the failed attempt without the word "pee".
# Twins: the same nothing with no toilet word, or a toilet word with nothing wrong.
NOTHING_AS_THE_OUTCOME_NEAR_A_TOILET = [
    ("i sat on the loo for twenty minutes and squeezed out nothing", E),
    ("i stand over the bowl and produce zilch", E),
    ("went to the washroom and got out next to nothing", E),
    ("dad's been perched on the throne all morning, no joy", E),
    # twins
    ("i squeezed out nothing useful from that meeting", N),
    ("went to the loo, nothing wrong there", N),
]

# Control said lost of the area "down there" (organ-free), and a need for continence products: both say
# incontinence without naming the bladder.
CONTROL_LOST_DOWN_BELOW_AND_PRODUCTS_NEEDED = [
    ("she's got no control down below since the weekend", E),
    ("i've lost control down there", E),
    ("i need diapers now because of my back", E),
    ("dad is relying on nappies since his back went tuesday", E),
    # twins
    ("i need nappies for the baby", N),
]

# Soaked in urine with words between ("soaked in her own urine"): the wetness is named as urine.
SOAKED_IN_NAMED_URINE = [
    ("i woke up lying in my own wee", E),
    ("i woke up drenched in my own urine", E),
    # twin
    ("i woke up soaked in my own sweat", U),
]

# Legs said to be switched off or disconnected: a likeness of loss, like "not mine".
LEGS_SWITCHED_OFF = [
    ("both my legs feel like the wiring's been cut", E),
    ("my legs are like they've been unplugged", E),
    # twin: the switching off is of a thing
    ("i switched off the tv and my legs ache from the walk", N),
]


# Urine said to escape on its own (drip, trickle, seep, escape, run out) and a bowel word with the same escape:
# an involuntary leak named by its motion. Twins: a tap or a nose dripping, a dribble after finishing.
ESCAPING_URINE_OR_STOOL = [
    ("urine keeps escaping from me", E),
    ("wee keeps trickling out since my back went", E),
    ("my motions just slip out", E),
    # twins
    ("the tap in the bathroom keeps dripping and i need a wee", N),
    ("my nose is dripping and i need a wee", N),
]

# Passing urine or stool, then not knowing it had happened: the sensation is lost.
PASSED_THEN_UNAWARE = [
    ("i weed on the bathroom floor and never noticed", E),
    ("i'd peed on the mat and had no clue", E),
    # twins: "wet" of something else, and knowing about something else
    ("i wet my hair and didn't notice the time", N),
    ("i peed fine and didn't know the results yet", N),
]

# Weight that neither leg will take: both legs weak.
NO_WEIGHT_THROUGH_EITHER_LEG = [
    ("unable to put weight on either foot", E),
    # twin: one injured ankle
    ("i couldn't put weight on my ankle after i twisted it", N),
]


@pytest.fixture(scope="module")
def rules_alone() -> Triage:
    return triage_module.rules_alone("en-US")


def _tier(finding: Finding | None) -> str | None:
    return finding.tier if finding else None


@pytest.mark.parametrize(("utterance", "expected"), ANSWERED_AS_GONE + FUNCTION_THEN_LOSS + OUTPUT_STOPPED
                         + ORGAN_FAILED + WET_NOT_NOTICED + WALKING + SIDES_IN_TURN + WORDS + EXERCISES_NOT_HELPING
                         + ORGAN_GONE + NOT_KNOWING + SERIOUS_FALL + TEMPERATURE + BLADDER_EFFORT + WALKING_WITH_HELP
                         + TYPED_AND_LOCAL + REST_EXERCISE_SIDES + RETURNING_AND_PLAIN
                         + UNWELL_TOES_NO_CHANGE + UNNOTICED_AND_UNEASED
                         + HEIGHTS_CRASHES_BEDS + OUTPUT_WAIT_CRASH + HEDGED_LOST_TOPIC_FIRST + INNER_THIGHS
                         + CARER_REPORTED_CHANGE + HEAVY_LEGS + NUMB_LIKENESS + TOILET_SENSES + WALKING_INJURY_FEVER
                         + AVOIDING + NEARLY_THEN_DID + SEAT_BODY_AND_BLADDER_SENSES + MATERIALS_AND_WIPING
                         + STRUCK_CARRIED_AND_EMPTYING + FELL_ON_CRUMPLED_AND_UNEMPTIED
                         + EFFORT_SPREAD_URGE_FRAMES + OUTPUT_FAILED_NEAR_A_TOILET_WORD + PRONOUN_CARER_NEWS
                         + FALL_FROM_A_HEIGHT + ARMS_AND_LEGS_UNDER_A_NECK + BACK_TO_CHEST_AND_TOO_LATE
                         + CONTROL_LOST_BESIDE_AN_ORGAN + REST_MAKES_IT_WORSE + PAIN_THAT_STAYS_OR_TAKES_OVER)
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


def test_a_phrase_s_apostrophe_s_is_read_inside_the_word_before() -> None:
    """"{is|'s}" after a noun in a phrase also reads the clitic said with the noun ("my walking's gone"), where the
    phrase's first two words are its index key and where they are not."""
    document = {
        "fillers": [], "spoken_variants": {}, "corrections": [], "breaks": {"sentence": ["."]},
        "subjects": {"self": ["i"], "others": ["she"]},
        "concepts": {"gone": ["walking {has|'s} gone", "my {bladder|bowel} {has|'s} stopped"]},
        "blockers": {},
        "rules": [{"id": "gone", "tier": "urgent", "sources": ["NHS-SCI"], "when": [{"all": ["gone"]}]}],
    }
    triage = Triage.from_rules(document)
    for said in ("my walking's gone", "my walking has gone", "my bladder's stopped", "my bowel has stopped"):
        assert _tier(triage.classify(said)) == U, said
    for said in ("my walking's fine", "my walking gone", "my bladder stopped", "mum's stopped"):
        assert triage.classify(said) is None, said


@pytest.mark.parametrize(("utterance", "expected"), EVERYDAY_SAME_DAY_AND_SOON)
def test_same_day_and_soon_signs_in_everyday_words(rules_alone: Triage, utterance: str, expected: str | None) -> None:
    assert _tier(rules_alone.classify(utterance)) == expected


@pytest.mark.parametrize(("utterance", "expected"), SECOND_SIDE_BY_REFERENCE + NOTHING_AS_THE_OUTCOME_NEAR_A_TOILET
                         + CONTROL_LOST_DOWN_BELOW_AND_PRODUCTS_NEEDED + SOAKED_IN_NAMED_URINE + LEGS_SWITCHED_OFF
                         + ESCAPING_URINE_OR_STOOL + PASSED_THEN_UNAWARE + NO_WEIGHT_THROUGH_EITHER_LEG)
def test_emergency_relations_said_indirectly(rules_alone: Triage, utterance: str, expected: str | None) -> None:
    """Cauda equina signs said by relation rather than by name: the second leg by reference to the first, an empty
    visit to the toilet, control lost "down there", legs switched off, urine or stool escaping on its own, a leak
    not noticed, no weight through either leg."""
    assert _tier(rules_alone.classify(utterance)) == expected


# Care that has not worked, said with an intensifier ("... at all") or with a verb of lasting or bothering and a span
# of weeks (clinical-facts §1C); pain that nothing settles at night or that wakes (§1B). Twins: getting better AT
# something, an ache that lasted and ended, pain that settles at night, pain present on waking, weight lost on purpose.
NOT_BETTER_LASTING_AND_NIGHT = [
    ("my back is not getting better at all", S),
    ("it's not getting better at all", S),
    ("my back has been bothering me for seven weeks", S),
    ("it's been bugging me for 2 months", S),
    ("my sciatica has lasted over six weeks", S),
    ("the sciatica has gone on for over six weeks", S),
    ("nothing settles it at night not even painkillers", U),
    ("at night nothing touches the pain", U),
    ("the painkillers don't touch it at night", U),
    ("i'm woken by the pain", U),
    ("i wake up because of the pain", U),
    # twins
    ("i'm not getting any better at the stretches", N),
    ("the ache lasted a month and then disappeared", N),
    ("my holiday has lasted two weeks", N),
    ("my back has not been bothering me for weeks", N),
    ("the pain eases at night", N),
    ("the pain usually settles down at night", N),
    ("at night nothing settles the baby", N),
    ("i woke up with back pain this morning", N),
    ("i lost weight deliberately over the summer", N),
]


# A report that starts with where the pain is, its subject left in a check-in's carrier ("the pain is {in both
# legs}", "it's {between my shoulder blades}"): the place alone is pain there.
PAIN_PLACED_ONLY = [
    ("in both legs", E),
    ("down both legs", E),
    ("all down both legs", E),
    ("between my shoulder blades", U),
    ("it's between my shoulder blades", U),
    # twins
    ("in both legs it's fine", N),
    ("not in both legs", N),
    ("in both cases my legs were fine", N),
    ("between my legs", N),
]


@pytest.mark.parametrize(("utterance", "expected"), NOT_BETTER_LASTING_AND_NIGHT + PAIN_PLACED_ONLY)
def test_soon_and_same_day_said_loosely_and_pain_said_by_place(rules_alone: Triage, utterance: str,
                                                                 expected: str | None) -> None:
    assert _tier(rules_alone.classify(utterance)) == expected


# The toilet said by its attempt, not by a symptom word (clinical-facts §1A: cannot pee, not knowing when the bladder
# is full, leaking, loss of sensation passing urine). A time span that governs a voiding attempt is a retention sign,
# while the same span said of comfort, sleep or an errand is not; a bare "go" (nothing says where to) is the toilet's
# go beside a loss of awareness or feeling, and "been" said bare is the toilet's perfect; sex that cannot be finished
# is a new change in ejaculation, while sex avoided for pain is not.
TOILET_BY_ITS_ATTEMPT = [
    ("i've been trying to pass water half the night", E),
    ("stood in the gents for twenty minutes trying to go", E),
    ("sat on the toilet trying for ages", E),
    ("i can't tell when i need to go", E),
    ("i don't feel it when i go", E),
    ("i just go without warning", E),
    ("i don't know if i've been or not", E),
    ("i keep going in my pants", E),
    ("the numbness has spread from one leg to both", E),
    ("since my back went i can't finish when we have sex", E),
    # twins: the span or the "go" belongs to something else
    ("i've been trying for ages to get comfortable", N),
    ("lay awake for hours trying to go to sleep", N),
    ("i spent all day trying to go shopping", N),
    ("i can't tell when i need to go to the gym", N),
    ("i don't get the urge to go running any more", N),
    ("i can't tell if i've been doing the stretch right", N),
    ("he went without telling me", N),
    ("i keep going in my pants pocket for my keys", N),
    ("i shift my weight from one leg to the other", N),
    ("we can't have sex because my back hurts", N),
]


@pytest.mark.parametrize(("utterance", "expected"), TOILET_BY_ITS_ATTEMPT)
def test_the_toilet_said_by_its_attempt_a_bare_go_or_a_span(rules_alone: Triage, utterance: str,
                                                             expected: str | None) -> None:
    assert _tier(rules_alone.classify(utterance)) == expected


# Ongoing pain told by its span with the pain as a pronoun ("putting up with it for weeks", "two months of this"),
# a span said as "all this time", a doubt of how much longer one can cope, pain at rest said as no different from
# moving, and "since the fall" for the fall itself; with twins that share the words and carry no sign.
SPAN_REST_AND_FALL_BY_REFERENCE = [
    ("i've been putting up with it for weeks on end", S),
    ("mum's been living with this since february", S),
    ("it's been nearly two months of this", S),
    ("still sore after all this time", S),
    ("i don't know how much longer i can cope", S),
    ("it hurts just as much lying still as moving", U),
    ("it's the same whether i rest or move", U),
    ("since the fall my back hurts", A),
    # twins
    ("we had two weeks of this weather", N),
    ("after six weeks of this routine i feel great", N),
    ("i've loved the routine all this time", N),
    ("i don't know how long i can hold this stretch", N),
    ("since the fall of the roman empire", N),
    ("in the fall my back gets stiff", N),
]


@pytest.mark.parametrize(("utterance", "expected"), SPAN_REST_AND_FALL_BY_REFERENCE)
def test_a_span_rest_pain_or_fall_said_by_reference(rules_alone: Triage, utterance: str, expected: str | None) -> None:
    assert _tier(rules_alone.classify(utterance)) == expected


# Both legs said by both knees, or by legs that "went" with the person left on the floor (clinical-facts §1A: legs
# giving way, weakness in both legs). Twins: knees that only ache, legs that "went" to a comfortable seat.
BOTH_KNEES_AND_LEGS_THAT_WENT = [
    ("both my knees keep giving out", E),
    ("my legs suddenly went and i'm on the floor", E),
    ("both my knees ache after gardening", N),
    ("my legs went and i'm on the sofa now, so comfy", N),
]


@pytest.mark.parametrize(("utterance", "expected"), BOTH_KNEES_AND_LEGS_THAT_WENT)
def test_both_legs_said_by_both_knees_or_by_legs_that_went(rules_alone: Triage, utterance: str,
                                                            expected: str | None) -> None:
    assert _tier(rules_alone.classify(utterance)) == expected


# Weakness said as its own decline ("less strong than last week", "getting feebler", "each day my foot is a bit
# weaker") is a leg getting weaker (same day); toileting named as a compound ("toilet problems", "my toilet habits
# have changed") is the vague down-below question; "since my back got bad" dates the onset and is no worsening, so it
# does not hide that question. Twins: other weakening, other toilets, a worsening said plainly.
WEAKENING_AND_TOILETING_BY_COMPOUND = [
    ("my left leg is less strong than it was last week", U),
    ("my right leg has been getting feebler over the past few days", U),
    ("each day my foot is a bit weaker", U),
    ("toilet problems", A),
    ("my toilet habits have changed", A),
    ("my bladder's been funny since the back got bad", A),
    # twins
    ("my coffee is less strong than yesterday", N),
    ("each day i feel weaker from the flu", N),
    ("my leg isn't getting weaker each day", N),
    ("the toilet is making a funny noise", N),
    ("my toilet habits are normal", N),
    ("it got bad again this week", S),
]


@pytest.mark.parametrize(("utterance", "expected"), WEAKENING_AND_TOILETING_BY_COMPOUND)
def test_weakening_told_by_decline_and_toileting_by_compound(rules_alone: Triage, utterance: str,
                                                             expected: str | None) -> None:
    assert _tier(rules_alone.classify(utterance)) == expected
