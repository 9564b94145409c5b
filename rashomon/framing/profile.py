"""How each source tells the story: omissions, what only it carries, its lead, its voices, its
hedges and attribution verbs, its loaded words; and the word choice across sources.

:func:`frame` works on a finished :class:`~rashomon.model.Comparison` and loads no model: it reads
the facts' evidence spans (where each report carries a fact), the entities and the quotes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rashomon.errors import InputError
from rashomon.framing.layout import POSITIONS, Layout, Position, layout
from rashomon.framing.voices import Voices, voices, word_count
from rashomon.framing.wording import WordChoice, word_choice
from rashomon.framing.wordlists import cue_pattern, cue_table
from rashomon.model import Comparison, Quote, Span, StoryFact

if TYPE_CHECKING:
    from rashomon.framing.bias import BiasSpan

# A fact is an omission of a report when at least this share of the other reports carry it
# (with two reports: the other one).
OMISSION_SHARE = 0.5
SCARE_QUOTE_WORDS = 4  # a quotation this short, with no speaker, is a scare quote


@dataclass(slots=True)
class Placement:
    """Where one report carries a fact."""

    document: str
    position: Position
    depth: float  # 0 = the report's first word, 1 = its last
    spans: list[Span] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"document": self.document, "position": self.position, "depth": self.depth,
                "spans": [s.to_dict() for s in self.spans]}  # fmt: skip


@dataclass(slots=True)
class FactRef:
    """A fact as one report's profile sees it: who carries it, where, and who leaves it out."""

    fact: str
    statement: str
    status: str
    carried_by: list[Placement]  # most prominent first
    missing_from: list[str]
    here: Placement | None = None  # where this report carries it (None for an omission)

    @property
    def prominence(self) -> tuple[int, int, float]:
        """Sort key, most prominent first: how many carriers put it in their headline or lead,
        the best position any carrier gives it, then how early it comes there."""
        best = min(self.carried_by, key=lambda p: (POSITIONS.index(p.position), p.depth))
        up_front = sum(p.position != "body" for p in self.carried_by)
        return -up_front, POSITIONS.index(best.position), best.depth

    def to_dict(self) -> dict[str, Any]:
        return {
            "fact": self.fact,
            "statement": self.statement,
            "status": self.status,
            "here": self.here.to_dict() if self.here else None,
            "carried_by": [p.to_dict() for p in self.carried_by],
            "missing_from": self.missing_from,
        }


@dataclass(slots=True)
class Cue:
    """A hedge, an attribution verb or a scare quote, as written."""

    span: Span
    kind: str  # "hedge", "say", "claim", "admit", "charged", "scare_quote"

    def to_dict(self) -> dict[str, Any]:
        return {**self.span.to_dict(), "kind": self.kind}


@dataclass(slots=True)
class LoadedWord:
    """A span the bias flagger marked in this report."""

    span: Span
    kind: str | None = None  # "lexical" (a loaded word) or "informational" (a slanting clause)
    reason: str | None = None
    score: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**self.span.to_dict(), "kind": self.kind, "reason": self.reason,
                "score": None if self.score is None else round(self.score, 4)}  # fmt: skip


@dataclass(slots=True)
class Counts:
    corroborated: int = 0
    only_here: int = 0
    omitted: int = 0
    contradicted: int = 0

    def to_dict(self) -> dict[str, int]:
        return {"corroborated": self.corroborated, "only_here": self.only_here,
                "omitted": self.omitted, "contradicted": self.contradicted}  # fmt: skip


@dataclass(slots=True)
class SourceProfile:
    """How one report tells the story, compared with the others."""

    document: str
    source: str
    headline: Span | None
    lead: Span | None
    omissions: list[FactRef] = field(default_factory=list)
    only_here: list[FactRef] = field(default_factory=list)
    lead_facts: list[FactRef] = field(default_factory=list)
    voices: Voices = field(default_factory=lambda: Voices(0))
    cues: list[Cue] = field(default_factory=list)
    loaded: list[LoadedWord] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)

    def cue_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for cue in self.cues:
            out[cue.kind] = out.get(cue.kind, 0) + 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "source": self.source,
            "headline": self.headline.to_dict() if self.headline else None,
            "lead": self.lead.to_dict() if self.lead else None,
            "counts": self.counts.to_dict(),
            "omissions": [f.to_dict() for f in self.omissions],
            "only_here": [f.to_dict() for f in self.only_here],
            "lead_facts": [f.to_dict() for f in self.lead_facts],
            "voices": self.voices.to_dict(),
            "cue_counts": self.cue_counts(),
            "cues": [c.to_dict() for c in self.cues],
            "loaded": [w.to_dict() for w in self.loaded],
        }


@dataclass(slots=True)
class Framing:
    """Every report's profile and the word choice across them: ``framing`` in the JSON."""

    profiles: list[SourceProfile]
    word_choice: WordChoice

    def profile(self, document: str) -> SourceProfile:
        for p in self.profiles:
            if p.document == document:
                return p
        raise KeyError(document)

    def to_dict(self) -> dict[str, Any]:
        return {
            "profiles": [p.to_dict() for p in self.profiles],
            "word_choice": self.word_choice.to_dict(),
        }


# -- facts ----------------------------------------------------------------------------------


def _placements(fact: StoryFact, layouts: Mapping[str, Layout]) -> dict[str, Placement]:
    spans: dict[str, list[Span]] = {}
    for span in fact.evidence:
        spans.setdefault(span.document, []).append(span)
    out: dict[str, Placement] = {}
    for document in fact.documents:
        mine = sorted(spans.get(document, []), key=lambda s: s.start)
        where = layouts.get(document)
        if where is None:
            continue
        first = mine[0].start if mine else where.length
        out[document] = Placement(document, where.position(first), where.depth(first), mine)
    return out


def _ref(fact: StoryFact, placements: dict[str, Placement], order: Sequence[str],
         here: str | None) -> FactRef:  # fmt: skip
    carried = sorted(placements.values(), key=lambda p: (POSITIONS.index(p.position), p.depth))
    missing = [d for d in order if d not in placements]
    return FactRef(fact.id, fact.statement, fact.status, carried, missing,
                   placements.get(here or ""))  # fmt: skip


# -- cues -----------------------------------------------------------------------------------


def _scare_quotes(text: str, document: str, quotes: Sequence[Quote]) -> list[Cue]:
    """Short quotations no speaker is found for: the report holding a word at arm's length."""
    spoken = [q.span for q in quotes if q.span.document == document and q.speaker_name]
    out = []
    for m in re.finditer(r"[\"“‘']([^\"“”‘’'\n]{1,60})[\"”’']", text):
        inner = Span(document, m.start(1), m.end(1), m.group(1))
        # An apostrophe of a possessive or elision is not a quotation mark.
        if m.group(0)[0] == "'" and m.start() > 0 and text[m.start() - 1].isalnum():
            continue
        if not inner.text.strip() or word_count(inner.text) > SCARE_QUOTE_WORDS:
            continue
        if inner.text.rstrip()[-1] in ",.!?":
            continue  # speech ends inside its marks ("Nobody asked us," a villager said)
        if any(inner.overlaps(s) for s in spoken):
            continue
        out.append(Cue(inner, "scare_quote"))
    return out


def cues(text: str, document: str, quotes: Sequence[Quote] = ()) -> list[Cue]:
    """Hedges, attribution verbs and scare quotes of one report, in text order."""
    table = cue_table()
    found = []
    for m in cue_pattern().finditer(text):
        before = re.search(r"(\S+)\s+$", text[max(0, m.start() - 40) : m.start()])
        if m.group(0)[0].isupper() and before and before.group(1)[0].isupper():
            continue  # part of a name ("United States", "Reuters Reports")
        kind = table[re.sub(r"\s+", " ", m.group(0).lower())]
        found.append(Cue(Span(document, m.start(), m.end(), m.group(0)), kind))
    found += _scare_quotes(text, document, quotes)
    return sorted(found, key=lambda c: (c.span.start, c.span.end))


def _loaded(spans: Sequence[BiasSpan], text: str, document: str) -> list[LoadedWord]:
    out = []
    for item in spans:
        start, end = item.start, item.end
        if not 0 <= start < end <= len(text):
            continue  # a span off the text cannot be linked; the flagger's own tests cover it
        out.append(LoadedWord(Span(document, start, end, text[start:end]), item.kind,
                              item.reason, float(item.score)))  # fmt: skip
    return sorted(out, key=lambda w: w.span.start)


# -- the profile ----------------------------------------------------------------------------


def _outermost(refs: list[FactRef], evidence: Mapping[str, Sequence[Span]]) -> list[FactRef]:
    """The facts of ``refs`` that are not a piece of another one there: a clause and its
    adjunct are one thing left out, not two."""

    def inside(small: str, big: str) -> bool:
        spans, around = evidence.get(small, ()), evidence.get(big, ())
        size = sum(s.end - s.start for s in spans)
        return size < sum(s.end - s.start for s in around) and all(
            any(o.document == s.document and o.start <= s.start and s.end <= o.end
                for o in around)
            for s in spans
        )

    ids = [r.fact for r in refs]
    return [r for r in refs if not any(inside(r.fact, other) for other in ids if other != r.fact)]


def frame(
    comparison: Comparison,
    *,
    loaded: Mapping[str, Sequence[BiasSpan]] | None = None,
    omission_share: float = OMISSION_SHARE,
) -> Framing:
    """Every report's :class:`SourceProfile` and the :class:`WordChoice` across reports.

    ``loaded``: the bias flagger's spans per document id (``BiasFlagger``), shown as each
    profile's loaded words; a document id the comparison lacks is an error (E147).
    """
    order = [d.id for d in comparison.documents]
    for document in loaded or {}:
        if document not in order:
            raise InputError("E147", document=document)
    layouts = {d.id: layout(d) for d in comparison.documents}
    placed = [(f, _placements(f, layouts)) for f in comparison.facts]
    evidence = {f.id: f.evidence for f in comparison.facts}
    profiles = []
    for article in comparison.documents:
        d = article.id
        where = layouts[d]
        others = len(order) - 1
        profile = SourceProfile(
            d,
            article.display_name,
            Span(d, 0, where.headline_end, article.text[: where.headline_end].rstrip())
            if where.headline_end else None,
            Span(d, where.headline_end, where.lead_end,
                 article.text[where.headline_end : where.lead_end])
            if where.lead_end > where.headline_end else None,
        )  # fmt: skip
        for fact, placements in placed:
            if d in placements:
                ref = _ref(fact, placements, order, d)
                if fact.status == "corroborated":
                    profile.counts.corroborated += 1
                elif fact.status == "contradicted":
                    profile.counts.contradicted += 1
                elif len(placements) == 1:
                    profile.only_here.append(ref)
                if ref.here is not None and ref.here.position != "body":
                    profile.lead_facts.append(ref)
            elif others and placements and len(placements) / others >= omission_share:
                profile.omissions.append(_ref(fact, placements, order, None))
        profile.omissions = _outermost(profile.omissions, evidence)
        profile.only_here = _outermost(profile.only_here, evidence)
        profile.omissions.sort(key=lambda r: (-len(r.carried_by), r.prominence))
        profile.only_here.sort(key=lambda r: r.prominence)
        profile.lead_facts.sort(key=lambda r: r.prominence)
        profile.counts.only_here = len(profile.only_here)
        profile.counts.omitted = len(profile.omissions)
        profile.voices = voices(comparison, d)
        profile.cues = cues(article.text, d, comparison.quotes)
        profile.loaded = _loaded((loaded or {}).get(d, ()), article.text, d)
        profiles.append(profile)
    return Framing(profiles, word_choice(comparison))
