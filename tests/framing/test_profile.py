"""Per-source profiles on small comparisons built by hand (no model), and on the bundled example."""

from __future__ import annotations

import json

import pytest

from rashomon.errors import InputError
from rashomon.framing import BiasSpan, cues, frame
from rashomon.framing.layout import layout
from rashomon.model import Article, Comparison, Entity, Quote, Span, StoryFact

TEXTS = {
    "A": (
        "Troops sent to the border\n"
        "The government sent 30,000 troops to the border on Monday. Officials allegedly hid "
        "the cost. The minister claimed the move was legal.\n"
        "The border is 2,200 km long. The so-called \"security plan\" began in May. "
        "\"We will protect our people,\" said Colombian President Gustavo Petro."
    ),
    "B": (
        "Border plan draws fire\n"
        "The government sent troops to the border. Critics say the border is 2,200 km long.\n"
        "The plan costs $5 million. \"It is a waste,\" said <script>alert(1)</script> of "
        "Amnesty. \"Nobody asked us,\" a villager said."
    ),
    "C": (
        "Border deployment\n"
        "Troops were sent to the border. The border is 2,200 km long.\n"
        "The minister admitted errors in the United States visit."
    ),
}


def span(doc: str, words: str, nth: int = 0) -> Span:
    text = TEXTS[doc]
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return Span(doc, start, start + len(words), words)


def article(doc: str) -> Article:
    return Article(id=doc, text=TEXTS[doc], source=f"outlet {doc}",
                   body_start=TEXTS[doc].index("\n") + 1)  # fmt: skip


def fact(fid: str, status: str, *spans: Span) -> StoryFact:
    return StoryFact(fid, spans[0].text, status, list(spans), sorted({s.document for s in spans}))  # type: ignore[arg-type]


@pytest.fixture
def comparison() -> Comparison:
    facts = [
        fact("F1", "corroborated", span("A", "The government sent 30,000 troops to the border"),
             span("B", "The government sent troops to the border"),
             span("C", "Troops were sent to the border")),
        # Carried by B and C (both of A's others), in their lead and body: A's first omission.
        fact("F2", "corroborated", span("B", "the border is 2,200 km long"),
             span("C", "The border is 2,200 km long"), span("A", "The border is 2,200 km long")),
        fact("F3", "single_source", span("B", "The plan costs $5 million")),
        fact("F4", "single_source", span("A", "Officials allegedly hid the cost")),
        fact("F5", "single_source", span("A", "The so-called \"security plan\" began in May")),
        fact("F6", "corroborated", span("B", "Critics say"), span("C", "The minister admitted")),
        fact("F7", "single_source", span("C", "errors in the United States visit")),
    ]  # fmt: skip
    # F2 is carried by all three: make a fact that A leaves out, carried by B and C.
    facts[1] = fact("F2", "corroborated", span("B", "the border is 2,200 km long"),
                    span("C", "The border is 2,200 km long"))  # fmt: skip
    entities = [
        Entity("E1", "Gustavo Petro", "person", ["Petro"], ["Colombian President"],
               [span("A", "Gustavo Petro")], ["A"]),
        Entity("E2", "Colombia", "place", ["Colombian"], [], [span("A", "Colombian")], ["A"]),
        Entity("E3", "<script>alert(1)</script>", "person", [], [],
               [span("B", "<script>alert(1)</script>")], ["B"]),
    ]  # fmt: skip
    quotes = [
        Quote(span("A", "We will protect our people,"), "E1", "Colombian President Gustavo Petro",
              span("A", "Colombian President Gustavo Petro")),
        Quote(span("B", "It is a waste,"), "E3", "<script>alert(1)</script>",
              span("B", "<script>alert(1)</script>")),
        Quote(span("B", "Nobody asked us,"), None, None),
    ]  # fmt: skip
    return Comparison([article(d) for d in "ABC"], facts, entities=entities, quotes=quotes)


def test_omissions_ranked_by_carriers_then_prominence(comparison: Comparison) -> None:
    a = frame(comparison).profile("A")
    # F2 (B and C) and F6 (B and C) are left out by A; F3 and F7 each by one of two others.
    assert [r.fact for r in a.omissions] == ["F2", "F6", "F3", "F7"]
    first = a.omissions[0]
    assert {p.document: p.position for p in first.carried_by} == {"B": "lead", "C": "lead"}
    assert first.missing_from == ["A"]
    assert first.carried_by[0].spans[0].text.lower() == "the border is 2,200 km long"
    # A stricter share leaves out what only one of the two others carries.
    assert [r.fact for r in frame(comparison, omission_share=0.75).profile("A").omissions] == [
        "F2", "F6"]  # fmt: skip


def test_only_here_and_counts(comparison: Comparison) -> None:
    framing = frame(comparison)
    a = framing.profile("A")
    assert [r.fact for r in a.only_here] == ["F4", "F5"]  # lead first, then body
    assert a.only_here[0].here is not None and a.only_here[0].here.position == "lead"
    assert a.only_here[1].here is not None and a.only_here[1].here.position == "body"
    assert a.counts.to_dict() == {"corroborated": 1, "only_here": 2, "omitted": 4,
                                  "contradicted": 0}  # fmt: skip
    assert framing.profile("C").counts.only_here == 1


def test_lead_facts_say_where_others_carry_them(comparison: Comparison) -> None:
    a = frame(comparison).profile("A")
    f1 = next(r for r in a.lead_facts if r.fact == "F1")
    assert {p.document: p.position for p in f1.carried_by} == {"A": "lead", "B": "lead",
                                                                "C": "lead"}  # fmt: skip
    assert a.headline is not None and a.headline.text == "Troops sent to the border"
    assert a.lead is not None and a.lead.text.endswith("the move was legal.")


def test_layout_headline_lead_body() -> None:
    where = layout(article("A"))
    text = TEXTS["A"]
    assert where.position(0) == "headline"
    assert where.position(text.index("Officials")) == "lead"
    assert where.position(text.index("The border")) == "body"


def test_voices_grouped_by_affiliation_with_shares(comparison: Comparison) -> None:
    framing = frame(comparison)
    a = framing.profile("A").voices
    assert [(v.name, v.affiliation, v.words) for v in a.speakers] == [
        ("Gustavo Petro", "Colombia", 5)]  # fmt: skip
    assert a.speakers[0].title == "Colombian President"
    assert a.speakers[0].share == 1.0
    b = framing.profile("B").voices
    assert b.words == 7
    assert [(v.name, v.affiliation, v.words) for v in b.speakers] == [
        ("<script>alert(1)</script>", "unattributed", 4), ("unattributed", "unattributed", 3)]
    assert [(g.name, round(g.share, 3)) for g in b.affiliations] == [("unattributed", 1.0)]
    assert round(b.speakers[0].share, 3) == round(4 / 7, 3)


def test_hedges_and_attribution_with_exact_spans(comparison: Comparison) -> None:
    found = {(c.span.text, c.kind) for c in frame(comparison).profile("A").cues}
    assert found == {("allegedly", "hedge"), ("claimed", "claim"), ("so-called", "hedge"),
                     ("security plan", "scare_quote"), ("said", "say")}  # fmt: skip
    for cue in cues(TEXTS["A"], "A"):
        assert TEXTS["A"][cue.span.start : cue.span.end] == cue.span.text
    c_cues = {(c.span.text, c.kind) for c in frame(comparison).profile("C").cues}
    assert c_cues == {("admitted", "admit")}  # "United States" is a name, not "states"
    b_cues = frame(comparison).profile("B").cues
    # Words a speaker is found for are a quotation, not a scare quote.
    assert all(c.kind != "scare_quote" for c in b_cues)


def test_loaded_words_and_unknown_document(comparison: Comparison) -> None:
    start = TEXTS["B"].index("waste")
    bias = BiasSpan(start, start + 5, "waste", "lexical", "subjective lexicon", 0.91)
    b = frame(comparison, loaded={"B": [bias]}).profile("B")
    assert [(w.span.text, w.kind, w.score) for w in b.loaded] == [("waste", "lexical", 0.91)]
    with pytest.raises(InputError) as caught:
        frame(comparison, loaded={"Z": [bias]})
    assert caught.value.code == "E147"


def test_to_dict_is_json_and_keeps_untrusted_text_as_data(comparison: Comparison) -> None:
    data = frame(comparison).to_dict()
    text = json.dumps(data)
    assert json.loads(text) == data
    b = next(p for p in data["profiles"] if p["document"] == "B")
    assert b["voices"]["speakers"][0]["name"] == "<script>alert(1)</script>"
    assert b["counts"]["only_here"] == 1


@pytest.mark.slow
def test_example_omissions_match_gold(example_comparison: Comparison) -> None:
    """Each side's omissions hold the other side's single-source facts of the gold reference."""
    from tests.conftest import EXAMPLE

    gold = json.loads((EXAMPLE / "gold.json").read_text("utf-8"))
    names = gold["documents"]
    framing = frame(example_comparison)

    def omitted_text(side: str) -> str:
        profile = framing.profile(names[side])
        return " ".join(s.text for r in profile.omissions for p in r.carried_by for s in p.spans)

    # B leaves out A's 30,000 soldiers, 2,200 km border and foreign minister; A leaves out B's
    # "Nazi brigades" remark.
    for side, other, words in (("B", "A", "30,000 soldiers"), ("B", "A", "2,200km border"),
                               ("B", "A", "Rosa Yolanda Villavicencio"),
                               ("A", "B", "Nazi brigades")):  # fmt: skip
        assert words in omitted_text(side), (side, words)
        assert words not in omitted_text(other)
    # Recall of every gold single-source fact among the other side's omissions.
    hits = total = 0
    for f in gold["facts"]:
        if f["status"] in ("only_A", "only_B"):
            carrier = f["status"][-1]
            side = "B" if carrier == "A" else "A"
            total += 1
            hits += any(e[:25] in omitted_text(side) for e in f["evidence"][carrier])
    assert hits / total >= 0.8
