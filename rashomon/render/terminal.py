"""A readable report for the terminal (rich), the default output of ``rashomon compare``."""

from __future__ import annotations

import io

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from rashomon.model import Comparison
from rashomon.render.common import doc_label, letters, sorted_facts
from rashomon.render.framing import print_framing
from rashomon.render.storyline import print_events, print_timeline

_STYLE = {"corroborated": "green", "single_source": "yellow", "contradicted": "bold red"}
_MARK = {"corroborated": "✔", "single_source": "•", "contradicted": "✖"}


def render_terminal(
    comparison: Comparison, *, width: int | None = None, color: bool | None = None,
    max_single: int = 40,
) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width or 110,
        force_terminal=color if color is not None else False,
        no_color=color is False,
        highlight=False,
        soft_wrap=False,
    )
    label = letters(comparison)
    summary = comparison.to_dict()["summary"]

    docs = Table(show_header=False, box=None, padding=(0, 1))
    for doc in comparison.documents:
        docs.add_row(Text(label[doc.id], style="bold"), Text(doc_label(doc)))
    headline = Text.assemble(
        (f"{summary['documents']} reports · {summary['facts']} facts · ", ""),
        (f"{summary['corroborated']} corroborated", "green"),
        (f" ({summary['differing_in_detail']} differing in detail) · ", ""),
        (f"{summary['single_source']} single-source", "yellow"),
        (" · ", ""),
        (f"{summary['contradicted']} contradicted", "bold red"),
    )
    console.print(Panel(Group(headline, docs), title="rashomon", title_align="left"))

    if comparison.brief:
        console.print(Text("Brief", style="bold underline"))
        for b in comparison.brief:
            cites = ",".join(label[d] for d in b.documents)
            console.print(Text.assemble(("  • ", ""), (b.text, ""), (f" [{cites}]", "cyan")))
        console.print()

    if comparison.contradictions:
        console.print(Text("Contradictions", style="bold red underline"))
        for c in comparison.contradictions:
            console.print(Text(f"  ✖ {c.kind}: {c.explanation}", style="red"))
            for side in c.sides:
                for span in side:
                    console.print(f"      {label[span.document]}: “{escape(span.text)}”")
        console.print()

    facts = Table(title="Facts by source", title_justify="left", show_lines=False, expand=True)
    facts.add_column("", width=1)
    facts.add_column("fact", ratio=1)
    for doc in comparison.documents:
        facts.add_column(label[doc.id], justify="center", width=max(2, len(label[doc.id])))
    shown_single = 0
    hidden_single = 0
    for f in sorted_facts(comparison):
        if f.status == "single_source":
            if shown_single >= max_single:
                hidden_single += 1
                continue
            shown_single += 1
        cells = []
        for doc in comparison.documents:
            if doc.id not in f.documents:
                cells.append(Text("·", style="dim"))
            elif f.status == "contradicted":
                cells.append(Text("✖", style="bold red"))
            elif any(d.span.document == doc.id for d in f.details):
                cells.append(Text("◐", style="green"))
            else:
                cells.append(Text("●", style=_STYLE[f.status]))
        statement = Text(f.statement)
        for d in f.details:
            statement.append(f"\n  {label[d.span.document]} adds: “{d.span.text}”", style="dim")
        facts.add_row(Text(_MARK[f.status], style=_STYLE[f.status]), statement, *cells)
    console.print(facts)
    if hidden_single:
        console.print(Text(f"  … and {hidden_single} more single-source facts (--format md or "
                           "json lists them all)", style="dim"))
    console.print(Text("  ● carries it  ◐ carries it and adds a detail  ✖ contradicts  · silent",
                       style="dim"))
    console.print()

    if comparison.quotes:
        console.print(Text("Quotes", style="bold underline"))
        for q in comparison.quotes:
            who = q.speaker_name or "unattributed"
            console.print(f"  {label[q.span.document]}: “{escape(q.span.text)}” — {escape(who)}")
        console.print()

    print_events(console, comparison, label)
    print_timeline(console, comparison, label)
    print_framing(console, comparison, label)

    people = [e for e in comparison.entities if len(e.mentions) > 1]
    if people:
        console.print(Text("People, organisations and places", style="bold underline"))
        for e in people[:25]:
            extra = f" — {', '.join(e.titles)}" if e.titles else ""
            aliases = f" (also: {', '.join(e.aliases)})" if e.aliases else ""
            docs_of = ",".join(label[d] for d in e.documents)
            console.print(f"  {escape(e.name)} [{e.kind}]{escape(extra)}{escape(aliases)} "
                          f"[cyan]\\[{docs_of}][/cyan]")
    for w in comparison.warnings:
        console.print(Text(f"warning: {w}", style="yellow"))
    return buffer.getvalue()
