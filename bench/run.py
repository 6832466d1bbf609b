"""Measure Spine Coach against the hello-world ask-sdk-core baseline in one run, and write bench/RESULTS.md.

    python -m bench.run [--quick] [--out PATH] [--skip cold,warm,throughput,resolver,first_audio]

Five measurements, ours and the baseline side by side wherever there is a baseline, each in its own fresh
process(es): 1. cold start (bench/cold.py), 2. warm per-request latency (bench/warm.py), 3. throughput and latency
under gunicorn (bench/throughput.py), 4. the offline resolver (bench/resolver.py), 5. offline first audio
(bench/first_audio.py, when present). Each table gives medians, min-max (p99 where it matters), the ratio to the
baseline, the issue's target and whether it is met; where a target is not met, a profile says where the time goes.

It reports, it does not judge: the exit status is 0 whatever the figures, and a measurement that fails (a skill
that errors, a server that will not start) is written into RESULTS.md as such. Only a crash of the harness itself
exits non-zero. `--quick` runs everything with tiny counts (tests/test_bench.py), figures meaningless.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Sequence

if __package__ in (None, ""):  # run as a script (python bench/run.py): make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import cold, envelopes  # noqa: E402
from bench.child import ROOT, MeasurementFailed, run_module  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
FIRST_AUDIO = ROOT / "bench" / "first_audio.py"
MEASUREMENTS = ("cold", "warm", "throughput", "resolver", "first_audio")

# The targets.
COLD_MAX_RATIO = 1.1
WARM_MAX_RATIO = 1.0
THROUGHPUT_MIN_RATIO = 0.9
RESOLVER_MIN_PER_S = 5000
FIRST_AUDIO_MAX_MS = 100


@dataclass(frozen=True)
class Settings:
    cold_runs: int  # fresh processes per skill, with bytecode caches
    cold_source_runs: int  # and without (every module compiled, as from the Lambda zip)
    warm_calls: int  # timed calls per round and skill
    warm_rounds: int  # fresh processes per skill, alternating
    warm_warmup: int
    profile_calls: int
    load_seconds: float  # counted seconds per round and server
    load_warmup: float
    load_rounds: int
    web_calls: int  # in-process calls of each WSGI app
    resolver_passes: int
    quick: bool


FULL = Settings(cold_runs=15, cold_source_runs=5, warm_calls=5000, warm_rounds=2, warm_warmup=300,
                profile_calls=1000, load_seconds=6.0, load_warmup=1.0, load_rounds=3, web_calls=2000, resolver_passes=5,
                quick=False)
QUICK = Settings(cold_runs=1, cold_source_runs=1, warm_calls=30, warm_rounds=1, warm_warmup=5, profile_calls=20,
                 load_seconds=0.3, load_warmup=0.2, load_rounds=1, web_calls=20, resolver_passes=1, quick=True)


# --- figures ------------------------------------------------------------------------------------------------------
def figures(values: Sequence[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {"median": statistics.median(ordered), "p99": ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)],
            "min": ordered[0], "max": ordered[-1], "n": len(ordered)}


def number(value: float | None, decimals: int | None = None) -> str:
    if value is None:
        return "—"
    if decimals is None:
        decimals = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    return f"{value:,.{decimals}f}"


def span(values: dict[str, float], decimals: int | None = None) -> str:
    return f"{number(values['min'], decimals)}–{number(values['max'], decimals)}"


def ratio(ours: float, baseline: float) -> float:
    return ours / baseline if baseline else float("inf")


def verdict(met: bool | None) -> str:
    return "—" if met is None else "met" if met else "**not met**"


@dataclass
class Row:
    """One line of the summary table."""

    measurement: str
    ours: str
    baseline: str
    ratio: str
    target: str
    met: bool | None


@dataclass
class Section:
    title: str
    body: str
    summary: list[Row]
    facts: dict[str, Any] = field(default_factory=dict)  # for the report's other parts (e.g. request sizes)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def failed(title: str, error: Exception, rows: list[Row]) -> Section:
    for row in rows:
        row.ours, row.baseline, row.ratio, row.met = "failed", "", "", None
    return Section(title, f"**Not measured: the measurement failed.**\n\n```\n{str(error).strip()}\n```", rows)


# --- 1. cold start -----------------------------------------------------------------------------------------------
def cold_start(settings: Settings, scratch: Path) -> Section:
    title = "1. Cold start"
    row = Row("1. cold start: whole process, median", "", "", "", f"≤ {COLD_MAX_RATIO}×", None)
    launch = envelopes.launch_request(envelopes.user_id("cold start"))
    try:
        main = cold.measure(launch, settings.cold_runs, scratch)
        source = cold.measure(launch, settings.cold_source_runs, scratch, bytecode=False)
    except MeasurementFailed as error:
        return failed(title, error, [row])
    wall = {kind: figures(main[kind]["wall_ms"]) for kind in main}
    inside = {kind: figures(main[kind]["in_process_ms"]) for kind in main}
    source_wall = {kind: figures(source[kind]["wall_ms"]) for kind in source}
    source_inside = {kind: figures(source[kind]["in_process_ms"]) for kind in source}
    wall_ratio = ratio(wall["ours"]["median"], wall["baseline"]["median"])
    row.ours, row.baseline = f"{number(wall['ours']['median'])} ms", f"{number(wall['baseline']['median'])} ms"
    row.ratio, row.met = f"{wall_ratio:.2f}×", wall_ratio <= COLD_MAX_RATIO

    def lines(wall_figures: dict, inside_figures: dict) -> list[list[str]]:
        return [[name, f"{number(f['ours']['median'])} ({span(f['ours'])})",
                 f"{number(f['baseline']['median'])} ({span(f['baseline'])})",
                 f"{ratio(f['ours']['median'], f['baseline']['median']):.2f}×"]
                for name, f in (("whole process, wall", wall_figures),
                                ("import + first call, in-process", inside_figures))]

    header = ["ms, median (min–max)", "ours", "baseline", "ratio"]
    body = [
        f"A fresh `python` process per run, {settings.cold_runs} runs per skill interleaved (alternating which "
        "goes first) after one untimed run each: `import lambda_function` (ours: the repository's; baseline: "
        "bench/baseline's) and one LaunchRequest from the same Echo Show envelope "
        f"({envelopes.size(launch):,} bytes), with AWS_LAMBDA_FUNCTION_NAME set and an empty SQLite folder, as in a "
        "new Lambda container. *Whole process* is the parent's wall clock from start to exit (interpreter start-up "
        "and shutdown included); *in-process* is timed inside the child around the import and the call. Modules "
        "load from their bytecode caches, as in any pip-installed environment.",
        "", table(header, lines(wall, inside)), "",
        f"Target: whole process ≤ {COLD_MAX_RATIO}× the baseline: {verdict(row.met)} "
        f"({wall_ratio:.2f}×).", "",
        f"Without bytecode ({settings.cold_source_runs} runs each, informational, no target): what a Lambda zip "
        "with no `.pyc` files costs, since Lambda's /var/task is read-only and nothing compiled is kept. (The zip "
        "from `make package` ships reproducible bytecode for this reason, so on Lambda the figures above apply.) "
        "Here each skill runs from a copy of just what it imports (its code and the packages it loads from "
        "site-packages), without bytecode and writing none; the standard library keeps its caches, as Lambda's "
        "runtime does:", "",
        table(header, lines(source_wall, source_inside)),
    ]
    if not row.met:
        try:
            body += ["", "Where ours spends its import time (one cold start under `python -X importtime`, imports "
                     "during the first call included):", "", "```",
                     cold.import_profile("ours", launch, scratch), "```"]
        except MeasurementFailed as error:
            body += ["", f"The import profile failed: {error}"]
    return Section(title, "\n".join(body), [row])


# --- 2. warm per-request latency -------------------------------------------------------------------------------
def warm_environment(scratch: Path, name: str) -> dict[str, str]:
    return {"AWS_LAMBDA_FUNCTION_NAME": "spine-coach-bench", "SPINE_COACH_DB": str(scratch / f"{name}.db")}


def warm_path(settings: Settings, scratch: Path) -> Section:
    title = "2. Warm per-request latency"
    row = Row("2. warm `lambda_handler`, median", "", "", "", f"≤ {WARM_MAX_RATIO}×", None)
    samples: dict[str, list[int]] = {"ours": [], "baseline": []}
    details: dict[str, Any] = {}
    try:
        for index in range(settings.warm_rounds):
            for kind in (("ours", "baseline") if index % 2 == 0 else ("baseline", "ours")):
                result = run_module("bench.warm", [kind, "--calls", str(settings.warm_calls), "--warmup",
                                                   str(settings.warm_warmup)],
                                    warm_environment(scratch, f"warm-{kind}-{index}"))
                samples[kind] += result["samples_ns"]
                details[kind] = result
    except MeasurementFailed as error:
        return failed(title, error, [row])
    us = {kind: figures([ns / 1000 for ns in values]) for kind, values in samples.items()}
    median_ratio = ratio(us["ours"]["median"], us["baseline"]["median"])
    row.ours, row.baseline = f"{number(us['ours']['median'])} µs", f"{number(us['baseline']['median'])} µs"
    row.ratio, row.met = f"{median_ratio:.2f}×", median_ratio <= WARM_MAX_RATIO
    ours_bytes = details["ours"]["event_bytes"]
    body = [
        f"`lambda_handler(event, None)` called in-process, {settings.warm_rounds} fresh process(es) per skill "
        f"(alternating), each {settings.warm_warmup} untimed calls then {settings.warm_calls:,} timed ones "
        "(`time.perf_counter_ns` around the call only; each event a fresh dict parsed from its JSON, as Lambda hands "
        "it over). Lambda's environment: AWS_LAMBDA_FUNCTION_NAME set, so ours writes its JSON log line per "
        "request (to /dev/null here).",
        f"- **ours**: the repository's `lambda_function`, a mid-routine AMAZON.NextIntent from an Echo Show "
        f"({min(ours_bytes):,}–{max(ours_bytes):,} bytes), SQLite persistence on with the user's profile already "
        f"stored. The calls cycle through the {details['ours']['distinct_events']} mid-routine points of the "
        "lower-back routine (each one's session attributes as the skill itself left them), so every call is a "
        "real \"next\" that reads the profile and saves it whenever the turn changed it; every reply was checked "
        "(session open, routine running at the expected step, no apology).",
        f"- **baseline**: bench/baseline's hello world on its HelloWorldIntent "
        f"({envelopes.size(envelopes.baseline_intent()):,} bytes, the same Echo Show context); every reply "
        "checked.", "",
        table(["µs", "median", "p99", "min–max", "calls"],
              [[kind, number(f["median"]), number(f["p99"]), span(f), f"{f['n']:,}"] for kind, f in us.items()]
              + [["ratio", f"{median_ratio:.2f}×", f"{ratio(us['ours']['p99'], us['baseline']['p99']):.2f}×",
                  "", ""]]), "",
        f"Target: median ≤ {WARM_MAX_RATIO}× the baseline: {verdict(row.met)} ({median_ratio:.2f}×).",
    ]
    if not row.met:
        try:
            profile = run_module("bench.warm", ["ours", "--calls", str(settings.profile_calls), "--warmup",
                                                str(settings.warm_warmup), "--profile"],
                                 warm_environment(scratch, "warm-profile"))
            body += ["", f"Where ours spends it (cProfile over {settings.profile_calls:,} calls, so every figure is "
                     "inflated by the profiler's own overhead; own time first, µs per request):", "", "```",
                     profile["profile"], "```"]
        except MeasurementFailed as error:
            body += ["", f"The profile failed: {error}"]
    return Section(title, "\n".join(body), [row], {"ours_next_bytes": ours_bytes})


# --- 3. throughput under gunicorn --------------------------------------------------------------------------------
def throughput(settings: Settings, scratch: Path) -> Section:
    title = "3. Throughput and latency under gunicorn"
    row = Row("3. gunicorn requests/s (ours verifying, baseline not), median", "", "", "",
              f"≥ {THROUGHPUT_MIN_RATIO}×", None)
    try:
        result = run_module("bench.throughput", ["--seconds", str(settings.load_seconds), "--warmup",
                                                 str(settings.load_warmup), "--rounds", str(settings.load_rounds)])
        web = {kind: figures([ns / 1000 for ns in run_module("bench.web", [kind, "--calls", str(settings.web_calls),
                                                                          "--warmup", str(settings.warm_warmup)])
                              ["samples_ns"]]) for kind in ("ours", "baseline")}
    except MeasurementFailed as error:
        return failed(title, error, [row])
    rows, rates, latencies, cpu_per_request = [], {}, {}, {}
    for kind in ("ours", "baseline"):
        rounds = result[kind]
        if not all(r["requests"] for r in rounds):
            return failed(title, MeasurementFailed(f"{kind}: no request completed in a counted window; first "
                                                   f"failures: {[f for r in rounds for f in r['first_failures']]}"),
                          [row])
        rates[kind] = figures([r["requests_per_s"] for r in rounds])
        latency = latencies[kind] = figures([ns / 1e6 for r in rounds for ns in r["latencies_ns"]])
        requests = sum(r["requests"] for r in rounds)
        failures = sum(r["failures"] for r in rounds)
        server_cpu = [r["server_cpu_s"] for r in rounds if r["server_cpu_s"] is not None]
        machine_cpu = [r["machine_cpu_s"] for r in rounds if r.get("machine_cpu_s") is not None]
        counted = sum(r["seconds"] for r in rounds)
        client_cpu = sum(r["client_cpu_s"] for r in rounds) / sum(r["client_seconds"] for r in rounds)
        cpu_per_request[kind] = sum(server_cpu) / requests * 1e6 if server_cpu else None
        rows.append([f"{kind} ({'verification on' if kind == 'ours' else 'no verification'})",
                     f"{number(rates[kind]['median'])} ({span(rates[kind])})", number(latency["median"], 2),
                     number(latency["p99"], 2), span(latency, 2), f"{requests:,}", str(failures),
                     number(cpu_per_request[kind]),
                     f"{sum(server_cpu) / counted:.2f}" if server_cpu else "—", f"{client_cpu:.2f}",
                     f"{sum(machine_cpu) / counted:.2f}" if machine_cpu else "—"])
        if failures:
            rows[-1][6] = f"**{failures}**"
    throughput_ratio = ratio(rates["ours"]["median"], rates["baseline"]["median"])
    cpu_ratio = (f"{ratio(cpu_per_request['ours'], cpu_per_request['baseline']):.2f}×"
                 if None not in cpu_per_request.values() else "—")
    rows.append(["ratio (ours ÷ baseline)", f"{throughput_ratio:.2f}×",
                 f"{ratio(latencies['ours']['median'], latencies['baseline']['median']):.2f}×",
                 f"{ratio(latencies['ours']['p99'], latencies['baseline']['p99']):.2f}×", "", "", "", cpu_ratio,
                 "", "", ""])
    row.ours, row.baseline = f"{number(rates['ours']['median'])} req/s", f"{number(rates['baseline']['median'])} req/s"
    row.ratio, row.met = f"{throughput_ratio:.2f}×", throughput_ratio >= THROUGHPUT_MIN_RATIO
    failures = [f for kind in ("ours", "baseline") for r in result[kind] for f in r["first_failures"]]
    if failures:
        row.met = False
    outcomes = ", ".join(f"{name} {count:,}" for name, count in sorted(result["ours_log_outcomes"].items()))
    body = [
        "Both servers run at once on loopback, each `gunicorn --workers 2` (sync workers): ours is the production "
        "app `skill.web.wsgi:app`, configured by the environment as the README deploys it (skill id, SQLite file, "
        "signature and timestamp checks on, a test CA generated by tests/certificates.py as the trust root and its "
        "chain as the offline copy); the baseline is bench/baseline/wsgi.py, plain WSGI with no checks.", "",
        f"The load: 8 client processes with one connection each (8 requests in flight), every request's bytes "
        "built in advance, so a request costs the client a connect, a send and reads to end of stream (sync "
        f"workers close each connection). {settings.load_rounds} round(s) per server, alternating, each "
        f"{settings.load_warmup:g} s of warm-up then {settings.load_seconds:g} s counted; latency is connect to "
        "last byte. Every reply must be HTTP 200, complete, JSON and a normal answer (the baseline's hello; ours "
        "the expected next step of a running routine, no apology). Ours serves 8 users (one per connection) part "
        "way through the lower-back routine, set up over HTTP by the server itself, their requests signed at the "
        "start of each round with a fresh timestamp (inside Alexa's 150 s window).", "",
        table(["", "requests/s, median (min–max)", "latency median ms", "p99 ms", "min–max ms", "requests",
               "failures", "server CPU µs/request", "server cores busy", "client cores busy",
               "machine cores busy"], rows), "",
        f"Target: requests/s ≥ {THROUGHPUT_MIN_RATIO}× the baseline's: {verdict(row.met)} "
        f"({throughput_ratio:.2f}×).", "",
        f"- Cores busy are CPU seconds per counted second, from /proc: gunicorn's two workers (*server*), the "
        f"8 client processes (*client*), and all {result['cpu_count']} cores of the machine whatever ran on them "
        "(*machine*: the servers, the client, the kernel's loopback networking, and anything else running). "
        "The client shares the cores with the servers and costs each request about the same, which narrows the "
        "ratio a little; *server CPU µs/request* does not depend on the client.",
        "- With the machine well short of all its cores busy, the workers were waiting rather than computing (for "
        "ours: SQLite's commits and locks); with it near all of them, the run was CPU-bound, and *server cores "
        "busy* says how much of that the skill itself got.",
        f"- One signature check with the chain cached (`RequestVerifier.verify`: RSA signature, timestamp, skill "
        f"id), in-process: {number(result['signature_check_us'])} µs.",
        "- Each WSGI app called in-process (bench/web.py: no gunicorn, no sockets, no client; a fresh environ per "
        f"call, {settings.web_calls:,} calls after a warm-up, every reply checked), µs: ours (Flask, verification "
        f"on) median {number(web['ours']['median'])}, p99 {number(web['ours']['p99'])}; baseline (plain WSGI) "
        f"median {number(web['baseline']['median'])}, p99 {number(web['baseline']['p99'])}; ratio "
        f"{ratio(web['ours']['median'], web['baseline']['median']):.2f}×.",
        f"- Ours' request log over the whole run (set-up included): {outcomes or 'no lines'}.",
    ]
    if failures:
        body += ["", "First failures:", "", "```", *failures, "```"]
    if not row.met:
        try:
            profile = run_module("bench.web", ["ours", "--calls", str(settings.profile_calls), "--warmup",
                                               str(settings.warm_warmup), "--profile"])
            body += ["", f"Where ours' endpoint spends a request (its WSGI app in-process under cProfile, "
                     f"{settings.profile_calls:,} calls, figures inflated by the profiler; own time first, µs per "
                     "request):", "", "```", profile["profile"], "```"]
        except MeasurementFailed as error:
            body += ["", f"The profile failed: {error}"]
    return Section(title, "\n".join(body), [row])


# --- 4. resolver --------------------------------------------------------------------------------------------------
def resolver(settings: Settings) -> Section:
    title = "4. The offline resolver"
    row = Row("4. resolver utterances/s, median", "", "—", "—", f"≥ {RESOLVER_MIN_PER_S:,}/s", None)
    try:
        result = run_module("bench.resolver", ["--passes", str(settings.resolver_passes)])
    except MeasurementFailed as error:
        return failed(title, error, [row])
    rate = figures(result["utterances_per_s"])
    row.ours, row.met = f"{number(rate['median'])}/s", rate["median"] >= RESOLVER_MIN_PER_S
    total = sum(result["utterances"].values())
    correct = sum(result["correct"].values())
    accuracy_rows = [[name, f"{count:,}", f"{result['correct'].get(name, 0) / count:.1%}"]
                     for name, count in result["utterances"].items()]
    accuracy_rows.append(["all", f"{total:,}", f"{correct / total:.1%}"])
    build = figures(list(result["build_ms"].values()))
    body = [
        "`IntentResolver.for_locale(locale).resolve(utterance)` over every sample of every published locale's "
        f"interaction model ({', '.join(result['locales'])}), slots filled with a value of their type, each by its "
        "locale's resolver, plus tests/test_resolver.py's PARAPHRASES (never model samples) by en-US's: the same "
        f"cases the tests check. {settings.resolver_passes} whole pass(es), the resolvers already built (building "
        f"one takes {number(build['median'])} ms, {span(build)} over the locales).", "",
        table(["utterances", "count", "resolved to the expected intent"], accuracy_rows), "",
        table(["speed", "median", "min–max"], [["utterances/s", number(rate["median"]), span(rate)]]), "",
        f"Target: ≥ {RESOLVER_MIN_PER_S:,} utterances/s: {verdict(row.met)}.",
    ]
    misses = [miss for found in result["misses"].values() for miss in found]
    if misses:
        body += ["", "Some that missed:", "", *(f"- {miss}" for miss in misses)]
    return Section(title, "\n".join(body), [row])


# --- 5. first audio -----------------------------------------------------------------------------------------------
FIRST_AUDIO_CHILD = """
import json, sys
from bench.first_audio import measure
json.dump(measure(quick=sys.argv[1] == "quick"), open(sys.argv[2], "w", encoding="utf-8"))
"""


def first_audio(settings: Settings, scratch: Path) -> Section:
    title = "5. Offline first audio"
    row = Row("5. first audio after Enter, median", "", "—", "—", f"≤ {FIRST_AUDIO_MAX_MS} ms", None)
    if not FIRST_AUDIO.exists():
        row.ours = "not measured"
        return Section(title, "Not measured: bench/first_audio.py is not there.", [row])
    out = scratch / "first-audio.json"
    try:
        process = subprocess.run([sys.executable, "-c", FIRST_AUDIO_CHILD, "quick" if settings.quick else "full",
                                  str(out)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                 timeout=600)
        if process.returncode != 0 or not out.exists():
            raise MeasurementFailed(f"bench/first_audio.py measure() failed ({process.returncode}):\n"
                                    f"{process.stderr.decode(errors='replace')[-3000:]}")
    except subprocess.TimeoutExpired:
        return failed(title, MeasurementFailed("bench/first_audio.py took over 600 s"), [row])
    except MeasurementFailed as error:
        return failed(title, error, [row])
    result = json.loads(out.read_text(encoding="utf-8"))
    if "skipped" in result:
        row.ours = "skipped"
        return Section(title, f"Not measured: {result['skipped']}.", [row])
    median = result.get("median_ms")
    row.ours = f"{number(median)} ms" if median is not None else "?"
    row.met = median <= FIRST_AUDIO_MAX_MS if median is not None else None
    lines = []
    for name, figures_ in (("all turns", result), ("cold cache", result.get("cold")), ("warm cache",
                                                                                     result.get("warm"))):
        if isinstance(figures_, dict) and figures_.get("median_ms") is not None:
            lines.append([name, number(figures_["median_ms"]),
                          f"{number(figures_.get('min_ms'))}–{number(figures_.get('max_ms'))}",
                          number(figures_.get("p90_ms")), str(figures_.get("samples", "—"))])
    body = [
        "bench/first_audio.py's `measure()` (its docstring defines the moment exactly: from the typed line being "
        "submitted to the first PCM samples of the reply being available to the player), run in a fresh process; "
        f"voice: {result.get('voice', '?')}; player: {result.get('player', '?')}.", "",
        table(["ms", "median", "min–max", "p90", "turns"], lines), "",
        f"Target: ≤ {FIRST_AUDIO_MAX_MS} ms after Enter: {verdict(row.met)}.",
    ]
    cases = result.get("cases") or []
    if cases:
        body += ["", table(["turn", "heard", "cold cache median ms", "warm cache median ms"],
                           [[str(c.get("case")), f"\"{c.get('heard')}\"", number(c.get("cold_median_ms")),
                             number(c.get("warm_median_ms"))] for c in cases])]
    if isinstance(result.get("profile"), dict):
        body += ["", "Where the time goes (medians): " + ", ".join(f"{name} {value}" for name, value in
                                                                   result["profile"].items()) + "."]
    return Section(title, "\n".join(body), [row])


# --- the report ---------------------------------------------------------------------------------------------------
def machine_line() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    try:
        release = dict(line.split("=", 1) for line in Path("/etc/os-release").read_text().splitlines() if "=" in line)
        system = f"{release['PRETTY_NAME'].strip(chr(34))}, {system}"
    except (OSError, KeyError):
        pass
    versions = ", ".join(f"{name} {_version(name)}" for name in ("ask-sdk-core", "ask-sdk-model", "gunicorn", "flask"))
    return (f"**Machine:** {model}, {os.cpu_count()} cores; Python {platform.python_version()}; {system}; "
            f"{versions}; SQLite files in {tempfile.gettempdir()} ({_filesystem(tempfile.gettempdir())}); "
            f"{datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC; {_revision()}.")


def _filesystem(path: str) -> str:
    """The type of the filesystem holding `path` (commits cost what its fsync costs), from /proc/mounts."""
    try:
        mounts = [line.split()[1:3] for line in Path("/proc/mounts").read_text().splitlines()]
    except OSError:
        return "filesystem unknown"
    resolved = Path(path).resolve()
    matching = [(len(point), kind) for point, kind in mounts if resolved.is_relative_to(point)]
    return max(matching)[1] if matching else "filesystem unknown"


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def _revision() -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "revision unknown"
    return f"commit {commit}{' with uncommitted changes' if dirty else ''}" if commit else "revision unknown"


def report(sections: list[Section], settings: Settings, seconds: float, skipped: Sequence[str]) -> str:
    rows = [row for section in sections for row in section.summary]
    sizes = next((section.facts["ours_next_bytes"] for section in sections if "ours_next_bytes" in section.facts),
                 None)
    next_bytes = f"{min(sizes):,}–{max(sizes):,}" if sizes else "not measured"
    head = [
        "# Benchmark results", "",
        "Written by `make bench` (`python -m bench.run`); do not edit by hand.", "",
        machine_line(), "",
        f"**Run:** {'quick mode (`--quick`): tiny counts, the figures mean nothing' if settings.quick else 'full'}"
        f", {seconds / 60:.1f} min.{' Skipped: ' + ', '.join(skipped) + '.' if skipped else ''}", "",
        "**Baseline:** bench/baseline/, ask-sdk-core's hello-world skill as its users write it (LaunchRequest, "
        "HelloWorldIntent, Help, Stop/Cancel, Fallback and SessionEnded handlers; `lambda_handler = "
        "sb.lambda_handler()`), served by gunicorn as a plain WSGI app with no verification (plain WSGI rather than "
        "Flask, which would only add to the baseline's cost per request: the strictest comparison for ours, which "
        "runs on Flask). Ratios are ours ÷ baseline, from the same run.", "",
        "## Summary", "",
        table(["measurement", "ours", "baseline", "ratio", "target", "met"],
              [[r.measurement, r.ours, r.baseline, r.ratio, r.target, verdict(r.met)] for r in rows]), "",
        "## The requests", "",
        table(["request", "bytes (compact JSON)", "what is in it"], [
            ["baseline: HelloWorldIntent", f"{envelopes.size(envelopes.baseline_intent()):,}",
             "Echo Show context (System with ~200-character user and device ids and a ~1 KB JWT apiAccessToken, "
             "Viewport, Viewports, APL and AudioPlayer interfaces, Extensions, AudioPlayer state), a session with 5 "
             "attributes"],
            ["both: LaunchRequest (cold start)", f"{envelopes.size(envelopes.launch_request()):,}",
             "the same context, a new session"],
            ["ours: AMAZON.NextIntent mid-routine", next_bytes,
             "the same context; session attributes as ours left them: the routine in progress, the last speech "
             "(SSML) and reprompt"],
        ]),
    ]
    parts = head + [part for section in sections for part in ("", f"## {section.title}", "", section.body)]
    return "\n".join(parts) + "\n"


def summary_text(sections: list[Section], out: Path) -> str:
    lines = ["Benchmark: ours vs the hello-world ask-sdk-core baseline"]
    for section in sections:
        for row in section.summary:
            figures_ = f"{row.ours}" + (f" vs {row.baseline}" if row.baseline and row.baseline != "—" else "")
            ratio_ = f" = {row.ratio}" if row.ratio and row.ratio != "—" else ""
            judged = verdict(row.met).strip("*")
            lines.append(f"  {row.measurement}: {figures_}{ratio_} (target {row.target}: {judged})")
    lines.append(f"Written to {out}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny counts: proves the harness works, nothing more")
    parser.add_argument("--out", type=Path, default=RESULTS, help=f"where to write the report (default {RESULTS})")
    parser.add_argument("--skip", default="", help=f"comma-separated, of: {', '.join(MEASUREMENTS)}")
    args = parser.parse_args(argv)
    skipped = [name.strip() for name in args.skip.split(",") if name.strip()]
    unknown = set(skipped) - set(MEASUREMENTS)
    if unknown:
        parser.error(f"unknown measurement(s) to skip: {', '.join(sorted(unknown))}")
    settings = QUICK if args.quick else FULL
    started = time.perf_counter()
    steps: list[tuple[str, Callable[[Path], Section]]] = [
        ("cold", lambda scratch: cold_start(settings, scratch)),
        ("warm", lambda scratch: warm_path(settings, scratch)),
        ("throughput", lambda scratch: throughput(settings, scratch)),
        ("resolver", lambda scratch: resolver(settings)),
        ("first_audio", lambda scratch: first_audio(settings, scratch)),
    ]
    sections = []
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        for name, step in steps:
            if name in skipped:
                continue
            print(f"measuring: {name} ...", file=sys.stderr, flush=True)
            sections.append(step(Path(scratch)))
    text = report(sections, settings, time.perf_counter() - started, skipped)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    partial = args.out.with_name(args.out.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(args.out)
    print(summary_text(sections, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
