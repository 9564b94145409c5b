from __future__ import annotations

import numpy as np

from rashomon.model import Fact, Span
from rashomon.pipeline.align import FactView, align, match_pair, overlap, term_weights


def view(doc, n, vector, terms=(), sentence=0):
    fact = Fact(id=f"{doc}#{n}", document=f"d{doc}", sentence=sentence, statement=f"f{doc}{n}",
                spans=[Span(f"d{doc}", n * 10, n * 10 + 5, "xxxxx")])
    v = np.asarray(vector, dtype=np.float32)
    return FactView(fact, doc, {n}, set(terms), v / np.linalg.norm(v))


def test_matching_is_one_to_one_and_thresholded():
    scores = np.array([[0.9, 0.8], [0.85, 0.1]])
    got = match_pair(scores, threshold=0.5)
    assert sorted((r, c) for r, c, _ in got) == [(0, 1), (1, 0)]
    assert match_pair(scores, threshold=0.95) == []


def test_groups_never_hold_two_facts_of_one_report():
    e = [1, 0, 0]
    docs = [
        [view(0, 0, e), view(0, 1, [0, 1, 0])],
        [view(1, 0, e), view(1, 1, [0.9, 0.1, 0])],
        [view(2, 0, e)],
    ]
    groups = align(docs, threshold=0.5)
    for g in groups:
        reports = [m.doc for m in g.members]
        assert len(reports) == len(set(reports))
    biggest = max(groups, key=lambda g: len(g.members))
    assert sorted(m.fact.id for m in biggest.members) == ["0#0", "1#0", "2#0"]
    assert sum(len(g.members) for g in groups) == 5


def test_rare_shared_terms_weigh_more():
    a = view(0, 0, [1, 0], {"@E9", "meeting"})
    b = view(1, 0, [1, 0], {"@E9", "talks"})
    c = view(1, 1, [1, 0], {"meeting", "talks"})
    d = view(1, 2, [1, 0], {"meeting", "talks"})
    idf = term_weights([a, b, c, d])
    assert overlap(a, b, idf) > overlap(a, c, idf)


def test_word_share_and_overlap_matrices_match_their_pairwise_definitions():
    from rashomon.pipeline.align import _words, overlap_matrix, word_share_matrix

    statements = ["Petro will meet Trump in Washington", "Petro meets Trump in Washington",
                  "The ELN controls the border", ""]
    a = [view(0, k, [1, 0], {f"t{k}", "petro"}) for k in range(2)]
    b = [view(1, k, [1, 0], {"petro", f"t{k + 1}", "@person:E1"}) for k in range(3)]
    for v, text in zip((*a, *b), statements * 2, strict=False):
        v.fact.statement = text
    idf = term_weights([*a, *b])
    shares = word_share_matrix(a, b)
    overlaps = overlap_matrix(a, b, idf)
    for r, x in enumerate(a):
        for c, y in enumerate(b):
            wx, wy = _words(x), _words(y)
            union = len(wx | wy)
            assert shares[r, c] == (len(wx & wy) / union if union else 0.0)
            assert abs(overlaps[r, c] - overlap(x, y, idf)) < 1e-6
