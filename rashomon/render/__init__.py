"""Renderers: the same :class:`~rashomon.model.Comparison` as terminal text, Markdown, JSON or a
self-contained HTML page.

``render(comparison, "md")`` returns the text; the command line and the HTTP service call it.
"""

from __future__ import annotations

from collections.abc import Callable

from rashomon.errors import RashomonError
from rashomon.model import Comparison

FORMATS = ("terminal", "md", "json", "html")


def _renderer(fmt: str) -> Callable[..., str]:
    if fmt == "terminal":
        from rashomon.render.terminal import render_terminal

        return render_terminal
    if fmt in ("md", "markdown"):
        from rashomon.render.markdown import render_markdown

        return render_markdown
    if fmt == "json":
        from rashomon.render.json import render_json

        return render_json
    if fmt == "html":
        from rashomon.render.html import render_html

        return render_html
    raise RashomonError("E042", format=fmt, expected=", ".join(FORMATS))


def render(comparison: Comparison, fmt: str = "terminal", **options: object) -> str:
    return _renderer(fmt)(comparison, **options)


__all__ = ["FORMATS", "render"]
