"""The offline intent resolver (skill/local/nlu/resolver.py): utterances per second and accuracy.

    python -m bench.resolver --passes 5 --out result.json

The utterances are the ones tests/test_resolver.py checks, imported from it so the two never drift apart: every
sample of every published locale's interaction model (plus the resolver's own phrases for AMAZON.* intents), with
each slot filled by a value of its type, resolved by that locale's resolver; and the test's PARAPHRASES (how people
say it, never a model sample), resolved by en-US's. Accuracy is the share resolved to the expected intent (slots are
the test's business). Speed is whole passes over all of them with the resolvers already built (building each is
timed on its own), median and min-max over the passes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from skill.local.nlu.resolver import IntentResolver


def cases() -> dict[str, list[tuple[str, str, str]]]:
    """(locale, utterance, expected intent) for "samples" and "paraphrases"."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # its helpers, as pytest finds them
    import test_resolver

    samples = [(param.values[0], param.values[2], param.values[1]) for param in test_resolver._model_cases()]
    paraphrases = [("en-US", utterance, expected) for utterance, expected, _ in test_resolver.PARAPHRASES]
    return {"samples": samples, "paraphrases": paraphrases}


def measure(passes: int) -> dict[str, Any]:
    sets = cases()
    build_ms = {}
    resolvers: dict[str, IntentResolver] = {}
    for locale in sorted({locale for utterances in sets.values() for locale, _, _ in utterances}):
        started = time.perf_counter()
        resolvers[locale] = IntentResolver.for_locale(locale)
        build_ms[locale] = (time.perf_counter() - started) * 1000
    work = [(resolvers[locale], utterance, expected, name)
            for name, utterances in sets.items() for locale, utterance, expected in utterances]
    correct: dict[str, int] = defaultdict(int)
    misses: dict[str, list[str]] = defaultdict(list)
    rates = []
    for index in range(passes):
        started = time.perf_counter()
        answers = [resolver.resolve(utterance).intent for resolver, utterance, _, _ in work]
        rates.append(len(work) / (time.perf_counter() - started))
        if index == 0:
            for (_, utterance, expected, name), got in zip(work, answers):
                if got == expected:
                    correct[name] += 1
                else:
                    misses[name].append(f"{utterance!r}: {got}, expected {expected}")
    return {
        "utterances": {name: len(utterances) for name, utterances in sets.items()},
        "correct": dict(correct), "misses": {name: found[:10] for name, found in misses.items()},
        "locales": sorted(resolvers), "build_ms": build_ms,
        "utterances_per_s": rates, "median_utterances_per_s": statistics.median(rates),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    args.out.write_text(json.dumps(measure(args.passes)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
