"""ask-sdk's DefaultSerializer against skill.alexa.serializer, per call, on the benchmark's realistic envelopes.

    python -m bench.deserializer [--calls 2000] [--rounds 7]

- deserialize: the issue's ~4 KB HelloWorldIntent from an Echo Show (bench.envelopes.baseline_intent), and
  Spine Coach's mid-routine AMAZON.NextIntent from the same device; JSON text in, RequestEnvelope out, as
  skill.alexa.app.respond does it (json.loads included for both).
- serialize: the ResponseEnvelope Spine Coach answers that NextIntent with (speech, reprompt, the APL document
  of the step's screen, session attributes), out as JSON-ready dicts.

Before timing, both serializers' results are checked equal, so the figures compare the same work. Each round
times `calls` calls; the report gives the median and the fastest round in µs per call, and the ratio. It reports
and never fails on time: the equality tests are tests/test_fast_serializer.py.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from bench import envelopes
from skill.alexa.app import create_skill
from skill.alexa.serializer import FastSerializer
from skill.stores.sqlite import SQLitePersistenceAdapter


def per_call_us(action: Callable[[], Any], calls: int, rounds: int) -> list[float]:
    action()  # plans made, modules imported: warm figures only
    results = []
    for _ in range(rounds):
        started = time.perf_counter_ns()
        for _ in range(calls):
            action()
        results.append((time.perf_counter_ns() - started) / calls / 1000)
    return results


def spine_coach_turn(folder: Path) -> tuple[dict[str, Any], Any]:
    """Spine Coach's mid-routine NextIntent envelope on the Echo Show, and the ResponseEnvelope it answers with."""
    skill = create_skill(serializer=DefaultSerializer(), persistence=SQLitePersistenceAdapter(folder / "bench.db"),
                         rng=random.Random(0))

    def handler(event: dict, context: Any) -> dict:
        request = skill.serializer.deserialize(json.dumps(event), RequestEnvelope)
        return skill.serializer.serialize(skill.invoke(request_envelope=request, context=context))

    routine = envelopes.Routine(envelopes.user_id("deserializer bench")).prepare(handler)
    event, _ = routine.next_intent(0)
    request = skill.serializer.deserialize(json.dumps(event), RequestEnvelope)
    return event, skill.invoke(request_envelope=request, context=None)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    sdk, fast = DefaultSerializer(), FastSerializer()

    with tempfile.TemporaryDirectory() as folder:
        next_event, next_response = spine_coach_turn(Path(folder))
    cases: list[tuple[str, int, Callable[[Any], Any]]] = []
    for name, event in (("deserialize: issue's 4 KB HelloWorldIntent", envelopes.baseline_intent()),
                        ("deserialize: Spine Coach mid-routine NextIntent", next_event)):
        text = json.dumps(event)
        if fast.deserialize(text, RequestEnvelope) != sdk.deserialize(text, RequestEnvelope):
            raise SystemExit(f"{name}: the two serializers disagree; see tests/test_fast_serializer.py")
        cases.append((name, len(text.encode("utf-8")),
                      lambda serializer, text=text: serializer.deserialize(text, RequestEnvelope)))
    response_json = json.dumps(sdk.serialize(next_response))
    if json.dumps(fast.serialize(next_response)) != response_json:
        raise SystemExit("serialize: the two serializers disagree; see tests/test_fast_serializer.py")
    cases.append(("serialize: Spine Coach's reply to that NextIntent", len(response_json.encode("utf-8")),
                  lambda serializer: serializer.serialize(next_response)))

    print(f"Python {sys.version.split()[0]}; {args.rounds} rounds of {args.calls} calls; µs per call, "
          f"median (fastest round)")
    for name, size, action in cases:
        figures = {label: per_call_us(lambda: action(serializer), args.calls, args.rounds)
                   for label, serializer in (("ask-sdk", sdk), ("fast", fast))}
        medians = {label: statistics.median(values) for label, values in figures.items()}
        print(f"{name} ({size / 1024:.1f} KB JSON)")
        for label, values in figures.items():
            print(f"  {label:8} {medians[label]:8.1f} ({min(values):.1f})")
        print(f"  speed-up {medians['ask-sdk'] / medians['fast']:.1f}x")
    if fast.fallbacks:
        print(f"note: the fast serializer fell back to ask-sdk {fast.fallbacks} times")


if __name__ == "__main__":
    main()
