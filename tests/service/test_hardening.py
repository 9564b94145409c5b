"""Requests that used to break the service: ids holding ``/``, JSON nested deep enough to
overflow the parser's stack, a NUL in a path, and a huge report that made a story page of tens
of megabytes. Each is answered with a coded 4xx, or a page of bounded size."""

from __future__ import annotations

import re
import time
from typing import Any
from urllib.parse import quote

import pytest
from service_support import AUTH, FLOOD, FLOOD_B, SentenceReconciler, make_app, make_client

from rashomon.corpus.store import NewArticle
from rashomon.model import Article

SLASHED = "basil/2b95d2cf-e979-4f9c-ae27-9a5370934f23_1"


def error_of(response: Any) -> dict[str, str]:
    body = response.json()
    assert set(body) == {"error"}, body
    return body["error"]  # type: ignore[no-any-return]


def store_story(corpus: Any, story_id: str, *articles: Article) -> None:
    """Articles written straight into the store (the store keeps the feature bytes only),
    so that a test needs neither the embedding model nor the time it takes on megabytes."""
    corpus.store.write_batch([
        NewArticle(article=a, features=b"features", signature=b"signature", story_id=story_id)
        for a in articles
    ])


def wait_for_page(client: Any, path: str, timeout: float = 30.0) -> Any:
    """The story page once its reconciliation is done (the job page until then)."""
    deadline = time.monotonic() + timeout
    while True:
        page = client.get(path)
        if 'class="rsh"' in page.text or time.monotonic() > deadline:
            return page
        time.sleep(0.05)


# -- ids with a slash ----------------------------------------------------------------------------
def test_an_article_id_with_a_slash(client: Any, corpus: Any) -> None:
    store_story(corpus, "s1", Article(id=SLASHED, text=FLOOD, title="Floods", source="NYT"))
    for path in (f"/api/articles/{quote(SLASHED, safe='')}", f"/api/articles/{SLASHED}"):
        response = client.get(path)
        assert response.status_code == 200, (path, response.text)
        assert response.json()["id"] == SLASHED and response.json()["story_id"] == "s1"
    missing = client.get("/api/articles/basil%2Fnope")
    assert missing.status_code == 404 and error_of(missing)["code"] == "E062"
    page = client.get(f"/articles/{quote(SLASHED, safe='')}")
    assert page.status_code == 200 and FLOOD in page.text
    assert 'href="/stories/s1"' in page.text


# -- JSON that overflows a recursive parser ------------------------------------------------------
@pytest.mark.parametrize("path", ["/api/compare", "/api/jobs/compare", "/api/articles",
                                  "/api/articles/batch"])
def test_json_nested_200000_deep_is_a_400(client: Any, path: str) -> None:
    deep = b'{"reports": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    response = client.post(path, content=deep, headers={**AUTH,
                                                        "content-type": "application/json"})
    assert response.status_code == 400, response.text[:300]
    error = error_of(response)
    assert error["code"] == "E097" and "nested too deeply" in error["message"]


def test_strings_no_store_or_answer_can_hold_are_a_422(client: Any) -> None:
    """A lone surrogate escaped in JSON cannot be encoded in a UTF-8 answer; a NUL cannot be
    stored in PostgreSQL: refused up front rather than failing later with a 500."""
    for text in ('"Floods \\ud800 hit."', '"Floods \\u0000 hit."'):
        body = '{"reports": [{"text": ' + text + "}]}"
        compared = client.post("/api/compare", content=body.encode(),
                               headers={"content-type": "application/json"})
        assert compared.status_code == 422 and error_of(compared)["code"] == "E096"
        added = client.post("/api/articles", content=('{"text": ' + text + "}").encode(),
                            headers={**AUTH, "content-type": "application/json"})
        assert added.status_code == 422 and error_of(added)["code"] == "E096"


# -- a NUL in a path -----------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/static/site.css%00.js", "/static/%00", "/stories/a%00b",
                                  "/api/articles/a%00b", "/articles/x%00"])
def test_a_nul_in_the_path_is_a_404(client: Any, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404, response.text[:300]
    assert "E098" in response.text


def test_static_names_are_plain(client: Any) -> None:
    assert client.get("/static/site.css").status_code == 200
    for name in ("..%2Fapp.py", ".hidden.css", "site.css%20", "a%5Cb.css"):
        assert client.get(f"/static/{name}").status_code == 404, name


# -- a huge report -------------------------------------------------------------------------------
def huge_text(chars: int = 4_000_000) -> str:
    """A report of about ``chars`` characters; markup past the first 20,000 (text, always)."""
    paragraph = ("The river rose three metres overnight, officials said, and the mayor "
                 "ordered the evacuation of the lower town. ")
    head = FLOOD + "\n\n" + paragraph * 200
    tail = "\n\n<script>alert('late')</script> The end of the report."
    body = (paragraph * (chars // len(paragraph) + 1))[: chars - len(head) - len(tail)]
    return head + body + tail


def test_a_story_with_a_huge_report_is_a_page_of_bounded_size(corpus: Any) -> None:
    """The issue's case: one 4 MB report made the story page 25 MB (2.8 s). The page shows
    the first 20,000 characters of each report and links to the whole text."""
    big = huge_text()
    store_story(corpus, "big", Article(id=SLASHED, text=big, title="The long report"),
                Article(id="short", text=FLOOD_B, title="A short one"))
    app = make_app(corpus, SentenceReconciler())
    with make_client(app) as client:
        started = time.monotonic()
        page = wait_for_page(client, "/stories/big")
        assert page.status_code == 200 and 'class="rsh"' in page.text
        assert len(page.content) < 600_000, len(page.content)  # was > 20 MB
        shown = client.get("/stories/big")  # the rendered view is kept: quick the second time
        assert len(shown.content) == len(page.content)
        assert time.monotonic() - started < 30
        whole = f"/articles/{quote(SLASHED, safe='')}"
        assert f'href="{whole}"' in page.text
        assert re.search(r"shows the first 1?9,\d{3} of 4,000,000 characters", page.text)
        assert FLOOD_B in page.text  # the short report, whole
        assert "alert(&#x27;late&#x27;)" not in page.text  # past the cut
        full = client.get(whole)
        assert full.status_code == 200
        assert "&lt;script&gt;alert(&#39;late&#39;)&lt;/script&gt;" in full.text
        assert "<script>alert" not in full.text
        assert len(full.content) > 4_000_000  # the whole text is there, escaped
        api = client.get("/api/stories/big/comparison").json()  # the API keeps it all
        assert next(d for d in api["documents"] if d["id"] == SLASHED)["text"] == big


def test_a_compared_huge_report_links_to_its_whole_text(client: Any) -> None:
    big = huge_text(300_000)
    started = client.post("/api/jobs/compare", json={"reports": [
        {"text": big, "title": "Long"}, {"text": FLOOD_B}]})
    job = started.json()
    page = wait_for_page(client, f"/compare/{job['id']}")
    assert page.status_code == 200 and len(page.content) < 400_000
    link = f"/compare/{job['id']}/reports/1"
    assert f'href="{link}"' in page.text
    whole = client.get(link)
    assert whole.status_code == 200 and len(whole.content) > 300_000
    assert "&lt;script&gt;" in whole.text
    assert client.get(f"/compare/{job['id']}/reports/3").status_code == 404
    assert client.get(f"/compare/{job['id']}/reports/x").status_code == 404
