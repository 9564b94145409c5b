"""Stage ``align``: facts of different reports that say the same thing, grouped.

With an entailment judge, the unsure matches and candidate paraphrases of all the stories in a
batch go to the judge in one call (see :func:`rashomon.pipeline.align.align`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from rashomon.backends.nli import judge_groups
from rashomon.pipeline.align import ALIGN_THRESHOLD, FactView, propose, settle
from rashomon.pipeline.facts import claim_text
from rashomon.pipeline.state import Stage, StoryState


def judged_text(view: FactView) -> str:
    """What the judge reads of a fact: what it asserts (a piece without the clause it borrows,
    which is a fact of its own), with shown resolutions read in place."""
    return claim_text(view.fact.about)


def both_ways(pairs: Sequence[tuple[FactView, FactView]]) -> list[tuple[str, str]]:
    """The texts to judge for entailment both ways: every pair a -> b, then every b -> a."""
    texts = [(judged_text(a), judged_text(b)) for a, b in pairs]
    return [*texts, *((b, a) for a, b in texts)]


def confirm(judge: Any, pairs: Sequence[tuple[FactView, FactView]]) -> np.ndarray:
    """Entailment both ways for each pair: rows of [a -> b, b -> a] probabilities."""
    return stacked(np.asarray(judge.judge(both_ways(pairs))))


def stacked(probs: np.ndarray) -> np.ndarray:
    """:func:`both_ways`'s probabilities as rows of [a -> b, b -> a]."""
    n = len(probs) // 2
    return np.stack([probs[:n], probs[n:]], axis=1)


class AlignStage(Stage):
    """Fills :attr:`StoryState.groups`. ``judge``: an entailment judge trusted to decide
    alignment where the scores are unsure, or None."""

    name = "align"

    def __init__(self, threshold: float = ALIGN_THRESHOLD, judge: Any | None = None) -> None:
        self.threshold = threshold
        self.judge = judge

    def process(self, states: list[StoryState]) -> list[StoryState]:
        proposals = [
            propose(s.views, threshold=self.threshold,
                    parts_by_doc=s.parts if len(s.articles) > 1 else None,
                    confirming=self.judge is not None)
            for s in states
        ]
        asked = [p.asked for p in proposals]
        answers: list[np.ndarray | None] = [None] * len(states)
        if self.judge is not None and any(asked):
            # One call of the judge for the batch (per story where the judge cannot pool).
            judged = judge_groups(self.judge, [both_ways(pairs) for pairs in asked])
            answers = [stacked(p) if pairs else None
                       for p, pairs in zip(judged, asked, strict=True)]  # fmt: skip
        for state, proposal, mine in zip(states, proposals, answers, strict=True):
            state.groups = settle(proposal, mine)
        return states
