"""The write path against pages on other sites: what a page the local user visits could make
their browser send (a form posted across sites, a ``fetch`` without a preflight) is refused,
the site's own forms work with their CSRF token, no CORS is granted, and one client flooding
the analysis queue is held to its share while another still gets in."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from service_support import (
    AUTH,
    FLOOD,
    FLOOD_B,
    SAME_ORIGIN,
    SentenceReconciler,
    article_json,
    csrf_token,
    make_app,
    make_client,
)

EVIL = {"Origin": "http://evil.example"}
FORM = {"text": [FLOOD, FLOOD_B], "source": ["A", "B"], "title": ["", ""]}
REPORTS = {"reports": [{"text": FLOOD}, {"text": FLOOD_B}]}


def error_of(response: Any) -> dict[str, str]:
    if response.headers["content-type"].startswith("application/json"):
        return response.json()["error"]  # type: ignore[no-any-return]
    code = next(c for c in ("E100", "E101", "E096") if c in response.text)
    return {"code": code}


def no_cors(response: Any) -> None:
    assert not [h for h in response.headers if h.lower().startswith("access-control-")]


@pytest.fixture
def gated(corpus: Any) -> Iterator[tuple[Any, threading.Event]]:
    """An app whose analyses wait for the gate, so that jobs stay queued."""
    gate = threading.Event()
    app = make_app(corpus, SentenceReconciler(gate=gate))
    try:
        yield app, gate
    finally:
        gate.set()


def queued(app: Any) -> int:
    counts = app.state.service.jobs.counts()
    return int(counts["queued"] + counts["running"])


# -- pages on other sites ----------------------------------------------------------------------
def test_a_cross_origin_form_post_starts_nothing(gated: Any) -> None:
    """``POST /compare`` from a form on http://evil.example: refused before the body is read,
    even with a valid token in it (a page cannot get one, but the origin alone decides)."""
    app, _ = gated
    with make_client(app) as client:
        token = csrf_token(client)
        for headers in (EVIL, {"Origin": "http://127.0.0.1:9999"},  # another port
                        {"Origin": "https://127.0.0.1:8000"},  # another scheme
                        {"Origin": "http://localhost:8000"},  # another host name
                        {"Referer": "http://evil.example/page.html"},
                        {"Origin": "null", "Sec-Fetch-Site": "cross-site"}):
            response = client.post("/compare", data={**FORM, "csrf_token": token},
                                   headers=headers, follow_redirects=False)
            assert response.status_code == 403, (headers, response.text)
            assert error_of(response)["code"] == "E100"
            assert response.headers["content-type"].startswith("text/html")
            no_cors(response)
        assert queued(app) == 0


def test_cross_site_api_writes_are_refused(gated: Any) -> None:
    """What a page can send without a preflight: a form (urlencoded or multipart), text/plain,
    no content type at all; and JSON from another origin (which would need a preflight)."""
    app, _ = gated
    with make_client(app) as client:
        for path in ("/api/jobs/compare", "/api/compare?wait=0", "/api/articles"):
            urlencoded = client.post(path, data=FORM)
            assert urlencoded.status_code == 415, urlencoded.text
            assert error_of(urlencoded)["code"] == "E096"
            assert "application/json" in error_of(urlencoded)["message"]
            multipart = client.post(path, data=FORM, files=[("file", ("", b"", "text/plain"))])
            assert multipart.status_code == 415
            plain = client.post(path, content=b'{"reports": [{"text": "x"}]}',
                                headers={"content-type": "text/plain"})
            assert plain.status_code == 415
            untyped = client.post(path, content=b'{"reports": [{"text": "x"}]}')
            assert untyped.status_code == 415
            foreign = client.post(path, json=REPORTS, headers=EVIL)
            assert foreign.status_code == 403 and error_of(foreign)["code"] == "E100"
            for response in (urlencoded, multipart, plain, untyped, foreign):
                no_cors(response)
        # with the token, even the foreign origin cannot add articles
        added = client.post("/api/articles", json=article_json(1, FLOOD),
                            headers={**AUTH, **EVIL})
        assert added.status_code == 403
        assert queued(app) == 0


def test_another_site_may_link_here_but_not_load_pages_as_resources(gated: Any) -> None:
    """``<img src=".../stories/ID">`` on another site would start the story's analysis on the
    visitor's share of the queue; following a link to it still works."""
    app, _ = gated
    with make_client(app) as client:
        client.post("/api/articles/batch", headers=AUTH, json={"articles": [
            article_json(1, FLOOD), article_json(2, FLOOD_B)]})
        story = client.get("/api/stories").json()["stories"][0]["id"]
        for path in (f"/stories/{story}", f"/api/stories/{story}/comparison?wait=0"):
            for site in ("cross-site", "same-site"):
                loaded = client.get(path, headers={"Sec-Fetch-Site": site,
                                                   "Sec-Fetch-Mode": "no-cors",
                                                   "Sec-Fetch-Dest": "image"})
                assert loaded.status_code == 403 and error_of(loaded)["code"] == "E100"
        assert queued(app) == 0
        followed = client.get(f"/stories/{story}", headers={
            "Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate",
            "Sec-Fetch-Dest": "document"})
        assert followed.status_code == 200 and queued(app) == 1  # a link, followed: fine
        own = client.get("/api/stories", headers={"Sec-Fetch-Site": "same-origin",
                                                  "Sec-Fetch-Mode": "cors"})
        assert own.status_code == 200


def test_no_cors_preflight_is_granted(client: Any) -> None:
    for path in ("/api/jobs/compare", "/api/articles", "/compare"):
        preflight = client.options(path, headers={
            **EVIL, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})
        assert preflight.status_code == 403, preflight.text
        no_cors(preflight)
    no_cors(client.get("/api/stories", headers=EVIL))  # a read, even: no CORS header


def test_same_origin_writes_still_work(corpus: Any, reconciler: Any) -> None:
    """The site's form with its token, as a browser posts it (real browsers send ``Origin:
    null`` under this site's ``no-referrer`` policy, with ``Sec-Fetch-Site: same-origin``);
    the page's script through the API; and clients that are not browsers."""
    app = make_app(corpus, reconciler)
    with make_client(app) as client:
        token = csrf_token(client)
        for headers in (SAME_ORIGIN, {"Origin": "null", "Sec-Fetch-Site": "same-origin"},
                        {"Referer": "http://127.0.0.1:8000/compare"}, {}):
            posted = client.post("/compare", data={**FORM, "csrf_token": token},
                                 headers=headers, follow_redirects=False)
            assert posted.status_code == 303, (headers, posted.text)
            assert posted.headers["location"].startswith("/compare/")
        script = client.post("/api/jobs/compare", data=FORM,
                             files=[("file", ("", b"", "text/plain"))],
                             headers={**SAME_ORIGIN, "X-CSRF-Token": token})
        assert script.status_code == 202, script.text
        assert client.post("/api/jobs/compare", json=REPORTS,
                           headers=SAME_ORIGIN).status_code == 202
        assert client.post("/api/articles", json=article_json(1, FLOOD),
                           headers={**AUTH, **SAME_ORIGIN}).status_code == 201
        assert client.post("/api/jobs/compare", json=REPORTS).status_code == 202  # curl
        with make_client(app, host="localhost:8000") as named:  # Origin matches Host
            assert named.post("/api/jobs/compare", json=REPORTS, headers={
                "Origin": "http://localhost:8000"}).status_code == 202


def test_behind_a_tls_proxy_the_forwarded_origin_counts(corpus: Any, reconciler: Any) -> None:
    """nginx in front, TLS there: the server sees http and the Host nginx passes on; the
    browser's Origin is https. X-Forwarded-Proto/-Host say what the browser addressed."""
    app = make_app(corpus, reconciler)
    with make_client(app, host="news.example.org") as proxied, \
            make_client(app, host="127.0.0.1:8000") as inner:  # nginx passed its own Host on
        proxied.headers.update(AUTH)  # not loopback by name: reads need the token
        browser = {"Origin": "https://news.example.org"}
        assert proxied.post("/api/jobs/compare", json=REPORTS, headers={
            **browser, "X-Forwarded-Proto": "https"}).status_code == 202
        assert proxied.post("/api/jobs/compare", json=REPORTS, headers={
            **browser, "X-Forwarded-Proto": "https, http"}).status_code == 202
        assert proxied.post("/api/jobs/compare", json=REPORTS,
                            headers=browser).status_code == 403  # http://news.example.org:80
        foreign = proxied.post("/api/jobs/compare", json=REPORTS, headers={
            **EVIL, "X-Forwarded-Proto": "https"})
        assert foreign.status_code == 403
        assert inner.post("/api/jobs/compare", json=REPORTS, headers={
            "Origin": "https://news.example.org", "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "news.example.org"}).status_code == 202


def test_forms_without_their_token_are_refused(gated: Any) -> None:
    app, _ = gated
    with make_client(app) as client:
        token = csrf_token(client)
        missing = client.post("/compare", data=FORM, headers=SAME_ORIGIN)
        assert missing.status_code == 403 and "E101" in missing.text
        assert 'id="compare-form"' in missing.text  # the form again, to send once more
        wrong = client.post("/compare", data={**FORM, "csrf_token": "0" * 64})
        assert wrong.status_code == 403 and "E101" in wrong.text
        script = client.post("/api/jobs/compare", data=FORM,
                             files=[("file", ("", b"", "text/plain"))],
                             headers={"X-CSRF-Token": "0" * 64})
        assert script.status_code == 403 and error_of(script)["code"] == "E101"
        bad_bearer = client.post("/api/jobs/compare", data=FORM,
                                 files=[("file", ("", b"", "text/plain"))],
                                 headers={"Authorization": "Bearer nope"})
        assert bad_bearer.status_code == 401
        # a token is worth nothing with another browser's cookie (double submit, signed)
        with make_client(app) as other:
            other.get("/compare")
            stolen = other.post("/compare", data={**FORM, "csrf_token": token})
            assert stolen.status_code == 403 and "E101" in stolen.text
            other.cookies.set("rashomon_csrf", "forged-nonce-of-the-attacker-0001")
            forged = other.post("/compare", data={**FORM, "csrf_token": token})
            assert forged.status_code == 403
        logout = client.post("/logout")
        assert logout.status_code == 403
        assert queued(app) == 0


def test_every_post_form_of_the_site_carries_the_token(client: Any, remote: Any) -> None:
    for c, path in ((client, "/compare"), (remote, "/login"), (remote, "/")):
        page = c.get(path)
        assert page.text.count('name="csrf_token"') == page.text.count('method="post"') >= 1
    cookie = client.get("/compare").headers.get("set-cookie", "")
    # the first page set the cookie already; a page does not change it again
    assert "rashomon_csrf" not in cookie


# -- a fair share of the queue -------------------------------------------------------------------
def test_a_flooding_client_does_not_lock_out_another(gated: Any) -> None:
    """The old behaviour: 16 jobs from one client and everyone got 429. Now one client may
    have 4 waiting or running; past that it gets 429 (E102) while another still gets in."""
    app, gate = gated
    with make_client(app, ("192.0.2.10", 5000)) as flooder, \
            make_client(app, ("192.0.2.20", 5000)) as other:
        flooder.headers.update(AUTH)  # not on loopback: reads need the token
        other.headers.update(AUTH)
        answers = [flooder.post("/api/jobs/compare", json=REPORTS) for _ in range(20)]
        codes = [a.status_code for a in answers]
        assert codes[:4] == [202] * 4 and set(codes[4:]) == {429}, codes
        refused = answers[-1]
        assert error_of(refused)["code"] == "E102" and refused.headers["retry-after"]
        assert queued(app) == 4
        assert other.post("/api/jobs/compare", json=REPORTS).status_code == 202
        page = other.post("/compare", data={**FORM, "csrf_token": csrf_token(other)},
                          follow_redirects=False)
        assert page.status_code == 303  # the form path shares the same limits
        gate.set()


def test_the_whole_queue_still_has_its_limit(corpus: Any) -> None:
    gate = threading.Event()
    app = make_app(corpus, SentenceReconciler(gate=gate), max_pending=3,
                   max_pending_per_client=2)
    try:
        with contextlib.ExitStack() as stack:
            clients = [stack.enter_context(make_client(app, (f"192.0.2.{k + 1}", 5000)))
                       for k in range(4)]
            answers = [c.post("/api/jobs/compare", json=REPORTS, headers=AUTH)
                       for c in clients]
            assert [a.status_code for a in answers] == [202, 202, 202, 429]
            assert error_of(answers[-1])["code"] == "E095"
    finally:
        gate.set()


def test_ipv6_clients_share_their_64() -> None:
    from starlette.requests import Request

    from rashomon.service.security import client_key

    def key(host: str) -> str:
        return client_key(Request({"type": "http", "client": (host, 1), "headers": []}))

    assert key("2001:db8:1:2::5") == key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert key("2001:db8:1:3::5") != key("2001:db8:1:2::5")
    assert key("192.0.2.1") != key("192.0.2.2")
    assert key("::1") == "::1"
