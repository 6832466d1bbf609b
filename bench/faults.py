"""The README's self-hosted deployment under five faults, on loopback: what users get while each one lasts.

    python -m bench.faults            # about 100 s; writes bench/FAULTS.md
    python -m bench.faults --quick    # a few seconds per fault, for the smoke test

Each fault gets its own server: gunicorn with the repository's settings (deploy/gunicorn.conf.py when it exists,
else the README's flags: 4 sync workers, --timeout 10, --graceful-timeout 10), `skill.web.wsgi:app` configured by
the environment as the README says, on a fresh SQLite file in a temporary folder, request verification ON (a
throw-away test CA as trust root, its chain as the offline copy: tests/certificates.py).

The load: 4 users (--quick: 2), each in 3 (2) concurrent conversations, one client thread each, walking the lower-back
routine to its end again and again with real, signed Alexa envelopes (skill/alexa/envelopes.py), one request at a
time, giving up on a request after 8 s as Alexa does. A finished routine is one stored completion, so "the routine
is finished" answers are what the skill acknowledged, and the completions in the store at the end are what it kept.

The faults, injected after a short warm-up while the load runs:
1. corrupt file: the first 100 bytes of the database file (SQLite's header) overwritten with garbage, right after
   a checkpoint (else SQLite reads the header's newer copy in the write-ahead log until the next one);
2. bad row: invalid JSON written with sqlite3 straight into one load user's row;
3. full disk: RLIMIT_FSIZE lowered to the database file's current size on the gunicorn master and its workers
   (prlimit), so any write past it fails with EFBIG (SIGXFSZ ignored), then lifted again. A tiny tmpfs would be
   closer to a real full disk but needs root; the limit works for any user. The server's output goes to pipes,
   which the limit does not cover, as journald's would;
4. slow clients: 8 connections that send their headers and 5 of 1,000 body bytes, replaced whenever the server
   closes one, while the load's real requests are timed;
5. killed workers: kill -9 of one worker at the fault, of another half way through; gunicorn's master restarts them.

For each fault it reports, counting the requests sent from the fault on: answered (HTTP 200 with a spoken answer
that is not the apology), apologies (HTTP 200 with the skill's "something went wrong"), errors (any other status,
refused or reset connections, 8 s timeouts), lost updates (acknowledged completions missing from the store at the
end; for progress the fault itself destroyed, only turns sent after it count), and the time to
recover (from the fault to the first good answer after the last failed one). It measures; it never fails on a
figure (exit 0 unless it could not run at all).
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import json
import os
import platform
import random
import resource
import select
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from skill.alexa.envelopes import SKILL_ID, AlexaSession, intent, resolved_slot
from skill.core.content import load_document
from tests.certificates import TestPKI  # the same throw-away PKI the endpoint's tests use
from tests.servers import STARTUP_LIMIT_SECONDS, free_port, stop

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "bench" / "FAULTS.md"
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
README_FLAGS = ["--workers", "4", "--timeout", "10", "--graceful-timeout", "10"]  # README, "Self-hosted (Flask)"
APP = "skill.web.wsgi:app"
LOCALE = "en-US"
APOLOGY = load_document(LOCALE, "prompts")["error.apology"]
ROUTINE = resolved_slot("area", "lower back", "STRETCH_AREA", "lower_back")
FINISHED = "finished"  # in the answer that ends a routine: "Well done, that's your lower back stretches finished"
ALEXA_GIVES_UP_SECONDS = 8.0
FIRST_COMPLETIONS_LIMIT_SECONDS = 15
SLOW_CONNECTIONS = 8
SLOW_BODY_BYTES, SLOW_BODY_SENT = 1000, 5


@dataclass(frozen=True)
class Plan:
    users: int
    conversations_per_user: int  # concurrent, each its own client thread
    warmup: float  # load before the fault (at least until every user has finished a routine)
    window: float  # how long the full disk and killed workers last; a one-off fault is watched as long
    after: float  # load after the window, to see recovery
    slow_window: float  # slow clients are held longer: long enough for Alexa's 8 s to run out if workers stall


FULL = Plan(users=4, conversations_per_user=3, warmup=2.0, window=7.0, after=4.0, slow_window=11.0)
# Lighter load as well as shorter: the smoke test's first routines finish sooner on a busy machine.
QUICK = Plan(users=2, conversations_per_user=2, warmup=0.5, window=1.0, after=0.7, slow_window=1.5)


# --- the server ---------------------------------------------------------------------------------------------------
@dataclass
class Server:
    process: subprocess.Popen
    port: int
    db: Path
    output: list[bytes]  # everything the server printed, read from its pipe

    def workers(self) -> list[int]:
        return children(self.process.pid)

    def log_tail(self, characters: int = 1500) -> str:
        return b"".join(self.output).decode(errors="replace")[-characters:]


def gunicorn_command(port: int, readme_flags: bool = False) -> tuple[list[str], str]:
    """The deployment's command line on `port`, and how it was configured (for the report)."""
    base = [sys.executable, "-m", "gunicorn"]
    # --no-control-socket: gunicorn's one control socket per user is not part of the deployment under test.
    tail = ["--bind", f"127.0.0.1:{port}", "--no-control-socket", APP]
    if GUNICORN_CONF.exists() and not readme_flags:
        return base + ["--config", str(GUNICORN_CONF)] + tail, f"gunicorn --config {GUNICORN_CONF.relative_to(ROOT)}"
    return base + README_FLAGS + tail, "gunicorn " + " ".join(README_FLAGS) + " (the README's flags)"


def _in_server_before_exec() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past RLIMIT_FSIZE fails with EFBIG, not a kill
    try:  # the server ends with this script, even if it is killed (Linux's PR_SET_PDEATHSIG)
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)
    except (OSError, AttributeError):
        pass


@contextmanager
def gunicorn(folder: Path, pki: TestPKI, readme_flags: bool = False) -> Iterator[Server]:
    db = folder / "state.db"
    port = free_port()
    command, _ = gunicorn_command(port, readme_flags)
    env = {**os.environ, "SPINE_COACH_STORE": "sqlite", "SPINE_COACH_DB": str(db), "SPINE_COACH_SKILL_IDS": SKILL_ID,
           "SPINE_COACH_TRUST_ROOTS": str(pki.write_root(folder / "roots.pem")),
           "SPINE_COACH_CERT_CHAIN_DIR": str(pki.write_chain(folder / "chains").parent)}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               preexec_fn=_in_server_before_exec)
    server = Server(process, port, db, [])
    reader = threading.Thread(target=_drain, args=(process.stdout, server.output), daemon=True)
    reader.start()
    try:
        yield server
    finally:
        stop(process)
        reader.join(timeout=5)


def _drain(pipe: Any, into: list[bytes]) -> None:
    for line in iter(pipe.readline, b""):
        into.append(line)


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (gunicorn's workers), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:  # the field after the state is the parent's pid
                found.append(int(entry.name))
    return sorted(found)


# --- one request --------------------------------------------------------------------------------------------------
GOOD, APOLOGISED, ERROR = "answered", "apology", "error"


@dataclass
class Outcome:
    sent: float
    done: float
    kind: str  # GOOD, APOLOGISED or ERROR
    error: str = ""  # for an error: 5xx, 4xx, refused, reset, timeout...
    answer: dict | None = None


def post(port: int, pki: TestPKI, envelope: dict) -> Outcome:
    body = json.dumps(envelope).encode()
    headers = {"Content-Type": "application/json; charset=utf-8", **pki.headers(body)}
    sent = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=ALEXA_GIVES_UP_SECONDS)
    try:
        connection.request("POST", "/", body, headers)
        response = connection.getresponse()
        status, payload = response.status, response.read()
    except (socket.timeout, TimeoutError):
        return Outcome(sent, time.monotonic(), ERROR, "timeout")
    except ConnectionRefusedError:
        return Outcome(sent, time.monotonic(), ERROR, "refused")
    except ConnectionError:  # reset, broken pipe, or closed before an answer (http.client.RemoteDisconnected)
        return Outcome(sent, time.monotonic(), ERROR, "reset")
    except http.client.IncompleteRead:
        return Outcome(sent, time.monotonic(), ERROR, "cut short")
    except (http.client.HTTPException, OSError) as failure:
        return Outcome(sent, time.monotonic(), ERROR, type(failure).__name__)
    finally:
        connection.close()
    done = time.monotonic()
    if status != 200:
        return Outcome(sent, done, ERROR, f"{status // 100}xx")
    try:
        answer = json.loads(payload)
        said = speech_of(answer)
    except (ValueError, KeyError, TypeError, AttributeError):
        return Outcome(sent, done, ERROR, "not an Alexa answer")
    if not said:
        return Outcome(sent, done, ERROR, "nothing said")
    return Outcome(sent, done, APOLOGISED if APOLOGY in said else GOOD, answer=answer)


def speech_of(answer: dict) -> str:
    speech = answer["response"]["outputSpeech"]
    return speech.get("ssml") or speech.get("text") or ""


# --- the load -----------------------------------------------------------------------------------------------------
def user_id(number: int) -> str:
    return f"amzn1.ask.account.FAULTS-{number}"


@dataclass
class Load:
    port: int
    pki: TestPKI
    plan: Plan
    outcomes: list[Outcome] = field(default_factory=list)
    acknowledged: dict[str, list[float]] = field(default_factory=dict)  # user -> when each "finished" was sent
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        for number in range(self.plan.users):
            self.acknowledged[user_id(number)] = []
            for _ in range(self.plan.conversations_per_user):
                thread = threading.Thread(target=self._converse, args=(user_id(number),), daemon=True)
                thread.start()
                self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=ALEXA_GIVES_UP_SECONDS + 5)

    def wait_for_a_completion_each(self, limit: float) -> None:
        self._wait_until(lambda: all(self.acknowledged.values()), limit)

    def wait_for_an_answer_sent_after(self, moment: float, limit: float) -> None:
        """Until a request sent after `moment` has come back (or `limit` seconds): on a busy machine every
        conversation may still be waiting on a slow answer sent before the fault when its watch ends, and a row of
        no requests measures nothing."""
        self._wait_until(lambda: any(outcome.sent >= moment for outcome in self.outcomes), limit)

    def _wait_until(self, done: Callable[[], bool], limit: float) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            with self._lock:
                if done():
                    return
            time.sleep(0.05)

    def _converse(self, user: str) -> None:
        """The lower-back routine from start to finish, over and over; a failed turn starts a new session."""
        session = AlexaSession(user_id=user, locale=LOCALE)
        asked = False  # the last answer asked a question (a "no" moves on, as in tests/test_load.py)
        while not self._stop.is_set():
            if not session.open:
                request, asked = intent("StartStretchIntent", {"area": ROUTINE}), False
            else:
                request = intent("AMAZON.NoIntent" if asked else "AMAZON.NextIntent")
            outcome = post(self.port, self.pki, session.envelope(request))
            with self._lock:
                self.outcomes.append(outcome)
            if outcome.kind != GOOD:
                session.close()
                if outcome.kind == ERROR and outcome.error == "refused":
                    time.sleep(0.05)  # nothing listening: don't spin
                continue
            answer, outcome.answer = outcome.answer, None  # the answer is not kept: only what it meant
            session.absorb(answer)
            asked = "question" in (answer.get("sessionAttributes") or {})
            if not session.open and FINISHED in speech_of(answer):
                with self._lock:
                    self.acknowledged[user].append(outcome.sent)


def wait_until_answering(server: Server, pki: TestPKI) -> None:
    session = AlexaSession(user_id="amzn1.ask.account.FAULTS-WARMUP", locale=LOCALE)
    deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.process.returncode}:\n{server.log_tail()}")
        session.close()
        if post(server.port, pki, session.envelope(intent("PreventionTipIntent"))).kind == GOOD:
            return
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer within {STARTUP_LIMIT_SECONDS} s:\n{server.log_tail()}")


def stored_completions(db: Path) -> tuple[dict[str, int], str]:
    """Each user's stored completion count, and a note when the file or a row could not be read."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
            rows = dict(connection.execute("SELECT id, data FROM attributes"))
    except sqlite3.Error as failure:
        return {}, f"store unreadable ({failure})"
    counts, unreadable = {}, []
    for user, data in rows.items():
        try:
            counts[user] = len(json.loads(data).get("completed", []))
        except (ValueError, AttributeError):
            counts[user] = 0
            unreadable.append(user)
    return counts, (f"{len(unreadable)} row(s) still not JSON" if unreadable else "")


# --- the faults ---------------------------------------------------------------------------------------------------
@dataclass
class Fault:
    """What a fault did, for the report: users whose stored progress it destroyed, and what was seen."""

    destroyed_users: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    lasts: float = 0.0  # seconds until `end` is called (0: the fault is done once injected)
    end: Callable[[], None] = lambda: None


def corrupt_file(server: Server, plan: Plan) -> Fault:
    # Checkpointed first, as a quiet server's file mostly is: otherwise the header SQLite reads is the copy in the
    # write-ahead log, and the damage would only be found at the next checkpoint.
    with sqlite3.connect(server.db, timeout=10) as connection:
        busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    with open(server.db, "r+b") as database:
        database.write(bytes(random.Random(13).getrandbits(8) for _ in range(100)))
        database.flush()
        os.fsync(database.fileno())
    return Fault(destroyed_users={user_id(n) for n in range(plan.users)},
                 notes=["header overwritten after a checkpoint" + (" (the checkpoint was busy)" if busy else "")])


def bad_row(server: Server, plan: Plan) -> Fault:
    victim = user_id(0)
    with sqlite3.connect(server.db, timeout=10) as connection:
        changed = connection.execute("UPDATE attributes SET data = ? WHERE id = ?",
                                     ('{"completed": ["2026-', victim)).rowcount
    return Fault(destroyed_users={victim}, notes=[f"row of 1 of {plan.users} users" + ("" if changed else " (not found)")])


def full_disk(server: Server, plan: Plan) -> Fault:
    limit = server.db.stat().st_size

    def set_limit(soft: int) -> int:
        """The processes found; workers started during the fault inherit the limit from the master."""
        pids = [server.process.pid, *server.workers()]
        for pid in pids:
            try:
                _, hard = resource.prlimit(pid, resource.RLIMIT_FSIZE)
                resource.prlimit(pid, resource.RLIMIT_FSIZE, (soft, hard))
            except (ProcessLookupError, PermissionError):
                pass
        return len(pids)

    processes = set_limit(limit)
    return Fault(notes=[f"RLIMIT_FSIZE {limit} B on {processes} processes for {plan.window:g} s"],
                 lasts=plan.window, end=lambda: set_limit(resource.RLIM_INFINITY))


def slow_clients(server: Server, plan: Plan) -> Fault:
    stop_holding = threading.Event()
    counts = {"opened": 0, "closed by server": 0}
    head = (f"POST / HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nContent-Type: application/json; charset=utf-8\r\n"
            f"Content-Length: {SLOW_BODY_BYTES}\r\n\r\n").encode() + b'{"ver'[:SLOW_BODY_SENT]

    def open_one() -> socket.socket | None:
        try:
            connection = socket.create_connection(("127.0.0.1", server.port), timeout=2)
            connection.sendall(head)
            counts["opened"] += 1
            return connection
        except OSError:
            return None

    def hold() -> None:
        held = [c for c in (open_one() for _ in range(SLOW_CONNECTIONS)) if c]
        while not stop_holding.is_set():
            if not held:
                time.sleep(0.1)
            readable = select.select(held, [], [], 0.1)[0] if held else []
            for connection in readable:  # the server answered or closed it: a new one takes its place
                held.remove(connection)
                connection.close()
                counts["closed by server"] += 1
            while len(held) < SLOW_CONNECTIONS and not stop_holding.is_set():
                connection = open_one()
                if connection is None:
                    break
                held.append(connection)
        for connection in held:
            connection.close()

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    fault = Fault(lasts=plan.slow_window)

    def end() -> None:
        stop_holding.set()
        holder.join(timeout=5)
        fault.notes.append(f"{SLOW_CONNECTIONS} held for {plan.slow_window:g} s; opened {counts['opened']}, "
                           f"closed by the server {counts['closed by server']}")

    fault.end = end
    return fault


def killed_workers(server: Server, plan: Plan) -> Fault:
    fault = Fault(lasts=plan.window)
    killed = []

    def kill_one() -> None:
        workers = [pid for pid in server.workers() if pid not in killed]
        if workers:
            killed.append(workers[0])
            os.kill(workers[0], signal.SIGKILL)

    kill_one()
    second = threading.Timer(plan.window / 2, kill_one)
    second.start()

    def end() -> None:
        second.join()
        fault.notes.append(f"killed {len(killed)} worker(s), at +0 s and +{plan.window / 2:g} s")

    fault.end = end
    return fault


FAULTS: dict[str, tuple[str, Callable[[Server, Plan], Fault]]] = {
    "corrupt": ("1. corrupt database file", corrupt_file),
    "bad-row": ("2. bad row", bad_row),
    "full-disk": ("3. full disk", full_disk),
    "slow-clients": ("4. slow clients", slow_clients),
    "killed-workers": ("5. killed workers", killed_workers),
}


# --- one run ------------------------------------------------------------------------------------------------------
@dataclass
class Row:
    fault: str
    requests: int = 0
    answered: int = 0
    apologies: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    lost: str = ""
    recovery: str = ""
    slowest: str = ""
    notes: list[str] = field(default_factory=list)

    def cells(self) -> list[str]:
        errors = sum(self.errors.values())
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(self.errors.items()))
        return [self.fault, str(self.requests), str(self.answered), str(self.apologies),
                f"{errors} ({kinds})" if errors else "0", self.lost, self.recovery, self.slowest,
                "; ".join(self.notes)]


def measure(name: str, plan: Plan, pki: TestPKI, readme_flags: bool = False) -> Row:
    title, inject = FAULTS[name]
    row = Row(title)
    with (tempfile.TemporaryDirectory(prefix=f"spine-faults-{name}-") as folder,
          gunicorn(Path(folder), pki, readme_flags) as server):
        try:
            wait_until_answering(server, pki)
        except RuntimeError as failure:
            row.notes.append(f"server did not start: {str(failure).splitlines()[0]}")
            return row
        load = Load(server.port, pki, plan)
        load.start()
        warm_until = time.monotonic() + plan.warmup
        load.wait_for_a_completion_each(FIRST_COMPLETIONS_LIMIT_SECONDS)  # a stored row for the fault to hit
        time.sleep(max(0.0, warm_until - time.monotonic()))
        fault_at = time.monotonic()
        try:
            fault = inject(server, plan)
        except (OSError, sqlite3.Error) as failure:  # e.g. the database file not there: the row says so
            fault = Fault(notes=[f"fault not injected: {type(failure).__name__}: {failure}"])
        injected_at = time.monotonic()
        time.sleep(fault.lasts)
        fault.end()
        time.sleep(plan.after if fault.lasts else plan.window + plan.after)
        load.wait_for_an_answer_sent_after(fault_at, ALEXA_GIVES_UP_SECONDS)
        load.stop()
        alive = server.process.poll() is None
        workers = len(server.workers()) if alive else 0
        stop(server.process)
        stored, store_note = stored_completions(server.db)
        aside = [p.name for p in Path(folder).iterdir()  # skill/stores/sqlite.py's <name>.corrupt-<UTC time>
                 if p.name.startswith(f"{server.db.name}.corrupt") and not p.name.endswith(("-wal", "-shm"))]
    summarise(row, load, fault, fault_at, injected_at, stored, store_note)
    row.notes.append(f"gunicorn up, {workers} workers at the end" if alive else "gunicorn master had exited")
    if aside:
        row.notes.append(f"{len(aside)} file(s) moved aside")
    return row


def summarise(row: Row, load: Load, fault: Fault, fault_at: float, injected_at: float, stored: dict[str, int],
              store_note: str) -> None:
    after = sorted((o for o in load.outcomes if o.sent >= fault_at), key=lambda o: o.done)
    row.requests = len(after)
    row.answered = sum(o.kind == GOOD for o in after)
    row.apologies = sum(o.kind == APOLOGISED for o in after)
    for outcome in after:
        if outcome.kind == ERROR:
            row.errors[outcome.error] = row.errors.get(outcome.error, 0) + 1
    good_latencies = [o.done - o.sent for o in after if o.kind == GOOD]
    row.slowest = f"{max(good_latencies):.2f} s" if good_latencies else "-"

    failures = [o for o in after if o.kind != GOOD]
    if not failures:
        row.recovery = "no failure"
    else:
        last_failure = failures[-1].done
        recovered = next((o for o in after if o.kind == GOOD and o.done >= last_failure), None)
        row.recovery = (f"{recovered.done - fault_at:.2f} s" if recovered
                        else f"not recovered ({after[-1].done - fault_at:.0f} s)")

    lost = expected_total = 0
    for user, times in load.acknowledged.items():
        # A turn sent while the fault was being injected may have saved into what the fault then destroyed.
        expected = sum(t >= injected_at for t in times) if user in fault.destroyed_users else len(times)
        expected_total += expected
        lost += max(0, expected - stored.get(user, 0))
    row.lost = f"{lost} of {expected_total}" + (" (store unreadable)" if store_note.startswith("store unreadable")
                                                 else "")
    row.notes = fault.notes + ([store_note] if store_note else [])


# --- the report ---------------------------------------------------------------------------------------------------
HEADER = ["fault", "requests", "answered", "apologies", "errors", "lost updates", "time to recover",
          "slowest answer", "notes"]


def table(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join("---" for _ in HEADER) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def report(rows: list[Row], plan: Plan, quick: bool, deployment: str, seconds: float) -> str:
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"""# Fault figures

Written by `python -m bench.faults` (`make faults`){' in quick mode' if quick else ''} on {when}:
{os.cpu_count()} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}; the run took
{seconds:.0f} s. Deployment: `{deployment}`, `{APP}`, verification on (test CA), a fresh SQLite file per fault.

Load: {plan.users} users x {plan.conversations_per_user} concurrent conversations, each walking the lower-back routine to its
end again and again with signed Alexa envelopes; {plan.warmup:g} s of load, then the fault; lasting faults last
{plan.window:g} s (slow clients {plan.slow_window:g} s); then {plan.after:g} s more.

- **requests, answered, apologies, errors**: requests sent from the fault on. Answered: HTTP 200 with a spoken
  answer other than the apology; apologies: HTTP 200 with the skill's apology ("{APOLOGY}");
  errors: any other status, a refused or reset connection, or no answer within {ALEXA_GIVES_UP_SECONDS:g} s
  (Alexa gives up then).
- **lost updates**: finished routines the skill acknowledged that are not in the store at the end, of those it
  should hold. Progress the fault itself destroyed (the whole file when it is corrupted, one user's row) is not
  counted: for those users only completions whose turn was sent after the fault are expected.
- **time to recover**: from the fault to the first good answer after the last failed request ("no failure" when
  none failed). For the full disk and slow clients the fault lasts its window, so recovery includes it.
- **slowest answer**: the longest wait for a good answer after the fault.

{table(rows)}
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few seconds per fault (the smoke test)")
    parser.add_argument("--only", action="append", choices=sorted(FAULTS), help="run only this fault (repeatable)")
    parser.add_argument("--readme-flags", action="store_true",
                        help=f"the README's gunicorn flags ({' '.join(README_FLAGS)}) even if {GUNICORN_CONF.name} exists")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"the report (default {DEFAULT_OUT})")
    options = parser.parse_args(argv)
    plan = QUICK if options.quick else FULL
    if importlib.util.find_spec("gunicorn") is None:  # the deployment under test
        print("bench.faults needs gunicorn (pip install -e '.[dev]').", file=sys.stderr)
        return 1
    started = time.monotonic()
    pki = TestPKI.generate()
    rows = []
    for name in [n for n in FAULTS if not options.only or n in options.only]:
        print(f"{FAULTS[name][0]} ...", flush=True)
        rows.append(measure(name, plan, pki, options.readme_flags))
    _, deployment = gunicorn_command(0, options.readme_flags)
    text = report(rows, plan, options.quick, deployment, time.monotonic() - started)
    print("\n" + table(rows))
    options.out.write_text(text, encoding="utf-8")
    print(f"\nWritten to {options.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
