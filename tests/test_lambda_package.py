"""The Lambda artifact deploy/package.py builds: what it holds, that it is byte-for-byte reproducible, and that
it answers a LaunchRequest on its own (the script's smoke test, stdlib + artifact only).

pip installs ask-sdk-core and ask-sdk-model from PyPI or its cache. Without either, the tests are skipped
with the reason; any other failure fails them."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "deploy" / "package.py"
ARTIFACT = "spine-coach-lambda.zip"
EXIT_PIP_FAILED = 3  # deploy/package.py
NETWORK_ERRORS = ("NewConnectionError", "Failed to establish a new connection", "Temporary failure in name resolution",
                  "Name or service not known", "Network is unreachable", "ConnectTimeout", "ReadTimeoutError",
                  "Max retries exceeded", "No route to host", "Connection refused")


def _build(out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, str(SCRIPT), "--out", str(out), *args], capture_output=True,
                            text=True, timeout=300)
    output = result.stdout + result.stderr
    if result.returncode == EXIT_PIP_FAILED and any(marker in output for marker in NETWORK_ERRORS):
        pytest.skip(f"PyPI is unreachable and pip's cache lacks the pinned wheels:\n{output[-600:]}")
    assert result.returncode == 0, output
    return result


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path, Path]:
    """Two independent builds; the first with its smoke test."""
    first, second = tmp_path_factory.mktemp("build-a"), tmp_path_factory.mktemp("build-b")
    result = _build(first)
    _build(second, "--no-smoke-test")
    return result, first / ARTIFACT, second / ARTIFACT


@pytest.fixture(scope="module")
def names(builds: tuple[subprocess.CompletedProcess[str], Path, Path]) -> list[str]:
    with zipfile.ZipFile(builds[1]) as archive:
        return archive.namelist()


def test_smoke_test_answered_a_launch_request(builds: tuple[subprocess.CompletedProcess[str], Path, Path]) -> None:
    result, artifact, _ = builds
    assert "smoke test passed" in result.stdout
    assert "a red flag with 911 first from the compiled rules" in result.stdout
    assert f"{artifact} {artifact.stat().st_size} bytes" in result.stdout


def test_handler_skill_and_content_are_in_the_zip(names: list[str]) -> None:
    for required in ("lambda_function.py", "skill/__init__.py", "skill/alexa/app.py", "skill/locale/en/prompts.json",
                     "skill/locale/en/advice.json", "skill/locale/en-US/locale.json", "skill/locale/sources.json",
                     "ask_sdk_core/__init__.py", "ask_sdk_model/__init__.py", "ask_sdk_runtime/__init__.py"):
        assert required in names, required


def test_the_skill_package_is_complete(names: list[str]) -> None:
    """Every module and locale file of the skill except the offline runner, the web endpoint, the console and the
    CLI."""
    expected = {p.relative_to(REPO).as_posix() for p in (REPO / "skill").rglob("*")
                if p.suffix in (".py", ".json") and "__pycache__" not in p.parts
                and not p.relative_to(REPO / "skill").as_posix().startswith(("local/", "web/", "console/", "__main__.py"))}
    shipped = {n for n in names if n.startswith("skill/") and "__pycache__/" not in n}
    # One compiled engine: every locale shares the language's red_flags document today.
    compiled_rules = {n for n in shipped if n.startswith("skill/core/safety/compiled/")}
    assert len(compiled_rules) == 1 and re.fullmatch(r"skill/core/safety/compiled/red_flags-[0-9a-f]{24}\.pickle",
                                                     compiled_rules.pop())
    assert {n for n in shipped if not n.startswith("skill/core/safety/compiled/")} == expected


def test_every_module_ships_its_bytecode_unchecked(names: list[str], builds) -> None:
    """Lambda's code folder is read-only: without bytecode in the zip every cold start compiles everything."""
    modules = [n for n in names if n.endswith(".py")]
    compiled = {n for n in names if "__pycache__/" in n}
    with zipfile.ZipFile(builds[1]) as archive:
        for module in modules:
            folder, _, stem = module.rpartition("/")
            pyc = f"{folder}/__pycache__/{stem[:-3]}.cpython-311.pyc".lstrip("/")
            assert pyc in compiled, module
        for pyc in sorted(compiled)[:50]:
            header = archive.read(pyc)[:16]
            assert header[:4] == importlib.util.MAGIC_NUMBER, pyc
            assert int.from_bytes(header[4:8], "little") == 0b01, pyc  # hash-based, source never checked
    assert len(compiled) == len(modules)


def test_what_lambda_does_not_need_stays_out(names: list[str]) -> None:
    assert not [n for n in names if n.startswith(("skill/local/", "skill/web/", "skill/console/"))]
    assert "skill/__main__.py" not in names
    assert not [n for n in names if n.endswith(".pyo") or (n.endswith(".pyc") and not n.endswith(".cpython-311.pyc"))]
    assert not [n for n in names if n.startswith("bin/")]
    top_level = {n.split("/")[0] for n in names}
    for absent in ("boto3", "botocore", "yaml", "pyttsx3", "flask", "werkzeug", "gunicorn", "cryptography",
                   "tests", "interaction_models", "audio"):
        assert absent not in top_level, absent
    junk = [n for n in names if ".dist-info/" in n and n.split(".dist-info/")[1] in
            ("RECORD", "INSTALLER", "REQUESTED", "WHEEL", "direct_url.json", "top_level.txt", "entry_points.txt")]
    assert junk == []


def test_zip_entries_are_sorted_with_fixed_times_and_modes(
        builds: tuple[subprocess.CompletedProcess[str], Path, Path]) -> None:
    with zipfile.ZipFile(builds[1]) as archive:
        infos = archive.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


def test_two_builds_are_byte_identical(builds: tuple[subprocess.CompletedProcess[str], Path, Path]) -> None:
    _, first, second = builds
    assert first.read_bytes() == second.read_bytes()


def test_staging_folder_matches_the_zip(builds: tuple[subprocess.CompletedProcess[str], Path, Path],
                                        names: list[str]) -> None:
    staging = builds[1].parent / "lambda"
    assert sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()) == names
