"""The write path in a real browser (headless Chromium, no models: the stand-in reconciler):
the site's own compare form works with and without JavaScript, and a page on another site
that posts a form or calls the API through the visitor's browser starts nothing.

What this checks that the TestClient tests cannot: the headers Chromium really sends. Under
the site's ``no-referrer`` policy its own form posts carry ``Origin: null`` (with
``Sec-Fetch-Site: same-origin``), and the pages of another site send their origin, or
``null`` with ``Sec-Fetch-Site: cross-site``. Skipped like the other browser tests when
Playwright or Chromium is missing.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from typing import Any

import pytest
from service_support import FLOOD, FLOOD_B, LiveServer, SentenceReconciler, make_app

pytestmark = [pytest.mark.browser]

ATTACKS = {
    # a form that posts itself, as any page can
    "form": """<form method="post" action="{target}/compare" enctype="multipart/form-data">
      <textarea name="text">{text}</textarea><textarea name="text">{text}</textarea></form>
      <script>document.forms[0].submit();</script>""",
    # the same from a page that sends no referrer: Origin is null then
    "form-no-referrer": """<meta name="referrer" content="no-referrer">
      <form method="post" action="{target}/compare"><input name="text" value="{text}">
      <input name="text" value="{text}"></form><script>document.forms[0].submit();</script>""",
    # a story page (not reconciled yet) loaded as an image: it would start the analysis
    "img": """<img src="{target}/stories/s1"><img src="{target}/api/stories/s1/comparison">
      <script>fetch("{target}/stories/s1", {{mode: "no-cors"}});</script>""",
    # fetch without a preflight: text/plain, and a form upload
    "fetch": """<script>
      var body = JSON.stringify({{reports: [{{text: "{text}"}}, {{text: "{text}"}}]}});
      fetch("{target}/api/jobs/compare", {{method: "POST", mode: "no-cors", body: body,
             headers: {{"Content-Type": "text/plain"}}}}).catch(function () {{}});
      var form = new FormData(); form.append("text", "{text}"); form.append("text", "{text}");
      fetch("{target}/api/jobs/compare", {{method: "POST", mode: "no-cors", body: form,
             credentials: "include"}}).catch(function () {{}});
      fetch("{target}/api/jobs/compare", {{method: "POST", body: body, credentials: "include",
             headers: {{"Content-Type": "application/json"}}}})
        .then(function () {{ document.title = "read it"; }},
              function () {{ document.title = "blocked"; }});
    </script>""",
}


def attacker_app() -> Any:
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    def page(request: Any) -> HTMLResponse:
        body = ATTACKS[request.path_params["name"]].format(
            target=request.query_params["target"], text=FLOOD)
        return HTMLResponse(f"<!doctype html><title>win a prize</title>{body}")

    return Starlette(routes=[Route("/{name}", page)])


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[Any, LiveServer, LiveServer]]:
    from rashomon.corpus.api import Corpus
    from rashomon.corpus.store import NewArticle
    from rashomon.model import Article

    corpus = Corpus(tempfile.mkdtemp(prefix="rashomon-browser-") + "/c.sqlite3")
    corpus.store.write_batch([  # a story not reconciled yet: opening it starts an analysis
        NewArticle(article=Article(id=f"a{k}", text=text), features=b"f", signature=b"s",
                   story_id="s1") for k, text in enumerate((FLOOD, FLOOD_B))])
    app = make_app(corpus, SentenceReconciler())
    try:
        with LiveServer(app) as site, LiveServer(attacker_app()) as evil:
            yield app, site, evil
    finally:
        corpus.close()


def jobs_started(app: Any) -> int:
    return int(sum(app.state.service.jobs.counts().values()))


@pytest.mark.parametrize("javascript", [True, False])
def test_the_site_compare_form_works(servers: Any, browser: Any, javascript: bool
                                     ) -> None:
    app, site, _ = servers
    before = jobs_started(app)
    context = browser.new_context(java_script_enabled=javascript)
    try:
        page = context.new_page()
        page.goto(site.url + "/compare")
        page.fill("#text-1", FLOOD)
        page.fill("#text-2", FLOOD_B)
        page.click("#compare-go")
        page.wait_for_url(f"{site.url}/compare/*", timeout=60_000)
        page.locator(".rsh").wait_for(timeout=60_000)
        assert "Who reports what" in page.content()
        assert jobs_started(app) == before + 1
    finally:
        context.close()


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_a_page_on_another_site_starts_nothing(servers: Any, browser: Any,
                                               attack: str) -> None:
    app, site, evil = servers
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(site.url + "/compare")  # the visitor has used the site: it has its cookies
        before = jobs_started(app)
        # another site: "localhost" is not "127.0.0.1"
        attacker = evil.url.replace("127.0.0.1", "localhost")
        page.goto(f"{attacker}/{attack}?target={site.url}")
        time.sleep(1.5)  # the form posts, the fetches run
        assert jobs_started(app) == before
        if attack.startswith("form"):
            assert "E100" in page.content()  # the refusal, as a page of the site
        elif attack != "img":
            assert page.title() in ("blocked", "win a prize")  # no CORS: nothing to read
    finally:
        context.close()
