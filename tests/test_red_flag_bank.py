"""Adding a round to the red-flag bank (bench/red_flag_bank.py): a third of each tier and category is sealed, by a
hash nobody chooses, and nothing already in the bank is added twice."""

from __future__ import annotations

import json

from bench import red_flag_bank


def _write(path, rows):
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")


def _row(text, tier="emergency", category="bowel"):
    return {"text": text, "tier": tier, "category": category, "voice": "patient", "style": "asr"}


def test_a_third_of_each_group_is_sealed_and_repeats_are_skipped(tmp_path):
    _write(tmp_path / "dev.jsonl", [_row("already here")])
    _write(tmp_path / "sealed.jsonl", [])
    new = [_row(f"bowel sentence {i}") for i in range(6)] + [_row(f"harmless {i}", "none", "idiom") for i in range(3)]
    _write(tmp_path / "round.jsonl", new + [_row("Already here")])
    assert red_flag_bank.add(tmp_path / "round.jsonl", tmp_path) == (6, 3)
    sealed = [json.loads(line) for line in (tmp_path / "sealed.jsonl").read_text().splitlines()]
    assert sorted(row["tier"] for row in sealed) == ["emergency", "emergency", "none"]
    assert red_flag_bank.add(tmp_path / "round.jsonl", tmp_path) == (0, 0)  # a second run adds nothing


def test_the_split_does_not_depend_on_the_order_written(tmp_path):
    rows = [_row(f"sentence {i}") for i in range(9)]
    assert red_flag_bank.split(rows, set()) == red_flag_bank.split(list(reversed(rows)), set())


def test_a_malformed_line_is_refused_with_its_line_number(tmp_path, capsys):
    (tmp_path / "round.jsonl").write_text(json.dumps({"text": "x", "tier": "maybe"}) + "\n", encoding="utf-8")
    assert red_flag_bank.main(["add", str(tmp_path / "round.jsonl")]) == 2
    assert "round.jsonl:1" in capsys.readouterr().err


def test_tuning_on_the_development_split_never_scores_or_writes_the_sealed_one(tmp_path, monkeypatch, capsys):
    from bench import red_flag_report
    (tmp_path / "dev.jsonl").write_text(json.dumps({"text": "i wet myself and my bum is numb", "tier": "emergency",
                                                    "category": "cauda_equina"}) + "\n", encoding="utf-8")
    (tmp_path / "sealed.jsonl").write_text("not json, and never to be read\n", encoding="utf-8")
    monkeypatch.setattr(red_flag_report, "BANK", tmp_path)
    monkeypatch.setattr(red_flag_report, "REPORT", tmp_path / "RED_FLAGS.md")
    assert red_flag_report.main(["--dev-only", "--locale", "en-US"]) == 0
    report = capsys.readouterr().out
    assert "| emergency reaches emergency | 100.0 % | 100.0 % | 100.0 % |" in report  # the one dev sentence, scored
    assert "sealed" not in report
    assert not (tmp_path / "RED_FLAGS.md").exists()
