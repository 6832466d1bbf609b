"""Export the ASK CLI v2 skill package: the manifest from deploy/skill-manifest.json, the interaction models from
interaction_models/ (the shared English model merged with each locale's wording, skill.alexa.interaction_model).

    python deploy/export_skill_package.py --out build/skill-package --endpoint ARN_OR_HTTPS_URL \
        --privacy-url https://... --terms-url https://... [--ssl-certificate-type Trusted|Wildcard|SelfSigned]

writes
    OUT/ask-resources.json                               skill metadata only: the code is deployed by SAM
    OUT/skill-package/skill.json                         the manifest, placeholders filled
    OUT/skill-package/interactionModels/custom/<locale>.json   one per interaction_models/locales/<locale>.json
    OUT/.ask/ask-states.json                             with --skill-id: `ask deploy` updates that skill
                                                         rather than creating a new one

The manifest source holds the structure and has placeholders: ${ENDPOINT} (apis.custom and events endpoints),
${PRIVACY_URL} and ${TERMS_URL} (privacyAndCompliance, per locale). Each locale's listing (name, summary,
description, example phrases, keywords) comes from the content files (skill/locale/*/listing.json), where every
clinical line carries its sources like everything the skill says; its description embeds the skill's own spoken
disclaimer for that locale, so the store listing and the skill never disagree. Locales are read from the folders,
never listed here: a new one needs its skill/locale/<locale>/ files, interaction_models/locales/<locale>.json, and
in the manifest source an entry in publishingInformation.locales, its country in distributionCountries (and its
privacy URLs, which the options fill in when left out); tests/test_new_locale.py walks through one.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import shutil
import sys
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))  # run as a script from anywhere: skill.core.content holds the listing's words

from skill.core.content import Content, supported_locales  # noqa: E402
from skill.alexa.interaction_model import interaction_model, model_locales  # noqa: E402

MANIFEST_SOURCE = REPO / "deploy" / "skill-manifest.json"
LAMBDA_ARN = re.compile(r"^arn:aws[a-z-]*:lambda:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:function:[A-Za-z0-9_-]{1,64}"
                        r"(?::[A-Za-z0-9_$-]{1,128})?$")
SSL_CERTIFICATE_TYPES = ("Trusted", "Wildcard", "SelfSigned")
SKILL_ID = re.compile(r"^amzn1\.ask\.skill\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
PLACEHOLDER = re.compile(r"\$\{([A-Z_]+)\}")
LOOKS_LIKE_PLACEHOLDER = re.compile(r"REPLACE|PLACEHOLDER|example\.(?:com|org|net)|:123456789012:", re.I)
# Limits from the skill manifest schema (publishingInformation.locales.<locale>).
MAX_SUMMARY, MAX_DESCRIPTION, MAX_EXAMPLE_PHRASES, MAX_KEYWORDS = 160, 4000, 3, 30
ASK_RESOURCES = {
    "askcliResourcesVersion": "2020-03-31",
    "profiles": {"default": {"skillMetadata": {"src": "./skill-package"}}},
}


class ExportError(Exception):
    pass


# --- inputs ---------------------------------------------------------------------------------------------------
def endpoint_object(endpoint: str, ssl_certificate_type: str | None = None) -> dict[str, str]:
    """The manifest's endpoint: a Lambda ARN as is, an https URL with its certificate type (default Trusted)."""
    if endpoint.startswith("arn:"):
        if not LAMBDA_ARN.match(endpoint):
            raise ExportError(f"--endpoint {endpoint!r} is not a Lambda function ARN "
                              "(arn:aws:lambda:REGION:ACCOUNT:function:NAME[:ALIAS])")
        if ssl_certificate_type:
            raise ExportError("--ssl-certificate-type is for an https endpoint; a Lambda ARN has none")
        return {"uri": endpoint}
    parts = urlsplit(endpoint)
    if parts.scheme != "https" or not parts.hostname:
        raise ExportError(f"--endpoint {endpoint!r} must be a Lambda ARN or an https:// URL")
    if parts.port not in (None, 443):
        raise ExportError(f"--endpoint {endpoint!r}: Alexa only calls https endpoints on port 443")
    certificate = ssl_certificate_type or "Trusted"
    if certificate not in SSL_CERTIFICATE_TYPES:
        raise ExportError(f"--ssl-certificate-type must be one of {', '.join(SSL_CERTIFICATE_TYPES)}")
    return {"uri": endpoint, "sslCertificateType": certificate}


def https_url(option: str, url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname or PLACEHOLDER.search(url):
        raise ExportError(f"{option} {url!r} must be an https:// URL")
    return url


def interaction_models() -> dict[str, dict[str, Any]]:
    """locale -> its complete interaction model."""
    return {locale: interaction_model(locale) for locale in model_locales()}


def invocation_name(model: dict[str, Any]) -> str:
    return model["interactionModel"]["languageModel"]["invocationName"]


def disclaimer(locale: str) -> str:
    """What the skill itself says as its disclaimer in `locale`, emergency number filled in."""
    return Content(locale).say("disclaimer.full")


def listing(locale: str) -> dict[str, Any]:
    """publishingInformation.locales.<locale>, worded by skill/locale/<locale>/listing.json over en/listing.json."""
    content = Content(locale)
    words = content.document("listing")
    facts = {**content.facts, "disclaimer": content.say("disclaimer.full")}

    def text(key: str) -> str:
        entry = words[key]
        return (entry["text"] if isinstance(entry, dict) else entry).format_map(facts)

    return {"name": words["name"], "summary": text("summary"),
            "description": "\n\n".join("\n".join(text(key) for key in block) for block in words["description"]),
            "examplePhrases": list(words["example_phrases"]),
            "keywords": [*words["keywords"], *words["keywords.local"]]}


# --- the manifest -------------------------------------------------------------------------------------------------
def build_manifest(source: dict[str, Any], models: dict[str, dict[str, Any]], endpoint: dict[str, str],
                   privacy_url: str | None, terms_url: str | None,
                   listings: Callable[[str], dict[str, Any]] = listing) -> dict[str, Any]:
    skill = copy.deepcopy(source)
    manifest = skill["manifest"]
    publishing = manifest["publishingInformation"]
    locales = publishing["locales"]
    if set(locales) != set(models):
        raise ExportError(f"publishingInformation.locales {sorted(locales)} and interaction_models/ "
                          f"{sorted(models)} must name the same locales")
    without_content = sorted(set(locales) - set(supported_locales()))
    if without_content:
        raise ExportError(f"no skill/locale/<locale>/ content for {without_content}: the skill would not name "
                          "the country's emergency number there")
    countries = sorted({locale.split("-")[1] for locale in locales})
    if publishing.get("isAvailableWorldwide") is not False or sorted(publishing.get("distributionCountries", [])) \
            != countries:
        raise ExportError(f"publishingInformation must have isAvailableWorldwide false and distributionCountries "
                          f"{countries}: the countries of the locales there is content for")

    privacy = manifest["privacyAndCompliance"]
    privacy_locales = privacy.setdefault("locales", {})
    for locale in locales:
        urls = privacy_locales.setdefault(locale, {})
        for key, option, value in (("privacyPolicyUrl", "--privacy-url", privacy_url),
                                   ("termsOfUseUrl", "--terms-url", terms_url)):
            if value is not None:
                urls[key] = https_url(option, value)
            elif not urls.get(key) or PLACEHOLDER.search(urls[key]):
                raise ExportError(f"{option} is required: privacyAndCompliance.locales.{locale}.{key} is "
                                  f"{urls.get(key)!r} in {MANIFEST_SOURCE.name}")

    for locale, info in locales.items():
        info.update(listings(locale))
        check_locale(locale, info, invocation_name(models[locale]))

    manifest["apis"]["custom"]["endpoint"] = dict(endpoint)
    manifest["events"]["endpoint"] = dict(endpoint)
    left = sorted(set(PLACEHOLDER.findall(json.dumps(skill))))
    if left:
        raise ExportError(f"placeholders left unfilled in the manifest: {left}")
    return skill


def check_locale(locale: str, info: dict[str, Any], invocation: str) -> None:
    def fail(problem: str) -> None:
        raise ExportError(f"publishingInformation.locales.{locale}: {problem}")

    for key in ("name", "summary", "description", "examplePhrases", "keywords"):
        if not info.get(key):
            fail(f"{key} is missing")
    if len(info["summary"]) > MAX_SUMMARY:
        fail(f"summary is {len(info['summary'])} characters; at most {MAX_SUMMARY}")
    if len(info["description"]) > MAX_DESCRIPTION:
        fail(f"description is {len(info['description'])} characters; at most {MAX_DESCRIPTION}")
    if disclaimer(locale) not in info["description"]:
        fail("description must carry the health disclaimer: put {disclaimer} in a line of listing.json")
    phrases = info["examplePhrases"]
    if len(phrases) > MAX_EXAMPLE_PHRASES:
        fail(f"{len(phrases)} examplePhrases; at most {MAX_EXAMPLE_PHRASES}")
    for phrase in phrases:
        if not phrase.startswith("Alexa, ") or invocation not in phrase.lower():
            fail(f"example phrase {phrase!r} must start \"Alexa, \" and name the invocation name {invocation!r}")
    if len(info["keywords"]) > MAX_KEYWORDS:
        fail(f"{len(info['keywords'])} keywords; at most {MAX_KEYWORDS}")


# --- writing ----------------------------------------------------------------------------------------------------
def export(out: Path, endpoint: str, privacy_url: str | None = None, terms_url: str | None = None,
           ssl_certificate_type: str | None = None, skill_id: str | None = None,
           manifest_source: Path = MANIFEST_SOURCE, models: dict[str, dict[str, Any]] | None = None,
           listings: Callable[[str], dict[str, Any]] = listing) -> Path:
    if skill_id is not None and not SKILL_ID.match(skill_id):
        raise ExportError(f"--skill-id {skill_id!r} is not an Alexa skill id (amzn1.ask.skill.<uuid>)")
    models = interaction_models() if models is None else models
    source = json.loads(manifest_source.read_text(encoding="utf-8"))
    skill = build_manifest(source, models, endpoint_object(endpoint, ssl_certificate_type), privacy_url, terms_url,
                           listings)
    package = out / "skill-package"
    if package.exists():
        shutil.rmtree(package)  # a locale no longer published must not linger
    custom = package / "interactionModels" / "custom"
    custom.mkdir(parents=True)
    _write_json(out / "ask-resources.json", ASK_RESOURCES)
    _write_json(package / "skill.json", skill)
    for locale, model in models.items():
        _write_json(custom / f"{locale}.json", model)
    if skill_id:
        write_skill_id(out / ".ask" / "ask-states.json", skill_id)
    return out


def write_skill_id(states_path: Path, skill_id: str) -> None:
    """Point `ask deploy` at an existing skill, keeping whatever else the CLI recorded there."""
    states = json.loads(states_path.read_text(encoding="utf-8")) if states_path.is_file() else {}
    states.setdefault("askcliStatesVersion", "2020-03-31")
    states.setdefault("profiles", {}).setdefault("default", {})["skillId"] = skill_id
    states_path.parent.mkdir(parents=True, exist_ok=True)
    _write_json(states_path, states)


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for ask-resources.json and skill-package/")
    parser.add_argument("--endpoint", required=True,
                        help="the skill's Lambda ARN (the stack's FunctionArn output) or its https:// URL")
    parser.add_argument("--ssl-certificate-type", choices=SSL_CERTIFICATE_TYPES,
                        help="for an https endpoint (default Trusted); not allowed with an ARN")
    parser.add_argument("--privacy-url", help="privacy policy URL (required: the skill keeps users' data)")
    parser.add_argument("--terms-url", help="terms of use URL")
    parser.add_argument("--skill-id", help="an existing skill for `ask deploy` to update (writes .ask/ask-states.json)")
    args = parser.parse_args(argv)
    try:
        out = export(args.out, args.endpoint, args.privacy_url, args.terms_url, args.ssl_certificate_type,
                     args.skill_id)
    except ExportError as error:
        print(f"export_skill_package: {error}", file=sys.stderr)
        return 2
    placeholders = [v for v in (args.endpoint, args.privacy_url, args.terms_url)
                    if v and LOOKS_LIKE_PLACEHOLDER.search(v)]
    if placeholders:
        print(f"WARNING: placeholder values, not for `ask deploy`: {', '.join(placeholders)}", file=sys.stderr)
    locales = sorted(p.stem for p in (out / "skill-package" / "interactionModels" / "custom").glob("*.json"))
    if placeholders:  # never tell anyone to deploy what the line above said is not for deploying
        print(f"skill package for {', '.join(locales)} written to {out}; set SPINE_COACH_ENDPOINT, "
              "SPINE_COACH_PRIVACY_URL and SPINE_COACH_TERMS_URL, run it again, then: ask deploy")
    else:
        print(f"skill package for {', '.join(locales)} written to {out}; deploy with: cd {out} && ask deploy")
    return 0


if __name__ == "__main__":
    sys.exit(main())
