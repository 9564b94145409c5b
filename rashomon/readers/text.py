"""Plain-text reports: the file's text exactly as it is, with a headline picked out if it has one.

``Article.text`` is the decoded file with nothing stripped or normalised, because every later
stage reports character offsets into it and a user must be able to find them in their own file.
A text file whose every line is an http(s) address is not a report but a list of pages and feeds
to read (``feeds.txt``); :func:`read_text` hands those on to :mod:`rashomon.readers.url`.
"""

from __future__ import annotations

import re
from pathlib import Path

from rashomon.errors import RashomonError
from rashomon.model import Article
from rashomon.readers.base import ReadContext, Reader, ReadResult, decode_text, read_capped
from rashomon.readers.registry import FileFormat, register
from rashomon.readers.sniff import TEXT_SUFFIXES
from rashomon.readers.url import read_url

MAX_HEADLINE_CHARS = 150
MAX_HEADLINE_WORDS = 20
# A headline does not end like a sentence or a clause, but may end with ? or !.
_CLAUSE_END = (".", ",", ";", ":", "…", "-", "–", "—")
# Closing quotes and brackets are looked past: 'He said "no."' ends with a period.
_CLOSERS = "\"'”’»)]"
_URL_LINE = re.compile(r"^https?://[^\s\x00-\x1f\x7f]+$", re.IGNORECASE)


def split_headline(text: str) -> tuple[str | None, int]:
    """Return ``(title, body_start)``: the first line as a title when it reads like a headline.

    A headline here is a short first line (at most 20 words and 150 characters) that does not
    end with sentence or clause punctuation (a question or exclamation mark is fine), does not
    look like a byline, and is followed by more text that does not carry on in lower case (a
    hard-wrapped first sentence). Anything else is more likely the first
    sentence of the body, so the title is None and the body starts at 0. ``body_start`` is the
    offset of the first non-blank character after the headline line.
    """
    offset = 0
    for raw in text.splitlines(keepends=True):
        line = raw.strip()
        if not line:
            offset += len(raw)
            continue
        title = line.lstrip("#").strip() if line.startswith("#") else line  # Markdown heading
        rest = text[offset + len(raw) :]
        following = rest.lstrip()
        if not following or not _is_headline(title) or following[0].islower():
            # Nothing after it, not headline-like, or a hard-wrapped sentence going on.
            return None, 0
        return title, offset + len(raw) + (len(rest) - len(rest.lstrip()))
    return None, 0


def _is_headline(line: str) -> bool:
    if not line or len(line) > MAX_HEADLINE_CHARS or len(line.split()) > MAX_HEADLINE_WORDS:
        return False
    if line.rstrip(_CLOSERS).endswith(_CLAUSE_END) or line.endswith("..."):
        return False
    first = next((ch for ch in line if ch.isalpha()), "")
    if first.islower():
        return False  # a continuation of something, not a headline
    return not line.lower().startswith(("by ", "from ", "posted ", "updated "))


def parse_url_list(text: str) -> list[str] | None:
    """The addresses of a ``feeds.txt``-style file, or None if ``text`` is not such a list.

    Every non-empty line that is not a ``#`` comment must be one http(s) address, and there must
    be at least one.
    """
    urls = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not _URL_LINE.match(line):
            return None
        urls.append(line)
    return urls or None


def article_from_text(text: str, *, id: str, origin: str | None = None) -> Article:
    """An :class:`Article` whose ``text`` is ``text`` itself, with any headline found."""
    title, body_start = split_headline(text)
    return Article(
        id=id, text=text, title=title, body_start=body_start, origin=origin, format="text"
    )


def read_text(path: Path, ctx: ReadContext) -> Reader:
    """Read one text file: a report, or a list of addresses to read one by one."""
    text = decode_text(read_capped(path, ctx.max_bytes), path)
    urls = parse_url_list(text)
    if urls is None:
        yield ReadResult(str(path), article_from_text(text, id=path.name, origin=str(path)))
        return
    for url in urls:
        try:
            yield from read_url(url, ctx)
        except RashomonError as exc:
            yield ReadResult.failure(url, exc)


# No content test: text is what a file is when no other format recognises it.
register(FileFormat("text", read_text, TEXT_SUFFIXES, None, order=100))
