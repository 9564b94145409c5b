"""Whose voices a report quotes: speakers grouped by affiliation, with their share of the words.

A speaker's affiliation is read from what the comparison already knows: the titles of the
speaker's entity ("Colombian President" -> Colombia, "a spokesman for the Pentagon" -> Pentagon)
matched against the places and organisations of the story, or the speaker itself when it is an
organisation or a place ("the White House said"). A quote whose speaker was not found, or whose
speaker's affiliation cannot be read, is counted under "unattributed".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rashomon.model import Comparison, Entity, Quote, Span

UNATTRIBUTED = "unattributed"
_WORD = re.compile(r"\w+(?:['’]\w+)*")


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


@dataclass(slots=True)
class Voice:
    """One speaker a report quotes."""

    name: str  # the entity's name, or the speaker as written, or "unattributed"
    entity: str | None
    affiliation: str
    words: int  # quoted words given to this speaker
    share: float  # of all the words the report quotes
    quotes: list[Span] = field(default_factory=list)
    speaker_spans: list[Span] = field(default_factory=list)
    title: str | None = None  # the title the affiliation was read from

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "entity": self.entity,
            "affiliation": self.affiliation,
            "title": self.title,
            "words": self.words,
            "share": round(self.share, 4),
            "quotes": [s.to_dict() for s in self.quotes],
            "speaker_spans": [s.to_dict() for s in self.speaker_spans],
        }


@dataclass(slots=True)
class Affiliation:
    """The speakers of one side (a country, an organisation) and their share of the words."""

    name: str
    words: int
    share: float
    speakers: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "words": self.words, "share": round(self.share, 4),
                "speakers": self.speakers}  # fmt: skip


@dataclass(slots=True)
class Voices:
    """A report's quoted voices: per speaker and per affiliation, largest share first."""

    words: int  # quoted words in all
    speakers: list[Voice] = field(default_factory=list)
    affiliations: list[Affiliation] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "words": self.words,
            "speakers": [v.to_dict() for v in self.speakers],
            "affiliations": [a.to_dict() for a in self.affiliations],
        }


def _affiliation_names(entities: Sequence[Entity]) -> list[tuple[str, str]]:
    """(lower-case name or alias, entity name) of every place and organisation, longest first,
    so that "North Korean" is matched before "Korean"."""
    pairs = [
        (alias.lower(), e.name)
        for e in entities
        if e.kind in ("place", "organization", "group")
        for alias in (e.name, *e.aliases)
        if len(alias) > 1
    ]
    return sorted(set(pairs), key=lambda p: -len(p[0]))


def affiliation_of(
    entity: Entity | None, names: list[tuple[str, str]]
) -> tuple[str, str | None]:
    """The affiliation of a speaker and the title it was read from."""
    if entity is None:
        return UNATTRIBUTED, None
    if entity.kind in ("place", "organization", "group"):
        return entity.name, None
    for title in entity.titles:
        lower = title.lower()
        for alias, name in names:
            if alias in lower and re.search(rf"(?<!\w){re.escape(alias)}(?:['’]s)?(?!\w)", lower):
                return name, title
    return UNATTRIBUTED, entity.titles[0] if entity.titles else None


def voices(comparison: Comparison, document: str) -> Voices:
    """The voices ``document`` quotes (direct and reported speech alike)."""
    entities = {e.id: e for e in comparison.entities}
    names = _affiliation_names(comparison.entities)
    by_speaker: dict[str, Voice] = {}
    quotes: list[Quote] = [q for q in comparison.quotes if q.span.document == document]
    for quote in quotes:
        entity = entities.get(quote.speaker) if quote.speaker else None
        if entity is not None:
            key, name = entity.id, entity.name
        elif quote.speaker_name:
            key = name = quote.speaker_name
        else:
            key = name = UNATTRIBUTED
        voice = by_speaker.get(key)
        if voice is None:
            affiliation, title = affiliation_of(entity, names)
            voice = by_speaker[key] = Voice(name, entity.id if entity else None, affiliation, 0,
                                            0.0, title=title)  # fmt: skip
        voice.words += word_count(quote.span.text)
        voice.quotes.append(quote.span)
        if quote.speaker_span is not None:
            voice.speaker_spans.append(quote.speaker_span)
    total = sum(v.words for v in by_speaker.values())
    speakers = sorted(by_speaker.values(), key=lambda v: (-v.words, v.name))
    groups: dict[str, Affiliation] = {}
    for voice in speakers:
        voice.share = voice.words / total if total else 0.0
        group = groups.setdefault(voice.affiliation, Affiliation(voice.affiliation, 0, 0.0))
        group.words += voice.words
        group.speakers.append(voice.name)
    for group in groups.values():
        group.share = group.words / total if total else 0.0
    return Voices(total, speakers, sorted(groups.values(), key=lambda a: (-a.words, a.name)))
