"""The self-hosted endpoint's own cost per request: each skill's WSGI app called in-process, without gunicorn,
sockets or a load client, so what the throughput figures cannot separate shows on its own.

    python -m bench.web ours|baseline --calls 2000 --warmup 200 --out result.json [--profile]

- ours: `skill.web.app.create_app` configured as the gunicorn run configures it (skill id, SQLite in a temp
  folder, signature and timestamp checks on, a test CA as trust root and its chain as the offline copy), on signed
  mid-routine "next" requests (bench.envelopes.Routine, set up through the same app);
- baseline: bench/baseline/wsgi.py on its HelloWorldIntent.

Each call gets a fresh WSGI environ built beforehand (werkzeug's EnvironBuilder, as gunicorn would hand it over);
the timing covers the app call and reading its body. Every reply is checked as in bench/throughput.py.
"""

from __future__ import annotations

import cProfile
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from werkzeug.test import EnvironBuilder

from bench import envelopes
from bench.throughput import BASELINE_DIR
from bench.warm import profile_table, timed_calls_arguments
from skill.alexa.envelopes import SKILL_ID
from tests.certificates import TestPKI

Check = Callable[[dict], None]
WsgiApp = Callable[..., Any]


def call(app: WsgiApp, environ: dict) -> tuple[str, bytes]:
    status = []
    body = b"".join(app(environ, lambda line, headers, exc_info=None: status.append(line)))
    return status[0], body


def environ_for(body: bytes, headers: dict[str, str] | None = None) -> dict:
    return EnvironBuilder(path="/", method="POST", data=body, content_type="application/json; charset=utf-8",
                          headers=headers or {}).get_environ()


def ours(scratch: Path) -> tuple[WsgiApp, list[tuple[Callable[[], dict], Check]]]:
    pki = TestPKI.generate()
    roots, chains = pki.write_root(scratch / "roots.pem"), scratch / "chains"
    pki.write_chain(chains)
    os.environ["SPINE_COACH_DB"] = str(scratch / "web.db")
    from skill.web.app import create_app

    app = create_app({"SPINE_COACH_SKILL_IDS": (SKILL_ID,), "SPINE_COACH_TRUST_ROOTS": str(roots),
                      "SPINE_COACH_CERT_CHAIN_DIR": str(chains), "ASK_SDK_VERIFY_SIGNATURE": True,
                      "ASK_SDK_VERIFY_TIMESTAMP": True})

    def handler(event: dict, _context: Any) -> dict:
        body = json.dumps(event, separators=(",", ":")).encode()
        status, answer = call(app, environ_for(body, pki.headers(body)))
        if not status.startswith("200"):
            raise RuntimeError(f"Spine Coach answered {status}: {answer[:300]!r}")
        return json.loads(answer)

    routine = envelopes.Routine(envelopes.user_id("web")).prepare(handler)
    cases = []
    for index in range(len(routine.points)):
        event, expected = routine.next_intent(index)
        body = json.dumps(event, separators=(",", ":")).encode()
        headers = pki.headers(body)  # signed now: the run is far shorter than Alexa's 150 s window
        cases.append((lambda body=body, headers=headers: environ_for(body, headers),
                      lambda reply, expected=expected: envelopes.check_next_reply(reply, expected)))
    return app, cases


def baseline() -> tuple[WsgiApp, list[tuple[Callable[[], dict], Check]]]:
    sys.path.insert(0, str(BASELINE_DIR))
    import wsgi  # bench/baseline/wsgi.py

    body = json.dumps(envelopes.baseline_intent(), separators=(",", ":")).encode()
    return wsgi.app, [(lambda: environ_for(body), envelopes.check_hello_reply)]


def measure(app: WsgiApp, cases: list[tuple[Callable[[], dict], Check]], calls: int, warmup: int,
            profiler: cProfile.Profile | None = None) -> list[int]:
    clock = time.perf_counter_ns
    samples = []
    for index in range(warmup + calls):
        make_environ, check = cases[index % len(cases)]
        environ = make_environ()
        if profiler is not None and index >= warmup:
            profiler.enable()
        started = clock()
        status, body = call(app, environ)
        elapsed = clock() - started
        if profiler is not None:
            profiler.disable()
        if not status.startswith("200"):
            raise AssertionError(f"{status}: {body[:300]!r}")
        check(json.loads(body))
        if index >= warmup:
            samples.append(elapsed)
    return samples


def main(argv: list[str] | None = None) -> int:
    args = timed_calls_arguments(argv, __doc__.splitlines()[0], calls=2000, warmup=200)
    with tempfile.TemporaryDirectory(prefix="bench-web-") as scratch:
        app, cases = ours(Path(scratch)) if args.kind == "ours" else baseline()
        profiler = cProfile.Profile() if args.profile else None
        samples = measure(app, cases, args.calls, args.warmup, profiler)
    result: dict[str, Any] = {"kind": args.kind, "samples_ns": samples}
    if profiler is not None:
        result["profile"] = profile_table(profiler, args.calls)
    args.out.write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
