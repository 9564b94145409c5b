"""Web service benchmark: the story list and a story page on a corpus of 10,000 articles.

1. **Store.** A synthetic corpus (``benchmarks/corpus_gen.py``: the real articles of the shared
   data, rewritten the way outlets do, grouped into stories of heavy-tailed sizes) is added
   through the Corpus API into a fresh SQLite store (the real ingest path: features,
   near-duplicates, clustering). ``--reuse`` keeps a store built before.
2. **Cache.** A few stories of 2-6 reports are reconciled once with the real models, as
   ``rashomon story`` would; their pages are then served from the corpus cache.
3. **Server.** ``rashomon serve`` runs in its own process on 127.0.0.1 (one uvicorn worker,
   models not loaded: a cached story needs none).
4. **Load.** A second process sends ``--requests`` requests per scenario from ``--concurrency``
   connections (httpx, asyncio), each scenario bounded by ``--duration`` seconds, after a
   warm-up pass over every address. It reports requests/second and latency p50/p90/p99.

Scenarios: ``list`` (the story list page, first pages and deeper ones), ``list-api`` (the same
as JSON), ``search`` (the list page with a search), ``story`` (a story's page, reconciliation
cached), ``story-api`` (its reconciliation as JSON).

    python benchmarks/bench_service.py --data ../shared/data -n 10000
    python benchmarks/bench_service.py --reuse --store /tmp/rashomon-bench.sqlite3

Loopback only; every loop is bounded by a count and a time limit.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

SEARCH_WORDS = ["earthquake", "president", "police", "election", "fire", "court", "minister",
                "storm", "army", "strike", "ship", "bank"]


# -- the store ------------------------------------------------------------------------------------
def build_store(path: Path, n: int, data_dir: str, seed: int) -> dict[str, Any]:
    """Generate ``n`` articles and add them through the Corpus API, in batches."""
    from corpus_gen import generate

    from rashomon.corpus.api import Corpus

    if path.exists():
        path.unlink()
    started = time.perf_counter()
    articles = [a for a, _ in generate(n, data_dir, seed=seed)]
    generated = time.perf_counter() - started
    started = time.perf_counter()
    outcomes: dict[str, int] = {}
    with Corpus(path) as corpus:
        for k in range(0, len(articles), 500):
            for o in corpus.add_articles(articles[k:k + 500]):
                outcomes[o.status] = outcomes.get(o.status, 0) + 1
        stories = corpus.count_stories()
    return {"articles": n, "stories": stories, "outcomes": outcomes,
            "generate_s": round(generated, 1), "ingest_s": round(time.perf_counter() - started, 1)}


def cache_stories(path: Path, count: int) -> tuple[list[str], float]:
    """Reconcile ``count`` stories of 2-6 reports (the real models), filling the cache."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from rashomon.corpus.api import Corpus, members_hash

    started = time.perf_counter()
    chosen: list[str] = []
    with Corpus(path) as corpus:
        for story in corpus.stories(limit=2000):
            if len(chosen) >= count:
                break
            if 2 <= story.size <= 6:
                corpus.compare_story(story.id)
                members = corpus.store.story_articles(story.id)
                assert corpus.store.cached_comparison(story.id, members_hash(members))
                chosen.append(story.id)
    return chosen, time.perf_counter() - started


# -- the server -----------------------------------------------------------------------------------
def start_server(path: Path, port: int) -> subprocess.Popen[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "RASHOMON_API_TOKEN": "bench-token"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "rashomon", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--db", str(path), "--no-preload", "--log-level", "error"],
        cwd=HERE.parent, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server stopped: {proc.stderr.read() if proc.stderr else ''}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2)
            return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not come up in 60 s")


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- the load generator (runs in its own process: --client) -------------------------------------
def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


async def _load(base: str, paths: list[str], requests: int, concurrency: int,
                duration: float) -> dict[str, Any]:
    import httpx

    latencies: list[float] = []
    errors = 0
    sent = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        for path in dict.fromkeys(paths):  # warm-up: every address once
            await client.get(path)
        rng = random.Random(0)
        deadline = time.perf_counter() + duration
        started = time.perf_counter()

        async def worker() -> None:
            nonlocal sent, errors
            while sent < requests and time.perf_counter() < deadline:
                sent += 1
                path = rng.choice(paths)
                t0 = time.perf_counter()
                try:
                    response = await client.get(path)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - t0)
                errors += not ok

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    ms = [x * 1000 for x in latencies]
    return {
        "requests": len(ms), "errors": errors, "seconds": round(elapsed, 2),
        "rps": round(len(ms) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(ms, 50), 1), "p90_ms": round(percentile(ms, 90), 1),
        "p99_ms": round(percentile(ms, 99), 1), "mean_ms": round(statistics.fmean(ms), 1)
        if ms else None,
    }


def client_main(args: argparse.Namespace) -> int:
    paths = json.loads(args.paths)
    result = asyncio.run(_load(args.base, paths, args.requests, args.concurrency, args.duration))
    print(json.dumps(result))
    return 0


def run_client(base: str, paths: list[str], args: argparse.Namespace) -> dict[str, Any]:
    """The load, from a second process (so that client and server do not share a GIL)."""
    done = subprocess.run(
        [sys.executable, __file__, "--client", "--base", base, "--paths", json.dumps(paths),
         "--requests", str(args.requests), "--concurrency", str(args.concurrency),
         "--duration", str(args.duration)],
        capture_output=True, text=True, timeout=args.duration + 120, check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- main -----------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="../shared/data")
    parser.add_argument("-n", type=int, default=10_000, help="articles in the store")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--store", default="/tmp/rashomon-bench-service.sqlite3")
    parser.add_argument("--reuse", action="store_true", help="keep a store built before")
    parser.add_argument("--stories", type=int, default=8, help="stories to reconcile and load")
    parser.add_argument("--requests", type=int, default=2000, help="requests per scenario")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=60.0,
                        help="seconds per scenario, at most")
    parser.add_argument("--out", help="write the results as JSON here")
    parser.add_argument("--client", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    parser.add_argument("--paths", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.client:
        return client_main(args)

    store = Path(args.store)
    results: dict[str, Any] = {"config": {"articles": args.n, "requests": args.requests,
                                          "concurrency": args.concurrency,
                                          "duration": args.duration}}
    if not (args.reuse and store.exists()):
        print(f"building a store of {args.n} articles at {store} ...", file=sys.stderr)
        results["store"] = build_store(store, args.n, args.data, args.seed)
        print(f"  {results['store']}", file=sys.stderr)
    print(f"reconciling {args.stories} stories (real models) ...", file=sys.stderr)
    story_ids, seconds = cache_stories(store, args.stories)
    results["cache"] = {"stories": story_ids, "seconds": round(seconds, 1)}
    from rashomon.corpus.api import Corpus

    with Corpus(store) as corpus:
        total = corpus.count_stories()
        articles = corpus.store.count_articles()
    results["store_size"] = {"articles": articles, "stories": total}
    pages = max(1, total // 20)
    deep = sorted({1, 2, 3, 5, 10, 50, pages // 2, pages} - {0})
    scenarios = {
        "list": ["/"] + [f"/?page={p}" for p in deep],
        "list-api": [f"/api/stories?limit=20&offset={(p - 1) * 20}" for p in deep],
        "search": [f"/?q={w}" for w in SEARCH_WORDS],
        "story": [f"/stories/{s}" for s in story_ids],
        "story-api": [f"/api/stories/{s}/comparison" for s in story_ids],
    }
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(store, port)
    try:
        for name, paths in scenarios.items():
            print(f"load: {name} ({len(paths)} addresses) ...", file=sys.stderr)
            results[name] = run_client(base, paths, args)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    print(f"\n{articles} articles, {total} stories; {args.concurrency} connections, "
          f"up to {args.requests} requests or {args.duration:.0f} s per scenario\n")
    print(f"{'scenario':<10} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} "
          f"{'requests':>9} {'errors':>7}")
    for name in scenarios:
        r = results[name]
        print(f"{name:<10} {r['rps']:>8} {r['p50_ms']:>8} {r['p90_ms']:>8} {r['p99_ms']:>8} "
              f"{r['requests']:>9} {r['errors']:>7}")
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
