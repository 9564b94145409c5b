from __future__ import annotations

import numpy as np

from rashomon.model import Fact, Quantity, Span, TimeMention
from rashomon.pipeline.align import FactView
from rashomon.pipeline.differences import (
    ViewInfo,
    date_conflict,
    find_conflict,
    minimal_details,
    name_conflict,
    number_conflict,
)


def span(text, start=0, doc="a"):
    return Span(doc, start, start + len(text), text)


def q(value, unit, approx=False):
    return Quantity(span(f"{value} {unit}"), value, unit, "count", approx)


def info(quantities=(), times=(), entities=None, negated=False, predicate="deploy"):
    return ViewInfo(list(quantities), list(times), dict(entities or {}), negated, predicate,
                    int(negated))


def view(doc=0, terms=("council", "approve", "budget", "monday")):
    fact = Fact(id=f"f{doc}", document=f"d{doc}", sentence=0, statement="s",
                spans=[span("s", doc=f"d{doc}")])
    return FactView(fact, doc, {0}, set(terms), np.ones(2) / np.sqrt(2))


def test_numbers_of_the_same_thing_conflict_across_synonyms():
    assert number_conflict(info([q(30000, "soldier")]), info([q(10000, "troop")])) is not None
    assert number_conflict(info([q(30000, "soldier")]), info([q(30000, "troop")])) is None


def test_numbers_of_different_things_do_not_conflict():
    assert number_conflict(info([q(30000, "soldier")]), info([q(10, "vessel")])) is None


def test_approximate_numbers_allow_rounding():
    assert number_conflict(info([q(500, "troop", approx=True)]), info([q(520, "troop")])) is None
    assert number_conflict(info([q(500, "troop")]), info([q(520, "troop")])) is not None


def test_dates_conflict_only_at_the_same_granularity():
    tue = TimeMention(span("Tuesday"), "W:TUE", "weekday")
    wed = TimeMention(span("Wednesday"), "W:WED", "weekday")
    aug = TimeMention(span("August"), "M:08", "month")
    aug4 = TimeMention(span("August 4, 2025"), "2025-08-04", "day")
    jul9 = TimeMention(span("July 9, 2025"), "2025-07-09", "day")
    assert date_conflict(info(times=[tue]), info(times=[wed])) is not None
    assert date_conflict(info(times=[tue]), info(times=[aug])) is None
    assert date_conflict(info(times=[aug]), info(times=[aug4])) is None
    assert date_conflict(info(times=[aug]), info(times=[jul9])) is not None


def test_a_name_conflicts_only_when_replaced_in_the_same_role():
    a = info(entities={"E1": ("person", "nsubj"), "E2": ("place", "prep:in")})
    b = info(entities={"E1": ("person", "nsubj"), "E3": ("place", "prep:in")})
    assert name_conflict(a, b) == ("place", "E2", "E3")
    c = info(entities={"E1": ("person", "nsubj"), "E3": ("place", "dobj")})
    assert name_conflict(a, c) is None


def test_a_superset_of_places_is_a_detail_not_a_contradiction():
    a = info(entities={"E2": ("place", "prep:in"), "E4": ("place", "prep:in")})
    b = info(entities={"E2": ("place", "prep:in")})
    assert name_conflict(a, b) is None


def test_negation_conflicts_only_when_the_facts_agree_otherwise():
    a, b = view(0), view(1)
    neg, pos = info(negated=True), info(negated=False)
    assert find_conflict(a, b, neg, pos, similarity=0.9).kind == "negation"
    assert find_conflict(a, b, neg, pos, similarity=0.3) is None
    unrelated = view(1, terms=("storm", "flood", "river"))
    assert find_conflict(a, unrelated, neg, pos, similarity=0.9) is None


def test_a_negation_the_parser_hung_elsewhere_is_no_contradiction():
    a, b = view(0), view(1)
    head_negated_only = ViewInfo([], [], {}, True, "favor", 1)
    negated_elsewhere = ViewInfo([], [], {}, False, "favor", 1)
    assert find_conflict(a, b, head_negated_only, negated_elsewhere, 0.9) is None


def test_a_name_the_other_sentence_also_uses_is_no_swap():
    a, b = view(0), view(1)
    ia = info(entities={"E2": ("person", "nsubj")})
    ib = info(entities={"E3": ("person", "nsubj")})
    assert find_conflict(a, b, ia, ib, 0.9).kind == "person"
    ib_both = ViewInfo([], [], {"E3": ("person", "nsubj")}, False, "deploy", 0,
                       frozenset({"E2", "E3"}))
    assert find_conflict(a, b, ia, ib_both, 0.9) is None


def test_antonym_predicates_conflict():
    a, b = view(0), view(1)
    antonyms = {frozenset(("approve", "reject"))}
    got = find_conflict(a, b, info(predicate="approve"), info(predicate="reject"), 0.9, antonyms)
    assert got is not None and got.kind == "other"


def test_minimal_details_keep_the_smallest_uncovered_parts():
    big = Span("a", 10, 60, "x" * 50)
    small = Span("a", 40, 50, "y" * 10)
    covered = Span("a", 0, 5, "z" * 5)
    assert minimal_details([(big, 0.2), (small, 0.0), (covered, 1.0)]) == [small]


def test_a_changed_amount_in_a_list_of_amounts_conflicts():
    a = info([q(200e6, "usd"), q(600e6, "usd")])
    b = info([q(200e6, "usd"), q(1000e6, "usd")])
    x, y = number_conflict(a, b)
    assert (x.value, y.value) == (600e6, 1000e6)


def test_an_extra_number_on_one_side_is_no_conflict():
    a = info([q(30000, "soldier"), q(100, "tank")])
    b = info([q(30000, "troop")])
    assert number_conflict(a, b) is None
