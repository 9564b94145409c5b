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

Articles in a language other than English are skipped with the reason (the reconciliation
engine reads English only): the declared ``language`` when the article has one, else the one
:func:`rashomon.language.detect_language` finds.

At the end of an ingest, the stories around what it added are **re-clustered offline**
(:meth:`Indexes.settle`, :func:`recluster_window`): online assignment sees each article once, in
arrival order, with the document frequencies of the moment, and is clearly weaker than the
offline :meth:`StoryClusterer.recluster` (ECB+ B-cubed F1 0.887 against 0.978), so what
``rashomon stories`` shows after an ingest is the offline grouping of the affected window: the
whole corpus while it is small, else the stories of the new articles and of their nearest
neighbours. Story ids stay (a regrouped story keeps the id of the old story it shares most
articles with) and only stories whose members changed lose their cached comparison.

What is left to regroup is kept in the store, not in the process: every original is recorded as
pending in the transaction that stores it, and the record is cleared in the transaction that
commits its regrouping (:meth:`Store.assign_stories`, with the memberships that moved and the new
grouping token). An ingest killed between its last batch and its regrouping, one run with
``recluster=False``, or articles added through :meth:`Ingestor.add_articles` therefore leave
pending work that the next ingest settles **first**, before it adds anything, even when it
adds nothing at all.

The near-duplicate index and the story clusterer are in memory; what they are made of is in the
store as rows: each article's features and signature (``article_features``), each original's
story (``story_articles``), and a clusterer snapshot (``state``) that is only a starting point.
Adding articles writes their rows and the memberships a regrouping moved, never the snapshot:
it is rewritten (compacted) only when the articles stored after it reach :data:`COMPACT_RATIO`
of the corpus, or by a full re-clustering. :class:`Indexes` rebuilds the indexes by restoring the
snapshot, clustering only the articles stored after it, and then taking the stored memberships
as they are (:meth:`StoryClusterer.assign`): the store is the truth for what was ingested and
how it is grouped. Without a usable snapshot it replays everything, then takes the stored
memberships the same way. (A clusterer without ``assign``, such as a test's stand-in, is
compared instead, and the store is brought in line with it.) A re-clustering changes stored
memberships under every other writer's feet, so it also writes a new *grouping token*; a writer
whose token is out of date reloads before it adds anything.
"""

from __future__ import annotations

import collections
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from rashomon.corpus.store import IndexedArticle, IngestFailure, NewArticle, Store
from rashomon.executors.local import LocalExecutor
from rashomon.executors.steps import ExtractFeatures
from rashomon.language import ENGLISH, is_english, language_of, skip_reason
from rashomon.model import Article
from rashomon.progress import Stage, track

BATCH_SIZE = 64
#: How many stored feature vectors are decoded and handed to the clusterer at once on rebuild.
REPLAY_CHUNK = 2000
SNAPSHOT_KEY = "clusterer"
#: State key of the grouping token (value) and the newest ``seq`` it was written at. (Schema 1
#: read "settled up to this seq" from it; what waits to be regrouped is now
#: :meth:`Store.pending_regroup`.)
GROUPING_KEY = "grouping"
#: State key of the next story number, written with every regrouping: a regrouping may delete
#: stories the snapshot never saw, and their ids must not be handed out again after a reload.
COUNTER_KEY = "story_counter"
#: Up to this many originals, the re-clustering at the end of an ingest covers the whole corpus:
#: it then gives exactly what ``rashomon stories --recluster`` gives (0.4 s for ECB+'s 308).
FULL_RECLUSTER_LIMIT = 2_000
#: Neighbours of each new article whose stories join the re-clustered window.
WINDOW_NEIGHBOURS = 20
#: The clusterer snapshot is rewritten (compacted) only when the articles stored after it are
#: at least this share of the corpus, or on a full re-clustering: between two compactions an
#: ingest or an added article writes its own rows only (articles, features, memberships), and a
#: reload restores the snapshot, replays the few articles after it and takes the stored
#: memberships, so nothing is replayed twice and the snapshot never has to be current.
COMPACT_RATIO = 0.1


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
    reclustered: int = 0  # stories whose members the re-clustering at the end changed
    recluster_window: int = 0  # originals it looked at (the whole corpus while small)
    recluster_seconds: float = 0.0
    executor: str = "local"  # which executor extracted the features
    nodes: list[str] = field(default_factory=list)  # the machines it ran on

    @property
    def articles_per_second(self) -> float:
        """Articles read per second of the whole ingest (regrouping included)."""
        return self.read / self.seconds if self.seconds > 0 else 0.0

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
        self.reclustered += other.reclustered
        self.recluster_window += other.recluster_window
        self.recluster_seconds += other.recluster_seconds

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
            "reclustered": self.reclustered,
            "recluster_window": self.recluster_window,
            "recluster_seconds": round(self.recluster_seconds, 3),
            "executor": self.executor,
            "nodes": list(self.nodes),
            "articles_per_second": round(self.articles_per_second, 1),
        }


@dataclass(slots=True)
class ArticleOutcome:
    """What became of one article handed to :meth:`Ingestor.add_articles`."""

    id: str
    status: str  # "new", "near_duplicate", "duplicate", "skipped" (language) or "failed"
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
        self.grouping: bytes | None = None  # the grouping token the clusterer matches
        self.repaired = False  # whether the last rebuild moved stored articles
        self.snapshot_seq = 0  # the seq of the stored snapshot (0: none)

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
        self.grouping = None
        self.repaired = False
        self.snapshot_seq = 0

    def _stored_grouping(self) -> bytes | None:
        """The store's grouping token."""
        state = self.store.get_state(GROUPING_KEY)
        return state[0] if state is not None else None

    def catch_up(self, *, progress: bool = False) -> None:
        """Bring the indexes level with the store, rebuilding them if they were never built,
        or reloading them when another writer has re-clustered since they were built."""
        if self.ready and self._stored_grouping() != self.grouping:
            self.invalidate()  # memberships changed under us: the snapshot has them
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
        self.grouping = self._stored_grouping()  # what the snapshot and the store hold
        if snapshot is not None:
            if kit.load_clusterer is None:
                return False
            try:
                self.clusterer = kit.load_clusterer(snapshot[0])
            except Exception:  # an old or foreign snapshot: rebuild by replaying instead
                return False
            clusterer_seq = snapshot[1]
            self.snapshot_seq = clusterer_seq
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
            return False
        counter = self.store.get_state(COUNTER_KEY)
        skip = getattr(self.clusterer, "skip_story_ids", None)
        if counter is not None and callable(skip):
            skip(int(counter[0].decode() or 0))
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
        if moved and callable(getattr(self.clusterer, "assign", None)):
            # The store is the truth for the grouping: the regroupings committed since the
            # snapshot (or all of them, after a replay) are its memberships, which the
            # clusterer takes as they are. No store write, no repeated re-clustering.
            self.clusterer.assign({a: stored_story[a] for a in moved})
            return True
        if moved and not repair:
            return False
        if moved:
            # A replay gives the online grouping; whatever a re-clustering had made of the
            # stored stories is what this repair undoes. In the same transaction, every
            # original waits to be regrouped again (the next settle() regroups the whole
            # corpus) and the grouping token changes, so that other writers reload.
            self.grouping = uuid.uuid4().hex.encode()
            self.store.assign_stories(moved, unsettle_all=True,
                                      state={GROUPING_KEY: (self.grouping, last)})
            self.repaired = True
        return True

    def settle(self, *, full: bool = False) -> tuple[set[str], int]:
        """Re-cluster offline the stories around the originals waiting to be regrouped
        (:meth:`Store.pending_regroup`; every original with ``full``), then commit in ONE
        transaction the memberships that changed, the end of their wait, a snapshot and a new
        grouping token. Call it holding the writer lock, after :meth:`catch_up`.

        Returns the ids of the stories whose members changed and how many originals the
        re-clustering looked at (0 when there was nothing to settle).
        """
        if self.clusterer is None:
            return set(), 0
        pending = self.store.pending_regroup()
        seeds = list(self.originals) if full else pending
        if not seeds:
            return set(), 0
        version = getattr(self.clusterer, "version", None)
        assignments, window = recluster_window(self.clusterer, seeds, full=full)
        if isinstance(version, int):  # only what moved needs writing
            changed = self.clusterer.changes_since(version)
            assignments = {a: s for a, s in assignments.items() if a in changed}
        token = uuid.uuid4().hex.encode()
        state = {GROUPING_KEY: (token, self.seq)}
        counter = getattr(self.clusterer, "next_story_number", None)
        if isinstance(counter, int):
            state[COUNTER_KEY] = (str(counter).encode(), self.seq)
        data = self._snapshot_bytes() if full or self.compaction_due() else None
        if data is not None:
            state[SNAPSHOT_KEY] = (data, self.seq)
        touched = self.store.assign_stories(assignments, settled=pending, state=state)
        self.grouping = token
        if data is not None:
            self.snapshot_seq = self.seq
        return touched, window

    def compaction_due(self) -> bool:
        """Whether the articles stored after the snapshot are :data:`COMPACT_RATIO` of the
        corpus or more (always when there is no snapshot)."""
        if self.snapshot_seq == 0:
            return self.seq > 0
        tail = self.seq - self.snapshot_seq
        return tail > 0 and tail >= COMPACT_RATIO * max(len(self.originals), 1)

    def compact(self, *, force: bool = False) -> bool:
        """Rewrite the clusterer snapshot when :meth:`compaction_due` (or ``force``); whether
        it was written. Call it holding the writer lock, after :meth:`catch_up`."""
        if not (force or self.compaction_due()):
            return False
        data = self._snapshot_bytes()
        if data is None:
            return False
        self.store.put_state(SNAPSHOT_KEY, data, self.seq)
        self.snapshot_seq = self.seq
        return True

    def snapshot(self) -> None:
        """Save the clusterer now, whether due or not (:meth:`compact` with ``force``)."""
        self.compact(force=True)

    def _snapshot_bytes(self) -> bytes | None:
        if self.clusterer is None:
            return None
        try:
            return clusterer_to_bytes(self.clusterer)
        except Exception:  # a snapshot only saves time; the replay is always there
            return None


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


# -- re-clustering the window around new articles ----------------------------------------------
def recluster_window(
    clusterer: Any, seeds: Sequence[str], *, full: bool = False,
    full_limit: int | None = None,
) -> tuple[dict[str, str], int]:
    """Re-cluster offline the stories that new articles (``seeds``) may change; returns the
    new ``article id -> story id`` of every original looked at, and how many there were.

    The window is the whole corpus when ``full``, when it holds at most ``full_limit``
    originals (default :data:`FULL_RECLUSTER_LIMIT`), or when the window would be most of it;
    else the current stories of the seeds and of each seed's :data:`WINDOW_NEIGHBOURS` nearest
    articles (cosine of the IDF-weighted terms, within the clusterer's time window), whole. A
    story outside the window keeps its members and id; inside, a regrouped story keeps the id
    of the old story it shares most articles with (:meth:`StoryClusterer.recluster`).

    Uses the clusterer's public ``neighbourhood`` and ``recluster(window)``; a clusterer
    without them (a stand-in) is re-clustered whole with its ``recluster()``, if it has one.
    """
    limit = FULL_RECLUSTER_LIMIT if full_limit is None else full_limit
    windowed = all(callable(getattr(clusterer, name, None))
                   for name in ("neighbourhood", "recluster", "article_ids", "story_of"))
    if not windowed:
        recluster = getattr(clusterer, "recluster", None)
        if not callable(recluster):
            return {}, 0
        recluster()
        stories = clusterer.stories()
        assignments = {a: str(s) for s, members in stories.items() for a in members}
        return assignments, len(assignments)
    originals = len(clusterer)
    window = None if full or originals <= limit else clusterer.neighbourhood(
        seeds, WINDOW_NEIGHBOURS)
    if window is None or len(window) > originals // 2:
        clusterer.recluster()
        window = clusterer.article_ids()
    else:
        clusterer.recluster(window)
    assignments = {a: str(clusterer.story_of(a)) for a in window}
    return assignments, len(window)


# -- the pipeline ------------------------------------------------------------------------------
class Ingestor:
    """Runs batches through the pipeline into one store. Not thread-safe: one per writer.

    ``executor`` (:mod:`rashomon.executors`; default: local, in this process) computes the
    features of each batch, several batches ahead with Ray; near-duplicate detection,
    clustering and the one-transaction-per-batch commit stay here, on the driver, in input
    order, so the stories do not depend on the executor. ``extract_step`` replaces the step
    the executor runs (tests use it to kill a worker mid-batch).
    """

    def __init__(
        self, store: Store, toolkit: Toolkit, *, batch_size: int = BATCH_SIZE,
        executor: Any = None, extract_step: Any = None,
    ) -> None:
        self.store = store
        self.toolkit = toolkit
        self.batch_size = max(1, batch_size)
        self.indexes = Indexes(store, toolkit)
        self._run_originals: list[str] = []  # originals stored by the current ingest
        self.executor = executor
        self.extract_step = extract_step

    def ingest(
        self, inputs: Sequence[str], *, allow_private: bool = False, progress: bool = True,
        recluster: bool = True,
    ) -> IngestReport:
        """Read ``inputs`` and store what is new; see the module docstring. With
        ``recluster`` (the default), first settle what earlier writers left waiting to be
        regrouped, and end with :meth:`settle`: the stories around what was added are
        regrouped offline, which is what makes them as good as a full recluster."""
        assert self.toolkit.read is not None
        started = time.monotonic()
        report = IngestReport()
        self._run_originals = []
        stories_before = self.store.count_stories()
        with self.store.writer_lock():
            self.indexes.catch_up(progress=progress)
        if recluster and self.store.pending_regroup(limit=1):
            # Work an earlier ingest left (killed before its regrouping, or --no-recluster):
            # settled before anything new is clustered against the stories it left online.
            self._settle(report, progress=progress, label="Regrouping what was left pending")
        results: Iterable[ReadResultLike] = self.toolkit.read(
            list(inputs), allow_private=allow_private
        )
        if progress:
            results = track(results, "Ingesting")
        # Reading (fetching feeds, pages) and feature extraction happen outside the lock; each
        # batch takes it, so another writer (the web service adding one article) waits for a
        # batch, not a run.
        executor = self.executor
        if executor is None:
            executor = LocalExecutor()
        waiting: collections.deque[list[ReadResultLike]] = collections.deque()

        def to_extract() -> Iterator[list[Article]]:
            for batch in batched(results, self.batch_size):
                waiting.append(batch)
                yield self._candidates(batch)

        step = self.extract_step
        if step is None:
            step = ExtractFeatures(self.toolkit.extractor)
        # Results come back in batch order: the batch they belong to is the oldest waiting.
        for extracted in executor.map_batches(step, to_extract()):
            batch = waiting.popleft()
            with self.store.writer_lock():
                self.indexes.catch_up()
                self._run_batch(batch, report, extracted=extracted)
        report.executor = executor.name
        report.nodes = executor.nodes()
        if self.executor is None:
            executor.close()
        if recluster and (report.new or self.store.pending_regroup(limit=1)):
            self._settle(report, progress=progress)
        elif report.new:
            with self.store.writer_lock():
                self.indexes.catch_up()
                self.indexes.compact()
        report.new_stories = max(0, self.store.count_stories() - stories_before)
        report.seconds = time.monotonic() - started
        return report

    def settle(self, *, progress: bool = False) -> IngestReport:
        """Regroup offline the stories around every original still waiting to be regrouped
        (stored by this writer or another, by an ingest that was interrupted or run without
        regrouping, or through :meth:`add_articles`); a report with ``reclustered`` and
        ``recluster_seconds``."""
        report = IngestReport()
        started = time.monotonic()
        self._settle(report, progress=progress)
        report.seconds = time.monotonic() - started
        return report

    def _settle(
        self, report: IngestReport, *, progress: bool, label: str = "Regrouping the stories"
    ) -> None:
        started = time.monotonic()
        stage = Stage(label) if progress else None
        if stage is not None:
            stage.__enter__()
        try:
            with self.store.writer_lock():
                self.indexes.catch_up()
                touched, window = self.indexes.settle()
                if not window:
                    self.indexes.compact()
                # The stories this run's articles are in now (the ids of the online pass may
                # have been merged away).
                if report.stories and self.indexes.clusterer is not None:
                    report.stories = {
                        story for a in self._run_originals
                        if (story := story_of(self.indexes.clusterer, a)) is not None
                    }
        finally:
            if stage is not None:
                stage.__exit__(None, None, None)
        report.reclustered += len(touched)
        report.recluster_window += window
        report.recluster_seconds += time.monotonic() - started

    def add_articles(self, articles: Sequence[Article]) -> list[ArticleOutcome]:
        """Store articles given directly (the API's and the web service's way in). They are
        clustered online only; :meth:`settle` (or the next ingest) regroups their stories."""
        outcomes: list[ArticleOutcome] = []
        self._run_originals = []
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
            touched, _ = self.indexes.settle(full=True)
        return touched

    def _candidates(self, results: Sequence[ReadResultLike]) -> list[Article]:
        """The articles of a batch whose features are worth computing ahead of its commit:
        in English, not empty and not stored yet (checked again under the lock, since a batch
        still in flight or another writer may store them first)."""
        articles: list[Article] = []
        for result in results:
            article = result.article
            if result.error is not None or result.skipped is not None or article is None:
                continue
            code, confidence, declared = language_of(article)
            if not is_english(code, confidence) or not article.text.strip():
                continue
            if not declared and code == ENGLISH and confidence >= 0.5:
                article.language = ENGLISH  # what _english_only records; not detected twice
            articles.append(article)
        if not articles:
            return []
        ids, prints = self.store.known([a.id for a in articles], [a.fingerprint for a in articles])
        return [a for a in articles if a.id not in ids and a.fingerprint not in prints]

    def _run_batch(
        self, results: Sequence[ReadResultLike], report: IngestReport,
        extracted: Sequence[Any] | None = None,
    ) -> list[ArticleOutcome]:
        """One batch, one transaction. On any error the in-memory indexes are dropped (they
        may hold articles the store does not) and rebuilt by the next batch or run.
        ``extracted``: features computed ahead (:class:`rashomon.executors.steps.Extracted`);
        an article without them is extracted here."""
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
        articles = self._english_only(articles, report, outcomes)
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
            written = self._store_fresh(fresh, failures, outcomes, extracted or ())
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

    def _english_only(
        self, articles: list[Article], report: IngestReport, outcomes: list[ArticleOutcome]
    ) -> list[Article]:
        """The articles the reconciliation engine can read; the others are skipped with the
        reason. An undeclared language is detected and stored (``language`` = ``"en"``)."""
        kept: list[Article] = []
        for article in articles:
            code, confidence, declared = language_of(article)
            if is_english(code, confidence):
                if not declared and code == ENGLISH and confidence >= 0.5:
                    article.language = ENGLISH
                kept.append(article)
                continue
            reason = skip_reason(code)
            origin = article.origin or article.id
            if article.id not in origin:  # a JSONL file or a feed holds many articles
                origin = f"{origin} [{article.id}]"
            report.skipped.append((origin, reason))
            outcomes.append(ArticleOutcome(article.id, "skipped", reason=reason))
        return kept

    def _store_fresh(
        self, fresh: list[Article], failures: list[IngestFailure],
        outcomes: list[ArticleOutcome], extracted: Sequence[Any] = (),
    ) -> list[NewArticle]:
        indexes = self.indexes
        if not indexes.ready:
            indexes.catch_up()
        # 2. the pure, fallible work first: nothing in memory changes until it has all worked
        signatures = {a.id: indexes.dedup.signature(a.text) for a in fresh}
        ahead = {e.id: e for e in extracted}
        features: dict[str, Any] = {}
        for article in fresh:
            done = ahead.get(article.id)
            if done is None:
                continue
            if done.error is not None:
                failures.append(IngestFailure(article.origin or article.id, done.error))
                outcomes.append(ArticleOutcome(article.id, "failed", reason=done.error))
            else:
                features[article.id] = done.features
        features.update(self._extract([a for a in fresh if a.id not in ahead], failures, outcomes))
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
        if items:
            indexes.seq = self.store.max_seq()
        indexes.originals += [a.id for a in originals]
        self._run_originals += [a.id for a in originals]
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
