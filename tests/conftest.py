"""Fixtures shared by the whole suite: the bundled example and models loaded once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "petro-trump"
EXAMPLE_FILES = sorted(EXAMPLE.glob("*.txt"))
SHARED_DATA = Path(os.environ.get("RASHOMON_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def example_articles():
    from rashomon.model import Article

    return [Article(id=p.name, text=p.read_text("utf-8"), origin=str(p)) for p in EXAMPLE_FILES]


@pytest.fixture(scope="session")
def nlp():
    from rashomon.backends.parser import default_parser

    return default_parser()


@pytest.fixture(scope="session")
def reconciler():
    from rashomon.reconcile import default_reconciler

    return default_reconciler().load()


@pytest.fixture(scope="session")
def example_comparison(reconciler, example_articles):
    return reconciler.compare(example_articles)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"the shared data folder is missing ({SHARED_DATA})")
    return SHARED_DATA
