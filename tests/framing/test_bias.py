"""The bias flagger (rashomon.framing.bias): rules, lexicon reasons, exact offsets, the
span-overlap scorer on hand-made cases, BASIL's sentence-relative offsets, and the
``rashomon evaluate framing`` command's output."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rashomon.errors import RashomonError
from rashomon.framing.bias import (
    MODEL_PATH,
    BiasFlagger,
    BiasSpan,
    LinearModel,
    every_sentence_baseline,
    gold_from_annotations,
    place_annotation,
    read_jsonl,
    score_spans,
    sentence_encoder,
    split_sentences,
)

FIXTURES = Path(__file__).with_name("fixtures_bias")


def _rules_only() -> BiasFlagger:
    """A flagger whose models flag nothing: only the hedge and scare-quote rules speak."""
    never = LinearModel({}, -20.0, 0.5)
    return BiasFlagger(models=(never, never))


def _lexicon_model() -> BiasFlagger:
    """A flagger whose lexical model flags the words VADER rates beyond +-1.33, unquoted."""
    lexical = LinearModel({"vader": 60.0, "quoted": -100.0}, -20.0, 0.5)
    return BiasFlagger(models=(lexical, LinearModel({}, -20.0, 0.5)))


def test_hedges_are_flagged_with_their_reason() -> None:
    text = "The so-called reform, which critics allegedly opposed, passed."
    spans = _rules_only()(text)
    found = {s.text: s.reason for s in spans}
    assert found == {"so-called": "hedge/attribution: 'so-called'",
                     "allegedly": "hedge/attribution: 'allegedly'"}
    assert all(s.kind == "lexical" for s in spans)


def test_hedge_phrases_span_their_words() -> None:
    text = "He doubled down on Tuesday."
    (span,) = _rules_only()(text)
    assert (span.text, span.reason) == ("doubled down", "hedge/attribution: 'doubled down'")


def test_scare_quotes_but_not_quoted_statements() -> None:
    text = ('The plan was a “disaster” for farmers. “We will win this vote tomorrow,” she said. '
            'He called it "reform."')
    spans = _rules_only()(text)
    scare = [s.text for s in spans if s.reason == "scare quotes"]
    assert scare == ["“disaster”"]


def test_lexicon_hits_carry_the_word_and_its_strength() -> None:
    text = "The reckless senator toured the farm.\n\nShe said it was “horrible”, he replied."
    spans = _lexicon_model()(text)
    reckless = [s for s in spans if s.text == "reckless"]
    assert len(reckless) == 1
    assert reckless[0].reason.startswith("subjective lexicon: 'reckless' (")
    assert "model score" in reckless[0].reason
    # The model learnt that quoted words are the speaker's, not the writer's.
    assert not any(s.text == "horrible" for s in spans)
    assert not any(s.text in {"senator", "toured", "farm"} for s in spans)


def test_neighbouring_flagged_words_make_one_phrase() -> None:
    spans = _lexicon_model()("They angrily attacked the bill.")
    assert [s.text for s in spans] == ["angrily attacked"]


@pytest.mark.parametrize("text", [
    "WASHINGTON — Mr. Steele’s “so-called” plan, allegedly a disaster, failed.\n\nIt's over.",
    "  Leading spaces. Then a “quote” and café naïveté. Über-loaded words!\r\nNext line?",
    "",
    "no punctuation at all just words terrible horrible awful",
])
@pytest.mark.slow  # the shipped informational model runs MiniLM's first layers
def test_offsets_index_the_text_exactly(text: str) -> None:
    flagger = BiasFlagger()
    for span in flagger(text) + _lexicon_model()(text) + _rules_only()(text):
        assert text[span.start : span.end] == span.text
        assert span.kind in {"lexical", "informational"}
        assert 0.0 <= span.score <= 1.0


@pytest.mark.slow  # the shipped informational model runs MiniLM's first layers
def test_the_shipped_model_on_a_loaded_article() -> None:
    text = ("Republicans angrily slammed the so-called reform, a reckless giveaway to the "
            "wealthy. “This is a disaster for working families,” said Rep. Smith, a Democrat. "
            "Critics have long argued the plan would fail.\n\nThe vote is set for Tuesday.")
    spans = BiasFlagger()(text)
    assert "lexical" in {s.kind for s in spans}
    # Every sentence gets an informational score; the quoted attack and the critics' charge
    # score above the plain schedule (at the shipped threshold, 0.50, BASIL's annotators would
    # flag about one sentence in seven, and none of these four needs to pass it).
    scored = {s.text: s for s in BiasFlagger(informational_threshold=0.0)(text)
              if s.kind == "informational"}  # fmt: skip
    assert len(scored) == 4
    plain = scored["The vote is set for Tuesday."].score
    quote = next(s for t, s in scored.items() if t.startswith("“This is a disaster"))
    assert quote.score > plain
    assert scored["Critics have long argued the plan would fail."].score > plain
    assert "quotes" in quote.reason
    assert any(s.text == "reckless" and s.reason.startswith("subjective lexicon: 'reckless'")
               for s in spans)
    assert all(isinstance(s, BiasSpan) for s in spans)
    # Cross-validation turned the hedge rule off by default (it cost precision on BASIL); on
    # request it flags every hedge, with its reason.
    hedged = BiasFlagger(hedges=True)(text)
    assert any(s.text == "so-called" and "hedge/attribution: 'so-called'" in s.reason
               for s in hedged)
    assert spans == sorted(spans, key=lambda s: (s.start, s.end, s.kind))
    assert set(spans[0].to_dict()) == {"start", "end", "text", "kind", "reason", "score"}


@pytest.mark.slow  # importing spaCy takes seconds
def test_a_spacy_doc_gives_the_sentences() -> None:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    text = "One sentence here; Mr. Smith slammed it. Another one."
    doc = nlp(text)
    never = LinearModel({}, -20.0, 0.5)
    always = LinearModel({}, 20.0, 0.5)
    flagger = BiasFlagger(models=(never, always))
    sentences = [s.text for s in flagger(text, doc=doc) if s.kind == "informational"]
    assert sentences == [s.text for s in doc.sents]


def _brief(spans: list[BiasSpan]) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.kind) for s in spans]


@pytest.mark.slow  # the shipped informational model runs MiniLM's first layers
def test_pipe_matches_calls() -> None:
    flagger = BiasFlagger()
    texts = ["The so-called plan. Critics slammed it.", "A calm report about rain.",
             "“This is a disaster,” said Rep. Smith, a Democrat, on Monday."]
    piped, called = list(flagger.pipe(texts, batch_size=2)), [flagger(t) for t in texts]
    # pipe() embeds several texts' sentences in one padded batch: the same spans, and the
    # same scores up to float rounding.
    assert [_brief(p) for p in piped] == [_brief(c) for c in called]
    assert [s.score for p in piped for s in p] == pytest.approx(
        [s.score for c in called for s in c], abs=2e-3)


@pytest.mark.slow  # loads MiniLM
def test_the_encoder_runs_only_the_chosen_layers() -> None:
    """Training reads every layer's output from one full run; flagging runs only the chosen
    layers: both must give the same sentence embedding."""
    sentences = ["Republicans slammed the plan.", "The vote is set for Tuesday, officials said."]
    full = sentence_encoder(2).encode(sentences, all_layers=True)
    assert full.shape == (3, 2, 384)
    one = sentence_encoder(1).encode(sentences)
    assert np.allclose(one, full[1], atol=1e-4)
    assert not np.allclose(full[1], full[2], atol=1e-2)  # the layers do differ


@pytest.mark.slow  # loads MiniLM
def test_the_encoder_serves_threads() -> None:
    """The web service flags from several threads: each gets its own sentences' vectors."""
    from concurrent.futures import ThreadPoolExecutor

    encoder = sentence_encoder(1)
    batches = [[f"Sentence {i} of batch {b}, with some words." for i in range(40)]
               for b in range(6)]  # fmt: skip
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(encoder.encode, batches))
    for batch, result in zip(batches, results, strict=True):
        assert np.allclose(result, encoder.encode(batch), atol=1e-4)


def test_a_model_with_a_contextual_term_round_trips() -> None:
    context = np.linspace(-1.0, 1.0, 384, dtype=np.float32)
    model = LinearModel({"has_quote": 0.5}, -0.25, 0.4, None, context, 2)
    again = LinearModel.from_dict(json.loads(json.dumps(model.to_dict())))
    assert again.context_layers == 2 and again.table is None
    assert again.context is not None and np.allclose(again.context, context, atol=1e-5)
    assert (again.weights, again.intercept, again.threshold) == ({"has_quote": 0.5}, -0.25, 0.4)
    # A model without one reads back without one.
    assert LinearModel.from_dict(LinearModel({}, 0.0, 0.5).to_dict()).context is None


def test_the_shipped_model_uses_cheap_contextual_sentence_embeddings() -> None:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    informational = data["informational"]
    assert len(informational["context"]) == 384
    assert informational["context_layers"] in (1, 2)  # more layers break the time budget
    assert data["meta"]["settings"]["informational"]["context_layers"] == (
        informational["context_layers"])
    assert MODEL_PATH.stat().st_size < 10_000_000


def test_not_a_string_is_an_error() -> None:
    with pytest.raises(RashomonError) as error:
        BiasFlagger()(b"bytes")  # type: ignore[arg-type]
    assert error.value.code == "E141"


def test_a_missing_model_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RashomonError) as error:
        BiasFlagger(tmp_path / "none.json")
    assert error.value.code == "E140"


def test_sentences_do_not_end_at_abbreviations_or_initials() -> None:
    text = "Mr. Steele met Sen. John F. Kennedy in the U.S. capital. He left.\n\nNew line"
    assert [text[s:e] for s, e in split_sentences(text)] == [
        "Mr. Steele met Sen. John F. Kennedy in the U.S. capital.", "He left.", "New line"]


def test_the_scorer_on_a_hand_made_case() -> None:
    gold = {"d1": [(0, 5, "lexical"), (10, 20, "lexical"), (30, 60, "informational")],
            "d2": [(0, 10, "informational")]}
    predicted = {"d1": [(3, 4, "lexical"),  # hits gold (0, 5)
                        (5, 10, "lexical"),  # touches both gold ends but shares no character
                        (12, 14, "informational"),  # overlaps a lexical span: wrong kind
                        (40, 80, "informational")],  # hits (30, 60)
                 "d3": [(0, 3, "lexical")]}  # a document without gold: a false alarm
    scores = score_spans(predicted, gold)
    lexical, informational = scores["lexical"], scores["informational"]
    assert (lexical.predicted, lexical.predicted_correct, lexical.gold, lexical.gold_found) == (
        3, 1, 2, 1)
    assert lexical.precision == pytest.approx(1 / 3)
    assert lexical.recall == pytest.approx(1 / 2)
    assert lexical.f1 == pytest.approx(0.4)
    assert (informational.precision, informational.recall) == (pytest.approx(0.5), 0.5)
    assert informational.f1 == pytest.approx(0.5)


def test_the_every_sentence_baseline() -> None:
    texts = {"d": "One two. Three four.\n\nFive."}
    baseline = every_sentence_baseline(texts)
    assert baseline["d"] == [(0, 8, "lexical"), (0, 8, "informational"),
                             (9, 20, "lexical"), (9, 20, "informational"),
                             (22, 27, "lexical"), (22, 27, "informational")]
    scores = score_spans(baseline, {"d": [(10, 12, "lexical")]})
    assert scores["lexical"].f1 == pytest.approx(2 * (1 / 3) / (1 / 3 + 1))


def test_basil_offsets_count_from_the_sentence() -> None:
    text = "He was fierce. They were fierce too.\n\nA fierce fight."
    # "fierce" 10 characters into its sentence: the second occurrence, not the first.
    assert place_annotation(text, "fierce", 10) == text.index("fierce too")
    assert place_annotation(text, "fierce", 2) == text.index("fierce fight")
    assert place_annotation(text, "absent", 0) is None


def test_gold_from_the_fixture() -> None:
    texts = {r["id"]: r["text"] for r in read_jsonl(FIXTURES / "articles.jsonl")}
    gold, lost = gold_from_annotations(read_jsonl(FIXTURES / "annotations.jsonl"), texts)
    assert lost == 0
    placed = {doc_id: [(texts[doc_id][s:e], k) for s, e, k in spans]
              for doc_id, spans in gold.items()}
    assert placed == {
        "t/1": [("slammed", "lexical"),
                ("Critics said the plan was a “disaster” for farmers.", "informational")],
        "t/2": [("reckless", "lexical")]}


@pytest.mark.slow  # the shipped informational model runs MiniLM's first layers
def test_cli_writes_spans_and_scores_them(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from rashomon.cli import main

    out = tmp_path / "spans.jsonl"
    try:
        main(["evaluate", "framing", str(FIXTURES / "articles.jsonl"), "--predictions", str(out)])
    except SystemExit as stop:
        assert not stop.code
    printed = capsys.readouterr().out
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    texts = {r["id"]: r["text"] for r in read_jsonl(FIXTURES / "articles.jsonl")}
    for row in rows:
        assert {"id", "start", "end", "kind"} <= row.keys()
        assert row["kind"] in {"lexical", "informational"}
        assert 0 <= row["start"] < row["end"] <= len(texts[row["id"]])
    assert {(r["id"], texts[r["id"]][r["start"]:r["end"]]) for r in rows} >= {
        ("t/2", "reckless")}
    assert {r["kind"] for r in rows} <= {"lexical", "informational"}
    # annotations.jsonl lies beside articles.jsonl: the figures are printed.
    assert "span-overlap, the flagger" in printed
    assert "flag-every-sentence baseline" in printed
    assert "source fox" in printed


def test_cli_rejects_a_line_without_text(tmp_path: Path) -> None:
    from rashomon.cli.evaluate_framing import _articles

    bad = tmp_path / "in.jsonl"
    bad.write_text('{"id": "a", "text": "fine"}\n{"id": "b"}\n', encoding="utf-8")
    with pytest.raises(RashomonError) as error:
        _articles(str(bad))
    assert (error.value.code, error.value.fields["line"]) == ("E143", 2)
    bad.write_text("not json\n", encoding="utf-8")
    with pytest.raises(RashomonError) as error:
        _articles(str(bad))
    assert error.value.code == "E142"
