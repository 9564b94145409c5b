"""The clustering evaluation: its metrics on known cases and its figures on the shared data."""

from __future__ import annotations

import io

import pytest

from rashomon.evaluation import clustering as ev


def test_bcubed_and_pairwise_on_known_cases():
    gold = ["a", "a", "b", "b"]
    assert ev.bcubed(gold, gold) == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert ev.pairwise([1, 2, 3, 4], gold) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    merged = ev.bcubed(["x"] * 4, gold)
    assert merged["precision"] == pytest.approx(0.5) and merged["recall"] == 1.0
    split = ev.bcubed([1, 2, 3, 3], gold)
    assert split["precision"] == 1.0 and split["recall"] == pytest.approx(0.75)
    pairs = ev.pairwise(["x", "x", "x", "y"], gold)
    assert pairs["precision"] == pytest.approx(1 / 3) and pairs["recall"] == pytest.approx(0.5)


def test_pearson():
    assert ev.pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert ev.pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert ev.pearson([1, 1, 1], [1, 2, 3]) != ev.pearson([1, 1, 1], [1, 2, 3])  # nan


def test_missing_data_is_a_coded_error(tmp_path, capsys):
    assert ev.main(["--data", str(tmp_path / "nowhere")]) == 2
    assert "[E080]" in capsys.readouterr().err


def test_figures_on_the_shared_data(shared_data, tmp_path):
    out = io.StringIO()
    figures = ev.run(shared_data, out=out)
    table = out.getvalue()
    assert "ECB+" in table and "NewsWCL50" in table and "Lee" in table
    ecb = figures["ecbplus"]
    assert ecb["recluster_bcubed"]["f1"] > 0.95
    assert ecb["online_bcubed"]["f1"] > 0.8
    wcl = figures["newswcl50"]["recluster"]
    assert wcl["events_whole"] == 5 and wcl["merged_events"] == 0
    semeval = figures["semeval2022_task8"]["lexical"]
    assert semeval["english"] > 0.5 and semeval["all"] > 0.4
    assert figures["lee"]["lexical"]["pearson"] > 0.5
    assert ev.main(["--data", str(shared_data), "--json", str(tmp_path / "f.json")]) == 0
    assert (tmp_path / "f.json").read_text().startswith("{")
