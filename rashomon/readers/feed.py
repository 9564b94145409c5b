"""RSS and Atom feeds, parsed by feedparser: one result per entry.

An entry that carries the article itself (``content:encoded`` in RSS, ``<content>`` in Atom)
becomes an article directly. Most feeds only carry a teaser and a link, and a teaser is not a
report, so such entries are fetched as pages (through the same checked fetcher as any address);
the feed's title, date and language fill in what the page does not say.

feedparser is always given the bytes (never an address or a path), so it never opens a file or a
connection on its own.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from xml.sax import SAXParseException

from rashomon.errors import FetchError, RashomonError
from rashomon.model import Article
from rashomon.readers.base import (
    SNIFF_BYTES,
    ReadContext,
    Reader,
    ReadResult,
    check_text_bytes,
    clean_address,
    decode_text,
    has_controls,
    is_http_url,
    normalize_date,
    normalize_language,
    printable,
    read_capped,
    stable_id,
    utf16_codec,
)
from rashomon.readers.html import _quiet_trafilatura
from rashomon.readers.pages import fetch_page_article
from rashomon.readers.registry import FileFormat, register
from rashomon.readers.sniff import FEED_SUFFIXES, looks_like_feed

#: Entry content shorter than this (in characters of text) is taken for a teaser: when the entry
#: has a link, the page is fetched instead.
MIN_CONTENT_CHARS = 400
#: An entry with no link to fetch and fewer words of text than this (a title, a one-line
#: teaser) is not an article: it is skipped with the reason (E029) rather than stored.
MIN_ENTRY_WORDS = 25

_XML_ENCODING = re.compile(r"""^(\s*<\?xml\b[^>]*?)\s+encoding\s*=\s*["'][^"']*["']""")


class EntrySkipped(Exception):
    """An entry that is deliberately not an article; ``reason`` is the coded, one-line why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def html_fragment_text(fragment: str) -> str:
    """The text of an HTML fragment (feed content), paragraphs on their own lines."""
    import trafilatura  # loaded on first use: it takes longer to import than all the readers

    if "<" not in fragment:
        return fragment
    wrapped = f"<html><body><article>{fragment}</article></body></html>"
    with _quiet_trafilatura():
        text = trafilatura.extract(
            wrapped, favor_recall=True, include_comments=False, with_metadata=False
        )
    if text:
        return text
    from lxml import html as lxml_html

    try:
        return lxml_html.fromstring(wrapped).text_content().strip()
    except Exception:  # an unparsable fragment has no text worth keeping
        return ""


def _entry_text(entry: Any) -> str:
    """The longest text among the entry's content elements ("" when it has none)."""
    best = ""
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        kind = (content.get("type") or "").lower()
        text = html_fragment_text(value) if "html" in kind else value
        if len(text.strip()) > len(best.strip()):
            best = text
    return best


def _published(entry: Any) -> str | None:
    """The entry's date as ISO 8601, keeping the offset the feed wrote when it can be read.

    feedparser's ``*_parsed`` values are converted to UTC; the raw string (RFC 822 in RSS,
    RFC 3339 in Atom) is parsed first so that ``10:45+01:00`` stays ``10:45+01:00``.
    """
    for key in ("published", "updated", "created"):
        found = normalize_date(entry.get(key))
        if found:
            return found
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return datetime(*parsed[:6]).replace(tzinfo=timezone.utc).isoformat()
    return None


def parser_problem(exc: object) -> str:
    """What feedparser found wrong, in a user's words: the XML parser's message with its line
    and column (``<unknown>:2:1: no element found`` is how the exception prints itself)."""
    if isinstance(exc, SAXParseException):
        message = " ".join(str(exc.getMessage()).split())
        return f"{message} at line {exc.getLineNumber()}, column {exc.getColumnNumber()}"
    text = " ".join(str(exc).split()) if exc is not None else ""
    if not text or re.search(r"\b[A-Z]\w*(?:Error|Exception)\b", text):
        return "the feed is malformed"
    return text


def parse_feed(content: bytes, *, origin: str, base_url: str | None = None) -> Any:
    """Parse feed bytes, raising E027 when they hold no usable RSS or Atom feed."""
    import feedparser

    headers = {"content-location": base_url} if base_url else {}
    try:
        parsed = feedparser.parse(io.BytesIO(content), response_headers=headers)
    except Exception as exc:  # feedparser is lenient, but not infallible
        raise FetchError("E027", url=origin, reason="the feed parser failed on it") from exc
    usable = [
        entry
        for entry in parsed.entries
        if entry.get("link") or entry.get("title") or entry.get("summary") or entry.get("content")
    ]
    if not parsed.get("version"):
        reason = "no RSS or Atom feed found"
        if parsed.get("bozo_exception") is not None:
            reason += f": {parser_problem(parsed.bozo_exception)}"
        raise FetchError("E027", url=origin, reason=reason)
    if not usable:
        if parsed.get("bozo"):
            reason = parser_problem(parsed.get("bozo_exception"))
            raise FetchError("E027", url=origin, reason=reason)
        raise FetchError("E027", url=origin, reason="it has no entries")
    parsed["entries"] = usable
    return parsed


def entry_article(entry: Any, feed: Any, *, origin: str, index: int, ctx: ReadContext) -> Article:
    """The article of one entry: its own content when it has enough, else its linked page."""
    link = clean_address(entry.get("link") or "") or None
    if link and (not is_http_url(link) or has_controls(link)):
        link = None  # an RSS <guid> taken for a permalink ("urn:..."): nothing to fetch
    key = link or entry.get("id") or f"{origin}#{index}"
    title = (entry.get("title") or "").strip() or None
    published = _published(entry)
    source = (feed.feed.get("title") or "").strip() or None
    language = normalize_language(feed.feed.get("language"))
    meta = {"feed": origin}
    if entry.get("id"):
        meta["entry_id"] = entry["id"]

    text = _entry_text(entry)
    if len(text.strip()) < MIN_CONTENT_CHARS and link:
        article = fetch_page_article(link, ctx)
        article.title = article.title or title
        if article.published is None and published:
            article.published, article.published_from = published, "feed"
        article.source = article.source or source
        article.language = article.language or language
        article.meta.update(meta)
        return article
    if not text.strip():
        summary = entry.get("summary") or ""
        text = html_fragment_text(summary) if "<" in summary else summary
    words = len(text.split())
    if words < MIN_ENTRY_WORDS and not link:
        raise EntrySkipped(str(FetchError("E029", words=words, minimum=MIN_ENTRY_WORDS)))
    return Article(
        id=stable_id(key),
        text=text,
        title=title,
        source=source,
        url=link,
        published=published,
        published_from="feed" if published else None,
        language=language,
        origin=origin,
        format="feed",
        meta=meta,
    )


def read_feed_content(
    content: bytes, *, origin: str, ctx: ReadContext, base_url: str | None = None
) -> Reader:
    """One result per entry; an entry that fails (its page cannot be fetched) fails alone, and
    one with too little text to be an article is skipped with the reason."""
    if utf16_codec(content[:SNIFF_BYTES]) is not None:
        content = utf8_feed(content, origin)
    feed = parse_feed(content, origin=origin, base_url=base_url)
    for index, entry in enumerate(feed.entries, start=1):
        link = clean_address(entry.get("link") or "")
        entry_origin = printable(link or f"{origin}#{entry.get('id') or index}")
        try:
            article = entry_article(entry, feed, origin=origin, index=index, ctx=ctx)
        except EntrySkipped as skip:
            yield ReadResult.skip(entry_origin, skip.reason)
            continue
        except RashomonError as exc:
            yield ReadResult.failure(entry_origin, exc)
            continue
        yield ReadResult(entry_origin, article)


def utf8_feed(content: bytes, origin: str) -> bytes:
    """A UTF-16 feed as UTF-8 bytes, its XML declaration no longer naming UTF-16.

    feedparser recognises UTF-16 by its byte order mark only; without one it finds no feed.
    """
    text = decode_text(content, origin)
    return _XML_ENCODING.sub(r"\1", text, count=1).encode("utf-8")


def read_feed(path: Path, ctx: ReadContext) -> Reader:
    """Read a feed saved as a file (``.rss``, ``.atom``, or an ``.xml`` that holds a feed)."""
    data = read_capped(path, ctx.max_bytes)
    check_text_bytes(data, path)
    yield from read_feed_content(data, origin=str(path), ctx=ctx)


register(FileFormat("feed", read_feed, FEED_SUFFIXES, looks_like_feed, order=20))
