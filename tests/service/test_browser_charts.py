"""The report's charts in headless Chromium: stand-alone reports of 2 and of 12 synthesised
reports (no models), with markup in an outlet's name, a statement and a quote, opened under their
own Content-Security-Policy. Nothing may run, nothing may be refused by the policy (a refused
inline style would be a chart drawn black), and every chart must be drawn with its title.

Needs Playwright and Debian's Chromium, like ``test_browser.py`` (skipped without them unless
``RASHOMON_REQUIRE_BROWSER=1``). Screenshots go to ``artifacts/screenshots/charts/``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from rashomon.render.html import render_html

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "render"))
from chart_support import EVIL, extras, synth  # a helper of tests/render, on the path above

pytestmark = [pytest.mark.browser]

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / "artifacts" / "screenshots" / "charts"
CHARTS = ("chart-matrix", "chart-sources", "chart-quotes", "chart-timeline", "chart-conflict")
TABLES = ("chart-events", "chart-words")


def _open(browser: Any, tmp_path: Path, name: str, sources: int, facts: int,
          width: int = 1280) -> tuple[Any, list[str]]:
    page_file = tmp_path / f"{name}.html"
    page_file.write_text(render_html(synth(sources, facts, evil=True), extras=extras(evil=True)),
                         "utf-8")
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  device_scale_factor=1)
    page = context.new_page()
    problems: list[str] = []
    page.on("dialog", lambda d: problems.append(f"dialog: {d.message}"))
    page.on("pageerror", lambda e: problems.append(f"error: {e}"))
    # A policy violation (an inline style or script the CSP refuses) is a console error.
    page.on("console", lambda m: problems.append(f"console: {m.text}")
            if m.type == "error" else None)
    page.goto(page_file.as_uri())
    page.locator("#glance").wait_for()
    return page, problems


def _check(page: Any, problems: list[str], sources: int) -> None:
    assert page.evaluate("window.pwned === undefined")
    for chart in CHARTS:
        svg = page.locator(f"#{chart} svg.chart-svg")
        assert svg.count() == 1, chart
        box = svg.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 60, (chart, box)
        assert svg.locator("title").count() == 1
        # drawn in colour, not the black of refused styles: some shape is filled otherwise
        fills = svg.evaluate("s => [...s.querySelectorAll('path, use')].map("
                             "e => getComputedStyle(e).fill)")
        assert any(f not in ("rgb(0, 0, 0)", "none") for f in fills), chart
    for table in TABLES:
        assert page.locator(f"#{table} table").count() == 1, table
    # the markup of the outlet's name is shown as text, in the chart and in the table
    assert EVIL in page.locator("#chart-matrix svg").inner_html().replace("&lt;", "<").replace(
        "&gt;", ">") or EVIL in page.locator("#chart-matrix svg").text_content()
    assert page.locator("script").count() == 2  # the page's data and its own script
    names = page.locator("#chart-matrix svg text").all_text_contents()
    assert sum(1 for t in names if " · " in t) == sources, names
    assert not problems, problems


def test_charts_of_two_reports(browser: Any, tmp_path: Path) -> None:
    page, problems = _open(browser, tmp_path, "two", 2, 30)
    try:
        _check(page, problems, 2)
        SHOTS.mkdir(parents=True, exist_ok=True)
        for chart in (*CHARTS, *TABLES):
            page.locator(f"#{chart}").screenshot(path=str(SHOTS / f"two-{chart}.png"))
        # the text equivalent opens and says the same
        page.locator("#chart-sources details summary").click()
        assert page.locator("#chart-sources details table tbody tr").count() == 2
    finally:
        page.context.close()


def test_charts_of_twelve_reports(browser: Any, tmp_path: Path) -> None:
    page, problems = _open(browser, tmp_path, "twelve", 12, 150)
    try:
        _check(page, problems, 12)
        note = page.locator("#chart-matrix .chart-note").inner_text()
        assert "60 of 150" in note
        # the tall matrix scrolls inside its frame instead of stretching the page
        frame = page.locator("#chart-matrix .chart-img")
        assert frame.evaluate("e => e.scrollHeight > e.clientHeight")
        SHOTS.mkdir(parents=True, exist_ok=True)
        for chart in ("chart-matrix", "chart-sources", "chart-quotes"):
            page.locator(f"#{chart}").screenshot(path=str(SHOTS / f"twelve-{chart}.png"))
    finally:
        page.context.close()


def test_charts_on_a_phone(browser: Any, tmp_path: Path) -> None:
    page, problems = _open(browser, tmp_path, "phone", 2, 30, width=390)
    try:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 391, f"the page is {width}px wide"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.locator("#chart-sources").screenshot(path=str(SHOTS / "phone-chart-sources.png"))
        assert not problems, problems
    finally:
        page.context.close()
