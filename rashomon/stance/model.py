"""The shipped stance model: load it (offline, JSON + npz only), predict with it, save it.

``rashomon/data/stance`` holds ``model.json`` (settings, cue lists, decision weights, figures),
``vocabulary.json`` (the TF-IDF terms) and ``weights.npz`` (idf, two linear models, two tree
ensembles). A missing or unreadable file is a coded error (E082) naming the file, so a broken
install says what to rebuild instead of failing deep inside numpy.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rashomon.backends.nli import softmax
from rashomon.errors import ConfigurationError
from rashomon.stance.features import (
    FEATURE_NAMES,
    Embed,
    Texts,
    Tfidf,
    embedding_features,
    index_pairs,
    pair_features,
    prepare,
    text_features,
)
from rashomon.stance.gbdt import Trees

MODEL_DIR = Path(__file__).resolve().parents[1] / "data" / "stance"
FORMAT = 1
STANCE_LABELS: tuple[str, ...] = ("agree", "disagree", "discuss")
MODEL_FILES: tuple[str, ...] = ("model.json", "vocabulary.json", "weights.npz")


class Linear:
    """A multinomial logistic regression as its weights (``softmax(x W^T + b)``)."""

    def __init__(self, coef: np.ndarray, intercept: np.ndarray) -> None:
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64).ravel()
        if self.coef.ndim != 2 or self.coef.shape[0] != len(self.intercept):
            raise ValueError(f"linear weights of shapes {self.coef.shape} and "
                             f"{self.intercept.shape} do not fit")  # fmt: skip

    def proba(self, x: Any) -> np.ndarray:
        if x.shape[1] != self.coef.shape[1]:
            raise ValueError(f"expected {self.coef.shape[1]} inputs, got {x.shape[1]}")
        return softmax(np.asarray(x @ self.coef.T) + self.intercept)


def decide(p_related: np.ndarray, stance: np.ndarray, decision: dict[str, Any]) -> list[str]:
    """Unrelated below the relatedness threshold, else the stance of largest weighted
    probability (the weights, chosen by cross-validation, trade ``disagree`` recall against
    precision under the FNC-1 score)."""
    w = np.array([decision["weights"][label] for label in STANCE_LABELS])
    best = np.argmax(stance * w, axis=1)
    return ["unrelated" if pr < decision["threshold"] else STANCE_LABELS[k]
            for pr, k in zip(p_related, best, strict=True)]  # fmt: skip


class StanceModel:
    """Relatedness trees, then stance trees fed also with two stacked linear models."""

    def __init__(self, config: dict[str, Any], tfidf: Tfidf, related: Trees, stance: Trees,
                 emb_lr: Linear, txt_lr: Linear) -> None:  # fmt: skip
        self.config = config
        self.tfidf = tfidf
        self.related = related
        self.stance = stance
        self.emb_lr = emb_lr
        self.txt_lr = txt_lr

    # ----------------------------------------------------------------------------------------
    # Files

    @classmethod
    def load(cls, folder: str | Path | None = None) -> StanceModel:
        folder = Path(folder) if folder else MODEL_DIR
        config = _read_json(folder / "model.json")
        vocabulary = _read_json(folder / "vocabulary.json")
        path = folder / "weights.npz"
        try:
            config_format = config.get("format") if isinstance(config, dict) else None
            if config_format != FORMAT:
                raise ValueError(f"model format {config_format!r}, this rashomon reads {FORMAT}")
            if list(config["feature_names"]) != list(FEATURE_NAMES):
                raise ValueError("the model was trained on other features than this code makes")
            with np.load(path, allow_pickle=False) as npz:
                arrays = {k: npz[k] for k in npz.files}
            tfidf = Tfidf(vocabulary, arrays["idf"], int(config["tfidf"]["ngram_max"]))
            if len(tfidf.idf) != len(vocabulary):
                raise ValueError("the idf and the vocabulary differ in length")
            trees = {name: Trees({k.split(".", 1)[1]: v for k, v in arrays.items()
                                  if k.startswith(name + ".")})
                     for name in ("related", "stance")}  # fmt: skip
            model = cls(config, tfidf, trees["related"], trees["stance"],
                        Linear(arrays["emb_lr.coef"], arrays["emb_lr.intercept"]),
                        Linear(arrays["txt_lr.coef"], arrays["txt_lr.intercept"]))  # fmt: skip
            model._check()
        except FileNotFoundError as exc:
            raise ConfigurationError("E082", path=str(path), reason="no such file") from exc
        except (OSError, ValueError, KeyError, TypeError, IndexError, zipfile.BadZipFile,
                EOFError) as exc:  # fmt: skip
            raise ConfigurationError("E082", path=str(path), reason=str(exc) or type(exc).__name__
                                     ) from exc  # fmt: skip
        return model

    def _check(self) -> None:
        n = len(FEATURE_NAMES)
        if self.related.n_features != n or self.stance.n_features != n + 2 * len(STANCE_LABELS):
            raise ValueError("the tree ensembles expect another number of features")
        if self.txt_lr.coef.shape[1] != 3 * len(self.tfidf.vocabulary) + 1:
            raise ValueError("the text model does not fit the vocabulary")
        for key in ("threshold", "weights"):
            if key not in self.config["decision"]:
                raise ValueError(f"model.json has no decision {key!r}")

    def save(self, folder: str | Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {"idf": self.tfidf.idf}
        for name, trees in (("related", self.related), ("stance", self.stance)):
            arrays.update({f"{name}.{k}": v for k, v in trees.arrays().items()})
        for name, lin in (("emb_lr", self.emb_lr), ("txt_lr", self.txt_lr)):
            arrays[f"{name}.coef"] = lin.coef.astype(np.float32)
            arrays[f"{name}.intercept"] = lin.intercept
        # numpy's stub lets **kwds reach the bool ``allow_pickle``; the names here are "idf" etc.
        np.savez_compressed(folder / "weights.npz", **arrays)  # type: ignore[arg-type]
        (folder / "vocabulary.json").write_text(json.dumps(self.tfidf.vocabulary) + "\n",
                                                encoding="utf-8")  # fmt: skip
        (folder / "model.json").write_text(json.dumps(self.config, indent=1) + "\n",
                                           encoding="utf-8")  # fmt: skip

    # ----------------------------------------------------------------------------------------
    # Prediction

    def texts(self, pairs: Sequence[dict[str, Any]], bodies: dict[str, str], embed: Embed
              ) -> tuple[Texts, list[int], list[int]]:  # fmt: skip
        headlines, body_ids, hi, bi = index_pairs(pairs)
        texts = prepare(headlines, bodies, body_ids, self.tfidf, self.config["cues"], embed)
        return texts, hi, bi

    def proba(self, pairs: Sequence[dict[str, Any]], bodies: dict[str, str],
              embed: Embed | None = None) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
        """P(related) per pair, and P(agree, disagree, discuss) given related."""
        if not pairs:
            return np.zeros(0), np.zeros((0, len(STANCE_LABELS)))
        texts, hi, bi = self.texts(pairs, bodies, embed or default_embed())
        x, tops = pair_features(texts, hi, bi)
        p_related = self.related.proba(x)[:, 1]
        stacked = np.hstack([x, self.emb_lr.proba(embedding_features(texts, hi, bi, tops)),
                             self.txt_lr.proba(text_features(texts, hi, bi, tops))])  # fmt: skip
        return p_related, self.stance.proba(stacked)

    def predict(self, pairs: Sequence[dict[str, Any]], bodies: dict[str, str],
                embed: Embed | None = None) -> list[str]:  # fmt: skip
        """One of agree, disagree, discuss, unrelated per pair (reads only headline, body_id)."""
        p_related, stance = self.proba(pairs, bodies, embed)
        return decide(p_related, stance, self.config["decision"])


def default_embed() -> Embed:
    """The project's MiniLM embedder, rounded to float16 as in training (so that a vector does
    not depend on which texts shared its batch)."""
    from rashomon.backends.embeddings import default_embedder

    embedder = default_embedder()
    return lambda texts: round16(embedder.encode(list(texts)))


def round16(vecs: np.ndarray) -> np.ndarray:
    return np.asarray(vecs, dtype=np.float16).astype(np.float32)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigurationError("E082", path=str(path), reason="no such file") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigurationError("E082", path=str(path), reason=str(exc)) from exc
