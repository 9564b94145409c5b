"""Are rashomon's statements sentences, and do they say only what their reports say?

    rashomon evaluate statements [--data DIR] [--sample N --audit FILE]

Reconciles the founding example and six multi-outlet stories of the shared data (the first three
NewsWCL50 events and the first three BASIL events, in a fixed order), and checks every statement:

* **clause**: the statement, parsed, holds a verb with a subject of its own ("Petro met
  Trump"), not a fragment ("After months of escalating tensions");
* **silent rewrite**: a capitalised word (a name) appears in the statement more often than in
  the words the statement rests on (its evidence and borrowed context in the report whose
  wording it is), outside a shown resolution ("he [Gustavo Petro]"). "Steele called Steele's
  comments ..." made from "Steele called his comments ..." is one;
* **hidden resolution**: a recorded resolution the statement does not show.

``--audit FILE`` writes a Markdown sample of ``--sample`` facts, each with its evidence, for a
person to judge by hand (readable? faithful? attribution right?).
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rashomon.model import Article, Comparison, StoryFact
from rashomon.pipeline.facts import claim_text

_SHOWN = re.compile(r"\[[^\[\]]+\]")
# A word, with the apostrophes, hyphens and dots inside it ("al-Sharia", "Qa'ida", "U.S"); the
# statement's and the source's words are cut the same way.
_TOKEN = re.compile(r"\w+(?:[’'.-]\w+)*")
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "expl"})


@dataclass(slots=True)
class StatementCheck:
    story: str
    fact: str
    statement: str
    clause: bool
    rewrites: list[str] = field(default_factory=list)  # names added without a shown resolution
    hidden: list[str] = field(default_factory=list)  # resolutions not shown


def is_clause(doc: Any) -> bool:
    """A verb (or auxiliary) with a subject of its own somewhere in the statement."""
    return any(t.dep_ in SUBJECT_DEPS and t.head.pos_ in ("VERB", "AUX") for t in doc)


def _bare(word: str) -> str:
    return word.removesuffix("’s").removesuffix("'s")


def rewrites(fact: StoryFact, articles: dict[str, Article]) -> list[str]:
    """Names (capitalised words) the statement holds more often than the words it rests on,
    outside brackets; the source is counted without regard to case (a sentence's first word)."""
    doc_id = fact.wording or (fact.documents[0] if fact.documents else "")
    article = articles.get(doc_id)
    if article is None:
        return []
    said = Counter(_bare(w) for w in _TOKEN.findall(_SHOWN.sub("", fact.statement))
                   if w[:1].isupper())
    spans = [s for s in (*fact.evidence, *fact.context) if s.document == doc_id]
    source = " ".join(article.text[s.start : s.end] for s in sorted(spans, key=lambda s: s.start))
    found = Counter(_bare(w).lower() for w in _TOKEN.findall(source))
    return [name for name, n in said.items() if n > found.get(name.lower(), 0)]


def check(story: str, comparison: Comparison, nlp: Any) -> list[StatementCheck]:
    articles = {a.id: a for a in comparison.documents}
    out = []
    texts = [claim_text(f.statement) for f in comparison.facts]
    for fact, doc in zip(comparison.facts, nlp.pipe(texts, batch_size=64), strict=True):
        hidden = [r.as_ for r in fact.resolved if f"[{r.as_}]" not in fact.statement]
        out.append(StatementCheck(story, fact.id, fact.statement, is_clause(doc),
                                  rewrites(fact, articles), hidden))  # fmt: skip
    return out


def audit_stories(data_dir: Path) -> list[tuple[str, list[Article]]]:
    """The founding example, then the first three NewsWCL50 and three BASIL events."""
    from rashomon.evaluation.contradictions import real_stories
    from rashomon.evaluation.seeds import BUNDLED, load_gold

    stories: list[tuple[str, list[Article]]] = [("seeds", load_gold(BUNDLED)[0])]
    real = real_stories(data_dir)
    for prefix in ("newswcl50/", "basil/"):
        keys = sorted(k for k in real if k.startswith(prefix))[:3]
        stories.extend((k, real[k]) for k in keys)
    return stories


def run(data_dir: Path, *, reconciler: Any = None,
        stories: Sequence[tuple[str, list[Article]]] | None = None,
        ) -> tuple[list[StatementCheck], dict[str, Comparison]]:  # fmt: skip
    from rashomon.progress import track
    from rashomon.reconcile import default_reconciler

    reconciler = reconciler or default_reconciler()
    stories = stories if stories is not None else audit_stories(data_dir)
    checks: list[StatementCheck] = []
    comparisons: dict[str, Comparison] = {}
    for story, articles in track(list(stories), "Reconciling stories"):
        comparison = reconciler.compare(articles)
        comparisons[story] = comparison
        checks.extend(check(story, comparison, reconciler.parser))
    return checks, comparisons


def summary(checks: Sequence[StatementCheck]) -> dict[str, Any]:
    n = len(checks)
    return {
        "statements": n,
        "clauses": sum(c.clause for c in checks),
        "clause_share": round(sum(c.clause for c in checks) / n, 4) if n else None,
        "silent_rewrites": sum(bool(c.rewrites) for c in checks),
        "hidden_resolutions": sum(len(c.hidden) for c in checks),
        "by_story": {
            story: {"statements": len(rows), "clauses": sum(c.clause for c in rows),
                    "silent_rewrites": sum(bool(c.rewrites) for c in rows)}
            for story in dict.fromkeys(c.story for c in checks)
            if (rows := [c for c in checks if c.story == story])
        },
    }


def format_report(checks: Sequence[StatementCheck], verbose: bool = False) -> str:
    s = summary(checks)
    lines = [
        f"Statements of {len(s['by_story'])} stories (the founding example, NewsWCL50, BASIL):",
        f"  clauses                {s['clauses']} / {s['statements']}  "
        f"({100 * (s['clause_share'] or 0):.1f} %; target at least 95 %)",
        f"  silent rewrites        {s['silent_rewrites']}  (target 0)",
        f"  hidden resolutions     {s['hidden_resolutions']}  (target 0)",
        "",
        f"  {'story':28} {'statements':>10} {'clauses':>8} {'rewrites':>9}",
    ]
    for story, row in s["by_story"].items():
        lines.append(f"  {story:28} {row['statements']:>10} {row['clauses']:>8} "
                     f"{row['silent_rewrites']:>9}")  # fmt: skip
    if verbose:
        lines.append("")
        for c in checks:
            if not c.clause or c.rewrites or c.hidden:
                flags = ", ".join(
                    [*(["not a clause"] if not c.clause else []),
                     *(f"adds {w!r}" for w in c.rewrites), *(f"hides {h!r}" for h in c.hidden)]
                )  # fmt: skip
                lines.append(f"  {c.story} {c.fact}: {c.statement[:110]}  <- {flags}")
    return "\n".join(lines)


def audit_sample(comparisons: dict[str, Comparison], count: int, seed: int = 0) -> str:
    """A Markdown sheet of ``count`` random facts (outside the founding example), each with its
    evidence, for a person to judge."""
    rows = [(story, fact, c) for story, c in comparisons.items() if story != "seeds"
            for fact in c.facts]  # fmt: skip
    random.Random(seed).shuffle(rows)
    out = ["# Hand audit of rashomon's statements", "",
           f"{min(count, len(rows))} facts drawn at random (seed {seed}) from "
           f"{len(comparisons) - 1} stories. For each: readable? faithful (says only what the "
           "evidence says, attribution and frame kept)? label right?", ""]  # fmt: skip
    for k, (story, fact, _) in enumerate(rows[:count], start=1):
        out.append(f"## {k}. {story} {fact.id} ({fact.status}, {', '.join(fact.documents)})")
        out.append(f"**Statement:** {fact.statement}")
        for span in fact.evidence:
            out.append(f"- evidence, {span.document}: “{span.text}”")
        for span in fact.context:
            out.append(f"- context, {span.document}: “{span.text}”")
        for r in fact.resolved:
            out.append(f"- resolved: “{r.span.text}” as {r.as_}")
        out.append("- verdict: ")
        out.append("")
    return "\n".join(out)
