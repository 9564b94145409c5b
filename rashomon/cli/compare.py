"""``rashomon compare``: reconcile a handful of reports of one story."""

from __future__ import annotations

import sys

import typer

from rashomon._files import write_atomically
from rashomon.cli.app import app
from rashomon.errors import RashomonError
from rashomon.progress import Stage, set_enabled

FORMATS = ("terminal", "md", "json", "html")


@app.command("compare")
def compare_command(
    inputs: list[str] = typer.Argument(  # noqa: B008
        ..., help="Reports: text, HTML or JSONL files, folders, or http(s) addresses.",
        show_default=False,
    ),
    fmt: str = typer.Option(
        "terminal", "--format", "-f", help=f"Output format: {', '.join(FORMATS)}."
    ),
    output: str | None = typer.Option(
        None, "--output", "-o", help="Write to this file instead of standard output."
    ),
    max_bytes: int = typer.Option(
        20_000_000, "--max-bytes", help="Refuse inputs larger than this many bytes."
    ),
    allow_private: bool = typer.Option(
        False, "--allow-private", help="Allow fetching from loopback and private addresses."
    ),
    device: str | None = typer.Option(
        None, "--device", help="Where models run: cpu (default), cuda or auto."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress messages."),
) -> None:
    """What the reports agree on, what only one reports, and where they contradict each other."""
    if fmt not in FORMATS:
        raise RashomonError("E042", format=fmt, expected=", ".join(FORMATS))
    if quiet:
        set_enabled(False)
    import os

    if device:
        os.environ["RASHOMON_DEVICE"] = device
    from rashomon.reconcile import default_reconciler, read_inputs
    from rashomon.render import render

    with Stage("Reading reports"):
        articles = read_inputs(inputs, max_bytes=max_bytes, allow_private=allow_private)
    reconciler = default_reconciler()
    with Stage("Loading models"):
        reconciler.load()
    with Stage(f"Reconciling {len(articles)} report{'s' if len(articles) != 1 else ''}"):
        comparison = reconciler.compare(articles)
    if fmt != "terminal":  # the terminal report lists them itself
        for warning in comparison.warnings:
            print(f"rashomon: warning: {warning}", file=sys.stderr)
    color = None
    if fmt == "terminal":
        color = output is None and sys.stdout.isatty()
    text = render(comparison, fmt, **({"color": color} if fmt == "terminal" else {}))
    if output:
        write_atomically(output, text)
        if not quiet:
            print(f"rashomon: wrote {output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
