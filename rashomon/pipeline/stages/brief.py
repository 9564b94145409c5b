"""Stage ``brief``: the consolidated brief, and the comparison the later stages add to."""

from __future__ import annotations

from rashomon.model import Comparison
from rashomon.pipeline.brief import build_brief
from rashomon.pipeline.state import Stage, StoryState


class BriefStage(Stage):
    """Fills :attr:`StoryState.brief` and builds :attr:`StoryState.comparison` (its warnings
    and timings are the state's own lists, so later stages' additions show in it)."""

    name = "brief"

    def process(self, states: list[StoryState]) -> list[StoryState]:
        for state in states:
            state.brief = build_brief(
                state.facts, state.contradictions, state.articles, state.fact_sentence
            )
            assert state.entities is not None  # the entities stage runs first
            state.comparison = Comparison(
                documents=list(state.articles),
                facts=state.facts,
                contradictions=state.contradictions,
                entities=state.entities.entities,
                quotes=state.quotes,
                brief=state.brief,
                timings=state.timings,
                warnings=state.warnings,
            )
        return states
