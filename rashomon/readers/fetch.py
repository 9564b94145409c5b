"""Fetching over HTTP, safely, and the checks on addresses: the network layer of the readers.

A server that reads addresses from its users must not become a way into the network it runs in
(server-side request forgery): ``http://169.254.169.254/`` is a cloud metadata service, and
``http://localhost:6379/`` a database. So :class:`HttpFetcher`

* follows redirects itself, one hop at a time, and checks *every* hop: only http and https
  (E020), a host that resolves (E026) to public addresses only (E021);
* connects to the very address it checked. The check resolves the host name, and the socket is
  opened by :class:`PinnedBackend`, which resolves again, checks the addresses again and
  connects to one of *those* addresses (never to the name), so a DNS answer that changes
  between the check and the connection (DNS rebinding) cannot sneak a private address in. TLS
  still verifies the certificate against the host name, because httpcore passes the name (not
  the address) as the TLS server name;
* ignores proxy settings from the environment (the checks would apply to the proxy instead);
* refuses content types that are not pages or feeds (E028) before reading the body, and stops
  reading at ``max_bytes`` (E024) while streaming, after decompression;
* gives each fetch a total deadline (E030, ``deadline`` seconds, 30 by default, or
  ``$RASHOMON_FETCH_DEADLINE``), redirects included. httpx's ``timeout`` bounds each read, so a
  server sending a few bytes a second would otherwise hold a fetch for as long as it likes:
  :class:`PinnedBackend` hands out connections whose every read and write is bounded by what is
  left of the deadline, and the body is also checked against it between chunks (for other
  transports). Resolving a host name is not bounded by it (the system resolver has its own
  timeouts).

Everything network-related goes through the :class:`Fetcher` protocol so that tests, and callers
with their own crawler, can supply the bytes without any network.

This module imports no other reader module: :mod:`rashomon.readers.base` (whose
:class:`~rashomon.readers.base.ReadContext` builds an :class:`HttpFetcher` when one is needed),
the feed reader and the address reader all build on it, so it must sit below them all. The size
cap every reader shares (:data:`DEFAULT_MAX_BYTES`) and the address helpers (``is_http_url``,
``has_controls``, ``printable``) are defined here for that reason and re-exported by ``base``.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

import httpcore
import httpx

from rashomon._version import __version__
from rashomon.errors import ConfigurationError, FetchError

#: The most bytes read from one file (one JSONL line, one WARC record) or one fetched response.
DEFAULT_MAX_BYTES = 20_000_000

USER_AGENT = f"rashomon/{__version__} (+https://github.com/rashomon)"

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+xml"}
)
#: Types that may hold a page or a feed but do not say which; the body decides.
VAGUE_TYPES = frozenset(
    {
        "",
        "application/xml",
        "text/xml",
        "text/plain",
        "application/octet-stream",
        "binary/octet-stream",
    }
)
ACCEPTED_TYPES = HTML_TYPES | FEED_TYPES | VAGUE_TYPES
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
#: Seconds one fetch may take in all (redirects, headers and body), unless configured.
DEFAULT_FETCH_DEADLINE = 30.0
#: The environment variable that sets the deadline for every fetch that is not given one.
DEADLINE_ENV = "RASHOMON_FETCH_DEADLINE"

#: ``resolver(host, port)`` returns the IP addresses ``host`` resolves to; raises
#: :class:`socket.gaierror` when it does not resolve.
Resolver = Callable[[str, int], Iterable[str]]


@dataclass(slots=True)
class FetchedPage:
    """What a fetch returns: the final address (after redirects), status, headers and body."""

    url: str
    status: int
    headers: Mapping[str, str]
    content: bytes

    def header(self, name: str) -> str | None:
        """A header by case-insensitive name (plain dicts from test fetchers included)."""
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return None

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower case; "" when there is none."""
        return media_type(self.header("content-type"))


class Fetcher(Protocol):
    """Anything that can fetch one address: :class:`HttpFetcher`, or a stub in tests."""

    def fetch(self, url: str) -> FetchedPage: ...


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def default_fetch_deadline() -> float:
    """``$RASHOMON_FETCH_DEADLINE`` when it is set (E031 when it is not a positive number of
    seconds), else :data:`DEFAULT_FETCH_DEADLINE`."""
    raw = os.environ.get(DEADLINE_ENV, "").strip()
    if not raw:
        return DEFAULT_FETCH_DEADLINE
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not (seconds > 0 and math.isfinite(seconds)):
        raise ConfigurationError("E031", name=DEADLINE_ENV, value=raw)
    return seconds



def is_http_url(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


_CONTROLS = re.compile(r"[\x00-\x1f\x7f]")


def has_controls(value: str) -> bool:
    """True when ``value`` holds a control character (a line break, an escape, a NUL)."""
    return _CONTROLS.search(value) is not None


def printable(value: str) -> str:
    """``value`` with its control characters written as ``\\xNN``, so that a string taken from
    a file (an address, a header) shown in a message stays on one line and cannot carry
    terminal escape sequences."""
    return _CONTROLS.sub(lambda match: f"\\x{ord(match.group()):02x}", value)


# --- the deadline of the fetch in progress -----------------------------------------------------


class Deadline:
    """When the fetch in progress must be over."""

    __slots__ = ("at", "bounded")

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        #: Whether a wait was shortened to the deadline: a timeout after that is the deadline's.
        self.bounded = False

    def left(self) -> float:
        return self.at - time.monotonic()

    def expired(self) -> bool:
        return self.left() <= 0

    def caused(self) -> bool:
        """Whether a timeout that just happened is this deadline running out."""
        return self.bounded or self.expired()

    def bound(self, timeout: float | None) -> float:
        """``timeout`` shortened to what is left; raises a read timeout when nothing is."""
        left = self.left()
        if left <= 0:
            self.bounded = True
            raise httpcore.ReadTimeout("the fetch deadline has passed")
        if timeout is None or left < timeout:
            self.bounded = True
            return left
        return timeout


#: Set by :meth:`HttpFetcher.fetch` for the fetch in progress (per thread, as every context).
_DEADLINE: ContextVar[Deadline | None] = ContextVar("rashomon_fetch_deadline", default=None)


@contextmanager
def _deadline(seconds: float) -> Iterator[Deadline]:
    deadline = Deadline(seconds)
    token = _DEADLINE.set(deadline)
    try:
        yield deadline
    finally:
        _DEADLINE.reset(token)


def _bounded(timeout: float | None) -> float | None:
    deadline = _DEADLINE.get()
    return timeout if deadline is None else deadline.bound(timeout)


class DeadlineStream(httpcore.NetworkStream):
    """A connection whose reads and writes never wait past the deadline of the current fetch.

    The deadline is looked up at each call, not when the connection is made, because pooled
    connections serve one fetch after another.
    """

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, timeout=_bounded(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, timeout=_bounded(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(
            ssl_context, server_hostname=server_hostname, timeout=_bounded(timeout)
        )
        return DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


# --- address checks ----------------------------------------------------------------------------


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host`` (IPv4 and IPv6)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_forbidden_address(address: str) -> bool:
    """True for addresses a fetch must not reach unless private addresses are allowed.

    Loopback, private, link-local, multicast, reserved, unspecified and every other address that
    is not globally routable (shared CGNAT space, documentation ranges); IPv4 addresses dressed
    as IPv6 (``::ffff:127.0.0.1``, 6to4, Teredo) are judged by the IPv4 address inside.
    """
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone ("fe80::1%eth0")
    except ValueError:
        return True  # not an address at all: refuse rather than guess
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is not None and is_forbidden_address(str(inner)):
            return True
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def resolve_checked(
    host: str, port: int, *, resolver: Resolver, allow_private: bool, url: str
) -> list[str]:
    """Resolve ``host`` and return its addresses, refusing (E021) if any is forbidden.

    All addresses are checked, not just the first: a host with one public and one private
    address could otherwise be made to connect to the private one.
    """
    host = host.strip("[]")
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
        addresses = [host]  # a literal address needs no resolver
    except ValueError:
        try:
            addresses = list(dict.fromkeys(resolver(host, port)))
        except (socket.gaierror, UnicodeError):
            raise FetchError("E026", url=url) from None
        except OSError as exc:
            raise FetchError("E022", url=url, reason=exc.strerror or str(exc)) from None
    if not addresses:
        raise FetchError("E026", url=url)
    if not allow_private:
        for address in addresses:
            if is_forbidden_address(address):
                raise FetchError("E021", url=url, address=address)
    return addresses


class PinnedBackend(httpcore.NetworkBackend):
    """An httpcore network backend that connects only to addresses it has just checked.

    httpcore calls :meth:`connect_tcp` with the host *name*; the stock backend would hand the
    name to the system, which resolves it again, so the address connected to could differ from
    the one checked. Here the name is resolved and checked in the same step that connects, and
    the socket is opened to the checked address itself.
    """

    def __init__(self, *, resolver: Resolver, allow_private: bool) -> None:
        self._inner = httpcore.SyncBackend()
        self._resolver = resolver
        self._allow_private = allow_private

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = resolve_checked(
            host, port, resolver=self._resolver, allow_private=self._allow_private, url=host
        )
        error: Exception | None = None
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(
                    address,
                    port,
                    timeout=_bounded(timeout),
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
            else:
                return DeadlineStream(stream)
        assert error is not None  # resolve_checked never returns an empty list
        raise error

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not used for fetching")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class PinnedTransport(httpx.HTTPTransport):
    """httpx's own transport (connection pooling, TLS, HTTP/1.1) over a :class:`PinnedBackend`.

    httpx does not expose the network backend, so the connection pool is rebuilt with it after
    ``HTTPTransport.__init__``; the assertion turns a future httpx change into a loud error
    rather than a silent loss of the address check.
    """

    def __init__(self, *, resolver: Resolver, allow_private: bool, verify: bool = True) -> None:
        super().__init__(verify=verify, trust_env=False)
        assert isinstance(self._pool, httpcore.ConnectionPool), "unexpected httpx internals"
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=20,
            max_keepalive_connections=10,
            keepalive_expiry=5.0,
            network_backend=PinnedBackend(resolver=resolver, allow_private=allow_private),
        )


@dataclass
class HttpFetcher:
    """The default :class:`Fetcher`: httpx with every redirect hop checked (see module doc).

    ``transport`` replaces the network (tests pass ``httpx.MockTransport``); ``resolver``
    replaces DNS. The address checks run before each hop whatever the transport, and again at
    connection time with the default transport. ``timeout`` bounds each connect and read,
    ``deadline`` the whole fetch (None: :func:`default_fetch_deadline`).
    """

    timeout: float = 15.0
    deadline: float | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = 5
    allow_private: bool = False
    user_agent: str = USER_AGENT
    resolver: Resolver = system_resolver
    transport: httpx.BaseTransport | None = None
    _client: httpx.Client = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.deadline is None:
            self.deadline = default_fetch_deadline()
        if not (self.deadline > 0 and math.isfinite(self.deadline)):
            raise ValueError(f"the fetch deadline must be a positive number, not {self.deadline}")
        transport = self.transport or PinnedTransport(
            resolver=self.resolver, allow_private=self.allow_private
        )
        self._client = httpx.Client(
            transport=transport,
            follow_redirects=False,
            timeout=self.timeout,
            trust_env=False,
            headers={
                "User-Agent": self.user_agent,
                "Accept": "text/html,application/xhtml+xml,application/rss+xml,"
                "application/atom+xml,application/xml;q=0.9,*/*;q=0.5",
            },
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpFetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check(self, url: str, label: str) -> None:
        try:  # a malformed address ("http://[::1", a port that is not a number) is not http(s)
            parts = urlsplit(url)
            hostname = parts.hostname
            port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        except ValueError:
            raise FetchError("E020", url=label) from None
        if parts.scheme.lower() not in ("http", "https") or not hostname:
            raise FetchError("E020", url=label)
        resolve_checked(
            hostname,
            port,
            resolver=self.resolver,
            allow_private=self.allow_private,
            url=label,
        )

    def fetch(self, url: str) -> FetchedPage:
        """Fetch ``url``, following at most ``max_redirects`` redirects, each one checked, all
        within ``deadline`` seconds (E030)."""
        assert self.deadline is not None  # set in __post_init__
        if has_controls(url):
            raise FetchError("E032", url=printable(url))
        with _deadline(self.deadline) as deadline:
            return self._fetch(url, deadline)

    def _fetch(self, url: str, deadline: Deadline) -> FetchedPage:
        current = url
        for _hop in range(self.max_redirects + 1):
            label = url if current == url else f"{url} (redirected to {current})"
            self._check(current, label)
            try:
                if deadline.expired():
                    raise httpx.ReadTimeout("the fetch deadline has passed")
                with self._client.stream("GET", current) as response:
                    location = response.headers.get("location")
                    if response.status_code in REDIRECT_STATUSES and location:
                        try:
                            current = urljoin(current, location.strip())
                        except ValueError:  # the next hop's check refuses it (E020)
                            current = location.strip()
                        continue
                    return self._read(response, label, deadline)
            except FetchError as exc:
                if exc.fields.get("url") != label:
                    # Raised at connection time by PinnedBackend, which only knows the host
                    # name (the name re-resolved to a private address, or not at all).
                    raise FetchError(exc.code, **{**exc.fields, "url": label}) from exc
                raise
            except httpx.TimeoutException:
                if deadline.caused():
                    raise FetchError("E030", url=label, limit=f"{self.deadline:g}") from None
                raise FetchError("E022", url=label, reason="timed out") from None
            except (httpx.HTTPError, httpx.InvalidURL) as exc:
                raise FetchError("E022", url=label, reason=_reason(exc)) from None
            except (ValueError, UnicodeError):  # an address httpx cannot encode
                raise FetchError("E020", url=label) from None
        raise FetchError("E025", url=url, limit=self.max_redirects)

    def _read(self, response: httpx.Response, label: str, deadline: Deadline) -> FetchedPage:
        if response.status_code >= 400:
            raise FetchError("E023", url=label, status=response.status_code)
        content_type = response.headers.get("content-type")
        if media_type(content_type) not in ACCEPTED_TYPES:
            raise FetchError("E028", url=label, content_type=media_type(content_type))
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError("E024", url=label, limit=self.max_bytes)
        chunks: list[bytes] = []
        received = 0
        for chunk in response.iter_bytes():  # decompressed, so a gzip bomb is capped too
            received += len(chunk)
            if received > self.max_bytes:
                raise FetchError("E024", url=label, limit=self.max_bytes)
            if deadline.expired():
                raise FetchError("E030", url=label, limit=f"{self.deadline:g}")
            chunks.append(chunk)
        return FetchedPage(
            url=str(response.url),
            status=response.status_code,
            headers=dict(response.headers.items()),
            content=b"".join(chunks),
        )


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[-1] if text else type(exc).__name__


def check_page(page: FetchedPage, url: str, max_bytes: int) -> None:
    """Apply the status and size rules to a page from any fetcher, not only HttpFetcher."""
    if page.status >= 400:
        raise FetchError("E023", url=url, status=page.status)
    if len(page.content) > max_bytes:
        raise FetchError("E024", url=url, limit=max_bytes)


def check_address(url: str) -> None:
    """Refuse, before any fetcher sees it, an address with control characters (E032) or of
    another scheme than http(s) (E020)."""
    if has_controls(url):
        raise FetchError("E032", url=printable(url))
    if not is_http_url(url):
        raise FetchError("E020", url=url)




__all__ = [
    "ACCEPTED_TYPES",
    "DEADLINE_ENV",
    "DEFAULT_FETCH_DEADLINE",
    "DEFAULT_MAX_BYTES",
    "FEED_TYPES",
    "HTML_TYPES",
    "REDIRECT_STATUSES",
    "USER_AGENT",
    "VAGUE_TYPES",
    "Deadline",
    "DeadlineStream",
    "FetchedPage",
    "Fetcher",
    "HttpFetcher",
    "PinnedBackend",
    "PinnedTransport",
    "Resolver",
    "check_address",
    "check_page",
    "default_fetch_deadline",
    "has_controls",
    "is_forbidden_address",
    "is_http_url",
    "media_type",
    "printable",
    "resolve_checked",
    "system_resolver",
]
