"""The typed data model shared by every stage of rashomon.

Everything a stage produces is one of these plain dataclasses, so the stages can run in one
process, in a worker pool or on a cluster, and the results serialise to the stable JSON contract
(see :meth:`Comparison.to_dict`).

Offsets: every :class:`Span` indexes ``Article.text`` exactly as it was read (UTF-8 decoded,
nothing stripped), so ``article.text[span.start:span.end] == span.text`` always holds.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["corroborated", "single_source", "contradicted"]
ContradictionKind = Literal[
    "number", "date", "person", "place", "organization", "negation", "other"
]
EntityKind = Literal["person", "organization", "place", "group", "other"]

STATUSES: tuple[str, ...] = ("corroborated", "single_source", "contradicted")
CONTRADICTION_KINDS: tuple[str, ...] = (
    "number",
    "date",
    "person",
    "place",
    "organization",
    "negation",
    "other",
)


@dataclass(slots=True)
class Article:
    """One report: its full text as read, and what is known about where it came from."""

    id: str
    text: str
    title: str | None = None
    source: str | None = None  # the outlet, e.g. "Reuters"
    url: str | None = None
    published: str | None = None  # ISO 8601 date or date-time
    published_from: str | None = None  # how the date was found: "jsonl", "html-meta", "feed", ...
    language: str | None = None  # ISO 639-1 code
    origin: str | None = None  # the path or address it was read from
    format: str = "text"  # "text", "html", "jsonl", "feed", "warc", "url"
    body_start: int = 0  # offset where the body begins (after a headline line in a text file)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        """A stable hash of the text, used to make ingestion idempotent."""
        return hashlib.sha1(self.text.encode("utf-8")).hexdigest()

    @property
    def body(self) -> str:
        return self.text[self.body_start :]

    @property
    def display_name(self) -> str:
        return self.source or self.id

    def to_dict(self, *, with_text: bool = True) -> dict[str, Any]:
        data = asdict(self)
        if not with_text:
            data.pop("text")
        return data


@dataclass(slots=True, frozen=True)
class Span:
    """A stretch of one document's text: the unit of evidence."""

    document: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"document": self.document, "start": self.start, "end": self.end, "text": self.text}

    def overlaps(self, other: Span) -> bool:
        return (
            self.document == other.document and self.start < other.end and other.start < self.end
        )


@dataclass(slots=True, frozen=True)
class Resolution:
    """A word of a statement that the report does not spell out, and what rashomon read it as:
    a pronoun ("he" -> "Gustavo Petro") or a relative pronoun ("which" -> "the border").

    Statements show it in brackets after the word (``he [Gustavo Petro]``), so a reader always
    sees what was inferred; ``antecedent`` is where the report names it.
    """

    span: Span  # the word as written
    as_: str  # what it was read as
    antecedent: Span | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.span.start,
            "end": self.span.end,
            "text": self.span.text,
            "as": self.as_,
            "antecedent": None if self.antecedent is None
            else {"start": self.antecedent.start, "end": self.antecedent.end},
        }


@dataclass(slots=True)
class Sentence:
    document: str
    index: int
    start: int
    end: int
    text: str


@dataclass(slots=True)
class Mention:
    """A named entity (or a description of one) in one document."""

    span: Span
    label: str  # the NER label: PERSON, ORG, GPE, LOC, NORP, FAC, ...
    kind: EntityKind
    entity: str | None = None  # id of the resolved Entity
    title: str | None = None  # a role or title attached to this mention ("Colombian President")


@dataclass(slots=True)
class Entity:
    """A person, organisation or place resolved across the reports."""

    id: str
    name: str
    kind: EntityKind
    aliases: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    mentions: list[Span] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "aliases": self.aliases,
            "titles": self.titles,
            "documents": self.documents,
            "mentions": [m.to_dict() for m in self.mentions],
        }


@dataclass(slots=True)
class Quantity:
    """A number with its unit, normalised so that reports can be compared."""

    span: Span
    value: float
    unit: str | None  # the counted thing or unit, lemmatised: "soldier", "km", "usd", "percent"
    kind: str = "count"  # "count", "money", "percent", "length", "ordinal", ...
    approximate: bool = False  # "about", "more than", "nearly"

    def to_dict(self) -> dict[str, Any]:
        return {**self.span.to_dict(), "value": self.value, "unit": self.unit, "kind": self.kind,
                "approximate": self.approximate}


@dataclass(slots=True)
class TimeMention:
    """A date or time expression, normalised where possible."""

    span: Span
    value: str | None  # ISO date "2026-01-06", "2026-01", "2026", weekday "W:TUE", month "M:08"
    granularity: str  # "day", "weekday", "month", "year", "duration", "relative", "time"
    # The TIMEX3 value ("2026-01-06", "XXXX-WXX-2" when no publication date anchors it).
    timex: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**self.span.to_dict(), "value": self.value, "granularity": self.granularity,
                "timex": self.timex}


@dataclass(slots=True)
class Quote:
    """Words a report puts in someone's mouth, with the speaker when it can be found."""

    span: Span  # the quoted words, without the quotation marks
    speaker: str | None  # entity id, when the speaker resolves to one
    speaker_name: str | None  # the speaker as the report names them
    speaker_span: Span | None = None
    direct: bool = True  # False for reported speech ("said that ...")

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.span.to_dict(),
            "speaker": self.speaker,
            "speaker_name": self.speaker_name,
            "speaker_span": self.speaker_span.to_dict() if self.speaker_span else None,
            "direct": self.direct,
        }


@dataclass(slots=True)
class Fact:
    """An atomic proposition extracted from one sentence of one report."""

    id: str
    document: str
    sentence: int
    statement: str  # a readable, self-contained wording of the fact
    spans: list[Span]  # the words of the report that carry it (may be discontinuous)
    predicate: str = ""  # lemma of the main predicate
    negated: bool = False
    modality: str = "asserted"  # "asserted", "hedged", "reported", "expected"
    attribution: str | None = None  # who the report says said it
    entities: list[str] = field(default_factory=list)  # Entity ids
    quantities: list[Quantity] = field(default_factory=list)
    times: list[TimeMention] = field(default_factory=list)
    # The optional parts (adjuncts, modifiers, coordinated items) a report may add or leave out.
    parts: list[Span] = field(default_factory=list)
    context: str = ""  # words borrowed from the sentence to make the statement self-contained
    context_spans: list[Span] = field(default_factory=list)  # where those words are
    resolved: list[Resolution] = field(default_factory=list)  # words read as someone or something
    quoted: bool = False  # the words are a quotation: someone's, not the report's own
    # What the fact is about when its statement also carries the clause it hangs from ("after
    # months of escalating tensions"): what aligns it with other reports' facts.
    focus: str = ""

    @property
    def about(self) -> str:
        """What the fact asserts: its focus when the statement borrows a clause, else the
        statement; what it is aligned, embedded and judged on."""
        return self.focus or self.statement

    @property
    def start(self) -> int:
        return min(s.start for s in self.spans)

    @property
    def end(self) -> int:
        return max(s.end for s in self.spans)


@dataclass(slots=True)
class Detail:
    """Something one report adds to, or says differently about, a fact others carry too."""

    span: Span
    kind: str = "addition"  # "addition", "wording", "number", "date", "name", "place"
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {**self.span.to_dict(), "kind": self.kind, "note": self.note}


@dataclass(slots=True)
class Contradiction:
    kind: ContradictionKind
    explanation: str
    sides: list[list[Span]]
    facts: list[str] = field(default_factory=list)  # ids of the StoryFacts involved
    confidence: float = 1.0
    focus: list[Span] = field(default_factory=list)  # the words that differ ("30,000", "10,000")

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "explanation": self.explanation,
            "sides": [[s.to_dict() for s in side] for side in self.sides],
            "focus": [s.to_dict() for s in self.focus],
            "facts": self.facts,
            "confidence": round(self.confidence, 3),
        }


@dataclass(slots=True)
class StoryFact:
    """A fact of the story, aligned across reports and labelled."""

    id: str
    statement: str
    status: Status
    evidence: list[Span]
    documents: list[str]
    details: list[Detail] = field(default_factory=list)
    members: list[str] = field(default_factory=list)  # ids of the per-report Facts aligned here
    similarity: float | None = None  # how closely the reports' wordings agree (0..1)
    contradiction: int | None = None  # index into Comparison.contradictions
    sentence_order: float = 0.0  # where the fact sits in the reports, for ordering
    resolved: list[Resolution] = field(default_factory=list)  # what the statement infers
    # Words a statement borrows from its sentence to read whole (the clause a piece hangs from,
    # a shared subject): shown with the evidence, but not what the fact asserts anew.
    context: list[Span] = field(default_factory=list)
    wording: str = ""  # the document whose wording the statement is
    # Each report's wording of the fact where it is that report's whole clause (document id ->
    # statement), for a brief that cites every report; not serialised.
    wordings: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def differs_in_detail(self) -> bool:
        return self.status == "corroborated" and bool(self.details)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "statement": self.statement,
            "status": self.status,
            "documents": self.documents,
            "differs_in_detail": self.differs_in_detail,
            "similarity": None if self.similarity is None else round(self.similarity, 3),
            "contradiction": self.contradiction,
            "evidence": [s.to_dict() for s in self.evidence],
            "details": [d.to_dict() for d in self.details],
            "wording": self.wording,
            "context": [s.to_dict() for s in self.context],
            "resolved": [r.to_dict() for r in self.resolved],
        }


@dataclass(slots=True)
class BriefSentence:
    text: str
    documents: list[str]
    evidence: list[Span] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "documents": self.documents,
            "facts": self.facts,
            "evidence": [s.to_dict() for s in self.evidence],
        }


@dataclass(slots=True, frozen=True)
class EventActor:
    """Who acts, or is acted on, in a story event: as a report names them, and coded."""

    name: str | None  # None: the report gives no actor rashomon can resolve ("unknown")
    code: str | None = None  # CAMEO/Phoenix actor code: "COLGOV", "USAMIL", "COP"
    entity: str | None = None  # id of the story Entity, when it resolves to one

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "code": self.code, "entity": self.entity}

    @property
    def key(self) -> str | None:
        """What two reports must share to mean the same actor."""
        return self.entity or self.code or (self.name.lower() if self.name else None)


@dataclass(slots=True)
class StoryEvent:
    """Who did what to whom, and when: one coded event, merged across the reports carrying it."""

    id: str
    source: EventActor
    target: EventActor
    verb: str  # the verb as written (lemma)
    cameo: str | None  # CAMEO event code, "036" = express intent to meet
    plover: str | None  # PLOVER category, "CONSULT"
    goldstein: float | None  # -10 (conflict) .. +10 (cooperation)
    mood: str  # "asserted", "negated", "future", "hypothetical", "threatened", ...
    documents: list[str]
    evidence: list[Span]
    when: str | None = None  # TIMEX3 value of the time it is tied to
    when_spans: list[Span] = field(default_factory=list)
    order: int = 0  # place on the story's timeline
    facts: list[str] = field(default_factory=list)  # ids of the StoryFacts it rests on

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source.to_dict(),
            "target": self.target.to_dict(),
            "verb": self.verb,
            "cameo": self.cameo,
            "plover": self.plover,
            "goldstein": self.goldstein,
            "mood": self.mood,
            "when": self.when,
            "when_spans": [s.to_dict() for s in self.when_spans],
            "order": self.order,
            "documents": self.documents,
            "evidence": [s.to_dict() for s in self.evidence],
            "facts": self.facts,
        }


@dataclass(slots=True)
class EventDisagreement:
    """Reports that tell one event with a different actor, target or time."""

    kind: str  # "source", "target" or "time"
    explanation: str
    events: list[str]  # ids of the StoryEvents, one per side
    sides: list[list[Span]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "explanation": self.explanation,
            "events": self.events,
            "sides": [[s.to_dict() for s in side] for side in self.sides],
        }


@dataclass(slots=True)
class StoredFraming:
    """A story's framing read back from JSON (a cache): kept as that JSON."""

    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return self.data


@dataclass(slots=True)
class Comparison:
    """The reconciliation of one story: what :func:`rashomon.compare` returns."""

    documents: list[Article]
    facts: list[StoryFact]
    contradictions: list[Contradiction] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    brief: list[BriefSentence] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    models: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    events: list[StoryEvent] = field(default_factory=list)  # in timeline order
    event_disagreements: list[EventDisagreement] = field(default_factory=list)
    # How each source tells the story (rashomon.framing.Framing), when it was asked for.
    framing: Any = None

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, documents: list[Article]) -> Comparison:
        """A comparison back from its :meth:`to_dict` JSON (what caches hold).

        The documents come from the caller (a store keeps them whole; the JSON keeps only part
        of each). What ``to_dict`` leaves out (a fact's per-report members, its sentence order)
        comes back empty: the renderers do not use it. Framing comes back as its JSON.
        """

        def span(d: dict[str, Any]) -> Span:
            return Span(d["document"], int(d["start"]), int(d["end"]), d["text"])

        def actor(d: dict[str, Any]) -> EventActor:
            return EventActor(d.get("name"), d.get("code"), d.get("entity"))

        by_id = {a.id: a for a in documents}
        return cls(
            documents=[by_id[d["id"]] for d in data["documents"] if d["id"] in by_id],
            facts=[
                StoryFact(
                    id=f["id"], statement=f["statement"], status=f["status"],
                    evidence=[span(s) for s in f["evidence"]], documents=list(f["documents"]),
                    details=[Detail(span(d), kind=d.get("kind", "addition"),
                                    note=d.get("note", "")) for d in f.get("details", [])],
                    similarity=f.get("similarity"), contradiction=f.get("contradiction"),
                    context=[span(s) for s in f.get("context", [])],
                    wording=f.get("wording", ""),
                    resolved=[
                        Resolution(
                            Span(f["evidence"][0]["document"] if f["evidence"] else "",
                                 r["start"], r["end"], r["text"]),
                            r["as"],
                        )
                        for r in f.get("resolved", [])
                    ],
                )
                for f in data["facts"]
            ],
            contradictions=[
                Contradiction(
                    kind=c["kind"], explanation=c["explanation"],
                    sides=[[span(s) for s in side] for side in c["sides"]],
                    facts=list(c.get("facts", [])), confidence=float(c.get("confidence", 1.0)),
                    focus=[span(s) for s in c.get("focus", [])],
                )
                for c in data.get("contradictions", [])
            ],
            entities=[
                Entity(
                    id=e["id"], name=e["name"], kind=e["kind"],
                    aliases=list(e.get("aliases", [])), titles=list(e.get("titles", [])),
                    documents=list(e.get("documents", [])),
                    mentions=[span(s) for s in e.get("mentions", [])],
                )
                for e in data.get("entities", [])
            ],
            quotes=[
                Quote(
                    span=span(q), speaker=q.get("speaker"), speaker_name=q.get("speaker_name"),
                    speaker_span=span(q["speaker_span"]) if q.get("speaker_span") else None,
                    direct=bool(q.get("direct", True)),
                )
                for q in data.get("quotes", [])
            ],
            brief=[
                BriefSentence(
                    text=b["text"], documents=list(b["documents"]),
                    facts=list(b.get("facts", [])),
                    evidence=[span(s) for s in b.get("evidence", [])],
                )
                for b in data.get("brief", [])
            ],
            timings=dict(data.get("timings", {})),
            models=dict(data.get("models", {})),
            warnings=list(data.get("warnings", [])),
            events=[
                StoryEvent(
                    id=e["id"], source=actor(e["source"]), target=actor(e["target"]),
                    verb=e["verb"], cameo=e.get("cameo"), plover=e.get("plover"),
                    goldstein=e.get("goldstein"), mood=e.get("mood", "asserted"),
                    documents=list(e["documents"]),
                    evidence=[span(s) for s in e.get("evidence", [])],
                    when=e.get("when"), when_spans=[span(s) for s in e.get("when_spans", [])],
                    order=int(e.get("order", 0)), facts=list(e.get("facts", [])),
                )
                for e in data.get("events", [])
            ],
            event_disagreements=[
                EventDisagreement(
                    kind=d["kind"], explanation=d["explanation"], events=list(d["events"]),
                    sides=[[span(s) for s in side] for side in d["sides"]],
                )
                for d in data.get("event_disagreements", [])
            ],
            framing=StoredFraming(data["framing"]) if data.get("framing") else None,
        )

    def facts_with_status(self, status: str) -> list[StoryFact]:
        return [f for f in self.facts if f.status == status]

    def document(self, doc_id: str) -> Article:
        for doc in self.documents:
            if doc.id == doc_id:
                return doc
        raise KeyError(doc_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": [
                {
                    "id": d.id,
                    "source": d.source,
                    "title": d.title,
                    "url": d.url,
                    "published": d.published,
                    "format": d.format,
                    "text": d.text,
                }
                for d in self.documents
            ],
            "facts": [f.to_dict() for f in self.facts],
            "contradictions": [c.to_dict() for c in self.contradictions],
            "entities": [e.to_dict() for e in self.entities],
            "quotes": [q.to_dict() for q in self.quotes],
            "brief": [b.to_dict() for b in self.brief],
            "events": [e.to_dict() for e in self.events],
            "event_disagreements": [d.to_dict() for d in self.event_disagreements],
            "framing": None if self.framing is None else self.framing.to_dict(),
            "summary": {
                "documents": len(self.documents),
                "facts": len(self.facts),
                **{s: len(self.facts_with_status(s)) for s in STATUSES},
                "differing_in_detail": sum(f.differs_in_detail for f in self.facts),
                "contradictions": len(self.contradictions),
                "events": len(self.events),
            },
            "models": self.models,
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
            "warnings": self.warnings,
        }
