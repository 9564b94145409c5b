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

__all__ = [
    "Article",
    "BriefSentence",
    "Comparison",
    "Contradiction",
    "Detail",
    "Entity",
    "Fact",
    "InputError",
    "Quote",
    "RashomonError",
    "Span",
    "StoryFact",
    "__version__",
]
