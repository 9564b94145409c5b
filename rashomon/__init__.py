"""rashomon: one event, many accounts.

Reads many reports of the news and tells, for each event, what every source agrees on, what only
one source reports, where the sources contradict each other, who did what to whom, and how each
source frames it.

``import rashomon`` is light: the data model, the errors and the version are imported here, while
the heavy parts (:func:`compare`, :class:`Reconciler`, which bring spaCy and PyTorch, and
:class:`Corpus`) are *lazy* attributes, imported from their modules on first use by the module's
``__getattr__`` (PEP 562) through the :data:`_LAZY` table. Nothing inside the package imports
the root (the version lives in :mod:`rashomon._version`), so these lazy attributes cannot form an
import cycle.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from rashomon._version import __version__
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

if TYPE_CHECKING:
    from rashomon.corpus.api import Corpus
    from rashomon.reconcile import Reconciler, compare

#: Lazy public names: attribute -> ``"module:attribute"`` it is taken from on first use.
_LAZY: dict[str, str] = {
    "compare": "rashomon.reconcile:compare",
    "Reconciler": "rashomon.reconcile:Reconciler",
    "Corpus": "rashomon.corpus.api:Corpus",
}


def __getattr__(name: str) -> Any:
    """Resolve a lazy public name (see :data:`_LAZY`) and keep it, so it resolves only once."""
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'rashomon' has no attribute {name!r}")
    module, _, attribute = target.partition(":")
    value = getattr(import_module(module), attribute)
    globals()[name] = value  # later lookups (and monkeypatch's undo) see a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


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
