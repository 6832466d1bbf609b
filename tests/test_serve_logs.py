"""`serve`'s log: JSON lines with no ANSI codes when stdout is not a terminal (a real server process), readable and
coloured lines on a terminal (a real server on a pseudo-terminal, and the formatter on the real web app), and
either forced by --log-format or SPINE_COACH_LOG_FORMAT."""

from __future__ import annotations

import io
import json
import logging
import os
import pty
import re
import subprocess
import sys
import threading
from pathlib import Path

import click
import pytest
from ask_sdk_core.exceptions import PersistenceException

from skill.alexa.app import create_skill
from skill.alexa.envelopes import AlexaSession, intent, launch
from skill.stores.sqlite import SQLitePersistenceAdapter
from skill.web.app import create_app
from skill.web.logs import ConsoleFormatter, LogFormatError, chosen_format, serve_log_handler
from tests.conftest import MORNING
from tests.servers import ROOT, Server, free_port, running, stop

ANSI = re.compile(r"\x1b\[[0-9;]*m")
UNVERIFIED = {"ASK_SDK_VERIFY_SIGNATURE": False, "ASK_SDK_VERIFY_TIMESTAMP": False}
SYMPTOM = "I wet myself and cannot feel my bottom"


def serve_arguments(port: int, tmp_path: Path, *extra: str) -> list[str]:
    return ["-m", "skill", "serve", "--port", str(port), "--no-verify", "--db", str(tmp_path / "serve.db"), *extra]


def exchange(server: Server) -> str:
    """A launch answered (200) and a body that is not JSON refused (400, which Werkzeug styles in red)."""
    envelope = AlexaSession(user_id="amzn1.ask.account.LOGS").envelope(launch())
    assert server.post(json.dumps(envelope).encode())[0] == 200
    assert server.post(b"{oops")[0] == 400
    return envelope["request"]["requestId"]


def test_serve_writes_plain_json_lines_when_its_output_is_not_a_terminal(tmp_path):
    port = free_port()
    with running(serve_arguments(port, tmp_path), port, tmp_path / "logs") as server:
        request_id = exchange(server)
    output = server.stdout()
    assert "\x1b" not in output and "\\u001b" not in output  # neither raw nor escaped inside the JSON
    lines = [json.loads(line) for line in output.splitlines() if line.strip()]  # every line is JSON
    requests = [line for line in lines if line["logger"] == "skill.requests"]
    assert [(line["outcome"], line.get("request_id")) for line in requests] == [("ok", request_id),
                                                                                 ("rejected", None)]
    assert any(line["logger"] == "werkzeug" and '"POST / HTTP/1.1" 400' in line["event"] for line in lines)


def test_serve_on_a_terminal_writes_readable_coloured_lines(tmp_path):
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "SPINE_COACH_LOG_FORMAT")}
    output = run_on_a_terminal(serve_arguments(port, tmp_path), port, tmp_path, env)
    assert ANSI.search(output)
    plain = click.unstyle(output).replace("\r\n", "\n")
    assert not [line for line in plain.splitlines() if line.startswith("{")]
    request_id = _REQUEST_IDS[0]
    [ok] = [line for line in plain.splitlines() if " ok LaunchRequest" in line]
    assert re.match(r"\d\d:\d\d:\d\d\.\d{3} INFO +ok LaunchRequest +en-US new session [\d.]+ ms", ok)
    assert ok.endswith(request_id)
    [rejected] = [line for line in plain.splitlines() if " rejected" in line]
    assert "WARNING" in rejected and "status=400" in rejected and "reason='body is not valid JSON'" in rejected


_REQUEST_IDS: list[str] = []


def run_on_a_terminal(arguments: list[str], port: int, tmp_path: Path, env: dict[str, str]) -> str:
    """`python <arguments>` with stdout on a pseudo-terminal, through `exchange`; what it wrote there."""
    controller, terminal = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:  # keeps the terminal's buffer from filling, which would block the server's writes
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:  # EIO: the server has exited and closed its end
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    (tmp_path / "logs").mkdir(exist_ok=True)
    with open(tmp_path / "logs" / "stdout", "wb"), open(tmp_path / "logs" / "stderr", "wb") as err:
        process = subprocess.Popen([sys.executable, *arguments], cwd=ROOT, stdout=terminal, stderr=err, env=env)
        os.close(terminal)
        try:
            server = Server(process, port, tmp_path / "logs")
            server.wait_until_healthy()
            _REQUEST_IDS[:] = [exchange(server)]
        finally:
            stop(process)
    reader.join(timeout=10)
    os.close(controller)
    return b"".join(chunks).decode(errors="replace")


def test_an_option_or_the_environment_forces_either_format(tmp_path):
    port = free_port()
    with running(serve_arguments(port, tmp_path), port, tmp_path / "console",
                 env={"SPINE_COACH_LOG_FORMAT": "console"}) as server:
        request_id = exchange(server)
    output = server.stdout()
    assert "\x1b" not in output  # readable, but not coloured: this is not a terminal
    assert any(line.endswith(request_id) and " ok LaunchRequest" in line for line in output.splitlines())
    assert not any(line.startswith("{") for line in output.splitlines())

    port = free_port()
    with running(serve_arguments(port, tmp_path, "--log-format", "json"), port, tmp_path / "json",
                 env={"SPINE_COACH_LOG_FORMAT": "console"}) as server:  # the option wins
        exchange(server)
    assert all(json.loads(line) for line in server.stdout().splitlines() if line.strip())


def test_an_unknown_log_format_in_the_environment_is_one_line_and_exit_status_2():
    result = subprocess.run([sys.executable, "-m", "skill", "serve"], cwd=ROOT, capture_output=True, text=True,
                            timeout=60, env={**os.environ, "SPINE_COACH_LOG_FORMAT": "pretty"})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "SPINE_COACH_LOG_FORMAT='pretty' is not a log format; use one of auto, console, json."]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_auto_follows_the_stream_and_no_color_turns_colour_off(monkeypatch):
    monkeypatch.delenv("SPINE_COACH_LOG_FORMAT", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert chosen_format(None, io.StringIO()) == "json" and chosen_format(None, Terminal()) == "console"
    assert chosen_format("json", Terminal()) == "json" and chosen_format("console", io.StringIO()) == "console"
    assert serve_log_handler(None, Terminal()).formatter.colour is True
    assert serve_log_handler("console", io.StringIO()).formatter.colour is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert serve_log_handler(None, Terminal()).formatter.colour is False
    monkeypatch.setenv("SPINE_COACH_LOG_FORMAT", "Console")
    assert chosen_format(None, io.StringIO()) == "console"
    monkeypatch.setenv("SPINE_COACH_LOG_FORMAT", "yaml")
    with pytest.raises(LogFormatError):
        chosen_format(None, Terminal())


# --- the console format on the real web app ------------------------------------------------------------------
class BrokenStore(SQLitePersistenceAdapter):
    def get_attributes(self, request_envelope):
        raise PersistenceException(f"disk full while reading {SYMPTOM}")


@pytest.fixture
def console_lines():
    """Every record logged while the test runs, formatted as `serve` does on a terminal (without colour)."""
    stream = io.StringIO()
    handler = serve_log_handler("console", stream)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield lambda: stream.getvalue().splitlines()
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def post(client, envelope):
    return client.post("/", data=json.dumps(envelope), content_type="application/json")


def test_console_lines_name_the_request_and_never_the_users_words(tmp_path, console_lines):
    client = create_app(UNVERIFIED, skill=create_skill(persistence=SQLitePersistenceAdapter(
        tmp_path / "x.db"))).test_client()
    session = AlexaSession(user_id="amzn1.ask.account.CONSOLE")
    opening = session.envelope(launch(), at=MORNING)
    post(client, opening)
    symptom = session.envelope(intent("SymptomReportIntent", {"symptom": SYMPTOM}), at=MORNING)
    assert post(client, symptom).get_json()["sessionAttributes"]["triage"] == "emergency"
    client.post("/", data=b"{oops", content_type="application/json")

    broken = create_app(UNVERIFIED, skill=create_skill(persistence=BrokenStore(tmp_path / "y.db"))).test_client()
    failing = AlexaSession(user_id="amzn1.ask.account.BROKEN").envelope(launch(), at=MORNING)
    post(broken, failing)

    lines = [line for line in console_lines() if "[skill.web.app]" not in line]  # set-up warnings aside
    assert [line.split()[1:3] for line in lines] == [["INFO", "ok"], ["INFO", "ok"], ["WARNING", "rejected"],
                                                     ["ERROR", "error"]]
    launch_line, symptom_line, rejected_line, error_line = lines
    assert "LaunchRequest" in launch_line and launch_line.endswith(opening["request"]["requestId"])
    assert "IntentRequest SymptomReportIntent" in symptom_line
    assert symptom_line.endswith(symptom["request"]["requestId"])
    assert "reason='body is not valid JSON'" in rejected_line
    assert "error=PersistenceException" in error_line and "where='test_serve_logs.py:" in error_line
    assert error_line.endswith(failing["request"]["requestId"])
    everything = "\n".join(lines).lower()
    for secret in ("wet", "bottom", "disk full", "emergency", "triage", "traceback"):
        assert secret not in everything


def test_colour_is_only_added_and_werkzeugs_own_codes_are_removed():
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '127.0.0.1 - - "%s" %s -',
                               (click.style("POST / HTTP/1.1", fg="red", bold=True), "400"), None)
    written = {}
    for format_name in ("json", "console"):
        stream = io.StringIO()
        serve_log_handler(format_name, stream).handle(logging.makeLogRecord(record.__dict__))
        written[format_name] = stream.getvalue()
    assert json.loads(written["json"])["event"] == '127.0.0.1 - - "POST / HTTP/1.1" 400 -'
    assert '127.0.0.1 - - "POST / HTTP/1.1" 400 - [werkzeug]' in written["console"]
    assert "\x1b" not in written["console"]

    request = logging.LogRecord("skill.requests", logging.WARNING, __file__, 1, "request", (), None)
    request.fields = {"outcome": "rejected", "status": 400, "request_id": "amzn1.echo-api.request.1"}
    coloured, plain = ConsoleFormatter(colour=True).format(request), ConsoleFormatter(colour=False).format(request)
    assert ANSI.search(coloured) and not ANSI.search(plain)
    assert click.unstyle(coloured) == plain
    assert plain.split(" ", 1)[1] == "WARNING rejected  status=400  amzn1.echo-api.request.1"
