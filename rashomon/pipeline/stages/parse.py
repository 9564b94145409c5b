"""Stage ``parse``: every report of every story in the batch parsed in one ``nlp.pipe``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rashomon.language import is_english, language_of
from rashomon.model import Article
from rashomon.pipeline.annotate import annotate
from rashomon.pipeline.state import Stage, StoryState, report_counts, split

if TYPE_CHECKING:
    from spacy.language import Language


def language_warnings(articles: Sequence[Article]) -> list[str]:
    """One warning per report that is confidently not English: the models read English only."""
    out = []
    for article in articles:
        code, confidence, _ = language_of(article)
        if not is_english(code, confidence):
            out.append(
                f"{article.id}: the text looks like language {code!r}; rashomon analyses English "
                "only, so its facts may be missed or misaligned"
            )
    return out


class ParseStage(Stage):
    """Sentences, tokens, parse and named entities of each report (:attr:`StoryState.parsed`),
    and warnings for cut texts and reports that are not English."""

    name = "parse"

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp

    def process(self, states: list[StoryState]) -> list[StoryState]:
        # One pass of the parser over the reports of all the stories.
        parsed = annotate([a for s in states for a in s.articles], self.nlp)
        for state, docs in zip(states, split(parsed, report_counts(states)), strict=True):
            state.parsed = docs
            for pd in docs:
                if pd.truncated:
                    state.warnings.append(
                        f"{pd.id}: only the first part of a very long text was analysed"
                    )
            state.warnings.extend(language_warnings(state.articles))
        return states
