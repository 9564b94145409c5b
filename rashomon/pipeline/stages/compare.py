"""Stage ``compare``: each group of aligned facts labelled corroborated, single-source or
contradicted, with its details and, where the reports disagree, the contradiction.

Typed checks first (:mod:`rashomon.pipeline.differences`); what they cannot name, the entailment
judge may, in one call for all the stories of a batch. The embeddings of the multi-word parts of
aligned facts are also asked for in one call.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS

from rashomon.backends.embeddings import Embedder
from rashomon.backends.nli import judge_groups
from rashomon.model import Contradiction, Detail, Status, StoryFact
from rashomon.pipeline.align import FactGroup, FactView
from rashomon.pipeline.differences import (
    JUDGE_THRESHOLD,
    Conflict,
    ViewInfo,
    explain_judged,
    group_conflicts,
    group_details,
    judge_candidate,
)
from rashomon.pipeline.lexicon import SPEECH_VERBS
from rashomon.pipeline.stages.align import judged_text
from rashomon.pipeline.stages.embed import embedding_text
from rashomon.pipeline.stages.facts import part_statement
from rashomon.pipeline.state import Stage, StoryState

_IRREGULAR_SPEECH = {"said", "told", "wrote", "spoke", "says", "tells", "writes"}
_FRAME_WORDS = frozenset(
    {f"{verb}{end}" for verb in SPEECH_VERBS for end in ("", "s", "d", "ed")} | _IRREGULAR_SPEECH
)


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


def _info(view: FactView) -> ViewInfo:
    """What the typed checks read about a fact, which the facts stage sets on every view."""
    if view.info is None:
        raise RuntimeError("a fact reached the compare stage without its typed information")
    return view.info


def same_words(a: FactView, b: FactView) -> bool:
    """Whether two facts' own words are the same words: whatever a judge says, the two reports
    say the same thing there, and a contradiction would show the same text on both sides."""
    def words(view: FactView) -> list[str]:
        return re.findall(r"\w+", " ".join(s.text for s in view.fact.spans).lower())

    wa, wb = words(a), words(b)
    # Only who said it, or little words, set them apart ("..., they added").
    return all(w in _FRAME_WORDS or w in STOP_WORDS for w in set(wa) ^ set(wb))


def statement_member(members: Sequence[FactView]) -> FactView:
    """The member whose wording is closest to all the others, the shorter one on a tie."""
    def centrality(m: FactView) -> tuple[bool, float, int]:
        # Every member of a group was embedded when it was aligned.
        assert m.vector is not None
        sims = [float(m.vector @ o.vector) for o in members if o is not m]
        # A whole fact's wording before a part's (a part reads as its whole fact).
        return (not m.part, sum(sims) / len(sims), -len(m.fact.statement))

    return max(members, key=centrality)


def contradiction_of(
    conflicts: list[Conflict], members: Sequence[FactView], fid: str
) -> Contradiction:
    """The contradiction a group's conflicts make: the reports on each side, and the words."""
    first = conflicts[0]
    # Sides: the reports that agree with the first member's version, and the others.
    side_a = [first.a]
    side_b = [first.b]
    for c in conflicts[1:]:
        if c.kind != first.kind:
            continue
        if any(c.a is m for m in side_a):
            side_b.append(c.b)
        elif any(c.a is m for m in side_b):
            side_a.append(c.b)
    # Each side is the whole wording of its reports; the words that differ are the focus.
    spans_a = [s for m in members if any(m is x for x in side_a) for s in m.fact.spans]
    spans_b = [s for m in members if any(m is x for x in side_b) for s in m.fact.spans]
    focus = [s for c in conflicts for s in (*c.a_spans, *c.b_spans)
             if c.a_spans != c.a.fact.spans]
    return Contradiction(
        kind=first.kind,
        explanation=first.explanation,
        sides=[spans_a, spans_b],
        facts=[fid],
        confidence=first.confidence,
        focus=list(dict.fromkeys(focus)),
    )


def label(
    groups: list[FactGroup],
) -> tuple[list[StoryFact], list[Contradiction], dict[str, list[tuple[str, int]]]]:
    """The story's facts, its contradictions, and each fact's (report, sentence) places, from
    groups whose conflicts are known."""
    facts: list[StoryFact] = []
    contradictions: list[Contradiction] = []
    fact_sentence: dict[str, list[tuple[str, int]]] = {}
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
        conflicts = group.typed or group.judged
        details: list[Detail] = group_details(group)
        status: Status = "contradicted" if conflicts else "corroborated"
        shown = statement_member(members)
        contradiction_index = None
        if conflicts:
            contradiction_index = len(contradictions)
            contradictions.append(contradiction_of(conflicts, members, fid))
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


class CompareStage(Stage):
    """Fills :attr:`StoryState.facts`, :attr:`StoryState.contradictions` and
    :attr:`StoryState.fact_sentence`; sets each aligned view's part vectors and each group's
    conflicts. ``judge``: the entailment judge for what the typed checks cannot name, or None."""

    name = "compare"

    def __init__(self, embedder: Embedder, judge: Any | None = None) -> None:
        self.embedder = embedder
        self.judge = judge

    def process(self, states: list[StoryState]) -> list[StoryState]:
        self._part_vectors(states)
        antonyms = antonym_pairs()
        for state in states:
            names, documents = state.names, state.entity_documents
            for group in state.groups:
                if len(group.members) > 1:
                    group.typed = group_conflicts(group, antonyms, names, documents)
        self._judge_conflicts(states)
        for state in states:
            state.facts, state.contradictions, state.fact_sentence = label(state.groups)
        return states

    def _part_vectors(self, states: list[StoryState]) -> None:
        """Embeddings of the multi-word parts of aligned facts, in one batch (the parts that
        were already embedded for alignment come from the embedder's cache)."""
        keys: list[tuple[FactView, int]] = []
        texts: list[str] = []
        for state in states:
            for group in state.groups:
                if len(group.members) < 2:
                    continue
                for m in group.members:
                    for k, (span, terms) in enumerate(m.parts):
                        if len(terms) >= 2 and " " in span.text:
                            keys.append((m, k))
                            texts.append(embedding_text(part_statement(span), state.renames))
        if not texts:
            return
        vectors = self.embedder.encode(texts)
        for (m, k), vec in zip(keys, vectors, strict=True):
            m.part_vectors[k] = vec

    def _judge_conflicts(self, states: list[StoryState]) -> None:
        """What the typed checks cannot name, the entailment judge may: pairs of aligned facts
        that agree in their words but that the judge finds contradictory with high confidence
        become contradictions of kind "other"."""
        if self.judge is None:
            return
        candidates = [
            [
                (state, g, a, b)
                for g in state.groups
                if len(g.members) > 1 and not g.typed
                for i, a in enumerate(g.members)
                for b in g.members[i + 1 :]
                if judge_candidate(a, b, _info(a), _info(b))
            ]
            for state in states
        ]
        if not any(candidates):
            return
        # One call of the judge for the batch (per story where the judge cannot pool).
        probabilities = judge_groups(
            self.judge, [[(judged_text(a), judged_text(b)) for _, _, a, b in story]
                         for story in candidates]
        )
        for (state, g, a, b), p in zip(
            [c for story in candidates for c in story],
            [p for story in probabilities for p in story], strict=True,
        ):
            contradiction = float(p[2])
            if contradiction < JUDGE_THRESHOLD or same_words(a, b):
                continue
            kind = explain_judged(a, b, _info(a), _info(b), state.names)
            if kind is None:
                continue
            g.judged.append(
                Conflict(
                    kind, a, b, f"the two wordings are judged contradictory "
                    f"({contradiction:.0%} sure)", list(a.fact.spans), list(b.fact.spans),
                    contradiction,
                )
            )
