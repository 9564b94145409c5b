"""Temporal expressions: find them in a report and normalise them to TIMEX3 values.

``find_timexes(text, published)`` returns every date, time, duration and set in ``text`` with
its TimeML type and value ("2026-01-06", "XXXX-WXX-2", "P2Y", "PAST_REF"), resolving relative
ones ("on Tuesday", "last month") against the publication date when there is one. The rules are
data (:mod:`rashomon.timex.patterns`); :mod:`rashomon.timex.timebank` reads TimeML and
:mod:`rashomon.timex.score` scores as TempEval-3 does.
"""

from __future__ import annotations

from rashomon.timex.normalise import Timex, find_timexes, parse_published
from rashomon.timex.score import Score, format_score, score
from rashomon.timex.timebank import GoldTimex, TimeMLDocument, parse_timeml, read_timebank, split_of

__all__ = [
    "GoldTimex",
    "Score",
    "TimeMLDocument",
    "Timex",
    "find_timexes",
    "format_score",
    "parse_published",
    "parse_timeml",
    "read_timebank",
    "score",
    "split_of",
]
