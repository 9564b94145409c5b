"""FNC-1: the official scoring, the stance rules, and a small slice end to end."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from rashomon.evaluation import fnc1
from rashomon.evaluation.fnc1 import (
    baselines,
    decide_stance,
    fnc_score,
    max_score,
    split_sentences,
    summarize,
)

DATA = Path(os.environ.get("RASHOMON_DATA", Path(__file__).resolve().parents[2].parent / "shared"
                          / "data"))


def test_official_score_on_a_hand_made_confusion():
    gold = ["agree", "disagree", "discuss", "unrelated", "unrelated", "agree"]
    pred = ["agree", "discuss", "unrelated", "unrelated", "discuss", "disagree"]
    # agree right: 1.0; disagree->discuss: 0.25; discuss->unrelated: 0; unrelated right: 0.25;
    # unrelated->discuss: 0; agree->disagree: 0.25.
    assert fnc_score(gold, pred) == pytest.approx(1.75)
    assert max_score(gold) == pytest.approx(4 * 1.0 + 2 * 0.25)
    r = summarize(gold, pred)
    assert r["relative_score"] == pytest.approx(100 * 1.75 / 4.5)
    assert r["accuracy"] == pytest.approx(2 / 6)
    assert r["disagree_recall"] == 0.0
    assert r["per_class"]["agree"] == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3),
                                       "support": 2}  # fmt: skip
    assert r["confusion"][0] == [1, 1, 0, 0]  # gold agree
    assert sum(map(sum, r["confusion"])) == 6
    assert r["relatedness_accuracy"] == pytest.approx(4 / 6)


def test_baselines_read_as_expected():
    gold = ["unrelated"] * 6 + ["discuss"] * 2 + ["agree", "disagree"]
    b = baselines(gold)
    best = 6 * 0.25 + 4
    assert b["all unrelated"] == pytest.approx(100 * 1.5 / best)
    assert b["all discuss, perfect relatedness"] == pytest.approx(100 * (1.5 + 2 + 0.5) / best)
    assert max_score(gold) == pytest.approx(best)


def test_stance_rules():
    base = dict(p_contradiction=0.1, p_entailment=0.1, refute_top=0, refute_lead=0,
                refute_headline=0, hedge_top=0, hedge_lead=0)  # fmt: skip
    assert decide_stance(**base) == "discuss"
    assert decide_stance(**{**base, "refute_top": 1}) == "disagree"
    # A headline that itself says "hoax" is not refuted by a body that says so too.
    assert decide_stance(**{**base, "refute_top": 1, "refute_headline": 1}) == "discuss"
    assert decide_stance(**{**base, "p_contradiction": 0.8}) == "disagree"
    assert decide_stance(**{**base, "p_entailment": 0.8}) == "agree"
    assert decide_stance(**{**base, "p_entailment": 0.8, "hedge_top": 1}) == "discuss"


def test_split_sentences():
    text = "First one here. Second one, said Mr. Smith. \n\nA new paragraph! “Quoted” start."
    sents = split_sentences(text)
    assert sents[0] == "First one here."
    assert "A new paragraph!" in sents
    assert split_sentences("") == ["."]


def test_missing_data_is_a_coded_error(tmp_path):
    from rashomon.errors import InputError

    with pytest.raises(InputError) as info:
        fnc1.load_fnc1(tmp_path)
    assert info.value.code == "E080"


@pytest.mark.slow
@pytest.mark.skipif(not (DATA / "fnc1").is_dir(), reason="shared data not available")
def test_small_slice_end_to_end():
    result = fnc1.run(DATA, limit=80)
    assert result["n"] == 80 == len(result["predictions"])
    assert set(result["predictions"]) <= set(fnc1.STANCES)
    assert 0 <= result["relative_score"] <= 100
    assert sum(map(sum, result["confusion"])) == 80
    # Relatedness is the easy part: a zero-shot system should get most of it right.
    assert result["relatedness_accuracy"] > 0.8
    assert "all discuss, perfect relatedness" in result["baselines"]
    text = fnc1.format_result(result)
    assert "relative score" in text and "recall of disagree" in text
