"""The rashomon web service: a JSON API over the corpus and the reconciler, and the web UI.

    from rashomon.service.app import create_app
    app = create_app()                       # the default store, models loaded on first use
    # uvicorn.run(app, host="127.0.0.1", port=8000), or: rashomon serve

API (OpenAPI schema at ``/openapi.json``, interactive docs at ``/docs``; see ``docs/service.md``):

=========================================  =========================================================
``GET  /api/health``                        version, store, models loaded, jobs
``POST /api/articles``                      add one article (token)
``POST /api/articles/batch``                add many (token)
``GET  /api/articles/{id}``                 one stored article (the id may hold ``/``)
``GET  /api/stories``                       list and search stories (``limit``, ``offset``,
                                            ``search``)
``GET  /api/stories/{id}``                  one story and its articles
``GET  /api/stories/{id}/comparison``       its reconciliation (cached in the corpus)
``POST /api/compare``                       compare pasted (JSON) or uploaded (multipart) reports
``POST /api/jobs/compare``                  the same as a job: answers at once with its id
``GET  /api/jobs/{id}``                     a job's state, progress and, once done, result
=========================================  =========================================================

Errors are ``{"error": {"code": "E0xx", "message": "..."}}`` with the HTTP status that fits
(:mod:`rashomon.service.errors`). Who may do what, and why a page on another site can make a
visitor's browser do none of it: :mod:`rashomon.service.security`.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from rashomon._version import __version__
from rashomon.corpus.api import Corpus
from rashomon.errors import RashomonError
from rashomon.model import Comparison
from rashomon.render.html import render_html, standalone_csp
from rashomon.render.markdown import render_markdown
from rashomon.render.storyline import conflict_series, when_label
from rashomon.service.errors import ServiceError, error_body, status_for

# The request bodies and their reading live in rashomon.service.inputs (the UI reads them too);
# they are re-exported here, where they were first defined.
from rashomon.service.inputs import (
    FORM_TYPES,
    ArticleBatch,
    ArticleIn,
    CompareIn,
    describe_errors,
    read_compare_body,
    read_form,
    storable_text,
    submit_job,
)
from rashomon.service.jobs import Job
from rashomon.service.security import (
    BodyLimit,
    CsrfTokens,
    SecurityHeaders,
    WriteGuard,
    check_read,
    check_write,
    client_key,
)
from rashomon.service.state import Limits, Service, resolve_token
from rashomon.service.ui import error_page, ui_router

if TYPE_CHECKING:
    from rashomon.reconcile import Reconciler

log = logging.getLogger("rashomon.service")

__all__ = [
    "FORM_TYPES",
    "ArticleBatch",
    "ArticleIn",
    "CompareIn",
    "Limits",
    "create_app",
    "describe_errors",
    "read_compare_body",
    "read_form",
    "storable_text",
    "submit_job",
]


# -- request and response bodies ---------------------------------------------------------------
class ErrorDetail(BaseModel):
    code: str = Field(..., examples=["E061"])
    message: str = Field(..., examples=["no story with id '42'"])


class ErrorOut(BaseModel):
    error: ErrorDetail


OUTCOMES = ("new", "near_duplicate", "duplicate", "skipped", "failed")


class OutcomeOut(BaseModel):
    """What became of one article given to the corpus."""

    id: str
    status: Literal["new", "near_duplicate", "duplicate", "skipped", "failed"] = Field(
        ..., description="new; near_duplicate (stored, a copy of `duplicate_of`); duplicate "
        "(already stored, nothing done); skipped (not stored: not in English, `reason` says "
        "why); failed (`reason` says why)",
    )
    story_id: str | None = None
    duplicate_of: str | None = None
    reason: str | None = Field(None, examples=["language 'de', only English is analysed"])


class BatchOut(BaseModel):
    results: list[OutcomeOut]
    new: int
    near_duplicate: int
    duplicate: int
    skipped: int = Field(..., description="articles not stored because of their language")
    failed: int


class StoryOut(BaseModel):
    id: str
    title: str | None
    size: int = Field(..., description="reports, near-duplicates not counted")
    sources: list[str]
    articles: list[str]
    duplicates: dict[str, str]
    created_at: str
    updated_at: str
    latest: str | None
    links: dict[str, str] = Field(default_factory=dict)


class StoryListOut(BaseModel):
    stories: list[StoryOut]
    total: int
    limit: int
    offset: int
    search: str | None
    next: str | None
    previous: str | None


class JobOut(BaseModel):
    id: str
    kind: str
    state: Literal["queued", "running", "done", "failed"]
    progress: float = Field(..., ge=0, le=1)
    stage: str
    created: str | None
    started: str | None
    finished: str | None
    seconds: float | None
    error: ErrorDetail | None
    meta: dict[str, Any] | None = None
    links: dict[str, str]
    result: dict[str, Any] | None = Field(
        None, description="Once done: the comparison, the same JSON as `rashomon compare -f json`"
    )


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut} for status in (400, 401, 403, 404, 413, 415, 422, 429, 500)
}
Format = Literal["json", "html", "md"]


# -- the app ------------------------------------------------------------------------------------
def create_app(
    corpus: Corpus | None = None,
    reconciler: Reconciler | None = None,
    token: str | None = None,
    *,
    limits: Limits | None = None,
    preload: bool = False,
) -> FastAPI:
    """The FastAPI application: API under ``/api``, web UI at ``/``.

    ``corpus`` defaults to the default store (``$RASHOMON_DB`` or the per-user SQLite file),
    ``reconciler`` to the process-wide one (models loaded on first use, or at start with
    ``preload``), ``token`` to ``$RASHOMON_API_TOKEN`` or a random one (``app.state.token``).
    """
    owns = corpus is None
    if corpus is None:
        corpus = Corpus(None)
    if reconciler is None:
        # Only when no reconciler is given: the pipeline behind it (spaCy, PyTorch) takes
        # seconds to import, which tests and callers with their own reconciler do not pay.
        from rashomon.reconcile import default_reconciler

        reconciler = default_reconciler()
    value, source = resolve_token(token)
    limits = limits or Limits()
    service = Service(corpus, reconciler, value, limits=limits, owns_corpus=owns,
                      token_source=source)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if preload:
            threading.Thread(target=_preload, args=(service,), daemon=True,
                             name="rashomon-preload").start()
        try:
            yield
        finally:
            service.close()

    app = FastAPI(
        title="rashomon",
        version=__version__,
        summary="One event, many accounts: what the reports agree on, what only one reports, "
        "and where they contradict each other.",
        description=_API_DESCRIPTION,
        lifespan=lifespan,
        openapi_tags=[
            {"name": "articles", "description": "Add reports to the corpus (needs the token)."},
            {"name": "stories", "description": "Stories of the corpus and their reconciliation."},
            {"name": "compare",
             "description": "Compare reports given in the request; nothing is stored."},
            {"name": "jobs", "description": "Follow a long analysis."},
            {"name": "service", "description": "The server itself."},
        ],
    )
    csrf = CsrfTokens(value)
    app.state.service = service
    app.state.token = value
    app.state.token_source = source
    app.state.csrf = csrf
    # The last added runs first: headers on every answer, then the write guard (before any
    # body is read), then the body limit.
    app.add_middleware(BodyLimit, max_bytes=limits.max_body)
    app.add_middleware(WriteGuard, token=value, csrf=csrf, reply=reply_error)
    app.add_middleware(SecurityHeaders)
    _install_error_handlers(app)
    app.include_router(_api_router(service))
    app.include_router(ui_router(service))
    return app


def _preload(service: Service) -> None:
    try:
        service.load_models()
        log.info("models loaded")
    except Exception:  # the first request will try again and report the error
        log.exception("loading the models failed")


_API_DESCRIPTION = """
Reads several news reports of one event and tells what every source agrees on (corroborated),
what only one reports (single source), where they contradict each other, and where they differ
in detail; every statement points at the exact words it came from.

**Auth.** Adding articles needs `Authorization: Bearer <token>` (printed by `rashomon serve`,
or `$RASHOMON_API_TOKEN`). Everything else is open to clients on 127.0.0.1/::1 and needs the
token from anywhere else.

**Writes from browsers.** A `POST` must be `Content-Type: application/json` (a form upload,
`multipart/form-data`, also needs the token). A request whose `Origin` or `Referer` is another
site is refused (403, `E100`), and so is every CORS preflight: pages on other sites cannot
use this API through a visitor's browser.

**Fair share.** One client (address) may have 4 analyses waiting or running at once (429,
`E102`); the whole server 16 (429, `E095`).

**Errors** are `{"error": {"code": "E0xx", "message": "..."}}`.

**Limits**: 5 MB per request body, 50 reports per comparison, 1000 articles per batch, 100
stories per page.
"""


def _api_router(service: Service) -> APIRouter:
    limits = service.limits

    def reader(request: Request) -> None:
        check_read(request, service.token)

    def writer(request: Request) -> None:
        check_write(request, service.token)

    router = APIRouter(prefix="/api", responses=ERRORS)
    read = [Depends(reader)]
    write = [Depends(writer)]

    @router.get("/health", tags=["service"], dependencies=read)
    def health() -> dict[str, Any]:
        """Whether the server is up, what it runs on, and how busy it is."""
        return {
            "status": "ok",
            "version": __version__,
            "store": getattr(service.corpus.store, "backend", type(service.corpus.store).__name__),
            "models_loaded": service.models_loaded,
            "jobs": service.jobs.counts(),
            "limits": {"max_body": limits.max_body, "max_reports": limits.max_reports,
                       "max_batch": limits.max_batch, "max_page": limits.max_page},
        }

    # -- articles ------------------------------------------------------------------------------
    @router.post("/articles", tags=["articles"], dependencies=write, status_code=201,
                 response_model=OutcomeOut)
    def add_article(article: ArticleIn, response: Response) -> dict[str, Any]:
        """Add one report to the corpus; it joins a story (or starts one). Idempotent: the
        same text again answers ``duplicate`` (200). A report not in English is not stored:
        ``skipped`` (200), with the reason."""
        outcome = service.add_articles([article.to_article()])[0]
        if outcome.status not in ("new", "near_duplicate"):
            response.status_code = 200
        return _outcome(outcome)

    @router.post("/articles/batch", tags=["articles"], dependencies=write, status_code=201,
                 response_model=BatchOut)
    def add_articles(batch: ArticleBatch, response: Response) -> dict[str, Any]:
        """Add many reports at once (up to 1000), e.g. the lines of a JSONL file; one outcome
        per report, and how many of each (reports not in English are ``skipped``)."""
        if len(batch.articles) > limits.max_batch:
            raise ServiceError("E091", count=len(batch.articles), limit=limits.max_batch)
        outcomes = service.add_articles([a.to_article() for a in batch.articles])
        results = [_outcome(o) for o in outcomes]
        counts = {k: sum(1 for r in results if r["status"] == k) for k in OUTCOMES}
        if not counts["new"] and not counts["near_duplicate"]:
            response.status_code = 200
        return {"results": results, **counts}

    @router.get("/articles/{article_id:path}", tags=["articles"], dependencies=read)
    def get_article(article_id: str) -> dict[str, Any]:
        """One stored article, its text, and the story it belongs to. An id may hold ``/``
        (``basil/...``): send it as it is or encoded (``basil%2F...``)."""
        stored = service.corpus.article(article_id)
        return {
            **stored.article.to_dict(),
            "story_id": stored.story_id,
            "duplicate_of": stored.duplicate_of,
            "ingested_at": stored.ingested_at,
            "fingerprint": stored.fingerprint,
        }

    # -- stories -------------------------------------------------------------------------------
    @router.get("/stories", tags=["stories"], dependencies=read, response_model=StoryListOut)
    def list_stories(
        request: Request,
        limit: int = Query(limits.page_size, ge=1, le=limits.max_page),
        offset: int = Query(0, ge=0, le=limits.max_offset),
        search: str | None = Query(None, max_length=limits.max_search,
                                   description="words to look for"),
    ) -> dict[str, Any]:
        """Stories, biggest and newest first; with ``search``, the best match first."""
        words = (search or "").strip() or None
        total = service.corpus.count_stories(words)
        stories = service.corpus.stories(limit=limit, offset=offset, search=words)
        base = str(request.url.remove_query_params(["offset"]))

        def page(at: int) -> str:
            sep = "&" if "?" in base else "?"
            return f"{base}{sep}offset={at}"

        return {
            "stories": [_story(s) for s in stories],
            "total": total, "limit": limit, "offset": offset, "search": words,
            "next": page(offset + limit) if offset + limit < total else None,
            "previous": page(max(0, offset - limit)) if offset > 0 else None,
        }

    @router.get("/stories/{story_id}", tags=["stories"], dependencies=read)
    def get_story(story_id: str) -> dict[str, Any]:
        """One story: its summary and its articles (without their text)."""
        story = service.corpus.story(story_id)
        articles = service.corpus.articles_of(story_id, include_duplicates=True)
        return {
            **_story(story),
            "reports": [
                {**a.to_dict(with_text=False), "words": len(a.text.split()),
                 "duplicate_of": story.duplicates.get(a.id)}
                for a in articles
            ],
        }

    @router.get(
        "/stories/{story_id}/comparison", tags=["stories"], dependencies=read,
        responses={200: {"description": "The comparison (JSON, or HTML/Markdown with "
                                        "`format`)"},
                   202: {"model": JobOut, "description": "Still being computed: follow the job"}},
    )
    def story_comparison(
        request: Request,
        story_id: str,
        format: Format = "json",
        wait: float = Query(60, ge=0, le=limits.max_wait,
                            description="seconds to wait for a result not cached yet before "
                                        "answering 202 with the job"),
    ) -> Response:
        """The story's reconciliation: the same JSON as ``rashomon compare -f json``, computed
        once and cached until the story changes."""
        comparison = story_or_job(request, story_id, wait)
        if isinstance(comparison, Response):
            return comparison
        return _formatted(comparison, format)

    def story_or_job(request: Request, story_id: str, wait: float) -> Comparison | Response:
        """The story's comparison from the cache, or computed within ``wait`` seconds, or the
        202 answer with the job that computes it."""
        # The corpus owns the cache (Corpus.compare_story fills it, with this service's
        # reconciler, in the job below); this only asks it, so nothing is computed here.
        comparison = service.corpus.cached_comparison(story_id)  # E061 when there is no story
        if comparison is None:
            job = submit_job(lambda: service.submit_story(story_id, client=client_key(request)))
            if not service.jobs.wait(job, wait):
                return _accepted(job)
            comparison = _result_or_raise(job)
        return comparison

    _PART_RESPONSES: dict[int | str, dict[str, Any]] = {
        202: {"model": JobOut, "description": "Still being computed: follow the job"},
    }

    @router.get("/stories/{story_id}/events", tags=["stories"], dependencies=read,
                responses=_PART_RESPONSES)
    def story_events(
        request: Request, story_id: str,
        wait: float = Query(60, ge=0, le=limits.max_wait,
                            description="seconds to wait for a result not cached yet"),
    ) -> Response:
        """Who did what to whom: the story's coded events (actor, CAMEO action, target,
        Goldstein weight, mood, time), the reports that carry each, and where they differ."""
        comparison = story_or_job(request, story_id, wait)
        if isinstance(comparison, Response):
            return comparison
        return JSONResponse({
            "story": story_id,
            "events": [e.to_dict() for e in comparison.events],
            "event_disagreements": [d.to_dict() for d in comparison.event_disagreements],
        })

    @router.get("/stories/{story_id}/timeline", tags=["stories"], dependencies=read,
                responses=_PART_RESPONSES)
    def story_timeline(
        request: Request, story_id: str,
        wait: float = Query(60, ge=0, le=limits.max_wait,
                            description="seconds to wait for a result not cached yet"),
    ) -> Response:
        """The story's events in order, with their resolved dates, and conflict versus
        cooperation per pair of actors."""
        comparison = story_or_job(request, story_id, wait)
        if isinstance(comparison, Response):
            return comparison
        return JSONResponse({
            "story": story_id,
            "timeline": [{**e.to_dict(), "when_label": when_label(e.when)}
                         for e in comparison.events],
            "conflict": conflict_series(comparison.events),
        })

    @router.get("/stories/{story_id}/framing", tags=["stories"], dependencies=read,
                responses=_PART_RESPONSES)
    def story_framing(
        request: Request, story_id: str,
        wait: float = Query(60, ge=0, le=limits.max_wait,
                            description="seconds to wait for a result not cached yet"),
    ) -> Response:
        """How each source tells the story: omissions, what only it carries, its lead, whose
        voices it quotes, hedges and loaded words, and word choice across sources."""
        comparison = story_or_job(request, story_id, wait)
        if isinstance(comparison, Response):
            return comparison
        framing = None if comparison.framing is None else comparison.framing.to_dict()
        return JSONResponse({"story": story_id, "framing": framing})

    # -- ad-hoc comparison ---------------------------------------------------------------------
    @router.post("/compare", tags=["compare"], dependencies=read, openapi_extra=_COMPARE_BODY,
                 responses={202: {"model": JobOut, "description": "Not done within `wait`"}})
    async def compare(
        request: Request,
        format: Format = "json",
        wait: float = Query(120, ge=0, le=limits.max_wait,
                            description="seconds to wait before answering 202 with the job"),
    ) -> Response:
        """Compare the reports in the request (pasted as JSON, or uploaded as files);
        nothing is stored. Answers with the comparison, or 202 and the job when it takes
        longer than ``wait`` seconds."""
        articles, title = await read_compare_body(request, limits)
        job = submit_job(lambda: service.submit_compare(articles, title,
                                                     client=client_key(request)))
        done = await run_in_threadpool(service.jobs.wait, job, wait)
        if not done:
            return _accepted(job)
        return _formatted(_result_or_raise(job), format, title=title)

    @router.post("/jobs/compare", tags=["jobs"], dependencies=read, status_code=202,
                 response_model=JobOut, openapi_extra=_COMPARE_BODY)
    async def compare_job(request: Request) -> Response:
        """Start comparing the reports in the request; answers at once with the job to
        follow at ``GET /api/jobs/{id}``."""
        articles, title = await read_compare_body(request, limits)
        job = submit_job(lambda: service.submit_compare(articles, title,
                                                     client=client_key(request)))
        return _accepted(job)

    @router.get("/jobs/{job_id}", tags=["jobs"], dependencies=read, response_model=JobOut)
    def get_job(job_id: str) -> dict[str, Any]:
        """A job's state and progress (0..1); once done, its result."""
        job = service.jobs.get(job_id)
        if job is None:
            raise ServiceError("E094", id=job_id, ttl=int(limits.job_ttl))
        return job_dict(job, with_result=True)

    return router


_COMPARE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": CompareIn.model_json_schema(
                ref_template="#/components/schemas/{model}")},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "array", "items": {"type": "string", "format": "binary"},
                                 "description": "report files: text, HTML or JSONL"},
                        "text": {"type": "array", "items": {"type": "string"},
                                 "description": "pasted reports"},
                        "source": {"type": "array", "items": {"type": "string"},
                                   "description": "the outlet of each pasted report"},
                        "title": {"type": "array", "items": {"type": "string"},
                                  "description": "the headline of each pasted report"},
                    },
                }
            },
        },
    }
}


def _outcome(outcome: Any) -> dict[str, Any]:
    return {
        "id": outcome.id, "status": outcome.status, "story_id": outcome.story_id,
        "duplicate_of": outcome.duplicate_of, "reason": outcome.reason,
    }


def _story(story: Any) -> dict[str, Any]:
    sid = quote(story.id, safe="")
    return {
        **story.to_dict(),
        "links": {"self": f"/api/stories/{sid}",
                  "comparison": f"/api/stories/{sid}/comparison",
                  "page": f"/stories/{sid}"},
    }


def job_dict(job: Job, *, with_result: bool) -> dict[str, Any]:
    data = job.to_dict()
    data["links"] = {"self": f"/api/jobs/{job.id}"}
    if job.kind == "compare":
        data["links"]["page"] = f"/compare/{job.id}"
    elif job.meta.get("story"):
        data["links"]["page"] = f"/stories/{quote(job.meta['story'], safe='')}"
    data["result"] = (
        job.result.to_dict() if with_result and job.state == "done" and job.result is not None
        else None
    )
    return data


def _accepted(job: Job) -> JSONResponse:
    return JSONResponse(job_dict(job, with_result=False), status_code=202,
                        headers={"Location": f"/api/jobs/{job.id}"})


def _result_or_raise(job: Job) -> Comparison:
    """The job's comparison, or its error raised again for the error handlers to answer."""
    if job.state == "done":
        return job.result
    if isinstance(job.exception, RashomonError):
        raise job.exception
    failure = ServiceError("E099", reason="the analysis failed")
    if job.error and job.error.get("message"):
        # The job wrote its E099 message already (rashomon.errors): answer it as it is.
        failure.message = failure.detail = job.error["message"]
    raise failure


def _formatted(comparison: Comparison, fmt: str, *, title: str | None = None) -> Response:
    if fmt == "html":
        page = render_html(comparison, title=title)
        return Response(page, media_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": standalone_csp()})
    if fmt == "md":
        return Response(render_markdown(comparison), media_type="text/markdown; charset=utf-8")
    body = json.dumps(comparison.to_dict(), ensure_ascii=False)
    return Response(body, media_type="application/json")


# -- errors --------------------------------------------------------------------------------------
def _wants_html(request: Request) -> bool:
    """Errors of the API are JSON; those of the site's pages are pages."""
    path = request.url.path
    return not (path == "/api" or path.startswith(("/api/", "/openapi")))


def reply_error(request: Request, exc: ServiceError) -> Response:
    """The answer to a refused request: JSON for the API, a page for the site."""
    if _wants_html(request):
        response: Response = error_page(request, exc.status_code, exc.code, exc.message)
    else:
        response = JSONResponse(error_body(exc.code, exc.message), status_code=exc.status_code)
    if exc.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="rashomon"'
    if exc.status_code == 429:
        response.headers["Retry-After"] = "10"
    return response


def _install_error_handlers(app: FastAPI) -> None:
    def reply(request: Request, status: int, code: str, message: str) -> Response:
        if _wants_html(request):
            return error_page(request, status, code, message)
        return JSONResponse(error_body(code, message), status_code=status)

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError) -> Response:
        return reply_error(request, exc)

    @app.exception_handler(RashomonError)
    async def rashomon_error(request: Request, exc: RashomonError) -> Response:
        return reply(request, status_for(exc), exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errors):
            problem = next(e for e in errors if e.get("type") == "json_invalid")
            ctx = problem.get("ctx") or {}
            bad = RashomonError("E097", what="JSON", problem=ctx.get("error", "invalid"))
            return reply(request, 400, bad.code, bad.message)
        return reply(request, 422, "E096", describe_errors(errors))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code in (404, 405):
            missing = RashomonError("E098", method=request.method, path=request.url.path)
            return reply(request, exc.status_code, missing.code, missing.message)
        if exc.status_code == 400:  # a body FastAPI or Starlette could not parse
            ctype = request.headers.get("content-type", "").lower()
            what = "JSON" if "json" in ctype else "form data"
            problem = exc.detail
            if isinstance(exc.__cause__, RecursionError):
                problem = "it is nested too deeply"
            bad = RashomonError("E097", what=what, problem=problem)
            return reply(request, 400, bad.code, bad.message)
        return reply(request, exc.status_code, "E099", str(exc.detail))

    @app.exception_handler(Exception)
    async def crashed(request: Request, exc: Exception) -> Response:
        log.exception("request %s %s failed", request.method, request.url.path)
        crash = RashomonError("E099", reason=type(exc).__name__)
        return reply(request, 500, crash.code, crash.message)
