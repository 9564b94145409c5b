"""Word choice across sources on comparisons built by hand (no model)."""

from __future__ import annotations

import json

from rashomon.framing import word_choice
from rashomon.framing.wordlists import cue_table, loaded_reason
from rashomon.model import Article, Comparison, Entity, Quote, Span, StoryFact

TEXTS = {
    "A": "The brutal North Korean dictator Kim Jong Un met envoys. Police seized the weapons.",
    "B": "North Korean leader Kim Jong Un met envoys. Mr. Kim smiled. An operation aimed at "
         "the weapons followed.",
    "C": "Leader Kim Jong Un met envoys on Monday, the <script>x</script> agency said.",
}


def span(doc: str, words: str) -> Span:
    start = TEXTS[doc].index(words)
    return Span(doc, start, start + len(words), words)


def comparison() -> Comparison:
    mr_kim = TEXTS["B"].index("Kim smiled")
    kim = Entity("E1", "Kim Jong Un", "person", ["Kim"], [],
                 [span("A", "Kim Jong Un"), span("B", "Kim Jong Un"),
                  Span("B", mr_kim, mr_kim + 3, "Kim"), span("C", "Kim Jong Un")],
                 ["A", "B", "C"])  # fmt: skip
    agency = Entity("E2", "<script>x</script>", "organization", [], [],
                    [span("C", "<script>x</script>")], ["C"])  # fmt: skip
    facts = [
        StoryFact("F1", "Police seized the weapons", "corroborated",
                  [span("A", "Police seized the weapons"),
                   span("B", "An operation aimed at the weapons")], ["A", "B"]),
        StoryFact("F2", "Kim met envoys", "corroborated",
                  [span("A", "Kim Jong Un met envoys"), span("B", "Kim Jong Un met envoys"),
                   span("C", "Kim Jong Un met envoys on Monday")], ["A", "B", "C"]),
    ]  # fmt: skip
    docs = [Article(id=d, text=t) for d, t in TEXTS.items()]
    return Comparison(docs, facts, entities=[kim, agency])


def test_entity_descriptors_aligned_across_sources() -> None:
    choice = word_choice(comparison())
    assert [e.entity for e in choice.entities] == ["E1"]  # E2 is in one report only
    kim = choice.entities[0]
    assert {d: [p.text for p in ps] for d, ps in kim.descriptors.items()} == {
        "A": ["brutal north korean dictator"],
        "B": ["north korean leader"],
        "C": ["leader"],
    }
    # "Mr. Kim" is the name in a house style, not a description.
    assert [p.text for p in kim.names["B"]] == ["Kim"]
    assert kim.names["B"][0].spans[0].text == "Mr. Kim"
    a = kim.descriptors["A"][0]
    assert a.head == "dictator"
    assert a.spans[0].text == "brutal North Korean dictator Kim Jong Un"
    assert TEXTS["A"][a.spans[0].start : a.spans[0].end] == a.spans[0].text
    assert {f.kind for f in a.flags} == {"lexicon", "contrast"}
    contrast = next(f for f in a.flags if f.kind == "contrast")
    assert "'dictator' in A" in contrast.reason and "'leader'" in contrast.reason
    # The majority's head is no contrast.
    assert [f.kind for f in kim.descriptors["B"][0].flags] == []
    assert kim.differs


def test_fact_wording_differences_with_spans() -> None:
    choice = word_choice(comparison())
    assert [f.fact for f in choice.facts] == ["F1"]  # F2 differs by an addition only
    f1 = choice.facts[0]
    assert {d: [w.span.text for w in ws] for d, ws in f1.words.items()} == {
        "A": ["seized"],
        "B": ["operation", "aimed"],
    }
    seized = f1.words["A"][0]
    assert seized.word_class == "verb"
    assert TEXTS["A"][seized.span.start : seized.span.end] == "seized"
    assert any(f.kind == "contrast" and "'aimed'" in f.reason for f in seized.flags)


def test_word_choice_json_keeps_untrusted_text() -> None:
    c = comparison()
    c.entities[1].mentions.append(span("A", "Police"))  # now in two reports
    data = word_choice(c).to_dict()
    assert json.loads(json.dumps(data)) == data
    names = [e["name"] for e in data["entities"]]
    assert "<script>x</script>" in names


def test_tables() -> None:
    assert cue_table()["allegedly"] == "hedge"
    assert cue_table()["according to"] == "say"
    assert loaded_reason("regime") is not None
    assert loaded_reason("government") is None


def test_loaded_word_in_a_quotation_is_the_speakers() -> None:
    a = 'He called the deal "a disaster" on Monday.'
    b = "He criticised the deal on Monday."
    ev_a = Span("A", 0, a.index(" on"), a[: a.index(" on")])
    ev_b = Span("B", 0, b.index(" on"), b[: b.index(" on")])
    inner = a.index("a disaster")
    quote = Quote(Span("A", inner, inner + 10, "a disaster"), None, "He")
    c = Comparison([Article(id="A", text=a), Article(id="B", text=b)],
                   [StoryFact("F1", "He called the deal a disaster", "corroborated",
                              [ev_a, ev_b], ["A", "B"])], quotes=[quote])  # fmt: skip
    words = word_choice(c).facts[0].words
    disaster = next(w for w in words["A"] if w.span.text == "disaster")
    (lexicon,) = [f for f in disaster.flags if f.kind == "lexicon"]
    assert "inside a quotation" in lexicon.reason
    called = next(w for w in words["A"] if w.span.text == "called")
    assert any(f.kind == "contrast" and "'criticised'" in f.reason for f in called.flags)
