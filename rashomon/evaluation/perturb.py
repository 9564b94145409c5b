"""Controlled perturbations of real news sentences, for training and testing the judge.

Takes real sentences from real articles and makes copies in which exactly one thing changed:

* contradictions: a ``number`` (``30,000`` -> ``45,000``, format kept), a ``date`` (weekday, month,
  year or day of the month), a ``person``, a ``place`` or an ``organization`` (swapped for another
  name of the same type from the corpus), a ``negation`` (``was`` -> ``was not``, ``killed`` ->
  ``did not kill``, ``did not`` -> ``did``, ...) or ``other`` (a predicate swapped for its antonym
  from ``rashomon/data/lexicons/antonyms.txt``: ``rose`` -> ``fell``);
* ``deletion``: an optional adjunct or modifier removed (the copy is entailed by the original, the
  original adds a detail to the copy);

and records the kind and the exact changed span, by character offsets, in both texts
(:class:`PerturbationRecord`). Pairs for training (:func:`make_pairs`) add neutral pairs (two
different sentences of the same story) and, given an embedder, cross-report pairs: a sentence and
its nearest sentence in another report of the same story, as is and with a perturbation applied to
an item both share.

Everything is deterministic for a given seed. :func:`split_of` assigns every story (ECB+) or
document (MEANTIME) to ``train`` or ``heldout``, so training and evaluation never share an article.
Training data is generated from the CC-licensed sets only (ECB+: CC BY 3.0, MEANTIME: CC BY 4.0).

For an end-to-end test, :func:`perturb_article` changes one sentence of a full :class:`Article`
and returns the changed copy with its record.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rashomon.backends.nli import antonym_map, lexicon
from rashomon.model import CONTRADICTION_KINDS, Article, Span

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

KINDS: tuple[str, ...] = (*CONTRADICTION_KINDS, "deletion")

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
MONTH_ABBREV = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
NUMBER_WORDS = (
    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "fifteen", "twenty", "thirty", "forty", "fifty", "hundred", "dozen", "dozens", "hundreds",
    "thousands",
)  # fmt: skip
_NUMBER_WORD_GROUPS = (NUMBER_WORDS[:11], NUMBER_WORDS[11:16], ("hundred",), ("dozen",),
                       ("dozens", "hundreds", "thousands"))  # fmt: skip
REPORTING_VERBS = frozenset(
    "say tell report announce state add claim confirm note explain reveal write insist "
    "warn declare argue believe think know accord".split()
)
_NUMERAL = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?")
_ORDINAL = re.compile(r"(\d{1,2})(st|nd|rd|th)")
_ENTITY_LABELS = {"person": ("PERSON",), "place": ("GPE", "LOC"), "organization": ("ORG",)}
_NON_INTERSECTIVE = frozenset(
    "former alleged suspected fake false possible potential would-be so-called ex apparent likely "
    "probable presumed supposed purported mock no few many several other only same first last "
    "next previous own total more most less least much main major minor new old such".split()
)
_KEEP_ADVERBS = frozenset(
    "only just almost nearly barely hardly never ever even about approximately roughly around "
    "less more most least so how why when where then there not no too as up down out off back "
    "away already still yet once twice".split()
)
_NOUN_ANTONYMS = frozenset("victory defeat profit loss profits losses surplus deficit increase "
                           "decrease rise fall rises falls gain gains".split())  # fmt: skip
_KEEP_PREPS = frozenset("without except than of as like instead despite besides per".split())
_NO_ANTONYM_SWAP = frozenset("up down before after more less fewer first last north south east "
                             "west inside outside".split())  # fmt: skip


@dataclass(frozen=True, slots=True)
class PerturbationRecord:
    """One controlled change.

    ``original_span`` indexes the original text and ``changed_span`` the copy; outside these two
    spans the texts are identical (``copy[:changed.start] == original[:original.start]`` and
    ``copy[changed.end:] == original[original.end:]``). ``original_text``/``new_text`` are the
    words replaced and their replacement (equal to the spans' texts); ``sentence`` and
    ``new_sentence`` are the whole sentence before and after.
    """

    kind: str
    original_span: Span
    changed_span: Span
    original_text: str
    new_text: str
    sentence: str = ""
    new_sentence: str = ""

    @property
    def is_contradiction(self) -> bool:
        return self.kind in CONTRADICTION_KINDS

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "original_span": self.original_span.to_dict(),
            "changed_span": self.changed_span.to_dict(),
            "original_text": self.original_text,
            "new_text": self.new_text,
            "sentence": self.sentence,
            "new_sentence": self.new_sentence,
        }


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``text[start:end]`` by ``new`` (offsets into the parsed text)."""

    kind: str
    start: int
    end: int
    new: str


@dataclass(slots=True)
class Pair:
    """A training or evaluation pair: does ``premise`` entail / contradict ``hypothesis``?"""

    premise: str
    hypothesis: str
    label: str  # "entailment", "neutral", "contradiction"
    kind: str  # how it was made: a perturbation kind, "deletion", "same-story", "cross-doc", ...
    document: str
    split: str

    def to_dict(self) -> dict[str, str]:
        return dataclasses.asdict(self)


@dataclass(slots=True)
class Pools:
    """Replacement names by kind (``person``, ``place``, ``organization``)."""

    names: dict[str, list[str]] = field(default_factory=dict)

    def candidates(self, kind: str) -> list[str]:
        return self.names.get(kind, [])


# Small fallback pools, used only when neither a corpus nor the article offers a replacement.
FALLBACK_POOLS = Pools(
    {
        "person": ["Maria Lopez", "John Carter", "Ahmed Karimi", "Elena Petrova", "David Chen",
                   "Sarah Mitchell", "Kwame Mensah", "Laura Schmidt"],
        "place": ["Portugal", "Nairobi", "Chile", "Manila", "Norway", "Texas", "Lagos", "Vienna"],
        "organization": ["the World Bank", "Siemens", "Interpol", "the Red Cross", "Toyota",
                         "UNESCO", "Amnesty International", "General Electric"],
    }
)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Reading the corpora


_DETOK = [
    (re.compile(r"(?<=\w) - (?=\w)"), "-"),
    (re.compile(r" ([,.;:!?%)\]}])"), r"\1"),
    (re.compile(r"([(\[{$]) "), r"\1"),
    (re.compile(r" ('s|'re|'ve|'ll|'d|'m|n't)\b"), r"\1"),
    (re.compile(r"`` ?| ?''"), '"'),
    (re.compile(r"(?<=\d)\. (?=\d)"), "."),
    (re.compile(r"(?<=\w) ?([’']) (?=(s|m|re|ve|ll|d|t)\b)"), r"\1"),
    (re.compile(r"([“‘]) "), r"\1"),
    (re.compile(r" ([”])"), r"\1"),
    (re.compile(r"[ \t]{2,}"), " "),
]


def detokenize(text: str) -> str:
    """Undo the tokenisation of ECB+ and MEANTIME text (``59 - year - old``, ``word ,``)."""
    for pattern, repl in _DETOK:
        text = pattern.sub(repl, text)
    return text.strip()


def load_ecbplus(data_dir: str | Path) -> list[Article]:
    path = Path(data_dir) / "ecbplus" / "val.articles.jsonl"
    articles = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            title = (row.get("title") or "").strip()
            parts = []
            if title and not title.lower().startswith("http"):
                parts.append(detokenize(title))
            parts.extend(detokenize(p) for p in row["text"].split("\n") if p.strip())
            articles.append(
                Article(
                    id=row["id"],
                    text="\n".join(parts),
                    title=title or None,
                    meta={"corpus": "ecbplus", "story": row["story"], "unit": row["story"],
                          "licence": "CC BY 3.0"},
                )
            )  # fmt: skip
    return articles


def load_meantime(data_dir: str | Path) -> list[Article]:
    path = Path(data_dir) / "meantime_en_zhukova" / "meantime.conll"
    sents: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    with path.open(encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 4 or row[0].startswith("#"):
                continue
            sents[row[0]][int(row[1])].append(row[3])
    articles = []
    for doc_id, by_sent in sents.items():
        lines = [detokenize(" ".join(by_sent[k])) for k in sorted(by_sent)]
        topic = doc_id.split("/")[0]
        articles.append(
            Article(
                id=f"meantime/{doc_id}",
                text="\n".join(line for line in lines if line),
                title=lines[0] if lines else None,
                meta={"corpus": "meantime", "story": topic, "unit": doc_id,
                      "licence": "CC BY 4.0"},
            )
        )  # fmt: skip
    return articles


def load_cc_corpus(data_dir: str | Path) -> list[Article]:
    """The CC-licensed articles (ECB+ validation and MEANTIME English), in a stable order."""
    return load_ecbplus(data_dir) + load_meantime(data_dir)


def split_of(unit: str, seed: int = 0, heldout: float = 0.25) -> str:
    """``train`` or ``heldout`` for a story/document unit, by a stable hash of (seed, unit)."""
    digest = hashlib.sha1(f"{seed}:{unit}".encode()).digest()
    return "heldout" if int.from_bytes(digest[:4], "big") / 2**32 < heldout else "train"


def _clean_name(text: str) -> str:
    text = re.sub(r"^(the|The)\s+", "", text.strip())
    return re.sub(r"(’s|'s|'|’)$", "", text).strip()


def _good_name(text: str) -> bool:
    words = text.split()
    return (
        1 <= len(words) <= 4
        and not any(ch.isdigit() for ch in text)
        and all(w[:1].isupper() for w in words if len(w) > 3)
        and text[:1].isupper()
        and "\n" not in text
        and len(text) >= 3
    )


def build_pools(docs: Iterable[Doc], min_count: int = 1) -> Pools:
    """Names of people, places and organisations seen in ``docs``, sorted, each once.

    ``min_count`` keeps only names tagged with that type at least so many times (2 drops most of
    the small parser's tagging mistakes on a corpus)."""
    seen: dict[str, Counter[str]] = {k: Counter() for k in _ENTITY_LABELS}
    for doc in docs:
        for ent in doc.ents:
            for kind, labels in _ENTITY_LABELS.items():
                if ent.label_ in labels:
                    name = _clean_name(ent.text)
                    if _good_name(name):
                        seen[kind][name] += 1
    return Pools({k: sorted(n for n, c in v.items() if c >= min_count) for k, v in seen.items()})


# --------------------------------------------------------------------------------------------
# Edits on one parsed sentence


def _case_like(word: str, model: str) -> str:
    if model.isupper() and len(model) > 1:
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _change_numeral(text: str, rng: random.Random) -> str | None:
    m = _NUMERAL.fullmatch(text)
    if not m:
        return None
    int_part, dec_part = m.group(1), m.group(2) or ""
    commas = "," in int_part
    value = int(int_part.replace(",", ""))
    decimals = len(dec_part) - 1 if dec_part else 0
    if decimals:
        full = float(int_part.replace(",", "") + dec_part)
        for _ in range(10):
            new = round(full * rng.choice((0.5, 0.6, 0.7, 0.8, 1.3, 1.5, 1.8, 2.5)), decimals)
            if new != full and new > 0:
                break
        else:
            return None
        int_new = int(new)
        frac = f"{new:.{decimals}f}".split(".")[1]
        head = f"{int_new:,}" if commas else str(int_new)
        return f"{head}.{frac}"
    if value <= 12:
        choices = [v for v in range(1, 21) if v != value and abs(v - value) >= 1]
        new_value = rng.choice(choices)
    else:
        digits = len(str(value))
        zeros = len(str(value)) - len(str(value).rstrip("0"))
        quantum = 10 ** min(zeros, digits - 1)
        for _ in range(20):
            factor = rng.choice((0.4, 0.5, 0.6, 0.7, 0.75, 1.25, 1.4, 1.5, 1.6, 2.0, 3.0))
            new_value = max(quantum, round(value * factor / quantum) * quantum)
            if new_value != value:
                break
        else:
            return None
    if int_part.startswith("0") and len(int_part) > 1:
        return None  # codes like 007
    return f"{new_value:,}" if commas else str(new_value)


def _number_edits(sent: SpacySpan, rng: random.Random) -> list[Edit]:
    edits = []
    for tok in sent:
        if tok.ent_type_ in ("DATE", "TIME", "ORG", "PRODUCT", "FAC", "LAW", "WORK_OF_ART",
                             "PERSON", "GPE", "LOC", "NORP", "EVENT", "ORDINAL"):  # fmt: skip
            continue
        prev = tok.nbor(-1).text if tok.i > 0 else ""
        nxt = tok.nbor(1).text if tok.i + 1 < len(tok.doc) else ""
        if prev in ("-", "/", "#", "No.") or nxt in ("-", "/"):
            continue
        if any(ch.isdigit() for ch in tok.text):
            new = _change_numeral(tok.text, rng)
        elif tok.lower_ in NUMBER_WORDS and tok.pos_ == "NUM":
            group = next(g for g in _NUMBER_WORD_GROUPS if tok.lower_ in g)
            options = [w for w in group if w != tok.lower_]
            if not options:
                continue
            new = _case_like(rng.choice(options), tok.text)
        else:
            continue
        if new and new != tok.text:
            edits.append(Edit("number", tok.idx, tok.idx + len(tok.text), new))
    return edits


def _date_edits(sent: SpacySpan, rng: random.Random) -> list[Edit]:
    edits = []
    for tok in sent:
        text = tok.text
        in_date = tok.ent_type_ in ("DATE", "TIME")
        if text in WEEKDAYS:
            new = rng.choice([d for d in WEEKDAYS if d != text])
        elif text in MONTHS and (in_date or text not in ("May", "March", "August", "June")):
            new = rng.choice([m for m in MONTHS if m != text])
        elif text.rstrip(".") in MONTH_ABBREV and in_date and text.rstrip(".") != "May":
            base = text.rstrip(".")
            new = rng.choice([m for m in MONTH_ABBREV if m not in (base, "May")])
            new += text[len(base) :]
        elif in_date and re.fullmatch(r"(19|20)\d\d", text):
            new = str(int(text) + rng.choice((-3, -2, -1, 1, 2, 3)))
        elif in_date and (re.fullmatch(r"\d{1,2}", text) or _ORDINAL.fullmatch(text)):
            neighbours = {t.text.rstrip(".") for t in tok.doc[max(tok.i - 2, 0) : tok.i + 3]}
            if not neighbours & (set(MONTHS) | set(MONTH_ABBREV)):
                continue
            m = _ORDINAL.fullmatch(text)
            day = int(m.group(1) if m else text)
            if not 1 <= day <= 31:
                continue
            new_day = rng.choice([d for d in range(1, 29) if d != day])
            if m:
                suffix = "th" if 10 <= new_day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(
                    new_day % 10, "th"
                )
                new = f"{new_day}{suffix}"
            else:
                new = str(new_day)
        else:
            continue
        edits.append(Edit("date", tok.idx, tok.idx + len(text), new))
    return edits


def _entity_edits(sent: SpacySpan, kind: str, rng: random.Random, pools: Pools,
                  avoid: str) -> list[Edit]:  # fmt: skip
    labels = _ENTITY_LABELS[kind]
    edits = []
    avoid_lower = avoid.lower()
    ambiguous = _ambiguous_names(sent.doc)
    for ent in sent.ents:
        if ent.label_ not in labels or _clean_name(ent.text) in ambiguous:
            continue
        start, text = ent.start_char, ent.text
        stripped = re.sub(r"^(the|The)\s+", "", text)
        start += len(text) - len(stripped)
        text = stripped
        m = re.search(r"(’s|'s)$", text)
        if m:
            text = text[: m.start()]
        if not _good_name(text):
            continue
        words = {w.lower() for w in re.findall(r"\w+", text)}
        n_words = len(text.split())
        options = [
            name
            for name in pools.candidates(kind)
            if name.lower() not in avoid_lower
            and not words & {w.lower() for w in re.findall(r"\w+", name)}
        ]
        if kind == "person":
            same_shape = [o for o in options if len(o.split()) == n_words]
            options = same_shape or options
        if not options:
            continue
        new = rng.choice(options)
        if new.lower().startswith("the ") and (
            sent.doc.text[max(start - 4, 0) : start].lower().endswith("the ")
            or start == sent.start_char
        ):
            new = new[4:]
        if start == sent.start_char and new.startswith("the "):
            new = "The " + new[4:]
        edits.append(Edit(kind, start, start + len(text), new))
    return edits


@lru_cache(maxsize=4)  # asked once per sentence of the same few documents
def _ambiguous_names(doc: Doc) -> frozenset[str]:
    """Names the recogniser gives two kinds in one article ("Trump" a person here and an
    organisation there): which kind a change of them is would be a guess."""
    kinds: dict[str, set[str]] = {}
    for ent in doc.ents:
        for kind, labels in _ENTITY_LABELS.items():
            if ent.label_ in labels:
                kinds.setdefault(_clean_name(ent.text), set()).add(kind)
    return frozenset(name for name, ks in kinds.items() if len(ks) > 1)


def _target_predicate(sent: SpacySpan) -> Token | None:
    root = sent.root
    if root.lemma_ in REPORTING_VERBS:
        for child in root.children:
            if child.dep_ == "ccomp" and child.pos_ in ("VERB", "AUX"):
                return child
    if root.pos_ in ("VERB", "AUX"):
        return root
    return None


def _negation_edits(sent: SpacySpan) -> list[Edit]:
    doc = sent.doc
    # Remove a negation that is there.
    for tok in sent:
        if tok.dep_ != "neg" or tok.i == sent.start:
            continue
        prev = doc[tok.i - 1]
        if tok.lower_ in ("not", "n't"):
            if prev.pos_ not in ("AUX", "VERB") and prev.lower_ not in ("ca", "wo", "sha"):
                continue
            base = {"ca": "can", "wo": "will", "sha": "shall"}.get(prev.lower_, prev.text)
            return [Edit("negation", prev.idx, tok.idx + len(tok.text), _case_like(base,
                                                                                    prev.text))]
        if tok.lower_ == "never":
            end = tok.idx + len(tok.text)
            # "never, ever" / "never ever": the "ever" only strengthens the negation, and left
            # alone it makes the copy ungrammatical ("should have, ever been made").
            after = list(doc[tok.i + 1 : tok.i + 3])
            if after and after[0].text == "," and len(after) > 1:
                after = after[1:]
            if after and after[0].lower_ == "ever":
                end = after[0].idx + len(after[0].text)
            return [Edit("negation", prev.idx, end, prev.text)]
    # Insert one on the main predicate.
    target = _target_predicate(sent)
    if target is None or any(c.dep_ == "neg" for c in target.children):
        return []
    auxes = [c for c in target.children if c.dep_ in ("aux", "auxpass") and c.i < target.i]
    if auxes:
        aux = auxes[0]
        if aux.lower_ == "to" or aux.text.startswith(("'", "’")) or aux.i == sent.start:
            return []
        if aux.whitespace_ == "" and aux.i + 1 < sent.end and doc[aux.i + 1].is_alpha:
            return []
        new = "cannot" if aux.lower_ == "can" else f"{aux.text} not"
        return [Edit("negation", aux.idx, aux.idx + len(aux.text), _case_like(new, aux.text))]
    if target.lemma_ == "be":
        if target.text.startswith(("'", "’")) or target.i == sent.start:
            return []
        return [Edit("negation", target.idx, target.idx + len(target.text), f"{target.text} not")]
    lemma = target.lemma_.lower()
    if not lemma.isalpha() or target.i == sent.start:
        return []
    support = {"VBD": "did", "VBZ": "does", "VBP": "do"}.get(target.tag_)
    if support is None:
        return []
    return [Edit("negation", target.idx, target.idx + len(target.text), f"{support} not {lemma}")]


def _antonym_edits(sent: SpacySpan) -> list[Edit]:
    pairs = antonym_map()
    edits = []
    for tok in sent:
        low = tok.lower_
        if low in _NO_ANTONYM_SWAP or low not in pairs or tok.pos_ not in ("VERB", "ADJ", "NOUN"):
            continue
        if tok.pos_ == "NOUN" and low not in _NOUN_ANTONYMS:
            continue
        if tok.ent_type_:
            continue
        new = _case_like(sorted(pairs[low])[0], tok.text)
        edits.append(Edit("other", tok.idx, tok.idx + len(tok.text), new))
    return edits


def _subtree_bounds(tok: Token) -> tuple[int, int]:
    sub = list(tok.subtree)
    return sub[0].i, sub[-1].i


def _deletion_edits(sent: SpacySpan) -> list[Edit]:
    doc = sent.doc
    negation = set(lexicon("negation"))
    hedges = set(lexicon("hedging"))
    edits: list[Edit] = []

    def add(first: int, last: int, commas: bool = False) -> None:
        if first <= sent.start or (last >= sent.end - 1 and doc[last].is_punct):
            return
        if last >= sent.end:
            return
        start, end = doc[first].idx, doc[last].idx + len(doc[last].text)
        text = doc.text
        if commas:
            before = text[:start].rstrip()
            after = text[end:]
            if before.endswith(",") and after.lstrip().startswith(","):
                start = len(before) - 1
                end = end + after.index(",") + 1
                edits.append(Edit("deletion", start, end, ""))
                return
            if before.endswith(",") and after.lstrip()[:1] in (".", "!", "?", ""):
                edits.append(Edit("deletion", len(before) - 1, end, ""))
                return
            return
        # Remove the words and the space before them.
        lead = len(text[:start]) - len(text[:start].rstrip(" "))
        edits.append(Edit("deletion", start - lead, end, ""))

    for tok in sent:
        dep = tok.dep_
        if dep == "prep" and tok.head.pos_ in ("VERB", "AUX") and tok.lower_ not in _KEEP_PREPS:
            first, last = _subtree_bounds(tok)
            if 2 <= last - first + 1 <= 12 and not any(
                t.lower_ in negation for t in doc[first : last + 1]
            ):
                add(first, last)
        elif (
            dep == "advmod"
            and tok.pos_ == "ADV"
            and tok.n_lefts + tok.n_rights == 0
            and tok.lower_ not in _KEEP_ADVERBS
            and tok.lower_ not in negation
            and tok.lower_ not in hedges
            and tok.head.pos_ in ("VERB", "AUX")
            and tok.is_alpha
        ) or (
            dep == "amod"
            and tok.pos_ == "ADJ"
            and tok.n_lefts + tok.n_rights == 0
            and not tok.ent_type_
            and tok.lower_ not in _NON_INTERSECTIVE
            and tok.i < tok.head.i
            and tok.is_alpha
            and tok.is_lower
            and tok.i + 1 < len(doc)
            and doc[tok.i + 1].text != ","
            and doc[tok.i - 1].text != ","
        ):
            add(tok.i, tok.i)
        elif dep in ("appos", "relcl"):
            first, last = _subtree_bounds(tok)
            if last - first + 1 <= 20:
                add(first, last, commas=True)
    return edits


def sentence_edits(sent: SpacySpan, kind: str, rng: random.Random, pools: Pools | None = None,
                   avoid: str = "") -> list[Edit]:  # fmt: skip
    """Every edit of ``kind`` that applies to the parsed sentence ``sent`` (offsets in its doc)."""
    if kind == "number":
        return _number_edits(sent, rng)
    if kind == "date":
        return _date_edits(sent, rng)
    if kind in _ENTITY_LABELS:
        return _entity_edits(sent, kind, rng, pools or FALLBACK_POOLS, avoid or sent.text)
    if kind == "negation":
        return _negation_edits(sent)
    if kind == "other":
        return _antonym_edits(sent)
    if kind == "deletion":
        return _deletion_edits(sent)
    raise ValueError(f"unknown perturbation kind {kind!r} (expected one of: {', '.join(KINDS)})")


def _usable(sent: SpacySpan) -> bool:
    text = sent.text.strip()
    n_words = sum(1 for t in sent if t.is_alpha)
    return (
        6 <= n_words <= 60
        and "http" not in text
        and "\n" not in text
        and not text.isupper()
        and text[-1:] in '.!?"”\''
    )


def apply_edit(text: str, edit: Edit, offset: int = 0) -> str:
    """``text`` with ``edit`` applied; ``offset`` is where ``text`` starts in the parsed doc."""
    s, e = edit.start - offset, edit.end - offset
    return text[:s] + edit.new + text[e:]


# --------------------------------------------------------------------------------------------
# Whole articles


def perturb_article(
    article: Article,
    kind: str,
    rng: random.Random,
    *,
    nlp: Language | None = None,
    pools: Pools | None = None,
    new_id: str | None = None,
) -> tuple[Article, PerturbationRecord]:
    """A copy of ``article`` with one sentence of its body changed in one way of ``kind``.

    The sentence and the edit are chosen with ``rng`` among all that apply. Raises ``ValueError``
    when no sentence of the article admits a change of that kind. Names for ``person``, ``place``
    and ``organization`` come from ``pools`` (e.g. :func:`build_pools` over a corpus), else from
    the article's own other names, else from a small built-in list.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown perturbation kind {kind!r} (expected: {', '.join(KINDS)})")
    if nlp is None:
        from rashomon.backends.parser import default_parser

        nlp = default_parser()
    doc = nlp(article.text)
    if pools is None and kind in _ENTITY_LABELS:
        own = build_pools([doc])
        pools = own if own.candidates(kind) else FALLBACK_POOLS
    candidates: list[tuple[SpacySpan, Edit]] = []
    for sent in doc.sents:
        if sent.start_char < article.body_start or not _usable(sent):
            continue
        for edit in sentence_edits(sent, kind, rng, pools, avoid=article.text):
            candidates.append((sent, edit))
    if not candidates and kind in _ENTITY_LABELS and pools is not FALLBACK_POOLS:
        for sent in doc.sents:
            if sent.start_char >= article.body_start and _usable(sent):
                for edit in sentence_edits(sent, kind, rng, FALLBACK_POOLS, avoid=article.text):
                    candidates.append((sent, edit))
    if not candidates:
        raise ValueError(f"{article.id}: no sentence admits a change of kind {kind!r}")
    sent, edit = rng.choice(candidates)
    new_text = apply_edit(article.text, edit)
    copy_id = new_id or f"{article.id}~{kind}"
    record = PerturbationRecord(
        kind=kind,
        original_span=Span(article.id, edit.start, edit.end, article.text[edit.start : edit.end]),
        changed_span=Span(copy_id, edit.start, edit.start + len(edit.new), edit.new),
        original_text=article.text[edit.start : edit.end],
        new_text=edit.new,
        sentence=sent.text,
        new_sentence=apply_edit(sent.text, edit, sent.start_char),
    )
    meta = dict(article.meta)
    meta["perturbation"] = record.to_dict()
    copy = dataclasses.replace(article, id=copy_id, text=new_text, meta=meta)
    return copy, record


# --------------------------------------------------------------------------------------------
# Training pairs


@dataclass(slots=True)
class ParsedSentence:
    document: str
    story: str
    split: str
    index: int
    sent: SpacySpan

    @property
    def text(self) -> str:
        return self.sent.text


def parse_corpus(articles: Sequence[Article], nlp: Language, seed: int = 0,
                 heldout: float = 0.25) -> tuple[list[ParsedSentence], list[Doc]]:  # fmt: skip
    """Parse the articles once; their usable sentences, each tagged with its split."""
    docs = list(nlp.pipe((a.text for a in articles), batch_size=32))
    out = []
    for article, doc in zip(articles, docs, strict=True):
        split = split_of(str(article.meta.get("unit", article.id)), seed, heldout)
        story = str(article.meta.get("story", article.id))
        for i, sent in enumerate(doc.sents):
            if _usable(sent):
                out.append(ParsedSentence(article.id, story, split, i, sent))
    return out, docs


_KIND_BUDGET = {"number": 2, "date": 2, "person": 2, "place": 2, "organization": 2,
                "negation": 1, "other": 2}  # fmt: skip


def make_pairs(
    sentences: Sequence[ParsedSentence],
    pools: Pools,
    rng: random.Random,
    *,
    kinds_per_sentence: int = 2,
    other_story_rate: float = 0.3,
    embedder: Any = None,
) -> list[Pair]:
    """Labelled pairs from parsed sentences (see the module docstring for what each kind is).

    Per sentence: up to ``kinds_per_sentence`` contradictions of different kinds (rarer kinds
    preferred), one deletion (entailment, and its reverse as neutral half the time) and one
    neutral pair with another sentence of the same story and split (and, for a share
    ``other_story_rate`` of sentences, one with a sentence of another story). With an
    ``embedder``, also cross-report pairs (see :func:`cross_document_pairs`). The order of premise
    and hypothesis is random for contradictions and neutral pairs.
    """
    pairs: list[Pair] = []
    by_story: dict[tuple[str, str], list[ParsedSentence]] = defaultdict(list)
    for ps in sentences:
        by_story[(ps.story, ps.split)].append(ps)
    split_stories: dict[str, list[str]] = defaultdict(list)
    for story, split in by_story:
        split_stories[split].append(story)
    for ps in sentences:
        text, offset = ps.text, ps.sent.start_char
        options: list[tuple[str, Edit]] = []
        for kind in CONTRADICTION_KINDS:
            edits = sentence_edits(ps.sent, kind, rng, pools)
            if edits:
                options.append((kind, rng.choice(edits)))
        # Rarer kinds first: weight by the inverse of how often the kind applies.
        rng.shuffle(options)
        options.sort(key=lambda o: -_KIND_BUDGET[o[0]] * rng.random())
        for kind, edit in options[:kinds_per_sentence]:
            changed = apply_edit(text, edit, offset)
            a, b = (text, changed) if rng.random() < 0.5 else (changed, text)
            pairs.append(Pair(a, b, "contradiction", kind, ps.document, ps.split))
        deletions = sentence_edits(ps.sent, "deletion", rng)
        if deletions:
            reduced = _tidy(apply_edit(text, rng.choice(deletions), offset))
            pairs.append(Pair(text, reduced, "entailment", "deletion", ps.document, ps.split))
            if rng.random() < 0.5:
                pairs.append(
                    Pair(reduced, text, "neutral", "deletion-reverse", ps.document, ps.split)
                )
        others = [o for o in by_story[(ps.story, ps.split)] if o.text != ps.text]
        if others:
            other = rng.choice(others)
            a, b = (text, other.text) if rng.random() < 0.5 else (other.text, text)
            pairs.append(Pair(a, b, "neutral", "same-story", ps.document, ps.split))
        if rng.random() < other_story_rate:
            stories = [k for k in split_stories[ps.split] if k != ps.story]
            if stories:
                other = rng.choice(by_story[(rng.choice(stories), ps.split)])
                a, b = (text, other.text) if rng.random() < 0.5 else (other.text, text)
                pairs.append(Pair(a, b, "neutral", "other-story", ps.document, ps.split))
    if embedder is not None:
        pairs.extend(cross_document_pairs(sentences, embedder, pools, rng))
    return pairs


def _tidy(text: str) -> str:
    text = re.sub(r"\s{2,}", " ", text)
    text = re.sub(r"(?<!\.)\.\.(?!\.)", ".", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    return re.sub(r",\s*([.;:!?])", r"\1", text).strip()


def _shared_items(a: str, b: SpacySpan) -> set[str]:
    """Names, numbers and date words of ``b`` that ``a`` also has, word for word."""
    items = set()
    for ent in b.ents:
        name = _clean_name(ent.text)
        if len(name) >= 3 and re.search(r"\b" + re.escape(name) + r"\b", a):
            items.add(name)
    for tok in b:
        if (tok.like_num or tok.text in WEEKDAYS or tok.text in MONTHS) and re.search(
            r"(?<![\w,.])" + re.escape(tok.text) + r"(?![\w,])", a
        ):
            items.add(tok.text)
    return items


def cross_document_pairs(
    sentences: Sequence[ParsedSentence],
    embedder: Any,
    pools: Pools,
    rng: random.Random,
    *,
    low: float = 0.5,
    high: float = 0.97,
    neighbours: int = 2,
) -> list[Pair]:
    """Pairs across two reports of the same story, the closest to what the aligner hands the judge.

    For each sentence, its ``neighbours`` nearest sentences (cosine in ``[low, high)``) in other
    documents of the same story and split. The pair as is is labelled neutral (``cross-doc``).
    When the two share a name, number or date word, a copy of the second with that item changed
    makes a contradiction (``cross-doc-<kind>``); when they are close paraphrases (cosine >= 0.75)
    a negated copy or one with a predicate swapped for its antonym makes a contradiction
    (``cross-doc-negation``, ``cross-doc-other``).
    """
    import numpy as np

    vectors = embedder.encode([ps.text for ps in sentences])
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, ps in enumerate(sentences):
        groups[(ps.story, ps.split)].append(i)
    pairs: list[Pair] = []
    for idx in groups.values():
        if len(idx) < 2:
            continue
        sub = vectors[idx]
        sims = sub @ sub.T
        docs = [sentences[i].document for i in idx]
        for r, i in enumerate(idx):
            row = sims[r].copy()
            for c in range(len(idx)):
                if docs[c] == docs[r] or not low <= row[c] < high:
                    row[c] = -1
            for c in np.argsort(-row)[:neighbours]:
                if row[c] < low or sentences[i].text == sentences[idx[c]].text:
                    continue
                pairs.extend(_cross_pair(sentences[i], sentences[idx[c]], float(row[c]), pools,
                                         rng))  # fmt: skip
    return pairs


def _cross_pair(a: ParsedSentence, b: ParsedSentence, sim: float, pools: Pools,
                rng: random.Random) -> list[Pair]:  # fmt: skip
    """The pair (a, b) as neutral, and a contradiction when an item both share can be changed."""
    pairs = [Pair(a.text, b.text, "neutral", "cross-doc", a.document, a.split)]
    shared = _shared_items(a.text, b.sent)
    edits: list[Edit] = []
    for kind in ("number", "date", "person", "place", "organization"):
        for edit in sentence_edits(b.sent, kind, rng, pools, avoid=a.text + " " + b.text):
            original = b.sent.doc.text[edit.start : edit.end]
            if original in shared or _clean_name(original) in shared:
                edits.append(edit)
    if sim >= 0.75:
        edits.extend(sentence_edits(b.sent, "negation", rng))
        edits.extend(sentence_edits(b.sent, "other", rng))
    if edits:
        edit = rng.choice(edits)
        changed = apply_edit(b.text, edit, b.sent.start_char)
        pairs.append(
            Pair(a.text, changed, "contradiction", f"cross-doc-{edit.kind}", a.document,
                 a.split)
        )  # fmt: skip
    return pairs
