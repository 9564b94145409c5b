"""``rashomon evaluate``: the quality figures, from public data anyone can rerun.

The data sets live outside the project (``../shared/data`` beside a checkout, or ``--data``);
the founding example is bundled under ``examples/petro-trump``.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import typer

from rashomon.cli.app import app
from rashomon.errors import RashomonError

evaluate_app = typer.Typer(help="Measure rashomon against reference data.", no_args_is_help=True)
app.add_typer(evaluate_app, name="evaluate")

_PROJECT = Path(__file__).resolve().parents[2]


def data_dir(given: str | None) -> Path:
    """``--data``, else ``$RASHOMON_DATA``, else ``../shared/data`` beside the project.

    A ``--data`` that is given must be a folder (E080): falling back to another folder would
    measure other data than the one asked for, without a word.
    """
    shared = str(_PROJECT.parent / "shared" / "data")
    if given:
        if not Path(given).is_dir():
            raise RashomonError("E080", path=given)
        return Path(given)
    for candidate in (os.environ.get("RASHOMON_DATA"), shared):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    raise RashomonError("E080", path=shared)


def _data_option() -> Any:
    """The ``--data`` option; ``Any`` as ``typer.Option`` itself returns, so that it can stand as
    the default of a ``str | None`` parameter."""
    return typer.Option(None, "--data", help="The shared data folder [default: ../shared/data].")


@evaluate_app.command("seeds")
def seeds_command(
    folder: str | None = typer.Option(
        None, "--folder", help="A folder with two reports and gold.json "
        "[default: the bundled examples/petro-trump]."
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List every reference fact."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Score the founding example against its hand-made reference (gold.json)."""
    from rashomon.evaluation.seeds import format_report, run

    result, _ = run(Path(folder) if folder else None)
    if as_json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(format_report(result, verbose=verbose))


@evaluate_app.command("fnc1")
def fnc1_command(
    data: str | None = _data_option(),
    predictions: str | None = typer.Option(
        None, "--predictions", help="Write one JSON line per pair here: headline, body_id, stance."
    ),
    limit: int | None = typer.Option(None, "--limit", help="Only the first N pairs."),
) -> None:
    """Stance of article bodies towards headlines (FNC-1), by the model trained on FNC-1's
    training set: predicts from DATA/fnc1 (headline and body only) and scores when the pairs
    carry a gold stance."""
    from rashomon.evaluation import fnc1

    argv = ["--data", str(data_dir(data))] + (["--limit", str(limit)] if limit else [])
    argv += ["--predictions", predictions] if predictions else []
    sys.exit(fnc1.main(argv) or 0)


@evaluate_app.command("perturbations")
def perturbations_command(
    data: str | None = _data_option(),
    count: int = typer.Option(40, "--count", help="Edited copies per kind of change."),
    seed: int = typer.Option(7, "--seed"),
    verbose: bool = typer.Option(False, "--verbose", "-v"),
) -> None:
    """Change a number, date, name or negation in copies of real articles; check each change
    is reported as a contradiction of the right kind, and nothing else."""
    from rashomon.evaluation.contradictions import format_report, run

    result = run(data_dir(data), per_kind=count, seed=seed)
    print(format_report(result, verbose=verbose))


@evaluate_app.command("outlets")
def outlets_command(
    data: str | None = _data_option(),
    limit: int | None = typer.Option(None, "--limit", help="Only the first N stories."),
) -> None:
    """Reconcile real stories told by several outlets and list every contradiction reported,
    for a person to check (real discrepancies or false alarms)."""
    from rashomon.evaluation.contradictions import format_real, run_real

    print(format_real(run_real(data_dir(data), limit=limit)))


@evaluate_app.command("clustering")
def clustering_command(
    input_file: str | None = typer.Argument(
        None, metavar="[INPUT.jsonl]",
        help="Cluster this JSONL file of articles (id, text; a 'story' on every line is scored) "
        "instead of the shared data sets.",
    ),
    predictions: str | None = typer.Option(
        None, "--predictions", help="With INPUT: write one {id, story} line per article here."
    ),
    data: str | None = _data_option(),
    embeddings: bool = typer.Option(
        False, "--embeddings",
        help="Also score the pairs with all-MiniLM-L6-v2 (about 6 minutes on 2 CPU cores).",
    ),
    cv: bool = typer.Option(
        True, "--cv/--no-cv",
        help="Also print the leave-one-topic-out cross-validated B3 F1 (about 5 s).",
    ),
) -> None:
    """Story clustering (ECB+, NewsWCL50, BASIL; cross-validated) and pair similarity
    (SemEval-2022 Task 8, Lee), or the stories of one JSONL file."""
    from rashomon.evaluation import clustering

    if input_file is not None:
        argv = [input_file] + (["--predictions", predictions] if predictions else [])
    else:
        argv = ["--data", str(data_dir(data))] + (["--embeddings"] if embeddings else [])
        argv += [] if cv else ["--no-cv"]
    sys.exit(clustering.main(argv) or 0)


@evaluate_app.command("statements")
def statements_command(
    data: str | None = _data_option(),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List every flagged statement."),
    audit: str | None = typer.Option(
        None, "--audit", help="Write a Markdown sample of facts with their evidence, to judge."
    ),
    sample: int = typer.Option(50, "--sample", help="How many facts the --audit sheet holds."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Check that statements are clauses and add no name their evidence lacks."""
    from rashomon._files import write_atomically
    from rashomon.evaluation.statements import audit_sample, format_report, run, summary

    checks, comparisons = run(data_dir(data))
    if audit:
        write_atomically(Path(audit), audit_sample(comparisons, sample))
    print(json.dumps(summary(checks), indent=2) if as_json else format_report(checks, verbose))


@evaluate_app.command("nli")
def nli_command(
    pairs: str | None = typer.Argument(
        None, help="A JSONL file of {\"premise\", \"hypothesis\"} lines."
    ),
    predictions: str | None = typer.Option(
        None, "--predictions", help="Write {\"premise\", \"hypothesis\", \"label\"} lines here."
    ),
    dev: bool = typer.Option(False, "--dev", help="Instead of PAIRS, the dev split of the shared "
                             "NLI data that training keeps aside (every source)."),
    data: str | None = _data_option(),
) -> None:
    """Judge entailment / neutral / contradiction for any file of pairs; scores gold labels
    when the lines carry them."""
    from rashomon._files import write_atomically
    from rashomon.backends.nli import default_judge
    from rashomon.evaluation.nli import dev_rows, format_score, predict, read_pairs, score

    if (pairs is None) == (not dev):
        raise typer.BadParameter("give a PAIRS file or --dev (one of them)")
    rows = dev_rows(data_dir(data) / "nli") if dev else read_pairs(str(pairs))
    judge = default_judge()
    labels = predict(rows, judge)
    if predictions:
        write_atomically(Path(predictions), "".join(
            json.dumps({"premise": r["premise"], "hypothesis": r["hypothesis"], "label": label},
                       ensure_ascii=False) + "\n"
            for r, label in zip(rows, labels, strict=True)
        ))  # fmt: skip
    result = score(rows, labels)
    if result is not None:
        print(format_score(result, getattr(judge, "name", type(judge).__name__)))
    else:
        print(f"{len(labels)} pairs judged" + (f"; predictions in {predictions}" if predictions
                                                 else ""))  # fmt: skip


@evaluate_app.command("judge")
def judge_command(
    data: str | None = _data_option(),
    learned: bool = typer.Option(False, "--learned", help="Score the small learned judge "
                                 "(rashomon/data/judge) instead of the default one."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Score the entailment judge on the held-out perturbation pairs: real news sentences of
    ECB+ and MEANTIME stories never trained on, with one thing changed (per kind of change),
    within one report and across differently worded reports."""
    from rashomon.backends.embeddings import default_embedder
    from rashomon.backends.nli import LearnedJudge, default_judge
    from rashomon.evaluation.train_judge import build_pairs, evaluate, report

    embedder = default_embedder()
    judge = LearnedJudge(embedder=embedder) if learned else default_judge(embedder)
    pairs = [p for p in build_pairs(data_dir(data), seed=0, embedder=embedder)
             if p.split == "heldout"]
    metrics = evaluate(judge.judge([(p.premise, p.hypothesis) for p in pairs]), pairs)
    name = getattr(judge, "name", type(judge).__name__)
    print(json.dumps(metrics, indent=2) if as_json else report(f"{name}, held-out", metrics))
