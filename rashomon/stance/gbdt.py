"""Gradient boosted trees as plain arrays, with a numpy predictor.

Why: the shipped model must not be a pickle. A fitted sklearn
``HistGradientBoostingClassifier`` is flattened into a few arrays (one row per node of every
tree) that go into an npz file; :class:`Trees` predicts from them exactly as sklearn does
(``x <= threshold`` goes left, a missing value goes where the tree learnt to send it).
"""

from __future__ import annotations

from typing import Any

import numpy as np

FIELDS: tuple[str, ...] = ("feature", "threshold", "left", "right", "leaf", "missing_left",
                           "value")  # fmt: skip


class Trees:
    """An additive ensemble: ``raw[:, k] = baseline[k] + sum of the leaves of class k's trees``."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.feature = np.asarray(arrays["feature"], dtype=np.int64)
        self.threshold = np.asarray(arrays["threshold"], dtype=np.float64)
        self.left = np.asarray(arrays["left"], dtype=np.int64)
        self.right = np.asarray(arrays["right"], dtype=np.int64)
        self.leaf = np.asarray(arrays["leaf"], dtype=bool)
        self.missing_left = np.asarray(arrays["missing_left"], dtype=bool)
        self.value = np.asarray(arrays["value"], dtype=np.float64)
        self.roots = np.asarray(arrays["roots"], dtype=np.int64)  # first node of each tree
        self.tree_class = np.asarray(arrays["tree_class"], dtype=np.int64)
        self.baseline = np.asarray(arrays["baseline"], dtype=np.float64).ravel()
        self.n_features = int(np.asarray(arrays["n_features"]).ravel()[0])
        n = len(self.feature)
        for name in ("threshold", "left", "right", "leaf", "missing_left", "value"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"tree array {name!r} does not have {n} rows")
        internal = ~self.leaf
        if (self.roots.min(initial=0) < 0 or self.roots.max(initial=0) >= n
                or np.any(self.left[internal] >= n) or np.any(self.right[internal] >= n)
                or np.any(self.feature[internal] >= self.n_features)
                or np.any(self.tree_class >= len(self.baseline))):  # fmt: skip
            raise ValueError("tree arrays point outside themselves")

    @classmethod
    def from_sklearn(cls, model: Any) -> Trees:
        """Flatten a fitted ``HistGradientBoostingClassifier`` (numeric features only)."""
        parts: dict[str, list[np.ndarray]] = {f: [] for f in FIELDS}
        roots, tree_class, offset = [], [], 0
        for iteration in model._predictors:
            for k, predictor in enumerate(iteration):
                nodes = predictor.nodes
                if np.any(nodes["is_categorical"]):
                    raise ValueError("categorical splits are not supported")
                parts["feature"].append(nodes["feature_idx"].astype(np.int64))
                parts["threshold"].append(nodes["num_threshold"].astype(np.float64))
                parts["left"].append(nodes["left"].astype(np.int64) + offset)
                parts["right"].append(nodes["right"].astype(np.int64) + offset)
                parts["leaf"].append(nodes["is_leaf"].astype(bool))
                parts["missing_left"].append(nodes["missing_go_to_left"].astype(bool))
                parts["value"].append(nodes["value"].astype(np.float64))
                roots.append(offset)
                tree_class.append(k)
                offset += len(nodes)
        arrays = {f: np.concatenate(v) for f, v in parts.items()}
        arrays.update(roots=np.array(roots), tree_class=np.array(tree_class),
                      baseline=np.asarray(model._baseline_prediction).ravel(),
                      n_features=np.array([model.n_features_in_]))  # fmt: skip
        return cls(arrays)

    def arrays(self) -> dict[str, np.ndarray]:
        """For ``np.savez`` (thresholds and leaf values stay float64: predictions match sklearn)."""
        return {"feature": self.feature.astype(np.int32), "threshold": self.threshold,
                "left": self.left.astype(np.int32), "right": self.right.astype(np.int32),
                "leaf": self.leaf, "missing_left": self.missing_left, "value": self.value,
                "roots": self.roots.astype(np.int32),
                "tree_class": self.tree_class.astype(np.int32),
                "baseline": self.baseline, "n_features": np.array([self.n_features])}  # fmt: skip

    def raw(self, x: np.ndarray, chunk: int = 4096) -> np.ndarray:
        """Raw scores, ``(samples, classes)`` (one column for a binary model)."""
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.n_features:
            raise ValueError(f"expected {self.n_features} features, got shape {x.shape}")
        out = np.tile(self.baseline, (len(x), 1))
        for start in range(0, len(x), chunk):
            xs = x[start : start + chunk]
            rows = np.arange(len(xs))[:, None]
            node = np.tile(self.roots, (len(xs), 1))
            while True:
                inside = ~self.leaf[node]
                if not inside.any():
                    break
                v = xs[rows, self.feature[node]]
                go_left = np.where(np.isnan(v), self.missing_left[node], v <= self.threshold[node])
                node = np.where(inside, np.where(go_left, self.left[node], self.right[node]), node)
            leaves = self.value[node]
            for k in range(len(self.baseline)):
                out[start : start + chunk, k] += leaves[:, self.tree_class == k].sum(axis=1)
        return out

    def proba(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities: sigmoid for a binary model (two columns), softmax otherwise."""
        raw = self.raw(x)
        if raw.shape[1] == 1:
            p = 1.0 / (1.0 + np.exp(-raw[:, 0]))
            return np.column_stack([1 - p, p])
        raw = raw - raw.max(axis=1, keepdims=True)
        e = np.exp(raw)
        return e / e.sum(axis=1, keepdims=True)
