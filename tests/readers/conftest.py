"""Shared fixtures for the reader tests: fixture paths and a network-free HTTP fetcher.

Every fetch in these tests goes through ``httpx.MockTransport`` and a stub resolver, so no test
sends a packet anywhere (the few that use real sockets talk to 127.0.0.1 only).
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from rashomon.readers import HttpFetcher

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = Path("/work/shared/data/seeds")
#: Inputs the fuzz tests ran, by reader, reported at the end of the run.
FUZZ_COUNTS = pytest.StashKey[dict[str, int]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fuzz-long",
        action="store_true",
        default=False,
        help="Fuzz the readers with 100,000 random inputs in all (slow; see "
        "tests/readers/test_readers_fuzz.py) instead of the few hundred of a normal run.",
    )


@pytest.fixture
def fuzz_counts(request: pytest.FixtureRequest) -> dict[str, int]:
    return request.config.stash.setdefault(FUZZ_COUNTS, {})


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    counts = config.stash.get(FUZZ_COUNTS, {})
    if counts:
        listed = ", ".join(f"{name} {n}" for name, n in counts.items())
        terminalreporter.write_line(f"readers fuzzed with {sum(counts.values())} inputs: {listed}")


# Made-up host names resolve to public documentation-free addresses in the stub resolver; the
# MockTransport answers before anything could connect to them.
PUBLIC_HOSTS = {
    "www.dailyledger.example": ["93.184.216.34"],
    "dailyledger.example": ["93.184.216.34"],
    "quotidien.example": ["93.184.216.35"],
    "news.example": ["93.184.216.36"],
    "cdn.example": ["93.184.216.37", "2606:2800:220:1:248:1893:25c8:1946"],
    # Names that resolve to addresses a fetch must refuse.
    "intranet.example": ["10.0.0.1"],
    "metadata.example": ["169.254.169.254"],
    "sneaky.example": ["93.184.216.38", "127.0.0.1"],
    "mapped.example": ["::ffff:127.0.0.1"],
}


def stub_resolver(host: str, port: int) -> list[str]:
    try:
        return PUBLIC_HOSTS[host]
    except KeyError:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None


Route = tuple[int, dict[str, str], bytes]


class Web:
    """A fake web: ``routes[url] = (status, headers, body)``; records every request."""

    def __init__(self) -> None:
        self.routes: dict[str, Route | Callable[[httpx.Request], httpx.Response]] = {}
        self.requests: list[httpx.Request] = []

    def add(
        self,
        url: str,
        body: bytes | str,
        *,
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
        **headers: str,
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        merged = {"content-type": content_type} if content_type else {}
        merged.update({key.replace("_", "-"): value for key, value in headers.items()})
        self.routes[url] = (status, merged, data)

    def redirect(self, url: str, location: str, status: int = 302) -> None:
        self.routes[url] = (status, {"location": location}, b"")

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        route = self.routes.get(str(request.url))
        if route is None:
            return httpx.Response(404, headers={"content-type": "text/html"}, content=b"nope")
        if callable(route):
            return route(request)
        status, headers, body = route
        return httpx.Response(status, headers=headers, content=body)

    def fetcher(self, **options: object) -> HttpFetcher:
        return HttpFetcher(
            transport=httpx.MockTransport(self.handler), resolver=stub_resolver, **options
        )


@pytest.fixture
def web() -> Web:
    return Web()


@pytest.fixture
def article_html() -> bytes:
    return (FIXTURES / "article.html").read_bytes()


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def resolver() -> Callable[[str, int], list[str]]:
    return stub_resolver
