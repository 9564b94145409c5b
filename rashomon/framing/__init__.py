"""How each source tells the story: per-source profiles (omissions, what only it carries, its
lead, its voices, hedges and attribution, loaded words) and word choice across sources.

``frame(comparison)`` works on a finished comparison, with no model; ``BiasFlagger`` finds the
loaded words and slanting clauses that ``frame(..., loaded=...)`` shows per source.
"""

from __future__ import annotations

from rashomon.framing.bias import BiasFlagger, BiasSpan
from rashomon.framing.profile import (
    Counts,
    Cue,
    FactRef,
    Framing,
    LoadedWord,
    Placement,
    SourceProfile,
    cues,
    frame,
)
from rashomon.framing.voices import Affiliation, Voice, Voices, voices
from rashomon.framing.wording import (
    EntityWording,
    FactWording,
    Flag,
    Phrase,
    WordChoice,
    WordUse,
    word_choice,
)

__all__ = [
    "Affiliation",
    "BiasFlagger",
    "BiasSpan",
    "Counts",
    "Cue",
    "EntityWording",
    "FactRef",
    "FactWording",
    "Flag",
    "Framing",
    "LoadedWord",
    "Phrase",
    "Placement",
    "SourceProfile",
    "Voice",
    "Voices",
    "WordChoice",
    "WordUse",
    "cues",
    "frame",
    "voices",
    "word_choice",
]
