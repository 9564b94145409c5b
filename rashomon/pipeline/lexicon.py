"""Word lists the stages rely on, kept as data in one place (trafilatura style).

Larger tables live in ``rashomon/data/`` and are loaded lazily from here.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib import resources

# Nouns that are titles or roles when they precede or stand for a person.
TITLE_WORDS = frozenset(
    """
    president vice-president prime minister premier chancellor king queen prince princess
    senator congressman congresswoman representative governor mayor minister secretary
    ambassador envoy spokesman spokeswoman spokesperson chairman chairwoman chair chief
    director general admiral commander colonel captain lieutenant sergeant officer judge
    justice attorney prosecutor leader head ceo founder pope bishop cardinal imam rabbi
    sheikh emir sultan dictator lawmaker legislator diplomat official commissioner adviser
    advisor analyst lawyer professor dr doctor mr mrs ms miss sir lord lady deputy
    """.split()
)

# Titles written before a name that mark it as a person's (abbreviated too): a one-word name
# with one of these ("Mr. Comey") is a person, while a bare one ("Politico") may not be.
PERSONAL_TITLES = frozenset(
    "mr mrs ms miss dr president senator sen rep governor gov minister secretary judge".split()
)

# Verbs that introduce what someone said (for quotes and attribution).
SPEECH_VERBS = frozenset(
    """
    say tell add state suggest remark warn claim insist argue accuse announce write tweet
    post note explain declare describe call compare stress emphasize emphasise reply respond
    answer ask urge admit acknowledge deny confirm allege assert contend maintain report
    predict promise vow pledge threaten caution reiterate recall complain criticize criticise
    condemn praise quip joke muse observe comment testify
    """.split()
)

# Prepositions whose phrases are facts of their own when long enough ("following the
# seizure of President Maduro", "after months of escalating tensions").
SPLIT_PREPOSITIONS = frozenset(
    """
    after before following despite amid amidst since until during over because including
    like unlike regarding concerning
    """.split()
)

# Of those, the ones that split only when they hang from a noun ("tensions over X").
NOUN_ONLY_PREPOSITIONS = frozenset({"over", "like", "unlike"})

# Adverbs and auxiliaries that hedge a statement.
HEDGES = frozenset(
    """
    may might could possibly perhaps reportedly allegedly apparently purportedly likely
    unlikely probably potentially seemingly supposedly rumored rumoured unconfirmed
    """.split()
)

# Verbs that negate the action they govern: "declined to predict" = "would not predict".
NEGATIVE_PREDICATES = frozenset("decline refuse fail neglect omit deny".split())

# Words that make a statement hypothetical: its polarity cannot be compared with a plain one
# ("to pass it would help" / "if they don't pass it, it will hurt").
CONDITIONALS = frozenset("if unless whether otherwise".split())

# Verbs whose complement clause is someone's belief, wish or claim, not the report's own
# assertion: a clause under them is never a fact of its own ("officials believe the talks
# failed").
FRAMING_VERBS = SPEECH_VERBS | frozenset(
    """
    believe think hope fear expect suspect doubt want wish plan intend seem appear consider
    assume suppose guess estimate speculate imagine feel worry hear learn know understand
    recommend propose demand insist order request require decide agree
    """.split()
)

# Subordinators that make their clause a condition or a hypothesis: such a clause stays with
# the clause it conditions, and what it conditions is never lifted out as a plain assertion.
CONDITIONAL_MARKERS = frozenset("if unless whether provided providing supposing lest once".split())

# Words that make a clause negative when they attach to its predicate.
NEGATIONS = frozenset("not n't n’t never no neither nor none nobody nothing".split())

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
MONTH_ABBREVIATIONS = {m[:3]: i + 1 for i, m in enumerate(MONTHS)} | {"sept": 9}

NUMBER_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
    "a dozen": 12,
    "half": 0.5,
}
SCALE_WORDS = {
    "hundred": 1e2,
    "thousand": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
}
# Vague plural amounts: "dozens of", "thousands of".
VAGUE_AMOUNTS = {"dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000, "millions": 2e6}
APPROXIMATORS = frozenset(
    "about around roughly approximately nearly almost some over estimated circa".split()
)
APPROXIMATOR_PHRASES = ("more than", "less than", "fewer than", "at least", "at most", "up to")

# Units normalised to one name and a factor into it.
UNITS: dict[str, tuple[str, float]] = {
    "km": ("km", 1.0),
    "kilometre": ("km", 1.0),
    "kilometer": ("km", 1.0),
    "kilometres": ("km", 1.0),
    "kilometers": ("km", 1.0),
    "mile": ("km", 1.609344),
    "miles": ("km", 1.609344),
    "m": ("m", 1.0),
    "metre": ("m", 1.0),
    "meter": ("m", 1.0),
    "foot": ("m", 0.3048),
    "feet": ("m", 0.3048),
    "kg": ("kg", 1.0),
    "kilogram": ("kg", 1.0),
    "tonne": ("kg", 1000.0),
    "ton": ("kg", 907.18474),
    "pound": ("kg", 0.45359237),
    "lb": ("kg", 0.45359237),
    "percent": ("percent", 1.0),
    "per cent": ("percent", 1.0),
    "%": ("percent", 1.0),
    "hour": ("hour", 1.0),
    "minute": ("hour", 1 / 60),
    "day": ("day", 1.0),
    "week": ("day", 7.0),
    "month": ("month", 1.0),
    "year": ("year", 1.0),
}
CURRENCIES = {
    "$": "usd",
    "us$": "usd",
    "dollar": "usd",
    "usd": "usd",
    "€": "eur",
    "euro": "eur",
    "eur": "eur",
    "£": "gbp",
    "pound sterling": "gbp",
    "gbp": "gbp",
    "¥": "jpy",
    "yen": "jpy",
    "yuan": "cny",
    "rupee": "inr",
    "peso": "peso",
}

# Counted nouns that mean the same thing when reports compare numbers ("30,000 soldiers" and
# "10,000 troops" count the same people).
UNIT_SYNONYMS: tuple[frozenset[str], ...] = (
    frozenset("soldier troop personnel serviceman servicemen service member".split()),
    frozenset("person people individual resident civilian".split()),
    frozenset("death dead fatality casualty killed victim".split()),
    frozenset("injury injured wounded".split()),
    frozenset("migrant immigrant refugee asylum-seeker".split()),
    frozenset("vote ballot".split()),
    frozenset("vessel boat ship".split()),
    frozenset("police officer policeman cop".split()),
    frozenset("protester demonstrator".split()),
    frozenset("student pupil".split()),
)


def unit_synonyms(a: str | None, b: str | None) -> bool:
    if a is None or b is None:
        return a == b
    if a == b:
        return True
    return any(a in group and b in group for group in UNIT_SYNONYMS)


def fold(text: str) -> str:
    """Lower-case and strip accents, for comparing names ("Nicolás" == "Nicolas")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@cache
def places() -> tuple[dict[str, str], dict[str, str]]:
    """(alias -> canonical place name, demonym -> canonical place name), keys folded."""
    aliases: dict[str, str] = {}
    demonyms: dict[str, str] = {}
    text = resources.files("rashomon.data").joinpath("places.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cells = [*line.split("\t"), "", ""][:3]
        name = cells[0].strip()
        aliases[fold(name)] = name
        aliases[fold("the " + name)] = name
        for alias in filter(None, cells[1].split("|")):
            aliases[fold(alias.strip())] = name
        for demonym in filter(None, cells[2].split("|")):
            demonyms[fold(demonym.strip())] = name
    return aliases, demonyms
