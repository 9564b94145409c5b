"""Stage ``entities``: people, organisations and places resolved across a story's reports."""

from __future__ import annotations

from rashomon.pipeline.entities import resolve
from rashomon.pipeline.state import Stage, StoryState


class EntitiesStage(Stage):
    """Fills :attr:`StoryState.entities` (each story is resolved on its own)."""

    name = "entities"

    def process(self, states: list[StoryState]) -> list[StoryState]:
        for state in states:
            state.entities = resolve(state.parsed)
        return states
