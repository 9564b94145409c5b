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
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

import rashomon
from rashomon.errors import RashomonError
from rashomon.model import Article, Comparison
from rashomon.service.errors import ServiceError, error_body, status_for
from rashomon.service.jobs import ClientQueueFull, Job, QueueFull
from rashomon.service.security import (
    BodyLimit,
    CsrfTokens,
    SecurityHeaders,
    WriteGuard,
    check_read,
    check_write,
    client_key,
)
from rashomon.service.state import (
    Limits,
    Service,
    article_id,
    read_uploads,
    resolve_token,
)

if TYPE_CHECKING:
    from rashomon.corpus.api import Corpus
    from rashomon.reconcile import Reconciler

log = logging.getLogger("rashomon.service")

__all__ = ["Limits", "create_app"]


# -- request and response bodies ---------------------------------------------------------------
class ArticleIn(BaseModel):
    """One report, with the fields of a line of a JSONL file (other fields are ignored)."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={"examples": [{
            "id": "reuters-2026-02-03-petro", "source": "Reuters",
            "title": "Petro to meet Trump in Washington", "published": "2026-02-03",
            "url": "https://example.org/petro-trump",
            "text": "Colombian President Gustavo Petro is set to meet US President Donald Trump...",
        }]},
    )

    id: str | None = Field(
        None, max_length=300, description="Unique id; default: a hash of the text"
    )
    source: str | None = Field(None, max_length=300, description="The outlet, e.g. Reuters")
    title: str | None = Field(None, max_length=2000)
    published: str | None = Field(None, max_length=64, description="ISO 8601 date or date-time")
    url: str | None = Field(None, max_length=4000)
    text: str = Field(..., min_length=1, description="The report's full text")

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the text is empty")
        return value

    @field_validator("id", "source", "title", "published", "url", "text")
    @classmethod
    def _storable(cls, value: str | None) -> str | None:
        return storable_text(value)

    def to_article(self, fallback_id: str | None = None, fmt: str = "jsonl") -> Article:
        return Article(
            id=article_id(self.text, self.id, fallback_id), text=self.text,
            title=self.title or None, source=self.source or None, url=self.url or None,
            published=self.published or None, published_from="api" if self.published else None,
            origin="api", format=fmt,
        )


def storable_text(value: str | None) -> str | None:
    """``value`` when every store can hold it: JSON may escape a NUL (``"\\u0000"``), which
    PostgreSQL's text refuses, so it is refused here (422) rather than by the store (500).
    (A lone surrogate, ``"\\ud800"``, pydantic refuses already.)"""
    if value is not None and "\x00" in value:
        raise ValueError("holds a NUL character (\\u0000)")
    return value


class ArticleBatch(BaseModel):
    articles: list[ArticleIn] = Field(..., min_length=1)


class CompareIn(BaseModel):
    """Reports to compare; nothing is stored."""

    reports: list[ArticleIn] = Field(..., min_length=1)
    title: str | None = Field(None, max_length=300, description="A title for the result page")

    @field_validator("title")
    @classmethod
    def _storable(cls, value: str | None) -> str | None:
        return storable_text(value)


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
        from rashomon.corpus.api import Corpus

        corpus = Corpus(None)
    if reconciler is None:
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
        version=rashomon.__version__,
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
    from rashomon.service.ui import ui_router

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
            "version": rashomon.__version__,
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
        # The corpus owns the cache (Corpus.compare_story fills it, with this service's
        # reconciler, in the job below); this only asks it, so nothing is computed here.
        comparison = service.corpus.cached_comparison(story_id)  # E061 when there is no story
        if comparison is None:
            job = submit_job(lambda: service.submit_story(story_id, client=client_key(request)))
            if not service.jobs.wait(job, wait):
                return _accepted(job)
            comparison = _result_or_raise(job)
        return _formatted(comparison, format)

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
        from starlette.concurrency import run_in_threadpool

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


def submit_job(submit: Any) -> Job:
    """Submit a job; a full queue (everyone's, or this client's share) is a 429."""
    try:
        return submit()
    except ClientQueueFull as exc:
        raise ServiceError("E102", pending=exc.pending) from None
    except QueueFull as exc:
        raise ServiceError("E095", pending=exc.pending) from None


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
        from rashomon.render.html import render_html, standalone_csp

        page = render_html(comparison, title=title)
        return Response(page, media_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": standalone_csp()})
    if fmt == "md":
        from rashomon.render.markdown import render_markdown

        return Response(render_markdown(comparison), media_type="text/markdown; charset=utf-8")
    body = json.dumps(comparison.to_dict(), ensure_ascii=False)
    return Response(body, media_type="application/json")


# -- reading a comparison request -----------------------------------------------------------------
async def read_compare_body(request: Request, limits: Limits) -> tuple[list[Article], str | None]:
    """The reports of a compare request: JSON ``{"reports": [...]}``, or a form (multipart or
    urlencoded) with ``text``/``source``/``title`` fields per pasted report and ``file`` uploads.
    """
    ctype = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if ctype in FORM_TYPES:
        return await _read_form(request, limits)
    if ctype and ctype != "application/json" and not ctype.endswith("+json"):
        raise ServiceError(
            "E096", status=415,
            problem=f"unsupported content type {ctype!r}: send application/json "
                    "or multipart/form-data",
        )
    raw = await request.body()
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ServiceError("E097", what="JSON", problem=str(exc)) from None
    except RecursionError:  # "[[[[..." a few thousand deep: refused, not a crash
        raise ServiceError("E097", what="JSON", problem="it is nested too deeply") from None
    try:
        body = CompareIn.model_validate(data)
    except ValidationError as exc:
        raise ServiceError("E096", problem=describe_errors(exc.errors())) from None
    except RecursionError:
        raise ServiceError("E097", what="JSON", problem="it is nested too deeply") from None
    if len(body.reports) > limits.max_reports:
        raise ServiceError("E091", count=len(body.reports), limit=limits.max_reports)
    articles = [r.to_article(f"report-{k}", fmt="text") for k, r in
                enumerate(body.reports, start=1)]
    return articles, (body.title or None)


FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


async def read_form(request: Request, limits: Limits) -> Any:
    """The request's form within the limits (Starlette keeps it, so reading it again costs
    nothing), or an empty dict when the body is not a form."""
    ctype = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if ctype not in FORM_TYPES:
        return {}
    return await request.form(
        max_files=limits.max_reports + 1, max_fields=4 * limits.max_reports + 10,
        max_part_size=limits.max_body,
    )


async def _read_form(request: Request, limits: Limits) -> tuple[list[Article], str | None]:
    form = await read_form(request, limits)
    try:
        texts = [v for v in form.getlist("text") if isinstance(v, str)]
        sources = [v for v in form.getlist("source") if isinstance(v, str)]
        titles = [v for v in form.getlist("title") if isinstance(v, str)]
        uploads = [f for f in form.getlist("file") if isinstance(f, UploadFile)]
        title = form.get("story_title")
        articles: list[Article] = []
        for k, text in enumerate(texts):
            if not text.strip():
                continue
            articles.append(Article(
                id=f"pasted-{k + 1}", text=text.replace("\r\n", "\n"),
                title=(titles[k].strip() if k < len(titles) else "") or None,
                source=(sources[k].strip() if k < len(sources) else "") or None,
                origin="pasted", format="text",
            ))
        files = []
        for upload in uploads:
            data = await upload.read()
            if upload.filename or data:
                files.append((upload.filename, data))
        if len(articles) + len(files) > limits.max_reports:
            raise ServiceError("E091", count=len(articles) + len(files), limit=limits.max_reports)
        if files:
            from starlette.concurrency import run_in_threadpool

            articles += await run_in_threadpool(read_uploads, files, max_bytes=limits.max_body)
        if not articles:
            raise RashomonError("E040")
        return articles, (title.strip() if isinstance(title, str) and title.strip() else None)
    finally:
        await form.close()


def describe_errors(errors: list[Any]) -> str:
    """Validation errors as one readable line: ``reports.0.text: Field required; ...``."""
    parts = []
    for e in errors[:5]:
        where = ".".join(str(x) for x in e.get("loc", ()) if x != "body")
        parts.append(f"{where}: {e.get('msg', 'invalid')}" if where else e.get("msg", "invalid"))
    more = len(errors) - 5
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


# -- errors --------------------------------------------------------------------------------------
def _wants_html(request: Request) -> bool:
    """Errors of the API are JSON; those of the site's pages are pages."""
    path = request.url.path
    return not (path == "/api" or path.startswith(("/api/", "/openapi")))


def reply_error(request: Request, exc: ServiceError) -> Response:
    """The answer to a refused request: JSON for the API, a page for the site."""
    if _wants_html(request):
        from rashomon.service.ui import error_page

        response: Response = error_page(request, exc.status_code, exc.code, exc.message)
    else:
        response = JSONResponse(error_body(exc.code, exc.message), status_code=exc.status_code)
    if exc.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="rashomon"'
    if exc.status_code == 429:
        response.headers["Retry-After"] = "10"
    return response


def _install_error_handlers(app: FastAPI) -> None:
    from rashomon.service.ui import error_page

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
