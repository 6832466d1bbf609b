"""Both persistence stores behind one fixture (`any_store`, in conftest), each with a way to read a user's row.

DynamoDB runs in moto, with fake credentials and no AWS config files, so no test can reach a real account. The
table is created the way the CloudFormation template creates it: partition key `id` (string), on demand.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from typing import Any, Callable

import boto3
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope
from moto import mock_aws

from skill.alexa.app import create_skill
from skill.alexa.envelopes import AlexaSession, launch
from skill.stores.dynamodb import DynamoDbPersistenceAdapter
from skill.stores.sqlite import NOT_STORED, SQLitePersistenceAdapter

REGION = "eu-west-1"
TABLE = "spine-coach-test"


def fake_aws_environment(monkeypatch, tmp_path):
    """Moto in place of AWS, and nothing from this machine's AWS set-up (the `fake_aws` fixture, in conftest)."""
    for name in [name for name in os.environ if name.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with mock_aws():
        yield


def dynamodb_client() -> Any:
    return boto3.client("dynamodb", region_name=REGION)


def create_table(name: str = TABLE) -> None:
    dynamodb_client().create_table(TableName=name, BillingMode="PAY_PER_REQUEST",
                                   KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                                   AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])


@dataclass
class Store:
    name: str
    adapter: Any
    stored: Callable[[str], str | None]  # a user's row as the store holds it, or None
    users: Callable[[], list[str]]  # every user with a row

    def skill(self, seed: int = 0, **options: Any):
        return create_skill(persistence=self.adapter, rng=random.Random(seed), **options)


def sqlite_store(path) -> Store:
    adapter = SQLitePersistenceAdapter(path)

    def stored(user_id: str) -> str | None:
        with closing(sqlite3.connect(path)) as db:
            row = db.execute("SELECT data FROM attributes WHERE id = ?", (user_id,)).fetchone()
        return row[0] if row else None

    def users() -> list[str]:
        with closing(sqlite3.connect(path)) as db:
            return sorted(row[0] for row in db.execute("SELECT id FROM attributes"))

    return Store("sqlite", adapter, stored, users)


def dynamodb_store(table: str = TABLE) -> Store:
    create_table(table)
    client = dynamodb_client()

    def stored(user_id: str) -> str | None:
        item = client.get_item(TableName=table, Key={"id": {"S": user_id}}, ConsistentRead=True).get("Item")
        return item["data"]["S"] if item else None

    def users() -> list[str]:
        return sorted(item["id"]["S"] for item in client.scan(TableName=table, ConsistentRead=True)["Items"])

    return Store("dynamodb", DynamoDbPersistenceAdapter(table, region=REGION), stored, users)


def store_for(request, tmp_path) -> Store:
    """The `any_store` fixture's store (in conftest): SQLite or DynamoDB, as the parameter says."""
    if request.param == "sqlite":
        return sqlite_store(tmp_path / "state.db")
    request.getfixturevalue("fake_aws")
    return dynamodb_store()


def record_dynamodb_calls(client: Any) -> list[tuple[str, dict[str, Any]]]:
    """Every call `client` makes from now on, as (operation, parameters)."""
    calls: list[tuple[str, dict[str, Any]]] = []
    client.meta.events.register(
        "provide-client-params.dynamodb", lambda params, model, **_: calls.append((model.name, dict(params))))
    return calls


def without_revision(attributes: dict) -> dict:
    """What a store read back, minus what it adds: the revision (optimistic concurrency), the LOST mark."""
    return {name: value for name, value in attributes.items() if name not in NOT_STORED}


def envelope_for(user_id: str) -> RequestEnvelope:
    """A launch envelope exactly as the skill receives it, deserialised by the SDK: for reading a store as the
    skill does."""
    raw = AlexaSession(user_id=user_id).envelope(launch())
    return DefaultSerializer().deserialize(json.dumps(raw), RequestEnvelope)
