"""How often the word-choice flags land on words people marked as biased (BASIL's lexical spans).

Word choice has no gold of its own in the shared data; BASIL (Fan et al. 2019) marks, in each
of three outlets' reports of an event, the words annotators found lexically biased. A flag
(:class:`~rashomon.framing.wording.Flag`) is counted a hit when its words overlap such a span.
The base rate is the same share for every wording the word choice lists, flagged or not, so a
flag is worth something when its precision is above it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rashomon.framing.wording import WordChoice
from rashomon.model import Span

GoldSpans = Mapping[str, Sequence[tuple[int, int, str]]]  # document -> (start, end, kind)


@dataclass(slots=True)
class FlagScore:
    listed: int = 0  # wordings listed (spans)
    hits: int = 0  # of them, overlapping a gold span

    @property
    def precision(self) -> float:
        return self.hits / self.listed if self.listed else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"listed": self.listed, "hits": self.hits, "precision": round(self.precision, 4)}


@dataclass(slots=True)
class WordChoiceScore:
    """Per group ("entity: all", "entity: lexicon", "fact: contrast", ...): listed and hits."""

    groups: dict[str, FlagScore] = field(default_factory=dict)
    documents: int = 0
    gold_spans: int = 0

    def add(self, group: str, hit: bool) -> None:
        score = self.groups.setdefault(group, FlagScore())
        score.listed += 1
        score.hits += hit

    def to_dict(self) -> dict[str, Any]:
        return {"documents": self.documents, "gold_spans": self.gold_spans,
                "groups": {k: v.to_dict() for k, v in sorted(self.groups.items())}}  # fmt: skip


def _hit(span: Span, gold: GoldSpans, kind: str) -> bool:
    return any(k == kind and start < span.end and span.start < end
               for start, end, k in gold.get(span.document, ()))  # fmt: skip


def _listed(choice: WordChoice) -> Iterable[tuple[str, Span, set[str]]]:
    """(level, span, flag kinds) for every wording the word choice lists."""
    for entity in choice.entities:
        for phrases in entity.descriptors.values():
            for phrase in phrases:
                for span in phrase.spans:
                    yield "entity", span, {f.kind for f in phrase.flags}
    for fact in choice.facts:
        for uses in fact.words.values():
            for use in uses:
                yield "fact", use.span, {f.kind for f in use.flags}


def score(
    choices: Iterable[WordChoice], gold: GoldSpans, *, kind: str = "lexical",
    into: WordChoiceScore | None = None,
) -> WordChoiceScore:
    """Precision of each kind of flag, and the base rate ("all"), against ``gold`` spans of
    ``kind`` (offsets of the compared texts)."""
    out = into or WordChoiceScore()
    for choice in choices:
        for level, span, kinds in _listed(choice):
            hit = _hit(span, gold, kind)
            out.add(f"{level}: all", hit)
            for flag in sorted(kinds):
                out.add(f"{level}: {flag}", hit)
            if not kinds:
                out.add(f"{level}: unflagged", hit)
    return out


def format_score(result: WordChoiceScore) -> str:
    lines = [f"Word-choice flags against {result.gold_spans} gold lexical-bias spans in "
             f"{result.documents} reports (a hit: the wording overlaps a gold span)"]  # fmt: skip
    for group, s in sorted(result.groups.items()):
        lines.append(f"  {group:<20} {s.hits:>5} / {s.listed:<6} precision {s.precision:.3f}")
    return "\n".join(lines)
