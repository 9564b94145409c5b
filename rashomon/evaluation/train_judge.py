"""Train rashomon's own entailment judge (:class:`rashomon.backends.nli.LearnedJudge`).

    python -m rashomon.evaluation.train_judge --data ../shared/data --out rashomon/data/judge

Pairs come from :mod:`rashomon.evaluation.perturb` over the CC-licensed sets only (ECB+ CC BY 3.0,
MEANTIME CC BY 4.0), split by story/document into train and held-out. The model type (logistic
regression or a one-hidden-layer network) and its regularisation are chosen on a validation part
of the *training* stories; the held-out stories are touched once, for the figures printed at the
end. Weights are written as ``weights.npz`` + ``judge.json`` (no pickle) and the figures as
``metrics.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rashomon.backends.nli import LABELS, LEXICAL_FEATURES, PairFeaturizer
from rashomon.errors import InputError
from rashomon.evaluation.perturb import Pair, build_pools, load_cc_corpus, make_pairs, parse_corpus

LABEL_INDEX = {label: i for i, label in enumerate(LABELS)}


def build_pairs(data_dir: str | Path, seed: int = 0, embedder: Any = None,
                heldout: float = 0.25) -> list[Pair]:  # fmt: skip
    """All training and held-out pairs, deterministic for ``seed``."""
    from rashomon.backends.parser import default_parser

    data_dir = Path(data_dir)
    if not (data_dir / "ecbplus").is_dir():
        raise InputError("E080", path=str(data_dir))
    articles = load_cc_corpus(data_dir)
    sentences, docs = parse_corpus(articles, default_parser(), seed=seed, heldout=heldout)
    pools = build_pools(docs, min_count=2)
    return make_pairs(sentences, pools, random.Random(seed), embedder=embedder)


class CachedEmbedder:
    """Wraps an embedder with a vector cache kept in an ``.npz`` file between training runs."""

    def __init__(self, inner: Any, path: str | Path) -> None:
        self.inner, self.path = inner, Path(path)
        self.name, self.dim = inner.name, inner.dim
        self.cache: dict[str, np.ndarray] = {}
        if self.path.exists():
            with np.load(self.path, allow_pickle=False) as npz:
                self.cache = dict(zip(npz["texts"].tolist(), npz["vectors"], strict=True))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if missing:
            self.cache.update(zip(missing, self.inner.encode(missing), strict=True))
            np.savez(self.path, texts=np.array(list(self.cache)),
                     vectors=np.stack(list(self.cache.values())))  # fmt: skip
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, t in enumerate(texts):
            out[i] = self.cache[t]
        return out


# --------------------------------------------------------------------------------------------
# Metrics


def confusion(y_true: Sequence[int], y_pred: Sequence[int], n: int = 3) -> np.ndarray:
    m = np.zeros((n, n), dtype=np.int64)
    for t, p in zip(y_true, y_pred, strict=True):
        m[t, p] += 1
    return m


def per_class(m: np.ndarray, labels: Sequence[str]) -> dict[str, dict[str, float]]:
    out = {}
    for i, label in enumerate(labels):
        tp = m[i, i]
        precision = tp / m[:, i].sum() if m[:, i].sum() else 0.0
        recall = tp / m[i, :].sum() if m[i, :].sum() else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out[label] = {"precision": float(precision), "recall": float(recall), "f1": float(f1),
                      "support": int(m[i, :].sum())}  # fmt: skip
    return out


def format_confusion(m: np.ndarray, labels: Sequence[str]) -> str:
    width = max(len(lbl) for lbl in labels) + 2
    lines = ["true \\ predicted".ljust(width + 4) + "".join(lbl[:12].rjust(14) for lbl in labels)]
    for i, label in enumerate(labels):
        lines.append(label.ljust(width + 4) + "".join(str(int(x)).rjust(14) for x in m[i]))
    return "\n".join(lines)


def format_per_class(stats: dict[str, dict[str, float]]) -> str:
    lines = [f"{'class':16}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}"]
    for label, s in stats.items():
        lines.append(f"{label:16}{s['precision']:10.3f}{s['recall']:10.3f}{s['f1']:10.3f}"
                     f"{s['support']:10d}")  # fmt: skip
    return "\n".join(lines)


def evaluate(probs: np.ndarray, pairs: Sequence[Pair]) -> dict[str, Any]:
    """Accuracy, per-class figures, confusion, accuracy by kind, and contradiction-vs-rest."""
    y = np.array([LABEL_INDEX[p.label] for p in pairs])
    pred = probs.argmax(axis=1)
    m = confusion(y.tolist(), pred.tolist())
    by_kind: dict[str, list[int]] = {}
    for p, t, q in zip(pairs, y, pred, strict=True):
        by_kind.setdefault(p.kind, []).append(int(t == q))
    c = LABEL_INDEX["contradiction"]
    is_c, said_c = y == c, pred == c
    tp = int((is_c & said_c).sum())
    prec = tp / said_c.sum() if said_c.sum() else 0.0
    rec = tp / is_c.sum() if is_c.sum() else 0.0
    cross = np.array([p.kind.startswith("cross-doc") for p in pairs])
    thresholds = {}
    for subset, mask in (("all", np.ones(len(pairs), bool)), ("cross-doc", cross)):
        for t in (0.5, 0.7, 0.9):
            said = (probs[:, c] >= t) & mask
            hit = int((said & is_c).sum())
            thresholds[f"{subset}@{t}"] = {
                "precision": hit / said.sum() if said.sum() else 0.0,
                "recall": hit / (is_c & mask).sum() if (is_c & mask).sum() else 0.0,
            }
    return {
        "n": len(pairs),
        "accuracy": float((pred == y).mean()) if len(y) else 0.0,
        "contradiction_at_threshold": thresholds,
        "per_class": per_class(m, LABELS),
        "confusion": m.tolist(),
        "accuracy_by_kind": {k: {"accuracy": float(np.mean(v)), "n": len(v)}
                             for k, v in sorted(by_kind.items())},
        "contradiction_vs_rest": {
            "precision": float(prec),
            "recall": float(rec),
            "f1": float(2 * prec * rec / (prec + rec)) if prec + rec else 0.0,
        },
    }


def report(name: str, metrics: dict[str, Any]) -> str:
    lines = [f"== {name}: {metrics['n']} pairs, accuracy {metrics['accuracy']:.3f}",
             format_per_class(metrics["per_class"]), "",
             format_confusion(np.array(metrics["confusion"]), LABELS), "",
             "accuracy by kind (share of pairs given their true label):"]  # fmt: skip
    for kind, s in metrics["accuracy_by_kind"].items():
        lines.append(f"  {kind:28}{s['accuracy']:7.3f}  (n={s['n']})")
    lines.append("contradiction when P(contradiction) >= t (all pairs / cross-report pairs only):")
    for key, v in metrics.get("contradiction_at_threshold", {}).items():
        lines.append(f"  {key:16} precision {v['precision']:.3f}  recall {v['recall']:.3f}")
    cr = metrics["contradiction_vs_rest"]
    lines.append(f"contradiction vs rest: precision {cr['precision']:.3f}, recall "
                 f"{cr['recall']:.3f}, f1 {cr['f1']:.3f}")  # fmt: skip
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Models


def fit_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    """The softmax temperature that minimises the negative log-likelihood (grid search)."""
    best, best_nll = 1.0, float("inf")
    for t in np.exp(np.linspace(np.log(0.5), np.log(20.0), 60)):
        z = logits / t
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        nll = float(-logp[np.arange(len(y)), y].mean())
        if nll < best_nll:
            best, best_nll = float(t), nll
    return best


def _fit(kind: str, x: np.ndarray, y: np.ndarray, seed: int, strength: float,
         boost: np.ndarray | None = None) -> Any:  # fmt: skip
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    counts = np.bincount(y, minlength=3).astype(float)
    weights = (len(y) / (3 * np.maximum(counts, 1)))[y]
    if boost is not None:
        weights = weights * boost
    if kind == "logreg":
        model = LogisticRegression(C=strength, max_iter=2000)
    else:
        model = MLPClassifier(hidden_layer_sizes=(int(kind.split("-")[1]),), alpha=strength,
                              max_iter=200, early_stopping=True, validation_fraction=0.1,
                              n_iter_no_change=10, random_state=seed)  # fmt: skip
    model.fit(x, y, sample_weight=weights)
    return model


def _layers(model: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    """Dense layers (W, b) giving logits in class order 0..2."""
    if hasattr(model, "coefs_"):
        layers = [(w.astype(np.float32), b.astype(np.float32))
                  for w, b in zip(model.coefs_, model.intercepts_, strict=True)]  # fmt: skip
    else:
        layers = [(model.coef_.T.astype(np.float32), model.intercept_.astype(np.float32))]
    assert list(model.classes_) == [0, 1, 2]
    return layers


def _logits(layers: list[tuple[np.ndarray, np.ndarray]], x: np.ndarray) -> np.ndarray:
    h = x
    for k, (w, b) in enumerate(layers):
        h = h @ w + b
        if k < len(layers) - 1:
            h = np.maximum(h, 0.0)
    return h


def _forward(layers: list[tuple[np.ndarray, np.ndarray]], x: np.ndarray,
             temperature: float = 1.0) -> np.ndarray:  # fmt: skip
    h = _logits(layers, x) / temperature
    h = h - h.max(axis=1, keepdims=True)
    e = np.exp(h)
    return e / e.sum(axis=1, keepdims=True)


CANDIDATES: tuple[tuple[str, float], ...] = (
    ("logreg", 1.0),
    ("mlp-64", 1e-2),
    ("mlp-128", 1e-2),
)
# Pairs across two reports are the closest to what the judge sees in use, and the rarest: they
# weigh this much more than a pair made from one sentence.
CROSS_DOC_WEIGHT = 2.0


def train(data_dir: str | Path, out: str | Path, seed: int = 0, log: Any = print,
          cache: str | Path | None = None) -> dict[str, Any]:  # fmt: skip
    from rashomon.backends.embeddings import default_embedder
    from rashomon.evaluation.perturb import split_of

    t0 = time.perf_counter()
    embedder: Any = default_embedder()
    if cache:
        embedder = CachedEmbedder(embedder, cache)
    pairs = build_pairs(data_dir, seed=seed, embedder=embedder)
    log(f"{len(pairs)} pairs in {time.perf_counter() - t0:.0f}s: "
        + ", ".join(f"{k}={v}" for k, v in sorted(Counter(p.split for p in pairs).items())))
    featurizer = PairFeaturizer(embedder)
    x = featurizer([(p.premise, p.hypothesis) for p in pairs])
    y = np.array([LABEL_INDEX[p.label] for p in pairs])
    log(f"features {x.shape} in {time.perf_counter() - t0:.0f}s")
    train_idx = np.array([i for i, p in enumerate(pairs) if p.split == "train"])
    test_idx = np.array([i for i, p in enumerate(pairs) if p.split == "heldout"])
    # Model selection on a validation part of the training documents (never the held-out ones).
    fit_mask = np.array([split_of(pairs[i].document, seed + 1, 0.2) == "train" for i in train_idx])
    fit_idx, val_idx = train_idx[fit_mask], train_idx[~fit_mask]
    mean = x[train_idx].mean(axis=0)
    scale = x[train_idx].std(axis=0) + 1e-6
    xs = (x - mean) / scale
    boost = np.array([CROSS_DOC_WEIGHT if p.kind.startswith("cross-doc") else 1.0 for p in pairs])
    selection: list[dict[str, Any]] = []
    val_probs: dict[tuple[str, float], np.ndarray] = {}
    val_pairs = [pairs[i] for i in val_idx]

    def macro_f1(metrics: dict[str, Any]) -> float:
        return float(np.mean([s["f1"] for s in metrics["per_class"].values()]))

    for kind, strength in CANDIDATES:
        layers = _layers(_fit(kind, xs[fit_idx], y[fit_idx], seed, strength, boost[fit_idx]))
        temperature = fit_temperature(_logits(layers, xs[val_idx]), y[val_idx])
        val_probs[(kind, strength)] = _forward(layers, xs[val_idx], temperature)
        val = evaluate(val_probs[(kind, strength)], val_pairs)
        selection.append({"model": kind, "members": [(kind, strength, temperature)],
                          "val_macro_f1": macro_f1(val), "val_accuracy": val["accuracy"]})
        log(f"  {kind:8} {strength:<6} validation accuracy {val['accuracy']:.3f} "
            f"macro-F1 {macro_f1(val):.3f} (temperature {temperature:.2f})")  # fmt: skip
    # The best linear model and the best network, averaged.
    lin = max((c for c in selection if c["model"] == "logreg"), key=lambda c: c["val_macro_f1"])
    net = max((c for c in selection if c["model"] != "logreg"), key=lambda c: c["val_macro_f1"])
    members = lin["members"] + net["members"]
    val = evaluate(np.mean([val_probs[m[:2]] for m in members], axis=0), val_pairs)
    selection.append({"model": "ensemble", "members": members, "val_macro_f1": macro_f1(val),
                      "val_accuracy": val["accuracy"]})  # fmt: skip
    log(f"  ensemble of {lin['model']} and {net['model']}: validation accuracy "
        f"{val['accuracy']:.3f} macro-F1 {macro_f1(val):.3f}")  # fmt: skip
    best = max(selection, key=lambda c: c["val_macro_f1"])

    # Refit the chosen members on all training stories; temperatures stay as fitted on validation.
    fitted = []
    for kind, strength, temperature in best["members"]:
        layers = _layers(_fit(kind, xs[train_idx], y[train_idx], seed, strength, boost[train_idx]))
        fitted.append((layers, temperature))

    def predict(rows: np.ndarray) -> np.ndarray:
        return np.mean([_forward(layers, xs[rows], t) for layers, t in fitted], axis=0)

    probs = predict(test_idx)
    held = evaluate(probs, [pairs[i] for i in test_idx])
    train_metrics = evaluate(predict(train_idx), [pairs[i] for i in train_idx])
    y_test = y[test_idx]
    nll = float(-np.log(np.maximum(probs[np.arange(len(y_test)), y_test], 1e-12)).mean())
    held["log_loss"] = nll
    log(f"held-out log-loss {nll:.3f}")
    log(report("held-out (stories never seen in training)", held))
    log(f"(training accuracy {train_metrics['accuracy']:.3f}; chosen {best['model']}: "
        f"{best['members']}; {time.perf_counter() - t0:.0f}s in all)")  # fmt: skip

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    arrays = {"mean": mean.astype(np.float32), "scale": scale.astype(np.float32)}
    member_meta = []
    for m, ((layers, temperature), (kind, strength, _)) in enumerate(
        zip(fitted, best["members"], strict=True)
    ):
        for k, (w, b) in enumerate(layers):
            arrays[f"m{m}_W{k}"], arrays[f"m{m}_b{k}"] = w, b
        member_meta.append({"prefix": f"m{m}_", "layers": len(layers), "model": kind,
                            "strength": strength, "temperature": temperature})  # fmt: skip
    np.savez_compressed(out / "weights.npz", **arrays)
    meta = {
        "name": "rashomon-learned-judge-v1",
        "labels": list(LABELS),
        "model": best["model"],
        "members": member_meta,
        "cross_doc_weight": CROSS_DOC_WEIGHT,
        "embedding": featurizer.embedding,
        "embedder": getattr(embedder, "name", "all-MiniLM-L6-v2"),
        "n_features": int(x.shape[1]),
        "lexical_features": list(LEXICAL_FEATURES),
        "trained_on": "controlled perturbations of ECB+ (CC BY 3.0) and MEANTIME (CC BY 4.0)",
        "seed": seed,
        "pairs": {"train": len(train_idx), "heldout": len(test_idx)},
        "labels_train": dict(Counter(pairs[i].label for i in train_idx)),
    }
    (out / "judge.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    metrics = {"heldout": held, "train_accuracy": train_metrics["accuracy"],
               "selection": selection, "chosen": best}  # fmt: skip
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1) + "\n", encoding="utf-8")
    return metrics


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rashomon.evaluation.train_judge",
                                     description=__doc__.split("\n\n")[0])  # fmt: skip
    parser.add_argument("--data", default="../shared/data", help="the shared data folder")
    parser.add_argument("--out", default="rashomon/data/judge", help="where the weights go")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache", default=None,
                        help="an .npz file keeping sentence vectors between runs (optional)")
    args = parser.parse_args(argv)
    train(args.data, args.out, seed=args.seed, cache=args.cache)
    return 0


if __name__ == "__main__":
    sys.exit(main())
