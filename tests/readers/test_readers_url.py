"""Fetching: the address checks on every hop, the limits, and the errors.

All fetches go through ``httpx.MockTransport`` with a stub resolver, except the last tests,
which run a real HTTP server on 127.0.0.1 to prove that connections go to the checked address.
"""

from __future__ import annotations

import gzip
import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from rashomon.errors import FetchError, InputError
from rashomon.readers import HttpFetcher, iter_reports, read_reports
from rashomon.readers.url import USER_AGENT, is_forbidden_address

PAGE = "https://www.dailyledger.example/world/2026/02/03/petro-trump-meeting"


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.1.2.3",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",
        "224.0.0.1",
        "100.64.0.1",
        "255.255.255.255",
        "240.0.0.1",
        "::1",
        "::",
        "fe80::1",
        "fe80::1%eth0",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::1",
        "not-an-address",
    ],
)
def test_forbidden_addresses(address: str) -> None:
    assert is_forbidden_address(address)


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:2800:220:1:248:1893:25c8:1946"]
)
def test_public_addresses(address: str) -> None:
    assert not is_forbidden_address(address)


def test_page_is_fetched_and_extracted(web, article_html: bytes) -> None:
    web.add(PAGE, article_html, last_modified="Wed, 04 Feb 2026 08:00:00 GMT")
    (article,) = read_reports([PAGE], fetcher=web.fetcher())
    assert article.format == "url"
    assert article.id.startswith("dailyledger.example-") and len(article.id) == 30
    assert article.origin == PAGE
    assert article.url == PAGE  # the canonical link
    assert article.source == "The Daily Ledger"
    assert article.published == "2026-02-03"  # the page's own date beats Last-Modified
    assert "Colombian President Gustavo Petro met" in article.text
    (request,) = web.requests
    assert request.headers["user-agent"] == USER_AGENT
    assert USER_AGENT.startswith("rashomon/")
    # The same address always gets the same id.
    (again,) = read_reports([PAGE], fetcher=web.fetcher())
    assert again.id == article.id


def test_last_modified_stands_in_for_a_missing_date(web) -> None:
    body = "<p>" + "Rescue teams reached the villages cut off by the floods on Monday. " * 5
    web.add(
        "https://news.example/floods",
        f"<html><body><article>{body}</article></body></html>",
        last_modified="Wed, 04 Feb 2026 08:00:00 GMT",
    )
    (article,) = read_reports(["https://news.example/floods"], fetcher=web.fetcher())
    assert article.published == "2026-02-04T08:00:00+00:00"
    assert article.published_from == "http-header"
    assert article.source == "news.example"


def test_declared_charset_decodes_non_utf8_pages(web) -> None:
    body = "<p>" + "Le café de la gare a fermé ses portes après cinquante ans. " * 5 + "</p>"
    web.add(
        "https://news.example/cafe",
        f"<html><body><article>{body}</article></body></html>".encode("latin-1"),
        content_type="text/html; charset=ISO-8859-1",
    )
    (article,) = read_reports(["https://news.example/cafe"], fetcher=web.fetcher())
    assert "Le café de la gare a fermé ses portes après cinquante ans." in article.text


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://127.0.0.1/", "127.0.0.1"),
        ("http://10.0.0.1:8080/admin", "10.0.0.1"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("http://[::1]/", "::1"),
        ("http://intranet.example/", "10.0.0.1"),
        ("http://metadata.example/", "169.254.169.254"),
        ("http://sneaky.example/", "127.0.0.1"),
        ("http://mapped.example/", "::ffff:127.0.0.1"),
    ],
)
def test_private_addresses_are_refused_before_any_request(web, url: str, address: str) -> None:
    with pytest.raises(FetchError) as excinfo:
        read_reports([url], fetcher=web.fetcher())
    assert str(excinfo.value) == (
        f"[E021] {url}: refused to fetch from {address}, a loopback, private or link-local "
        "address (pass --allow-private to allow it)"
    )
    assert web.requests == []


def test_allow_private_lets_them_through(web, article_html: bytes) -> None:
    web.add("http://10.0.0.1/story", article_html)
    (article,) = read_reports(["http://10.0.0.1/story"], fetcher=web.fetcher(allow_private=True))
    assert article.source == "The Daily Ledger"


def test_redirect_to_a_private_address_is_refused(web) -> None:
    web.redirect("https://news.example/short", "http://169.254.169.254/latest/meta-data/")
    with pytest.raises(FetchError) as excinfo:
        read_reports(["https://news.example/short"], fetcher=web.fetcher())
    assert excinfo.value.code == "E021"
    assert str(excinfo.value).startswith(
        "[E021] https://news.example/short (redirected to http://169.254.169.254/latest/meta-data/)"
        ": refused to fetch from 169.254.169.254"
    )
    assert [str(r.url) for r in web.requests] == ["https://news.example/short"]


def test_redirect_to_another_scheme_is_e020(web) -> None:
    web.redirect("https://news.example/file", "file:///etc/passwd")
    with pytest.raises(FetchError) as excinfo:
        read_reports(["https://news.example/file"], fetcher=web.fetcher())
    assert excinfo.value.code == "E020"


def test_redirects_are_followed_relative_and_checked(web, article_html: bytes) -> None:
    web.redirect("http://news.example/a", "https://news.example/b", status=301)
    web.redirect("https://news.example/b", "/c", status=307)
    web.add("https://news.example/c", article_html)
    (article,) = read_reports(["http://news.example/a"], fetcher=web.fetcher())
    assert [str(r.url) for r in web.requests] == [
        "http://news.example/a",
        "https://news.example/b",
        "https://news.example/c",
    ]
    assert article.origin == "http://news.example/a"
    assert article.meta["requested_url"] == "http://news.example/a"


def test_too_many_redirects_is_e025(web) -> None:
    for n in range(10):
        web.redirect(f"https://news.example/{n}", f"https://news.example/{n + 1}")
    with pytest.raises(FetchError) as excinfo:
        read_reports(["https://news.example/0"], fetcher=web.fetcher(max_redirects=3))
    assert str(excinfo.value) == "[E025] https://news.example/0: more than 3 redirects"
    assert len(web.requests) == 4


def test_http_error_is_e023(web) -> None:
    with pytest.raises(FetchError) as excinfo:
        read_reports(["https://news.example/missing"], fetcher=web.fetcher())
    assert str(excinfo.value) == "[E023] https://news.example/missing: the server answered HTTP 404"


def test_oversized_streamed_response_is_e024(web) -> None:
    def endless(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"content-type": "text/html"}, content=iter([b"<p>" + b"x" * 1000] * 100)
        )  # no Content-Length

    web.routes["https://news.example/huge"] = endless
    with pytest.raises(FetchError) as excinfo:
        read_reports(["https://news.example/huge"], fetcher=web.fetcher(max_bytes=10_000))
    assert str(excinfo.value) == (
        "[E024] https://news.example/huge: the response is over the limit of 10000 bytes "
        "(--max-bytes)"
    )


def test_declared_length_over_the_cap_is_e024(web) -> None:
    web.add("https://news.example/big", b"<p>" + b"x" * 5000)
    with pytest.raises(FetchError) as excinfo:
        read_reports(["https://news.example/big"], fetcher=web.fetcher(max_bytes=1000))
    assert excinfo.value.code == "E024"


def test_decompressed_size_is_capped(web) -> None:
    bomb = gzip.compress(b"<p>" + b" " * 200_000)
    web.add("https://news.example/bomb", bomb, content_encoding="gzip")
    with pytest.raises(FetchError) as excinfo:
        read_reports(["https://news.example/bomb"], fetcher=web.fetcher(max_bytes=50_000))
    assert excinfo.value.code == "E024"


@pytest.mark.parametrize("content_type", ["image/png", "application/pdf", "application/json"])
def test_non_article_content_type_is_e028(web, content_type: str) -> None:
    web.add("https://news.example/thing", b"\x89PNG....", content_type=content_type)
    with pytest.raises(FetchError) as excinfo:
        read_reports(["https://news.example/thing"], fetcher=web.fetcher())
    assert str(excinfo.value) == (
        f"[E028] https://news.example/thing: the content type '{content_type}' is not an article"
    )


def test_vague_content_type_that_is_not_html_is_e028(web) -> None:
    web.add("https://news.example/notes.txt", b"Just some notes.", content_type="text/plain")
    with pytest.raises(FetchError) as excinfo:
        read_reports(["https://news.example/notes.txt"], fetcher=web.fetcher())
    assert excinfo.value.code == "E028"


def test_unresolvable_host_is_e026(web) -> None:
    with pytest.raises(FetchError) as excinfo:
        read_reports(["https://no-such-host.example/x"], fetcher=web.fetcher())
    assert str(excinfo.value) == (
        "[E026] https://no-such-host.example/x: the host name could not be resolved"
    )


def test_timeout_and_connection_errors_are_e022(web) -> None:
    def timeout(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    web.routes["https://news.example/slow"] = timeout
    web.routes["https://news.example/down"] = refused
    results = list(
        iter_reports(
            ["https://news.example/slow", "https://news.example/down"], fetcher=web.fetcher()
        )
    )
    assert [r.error for r in results] == [
        "[E022] https://news.example/slow: could not be reached (timed out)",
        "[E022] https://news.example/down: could not be reached ([Errno 111] Connection refused)",
    ]


@pytest.mark.parametrize("url", ["ftp://news.example/a", "file:///etc/passwd", "gopher://x/"])
def test_other_schemes_are_e020(url: str) -> None:
    with pytest.raises(InputError) as excinfo:
        read_reports([url])
    assert str(excinfo.value) == f"[E020] {url}: only http and https addresses can be fetched"


def test_a_custom_fetcher_is_still_held_to_status_and_size() -> None:
    from rashomon.readers import FetchedPage

    class Stub:
        def fetch(self, url: str) -> FetchedPage:
            return FetchedPage(url, 200, {"Content-Type": "text/html"}, b"<p>" + b"x" * 500)

    with pytest.raises(FetchError) as excinfo:
        read_reports(["https://news.example/a"], max_bytes=100, fetcher=Stub())
    assert excinfo.value.code == "E024"


# --- real sockets, loopback only ----------------------------------------------------------------


class _Handler(http.server.BaseHTTPRequestHandler):
    seen: list[dict[str, str]] = []  # noqa: RUF012 - shared with the test on purpose

    def do_GET(self) -> None:
        type(self).seen.append(dict(self.headers.items()))
        body = (
            "<html><head><title>Local</title></head><body><article><p>"
            + "The local server answered this request with a short article. " * 5
            + "</p></article></body></html>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server() -> Iterator[int]:
    _Handler.seen = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_connection_goes_to_the_checked_address(local_server: int) -> None:
    # "news.invalid" can never resolve in real DNS; the stub says 127.0.0.1. The page arrives,
    # so the socket was opened to the address the fetcher checked, not to the name.
    fetcher = HttpFetcher(allow_private=True, resolver=lambda host, port: ["127.0.0.1"])
    with fetcher:
        page = fetcher.fetch(f"http://news.invalid:{local_server}/story")
    assert page.status == 200
    assert b"local server answered" in page.content
    assert _Handler.seen[0]["Host"] == f"news.invalid:{local_server}"


def test_real_transport_refuses_loopback_without_allow_private(local_server: int) -> None:
    with HttpFetcher() as fetcher, pytest.raises(FetchError) as excinfo:
        fetcher.fetch(f"http://127.0.0.1:{local_server}/story")
    assert excinfo.value.code == "E021"
    assert _Handler.seen == []


def test_dns_rebinding_is_caught_at_connection_time(local_server: int) -> None:
    # The first lookup (the check) says public, the second (the connection) says loopback.
    answers = iter([["93.184.216.34"], ["127.0.0.1"]])

    def rebinding(host: str, port: int) -> list[str]:
        try:
            return next(answers)
        except StopIteration:
            raise socket.gaierror("no more answers") from None

    url = f"http://rebind.invalid:{local_server}/story"
    with HttpFetcher(resolver=rebinding) as fetcher, pytest.raises(FetchError) as excinfo:
        fetcher.fetch(url)
    assert str(excinfo.value).startswith(f"[E021] {url}: refused to fetch from 127.0.0.1")
    assert _Handler.seen == []


def test_name_that_stops_resolving_at_connection_time_is_e026(local_server: int) -> None:
    answers = iter([["93.184.216.34"]])

    def flaky(host: str, port: int) -> list[str]:
        try:
            return next(answers)
        except StopIteration:
            raise socket.gaierror("gone") from None

    url = f"http://flaky.invalid:{local_server}/story"
    with HttpFetcher(resolver=flaky) as fetcher, pytest.raises(FetchError) as excinfo:
        fetcher.fetch(url)
    assert str(excinfo.value) == f"[E026] {url}: the host name could not be resolved"
    assert _Handler.seen == []


def test_folder_of_urls_list(tmp_path: Path, web, article_html: bytes) -> None:
    web.add(PAGE, article_html)
    (tmp_path / "feeds.txt").write_text(f"{PAGE}\n", encoding="utf-8")
    (article,) = read_reports([tmp_path], fetcher=web.fetcher())
    assert article.url == PAGE


@pytest.mark.parametrize(
    "url", ["http://[::1", "http://[::1/story", "http://news.example:99999/", "http://[oops]/"]
)
def test_malformed_addresses_are_e020_not_a_crash(web, url: str) -> None:
    (result,) = iter_reports([url], fetcher=web.fetcher())
    assert result.error == f"[E020] {url}: only http and https addresses can be fetched"
    assert web.requests == []


def test_feed_entry_with_a_malformed_link_keeps_its_own_content(tmp_path: Path, web) -> None:
    body = "Rescue teams reached the villages cut off by the floods on Monday. " * 8
    path = tmp_path / "feed.rss"
    path.write_text(
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        "<title>T</title><item><title>Floods</title><link>http://[::1</link>"
        f"<content:encoded>{body}</content:encoded></item></channel></rss>",
        encoding="utf-8",
    )
    (article,) = read_reports([path], fetcher=web.fetcher())
    assert article.text == body.strip()
    assert article.id.startswith("url-")


def test_redirect_to_a_malformed_address_is_a_coded_error(web) -> None:
    web.redirect("https://news.example/bad", "http://[::1/x")
    with pytest.raises(FetchError) as excinfo:
        read_reports(["https://news.example/bad"], fetcher=web.fetcher())
    # httpx refuses the Location header itself (E022); were it to pass it on, the next hop's
    # check would refuse the address (E020). Either way a coded error, not a crash.
    assert excinfo.value.code in ("E020", "E022")


def test_feed_links_are_cleaned_like_browsers_do(tmp_path: Path, web, article_html: bytes) -> None:
    web.add(PAGE, article_html)
    split = PAGE.replace("://", "://\n  ")  # a <link> broken over two lines
    path = tmp_path / "feed.rss"
    path.write_text(
        '<rss version="2.0"><channel><title>T</title>'
        f"<item><title>Meeting</title><link>{split}</link><description>Teaser.</description>"
        "</item><item><title>Escape</title><link>https://news.example/\x1b[2Jx</link>"
        "<description>Teaser.</description></item></channel></rss>",
        encoding="utf-8",
    )
    meeting, escape = iter_reports([path], fetcher=web.fetcher())
    assert meeting.origin == PAGE
    assert meeting.article is not None and meeting.article.url == PAGE
    # An address with an escape sequence in it is not fetched: the entry has no usable link.
    assert escape.skipped is not None and escape.skipped.startswith("[E029]")
    assert [str(r.url) for r in web.requests] == [PAGE]


@pytest.mark.parametrize("url", ["https://news.example/\x1b[31mred", "https://news.example/a\nb"])
def test_addresses_with_control_characters_are_e032_on_one_line(web, url: str) -> None:
    (result,) = iter_reports([url], fetcher=web.fetcher())
    shown = url.replace("\x1b", "\\x1b").replace("\n", "\\x0a")
    assert result.error == (
        f"[E032] {shown}: not an address that can be fetched (it has control characters in it)"
    )
    with web.fetcher() as fetcher, pytest.raises(FetchError) as excinfo:
        fetcher.fetch(url)
    assert excinfo.value.code == "E032"
    assert web.requests == []
