"""Real server processes on loopback for the endpoint tests: started, waited for, stopped, their output kept."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Mapping

ROOT = Path(__file__).resolve().parents[1]
STARTUP_LIMIT_SECONDS = 60  # generous: a busy CI machine importing the skill in several workers


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    def __init__(self, process: subprocess.Popen, port: int, log_dir: Path):
        self.process = process
        self.url = f"http://127.0.0.1:{port}"
        self.log_dir = log_dir

    def stdout(self) -> str:
        return (self.log_dir / "stdout").read_text(errors="replace")

    def stderr(self) -> str:
        return (self.log_dir / "stderr").read_text(errors="replace")

    def post(self, body: bytes, headers: Mapping[str, str] | None = None,
             content_type: str = "application/json; charset=utf-8") -> tuple[int, dict]:
        request = urllib.request.Request(self.url + "/", data=body, method="POST",
                                         headers={"Content-Type": content_type, **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as answer:
            return answer.code, json.loads(answer.read())

    def wait_until_healthy(self) -> None:
        deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.stderr()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"server did not answer /healthz within {STARTUP_LIMIT_SECONDS} s:\n{self.stderr()}")


@contextmanager
def running(arguments: list[str], port: int, log_dir: Path, env: Mapping[str, str] | None = None) -> Iterator[Server]:
    """Run `python <arguments>` from the repository root until the block ends."""
    log_dir.mkdir(parents=True, exist_ok=True)
    with open(log_dir / "stdout", "wb") as out, open(log_dir / "stderr", "wb") as err:
        process = subprocess.Popen([sys.executable, *arguments], cwd=ROOT, stdout=out, stderr=err,
                                   env={**os.environ, **(env or {})})
        server = Server(process, port, log_dir)
        try:
            server.wait_until_healthy()
            yield server
        finally:
            stop(process)


def stop(process: subprocess.Popen, grace_seconds: float = 15) -> None:
    """Ask `process` to finish (SIGTERM: gunicorn and `serve` shut down cleanly), then kill it if it does not."""
    process.terminate()
    try:
        process.wait(timeout=grace_seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
