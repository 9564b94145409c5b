from __future__ import annotations

import pytest

from rashomon.model import Article
from rashomon.pipeline.annotate import annotate
from rashomon.pipeline.measures import measure, normalise_time


def quantities(nlp, text):
    pd = annotate([Article(id="t", text=text)], nlp)[0]
    return [(q.value, q.unit, q.kind, q.approximate) for _, _, q in measure(pd).quantities]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Petro has deployed 30,000 soldiers to the border.", (30000.0, "soldier", "count", False)),
        ("Security along the 2,200km border with Venezuela.", (2200.0, "km", "measure", False)),
        ("The plan costs $1.5 billion over ten years.", (1.5e9, "usd", "money", False)),
        ("About 500 troops were sent.", (500.0, "troop", "count", True)),
        ("Unemployment rose to 7.5 percent in May.", (7.5, "percent", "percent", False)),
        ("The storm left 10 million people without power.", (1e7, "people", "count", False)),
        ("The road is 12 miles long.", (12 * 1.609344, "km", "measure", False)),
    ],
)
def test_quantities_are_normalised(nlp, text, expected):
    got = quantities(nlp, text)
    assert got, text
    value, unit, kind, approx = got[0]
    assert value == pytest.approx(expected[0])
    assert (unit, kind, approx) == expected[1:]


def test_a_year_is_not_a_quantity(nlp):
    assert quantities(nlp, "The law was passed in 2019 by the senate.") == []


@pytest.mark.parametrize(
    ("text", "value", "granularity"),
    [
        ("Tuesday", "W:TUE", "weekday"),
        ("August 4, 2025", "2025-08-04", "day"),
        ("4 August 2025", "2025-08-04", "day"),
        ("August", "M:08", "month"),
        ("March 2020", "2020-03", "month"),
        ("2019", "2019", "year"),
        ("months", None, "duration"),
        ("last week", None, "relative"),
    ],
)
def test_times_are_normalised(text, value, granularity):
    assert normalise_time(text) == (value, granularity)


def test_quantity_spans_index_the_text(nlp):
    text = "Officials said 1,200 people fled and $3 million in aid arrived."
    pd = annotate([Article(id="t", text=text)], nlp)[0]
    for _, _, q in measure(pd).quantities:
        assert text[q.span.start : q.span.end] == q.span.text


def test_a_part_of_a_whole_counts_the_whole_s_thing(nlp):
    got = quantities(nlp, "We have deals with seven of the eleven nations in the pact.")
    assert (7.0, "nation") in [(v, u) for v, u, _, _ in got]


def test_a_year_before_a_noun_is_not_a_count(nlp):
    assert quantities(nlp, "He lost the 2016 election to his rival.") == []
