"""`python -m skill console`: the console's pages on the endpoint's own Flask app.

The app comes from skill.web.app.create_app, the factory `serve` and gunicorn use, given the console's skill (the
offline runner's: its store, its alarm, no Alexa cloud); the console's pages and JSON are added to it. So `POST /`
still answers Alexa there, with request verification on and only the local skill id accepted.

The console has no login, so it listens on 127.0.0.1 unless told otherwise, and refuses what another web page
open in the same browser could send it: a state-changing request from another origin (its Origin or
Sec-Fetch-Site says so; the console's own posts are JSON, which a plain form cannot send), and any request whose
Host is not this machine's, which is how a DNS-rebinding page would reach it.
"""

from __future__ import annotations

import ipaddress
import re
import time
from pathlib import Path
from typing import Any, Callable

from flask import Blueprint, Flask, Response, request, send_file, send_from_directory

from skill.alexa.envelopes import SKILL_ID
from skill.console.caregiver import progress_page, read_week
from skill.console.console import Console, ConsoleError, Settings
from skill.web.app import create_app, json_response

STATIC = Path(__file__).parent / "static"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
SAME_SITE = ("same-origin", "none")  # Sec-Fetch-Site of the page's own requests, and of a typed address
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
_AUDIO_KEY = re.compile(r"[0-9a-f]{64}")


def create_console_app(console: Console, host: str = "127.0.0.1") -> Flask:
    app = create_app({"SPINE_COACH_SKILL_IDS": (SKILL_ID,)}, skill=console.skill)
    app.register_blueprint(_pages(console))
    allowed = _allowed_hosts(host)

    @app.before_request
    def refuse_other_sites() -> tuple[Response, int] | None:
        name = _host_name(request.host)
        if not allowed(name):
            return json_response({"error": f"this console answers only at its own address, not {name}"}), 403
        if request.method in SAFE_METHODS:
            return None
        site = request.headers.get("Sec-Fetch-Site")
        origin = request.headers.get("Origin")
        if (site is not None and site not in SAME_SITE) or (origin is not None
                                                            and origin != request.host_url.rstrip("/")):
            return json_response({"error": "requests from another site are refused"}), 403
        return None

    @app.errorhandler(ConsoleError)
    def cannot(error: ConsoleError) -> tuple[Response, int]:
        return json_response({"error": str(error)}), 400

    return app


def _pages(console: Console) -> Blueprint:
    pages = Blueprint("console", __name__, static_folder=str(STATIC), static_url_path="/console/static")

    @pages.get("/")
    def page() -> Response:
        return send_from_directory(STATIC, "console.html", max_age=0)

    @pages.get("/console/state")
    def state() -> Response:
        return json_response(console.state())

    @pages.post("/console/turn")
    def turn() -> Response:
        started = time.perf_counter()
        body = _json_body()
        settings = _settings(body.get("settings"), console.settings)
        return json_response(console.send(str(body.get("kind", "")), _text(body.get("text")), settings, started))

    @pages.get("/console/audio/<key>.wav")
    def audio(key: str) -> Response | tuple[Response, int]:
        path = console.audio.wait(key) if _AUDIO_KEY.fullmatch(key) else None
        if path is None:
            return json_response({"error": "no such reply audio"}), 404
        # Named by its content, so it never changes: the browser may keep it.
        return send_file(path, mimetype="audio/wav", max_age=365 * 24 * 3600, conditional=True)

    @pages.get("/console/events")
    def events() -> Response:
        stream = console.events.stream([("progress", console.progress())])
        return Response(stream, mimetype="text/event-stream",
                        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @pages.post("/console/replay/load")
    def replay_load() -> Response:
        body = _json_body()
        if isinstance(body.get("name"), str):
            return json_response(console.load_replay(name=body["name"]))
        if isinstance(body.get("text"), str):
            return json_response(console.load_replay(upload_name=_text(body.get("upload_name")), text=body["text"]))
        raise ConsoleError("name a replay, or upload one")

    @pages.post("/console/replay/step")
    def replay_step() -> Response:
        _json_body()
        return json_response(console.step_replay())

    @pages.get("/progress")
    def progress() -> Response:
        user = request.args.get("user") or console.settings.user
        locale = request.args.get("locale") or console.settings.locale
        Settings(locale=locale, user=user).checked()
        week = read_week(console.store, user, console.clock.now(), locale)
        return Response(progress_page(week, locale), mimetype="text/html")

    return pages


def _json_body() -> dict[str, Any]:
    if not request.is_json:
        raise ConsoleError("the console's requests are JSON")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ConsoleError("the request is not a JSON object")
    return body


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _settings(raw: Any, current: Settings) -> Settings:
    raw = raw if isinstance(raw, dict) else {}
    try:
        speed = int(raw.get("speed", current.speed))
    except (TypeError, ValueError):
        raise ConsoleError("speed is a number") from None
    return Settings(locale=str(raw.get("locale", current.locale)), device=str(raw.get("device", current.device)),
                    user=str(raw.get("user", current.user)).strip(), speed=speed)


def _host_name(host: str) -> str:
    """The name part of a Host header: 'localhost:5050' -> 'localhost', '[::1]:5050' -> '::1'."""
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _allowed_hosts(bound: str) -> Callable[[str], bool]:
    """Loopback names always; the address it was told to listen on; on every interface (0.0.0.0), any address
    written as numbers, never a name that a rebinding DNS could point here."""
    everywhere = bound in ("0.0.0.0", "::")

    def allowed(name: str) -> bool:
        if name.lower() in LOOPBACK_NAMES or name == bound:
            return True
        if not everywhere:
            return False
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True

    return allowed
