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


def test_a_round_already_tuned_on_goes_to_the_archive_and_never_to_a_split(tmp_path):
    """`add --tuning-only`: probe sentences someone has scored and tuned against train the second opinion only;
    bank sentences (written any case, spacing or end punctuation), repeats and sentences labelled two ways stay out,
    and a later ordinary round cannot seal an archived sentence."""
    _write(tmp_path / "dev.jsonl", [_row("my bum is numb")])
    _write(tmp_path / "sealed.jsonl", [_row("i cant pee")])
    probes = [_row("My bum is  numb."), _row("I CANT PEE!"), _row("both legs gave way"), _row("both legs gave way"),
              _row("i had an accident", "clarify"), _row("I had an accident", "none"), _row("my back aches", "none")]
    _write(tmp_path / "probes.jsonl.in", probes)
    counts = red_flag_bank.add_tuning_only(tmp_path / "probes.jsonl.in", "s21", tmp_path)
    assert counts == {"added": 2, "in the bank": 2, "archived already": 0, "labelled two ways": 2, "repeated": 1}
    archived = red_flag_bank.archived(tmp_path)
    assert [(row["text"], row["round"]) for row in archived] == [("both legs gave way", "s21"),
                                                                 ("my back aches", "s21")]
    assert red_flag_bank.add_tuning_only(tmp_path / "probes.jsonl.in", "s22", tmp_path)["archived already"] == 3
    _write(tmp_path / "round.jsonl", [_row("Both legs  gave way."), _row("a new sentence")])
    red_flag_bank.add(tmp_path / "round.jsonl", tmp_path)
    banked = [json.loads(line)["text"] for name in ("dev", "sealed")
              for line in (tmp_path / f"{name}.jsonl").read_text().splitlines()]
    assert "Both legs  gave way." not in banked and "a new sentence" in banked


def test_the_archive_is_added_from_the_command_line_with_a_round_name(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(red_flag_bank, "BANK", tmp_path)
    _write(tmp_path / "dev.jsonl", [])
    _write(tmp_path / "sealed.jsonl", [])
    _write(tmp_path / "in.jsonl", [_row("my legs went numb")])
    assert red_flag_bank.main(["add", "--tuning-only", "--round", "s25", str(tmp_path / "in.jsonl")]) == 0
    assert "added 1" in capsys.readouterr().out
    assert red_flag_bank.archived(tmp_path)[0]["round"] == "s25"
    assert not (tmp_path / "sealed.jsonl").read_text()


def test_the_report_scores_the_archive_as_a_tuning_split_in_full_text(tmp_path, monkeypatch, capsys):
    from bench import red_flag_report
    _write(tmp_path / "dev.jsonl", [_row("i wet myself and my bum is numb")])
    (tmp_path / "sealed.jsonl").write_text("not json, and never to be read\n", encoding="utf-8")
    _write(tmp_path / "probes.jsonl", [{**_row("my legs ache after the gym", "none"), "round": "s21"},
                                       {**_row("i cant feel my bottom when i wipe"), "round": "s21"}])
    monkeypatch.setattr(red_flag_report, "BANK", tmp_path)
    assert red_flag_report.main(["--dev-only", "--locale", "en-US"]) == 0
    report = capsys.readouterr().out
    assert "probes 2 sentences (emergency 1, urgent 0, soon 0, clarify 0, none 1)" in report
    header = next(line for line in report.splitlines() if line.startswith("| |"))
    assert "probes: full text, rules only | probes: full text |" in header and "probes: Echo" not in header
    assert "| emergency reaches emergency | 100.0 % | 100.0 % | 100.0 % | 100.0 % | 100.0 % |" in report
    assert "sealed" not in report
