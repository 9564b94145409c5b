"""Stages ``times`` and ``events``: time expressions with their TIMEX3 values, and who did what
to whom, coded and merged across the reports into the story's timeline."""

from __future__ import annotations

from rashomon.events import EventCoder
from rashomon.pipeline.state import Stage, StoryState, report_counts, split
from rashomon.pipeline.storyline import attach_times, build_storyline, find_report_times


class TimesStage(Stage):
    """Fills :attr:`StoryState.times` and the times of each fact; warns of reports whose
    relative dates cannot be placed."""

    name = "times"

    def process(self, states: list[StoryState]) -> list[StoryState]:
        for state in states:
            # A missing or unreadable publication date leaves relative dates unresolved (their
            # TIMEX3 values keep X), said in a warning; nothing is guessed.
            found = [find_report_times(pd) for pd in state.parsed]
            state.times = [times for times, _ in found]
            state.warnings.extend(warning for _, warning in found if warning)
            for views, times in zip(state.views, state.times, strict=True):
                attach_times([v.fact for v in views], times)
        return states


class EventsStage(Stage):
    """The comparison's events and event disagreements (one coder pass over all reports)."""

    name = "events"

    def __init__(self, coder: EventCoder) -> None:
        self.coder = coder

    def process(self, states: list[StoryState]) -> list[StoryState]:
        coded = list(self.coder.pipe(pd.doc for s in states for pd in s.parsed))
        for state, story_coded in zip(states, split(coded, report_counts(states)), strict=True):
            assert state.comparison is not None and state.entities is not None
            state.comparison.events, state.comparison.event_disagreements = build_storyline(
                state.parsed, story_coded, state.times, state.entities.entities, state.facts
            )
        return states
