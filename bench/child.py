"""Running one measurement in a fresh Python process, and telling a failed measurement from a harness crash."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Mapping

ROOT = Path(__file__).resolve().parents[1]
# Variables that would change which store the skill uses or how Python loads modules; the benchmark sets its own.
CLEARED = ("SPINE_COACH_STORE", "SPINE_COACH_TABLE", "SPINE_COACH_DB", "PYTHONPROFILEIMPORTTIME",
           "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")


class MeasurementFailed(Exception):
    """A measured program failed or answered wrongly: reported in RESULTS.md, not a crash of the harness."""


def environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in CLEARED}
    env.update(extra or {})
    return env


def run_module(module: str, arguments: list[str], env: Mapping[str, str] | None = None,
               timeout: float = 600) -> dict[str, Any]:
    """`python -m <module> <arguments> --out <file>` from the repository root; the JSON it writes to the file.
    Its stdout (Spine Coach's request log lines) is discarded; stderr is kept for the failure report."""
    with tempfile.TemporaryDirectory(prefix="bench-child-") as scratch:
        out = Path(scratch) / "result.json"
        try:
            process = subprocess.run([sys.executable, "-m", module, *arguments, "--out", str(out)], cwd=ROOT,
                                     env=environment(env), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     timeout=timeout)
        except subprocess.TimeoutExpired:
            raise MeasurementFailed(f"{module} did not finish within {timeout:g} s") from None
        if process.returncode != 0 or not out.exists():
            raise MeasurementFailed(f"{module} exited with {process.returncode}:\n"
                                    f"{process.stderr.decode(errors='replace')[-3000:]}")
        return json.loads(out.read_text(encoding="utf-8"))
