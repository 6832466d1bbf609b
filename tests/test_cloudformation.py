"""deploy/template.yaml: clean under cfn-lint, and least privilege where cfn-lint cannot tell (a "*" resource is
valid CloudFormation): the role may do exactly what skill.stores.dynamodb needs, on our table and our log group only."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from cfnlint.api import lint, lint_file
from cfnlint.config import ManualArgs
from cfnlint.decode import decode

from skill.stores.dynamodb import DYNAMODB_ACTIONS
from skill.stores.config import STORE_ENV, TABLE_ENV

REPO = Path(__file__).resolve().parents[1]
TEMPLATE_PATH = REPO / "deploy" / "template.yaml"
ARTIFACT = REPO / "build" / "spine-coach-lambda.zip"  # what `make package` writes (deploy/package.py)
# The regions Amazon recommends for a skill's function: North America, Europe and India, the Far East.
ALEXA_REGIONS = ["us-east-1", "eu-west-1", "us-west-2"]
LOG_ACTIONS = ("logs:CreateLogStream", "logs:PutLogEvents")
SKILL_IDS_ENV = "SPINE_COACH_SKILL_IDS"  # read by the web endpoint (skill/web/app.py); no constant to import yet


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    decoded, matches = decode(str(TEMPLATE_PATH))
    assert not matches, [str(m) for m in matches]
    return decoded


@pytest.fixture(scope="module")
def resources(template: dict[str, Any]) -> dict[str, Any]:
    return template["Resources"]


def _one(resources: dict[str, Any], resource_type: str) -> tuple[str, dict[str, Any]]:
    found = [(name, r) for name, r in resources.items() if r["Type"] == resource_type]
    assert len(found) == 1, f"expected one {resource_type}, found {[n for n, _ in found]}"
    return found[0]


def _statements(role: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for policy in role["Properties"]["Policies"] for s in policy["PolicyDocument"]["Statement"]]


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_cfn_lint_finds_no_errors_or_warnings() -> None:
    matches = lint_file(TEMPLATE_PATH, config=ManualArgs(regions=ALEXA_REGIONS))
    problems = [f"{m.rule.id} {m.message} (line {m.linenumber})" for m in matches if m.rule.id[0] in "EW"]
    assert problems == []


def test_cfn_lint_sees_the_sam_resources() -> None:
    """The linter is really reading the template: a misspelt Alexa event property is an error."""
    text = TEMPLATE_PATH.read_text(encoding="utf-8").replace("SkillId: !Ref SkillId", "SkilId: !Ref SkillId")
    assert any(m.rule.id.startswith("E") for m in lint(text, regions=["us-east-1"]))


def test_skill_id_parameter_accepts_only_skill_ids(template: dict[str, Any]) -> None:
    pattern = template["Parameters"]["SkillId"]["AllowedPattern"]
    assert re.fullmatch(pattern, "amzn1.ask.skill.0a1b2c3d-4e5f-6789-abcd-ef0123456789")
    for wrong in ("", "*", "amzn1.ask.skill.*", "amzn1.ask.skill.", "amzn1.echo-api.session.0000",
                  "arn:aws:lambda:us-east-1:123456789012:function:x",
                  "amzn1.ask.skill.0a1b2c3d-4e5f-6789-abcd-ef0123456789 "):
        assert not re.fullmatch(pattern, wrong), wrong


def test_function_runs_the_packaged_handler(resources: dict[str, Any]) -> None:
    _, function = _one(resources, "AWS::Serverless::Function")
    props = function["Properties"]
    assert (TEMPLATE_PATH.parent / props["CodeUri"]).resolve() == ARTIFACT
    assert props["Handler"] == "lambda_function.lambda_handler"
    assert props["Runtime"] == "python3.11"
    assert props["Architectures"] == ["x86_64"]
    assert 1 <= props["Timeout"] < 8, "Alexa waits 8 s"
    assert 128 <= props["MemorySize"] <= 1024


def test_function_environment_names_the_store_table_and_skill(resources: dict[str, Any]) -> None:
    _, function = _one(resources, "AWS::Serverless::Function")
    table_name, _ = _one(resources, "AWS::DynamoDB::Table")
    assert function["Properties"]["Environment"]["Variables"] == {
        STORE_ENV: "dynamodb",
        TABLE_ENV: {"Ref": table_name},
        SKILL_IDS_ENV: {"Ref": "SkillId"},
    }


def test_only_our_skill_can_invoke_the_function(resources: dict[str, Any]) -> None:
    _, function = _one(resources, "AWS::Serverless::Function")
    events = function["Properties"]["Events"]
    assert [e["Type"] for e in events.values()] == ["AlexaSkill"]
    assert [e["Properties"] for e in events.values()] == [{"SkillId": {"Ref": "SkillId"}}]
    assert not [n for n, r in resources.items() if r["Type"] == "AWS::Lambda::Permission"]


def test_table_is_keyed_by_id_and_kept(resources: dict[str, Any]) -> None:
    _, table = _one(resources, "AWS::DynamoDB::Table")
    props = table["Properties"]
    assert props["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert props["AttributeDefinitions"] == [{"AttributeName": "id", "AttributeType": "S"}]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["SSESpecification"]["SSEEnabled"] is True
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert (table["DeletionPolicy"], table["UpdateReplacePolicy"]) == ("Retain", "Retain")


def test_role_is_for_lambda_only_with_no_managed_policies(resources: dict[str, Any]) -> None:
    role_name, role = _one(resources, "AWS::IAM::Role")
    _, function = _one(resources, "AWS::Serverless::Function")
    assert function["Properties"]["Role"] == {"Fn::GetAtt": [role_name, "Arn"]}
    assert "Policies" not in function["Properties"]  # SAM would make a second role
    assert "ManagedPolicyArns" not in role["Properties"]  # no AWSLambdaBasicExecutionRole (logs:* on every group)
    assert not [n for n, r in resources.items() if r["Type"] in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy")]
    trust = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert trust == [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
                      "Action": "sts:AssumeRole"}]


def test_role_has_exactly_the_dynamodb_actions_the_store_uses(resources: dict[str, Any]) -> None:
    table_name, _ = _one(resources, "AWS::DynamoDB::Table")
    _, role = _one(resources, "AWS::IAM::Role")
    dynamodb = [s for s in _statements(role) if any(a.startswith("dynamodb:") for a in _as_list(s["Action"]))]
    assert len(dynamodb) == 1
    actions = _as_list(dynamodb[0]["Action"])
    assert sorted(actions) == sorted(DYNAMODB_ACTIONS) and len(actions) == len(set(actions))
    assert dynamodb[0]["Resource"] == {"Fn::GetAtt": [table_name, "Arn"]}


def test_role_writes_only_to_the_functions_own_log_group(resources: dict[str, Any]) -> None:
    log_group_name, log_group = _one(resources, "AWS::Logs::LogGroup")
    _, function = _one(resources, "AWS::Serverless::Function")
    _, role = _one(resources, "AWS::IAM::Role")
    function_name = function["Properties"]["FunctionName"]["Fn::Sub"]
    assert log_group["Properties"]["LogGroupName"] == {"Fn::Sub": f"/aws/lambda/{function_name}"}
    assert log_group["Properties"]["RetentionInDays"] > 0
    logs = [s for s in _statements(role) if any(a.startswith("logs:") for a in _as_list(s["Action"]))]
    assert len(logs) == 1
    assert sorted(_as_list(logs[0]["Action"])) == sorted(LOG_ACTIONS)
    assert logs[0]["Resource"] == {"Fn::GetAtt": [log_group_name, "Arn"]}


def test_every_statement_allows_named_actions_on_a_resource_of_this_stack(resources: dict[str, Any]) -> None:
    _, role = _one(resources, "AWS::IAM::Role")
    expected = {*DYNAMODB_ACTIONS, *LOG_ACTIONS}
    granted: list[str] = []
    for statement in _statements(role):
        assert statement["Effect"] == "Allow"
        assert set(statement) == {"Effect", "Action", "Resource"}  # no NotAction / NotResource
        granted += _as_list(statement["Action"])
        for resource in _as_list(statement["Resource"]):
            assert resource != "*" and "*" not in str(resource), resource
            assert isinstance(resource, dict) and list(resource) == ["Fn::GetAtt"], resource
            logical_id, attribute = resource["Fn::GetAtt"]
            assert logical_id in resources and attribute == "Arn", resource
    assert sorted(granted) == sorted(expected)


def test_outputs_give_the_endpoint_and_the_table(template: dict[str, Any], resources: dict[str, Any]) -> None:
    function_name, _ = _one(resources, "AWS::Serverless::Function")
    table_name, _ = _one(resources, "AWS::DynamoDB::Table")
    outputs = template["Outputs"]
    assert outputs["FunctionArn"]["Value"] == {"Fn::GetAtt": [function_name, "Arn"]}
    assert outputs["TableName"]["Value"] == {"Ref": table_name}
