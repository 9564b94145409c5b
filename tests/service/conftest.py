"""Fixtures for the web service tests: a temporary corpus, the quick stand-in reconciler,
clients on loopback and from elsewhere, and the real reconciler (slow, one per session)."""

from __future__ import annotations

import os
import shutil
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


# -- headless Chromium (Debian's), for the browser tests -------------------------------------
CHROMIUM = os.environ.get("RASHOMON_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def _unavailable(reason: str) -> None:
    if os.environ.get("RASHOMON_REQUIRE_BROWSER") == "1":
        pytest.fail(f"RASHOMON_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install playwright)")
    path = Path(CHROMIUM)
    if not (path.exists() or shutil.which(CHROMIUM)):
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    manager = sync_playwright().start()
    try:
        launched = manager.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as exc:
        manager.stop()
        _unavailable(f"Chromium did not start: {exc}")
    try:
        yield launched
    finally:
        launched.close()
        manager.stop()
