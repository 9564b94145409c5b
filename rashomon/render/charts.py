"""Charts of the HTML report and the web UI: matplotlib drawn server-side as inline SVG.

Each chart is one function returning a :class:`Chart`: the SVG (or None for the charts that are
tables) and a text equivalent (a small HTML table or list) that the page shows next to it, so
that nothing is told by the picture alone.

Why it is built the way it is:

* **No network, no fonts to fetch.** matplotlib draws with the Agg machinery it ships and writes
  SVG whose labels stay text (``svg.fonttype = "none"``): the reader's browser sets them, and a
  screen reader or a search finds them. A fixed ``svg.hashsalt`` and no date in the metadata make
  the same data give the same bytes.
* **The SVG is rebuilt, not trusted.** The labels are statements, outlet and speaker names that
  came with the reports. matplotlib escapes them, but the page does not rely on it: its SVG is
  parsed and written again from a short list of elements and attributes (:func:`clean_svg`), so
  no script, event handler, foreign element or outside link can come through. Its ``style``
  attributes become presentation attributes (``fill="#009E73"``), which no Content-Security-Policy
  blocks, while the pages' policies forbid inline styles; its ids are prefixed per chart, so
  that several charts on one page never share one.
* **Colour is never the only cue.** Categories use the Okabe–Ito palette, the Goldstein scale the
  diverging "PuOr" map (both readable with the common colour-vision deficiencies); cells and bars
  also differ by shape or carry their number, and every chart has its text equivalent.
* **Cheap, and no GUI.** pyplot and its backends are never loaded: figures are plain
  :class:`Figure` objects written by the SVG writer, safe in the web service's threads; the fact
  matrix draws one marker set per state rather than one shape per cell.

This module imports matplotlib at its top; only :mod:`rashomon.render.html` and the web UI import
it, so the terminal, Markdown and JSON outputs never load matplotlib.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape as _esc
from typing import Any

import matplotlib
import matplotlib.dates as mdates
from markupsafe import Markup
from matplotlib import colormaps
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import offset_copy

from rashomon.errors import RashomonError
from rashomon.model import Comparison, StoryFact
from rashomon.render.common import letters, sorted_facts

# Read at save time from the global settings, so they are set here once for the process.
matplotlib.rcParams.update({
    "svg.fonttype": "none",  # labels stay text
    "svg.hashsalt": "rashomon",  # the ids of clip paths do not change from run to run
    "text.parse_math": False,  # "$5 and $10" in a statement is money, not mathematics
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],  # shipped with matplotlib: nothing to find or fetch
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8,
})

__all__ = [
    "GOLDSTEIN_MAP",
    "OKABE_ITO",
    "STATES",
    "Chart",
    "SourceCounts",
    "cell_state",
    "clean_svg",
    "conflict_chart",
    "events_table",
    "fact_heatmap",
    "goldstein_class",
    "goldstein_colour",
    "quote_shares",
    "quote_shares_chart",
    "source_bars",
    "source_counts",
    "timeline_chart",
    "timex_interval",
    "word_choice_table",
]

#: Okabe & Ito's palette of eight colours told apart with every common colour-vision deficiency.
OKABE_ITO: dict[str, str] = {
    "orange": "#E69F00",
    "sky": "#56B4E9",
    "green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "purple": "#CC79A7",
    "black": "#000000",
}
#: Conflict (-10, brown-orange) to cooperation (+10, purple): diverging and colour-blind safe.
GOLDSTEIN_MAP = "PuOr"
_GOLDSTEIN_NORM = Normalize(-10.0, 10.0)

#: The four states of a fact-by-source cell: (colour, word, symbol of the text equivalent).
STATES: dict[str, tuple[str, str, str]] = {
    "carries": (OKABE_ITO["green"], "carries it", "●"),
    "detail": (OKABE_ITO["sky"], "carries it, with a differing detail", "◐"),
    "contradicts": (OKABE_ITO["vermillion"], "contradicted", "✖"),
    "absent": ("#E4E7EB", "does not say", "·"),
}

_INK = "#1f2328"
_MUTED = "#59636e"
_GRID = "#d1d9e0"
_NONE = "#9aa4af"  # what has no Goldstein value
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


@dataclass(slots=True)
class Chart:
    """One chart of a page: the picture (None for a chart that is a table) and its text."""

    id: str  # the html id of its figure, and the prefix of the ids inside its SVG
    title: str
    summary: str  # one sentence: the SVG's <desc> and aria description
    svg: Markup | None
    text: Markup  # the text equivalent: a table or a list, escaped
    note: str | None = None  # e.g. "Showing 60 of 150 facts."


# -- helpers ----------------------------------------------------------------------------------
def _clean(text: object) -> str:
    """Text as one line without the control characters XML cannot carry."""
    return " ".join(_CONTROL.sub("", str(text)).split())


def _short(text: object, width: int) -> str:
    text = _clean(text)
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    space = cut.rfind(" ")
    if space > width * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def _h(text: object) -> str:
    return _esc(_clean(text), quote=True)


def _fail(what: str, problem: str) -> RashomonError:
    return RashomonError("E150", what=what, problem=problem)


def _list(data: object, what: str) -> list[Mapping[str, Any]]:
    """Chart input that must be a list of mappings (E150 when it is not)."""
    if data is None:
        return []
    if not isinstance(data, Sequence) or isinstance(data, (str, bytes)):
        raise _fail(what, "expected a list of objects")
    for k, item in enumerate(data):
        if not isinstance(item, Mapping):
            raise _fail(what, f"item {k} is not an object")
    return list(data)


def _number(value: object, what: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(what, f"{value!r} is not a number")
    return float(value)


def _strings(value: object, what: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise _fail(what, "expected a list of strings")
    return [_clean(v) for v in value]


def _svg(fig: Figure, prefix: str, title: str, summary: str) -> Markup:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    return clean_svg(buffer.getvalue(), prefix, title, summary)


def _letter_names(comparison: Comparison | None) -> dict[str, str]:
    """Document ids and letters to "A · Outlet" (what the inputs of 4-7 call documents)."""
    if comparison is None:
        return {}
    label = letters(comparison)
    out: dict[str, str] = {}
    for d in comparison.documents:
        out[d.id] = label[d.id]
        out[label[d.id]] = label[d.id]
    return out


def _docs(documents: Iterable[str], names: Mapping[str, str]) -> str:
    return ", ".join(names.get(d, d) for d in documents)


# -- the SVG, rebuilt from what is allowed ------------------------------------------------------
_SVG_NS = "{http://www.w3.org/2000/svg}"
_XLINK = "{http://www.w3.org/1999/xlink}href"
_ELEMENTS = frozenset({"svg", "g", "defs", "clipPath", "path", "use", "rect", "circle",
                       "ellipse", "line", "polyline", "polygon", "text", "tspan"})
_ATTRIBUTES = frozenset({"d", "x", "y", "dx", "dy", "width", "height", "transform", "viewBox",
                         "points", "cx", "cy", "r", "rx", "ry", "x1", "y1", "x2", "y2",
                         "clip-path", "clipPathUnits"})
_PROPERTIES = frozenset({"fill", "fill-opacity", "fill-rule", "stroke", "stroke-width",
                         "stroke-opacity", "stroke-linejoin", "stroke-linecap",
                         "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit",
                         "opacity", "font-size", "font-family", "font-weight", "font-style",
                         "text-anchor", "dominant-baseline", "clip-path", "letter-spacing"})
_SAFE_VALUE = re.compile(r"^[#\w\s.,%'\"()+-]*$")
_URL_REF = re.compile(r"^url\(#([\w.-]+)\)$")
_FONTS = "'DejaVu Sans', Verdana, 'Bitstream Vera Sans', Arial, sans-serif"
_DECIMALS = re.compile(r"(\d\.\d\d)\d+")


def clean_svg(svg: str, prefix: str, title: str, summary: str) -> Markup:
    """matplotlib's SVG written again from allowed elements and attributes only, ready to
    inline in HTML: ``role="img"`` with a ``<title>`` and ``<desc>``, styles as presentation
    attributes, ids prefixed with ``prefix`` and references only to ids inside it."""
    body = re.sub(r"<!DOCTYPE[^>]*>", "", svg, count=1, flags=re.DOTALL)
    root = ET.fromstring(body)
    pid = re.sub(r"[^A-Za-z0-9_-]", "-", prefix)
    ids: set[str] = {el.get("id", "") for el in root.iter() if el.get("id")}

    def ref(value: str) -> str | None:
        m = _URL_REF.match(value.strip())
        return f"url(#{pid}-{m.group(1)})" if m and m.group(1) in ids else None

    def attributes(el: ET.Element, tag: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, value in el.attrib.items():
            if name == "id":
                if tag in ("clipPath", "path", "g", "rect") and value in ids:
                    out["id"] = f"{pid}-{value}"
            elif name in (_XLINK, "href"):
                if value.startswith("#") and value[1:] in ids:
                    out["href"] = f"#{pid}-{value[1:]}"
            elif name == "style":
                for item in value.split(";"):
                    prop, _, val = item.partition(":")
                    prop, val = prop.strip(), val.strip()
                    if prop == "font-family":
                        continue  # one font for the whole picture, set on its root
                    if prop == "clip-path":
                        if (r := ref(val)) is not None:
                            out[prop] = r
                    elif prop in _PROPERTIES and _SAFE_VALUE.match(val) and "url" not in val:
                        out[prop] = val
            elif name == "clip-path":
                if (r := ref(value)) is not None:
                    out[name] = r
            elif name in _ATTRIBUTES and _SAFE_VALUE.match(value) and "url" not in value:
                # a hundredth of a point is finer than any screen: a third off the bytes
                out[name] = _DECIMALS.sub(lambda m: m.group(1), value)
        return out

    def write(el: ET.Element, parts: list[str]) -> None:
        tag = el.tag.removeprefix(_SVG_NS)
        if tag not in _ELEMENTS or tag == "svg":
            return
        attrs = attributes(el, tag)
        parts.append("<" + tag + "".join(f' {k}="{_esc(v, quote=True)}"'
                                         for k, v in attrs.items()) + ">")
        if el.text and tag in ("text", "tspan"):
            parts.append(_esc(_CONTROL.sub("", el.text), quote=False))
        for child in el:
            write(child, parts)
            if child.tail and tag in ("text", "tspan"):
                parts.append(_esc(_CONTROL.sub("", child.tail), quote=False))
        parts.append(f"</{tag}>")

    box = root.get("viewBox", "0 0 100 100")
    if not re.fullmatch(r"[\d.\s-]+", box):
        box = "0 0 100 100"
    width, height = (float(v) for v in box.split()[2:4])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img" '
        f'viewBox="{box}" width="{width * 4 / 3:.0f}" height="{height * 4 / 3:.0f}" '
        f'aria-labelledby="{pid}-t {pid}-d" stroke-linejoin="round" stroke-linecap="butt" '
        f'font-family="{_esc(_FONTS, quote=True)}" focusable="false">',
        f'<title id="{pid}-t">{_h(title)}</title><desc id="{pid}-d">{_h(summary)}</desc>',
    ]
    for child in root:
        write(child, parts)
    parts.append("</svg>")
    return Markup("".join(parts))


# -- 1. the fact-by-source matrix ---------------------------------------------------------------
def cell_state(fact: StoryFact, doc_id: str) -> str:
    """carries, detail, contradicts or absent: what one report does with one story fact."""
    if doc_id not in fact.documents:
        return "absent"
    if fact.status == "contradicted":
        return "contradicts"
    if any(d.span.document == doc_id for d in fact.details):
        return "detail"
    return "carries"


def _source_name(comparison: Comparison, doc_id: str, width: int) -> str:
    label = letters(comparison)[doc_id]
    doc = comparison.document(doc_id)
    return f"{label} · {_short(doc.source or doc.title or doc.id, width)}"


def fact_heatmap(comparison: Comparison, *, max_rows: int = 60) -> Chart:
    """Rows: the story's facts (in the order of the page's table), columns: the reports, each
    cell coloured and shaped by what the report does with the fact. At most ``max_rows`` rows
    are drawn (with a note saying so); the text equivalent lists every fact."""
    facts = sorted_facts(comparison)
    docs = comparison.documents
    title = "Who reports what, at a glance"
    if not facts or not docs:
        return Chart("chart-matrix", title, "No facts to show.", None,
                     Markup('<p class="empty">No facts to show.</p>'))
    shown = facts[:max_rows]
    note = (f"Showing the first {len(shown)} of {len(facts)} facts, in the order of the table "
            "below; the table lists them all.") if len(shown) < len(facts) else None
    cell = 13.0  # points per cell, whatever the number of reports
    name_width = 14 if len(docs) > 4 else 24
    columns = [_source_name(comparison, d.id, name_width) for d in docs]
    rows = [_short(f.statement, 58) for f in shown]
    # Room for the labels, from their length (DejaVu Sans averages ~0.56 em a character in
    # these labels): the report names are slanted at 55 degrees above their columns.
    name_length = max(len(c) for c in columns) * 8 * 0.56
    left = max(len(r) for r in rows) * 7.5 * 0.58 + 12.0
    legend = 22.0
    top = legend + name_length * 0.82 + 8.0
    # how far the slanted names reach past the last column (cos 55° = 0.57)
    right = max(12.0, max(cell * (k + 0.5) + len(c) * 8 * 0.56 * 0.58
                          for k, c in enumerate(columns)) - cell * len(docs) + 6.0)
    width = max(left + cell * len(docs) + right, 400.0)
    height = top + cell * len(shown) + 6.0
    fig = Figure(figsize=(width / 72, height / 72), dpi=72)
    ax = fig.add_axes((left / width, 6.0 / height, cell * len(docs) / width,
                       cell * len(shown) / height))
    ax.set_xlim(-0.5, len(docs) - 0.5)
    ax.set_ylim(len(shown) - 0.5, -0.5)
    by_state: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for row, fact in enumerate(shown):
        for col, doc in enumerate(docs):
            by_state[cell_state(fact, doc.id)].append((col, row))
    area = (cell * 0.86) ** 2
    for state, (colour, _, _) in STATES.items():
        points = by_state.get(state)
        if not points:
            continue
        xs, ys = zip(*points, strict=True)
        size = area * (0.45 if state == "absent" else 1.0)  # absent: a small grey square
        ax.scatter(xs, ys, s=size, marker="s", c=colour, linewidths=0)
        # Shape as well as colour: a dot marks a differing detail, a cross a contradiction.
        if state == "detail":
            ax.scatter(xs, ys, s=area * 0.18, marker="o", c="white", linewidths=0)
        elif state == "contradicts":
            ax.scatter(xs, ys, s=area * 0.3, marker="x", c="white", linewidths=1.6)
    # Labels as plain texts, not ticks: a tick is three artists more, and 150 of them cost
    # more than the whole rest of the chart.
    ax.axis("off")
    for col, name in enumerate(columns):
        ax.text(col - 0.1, -0.75, name, rotation=55, ha="left", va="bottom",
                rotation_mode="anchor", fontsize=8, color=_INK)
    for row, name in enumerate(rows):
        ax.text(-0.7, row, name, ha="right", va="center", fontsize=7.5, color=_INK)
    handles = [Line2D([], [], marker="s", linestyle="", markersize=8, markerfacecolor=c,
                      markeredgewidth=0, label=w) for c, w, _ in STATES.values()]
    # The key on top: a tall matrix scrolls, and its first rows are what is seen first.
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(4 / width, 1.0),
               ncol=4, frameon=False, handletextpad=0.3, columnspacing=1.0, fontsize=7.5,
               borderaxespad=0.2)
    counts = Counter(cell_state(f, d.id) for f in facts for d in docs)
    summary = (f"A grid of {len(facts)} facts by {len(docs)} reports: "
               + "; ".join(f"{counts.get(s, 0)} cells {STATES[s][1]}" for s in STATES) + ".")
    svg = _svg(fig, "chart-matrix", title, summary)
    # The text equivalent: the same grid, every fact, one symbol a cell (the key above says
    # what each means; the page's own table under it tells each cell in words).
    label = letters(comparison)
    head = "".join(f'<th scope="col" title="{_h(d.source or d.id)}">{_h(label[d.id])}</th>'
                   for d in docs)
    lines = []
    for f in facts:
        states = (cell_state(f, d.id) for d in docs)
        cells = "".join(f'<td class="c-{s}">{STATES[s][2]}</td>' for s in states)
        lines.append(f'<tr><th scope="row">{_h(f.statement)}</th>{cells}</tr>')
    key = " · ".join(f"{sym} {_h(word)}" for _, word, sym in STATES.values())
    text = Markup(f'<p class="chart-key">{key}</p><div class="chart-table-wrap">'
                  f'<table class="chart-table"><thead><tr><th scope="col">Fact</th>{head}'
                  f'</tr></thead><tbody>{"".join(lines)}</tbody></table></div>')
    return Chart("chart-matrix", title, summary, svg, text, note)


# -- 2. per-source bars -------------------------------------------------------------------------
@dataclass(slots=True, frozen=True)
class SourceCounts:
    """What one report does with the story's facts."""

    document: str
    corroborated: int  # facts it carries that other reports carry too (not contradicted)
    only_here: int  # facts no other report carries
    omitted: int  # facts more than half of the other reports carry that it leaves out
    contradicted: int  # facts it carries that another report contradicts

    def to_dict(self) -> dict[str, Any]:
        return {"document": self.document, "corroborated": self.corroborated,
                "only_here": self.only_here, "omitted": self.omitted,
                "contradicted": self.contradicted}


def source_counts(comparison: Comparison) -> list[SourceCounts]:
    """One :class:`SourceCounts` per report, in the reports' order.

    A fact counts as *omitted* by a report when the report does not carry it and more than
    half of the other reports do; with two reports, that is every fact only the other carries.
    """
    out = []
    ids = [d.id for d in comparison.documents]
    for doc in ids:
        others = len(ids) - 1
        corroborated = only = omitted = contradicted = 0
        for f in comparison.facts:
            carried = set(f.documents) & set(ids)
            if doc in carried:
                if f.status == "contradicted":
                    contradicted += 1
                elif len(carried) > 1:
                    corroborated += 1
                else:
                    only += 1
            elif others and len(carried) * 2 > others:
                omitted += 1
        out.append(SourceCounts(doc, corroborated, only, omitted, contradicted))
    return out


_BAR_PARTS: tuple[tuple[str, str, str], ...] = (
    ("corroborated", "corroborated", OKABE_ITO["green"]),
    ("contradicted", "contradicted", OKABE_ITO["vermillion"]),
    ("only_here", "only here", OKABE_ITO["orange"]),
)
_OMITTED = ("omitted", "omitted (most others carry it)", OKABE_ITO["blue"])


def source_bars(comparison: Comparison, counts: Sequence[SourceCounts] | None = None) -> Chart:
    """One bar per report: to the right what it carries (corroborated, contradicted, only
    here), stacked; to the left what most of the others carry and it leaves out. ``counts``
    defaults to :func:`source_counts` (another module may give its own)."""
    title = "What each report carries and leaves out"
    rows = list(counts) if counts is not None else source_counts(comparison)
    if not rows:
        return Chart("chart-sources", title, "No reports.", None,
                     Markup('<p class="empty">No reports.</p>'))
    names = {d.id: d for d in comparison.documents}
    label = letters(comparison)

    def name(doc: str) -> str:
        d = names.get(doc)
        return (f"{label[doc]} · {_short(d.source or d.title or d.id, 22)}"
                if d is not None else _short(doc, 26))

    bar = 16.0
    height = 56.0 + bar * 1.45 * len(rows)
    width = 620.0
    fig = Figure(figsize=(width / 72, height / 72), dpi=72)
    ax = fig.add_axes((170 / width, 40 / height, 1 - 190 / width, 1 - 52 / height))
    ys = range(len(rows))
    left = [0.0] * len(rows)
    biggest = max([r.corroborated + r.contradicted + r.only_here for r in rows]
                  + [r.omitted for r in rows] + [1])
    for key, word, colour in _BAR_PARTS:
        values = [float(getattr(r, key)) for r in rows]
        ax.barh(ys, values, left=left, height=0.7, color=colour, label=word,
                edgecolor="white", linewidth=0.8)
        for y, (x0, v) in enumerate(zip(left, values, strict=True)):
            if v >= biggest * 0.06:  # the number inside, where it fits: not colour alone
                ax.text(x0 + v / 2, y, f"{v:.0f}", ha="center", va="center", fontsize=7,
                        color="white" if key != "only_here" else _INK)
        left = [a + b for a, b in zip(left, values, strict=True)]
    omitted = [-float(r.omitted) for r in rows]
    ax.barh(ys, omitted, height=0.7, color=_OMITTED[2], label=_OMITTED[1],
            edgecolor="white", linewidth=0.8)
    for y, v in enumerate(omitted):
        if -v >= biggest * 0.06:
            ax.text(v / 2, y, f"{-v:.0f}", ha="center", va="center", fontsize=7, color="white")
    ax.axvline(0, color=_INK, linewidth=0.8)
    ax.set_yticks(list(ys))
    ax.set_yticklabels([name(r.document) for r in rows])
    ax.invert_yaxis()
    most_left_out = max([r.omitted for r in rows] + [0])
    ax.set_xlim(-max(most_left_out, biggest * 0.25) * 1.05, biggest * 1.05)
    ax.xaxis.set_major_formatter(lambda x, _: f"{abs(x):.0f}")
    ax.set_xlabel("← facts it leaves out  |  facts it carries →", color=_MUTED)
    ax.grid(axis="x", color=_GRID, linewidth=0.5)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0)
    fig.legend(loc="lower left", bbox_to_anchor=(4 / width, 0.0), ncol=4, frameon=False,
               fontsize=7.5, handlelength=1.2, columnspacing=1.0)
    summary = "; ".join(
        f"{name(r.document)}: {r.corroborated} corroborated, {r.contradicted} contradicted, "
        f"{r.only_here} only here, {r.omitted} omitted" for r in rows) + "."
    svg = _svg(fig, "chart-sources", title, summary)
    body = "".join(
        f'<tr><th scope="row">{_h(name(r.document))}</th><td>{r.corroborated}</td>'
        f"<td>{r.contradicted}</td><td>{r.only_here}</td><td>{r.omitted}</td></tr>"
        for r in rows)
    text = Markup('<table class="chart-table num"><thead><tr><th scope="col">Report</th>'
                  '<th scope="col">corroborated</th><th scope="col">contradicted</th>'
                  '<th scope="col">only here</th><th scope="col">omitted</th></tr></thead>'
                  f"<tbody>{body}</tbody></table>")
    return Chart("chart-sources", title, summary, svg, text,
                 "Omitted: facts that more than half of the other reports carry and this one "
                 "leaves out.")


# -- 3. quote shares ----------------------------------------------------------------------------
def quote_shares(comparison: Comparison) -> tuple[list[str], dict[str, dict[str, int]]]:
    """The speakers (most quoted words first, "Unattributed" last) and, per report id and
    ``"*"`` for all reports, the quoted words of each speaker."""
    words: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    names: dict[str, str] = {}
    entity_names = {e.id: e.name for e in comparison.entities}
    for q in comparison.quotes:
        key = q.speaker or (q.speaker_name or "").strip().lower() or "\0unattributed"
        if key not in names:
            names[key] = (q.speaker_name or entity_names.get(q.speaker or "", "")
                          or "Unattributed") if key != "\0unattributed" else "Unattributed"
        n = len(q.span.text.split())
        words[q.span.document][key] += n
        words["*"][key] += n
    order = sorted(names, key=lambda k: (k == "\0unattributed", -words["*"][k], names[k]))
    # One name per speaker, as shown: two keys that read the same are told apart by a number.
    shown: dict[str, str] = {}
    seen: Counter[str] = Counter()
    for k in order:
        seen[_clean(names[k])] += 1
        shown[k] = _clean(names[k]) + (f" ({seen[_clean(names[k])]})"
                                       if seen[_clean(names[k])] > 1 else "")
    by_doc = {doc: {shown[k]: v for k, v in per.items()} for doc, per in words.items()}
    return [shown[k] for k in order], by_doc


def quote_shares_chart(comparison: Comparison, *, top: int = 7) -> Chart:
    """The share of the quoted words each speaker gets: over all reports, then per report
    (one 100 % bar each). The ``top`` speakers get their colour, the rest are "others"."""
    title = "Who is quoted, by share of quoted words"
    speakers, by_doc = quote_shares(comparison)
    if not speakers:
        return Chart("chart-quotes", title, "The reports quote no one.", None,
                     Markup('<p class="empty">The reports quote no one.</p>'))
    palette = [OKABE_ITO[k] for k in ("blue", "orange", "green", "purple", "sky",
                                      "vermillion", "yellow")]
    named = [s for s in speakers if s != "Unattributed"][:top]
    colour = {s: palette[k % len(palette)] for k, s in enumerate(named)}
    groups = [*named]
    if any(s not in colour and s != "Unattributed" for s in speakers):
        groups.append("Others")
        colour["Others"] = "#7f7f7f"
    if "Unattributed" in speakers:
        groups.append("Unattributed")
        colour["Unattributed"] = "#c9ced4"
    label = letters(comparison)
    docs = [d for d in comparison.documents if d.id in by_doc]
    bars = [("All reports", by_doc["*"])] + [
        (f"{label[d.id]} · {_short(d.source or d.title or d.id, 22)}", by_doc[d.id])
        for d in docs]

    def grouped(per: Mapping[str, int]) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for s, n in per.items():
            out[s if s in colour else ("Unattributed" if s == "Unattributed" else "Others")] += n
        return out

    bar = 16.0
    legend_rows = (len(groups) + 2) // 3
    height = 40.0 + 14.0 * legend_rows + bar * 1.5 * len(bars)
    width = 620.0
    fig = Figure(figsize=(width / 72, height / 72), dpi=72)
    bottom = (22.0 + 14.0 * legend_rows) / height
    ax = fig.add_axes((170 / width, bottom, 1 - 230 / width, 1 - bottom - 10 / height))
    for y, (_, per) in enumerate(bars):
        total = sum(per.values()) or 1
        parts = grouped(per)
        x = 0.0
        for g in groups:
            share = parts.get(g, 0) / total
            if share <= 0:
                continue
            ax.barh(y, share, left=x, height=0.7, color=colour[g], edgecolor="white",
                    linewidth=0.8)
            if share >= 0.08:
                dark = colour[g] in (OKABE_ITO["blue"], OKABE_ITO["vermillion"], "#7f7f7f",
                                     OKABE_ITO["green"])
                ax.text(x + share / 2, y, f"{share:.0%}", ha="center", va="center",
                        fontsize=7, color="white" if dark else _INK)
            x += share
        ax.text(1.01, y, f"{sum(per.values())} words", va="center", fontsize=7, color=_MUTED)
    ax.set_yticks(range(len(bars)))
    ax.set_yticklabels([b[0] for b in bars])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda x, _: f"{x:.0%}")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0)
    handles = [Patch(facecolor=colour[g], label=_short(g, 26)) for g in groups]
    fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(4 / width, 0.0), ncol=3,
               frameon=False, fontsize=7.5, handlelength=1.2)
    everyone = by_doc["*"]
    total = sum(everyone.values()) or 1
    summary = (f"{total} quoted words: "
               + "; ".join(f"{s} {everyone.get(s, 0) / total:.0%}" for s in speakers[:top])
               + ("; others " + f"{sum(everyone.get(s, 0) for s in speakers[top:]) / total:.0%}"
                  if len(speakers) > top else "") + ".")
    svg = _svg(fig, "chart-quotes", title, summary)
    head = "".join(f'<th scope="col">{_h(label[d.id])}</th>' for d in docs)
    rows = []
    for s in speakers:
        cells = []
        for per in [by_doc["*"], *(by_doc[d.id] for d in docs)]:
            n = per.get(s, 0)
            whole = sum(per.values()) or 1
            cells.append(f"<td>{n} ({n / whole:.0%})</td>" if n else "<td>–</td>")
        rows.append(f'<tr><th scope="row">{_h(s)}</th>{"".join(cells)}</tr>')
    text = Markup('<table class="chart-table num"><thead><tr><th scope="col">Speaker</th>'
                  f'<th scope="col">All</th>{head}</tr></thead><tbody>{"".join(rows)}'
                  "</tbody></table>")
    return Chart("chart-quotes", title, summary, svg, text,
                 "Quoted words per speaker (and the share of each report's quoted words).")


# -- 4. word choice -----------------------------------------------------------------------------
def word_choice_table(rows: object, comparison: Comparison | None = None) -> Chart:
    """How each report names the same people and things, loaded words marked. ``rows``: a list
    of ``{"entity": str, "sources": {doc: [phrases]}, "loaded": {doc: [phrases]}}``."""
    title = "Word choice"
    items = _list(rows, "word_choice")
    names = _letter_names(comparison)
    if not items:
        return Chart("chart-words", title, "No differences in word choice were found.", None,
                     Markup('<p class="empty">No differences in word choice were found.</p>'))
    docs: list[str] = []
    for k, item in enumerate(items):
        for key in ("sources", "loaded"):
            value = item.get(key) or {}
            if not isinstance(value, Mapping):
                raise _fail("word_choice", f"item {k}: {key!r} is not an object")
            for doc in value:
                if key == "sources" and doc not in docs:
                    docs.append(doc)
    if comparison is not None:  # the reports' order, where the documents are known
        rank = {d.id: k for k, d in enumerate(comparison.documents)}
        rank.update({names[d.id]: k for k, d in enumerate(comparison.documents)})
        docs.sort(key=lambda d: rank.get(d, len(rank)))
    head = "".join(f'<th scope="col">{_h(names.get(d, d))}</th>' for d in docs)
    body = []
    loaded_count = 0
    for k, item in enumerate(items):
        sources = item.get("sources") or {}
        loaded = item.get("loaded") or {}
        cells = []
        for d in docs:
            phrases = _strings(sources.get(d), f"word_choice item {k}")
            hot = {p.lower() for p in _strings(loaded.get(d), f"word_choice item {k}")}
            # loaded words the report used that are not among its phrases still show
            phrases += [p for p in _strings(loaded.get(d), f"word_choice item {k}")
                        if p.lower() not in {x.lower() for x in phrases}]
            loaded_count += sum(p.lower() in hot for p in phrases)
            words = ", ".join(
                f'<mark class="loaded">{_h(p)}<span class="vh"> (loaded)</span></mark>'
                if p.lower() in hot else _h(p) for p in phrases)
            cells.append(f"<td>{words or '–'}</td>")
        entity = _clean(item.get("entity") or "?")
        body.append(f'<tr><th scope="row">{_h(entity)}</th>{"".join(cells)}</tr>')
    text = Markup('<div class="chart-table-wrap"><table class="chart-table words"><thead><tr>'
                  f'<th scope="col">Who or what</th>{head}</tr></thead>'
                  f'<tbody>{"".join(body)}</tbody></table></div>')
    summary = (f"How {len(docs)} reports name {len(items)} people or things; "
               f"{loaded_count} loaded words marked.")
    return Chart("chart-words", title, summary, None, text,
                 "Marked: loaded words, which carry a judgement the others leave out.")


# -- dates --------------------------------------------------------------------------------------
_SEASONS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "AU": (9, 11), "WI": (12, 14),
            "Q1": (1, 3), "Q2": (4, 6), "Q3": (7, 9), "Q4": (10, 12), "H1": (1, 6),
            "H2": (7, 12)}


def _month_end(year: int, month: int) -> dt.date:
    year += (month - 1) // 12
    month = (month - 1) % 12 + 1
    first_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_next - dt.timedelta(days=1)


def timex_interval(value: str | None) -> tuple[dt.date, dt.date] | None:
    """The first and last day a TIMEX3 value can mean, or None when it places nothing on a
    calendar ("XXXX-WXX-2", "PRESENT_REF", a duration, nothing)."""
    if not value or not isinstance(value, str):
        return None
    v = value.strip()
    try:
        if m := re.match(r"^(\d{4})-(\d{2})-(\d{2})(?:T.*)?$", v):
            day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            return day, day
        if m := re.fullmatch(r"(\d{4})-(\d{2})", v):
            year, month = int(m.group(1)), int(m.group(2))
            return dt.date(year, month, 1), _month_end(year, month)
        if m := re.fullmatch(r"(\d{4})-W(\d{2})(?:-([1-7]))?", v):
            year, week = int(m.group(1)), int(m.group(2))
            if m.group(3):
                day = dt.date.fromisocalendar(year, week, int(m.group(3)))
                return day, day
            monday = dt.date.fromisocalendar(year, week, 1)
            return monday, monday + dt.timedelta(days=6)
        if m := re.fullmatch(r"(\d{4})-(SP|SU|FA|AU|WI|Q[1-4]|H[12])", v):
            year = int(m.group(1))
            first, last = _SEASONS[m.group(2)]
            return dt.date(year, first, 1), _month_end(year, last)
        if m := re.fullmatch(r"(\d{4})", v):
            year = int(m.group(1))
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:  # "2026-13-40": not a day
        return None
    return None


def goldstein_colour(value: float | None) -> str:
    """The hex colour of a Goldstein value on :data:`GOLDSTEIN_MAP` (grey when it has none)."""
    if value is None:
        return _NONE
    r, g, b, _ = colormaps[GOLDSTEIN_MAP](_GOLDSTEIN_NORM(max(-10.0, min(10.0, value))))
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def goldstein_class(value: float | None) -> str:
    """The CSS class of a Goldstein value in a table: ``gs-m5`` (-10) .. ``gs-p5`` (+10),
    ``gs-none`` (the page's style gives them the colours of :data:`GOLDSTEIN_MAP`)."""
    if value is None:
        return "gs-none"
    step = round(max(-10.0, min(10.0, value)) / 2)
    return f"gs-{'m' if step < 0 else 'p'}{abs(step)}"


def _goldstein_text(value: float | None) -> str:
    return "–" if value is None else f"{value:+.1f}"


def _goldstein_key(fig: Figure, x: float, y: float, length: float, width: float,
                   height: float) -> None:
    """The colour key of the Goldstein scale at (``x``, ``y``) points from the bottom left:
    20 steps of the map, labelled at -10, 0 and +10. Drawn on the figure itself, with no axes
    (an axes, or a colour bar, costs a third of a chart)."""
    cmap = colormaps[GOLDSTEIN_MAP]
    step = length / 20
    for k in range(20):
        fig.add_artist(Rectangle(((x + k * step) / width, y / height), step / width, 7 / height,
                                 transform=fig.transFigure, linewidth=0,
                                 facecolor=cmap(_GOLDSTEIN_NORM(-9.5 + k))))
    for at, word, align in ((0.0, "−10 conflict", "left"), (0.5, "0", "center"),
                            (1.0, "+10 cooperation", "right")):
        fig.text((x + at * length) / width, (y - 2) / height, word, ha=align, va="top",
                 fontsize=7, color=_MUTED)
    fig.text(x / width, (y + 9) / height, "Goldstein scale", ha="left", va="bottom",
             fontsize=7, color=_MUTED)


# -- 5. the timeline ----------------------------------------------------------------------------
@dataclass(slots=True)
class _Item:
    when: str | None
    interval: tuple[dt.date, dt.date] | None
    order: int
    label: str
    documents: list[str]
    goldstein: float | None
    mood: str


def _items(data: object) -> list[_Item]:
    out = []
    for k, item in enumerate(_list(data, "timeline")):
        when = item.get("when")
        if when is not None and not isinstance(when, str):
            raise _fail("timeline", f"item {k}: 'when' is not a string")
        order = item.get("order", k)
        if isinstance(order, bool) or not isinstance(order, (int, float)):
            raise _fail("timeline", f"item {k}: 'order' is not a number")
        out.append(_Item(when, timex_interval(when), int(order), _clean(item.get("label", "")),
                         _strings(item.get("documents"), f"timeline item {k}"),
                         _number(item.get("goldstein"), f"timeline item {k}"),
                         _clean(item.get("mood") or "asserted")))
    return out


def _mood_note(mood: str) -> str:
    return "" if mood in ("asserted", "") else f" [{mood}]"


def timeline_chart(items: object, comparison: Comparison | None = None, *,
                   max_items: int = 40) -> Chart:
    """The story's events on a calendar, one row each, coloured by Goldstein (grey when it has
    none); a month or week is drawn as the span it covers. Events without a date on the
    calendar ("XXXX-WXX-2") go in a lane of their own, in story order. A diamond: an act that
    is not asserted (negated, expected, threatened...), its mood in brackets."""
    title = "Timeline"
    events = _items(items)
    names = _letter_names(comparison)
    if not events:
        return Chart("chart-timeline", title, "No dated events.", None,
                     Markup('<p class="empty">No events to place on a timeline.</p>'))
    dated = sorted((e for e in events if e.interval), key=lambda e: (e.interval, e.order))
    undated = sorted((e for e in events if not e.interval), key=lambda e: e.order)
    total = len(dated) + len(undated)
    keep_dated = dated[:max_items]
    keep_undated = undated[: max(0, max_items - len(keep_dated))]
    note = (f"Showing {len(keep_dated) + len(keep_undated)} of {total} events; the list "
            "names them all.") if len(keep_dated) + len(keep_undated) < total else None

    def row_label(e: _Item) -> str:
        docs = _docs(e.documents, names)
        return _short(e.label, 46) + _mood_note(e.mood) + (f"  ({_short(docs, 14)})"
                                                           if docs else "")

    row = 15.0
    width = 640.0
    lanes = [(keep_dated, "On the calendar"), (keep_undated, "Not placed on the calendar "
                                                             "(story order)")]
    lanes = [(lane, name) for lane, name in lanes if lane]
    heights = [row * len(lane) + 46.0 for lane, _ in lanes]
    key = 52.0
    height = sum(heights) + key + 8.0
    fig = Figure(figsize=(width / 72, height / 72), dpi=72)
    cmap = colormaps[GOLDSTEIN_MAP]
    top = height - 8.0
    for lane, name in lanes:
        h = row * len(lane) + 46.0
        ax = fig.add_axes((300 / width, (top - h + 30) / height, 1 - 320 / width,
                           (h - 46) / height))
        top -= h
        ys = list(range(len(lane)))
        calendar = lane is keep_dated
        if calendar:
            xs = [mdates.date2num(e.interval[0]) if e.interval else 0.0 for e in lane]
            ends = [mdates.date2num(e.interval[1]) + 1 if e.interval else 0.0 for e in lane]
        else:
            xs = [float(e.order) for e in lane]
            ends = xs
        for y, e, x0, x1 in zip(ys, lane, xs, ends, strict=True):
            colour = cmap(_GOLDSTEIN_NORM(e.goldstein)) if e.goldstein is not None else _NONE
            if calendar and x1 - x0 > 1.5:  # a month, a week: the span it may be anywhere in
                ax.plot([x0, x1], [y, y], color=colour, linewidth=5, solid_capstyle="butt",
                        alpha=0.55)
            # An act not asserted (negated, expected, threatened...) is a diamond: its shape,
            # not a lighter colour, says so, and the colour still tells its Goldstein value.
            asserted = e.mood in ("asserted", "")
            ax.scatter([x0 + (x1 - x0) / 2 if calendar and x1 - x0 > 1.5 else x0], [y],
                       s=48 if asserted else 56, marker="o" if asserted else "D",
                       c=[colour], edgecolors=_INK, linewidths=0.6, zorder=3)
        ax.set_yticks([])
        for y, e in enumerate(lane):  # texts, not tick labels: see fact_heatmap
            ax.text(-0.02, y, row_label(e), transform=ax.get_yaxis_transform(), ha="right",
                    va="center", fontsize=7.5, color=_INK)
        ax.set_ylim(len(lane) - 0.5, -0.5)
        ax.set_title(name, loc="left", fontsize=8, color=_MUTED, pad=4)
        if calendar:
            span = max(ends) - min(xs)
            pad = max(1.0, span * 0.06)
            ax.set_xlim(min(xs) - pad, max(ends) + pad)
            locator = mdates.AutoDateLocator(minticks=3, maxticks=7)
            ax.xaxis.set_major_locator(locator)
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        else:
            ax.set_xlim(min(xs) - 0.5, max(xs) + 0.5)
            default = ax.xaxis.get_major_locator()
            # The default locator of a numeric axis (AutoLocator) is a MaxNLocator; the base
            # Locator's set_params takes no ``integer``.
            if isinstance(default, MaxNLocator):
                default.set_params(integer=True)
            ax.set_xlabel("place in the story", fontsize=7, color=_MUTED, labelpad=1)
        ax.grid(axis="x", color=_GRID, linewidth=0.5)
        for y in ys:  # a faint line per row, to follow it from its label
            ax.axhline(y, color="#eef1f4", linewidth=0.5, zorder=0)
        ax.set_axisbelow(True)
        ax.tick_params(length=0, labelsize=7.5)
        for side in ("top", "right", "left"):
            ax.spines[side].set_visible(False)
    _goldstein_key(fig, 300.0, 12.0, 200.0, width, height)
    fig.legend(handles=[
        Line2D([], [], marker="o", linestyle="", markerfacecolor=_NONE, markeredgecolor=_INK,
               markeredgewidth=0.5, label="no Goldstein value"),
        Line2D([], [], marker="D", linestyle="", markerfacecolor="white",
               markeredgecolor=_INK, markeredgewidth=0.6, label="not asserted (its mood)")],
        loc="lower left", bbox_to_anchor=(8 / width, 2 / height), frameon=False, fontsize=7)
    summary = (f"{total} events: {len(dated)} on the calendar"
               + (f" from {dated[0].when} to {dated[-1].when}" if dated else "")
               + f", {len(undated)} without a date.")
    svg = _svg(fig, "chart-timeline", title, summary)
    lines = []
    for e in dated + undated:
        docs = _docs(e.documents, names)
        lines.append(
            f'<li><span class="when">{_h(e.when or "undated")}</span> {_h(e.label)}'
            f'{_h(_mood_note(e.mood))}'
            f'{f" <span class=muted>({_h(docs)})</span>" if docs else ""} '
            f'<span class="gs {goldstein_class(e.goldstein)}">Goldstein '
            f"{_h(_goldstein_text(e.goldstein))}</span></li>")
    text = Markup(f'<ol class="chart-list">{"".join(lines)}</ol>')
    return Chart("chart-timeline", title, summary, svg, text, note)


# -- 6. conflict and cooperation per actor pair --------------------------------------------------
def conflict_chart(pairs: object, comparison: Comparison | None = None, *,
                   max_pairs: int = 8) -> Chart:
    """One small panel per actor pair: the Goldstein value of each of its events in time (or
    story order, for events without a calendar date), above the line cooperation, below it
    conflict."""
    title = "Conflict and cooperation between actors"
    rows = _list(pairs, "conflict")
    names = _letter_names(comparison)
    panels: list[tuple[str, list[tuple[dt.date | None, int, float, list[str], str | None]]]] = []
    for k, row in enumerate(rows):
        points = []
        for j, p in enumerate(_list(row.get("points"), f"conflict pair {k}")):
            value = _number(p.get("goldstein"), f"conflict pair {k} point {j}")
            if value is None:
                continue
            when = p.get("when") if isinstance(p.get("when"), str) else None
            interval = timex_interval(when)
            order = p.get("order", j)
            points.append((interval[0] if interval else None,
                           int(order) if isinstance(order, (int, float)) else j, value,
                           _strings(p.get("documents"), f"conflict pair {k}"), when))
        if points:
            points.sort(key=lambda p: (p[0] is None, p[0] or dt.date.min, p[1]))
            panels.append((_clean(row.get("pair") or "?"), points))
    if not panels:
        return Chart("chart-conflict", title, "No coded events between actors.", None,
                     Markup('<p class="empty">No coded events between actors.</p>'))
    panels.sort(key=lambda p: -len(p[1]))
    shown = panels[:max_pairs]
    note = (f"Showing the {len(shown)} pairs with most events of {len(panels)}."
            if len(shown) < len(panels) else None)
    # One axes for every panel, drawn by hand: an axes costs as much as all its panel's
    # points, and panels share their scale anyway (Goldstein -10..10, one step per event).
    panel = 64.0  # points: 44 of scale, 20 of labels under it
    width = 640.0
    height = panel * len(shown) + 50.0
    fig = Figure(figsize=(width / 72, height / 72), dpi=72)
    cmap = colormaps[GOLDSTEIN_MAP]
    steps = max(len(points) for _, points in shown)
    span = 10.0 * panel / 22.0  # data units per panel: 20 of scale, the rest for labels
    ax = fig.add_axes((150 / width, 40 / height, 1 - 170 / width, (panel * len(shown)) / height))
    ax.axis("off")
    ax.set_xlim(-0.5, max(steps - 0.5, 0.5))
    ax.set_ylim(-span * len(shown), 0)
    cooperation, conflict = _colour_at(cmap, 0.78), _colour_at(cmap, 0.22)
    left_of_scale = offset_copy(ax.transData, fig=fig, x=-26, units="points")
    for k, (name, points) in enumerate(shown):
        zero = -span * k - 12.0  # the panel's 0 line, 10 units under its top with a margin
        xs = list(range(len(points)))
        ys = [zero + p[2] for p in points]
        ax.fill_between([-0.5, steps - 0.5], zero, zero + 10, color=cooperation, alpha=0.18,
                        linewidth=0)
        ax.fill_between([-0.5, steps - 0.5], zero - 10, zero, color=conflict, alpha=0.18,
                        linewidth=0)
        ax.plot([-0.5, steps - 0.5], [zero, zero], color=_MUTED, linewidth=0.6)
        ax.plot([-0.5, -0.5], [zero - 10, zero + 10], color=_INK, linewidth=0.8)
        ax.plot(xs, ys, color=_MUTED, linewidth=0.9, zorder=2)
        ax.scatter(xs, ys, s=36, c=[cmap(_GOLDSTEIN_NORM(p[2])) for p in points],
                   edgecolors=_INK, linewidths=0.5, zorder=3)
        for value, word in ((-10, "−10 "), (0, "0 "), (10, "+10 ")):
            ax.text(-0.5, zero + value, word, ha="right", va="center", fontsize=6.5,
                    color=_MUTED)
        for x, point in zip(xs, points, strict=True):
            ax.text(x, zero - 11.5, _short(point[4], 12) if point[0] else "no date", ha="center",
                    va="top", fontsize=6.5, color=_INK)
        ax.text(-0.5, zero, _short(name, 24), ha="right", va="center", fontsize=8,
                color=_INK, transform=left_of_scale)
    _goldstein_key(fig, 150.0, 10.0, 200.0, width, height)
    summary = "; ".join(
        f"{name}: {len(points)} event{'s' if len(points) != 1 else ''}, mean Goldstein "
        f"{sum(p[2] for p in points) / len(points):+.1f}" for name, points in panels) + "."
    svg = _svg(fig, "chart-conflict", title, summary)
    lines = []
    for name, points in panels:
        items = "".join(
            f'<li><span class="when">{_h(p[4] or "undated")}</span> '
            f'<span class="gs {goldstein_class(p[2])}">Goldstein {p[2]:+.1f}</span>'
            f'{f" <span class=muted>({_h(_docs(p[3], names))})</span>" if p[3] else ""}</li>'
            for p in points)
        lines.append(f"<li><b>{_h(name)}</b><ol>{items}</ol></li>")
    text = Markup(f'<ul class="chart-list">{"".join(lines)}</ul>')
    return Chart("chart-conflict", title, summary, svg, text, note)


def _colour_at(cmap: Any, x: float) -> tuple[float, float, float, float]:
    return tuple(cmap(x))


# -- 7. the events table ------------------------------------------------------------------------
def events_table(rows: object, comparison: Comparison | None = None) -> Chart:
    """Who did what to whom, when, with the Goldstein value and the words it rests on."""
    title = "Events: who did what to whom"
    items = _list(rows, "events")
    names = _letter_names(comparison)
    if not items:
        return Chart("chart-events", title, "No coded events.", None,
                     Markup('<p class="empty">No events were coded.</p>'))
    body = []
    for k, e in enumerate(items):
        what = f"events item {k}"
        goldstein = _number(e.get("goldstein"), what)

        def actor(name: object, code: object) -> str:
            code_html = f' <span class="tag">{_h(code)}</span>' if code else ""
            return f"{_h(name or 'unknown')}{code_html}"

        codes = " ".join(f'<span class="tag">{label} {_h(v)}</span>'
                         for label, v in (("CAMEO", e.get("cameo")), ("PLOVER", e.get("plover")))
                         if v)
        evidence = []
        for span in _list(e.get("evidence"), what):
            doc = _clean(span.get("document", ""))
            evidence.append(f'<li><b>{_h(names.get(doc, doc))}</b> '
                            f'<q>{_h(span.get("text", ""))}</q></li>')
        mood = _clean(e.get("mood") or "asserted")
        body.append(
            f'<tr><td>{actor(e.get("source"), e.get("source_code"))}</td>'
            f'<td>{_h(e.get("verb", ""))}{" " + codes if codes else ""}'
            f'{"" if mood == "asserted" else f" <span class=tag>{_h(mood)}</span>"}</td>'
            f'<td>{actor(e.get("target"), e.get("target_code"))}</td>'
            f'<td class="num"><span class="gs {goldstein_class(goldstein)}">'
            f"{_h(_goldstein_text(goldstein))}</span></td>"
            f'<td>{_h(e.get("when") or "–")}</td>'
            f'<td>{_h(_docs(_strings(e.get("documents"), what), names))}</td>'
            f'<td>{"<ul class=ev-list>" + "".join(evidence) + "</ul>" if evidence else "–"}'
            "</td></tr>")
    text = Markup('<div class="chart-table-wrap"><table class="chart-table events"><thead><tr>'
                  '<th scope="col">Who</th><th scope="col">Did what</th>'
                  '<th scope="col">To whom</th><th scope="col">Goldstein</th>'
                  '<th scope="col">When</th><th scope="col">Reports</th>'
                  '<th scope="col">In their words</th></tr></thead>'
                  f'<tbody>{"".join(body)}</tbody></table></div>')
    summary = f"{len(items)} coded events."
    return Chart("chart-events", title, summary, None, text,
                 "Goldstein: −10 (conflict) to +10 (cooperation).")
