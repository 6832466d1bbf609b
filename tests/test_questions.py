"""The questions the skill asks (skill.core.state.Question): each has exactly one answer, and a conversation saved
while one was open, written as plain strings before the questions were an enum, still carries on."""

from __future__ import annotations

import random

import pytest

from alexa_requests import connections_response
from skill.alexa import consent
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
