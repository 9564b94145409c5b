"""``rashomon evaluate framing`` and ``rashomon evaluate basil``: the bias flagger's figures.

``framing`` flags any JSONL file of articles (``{"id", "text", ...}`` a line) and writes one line
per flagged span; when gold spans are at hand it prints span-overlap P/R/F1 per kind (the
metric is defined in :func:`rashomon.framing.bias.score_spans` and docs/framing-bias.md), beside
the baseline that flags every sentence. ``basil`` does the same on the shared BASIL folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer

from rashomon.cli.evaluate import data_dir, evaluate_app
from rashomon.errors import InputError


def _articles(path: str) -> list[dict[str, Any]]:
    from rashomon.framing.bias import read_jsonl

    rows = read_jsonl(path)
    for number, row in enumerate(rows, 1):
        for name in ("id", "text"):
            if not isinstance(row.get(name), str):
                raise InputError("E143", path=path, line=number, field=name)
    return rows


def _gold_beside(path: str) -> Path | None:
    """BASIL's layout: ``annotations.jsonl`` beside an ``articles*.jsonl`` input."""
    candidate = Path(path).with_name(Path(path).name.replace("articles", "annotations", 1))
    if "articles" in Path(path).name and candidate.is_file():
        return candidate
    return None


def run_framing(
    rows: list[dict[str, Any]],
    predictions: str | None,
    gold_rows: list[dict[str, Any]] | None,
) -> str:
    """Flag ``rows``, write the spans to ``predictions``, and return the report to print."""
    import time

    from rashomon._files import write_atomically
    from rashomon.framing.bias import (
        BiasFlagger,
        every_sentence_baseline,
        format_scores,
        gold_from_annotations,
        score_spans,
    )

    flagger = BiasFlagger()
    # Not part of the timing: the tokenizer and the MiniLM layers load on first use.
    flagger("Warm up: the models load on first use.")
    began = time.perf_counter()
    # pipe() embeds the sentences of several articles in one batch.
    flagged = dict(zip([str(row["id"]) for row in rows],
                       flagger.pipe(str(row["text"]) for row in rows), strict=True))
    seconds = time.perf_counter() - began
    if predictions:
        write_atomically(Path(predictions), "".join(
            json.dumps({"id": doc_id, "start": s.start, "end": s.end, "kind": s.kind,
                        "reason": s.reason, "score": s.score}, ensure_ascii=False) + "\n"
            for doc_id, spans in flagged.items() for s in spans
        ))  # fmt: skip
    words = sum(len(str(row["text"]).split()) for row in rows)
    counts = {k: sum(s.kind == k for v in flagged.values() for s in v)
              for k in ("lexical", "informational")}  # fmt: skip
    lines = [f"{len(rows)} articles flagged: {counts['lexical']} lexical, "
             f"{counts['informational']} informational spans "
             f"({1000 * seconds / max(words / 1000, 1e-9):.1f} ms per 1,000 words)"
             + (f"; predictions in {predictions}" if predictions else "")]  # fmt: skip
    texts = {str(row["id"]): str(row["text"]) for row in rows}
    # Gold carried by the articles themselves (BASIL's phrase annotations or plain spans).
    carried = [row for row in rows if "phrase-level-annotations" in row]
    carried += [{"id": row["id"], **span} for row in rows
                for span in row.get("gold", []) if isinstance(span, dict)]  # fmt: skip
    if gold_rows is None and carried:
        gold_rows = carried
    if gold_rows is None:
        return "\n".join(lines)
    gold, lost = gold_from_annotations(gold_rows, texts)
    gold = {k: v for k, v in gold.items() if k in texts}
    predicted = {k: [(s.start, s.end, s.kind) for s in v] for k, v in flagged.items()}
    lines.append(format_scores(score_spans(predicted, gold), "span-overlap, the flagger"))
    lines.append(format_scores(score_spans(every_sentence_baseline(texts), gold),
                               "span-overlap, flag-every-sentence baseline"))  # fmt: skip
    sources = sorted({str(row.get("source", "")).lower() for row in rows} - {""})
    for source in sources:
        ids = {str(r["id"]) for r in rows if str(r.get("source", "")).lower() == source}
        lines.append(format_scores(
            score_spans({k: v for k, v in predicted.items() if k in ids},
                        {k: v for k, v in gold.items() if k in ids}), f"source {source}"))
    if lost:
        lines.append(f"({lost} gold annotations could not be placed in their article's text)")
    return "\n".join(lines)


@evaluate_app.command("framing")
def framing_command(
    articles: str = typer.Argument(..., help="A JSONL file of {\"id\", \"text\", ...} lines."),
    predictions: str | None = typer.Option(
        None, "--predictions", help="Write {\"id\", \"start\", \"end\", \"kind\", \"reason\", "
        "\"score\"} lines here, one per flagged span."
    ),
    gold: str | None = typer.Option(
        None, "--gold", help="Gold spans: BASIL's annotations.jsonl, or {\"id\", \"start\", "
        "\"end\", \"kind\"} lines [default: annotations.jsonl beside an articles.jsonl input]."
    ),
) -> None:
    """Flag loaded words (lexical) and slanting sentences (informational bias) in any file of
    articles; score them when gold spans are given or found."""
    from rashomon.framing.bias import read_jsonl

    rows = _articles(articles)
    gold_path = gold or _gold_beside(articles)
    print(run_framing(rows, predictions, read_jsonl(gold_path) if gold_path else None))


@evaluate_app.command("basil")
def basil_command(
    data: str | None = typer.Option(None, "--data", help="The shared data folder "
                                    "[default: ../shared/data]."),
    predictions: str | None = typer.Option(None, "--predictions", help="Write the spans here."),
) -> None:
    """The bias flagger on BASIL (DATA/basil): span-overlap P/R/F1 per kind and per source.
    The shipped model was trained on part of these events: see docs/framing-bias.md for the
    cross-validated and held-aside figures."""
    from rashomon.framing.bias import read_jsonl

    folder = data_dir(data) / "basil"
    rows = _articles(str(folder / "articles.jsonl"))
    print(run_framing(rows, predictions, read_jsonl(folder / "annotations.jsonl")))
