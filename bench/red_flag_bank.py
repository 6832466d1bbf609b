"""Adds a new round of bank sentences: `python -m bench.red_flag_bank add ROUND.jsonl`.

Each line is {"text", "tier", "category", "voice", "style"}, written from clinical-facts §1 by someone who has not
read the rules. Sentences already in the bank (case aside) are skipped; the rest are grouped by tier and category,
ordered by a hash of their text, and every third goes to sealed.jsonl, the others to dev.jsonl, so each group is
sealed in the same proportion and nobody chooses which sentence is sealed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from bench.red_flag_report import BANK, TIERS

FIELDS = {"text", "tier", "category", "voice", "style"}
SEALED_EVERY = 3


def split(rows: list[dict], known: set[str]) -> tuple[list[dict], list[dict]]:
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        key = row["text"].strip().lower()
        if key in known:
            continue
        known.add(key)
        groups.setdefault((row["tier"], row["category"]), []).append(row)
    tuning, sealed = [], []
    for key in sorted(groups):
        ordered = sorted(groups[key], key=lambda row: hashlib.sha256(row["text"].encode()).hexdigest())
        for index, row in enumerate(ordered):
            (sealed if index % SEALED_EVERY == SEALED_EVERY - 1 else tuning).append(row)
    return tuning, sealed


def read(path: Path) -> list[dict]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if set(row) != FIELDS or row["tier"] not in TIERS or not row["text"].strip():
            raise ValueError(f"{path}:{number}: needs exactly {sorted(FIELDS)} and a tier in {TIERS}")
        rows.append(row)
    return rows


def add(path: Path, bank: Path = BANK) -> tuple[int, int]:
    known = {row["text"].strip().lower() for name in ("dev", "sealed") for row in read(bank / f"{name}.jsonl")}
    tuning, sealed = split(read(path), known)
    for name, rows in (("dev", tuning), ("sealed", sealed)):
        with (bank / f"{name}.jsonl").open("a", encoding="utf-8") as out:
            out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    return len(tuning), len(sealed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["add"])
    parser.add_argument("round", type=Path)
    args = parser.parse_args(argv)
    try:
        tuning, sealed = add(args.round)
    except (OSError, ValueError) as error:
        print(f"red_flag_bank: {error}", file=sys.stderr)
        return 2
    print(f"{tuning} sentences to dev.jsonl, {sealed} to sealed.jsonl; now run make red-flag-model")
    return 0


if __name__ == "__main__":
    sys.exit(main())
