"""The benchmark harness works end to end: `python -m bench.run --quick` measures everything (with tiny counts) and
writes a well-formed RESULTS.md. Nothing here is timed and no figure is asserted: `make bench` reports figures,
it never fails on them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def tables(markdown: str) -> list[list[str]]:
    """Every table in `markdown`, as its lines."""
    found, current = [], []
    for line in markdown.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            found.append(current)
            current = []
    return found + ([current] if current else [])


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def test_quick_run_writes_a_well_formed_report(tmp_path):
    out = tmp_path / "RESULTS.md"
    # first_audio is skipped only to keep `make test` short: bench/first_audio.py has its own tests.
    run = subprocess.run([sys.executable, "-m", "bench.run", "--quick", "--skip", "first_audio", "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert f"Written to {out}" in run.stdout
    report = out.read_text(encoding="utf-8")

    assert report.startswith("# Benchmark results")
    machine = next(line for line in report.splitlines() if line.startswith("**Machine:**"))
    assert "cores" in machine and "Python 3." in machine and "ask-sdk-core" in machine and "UTC" in machine
    assert "quick mode" in report and "Skipped: first_audio" in report
    for title in ("## Summary", "## 1. Cold start", "## 2. Warm per-request latency",
                  "## 3. Throughput and latency under gunicorn", "## 4. The offline resolver"):
        assert title in report
    assert "## 5." not in report
    assert "measurement failed" not in report, report  # every measured program ran and answered normally

    found = tables(report)
    assert len(found) >= 7
    for lines in found:
        header = cells(lines[0])
        assert all(re.fullmatch(r"-{3,}", cell) for cell in cells(lines[1])), lines[:2]
        assert all(len(cells(line)) == len(header) for line in lines), lines

    summary = found[0]
    assert cells(summary[0]) == ["measurement", "ours", "baseline", "ratio", "target", "met"]
    rows = [cells(line) for line in summary[2:]]
    assert [row[0][:2] for row in rows] == ["1.", "2.", "3.", "4."]
    assert all(row[5] in ("met", "**not met**") for row in rows), rows  # each target judged, whatever the verdict


def test_quick_fault_run_writes_a_well_formed_report(tmp_path):
    """`python -m bench.faults --quick` runs the deployment through every fault and reports each one."""
    out = tmp_path / "FAULTS.md"
    run = subprocess.run([sys.executable, "-m", "bench.faults", "--quick", "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    report = out.read_text(encoding="utf-8")
    assert report.startswith("# Fault figures") and "quick mode" in report

    [lines] = tables(report)
    assert lines == tables(run.stdout)[0]  # what was printed is what was written
    assert cells(lines[0]) == ["fault", "requests", "answered", "apologies", "errors", "lost updates",
                               "time to recover", "slowest answer", "notes"]
    rows = [cells(line) for line in lines[2:]]
    assert [row[0] for row in rows] == ["1. corrupt database file", "2. bad row", "3. full disk", "4. slow clients",
                                        "5. killed workers"]
    for row in rows:
        assert "server did not start" not in row[8], row  # every fault was measured against a running server
        requests, answered, apologies = (int(cell) for cell in row[1:4])
        errors = int(row[4].split()[0])
        assert requests > 0 and answered + apologies + errors == requests, row
        assert re.fullmatch(r"\d+ of \d+( \(store unreadable\))?", row[5]), row
        assert re.fullmatch(r"no failure|\d+\.\d\d s|not recovered \(\d+ s\)", row[6]), row
        assert re.fullmatch(r"\d+\.\d\d s|-", row[7]), row
