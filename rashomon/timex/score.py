"""TempEval-3 Task A scoring of temporal expressions: spans, values and types.

As the official TempEval-3 scorer defines it: a system expression *strictly* matches a gold one
when both offsets are equal, *relaxed* when they overlap. Precision is matched system
expressions over all system expressions, recall matched gold over all gold. An attribute's F1
(value, type) counts an expression as correct only when it relaxed-matches and the attribute is
equal: P = correct / system, R = correct / gold, which is attribute accuracy over the matched
pairs times the relaxed P and R.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol


class _Expression(Protocol):
    start: int
    end: int
    type: str
    value: str


@dataclass(slots=True)
class Counts:
    """Raw counts, summable over documents."""

    system: int = 0
    gold: int = 0
    strict: int = 0  # matched pairs with equal offsets
    relaxed: int = 0  # matched pairs that overlap
    value: int = 0  # relaxed pairs with the same value
    type: int = 0  # relaxed pairs with the same type

    def add(self, other: Counts) -> None:
        for name in ("system", "gold", "strict", "relaxed", "value", "type"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(slots=True)
class Score:
    """The figures TempEval-3 reports for Task A, in percent."""

    counts: Counts
    figures: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"counts": asdict(self.counts), **self.figures}


def _prf(correct: int, system: int, gold: int) -> tuple[float, float, float]:
    precision = correct / system if system else 0.0
    recall = correct / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return 100 * precision, 100 * recall, 100 * f1


def match_document(system: Sequence[_Expression], gold: Sequence[_Expression]) -> Counts:
    """Counts for one document: each gold expression is matched to at most one system one,
    exact offsets first, then the overlapping one with the largest overlap."""
    counts = Counts(system=len(system), gold=len(gold))
    free = set(range(len(system)))
    pairs: list[tuple[int, int]] = []
    for g_index, g in enumerate(gold):
        exact = next((i for i in free if system[i].start == g.start and system[i].end == g.end),
                     None)
        if exact is not None:
            free.discard(exact)
            pairs.append((g_index, exact))
            counts.strict += 1
    paired_gold = {g for g, _ in pairs}
    for g_index, g in enumerate(gold):
        if g_index in paired_gold:
            continue
        overlapping = [(min(system[i].end, g.end) - max(system[i].start, g.start), i)
                       for i in free if system[i].start < g.end and g.start < system[i].end]
        if overlapping:
            best = max(overlapping)[1]
            free.discard(best)
            pairs.append((g_index, best))
    counts.relaxed = len(pairs)
    for g_index, s_index in pairs:
        counts.value += gold[g_index].value == system[s_index].value
        counts.type += gold[g_index].type == system[s_index].type
    return counts


def score(documents: Iterable[tuple[Sequence[_Expression], Sequence[_Expression]]]) -> Score:
    """Score ``(system, gold)`` expression lists, one pair per document."""
    total = Counts()
    for system, gold in documents:
        total.add(match_document(system, gold))
    figures: dict[str, float] = {}
    for name in ("strict", "relaxed", "value", "type"):
        p, r, f = _prf(getattr(total, name), total.system, total.gold)
        figures.update({f"{name}_precision": p, f"{name}_recall": r, f"{name}_f1": f})
    figures["value_accuracy"] = 100 * total.value / total.relaxed if total.relaxed else 0.0
    figures["type_accuracy"] = 100 * total.type / total.relaxed if total.relaxed else 0.0
    return Score(counts=total, figures=figures)


def format_score(result: Score, title: str) -> str:
    """A small table of the figures, as TempEval-3 lays them out."""
    f = result.figures
    c = result.counts
    lines = [
        f"{title}: {c.gold} gold expressions, {c.system} found",
        f"{'':16}{'P':>7}{'R':>7}{'F1':>7}",
    ]
    for name, label in (("strict", "strict span"), ("relaxed", "relaxed span"),
                        ("value", "value"), ("type", "type")):
        lines.append(f"{label:16}{f[name + '_precision']:7.1f}{f[name + '_recall']:7.1f}"
                     f"{f[name + '_f1']:7.1f}")
    lines.append(f"value accuracy on relaxed matches {f['value_accuracy']:.1f}, "
                 f"type accuracy {f['type_accuracy']:.1f}")
    return "\n".join(lines)
