"""Entailment judgement: does one short statement entail, contradict, or neither, another?

The judge looks at a pair that an aligner has already matched as being about the same thing (two
clauses or sentences from different reports) and returns probabilities over :data:`LABELS`.

Two judges share the :class:`EntailmentJudge` protocol:

* :class:`CrossEncoderJudge`: a natural-language-inference cross-encoder from a local folder
  (label order read from ``config.json``'s ``id2label``): rashomon's own, fine-tuned here from
  all-MiniLM-L6-v2 (``rashomon train nli``, shipped in ``rashomon/data/nli/``), or any other
  with ``RASHOMON_NLI_MODEL``. No NLI model with weights is packaged on PyPI.
* :class:`LearnedJudge`: rashomon's own small classifier over sentence embeddings of both sides
  and typed lexical features (numbers, dates, names, negation, antonyms, refuting and hedging
  cues, overlap), trained on controlled perturbations of CC-licensed news
  (:mod:`rashomon.evaluation.train_judge`); weights in ``rashomon/data/judge/`` as ``.npz`` and
  ``.json`` (no pickle).

:func:`default_judge` picks one.
"""

from __future__ import annotations

import difflib
import functools
import json
import math
import os
import re
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from rashomon.backends.embeddings import default_embedder, half_precision, resolve_device
from rashomon.errors import ConfigurationError

LABELS: tuple[str, str, str] = ("entailment", "neutral", "contradiction")
DATA_DIR = Path(__file__).resolve().parent.parent / "data"
LEXICON_DIR = DATA_DIR / "lexicons"
JUDGE_DIR = DATA_DIR / "judge"
ENV_MODEL = "RASHOMON_NLI_MODEL"


@runtime_checkable
class EntailmentJudge(Protocol):
    """Judges (premise, hypothesis) pairs; rows of probabilities in :data:`LABELS` order."""

    name: str

    def judge(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray: ...


# --------------------------------------------------------------------------------------------
# Lexicons (kept as data in rashomon/data/lexicons/*.txt)


@functools.cache
def lexicon(name: str) -> tuple[str, ...]:
    """The entries of ``rashomon/data/lexicons/<name>.txt``: lower case, comments dropped."""
    path = LEXICON_DIR / f"{name}.txt"
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip().lower()
        if line:
            entries.append(line)
    return tuple(entries)


@functools.cache
def antonym_map() -> dict[str, frozenset[str]]:
    """Each word of ``antonyms.txt`` mapped to the words it is opposed to (both directions)."""
    out: dict[str, set[str]] = {}
    for line in lexicon("antonyms"):
        parts = line.split()
        if len(parts) != 2:
            continue
        a, b = parts
        out.setdefault(a, set()).add(b)
        out.setdefault(b, set()).add(a)
    return {k: frozenset(v) for k, v in out.items()}


@functools.cache
def _cue_pattern(name: str) -> re.Pattern[str]:
    words = sorted(lexicon(name), key=len, reverse=True)
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(r"(?<![\w'’])(?:" + alternatives + r")(?![\w'’])", re.IGNORECASE)


def count_cues(text: str, name: str) -> int:
    """How many cues of lexicon ``name`` (``refuting``, ``hedging``, ``negation``) ``text`` has."""
    return len(_cue_pattern(name).findall(text))


# --------------------------------------------------------------------------------------------
# Typed lexical features

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[A-Za-z]+(?:['’][A-Za-z]+)?|n['’]t|\S")
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "thousand": 1000, "million": 1e6, "billion": 1e9,
    "dozen": 12, "dozens": 24, "hundreds": 200, "thousands": 2000,
}  # fmt: skip
_STOP = frozenset(
    "a an the of in on at to for from by with and or but is are was were be been being has have "
    "had do does did will would can could should may might must it its this that these those he "
    "she they we you i his her their our your him them us as than then there here which who whom "
    "whose what when where why how also just so very into over under about after before up down "
    "out off s said says say according".split()
)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _is_year(tok: str) -> bool:
    return len(tok) == 4 and tok.isdigit() and tok[:2] in ("19", "20")


def _number_value(tok: str) -> float | None:
    low = tok.lower()
    if low in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[low])
    if tok[:1].isdigit() and not _is_year(tok):
        try:
            return float(tok.replace(",", ""))
        except ValueError:
            return None
    return None


def _unit(word: str) -> str:
    """A crude singular: ``people`` and ``person`` stay apart, ``pirates`` -> ``pirate``."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _is_name(tok: str, position: int) -> bool:
    return (
        position > 0
        and tok[:1].isupper()
        and tok.isalpha()
        and tok.lower() not in _STOP
        and tok.lower() not in _WEEKDAYS
        and tok.lower() not in _MONTHS
    )


class _Side:
    """What the features need to know about one text, computed once per distinct text."""

    __slots__ = ("content", "counted", "hedge", "lower", "months", "names", "negations", "numbers",
                 "refute", "tokens", "weekdays", "years")  # fmt: skip

    def __init__(self, text: str) -> None:
        toks = _tokens(text)
        self.tokens = toks
        self.lower = [t.lower() for t in toks]
        self.numbers = {v for t in toks if (v := _number_value(t)) is not None}
        # What each number counts: the next word that is not a number or a scale word.
        self.counted: dict[str, set[float]] = {}
        for i, t in enumerate(toks):
            value = _number_value(t)
            if value is None:
                continue
            for nxt in toks[i + 1 : i + 4]:
                low = nxt.lower()
                if low in ("million", "billion", "thousand", "hundred", "-", "of"):
                    continue
                if nxt.isalpha() and low not in _STOP:
                    self.counted.setdefault(_unit(low), set()).add(value)
                break
        self.years = {t for t in toks if _is_year(t)}
        self.weekdays = {t for t in self.lower if t in _WEEKDAYS}
        self.months = {t[:3] for t in self.lower if t in _MONTHS}
        self.names = {t.lower() for i, t in enumerate(toks) if _is_name(t, i)}
        self.content = {t for t in self.lower if t.isalnum() and t not in _STOP}
        self.negations = count_cues(text, "negation")
        self.refute = count_cues(text, "refuting")
        self.hedge = count_cues(text, "hedging")


def _mismatch(a: set, b: set) -> float:
    """1 when both sides have items of a type and some item of one side is missing on the other."""
    if not a or not b:
        return 0.0
    return 1.0 if (a - b) and (b - a) else (0.5 if a != b else 0.0)


LEXICAL_FEATURES: tuple[str, ...] = (
    "num_both", "num_one_side", "num_mismatch", "num_b_new", "num_a_new", "num_same_unit_differ",
    "num_same_unit_agree",
    "diff_replace_number", "year_mismatch", "weekday_mismatch", "month_mismatch",
    "diff_replace_date", "date_one_side", "names_b_new", "names_a_new", "name_mismatch",
    "diff_replace_name", "neg_a", "neg_b", "neg_parity", "diff_neg_change", "antonym",
    "diff_replace_antonym", "refute_a", "refute_b", "hedge_a", "hedge_b", "jaccard",
    "contain_b_in_a", "contain_a_in_b", "seq_ratio", "diff_inserted", "diff_deleted",
    "diff_replaced", "diff_replace_other", "len_a", "len_b", "len_ratio", "cosine",
)  # fmt: skip


def _token_kind(tok: str, position: int) -> str:
    low = tok.lower()
    if low in _WEEKDAYS or low in _MONTHS or _is_year(tok):
        return "date"
    if _number_value(tok) is not None:
        return "number"
    if _is_name(tok, position) or (position == 0 and tok[:1].isupper() and low not in _STOP):
        return "name"
    return "word"


def lexical_features(a: _Side, b: _Side, cosine: float) -> list[float]:
    """The :data:`LEXICAL_FEATURES` of the pair (premise ``a``, hypothesis ``b``)."""
    f: list[float] = []
    # Numbers
    f.append(float(bool(a.numbers) and bool(b.numbers)))
    f.append(float(bool(a.numbers) != bool(b.numbers)))
    f.append(_mismatch(a.numbers, b.numbers))
    f.append(min(len(b.numbers - a.numbers), 3) / 3 if a.numbers else 0.0)
    f.append(min(len(a.numbers - b.numbers), 3) / 3 if b.numbers else 0.0)
    shared_units = a.counted.keys() & b.counted.keys()
    f.append(float(any(not a.counted[u] & b.counted[u] for u in shared_units)))
    f.append(float(any(a.counted[u] & b.counted[u] for u in shared_units)))
    # Alignment of the two token sequences
    matcher = difflib.SequenceMatcher(None, a.lower, b.lower, autojunk=False)
    counts = {"number": 0, "date": 0, "name": 0, "antonym": 0, "other": 0}
    inserted = deleted = replaced = 0
    neg_change = 0.0
    antonyms = antonym_map()
    negation_words = {w for w in lexicon("negation") if " " not in w}
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        left, right = a.lower[i1:i2], b.lower[j1:j2]
        if any(t in negation_words for t in left) != any(t in negation_words for t in right):
            neg_change = 1.0
        if op == "insert":
            inserted += j2 - j1
        elif op == "delete":
            deleted += i2 - i1
        else:
            replaced += max(i2 - i1, j2 - j1)
            kinds_l = {_token_kind(a.tokens[k], k) for k in range(i1, i2)}
            kinds_r = {_token_kind(b.tokens[k], k) for k in range(j1, j2)}
            if any(r in antonyms.get(t, ()) for t in left for r in right):
                counts["antonym"] += 1
            elif "number" in kinds_l and "number" in kinds_r:
                counts["number"] += 1
            elif "date" in kinds_l and "date" in kinds_r:
                counts["date"] += 1
            elif "name" in kinds_l and "name" in kinds_r:
                counts["name"] += 1
            else:
                counts["other"] += 1
    f.append(min(counts["number"], 2) / 2)
    # Dates
    f.append(_mismatch(a.years, b.years))
    f.append(_mismatch(a.weekdays, b.weekdays))
    f.append(_mismatch(a.months, b.months))
    f.append(min(counts["date"], 2) / 2)
    has_a = bool(a.years or a.weekdays or a.months)
    has_b = bool(b.years or b.weekdays or b.months)
    f.append(float(has_a != has_b))
    # Names
    f.append(min(len(b.names - set(a.lower)), 3) / 3)
    f.append(min(len(a.names - set(b.lower)), 3) / 3)
    f.append(_mismatch(a.names, b.names))
    f.append(min(counts["name"], 2) / 2)
    # Negation and antonyms
    f.append(min(a.negations, 3) / 3)
    f.append(min(b.negations, 3) / 3)
    f.append(float(a.negations % 2 != b.negations % 2))
    f.append(neg_change)
    set_a, set_b = set(a.lower), set(b.lower)
    f.append(
        float(any(w in set_b and w not in set_a for t in set_a - set_b
                  for w in antonyms.get(t, ())))
    )  # fmt: skip
    f.append(min(counts["antonym"], 2) / 2)
    # Cues
    f.extend(min(x, 3) / 3 for x in (a.refute, b.refute, a.hedge, b.hedge))
    # Overlap and length
    inter = len(a.content & b.content)
    union = len(a.content | b.content) or 1
    f.append(inter / union)
    f.append(inter / (len(b.content) or 1))
    f.append(inter / (len(a.content) or 1))
    f.append(matcher.ratio())
    n_a, n_b = max(len(a.tokens), 1), max(len(b.tokens), 1)
    f.append(min(inserted / n_b, 1.0))
    f.append(min(deleted / n_a, 1.0))
    f.append(min(replaced / max(n_a, n_b), 1.0))
    f.append(min(counts["other"], 4) / 4)
    f.append(math.log1p(n_a) / 5)
    f.append(math.log1p(n_b) / 5)
    f.append(min(n_a, n_b) / max(n_a, n_b))
    f.append(cosine)
    return f


class PairFeaturizer:
    """Features of (premise, hypothesis) pairs: embeddings of both sides and typed lexical cues.

    Each distinct text is embedded and analysed once per call, however many pairs it is in.
    ``embedding`` selects the embedding block: ``"diff-prod"`` (|u-v| and u*v), or ``"none"``.
    """

    def __init__(self, embedder: Any = None, embedding: str = "diff-prod") -> None:
        self._embedder = embedder
        self.embedding = embedding

    @property
    def embedder(self) -> Any:
        if self._embedder is None:
            self._embedder = default_embedder()
        return self._embedder

    def names(self, dim: int) -> list[str]:
        emb = []
        if self.embedding == "diff-prod":
            emb = [f"absdiff_{i}" for i in range(dim)] + [f"prod_{i}" for i in range(dim)]
        return list(LEXICAL_FEATURES) + emb

    def __call__(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        texts = list(dict.fromkeys(t for pair in pairs for t in pair))
        index = {t: i for i, t in enumerate(texts)}
        vectors = np.asarray(self.embedder.encode(texts), dtype=np.float32) if texts else None
        sides = [_Side(t) for t in texts]
        ia = np.array([index[a] for a, _ in pairs], dtype=np.int64)
        ib = np.array([index[b] for _, b in pairs], dtype=np.int64)
        if vectors is None:
            return np.zeros((0, len(LEXICAL_FEATURES)), dtype=np.float32)
        u, v = vectors[ia], vectors[ib]
        cos = np.einsum("ij,ij->i", u, v)
        lex = np.array(
            [lexical_features(sides[i], sides[j], float(c)) for i, j, c in zip(ia, ib, cos,
                                                                                strict=True)],
            dtype=np.float32,
        ).reshape(len(pairs), len(LEXICAL_FEATURES))
        if self.embedding == "none":
            return lex
        return np.hstack([lex, np.abs(u - v), u * v]).astype(np.float32)


# --------------------------------------------------------------------------------------------
# Judges


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax of logits (stable)."""
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class LearnedJudge:
    """rashomon's own judge: small networks / logistic regressions over :class:`PairFeaturizer`.

    Weights are read from ``weights.npz`` (standardisation, then for each member of the ensemble
    dense layers with ReLU between and a tempered softmax; the members' probabilities averaged)
    and ``judge.json`` (labels, members, feature layout, provenance) in ``path``.
    """

    def __init__(self, path: str | Path | None = None, *, embedder: Any = None,
                 batch_size: int = 4096) -> None:  # fmt: skip
        path = Path(path) if path else JUDGE_DIR
        meta_path, weights_path = path / "judge.json", path / "weights.npz"
        if not meta_path.exists() or not weights_path.exists():
            raise ConfigurationError("E008", path=str(path), reason="no judge weights there")
        self.meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
        members = self.meta.get("members") or [
            {"prefix": "", "layers": self.meta["layers"],
             "temperature": self.meta.get("temperature", 1.0)}
        ]  # fmt: skip
        with np.load(weights_path, allow_pickle=False) as npz:
            self.mean = npz["mean"].astype(np.float32)
            self.scale = npz["scale"].astype(np.float32)
            # Each member: dense layers (ReLU between) and a softmax temperature; the judge
            # averages the members' probabilities.
            self.members = [
                (
                    [(npz[f"{m['prefix']}W{k}"].astype(np.float32),
                      npz[f"{m['prefix']}b{k}"].astype(np.float32))
                     for k in range(int(m["layers"]))],
                    float(m.get("temperature", 1.0)),
                )
                for m in members
            ]  # fmt: skip
        self.layers = self.members[0][0]
        if list(self.meta.get("lexical_features", LEXICAL_FEATURES)) != list(LEXICAL_FEATURES):
            raise ConfigurationError(
                "E008", path=str(weights_path),
                reason="the weights were trained with other features; retrain the judge",
            )  # fmt: skip
        labels = tuple(self.meta["labels"])
        self._order = [labels.index(lbl) for lbl in LABELS]
        self.featurizer = PairFeaturizer(embedder, self.meta.get("embedding", "diff-prod"))
        self.name = str(self.meta.get("name", "rashomon-learned-judge"))
        self.batch_size = batch_size

    def predict_features(self, x: np.ndarray) -> np.ndarray:
        """Probabilities (LABELS order) from already computed features."""
        x = (x - self.mean) / self.scale
        total = np.zeros((len(x), len(LABELS)), dtype=np.float32)
        for layers, temperature in self.members:
            h = x
            for k, (w, b) in enumerate(layers):
                h = h @ w + b
                if k < len(layers) - 1:
                    h = np.maximum(h, 0.0)
            total += softmax(h / temperature)
        return (total / len(self.members))[:, self._order]

    def judge(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        if not pairs:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        # One featurizer call: every distinct text is embedded once, in batches by the embedder.
        x = self.featurizer(pairs)
        out = [self.predict_features(x[i : i + self.batch_size])
               for i in range(0, len(x), self.batch_size)]  # fmt: skip
        return np.vstack(out).astype(np.float32)


_LABEL_ALIASES = {"entailment": "entailment", "entails": "entailment", "neutral": "neutral",
                  "contradiction": "contradiction", "contradicts": "contradiction",
                  "not_entailment": "neutral"}  # fmt: skip


class CrossEncoderJudge:
    """A natural-language-inference cross-encoder loaded from a local folder.

    The folder is a Hugging Face sequence-classification model (``config.json``, weights as
    ``model.safetensors``, a tokenizer); ``config.json``'s ``id2label`` says which output is
    which label. rashomon's own (``rashomon train nli``) ships in ``rashomon/data/nli/``.
    Nothing is fetched from the network. Pairs are judged in batches of similar length; on the
    CPU the linear layers run as int8 (dynamic quantisation), which halves the time.
    """

    def __init__(self, path: str | Path, *, device: str | None = None, batch_size: int = 32,
                 max_length: int = 160, quantize: bool | None = None) -> None:  # fmt: skip
        path = Path(path)
        config = self._read_config(path)
        self.order = self.label_order(config)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer


        weights = path / "model.safetensors"
        if not weights.is_file():
            raise ConfigurationError("E083", path=str(weights), reason="no such file")
        try:
            from safetensors import safe_open

            with safe_open(str(weights), framework="pt") as handle:
                handle.keys()
            self.tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
            model = AutoModelForSequenceClassification.from_pretrained(
                str(path), local_files_only=True, torch_dtype=torch.float32
            )
        except Exception as exc:  # a truncated or foreign file: name it, without a traceback
            raise ConfigurationError("E083", path=str(weights),
                                     reason=type(exc).__name__) from None  # fmt: skip
        self.device = resolve_device(device)
        model.eval()
        if quantize is None:
            quantize = self.device == "cpu"
        if quantize:
            model = _quantized(model)
        elif half_precision(self.device):
            model = model.half()  # logits come back as float32 (pair_logits)
        # int8 activations are scaled per batch, so a pair's probabilities then depend on the
        # pairs judged with it: such a judge must not pool the pairs of different stories.
        self.pools = not quantize
        self.model = model.to(self.device)
        self.name = path.name if path.name != "nli" else "rashomon-nli-minilm-l6"
        self.batch_size = batch_size
        self.max_length = max_length

    @staticmethod
    def _read_config(path: Path) -> dict[str, Any]:
        config_path = path / "config.json"
        if not config_path.is_file():
            raise ConfigurationError("E083", path=str(config_path), reason="no such file")
        try:
            config = json.loads(config_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ConfigurationError("E083", path=str(config_path),
                                     reason=type(exc).__name__) from None  # fmt: skip
        if not isinstance(config, dict):
            raise ConfigurationError("E083", path=str(config_path), reason="not a JSON object")
        return config

    @staticmethod
    def label_order(config: dict[str, Any]) -> list[int]:
        """For each of :data:`LABELS`, the index of the model output that carries it."""
        id2label = config.get("id2label") or {}
        found: dict[str, int] = {}
        for key, label in id2label.items():
            name = _LABEL_ALIASES.get(str(label).strip().lower())
            if name:
                found[name] = int(key)
        if set(found) != set(LABELS):
            raise ConfigurationError(
                "E008", path="config.json",
                reason=f"id2label {id2label!r} does not name entailment, neutral and contradiction",
            )  # fmt: skip
        return [found[label] for label in LABELS]

    def judge(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        logits = pair_logits(self.model, self.tokenizer, pairs, batch_size=self.batch_size,
                             max_length=self.max_length, device=self.device)  # fmt: skip
        return softmax(logits[:, self.order]).astype(np.float32)


def judge_groups(judge: Any, groups: Sequence[Sequence[tuple[str, str]]]) -> list[np.ndarray]:
    """The judge's probabilities for each group of pairs (each story's pairs, say).

    A judge whose result for a pair does not depend on the other pairs of the call (``pools``,
    true unless the judge says otherwise) judges all the groups in one call; one that does (the
    int8 cross-encoder on the CPU) judges each group in a call of its own, so that a group's
    probabilities are what judging it alone gives.
    """
    sizes = [len(g) for g in groups]
    if not getattr(judge, "pools", True):
        return [np.asarray(judge.judge(list(g))) if g else np.zeros((0, len(LABELS)), np.float32)
                for g in groups]  # fmt: skip
    flat = [pair for g in groups for pair in g]
    if not flat:
        return [np.zeros((0, len(LABELS)), np.float32) for _ in groups]
    probs = np.asarray(judge.judge(flat))
    bounds = np.cumsum([0, *sizes])
    return [probs[bounds[k] : bounds[k + 1]] for k in range(len(groups))]


def pair_logits(model: Any, tokenizer: Any, pairs: Sequence[tuple[str, str]], *,
                batch_size: int, max_length: int, device: str = "cpu") -> np.ndarray:  # fmt: skip
    """A sequence-pair classifier's logits for (premise, hypothesis) pairs, in the model's own
    label order: judged in batches of similar length (little padding), in input order."""
    import torch

    out = np.zeros((len(pairs), int(model.config.num_labels)), dtype=np.float32)
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
    with torch.inference_mode():
        for k in range(0, len(order), batch_size):
            rows = order[k : k + batch_size]
            inputs = tokenizer(
                [pairs[i][0] for i in rows], [pairs[i][1] for i in rows], truncation=True,
                max_length=max_length, padding=True, return_tensors="pt",
            ).to(device)  # fmt: skip
            out[rows] = model(**inputs).logits.float().cpu().numpy()
    return out


BUNDLED_MODEL = DATA_DIR / "nli"


def _quantized(model: Any) -> Any:
    """The model with int8 linear layers (dynamic quantisation), or as it is where this torch
    no longer offers it."""

    import torch

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # deprecation notices of the quantised kernels
            return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear},
                                                          dtype=torch.qint8)  # fmt: skip
    except (AttributeError, RuntimeError, NotImplementedError):
        return model


_default: EntailmentJudge | None = None
_cross_encoders: dict[tuple[str, str], CrossEncoderJudge] = {}
_default_lock = threading.Lock()


def default_judge(embedder: Any = None, *, device: str | None = None) -> EntailmentJudge:
    """The entailment judge to use, loaded once per process (per folder and device):

    1. :class:`CrossEncoderJudge` from ``$RASHOMON_NLI_MODEL`` when it names a folder;
    2. else rashomon's own cross-encoder in ``rashomon/data/nli/`` (``rashomon train nli``),
       when it is there; a damaged one is an error naming the file, never a silent fallback;
    3. else :class:`LearnedJudge` (using ``embedder``, or the default embedder).

    ``device`` (``cpu``, ``cuda``, ``auto``; None: ``RASHOMON_DEVICE``, else the CPU) is where a
    cross-encoder runs; the learned judge runs where its embedder does.
    """
    global _default
    folder = os.environ.get(ENV_MODEL)
    if folder and not Path(folder).is_dir():
        raise ConfigurationError("E007", path=folder)
    if not folder and (BUNDLED_MODEL / "config.json").exists():
        folder = str(BUNDLED_MODEL)
    if folder:

        where = resolve_device(device)
        with _default_lock:
            judge = _cross_encoders.get((folder, where))
            if judge is None:
                judge = _cross_encoders[(folder, where)] = CrossEncoderJudge(folder, device=where)
            return judge
    if embedder is not None:
        return LearnedJudge(embedder=embedder)
    with _default_lock:
        if _default is None:
            _default = LearnedJudge()
        return _default
