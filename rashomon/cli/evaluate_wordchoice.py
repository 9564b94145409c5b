"""``rashomon evaluate wordchoice``: how each outlet names the same people and tells the same facts.

Reads stories of several reports (NewsWCL50's ``articles.jsonl`` by default), reconciles each,
and lists, per entity, the descriptors each outlet uses ("dictator" / "leader"), flagged where
loaded or contrasting, for a person to check. There is no gold for word choice: the list is
what ``docs/framing.md`` checks by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from rashomon.cli.evaluate import data_dir, evaluate_app
from rashomon.errors import InputError
from rashomon.model import Article, Comparison

MAX_FACTS = 5  # fact wordings listed per story (the predictions file has them all)


def format_story(story: str, comparison: Comparison, *, facts: int = MAX_FACTS) -> list[str]:
    """The word-choice differences of one story, as lines of text."""
    from rashomon.framing import word_choice

    choice = word_choice(comparison)
    sources = {d.id: d.display_name for d in comparison.documents}
    lines = [f"## {story}: {len(comparison.documents)} reports"]
    for entity in choice.entities:
        if not entity.differs:
            continue
        lines.append(f"- {entity.name} ({entity.kind})")
        for document, phrases in entity.descriptors.items():
            words = ", ".join(
                f"{p.text} x{len(p.spans)}"
                + (" [!" + "; ".join(f.kind for f in p.flags) + "]" if p.flags else "")
                for p in phrases
            )
            lines.append(f"    {sources[document]}: {words}")
    flagged = [f for f in choice.facts
               if any(w.flags for ws in f.words.values() for w in ws)]  # fmt: skip
    for fact in flagged[:facts]:
        lines.append(f"- fact {fact.fact}: {fact.statement[:100]}")
        for document, uses in fact.words.items():
            lines.append(f"    {sources[document]}: " + ", ".join(w.span.text for w in uses[:8]))
    return lines


@evaluate_app.command("wordchoice")
def wordchoice_command(
    input_file: str | None = typer.Argument(
        None, help="A JSONL file of reports (id, text, optional title, source, lean, story) "
        "(default: DATA/newswcl50/articles.jsonl)."
    ),
    predictions: str | None = typer.Option(
        None, "--predictions",
        help="Write one JSON line per story here: story, documents, word_choice.",
    ),
    data: str | None = typer.Option(None, "--data", help="The shared data folder."),
    cache: str | None = typer.Option(
        None, "--cache", help="Keep the comparisons in this folder and reuse them on reruns."
    ),
    limit: int | None = typer.Option(None, "--limit", help="Only the first N stories."),
    gold: str | None = typer.Option(
        None, "--gold", help="Score the flags against the lexical-bias spans of this JSONL "
        "(BASIL's annotations.jsonl, or rows of id, start, end, kind in the reports' offsets).",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print the score only."),
) -> None:
    """List the words each outlet uses for the same entities and facts, story by story; with
    --gold, also how often the flags land on words annotators marked as biased."""
    from rashomon._files import write_atomically
    from rashomon.framing import word_choice
    from rashomon.framing.scoring import WordChoiceScore, format_score, score
    from rashomon.framing.stories import compare_cached, read_stories
    from rashomon.reconcile import default_reconciler

    path = Path(input_file) if input_file else data_dir(data) / "newswcl50" / "articles.jsonl"
    stories = {k: v for k, v in read_stories(path).items() if len(v) >= 2}
    if not stories:
        raise InputError("E146", path=str(path))
    spans = _gold(Path(gold), stories) if gold else None
    result = WordChoiceScore()
    reconciler = default_reconciler()
    rows: list[str] = []
    for story, articles in list(stories.items())[:limit]:
        comparison = compare_cached(articles, reconciler.compare, Path(cache) if cache else None)
        choice = word_choice(comparison)
        if not quiet:
            print("\n".join(format_story(story, comparison)) + "\n")
        if spans is not None:
            result.documents += len(articles)
            result.gold_spans += sum(
                k == "lexical" for a in articles for _, _, k in spans.get(a.id, ())
            )
            score([choice], spans, into=result)
        rows.append(json.dumps({
            "story": story,
            "documents": [d.id for d in comparison.documents],
            "word_choice": choice.to_dict(),
        }, ensure_ascii=False))  # fmt: skip
    if predictions:
        write_atomically(Path(predictions), "\n".join(rows) + "\n")
    if spans is not None:
        print(format_score(result))


def _gold(path: Path, stories: dict[str, list[Article]]) -> dict[str, list[tuple[int, int, str]]]:
    """Gold spans per report id, moved to the offsets of the compared texts (after the title
    line :func:`~rashomon.framing.stories.read_stories` puts first)."""
    from rashomon.framing.bias import gold_from_annotations, read_jsonl

    articles = {a.meta.get("row_id", a.id): a for group in stories.values() for a in group}
    texts = {row_id: a.text[a.meta.get("text_start", 0) :] for row_id, a in articles.items()}
    by_row, _ = gold_from_annotations(read_jsonl(path), texts)
    out: dict[str, list[tuple[int, int, str]]] = {}
    for row_id, triples in by_row.items():
        article = articles.get(row_id)
        if article is not None:
            shift = article.meta.get("text_start", 0)
            out[article.id] = [(s + shift, e + shift, k) for s, e, k in triples]
    return out
