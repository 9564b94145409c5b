"""Who may do what, how much they may send, and the headers that keep pages inert.

* **Writes** (adding articles to the corpus) need the token, always, as
  ``Authorization: Bearer <token>``: a cross-site form cannot send that header, so a page on
  another site cannot write to a local corpus through the user's browser.
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

import hmac
import ipaddress
import json

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rashomon.service.errors import ServiceError

COOKIE = "rashomon_token"
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

