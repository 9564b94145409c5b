"""Cheap per-article features for near-duplicate detection and story clustering.

Everything clustering needs about one article is computed once, here, and can be stored
(:meth:`ArticleFeatures.to_bytes`): no model runs at clustering time, and a store can rebuild its
clusterer from stored features alone.

The always-on signal is lexical and costs about a millisecond per article on one CPU core:

* ``terms``/``weights``: a hashed bag of words (2**20 buckets, stable CRC32 hashing, so features
  made by different processes agree). Words are lower-cased and stop words dropped; words in the
  headline and lead count double; multi-word capitalised names (``C:gulf of aden``) and numbers
  (``#2008``) are extra terms that count double, because they are what tells two similar events
  apart (two earthquakes, two coaches fired). Weights are sublinear: ``1 + log(count)``. IDF is
  *not* applied here: the clusterer keeps document frequencies online and weights at query time.
* ``keys``: salient entity-like keys (normalised capitalised names), most salient first.
* ``vector``: a 256-d L2-normalised signed-hash projection of the weighted terms (a count
  sketch), for approximate nearest-neighbour search.
* ``embedding`` (optional): a sentence-transformer vector of the headline and lead, only when
  :class:`FeatureExtractor` is given an embedder. It is off by default: on two CPU cores
  all-MiniLM-L6-v2 manages 50-80 short texts a second, below the 200 articles/second ingest
  target, and on ECB+ it separates similar events less well than the lexical terms do.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import struct
import zlib
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from rashomon.backends.embeddings import Embedder
from rashomon.model import Article

HASH_BITS = 20
N_BUCKETS = 1 << HASH_BITS
SKETCH_DIM = 256
_SKETCH_HASHES = 4
_FORMAT = 1

# sklearn's English stop words plus a few words that every news story carries.
_STOP = frozenset(
    """a about above across after afterwards again against all almost alone along already also
    although always am among amongst amoungst amount an and another any anyhow anyone anything
    anyway anywhere are around as at back be became because become becomes becoming been before
    beforehand behind being below beside besides between beyond bill both bottom but by call can
    cannot cant co con could couldnt cry de describe detail do done down due during each eg eight
    either eleven else elsewhere empty enough etc even ever every everyone everything everywhere
    except few fifteen fifty fill find fire first five for former formerly forty found four from
    front full further get give go had has hasnt have he hence her here hereafter hereby herein
    hereupon hers herself him himself his how however hundred i ie if in inc indeed interest into
    is it its itself keep last latter latterly least less ltd made many may me meanwhile might
    mill mine more moreover most mostly move much must my myself name namely neither never
    nevertheless next nine no nobody none noone nor not nothing now nowhere of off often on once
    one only onto or other others otherwise our ours ourselves out over own part per perhaps please
    put rather re same see seem seemed seeming seems serious several she should show side since
    sincere six sixty so some somehow someone something sometime sometimes somewhere still such
    system take ten than that the their them themselves then thence there thereafter thereby
    therefore therein thereupon these they thick thin third this those though three through
    throughout thru thus to together too top toward towards twelve twenty two un under until up
    upon us very via was we well were what whatever when whence whenever where whereafter whereas
    whereby wherein whereupon wherever whether which while whither who whoever whole whom whose
    why will with within without would yet you your yours yourself yourselves
    said says say told according just like including new year years week time mr mrs ms dr
    http https www com org net html htm php aspx""".split()
)

_WORD = re.compile(r"[^\W\d_]{2,}|[^\W\d_]")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_NUMBER = re.compile(r"\d[\d,.]*\d|\d")
_NAME = re.compile(
    r"[A-Z][\w'’-]*(?:[ \t]+(?:of|de|del|la|the|al|bin|van|von|da|du|le)?[ \t]*[A-Z][\w'’-]*)*"
)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"“”]\s+|\n\s*)$")
_CALENDAR = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december""".split()
)
_URL_WORD = re.compile(r"[^\W\d_]{3,}")


def stable_hash(token: str) -> int:
    """A bucket for ``token`` that is the same in every process (Python's ``hash`` is not)."""
    return zlib.crc32(token.encode("utf-8")) & (N_BUCKETS - 1)


def _sketch_tables(seed: int = 20240607) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    index = rng.integers(0, SKETCH_DIM, size=(N_BUCKETS, _SKETCH_HASHES), dtype=np.uint16)
    sign = rng.integers(0, 2, size=(N_BUCKETS, _SKETCH_HASHES), dtype=np.int8) * 2 - 1
    return index, sign.astype(np.float32)


_tables: tuple[np.ndarray, np.ndarray] | None = None


def sketch(terms: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Project a hashed sparse vector to ``SKETCH_DIM`` dense dimensions (count sketch).

    Inner products are preserved in expectation, so cosine neighbours in the sketch are cosine
    neighbours of the sparse vectors, up to noise of about ``1/sqrt(SKETCH_DIM)``.
    """
    global _tables
    if _tables is None:
        _tables = _sketch_tables()
    index, sign = _tables
    out = np.bincount(
        index[terms].ravel(),
        weights=(sign[terms] * weights[:, None]).ravel(),
        minlength=SKETCH_DIM,
    ).astype(np.float32)
    norm = float(np.linalg.norm(out))
    if norm > 0:
        out /= norm
    return out


def parse_date(value: str | dt.date | None) -> dt.date | None:
    """The calendar date of an ISO 8601 date or date-time, or ``None``."""
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


@dataclass(slots=True)
class ArticleFeatures:
    """Everything clustering needs about one article, computed once, storable."""

    id: str
    vector: np.ndarray  # float32, L2-normalised, SKETCH_DIM: count sketch of the weighted terms
    keys: list[str]  # salient entity-like keys (normalised names), most salient first
    published: dt.date | None
    terms: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))  # sorted buckets
    weights: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))  # 1+log(tf)
    embedding: np.ndarray | None = None  # optional sentence embedding of headline + lead

    def to_bytes(self) -> bytes:
        """A compact binary form (about 1-2 KB) that :meth:`from_bytes` reads back exactly."""
        ident = self.id.encode("utf-8")
        keys = "\x1f".join(self.keys).encode("utf-8")
        date = self.published.toordinal() if self.published else 0
        emb = b"" if self.embedding is None else self.embedding.astype(np.float32).tobytes()
        vec = self.vector.astype(np.float32).tobytes()
        terms = self.terms.astype(np.int32).tobytes()
        weights = self.weights.astype(np.float16).tobytes()
        header = struct.pack(
            "<BIIIIIII",
            _FORMAT,
            len(ident),
            len(keys),
            date,
            len(vec),
            len(terms),
            len(weights),
            len(emb),
        )
        return b"".join((header, ident, keys, vec, terms, weights, emb))

    @classmethod
    def from_bytes(cls, data: bytes) -> ArticleFeatures:
        fmt, n_id, n_keys, date, n_vec, n_terms, n_weights, n_emb = struct.unpack_from(
            "<BIIIIIII", data
        )
        if fmt != _FORMAT:
            raise ValueError(f"unknown article-features format {fmt}")
        pos = struct.calcsize("<BIIIIIII")

        def take(n: int) -> bytes:
            nonlocal pos
            chunk = data[pos : pos + n]
            pos += n
            return bytes(chunk)

        ident = take(n_id).decode("utf-8")
        keys_text = take(n_keys).decode("utf-8")
        vector = np.frombuffer(take(n_vec), dtype=np.float32).copy()
        terms = np.frombuffer(take(n_terms), dtype=np.int32).copy()
        weights = np.frombuffer(take(n_weights), dtype=np.float16).astype(np.float32)
        emb_bytes = take(n_emb)
        return cls(
            id=ident,
            vector=vector,
            keys=keys_text.split("\x1f") if keys_text else [],
            published=dt.date.fromordinal(date) if date else None,
            terms=terms,
            weights=weights,
            embedding=np.frombuffer(emb_bytes, dtype=np.float32).copy() if emb_bytes else None,
        )


class FeatureExtractor:
    """Turns articles into :class:`ArticleFeatures`, in batches.

    ``embedder``: optional; when given, the headline and lead (``embed_chars`` characters) are
    embedded in one batch per call and kept in ``ArticleFeatures.embedding``.
    ``max_chars``: only the first characters of long articles are read (leads carry the event).
    """

    def __init__(
        self,
        embedder: Embedder | None = None,
        *,
        max_chars: int = 6000,
        lead_chars: int = 400,
        lead_weight: float = 2.0,
        name_weight: float = 2.0,
        number_weight: float = 2.0,
        max_keys: int = 16,
        max_terms: int = 400,
        embed_chars: int = 300,
    ) -> None:
        self.embedder = embedder
        self.max_chars = max_chars
        self.lead_chars = lead_chars
        self.lead_weight = lead_weight
        self.name_weight = name_weight
        self.number_weight = number_weight
        self.max_keys = max_keys
        self.max_terms = max_terms
        self.embed_chars = embed_chars
        self._hashes: dict[str, int] = {}

    @property
    def dim(self) -> int:
        return SKETCH_DIM

    # -- text -------------------------------------------------------------------------------

    @staticmethod
    def text_of(article: Article) -> str:
        """Headline and body, the headline first when the text does not start with it."""
        text = article.text
        title = (article.title or "").strip()
        if title and title[:60] not in text[: len(title) + 200]:
            text = title + "\n" + text
        return text

    def _hash(self, token: str) -> int:
        h = self._hashes.get(token)
        if h is None:
            if len(self._hashes) > 2_000_000:
                self._hashes.clear()
            h = self._hashes[token] = stable_hash(token)
        return h

    def counts(self, text: str, url: str | None = None) -> tuple[dict[str, float], list[str]]:
        """Weighted token counts and salient keys of one text (before hashing)."""
        text = text[: self.max_chars]
        lead = text[: self.lead_chars]
        body = text[self.lead_chars :]
        # Weights make the counts fractional, so a float dict rather than a Counter.
        counts: defaultdict[str, float] = defaultdict(float)
        for part, weight in ((lead, self.lead_weight), (body, 1.0)):
            words = [w for w in _WORD.findall(part.lower()) if w not in _STOP]
            cjk = [w for w in words if _CJK.search(w)]
            if cjk:
                words = [w for w in words if not _CJK.search(w)]
                for w in cjk:
                    words.extend(w[i : i + 2] for i in range(max(1, len(w) - 1)))
            for w, n in Counter(words).items():
                counts[w] += n * weight
        for num in _NUMBER.findall(text):
            counts["#" + num.replace(",", "").rstrip(".")] += self.number_weight
        names: Counter[str] = Counter()
        for m in _NAME.finditer(text):
            words = m.group(0).lower().split()
            start = 0
            while start < len(words) and (words[start] in _STOP or words[start] in _CALENDAR):
                start += 1
            words = words[start:]
            if not words:
                continue
            multi = len(words) > 1
            if not multi:
                if len(words[0]) < 3:
                    continue
                if start == 0 and _SENTENCE_START.search(text[max(0, m.start() - 3) : m.start()]):
                    continue  # a capitalised first word of a sentence is not a name
            key = " ".join(words).strip("'’-")
            names[key] += 2 if m.start() < self.lead_chars else 1
            if multi:
                counts["C:" + key] += self.name_weight
        if url:
            for w in _URL_WORD.findall(url.lower().split("?")[0].split("//")[-1]):
                if w not in _STOP:
                    counts[w] += 1.0
        keys = [k for k, _ in names.most_common(self.max_keys)]
        return counts, keys

    def _sparse(self, counts: Mapping[str, float]) -> tuple[np.ndarray, np.ndarray]:
        if not counts:
            return np.zeros(0, np.int32), np.zeros(0, np.float32)
        buckets: dict[int, float] = {}
        for token, c in counts.items():
            h = self._hash(token)
            buckets[h] = buckets.get(h, 0.0) + c
        terms = np.fromiter(buckets.keys(), dtype=np.int32, count=len(buckets))
        # Plain ndarray: numpy keeps float32 through the log below, its stubs say float64.
        weights: np.ndarray = np.fromiter(buckets.values(), dtype=np.float32, count=len(buckets))
        weights = 1.0 + np.log(np.maximum(weights, 1.0))
        if len(terms) > self.max_terms:
            keep = np.argpartition(-weights, self.max_terms)[: self.max_terms]
            terms, weights = terms[keep], weights[keep]
        order = np.argsort(terms)
        # float16 is how the weights are stored: round now so that stored == computed.
        return terms[order], weights[order].astype(np.float16).astype(np.float32)

    def extract_one(self, article: Article) -> ArticleFeatures:
        counts, keys = self.counts(self.text_of(article), article.url)
        terms, weights = self._sparse(counts)
        return ArticleFeatures(
            id=article.id,
            vector=sketch(terms, weights),
            keys=keys,
            published=parse_date(article.published),
            terms=terms,
            weights=weights,
        )

    def extract(self, articles: Sequence[Article]) -> list[ArticleFeatures]:
        """Features of every article, in order (embeddings, when on, in one batch)."""
        out = [self.extract_one(a) for a in articles]
        if self.embedder is not None and out:
            leads = [self.text_of(a)[: self.embed_chars] for a in articles]
            vectors = np.asarray(self.embedder.encode(leads), dtype=np.float32)
            for f, v in zip(out, vectors, strict=True):
                f.embedding = v
        return out


def idf_weights(df: np.ndarray, n_docs: int, terms: np.ndarray, power: float) -> np.ndarray:
    """Smoothed IDF of ``terms`` (``log((n+1)/(df+1)) + 1``) raised to ``power``."""
    idf = np.log((n_docs + 1.0) / (df[terms] + 1.0)) + 1.0
    return idf if power == 1.0 else idf**power


def cosine(
    a_terms: np.ndarray, a_weights: np.ndarray, b_terms: np.ndarray, b_weights: np.ndarray
) -> float:
    """Cosine of two sorted sparse vectors."""
    common, ia, ib = np.intersect1d(a_terms, b_terms, assume_unique=True, return_indices=True)
    if len(common) == 0:
        return 0.0
    na = math.sqrt(float(np.dot(a_weights, a_weights)))
    nb = math.sqrt(float(np.dot(b_weights, b_weights)))
    if na == 0 or nb == 0:
        return 0.0
    return float(np.dot(a_weights[ia], b_weights[ib])) / (na * nb)
