"""WARC archives built in the test with warcio: HTML pages become articles, the rest is skipped,
and a record cut short or damaged is refused whole (E015), never read as a shorter page."""

from __future__ import annotations

import gzip as gzip_module
import re
from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from rashomon.errors import InputError
from rashomon.readers import iter_reports, read_reports

STORY = "https://www.dailyledger.example/world/2026/02/03/petro-trump-meeting"
UNDATED = "https://news.example/floods"
UNDATED_HTML = (
    "<html><head><title>Floods</title></head><body><article><h1>Floods cut off villages</h1><p>"
    + "Rescue teams reached the villages cut off by the floods on Monday. " * 5
    + "</p></article></body></html>"
).encode()


def response(
    writer: WARCWriter,
    uri: str,
    body: bytes,
    content_type: str,
    status: str = "200 OK",
    date: str = "2026-02-03T12:00:00Z",
):
    http_headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    return writer.create_warc_record(
        uri,
        "response",
        payload=BytesIO(body),
        http_headers=http_headers,
        warc_headers_dict={"WARC-Date": date},
    )


def build_warc(path: Path, records: list[tuple[str, bytes, str, str]], *, gzip: bool) -> Path:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for uri, body, content_type, status in records:
            request_headers = StatusAndHeaders(
                "GET / HTTP/1.1", [("Host", "x")], is_http_request=True
            )
            request = writer.create_warc_record(
                uri, "request", payload=BytesIO(b""), http_headers=request_headers
            )
            writer.write_record(request)
            writer.write_record(response(writer, uri, body, content_type, status))
    return path


@pytest.fixture
def mixed_records(article_html: bytes) -> list[tuple[str, bytes, str, str]]:
    return [
        (STORY, article_html, "text/html; charset=utf-8", "200 OK"),
        (
            "https://www.dailyledger.example/logo.png",
            b"\x89PNG\r\n\x1a\n\x00\x00",
            "image/png",
            "200 OK",
        ),
        (
            "https://www.dailyledger.example/gone",
            b"<html><p>Not found</p></html>",
            "text/html",
            "404 Not Found",
        ),
        (UNDATED, UNDATED_HTML, "text/html", "200 OK"),
    ]


@pytest.mark.parametrize("gzip", [True, False], ids=["warc.gz", "warc"])
def test_warc_pages_become_articles_and_the_rest_is_skipped(
    tmp_path: Path, mixed_records: list[tuple[str, bytes, str, str]], gzip: bool
) -> None:
    path = build_warc(
        tmp_path / ("crawl.warc.gz" if gzip else "crawl.warc"), mixed_records, gzip=gzip
    )
    results = list(iter_reports([path]))
    assert [r.origin for r in results] == [f"{path}#{uri}" for uri, *_ in mixed_records]
    story, logo, gone, undated = results
    assert story.article is not None
    assert story.article.format == "warc"
    assert story.article.url == STORY
    assert story.article.source == "The Daily Ledger"
    assert (story.article.published, story.article.published_from) == ("2026-02-03", "html-meta")
    assert story.article.origin == str(path)
    assert story.article.meta["warc_record_id"].startswith("<urn:uuid:")
    assert "Colombian President Gustavo Petro met" in story.article.text
    assert logo.article is None and logo.skipped == "not an HTML page (image/png)"
    assert gone.article is None and gone.skipped == "the archived response is HTTP 404"
    assert undated.article is not None
    assert undated.article.published == "2026-02-03T12:00:00+00:00"
    assert undated.article.published_from == "warc-date"
    # read_reports keeps the articles and drops the skips.
    assert [a.url for a in read_reports([path])] == [STORY, UNDATED]


def test_warc_without_html_is_e009(tmp_path: Path) -> None:
    path = build_warc(
        tmp_path / "images.warc.gz",
        [("https://x.example/a.png", b"\x89PNG", "image/png", "200 OK")],
        gzip=True,
    )
    (result,) = iter_reports([path])
    assert result.skipped == "not an HTML page (image/png)"
    with pytest.raises(InputError) as excinfo:
        read_reports([path])
    assert str(excinfo.value) == f"[E009] {path}: the file holds no article"


def test_broken_warc_is_e013(tmp_path: Path) -> None:
    path = tmp_path / "broken.warc"
    path.write_bytes(b"This is not a web archive at all.\r\n\r\n")
    with pytest.raises(InputError) as excinfo:
        read_reports([path])
    assert excinfo.value.code == "E013"
    assert str(excinfo.value).startswith(f"[E013] {path}: not a readable WARC file (")


def test_warc_record_over_max_bytes_is_e014(
    tmp_path: Path, mixed_records: list[tuple[str, bytes, str, str]]
) -> None:
    path = build_warc(tmp_path / "crawl.warc.gz", mixed_records, gzip=True)
    results = list(iter_reports([path], max_bytes=1000))
    assert results[0].error == (
        f"[E014] {path}: the WARC record for {STORY} is over the limit of 1000 bytes (--max-bytes)"
    )
    assert results[1].skipped  # small non-HTML records are still just skipped


def test_warc_is_sniffed_without_extension(
    tmp_path: Path, mixed_records: list[tuple[str, bytes, str, str]]
) -> None:
    path = build_warc(tmp_path / "crawl.warc.gz", mixed_records, gzip=True)
    renamed = path.rename(tmp_path / "crawl-data")
    assert [a.format for a in read_reports([renamed])] == ["warc", "warc"]


def test_empty_warc_is_e001(tmp_path: Path) -> None:
    path = tmp_path / "empty.warc.gz"
    path.write_bytes(b"")
    with pytest.raises(InputError) as excinfo:
        read_reports([path])
    assert excinfo.value.code == "E001"


def test_truncated_warc_gives_what_it_has_then_e015(tmp_path: Path, article_html: bytes) -> None:
    path = build_warc(
        tmp_path / "cut.warc.gz",
        [
            (STORY, article_html, "text/html", "200 OK"),
            (UNDATED, UNDATED_HTML, "text/html", "200 OK"),
        ],
        gzip=True,
    )
    path.write_bytes(path.read_bytes()[:-300])
    first, second = iter_reports([path])
    assert first.article is not None and first.article.url == STORY
    assert second.origin == str(path)
    assert second.error is not None and second.error.startswith(
        f"[E015] {path}: the WARC record at byte "
    )


# --- records are whole or refused ---------------------------------------------------------------

END = "The last sentence of story {n} is here."


def story_html(n: int) -> bytes:
    """An article page whose text ends with a marker, to tell a whole page from a cut one."""
    body = f"Rescue teams reached the villages cut off by the floods, report {n} says. " * 6
    return (
        f"<html><head><title>Story {n}</title></head><body><article><h1>Story {n}</h1>"
        f"<p>{body}</p><p>{END.format(n=n)}</p></article></body></html>"
    ).encode()


def build_stories(path: Path, count: int, *, gzip: bool) -> list[int]:
    """A WARC of ``count`` HTML response records; returns the byte offset of each record."""
    offsets = []
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for n in range(count):
            offsets.append(handle.tell())
            writer.write_record(
                response(writer, f"https://news.example/story/{n}", story_html(n), "text/html")
            )
    return offsets


#: Every problem E015 may name: a user gets these words, never an exception's.
E015_PROBLEMS = (
    r"the file ends inside it \((in its header|its Content-Length is \d+ bytes, \d+ are there"
    r"|before the blank line that ends a record|its gzip member is cut short)\)"
    r"|its gzip data is corrupt|its Content-Length is missing or not a number"
    r"|it does not end where its Content-Length \(\d+ bytes\) says: no blank line follows"
    r"|it does not start with a WARC header|its header is over \d+ bytes"
    r"|its header could not be read|its payload could not be decoded"
)


@pytest.mark.parametrize("gzip", [False, True], ids=["warc", "warc.gz"])
def test_every_cut_in_the_last_record_is_whole_or_e015(tmp_path: Path, gzip: bool) -> None:
    whole = tmp_path / ("whole.warc.gz" if gzip else "whole.warc")
    offsets = build_stories(whole, 3, gzip=gzip)
    data = whole.read_bytes()
    last, size = offsets[-1], len(data) - offsets[-1]
    cuts = sorted({last + 1 + (size - 1) * i // 100 for i in range(100)})
    assert len(cuts) == 100 and cuts[-1] < len(data)
    expected_error = re.compile(
        rf"\[E015\] {re.escape(str(tmp_path / 'cut'))}\.warc(\.gz)?: the WARC record at byte "
        rf"{last} cannot be read: ({E015_PROBLEMS})"
    )
    outcomes = {"whole": 0, "E015": 0}
    for cut in cuts:
        path = tmp_path / ("cut.warc.gz" if gzip else "cut.warc")
        path.write_bytes(data[:cut])
        results = list(iter_reports([path]))
        # The records before the cut one are kept, whole.
        earlier = [r.article for r in results[:2]]
        assert [a.url if a else None for a in earlier] == [
            "https://news.example/story/0",
            "https://news.example/story/1",
        ], cut
        assert all(END.format(n=n) in a.text for n, a in enumerate(earlier) if a)
        # The cut record: the whole page, or E015 naming the file and the record's offset.
        assert len(results) == 3, (cut, results)  # never dropped without a word
        result = results[2]
        if result.article is not None:
            assert END.format(n=2) in result.article.text, cut  # never a partial page
            outcomes["whole"] += 1
            continue
        assert result.error is not None, (cut, result)
        assert expected_error.fullmatch(result.error), (cut, result.error)
        outcomes["E015"] += 1
        with pytest.raises(InputError) as excinfo:
            read_reports([path])
        assert str(excinfo.value) == result.error
    # A record with any byte missing (even of its end, or of the gzip trailer) is incomplete.
    assert outcomes == {"whole": 0, "E015": 100}
    # And the whole file reads whole.
    assert [a.url for a in read_reports([whole])] == [
        f"https://news.example/story/{n}" for n in range(3)
    ]


def test_content_length_too_short_is_e015_and_stops(tmp_path: Path) -> None:
    path = build_stories(tmp_path / "lying.warc", 3, gzip=False) and tmp_path / "lying.warc"
    data = path.read_bytes()
    offsets = [m.start() for m in re.finditer(rb"WARC/1\.[01]\r\n", data)]
    second = offsets[2]  # warcinfo, story 0, story 1, story 2
    header_end = data.index(b"\r\n\r\n", second)
    header = data[second:header_end]
    length = int(re.search(rb"Content-Length: (\d+)", header).group(1))
    lying = header.replace(b"Content-Length: %d" % length, b"Content-Length: %d" % (length - 10))
    path.write_bytes(data[:second] + lying + data[header_end:])
    results = list(iter_reports([path]))
    assert [r.article is not None for r in results] == [True, False]
    assert results[1].error == (
        f"[E015] {path}: the WARC record at byte {second} cannot be read: it does not end where "
        f"its Content-Length ({length - 10} bytes) says: no blank line follows"
    )


def test_missing_content_length_and_garbage_after_records_are_e015(tmp_path: Path) -> None:
    path = tmp_path / "stories.warc"
    build_stories(path, 1, gzip=False)
    good = path.read_bytes()
    path.write_bytes(good + b"WARC/1.0\r\nWARC-Type: response\r\n\r\nabc\r\n\r\n")
    *_, bad = iter_reports([path])
    assert bad.error == (
        f"[E015] {path}: the WARC record at byte {len(good)} cannot be read: its Content-Length "
        "is missing or not a number"
    )
    path.write_bytes(good + b"<html>not a record</html>\n")
    first, bad = iter_reports([path])
    assert first.article is not None
    assert bad.error == (
        f"[E015] {path}: the WARC record at byte {len(good)} cannot be read: it does not start "
        "with a WARC header"
    )


def test_corrupt_gzip_member_is_e015(tmp_path: Path) -> None:
    path = tmp_path / "stories.warc.gz"
    offsets = build_stories(path, 2, gzip=True)
    data = bytearray(path.read_bytes())
    data[offsets[1] + 40 : offsets[1] + 60] = b"\xff" * 20
    path.write_bytes(bytes(data))
    first, bad = iter_reports([path])
    assert first.article is not None
    assert bad.error is not None
    assert bad.error.startswith(f"[E015] {path}: the WARC record at byte {offsets[1]} ")
    assert "Error" not in bad.error


def test_records_in_one_gzip_member_are_read(tmp_path: Path) -> None:
    plain = tmp_path / "stories.warc"
    build_stories(plain, 2, gzip=False)
    single = tmp_path / "single.warc.gz"  # one member for the whole file, not one per record
    single.write_bytes(gzip_module.compress(plain.read_bytes()))
    assert [a.url for a in read_reports([single])] == [
        "https://news.example/story/0",
        "https://news.example/story/1",
    ]


def test_arc_files_are_read(tmp_path: Path) -> None:
    page = story_html(7)
    http = b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + page
    description = b"1 0 test\nURL IP-address Archive-date Content-type Archive-length\n"
    records = [
        b"filedesc://test.arc 0.0.0.0 20260203120000 text/plain %d\n" % len(description)
        + description
        + b"\n",
        b"http://news.example/old 93.184.216.34 20260203120000 text/html %d\n" % len(http)
        + http
        + b"\n",
    ]
    plain = tmp_path / "old.arc"
    plain.write_bytes(b"".join(records))
    packed = tmp_path / "old.arc.gz"
    packed.write_bytes(b"".join(gzip_module.compress(record) for record in records))
    for path in (plain, packed):
        (article,) = read_reports([path])
        assert article.url == "http://news.example/old"
        assert END.format(n=7) in article.text
    plain.write_bytes(b"".join(records)[:-100])
    with pytest.raises(InputError) as excinfo:
        read_reports([plain])
    assert excinfo.value.code == "E015"
