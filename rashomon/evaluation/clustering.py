"""Evaluation of story clustering and article-pair similarity on the shared data sets.

Run ``python -m rashomon.evaluation.clustering --data ../shared/data`` (or call :func:`run`).
Every figure comes from the defaults of :class:`~rashomon.corpus.clustering.StoryClusterer` and
:class:`~rashomon.corpus.features.FeatureExtractor`; nothing here is tuned per data set.

* ECB+ (validation split, 308 documents, 26 events in 13 topics, no dates): B-cubed and pairwise
  precision/recall/F1 of the online clustering (file order and shuffled orders, mean) and of the
  offline :meth:`~StoryClusterer.recluster`. The number of stories is never given.
* NewsWCL50 (25 documents, 5 events): whether each event comes out as one story and whether any
  two events are merged.
* SemEval-2022 Task 8 sample: Pearson correlation of the pair similarity with ``Overall``.
  ``Overall`` runs from 1 (same story) to 4 (unrelated), so a good similarity correlates
  *negatively*; the figure reported is ``r(similarity, -Overall)``, positive when good.
* Lee et al. 2005: Pearson correlation with the 50 x 50 human similarity matrix (upper triangle,
  1,225 pairs), with document frequencies from the 50 documents and the 300 background ones.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from rashomon.corpus.clustering import StoryClusterer
from rashomon.corpus.features import ArticleFeatures, FeatureExtractor
from rashomon.errors import InputError, RashomonError
from rashomon.model import Article

N_SHUFFLES = 5


# -- metrics --------------------------------------------------------------------------------


def bcubed(pred: Sequence, gold: Sequence) -> dict[str, float]:
    """B-cubed precision, recall and F1 (Bagga & Baldwin 1998) of a flat clustering."""
    pred_sets: dict = defaultdict(set)
    gold_sets: dict = defaultdict(set)
    for i, (p, g) in enumerate(zip(pred, gold, strict=True)):
        pred_sets[p].add(i)
        gold_sets[g].add(i)
    precision = recall = 0.0
    for p, g in zip(pred, gold, strict=True):
        both = len(pred_sets[p] & gold_sets[g])
        precision += both / len(pred_sets[p])
        recall += both / len(gold_sets[g])
    n = max(len(pred), 1)
    return _prf(precision / n, recall / n)


def pairwise(pred: Sequence, gold: Sequence) -> dict[str, float]:
    """Precision, recall and F1 over the pairs of items put in one cluster."""
    pred = np.asarray([hash(p) for p in pred])
    gold = np.asarray([hash(g) for g in gold])
    iu = np.triu_indices(len(pred), 1)
    same_pred = (pred[:, None] == pred[None, :])[iu]
    same_gold = (gold[:, None] == gold[None, :])[iu]
    tp = float(np.sum(same_pred & same_gold))
    precision = tp / max(float(np.sum(same_pred)), 1.0)
    recall = tp / max(float(np.sum(same_gold)), 1.0)
    return _prf(precision, recall)


def _prf(p: float, r: float) -> dict[str, float]:
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def pearson(x: Sequence[float], y: Sequence[float]) -> float:
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(x) < 2 or x.std() == 0 or y.std() == 0:
        return float("nan")
    return float(np.corrcoef(x, y)[0, 1])


# -- data -----------------------------------------------------------------------------------


def _require(path: Path) -> Path:
    if not path.exists():
        raise _missing(path)
    return path


def _missing(path: Path) -> RashomonError:
    return InputError("E080", path=str(path))


def _jsonl(path: Path) -> list[dict]:
    with _require(path).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_articles(path: Path) -> tuple[list[Article], list[str]]:
    """Articles of a JSONL data set and their gold story labels."""
    rows = _jsonl(path)
    articles = [
        Article(
            id=r["id"],
            text=r.get("text") or "",
            title=r.get("title"),
            source=r.get("source"),
            url=r.get("url"),
            published=r.get("published"),
        )
        for r in rows
    ]
    return articles, [str(r.get("story")) for r in rows]


# -- evaluations ----------------------------------------------------------------------------


def cluster_scores(
    features: list[ArticleFeatures],
    gold: list[str],
    *,
    shuffles: int = N_SHUFFLES,
    seed: int = 0,
    **params,
) -> dict[str, dict[str, float]]:
    """Online clustering (file order + ``shuffles`` random orders, averaged) and recluster."""
    rng = np.random.default_rng(seed)
    orders = [np.arange(len(features))] + [rng.permutation(len(features)) for _ in range(shuffles)]
    online_b, online_p, re_b, re_p, n_stories, n_re = [], [], [], [], [], []
    for order in orders:
        clusterer = StoryClusterer(**params)
        clusterer.add_many([features[i] for i in order])
        pred = [clusterer.story_of(f.id) for f in features]
        online_b.append(bcubed(pred, gold))
        online_p.append(pairwise(pred, gold))
        n_stories.append(len(set(pred)))
        clusterer.recluster()
        pred = [clusterer.story_of(f.id) for f in features]
        re_b.append(bcubed(pred, gold))
        re_p.append(pairwise(pred, gold))
        n_re.append(len(set(pred)))

    def mean(dicts):
        return {k: float(np.mean([d[k] for d in dicts])) for k in dicts[0]}

    return {
        "online_bcubed": mean(online_b),
        "online_pairwise": mean(online_p),
        "online_stories": {"mean": float(np.mean(n_stories))},
        "recluster_bcubed": mean(re_b),
        "recluster_pairwise": mean(re_p),
        "recluster_stories": {"mean": float(np.mean(n_re))},
        "gold_stories": {"count": float(len(set(gold)))},
    }


def ecbplus(data_dir: Path, extractor: FeatureExtractor | None = None, **params) -> dict:
    articles, gold = load_articles(Path(data_dir) / "ecbplus" / "val.articles.jsonl")
    extractor = extractor or FeatureExtractor()
    start = time.perf_counter()
    features = extractor.extract(articles)
    elapsed = time.perf_counter() - start
    out = cluster_scores(features, gold, **params)
    out["documents"] = {"count": float(len(articles))}
    out["extract_seconds"] = {"total": elapsed}
    return out


def basil(data_dir: Path, extractor: FeatureExtractor | None = None, **params) -> dict:
    """BASIL: 100 events, each told by three outlets, dated (the time signal at work)."""
    articles, gold = load_articles(Path(data_dir) / "basil" / "articles.jsonl")
    order = sorted(range(len(articles)), key=lambda i: (articles[i].published or "", i))
    articles = [articles[i] for i in order]
    gold = [gold[i] for i in order]
    extractor = extractor or FeatureExtractor()
    features = extractor.extract(articles)
    out = cluster_scores(features, gold, **params)
    out["documents"] = {"count": float(len(articles))}
    return out


def newswcl50(data_dir: Path, extractor: FeatureExtractor | None = None, **params) -> dict:
    articles, _ = load_articles(Path(data_dir) / "newswcl50" / "articles.jsonl")
    gold = [a.id.split("/")[-1].split("_")[0] for a in articles]
    extractor = extractor or FeatureExtractor()
    features = extractor.extract(articles)
    result: dict = {}
    for mode in ("online", "recluster"):
        clusterer = StoryClusterer(**params)
        clusterer.add_many(features)
        if mode == "recluster":
            clusterer.recluster()
        pred = [clusterer.story_of(f.id) for f in features]
        events: dict[str, set[str]] = defaultdict(set)
        for p, g in zip(pred, gold, strict=True):
            events[g].add(p)
        owners: dict[str, set[str]] = defaultdict(set)
        for p, g in zip(pred, gold, strict=True):
            owners[p].add(g)
        result[mode] = {
            "events_whole": sum(len(s) == 1 for s in events.values()),
            "events": len(events),
            "stories": len(set(pred)),
            "merged_events": sum(len(g) > 1 for g in owners.values()),
            "bcubed_f1": bcubed(pred, gold)["f1"],
            "per_event": {g: sorted(s) for g, s in sorted(events.items())},
        }
    return result


def _pair_similarities(texts_a, texts_b, background: Sequence[str] = (), embedder=None):
    extractor = FeatureExtractor()
    fa = extractor.extract([Article(id=f"a{i}", text=t) for i, t in enumerate(texts_a)])
    fb = extractor.extract([Article(id=f"b{i}", text=t) for i, t in enumerate(texts_b)])
    clusterer = StoryClusterer()
    seen = {}
    for f, t in zip(fa + fb, list(texts_a) + list(texts_b), strict=True):
        seen.setdefault(t, f)
    clusterer.observe(seen.values())
    if background:
        clusterer.observe(
            extractor.extract([Article(id=f"bg{i}", text=t) for i, t in enumerate(background)])
        )
    lexical = [clusterer.similarity(a, b) for a, b in zip(fa, fb, strict=True)]
    out = {"lexical": lexical}
    if embedder is not None:
        ea = embedder.encode([t[:1000] for t in texts_a])
        eb = embedder.encode([t[:1000] for t in texts_b])
        out["embedding"] = [float(np.dot(x, y)) for x, y in zip(ea, eb, strict=True)]
        out["mixed"] = [0.5 * a + 0.5 * b for a, b in zip(lexical, out["embedding"], strict=True)]
    return out


def semeval(data_dir: Path, embedder=None) -> dict:
    path = _require(Path(data_dir) / "semeval2022_task8" / "pairs.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    sims = _pair_similarities(
        [r["text1"] for r in rows], [r["text2"] for r in rows], embedder=embedder
    )
    overall = np.asarray([float(r["Overall"]) for r in rows])
    english = np.asarray([r["lang1"] == "en" and r["lang2"] == "en" for r in rows])
    same_lang = np.asarray([r["lang1"] == r["lang2"] for r in rows])
    result = {}
    for name, values in sims.items():
        values = np.asarray(values)
        result[name] = {
            "all": pearson(values, -overall),
            "english": pearson(values[english], -overall[english]),
            "same_language": pearson(values[same_lang], -overall[same_lang]),
        }
    result["pairs"] = {
        "all": len(rows),
        "english": int(english.sum()),
        "same_language": int(same_lang.sum()),
    }
    return result


def lee(data_dir: Path, embedder=None) -> dict:
    folder = Path(data_dir) / "lee_similarity"
    docs = _require(folder / "lee.cor").read_text(encoding="latin-1").splitlines()
    docs = [d for d in docs if d.strip()]
    background = (folder / "lee_background.cor").read_text(encoding="latin-1").splitlines()
    human = np.loadtxt(_require(folder / "similarities0-1.txt"))
    iu = np.triu_indices(len(docs), 1)
    a = [docs[i] for i in iu[0]]
    b = [docs[j] for j in iu[1]]
    sims = _pair_similarities(
        a, b, background=[d for d in background if d.strip()], embedder=embedder
    )
    gold = human[iu]
    return {name: {"pearson": pearson(v, gold)} for name, v in sims.items()} | {
        "pairs": {"count": len(gold)}
    }


def run(data_dir: str | Path, *, embeddings: bool = False, out=sys.stdout) -> dict:
    """Run every evaluation, print a table to ``out`` and return the figures."""
    data_dir = Path(data_dir)
    if not data_dir.exists():
        raise _missing(data_dir)
    embedder = None
    if embeddings:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from rashomon.backends.embeddings import default_embedder

        embedder = default_embedder()
    figures = {
        "ecbplus": ecbplus(data_dir),
        "newswcl50": newswcl50(data_dir),
        "basil": basil(data_dir),
        "semeval2022_task8": semeval(data_dir, embedder=embedder),
        "lee": lee(data_dir, embedder=embedder),
    }
    if out is not None:
        print(format_table(figures), file=out)
    return figures


def _score_row(mode: str, figures: dict) -> str:
    """One line of B-cubed and pairwise scores and the story count of one clustering mode."""
    b, p = figures[f"{mode}_bcubed"], figures[f"{mode}_pairwise"]
    return (
        f"  {mode:<12}{b['precision']:>8.3f}{b['recall']:>8.3f}{b['f1']:>8.3f}"
        f"{p['precision']:>8.3f}{p['recall']:>8.3f}{p['f1']:>8.3f}"
        f"{figures[f'{mode}_stories']['mean']:>9.1f}"
    )


def format_table(figures: dict) -> str:
    lines = []
    e = figures["ecbplus"]
    lines.append(
        f"ECB+ val ({int(e['documents']['count'])} docs, {int(e['gold_stories']['count'])} "
        f"gold stories; online = mean of file order + {N_SHUFFLES} shuffles)"
    )
    lines.append(
        f"  {'':<12}{'B3 P':>8}{'B3 R':>8}{'B3 F1':>8}{'pair P':>8}{'pair R':>8}"
        f"{'pair F1':>8}{'stories':>9}"
    )
    lines.extend(_score_row(mode, e) for mode in ("online", "recluster"))
    b = figures.get("basil")
    if b:
        lines.append(
            f"BASIL ({int(b['documents']['count'])} dated docs, {int(b['gold_stories']['count'])}"
            " events, 3 outlets each; online = date order + shuffles)"
        )
        lines.extend(_score_row(mode, b) for mode in ("online", "recluster"))
    n = figures["newswcl50"]
    lines.append("NewsWCL50 (25 docs, 5 events)")
    for mode in ("online", "recluster"):
        r = n[mode]
        lines.append(
            f"  {mode:<12}events kept whole {r['events_whole']}/{r['events']}, "
            f"stories {r['stories']}, stories mixing events {r['merged_events']}, "
            f"B3 F1 {r['bcubed_f1']:.3f}"
        )
    s = figures["semeval2022_task8"]
    pairs = s["pairs"]
    lines.append(
        "SemEval-2022 Task 8 sample: Pearson r(similarity, -Overall) "
        "(Overall 1 = same story .. 4 = unrelated; positive = agrees with people)"
    )
    for name in ("lexical", "embedding", "mixed"):
        if name in s:
            r = s[name]
            lines.append(
                f"  {name:<12}all ({pairs['all']}) {r['all']:.3f}   english "
                f"({pairs['english']}) {r['english']:.3f}   same language "
                f"({pairs['same_language']}) {r['same_language']:.3f}"
            )
    lee_figures = figures["lee"]
    lines.append(
        f"Lee et al. 2005: Pearson r with human ratings ({lee_figures['pairs']['count']} pairs)"
    )
    for name in ("lexical", "embedding", "mixed"):
        if name in lee_figures:
            lines.append(f"  {name:<12}{lee_figures[name]['pearson']:.3f}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="rashomon evaluate clustering", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--data", default="../shared/data", help="the shared data folder")
    parser.add_argument(
        "--embeddings",
        action="store_true",
        help="also score pairs with all-MiniLM-L6-v2 (about 6 minutes on 2 CPU cores)",
    )
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)
    try:
        figures = run(args.data, embeddings=args.embeddings)
    except RashomonError as exc:
        print(f"rashomon: error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
