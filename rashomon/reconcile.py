"""Reconcile the reports of one story: the cascade behind :func:`rashomon.compare`.

Stages, each in its own module under :mod:`rashomon.pipeline.stages`, run in this order over one
plain, picklable :class:`~rashomon.pipeline.state.StoryState` per story:

1. ``parse``: parse every report once (spaCy: sentences, parse, entities);
2. ``entities``: resolve people, organisations and places across the reports;
3. ``facts``: break sentences into atomic facts with their evidence spans, quantities and dates;
4. ``embed``: embed every fact once (one batch);
5. ``align``: align facts across reports;
6. ``compare``: label each aligned fact corroborated, differing in detail or
   contradicted (typed: number, date, person, place, organisation, negation, other);
7. ``quotes``: quotations and their speakers;
8. ``brief``: a consolidated brief whose every sentence cites its reports;
9. ``times`` and ``events`` (:mod:`rashomon.pipeline.storyline`): every time expression given
   its TIMEX3 value, and who did what to whom, coded and merged across the reports into the
   story's timeline;
10. ``framing`` (:mod:`rashomon.framing`): how each source tells the story (omissions, what
    only it carries, voices, hedges, loaded words, word choice).

:meth:`Reconciler.compare_many` runs each stage once over all the stories, so the parser, the
embedder and the judge are called once per pass for all of them. Models (parser, embedder,
judge) are passed in or loaded once per process, so a long-running service or a cluster worker
pays for loading only once.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rashomon.backends.embeddings import Embedder, default_embedder
from rashomon.backends.nli import CrossEncoderJudge, default_judge
from rashomon.backends.parser import default_parser
from rashomon.errors import InputError, RashomonError
from rashomon.events import EventCoder
from rashomon.framing import BiasFlagger
from rashomon.model import Article, Comparison
from rashomon.pipeline.align import ALIGN_THRESHOLD
from rashomon.pipeline.stages import (
    AlignStage,
    BriefStage,
    CompareStage,
    EmbedStage,
    EntitiesStage,
    EventsStage,
    FactsStage,
    FramingStage,
    ParseStage,
    QuotesStage,
    TimesStage,
)
from rashomon.pipeline.state import Stage, StoryState
from rashomon.readers import read_reports

if TYPE_CHECKING:
    from spacy.language import Language


class Reconciler:
    """Holds the models and runs the reconciliation stages on sets of articles.

    ``device`` (``cpu``, ``cuda`` or ``auto``) is where the default embedder and judge run;
    None leaves it to ``RASHOMON_DEVICE`` (else the CPU). Models passed in run where they are.
    """

    def __init__(
        self,
        *,
        parser: Language | None = None,
        embedder: Embedder | None = None,
        judge: Any | None = None,
        use_judge: bool = True,
        align_threshold: float = ALIGN_THRESHOLD,
        events: bool = True,
        framing: bool = True,
        device: str | None = None,
    ) -> None:
        self._parser = parser
        self._embedder = embedder
        self._judge = judge
        self.use_judge = use_judge
        self.align_threshold = align_threshold
        self.events = events
        self.framing = framing
        self.device = device
        self._coder: EventCoder | None = None
        self._flagger: BiasFlagger | None = None

    @property
    def parser(self) -> Language:
        if self._parser is None:
            self._parser = default_parser()
        return self._parser

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = default_embedder(device=self.device)
        return self._embedder

    @property
    def judge(self) -> Any:
        """The entailment judge: rashomon's cross-encoder, or ``RASHOMON_NLI_MODEL``'s."""
        if self._judge is None:
            self._judge = default_judge(self.embedder, device=self.device)
        return self._judge

    @property
    def coder(self) -> EventCoder:
        """The event coder, with the bundled CAMEO and Phoenix dictionaries."""
        if self._coder is None:
            self._coder = EventCoder()
        return self._coder

    @property
    def flagger(self) -> BiasFlagger:
        """The loaded-word and slanting-clause flagger."""
        if self._flagger is None:
            self._flagger = BiasFlagger()
        return self._flagger

    def load(self) -> Reconciler:
        """Load every model now (otherwise they load on first use)."""
        _ = self.parser, self.embedder
        if self.use_judge:
            _ = self.judge
        if self.events:
            _ = self.coder
        if self.framing:
            _ = self.flagger
        return self

    def stages(self) -> list[Stage]:
        """The stages, in order, with this reconciler's models (loaded here if need be)."""
        entailment = self.judge if self._entailment_judge() else None
        stages: list[Stage] = [
            ParseStage(self.parser),
            EntitiesStage(),
            FactsStage(),
            EmbedStage(self.embedder),
            AlignStage(self.align_threshold, entailment),
            CompareStage(self.embedder, self.judge if self.use_judge else None),
            QuotesStage(),
            BriefStage(),
        ]
        if self.events:
            stages += [TimesStage(), EventsStage(self.coder)]
        if self.framing:
            stages.append(FramingStage(self.flagger))
        return stages

    def compare(self, articles: Sequence[Article]) -> Comparison:
        """Reconcile the reports of one story."""
        return self.compare_many([articles])[0]

    def compare_many(
        self, stories: Sequence[Sequence[Article]], *, batch_size: int = 64
    ) -> list[Comparison]:
        """Reconcile several stories, each stage run once over batches of ``batch_size`` of
        them: one parser pass, one embedder call and one judge call per pass for the batch.
        Each story's result is what :meth:`compare` gives for it alone."""
        for articles in stories:
            check_story(articles)
        states = [StoryState(articles=list(articles)) for articles in stories]
        out: list[Comparison] = []
        for state in self.run(states, batch_size=batch_size):
            # The compare stage, which always runs, sets it.
            if state.comparison is None:
                raise RuntimeError("a story came out of the pipeline without a comparison")
            out.append(state.comparison)
        return out

    def run(self, states: list[StoryState], *, batch_size: int = 64) -> list[StoryState]:
        """Every stage over ``states``, timed: each story is charged the share of a batch's
        time that its reports make up."""
        stages = self.stages()
        models = self.model_names()
        out: list[StoryState] = []
        for start in range(0, len(states), max(batch_size, 1)):
            batch = states[start : start + max(batch_size, 1)]
            for stage in stages:
                began = time.perf_counter()
                batch = stage.process(batch)
                _charge(batch, stage.name, time.perf_counter() - began)
            for state in batch:
                assert state.comparison is not None  # the brief stage builds it
                state.comparison.models = models
                state.timings["total"] = sum(state.timings.values())
            out.extend(batch)
        return out

    def model_names(self) -> dict[str, str]:
        parser = self.parser
        return {
            "parser": f"{parser.meta.get('lang', '')}_{parser.meta.get('name', '')}"
            f"-{parser.meta.get('version', '')}",
            "embedder": getattr(self.embedder, "name", type(self.embedder).__name__),
            "judge": "typed comparison"
            + (f" + {getattr(self.judge, 'name', type(self.judge).__name__)}"
               if self.use_judge else ""),
        }

    def _entailment_judge(self) -> bool:
        """Whether the judge is a natural-language-inference model, trusted to decide
        alignment (the learned judge of typed features is a contradiction detector only)."""
        return self.use_judge and isinstance(self.judge, CrossEncoderJudge)


def check_story(articles: Sequence[Article]) -> None:
    """A story has reports, each with its own id (E040, E010)."""
    if not articles:
        raise InputError("E040")
    seen: set[str] = set()
    for a in articles:
        if a.id in seen:
            raise InputError("E010", path=a.origin or a.id, id=a.id)
        seen.add(a.id)


def _charge(states: Sequence[StoryState], name: str, seconds: float) -> None:
    """Add a stage's time to each story's timings, in proportion to its reports."""
    total = sum(len(s.articles) for s in states) or 1
    for s in states:
        s.timings[name] = s.timings.get(name, 0.0) + seconds * len(s.articles) / total


_defaults: dict[str | None, Reconciler] = {}


def default_reconciler(device: str | None = None) -> Reconciler:
    """The process-wide reconciler for ``device`` (None: ``RASHOMON_DEVICE``, else the CPU)."""
    reconciler = _defaults.get(device)
    if reconciler is None:
        reconciler = _defaults[device] = Reconciler(device=device)
    return reconciler


def compare(
    inputs: Sequence[str | Path | Article],
    *,
    reconciler: Reconciler | None = None,
    max_bytes: int | None = None,
    allow_private: bool = False,
) -> Comparison:
    """Reconcile several reports of one story.

    ``inputs`` are paths (text, HTML or JSONL files, folders), http(s) addresses or
    :class:`~rashomon.model.Article` objects. Returns a :class:`~rashomon.model.Comparison`.
    """
    articles = read_inputs(inputs, max_bytes=max_bytes, allow_private=allow_private)
    return (reconciler or default_reconciler()).compare(articles)


def read_inputs(
    inputs: Sequence[str | Path | Article], *, max_bytes: int | None = None,
    allow_private: bool = False,
) -> list[Article]:
    if not inputs:
        raise InputError("E040")
    given = [x for x in inputs if isinstance(x, Article)]
    if len(given) == len(inputs):
        return given

    kwargs: dict[str, Any] = {"allow_private": allow_private}
    if max_bytes is not None:
        kwargs["max_bytes"] = max_bytes
    try:
        return read_reports(list(inputs), **kwargs)
    except RashomonError:
        raise
