"""Story events and the timeline: who did what to whom, and when, across the reports.

The cascade, in order:

1. **Times.** Every temporal expression of a report is found and given a TIMEX3 value
   (:func:`rashomon.timex.find_timexes`), resolved against the report's publication date; a
   report without one keeps the unknown parts as ``X`` and nothing is guessed. Each fact's
   time mentions get the value of the expression they cover.
2. **Events.** The event coder reads each report's parse into actor -> action -> target events
   (:class:`rashomon.events.EventCoder`); each event takes the date or time that hangs from its
   act in the parse ("met on Tuesday"; "the meeting on Tuesday"), not just any in its sentence
   ("could influence ... as his term ends in August" is not dated August). Durations and sets
   never date an act.
3. **Actors** resolve to the story's entities where an actor's words are a mention of one, so
   "Petro" and "Colombian President Gustavo Petro" are the same actor in every report.
4. **Merging.** Events of different reports are one story event when they rest on the same
   aligned fact (or have the same actors), share the action's CAMEO root and mood, and their
   times are compatible; each story event lists the reports that carry it.
5. **Disagreements.** Reports that tell one aligned fact with a different actor, target or
   resolved date are shown with both sides' evidence.
6. **Order.** Dated events are placed by their date; an undated event keeps its place relative
   to the report's publication date (what a report tells in the past tense happened before it
   was published, what it says will happen after) and, within that, the order it is told in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Token

from rashomon.errors import InputError
from rashomon.events import Actor, CodedEvent
from rashomon.model import (
    Entity,
    EventActor,
    EventDisagreement,
    Fact,
    Span,
    StoryEvent,
    StoryFact,
)
from rashomon.pipeline.annotate import ParsedDoc
from rashomon.timex import Timex, find_timexes, parse_published

# TIMEX3 types that place an act in time.
PLACING_TYPES = frozenset({"DATE", "TIME"})

_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


@dataclass(slots=True)
class _ReportEvent:
    """One report's event, with what merging needs."""

    doc: int
    index: int  # place in the report (the order it is told in)
    event: CodedEvent
    evidence: Span
    source: EventActor
    target: EventActor
    when: Timex | None
    when_span: Span | None
    fact: str | None = None  # id of the StoryFact it rests on
    story_id: str = ""  # the StoryEvent it was merged into


def report_times(pd: ParsedDoc, timexes: Sequence[Timex]) -> list[tuple[Span, Timex]]:
    """Each time expression of a report with its span in the article's text."""
    return [(pd.span(t.start, t.end), t) for t in timexes]


def find_report_times(pd: ParsedDoc) -> tuple[list[tuple[Span, Timex]], str | None]:
    """A report's time expressions, resolved against its publication date, and a warning when
    that date is missing or unreadable while some expressions need it (they keep their X)."""
    published: str | None = pd.article.published
    warning = None
    try:
        parse_published(published)
    except InputError:
        warning = f"{pd.id}: the publication date {published!r} could not be read"
        published = None
    times = report_times(pd, find_timexes(pd.doc.text, published, doc=pd.doc))
    # "months of tension" (a duration of unknown length, PXM) is not a date waiting for one.
    unresolved = [span.text for span, timex in times
                  if timex.type in PLACING_TYPES and "X" in timex.value]
    if unresolved and published is None:
        count = len(unresolved)
        warning = (
            (warning + ", so" if warning else f"{pd.id}: no publication date, so")
            + f" {count} relative date{'s' if count != 1 else ''} (\"{unresolved[0]}\") "
            "cannot be placed; give one (--published, or a 'published' field in JSONL)"
        )
    return times, warning


def attach_times(facts: Sequence[Fact], times: Sequence[tuple[Span, Timex]]) -> None:
    """Give each fact's time mentions the TIMEX3 value of the expression they overlap."""
    for fact in facts:
        for mention in fact.times:
            for span, timex in times:
                if span.overlaps(mention.span):
                    mention.timex = timex.value
                    break


def _actor(
    actor: Actor | None, pd: ParsedDoc, doc_index: int, mentions: Sequence[tuple[Span, Entity]]
) -> EventActor:
    if actor is None:
        return EventActor(None)
    span = pd.span(actor.start, actor.end)
    entity = None
    best = 0
    for mention, ent in mentions:
        if mention.document != span.document or not mention.overlaps(span):
            continue
        overlap = min(mention.end, span.end) - max(mention.start, span.start)
        if overlap > best:
            best, entity = overlap, ent
    name = entity.name if entity is not None else actor.text
    return EventActor(name, actor.code, entity.id if entity is not None else None)


def _act_token(pd: ParsedDoc, event: CodedEvent) -> Token | None:
    """The word of the act in the parse (the first token of the clause with its lemma)."""
    clause = pd.doc.char_span(event.start, event.end, alignment_mode="expand")
    if clause is None or not event.lemma:
        return None
    for token in clause:
        if token.lemma_.lower() == event.lemma or token.text.lower() == event.lemma:
            return token
    return None


def _time_path(pd: ParsedDoc, span: Span) -> list[Token]:
    """The words a time expression hangs from: up from its head to the first verb."""
    words = pd.doc.char_span(span.start - pd.offset, span.end - pd.offset,
                             alignment_mode="expand")
    if words is None:
        return []
    # spaCy makes a new Token object at every access, so tokens are compared by position
    # (``is`` never holds, and the walk would not stop at a root that is no verb).
    token, path = words.root, []
    while token.head.i != token.i:
        token = token.head
        path.append(token)
        if token.pos_ in ("VERB", "AUX"):
            break
    return path


# An act named by a noun is dated by a time on the verb it is the subject or object of
# ("the meeting is set for Tuesday").
_ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "attr"})


def _time_of(
    pd: ParsedDoc, event: CodedEvent, evidence: Span,
    sentence_times: Sequence[tuple[Span, Timex]],
) -> tuple[Span, Timex] | None:
    """The time expression that governs an act: one that hangs from the act's own verb (or
    noun); without a parse of the act, one inside its clause, else the sentence's only one."""
    act = _act_token(pd, event)
    if act is not None:
        for span, timex in sentence_times:
            path = _time_path(pd, span)
            if act in path or (path and act.pos_ in ("NOUN", "PROPN")
                               and act.head.i == path[-1].i and act.dep_ in _ARGUMENT_DEPS):
                return span, timex
        return None
    inside = [(s, t) for s, t in sentence_times
              if evidence.start <= s.start and s.end <= evidence.end]
    if inside:
        return inside[0]
    return sentence_times[0] if len(sentence_times) == 1 else None


def _fact_of(evidence: Span, facts: Sequence[StoryFact]) -> str | None:
    best, chosen = 0, None
    for fact in facts:
        for span in fact.evidence:
            if span.document == evidence.document and span.overlaps(evidence):
                overlap = min(span.end, evidence.end) - max(span.start, evidence.start)
                if overlap > best:
                    best, chosen = overlap, fact.id
    return chosen


def _root(cameo: str | None) -> str | None:
    return cameo[:2] if cameo else None


def _same_actor(a: EventActor, b: EventActor) -> bool | None:
    """True or False when both are known; None when either is unknown."""
    if a.key is None or b.key is None:
        return None
    if a.key == b.key:
        return True
    # An entity on one side and only a code on the other still match on the code.
    return bool(a.code and a.code == b.code and (a.entity is None or b.entity is None))


def _date_parts(value: str | None) -> tuple[int, ...] | None:
    if not value:
        return None
    m = _DATE.match(value)
    if not m:
        return None
    return tuple(int(g) for g in m.groups() if g is not None)


def _compatible_times(a: Timex | None, b: Timex | None) -> bool:
    if a is None or b is None:
        return True
    pa, pb = _date_parts(a.value), _date_parts(b.value)
    if pa is None or pb is None:
        return True
    n = min(len(pa), len(pb))
    return pa[:n] == pb[:n]


def report_events(
    pd: ParsedDoc,
    doc_index: int,
    coded: Sequence[CodedEvent],
    times: Sequence[tuple[Span, Timex]],
    mentions: Sequence[tuple[Span, Entity]],
    facts: Sequence[StoryFact],
) -> list[_ReportEvent]:
    """One report's coded events, resolved to the story's entities, times and facts."""
    out = []
    sentences = [pd.spacy_span(sent) for sent in pd.doc.sents]  # the coder counts these
    for index, event in enumerate(coded):
        evidence = pd.span(event.start, event.end)
        sentence = sentences[event.sentence] if event.sentence < len(sentences) else evidence
        # A duration ("for two weeks") or a set ("every week") is not when an act happened.
        sentence_times = [
            (s, t) for s, t in times
            if t.type in PLACING_TYPES and sentence.start <= s.start and s.end <= sentence.end
        ]
        found = _time_of(pd, event, evidence, sentence_times)
        out.append(_ReportEvent(
            doc=doc_index, index=index, event=event, evidence=evidence,
            source=_actor(event.source, pd, doc_index, mentions),
            target=_actor(event.target, pd, doc_index, mentions),
            when=found[1] if found else None, when_span=found[0] if found else None,
            fact=_fact_of(evidence, facts),
        ))
    return out


def _mergeable(a: _ReportEvent, b: _ReportEvent) -> bool:
    ea, eb = a.event, b.event
    if _root(ea.cameo) != _root(eb.cameo) or ea.mood != eb.mood:
        return False
    if not _compatible_times(a.when, b.when):
        return False
    same_source, same_target = _same_actor(a.source, b.source), _same_actor(a.target, b.target)
    if same_source is False or same_target is False:
        return False
    if a.fact is not None and a.fact == b.fact:
        return True
    # Without a shared fact, the actors must be known and the same on both sides.
    untargeted = a.target.key is None and b.target.key is None
    return bool(same_source) and (same_target is True or untargeted)


def _same_act_twice(a: _ReportEvent, b: _ReportEvent) -> bool:
    """One report's act coded twice (by its verb and by its noun, say: "expressed cordiality
    during a recent phone call"): same report, overlapping words, same action and mood."""
    return (a.doc == b.doc and a.evidence.overlaps(b.evidence)
            and _root(a.event.cameo) == _root(b.event.cameo) and a.event.mood == b.event.mood
            and _same_actor(a.source, b.source) is not False
            and _same_actor(a.target, b.target) is not False)


def _disagreement(a: _ReportEvent, b: _ReportEvent) -> tuple[str, str] | None:
    """How two reports' events of one aligned fact disagree, if they do."""
    if a.doc == b.doc or a.fact is None or a.fact != b.fact:
        return None
    if _root(a.event.cameo) != _root(b.event.cameo) or a.event.mood != b.event.mood:
        return None
    if _same_actor(a.source, b.source) is False:
        return "source", f"who acted: {a.source.name} or {b.source.name}"
    if _same_actor(a.target, b.target) is False:
        return "target", f"acted on whom: {a.target.name} or {b.target.name}"
    if not _compatible_times(a.when, b.when) and a.when and b.when:
        return "time", f"when: {a.when.value} or {b.when.value}"
    return None


def _sort_key(event: StoryEvent, told: tuple[int, int], published: dict[str, str]) -> tuple:
    """Dated events by date; undated ones around their report's publication date."""
    parts = _date_parts(event.when)
    if parts is None:
        pub = _date_parts(published.get(event.documents[0], ""))
        after = event.mood in ("future", "threatened", "hypothetical")
        if pub is None:
            return (1, (), 1 if after else 0, told)
        return (0, pub + ((1,) if after else (0,)), 1 if after else 0, told)
    return (0, parts, 0, told)


def build_storyline(
    parsed: Sequence[ParsedDoc],
    coded_by_doc: Sequence[Sequence[CodedEvent]],
    times_by_doc: Sequence[Sequence[tuple[Span, Timex]]],
    entities: Sequence[Entity],
    facts: Sequence[StoryFact],
) -> tuple[list[StoryEvent], list[EventDisagreement]]:
    """The story's events in timeline order, and where the reports disagree on them."""
    mentions = [(m, e) for e in entities for m in e.mentions]
    per_report = [
        report_events(pd, i, coded_by_doc[i], times_by_doc[i], mentions, facts)
        for i, pd in enumerate(parsed)
    ]
    groups: list[list[_ReportEvent]] = []
    for events in per_report:
        for event in events:
            for group in groups:
                if (all(_mergeable(event, other) for other in group)
                        or any(_same_act_twice(event, other) for other in group)):
                    group.append(event)
                    break
            else:
                groups.append([event])
    disagreements_raw = []
    flat = [e for events in per_report for e in events]
    for i, a in enumerate(flat):
        for b in flat[i + 1:]:
            found = _disagreement(a, b)
            if found:
                disagreements_raw.append((found, a, b))

    published = {pd.id: pd.article.published or "" for pd in parsed}
    story: list[tuple[StoryEvent, list[_ReportEvent]]] = []
    for group in groups:
        lead = group[0]
        named = [e for e in group if e.source.key] or group
        targeted = [e for e in group if e.target.key] or group
        # The most precise date any report gives ("2026-01-06" over "2026-01").
        dates = [e.when.value for e in group if e.when is not None]
        when = max(dates, key=lambda v: len(_date_parts(v) or ())) if dates else None
        documents = list(dict.fromkeys(parsed[e.doc].id for e in group))
        story.append((StoryEvent(
            id="",
            source=named[0].source,
            target=targeted[0].target,
            verb=lead.event.verb,
            cameo=lead.event.cameo,
            plover=lead.event.plover,
            goldstein=lead.event.goldstein,
            mood=lead.event.mood,
            documents=documents,
            evidence=[e.evidence for e in group],
            when=when,
            when_spans=[e.when_span for e in group if e.when_span is not None],
            facts=sorted({e.fact for e in group if e.fact}),
        ), group))
    story.sort(key=lambda pair: _sort_key(
        pair[0], (pair[1][0].doc, pair[1][0].index), published
    ))
    events_out: list[StoryEvent] = []
    for order, (story_event, group) in enumerate(story):
        story_event.id = f"E{order + 1}"
        story_event.order = order
        for member in group:
            member.story_id = story_event.id
        events_out.append(story_event)
    disagreements = [
        EventDisagreement(
            kind=kind, explanation=explanation,
            events=[a.story_id, b.story_id],
            sides=[[a.evidence] + ([a.when_span] if kind == "time" and a.when_span else []),
                   [b.evidence] + ([b.when_span] if kind == "time" and b.when_span else [])],
        )
        for (kind, explanation), a, b in disagreements_raw
        if a.story_id != b.story_id
    ]
    return events_out, disagreements
