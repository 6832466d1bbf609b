"""The self-hosted endpoint: a Flask app factory around the same `invoke` that Lambda runs.

flask-ask-sdk's `SkillAdapter` cannot be imported on OpenSSL 3.0.10+ (its verifier needs oscrypto), so this
copies its shape instead: the `ASK_SDK_VERIFY_SIGNATURE` / `ASK_SDK_VERIFY_TIMESTAMP` keys, read once when the
app is built, and verification on by default, done by `skill.web.verification` on `cryptography`.
"""

from __future__ import annotations

import json
import logging
import os
import time
from typing import Any, Callable, Mapping

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.skill import CustomSkill
from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from skill.alexa.app import create_skill, invoke
from skill.alexa.request_log import CURRENT_REQUEST_ID, log_request
from skill.web.envelope import BadEnvelope, parse_envelope, request_id_of
from skill.web.verification import RequestVerifier, VerificationError, load_trust_roots

log = logging.getLogger(__name__)


def _flag(text: str) -> bool:
    words = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}
    if text.strip().lower() not in words:
        raise ValueError(f"expected true or false, got {text!r}")
    return words[text.strip().lower()]


def _id_list(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


# Config key (also the environment variable that sets it), default, parser for the environment's text.
SETTINGS: tuple[tuple[str, Any, Callable[[str], Any]], ...] = (
    ("ASK_SDK_VERIFY_SIGNATURE", True, _flag),
    ("ASK_SDK_VERIFY_TIMESTAMP", True, _flag),
    ("SPINE_COACH_SKILL_IDS", (), _id_list),  # comma-separated; the application ids this endpoint serves
    ("SPINE_COACH_MAX_BODY_BYTES", 256 * 1024, int),  # Alexa's requests are a few KB
    ("SPINE_COACH_TRUST_ROOTS", None, str),  # PEM bundle; default: certifi's roots
    ("SPINE_COACH_CERT_CHAIN_DIR", None, str),  # offline copies of signing chains (still fully validated)
)


def settings_from(environ: Mapping[str, str]) -> dict[str, Any]:
    """Defaults overlaid with whatever the environment sets (how gunicorn deployments configure the app)."""
    config = {}
    for key, default, parse in SETTINGS:
        try:
            config[key] = parse(environ[key]) if environ.get(key) else default
        except ValueError as bad:
            raise ValueError(f"{key}: {bad}") from None
    return config


def create_app(config: Mapping[str, Any] | None = None, skill: CustomSkill | None = None,
               verifier: RequestVerifier | None = None) -> Flask:
    """Build the app: defaults, then the environment, then `config` (tests, `serve` options), all applied before
    anything reads them, so a test's replayed envelopes can switch the timestamp check off."""
    app = Flask(__name__)
    app.config.update(settings_from(os.environ))
    app.config.update(config or {})
    app.config["MAX_CONTENT_LENGTH"] = int(app.config["SPINE_COACH_MAX_BODY_BYTES"])
    verifier = verifier or verifier_from(app.config)
    _register(app, skill or create_skill(), verifier)
    return app


def verifier_from(config: Mapping[str, Any]) -> RequestVerifier:
    if not config["ASK_SDK_VERIFY_SIGNATURE"] or not config["ASK_SDK_VERIFY_TIMESTAMP"]:
        log.warning("request verification is partly OFF: never expose this endpoint to the internet")
    if not config["SPINE_COACH_SKILL_IDS"]:
        log.warning("SPINE_COACH_SKILL_IDS is not set: requests for any skill id will be answered")
    roots = config["SPINE_COACH_TRUST_ROOTS"]
    return RequestVerifier(trust_roots=load_trust_roots(roots) if roots else None,
                           skill_ids=config["SPINE_COACH_SKILL_IDS"],
                           verify_signature=bool(config["ASK_SDK_VERIFY_SIGNATURE"]),
                           verify_timestamp=bool(config["ASK_SDK_VERIFY_TIMESTAMP"]),
                           chain_dir=config["SPINE_COACH_CERT_CHAIN_DIR"])


def _register(app: Flask, skill: CustomSkill, verifier: RequestVerifier) -> None:
    @app.post("/")
    def alexa() -> Response | tuple[Response, int]:
        started = time.perf_counter()
        try:
            body = request.get_data(cache=False)
            envelope = parse_envelope(body, request.mimetype)
        except BadEnvelope as rejected:
            return _reject(str(rejected), started, rejected.request_id)
        request_id = request_id_of(envelope)
        # Every line logged from here on, by whichever module, names the request (see teardown below).
        CURRENT_REQUEST_ID.set(request_id)
        try:
            verifier.verify(request.headers, body, envelope)
        except VerificationError as rejected:
            return _reject(str(rejected), started, request_id)
        try:
            answer = invoke(envelope, skill)  # the envelope as parsed above: the body is read as JSON once
        except SerializationException:  # a field of the wrong type, found by the SDK's model
            return _reject("malformed request", started, request_id)
        return json_response(answer)

    @app.teardown_request
    def forget_request_id(_: BaseException | None) -> None:
        CURRENT_REQUEST_ID.set(None)  # a sync worker's thread answers the next request too

    store = getattr(skill, "persistence_adapter", None)
    store_healthy = getattr(store, "healthy", None)

    @app.get("/healthz")
    def healthz() -> Response | tuple[Response, int]:
        # The store's own cheap read: 503 takes a worker whose store cannot serve out of the load balancer.
        if store_healthy is not None and not store_healthy():
            return json_response({"status": "unavailable", "store": "unavailable"}), 503
        return json_response({"status": "ok"})

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_: RequestEntityTooLarge) -> tuple[Response, int]:
        return _reject(f"body is larger than {app.config['MAX_CONTENT_LENGTH']} bytes", None, None)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response, int]:
        return json_response({"error": error.name.lower()}), error.code or 500

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[Response, int]:
        log_request("failed", None, logging.ERROR, exc_info=error, status=500)
        return json_response({"error": "internal error"}), 500


def _reject(reason: str, started: float | None, request_id: str | None) -> tuple[Response, int]:
    """400 with a short JSON reason, and a log line that names the rule, never the body."""
    log_request("rejected", started, logging.WARNING, status=400, reason=reason, request_id=request_id)
    return json_response({"error": "bad request", "reason": reason}), 400


_COMPACT_JSON = json.JSONEncoder(separators=(",", ":"))


def json_response(value: Any) -> Response:
    """`value` as one compact JSON text. Not Flask's jsonify: its provider sorts every object's keys, a third of
    the cost of writing a 7 KB screen, and Alexa reads JSON by key, not by order."""
    return Response(_COMPACT_JSON.encode(value), mimetype="application/json")
