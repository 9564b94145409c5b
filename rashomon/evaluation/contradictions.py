"""End-to-end contradiction test on real articles changed in one place.

For each kind of change (a number, a date, a person, a place, an organisation, a negation, an
opposite predicate) and for a control that only deletes an optional phrase, real articles are
copied with exactly one edit (:func:`rashomon.evaluation.perturb.perturb_article`) and the
original and the copy are reconciled. A change is **caught** when rashomon reports exactly one
contradiction, of the right kind, whose sides point at the changed words; it is **wrong kind**
when the contradiction is in the right place but typed otherwise; **missed** when no
contradiction points there. Every other contradiction is one of three: a **repeat**, when it
too points at the changed words (the edited sentence holds several facts, and each reports the
change); a **follow-on**, when its explanation names both the replaced words and their
replacement (a later sentence whose pronoun resolves to the edited name, so the copy really says
something else there too); else it is **extra**, a false contradiction (the original and its
copy agree on everything else). Both checks are mechanical: nothing else is excused. Deletions
must give no contradiction at all.

The articles come from NewsWCL50 and BASIL (measured here, never trained on) and, when
present, the held-out part of ECB+.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rashomon.model import Article, Comparison, Contradiction, Span

if TYPE_CHECKING:
    from rashomon.reconcile import Reconciler

KINDS = ("number", "date", "person", "place", "organization", "negation", "other", "deletion")
MAX_CHARS = 6000  # long articles are cut at a paragraph boundary to keep the run short


@dataclass(slots=True)
class Outcome:
    kind: str
    article: str
    original: str
    changed: str
    verdict: str  # "caught", "wrong kind", "missed", "clean" (deletion), "false alarm"
    reported: list[str] = field(default_factory=list)  # kinds of the contradictions reported
    extra: int = 0
    repeats: int = 0  # more contradictions pointing at the changed words
    follow_on: int = 0  # contradictions elsewhere naming both the replaced words and the new ones
    sentence: str = ""  # the edited sentence, before and after
    new_sentence: str = ""
    details: list[str] = field(default_factory=list)  # each contradiction reported, for --verbose


@dataclass(slots=True)
class ContradictionScore:
    outcomes: list[Outcome] = field(default_factory=list)

    def by_kind(self) -> dict[str, Counter[str]]:
        table: dict[str, Counter[str]] = {}
        for o in self.outcomes:
            table.setdefault(o.kind, Counter())[o.verdict] += 1
            table[o.kind]["extra"] += o.extra
            table[o.kind]["repeat"] += o.repeats
            table[o.kind]["follow-on"] += o.follow_on
        return table

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for kind, counts in self.by_kind().items():
            n = sum(v for k, v in counts.items() if k not in ("extra", "repeat", "follow-on"))
            good = counts["caught"] if kind != "deletion" else counts["clean"]
            out[kind] = {**dict(counts), "n": n, "rate": round(good / n, 3) if n else None}
        return out


def load_articles(data_dir: Path) -> list[Article]:
    """Real articles to edit: NewsWCL50 and BASIL, trimmed to a few paragraphs."""
    articles: list[Article] = []
    for rel in ("newswcl50/articles.jsonl", "basil/articles.jsonl"):
        path = data_dir / rel
        if not path.exists():
            continue
        for line in path.read_text("utf-8").splitlines():
            row = json.loads(line)
            text = row.get("text") or ""
            if len(text) > MAX_CHARS:
                cut = text.rfind("\n", 0, MAX_CHARS)
                text = text[: cut if cut > 1000 else MAX_CHARS]
            if len(text.split()) < 80:
                continue
            articles.append(
                Article(id=row["id"].replace("/", "_"), text=text, source=row.get("source"))
            )
    return articles


def _points_at(spans: list[Span], target: Span) -> bool:
    return any(
        s.document == target.document and s.start < target.end and target.start < s.end
        for s in spans
    )


def _describe(c: Contradiction, where: str) -> str:
    sides = " || ".join(" | ".join(f"{sp.document}: {sp.text[:160]}" for sp in side[:2])
                        for side in c.sides)  # fmt: skip
    return f"[{c.kind}, {where}] {c.explanation} :: {sides}"


def _names_the_edit(c: Contradiction, original: str, new: str) -> bool:
    """Whether the explanation names both the replaced words and their replacement."""
    if not original.strip() or not new.strip():
        return False
    return original.strip() in c.explanation and new.strip() in c.explanation


def judge(
    comparison: Comparison, kind: str, changed: Span, original: str = "", new: str = ""
) -> Outcome:
    """Score one edited copy; ``original`` and ``new`` are the replaced words and their
    replacement (for telling a follow-on contradiction from an extra one)."""
    at_change = [
        c for c in comparison.contradictions if any(_points_at(side, changed) for side in c.sides)
    ]
    others = [c for c in comparison.contradictions if c not in at_change]
    reported: list[str] = [c.kind for c in comparison.contradictions]
    details = [_describe(c, "at change") for c in at_change]
    details += [_describe(c, "elsewhere") for c in others]
    if kind == "deletion":
        verdict = "clean" if not comparison.contradictions else "false alarm"
        return Outcome(kind, "", "", "", verdict, reported, len(comparison.contradictions),
                       details=details)  # fmt: skip
    if not at_change:
        verdict = "missed"
    elif any(c.kind == kind for c in at_change):
        verdict = "caught"
    else:
        verdict = "wrong kind"
    follow_on = sum(_names_the_edit(c, original, new) for c in others)
    extra = len(others) - follow_on
    return Outcome(kind, "", "", "", verdict, reported, extra, max(0, len(at_change) - 1),
                   follow_on, details=details)  # fmt: skip


def run(
    data_dir: Path,
    *,
    per_kind: int = 40,
    seed: int = 7,
    kinds: tuple[str, ...] = KINDS,
    reconciler: Reconciler | None = None,
) -> ContradictionScore:
    from rashomon.backends.parser import default_parser
    from rashomon.evaluation.perturb import build_pools, perturb_article
    from rashomon.progress import track
    from rashomon.reconcile import default_reconciler

    reconciler = reconciler or default_reconciler()
    nlp = default_parser()
    articles = load_articles(data_dir)
    rng = random.Random(seed)
    rng.shuffle(articles)
    # Replacement names the recogniser tagged with their kind at least twice: a word it tagged
    # once ("Founders" as an organisation) would make a change of the wrong kind.
    pools = build_pools(nlp.pipe(a.text for a in articles[:60]), min_count=2)
    score = ContradictionScore()
    jobs = [(kind, k) for kind in kinds for k in range(per_kind)]
    cursor = {kind: 0 for kind in kinds}
    for kind, _ in track(jobs, "Editing and reconciling"):
        # Take the next article that admits a change of this kind.
        while cursor[kind] < len(articles):
            article = articles[cursor[kind]]
            cursor[kind] += 1
            try:
                copy, record = perturb_article(
                    article, kind, random.Random(rng.random()), nlp=nlp, pools=pools
                )
            except ValueError:
                continue
            comparison = reconciler.compare([article, copy])
            outcome = judge(comparison, kind, record.changed_span, record.original_text,
                            record.new_text)  # fmt: skip
            outcome.article = article.id
            outcome.original = record.original_text
            outcome.changed = record.new_text
            outcome.sentence = record.sentence
            outcome.new_sentence = record.new_sentence
            score.outcomes.append(outcome)
            break
    return score


def format_report(score: ContradictionScore, *, verbose: bool = False) -> str:
    lines = [
        "Edited copies of real articles (NewsWCL50, BASIL): is each change reported as a "
        "contradiction of the right kind, and nothing else?",
        f"  {'change':<13}{'n':>4}{'caught':>8}{'wrong kind':>12}{'missed':>8}{'repeat':>8}"
        f"{'follow-on':>11}{'extra':>7}{'rate':>7}",
    ]
    for kind, row in score.to_dict().items():
        if kind == "deletion":
            lines.append(
                f"  {'deletion':<13}{row['n']:>4}{row.get('clean', 0):>8}{'':>12}"
                f"{row.get('false alarm', 0):>8}{'':>8}{'':>11}{row.get('extra', 0):>7}"
                f"{row['rate'] or 0:>7.2f}   (no contradiction expected)"
            )
            continue
        lines.append(
            f"  {kind:<13}{row['n']:>4}{row.get('caught', 0):>8}{row.get('wrong kind', 0):>12}"
            f"{row.get('missed', 0):>8}{row.get('repeat', 0):>8}{row.get('follow-on', 0):>11}"
            f"{row.get('extra', 0):>7}{row['rate'] or 0:>7.2f}"
        )
    table = score.by_kind()
    total = {k: sum(row[k] for row in table.values()) for k in ("extra", "repeat", "follow-on")}
    lines.append(
        f"  {len(score.outcomes)} copies: {total['extra']} extra (false) contradictions; "
        f"{total['repeat']} repeats and {total['follow-on']} follow-ons of the edit"
    )
    if verbose:
        lines.append("")
        # Every miss, wrong kind and extra, with the edited sentence and what was reported.
        for o in score.outcomes:
            if o.verdict in ("caught", "clean") and not (o.extra or o.follow_on):
                continue
            lines.append(
                f"  {o.verdict:<11} {o.kind:<12} {o.article}: {o.original!r} -> {o.changed!r}"
                f" reported {o.reported}, repeats {o.repeats}, follow-on {o.follow_on},"
                f" extra {o.extra}"
            )
            if o.sentence:
                lines.append(f"      before: {o.sentence}")
                lines.append(f"      after:  {o.new_sentence}")
            lines.extend(f"      {d}" for d in o.details)
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------
# False alarms on real stories told by several outlets


@dataclass(slots=True)
class StoryAlarms:
    story: str
    reports: int
    facts: int
    corroborated: int
    contradictions: list[dict[str, Any]]


def real_stories(data_dir: Path) -> dict[str, list[Article]]:
    """NewsWCL50 (5 outlets an event) and BASIL (3 outlets an event) as stories of full reports."""
    stories: dict[str, list[Article]] = {}
    for rel, key in (("newswcl50/articles.jsonl", "newswcl50"), ("basil/articles.jsonl", "basil")):
        path = data_dir / rel
        if not path.exists():
            continue
        for line in path.read_text("utf-8").splitlines():
            row = json.loads(line)
            name = row["id"].split("/")[-1]
            event = name.split("_")[0] if key == "newswcl50" else name.rsplit("_", 1)[0]
            text = ((row.get("title") or "") + "\n" + row["text"]).strip()
            stories.setdefault(f"{key}/{event}", []).append(
                Article(id=name, text=text, source=row.get("source"), title=row.get("title"))
            )
    return stories


def run_real(
    data_dir: Path, *, reconciler: Reconciler | None = None, limit: int | None = None
) -> list[StoryAlarms]:
    """Reconcile every multi-outlet story and list the contradictions reported, for a person to
    check: these outlets mostly agree on the facts, so every contradiction is either a real
    discrepancy between them or a false alarm."""
    from rashomon.progress import track
    from rashomon.reconcile import default_reconciler

    reconciler = reconciler or default_reconciler()
    stories = list(real_stories(data_dir).items())[:limit]
    out: list[StoryAlarms] = []
    for story, articles in track(stories, "Reconciling real stories"):
        c = reconciler.compare(articles)
        out.append(
            StoryAlarms(
                story, len(articles), len(c.facts), len(c.facts_with_status("corroborated")),
                [
                    {
                        "kind": x.kind,
                        "explanation": x.explanation,
                        "sides": [[f"{s.document}: {s.text}" for s in side] for side in x.sides],
                    }
                    for x in c.contradictions
                ],
            )
        )
    return out


def format_real(alarms: list[StoryAlarms]) -> str:
    n = sum(len(a.contradictions) for a in alarms)
    lines = [
        f"Real stories told by several outlets (NewsWCL50, BASIL): {len(alarms)} stories, "
        f"{sum(a.reports for a in alarms)} reports, {sum(a.facts for a in alarms)} facts, "
        f"{sum(a.corroborated for a in alarms)} corroborated; {n} contradictions reported:",
    ]
    for a in alarms:
        for x in a.contradictions:
            lines.append(f"  {a.story}  [{x['kind']}] {x['explanation']}")
            for side in x["sides"]:
                lines.append("      " + " | ".join(t[:140] for t in side[:2]))
    return "\n".join(lines)
