"""Throughput of the two neural models on a device: sentences embedded per second (all-MiniLM-
L6-v2) and sentence pairs judged per second (the entailment cross-encoder).

The device is a parameter (``--device auto|cpu|cuda``), as for every command. On a GPU both
models run in fp16 (``embeddings.half_precision``), on the CPU the embedder in fp32 and the
judge in int8. Inputs are batched by length (longest first for the embedder, by pair length for
the judge), so that little of each batch is padding.

The sentences are real news sentences (NewsWCL50 from ``--data`` when it is there, else the
founding example, repeated), each made unique so that the embedder's cache never answers; the
pairs are neighbouring sentences. Prints the load time of each model, the rate at each batch
size asked for, and on a GPU its peak memory.

    python benchmarks/bench_gpu.py [--device auto] [--sentences 4000] [--pairs 2000]
        [--batch-sizes 32,64,128] [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]


def news_sentences(data: Path, count: int) -> list[str]:
    """``count`` distinct sentences of real news (numbered copies when the text runs out)."""
    texts: list[str] = []
    articles = data / "newswcl50" / "articles.jsonl"
    if articles.is_file():
        texts = [json.loads(line)["text"] for line in articles.open(encoding="utf-8")]
    else:
        texts = [p.read_text(encoding="utf-8") for p in (ROOT / "examples").glob("*/*.txt")]
    found = [s.strip() for t in texts for s in re.split(r"(?<=[.!?])\s+", t)
             if len(s.split()) >= 6]  # fmt: skip
    return [f"{found[i % len(found)]} ({i})" for i in range(count)]


def rate(work, items: int) -> float:
    began = time.perf_counter()
    work()
    return items / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="auto")
    parser.add_argument("--sentences", type=int, default=4000)
    parser.add_argument("--pairs", type=int, default=2000)
    parser.add_argument("--batch-sizes", default="32,64,128")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()

    import torch

    from rashomon.backends.embeddings import (
        SentenceTransformerEmbedder,
        half_precision,
        resolve_device,
    )
    from rashomon.backends.nli import BUNDLED_MODEL, CrossEncoderJudge

    device = resolve_device(args.device)
    sizes = [int(b) for b in args.batch_sizes.split(",")]
    sentences = news_sentences(args.data, args.sentences + args.pairs + 1)
    name = torch.cuda.get_device_name(0) if device.startswith("cuda") else "CPU"
    print(f"device {device} ({name}); torch {torch.__version__}, {torch.get_num_threads()} "
          f"CPU threads; fp16: {half_precision(device)}")  # fmt: skip

    began = time.perf_counter()
    embedder = SentenceTransformerEmbedder(device=device)
    print(f"embedder loaded in {time.perf_counter() - began:.1f} s")
    embedder.encode(sentences[:64])  # warm-up
    texts = sentences[: args.sentences]
    for size in sizes:
        embedder.batch_size = size
        embedder._cache.clear()  # every sentence through the model
        print(f"  embed  batch {size:4}: {rate(lambda: embedder.encode(texts), len(texts)):8.0f}"
              " sentences/s")  # fmt: skip

    began = time.perf_counter()
    judge = CrossEncoderJudge(BUNDLED_MODEL, device=device)
    print(f"judge loaded in {time.perf_counter() - began:.1f} s "
          f"({'int8' if not judge.pools else next(judge.model.parameters()).dtype})")  # fmt: skip
    pairs = [(sentences[i], sentences[i + 1]) for i in range(args.pairs)]
    judge.judge(pairs[:32])  # warm-up
    for size in sizes:
        judge.batch_size = size
        print(f"  judge  batch {size:4}: {rate(lambda: judge.judge(pairs), len(pairs)):8.0f}"
              " pairs/s")  # fmt: skip
    if device.startswith("cuda"):
        print(f"GPU peak memory {torch.cuda.max_memory_allocated() / 2**20:.0f} MiB")


if __name__ == "__main__":
    main()
