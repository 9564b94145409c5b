"""Stories told by several outlets, read from a JSONL file, and their comparisons cached on disk.

The word-choice evaluation (``rashomon evaluate wordchoice``) reconciles every story of a file such
as NewsWCL50's ``articles.jsonl`` (one report a line: ``id``, ``text``, optional ``title``,
``source``, ``lean`` and ``story``). Reconciling five long reports takes a while, so comparisons
can be kept in a cache folder, keyed by a hash of the reports and of rashomon's version.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Sequence
from pathlib import Path

from rashomon._files import jsonl_objects
from rashomon._version import __version__
from rashomon.errors import InputError
from rashomon.model import Article, Comparison


def read_stories(path: Path) -> dict[str, list[Article]]:
    """The reports of ``path`` grouped by their ``story`` (file order kept).

    A report without ``story`` is grouped by the part of its id before the last ``_``
    (NewsWCL50's ``0_LL`` -> ``0``). The title, when given, is put first as a headline line, so
    that :attr:`Article.body_start` tells headline from body.
    """
    if not path.is_file():
        raise InputError("E007", path=str(path))
    stories: dict[str, list[Article]] = {}
    for number, row in jsonl_objects(path):
        if not isinstance(row.get("text"), str) or "id" not in row:
            raise InputError("E145", path=str(path), line=number)
        name = str(row["id"]).split("/")[-1]
        story = str(row.get("story") or name.rsplit("_", 1)[0])
        title = (row.get("title") or "").strip()
        text = f"{title}\n{row['text']}" if title else row["text"]
        source = row.get("source")
        if row.get("lean"):
            source = f"{source or name} ({row['lean']})"
        stories.setdefault(story, []).append(
            # meta keeps the row's own id and where its text begins, to place gold spans.
            Article(id=name, text=text, title=title or None, source=source,
                    body_start=len(title) + 1 if title else 0,
                    meta={"row_id": str(row["id"]), "text_start": len(title) + 1 if title else 0})
        )
    return stories


def _key(articles: Sequence[Article]) -> str:
    digest = hashlib.sha1(__version__.encode())
    for a in articles:
        digest.update(b"\0" + a.id.encode() + b"\0" + a.fingerprint.encode())
    return digest.hexdigest()[:20]


def compare_cached(
    articles: Sequence[Article],
    compare: Callable[[Sequence[Article]], Comparison],
    cache: Path | None = None,
) -> Comparison:
    """``compare(articles)``, read from ``cache`` when it was computed before (a pickle per
    story: the cache is a private folder of this machine, never data from elsewhere)."""
    if cache is None:
        return compare(articles)
    path = cache / f"comparison-{_key(articles)}.pickle"
    if path.is_file():
        with path.open("rb") as fh:
            return pickle.load(fh)  # our own cache, written just below
    comparison = compare(articles)
    cache.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as fh:
        pickle.dump(comparison, fh)
    tmp.replace(path)
    return comparison
