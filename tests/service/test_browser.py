"""End to end in headless Chromium: a real server on 127.0.0.1 with a temporary SQLite store
holding the founding example (examples/petro-trump, ingested through the Corpus API), the real
models, and the pages as a reader sees them, on a laptop and on a phone.

Needs Playwright (``pip install playwright``) and Debian's Chromium (``apt-get install
chromium``; Playwright's own browser download is not used). Skipped when either is missing,
unless ``RASHOMON_REQUIRE_BROWSER=1``, when that is a failure. Screenshots are kept under
``artifacts/screenshots/``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from service_support import EXAMPLE, EXAMPLE_FILES, REPO, TOKEN, LiveServer

from rashomon.model import Comparison, StoryFact

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = REPO / "artifacts" / "screenshots"
LAPTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
LONG = 180_000  # ms: a reconciliation on a slow machine, models already loaded


@dataclass
class Site:
    url: str
    story_id: str
    comparison: Comparison
    corpus: Any


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, real_reconciler: Any) -> Iterator[Site]:
    """The founding example in a fresh store, reconciled once, served on loopback."""
    from rashomon.corpus.api import Corpus
    from rashomon.service.app import create_app

    folder = tmp_path_factory.mktemp("site")
    corpus = Corpus(folder / "corpus.sqlite3")
    report = corpus.ingest([str(p) for p in EXAMPLE_FILES], progress=False)
    assert report.new == 2, report.to_dict()
    stories = {corpus.article(p.name).story_id for p in EXAMPLE_FILES}
    assert len(stories) == 1, "the two example reports should make one story"
    story_id = stories.pop()
    comparison = corpus.compare_story(story_id)  # cached now; the page shows it at once
    app = create_app(corpus, real_reconciler, token=TOKEN)
    try:
        with LiveServer(app) as server:
            yield Site(server.url, story_id, comparison, corpus)
    finally:
        corpus.close()


@pytest.fixture
def laptop(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    page.on("dialog", lambda d: pytest.fail(f"a dialog opened: {d.message}"))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        yield page
        assert not errors, errors
    finally:
        context.close()


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  device_scale_factor=2)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


def shot(page: Any, name: str, **kwargs: Any) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), **kwargs)
    return path


def scroll_to(page: Any, selector: str) -> None:
    """Bring a section's top just under the sticky section tabs."""
    page.evaluate("s => { const e = document.querySelector(s); window.scrollTo(0, "
                  "e.getBoundingClientRect().top + window.scrollY - 60); }", selector)
    page.wait_for_timeout(100)


def no_sideways_scroll(page: Any) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, f"the page is {width}px wide"


# -- what the gold standard says, matched against what rashomon found ---------------------------
def gold_found(comparison: Comparison) -> list[tuple[dict[str, Any], StoryFact]]:
    """The gold facts rashomon finds with the gold's status: a corroborated gold fact is found
    by a corroborated fact whose evidence overlaps the gold's words in both reports; an
    only-A (only-B) gold fact by a single-source fact of that report overlapping its words."""
    gold = json.loads((EXAMPLE / "gold.json").read_text("utf-8"))
    docs = gold["documents"]
    texts = {d.id: d.text for d in comparison.documents}
    found = []
    for g in gold["facts"]:
        where: dict[str, list[tuple[int, int]]] = {}
        for letter, phrases in g["evidence"].items():
            doc = docs[letter]
            for phrase in phrases:
                at = texts[doc].find(phrase)
                if at >= 0:
                    where.setdefault(doc, []).append((at, at + len(phrase)))

        def overlaps(fact: StoryFact, doc: str, where: Any = where) -> bool:
            return any(s.document == doc and s.start < end and start < s.end
                       for s in fact.evidence for start, end in where.get(doc, []))

        if g["status"] == "corroborated":
            matches = [f for f in comparison.facts if f.status == "corroborated"
                       and all(overlaps(f, d) for d in docs.values())]
        else:
            doc = docs[g["status"].removeprefix("only_")]
            matches = [f for f in comparison.facts if f.status == "single_source"
                       and f.documents == [doc] and overlaps(f, doc)]
        if matches:
            found.append((g, matches[0]))
    return found


# -- the tests ----------------------------------------------------------------------------------
def test_story_list(site: Site, laptop: Any, phone: Any) -> None:
    laptop.goto(site.url + "/")
    card = laptop.locator(".story-card").first
    card.wait_for()
    assert "Colombian President Gustavo Petro" in card.inner_text()
    assert re.search(r"2\s+reports", card.inner_text())
    shot(laptop, "stories-laptop", full_page=True)
    laptop.fill("#q", "Petro")
    laptop.press("#q", "Enter")
    laptop.wait_for_url(re.compile(r"q=Petro"))
    assert laptop.locator(".story-card").count() == 1
    phone.goto(site.url + "/")
    phone.locator(".story-card").first.wait_for()
    no_sideways_scroll(phone)
    shot(phone, "stories-phone")


def test_the_founding_example_shows_gold_facts_as_such(site: Site, laptop: Any) -> None:
    laptop.goto(site.url + "/")
    laptop.locator(".story-card a.story-title").first.click()
    laptop.wait_for_url(re.compile(rf"/stories/{site.story_id}$"))
    laptop.locator("#matrix").wait_for()
    shot(laptop, "story-laptop-top")

    found = gold_found(site.comparison)
    corroborated = [(g, f) for g, f in found if g["status"] == "corroborated"]
    single = [(g, f) for g, f in found if g["status"] != "corroborated"]
    assert corroborated and single, "rashomon finds none of the gold facts of one kind"
    letters = {d.id: chr(ord("A") + k) for k, d in enumerate(site.comparison.documents)}
    for g, fact in found:
        row = laptop.locator(f'tr[data-fact="{fact.id}"]')
        assert row.count() == 1, (g["id"], fact.id)
        kind = row.get_attribute("class")
        cells = row.locator("td.cell .sym").all_inner_texts()
        words = row.locator("td.cell .vh").all_inner_texts()
        badge = row.locator(".mx-status .badge").inner_text()
        if g["status"] == "corroborated":
            assert kind in ("k-corroborated", "k-differs"), (g["id"], kind)
            assert ("corroborated" in badge) or ("differs in detail" in badge)
            assert all(c in "●◐" for c in cells), (g["id"], cells)
            assert all("carries it" in w for w in words)
        else:
            only = letters[fact.documents[0]]
            assert kind == "k-single" and "single source" in badge, (g["id"], kind)
            for cell, word in zip(cells, words, strict=True):
                if word.startswith(only + ":"):
                    assert cell == "●" and "carries it" in word
                else:
                    assert cell == "·" and "does not say" in word
        # the fact's cell links to its evidence, highlighted in the report
        link = row.locator("td.cell a").first
        target = link.get_attribute("href")
        assert target and laptop.locator(target).count() == 1
    total = len(json.loads((EXAMPLE / "gold.json").read_text("utf-8"))["facts"])
    print(f"\ngold facts found with the gold status: {len(corroborated)} corroborated, "
          f"{len(single)} single-source (of {total})")

    scroll_to(laptop, "#matrix")
    shot(laptop, "story-laptop-matrix")
    # the filter (CSS only) shows one kind at a time
    laptop.locator('label[for="mxf-single"]').click()
    visible_rows = laptop.locator("#matrix tbody tr:visible")
    assert visible_rows.count() == len(site.comparison.facts_with_status("single_source"))
    laptop.locator('label[for="mxf-all"]').click()
    # a jump from the matrix lands on the highlighted evidence
    first_single = single[0][1]
    laptop.locator(f'tr[data-fact="{first_single.id}"] td.cell a').first.click()
    assert laptop.evaluate("location.hash").startswith(f"#ev-{first_single.id}-")
    scroll_to(laptop, "#entities")
    shot(laptop, "story-laptop-entities")
    scroll_to(laptop, "#reports")
    shot(laptop, "story-laptop-reports")


def test_hover_focus_and_tap_show_the_evidence(site: Site, laptop: Any, browser: Any) -> None:
    laptop.goto(f"{site.url}/stories/{site.story_id}")
    item = laptop.locator(".brief-item").first
    evidence = item.locator(".evidence")
    assert not evidence.is_visible()
    item.locator(".brief-text").hover()
    evidence.wait_for(state="visible")
    brief = site.comparison.brief[0]
    shown = evidence.inner_text()
    for span in brief.evidence:
        assert " ".join(span.text.split())[:60] in " ".join(shown.split())
    assert laptop.locator(".doc-text .seg.lit").count() > 0  # lit up in the reports
    shot(laptop, "story-laptop-brief-hover")
    laptop.mouse.move(5, 5)
    evidence.wait_for(state="hidden")
    assert laptop.locator(".doc-text .seg.lit").count() == 0

    second = laptop.locator(".brief-item").nth(1)
    second.locator(".brief-text").focus()  # keyboard
    second.locator(".evidence").wait_for(state="visible")
    laptop.keyboard.press("Enter")  # pinned open
    assert second.locator(".brief-text").get_attribute("aria-expanded") == "true"
    laptop.mouse.move(5, 5)
    laptop.locator("h1").first.click()
    assert second.locator(".evidence").is_visible()
    laptop.keyboard.press("Escape")
    assert second.locator(".brief-text").get_attribute("aria-expanded") == "false"

    # a highlighted passage names the facts it carries, linked to their rows
    scroll_to(laptop, "#reports")
    laptop.locator(".doc-text .seg.ev").first.click()
    pop = laptop.locator(".rsh-pop")
    pop.wait_for(state="visible")
    assert "This passage carries" in pop.inner_text()
    target = pop.locator("a").first.get_attribute("href")
    assert target and target.startswith("#fact-") and laptop.locator(target).count() == 1
    shot(laptop, "story-laptop-passage-facts")
    laptop.keyboard.press("Escape")
    assert laptop.locator(".rsh-pop").count() == 0

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                device_scale_factor=2).new_page()
    try:
        phone.goto(f"{site.url}/stories/{site.story_id}")
        no_sideways_scroll(phone)
        shot(phone, "story-phone-top")
        first = phone.locator(".brief-item").first
        first.locator(".brief-text").tap()
        first.locator(".evidence").wait_for(state="visible")
        shot(phone, "story-phone-brief-tap")
        scroll_to(phone, "#matrix")
        scroller = phone.locator(".mx-scroll")
        assert scroller.evaluate("e => getComputedStyle(e).overflowX") == "auto"
        shot(phone, "story-phone-matrix")
    finally:
        phone.context.close()

    still = browser.new_context(viewport=LAPTOP, java_script_enabled=False).new_page()
    try:  # without JavaScript: a click on the sentence opens its evidence (:target)
        still.goto(f"{site.url}/stories/{site.story_id}")
        item = still.locator(".brief-item").nth(2)
        item.locator(".brief-text").click()
        still.mouse.move(5, 5)
        item.locator(".evidence").wait_for(state="visible")
    finally:
        still.context.close()


def test_compare_two_pasted_reports(site: Site, laptop: Any) -> None:
    texts = [p.read_text("utf-8") for p in EXAMPLE_FILES]
    laptop.goto(site.url + "/compare")
    laptop.fill("#story_title", "Petro and Trump, pasted")
    laptop.fill("#source-1", "Al Jazeera")
    laptop.fill("#text-1", texts[0])
    laptop.fill("#source-2", "France 24")
    laptop.fill("#text-2", texts[1])
    shot(laptop, "compare-laptop-form")
    laptop.click("#compare-go")
    laptop.locator("#compare-progress").wait_for(state="visible")
    shot(laptop, "compare-laptop-progress")
    laptop.wait_for_url(re.compile(r"/compare/[\w-]+$"), timeout=LONG)
    laptop.locator(".rsh").wait_for(timeout=LONG)
    stats = laptop.locator(".stats").inner_text()
    assert re.search(r"2\s+reports", stats)
    assert "Al Jazeera" in laptop.locator(".doc-list").inner_text()
    assert laptop.locator("tbody tr").count() > 0
    assert "nothing was stored" in laptop.locator(".rsh-intro").inner_text()
    shot(laptop, "compare-laptop-result")
    assert site.corpus.count_stories() == 1  # still only the founding example


def test_compare_without_javascript(site: Site, browser: Any) -> None:
    page = browser.new_context(viewport=LAPTOP, java_script_enabled=False).new_page()
    try:
        page.goto(site.url + "/compare")
        page.fill("#text-1", "Floods hit Valencia on Tuesday. The mayor ordered evacuations.")
        page.fill("#text-2", "Floods hit Valencia on Tuesday. Schools stayed closed.")
        page.click("#compare-go")
        page.wait_for_url(re.compile(r"/compare/[\w-]+$"))
        page.locator(".rsh").wait_for(timeout=LONG)  # the job page refreshed itself
        assert re.search(r"2\s+reports", page.locator(".stats").inner_text())
    finally:
        page.context.close()


def test_a_report_full_of_markup_runs_nothing(site: Site, laptop: Any) -> None:
    evil = ("Officials in Cartagena said <script>window.pwned=1;alert('pwned')</script> the "
            "port reopened. <img src=x onerror=\"window.pwned=2;alert(2)\"> Ships queued.")
    response = httpx.post(site.url + "/api/articles", headers={"Authorization": f"Bearer {TOKEN}"},
                          json={"id": "evil", "source": "<b onmouseover=alert(3)>Evil</b>",
                                "title": "<script>alert(4)</script>Port reopens",
                                "url": "javascript:alert(5)", "text": evil}, timeout=30)
    assert response.status_code == 201, response.text
    story = response.json()["story_id"]
    laptop.goto(f"{site.url}/stories/{story}")
    laptop.locator(".rsh").wait_for(timeout=LONG)
    assert laptop.evaluate("window.pwned === undefined")
    assert laptop.get_by_text("<script>window.pwned=1;alert('pwned')</script>").count() >= 1
    assert laptop.locator("img").count() == 0
    assert laptop.locator("h1").first.inner_text().startswith("<script>alert(4)</script>")
    shot(laptop, "story-laptop-markup-as-text")
