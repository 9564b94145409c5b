"""Which reader reads an input: addresses, folders and files by detected format."""

from __future__ import annotations

from pathlib import Path

from rashomon.errors import FetchError, InputError
from rashomon.model import Article
from rashomon.readers.base import (
    SNIFF_BYTES,
    ReadContext,
    Reader,
    ReadResult,
    file_size,
    is_http_url,
    looks_like_address,
)
from rashomon.readers.sniff import detect


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(SNIFF_BYTES)
    except OSError as exc:
        raise InputError("E008", path=path, reason=exc.strerror or type(exc).__name__) from exc


def read_file(path: Path, ctx: ReadContext) -> Reader:
    """Read one file with the reader its name, or failing that its content, calls for."""
    from rashomon.readers.feed import read_feed
    from rashomon.readers.html import read_html
    from rashomon.readers.jsonl import read_jsonl
    from rashomon.readers.text import read_text
    from rashomon.readers.warc import read_warc

    file_size(path)  # E007 / E008 before anything else
    kind = detect(path, _head(path))
    if kind == "text":
        yield from read_text(path, ctx)
    elif kind == "html":
        yield from read_html(path, ctx)
    elif kind == "jsonl":
        yield from read_jsonl(path, ctx)
    elif kind == "feed":
        yield from read_feed(path, ctx)
    elif kind == "warc":
        yield from read_warc(path, ctx)
    elif path.name.lower().endswith(".xml"):
        raise InputError("E011", path=path, format="xml", expected="an RSS or Atom feed, or HTML")
    else:
        raise InputError("E002", path=path)


def read_input(item: str | Path | Article, ctx: ReadContext) -> Reader:
    """Read one input of ``read_reports``/``iter_reports``: an Article, an address or a path."""
    if isinstance(item, Article):
        yield ReadResult(item.origin or item.id, item)
        return
    if isinstance(item, str) and is_http_url(item.strip()):
        from rashomon.readers.url import read_url

        yield from read_url(item.strip(), ctx)
        return
    if isinstance(item, str) and looks_like_address(item):
        raise FetchError("E020", url=item)
    path = Path(item)
    if path.is_dir():
        from rashomon.readers.folder import read_folder

        yield from read_folder(path, ctx)
        return
    yield from read_file(path, ctx)


def origin_of(item: str | Path | Article) -> str:
    if isinstance(item, Article):
        return item.origin or item.id
    return str(item)
