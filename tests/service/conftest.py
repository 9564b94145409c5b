"""Fixtures for the web service tests: a temporary corpus, the quick stand-in reconciler,
clients on loopback and from elsewhere, and the real reconciler (slow, one per session)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from service_support import REMOTE, SentenceReconciler, make_app, make_client


@pytest.fixture
def corpus(tmp_path: Path) -> Iterator[Any]:
    from rashomon.corpus.api import Corpus

    opened = Corpus(tmp_path / "corpus.sqlite3")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def reconciler() -> SentenceReconciler:
    return SentenceReconciler()


@pytest.fixture
def app(corpus: Any, reconciler: SentenceReconciler) -> Any:
    return make_app(corpus, reconciler)


@pytest.fixture
def client(app: Any) -> Iterator[Any]:
    with make_client(app) as c:
        yield c


@pytest.fixture
def remote(app: Any) -> Iterator[Any]:
    with make_client(app, REMOTE, host="rashomon.example.org") as c:
        yield c


# -- the real models, once per session ----------------------------------------------------------
@pytest.fixture(scope="session")
def real_reconciler() -> Any:
    """The process-wide reconciler with its models loaded: shared by every slow test."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from rashomon.reconcile import default_reconciler

    return default_reconciler().load()


