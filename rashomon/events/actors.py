"""Actor coding: a noun phrase of a parsed sentence -> a CAMEO/Phoenix actor code.

Names are found with the actor dictionaries ("Colombian" -> COL, "U.S. military" -> USAMIL) and
generic agents with the agents dictionary ("president" -> ~GOV, "police" -> ~COP); a phrase's code
joins the two as PETRARCH2 does ("Colombian President Gustavo Petro" -> COL + GOV = COLGOV). A
phrase with no dictionary word keeps its text with ``code=None``: unknown, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from rashomon.events.dictionaries import ActorEntry

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token


@dataclass(slots=True)
class Actor:
    """Who acts or is acted upon: the words as written and what they were coded as.

    ``code`` is the full code ("COLGOV", "USAMIL", "COP"), None when the dictionaries do not
    know the phrase; ``country`` its three-letter country part, ``role`` its agent part ("GOV",
    "MIL", "COP"); ``entity`` the name the words stand for when they do not spell it (a pronoun
    read from the same sentence) or the named-entity label of an unknown name.
    """

    text: str
    start: int
    end: int
    code: str | None
    country: str | None
    role: str | None
    entity: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True, frozen=True)
class Match:
    """A dictionary phrase found at tokens ``[start, end)`` of a doc."""

    start: int
    end: int
    code: str
    kind: str  # "actor" or "agent"


# Parts of speech that never carry an actor on their own ("us" is not the USA).
_NOT_NAMES = {"PRON", "DET", "ADP", "CCONJ", "SCONJ", "AUX", "PART", "PUNCT", "NUM"}
_MIN_STEM = 4  # a stem shorter than this would match too many unrelated words


class ActorMatcher:
    """Finds dictionary phrases in parsed sentences (longest match first)."""

    def __init__(self, actors: Iterable[ActorEntry], agents: Iterable[ActorEntry],
                 date: str | None = None) -> None:  # fmt: skip
        self._exact: dict[str, list[ActorEntry]] = {}
        self._stems: dict[str, list[ActorEntry]] = {}
        self._codes: dict[int, str] = {}
        for entry in [*actors, *agents]:
            code = entry.code(date)
            if not code or not entry.words:
                continue
            self._codes[id(entry)] = code
            if entry.stem and len(entry.words) == 1 and len(entry.words[0]) >= _MIN_STEM:
                self._stems.setdefault(entry.words[0], []).append(entry)
            self._exact.setdefault(entry.words[0], []).append(entry)
        for bucket in self._exact.values():
            bucket.sort(key=lambda e: -len(e.words))

    def _candidates(self, word: str) -> list[ActorEntry]:
        found = list(self._exact.get(word, ()))
        for size in range(_MIN_STEM, len(word)):
            found.extend(self._stems.get(word[:size], ()))
        return found

    def find(self, sent: SpacySpan) -> list[Match]:
        """Non-overlapping dictionary matches in ``sent``, longest first from the left."""
        words = [t.text.upper() for t in sent]
        matches: list[Match] = []
        i = 0
        while i < len(words):
            best: tuple[int, ActorEntry] | None = None
            for entry in self._candidates(words[i]):
                n = len(entry.words)
                if n == 1 and sent[i].pos_ in _NOT_NAMES:
                    continue
                fits = tuple(words[i : i + n]) == entry.words or self._stem_fits(entry, words, i)
                if fits and (best is None or n > best[0]):
                    best = (n, entry)
            if best is None:
                i += 1
                continue
            n, entry = best
            matches.append(Match(sent.start + i, sent.start + i + n, self._codes[id(entry)],
                                 entry.kind))  # fmt: skip
            i += n
        return matches

    @staticmethod
    def _stem_fits(entry: ActorEntry, words: list[str], i: int) -> bool:
        n = len(entry.words)
        if not entry.stem or n > 1 or i + n > len(words):
            return False
        return words[i].startswith(entry.words[0])


def combine(codes: list[Match]) -> tuple[str | None, str | None, str | None]:
    """(code, country, role) of the matches inside one noun phrase.

    A full actor code wins over a country plus agent; an agent's ``~XXX`` goes after the
    country and ``XXX~`` before it (PETRARCH2's convention); an agent alone is its own code.
    """
    actors = [m.code for m in codes if m.kind == "actor"]
    agents = [m.code for m in codes if m.kind == "agent"]
    country = None
    full = None
    for code in actors:
        if len(code) > 3 and full is None:
            full = code
        if country is None:
            country = code[:3]
    if full is not None:
        return full, full[:3], full[3:] or None
    if agents:
        agent = agents[0]
        role = agent.strip("~")
        if country is None:
            return role, None, role
        code = role + country if agent.endswith("~") and not agent.startswith("~") else (
            country + role)
        return code, country, role
    if country is not None:
        return country, country, None
    return None, None, None


# Dependents that belong to the noun phrase naming an actor ("Colombian President Gustavo Petro",
# "Petro, Colombia's president", "the president of Colombia").
_NP_DEPS = {"compound", "amod", "poss", "nmod", "det", "nummod", "quantmod", "npadvmod",
            "appos", "case", "flat", "punct", "nn"}  # fmt: skip


def phrase_tokens(head: Token, depth: int = 1) -> list[Token]:
    """The tokens of the noun phrase headed by ``head``, without clauses or conjuncts; up to
    ``depth`` "of/from/in" phrases deep ("the president of Colombia", "soldiers from Gondor",
    "activists in Arnor", but not "a resumption of ties between Eriador and Osgiliath")."""
    out = [head]
    for child in head.children:
        if child.dep_ in _NP_DEPS:
            out.extend(child.subtree)
        elif depth > 0 and child.dep_ == "prep" and child.lower_ in {"of", "from", "in"}:
            for obj in child.children:
                if obj.dep_ == "pobj":
                    out.append(child)
                    out.extend(phrase_tokens(obj, depth - 1))
    return sorted(set(out), key=lambda t: t.i)


_UNIT_NOUNS = {"company", "companies"}


def actor_for(head: Token, matches: dict[int, Match]) -> Actor:
    """The actor named by the phrase headed by ``head`` (code None when unknown)."""
    tokens = phrase_tokens(head)
    ids = {t.i for t in tokens}
    found: list[Match] = []
    seen: set[int] = set()
    for t in tokens:
        m = matches.get(t.i)
        if m is not None and id(m) not in seen and m.start in ids:
            seen.add(id(m))
            found.append(m)
    # "two companies of rapid action force": a unit of a force is the force, not a business.
    if head.lower_ in _UNIT_NOUNS and len(found) > 1:
        found = [m for m in found if not m.start <= head.i < m.end]
    # The head's own match first: "the president of Colombia" is COL + GOV either way, but
    # "the Colombian ambassador to Venezuela" should not become VEN.
    code, country, role = combine(found)
    # The phrase shown: contiguous words from the first to the last phrase token.
    start_tok = tokens[0]
    end_tok = tokens[-1]
    while end_tok.is_punct and end_tok.i > start_tok.i:
        end_tok = end_tok.doc[end_tok.i - 1]
    doc = head.doc
    span = doc[start_tok.i : end_tok.i + 1]
    entity = None
    if code is None and head.ent_type_:
        entity = head.ent_type_
    return Actor(span.text, span.start_char, span.end_char, code, country, role, entity)


def match_index(matches: list[Match]) -> dict[int, Match]:
    """Token index -> the match covering it."""
    index: dict[int, Match] = {}
    for m in matches:
        for i in range(m.start, m.end):
            index[i] = m
    return index
