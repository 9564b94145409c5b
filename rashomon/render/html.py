"""HTML: one self-contained page that shows, at a glance, who reports what.

The page is the centre of the product: the consolidated brief (each sentence with its sources and,
on hover, focus or tap, the exact sentences it rests on), the fact-by-source matrix, the
contradictions side by side, what each source alone reports, the people, organisations and places
with what each source says of them, the quotes, and every report's full text with the evidence
highlighted and anchored.

Why it is built the way it is:

* **Readable without JavaScript.** Everything is server-rendered; the evidence of a brief sentence
  opens with CSS alone (``:hover``, ``:focus-within`` and ``:target`` for touch), the matrix
  filter is radio buttons and ``:has()``. The small script only adds pinning, highlighting of
  the evidence inside the reports, and a pop-over naming the facts a highlighted passage carries.
* **Charts are pictures of what the page already tells.** :mod:`rashomon.render.charts` draws
  them server-side as inline SVG (no script, no request), each with its text equivalent; the
  story's events, timeline, conflict curves and word choice, which other stages compute, show
  when the caller passes them (``extras``, :data:`EXTRA_KEYS`) and are absent otherwise.
* **Article text is untrusted.** Templates autoescape, the report texts are escaped piece by
  piece with :func:`html.escape`, links are kept only when they are ``http(s)``, the data the
  script reads is JSON inside ``<script type="application/json">`` with ``<``, ``>``, ``&``,
  U+2028 and U+2029 escaped (:func:`script_json`), the script touches data through
  ``textContent`` only, and the stand-alone page carries a Content-Security-Policy that allows
  exactly its own inline style and script (by hash): even a mistake in escaping could not run a
  script that came with an article.
* **One look.** :func:`render_fragment` is the ``<article>`` both the stand-alone page
  (:func:`render_html`) and the web service's story and compare pages embed, with the same CSS
  and script (:func:`report_css`, :func:`report_js`).
* **Bounded pages.** A page can show only the first ``text_limit`` characters of each report
  (the web service's pages do; the stand-alone page shows everything), ending with a link to
  the whole text: one report of 4 MB would otherwise make a page of 20 MB. Evidence past the
  cut links to the whole text instead of to a highlight; quotes past it are left to the whole
  text.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from itertools import pairwise
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from rashomon._version import __version__
from rashomon.model import Comparison, Resolution, Span, StoryFact
from rashomon.render import charts
from rashomon.render.common import letters, sorted_facts
from rashomon.render.storyline import conflict_series, event_line

__all__ = [
    "CELL",
    "EXTRA_KEYS",
    "KIND_LABEL",
    "build_charts",
    "environment",
    "render_fragment",
    "render_html",
    "report_css",
    "report_js",
    "safe_url",
    "script_json",
    "standalone_csp",
]

#: What a matrix cell shows, with the words that say the same without the symbol or colour.
CELL: dict[str, tuple[str, str]] = {
    "carries": ("●", "carries it"),
    "detail": ("◐", "carries it and adds a detail"),
    "contradicts": ("✖", "contradicts another report"),
    "absent": ("·", "does not say"),
}

#: The four kinds of fact the page tells apart: (symbol, label).
KIND_LABEL: dict[str, tuple[str, str]] = {
    "corroborated": ("✔", "corroborated"),
    "differs": ("◐", "differs in detail"),
    "single": ("•", "single source"),
    "contradicted": ("✖", "contradicted"),
}

#: The optional analyses a page shows when it is given them, each a list of plain objects of
#: the shape its renderer in :mod:`rashomon.render.charts` reads.
EXTRA_KEYS: tuple[str, ...] = ("events", "timeline", "conflict", "word_choice")

_ENTITY_KINDS = ("person", "organization", "place", "group")
_ENTITY_LABEL = {
    "person": "person",
    "organization": "organisation",
    "place": "place",
    "group": "group",
    "other": "other",
}
_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")


# -- assets and the template environment ------------------------------------------------------
@cache
def _asset(name: str) -> str:
    templates = resources.files("rashomon.render").joinpath("templates")
    return templates.joinpath(name).read_text("utf-8")


def report_css() -> str:
    """The stylesheet of the comparison view (inlined here, served by the web service)."""
    return _asset("report.css")


def report_js() -> str:
    """The small script of the comparison view (inlined here, served by the web service)."""
    return _asset("report.js")


@cache
def environment() -> Any:
    """The Jinja2 environment of every page rashomon renders, autoescaping everything.

    The web service renders its site pages from the same folder, so that the stand-alone page
    and the site share their templates and their look.
    """
    env = Environment(
        loader=PackageLoader("rashomon.render", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )
    env.filters["script_json"] = lambda data: Markup(script_json(data))
    env.globals["KIND_LABEL"] = KIND_LABEL
    env.globals["CELL"] = CELL
    return env


def script_json(data: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">``.

    ``<`` (so that no ``</script>`` or ``<!--`` can close or confuse the element), ``>`` and
    ``&`` become ``\\u`` escapes, and so do U+2028 and U+2029, which are line breaks to some
    JavaScript parsers; the result still parses as the same JSON.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def safe_url(url: str | None) -> str | None:
    """``url`` when it is a plain http(s) address; anything else (``javascript:``, ``data:``,
    relative paths, control characters) is not linked."""
    if not url:
        return None
    url = url.strip()
    if any(ord(c) < 33 or c in "\"'<>`\\" for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def _html_id(text: str) -> str:
    return _ID_UNSAFE.sub("-", text)[:64].strip("-") or "x"


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


@cache
def standalone_csp() -> str:
    """The Content-Security-Policy of the stand-alone page: nothing but its own inline style
    and script, named by their hashes (no ``'unsafe-inline'``), no connections, no forms."""
    return (
        "default-src 'none'; "
        f"style-src {_csp_hash(report_css())}; script-src {_csp_hash(report_js())}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


# -- the view model ---------------------------------------------------------------------------
@dataclass(slots=True)
class _Mark:
    """A stretch of a report that the page highlights, anchors, or lets the script light up."""

    start: int
    end: int
    classes: tuple[str, ...] = ()
    anchor: str | None = None


@dataclass(slots=True)
class SpanLink:
    """A quoted stretch of a report and the anchor of its highlight in the full text."""

    letter: str
    doc_index: int
    text: str
    href: str | None
    start: int
    end: int


@dataclass(slots=True)
class DocView:
    id: str
    index: int
    letter: str
    name: str
    title: str | None
    source: str | None
    published: str | None
    url: str | None
    words: int
    headline: str = ""  # the title, or the first words of the text when it has none
    text_html: Markup = field(default_factory=Markup)
    single: list[FactView] = field(default_factory=list)


@dataclass(slots=True)
class CellView:
    letter: str
    state: str  # carries, detail, contradicts, absent
    href: str | None


@dataclass(slots=True)
class DetailView:
    letter: str
    text: str
    kind: str
    note: str
    href: str | None


@dataclass(slots=True)
class FactView:
    id: str
    html_id: str
    statement: str | Markup
    kind: str  # corroborated, differs, single, contradicted
    status: str
    cells: list[CellView]
    evidence: list[SpanLink]
    details: list[DetailView]
    letters: list[str]
    contradiction: int | None


@dataclass(slots=True)
class BriefView:
    index: int
    text: str | Markup
    letters: list[str]
    evidence: list[SpanLink]
    kind: str


@dataclass(slots=True)
class ContradictionView:
    index: int
    kind: str
    explanation: str
    confidence: float
    sides: list[list[SpanLink]]
    facts: list[FactView]


@dataclass(slots=True)
class EntityView:
    id: str
    name: str
    kind: str
    kind_label: str
    titles: list[str]
    aliases: list[str]
    letters: list[str]
    mentions: int
    by_doc: list[tuple[DocView, list[tuple[FactView, SpanLink | None]]]]

    @property
    def fact_count(self) -> int:
        return sum(len(fs) for _, fs in self.by_doc)


@dataclass(slots=True)
class QuoteView:
    text: str
    letter: str
    href: str | None
    direct: bool


@dataclass(slots=True)
class SpeakerView:
    name: str
    quotes: list[QuoteView]


@dataclass(slots=True)
class ComparisonView:
    """Everything the templates show, computed once; strings are raw (the templates escape)."""

    title: str
    summary: dict[str, int]
    docs: list[DocView]
    brief: list[BriefView]
    facts: list[FactView]
    counts: dict[str, int]
    contradictions: list[ContradictionView]
    entities: list[EntityView]
    other_entities: list[EntityView]
    speakers: list[SpeakerView]
    warnings: list[str]
    models: dict[str, str]
    seconds: float | None
    letter_index: dict[str, int] = field(default_factory=dict)


def fact_kind(fact: StoryFact) -> str:
    """corroborated, differs (corroborated, with details), single or contradicted."""
    if fact.status == "contradicted":
        return "contradicted"
    if fact.status == "single_source":
        return "single"
    return "differs" if fact.differs_in_detail else "corroborated"


#: Where a report's whole text is, for a page that shows only the start of it.
FullText = Callable[[str], str | None]


def text_cuts(comparison: Comparison, limit: int | None) -> dict[str, int]:
    """Where each report longer than ``limit`` characters is cut on a page: at ``limit``, or
    at the last space or line break in the 200 characters before it."""
    if limit is None:
        return {}
    cuts = {}
    for d in comparison.documents:
        if len(d.text) > limit:
            lo = max(0, limit - 200)
            space = max(d.text.rfind(" ", lo, limit), d.text.rfind("\n", lo, limit))
            cuts[d.id] = space if space > lo else limit
    return cuts


class _Builder:
    """Turns a Comparison into a :class:`ComparisonView` (one pass over each collection)."""

    def __init__(
        self, comparison: Comparison, title: str | None, *, text_limit: int | None = None,
        full_text: FullText | None = None,
    ) -> None:
        self.c = comparison
        self.title = title
        self.letter = letters(comparison)
        self.doc_index = {d.id: k for k, d in enumerate(comparison.documents)}
        self.marks: dict[str, list[_Mark]] = defaultdict(list)
        self.anchor_count: dict[str, int] = defaultdict(int)
        self.cuts = text_cuts(comparison, text_limit)
        self.full_text = full_text
        self.resolved = {f.id: f.resolved for f in comparison.facts if f.resolved}

    def _whole(self, doc_id: str) -> str:
        """Where the whole text of a cut report is (its section, without a page for it)."""
        href = self.full_text(doc_id) if self.full_text is not None else None
        return href or f"#doc-{self.letter[doc_id]}"

    # Anchors: one per highlighted span, named after what it is evidence of, unique on the page.
    def _anchor(self, base: str) -> str:
        self.anchor_count[base] += 1
        n = self.anchor_count[base]
        return base if n == 1 else f"{base}-{n}"

    def _valid(self, span: Span) -> bool:
        if span.document not in self.doc_index:
            return False
        text = self.c.documents[self.doc_index[span.document]].text
        return 0 <= span.start < span.end <= len(text)

    def _link(self, span: Span, base: str, classes: tuple[str, ...]) -> SpanLink | None:
        """Register ``span`` as a highlight with an anchor and return the link to it (past
        the end of what the page shows of its report: a link to the whole text)."""
        if not self._valid(span):
            return None
        letter = self.letter[span.document]
        index = self.doc_index[span.document]
        cut = self.cuts.get(span.document)
        if cut is not None and span.start >= cut:
            return SpanLink(letter, index, span.text, self._whole(span.document),
                            span.start, span.end)
        anchor = self._anchor(f"{base}-{letter}")
        end = span.end if cut is None else min(span.end, cut)
        self.marks[span.document].append(_Mark(span.start, end, classes, anchor))
        return SpanLink(letter, index, span.text, "#" + anchor, span.start, span.end)

    def build(self) -> ComparisonView:
        c = self.c
        docs = [
            DocView(
                id=d.id, index=k, letter=self.letter[d.id], name=d.display_name, title=d.title,
                source=d.source, published=d.published, url=safe_url(d.url),
                words=len(d.text.split()), headline=_headline(d.title, d.body or d.text),
            )
            for k, d in enumerate(c.documents)
        ]
        facts = self._facts()
        by_id = {f.id: f for f in facts}
        for f in facts:
            if f.kind == "single" and f.letters:
                docs[self._index_of_letter(f.letters[0])].single.append(f)
        brief = self._brief(by_id)
        contradictions = self._contradictions(by_id)
        entities = self._entities(docs, by_id)
        speakers = self._quotes()
        for doc, view in zip(c.documents, docs, strict=True):
            cut = self.cuts.get(doc.id)
            if cut is None:
                view.text_html = _highlight(doc.text, self.marks.get(doc.id, []))
            else:
                view.text_html = _highlight(doc.text[:cut], self.marks.get(doc.id, [])) + (
                    _cut_note(cut, len(doc.text), self._whole(doc.id)))
        counts = {k: 0 for k in KIND_LABEL}
        for f in facts:
            counts[f.kind] += 1
        summary = _summary(c)
        shown = [e for e in entities if e.fact_count]
        other = [e for e in entities if not e.fact_count]
        return ComparisonView(
            title=self.title or _default_title(c), summary=summary, docs=docs, brief=brief,
            facts=facts, counts=counts, contradictions=contradictions, entities=shown,
            other_entities=other, speakers=speakers, warnings=list(c.warnings),
            models=dict(c.models), seconds=c.timings.get("total"),
            letter_index={d.letter: d.index for d in docs},
        )

    def _index_of_letter(self, letter: str) -> int:
        for doc_id, value in self.letter.items():
            if value == letter:
                return self.doc_index[doc_id]
        raise KeyError(letter)

    def _facts(self) -> list[FactView]:
        out: list[FactView] = []
        used: set[str] = set()
        for f in sorted_facts(self.c):
            html_id = "fact-" + _html_id(f.id)
            if html_id in used:
                html_id = f"{html_id}-{len(used)}"
            used.add(html_id)
            kind = fact_kind(f)
            classes = ("ev", f"st-{kind}")
            evidence: list[SpanLink] = []
            first_href: dict[str, str] = {}
            for span in f.evidence:
                link = self._link(span, "ev-" + _html_id(f.id), classes)
                if link is not None:
                    evidence.append(link)
                    first_href.setdefault(span.document, link.href or "")
            details: list[DetailView] = []
            detail_docs: set[str] = set()
            for d in f.details:
                link = self._link(d.span, "dt-" + _html_id(f.id), ("dt",))
                detail_docs.add(d.span.document)
                details.append(DetailView(
                    self.letter.get(d.span.document, "?"), d.span.text, d.kind, d.note,
                    link.href if link else None,
                ))
            cells = []
            for doc in self.c.documents:
                if doc.id not in f.documents:
                    state = "absent"
                elif f.status == "contradicted":
                    state = "contradicts"
                elif doc.id in detail_docs:
                    state = "detail"
                else:
                    state = "carries"
                cells.append(CellView(self.letter[doc.id], state, first_href.get(doc.id)))
            out.append(FactView(
                id=f.id, html_id=html_id, statement=shown_statement(f.statement, f.resolved),
                kind=kind, status=f.status,
                cells=cells, evidence=evidence, details=details,
                letters=[self.letter[d] for d in f.documents if d in self.letter],
                contradiction=f.contradiction,
            ))
        return out

    def _brief(self, by_id: dict[str, FactView]) -> list[BriefView]:
        out = []
        for k, b in enumerate(self.c.brief, start=1):
            evidence = [
                link for span in b.evidence
                if (link := self._link(span, f"br{k}", ())) is not None
            ]
            kinds = {by_id[f].kind for f in b.facts if f in by_id}
            kind = next(
                (x for x in ("contradicted", "differs", "corroborated", "single") if x in kinds),
                "corroborated" if len(b.documents) > 1 else "single",
            )
            resolved = [r for fid in b.facts for r in self.resolved.get(fid, ())]
            out.append(BriefView(
                index=k, text=shown_statement(b.text, resolved),
                letters=[self.letter[d] for d in b.documents if d in self.letter],
                evidence=evidence, kind=kind,
            ))
        return out

    def _contradictions(self, by_id: dict[str, FactView]) -> list[ContradictionView]:
        out = []
        for k, c in enumerate(self.c.contradictions, start=1):
            sides = [
                [link for span in side
                 if (link := self._link(span, f"cx{k}", ("cx",))) is not None]
                for side in c.sides
            ]
            out.append(ContradictionView(
                index=k, kind=c.kind, explanation=c.explanation, confidence=c.confidence,
                sides=sides, facts=[by_id[f] for f in c.facts if f in by_id],
            ))
        return out

    def _entities(self, docs: list[DocView], by_id: dict[str, FactView]) -> list[EntityView]:
        """People, organisations and places, each with the facts every report says of them:
        a fact is about an entity in a report when its evidence there overlaps a mention."""
        evidence_by_doc: dict[str, list[tuple[int, int, FactView]]] = defaultdict(list)
        for f in self.c.facts:
            view = by_id.get(f.id)
            if view is None:
                continue
            for span in f.evidence:
                evidence_by_doc[span.document].append((span.start, span.end, view))
        out = []
        for e in self.c.entities:
            if e.kind not in _ENTITY_KINDS:
                continue
            found: dict[str, list[FactView]] = defaultdict(list)
            for m in e.mentions:
                for start, end, view in evidence_by_doc.get(m.document, ()):
                    if start < m.end and m.start < end and view not in found[m.document]:
                        found[m.document].append(view)
            by_doc = [
                (d, [(f, next((x for x in f.evidence if x.letter == d.letter), None))
                     for f in found[d.id]])
                for d in docs if d.id in found
            ]
            out.append(EntityView(
                id="ent-" + _html_id(e.id), name=e.name, kind=e.kind,
                kind_label=_ENTITY_LABEL.get(e.kind, e.kind), titles=list(e.titles),
                aliases=list(e.aliases),
                letters=[self.letter[d] for d in e.documents if d in self.letter],
                mentions=len(e.mentions), by_doc=by_doc,
            ))
        rank = {kind: k for k, kind in enumerate(_ENTITY_KINDS)}
        out.sort(key=lambda e: (-len(e.letters), rank.get(e.kind, 9), -e.fact_count,
                                -e.mentions, e.name.lower()))
        return out

    def _quotes(self) -> list[SpeakerView]:
        """Quotes by speaker; those in the part of a report the page does not show are left
        to the whole text (a long report can hold thousands)."""
        speakers: dict[str, SpeakerView] = {}
        for k, q in enumerate(self.c.quotes, start=1):
            if q.span.start >= self.cuts.get(q.span.document, q.span.start + 1):
                continue
            link = self._link(q.span, f"q{k}", ("qt",))
            name = q.speaker_name or "Unattributed"
            view = speakers.setdefault(name.lower(), SpeakerView(name, []))
            view.quotes.append(QuoteView(
                q.span.text, self.letter.get(q.span.document, "?"),
                link.href if link else None, q.direct,
            ))
        return sorted(
            speakers.values(),
            key=lambda s: (s.name == "Unattributed", -len(s.quotes), s.name.lower()),
        )


def _summary(c: Comparison) -> dict[str, int]:
    return {
        "documents": len(c.documents),
        "facts": len(c.facts),
        "corroborated": len(c.facts_with_status("corroborated")),
        "single_source": len(c.facts_with_status("single_source")),
        "contradicted": len(c.facts_with_status("contradicted")),
        "differing_in_detail": sum(f.differs_in_detail for f in c.facts),
        "contradictions": len(c.contradictions),
    }


def _headline(title: str | None, text: str, width: int = 110) -> str:
    if title and title.strip():
        return " ".join(title.split())
    first = next((line for line in text.splitlines() if line.strip()), "")
    first = " ".join(first.split())
    if len(first) <= width:
        return first
    return first[: width - 1].rsplit(" ", 1)[0] + "…"


def _default_title(c: Comparison) -> str:
    for d in c.documents:
        if d.title and d.title.strip():
            return d.title.strip()
    n = len(c.documents)
    return f"{n} report{'s' if n != 1 else ''} compared"


def shown_statement(statement: str, resolved: Sequence[Resolution]) -> Markup:
    """A statement, escaped, with each of rashomon's readings ("he [Gustavo Petro]") marked as
    an inference, so a reader tells it from the report's own words. Brackets the report itself
    printed ("[Trump's] contempt") are not readings and stay plain."""
    # Escaped as the templates escape (markupsafe), so the page escapes one way throughout.
    out = str(escape(statement))
    for r in {(r.span.text, r.as_) for r in resolved}:
        word, reading = (str(escape(x)) for x in r)
        title = str(escape(f"rashomon reads “{r[0]}” here as {r[1]}"))
        out = out.replace(
            f"{word} [{reading}]",
            f'{word} <span class="inferred" title="{title}">[{reading}]</span>',
        )
    return Markup(out)


def _cut_note(shown: int, total: int, href: str) -> Markup:
    """What ends a report the page shows only the start of."""
    return Markup(
        f'\n\n<span class="doc-cut" role="note">[…] This page shows the first {shown:,} of '
        f'{total:,} characters of this report. <a href="{html.escape(href)}">Read the whole '
        "report</a>.</span>"
    )


def _highlight(text: str, marks: list[_Mark]) -> Markup:
    """The report's text, escaped, with every marked stretch wrapped and anchored.

    Marks overlap freely (a detail inside the evidence of a fact, the evidence of two facts in
    one sentence), so the text is cut at every mark boundary and each piece carries the classes
    of all the marks covering it, and ``data-s``/``data-e`` offsets the script uses to light up
    any span of this report. Anchors are empty elements at the start of their mark.
    """
    if not marks:
        return Markup(html.escape(text))
    starts: dict[int, list[_Mark]] = defaultdict(list)
    ends: dict[int, list[_Mark]] = defaultdict(list)
    for m in marks:
        starts[m.start].append(m)
        ends[m.end].append(m)
    bounds = sorted({0, len(text), *starts, *ends})
    active: list[_Mark] = []
    out: list[str] = []
    for a, b in pairwise(bounds):
        for m in ends.get(a, ()):
            active.remove(m)
        for m in starts.get(a, ()):
            active.append(m)
            if m.anchor:
                out.append(f'<span class="anchor" id="{m.anchor}"></span>')
        piece = html.escape(text[a:b])
        if active:
            classes = sorted({cls for m in active for cls in m.classes})
            cls = " ".join(["seg", *classes])
            out.append(f'<span class="{cls}" data-s="{a}" data-e="{b}">{piece}</span>')
        else:
            out.append(piece)
    return Markup("".join(out))


def build_view(
    comparison: Comparison, *, title: str | None = None, text_limit: int | None = None,
    full_text: FullText | None = None,
) -> ComparisonView:
    """The view model the templates render (exposed for the web service's own pages)."""
    return _Builder(comparison, title, text_limit=text_limit, full_text=full_text).build()


def comparison_extras(comparison: Comparison) -> dict[str, Any]:
    """The charted analyses (:data:`EXTRA_KEYS`) of a comparison's own events and framing: the
    events table, the timeline, conflict versus cooperation per pair, and word choice."""
    out: dict[str, Any] = {}
    events = comparison.events
    if events or "events" in comparison.timings:
        out["events"] = [
            {"source": e.source.name or "unknown", "source_code": e.source.code,
             "verb": e.verb, "cameo": e.cameo, "plover": e.plover, "goldstein": e.goldstein,
             "target": e.target.name or "unknown", "target_code": e.target.code,
             "mood": e.mood, "when": e.when, "documents": e.documents,
             "evidence": [s.to_dict() for s in e.evidence]}
            for e in events
        ]
        # The chart places acts of someone; the events table lists those with no known actor.
        out["timeline"] = [
            {"when": e.when, "order": e.order, "label": event_line(e), "documents": e.documents,
             "goldstein": e.goldstein, "mood": e.mood}
            for e in events if e.source.key is not None or e.target.key is not None
        ]
        out["conflict"] = conflict_series(events)
    if comparison.framing is not None:
        choice = comparison.framing.to_dict().get("word_choice") or {}
        rows = []
        for entity in choice.get("entities", []):
            if not entity.get("differs"):
                continue
            uses = {doc: [*entity.get("names", {}).get(doc, []),
                          *entity.get("descriptors", {}).get(doc, [])]
                    for doc in {*entity.get("names", {}), *entity.get("descriptors", {})}}
            rows.append({
                "entity": entity.get("name", ""),
                "sources": {doc: [u["text"] for u in used] for doc, used in uses.items()},
                # Only a subjective-lexicon flag marks a word loaded here: that two outlets
                # word a thing differently is shown by the table itself.
                "loaded": {doc: [u["text"] for u in used
                                 if any(f.get("kind") == "lexicon" for f in u.get("flags", []))]
                           for doc, used in uses.items()},
            })
        out["word_choice"] = rows
    return out


def build_charts(
    comparison: Comparison, extras: Mapping[str, Any] | None = None,
    text_limit: int | None = None,
) -> dict[str, charts.Chart]:
    """The page's charts by name: ``matrix``, ``sources`` and (when anyone is quoted)
    ``quotes`` always; ``timeline``, ``conflict``, ``events`` and ``word_choice`` when
    ``extras`` carries that key (an empty list shows the chart's empty state).

    With ``text_limit``, the matrix leaves out the facts whose every word lies past the cut of
    the reports the page shows the start of (the page shows none of their words)."""
    cuts = text_cuts(comparison, text_limit)
    in_view = comparison
    if cuts:
        in_view = replace(comparison, facts=[
            f for f in comparison.facts
            if any(s.start < cuts.get(s.document, s.start + 1) for s in f.evidence)
        ])
    out = {"matrix": charts.fact_heatmap(in_view),
           "sources": charts.source_bars(comparison)}
    if comparison.quotes:
        out["quotes"] = charts.quote_shares_chart(comparison)
    extras = extras or {}
    # Annotated: the makers differ in their keyword-only options, which are not used here.
    makers: dict[str, Callable[[object, Comparison], charts.Chart]] = {
        "timeline": charts.timeline_chart, "conflict": charts.conflict_chart,
        "events": charts.events_table, "word_choice": charts.word_choice_table}
    for key in EXTRA_KEYS:
        if extras.get(key) is not None:
            out[key] = makers[key](extras[key], comparison)
    return out


def page_data(
    comparison: Comparison, text_limit: int | None = None,
    extras: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """What the page's script reads: the JSON contract, with the reports' letters added.

    With ``text_limit``, what lies past the cut of a report the page shows the start of is
    left out: its text (``text_length`` says how long it is), and the entity mentions and
    quotes there. The analyses given in ``extras`` that the page charts are under
    ``"charts"``. The script reads ids and offsets of documents, facts and brief only; the
    whole JSON is the API's.
    """
    data = comparison.to_dict()
    label = letters(comparison)
    cuts = text_cuts(comparison, text_limit)
    for d in data["documents"]:
        d["letter"] = label.get(d["id"])
        if d["id"] in cuts:
            d["text_length"] = len(d["text"])
            d["text"] = d["text"][: cuts[d["id"]]]
    if cuts:
        def shown(span: dict[str, Any]) -> bool:
            return span["start"] < cuts.get(span["document"], span["start"] + 1)

        for e in data["entities"]:
            e["mentions"] = [m for m in e["mentions"] if shown(m)]
        data["quotes"] = [q for q in data["quotes"] if shown(q)]
    # Under a key of their own: the contract's "events" are the coded StoryEvents, not the
    # rows of the events table.
    charted = {k: extras[k] for k in EXTRA_KEYS if extras and extras.get(k) is not None}
    if charted:
        data["charts"] = charted
    return data


# -- entry points -----------------------------------------------------------------------------
def render_fragment(
    comparison: Comparison, *, title: str | None = None, heading: bool = True,
    embed_data: bool = True, intro: str | None = None, text_limit: int | None = None,
    full_text: FullText | None = None, extras: Mapping[str, Any] | None = None,
) -> Markup:
    """The comparison view as one ``<article class="rsh">`` for embedding in a page that also
    loads :func:`report_css` and :func:`report_js` (the web service's story and compare pages).

    ``text_limit``: show at most about this many characters of each report, then a link to
    ``full_text(report id)`` (the report's own section when that gives None). ``extras``: the
    optional analyses (:data:`EXTRA_KEYS`) to chart and embed in the page's data.
    """
    if extras is None:
        extras = comparison_extras(comparison)
    view = build_view(comparison, title=title, text_limit=text_limit, full_text=full_text)
    data = page_data(comparison, text_limit, extras) if embed_data else None
    template = environment().get_template("comparison.html")
    return Markup(template.render(v=view, data=data, heading=heading, intro=intro,
                                  charts=build_charts(comparison, extras, text_limit)))


def render_html(
    comparison: Comparison, *, title: str | None = None, embed_data: bool = True,
    extras: Mapping[str, Any] | None = None,
) -> str:
    """One self-contained HTML page: inline CSS and script, no external request, readable
    without JavaScript, safe to open whatever the reports contain. ``extras``: as
    :func:`render_fragment`."""
    css, js = report_css(), report_js()
    fragment = render_fragment(comparison, title=title, embed_data=embed_data, extras=extras)

    template = environment().get_template("page.html")
    return template.render(
        title=title or _default_title(comparison), css=Markup(css), js=Markup(js),
        fragment=fragment, csp=standalone_csp(), version=__version__,
    )
