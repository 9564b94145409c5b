"""``rashomon evaluate petrarch`` and ``rashomon evaluate police-events``: the event coder's
figures."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import typer

from rashomon.cli.evaluate import data_dir, evaluate_app


@evaluate_app.command("petrarch")
def petrarch_command(
    data: str | None = typer.Option(None, "--data", help="The shared data folder "
                                    "[default: ../shared/data]."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List every record missed."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Code PETRARCH2's unit-test records with its validation dictionaries; score the share of
    gold (source, target, code) triples produced, on the dev and the held-out test part."""
    from rashomon.backends.parser import default_parser
    from rashomon.events.evaluation import format_petrarch, run_petrarch

    scores = run_petrarch(data_dir(data) / "petrarch2_validation", default_parser())
    if as_json:
        print(json.dumps([s.to_dict() for s in scores], indent=2))
    else:
        print(format_petrarch(scores, verbose))


@evaluate_app.command("police-events")
def police_events_command(
    sentences: str = typer.Argument(..., help="IndiaPoliceEvents sentences, JSONL "
                                    "{\"doc_id\", \"sent_id\", \"sent_text\"[, \"sent_labels\"]}."),
    predictions: str | None = typer.Option(
        None, "--predictions", help="Write {\"doc_id\", \"sent_id\", \"labels\"} lines here."
    ),
    select: bool = typer.Option(False, "--select", help="Also show every setting's score on "
                                "the document-level dev part and on the held-out part."),
) -> None:
    """Label sentences KILL / ARREST / FAIL / FORCE / ANY_ACTION from the coded events whose
    actor is the police; scores the labels when the lines carry ``sent_labels``."""
    from rashomon._files import write_atomically
    from rashomon.backends.parser import default_parser
    from rashomon.events import EventCoder
    from rashomon.events.evaluation import (
        PoliceSettings,
        code_sentences,
        format_labels,
        is_test,
        police_labels,
        read_sentences,
        score_labels,
    )

    rows = read_sentences(Path(sentences))
    coder = EventCoder(uncoded=True)  # police acts CAMEO has no verb for count too
    events = list(code_sentences(rows, default_parser(), coder))
    settings = PoliceSettings()
    labels = [police_labels(e, settings) for e in events]
    if predictions:
        write_atomically(Path(predictions), "".join(
            json.dumps({"doc_id": r["doc_id"], "sent_id": r["sent_id"],
                        "labels": sorted(found)}) + "\n"
            for r, found in zip(rows, labels, strict=True)
        ))  # fmt: skip
    if not all("sent_labels" in r for r in rows):
        print(f"{len(rows)} sentences labelled" + (f"; predictions in {predictions}"
                                                    if predictions else ""))  # fmt: skip
        return
    gold = [set(r["sent_labels"]) for r in rows]
    held = [is_test(str(r["doc_id"])) for r in rows]

    def part(name: str, keep: list[bool], predicted: list[set[str]]):  # type: ignore[no-untyped-def]
        return score_labels(name, [g for g, k in zip(gold, keep, strict=True) if k],
                            [p for p, k in zip(predicted, keep, strict=True) if k])  # fmt: skip

    dev_mask = [not h for h in held]
    print(format_labels([part("dev", dev_mask, labels), part("held", held, labels),
                         part("all", [True] * len(rows), labels)]))  # fmt: skip
    if select:
        # one setting at a time against the defaults (chosen on dev; held shown for the record)
        print("settings, each flipped from the default: dev / held macro F1")
        base = PoliceSettings()
        for name in [f.name for f in dataclasses.fields(PoliceSettings)]:
            flipped = dataclasses.replace(base, **{name: not getattr(base, name)})
            predicted = [police_labels(e, flipped) for e in events]
            print(f"  {name}={getattr(flipped, name)}: {part('dev', dev_mask, predicted).macro:.3f}"
                  f" / {part('held', held, predicted).macro:.3f}")
