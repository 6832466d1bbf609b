"""What a Lambda cold start loads: `import lambda_function` (and the first LaunchRequest) must not bring in the
libraries only other entry points or rare turns need. Each is tens of milliseconds on every cold start:

- pyttsx3 and numpy (the offline voice), Flask (the web endpoint), cryptography (its signature check), PyYAML;
- isodate (2.4 ms; the tests check skill.core.heat's own duration reader against it);
- boto3 (DynamoDB's client is made on the first request that needs it);
- requests (ask-sdk's HTTP client, which skill.alexa.services.api_client makes on the first Alexa API call).

Each check runs in a fresh interpreter (`python -I`: no PYTHON* variables, no user site, not even the current
folder on sys.path) with an environment holding only what the case needs, and reads sys.modules. Nothing is timed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from skill.alexa.envelopes import AlexaSession, launch

REPO = Path(__file__).resolve().parents[1]
KEPT_OFF = ("pyttsx3", "numpy", "isodate", "flask", "cryptography", "boto3", "botocore", "yaml", "requests",
            "urllib3")

_CHILD = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import lambda_function
for name in sys.argv[4:]:
    __import__(name)
watched = json.loads(sys.argv[3])
loaded = {"import": sorted(m for m in sys.modules if m.split(".")[0] in watched)}
if sys.argv[2]:
    response = lambda_function.lambda_handler(json.loads(sys.argv[2]), None)
    assert response["response"]["outputSpeech"]["ssml"].startswith("<speak>"), response
    loaded["launch"] = sorted(m for m in sys.modules if m.split(".")[0] in watched)
print(json.dumps(loaded))
"""


def loaded_after(tmp_path: Path, environment: dict[str, str], answer_a_launch: bool,
                 *also_import: str) -> dict[str, list[str]]:
    """The KEPT_OFF modules in sys.modules after `import lambda_function` (and after one LaunchRequest)."""
    envelope = json.dumps(AlexaSession(user_id="amzn1.ask.account.IMPORT-PATH").envelope(launch()))
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **environment}
    result = subprocess.run([sys.executable, "-I", "-c", _CHILD, str(REPO), envelope if answer_a_launch else "",
                             json.dumps(KEPT_OFF), *also_import], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_the_check_sees_a_module_that_is_imported(tmp_path):
    """The control: a watched module imported on purpose shows up, so the checks below can fail."""
    loaded = loaded_after(tmp_path, {"SPINE_COACH_DB": str(tmp_path / "state.db")}, False, "requests")
    assert "requests" in loaded["import"] and "urllib3" in loaded["import"]


def test_the_sqlite_build_imports_none_of_them_before_or_after_a_launch(tmp_path):
    loaded = loaded_after(tmp_path, {"SPINE_COACH_DB": str(tmp_path / "state.db")}, True)
    assert loaded == {"import": [], "launch": []}


def test_on_lambda_with_json_logging_none_of_them_either(tmp_path):
    on_lambda = {"AWS_LAMBDA_FUNCTION_NAME": "spine-coach", "AWS_REGION": "eu-west-1",
                 "SPINE_COACH_DB": str(tmp_path / "state.db")}
    assert loaded_after(tmp_path, on_lambda, True) == {"import": [], "launch": []}


def test_a_dynamodb_build_leaves_boto3_to_the_first_request(tmp_path):
    on_lambda = {"AWS_LAMBDA_FUNCTION_NAME": "spine-coach", "AWS_REGION": "eu-west-1",
                 "SPINE_COACH_STORE": "dynamodb", "SPINE_COACH_TABLE": "spine-coach-test"}
    assert loaded_after(tmp_path, on_lambda, False) == {"import": []}
