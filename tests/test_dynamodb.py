"""skill.stores.dynamodb against moto, side by side with SQLite: the same rows, the same conversations across sessions,
and a calm apology when AWS is missing, misconfigured or throttling."""

from __future__ import annotations

import json
import logging
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model import Context, RequestEnvelope
from ask_sdk_model.interfaces.system import SystemState
from botocore.stub import Stubber

from conftest import Chat
from skill.alexa.app import create_skill
from skill.core.content import load_document
from skill.stores.dynamodb import DYNAMODB_ACTIONS, DynamoDbPersistenceAdapter
from skill.alexa.envelopes import AlexaSession, launch
from skill.core.heat import HEAT_SCREEN_QUESTIONS
from skill.stores.sqlite import encode_attributes
from stores import (REGION, TABLE, Store, create_table, dynamodb_client, dynamodb_store, envelope_for,
                    record_dynamodb_calls, sqlite_store, without_revision)

ROOT = Path(__file__).resolve().parents[1]
ALICE_ID, BOB_ID = "amzn1.ask.account.ALICE", "amzn1.ask.account.BOB"
TIPS = {tip["say"]: tip["id"] for tip in load_document("en-US", "tips")["tips"]}
ATTRIBUTES = {"v": 1, "tips_heard": ["lifting_plan"], "heat": {"started_at": 1.5, "ends_at": 901.25},
              "unfinished": None, "disclaimer_heard": True, "text": "Heat & ice <ok> \u00e9 \U0001f525"}


ALICE, BOB = envelope_for(ALICE_ID), envelope_for(BOB_ID)


def tip_id(speech: str) -> str:
    return next(tip for text, tip in TIPS.items() if text in speech)


# --- the adapter contract, on both stores ----------------------------------------------------------------


def test_unknown_user_gets_empty_attributes(any_store: Store):
    assert without_revision(any_store.adapter.get_attributes(ALICE)) == {}


def test_save_then_get_round_trips_floats_and_unicode(any_store: Store):
    any_store.adapter.save_attributes(ALICE, ATTRIBUTES)
    assert without_revision(any_store.adapter.get_attributes(ALICE)) == ATTRIBUTES
    assert any_store.stored(ALICE_ID) == encode_attributes(ATTRIBUTES)


def test_save_overwrites_and_keeps_one_row_per_user(any_store: Store):
    any_store.adapter.save_attributes(ALICE, {"v": 1, "a": 1})
    any_store.adapter.save_attributes(ALICE, {"v": 1, "b": 2})
    assert without_revision(any_store.adapter.get_attributes(ALICE)) == {"v": 1, "b": 2}
    assert any_store.users() == [ALICE_ID]


def test_delete_removes_only_that_user_and_an_unknown_user_is_harmless(any_store: Store):
    any_store.adapter.save_attributes(ALICE, {"who": "alice"})
    any_store.adapter.save_attributes(BOB, {"who": "bob"})
    any_store.adapter.delete_attributes(ALICE)
    any_store.adapter.delete_attributes(ALICE)
    assert without_revision(any_store.adapter.get_attributes(ALICE)) == {}
    assert any_store.users() == [BOB_ID]


@pytest.mark.parametrize("operation", ["get", "save", "delete"])
def test_an_envelope_without_a_user_is_refused_and_stores_nothing(any_store: Store, operation):
    anonymous = RequestEnvelope(context=Context(system=SystemState()))
    call = {"get": lambda: any_store.adapter.get_attributes(anonymous),
            "save": lambda: any_store.adapter.save_attributes(anonymous, {"v": 1}),
            "delete": lambda: any_store.adapter.delete_attributes(anonymous)}[operation]
    with pytest.raises(PersistenceException):
        call()
    assert any_store.users() == []


def test_both_stores_hold_the_same_text(fake_aws, tmp_path):
    stores = [sqlite_store(tmp_path / "state.db"), dynamodb_store()]
    for store in stores:
        store.adapter.save_attributes(ALICE, ATTRIBUTES)
    assert stores[0].stored(ALICE_ID) == stores[1].stored(ALICE_ID)


# --- whole conversations, on both stores ------------------------------------------------------------------


def test_tip_rotation_survives_new_sessions_and_new_skill_objects(any_store: Store):
    heard = []
    for session in range(len(TIPS)):
        chat = Chat(any_store.skill(seed=session))  # a fresh skill per session: only the store remembers
        chat.launch()
        heard.append(tip_id(chat.intent("PreventionTipIntent").speech))
    assert sorted(heard) == sorted(TIPS.values())
    chat.launch()
    assert "heard all my tips" in chat.intent("PreventionTipIntent").speech


def test_a_routine_stopped_part_way_is_offered_back_in_a_new_session(any_store: Store):
    chat = Chat(any_store.skill())
    chat.launch()
    chat.intent("StartStretchIntent", area=("lower back", "lower_back"))
    chat.no()
    chat.intent("AMAZON.NextIntent")
    chat.intent("AMAZON.NextIntent")
    assert chat.intent("AMAZON.StopIntent").ends
    chat = Chat(any_store.skill(seed=1))
    welcome = chat.launch()
    assert "not medical advice" not in welcome.speech  # the disclaimer flag came back from the store too
    assert "step 2" in welcome.speech and welcome.attributes["question"]["id"] == "resume_offer"
    assert "Step 2 of" in chat.yes().speech


# --- DynamoDB specifics --------------------------------------------------------------------------------------


@pytest.fixture
def dynamo(fake_aws) -> Store:
    return dynamodb_store()


def test_the_item_is_the_user_id_and_one_json_string(dynamo: Store):
    dynamo.adapter.save_attributes(ALICE, ATTRIBUTES)
    item = dynamodb_client().get_item(TableName=TABLE, Key={"id": {"S": ALICE_ID}})["Item"]
    revision = item.pop("revision")["N"]
    assert item == {"id": {"S": ALICE_ID}, "data": {"S": encode_attributes(ATTRIBUTES)}}
    assert int(revision) > 0


def test_only_the_iam_actions_it_declares_are_used_and_reads_are_consistent(dynamo: Store):
    assert DYNAMODB_ACTIONS == ("dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem")
    client = dynamodb_client()
    calls = record_dynamodb_calls(client)
    adapter = DynamoDbPersistenceAdapter(TABLE, client=client)
    chat = Chat(create_skill(persistence=adapter, rng=random.Random(0)))
    chat.launch()
    chat.intent("PreventionTipIntent")
    chat.intent("AMAZON.StopIntent")
    adapter.delete_attributes(ALICE)
    assert {f"dynamodb:{operation}" for operation, _ in calls} == set(DYNAMODB_ACTIONS)
    assert all(params["ConsistentRead"] is True for operation, params in calls if operation == "GetItem")
    assert all(params["TableName"] == TABLE for _, params in calls)


def test_importing_lambda_function_needs_no_aws_configuration(tmp_path):
    """Lambda builds the skill at import; with no region anywhere that must work, and a request then gets the
    apology instead of a crash."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    environment.update(SPINE_COACH_STORE="dynamodb", SPINE_COACH_TABLE="x", HOME=str(tmp_path),
                       AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
                       AWS_EC2_METADATA_DISABLED="true")
    script = ("import json, sys\n"
              "import lambda_function\n"
              "assert 'boto3' not in sys.modules and 'botocore' not in sys.modules, 'AWS imported at import'\n"
              "from skill.alexa.envelopes import AlexaSession, launch\n"
              "print(json.dumps(lambda_function.lambda_handler(AlexaSession().envelope(launch()), None)))\n")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    response = json.loads(result.stdout.splitlines()[-1])
    assert response["version"] == "1.0"
    assert "sorry" in response["response"]["outputSpeech"]["ssml"].lower()
    assert "NoRegionError" in result.stdout + result.stderr  # the reason is in the log, the user id is not
    assert "LOCAL-USER" not in result.stdout + result.stderr


@pytest.mark.parametrize("failure", ["missing table", "no region", "no credentials", "throttled"])
def test_aws_failures_become_a_persistence_exception_without_user_data(fake_aws, monkeypatch, failure, caplog):
    if failure == "missing table":
        adapter = DynamoDbPersistenceAdapter("no-such-table", region=REGION)
        expected = "ResourceNotFoundException"
    elif failure == "no region":
        adapter = DynamoDbPersistenceAdapter(TABLE, region=None)
        expected = "NoRegionError"
    elif failure == "no credentials":
        create_table()
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
            monkeypatch.delenv(name, raising=False)
        adapter = DynamoDbPersistenceAdapter(TABLE, region=REGION)
        expected = "NoCredentialsError"
    else:
        client = dynamodb_client()
        stubber = Stubber(client)
        for _ in range(3):  # the adapter's client retries once; more is harmless
            stubber.add_client_error("put_item", "ProvisionedThroughputExceededException", http_status_code=400)
        stubber.activate()
        adapter = DynamoDbPersistenceAdapter(TABLE, client=client)
        expected = "ProvisionedThroughputExceededException"
    with caplog.at_level(logging.ERROR), pytest.raises(PersistenceException) as raised:
        adapter.save_attributes(ALICE, {"v": 1, "secret": "sciatica"})
    assert expected in str(raised.value)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    logged = " ".join(record.getMessage() for record in caplog.records)
    assert expected in logged
    for private in (ALICE_ID, "sciatica"):
        assert private not in str(raised.value) and private not in logged


@pytest.mark.parametrize("item", [{"data": {"S": "{not json"}}, {"data": {"N": "1"}}, {}],
                         ids=["damaged-json", "not-a-string", "no-data"])
def test_a_damaged_item_reads_as_empty_the_next_save_overwrites_it_and_other_users_are_unaffected(dynamo: Store,
                                                                                                    item):
    dynamo.adapter.save_attributes(BOB, {"who": "bob"})
    dynamodb_client().put_item(TableName=TABLE, Item={"id": {"S": ALICE_ID}, "revision": {"N": "7"}, **item})
    read = dynamo.adapter.get_attributes(ALICE)
    assert without_revision(read) == {}
    dynamo.adapter.save_attributes(ALICE, {**read, "who": "alice"})  # at the damaged item's revision
    assert json.loads(dynamo.stored(ALICE_ID)) == {"who": "alice"}
    assert without_revision(dynamo.adapter.get_attributes(BOB)) == {"who": "bob"}


def test_a_missing_table_mid_conversation_gets_the_apology_and_keeps_the_question(dynamo: Store):
    chat = Chat(dynamo.skill())
    chat.launch()
    asking = chat.intent("HeatTimerIntent")
    for _ in HEAT_SCREEN_QUESTIONS[1:]:  # the answers are not stored: only the last one saves (the screening date)
        asking = chat.no()
    assert asking.attributes["question"]["id"] == "heat_screen"
    dynamodb_client().delete_table(TableName=TABLE)
    said = chat.no()
    assert said.raw["version"] == "1.0" and "sorry" in said.speech.lower() and not said.ends
    assert said.attributes == asking.attributes  # the question is still waiting for its answer


def test_a_failed_save_apologises_and_leaves_the_stored_progress_as_it_was(dynamo: Store):
    client = dynamodb_client()
    chat = Chat(create_skill(persistence=DynamoDbPersistenceAdapter(TABLE, client=client), rng=random.Random(0)))
    chat.launch()
    tip = chat.intent("PreventionTipIntent")
    stored_before = dynamo.stored(chat.session.user_id)
    assert tip_id(tip.speech) in json.loads(stored_before)["tips_heard"]
    client.meta.events.register("before-call.dynamodb.PutItem", throttled)
    said = chat.yes()  # another tip: the rotation changes, and saving it fails
    assert "sorry" in said.speech.lower() and not said.ends
    assert said.attributes == tip.attributes
    assert dynamo.stored(chat.session.user_id) == stored_before


def throttled(**_):
    """A botocore before-call hook answering PutItem with DynamoDB's throttling error, as Stubber does."""
    from botocore.awsrequest import AWSResponse

    error = {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "Rate exceeded"},
             "ResponseMetadata": {"HTTPStatusCode": 400}}
    return AWSResponse(None, 400, {}, None), error


def test_the_adapter_needs_a_table_name():
    with pytest.raises(ValueError):
        DynamoDbPersistenceAdapter("")
