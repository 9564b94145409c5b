"""The stance model: trees as arrays, folds by claim, a small model's round trip, broken files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rashomon.errors import ConfigurationError
from rashomon.stance.gbdt import Trees
from rashomon.stance.model import StanceModel
from rashomon.stance.train import claim_folds, train_on

TOPICS = ("volcano", "bridge", "museum", "stadium", "airport", "factory")
CITIES = ("Lima", "Oslo", "Cairo", "Quito", "Perth", "Hanoi")


def tiny_fnc() -> tuple[list[dict[str, str]], dict[str, str]]:
    """Six claims, each with two headlines and an agreeing, a refuting and a hedging body."""
    bodies, pairs = {}, []
    for i, (topic, city) in enumerate(zip(TOPICS, CITIES, strict=True)):
        bodies[f"{i}a"] = (f"The {topic} in {city} was closed on Monday. Workers confirmed the "
                           f"{topic} closure. The {topic} will stay closed all week.")
        bodies[f"{i}d"] = (f"Officials denied that the {topic} in {city} was closed. The story is "
                           f"a hoax and false. The {topic} is open, they said.")
        bodies[f"{i}s"] = (f"The {topic} in {city} was reportedly closed, according to unconfirmed "
                           f"claims. It is unclear whether the {topic} closed.")
    for i, (topic, city) in enumerate(zip(TOPICS, CITIES, strict=True)):
        for head in (f"{city} {topic} closed on Monday", f"{topic} shut down in {city}"):
            for suffix, stance in (("a", "agree"), ("d", "disagree"), ("s", "discuss")):
                pairs.append({"headline": head, "body_id": f"{i}{suffix}", "stance": stance})
            j = (i + 1) % len(TOPICS)
            for suffix in "ads":
                pairs.append({"headline": head, "body_id": f"{j}{suffix}", "stance": "unrelated"})
    return pairs, bodies


SMALL_TREES = {"max_iter": 5, "learning_rate": 0.3, "max_leaf_nodes": 4, "min_samples_leaf": 2}


@pytest.fixture(scope="module")
def tiny_model(fake_embed) -> StanceModel:
    pairs, bodies = tiny_fnc()
    model, _ = train_on(pairs, bodies, fake_embed, n_folds=3, log=None, tfidf_features=500,
                        related_trees=SMALL_TREES, stance_trees=SMALL_TREES)  # fmt: skip
    return model


def test_trees_as_arrays_predict_as_sklearn() -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from threadpoolctl import threadpool_limits

    rng = np.random.default_rng(0)
    x = rng.random((300, 4))
    x[rng.random(x.shape) < 0.05] = np.nan
    for y in (rng.integers(0, 3, 300), (x[:, 0] > 0.5).astype(int)):
        with threadpool_limits(1):  # OpenMP threads on a busy machine only wait on each other
            model = HistGradientBoostingClassifier(max_iter=10, random_state=0).fit(x, y)
            expected = model.predict_proba(x)
        trees = Trees(Trees.from_sklearn(model).arrays())
        assert np.allclose(trees.proba(x), expected, atol=1e-9)


def test_folds_never_split_a_body_or_a_claim() -> None:
    pairs, _ = tiny_fnc()
    fold = claim_folds(pairs, n_folds=3, seed=0)
    by_body: dict[str, set[int]] = {}
    by_related_headline: dict[str, set[int]] = {}
    for p, k in zip(pairs, fold, strict=True):
        by_body.setdefault(p["body_id"], set()).add(int(k))
        if p["stance"] != "unrelated":
            by_related_headline.setdefault(p["headline"], set()).add(int(k))
    assert all(len(v) == 1 for v in by_body.values())
    assert all(len(v) == 1 for v in by_related_headline.values())
    assert set(fold.tolist()) == {0, 1, 2}
    assert np.array_equal(fold, claim_folds(pairs, n_folds=3, seed=0))  # deterministic


def test_a_small_model_survives_the_round_trip(tiny_model: StanceModel, tmp_path: Path,
                                               fake_embed) -> None:
    pairs, bodies = tiny_fnc()
    tiny_model.save(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json", "vocabulary.json",
                                                          "weights.npz"]  # fmt: skip
    with np.load(tmp_path / "weights.npz", allow_pickle=False) as npz:  # no object arrays
        assert all(npz[k].dtype != object for k in npz.files)
    loaded = StanceModel.load(tmp_path)
    a, b = tiny_model.proba(pairs, bodies, fake_embed), loaded.proba(pairs, bodies, fake_embed)
    assert np.allclose(a[0], b[0]) and np.allclose(a[1], b[1], atol=1e-6)
    pred = loaded.predict(pairs, bodies, fake_embed)
    assert set(pred) <= {"agree", "disagree", "discuss", "unrelated"}
    # The decision and the figures travel in model.json.
    config = json.loads((tmp_path / "model.json").read_text())
    assert set(config["decision"]["weights"]) == {"agree", "disagree", "discuss"}
    assert "relative_score" in config["cross_validation"]


def test_training_is_deterministic(tiny_model: StanceModel, fake_embed) -> None:
    pairs, bodies = tiny_fnc()
    again, _ = train_on(pairs, bodies, fake_embed, n_folds=3, log=None, tfidf_features=500,
                        related_trees=SMALL_TREES, stance_trees=SMALL_TREES)  # fmt: skip
    assert again.config == tiny_model.config
    assert np.array_equal(again.stance.value, tiny_model.stance.value)
    assert np.array_equal(again.txt_lr.coef, tiny_model.txt_lr.coef)


@pytest.mark.parametrize("damage", ["missing", "truncated", "not json", "wrong shape"])
def test_a_broken_model_is_one_coded_error_naming_the_file(
    tiny_model: StanceModel, tmp_path: Path, damage: str
) -> None:
    tiny_model.save(tmp_path)
    if damage == "missing":
        (tmp_path / "weights.npz").unlink()
        broken = "weights.npz"
    elif damage == "truncated":
        data = (tmp_path / "weights.npz").read_bytes()
        (tmp_path / "weights.npz").write_bytes(data[: len(data) // 2])
        broken = "weights.npz"
    elif damage == "not json":
        (tmp_path / "model.json").write_text("{not json", encoding="utf-8")
        broken = "model.json"
    else:
        vocabulary = json.loads((tmp_path / "vocabulary.json").read_text())
        (tmp_path / "vocabulary.json").write_text(json.dumps(vocabulary[:-3]))
        broken = "weights.npz"
    with pytest.raises(ConfigurationError) as info:
        StanceModel.load(tmp_path)
    assert info.value.code == "E082"
    assert str(tmp_path / broken) in str(info.value)
    assert "\n" not in str(info.value)


def test_the_shipped_model_loads() -> None:
    model = StanceModel.load()
    assert model.config["trained_on"]["data"].startswith("FNC-1 training set")
    assert 0 < model.config["decision"]["threshold"] < 1
