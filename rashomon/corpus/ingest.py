"""Ingest orchestration: from inputs (files, feeds, pages, WARC) to stored, clustered articles.

Per batch of read articles:

1. skip what is already stored (same id or same text fingerprint) or already seen in this run;
2. compute near-duplicate signatures and features (batched; the embedding model runs here);
3. ask the near-duplicate index whether each article copies an earlier one (a wire copy is
   grouped with its original and kept out of reconciliation), and cluster the others into
   stories;
4. write articles, features, signatures, memberships and failures in ONE transaction.

Because every batch is one transaction, a killed ingest leaves whole batches only, and rerunning
it skips what was committed (step 1), so nothing is lost and nothing is stored twice.

The near-duplicate index and the story clusterer are in memory. :class:`Indexes` rebuilds them
from the stored signatures and features (replaying them in ingest order, or loading the
clusterer snapshot saved at the end of the previous run and replaying only what came after), and
checks that the stories it gets agree with the stored ones; the store is the truth for what was
ingested, the clusterer for how it is grouped, and where they disagree the store is brought in
line so that later articles are clustered against the grouping the user sees.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from rashomon.corpus.store import IndexedArticle, IngestFailure, NewArticle, Store
from rashomon.model import Article
from rashomon.progress import Stage, track

BATCH_SIZE = 64
#: How many stored feature vectors are decoded and handed to the clusterer at once on rebuild.
REPLAY_CHUNK = 2000
SNAPSHOT_KEY = "clusterer"


# -- the parts the pipeline is built from ------------------------------------------------------
class Features(Protocol):
    """What the pipeline needs of ``rashomon.corpus.features.ArticleFeatures``."""

    id: str

    def to_bytes(self) -> bytes: ...


class ReadResultLike(Protocol):
    origin: str
    article: Article | None
    error: str | None
    skipped: str | None


@dataclass
class Toolkit:
    """The readers, feature extractor, near-duplicate index and clusterer the pipeline uses.

    ``None`` means rashomon's own (imported when first needed, so that opening a store to list
    stories never loads the embedding model). Tests and embedders of rashomon pass their own.
    """

    read: Callable[..., Iterable[ReadResultLike]] | None = None
    extractor: Any = None  # has .extract(articles) -> list[Features]
    features_from_bytes: Callable[[bytes], Any] | None = None
    make_dedup: Callable[[], Any] | None = None  # NearDuplicateIndex: signature, add, remove
    make_clusterer: Callable[[], Any] | None = None  # StoryClusterer: add_many, story_of, ...
    load_clusterer: Callable[[bytes], Any] | None = None  # a snapshot back into a clusterer

    def resolved(self) -> Toolkit:
        """A copy with every missing part filled in with rashomon's own."""
        done = Toolkit(**vars(self))
        if done.read is None:
            from rashomon.readers import iter_reports

            done.read = iter_reports
        if done.extractor is None:
            from rashomon.corpus.features import FeatureExtractor

            done.extractor = FeatureExtractor()
        if done.features_from_bytes is None:
            from rashomon.corpus.features import ArticleFeatures

            done.features_from_bytes = ArticleFeatures.from_bytes
        if done.make_dedup is None:
            from rashomon.corpus.dedup import NearDuplicateIndex

            done.make_dedup = NearDuplicateIndex
        if done.make_clusterer is None:
            from rashomon.corpus.clustering import StoryClusterer

            done.make_clusterer = StoryClusterer
            if done.load_clusterer is None:
                done.load_clusterer = lambda data: clusterer_from_bytes(StoryClusterer, data)
        return done


def default_toolkit() -> Toolkit:
    """The toolkit a ``Corpus`` gets when none is given (tests may replace this function)."""
    return Toolkit()


def clusterer_to_bytes(clusterer: Any) -> bytes | None:
    """A snapshot of the clusterer, or None when it cannot make one (then rebuild replays)."""
    to_bytes = getattr(clusterer, "to_bytes", None)
    if callable(to_bytes):
        return bytes(to_bytes())
    save = getattr(clusterer, "save", None)
    if callable(save):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "clusterer.bin"
            save(path)
            if path.is_file():
                return path.read_bytes()
    return None


def clusterer_from_bytes(cls: Any, data: bytes) -> Any:
    """The clusterer a snapshot was taken of (``from_bytes`` or ``load(path)``)."""
    from_bytes = getattr(cls, "from_bytes", None)
    if callable(from_bytes):
        return from_bytes(data)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clusterer.bin"
        path.write_bytes(data)
        return cls.load(path)


# -- what an ingest reports ----------------------------------------------------------------------
@dataclass
class IngestReport:
    """What one ingest did, for the summary the user sees and for the API."""

    read: int = 0  # articles read from the inputs
    new: int = 0  # stored now
    duplicate: int = 0  # already stored (same id or same text), or twice in the inputs
    near_duplicate: int = 0  # stored now, as wire copies grouped with their original
    failures: list[IngestFailure] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (origin, reason) by readers
    stories: set[str] = field(default_factory=set)  # stories that gained articles
    new_stories: int = 0
    seconds: float = 0.0

    @property
    def failed(self) -> int:
        return len(self.failures)

    def add(self, other: IngestReport) -> None:
        self.read += other.read
        self.new += other.new
        self.duplicate += other.duplicate
        self.near_duplicate += other.near_duplicate
        self.failures += other.failures
        self.skipped += other.skipped
        self.stories |= other.stories
        self.new_stories += other.new_stories
        self.seconds += other.seconds

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "new": self.new,
            "duplicate": self.duplicate,
            "near_duplicate": self.near_duplicate,
            "failed": self.failed,
            "failures": [f.to_dict() for f in self.failures],
            "skipped": [{"origin": o, "reason": r} for o, r in self.skipped],
            "stories": sorted(self.stories),
            "new_stories": self.new_stories,
            "seconds": round(self.seconds, 3),
        }


@dataclass(slots=True)
class ArticleOutcome:
    """What became of one article handed to :meth:`Ingestor.add_articles`."""

    id: str
    status: str  # "new", "near_duplicate", "duplicate" or "failed"
    story_id: str | None = None
    duplicate_of: str | None = None
    reason: str | None = None


# -- the in-memory indexes -----------------------------------------------------------------------
class Indexes:
    """The near-duplicate index and the clusterer, kept level with the store.

    ``seq`` is the newest stored article they have seen. :meth:`catch_up` feeds them what was
    stored since (by this process before a restart, or by another writer), so call it while
    holding the store's writer lock, before adding anything.
    """

    def __init__(self, store: Store, toolkit: Toolkit) -> None:
        self.store = store
        self.toolkit = toolkit
        self.dedup: Any = None
        self.clusterer: Any = None
        self.seq = 0
        self.duplicate_of: dict[str, str] = {}  # near-duplicate id -> its original
        self.originals: list[str] = []  # in ingest order

    @property
    def ready(self) -> bool:
        return self.dedup is not None

    def invalidate(self) -> None:
        """Forget everything: after a failed batch, memory may hold what the store does not."""
        self.dedup = None
        self.clusterer = None
        self.seq = 0
        self.duplicate_of.clear()
        self.originals.clear()

    def catch_up(self, *, progress: bool = False) -> None:
        """Bring the indexes level with the store, rebuilding them if they were never built."""
        if self.ready and self.store.max_seq() == self.seq:
            return
        if not self.ready:
            snapshot = self.store.get_state(SNAPSHOT_KEY)
            if snapshot is not None and self._build(snapshot, progress=progress):
                return
            self._build(None, progress=progress)
            return
        self._feed(self.store.iter_indexed(self.seq), clusterer_seq=self.seq, progress=progress)

    def _build(self, snapshot: tuple[bytes, int] | None, *, progress: bool) -> bool:
        """Build from scratch (from a snapshot when given); False if the snapshot is unusable."""
        kit = self.toolkit
        clusterer_seq = 0
        self.invalidate()
        if snapshot is not None:
            if kit.load_clusterer is None:
                return False
            try:
                self.clusterer = kit.load_clusterer(snapshot[0])
            except Exception:  # an old or foreign snapshot: rebuild by replaying instead
                return False
            clusterer_seq = snapshot[1]
        else:
            assert kit.make_clusterer is not None
            self.clusterer = kit.make_clusterer()
        assert kit.make_dedup is not None
        self.dedup = kit.make_dedup()
        stage = Stage("Loading the corpus index") if progress else None
        if stage is not None:
            stage.__enter__()
        try:
            agreed = self._feed(
                self.store.iter_indexed(0), clusterer_seq=clusterer_seq, progress=False,
                repair=snapshot is None,
            )
        finally:
            if stage is not None:
                stage.__exit__(None, None, None)
        if not agreed:
            self.invalidate()
        return agreed

    def _feed(
        self, rows: Iterable[IndexedArticle], *, clusterer_seq: int, progress: bool,
        repair: bool = True,
    ) -> bool:
        """Add stored articles to the indexes; the clusterer only gets those after
        ``clusterer_seq`` (the rest are in its snapshot). Then compare the clusterer's stories
        with the stored ones: when ``repair``, move stored articles to match and return True;
        else return whether they agreed."""
        kit = self.toolkit
        assert kit.features_from_bytes is not None
        stored_story: dict[str, str] = {}
        pending: list[Any] = []
        last = self.seq
        if progress:
            rows = track(rows, "Catching up with the store")
        for row in rows:
            self.dedup.add(row.id, row.signature)
            last = row.seq
            if row.duplicate_of is not None:
                self.duplicate_of[row.id] = row.duplicate_of
                continue
            self.originals.append(row.id)
            if row.story_id is not None:
                stored_story[row.id] = row.story_id
            if row.seq > clusterer_seq:
                pending.append(kit.features_from_bytes(row.features))
                if len(pending) >= REPLAY_CHUNK:
                    cluster_many(self.clusterer, pending)
                    pending = []
        cluster_many(self.clusterer, pending)
        self.seq = last
        moved = {}
        for article_id, story_id in stored_story.items():
            now = story_of(self.clusterer, article_id)
            if now is not None and now != story_id:
                moved[article_id] = now
        if moved and not repair:
            return False
        if moved:
            self.store.assign_stories(moved)
        return True

    def snapshot(self) -> None:
        """Save the clusterer so the next process can skip replaying what it already holds."""
        if self.clusterer is None:
            return
        try:
            data = clusterer_to_bytes(self.clusterer)
        except Exception:  # a snapshot only saves time; the replay is always there
            return
        if data is not None:
            self.store.put_state(SNAPSHOT_KEY, data, self.seq)


def cluster_many(clusterer: Any, features: Sequence[Any]) -> list[str]:
    """Add features to the clusterer; their story ids, in order."""
    if not features:
        return []
    add_many = getattr(clusterer, "add_many", None)
    result = add_many(list(features)) if callable(add_many) else [
        clusterer.add(f) for f in features
    ]
    if isinstance(result, (list, tuple)) and len(result) == len(features):
        return [str(s) for s in result]
    return [str(clusterer.story_of(f.id)) for f in features]


def story_of(clusterer: Any, article_id: str) -> str | None:
    try:
        story = clusterer.story_of(article_id)
    except (KeyError, LookupError):
        return None
    return None if story is None else str(story)


# -- the pipeline ------------------------------------------------------------------------------
class Ingestor:
    """Runs batches through the pipeline into one store. Not thread-safe: one per writer."""

    def __init__(self, store: Store, toolkit: Toolkit, *, batch_size: int = BATCH_SIZE) -> None:
        self.store = store
        self.toolkit = toolkit
        self.batch_size = max(1, batch_size)
        self.indexes = Indexes(store, toolkit)

    def ingest(
        self, inputs: Sequence[str], *, allow_private: bool = False, progress: bool = True
    ) -> IngestReport:
        """Read ``inputs`` and store what is new; see the module docstring."""
        assert self.toolkit.read is not None
        started = time.monotonic()
        report = IngestReport()
        stories_before = self.store.count_stories()
        with self.store.writer_lock():
            self.indexes.catch_up(progress=progress)
        results: Iterable[ReadResultLike] = self.toolkit.read(
            list(inputs), allow_private=allow_private
        )
        if progress:
            results = track(results, "Ingesting")
        # Reading (fetching feeds, pages) happens outside the lock; each batch takes it, so
        # another writer (the web service adding one article) waits for a batch, not a run.
        for batch in batched(results, self.batch_size):
            with self.store.writer_lock():
                self.indexes.catch_up()
                self._run_batch(batch, report)
        if report.new:
            with self.store.writer_lock():
                self.indexes.catch_up()
                self.indexes.snapshot()
        report.new_stories = max(0, self.store.count_stories() - stories_before)
        report.seconds = time.monotonic() - started
        return report

    def add_articles(self, articles: Sequence[Article]) -> list[ArticleOutcome]:
        """Store articles given directly (the API's and the web service's way in)."""
        outcomes: list[ArticleOutcome] = []
        for start in range(0, len(articles), self.batch_size):
            chunk = articles[start : start + self.batch_size]
            with self.store.writer_lock():
                self.indexes.catch_up()
                outcomes += self._run_batch([_Given(a.origin or a.id, a) for a in chunk],
                                            IngestReport())
        return outcomes

    def recluster(self) -> set[str]:
        """Regroup every stored original from scratch; returns the stories that changed."""
        with self.store.writer_lock():
            self.indexes.catch_up()
            recluster = getattr(self.indexes.clusterer, "recluster", None)
            if callable(recluster):
                recluster()
            assignments = {}
            for article_id in self.indexes.originals:
                story = story_of(self.indexes.clusterer, article_id)
                if story is not None:
                    assignments[article_id] = story
            touched = self.store.assign_stories(assignments)
            self.indexes.snapshot()
        return touched

    def _run_batch(
        self, results: Sequence[ReadResultLike], report: IngestReport
    ) -> list[ArticleOutcome]:
        """One batch, one transaction. On any error the in-memory indexes are dropped (they
        may hold articles the store does not) and rebuilt by the next batch or run."""
        outcomes: list[ArticleOutcome] = []
        failures: list[IngestFailure] = []
        articles: list[Article] = []
        for result in results:
            if result.error is not None:
                failures.append(IngestFailure(result.origin, result.error))
            elif result.skipped is not None:
                report.skipped.append((result.origin, result.skipped))
            elif result.article is not None:
                report.read += 1
                articles.append(result.article)
        # 1. already stored, or twice in this batch
        ids, prints = self.store.known([a.id for a in articles], [a.fingerprint for a in articles])
        fresh: list[Article] = []
        for article in articles:
            fingerprint = article.fingerprint
            if article.id in ids or fingerprint in prints:
                report.duplicate += 1
                outcomes.append(ArticleOutcome(article.id, "duplicate"))
                continue
            if not article.text.strip():
                failures.append(IngestFailure(article.origin or article.id, "the text is empty"))
                outcomes.append(ArticleOutcome(article.id, "failed", reason="the text is empty"))
                continue
            ids.add(article.id)
            prints.add(fingerprint)
            fresh.append(article)
        try:
            written = self._store_fresh(fresh, failures, outcomes)
        except BaseException:
            self.indexes.invalidate()
            raise
        report.failures += failures
        for item in written:
            if item.duplicate_of is not None:
                report.near_duplicate += 1
            report.new += 1
        report.stories.update(o.story_id for o in outcomes if o.story_id and o.status == "new")
        return outcomes

    def _store_fresh(
        self, fresh: list[Article], failures: list[IngestFailure],
        outcomes: list[ArticleOutcome],
    ) -> list[NewArticle]:
        indexes = self.indexes
        if not indexes.ready:
            indexes.catch_up()
        # 2. the pure, fallible work first: nothing in memory changes until it has all worked
        signatures = {a.id: indexes.dedup.signature(a.text) for a in fresh}
        features = self._extract(fresh, failures, outcomes)
        fresh = [a for a in fresh if a.id in features]
        # 3. near-duplicates, then stories for the originals
        duplicate_of: dict[str, str] = {}
        for article in fresh:
            match = indexes.dedup.add(article.id, signatures[article.id])
            if match is not None and match != article.id:
                # Always point at the root original, even when the match is itself a copy.
                root = duplicate_of.get(match) or indexes.duplicate_of.get(match, match)
                duplicate_of[article.id] = root
        originals = [a for a in fresh if a.id not in duplicate_of]
        story_ids = dict(
            zip(
                [a.id for a in originals],
                cluster_many(indexes.clusterer, [features[a.id] for a in originals]),
                strict=True,
            )
        )
        items: list[NewArticle] = []
        for article in fresh:
            original = duplicate_of.get(article.id)
            story = story_ids.get(article.id)
            if original is not None:
                story = story_ids.get(original) or story_of(indexes.clusterer, original)
            items.append(
                NewArticle(
                    article=article,
                    features=features[article.id].to_bytes(),
                    signature=signatures[article.id],
                    story_id=None if original is not None else story,
                    duplicate_of=original,
                )
            )
            outcomes.append(
                ArticleOutcome(article.id, "near_duplicate" if original else "new", story,
                               duplicate_of=original)
            )
        # 4. one transaction
        self.store.write_batch(items, failures)
        indexes.duplicate_of.update(duplicate_of)
        indexes.originals += [a.id for a in originals]
        if items:
            indexes.seq = self.store.max_seq()
        return items

    def _extract(
        self, articles: list[Article], failures: list[IngestFailure],
        outcomes: list[ArticleOutcome],
    ) -> dict[str, Any]:
        """Features of each article, batched; one article that breaks the extractor fails alone."""
        if not articles:
            return {}
        extractor = self.toolkit.extractor
        try:
            return {f.id: f for f in extractor.extract(articles)}
        except Exception:
            pass
        found: dict[str, Any] = {}
        for article in articles:
            try:
                found.update((f.id, f) for f in extractor.extract([article]))
            except Exception as exc:
                reason = f"features could not be extracted ({type(exc).__name__}: {exc})"
                failures.append(IngestFailure(article.origin or article.id, reason))
                outcomes.append(ArticleOutcome(article.id, "failed", reason=reason))
        return found


@dataclass(slots=True)
class _Given:
    """An article handed in directly, dressed as a reader's result."""

    origin: str
    article: Article | None
    error: str | None = None
    skipped: str | None = None


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
