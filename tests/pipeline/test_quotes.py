from __future__ import annotations

import pytest

from rashomon.pipeline.quotes import _quote_spans


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        ("He said a strike “sounds good.” Then he left.", ["sounds good."]),
        ("Petro warned of a 'real threat' of intervention.", ["real threat"]),
        ('"We will win," she said.', ["We will win,"]),
        ("Petro's aides don't agree with Trump's 'plan'.", ["plan"]),
        ("No quotation here, only Petro's apostrophes.", []),
    ],
)
def test_quotation_marks_are_not_apostrophes(text, quoted):
    assert [text[s:e] for s, e in _quote_spans(text)] == quoted


@pytest.mark.slow
def test_speakers_of_the_founding_example(example_comparison):
    speakers = {(q.span.document[:3], q.span.text): q.speaker_name
                for q in example_comparison.quotes}
    assert speakers[("000", "sounds good.")] == "Trump"
    assert speakers[("002", "Nazi brigades")] == "Petro"
    assert speakers[("002", "real threat")] == "Petro"
    assert speakers[("002", "cordial")] is None  # a scare quote nobody is said to have said
