"""Online story clustering and the per-article features it runs on."""

from __future__ import annotations

import datetime as dt
import json
import random

import numpy as np
import pytest

from rashomon.corpus.clustering import ClusterConfig, StoryClusterer
from rashomon.corpus.features import SKETCH_DIM, ArticleFeatures, FeatureExtractor
from rashomon.errors import ConfigurationError
from rashomon.model import Article

VAN = [
    "A magnitude 6.1 earthquake struck the eastern Turkish province of Van on Sunday, killing 12 "
    "people in the town of Ercis and injuring hundreds, Turkey's disaster agency AFAD said. "
    "Rescue teams searched collapsed buildings in Ercis through the night.",
    "Rescuers in Ercis pulled survivors from the rubble of an apartment block after Sunday's "
    "6.1 earthquake in Van province. Turkey's disaster agency AFAD said the death toll in Ercis "
    "had risen to 13 and that tents were being sent to Van.",
    "The governor of Van declared a state of emergency in Ercis, where Sunday's magnitude 6.1 "
    "earthquake flattened a school and a mosque and killed 12 people. AFAD said aftershocks "
    "shook Van and Ercis into Monday.",
    "Turkey's president spoke with the mayor of Ercis as the toll from the Van earthquake "
    "climbed to 13. The disaster agency AFAD appealed for blood donations in Van province, "
    "where the 6.1 quake struck on Sunday.",
]
PISCO = [
    "A magnitude 8.0 earthquake shook southern Peru on Wednesday, killing at least 519 people "
    "in the coastal city of Pisco, where the San Clemente church collapsed during mass, and in "
    "the Ica region, Peru's civil defence said.",
    "President Alan Garcia flew to Pisco as the death toll from Wednesday's 8.0 earthquake in "
    "Peru reached 519. Looting was reported in Ica, and troops were sent to guard food stores "
    "in Pisco.",
    "Survivors in Pisco and Ica slept in the streets for fear of aftershocks after the 8.0 "
    "earthquake that killed 519 people in Peru. The San Clemente church in Pisco collapsed, "
    "and Alan Garcia promised to rebuild it.",
    "Alan Garcia declared a state of emergency in the Ica region of Peru. Most of the 519 "
    "victims of the magnitude 8.0 earthquake died in Pisco, many in the San Clemente church, "
    "the civil defence said.",
]


def quake(i: int, text: str, date=None, title=None) -> Article:
    return Article(id=f"q{i}", text=text, title=title, published=date)


def quakes() -> list[Article]:
    return [quake(i, t) for i, t in enumerate(VAN)] + [
        quake(10 + i, t) for i, t in enumerate(PISCO)
    ]


def newswcl50(shared_data) -> tuple[list[Article], list[str]]:
    rows = [
        json.loads(line)
        for line in (shared_data / "newswcl50" / "articles.jsonl").read_text("utf-8").splitlines()
    ]
    articles = [Article(id=r["id"], text=r["text"], title=r.get("title")) for r in rows]
    return articles, [a.id.split("/")[-1].split("_")[0] for a in articles]


# -- features -------------------------------------------------------------------------------


def test_features_round_trip():
    extractor = FeatureExtractor()
    article = quake(1, VAN[0], "2023-02-06T04:17:00Z", title="Quake kills 12 in Eastern Anatolia")
    f = extractor.extract([article])[0]
    assert f.published == dt.date(2023, 2, 6)
    assert f.vector.dtype == np.float32 and f.vector.shape == (SKETCH_DIM,)
    assert abs(float(np.linalg.norm(f.vector)) - 1.0) < 1e-5
    assert "eastern anatolia" in f.keys
    g = ArticleFeatures.from_bytes(f.to_bytes())
    assert g.id == f.id and g.keys == f.keys and g.published == f.published
    assert np.array_equal(g.vector, f.vector)
    assert np.array_equal(g.terms, f.terms) and np.array_equal(g.weights, f.weights)
    assert g.embedding is None
    f.embedding = np.ones(4, dtype=np.float32) / 2
    f.published = None
    h = ArticleFeatures.from_bytes(f.to_bytes())
    assert h.published is None and np.array_equal(h.embedding, f.embedding)


def test_features_are_the_same_in_every_extractor():
    article = quake(1, VAN[0])
    a = FeatureExtractor().extract([article])[0]
    b = FeatureExtractor().extract([article])[0]
    assert a.to_bytes() == b.to_bytes()


def test_features_of_empty_and_foreign_texts():
    fx = FeatureExtractor()
    empty, chinese = fx.extract([Article(id="e", text=""), Article(id="z", text="北京发生地震。")])
    assert len(empty.terms) == 0 and empty.keys == []
    assert len(chinese.terms) > 0
    clusterer = StoryClusterer()
    assert clusterer.add(empty) != clusterer.add(chinese)


# -- online clustering ----------------------------------------------------------------------


def test_two_similar_events_are_told_apart():
    fx = FeatureExtractor()
    articles = quakes()
    clusterer = StoryClusterer()
    ids = clusterer.add_many(fx.extract(articles))
    assert len(set(ids[:4])) == 1 and len(set(ids[4:])) == 1 and ids[0] != ids[4]
    assert ids[0] == "s000001" and ids[4] == "s000002"
    assert clusterer.stories() == {
        "s000001": ["q0", "q1", "q2", "q3"],
        "s000002": ["q10", "q11", "q12", "q13"],
    }
    assert clusterer.story_of("q12") == "s000002"
    with pytest.raises(KeyError):
        clusterer.story_of("nope")
    assert clusterer.add(fx.extract([articles[0]])[0]) == "s000001"  # added twice: same story


def test_time_window_separates_the_same_words_months_apart():
    fx = FeatureExtractor()
    a = quake(1, VAN[0], "2023-01-01")
    b = quake(2, VAN[0], "2023-01-03")
    c = quake(3, VAN[0], "2023-06-01")
    d = quake(4, VAN[0])  # undated: no time signal
    clusterer = StoryClusterer(ClusterConfig(time_window_days=7))
    ids = clusterer.add_many(fx.extract([a, b, c, d]))
    assert ids[0] == ids[1] and ids[2] != ids[0]
    assert ids[3] in (ids[0], ids[2])


def test_newswcl50_events_come_out_as_stories(shared_data):
    articles, gold = newswcl50(shared_data)
    features = FeatureExtractor().extract(articles)
    # Two of the events (Comey's memos; the DNC's lawsuit), online, in two orders.
    chosen = [i for i, g in enumerate(gold) if g in ("1", "3")]
    for seed in (None, 3):
        order = list(chosen)
        if seed is not None:
            random.Random(seed).shuffle(order)
        clusterer = StoryClusterer()
        clusterer.add_many([features[i] for i in order])
        by_event = {
            g: {clusterer.story_of(features[i].id) for i in chosen if gold[i] == g}
            for g in ("1", "3")
        }
        assert all(len(s) == 1 for s in by_event.values()), by_event
        assert by_event["1"] != by_event["3"]
    # All five events, offline: each one story, no two merged.
    clusterer = StoryClusterer()
    clusterer.add_many(features)
    stories = clusterer.recluster()
    assert sorted(
        sorted(gold[[a.id for a in articles].index(x)] for x in members)
        for members in stories.values()
    ) == [[g] * 5 for g in "01234"]


def test_save_load_round_trip_gives_identical_assignments(tmp_path, shared_data):
    articles, _ = newswcl50(shared_data)
    features = FeatureExtractor().extract(articles)
    order = list(range(len(features)))
    random.Random(7).shuffle(order)
    first, rest = [features[i] for i in order[:12]], [features[i] for i in order[12:]]
    clusterer = StoryClusterer()
    clusterer.add_many(first)
    clusterer.save(tmp_path / "clusterer.npz")
    loaded = StoryClusterer.load(tmp_path / "clusterer.npz")
    copied = StoryClusterer.from_bytes(clusterer.to_bytes())
    assert loaded.stories() == clusterer.stories()
    expected = clusterer.add_many(rest)
    assert loaded.add_many(rest) == expected
    assert copied.add_many(rest) == expected
    assert loaded.stories() == clusterer.stories()
    # Rebuilding by replaying the features in order gives the same stories too.
    replayed = StoryClusterer()
    replayed.add_many(first + rest)
    assert replayed.stories() == clusterer.stories()
    assert loaded.recluster() == clusterer.recluster()


def test_recluster_keeps_story_ids_stable():
    fx = FeatureExtractor()
    articles = quakes()
    clusterer = StoryClusterer()
    before = clusterer.add_many(fx.extract(articles))
    after = clusterer.recluster()
    assert set(after) == set(before)
    assert all(clusterer.story_of(a.id) == s for a, s in zip(articles, before, strict=True))
    new = clusterer.add(
        fx.extract([quake(99, "Wildfires forced 3,000 people from their homes in California.")])[0]
    )
    assert new not in before


# -- with the sentence model ----------------------------------------------------------------


@pytest.fixture(scope="session")
def embedder():
    from rashomon.backends.embeddings import default_embedder

    try:
        return default_embedder()
    except Exception as exc:  # the model package is an install-time dependency
        pytest.skip(f"the embedding model is not available: {exc}")


@pytest.mark.slow
def test_embeddings_are_optional_features(embedder):
    fx = FeatureExtractor(embedder=embedder)
    features = fx.extract(quakes())
    assert all(f.embedding is not None and f.embedding.shape == (embedder.dim,) for f in features)
    restored = ArticleFeatures.from_bytes(features[0].to_bytes())
    assert np.allclose(restored.embedding, features[0].embedding)
    # By default the clusterer scores with the lexical terms only (embedding_weight=0).
    assert StoryClusterer().add_many(features) == ["s000001"] * 4 + ["s000002"] * 4


def test_recluster_with_approximate_neighbours_matches_exact(shared_data):
    articles, _ = newswcl50(shared_data)
    features = FeatureExtractor().extract(articles)
    exact = StoryClusterer()
    exact.add_many(features)
    approximate = StoryClusterer()
    approximate.exact_knn_limit = 0  # the path taken beyond 20,000 articles
    approximate.add_many(features)
    assert approximate.recluster() == exact.recluster()


# -- the offline neighbourhood ----------------------------------------------------------------


def test_neighbour_min_keeps_the_nearest_few_beside_a_close_twin():
    # One near-twin (0.8) and the rest of its story at 0.25-0.3: the ratio rule alone (0.7 of
    # the nearest, capped at 0.5: 0.35) keeps only the twin; neighbour_min keeps the 3 nearest.
    sims = np.asarray([[0.8, 0.3, 0.28, 0.25, 0.1], [0.3, 0.0, -1.0, 0.0, 0.0]], np.float32)
    alone = StoryClusterer(ClusterConfig(neighbour_min=1))._kept_neighbours(sims)
    assert alone.tolist() == [
        [True, False, False, False, False],
        [True, False, False, False, False],
    ]
    kept = StoryClusterer(ClusterConfig(neighbour_min=3))._kept_neighbours(sims)
    # never a neighbour of no similarity (a padded or out-of-window slot), however few
    assert kept.tolist() == [[True, True, True, False, False], [True, False, False, False, False]]
    # more than k asked for: every positive one
    many = StoryClusterer(ClusterConfig(neighbour_min=50))._kept_neighbours(sims)
    assert many.tolist() == (sims > 0).tolist()


@pytest.mark.parametrize("value", [0, 2.5, True, -1])
def test_neighbour_min_must_be_a_whole_number(value):
    with pytest.raises(ConfigurationError) as caught:
        ClusterConfig(neighbour_min=value)
    assert caught.value.code == "E160" and "neighbour_min" in str(caught.value)


def test_neighbour_min_joins_a_twin_pair_to_its_story():
    # A story of six reports, two of them near-copies of each other (a rewrite): with the
    # ratio rule alone the pair keeps only each other and comes out as a story of its own.
    base = (
        "Police in Ercis said the earthquake in Van province killed 12 people and AFAD sent "
        "tents to the town of Ercis on Sunday."
    )
    extra = [
        "Rescue teams dug through collapsed buildings in Ercis overnight.",
        "The governor of Van said schools in Ercis would stay closed.",
        "Aftershocks shook Van and Ercis into Monday, AFAD said.",
        "Blood donations were appealed for in Van province after the quake.",
    ]
    twin = (
        "Rescuers in Ercis found survivors of the Van earthquake in a collapsed apartment block, "
        "the Turkish disaster agency AFAD said, as the death toll in Ercis rose to 13 people."
    )
    texts = [f"{base} {e}" for e in extra] + [twin, twin.replace("rose to 13", "climbed to 13")]
    texts += PISCO
    articles = [Article(id=f"a{i}", text=t) for i, t in enumerate(texts)]
    features = FeatureExtractor().extract(articles)
    grouped = {}
    for minimum in (1, 3):
        clusterer = StoryClusterer(ClusterConfig(neighbour_min=minimum))
        clusterer.add_many(features)
        grouped[minimum] = clusterer.recluster_labels().tolist()
    van, pisco = grouped[3][:6], grouped[3][6:]
    assert len(set(van)) == 1 and len(set(pisco)) == 1 and van[0] != pisco[0]
    assert len(set(grouped[1][:6])) > 1  # the twin pair on its own
