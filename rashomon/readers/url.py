"""Reading an address: a page gives one article, a feed one result per entry.

Fetching, and why it is safe to fetch addresses a user gives (every redirect hop checked, no
private addresses, a deadline, a size cap), is :mod:`rashomon.readers.fetch`; turning a fetched
page into an article is :mod:`rashomon.readers.pages`. Both sit below the feed reader, which
needs them too, and this module re-exports their names, so ``rashomon.readers.url.HttpFetcher``
and the rest stay where they always were.
"""

from __future__ import annotations

from rashomon.errors import FetchError
from rashomon.readers.base import ReadContext, Reader, ReadResult
from rashomon.readers.feed import read_feed_content
from rashomon.readers.fetch import (
    ACCEPTED_TYPES,
    DEADLINE_ENV,
    DEFAULT_FETCH_DEADLINE,
    FEED_TYPES,
    HTML_TYPES,
    REDIRECT_STATUSES,
    USER_AGENT,
    VAGUE_TYPES,
    Deadline,
    DeadlineStream,
    FetchedPage,
    Fetcher,
    HttpFetcher,
    PinnedBackend,
    PinnedTransport,
    Resolver,
    check_address,
    check_page,
    default_fetch_deadline,
    is_forbidden_address,
    media_type,
    resolve_checked,
    system_resolver,
)
from rashomon.readers.pages import fetch_page_article, http_date, page_article, page_kind


def read_url(url: str, ctx: ReadContext) -> Reader:
    """Read one address: a page gives one article, a feed one result per entry."""
    check_address(url)
    page = ctx.fetcher.fetch(url)
    check_page(page, url, ctx.max_bytes)
    kind = page_kind(page)
    if kind == "feed":
        yield from read_feed_content(page.content, origin=url, ctx=ctx, base_url=page.url or url)
    elif kind == "html":
        yield ReadResult(url, page_article(page, url))
    else:
        raise FetchError("E028", url=url, content_type=page.content_type)


__all__ = [
    "ACCEPTED_TYPES",
    "DEADLINE_ENV",
    "DEFAULT_FETCH_DEADLINE",
    "FEED_TYPES",
    "HTML_TYPES",
    "REDIRECT_STATUSES",
    "USER_AGENT",
    "VAGUE_TYPES",
    "Deadline",
    "DeadlineStream",
    "FetchedPage",
    "Fetcher",
    "HttpFetcher",
    "PinnedBackend",
    "PinnedTransport",
    "Resolver",
    "check_address",
    "check_page",
    "default_fetch_deadline",
    "fetch_page_article",
    "http_date",
    "is_forbidden_address",
    "media_type",
    "page_article",
    "page_kind",
    "read_url",
    "resolve_checked",
    "system_resolver",
]
