"""Renderers: the same :class:`~rashomon.model.Comparison` as terminal text, Markdown, JSON or a
self-contained HTML page.

``render(comparison, "md")`` returns the text; the command line and the HTTP service call it.

The renderers are plug-ins named in a table (:data:`RENDERERS`, format -> ``"module:function"``)
and imported with :mod:`importlib` the first time their format is asked for: the HTML renderer
brings matplotlib (its charts) and Jinja, which a terminal, Markdown or JSON run must not pay
for. Nothing is imported to *choose* a renderer, so no renderer can form an import cycle
through this package.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from rashomon.errors import RashomonError
from rashomon.model import Comparison

FORMATS = ("terminal", "md", "json", "html")

#: Each format (and alias) -> ``"module:function"`` of its renderer, resolved on first use.
RENDERERS: dict[str, str] = {
    "terminal": "rashomon.render.terminal:render_terminal",
    "md": "rashomon.render.markdown:render_markdown",
    "markdown": "rashomon.render.markdown:render_markdown",
    "json": "rashomon.render.json:render_json",
    "html": "rashomon.render.html:render_html",
}


def _renderer(fmt: str) -> Callable[..., str]:
    """The renderer function of ``fmt`` (E042 for a format there is none for)."""
    target = RENDERERS.get(fmt)
    if target is None:
        raise RashomonError("E042", format=fmt, expected=", ".join(FORMATS))
    module, _, function = target.partition(":")
    renderer: Callable[..., str] = getattr(import_module(module), function)
    return renderer


def render(comparison: Comparison, fmt: str = "terminal", **options: object) -> str:
    """``comparison`` in the format ``fmt`` (one of :data:`FORMATS`, or ``"markdown"``)."""
    return _renderer(fmt)(comparison, **options)


__all__ = ["FORMATS", "RENDERERS", "render"]
