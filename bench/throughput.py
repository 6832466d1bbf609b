"""Self-hosted throughput and latency under gunicorn: Spine Coach with request verification ON against the
baseline with none.

    python -m bench.throughput --seconds 4 --warmup 1 --rounds 3 --out result.json

Both servers run at once on loopback, each `gunicorn --workers 2` (sync workers, the default): Spine Coach's
production app `skill.web.wsgi:app` configured by the environment exactly as the README deploys it (skill id,
SQLite file, signature and timestamp checks on, a test CA as trust root with its chain as the offline copy), and
the baseline's plain WSGI app (bench/baseline/wsgi.py).

The load: 8 client processes, one connection each (8 concurrent requests), forked from this process with every
request's bytes built in advance, so a request costs the client only a connect, a send, reads to end of stream
(gunicorn's sync workers close each connection) and checks. Every reply must be HTTP 200 with the whole body,
JSON, and a normal answer: the baseline's hello, or Spine Coach's next step of a running routine (the expected
step, no apology). Rounds alternate between the two servers; each round warms up, then counts the requests
completed in a fixed window.

Spine Coach's requests are real "next" turns of 8 users, one per connection, each part way through the lower-back
routine (profile stored by the server itself while the routine was walked through over HTTP, signed). Their
bodies are signed at the start of each round with a fresh timestamp, well inside Alexa's 150 s window.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from bench import envelopes
from skill.alexa.envelopes import SKILL_ID
from tests.certificates import TestPKI  # the same throw-away PKI the endpoint's tests use
from tests.servers import free_port, stop

ROOT = Path(__file__).resolve().parents[1]
BASELINE_DIR = ROOT / "bench" / "baseline"
CONNECTIONS = 8
WORKERS = 2
STARTUP_LIMIT_SECONDS = 60
REQUEST_TIMEOUT_SECONDS = 10


@dataclass
class Server:
    kind: str
    port: int
    process: subprocess.Popen
    log: Path


@contextmanager
def gunicorn(kind: str, app: str, cwd: Path, env: Mapping[str, str], log: Path) -> Iterator[Server]:
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--workers", str(WORKERS), "--worker-class", "sync",
               "--bind", f"127.0.0.1:{port}", "--timeout", "30", "--log-level", "warning",
               "--no-control-socket", app]  # by default both servers would take over one socket in $HOME in turn
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **env}, stdout=out, stderr=subprocess.STDOUT,
                                   preexec_fn=_end_with_parent)
    try:
        yield Server(kind, port, process, log)
    finally:
        stop(process)


def _end_with_parent() -> None:
    """SIGTERM the calling process when its parent dies (Linux; elsewhere nothing): run in each server before it
    starts and in each load client, so a benchmark that is killed (a timeout) leaves no gunicorn or client behind.
    Elsewhere the servers' `finally` is the only clean-up and clients end at their deadline."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def raw_request(port: int, body: bytes, headers: Mapping[str, str] | None = None) -> bytes:
    lines = ["POST / HTTP/1.1", f"Host: 127.0.0.1:{port}", "Content-Type: application/json; charset=utf-8",
             f"Content-Length: {len(body)}", "Connection: close", *(f"{k}: {v}" for k, v in (headers or {}).items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def post(port: int, body: bytes, headers: Mapping[str, str] | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_SECONDS)
    try:
        connection.request("POST", "/", body, {"Content-Type": "application/json; charset=utf-8", **(headers or {})})
        answer = connection.getresponse()
        return answer.status, answer.read()
    finally:
        connection.close()


def wait_until_answering(server: Server, body: bytes, headers: Callable[[bytes], Mapping[str, str]]) -> None:
    deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.kind} server exited: {server.log.read_text(errors='replace')[-2000:]}")
        try:
            status, answer = post(server.port, body, headers(body))
            if status == 200:
                return
            raise RuntimeError(f"{server.kind} server answered {status}: {answer[:300]!r}")
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{server.kind} server did not answer within {STARTUP_LIMIT_SECONDS} s")


# --- the load client ----------------------------------------------------------------------------------------------
Check = Callable[[dict], None]


def client(port: int, requests: list[tuple[bytes, Check]], warm_until: int, stop_at: int, results: Any) -> None:
    """One connection's worth of load (runs in its own process): requests back to back until `stop_at`
    (perf_counter_ns); latencies of those completed after `warm_until` are sent back with any failures."""
    latencies, failures, failed, index = [], [], 0, 0
    address = ("127.0.0.1", port)
    clock = time.perf_counter_ns
    while True:
        request, check = requests[index % len(requests)]
        index += 1
        started = clock()
        if started >= stop_at:
            break
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as connection:
                connection.settimeout(REQUEST_TIMEOUT_SECONDS)
                connection.connect(address)
                connection.sendall(request)
                chunks = []
                while chunk := connection.recv(65536):
                    chunks.append(chunk)
            finished = clock()
            _check_http(b"".join(chunks), check)
        except Exception as failure:  # noqa: BLE001 - every failure is counted and reported, none stops the load
            failed += 1
            if len(failures) < 5:  # the first few say what went wrong; the report stays small
                failures.append(f"{type(failure).__name__}: {failure}"[:300])
            continue
        if warm_until <= finished < stop_at:
            latencies.append(finished - started)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    results.send({"latencies_ns": latencies, "failures": failed, "first_failures": failures,
                  "cpu_s": usage.ru_utime + usage.ru_stime})
    results.close()


def _check_http(answer: bytes, check: Check) -> None:
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    if status_line.split(" ", 2)[1:2] != ["200"]:
        raise AssertionError(f"{status_line}: {body[:200]!r}")
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in header_lines)}
    if int(headers.get("content-length", -1)) != len(body):
        raise AssertionError("the body was cut short")
    check(json.loads(body))


def run_load(server: Server, per_connection: list[list[tuple[bytes, Check]]], warmup: float,
             seconds: float) -> dict[str, Any]:
    context = multiprocessing.get_context("fork")
    start = time.perf_counter_ns() + 200_000_000  # time to fork the clients
    warm_until = start + int(warmup * 1e9)
    stop_at = warm_until + int(seconds * 1e9)
    pipes, processes = [], []
    for requests in per_connection:
        receive, send = context.Pipe(duplex=False)
        process = context.Process(target=_client_at, args=(start, server.port, requests, warm_until, stop_at, send))
        process.start()
        send.close()
        pipes.append(receive)
        processes.append(process)
    _sleep_until(warm_until)
    server_cpu, machine_cpu = workers_cpu_seconds(server.process.pid), machine_busy_seconds()
    _sleep_until(stop_at)
    server_cpu = workers_cpu_seconds(server.process.pid) - server_cpu if server_cpu is not None else None
    machine_cpu = machine_busy_seconds() - machine_cpu if machine_cpu is not None else None
    reports = [pipe.recv() for pipe in pipes]
    for process in processes:
        process.join()
    latencies = [latency for report in reports for latency in report["latencies_ns"]]
    failures = [failure for report in reports for failure in report["first_failures"]]
    return {"requests": len(latencies), "seconds": seconds, "requests_per_s": len(latencies) / seconds,
            "latencies_ns": latencies, "failures": sum(report["failures"] for report in reports),
            "first_failures": failures[:5],
            "client_cpu_s": sum(report["cpu_s"] for report in reports),
            "client_seconds": (stop_at - start) / 1e9, "server_cpu_s": server_cpu, "machine_cpu_s": machine_cpu}


def workers_cpu_seconds(arbiter: int) -> float | None:
    """CPU seconds used so far by gunicorn's workers (the arbiter's children), from /proc; None elsewhere."""
    try:
        children = Path(f"/proc/{arbiter}/task/{arbiter}/children").read_text().split()
        total = 0
        for child in children:
            fields = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def machine_busy_seconds() -> float | None:
    """CPU seconds all cores have spent not idle (any process, and the kernel's loopback networking), from
    /proc/stat; None elsewhere."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle, iowait = fields[3], fields[4]
        return (sum(fields[:8]) - idle - iowait) / os.sysconf("SC_CLK_TCK")  # user .. steal; guest is in user
    except (OSError, ValueError, IndexError):
        return None


def _sleep_until(moment: int) -> None:
    delay = (moment - time.perf_counter_ns()) / 1e9
    if delay > 0:
        time.sleep(delay)


def _client_at(start: int, *arguments: Any) -> None:
    _end_with_parent()  # a client whose benchmark died stops too
    while time.perf_counter_ns() < start:
        time.sleep(0.001)
    client(*arguments)


# --- the two servers' workloads ------------------------------------------------------------------------------------
class SignedPoster:
    """Routine.prepare's handler: each turn posted to Spine Coach's server, signed as Alexa signs it."""

    def __init__(self, port: int, pki: Any):
        self.port, self.pki = port, pki

    def __call__(self, event: dict, _context: Any) -> dict:
        body = json.dumps(event, separators=(",", ":")).encode()
        status, answer = post(self.port, body, self.pki.headers(body))
        if status != 200:
            raise RuntimeError(f"Spine Coach answered {status}: {answer[:300]!r}")
        return json.loads(answer)


def ours_requests(port: int, pki: Any, routines: list[envelopes.Routine]) -> list[list[tuple[bytes, Check]]]:
    """Every user's mid-routine "next" requests, stamped now and signed now."""
    per_connection = []
    for routine in routines:
        requests = []
        for index in range(len(routine.points)):
            event, expected = routine.next_intent(index)
            body = json.dumps(event, separators=(",", ":")).encode()
            requests.append((raw_request(port, body, pki.headers(body)),
                             lambda reply, expected=expected: envelopes.check_next_reply(reply, expected)))
        per_connection.append(requests)
    return per_connection


def baseline_requests(port: int) -> list[list[tuple[bytes, Check]]]:
    body = json.dumps(envelopes.baseline_intent(), separators=(",", ":")).encode()
    return [[(raw_request(port, body), envelopes.check_hello_reply)] for _ in range(CONNECTIONS)]


def signature_check_us(pki: Any, chains: Path, body: bytes, calls: int = 2000) -> float:
    """Median µs of one RequestVerifier.verify with the chain already cached (signature, timestamp, skill id)."""
    from skill.web.verification import RequestVerifier

    verifier = RequestVerifier(trust_roots=[pki.root], skill_ids={SKILL_ID}, chain_dir=chains)
    headers, envelope = pki.headers(body), json.loads(body)
    verifier.verify(headers, body, envelope)  # fills the chain cache
    samples = []
    for _ in range(calls):
        started = time.perf_counter_ns()
        verifier.verify(headers, body, envelope)
        samples.append(time.perf_counter_ns() - started)
    return statistics.median(samples) / 1000


def measure(seconds: float, warmup: float, rounds: int, scratch: Path) -> dict[str, Any]:
    pki = TestPKI.generate()
    roots, chains = pki.write_root(scratch / "roots.pem"), scratch / "chains"
    pki.write_chain(chains)
    ours_env = {"SPINE_COACH_SKILL_IDS": SKILL_ID, "SPINE_COACH_DB": str(scratch / "load.db"),
                "SPINE_COACH_STORE": "sqlite", "SPINE_COACH_TRUST_ROOTS": str(roots),
                "SPINE_COACH_CERT_CHAIN_DIR": str(chains), "ASK_SDK_VERIFY_SIGNATURE": "true",
                "ASK_SDK_VERIFY_TIMESTAMP": "true"}
    result: dict[str, Any] = {"ours": [], "baseline": []}
    with ExitStack() as servers:
        ours = servers.enter_context(gunicorn("ours", "skill.web.wsgi:app", ROOT, ours_env, scratch / "ours.log"))
        baseline = servers.enter_context(gunicorn("baseline", "wsgi:app", BASELINE_DIR, {}, scratch / "baseline.log"))
        with servers_logs_on_failure(ours, baseline):
            hello = json.dumps(envelopes.baseline_intent()).encode()
            wait_until_answering(baseline, hello, lambda body: {})
            launch = json.dumps(envelopes.launch_request(envelopes.user_id("readiness"))).encode()
            wait_until_answering(ours, launch, pki.headers)
            poster = SignedPoster(ours.port, pki)
            routines = [envelopes.Routine(envelopes.user_id(f"load {n}")).prepare(poster) for n in range(CONNECTIONS)]
            for index in range(rounds):
                for kind in (("ours", "baseline") if index % 2 == 0 else ("baseline", "ours")):
                    load = (ours_requests(ours.port, pki, routines) if kind == "ours"
                            else baseline_requests(baseline.port))
                    result[kind].append(run_load(ours if kind == "ours" else baseline, load, warmup, seconds))
            for server in (ours, baseline):
                if server.process.poll() is not None:
                    raise RuntimeError(f"{server.kind} server died during the load")
    result["signature_check_us"] = signature_check_us(pki, chains, ours_requests(0, pki, routines[:1])[0][0][0]
                                                      .partition(b"\r\n\r\n")[2])
    result["ours_log_outcomes"] = _outcomes(scratch / "ours.log")
    result["cpu_count"] = os.cpu_count()
    return result


@contextmanager
def servers_logs_on_failure(*servers: Server) -> Iterator[None]:
    """A failure carries the end of each server's log: the logs live in a folder deleted on the way out, and a
    dropped connection says nothing of why a worker stopped."""
    try:
        yield
    except Exception as failure:
        logs = "".join(f"\n--- {server.kind} gunicorn log, last lines ---\n"
                       f"{server.log.read_text(errors='replace')[-3000:]}" for server in servers)
        raise RuntimeError(f"{type(failure).__name__}: {failure}{logs}") from failure


def _outcomes(log: Path) -> dict[str, int]:
    """Spine Coach's own request log lines by outcome (ok, rejected, failed, error): a second check that every
    request passed verification and was answered normally."""
    counts: dict[str, int] = {}
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                continue
            if record.get("logger") == "skill.requests":
                counts[record.get("outcome", "?")] = counts.get(record.get("outcome", "?"), 0) + 1
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4.0, help="counted seconds per round and server")
    parser.add_argument("--warmup", type=float, default=1.0, help="uncounted seconds before each count")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-load-") as scratch:
        result = measure(args.seconds, args.warmup, args.rounds, Path(scratch))
    args.out.write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
