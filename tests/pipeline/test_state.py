"""The stage contract: ``state -> state`` one at a time or in batches, over picklable states."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from rashomon.model import Article, Fact, Span
from rashomon.pipeline.align import FactGroup, FactView, align, propose, settle
from rashomon.pipeline.differences import Conflict, ViewInfo
from rashomon.pipeline.stages.align import AlignStage, both_ways, confirm, judged_text, stacked
from rashomon.pipeline.state import Stage, StoryState, report_counts, split


class Counting(Stage):
    """Marks each state with the size of the batch it came in."""

    name = "counting"

    def __init__(self) -> None:
        self.batches: list[int] = []

    def process(self, states: list[StoryState]) -> list[StoryState]:
        self.batches.append(len(states))
        for s in states:
            s.warnings.append(f"batch of {len(states)}")
        return states


def story(*ids: str) -> StoryState:
    return StoryState(articles=[Article(id=i, text=f"Text {i}.") for i in ids])


def test_pipe_runs_batches_in_order_and_call_runs_one():
    stage = Counting()
    states = [story(f"a{k}") for k in range(5)]
    out = list(stage.pipe(states, batch_size=2))
    assert out == states
    assert stage.batches == [2, 2, 1]
    assert [s.warnings for s in out] == [["batch of 2"]] * 4 + [["batch of 1"]]
    single = story("b")
    assert stage(single) is single and single.warnings == ["batch of 1"]


def test_split_follows_each_storys_reports():
    states = [story("a", "b"), story("c"), story("d", "e", "f")]
    assert report_counts(states) == [2, 1, 3]
    assert split(list("abcdef"), report_counts(states)) == [["a", "b"], ["c"], ["d", "e", "f"]]
    assert split([], [0, 0]) == [[], []]


def view(doc: int, n: int, vector: list[float], terms: set[str]) -> FactView:
    text = f"fact {doc}{n}"
    fact = Fact(id=f"{doc}#{n}", document=f"d{doc}", sentence=n, statement=text,
                spans=[Span(f"d{doc}", n * 20, n * 20 + len(text), text)])
    v = np.asarray(vector, dtype=np.float32)
    info = ViewInfo([], [], {}, False, "say")
    return FactView(fact, doc, {n}, terms, v / np.linalg.norm(v), info=info,
                    parts=[(fact.spans[0], set(terms))])


def three_reports() -> list[list[FactView]]:
    return [
        [view(0, 0, [1, 0, 0], {"meet", "@person:E1"}), view(0, 1, [0, 1, 0], {"oil"})],
        [view(1, 0, [0.9, 0.3, 0], {"meet", "@person:E1"}), view(1, 1, [0, 0.6, 0.8], {"oil"})],
        [view(2, 0, [0.7, 0.7, 0], {"talk"})],
    ]


class Judge:
    """Entailment both ways for every pair, neutral to nothing: it confirms every pair."""

    def __init__(self) -> None:
        self.calls: list[int] = []

    def judge(self, pairs):
        self.calls.append(len(pairs))
        return np.tile(np.array([[0.9, 0.05, 0.05]], dtype=np.float32), (len(pairs), 1))


def ids(groups: list[FactGroup]) -> list[list[str]]:
    return [[m.fact.id for m in g.members] for g in groups]


def test_align_is_propose_then_settle():
    judge = Judge()
    # A high threshold leaves pairs under it for the judge to take as paraphrases.
    whole = align(three_reports(), threshold=0.95, confirm=lambda p: confirm(judge, p))
    proposal = propose(three_reports(), threshold=0.95, confirming=True)
    assert proposal.asked  # the judge has something to say here
    stepwise = settle(proposal, confirm(judge, proposal.asked))
    assert ids(whole) == ids(stepwise)
    without = settle(propose(three_reports(), threshold=0.95))
    assert ids(without) != ids(whole)  # the judge's paraphrases joined some facts


def test_align_stage_asks_the_judge_once_for_the_batch():
    judge = Judge()
    states = [story("d0", "d1", "d2"), story("d0", "d1", "d2")]
    for s in states:
        s.views = three_reports()
        s.parts = [[], [], []]
    AlignStage(0.6, judge).process(states)
    assert len(judge.calls) == 1
    alone = story("d0", "d1", "d2")
    alone.views, alone.parts = three_reports(), [[], [], []]
    AlignStage(0.6, Judge())(alone)
    assert ids(states[0].groups) == ids(states[1].groups) == ids(alone.groups)


def test_both_ways_pairs_then_their_reverses():
    a, b = three_reports()[0]
    ta, tb = judged_text(a), judged_text(b)
    assert ta != tb
    assert both_ways([(a, b), (b, a)]) == [(ta, tb), (tb, ta), (tb, ta), (ta, tb)]
    probs = np.arange(12, dtype=np.float32).reshape(4, 3)
    rows = stacked(probs)
    assert rows.shape == (2, 2, 3)
    assert rows[0, 1].tolist() == probs[2].tolist()


def test_views_and_groups_pickle_with_what_they_carry():
    reports = three_reports()
    groups = align(reports, threshold=0.6)
    a, b = groups[0].members[:2] if len(groups[0].members) > 1 else (reports[0][0], reports[1][0])
    a.part_vectors[0] = np.ones(3, dtype=np.float32)
    groups[0].typed.append(Conflict("number", a, b, "1 against 2", [], []))
    state = story("d0", "d1", "d2")
    state.views, state.groups = reports, groups
    back = pickle.loads(pickle.dumps(state))
    conflict = back.groups[0].typed[0]
    # The conflict still points at the very views of its group, and they at their data.
    assert any(conflict.a is m for v in back.views for m in v)
    assert conflict.a.part_vectors[0].tolist() == [1.0, 1.0, 1.0]
    assert conflict.a.info == a.info and conflict.a.parts == a.parts


def test_a_stage_without_process_says_so():
    with pytest.raises(NotImplementedError):
        Stage()(story("a"))
