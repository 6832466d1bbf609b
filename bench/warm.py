"""Warm per-request latency, measured inside one process: `lambda_handler(event, None)` called many times.

    python -m bench.warm ours|baseline --calls 5000 --warmup 300 --out result.json [--profile]

Run by bench/run.py in a fresh subprocess per skill, with the environment Lambda would give it
(AWS_LAMBDA_FUNCTION_NAME set, so Spine Coach logs its JSON line per request; SPINE_COACH_DB in a temp folder).

- ours: the repository's lambda_function.lambda_handler on a realistic mid-routine AMAZON.NextIntent from an
  Echo Show, with SQLite persistence and the user's profile already stored (bench.envelopes.Routine). The calls
  cycle through the routine's mid-routine points, so every call is a real "next" that neither ends the routine
  nor errors; every reply is checked (running routine, expected step, no apology).
- baseline: bench/baseline's hello-world lambda_handler on its ~4 KB HelloWorldIntent; every reply is checked.

Only the handler call is timed (time.perf_counter_ns); the event is a fresh dict parsed from the JSON text before
each call, as the Lambda runtime hands one over. The result file holds every sample in nanoseconds.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import time
from pathlib import Path
from typing import Any, Callable

from bench import envelopes

ROOT = Path(__file__).resolve().parents[1]
BASELINE_DIR = ROOT / "bench" / "baseline"


def load_handler(kind: str) -> Callable[[dict, Any], dict]:
    if kind == "baseline":
        sys.path.insert(0, str(BASELINE_DIR))
    import lambda_function  # the repository's, or the baseline's when its folder comes first

    return lambda_function.lambda_handler


def workload(kind: str, handler: Callable[[dict, Any], dict]) -> list[tuple[str, Callable[[dict], None]]]:
    """(event JSON, reply check) pairs to cycle through."""
    if kind == "baseline":
        return [(json.dumps(envelopes.baseline_intent()), envelopes.check_hello_reply)]
    routine = envelopes.Routine(envelopes.user_id("warm")).prepare(handler)
    cases = []
    for index in range(len(routine.points)):
        event, expected = routine.next_intent(index)
        cases.append((json.dumps(event), lambda reply, expected=expected: envelopes.check_next_reply(reply, expected)))
    return cases


def measure(handler: Callable[[dict, Any], dict], cases: list[tuple[str, Callable[[dict], None]]],
            calls: int, warmup: int, profiler: cProfile.Profile | None = None) -> list[int]:
    for index in range(warmup):
        text, check = cases[index % len(cases)]
        check(handler(json.loads(text), None))
    samples = []
    clock = time.perf_counter_ns
    for index in range(calls):
        text, check = cases[index % len(cases)]
        event = json.loads(text)
        if profiler is not None:
            profiler.enable()
        started = clock()
        reply = handler(event, None)
        samples.append(clock() - started)
        if profiler is not None:
            profiler.disable()
        check(reply)  # outside the timing; a wrong reply stops the measurement
    return samples


def profile_table(profiler: cProfile.Profile, calls: int, top: int = 25) -> str:
    """The functions that take the most time per call, own time first (µs per handler call)."""
    stats = pstats.Stats(profiler)
    rows = []
    for (filename, line, name), (_, ncalls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        rows.append((own, cumulative, ncalls, _where(filename, line, name)))
    lines = [f"{'own µs/call':>11} {'cum µs/call':>11} {'calls/req':>9}  function"]
    for own, cumulative, ncalls, where in sorted(rows, reverse=True)[:top]:
        lines.append(f"{own / calls * 1e6:11.1f} {cumulative / calls * 1e6:11.1f} {ncalls / calls:9.1f}  {where}")
    return "\n".join(lines)


def _where(filename: str, line: int, name: str) -> str:
    if filename == "~":
        return name  # a built-in
    path = Path(filename)
    if "site-packages" in path.parts:  # first: the virtualenv may be inside the repository
        parts = path.parts[path.parts.index("site-packages") + 1:]  # ask_sdk_core/skill.py
    elif path.is_relative_to(ROOT):
        parts = path.relative_to(ROOT).parts  # skill/alexa/handlers/stretch.py
    else:
        parts = path.parts[-2:]  # the standard library: json/encoder.py
    return f"{'/'.join(parts)}:{line}({name})"


def timed_calls_arguments(argv: list[str] | None, description: str, calls: int,
                          warmup: int) -> argparse.Namespace:
    """The command line bench.warm and bench.web share: which skill, how many calls, where the JSON goes."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("kind", choices=("ours", "baseline"))
    parser.add_argument("--calls", type=int, default=calls)
    parser.add_argument("--warmup", type=int, default=warmup)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--profile", action="store_true", help="also profile the timed calls with cProfile")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = timed_calls_arguments(argv, __doc__.splitlines()[0], calls=5000, warmup=300)

    handler = load_handler(args.kind)
    cases = workload(args.kind, handler)
    profiler = cProfile.Profile() if args.profile else None
    samples = measure(handler, cases, args.calls, args.warmup, profiler)
    result: dict[str, Any] = {"kind": args.kind, "samples_ns": samples, "distinct_events": len(cases),
                              "event_bytes": [envelopes.size(json.loads(text)) for text, _ in cases]}
    if profiler is not None:
        result["profile"] = profile_table(profiler, args.calls)
    args.out.write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
