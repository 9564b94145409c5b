"""What every reader shares: the result type, the reading context and the byte-level checks.

Readers are generators of :class:`ReadResult`. A reader raises :class:`~rashomon.errors.InputError`
when the whole input is unusable (a missing file, an unreadable feed) and *yields* a failed
result when only one item inside it is (one bad JSONL line, one feed entry whose page cannot be
fetched), so that ``rashomon ingest`` can go on while ``rashomon compare`` stops at the first
failure of either kind.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from urllib.parse import urlsplit

from rashomon.errors import InputError, RashomonError
from rashomon.model import Article

# The network layer sits below this module (ReadContext builds its fetcher); the size cap and
# the address helpers live there and are re-exported here, where the readers have always
# found them.
from rashomon.readers.fetch import (
    DEFAULT_MAX_BYTES,
    Fetcher,
    HttpFetcher,
    has_controls,
    is_http_url,
    printable,
)

#: How much of a file the format and binary sniffers look at.
SNIFF_BYTES = 8192
#: Over this share of control characters in the first 8 KB, a file is taken for binary.
CONTROL_SHARE_LIMIT = 0.05
UTF8_BOM = b"\xef\xbb\xbf"
# UTF-32 byte order marks; without this check a UTF-32 file would be called "binary" (it is full
# of NUL bytes), which is less helpful than "not UTF-8". (UTF-16 is read: see utf16_codec.)
_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
_UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
#: UTF-16 without a byte order mark is recognised by its NUL bytes: in text that is mostly in a
#: Latin script the high byte of most characters is 0, so at least this share of the bytes at
#: one parity (odd offsets for little-endian, even for big-endian) is NUL ...
UTF16_NUL_SHARE = 0.3
#: ... and at most this share of the other parity (a NUL there is a character such as U+0100).
UTF16_OTHER_NUL_SHARE = 0.02
# Control bytes that do occur in text: tab, line feed, vertical tab, form feed, carriage return
# and escape (ANSI colours in saved terminal output).
_TEXT_OK = frozenset(b"\t\n\x0b\x0c\r\x1b")


@dataclass(slots=True)
class ReadResult:
    """One outcome of reading: an article, a failure or a deliberate skip.

    Exactly one of ``article``, ``error`` and ``skipped`` is set. ``error`` is the one-line,
    coded message (``"[E006] feed.jsonl, line 3: ..."``); ``exception`` keeps the error object
    itself so that :func:`rashomon.readers.read_reports` can raise it unchanged.
    """

    origin: str
    article: Article | None = None
    error: str | None = None
    skipped: str | None = None
    exception: RashomonError | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.article is not None

    @classmethod
    def failure(cls, origin: str, exc: RashomonError) -> ReadResult:
        return cls(origin=origin, error=str(exc), exception=exc)

    @classmethod
    def skip(cls, origin: str, reason: str) -> ReadResult:
        return cls(origin=origin, skipped=reason)


class ReadContext:
    """Settings shared by the readers of one call, and the fetcher, built only when needed.

    Building the HTTP client lazily keeps reading local files free of any network setup.
    ``fetch_deadline`` is the seconds one fetch may take in all (None: the default, see
    :func:`rashomon.readers.fetch.default_fetch_deadline`); ``max_bytes`` also caps each response.
    """

    def __init__(
        self,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        allow_private: bool = False,
        fetcher: Fetcher | None = None,
        fetch_deadline: float | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.allow_private = allow_private
        self.fetch_deadline = fetch_deadline
        self._fetcher = fetcher
        self._owns_fetcher = False

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            self._fetcher = HttpFetcher(
                max_bytes=self.max_bytes,
                allow_private=self.allow_private,
                deadline=self.fetch_deadline,
            )
            self._owns_fetcher = True
        return self._fetcher

    def close(self) -> None:
        """Close the fetcher if this context built it (a caller's fetcher is the caller's)."""
        if self._owns_fetcher and self._fetcher is not None:
            close = getattr(self._fetcher, "close", None)
            if close is not None:
                close()
            self._fetcher = None
            self._owns_fetcher = False


Reader = Iterator[ReadResult]


# --- files -------------------------------------------------------------------------------------


def file_size(path: Path) -> int:
    """The size of a regular file, with the coded errors for missing or unreadable ones."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise InputError("E007", path=path) from None
    except OSError as exc:
        raise InputError("E008", path=path, reason=exc.strerror or type(exc).__name__) from exc
    if not path.is_file():
        raise InputError("E008", path=path, reason="not a regular file")
    return stat.st_size


def read_capped(path: Path, max_bytes: int) -> bytes:
    """Read a whole file, refusing (E004) before reading when it is over ``max_bytes``.

    The size is checked with ``stat`` first, and the read itself stops one byte past the limit
    so that a file growing while it is read cannot slip through either.
    """
    size = file_size(path)
    if size > max_bytes:
        raise InputError("E004", path=path, size=size, limit=max_bytes)
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError("E008", path=path, reason=exc.strerror or type(exc).__name__) from exc
    if len(data) > max_bytes:
        raise InputError("E004", path=path, size=f"more than {max_bytes}", limit=max_bytes)
    if not data:
        raise InputError("E001", path=path)
    return data


def looks_binary(sample: bytes) -> bool:
    """True when ``sample`` has NUL bytes or a high share of control characters."""
    if not sample:
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for byte in sample if byte == 127 or (byte < 32 and byte not in _TEXT_OK))
    return controls / len(sample) > CONTROL_SHARE_LIMIT


def _looks_like_text(text: str) -> bool:
    """The decoded counterpart of :func:`looks_binary`: no NUL, few control characters."""
    if not text or "\x00" in text:
        return False
    controls = sum(1 for ch in text if ch == "\x7f" or (ch < " " and ord(ch) not in _TEXT_OK))
    return controls / len(text) <= CONTROL_SHARE_LIMIT


def utf16_codec(sample: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` when ``sample`` (a file's first bytes) is UTF-16 text.

    A UTF-16 byte order mark says so. Without one, the pattern of NUL bytes decides (see
    :data:`UTF16_NUL_SHARE`), and the sample must then decode to text that is not binary (few
    undecodable units, few control characters), so that a binary file with many NUL bytes is
    not taken for text. UTF-16 text in a non-Latin script
    without a byte order mark has too few NUL bytes to be recognised, and stays "binary".
    """
    if sample.startswith(_UTF32_BOMS):
        return None
    for bom, codec in _UTF16_BOMS.items():
        if sample.startswith(bom):
            return codec
    size = len(sample) // 2 * 2
    pairs = size // 2
    if pairs < 2:
        return None
    even, odd = sample[0:size:2].count(0), sample[1:size:2].count(0)
    if odd >= pairs * UTF16_NUL_SHARE and even <= pairs * UTF16_OTHER_NUL_SHARE:
        codec = "utf-16-le"
    elif even >= pairs * UTF16_NUL_SHARE and odd <= pairs * UTF16_OTHER_NUL_SHARE:
        codec = "utf-16-be"
    else:
        return None
    # A broken unit here and there (a lone surrogate) is still UTF-16: decoding the file
    # will name its position (E017).
    text = sample[:size].decode(codec, errors="replace")
    if text.count("\ufffd") > len(text) * UTF16_OTHER_NUL_SHARE:
        return None
    return codec if _looks_like_text(text) else None


def check_text_bytes(data: bytes, path: object) -> str:
    """Refuse empty (E001), UTF-32 (E003) and binary (E002) content; return its codec.

    The codec is ``"utf-8"``, or ``"utf-16-le"``/``"utf-16-be"`` for UTF-16 (which would
    otherwise look binary for its NUL bytes); readers that cannot take UTF-16 refuse it (E016).
    """
    if not data:
        raise InputError("E001", path=path)
    if data.startswith(_UTF32_BOMS):
        raise InputError("E003", path=path, position=0)
    codec = utf16_codec(data[:SNIFF_BYTES])
    if codec is not None:
        return codec
    if looks_binary(data[:SNIFF_BYTES]):
        raise InputError("E002", path=path)
    return "utf-8"


def decode_text(data: bytes, path: object) -> str:
    """Decode strictly as UTF-8 (or UTF-16, see :func:`utf16_codec`), dropping a byte order mark.

    Offsets into the result therefore count characters *after* the BOM: a BOM is an encoding
    artefact, not text, and keeping it would put an invisible U+FEFF at offset 0 of every span.
    The byte position in E003 and E017 counts from the start of the file, BOM included.
    """
    codec = check_text_bytes(data, path)
    if codec == "utf-8":
        bom, error = UTF8_BOM, "E003"
    else:
        bom = b"\xff\xfe" if codec == "utf-16-le" else b"\xfe\xff"
        error = "E017"
    skip = len(bom) if data.startswith(bom) else 0
    try:
        text = data[skip:].decode(codec)
    except UnicodeDecodeError as exc:
        raise InputError(error, path=path, position=exc.start + skip) from None
    if not text.strip():
        raise InputError("E001", path=path)
    return text


# --- metadata helpers --------------------------------------------------------------------------


def _hostname(url: str) -> str | None:
    """The host name in ``url``, or None (also for a malformed one, such as ``http://[::1``)."""
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def stable_id(url: str) -> str:
    """A short id that stays the same for the same address: ``host-<10 hex of sha1>``.

    The host keeps ids readable in reports; the hash keeps two pages of one site apart.
    """
    host = (_hostname(url) or "url").removeprefix("www.")
    digest = hashlib.sha1(url.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{host}-{digest}"


def host_of(url: str | None) -> str | None:
    """The host name of ``url`` without a leading ``www.``, used as a last-resort source name."""
    if not url:
        return None
    host = _hostname(url)
    return host.removeprefix("www.") if host else None


_LANGUAGE = re.compile(r"^([A-Za-z]{2,3})(?:[-_].*)?$")


def normalize_language(code: str | None) -> str | None:
    """``"en-GB"``, ``"en_US"`` or ``"EN"`` become ``"en"``; anything else becomes None."""
    if not code:
        return None
    match = _LANGUAGE.match(code.strip())
    if not match:
        return None
    language = match.group(1).lower()
    return language if len(language) == 2 else None


def iso_from_datetime(value: datetime) -> str:
    """ISO 8601 with the offset kept; naive times are taken as UTC (what feeds and WARCs use)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.isoformat()


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def normalize_date(value: str | None) -> str | None:
    """An ISO 8601 date or date-time from ISO or RFC 2822 (e-mail, RSS, HTTP) input, or None.

    A bare date stays a bare date (inventing midnight would claim a precision the source does
    not have); a date-time keeps its offset, and a naive one is taken as UTC.
    """
    if not value or not value.strip():
        return None
    raw = value.strip()
    if _ISO_DATE.match(raw):
        try:
            return date.fromisoformat(raw).isoformat()
        except ValueError:
            return None
    try:
        return iso_from_datetime(datetime.fromisoformat(raw.replace("Z", "+00:00")))
    except ValueError:
        pass
    try:
        return iso_from_datetime(parsedate_to_datetime(raw))
    except (TypeError, ValueError, IndexError):
        return None


def clean_address(value: str) -> str:
    """An address as browsers take it: tabs and line breaks inside it removed (with the
    indentation around a line break: a feed's ``<link>`` is sometimes wrapped), the ends
    stripped."""
    return re.sub(r"[ \t]*[\r\n]+[ \t]*|\t", "", value).strip()


def looks_like_address(value: str) -> bool:
    """True for anything with a URL scheme (``ftp://``, ``file://``), so it gets E020."""
    return re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", value) is not None


def display_path(path: Path) -> str:
    return os.fspath(path)


__all__ = [
    "CONTROL_SHARE_LIMIT",
    "DEFAULT_MAX_BYTES",
    "SNIFF_BYTES",
    "UTF8_BOM",
    "ReadContext",
    "ReadResult",
    "Reader",
    "check_text_bytes",
    "clean_address",
    "decode_text",
    "display_path",
    "file_size",
    "has_controls",
    "host_of",
    "is_http_url",
    "iso_from_datetime",
    "looks_binary",
    "looks_like_address",
    "normalize_date",
    "normalize_language",
    "printable",
    "read_capped",
    "stable_id",
    "utf16_codec",
]
