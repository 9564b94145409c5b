"""``rashomon events`` and ``rashomon timeline``: who did what to whom, and when."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable

from rich.console import Console

from rashomon.cli.app import app
from rashomon.cli.compare import reconcile_inputs, write_output
from rashomon.cli.options import (
    DEFAULT_MAX_BYTES,
    AllowPrivate,
    Device,
    Format,
    Inputs,
    MaxBytes,
    Output,
    Published,
    Quiet,
)
from rashomon.model import Comparison
from rashomon.render.common import doc_label, letters
from rashomon.render.storyline import (
    conflict_series,
    events_markdown,
    print_events,
    print_timeline,
    timeline_markdown,
    when_label,
)


def _reports_header(comparison: Comparison, label: dict[str, str]) -> list[str]:
    lines = []
    for doc in comparison.documents:
        published = doc.published or "no publication date"
        lines.append(f"{label[doc.id]}: {doc_label(doc)} ({published})")
    return lines


def _json(comparison: Comparison, what: str) -> str:
    documents = [{"id": d.id, "source": d.source, "title": d.title, "published": d.published}
                 for d in comparison.documents]
    data: dict[str, object] = {"documents": documents}
    if what == "events":
        data["events"] = [e.to_dict() for e in comparison.events]
        data["event_disagreements"] = [d.to_dict() for d in comparison.event_disagreements]
    else:
        data["timeline"] = [
            {**e.to_dict(), "when_label": when_label(e.when)} for e in comparison.events
        ]
        data["conflict"] = conflict_series(comparison.events)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _render(comparison: Comparison, what: str, fmt: str, color: bool) -> str:
    label = letters(comparison)
    if fmt == "json":
        return _json(comparison, what)
    if fmt == "html":
        from rashomon.render import render

        return render(comparison, "html")
    if fmt == "md":
        title = "# Events" if what == "events" else "# Timeline"
        body = (events_markdown if what == "events" else timeline_markdown)(comparison, label)
        head = [f"- {line}" for line in _reports_header(comparison, label)]
        # The section's own "## " title and blank line give way to the page's title.
        body = body[2:] if body else ["No event was found in these reports."]
        return "\n".join([title, "", *head, "", *body]) + "\n"
    buffer = io.StringIO()
    console = Console(file=buffer, width=110, force_terminal=color, no_color=not color,
                      highlight=False, soft_wrap=False)
    for line in _reports_header(comparison, label):
        console.print(line, markup=False)
    console.print()
    if not comparison.events:
        console.print("No event was found in these reports.")
    (print_events if what == "events" else print_timeline)(console, comparison, label)
    return buffer.getvalue()


def _command(what: str) -> Callable[..., None]:
    """The Typer command for "events" or "timeline"."""

    def command(
        inputs: Inputs,
        fmt: Format = "terminal",
        output: Output = None,
        max_bytes: MaxBytes = DEFAULT_MAX_BYTES,
        allow_private: AllowPrivate = False,
        device: Device = None,
        published: Published = None,
        quiet: Quiet = False,
    ) -> None:
        comparison = reconcile_inputs(inputs, max_bytes=max_bytes, allow_private=allow_private,
                                      device=device, quiet=quiet, fmt=fmt, published=published)
        color = fmt == "terminal" and output is None and sys.stdout.isatty()
        write_output(_render(comparison, what, fmt, color), output, quiet)

    return command


app.command(
    "events",
    help="Who did what to whom: the story's events coded actor -> action -> target (CAMEO, "
    "PLOVER, Goldstein), merged across the reports, and where the reports differ on them.",
)(_command("events"))
app.command(
    "timeline",
    help="The story's events in order, with dates resolved against each report's "
    "publication date, and conflict versus cooperation per pair of actors.",
)(_command("timeline"))
