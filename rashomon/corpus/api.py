"""The ``Corpus``: a stored, growing collection of articles grouped into stories.

    from rashomon.corpus.api import Corpus

    with Corpus("news.sqlite3") as corpus:            # or "postgresql://...", or None
        report = corpus.ingest(["articles/", "feeds.txt"])
        for story in corpus.stories(limit=10, search="ceasefire"):
            print(story.id, story.size, story.title)
        comparison = corpus.compare_story(story.id)   # cached until the story changes

Opening a corpus is cheap: the embedding model and the in-memory clustering are only loaded
when something is added.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from rashomon._version import __version__
from rashomon.corpus.ingest import (
    ArticleOutcome,
    Ingestor,
    IngestReport,
    Toolkit,
)
from rashomon.corpus.store import IngestFailure, Store, StoredArticle, StorySummary, open_store
from rashomon.errors import InputError
from rashomon.executors.base import check_store
from rashomon.executors.local import LocalExecutor
from rashomon.executors.steps import ReconcileStories, default_reconciler
from rashomon.model import (
    Article,
    Comparison,
)

if TYPE_CHECKING:
    from rashomon.executors.base import Executor
    from rashomon.reconcile import Reconciler

__all__ = ["ArticleOutcome", "Corpus", "IngestReport", "StorySummary", "comparison_from_dict"]


class Corpus:
    """The corpus API; one per process and store (it holds the in-memory indexes)."""

    def __init__(
        self,
        db: str | os.PathLike[str] | Store | None = None,
        *,
        toolkit: Toolkit | None = None,
        batch_size: int | None = None,
        executor: Executor | None = None,
    ) -> None:
        """Open the store at ``db`` (a path, ``sqlite:///...``, ``postgresql://...``; None:
        ``$RASHOMON_DB`` or the per-user default) or use an open :class:`Store`.

        ``executor`` (:func:`rashomon.executors.make_executor`; default: local) runs the
        feature extraction of ingests and the reconciliation of :meth:`compare_stories`; a
        SQLite store with Ray workers on other machines is refused (E176). The corpus does
        not close an executor it was given.
        """
        self.store = db if isinstance(db, Store) else open_store(db)
        if executor is not None:
            check_store(executor, self.store.url)
        self.executor = executor
        self._toolkit = toolkit
        self._batch_size = batch_size
        self._ingestor: Ingestor | None = None

    # -- lifecycle -----------------------------------------------------------------------------
    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def ingestor(self) -> Ingestor:
        """The pipeline, built on first use (that is when models get loaded)."""
        if self._ingestor is None:
            from rashomon.corpus import ingest

            toolkit = (self._toolkit or ingest.default_toolkit()).resolved()
            kwargs = {} if self._batch_size is None else {"batch_size": self._batch_size}
            self._ingestor = Ingestor(self.store, toolkit, executor=self.executor, **kwargs)
        return self._ingestor

    # -- adding --------------------------------------------------------------------------------
    def ingest(
        self,
        inputs: Sequence[str | os.PathLike[str]] | str,
        *,
        allow_private: bool = False,
        progress: bool = True,
        recluster: bool = True,
    ) -> IngestReport:
        """Read folders, files, feed lists, addresses and WARC files; store what is new.

        Safe to rerun on the same inputs (nothing is stored twice) and to interrupt (whole
        batches are committed; a rerun picks up the rest). Articles not in English are
        skipped, with the reason in ``report.skipped``. With ``recluster`` (the default) the
        stories around the new articles are regrouped offline at the end (see :meth:`settle`),
        so that :meth:`stories` shows offline-quality stories after every ingest.
        """
        if isinstance(inputs, (str, os.PathLike)):
            inputs = [inputs]
        if not inputs:
            raise InputError("E067")
        return self.ingestor.ingest(
            [str(i) for i in inputs], allow_private=allow_private, progress=progress,
            recluster=recluster,
        )

    def add_article(self, article: Article) -> ArticleOutcome:
        """Store one article; says whether it was new, a copy of another, or already stored."""
        return self.add_articles([article])[0]

    def add_articles(self, articles: Sequence[Article]) -> list[ArticleOutcome]:
        """Store articles given directly, in batches, one outcome per article.

        They are clustered online (about a millisecond each); their stories are regrouped
        offline by the next :meth:`settle` or ingest.
        """
        return self.ingestor.add_articles(list(articles))

    def settle(self, *, progress: bool = False) -> IngestReport:
        """Regroup offline the stories around every article stored since the last time (the
        whole corpus while it holds at most ``ingest.FULL_RECLUSTER_LIMIT`` originals).

        Story ids stay: a regrouped story keeps the id of the old story it shares most
        articles with, and only stories whose members changed lose their cached comparison.
        ``ingest`` ends with this; call it after :meth:`add_articles` (the web service, say)
        when the stories should be as good as a recluster.
        """
        return self.ingestor.settle(progress=progress)

    def recluster(self) -> set[str]:
        """Regroup the whole corpus from scratch; returns the ids of the stories that changed."""
        return self.ingestor.recluster()

    # -- reading -------------------------------------------------------------------------------
    def stories(
        self, limit: int | None = 20, offset: int = 0, search: str | None = None
    ) -> list[StorySummary]:
        """Stories, biggest and newest first (best match first with ``search``)."""
        return self.store.stories(limit=limit, offset=offset, search=search)

    def count_stories(self, search: str | None = None) -> int:
        return self.store.count_stories(search)

    def story(self, story_id: str | int) -> StorySummary:
        """One story (E061 when there is none with this id)."""
        return self.store.story(str(story_id))

    def articles_of(
        self, story_id: str | int, *, include_duplicates: bool = False
    ) -> list[Article]:
        """A story's articles in ingest order; near-duplicates only when asked."""
        stored = self.store.story_articles(str(story_id), include_duplicates=include_duplicates)
        return [s.article for s in stored]

    def article(self, article_id: str) -> StoredArticle:
        """One stored article and where it sits (E062 when there is none with this id)."""
        return self.store.article(article_id)

    def failures(self, limit: int = 100) -> list[IngestFailure]:
        return self.store.failures(limit)

    def check(self) -> list[str]:
        """Integrity problems of the store (none when all is well)."""
        return self.store.check_integrity()

    # -- comparing -----------------------------------------------------------------------------
    def compare_story(
        self, story_id: str | int, reconciler: Reconciler | None = None
    ) -> Comparison:
        """Reconcile a story's reports (near-duplicates left out), with ``reconciler`` (a
        :class:`rashomon.reconcile.Reconciler`; None: the process-wide default).

        The result is cached in the store under a hash of the story's member list (ids and
        text fingerprints) and the rashomon version, so a story page is computed once and again
        only when the story gains or loses an article, or rashomon is upgraded. The web service
        passes its own reconciler (models loaded once per server) and shares this cache, which
        is why the reconciler is a parameter rather than a second copy of the cache logic.
        """
        story_id = str(story_id)
        members = self.store.story_articles(story_id)  # E061 when there is no such story
        cached = self.cached_comparison(story_id, members)
        if cached is not None:
            return cached
        articles = [m.article for m in members]
        if reconciler is not None:
            comparison = reconciler.compare(articles)
        else:
            try:
                from rashomon import compare  # the reconciliation engine (tests replace it)
            except ImportError:
                from rashomon.reconcile import compare
            comparison = compare(articles)
        self.store.put_comparison(
            story_id, members_hash(members), json.dumps(comparison.to_dict(), ensure_ascii=False)
        )
        return comparison

    def compare_stories(
        self, story_ids: Sequence[str | int], *,
        make_reconciler: Callable[[], Any] | None = None, batch_size: int = 4,
        step: Any = None,
    ) -> dict[str, Comparison]:
        """Reconcile many stories through the corpus's executor (local when none was given):
        the stories whose cache is stale go out in batches of ``batch_size`` to workers that
        each hold one reconciler (``make_reconciler()``, default
        :class:`rashomon.reconcile.Reconciler`, built once per worker), and this process writes
        each comparison to the cache as it comes back. Returns ``story id -> comparison``
        (cached ones included), in the order given. ``step`` replaces the step the executor
        runs (tests use it to kill a worker mid-batch).
        """
        found: dict[str, Comparison] = {}
        todo: list[tuple[str, list[StoredArticle]]] = []
        for story_id in [str(s) for s in story_ids]:
            members = self.store.story_articles(story_id)  # E061 when there is no such story
            cached = self.cached_comparison(story_id, members)
            if cached is not None:
                found[story_id] = cached
            elif members:
                todo.append((story_id, members))
        executor = self.executor or LocalExecutor()
        if step is None:
            step = ReconcileStories(make_reconciler or default_reconciler)
        size = max(1, batch_size)
        batches = [todo[i : i + size] for i in range(0, len(todo), size)]
        try:
            results = executor.map_batches(
                step, ([[m.article for m in members] for _, members in batch] for batch in batches)
            )
            for batch, comparisons in zip(batches, results, strict=True):
                for (story_id, members), comparison in zip(batch, comparisons, strict=True):
                    self.store.put_comparison(
                        story_id, members_hash(members),
                        json.dumps(comparison.to_dict(), ensure_ascii=False),
                    )
                    found[story_id] = comparison
        finally:
            if self.executor is None:
                executor.close()
        return {str(s): found[str(s)] for s in story_ids if str(s) in found}

    def cached_comparison(
        self, story_id: str | int, members: Sequence[StoredArticle] | None = None
    ) -> Comparison | None:
        """The story's comparison if the cache holds one for its current members, else None
        (never computes: a web page uses this to answer at once or start a job).

        ``members``: the story's stored originals, when the caller has read them already.
        """
        story_id = str(story_id)
        if members is None:
            members = self.store.story_articles(story_id)
        if not members:
            return None
        cached = self.store.cached_comparison(story_id, members_hash(members))
        if cached is None:
            return None
        try:
            return comparison_from_dict(json.loads(cached), [m.article for m in members])
        except (KeyError, TypeError, ValueError):
            return None  # written by another version: recompute


def members_hash(members: Sequence[StoredArticle]) -> str:
    """Names a story's member list and the engine version, for the comparison cache."""

    digest = hashlib.sha256(f"rashomon {__version__}\n".encode())
    for member in members:
        digest.update(f"{member.article.id}\t{member.fingerprint}\n".encode())
    return digest.hexdigest()


def comparison_from_dict(data: dict[str, Any], documents: Sequence[Article]) -> Comparison:
    """A :class:`Comparison` back from its ``to_dict()`` JSON (what the cache holds); the
    documents come from the store (see :meth:`Comparison.from_dict`)."""
    return Comparison.from_dict(data, documents=list(documents))
