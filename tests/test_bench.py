"""The benchmark harness works end to end: `python -m bench.run --quick` measures everything (with tiny counts) and
writes a well-formed RESULTS.md. Nothing here is timed and no figure is held to a target: `make bench` reports figures,
it never fails on them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

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
    # The timeout only guards against a hang: beside the heaviest tests on two cores the quick run has taken 105 s.
    run = subprocess.run([sys.executable, "-m", "bench.faults", "--quick", "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
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


def test_pacing_measures_one_routine_from_its_wavs(tmp_path):
    """`python -m bench.pacing --routine neck` runs the routine hands-free to its end and its figures hang together:
    the longest silence is the longest break it was given (an SSML hold or the runner's gap between turns) plus no
    more than espeak's own quiet around it."""
    out, figures_file = tmp_path / "PACING.md", tmp_path / "pacing.json"
    run = subprocess.run([sys.executable, "-m", "bench.pacing", "--routine", "neck", "--out", str(out),
                          "--json", str(figures_file), "--cache", str(tmp_path / "cache")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    if "not measured" in run.stdout:
        pytest.skip(run.stdout.strip())  # no espeak-ng: nothing to render
    report = out.read_text(encoding="utf-8")
    assert report.startswith("# Pacing of the routines")
    [lines] = tables(report)
    assert cells(lines[0])[:3] == ["routine", "welcome", "longest prompt before first stretch"]
    assert [cells(line)[0] for line in lines[2:]] == ["neck stretches"]
    assert all(len(cells(line)) == len(cells(lines[0])) for line in lines)

    data = json.loads(figures_file.read_text(encoding="utf-8"))
    assert data["about"]["package"] == str(ROOT / "skill")
    [neck] = data["routines"]
    assert neck["started"] == "neck" and neck["finished"] and neck["steps_heard"] == neck["steps"], neck
    assert neck["first_stretch_found"] and neck["aligned"], neck
    assert 0 < neck["welcome_longest_prompt_seconds"] <= neck["welcome_seconds"]
    assert (0 < neck["longest_prompt_before_first_stretch_seconds"] <= neck["speech_before_first_stretch_seconds"]
            <= neck["time_to_first_stretch_seconds"] < neck["total_seconds"])
    known_break = max([neck["longest_break_in_replies_seconds"], *neck["runner_gap_seconds"]])
    assert known_break > 0
    assert known_break <= neck["longest_silence_seconds"] <= known_break + 0.7, neck
    assert 0 < neck["longest_silence_stretching_seconds"] <= neck["longest_silence_seconds"]
    assert neck["total_seconds"] > neck["speech_seconds"] + known_break


@pytest.mark.skipif(not (sys.platform.startswith("linux") and shutil.which("espeak-ng")),
                    reason="real rendering needs espeak-ng (Linux)")
def test_pacing_finds_an_inserted_break_and_a_runner_gap(tmp_path):
    """A 3 s break inside a reply and a 2 s gap between turns, around real espeak sentences, are found as the two
    silences of the timeline (each with no more than espeak's own quiet around it), splitting it into three prompts."""
    from bench.pacing import Event, Recording, build_timeline, prompts, said_between, silences
    from skill.core.speech import Pause, Say
    from skill.local.audio.voice import Pyttsx3Renderer

    events = [Event("user", heard="start my neck stretches"),
              Event("reply", parts=[Say("Slide your chin back."), Pause(3.0), Say("And relax.")]),
              Event("gap", seconds=2.0),
              Event("reply", parts=[Say("Well done.")])]
    timeline = build_timeline(Recording("neck", "neck stretches", events, [], "neck", True),
                              Pyttsx3Renderer(tmp_path / "cache"), tmp_path)
    assert timeline.aligned
    end = timeline.samples.size / timeline.rate
    long_silences = sorted((run for run in silences(timeline, 0, end) if run[1] - run[0] >= 1),
                           key=lambda run: run[0])
    assert [round(finish - begin) for begin, finish in long_silences] == [3, 2]
    for (begin, finish), inserted in zip(long_silences, (3.0, 2.0)):
        assert inserted <= finish - begin <= inserted + 0.6
    assert [said_between(timeline, *run) for run in prompts(timeline, 0, end)] == [
        ["Slide your chin back."], ["And relax."], ["Well done."]]


def test_first_red_flag_measures_both_ways_and_saves_with_the_compiled_rules(tmp_path):
    """bench/first_red_flag.py: a cold process's first red flag from a Lambda-like folder with and without the
    compiled rules; both answer with the number (the bench checks), and the report has one row for each."""
    out = tmp_path / "FIRST_RED_FLAG.md"
    run = subprocess.run([sys.executable, "-m", "bench.first_red_flag", "--runs", "1", "--out", str(out)],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert out.is_file(), run.stderr[-2000:]
    rows = tables(out.read_text(encoding="utf-8"))[0][2:]
    assert [row.split("|")[1].strip() for row in rows] == ["compiled rules shipped",
                                                          "rules compiled at the first utterance"]
    assert re.search(r"saves -?\d+ ms", out.read_text(encoding="utf-8"))
