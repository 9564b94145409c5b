"""Coded events: who did what to whom, with CAMEO codes, PLOVER types and Goldstein weights.

``EventCoder()(doc)`` codes a spaCy-parsed document (``rashomon.backends.parser``) with the bundled
PETRARCH2 dictionaries (MIT); see :mod:`rashomon.events.coder` for the moods.
"""

from __future__ import annotations

from rashomon.events.actors import Actor
from rashomon.events.coder import MOODS, CodedEvent, EventCoder
from rashomon.events.plover import PLOVER_TYPES, plover

__all__ = ["MOODS", "PLOVER_TYPES", "Actor", "CodedEvent", "EventCoder", "plover"]
