"""Scale benchmark: feature extraction + near-duplicate detection + online story clustering.

For each size, a synthetic corpus (``benchmarks/corpus_gen.py``, made from the real articles in
the shared data) is streamed through the ingest path one article at a time, as an ingest
command would: features (in batches of 256), MinHash signature, near-duplicate lookup, and, for
an article that is not a near-duplicate, online story assignment. A near-duplicate takes the
story of the article it copies. Each size runs in its own process so that peak memory
(``ru_maxrss``) is that size's alone.

Reported per size: end-to-end articles/second and ms/article (overall, and the median over
chunks of 1,000 articles), ms/article in the first and last tenth of the stream (whether cost
grows with the index), CPU time per article (``process_time``: what one core costs, less
sensitive than wall time to other work on the machine), the time per stage, peak resident
memory (and its growth over the process with the generated corpus loaded: the indexes), the
time to add one new article to the finished index (median of 25), and the online B-cubed F1
against the generator's gold stories.

    python benchmarks/bench_clustering.py --data ../shared/data --sizes 1000,10000
    python benchmarks/bench_clustering.py --data ../shared/data            # 10,000 and 100,000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus_gen import generate, load_seeds

from rashomon.corpus.clustering import StoryClusterer
from rashomon.corpus.dedup import NearDuplicateIndex
from rashomon.corpus.features import FeatureExtractor
from rashomon.evaluation.clustering import bcubed

BATCH = 256
CHUNK = 1000
PROBES = 25


def _rss_mb() -> float:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return 0.0


def run_size(n: int, data_dir: str, seed: int = 0) -> dict:
    seeds = load_seeds(data_dir)
    t0 = time.perf_counter()
    stream = list(generate(n + PROBES, data_dir, seed=seed, seeds=seeds))
    gen_seconds = time.perf_counter() - t0
    corpus, probes = stream[:n], stream[n:]
    baseline_mb = _rss_mb()  # the process with the generated corpus in memory
    extractor = FeatureExtractor()
    dedup = NearDuplicateIndex()
    clusterer = StoryClusterer()
    labels: dict[str, str] = {}
    stage = {"features": 0.0, "dedup": 0.0, "cluster": 0.0}
    chunk_times: list[float] = []
    duplicates = 0
    start = time.perf_counter()
    cpu_start = time.process_time()
    chunk_start = start
    for lo in range(0, n, BATCH):
        batch = [a for a, _ in corpus[lo : lo + BATCH]]
        t = time.perf_counter()
        features = extractor.extract(batch)
        stage["features"] += time.perf_counter() - t
        for article, feats in zip(batch, features, strict=True):
            t = time.perf_counter()
            original = dedup.add(article.id, dedup.signature(article.text))
            t2 = time.perf_counter()
            stage["dedup"] += t2 - t
            if original is not None:
                labels[article.id] = labels[original]
                duplicates += 1
            else:
                labels[article.id] = clusterer.add(feats)
            stage["cluster"] += time.perf_counter() - t2
        done = min(lo + BATCH, n)
        while len(chunk_times) < done // CHUNK:
            now = time.perf_counter()
            chunk_times.append(now - chunk_start)
            chunk_start = now
    total = time.perf_counter() - start
    cpu_total = time.process_time() - cpu_start
    # One new article at a time into the finished index.
    single = []
    for article, _ in probes:
        t = time.perf_counter()
        feats = extractor.extract([article])[0]
        original = dedup.add(article.id, dedup.signature(article.text))
        if original is None:
            clusterer.add(feats)
        single.append(time.perf_counter() - t)
    gold = [g for _, g in corpus]
    pred = [labels[a.id] for a, _ in corpus]
    quality = bcubed(pred, gold)
    tenth = max(1, len(chunk_times) // 10)
    per_chunk_ms = [1000 * c / CHUNK for c in chunk_times]
    return {
        "size": n,
        "articles_per_s": n / total,
        "ms_per_article": 1000 * total / n,
        "cpu_ms_per_article": 1000 * cpu_total / n,
        "load_average": os.getloadavg()[0],
        "median_chunk_ms_per_article": statistics.median(per_chunk_ms) if per_chunk_ms else None,
        "first_tenth_ms": statistics.mean(per_chunk_ms[:tenth]) if per_chunk_ms else None,
        "last_tenth_ms": statistics.mean(per_chunk_ms[-tenth:]) if per_chunk_ms else None,
        "stage_ms_per_article": {k: 1000 * v / n for k, v in stage.items()},
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "baseline_rss_mb": baseline_mb,
        "indexes_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - baseline_mb,
        "add_one_ms_median": 1000 * statistics.median(single),
        "duplicates": duplicates,
        "stories": len(set(pred)),
        "gold_stories": len(set(gold)),
        "bcubed": quality,
        "generate_seconds": gen_seconds,
        "seconds": total,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated corpus sizes")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(run_size(args.worker, args.data, args.seed)))
        return 0
    results = []
    for n in [int(s) for s in args.sizes.split(",") if s.strip()]:
        proc = subprocess.run(
            [
                sys.executable,
                __file__,
                "--data",
                args.data,
                "--seed",
                str(args.seed),
                "--worker",
                str(n),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return proc.returncode
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print_table(results[-1:], header=len(results) == 1)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


def print_table(results: list[dict], header: bool = True) -> None:
    if header:
        print(
            f"{'size':>8} {'art/s':>7} {'ms/art':>7} {'cpu ms':>7} {'med ms':>7} {'1st10%':>7}"
            f" {'last10%':>8}"
            f" {'feat':>6} {'dedup':>6} {'clust':>6} {'peak MB':>8} {'idx MB':>7} {'add1 ms':>8}"
            f" {'B3 F1':>6}"
        )
    for r in results:
        s = r["stage_ms_per_article"]
        print(
            f"{r['size']:>8} {r['articles_per_s']:>7.0f} {r['ms_per_article']:>7.2f}"
            f" {r['cpu_ms_per_article']:>7.2f}"
            f" {r['median_chunk_ms_per_article'] or 0:>7.2f} {r['first_tenth_ms'] or 0:>7.2f}"
            f" {r['last_tenth_ms'] or 0:>8.2f} {s['features']:>6.2f} {s['dedup']:>6.2f}"
            f" {s['cluster']:>6.2f} {r['peak_rss_mb']:>8.0f} {r['indexes_mb']:>7.0f}"
            f" {r['add_one_ms_median']:>8.2f}"
            f" {r['bcubed']['f1']:>6.3f}",
            flush=True,
        )


if __name__ == "__main__":
    raise SystemExit(main())
