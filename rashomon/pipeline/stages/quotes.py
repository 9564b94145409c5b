"""Stage ``quotes``: quotations and their speakers."""

from __future__ import annotations

from rashomon.pipeline.entities import short_name
from rashomon.pipeline.quotes import extract_quotes
from rashomon.pipeline.state import Stage, StoryState


class QuotesStage(Stage):
    """Fills :attr:`StoryState.quotes`."""

    name = "quotes"

    def process(self, states: list[StoryState]) -> list[StoryState]:
        for state in states:
            index = state.entities
            assert index is not None  # the entities stage runs first
            name_to_entity: dict[str, str] = {}
            for e in index.entities:
                name_to_entity.setdefault(short_name(e.name), e.id)
                name_to_entity.setdefault(e.name, e.id)
            state.quotes = []
            for i, pd in enumerate(state.parsed):
                state.quotes.extend(
                    extract_quotes(pd, i, index, state.pronouns[i], name_to_entity)
                )
        return states
