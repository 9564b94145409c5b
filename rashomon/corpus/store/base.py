"""The one storage interface the corpus is written against, and the records it trades in.

Everything above this module (ingest, the ``Corpus`` API, the command line, the web service) talks
to a :class:`Store` through typed methods only; no SQL leaves the ``store`` package. That is what
lets SQLite (one file, nothing to install) and PostgreSQL (a shared server) pass the same tests.

Model of the data:

* an **article** is stored once (its ``id`` and its text ``fingerprint`` are both unique), with
  its extracted features and its near-duplicate signature, written in the same transaction;
* an **original** article belongs to exactly one **story** (``story_articles``);
* a **near-duplicate** (a wire copy) has ``duplicate_of`` set to the original it copies and no
  membership row of its own: it is listed in its original's story, but does not count towards the
  story's size and is kept out of reconciliation;
* a story's title, size, outlets and newest date are kept up to date in the same transaction that
  changes its members, so listing stories never has to aggregate the whole corpus;
* every original is also recorded as **waiting to be regrouped** (``regroup_pending``) in the
  transaction that stores it, and the record goes in the transaction that commits its
  regrouping: an ingest killed (or run with ``--no-recluster``) between the two leaves the work
  in the store for the next writer, instead of in a process that is gone.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, ClassVar

from rashomon.model import Article

#: The schema version this code writes and reads; older stores are migrated on open.
#: 2: ``regroup_pending`` (the originals not regrouped yet).
SCHEMA_VERSION = 2


@dataclass(slots=True)
class NewArticle:
    """An article ready to be written, with everything that must land in the same transaction.

    Exactly one of ``story_id`` (an original) and ``duplicate_of`` (a near-duplicate) is set.
    """

    article: Article
    features: bytes
    signature: bytes
    story_id: str | None = None
    duplicate_of: str | None = None

    def __post_init__(self) -> None:
        if (self.story_id is None) == (self.duplicate_of is None):
            raise ValueError(
                f"article {self.article.id!r}: give either a story id or the original it copies"
            )


@dataclass(slots=True)
class IngestFailure:
    """An input that could not be read or stored, kept so that a later look can explain it."""

    origin: str
    reason: str
    failed_at: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"origin": self.origin, "reason": self.reason, "failed_at": self.failed_at}


@dataclass(slots=True)
class StoredArticle:
    """An article as the store holds it, with where it sits in the corpus."""

    article: Article
    seq: int  # ingest order, increasing
    fingerprint: str
    ingested_at: str
    story_id: str | None  # for a near-duplicate: its original's story
    duplicate_of: str | None = None


@dataclass(slots=True)
class IndexedArticle:
    """What rebuilding the in-memory indexes (near-duplicates, clustering) needs of one article."""

    seq: int
    id: str
    features: bytes
    signature: bytes
    duplicate_of: str | None
    story_id: str | None  # None for a near-duplicate


@dataclass(slots=True)
class StorySummary:
    """One story as listed: enough to show it, to link to it and to check clustering against."""

    id: str
    title: str | None
    size: int  # originals only: near-duplicates do not inflate a story
    sources: list[str]  # the outlets of its originals, first seen first
    articles: list[str]  # every article id in ingest order, near-duplicates included
    duplicates: dict[str, str] = field(default_factory=dict)  # near-duplicate id -> original id
    created_at: str = ""
    updated_at: str = ""
    latest: str | None = None  # the newest member's published date (or ingest time)

    @property
    def originals(self) -> list[str]:
        return [a for a in self.articles if a not in self.duplicates]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "size": self.size,
            "sources": self.sources,
            "articles": self.articles,
            "duplicates": self.duplicates,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
            "latest": self.latest,
        }


class Store(ABC):
    """Where the corpus lives. Both implementations pass the same test suite.

    Every public method is safe to call from several threads (calls are serialised on one
    connection); several processes may read at once, and :meth:`writer_lock` makes writers take
    turns, because the in-memory clustering of each writer must see every article before it.
    """

    backend: ClassVar[str]
    url: str  # where it is, with any password removed: safe to print

    def __init__(self) -> None:
        self._mutex = threading.RLock()

    # -- lifecycle -----------------------------------------------------------------------------
    @abstractmethod
    def close(self) -> None:
        """Close the connection; the store cannot be used afterwards."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    @abstractmethod
    def schema_version(self) -> int:
        """The schema version of the open store (always :data:`SCHEMA_VERSION` after opening)."""

    @abstractmethod
    def writer_lock(self) -> AbstractContextManager[None]:
        """Hold the exclusive ingest lock of this store (blocks until other writers finish)."""

    # -- ingest --------------------------------------------------------------------------------
    @abstractmethod
    def known(
        self, ids: Sequence[str], fingerprints: Sequence[str]
    ) -> tuple[set[str], set[str]]:
        """Which of ``ids`` and which of ``fingerprints`` are already stored."""

    @abstractmethod
    def write_batch(
        self, articles: Sequence[NewArticle], failures: Sequence[IngestFailure] = ()
    ) -> set[str]:
        """Store articles with their features, memberships and failures in ONE transaction.

        Either all of it is committed or none of it is: an ingest killed half-way leaves whole
        batches only. Each original is recorded as waiting to be regrouped (see
        :meth:`pending_regroup`) in the same transaction. Returns the ids of the stories whose
        members changed.
        """

    @abstractmethod
    def assign_stories(
        self, assignments: Mapping[str, str], *, settled: Iterable[str] = (),
        unsettle_all: bool = False, state: Mapping[str, tuple[bytes, int]] | None = None,
    ) -> set[str]:
        """Move originals to stories (``article id -> story id``) in one transaction.

        Used after reclustering. Near-duplicates follow their originals; stories left empty are
        deleted. In the same transaction, ``settled`` articles stop waiting to be regrouped,
        ``unsettle_all`` makes every original wait again (the grouping was put back to the
        online one), and ``state`` blobs are saved (:meth:`put_state`): a regrouping is
        committed whole, with the snapshot and token that describe it, or not at all. Returns
        the ids of the stories whose members changed.
        """

    @abstractmethod
    def pending_regroup(self, limit: int | None = None) -> list[str]:
        """The originals stored but not regrouped yet, in ingest order (at most ``limit``).

        Written with the articles (:meth:`write_batch`), cleared only with the regrouping that
        settles them (:meth:`assign_stories`), so the work survives any crash in between.
        """

    @abstractmethod
    def record_failures(self, failures: Sequence[IngestFailure]) -> None:
        """Remember inputs that could not be ingested."""

    @abstractmethod
    def iter_indexed(self, after_seq: int = 0) -> Iterator[IndexedArticle]:
        """Features and signatures of every article ingested after ``after_seq``, in order."""

    @abstractmethod
    def max_seq(self) -> int:
        """The ingest sequence number of the newest article (0 when empty)."""

    @abstractmethod
    def get_state(self, key: str) -> tuple[bytes, int] | None:
        """A saved blob (e.g. a clusterer snapshot) and the ``seq`` it was saved at."""

    @abstractmethod
    def put_state(self, key: str, value: bytes, seq: int) -> None:
        """Save a blob, replacing the previous one under ``key``."""

    # -- reading -------------------------------------------------------------------------------
    @abstractmethod
    def count_articles(self, *, include_duplicates: bool = True) -> int:
        """How many articles are stored."""

    @abstractmethod
    def count_stories(self, search: str | None = None) -> int:
        """How many stories there are (matching ``search`` when given)."""

    @abstractmethod
    def stories(
        self, limit: int | None = None, offset: int = 0, search: str | None = None
    ) -> list[StorySummary]:
        """Stories biggest and newest first; with ``search``, the best-matching first.

        ``search`` is full-text search over the titles and texts of the stories' articles (all
        its words must occur, stemmed); ``limit=None`` lists them all.
        """

    @abstractmethod
    def story(self, story_id: str) -> StorySummary:
        """One story; raises ``NotFoundError`` (E061) when there is none with this id."""

    @abstractmethod
    def story_articles(
        self, story_id: str, *, include_duplicates: bool = False
    ) -> list[StoredArticle]:
        """A story's articles in ingest order (originals only unless asked)."""

    @abstractmethod
    def article(self, article_id: str) -> StoredArticle:
        """One article; raises ``NotFoundError`` (E062) when there is none with this id."""

    @abstractmethod
    def failures(self, limit: int = 100) -> list[IngestFailure]:
        """The most recent ingest failures, newest first."""

    # -- comparison cache ----------------------------------------------------------------------
    @abstractmethod
    def cached_comparison(self, story_id: str, members_hash: str) -> str | None:
        """The cached comparison JSON of a story, if it was computed for these very members."""

    @abstractmethod
    def put_comparison(self, story_id: str, members_hash: str, result_json: str) -> None:
        """Cache a story's comparison JSON for the member list that ``members_hash`` names."""

    # -- upkeep --------------------------------------------------------------------------------
    @abstractmethod
    def check_integrity(self) -> list[str]:
        """Problems found (empty when the store is consistent): the database's own checks, and
        that every article has its features and either a story or an original it copies."""
