"""Stage 8: a consolidated brief in which every sentence cites exactly the reports that carry it.

The brief is extractive, so that it never says what no report said. Its sentences are the
story's corroborated facts, each in the wording of a report that adds nothing the others leave
out and states it as a whole clause of its own (so every report cited carries all of it; a
fact with no such wording stays out, and so does one whose alignment the scores were unsure
of, :data:`~rashomon.pipeline.align.VERIFY_BELOW`), picked by how many reports carry them and how
early the reports tell them (news puts what matters first), at most one from a report's
sentence, then put in the reports' own order. Contradictions get a sentence of their own that
names both sides. Then, for each report, the first notable fact only it carries: "Only X
reports: ...". Every sentence appears once, and nothing given as carried by several reports is
said later to be carried by one.
"""

from __future__ import annotations

from collections.abc import Sequence

from rashomon.model import Article, BriefSentence, Contradiction, Span, StoryFact
from rashomon.pipeline.align import VERIFY_BELOW

MAX_SENTENCES = 5
MAX_SINGLE_SOURCE = 3
MIN_SINGLE_WORDS = 6


def _label(doc: Article) -> str:
    return doc.source or doc.id


def _key(text: str) -> str:
    return " ".join(text.lower().replace("[", " ").replace("]", " ").split()).rstrip(".")


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".!?”\"'’" else text + "."


def _wording(fact: StoryFact) -> str | None:
    """A statement every report of the fact carries whole: the wording of a report that adds no
    detail (a date, a name, a phrase) and is its own whole clause; None when there is none."""
    adders = {d.span.document for d in fact.details}
    plain = [doc for doc in fact.documents if doc not in adders and doc in fact.wordings]
    return fact.wordings[plain[0]] if plain else None


def _overlaps(a: Sequence[Span], b: Sequence[Span]) -> bool:
    return any(x.overlaps(y) for x in a for y in b)


def build_brief(
    facts: Sequence[StoryFact],
    contradictions: Sequence[Contradiction],
    documents: Sequence[Article],
    fact_sentence: dict[str, list[tuple[str, int]]],
    *,
    max_sentences: int = MAX_SENTENCES,
) -> list[BriefSentence]:
    """``fact_sentence`` maps a story fact id to the (document, sentence index) it sits in."""
    doc_index = {d.id: k for k, d in enumerate(documents)}
    names = {d.id: _label(d) for d in documents}
    n_docs = len(documents)
    brief: list[BriefSentence] = []
    said: set[str] = set()
    used_sentences: set[tuple[str, int]] = set()
    given: list[Span] = []

    def doc_order(doc: str) -> int:
        # Every document of a fact is one of ``documents``; an unknown one would go last.
        return doc_index.get(doc, n_docs)

    def position(f: StoryFact) -> int:
        return min((s for _, s in fact_sentence.get(f.id, [])), default=0)

    if n_docs > 1:
        shared = sorted((f for f in facts if f.status == "corroborated"),
                        key=lambda f: (-len(f.documents), position(f)))  # fmt: skip
        picked: list[tuple[int, BriefSentence]] = []
        for f in shared:
            if len(picked) >= max_sentences:
                break
            if f.similarity is not None and f.similarity < VERIFY_BELOW:
                continue  # an alignment the scores were unsure of: not for the brief
            keys = set(fact_sentence.get(f.id, []))
            text = _wording(f)
            if text is None or keys & used_sentences or _key(text) in said:
                continue
            used_sentences |= keys
            said.add(_key(text))
            docs = sorted(f.documents, key=doc_order)
            evidence = [*f.evidence, *f.context]
            given.extend(f.evidence)
            picked.append((position(f), BriefSentence(_sentence(text), docs, evidence, [f.id])))
        # News puts what matters first: the brief follows the reports' own order.
        brief.extend(b for _, b in sorted(picked, key=lambda p: p[0]))
    for c in contradictions:
        sides = [side for side in c.sides if side]
        if len(sides) < 2:
            continue
        parts = []
        for side in sides:
            docs = sorted({s.document for s in side}, key=doc_order)
            parts.append(f"{', '.join(names[d] for d in docs)}: “{side[0].text}”")
        text = f"The reports disagree ({c.kind}): " + "; ".join(parts) + "."
        if _key(text) in said:
            continue
        said.add(_key(text))
        docs = sorted({s.document for side in sides for s in side}, key=doc_order)
        brief.append(
            BriefSentence(text, docs, [s for side in sides for s in side], list(c.facts))
        )
    if n_docs > 1:
        notable = _notable_single_source(facts, fact_sentence, documents, given)
        for f in notable[:MAX_SINGLE_SOURCE]:
            doc_id = f.documents[0]
            if _key(f.statement) in said:
                continue
            said.add(_key(f.statement))
            brief.append(
                BriefSentence(
                    f"Only {names[doc_id]} reports: {_sentence(f.statement)}", [doc_id],
                    [*f.evidence, *f.context], [f.id],
                )
            )
    return brief


def _notable_single_source(
    facts: Sequence[StoryFact],
    fact_sentence: dict[str, list[tuple[str, int]]],
    documents: Sequence[Article],
    given: Sequence[Span],
) -> list[StoryFact]:
    """For each report, the earliest fact only it carries that names someone or something (a
    statement of at least six words), reports in order; never one whose words the brief has
    already given as carried by several reports."""
    picked: dict[str, StoryFact] = {}
    for f in sorted(
        (f for f in facts if f.status == "single_source"),
        key=lambda f: min(s for _, s in fact_sentence.get(f.id, [("", 0)])),
    ):
        doc_id = f.documents[0]
        words = f.statement.split()
        named = sum(1 for w in words[1:] if w[:1].isupper())
        if doc_id in picked or len(words) < MIN_SINGLE_WORDS or not named:
            continue
        if _overlaps([*f.evidence, *f.context], given):
            continue
        picked[doc_id] = f
    return [picked[d.id] for d in documents if d.id in picked]
