"""Stage 8: a consolidated brief in which every sentence cites the reports it rests on.

The brief is extractive, so that it never says what no report said: it picks the report
sentences that carry the most corroborated facts (weighted by how many reports carry them and
by how early the reports tell them, since news puts what matters first), preferring sentences
with few single-source additions, until the corroborated facts are covered or the brief is
long enough. Each sentence cites every report that carries one of its facts. Contradictions get
a sentence of their own that names both sides, and the most prominent facts that only one report
carries are listed as such.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from rashomon.model import Article, BriefSentence, Contradiction, Sentence, Span, StoryFact

MAX_SENTENCES = 5
MAX_SINGLE_SOURCE = 3
MIN_SINGLE_WORDS = 6
SINGLE_SOURCE_PENALTY = 0.25


def _label(doc: Article) -> str:
    return doc.source or doc.id


def build_brief(
    facts: Sequence[StoryFact],
    contradictions: Sequence[Contradiction],
    documents: Sequence[Article],
    sentences: dict[str, list[Sentence]],
    fact_sentence: dict[str, list[tuple[str, int]]],
    *,
    max_sentences: int = MAX_SENTENCES,
) -> list[BriefSentence]:
    """``fact_sentence`` maps a story fact id to the (document, sentence index) it sits in."""
    by_sentence: dict[tuple[str, int], list[StoryFact]] = defaultdict(list)
    for f in facts:
        for key in fact_sentence.get(f.id, []):
            by_sentence[key].append(f)
    n_docs = len(documents)
    order = {f.id: k for k, f in enumerate(facts)}
    covered: set[str] = set()
    chosen: list[tuple[tuple[str, int], list[StoryFact]]] = []

    def gain(key: tuple[str, int]) -> float:
        value = 0.0
        for f in by_sentence[key]:
            if f.status == "single_source":
                value -= SINGLE_SOURCE_PENALTY
            elif f.id not in covered:
                weight = (len(f.documents) - 1) / max(n_docs - 1, 1)
                value += weight * (1.0 + 1.0 / (1.0 + order[f.id] / 4.0))
        value -= SINGLE_SOURCE_PENALTY * sum(
            1 for f in by_sentence[key] for d in f.details if d.span.document == key[0]
        ) / 2
        return value

    if n_docs > 1:
        while len(chosen) < max_sentences:
            best = max(by_sentence, key=gain, default=None)
            if best is None or gain(best) <= 0.0:
                break
            new = [f for f in by_sentence[best] if f.status != "single_source"]
            covered.update(f.id for f in new)
            chosen.append((best, new))
    doc_index = {d.id: k for k, d in enumerate(documents)}
    # News puts what matters first: the brief follows the reports' own order, leads first.
    chosen.sort(key=lambda c: (c[0][1], doc_index[c[0][0]]))
    brief: list[BriefSentence] = []
    for (doc_id, sent_index), carried in chosen:
        sentence = sentences[doc_id][sent_index]
        docs = sorted({d for f in carried for d in f.documents} | {doc_id}, key=doc_index.get)
        evidence: list[Span] = [
            Span(doc_id, sentence.start, sentence.end, sentence.text),
            *(s for f in carried for s in f.evidence if s.document != doc_id),
        ]
        brief.append(
            BriefSentence(sentence.text, docs, evidence, [f.id for f in carried])
        )
    names = {d.id: _label(d) for d in documents}
    for c in contradictions:
        sides = [side for side in c.sides if side]
        if len(sides) < 2:
            continue
        parts = []
        for side in sides:
            docs = sorted({s.document for s in side}, key=doc_index.get)
            parts.append(f"{', '.join(names[d] for d in docs)}: “{side[0].text}”")
        text = f"The reports disagree ({c.kind}): " + "; ".join(parts) + "."
        docs = sorted({s.document for side in sides for s in side}, key=doc_index.get)
        brief.append(
            BriefSentence(text, docs, [s for side in sides for s in side], list(c.facts))
        )
    if n_docs > 1:
        for f in _notable_single_source(facts, fact_sentence, documents)[:MAX_SINGLE_SOURCE]:
            doc_id = f.documents[0]
            brief.append(
                BriefSentence(
                    f"Only {names[doc_id]} reports: {f.statement}.", [doc_id], list(f.evidence),
                    [f.id],
                )
            )
    return brief


def _notable_single_source(
    facts: Sequence[StoryFact],
    fact_sentence: dict[str, list[tuple[str, int]]],
    documents: Sequence[Article],
) -> list[StoryFact]:
    """For each report, the earliest fact only it carries that names someone or something
    (a full statement of at least six words, not a caption fragment), reports in order."""
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
        picked[doc_id] = f
    return [picked[d.id] for d in documents if d.id in picked]
