"""The Store interface: the same tests on SQLite and on PostgreSQL (``store`` is parametrised).

These use small fake feature blobs: the store only keeps bytes, so no model is needed.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from rashomon.corpus.store import (
    SCHEMA_VERSION,
    IngestFailure,
    NewArticle,
    Store,
    default_location,
    open_store,
)
from rashomon.corpus.store.sqlite import SQLiteStore
from rashomon.errors import NotFoundError, StorageError
from rashomon.model import Article


def art(article_id: str, text: str | None = None, **fields: Any) -> Article:
    return Article(id=article_id, text=text or f"The text of {article_id}.", **fields)


def new(article_id: str, story: str | None = None, dup: str | None = None, **fields: Any
        ) -> NewArticle:
    return NewArticle(
        article=art(article_id, **fields), features=b"F" + article_id.encode(),
        signature=b"S" + article_id.encode(), story_id=story, duplicate_of=dup,
    )


def ids(summaries: list[Any]) -> list[str]:
    return [s.id for s in summaries]


# -- opening -------------------------------------------------------------------------------------
def test_open_creates_the_schema_once(store_url: str) -> None:
    with open_store(store_url) as first:
        assert first.schema_version == SCHEMA_VERSION
        first.write_batch([new("a", "1")])
    with open_store(store_url) as again:  # reopening migrates nothing and loses nothing
        assert again.schema_version == SCHEMA_VERSION
        assert again.count_articles() == 1
        assert again.check_integrity() == []


def test_a_newer_schema_is_refused(store: Store, store_url: str) -> None:
    store.put_state("x", b"", 0)  # any write, then pretend a newer rashomon wrote the store
    with store._tx(write=True) as run:  # type: ignore[attr-defined]
        run.execute("UPDATE schema_info SET value = ? WHERE key = 'version'",
                    [str(SCHEMA_VERSION + 1)])
    with pytest.raises(StorageError) as err:
        open_store(store_url)
    assert err.value.code == "E064"


def test_open_store_addresses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with open_store(tmp_path / "a.sqlite3") as plain:
        assert isinstance(plain, SQLiteStore) and plain.path == str(tmp_path / "a.sqlite3")
    with open_store(f"sqlite:///{tmp_path}/b.sqlite3") as absolute:  # sqlite:////abs/path
        assert absolute.path == str(tmp_path / "b.sqlite3")
    monkeypatch.chdir(tmp_path)
    with open_store("sqlite:///rel/c.sqlite3") as relative:  # sqlite:///relative, folder made
        assert Path(relative.path) == Path("rel/c.sqlite3")
    assert (tmp_path / "rel" / "c.sqlite3").exists()
    with open_store("sqlite://") as memory:
        assert memory.path == ":memory:"
    monkeypatch.setenv("RASHOMON_DB", str(tmp_path / "env.sqlite3"))
    with open_store(None) as from_env:
        assert from_env.path == str(tmp_path / "env.sqlite3")
    monkeypatch.delenv("RASHOMON_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_location() == str(tmp_path / "xdg" / "rashomon" / "rashomon.sqlite3")
    with open_store(None) as default:
        assert default.path == default_location()


@pytest.mark.parametrize("url", ["mysql://localhost/news", "redis://x", "ftp://a/b"])
def test_unsupported_address(url: str) -> None:
    with pytest.raises(StorageError) as err:
        open_store(url)
    assert err.value.code == "E063"


def test_cannot_open(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database, just some bytes" * 200)
    for target in (junk, tmp_path):  # not a database; a folder
        with pytest.raises(StorageError) as err:
            open_store(target)
        assert err.value.code == "E060"
        assert str(err.value).count("\n") == 0


def test_postgres_cannot_connect() -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(StorageError) as err:
        open_store("postgresql://nobody:secret@127.0.0.1:1/none?connect_timeout=2")
    assert err.value.code == "E060"
    assert "secret" not in str(err.value)  # the password never reaches a message


def test_sqlite_settings(tmp_path: Path) -> None:
    with open_store(tmp_path / "s.sqlite3") as s:
        conn = s._conn  # type: ignore[attr-defined]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


# -- writing and idempotency ---------------------------------------------------------------------
def test_write_and_read_back(store: Store) -> None:
    meta = {"section": "world", "tags": ["a", "b"]}
    touched = store.write_batch([
        new("a1", "s1", title="Flood hits town", source="Reuters", url="https://r/a1",
            published="2026-01-05", language="en", meta=meta, format="jsonl", origin="x.jsonl"),
        new("a2", "s1", source="AP", published="2026-01-06"),
        new("a3", "s2", source="BBC"),
    ])
    assert touched == {"s1", "s2"}
    got = store.article("a1")
    assert got.article.title == "Flood hits town" and got.article.meta == meta
    assert got.article.format == "jsonl" and got.article.language == "en"
    assert got.fingerprint == got.article.fingerprint and got.story_id == "s1"
    assert got.ingested_at and got.seq >= 1
    assert store.count_articles() == 3
    s1 = store.story("s1")
    assert s1.size == 2 and s1.articles == ["a1", "a2"] and s1.sources == ["Reuters", "AP"]
    assert s1.title == "Flood hits town" and s1.latest == "2026-01-06"
    assert store.story("s2").title == "The text of a3."  # no headline: the text's first line
    with pytest.raises(NotFoundError) as e1:
        store.story("nope")
    assert e1.value.code == "E061"
    with pytest.raises(NotFoundError) as e2:
        store.article("nope")
    assert e2.value.code == "E062"


def test_known_by_id_and_fingerprint(store: Store) -> None:
    store.write_batch([new("a", "1", text="same words"), new("b", "1")])
    found_ids, found_prints = store.known(
        ["a", "zzz"], [art("x", "same words").fingerprint, art("y", "other").fingerprint]
    )
    assert found_ids == {"a"}
    assert found_prints == {art("x", "same words").fingerprint}


def test_a_failed_batch_leaves_nothing_behind(store: Store) -> None:
    store.write_batch([new("a", "1")])
    with pytest.raises(StorageError):  # "a" again: the whole batch is rolled back
        store.write_batch([new("b", "1"), new("c", "2"), new("a", "1")],
                          [IngestFailure("f", "bad")])
    assert store.count_articles() == 1
    assert store.failures() == []
    assert store.story("1").articles == ["a"]
    assert store.check_integrity() == []


def test_same_text_under_another_id_is_refused(store: Store) -> None:
    store.write_batch([new("a", "1", text="identical")])
    with pytest.raises(StorageError):
        store.write_batch([new("b", "1", text="identical")])
    assert store.count_articles() == 1


def test_near_duplicates_follow_their_original(store: Store) -> None:
    store.write_batch([new("orig", "s1", source="AP"), new("copy", dup="orig", source="Yahoo"),
                       new("other", "s2")])
    s1 = store.story("s1")
    assert s1.articles == ["orig", "copy"]
    assert s1.duplicates == {"copy": "orig"}
    assert s1.size == 1 and s1.sources == ["AP"]  # a wire copy does not inflate the story
    assert [a.article.id for a in store.story_articles("s1")] == ["orig"]
    assert [a.article.id for a in store.story_articles("s1", include_duplicates=True)] == [
        "orig", "copy"]
    assert store.article("copy").story_id == "s1"
    assert store.article("copy").duplicate_of == "orig"
    assert store.count_articles(include_duplicates=False) == 2
    assert store.check_integrity() == []


def test_every_article_is_listed_once(store: Store) -> None:
    batch = [new(f"a{i}", f"s{i % 4}") for i in range(20)] + [
        new(f"d{i}", dup=f"a{i}") for i in range(0, 20, 3)]
    store.write_batch(batch)
    listed = [a for s in store.stories(limit=None) for a in s.articles]
    assert sorted(listed) == sorted(n.article.id for n in batch)


# -- listing, pagination, search -----------------------------------------------------------------
def test_order_and_pagination(store: Store) -> None:
    batch = []
    for story in range(12):
        for i in range(story % 5 + 1):  # sizes 1..5
            batch.append(new(f"s{story}-{i}", f"s{story}", published=f"2026-01-{story + 1:02d}"))
    store.write_batch(batch)
    everything = store.stories(limit=None)
    assert store.count_stories() == len(everything) == 12
    keys = [(s.size, s.latest) for s in everything]
    assert keys == sorted(keys, reverse=True)  # biggest first, then newest
    pages = [store.stories(limit=5, offset=o) for o in (0, 5, 10, 15)]
    assert [len(p) for p in pages] == [5, 5, 2, 0]
    assert [s.id for p in pages for s in p] == ids(everything)
    assert pages[0][0].articles == [f"{pages[0][0].id}-{i}" for i in range(pages[0][0].size)]


def test_full_text_search(store: Store) -> None:
    store.write_batch([
        new("f1", "flood", title="Floods hit the valley", text="Rivers burst their banks."),
        new("f2", "flood", text="The flooding forced evacuations near the river."),
        new("e1", "vote", title="Election night", text="Ballots were counted in the capital."),
        new("w1", "wire", text="Wire story about something else entirely."),
        new("w2", dup="w1", text="A wire copy that mentions the volcano eruption."),
    ])
    assert ids(store.stories(search="flood")) == ["flood"]  # stemmed: floods, flooding
    assert ids(store.stories(search="ballots capital")) == ["vote"]  # every word must occur
    assert store.stories(search="ballots valley") == []
    assert ids(store.stories(search="volcano")) == ["wire"]  # a copy finds its original's story
    assert ids(store.stories(search="river")) == ["flood"]
    assert store.count_stories(search="river") == 1
    assert store.stories(search='"); DROP TABLE articles; --') == []
    assert store.stories(search="???") == [] and store.count_stories(search="") == 0
    assert store.count_articles() == 5


def test_search_ranks_by_matching_articles(store: Store) -> None:
    store.write_batch([
        new("a1", "small", text="a ceasefire was mentioned once"),
        new("b1", "big", text="ceasefire talks"), new("b2", "big", text="the ceasefire holds"),
        new("b3", "big", text="nothing relevant"),
    ])
    assert ids(store.stories(search="ceasefire")) == ["big", "small"]
    assert ids(store.stories(search="ceasefire", limit=1, offset=1)) == ["small"]


# -- reclustering ----------------------------------------------------------------------------------
def test_assign_stories_moves_members(store: Store) -> None:
    store.write_batch([new("a", "1"), new("b", "1"), new("c", "2"), new("c2", dup="c")])
    store.put_comparison("2", "h", "{}")
    touched = store.assign_stories({"a": "1", "b": "3", "c": "3"})
    assert touched == {"1", "2", "3"}
    assert ids(store.stories(limit=None)) == ["3", "1"]  # story 2 emptied and removed
    three = store.story("3")
    assert three.articles == ["b", "c", "c2"] and three.duplicates == {"c2": "c"}
    assert three.size == 2
    assert store.article("c2").story_id == "3"
    assert store.cached_comparison("2", "h") is None
    assert store.assign_stories({"a": "1"}) == set()  # nothing moves: nothing touched
    assert store.check_integrity() == []


def test_pending_regroup_commits_with_the_articles_and_clears_with_the_regrouping(
    store: Store,
) -> None:
    """The regrouping work an ingest owes is in the store: written in the batch's transaction,
    cleared only by the transaction that commits the regrouping (memberships, token, snapshot)."""
    store.write_batch([new("a", "1"), new("b", "1"), new("c", "2"), new("c2", dup="c")])
    assert store.pending_regroup() == ["a", "b", "c"]  # originals only, in ingest order
    assert store.pending_regroup(limit=1) == ["a"]
    with pytest.raises(StorageError):  # a failed batch records no work either
        store.write_batch([new("d", "2"), new("a", "2")])
    assert store.pending_regroup() == ["a", "b", "c"]
    with pytest.raises(StorageError):  # a regrouping that fails settles nothing
        store.assign_stories({"b": "2"}, settled=["a", "b"],
                             state={"grouping": (None, 3)})  # type: ignore[dict-item]
    assert store.pending_regroup() == ["a", "b", "c"] and store.article("b").story_id == "1"
    touched = store.assign_stories({"a": "1", "b": "2"}, settled=["a", "b"],
                                   state={"grouping": (b"token", 4), "clusterer": (b"snap", 4)})
    assert touched == {"1", "2"} and store.article("b").story_id == "2"
    assert store.pending_regroup() == ["c"]
    assert store.get_state("grouping") == (b"token", 4)
    assert store.get_state("clusterer") == (b"snap", 4)
    store.assign_stories({}, unsettle_all=True)  # the grouping was put back: all of it again
    assert store.pending_regroup() == ["a", "b", "c"]
    assert store.check_integrity() == []


@pytest.mark.parametrize("settled_up_to", [None, 2])
def test_a_schema_1_store_keeps_its_pending_regrouping(
    store: Store, store_url: str, settled_up_to: int | None
) -> None:
    """Schema 1 kept "regrouped up to seq N" in the grouping state; migrating to 2 turns the
    originals after it (all of them without it) into pending work."""
    store.write_batch([new("a", "1"), new("b", "1")])
    store.write_batch([new("c", "2"), new("c2", dup="c")])
    seqs = {r.id: r.seq for r in store.iter_indexed()}
    with store._tx(write=True) as run:  # type: ignore[attr-defined]
        run.execute("DROP TABLE regroup_pending")
        run.execute("UPDATE schema_info SET value = '1' WHERE key = 'version'")
    if settled_up_to is not None:
        store.put_state("grouping", b"token", seqs["b"])
    store.close()
    with open_store(store_url) as migrated:
        assert migrated.schema_version == SCHEMA_VERSION == 2
        expected = ["c"] if settled_up_to is not None else ["a", "b", "c"]
        assert migrated.pending_regroup() == expected
        assert migrated.check_integrity() == []


# -- cache, state, failures, index rebuild ---------------------------------------------------------
def test_comparison_cache_is_dropped_when_the_story_changes(store: Store) -> None:
    store.write_batch([new("a", "1"), new("b", "2")])
    store.put_comparison("1", "hash-1", '{"facts": []}')
    store.put_comparison("2", "hash-2", '{"facts": [1]}')
    assert store.cached_comparison("1", "hash-1") == '{"facts": []}'
    assert store.cached_comparison("1", "other-hash") is None
    store.put_comparison("1", "hash-1b", '{"facts": [2]}')  # replaces
    assert store.cached_comparison("1", "hash-1") is None
    store.write_batch([new("c", "1")])  # story 1 gains an article
    assert store.cached_comparison("1", "hash-1b") is None
    assert store.cached_comparison("2", "hash-2") == '{"facts": [1]}'  # untouched story kept


def test_state_blobs(store: Store) -> None:
    assert store.get_state("clusterer") is None
    store.put_state("clusterer", b"\x00\x01binary", 7)
    store.put_state("clusterer", b"\x00\x02binary", 9)
    assert store.get_state("clusterer") == (b"\x00\x02binary", 9)


def test_failures_newest_first(store: Store) -> None:
    store.record_failures([IngestFailure("feed.xml", "[E022] unreachable")])
    store.write_batch([], [IngestFailure("a.html", "[E005] no text"),
                           IngestFailure("b.html", "[E001] empty")])
    got = store.failures()
    assert [f.origin for f in got] == ["b.html", "a.html", "feed.xml"]
    assert got[0].reason == "[E001] empty" and got[0].failed_at
    assert len(store.failures(limit=1)) == 1


def test_iter_indexed_in_ingest_order(store: Store) -> None:
    store.write_batch([new(f"a{i}", "1") for i in range(5)])
    store.write_batch([new("d", dup="a0"), *[new(f"b{i}", "2") for i in range(2500)]])
    rows = list(store.iter_indexed())
    assert [r.id for r in rows[:6]] == ["a0", "a1", "a2", "a3", "a4", "d"]
    assert len(rows) == 2506 and rows[-1].seq == store.max_seq()
    assert [r.seq for r in rows] == sorted(r.seq for r in rows)
    assert rows[0].features == b"Fa0" and rows[0].signature == b"Sa0"
    assert rows[5].duplicate_of == "a0" and rows[5].story_id is None
    assert [r.id for r in store.iter_indexed(rows[4].seq)][:2] == ["d", "b0"]


def test_integrity_check_finds_problems(store: Store) -> None:
    store.write_batch([new("a", "1"), new("b", "1")])
    with store._tx(write=True) as run:  # type: ignore[attr-defined]
        run.execute("DELETE FROM article_features WHERE article_id = 'a'")
        run.execute("DELETE FROM story_articles WHERE article_id = 'b'")
    problems = " | ".join(store.check_integrity())
    assert "articles without features: a" in problems
    assert "originals in no story: b" in problems
    assert "stories whose size is wrong: 1" in problems


# -- several writers -------------------------------------------------------------------------------
def test_writer_lock_is_exclusive_across_connections(store_url: str) -> None:
    events: list[str] = []
    first, second = open_store(store_url), open_store(store_url)
    try:
        entered = threading.Event()

        def other() -> None:
            entered.wait(10)
            with second.writer_lock():
                events.append("second")

        thread = threading.Thread(target=other)
        thread.start()
        with first.writer_lock():
            entered.set()
            time.sleep(0.3)
            events.append("first")
        thread.join(10)
        assert events == ["first", "second"]
    finally:
        first.close()
        second.close()


def test_readers_see_committed_batches_only(store_url: str) -> None:
    writer, reader = open_store(store_url), open_store(store_url)
    try:
        writer.write_batch([new("a", "1")])
        assert reader.count_articles() == 1
        with pytest.raises(StorageError):
            writer.write_batch([new("b", "1"), new("a", "1")])
        assert reader.count_articles() == 1 and reader.check_integrity() == []
    finally:
        writer.close()
        reader.close()


def test_sqlite_file_passes_integrity_check(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with open_store(path) as s:
        s.write_batch([new(f"a{i}", str(i % 3)) for i in range(30)])
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT value FROM schema_info WHERE key='version'").fetchone()[0] == str(
        SCHEMA_VERSION)
    conn.close()
