"""HTML pages: the article's main text and metadata, extracted by trafilatura.

Boilerplate removal is a hard problem (menus, cookie banners, related links, comments) that
trafilatura solves far better than tag stripping would, and it also reads the page's metadata
(Open Graph, JSON-LD, ``<meta>``, ``<time>``, the canonical link). ``Article.text`` is the
extracted text, so offsets index that, not the HTML source.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rashomon.errors import InputError
from rashomon.model import Article
from rashomon.readers.base import (
    ReadContext,
    Reader,
    ReadResult,
    check_text_bytes,
    decode_text,
    host_of,
    normalize_language,
    read_capped,
)
from rashomon.readers.registry import FileFormat, register
from rashomon.readers.sniff import HTML_SUFFIXES, looks_like_html

_TRAFILATURA_LOGGER = logging.getLogger("trafilatura")
#: Fewer words than this is not an article (a caption, a cookie notice, an error message).
MIN_ARTICLE_WORDS = 5

_DATE_IN_URL = r"(?:^|[/_-]){y}[/_-]?{m}[/_-]?{d}(?:[/_.-]|$)"
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)


@contextmanager
def _quiet_trafilatura() -> Iterator[None]:
    """Silence trafilatura's own ERROR lines while it runs.

    It logs every page it cannot extract; rashomon reports that itself (E005), and the library's
    line would be noise on the terminal. The level is restored afterwards so that other users of
    trafilatura in the same process keep their logging.
    """
    previous = _TRAFILATURA_LOGGER.level
    _TRAFILATURA_LOGGER.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        _TRAFILATURA_LOGGER.setLevel(previous)


def charset_of(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header, if it names a codec Python knows."""
    if not content_type:
        return None
    match = _CHARSET.search(content_type)
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1)).name
    except LookupError:
        return None


def decode_declared(content: bytes, content_type: str | None) -> bytes | str:
    """Decode with the charset the server declared; without one, leave it to trafilatura.

    trafilatura looks at ``<meta charset>`` and guesses from the bytes, which is the right thing
    for files and for servers that declare nothing; a declared charset, when there is one, is
    more reliable than either, so it wins.
    """
    charset = charset_of(content_type)
    if charset is None:
        return content
    return content.decode(charset, errors="replace")


def _page_language(tree: Any) -> str | None:
    """The language the page declares: ``<html lang>``, Content-Language or ``og:locale``.

    trafilatura only detects languages when the optional ``py3langid`` is installed, so the
    page's own declaration is read here as well.
    """
    candidates = [
        tree.get("lang"),
        tree.get("{http://www.w3.org/XML/1998/namespace}lang"),
        *tree.xpath(
            '//meta[translate(@http-equiv,"CONTENTLAGU","contentlagu")="content-language"]/@content'
        ),
        *tree.xpath('//meta[@property="og:locale"]/@content'),
    ]
    for candidate in candidates:
        language = normalize_language(candidate)
        if language:
            return language
    return None


def _link_texts(tree: Any) -> set[str]:
    """The normalised texts of the page's links, to recognise a "text" that is only a menu."""
    texts = set()
    for anchor in tree.iter("a"):
        text = " ".join(anchor.text_content().split())
        if text:
            texts.add(text.casefold())
    return texts


def _is_article_text(text: str, link_texts: set[str]) -> bool:
    """False for nothing, for a handful of words, or for lines that are all link labels.

    trafilatura's fallback extractors return *something* for almost any page; on a page with no
    article (a home page, a menu, an error page) that something is the navigation.
    """
    lines = [" ".join(line.split()).casefold() for line in text.splitlines() if line.strip()]
    if len(text.split()) < MIN_ARTICLE_WORDS:
        return False
    return not all(line in link_texts for line in lines)


def _date_source(date: str, html: bytes | str, url: str | None) -> str:
    """How the date was found: in the page's markup ("html-meta") or only in its address.

    htmldate checks the URL as well as the markup but does not say which one it used; a date
    that appears in the URL path and nowhere in the source is taken to come from the URL.
    """
    if url:
        year, month, day = date[:10].split("-")
        pattern = _DATE_IN_URL.format(y=year, m=month, d=day)
        source = html if isinstance(html, str) else html.decode("utf-8", errors="replace")
        if re.search(pattern, url) and date[:10] not in source:
            return "url-path"
    return "html-meta"


def article_from_html(
    content: bytes | str,
    *,
    id: str,
    origin: str,
    url: str | None = None,
    format: str = "html",
) -> Article:
    """Extract an article from an HTML page, or raise E005 when it holds none.

    ``url`` is the address the page was fetched from (it helps find the date and is the
    fallback when the page has no canonical link). ``origin`` names the page in errors.
    """
    import trafilatura
    from trafilatura.settings import Document
    from trafilatura.utils import load_html

    try:
        tree = load_html(content)
    except Exception as exc:  # lxml can fail on pathological input in many ways
        raise InputError("E005", path=origin) from exc
    if tree is None:
        raise InputError("E005", path=origin)
    language = _page_language(tree)
    link_texts = _link_texts(tree)
    try:
        with _quiet_trafilatura():
            document = trafilatura.bare_extraction(
                tree,
                url=url,
                with_metadata=True,
                include_comments=False,
                include_tables=True,
                # The publication date from the page's markup and address, not its last update and
                # not a date guessed from the running text.
                date_extraction_params={"original_date": True, "extensive_search": False},
            )
    except Exception as exc:
        raise InputError("E005", path=origin) from exc
    # A Document or None: a dict comes back only with ``as_dict``, which is left off.
    text = document.text if isinstance(document, Document) else None
    if not isinstance(document, Document) or not text or not _is_article_text(text, link_texts):
        raise InputError("E005", path=origin)

    title = (document.title or "").strip() or None
    canonical = document.url or url
    body_start = 0
    if title and text.startswith(title) and text[len(title) : len(title) + 1] == "\n":
        body_start = len(title) + 1
    published = document.date or None
    return Article(
        id=id,
        text=text,
        title=title,
        source=(document.sitename or "").strip() or host_of(canonical),
        url=canonical,
        published=published,
        published_from=_date_source(published, content, url) if published else None,
        language=normalize_language(document.language) or language,
        origin=origin,
        format=format,
        body_start=body_start,
        meta={
            key: value
            for key, value in (
                ("author", document.author),
                ("description", document.description),
            )
            if value
        },
    )


def read_html(path: Path, ctx: ReadContext) -> Reader:
    """Read one local HTML file (its id is the file name)."""
    data = read_capped(path, ctx.max_bytes)
    content: bytes | str = data
    if check_text_bytes(data, path) != "utf-8":
        # lxml guesses UTF-16 only from a byte order mark: decode it here (E017 if broken).
        content = decode_text(data, path)
    elif not data.strip():
        raise InputError("E001", path=path)
    yield ReadResult(str(path), article_from_html(content, id=path.name, origin=str(path)))


register(FileFormat("html", read_html, HTML_SUFFIXES, looks_like_html, order=30))
