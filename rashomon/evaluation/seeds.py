"""Score a reconciliation of the founding example against its hand-made reference.

``gold.json`` lists the facts of two reports (A and B): 14 that both carry (with the words each
uses), 23 that only one carries, and no contradiction. A reference fact is matched by evidence
overlap: a system span matches a reference phrase when their characters overlap by at least
half of the shorter of the two. Then:

- a **corroborated** reference fact is *found* when one corroborated system fact has evidence
  matching its phrase in report A and its phrase in report B;
- a **single-source** reference fact is *found* when a single-source system fact of that report
  has matching evidence, or when the system reports a matching *detail* that this report adds
  to a fact both carry (the "on Tuesday" of "meet in Washington on Tuesday");
- **wrongly single-source**: corroborated reference facts not found, but matched by a
  single-source system fact;
- **wrongly corroborated**: single-source reference facts not found, but matched by the
  evidence of a corroborated system fact;
- **contradictions**: every contradiction the system reports is wrong here (there is none).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rashomon.errors import RashomonError
from rashomon.model import Article, Comparison, Span

if TYPE_CHECKING:
    from rashomon.reconcile import Reconciler

BUNDLED = Path(__file__).resolve().parents[2] / "examples" / "petro-trump"
MIN_OVERLAP = 0.5
MIN_SHARE = 0.25

TARGETS = {
    "corroborated_found": 14,
    "single_source_found": 21,
    "contradictions": 0,
}


def overlap_ok(overlap: int, system_chars: int, gold_chars: int) -> bool:
    """Half of the shorter side overlaps, and a quarter of the longer (so that neither a
    whole-sentence fact nor a one-word detail matches a phrase by containing or grazing it)."""
    shorter, longer = sorted((system_chars, gold_chars))
    return shorter > 0 and overlap >= MIN_OVERLAP * shorter and overlap >= MIN_SHARE * longer


@dataclass(slots=True)
class GoldFact:
    id: str
    statement: str
    status: str  # "corroborated", "only_A", "only_B"
    evidence: dict[str, list[tuple[int, int]]]  # document id -> character ranges


@dataclass(slots=True)
class SeedScore:
    corroborated_total: int = 0
    corroborated_found: int = 0
    single_total: int = 0
    single_found: int = 0
    single_found_as_detail: int = 0
    wrongly_single: int = 0
    wrongly_corroborated: int = 0
    contradictions: int = 0
    system_facts: int = 0
    mean_evidence_chars: float = 0.0
    rows: list[dict[str, Any]] = field(default_factory=list)

    def meets_targets(self) -> bool:
        return (
            self.corroborated_found >= TARGETS["corroborated_found"]
            and self.single_found >= TARGETS["single_source_found"]
            and self.contradictions <= TARGETS["contradictions"]
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "corroborated_found": self.corroborated_found,
            "corroborated_total": self.corroborated_total,
            "single_source_found": self.single_found,
            "single_source_found_as_detail": self.single_found_as_detail,
            "single_source_total": self.single_total,
            "contradictions_reported": self.contradictions,
            "wrongly_single_source": self.wrongly_single,
            "wrongly_corroborated": self.wrongly_corroborated,
            "system_facts": self.system_facts,
            "mean_evidence_chars": round(self.mean_evidence_chars, 1),
            "meets_targets": self.meets_targets(),
        }


def load_gold(folder: Path) -> tuple[list[Article], list[GoldFact]]:
    gold_path = folder / "gold.json"
    if not gold_path.exists():
        raise RashomonError("E080", path=str(gold_path))
    gold = json.loads(gold_path.read_text("utf-8"))
    articles: dict[str, Article] = {}
    letter_to_id: dict[str, str] = {}
    for letter, name in gold["documents"].items():
        text = (folder / name).read_text("utf-8")
        articles[name] = Article(id=name, text=text, origin=str(folder / name))
        letter_to_id[letter] = name
    facts: list[GoldFact] = []
    for f in gold["facts"]:
        evidence: dict[str, list[tuple[int, int]]] = {}
        for letter, phrases in f["evidence"].items():
            doc_id = letter_to_id[letter]
            text = articles[doc_id].text
            for phrase in phrases:
                start = text.find(phrase)
                if start < 0:
                    raise ValueError(f"{f['id']}: evidence not found in {doc_id}: {phrase!r}")
                evidence.setdefault(doc_id, []).append((start, start + len(phrase)))
        facts.append(GoldFact(f["id"], f["statement"], f["status"], evidence))
    return list(articles.values()), facts


def _matches(spans: list[Span], doc_id: str, ranges: list[tuple[int, int]]) -> bool:
    """Whether the spans of one fact (or one detail) in ``doc_id`` match a reference phrase.

    A fact's evidence in one report can be discontinuous; it is scored as one union of
    characters, so that a fact is judged on all the words it claims."""
    mine = [(s.start, s.end) for s in spans if s.document == doc_id]
    if not mine:
        return False
    chars = sum(e - s for s, e in mine)
    for a, b in ranges:
        overlap = sum(max(0, min(e, b) - max(s, a)) for s, e in mine)
        if overlap_ok(overlap, chars, b - a):
            return True
    return False


def _detail_matches(details: list[Span], doc_id: str, ranges: list[tuple[int, int]]) -> bool:
    return any(_matches([d], doc_id, ranges) for d in details)


def score(comparison: Comparison, gold: list[GoldFact]) -> SeedScore:
    result = SeedScore()
    result.system_facts = len(comparison.facts)
    lengths = [s.end - s.start for f in comparison.facts for s in f.evidence]
    result.mean_evidence_chars = sum(lengths) / len(lengths) if lengths else 0.0
    result.contradictions = len(comparison.contradictions)
    corroborated = [f for f in comparison.facts if f.status == "corroborated"]
    single = [f for f in comparison.facts if f.status == "single_source"]
    for g in gold:
        row: dict[str, Any] = {"id": g.id, "status": g.status, "statement": g.statement}
        if g.status == "corroborated":
            result.corroborated_total += 1
            hit = next(
                (
                    f for f in corroborated
                    if all(_matches(f.evidence, d, r) for d, r in g.evidence.items())
                ),
                None,
            )
            row["found"] = hit is not None
            row["by"] = hit.id if hit else None
            if hit is not None:
                result.corroborated_found += 1
            elif any(
                _matches(f.evidence, d, r) for f in single for d, r in g.evidence.items()
            ):
                result.wrongly_single += 1
                row["error"] = "called single-source"
        else:
            result.single_total += 1
            doc_id, ranges = next((d, r) for d, r in g.evidence.items() if r)
            as_fact = next((f for f in single if _matches(f.evidence, doc_id, ranges)), None)
            as_detail = next(
                (
                    f for f in comparison.facts
                    if _detail_matches([d.span for d in f.details], doc_id, ranges)
                ),
                None,
            )
            found = as_fact or as_detail
            row["found"] = found is not None
            row["by"] = found.id if found else None
            if as_fact is None and as_detail is not None:
                row["as"] = "detail"
                result.single_found_as_detail += 1
            if found is not None:
                result.single_found += 1
            elif any(_matches(f.evidence, doc_id, ranges) for f in corroborated):
                result.wrongly_corroborated += 1
                row["error"] = "called corroborated"
        result.rows.append(row)
    return result


def run(
    folder: Path | None = None, *, reconciler: Reconciler | None = None
) -> tuple[SeedScore, Comparison]:
    from rashomon.reconcile import default_reconciler

    folder = folder or BUNDLED
    articles, gold = load_gold(folder)
    comparison = (reconciler or default_reconciler()).compare(articles)
    return score(comparison, gold), comparison


def format_report(result: SeedScore, *, verbose: bool = False) -> str:
    lines = [
        "Founding example (Petro and Trump meet in Washington), scored against gold.json",
        f"  corroborated facts found              {result.corroborated_found:>3} / "
        f"{result.corroborated_total}   (target: all {result.corroborated_total})",
        f"  single-source facts found             {result.single_found:>3} / {result.single_total}"
        f"   (target: at least {TARGETS['single_source_found']}; "
        f"{result.single_found_as_detail} of them as details)",
        f"  contradictions reported               {result.contradictions:>3}        (target: 0)",
        f"  corroborated facts called single-source {result.wrongly_single:>1}",
        f"  single-source facts called corroborated {result.wrongly_corroborated:>1}",
        f"  system facts: {result.system_facts}, mean evidence span: "
        f"{result.mean_evidence_chars:.0f} characters",
        f"  targets met: {'yes' if result.meets_targets() else 'NO'}",
    ]
    if verbose:
        lines.append("")
        for row in result.rows:
            mark = "ok " if row["found"] else "MISS"
            extra = row.get("error") or row.get("as") or ""
            lines.append(
                f"  {mark} {row['id']:>4} {row['status']:<12} {row['by'] or '-':>4} {extra:<22}"
                f" {row['statement']}"
            )
    return "\n".join(lines)
