"""WARC archives built in the test with warcio: HTML pages become articles, the rest is skipped."""

from __future__ import annotations

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


def response(writer: WARCWriter, uri: str, body: bytes, content_type: str, status: str = "200 OK",
             date: str = "2026-02-03T12:00:00Z"):
    http_headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    return writer.create_warc_record(
        uri, "response", payload=BytesIO(body), http_headers=http_headers,
        warc_headers_dict={"WARC-Date": date},
    )


def build_warc(path: Path, records: list[tuple[str, bytes, str, str]], *, gzip: bool) -> Path:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        for uri, body, content_type, status in records:
            request_headers = StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")],
                                               is_http_request=True)
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
        ("https://www.dailyledger.example/logo.png", b"\x89PNG\r\n\x1a\n\x00\x00", "image/png",
         "200 OK"),
        ("https://www.dailyledger.example/gone", b"<html><p>Not found</p></html>", "text/html",
         "404 Not Found"),
        (UNDATED, UNDATED_HTML, "text/html", "200 OK"),
    ]


@pytest.mark.parametrize("gzip", [True, False], ids=["warc.gz", "warc"])
def test_warc_pages_become_articles_and_the_rest_is_skipped(
    tmp_path: Path, mixed_records: list[tuple[str, bytes, str, str]], gzip: bool
) -> None:
    path = build_warc(tmp_path / ("crawl.warc.gz" if gzip else "crawl.warc"), mixed_records,
                      gzip=gzip)
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
    path = build_warc(tmp_path / "images.warc.gz",
                      [("https://x.example/a.png", b"\x89PNG", "image/png", "200 OK")], gzip=True)
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


def test_truncated_warc_gives_what_it_has_then_e013(tmp_path: Path, article_html: bytes) -> None:
    path = build_warc(tmp_path / "cut.warc.gz",
                      [(STORY, article_html, "text/html", "200 OK"),
                       (UNDATED, UNDATED_HTML, "text/html", "200 OK")], gzip=True)
    path.write_bytes(path.read_bytes()[:-300])
    first, second = iter_reports([path])
    assert first.article is not None and first.article.url == STORY
    assert second.origin == str(path)
    assert second.error is not None and second.error.startswith(
        f"[E013] {path}: not a readable WARC file ("
    )
