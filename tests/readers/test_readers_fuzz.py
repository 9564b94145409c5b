"""Property-based fuzzing of every reader: whatever the bytes, a reader gives articles, skips and
rashomon's own coded errors, and nothing else: no other exception, no traceback, no library's
message passed on as if it were rashomon's.

A normal run tries a few hundred inputs, derandomized so that it is the same every time (about
15 s). ``pytest tests/readers/test_readers_fuzz.py --fuzz-long`` tries 100,000 random ones
(see :data:`LONG`); the figure of the last long run is in docs/corpus.md. No input ever reaches
the network: the fetcher here checks addresses as usual, then refuses to connect (E022).
"""

from __future__ import annotations

import gzip
import io
import json
import re
import shutil
import zlib
from itertools import count
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rashomon.errors import Errors, RashomonError
from rashomon.readers.base import ReadContext, ReadResult
from rashomon.readers.dispatch import read_input
from rashomon.readers.sniff import (
    detect,
    looks_like_feed,
    looks_like_html,
    looks_like_jsonl,
    looks_like_warc,
    sniff,
)
from rashomon.readers.url import FetchedPage, HttpFetcher, read_url

#: Examples per reader in a normal run, and in a ``--fuzz-long`` run (100,000 in all).
QUICK = {
    "sniff": 150,
    "text": 80,
    "jsonl": 80,
    "html": 40,
    "feed": 50,
    "warc": 80,
    "folder": 25,
    "url": 40,
    "unsniffed": 40,
}
LONG = {
    "sniff": 15_000,
    "text": 13_000,
    "jsonl": 13_000,
    "html": 10_000,
    "feed": 10_000,
    "warc": 15_000,
    "folder": 8_000,
    "url": 8_000,
    "unsniffed": 8_000,
}
assert sum(LONG.values()) == 100_000
#: Small, so that the size limits are reached too.
MAX_BYTES = 3000
CODES = frozenset(name for name in vars(Errors) if re.fullmatch(r"E\d{3}", name))
#: What a library's own words look like: an exception's name, a traceback, a parser's position.
INTERNAL = re.compile(r"Traceback|\b[A-Z]\w*(?:Error|Exception)\b|<unknown>|File \"")
KINDS = {"text", "html", "jsonl", "feed", "warc", "unknown"}


class Fuzz:
    """The hypothesis settings of each reader's fuzz test, quick or long, and a count of the
    inputs each one ran (printed at the end of the run)."""

    def __init__(self, long: bool, counts: dict[str, int]) -> None:
        self.long = long
        self.counts = counts

    def settings(self, name: str) -> settings:
        return settings(
            max_examples=(LONG if self.long else QUICK)[name],
            derandomize=not self.long,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            print_blob=True,
        )

    def counted(self, name: str) -> None:
        self.counts[name] = self.counts.get(name, 0) + 1


@pytest.fixture
def fuzz(request: pytest.FixtureRequest, fuzz_counts: dict[str, int]) -> Fuzz:
    return Fuzz(bool(request.config.getoption("--fuzz-long", default=False)), fuzz_counts)


def _no_network(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("no network while fuzzing", request=request)


#: The real fetcher, so that the addresses found in fuzzed feeds and lists go through its
#: checks, but with every host resolving to a public address and every connection refused:
#: nothing is ever sent anywhere.
OFFLINE = HttpFetcher(
    transport=httpx.MockTransport(_no_network), resolver=lambda host, port: ["93.184.216.34"]
)


def check_error(exc: BaseException) -> None:
    """A coded rashomon error, one line, in rashomon's own words."""
    assert isinstance(exc, RashomonError), repr(exc)
    assert exc.code in CODES
    message = str(exc)
    assert message.startswith(f"[{exc.code}] ")
    assert "\n" not in message and "\r" not in message, message
    assert not INTERNAL.search(message), message


def read(item: Path | str, ctx: ReadContext | None = None) -> list[ReadResult]:
    """Everything the readers make of ``item``, each result checked. Calls the readers
    directly, not through ``iter_reports``, which would turn any exception into E008."""
    ctx = ctx or ReadContext(max_bytes=MAX_BYTES, fetcher=OFFLINE)
    results: list[ReadResult] = []
    try:
        results.extend(read_input(item, ctx))
    except RashomonError as exc:
        check_error(exc)
    for result in results:
        assert isinstance(result, ReadResult)
        assert [
            result.article is not None,
            result.error is not None,
            result.skipped is not None,
        ].count(True) == 1, result
        if result.error is not None:
            check_error(result.exception)
            assert result.error == str(result.exception)
        if result.skipped is not None:
            assert "\n" not in result.skipped and not INTERNAL.search(result.skipped)
        if result.article is not None:
            assert isinstance(result.article.text, str) and result.article.text.strip()
    return results


# --- inputs -------------------------------------------------------------------------------------

#: Mostly words, now and then something awkward (markup, a NUL, an escape, a surrogate).
words = st.one_of(
    *[
        st.sampled_from(
            "storm coast power the a of villages floods Monday said police 40,000 € — café "
            "Reuters 2026-02-04 Petro Trump met in Washington on Tuesday".split(" ")
        )
    ]
    * 12,
    st.sampled_from("<p> </p> & &amp; ]]> \t \r\n \n \x1b \ufeff \ud7ff \u00a0 東京 😀".split(" ")),
)
prose = st.lists(words, max_size=80).map(" ".join)
#: Enough words for an article, most of the time.
long_prose = st.lists(words, min_size=30, max_size=160).map(" ".join)
some_text = st.one_of(prose, prose, st.text(max_size=200))


def encoded(texts: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    """Text in the encodings users have: UTF-8 (with or without BOM), UTF-16, Latin-1."""

    def encode(text: str, encoding: str) -> bytes:
        if encoding == "utf-8-sig":
            return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
        return text.encode(encoding, "replace" if encoding == "latin-1" else "surrogatepass")

    return st.builds(
        encode,
        texts,
        st.sampled_from(
            ["utf-8"] * 6 + ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "latin-1"]
        ),
    )


def damage(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` as it is (half the time), or cut, flipped, or with bytes put in or taken out."""
    raw = bytearray(data)
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2, 3]))):
        action = draw(st.sampled_from(["cut", "flip", "insert", "delete"]))
        at = len(raw) * draw(st.integers(0, 1000)) // 1000  # the same draws for any length
        if action == "cut":
            del raw[at:]
        elif action == "flip" and at < len(raw):
            raw[at] = draw(st.integers(0, 255))
        elif action == "insert":
            raw[at:at] = draw(st.binary(max_size=8))
        elif action == "delete":
            del raw[at : at + draw(st.integers(1, 16))]
    return bytes(raw)


def mutated(data: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
    """Well-formed bytes, sometimes damaged (see :func:`damage`)."""

    @st.composite
    def mutate(draw: st.DrawFn) -> bytes:
        return damage(draw, draw(data))

    return mutate()


def tag_soup(tags: list[str]) -> st.SearchStrategy[str]:
    """Markup from these tags and words: well nested or not, attributes or not."""
    piece = st.one_of(
        prose,
        st.sampled_from(tags).map(lambda t: f"<{t}>"),
        st.sampled_from(tags).map(lambda t: f"</{t}>"),
        st.sampled_from(tags).map(lambda t: f'<{t} lang="en" charset="utf-16" href="x">'),
        st.sampled_from(
            [
                "<!--",
                "-->",
                "<![CDATA[",
                "]]>",
                "<?xml version='1.0'?>",
                '<?xml version="1.0" encoding="UTF-16"?>',
                "&",
                "&#0;",
                "&#xD800;",
            ]
        ),
    )
    return st.lists(piece, max_size=40).map("".join)


HTML_TAGS = [
    "html",
    "head",
    "body",
    "title",
    "article",
    "p",
    "h1",
    "div",
    "a",
    "meta",
    "time",
    "script",
    "style",
    "table",
    "td",
    "br",
    "main",
    "nav",
]
html_pages = st.one_of(
    st.builds(
        lambda title, body: (
            f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{body}</p><p>{body}</p></article></body></html>"
        ),
        prose,
        long_prose,
    ),
    tag_soup(HTML_TAGS),
)
html_bytes = st.one_of(*[mutated(encoded(html_pages))] * 3, st.binary(max_size=400))

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), some_text),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
json_records = st.fixed_dictionaries(
    {"text": st.one_of(long_prose, prose, json_values)},
    optional={
        name: st.one_of(some_text, some_text, json_values)
        for name in ("id", "title", "source", "published", "url", "language", "extra")
    },
)
jsonl_lines = st.lists(
    st.one_of(*[json_records.map(json.dumps)] * 3, json_values.map(json.dumps), some_text),
    max_size=8,
)
jsonl_bytes = st.one_of(
    mutated(
        encoded(
            st.builds(
                lambda lines, end: end.join(lines), jsonl_lines, st.sampled_from(["\n", "\r\n"])
            )
        )
    ),
    st.binary(max_size=300),
)

links = st.one_of(
    st.none(),
    st.none(),
    st.sampled_from(
        [
            "https://news.example/story",
            "urn:uuid:1",
            "javascript:alert(1)",
            "",
            "http://[::1",
            "http://127.0.0.1:99999/",
            "https://exa mple.example/",
            "https://news.example/" + "a" * 300,
        ]
    ),
    some_text,
)


def rss_item(title: str, link: str | None, text: str, content: bool, escape: bool) -> str:
    link_element = "" if link is None else f"<link>{xml_escape(link)}</link>"
    body = (
        f"<content:encoded><![CDATA[{text}]]></content:encoded>"
        if content
        else (f"<description>{xml_escape(text) if escape else text}</description>")
    )
    return f"<item><title>{title}</title>{link_element}<guid>{title}</guid>{body}</item>"


def atom_entry(title: str, link: str | None, text: str, content: bool, escape: bool) -> str:
    link_element = "" if link is None else f'<link href="{xml_escape(link, {chr(34): "&quot;"})}"/>'
    kind = "html" if content else "text"
    return (
        f"<entry><title>{title}</title>{link_element}<id>{title}</id>"
        f'<updated>2026-02-04T07:30:00Z</updated><content type="{kind}">'
        f"{xml_escape(text) if escape else text}</content></entry>"
    )


#: Entries with a title, maybe a link, a text (often long enough to be an article), whether it
#: is full content, and whether the text is escaped as XML wants (usually).
entries = st.lists(
    st.tuples(
        prose.map(xml_escape),
        links,
        st.one_of(prose, long_prose, long_prose, tag_soup(["p", "b", "a"])),
        st.booleans(),
        st.sampled_from([True, True, True, False]),
    ),
    max_size=4,
)
feeds = st.one_of(
    entries.map(
        lambda items: (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title>'
            "<language>en</language>" + "".join(rss_item(*i) for i in items) + "</channel></rss>"
        )
    ),
    entries.map(
        lambda items: (
            '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr"><title>T</title>'
            + "".join(atom_entry(*i) for i in items)
            + "</feed>"
        )
    ),
    tag_soup(
        [
            "rss",
            "channel",
            "item",
            "title",
            "link",
            "description",
            "feed",
            "entry",
            "content",
            "rdf:RDF",
        ]
    ),
)
feed_bytes = st.one_of(*[mutated(encoded(feeds))] * 3, st.binary(max_size=300))

RECORD_TYPES = ["response", "response", "resource", "request", "revisit", "metadata", "warcinfo"]
CONTENT_TYPES = [
    "text/html",
    "text/html",
    "text/html; charset=utf-8",
    "text/html; charset=utf-8",
    "text/html; charset=nonsense",
    "application/xhtml+xml",
    "image/png",
    "",
    "text/plain",
]
STATUSES = ["200 OK"] * 4 + ["404 Not Found", "301 Moved", "abc", "999 What", ""]


@st.composite
def warc_files(draw: st.DrawFn) -> bytes:
    """A WARC written by warcio (plain or gzip, one member per record or one for all), then
    maybe damaged."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    packed = draw(st.sampled_from(["plain", "members", "single"]))
    writer = WARCWriter(buffer, gzip=packed == "members")
    for n in range(draw(st.integers(1, 4))):
        rec_type = draw(st.sampled_from(RECORD_TYPES))
        uri = draw(st.sampled_from(["https://news.example/a", "https://news.example/b", ""]))
        payload = draw(
            st.one_of(
                html_pages.map(str.encode),
                html_pages.map(str.encode),
                html_bytes,
                st.binary(max_size=200),
            )
        )
        headers = [("Content-Type", draw(st.sampled_from(CONTENT_TYPES)))]
        if draw(st.booleans()):
            headers.append(
                draw(
                    st.sampled_from(
                        [("Transfer-Encoding", "chunked"), ("Content-Encoding", "gzip")]
                    )
                )
            )
        http_headers = None
        if rec_type in ("response", "revisit") and draw(st.integers(0, 3)):
            http_headers = StatusAndHeaders(
                draw(st.sampled_from(STATUSES)), headers, protocol="HTTP/1.1"
            )
        try:
            record = writer.create_warc_record(
                uri,
                rec_type,
                payload=io.BytesIO(payload),
                http_headers=http_headers,
                warc_content_type=headers[0][1] or None,
                # Fixed, so that the same draws give the same bytes.
                warc_headers_dict={
                    "WARC-Record-ID": f"<urn:uuid:{n:08d}-0000-0000-0000-0000>",
                    "WARC-Date": "2026-02-03T12:00:00Z",
                },
            )
            writer.write_record(record)
        except Exception:  # a combination warcio will not write: leave the record out
            continue
    data = buffer.getvalue()
    if packed == "single":
        data = gzip.compress(data, mtime=0)
    return damage(draw, data)


warc_bytes = st.one_of(
    *[warc_files()] * 4,
    st.builds(lambda tail: b"WARC/1.0\r\n" + tail, st.binary(max_size=300)),
    st.builds(
        lambda tail: zlib.compress(b"WARC/1.1\r\n" + tail, wbits=31) if tail else tail,
        st.binary(max_size=200),
    ),
    st.builds(
        lambda tail: b"filedesc://x.arc 0.0.0.0 20260203 text/plain 5\n" + tail,
        st.binary(max_size=200),
    ),
)
text_bytes = st.one_of(
    mutated(encoded(some_text)),
    st.binary(max_size=400),
    st.lists(
        st.sampled_from(
            [
                "https://news.example/a",
                "http://x",
                "ftp://x/",
                "# feeds",
                "",
                "https://news.example/feed.rss",
            ]
        ),
        min_size=1,
        max_size=5,
    ).map(lambda lines: "\n".join(lines).encode()),
)
any_bytes = st.one_of(text_bytes, html_bytes, jsonl_bytes, feed_bytes, warc_bytes)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# --- the tests ----------------------------------------------------------------------------------


def test_fuzz_sniffer(fuzz: Fuzz) -> None:
    names = st.sampled_from(
        [
            "a.txt",
            "a.html",
            "a.jsonl",
            "a.json",
            "a.rss",
            "a.atom",
            "a.xml",
            "a.warc",
            "a.warc.gz",
            "a.arc.gz",
            "a.gz",
            "a",
            "A.HTM",
        ]
    )

    @fuzz.settings("sniff")
    @given(any_bytes, names)
    def run(head: bytes, name: str) -> None:
        fuzz.counted("sniff")
        assert sniff(head) in KINDS
        assert detect(Path(name), head) in KINDS
        for looks in (looks_like_feed, looks_like_html, looks_like_jsonl, looks_like_warc):
            assert isinstance(looks(head), bool)

    run()


@pytest.mark.parametrize(
    ("name", "suffix", "data"),
    [
        ("text", ".txt", text_bytes),
        ("jsonl", ".jsonl", jsonl_bytes),
        ("html", ".html", html_bytes),
        ("feed", ".rss", feed_bytes),
        ("warc", ".warc", warc_bytes),
        ("unsniffed", "", any_bytes),
    ],
    ids=["text", "jsonl", "html", "feed", "warc", "unsniffed"],
)
def test_fuzz_file_reader(
    tmp_path: Path,
    fuzz: Fuzz,
    name: str,
    suffix: str,
    data: st.SearchStrategy[bytes],
) -> None:
    path = tmp_path / f"report{suffix}"

    @fuzz.settings(name)
    @given(data)
    def run(content: bytes) -> None:
        fuzz.counted(name)
        read(write(path, content))
        if name == "warc":  # the same bytes under the other name (gzip or not is sniffed)
            read(write(tmp_path / "report.warc.gz", content))

    run()


FOLDER_NAMES = [
    "a.txt",
    "b.md",
    "c.html",
    "d.jsonl",
    "e.rss",
    "f.atom",
    "g.warc",
    "h.warc.gz",
    ".hidden.txt",
    "notes.json",
    "photo.png",
    "sub/i.txt",
    "sub/deeper/j.html",
    ".git/k.txt",
    "sub/l.ndjson",
]


@st.composite
def folder_trees(draw: st.DrawFn) -> list[tuple[str, bytes | str]]:
    """Files (name, bytes) and symbolic links (name, "->target") for one folder."""
    entries: list[tuple[str, bytes | str]] = []
    for name in draw(st.lists(st.sampled_from(FOLDER_NAMES), max_size=5, unique=True)):
        if draw(st.integers(0, 5)) == 0:
            entries.append(
                (
                    name,
                    "->"
                    + draw(
                        st.sampled_from(
                            ["/etc/passwd", "../outside.txt", "a.txt", "sub", "missing.txt", name]
                        )
                    ),
                )
            )
        else:
            entries.append((name, draw(any_bytes)))
    return entries


def test_fuzz_folder_reader(tmp_path: Path, fuzz: Fuzz) -> None:
    (tmp_path / "outside.txt").write_text("Outside the folder: never read.", encoding="utf-8")
    serial = count()

    @fuzz.settings("folder")
    @given(folder_trees())
    def run(tree: list[tuple[str, bytes | str]]) -> None:
        fuzz.counted("folder")
        root = tmp_path / f"tree{next(serial)}"
        root.mkdir()
        try:
            for name, content in tree:
                path = root / name
                path.parent.mkdir(parents=True, exist_ok=True)
                if isinstance(content, str):
                    path.symlink_to(content[2:])
                else:
                    path.write_bytes(content)
            for result in read(root):
                assert result.article is None or "Outside the folder" not in result.article.text
        finally:
            shutil.rmtree(root)

    run()


class Pages:
    """A fetcher that answers the first fetch with the page drawn, and the rest offline."""

    def __init__(self, page: FetchedPage) -> None:
        self.page: FetchedPage | None = page

    def fetch(self, url: str) -> FetchedPage:
        page, self.page = self.page, None
        return OFFLINE.fetch(url) if page is None else page


def test_fuzz_fetched_content(fuzz: Fuzz) -> None:
    types = st.sampled_from(
        [
            "text/html",
            "text/html; charset=latin-1",
            "application/rss+xml",
            "application/atom+xml",
            "application/xml",
            "text/plain",
            "",
            "image/png",
            "text/html; charset=x-unknown",
        ]
    )
    pages = st.builds(
        lambda status, kind, content, modified: FetchedPage(
            "https://news.example/page",
            status,
            {"Content-Type": kind, **({"Last-Modified": modified} if modified else {})},
            content,
        ),
        st.sampled_from([200, 200, 203, 404, 500]),
        types,
        st.one_of(html_bytes, feed_bytes, st.binary(max_size=200)),
        st.one_of(st.none(), st.sampled_from(["Wed, 04 Feb 2026 08:00:00 GMT", "yesterday"])),
    )

    @fuzz.settings("url")
    @given(pages)
    def run(page: FetchedPage) -> None:
        fuzz.counted("url")
        ctx = ReadContext(max_bytes=MAX_BYTES, fetcher=Pages(page))
        read("https://news.example/page", ctx)
        results: list[Any] = []
        try:
            results.extend(
                read_url(
                    "https://news.example/page",
                    ReadContext(max_bytes=MAX_BYTES, fetcher=Pages(page)),
                )
            )
        except RashomonError as exc:
            check_error(exc)

    run()
