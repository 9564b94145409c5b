"""The story's events and timeline as text: the Markdown and terminal sections, and the words
shared by every renderer (how a TIMEX3 value and a mood read to a person)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from rashomon.model import Comparison, EventActor, StoryEvent
from rashomon.render.common import md_escape

# Moods that say the act did not (or not yet) happen: never counted as the act on the
# conflict/cooperation series.
NOT_DONE_MOODS = frozenset({"negated", "hypothetical", "future", "threatened"})

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_UNANCHORED_WEEKDAY = re.compile(r"^XXXX-WXX-([1-7])$")
_REFS = {"PAST_REF": "in the past", "PRESENT_REF": "now", "FUTURE_REF": "in the future"}

# How each mood reads next to the act: a future, negated or threatened act is never the act.
MOOD_NOTE = {
    "asserted": "",
    "negated": "did not happen",
    "future": "expected",
    "hypothetical": "if",
    "threatened": "threatened",
    "reported": "reported",
}


def when_label(value: str | None) -> str:
    """A TIMEX3 value as a person reads it; unresolved values say so."""
    if not value:
        return "undated"
    m = _UNANCHORED_WEEKDAY.match(value)
    if m:
        return f"a {_WEEKDAYS[int(m.group(1)) - 1]} (no publication date to place it)"
    if value in _REFS:
        return _REFS[value]
    m = re.match(r"^(\d{4})-(\d{2})$", value)
    if m and 1 <= int(m.group(2)) <= 12:
        return f"{_MONTHS[int(m.group(2)) - 1]} {m.group(1)}"
    return value


def actor_label(actor: EventActor) -> str:
    name = actor.name or "unknown"
    return f"{name} ({actor.code})" if actor.code else name


def event_line(event: StoryEvent) -> str:
    """``Gustavo Petro (COLGOV) → meet → Donald Trump (USAGOV)``, with its mood."""
    code = f" [{event.cameo}]" if event.cameo else ""
    note = MOOD_NOTE.get(event.mood, event.mood)
    mood = f" ({note})" if note else ""
    return (f"{actor_label(event.source)} → {event.verb}{code}{mood} → "
            f"{actor_label(event.target)}")


def events_markdown(comparison: Comparison, label: Mapping[str, str]) -> list[str]:
    """The events table and where the reports disagree on them, as Markdown lines."""
    if not comparison.events:
        return []
    lines = ["## Events", "",
             "| # | when | who | action | CAMEO | PLOVER | Goldstein | whom | mood | reports |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for e in comparison.events:
        gold = "" if e.goldstein is None else f"{e.goldstein:+.1f}"
        cites = ", ".join(label[d] for d in e.documents)
        lines.append(
            f"| {e.id} | {md_escape(when_label(e.when))} | {md_escape(actor_label(e.source))} | "
            f"{md_escape(e.verb)} | {e.cameo or ''} | {e.plover or ''} | {gold} | "
            f"{md_escape(actor_label(e.target))} | {e.mood} | {cites} |"
        )
    if comparison.event_disagreements:
        lines += ["", "### Where the reports differ on an event", ""]
        for d in comparison.event_disagreements:
            lines.append(f"- **{d.kind}** ({', '.join(d.events)}): {md_escape(d.explanation)}")
            for side in d.sides:
                for span in side:
                    lines.append(f"  - {label[span.document]}: “{md_escape(span.text)}”")
    return lines


def timeline_markdown(comparison: Comparison, label: Mapping[str, str]) -> list[str]:
    if not comparison.events:
        return []
    lines = ["## Timeline", ""]
    for e in comparison.events:
        cites = ", ".join(label[d] for d in e.documents)
        evidence = e.evidence[0].text if e.evidence else ""
        lines.append(f"{e.order + 1}. **{md_escape(when_label(e.when))}**: "
                     f"{md_escape(event_line(e))} [{cites}] — “{md_escape(evidence)}”")
    return lines


def print_events(console: Console, comparison: Comparison, label: Mapping[str, str]) -> None:
    if not comparison.events:
        return
    table = Table(title="Events (who did what to whom)", title_justify="left", expand=True)
    for name in ("#", "when", "who", "action", "whom", "Goldstein", "reports"):
        table.add_column(name)
    for e in comparison.events:
        note = MOOD_NOTE.get(e.mood, e.mood)
        action = f"{e.verb} [{e.cameo}]" if e.cameo else e.verb
        style = "dim" if note else ""
        table.add_row(
            e.id, when_label(e.when), actor_label(e.source),
            Text(action + (f" ({note})" if note else ""), style=style),
            actor_label(e.target),
            "" if e.goldstein is None else f"{e.goldstein:+.1f}",
            ",".join(label[d] for d in e.documents),
        )
    console.print(table)
    for d in comparison.event_disagreements:
        console.print(Text(f"  ≠ {d.kind}: {d.explanation}", style="red"))
        for side in d.sides:
            for span in side:
                console.print(f"      {label[span.document]}: “{escape(span.text)}”")
    console.print()


def print_timeline(console: Console, comparison: Comparison, label: Mapping[str, str]) -> None:
    if not comparison.events:
        return
    console.print(Text("Timeline", style="bold underline"))
    for e in comparison.events:
        cites = ",".join(label[d] for d in e.documents)
        console.print(Text.assemble(
            (f"  {when_label(e.when):>12}  ", "bold"), (event_line(e), ""),
            (f" [{cites}]", "cyan"),
        ))
    console.print()


def conflict_series(events: Sequence[StoryEvent]) -> list[dict[str, object]]:
    """Conflict versus cooperation per actor pair, in timeline order: acts that happened, between
    two known actors."""
    pairs: dict[str, list[dict[str, object]]] = {}
    for event in events:
        if event.goldstein is None or event.mood in NOT_DONE_MOODS:
            continue
        if event.source.key is None or event.target.key is None:
            continue  # a pair needs both actors
        source = event.source.code or event.source.name
        target = event.target.code or event.target.name
        pairs.setdefault(f"{source} → {target}", []).append({
            "when": event.when, "order": event.order, "goldstein": event.goldstein,
            "documents": event.documents, "event": event.id,
        })
    return [{"pair": pair, "points": points} for pair, points in pairs.items()]
