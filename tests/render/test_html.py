"""The HTML renderer: one self-contained, inert page that shows who reports what."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from typing import Any

import pytest

from rashomon.model import (
    Article,
    BriefSentence,
    Comparison,
    Contradiction,
    Detail,
    Entity,
    Quote,
    Span,
    StoryFact,
)
from rashomon.render import render
from rashomon.render.html import render_fragment, render_html, safe_url, script_json

A_TEXT = ("Petro will meet Trump in Washington on Tuesday. 30,000 soldiers guard the border. "
          "Trump said it “sounds good”. <script>alert('a')</script> was in the feed.")
B_TEXT = ("Petro heads to Washington to meet Trump. 20,000 soldiers guard the border. "
          "Analysts expect tension. Nothing <b>bold</b> here \u2028 either.")
C_TEXT = "Petro will meet Trump in Washington. The weather was fine."


def span(doc: str, text: str, needle: str) -> Span:
    start = text.index(needle)
    return Span(doc, start, start + len(needle), needle)


@pytest.fixture
def comparison() -> Comparison:
    """Three reports: a fact all carry (one adds a detail), a contradiction on a number, single
    sources, an entity, a quote, a brief; and markup in texts, titles, sources and a link."""
    a = Article("a.txt", A_TEXT, title="</title><script>alert(1)</script>", source="Wire A",
                url="javascript:alert(2)", published="2026-02-03")
    b = Article("b.txt", B_TEXT, title="Petro heads north", source='"><img src=x onerror=1>',
                url="https://example.org/b?x=1&y=2")
    c = Article("c.txt", C_TEXT, source=None)
    meet = StoryFact(
        "F1", "Petro will meet Trump in Washington", "corroborated",
        evidence=[span("a.txt", A_TEXT, "Petro will meet Trump in Washington on Tuesday"),
                  span("b.txt", B_TEXT, "Petro heads to Washington to meet Trump"),
                  span("c.txt", C_TEXT, "Petro will meet Trump in Washington")],
        documents=["a.txt", "b.txt", "c.txt"],
        details=[Detail(span("a.txt", A_TEXT, "on Tuesday"), kind="date", note="only A")],
    )
    soldiers = StoryFact(
        "F2", "Soldiers guard the border", "contradicted",
        evidence=[span("a.txt", A_TEXT, "30,000 soldiers guard the border"),
                  span("b.txt", B_TEXT, "20,000 soldiers guard the border")],
        documents=["a.txt", "b.txt"], contradiction=0,
    )
    quote_fact = StoryFact("F3", "Trump said it sounds good", "single_source",
                           evidence=[span("a.txt", A_TEXT, "Trump said it “sounds good”")],
                           documents=["a.txt"])
    script_fact = StoryFact("F4", "<script>alert('a')</script> was in the feed",
                            "single_source",
                            evidence=[span("a.txt", A_TEXT,
                                           "<script>alert('a')</script> was in the feed")],
                            documents=["a.txt"])
    tension = StoryFact("F5", "Analysts expect tension", "single_source",
                        evidence=[span("b.txt", B_TEXT, "Analysts expect tension")],
                        documents=["b.txt"])
    contradiction = Contradiction(
        "number", "30,000 soldiers against 20,000",
        sides=[[span("a.txt", A_TEXT, "30,000")], [span("b.txt", B_TEXT, "20,000")]],
        facts=["F2"], confidence=0.9,
    )
    petro = Entity("E1", "Gustavo Petro", "person", aliases=["Petro"], titles=["President"],
                   mentions=[span("a.txt", A_TEXT, "Petro"), span("b.txt", B_TEXT, "Petro"),
                             span("c.txt", C_TEXT, "Petro")],
                   documents=["a.txt", "b.txt", "c.txt"])
    weather = Entity("E2", "Nowhere", "place", mentions=[], documents=[])
    quote = Quote(span("a.txt", A_TEXT, "sounds good"), speaker="E3", speaker_name="Trump")
    brief = [
        BriefSentence("Petro will meet Trump in Washington.", ["a.txt", "b.txt", "c.txt"],
                      evidence=meet.evidence, facts=["F1"]),
        BriefSentence("The reports differ on the number of soldiers.", ["a.txt", "b.txt"],
                      evidence=soldiers.evidence, facts=["F2"]),
    ]
    return Comparison(
        documents=[a, b, c], facts=[meet, soldiers, quote_fact, script_fact, tension],
        contradictions=[contradiction], entities=[petro, weather], quotes=[quote], brief=brief,
        timings={"total": 1.25}, models={"parser": "test"}, warnings=["c.txt: <i>short</i>"],
    )


class Parsed(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self._in: str | None = None
        self._attrs: dict[str, str | None] = {}
        self._buf: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._in, self._attrs, self._buf = tag, dict(attrs), []

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in == "script":
            self.scripts.append((self._attrs, "".join(self._buf)))
        elif tag == self._in == "style":
            self.styles.append("".join(self._buf))
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        (self._buf if self._in else self.text).append(data)

    def ids(self) -> set[str]:
        return {a["id"] for _, a in self.tags if a.get("id")}

    def with_class(self, name: str) -> list[dict[str, str | None]]:
        return [a for _, a in self.tags if name in (a.get("class") or "").split()]

    @property
    def visible(self) -> str:
        return "".join(self.text)


def _hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_one_self_contained_inert_page(comparison: Comparison) -> None:
    html = render_html(comparison)
    page = Parsed(html)
    assert html.startswith("<!doctype html>")
    # no external request: no src, no stylesheet link, no remote resource of any kind
    for tag, attrs in page.tags:
        assert "src" not in attrs, tag
        if tag == "link":
            pytest.fail(f"external link {attrs}")
    # exactly one inline script, the page's own, and one JSON data block
    code = [body for attrs, body in page.scripts if attrs.get("type") is None]
    data = [body for attrs, body in page.scripts if attrs.get("type") == "application/json"]
    assert len(code) == 1 and len(data) == 1
    assert "alert(" not in code[0]
    # the CSP allows exactly that script and that style, by hash
    csp = next(a["content"] for t, a in page.tags if a.get("http-equiv") ==
               "Content-Security-Policy")
    assert f"'{_hash(code[0])}'" in csp and f"'{_hash(page.styles[0])}'" in csp
    assert "unsafe-inline" not in csp and "default-src 'none'" in csp
    # no markup from the data survived as markup
    assert not any(t == "img" for t, _ in page.tags)
    assert "<b>bold</b>" not in html and "Nothing <b>bold</b> here" in page.visible
    # one page title; every chart's SVG has its own <title>, its accessible name
    svgs = sum(t == "svg" for t, _ in page.tags)
    assert svgs >= 2 and sum(t == "title" for t, _ in page.tags) == 1 + svgs
    for _, attrs in page.tags:
        assert not any(k.startswith("on") for k in attrs)
    assert "<script>alert" not in html and "<img" not in html
    # ... but shows as text
    assert "<script>alert('a')</script> was in the feed" in page.visible
    assert "</title><script>alert(1)</script>" in page.visible
    assert '"><img src=x onerror=1>' in page.visible
    assert "c.txt: <i>short</i>" in page.visible


def test_data_block_is_the_json_contract(comparison: Comparison) -> None:
    page = Parsed(render_html(comparison))
    body = next(b for a, b in page.scripts if a.get("type") == "application/json")
    assert "<" not in body and ">" not in body and "&" not in body
    assert "\u2028" not in body and "\u2029" not in body
    data = json.loads(body)
    expected = comparison.to_dict()
    for doc in data["documents"]:
        assert doc.pop("letter") in ("A", "B", "C")
    assert data == json.loads(json.dumps(expected))


def test_script_json_escapes() -> None:
    text = script_json({"t": "</script><!-- & \u2028\u2029 >"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == {"t": "</script><!-- & \u2028\u2029 >"}


def test_safe_url() -> None:
    assert safe_url("https://example.org/a?b=1&c=2") == "https://example.org/a?b=1&c=2"
    assert safe_url("http://example.org") == "http://example.org"
    for bad in ("javascript:alert(1)", " JaVaScRiPt:alert(1)", "data:text/html,x", "/relative",
                "https://exa mple.org", 'https://e.org/"onmouseover=', "ftp://e.org/x", "",
                None, "https://e.org/\u0000"):
        assert safe_url(bad) is None, bad


def test_links_are_safe_and_only_http(comparison: Comparison) -> None:
    page = Parsed(render_html(comparison))
    hrefs = [a["href"] for t, a in page.tags if t == "a" and a.get("href")]
    assert "https://example.org/b?x=1&y=2" in hrefs
    assert not any(h.lower().startswith("javascript") for h in hrefs)
    external = [a for t, a in page.tags if t == "a" and (a.get("href") or "").startswith("http")]
    assert all("noopener" in (a.get("rel") or "") for a in external)


def test_every_anchor_link_lands_on_a_highlight(comparison: Comparison) -> None:
    page = Parsed(render_html(comparison))
    ids = page.ids()
    internal = [a["href"][1:] for t, a in page.tags if t == "a" and
                (a.get("href") or "").startswith("#")]
    assert internal
    for target in internal:
        assert target in ids, target
    # each fact's evidence has an anchor in each report that carries it
    for fid, letters in [("F1", "ABC"), ("F2", "AB"), ("F3", "A"), ("F5", "B")]:
        for letter in letters:
            assert f"ev-{fid}-{letter}" in ids


def test_highlights_match_the_text(comparison: Comparison) -> None:
    page = Parsed(render_html(comparison))
    texts = {str(k): d.text for k, d in enumerate(comparison.documents)}
    segments = page.with_class("seg")
    assert segments
    # reassemble each report's text from the page: it is the report's text, exactly
    html = render_html(comparison)
    for k, text in texts.items():
        block = html.split(f'<div class="doc-text" data-doc="{k}">', 1)[1].split("</div>", 1)[0]
        shown = Parsed(block).visible
        assert shown == text
    for seg in segments:
        if seg.get("data-s") is None:
            continue  # the legend's samples
        assert int(seg["data-s"]) < int(seg["data-e"])
    classes = " ".join(s.get("class") or "" for s in segments)
    for cls in ("st-differs", "st-contradicted", "st-single", "dt", "qt"):
        assert cls in classes


def test_matrix_tells_statuses_apart_without_colour(comparison: Comparison) -> None:
    html = render_html(comparison)
    page = Parsed(html)
    rows = {a["data-fact"]: a["class"] for t, a in page.tags if t == "tr" and a.get("data-fact")}
    assert rows == {"F1": "k-differs", "F2": "k-contradicted", "F3": "k-single",
                    "F4": "k-single", "F5": "k-single"}
    # contradictions first, then corroborated, then single source
    order = [a["data-fact"] for t, a in page.tags if t == "tr" and a.get("data-fact")]
    assert order[0] == "F2" and order[1] == "F1"
    row = html.split('data-fact="F1"', 1)[1].split("</tr>", 1)[0]
    cells = re.findall(r'<td class="cell (c-\w+)">', row)
    assert cells == ["c-detail", "c-carries", "c-carries"]
    assert "A: carries it and adds a detail" in Parsed(row).visible  # words, not colour
    assert "differs in detail" in Parsed(row).visible
    contra = html.split('data-fact="F2"', 1)[1].split("</tr>", 1)[0]
    assert re.findall(r'<td class="cell (c-\w+)">', contra) == ["c-contradicts"] * 2 + [
        "c-absent"]
    assert "C: does not say" in Parsed(contra).visible
    legend = Parsed(html.split('id="matrix-legend"', 1)[1].split("</p>", 1)[0]).visible
    for words in ("carries it", "adds a detail", "contradicts", "does not say"):
        assert words in legend
    for symbol in "●◐✖·":
        assert symbol in legend


def test_sections_are_all_there(comparison: Comparison) -> None:
    page = Parsed(render_html(comparison))
    ids = page.ids()
    assert {"brief", "matrix", "contradictions", "single", "entities", "quotes",
            "reports"} <= ids
    visible = page.visible
    assert "30,000 soldiers against 20,000" in visible  # the contradiction, both sides
    cx = render_html(comparison).split('id="contradiction-1"', 1)[1].split('id="single"')[0]
    assert "30,000" in Parsed(cx).visible and "20,000" in Parsed(cx).visible
    assert "Gustavo Petro" in visible and "President" in visible
    assert "sounds good" in visible and "Trump" in visible
    assert "Analysts expect tension" in visible  # only B
    assert "Nowhere" in visible  # named, without facts


def test_brief_sentences_carry_their_evidence(comparison: Comparison) -> None:
    html = render_html(comparison)
    item = html.split('id="brief-1"', 1)[1].split("</li>\n", 1)[0]
    ev = Parsed(item.split('class="evidence"', 1)[1]).visible
    assert "Petro will meet Trump in Washington on Tuesday" in ev
    assert "Petro heads to Washington to meet Trump" in ev
    assert 'href="#brief-1-ev"' in item  # no-JS: tap opens it via :target


def test_empty_and_minimal_comparisons_render() -> None:
    lone = Comparison(documents=[Article("x", "Just one report.")], facts=[])
    html = render_html(lone)
    assert "Just one report." in html and "1 report compared" in html
    assert "No brief" in html


def test_render_dispatch_and_fragment(comparison: Comparison) -> None:
    assert render(comparison, "html") == render_html(comparison)
    fragment = str(render_fragment(comparison, title="A title"))
    assert fragment.lstrip().startswith('<article class="rsh"')
    assert "<html" not in fragment and "A title" in fragment


def test_spans_that_do_not_fit_are_left_out(comparison: Comparison) -> None:
    comparison.facts[0].evidence.append(Span("a.txt", 5, 10_000, "nonsense"))
    comparison.facts[0].evidence.append(Span("zz.txt", 0, 3, "who"))
    html = render_html(comparison)
    assert "Petro will meet Trump" in html  # still renders


@pytest.fixture(scope="module")
def real_comparison() -> Comparison:
    import os

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from pathlib import Path

    from rashomon.reconcile import compare, default_reconciler

    example = Path(__file__).resolve().parents[2] / "examples" / "petro-trump"
    files = [example / "000_49d5f86acb913825.txt", example / "002_2cdc4485174d466e.txt"]
    return compare(files, reconciler=default_reconciler())


@pytest.mark.slow
def test_the_founding_example(real_comparison: Any) -> None:
    """The real reconciliation of the two example reports renders, with every fact in the
    matrix under the status the engine gave it."""
    html = render_html(real_comparison)
    page = Parsed(html)
    rows = {a["data-fact"]: a["class"] for t, a in page.tags if t == "tr" and a.get("data-fact")}
    for f in real_comparison.facts:
        kind = {"corroborated": "k-differs" if f.differs_in_detail else "k-corroborated",
                "single_source": "k-single", "contradicted": "k-contradicted"}[f.status]
        assert rows[f.id] == kind
    ids = page.ids()
    for target in [a["href"][1:] for t, a in page.tags if t == "a" and
                   (a.get("href") or "").startswith("#")]:
        assert target in ids


def test_a_reading_of_a_pronoun_is_marked_as_an_inference_and_escaped() -> None:
    from rashomon.model import Resolution

    text = "Gustavo Petro landed. He met Trump and praised [the] deal."
    doc = Article(id="a.txt", text=text)
    he = Span("a.txt", 22, 24, "He")
    fact = StoryFact(
        id="F1", statement="He [Gustavo <b>Petro</b>] met Trump and praised [the] deal",
        status="single_source", evidence=[Span("a.txt", 22, len(text) - 1, text[22:-1])],
        documents=["a.txt"],
        resolved=[Resolution(he, "Gustavo <b>Petro</b>", Span("a.txt", 0, 13, text[:13]))],
    )
    page = render_html(Comparison(documents=[doc], facts=[fact]))
    assert ('He <span class="inferred" title="rashomon reads “He” here as Gustavo &lt;b&gt;Petro'
            '&lt;/b&gt;">[Gustavo &lt;b&gt;Petro&lt;/b&gt;]</span> met Trump') in page
    assert '<span class="inferred"' not in render_html(Comparison(
        documents=[doc], facts=[StoryFact(id="F1", statement="A [b] c", status="single_source",
                                          evidence=[], documents=["a.txt"])]))
    assert "<b>Petro</b>" not in page
    assert "praised [the] deal" in page  # the report's own brackets are not a reading
