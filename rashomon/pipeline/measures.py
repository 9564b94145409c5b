"""Stage 3: quantities and dates, normalised so that reports can be compared.

"30,000 soldiers" becomes ``Quantity(30000, "soldier")``, "2,200km" ``Quantity(2200, "km")``,
"$1.5 billion" ``Quantity(1.5e9, "usd", kind="money")``; "Tuesday" becomes
``TimeMention("W:TUE", "weekday")`` and "August 4, 2025" ``TimeMention("2025-08-04", "day")``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from rashomon.model import Quantity, TimeMention
from rashomon.pipeline.annotate import ParsedDoc
from rashomon.pipeline.lexicon import (
    APPROXIMATOR_PHRASES,
    APPROXIMATORS,
    CURRENCIES,
    MONTH_ABBREVIATIONS,
    MONTHS,
    NUMBER_WORDS,
    SCALE_WORDS,
    UNITS,
    VAGUE_AMOUNTS,
    WEEKDAYS,
)

_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_NUMBER_UNIT = re.compile(r"^(\d[\d,]*(?:\.\d+)?)([a-zA-Z%]+)$")  # "2,200km", "5bn", "10%"
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
_SKIP_NUMBER_ENTS = {"DATE", "TIME"}


@dataclass(slots=True)
class Measures:
    """Quantities and times of one document, by token index of their first token."""

    quantities: list[tuple[int, int, Quantity]]  # (first token, last token + 1, quantity)
    times: list[tuple[int, int, TimeMention]]

    def quantities_in(self, tokens: set[int]) -> list[Quantity]:
        return [q for s, e, q in self.quantities if any(t in tokens for t in range(s, e))]

    def times_in(self, tokens: set[int]) -> list[TimeMention]:
        return [m for s, e, m in self.times if any(t in tokens for t in range(s, e))]


def parse_number(text: str) -> float | None:
    t = text.replace("\u2009", "").replace("\xa0", "")
    if _NUMBER.match(t):
        return float(t.replace(",", ""))
    word = t.lower()
    if word in NUMBER_WORDS:
        return float(NUMBER_WORDS[word])
    return None


def _unit_of(tok: Token, last: Token) -> tuple[str | None, float, str]:
    """(unit, factor, kind) for the number ending at ``last``."""
    doc = tok.doc
    nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
    if nxt is not None and nxt.lower_ == "of":
        # A part of a whole: "seven of the eleven nations", "nine billion of its accounts".
        for j in range(nxt.i + 1, min(nxt.i + 6, len(doc))):
            if doc[j].pos_ in ("NOUN", "PROPN"):
                return doc[j].lemma_.lower(), 1.0, "count"
            if doc[j].pos_ not in ("DET", "ADJ", "NUM", "PRON") and doc[j].tag_ != "PRP$":
                break
    if nxt is not None:
        word = nxt.lower_
        if word in ("%", "percent") or (
            word == "per" and last.i + 2 < len(doc) and doc[last.i + 2].lower_ == "cent"
        ):
            return "percent", 1.0, "percent"
        if word in UNITS:
            unit, factor = UNITS[word]
            return unit, factor, "measure"
        if nxt.lemma_.lower() in UNITS:
            unit, factor = UNITS[nxt.lemma_.lower()]
            return unit, factor, "measure"
        if nxt.lemma_.lower() in CURRENCIES:
            return CURRENCIES[nxt.lemma_.lower()], 1.0, "money"
    # The noun the number counts: its syntactic head ("30,000 soldiers") or the next noun.
    head = tok.head if tok.dep_ in ("nummod", "quantmod", "compound") else None
    if head is None or head.pos_ not in ("NOUN", "PROPN"):
        for j in range(last.i + 1, min(last.i + 4, len(doc))):
            if doc[j].pos_ in ("NOUN", "PROPN"):
                head = doc[j]
                break
            if doc[j].pos_ not in ("ADJ", "NUM", "ADV", "DET") and doc[j].lower_ != "-":
                break
    if head is not None and head.pos_ in ("NOUN", "PROPN") and head.i > last.i:
        lemma = head.lemma_.lower()
        if lemma in UNITS:
            unit, factor = UNITS[lemma]
            return unit, factor, "measure"
        if lemma in CURRENCIES:
            return CURRENCIES[lemma], 1.0, "money"
        return lemma, 1.0, "count"
    return None, 1.0, "count"


def find_quantities(doc: Doc) -> list[tuple[int, int, tuple[float, str | None, str, bool]]]:
    """Numbers with units, as (first token, end token, (value, unit, kind, approximate))."""
    out: list[tuple[int, int, tuple[float, str | None, str, bool]]] = []
    i = 0
    n = len(doc)
    while i < n:
        tok = doc[i]
        if tok.ent_type_ in _SKIP_NUMBER_ENTS or tok.ent_type_ == "ORDINAL":
            i += 1
            continue
        value: float | None = None
        unit: str | None = None
        factor = 1.0
        kind = "count"
        start, end = i, i + 1
        m = _NUMBER_UNIT.match(tok.text)
        if m and tok.pos_ in ("NUM", "NOUN", "PROPN", "X"):
            value = float(m.group(1).replace(",", ""))
            suffix = m.group(2).lower()
            if suffix in SCALE_WORDS:
                value *= SCALE_WORDS[suffix]
            elif suffix in UNITS:
                unit, factor = UNITS[suffix]
                kind = "measure"
            elif suffix == "%":
                unit, kind = "percent", "percent"
        elif tok.lower_ in VAGUE_AMOUNTS and i + 1 < n and doc[i + 1].lower_ == "of":
            value = float(VAGUE_AMOUNTS[tok.lower_])
            start, end = i, i + 1
            obj = doc[i + 2] if i + 2 < n else None
            unit = obj.lemma_.lower() if obj is not None and obj.pos_ == "NOUN" else None
            out.append((start, end, (value, unit, "count", True)))
            i += 1
            continue
        elif tok.like_num or tok.pos_ == "NUM":
            value = parse_number(tok.text)
        if value is None:
            i += 1
            continue
        # Scale words: "10 million", "1.5 bn".
        while end < n and doc[end].lower_ in SCALE_WORDS and doc[end].lower_ not in ("m", "b"):
            value *= SCALE_WORDS[doc[end].lower_]
            end += 1
        # Currency before: "$5", "US$ 5".
        if start > 0 and doc[start - 1].text.lower() in CURRENCIES:
            unit, kind = CURRENCIES[doc[start - 1].text.lower()], "money"
            start -= 1
        if unit is None:
            unit, factor, kind = _unit_of(tok, doc[end - 1])
        if unit in ("percent",) and end < n and doc[end].lower_ in ("%", "percent"):
            end += 1
        value *= factor
        # A year ("in 2019", "the 2016 election") is a date, not a quantity.
        if kind == "count" and _YEAR.match(tok.text) and end == start + 1:
            i = end
            continue
        approx = False
        j = start - 1
        window = " ".join(t.lower_ for t in doc[max(0, j - 1) : start])
        if (j >= 0 and doc[j].lower_ in APPROXIMATORS) or any(
            window.endswith(phrase) for phrase in APPROXIMATOR_PHRASES
        ):
            approx = True
        out.append((start, end, (value, unit, kind, approx)))
        i = end
    return out


def weekday_of(word: str) -> str | None:
    w = word.lower().rstrip(".")
    for d in WEEKDAYS:
        if w == d or (len(w) >= 3 and d.startswith(w) and w in (d[:3], d[:4])):
            return "W:" + d[:3].upper()
    return None


def month_of(word: str) -> int | None:
    w = word.lower().rstrip(".")
    if w in MONTHS:
        return MONTHS.index(w) + 1
    if w in MONTH_ABBREVIATIONS and w != "may":
        return MONTH_ABBREVIATIONS[w]
    return None


_RELATIVE = re.compile(
    r"\b(yesterday|today|tonight|tomorrow|last|next|this|ago|earlier|later|recent|previous|"
    r"coming|upcoming)\b",
    re.IGNORECASE,
)
_DURATION = re.compile(
    r"\b(days?|weeks?|months?|years?|decades?|hours?|minutes?)\b", re.IGNORECASE
)


def normalise_time(text: str, year_hint: int | None = None) -> tuple[str | None, str]:
    """(value, granularity) for a date or time expression."""
    words = re.findall(r"[A-Za-z]+\.?|\d+(?:st|nd|rd|th)?", text)
    year = next((int(w) for w in words if _YEAR.match(w)), None)
    month = next((m for w in words if (m := month_of(w))), None)
    day = next(
        (int(re.sub(r"\D", "", w)) for w in words if re.fullmatch(r"\d{1,2}(st|nd|rd|th)?", w)
         and 1 <= int(re.sub(r"\D", "", w)) <= 31),
        None,
    )
    weekday = next((d for w in words if (d := weekday_of(w))), None)
    if month and day:
        if year:
            return f"{year:04d}-{month:02d}-{day:02d}", "day"
        return f"M:{month:02d}-{day:02d}", "day"
    if month:
        return (f"{year:04d}-{month:02d}" if year else f"M:{month:02d}"), "month"
    if weekday:
        return weekday, "weekday"
    if year and not _DURATION.search(text):
        return f"{year:04d}", "year"
    if _DURATION.search(text) and not _RELATIVE.search(text):
        return None, "duration"
    return None, "relative"


def measure(pd: ParsedDoc) -> Measures:
    """Quantities and times of one parsed document."""
    doc = pd.doc
    year_hint = None
    if pd.article.published and _YEAR.match(pd.article.published[:4]):
        year_hint = int(pd.article.published[:4])
    quantities: list[tuple[int, int, Quantity]] = []
    for start, end, (value, unit, kind, approx) in find_quantities(doc):
        span = pd.token_span(start, end - 1)
        quantities.append((start, end, Quantity(span, value, unit, kind, approx)))
    times: list[tuple[int, int, TimeMention]] = []
    for ent in doc.ents:
        if ent.label_ not in ("DATE", "TIME"):
            continue
        start, end = ent.start, ent.end
        while start < end and doc[start].lower_ in ("the", "a", "an"):
            start += 1
        if start >= end:
            continue
        text = doc[start:end].text
        when, granularity = normalise_time(text, year_hint)
        if ent.label_ == "TIME" and when is None:
            granularity = "time"
        times.append((start, end, TimeMention(pd.token_span(start, end - 1), when, granularity)))
    return Measures(quantities, times)
