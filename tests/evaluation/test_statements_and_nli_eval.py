"""The statement audit and the NLI evaluation command's file contract."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from rashomon.cli import app
from rashomon.errors import InputError
from rashomon.evaluation.nli import correct, read_pairs, score
from rashomon.evaluation.statements import rewrites
from rashomon.model import Article, Resolution, Span, StoryFact


def _fact(statement: str, evidence: list[Span], **kw) -> StoryFact:
    return StoryFact(id="F1", statement=statement, status="single_source", evidence=evidence,
                     documents=["a"], wording="a", **kw)


def test_a_name_the_evidence_does_not_hold_is_a_silent_rewrite():
    text = "Steele called his comments unfortunate."
    article = {"a": Article(id="a", text=text)}
    evidence = [Span("a", 0, len(text) - 1, text[:-1])]
    assert rewrites(_fact("Steele called Steele's comments unfortunate", evidence), article) == [
        "Steele"]
    assert rewrites(_fact("Steele called his comments unfortunate", evidence), article) == []
    # Shown as a resolution, it is not silent.
    shown = _fact("Steele called his [Michael Steele’s] comments unfortunate", evidence,
                  resolved=[Resolution(Span("a", 14, 17, "his"), "Michael Steele’s")])
    assert rewrites(shown, article) == []


def test_borrowed_context_counts_as_what_the_statement_rests_on():
    text = "Petro arrived and met Trump."
    article = {"a": Article(id="a", text=text)}
    fact = _fact("Petro met Trump", [Span("a", 18, 27, "met Trump")],
                 context=[Span("a", 0, 5, "Petro")])
    assert rewrites(fact, article) == []


@pytest.mark.parametrize(
    ("gold", "predicted", "right"),
    [("entailment", "entailment", True), ("neutral", "contradiction", False),
     ("not_entailment", "neutral", True), ("not_entailment", "entailment", False),
     ("paraphrase", "entailment", True), ("something", "entailment", None)],
)
def test_every_label_scheme_is_scored(gold, predicted, right):
    assert correct(gold, predicted) is right


def test_pairs_file_errors_name_the_line(tmp_path):
    path = tmp_path / "pairs.jsonl"
    path.write_text('{"premise": "a", "hypothesis": "b"}\n{"premise": "a"}\n')
    with pytest.raises(InputError) as caught:
        read_pairs(path)
    assert "line 2" in str(caught.value)


def test_scores_only_lines_with_gold_labels():
    rows = [{"premise": "a", "hypothesis": "b", "label": "entailment", "source": "x"},
            {"premise": "a", "hypothesis": "c"}]
    assert score(rows, ["entailment", "neutral"])["pairs"] == 1
    assert score([rows[1]], ["neutral"]) is None


@pytest.mark.slow
def test_evaluate_nli_writes_one_prediction_a_pair_in_order(tmp_path):
    pairs = tmp_path / "pairs.jsonl"
    rows = [{"premise": "Petro met Trump in Washington on Tuesday.",
             "hypothesis": "Petro met Trump.", "label": "entailment", "source": "demo"},
            {"premise": "Petro met Trump in Washington on Tuesday.",
             "hypothesis": "Petro never met Trump.", "extra": 1}]
    pairs.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "predictions.jsonl"
    result = CliRunner().invoke(app, ["evaluate", "nli", str(pairs), "--predictions", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [sorted(line) for line in lines] == [["hypothesis", "label", "premise"]] * 2
    assert [line["hypothesis"] for line in lines] == [r["hypothesis"] for r in rows]
    assert {line["label"] for line in lines} <= {"entailment", "neutral", "contradiction"}
    assert "accuracy" in result.output
