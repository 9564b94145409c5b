"""Where a stretch of a report sits: its headline, its lead or its body.

The comparison keeps each report's text but not its sentences, so they are found again here with a
plain rule (a full stop, question or exclamation mark, then a space and a capital or a quotation
mark), which is enough to tell the first three sentences from the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from rashomon.model import Article

Position = Literal["headline", "lead", "body"]
POSITIONS: tuple[str, ...] = ("headline", "lead", "body")
LEAD_SENTENCES = 3

# Abbreviations whose full stop ends no sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr gen gov sen rep col lt sgt capt prof fla calif vs inc corp co "
    "jan feb mar apr aug sept sep oct nov dec u.s a.m p.m".split()
)
_BOUNDARY = re.compile(r"\n|[.!?][\"'”’)]*(?=\s+[\"'“‘(]?[A-Z0-9])")


def sentence_ends(text: str, start: int = 0, limit: int | None = None) -> list[int]:
    """Offsets just after each sentence of ``text[start:]`` (a line break ends one too); the
    first ``limit`` only, when given."""
    ends: list[int] = []
    for match in _BOUNDARY.finditer(text, start):
        if limit is not None and len(ends) >= limit:
            return ends
        if match.group(0) == "\n":
            cut = match.start()
        else:
            word = re.search(r"([\w.]+)$", text[max(start, match.start() - 30) : match.start()])
            if word and word.group(1).lower() in _ABBREVIATIONS:
                continue
            cut = match.end()
        previous = ends[-1] if ends else start
        if cut > previous and text[previous:cut].strip():
            ends.append(cut)
    last = len(text.rstrip())
    if last > start and (not ends or ends[-1] < last):
        ends.append(last)
    return ends


@dataclass(slots=True, frozen=True)
class Layout:
    """The parts of one report: the headline ends at ``headline_end`` (0: no headline line) and
    the lead at ``lead_end``; the body is the rest."""

    document: str
    headline_end: int
    lead_end: int
    length: int

    def position(self, offset: int) -> Position:
        if offset < self.headline_end:
            return "headline"
        if offset < self.lead_end:
            return "lead"
        return "body"

    def depth(self, offset: int) -> float:
        """How far into the report an offset is, 0 (first word) to 1 (last)."""
        return round(offset / self.length, 4) if self.length else 0.0


def layout(article: Article) -> Layout:
    """The headline is the title line a reader kept before the body (``body_start``); the lead is
    the first paragraph of the body, or its first three sentences when that paragraph is longer.
    """
    text = article.text
    start = article.body_start
    while start < len(text) and text[start].isspace():
        start += 1
    paragraph = re.search(r"\n", text[start:])
    paragraph_end = start + paragraph.start() if paragraph else len(text)
    ends = sentence_ends(text, start, LEAD_SENTENCES)
    lead_end = min(paragraph_end, ends[min(LEAD_SENTENCES, len(ends)) - 1] if ends else len(text))
    return Layout(article.id, article.body_start, max(lead_end, article.body_start), len(text))
