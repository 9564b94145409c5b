"""The corpus steps an executor maps over batches: feature extraction and story reconciliation.

Both are plain picklable objects: what they hold travels to each worker once, and ``setup()``
loads the models there (the embedder of the feature extractor, the reconciler's models), once
per worker. Results go back to the driver, which commits them (one transaction per batch for
ingest, one cache row per story for reconciliation).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rashomon.model import Article, Comparison


@dataclass(slots=True)
class Extracted:
    """The features of one article, or why they could not be computed."""

    id: str
    features: Any = None
    error: str | None = None


def _die_once(marker: str | None) -> None:
    """Test hook: the first worker to get here exits hard, once (``marker`` is a file path
    that records that it happened); stands for a worker killed mid-batch."""
    if marker and not Path(marker).exists():
        Path(marker).write_text(str(os.getpid()))
        os._exit(1)


class ExtractFeatures:
    """Articles -> their features, batched; one article that breaks the extractor fails alone.

    ``extractor``: has ``extract(articles) -> list[features]``; or ``make_extractor``, called
    by ``setup()`` on the worker (for an extractor holding a model that should not be shipped).
    ``die_once``: a test hook (see :func:`_die_once`).
    """

    def __init__(
        self, extractor: Any = None, *, make_extractor: Callable[[], Any] | None = None,
        die_once: str | None = None,
    ) -> None:
        if extractor is None and make_extractor is None:
            raise ValueError("give an extractor or make_extractor")
        self.extractor = extractor
        self.make_extractor = make_extractor
        self.die_once = die_once

    def setup(self) -> None:
        if self.extractor is None and self.make_extractor is not None:
            self.extractor = self.make_extractor()

    def __call__(self, articles: Sequence[Article]) -> list[Extracted]:
        _die_once(self.die_once)
        if not articles:
            return []
        try:
            return [Extracted(f.id, f) for f in self.extractor.extract(list(articles))]
        except Exception:  # retried one article at a time below, to name the culprit
            pass
        found: list[Extracted] = []
        for article in articles:
            try:
                found += [Extracted(f.id, f) for f in self.extractor.extract([article])]
            except Exception as exc:
                reason = f"features could not be extracted ({type(exc).__name__}: {exc})"
                found.append(Extracted(article.id, error=reason))
        return found


def default_reconciler() -> Any:
    """rashomon's reconciler (models loaded on first use, on the worker)."""
    from rashomon.reconcile import Reconciler

    return Reconciler()


class ReconcileStories:
    """A batch of stories (each a list of its articles) -> their comparisons, in order.

    ``make_reconciler`` builds the object with ``compare(articles) -> Comparison`` once per
    worker (default: :class:`rashomon.reconcile.Reconciler`); ``die_once``: a test hook.
    """

    def __init__(
        self, make_reconciler: Callable[[], Any] = default_reconciler, *,
        die_once: str | None = None,
    ) -> None:
        self.make_reconciler = make_reconciler
        self.die_once = die_once
        self.reconciler: Any = None

    def setup(self) -> None:
        if self.reconciler is None:
            self.reconciler = self.make_reconciler()

    def __call__(self, stories: Sequence[Sequence[Article]]) -> list[Comparison]:
        _die_once(self.die_once)
        return [self.reconciler.compare(list(articles)) for articles in stories]
