"""The web UI: server-rendered pages from the same templates as the stand-alone HTML report.

* ``/``: the stories, biggest and newest first, with their outlets, a search box and pages;
* ``/stories/{id}``: the story's comparison view (the fragment of :mod:`rashomon.render.html`)
  in the site's chrome; a story not reconciled yet shows the job's progress and then itself;
* ``/compare``: paste or upload a few reports and see the same view, nothing stored. With
  JavaScript the form starts a job through the API and shows its progress; without, the form
  posts to ``/compare``, which starts the job and redirects to its page, which refreshes itself
  until the result is there.

Pages need no JavaScript; ``/static/site.js`` only makes waiting nicer.
"""

from __future__ import annotations

import math
from importlib import resources
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

import rashomon
from rashomon.errors import RashomonError
from rashomon.render.html import environment, render_fragment, report_css, report_js
from rashomon.service.errors import ServiceError, status_for
from rashomon.service.jobs import Job, QueueFull
from rashomon.service.security import COOKIE, check_read, token_matches
from rashomon.service.state import Service

_STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".svg": "image/svg+xml"}


def _static(name: str) -> str | None:
    """A file of ``rashomon/service/static`` (None if there is no such file)."""
    if "/" in name or "\\" in name or name.startswith("."):
        return None
    node = resources.files("rashomon.service").joinpath("static", name)
    try:
        return node.read_text("utf-8")
    except (FileNotFoundError, IsADirectoryError, OSError):
        return None


def _base(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


def render_page(
    request: Request, template: str, *, status: int = 200, **context: Any
) -> HTMLResponse:
    """A site page: the template with what every page needs (base path, version)."""
    html = environment().get_template(template).render(
        base=_base(request), version=rashomon.__version__, **context
    )
    return HTMLResponse(html, status_code=status)


def error_page(request: Request, status: int, code: str, message: str) -> HTMLResponse:
    """An error as a page of the site (the API answers JSON instead)."""
    titles = {401: "The token is needed", 404: "Not found", 413: "Too much at once",
              422: "That cannot be compared", 429: "Busy", 500: "Something went wrong"}
    title = titles.get(status, "That did not work")
    response = render_page(
        request, "site_message.html", status=status, title=title, code=code, message=message,
        login=status == 401, next=request.url.path, active=None,
    )
    return response


def ui_router(service: Service) -> APIRouter:
    limits = service.limits
    router = APIRouter(include_in_schema=False)

    def reader(request: Request) -> None:
        check_read(request, service.token)

    read = [Depends(reader)]
    long_cache = {"Cache-Control": "public, max-age=86400"}

    # -- assets --------------------------------------------------------------------------------
    @router.get("/static/report.css")
    def report_stylesheet() -> Response:
        return Response(report_css(), media_type=_STATIC_TYPES[".css"], headers=long_cache)

    @router.get("/static/report.js")
    def report_script() -> Response:
        return Response(report_js(), media_type=_STATIC_TYPES[".js"], headers=long_cache)

    @router.get("/static/{name}")
    def static_file(name: str) -> Response:
        text = _static(name)
        suffix = name[name.rfind("."):] if "." in name else ""
        if text is None or suffix not in _STATIC_TYPES:
            raise ServiceError("E098", method="GET", path=f"/static/{name}")
        return Response(text, media_type=_STATIC_TYPES[suffix], headers=long_cache)

    # -- stories -------------------------------------------------------------------------------
    @router.get("/", dependencies=read)
    def stories_page(request: Request, q: str = "", page: str = "1") -> HTMLResponse:
        search = " ".join(q.split())[: limits.max_search] or None
        size = limits.page_size
        total = service.corpus.count_stories(search)
        pages = max(1, math.ceil(total / size))
        number = min(max(1, _int(page, 1)), pages)
        stories = service.corpus.stories(limit=size, offset=(number - 1) * size, search=search)

        def link(n: int) -> str:
            query = [f"page={n}"] + ([f"q={quote(search)}"] if search else [])
            return f"{_base(request)}/?{'&'.join(query)}"

        return render_page(
            request, "site_stories.html", stories=stories, total=total, q=search or "",
            page=number, pages=pages, first=(number - 1) * size + 1 if total else 0,
            last=min(total, number * size),
            prev_link=link(number - 1) if number > 1 else None,
            next_link=link(number + 1) if number < pages else None, active="stories",
        )

    @router.get("/stories/{story_id}", dependencies=read)
    def story_page(request: Request, story_id: str) -> HTMLResponse:
        from rashomon.corpus.api import members_hash

        story = service.corpus.story(story_id)
        members = service.corpus.store.story_articles(story_id)
        key = (story_id, members_hash(members))
        fragment = service.fragment(key)
        if fragment is None:
            comparison = service.corpus.cached_comparison(story_id, members)
            if comparison is None:
                job = _submit(lambda: service.submit_story(story_id))
                if job.state == "failed":
                    return _job_error(request, job)
                return render_page(
                    request, "site_job.html", job=job, title=story.title or "Untitled story",
                    what=f"Reconciling the {story.size} report{'s' if story.size != 1 else ''} "
                         "of this story. This happens once; the result is kept until the "
                         "story changes.",
                    active="stories", crumbs=[("Stories", "/")],
                )
            fragment = render_fragment(comparison, title=story.title or None)
            service.keep_fragment(key, fragment)
        return render_page(
            request, "site_story.html", title=story.title or "Untitled story", story=story,
            fragment=fragment, active="stories", crumbs=[("Stories", "/")],
            exports=[("JSON", f"/api/stories/{quote(story_id)}/comparison"),
                     ("Markdown", f"/api/stories/{quote(story_id)}/comparison?format=md"),
                     ("Stand-alone HTML",
                      f"/api/stories/{quote(story_id)}/comparison?format=html")],
        )

    # -- comparing reports given in the page -----------------------------------------------------
    @router.get("/compare", dependencies=read)
    def compare_page(request: Request) -> HTMLResponse:
        return render_page(request, "site_compare.html", active="compare", slots=3,
                           max_reports=limits.max_reports, max_mb=limits.max_body // 1_000_000,
                           error=None)

    @router.post("/compare", dependencies=read)
    async def compare_submit(request: Request) -> Response:
        from rashomon.service.app import read_compare_body

        try:
            articles, title = await read_compare_body(request, limits)
        except (RashomonError, ServiceError) as exc:
            status = exc.status_code if isinstance(exc, ServiceError) else status_for(exc)
            if status in (401, 413):
                raise
            return render_page(
                request, "site_compare.html", status=status, active="compare", slots=3,
                max_reports=limits.max_reports, max_mb=limits.max_body // 1_000_000,
                error=f"[{exc.code}] {exc.message}",
            )
        job = _submit(lambda: service.submit_compare(articles, title))
        return RedirectResponse(f"{_base(request)}/compare/{job.id}", status_code=303)

    @router.get("/compare/{job_id}", dependencies=read)
    def compare_result(request: Request, job_id: str) -> HTMLResponse:
        job = service.jobs.get(job_id)
        if job is None or job.kind != "compare":
            raise ServiceError("E094", id=job_id, ttl=int(limits.job_ttl))
        title = job.meta.get("title") or None
        if job.state in ("queued", "running"):
            n = job.meta.get("reports", 0)
            return render_page(
                request, "site_job.html", job=job, title=title or "Comparing reports",
                what=f"Comparing {n} report{'s' if n != 1 else ''}. Nothing is stored; "
                     f"the result stays here for {int(limits.job_ttl // 60)} minutes.",
                active="compare", crumbs=[("Compare", "/compare")],
            )
        if job.state == "failed":
            return _job_error(request, job)
        key = ("job", job.id)
        fragment = service.fragment(key)
        if fragment is None:
            fragment = render_fragment(
                job.result, title=title,
                intro="Compared on request: nothing was stored; this page is kept for "
                      f"{int(limits.job_ttl // 60)} minutes.",
            )
            service.keep_fragment(key, fragment)
        return render_page(
            request, "site_story.html", title=title or "Comparison", story=None,
            fragment=fragment, active="compare", crumbs=[("Compare", "/compare")],
            exports=[("JSON", f"/api/jobs/{job.id}")],
        )

    # -- the token, for browsers on other machines ---------------------------------------------
    @router.get("/login")
    def login_page(request: Request, next: str = "/") -> HTMLResponse:
        return render_page(request, "site_message.html", title="Sign in", code=None,
                           message=None, login=True, next=_safe_next(next), active=None)

    @router.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form(max_files=0, max_fields=5)
        given = form.get("token")
        target = _safe_next(str(form.get("next") or "/"))
        if not isinstance(given, str) or not token_matches(given.strip(), service.token):
            return render_page(
                request, "site_message.html", status=401, title="Sign in", code="E093",
                message="The token is wrong.", login=True, next=target, active=None,
            )
        response = RedirectResponse(_base(request) + target, status_code=303)
        response.set_cookie(
            COOKIE, service.token, max_age=30 * 86400, httponly=True, samesite="strict",
            secure=request.url.scheme == "https", path="/",
        )
        return response

    @router.post("/logout")
    def logout(request: Request) -> Response:
        response = RedirectResponse(_base(request) + "/login", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    return router


def _submit(submit: Any) -> Job:
    try:
        return submit()
    except QueueFull as exc:
        raise ServiceError("E095", pending=exc.pending) from None


def _job_error(request: Request, job: Job) -> HTMLResponse:
    error = job.error or {"code": "E099", "message": "the analysis failed"}
    exc = job.exception
    status = status_for(exc) if isinstance(exc, RashomonError) else 500
    return error_page(request, status, error["code"], error["message"])


def _int(value: str, default: int) -> int:
    try:
        return int(value)
    except ValueError:
        return default


def _safe_next(target: str) -> str:
    """Only a path on this site (no ``//host``, no scheme) is a place to go back to."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
