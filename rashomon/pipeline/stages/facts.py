"""Stage ``facts``: each report's sentences broken into atomic facts, each fact a view that
carries what the later stages read of it (its terms, :class:`ViewInfo` and parts)."""

from __future__ import annotations

from collections.abc import Iterable

from rashomon.model import Fact, Span
from rashomon.pipeline.align import FactView, entity_term
from rashomon.pipeline.annotate import ParsedDoc
from rashomon.pipeline.differences import ViewInfo, Word, role_of
from rashomon.pipeline.entities import EntityIndex, short_name
from rashomon.pipeline.facts import (
    Draft,
    PronounLink,
    extract_facts,
    in_quotation,
    is_content,
    negation_parity,
    resolve_pronouns,
)
from rashomon.pipeline.lexicon import CONDITIONALS
from rashomon.pipeline.measures import Measures, measure
from rashomon.pipeline.state import Stage, StoryState

# A part of a fact becomes a candidate for the second alignment pass with this many terms.
MIN_PART_TERMS = 3
# Parts of speech a capitalised word has when it may be (part of) a name: not "He", not "The".
_NAME_POS = frozenset({"PROPN", "NOUN", "ADJ", "X"})


def person_mentions(
    pd: ParsedDoc, index: EntityIndex, doc_index: int
) -> list[tuple[int, int, str, str]]:
    """(first token, end token, full name, short name) of person mentions, for pronouns."""
    names = {e.id: e.name for e in index.entities}
    out = []
    for m in index.mentions[doc_index]:
        if m.kind != "person" or m.entity is None:
            continue
        sp = pd.doc.char_span(
            m.span.start - pd.offset, m.span.end - pd.offset, alignment_mode="expand"
        )
        if sp is None:
            continue
        name = names[m.entity]
        out.append((sp.start, sp.end, name, short_name(name)))
    return out


def part_statement(span: Span) -> str:
    """A part's words read as a statement of their own (first letter capitalised)."""
    return span.text[:1].upper() + span.text[1:]


def within(inner: Span, outer: Span) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def fact_view(
    pd: ParsedDoc,
    doc_index: int,
    fact: Fact,
    draft: Draft,
    entity_index: EntityIndex,
    entity_kind: dict[str, str],
    measures: Measures,
    pronouns: dict[int, PronounLink],
) -> FactView:
    """The view of one fact, with its terms, :class:`ViewInfo` and parts (and the fact's
    entities, quantities and times filled in)."""
    doc = pd.doc
    token_entity = entity_index.token_entity[doc_index]
    own = draft.tokens
    # A piece stated with its clause is aligned on what it is about, not on that clause.
    context = set(draft.focus if draft.focus is not None else draft.context)

    def terms_of(tokens: Iterable[int]) -> set[str]:
        out: set[str] = set()
        for t in tokens:
            e = token_entity.get(t)
            if e is not None:
                out.add(entity_term(e, entity_kind.get(e, "other")))
            elif t in pronouns:
                out.add("~" + pronouns[t].short.lower())
            elif is_content(doc[t]):
                out.add(doc[t].lemma_.lower())
        return out

    terms = terms_of(own | context)
    # Pronouns resolved to a name count as that name's entity.
    for e in entity_index.entities:
        short = "~" + short_name(e.name).lower()
        if short in terms:
            terms.discard(short)
            terms.add(entity_term(e.id, e.kind))
    fact.entities = entity_index.entity_ids(doc_index, sorted(own | context))
    own_set = set(own)
    fact.quantities = measures.quantities_in(own_set)
    fact.times = measures.times_in(own_set)
    roles: dict[str, tuple[str, str]] = {}
    for t in sorted(own):
        eid = token_entity.get(t)
        if eid is not None and eid not in roles:
            roles[eid] = (entity_kind.get(eid, "other"), role_of(doc[t], draft.head))
    sent = doc[min(own)].sent
    info = ViewInfo(
        fact.quantities, fact.times, roles, fact.negated, fact.predicate,
        negation_parity(own_set, doc),
        # Names in the sentence that play a part (not "U.S." in "U.S. President Trump").
        frozenset(
            eid for t in range(sent.start, sent.end)
            if (eid := token_entity.get(t)) and role_of(doc[t], draft.head) != "compound"
            and doc[t].dep_ not in ("compound", "amod", "nmod")
        ),
        "quote" if in_quotation(own_set, doc) else (fact.attribution or "").lower(),
        any(doc[t].lower_ in CONDITIONALS for t in own_set),
        tuple(
            Word(
                tok.lower_, tok.lemma_.lower(), pd.token_span(t, t), token_entity.get(t),
                tok.ent_type_, (tok.is_title or tok.is_upper) and tok.pos_ in _NAME_POS,
                tok.like_num,
            )
            for t in sorted(own)
            if not ((tok := doc[t]).is_punct or tok.is_space)
        ),
        frozenset(tok.lower_ for tok in sent),
    )
    parts = []
    for span in fact.parts:
        sp = doc.char_span(
            span.start - pd.offset, span.end - pd.offset, alignment_mode="expand"
        )
        parts.append((span, terms_of(t.i for t in sp) if sp is not None else set()))
    return FactView(fact, doc_index, set(own), terms, info=info, parts=parts)


def part_views(views: list[FactView]) -> list[FactView]:
    """The longer parts of a report's facts, as views of their own (see ``align``)."""
    out: list[FactView] = []
    for v in views:
        info = v.info
        assert info is not None  # every fact view carries its info
        for k, (span, terms) in enumerate(v.parts):
            if len(terms) < MIN_PART_TERMS:
                continue
            fact = Fact(
                id=f"{v.fact.id}~{k + 1}",
                document=v.fact.document,
                sentence=v.fact.sentence,
                # A part reads as the fact it belongs to; it is aligned on its own words.
                statement=v.fact.statement,
                spans=[span],
                predicate=v.fact.predicate,
                negated=v.fact.negated,
                modality=v.fact.modality,
                focus=part_statement(span),
                context_spans=[s for s in v.fact.spans if not s.overlaps(span)],
                resolved=list(v.fact.resolved),
            )
            fact.quantities = [q for q in info.quantities if within(q.span, span)]
            fact.times = [t for t in info.times if within(t.span, span)]
            part_info = ViewInfo(
                fact.quantities, fact.times,
                {e: r for e, r in info.entities.items() if entity_term(e, r[0]) in terms},
                info.negated, info.predicate, info.negation_parity, info.sentence_entities,
            )
            out.append(FactView(fact, v.doc, set(), set(terms), part=True, info=part_info))
    return out


class FactsStage(Stage):
    """Fills :attr:`StoryState.views`, :attr:`StoryState.parts` and
    :attr:`StoryState.pronouns`."""

    name = "facts"

    def process(self, states: list[StoryState]) -> list[StoryState]:
        for state in states:
            index = state.entities
            assert index is not None  # the entities stage runs first
            kinds = state.entity_kinds
            state.views, state.pronouns = [], []
            for i, pd in enumerate(state.parsed):
                measures = measure(pd)
                pronouns = resolve_pronouns(pd, person_mentions(pd, index, i))
                state.pronouns.append(pronouns)
                facts, drafts = extract_facts(pd, i, pronouns)
                state.views.append([
                    fact_view(pd, i, fact, draft, index, kinds, measures, pronouns)
                    for fact, draft in zip(facts, drafts, strict=True)
                ])
            state.parts = [part_views(views) for views in state.views]
        return states
