"""Slow clients cannot starve the servers: the README's gunicorn deployment and `serve`, each a real process on
loopback, answer a real request in under a second while connections that stopped halfway through their request
hold threads, and hang those connections up within the read deadline."""

from __future__ import annotations

import json
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from skill.alexa.envelopes import AlexaSession, launch
from skill.web.slow_clients import REQUEST_READ_SECONDS
from tests.conftest import Said
from tests.servers import free_port, running

STALLED_IN_BODY = 8  # twice the old deployment's four sync workers
STALLED_IN_HEADERS = 2
ANSWER_LIMIT_SECONDS = 1.0
HANG_UP_LIMIT_SECONDS = REQUEST_READ_SECONDS + 2.0  # the deadline, plus slack for a busy machine

NO_VERIFY = {"ASK_SDK_VERIFY_SIGNATURE": "false", "ASK_SDK_VERIFY_TIMESTAMP": "false"}


def readme_gunicorn(port: int) -> list[str]:
    # the README's command, on a free port; gunicorn's one control socket per user is not the test's
    return ["-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
            "--no-control-socket", "skill.web.wsgi:app"]


def serve(port: int) -> list[str]:
    return ["-m", "skill", "serve", "--port", str(port), "--no-verify"]


def stalled_in_body(port: int) -> socket.socket:
    """Headers and 5 bytes of a 1,000-byte body, then silence."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=5)
    connection.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                       b"Content-Length: 1000\r\n\r\n" + b'{"ver')
    return connection


def stalled_in_headers(port: int) -> socket.socket:
    connection = socket.create_connection(("127.0.0.1", port), timeout=5)
    connection.sendall(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le")
    return connection


def seconds_until_hung_up(connection: socket.socket, opened: float) -> float:
    """When the server ended the connection (end of stream or reset), counted from `opened`; inf if it did not
    within the limit. Whatever the server wrote before hanging up is read and ignored."""
    try:
        while True:
            connection.settimeout(max(opened + HANG_UP_LIMIT_SECONDS - time.monotonic(), 0.001))
            if not connection.recv(4096):
                break
    except (ConnectionResetError, BrokenPipeError):
        pass
    except TimeoutError:
        return float("inf")
    finally:
        connection.close()
    return time.monotonic() - opened


@pytest.mark.parametrize("command", [readme_gunicorn, serve], ids=["gunicorn", "serve"])
def test_stalled_connections_neither_delay_a_real_request_nor_stay_open(command, tmp_path):
    port = free_port()
    env = {**NO_VERIFY, "SPINE_COACH_STORE": "sqlite", "SPINE_COACH_DB": str(tmp_path / "slow.db")}
    with running(command(port), port, tmp_path / "logs", env) as server:
        opened = time.monotonic()
        stalled = [stalled_in_body(port) for _ in range(STALLED_IN_BODY)]
        stalled += [stalled_in_headers(port) for _ in range(STALLED_IN_HEADERS)]
        time.sleep(0.3)  # long enough for the server to hand each of them a thread

        started = time.monotonic()
        status, answer = server.post(json.dumps(AlexaSession(user_id="amzn1.ask.account.SLOW").envelope(
            launch())).encode())
        answered_in = time.monotonic() - started
        assert status == 200 and Said(answer).speech
        assert answered_in < ANSWER_LIMIT_SECONDS, answered_in

        with ThreadPoolExecutor(len(stalled)) as pool:
            hung_up_after = list(pool.map(lambda connection: seconds_until_hung_up(connection, opened), stalled))
        assert max(hung_up_after) <= HANG_UP_LIMIT_SECONDS, hung_up_after
        assert min(hung_up_after) >= REQUEST_READ_SECONDS - 0.5, hung_up_after  # the deadline, not a crash

        status, _ = server.post(json.dumps(AlexaSession(user_id="amzn1.ask.account.SLOW").envelope(
            launch())).encode())
        assert status == 200  # the threads came back
    assert server.stdout().count("did not send its whole request") == len(stalled)  # one line each, for the operator
    assert "Traceback" not in server.stdout() + server.stderr()
