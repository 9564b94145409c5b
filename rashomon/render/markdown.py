"""Markdown: the brief, the contradictions, the fact-by-source matrix and what only one report
carries, for pasting into notes, issues or wikis."""

from __future__ import annotations

from rashomon.model import Comparison
from rashomon.render.common import STATUS_LABEL, doc_label, letters, md_escape, sorted_facts
from rashomon.render.framing import framing_markdown
from rashomon.render.storyline import events_markdown, timeline_markdown

_CELL = {"carries": "●", "detail": "◐", "contradicts": "✖", "absent": "·"}


def render_markdown(comparison: Comparison) -> str:
    label = letters(comparison)
    lines: list[str] = ["# Reconciliation", ""]
    s = comparison.to_dict()["summary"]
    lines.append(
        f"{s['documents']} reports, {s['facts']} facts: **{s['corroborated']} corroborated** "
        f"({s['differing_in_detail']} differing in detail), {s['single_source']} single-source, "
        f"**{s['contradicted']} contradicted**."
    )
    lines += ["", "## Reports", ""]
    for doc in comparison.documents:
        lines.append(f"- **{label[doc.id]}**: {md_escape(doc_label(doc))}")
    if comparison.brief:
        lines += ["", "## Brief", ""]
        for b in comparison.brief:
            cites = ", ".join(label[d] for d in b.documents)
            lines.append(f"- {md_escape(b.text)} [{cites}]")
    if comparison.contradictions:
        lines += ["", "## Contradictions", ""]
        for c in comparison.contradictions:
            lines.append(f"- **{c.kind}**: {md_escape(c.explanation)}")
            for side in c.sides:
                for span in side:
                    lines.append(f"  - {label[span.document]}: “{md_escape(span.text)}”")
    lines += ["", "## Facts by source", ""]
    header = "| fact | status | " + " | ".join(label[d.id] for d in comparison.documents) + " |"
    lines += [header, "|" + "---|" * (2 + len(comparison.documents))]
    for f in sorted_facts(comparison):
        cells = []
        for doc in comparison.documents:
            if doc.id not in f.documents:
                cells.append(_CELL["absent"])
            elif f.status == "contradicted":
                cells.append(_CELL["contradicts"])
            elif any(d.span.document == doc.id for d in f.details):
                cells.append(_CELL["detail"])
            else:
                cells.append(_CELL["carries"])
        lines.append(
            f"| {md_escape(f.statement)} | {STATUS_LABEL[f.status]} | " + " | ".join(cells) + " |"
        )
    lines += [
        "",
        f"{_CELL['carries']} carries it · {_CELL['detail']} carries it and adds a detail · "
        f"{_CELL['contradicts']} contradicts another report · {_CELL['absent']} does not say",
    ]
    details = [(f, d) for f in comparison.facts for d in f.details]
    if details:
        lines += ["", "## Differences in detail", ""]
        for f, d in details:
            lines.append(
                f"- {md_escape(f.statement)}: only {label[d.span.document]} says "
                f"“{md_escape(d.span.text)}”"
            )
    if comparison.quotes:
        lines += ["", "## Quotes", ""]
        for q in comparison.quotes:
            who = q.speaker_name or "unattributed"
            lines.append(
                f"- {label[q.span.document]}: “{md_escape(q.span.text)}” — {md_escape(who)}"
            )
    for section in (events_markdown(comparison, label), timeline_markdown(comparison, label),
                    framing_markdown(comparison, label)):
        if section:
            lines += ["", *section]
    people = [e for e in comparison.entities if len(e.mentions) > 1]
    if people:
        lines += ["", "## People, organisations and places", ""]
        for e in people:
            also = f" (also: {md_escape(', '.join(e.aliases))})" if e.aliases else ""
            titles = f" — {md_escape(', '.join(e.titles))}" if e.titles else ""
            docs = ", ".join(label[d] for d in e.documents)
            lines.append(f"- **{md_escape(e.name)}**, {e.kind}{titles}{also} [{docs}]")
    return "\n".join(lines) + "\n"
