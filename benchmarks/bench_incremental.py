"""Adding one article to a big store: latency, and what an ingest costs per article.

Builds (once; cached under ``--cache``, by default ``/tmp/rashomon-bench-incremental``) a SQLite
store of ``--size`` synthetic articles (``benchmarks/corpus_gen.py``, made from the real
articles of the shared data) with ``Corpus.ingest`` exactly as ``rashomon ingest folder/`` does,
the final regrouping included; then, on a fresh copy of that store, in a new process:

* ``reload``: opening the store and loading the indexes (clusterer snapshot, the articles after
  it, the stored memberships) before the first article is added;
* ``add``: ``Corpus.add_article`` of one new article (language, dedup, features, online story,
  one transaction), ``--probes`` times: p50 and p99;
* ``ingest1``: ``Corpus.ingest`` of a file of one new article (the same, plus regrouping the
  stories around it offline and committing that), ``--probes`` times: p50 and p99;
* ``snapshots``: how many times the clusterer snapshot was rewritten during the probes;
* peak resident memory of the build and of the probe process.

Targets (issue 11): p50 <= 50 ms and p99 <= 200 ms for adding one article to a store of 100,000;
>= 200 articles/s ingest at 100,000 on 2 cores, cost per article flat from 10,000 to 100,000.
One run; the figures are medians and percentiles of that run. Benchmarks print; tests never time.

    python benchmarks/bench_incremental.py --size 10000            # ~2 min the first time
    python benchmarks/bench_incremental.py --size 100000           # ~10 min the first time
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

FILE_LINES = 10_000  # articles per generated JSONL file (the readers refuse files over 20 MB)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(size: int, data_dir: str, seed: int, probes: int, folder: Path) -> dict[str, Any]:
    """Generate the corpus and the probe articles, ingest the corpus into a new store."""
    from bench_ingest import Clock
    from corpus_gen import generate

    from rashomon.corpus import ingest as ingest_module
    from rashomon.corpus.api import Corpus
    from rashomon.readers import iter_reports

    corpus_dir = folder / "corpus"
    corpus_dir.mkdir(parents=True)
    out = None
    probe_rows = []
    for i, (article, _story) in enumerate(generate(size + 4 * 2 * probes, data_dir, seed=seed)):
        if i >= size:
            # New reports only: a verbatim copy would just be looked up as already stored.
            if not article.meta.get("copy") and len(probe_rows) < 2 * probes + 1:
                probe_rows.append(article.to_dict())
            continue
        if i % FILE_LINES == 0:
            if out is not None:
                out.close()
            out = (corpus_dir / f"part-{i // FILE_LINES:04d}.jsonl").open("w", encoding="utf-8")
        assert out is not None
        out.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")
    if out is not None:
        out.close()
    (folder / "probes.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in probe_rows), encoding="utf-8"
    )
    kit = ingest_module.default_toolkit()
    clock = Clock(iter_reports, size)
    kit.read = clock
    corpus = Corpus(folder / "store.sqlite3", toolkit=kit)
    cpu0 = time.process_time()
    start = time.perf_counter()
    report = corpus.ingest([str(corpus_dir)], progress=False, recluster=False)
    online_end = time.perf_counter()
    tenths = clock.tenths_ms(online_end)
    settled = corpus.settle()
    end = time.perf_counter()
    cpu = time.process_time() - cpu0
    assert corpus.check() == []
    corpus.close()
    shutil.rmtree(corpus_dir)  # the store holds it now
    return {
        "size": size,
        "stored": report.new,
        "articles_per_s": size / (end - start),
        "online_articles_per_s": size / (online_end - start),
        "cpu_ms_per_article": 1000 * cpu / size,
        "tenths_ms": tenths,
        "regroup_seconds": end - online_end,
        "regroup_window": settled.recluster_window,
        "build_peak_rss_mb": _peak_mb(),
        "store_mb": (folder / "store.sqlite3").stat().st_size / 2**20,
    }


def probe(folder: Path, probes: int) -> dict[str, Any]:
    """Time adding single articles to a copy of the built store."""
    from rashomon.corpus.api import Corpus
    from rashomon.corpus.ingest import SNAPSHOT_KEY
    from rashomon.model import Article

    rows = [json.loads(line) for line in (folder / "probes.jsonl").read_text().splitlines()]
    articles = [Article(**r) for r in rows]
    with tempfile.TemporaryDirectory(prefix="rashomon-incremental-") as tmp:
        db = Path(tmp) / "store.sqlite3"
        shutil.copy(folder / "store.sqlite3", db)
        started = time.perf_counter()
        corpus = Corpus(db)
        with corpus.store.writer_lock():
            corpus.ingestor.indexes.catch_up()
        reload_s = time.perf_counter() - started
        snapshot_before = corpus.store.get_state(SNAPSHOT_KEY)
        writes = 0
        # The first article loads what is loaded lazily (the language detector, the embedding
        # model): timed apart, so that the percentiles are of a warm process.
        t = time.perf_counter()
        corpus.add_article(articles[2 * probes])
        first_add_s = time.perf_counter() - t
        adds: list[float] = []
        statuses: dict[str, int] = {}
        for article in articles[:probes]:
            t = time.perf_counter()
            outcome = corpus.add_article(article)
            adds.append(time.perf_counter() - t)
            # The generator may repeat a text (then it is found stored: still a full add).
            assert outcome.status in ("new", "near_duplicate", "duplicate"), outcome
            statuses[outcome.status] = statuses.get(outcome.status, 0) + 1
        ingests: list[float] = []
        windows: list[int] = []  # originals each ingest regrouped
        one = Path(tmp) / "one.jsonl"
        last = snapshot_before[1] if snapshot_before else None
        for article in articles[probes : 2 * probes]:
            one.write_text(json.dumps(article.to_dict(), ensure_ascii=False) + "\n",
                           encoding="utf-8")
            t = time.perf_counter()
            report = corpus.ingest([str(one)], progress=False)
            ingests.append(time.perf_counter() - t)
            windows.append(report.recluster_window)
            assert report.new + report.duplicate == 1, report.to_dict()
            state = corpus.store.get_state(SNAPSHOT_KEY)
            if state is not None and state[1] != last:
                writes += 1
                last = state[1]
        assert corpus.check() == []
        corpus.close()

    def pct(values: list[float], q: float) -> float:
        return 1000 * float(np.percentile(values, q)) if values else float("nan")

    return {
        "reload_s": reload_s,
        "first_add_s": first_add_s,
        "add_p50_ms": pct(adds, 50),
        "add_p99_ms": pct(adds, 99),
        "ingest1_p50_ms": pct(ingests, 50),
        "ingest1_p99_ms": pct(ingests, 99),
        "probes": len(adds),
        "add_ms": [round(1000 * x, 1) for x in adds],
        "ingest1_ms": [round(1000 * x, 1) for x in ingests],
        "ingest1_windows": windows,
        "add_outcomes": statuses,
        "snapshot_writes": writes,
        "probe_peak_rss_mb": _peak_mb(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(HERE.parent.parent / "shared" / "data"))
    parser.add_argument("--size", type=int, default=10_000, help="articles in the store")
    parser.add_argument("--probes", type=int, default=50, help="single articles, per kind")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache", default="/tmp/rashomon-bench-incremental",
                        help="where built stores are kept between runs (outside the repo)")
    parser.add_argument("--rebuild", action="store_true", help="ignore a cached store")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--step", choices=("build", "probe"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    folder = Path(args.cache) / f"{args.size}-{args.seed}-{args.probes}"
    if args.step == "build":
        figures = build(args.size, args.data, args.seed, args.probes, folder)
        (folder / "build.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
        return 0
    if args.step == "probe":
        print(json.dumps(probe(folder, args.probes)))
        return 0
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    if args.rebuild or not (folder / "build.json").is_file():
        shutil.rmtree(folder, ignore_errors=True)
        # Each step in its own process, so that peak memory is that step's alone.
        subprocess.run([sys.executable, __file__, "--step", "build", "--size", str(args.size),
                        "--probes", str(args.probes), "--seed", str(args.seed),
                        "--data", args.data, "--cache", args.cache], check=True, env=env)
    built = json.loads((folder / "build.json").read_text(encoding="utf-8"))
    proc = subprocess.run([sys.executable, __file__, "--step", "probe", "--size", str(args.size),
                           "--probes", str(args.probes), "--seed", str(args.seed),
                           "--cache", args.cache], check=True, env=env, capture_output=True,
                          text=True)
    probed = json.loads(proc.stdout.strip().splitlines()[-1])
    figures = {**built, **probed}
    tenths = " ".join(f"{t:.1f}" for t in figures["tenths_ms"])
    print(f"store of {figures['size']:,} articles ({figures['store_mb']:.0f} MB): ingest "
          f"{figures['articles_per_s']:.0f} art/s with the final regrouping "
          f"({figures['online_articles_per_s']:.0f} before it; regrouping "
          f"{figures['regroup_seconds']:.1f} s), cpu {figures['cpu_ms_per_article']:.2f} ms/art, "
          f"ms/art by tenth {tenths}, build peak {figures['build_peak_rss_mb']:.0f} MB")
    print(f"reload {figures['reload_s']:.1f} s, first add {figures['first_add_s']:.1f} s; "
          f"add one article: p50 "
          f"{figures['add_p50_ms']:.1f} ms, p99 {figures['add_p99_ms']:.1f} ms; ingest of a "
          f"one-article file: p50 {figures['ingest1_p50_ms']:.1f} ms, p99 "
          f"{figures['ingest1_p99_ms']:.1f} ms ({figures['probes']} of each); snapshot "
          f"rewrites {figures['snapshot_writes']}; "
          f"probe peak {figures['probe_peak_rss_mb']:.0f} MB")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
