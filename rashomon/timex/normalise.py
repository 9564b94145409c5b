"""Finding temporal expressions in text and normalising them to TIMEX3 values.

How it works: a fixed list of rules, each a regular expression built once from the tables in
:mod:`rashomon.timex.patterns` and a small function that turns a match into a TIMEX3 type and
value. All rules run over the text; overlapping matches are settled leftmost-longest, as
TimeBank annotates the longest expression ("last month" includes "last", "the third quarter"
includes "the"). A last pass in document order fills the values that depend on what was said
before ("the quarter", "a year earlier" in an earnings report mean the quarter just named).

Relative expressions are resolved against the publication date. Without one nothing is guessed:
the unknown parts stay X ("XXXX-WXX-2" for "Tuesday", "XXXX-XX" for "last month") and
``anchored`` is False. Impossible dates keep only what is certain: "February 30, 2026" is
"2026-02" (the day cannot exist, the month and year are still said), and a day or month out of
range in a numeric date ("13/45/2026") makes no match at all.

Which "Tuesday" is meant: with a spaCy ``doc``, from the tense of the verb governing the
expression (future: "will meet", "is set to meet"; else past). Without one, from the nearest
tense cue in the same sentence (:data:`~rashomon.timex.patterns.FUTURE_CUES`,
:data:`~rashomon.timex.patterns.PAST_CUES`), and with no cue at all the most recent such day on
or before the publication date: in news a bare weekday mostly reports what happened (TimeBank:
of the bare weekdays on its dev half, most fall on or before the creation date).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from rashomon.errors import InputError
from rashomon.timex import patterns as P

if TYPE_CHECKING:  # spaCy is optional here: only its Doc type is named
    from spacy.tokens import Doc


@dataclass(slots=True)
class Timex:
    """One temporal expression: where it is, what kind, and its TIMEX3 value."""

    start: int
    end: int
    text: str
    type: str  # "DATE" | "TIME" | "DURATION" | "SET"
    value: str
    anchored: bool  # True when the value was resolved against the publication date
    mod: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# ---------------------------------------------------------------- regular-expression pieces


def _alt(words: Iterable[object]) -> str:
    """An alternation of ``words``, longest first, spaces matching any whitespace."""
    ordered = sorted({str(w) for w in words}, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered) + ")"


_MONTH = (r"(?:" + _alt(k for k in P.MONTHS if len(k) > 4 or k in ("may", "june", "july"))
          + "|" + _alt(k for k in P.MONTHS if len(k) <= 4) + r"\.?)")
_WEEKDAY = (r"(?:" + _alt(k for k in P.WEEKDAYS if k.endswith("day")) + "|"
            + _alt(k for k in P.WEEKDAYS if not k.endswith("day")) + r"\.?)")
_SEASON = _alt(P.SEASONS)
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_SMALL = "one|two|three|four|five|six|seven|eight|nine"
_NUMWORD = (
    rf"(?:(?:{_TENS})(?:[\s-]+(?:{_SMALL}))?|" + _alt(k for k in P.NUMBERS if k not in
                                                      ("a", "an")).removeprefix("(?:")
)
_NUMBER = rf"(?:\d+(?:\.\d+)?|{_NUMWORD}|an?(?=\s))"
_VAGUE = _alt(P.VAGUE_NUMBERS)
_QUANT = rf"(?:{_NUMBER}|{_VAGUE})"
_UNIT = r"(?:(?:trading|business|working|calendar|fiscal|school)\s+)?" + (
    r"(?:second|minute|hour|day|night|week(?:end)?|fortnight|month|quarter|year|decade|"
    r"centur(?:y|ies)|millenni(?:um|a))"
)
_UNITS = rf"{_UNIT}s?"
_ORD_DAY = r"(?:\d{1,2}(?:st|nd|rd|th)?|" + _alt(P.ORDINALS).removeprefix("(?:")
_YEAR = r"(?:1[5-9]\d\d|20\d\d)"
_YEAR_WORDS = (
    r"(?:nineteen[\s-]+(?:(?:" + _TENS + r")(?:[\s-]+(?:" + _SMALL + r"))?|" + _SMALL + r"|ten|"
    r"eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen)|"
    r"two\s+thousand(?:\s+(?:and\s+)?(?:" + _SMALL + r"|ten|eleven|twelve))?)"
)
_TIME = (
    r"(?:(?:\d{1,2}(?::\d\d)?\s*(?:a\.m\.|p\.m\.|am\b|pm\b|a\.m\b|p\.m\b))|\d{1,2}:\d\d|noon|"
    r"midnight|(?:" + _SMALL + r"|ten|eleven|twelve)\s+o'clock)"
)
_ZONE = r"(?:\s+" + _alt(P.TIME_ZONES) + r"\b)?"
_PART_DAY = _alt(P.PARTS_OF_DAY)
_ZONE_AFTER = re.compile(r"\s+(?:" + _alt(P.TIME_ZONES) + r"|[A-Z]{1,3}T)\b")
_ORDINAL_Q = r"(?:first|second|third|fourth|1st|2nd|3rd|4th|last|latter)"


def _number(text: str) -> int | None:
    """The value of a number written in digits or words; None when it is vague ("several")."""
    words = re.sub(r"[\s-]+", " ", text.strip().lower())
    if re.fullmatch(r"\d+", words):
        return int(words)
    if re.fullmatch(r"\d+\.\d+", words):
        return None
    if words in P.NUMBERS:
        return P.NUMBERS[words]
    total = 0
    for word in words.split():
        if word not in P.NUMBERS:
            return None
        total += P.NUMBERS[word]
    return total or None


def _year_words(text: str) -> int | None:
    words = re.sub(r"[\s-]+", " ", text.lower()).replace(" and ", " ").split()
    if words[:2] == ["two", "thousand"]:
        rest = _number(" ".join(words[2:])) if words[2:] else 0
        return 2000 + (rest or 0)
    if words[0] == "nineteen":
        rest = _number(" ".join(words[1:]))
        return 1900 + rest if rest is not None and rest < 100 else None
    return None


# ---------------------------------------------------------------- date arithmetic


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, 1)


def _week(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso[0]:04d}-W{iso[1]:02d}"


def _quarter(day: date) -> int:
    return (day.month - 1) // 3 + 1


def _shift(dct: date, unit: str, amount: int) -> str:
    """The DCT moved by ``amount`` units, written at the unit's granularity."""
    if unit == "D":
        return (dct + timedelta(days=amount)).isoformat()
    if unit in ("W", "WE"):
        return _week(dct + timedelta(weeks=amount))
    if unit == "M":
        return _add_months(dct, amount).isoformat()[:7]
    if unit == "Q":
        moved = _add_months(dct, 3 * amount)
        return f"{moved.year:04d}-Q{_quarter(moved)}"
    if unit == "Y":
        return f"{dct.year + amount:04d}"
    if unit == "E":
        return f"{dct.year + 10 * amount:04d}"[:3]
    if unit == "C":
        return f"{dct.year + 100 * amount:04d}"[:2]
    return dct.isoformat()  # hours, minutes: the day is what is known


_UNKNOWN = {"D": "XXXX-XX-XX", "W": "XXXX-WXX", "WE": "XXXX-WXX", "M": "XXXX-XX",
            "Q": "XXXX-QX", "Y": "XXXX", "E": "XXX", "C": "XX"}  # fmt: skip


def _unit(word: str) -> tuple[str, bool, int]:
    """(TIMEX3 letter, whether it is a clock unit, factor) of a unit word such as "days"."""
    base = word.lower().split()[-1]
    base = base.removesuffix("s") if base not in P.UNITS else base
    base = {"centurie": "century", "centuries": "century"}.get(base, base)
    letter, clock = P.UNITS.get(base, ("X", False))
    return letter, clock, P.UNIT_FACTOR.get(base, 1)


def _duration(amount: int | None, word: str) -> str:
    letter, clock, factor = _unit(word)
    if letter == "WE":
        letter, factor = "D", 2 * factor
    count = "X" if amount is None else str(amount * factor)
    return ("PT" if clock else "P") + count + letter


# ---------------------------------------------------------------- the context of one call


@dataclass(slots=True)
class _Context:
    text: str
    dct: date | None
    doc: Doc | None
    sentence_bounds: list[int]

    def direction(self, start: int, end: int) -> int:
        """+1 / -1 when the expression at [start, end) is in a future / past context, else 0."""
        if self.doc is not None:
            found = _direction_from_doc(self.doc, start, end)
            if found:
                return found
        return direction_from_cues(self.text, start, end, self.sentence_bounds)


def _sentence_bounds(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(r"[.!?]['\"”’]?\s+(?=[A-Z\"“‘'])|\n\s*", text)]


def direction_from_cues(text: str, start: int, end: int, bounds: list[int]) -> int:
    """+1 (future) or -1 (past) from the tense cue nearest to [start, end) in its sentence;
    0 when there is none (see the module doc)."""
    left = max((b for b in bounds if b <= start), default=0)
    right = min((b for b in bounds if b > end), default=len(text))
    sentence = text[left:right].lower()
    offset = start - left
    best: tuple[int, int] | None = None
    for cues, sign in ((P.FUTURE_CUES, 1), (P.PAST_CUES, -1)):
        for match in _CUE_RES[sign].finditer(sentence):
            if cues is None:
                continue
            distance = abs(match.start() - offset)
            if best is None or distance < best[0]:
                best = (distance, sign)
    return best[1] if best else 0


_CUE_RES = {
    1: re.compile(r"(?<![\w'])" + _alt(P.FUTURE_CUES) + r"(?!\w)"),
    -1: re.compile(r"(?<![\w'])" + _alt(P.PAST_CUES) + r"(?!\w)"),
}
_FUTURE_HEADS = frozenset({"set", "scheduled", "expected", "due", "going", "plan", "slate"})


def _direction_from_doc(doc: Doc, start: int, end: int) -> int:
    """+1 / -1 from the tense of the verb that governs the expression in a spaCy parse;
    0 when the parse does not tell."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return 0
    verb = span.root
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    if verb.pos_ not in ("VERB", "AUX"):
        return 0
    children = list(verb.children)
    if any(c.lower_ in ("will", "'ll", "shall", "wo", "would") for c in children):
        return 1
    if verb.tag_ == "VB" and any(c.lower_ == "to" for c in children) and (
        verb.head.lemma_ in _FUTURE_HEADS
    ):
        return 1
    auxiliaries = [c for c in children if c.dep_ in ("aux", "auxpass")]
    if verb.tag_ == "VBD" or any(c.tag_ == "VBD" or c.lower_ in ("has", "have")
                                 for c in auxiliaries):
        return -1  # "met", "was held", "has met"; a bare participle ("paid on") does not tell
    return 0


# ---------------------------------------------------------------- rules

# A rule's function gets the match and the context and returns (type, value, anchored, mod)
# or None to reject the match. Values that depend on what the text said before are written
# with a placeholder that the last pass fills (see _fill_context).
Result = tuple[str, str, bool, str | None]
Handler = Callable[[re.Match[str], _Context], Result | None]
_RULES: list[tuple[re.Pattern[str], Handler]] = []
# Speed: every rule's match holds one of its trigger words, so a rule only runs on windows of
# text around its triggers instead of trying every position of the text. The triggers are found
# in one pass over the words (a dictionary look-up each); "#" stands for any number in digits.
_UNIT_WORDS = {f"{u}{s}" for u in ("second", "minute", "hour", "day", "night", "week", "weekend",
                                   "fortnight", "month", "quarter", "year", "decade")
               for s in ("", "s")} | {"century", "centuries", "millennium", "millennia"}
_MONTH_WORDS = set(P.MONTHS)
_PERIOD_WORDS = {"week", "weekend", "month", "year", "decade", "century", *P.SEASONS}
_TRIGGER_WORDS: dict[str, set[str]] = {
    "_month_day_year": _MONTH_WORDS, "_day_month_year": _MONTH_WORDS, "_month": _MONTH_WORDS,
    "_part_of": _MONTH_WORDS | {"#"}, "_iso": {"#"}, "_slashed": {"#"}, "_year": {"#"},
    "_year_in_words": {"nineteen", "thousand"},
    "_decade": {"#", "twenties", "thirties", "forties", "fifties", "sixties", "seventies",
                "eighties", "nineties"},
    "_century": {"century"}, "_quarter_rule": {"quarter", "half"},
    "_named_quarter": {"quarter", "period"}, "_quarter_anaphor": {"year", "quarter"},
    "_relative_day": {"today", "yesterday", "tomorrow", "tonight", *P.PARTS_OF_DAY},
    "_weekday": set(P.WEEKDAYS) | {f"{w}s" for w in P.WEEKDAYS},
    "_time": {"#", "noon", "midnight", "clock"}, "_relative_period": _PERIOD_WORDS,
    "_ago": {"ago", "earlier", "now", "hence"}, "_duration_rule": _UNIT_WORDS,
    "_vague_plural": _UNIT_WORDS, "_bare_plural": _UNIT_WORDS, "_set": {"each", "every", "per"},
    "_frequency": set(P.FREQUENCIES), "_season": set(P.SEASONS), "_year_end": {"end"},
    "_reference": {phrase.split()[-1] for phrase in P.REFERENCES},
}  # fmt: skip
_WINDOW = 80  # characters a match may reach before or after its trigger word
_TOKEN = re.compile(r"[A-Za-z]+|\d+")
_TRIGGER_INDEX: dict[str, list[int]] = {}  # trigger word -> the rules it starts


def _rule(pattern: str, flags: int = re.I) -> Callable[[Handler], Handler]:
    compiled = re.compile(r"(?<![\w$£€])" + pattern + r"(?![\w-])", flags)

    def register(handler: Handler) -> Handler:
        for word in _TRIGGER_WORDS[handler.__name__]:
            _TRIGGER_INDEX.setdefault(word, []).append(len(_RULES))
        _RULES.append((compiled, handler))
        return handler

    return register


def _windows(text: str) -> dict[int, list[tuple[int, int]]]:
    """For each rule, the stretches of ``text`` around its trigger words, merged and cut at
    whitespace (a cut word could match wrongly)."""
    hits: dict[int, list[tuple[int, int]]] = {}
    for token in _TOKEN.finditer(text):
        word = token.group()
        key = "#" if word[0].isdigit() else word.lower()
        for rule in _TRIGGER_INDEX.get(key, ()):
            hits.setdefault(rule, []).append((token.start(), token.end()))
    windows: dict[int, list[tuple[int, int]]] = {}
    for rule, found in hits.items():
        spans: list[tuple[int, int]] = []
        for start, end in found:
            low, high = max(0, start - _WINDOW), min(len(text), end + _WINDOW)
            if spans and low <= spans[-1][1]:
                spans[-1] = (spans[-1][0], high)
            else:
                spans.append((low, high))
        out = []
        for low, high in spans:
            while low > 0 and not text[low - 1].isspace():
                low -= 1
            while high < len(text) and not text[high].isspace():
                high += 1
            out.append((low, high))
        windows[rule] = out
    return windows


def _part_mod(part: str | None) -> str | None:
    """The TIMEX3 mod of a part-of-period word ("early" -> START), from the table."""
    if not part:
        return None
    key = " ".join(part.lower().split())
    return P.PART_MODIFIERS.get(key) or P.PART_MODIFIERS.get(key.rstrip("- "))


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _month_of(word: str) -> int:
    return P.MONTHS[word.lower().rstrip(".")]


def _day_of(word: str) -> int | None:
    word = word.lower()
    if word in P.ORDINALS:
        return P.ORDINALS[word]
    digits = re.match(r"\d+", word)
    return int(digits.group()) if digits else None


MONTH_DEFAULT = "nearest"
NEAR_DAYS = 60


def _year_of(month: int, day: int | None, ctx: _Context, start: int, end: int) -> int:
    """The year of a month (and day) said without one: the next such date in a future-tense
    sentence, the last one in a past-tense one; with no tense cue, the nearer of the two
    ("Jan. 3" written in late December is next January)."""
    assert ctx.dct is not None
    year = ctx.dct.year
    candidate = date(year, month, min(day or 15, 28))
    if day is not None and abs((candidate - ctx.dct).days) <= NEAR_DAYS:
        return year  # a date within weeks of publication: nearness beats a tense cue
    direction = ctx.direction(start, end)
    if direction == 0 and MONTH_DEFAULT == "past":
        direction = -1
    if direction < 0 and (candidate.month, day or 0) > (ctx.dct.month, ctx.dct.day if day else 0):
        return year - 1
    if direction > 0 and (candidate.month, day or 99) < (ctx.dct.month, ctx.dct.day if day else 99):
        return year + 1
    if direction == 0 and day is None:  # whole months apart; half a year away stays
        if month - ctx.dct.month > 6:
            return year - 1
        if ctx.dct.month - month > 6:
            return year + 1
    elif direction == 0:
        if (candidate - ctx.dct).days > 183:
            return year - 1
        if (ctx.dct - candidate).days > 183:
            return year + 1
    return year


def _month_day(year: int | None, month: int, day: int | None, ctx: _Context,
               start: int, end: int) -> tuple[str, bool]:
    """The value of a month-and-day date; an impossible day keeps the month (module doc)."""
    anchored = False
    if year is None and ctx.dct is not None:
        year, anchored = _year_of(month, day, ctx, start, end), True
    ytext = f"{year:04d}" if year is not None else "XXXX"
    if day is None:
        return f"{ytext}-{month:02d}", anchored
    try:
        date(year if year is not None else 2000, month, day)
    except ValueError:
        return f"{ytext}-{month:02d}", anchored
    return f"{ytext}-{month:02d}-{day:02d}", anchored


# Explicit dates ---------------------------------------------------------------------------

_DATE_MDY = (
    rf"(?:(?P<wd>{_WEEKDAY}),?\s+)?(?P<month>{_MONTH})\s+(?P<day>{_ORD_DAY})"
    rf"(?:,?\s+(?P<year>{_YEAR})|\s+(?P<rel>this|last|next)\s+year)?"
)


@_rule(r"(?:(?:this\s+coming|this|next|last)\s+)?" + _DATE_MDY)
def _month_day_year(m: re.Match[str], ctx: _Context) -> Result | None:
    if not _capitalised(m.group("month")):
        return None
    day = _day_of(m.group("day"))
    if day is None or day < 1 or (day > 31 and m.group("year") is None):
        return None
    year = int(m.group("year")) if m.group("year") else None
    if m.group("rel") and ctx.dct is not None:  # "November 2 this year"
        year = ctx.dct.year + {"this": 0, "last": -1, "next": 1}[m.group("rel").lower()]
    value, anchored = _month_day(year, _month_of(m.group("month")), day, ctx, m.start(), m.end())
    anchored = anchored or bool(m.group("rel") and ctx.dct is not None)
    return "DATE", value, anchored, None


@_rule(rf"(?:(?P<wd>{_WEEKDAY}),?\s+)?(?:the\s+)?(?P<day>\d{{1,2}}|{_ORD_DAY})\s+(?:of\s+)?"
       rf"(?P<month>{_MONTH})(?:,?\s+(?P<year>{_YEAR}))?")
def _day_month_year(m: re.Match[str], ctx: _Context) -> Result | None:
    if not _capitalised(m.group("month")):
        return None
    day = _day_of(m.group("day"))
    if day is None or day < 1 or day > 31:
        return None
    year = int(m.group("year")) if m.group("year") else None
    value, anchored = _month_day(year, _month_of(m.group("month")), day, ctx, m.start(), m.end())
    return "DATE", value, anchored, None


@_rule(r"(?P<y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)(?:T(?P<h>\d\d):(?P<mi>\d\d))?")
def _iso(m: re.Match[str], ctx: _Context) -> Result | None:
    try:
        date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    except ValueError:
        return None
    if m.group("h"):
        return "TIME", m.group()[:16], False, None
    return "DATE", m.group(), False, None


@_rule(r"(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4}|\d\d)")
def _slashed(m: re.Match[str], ctx: _Context) -> Result | None:
    year = int(m.group("y"))
    year += 1900 if year < 100 and year >= 50 else 2000 if year < 100 else 0
    try:  # American order, as in the news this reads
        return "DATE", date(year, int(m.group("m")), int(m.group("d"))).isoformat(), False, None
    except ValueError:
        return None


_BEFORE_MONTH = frozenset({"in", "on", "by", "since", "until", "till", "last", "next", "this",
                           "early", "late", "mid", "from", "through", "during", "of", "and",
                           "to", "before", "after", "each", "every"})


@_rule(rf"(?:(?:this|last|next)\s+)?(?P<month>{_MONTH})(?:,?\s+(?:of\s+)?(?P<year>{_YEAR})|"
       r"\s+(?P<rel>this|last|next)\s+year)?")
def _month(m: re.Match[str], ctx: _Context) -> Result | None:
    word = m.group("month")
    bare = word.rstrip(".")
    dated = bool(m.group("year") or m.group("rel"))
    if not _capitalised(word) or (bare.isupper() and len(bare) > 1 and not dated):
        return None  # "may" the verb; "MAY" in a shouted headline is too unsure
    if len(bare) <= 3 and "." not in word and bare.lower() != "may":
        return None  # "Jan", "Dec" without a full stop are more often names
    if bare.lower() == "may" and not dated:
        before = ctx.text[max(0, m.start() - 25):m.start()]
        if re.search(r"(?:^|[.!?]\s*)$", before):
            return None  # "May I ..." at a sentence start: too likely the verb
        name = re.search(r"\b([A-Z][a-z]+)\s+$", before)
        if name and name.group(1).lower() not in _BEFORE_MONTH:
            return None  # "Theresa May": a surname
    month = _month_of(word)
    if m.group("year"):
        return "DATE", f"{int(m.group('year')):04d}-{month:02d}", False, None
    if ctx.dct is None:
        return "DATE", f"XXXX-{month:02d}", False, None
    lead = m.group().lower().split()[0]
    rel = m.group("rel")
    year = ctx.dct.year
    if rel:
        year += {"this": 0, "last": -1, "next": 1}[rel.lower()]
    elif lead == "last":
        year -= 1 if month >= ctx.dct.month else 0
    elif lead == "next":
        year += 1 if month <= ctx.dct.month else 0
    elif lead != "this":
        year = _year_of(month, None, ctx, m.start(), m.end())
    return "DATE", f"{year:04d}-{month:02d}", True, None


# Years, decades, centuries ----------------------------------------------------------------


@_rule(rf"(?:(?:fiscal|calendar|(?:the\s+)?(?:fiscal\s+)?year)\s+)?(?P<year>{_YEAR})"
       r"(?P<later>\s+or\s+(?:later|earlier|before|after|beyond))?")
def _year(m: re.Match[str], ctx: _Context) -> Result | None:
    after = ctx.text[m.end():m.end() + 2]
    before = ctx.text[max(0, m.start() - 1):m.start()]
    if (after[:1] in (",", ".", "/") and after[1:2].isdigit()) or before in (",", ".", "#", "/"):
        return None  # part of a bigger number ("1,990"), a tag, or a numeric date
    if _ZONE_AFTER.match(ctx.text, m.end()):
        return None  # "(1852 HKT)": a clock time
    mod = None
    if m.group("later"):
        word = m.group("later").split()[-1].lower()
        mod = "ON_OR_AFTER" if word in ("later", "after", "beyond") else "ON_OR_BEFORE"
    return "DATE", m.group("year"), False, mod


@_rule(r"(?:the\s+)?(?:year\s+)?" + _YEAR_WORDS)
def _year_in_words(m: re.Match[str], ctx: _Context) -> Result | None:
    text = re.sub(r"^(?:the\s+)?(?:year\s+)?", "", m.group(), flags=re.I)
    year = _year_words(text)
    if year is None or (
        "year" not in m.group().lower() and text.lower().startswith("two thousand")
    ):
        return None  # "two thousand" alone is mostly a number
    return "DATE", f"{year:04d}", False, None


@_rule(r"(?:the\s+)?(?:(?P<part>early|mid|late)[\s-]+)?(?:(?P<y>1[5-9]\d|20\d)0'?s|'(?P<yy>\d)0s|"
       r"(?P<w>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties))")
def _decade(m: re.Match[str], ctx: _Context) -> Result | None:
    if m.group("y"):
        value = m.group("y")
    else:
        digit = m.group("yy") or str(
            ["twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties",
             "nineties"].index(m.group("w").lower()) + 2
        )
        century = "19" if ctx.dct is None or int(digit) * 10 > ctx.dct.year % 100 else (
            f"{ctx.dct.year // 100:02d}")
        value = century + digit
    part = m.group("part")
    mod = _part_mod(part)
    return "DATE", value, False, mod


@_rule(r"(?:the\s+)?(?P<n>\d{1,2})(?:st|nd|rd|th)\s+century|(?:the\s+)?(?P<w>[a-z]+(?:-[a-z]+)?)"
       r"\s+century")
def _century(m: re.Match[str], ctx: _Context) -> Result | None:
    number = int(m.group("n")) if m.group("n") else P.ORDINALS.get((m.group("w") or "").lower())
    if number is None:
        if (m.group("w") or "").lower() in ("this", "last", "next", "the", "past") and ctx.dct:
            word = m.group("w").lower()
            shift = {"last": -1, "past": -1, "next": 1}.get(word, 0)
            return "DATE", f"{ctx.dct.year // 100 + shift:02d}", True, None
        return None
    return "DATE", f"{number - 1:02d}", False, None


# Quarters and halves -------------------------------------------------------------------------


@_rule(r"(?:(?P<the>the(?!\s+(?:fiscal[\s-]+)?\w+-(?:quarter|half))|this\s+year's|"
       r"last\s+year's|next\s+year's|the\s+year-(?:earlier|ago))\s+)?(?:(?P<y1>\d{4})\s+)?"
       r"(?:(?P<fiscal>fiscal)[\s-]+)?(?P<ord>" + _ORDINAL_Q + r")"
       r"[\s-]+(?P<what>quarter|half)(?:\s+of\s+(?:(?:fiscal\s+)?(?P<y2>\d{4})|"
       r"(?P<rel>this|last|next)\s+year))?")
def _quarter_rule(m: re.Match[str], ctx: _Context) -> Result | None:
    letter = "Q" if m.group("what").lower() == "quarter" else "H"
    ordinal = m.group("ord").lower()
    if ordinal in ("last", "latter"):
        if not (m.group("y1") or m.group("y2") or m.group("rel")):
            return None  # "the last quarter" alone is the previous quarter (_named_quarter)
        ordinal = "fourth" if letter == "Q" else "second"
    number = {"first": 1, "second": 2, "third": 3, "fourth": 4}.get(
        ordinal, int(ordinal[0]) if ordinal[0].isdigit() else 0)
    if letter == "H" and number > 2:
        return None
    the = (m.group("the") or "").lower()
    year_text = m.group("y1") or m.group("y2")
    anchored = False
    if year_text:
        year: int | None = int(year_text)
    elif ctx.dct is not None:
        anchored = True
        shift = -1 if ("last" in the or "year-" in the or m.group("rel") == "last") else (
            1 if ("next" in the or m.group("rel") == "next") else 0)
        year = ctx.dct.year + shift
    else:
        year = None
    value = f"{year:04d}-{letter}{number}" if year else f"XXXX-{letter}{number}"
    return "DATE", value, anchored, None


@_rule(r"(?P<lead>the\s+(?:latest|last|most\s+recent|previous|past|current|same|year-earlier|"
       r"year-ago|corresponding)|this|last|next|its\s+latest|(?:the\s+)?(?:fiscal\s+)?(?P<y>\d{4}))"
       r"\s+(?:fiscal\s+)?(?:quarter|period)(?P<ly>\s+(?:a\s+year\s+(?:earlier|ago)|last\s+year))?")
def _named_quarter(m: re.Match[str], ctx: _Context) -> Result | None:
    lead = " ".join(m.group("lead").lower().split())
    if "period" in m.group().lower() and not (m.group("y") or "year-" in lead or m.group("ly")
                                             or "corresponding" in lead or "latest" in lead):
        return None  # "this period", "the same period" alone are too vague to be sure of
    if m.group("y"):  # the year's quarter named before
        return "DATE", f"@Q{m.group('y')}|{m.group('y')}", False, None
    if ctx.dct is None:
        return "DATE", "XXXX-QX", False, None
    if "year-" in lead or m.group("ly") or "corresponding" in lead:
        return "DATE", f"@Q-1|{ctx.dct.year - 1:04d}", True, None
    current = _quarter(ctx.dct)
    if lead in ("this", "the current"):
        return "DATE", f"{ctx.dct.year:04d}-Q{current}", True, None
    if lead == "next":
        return "DATE", _shift(ctx.dct, "Q", 1), True, None
    if lead == "the same":
        return "DATE", f"@Q0|{ctx.dct.year:04d}-QX", True, None
    return "DATE", _shift(ctx.dct, "Q", -1), True, None  # latest / last / previous / past


@_rule(r"(?P<the>the\s+)?(?P<adj>year-(?:earlier|ago))(?=\s+(?:figures?|results?|levels?|"
       r"profits?|earnings|loss(?:es)?|net|sales|revenues?|quarter|period|\w+))|"
       r"(?P<the2>the\s+)quarter(?!\s*-)")
def _quarter_anaphor(m: re.Match[str], ctx: _Context) -> Result | None:
    if ctx.dct is None:
        return "DATE", "@Q-1|XXXX" if m.group("adj") else "@Q0|XXXX-QX", False, None
    if m.group("adj"):
        return "DATE", f"@Q-1|{ctx.dct.year - 1:04d}", True, None
    return "DATE", f"@Q0|{ctx.dct.year:04d}-QX", True, None


# Days relative to publication --------------------------------------------------------------

_REL_DAYS = {"today": 0, "yesterday": -1, "tomorrow": 1, "tonight": 0}


@_rule(r"(?:(?P<part>early|late|earlier|later)\s+)?(?:(?P<rel>today|yesterday|tomorrow|tonight)"
       r"(?:(?:'s)?\s+(?P<pod>" + _PART_DAY + r"))?|(?P<lt>last|this|tomorrow)\s+(?P<pod2>"
       + _PART_DAY + r"))")
def _relative_day(m: re.Match[str], ctx: _Context) -> Result | None:
    mod = _part_mod(m.group("part"))
    if m.group("rel"):
        rel = m.group("rel").lower()
        shift = _REL_DAYS[rel]
        pod = P.PARTS_OF_DAY[m.group("pod").lower()] if m.group("pod") else (
            "NI" if rel == "tonight" else None)
    else:
        lead = m.group("lt").lower()
        pod = P.PARTS_OF_DAY[m.group("pod2").lower()]
        shift = {"last": -1 if pod == "NI" else 0, "this": 0, "tomorrow": 1}[lead]
        if lead == "last" and pod != "NI":
            shift = -1
    if ctx.dct is None:
        day = "XXXX-XX-XX"
        anchored = False
    else:
        day = (ctx.dct + timedelta(days=shift)).isoformat()
        anchored = True
    if pod:
        return "TIME", f"{day}T{pod}", anchored, mod
    return "DATE", day, anchored, mod


@_rule(r"(?:(?P<set>each|every)\s+|(?P<part>early|late|earlier|later)\s+|"
       r"(?P<lead>last|this\s+coming|this\s+past|this|next|coming|past)\s+)?"
       r"(?P<wd>" + _WEEKDAY + r")(?P<pl>s)?(?:\s+(?P<pod>" + _PART_DAY + r")(?P<pl2>s)?)?")
def _weekday(m: re.Match[str], ctx: _Context) -> Result | None:
    word = m.group("wd")
    if not _capitalised(word):
        return None
    if len(word.rstrip(".")) <= 3 and "." not in word:
        return None  # "Sun", "Wed", "Sat" without a full stop: more likely not a weekday
    if word.rstrip(".").lower() == "sun":
        return None
    number = P.WEEKDAYS[word.lower().rstrip(".")]
    pod = P.PARTS_OF_DAY[m.group("pod").lower()] if m.group("pod") else None
    suffix = f"T{pod}" if pod else ""
    if m.group("set") or m.group("pl") or m.group("pl2"):
        return "SET", f"XXXX-WXX-{number}{suffix}", False, None
    mod = _part_mod(m.group("part"))
    if ctx.dct is None:
        return ("TIME" if pod else "DATE"), f"XXXX-WXX-{number}{suffix}", False, mod
    lead = " ".join((m.group("lead") or "").lower().split())
    delta = number - ctx.dct.isoweekday()
    if lead in ("last", "this past", "past"):
        direction = -1
    elif lead in ("next", "this coming", "coming"):
        direction = 1
    elif lead == "this":
        direction = 0
    else:  # no cue: the last such day (module doc)
        direction = ctx.direction(m.start(), m.end()) or -1
    if direction == 0:
        day = ctx.dct + timedelta(days=delta)
    elif direction < 0:
        day = ctx.dct + timedelta(days=delta if delta <= 0 else delta - 7)
        if lead == "last" and delta == 0:
            day -= timedelta(days=7)
    else:
        day = ctx.dct + timedelta(days=delta if delta > 0 else delta + 7)
    return ("TIME" if pod else "DATE"), day.isoformat() + suffix, True, mod


# Clock times -----------------------------------------------------------------------------------


def _clock(text: str) -> str | None:
    text = text.lower().strip()
    if text == "noon":
        return "12:00"
    if text == "midnight":
        return "24:00"
    words = re.match(r"(\w+)\s+o'clock", text)
    if words:
        hour = _number(words.group(1))
        return f"{hour:02d}:00" if hour and hour <= 12 else None
    match = re.match(r"(\d{1,2})(?::(\d\d))?\s*([ap])?", text)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if match.group(3) == "p" and hour < 12:
        hour += 12
    elif match.group(3) == "a" and hour == 12:
        hour = 0
    if hour > 24 or minute > 59 or (match.group(3) and int(match.group(1)) > 12):
        return None
    return f"{hour:02d}:{minute:02d}"


@_rule(r"(?:(?P<approx>about|around|approximately)\s+)?"
       r"(?P<time>" + _TIME + r")" + _ZONE +
       r"(?:\s+(?:on\s+)?(?P<rest>(?:today|yesterday|tomorrow|tonight|(?:" + _WEEKDAY + r")|"
       r"(?:" + _MONTH + r")\s+\d{1,2}(?:,?\s+" + _YEAR + r")?)))?")
def _time(m: re.Match[str], ctx: _Context) -> Result | None:
    clock = _clock(m.group("time"))
    if clock is None:
        return None
    if re.fullmatch(r"\d{1,2}:\d\d", m.group("time")) and not m.group("approx") and not re.search(
        r"\b(?:at|by|until|before|after)\s+$", ctx.text[max(0, m.start() - 8):m.start()], re.I
    ):
        return None  # "3:1" scores, ratios: a bare h:mm needs "at" or "about" before it
    day = "XXXX-XX-XX"
    anchored = False
    rest = m.group("rest")
    if rest:
        inner = _find_in(rest, ctx, m.start("rest"))
        if inner is None or inner[0] not in ("DATE", "TIME"):
            return None
        day, anchored = inner[1][:10], inner[2]
    elif ctx.dct is not None:
        day, anchored = ctx.dct.isoformat(), True
    approx = (m.group("approx") or "").lower()
    mod = "APPROX" if approx in ("about", "around", "approximately") else None
    return "TIME", f"{day}T{clock}", anchored, mod


def _find_in(fragment: str, ctx: _Context, offset: int) -> Result | None:
    """The value of a fragment that should be one date (a weekday, "Nov. 9")."""
    for compiled, handler in _RULES:
        if handler is _time:
            continue
        match = compiled.fullmatch(ctx.text, offset, offset + len(fragment))
        if match:
            result = handler(match, ctx)
            if result:
                return result
    return None


# Relative periods: "last month", "this year", "next week", "the past year" ----------------------


@_rule(r"(?:(?P<part>early|late|earlier|later|the\s+(?:beginning|start|end|middle)\s+of|"
       r"(?:the\s+)?(?:first|second)\s+half\s+of|(?:at\s+)?mid-?)\s*(?:in\s+)?)?"
       r"(?P<lead>last|this|next|the\s+past|the\s+previous|the\s+coming|the\s+current|"
       r"the\s+following|this\s+past|the\s+same|the\s+last|the\s+full|the)\s+"
       r"(?P<unit>(?:fiscal\s+|calendar\s+)?(?:week(?:end)?|month|year|decade|century|"
       + _SEASON + r"))")
def _relative_period(m: re.Match[str], ctx: _Context) -> Result | None:
    lead = " ".join(m.group("lead").lower().split())
    unit_word = m.group("unit").lower().split()[-1]
    part = " ".join((m.group("part") or "").lower().split())
    mod = _part_mod(part.removeprefix("at ").removesuffix(" in"))
    if lead == "the" and not part:
        if m.group("unit")[0].isupper() and m.group("lead")[0].islower():
            return None  # "Person of the Week": part of a title
        if unit_word == "year":
            return "DURATION", "P1Y", False, None  # TimeBank: "the year" is a span of a year
        if unit_word in P.SEASONS or unit_word in ("week", "weekend", "month"):
            lead = "this"
        else:
            return None
    if lead == "the same":
        return None
    if lead == "this past" and unit_word in P.SEASONS:
        lead = "this"  # "this past spring": the spring of this year
    shift = {"last": -1, "the past": -1, "the previous": -1, "this past": -1, "next": 1,
             "the last": -1,
             "the coming": 1, "the following": 1}.get(lead, 0)
    if unit_word in P.SEASONS:
        code = P.SEASONS[unit_word]
        if ctx.dct is None:
            return "DATE", f"XXXX-{code}", False, mod
        year = ctx.dct.year + shift
        return "DATE", f"{year:04d}-{code}", True, mod
    letter = {"week": "W", "weekend": "WE", "month": "M", "year": "Y", "decade": "E",
              "century": "C"}[unit_word]
    if ctx.dct is None:
        value = _UNKNOWN[letter]
        if letter == "WE":
            value += "-WE"
        return "DATE", value, False, mod
    value = _shift(ctx.dct, letter, shift)
    if letter == "WE":
        value += "-WE"
    return "DATE", value, True, mod


# Durations and "N units ago" --------------------------------------------------------------------


@_rule(r"(?:(?P<mod>" + _alt(P.MODIFIERS) + r")\s+)?(?P<q>" + _QUANT + r")\s+(?:more\s+)?"
       r"(?P<unit>" + _UNITS + r")(?:\s+or\s+so)?\s+(?P<dir>ago|earlier|from\s+now|hence)")
def _ago(m: re.Match[str], ctx: _Context) -> Result | None:
    amount = _number(m.group("q"))
    letter, clock, _ = _unit(m.group("unit"))
    mod = P.MODIFIERS.get(" ".join((m.group("mod") or "").lower().split()))
    sign = 1 if m.group("dir").lower() in ("later", "from now", "hence") else -1
    if amount is None:
        return "DATE", "PAST_REF" if sign < 0 else "FUTURE_REF", False, mod
    if ctx.dct is None:
        return "DATE", _UNKNOWN.get(letter, "XXXX-XX-XX"), False, mod
    if letter in ("Y", "Q") and amount == 1 and sign < 0:
        # "a year ago" in an earnings report: the quarter just named, a year before
        fallback = _shift(ctx.dct, letter, -1)
        return "DATE", ("@Y-1|" if letter == "Y" else "@Q-1q|") + fallback, True, mod
    if clock:
        return "DATE", ctx.dct.isoformat(), True, mod
    return "DATE", _shift(ctx.dct, letter, sign * amount), True, mod


@_rule(r"(?:(?P<mod>" + _alt(P.MODIFIERS) + r")\s+)?(?:(?P<the>the)\s+"
       r"(?=(?:\w+\s+)?(?:\d+|[a-z]+)\s))?"
       r"(?:(?P<dir>past|last|next|previous|coming|first|final|latest|full|following|same|"
       r"entire|whole)\s+)?(?P<q>" + _QUANT + r")(?:\s+|-)(?:more\s+)?(?P<unit>" + _UNITS +
       r")(?P<old>-old|\s+old)?(?:\s+or\s+so)?")
def _duration_rule(m: re.Match[str], ctx: _Context) -> Result | None:
    if m.group("old"):
        return None  # an age, "37 years old"
    quantity = m.group("q").lower()
    unit_text = m.group("unit").lower()
    if quantity in ("a", "an") and re.search(r"\d\s*(?:%|percent|[a-z]+)?\s*$",
                                             ctx.text[max(0, m.start() - 25):m.start()]):
        return None  # "358,000 a month", "$500 million a year": a rate, left unmarked
    if quantity in ("a", "an", "one") and unit_text.startswith("second"):
        return None  # "a second group"
    if unit_text.startswith("quarter") and "-" in m.group():
        return None  # "three-quarters of": a fraction
    if quantity in ("a", "an") and m.group("the"):
        return None
    if quantity in ("some", "many") and not m.group("unit").lower().endswith("s"):
        return None
    amount = _number(quantity)
    if quantity in ("a", "an", "one") and m.group("unit").lower().endswith("s"):
        return None
    if amount is not None and amount > 1 and not m.group("unit").lower().endswith("s") and (
        "-" not in m.group() and not re.search(r"\s(?:fiscal|calendar)\s", m.group())
    ) and not m.group("unit").lower().endswith(("day", "hour", "year", "week", "month")):
        return None
    mod = P.MODIFIERS.get(" ".join((m.group("mod") or "").lower().split()))
    if re.search(r"\bor\s+so$", m.group(), re.I):
        mod = "APPROX"
    value = _duration(amount, m.group("unit"))
    if amount is None and re.fullmatch(r"\d+\.\d+", quantity):  # "5.5 hours": PT5.5H
        value = value.replace("X", quantity, 1)
    return "DURATION", value, False, mod


@_rule(r"(?P<lead>(?:the\s+)?(?:past|last|next|previous|" + _alt(P.REFERENCE_ADJECTIVES)[3:]
       + r")\s+(?P<unit>(?:second|minute|hour|day|week|month|quarter|year|decade|centurie)s)")
def _vague_plural(m: re.Match[str], ctx: _Context) -> Result | None:
    word = m.group("lead").lower().split()[-1]
    if P.REFERENCE_ADJECTIVES.get(word) == "FUTURE_REF":
        return "DATE", "FUTURE_REF", False, None  # "coming months", "future quarters"
    return "DURATION", _duration(None, m.group("unit")), False, None  # "recent weeks": PXW


@_rule(r"(?:(?<=\bfor\s)|(?<=\bover\s)|(?<=\bin\s)|(?<=\bwithin\s)|(?<=\bafter\s))"
       r"(?:hour|day|week|month|year|decade|centurie)s")
def _bare_plural(m: re.Match[str], ctx: _Context) -> Result | None:
    return "DURATION", _duration(None, m.group()), False, None


@_rule(r"(?P<q>each|every|per|a)\s+(?P<unit>(?:other\s+)?(?:second|minute|hour|day|night|week|"
       r"month|quarter|year|decade))")
def _set(m: re.Match[str], ctx: _Context) -> Result | None:
    word = m.group("q").lower()
    if word in ("a", "per"):
        # "$5 a year", "15 million per second": a rate of an amount, which TimeBank leaves
        # unmarked; a bare "a year" is a duration, for the duration rule.
        return None
    letter, clock, _ = _unit(m.group("unit"))
    every = 2 if "other" in m.group("unit").lower() else 1
    return "SET", ("PT" if clock else "P") + f"{every}{letter}", False, None


@_rule(_alt(P.FREQUENCIES))
def _frequency(m: re.Match[str], ctx: _Context) -> Result | None:
    if not re.match(r"\s*(?:[.,;:!?)\"'”’]|$)", ctx.text[m.end():m.end() + 2]):
        return None  # "quarterly dividend", "daily volume": an adjective TimeBank leaves out
    return "SET", P.FREQUENCIES[m.group().lower()], False, None


# Seasons, year end, references -----------------------------------------------------------------


@_rule(r"(?:the\s+)?(?:(?P<part>early|late|mid-?)\s*)?(?:(?P<the>the)\s+)?(?P<season>"
       + _SEASON + r")"
       r"(?:\s+(?:of\s+)?(?P<year>" + _YEAR + r"|" + _YEAR_WORDS + r"))?")
def _season(m: re.Match[str], ctx: _Context) -> Result | None:
    code = P.SEASONS[m.group("season").lower()]
    mod = _part_mod(m.group("part"))
    year_text = m.group("year")
    if year_text:
        year = int(year_text) if year_text.isdigit() else _year_words(year_text)
        return ("DATE", f"{year:04d}-{code}", False, mod) if year else None
    if m.group("season").lower() == "fall" and not m.group("the") and not m.group("part"):
        return None  # "fall" is mostly the verb
    if ctx.dct is None:
        return "DATE", f"XXXX-{code}", False, mod
    return "DATE", f"{ctx.dct.year:04d}-{code}", True, mod


@_rule(r"(?:around\s+)?(?:year|year's)[\s-]end|the\s+end\s+of\s+the\s+year")
def _year_end(m: re.Match[str], ctx: _Context) -> Result | None:
    mod = "APPROX" if m.group().lower().startswith("around") else "END"
    if ctx.dct is None:
        return "DATE", "XXXX", False, mod
    value = f"{ctx.dct.year:04d}"
    if mod == "APPROX":
        value += "-12"
    return "DATE", value, True, mod


@_rule(r"(?:(?P<part>early|late|mid-?|the\s+(?:beginning|end|middle)\s+of)\s*)(?:(?P<month>"
       + _MONTH + r")|(?P<year>" + _YEAR + r"))")
def _part_of(m: re.Match[str], ctx: _Context) -> Result | None:
    part = " ".join(m.group("part").lower().split())
    mod = _part_mod(part)
    if m.group("year"):
        return "DATE", m.group("year"), False, mod
    if not _capitalised(m.group("month")):
        return None
    month = _month_of(m.group("month"))
    if ctx.dct is None:
        return "DATE", f"XXXX-{month:02d}", False, mod
    return "DATE", f"{ctx.dct.year:04d}-{month:02d}", True, mod


_REFERENCE_WORDS = [w for w in P.REFERENCES if w not in P.REFERENCES_NOT_MATCHED]


@_rule(r"(?:(?P<more>more)\s+)?" + _alt(_REFERENCE_WORDS).replace("(?:", "(?P<ref>", 1))
def _reference(m: re.Match[str], ctx: _Context) -> Result | None:
    ref = " ".join(m.group("ref").lower().split())
    if ref == "current":
        after = ctx.text[m.end():m.end() + 25].lower()
        if re.match(r"\s+(?:account|accounts|events|affairs|state|president|chairman|"
                    r"members?|holders?|owners?|management|price|prices|rates?|levels?)\b", after):
            return None
    if ref in ("the past", "the future", "the present") and re.match(
        r"\s+(?!(?:and|or|but|that|when|as|is|was|were|are|has|have|had|will|would|of|in|on|"
        r"at|for|with|by|to|he|she|it|they|we|i|you|if|unless|because|so|than|then|two|"
        r"three|four|five|six|seven|eight|nine|ten|few|several)\b)[a-z]",
        ctx.text[m.end():m.end() + 12],
    ):
        return None  # "the past season", "the future king": an adjective
    if ref == "now" and re.match(r"\s+that\b", ctx.text[m.end():m.end() + 6]):
        return None
    return "DATE", P.REFERENCES[ref], False, None


# ---------------------------------------------------------------- the public function


def parse_published(published: str | None) -> date | None:
    """The publication date (its date part; a time of day does not move relative dates):
    ISO 8601, ``20260107`` or RFC 2822; anything else is E122."""
    if not published:
        return None
    text = published.strip()
    compact = re.fullmatch(r"(\d{4})(\d\d)(\d\d)", text)
    if compact:
        text = "-".join(compact.groups())
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:  # feeds and HTTP headers write RFC 2822: "Tue, 06 Jan 2026 15:00:00 GMT"
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        raise InputError("E122", value=published) from None


_PREFIX_MODS = re.compile(r"(?:(?<=\s)|^)(?P<mod>" + _alt(P.QUANTITY_MODIFIERS) + r")\s+$", re.I)


def _fill_context(found: list[Timex]) -> None:
    """Replace the placeholders some rules write ("@Q0|fallback") by values that depend on the
    quarter last named explicitly before: "the quarter" is that quarter, "a year earlier" and
    "the year-ago period" the same quarter a year before, "the 1988 period" that quarter of
    1988. With no quarter named before, the fallback after "|" is the value."""
    last_quarter: str | None = None
    for timex in found:
        if not timex.value.startswith("@"):
            if re.fullmatch(r"\d{4}-Q\d", timex.value):
                last_quarter = timex.value
            continue
        code, _, fallback = timex.value[1:].partition("|")
        if last_quarter is None:
            timex.value = fallback
            continue
        year, number = int(last_quarter[:4]), int(last_quarter[-1])
        if code == "Q0":
            timex.value = last_quarter
        elif code in ("Q-1", "Y-1"):
            timex.value = f"{year - 1:04d}-Q{number}"
        elif code == "Q-1q":
            year, number = (year, number - 1) if number > 1 else (year - 1, 4)
            timex.value = f"{year:04d}-Q{number}"
        elif code.startswith("Q") and code[1:].isdigit():
            timex.value = f"{code[1:]}-Q{number}"
        else:
            timex.value = fallback
        timex.anchored = False


def find_timexes(text: str, published: str | None, *, doc: Doc | None = None) -> list[Timex]:
    """Every temporal expression of ``text``, in order, with its TIMEX3 type and value.

    ``published`` (ISO date or date-time; E122 when unreadable) anchors relative expressions;
    ``doc``, a spaCy parse of the same text, lets verb tense choose between the previous and the
    next "Tuesday". Offsets index ``text`` exactly: ``text[t.start:t.end] == t.text``.
    """
    ctx = _Context(text=text, dct=parse_published(published), doc=doc,
                   sentence_bounds=_sentence_bounds(text))
    candidates: list[tuple[int, int, int, Result]] = []
    windows = _windows(text)
    for order, (compiled, handler) in enumerate(_RULES):
        spans = windows.get(order, ())
        matches = (m for low, high in spans for m in compiled.finditer(text, low, high))
        for match in matches:
            if match.end() == match.start():
                continue
            result = handler(match, ctx)
            if result is not None:
                candidates.append((match.start(), match.end(), order, result))
    # Leftmost-longest: TimeBank marks the longest expression; earlier rules win ties.
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0]), c[2]))
    found: list[Timex] = []
    taken_until = -1
    for start, end, _, (kind, value, anchored, mod) in candidates:
        if start < taken_until:
            continue
        # Quantity words before a duration or "ago" belong to it ("about two years ago").
        if kind in ("DURATION", "DATE") and mod is None:
            before = _PREFIX_MODS.search(text, max(taken_until, 0, start - 16), start)
            if before is not None and before.end() == start and (
                kind == "DURATION" or value.startswith(("1", "2", "X"))
            ):
                start = before.start("mod")
                mod = P.MODIFIERS[" ".join(before.group("mod").lower().split())]
        found.append(Timex(start=start, end=end, text=text[start:end], type=kind, value=value,
                           anchored=anchored, mod=mod))
        taken_until = end
    _fill_context(found)
    return found
