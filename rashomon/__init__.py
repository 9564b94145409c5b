"""rashomon: one event, many accounts.

Reads many reports of the news and tells, for each event, what every source agrees on, what only
one source reports, where the sources contradict each other, who did what to whom, and how each
source frames it.
"""

from rashomon.errors import InputError, RashomonError
from rashomon.model import (
    Article,
    BriefSentence,
    Comparison,
    Contradiction,
    Detail,
    Entity,
    Fact,
    Quote,
    Span,
    StoryFact,
)

__version__ = "0.1.0"


def compare(inputs, **options):  # type: ignore[no-untyped-def]
    """Reconcile several reports of one story; see :func:`rashomon.reconcile.compare`."""
    from rashomon.reconcile import compare as _compare

    return _compare(inputs, **options)


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    # Heavy parts load on first use, so that ``import rashomon`` stays fast.
    if name == "Corpus":
        from rashomon.corpus.api import Corpus

        return Corpus
    if name == "Reconciler":
        from rashomon.reconcile import Reconciler

        return Reconciler
    raise AttributeError(f"module 'rashomon' has no attribute {name!r}")

__all__ = [
    "Article",
    "BriefSentence",
    "Comparison",
    "Contradiction",
    "Corpus",
    "Detail",
    "Entity",
    "Fact",
    "InputError",
    "Quote",
    "RashomonError",
    "Reconciler",
    "Span",
    "StoryFact",
    "__version__",
    "compare",
]
