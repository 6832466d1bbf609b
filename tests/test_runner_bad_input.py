"""`python -m skill talk` given a `--db` path or a routine file it cannot use: one line on stderr naming the path
and the problem, exit status 2, never a traceback. Each case runs the real command in a subprocess."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from skill.local.routine_file import MAX_FILE_BYTES, MAX_NESTING

PROJECT = Path(__file__).resolve().parents[1]
GOOD_ROUTINE = "steps:\n  - a prevention tip\n"


def talk(*args: str, fast: bool = True) -> subprocess.CompletedProcess[str]:
    speed = ["--fast"] if fast else []  # a fast run keeps its changes out of the --db file (see test_talk.py)
    return subprocess.run([sys.executable, "-m", "skill", "talk", *speed, "--no-voice", *args],
                          capture_output=True, text=True, cwd=PROJECT, stdin=subprocess.DEVNULL, timeout=60)


def stderr_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def assert_refused_in_one_line(result: subprocess.CompletedProcess[str], starts: Path | str, words: str) -> None:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, result.stderr
    assert stderr_lines(result) == [result.stderr.strip()], result.stderr
    assert result.stderr.startswith(str(starts)) and words in result.stderr, result.stderr
    assert result.stdout == ""  # nothing was played


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def _write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def _symlink_loop(path: Path) -> Path:
    path.symlink_to(path.name)
    return path


def _under_a_file(tmp_path: Path, depth: int) -> Path:
    (tmp_path / "notes.txt").write_text("not a folder")
    return tmp_path.joinpath("notes.txt", *["inner"] * (depth - 1), "state.db")


def _read_only_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    return folder / "state.db"


BAD_DB_PATHS: dict[str, tuple[Callable[[Path], Path | str], str]] = {
    # name: (makes the path, words the line must contain)
    "a folder": (lambda tmp: tmp, "this is a folder"),
    "a path under a file": (lambda tmp: _under_a_file(tmp, 1), "notes.txt is a file, not a folder"),
    "a path two folders under a file": (lambda tmp: _under_a_file(tmp, 2), "notes.txt is a file, not a folder"),
    "/dev/null": (lambda tmp: "/dev/null", "this is a device or pipe"),
    "/dev/zero": (lambda tmp: "/dev/zero", "this is a device or pipe"),
    "random bytes": (lambda tmp: _write_bytes(tmp / "state.db", os.urandom(8192)), "not an SQLite database"),
    "someone's notes": (lambda tmp: _write(tmp / "notes.txt", "shopping: milk\n"), "not an SQLite database"),
    "a symlink loop": (lambda tmp: _symlink_loop(tmp / "loop.db"), "Too many levels of symbolic links"),
}


@pytest.mark.parametrize(("make", "words"), BAD_DB_PATHS.values(), ids=BAD_DB_PATHS.keys())
def test_a_bad_db_path_is_refused_in_one_line(tmp_path: Path, make, words: str) -> None:
    path = make(tmp_path)
    before = sorted(tmp_path.rglob("*"))
    assert_refused_in_one_line(talk("--db", str(path), "a prevention tip"), path, words)
    assert sorted(tmp_path.rglob("*")) == before  # refused files are left as they were, and nothing is created


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write to any folder")
def test_a_read_only_folder_is_refused_in_one_line(tmp_path: Path) -> None:
    path = _read_only_folder(tmp_path)
    assert_refused_in_one_line(talk("--db", str(path), "a prevention tip"), path, "is not writable")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc, where no file can be created")
@pytest.mark.parametrize("path", ["/proc/spine-coach.db", "/proc/spine-coach/state.db"])
def test_a_folder_where_no_file_can_be_created_is_refused_in_one_line(path: str) -> None:
    # Even root cannot create a file here, so SQLite's own refusal is what the line reports.
    assert_refused_in_one_line(talk("--db", path, "a prevention tip"), path, "cannot be used as the progress file")


def test_missing_folders_of_the_db_path_are_created(tmp_path: Path) -> None:
    path = tmp_path / "new" / "folders" / "state.db"
    result = talk("--db", str(path), "a prevention tip", fast=False)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert sqlite3.connect(path).execute("SELECT count(*) FROM attributes").fetchone() == (1,)


def test_a_damaged_sqlite_file_is_moved_aside_with_one_line_and_the_runner_carries_on(tmp_path: Path) -> None:
    """A file that is SQLite but damaged inside is the store's to recover, as on the server: moved aside, so the
    old bytes are kept, and a fresh file used."""
    path = tmp_path / "state.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE attributes (id TEXT PRIMARY KEY, data TEXT NOT NULL)")
        db.executemany("INSERT INTO attributes VALUES (?, ?)", [(f"user-{n}", "{}" * 200) for n in range(200)])
    db.close()
    damaged = bytearray(path.read_bytes())
    damaged[100:] = os.urandom(len(damaged) - 100)  # SQLite's header kept, every page destroyed
    path.write_bytes(bytes(damaged))
    result = talk("--db", str(path), "a prevention tip")
    assert "Traceback" not in result.stderr and result.returncode == 0, result.stderr
    assert len(stderr_lines(result)) == 1 and "moved aside" in result.stderr, result.stderr
    assert [aside.read_bytes() for aside in tmp_path.glob("state.db.corrupt-*")] == [bytes(damaged)]
    assert result.stdout.startswith("Spine Coach: ")  # the tip was given from the fresh file


def _nested_json(depth: int) -> str:
    return "[" * depth + "]" * depth


def _nested_yaml(depth: int) -> str:
    return "- " * depth + "x\n"


def _billion_laughs(at_top: bool) -> str:
    """Nine levels of nine aliases each: 387,420,489 strings if anything expanded them."""
    levels = ['&l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"&l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]" for n in range(1, 10)]
    if at_top:  # each level a key of its own, the routine the last one
        return "".join(f"k{n}: {level}\n" for n, level in enumerate(levels)) + "steps: *l9\n"
    return "steps:\n" + "".join(f"  - {level}\n" for level in levels)


BAD_ROUTINES: dict[str, tuple[Callable[[Path], Path | str], int | None, str]] = {
    # name: (makes the file, line in the message or None, words the message must contain)
    "JSON nested 100,000 deep": (lambda p: _write(p, _nested_json(100_000)), None, "larger than"),
    "YAML nested 100,000 deep": (lambda p: _write(p, _nested_yaml(100_000)), None, "larger than"),
    "JSON nested deep, under the size limit": (lambda p: _write(p, "{\"steps\":\n" + _nested_json(30_000) + "}"), 2,
                                               f"nested more than {MAX_NESTING} deep"),
    "YAML nested deep, under the size limit": (lambda p: _write(p, "steps:\n" + _nested_yaml(20_000)), 2,
                                               f"nested more than {MAX_NESTING} deep"),
    "huge": (lambda p: _write(p, GOOD_ROUTINE + "# padding\n" * (MAX_FILE_BYTES // 10 + 1)), None, "larger than"),
    "/dev/zero": (lambda p: "/dev/zero", None, "larger than"),
    "binary garbage": (lambda p: _write_bytes(p, b"\xff\xd8\xff\xe0" + os.urandom(4096)), None, "not a text file"),
    "invalid UTF-8": (lambda p: _write_bytes(p, b"steps:\n  - caf\xe9 stretches\n"), None, "not a text file"),
    "a NUL byte": (lambda p: _write(p, "steps:\n  - a prevention\x00 tip\n"), 2, "control character"),
    "empty": (lambda p: _write(p, ""), None, "the file is empty"),
    "billion laughs, top level": (lambda p: _write(p, _billion_laughs(at_top=True)), 1, "'k0' is not part of"),
    "billion laughs, in the steps": (lambda p: _write(p, _billion_laughs(at_top=False)), 2, "a list inside the list"),
    "a number at the top": (lambda p: _write(p, "42\n"), 1, "a routine is a list of steps"),
    "a string at the top": (lambda p: _write(p, '"lower back stretches"\n'), 1, "a routine is a list of steps"),
    "missing": (lambda p: p, None, "there is no such file"),
    "a folder": (_folder, None, "this is a folder"),
}


@pytest.mark.parametrize(("make", "line", "words"), BAD_ROUTINES.values(), ids=BAD_ROUTINES.keys())
def test_a_bad_routine_file_is_refused_in_one_line(tmp_path: Path, make, line: int | None, words: str) -> None:
    path = make(tmp_path / "dad.yaml")
    result = talk("--db", str(tmp_path / "state.db"), "--routine", str(path))
    where = f"{path}, line {line}: " if line else f"{path}: "
    assert_refused_in_one_line(result, where, words)


def test_a_save_audio_folder_that_cannot_be_made_is_refused_in_one_line(tmp_path: Path) -> None:
    blocker = _write(tmp_path / "replies", "a file where the folder would go")
    result = talk("--db", str(tmp_path / "state.db"), "--save-audio", str(blocker / "wav"), "a prevention tip")
    assert_refused_in_one_line(result, blocker / "wav", "cannot be created")
