"""Red-flag triage measured on the development bank: `python -m bench.red_flag_report` (or `make red-flags`).

The bank (bench/red_flags/) was written by category from shared/clinical-facts.md §1, not from the rules: patients and
caregivers, the five locales' words, recogniser-style text, negations, past and resolved events, questions and
idioms. `dev.jsonl` is the part rules may be tuned on; `sealed.jsonl` is only ever scored here, and this report never
prints its sentences.

Each sentence is scored two ways, both through the real skill:
- full text: what the offline runner does, triage on the whole sentence (and, to show what the learned second
  opinion adds, the rules alone);
- the Echo path: what an Echo sends, the local resolver's intent and slot values (no raw text), answered by the
  skill in a conversation already open (so no first-time disclaimer), per locale. An emergency on this path is also
  counted as safe when the reply's first sentence names the emergency number (the fallback's safety net).

The tuning-only archive (probes.jsonl: past probe sets, already tuned on, never sealed; bench/red_flag_bank.py) is
scored as a third, tuning split, full text only (its Echo path would cost minutes), when it exists.

Writes bench/RED_FLAGS.md; `--misses` also prints the development split's misses (never the sealed split's).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

BANK = Path(__file__).with_name("red_flags")
SPLITS = ("dev", "sealed")
ARCHIVE = "probes"  # the tuning-only archive, full text only
REPORT = Path(__file__).with_name("RED_FLAGS.md")
TIERS = ("emergency", "urgent", "soon", "clarify", "none")
TARGETS = {"emergency": 0.98, "urgent": 0.90, "soon": 0.85, "clarify": 0.70}
FALSE_ALARM_LIMIT = 0.05
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def echo_locales() -> tuple[str, ...]:
    """Every locale with content of its own (skill/locale/<locale>/), the default first: its Echo path heads the
    report."""
    from skill.core.content import DEFAULT_LOCALE, supported_locales
    return (DEFAULT_LOCALE, *(locale for locale in supported_locales() if locale != DEFAULT_LOCALE))


@dataclass(frozen=True)
class Case:
    text: str
    tier: str
    category: str
    style: str


@dataclass(frozen=True)
class Outcome:
    tier: str  # the tier the skill reached, "none" if none
    number_first: bool  # the reply's first sentence names the emergency number
    intent: str | None = None


def load(split: str) -> list[Case]:
    cases = []
    for line in (BANK / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            cases.append(Case(row["text"], row["tier"], row["category"], row.get("style", "written")))
    return cases


def full_text(cases: list[Case], locale: str = "en-US", rules_only: bool = False) -> list[Outcome]:
    from skill.core.safety.triage import rules_alone, triage_for
    triage = rules_alone(locale) if rules_only else triage_for(locale)
    outcomes = []
    for case in cases:
        finding = triage.classify(case.text)
        outcomes.append(Outcome(finding.tier if finding else "none", finding is not None and finding.tier == "emergency"))
    return outcomes


class EchoPath:
    """Sends what an Echo would: the resolver's intent and slots, into an open conversation of the real skill."""

    def __init__(self, locale: str, store_dir: str):
        from skill.alexa.app import create_skill
        from skill.core.content import Content, resolve_locale
        from skill.local.nlu.resolver import IntentResolver
        from skill.stores.sqlite import SQLitePersistenceAdapter
        from skill.local.alarm import LocalAlarm
        from skill.local.clock import RealClock
        self.locale = locale
        self.resolver = IntentResolver.for_locale(locale)
        self.skill = create_skill(persistence=SQLitePersistenceAdapter(Path(store_dir) / f"{locale}.db"),
                                  alarm=LocalAlarm(RealClock()))  # the offline runner's: nothing rings here
        self.number = str(Content(resolve_locale(locale)).facts["emergency_number"])

    def outcome(self, text: str) -> Outcome:
        from skill.alexa.app import invoke
        from skill.alexa.envelopes import AlexaSession, intent, launch
        from skill.core.speech import ssml_to_text
        session = AlexaSession(locale=self.locale, user_id="amzn1.ask.account.RED-FLAG-REPORT")
        session.absorb(invoke(session.envelope(launch()), self.skill))
        resolution = self.resolver.resolve(text)
        slots = {name: slot.to_alexa("report") for name, slot in resolution.slots.items() if slot.value is not None}
        response = invoke(session.envelope(intent(resolution.intent, slots)), self.skill)
        speech = ssml_to_text((response.get("response", {}).get("outputSpeech") or {}).get("ssml"))
        first = _SENTENCE_END.split(speech, maxsplit=1)[0]
        tier = (response.get("sessionAttributes") or {}).get("triage") or "none"
        return Outcome(tier, self.number in first, resolution.intent)


def echo_path(cases: list[Case], locale: str, store_dir: str) -> list[Outcome]:
    path = EchoPath(locale, store_dir)
    return [path.outcome(case.text) for case in cases]


@dataclass
class Scores:
    reached: dict[str, float]  # per expected tier: share reaching exactly that tier
    at_least: dict[str, float]  # per expected tier: share reaching it or a more severe one
    false_alarms: float  # harmless sentences given any tier, clarify included
    false_alarm_tiers: Counter
    emergency_safe: float  # emergencies reaching emergency or hearing the number first
    fallbacks: int
    fallback_emergencies: int
    counts: Counter


def score(cases: list[Case], outcomes: list[Outcome]) -> Scores:
    by_tier: dict[str, list[Outcome]] = defaultdict(list)
    for case, outcome in zip(cases, outcomes):
        by_tier[case.tier].append(outcome)
    severity = {tier: index for index, tier in enumerate(TIERS[:3])}

    def share(outcomes_, test) -> float:
        return sum(map(test, outcomes_)) / len(outcomes_) if outcomes_ else float("nan")

    reached = {tier: share(by_tier[tier], lambda o, t=tier: o.tier == t) for tier in TARGETS}
    at_least = {tier: share(by_tier[tier], lambda o, t=tier: o.tier in severity and severity[o.tier] <= severity[t])
                for tier in ("emergency", "urgent", "soon")}
    harmless = by_tier["none"]
    emergencies = by_tier["emergency"]
    fallbacks = [(case, o) for case, o in zip(cases, outcomes) if o.intent == "AMAZON.FallbackIntent"]
    return Scores(reached, at_least, share(harmless, lambda o: o.tier != "none"),
                  Counter(o.tier for o in harmless if o.tier != "none"),
                  share(emergencies, lambda o: o.tier == "emergency" or o.number_first),
                  len(fallbacks), sum(case.tier == "emergency" for case, _ in fallbacks),
                  Counter(case.tier for case in cases))


def _percent(value: float) -> str:
    return "n/a" if value != value else f"{100 * value:.1f} %"


def _mark(value: float, target: float, higher_is_better: bool = True) -> str:
    met = value >= target if higher_is_better else value <= target
    return _percent(value) + ("" if met else " ✗")


def table(results: dict[tuple[str, str], Scores]) -> list[str]:
    columns = list(results)
    lines = ["| | " + " | ".join(f"{split}: {path}" for split, path in columns) + " | target |",
             "|---|" + "---|" * (len(columns) + 1)]
    for tier, target in TARGETS.items():
        lines.append(f"| {tier} reaches {tier} | " + " | ".join(_mark(results[c].reached[tier], target)
                                                          for c in columns) + f" | ≥ {target:.0%} |")
    for tier in ("urgent", "soon"):
        lines.append(f"| {tier} reaches {tier} or more severe | "
                     + " | ".join(_percent(results[c].at_least[tier]) for c in columns) + " | |")
    lines.append("| false alarms (harmless sentences given any tier, clarify included) | "
                 + " | ".join(_mark(results[c].false_alarms, FALSE_ALARM_LIMIT, False) for c in columns)
                 + f" | ≤ {FALSE_ALARM_LIMIT:.0%} |")
    lines.append("| emergency reaches emergency or hears the number first | "
                 + " | ".join(_mark(results[c].emergency_safe, 1.0) for c in columns) + " | 100 % |")
    lines.append("| sentences sent to FallbackIntent (emergencies among them) | "
                 + " | ".join("" if path.startswith("full text") else f"{results[c].fallbacks} ({results[c].fallback_emergencies})"
                              for c in columns for path in [c[1]]) + " | |")
    return lines


def run(misses: bool = False, locales: tuple[str, ...] | None = None, splits: tuple[str, ...] = SPLITS) -> str:
    locales = locales or echo_locales()
    banks = {split: load(split) for split in splits}
    archive = load(ARCHIVE) if (BANK / f"{ARCHIVE}.jsonl").exists() else []
    results: dict[tuple[str, str], Scores] = {}
    per_locale: dict[str, dict[str, Scores]] = defaultdict(dict)
    dev_misses: list[str] = []
    with tempfile.TemporaryDirectory() as store_dir:
        for split, cases in banks.items():
            results[split, "full text, rules only"] = score(cases, full_text(cases, rules_only=True))
            outcomes = full_text(cases)
            results[split, "full text"] = score(cases, outcomes)
            if misses and split == "dev":
                dev_misses += [f"full\t{c.tier}\t{o.tier}\t{c.category}\t{c.text}" for c, o in zip(cases, outcomes)
                               if c.tier != o.tier]
            for locale in locales:
                echo = echo_path(cases, locale, store_dir)
                per_locale[locale][split] = score(cases, echo)
                if locale == locales[0]:
                    results[split, f"Echo path ({locale})"] = per_locale[locale][split]
                    if misses and split == "dev":
                        dev_misses += [f"echo\t{c.tier}\t{o.tier}\t{o.intent}\t"
                                       f"{'number first' if o.number_first else 'no number'}\t{c.text}"
                                       for c, o in zip(cases, echo) if c.tier != o.tier]
    if archive:
        results[ARCHIVE, "full text, rules only"] = score(archive, full_text(archive, rules_only=True))
        results[ARCHIVE, "full text"] = score(archive, full_text(archive))
    counts = {split: Counter(case.tier for case in cases) for split, cases in (*banks.items(), (ARCHIVE, archive))
              if cases}
    lines = ["# Red-flag triage on the development bank", "",
             "Regenerate with `make red-flags` (`python -m bench.red_flag_report`). The bank: "
             + "; ".join(f"{split} {sum(c.values())} sentences ("
                         + ", ".join(f"{tier} {c[tier]}" for tier in TIERS) + ")" for split, c in counts.items())
             + ". ✗ marks a target not met."
             + (f" `{ARCHIVE}` is the tuning-only archive (sentences already tuned on, never a fair test)."
                if archive else ""), ""]
    lines += table(results)
    lines += ["", f"Echo path in every locale ({' / '.join(splits)}): emergency reaches emergency, emergency safe, false alarms.",
              "", "| locale | emergency | emergency safe | urgent | soon | clarify | false alarms |", "|---|---|---|---|---|---|---|"]
    for locale, by_split in per_locale.items():
        cells = [" / ".join(_percent(getattr(by_split[s], "reached")[t]) for s in splits) for t in ("emergency",)]
        cells.append(" / ".join(_percent(by_split[s].emergency_safe) for s in splits))
        cells += [" / ".join(_percent(by_split[s].reached[t]) for s in splits) for t in ("urgent", "soon", "clarify")]
        cells.append(" / ".join(_percent(by_split[s].false_alarms) for s in splits))
        lines.append(f"| {locale} | " + " | ".join(cells) + " |")
    report = "\n".join(lines) + "\n"
    if misses:
        print("\n".join(dev_misses), file=sys.stderr)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="print the development split's misses to stderr")
    parser.add_argument("--locale", action="append", help="Echo-path locales (default: every one)")
    parser.add_argument("--no-write", action="store_true", help="print the report without writing RED_FLAGS.md")
    parser.add_argument("--dev-only", action="store_true",
                        help="score the development split alone (for tuning: the sealed figures stay unseen); never writes")
    args = parser.parse_args(argv)
    splits = ("dev",) if args.dev_only else SPLITS
    report = run(args.misses, tuple(args.locale) if args.locale else None, splits)
    print(report)
    if not (args.no_write or args.dev_only):
        REPORT.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
