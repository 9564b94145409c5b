"""The entailment judges: features, the learned judge, the cross-encoder wrapper, the choice."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from rashomon.backends import nli
from rashomon.backends.nli import (
    LABELS,
    LEXICAL_FEATURES,
    CrossEncoderJudge,
    EntailmentJudge,
    LearnedJudge,
    PairFeaturizer,
    _Side,
    antonym_map,
    count_cues,
    default_judge,
    lexical_features,
    lexicon,
)
from rashomon.errors import ConfigurationError

# Real sentences (ECB+, CC BY 3.0) and copies with one thing changed.
NAVY = ("The Indian Navy on Saturday prevented pirates from attacking a merchant vessel flying an "
        "Ethiopian flag in the Gulf of Aden and took 23 into custody.")  # fmt: skip
NAVY_NUMBER = NAVY.replace("took 23", "took 41")
NAVY_DATE = NAVY.replace("Saturday", "Tuesday")
NAVY_NEG = NAVY.replace("prevented", "did not prevent")
QUAKE = ("A magnitude 6.1 earthquake struck Indonesia's Aceh province on Tuesday, killing at least "
         "22 people and injuring dozens.")  # fmt: skip
QUAKE_NUMBER = QUAKE.replace("22 people", "35 people")


class HashEmbedder:
    """A deterministic stand-in for the sentence embedder (bag of hashed words, normalised)."""

    name = "hash"
    dim = 32

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def encode(self, texts):
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                out[i, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-6)


def test_lexicons_load_and_cues_count():
    assert "not" in lexicon("negation")
    assert "hoax" in lexicon("refuting")
    assert "reportedly" in lexicon("hedging")
    assert "fell" in antonym_map()["rose"] and "rose" in antonym_map()["fell"]
    assert count_cues("The story is a hoax and not true, officials denied it.", "refuting") == 3
    assert count_cues("He reportedly left, according to sources.", "hedging") == 2
    assert count_cues("The stock rose.", "refuting") == 0


def _features(a: str, b: str) -> dict[str, float]:
    return dict(zip(LEXICAL_FEATURES, lexical_features(_Side(a), _Side(b), 0.9), strict=True))


def test_typed_features_see_the_change():
    same = _features(NAVY, NAVY)
    assert same["num_mismatch"] == 0 and same["diff_replace_number"] == 0
    assert same["seq_ratio"] == 1.0 and same["jaccard"] == 1.0
    num = _features(NAVY, NAVY_NUMBER)
    assert num["num_mismatch"] == 1.0 and num["diff_replace_number"] > 0
    date = _features(NAVY, NAVY_DATE)
    assert date["weekday_mismatch"] == 1.0 and date["diff_replace_date"] > 0
    neg = _features(NAVY, NAVY_NEG)
    assert neg["neg_parity"] == 1.0 and neg["diff_neg_change"] == 1.0
    ant = _features("Shares rose 5% on Monday.", "Shares fell 5% on Monday.")
    assert ant["antonym"] == 1.0 and ant["diff_replace_antonym"] > 0
    name = _features("Smith met Jones in Paris.", "Smith met Brown in Paris.")
    assert name["name_mismatch"] > 0 and name["diff_replace_name"] > 0


def test_featurizer_embeds_each_text_once():
    emb = HashEmbedder()
    feats = PairFeaturizer(emb)
    x = feats([(NAVY, NAVY_NUMBER), (NAVY, NAVY_DATE), (NAVY_NUMBER, NAVY)])
    assert x.shape == (3, len(LEXICAL_FEATURES) + 2 * emb.dim)
    assert len(emb.calls) == 1 and sorted(emb.calls[0]) == sorted({NAVY, NAVY_NUMBER, NAVY_DATE})


def _write_random_judge(folder: Path, n_features: int, hidden: int = 0) -> None:
    rng = np.random.default_rng(0)
    arrays = {"mean": np.zeros(n_features, np.float32), "scale": np.ones(n_features, np.float32)}
    dims = [n_features, *([hidden] if hidden else []), 3]
    for k in range(len(dims) - 1):
        arrays[f"W{k}"] = rng.normal(size=(dims[k], dims[k + 1])).astype(np.float32)
        arrays[f"b{k}"] = rng.normal(size=dims[k + 1]).astype(np.float32)
    np.savez(folder / "weights.npz", **arrays)
    meta = {"labels": ["contradiction", "entailment", "neutral"], "layers": len(dims) - 1,
            "lexical_features": list(LEXICAL_FEATURES), "name": "test-judge"}  # fmt: skip
    (folder / "judge.json").write_text(json.dumps(meta))


def test_learned_judge_outputs_probabilities_in_label_order(tmp_path):
    emb = HashEmbedder()
    _write_random_judge(tmp_path, len(LEXICAL_FEATURES) + 2 * emb.dim, hidden=8)
    judge = LearnedJudge(tmp_path, embedder=emb)
    assert isinstance(judge, EntailmentJudge)
    probs = judge.judge([(NAVY, NAVY_NUMBER), (QUAKE, QUAKE), (NAVY, QUAKE)])
    assert probs.shape == (3, 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    assert (probs >= 0).all()
    # The file's label order (contradiction, entailment, neutral) is mapped onto LABELS.
    x = judge.featurizer([(NAVY, NAVY_NUMBER)])
    raw = judge.predict_features(x)
    h = np.maximum(x @ judge.layers[0][0] + judge.layers[0][1], 0) @ judge.layers[1][0]
    h = h + judge.layers[1][1]
    order = np.exp(h - h.max()) / np.exp(h - h.max()).sum()
    np.testing.assert_allclose(raw[0], order[0][[1, 2, 0]], rtol=1e-4)
    assert judge.judge([]).shape == (0, 3)


def test_learned_judge_averages_its_members(tmp_path):
    emb = HashEmbedder()
    n = len(LEXICAL_FEATURES) + 2 * emb.dim
    one, two = tmp_path / "one", tmp_path / "two"
    for folder in (one, two):
        folder.mkdir()
    _write_random_judge(one, n)
    rng = np.random.default_rng(1)
    w2, b2 = rng.normal(size=(n, 3)).astype(np.float32), rng.normal(size=3).astype(np.float32)
    with np.load(one / "weights.npz") as npz:
        arrays = {"mean": npz["mean"], "scale": npz["scale"], "m0_W0": npz["W0"],
                  "m0_b0": npz["b0"], "m1_W0": w2, "m1_b0": b2}  # fmt: skip
    np.savez(two / "weights.npz", **arrays)
    meta = json.loads((one / "judge.json").read_text())
    meta.pop("layers")
    meta["members"] = [{"prefix": "m0_", "layers": 1, "temperature": 1.0},
                       {"prefix": "m1_", "layers": 1, "temperature": 2.0}]  # fmt: skip
    (two / "judge.json").write_text(json.dumps(meta))
    single, ensemble = LearnedJudge(one, embedder=emb), LearnedJudge(two, embedder=emb)
    x = single.featurizer([(NAVY, NAVY_NUMBER), (QUAKE, NAVY)])
    z = x @ w2 + b2
    second = nli.softmax(z / 2.0)[:, [1, 2, 0]]
    expected = (single.predict_features(x) + second) / 2
    np.testing.assert_allclose(ensemble.predict_features(x), expected, rtol=1e-4, atol=1e-6)


def test_learned_judge_refuses_stale_or_missing_weights(tmp_path):
    with pytest.raises(ConfigurationError):
        LearnedJudge(tmp_path)
    _write_random_judge(tmp_path, 10)
    meta = json.loads((tmp_path / "judge.json").read_text())
    meta["lexical_features"] = ["something_else"]
    (tmp_path / "judge.json").write_text(json.dumps(meta))
    with pytest.raises(ConfigurationError):
        LearnedJudge(tmp_path, embedder=HashEmbedder())


def test_cross_encoder_label_order_from_config():
    config = {"id2label": {"0": "contradiction", "1": "entailment", "2": "neutral"}}
    assert CrossEncoderJudge.label_order(config) == [1, 2, 0]
    config = {"id2label": {"0": "ENTAILMENT", "1": "NEUTRAL", "2": "CONTRADICTION"}}
    assert CrossEncoderJudge.label_order(config) == [0, 1, 2]
    with pytest.raises(ConfigurationError):
        CrossEncoderJudge.label_order({"id2label": {"0": "LABEL_0", "1": "LABEL_1"}})


_VOCAB = NAVY + " " + QUAKE + " 41 35 tuesday did not prevent"


def test_cross_encoder_judge_loads_a_local_folder(tmp_path, monkeypatch, tiny_cross_encoder):
    tiny_cross_encoder(tmp_path, _VOCAB)
    judge = CrossEncoderJudge(tmp_path, device="cpu", quantize=False)
    assert isinstance(judge, EntailmentJudge)
    pairs = [(NAVY, NAVY_NUMBER), (QUAKE, QUAKE_NUMBER), (NAVY, NAVY)]
    probs = judge.judge(pairs)
    assert probs.shape == (3, 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    # The same logits, read straight from the model, in the model's own order, whatever order
    # the judge batched the pairs in.
    import torch

    with torch.inference_mode():
        inputs = judge.tokenizer([NAVY], [NAVY_NUMBER], return_tensors="pt")
        logits = judge.model(**inputs).logits.numpy()
    expected = np.exp(logits[0][[1, 2, 0]]) / np.exp(logits[0]).sum()
    np.testing.assert_allclose(probs[0], expected, rtol=1e-4)
    # Quantised (the CPU default), it says nearly the same.
    quantised = CrossEncoderJudge(tmp_path, device="cpu").judge(pairs)
    np.testing.assert_allclose(quantised, probs, atol=0.05)
    monkeypatch.setenv(nli.ENV_MODEL, str(tmp_path))
    chosen = default_judge()
    assert isinstance(chosen, CrossEncoderJudge)
    assert default_judge() is chosen  # loaded once per folder


@pytest.mark.parametrize("damage", ["missing-weights", "truncated-weights", "bad-config"])
def test_damaged_model_folder_is_one_error_naming_the_file(tmp_path, damage, tiny_cross_encoder):
    tiny_cross_encoder(tmp_path, _VOCAB)
    weights, config = tmp_path / "model.safetensors", tmp_path / "config.json"
    if damage == "missing-weights":
        weights.unlink()
        named = weights
    elif damage == "truncated-weights":
        weights.write_bytes(weights.read_bytes()[:1000])
        named = weights
    else:
        config.write_text("{not json", encoding="utf-8")
        named = config
    with pytest.raises(ConfigurationError) as caught:
        CrossEncoderJudge(tmp_path, device="cpu")
    message = str(caught.value)
    assert "E083" in message and str(named) in message
    assert "Traceback" not in message and "\n" not in message


def test_default_judge_env_must_name_a_folder(monkeypatch, tmp_path):
    monkeypatch.setenv(nli.ENV_MODEL, str(tmp_path / "missing"))
    with pytest.raises(ConfigurationError):
        default_judge()


# --------------------------------------------------------------------------------------------
# The shipped weights with the real embedder


@pytest.fixture(scope="session")
def learned_judge():
    from rashomon.backends.embeddings import default_embedder

    return LearnedJudge(embedder=default_embedder())


@pytest.mark.slow
def test_shipped_judge_on_real_sentences(learned_judge, monkeypatch):
    monkeypatch.delenv(nli.ENV_MODEL, raising=False)
    pairs = [(NAVY, NAVY), (NAVY, NAVY_NUMBER), (QUAKE, QUAKE), (QUAKE, QUAKE_NUMBER),
             (NAVY, NAVY_DATE), (NAVY, NAVY_NEG), (NAVY, QUAKE)]  # fmt: skip
    probs = learned_judge.judge(pairs)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-5)
    c = LABELS.index("contradiction")
    assert probs[1, c] > probs[0, c] and probs[1, c] > 0.5
    assert probs[3, c] > probs[2, c] and probs[3, c] > 0.5
    assert probs[4, c] > 0.5 and probs[5, c] > 0.5
    assert probs[0].argmax() == LABELS.index("entailment")
    # Two unrelated stories: never an entailment (the judge is meant for aligned pairs only).
    assert probs[6, LABELS.index("entailment")] < 0.1
    # Batched and one by one agree.
    np.testing.assert_allclose(learned_judge.judge([pairs[1]])[0], probs[1], rtol=1e-4, atol=1e-6)
