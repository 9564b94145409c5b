"""A fetched page as an article: what the feed reader and the address reader share.

A feed entry with only a teaser is read from the page it links to, and an address given on the
command line may be a page: both fetch through :mod:`rashomon.readers.fetch` and extract the
article with :mod:`rashomon.readers.html`. This sits below both readers so that neither has to
import the other for it.
"""

from __future__ import annotations

from rashomon.errors import FetchError
from rashomon.model import Article
from rashomon.readers.base import ReadContext, normalize_date, stable_id
from rashomon.readers.fetch import (
    FEED_TYPES,
    HTML_TYPES,
    VAGUE_TYPES,
    FetchedPage,
    check_address,
    check_page,
)
from rashomon.readers.html import article_from_html, decode_declared
from rashomon.readers.sniff import looks_like_feed, looks_like_html


def http_date(value: str | None) -> str | None:
    """An HTTP date header (``Last-Modified``) as ISO 8601, or None."""
    return normalize_date(value)


def page_kind(page: FetchedPage) -> str:
    """ "feed", "html" or "other" from the declared type, or from the body when it is vague."""
    declared = page.content_type
    if declared in FEED_TYPES:
        return "feed"
    if declared in HTML_TYPES:
        return "html"
    if declared in VAGUE_TYPES:
        head = page.content[:4096]
        if looks_like_feed(head):
            return "feed"
        if looks_like_html(head):
            return "html"
    return "other"


def page_article(page: FetchedPage, url: str, *, format: str = "url") -> Article:
    """An Article from a fetched HTML page; its id comes from the address asked for.

    When the page carries no date, ``Last-Modified`` stands in ("http-header").
    """
    article = article_from_html(
        decode_declared(page.content, page.header("content-type")),
        id=stable_id(url),
        origin=url,
        url=page.url or url,
        format=format,
    )
    if article.published is None:
        modified = http_date(page.header("last-modified"))
        if modified:
            article.published, article.published_from = modified, "http-header"
    if page.url and page.url != url:
        article.meta["requested_url"] = url
    return article


def fetch_page_article(url: str, ctx: ReadContext, *, format: str = "url") -> Article:
    """Fetch ``url`` and read it as an HTML page (E028 if it is anything else)."""
    check_address(url)
    page = ctx.fetcher.fetch(url)
    check_page(page, url, ctx.max_bytes)
    if page_kind(page) != "html":
        raise FetchError("E028", url=url, content_type=page.content_type)
    return page_article(page, url, format=format)


__all__ = ["fetch_page_article", "http_date", "page_article", "page_kind"]
