"""What clients send, read the same way by the API and by the web UI.

The request bodies (pydantic models of pasted reports), the reading of a compare request (JSON,
or a form with pasted texts and uploaded files) and the submission of a job (a full queue is a
429). Both :mod:`rashomon.service.app` and :mod:`rashomon.service.ui` need these; they live
here, below both, so that the UI does not import the app that mounts it (the app imports the
UI's router and error pages at its top, and this module imports neither).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from rashomon.errors import RashomonError
from rashomon.model import Article
from rashomon.service.errors import ServiceError
from rashomon.service.jobs import ClientQueueFull, Job, QueueFull
from rashomon.service.state import Limits, article_id, read_uploads


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


def submit_job(submit: Any) -> Job:
    """Submit a job; a full queue (everyone's, or this client's share) is a 429."""
    try:
        return submit()
    except ClientQueueFull as exc:
        raise ServiceError("E102", pending=exc.pending) from None
    except QueueFull as exc:
        raise ServiceError("E095", pending=exc.pending) from None


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
            articles += await run_in_threadpool(read_uploads, files, max_bytes=limits.max_body)
        if not articles:
            raise RashomonError("E040")
        return articles, (title.strip() if isinstance(title, str) and title.strip() else None)
    finally:
        await form.close()


def describe_errors(errors: Sequence[Any]) -> str:
    """Validation errors as one readable line: ``reports.0.text: Field required; ...``."""
    parts = []
    for e in errors[:5]:
        where = ".".join(str(x) for x in e.get("loc", ()) if x != "body")
        parts.append(f"{where}: {e.get('msg', 'invalid')}" if where else e.get("msg", "invalid"))
    more = len(errors) - 5
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


__all__ = [
    "FORM_TYPES",
    "ArticleBatch",
    "ArticleIn",
    "CompareIn",
    "describe_errors",
    "read_compare_body",
    "read_form",
    "storable_text",
    "submit_job",
]
