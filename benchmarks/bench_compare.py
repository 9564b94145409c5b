"""Speed and memory of reconciling one story: model loading, then stories of 5 reports.

Targets (issue "Reconcile the reports of one story"), on a 2-core machine without a GPU:
a story of 5 reports of about 1,000 words each in at most 10 s once models are loaded, model
loading in at most 10 s, peak memory at most 2 GiB. Events and the timeline add at most 20 % to
the rest of the reconciliation, framing at most 15 % (medians of per-story ratios).

The stories are the five events of NewsWCL50 (five outlets each, from ``../shared/data``), each
report cut or topped up to about 1,000 words with its own text, so every story has 5 reports
of ~1,000 words. Every story is reconciled ``--repeats`` times with the embedding cache emptied
before each run (so nothing is reused between runs), and the medians are printed with the time
of each stage.

    python benchmarks/bench_compare.py [--data ../shared/data] [--repeats 3] [--device cpu]
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
from collections import defaultdict
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]

LOAD_SNIPPET = """
import time, os
os.environ.setdefault("HF_HUB_OFFLINE", "1")
t = time.perf_counter()
from rashomon.reconcile import Reconciler
Reconciler().load()
print(time.perf_counter() - t)
"""


def load_time(device: str) -> float:
    """Seconds to import rashomon and load the parser and the embedder, in a fresh process."""
    env = {**os.environ, "RASHOMON_DEVICE": device}
    out = subprocess.run(
        [sys.executable, "-c", LOAD_SNIPPET], capture_output=True, text=True, env=env,
        check=True, cwd=ROOT,
    )
    return float(out.stdout.strip().splitlines()[-1])


def stories(data: Path, words: int = 1000) -> dict[str, list]:
    from rashomon.model import Article

    rows = [json.loads(line) for line in (data / "newswcl50" / "articles.jsonl").open()]
    by_event: dict[str, list] = defaultdict(list)
    for row in rows:
        name = row["id"].split("/")[-1]
        text = (row.get("title") or "") + "\n" + row["text"]
        tokens = text.split(" ")
        while len(tokens) < words:  # top up short reports with their own text
            tokens += tokens[: words - len(tokens)]
        text = " ".join(tokens[:words])
        by_event[name.split("_")[0]].append(Article(id=name, text=text, source=row.get("source")))
    return dict(by_event)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--device", default=os.environ.get("RASHOMON_DEVICE", "cpu"))
    args = parser.parse_args(argv)
    os.environ["RASHOMON_DEVICE"] = args.device

    loads = [load_time(args.device) for _ in range(3)]
    from rashomon.reconcile import Reconciler

    reconciler = Reconciler().load()
    embedder = reconciler.embedder
    by_event = stories(Path(args.data))
    totals: list[float] = []
    stages: dict[str, list[float]] = defaultdict(list)
    facts = []
    for _ in range(args.repeats):
        for articles in by_event.values():
            embedder._cache.clear()  # nothing carried over from the previous run
            start = time.perf_counter()
            comparison = reconciler.compare(articles)
            totals.append(time.perf_counter() - start)
            for stage, seconds in comparison.timings.items():
                stages[stage].append(seconds)
            facts.append(len(comparison.facts))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    words = [len(a.text.split()) for arts in by_event.values() for a in arts]

    print(f"rashomon compare benchmark — device {args.device}, {os.cpu_count()} CPU cores")
    print(f"stories: {len(by_event)} × {args.repeats} runs, 5 reports each, "
          f"{statistics.median(words):.0f} words per report (median), "
          f"{statistics.median(facts):.0f} facts per story (median)")
    print(f"{'model loading (fresh process)':<34}{statistics.median(loads):>8.2f} s   "
          f"(target ≤ 10 s; runs: {', '.join(f'{x:.2f}' for x in loads)})")
    print(f"{'story of 5 reports, median':<34}{statistics.median(totals):>8.2f} s   "
          f"(target ≤ 10 s; max {max(totals):.2f} s)")
    for stage in ("parse", "entities", "facts", "embed", "align", "compare", "quotes", "brief",
                  "times", "events", "framing"):
        if stage in stages:
            print(f"  {stage:<32}{statistics.median(stages[stage]):>8.3f} s")
    # What events and the timeline, and framing, add to the reconciliation (ratios of medians).
    base = [
        t - sum(stages[s][i] for s in ("times", "events", "framing") if s in stages)
        for i, t in enumerate(stages["total"])
    ]
    for name, parts, target in (("events and timeline", ("times", "events"), 20),
                                ("framing", ("framing",), 15)):
        if all(p in stages for p in parts):
            added = [sum(stages[p][i] for p in parts) for i in range(len(base))]
            share = 100 * statistics.median(a / b for a, b in zip(added, base, strict=True))
            print(f"{name + ' add':<34}{share:>8.1f} %   (target ≤ {target} %)")
    print(f"{'peak memory (RSS)':<34}{peak_mb:>8.0f} MB  (target ≤ 2048 MB)")
    print(f"{'texts embedded per story':<34}{embedder.encoded / len(totals):>8.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
