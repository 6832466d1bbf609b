"""Where a warm request's time goes: a mid-routine AMAZON.NextIntent through the real skill, piece by piece.

    python bench/profile_warm.py                  # per-piece medians (µs) over 2,000 requests, voice-only Echo
    python bench/profile_warm.py --screen --log   # an Echo Show, with the JSON request line on (as on Lambda)
    python bench/profile_warm.py --cprofile 25    # and the 25 most expensive functions (cumulative)
    python bench/profile_warm.py --tree DIR       # the same for another checkout (a "before" tree, say)
    python bench/profile_warm.py --cold 15        # cold start instead: fresh processes, import + one launch

The session is built the way Alexa builds it (skill/alexa/envelopes.py AlexaSession): launch, start the lower-back
routine, answer the screening question, then NextIntent through the whole routine. Every mid-routine NextIntent
envelope is recorded and then replayed in turn, so each measured request is a realistic one: session attributes
carrying the running routine and the last SSML, the profile read from SQLite and, whenever the step moves on,
written back. Persistence is SQLite in a temporary folder (skill.stores.sqlite, its defaults).

The pieces are timed by wrapping the skill's own parts (the serializer, each interceptor, the handlers' can_handle
and handle, the persistence adapter's reads and writes) with perf_counter; nested pieces are marked with "  ".
This reports; it never fails. `make bench` (bench/) holds the side-by-side figures against the bare SDK.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", type=Path, default=REPO, help="the checkout to measure (default: this one)")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--cprofile", type=int, metavar="N", default=0, help="also print the top N functions")
    parser.add_argument("--cold", type=int, metavar="RUNS", default=0, help="measure cold starts instead")
    parser.add_argument("--screen", action="store_true", help="an Echo Show (APL) rather than a voice-only Echo")
    parser.add_argument("--log", action="store_true",
                        help="request lines on, as on Lambda (JSON, to /dev/null); off, INFO lines are not made")
    args = parser.parse_args()
    tree = args.tree.resolve()
    sys.path.insert(0, str(tree))
    if args.cold:
        cold_start(tree, args.cold)
    else:
        warm(tree, args.requests, args.cprofile, args.log, args.screen)


# --- warm ---------------------------------------------------------------------------------------------------------
class Stopwatch:
    """Per-request sums of the time spent in each wrapped callable."""

    def __init__(self) -> None:
        self.current: dict[str, float] = defaultdict(float)
        self.requests: list[dict[str, float]] = []
        self.order: list[str] = []
        self.running: set[str] = set()

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)
        if label not in self.order:
            self.order.append(label)
        current, running = self.current, self.running

        def timed(*args: Any, **kwargs: Any) -> Any:
            if label in running:  # nested (deserialize_data calls from_json): the outer call counts it
                return original(*args, **kwargs)
            running.add(label)
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                current[label] += time.perf_counter() - started
                running.discard(label)

        setattr(owner, name, timed)

    def next_request(self) -> None:
        self.requests.append(dict(self.current))
        self.current.clear()


def recorded_envelopes(session_class: Any, invoke: Callable[[dict], dict], intent: Callable, launch: Callable,
                       resolved_slot: Callable) -> list[dict]:
    """Every mid-routine NextIntent envelope of one walk through the lower-back routine."""
    session = session_class(user_id="amzn1.ask.account.PROFILE-WARM")

    def send(request: dict) -> tuple[dict, dict]:
        envelope = session.envelope(request)
        response = invoke(envelope)
        session.absorb(response)
        return envelope, response

    send(launch())
    area = resolved_slot("area", "lower back", "STRETCH_AREA", "lower_back")
    _, asked = send(intent("StartStretchIntent", {"area": area}))
    assert "sessionAttributes" in asked and asked["sessionAttributes"].get("question"), asked
    send(intent("AMAZON.NoIntent"))  # no warning signs today
    _, first = send(intent("AMAZON.YesIntent"))  # ready: the first stretch is led
    assert first["sessionAttributes"]["routine"]["status"] == "running", first
    envelopes = []
    while True:
        envelope, response = send(intent("AMAZON.NextIntent"))
        if response["response"].get("shouldEndSession"):
            break  # the routine's end: not a mid-routine turn
        speech = response["response"]["outputSpeech"]["ssml"]
        assert "<break" in speech and response["sessionAttributes"]["routine"]["status"] == "running", speech
        envelopes.append(envelope)
    return envelopes


def warm(tree: Path, count: int, top: int, log: bool, screen: bool) -> None:
    from skill.alexa.app import create_skill, invoke  # from `tree`: sys.path[0]
    from skill.alexa.envelopes import AlexaSession, intent, launch, resolved_slot
    from skill.stores.sqlite import SQLitePersistenceAdapter
    from skill.alexa.request_log import configure_json_logging
    import random
    import skill

    if log:
        configure_json_logging(open(os.devnull, "w", encoding="utf-8"))

    folder = tempfile.mkdtemp(prefix="spine-coach-warm-")
    store = SQLitePersistenceAdapter(Path(folder) / "state.db")
    app = create_skill(persistence=store, rng=random.Random(0))
    envelopes = recorded_envelopes(functools.partial(AlexaSession, screen=screen), lambda e: invoke(e, app), intent,
                                   launch, resolved_slot)
    sizes = [len(json.dumps(e)) for e in envelopes]

    watch = Stopwatch()
    for name in ("deserialize", "deserialize_data", "from_json"):  # the SDK's, and skill.alexa.serializer's
        if hasattr(app.serializer, name):
            watch.wrap(app.serializer, name, "deserialize")
    dispatcher = app.request_dispatcher
    for interceptor in dispatcher.request_interceptors:
        watch.wrap(interceptor, "process", f"request interceptor {type(interceptor).__name__}")
    handlers = [chain.request_handler for mapper in dispatcher.request_mappers
                for chain in getattr(mapper, "request_handler_chains", ())]
    for handler in handlers:
        watch.wrap(handler, "can_handle", "can_handle (all handlers)")
        watch.wrap(handler, "handle", "handler.handle")
    watch.wrap(store, "get_attributes", "  SQLite read (inside the handler)")
    for interceptor in dispatcher.response_interceptors:
        watch.wrap(interceptor, "process", f"response interceptor {type(interceptor).__name__}")
    watch.wrap(store, "save_attributes", "  SQLite write (inside SaveProfileInterceptor)")
    watch.wrap(app.serializer, "serialize", "serialize")

    totals = []
    writes = 0
    for i in range(count):
        envelope = envelopes[i % len(envelopes)]
        started = time.perf_counter()
        response = invoke(envelope, app)
        totals.append(time.perf_counter() - started)
        writes += "  SQLite write (inside SaveProfileInterceptor)" in watch.current
        watch.next_request()
        assert "<break" in response["response"]["outputSpeech"]["ssml"]
        assert bool(response["response"].get("directives")) == screen

    skip = min(len(totals) // 10, 100)  # the first requests load content and warm caches
    requests, totals = watch.requests[skip:], totals[skip:]
    µs = 1e6
    print(f"tree {tree} (skill from {Path(skill.__file__).parent})")
    print(f"{len(totals)} mid-routine NextIntent requests ({len(envelopes)} distinct, {min(sizes)}-{max(sizes)} "
          f"bytes of JSON), {'an APL screen' if screen else 'voice only'}, profile written on {writes} of {count}; "
          f"request lines {'on' if log else 'off'}; "
          f"Python {sys.version.split()[0]}")
    print(f"{'piece':50s} {'median µs':>10s} {'mean µs':>10s}")
    attributed = 0.0
    for label in watch.order:
        values = [r.get(label, 0.0) for r in requests]
        if not label.startswith("  "):
            attributed += statistics.fmean(values)
        print(f"{label:50s} {statistics.median(values) * µs:10.1f} {statistics.fmean(values) * µs:10.1f}")
    median = statistics.median(totals)
    p99 = sorted(totals)[int(len(totals) * 0.99) - 1]
    print(f"{'rest (json, SDK dispatch, response envelope...)':50s} {'':>10s} "
          f"{(statistics.fmean(totals) - attributed) * µs:10.1f}")
    print(f"{'whole request (skill.alexa.app.invoke)':50s} {median * µs:10.1f} {statistics.fmean(totals) * µs:10.1f}"
          f"   p99 {p99 * µs:.1f} µs")

    # The same requests again without the wrappers, so their overhead is not in the headline figure.
    for label_owner in [app.serializer, store, *dispatcher.request_interceptors, *dispatcher.response_interceptors,
                        *handlers]:
        for name in ("deserialize", "deserialize_data", "from_json", "serialize", "get_attributes",
                     "save_attributes", "process", "can_handle", "handle"):
            label_owner.__dict__.pop(name, None)
    bare = []
    for i in range(count):
        started = time.perf_counter()
        invoke(envelopes[i % len(envelopes)], app)
        bare.append(time.perf_counter() - started)
    bare = bare[skip:]
    print(f"{'whole request, no stopwatch':50s} {statistics.median(bare) * µs:10.1f} "
          f"{statistics.fmean(bare) * µs:10.1f}   p99 {sorted(bare)[int(len(bare) * 0.99) - 1] * µs:.1f} µs")

    if top:
        import cProfile
        import pstats
        profiler = cProfile.Profile()
        profiler.enable()
        for i in range(count):
            invoke(envelopes[i % len(envelopes)], app)
        profiler.disable()
        pstats.Stats(profiler).strip_dirs().sort_stats("cumulative").print_stats(top)


# --- cold -------------------------------------------------------------------------------------------------------------
_COLD_CHILD = r"""
import json, sys, time
started = time.perf_counter()
import lambda_function
imported = time.perf_counter()
response = lambda_function.lambda_handler(json.loads(sys.argv[1]), None)
answered = time.perf_counter()
assert response["response"]["outputSpeech"]
print(json.dumps({"import": imported - started, "first": answered - imported,
                  "heavy": sorted(m for m in ("requests", "flask", "cryptography", "boto3", "yaml", "pyttsx3")
                                  if m in sys.modules)}))
"""


def cold_start(tree: Path, runs: int) -> None:
    """Fresh processes (no PYTHON* variables, a new SQLite file each): import lambda_function, answer one launch."""
    from skill.alexa.envelopes import AlexaSession, launch

    envelope = json.dumps(AlexaSession(user_id="amzn1.ask.account.PROFILE-COLD").envelope(launch()))
    results, walls = [], []
    for _ in range(runs):
        folder = tempfile.mkdtemp(prefix="spine-coach-cold-")
        env = {"PATH": os.environ.get("PATH", ""), "HOME": folder, "SPINE_COACH_DB": f"{folder}/state.db"}
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", _COLD_CHILD, envelope], cwd=tree, env=env,
                              capture_output=True, text=True, check=True)
        walls.append(time.perf_counter() - started)
        results.append(json.loads(done.stdout))
    ms = 1e3
    print(f"tree {tree}: {runs} cold starts; heavy modules loaded: {results[-1]['heavy'] or 'none'}")
    for key in ("import", "first"):
        values = [r[key] for r in results]
        print(f"  {key:6s} median {statistics.median(values) * ms:6.1f} ms  min {min(values) * ms:6.1f}")
    print(f"  whole process (wall) median {statistics.median(walls) * ms:6.1f} ms  min {min(walls) * ms:6.1f}")


if __name__ == "__main__":
    main()
