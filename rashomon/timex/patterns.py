"""The rules' vocabulary, kept as data: words and the TIMEX3 values they stand for.

The matcher in :mod:`rashomon.timex.normalise` builds its regular expressions from these tables
once, at import. Changing what is recognised is mostly a matter of editing a table here.
"""

from __future__ import annotations

# Month names and abbreviations (with or without a full stop) -> month number.
MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip

# Weekdays -> ISO weekday number (Monday = 1), as TIMEX3 writes it in "XXXX-WXX-2".
WEEKDAYS: dict[str, int] = {
    "monday": 1, "mon": 1, "tuesday": 2, "tue": 2, "tues": 2, "wednesday": 3, "wed": 3,
    "thursday": 4, "thu": 4, "thur": 4, "thurs": 4, "friday": 5, "fri": 5,
    "saturday": 6, "sat": 6, "sunday": 7, "sun": 7,
}  # fmt: skip

# Seasons -> the TIMEX3 season codes.
SEASONS: dict[str, str] = {
    "spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI",
}  # fmt: skip

# Parts of the day -> TIMEX3 codes (appended after "T").
PARTS_OF_DAY: dict[str, str] = {
    "morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "overnight": "NI",
}  # fmt: skip

# Cardinal number words.
NUMBERS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a couple of": 2, "couple of": 2,
    "a dozen": 12, "dozen": 12,
}  # fmt: skip

# Quantities that are not a number: the TIMEX3 value keeps the amount as X ("PXY").
VAGUE_NUMBERS: tuple[str, ...] = (
    "several", "a few", "few", "some", "many", "a number of", "numerous", "dozens of",
    "hundreds of", "the next few", "a couple", "countless",
)  # fmt: skip

# Ordinals (words and digits) -> number, for days of the month and quarters.
ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "twenty-first": 21, "twenty-second": 22,
    "twenty-third": 23, "twenty-fourth": 24, "twenty-fifth": 25, "twenty-sixth": 26,
    "twenty-seventh": 27, "twenty-eighth": 28, "twenty-ninth": 29, "thirtieth": 30,
    "thirty-first": 31,
}  # fmt: skip

# Units of time -> (the TIMEX3 duration letter, whether it is a time unit written after "T").
UNITS: dict[str, tuple[str, bool]] = {
    "second": ("S", True), "minute": ("M", True), "hour": ("H", True), "day": ("D", False),
    "night": ("D", False), "week": ("W", False), "weekend": ("WE", False),
    "fortnight": ("W", False), "month": ("M", False), "quarter": ("Q", False),
    "year": ("Y", False), "decade": ("E", False), "century": ("C", False),
    "centurie": ("C", False), "millennium": ("L", False), "millennia": ("L", False),
}  # fmt: skip
# How many of the TIMEX3 unit one word stands for ("a fortnight" is two weeks).
UNIT_FACTOR: dict[str, int] = {"fortnight": 2}

# Words that are temporal references without a date: TimeBank's PRESENT_REF / PAST_REF /
# FUTURE_REF. Longer phrases are listed first so they win.
REFERENCES: dict[str, str] = {
    "right now": "PRESENT_REF", "just now": "PRESENT_REF", "these days": "PRESENT_REF",
    "at present": "PRESENT_REF", "at the moment": "PRESENT_REF", "nowadays": "PRESENT_REF",
    "currently": "PRESENT_REF", "current": "PRESENT_REF", "now": "PRESENT_REF",
    "the present": "PRESENT_REF", "presently": "PRESENT_REF",
    "recently": "PAST_REF", "recent": "PAST_REF", "more recently": "PAST_REF",
    "lately": "PAST_REF", "previously": "PAST_REF", "formerly": "PAST_REF",
    "the past": "PAST_REF", "once": "PAST_REF",
    "earlier": "PAST_REF", "former": "PAST_REF",
    "soon": "FUTURE_REF", "the future": "FUTURE_REF", "future": "FUTURE_REF",
    "the near future": "FUTURE_REF", "the near term": "FUTURE_REF",
    "the short term": "FUTURE_REF", "the long term": "FUTURE_REF", "shortly": "FUTURE_REF",
    "eventually": "FUTURE_REF", "one day": "FUTURE_REF", "someday": "FUTURE_REF",
    "as soon as possible": "FUTURE_REF", "from time to time": "FUTURE_REF",
}  # fmt: skip
# Of these, the ones only taken when nothing else could be meant: "once" (a conjunction too),
# "earlier"/"former" (comparisons, titles) and "future" (an adjective) would mostly be false
# alarms, so they are left out of matching. They stay listed to document the decision.
# "previously", "eventually" and "shortly" are left out too: TimeBank leaves them unmarked (on
# its dev half, none of their 10 occurrences is annotated).
REFERENCES_NOT_MATCHED: frozenset[str] = frozenset(
    {"once", "earlier", "former", "future", "previously", "eventually", "shortly"}
)

# Plural/vague "recent weeks", "coming months": the reference they make.
REFERENCE_ADJECTIVES: dict[str, str] = {
    "recent": "PAST_REF", "past": "PAST_REF", "coming": "FUTURE_REF", "future": "FUTURE_REF",
    "upcoming": "FUTURE_REF",
}  # fmt: skip

# Words before an expression that TIMEX3 keeps as its "mod" (and TimeBank inside the span).
MODIFIERS: dict[str, str | None] = {
    "about": "APPROX", "around": "APPROX", "approximately": "APPROX", "roughly": "APPROX",
    "some": "APPROX", "nearly": "LESS_THAN", "almost": "LESS_THAN", "less than": "LESS_THAN",
    "fewer than": "LESS_THAN", "more than": "MORE_THAN", "at least": "EQUAL_OR_MORE",
    "no less than": "EQUAL_OR_MORE",
    "up to": "EQUAL_OR_LESS", "no more than": "EQUAL_OR_LESS", "at most": "EQUAL_OR_LESS",
    "only": None, "just": None,
}  # fmt: skip
# Modifiers that join a duration or an "N units ago" found right after them, even when the rule
# that found it did not include them ("about" + "two years ago").
QUANTITY_MODIFIERS: frozenset[str] = frozenset(
    {"about", "around", "approximately", "roughly", "nearly", "almost", "less than",
     "fewer than", "more than", "at least", "no less than", "up to", "no more than", "at most"}
)

# Words for a part of a period -> the TIMEX3 mod ("early 1990" = 1990, mod START).
PART_MODIFIERS: dict[str, str] = {
    "early": "START", "earlier": "START", "the beginning of": "START", "the start of": "START",
    "the early": "START", "the first half of": "START", "first half of": "START",
    "late": "END", "later": "END", "the end of": "END", "the late": "END",
    "the second half of": "END", "second half of": "END",
    "mid": "MID", "mid-": "MID", "the middle of": "MID", "the mid": "MID", "the mid-": "MID",
}  # fmt: skip

# Adverbs of frequency -> a TIMEX3 SET value.
FREQUENCIES: dict[str, str] = {
    "hourly": "PT1H", "daily": "P1D", "nightly": "P1D", "weekly": "P1W", "monthly": "P1M",
    "quarterly": "P1Q", "annually": "P1Y", "yearly": "P1Y", "biweekly": "P2W",
}  # fmt: skip

# Cues that a sentence speaks of the future, used to choose which "Tuesday" is meant when no
# parse is given (see normalise.direction_from_cues). Checked as whole words, case-insensitive.
FUTURE_CUES: tuple[str, ...] = (
    "will", "'ll", "shall", "going to", "set to", "scheduled", "expected to", "plans to",
    "plan to", "planned", "due to", "upcoming", "is to", "are to", "to be held", "expects",
    "expect", "forecast", "projected", "would",
)  # fmt: skip
# Cues that a sentence speaks of the past; they win over future cues when both occur.
PAST_CUES: tuple[str, ...] = (
    "said", "told", "announced", "was", "were", "had", "did", "ago", "last", "earlier",
    "yesterday",
)  # fmt: skip
# Reporting verbs count: "said Friday" is the commonest pattern in news, and the nearest cue
# decides, so "said it will meet on Tuesday" still reads "will" (measured on TimeBank's dev
# half: leaving them out lowers value F1 by 0.6).

# Time zones that may follow a clock time ("5 p.m. EST"); kept in the span, not the value.
TIME_ZONES: tuple[str, ...] = (
    "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT", "GMT", "UTC", "BST", "CET", "CEST",
    "ET", "PT", "CT", "local time",
)  # fmt: skip
