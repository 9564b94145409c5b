"""Which reader reads an input: addresses, folders, and files by their detected format.

Files go to the reader their format registered (:mod:`rashomon.readers.registry`); the format
modules are imported here, which is what registers them.
"""

from __future__ import annotations

from pathlib import Path

from rashomon.errors import FetchError, InputError
from rashomon.model import Article
from rashomon.readers import feed, html, jsonl, text, warc
from rashomon.readers.base import (
    SNIFF_BYTES,
    ReadContext,
    Reader,
    ReadResult,
    file_size,
    is_http_url,
    looks_like_address,
)
from rashomon.readers.folder import read_folder
from rashomon.readers.registry import get_format
from rashomon.readers.sniff import detect
from rashomon.readers.url import read_url

#: Importing a format module registers it (rashomon.readers.registry): all five, before any read.
FORMAT_MODULES = (feed, html, jsonl, text, warc)


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(SNIFF_BYTES)
    except OSError as exc:
        raise InputError("E008", path=path, reason=exc.strerror or type(exc).__name__) from exc


def read_file(path: Path, ctx: ReadContext) -> Reader:
    """Read one file with the reader its name, or failing that its content, calls for."""
    file_size(path)  # E007 / E008 before anything else
    file_format = get_format(detect(path, _head(path)))
    if file_format is not None:
        yield from file_format.read(path, ctx)
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
        yield from read_url(item.strip(), ctx)
        return
    if isinstance(item, str) and looks_like_address(item):
        raise FetchError("E020", url=item)
    path = Path(item)
    if path.is_dir():
        yield from read_folder(path, ctx, read_file)
        return
    yield from read_file(path, ctx)


def origin_of(item: str | Path | Article) -> str:
    """How an input is named in results and messages."""
    if isinstance(item, Article):
        return item.origin or item.id
    return str(item)
