"""FNC-1: the official scoring, the predictions file, gold never read, a real slice end to end."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest

from rashomon.evaluation import fnc1
from rashomon.evaluation.fnc1 import (
    baselines,
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


BODIES = {
    "7": "The volcano near Lima erupted on Monday. Ash covered the city. Flights were cancelled.",
    "9": "Officials denied that the museum in Oslo was robbed. The story is a hoax, they said.",
    "12": "A singer reportedly married in secret, according to unconfirmed claims online.",
}
HEADLINES = ["Volcano erupts near Lima", "Oslo museum robbed overnight", "Singer marries in secret",
             "Lima flights cancelled after eruption"]  # fmt: skip


def write_fnc(folder: Path, *, gold: str = "keep", seed: int = 0) -> list[dict[str, str]]:
    """A small FNC-1-shaped folder; ``gold`` keeps, shuffles or drops the stance field."""
    pairs = [{"headline": h, "body_id": b, "stance": s}
             for h in HEADLINES for b, s in zip(BODIES, ("agree", "unrelated", "discuss"),
                                                strict=True)]  # fmt: skip
    if gold == "shuffle":
        stances = [p["stance"] for p in pairs]
        random.Random(seed).shuffle(stances)
        stances[0] = "disagree" if stances[0] != "disagree" else "agree"
        pairs = [{**p, "stance": s} for p, s in zip(pairs, stances, strict=True)]
    elif gold == "drop":
        pairs = [{"headline": p["headline"], "body_id": p["body_id"]} for p in pairs]
    (folder / "fnc1").mkdir(parents=True, exist_ok=True)
    (folder / "fnc1" / "pairs.jsonl").write_text(
        "".join(json.dumps(p) + "\n" for p in pairs), encoding="utf-8")
    (folder / "fnc1" / "bodies.jsonl").write_text(
        "".join(json.dumps({"body_id": k, "text": v}) + "\n" for k, v in BODIES.items()),
        encoding="utf-8")  # fmt: skip
    return pairs


def test_predictions_file_has_one_line_per_pair_in_order(tmp_path, fake_embed):
    pairs = write_fnc(tmp_path / "data")
    out = tmp_path / "pred.jsonl"
    result = fnc1.run(tmp_path / "data", predictions=out, embed=fake_embed)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(pairs) == result["n"]
    for row, pair in zip(rows, pairs, strict=True):
        assert list(row) == ["headline", "body_id", "stance"]
        assert (row["headline"], row["body_id"]) == (pair["headline"], pair["body_id"])
        assert row["stance"] in fnc1.STANCES
    assert result["scored"] and sum(map(sum, result["confusion"])) == len(pairs)
    assert "relative score" in fnc1.format_result(result)


def test_the_gold_stance_is_never_read_to_predict(tmp_path, fake_embed):
    write_fnc(tmp_path / "a", gold="keep")
    write_fnc(tmp_path / "b", gold="shuffle")
    write_fnc(tmp_path / "c", gold="drop")
    outs = []
    for name in "abc":
        out = tmp_path / f"{name}.jsonl"
        result = fnc1.run(tmp_path / name, predictions=out, embed=fake_embed)
        outs.append(out.read_text(encoding="utf-8"))
    assert outs[0] == outs[1] == outs[2]
    assert not result["scored"] and "nothing to score" in fnc1.format_result(result)


def test_limit_and_the_command_line(tmp_path, monkeypatch, capsys, fake_embed):
    import rashomon.stance.model as stance_model

    write_fnc(tmp_path / "data")
    monkeypatch.setattr(stance_model, "default_embed", lambda: fake_embed)
    out = tmp_path / "pred.jsonl"
    assert fnc1.main(["--data", str(tmp_path / "data"), "--limit", "5",
                      "--predictions", str(out)]) == 0  # fmt: skip
    assert len(out.read_text(encoding="utf-8").splitlines()) == 5
    assert "weighted score" in capsys.readouterr().out


@pytest.mark.parametrize(("line", "problem"), [
    ({"headline": "A", "body_id": "404", "stance": "agree"}, "body_id '404' is not in"),
    ({"headline": "A", "body_id": "7", "stance": "maybe"}, "stance 'maybe' is not one of"),
    ({"body_id": "7"}, "expected the fields headline and body_id"),
])  # fmt: skip
def test_bad_pairs_are_coded_errors(tmp_path, line, problem):
    from rashomon.errors import InputError

    write_fnc(tmp_path)
    with (tmp_path / "fnc1" / "pairs.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(line) + "\n")
    with pytest.raises(InputError) as info:
        fnc1.load_fnc1(tmp_path)
    assert info.value.code == "E006" and problem in str(info.value)


@pytest.mark.slow
@pytest.mark.skipif(not (DATA / "fnc1").is_dir(), reason="shared data not available")
def test_small_slice_end_to_end():
    result = fnc1.run(DATA, limit=60)
    assert result["n"] == 60 == len(result["predictions"])
    assert set(result["predictions"]) <= set(fnc1.STANCES)
    assert sum(map(sum, result["confusion"])) == 60
    assert result["relatedness_accuracy"] > 0.85
    assert "all discuss, perfect relatedness" in result["baselines"]
