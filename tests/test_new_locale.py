"""A new locale is data only: its skill/locale/<locale>/ files, its interaction_models/locales/<locale>.json and its
entry in deploy/skill-manifest.json. No Python file names a locale or a country's fact.

The test makes en-NZ in a copy of the repository, as a newcomer would (en-AU's files copied, New Zealand's
emergency number 111 and the Healthline number in locale.json), and runs the copy's own code in a fresh
interpreter: the Lambda handler answers a launch and an emergency with 111 first, said digit by digit, and the
skill package exporter publishes the locale.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NEW = "en-NZ"
COPIED_FROM = "en-AU"  # the nearest existing locale: GP, physio, "the emergency department"
FACTS = {"emergency_number": "111", "urgent_help": "your GP or Healthline on 0800 611 116"}

_CHILD = r"""
import json, subprocess, sys
root, locale, out = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, root)
import lambda_function
from skill.alexa.envelopes import AlexaSession, intent, launch

assert lambda_function.__file__.startswith(root), lambda_function.__file__
session = AlexaSession(locale=locale, user_id="amzn1.ask.account.NEW-LOCALE")
answers = {}
for name, request in (("launch", launch()),
                      ("emergency", intent("SymptomReportIntent", {"symptom": "I wet myself and didn't notice"})),
                      ("urgent", intent("SymptomReportIntent", {"symptom": "my foot slaps when I walk"}))):
    response = lambda_function.lambda_handler(session.envelope(request), None)
    session.absorb(response)
    answers[name] = {"ssml": response["response"]["outputSpeech"]["ssml"],
                     "triage": (response.get("sessionAttributes") or {}).get("triage")}
    if name == "emergency":
        session.close()  # an emergency ends the session; the urgent case opens a new one
exported = subprocess.run([sys.executable, "-I", f"{root}/deploy/export_skill_package.py", "--out", out,
                           "--endpoint", "arn:aws:lambda:us-east-1:123456789012:function:spine-coach",
                           "--privacy-url", "https://spine.test/privacy", "--terms-url", "https://spine.test/terms"],
                          capture_output=True, text=True)
print(json.dumps({"answers": answers, "export": [exported.returncode, exported.stderr]}))
"""


def copy_repository(to: Path) -> Path:
    """The code and data a deployment ships, without caches."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("skill", "interaction_models", "deploy"):
        shutil.copytree(REPO / folder, to / folder, ignore=ignore)
    shutil.copy2(REPO / "lambda_function.py", to / "lambda_function.py")
    return to


def add_locale(root: Path) -> None:
    """What a newcomer writes for en-NZ, and nothing else."""
    # 1. Content: the nearest locale's overlays, then this country's facts.
    shutil.copytree(root / "skill" / "locale" / COPIED_FROM, root / "skill" / "locale" / NEW)
    facts_file = root / "skill" / "locale" / NEW / "locale.json"
    facts = json.loads(facts_file.read_text(encoding="utf-8"))
    facts.update(FACTS, _about="New Zealand: emergency 111, Healthline for urgent advice.")
    facts_file.write_text(json.dumps(facts, indent=1), encoding="utf-8")
    # 2. Wording Alexa listens for: nothing beyond the shared English model yet.
    (root / "interaction_models" / "locales" / f"{NEW}.json").write_text('{"samples": {}}\n', encoding="utf-8")
    # 3. The manifest: the locale is published, in its country.
    manifest_file = root / "deploy" / "skill-manifest.json"
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    publishing = manifest["manifest"]["publishingInformation"]
    publishing["locales"][NEW] = {}
    publishing["distributionCountries"].append(NEW.split("-")[1])
    manifest_file.write_text(json.dumps(manifest, indent=1), encoding="utf-8")


def run_copy(root: Path, tmp_path: Path) -> dict:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SPINE_COACH_DB": str(tmp_path / "state.db")}
    result = subprocess.run([sys.executable, "-I", "-c", _CHILD, str(root), NEW, str(tmp_path / "package")],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def digits(number: str) -> str:
    return f'<say-as interpret-as="digits">{number}</say-as>'


def test_a_new_locale_needs_only_its_own_files_and_the_manifest(tmp_path):
    root = copy_repository(tmp_path / "repo")
    python_before = {path: path.read_bytes() for path in root.rglob("*.py")}
    add_locale(root)
    assert {path: path.read_bytes() for path in root.rglob("*.py")} == python_before

    found = run_copy(root, tmp_path)

    answers = found["answers"]
    assert f"In an emergency, call {digits('111')}: I can't call for you." in answers["launch"]["ssml"]
    assert answers["emergency"]["ssml"].startswith(f"<speak>Call {digits('111')} now, or have someone take you to "
                                                   "the emergency department.")
    assert answers["emergency"]["triage"] == "emergency"
    # The Healthline number is new to the skill: its digits are marked from locale.json alone.
    assert f"your GP or Healthline on {digits('0800')} {digits('611')} {digits('116')}" in answers["urgent"]["ssml"]
    assert answers["urgent"]["triage"] == "urgent"
    for said in answers.values():  # never Australia's number
        assert "000" not in said["ssml"].replace(digits("0800"), "")

    returncode, stderr = found["export"]
    assert returncode == 0, stderr
    package = tmp_path / "package" / "skill-package"
    listing = json.loads((package / "skill.json").read_text(encoding="utf-8"))["manifest"]["publishingInformation"]
    assert "In an emergency, call 111" in listing["locales"][NEW]["description"]
    assert (package / "interactionModels" / "custom" / f"{NEW}.json").is_file()


def test_without_its_files_the_copy_does_not_know_the_locale(tmp_path):
    """The control: the same run on an untouched copy hears the language base, with no country's number."""
    root = copy_repository(tmp_path / "repo")
    answers = run_copy(root, tmp_path)["answers"]
    assert answers["emergency"]["ssml"].startswith("<speak>Call your local emergency number now.")
    assert "111" not in answers["emergency"]["ssml"]
