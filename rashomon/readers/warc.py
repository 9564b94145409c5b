"""Web archives (WARC, and old ARC), read with warcio: one result per archived page.

Response (and resource) records that hold HTML become articles; other pages (images, scripts,
JSON, error pages) and revisit records are skipped with the reason, so an ingest log shows what
an archive held. Request, warcinfo and metadata records are not documents and pass silently.

Archives are streamed record by record and are routinely gigabytes, so ``max_bytes`` limits each
record's payload (E014), not the archive file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from warcio.exceptions import ArchiveLoadFailed

from rashomon.errors import InputError, RashomonError
from rashomon.readers.base import (
    SNIFF_BYTES,
    ReadContext,
    Reader,
    ReadResult,
    file_size,
    normalize_date,
    stable_id,
)
from rashomon.readers.html import article_from_html, decode_declared
from rashomon.readers.sniff import looks_like_warc
from rashomon.readers.url import HTML_TYPES, media_type

_DOCUMENT_RECORDS = ("response", "resource", "revisit")


def _warc_date(value: str | None) -> str | None:
    """WARC-Date (``2026-02-03T10:00:00Z``) as ISO 8601 with an explicit offset."""
    return normalize_date(value)


def _record_result(record: Any, path: Path, ctx: ReadContext) -> ReadResult:
    """The result for one document record: an article, a skip or a failure."""
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    origin = f"{path}#{uri or record.rec_headers.get_header('WARC-Record-ID')}"
    if record.rec_type == "revisit":
        return ReadResult.skip(origin, "a revisit record holds no page of its own")
    if record.rec_type == "response":
        if record.http_headers is None:
            return ReadResult.skip(origin, "a response record without an HTTP response")
        status = record.http_headers.get_statuscode()
        if not status.isdigit() or not 200 <= int(status) < 300:
            return ReadResult.skip(origin, f"the archived response is HTTP {status}")
        content_type = record.http_headers.get_header("Content-Type")
    else:
        content_type = record.rec_headers.get_header("Content-Type")
    if media_type(content_type) not in HTML_TYPES:
        return ReadResult.skip(
            origin, f"not an HTML page ({media_type(content_type) or 'no content type'})"
        )
    payload = record.content_stream().read(ctx.max_bytes + 1)
    if len(payload) > ctx.max_bytes:
        return ReadResult.failure(
            origin, InputError("E014", path=path, url=uri, limit=ctx.max_bytes)
        )
    try:
        article = article_from_html(
            decode_declared(payload, content_type),
            id=stable_id(uri) if uri else str(record.rec_headers.get_header("WARC-Record-ID")),
            origin=origin,
            url=uri or None,
            format="warc",
        )
    except RashomonError as exc:
        return ReadResult.failure(origin, exc)
    article.origin = str(path)
    if article.published is None:
        archived = _warc_date(record.rec_headers.get_header("WARC-Date"))
        if archived:
            article.published, article.published_from = archived, "warc-date"
    record_id = record.rec_headers.get_header("WARC-Record-ID")
    if record_id:
        article.meta["warc_record_id"] = record_id
    if uri and article.url != uri:
        article.meta["target_uri"] = uri
    return ReadResult(origin, article)


def read_warc(path: Path, ctx: ReadContext) -> Reader:
    """Stream the records of a ``.warc``/``.warc.gz`` (or ARC) file."""
    from warcio.archiveiterator import ArchiveIterator

    if file_size(path) == 0:
        raise InputError("E001", path=path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError("E008", path=path, reason=exc.strerror or type(exc).__name__) from exc
    with handle:
        # warcio reads almost anything as an (ARC) record; a real archive starts with a header.
        if not looks_like_warc(handle.read(SNIFF_BYTES)):
            raise InputError("E013", path=path, reason="it does not start with a WARC record")
        handle.seek(0)
        records = ArchiveIterator(handle, arc2warc=True)
        while True:
            try:
                record = next(records)
            except StopIteration:
                return
            except ArchiveLoadFailed as exc:
                raise InputError("E013", path=path, reason=_first_line(exc)) from exc
            except Exception as exc:  # warcio fails on truncated or corrupt data in many ways
                raise InputError("E013", path=path, reason=_first_line(exc)) from exc
            if record.rec_type not in _DOCUMENT_RECORDS:
                continue
            try:
                result = _record_result(record, path, ctx)
            except Exception as exc:  # a payload cut short or corrupt
                raise InputError("E013", path=path, reason=_first_line(exc)) from exc
            yield result


def _first_line(exc: Exception) -> str:
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else ""
    return text if isinstance(exc, (ArchiveLoadFailed, OSError)) and text else (
        f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    )
