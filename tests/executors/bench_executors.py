"""Local against Ray: the same JSONL ingested into two fresh PostgreSQL schemas, articles/s.

    .venv/bin/python benchmarks/corpus_gen.py --data ../shared/data -n 2000 --out /tmp/a.jsonl
    RAY_ADDRESS=127.0.0.1:6390 .venv/bin/python tests/executors/bench_executors.py /tmp/a.jsonl

PostgreSQL: ``RASHOMON_TEST_POSTGRES_URL`` or a temporary server (as the tests make one). The
Ray cluster: ``$RAY_ADDRESS`` (else a one-node cluster in this process). Prints one JSON line per
executor and whether both gave the same stories (they must).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "corpus"))

from corpus_support import TempCluster, _pg_bindir, pg_schema

from rashomon.corpus.api import Corpus
from rashomon.executors import make_executor


def run(url: str, inputs: list[str], executor: Any) -> tuple[dict[str, Any], set[frozenset[str]]]:
    started = time.monotonic()
    with Corpus(url, executor=executor) as corpus:
        report = corpus.ingest(inputs, progress=False)
        stories = {frozenset(s.articles) for s in corpus.stories(limit=None)}
    wall = time.monotonic() - started
    data = report.to_dict()
    figures = {k: data[k] for k in ("executor", "nodes", "read", "new", "articles_per_second",
                                    "recluster_seconds")}
    figures["wall_s"] = round(wall, 2)
    return figures, stories


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("inputs", nargs="+")
    args = parser.parse_args()
    url = os.environ.get("RASHOMON_TEST_POSTGRES_URL", "").strip()
    cluster = None
    if not url:
        bindir = _pg_bindir()
        if bindir is None:
            raise SystemExit("no PostgreSQL: set RASHOMON_TEST_POSTGRES_URL")
        cluster = TempCluster(bindir)
        url = cluster.start()
    try:
        results = {}
        for name in ("local", "ray"):
            executor = make_executor(name)
            try:
                with pg_schema(url) as schema_url:
                    figures, stories = run(schema_url, args.inputs, executor)
            finally:
                executor.close()
            results[name] = stories
            print(json.dumps(figures), flush=True)
        print(json.dumps({"same_stories": results["local"] == results["ray"]}))
    finally:
        if cluster is not None:
            cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
