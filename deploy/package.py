"""Build the AWS Lambda deployment artifact: `<out>/lambda/` and a deterministic `<out>/spine-coach-lambda.zip`.

    python deploy/package.py [--out build] [--no-smoke-test]

What goes in:
- `lambda_function.py` at the root of the zip (the handler is `lambda_function.lambda_handler`);
- the `skill` package without `skill/local/` (offline voice, resolver, sounds), `skill/web/` (the self-hosted
  Flask endpoint), `skill/console/` (the local console) and `skill/__main__.py` (the command line that only
  dispatches to those), plus its package data from pyproject's `[tool.setuptools.package-data]` (the
  `skill/locale/` JSON);
- `ask-sdk-core` and `ask-sdk-model` at the versions pinned in pyproject.toml, with their dependencies.

The dependencies are installed with `pip install --target --only-binary=:all: --platform manylinux2014_x86_64
--implementation cp --python-version 3.11`: all of them are pure Python except charset-normalizer (pulled in
by requests), which ships mypyc-compiled wheels. The platform flags make the artifact the one Lambda
(python3.11, x86_64) needs whichever machine builds it (a Mac would otherwise bundle a macOS .so), and
`--only-binary` means no source build runs on the build machine. Transitive dependencies are constrained to the
versions installed in the environment running this script (the one `make test` tests), so a new release of,
say, urllib3 neither changes the artifact unnoticed nor breaks determinism.

boto3 is NOT bundled: the Lambda python3.11 runtime provides it (and botocore), and the skill only needs it
for the DynamoDB store, which is selected on Lambda.

The red-flag rules ship compiled (skill/core/safety/compiled.py): compiling some 85,000 indexed phrases would otherwise
land on a cold container's first utterance. They are pickled by the staged code itself, with the same fixed hash
seed as the bytecode, under a name derived from the rules and the engine's source, so a build is still byte-identical
and a stale file is never used.

Bytecode ships with the code: Lambda's code folder is read-only, so without `__pycache__` every cold start would
compile the skill and ask-sdk again (about 200 ms on top of the imports). It is compiled for Python 3.11 with
unchecked-hash invalidation (a deployed package never changes, and no build time goes into the files), paths as
Lambda sees them (/var/task) and a fixed hash seed, so two builds are still byte-identical.

After building, the zip is unpacked into a temporary folder and smoke-tested in isolation: `python -I -S`
with only the standard library and the unpacked artifact on sys.path answers a LaunchRequest and then a red flag
(the emergency number first, from the compiled rules it ships). Anything on
the Lambda import path that needs pyttsx3, yaml, flask, cryptography... (or boto3 while the SQLite store is
selected) fails the build with the chain of imports that reached it.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

from skill.alexa.envelopes import SKILL_ID, AlexaSession, intent, launch  # the same envelopes the tests and `talk` send

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = REPO / "pyproject.toml"
ARTIFACT_NAME = "spine-coach-lambda.zip"
STAGING_NAME = "lambda"

# What Lambda needs from pyproject's dependencies; the rest (pyttsx3, PyYAML, flask, gunicorn, cryptography,
# certifi for the web endpoint) serve the offline runner and the self-hosted endpoint.
LAMBDA_REQUIREMENTS = ("ask-sdk-core", "ask-sdk-model")
LAMBDA_PYTHON = "3.11"
PIP_PLATFORM_FLAGS = ("--only-binary=:all:", "--platform", "manylinux2014_x86_64", "--implementation", "cp",
                      "--python-version", LAMBDA_PYTHON)
EXCLUDED_SKILL_PACKAGES = ("local", "web", "console")  # directly under skill/
EXCLUDED_SKILL_PARTS = (*EXCLUDED_SKILL_PACKAGES, "__main__.py")

BYTECODE_SUFFIX = f".cpython-{LAMBDA_PYTHON.replace('.', '')}.pyc"
LAMBDA_TASK_ROOT = "/var/task"  # where Lambda unpacks the zip: the source paths the bytecode names
ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can say; the same for every build
ZIP_FILE_MODE = 0o100644  # regular file, readable by Lambda's sandbox user whatever the build machine's umask
DIST_INFO_KEPT = re.compile(r"^(METADATA|(LICEN[CS]E|COPYING|NOTICE|AUTHORS)[^/]*|licenses/.+)$")

# Modules the Lambda import path must never need (they are not in the artifact).
FORBIDDEN_MODULES = ("pyttsx3", "yaml", "flask", "werkzeug", "gunicorn", "cryptography", "cffi", "jinja2",
                     "boto3", "botocore", *(f"skill.{package}" for package in EXCLUDED_SKILL_PACKAGES))

SMOKE_USER = "amzn1.ask.account.PACKAGE-SMOKE-TEST"
SMOKE_RED_FLAG = "i can't feel my bum and i wet myself"
SMOKE_EMERGENCY_NUMBER = "911"  # the smoke test's requests are en-US
COMPILED_RULES_FOLDER = "skill/core/safety/compiled/"

EXIT_PIP_FAILED = 3  # tests tell "PyPI unreachable" from a broken build by this code
EXIT_SMOKE_FAILED = 4


class PackageError(Exception):
    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


# --- what to install ----------------------------------------------------------------------------------
def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pinned_requirements(pyproject: Path = PYPROJECT) -> list[str]:
    """`name==version` for each of LAMBDA_REQUIREMENTS, read from pyproject's dependencies (the one source)."""
    dependencies = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    pins: dict[str, str] = {}
    for line in dependencies:
        match = re.fullmatch(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:==\s*([^\s;,]+))?\s*", line)
        if match and canonical(match.group(1)) in LAMBDA_REQUIREMENTS:
            if not match.group(2):
                raise PackageError(f"{pyproject.name}: {line!r} must be pinned with == for a reproducible artifact")
            pins[canonical(match.group(1))] = match.group(2)
    missing = [name for name in LAMBDA_REQUIREMENTS if name not in pins]
    if missing:
        raise PackageError(f"{pyproject.name} does not list {', '.join(missing)} in [project] dependencies")
    return [f"{name}=={pins[name]}" for name in LAMBDA_REQUIREMENTS]


def environment_constraints(requirements: list[str]) -> list[str]:
    """`name==version` for every distribution in this environment, to hold transitive dependencies to the
    versions the test suite runs with. Refuses an environment whose pins disagree with pyproject.toml."""
    installed = {canonical(d.metadata["Name"]): d.version for d in importlib.metadata.distributions()
                 if d.metadata["Name"]}
    for requirement in requirements:
        name, version = requirement.split("==")
        if installed.get(name) != version:
            raise PackageError(f"pyproject.toml pins {requirement} but this environment has "
                               f"{installed.get(name, 'nothing')}: run `make setup` (or use `make package`)")
    return sorted(f"{name}=={version}" for name, version in installed.items() if name != "spine-coach")


# --- building ---------------------------------------------------------------------------------------------
def install_dependencies(target: Path, requirements: list[str], constraints: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        constraints_file = Path(tmp) / "constraints.txt"
        constraints_file.write_text("\n".join(constraints) + "\n", encoding="utf-8")
        command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                   "--no-compile", "--target", str(target), *PIP_PLATFORM_FLAGS,
                   "--constraint", str(constraints_file), *requirements]
        result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        offline = any(m in result.stderr for m in ("NewConnectionError", "name resolution", "Network is unreachable"))
        hint = "\n(pip could not reach the package index: offline, and the wheels are not in pip's cache)" \
            if offline else ""
        raise PackageError(f"pip could not install {' '.join(requirements)} for Lambda:\n{result.stdout}"
                           f"{result.stderr}{hint}", EXIT_PIP_FAILED)


def prune_dependencies(target: Path) -> None:
    """Drop what only pip and a shell need: console scripts, bytecode (compile_bytecode makes it again,
    reproducibly), and dist-info files beyond METADATA
    (importlib.metadata.version works) and the licences the packages ask to be shipped with them."""
    shutil.rmtree(target / "bin", ignore_errors=True)
    for cache in sorted(target.rglob("__pycache__"), reverse=True):
        shutil.rmtree(cache)
    for compiled in target.rglob("*.py[co]"):
        compiled.unlink()
    for dist_info in target.glob("*.dist-info"):
        for path in sorted(dist_info.rglob("*"), reverse=True):
            relative = path.relative_to(dist_info).as_posix()
            if path.is_file() and not DIST_INFO_KEPT.match(relative):
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()


def skill_files(repo: Path = REPO) -> list[Path]:
    """The skill package's modules and package data, as paths relative to the repo."""
    package_data = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"]["skill"]
    skill = repo / "skill"
    candidates = set(skill.rglob("*.py"))
    for pattern in package_data:
        candidates.update(skill.glob(pattern))
    kept = []
    for path in candidates:
        parts = path.relative_to(skill).parts
        if parts[0] in EXCLUDED_SKILL_PARTS or "__pycache__" in parts or not path.is_file():
            continue
        kept.append(path.relative_to(repo))
    return sorted(kept)


def stage(staging: Path, repo: Path = REPO) -> None:
    requirements = pinned_requirements(repo / "pyproject.toml")
    constraints = environment_constraints(requirements)
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    install_dependencies(staging, requirements, constraints)
    prune_dependencies(staging)
    if (staging / "skill").exists() or (staging / "lambda_function.py").exists():
        raise PackageError("a dependency installed a top-level `skill` or `lambda_function`: refusing to mix it")
    for relative in [Path("lambda_function.py"), *skill_files(repo)]:
        destination = staging / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(repo / relative, destination)
    compile_red_flag_rules(staging)
    compile_bytecode(staging)


COMPILE_RULES_SCRIPT = r'''
import sys
sys.path.insert(0, sys.argv[1])
from skill.core.content import load_document, supported_languages, supported_locales
from skill.core.safety import compiled
documents = {}
for locale in (*supported_locales(), *supported_languages()):  # a request's locale resolves to one of these
    document = load_document(locale, "red_flags")
    documents.setdefault(compiled.key(document), document)
for document in documents.values():
    print(compiled.write(document).name)
'''


def compile_red_flag_rules(staging: Path) -> None:
    """One compiled engine per distinct red_flags document, written by the staged code (see the module docstring)."""
    # Not -I: it implies -E, which would ignore the hash seed; the environment is a clean one instead. -B: the
    # bytecode is compileall's to write, reproducibly.
    command = [sys.executable, "-B", "-s", "-S", "-c", COMPILE_RULES_SCRIPT, str(staging)]
    result = subprocess.run(command, capture_output=True, text=True, cwd=staging,
                            env={"PYTHONHASHSEED": "0", "PATH": os.defpath, "LANG": "C.UTF-8"})
    if result.returncode != 0 or not result.stdout.strip():
        raise PackageError(f"could not compile the red-flag rules:\n{result.stdout}{result.stderr}")


def compile_bytecode(staging: Path) -> None:
    """`__pycache__` for every module, the same bytes on every build (see the module docstring)."""
    if sys.version_info[:2] != tuple(int(part) for part in LAMBDA_PYTHON.split(".")):
        raise PackageError(f"bytecode is built by the running Python ({sys.version.split()[0]}); Lambda runs "
                           f"{LAMBDA_PYTHON}: build with Python {LAMBDA_PYTHON}")
    command = [sys.executable, "-m", "compileall", "-q", "-j", "1", "--invalidation-mode", "unchecked-hash",
               "-s", str(staging), "-p", LAMBDA_TASK_ROOT, str(staging)]
    # A fixed hash seed: the order of frozenset constants in the bytecode follows the strings' hashes.
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    if result.returncode != 0:
        raise PackageError(f"could not compile the bytecode:\n{result.stdout}{result.stderr}")


def write_zip(staging: Path, artifact: Path) -> None:
    """Sorted entries, fixed timestamps and modes, no directory entries: the same input gives the same bytes."""
    files = sorted((p for p in staging.rglob("*") if p.is_file()), key=lambda p: p.relative_to(staging).as_posix())
    partial = artifact.with_name(artifact.name + ".partial")
    with zipfile.ZipFile(partial, "w") as archive:
        for path in files:
            info = zipfile.ZipInfo(path.relative_to(staging).as_posix(), date_time=ZIP_TIMESTAMP)
            info.create_system = 3  # unix, so external_attr carries the mode
            info.external_attr = ZIP_FILE_MODE << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes(), compresslevel=9)
    partial.replace(artifact)


def check_contents(artifact: Path) -> None:
    with zipfile.ZipFile(artifact) as archive:
        names = archive.namelist()
    required = ["lambda_function.py", "skill/alexa/app.py", "skill/locale/en/prompts.json", "ask_sdk_core/__init__.py",
                "ask_sdk_model/__init__.py"]
    problems = [f"missing {name}" for name in required if name not in names]
    if not any(name.startswith(COMPILED_RULES_FOLDER) and name.endswith(".pickle") for name in names):
        problems.append(f"missing the compiled red-flag rules in {COMPILED_RULES_FOLDER}")
    problems += [f"should not contain {name}" for name in names
                 if name.startswith((*(f"skill/{part}/" for part in EXCLUDED_SKILL_PACKAGES), "boto3/", "botocore/"))
                 or (name.endswith((".pyc", ".pyo")) and not name.endswith(BYTECODE_SUFFIX))]
    if problems:
        raise PackageError(f"{artifact.name}: " + "; ".join(problems))


# --- the smoke test ----------------------------------------------------------------------------------------
SMOKE_SCRIPT = r'''
import json, logging, sys, traceback
artifact, result_path, forbidden, events = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
sys.path.insert(0, artifact)
result = {"path": sys.path}
try:
    import lambda_function
    from skill.core.content import load_document
    from skill.core.safety import compiled

    errors = []

    class Collect(logging.Handler):
        def emit(self, record):
            errors.append(record.getMessage() + (" " + record.exc_info[0].__name__ if record.exc_info else ""))

    logging.getLogger().addHandler(Collect(level=logging.ERROR))
    result["responses"] = [lambda_function.lambda_handler(event, None) for event in events]
    result["errors"] = errors
    result["compiled_rules"] = compiled.load(load_document("en-US", "red_flags")) is not None
except BaseException as exc:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(artifact)]
    result["exception"] = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    result["chain"] = [f"{f.filename[len(artifact) + 1:]}:{f.lineno} ({(f.line or '').strip()})" for f in frames]
result["forbidden"] = sorted(m for m in sys.modules if any(m == f or m.startswith(f + ".") for f in forbidden))
result["outside"] = sorted(
    m.__name__ for m in list(sys.modules.values())
    if getattr(m, "__file__", None) and not m.__file__.startswith((artifact, sys.base_prefix)))
with open(result_path, "w", encoding="utf-8") as out:
    json.dump(result, out)
'''


def smoke_test(artifact: Path) -> dict:
    """Unzip the artifact and, with nothing but the stdlib and the artifact importable, answer a LaunchRequest and
    then a red flag in the same session; returns the launch's response."""
    if sys.version_info[:2] != tuple(map(int, LAMBDA_PYTHON.split("."))):
        raise PackageError(f"the smoke test needs Python {LAMBDA_PYTHON}, like Lambda; "
                           f"this is {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="spine-coach-smoke-") as tmp:
        root = Path(tmp).resolve()
        unpacked, db, result_path = root / "task", root / "x.db", root / "result.json"
        with zipfile.ZipFile(artifact) as archive:
            archive.extractall(unpacked)
        env = {"SPINE_COACH_STORE": "sqlite", "SPINE_COACH_DB": str(db), "SPINE_COACH_SKILL_IDS": SKILL_ID,
               "AWS_LAMBDA_FUNCTION_NAME": "spine-coach-package-smoke-test", "HOME": str(root), "TZ": "UTC",
               "LANG": "C.UTF-8", "PATH": os.defpath}
        session = AlexaSession(user_id=SMOKE_USER)
        events = [session.envelope(launch()),
                  session.envelope(intent("SymptomReportIntent", {"symptom": SMOKE_RED_FLAG}))]
        command = [sys.executable, "-I", "-S", "-c", SMOKE_SCRIPT, str(unpacked), str(result_path),
                   json.dumps(FORBIDDEN_MODULES), json.dumps(events)]
        run = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=120)
        output = f"--- stdout ---\n{run.stdout}--- stderr ---\n{run.stderr}"
        if run.returncode != 0 or not result_path.is_file():
            raise PackageError(f"smoke test crashed (exit {run.returncode})\n{output}", EXIT_SMOKE_FAILED)
        result = json.loads(result_path.read_text(encoding="utf-8"))
        problems = []
        if "exception" in result:
            problems.append(f"importing or calling lambda_handler raised {result['exception']}\n  import/call chain: "
                            + " -> ".join(result["chain"] or ["(outside the artifact)"]))
        if result["forbidden"]:
            problems.append(f"the Lambda path imported {', '.join(result['forbidden'])}")
        if result["outside"]:
            problems.append(f"modules loaded from outside the artifact and the stdlib: {', '.join(result['outside'])}")
        if "responses" in result:
            launched, red_flag = ((response.get("response") or {}).get("outputSpeech") or {}
                                  for response in result["responses"])
            if not (launched.get("ssml") or launched.get("text")):
                problems.append(f"the LaunchRequest got no outputSpeech: {json.dumps(result['responses'][0])[:500]}")
            said = re.sub(r"<[^>]+>", "", red_flag.get("ssml") or red_flag.get("text") or "")
            if SMOKE_EMERGENCY_NUMBER not in said.split(".")[0]:
                problems.append(f"{SMOKE_RED_FLAG!r} was not answered with {SMOKE_EMERGENCY_NUMBER} first: "
                                f"{said[:200]!r}")
            if not result["compiled_rules"]:
                problems.append(f"the compiled red-flag rules in {COMPILED_RULES_FOLDER} were not used "
                                "(missing or stale)")
            if result["errors"]:
                problems.append(f"errors were logged while answering: {result['errors']}")
            if not db.is_file():
                problems.append(f"the SQLite store at SPINE_COACH_DB was not written ({db.name} missing)")
        if problems:
            raise PackageError("smoke test failed:\n- " + "\n- ".join(problems) + f"\n{output}", EXIT_SMOKE_FAILED)
        return result["responses"][0]


# --- command line --------------------------------------------------------------------------------------------
def build(out: Path, smoke: bool = True) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    staging, artifact = out / STAGING_NAME, out / ARTIFACT_NAME
    stage(staging)
    write_zip(staging, artifact)
    check_contents(artifact)
    if smoke:
        response = smoke_test(artifact)
        speech = response["response"]["outputSpeech"]
        said = re.sub(r"<[^>]+>", "", speech.get("ssml") or speech.get("text") or "")
        print(f"smoke test passed: a LaunchRequest answered with stdlib + artifact only: {said[:80]!r}..., "
              f"and a red flag with {SMOKE_EMERGENCY_NUMBER} first from the compiled rules")
    return artifact


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "build",
                        help=f"output folder for {STAGING_NAME}/ and {ARTIFACT_NAME} (default: build/)")
    parser.add_argument("--no-smoke-test", dest="smoke", action="store_false",
                        help="skip answering a LaunchRequest from the unpacked artifact")
    args = parser.parse_args(argv)
    try:
        artifact = build(args.out.resolve(), smoke=args.smoke)
    except PackageError as error:
        print(f"package: {error}", file=sys.stderr)
        return error.exit_code
    with zipfile.ZipFile(artifact) as archive:
        entries = len(archive.namelist())
    size = artifact.stat().st_size
    print(f"{artifact} {size} bytes ({size / 1024 / 1024:.1f} MiB, {entries} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
