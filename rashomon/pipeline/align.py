"""Stage 5: align the facts of different reports that say the same thing.

Two facts are compared by a score that mixes the cosine of their sentence embeddings with a
weighted overlap of what they are about (content lemmas and resolved entities, each weighted by
how rare it is in the story, so that sharing "Nicolás Maduro" counts for more than sharing
"meeting"). Each pair of reports is matched one-to-one by maximum-weight assignment over the
pairs above a threshold; the matches of all pairs of reports are then joined into groups that
hold at most one fact per report.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse
from scipy.optimize import linear_sum_assignment

from rashomon.model import Fact, Span

if TYPE_CHECKING:
    from rashomon.pipeline.differences import Conflict, ViewInfo

_WORD = re.compile(r"[\w’'-]+")

# Thresholds of the alignment score (0..1), kept as data in one place.
ALIGN_THRESHOLD = 0.56
COSINE_WEIGHT = 0.7  # the rest is the weighted overlap of lemmas and entities
SENTENCE_ANCHOR = 0.65  # a pair this strong lends support to its sentences' other facts
SENTENCE_BONUS = 0.06
VERBATIM_PREFILTER = 0.3  # cosine under which two facts are not checked for shared wording
VERBATIM_SHARE = 0.7  # share of words in common that makes two wordings near-verbatim
PART_MARGIN = 0.04  # a part must beat the report's whole facts, and the threshold, by this
# With an entailment judge (see ``align(confirm=...)``): a match under VERIFY_BELOW is dropped
# when the judge finds each side neutral to the other (different facts that share words); a
# pair of mutual best candidates from PARAPHRASE_FLOOR up is matched when each side entails the
# other (a paraphrase that shares few words).
VERIFY_BELOW = 0.7
NEUTRAL_BOTH_WAYS = 0.85
PARAPHRASE_FLOOR = 0.35
ENTAIL_BOTH_WAYS = 0.6
# Shared names weigh more than shared words, people most: they are the participants, while
# places are often only the setting ("US", "Venezuela" in every sentence of a story).
ENTITY_WEIGHT = {"@person": 2.0, "@organization": 1.6, "@group": 1.3, "@place": 1.1,
                 "@other": 1.3}


def entity_term(entity_id: str, kind: str) -> str:
    """The alignment term for an entity: "@person:E3"."""
    return f"@{kind}:{entity_id}"


@dataclass(slots=True)
class FactView:
    """A fact with what alignment needs: its report, terms and vector."""

    fact: Fact
    doc: int
    tokens: set[int]
    terms: set[str]  # content lemmas, and "@person:E3" for entity E3
    vector: np.ndarray | None = None
    part: bool = False  # a phrase of a fact (second alignment pass), not a whole statement
    # What the typed checks read about the fact (set by the facts stage).
    info: ViewInfo | None = None
    # The fact's parts (phrases, items) with their alignment terms, in the fact's order.
    parts: list[tuple[Span, set[str]]] = field(default_factory=list)
    # Embeddings of the multi-word parts, by index into ``parts`` (set for aligned facts only).
    part_vectors: dict[int, np.ndarray] = field(default_factory=dict)


@dataclass(slots=True)
class FactGroup:
    """Facts of different reports aligned as one fact of the story."""

    members: list[FactView]
    score: float | None = None  # the weakest alignment score inside the group
    # Contradictions between members: found by the typed checks, then by the judge.
    typed: list[Conflict] = field(default_factory=list)
    judged: list[Conflict] = field(default_factory=list)

    @property
    def docs(self) -> list[int]:
        return sorted({m.doc for m in self.members})


class TermWeights(dict[str, float]):
    """Term -> weight; a term no fact holds (a part's own word) weighs as the rarest."""

    rare: float = 1.0

    def __missing__(self, key: str) -> float:
        return self.rare


def term_weights(views: Sequence[FactView]) -> TermWeights:
    """Inverse document frequency of each term over the facts of the story."""
    df: Counter[str] = Counter()
    for v in views:
        df.update(v.terms)
    n = max(len(views), 1)
    weights = TermWeights(
        {t: math.log(1.0 + n / c) * ENTITY_WEIGHT.get(t.split(":", 1)[0], 1.0)
         for t, c in df.items()}
    )
    weights.rare = max(weights.values(), default=1.0)
    return weights


def overlap(a: FactView, b: FactView, idf: dict[str, float]) -> float:
    """Weighted Dice overlap of two facts' terms."""
    if not a.terms or not b.terms:
        return 0.0
    shared = sum(idf[t] for t in a.terms & b.terms)
    total = sum(idf[t] for t in a.terms) + sum(idf[t] for t in b.terms)
    return 2.0 * shared / total if total else 0.0


def _vector(view: FactView) -> np.ndarray:
    """A view's embedding; alignment embeds every view before it scores any."""
    if view.vector is None:
        raise ValueError("a fact is scored before it was embedded")
    return view.vector


def score_matrix(a: Sequence[FactView], b: Sequence[FactView], idf: TermWeights) -> np.ndarray:
    """Alignment scores between the facts of two reports."""
    if not a or not b:
        return np.zeros((len(a), len(b)), dtype=np.float32)
    va = np.stack([_vector(v) for v in a])
    vb = np.stack([_vector(v) for v in b])
    cos = np.clip(va @ vb.T, 0.0, 1.0)
    scores = COSINE_WEIGHT * cos + (1.0 - COSINE_WEIGHT) * overlap_matrix(a, b, idf)
    # Near-verbatim wordings (a wire copy, a lightly edited reprint) align whatever a changed
    # name or number does to their embeddings: their words themselves mostly coincide.
    shared = np.where(cos >= VERBATIM_PREFILTER, word_share_matrix(a, b), 0.0)
    return np.where(shared >= VERBATIM_SHARE, np.maximum(scores, shared), scores)


def _words(view: FactView) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD.findall(view.fact.about))


def _incidences(
    sets_a: Sequence[Collection[str]], sets_b: Sequence[Collection[str]], vocab: dict[str, int]
) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """0/1 rows over one vocabulary (filled in here), one row per set, for both sides."""
    for items in (*sets_a, *sets_b):
        for t in items:
            vocab.setdefault(t, len(vocab))

    def rows_of(sets: Sequence[Collection[str]]) -> sparse.csr_matrix:
        rows = [r for r, items in enumerate(sets) for _ in items]
        cols = [vocab[t] for items in sets for t in items]
        return sparse.csr_matrix(
            (np.ones(len(rows)), (rows, cols)), shape=(len(sets), max(len(vocab), 1))
        )

    return rows_of(sets_a), rows_of(sets_b)


def word_share_matrix(a: Sequence[FactView], b: Sequence[FactView]) -> np.ndarray:
    """Jaccard overlap of the words of every pair of statements, at once."""
    wa, wb = [_words(v) for v in a], [_words(v) for v in b]
    ma, mb = _incidences(wa, wb, {})
    shared = (ma @ mb.T).toarray()
    sizes_a = np.array([len(w) for w in wa], dtype=np.float64)
    sizes_b = np.array([len(w) for w in wb], dtype=np.float64)
    union = sizes_a[:, None] + sizes_b[None, :] - shared
    return np.divide(shared, union, out=np.zeros_like(shared), where=union > 0)


def overlap_matrix(a: Sequence[FactView], b: Sequence[FactView], idf: TermWeights) -> np.ndarray:
    """:func:`overlap` for every pair at once (sparse products instead of set loops)."""
    vocab: dict[str, int] = {}
    ma, mb = _incidences([v.terms for v in a], [v.terms for v in b], vocab)
    if not vocab:
        return np.zeros((len(a), len(b)), dtype=np.float32)
    weights = np.array([idf[t] for t in vocab], dtype=np.float64)
    shared = (ma.multiply(weights)) @ mb.T
    tot_a = ma @ weights
    tot_b = mb @ weights
    denom = tot_a[:, None] + tot_b[None, :]
    dice = np.divide(2.0 * shared.toarray(), denom, out=np.zeros_like(denom), where=denom > 0)
    return dice.astype(np.float32)


def sentence_bonus(a: Sequence[FactView], b: Sequence[FactView], scores: np.ndarray) -> np.ndarray:
    """Raise the scores of facts whose sentences already share a strongly aligned fact.

    Reports package related facts together: when one fact of a sentence in report A aligns
    strongly with one of a sentence in report B, the other facts of those two sentences are
    more likely to correspond too ("a cordial call, facilitated by Senator Paul, signaled a
    thaw" / "attempts to ease relations, marked by a cordial call facilitated by Senator Paul").
    """
    bonus = np.zeros_like(scores)
    if scores.size == 0:
        return bonus
    sa = np.array([v.fact.sentence for v in a])
    sb = np.array([v.fact.sentence for v in b])
    strong = np.argwhere(scores >= SENTENCE_ANCHOR)
    for r, c in strong:
        rows = np.where(sa == sa[r])[0]
        cols = np.where(sb == sb[c])[0]
        block = np.ix_(rows, cols)
        bonus[block] = SENTENCE_BONUS
        bonus[r, c] = max(bonus[r, c], 0.0)
    # An anchor pair itself gets no bonus from its own strength, only from other anchors.
    for r, c in strong:
        others = [
            (x, y) for x, y in strong if (x, y) != (r, c) and sa[x] == sa[r] and sb[y] == sb[c]
        ]
        if not others:
            bonus[r, c] = 0.0
    return bonus


def match_pair(scores: np.ndarray, threshold: float) -> list[tuple[int, int, float]]:
    """One-to-one maximum-weight matching of the pairs scoring at least ``threshold``."""
    if scores.size == 0:
        return []
    masked = np.where(scores >= threshold, scores, 0.0)
    rows, cols = linear_sum_assignment(-masked)
    return [(int(r), int(c), float(scores[r, c])) for r, c in zip(rows, cols, strict=True)
            if scores[r, c] >= threshold]


def align(
    views_by_doc: Sequence[Sequence[FactView]],
    *,
    threshold: float = ALIGN_THRESHOLD,
    parts_by_doc: Sequence[Sequence[FactView]] | None = None,
    confirm: Callable[[Sequence[tuple[FactView, FactView]]], np.ndarray] | None = None,
) -> list[FactGroup]:
    """Group the facts of all reports; facts nobody else carries form groups of one.

    ``parts_by_doc`` are the longer parts of each report's facts (a prepositional phrase, a
    coordinated item) as views of their own. After the facts are matched, a fact that found no
    partner in a report may still match one of that report's parts: one report states as a fact
    what another mentions in passing ("tensions over Venezuela, drug trafficking, oil and
    security" / "central issues will include Venezuela, drug trafficking, oil and security").

    ``confirm``, an entailment judge over pairs of views (rows of [probabilities of a -> b,
    probabilities of b -> a], each in entailment / neutral / contradiction order), decides where
    the scores are unsure: see :data:`VERIFY_BELOW` and :data:`PARAPHRASE_FLOOR`.

    The work is :func:`propose`, the judge on :attr:`Proposal.asked`, then :func:`settle`: a
    caller aligning many stories asks the judge once for all of them.
    """
    proposal = propose(views_by_doc, threshold=threshold, parts_by_doc=parts_by_doc,
                       confirming=confirm is not None)  # fmt: skip
    asked = proposal.asked
    probs = np.asarray(confirm(asked)) if confirm is not None and asked else None
    return settle(proposal, probs)


@dataclass(slots=True)
class Proposal:
    """Matches found by the scores, and the pairs an entailment judge is to look at."""

    views_by_doc: Sequence[Sequence[FactView]]
    parts_by_doc: Sequence[Sequence[FactView]] | None
    threshold: float
    idf: TermWeights
    edges: list[tuple[float, int, int]]  # (score, view index, view index)
    candidates: list[tuple[float, int, int]]  # unmatched mutual best pairs, for the judge
    best_fact_score: dict[tuple[int, int], float]  # (view index, other doc) -> best score
    confirming: bool

    @property
    def all_views(self) -> list[FactView]:
        return [v for views in self.views_by_doc for v in views]

    @property
    def unsure(self) -> list[tuple[float, int, int]]:
        return [e for e in self.edges if e[0] < VERIFY_BELOW] if self.confirming else []

    @property
    def asked(self) -> list[tuple[FactView, FactView]]:
        """The pairs to judge: unsure matches, then candidate paraphrases."""
        if not self.confirming:
            return []
        views = self.all_views
        return [(views[a], views[b]) for _, a, b in self.unsure + self.candidates]


def _indices(views: Sequence[FactView]) -> dict[int, int]:
    # Identity of the views within this one call: never kept, so nothing outlives the process.
    return {id(v): k for k, v in enumerate(views)}


def propose(
    views_by_doc: Sequence[Sequence[FactView]],
    *,
    threshold: float = ALIGN_THRESHOLD,
    parts_by_doc: Sequence[Sequence[FactView]] | None = None,
    confirming: bool = False,
) -> Proposal:
    """Score every pair of reports and match their facts one to one (see :func:`align`)."""
    all_views = [v for views in views_by_doc for v in views]
    idf = term_weights(all_views)
    index = _indices(all_views)
    edges: list[tuple[float, int, int]] = []
    candidates: list[tuple[float, int, int]] = []
    best_fact_score: dict[tuple[int, int], float] = {}  # (view index, other doc) -> best score
    for i in range(len(views_by_doc)):
        for j in range(i + 1, len(views_by_doc)):
            scores = score_matrix(views_by_doc[i], views_by_doc[j], idf)
            scores = scores + sentence_bonus(views_by_doc[i], views_by_doc[j], scores)
            if scores.size:
                for r, v in enumerate(views_by_doc[i]):
                    best_fact_score[(index[id(v)], j)] = float(scores[r].max())
                for c, v in enumerate(views_by_doc[j]):
                    best_fact_score[(index[id(v)], i)] = float(scores[:, c].max())
            matched = match_pair(scores, threshold)
            for r, c, s in matched:
                edges.append((s, index[id(views_by_doc[i][r])], index[id(views_by_doc[j][c])]))
            if confirming and scores.size:
                candidates.extend(
                    (s, index[id(views_by_doc[i][r])], index[id(views_by_doc[j][c])])
                    for r, c, s in _mutual_best(scores, matched, PARAPHRASE_FLOOR, threshold)
                )
    return Proposal(views_by_doc, parts_by_doc, threshold, idf, edges, candidates,
                    best_fact_score, confirming)  # fmt: skip


def settle(proposal: Proposal, probs: np.ndarray | None = None) -> list[FactGroup]:
    """The groups, once the judge's ``probs`` on :attr:`Proposal.asked` are known."""
    views_by_doc, parts_by_doc = proposal.views_by_doc, proposal.parts_by_doc
    threshold, idf = proposal.threshold, proposal.idf
    all_views = proposal.all_views
    index = _indices(all_views)
    edges = proposal.edges
    if proposal.confirming and probs is not None:
        edges = _confirmed(edges, proposal.unsure, proposal.candidates, probs)
    # Join matches strongest first, never letting a group hold two facts of one report.
    parent = list(range(len(all_views)))
    docs_of: dict[int, set[int]] = {k: {v.doc} for k, v in enumerate(all_views)}
    weakest: dict[int, float] = {}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for s, a, b in sorted(edges, reverse=True):
        ra, rb = find(a), find(b)
        if ra == rb or docs_of[ra] & docs_of[rb]:
            continue
        parent[rb] = ra
        docs_of[ra] |= docs_of.pop(rb)
        weakest[ra] = min(s, weakest.get(ra, 1.0), weakest.pop(rb, 1.0))
    groups: dict[int, list[FactView]] = defaultdict(list)
    for k, v in enumerate(all_views):
        groups[find(k)].append(v)
    if parts_by_doc:
        _attach_parts(views_by_doc, parts_by_doc, groups, find, index, idf,
                      proposal.best_fact_score, weakest, threshold)  # fmt: skip
    out = [
        FactGroup(sorted(members, key=lambda v: v.doc), weakest.get(root))
        for root, members in groups.items()
        if members
    ]
    # Reading order: by the earliest position of the group's facts in their reports.
    out.sort(key=lambda g: min((m.doc, m.fact.sentence, m.fact.start) for m in g.members)[1:])
    return out


def _mutual_best(scores: np.ndarray, matched: list[tuple[int, int, float]], floor: float,
                 threshold: float) -> list[tuple[int, int, float]]:  # fmt: skip
    """Unmatched pairs scoring in [floor, threshold) that are each other's best."""
    taken_rows = {r for r, _, _ in matched}
    taken_cols = {c for _, c, _ in matched}
    out = []
    for r in range(scores.shape[0]):
        if r in taken_rows:
            continue
        c = int(np.argmax(scores[r]))
        s = float(scores[r, c])
        if c not in taken_cols and floor <= s < threshold and int(np.argmax(scores[:, c])) == r:
            out.append((r, c, s))
    return out


def _confirmed(
    edges: list[tuple[float, int, int]],
    unsure: list[tuple[float, int, int]],
    candidates: list[tuple[float, int, int]],
    probs: np.ndarray,
) -> list[tuple[float, int, int]]:
    """The matches the judge does not refute, and the candidates it finds to be paraphrases
    (``probs``: the judge's rows for ``unsure + candidates``)."""
    asked = unsure + candidates
    if not asked:
        return edges
    verdict = {}
    for (_, a, b), p in zip(asked, probs, strict=True):
        neutral = min(float(p[0][1]), float(p[1][1]))
        entailed = min(float(p[0][0]), float(p[1][0]))
        verdict[(a, b)] = (neutral, entailed)
    kept = [e for e in edges
            if e[0] >= VERIFY_BELOW or verdict[(e[1], e[2])][0] < NEUTRAL_BOTH_WAYS]  # fmt: skip
    # A paraphrase joins at the threshold: it is certain, but its words are not.
    kept.extend((ALIGN_THRESHOLD, a, b) for _, a, b in candidates
                if verdict[(a, b)][1] >= ENTAIL_BOTH_WAYS)  # fmt: skip
    return kept


def _attach_parts(
    views_by_doc: Sequence[Sequence[FactView]],
    parts_by_doc: Sequence[Sequence[FactView]],
    groups: dict[int, list[FactView]],
    find: Callable[[int], int],
    index: dict[int, int],
    idf: TermWeights,
    best_fact_score: dict[tuple[int, int], float],
    weakest: dict[int, float],
    threshold: float,
) -> None:
    """Second pass: facts left without a partner in a report matched to that report's parts."""
    for i, parts in enumerate(parts_by_doc):
        if not parts:
            continue
        for j, views in enumerate(views_by_doc):
            if i == j:
                continue
            # Facts of report j that no fact of report i carries.
            lonely = [v for v in views if not any(m.doc == i for m in groups[find(index[id(v)])])]
            if not lonely:
                continue
            scores = score_matrix(parts, lonely, idf)
            for c, v in enumerate(lonely):
                # A part must beat every whole fact of report i, by a margin.
                floor = best_fact_score.get((index[id(v)], i), 0.0) + PART_MARGIN
                scores[:, c] = np.where(scores[:, c] >= floor, scores[:, c], 0.0)
            for r, c, s in match_pair(scores, threshold + PART_MARGIN):
                root = find(index[id(lonely[c])])
                if any(m.doc == i for m in groups[root]):
                    continue
                groups[root].append(parts[r])
                weakest[root] = min(s, weakest.get(root, 1.0))
