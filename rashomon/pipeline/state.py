"""The state one story carries through the reconciliation stages, and the stage contract.

A :class:`StoryState` is plain data: the reports, their parses, the facts and their views, the
alignment, the judgements and the comparison built from them. Every object in it refers to the
others by value or by index, never by ``id()``, so a state pickles (spaCy Docs pickle with their
vocabulary) and a stage can run in another process or on another machine.

A :class:`Stage` turns states into states: ``stage(state)`` for one story, ``stage.pipe(states,
batch_size)`` for many, where a stage with a model (parser, embedder, judge) makes one call of
that model for the whole batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rashomon.model import Article, BriefSentence, Comparison, Contradiction, Quote, StoryFact

if TYPE_CHECKING:
    import re

    from rashomon.model import Span
    from rashomon.pipeline.align import FactGroup, FactView
    from rashomon.pipeline.annotate import ParsedDoc
    from rashomon.pipeline.entities import EntityIndex
    from rashomon.pipeline.facts import PronounLink


@dataclass(slots=True)
class StoryState:
    """One story on its way through the stages; each stage fills in its fields."""

    articles: list[Article]
    # parse: one parsed report per article, in order.
    parsed: list[ParsedDoc] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # entities: people, organisations and places resolved across the reports.
    entities: EntityIndex | None = None
    # facts: per report, its facts as views (each with its info and parts), the longer parts
    # as views of their own, and the pronouns read as names.
    views: list[list[FactView]] = field(default_factory=list)
    parts: list[list[FactView]] = field(default_factory=list)
    pronouns: list[dict[int, PronounLink]] = field(default_factory=list)
    # embed: short names spelled out for embedding ("ELN" -> "National Liberation Army").
    renames: list[tuple[re.Pattern[str], str]] = field(default_factory=list)
    # align: facts of different reports that say the same thing.
    groups: list[FactGroup] = field(default_factory=list)
    # compare: the story's facts, labelled, and where the reports contradict each other.
    facts: list[StoryFact] = field(default_factory=list)
    contradictions: list[Contradiction] = field(default_factory=list)
    fact_sentence: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    quotes: list[Quote] = field(default_factory=list)
    brief: list[BriefSentence] = field(default_factory=list)
    # times: per report, each time expression's evidence and TIMEX3 value.
    times: list[list[tuple[Span, Any]]] = field(default_factory=list)
    # brief (then times, events, framing) build the comparison handed back.
    comparison: Comparison | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def names(self) -> dict[str, str]:
        """Entity id -> canonical name."""
        return {e.id: e.name for e in self.entities.entities} if self.entities else {}

    @property
    def entity_kinds(self) -> dict[str, str]:
        return {e.id: e.kind for e in self.entities.entities} if self.entities else {}

    @property
    def entity_documents(self) -> dict[str, set[str]]:
        """Entity id -> the reports that name it."""
        if not self.entities:
            return {}
        return {e.id: set(e.documents) for e in self.entities.entities}

    @property
    def all_views(self) -> list[FactView]:
        return [v for views in self.views for v in views]

    @property
    def all_parts(self) -> list[FactView]:
        return [v for parts in self.parts for v in parts]


class Stage:
    """``state -> state``, one story at a time or in batches (like a spaCy component).

    Subclasses implement :meth:`process`, which handles a batch at once (one model call for all
    of its stories); ``__call__`` and :meth:`pipe` are the two ways to run it.
    """

    name: str = "stage"

    def process(self, states: list[StoryState]) -> list[StoryState]:
        raise NotImplementedError  # pragma: no cover - every stage defines it

    def __call__(self, state: StoryState) -> StoryState:
        return self.process([state])[0]

    def pipe(self, states: Iterable[StoryState], batch_size: int = 32) -> Iterator[StoryState]:
        """The states, processed ``batch_size`` at a time, in order."""
        batch: list[StoryState] = []
        for state in states:
            batch.append(state)
            if len(batch) >= max(batch_size, 1):
                yield from self.process(batch)
                batch = []
        if batch:
            yield from self.process(batch)


def report_counts(states: Sequence[StoryState]) -> list[int]:
    """How many reports each story has (to split a batch's flat results back)."""
    return [len(s.articles) for s in states]


def split(items: Sequence[Any], counts: Sequence[int]) -> list[list[Any]]:
    """``items`` cut into consecutive runs of ``counts`` lengths."""
    out, start = [], 0
    for n in counts:
        out.append(list(items[start : start + n]))
        start += n
    return out
