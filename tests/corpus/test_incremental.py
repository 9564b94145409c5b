"""Incremental persistence: adding to a store writes rows, not a snapshot of everything."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from corpus_support import make_article, make_toolkit, write_jsonl

from rashomon.corpus import ingest as ingest_module
from rashomon.corpus.api import Corpus
from rashomon.corpus.ingest import COMPACT_RATIO, SNAPSHOT_KEY
from rashomon.model import Article


def stored_grouping(corpus: Corpus) -> dict[str, list[str]]:
    return {s.id: sorted(s.originals) for s in corpus.stories(limit=None)}


def clusterer_grouping(corpus: Corpus) -> dict[str, list[str]]:
    clusterer = corpus.ingestor.indexes.clusterer
    return {s: sorted(m) for s, m in clusterer.stories().items()}


def snapshot_seq(corpus: Corpus) -> int | None:
    state = corpus.store.get_state(SNAPSHOT_KEY)
    return None if state is None else state[1]


@pytest.fixture
def records() -> list[dict[str, Any]]:
    return [make_article(t, n) for t in range(4) for n in range(8)]


def test_adding_articles_compacts_only_now_and_then(
    store_url: str, tmp_path: Path, records: list[dict[str, Any]]
) -> None:
    with Corpus(store_url, toolkit=make_toolkit()) as corpus:
        corpus.ingest([write_jsonl(tmp_path / "a.jsonl", records)], progress=False)
        first = snapshot_seq(corpus)
        assert first == corpus.store.max_seq()  # the first one is written: there was none
        due = int(COMPACT_RATIO * len(records)) + 1
        seqs = []
        for n in range(due):
            one = write_jsonl(tmp_path / f"one{n}.jsonl", [make_article(n % 4, 50 + n)])
            assert corpus.ingest([one], progress=False).new == 1
            seqs.append(snapshot_seq(corpus))
        # Unchanged while the articles after it are under COMPACT_RATIO of the corpus (32
        # originals: 1, 2, 3 after it), then rewritten by the ingest that made it due (4).
        assert due == 4 and seqs[:-1] == [first] * 3
        assert seqs[-1] == corpus.store.max_seq() != first
        assert clusterer_grouping(corpus) == stored_grouping(corpus)
        assert corpus.check() == []


def test_reload_replays_only_what_came_after_the_snapshot(
    store_url: str, tmp_path: Path, records: list[dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with Corpus(store_url, toolkit=make_toolkit()) as corpus:
        corpus.ingest([write_jsonl(tmp_path / "a.jsonl", records)], progress=False)
        for n in range(2):  # under the compaction ratio: no new snapshot
            corpus.add_article(Article(**make_article(n, 70 + n)))
        corpus.settle()  # regroups them, commits memberships, still no snapshot
        assert snapshot_seq(corpus) == corpus.store.max_seq() - 2
        expected = stored_grouping(corpus)
    replayed: list[int] = []
    real = ingest_module.cluster_many

    def counting(clusterer: Any, features: Any) -> list[str]:
        replayed.append(len(features))
        return real(clusterer, features)

    monkeypatch.setattr(ingest_module, "cluster_many", counting)
    with Corpus(store_url, toolkit=make_toolkit()) as corpus:
        with corpus.store.writer_lock():
            corpus.ingestor.indexes.catch_up()
        assert sum(replayed) == 2  # the snapshot's articles are not clustered again
        assert clusterer_grouping(corpus) == expected  # the stored memberships, taken as is
        outcome = corpus.add_article(Article(**make_article(1, 99)))
        assert outcome.status == "new" and outcome.story_id in expected


def test_a_replay_takes_the_stored_grouping_without_touching_the_store(
    store_url: str, tmp_path: Path, records: list[dict[str, Any]]
) -> None:
    with Corpus(store_url, toolkit=make_toolkit()) as corpus:
        corpus.ingest([write_jsonl(tmp_path / "a.jsonl", records)], progress=False)
        # Move one article by hand, as another writer's regrouping would, and lose the
        # snapshot: the replay must end with the store's grouping, not its own.
        moved = records[0]["id"]
        target = corpus.article(records[-1]["id"]).story_id
        assert target is not None
        corpus.store.assign_stories({moved: target})
        corpus.store.put_state(SNAPSHOT_KEY, b"gone", corpus.store.max_seq())
        expected = stored_grouping(corpus)
        pending = corpus.store.pending_regroup()
    with Corpus(store_url, toolkit=make_toolkit()) as corpus:
        with corpus.store.writer_lock():
            corpus.ingestor.indexes.catch_up()
        assert clusterer_grouping(corpus) == expected
        assert stored_grouping(corpus) == expected and corpus.store.pending_regroup() == pending
        assert not corpus.ingestor.indexes.repaired


def test_story_ids_deleted_after_the_snapshot_are_not_handed_out_again(
    store_url: str, tmp_path: Path
) -> None:
    from rashomon.corpus.ingest import COUNTER_KEY

    records = [make_article(t, n) for t in range(2) for n in range(4)]
    with Corpus(store_url, toolkit=make_toolkit()) as corpus:
        corpus.ingest([write_jsonl(tmp_path / "a.jsonl", records)], progress=False)
        clusterer = corpus.ingestor.indexes.clusterer
        clusterer.skip_story_ids(500)  # as if stories up to s000499 had come and gone
        corpus.add_article(Article(**make_article(0, 40)))
        corpus.settle()  # no snapshot (not due), but the counter is committed
        assert corpus.store.get_state(COUNTER_KEY)[0] == b"500"
    with Corpus(store_url, toolkit=make_toolkit()) as corpus:
        unrelated = dict(make_article(3, 1), text="A chess tournament in Oslo ended in a draw.")
        outcome = corpus.add_article(Article(**unrelated))
        assert outcome.story_id is not None and int(outcome.story_id[1:]) >= 500
