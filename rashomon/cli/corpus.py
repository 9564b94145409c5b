"""Corpus commands: ``ingest``, ``stories``, ``story`` and ``watch``.

Every command takes ``--db`` (default ``$RASHOMON_DB``, else the per-user SQLite file); see
``docs/corpus.md``. Long work shows progress bars on a terminal; errors are one line.
"""

from __future__ import annotations

import contextlib
import json
import re
import signal
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import typer

from rashomon._files import write_atomically
from rashomon.cli.app import app
from rashomon.errors import InputError, RashomonError

DB_HELP = (
    "The corpus: a file path, sqlite:///path or postgresql://... "
    "[default: $RASHOMON_DB, else ~/.local/share/rashomon/rashomon.sqlite3]"
)
STORY_FORMATS = ("terminal", "md", "json", "html")
INGEST_FORMATS = ("text", "json")
LIST_FORMATS = ("table", "json")


def _db_option() -> Any:
    return typer.Option(None, "--db", help=DB_HELP, show_default=False)


def _executor_option() -> Any:
    return typer.Option(
        "local", "--executor", "-x",
        help="Where the work runs: local (this process) or ray (a Ray cluster; pip install "
        "'rashomon[cluster]').",
    )


def _address_option() -> Any:
    return typer.Option(
        None, "--address", show_default=False,
        help="The Ray cluster's head, host:port or ray://host:10001 [default: $RAY_ADDRESS, "
        "else a cluster running on this machine, else a new one-node one].",
    )


@contextlib.contextmanager
def _executor(name: str, address: str | None) -> Iterator[Any]:
    """The executor for ``--executor``/``--address`` (None for local: the corpus's own)."""
    from rashomon.executors.base import EXECUTORS, make_executor

    if name not in EXECUTORS:
        raise InputError("E177", name=name, expected=", ".join(EXECUTORS))
    if name == "local":
        yield None
        return
    executor = make_executor(name, address)
    try:
        yield executor
    finally:
        executor.close()


def _open(
    db: str | None, *, read_options: dict[str, Any] | None = None, executor: Any = None
) -> Any:
    """The corpus at ``db``; ``read_options`` (``max_bytes``, ``fetch_deadline``) go to its
    reader, whichever reader the default toolkit has; ``executor`` runs its steps."""
    from rashomon.corpus.api import Corpus

    if not read_options:
        return Corpus(db, executor=executor)
    import dataclasses
    import functools

    from rashomon.corpus import ingest

    toolkit = ingest.default_toolkit()
    read = toolkit.read
    if read is None:
        from rashomon.readers import iter_reports

        read = iter_reports
    reader = functools.partial(read, **read_options)
    return Corpus(db, toolkit=dataclasses.replace(toolkit, read=reader), executor=executor)


# -- ingest ------------------------------------------------------------------------------------
@app.command("ingest")
def ingest_command(
    inputs: list[str] = typer.Argument(  # noqa: B008
        None, help="Folders, files (text, HTML, JSONL, a .txt list of feed addresses), "
        "http(s) addresses of feeds or pages, WARC files.", show_default=False,
    ),
    allow_private: bool = typer.Option(
        False, "--allow-private", help="Allow fetching from loopback and private addresses."
    ),
    no_recluster: bool = typer.Option(
        False, "--no-recluster",
        help="Skip the regrouping of the affected stories at the end (faster; the stories are "
        "then those of the online pass until the next ingest).",
    ),
    max_bytes: int | None = typer.Option(
        None, "--max-bytes", min=1, show_default=False,
        help="Refuse a file, JSONL line, WARC record or fetched response larger than this "
        "many bytes [default: 20000000].",
    ),
    fetch_deadline: str | None = typer.Option(
        None, "--fetch-deadline", show_default=False,
        help="Give up on a fetch (a page or feed, redirects included) after this long: 30s, "
        "2m... [default: $RASHOMON_FETCH_DEADLINE seconds, else 30s].",
    ),
    fmt: str = typer.Option("text", "--format", "-f", help="text or json (the summary)."),
    executor: str = _executor_option(),
    address: str | None = _address_option(),
    db: str | None = _db_option(),
) -> None:
    """Add reports to the corpus and group them into stories. Safe to rerun: what is already
    stored is skipped, and an interrupted ingest keeps every batch it committed. Reports not
    in English are skipped (the analysis reads English only), each with the reason."""
    if not inputs:
        raise InputError("E067")
    if fmt not in INGEST_FORMATS:
        raise InputError("E042", format=fmt, expected=", ".join(INGEST_FORMATS))
    read_options: dict[str, Any] = {}
    if max_bytes is not None:
        read_options["max_bytes"] = max_bytes
    if fetch_deadline is not None:
        read_options["fetch_deadline"] = parse_duration(fetch_deadline)
    with _executor(executor, address) as runner, _open(
        db, read_options=read_options, executor=runner
    ) as corpus:
        report = corpus.ingest(inputs, allow_private=allow_private,
                               recluster=not no_recluster, progress=fmt != "json")
        if fmt == "json":
            json.dump(report.to_dict(), sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
        else:
            print_report(report, corpus.store.url)
    if report.failed and not report.read and not report.skipped:
        # Nothing at all could be read: let scripts notice. (SystemExit, not typer.Exit: in
        # non-standalone mode click turns Exit into a return value that main() drops.)
        raise SystemExit(1)


#: Skipped inputs listed one per line in the summary; beyond, only how many more.
SHOW_SKIPPED = 20


def print_report(report: Any, where: str, *, file: Any = None) -> None:
    """The end-of-ingest summary: the counts, then each skipped input and each failure on one
    line (failures last, so that the last line of a failed run names what failed)."""
    out = file or sys.stdout
    stories = len(report.stories)
    rows = [
        ("read", report.read, "articles"),
        ("new", report.new, f"stored, in {stories} {_plural(stories, 'story', 'stories')}"
                            f" ({report.new_stories} new)"),
        ("duplicates", report.duplicate, "skipped: already stored"),
        ("near-duplicates", report.near_duplicate,
         "wire copies, grouped with their original (counted in new)"),
        ("skipped", len(report.skipped), "not articles, or not in English"),
        ("failed", report.failed, ""),
    ]
    if getattr(report, "recluster_window", 0):
        rows.append((
            "regrouped", report.reclustered,
            f"{_plural(report.reclustered, 'story', 'stories')} changed by regrouping "
            f"{report.recluster_window} articles ({report.recluster_seconds:.1f} s)",
        ))
    print(f"Ingested into {where} in {report.seconds:.1f} s", file=out)
    for name, count, note in rows:
        print(f"  {name:<16}{count:>7}  {note}".rstrip(), file=out)
    if report.skipped:
        print("Skipped:", file=out)
        for origin, reason in report.skipped[:SHOW_SKIPPED]:
            print(f"  {origin}: {' '.join(reason.split())}", file=out)
        if len(report.skipped) > SHOW_SKIPPED:
            print(f"  ... and {len(report.skipped) - SHOW_SKIPPED} more", file=out)
    if report.failures:
        print("Failures:", file=out)
        for failure in report.failures:
            reason = " ".join(failure.reason.split())
            line = reason if failure.origin in reason else f"{failure.origin}: {reason}"
            print(f"  {line}", file=out)


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


# -- stories -----------------------------------------------------------------------------------
@app.command("stories")
def stories_command(
    search: str | None = typer.Option(
        None, "--search", "-s", help="Only stories whose reports contain all these words."
    ),
    limit: int | None = typer.Option(
        None, "--limit", "-n", min=0,
        help="How many to list [default: 20 in a table, all in JSON].", show_default=False,
    ),
    offset: int = typer.Option(0, "--offset", min=0, help="Skip this many first."),
    fmt: str = typer.Option("table", "--format", "-f", help="table or json."),
    recluster: bool = typer.Option(
        False, "--recluster", help="Regroup the whole corpus into stories first."
    ),
    compare: bool = typer.Option(
        False, "--compare",
        help="Reconcile the listed stories now (on --executor) and cache the results, so "
        "that `rashomon story` and the web UI answer at once.",
    ),
    executor: str = _executor_option(),
    address: str | None = _address_option(),
    db: str | None = _db_option(),
) -> None:
    """List stories, biggest and newest first (best match first with --search).

    JSON: a list of {"id", "title", "size", "sources", "articles", "duplicates", ...}; every
    stored article is in the "articles" of exactly one story, near-duplicates included (they
    are also in "duplicates", mapped to the original they copy)."""
    if fmt not in LIST_FORMATS:
        raise InputError("E042", format=fmt, expected=", ".join(LIST_FORMATS))
    with _executor(executor, address) as runner, _open(db, executor=runner) as corpus:
        if recluster:
            changed = corpus.recluster()
            print(f"Reclustered: {len(changed)} stories changed.", file=sys.stderr)
        if compare:
            listed = corpus.stories(limit=limit if fmt == "json" or limit is not None else 20,
                                    offset=offset, search=search)
            started = time.monotonic()
            done = corpus.compare_stories([s.id for s in listed])
            print(f"Reconciled {len(done)} stories with the {executor} executor in "
                  f"{time.monotonic() - started:.1f} s.", file=sys.stderr)
        if fmt == "json":
            found = corpus.stories(limit=limit, offset=offset, search=search)
            json.dump([s.to_dict() for s in found], sys.stdout, ensure_ascii=False, indent=2)
            sys.stdout.write("\n")
            return
        shown = 20 if limit is None else limit
        found = corpus.stories(limit=shown, offset=offset, search=search)
        total = corpus.count_stories(search)
        _print_table(found, total=total, offset=offset, search=search)


def _print_table(stories: list[Any], *, total: int, offset: int, search: str | None) -> None:
    """A plain table sized to the terminal: ids and counts are never cut, titles are."""
    import shutil

    if not stories:
        what = f"matching {search!r}" if search else "in the corpus"
        print(f"No stories {what}." if total == 0 else "No stories on this page.")
        return
    width = max(60, shutil.get_terminal_size((120, 24)).columns)
    rows = []
    for story in stories:
        copies = f"+{len(story.duplicates)}" if story.duplicates else ""
        outlets = ", ".join(story.sources)
        rows.append((story.id, f"{story.size}{copies}", (story.latest or "")[:10],
                     _cut(outlets, 28), story.title or "(untitled)"))
    header = ("ID", "REPORTS", "LATEST", "OUTLETS", "TITLE")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]
    room = max(20, width - sum(widths) - 2 * 4)
    for row in [header, *rows]:
        cells = [row[0].ljust(widths[0]), row[1].rjust(widths[1]), row[2].ljust(widths[2]),
                 row[3].ljust(widths[3]), _cut(row[4], room)]
        print("  ".join(cells).rstrip())
    last = offset + len(stories)
    if total > last:
        print(f"Stories {offset + 1}-{last} of {total}; more with --offset {last}.")
    elif offset:
        print(f"Stories {offset + 1}-{last} of {total}.")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


# -- story -------------------------------------------------------------------------------------
@app.command("story")
def story_command(
    story_id: str = typer.Argument(..., help="The story's id, as `rashomon stories` lists it."),
    fmt: str = typer.Option("terminal", "--format", "-f", help="terminal, md, json or html."),
    output: Path | None = typer.Option(  # noqa: B008
        None, "--output", "-o", help="Write to this file instead of the terminal.",
        dir_okay=False,
    ),
    db: str | None = _db_option(),
) -> None:
    """Reconcile one story's reports: what they agree on, what only one reports, and where
    they contradict each other. Computed once and cached until the story changes."""
    if fmt not in STORY_FORMATS:
        raise InputError("E042", format=fmt, expected=", ".join(STORY_FORMATS))
    if output is not None and output.is_dir():
        raise InputError("E043", path=output)
    with _open(db) as corpus:
        comparison = corpus.compare_story(story_id)
    from rashomon.render import render

    text = render(comparison, fmt)
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        write_atomically(output, text)


# -- watch -------------------------------------------------------------------------------------
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*(d|h|m|s)")
_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_duration(value: str) -> float:
    """Seconds in ``90``, ``90s``, ``15m``, ``2h``, ``1h30m`` or ``1d`` (E066 otherwise)."""
    text = value.strip().lower().replace(" ", "")
    if re.fullmatch(r"\d+(\.\d+)?", text):
        seconds = float(text)
    elif text and _DURATION.sub("", text) == "":
        seconds = sum(float(n) * _UNITS[u] for n, u in _DURATION.findall(text))
    else:
        raise InputError("E066", value=value)
    if seconds <= 0:
        raise InputError("E066", value=value)
    return seconds


@app.command("watch")
def watch_command(
    inputs: list[str] = typer.Argument(  # noqa: B008
        None, help="What to ingest each round: usually a feeds.txt or feed addresses.",
        show_default=False,
    ),
    every: str = typer.Option("15m", "--every", help="Time between rounds: 90s, 15m, 2h..."),
    once: bool = typer.Option(False, "--once", help="Ingest once and stop."),
    allow_private: bool = typer.Option(
        False, "--allow-private", help="Allow fetching from loopback and private addresses."
    ),
    db: str | None = _db_option(),
) -> None:
    """Ingest again and again: one round, then sleep. Ctrl-C (or SIGTERM) stops cleanly,
    keeping every batch already committed."""
    if not inputs:
        raise InputError("E067")
    interval = parse_duration(every)
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _stop)
    try:
        with _open(db) as corpus:
            while True:
                started = datetime.now().astimezone()
                try:
                    report = corpus.ingest(inputs, allow_private=allow_private)
                except RashomonError as exc:  # e.g. the database is away: try next round
                    print(f"{started:%Y-%m-%d %H:%M:%S} round failed: {exc}", file=sys.stderr)
                else:
                    print(_round_line(started, report), flush=True)
                    for origin, reason in report.skipped[:SHOW_SKIPPED]:
                        print(f"  skipped: {origin}: {reason}", flush=True)
                    for failure in report.failures:
                        print(f"  failed: {failure.origin}: {failure.reason}", flush=True)
                if once:
                    return
                time.sleep(interval)
    except KeyboardInterrupt:
        print("Stopped; everything ingested so far is stored.", file=sys.stderr)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _round_line(started: datetime, report: Any) -> str:
    return (
        f"{started:%Y-%m-%d %H:%M:%S} read {report.read}, new {report.new} "
        f"({report.near_duplicate} near-duplicates) in {len(report.stories)} stories, "
        f"{report.duplicate} already stored, {report.failed} failed, "
        f"{len(report.skipped)} skipped"
    )
