"""Web archives (WARC, and old ARC), read with warcio: one result per archived page.

Response (and resource) records that hold HTML become articles; other pages (images, scripts,
JSON, error pages) and revisit records are skipped with the reason, so an ingest log shows what
an archive held. Request, warcinfo and metadata records are not documents and pass silently.

A record is read whole or not at all. warcio is lenient: a record cut short (a download that
stopped, a disk that filled) comes out as a shorter page, or not at all. So the records are
framed here first, and only records found complete are handed to warcio to parse: the block
must hold the ``Content-Length`` bytes its header gives, followed by the blank line (two CRLFs)
that ends every WARC record, and in a ``.warc.gz`` the gzip member must be whole. A record
that is not is a failure (E015) naming the file and the byte offset of the record (for a
``.warc.gz``, of the gzip member it starts in: what ``warcio extract`` takes); the records
before it are kept, as with a bad line in a JSONL file, and reading stops there, because after
a record of unknown length there is no telling where the next one starts.

Archives are streamed record by record and are routinely gigabytes, so ``max_bytes`` limits each
record's payload (E014), not the archive file; only the records that may be pages are held in
memory, and no more of them than the limit.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from rashomon.errors import InputError, RashomonError
from rashomon.readers.base import (
    SNIFF_BYTES,
    ReadContext,
    Reader,
    ReadResult,
    file_size,
    normalize_date,
    printable,
    stable_id,
)
from rashomon.readers.fetch import HTML_TYPES, media_type
from rashomon.readers.html import article_from_html, decode_declared
from rashomon.readers.registry import FileFormat, register
from rashomon.readers.sniff import WARC_SUFFIXES, looks_like_warc

_DOCUMENT_RECORDS = ("response", "resource", "revisit")
#: Bytes read (or inflated) at a time.
CHUNK = 1 << 16
#: A record header longer than this is not a WARC header (it is a file that is not an archive).
MAX_HEADER_BYTES = 1 << 20
#: Room for the HTTP headers in front of a payload held to ``max_bytes``.
HTTP_HEADER_ROOM = 1 << 20
_RECORD_END = b"\r\n\r\n"
_NEWLINES = b"\r\n"
_STATUS = re.compile(r"^[1-5]\d\d$")
_ARC_LENGTH = re.compile(rb"^\d+$")


class _Damaged(Exception):
    """A record that is not whole: where it starts, and what is wrong, in the user's words."""

    def __init__(self, offset: int, problem: str) -> None:
        super().__init__(problem)
        self.offset = offset
        self.problem = problem


# --- the bytes of an archive, plain or gzip-compressed ----------------------------------------


class _Source:
    """The bytes of an archive, read forwards with a little look-ahead.

    ``position`` counts (decompressed) bytes consumed; :meth:`offset` is the file offset to
    name for a record starting at the current position.
    """

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self._buffer = bytearray()
        self.position = 0

    def _more(self, *, new_member: bool = True) -> bool:
        """Append more bytes to the buffer; False at the end of the file (or, in gzip, of the
        current member when not ``new_member``)."""
        data = self._handle.read(CHUNK)
        self._buffer += data
        return bool(data)

    def offset(self) -> int:
        return self.position

    def at_end(self) -> bool:
        return not self._buffer and not self._more()

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes; fewer only at the end of the file."""
        while len(self._buffer) < size and self._more():
            pass
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        self.position += len(data)
        return data

    def skip(self, size: int) -> int:
        """Pass over up to ``size`` bytes without keeping them; how many there were."""
        skipped = 0
        while skipped < size:
            step = len(self.read(min(CHUNK, size - skipped)))
            if not step:
                break
            skipped += step
        return skipped

    def readline(self, limit: int) -> bytes:
        """One line with its end, at most ``limit`` bytes (then without its end)."""
        start = 0
        while True:
            end = self._buffer.find(b"\n", start)
            if end >= 0:
                return self.read(min(end + 1, limit))
            if len(self._buffer) >= limit:
                return self.read(limit)
            start = len(self._buffer)
            if not self._more():
                return self.read(len(self._buffer))

    def skip_newlines(self, *, new_member: bool = True) -> None:
        """Pass over the blank lines between records. With ``new_member`` False, stop at the
        end of the current gzip member: this checks that the member of the record just read is
        whole, without reading into the next one (whose damage is the next record's)."""
        while True:
            while self._buffer and self._buffer[0] in _NEWLINES:
                del self._buffer[0]
                self.position += 1
            if self._buffer or not self._more(new_member=new_member):
                return


class _GzipSource(_Source):
    """The inflated bytes of a gzip file of one or more members, each checked to be whole."""

    def __init__(self, handle: BinaryIO) -> None:
        super().__init__(handle)
        self._input = b""  # compressed bytes read but not yet inflated
        self._read = 0  # compressed bytes read from the file
        self._inflater: Any = None
        self._member = 0  # the file offset of the member being inflated
        self._starts: list[tuple[int, int]] = []  # (inflated position, member offset)
        self._produced = 0  # bytes inflated so far

    def _fill(self) -> bool:
        data = self._handle.read(CHUNK)
        self._read += len(data)
        self._input += data
        return bool(data)

    def _more(self, *, new_member: bool = True) -> bool:
        while True:
            if self._inflater is None:
                if not new_member:
                    return False
                if not self._input and not self._fill():
                    return False  # the end of the file, between two members: a clean end
                self._member = self._read - len(self._input)
                self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                self._starts.append((self._produced, self._member))
                del self._starts[:-64]  # records are looked up near where they start
            try:
                out = self._inflater.decompress(self._input, CHUNK)
            except zlib.error:
                raise _Damaged(self._member, "its gzip data is corrupt") from None
            if self._inflater.eof:
                self._input = self._inflater.unused_data
                self._inflater = None
            else:
                self._input = self._inflater.unconsumed_tail
            if out:
                self._buffer += out
                self._produced += len(out)
                return True
            if self._inflater is not None and not self._input and not self._fill():
                raise _Damaged(
                    self._member, "the file ends inside it (its gzip member is cut short)"
                )

    def offset(self) -> int:
        """The offset of the gzip member that holds the next byte."""
        if not self._buffer:
            self._more()
        found = self._member
        for start, member in self._starts:
            if start <= self.position:
                found = member
        return found


# --- records ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Frame:
    """One whole record: its header, and its block (the start of it when over ``keep``)."""

    offset: int
    rec_type: str
    head: bytes
    block: bytes
    length: int

    @property
    def held_whole(self) -> bool:
        return len(self.block) == self.length


def _header_value(head: bytes, name: bytes) -> str | None:
    for line in head.split(b"\n")[1:]:
        key, sep, value = line.partition(b":")
        if sep and key.strip().lower() == name:
            return value.strip().decode("latin-1")
    return None


def _frames(source: _Source, keep: int) -> Iterator[_Frame]:
    """Every record of the archive, each checked to be whole before it is given.

    The block of a record that may be a page is kept (its first ``keep`` bytes); the blocks of
    other records are passed over. Raises :class:`_Damaged` at the first record that is not
    whole, or that is not a record at all.
    """
    while True:
        source.skip_newlines()
        if source.at_end():
            return
        offset = source.offset()
        first = source.readline(MAX_HEADER_BYTES)
        if first.startswith(b"WARC/"):
            head, length, rec_type = _warc_header(source, first, offset)
            end = _RECORD_END
        else:
            length, rec_type = _arc_header(first, offset)
            head, end = first, b""
        block = source.read(min(length, keep)) if rec_type in _DOCUMENT_RECORDS else b""
        present = len(block) + source.skip(length - len(block))
        if present < length:
            raise _Damaged(
                offset,
                f"the file ends inside it (its Content-Length is {length} bytes, "
                f"{present} are there)",
            )
        tail = source.read(len(end))
        if tail != end:
            if end.startswith(tail):
                raise _Damaged(
                    offset, "the file ends inside it (before the blank line that ends a record)"
                )
            raise _Damaged(
                offset,
                f"it does not end where its Content-Length ({length} bytes) "
                "says: no blank line follows",
            )
        source.skip_newlines(new_member=False)  # in a .warc.gz, to the end of the member
        yield _Frame(offset, rec_type, head, block, length)


def _warc_header(source: _Source, first: bytes, offset: int) -> tuple[bytes, int, str]:
    """The header block of a WARC record (blank line included), its Content-Length and type."""
    lines = [first]
    size = len(first)
    while True:
        line = source.readline(MAX_HEADER_BYTES - size + 1)
        size += len(line)
        if size > MAX_HEADER_BYTES:
            raise _Damaged(offset, f"its header is over {MAX_HEADER_BYTES} bytes")
        if not line.endswith(b"\n"):
            raise _Damaged(offset, "the file ends inside it (in its header)")
        lines.append(line)
        if not line.strip(b"\r\n"):
            break
    head = b"".join(lines)
    declared = (_header_value(head, b"content-length") or "").strip()
    if not declared.isascii() or not declared.isdigit():
        raise _Damaged(offset, "its Content-Length is missing or not a number")
    rec_type = (_header_value(head, b"warc-type") or "").lower()
    return head, int(declared), rec_type


def _arc_header(line: bytes, offset: int) -> tuple[int, str]:
    """The length and type of an ARC record from its one-line header (URL IP date type length,
    or the ten fields of ARC version 2, the length always last)."""
    if not line.endswith(b"\n"):
        raise _Damaged(
            offset,
            "the file ends inside it (in its header)"
            if len(line) < MAX_HEADER_BYTES
            else "it does not start with a WARC header",
        )
    fields = line.split()
    if len(fields) not in (5, 10) or not _ARC_LENGTH.match(fields[-1]):
        raise _Damaged(offset, "it does not start with a WARC header")
    return int(fields[-1]), "warcinfo" if fields[0].startswith(b"filedesc:") else "response"


# --- pages ------------------------------------------------------------------------------------


def _warc_date(value: str | None) -> str | None:
    """WARC-Date (``2026-02-03T10:00:00Z``) as ISO 8601 with an explicit offset."""
    return normalize_date(value)


def _damaged(path: Path, offset: int, problem: str) -> InputError:
    return InputError("E015", path=path, offset=offset, problem=problem)


def _frame_result(frame: _Frame, path: Path, ctx: ReadContext) -> ReadResult:
    """The result for one whole document record: an article, a skip or a failure."""
    from warcio.recordloader import ArcWarcRecordLoader

    try:
        record = ArcWarcRecordLoader(arc2warc=True).parse_record_stream(
            io.BytesIO(frame.head + frame.block)
        )
    except Exception:  # warcio fails on odd headers in many ways; its words are not the user's
        return ReadResult.failure(
            str(path), _damaged(path, frame.offset, "its header could not be read")
        )
    try:
        return _record_result(record, frame, path, ctx)
    except RashomonError as exc:
        return ReadResult.failure(str(path), exc)
    except Exception:  # a payload whose chunked or gzip encoding is broken
        return ReadResult.failure(
            str(path), _damaged(path, frame.offset, "its payload could not be decoded")
        )


def _record_result(record: Any, frame: _Frame, path: Path, ctx: ReadContext) -> ReadResult:
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    # Header values come from the file: shown escaped, on one line.
    origin = printable(f"{path}#{uri or record.rec_headers.get_header('WARC-Record-ID')}")
    if record.rec_type == "revisit":
        return ReadResult.skip(origin, "a revisit record holds no page of its own")
    if record.rec_type == "response":
        if record.http_headers is None:
            return ReadResult.skip(origin, "a response record without an HTTP response")
        status = record.http_headers.get_statuscode() or ""
        if not _STATUS.match(status):
            return ReadResult.skip(origin, "the archived response has no valid HTTP status")
        if not 200 <= int(status) < 300:
            return ReadResult.skip(origin, f"the archived response is HTTP {status}")
        content_type = record.http_headers.get_header("Content-Type")
    elif record.rec_type == "resource":
        content_type = record.rec_headers.get_header("Content-Type")
    else:
        return ReadResult.skip(origin, f"a {record.rec_type} record holds no page")
    if media_type(content_type) not in HTML_TYPES:
        return ReadResult.skip(
            origin,
            f"not an HTML page ({printable(media_type(content_type)[:80]) or 'no content type'})",
        )
    payload = record.content_stream().read(ctx.max_bytes + 1)
    if len(payload) > ctx.max_bytes or not frame.held_whole:
        return ReadResult.failure(
            origin, InputError("E014", path=path, url=printable(uri), limit=ctx.max_bytes)
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
    """Stream the records of a ``.warc``/``.warc.gz`` (or ARC) file, each whole or refused."""
    if file_size(path) == 0:
        raise InputError("E001", path=path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError("E008", path=path, reason=exc.strerror or type(exc).__name__) from exc
    with handle:
        head = handle.read(SNIFF_BYTES)
        # warcio reads almost anything as an (ARC) record; a real archive starts with a header.
        if not looks_like_warc(head):
            raise InputError("E013", path=path, reason="it does not start with a WARC record")
        handle.seek(0)
        source = _GzipSource(handle) if head.startswith(b"\x1f\x8b") else _Source(handle)
        frames = _frames(source, keep=ctx.max_bytes + HTTP_HEADER_ROOM)
        while True:
            try:
                frame = next(frames)
            except StopIteration:
                return
            except _Damaged as damage:
                yield ReadResult.failure(str(path), _damaged(path, damage.offset, damage.problem))
                return
            except OSError as exc:
                reason = exc.strerror or type(exc).__name__
                raise InputError("E008", path=path, reason=reason) from exc
            if frame.rec_type in _DOCUMENT_RECORDS:
                yield _frame_result(frame, path, ctx)


# Tested first, on the bytes as they are: a .warc.gz is gzip, which no text test would read.
register(FileFormat("warc", read_warc, WARC_SUFFIXES, looks_like_warc, order=10, raw=True))
