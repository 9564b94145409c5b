"""Story events and the timeline (rashomon.pipeline.storyline): merging across reports, where
they disagree, which time governs an event, the order, and the conflict series. Hand-made coded
events on blank parses: no model is loaded."""

from __future__ import annotations

import pytest
import spacy

from rashomon.events import Actor, CodedEvent
from rashomon.model import Article, Entity, Fact, Span, StoryFact, TimeMention
from rashomon.pipeline.annotate import annotate
from rashomon.pipeline.storyline import (
    attach_times,
    build_storyline,
    find_report_times,
    report_times,
)
from rashomon.render.storyline import conflict_series
from rashomon.timex import Timex

_NLP = spacy.blank("en")
_NLP.add_pipe("sentencizer")


def parse(*texts: str, published: tuple[str | None, ...] | None = None) -> list:
    dates = published or (None,) * len(texts)
    articles = [Article(id=f"d{i}", text=t, published=d)
                for i, (t, d) in enumerate(zip(texts, dates, strict=True))]
    return annotate(articles, _NLP)


def actor(whole: str, text: str, code: str | None) -> Actor:
    start = whole.index(text)
    return Actor(text=text, start=start, end=start + len(text), code=code,
                 country=code[:3] if code else None, role=code[3:] if code else None)


def event(whole: str, clause: str, source: Actor | None, target: Actor | None, *,
          verb: str = "meet", cameo: str = "040", mood: str = "asserted",
          goldstein: float = 1.0, sentence: int = 0) -> CodedEvent:
    start = whole.index(clause)
    return CodedEvent(sentence=sentence, start=start, end=start + len(clause), evidence=clause,
                      source=source, target=target, verb=verb, cameo=cameo, plover="CONSULT",
                      goldstein=goldstein, mood=mood)


def timex(whole: str, text: str, value: str, type_: str = "DATE") -> Timex:
    start = whole.index(text)
    return Timex(start, start + len(text), text, type_, value, anchored=True)


def story_fact(fid: str, *spans: Span) -> StoryFact:
    return StoryFact(id=fid, statement=spans[0].text, status="corroborated",
                     evidence=list(spans), documents=[s.document for s in spans])


def whole_span(doc: str, text: str, part: str) -> Span:
    start = text.index(part)
    return Span(doc, start, start + len(part), part)


A = "Petro met Trump on Tuesday."
B = "Colombia's president met Trump on Tuesday."


def test_one_fact_told_by_two_reports_is_one_event_with_both_reports() -> None:
    pa, pb = parse(A, B)
    coded = [
        [event(A, "Petro met Trump on Tuesday", actor(A, "Petro", "COLGOV"),
               actor(A, "Trump", "USAGOV"))],
        [event(B, "Colombia's president met Trump on Tuesday",
               actor(B, "Colombia's president", "COLGOV"), actor(B, "Trump", "USAGOV"))],
    ]
    times = [report_times(pa, [timex(A, "Tuesday", "2026-01-06")]),
             report_times(pb, [timex(B, "Tuesday", "2026-01-06")])]
    fact = story_fact("F1", whole_span("d0", A, "Petro met Trump on Tuesday"),
                      whole_span("d1", B, "Colombia's president met Trump on Tuesday"))
    trump = Entity(id="e1", name="Donald Trump", kind="person",
                   mentions=[whole_span("d0", A, "Trump"), whole_span("d1", B, "Trump")])
    events, disagreements = build_storyline([pa, pb], coded, times, [trump], [fact])
    assert len(events) == 1 and not disagreements
    merged = events[0]
    assert merged.documents == ["d0", "d1"]
    assert merged.target.name == "Donald Trump" and merged.target.entity == "e1"
    assert merged.when == "2026-01-06" and merged.facts == ["F1"]
    assert [s.text for s in merged.evidence] == [
        "Petro met Trump on Tuesday", "Colombia's president met Trump on Tuesday"]


def test_reports_that_name_a_different_actor_for_one_fact_disagree_with_both_sides() -> None:
    a, b = "Rebels attacked the base.", "The army attacked the base."
    pa, pb = parse(a, b)
    coded = [[event(a, "Rebels attacked the base", actor(a, "Rebels", "REB"), None,
                    verb="attack", cameo="190", goldstein=-10.0)],
             [event(b, "The army attacked the base", actor(b, "The army", "MIL"), None,
                    verb="attack", cameo="190", goldstein=-10.0)]]
    fact = story_fact("F1", whole_span("d0", a, "attacked the base"),
                      whole_span("d1", b, "attacked the base"))
    events, disagreements = build_storyline([pa, pb], coded, [[], []], [], [fact])
    assert len(events) == 2
    assert len(disagreements) == 1
    d = disagreements[0]
    assert d.kind == "source" and "Rebels" in d.explanation and "The army" in d.explanation
    assert [[s.text for s in side] for side in d.sides] == [
        ["Rebels attacked the base"], ["The army attacked the base"]]


def test_a_duration_does_not_date_an_event_and_unknown_actors_are_kept() -> None:
    text = "Troops were deployed for two weeks."
    (pd,) = parse(text)
    coded = [[event(text, "Troops were deployed for two weeks", None, None, verb="deploy",
                    cameo="154", goldstein=-7.2)]]
    times = [report_times(pd, [timex(text, "two weeks", "P2W", "DURATION")])]
    events, _ = build_storyline([pd], coded, times, [], [])
    assert events[0].when is None
    assert events[0].source.name is None and events[0].target.name is None


def test_timeline_orders_by_date_then_places_expected_acts_after_the_report() -> None:
    text = "They will meet on Friday. The strike came on Monday. Officials spoke."
    (pd,) = parse(text, published=("2026-01-07",))
    they, officials = actor(text, "They", "USA"), actor(text, "Officials", "GOV")
    coded = [[
        event(text, "They will meet on Friday", they, officials, mood="future", cameo="036"),
        event(text, "The strike came on Monday", they, officials, verb="strike", cameo="190",
              goldstein=-10.0, sentence=1),
        event(text, "Officials spoke", officials, None, verb="speak", cameo="010",
              goldstein=0.0, sentence=2),
    ]]
    times = [report_times(pd, [timex(text, "Friday", "2026-01-09"),
                               timex(text, "Monday", "2026-01-05")])]
    events, _ = build_storyline([pd], coded, times, [], [])
    assert [e.verb for e in events] == ["strike", "speak", "meet"]
    assert [e.order for e in events] == [0, 1, 2]
    # Only acts that happened between two known actors count on the conflict series: not the
    # expected meeting, nor "Officials spoke" (to no one named).
    series = conflict_series(events)
    assert [(s["pair"], [p["goldstein"] for p in s["points"]]) for s in series] == [
        ("USA → GOV", [-10.0])]


def test_an_unresolved_weekday_keeps_its_x_and_is_not_merged_with_a_dated_one() -> None:
    pa, pb = parse("They met on Tuesday.", "They met on March 3.")
    coded = [[event("They met on Tuesday.", "They met on Tuesday", None, None)],
             [event("They met on March 3.", "They met on March 3", None, None)]]
    times = [report_times(pa, [timex("They met on Tuesday.", "Tuesday", "XXXX-WXX-2")]),
             report_times(pb, [timex("They met on March 3.", "March 3", "2026-03-03")])]
    events, _ = build_storyline([pa, pb], coded, times, [], [])
    assert {e.when for e in events} == {"XXXX-WXX-2", "2026-03-03"}


def test_fact_time_mentions_take_the_timex_value_they_overlap() -> None:
    (pd,) = parse(A)
    mention = TimeMention(whole_span("d0", A, "on Tuesday"), "W:TUE", "weekday")
    fact = Fact(id="f", document="d0", sentence=0, statement=A,
                spans=[whole_span("d0", A, A)], times=[mention])
    attach_times([fact], report_times(pd, [timex(A, "Tuesday", "2026-01-06")]))
    assert mention.timex == "2026-01-06"


def test_an_unreadable_or_missing_publication_date_is_said_and_nothing_guessed() -> None:
    (undated_duration,) = parse("They met after months of escalating tensions.")
    assert find_report_times(undated_duration)[1] is None  # a duration waits for no date
    text = "They will meet on Tuesday."
    (missing,) = parse(text)
    times, warning = find_report_times(missing)
    assert [t.value for _, t in times] == ["XXXX-WXX-2"]
    assert warning is not None and "no publication date" in warning and "Tuesday" in warning
    (bad,) = parse(text, published=("sometime soon",))
    times, warning = find_report_times(bad)
    assert [t.value for _, t in times] == ["XXXX-WXX-2"]
    assert warning is not None and "'sometime soon' could not be read" in warning
    (dated,) = parse(text, published=("2026-01-05",))
    times, warning = find_report_times(dated)
    assert [t.value for _, t in times] == ["2026-01-06"] and warning is None


@pytest.mark.slow
def test_an_act_takes_the_time_that_hangs_from_it_not_any_in_its_sentence() -> None:
    from rashomon.backends.parser import default_parser

    text = ("The outcome could influence his legacy as his term ends in August. "
            "Petro will meet Trump on Tuesday.")
    (pd,) = annotate([Article(id="d0", text=text, published="2026-01-05")], default_parser())
    influence = event(text, "The outcome could influence his legacy as his term ends in August",
                      None, None, verb="influence", cameo="050", mood="hypothetical")
    influence.lemma = "influence"
    meet = event(text, "Petro will meet Trump on Tuesday", actor(text, "Petro", "COLGOV"),
                 actor(text, "Trump", "USAGOV"), mood="future", cameo="036", sentence=1)
    meet.lemma = "meet"
    times = [report_times(pd, [timex(text, "August", "2026-08"),
                               timex(text, "Tuesday", "2026-01-06")])]
    events, _ = build_storyline([pd], [[influence, meet]], times, [], [])
    when = {e.verb: e.when for e in events}
    assert when == {"influence": None, "meet": "2026-01-06"}


def test_a_time_under_a_verbless_root_ends_the_walk() -> None:
    """A headline with no verb ("Petro's visit to Washington on Tuesday"): the walk up from
    the time stops at the root (it never did: spaCy makes a new Token at each access, so an
    identity test never held, and the walk ran until memory ran out)."""
    from rashomon.backends.parser import default_parser

    text = "Petro's visit to Washington on Tuesday\n\nThe visit was announced by his office."
    (pd,) = annotate([Article(id="d0", text=text, published="2026-01-05")], default_parser())
    visit = event(text, "Petro's visit to Washington on Tuesday", actor(text, "Petro", "COLGOV"),
                  actor(text, "Washington", "USA"), verb="visit", cameo="042")
    visit.lemma = "visit"
    times = [report_times(pd, [timex(text, "Tuesday", "2026-01-06")])]
    events, _ = build_storyline([pd], [[visit]], times, [], [])
    assert [e.verb for e in events] == ["visit"]
