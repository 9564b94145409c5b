"""The web UI: server-rendered pages from the same templates as the stand-alone HTML report.

* ``/``: the stories, biggest and newest first, with their outlets, a search box and pages;
* ``/stories/{id}``: the story's comparison view (the fragment of :mod:`rashomon.render.html`,
  with its charts, inline SVG drawn on the server) in the site's chrome; a story not reconciled
  yet shows the job's progress and then itself;
* ``/compare``: paste or upload a few reports and see the same view, nothing stored. With
  JavaScript the form starts a job through the API and shows its progress; without, the form
  posts to ``/compare``, which starts the job and redirects to its page, which refreshes itself
  until the result is there;
* ``/articles/{id}`` and ``/compare/{job}/reports/{n}``: a report's whole text. The comparison
  view shows the first :attr:`Limits.page_text` characters of each report and links here, so
  that one huge report does not make a page of tens of megabytes.

Pages need no JavaScript; ``/static/site.js`` only makes waiting nicer. Every ``<form
method="post">`` a page renders gets the CSRF token as a hidden field (:func:`render_page`),
and every handler of a form checks it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from rashomon._version import __version__
from rashomon.corpus.api import members_hash
from rashomon.errors import RashomonError
from rashomon.render.html import (
    environment,
    render_fragment,
    report_css,
    report_js,
    safe_url,
)
from rashomon.service.errors import ServiceError, status_for
from rashomon.service.inputs import read_compare_body, read_form, submit_job
from rashomon.service.jobs import Job
from rashomon.service.security import (
    COOKIE,
    CSRF_COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    CsrfTokens,
    check_read,
    client_key,
    token_matches,
)
from rashomon.service.state import Service

_STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".svg": "image/svg+xml"}
_STATIC_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*")
#: The site's own forms (templates, never article text: that is escaped) that post.
_POST_FORM = re.compile(r'<form\b[^>]*\bmethod="post"[^>]*>', re.IGNORECASE)
#: A report's whole text, in the site's chrome (autoescaped like every template).
_FULL_TEXT = """{% extends "site_base.html" %}
{% block main %}
<section class="doc full-text" aria-labelledby="doc-h">
  <header class="doc-head"><div>
    <h1 id="doc-h">{{ title }}</h1>
    <p class="doc-meta">
      {% if source %}<span>{{ source }}</span> · {% endif %}
      {% if published %}<time>{{ published }}</time> · {% endif %}
      <span>{{ "{:,}".format(chars) }} characters</span>
      {% if url %} · <a href="{{ url }}" rel="noopener noreferrer nofollow">original</a>{% endif %}
      <span class="doc-id">{{ id }}</span>
    </p>
  </div></header>
  <div class="doc-text">{{ text }}</div>
</section>
{% endblock %}
"""


@cache
def _full_text_template() -> Any:
    return environment().from_string(_FULL_TEXT)


def _static(name: str) -> str | None:
    """A file of ``rashomon/service/static`` (None if there is no such file): a plain name
    only, so that no path, no NUL and no dot file can reach the file system."""
    if not _STATIC_NAME.fullmatch(name):
        return None
    node = resources.files("rashomon.service").joinpath("static").joinpath(name)
    try:
        return node.read_text("utf-8")
    except (FileNotFoundError, IsADirectoryError, OSError, ValueError):
        return None


def _base(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


def render_page(
    request: Request, template: str | Any, *, status: int = 200, **context: Any
) -> HTMLResponse:
    """A site page: the template (a name, or a compiled one) with what every page needs (base
    path, version), and the CSRF token in each of its post forms (with the cookie it is
    checked against, when the browser has none yet)."""
    page = environment().get_template(template) if isinstance(template, str) else template
    html = page.render(base=_base(request), version=__version__, **context)
    return _with_csrf(request, html, status)


def _with_csrf(request: Request, html: str, status: int) -> HTMLResponse:
    csrf: CsrfTokens | None = getattr(request.app.state, "csrf", None)
    if csrf is None or _POST_FORM.search(html) is None:
        return HTMLResponse(html, status_code=status)
    nonce = csrf.nonce_of(request)
    fresh = nonce is None
    if nonce is None:
        nonce = csrf.new_nonce()
    field = f'<input type="hidden" name="{CSRF_FIELD}" value="{csrf.token_for(nonce)}">'
    response = HTMLResponse(_POST_FORM.sub(lambda m: m.group(0) + field, html),
                            status_code=status)
    if fresh:
        response.set_cookie(
            CSRF_COOKIE, nonce, max_age=30 * 86400, httponly=True, samesite="lax",
            secure=request.url.scheme == "https", path="/",
        )
    return response


def check_form(request: Request, form: Any) -> None:
    """The CSRF token of a form the site sent (its hidden field, or the header a script
    sets); E101 (403) when it is missing or wrong."""
    csrf: CsrfTokens = request.app.state.csrf
    csrf.check(request, form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER))


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
        story = service.corpus.story(story_id)
        members = service.corpus.store.story_articles(story_id)
        key = (story_id, members_hash(members))
        fragment = service.fragment(key)
        if fragment is None:
            comparison = service.corpus.cached_comparison(story_id, members)
            if comparison is None:
                job = submit_job(lambda: service.submit_story(story_id,
                                                           client=client_key(request)))
                if job.state == "failed":
                    return _job_error(request, job)
                return render_page(
                    request, "site_job.html", job=job, title=story.title or "Untitled story",
                    what=f"Reconciling the {story.size} report{'s' if story.size != 1 else ''} "
                         "of this story. This happens once; the result is kept until the "
                         "story changes.",
                    active="stories", crumbs=[("Stories", "/")],
                )
            base = _base(request)
            fragment = render_fragment(
                comparison, title=story.title or None, text_limit=limits.page_text,
                full_text=lambda doc_id: f"{base}/articles/{quote(doc_id, safe='')}",
                extras=story_extras(service, comparison),
            )
            service.keep_fragment(key, fragment)
        sid = quote(story_id, safe="")
        return render_page(
            request, "site_story.html", title=story.title or "Untitled story", story=story,
            fragment=fragment, active="stories", crumbs=[("Stories", "/")],
            exports=[("JSON", f"/api/stories/{sid}/comparison"),
                     ("Markdown", f"/api/stories/{sid}/comparison?format=md"),
                     ("Stand-alone HTML", f"/api/stories/{sid}/comparison?format=html")],
        )

    @router.get("/articles/{article_id:path}", dependencies=read)
    def article_page(request: Request, article_id: str) -> HTMLResponse:
        """A stored report's whole text (story pages show the start of each)."""
        stored = service.corpus.article(article_id)  # E062 when there is none
        crumbs = [("Stories", "/")]
        if stored.story_id is not None:
            story = service.corpus.story(stored.story_id)
            crumbs.append((story.title or "Untitled story",
                           f"/stories/{quote(stored.story_id, safe='')}"))
        return _full_text_page(request, stored.article, crumbs)

    # -- comparing reports given in the page -----------------------------------------------------
    @router.get("/compare", dependencies=read)
    def compare_page(request: Request) -> HTMLResponse:
        return render_page(request, "site_compare.html", active="compare", slots=3,
                           max_reports=limits.max_reports, max_mb=limits.max_body // 1_000_000,
                           error=None)

    @router.post("/compare", dependencies=read)
    async def compare_submit(request: Request) -> Response:
        try:
            check_form(request, await read_form(request, limits))
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
        job = submit_job(lambda: service.submit_compare(articles, title,
                                                     client=client_key(request)))
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
            base = _base(request)
            number = {d.id: k for k, d in enumerate(job.result.documents, start=1)}
            fragment = render_fragment(
                job.result, title=title,
                intro="Compared on request: nothing was stored; this page is kept for "
                      f"{int(limits.job_ttl // 60)} minutes.",
                text_limit=limits.page_text,
                full_text=lambda doc_id: f"{base}/compare/{job.id}/reports/{number[doc_id]}",
                extras=story_extras(service, job.result),
            )
            service.keep_fragment(key, fragment)
        return render_page(
            request, "site_story.html", title=title or "Comparison", story=None,
            fragment=fragment, active="compare", crumbs=[("Compare", "/compare")],
            exports=[("JSON", f"/api/jobs/{job.id}")],
        )

    @router.get("/compare/{job_id}/reports/{number}", dependencies=read)
    def compare_report(request: Request, job_id: str, number: str) -> HTMLResponse:
        """The whole text of one report of a finished comparison (its page shows the start)."""
        job = service.jobs.get(job_id)
        if job is None or job.kind != "compare":
            raise ServiceError("E094", id=job_id, ttl=int(limits.job_ttl))
        documents = job.result.documents if job.state == "done" else []
        k = _int(number, 0)
        if not 1 <= k <= len(documents):
            raise ServiceError("E098", method="GET", path=request.url.path)
        title = job.meta.get("title") or "Comparison"
        return _full_text_page(request, documents[k - 1],
                               [("Compare", "/compare"), (title, f"/compare/{job.id}")],
                               active="compare")

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
        try:
            check_form(request, form)
        except ServiceError as exc:
            return render_page(
                request, "site_message.html", status=exc.status_code, title="Sign in",
                code=exc.code, message=exc.message, login=True, next=target, active=None,
            )
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
    async def logout(request: Request) -> Response:
        check_form(request, await request.form(max_files=0, max_fields=5))
        response = RedirectResponse(_base(request) + "/login", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    return router


def story_extras(service: Service, comparison: Any) -> Mapping[str, Any] | None:
    """The optional analyses of a story page (events, timeline, conflict, word choice: see
    :data:`rashomon.render.html.EXTRA_KEYS`), from the service's ``story_extras(comparison)``
    when it has one; the page charts those it is given and leaves the rest out."""
    hook = getattr(service, "story_extras", None)
    return hook(comparison) if callable(hook) else None


def _full_text_page(
    request: Request, article: Any, crumbs: list[tuple[str, str]], active: str = "stories"
) -> HTMLResponse:
    """A report's whole text, escaped like every page (a link only when it is http(s))."""
    return render_page(
        request, _full_text_template(), title=article.title or article.display_name,
        source=article.source, published=article.published, url=safe_url(article.url),
        id=article.id, chars=len(article.text), text=article.text, active=active,
        crumbs=crumbs,
    )


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
