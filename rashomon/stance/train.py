"""Train the stance model on the FNC-1 training set, with every setting chosen by cross-validation.

    python -m rashomon.stance.train --data /work/shared/data --out rashomon/data/stance

Reads only ``DATA/fnc1_train`` (never the FNC-1 test pairs in ``DATA/fnc1``). Folds are groups
of claims: a related pair joins a headline and a body of one claim, the connected groups of
headlines and bodies are dealt into folds, and every pair goes with its body's group, so no
body and no related headline straddles two folds (an unrelated pair's headline may, as in the
official FNC-1 baseline split by body). The recipe:

1. a TF-IDF space (word 1-2 grams) fitted on the training headlines and bodies;
2. relatedness: gradient boosted trees on the dense pair features;
3. stance: two linear models stacked under a second tree ensemble, all on the related pairs; the
   linear models' inputs for the trees are out-of-fold predictions, nested inside each outer
   fold when cross-validating, so no figure sees its own labels;
4. the relatedness threshold and the class weights of the final decision maximise the FNC-1
   score of the out-of-fold predictions.

The same seed, data and code give the same files (the embeddings are rounded to float16, so a
vector does not depend on the other texts in its batch; trees fit without early stopping).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rashomon.errors import InputError
from rashomon.evaluation.fnc1 import summarize
from rashomon.stance.features import (
    FEATURE_NAMES,
    Embed,
    Tfidf,
    default_cues,
    embedding_features,
    index_pairs,
    pair_features,
    prepare,
    text_features,
)
from rashomon.stance.gbdt import Trees
from rashomon.stance.model import (
    FORMAT,
    STANCE_LABELS,
    Linear,
    StanceModel,
    decide,
    round16,
)

SEED = 0
FOLDS = 5
TFIDF_FEATURES = 30_000
RELATED_TREES = {"max_iter": 200, "learning_rate": 0.1, "max_leaf_nodes": 31,
                 "min_samples_leaf": 40, "l2_regularization": 1.0}  # fmt: skip
STANCE_TREES = {"max_iter": 300, "learning_rate": 0.05, "max_leaf_nodes": 31,
                "min_samples_leaf": 40, "l2_regularization": 1.0}  # fmt: skip
EMB_C = 1.0
TXT_C = 10.0
THRESHOLDS = tuple(np.round(np.arange(0.05, 0.81, 0.05), 2))
WEIGHTS = tuple(np.round(np.exp(np.linspace(np.log(0.5), np.log(4.0), 13)), 3))


def load_split(data_dir: str | Path, name: str = "fnc1_train"
               ) -> tuple[list[dict[str, Any]], dict[str, str]]:  # fmt: skip
    folder = Path(data_dir) / name
    out = []
    for path in (folder / "pairs.jsonl", folder / "bodies.jsonl"):
        if not path.exists():
            raise InputError("E080", path=str(path))
        with path.open(encoding="utf-8") as fh:
            out.append([json.loads(line) for line in fh if line.strip()])
    pairs, rows = out
    return pairs, {str(r["body_id"]): r["text"] for r in rows}


def claim_folds(pairs: Sequence[dict[str, Any]], n_folds: int = FOLDS, seed: int = SEED
                ) -> np.ndarray:  # fmt: skip
    """The fold of each pair: its body's claim group (headlines and bodies joined by related
    pairs), groups dealt largest first to the fold with the fewest pairs so far."""
    parent: dict[str, str] = {}

    def find(a: str) -> str:
        parent.setdefault(a, a)
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for p in pairs:
        h, b = find("h:" + p["headline"]), find("b:" + str(p["body_id"]))
        if p["stance"] != "unrelated" and h != b:
            parent[h] = b
    group = [find("b:" + str(p["body_id"])) for p in pairs]
    sizes: dict[str, int] = {}
    for g in group:
        sizes[g] = sizes.get(g, 0) + 1
    rng = np.random.default_rng(seed)
    names = sorted(sizes)
    names = [names[i] for i in rng.permutation(len(names))]
    names.sort(key=lambda g: -sizes[g])  # stable: ties keep the seeded order
    load, fold_of = np.zeros(n_folds), {}
    for g in names:
        k = int(np.argmin(load))
        fold_of[g] = k
        load[k] += sizes[g]
    return np.array([fold_of[g] for g in group])


def cached_embed(cache: str | Path | None) -> Embed:
    """The MiniLM embedder rounded to float16; with ``cache``, vectors already computed for the
    same texts (``emb_*.json`` + ``emb_*.npy``) are read instead of recomputed."""
    from rashomon.backends.embeddings import default_embedder

    known: dict[str, np.ndarray] = {}
    if cache:
        for path in sorted(Path(cache).glob("emb_*.json")):
            texts = json.loads(path.read_text(encoding="utf-8"))
            vecs = np.load(path.with_suffix(".npy"), allow_pickle=False)
            known.update(zip(texts, vecs, strict=True))

    def embed(texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in known))
        if missing:
            known.update(zip(missing, round16(default_embedder().encode(missing)), strict=True))
        return round16(np.array([known[t] for t in texts]))

    return embed


# --------------------------------------------------------------------------------------------
# Fitting


def fit_trees(x: np.ndarray, y: np.ndarray, params: dict[str, Any], seed: int = SEED,
              sample_weight: np.ndarray | None = None) -> Trees:  # fmt: skip
    from sklearn.ensemble import HistGradientBoostingClassifier

    model = HistGradientBoostingClassifier(early_stopping=False, random_state=seed, **params)
    model.fit(x, y, sample_weight=sample_weight)
    return Trees.from_sklearn(model)


def fit_linear(z: Any, y: np.ndarray, c: float) -> Linear:
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, max_iter=500, tol=1e-4)
    model.fit(z, y)
    return Linear(model.coef_, model.intercept_)


class Stack:
    """Out-of-fold predictions of a linear model, memoised by the set of folds it is fit on
    (the same fit serves several outer and inner folds)."""

    def __init__(self, z: Any, y: np.ndarray, fold: np.ndarray, c: float) -> None:
        self.z, self.y, self.fold, self.c = z, y, fold, c
        self.related = y < len(STANCE_LABELS)
        self._fits: dict[frozenset[int], Linear] = {}

    def fit(self, folds: frozenset[int]) -> Linear:
        if folds not in self._fits:
            rows = self.related & np.isin(self.fold, sorted(folds))
            self._fits[folds] = fit_linear(self.z[rows], self.y[rows], self.c)
        return self._fits[folds]

    def out_of_fold(self, folds: frozenset[int]) -> np.ndarray:
        """For every pair in ``folds``: probabilities from a fit on the other folds of
        ``folds``."""
        out = np.zeros((self.z.shape[0], len(STANCE_LABELS)))
        for k in folds:
            rows = self.fold == k
            out[rows] = self.fit(folds - {k}).proba(self.z[rows])
        return out


def stance_targets(labels: Sequence[str]) -> np.ndarray:
    """0-2 for agree, disagree, discuss; 3 for unrelated."""
    order = (*STANCE_LABELS, "unrelated")
    return np.array([order.index(s) for s in labels])


def cross_validate(x: np.ndarray, stacks: Sequence[Stack], y: np.ndarray, fold: np.ndarray,
                   seed: int = SEED, log: Callable[[str], None] | None = None,
                   related_trees: dict[str, Any] | None = None,
                   stance_trees: dict[str, Any] | None = None
                   ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Out-of-fold P(related) and stance probabilities for every training pair."""
    all_folds = frozenset(int(k) for k in np.unique(fold))
    p_related = np.zeros(len(y))
    p_stance = np.zeros((len(y), len(STANCE_LABELS)))
    related = y < len(STANCE_LABELS)
    for k in sorted(all_folds):
        t0 = time.perf_counter()
        train, test = fold != k, fold == k
        rel = fit_trees(x[train], related[train].astype(int), related_trees or RELATED_TREES,
                        seed)  # fmt: skip
        p_related[test] = rel.proba(x[test])[:, 1]
        inner = all_folds - {k}
        stacked_train = np.hstack([x] + [s.out_of_fold(inner) for s in stacks])
        stacked_test = np.hstack([x[test]] + [s.fit(inner).proba(s.z[test]) for s in stacks])
        rows = train & related
        st = fit_trees(stacked_train[rows], y[rows], stance_trees or STANCE_TREES, seed)
        p_stance[test] = st.proba(stacked_test)
        if log:
            log(f"  fold {k}: {test.sum()} pairs, {time.perf_counter() - t0:.0f} s")
    return p_related, p_stance


def tune_decision(labels: Sequence[str], p_related: np.ndarray, p_stance: np.ndarray
                  ) -> dict[str, Any]:  # fmt: skip
    """The relatedness threshold and the agree/disagree weights (discuss = 1) of best FNC-1
    score on the out-of-fold predictions."""
    order = (*STANCE_LABELS, "unrelated")
    gold = np.array([order.index(s) for s in labels])
    best: tuple[float, dict[str, Any]] = (-1.0, {})
    for wa, wd in itertools.product(WEIGHTS, WEIGHTS):
        stance = np.argmax(p_stance * np.array([wa, wd, 1.0]), axis=1)
        for t in THRESHOLDS:
            pred = np.where(p_related < t, len(STANCE_LABELS), stance)
            s = float(fnc_scores(gold, pred).sum())
            if s > best[0] + 1e-9:
                best = (s, {"threshold": float(t), "weights": {
                    "agree": float(wa), "disagree": float(wd), "discuss": 1.0}})  # fmt: skip
    return best[1]


def fnc_scores(gold: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """The FNC-1 score of each pair, labels as indices (0-2 stances, 3 unrelated); the same
    arithmetic as :func:`rashomon.evaluation.fnc1.fnc_score`, vectorised for the search."""
    same, g_rel, p_rel = gold == pred, gold < len(STANCE_LABELS), pred < len(STANCE_LABELS)
    return 0.25 * same + 0.5 * (same & g_rel) + 0.25 * (g_rel & p_rel)


def train(data_dir: str | Path, *, seed: int = SEED, n_folds: int = FOLDS,
          cache: str | Path | None = None, log: Callable[[str], None] | None = print
          ) -> tuple[StanceModel, dict[str, Any]]:  # fmt: skip
    """Train on ``DATA/fnc1_train`` (and nothing else)."""
    pairs, bodies = load_split(data_dir)
    return train_on(pairs, bodies, cached_embed(cache), seed=seed, n_folds=n_folds, log=log)


def train_on(pairs: Sequence[dict[str, Any]], bodies: dict[str, str], embed: Embed, *,
             seed: int = SEED, n_folds: int = FOLDS, log: Callable[[str], None] | None = print,
             tfidf_features: int = TFIDF_FEATURES, related_trees: dict[str, Any] | None = None,
             stance_trees: dict[str, Any] | None = None) -> tuple[StanceModel, dict[str, Any]]:
    """Cross-validate the recipe, choose the decision, fit on all the pairs."""
    related_trees = related_trees or RELATED_TREES
    stance_trees = stance_trees or STANCE_TREES
    say = log or (lambda _: None)
    t0 = time.perf_counter()
    labels = [p["stance"] for p in pairs]
    y = stance_targets(labels)
    fold = claim_folds(pairs, n_folds, seed)
    headlines, body_ids, hi, bi = index_pairs(pairs)
    tfidf = Tfidf.fit(headlines + [bodies[b] for b in body_ids], max_features=tfidf_features)
    cues = default_cues()
    texts = prepare(headlines, bodies, body_ids, tfidf, cues, embed)
    x, tops = pair_features(texts, hi, bi)
    emb = embedding_features(texts, hi, bi, tops)
    txt = text_features(texts, hi, bi, tops)
    say(f"features of {len(pairs)} pairs: {time.perf_counter() - t0:.0f} s")
    stacks = [Stack(emb, y, fold, EMB_C), Stack(txt, y, fold, TXT_C)]
    p_related, p_stance = cross_validate(x, stacks, y, fold, seed, say,
                                         related_trees, stance_trees)  # fmt: skip
    decision = tune_decision(labels, p_related, p_stance)
    cv = summarize(labels, decide(p_related, p_stance, decision))
    untuned = summarize(labels, decide(p_related, p_stance, {
        "threshold": 0.5, "weights": dict.fromkeys(STANCE_LABELS, 1.0)}))  # fmt: skip
    say(f"cross-validated relative score {cv['relative_score']:.2f} (untuned decision "
        f"{untuned['relative_score']:.2f}); decision {decision}")

    all_folds = frozenset(int(k) for k in np.unique(fold))
    related = y < len(STANCE_LABELS)
    rel = fit_trees(x, related.astype(int), related_trees, seed)
    stacked = np.hstack([x] + [s.out_of_fold(all_folds) for s in stacks])
    st = fit_trees(stacked[related], y[related], stance_trees, seed)
    emb_lr, txt_lr = (s.fit(all_folds) for s in stacks)
    figures = {k: cv[k] for k in ("relative_score", "score", "max_score", "accuracy",
                                  "relatedness_accuracy", "macro_f1", "disagree_recall",
                                  "per_class", "confusion")}  # fmt: skip
    config = {
        "format": FORMAT,
        "labels": [*STANCE_LABELS, "unrelated"],
        "feature_names": list(FEATURE_NAMES),
        "tfidf": {"ngram_max": tfidf.ngram_max, "max_features": tfidf_features},
        "cues": cues,
        "decision": decision,
        "recipe": {"seed": seed, "folds": n_folds, "related_trees": related_trees,
                   "stance_trees": stance_trees, "embedding_lr_C": EMB_C, "text_lr_C": TXT_C,
                   "embedder": "all-MiniLM-L6-v2 (float16)"},
        "trained_on": {"data": "FNC-1 training set (fnc1_train)", "pairs": len(pairs),
                       "bodies": len(bodies)},
        "cross_validation": {**figures,
                             "untuned_decision_relative_score": untuned["relative_score"]},
    }  # fmt: skip
    model = StanceModel(config, tfidf, rel, st, emb_lr, txt_lr)
    model._check()
    say(f"trained in {time.perf_counter() - t0:.0f} s")
    return model, {"cv": cv, "p_related": p_related, "p_stance": p_stance, "fold": fold}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rashomon.stance.train",
                                     description="Train the FNC-1 stance model.")
    parser.add_argument("--data", default="../shared/data", help="the shared data folder")
    parser.add_argument("--out", default="rashomon/data/stance", help="the model folder")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--folds", type=int, default=FOLDS)
    parser.add_argument("--cache", default=None,
                        help="a folder of cached embeddings (emb_*.json + emb_*.npy)")
    args = parser.parse_args(argv)
    model, _ = train(args.data, seed=args.seed, n_folds=args.folds, cache=args.cache)
    model.save(args.out)
    print(f"saved to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

