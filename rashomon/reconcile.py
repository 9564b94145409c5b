"""Reconcile the reports of one story: the cascade behind :func:`rashomon.compare`.

Stages, each in its own module under :mod:`rashomon.pipeline`:

1. ``annotate``: parse every report once (spaCy: sentences, parse, entities);
2. ``entities``: resolve people, organisations and places across the reports;
3. ``measures``: normalise quantities and dates;
4. ``facts``: break sentences into atomic facts with their evidence spans;
5. ``align``: embed every fact once (one batch) and align facts across reports;
6. ``differences``: label each aligned fact corroborated, differing in detail or
   contradicted (typed: number, date, person, place, organisation, negation, other);
7. ``quotes``: quotations and their speakers;
8. ``brief``: a consolidated brief whose every sentence cites its reports.

Models (parser, embedder, judge) are passed in or loaded once per process, so a long-running
service or a cluster worker pays for loading only once.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

from rashomon.backends.embeddings import Embedder, default_embedder
from rashomon.backends.nli import CrossEncoderJudge, default_judge
from rashomon.backends.parser import default_parser
from rashomon.errors import InputError, RashomonError
from rashomon.model import (
    Article,
    Comparison,
    Contradiction,
    Detail,
    Fact,
    Span,
    StoryFact,
)
from rashomon.pipeline.align import (
    ALIGN_THRESHOLD,
    FactGroup,
    FactView,
    align,
    entity_term,
)
from rashomon.pipeline.annotate import ParsedDoc, annotate
from rashomon.pipeline.brief import build_brief
from rashomon.pipeline.differences import (
    JUDGE_THRESHOLD,
    Conflict,
    ViewInfo,
    Word,
    explain_judged,
    group_conflicts,
    group_details,
    judge_candidate,
    role_of,
)
from rashomon.pipeline.entities import EntityIndex, resolve, short_name
from rashomon.pipeline.facts import (
    Draft,
    PronounLink,
    alignment_text,
    claim_text,
    extract_facts,
    in_quotation,
    is_content,
    negation_parity,
    resolve_pronouns,
)
from rashomon.pipeline.lexicon import CONDITIONALS, SPEECH_VERBS
from rashomon.pipeline.measures import measure
from rashomon.pipeline.quotes import extract_quotes

if TYPE_CHECKING:
    from spacy.language import Language

# A part of a fact becomes a candidate for the second alignment pass with this many terms.
MIN_PART_TERMS = 3
# Parts of speech a capitalised word has when it may be (part of) a name: not "He", not "The".
_NAME_POS = frozenset({"PROPN", "NOUN", "ADJ", "X"})


@cache
def antonym_pairs() -> set[frozenset[str]]:
    """Predicate pairs that contradict each other, from ``rashomon/data/lexicons``."""
    pairs: set[frozenset[str]] = set()
    try:
        text = resources.files("rashomon.data").joinpath("lexicons/antonyms.txt").read_text("utf-8")
    except (FileNotFoundError, OSError):
        return pairs
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        words = [w.strip().lower() for w in line.replace(",", " ").replace("\t", " ").split()]
        if len(words) >= 2:
            pairs.add(frozenset(words[:2]))
    return pairs


@dataclass(slots=True)
class _Timer:
    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start


def _person_mentions(
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


def _language_warnings(articles: Sequence[Article]) -> list[str]:
    """One warning per report that is confidently not English: the models read English only."""
    from rashomon.corpus.language import is_english, language_of

    out = []
    for article in articles:
        code, confidence, _ = language_of(article)
        if not is_english(code, confidence):
            out.append(
                f"{article.id}: the text looks like language {code!r}; rashomon analyses English "
                "only, so its facts may be missed or misaligned"
            )
    return out


def _within(inner: Span, outer: Span) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


def _renames(index: EntityIndex) -> list[tuple[re.Pattern[str], str]]:
    """Short names to spell out in full for embedding ("ELN" -> "National Liberation Army"),
    so that two reports naming one organisation differently still read alike."""
    out = []
    for e in index.entities:
        if e.kind not in ("organization", "person"):
            continue
        for alias in e.aliases:
            if alias.lower() in e.name.lower() or alias[:1].islower() or len(alias) < 2:
                continue
            if not (alias.isupper() or len(alias.split()) < len(e.name.split())):
                continue
            out.append((re.compile(rf"\b{re.escape(alias)}\b"), e.name))
    return out


def _embedding_text(statement: str, renames: list[tuple[re.Pattern[str], str]]) -> str:
    """What is embedded for a fact: its statement without leading linking words, with short
    names spelled out."""
    text = alignment_text(claim_text(statement))
    for pattern, name in renames:
        text = pattern.sub(name, text)
    return text


def _same_words(a: FactView, b: FactView) -> bool:
    """Whether two facts' own words are the same words: whatever a judge says, the two reports
    say the same thing there, and a contradiction would show the same text on both sides."""
    def words(view: FactView) -> list[str]:
        return re.findall(r"\w+", " ".join(s.text for s in view.fact.spans).lower())

    wa, wb = words(a), words(b)
    # Only who said it, or little words, set them apart ("..., they added").
    return all(w in _FRAME_WORDS or w in STOP_WORDS for w in set(wa) ^ set(wb))


_IRREGULAR_SPEECH = {"said", "told", "wrote", "spoke", "says", "tells", "writes"}
_FRAME_WORDS = frozenset(
    {f"{verb}{end}" for verb in SPEECH_VERBS for end in ("", "s", "d", "ed")} | _IRREGULAR_SPEECH
)


def _judged_text(view: FactView) -> str:
    """What the judge reads of a fact: what it asserts (a piece without the clause it borrows,
    which is a fact of its own), with shown resolutions read in place."""
    return claim_text(view.fact.about)


def _part_statement(span: Span) -> str:
    return span.text[:1].upper() + span.text[1:]


class Reconciler:
    """Holds the models and runs the reconciliation cascade on sets of articles."""

    def __init__(
        self,
        *,
        parser: Language | None = None,
        embedder: Embedder | None = None,
        judge: Any | None = None,
        use_judge: bool = True,
        align_threshold: float = ALIGN_THRESHOLD,
    ) -> None:
        self._parser = parser
        self._embedder = embedder
        self._judge = judge
        self.use_judge = use_judge
        self.align_threshold = align_threshold

    @property
    def parser(self) -> Language:
        if self._parser is None:
            self._parser = default_parser()
        return self._parser

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = default_embedder()
        return self._embedder

    @property
    def judge(self) -> Any:
        """The entailment judge: rashomon's cross-encoder, or ``RASHOMON_NLI_MODEL``'s."""
        if self._judge is None:
            self._judge = default_judge(self.embedder)
        return self._judge

    def load(self) -> Reconciler:
        """Load every model now (otherwise they load on first use)."""
        _ = self.parser, self.embedder
        if self.use_judge:
            _ = self.judge
        return self

    def compare(self, articles: Sequence[Article]) -> Comparison:
        if not articles:
            raise InputError("E040")
        seen: set[str] = set()
        for a in articles:
            if a.id in seen:
                raise InputError("E010", path=a.origin or a.id, id=a.id)
            seen.add(a.id)
        timer = _Timer()
        warnings: list[str] = []
        with timer.stage("parse"):
            parsed = annotate(articles, self.parser)
        for pd in parsed:
            if pd.truncated:
                warnings.append(f"{pd.id}: only the first part of a very long text was analysed")
        warnings.extend(_language_warnings(articles))
        with timer.stage("entities"):
            entity_index = resolve(parsed)
            names = {e.id: e.name for e in entity_index.entities}
            entity_documents = {e.id: set(e.documents) for e in entity_index.entities}
            entity_kind = {e.id: e.kind for e in entity_index.entities}
        with timer.stage("facts"):
            views_by_doc: list[list[FactView]] = []
            infos: dict[int, ViewInfo] = {}
            part_terms: dict[int, list[tuple[Span, set[str]]]] = {}
            pronouns_by_doc: list[dict[int, str]] = []
            for i, pd in enumerate(parsed):
                measures = measure(pd)
                pronouns = resolve_pronouns(pd, _person_mentions(pd, entity_index, i))
                pronouns_by_doc.append(pronouns)
                facts, drafts = extract_facts(pd, i, pronouns)
                views = []
                for fact, draft in zip(facts, drafts, strict=True):
                    view, info, parts = self._view(
                        pd, i, fact, draft, entity_index, entity_kind, measures, pronouns
                    )
                    views.append(view)
                    infos[id(view)] = info
                    part_terms[id(view)] = parts
                views_by_doc.append(views)
            parts_by_doc = [
                self._part_views(views, infos, part_terms) for views in views_by_doc
            ]
        all_views = [v for vs in views_by_doc for v in vs]
        all_parts = [v for vs in parts_by_doc for v in vs]
        with timer.stage("embed"):
            renames = _renames(entity_index)
            vectors = self.embedder.encode(
                [_embedding_text(v.fact.about, renames)
                 for v in all_views + all_parts]
            )
            for v, vec in zip(all_views + all_parts, vectors, strict=True):
                v.vector = vec
        with timer.stage("align"):
            groups = align(
                views_by_doc, threshold=self.align_threshold,
                parts_by_doc=parts_by_doc if len(articles) > 1 else None,
                confirm=self._confirm if self._entailment_judge() else None,
            )
        with timer.stage("compare"):
            part_vectors = self._part_vectors(groups, part_terms, renames)
            facts_out, contradictions, fact_sentence = self._label(
                groups, infos, part_terms, names, part_vectors, entity_documents
            )
        with timer.stage("quotes"):
            name_to_entity = {}
            for e in entity_index.entities:
                name_to_entity.setdefault(short_name(e.name), e.id)
                name_to_entity.setdefault(e.name, e.id)
            quotes = []
            for i, pd in enumerate(parsed):
                quotes.extend(
                    extract_quotes(pd, i, entity_index, pronouns_by_doc[i], name_to_entity)
                )
        with timer.stage("brief"):
            brief = build_brief(facts_out, contradictions, articles, fact_sentence)
        timer.timings["total"] = sum(timer.timings.values())
        return Comparison(
            documents=list(articles),
            facts=facts_out,
            contradictions=contradictions,
            entities=entity_index.entities,
            quotes=quotes,
            brief=brief,
            timings=timer.timings,
            models=self.model_names(),
            warnings=warnings,
        )

    def model_names(self) -> dict[str, str]:
        parser = self.parser
        return {
            "parser": f"{parser.meta.get('lang', '')}_{parser.meta.get('name', '')}"
            f"-{parser.meta.get('version', '')}",
            "embedder": getattr(self.embedder, "name", type(self.embedder).__name__),
            "judge": "typed comparison"
            + (f" + {getattr(self.judge, 'name', type(self.judge).__name__)}"
               if self.use_judge else ""),
        }

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _view(
        pd: ParsedDoc,
        doc_index: int,
        fact: Fact,
        draft: Draft,
        entity_index: EntityIndex,
        entity_kind: dict[str, str],
        measures,
        pronouns: dict[int, PronounLink],
    ) -> tuple[FactView, ViewInfo, list[tuple[Span, set[str]]]]:
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
            e = token_entity.get(t)
            if e is not None and e not in roles:
                roles[e] = (entity_kind.get(e, "other"), role_of(doc[t], draft.head))
        sent = doc[min(own)].sent
        info = ViewInfo(
            fact.quantities, fact.times, roles, fact.negated, fact.predicate,
            negation_parity(own_set, doc),
            # Names in the sentence that play a part (not "U.S." in "U.S. President Trump").
            frozenset(
                e for t in range(sent.start, sent.end)
                if (e := token_entity.get(t)) and role_of(doc[t], draft.head) != "compound"
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
        return FactView(fact, doc_index, set(own), terms), info, parts

    @staticmethod
    def _part_views(
        views: list[FactView],
        infos: dict[int, ViewInfo],
        part_terms: dict[int, list[tuple[Span, set[str]]]],
    ) -> list[FactView]:
        """The longer parts of a report's facts, as views of their own (see ``align``)."""
        out: list[FactView] = []
        for v in views:
            info = infos[id(v)]
            for k, (span, terms) in enumerate(part_terms.get(id(v), [])):
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
                    focus=_part_statement(span),
                    context_spans=[s for s in v.fact.spans if not s.overlaps(span)],
                    resolved=list(v.fact.resolved),
                )
                fact.quantities = [q for q in info.quantities if _within(q.span, span)]
                fact.times = [t for t in info.times if _within(t.span, span)]
                part = FactView(fact, v.doc, set(), set(terms), part=True)
                infos[id(part)] = ViewInfo(
                    fact.quantities, fact.times,
                    {e: r for e, r in info.entities.items()
                     if entity_term(e, r[0]) in terms},
                    info.negated, info.predicate, info.negation_parity, info.sentence_entities,
                )
                out.append(part)
        return out

    def _part_vectors(
        self,
        groups: list[FactGroup],
        part_terms: dict[int, list[tuple[Span, set[str]]]],
        renames: list[tuple[re.Pattern[str], str]],
    ) -> dict[tuple[int, int], Any]:
        """Embeddings of the multi-word parts of aligned facts, in one batch (the parts that
        were already embedded for alignment come from the embedder's cache)."""
        keys: list[tuple[int, int]] = []
        texts: list[str] = []
        for group in groups:
            if len(group.members) < 2:
                continue
            for m in group.members:
                for k, (span, terms) in enumerate(part_terms.get(id(m), [])):
                    if len(terms) >= 2 and " " in span.text:
                        keys.append((id(m), k))
                        texts.append(_embedding_text(_part_statement(span), renames))
        if not texts:
            return {}
        vectors = self.embedder.encode(texts)
        return dict(zip(keys, vectors, strict=True))

    def _label(
        self,
        groups: list[FactGroup],
        infos: dict[int, ViewInfo],
        part_terms: dict[int, list[tuple[Span, set[str]]]],
        names: dict[str, str],
        part_vectors: dict[tuple[int, int], Any] | None = None,
        entity_documents: dict[str, set[str]] | None = None,
    ) -> tuple[list[StoryFact], list[Contradiction], dict[str, list[tuple[str, int]]]]:
        facts: list[StoryFact] = []
        contradictions: list[Contradiction] = []
        fact_sentence: dict[str, list[tuple[str, int]]] = {}
        antonyms = antonym_pairs()
        typed: dict[int, list[Conflict]] = {}
        for group in groups:
            if len(group.members) > 1:
                sims = {
                    (id(a), id(b)): float(a.vector @ b.vector)
                    for i, a in enumerate(group.members)
                    for b in group.members[i + 1 :]
                }
                typed[id(group)] = group_conflicts(
                    group, infos, sims, antonyms, names, entity_documents
                )
        judged = self._judge_conflicts(
            [g for g in groups if len(g.members) > 1 and not typed[id(g)]], infos, names
        )
        for n, group in enumerate(groups, start=1):
            fid = f"F{n}"
            members = group.members
            evidence = [s for m in members for s in m.fact.spans]
            docs = [m.fact.document for m in members]
            fact_sentence[fid] = [(m.fact.document, m.fact.sentence) for m in members]
            if len(members) == 1:
                facts.append(
                    StoryFact(
                        id=fid,
                        statement=members[0].fact.statement,
                        resolved=list(members[0].fact.resolved),
                        context=list(members[0].fact.context_spans),
                        wording=members[0].fact.document,
                        status="single_source",
                        evidence=evidence,
                        documents=docs,
                        members=[members[0].fact.id],
                    )
                )
                continue
            conflicts: list[Conflict] = typed[id(group)] or judged.get(id(group), [])
            details: list[Detail] = group_details(group, part_terms, infos, part_vectors)
            status = "contradicted" if conflicts else "corroborated"
            shown = self._statement(members)
            contradiction_index = None
            if conflicts:
                contradiction_index = len(contradictions)
                contradictions.append(self._contradiction(conflicts, members, fid))
            facts.append(
                StoryFact(
                    id=fid,
                    statement=shown.fact.statement,
                    resolved=list(shown.fact.resolved),
                    context=[s for m in members for s in m.fact.context_spans],
                    wording=shown.fact.document,
                    # Only wordings that are the member's own whole clause: a part, or a piece
                    # stated with its clause, says more than the other reports carry.
                    wordings={m.fact.document: m.fact.statement for m in members
                              if not m.part and not m.fact.focus},
                    status=status,
                    evidence=evidence,
                    documents=docs,
                    details=details,
                    members=[m.fact.id for m in members],
                    similarity=group.score,
                    contradiction=contradiction_index,
                )
            )
        return facts, contradictions, fact_sentence

    def _entailment_judge(self) -> bool:
        """Whether the judge is a natural-language-inference model, trusted to decide
        alignment (the learned judge of typed features is a contradiction detector only)."""
        return self.use_judge and isinstance(self.judge, CrossEncoderJudge)

    def _confirm(self, pairs: Sequence[tuple[FactView, FactView]]) -> np.ndarray:
        """Entailment both ways for each pair: rows of [a -> b, b -> a] probabilities."""
        texts = [(_judged_text(a), _judged_text(b)) for a, b in pairs]
        probs = self.judge.judge([*texts, *((b, a) for a, b in texts)])
        n = len(texts)
        return np.stack([probs[:n], probs[n:]], axis=1)

    def _judge_conflicts(
        self, groups: list[FactGroup], infos: dict[int, ViewInfo], names: dict[str, str]
    ) -> dict[int, list[Conflict]]:
        """What the typed checks cannot name, the entailment judge may: pairs of aligned facts
        that agree in their words but that the judge finds contradictory with high confidence
        become contradictions of kind "other"."""
        if not self.use_judge:
            return {}
        candidates = [
            (g, a, b)
            for g in groups
            for i, a in enumerate(g.members)
            for b in g.members[i + 1 :]
            if judge_candidate(a, b, infos[id(a)], infos[id(b)])
        ]
        if not candidates:
            return {}
        probabilities = self.judge.judge(
            [(_judged_text(a), _judged_text(b)) for _, a, b in candidates]
        )
        out: dict[int, list[Conflict]] = {}
        for (g, a, b), p in zip(candidates, probabilities, strict=True):
            contradiction = float(p[2])
            if contradiction < JUDGE_THRESHOLD or _same_words(a, b):
                continue
            kind = explain_judged(a, b, infos[id(a)], infos[id(b)], names)
            if kind is None:
                continue
            out.setdefault(id(g), []).append(
                Conflict(
                    kind, a, b, f"the two wordings are judged contradictory "
                    f"({contradiction:.0%} sure)", list(a.fact.spans), list(b.fact.spans),
                    contradiction,
                )
            )
        return out

    @staticmethod
    def _statement(members: Sequence[FactView]) -> FactView:
        """The member whose wording is closest to all the others, the shorter one on a tie."""
        def centrality(m: FactView) -> tuple[bool, float, int]:
            sims = [float(m.vector @ o.vector) for o in members if o is not m]
            # A whole fact's wording before a part's (a part reads as its whole fact).
            return (not m.part, sum(sims) / len(sims), -len(m.fact.statement))

        return max(members, key=centrality)

    @staticmethod
    def _contradiction(
        conflicts: list[Conflict], members: Sequence[FactView], fid: str
    ) -> Contradiction:
        first = conflicts[0]
        # Sides: the reports that agree with the first member's version, and the others.
        side_a = {id(first.a)}
        side_b = {id(first.b)}
        for c in conflicts[1:]:
            if c.kind != first.kind:
                continue
            if id(c.a) in side_a:
                side_b.add(id(c.b))
            elif id(c.a) in side_b:
                side_a.add(id(c.b))
        # Each side is the whole wording of its reports; the words that differ are the focus.
        spans_a = [s for m in members if id(m) in side_a for s in m.fact.spans]
        spans_b = [s for m in members if id(m) in side_b for s in m.fact.spans]
        focus = [s for c in conflicts for s in (*c.a_spans, *c.b_spans)
                 if c.a_spans != c.a.fact.spans]
        return Contradiction(
            kind=first.kind,  # type: ignore[arg-type]
            explanation=first.explanation,
            sides=[spans_a, spans_b],
            facts=[fid],
            confidence=first.confidence,
            focus=list(dict.fromkeys(focus)),
        )


_default: Reconciler | None = None


def default_reconciler() -> Reconciler:
    global _default
    if _default is None:
        _default = Reconciler()
    return _default


def compare(
    inputs: Sequence[str | Path | Article],
    *,
    reconciler: Reconciler | None = None,
    max_bytes: int | None = None,
    allow_private: bool = False,
) -> Comparison:
    """Reconcile several reports of one story.

    ``inputs`` are paths (text, HTML or JSONL files, folders), http(s) addresses or
    :class:`~rashomon.model.Article` objects. Returns a :class:`~rashomon.model.Comparison`.
    """
    articles = read_inputs(inputs, max_bytes=max_bytes, allow_private=allow_private)
    return (reconciler or default_reconciler()).compare(articles)


def read_inputs(
    inputs: Sequence[str | Path | Article], *, max_bytes: int | None = None,
    allow_private: bool = False,
) -> list[Article]:
    if not inputs:
        raise InputError("E040")
    if all(isinstance(x, Article) for x in inputs):
        return list(inputs)  # type: ignore[arg-type]
    from rashomon.readers import read_reports

    kwargs: dict[str, Any] = {"allow_private": allow_private}
    if max_bytes is not None:
        kwargs["max_bytes"] = max_bytes
    try:
        return read_reports(list(inputs), **kwargs)
    except RashomonError:
        raise
