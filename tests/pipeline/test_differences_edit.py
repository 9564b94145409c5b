"""The one-edit check and the kind of a judged contradiction, on hand-built word lists."""

from __future__ import annotations

import re

import numpy as np

from rashomon.model import Fact, Span
from rashomon.pipeline.align import FactView
from rashomon.pipeline.differences import ViewInfo, Word, edit_conflict, explain_judged

# name -> (entity id, recogniser label, kind)
NAMES = {
    "Hunter": ("E1", "PERSON", "person"),
    "Boehner": ("E2", "PERSON", "person"),
    "HuffPost": ("E3", "ORG", "organization"),
}

LEMMAS = {"entered": "enter", "did": "do"}


def words_of(text: str, doc: str) -> tuple[Word, ...]:
    out = []
    for m in re.finditer(r"\w+|'s", text):  # "Hunter's": two tokens, as the parser has it
        tok = m.group()
        entity, label, _ = NAMES.get(tok, (None, "", ""))
        lower = tok.lower()
        span = Span(doc, m.start(), m.end(), tok)
        out.append(Word(lower, LEMMAS.get(lower, lower), span, entity, label, tok[0].isupper()))
    return tuple(out)


def fact_info(
    fact_text: str, sentence: str, doc: str, parity: int = 0
) -> tuple[FactView, ViewInfo]:
    words = words_of(fact_text, doc)
    entities = {w.entity: (NAMES[w.span.text][2], "nsubj") for w in words if w.entity}
    info = ViewInfo(
        [],
        [],
        entities,
        bool(parity),
        "say",
        parity,
        frozenset(),
        "",
        any(w.lower in ("if", "unless", "whether") for w in words),
        words,
        frozenset(w.lower for w in words_of(sentence, doc)),
    )
    fact = Fact(
        id=f"{doc}#1",
        document=doc,
        sentence=0,
        statement=fact_text,
        spans=[Span(doc, 0, len(fact_text), fact_text)],
    )
    return FactView(fact, 0, {0}, set(), np.ones(2) / np.sqrt(2), info=info), info


SENTENCE = "When HuffPost asked Hunter how his campaign was going, {} said things were good."


def test_a_name_changed_in_one_copy_of_a_sentence_that_names_the_other_too_conflicts():
    # The copy still names Hunter (as the one asked), but says someone else answered.
    a, ia = fact_info("Hunter said things were good", SENTENCE.format("Hunter"), "a")
    b, ib = fact_info("Boehner said things were good", SENTENCE.format("Boehner"), "b")
    got = edit_conflict(a, b, ia, ib)
    assert got is not None and got.kind == "person"
    assert [s.text for s in got.a_spans] == ["Hunter"] and [s.text for s in got.b_spans] == [
        "Boehner"
    ]


def test_a_name_the_other_report_tells_of_in_another_sentence_is_no_conflict():
    # Two actors: the other sentence names Hunter and is worded otherwise.
    a, ia = fact_info("Hunter said things were good", SENTENCE.format("Hunter"), "a")
    b, ib = fact_info(
        "Boehner said things were good", "Boehner said things were good after Hunter spoke.", "b"
    )
    assert edit_conflict(a, b, ia, ib) is None


def test_a_judged_contradiction_over_a_tagged_name_is_of_that_kind():
    a, ia = fact_info("states fit Hunter's description", "states fit Hunter's description", "a")
    b, ib = fact_info("states fit Boehner's description", "states fit Boehner's description", "b")
    # No entity of the fact: the names are only tagged by the recogniser.
    ia.entities.clear()
    ib.entities.clear()
    assert explain_judged(a, b, ia, ib, {}) == "person"
    c, ic = fact_info("states fit the description", "states fit the description", "c")
    d, id_ = fact_info("states fit no description", "states fit no description", "d")
    assert explain_judged(c, d, ic, id_, {}) in ("negation", "other", None)


def test_a_judged_contradiction_that_negates_the_verb_is_a_negation():
    text = "He entered office believing America was too hard on its adversaries"
    a, ia = fact_info(text, text, "a")
    other = text.replace("entered", "did not enter")
    b, ib = fact_info(other, other, "b", parity=1)
    assert explain_judged(a, b, ia, ib, {}) == "negation"
    # The same verb changed for another, with no negation: not a negation.
    c, ic = fact_info(text.replace("entered", "left"), text.replace("entered", "left"), "c")
    assert explain_judged(a, c, ia, ic, {}) == "other"


def test_a_negation_before_whether_is_asserted_but_not_one_inside_a_hypothetical():
    asked = "Clinton was asked whether she had seen the cable"
    a, ia = fact_info(asked, asked, "a")
    b, ib = fact_info(asked.replace("was", "was not"), asked.replace("was", "was not"), "b", 1)
    got = edit_conflict(a, b, ia, ib)
    assert got is not None and got.kind == "negation"
    # Inside the question: whether she had or had not seen it is the same question.
    c, ic = fact_info(asked.replace("had", "had not"), asked.replace("had", "had not"), "c", 1)
    assert edit_conflict(a, c, ia, ic) is None
    # A hypothetical: no claim either way.
    cond = "if you help me win you may have someone on the committee"
    d, id_ = fact_info(cond, cond, "d")
    e, ie = fact_info(cond.replace("may", "may not"), cond.replace("may", "may not"), "e", 1)
    assert edit_conflict(d, e, id_, ie) is None
