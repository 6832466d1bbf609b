"""Adds a new round of bank sentences: `python -m bench.red_flag_bank add ROUND.jsonl`.

Each line is {"text", "tier", "category", "voice", "style"}, written from clinical-facts §1 by someone who has not
read the rules. Sentences already in the bank or the archive (case, spacing and end punctuation aside) are skipped;
the rest are grouped by tier and category, ordered by a hash of their text, and every third goes to sealed.jsonl,
the others to dev.jsonl, so each group is sealed in the same proportion and nobody chooses which sentence is sealed.

`python -m bench.red_flag_bank add --tuning-only --round NAME ROUND.jsonl` appends a round to the tuning-only
archive (probes.jsonl) instead: sentences someone has already scored the rules on and tuned against (helpers' probe
sets), which may train the second opinion but can never be a fair test again, so none of them is ever sealed. A
sentence already in dev, sealed or the archive (case, spacing and end punctuation aside) is skipped, and so is every
sentence the round itself labels two ways; later `add` runs skip archived sentences too, so a round already tuned on
cannot reach sealed.jsonl through the ordinary path.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from bench.red_flag_report import BANK, TIERS

FIELDS = {"text", "tier", "category", "voice", "style"}
ARCHIVE = "probes.jsonl"
ARCHIVE_FIELDS = FIELDS | {"round"}  # the round: which set of writers, so evaluation can hold one out at a time
SEALED_EVERY = 3


def split(rows: list[dict], known: set[str]) -> tuple[list[dict], list[dict]]:
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        key = same_sentence(row["text"])
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


def read(path: Path, fields: set[str] = FIELDS) -> list[dict]:
    rows = []
    if not path.exists() and path.name == ARCHIVE:
        return rows  # no archive yet
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if set(row) != fields or row["tier"] not in TIERS or not row["text"].strip():
            raise ValueError(f"{path}:{number}: needs exactly {sorted(fields)} and a tier in {TIERS}")
        rows.append(row)
    return rows


def same_sentence(text: str) -> str:
    """What two writings of one sentence share: case, spacing, apostrophe style and end punctuation aside."""
    return " ".join(text.lower().replace("\u2019", "'").split()).rstrip(".!?,; ")


def archived(bank: Path = BANK) -> list[dict]:
    return read(bank / ARCHIVE, ARCHIVE_FIELDS)


def add(path: Path, bank: Path = BANK) -> tuple[int, int]:
    known = {same_sentence(row["text"]) for name in ("dev", "sealed") for row in read(bank / f"{name}.jsonl")}
    # Sentences already tuned on are no fair test: they go to neither split (the archive keeps them for training),
    # however they are punctuated this time.
    known |= {same_sentence(row["text"]) for row in archived(bank)}
    tuning, sealed = split(read(path), known)
    for name, rows in (("dev", tuning), ("sealed", sealed)):
        with (bank / f"{name}.jsonl").open("a", encoding="utf-8") as out:
            out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    return len(tuning), len(sealed)


def add_tuning_only(path: Path, round_name: str, bank: Path = BANK) -> dict[str, int]:
    """Appends the round at `path` to the archive, as round `round_name`; how many sentences were added and why the
    others were not (counts only: the sealed split's sentences are compared here and never shown)."""
    known = {same_sentence(row["text"]) for name in ("dev", "sealed") for row in read(bank / f"{name}.jsonl")}
    archive = {same_sentence(row["text"]) for row in archived(bank)}
    tiers: dict[str, set[str]] = {}
    for row in read(path):
        tiers.setdefault(same_sentence(row["text"]), set()).add(row["tier"])
    counts = {"added": 0, "in the bank": 0, "archived already": 0, "labelled two ways": 0, "repeated": 0}
    new: list[dict] = []
    seen: set[str] = set()
    for row in read(path):
        key = same_sentence(row["text"])
        reason = ("in the bank" if key in known else "archived already" if key in archive
                  else "labelled two ways" if len(tiers[key]) > 1 else "repeated" if key in seen else "added")
        counts[reason] += 1
        seen.add(key)
        if reason == "added":
            new.append({**row, "round": round_name})
    with (bank / ARCHIVE).open("a", encoding="utf-8") as out:
        out.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in new)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["add"])
    parser.add_argument("round", type=Path)
    parser.add_argument("--tuning-only", action="store_true",
                        help=f"sentences already tuned on: append to {ARCHIVE}, never to sealed.jsonl")
    parser.add_argument("--round", dest="round_name", help="the archived round's name (with --tuning-only)")
    args = parser.parse_args(argv)
    if args.tuning_only and not args.round_name:
        parser.error("--tuning-only needs --round NAME")
    try:
        if args.tuning_only:
            counts = add_tuning_only(args.round, args.round_name, BANK)
        else:
            tuning, sealed = add(args.round)
    except (OSError, ValueError) as error:
        print(f"red_flag_bank: {error}", file=sys.stderr)
        return 2
    if args.tuning_only:
        print(", ".join(f"{reason} {count}" for reason, count in counts.items())
              + f" ({ARCHIVE}); now run make red-flag-model")
    else:
        print(f"{tuning} sentences to dev.jsonl, {sealed} to sealed.jsonl; now run make red-flag-model")
    return 0


if __name__ == "__main__":
    sys.exit(main())
