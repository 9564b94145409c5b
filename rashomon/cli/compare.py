"""``rashomon compare``: reconcile a handful of reports of one story."""

from __future__ import annotations

import sys
from datetime import datetime

from rashomon._files import write_atomically
from rashomon.cli.app import app
from rashomon.cli.options import (
    DEFAULT_MAX_BYTES,
    FORMATS,
    AllowPrivate,
    Device,
    Format,
    Inputs,
    MaxBytes,
    Output,
    Published,
    Quiet,
)
from rashomon.errors import RashomonError
from rashomon.model import Comparison
from rashomon.progress import Stage, set_enabled


@app.command("compare")
def compare_command(
    inputs: Inputs,
    fmt: Format = "terminal",
    output: Output = None,
    max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
    allow_private: AllowPrivate = False,
    device: Device = None,
    published: Published = None,
    quiet: Quiet = False,
) -> None:
    """What the reports agree on, what only one reports, and where they contradict each other."""
    comparison = reconcile_inputs(inputs, max_bytes=max_bytes, allow_private=allow_private,
                                  device=device, quiet=quiet, fmt=fmt, published=published)
    color = None
    if fmt == "terminal":
        color = output is None and sys.stdout.isatty()
    from rashomon.render import render

    text = render(comparison, fmt, **({"color": color} if fmt == "terminal" else {}))
    write_output(text, output, quiet)


def publication_date(value: str | None) -> str | None:
    """``--published`` checked: an ISO date or date-time (E044 otherwise)."""
    if value is None:
        return None
    try:
        datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise RashomonError("E044", value=value) from None
    return value.strip()


def reconcile_inputs(
    inputs: list[str], *, max_bytes: int, allow_private: bool, device: str | None,
    quiet: bool, fmt: str, published: str | None = None,
) -> Comparison:
    """Read the reports and reconcile them, with progress messages and warnings on stderr.

    ``published`` dates the reports that carry no date of their own; a report's own date wins.
    An unknown ``fmt`` is E042, before anything is read.
    """
    if fmt not in FORMATS:
        raise RashomonError("E042", format=fmt, expected=", ".join(FORMATS))
    published = publication_date(published)
    if quiet:
        set_enabled(False)
    from rashomon.reconcile import default_reconciler, read_inputs

    with Stage("Reading reports"):
        articles = read_inputs(inputs, max_bytes=max_bytes, allow_private=allow_private)
    if published:
        for article in articles:
            if article.published is None:
                article.published, article.published_from = published, "command line"
    # The device goes to the reconciler as a parameter; RASHOMON_DEVICE stays the default.
    reconciler = default_reconciler(device or None)
    with Stage("Loading models"):
        reconciler.load()
    with Stage(f"Reconciling {len(articles)} report{'s' if len(articles) != 1 else ''}"):
        comparison = reconciler.compare(articles)
    if fmt != "terminal":  # the terminal report lists them itself
        for warning in comparison.warnings:
            print(f"rashomon: warning: {warning}", file=sys.stderr)
    return comparison


def write_output(text: str, output: str | None, quiet: bool) -> None:
    if output:
        write_atomically(output, text)
        if not quiet:
            print(f"rashomon: wrote {output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
