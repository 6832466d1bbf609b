"""The questions the skill asks (skill.core.state.Question): each has exactly one answer, and a conversation saved
while one was open, written as plain strings before the questions were an enum, still carries on."""

from __future__ import annotations

import random

import pytest

from alexa_requests import connections_response
from fakes import FakeAlarm
from skill.alexa import consent
from skill.alexa.app import create_skill
from skill.alexa.dialog import ElicitedSlot, elicited_in
from skill.alexa.envelopes import SKILL_ID, AlexaSession, intent
from skill.local.clock import FakeClock
from skill.local.no_cloud import NoCloudApiClient
from skill.local.nlu.resolver import IntentResolver
from skill.local.talk import LocalConversation
from skill.alexa.handlers import one_answer_each, permission_answers, yes_no_answers
from skill.core.content import Content
from skill.core.state import Conversation, OpenQuestion, Question

EN_US = Content("en-US")


def test_every_question_has_exactly_one_answer(alarm):
    by_yes_or_no = yes_no_answers(alarm, random.Random(0))
    by_permission = permission_answers(alarm)
    assert all(isinstance(question, Question) for question in [*by_yes_or_no, *by_permission])
    assert not by_yes_or_no.keys() & by_permission.keys()
    assert by_yes_or_no.keys() | by_permission.keys() == set(Question)


def test_a_question_two_modules_answer_is_refused():
    def answer(turn, yes):
        raise AssertionError("never called")

    with pytest.raises(ValueError, match="clarify"):
        one_answer_each({Question.CLARIFY: answer}, {Question.MORE_SIGNS: answer, Question.CLARIFY: answer})


def test_only_a_question_can_be_asked():
    with pytest.raises(TypeError):
        Conversation().asking("more_signs")


def test_a_question_is_stored_as_its_plain_string():
    attributes = Conversation().asking(Question.MORE_SIGNS, "urgent").to_attributes()
    assert attributes["question"] == {"id": "more_signs", "arg": "urgent"}
    assert type(attributes["question"]["id"]) is str


def saved_before_the_enum(chat, question: dict) -> None:
    """An open session whose attributes are exactly what the skill wrote before questions were an enum."""
    chat.session.session_id = "amzn1.echo-api.session.saved-before-the-enum"
    chat.session.attributes = {"v": 1, "question": question, "last_speech": "<speak>Earlier.</speak>"}


def test_an_old_yes_no_question_is_read_and_answered(chat):
    assert Conversation.from_attributes({"v": 1, "question": {"id": "more_signs", "arg": "urgent"}}).question == \
        OpenQuestion(Question.MORE_SIGNS, "urgent")
    saved_before_the_enum(chat, {"id": "more_signs", "arg": "urgent"})
    said = chat.yes()
    assert said.attributes["question"] == {"id": "more_signs", "arg": "soon"}  # the urgent signs, then the offer
    assert said.speech.endswith(EN_US.say("signs.offer.soon"))


def test_an_old_permission_question_is_read_and_answered(chat):
    saved_before_the_enum(chat, {"id": "heat_timer", "arg": {"minutes": 15, "capped_from": None,
                                                             "screened": "check"}})
    said = chat.send(connections_response("heat_timer", "DENIED", consent.TIMERS))
    assert EN_US.say("heat.counting", minutes=15) in said.speech and said.ends
    chat.launch()
    assert EN_US.say("heat.time_left", minutes=15) in chat.intent("HeatStatusIntent").speech


# --- what Alexa is told a question waits on, and the short answers it then hears --------------------------------

def _talk(store, user: str = "amzn1.ask.account.QUESTIONS", locale: str = "en-US") -> LocalConversation:
    """The offline runner's conversation: typed words through the resolver, with only what the skill told Alexa."""
    skill = create_skill(persistence=store, alarm=FakeAlarm(), rng=random.Random(0), api_client=NoCloudApiClient())
    return LocalConversation(skill, AlexaSession(user_id=user, locale=locale), clock=FakeClock())


def test_a_question_waiting_on_minutes_tells_alexa_and_hears_a_bare_number(store):
    talk = _talk(store)
    talk.hear("open spine coach")
    asked = talk.hear("set the heat timer for purple minutes")
    assert asked.attributes["question"]["id"] == Question.HEAT_DURATION
    assert "Dialog.ElicitSlot" in asked.record["directives"]
    assert talk.elicited == ElicitedSlot("HeatTimerIntent", "minutes")
    answered = talk.hear("twelve")
    assert (answered.record["intent"], answered.record["slots"]["minutes"]) == ("HeatTimerIntent", "12")
    assert answered.attributes["question"]["id"] == Question.HEAT_SCREEN  # on to the screening, for 12 minutes
    assert answered.attributes["question"]["arg"]["minutes"] == 12


def test_the_same_number_with_no_question_open_is_no_heat_request(store):
    talk = _talk(store)
    talk.hear("open spine coach")
    assert talk.elicited is None
    assert talk.hear("twelve").record["intent"] != "HeatTimerIntent"


def test_a_reminder_time_question_hears_a_british_time(store):
    talk = _talk(store, locale="en-GB")
    talk.hear("open spine coach")
    asked = talk.hear("set a daily stretch reminder")
    assert asked.attributes["question"]["id"] == Question.REMINDER_TIME
    assert talk.elicited == ElicitedSlot("SetReminderIntent", "time")
    answered = talk.hear("half seven")
    assert (answered.record["intent"], answered.record["slots"]["time"]) == ("SetReminderIntent", "07:30")


def test_a_stretch_check_in_waits_on_how_it_felt_and_hears_ok_as_fine(store):
    talk = _talk(store)
    talk.hear("open spine coach")
    talk.hear("start my lower back stretches")
    talk.hear("no")  # the day's screening
    led = talk.hear("next")
    assert led.attributes["routine"]["status"] == "running" and talk.elicited == ElicitedSlot("PainCheckIntent",
                                                                                               "feeling")
    answered = talk.hear("ok")
    assert (answered.record["intent"], answered.record["slots"]["feeling"]) == ("PainCheckIntent", "ok")
    assert answered.attributes["routine"]["step"] == led.attributes["routine"]["step"] + 1  # fine: the next one
    assert talk.hear("ok").record["intent"] == "PainCheckIntent"


def test_a_yes_or_no_question_tells_alexa_nothing(store):
    talk = _talk(store)
    talk.hear("open spine coach")
    asked = talk.hear("start my lower back stretches")
    assert asked.attributes["question"]["id"] == Question.STRETCH_SCREEN
    assert "Dialog.ElicitSlot" not in asked.record["directives"] and talk.elicited is None
    assert talk.hear("nah i'm good").record["intent"] == "AMAZON.NoIntent"


def test_the_elicit_slot_directive_is_what_alexa_reads(chat):
    """Its JSON, as Alexa gets it: the intent to fill and the slot, in answer to an intent only."""
    chat.launch()
    said = chat.send(intent("HeatTimerIntent", {"duration": {"name": "duration", "value": "?"}}))
    elicit = [d for d in said.raw["response"]["directives"] if d["type"] == "Dialog.ElicitSlot"]
    assert elicit == [{"type": "Dialog.ElicitSlot", "slotToElicit": "minutes",
                       "updatedIntent": {"name": "HeatTimerIntent", "confirmationStatus": "NONE",
                                         "slots": {"minutes": {"name": "minutes", "confirmationStatus": "NONE"}}}}]
    assert elicited_in(said.raw) == ElicitedSlot("HeatTimerIntent", "minutes")
    assert said.ends is False


def test_a_launch_never_carries_a_dialog_directive(chat):
    said = chat.launch()
    assert not [d for d in said.raw["response"].get("directives", []) if d["type"].startswith("Dialog.")]


def test_a_bare_number_of_minutes_starts_that_much_heat(chat):
    chat.launch()
    said = chat.send(intent("HeatTimerIntent", {"minutes": {"name": "minutes", "value": "25"}}))
    assert said.attributes["question"]["arg"]["minutes"] == 20  # capped, as "25 minutes" would be
    zero = chat.send(intent("HeatTimerIntent", {"minutes": {"name": "minutes", "value": "?"}}))
    assert zero.attributes["question"]["id"] == Question.HEAT_DURATION  # not a number: asked again


def test_on_a_screen_the_check_in_keeps_its_screen_and_an_okay_still_carries_on(chat):
    """A dialog directive must go alone, and a stretch's screen matters more to someone on the floor: on an Echo
    Show the check-in is not elicited, so "okay" arrives as a yes, which the skill takes as fine."""
    chat.session.screen = True
    chat.launch()
    chat.intent("StartStretchIntent", area=("lower back", "lower_back"))
    chat.no()
    led = chat.intent("AMAZON.NextIntent")
    types = [d["type"] for d in led.raw["response"]["directives"]]
    assert types == ["Alexa.Presentation.APL.RenderDocument"]
    okay = chat.yes()
    assert okay.attributes["routine"]["step"] == led.attributes["routine"]["step"] + 1


# --- pain said with no routine running: a report, never a dead end --------------------------------------------

@pytest.mark.parametrize("said", ["my back is killing me", "the pain is going down my leg", "ouch, that one hurts"])
def test_pain_with_no_routine_running_is_answered_as_a_report_with_an_offer(store, said):
    talk = _talk(store)
    talk.hear("open spine coach")
    answered = talk.hear(said)
    assert answered.record["intent"] in ("PainCheckIntent", "SymptomReportIntent")
    speech = answered.record["speech"]
    assert EN_US.say("flow.no_routine") not in speech
    assert speech.startswith(EN_US.say("symptom.no_red_flag"))  # the number first, for anything it might be
    assert speech.endswith(EN_US.say("symptom.offer_signs"))
    assert answered.attributes["question"] == {"id": Question.MORE_SIGNS, "arg": "emergency"}
    signs = talk.hear("yes please")
    assert EN_US.say("signs.emergency") in signs.record["speech"]


def test_feeling_fine_with_no_routine_running_asks_what_next(store):
    talk = _talk(store)
    talk.hear("open spine coach")
    answered = talk.hear("it feels fine")
    assert (answered.record["intent"], answered.record["slots"]["feeling"]) == ("PainCheckIntent", "fine")
    assert EN_US.say("flow.no_routine") not in answered.record["speech"] and not answered.record["end_session"]


@pytest.mark.parametrize("said", ["both my legs have gone numb", "i can't feel my bum when i wipe",
                                  "my legs are numb and i've wet myself"])
def test_a_sign_said_while_the_check_in_waits_keeps_its_words_on_an_echo(chat, said):
    """What an Echo would send mid-routine (the feeling elicited), with no raw text: the words reach triage."""
    chat.launch()
    chat.intent("StartStretchIntent", area=("lower back", "lower_back"))
    chat.no()
    led = chat.intent("AMAZON.NextIntent")
    elicited = elicited_in(led.raw)
    assert elicited == ElicitedSlot("PainCheckIntent", "feeling")
    heard = IntentResolver.for_locale("en-US").resolve(said, context=elicited)
    slots = {name: slot.to_alexa(SKILL_ID) for name, slot in heard.slots.items() if slot.value is not None}
    answered = chat.send(intent(heard.intent, slots))
    assert " ".join(slot["value"] for slot in slots.values()).split()[-2:] == said.split()[-2:]
    assert answered.triage == "emergency" or (answered.triage == "clarify" and "911" in answered.speech.split(".")[0])


# The longest said any way, or the length left to the skill ("the usual", "up to you": its default), answers "How
# many minutes?": on to the screening, never asked again.
@pytest.mark.parametrize(("said", "locale", "minutes"), [
    ("max", "en-US", 20), ("the maximum please", "en-US", 20), ("as long as i'm allowed", "en-US", 20),
    ("the most you can", "en-US", 20),
    ("the usual", "en-GB", 15), ("whatever you think", "en-GB", 15), ("not too long", "en-GB", 15),
    ("up to you", "en-GB", 15),
])
def test_a_length_said_in_words_answers_how_many_minutes(store, said, locale, minutes):
    talk = _talk(store, locale=locale)
    talk.hear("open spine coach")
    talk.hear("set the heat timer for purple minutes")
    answered = talk.hear(said)
    assert answered.record["intent"] == "HeatTimerIntent"
    assert answered.attributes["question"]["id"] == Question.HEAT_SCREEN
    assert answered.attributes["question"]["arg"]["minutes"] == minutes


@pytest.mark.parametrize(("said", "period"), [("after tea", "evening"), ("first thing in the morning", "morning"),
                                               ("before bed", "night"), ("after my dinner", "evening")])
def test_a_time_of_day_named_by_what_is_done_then_asks_its_hour(store, said, period):
    talk = _talk(store, locale="en-GB")
    talk.hear("open spine coach")
    talk.hear("set a daily stretch reminder")
    answered = talk.hear(said)
    assert answered.record["intent"] == "SetReminderIntent"
    assert answered.record["speech"].endswith(Content("en-GB").say(f"reminders.ask_time.{period}"))


# --- a part of the day named with the hour ---------------------------------------------------------------------------

@pytest.mark.parametrize(("said", "time"), [("before bed, say ten", "22:00"), ("after tea, say seven", "19:00"),
                                            ("after i get home say six", "18:00")])
def test_a_part_of_the_day_said_with_the_hour_sets_that_hour_of_it(skill, alexa_api, said, time):
    from alexa_api import ACCESS_TOKEN
    from conftest import MORNING, Chat
    from reminders_api import RemindersService
    from skill.alexa.envelopes import intent as intent_request

    RemindersService(alexa_api)  # the device's time zone, asked before the offer
    chat = Chat(skill, at=MORNING)
    chat.session = AlexaSession(user_id="amzn1.ask.account.QUESTIONS", locale="en-GB", api_endpoint=alexa_api.endpoint,
                                api_access_token=ACCESS_TOKEN, granted_scopes=(consent.REMINDERS,))
    asked = chat.intent("SetReminderIntent")
    heard = IntentResolver.for_locale("en-GB").resolve(said, context=elicited_in(asked.raw))
    slots = {name: slot.to_alexa(SKILL_ID) for name, slot in heard.slots.items() if slot.value is not None}
    offered = chat.send(intent_request(heard.intent, slots))
    assert offered.attributes["question"]["id"] == Question.REMINDER_OFFER
    assert offered.attributes["question"]["arg"]["time"] == time


@pytest.mark.parametrize("said", ["heat", "heat please", "the heat"])
def test_the_launch_menus_own_word_for_heat_starts_the_heat(store, said):
    """"Stretches, heat, or a tip?": the answer "heat" must never cancel anything."""
    talk = _talk(store)
    talk.hear("open spine coach")
    answered = talk.hear(said)
    assert answered.record["intent"] == "HeatTimerIntent"
    assert answered.attributes["question"]["id"] == Question.HEAT_SCREEN


# --- the resume offer answered by naming the routine ------------------------------------------------------------------

@pytest.mark.parametrize("said", ["yes the lower back ones", "yeah my back stretches", "the lower back one please"])
def test_naming_the_offered_routine_carries_it_on_where_it_stopped(store, said):
    """"...your lower back routine, at step 2. Shall we carry on?" "Yes, the back ones": a yes that names the
    routine (heard as StartStretchIntent with its area) carries on at step 2, not from the start."""
    talk = _talk(store)
    talk.hear("open spine coach")
    talk.hear("start my lower back stretches")
    talk.hear("no")  # the day's screening: nothing like that
    talk.hear("next")  # warmed up: the first stretch
    talk.hear("next")
    assert talk.hear("stop").record["intent"] == "AMAZON.StopIntent"
    again = _talk(store)
    offer = again.hear("open spine coach")
    assert offer.attributes["question"]["id"] == Question.RESUME_OFFER and "step 2" in offer.record["speech"]
    answered = again.hear(said)
    assert answered.record["intent"] == "StartStretchIntent"
    assert "Step 2 of" in answered.record["speech"]


def test_naming_another_routine_to_the_resume_offer_starts_that_one(store):
    talk = _talk(store)
    talk.hear("open spine coach")
    talk.hear("start my lower back stretches")
    talk.hear("no")
    talk.hear("next")
    talk.hear("next")
    talk.hear("stop")
    again = _talk(store)
    again.hear("open spine coach")
    answered = again.hear("no just the neck ones today")
    assert answered.record["intent"] == "StartStretchIntent"
    assert "Step 2 of" not in answered.record["speech"]


@pytest.mark.parametrize("opening, said, then_asked", [
    ("start my back stretches", "no problems", Question.READY_TO_BEGIN),  # the day's screen: nothing of the kind
    ("heat please", "all good", Question.HEAT_SCREEN),  # the skin question answered: the next screening question
])
def test_an_all_right_answer_to_a_safety_screen_is_its_no(store, said, opening, then_asked):
    talk = _talk(store)
    talk.hear("open spine coach")
    talk.hear(opening)
    answered = talk.hear(said)
    # On an Echo "all good" is PainCheckIntent's "fine"; to a screen it can only mean none of those signs.
    assert (answered.record["intent"], answered.record["slots"]["feeling"]) == ("PainCheckIntent", said)
    assert answered.attributes["question"]["id"] == then_asked


def test_an_all_right_answer_to_ready_to_begin_starts_the_first_stretch(store):
    talk = _talk(store)
    talk.hear("open spine coach")
    talk.hear("start my back stretches")
    talk.hear("no")
    begun = talk.hear("all good")
    assert begun.record["intent"] == "PainCheckIntent"
    assert begun.record["speech"].startswith(EN_US.say("stretch.step_header", number=1, total=6, name="pelvic tilt"))


def test_minutes_said_during_the_heat_screen_never_pause_anything(store):
    # Safety: "fifteen minutes" with no duration asked once reached AMAZON.PauseIntent ("just a minute").
    talk = _talk(store)
    talk.hear("open spine coach")
    screening = talk.hear("set a heat timer for ten minutes")
    assert screening.attributes["question"]["id"] == Question.HEAT_SCREEN
    assert talk.elicited is None
    assert talk.hear("fifteen minutes").record["intent"] == "HeatTimerIntent"



# On an Echo a yes said with its sign ("yes, I have diabetes") arrives as a symptom report, the yes first in its slot.
@pytest.mark.parametrize("said, clearance", [("yes i have diabetes", True), ("yeah my circulation is poor", True),
                                             ("my back has been stiff all week", False)])
def test_a_symptom_report_opening_with_yes_answers_a_safety_screen_yes(chat, said, clearance):
    chat.launch()
    assert chat.intent("HeatTimerIntent").attributes["question"]["id"] == Question.HEAT_SCREEN
    answered = chat.intent("SymptomReportIntent", symptom=said)
    assert (answered.attributes.get("question", {}).get("id") == Question.HEAT_CLEARANCE) is clearance
    assert (EN_US.say("heat.not_advised") in answered.speech) is clearance  # without a yes: "no red flag" as before


def test_a_yes_said_with_a_sign_to_the_stretch_screen_is_still_triaged(store):
    # The sign's own tier comes first (here its clarifying question), as for any report: the yes never hides it.
    talk = _talk(store)
    talk.hear("open spine coach")
    assert talk.hear("start my lower back stretches").attributes["question"]["id"] == Question.STRETCH_SCREEN
    answered = talk.hear("yeah a bit of numbness")
    assert answered.record["intent"] == "SymptomReportIntent"
    assert answered.attributes["question"]["id"] == Question.CLARIFY
