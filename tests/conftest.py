"""Fixtures shared by the whole suite: the bundled example and models loaded once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "petro-trump"
EXAMPLE_FILES = sorted(EXAMPLE.glob("*.txt"))
SHARED_DATA = Path(os.environ.get("RASHOMON_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def example_articles():
    from rashomon.model import Article

    return [Article(id=p.name, text=p.read_text("utf-8"), origin=str(p)) for p in EXAMPLE_FILES]


@pytest.fixture(scope="session")
def nlp():
    from rashomon.backends.parser import default_parser

    return default_parser()


@pytest.fixture(scope="session")
def reconciler():
    from rashomon.reconcile import default_reconciler

    return default_reconciler().load()


@pytest.fixture(scope="session")
def example_comparison(reconciler, example_articles):
    return reconciler.compare(example_articles)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"the shared data folder is missing ({SHARED_DATA})")
    return SHARED_DATA


def make_tiny_cross_encoder(folder: Path, text: str) -> None:
    """A randomly initialised, very small BERT sequence classifier saved as a local folder, its
    vocabulary the words of ``text`` (labels in an order of its own, to test the mapping)."""
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *sorted(set(
        text.lower().replace(".", " .").replace(",", " ,").split()))]  # fmt: skip
    (folder / "vocab.txt").write_text("\n".join(words) + "\n")
    tokenizer = BertTokenizerFast(vocab_file=str(folder / "vocab.txt"), do_lower_case=True)
    config = BertConfig(vocab_size=len(words), hidden_size=16, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=32, num_labels=3,
                        id2label={0: "contradiction", 1: "entailment", 2: "neutral"},
                        label2id={"contradiction": 0, "entailment": 1, "neutral": 2})  # fmt: skip
    model = BertForSequenceClassification(config)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)


@pytest.fixture
def tiny_cross_encoder():
    """``make(folder, text)``: a tiny cross-encoder folder (see :func:`make_tiny_cross_encoder`)."""
    return make_tiny_cross_encoder


def _fake_embed(texts):
    """Seeded random word vectors summed: offline, fast, and the same for the same text."""
    import zlib

    import numpy as np

    out = np.zeros((len(texts), 384), dtype=np.float32)
    for i, text in enumerate(texts):
        for w in text.lower().split():
            out[i] += np.random.default_rng(zlib.crc32(w.encode())).standard_normal(384)
        out[i] /= np.linalg.norm(out[i]) or 1.0
    return out


@pytest.fixture(scope="session")
def fake_embed():
    """An embedder stand-in (see :func:`_fake_embed`) for models fed with sentence vectors."""
    return _fake_embed
