"""Scoring an edited copy: caught, repeats and follow-ons of the edit, and extra contradictions."""

from __future__ import annotations

from rashomon.evaluation.contradictions import ContradictionScore, format_report, judge
from rashomon.model import Comparison, Contradiction, Span

ORIGINAL = "Ann Wagner chairs the party. She said the vote was fair. Turnout was 40 percent."
COPY = ORIGINAL.replace("Ann Wagner", "Jim Manley")
CHANGED = Span("copy", 0, len("Jim Manley"), "Jim Manley")


def side(doc: str, text: str, needle: str) -> list[Span]:
    start = text.index(needle)
    return [Span(doc, start, start + len(needle), needle)]


def contradiction(kind: str, explanation: str, needle_a: str, needle_b: str) -> Contradiction:
    return Contradiction(
        kind, explanation, [side("orig", ORIGINAL, needle_a), side("copy", COPY, needle_b)]
    )


def score_of(*contradictions: Contradiction) -> tuple[str, int, int, int]:
    comparison = Comparison(documents=[], facts=[], contradictions=list(contradictions))
    o = judge(comparison, "person", CHANGED, "Ann Wagner", "Jim Manley")
    return o.verdict, o.repeats, o.follow_on, o.extra


AT_CHANGE = contradiction(
    "person", "Ann Wagner against Jim Manley", "Ann Wagner chairs", "Jim Manley chairs"
)


def test_one_contradiction_at_the_change_is_caught_with_nothing_else():
    assert score_of(AT_CHANGE) == ("caught", 0, 0, 0)
    assert score_of() == ("missed", 0, 0, 0)
    other_kind = contradiction("other", "judged", "Ann Wagner chairs", "Jim Manley chairs")
    assert score_of(other_kind) == ("wrong kind", 0, 0, 0)


def test_repeats_and_follow_ons_are_told_from_false_contradictions():
    repeat = contradiction("person", "Ann Wagner against Jim Manley", "Ann Wagner", "Jim Manley")
    # A later sentence whose pronoun resolves to the edited name: its explanation names both.
    follow_on = contradiction("person", "Ann Wagner against Jim Manley", "She said", "She said")
    # Elsewhere, and not about the edit: a false contradiction.
    false = contradiction("number", "'40' against '40'", "40 percent", "40 percent")
    assert score_of(AT_CHANGE, repeat, follow_on, false) == ("caught", 1, 1, 1)
    # Naming only one of the two names is not enough to excuse it.
    half = contradiction("person", "Ann Wagner against Bob", "She said", "She said")
    assert score_of(AT_CHANGE, half) == ("caught", 0, 0, 1)


def test_the_report_counts_each_column():
    comparison = Comparison(documents=[], facts=[], contradictions=[AT_CHANGE, AT_CHANGE])
    outcome = judge(comparison, "person", CHANGED, "Ann Wagner", "Jim Manley")
    score = ContradictionScore([outcome])
    row = score.to_dict()["person"]
    assert (row["n"], row["caught"], row["repeat"], row["extra"]) == (1, 1, 1, 0)
    text = format_report(score, verbose=True)
    assert "1 copies: 0 extra (false) contradictions; 1 repeats and 0 follow-ons" in text
