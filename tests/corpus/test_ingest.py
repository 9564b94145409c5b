"""Ingest, the Corpus API and the corpus commands, on both backends.

The pipeline uses rashomon's real readers, features, near-duplicate index and clusterer where
they exist (with a hashing embedder, so no model is loaded) and stand-ins until then; see
corpus_support.py. The reconciliation engine is replaced by a counting fake where only the cache is
being tested.
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from corpus_support import (
    REPO,
    FakeClusterer,
    make_article,
    make_toolkit,
    real_or_fake,
    stand_in_toolkit,
    wait_for,
    write_jsonl,
)

import rashomon
from rashomon.corpus import ingest as ingest_module
from rashomon.corpus.api import Corpus, comparison_from_dict
from rashomon.corpus.store import open_store
from rashomon.errors import InputError, NotFoundError
from rashomon.model import Article, Comparison, Span, StoryFact

HERE = Path(__file__).resolve().parent


def near_copy(record: dict[str, Any], new_id: str, source: str = "Wire") -> dict[str, Any]:
    """A wire copy: the same text with one word changed, under another outlet."""
    return dict(record, id=new_id, source=source,
                text=record["text"].replace("Report", "Dispatch", 1))


def corpus_records() -> list[dict[str, Any]]:
    records = [make_article(topic, n) for topic in range(4) for n in range(topic + 2)]
    records.append(near_copy(records[0], "wire-copy"))
    return records


def partition(stories: list[Any]) -> set[frozenset[str]]:
    return {frozenset(s.articles) for s in stories}


def assert_consistent(corpus: Corpus, expected_ids: set[str]) -> None:
    """Every stored article is in exactly one story and the store checks clean."""
    assert corpus.check() == []
    listed = [a for s in corpus.stories(limit=None) for a in s.articles]
    assert len(listed) == len(set(listed))
    assert set(listed) == expected_ids
    assert corpus.store.count_articles() == len(expected_ids)


@pytest.fixture
def corpus(store_url: str) -> Iterator[Corpus]:
    opened = Corpus(store_url, toolkit=make_toolkit(), batch_size=4)
    try:
        yield opened
    finally:
        opened.close()


# -- ingest ---------------------------------------------------------------------------------------
def test_ingest_is_idempotent(corpus: Corpus, tmp_path: Path) -> None:
    records = corpus_records()
    feed = write_jsonl(tmp_path / "news.jsonl", records)
    first = corpus.ingest([feed], progress=False)
    assert (first.read, first.new, first.duplicate, first.failed) == (len(records), len(records),
                                                                       0, 0)
    assert first.near_duplicate == 1
    assert first.new_stories == len(corpus.stories(limit=None)) >= 1
    again = corpus.ingest([feed, feed], progress=False)  # twice in one run, and a rerun
    assert (again.read, again.new, again.duplicate) == (2 * len(records), 0, 2 * len(records))
    assert_consistent(corpus, {r["id"] for r in records})  # JSONL ids are kept
    stored = corpus.article("wire-copy")
    assert stored.duplicate_of == records[0]["id"]
    story = corpus.story(stored.story_id)
    assert records[0]["id"] in story.articles and "wire-copy" in story.articles
    assert story.duplicates == {"wire-copy": records[0]["id"]}
    assert "wire-copy" not in [a.id for a in corpus.articles_of(story.id)]


def test_same_text_or_same_id_is_stored_once(corpus: Corpus, tmp_path: Path) -> None:
    a = make_article(0, 1)
    feed = write_jsonl(tmp_path / "dups.jsonl", [a, a, dict(a, id="renamed"),
                                                 dict(make_article(1, 1), id=a["id"])])
    report = corpus.ingest([feed], progress=False)
    assert (report.read, report.new, report.duplicate) == (4, 1, 3)
    assert corpus.store.count_articles() == 1


def test_failures_are_reported_and_kept(corpus: Corpus, tmp_path: Path) -> None:
    good = write_jsonl(tmp_path / "good.jsonl", [make_article(2, 1)])
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(make_article(2, 2)) + "\n{not json\n")
    report = corpus.ingest([good, bad, tmp_path / "missing.jsonl"], progress=False)
    assert report.new == 2 and report.failed == 2
    reasons = " ".join(f.reason for f in report.failures)
    assert "E006" in reasons and "E007" in reasons
    assert {f.reason for f in corpus.failures()} == {f.reason for f in report.failures}
    with pytest.raises(InputError) as err:
        corpus.ingest([], progress=False)
    assert err.value.code == "E067"


def test_add_article_outcomes(corpus: Corpus) -> None:
    record = make_article(3, 1)
    first = corpus.add_article(Article(**record))
    assert first.status == "new" and first.story_id is not None
    assert corpus.add_article(Article(**record)).status == "duplicate"
    copy = corpus.add_article(Article(**near_copy(record, "copy-1")))
    assert copy.status == "near_duplicate" and copy.duplicate_of == record["id"]
    assert copy.story_id == first.story_id
    assert corpus.story(first.story_id).articles == [record["id"], "copy-1"]


def test_a_second_writer_catches_up(store_url: str, tmp_path: Path) -> None:
    """Two Corpus objects on one store: each sees what the other stored before adding."""
    one = Corpus(store_url, toolkit=make_toolkit())
    two = Corpus(store_url, toolkit=make_toolkit())
    try:
        base = make_article(4, 1)
        one.add_article(Article(**make_article(0, 1)))
        two.add_article(Article(**base))  # two builds its indexes: sees one's article
        outcome = one.add_article(Article(**near_copy(base, "late-copy")))  # one catches up
        assert outcome.status == "near_duplicate" and outcome.duplicate_of == base["id"]
        assert_consistent(one, {make_article(0, 1)["id"], base["id"], "late-copy"})
    finally:
        one.close()
        two.close()


def test_indexes_rebuild_from_the_store(store_url: str, tmp_path: Path) -> None:
    """A new process continues exactly where the last one stopped: same stories as one run."""
    records = [make_article(t, n) for t in range(3) for n in range(4)]
    first, second = records[::2], [*records[1::2], near_copy(records[0], "late-copy")]
    with Corpus(store_url, toolkit=make_toolkit()) as corpus:
        corpus.ingest([write_jsonl(tmp_path / "a.jsonl", first)], progress=False)
        assert corpus.store.get_state("clusterer") is not None  # snapshot saved
    with Corpus(store_url, toolkit=make_toolkit()) as corpus:
        report = corpus.ingest([write_jsonl(tmp_path / "b.jsonl", second)], progress=False)
        assert report.near_duplicate == 1  # the rebuilt dedup index knew the first batch
        resumed = partition(corpus.stories(limit=None))
    with Corpus(str(tmp_path / "fresh.sqlite3"), toolkit=make_toolkit()) as fresh:
        fresh.ingest([tmp_path / "a.jsonl", tmp_path / "b.jsonl"], progress=False)
        assert partition(fresh.stories(limit=None)) == resumed


def test_a_broken_snapshot_falls_back_to_replay(store_url: str, tmp_path: Path) -> None:
    records = [make_article(t, n) for t in range(2) for n in range(3)]
    with Corpus(store_url, toolkit=make_toolkit()) as corpus:
        corpus.ingest([write_jsonl(tmp_path / "a.jsonl", records)], progress=False)
        before = partition(corpus.stories(limit=None))
        corpus.store.put_state("clusterer", b"not a snapshot", corpus.store.max_seq())
    with Corpus(store_url, toolkit=make_toolkit()) as corpus:
        outcome = corpus.add_article(Article(**make_article(0, 9)))
        assert outcome.status == "new"
        after = partition(corpus.stories(limit=None))
        assert {s - {outcome.id} for s in after} - {frozenset()} == before
        assert corpus.check() == []


def test_recluster_rewrites_memberships(store_url: str, tmp_path: Path) -> None:
    # The stand-in clusterer renumbers its stories on every recluster, so the memberships
    # stored must change while the partition stays (the real one would keep its ids).
    corpus = Corpus(store_url, toolkit=stand_in_toolkit())
    records = [make_article(t, n) for t in range(3) for n in range(3)]
    records.append(near_copy(records[0], "copy"))
    corpus.ingest([write_jsonl(tmp_path / "n.jsonl", records)], progress=False, recluster=False)
    before = {s.id: s.articles for s in corpus.stories(limit=None)}
    changed = corpus.recluster()
    after = {s.id: s.articles for s in corpus.stories(limit=None)}
    assert changed  # the stand-in numbers stories in reverse order after reclustering
    assert sorted(map(sorted, before.values())) == sorted(map(sorted, after.values()))
    assert before != after
    assert_consistent(corpus, {r["id"] for r in records})
    assert corpus.article("copy").story_id == corpus.article(records[0]["id"]).story_id
    corpus.close()


# -- comparisons and their cache ------------------------------------------------------------------
def fake_compare(calls: list[list[str]]) -> Callable[[list[Article]], Comparison]:
    def compare(articles: list[Article]) -> Comparison:
        calls.append([a.id for a in articles])
        facts = [StoryFact(id=f"f{i}", statement=a.text[:20], status="single_source",
                           evidence=[Span(a.id, 0, 6, a.text[:6])], documents=[a.id])
                 for i, a in enumerate(articles)]
        return Comparison(documents=list(articles), facts=facts, models={"fake": "1"})

    return compare


def test_compare_story_is_cached_until_the_story_changes(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(rashomon, "compare", fake_compare(calls), raising=False)
    first = corpus.add_article(Article(**make_article(1, 1)))
    corpus.add_article(Article(**make_article(1, 2)))
    story = first.story_id
    fresh = corpus.compare_story(story)
    cached = corpus.compare_story(story)
    assert len(calls) == 1
    assert cached.to_dict() == fresh.to_dict()  # served from the cache, identical JSON
    assert [d.id for d in cached.documents] == calls[0]
    copy = corpus.add_article(Article(**near_copy(make_article(1, 1), "copy")))
    assert copy.status == "near_duplicate"
    corpus.compare_story(story)
    assert len(calls) == 1  # a wire copy is kept out of reconciliation: still cached
    third = corpus.add_article(Article(**make_article(1, 3)))
    assert third.story_id == story
    grown = corpus.compare_story(story)
    assert len(calls) == 2 and len(grown.documents) == 3  # the story gained an article
    with pytest.raises(NotFoundError):
        corpus.compare_story("no-such-story")


def test_comparison_round_trips_through_json() -> None:
    article = Article(id="a", text="Hello world. Fifty people died.")
    span = Span("a", 13, 31, "Fifty people died.")
    comparison = Comparison(
        documents=[article],
        facts=[StoryFact(id="f1", statement="Fifty people died.", status="single_source",
                         evidence=[span], documents=["a"], similarity=0.5)],
        timings={"total": 1.0}, warnings=["w"],
    )
    data = json.loads(json.dumps(comparison.to_dict()))
    assert comparison_from_dict(data, [article]).to_dict() == comparison.to_dict()


# -- the command line -----------------------------------------------------------------------------
@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
        ) -> Callable[..., tuple[int, str, str]]:
    """Run ``rashomon ARGS`` in-process; returns (exit status, stdout, stderr)."""
    for name in ("compare", "evaluate"):  # until those command modules exist
        if not (REPO / "rashomon" / "cli" / f"{name}.py").exists():
            monkeypatch.setitem(sys.modules, f"rashomon.cli.{name}",
                                types.ModuleType(f"rashomon.cli.{name}"))
    monkeypatch.setattr(ingest_module, "default_toolkit", make_toolkit)
    from rashomon.cli import main

    def run(*args: Any) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            main([str(a) for a in args])
            status = 0
        except SystemExit as exc:
            status = int(exc.code or 0)
        out, err = capsys.readouterr()
        return status, out, err

    return run


def test_cli_ingest_and_stories_json(cli: Any, store_url: str, tmp_path: Path) -> None:
    records = corpus_records()
    feed = write_jsonl(tmp_path / "news.jsonl", records)
    status, out, _ = cli("ingest", feed, tmp_path / "nope.jsonl", "--db", store_url)
    assert status == 0
    lines = {line.split()[0]: line.split()[1] for line in out.splitlines()[1:7]}
    assert lines["read"] == str(len(records))
    assert lines["new"] == str(len(records)) and lines["near-duplicates"] == "1"
    assert lines["failed"] == "1" and "nope.jsonl" in out.splitlines()[-1]
    status, out, _ = cli("ingest", feed, "--db", store_url)
    assert " ".join(out.split()).count(f"duplicates {len(records)} skipped") == 1
    status, out, _ = cli("stories", "--format", "json", "--db", store_url)
    stories = json.loads(out)
    listed = [a for s in stories for a in s["articles"]]
    assert sorted(listed) == sorted(r["id"] for r in records)  # every article, once
    assert all({"id", "title", "articles", "duplicates"} <= set(s) for s in stories)
    assert {"wire-copy": records[0]["id"]} in [s["duplicates"] for s in stories]
    status, out, _ = cli("stories", "--format", "json", "--limit", "1", "--db", store_url)
    assert [s["id"] for s in json.loads(out)] == [stories[0]["id"]]
    status, out, _ = cli("stories", "--limit", "2", "--db", store_url)
    assert status == 0 and out.splitlines()[0].split() == [
        "ID", "REPORTS", "LATEST", "OUTLETS", "TITLE"]
    assert out.splitlines()[1].split()[0] == stories[0]["id"]
    assert f"of {len(stories)}; more with --offset 2" in out
    status, out, _ = cli("stories", "--search", "magnitude aftershock", "--format", "json",
                         "--db", store_url)
    found = json.loads(out)
    assert found and all(a.startswith("earthquake") for s in found for a in s["articles"])
    status, out, _ = cli("stories", "--search", "zebra", "--db", store_url)
    assert status == 0 and "No stories matching 'zebra'" in out


def test_cli_errors_are_one_line(cli: Any, store_url: str, tmp_path: Path) -> None:
    for args, code in [(("ingest", "--db", store_url), "E067"),
                       (("story", "404", "--db", store_url), "E061"),
                       (("stories", "--format", "xml", "--db", store_url), "E042"),
                       (("story", "1", "--format", "pdf", "--db", store_url), "E042"),
                       (("stories", "--db", "mysql://x/y"), "E063"),
                       (("watch", "f.txt", "--every", "soon", "--db", store_url), "E066")]:
        status, _, err = cli(*args)
        assert status == 2, args
        assert err.startswith(f"rashomon: error: [{code}]") and err.count("\n") == 1, err


def test_cli_ingest_fails_when_nothing_can_be_read(cli: Any, store_url: str, tmp_path: Path
                                                    ) -> None:
    status, out, _ = cli("ingest", tmp_path / "missing.jsonl", "--db", store_url)
    assert status == 1 and "missing.jsonl" in out


def test_cli_story_writes_files_whole(
    cli: Any, store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(rashomon, "compare", fake_compare(calls), raising=False)
    render_module = importlib.import_module("rashomon.render")
    if not hasattr(render_module, "render"):  # until the renderers land
        def render(comparison: Comparison, fmt: str) -> str:
            if fmt == "json":
                return json.dumps(comparison.to_dict())
            return f"{fmt}: {len(comparison.documents)} reports\n"

        monkeypatch.setattr(render_module, "render", render, raising=False)
    cli("ingest", write_jsonl(tmp_path / "n.jsonl", [make_article(5, 1), make_article(5, 2)]),
        "--db", store_url)
    story_id = json.loads(cli("stories", "--format", "json", "--db", store_url)[1])[0]["id"]
    target = tmp_path / "story.json"
    status, out, err = cli("story", story_id, "--format", "json", "-o", target, "--db", store_url)
    assert status == 0, err
    data = json.loads(target.read_text())
    assert [d["id"] for d in data["documents"]] == ["wildfire-1", "wildfire-2"]
    status, out, _ = cli("story", story_id, "--format", "md", "--db", store_url)
    assert status == 0 and out.strip()
    assert len(calls) == 1  # the second rendering came from the cache

    def broken_replace(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    status, _, err = cli("story", story_id, "--format", "md", "-o", target, "--db", store_url)
    assert status == 2 and "[E069]" in err and "No space left" in err
    assert json.loads(target.read_text()) == data  # the old file is untouched
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".story")) == []


def test_cli_watch_once(cli: Any, store_url: str, tmp_path: Path) -> None:
    feed = write_jsonl(tmp_path / "n.jsonl", [make_article(0, 1), make_article(0, 2)])
    status, out, _ = cli("watch", feed, "--every", "1m", "--once", "--db", store_url)
    assert status == 0 and "read 2, new 2" in out
    status, out, _ = cli("watch", feed, "--once", "--db", store_url)
    assert "new 0" in out and "2 already stored" in out


def test_parse_duration() -> None:
    from rashomon.cli.corpus import parse_duration

    assert parse_duration("90") == 90 and parse_duration("90s") == 90
    assert parse_duration("15m") == 900 and parse_duration("1h30m") == 5400
    assert parse_duration("2h") == 7200 and parse_duration("1d") == 86400
    for bad in ("", "0", "15x", "m", "-5m", "1h 30"):
        with pytest.raises(InputError):
            parse_duration(bad)


# -- a real process, killed half-way --------------------------------------------------------------
DRIVER = """
import os, sys, time
sys.path.insert(0, {here!r})
import corpus_support as conftest
conftest.install_fallbacks()
from rashomon.corpus import ingest

def toolkit():
    if os.environ.get("STAND_IN_CLUSTERER"):
        kit = conftest.stand_in_toolkit()
    else:
        kit = conftest.make_toolkit()
    delay = float(os.environ.get("SLOW_BATCHES", "0"))
    if delay:
        extract = kit.extractor.extract
        def slow(articles):
            time.sleep(delay)
            return extract(articles)
        kit.extractor.extract = slow
    return kit

ingest.default_toolkit = toolkit

# PAUSE_BEFORE_REGROUP=<file>: once the last batch is committed, at the start of the
# regrouping, create <file> and wait there to be killed.
marker = os.environ.get("PAUSE_BEFORE_REGROUP")
if marker:
    settle = ingest.Indexes.settle

    def paused(self, *args, **kwargs):
        open(marker, "w").close()
        time.sleep(600)
        return settle(self, *args, **kwargs)

    ingest.Indexes.settle = paused
from rashomon.cli import main
main(sys.argv[1:])
"""


def run_cli(args: list[str], *, slow: float = 0.0, **env_vars: str) -> subprocess.Popen[str]:
    env = dict(os.environ, SLOW_BATCHES=str(slow), PYTHONPATH=str(REPO), **env_vars)
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER.format(here=str(HERE)), *args],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # An ignored SIGINT is inherited (a shell's background job, a test that ran a server
        # before): the command must start as a user's would, with Ctrl-C working.
        preexec_fn=_default_sigint,
    )


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_killed_ingest_resumes_without_loss(store_url: str, tmp_path: Path) -> None:
    records = [make_article(t, n) for t in range(6) for n in range(60)]  # 360 articles
    records += [near_copy(records[i], f"copy-{i}") for i in range(0, 360, 45)]
    records += records[:20]  # repeated lines: same articles again
    distinct = {r["id"] for r in records}
    feed = write_jsonl(tmp_path / "many.jsonl", records)
    process = run_cli(["ingest", str(feed), "--db", store_url], slow=0.15)
    try:
        with open_store(store_url) as watcher:
            assert wait_for(lambda: watcher.count_articles() >= 130, timeout=120), (
                process.poll(), process.stderr.read() if process.poll() is not None else "")
            process.send_signal(signal.SIGKILL)
            process.wait(30)
            assert process.returncode == -signal.SIGKILL
            stored = watcher.count_articles()
            assert 130 <= stored < len(distinct)  # killed half-way
            assert watcher.check_integrity() == []  # whole batches only
            if watcher.backend == "sqlite":
                import sqlite3

                conn = sqlite3.connect(store_url)
                assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                conn.close()
            listed = [a for s in watcher.stories(limit=None) for a in s.articles]
            assert len(listed) == len(set(listed)) == stored
    finally:
        if process.poll() is None:
            process.kill()
    again = run_cli(["ingest", str(feed), "--db", store_url])
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    summary = dict(line.split()[:2] for line in out.splitlines()[1:7])
    assert int(summary["new"]) == len(distinct) - stored
    with Corpus(store_url, toolkit=make_toolkit()) as corpus:
        assert_consistent(corpus, distinct)
        resumed = partition(corpus.stories(limit=None))
        copies = {s.id: s.duplicates for s in corpus.stories(limit=None) if s.duplicates}
        assert sum(len(d) for d in copies.values()) == 8
    # The same stories as an ingest that was never interrupted (the stand-in clusterer is
    # deterministic whatever the batch boundaries; the real one is held to consistency only).
    if not real_or_fake()["rashomon.corpus.clustering"]:
        with Corpus(str(tmp_path / "straight.sqlite3"), toolkit=make_toolkit()) as straight:
            straight.ingest([feed], progress=False)
            assert partition(straight.stories(limit=None)) == resumed
    rerun = run_cli(["ingest", str(feed), "--db", store_url])
    out, _ = rerun.communicate(timeout=300)
    assert " ".join(out.split()).count("new 0 stored") == 1


def grouping(corpus: Corpus) -> dict[str, tuple[str, ...]]:
    """Each story's id and members: what a regrouping changes, ids included."""
    return {s.id: tuple(s.articles) for s in corpus.stories(limit=None)}


def pending_records() -> list[dict[str, Any]]:
    records = topic_records(range(6), 5)
    return [*records, near_copy(records[3], "wire-3")]


def test_a_kill_before_the_regrouping_is_settled_by_the_next_ingest(
    store_url: str, tmp_path: Path
) -> None:
    """SIGKILL after the last batch is committed, before the regrouping: the store holds the
    pending work, and the next ingest (which stores nothing new) settles it into exactly the
    stories of an ingest that was never interrupted."""
    records = pending_records()
    feed = write_jsonl(tmp_path / "n.jsonl", records)
    with Corpus(str(tmp_path / "clean.sqlite3"), toolkit=stand_in_toolkit()) as clean:
        clean.ingest([feed], progress=False)
        expected = grouping(clean)
    marker = tmp_path / "regrouping"
    process = run_cli(["ingest", str(feed), "--db", store_url], STAND_IN_CLUSTERER="1",
                      PAUSE_BEFORE_REGROUP=str(marker))
    try:
        assert wait_for(marker.exists, timeout=120), (
            process.poll(), process.stderr.read() if process.poll() is not None else "")
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        assert process.returncode == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
    with Corpus(store_url, toolkit=stand_in_toolkit()) as killed:
        assert killed.store.count_articles() == len(records)  # every batch committed
        assert killed.check() == []
        originals = [r["id"] for r in records if r["id"] != "wire-3"]
        assert killed.store.pending_regroup() == originals  # nothing regrouped yet
        assert grouping(killed) != expected  # the online stories
    again = run_cli(["ingest", str(feed), "--db", store_url], STAND_IN_CLUSTERER="1")
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert " ".join(out.split()).count("new 0 stored") == 1
    with Corpus(store_url, toolkit=stand_in_toolkit()) as corpus:
        assert grouping(corpus) == expected
        assert corpus.store.pending_regroup() == []
        assert corpus.check() == []


def test_ingest_settles_what_no_recluster_left_even_with_nothing_new(
    store_url: str, tmp_path: Path
) -> None:
    """``ingest --no-recluster`` then ``ingest`` of the same inputs: the second stores nothing,
    and still ends with the stories of one plain ingest."""
    records = pending_records()
    feed = write_jsonl(tmp_path / "n.jsonl", records)
    with Corpus(str(tmp_path / "clean.sqlite3"), toolkit=stand_in_toolkit()) as clean:
        clean.ingest([feed], progress=False)
        expected = grouping(clean)
    with Corpus(store_url, toolkit=stand_in_toolkit()) as corpus:
        first = corpus.ingest([feed], progress=False, recluster=False)
        assert first.recluster_window == 0 and grouping(corpus) != expected
        assert len(corpus.store.pending_regroup()) == first.new - first.near_duplicate
    with Corpus(store_url, toolkit=stand_in_toolkit()) as corpus:  # the next command
        again = corpus.ingest([feed], progress=False)
        assert again.new == 0 and again.recluster_window == len(records) - 1
        assert grouping(corpus) == expected
        assert corpus.store.pending_regroup() == []
        assert corpus.ingest([feed], progress=False).recluster_window == 0  # settled once
        assert corpus.check() == []


def test_pending_work_is_settled_before_new_articles_are_added(
    corpus: Corpus, tmp_path: Path
) -> None:
    """Articles added through the API wait to be regrouped; the next ingest settles them
    first, then regroups around its own articles."""
    for record in topic_records(range(3), 3):
        corpus.add_article(Article(**record))
    assert len(corpus.store.pending_regroup()) == 9
    report = corpus.ingest([write_jsonl(tmp_path / "b.jsonl", topic_records(range(3), 1,
                                                                            start=20))],
                           progress=False)
    assert report.new == 3 and report.recluster_window == 9 + 12  # the pending 9, then all 12
    assert corpus.store.pending_regroup() == []


def test_basil_without_recluster_then_ingest_is_a_clean_run(tmp_path: Path) -> None:
    """The issue's repro on BASIL with the real clusterer: ``--no-recluster`` then a plain
    ingest of the same file gave the online stories (48 here) where a clean run gives 45."""
    path = DATA / "basil" / "articles.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is missing")
    with Corpus(tmp_path / "clean.sqlite3", toolkit=make_toolkit()) as clean:
        clean.ingest([path], progress=False)
        expected = partition(clean.stories(limit=None))
    with Corpus(tmp_path / "two.sqlite3", toolkit=make_toolkit()) as corpus:
        corpus.ingest([path], progress=False, recluster=False)
        online = partition(corpus.stories(limit=None))
    with Corpus(tmp_path / "two.sqlite3", toolkit=make_toolkit()) as corpus:
        assert corpus.ingest([path], progress=False).new == 0
        assert partition(corpus.stories(limit=None)) == expected
        assert online != expected  # what the second ingest had to change
        assert corpus.check() == []


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_watch_stops_cleanly(tmp_path: Path, stop: signal.Signals) -> None:
    db = str(tmp_path / "w.sqlite3")
    feed = write_jsonl(tmp_path / "n.jsonl", [make_article(1, n) for n in range(3)])
    process = run_cli(["watch", str(feed), "--every", "1s", "--db", db])
    try:
        first = process.stdout.readline()  # type: ignore[union-attr]
        assert "read 3, new 3" in first
        process.send_signal(stop)
        _, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert "Stopped" in err and "Traceback" not in err
    with open_store(db) as store:
        assert store.count_articles() == 3 and store.check_integrity() == []


# -- the real model -------------------------------------------------------------------------------
@pytest.mark.slow
def test_ingest_with_the_real_model(tmp_path: Path) -> None:
    if not all(real_or_fake().values()):
        pytest.skip("the real features, dedup and clustering modules are not all there yet")
    folder = REPO / "examples" / "petro-trump"
    with Corpus(tmp_path / "real.sqlite3") as corpus:
        report = corpus.ingest([folder], progress=False)
        assert report.new >= 2 and report.failed == 0
        again = corpus.ingest([folder], progress=False)
        assert again.new == 0
        stories = corpus.stories(limit=None)
        assert sum(len(s.articles) for s in stories) == corpus.store.count_articles()
        assert corpus.check() == []


def test_fake_clusterer_snapshot_round_trip() -> None:
    from corpus_support import FakeExtractor

    clusterer = FakeClusterer()
    features = FakeExtractor().extract([Article(**make_article(0, i)) for i in range(3)])
    ids = clusterer.add_many(features)
    copy = FakeClusterer.from_bytes(clusterer.to_bytes())
    assert [copy.story_of(f.id) for f in features] == ids


# -- the stories after an ingest: re-clustered ----------------------------------------------------
DATA = REPO.parent / "shared" / "data"


def gold_of(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as fh:
        return {row["id"]: str(row["story"]) for row in map(json.loads, fh)}


def test_ingest_keeps_newswcl50_events_apart(tmp_path: Path) -> None:
    """Five events told by five outlets each: a plain ingest gives five stories of five (the
    online pass alone merges the two North Korea events)."""
    path = DATA / "newswcl50" / "articles.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is missing")
    gold = gold_of(path)
    with Corpus(tmp_path / "wcl.sqlite3") as corpus:  # the real pipeline, no model needed
        report = corpus.ingest([path], progress=False)
        assert (report.new, report.failed, report.skipped) == (25, 0, [])
        assert report.recluster_window == 25  # a small corpus is regrouped whole
        stories = corpus.stories(limit=None)
        assert sorted(s.size for s in stories) == [5] * 5
        assert all(len({gold[a] for a in s.articles}) == 1 for s in stories)
        assert corpus.check() == []


def test_ingest_reaches_offline_quality_on_ecbplus(tmp_path: Path) -> None:
    """ECB+ validation (308 articles, 26 events, two similar events per topic): B-cubed F1
    of what Corpus.stories() returns, without being told the number of stories."""
    from rashomon.evaluation.clustering import bcubed

    path = DATA / "ecbplus" / "val.articles.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is missing")
    gold = gold_of(path)
    with Corpus(tmp_path / "ecb.sqlite3") as corpus:
        half = tmp_path / "first-half.jsonl"
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        half.write_text("".join(lines[::2]), encoding="utf-8")
        corpus.ingest([half], progress=False)  # in two runs, as a watch would
        corpus.ingest([path], progress=False)
        predicted = {a: s.id for s in corpus.stories(limit=None) for a in s.articles}
        assert sorted(predicted) == sorted(gold)
        ids = sorted(gold)
        f1 = bcubed([predicted[i] for i in ids], [gold[i] for i in ids])["f1"]
        assert f1 >= 0.95, f1
        assert corpus.check() == []


def topic_records(topics: range, per_topic: int, start: int = 0) -> list[dict[str, Any]]:
    return [make_article(t, n) for t in topics for n in range(start, start + per_topic)]


def test_story_ids_and_cached_comparisons_survive_a_regrouping(
    corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New articles on two topics: the other stories keep their ids, members and cached
    comparisons; only the stories that changed are recomputed."""
    calls: list[list[str]] = []
    monkeypatch.setattr(rashomon, "compare", fake_compare(calls), raising=False)
    corpus.ingest([write_jsonl(tmp_path / "a.jsonl", topic_records(range(6), 3))],
                  progress=False)
    before = {s.id: s.articles for s in corpus.stories(limit=None)}
    assert len(before) == 6
    for story_id in before:
        corpus.compare_story(story_id)
    assert len(calls) == 6
    report = corpus.ingest([write_jsonl(tmp_path / "b.jsonl",
                                        topic_records(range(2), 2, start=10))], progress=False)
    assert report.new == 4 and report.recluster_window >= 4
    after = {s.id: s.articles for s in corpus.stories(limit=None)}
    assert set(after) == set(before)  # same ids: the grown stories kept theirs
    grown = {s for s in after if after[s] != before[s]}
    assert len(grown) == 2 and report.stories == grown
    for story_id in after:
        corpus.compare_story(story_id)
    assert len(calls) == 8  # only the two stories that gained articles were recomputed
    assert sorted(calls[-2:]) == sorted([list(after[s]) for s in grown])


def test_a_large_corpus_is_regrouped_around_the_new_articles_only(
    corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beyond FULL_RECLUSTER_LIMIT the window is the stories of the new articles and of their
    nearest neighbours; stories outside it are not touched."""
    monkeypatch.setattr(ingest_module, "FULL_RECLUSTER_LIMIT", 10)
    corpus.ingest([write_jsonl(tmp_path / "a.jsonl", topic_records(range(6), 4))],
                  progress=False)
    before = {s.id: s.articles for s in corpus.stories(limit=None)}
    report = corpus.ingest([write_jsonl(tmp_path / "b.jsonl", [make_article(2, 50)])],
                           progress=False)
    assert report.new == 1
    assert 1 <= report.recluster_window < 24  # not the whole corpus
    after = {s.id: s.articles for s in corpus.stories(limit=None)}
    home = corpus.article("earthquake-50").story_id
    assert after[home] == [*before[home], "earthquake-50"]
    assert {k: v for k, v in after.items() if k != home} == {
        k: v for k, v in before.items() if k != home}
    assert_consistent(corpus, {a for v in after.values() for a in v})


def test_another_writer_reloads_after_a_regrouping(store_url: str, tmp_path: Path) -> None:
    """A writer that built its indexes before another one regrouped the stories reloads them
    (the grouping token changed) instead of clustering against memberships that are gone."""
    one = Corpus(store_url, toolkit=make_toolkit())
    two = Corpus(store_url, toolkit=make_toolkit())
    try:
        two.add_article(Article(**make_article(5, 1)))  # two builds its indexes now
        token = two.ingestor.indexes.grouping
        one.ingest([write_jsonl(tmp_path / "a.jsonl", topic_records(range(4), 3))],
                   progress=False)
        stored_token = one.store.get_state(ingest_module.GROUPING_KEY)
        assert stored_token is not None and stored_token[0] != token
        outcome = two.add_article(Article(**make_article(1, 9)))
        assert two.ingestor.indexes.grouping == stored_token[0]  # reloaded
        assert outcome.story_id == one.article(make_article(1, 0)["id"]).story_id
        assert_consistent(two, {r["id"] for r in topic_records(range(4), 3)}
                          | {make_article(5, 1)["id"], make_article(1, 9)["id"]})
    finally:
        one.close()
        two.close()


def test_settle_regroups_what_add_article_stored(corpus: Corpus) -> None:
    for record in topic_records(range(3), 3):
        corpus.add_article(Article(**record))
    report = corpus.settle()
    assert report.recluster_window == 9
    assert corpus.settle().recluster_window == 0  # nothing new since
    assert corpus.check() == []


def test_ingest_without_recluster_keeps_the_online_stories(corpus: Corpus, tmp_path: Path
                                                           ) -> None:
    report = corpus.ingest([write_jsonl(tmp_path / "a.jsonl", topic_records(range(3), 2))],
                           progress=False, recluster=False)
    assert report.new == 6 and report.recluster_window == 0
    assert corpus.settle().recluster_window == 6  # the next settle picks them up


# -- languages ------------------------------------------------------------------------------------
GERMAN = ("Die Bundesregierung hat am Dienstag angekündigt, dass der Mindestlohn im nächsten Jahr "
          "steigen wird, nachdem die Gewerkschaften wochenlang mit den Arbeitgebern verhandelt "
          "hatten. Die Opposition kritisierte den Beschluss als zu spät und zu gering.")


def test_articles_not_in_english_are_skipped_with_the_reason(
    cli: Any, store_url: str, tmp_path: Path
) -> None:
    records = [make_article(0, 1), {"id": "de-1", "title": "Mindestlohn", "text": GERMAN},
               dict(make_article(1, 1), language="es"),  # declared: trusted as given
               {"id": "de-as-en", "text": GERMAN + " Nachtrag.", "language": "en"}]
    feed = write_jsonl(tmp_path / "mixed.jsonl", records)
    status, out, _ = cli("ingest", feed, "--db", store_url)
    assert status == 0
    lines = {line.split()[0]: line.split()[1] for line in out.splitlines()[1:7]}
    assert (lines["new"], lines["skipped"]) == ("2", "2")
    assert f"{feed} [de-1]: language 'de', only English is analysed" in out
    assert f"{feed} [{records[2]['id']}]: language 'es', only English is analysed" in out
    with Corpus(store_url, toolkit=make_toolkit()) as corpus:
        assert corpus.article(records[0]["id"]).article.language == "en"  # detected, stored
        assert corpus.article("de-as-en").article.language == "en"
        outcome = corpus.add_article(Article(id="de-2", text=GERMAN))
        assert (outcome.status, outcome.reason) == (
            "skipped", "language 'de', only English is analysed")
        assert corpus.store.count_articles() == 2
    status, out, _ = cli("watch", feed, "--once", "--db", store_url)
    assert "2 skipped" in out and "skipped: " in out and "language 'de'" in out


# -- comparing with a given reconciler -----------------------------------------------------------
def test_compare_story_uses_the_reconciler_it_is_given(corpus: Corpus) -> None:
    calls: list[list[str]] = []

    class Reconciler:
        def compare(self, articles: list[Article]) -> Comparison:
            return fake_compare(calls)(articles)

    first = corpus.add_article(Article(**make_article(2, 1)))
    assert corpus.cached_comparison(first.story_id) is None
    fresh = corpus.compare_story(first.story_id, reconciler=Reconciler())  # type: ignore[arg-type]
    assert calls == [[make_article(2, 1)["id"]]]
    cached = corpus.cached_comparison(first.story_id)
    assert cached is not None and cached.to_dict() == fresh.to_dict()
    assert corpus.compare_story(first.story_id).to_dict() == fresh.to_dict()  # from the cache
    assert len(calls) == 1
    with pytest.raises(NotFoundError):
        corpus.cached_comparison("no-such-story")
