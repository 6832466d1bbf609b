"""Outside calls happen once: a turn that lost the race to save the user's profile runs again (skill.alexa.
retrying_skill), and the run again must not set a second device timer or reminder, nor tell the user about the
first one as if someone else had made it.

The real skill talks real HTTPS to the loopback Timers and Reminders stubs (tests/timers_api.py,
tests/reminders_api.py). The race is staged deterministically: right after the turn reads the user's row, the
kitchen Echo (the same user, another device) saves that row, so the turn's first save is refused.
"""

from __future__ import annotations

import json
import random
import sqlite3
from contextlib import closing
from typing import Any, Callable

import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestInterceptor
from ask_sdk_core.exceptions import ApiClientException
from ask_sdk_model.services import ApiClient, ApiClientRequest, ApiClientResponse

from alexa_api import ACCESS_TOKEN
from conftest import Chat
from reminders_api import RemindersService
from skill.alexa import consent
from skill.alexa.app import build_skill_builder, create_skill, use_serializer
from skill.alexa.envelopes import AlexaSession
from skill.alexa.services.replay import ReplayingApiClient, recording_calls
from skill.alexa.turn import Turn
from skill.core.heat import HEAT_SCREEN_QUESTIONS
from skill.core.state import Question
from skill.stores.sqlite import ConcurrentUpdate
from timers_api import TIMERS, TimersApi

USER = "amzn1.ask.account.TWO-ECHOS"


class KitchenSavesFirst(AbstractPersistenceAdapter):
    """The user's row as the bedroom Echo's skill sees it. Once armed, the next read of the row is followed at
    once by the kitchen Echo's turn (another writer of the same row), so the turn that made that read loses its
    save. Counts the saves it lost, so a test can show the race really happened."""

    def __init__(self, inner: AbstractPersistenceAdapter, kitchen_turn: Callable[[], Any]):
        self.inner, self.kitchen_turn = inner, kitchen_turn
        self.armed = False
        self.lost = 0

    def get_attributes(self, request_envelope):
        read = self.inner.get_attributes(request_envelope)
        if self.armed:
            self.armed = False
            self.kitchen_turn()
        return read

    def save_attributes(self, request_envelope, attributes):
        try:
            self.inner.save_attributes(request_envelope, attributes)
        except ConcurrentUpdate:
            self.lost += 1
            raise

    def delete_attributes(self, request_envelope):
        self.inner.delete_attributes(request_envelope)


def kitchen(store) -> Callable[[], Any]:
    """The kitchen Echo's turn: a tip, which the user's row remembers."""
    chat = Chat(create_skill(persistence=store, rng=random.Random(7)), user=USER)
    return lambda: chat.intent("PreventionTipIntent")


def bedroom(skill, alexa_api, *scopes: str) -> Chat:
    chat = Chat(skill, user=USER)
    chat.session = AlexaSession(user_id=USER, api_endpoint=alexa_api.endpoint, api_access_token=ACCESS_TOKEN,
                                granted_scopes=scopes)
    return chat


def stored_row(store) -> dict:
    with closing(sqlite3.connect(store.path)) as db:
        (data,) = db.execute("SELECT data FROM attributes WHERE id = ?", (USER,)).fetchone()
    return json.loads(data)


def test_a_heat_start_that_lost_its_save_sets_one_device_timer(store, alexa_api):
    racing = KitchenSavesFirst(store, kitchen(store))
    chat = bedroom(create_skill(persistence=racing, rng=random.Random(0)), alexa_api, consent.TIMERS)
    timers = TimersApi.on(alexa_api, now=lambda: chat.now)
    chat.launch()
    said = chat.intent("HeatTimerIntent", duration="PT20M")
    for _ in HEAT_SCREEN_QUESTIONS[1:]:
        said = chat.no()
    assert said.attributes["question"]["id"] == "heat_screen"

    racing.armed = True  # the last screening answer starts the heat: its turn loses its first save
    said = chat.no()

    assert racing.lost == 1
    assert [(r.method, r.path) for r in alexa_api.calls("POST", TIMERS)] == [("POST", TIMERS)]
    assert list(timers.timers) == ["timer-1"] and len(timers.created) == 1
    assert len(alexa_api.calls("GET", TIMERS)) == 1  # every call of the turn once: the run again replayed them
    assert said.speech.count("Heat timer set for 20 minutes") == 1 and said.ends
    assert "sorry" not in said.speech.lower()
    row = stored_row(store)
    assert row["heat"]["timer_id"] == "timer-1"  # the profile names the timer the device really has
    assert len(row["tips_heard"]) == 1  # and the kitchen's turn, which won the race, is not undone


class AlsoRecordsAScreening(AbstractRequestInterceptor):
    """No turn that sets a reminder writes the profile today, so none can lose the race; this makes the turn
    that answers the reminder offer also record a screening, as a future turn might, so that it saves and the
    race can reach a reminder created in it. The guarantee must not rest on which turns happen to save."""

    def process(self, handler_input):
        turn = Turn.of(handler_input)
        if turn.asked is not None and turn.asked.id is Question.REMINDER_OFFER:
            turn.profile.screened_on = turn.today.isoformat()


def test_a_reminder_set_in_a_turn_that_lost_its_save_is_created_once(store, alexa_api):
    reminders = RemindersService(alexa_api)
    racing = KitchenSavesFirst(store, kitchen(store))
    builder = build_skill_builder(persistence=racing, rng=random.Random(0))
    builder.add_global_request_interceptor(AlsoRecordsAScreening())
    chat = bedroom(use_serializer(builder.create()), alexa_api, consent.REMINDERS)
    assert "Shall I set that?" in chat.intent("SetReminderIntent", time="08:00").speech

    racing.armed = True
    said = chat.yes()

    assert racing.lost == 1
    assert len(reminders.calls("POST")) == 1 and reminders.calls("PUT") == [] and len(reminders.reminders) == 1
    assert len(reminders.calls("GET")) == 1  # the list before setting, once
    assert said.speech.startswith("Done. I'll remind you to stretch every day at 8 AM.") and said.ends
    assert "replac" not in said.speech.lower()  # the retry must not take its own reminder for an earlier one
    row = stored_row(store)
    assert row["screened_on"] and len(row["tips_heard"]) == 1


class AnswersEverything(AbstractExceptionHandler):
    """An exception handler that takes any failure, as a careless catch-all would."""

    def __init__(self):
        self.handled: list[Exception] = []

    def can_handle(self, handler_input, exception):
        return True

    def handle(self, handler_input, exception):
        self.handled.append(exception)
        return handler_input.response_builder.speak("Sorry.").response


def test_a_lost_race_reaches_the_retry_whatever_the_exception_handlers_accept(store, alarm):
    """The retry does not rest on every exception handler declining ConcurrentUpdate: the skill takes a lost race
    before any exception handler is asked."""
    racing = KitchenSavesFirst(store, kitchen(store))
    catch_all = AnswersEverything()
    builder = build_skill_builder(persistence=racing, alarm=alarm, rng=random.Random(0))
    builder.add_exception_handler(catch_all)  # asked after the apology handler, which declines a lost race
    chat = Chat(use_serializer(builder.create()), user=USER)
    racing.armed = True
    said = chat.intent("PreventionTipIntent")
    assert racing.lost == 1 and catch_all.handled == []
    assert "sorry" not in said.speech.lower()
    assert len(stored_row(store)["tips_heard"]) == 2  # the kitchen's tip and the bedroom's, after its run again


class CountingApiClient(ApiClient):
    """Alexa's APIs as a list of what was asked: answers 200 with the call's number, or raises for `failing` URLs."""

    def __init__(self, failing: str | None = None):
        self.made: list[str] = []
        self.failing = failing

    def invoke(self, request):
        self.made.append(f"{request.method} {request.url}")
        if request.url == self.failing:
            raise ApiClientException("timed out")
        return ApiClientResponse(status_code=200, body=str(len(self.made)))


def call(client: ApiClient, method: str, url: str, body: str | None = None):
    return client.invoke(ApiClientRequest(method=method, url=url, body=body))


def test_a_run_again_replays_the_same_calls_and_goes_to_alexa_from_the_first_that_differs():
    alexa = CountingApiClient(failing="/slow")
    client = ReplayingApiClient(alexa)
    with recording_calls() as calls:
        calls.next_run()
        first = [call(client, "GET", "/timers").body, call(client, "POST", "/timers", "{}").body]
        with pytest.raises(ApiClientException):
            call(client, "GET", "/slow")
        calls.next_run()  # the same calls in the same order: the same answers, nothing reaches Alexa
        assert [call(client, "GET", "/timers").body, call(client, "POST", "/timers", "{}").body] == first
        with pytest.raises(ApiClientException):
            call(client, "GET", "/slow")  # a recorded failure is raised again, without a second wait for it
        assert len(alexa.made) == 3
        calls.next_run()  # a fresher profile took this run another way after its first call
        assert call(client, "GET", "/timers").body == first[0]
        assert call(client, "DELETE", "/timers/1").body == "4"
        assert call(client, "POST", "/timers", "{}").body == "5"  # past the divergence nothing is replayed
    assert call(client, "GET", "/timers").body == "6"  # outside a request's record, calls go straight through
