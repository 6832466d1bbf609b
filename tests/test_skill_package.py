"""The ASK CLI skill package deploy/export_skill_package.py writes: the layout `ask deploy` reads, a manifest that
passes what certification checks first (disclaimer, example phrases that work, privacy answers), and the same
interaction models the offline resolver reads."""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from skill.alexa import consent, interaction_model
from skill.core.content import Content, load_document
from skill.local.nlu.resolver import FALLBACK_INTENT, IntentResolver

REPO = Path(__file__).resolve().parents[1]
EXPORTER = REPO / "deploy" / "export_skill_package.py"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:spine-coach-skill"
URL = "https://coach.example.org/alexa"
PRIVACY, TERMS = "https://coach.example.org/privacy", "https://coach.example.org/terms"
# The scopes the skill asks for: exactly the ones skill.alexa.consent knows how to ask for.
SKILL_PERMISSIONS = [{"name": consent.TIMERS}, {"name": consent.REMINDERS}]
CERTIFICATION_DISCLAIMER = "not a substitute for professional medical advice"


def _load_exporter() -> Any:
    spec = importlib.util.spec_from_file_location("export_skill_package", EXPORTER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


exporter = _load_exporter()


def _export(out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(EXPORTER), "--out", str(out), *args], capture_output=True, text=True,
                          cwd=out.parent)


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export") / "skill"
    result = _export(out, "--endpoint", ARN, "--privacy-url", PRIVACY, "--terms-url", TERMS)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def manifest(package: Path) -> dict[str, Any]:
    return json.loads((package / "skill-package" / "skill.json").read_text(encoding="utf-8"))["manifest"]


@pytest.fixture(scope="module")
def model_locales() -> set[str]:
    return set(interaction_model.model_locales())


def test_layout_is_what_ask_cli_v2_reads(package: Path, model_locales: set[str]) -> None:
    files = sorted(p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file())
    assert files == sorted(["ask-resources.json", "skill-package/skill.json",
                            *(f"skill-package/interactionModels/custom/{loc}.json" for loc in model_locales)])
    resources = json.loads((package / "ask-resources.json").read_text(encoding="utf-8"))
    assert resources["askcliResourcesVersion"] == "2020-03-31"
    profile = resources["profiles"]["default"]
    assert profile["skillMetadata"]["src"] == "./skill-package"
    assert "skillInfrastructure" not in profile  # the function is SAM's (deploy/template.yaml)


def test_every_file_is_valid_json_and_each_model_is_the_merged_one(package: Path, model_locales: set[str]) -> None:
    for path in package.rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))
    for locale in model_locales:
        exported = package / "skill-package" / "interactionModels" / "custom" / f"{locale}.json"
        assert json.loads(exported.read_text(encoding="utf-8")) == interaction_model.interaction_model(locale)


def test_locales_have_both_a_listing_and_a_model(manifest: dict[str, Any], model_locales: set[str]) -> None:
    publishing = manifest["publishingInformation"]
    assert set(publishing["locales"]) == model_locales
    assert set(manifest["privacyAndCompliance"]["locales"]) == model_locales
    assert publishing["isAvailableWorldwide"] is False
    assert sorted(publishing["distributionCountries"]) == sorted({loc.split("-")[1] for loc in model_locales})


def test_every_description_carries_the_disclaimer(manifest: dict[str, Any]) -> None:
    for locale, info in manifest["publishingInformation"]["locales"].items():
        spoken = Content(locale).say("disclaimer.full")  # what the skill itself says, emergency number filled
        assert spoken in info["description"], locale
        assert CERTIFICATION_DISCLAIMER in info["description"], locale
        assert "not medical advice" in info["summary"], locale
        assert len(info["summary"]) <= 160 and len(info["description"]) <= 4000
        assert "${" not in info["description"]


def test_listing_fields(manifest: dict[str, Any]) -> None:
    publishing = manifest["publishingInformation"]
    assert manifest["manifestVersion"] == "1.0"
    assert publishing["category"] == "HEALTH_AND_FITNESS"
    assert publishing["testingInstructions"].strip()
    for info in publishing["locales"].values():
        assert info["name"] == "Spine Coach"
        assert info["keywords"] and all(isinstance(k, str) and k for k in info["keywords"])


# A listing line saying any of these makes a health claim or gives advice: it must name what it was written from.
CLINICAL_WORDS = re.compile(r"\d|spasm|pain|heat|stretch|warning|medical|prevent|doctor|GP\b|emergenc", re.I)


@pytest.mark.parametrize("locale", interaction_model.model_locales())
def test_every_clinical_line_of_the_listing_names_its_sources(locale: str) -> None:
    words = load_document(locale, "listing")
    lines = ["summary", *(key for block in words["description"] for key in block)]
    unsourced = [key for key in lines if CLINICAL_WORDS.search(words[key] if isinstance(words[key], str)
                                                               else words[key]["text"])
                 and not (isinstance(words[key], dict) and words[key].get("sources"))]
    assert not unsourced, f"{locale}: listing lines without sources: {unsourced}"


def test_each_store_lists_its_own_words(manifest: dict[str, Any]) -> None:
    locales = manifest["publishingInformation"]["locales"]
    assert "Call your GP" in locales["en-GB"]["description"] and "Call your GP" in locales["en-AU"]["description"]
    assert "Call your doctor" in locales["en-US"]["description"]
    for locale in ("en-GB", "en-IN"):  # NHS: no hot water bottles, which scald numb skin (clinical-facts 2A)
        words = (locales[locale]["description"] + " ".join(locales[locale]["keywords"])).lower()
        assert "hot water" not in words and "never use heat on numb skin" in words, locale
    assert "physical therapy" in locales["en-US"]["keywords"] and "physio" in locales["en-GB"]["keywords"]
    for locale, info in locales.items():
        assert len(set(info["keywords"])) == len(info["keywords"]) <= 30, locale
        assert info["description"].count("\n\n") == 2, locale  # intro, what it does, the disclaimer and privacy


def test_example_phrases_work_in_the_interaction_model(manifest: dict[str, Any]) -> None:
    for locale, info in manifest["publishingInformation"]["locales"].items():
        model = interaction_model.interaction_model(locale)
        resolver = IntentResolver.for_locale(locale)
        intents = {intent["name"] for intent in model["interactionModel"]["languageModel"]["intents"]}
        invocation = model["interactionModel"]["languageModel"]["invocationName"]
        phrases = info["examplePhrases"]
        assert 1 <= len(phrases) <= 3
        assert phrases[0] == f"Alexa, open {invocation}"
        for phrase in phrases:
            assert phrase.startswith("Alexa, ") and invocation in phrase.lower(), phrase
            kind, request = resolver.split_invocation(phrase)
            assert kind in ("launch", "one_shot"), phrase
            if kind == "one_shot":
                resolution = resolver.resolve(request)
                assert resolution.intent != FALLBACK_INTENT and resolution.intent in intents, (phrase, resolution)


def test_privacy_and_compliance(manifest: dict[str, Any]) -> None:
    privacy = manifest["privacyAndCompliance"]
    assert privacy["allowsPurchases"] is False
    assert privacy["usesPersonalInfo"] is True  # progress and heat history, keyed by the user id
    assert privacy["isChildDirected"] is False
    assert privacy["isExportCompliant"] is True
    assert privacy["containsAds"] is False
    for urls in privacy["locales"].values():
        assert urls == {"privacyPolicyUrl": PRIVACY, "termsOfUseUrl": TERMS}


def test_the_privacy_text_says_no_health_answers_are_kept(manifest: dict[str, Any]) -> None:
    """What skill.core.profile keeps: never a screening answer (Amazon: no health information outside HIPAA skills)."""
    publishing = manifest["publishingInformation"]
    instructions = publishing["testingInstructions"]
    assert "screening answers" not in instructions and "heat-screening answers" not in instructions
    assert "never stores what the user said or any health information" in instructions
    for locale, info in publishing["locales"].items():
        assert "never keeps what you say or your answers about your health" in info["description"], locale
        assert "Disabling the skill deletes it all" in info["description"], locale


def test_permissions_are_the_scopes_the_skill_uses(manifest: dict[str, Any]) -> None:
    assert manifest["permissions"] == SKILL_PERMISSIONS


def test_disabling_the_skill_reaches_our_endpoint(manifest: dict[str, Any]) -> None:
    assert manifest["events"]["subscriptions"] == [{"eventName": "SKILL_DISABLED"}]
    assert manifest["events"]["endpoint"] == manifest["apis"]["custom"]["endpoint"] == {"uri": ARN}


def test_screens_are_declared_for_echo_show_sizes(manifest: dict[str, Any]) -> None:
    (apl,) = manifest["apis"]["custom"]["interfaces"]
    assert apl["type"] == "ALEXA_PRESENTATION_APL"
    shapes = {(viewport["mode"], viewport["shape"]) for viewport in apl["supportedViewports"]}
    assert shapes == {("HUB", "ROUND"), ("HUB", "RECTANGLE")}
    for viewport in apl["supportedViewports"]:
        assert viewport["minWidth"] <= viewport["maxWidth"] and viewport["minHeight"] <= viewport["maxHeight"]


def test_an_https_endpoint_carries_its_certificate_type(tmp_path: Path) -> None:
    for extra, certificate in (([], "Trusted"), (["--ssl-certificate-type", "SelfSigned"], "SelfSigned"),
                               (["--ssl-certificate-type", "Wildcard"], "Wildcard")):
        out = tmp_path / certificate
        result = _export(out, "--endpoint", URL, "--privacy-url", PRIVACY, "--terms-url", TERMS, *extra)
        assert result.returncode == 0, result.stderr
        manifest = json.loads((out / "skill-package" / "skill.json").read_text(encoding="utf-8"))["manifest"]
        expected = {"uri": URL, "sslCertificateType": certificate}
        assert manifest["apis"]["custom"]["endpoint"] == manifest["events"]["endpoint"] == expected


@pytest.mark.parametrize(("args", "message"), [
    (["--endpoint", "http://coach.example.org/alexa", "--privacy-url", PRIVACY, "--terms-url", TERMS], "https"),
    (["--endpoint", "https://coach.example.org:8443/alexa", "--privacy-url", PRIVACY, "--terms-url", TERMS], "443"),
    (["--endpoint", "arn:aws:lambda:us-east-1:123:function:x", "--privacy-url", PRIVACY, "--terms-url", TERMS],
     "not a Lambda function ARN"),
    (["--endpoint", ARN, "--ssl-certificate-type", "Trusted", "--privacy-url", PRIVACY, "--terms-url", TERMS],
     "a Lambda ARN has none"),
    (["--endpoint", ARN, "--terms-url", TERMS], "--privacy-url is required"),
    (["--endpoint", ARN, "--privacy-url", PRIVACY], "--terms-url is required"),
    (["--endpoint", ARN, "--privacy-url", "coach.example.org/privacy", "--terms-url", TERMS], "https"),
])
def test_bad_inputs_are_refused_with_a_reason(tmp_path: Path, args: list[str], message: str) -> None:
    result = _export(tmp_path / "out", *args)
    assert result.returncode != 0
    assert message in result.stderr
    assert not (tmp_path / "out" / "skill-package").exists()


def test_a_skill_id_points_ask_deploy_at_the_existing_skill(tmp_path: Path) -> None:
    skill_id = "amzn1.ask.skill.0a1b2c3d-4e5f-6789-abcd-ef0123456789"
    states = tmp_path / "out" / ".ask" / "ask-states.json"
    states.parent.mkdir(parents=True)
    states.write_text(json.dumps({"askcliStatesVersion": "2020-03-31", "profiles": {"default": {
        "skillId": "amzn1.ask.skill.old", "skillMetadata": {"lastDeployHash": "abc"}}}}), encoding="utf-8")
    result = _export(tmp_path / "out", "--endpoint", ARN, "--privacy-url", PRIVACY, "--terms-url", TERMS,
                     "--skill-id", skill_id)
    assert result.returncode == 0, result.stderr
    default = json.loads(states.read_text(encoding="utf-8"))["profiles"]["default"]
    assert default == {"skillId": skill_id, "skillMetadata": {"lastDeployHash": "abc"}}
    refused = _export(tmp_path / "again", "--endpoint", ARN, "--privacy-url", PRIVACY, "--terms-url", TERMS,
                      "--skill-id", "amzn1.ask.skill.*")
    assert refused.returncode != 0 and "--skill-id" in refused.stderr


def test_locales_must_match_between_listing_and_models(tmp_path: Path) -> None:
    models = {**exporter.interaction_models(), "en-NZ": interaction_model.interaction_model("en-US")}
    with pytest.raises(exporter.ExportError, match="same locales"):
        exporter.export(tmp_path / "out", ARN, PRIVACY, TERMS, models=models)


def test_a_description_without_the_disclaimer_is_refused(tmp_path: Path) -> None:
    def without_disclaimer(locale: str) -> dict[str, Any]:
        info = exporter.listing(locale)
        return {**info, "description": info["description"].replace(exporter.disclaimer(locale), "")}

    with pytest.raises(exporter.ExportError, match="disclaimer"):
        exporter.export(tmp_path / "out", ARN, PRIVACY, TERMS, listings=without_disclaimer)


def test_placeholder_values_are_never_followed_by_deploy_advice(tmp_path: Path) -> None:
    # The Makefile's defaults: the warning must not be contradicted by "deploy with: ask deploy" on the next line.
    placeholder = _export(tmp_path / "placeholder", "--endpoint",
                          "arn:aws:lambda:us-east-1:123456789012:function:REPLACE-ME-spine-coach-skill",
                          "--privacy-url", "https://example.com/REPLACE-ME/privacy",
                          "--terms-url", "https://example.com/REPLACE-ME/terms")
    assert placeholder.returncode == 0, placeholder.stderr
    assert "not for `ask deploy`" in placeholder.stderr
    assert "deploy with" not in placeholder.stdout and "SPINE_COACH_ENDPOINT" in placeholder.stdout
    real = _export(tmp_path / "real", "--endpoint", "arn:aws:lambda:eu-west-1:210987654321:function:spine-coach",
                   "--privacy-url", "https://spine-coach.invalid/privacy", "--terms-url", "https://spine-coach.invalid/terms")
    assert "WARNING" not in real.stderr and "deploy with: cd" in real.stdout
