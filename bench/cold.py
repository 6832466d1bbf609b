"""Cold start: a fresh Python process imports `lambda_function` and answers one LaunchRequest, as a new Lambda
container does.

Each run is its own process, started the way Lambda's runtime would start it (the skill's folder as the working
directory and first on sys.path, AWS_LAMBDA_FUNCTION_NAME set, an empty SQLite folder like a new container's /tmp).
Two figures per run:
- whole process: wall time from starting the interpreter to its exit, measured by the parent (interpreter start,
  site, imports, the first call, shutdown);
- in-process: `import lambda_function` plus the first `lambda_handler` call, timed inside the child.
The event is read from a file before the in-process clock starts.

The main figures load modules from their bytecode caches, as any pip-installed environment does, and as the Lambda
zip from `make package` does (it ships reproducible bytecode). `measure(..., bytecode=False)` measures a zip
without it: Lambda cannot write bytecode (/var/task is read-only), so every cold start would compile everything.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Mapping

from bench.child import MeasurementFailed, environment

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = {"ours": ROOT, "baseline": ROOT / "bench" / "baseline"}
RUN_LIMIT_SECONDS = 60
SITE_STARTUP = ("_distutils_hack", "__editable__")  # loaded by site-packages' .pth files, not by the skill

CHILD = """
import json, sys, time
event = json.loads(open(sys.argv[1], encoding="utf-8").read())
started = time.perf_counter()
import lambda_function
reply = lambda_function.lambda_handler(event, None)
elapsed = time.perf_counter() - started
speech = ((reply.get("response") or {}).get("outputSpeech") or {}).get("ssml") or ""
result = {"in_process_ms": elapsed * 1000, "speech": speech}
if sys.argv[3:] == ["modules"]:
    result["module_files"] = [m.__file__ for m in list(sys.modules.values()) if getattr(m, "__file__", None)]
with open(sys.argv[2], "w", encoding="utf-8") as out:
    json.dump(result, out)
"""


def lambda_environment(scratch: Path, bytecode: bool = True) -> dict[str, str]:
    """The child's environment: Lambda's function name (so Spine Coach logs as on Lambda), SQLite in `scratch`,
    and, without `bytecode`, no bytecode written (Lambda's /var/task is read-only)."""
    env = environment({"AWS_LAMBDA_FUNCTION_NAME": "spine-coach-bench", "SPINE_COACH_DB": str(scratch / "state.db")})
    if not bytecode:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_once(kind: str, event_file: Path, python_flags: tuple[str, ...] = (), bytecode: bool = True,
             folder: Path | None = None, modules: bool = False, expect: str = "welcome") -> dict[str, Any]:
    """One cold start from `folder` (default: the skill's own). Raises MeasurementFailed if the process fails or
    its reply does not hold `expect` (a welcome, for a launch)."""
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as scratch:
        scratch_path = Path(scratch)
        result_file = scratch_path / "result.json"
        command = [sys.executable, *python_flags, "-c", CHILD, str(event_file), str(result_file),
                   *(["modules"] if modules else [])]
        started = time.perf_counter()
        try:
            process = subprocess.run(command, cwd=folder or FOLDERS[kind],
                                     env=lambda_environment(scratch_path, bytecode), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, timeout=RUN_LIMIT_SECONDS)
        except subprocess.TimeoutExpired:
            raise MeasurementFailed(f"{kind} cold start took over {RUN_LIMIT_SECONDS} s") from None
        wall_ms = (time.perf_counter() - started) * 1000
        if process.returncode != 0:
            raise MeasurementFailed(f"{kind} cold start exited with {process.returncode}: "
                                    f"{process.stderr.decode(errors='replace')[-2000:]}")
        result = json.loads(result_file.read_text(encoding="utf-8"))
    if expect not in result["speech"].lower():
        raise MeasurementFailed(f"{kind} did not answer with {expect!r}: {result['speech'][:200]!r}")
    return {**result, "wall_ms": wall_ms, "stderr": process.stderr.decode(errors="replace")}


def measure(event: Mapping[str, Any], runs: int, scratch: Path,
            bytecode: bool = True) -> dict[str, dict[str, list[float]]]:
    """`runs` cold starts of each skill, interleaved (the order alternating), after one untimed start each.

    With `bytecode`, each skill runs from its own folder and its modules load from their __pycache__ (written by
    the untimed start), as in any pip-installed environment. Without, each runs from a copy of just what it
    imports (its code and the dependencies it loads, as `make package` lays them out) with no bytecode, and none
    written: the skill and its dependencies are compiled on every start, the standard library is not, exactly
    as on Lambda with the zip `make package` builds."""
    event_file = scratch / "launch.json"
    event_file.write_text(json.dumps(event), encoding="utf-8")
    folders: dict[str, Path | None] = {kind: None for kind in FOLDERS}
    for kind in FOLDERS:
        if not bytecode:
            folders[kind] = lambda_like_folder(kind, event_file, scratch)
        run_once(kind, event_file, bytecode=bytecode, folder=folders[kind])
    figures: dict[str, dict[str, list[float]]] = {kind: defaultdict(list) for kind in FOLDERS}
    for index in range(runs):
        for kind in (("ours", "baseline") if index % 2 == 0 else ("baseline", "ours")):
            once = run_once(kind, event_file, bytecode=bytecode, folder=folders[kind])
            figures[kind]["wall_ms"].append(once["wall_ms"])
            figures[kind]["in_process_ms"].append(once["in_process_ms"])
    return {kind: dict(values) for kind, values in figures.items()}


def lambda_like_folder(kind: str, event_file: Path, scratch: Path, expect: str = "welcome") -> Path:
    """A folder laid out like the Lambda zip: the skill's lambda_function.py with every top-level package or module
    a cold start loads from the skill's folder or from site-packages, copied without bytecode."""
    loaded = [Path(file) for file in run_once(kind, event_file, modules=True, expect=expect)["module_files"]]
    site_packages = {parent for file in loaded for parent in file.parents if parent.name == "site-packages"}
    tops: dict[str, Path] = {}
    for file in loaded:
        # site-packages first: the virtualenv may live inside the skill's folder
        source = next((s for s in (*site_packages, FOLDERS[kind]) if file.is_relative_to(s)), None)
        if source is not None:
            top = file.relative_to(source).parts[0]
            if not top.startswith(SITE_STARTUP):
                tops.setdefault(top, source / top)
    folder = scratch / f"lambda-like-{kind}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, path in tops.items():
        if path.is_dir():
            shutil.copytree(path, folder / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif path.suffix != ".pyc":
            shutil.copy2(path, folder / name)
    return folder


_IMPORT_LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)$")


def import_profile(kind: str, event: Mapping[str, Any], scratch: Path, top: int = 15) -> str:
    """Where one cold start's import time goes (`python -X importtime`, imports during the first call included):
    own time summed by top-level package, and the slowest single imports with everything they pulled in."""
    event_file = scratch / "launch-profile.json"
    event_file.write_text(json.dumps(event), encoding="utf-8")
    lines = run_once(kind, event_file, ("-X", "importtime"))["stderr"].splitlines()
    own_by_package: dict[str, int] = defaultdict(int)
    imports = []
    for line in lines:
        match = _IMPORT_LINE.match(line)
        if match:
            own, cumulative, indent, module = int(match[1]), int(match[2]), len(match[3]), match[4]
            own_by_package[module.split(".")[0]] += own
            imports.append((cumulative, indent, module))
    total = sum(own_by_package.values())
    out = [f"Own import time by top-level package (total {total / 1000:.1f} ms):",
           *(f"{us / 1000:8.1f} ms  {package}" for package, us in
             sorted(own_by_package.items(), key=lambda item: -item[1])[:top]),
           "", "Slowest imports reached directly from the skill's modules (cumulative, with what they import):"]
    direct = _direct_third_party(imports)
    out += [f"{us / 1000:8.1f} ms  {module}" for us, module in direct[:top]]
    return "\n".join(out)


def _direct_third_party(imports: list[tuple[int, int, str]]) -> list[tuple[int, str]]:
    """Imports whose parent in the import tree is the skill's own code (lambda_function, skill.*), outside it:
    the dependencies the skill chose to load. -X importtime prints children before their parent, so the parent of
    a line is the next line below it with less indentation."""
    chosen = []
    for position, (cumulative, indent, module) in enumerate(imports):
        parent = next((name for _, other, name in imports[position + 1:] if other < indent), None)
        own_code = module == "lambda_function" or module.split(".")[0] == "skill"
        parent_is_ours = parent is not None and (parent == "lambda_function" or parent.split(".")[0] == "skill")
        if parent_is_ours and not own_code:
            chosen.append((cumulative, module))
    return sorted(chosen, reverse=True)
