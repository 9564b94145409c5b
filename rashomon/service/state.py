"""What one running service holds (the corpus, the models, the jobs) and the analyses it runs.

One :class:`Service` per process: the :class:`~rashomon.reconcile.Reconciler` inside it loads its
models once, the first time they are needed (or at start with ``preload``), and every analysis
goes through its :class:`~rashomon.service.jobs.JobManager`, whether a client waits for it or
follows it as a job.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rashomon.errors import FetchError, RashomonError
from rashomon.model import Article, Comparison
from rashomon.readers import read_reports
from rashomon.service.jobs import Job, JobManager, Progress

if TYPE_CHECKING:
    from rashomon.corpus.api import Corpus
    from rashomon.reconcile import Reconciler

log = logging.getLogger("rashomon.service")

TOKEN_ENV = "RASHOMON_API_TOKEN"


@dataclass(frozen=True)
class Limits:
    """What one request may ask for. Generous for people, bounded for machines."""

    max_body: int = 5_000_000  # bytes in one request body
    max_reports: int = 50  # reports in one ad-hoc comparison
    max_batch: int = 1000  # articles in one batch added to the corpus
    page_size: int = 20  # stories per page by default
    max_page: int = 100  # stories per page at most
    max_offset: int = 1_000_000
    max_search: int = 200  # characters of a search
    workers: int = 1  # analyses running at once
    max_pending: int = 16  # analyses waiting or running at once
    max_pending_per_client: int = 4  # of those, for one client (address; IPv6: its /64)
    job_ttl: float = 3600.0  # seconds a finished job (and its result) is kept
    max_wait: float = 300.0  # seconds a request may wait for its analysis
    page_text: int = 20_000  # characters of each report a page shows (then a link to the rest)


class NoFetch:
    """The fetcher given to the readers of uploaded files: the service never fetches an
    address found in a report (a feed entry's link, a list of addresses), so an upload cannot
    make it reach the network."""

    def fetch(self, url: str) -> Any:
        raise FetchError(
            "E022", url=url,
            reason="the service does not fetch addresses; paste or upload the text itself",
        )


def resolve_token(token: str | None) -> tuple[str, str]:
    """The write token and where it came from: the argument, ``$RASHOMON_API_TOKEN``, or a new
    random one (printed by ``rashomon serve``)."""
    if token:
        return token, "argument"
    env = os.environ.get(TOKEN_ENV, "").strip()
    if env:
        return env, "environment"
    return secrets.token_urlsafe(24), "generated"


class Service:
    """The corpus, the reconciler, the jobs, and the caches of one running server."""

    def __init__(
        self, corpus: Corpus, reconciler: Reconciler, token: str, *, limits: Limits,
        owns_corpus: bool = False, token_source: str = "argument",
    ) -> None:
        self.corpus = corpus
        self.reconciler = reconciler
        self.token = token
        self.token_source = token_source
        self.limits = limits
        self.owns_corpus = owns_corpus
        self.jobs = JobManager(
            workers=limits.workers, max_pending=limits.max_pending, ttl=limits.job_ttl,
            max_per_client=limits.max_pending_per_client,
        )
        self.write_lock = threading.Lock()
        self._models_lock = threading.Lock()
        self.models_loaded = False
        self.load_seconds = 15.0  # until measured: a first guess at loading the models
        self.seconds_per_char = 0.0006  # until measured: reconciling time per character
        self._fragments: OrderedDict[tuple[str, str], Any] = OrderedDict()
        self._fragments_lock = threading.Lock()

    # -- models --------------------------------------------------------------------------------
    def load_models(self, progress: Progress | None = None) -> None:
        """Load the reconciler's models once per process (later calls return at once)."""
        if self.models_loaded:
            return
        with self._models_lock:
            if self.models_loaded:
                return
            if progress is not None:
                progress.stage("loading the models (once per server)", start=0.03, end=0.3,
                               expected=self.load_seconds)
            started = time.perf_counter()
            self.reconciler.load()
            self.load_seconds = time.perf_counter() - started
            self.models_loaded = True

    def _reconcile(self, articles: Sequence[Article], progress: Progress) -> Comparison:
        self.load_models(progress)
        chars = sum(len(a.text) for a in articles)
        n = len(articles)
        progress.stage(
            f"reconciling {n} report{'s' if n != 1 else ''}", start=0.3, end=0.97,
            expected=max(0.5, chars * self.seconds_per_char),
        )
        started = time.perf_counter()
        comparison = self.reconciler.compare(articles)
        self._learn(chars, time.perf_counter() - started)
        return comparison

    def _learn(self, chars: int, seconds: float) -> None:
        """Refine the time-per-character estimate behind the progress of later jobs."""
        if chars > 200:
            self.seconds_per_char = 0.7 * self.seconds_per_char + 0.3 * (seconds / chars)

    # -- ad-hoc comparisons ----------------------------------------------------------------------
    def submit_compare(
        self, articles: list[Article], title: str | None = None, *, client: str | None = None
    ) -> Job:
        """Queue the comparison of ``articles`` (nothing is stored), on ``client``'s share of
        the queue."""

        def work(progress: Progress) -> Comparison:
            return self._reconcile(articles, progress)

        return self.jobs.submit(
            "compare", work,
            meta={"reports": len(articles), **({"title": title} if title else {})},
            client=client,
        )

    # -- stories ------------------------------------------------------------------------------
    def submit_story(self, story_id: str, *, client: str | None = None) -> Job:
        """Queue the reconciliation of a stored story (one job per story at a time, whoever
        asks; the first to ask uses its share of the queue)."""
        story = self.corpus.story(story_id)  # E061 before anything is queued

        def work(progress: Progress) -> Comparison:
            self.load_models(progress)
            progress.stage(
                f"reconciling {story.size} report{'s' if story.size != 1 else ''}",
                start=0.3, end=0.97, expected=max(1.0, 4000 * story.size * self.seconds_per_char),
            )
            # The corpus owns the cache (keyed by the story's members and the version):
            # compare_story answers from it or reconciles with this server's models and fills it.
            return self.corpus.compare_story(story_id, reconciler=self.reconciler)

        return self.jobs.submit(
            "story", work, key=f"story:{story_id}",
            meta={"story": story_id, "reports": story.size}, client=client,
        )

    # -- rendered fragments (the story page's costly part), keyed by the member list ---------
    def fragment(self, key: tuple[str, str]) -> Any:
        with self._fragments_lock:
            value = self._fragments.get(key)
            if value is not None:
                self._fragments.move_to_end(key)
            return value

    def keep_fragment(self, key: tuple[str, str], value: Any, limit: int = 64) -> None:
        with self._fragments_lock:
            self._fragments[key] = value
            self._fragments.move_to_end(key)
            while len(self._fragments) > limit:
                self._fragments.popitem(last=False)

    # -- adding articles -------------------------------------------------------------------------
    def add_articles(self, articles: list[Article]) -> list[Any]:
        """Store articles (one writer at a time in this process; the store locks across
        processes)."""
        with self.write_lock:
            return self.corpus.add_articles(articles)

    def close(self) -> None:
        self.jobs.shutdown(wait=False)
        if self.owns_corpus:
            self.corpus.close()


# -- turning request bodies into articles -------------------------------------------------------
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def article_id(text: str, given: str | None, fallback: str | None = None) -> str:
    """The id an article is stored or compared under: the one given, else ``fallback``, else
    a hash of the text (so that posting the same text twice names it the same)."""
    if given and given.strip():
        return given.strip()
    if fallback:
        return fallback
    return "sha1-" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def safe_filename(name: str | None, index: int) -> str:
    """A file name for an upload that keeps its extension (the readers detect the format by
    it) and nothing that could leave the temporary folder."""
    base = Path((name or "").replace("\\", "/")).name
    base = _UNSAFE_NAME.sub("_", base).strip("._") or f"upload-{index}.txt"
    return base[-120:]


def read_uploads(files: list[tuple[str | None, bytes]], *, max_bytes: int) -> list[Article]:
    """Read uploaded files (text, HTML, JSONL) with rashomon's readers, offline.

    Each file goes into a fresh temporary folder under a cleaned-up name; errors name the file
    as uploaded, never the temporary path.
    """
    if not files:
        return []
    with tempfile.TemporaryDirectory(prefix="rashomon-upload-") as folder:
        paths: list[Path] = []
        used: set[str] = set()
        for k, (name, data) in enumerate(files, start=1):
            filename = safe_filename(name, k)
            while filename in used:
                filename = f"{k}-{filename}"
            used.add(filename)
            path = Path(folder) / filename
            path.write_bytes(data)
            paths.append(path)
        try:
            articles = read_reports(paths, max_bytes=max_bytes, fetcher=NoFetch())
        except RashomonError as exc:
            prefix = str(folder).rstrip("/") + "/"
            exc.message = exc.message.replace(prefix, "")
            exc.args = (f"[{exc.code}] {exc.message}",)
            raise
        for a in articles:
            if a.origin:
                a.origin = a.origin.replace(str(folder).rstrip("/") + "/", "")
        return articles
