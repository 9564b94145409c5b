"""``rashomon evaluate timex`` and ``rashomon evaluate timebank``: temporal expressions.

``timex`` reads any JSONL file of articles ``{"id", "text", "published"}``, writes one line per
expression found, and scores them when gold is at hand (TempEval-3 Task A figures).
``timebank`` runs the same on the TimeBank documents of the shared data, on a fixed half.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from rashomon.cli.evaluate import data_dir, evaluate_app


@evaluate_app.command("timex")
def timex_command(
    articles: str = typer.Argument(..., help="A JSONL file of {\"id\", \"text\", \"published\"}."),
    predictions: str | None = typer.Option(
        None, "--predictions",
        help="Write one JSON line per expression here: id, start, end, text, value, type.",
    ),
    gold: str | None = typer.Option(
        None, "--gold", help="Gold expressions, one JSON line each in the predictions' shape "
        "[default: the \"timexes\" inside the article lines, if any].",
    ),
    parse: bool = typer.Option(True, "--parse/--no-parse", help="Parse each text with spaCy "
                               "first, so verb tense picks which Tuesday is meant (as compare "
                               "does; --no-parse: rules alone, faster)."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Find and normalise the temporal expressions of any file of articles; score them when
    the lines carry gold ("timexes") or --gold is given."""
    from rashomon._files import write_atomically
    from rashomon.timex.evaluation import (
        gold_of,
        predict,
        prediction_lines,
        read_articles,
        score_predictions,
    )
    from rashomon.timex.score import format_score

    rows = read_articles(articles)
    found = predict(rows, parse=parse)
    if predictions:
        write_atomically(Path(predictions), prediction_lines(found))
    result = score_predictions(rows, found, gold_of(rows, gold))
    if result is None:
        count = sum(len(f) for _, f in found)
        print(f"{count} expressions in {len(rows)} articles"
              + (f"; predictions in {predictions}" if predictions else ""))
    elif as_json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(format_score(result, Path(articles).name))


@evaluate_app.command("timebank")
def timebank_command(
    data: str | None = typer.Option(None, "--data", help="The shared data folder "
                                    "[default: ../shared/data]."),
    split: str = typer.Option("dev", "--split", help="dev, test or all (a fixed partition by "
                              "file name; see rashomon.timex.timebank)."),
    predictions: str | None = typer.Option(
        None, "--predictions", help="Write one JSON line per expression found here."),
    write_articles: str | None = typer.Option(
        None, "--write-articles", help="Also write the documents as ARTICLES.jsonl (with their "
        "gold inside), for 'rashomon evaluate timex'."),
    write_gold: str | None = typer.Option(
        None, "--write-gold", help="Also write the gold expressions, one JSON line each."),
    parse: bool = typer.Option(True, "--parse/--no-parse", help="Parse each text with spaCy "
                               "first, so verb tense picks which Tuesday is meant (as compare "
                               "does; --no-parse: rules alone, faster)."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """TempEval-3 Task A on TimeBank (DATA/tempeval3_timebank): strict and relaxed span P/R/F1,
    value F1 and type F1 of the TEXT part's expressions, the creation time as anchor."""
    from rashomon._files import write_atomically
    from rashomon.timex.evaluation import (
        gold_of,
        predict,
        prediction_lines,
        score_predictions,
        timebank_rows,
        write_timebank_jsonl,
    )
    from rashomon.timex.score import format_score
    from rashomon.timex.timebank import Split, read_timebank

    splits: dict[str, Split] = {"dev": "dev", "test": "test", "all": "all"}
    half = splits.get(split)
    if half is None:
        raise typer.BadParameter("--split is dev, test or all")
    folder = data_dir(data) / "tempeval3_timebank"
    rows = timebank_rows(read_timebank(folder, half))
    found = predict(rows, parse=parse)
    if predictions:
        write_atomically(Path(predictions), prediction_lines(found))
    if write_articles:
        write_timebank_jsonl(folder, half, Path(write_articles),
                             Path(write_gold) if write_gold else None)
    elif write_gold:
        raise typer.BadParameter("--write-gold goes with --write-articles")
    result = score_predictions(rows, found, gold_of(rows, None))
    assert result is not None  # every TimeBank row carries its gold
    if as_json:
        print(json.dumps({"split": split, "documents": len(rows), **result.to_dict()}, indent=2))
    else:
        print(format_score(result, f"TimeBank {split} ({len(rows)} documents)"))
