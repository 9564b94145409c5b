"""JSON Lines: one article per line, the way datasets and scrapers usually hand reports over.

Only ``text`` is required. ``Article.text`` is the ``text`` field exactly as it is in the JSON, so
offsets index the string the user gave. A bad line is a failure of that line only (E006, with
its number): :func:`read_jsonl` yields it and goes on, and ``read_reports`` stops at it.

A JSONL file is a dump of many articles, often far larger than any one report, so ``max_bytes``
(``--max-bytes``) caps each line rather than the file: a line over it is an E006 failure of that
line, read no further than the cap, and the lines after it are read as usual. The file is
streamed, one line in memory at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from rashomon.errors import InputError
from rashomon.model import Article
from rashomon.readers.base import (
    SNIFF_BYTES,
    UTF8_BOM,
    ReadContext,
    Reader,
    ReadResult,
    check_text_bytes,
    file_size,
    normalize_date,
    normalize_language,
)
from rashomon.readers.registry import FileFormat, register
from rashomon.readers.sniff import JSONL_SUFFIXES, looks_like_jsonl

#: The fields that map onto :class:`Article`; any other field is kept in ``Article.meta``.
FIELDS = ("id", "source", "title", "published", "url", "text", "language")


def article_from_record(record: Any, *, path: Path, line: int) -> Article:
    """Turn one decoded JSON value into an Article, or raise E006 saying what is wrong."""

    def bad(problem: str) -> InputError:
        return InputError("E006", path=path, line=line, problem=problem)

    if not isinstance(record, dict):
        raise bad(f"expected a JSON object, found {type(record).__name__}")
    text = record.get("text")
    if text is None:
        raise bad('the field "text" is missing')
    if not isinstance(text, str):
        raise bad(f'the field "text" must be a string, not {type(text).__name__}')
    if not text.strip():
        raise bad('the field "text" is empty')
    values: dict[str, str | None] = {}
    for name in ("id", "source", "title", "published", "url", "language"):
        value = record.get(name)
        if value is not None and not isinstance(value, (str, int, float)):
            raise bad(f'the field "{name}" must be a string, not {type(value).__name__}')
        values[name] = None if value is None or value == "" else str(value)
    meta = {key: value for key, value in record.items() if key not in FIELDS}
    published = normalize_date(values["published"])
    if values["published"] and published is None:
        meta["published"] = values["published"]  # kept, but not passed off as ISO 8601
    return Article(
        id=values["id"] or f"{path.name}:{line}",
        text=text,
        title=values["title"],
        source=values["source"],
        url=values["url"],
        published=published,
        published_from="jsonl" if published else None,
        language=normalize_language(values["language"]),
        origin=str(path),
        format="jsonl",
        meta=meta,
    )


def _lines(handle: BinaryIO, cap: int) -> Iterator[tuple[int, bytes | None, int]]:
    """``(number, line, size)`` for each line of ``handle``, without its line ending (and the
    first line without a UTF-8 byte order mark). A line of more than ``cap`` bytes comes as
    ``None`` with its size: no more than ``cap`` and a few bytes of it are ever held in memory.
    """
    number = 0
    while True:
        number += 1
        bom = len(UTF8_BOM) if number == 1 else 0
        limit = cap + 2 + bom  # room for the line, "\r\n" and a byte order mark
        raw = handle.readline(limit)
        if not raw:
            return
        if len(raw) == limit and not raw.endswith(b"\n"):
            # Over the cap (even a "\r" at the end leaves cap + 1 bytes of line): skip the
            # rest of it in bounded reads, counting its size for the message.
            size = len(raw) - (bom if raw.startswith(UTF8_BOM) else 0)
            tail = raw[-2:]
            while not tail.endswith(b"\n"):
                raw = handle.readline(1 << 20)
                if not raw:
                    break
                size += len(raw)
                tail = (tail + raw)[-2:]
            yield number, None, size - (len(tail) - len(tail.rstrip(b"\r\n")))
            continue
        if number == 1:
            raw = raw.removeprefix(UTF8_BOM)
        raw = raw.rstrip(b"\r\n")  # so that JSON error columns count within the line
        yield number, (raw if len(raw) <= cap else None), len(raw)


def read_jsonl(path: Path, ctx: ReadContext) -> Reader:
    """Read a JSONL file line by line, without holding the whole file in memory; each line is
    held to ``ctx.max_bytes`` (a longer one fails alone, E006)."""
    size = file_size(path)
    if size == 0:
        raise InputError("E001", path=path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError("E008", path=path, reason=exc.strerror or type(exc).__name__) from exc
    with handle:
        if check_text_bytes(handle.read(SNIFF_BYTES), path) != "utf-8":
            raise InputError("E016", path=path, format="JSON Lines")
        handle.seek(0)
        found = False
        for number, raw, length in _lines(handle, ctx.max_bytes):
            if raw is not None and not raw.strip():
                continue
            found = True
            origin = f"{path}:{number}"
            try:
                if raw is None:
                    raise InputError(
                        "E006",
                        path=path,
                        line=number,
                        problem=f"the line is {length} bytes, over the limit of "
                        f"{ctx.max_bytes} bytes per article (--max-bytes)",
                    )
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise InputError(
                        "E006",
                        path=path,
                        line=number,
                        problem=f"not valid UTF-8 (byte {exc.start} of the line)",
                    ) from None
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise InputError(
                        "E006",
                        path=path,
                        line=number,
                        # Some of json's messages end in "at" ("Unterminated string
                        # starting at"): the column says where, once.
                        problem=f"not valid JSON ({exc.msg.removesuffix(' at')} "
                        f"at column {exc.colno})",
                    ) from None
                article = article_from_record(record, path=path, line=number)
            except InputError as exc:
                yield ReadResult.failure(origin, exc)
                continue
            yield ReadResult(origin, article)
    if not found:
        raise InputError("E001", path=path)


register(FileFormat("jsonl", read_jsonl, JSONL_SUFFIXES, looks_like_jsonl, order=40))
