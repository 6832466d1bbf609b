"""skill.stores.config: which store the environment chooses, and the clear errors for the ways to get it wrong."""

from __future__ import annotations

import pytest

from skill.alexa.app import build_skill_builder
from skill.stores.dynamodb import DynamoDbPersistenceAdapter
from skill.stores.sqlite import SQLitePersistenceAdapter
from skill.stores.config import persistence_from_environment


def test_sqlite_is_the_default_at_spine_coach_db(tmp_path):
    adapter = persistence_from_environment({"SPINE_COACH_DB": str(tmp_path / "coach.db")})
    assert isinstance(adapter, SQLitePersistenceAdapter) and adapter.path == tmp_path / "coach.db"


def test_without_spine_coach_db_sqlite_uses_the_data_folder_of_the_given_environment(tmp_path):
    adapter = persistence_from_environment({"XDG_DATA_HOME": str(tmp_path)})
    assert adapter.path == tmp_path / "spine-coach" / "state.db"


def test_dynamodb_with_its_table_and_lambdas_region():
    adapter = persistence_from_environment({"SPINE_COACH_STORE": "dynamodb", "SPINE_COACH_TABLE": "coach",
                                            "AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "us-east-1"})
    assert isinstance(adapter, DynamoDbPersistenceAdapter)
    assert (adapter.table_name, adapter.region) == ("coach", "eu-west-1")


def test_a_table_on_its_own_means_dynamodb():
    adapter = persistence_from_environment({"SPINE_COACH_TABLE": "coach", "AWS_DEFAULT_REGION": "us-east-1"})
    assert isinstance(adapter, DynamoDbPersistenceAdapter) and adapter.region == "us-east-1"


def test_no_region_is_left_to_boto3_and_touches_nothing_yet():
    adapter = persistence_from_environment({"SPINE_COACH_TABLE": "coach"})
    assert isinstance(adapter, DynamoDbPersistenceAdapter) and adapter.region is None


def test_the_store_name_is_forgiving_about_case_and_spaces():
    assert isinstance(persistence_from_environment({"SPINE_COACH_STORE": " DynamoDB ", "SPINE_COACH_TABLE": "t"}),
                      DynamoDbPersistenceAdapter)


def test_an_explicit_sqlite_wins_over_a_table(tmp_path):
    adapter = persistence_from_environment({"SPINE_COACH_STORE": "sqlite", "SPINE_COACH_TABLE": "coach",
                                            "SPINE_COACH_DB": str(tmp_path / "coach.db")})
    assert isinstance(adapter, SQLitePersistenceAdapter)


@pytest.mark.parametrize("environment, variable", [
    ({"SPINE_COACH_STORE": "postgres"}, "SPINE_COACH_STORE"),
    ({"SPINE_COACH_STORE": "dynamodb"}, "SPINE_COACH_TABLE"),
    ({"SPINE_COACH_STORE": "dynamodb", "SPINE_COACH_TABLE": "  "}, "SPINE_COACH_TABLE"),
], ids=["unknown-store", "dynamodb-without-table", "blank-table"])
def test_a_misconfiguration_names_the_variable_to_fix(environment, variable):
    with pytest.raises(ValueError, match=variable):
        persistence_from_environment(environment)


def test_the_skill_builder_takes_its_store_from_the_environment(monkeypatch):
    monkeypatch.setenv("SPINE_COACH_STORE", "dynamodb")
    monkeypatch.setenv("SPINE_COACH_TABLE", "coach")
    assert isinstance(build_skill_builder().persistence_adapter, DynamoDbPersistenceAdapter)
    monkeypatch.setenv("SPINE_COACH_STORE", "dynamo")
    with pytest.raises(ValueError, match="SPINE_COACH_STORE"):
        build_skill_builder()
