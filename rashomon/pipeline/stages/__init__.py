"""The stages of reconciling a story, in order; each is ``StoryState -> StoryState`` with a
batch form (see :mod:`rashomon.pipeline.state`).

=========  ========================================  ===================================
stage      fills                                     model (one call per batch)
=========  ========================================  ===================================
parse      ``parsed``, warnings                      spaCy parser (``nlp.pipe``)
entities   ``entities``
facts      ``views`` (with info and parts),
           ``parts``, ``pronouns``
embed      every view's ``vector``, ``renames``      embedder
align      ``groups``                                entailment judge (unsure matches)
compare    ``facts``, ``contradictions``,            embedder (parts), judge (conflicts)
           ``fact_sentence``
quotes     ``quotes``
brief      ``brief``, ``comparison``
times      ``times``, facts' times, warnings
events     the comparison's events                   event coder
framing    the comparison's framing                  loaded-word flagger
=========  ========================================  ===================================
"""

from rashomon.pipeline.stages.align import AlignStage
from rashomon.pipeline.stages.brief import BriefStage
from rashomon.pipeline.stages.compare import CompareStage
from rashomon.pipeline.stages.embed import EmbedStage
from rashomon.pipeline.stages.entities import EntitiesStage
from rashomon.pipeline.stages.facts import FactsStage
from rashomon.pipeline.stages.framing import FramingStage
from rashomon.pipeline.stages.parse import ParseStage
from rashomon.pipeline.stages.quotes import QuotesStage
from rashomon.pipeline.stages.timeline import EventsStage, TimesStage

__all__ = [
    "AlignStage", "BriefStage", "CompareStage", "EmbedStage", "EntitiesStage", "EventsStage",
    "FactsStage", "FramingStage", "ParseStage", "QuotesStage", "TimesStage",
]
