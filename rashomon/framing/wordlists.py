"""Word tables for framing, kept as data: hedges, attribution verbs, loaded words.

``CUES`` is the small hand-made table of words with which a report passes a claim on without
vouching for it (hedges), or tells how a claim was made (attribution verbs, from the neutral
"said" to the distancing "claimed" and the conceding "admitted"). ``LOADED`` lists nouns and verbs
that carry a judgement by themselves ("regime", "slammed"). Adjectives are judged with the
subjectivity lexicon of TextBlob (De Smedt & Daelemans, public domain, PDDL) when it is installed,
and a part-of-speech lexicon (Brill's, shipped by TextBlob) tells content words apart; both are
plain files read once, no model.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.util import find_spec
from pathlib import Path

# kind of cue -> words (lower case; several words allowed). Inflections are listed, not guessed,
# so a span is always the exact word.
_CUE_TABLE = {
    # The report distances itself from the claim.
    "hedge": """
        allegedly alleged reportedly purportedly purported supposedly supposed apparently
        ostensibly so-called unconfirmed unverified unsubstantiated rumored rumoured
        """,
    # Neutral attribution: the report tells who said it, nothing more.
    "say": """
        said say says saying told tells stated states added adds noted notes explained
        explains announced announces reported reports wrote writes according_to
        """,
    # Attribution that casts doubt on the speaker.
    "claim": """
        claimed claims claiming insisted insists maintained maintains contended contends
        asserted asserts alleges professed purports
        """,
    # Attribution that presents the words as a concession or confession.
    "admit": """
        admitted admits admitting conceded concedes acknowledged acknowledges confessed
        confesses
        """,
    # Attribution that dramatises the speaker's manner.
    "charged": """
        slammed slams blasted blasts ranted rants railed rails boasted boasts bragged brags
        lashed_out lashes_out fumed fumes scoffed scoffs gloated gloats whined whines
        touted touts mocked mocks sneered sneers thundered thunders
        """,
}

# Words that judge by themselves (nouns and verbs the adjective lexicon does not cover), with
# the reason shown to a reader.
_LOADED_TABLE = """
regime pejorative for a government
dictator pejorative for a head of state
despot pejorative for a head of state
tyrant pejorative for a head of state
strongman pejorative for a head of state
thug pejorative for people
thugs pejorative for people
mob pejorative for a crowd
horde pejorative for a crowd
hordes pejorative for a crowd
invasion loaded for migration or arrivals
invaders loaded for migrants
aliens dehumanising for migrants
illegals dehumanising for migrants
illegal_aliens dehumanising for migrants
illegal_immigrants loaded for undocumented migrants
terrorists loaded label for an armed group
extremists loaded label
radicals loaded label
propaganda pejorative for communication
scheme pejorative for a plan
ploy pejorative for a plan
stunt pejorative for an action
witch_hunt loaded for an investigation
hoax loaded for a claim
slammed dramatising verb of speech
blasted dramatising verb of speech
ranted dramatising verb of speech
caved loaded for a concession
capitulated loaded for a concession
bombshell dramatising for news
meltdown dramatising
chaos dramatising
crisis dramatising
disaster dramatising
"""


@cache
def cue_table() -> dict[str, str]:
    """Every cue (lower case, words joined by a space) -> its kind."""
    return {
        word.replace("_", " "): kind
        for kind, words in _CUE_TABLE.items()
        for word in words.split()
    }


@cache
def loaded_table() -> dict[str, str]:
    """Every loaded word or phrase (lower case) -> why it is loaded."""
    out: dict[str, str] = {}
    for line in _LOADED_TABLE.strip().splitlines():
        word, reason = line.split(" ", 1)
        out[word.replace("_", " ")] = reason
    return out


@cache
def cue_pattern() -> re.Pattern[str]:
    """One regular expression for every cue, longest first, on word boundaries."""
    words = sorted(cue_table(), key=len, reverse=True)
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return re.compile(r"(?<![\w-])(" + alternatives + r")(?![\w-])", re.IGNORECASE)


def _textblob_file(name: str) -> str | None:
    """A data file of TextBlob's English module, read without importing TextBlob (which
    imports NLTK: a second, for nothing), or None when it is not installed."""
    spec = find_spec("textblob")
    if spec is None or not spec.origin:
        return None
    path = Path(spec.origin).parent / "en" / name
    return path.read_text("utf-8") if path.is_file() else None


@cache
def subjective_adjectives() -> dict[str, tuple[float, float]]:
    """Adjective -> (mean subjectivity, mean polarity) over its senses, from TextBlob's lexicon;
    empty when TextBlob is not installed (then only :func:`loaded_table` flags words)."""
    text = _textblob_file("en-sentiment.xml")
    if text is None:
        return {}
    senses: dict[str, list[tuple[float, float]]] = {}
    # One <word .../> element a line; a regular expression reads it in a tenth of the time an
    # XML parser takes, which matters for the first frame() of a process.
    for element in re.finditer(r"<word ([^>]*)/>", text):
        attributes = dict(re.findall(r'(\w+)="([^"]*)"', element.group(1)))
        form = attributes.get("form", "").lower()
        if form and attributes.get("pos", "JJ").startswith("JJ"):
            senses.setdefault(form, []).append(
                (float(attributes.get("subjectivity", 0)), float(attributes.get("polarity", 0)))
            )
    return {
        form: (sum(s for s, _ in v) / len(v), sum(p for _, p in v) / len(v))
        for form, v in senses.items()
    }


# A strongly subjective adjective: mostly judged subjective and clearly polar, so that "secret"
# or "historic" (descriptive in news) stay out.
SUBJECTIVITY_MIN = 0.75
POLARITY_MIN = 0.4


def loaded_reason(word: str) -> str | None:
    """Why ``word`` (one word or a phrase) is loaded, or None."""
    lower = word.lower().strip()
    if lower in loaded_table():
        return loaded_table()[lower]
    adjectives = subjective_adjectives()
    for token in lower.split():
        if token in loaded_table():
            return loaded_table()[token]
        # The adjective lexicon speaks of adjectives only: "confirmed" and "detailed" are
        # mostly participles in news, whatever they mean as adjectives.
        tag = pos_lexicon().get(token)
        if token in adjectives and (tag is None or tag.startswith("JJ")):
            subjectivity, polarity = adjectives[token]
            if subjectivity >= SUBJECTIVITY_MIN and abs(polarity) >= POLARITY_MIN:
                tone = "negative" if polarity < 0 else "positive"
                return f"subjective adjective ({tone}, subjectivity {subjectivity:.2f})"
    return None


@cache
def pos_lexicon() -> dict[str, str]:
    """Word (as written: "As" and "AS" are different entries) -> its most frequent Penn tag,
    from Brill's lexicon as TextBlob ships it; empty when TextBlob is not installed."""
    text = _textblob_file("en-lexicon.txt")
    if text is None:
        return {}
    out: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith(";") or " " not in line:
            continue
        word, tags = line.split(" ", 1)
        out.setdefault(word, tags.split()[0])
    return out
