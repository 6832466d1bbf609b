"""A file a person wrote by hand for the runner (a caregiver's routine, a replay): read within bounds, and every
problem answered with one line naming the file, the line where known, and what to change."""

from __future__ import annotations

from pathlib import Path


class TextFileError(ValueError):
    """One line saying which file, which line and what to change."""

    def __init__(self, path: Path, line: int | None, problem: str) -> None:
        self.path = path
        self.line = line
        where = str(path) if line is None else f"{path}, line {line}"
        super().__init__(f"{where}: {' '.join(problem.split())}.")  # one line, whatever the file held


def read_text(path: Path, error: type[TextFileError], kind: str, max_bytes: int, too_large: str = "") -> str:
    """`path` as UTF-8 text; `error` when it cannot be: missing, a folder, unreadable, over `max_bytes` or not text.
    `kind` names the file in the messages ("routine": "give the routine file inside it"); `too_large` says what a
    file over the limit would hold (", far more than 20 short steps")."""
    try:
        with path.open("rb") as file:
            data = file.read(max_bytes + 1)  # bounded: a device or a huge file is never read whole
    except FileNotFoundError:
        raise error(path, None, "there is no such file") from None
    except IsADirectoryError:
        raise error(path, None, f"this is a folder; give the {kind} file inside it") from None
    except OSError as problem:
        raise error(path, None, f"the file cannot be read ({problem.strerror or problem})") from None
    if len(data) > max_bytes:
        raise error(path, None, f"the file is larger than {max_bytes // 1024} KB{too_large}; check this is the "
                                f"{kind} file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise error(path, None, "this is not a text file; save it as plain UTF-8 text") from None
