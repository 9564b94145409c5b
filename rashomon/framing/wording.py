"""Word choice: the words each source uses for the same entity, and for the same fact.

Entities: every mention of a resolved entity is widened to the left over the titles and modifiers
written before it ("North Korean dictator Kim Jong Un"); what is left once the entity's own names
are taken out is the *descriptor* ("north korean dictator"), and its last word the *head*
("dictator"). Sources are aligned on the entity, and a descriptor is flagged when a word of it
is in the loaded-word tables (:mod:`rashomon.framing.wordlists`) or when its head is one some
sources use and others, which describe the entity with other heads, never do.

Facts: for a fact several sources carry, the content words of each source's evidence that no
other source's evidence has ("seized" / "operation aimed at"); a word is flagged when it is
loaded, and a verb as a contrast when another source has a verb of its own there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from rashomon.framing.wordlists import loaded_reason, loaded_table, pos_lexicon
from rashomon.model import Comparison, Entity, Span, StoryFact
from rashomon.pipeline.lexicon import TITLE_WORDS

FlagKind = Literal["lexicon", "contrast"]
_TOKEN = re.compile(r"[\w][\w'’.-]*[\w]|\w")
# Words that never belong to a descriptor or a predicate's wording.
_FUNCTION_TAGS = ("DT", "IN", "CC", "PRP", "WP", "WDT", "WRB", "TO", "MD", "EX", "PDT", "POS")
_AUXILIARIES = frozenset(
    """be is are was were been being am have has had having do does did will would shall should
    can could may might must also not n't 's s said say says according""".split()
)
MAX_MODIFIERS = 5  # words widened to the left of a mention, at most
# Honorifics are part of a name as a house style writes it ("Mr. Kim"), not a description.
HONORIFICS = frozenset("mr mrs ms miss dr sir madam".split())
# Spellings of one title, compared as one head ("chair" / "chairman" is no choice of framing).
_SAME_TITLE = {
    "chair": "chairman", "chairwoman": "chairman", "chairperson": "chairman",
    "spokeswoman": "spokesman", "spokesperson": "spokesman", "congresswoman": "congressman",
    "advisor": "adviser", "rep": "representative", "sen": "senator", "gov": "governor",
}


@dataclass(slots=True)
class Flag:
    """Why a wording is worth a reader's look."""

    kind: FlagKind
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "reason": self.reason}


@dataclass(slots=True)
class Phrase:
    """One way a source names or describes an entity, with every place it does."""

    text: str  # the descriptor, lower case ("north korean dictator"), or the name as written
    head: str | None  # the descriptor's last word; None for a bare name
    spans: list[Span] = field(default_factory=list)  # each widened mention, exactly as written
    flags: list[Flag] = field(default_factory=list)

    @property
    def loaded(self) -> bool:
        return bool(self.flags)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "head": self.head,
            "count": len(self.spans),
            "loaded": self.loaded,
            "flags": [f.to_dict() for f in self.flags],
            "spans": [s.to_dict() for s in self.spans],
        }


@dataclass(slots=True)
class EntityWording:
    """How each source names and describes one entity."""

    entity: str
    name: str
    kind: str
    descriptors: dict[str, list[Phrase]]  # document -> descriptors, most used first
    names: dict[str, list[Phrase]]  # document -> bare names as written, most used first

    @property
    def differs(self) -> bool:
        """Do the sources that describe the entity describe it with different heads?"""
        heads = [frozenset(p.head for p in ps) for ps in self.descriptors.values() if ps]
        return len(heads) > 1 and len(set(heads)) > 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity": self.entity,
            "name": self.name,
            "kind": self.kind,
            "differs": self.differs,
            "descriptors": {d: [p.to_dict() for p in ps] for d, ps in self.descriptors.items()},
            "names": {d: [p.to_dict() for p in ps] for d, ps in self.names.items()},
        }


@dataclass(slots=True)
class WordUse:
    """A content word of one source's wording of a fact that the other sources do not use."""

    span: Span
    word_class: str  # "verb", "noun", "adjective", "adverb"
    flags: list[Flag] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {**self.span.to_dict(), "class": self.word_class, "loaded": bool(self.flags),
                "flags": [f.to_dict() for f in self.flags]}  # fmt: skip


@dataclass(slots=True)
class FactWording:
    """The words in which each source tells one shared fact differently."""

    fact: str
    statement: str
    status: str
    words: dict[str, list[WordUse]]  # document -> its own words, in text order

    def to_dict(self) -> dict[str, Any]:
        return {
            "fact": self.fact,
            "statement": self.statement,
            "status": self.status,
            "words": {d: [w.to_dict() for w in ws] for d, ws in self.words.items()},
        }


@dataclass(slots=True)
class WordChoice:
    entities: list[EntityWording] = field(default_factory=list)
    facts: list[FactWording] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "entities": [e.to_dict() for e in self.entities],
            "facts": [f.to_dict() for f in self.facts],
        }


# -- words ----------------------------------------------------------------------------------


def _tag(word: str) -> str | None:
    lexicon = pos_lexicon()
    return lexicon.get(word) or lexicon.get(word.lower()) or lexicon.get(word.lower().rstrip("."))


def _word_class(word: str) -> str | None:
    """The class of a content word, None for a function word, a name or a number."""
    lower = word.lower()
    if lower in _AUXILIARIES or not any(c.isalpha() for c in word) or len(word) < 2:
        return None
    tag = _tag(word)
    if word[0].isupper() and (tag is None or tag.startswith("NNP")):
        return None  # a name: names are compared per entity, not per fact
    if tag is None:  # not in the lexicon ("criticised"): guess from the ending
        if not word.islower():
            return None
        for suffix, name in (("ed", "verb"), ("ing", "verb"), ("ly", "adverb")):
            if lower.endswith(suffix) and len(lower) > len(suffix) + 2:
                return name
        return "noun"
    for prefix, name in (("VB", "verb"), ("NN", "noun"), ("JJ", "adjective"), ("RB", "adverb")):
        if tag.startswith(prefix):
            return name
    return None


def _stem(word: str) -> str:
    """A crude stem, only to tell whether two sources use the same word ("strikes"/"strike")."""
    w = word.lower().replace("’", "'")
    for suffix in ("ations", "ation", "ings", "ing", "ied", "ies", "ed", "es", "s", "ly"):
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            return w[: -len(suffix)]
    return w


def _tokens(span: Span) -> Iterable[Span]:
    for m in _TOKEN.finditer(span.text):
        yield Span(span.document, span.start + m.start(), span.start + m.end(), m.group(0))


# -- entities -------------------------------------------------------------------------------


def _title(word: str) -> bool:
    lower = word.lower().rstrip(".")
    return lower in TITLE_WORDS or lower in loaded_table()


def _modifier(word: str, titled: bool) -> bool:
    """May ``word`` stand in a title or description written before a name? A lower-case
    adjective only may, when a title follows it ("former director", not "glad Comey")."""
    lower = word.lower().rstrip(".")
    tag = _tag(word)
    if lower in _AUXILIARIES or (tag is not None and tag.startswith(_FUNCTION_TAGS)):
        return False
    if _title(word):
        return True
    if word[0].isupper():
        return True  # "North Korean", "C.I.A."
    return titled and tag is not None and tag.startswith("JJ")  # "brutal", "former"


def _widen(text: str, span: Span) -> int:
    """Where the mention's titles and modifiers begin, to the left of ``span``."""
    start = span.start
    titled = False
    for _ in range(MAX_MODIFIERS):
        m = re.search(r"([\w][\w'’.-]*)([ \t]+)$", text[max(0, start - 60) : start])
        if not m:
            break
        word = m.group(1)
        if word.endswith((".", "'", "’")) and word.lower().rstrip(".") not in TITLE_WORDS and (
            not re.fullmatch(r"(?:[A-Z]\.)+", word)
        ):
            break  # a sentence end or a possessive, not a title ("Mr." and "C.I.A." are kept)
        if not _modifier(word, titled):
            break
        # An adjective may stand before a title, not before an honorific ("brokered Mr. Kim").
        titled = titled or (_title(word) and word.lower().rstrip(".") not in HONORIFICS)
        start -= len(m.group(0))
    return start


def _head(word: str) -> str:
    lower = word.lower().rstrip(".")
    return _SAME_TITLE.get(lower, lower)


def _name_words(entity: Entity) -> set[str]:
    words: set[str] = set()
    for alias in (entity.name, *entity.aliases):
        tokens = _TOKEN.findall(alias)
        if tokens and all(t[0].isupper() or not t[0].isalpha() for t in tokens):
            words.update(t.lower() for t in tokens if t.lower() not in TITLE_WORDS)
    return words


def _entity_wording(comparison: Comparison, entity: Entity) -> EntityWording:
    texts = {d.id: d.text for d in comparison.documents}
    names = _name_words(entity)
    descriptors: dict[str, dict[str, Phrase]] = {}
    bare: dict[str, dict[str, Phrase]] = {}
    for mention in entity.mentions:
        text = texts.get(mention.document)
        if text is None:
            continue
        # Only people and groups get titles; a word before a place or an organisation
        # describes something else ("former FBI director").
        start = _widen(text, mention) if entity.kind in ("person", "group") else mention.start
        widened = Span(mention.document, start, mention.end, text[start : mention.end])
        words = [t for t in _TOKEN.findall(widened.text)
                 if t.lower().rstrip(".") not in names | HONORIFICS]
        descriptor = [w for w in words if _word_class(w) or w.lower().rstrip(".") in TITLE_WORDS
                      or w[0].isupper()]  # fmt: skip
        if descriptor and any(w.lower().rstrip(".") in TITLE_WORDS or w.islower()
                              for w in descriptor):  # fmt: skip
            key = " ".join(w.lower() for w in descriptor)
            phrase = descriptors.setdefault(mention.document, {}).setdefault(
                key, Phrase(key, _head(descriptor[-1]))
            )
        else:
            phrase = bare.setdefault(mention.document, {}).setdefault(
                mention.text, Phrase(mention.text, None)
            )
        phrase.spans.append(widened)

    def ordered(groups: dict[str, dict[str, Phrase]]) -> dict[str, list[Phrase]]:
        return {
            d.id: sorted(groups[d.id].values(), key=lambda p: (-len(p.spans), p.text))
            for d in comparison.documents
            if d.id in groups
        }

    wording = EntityWording(entity.id, entity.name, entity.kind, ordered(descriptors),
                            ordered(bare))  # fmt: skip
    _flag_descriptors(wording, [q.span for q in comparison.quotes])
    return wording


def _flag_descriptors(wording: EntityWording, quotes: Sequence[Span]) -> None:
    heads = {d: {p.head for p in ps} for d, ps in wording.descriptors.items() if ps}
    for document, phrases in wording.descriptors.items():
        others = {d: h for d, h in heads.items() if d != document}
        for phrase in phrases:
            reason = loaded_reason(phrase.text)
            if reason:
                note = QUOTED if all(_quoted(s, quotes) for s in phrase.spans) else ""
                phrase.flags.append(Flag("lexicon", f"{phrase.text!r}: {reason}{note}"))
            lacking = sorted(d for d, h in others.items() if phrase.head not in h)
            users = sorted(d for d, h in heads.items() if phrase.head in h)
            # A contrast: a head at most half the describing sources use, where the others
            # describe the entity otherwise (with two sources, each side of a difference).
            if others and lacking and 2 * len(users) <= len(heads):
                instead = sorted({h for d in lacking for h in others[d] if h})
                phrase.flags.append(Flag(
                    "contrast",
                    f"{phrase.head!r} in {', '.join(users)}; "
                    f"{', '.join(lacking)} write {', '.join(repr(h) for h in instead)} instead",
                ))  # fmt: skip


# -- facts ----------------------------------------------------------------------------------


QUOTED = " (inside a quotation: the speaker's word, not the report's)"


def _quoted(span: Span, quotes: Sequence[Span]) -> bool:
    return any(span.overlaps(q) for q in quotes)


def _fact_wording(fact: StoryFact, quotes: Sequence[Span] = ()) -> FactWording | None:
    own: dict[str, list[tuple[str, Span, str]]] = {}
    for span in fact.evidence:
        for token in _tokens(span):
            word_class = _word_class(token.text)
            if word_class:
                own.setdefault(span.document, []).append((_stem(token.text), token, word_class))
    if len(own) < 2:
        return None
    words: dict[str, list[WordUse]] = {}
    for document, tokens in own.items():
        elsewhere = {stem for d, ts in own.items() if d != document for stem, _, _ in ts}
        seen: set[tuple[int, int]] = set()
        for stem, token, word_class in sorted(tokens, key=lambda t: t[1].start):
            if stem in elsewhere or (token.start, token.end) in seen:
                continue
            seen.add((token.start, token.end))
            use = WordUse(token, word_class)
            reason = loaded_reason(token.text)
            if reason:
                note = QUOTED if _quoted(token, quotes) else ""
                use.flags.append(Flag("lexicon", f"{token.text!r}: {reason}{note}"))
            words.setdefault(document, []).append(use)
    if len(words) < 2:
        return None  # one source only adds words: a difference in detail, not of wording
    for document, uses in words.items():
        for use in uses:
            opposite = [
                f"{d}: {o.span.text!r}"
                for d, others in words.items() if d != document
                for o in others if o.word_class == use.word_class
            ]  # fmt: skip
            # Predicates only: a verb where another source has another verb ("seized" /
            # "aimed"); nouns and modifiers that differ are mostly additions, not rewordings.
            if opposite and use.word_class == "verb":
                use.flags.append(Flag(
                    "contrast", f"{document}: {use.span.text!r} where " + "; ".join(opposite[:4])
                ))  # fmt: skip
    return FactWording(fact.id, fact.statement, fact.status, words)


def word_choice(comparison: Comparison, *, documents: Sequence[str] | None = None) -> WordChoice:
    """The words each source uses for the entities and facts it shares with other sources."""
    keep = set(documents) if documents is not None else {d.id for d in comparison.documents}
    entities = []
    for entity in comparison.entities:
        if len({m.document for m in entity.mentions} & keep) < 2:
            continue
        wording = _entity_wording(comparison, entity)
        wording.descriptors = {d: p for d, p in wording.descriptors.items() if d in keep}
        wording.names = {d: p for d, p in wording.names.items() if d in keep}
        entities.append(wording)
    quotes = [q.span for q in comparison.quotes]
    facts = [
        w
        for f in comparison.facts
        if len(set(f.documents) & keep) >= 2
        and (w := _fact_wording(f, quotes)) is not None
    ]
    return WordChoice(entities, facts)
