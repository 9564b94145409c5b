"""The limits of one fetch: a total deadline (E030) and a size cap (E024), and how to set them.

The slow servers here are real sockets on 127.0.0.1 that send their answer a few bytes at a
time: httpx's timeout bounds each read, and each read does get a few bytes, so only a deadline
over the whole fetch stops them. Every server stops by itself after a few seconds, so a test
that fails does not hang.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from rashomon.errors import ConfigurationError, FetchError
from rashomon.readers import HttpFetcher, iter_reports
from rashomon.readers.url import DEFAULT_FETCH_DEADLINE

#: However long a slow server would go on, it stops after this many seconds.
SERVER_LIFETIME = 8.0
PAGE = (
    b"<html><head><title>Slow</title></head><body><article><p>"
    + b"The slow server sends this article a few bytes at a time. " * 20
    + b"</p></article></body></html>"
)


class SlowServer:
    """An HTTP server on 127.0.0.1 answering every request in ``pieces`` sent ``gap`` apart."""

    def __init__(self, pieces: Iterator[bytes] | list[bytes], gap: float) -> None:
        self.pieces = list(pieces)
        self.gap = gap
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/story"

    def _serve(self) -> None:
        started = time.monotonic()
        while not self.stopping.is_set() and time.monotonic() - started < SERVER_LIFETIME:
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            with conn:
                self._answer(conn, started)

    def _answer(self, conn: socket.socket, started: float) -> None:
        conn.settimeout(2)
        request = b""
        try:
            while b"\r\n\r\n" not in request:
                data = conn.recv(4096)
                if not data:
                    return
                request += data
            for piece in self.pieces:
                if self.stopping.is_set() or time.monotonic() - started > SERVER_LIFETIME:
                    return
                conn.sendall(piece)
                if self.gap:
                    time.sleep(self.gap)
        except OSError:  # the client gave up and closed the connection: what the tests want
            return

    def __enter__(self) -> SlowServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)
        self.listener.close()


def drip(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


HEADERS = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
    b"Content-Length: %d\r\n\r\n" % len(PAGE)
)


def body_drip() -> SlowServer:
    """Headers at once, then the body at 8 bytes every 1/8 s (64 bytes a second)."""
    return SlowServer([HEADERS, *drip(PAGE, 8)], gap=0.125)


def local_fetcher(**options: object) -> HttpFetcher:
    return HttpFetcher(allow_private=True, **options)


def e030(url: str, limit: str) -> str:
    return (
        f"[E030] {url}: no whole response within {limit} s, the limit for one fetch "
        "(--fetch-deadline or $RASHOMON_FETCH_DEADLINE)"
    )


def test_a_dripping_body_is_cut_off_at_the_deadline() -> None:
    with body_drip() as server, local_fetcher(deadline=1.5) as fetcher:
        started = time.monotonic()
        with pytest.raises(FetchError) as excinfo:
            fetcher.fetch(server.url)
        elapsed = time.monotonic() - started
    assert str(excinfo.value) == e030(server.url, "1.5")
    # Each read got bytes well within the 15 s read timeout: only the deadline stopped it.
    assert 1.4 <= elapsed < 3.0


def test_dripping_headers_are_cut_off_at_the_deadline() -> None:
    with (
        SlowServer(drip(HEADERS + PAGE, 4), gap=0.1) as server,
        local_fetcher(deadline=1.0) as fetcher,
    ):
        started = time.monotonic()
        with pytest.raises(FetchError) as excinfo:
            fetcher.fetch(server.url)
        elapsed = time.monotonic() - started
    assert excinfo.value.code == "E030"
    assert 0.9 <= elapsed < 2.5


def test_a_fast_server_is_not_affected_by_the_deadline() -> None:
    with SlowServer([HEADERS + PAGE], gap=0) as server, local_fetcher(deadline=1.0) as fetcher:
        page = fetcher.fetch(server.url)
    assert page.content == PAGE


def test_the_deadline_reaches_iter_reports_and_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with body_drip() as server:
        started = time.monotonic()
        (result,) = iter_reports([server.url], allow_private=True, fetch_deadline=1.0)
        assert result.error == e030(server.url, "1")
        assert time.monotonic() - started < 2.5
    monkeypatch.setenv("RASHOMON_FETCH_DEADLINE", "0.8")
    with body_drip() as server:
        (result,) = iter_reports([server.url], allow_private=True)
        assert result.error == e030(server.url, "0.8")


def test_deadline_default_and_bad_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RASHOMON_FETCH_DEADLINE", raising=False)
    with HttpFetcher() as fetcher:
        assert fetcher.deadline == DEFAULT_FETCH_DEADLINE == 30.0
    for bad in ("soon", "0", "-3", "nan", "inf"):
        monkeypatch.setenv("RASHOMON_FETCH_DEADLINE", bad)
        with pytest.raises(ConfigurationError) as excinfo:
            HttpFetcher()
        assert str(excinfo.value) == (
            f"[E031] $RASHOMON_FETCH_DEADLINE: {bad!r} is not a number of seconds above 0"
        )
        (result,) = iter_reports(["https://news.example/a"])
        assert result.error is not None and result.error.startswith("[E031]")


def test_the_deadline_holds_for_any_transport(resolver) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        def chunks() -> Iterator[bytes]:
            for piece in drip(PAGE, 64):
                time.sleep(0.1)
                yield piece

        return httpx.Response(200, headers={"content-type": "text/html"}, content=chunks())

    fetcher = HttpFetcher(transport=httpx.MockTransport(slow), resolver=resolver, deadline=0.5)
    started = time.monotonic()
    with pytest.raises(FetchError) as excinfo:
        fetcher.fetch("https://news.example/slow")
    assert excinfo.value.code == "E030"
    assert time.monotonic() - started < 1.5


def test_the_size_cap_holds_on_a_real_socket() -> None:
    endless = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n"
    server = SlowServer([endless, *[b"<p>" + b"x" * 4093] * 64], gap=0)
    with server, local_fetcher(max_bytes=50_000) as fetcher, pytest.raises(FetchError) as excinfo:
        fetcher.fetch(server.url)
    assert str(excinfo.value) == (
        f"[E024] {server.url}: the response is over the limit of 50000 bytes (--max-bytes)"
    )
    with SlowServer([HEADERS + PAGE], gap=0) as server:
        (result,) = iter_reports([server.url], allow_private=True, max_bytes=500)
    assert result.error is not None and result.error.startswith("[E024]")


# --- the command line --------------------------------------------------------------------------


def run_ingest(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    from rashomon.cli.app import main

    with contextlib.suppress(SystemExit):  # 1 when nothing could be read
        main(["ingest", *args])
    return capsys.readouterr().out


def test_ingest_takes_max_bytes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "big.txt"
    report.write_text("A storm hit the coast. " * 100, encoding="utf-8")
    db = str(tmp_path / "corpus.sqlite3")
    out = run_ingest(["--db", db, "--no-recluster", "--max-bytes", "1000", str(report)], capsys)
    assert (
        f"[E004] {report}: the file is 2300 bytes, over the limit of 1000 bytes (--max-bytes)"
        in out
    )


def test_ingest_takes_a_fetch_deadline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "corpus.sqlite3")
    with body_drip() as server:
        started = time.monotonic()
        out = run_ingest(
            ["--db", db, "--no-recluster", "--allow-private", "--fetch-deadline", "1s", server.url],
            capsys,
        )
        assert time.monotonic() - started < 6  # the server would go on for 8 s
    assert e030(server.url, "1") in out
