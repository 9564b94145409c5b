"""Fixtures of the executor tests: the corpus tests' stores (SQLite and PostgreSQL) and a Ray
cluster (``$RAY_ADDRESS`` when set, as CI does; else a one-node cluster in this process)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "corpus"))

from corpus_support import postgres_url, store, store_url  # noqa: F401
from ray_support import ray_cluster  # noqa: F401
