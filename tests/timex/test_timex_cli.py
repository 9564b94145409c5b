"""``rashomon evaluate timex`` writes predictions for any articles file and scores gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rashomon.cli import app

runner = CliRunner()


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_writes_predictions_without_gold(tmp_path: Path) -> None:
    text = "Petro is set to meet Trump on Tuesday, a year after talks failed."
    articles = _write(tmp_path / "a.jsonl", [
        {"id": "A", "text": text, "published": "2026-02-01"},
        {"id": "B", "text": "Nothing here.", "published": None},
    ])
    out = tmp_path / "p.jsonl"
    result = runner.invoke(app, ["evaluate", "timex", str(articles), "--predictions", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert {"id": "A", "start": 30, "end": 37, "text": "Tuesday", "value": "2026-02-03",
            "type": "DATE"}.items() <= lines[0].items()
    for line in lines:
        assert text[line["start"]:line["end"]] == line["text"]
    assert "expressions in 2 articles" in result.output


def test_scores_gold_inside_the_lines(tmp_path: Path) -> None:
    text = "Sales fell last month and rose yesterday."
    articles = _write(tmp_path / "a.jsonl", [{
        "id": "A", "text": text, "published": "2026-02-01",
        "timexes": [{"start": 11, "end": 21, "value": "2026-01", "type": "DATE"},
                    {"start": 31, "end": 40, "value": "2026-02-02", "type": "DATE"}],
    }])
    result = runner.invoke(app, ["evaluate", "timex", str(articles), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["strict_f1"] == pytest.approx(100)
    assert figures["value_f1"] == pytest.approx(50)  # yesterday is 2026-01-31, not gold's


def test_bad_line_is_a_coded_error(tmp_path: Path) -> None:
    articles = tmp_path / "a.jsonl"
    articles.write_text('{"id": "A"}\n', encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "timex", str(articles)])
    assert result.exit_code != 0
    assert "E123" in str(result.exception) + result.output


def test_timebank_command_on_a_tiny_folder(tmp_path: Path) -> None:
    from tests.timex.test_timex_timebank import TIMEML

    folder = tmp_path / "tempeval3_timebank"
    folder.mkdir()
    (folder / "TEST01.tml").write_text(TIMEML, encoding="utf-8")
    articles, gold = tmp_path / "tb.jsonl", tmp_path / "gold.jsonl"
    result = runner.invoke(app, ["evaluate", "timebank", "--data", str(tmp_path), "--split",
                                 "all", "--write-articles", str(articles), "--write-gold",
                                 str(gold), "--json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert figures["documents"] == 1 and figures["counts"]["gold"] == 2
    assert figures["value_f1"] == pytest.approx(100)
    row = json.loads(articles.read_text("utf-8"))
    assert row["published"] == "1998-01-08" and len(row["timexes"]) == 2
    again = runner.invoke(app, ["evaluate", "timex", str(articles), "--gold", str(gold),
                                "--json"])
    assert json.loads(again.output)["value_f1"] == pytest.approx(100)
