"""The web UI's pages, network-free: story list, story page, compare (with and without the job
API), and what a report full of markup becomes on every page (text, never markup)."""

from __future__ import annotations

import json
import re
import threading
from html.parser import HTMLParser
from typing import Any

from service_support import (
    AUTH,
    FLOOD,
    FLOOD_B,
    SAME_ORIGIN,
    TOPICS,
    SentenceReconciler,
    article_json,
    csrf_token,
    make_app,
    make_client,
    wait_for_job,
)


class Page(HTMLParser):
    """What a page is made of: its tags with attributes, its scripts, its visible text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.text: list[str] = []
        self._script: dict[str, str | None] | None = None
        self._buffer: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script = dict(attrs)
            self._buffer = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._buffer)))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._buffer.append(data)
        else:
            self.text.append(data)

    @property
    def visible(self) -> str:
        return "".join(self.text)

    def attrs(self) -> list[tuple[str, str, str | None]]:
        return [(tag, k, v) for tag, attrs in self.tags for k, v in attrs.items()]


def assert_inert(page: Page) -> None:
    """No markup from data: only the site's own scripts, no event handlers, no odd URLs."""
    for attrs, body in page.scripts:
        if attrs.get("type") == "application/json":
            json.loads(body)  # data, and it parses
            assert "</" not in body and "<" not in body
        else:
            assert attrs.get("src", "").split("?")[0] in ("/static/report.js", "/static/site.js")
            assert not body.strip()
    for tag, name, value in page.attrs():
        assert not name.startswith("on"), (tag, name, value)
        if name in ("href", "src", "action") and value:
            assert not value.strip().lower().startswith(("javascript:", "data:", "vbscript:"))
    assert not any(tag in ("img", "iframe", "object", "embed", "style") for tag, _ in page.tags)
    # The site's logo, and the charts (whose SVG is rebuilt from an allow-list: no script,
    # no event handler, no link; checked above and in tests/render/test_charts.py).
    assert sum(tag == "svg" and "chart-svg" not in (a.get("class") or "")
               for tag, a in page.tags) <= 1


EVIL_TEXT = ("Breaking: <script>alert('pwned')</script> and <img src=x onerror=alert(2)> in "
             "the city. </script><script>alert(3)</script> The mayor said “we are fine” "
             "\u2028 twice. Floods hit the city of Valencia on Tuesday.")
EVIL = {
    "id": "evil-1",
    "source": '"><svg onload=alert(4)>',
    "title": "</title><script>alert(5)</script> Valencia",
    "url": "javascript:alert(6)",
    "published": "2026-02-03",
    "text": EVIL_TEXT,
}


def test_a_report_with_markup_is_shown_as_text(client: Any) -> None:
    """Posted through the API, a report full of HTML and scripts shows as text everywhere."""
    assert client.post("/api/articles/batch", headers=AUTH, json={"articles": [
        EVIL, article_json(2, FLOOD + " " + FLOOD_B)]}).status_code == 201
    stories = client.get("/")
    listing = Page(stories.text)
    assert_inert(listing)
    assert "</title><script>alert(5)</script> Valencia" in listing.visible
    story_id = client.get("/api/articles/evil-1").json()["story_id"]
    client.get(f"/api/stories/{story_id}/comparison")  # reconcile it

    response = client.get(f"/stories/{story_id}")
    assert response.status_code == 200
    html = response.text
    page = Page(html)
    assert_inert(page)
    visible = page.visible
    assert "<script>alert('pwned')</script>" in visible  # shown, as text
    assert "<img src=x onerror=alert(2)>" in visible
    assert '"><svg onload=alert(4)>' in visible
    assert "<script>alert" not in html and "<img" not in html and "<svg onload" not in html
    assert "javascript:" not in [v for _, k, v in page.attrs() if k == "href"]
    # the data the script reads holds the same text, safely escaped
    data = next(json.loads(body) for attrs, body in page.scripts
                if attrs.get("type") == "application/json")
    texts = {d["id"]: d["text"] for d in data["documents"]}
    assert texts["evil-1"] == EVIL_TEXT
    assert "\u2028" not in html.split('id="rsh-data">', 1)[1].split("</script>", 1)[0]

    standalone = client.get(f"/api/stories/{story_id}/comparison", params={"format": "html"})
    doc = Page(standalone.text)
    inline = [body for attrs, body in doc.scripts if not attrs.get("type")]
    assert len(inline) == 1 and "alert(" not in inline[0]
    assert "<script>alert" not in standalone.text
    assert "<script>alert('pwned')</script>" in doc.visible


def test_story_list_page(client: Any) -> None:
    client.post("/api/articles/batch", headers=AUTH, json={"articles": [
        article_json(1, FLOOD, title="Valencia floods", source="Reuters"),
        article_json(2, FLOOD_B, title="Valencia under water", source="AP")]})
    page = client.get("/")
    assert page.status_code == 200
    visible = Page(page.text).visible
    assert "Valencia floods" in visible and "Reuters" in visible and "AP" in visible
    assert re.search(r"2\s*reports", visible)
    assert 'name="q"' in page.text
    found = client.get("/", params={"q": "Valencia"})
    assert "Valencia floods" in found.text and "matching" in Page(found.text).visible
    missing = client.get("/", params={"q": "zzyzx"})
    assert "No story matches" in Page(missing.text).visible
    empty_page = client.get("/", params={"page": "999"})  # clamped to the last page
    assert empty_page.status_code == 200 and "Valencia floods" in empty_page.text


def test_story_list_pages(corpus: Any, reconciler: Any) -> None:
    app = make_app(corpus, reconciler, page_size=2)
    with make_client(app) as client:
        client.post("/api/articles/batch", headers=AUTH, json={"articles": [
            article_json(k, text, title=title) for k, (title, text) in enumerate(TOPICS.items())
        ]})
        first = client.get("/").text
        assert "Page 1 of 3" in first and 'rel="next" href="/?page=2"' in first
        last = client.get("/", params={"page": 3}).text
        assert "Page 3 of 3" in last and 'rel="prev"' in last


def test_story_page_waits_for_the_job_then_shows_the_view(corpus: Any) -> None:
    gate = threading.Event()
    app = make_app(corpus, SentenceReconciler(gate=gate))
    with make_client(app) as client:
        client.post("/api/articles/batch", headers=AUTH, json={"articles": [
            article_json(1, FLOOD), article_json(2, FLOOD_B)]})
        story_id = client.get("/api/stories").json()["stories"][0]["id"]
        waiting = client.get(f"/stories/{story_id}")
        assert waiting.status_code == 200
        assert '<meta http-equiv="refresh" content="2">' in waiting.text  # inside <noscript>
        assert "data-job-url=" in waiting.text and "<progress" in waiting.text
        gate.set()
        job_id = re.search(r'data-job="([^"]+)"', waiting.text).group(1)
        assert wait_for_job(client, job_id)["state"] == "done"
        shown = client.get(f"/stories/{story_id}")
        page = Page(shown.text)
        assert 'class="rsh"' in shown.text and "Who reports what" in page.visible
        assert "/static/report.js" in shown.text and "/static/report.css" in shown.text
        assert "Floods hit the city of Valencia on Tuesday." in page.visible


def test_story_page_of_an_unknown_story(client: Any) -> None:
    response = client.get("/stories/nope")
    assert response.status_code == 404 and "E061" in response.text
    assert response.headers["content-type"].startswith("text/html")


def test_compare_page_without_javascript(client: Any, corpus: Any) -> None:
    form = client.get("/compare")
    assert form.status_code == 200
    assert 'enctype="multipart/form-data"' in form.text and 'name="text"' in form.text
    posted = client.post("/compare", data={
        "story_title": "Floods", "text": [FLOOD, FLOOD_B, ""],
        "source": ["Reuters", "AP", ""], "title": ["", "", ""],
        "csrf_token": csrf_token(client)}, follow_redirects=False)
    assert posted.status_code == 303
    target = posted.headers["location"]
    assert target.startswith("/compare/")
    job_id = target.rsplit("/", 1)[1]
    assert wait_for_job(client, job_id)["state"] == "done"
    result = client.get(target)
    page = Page(result.text)
    assert result.status_code == 200 and "Who reports what" in page.visible
    assert "Reuters" in page.visible and "nothing was stored" in page.visible
    assert corpus.count_stories() == 0


def test_compare_page_errors_are_shown_on_the_form(client: Any) -> None:
    response = client.post("/compare", data={"text": ["", ""], "csrf_token": csrf_token(client)})
    assert response.status_code == 422
    assert "E040" in response.text and 'id="compare-form"' in response.text
    unknown = client.get("/compare/nope")
    assert unknown.status_code == 404 and "E094" in unknown.text


def test_compare_through_the_job_api_as_the_page_script_does(client: Any) -> None:
    """site.js posts the form (multipart, as FormData does) with the page's CSRF token as the
    X-CSRF-Token header: a header that needs a preflight from another site."""
    token = csrf_token(client)
    started = client.post("/api/jobs/compare", data={"text": [FLOOD, FLOOD_B],
                                                     "source": ["A", "B"], "title": ["", ""]},
                          files=[("file", ("", b"", "text/plain"))],
                          headers={**SAME_ORIGIN, "X-CSRF-Token": token})
    assert started.status_code == 202
    job = started.json()
    done = wait_for_job(client, job["id"])
    assert done["state"] == "done"
    page = client.get(done["links"]["page"])
    assert page.status_code == 200 and 'class="rsh"' in page.text


def test_static_assets(client: Any) -> None:
    for path, kind in [("/static/report.css", "text/css"), ("/static/report.js",
                       "text/javascript"), ("/static/site.css", "text/css"),
                       ("/static/site.js", "text/javascript"),
                       ("/static/favicon.svg", "image/svg+xml")]:
        response = client.get(path)
        assert response.status_code == 200 and response.headers["content-type"].startswith(kind)
        assert "max-age" in response.headers["cache-control"]
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/static/nothing.css").status_code == 404


def test_pages_work_for_a_remote_browser_with_the_token(app: Any) -> None:
    with make_client(app, ("198.51.100.7", 4000), host="news.example.org") as remote:
        assert remote.get("/compare").status_code == 401
        csrf = csrf_token(remote, "/login")
        remote.post("/login", data={"token": "wrong", "csrf_token": csrf})
        assert remote.get("/compare").status_code == 401
        from service_support import TOKEN

        remote.post("/login", data={"token": TOKEN, "next": "/compare", "csrf_token": csrf})
        assert remote.get("/compare").status_code == 200


def test_a_failing_story_shows_its_error_instead_of_retrying(corpus: Any) -> None:
    reconciler = SentenceReconciler(fail=RuntimeError("the model is broken"))
    app = make_app(corpus, reconciler)
    with make_client(app) as client:
        client.post("/api/articles/batch", headers=AUTH, json={"articles": [
            article_json(1, FLOOD), article_json(2, FLOOD_B)]})
        story_id = client.get("/api/stories").json()["stories"][0]["id"]
        first = client.get(f"/stories/{story_id}")
        found = re.search(r'data-job="([^"]+)"', first.text)
        if found:  # still running when the page was made
            assert wait_for_job(client, found.group(1))["state"] == "failed"
        for _ in range(3):  # the reloading page sees the error, and starts nothing new
            again = client.get(f"/stories/{story_id}")
            assert again.status_code == 500
            assert "E099" in again.text and "the model is broken" in again.text
        api = client.get(f"/api/stories/{story_id}/comparison")
        assert api.status_code == 500 and api.json()["error"]["code"] == "E099"
        assert reconciler.calls == 1
