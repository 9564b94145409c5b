"""The charts: data in, SVG and text equivalent out; escaping, empty states, 2 and 12 reports."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from chart_support import EVIL, extras, synth

from rashomon.errors import RashomonError
from rashomon.model import Article, Comparison, Quote, Span, StoryFact
from rashomon.render import charts
from rashomon.render.html import EXTRA_KEYS, build_charts, page_data, render_html

REPO = Path(__file__).resolve().parents[2]


def texts(svg: object) -> list[str]:
    """The words of an SVG, as a browser reads them (entities decoded)."""
    root = ET.fromstring(str(svg))
    return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


def tiny() -> Comparison:
    """Three reports: F1 in all, F2 in A and B (B adds a detail), F3 only in C, F4
    contradicted between A and B, F5 only in A."""
    docs = [Article(x, f"text of {x}", source=s)
            for x, s in (("a", "Wire A"), ("b", "Wire B"), ("c", "Wire C"))]

    def fact(fid: str, status: str, documents: list[str]) -> StoryFact:
        return StoryFact(fid, f"statement {fid}", status,  # type: ignore[arg-type]
                         [Span(d, 0, 4, "text") for d in documents], documents)

    facts = [fact("F1", "corroborated", ["a", "b", "c"]), fact("F2", "corroborated", ["a", "b"]),
             fact("F3", "single_source", ["c"]), fact("F4", "contradicted", ["a", "b"]),
             fact("F5", "single_source", ["a"])]
    from rashomon.model import Detail

    facts[1].details.append(Detail(Span("b", 5, 7, "of"), kind="addition"))
    return Comparison(docs, facts)


# -- the counts ---------------------------------------------------------------------------------
def test_source_counts_by_hand() -> None:
    counts = {c.document: c for c in charts.source_counts(tiny())}
    # a: F1, F2 corroborated; F4 contradicted; F5 only here; leaves out none that both b, c carry
    assert counts["a"].to_dict() == {"document": "a", "corroborated": 2, "only_here": 1,
                                     "omitted": 0, "contradicted": 1}
    assert (counts["b"].corroborated, counts["b"].only_here, counts["b"].contradicted) == (2, 0, 1)
    # c carries F1 and F3; F2 and F4 are carried by both others: omitted
    assert (counts["c"].corroborated, counts["c"].only_here, counts["c"].omitted) == (1, 1, 2)


def test_with_two_reports_omitted_is_what_only_the_other_carries() -> None:
    c = synth(2, 30)
    counts = charts.source_counts(c)
    for mine, other in ((counts[0], counts[1]), (counts[1], counts[0])):
        assert mine.omitted == other.only_here


def test_cell_states() -> None:
    c = tiny()
    f = {x.id: x for x in c.facts}
    assert charts.cell_state(f["F2"], "b") == "detail"
    assert charts.cell_state(f["F2"], "a") == "carries"
    assert charts.cell_state(f["F2"], "c") == "absent"
    assert charts.cell_state(f["F4"], "a") == "contradicts"


# -- the pictures ---------------------------------------------------------------------------------
def test_heatmap_names_reports_and_facts_in_the_page_order() -> None:
    c = tiny()
    chart = charts.fact_heatmap(c)
    words = texts(chart.svg)
    assert [w for w in words if " · " in w] == ["A · Wire A", "B · Wire B", "C · Wire C"]
    rows = [w for w in words if w.startswith("statement")]
    # contradicted, then by how many reports carry them, then in the story's order
    assert rows == ["statement F4", "statement F1", "statement F2", "statement F3",
                    "statement F5"]
    assert chart.note is None
    assert "5 facts by 3 reports" in chart.summary
    assert chart.text.count("<tr>") == 6  # head + 5 facts


def test_heatmap_of_twelve_reports_and_150_facts_is_capped_with_a_note() -> None:
    c = synth(12, 150)
    chart = charts.fact_heatmap(c, max_rows=60)
    words = texts(chart.svg)
    assert len([w for w in words if " · " in w]) == 12
    assert chart.note and "60 of 150" in chart.note
    assert str(chart.text).count("<tr>") == 151  # the text lists every fact
    root = ET.fromstring(str(chart.svg))
    assert float(root.get("height", 0)) < 1400  # 60 rows, not 150


def test_source_bars_and_quotes_label_every_report() -> None:
    c = synth(12, 40)
    for chart in (charts.source_bars(c), charts.quote_shares_chart(c)):
        words = texts(chart.svg)
        for letter in "ABCDEFGHIJKL":
            assert any(w.startswith(f"{letter} · ") for w in words), (chart.id, letter)


def test_quote_shares_count_words_per_speaker_and_report() -> None:
    docs = [Article("a", "x " * 20, source="A"), Article("b", "y " * 20, source="B")]
    quotes = [Quote(Span("a", 0, 6, "x x x"), None, "Petro"),
              Quote(Span("a", 0, 2, "x"), None, "Trump"),
              Quote(Span("b", 0, 4, "y y"), "E1", "Mr Petro"),
              Quote(Span("b", 0, 4, "y y"), None, None)]
    speakers, words = charts.quote_shares(Comparison(docs, [], quotes=quotes))
    assert speakers[-1] == "Unattributed"
    assert words["a"] == {"Petro": 3, "Trump": 1}
    assert words["*"]["Petro"] == 3 and words["*"]["Mr Petro"] == 2
    assert sum(words["*"].values()) == 8
    chart = charts.quote_shares_chart(Comparison(docs, [], quotes=quotes))
    assert "8 quoted words" in chart.summary and "Petro 38%" in chart.summary


def test_timeline_places_dated_and_undated_events() -> None:
    chart = charts.timeline_chart(extras()["timeline"])
    words = texts(chart.svg)
    assert "On the calendar" in words
    assert any(w.startswith("Not placed on the calendar") for w in words)
    assert any("[threatened]" in w for w in words)
    assert "3 on the calendar from 2026-01 to 2026-01-08, 2 without a date" in chart.summary
    order = re.findall(r'class="when">([^<]*)<', str(chart.text))
    assert order == ["2026-01", "2026-01-06", "2026-01-08", "undated", "XXXX-WXX-2"]


def test_conflict_panels_per_pair() -> None:
    chart = charts.conflict_chart(extras()["conflict"])
    words = texts(chart.svg)
    assert "COLGOV → USAGOV" in words and "USAGOV → Petro" in words
    assert "no date" in words  # the undated point is placed after the dated ones
    assert "COLGOV → USAGOV: 3 events, mean Goldstein +0.0" in chart.summary


def test_tables_of_events_and_word_choice() -> None:
    c = synth(2, 5)
    ev = charts.events_table(extras()["events"], c)
    assert ev.svg is None and str(ev.text).count("<tr>") == 3
    assert 'class="gs gs-p2"' in ev.text and 'class="gs gs-m4"' in ev.text
    assert "CAMEO 036" in ev.text and ">A</b>" in ev.text  # document ids shown as letters
    words = charts.word_choice_table(extras()["word_choice"], c)
    assert '<mark class="loaded">the leftist leader' in words.text
    assert "<th scope=\"col\">A</th><th scope=\"col\">B</th>" in words.text


@pytest.mark.parametrize("maker", [charts.timeline_chart, charts.conflict_chart,
                                   charts.events_table, charts.word_choice_table])
def test_empty_states(maker: object) -> None:
    chart = maker([])  # type: ignore[operator]
    assert chart.svg is None and 'class="empty"' in chart.text


def test_empty_comparison() -> None:
    c = Comparison([Article("a", "nothing")], [])
    assert charts.fact_heatmap(c).svg is None
    assert charts.quote_shares_chart(c).svg is None
    assert "only_here" not in str(charts.source_bars(c).text)  # a table, with zeros
    assert "<td>0</td>" in charts.source_bars(c).text


@pytest.mark.parametrize("bad", ["not a list", [1, 2], [{"when": 5}], [{"goldstein": "high"}]])
def test_malformed_input_is_a_coded_error(bad: object) -> None:
    with pytest.raises(RashomonError) as err:
        charts.timeline_chart(bad)
    assert err.value.code == "E150"


# -- escaping and the policy ----------------------------------------------------------------------
def all_charts(evil: bool) -> dict[str, charts.Chart]:
    return build_charts(synth(2, 20, evil=evil), extras(evil=evil))


def test_markup_is_escaped_everywhere() -> None:
    made = all_charts(evil=True)
    assert set(made) == {"matrix", "sources", "quotes", *EXTRA_KEYS}
    for name, chart in made.items():
        for part in (str(chart.svg or ""), str(chart.text)):
            assert "<script" not in part, name
            assert "alert(1)" not in part or "&lt;script&gt;" in part, name
    # and the browser reads the markup back as text
    assert any(w.startswith(EVIL) for w in texts(made["matrix"].svg))
    assert any(w.startswith("B · " + EVIL[:10]) for w in texts(made["sources"].svg))
    assert EVIL in texts(made["quotes"].svg)
    assert any(EVIL in w for w in texts(made["timeline"].svg))


def test_svg_has_no_inline_style_no_foreign_link_and_unique_ids() -> None:
    made = all_charts(evil=False)
    seen: set[str] = set()
    for chart in made.values():
        if chart.svg is None:
            continue
        svg = str(chart.svg)
        assert "style=" not in svg and "<style" not in svg  # the pages' CSP forbids them
        assert "xlink" not in svg and "http" not in svg.replace(
            'xmlns="http://www.w3.org/2000/svg"', "")
        ids = re.findall(r' id="([^"]+)"', svg)
        assert all(i.startswith(chart.id) for i in ids)
        assert not seen & set(ids)
        seen |= set(ids)
        for ref in re.findall(r'(?:href="#|url\(#)([^")]+)', svg):
            assert ref in ids  # every reference stays inside its own chart
        root = ET.fromstring(svg)
        assert root.get("role") == "img"
        assert root.find("{http://www.w3.org/2000/svg}title").text == chart.title


def test_clean_svg_keeps_only_what_is_allowed() -> None:
    hostile = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'viewBox="0 0 10 10"><script>alert(1)</script><style>*{}</style>'
        '<g id="a" onload="alert(2)"><path d="M 0 0" style="fill: #fff; '
        'fill: url(http://x/y); stroke: red; behavior: url(x)"/></g>'
        '<foreignObject><p>hi</p></foreignObject>'
        '<use xlink:href="http://evil/#x"/><use xlink:href="#a"/>'
        '<text style="font-family: Evil" onclick="x()">a &lt;b&gt;</text>'
        '<image href="data:image/png;base64,AAAA"/><a href="javascript:alert(3)"><rect/></a>'
        "</svg>")
    out = str(charts.clean_svg(hostile, "p", "T <i>", "D"))
    for bad in ("script", "onload", "onclick", "<style", "foreignObject", "http://evil",
                "http://x", "behavior", "<image", "javascript", "<a ", "<p>", "Evil"):
        assert bad not in out, bad
    assert 'fill="#fff"' not in out or 'stroke="red"' in out
    assert '<use href="#p-a">' in out and 'id="p-a"' in out
    assert "a &lt;b&gt;" in out and "<title id=\"p-t\">T &lt;i&gt;</title>" in out


def test_dollar_signs_are_money_not_mathematics() -> None:
    c = Comparison([Article("a", "x", source="A")],
                   [StoryFact("F1", "It costs $5 and $10 now", "single_source",
                              [Span("a", 0, 1, "x")], ["a"])])
    assert "It costs $5 and $10 now" in texts(charts.fact_heatmap(c).svg)


def test_same_data_same_bytes() -> None:
    c = synth(3, 12)
    assert charts.fact_heatmap(c).svg == charts.fact_heatmap(c).svg
    t = extras()["timeline"]
    assert charts.timeline_chart(t).svg == charts.timeline_chart(t).svg


# -- dates and colours ----------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "expected"), [
    ("2026-01-06", (dt.date(2026, 1, 6), dt.date(2026, 1, 6))),
    ("2026-01-06T10:30", (dt.date(2026, 1, 6), dt.date(2026, 1, 6))),
    ("2026-02", (dt.date(2026, 2, 1), dt.date(2026, 2, 28))),
    ("2026-12", (dt.date(2026, 12, 1), dt.date(2026, 12, 31))),
    ("2026", (dt.date(2026, 1, 1), dt.date(2026, 12, 31))),
    ("2026-W02", (dt.date(2026, 1, 5), dt.date(2026, 1, 11))),
    ("2026-W02-2", (dt.date(2026, 1, 6), dt.date(2026, 1, 6))),
    ("2026-WI", (dt.date(2026, 12, 1), dt.date(2027, 2, 28))),
    ("2026-Q2", (dt.date(2026, 4, 1), dt.date(2026, 6, 30))),
    ("XXXX-WXX-2", None), ("PRESENT_REF", None), ("P3D", None), ("2026-13-40", None),
    (None, None), ("", None),
])
def test_timex_interval(value: str | None, expected: object) -> None:
    assert charts.timex_interval(value) == expected


def test_goldstein_classes_and_colours() -> None:
    assert charts.goldstein_class(-10) == "gs-m5"
    assert charts.goldstein_class(-0.4) == "gs-p0"
    assert charts.goldstein_class(3.4) == "gs-p2"
    assert charts.goldstein_class(25) == "gs-p5"
    assert charts.goldstein_class(None) == "gs-none"
    assert charts.goldstein_colour(-10) == "#7f3b08" and charts.goldstein_colour(10) == "#2d004b"
    css = (REPO / "rashomon/render/templates/report.css").read_text("utf-8")
    for step in range(-5, 6):  # the page's classes carry the map's colours
        name = f"gs-{'m' if step < 0 else 'p'}{abs(step)}"
        assert f".{name} {{ background: {charts.goldstein_colour(step * 2)};" in css


# -- the page -------------------------------------------------------------------------------------
def test_page_shows_the_extras_it_is_given_and_only_those() -> None:
    c = synth(2, 10)
    bare = render_html(c)
    assert 'id="glance"' in bare and 'id="chart-matrix"' in bare
    assert 'id="events"' not in bare and 'id="wording"' not in bare
    only_words = render_html(c, extras={"word_choice": []})
    assert 'id="wording"' in only_words and "No differences in word choice" in only_words
    assert 'id="events"' not in only_words
    full = render_html(c, extras=extras())
    for key in ("chart-timeline", "chart-conflict", "chart-events", "chart-words"):
        assert f'id="{key}"' in full
    data = page_data(c, extras=extras())
    assert data["charts"]["timeline"] == extras()["timeline"] and "charts" not in page_data(c)


def test_text_formats_do_not_load_matplotlib() -> None:
    code = ("import sys; sys.path.insert(0, 'tests/render'); from chart_support import synth; "
            "from rashomon.render import render; c = synth(2, 5); "
            "[render(c, f) for f in ('md', 'json', 'terminal')]; "
            "assert 'matplotlib' not in sys.modules, 'loaded'; print('ok')")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                         text=True, timeout=120)
    assert out.stdout.strip() == "ok", out.stderr[-2000:]
