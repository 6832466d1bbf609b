"""Disabling the skill deletes the user's stored progress, in either store; the other skill events do nothing,
quietly. Events arrive as Alexa sends them: no session, no device, no locale, and no speech is possible."""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path

import pytest
from ask_sdk_core.exceptions import PersistenceException

from conftest import MORNING, Chat
from skill.alexa.app import create_skill, invoke
from skill.stores.dynamodb import DynamoDbPersistenceAdapter
from skill.alexa.envelopes import AlexaSession
from alexa_requests import event_envelope, skill_disabled
from skill.alexa.handlers import request_handlers
from skill.alexa.handlers.privacy import SkillDisabledHandler
from fakes import FakeAlarm
from stores import TABLE, Store, dynamodb_client, dynamodb_store, record_dynamodb_calls

EXAMPLE = Path(__file__).parent / "envelopes" / "skill_disabled.json"
ALICE, BOB = "amzn1.ask.account.ALICE", "amzn1.ask.account.BOB"
OTHER_EVENTS = {
    "AlexaSkillEvent.SkillEnabled": {},
    "AlexaSkillEvent.SkillPermissionAccepted": {"body": {"acceptedPermissions": [
        {"scope": "alexa::alerts:timers:skill:readwrite"}]}},
    "AlexaSkillEvent.SkillPermissionChanged": {"body": {"acceptedPermissions": []}},
    "AlexaSkillEvent.SkillAccountLinked": {"body": {"accessToken": "example-token"}},
}


def with_progress(store: Store, user: str) -> Chat:
    """A user who has heard the disclaimer and a tip: a stored profile."""
    chat = Chat(store.skill(), user=user)
    chat.launch()
    chat.intent("PreventionTipIntent")
    chat.intent("AMAZON.StopIntent")
    assert json.loads(store.stored(user))["tips_heard"]
    return chat


def send_event(store: Store, user: str, event: dict, skill=None) -> dict:
    return invoke(event_envelope(AlexaSession(user_id=user), event, at=MORNING), skill or store.skill())


def assert_silent(response: dict) -> None:
    """What an event may answer: a well-formed, empty response that neither speaks nor touches a session."""
    assert response["version"] == "1.0" and response["response"] == {}
    assert "sessionAttributes" not in response


def errors_logged(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.levelno >= logging.WARNING]


def test_disabling_deletes_that_users_data_and_only_theirs(any_store: Store, caplog):
    with_progress(any_store, ALICE)
    with_progress(any_store, BOB)
    bob_before = any_store.stored(BOB)
    with caplog.at_level(logging.INFO):
        response = send_event(any_store, ALICE, skill_disabled())
    assert_silent(response)
    assert any_store.stored(ALICE) is None
    assert any_store.stored(BOB) == bob_before
    assert errors_logged(caplog) == []


@pytest.mark.parametrize("persisted", [True, False], ids=["PERSISTED", "NOT_PERSISTED"])
def test_data_is_deleted_whatever_alexa_does_with_the_user_id(any_store: Store, persisted):
    with_progress(any_store, ALICE)
    assert_silent(send_event(any_store, ALICE, skill_disabled(persisted=persisted)))
    assert any_store.users() == []


def test_disabling_with_nothing_stored_is_fine_and_stores_nothing(any_store: Store, caplog):
    with caplog.at_level(logging.INFO):
        assert_silent(send_event(any_store, ALICE, skill_disabled()))
    assert any_store.users() == [] and errors_logged(caplog) == []


def test_after_disabling_the_user_starts_again_from_the_beginning(any_store: Store):
    chat = with_progress(any_store, ALICE)
    send_event(any_store, ALICE, skill_disabled(), skill=chat.skill)
    assert "not medical advice" in chat.launch().speech  # the first-ever welcome, disclaimer and all


def test_nothing_is_read_or_written_back_after_the_delete(fake_aws):
    dynamodb_store()
    client = dynamodb_client()
    skill = create_skill(persistence=DynamoDbPersistenceAdapter(TABLE, client=client), rng=random.Random(0))
    chat = Chat(skill, user=ALICE)
    chat.launch()
    calls = record_dynamodb_calls(client)
    invoke(event_envelope(AlexaSession(user_id=ALICE), skill_disabled(), at=MORNING), skill)
    assert [operation for operation, _ in calls] == ["DeleteItem"]


@pytest.mark.parametrize("event_type", sorted(OTHER_EVENTS))
def test_other_skill_events_answer_empty_and_change_nothing(any_store: Store, event_type, caplog):
    with_progress(any_store, ALICE)
    before = any_store.stored(ALICE)
    with caplog.at_level(logging.INFO):
        response = send_event(any_store, ALICE, {"type": event_type, **OTHER_EVENTS[event_type]})
    assert_silent(response)
    assert any_store.stored(ALICE) == before
    assert errors_logged(caplog) == []


def test_a_failed_delete_fails_the_request_so_alexa_delivers_the_event_again(fake_aws, caplog):
    skill = create_skill(persistence=DynamoDbPersistenceAdapter("no-such-table", region="eu-west-1"))
    with caplog.at_level(logging.INFO), pytest.raises(PersistenceException):
        invoke(event_envelope(AlexaSession(user_id=ALICE), skill_disabled(), at=MORNING), skill)
    assert any("ResourceNotFoundException" in record.getMessage() for record in errors_logged(caplog))


def test_the_example_envelope_is_what_the_builder_makes_and_deletes_its_user(any_store: Store):
    example = json.loads(EXAMPLE.read_text())
    built = event_envelope(AlexaSession(user_id="amzn1.ask.account.ENVELOPE-TEST"), skill_disabled(), at=MORNING)
    assert shape(example) == shape(built)
    assert example["request"]["body"] == built["request"]["body"]
    user = example["context"]["System"]["user"]["userId"]
    with_progress(any_store, user)
    assert_silent(invoke(example, any_store.skill()))
    assert any_store.stored(user) is None


def shape(value):
    """The keys of a JSON document at every depth, without the values."""
    if isinstance(value, dict):
        return {key: shape(child) for key, child in value.items()}
    return type(value).__name__


def test_skill_disabled_is_the_first_handler_asked():
    assert isinstance(request_handlers(FakeAlarm(), random.Random(0))[0], SkillDisabledHandler)
