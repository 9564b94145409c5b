"""Reading reports: text, HTML, JSONL, RSS/Atom feeds, web pages, WARC archives and folders.

Two entry points over the same readers:

* :func:`read_reports` for ``rashomon compare``: all or nothing. The first input that cannot be
  read raises :class:`~rashomon.errors.InputError` with a one-line coded message.
* :func:`iter_reports` for ``rashomon ingest``: never raises for a bad input; it yields a
  :class:`ReadResult` per article, per failure and per deliberate skip, and goes on.

One module per kind of input (``text``, ``html``, ``jsonl``, ``feed``, ``url``, ``warc``,
``folder``), with format detection in ``sniff``, the table of file formats in ``registry`` (each
format module registers itself), the choice of reader in ``dispatch``, the shared checks in
``base``, and the network (fetching, address checks) in ``fetch``, below them all. Modules
import each other at the top only, lower layers never higher ones (``scripts/check-imports``).

Offsets: for text files ``Article.text`` is the file decoded as UTF-8 (or UTF-16, with or
without a byte order mark) with nothing stripped, except a leading byte order mark, which is
dropped, so offsets count from the first character after it. For HTML, feeds and archives
``Article.text`` is the extracted text.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from contextlib import closing
from pathlib import Path

from rashomon.errors import InputError, RashomonError
from rashomon.model import Article
from rashomon.readers.base import DEFAULT_MAX_BYTES, ReadContext, ReadResult
from rashomon.readers.dispatch import origin_of, read_input
from rashomon.readers.fetch import FetchedPage, Fetcher, HttpFetcher

Input = str | Path | Article

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FetchedPage",
    "Fetcher",
    "HttpFetcher",
    "Input",
    "ReadResult",
    "iter_reports",
    "read_reports",
]


def _read_one(item: Input, ctx: ReadContext) -> Generator[ReadResult, None, None]:
    """The results of one input, with a failure of the whole input turned into a result."""
    origin = origin_of(item)
    try:
        yield from read_input(item, ctx)
    except RashomonError as exc:
        yield ReadResult.failure(origin, exc)
    except Exception as exc:  # a library failing on odd input must not stop an ingest
        error = InputError("E008", path=origin, reason=f"{type(exc).__name__}: {exc}")
        error.__cause__ = exc
        yield ReadResult.failure(origin, error)


def iter_reports(
    inputs: Iterable[Input],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allow_private: bool = False,
    fetcher: Fetcher | None = None,
    fetch_deadline: float | None = None,
) -> Iterator[ReadResult]:
    """Yield one :class:`ReadResult` per article, failure or skip, reading inputs lazily.

    A JSONL file gives one result per line, a feed one per entry, a WARC one per page record, a
    folder one per file (or per item inside it), and a ``feeds.txt`` (a text file of http(s)
    addresses, one per line, ``#`` comments allowed) one per address read. ``fetcher`` replaces
    the network (then ``allow_private`` and ``fetch_deadline`` are the fetcher's business).
    ``max_bytes`` caps each file (each JSONL line, each WARC record) and each fetched response;
    ``fetch_deadline`` is the seconds one fetch may take in all (None: 30, or
    ``$RASHOMON_FETCH_DEADLINE``).
    """
    ctx = ReadContext(
        max_bytes=max_bytes,
        allow_private=allow_private,
        fetcher=fetcher,
        fetch_deadline=fetch_deadline,
    )
    try:
        for item in inputs:
            yield from _read_one(item, ctx)
    finally:
        ctx.close()


def read_reports(
    inputs: Iterable[Input],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allow_private: bool = False,
    fetcher: Fetcher | None = None,
    fetch_deadline: float | None = None,
) -> list[Article]:
    """Read every input into Articles, or raise the first problem as an :class:`InputError`.

    Inputs are paths (files or folders), http(s) addresses, or Articles (passed through). An
    input that yields no article at all (a WARC of images only) is an error (E009), and so are
    two articles with the same id (E010), because later stages key on ids. The limits are those
    of :func:`iter_reports`.
    """
    ctx = ReadContext(
        max_bytes=max_bytes,
        allow_private=allow_private,
        fetcher=fetcher,
        fetch_deadline=fetch_deadline,
    )
    articles: list[Article] = []
    seen: set[str] = set()
    try:
        for item in inputs:
            produced = 0
            with closing(_read_one(item, ctx)) as results:
                for result in results:
                    if result.exception is not None:
                        raise result.exception
                    if result.article is None:
                        continue  # a deliberate skip
                    if result.article.id in seen:
                        raise InputError("E010", path=result.origin, id=result.article.id)
                    seen.add(result.article.id)
                    articles.append(result.article)
                    produced += 1
            if produced == 0:
                raise InputError("E009", path=origin_of(item))
    finally:
        ctx.close()
    return articles
