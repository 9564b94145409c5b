"""Evaluation of story clustering and article-pair similarity on the shared data sets.

Run ``python -m rashomon.evaluation.clustering --data ../shared/data`` (or call :func:`run`).
Every figure comes from the defaults of :class:`~rashomon.corpus.clustering.StoryClusterer` and
:class:`~rashomon.corpus.features.FeatureExtractor`; nothing here is tuned per data set.
The offline settings of those defaults are the ones :func:`crossvalidate` chooses (leave one
ECB+ topic, NewsWCL50 event or BASIL event out), whose cross-validated B-cubed F1 is printed
next to the fitted one. ``python -m rashomon.evaluation.clustering INPUT.jsonl --predictions FILE``
clusters any file of articles instead (and scores it when every line has a gold ``story``).

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
from typing import TYPE_CHECKING, TextIO

import numpy as np

from rashomon._files import jsonl_objects
from rashomon.corpus.clustering import ClusterConfig, StoryClusterer
from rashomon.corpus.features import ArticleFeatures, FeatureExtractor
from rashomon.errors import InputError, RashomonError
from rashomon.model import Article

if TYPE_CHECKING:
    from rashomon.backends.embeddings import Embedder

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
    pred_ids = np.asarray([hash(p) for p in pred])
    gold_ids = np.asarray([hash(g) for g in gold])
    iu = np.triu_indices(len(pred_ids), 1)
    same_pred = (pred_ids[:, None] == pred_ids[None, :])[iu]
    same_gold = (gold_ids[:, None] == gold_ids[None, :])[iu]
    tp = float(np.sum(same_pred & same_gold))
    precision = tp / max(float(np.sum(same_pred)), 1.0)
    recall = tp / max(float(np.sum(same_gold)), 1.0)
    return _prf(precision, recall)


def _prf(p: float, r: float) -> dict[str, float]:
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def pearson(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> float:
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if len(xs) < 2 or xs.std() == 0 or ys.std() == 0:
        return float("nan")
    return float(np.corrcoef(xs, ys)[0, 1])


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
    config: ClusterConfig | None = None,
) -> dict[str, dict[str, float]]:
    """Online clustering (file order + ``shuffles`` random orders, averaged) and recluster."""
    rng = np.random.default_rng(seed)
    orders = [np.arange(len(features))] + [rng.permutation(len(features)) for _ in range(shuffles)]
    online_b, online_p, re_b, re_p, n_stories, n_re = [], [], [], [], [], []
    for order in orders:
        clusterer = StoryClusterer(config)
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

    def mean(dicts: list[dict[str, float]]) -> dict[str, float]:
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


def ecbplus(
    data_dir: Path,
    extractor: FeatureExtractor | None = None,
    config: ClusterConfig | None = None,
) -> dict:
    articles, gold = load_articles(Path(data_dir) / "ecbplus" / "val.articles.jsonl")
    extractor = extractor or FeatureExtractor()
    start = time.perf_counter()
    features = extractor.extract(articles)
    elapsed = time.perf_counter() - start
    out = cluster_scores(features, gold, config=config)
    out["documents"] = {"count": float(len(articles))}
    out["extract_seconds"] = {"total": elapsed}
    return out


def basil(
    data_dir: Path,
    extractor: FeatureExtractor | None = None,
    config: ClusterConfig | None = None,
) -> dict:
    """BASIL: 100 events, each told by three outlets, dated (the time signal at work)."""
    articles, gold = load_articles(Path(data_dir) / "basil" / "articles.jsonl")
    order = sorted(range(len(articles)), key=lambda i: (articles[i].published or "", i))
    articles = [articles[i] for i in order]
    gold = [gold[i] for i in order]
    extractor = extractor or FeatureExtractor()
    features = extractor.extract(articles)
    out = cluster_scores(features, gold, config=config)
    out["documents"] = {"count": float(len(articles))}
    return out


def newswcl50(
    data_dir: Path,
    extractor: FeatureExtractor | None = None,
    config: ClusterConfig | None = None,
) -> dict:
    articles, _ = load_articles(Path(data_dir) / "newswcl50" / "articles.jsonl")
    gold = [a.id.split("/")[-1].split("_")[0] for a in articles]
    extractor = extractor or FeatureExtractor()
    features = extractor.extract(articles)
    result: dict = {}
    for mode in ("online", "recluster"):
        clusterer = StoryClusterer(config)
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


def _pair_similarities(
    texts_a: Sequence[str],
    texts_b: Sequence[str],
    background: Sequence[str] = (),
    embedder: Embedder | None = None,
) -> dict[str, list[float]]:
    extractor = FeatureExtractor()
    fa = extractor.extract([Article(id=f"a{i}", text=t) for i, t in enumerate(texts_a)])
    fb = extractor.extract([Article(id=f"b{i}", text=t) for i, t in enumerate(texts_b)])
    clusterer = StoryClusterer()
    seen: dict[str, ArticleFeatures] = {}
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


def semeval(data_dir: Path, embedder: Embedder | None = None) -> dict:
    path = _require(Path(data_dir) / "semeval2022_task8" / "pairs.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    sims = _pair_similarities(
        [r["text1"] for r in rows], [r["text2"] for r in rows], embedder=embedder
    )
    overall = np.asarray([float(r["Overall"]) for r in rows])
    english = np.asarray([r["lang1"] == "en" and r["lang2"] == "en" for r in rows])
    same_lang = np.asarray([r["lang1"] == r["lang2"] for r in rows])
    result: dict[str, dict[str, float | int]] = {}
    for name, listed in sims.items():
        values = np.asarray(listed)
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


def lee(data_dir: Path, embedder: Embedder | None = None) -> dict:
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


# -- choosing the offline settings without overfitting one split ----------------------------

#: The offline settings searched, every combination (336), around the shipped defaults. The
#: online ones do not change what ``recluster`` gives, so they are not searched here.
#: ``neighbour_min`` 1 is the rule before it existed (the nearest neighbour is always kept).
CV_GRID: dict[str, tuple[float, ...]] = {
    "recluster_threshold": (0.06, 0.08, 0.10, 0.12, 0.14, 0.17, 0.20),
    "neighbour_ratio": (0.4, 0.5, 0.6, 0.7),
    "recluster_min_direct": (0.04, 0.08, 0.12),
    "neighbour_min": (1, 2, 3, 4),
}


def cv_data(data_dir: Path) -> tuple[list[Article], list[str], list[str], list[str]]:
    """The cross-validation set: articles, gold story labels, held-out units and pools.

    Units are ECB+'s 13 topics (two similar events each, so a unit tests telling them apart),
    NewsWCL50's 5 events and BASIL's 45 events (three outlets each: the smallest stories to
    keep apart); they are named ``ecbplus:<topic>``, ``newswcl50:<event>``, ``basil:<event>``.
    ECB+ and NewsWCL50 (undated) are clustered in one pool, BASIL (dated, in date order) in a
    second: pooled with undated articles, its dates would no longer keep events apart.
    """
    data_dir = Path(data_dir)
    rows = _jsonl(data_dir / "ecbplus" / "val.articles.jsonl")
    articles, gold = load_articles(data_dir / "ecbplus" / "val.articles.jsonl")
    units = [f"ecbplus:{r['topic']}" for r in rows]
    more, _ = load_articles(data_dir / "newswcl50" / "articles.jsonl")
    events = [a.id.split("/")[-1].split("_")[0] for a in more]
    articles, gold = articles + more, gold + [f"newswcl50-{e}" for e in events]
    units += [f"newswcl50:{e}" for e in events]
    pools = ["undated"] * len(articles)
    dated, stories = load_articles(data_dir / "basil" / "articles.jsonl")
    order = sorted(range(len(dated)), key=lambda i: (dated[i].published or "", i))
    articles += [dated[i] for i in order]
    gold += [f"basil-{stories[i]}" for i in order]
    units += [f"basil:{stories[i]}" for i in order]
    pools += ["basil"] * len(order)
    return articles, gold, units, pools


def bcubed_items(pred: Sequence, gold: Sequence) -> tuple[np.ndarray, np.ndarray]:
    """B-cubed precision and recall of each item (their means are :func:`bcubed`'s)."""
    pred_sets: dict = defaultdict(set)
    gold_sets: dict = defaultdict(set)
    for i, (p, g) in enumerate(zip(pred, gold, strict=True)):
        pred_sets[p].add(i)
        gold_sets[g].add(i)
    precision = np.empty(len(pred))
    recall = np.empty(len(pred))
    for i, (p, g) in enumerate(zip(pred, gold, strict=True)):
        both = len(pred_sets[p] & gold_sets[g])
        precision[i] = both / len(pred_sets[p])
        recall[i] = both / len(gold_sets[g])
    return precision, recall


def _scores(precision: np.ndarray, recall: np.ndarray, mask: np.ndarray) -> dict[str, float]:
    return _prf(float(precision[mask].mean()), float(recall[mask].mean()))


def grid_configs(
    base: ClusterConfig, grid: dict[str, tuple[float, ...]] = CV_GRID
) -> list[ClusterConfig]:
    """Every combination of ``grid``'s values, on top of ``base``."""
    import itertools

    names = sorted(grid)
    return [
        base.replace(**dict(zip(names, values, strict=True)))
        for values in itertools.product(*(grid[n] for n in names))
    ]


def crossvalidate(
    features: Sequence[ArticleFeatures],
    gold: Sequence[str],
    units: Sequence[str],
    *,
    pools: Sequence[str] | None = None,
    base: ClusterConfig | None = None,
    grid: dict[str, tuple[float, ...]] = CV_GRID,
) -> dict:
    """Leave-one-unit-out choice of the offline settings, and what it is worth.

    Every article is clustered (``recluster``) under every setting of ``grid``, in one pool, or
    with ``pools`` (one name per article) each pool on its own, in the order given. For
    each unit, the setting with the best B-cubed F1 over the *other* units' articles is chosen,
    and the unit's own articles are scored under it: each article is scored once, by a setting
    chosen without its unit's labels (its text takes part, unlabelled, as it would in any
    corpus). Reported per data set (the part of ``units`` before the colon): ``cv`` (those
    held-out scores pooled), ``fitted`` (the one setting best over every unit, scored on the
    same units: the in-sample figure) and ``default`` (``base`` itself).
    """
    base = base or ClusterConfig()
    configs = [base, *grid_configs(base, grid)]
    n = len(features)
    precision = np.empty((len(configs), n))
    recall = np.empty((len(configs), n))
    pool_of = [""] * n if pools is None else list(pools)
    for pool in sorted(set(pool_of)):
        members = [i for i in range(n) if pool_of[i] == pool]
        rows = np.asarray(members, dtype=np.int64)
        clusterer = StoryClusterer(base)
        clusterer.add_many([features[i] for i in members])
        pool_gold = [gold[i] for i in members]
        for c, config in enumerate(configs):
            clusterer.config = config  # the offline pass reads only the settings and articles
            labels = clusterer.recluster_labels().tolist()
            precision[c, rows], recall[c, rows] = bcubed_items(labels, pool_gold)
    unit_of = np.asarray(units)
    sets = np.asarray([u.split(":", 1)[0] for u in units])
    names = sorted(set(units))
    masks = {u: unit_of == u for u in names}
    # per setting and unit: B-cubed F1 of the unit's own articles (for the macro criterion)
    unit_f1 = np.asarray(
        [
            [_scores(precision[c], recall[c], masks[u])["f1"] for u in names]
            for c in range(len(configs))
        ]
    )

    def best(criterion: str, train: list[int]) -> int:
        """The best grid setting on the units ``train`` (indexes into ``names``)."""
        if criterion == "macro":  # every unit weighs the same, whatever its size
            f1 = unit_f1[1:, train].mean(axis=1)
        else:  # every article weighs the same
            mask = np.any([masks[names[j]] for j in train], axis=0)
            f1 = np.asarray(
                [_scores(precision[c], recall[c], mask)["f1"] for c in range(1, len(configs))]
            )
        return 1 + int(np.argmax(f1))  # the first of equals: the grid's order, not luck

    def setting(c: int) -> dict[str, float]:
        return {k: getattr(configs[c], k) for k in sorted(grid)}

    out: dict = {"settings": len(configs) - 1, "criteria": {}}
    for criterion in ("micro", "macro"):
        held_p, held_r = np.empty(n), np.empty(n)
        chosen: dict[str, dict[str, float]] = {}
        for j, unit in enumerate(names):
            c = best(criterion, [k for k in range(len(names)) if k != j])
            inside = masks[unit]
            held_p[inside], held_r[inside] = precision[c, inside], recall[c, inside]
            chosen[unit] = setting(c)
        fitted = best(criterion, list(range(len(names))))
        result: dict = {"chosen": chosen, "fitted_setting": setting(fitted)}
        for name in sorted(set(sets.tolist())):
            mask = sets == name
            result[name] = {
                "cv": _scores(held_p, held_r, mask),
                "fitted": _scores(precision[fitted], recall[fitted], mask),
                "default": _scores(precision[0], recall[0], mask),
                "documents": int(mask.sum()),
                "units": len(set(unit_of[mask].tolist())),
            }
        out["criteria"][criterion] = result
    return out


def clustering_cv(data_dir: Path, extractor: FeatureExtractor | None = None) -> dict:
    """:func:`crossvalidate` on ECB+ topics and NewsWCL50 and BASIL events (:func:`cv_data`)."""
    articles, gold, units, pools = cv_data(data_dir)
    features = (extractor or FeatureExtractor()).extract(articles)
    return crossvalidate(features, gold, units, pools=pools)


def format_cv(cv: dict) -> str:
    """The cross-validated B-cubed figures next to the fitted and default ones."""
    lines = [
        f"Leave-one-unit-out choice of the offline settings ({cv['settings']} settings; units: "
        "ECB+ topics, NewsWCL50 and BASIL events; BASIL clustered on its own)",
        f"  {'criterion':<10}{'data':<11}{'units':>6}{'docs':>6}{'CV B3 P':>9}{'CV B3 R':>9}"
        f"{'CV B3 F1':>10}{'fitted F1':>11}{'default F1':>12}",
    ]
    for criterion, result in cv["criteria"].items():
        for name in ("ecbplus", "newswcl50", "basil"):
            if name in result:
                r = result[name]
                lines.append(
                    f"  {criterion:<10}{name:<11}{r['units']:>6}{r['documents']:>6}"
                    f"{r['cv']['precision']:>9.3f}{r['cv']['recall']:>9.3f}"
                    f"{r['cv']['f1']:>10.3f}{r['fitted']['f1']:>11.3f}{r['default']['f1']:>12.3f}"
                )
    for criterion, result in cv["criteria"].items():
        fitted = ", ".join(f"{k} {v}" for k, v in result["fitted_setting"].items())
        lines.append(f"  {criterion}: fitted on every unit: {fitted}")
        counts: dict[str, int] = defaultdict(int)
        for chosen in result["chosen"].values():
            counts[", ".join(f"{k} {v}" for k, v in chosen.items())] += 1
        for text, count in sorted(counts.items(), key=lambda kv: -kv[1]):
            lines.append(f"  {criterion}: chosen for {count:>2} held-out units: {text}")
    lines.append("  micro: every article weighs the same; macro: every unit does")
    return "\n".join(lines)


# -- clustering any file of articles ---------------------------------------------------------


def read_input(path: Path) -> tuple[list[Article], list[str] | None]:
    """Articles of a JSONL file (``id``, ``text``; ``title``, ``source``, ``url``,
    ``published`` optional) and their gold ``story`` labels when every line has one."""
    articles: list[Article] = []
    gold: list[str | None] = []
    seen: set[str] = set()
    for number, row in jsonl_objects(_require(Path(path))):
        if not isinstance(row.get("id"), str) or not isinstance(row.get("text"), str):
            raise InputError(
                "E006",
                path=str(path),
                line=number,
                problem="each line needs a string 'id' and 'text'",
            )
        if row["id"] in seen:
            raise InputError(
                "E006", path=str(path), line=number, problem=f"the id {row['id']!r} is used twice"
            )
        seen.add(row["id"])
        articles.append(
            Article(
                id=row["id"],
                text=row["text"],
                title=row.get("title"),
                source=row.get("source"),
                url=row.get("url"),
                published=row.get("published"),
            )
        )
        story = row.get("story")
        gold.append(None if story is None else str(story))
    if not articles:
        raise InputError("E009", path=str(path))
    labels = [g for g in gold if g is not None]
    return articles, labels if len(labels) == len(gold) else None


def cluster_file(
    path: Path,
    predictions: Path | None = None,
    *,
    config: ClusterConfig | None = None,
    extractor: FeatureExtractor | None = None,
) -> dict:
    """Cluster the articles of ``path`` as an ingest does (online in file order, then the
    offline ``recluster``), write ``{"id", "story"}`` lines to ``predictions`` when given, and
    score them when the input carries gold ``story`` labels."""
    articles, gold = read_input(path)
    features = (extractor or FeatureExtractor()).extract(articles)
    clusterer = StoryClusterer(config)
    clusterer.add_many(features)
    clusterer.recluster()
    pred = [clusterer.story_of(a.id) for a in articles]
    if predictions is not None:
        with Path(predictions).open("w", encoding="utf-8") as fh:
            for article, story in zip(articles, pred, strict=True):
                fh.write(json.dumps({"id": article.id, "story": story}) + "\n")
    figures: dict = {"documents": len(articles), "stories": len(set(pred))}
    if gold is not None:
        figures["gold_stories"] = len(set(gold))
        figures["bcubed"] = bcubed(pred, gold)
        figures["pairwise"] = pairwise(pred, gold)
    return figures


def format_file(path: Path, figures: dict) -> str:
    lines = [f"{path}: {figures['documents']} articles, {figures['stories']} stories"]
    if "bcubed" in figures:
        b, p = figures["bcubed"], figures["pairwise"]
        lines.append(
            f"  gold stories {figures['gold_stories']}; B3 P {b['precision']:.3f} "
            f"R {b['recall']:.3f} F1 {b['f1']:.3f}; pairwise P {p['precision']:.3f} "
            f"R {p['recall']:.3f} F1 {p['f1']:.3f}"
        )
    else:
        lines.append("  no gold 'story' on every line: nothing to score")
    return "\n".join(lines)


def run(
    data_dir: str | Path, *, embeddings: bool = False, cv: bool = True, out: TextIO = sys.stdout
) -> dict:
    """Run every evaluation, print a table to ``out`` and return the figures; with ``cv``,
    also the leave-one-unit-out cross-validated figures (:func:`crossvalidate`)."""
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
    if cv:
        figures["cv"] = clustering_cv(data_dir)
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
    if "cv" in figures:
        lines.append(format_cv(figures["cv"]))
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
    parser.add_argument(
        "input",
        nargs="?",
        help="a JSONL file of articles to cluster instead (id, text; story to score)",
    )
    parser.add_argument("--predictions", help="with INPUT: write {id, story} lines here")
    parser.add_argument(
        "--no-cv", action="store_true", help="skip the cross-validated figures (about 20 s)"
    )
    args = parser.parse_args(argv)
    try:
        if args.input:
            figures = cluster_file(
                Path(args.input), Path(args.predictions) if args.predictions else None
            )
            print(format_file(Path(args.input), figures))
        else:
            figures = run(args.data, embeddings=args.embeddings, cv=not args.no_cv)
    except RashomonError as exc:
        print(f"rashomon: error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
