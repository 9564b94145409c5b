"""Who may do what, how much they may send, and the headers that keep pages inert.

* **Writes** (adding articles to the corpus) need the token, always, as
  ``Authorization: Bearer <token>``: a cross-site form cannot send that header, so a page on
  another site cannot write to a local corpus through the user's browser.
* **Every request that changes something** (POST, PUT, PATCH, DELETE: the API's and the pages'
  forms alike, since a comparison fills the analysis queue) goes through :class:`WriteGuard`:

  - one whose ``Origin`` (or, without one, ``Referer``) names another scheme, host or port than
    the ``Host`` it was sent to, or that the browser marks ``Sec-Fetch-Site: cross-site`` or
    ``same-site``, is refused (403, E100), and so is every CORS preflight: the server sends no
    ``Access-Control-Allow-*`` header, ever;
  - so is a read another site's page makes the browser send other than by following a link
    (an ``<img>``, a ``no-cors`` fetch: ``Sec-Fetch-Mode`` is not ``navigate``), since opening
    a story not reconciled yet starts an analysis;
  - an API ``POST`` must be ``application/json``, a content type a page on another site can
    only send after a preflight, which is refused. A form upload (``multipart/form-data``) is
    taken only with a header that also needs a preflight: the token, or the page's CSRF token
    as ``X-CSRF-Token`` (what the compare page's script sends);
  - the site's own forms carry a CSRF token (:class:`CsrfTokens`) that the handlers check.

* **Reads** (stories, comparisons, ad-hoc comparisons, jobs, the web pages) are open to clients
  on the loopback interface that also address the server by a loopback name (``127.0.0.1``,
  ``localhost``, ``[::1]``); the second condition stops a DNS-rebinding page from reading the
  corpus. Anyone else needs the token, as the header or as the cookie ``/login`` sets (so a
  browser on another machine can use the web UI once the token is typed in).
* **Bodies** are limited (:class:`BodyLimit`): a declared ``Content-Length`` over the limit is
  refused before anything is read, and a body streamed without one is cut off at the limit.
* **Pages** get a Content-Security-Policy that allows only the server's own style and script,
  so a report's text could not run a script even if it slipped past escaping.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import re
import secrets
from collections.abc import Callable
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rashomon.service.errors import ServiceError

COOKIE = "rashomon_token"
#: The CSRF nonce's cookie, the form field and the header that carry its signed token.
CSRF_COOKIE = "rashomon_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
JSON_TYPES = ("application/json",)
_DEFAULT_PORT = {"http": 80, "https": 443}
_NONCE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
LOOPBACK_NAMES = frozenset({"localhost", "localhost.", "ip6-localhost"})

#: The policy of every page the site serves; the stand-alone page carries its own (by hash).
SITE_CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# The interactive API docs load Swagger UI's script and style from its CDN.
DOCS_PATHS = ("/docs", "/redoc", "/docs/oauth2-redirect")


def is_loopback_address(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(request: Request) -> str:
    """The host the client addressed, without the port."""
    host = request.headers.get("host", "")
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def bearer(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    scheme, _, credentials = value.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    return credentials.strip()


def token_matches(given: str | None, token: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), token.encode())


def open_to(request: Request) -> bool:
    """True when reads need no token: a loopback client addressing a loopback host name."""
    client = request.client.host if request.client else None
    return is_loopback_address(client) and is_loopback_address(host_name(request))


def check_read(request: Request, token: str) -> None:
    """Let loopback reads through; everyone else shows the token (header or cookie)."""
    if open_to(request):
        return
    given = bearer(request) or request.cookies.get(COOKIE)
    if given is None:
        raise ServiceError("E092")
    if not token_matches(given, token):
        raise ServiceError("E093")


def check_write(request: Request, token: str) -> None:
    """Writes need ``Authorization: Bearer <token>``, from anywhere (a cookie is not enough:
    a browser would send it along with a cross-site form)."""
    given = bearer(request)
    if given is None:
        raise ServiceError("E092")
    if not token_matches(given, token):
        raise ServiceError("E093")


class BodyLimit:
    """ASGI middleware refusing request bodies over ``max_bytes`` with 413 (E090)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await _send_error(scope, send, ServiceError("E090", limit=self.max_bytes))
                    return
        received = 0
        limit = self.max_bytes

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    # An HTTPException: FastAPI lets it through body parsing unchanged, and the
                    # service's handler turns it into the JSON error.
                    raise ServiceError("E090", limit=limit)
            return message

        await self.app(scope, limited, send)


async def _send_error(scope: Scope, send: Send, error: ServiceError) -> None:
    body = json.dumps(error.to_dict()).encode()
    await send({
        "type": "http.response.start",
        "status": error.status_code,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ],
    })
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """ASGI middleware adding the headers that keep every response inert in a browser."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        docs = path in DOCS_PATHS

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra: list[tuple[bytes, bytes]] = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ]
                if not docs and b"content-security-policy" not in names:
                    extra.append((b"content-security-policy", SITE_CSP.encode()))
                headers += [(k, v) for k, v in extra if k not in names]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)



# -- where a request comes from ------------------------------------------------------------------
def _origin(scheme: str, netloc: str) -> tuple[str, str, int] | None:
    """``(scheme, host, port)`` with the scheme's default port filled in; None if unreadable."""
    try:
        parts = urlsplit(f"{scheme}://{netloc}")
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname or scheme not in _DEFAULT_PORT:
        return None
    return scheme, parts.hostname.lower().rstrip("."), port or _DEFAULT_PORT[scheme]


def own_origin(request: Request) -> tuple[str, str, int] | None:
    """The origin the client addressed: the request's scheme and its ``Host`` header, or what
    a reverse proxy says they were (``X-Forwarded-Proto``, ``X-Forwarded-Host``: behind a TLS
    proxy the server itself sees ``http``). Trusting those here weakens nothing: a page on
    another site cannot make a browser send them without a preflight, and they count for
    nothing but this comparison."""
    scheme = _first(request.headers.get("x-forwarded-proto")) or request.url.scheme
    host = _first(request.headers.get("x-forwarded-host")) or request.headers.get("host", "")
    return _origin(scheme.lower(), host)


def _first(value: str | None) -> str:
    return (value or "").split(",", 1)[0].strip()


def cross_site(request: Request) -> str | None:
    """The other site a request comes from, or None when it comes from this one or does not
    say (a client that is not a browser sends neither header).

    ``Origin: null`` proves nothing either way (a page with ``Referrer-Policy: no-referrer``,
    this site's own included, sends it even to itself), so then the ``Referer`` decides, or
    ``Sec-Fetch-Site``, which browsers send whatever the referrer policy.
    """
    fetch_site = request.headers.get("sec-fetch-site", "").lower()
    origin = request.headers.get("origin", "").strip()
    if origin and origin != "null":
        parts = urlsplit(origin) if "://" in origin else None
        found = _origin(parts.scheme.lower(), parts.netloc) if parts else None
        return None if found is not None and found == own_origin(request) else origin
    referer = request.headers.get("referer", "").strip()
    if referer:
        try:
            parts = urlsplit(referer)
        except ValueError:
            return "an unreadable Referer"
        found = _origin(parts.scheme.lower(), parts.netloc)
        if found is None or found != own_origin(request):
            return f"{parts.scheme}://{parts.netloc}" if parts.netloc else "an unreadable Referer"
        return None
    if fetch_site in ("cross-site", "same-site"):
        return origin or f"Sec-Fetch-Site: {fetch_site}"
    return None


def client_key(request: Request) -> str:
    """Whose share of the job queue a request counts against: its address (an IPv6 client by
    its /64, which one machine usually has whole)."""
    host = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host or "unknown"
    if address.version == 6 and not address.is_loopback:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


# -- CSRF tokens for the site's forms --------------------------------------------------------
class CsrfTokens:
    """Signed double-submit tokens: the cookie :data:`CSRF_COOKIE` holds a random nonce
    (``HttpOnly``, ``SameSite=Lax``), each form of the site a hidden :data:`CSRF_FIELD` holding
    an HMAC of that nonce under the server's secret.

    A page on another site can neither read the token nor make one: setting the cookie (a
    sibling host can) does not help without the secret. The secret comes from the API token,
    so that pages stay valid across restarts when the token is fixed.
    """

    def __init__(self, token: str) -> None:
        self._key = hmac.new(token.encode(), b"rashomon csrf v1", hashlib.sha256).digest()

    @staticmethod
    def new_nonce() -> str:
        return secrets.token_urlsafe(24)

    @staticmethod
    def nonce_of(request: Request) -> str | None:
        """The request's nonce cookie, when it looks like one of ours."""
        value = request.cookies.get(CSRF_COOKIE, "")
        return value if _NONCE.match(value) else None

    def token_for(self, nonce: str) -> str:
        return hmac.new(self._key, nonce.encode(), hashlib.sha256).hexdigest()

    def valid(self, request: Request, given: object) -> bool:
        """Whether ``given`` (a form field's or a header's value) is the token of the request's
        nonce cookie."""
        nonce = self.nonce_of(request)
        if nonce is None or not isinstance(given, str) or not given:
            return False
        return hmac.compare_digest(given.encode(), self.token_for(nonce).encode())

    def check(self, request: Request, given: object) -> None:
        """Raise E101 unless ``given`` is the request's token."""
        if not self.valid(request, given):
            raise ServiceError("E101")


# -- the guard on every write ----------------------------------------------------------------
Reply = Callable[[Request, ServiceError], Response]


class WriteGuard:
    """ASGI middleware refusing, before anything is read or routed, what a page on another site
    could make a visitor's browser send: writes from another origin, CORS preflights, and API
    ``POST`` requests whose content type needs no preflight. ``reply`` turns the refusal into
    the response (JSON for the API, a page for the site)."""

    def __init__(
        self, app: ASGIApp, *, token: str, csrf: CsrfTokens, reply: Reply
    ) -> None:
        self.app = app
        self.token = token
        self.csrf = csrf
        self.reply = reply

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        try:
            self.check(request)
        except ServiceError as refused:
            await self.reply(request, refused)(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def check(self, request: Request) -> None:
        method = request.method.upper()
        path = request.url.path
        if "\x00" in path:  # no route takes it, and a file name with one raises
            raise ServiceError("E098", method=method, path=path.replace("\x00", "\\0"))
        preflight = method == "OPTIONS" and "access-control-request-method" in request.headers
        if method not in UNSAFE_METHODS and not preflight:
            # Another site's page may link here, not load us as a resource: an <img> of a
            # story page would start its analysis on the visitor's share of the queue.
            site = request.headers.get("sec-fetch-site", "").lower()
            mode = request.headers.get("sec-fetch-mode", "").lower()
            if site in ("cross-site", "same-site") and mode != "navigate":
                raise ServiceError("E100", method=method, path=path,
                                   origin=request.headers.get("origin") or f"{site} {mode}")
            return
        other = cross_site(request)
        if preflight or other is not None:
            raise ServiceError("E100", method=method, path=path,
                               origin=other or request.headers.get("origin") or "unknown")
        if method == "POST" and (path == "/api" or path.startswith("/api/")):
            self._check_api_body(request)

    def _check_api_body(self, request: Request) -> None:
        """JSON, or a form upload with a header that also needs a preflight."""
        ctype = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if ctype in JSON_TYPES or (ctype.startswith("application/") and ctype.endswith("+json")):
            return
        if ctype == "multipart/form-data":
            given = bearer(request)
            if given is not None:
                if not token_matches(given, self.token):
                    raise ServiceError("E093")
                return
            if CSRF_HEADER in request.headers:
                self.csrf.check(request, request.headers[CSRF_HEADER])
                return
        raise ServiceError(
            "E096", status=415,
            problem=f"the API takes JSON: send 'Content-Type: application/json' (this request "
                    f"sent {ctype or 'no content type'!r}); a form upload (multipart/form-data) "
                    "also needs 'Authorization: Bearer <token>'",
        )
