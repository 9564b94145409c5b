"""The service over the corpus API: the comparison cache is the corpus's (one cache, shared with
``Corpus.compare_story``), articles skipped at ingest are reported as such, and the E09x
messages come from :mod:`rashomon.errors`. The reconciler is the quick stand-in."""

from __future__ import annotations

from typing import Any

from service_support import (
    AUTH,
    FLOOD,
    FLOOD_B,
    SentenceReconciler,
    article_json,
    make_app,
    make_client,
    wait_for_job,
)

from rashomon.errors import Errors, RashomonError

GERMAN = ("Der Präsident sagte am Dienstag, dass die Verhandlungen mit der Regierung in der "
          "kommenden Woche fortgesetzt werden. Die Opposition kritisierte die Entscheidung "
          "und forderte eine Abstimmung im Parlament.")
FLOOD_C = ("Floods hit the city of Valencia on Tuesday. The army was sent to help. "
           "The mayor said the river rose three metres overnight.")


def _story_of(client: Any) -> str:
    stories = client.get("/api/stories").json()["stories"]
    assert len(stories) == 1, stories
    return str(stories[0]["id"])


# -- the comparison cache is the corpus's --------------------------------------------------------
def test_a_comparison_cached_by_the_corpus_is_served_without_reconciling(corpus: Any) -> None:
    served = SentenceReconciler()
    app = make_app(corpus, served)
    with make_client(app) as client:
        client.post("/api/articles/batch", headers=AUTH, json={"articles": [
            article_json(1, FLOOD), article_json(2, FLOOD_B)]})
        story_id = _story_of(client)
        # Another writer of the same store (a CLI, a script) reconciles the story first ...
        elsewhere = SentenceReconciler()
        computed = corpus.compare_story(story_id, reconciler=elsewhere)
        assert elsewhere.calls == 1
        # ... and the API and the story page answer from that cache, computing nothing.
        response = client.get(f"/api/stories/{story_id}/comparison", params={"wait": 0})
        assert response.status_code == 200, response.text
        assert response.json()["facts"] == computed.to_dict()["facts"]
        page = client.get(f"/stories/{story_id}")
        assert page.status_code == 200 and "data-job=" not in page.text
        assert "Floods hit the city of Valencia on Tuesday." in page.text
        assert served.calls == 0


def test_the_service_fills_the_corpus_cache_with_its_own_reconciler(corpus: Any) -> None:
    served = SentenceReconciler()
    app = make_app(corpus, served)
    with make_client(app) as client:
        client.post("/api/articles/batch", headers=AUTH, json={"articles": [
            article_json(1, FLOOD), article_json(2, FLOOD_B)]})
        story_id = _story_of(client)
        assert corpus.cached_comparison(story_id) is None
        first = client.get(f"/api/stories/{story_id}/comparison")
        assert first.status_code == 200 and served.calls == 1
        # The corpus now holds it, under the story's members: compare_story answers from it
        # without any reconciler (one that would fail proves none is called).
        cached = corpus.cached_comparison(story_id)
        assert cached is not None and cached.to_dict()["facts"] == first.json()["facts"]
        broken = SentenceReconciler(fail=RuntimeError("must not be called"))
        assert corpus.compare_story(story_id, reconciler=broken).to_dict()["facts"] == \
            first.json()["facts"]
        assert broken.calls == 0

        # A third report joins the story: the cached comparison no longer fits its members,
        # so the next request reconciles again, with the service's reconciler.
        client.post("/api/articles", headers=AUTH, json=article_json(3, FLOOD_C))
        assert corpus.story(story_id).size == 3
        assert corpus.cached_comparison(story_id) is None
        again = client.get(f"/api/stories/{story_id}/comparison")
        assert again.status_code == 200 and served.calls == 2
        assert again.json()["summary"]["documents"] == 3


# -- articles skipped at ingest -------------------------------------------------------------------
def test_a_report_not_in_english_is_skipped_with_the_reason(client: Any) -> None:
    one = client.post("/api/articles", headers=AUTH, json=article_json(1, GERMAN))
    assert one.status_code == 200, one.text
    out = one.json()
    assert out["status"] == "skipped" and out["story_id"] is None
    assert out["reason"] == "language 'de', only English is analysed"
    assert client.get("/api/articles/art-1").status_code == 404  # not stored

    batch = client.post("/api/articles/batch", headers=AUTH, json={"articles": [
        article_json(2, FLOOD), article_json(3, GERMAN, id="de-2"), article_json(4, FLOOD_B)]})
    assert batch.status_code == 201, batch.text
    body = batch.json()
    assert (body["new"] + body["near_duplicate"], body["skipped"], body["duplicate"],
            body["failed"]) == (2, 1, 0, 0)
    by_id = {r["id"]: r for r in body["results"]}
    assert set(by_id) == {"art-2", "de-2", "art-4"}
    assert by_id["de-2"]["status"] == "skipped" and "'de'" in by_id["de-2"]["reason"]
    assert by_id["art-2"]["status"] == "new" and by_id["art-2"]["reason"] is None

    only_skipped = client.post("/api/articles/batch", headers=AUTH, json={"articles": [
        article_json(5, GERMAN, id="de-3")]})
    assert only_skipped.status_code == 200  # nothing was created
    assert only_skipped.json()["skipped"] == 1 and only_skipped.json()["new"] == 0


def test_the_schema_documents_skipped_outcomes(client: Any) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert "skipped" in schemas["OutcomeOut"]["properties"]["status"]["enum"]
    assert "skipped" in schemas["BatchOut"]["required"]


# -- messages from rashomon.errors ---------------------------------------------------------------
def test_a_crashed_job_says_e099_once_in_the_words_of_rashomon_errors(corpus: Any) -> None:
    app = make_app(corpus, SentenceReconciler(fail=RuntimeError("boom")))
    expected = Errors.E099.format(reason="RuntimeError: boom")
    with make_client(app) as client:
        job = client.post("/api/jobs/compare", json={"reports": [{"text": FLOOD}]}).json()
        failed = wait_for_job(client, job["id"])
        assert failed["error"] == {"code": "E099", "message": expected}
        answered = client.post("/api/compare", json={"reports": [{"text": FLOOD}]})
        assert answered.status_code == 500
        assert answered.json()["error"] == {"code": "E099", "message": expected}


def test_unknown_routes_and_bad_json_use_the_catalogue(client: Any) -> None:
    missing = client.get("/api/nothing-here")
    assert missing.json()["error"]["message"] == \
        RashomonError("E098", method="GET", path="/api/nothing-here").message
    bad = client.post("/api/articles", headers={**AUTH, "content-type": "application/json"},
                      content=b"{not json")
    assert bad.status_code == 400
    assert bad.json()["error"]["message"].startswith(Errors.E097.split("{")[0])
    assert "JSON" in bad.json()["error"]["message"]
