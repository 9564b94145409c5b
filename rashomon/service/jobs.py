"""Long analyses as jobs: a bounded queue, a small thread pool, progress, results kept a while.

Reconciling a story takes from a second to minutes (the models are loaded once per process, the
first time). The service never runs that work on the request's own thread: every analysis, ad
hoc or of a stored story, is a :class:`Job` in one :class:`JobManager`, so that

* at most ``workers`` analyses run at once and at most ``max_pending`` wait or run (a full
  queue answers 429 instead of piling up threads and memory), of which at most
  ``max_per_client`` for any one client, so that one client flooding the queue gets 429 itself
  while the others still get their turn;
* a client can start one, go away, and ask for its state and progress (``GET /api/jobs/{id}``);
* the same story asked for twice while it is being reconciled is reconciled once (``key``).

Progress is what the work reports through the callback it gets (stage and fraction), and, inside
a stage that cannot count its steps (the reconciliation itself), an estimate from the time the
stage is expected to take; it never reaches 1 before the job is done.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from rashomon.errors import RashomonError

log = logging.getLogger("rashomon.service")

STATES = ("queued", "running", "done", "failed")


class QueueFull(Exception):
    """Raised by :meth:`JobManager.submit` when ``max_pending`` jobs wait or run already."""

    def __init__(self, pending: int) -> None:
        super().__init__(f"{pending} jobs pending")
        self.pending = pending


class ClientQueueFull(QueueFull):
    """Raised by :meth:`JobManager.submit` when the submitting client has ``max_per_client``
    jobs waiting or running already (the queue may have room for others)."""


class Progress:
    """What a job's work calls to say how far it is.

    ``progress.stage("Reconciling 2 reports", start=0.3, end=0.95, expected=4.0)`` enters a
    stage that covers the fraction 0.3..0.95 and is expected to take 4 seconds; reading the
    job's progress while in it interpolates by elapsed time (capped below the stage's end).
    """

    def __init__(self, job: Job) -> None:
        self._job = job

    def stage(
        self, name: str, *, start: float, end: float | None = None, expected: float | None = None
    ) -> None:
        job = self._job
        with job.lock:
            job.stage = name
            job.stage_start = max(job.stage_start, min(1.0, start))
            job.stage_end = max(job.stage_start, min(1.0, end if end is not None else start))
            job.stage_since = time.monotonic()
            job.stage_expected = expected

    def __call__(self, fraction: float, name: str | None = None) -> None:
        """Set the progress to ``fraction`` (0..1), optionally naming the stage."""
        self.stage(name or self._job.stage, start=fraction)


@dataclass(eq=False)
class Job:
    """One analysis: its state, progress and, once done, its result or its error."""

    id: str
    kind: str
    key: str | None = None
    state: str = "queued"
    stage: str = "waiting for a free worker"
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None
    result: Any = None
    error: dict[str, str] | None = None
    exception: BaseException | None = field(default=None, repr=False)
    meta: dict[str, Any] = field(default_factory=dict)
    client: str | None = field(default=None, repr=False)  # whose share of the queue it uses
    stage_start: float = 0.0
    stage_end: float = 0.0
    stage_since: float = field(default_factory=time.monotonic)
    stage_expected: float | None = None
    done_event: threading.Event = field(default_factory=threading.Event, repr=False)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def progress(self) -> float:
        """0..1; 1 only once the job is done."""
        with self.lock:
            if self.state == "done":
                return 1.0
            value = self.stage_start
            if self.stage_expected and self.stage_end > self.stage_start:
                value += (self.stage_end - self.stage_start) * _share(
                    time.monotonic() - self.stage_since, self.stage_expected
                )
            return round(min(0.99, value), 3)

    @property
    def finished_ok(self) -> bool:
        return self.state == "done"

    def to_dict(self) -> dict[str, Any]:
        """The job's state as the API shows it (the result is added by the caller)."""
        return {
            "id": self.id,
            "kind": self.kind,
            "state": self.state,
            "progress": self.progress,
            "stage": self.stage,
            "created": _iso(self.created),
            "started": _iso(self.started),
            "finished": _iso(self.finished),
            "seconds": round((self.finished or time.time()) - (self.started or self.created), 3)
            if self.started else None,
            "error": self.error,
            **({"meta": self.meta} if self.meta else {}),
        }


def _share(elapsed: float, expected: float) -> float:
    """How much of a stage is done after ``elapsed`` of an ``expected`` duration: linear to
    0.85 at the expected time, then creeping towards (never reaching) 0.99, so that a stage
    that runs long still shows movement and never claims to be finished."""
    if elapsed <= expected:
        return 0.85 * elapsed / expected
    return 0.85 + 0.14 * (1 - expected / elapsed)


def _iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


Work = Callable[[Progress], Any]


class JobManager:
    """Runs jobs on a bounded thread pool and keeps finished ones for ``ttl`` seconds."""

    def __init__(
        self, *, workers: int = 1, max_pending: int = 16, ttl: float = 3600.0,
        max_kept: int = 64, retry_after: float = 30.0, max_per_client: int | None = None,
    ) -> None:
        self.workers = max(1, workers)
        self.max_pending = max(1, max_pending)
        #: Default: a quarter of the queue; one client never takes more, the rest is the
        #: others'.
        self.max_per_client = max(1, max_per_client or self.max_pending // 4)
        self.ttl = ttl
        self.max_kept = max_kept
        self.retry_after = retry_after
        self._executor = ThreadPoolExecutor(
            max_workers=self.workers, thread_name_prefix="rashomon-job"
        )
        self._jobs: dict[str, Job] = {}
        self._by_key: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._closed = False

    # -- submitting ------------------------------------------------------------------------
    def submit(
        self, kind: str, work: Work, *, key: str | None = None,
        meta: dict[str, Any] | None = None, client: str | None = None,
    ) -> Job:
        """Queue ``work`` for ``client`` (any string naming who asks; None: nobody's share).

        With ``key``, a job with that key still queued or running is returned instead of
        starting another, and so is one that failed less than ``retry_after`` seconds ago (a
        page that reloads itself until its job is over must not start the same failing work
        again and again), whoever asked for it first. Raises :class:`QueueFull` when the queue
        is full, :class:`ClientQueueFull` when ``client`` has its share of it already.
        """
        with self._lock:
            if self._closed:
                raise RuntimeError("the job manager is shut down")
            self._purge()
            if key is not None:
                last = self._by_key.get(key)
                if last is not None and (
                    last.state in ("queued", "running")
                    or (last.state == "failed"
                        and time.time() - (last.finished or 0) < self.retry_after)
                ):
                    return last
            active = [j for j in self._jobs.values() if j.state in ("queued", "running")]
            if len(active) >= self.max_pending:
                raise QueueFull(len(active))
            if client is not None:
                mine = sum(1 for j in active if j.client == client)
                if mine >= self.max_per_client:
                    raise ClientQueueFull(mine)
            job = Job(id=secrets.token_urlsafe(12), kind=kind, key=key, meta=dict(meta or {}),
                      client=client)
            self._jobs[job.id] = job
            if key is not None:
                self._by_key[key] = job
            self._executor.submit(self._run, job, work)
            return job

    def _run(self, job: Job, work: Work) -> None:
        with job.lock:
            job.state = "running"
            job.started = time.time()
            job.stage = "starting"
        try:
            result = work(Progress(job))
        except RashomonError as exc:
            job.exception = exc
            self._fail(job, exc.code, exc.message)
        except Exception as exc:  # report it on the job; the log gets the traceback
            log.exception("job %s (%s) failed", job.id, job.kind)
            job.exception = exc
            crash = RashomonError("E099", reason=f"{type(exc).__name__}: {exc}"[:300])
            self._fail(job, crash.code, crash.message)
        else:
            with job.lock:
                job.result = result
                job.state = "done"
                job.stage = "done"
                job.finished = time.time()
        finally:
            job.done_event.set()

    @staticmethod
    def _fail(job: Job, code: str, message: str) -> None:
        with job.lock:
            job.error = {"code": code, "message": message}
            job.state = "failed"
            job.stage = "failed"
            job.finished = time.time()

    # -- reading ---------------------------------------------------------------------------
    def get(self, job_id: str) -> Job | None:
        with self._lock:
            self._purge()
            return self._jobs.get(job_id)

    def wait(self, job: Job, timeout: float | None) -> bool:
        """Wait up to ``timeout`` seconds for ``job`` to finish; True when it has."""
        return job.done_event.wait(timeout)

    def counts(self) -> dict[str, int]:
        with self._lock:
            out = dict.fromkeys(STATES, 0)
            for j in self._jobs.values():
                out[j.state] += 1
            return out

    def _purge(self) -> None:
        """Forget finished jobs older than ``ttl``, and the oldest beyond ``max_kept``."""
        now = time.time()
        finished = [j for j in self._jobs.values() if j.finished is not None]
        expired = {j.id for j in finished if now - (j.finished or now) > self.ttl}
        extra = len(finished) - len(expired) - self.max_kept
        if extra > 0:
            # Every job in ``finished`` has a time; ``or now`` only tells the type checker so.
            rest = sorted(
                (j for j in finished if j.id not in expired), key=lambda j: j.finished or now
            )
            expired |= {j.id for j in rest[:extra]}
        for job_id in expired:
            job = self._jobs.pop(job_id)
            if job.key is not None and self._by_key.get(job.key) is job:
                del self._by_key[job.key]

    def shutdown(self, *, wait: bool = False) -> None:
        """Stop taking jobs; queued ones are cancelled, running ones finish (``wait``)."""
        with self._lock:
            self._closed = True
        self._executor.shutdown(wait=wait, cancel_futures=True)
