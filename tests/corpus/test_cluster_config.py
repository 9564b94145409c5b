"""ClusterConfig, and the public methods the ingest uses instead of the clusterer's insides."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from test_clustering import PISCO, VAN

from rashomon.corpus.clustering import ClusterConfig, StoryClusterer
from rashomon.corpus.features import ArticleFeatures, FeatureExtractor
from rashomon.errors import ConfigurationError
from rashomon.model import Article

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def features() -> list[ArticleFeatures]:
    articles = [Article(id=f"v{i}", text=t) for i, t in enumerate(VAN)]
    articles += [Article(id=f"p{i}", text=t) for i, t in enumerate(PISCO)]
    return FeatureExtractor().extract(articles)


def test_config_round_trips_and_is_frozen() -> None:
    config = ClusterConfig(threshold=0.2, recluster_saturation=None, linkage="mixed")
    assert ClusterConfig.from_dict(config.to_dict()) == config
    assert config.replace(k=12).k == 12 and config.k == 24
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.threshold = 0.3  # type: ignore[misc]
    assert StoryClusterer(config).config is config
    assert StoryClusterer().config == ClusterConfig()


@pytest.mark.parametrize("change", [
    {"threshold": -0.1}, {"threshold": float("nan")}, {"time_window_days": 0},
    {"k": 0}, {"k": 2.5}, {"recluster_k": True}, {"neighbour_ratio": 1.5},
    {"embedding_weight": -1}, {"linkage": "single"}, {"dim": 128},
    {"recluster_saturation": 0}, {"max_centroid_terms": "600"},
])
def test_config_refuses_bad_settings(change: dict) -> None:
    with pytest.raises(ConfigurationError) as caught:
        ClusterConfig(**change)
    assert caught.value.code == "E160" and next(iter(change)) in str(caught.value)


def test_config_from_dict_names_unknown_settings() -> None:
    with pytest.raises(ConfigurationError) as caught:
        ClusterConfig.from_dict({"treshold": 0.2})
    assert caught.value.code == "E161" and "treshold" in str(caught.value)
    assert ClusterConfig.from_dict({"treshold": 0.2, "k": 5}, strict=False).k == 5


def test_a_version_1_snapshot_still_loads(features: list[ArticleFeatures]) -> None:
    # Written by the clusterer before ClusterConfig existed (its settings as flat params).
    old = StoryClusterer.from_bytes((HERE / "data" / "clusterer_v1.npz").read_bytes())
    assert old.config == ClusterConfig(recluster_threshold=0.12, neighbour_ratio=0.6,
                                       recluster_min_direct=0.08, neighbour_min=1)
    assert old.stories() == {"s000001": ["v0", "v1", "v2", "v3"],
                             "s000002": ["p0", "p1", "p2", "p3"]}
    extra = FeatureExtractor().extract([Article(id="v9", text=VAN[0] + " More to follow.")])[0]
    assert old.add(extra) == "s000001"  # its index and centroids work
    again = StoryClusterer.from_bytes(old.to_bytes())
    assert again.config == old.config and again.stories() == old.stories()


def test_members_contains_and_article_ids(features: list[ArticleFeatures]) -> None:
    clusterer = StoryClusterer()
    stories = clusterer.add_many(features)
    assert clusterer.members(stories[0]) == ["v0", "v1", "v2", "v3"]
    assert "p2" in clusterer and "x" not in clusterer
    assert clusterer.article_ids() == [f.id for f in features]
    with pytest.raises(KeyError):
        clusterer.members("s999999")


def test_assign_moves_articles_and_rebuilds_centroids(features: list[ArticleFeatures]) -> None:
    clusterer = StoryClusterer()
    clusterer.add_many(features)
    version = clusterer.version
    changed = clusterer.assign({"v3": "s000002", "p0": "s000042", "nobody": "s000001"})
    assert changed == {"s000001", "s000002", "s000042"}
    assert clusterer.stories() == {"s000001": ["v0", "v1", "v2"],
                                   "s000002": ["v3", "p1", "p2", "p3"], "s000042": ["p0"]}
    assert clusterer.changes_since(version) == {"v3": "s000002", "p0": "s000042"}
    # The rebuilt centroid is the one a clusterer that saw that grouping from the start has.
    fresh = StoryClusterer()
    fresh.add_many(features)
    fresh.assign({"v3": "s000002", "p0": "s000042"})
    s = clusterer._story_by_id["s000002"]
    t = fresh._story_by_id["s000002"]
    assert np.array_equal(clusterer._cent_terms[s], fresh._cent_terms[t])
    # An id given from outside is never handed out again.
    late = FeatureExtractor().extract([Article(id="z", text="Unrelated: a cat show in Oslo.")])
    assert clusterer.add(late[0]) == "s000043"


def test_windowed_recluster_leaves_other_stories_alone(features: list[ArticleFeatures]) -> None:
    clusterer = StoryClusterer()
    clusterer.add_many(features)
    clusterer.assign({"v2": "s000002"})  # a wrong online assignment
    window = clusterer.neighbourhood(["v2"])
    # whole stories, in order of arrival: at least the one the seed is in now
    assert window is not None and {"v2", "p0", "p1", "p2", "p3"} <= set(window)
    assert window == [f.id for f in features if f.id in window]
    assert clusterer.neighbourhood(["nobody"]) == []
    assert clusterer.neighbourhood(["v0", "v1", "p0"]) is None  # over a quarter: all of it
    version = clusterer.version
    regrouped = clusterer.recluster(["v0", "v1", "v2", "v3"])
    assert regrouped == {"s000001": ["v0", "v1", "v2", "v3"]}
    assert clusterer.changes_since(version) == {"v2": "s000001"}
    assert clusterer.members("s000002") == ["p0", "p1", "p2", "p3"]
    assert clusterer.recluster() == {"s000001": ["v0", "v1", "v2", "v3"],
                                     "s000002": ["p0", "p1", "p2", "p3"]}


def test_neighbourhood_through_the_index_agrees_on_a_small_corpus(
    features: list[ArticleFeatures],
) -> None:
    exact, indexed = StoryClusterer(), StoryClusterer()
    for clusterer in (exact, indexed):
        clusterer.add_many(features)
        clusterer.assign({"v2": "s000002"})
    indexed.exact_knn_limit = 0  # as in a corpus over the limit: candidates from the index
    for seeds in (["v2"], ["p1"], ["v0"]):
        assert indexed.neighbourhood(seeds) == exact.neighbourhood(seeds), seeds
