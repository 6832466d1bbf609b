"""A cold container's first red flag: a fresh process whose first request is a red flag ("I can't feel my bum and I
wet myself", a new session), answered from a folder laid out like the Lambda zip, with the compiled red-flag rules
the package ships (skill/core/safety/compiled.py) and without them (the rules compiled at that first utterance).

    python -m bench.first_red_flag [--runs N] [--out bench/FIRST_RED_FLAG.md]

Both folders carry bytecode (written by an untimed start each), as the zip does; runs alternate between them. The
figure is the in-process time of `import lambda_function` plus that first call (bench/cold.py's child). It reports
and always exits 0 unless the harness itself breaks.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import cold
from bench.child import MeasurementFailed
from skill.alexa.envelopes import AlexaSession, intent

ROOT = Path(__file__).resolve().parents[1]
RED_FLAG = "i can't feel my bum and i wet myself"
EXPECT = "911"  # en-US envelopes: the emergency number must be in the answer
WRITE_COMPILED = """
import sys
sys.path.insert(0, sys.argv[1])
from skill.core.content import load_document
from skill.core.safety import compiled
compiled.write(load_document("en-US", "red_flags"))
"""


def measure(runs: int, scratch: Path) -> dict[str, list[float]]:
    event_file = scratch / "red-flag.json"
    event = AlexaSession(user_id="amzn1.ask.account.BENCH-FIRST-RED-FLAG").envelope(
        intent("SymptomReportIntent", {"symptom": RED_FLAG}))
    event_file.write_text(json.dumps(event), encoding="utf-8")
    compiling = cold.lambda_like_folder("ours", event_file, scratch, expect=EXPECT)
    shipped = scratch / "lambda-like-compiled"
    shutil.copytree(compiling, shipped)
    subprocess.run([sys.executable, "-B", "-c", WRITE_COMPILED, str(shipped)], cwd=shipped, check=True)
    folders = {"compiled rules shipped": shipped, "rules compiled at the first utterance": compiling}
    for folder in folders.values():  # untimed: writes the bytecode the zip ships
        cold.run_once("ours", event_file, folder=folder, expect=EXPECT)
    figures: dict[str, list[float]] = {name: [] for name in folders}
    for index in range(runs):
        order = list(folders) if index % 2 == 0 else list(reversed(folders))
        for name in order:
            once = cold.run_once("ours", event_file, folder=folders[name], expect=EXPECT)
            figures[name].append(once["in_process_ms"])
    return figures


def report(figures: dict[str, list[float]], runs: int) -> str:
    lines = ["# A cold container's first red flag", "",
             f"`python -m bench.first_red_flag --runs {runs}` on {platform.machine()}, Python "
             f"{platform.python_version()}, {platform.system()}. A fresh process per run whose first request is "
             f"{RED_FLAG!r} (SymptomReportIntent, new session, en-US), from a folder laid out like the Lambda zip "
             "with bytecode; in-process time of `import lambda_function` and that call. Runs alternate.", "",
             "| | median | min–max |", "|---|---|---|"]
    for name, values in figures.items():
        lines.append(f"| {name} | {statistics.median(values):.0f} ms | {min(values):.0f}–{max(values):.0f} ms |")
    shipped, compiling = (statistics.median(values) for values in figures.values())
    lines += ["", f"Shipping the compiled rules saves {compiling - shipped:.0f} ms at a cold container's first red "
              "flag, and at its first request with any slot value (every slot value is screened)."]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "FIRST_RED_FLAG.md")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-first-red-flag-") as scratch:
        try:
            figures = measure(args.runs, Path(scratch))
        except MeasurementFailed as failure:
            print(f"first red flag: not measured: {failure}", file=sys.stderr)
            return 0
    text = report(figures, args.runs)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
