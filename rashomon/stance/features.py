"""Features of a (headline, body) pair for the stance model.

Why these: FNC-1's unrelated pairs are a headline with the body of another story, so word,
n-gram and embedding overlap separate them almost perfectly; among related pairs, ``disagree``
bodies carry refuting words near the passage that matches the headline and ``discuss`` bodies
hedge and attribute (``reportedly``, ``according to``), so the cue counts are taken both over the
whole body and over the sentences that best match the headline. The TF-IDF space and the cue
lists are part of the saved model (nothing here reads a file), so a model predicts the same
whatever the lexicon files say later.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from rashomon.evaluation.fnc1 import split_sentences

_WORD = re.compile(r"[a-z0-9]+")
STOP: frozenset[str] = frozenset(
    "a an the of in on at to for from by with and or but is are was were be been has have had "
    "do does did will would can could it its this that these those he she they we you i his her "
    "their our as than there which who what when where how also just so very into over about "
    "after before up out new says said say report reports".split()
)
# Attribution and reporting words (typical of ``discuss`` bodies), beside the hedging lexicon.
REPORTING: tuple[str, ...] = (
    "said", "says", "say", "told", "according", "reported", "reports", "report", "claim",
    "claims", "claimed", "sources", "source", "spokesman", "spokeswoman", "statement", "allegedly",
    "reportedly", "if", "whether", "may", "might", "could", "believe", "believed", "unclear",
    "video", "photo", "footage", "posted", "tweeted", "twitter", "facebook", "instagram",
)  # fmt: skip
CUE_KINDS: tuple[str, ...] = ("refuting", "hedging", "negation", "reporting")
TOP_K = 3
LEAD = 3
EMB_DIM = 384

Embed = Callable[[Sequence[str]], np.ndarray]


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def content(tokens: Sequence[str]) -> set[str]:
    return {w for w in tokens if w not in STOP and len(w) > 1}


def char_grams(text: str, n: int = 4) -> set[str]:
    s = " ".join(words(text))
    return {s[i : i + n] for i in range(max(len(s) - n + 1, 0))}


def cue_pattern(entries: Sequence[str]) -> re.Pattern[str]:
    """One regular expression for a cue list (longest first; multi-word cues allowed)."""
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+")
                            for w in sorted(entries, key=len, reverse=True))  # fmt: skip
    return re.compile(r"(?<![\w'’])(?:" + alternatives + r")(?![\w'’])", re.IGNORECASE)


def default_cues() -> dict[str, list[str]]:
    """The cue lists a new model is trained with (copied into the model, then read from it)."""
    from rashomon.backends.nli import lexicon

    return {"refuting": list(lexicon("refuting")), "hedging": list(lexicon("hedging")),
            "negation": list(lexicon("negation")), "reporting": list(REPORTING)}  # fmt: skip


# --------------------------------------------------------------------------------------------
# TF-IDF


class Tfidf:
    """Sublinear TF-IDF over a fixed vocabulary, saved as JSON (terms) and npz (idf).

    sklearn's vectorizers would pickle; this keeps the same arithmetic (smooth idf, l2 norm) with
    a vocabulary that is plain data."""

    def __init__(self, vocabulary: Sequence[str], idf: np.ndarray, ngram_max: int = 2) -> None:
        from sklearn.feature_extraction.text import CountVectorizer

        self.vocabulary = list(vocabulary)
        self.idf = np.asarray(idf, dtype=np.float64)
        self.ngram_max = ngram_max
        self._counter = CountVectorizer(vocabulary={t: i for i, t in enumerate(self.vocabulary)},
                                        ngram_range=(1, ngram_max), token_pattern=r"[a-z0-9]+",
                                        lowercase=True, dtype=np.float64)  # fmt: skip

    @classmethod
    def fit(cls, texts: Sequence[str], *, max_features: int, min_df: int = 2,
            ngram_max: int = 2) -> Tfidf:  # fmt: skip
        from sklearn.feature_extraction.text import CountVectorizer

        cv = CountVectorizer(ngram_range=(1, ngram_max), token_pattern=r"[a-z0-9]+",
                             lowercase=True, min_df=min_df, max_features=max_features,
                             stop_words=sorted(STOP), dtype=np.float64)  # fmt: skip
        counts = cv.fit_transform(texts)
        vocab = sorted(cv.vocabulary_, key=cv.vocabulary_.get)
        df = np.asarray((counts > 0).sum(axis=0)).ravel()
        idf = np.log((1 + counts.shape[0]) / (1 + df)) + 1.0
        return cls(vocab, idf, ngram_max)

    def counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        return self._counter.transform(texts).tocsr()

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        m = self.counts(texts)
        m.data = 1.0 + np.log(m.data)
        m = m @ sp.diags(self.idf)
        return _l2(m)


def _l2(m: sp.spmatrix) -> sp.csr_matrix:
    m = sp.csr_matrix(m, dtype=np.float64)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ m)


def rowwise_dot(a: sp.spmatrix, b: sp.spmatrix) -> np.ndarray:
    return np.asarray(a.multiply(b).sum(axis=1)).ravel()


# --------------------------------------------------------------------------------------------
# Pair features


@dataclass
class Texts:
    """Everything computed once per headline and once per body, shared by all their pairs."""

    headlines: list[str]
    body_ids: list[str]
    sentences: list[list[str]]  # per body
    head_vecs: np.ndarray
    sent_vecs: list[np.ndarray]  # per body, (sentences, dim)
    head_tfidf: sp.csr_matrix
    body_tfidf: sp.csr_matrix
    lead_tfidf: sp.csr_matrix
    sent_tfidf: list[sp.csr_matrix]
    head_cues: np.ndarray  # (headlines, kinds)
    sent_cues: list[np.ndarray]  # per body, (sentences, kinds)


def prepare(headlines: Sequence[str], bodies: dict[str, str], body_ids: Sequence[str],
            tfidf: Tfidf, cues: dict[str, list[str]], embed: Embed) -> Texts:  # fmt: skip
    """Split, embed, vectorise and count cues once per headline and body."""
    patterns = [cue_pattern(cues[k]) for k in CUE_KINDS]
    sentences = [split_sentences(bodies[b]) for b in body_ids]
    flat = [s for ss in sentences for s in ss]
    vecs = embed(list(headlines) + flat).astype(np.float32)
    head_vecs, flat_vecs = vecs[: len(headlines)], vecs[len(headlines) :]
    flat_tfidf = tfidf.transform(flat)
    offsets = np.cumsum([0] + [len(ss) for ss in sentences])

    def count(text: str) -> list[int]:
        return [len(p.findall(text)) for p in patterns]

    flat_cues = np.array([count(s) for s in flat], dtype=np.float32).reshape(len(flat), -1)
    return Texts(
        headlines=list(headlines), body_ids=list(body_ids), sentences=sentences,
        head_vecs=head_vecs,
        sent_vecs=[flat_vecs[offsets[i] : offsets[i + 1]] for i in range(len(sentences))],
        head_tfidf=tfidf.transform(headlines),
        body_tfidf=tfidf.transform([bodies[b] for b in body_ids]),
        lead_tfidf=tfidf.transform([" ".join(ss[:LEAD]) for ss in sentences]),
        sent_tfidf=[flat_tfidf[offsets[i] : offsets[i + 1]] for i in range(len(sentences))],
        head_cues=np.array([count(h) for h in headlines], dtype=np.float32).reshape(
            len(headlines), -1),
        sent_cues=[flat_cues[offsets[i] : offsets[i + 1]] for i in range(len(sentences))],
    )  # fmt: skip


FEATURE_NAMES: tuple[str, ...] = (
    # relatedness
    "tfidf_cos", "tfidf_cos_lead", "tfidf_sent_max", "tfidf_sent_top3",
    "emb_sent_max", "emb_sent_top3", "emb_sent_mean", "emb_first", "emb_body_mean",
    "best_sent_position", "word_share", "word_share_lead", "word_jaccard", "bigram_share",
    "char4_share", "missing_words", "head_words", "body_sentences",
    # cues: headline, best-matching sentences, lead, whole body (rate per sentence)
    *(f"head_{k}" for k in CUE_KINDS),
    *(f"top_{k}" for k in CUE_KINDS),
    *(f"best_{k}" for k in CUE_KINDS),
    *(f"lead_{k}" for k in CUE_KINDS),
    *(f"body_{k}_rate" for k in CUE_KINDS),
    *(f"body_{k}_any" for k in CUE_KINDS),
    "head_question", "head_quote", "top_question", "top_quote", "sim_weighted_refuting",
    "sim_weighted_hedging",
)  # fmt: skip


def pair_features(texts: Texts, head_index: Sequence[int], body_index: Sequence[int]
                  ) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """The dense features of each pair, and the index of its best-matching body sentence
    (``(pairs, 3)``, into that body's sentences; -1 pads bodies with fewer)."""
    n = len(head_index)
    hi, bi = np.asarray(head_index), np.asarray(body_index)
    x = np.zeros((n, len(FEATURE_NAMES)), dtype=np.float32)
    tops = np.full((n, TOP_K), -1, dtype=np.int64)
    col = {name: i for i, name in enumerate(FEATURE_NAMES)}
    x[:, col["tfidf_cos"]] = rowwise_dot(texts.head_tfidf[hi], texts.body_tfidf[bi])
    x[:, col["tfidf_cos_lead"]] = rowwise_dot(texts.head_tfidf[hi], texts.lead_tfidf[bi])

    head_tokens = [words(h) for h in texts.headlines]
    head_content = [content(t) for t in head_tokens]
    head_bigrams = [set(itertools.pairwise(t)) for t in head_tokens]
    head_chars = [char_grams(h) for h in texts.headlines]
    k = len(CUE_KINDS)
    c_head, c_top, c_best = col["head_refuting"], col["top_refuting"], col["best_refuting"]
    c_lead, c_rate = col["lead_refuting"], col["body_refuting_rate"]
    c_any = col["body_refuting_any"]
    by_body: dict[int, list[int]] = {}
    for row, b in enumerate(bi):
        by_body.setdefault(int(b), []).append(row)
    for b, rows in by_body.items():
        sents = texts.sentences[b]
        body_text = " ".join(sents)
        body_tokens = words(body_text)
        body_words, lead_words = set(body_tokens), set(words(" ".join(sents[:LEAD])))
        body_bigrams = set(itertools.pairwise(body_tokens))
        body_chars = char_grams(body_text)
        svecs, stf, scues = texts.sent_vecs[b], texts.sent_tfidf[b], texts.sent_cues[b]
        mean_vec = svecs.mean(axis=0)
        mean_vec = mean_vec / (np.linalg.norm(mean_vec) or 1.0)
        heads = hi[rows]
        emb = texts.head_vecs[heads] @ svecs.T  # (rows, sentences)
        tf = (texts.head_tfidf[heads] @ stf.T).toarray()
        m = svecs.shape[0]
        order = np.argsort(-emb, axis=1, kind="stable")[:, :TOP_K]
        top_emb = np.take_along_axis(emb, order, axis=1)
        tf_sorted = -np.sort(-tf, axis=1)[:, :TOP_K]
        body_rate = scues.sum(axis=0) / m
        lead_c = scues[:LEAD].sum(axis=0)
        has_q = np.array(["?" in s for s in sents], dtype=np.float32)
        has_quote = np.array([bool(re.search(r"[\"“”]", s)) for s in sents], dtype=np.float32)
        for j, row in enumerate(rows):
            h = int(heads[j])
            top = order[j]
            tops[row, : len(top)] = top
            hc = head_content[h]
            x[row, col["tfidf_sent_max"]] = tf_sorted[j, 0]
            x[row, col["tfidf_sent_top3"]] = tf_sorted[j].mean()
            x[row, col["emb_sent_max"]] = top_emb[j, 0]
            x[row, col["emb_sent_top3"]] = top_emb[j].mean()
            x[row, col["emb_sent_mean"]] = emb[j].mean()
            x[row, col["emb_first"]] = emb[j, 0]
            x[row, col["emb_body_mean"]] = float(texts.head_vecs[h] @ mean_vec)
            x[row, col["best_sent_position"]] = top[0] / max(m - 1, 1)
            if hc:
                x[row, col["word_share"]] = len(hc & body_words) / len(hc)
                x[row, col["word_share_lead"]] = len(hc & lead_words) / len(hc)
                x[row, col["word_jaccard"]] = len(hc & body_words) / len(hc | body_words)
                x[row, col["missing_words"]] = len(hc - body_words)
            hb = head_bigrams[h]
            if hb:
                x[row, col["bigram_share"]] = len(hb & body_bigrams) / len(hb)
            hch = head_chars[h]
            if hch:
                x[row, col["char4_share"]] = len(hch & body_chars) / len(hch)
            x[row, col["head_words"]] = len(head_tokens[h])
            x[row, col["body_sentences"]] = m
            x[row, c_head : c_head + k] = texts.head_cues[h]
            x[row, c_top : c_top + k] = scues[top].sum(axis=0)
            x[row, c_best : c_best + k] = scues[top[0]]
            x[row, c_lead : c_lead + k] = lead_c
            x[row, c_rate : c_rate + k] = body_rate
            x[row, c_any : c_any + k] = (scues > 0).mean(axis=0)
            x[row, col["head_question"]] = "?" in texts.headlines[h]
            x[row, col["head_quote"]] = bool(re.search(r"[\"“”‘’']", texts.headlines[h]))
            x[row, col["top_question"]] = has_q[top].sum()
            x[row, col["top_quote"]] = has_quote[top].sum()
            w = np.clip(emb[j], 0, None)
            x[row, col["sim_weighted_refuting"]] = float(w @ scues[:, 0]) / m
            x[row, col["sim_weighted_hedging"]] = float(w @ scues[:, 1]) / m
    return x, tops


def embedding_features(texts: Texts, head_index: Sequence[int], body_index: Sequence[int],
                       tops: np.ndarray) -> np.ndarray:  # fmt: skip
    """``[h, s, h*s, |h-s|]`` with ``h`` the headline's vector and ``s`` the mean of its three
    best-matching body sentences: input of the stacked embedding model."""
    hi, bi = np.asarray(head_index), np.asarray(body_index)
    h = texts.head_vecs[hi]
    s = np.zeros_like(h)
    for row, b in enumerate(bi):
        t = tops[row][tops[row] >= 0]
        s[row] = texts.sent_vecs[int(b)][t].mean(axis=0)
    return np.hstack([h, s, h * s, np.abs(h - s)]).astype(np.float32)


def text_features(texts: Texts, head_index: Sequence[int], body_index: Sequence[int],
                  tops: np.ndarray) -> sp.csr_matrix:  # fmt: skip
    """TF-IDF of the headline, of the body and of the best-matching sentences side by side,
    with their cosine: input of the stacked text model (after the UCL FNC-1 system)."""
    hi, bi = np.asarray(head_index), np.asarray(body_index)
    h, b = texts.head_tfidf[hi], texts.body_tfidf[bi]
    rows = []
    for row, body in enumerate(bi):
        t = tops[row][tops[row] >= 0]
        rows.append(sp.csr_matrix(texts.sent_tfidf[int(body)][t].sum(axis=0)))
    s = _l2(sp.vstack(rows))
    cos = sp.csr_matrix(rowwise_dot(h, b)[:, None])
    return sp.hstack([h, b, s, cos], format="csr")


def index_pairs(pairs: Sequence[dict[str, Any]]) -> tuple[list[str], list[str], list[int],
                                                          list[int]]:  # fmt: skip
    """Unique headlines and body ids (first-seen order) and each pair's index into them."""
    headlines = list(dict.fromkeys(p["headline"] for p in pairs))
    body_ids = list(dict.fromkeys(str(p["body_id"]) for p in pairs))
    h_at = {h: i for i, h in enumerate(headlines)}
    b_at = {b: i for i, b in enumerate(body_ids)}
    return (headlines, body_ids, [h_at[p["headline"]] for p in pairs],
            [b_at[str(p["body_id"])] for p in pairs])  # fmt: skip
