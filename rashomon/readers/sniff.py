"""Format detection: by file name first, by looking at the first bytes when the name is no help.

The extension is trusted when it is specific (``.html``, ``.jsonl``, ``.warc.gz``) because a user
who names a file ``story.txt`` means it as text even if it happens to start with ``<``; content
sniffing only decides for names that do not say (``.xml``, ``.json``, ``.gz``, no extension).

The suffixes and content tests are defined here; which format each belongs to, and the order
the tests run in, is the format registry (:mod:`rashomon.readers.registry`), which each format
module fills in when it is imported (``rashomon.readers`` imports them all).
"""

from __future__ import annotations

import json
import re
import zlib
from pathlib import Path

from rashomon.readers.base import utf16_codec
from rashomon.readers.registry import formats

#: A registered format's name ("text", "html", "jsonl", "feed", "warc"), or "unknown".
Kind = str
#: What content no test recognises is read as.
FALLBACK_KIND = "text"
_GZIP = b"\x1f\x8b"

TEXT_SUFFIXES = (".txt", ".text", ".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")
FEED_SUFFIXES = (".rss", ".atom")
WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")

#: The files a folder is searched for. ``.json`` and ``.xml`` are left out on purpose: folders of
#: reports often hold other JSON or XML (gold annotations, sitemaps) that are not reports.
FOLDER_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES + FEED_SUFFIXES + WARC_SUFFIXES

_FEED_START = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)
_HTML_START = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|article|meta|title|p|div)[\s>/]", re.IGNORECASE
)


def suffix_kind(path: Path) -> Kind | None:
    """The kind a file's name says it is, or None when the name does not say."""
    name = path.name.lower()
    for file_format in formats():
        if file_format.suffixes and name.endswith(file_format.suffixes):
            return file_format.name
    if name.endswith(".json"):
        return "jsonl"  # one JSON object per line is the only JSON shape rashomon reads
    return None


def _strip_prolog(head: bytes) -> bytes:
    """Drop the BOM, leading white space and comments so the first real tag is at the front."""
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    while head.startswith(b"<!--"):
        end = head.find(b"-->")
        if end < 0:
            break
        head = head[end + 3 :].lstrip()
    return head


def looks_like_feed(head: bytes) -> bool:
    """An RSS, RDF or Atom root element near the start (after an XML declaration, if any)."""
    return _FEED_START.search(_strip_prolog(head)[:2048]) is not None


def looks_like_html(head: bytes) -> bool:
    """An HTML document or fragment: starts with a tag that only HTML starts with."""
    start = _strip_prolog(head)
    if start.lower().startswith(b"<?xml"):
        start = _strip_prolog(start[start.find(b"?>") + 2 :]) if b"?>" in start else start
    return _HTML_START.match(start) is not None


def looks_like_warc(head: bytes) -> bool:
    """A WARC or ARC record header, plain or gzip-compressed (as ``.warc.gz`` members are)."""
    if head.startswith(_GZIP):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
        except zlib.error:
            return False
    return head.startswith((b"WARC/", b"filedesc://"))


def looks_like_jsonl(head: bytes) -> bool:
    """The first non-blank line is a JSON object."""
    for line in head.removeprefix(b"\xef\xbb\xbf").splitlines():
        if line.strip():
            try:
                return isinstance(json.loads(line), dict)
            except ValueError:
                return False
    return False


def as_utf8_head(head: bytes) -> bytes:
    """The first bytes of a UTF-16 file re-encoded as UTF-8, so that the patterns match them."""
    codec = utf16_codec(head)
    if codec is None:
        return head
    return head[: len(head) // 2 * 2].decode(codec, errors="replace").lstrip("\ufeff").encode()


def sniff(head: bytes) -> Kind:
    """The kind of content from its first bytes; "text" when nothing more specific matches.

    Binary formats (``raw``) are tested first on the bytes as they are; another gzip file is
    "unknown"; the other tests then see the bytes with UTF-16 re-encoded as UTF-8.
    """
    tests = [(f.name, f.raw, f.sniff) for f in formats() if f.sniff is not None]
    for name, raw, test in tests:
        if raw and test(head):
            return name
    if head.startswith(_GZIP):
        return "unknown"  # some other gzip file
    head = as_utf8_head(head)
    for name, raw, test in tests:
        if not raw and test(head):
            return name
    return FALLBACK_KIND


def detect(path: Path, head: bytes) -> Kind:
    """The kind of a file from its name and, where the name is ambiguous, its first bytes.

    ``.xml`` is read as a feed only when it holds one; ``.gz`` only when it holds a WARC.
    """
    kind = suffix_kind(path)
    if kind is not None:
        return kind
    sniffed = sniff(head)
    if path.name.lower().endswith(".xml") and sniffed not in ("feed", "html"):
        return "unknown"
    return sniffed


__all__ = [
    "FALLBACK_KIND",
    "FEED_SUFFIXES",
    "FOLDER_SUFFIXES",
    "HTML_SUFFIXES",
    "JSONL_SUFFIXES",
    "TEXT_SUFFIXES",
    "WARC_SUFFIXES",
    "Kind",
    "as_utf8_head",
    "detect",
    "looks_like_feed",
    "looks_like_html",
    "looks_like_jsonl",
    "looks_like_warc",
    "sniff",
    "suffix_kind",
]
