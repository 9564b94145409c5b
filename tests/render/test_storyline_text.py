"""Events, timeline and framing sections of the text renderers, and the charts the HTML
report draws from a comparison's own events and framing (no model is loaded)."""

from __future__ import annotations

from rashomon.model import (
    Article,
    Comparison,
    EventActor,
    Span,
    StoredFraming,
    StoryEvent,
)
from rashomon.render import render
from rashomon.render.html import comparison_extras, render_html
from rashomon.render.storyline import event_line, when_label

TEXT_A = "Petro will meet Trump on Tuesday. <script>alert(1)</script> struck boats."
TEXT_B = "Petro meets Trump."


def comparison() -> Comparison:
    docs = [Article(id="a", text=TEXT_A, source="Outlet <b>A</b>"), Article(id="b", text=TEXT_B)]
    meet = StoryEvent(
        id="E1", source=EventActor("Gustavo Petro", "COLGOV", "e1"),
        target=EventActor("Donald Trump", "USAGOV", "e2"), verb="meet", cameo="036",
        plover="CONSULT", goldstein=4.0, mood="future", documents=["a", "b"],
        evidence=[Span("a", 0, 32, TEXT_A[:32]), Span("b", 0, 17, TEXT_B[:17])],
        when="XXXX-WXX-2", order=0,
    )
    strike = StoryEvent(
        id="E2", source=EventActor("<script>alert(1)</script>", "USAMIL"),
        target=EventActor(None), verb="strike", cameo="190", plover="ASSAULT",
        goldstein=-10.0, mood="asserted", documents=["a"],
        evidence=[Span("a", 34, 73, TEXT_A[34:73])], order=1,
    )
    framing = StoredFraming({"profiles": [{
        "document": "a", "counts": {"corroborated": 1, "only_here": 1, "omitted": 0,
                                    "contradicted": 0},
        "omissions": [], "voices": {"speakers": [
            {"name": None, "affiliation": "unattributed", "share": 1.0}]},
        "cue_counts": {"scare_quote": 1},
        "loaded": [{"text": "“struck”", "kind": "lexical"}],
    }], "word_choice": {"entities": [{
        "name": "Gustavo Petro", "differs": True,
        "names": {"a": [{"text": "Petro", "flags": []}]},
        "descriptors": {"b": [{"text": "the leftist", "flags": [{"kind": "lexicon"}]},
                              {"text": "the leader", "flags": [{"kind": "contrast"}]}]},
    }]}})
    return Comparison(documents=docs, facts=[], events=[meet, strike], framing=framing,
                      timings={"events": 0.01})


def test_when_labels_say_what_is_not_known() -> None:
    assert when_label(None) == "undated"
    assert when_label("XXXX-WXX-2") == "a Tuesday (no publication date to place it)"
    assert when_label("2026-01") == "January 2026"
    assert when_label("2026-01-06") == "2026-01-06"
    assert when_label("PAST_REF") == "in the past"


def test_an_expected_act_never_reads_as_done() -> None:
    line = event_line(comparison().events[0])
    assert line == "Gustavo Petro (COLGOV) → meet [036] (expected) → Donald Trump (USAGOV)"


def test_markdown_lists_events_timeline_and_each_source_escaped() -> None:
    md = render(comparison(), "md")
    assert "## Events" in md and "## Timeline" in md and "## How each source tells it" in md
    assert "| E2 | undated | \\<script\\>alert(1)\\</script\\> (USAMIL) | strike |" in md
    assert "unknown" in md  # the target nobody names is kept, as unknown
    assert "quotes: unattributed 100% of its quoted words" in md
    assert "loaded words: “struck”" in md
    assert "<script>" not in md


def test_terminal_lists_events_and_the_timeline() -> None:
    out = render(comparison(), "terminal", width=140)
    assert "Events (who did what to whom)" in out and "Timeline" in out
    assert "meet [036] (expected)" in out


def test_the_html_report_charts_its_own_events_and_word_choice() -> None:
    extras = comparison_extras(comparison())
    assert [row["verb"] for row in extras["events"]] == ["meet", "strike"]
    # Both events have a known actor, so both are on the timeline; the strike on no one named
    # is not a pair for the conflict chart.
    assert [row["order"] for row in extras["timeline"]] == [0, 1]
    assert [s["pair"] for s in extras["conflict"]] == []
    (row,) = extras["word_choice"]
    assert row["sources"] == {"a": ["Petro"], "b": ["the leftist", "the leader"]}
    assert row["loaded"]["b"] == ["the leftist"]  # a contrast alone is not "loaded"
    page = render_html(comparison())
    assert 'id="chart-timeline"' in page and 'id="chart-events"' in page
    assert "<script>alert(1)</script>" not in page
