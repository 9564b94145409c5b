"""Executors: the local one, the Ray one (on a one-node cluster here, on CI's two-node cluster
on loopback when ``RAY_ADDRESS`` is set), and ingest and story reconciliation through both.

The pipeline is rashomon's real one (readers, lexical features, near-duplicate index,
clusterer); only the reconciliation engine is a fast deterministic stand-in, defined here and
shipped to the Ray workers by value.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from corpus_support import make_article, make_toolkit, write_jsonl

from rashomon.corpus.api import Corpus
from rashomon.errors import ConfigurationError, RashomonError
from rashomon.executors import (
    ExtractFeatures,
    LocalExecutor,
    ReconcileStories,
    check_store,
    make_executor,
)
from rashomon.model import Article, Comparison, Span, StoryFact


# -- stand-ins ----------------------------------------------------------------------------------
class Doubler:
    """A step that records its setups (per process) and doubles numbers."""

    def __init__(self) -> None:
        self.setups = 0

    def setup(self) -> None:
        self.setups += 1

    def __call__(self, batch: list[int]) -> list[int]:
        time.sleep(0.01 * (len(batch) % 3))  # uneven work: results must still come in order
        return [2 * n for n in batch]


class FakeReconciler:
    """Deterministic: one single-source fact per report, from its first sentence."""

    def compare(self, articles: list[Article]) -> Comparison:
        facts = []
        for i, article in enumerate(articles):
            end = article.text.find(".") + 1 or len(article.text)
            facts.append(StoryFact(
                id=f"f{i}", statement=article.text[:end], status="single_source",
                evidence=[Span(article.id, 0, end, article.text[:end])], documents=[article.id],
            ))
        return Comparison(documents=list(articles), facts=facts, models={"fake": str(os.getpid())})


def records() -> list[dict[str, Any]]:
    """Four topics, 2-5 reports each, and a wire copy of the first report."""
    found = [make_article(topic, n) for topic in range(4) for n in range(topic + 2)]
    copy = dict(found[0], id="wire-copy", source="Wire")
    copy["text"] = copy["text"].replace("Report", "Dispatch", 1)
    return [*found, copy]


def toolkit() -> Any:
    """The real pipeline with lexical features only (what workers can import by name)."""
    from rashomon.corpus.features import FeatureExtractor

    kit = make_toolkit()
    kit.extractor = FeatureExtractor()
    return kit


def stories_of(corpus: Corpus) -> list[tuple[str, list[str], list[str]]]:
    return [(s.id, sorted(s.articles), sorted(s.duplicates))
            for s in corpus.stories(limit=None)]


def ingest_with(url: str, inputs: list[str], executor: Any = None, *,
                step: Any = None) -> tuple[list[Any], Any, dict[str, dict[str, Any]]]:
    """Ingest, then reconcile every story; (stories, report, story id -> comparison JSON)."""
    with Corpus(url, toolkit=toolkit(), batch_size=3, executor=executor) as corpus:
        if step is not None:
            corpus.ingestor.extract_step = step
        report = corpus.ingest(inputs, progress=False)
        stories = stories_of(corpus)
        compared = corpus.compare_stories([s[0] for s in stories], make_reconciler=FakeReconciler,
                                          batch_size=2)
        assert corpus.check() == []
        return stories, report, {k: strip_models(v) for k, v in compared.items()}


def strip_models(comparison: Comparison) -> dict[str, Any]:
    """The comparison's JSON without what names the process that made it."""
    data = comparison.to_dict()
    data.pop("models", None)
    data.pop("timings", None)
    return data


# -- the local executor and the seam --------------------------------------------------------------
def test_local_executor_keeps_order_and_sets_up_once() -> None:
    step = Doubler()
    executor = LocalExecutor()
    batches = [[1, 2], [3], [], [4, 5, 6]]
    assert list(executor.map_batches(step, batches)) == [[2, 4], [6], [], [8, 10, 12]]
    assert list(executor.map_batches(step, [[7]])) == [[14]]
    assert step.setups == 1
    assert executor.shares_storage() and executor.nodes()


def test_an_unknown_executor_is_refused() -> None:
    with pytest.raises(ConfigurationError) as caught:
        make_executor("spark")
    assert caught.value.code == "E177" and "local, ray" in str(caught.value)


class FarAway(LocalExecutor):
    name = "far"

    def shares_storage(self) -> bool:
        return False


def test_sqlite_with_workers_elsewhere_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError) as caught:
        check_store(FarAway(), str(tmp_path / "c.sqlite3"))
    assert caught.value.code == "E176"
    check_store(FarAway(), "postgresql://db.example/news")  # a shared store is fine
    with pytest.raises(ConfigurationError):
        Corpus(str(tmp_path / "c.sqlite3"), executor=FarAway())


def test_extract_step_fails_one_article_alone() -> None:
    class Picky:
        def extract(self, articles: Sequence[Article]) -> list[Any]:
            if any("poison" in a.text for a in articles):
                raise ValueError("poisoned")
            return [type("F", (), {"id": a.id})() for a in articles]

    step = ExtractFeatures(Picky())
    step.setup()
    out = step([Article(id="a", text="fine"), Article(id="b", text="poison"),
                Article(id="c", text="fine too")])
    assert [(e.id, e.error is None) for e in out] == [("a", True), ("b", False), ("c", True)]
    assert "ValueError: poisoned" in (out[1].error or "")
    with pytest.raises(ValueError):
        ExtractFeatures()


def test_local_ingest_reports_the_executor(tmp_path: Path) -> None:
    inputs = [str(write_jsonl(tmp_path / "a.jsonl", records()))]
    _, report, _ = ingest_with(str(tmp_path / "c.sqlite3"), inputs)
    data = report.to_dict()
    assert data["executor"] == "local" and len(data["nodes"]) == 1
    assert data["new"] == len(records()) and data["articles_per_second"] > 0


def test_a_rerun_extracts_nothing_already_stored(tmp_path: Path) -> None:
    class Counting:
        def __init__(self) -> None:
            from rashomon.corpus.features import FeatureExtractor

            self.inner, self.seen = FeatureExtractor(), 0

        def extract(self, articles: Sequence[Article]) -> list[Any]:
            self.seen += len(articles)
            return self.inner.extract(articles)

    inputs = [str(write_jsonl(tmp_path / "a.jsonl", records()))]
    kit = toolkit()
    kit.extractor = Counting()
    with Corpus(str(tmp_path / "c.sqlite3"), toolkit=kit, batch_size=3) as corpus:
        corpus.ingest(inputs, progress=False)
        first = kit.extractor.seen
        report = corpus.ingest(inputs, progress=False)
    assert first == len(records()) and kit.extractor.seen == first
    assert report.duplicate == len(records()) and report.new == 0


# -- the Ray executor ---------------------------------------------------------------------------
def test_an_unreachable_ray_address_is_one_coded_line() -> None:
    pytest.importorskip("ray")
    from rashomon.executors.ray import check_reachable

    started = time.monotonic()
    with pytest.raises(ConfigurationError) as caught:
        check_reachable("127.0.0.1:1", timeout=2)
    assert caught.value.code == "E178" and "\n" not in str(caught.value)
    assert "127.0.0.1:1" in str(caught.value) and time.monotonic() - started < 5


def test_the_cli_says_an_unreachable_cluster_in_one_line(tmp_path: Path) -> None:
    pytest.importorskip("ray")
    import subprocess
    import sys

    path = write_jsonl(tmp_path / "a.jsonl", records()[:2])
    done = subprocess.run(
        [sys.executable, "-m", "rashomon", "ingest", str(path), "--executor", "ray",
         "--address", "127.0.0.1:1", "--db", str(tmp_path / "c.sqlite3")],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "E178" in lines[0] and "127.0.0.1:1" in lines[0], done.stderr


@pytest.fixture
def ray_executor(ray_cluster: Any) -> Iterator[Any]:
    executor = make_executor("ray")  # the fixture's cluster (ray is initialised)
    try:
        yield executor
    finally:
        executor.close()


def test_ray_keeps_order_and_sets_up_once_per_actor(ray_executor: Any) -> None:
    batches = [[n, n + 1] for n in range(0, 40, 2)]
    out = list(ray_executor.map_batches(Doubler(), batches))
    assert out == [[2 * n, 2 * n + 2] for n in range(0, 40, 2)]
    assert ray_executor.nodes()


def test_ray_and_local_give_the_same_stories_and_reconciliations(
    ray_executor: Any, store_url: str, tmp_path: Path
) -> None:
    inputs = [str(write_jsonl(tmp_path / "a.jsonl", records()))]
    if not store_url.startswith("postgres") and not ray_executor.shares_storage():
        with pytest.raises(ConfigurationError, match="E176"):
            Corpus(store_url, executor=ray_executor)
        return
    local = ingest_with(str(tmp_path / "local.sqlite3"), inputs)
    remote = ingest_with(store_url, inputs, ray_executor)
    assert remote[0] == local[0]  # same stories, same ids
    assert remote[2] == local[2] and len(remote[2]) == len(local[0])  # same reconciliations
    report = remote[1].to_dict()
    assert report["executor"] == "ray" and report["nodes"]
    assert report["new"] == len(records()) and report["near_duplicate"] == 1
    if os.environ.get("RASHOMON_REQUIRE_RAY") == "1":  # CI's cluster has two nodes: both work
        assert len(ray_executor.cluster_nodes()) >= 2 and len(report["nodes"]) >= 2


def test_a_worker_killed_mid_batch_loses_and_repeats_nothing(
    ray_executor: Any, store_url: str, tmp_path: Path
) -> None:
    if not store_url.startswith("postgres") and not ray_executor.shares_storage():
        pytest.skip("a SQLite store is refused with a cluster of several nodes (tested above)")
    inputs = [str(write_jsonl(tmp_path / "a.jsonl", records()))]
    local = ingest_with(str(tmp_path / "local.sqlite3"), inputs)
    marker = tmp_path / "died"
    from rashomon.corpus.features import FeatureExtractor

    step = ExtractFeatures(FeatureExtractor(), die_once=str(marker))
    remote = ingest_with(store_url, inputs, ray_executor, step=step)
    assert marker.exists()  # a worker did exit mid-batch
    assert remote[0] == local[0] and remote[2] == local[2]
    with Corpus(store_url) as corpus:
        assert corpus.store.count_articles() == len(records())
        listed = [a for s in corpus.stories(limit=None) for a in s.articles]
        assert sorted(listed) == sorted(r["id"] for r in records())  # once each


def test_a_reconciler_killed_mid_batch_is_retried(ray_executor: Any, tmp_path: Path) -> None:
    marker = tmp_path / "died"
    step = ReconcileStories(FakeReconciler, die_once=str(marker))
    stories = [[Article(id=f"{s}-{n}", text=f"Story {s} report {n}. More.") for n in range(2)]
               for s in range(5)]
    batches = [stories[i : i + 2] for i in range(0, 5, 2)]
    out = [c for batch in ray_executor.map_batches(step, batches) for c in batch]
    assert marker.exists()
    assert [strip_models(c) for c in out] == [
        strip_models(FakeReconciler().compare(s)) for s in stories
    ]


def test_ray_errors_are_coded(ray_executor: Any) -> None:
    class Broken:
        def setup(self) -> None:
            pass

        def __call__(self, batch: Any) -> Any:
            raise RuntimeError("boom")

    with pytest.raises(RashomonError) as caught:
        list(ray_executor.map_batches(Broken(), [[1]]))
    assert caught.value.code == "E179" and "boom" in str(caught.value)


def test_cli_ingest_json_through_ray(ray_cluster: Any, store_url: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from rashomon.cli import app

    if not store_url.startswith("postgres"):
        pytest.skip("the PostgreSQL variant covers the CLI")
    path = write_jsonl(tmp_path / "a.jsonl", records())
    address = os.environ.get("RAY_ADDRESS") or ""
    args = ["ingest", str(path), "--executor", "ray", "--format", "json", "--db", store_url]
    if address:
        args += ["--address", address]
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert report["executor"] == "ray" and report["nodes"] and report["new"] == len(records())
    assert report["articles_per_second"] > 0


def test_cli_stories_compare_fills_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                             ) -> None:
    from typer.testing import CliRunner

    import rashomon.corpus.api as api
    from rashomon.cli import app

    monkeypatch.setattr(api, "default_reconciler", FakeReconciler)
    db = str(tmp_path / "c.sqlite3")
    with Corpus(db, toolkit=toolkit(), batch_size=3) as corpus:
        corpus.ingest([str(write_jsonl(tmp_path / "a.jsonl", records()))], progress=False)
        ids = [s.id for s in corpus.stories(limit=None)]
        assert all(corpus.cached_comparison(i) is None for i in ids)
    done = CliRunner().invoke(app, ["stories", "--compare", "--format", "json", "--db", db])
    assert done.exit_code == 0, done.output
    assert f"Reconciled {len(ids)} stories with the local executor" in done.stderr
    with Corpus(db) as corpus:
        for story_id in ids:
            cached = corpus.cached_comparison(story_id)
            assert cached is not None
            assert strip_models(cached) == strip_models(
                FakeReconciler().compare(corpus.articles_of(story_id)))
    bad = CliRunner().invoke(app, ["stories", "--executor", "spark", "--db", db])
    assert bad.exit_code != 0 and "E177" in str(bad.exception)


def test_cli_ingest_json_reports_the_local_executor(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from rashomon.cli import app

    path = write_jsonl(tmp_path / "a.jsonl", records())
    done = CliRunner().invoke(app, ["ingest", str(path), "--format", "json",
                                    "--db", str(tmp_path / "c.sqlite3")])
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert report["executor"] == "local" and len(report["nodes"]) == 1
    assert report["new"] == len(records()) and report["articles_per_second"] > 0


@pytest.mark.slow
def test_the_real_reconciler_gives_the_same_comparison_on_ray(ray_executor: Any) -> None:
    from rashomon.readers import iter_reports

    folder = Path(__file__).resolve().parents[2] / "examples" / "petro-trump"
    articles = [r.article for r in iter_reports([str(folder)]) if r.article is not None]
    stories = [articles, articles[:1], articles[::-1]]
    local = [c for b in LocalExecutor().map_batches(ReconcileStories(), [stories]) for c in b]
    remote = [c for b in ray_executor.map_batches(ReconcileStories(), [stories[:2], stories[2:]])
              for c in b]
    assert [strip_models(c) for c in remote] == [strip_models(c) for c in local]
    assert len(local[0].facts) > 10


def test_ray_missing_is_one_coded_line(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "ray", None)  # what `import ray` sees without Ray
    monkeypatch.delitem(sys.modules, "rashomon.executors.ray", raising=False)
    with pytest.raises(ConfigurationError) as caught:
        make_executor("ray", "127.0.0.1:6379")
    assert caught.value.code == "E175" and "rashomon[cluster]" in str(caught.value)
