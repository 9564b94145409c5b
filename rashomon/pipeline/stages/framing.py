"""Stage ``framing``: how each source tells the story (omissions, what only it carries, voices,
hedges, loaded words, word choice)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from rashomon.framing import BiasFlagger, BiasSpan, frame
from rashomon.pipeline.state import Stage, StoryState


def shifted(spans: Sequence[BiasSpan], offset: int) -> list[BiasSpan]:
    """Spans of a parsed text moved to the article's offsets."""
    if not offset:
        return list(spans)
    return [replace(s, start=s.start + offset, end=s.end + offset) for s in spans]


class FramingStage(Stage):
    """Fills the comparison's framing."""

    name = "framing"

    def __init__(self, flagger: BiasFlagger) -> None:
        self.flagger = flagger

    def process(self, states: list[StoryState]) -> list[StoryState]:
        for state in states:
            assert state.comparison is not None  # the brief stage builds it
            loaded = {pd.id: shifted(self.flagger(pd.doc.text, doc=pd.doc), pd.offset)
                      for pd in state.parsed}
            state.comparison.framing = frame(state.comparison, loaded=loaded)
        return states
