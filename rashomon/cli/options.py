"""Options that several commands share, spelt once: the reports to read, the output format and
file, the reading limits, the device, the publication date for undated reports, quiet.

Each is an ``Annotated`` type; a command gives the default in its own signature
(``fmt: Format = "terminal"``), so the help text, the flags and the checks stay the same across
``compare``, ``events`` and ``timeline``.
"""

from __future__ import annotations

from typing import Annotated

import typer

FORMATS = ("terminal", "md", "json", "html")

Inputs = Annotated[
    list[str],
    typer.Argument(
        help="Reports: text, HTML or JSONL files, folders, or http(s) addresses.",
        show_default=False,
    ),
]
Format = Annotated[
    str, typer.Option("--format", "-f", help=f"Output format: {', '.join(FORMATS)}.")
]
Output = Annotated[
    str | None,
    typer.Option("--output", "-o", help="Write to this file instead of standard output."),
]
MaxBytes = Annotated[
    int, typer.Option("--max-bytes", help="Refuse inputs larger than this many bytes.")
]
AllowPrivate = Annotated[
    bool,
    typer.Option(
        "--allow-private", help="Allow fetching from loopback and private addresses."
    ),
]
Device = Annotated[
    str | None, typer.Option("--device", help="Where models run: cpu (default), cuda or auto.")
]
Published = Annotated[
    str | None,
    typer.Option(
        "--published",
        help="Publication date (YYYY-MM-DD) for reports that carry none: relative dates "
        '("on Tuesday") are resolved against it.',
    ),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress messages.")]

DEFAULT_MAX_BYTES = 20_000_000
