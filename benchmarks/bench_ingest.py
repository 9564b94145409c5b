"""End-to-end ingest benchmark: the real ``Corpus`` on SQLite, from a JSONL file to stories.

For each size, a synthetic corpus (``benchmarks/corpus_gen.py``, made from the real articles in
the shared data, with gold story ids) is written to JSONL files of 10,000 articles in a
temporary folder and ingested with ``Corpus.ingest`` exactly as ``rashomon ingest folder/``
does: reading the
JSONL, language check, near-duplicate detection, features, online clustering and the store's
writes, in batches of 64, one transaction each; then the re-clustering of the affected window
that ends every ingest (timed on its own, so that the online grouping can be scored too). Each
size runs in its own process, so that peak memory (``ru_maxrss``) is that size's alone.

Reported per size:

* ``art/s``: articles per second of the whole ingest, final re-clustering included;
  ``cpu ms``: the process's CPU time per article (less sensitive to other load than wall time);
* ``online``: articles per second before the re-clustering; ``recl s``: the re-clustering;
* ``ms/art by tenth``: the cost per article in each tenth of the stream (does it grow?);
* ``peak MB``: peak resident memory of the process;
* ``add1 ms``: the time to add ONE new article to the finished store (``Corpus.add_article``:
  language, dedup, features, online assignment, one transaction), median of 9; ``ingest1 s``:
  the time of ``Corpus.ingest`` of a one-article file, which adds the window re-clustering
  (the clusterer snapshot is only rewritten when due, see ``ingest.COMPACT_RATIO``; median
  of 3; ``benchmarks/bench_incremental.py`` measures percentiles over more probes);
* ``B3 F1``: B-cubed F1 of ``Corpus.stories()`` against the generator's gold stories, online
  and after the re-clustering (every article, near-duplicates included).

    python benchmarks/bench_ingest.py --data ../shared/data --sizes 1000,10000   # ~2 min
    python benchmarks/bench_ingest.py --data ../shared/data                       # + 100,000
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

PROBES = 9  # single articles added to the finished store
INGEST_PROBES = 3  # one-article files ingested into it
FILE_LINES = 10_000  # articles per generated JSONL file


class Clock:
    """Wraps the reader so that the time at which each tenth of the stream is reached is
    known: ingest pulls articles from the reader batch by batch, so the time between two marks
    is what the articles in between cost (reading, dedup, features, clustering, writes)."""

    def __init__(self, read: Any, total: int) -> None:
        self.read = read
        self.total = total
        self.marks: list[float] = []
        self.count = 0

    def __call__(self, inputs: Any, **kwargs: Any) -> Iterator[Any]:
        step = max(1, self.total // 10)
        self.marks = [time.perf_counter()]
        for result in self.read(inputs, **kwargs):
            yield result
            self.count += 1
            if self.count % step == 0 and len(self.marks) <= 10:
                self.marks.append(time.perf_counter())

    def tenths_ms(self, end: float) -> list[float]:
        """ms per article in each tenth; the last tenth ends when the online pass ended."""
        marks = [*self.marks[:10], end]
        step = max(1, self.total // 10)
        return [1000 * (b - a) / step for a, b in itertools.pairwise(marks)]


def _write_corpus(n: int, data_dir: str, seed: int, folder: Path) -> tuple[Path, list, dict]:
    from corpus_gen import generate

    # Files of FILE_LINES articles (about 10 MB): the readers refuse a file over 20 MB.
    path = folder / "corpus"
    path.mkdir()
    gold: dict[str, str] = {}
    probes = []
    out = None
    extra = 4 * (PROBES + INGEST_PROBES)
    for i, (article, story) in enumerate(generate(n + extra, data_dir, seed=seed)):
        if i >= n:
            # The probes are new reports, not verbatim copies (those are only looked up).
            if not article.meta.get("copy") and len(probes) < PROBES + INGEST_PROBES:
                probes.append((article, story))
            continue
        if i % FILE_LINES == 0:
            if out is not None:
                out.close()
            out = (path / f"part-{i // FILE_LINES:04d}.jsonl").open("w", encoding="utf-8")
        assert out is not None
        out.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")
        gold[article.id] = story
    if out is not None:
        out.close()
    return path, probes, gold


def _bcubed(corpus: Any, gold: dict[str, str]) -> float:
    from rashomon.evaluation.clustering import bcubed

    pred = {a: s.id for s in corpus.stories(limit=None) for a in s.articles}
    # Every stored article is in exactly one story; exact copies of a text (the generator's
    # verbatim wire copies) are not stored twice, so they are not scored.
    assert len(pred) == corpus.store.count_articles(), "an article is in no story"
    ids = sorted(pred)
    return bcubed([pred[i] for i in ids], [gold[i] for i in ids])["f1"]


def run_size(n: int, data_dir: str, seed: int = 0) -> dict[str, Any]:
    from rashomon.corpus import ingest as ingest_module
    from rashomon.corpus.api import Corpus

    with tempfile.TemporaryDirectory(prefix="rashomon-bench-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        path, probes, gold = _write_corpus(n, data_dir, seed, folder)
        generate_seconds = time.perf_counter() - t0
        kit = ingest_module.default_toolkit()
        from rashomon.readers import iter_reports

        clock = Clock(iter_reports, n)
        kit.read = clock
        db = folder / "corpus.sqlite3"
        corpus = Corpus(db, toolkit=kit)
        cpu0 = time.process_time()
        start = time.perf_counter()
        report = corpus.ingest([str(path)], progress=False, recluster=False)
        online_end = time.perf_counter()
        tenths = clock.tenths_ms(online_end)
        online_f1 = _bcubed(corpus, gold)
        scored = time.perf_counter()
        settled = corpus.settle()
        end = time.perf_counter()
        cpu = time.process_time() - cpu0
        settled_f1 = _bcubed(corpus, gold)
        # The ingest's own time, without the scoring in between.
        total = (online_end - start) + (end - scored)
        # Verbatim copies are skipped as already stored; the generator makes a rare empty text.
        assert report.new + report.duplicate + report.failed == n, report.to_dict()
        assert not report.skipped and report.failed <= n // 500, report.failures[:3]
        assert corpus.check() == []
        stories = corpus.count_stories()
        # One new article at a time into the finished store.
        from rashomon.model import Article

        adds = []
        for article, _ in probes[:PROBES]:
            t = time.perf_counter()
            outcome = corpus.add_article(article)
            adds.append(time.perf_counter() - t)
            assert outcome.status in ("new", "near_duplicate"), outcome
        ingests = []
        for k, (article, _) in enumerate(probes[PROBES:]):
            one = folder / f"one-{k}.jsonl"
            one.write_text(json.dumps(Article.to_dict(article), ensure_ascii=False) + "\n",
                           encoding="utf-8")
            t = time.perf_counter()
            assert corpus.ingest([str(one)], progress=False).new == 1
            ingests.append(time.perf_counter() - t)
        corpus.close()
        db_mb = sum(p.stat().st_size for p in folder.glob("corpus.sqlite3*")) / 2**20
    return {
        "size": n,
        "articles_per_s": n / total,
        "online_articles_per_s": n / (online_end - start),
        "ms_per_article": 1000 * total / n,
        "cpu_ms_per_article": 1000 * cpu / n,
        "recluster_seconds": end - scored,
        "recluster_window": settled.recluster_window,
        "tenths_ms": tenths,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "db_mb": db_mb,
        "add_one_ms_median": 1000 * statistics.median(adds),
        "ingest_one_s_median": statistics.median(ingests),
        "stored": report.new,
        "exact_copies": report.duplicate,
        "near_duplicates": report.near_duplicate,
        "stories": stories,
        "gold_stories": len(set(gold.values())),
        "bcubed_f1_online": online_f1,
        "bcubed_f1": settled_f1,
        "generate_seconds": generate_seconds,
        "seconds": total,
        "load_average": os.getloadavg()[0],
    }


def machine() -> str:
    """One line about where the figures were taken."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 2**20:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return (f"{os.cpu_count()} cores ({cpu}){memory}, Python {platform.python_version()}, "
            f"load average {os.getloadavg()[0]:.1f} at the end")


def print_table(results: Iterable[dict[str, Any]], header: bool = True) -> None:
    if header:
        print(f"{'size':>7} {'art/s':>6} {'cpu ms':>6} {'online':>7} {'recl s':>7}"
              f" {'ms/art by tenth (1st .. 10th)':<46} {'peak MB':>8} {'add1 ms':>8}"
              f" {'ingest1 s':>9} {'B3 online':>9} {'B3 F1':>6}")
    for r in results:
        tenths = " ".join(f"{t:.1f}" for t in r["tenths_ms"])
        print(f"{r['size']:>7} {r['articles_per_s']:>6.0f} {r['cpu_ms_per_article']:>6.2f}"
              f" {r['online_articles_per_s']:>7.0f}"
              f" {r['recluster_seconds']:>7.1f} {tenths:<46} {r['peak_rss_mb']:>8.0f}"
              f" {r['add_one_ms_median']:>8.1f} {r['ingest_one_s_median']:>9.2f}"
              f" {r['bcubed_f1_online']:>9.3f} {r['bcubed_f1']:>6.3f}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=str(HERE.parent.parent / "shared" / "data"))
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="comma-separated corpus sizes (default 1000,10000,100000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--table", help="print the table of a --json file and stop")
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.table:
        print_table(json.loads(Path(args.table).read_text(encoding="utf-8")))
        return 0
    if args.worker:
        print(json.dumps(run_size(args.worker, args.data, args.seed)))
        return 0
    print(machine(), flush=True)
    results = []
    for n in [int(s) for s in args.sizes.split(",") if s.strip()]:
        proc = subprocess.run(
            [sys.executable, __file__, "--data", args.data, "--seed", str(args.seed),
             "--worker", str(n)],
            capture_output=True, text=True, check=False,
            env=dict(os.environ, HF_HUB_OFFLINE="1"),
        )
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return proc.returncode
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print_table(results[-1:], header=len(results) == 1)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
