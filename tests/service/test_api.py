"""The JSON API, network-free (FastAPI's TestClient): every endpoint, auth, limits, errors,
pagination, jobs. The reconciler is the quick stand-in of conftest.py."""

from __future__ import annotations

import io
import json
import threading
import time
from typing import Any

import pytest
from service_support import (
    AUTH,
    FLOOD,
    FLOOD_B,
    LOOPBACK,
    TOKEN,
    TOPICS,
    SentenceReconciler,
    article_json,
    csrf_token,
    make_app,
    make_client,
    wait_for_job,
)

from rashomon.errors import StorageError


def add(client: Any, *articles: dict[str, Any]) -> Any:
    return client.post("/api/articles/batch", json={"articles": list(articles)}, headers=AUTH)


def error_of(response: Any) -> dict[str, str]:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message"}
    assert body["error"]["message"]
    return body["error"]


# -- service -----------------------------------------------------------------------------------
def test_health_openapi_and_docs(client: Any) -> None:
    health = client.get("/api/health").json()
    assert health["status"] == "ok"
    assert health["store"] == "sqlite"
    assert health["limits"]["max_reports"] == 50
    schema = client.get("/openapi.json").json()
    paths = set(schema["paths"])
    assert {"/api/articles", "/api/articles/batch", "/api/articles/{article_id}",
            "/api/stories", "/api/stories/{story_id}", "/api/stories/{story_id}/comparison",
            "/api/compare", "/api/jobs/compare", "/api/jobs/{job_id}"} <= paths
    assert not any(p.startswith("/stories") or p == "/" for p in paths)  # UI is not API
    compare_body = schema["paths"]["/api/compare"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(compare_body)
    docs = client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


# -- articles ----------------------------------------------------------------------------------
def test_add_article_needs_the_token(client: Any, remote: Any) -> None:
    body = article_json(1, FLOOD)
    for c in (client, remote):
        missing = c.post("/api/articles", json=body)
        assert missing.status_code == 401
        assert error_of(missing)["code"] == "E092"
        assert missing.headers["www-authenticate"].startswith("Bearer")
        wrong = c.post("/api/articles", json=body, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and error_of(wrong)["code"] == "E093"
    # a cookie is not enough for a write (a cross-site form would carry it)
    client.cookies.set("rashomon_token", TOKEN)
    assert client.post("/api/articles", json=body).status_code == 401


def test_add_one_article_then_again(client: Any) -> None:
    created = client.post("/api/articles", json=article_json(1, FLOOD), headers=AUTH)
    assert created.status_code == 201, created.text
    out = created.json()
    assert out["id"] == "art-1" and out["status"] == "new" and out["story_id"]
    again = client.post("/api/articles", json=article_json(1, FLOOD), headers=AUTH)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    stored = client.get("/api/articles/art-1").json()
    assert stored["text"] == FLOOD and stored["source"] == "Outlet 1"
    assert stored["story_id"] == out["story_id"]


def test_article_without_id_gets_a_stable_one(client: Any) -> None:
    first = client.post("/api/articles", json={"text": FLOOD}, headers=AUTH).json()
    assert first["id"].startswith("sha1-")
    second = client.post("/api/articles", json={"text": FLOOD}, headers=AUTH).json()
    assert second["id"] == first["id"] and second["status"] == "duplicate"


def test_batch_and_its_limits(corpus: Any, reconciler: Any) -> None:
    app = make_app(corpus, reconciler, max_batch=3)
    with make_client(app) as client:
        done = add(client, article_json(1, FLOOD), article_json(2, FLOOD_B))
        assert done.status_code == 201
        body = done.json()
        assert body["new"] + body["near_duplicate"] == 2 and len(body["results"]) == 2
        too_many = add(client, *[article_json(k, f"{FLOOD} {k}") for k in range(4)])
        assert too_many.status_code == 413 and error_of(too_many)["code"] == "E091"
        empty = client.post("/api/articles/batch", json={"articles": []}, headers=AUTH)
        assert empty.status_code == 422 and error_of(empty)["code"] == "E096"
        blank = client.post("/api/articles", json={"text": "   "}, headers=AUTH)
        assert blank.status_code == 422 and "empty" in error_of(blank)["message"]
        notext = client.post("/api/articles", json={"id": "x"}, headers=AUTH)
        assert notext.status_code == 422 and "text" in error_of(notext)["message"]


def test_unknown_article(client: Any) -> None:
    missing = client.get("/api/articles/nope")
    assert missing.status_code == 404 and error_of(missing)["code"] == "E062"


# -- stories -----------------------------------------------------------------------------------
def _fill(client: Any) -> None:
    rows = [article_json(k, text, id=f"t{k}", title=title)
            for k, (title, text) in enumerate(TOPICS.items())]
    assert add(client, *rows).status_code == 201


def test_list_stories_paginated_and_searched(client: Any) -> None:
    _fill(client)
    first = client.get("/api/stories", params={"limit": 2}).json()
    assert first["total"] == len(TOPICS) and len(first["stories"]) == 2
    assert first["limit"] == 2 and first["offset"] == 0 and first["previous"] is None
    assert "offset=2" in first["next"]
    seen = [s["id"] for s in first["stories"]]
    page = first
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [s["id"] for s in page["stories"]]
    assert len(seen) == len(set(seen)) == len(TOPICS)
    assert page["previous"] is not None
    story = first["stories"][0]
    assert story["links"]["comparison"] == f"/api/stories/{story['id']}/comparison"
    assert {"title", "size", "sources", "articles", "latest"} <= set(story)
    found = client.get("/api/stories", params={"search": "volcano"}).json()
    assert found["total"] >= 1 and found["search"] == "volcano"
    assert "volcano" in found["stories"][0]["title"].lower()
    none = client.get("/api/stories", params={"search": "zzyzx"}).json()
    assert none["total"] == 0 and none["stories"] == []


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1},
                                    {"search": "x" * 201}, {"limit": "many"}])
def test_story_list_caps(client: Any, params: dict[str, Any]) -> None:
    response = client.get("/api/stories", params=params)
    assert response.status_code == 422
    assert error_of(response)["code"] == "E096"


def test_one_story_and_its_comparison(client: Any, reconciler: SentenceReconciler) -> None:
    add(client, article_json(1, FLOOD), article_json(2, FLOOD_B))
    story_id = client.get("/api/stories").json()["stories"][0]["id"]
    story = client.get(f"/api/stories/{story_id}").json()
    assert story["size"] == 2 and [r["id"] for r in story["reports"]] == ["art-1", "art-2"]
    assert "text" not in story["reports"][0]

    response = client.get(f"/api/stories/{story_id}/comparison")
    assert response.status_code == 200, response.text
    data = response.json()
    assert set(data) >= {"documents", "facts", "contradictions", "entities", "quotes", "brief",
                         "summary"}
    assert data["summary"]["documents"] == 2
    assert data["summary"]["corroborated"] == 2  # the two shared sentences
    assert data["summary"]["single_source"] == 2
    fact = data["facts"][0]
    assert {"status", "evidence", "details", "documents", "differs_in_detail"} <= set(fact)
    for span in fact["evidence"]:
        doc = next(d for d in data["documents"] if d["id"] == span["document"])
        assert doc["text"][span["start"]:span["end"]] == span["text"]

    calls = reconciler.calls
    again = client.get(f"/api/stories/{story_id}/comparison").json()
    assert reconciler.calls == calls  # from the corpus cache
    assert again["facts"] == data["facts"]

    md = client.get(f"/api/stories/{story_id}/comparison", params={"format": "md"})
    assert md.headers["content-type"].startswith("text/markdown")
    assert md.text.startswith("# Reconciliation")
    page = client.get(f"/api/stories/{story_id}/comparison", params={"format": "html"})
    assert page.headers["content-type"].startswith("text/html")
    assert "sha256-" in page.headers["content-security-policy"]
    assert "'unsafe-inline'" not in page.headers["content-security-policy"]
    bad = client.get(f"/api/stories/{story_id}/comparison", params={"format": "pdf"})
    assert bad.status_code == 422


def test_story_events_timeline_and_framing(client: Any, reconciler: SentenceReconciler) -> None:
    add(client, article_json(1, FLOOD), article_json(2, FLOOD_B))
    story_id = client.get("/api/stories").json()["stories"][0]["id"]
    events = client.get(f"/api/stories/{story_id}/events")
    assert events.status_code == 200, events.text
    data = events.json()
    assert data["story"] == story_id and len(data["events"]) == 2
    first = data["events"][0]
    assert first["cameo"] == "010" and first["documents"] == ["art-1", "art-2"]
    assert first["target"] == {"name": "the city", "code": "CTY", "entity": None}
    calls = reconciler.calls
    timeline = client.get(f"/api/stories/{story_id}/timeline").json()
    assert reconciler.calls == calls  # the cached comparison, read back whole
    assert [e["id"] for e in timeline["timeline"]] == ["E1", "E2"]
    assert timeline["timeline"][0]["when"] == "2026-01-06"
    assert timeline["timeline"][1]["when_label"] == "undated"
    assert timeline["conflict"][0]["points"][0]["goldstein"] == 0.0
    framing = client.get(f"/api/stories/{story_id}/framing").json()
    assert framing["framing"] == {"sources": [{"document": "art-1"}, {"document": "art-2"}]}
    schema = client.get("/openapi.json").json()
    assert {f"/api/stories/{{story_id}}/{part}" for part in ("events", "timeline", "framing")} \
        <= set(schema["paths"])


def test_unknown_story(client: Any) -> None:
    for path in ("/api/stories/nope", "/api/stories/nope/comparison", "/api/stories/nope/events",
                 "/api/stories/nope/timeline", "/api/stories/nope/framing"):
        response = client.get(path)
        assert response.status_code == 404 and error_of(response)["code"] == "E061"


def test_story_comparison_answers_202_while_it_runs(corpus: Any) -> None:
    gate = threading.Event()
    app = make_app(corpus, SentenceReconciler(gate=gate))
    with make_client(app) as client:
        add(client, article_json(1, FLOOD), article_json(2, FLOOD_B))
        story_id = client.get("/api/stories").json()["stories"][0]["id"]
        pending = client.get(f"/api/stories/{story_id}/comparison", params={"wait": 0})
        assert pending.status_code == 202
        job = pending.json()
        assert pending.headers["location"] == f"/api/jobs/{job['id']}"
        assert job["kind"] == "story" and job["state"] in ("queued", "running")
        # the same story asked again joins the same job
        second = client.get(f"/api/stories/{story_id}/comparison", params={"wait": 0}).json()
        assert second["id"] == job["id"]
        gate.set()
        done = wait_for_job(client, job["id"])
        assert done["state"] == "done" and done["progress"] == 1
        assert done["result"]["summary"]["documents"] == 2
        assert client.get(f"/api/stories/{story_id}/comparison").status_code == 200


# -- ad-hoc comparison -------------------------------------------------------------------------
def test_compare_json(client: Any, corpus: Any) -> None:
    reports = [{"source": "A", "text": FLOOD}, {"source": "B", "text": FLOOD_B}]
    response = client.post("/api/compare", json={"reports": reports})
    assert response.status_code == 200, response.text
    data = response.json()
    assert [d["id"] for d in data["documents"]] == ["report-1", "report-2"]
    assert data["summary"]["corroborated"] == 2
    assert corpus.count_stories() == 0  # nothing stored
    md = client.post("/api/compare", params={"format": "md"}, json={"reports": reports})
    assert md.text.startswith("# Reconciliation")


def test_compare_errors(corpus: Any, reconciler: Any) -> None:
    app = make_app(corpus, reconciler, max_reports=3)
    with make_client(app) as client:
        over = client.post("/api/compare", json={"reports": [{"text": f"r{k}"} for k in range(4)]})
        assert over.status_code == 413 and error_of(over)["code"] == "E091"
        empty = client.post("/api/compare", json={"reports": []})
        assert empty.status_code == 422 and error_of(empty)["code"] == "E096"
        broken = client.post("/api/compare", content=b'{"reports": [', headers={
            "content-type": "application/json"})
        assert broken.status_code == 400 and error_of(broken)["code"] == "E097"
        odd = client.post("/api/compare", content=b"hello", headers={"content-type": "text/csv"})
        assert odd.status_code == 415 and error_of(odd)["code"] == "E096"
        twins = client.post("/api/compare", json={"reports": [{"id": "x", "text": FLOOD},
                                                              {"id": "x", "text": FLOOD_B}]})
        assert twins.status_code == 422 and error_of(twins)["code"] == "E010"
        blank_form = client.post("/api/compare", data={"text": ["", "  "]}, headers=AUTH,
                                 files=[("file", ("", b"", "text/plain"))])  # multipart
        assert blank_form.status_code == 422 and error_of(blank_form)["code"] == "E040"


def test_compare_uploads_and_pasted_text(client: Any) -> None:
    html = (b"<html><head><title>Valencia floods</title></head><body><article><h1>Valencia "
            b"floods</h1><p>" + FLOOD_B.encode() + b"</p><p>" + FLOOD_B.encode()
            + b"</p></article></body></html>")
    jsonl = json.dumps({"id": "wire-1", "source": "Wire", "text": FLOOD}).encode() + b"\n"
    response = client.post(
        "/api/compare", headers=AUTH,  # a form upload needs the token (or the page's CSRF)
        data={"text": [FLOOD], "source": ["Pasted Daily"], "title": ["Floods"]},
        files=[("file", ("a report.txt", io.BytesIO(FLOOD.encode()), "text/plain")),
               ("file", ("b.html", io.BytesIO(html), "text/html")),
               ("file", ("c.jsonl", io.BytesIO(jsonl), "application/x-ndjson"))],
    )
    assert response.status_code == 200, response.text
    docs = response.json()["documents"]
    ids = [d["id"] for d in docs]
    assert ids[0] == "pasted-1" and docs[0]["source"] == "Pasted Daily"
    assert "a_report.txt" in ids and "wire-1" in ids and len(ids) == 4
    assert not any("rashomon-upload" in (d["id"] or "") for d in docs)


def test_uploads_never_fetch_addresses(client: Any) -> None:
    feeds = b"https://example.org/feed.xml\nhttps://example.org/other\n"
    response = client.post("/api/compare", headers=AUTH, files=[
        ("file", ("feeds.txt", io.BytesIO(feeds), "text/plain"))])
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "E022" and "does not fetch" in error["message"]


def test_bad_upload_names_the_file_not_the_temp_folder(client: Any) -> None:
    response = client.post("/api/compare", headers=AUTH, files=[
        ("file", ("empty.txt", io.BytesIO(b""), "text/plain"))])
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "E001" and error["message"].startswith("empty.txt")


# -- jobs --------------------------------------------------------------------------------------
def test_compare_job_with_progress(corpus: Any) -> None:
    gate = threading.Event()
    app = make_app(corpus, SentenceReconciler(gate=gate))
    with make_client(app) as client:
        started = client.post("/api/jobs/compare", json={"reports": [{"text": FLOOD},
                                                                     {"text": FLOOD_B}],
                                                         "title": "Floods"})
        assert started.status_code == 202
        job = started.json()
        assert started.headers["location"] == job["links"]["self"] == f"/api/jobs/{job['id']}"
        assert job["links"]["page"] == f"/compare/{job['id']}"
        assert job["result"] is None and 0 <= job["progress"] < 1
        running = client.get(f"/api/jobs/{job['id']}").json()
        assert running["state"] in ("queued", "running") and running["result"] is None
        gate.set()
        done = wait_for_job(client, job["id"])
        assert done["state"] == "done" and done["progress"] == 1.0 and done["error"] is None
        assert done["result"]["summary"]["documents"] == 2
        assert done["meta"]["title"] == "Floods"


def test_unknown_job(client: Any) -> None:
    response = client.get("/api/jobs/doesnotexist")
    assert response.status_code == 404 and error_of(response)["code"] == "E094"


def test_full_queue_answers_429(corpus: Any) -> None:
    gate = threading.Event()
    app = make_app(corpus, SentenceReconciler(gate=gate), max_pending=1)
    with make_client(app) as client:
        body = {"reports": [{"text": FLOOD}]}
        assert client.post("/api/jobs/compare", json=body).status_code == 202
        busy = client.post("/api/jobs/compare", json=body)
        assert busy.status_code == 429 and error_of(busy)["code"] == "E095"
        assert busy.headers["retry-after"]
        gate.set()


def test_a_failing_analysis_is_a_500_with_a_code(corpus: Any) -> None:
    app = make_app(corpus, SentenceReconciler(fail=RuntimeError("boom")))
    with make_client(app) as client:
        response = client.post("/api/compare", json={"reports": [{"text": FLOOD}]})
        assert response.status_code == 500
        error = error_of(response)
        assert error["code"] == "E099" and "boom" in error["message"]
        job = client.post("/api/jobs/compare", json={"reports": [{"text": FLOOD}]}).json()
        failed = wait_for_job(client, job["id"])
        assert failed["state"] == "failed" and failed["error"]["code"] == "E099"


def test_store_errors_are_mapped(corpus: Any, reconciler: Any, monkeypatch: Any) -> None:
    app = make_app(corpus, reconciler)

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise StorageError("E068", url="test.sqlite3", reason="disk full")

    monkeypatch.setattr(corpus, "count_stories", broken)
    with make_client(app) as client:
        response = client.get("/api/stories")
        assert response.status_code == 500 and error_of(response)["code"] == "E068"


def test_an_unexpected_error_is_a_500_with_a_code(corpus: Any, reconciler: Any,
                                                  monkeypatch: Any) -> None:
    app = make_app(corpus, reconciler)
    monkeypatch.setattr(corpus, "count_stories", lambda *a, **k: 1 / 0)
    with make_client(app, raise_server_exceptions=False) as client:
        response = client.get("/api/stories")
        assert response.status_code == 500
        assert error_of(response)["code"] == "E099"
        assert "ZeroDivisionError" in error_of(response)["message"]


# -- limits ------------------------------------------------------------------------------------
def test_body_limit(corpus: Any, reconciler: Any) -> None:
    app = make_app(corpus, reconciler, max_body=2000)
    with make_client(app) as client:
        big = {"reports": [{"text": "word " * 1000}]}
        declared = client.post("/api/compare", json=big)
        assert declared.status_code == 413 and error_of(declared)["code"] == "E090"

        def chunks() -> Any:  # no Content-Length: the limit counts what arrives
            for _ in range(10):
                yield b"x" * 500

        streamed = client.post("/api/compare", content=chunks(),
                               headers={"content-type": "application/json"})
        assert streamed.status_code == 413 and error_of(streamed)["code"] == "E090"
        upload = client.post("/api/compare", headers=AUTH, files=[
            ("file", ("big.txt", io.BytesIO(b"x" * 5000), "text/plain"))])
        assert upload.status_code == 413
        small = client.post("/api/compare", json={"reports": [{"text": FLOOD}]})
        assert small.status_code == 200


# -- who may read ------------------------------------------------------------------------------
def test_reads_are_open_on_loopback_only(app: Any, client: Any, remote: Any) -> None:
    assert client.get("/api/stories").status_code == 200
    refused = remote.get("/api/stories")
    assert refused.status_code == 401 and error_of(refused)["code"] == "E092"
    assert remote.get("/api/stories", headers=AUTH).status_code == 200
    wrong = remote.get("/api/stories", headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 401 and error_of(wrong)["code"] == "E093"
    assert remote.post("/api/compare", json={"reports": [{"text": FLOOD}]}).status_code == 401
    # a page on a rebinding domain reaches loopback, but names another host: not open
    with make_client(app, LOOPBACK, host="evil.example.com") as rebound:
        assert rebound.get("/api/stories").status_code == 401
    with make_client(app, ("::1", 5000), host="[::1]:8000") as v6:
        assert v6.get("/api/stories").status_code == 200
    with make_client(app, LOOPBACK, host="localhost:8000") as named:
        assert named.get("/api/stories").status_code == 200


def test_login_cookie_lets_a_remote_browser_read(remote: Any) -> None:
    page = remote.get("/")
    assert page.status_code == 401 and 'action="/login"' in page.text
    csrf = csrf_token(remote, "/")  # the sign-in form carries its CSRF token
    wrong = remote.post("/login", data={"token": "nope", "next": "/", "csrf_token": csrf})
    assert wrong.status_code == 401
    ok = remote.post("/login", data={"token": TOKEN, "next": "//evil.example",
                                     "csrf_token": csrf}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/"
    cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert remote.get("/").status_code == 200
    assert remote.get("/api/stories").status_code == 200
    out = remote.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303
    remote.cookies.clear()
    assert remote.get("/api/stories").status_code == 401


# -- errors ------------------------------------------------------------------------------------
def test_unknown_routes_and_methods(client: Any) -> None:
    missing = client.get("/api/nothing-here")
    assert missing.status_code == 404 and error_of(missing)["code"] == "E098"
    wrong = client.delete("/api/stories")
    assert wrong.status_code == 405 and error_of(wrong)["code"] == "E098"
    page = client.get("/nothing-here")
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "E098" in page.text


def test_security_headers(client: Any) -> None:
    page = client.get("/")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    api = client.get("/api/health")
    assert api.headers["x-content-type-options"] == "nosniff"
    assert "content-security-policy" not in client.get("/docs").headers


def test_models_are_loaded_once(client: Any, reconciler: SentenceReconciler) -> None:
    for _ in range(3):
        client.post("/api/compare", json={"reports": [{"text": FLOOD}]})
    assert reconciler.loaded == 1 and reconciler.calls == 3
    assert client.get("/api/health").json()["models_loaded"] is True


def test_a_remote_request_cannot_guess_the_job(remote: Any, client: Any) -> None:
    job = client.post("/api/jobs/compare", json={"reports": [{"text": FLOOD}]}).json()
    assert len(job["id"]) >= 16
    assert remote.get(f"/api/jobs/{job['id']}").status_code == 401
    time.sleep(0)  # the job finishes on its own
