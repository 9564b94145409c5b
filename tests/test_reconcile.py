"""End-to-end reconciliation on real reports (loads the models once per session)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from rashomon.evaluation.seeds import load_gold, score
from rashomon.model import Article
from rashomon.render import render

pytestmark = pytest.mark.slow


def test_every_span_indexes_its_document(example_comparison):
    texts = {d.id: d.text for d in example_comparison.documents}
    spans = [s for f in example_comparison.facts for s in f.evidence]
    spans += [d.span for f in example_comparison.facts for d in f.details]
    spans += [s for b in example_comparison.brief for s in b.evidence]
    spans += [q.span for q in example_comparison.quotes]
    assert len(spans) > 60
    for s in spans:
        assert texts[s.document][s.start : s.end] == s.text


def test_founding_example_against_its_reference(example_comparison, example_articles):
    # The figures the evaluation prints; these floors guard against regressions.
    from tests.conftest import EXAMPLE

    _, gold = load_gold(EXAMPLE)
    result = score(example_comparison, gold)
    assert result.contradictions == 0
    assert result.corroborated_found >= 11
    assert result.single_found >= 21
    assert result.wrongly_corroborated <= 2


def test_json_contract(example_comparison):
    data = json.loads(render(example_comparison, "json"))
    assert {d["id"] for d in data["documents"]} == {
        "000_49d5f86acb913825.txt", "002_2cdc4485174d466e.txt"
    }
    for fact in data["facts"]:
        assert fact["status"] in ("corroborated", "single_source", "contradicted")
        assert fact["evidence"]
        for ev in fact["evidence"] + fact["details"]:
            assert set(ev) >= {"document", "start", "end", "text"}
    assert isinstance(data["contradictions"], list)
    assert data["entities"] and data["brief"]
    for sentence in data["brief"]:
        assert sentence["documents"]


def test_brief_sentences_cite_the_reports_they_rest_on(example_comparison):
    facts = {f.id: f for f in example_comparison.facts}
    for sentence in example_comparison.brief:
        cited = set(sentence.documents)
        for fid in sentence.facts:
            assert set(facts[fid].documents) <= cited
    assert any(len(b.documents) == 2 for b in example_comparison.brief)


def test_brief_says_each_thing_once_and_never_only_after_several(example_comparison):
    brief = example_comparison.brief
    texts = [b.text.lower() for b in brief]
    assert len(texts) == len(set(texts))
    facts = {f.id: f for f in example_comparison.facts}
    several = [b for b in brief if len(b.documents) > 1 and not b.text.startswith("The reports")]
    assert several
    for b in several:
        (fid,) = b.facts
        assert facts[fid].status == "corroborated"
        assert set(b.documents) <= set(facts[fid].documents)  # exactly the reports that carry it
    given = [s for b in several for s in facts[b.facts[0]].evidence]
    for b in brief:
        if b.text.startswith("Only "):
            (fid,) = b.facts
            assert len(facts[fid].documents) == 1
            assert not any(s.overlaps(g) for s in facts[fid].evidence for g in given)


def test_the_meeting_day_is_a_detail_only_one_report_gives(example_comparison):
    details = [(d.span.document, d.span.text) for f in example_comparison.facts for d in f.details]
    assert ("000_49d5f86acb913825.txt", "on Tuesday") in details


def test_one_report_makes_everything_single_source(reconciler, example_articles):
    result = reconciler.compare(example_articles[:1])
    assert result.facts
    assert all(f.status == "single_source" for f in result.facts)
    assert result.contradictions == []


def test_identical_reports_corroborate_everything(reconciler, example_articles):
    a = example_articles[0]
    b = dataclasses.replace(a, id="copy.txt")
    result = reconciler.compare([a, b])
    assert result.facts
    assert all(f.status == "corroborated" for f in result.facts)
    assert all(not f.details for f in result.facts)
    assert result.contradictions == []


def edited(article: Article, old: str, new: str) -> Article:
    assert article.text.count(old) == 1, old
    return dataclasses.replace(article, id="edited.txt", text=article.text.replace(old, new))


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        ("deployed 30,000 soldiers", "deployed 45,000 soldiers", "number"),
        ("in Washington on Tuesday", "in Washington on Thursday", "date"),
        ("as his term ends in August", "as his term ends in March", "date"),
        ("facilitated by US Senator Rand Paul", "facilitated by US Senator Ted Cruz", "person"),
        ("Petro previously paused intelligence sharing",
         "Petro previously did not pause intelligence sharing", "negation"),
        # One edit of an otherwise identical wording: judged by what replaced what.
        ("Senator Iván Cepeda, as his term", "Senator Paloma Valencia, as his term", "person"),
        ("accused Colombia of not doing enough", "accused Colombia of doing enough", "negation"),
    ],
)
def test_a_changed_copy_is_reported_as_one_contradiction_of_the_right_kind(
    reconciler, example_articles, old, new, kind
):
    original = example_articles[0]
    copy = edited(original, old, new)
    result = reconciler.compare([original, copy])
    assert [c.kind for c in result.contradictions] == [kind]
    changed = copy.text.index(new)
    sides = result.contradictions[0].sides
    assert any(s.document == "edited.txt" and s.start <= changed + len(new) and s.end >= changed
               for side in sides for s in side)
    assert sum(f.status == "contradicted" for f in result.facts) == 1


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        ("The council approved the budget", "The council rejected the budget", "other"),
        ("Two members of the council", "Three members of the council", "number"),
        ("met on Monday", "met on Friday", "date"),
        ("the mayor, Anne Hidalgo, said", "the mayor, Rachida Dati, said", "person"),
    ],
)
def test_one_edit_of_a_wire_copy_is_judged_by_what_replaced_what(reconciler, old, new, kind):
    text = (
        "The council approved the budget for next year after a debate that lasted all night. "
        "Two members of the council voted against the plan, which cuts spending on roads. "
        "The committee that drafted it met on Monday to settle the last disagreements, "
        "the mayor, Anne Hidalgo, said in a statement to reporters.\n"
    )
    original = Article(id="wire.txt", text=text, source="wire")
    copy = edited(original, old, new)
    result = reconciler.compare([original, copy])
    assert [c.kind for c in result.contradictions] == [kind]
    changed = copy.text.index(new)
    assert any(s.document == "edited.txt" and s.start < changed + len(new) and s.end > changed
               for side in result.contradictions[0].sides for s in side)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("U.S. officials", "American officials"),  # two names of one country
        ("over the last year", "over the past year"),  # no calendar value changed
        ("on April 24, 2013", "on April 24th, 2013"),  # one day written two ways
        ("the 86th Oscars", "the 2014 Oscars"),  # one ceremony named two ways
    ],
)
def test_edits_that_change_no_claim_are_no_contradiction(reconciler, old, new):
    text = (
        "U.S. officials said on April 24, 2013 that the talks with Colombia, stalled over the last "
        "year, would resume in Bogota shortly after the election, according to a statement that "
        "Debbie Wasserman Schultz released to reporters before the 86th Oscars.\n"
    )
    original = Article(id="wire.txt", text=text, source="wire")
    copy = edited(original, old, new)
    assert reconciler.compare([original, copy]).contradictions == []


def test_no_judged_contradiction_between_the_same_words_said_by_someone():
    from rashomon.model import Fact, Span
    from rashomon.pipeline.align import FactView
    from rashomon.pipeline.stages.compare import same_words

    text = "The memos made clear the cloud was not the Russian interference"

    def view(doc: str, extra: list[Span]) -> FactView:
        fact = Fact(id=f"{doc}#1", document=doc, sentence=0, statement=text,
                    spans=[Span(doc, 0, len(text), text), *extra])
        return FactView(fact, 0, set(), set())

    plain = view("a", [])
    attributed = view("b", [Span("b", 70, 80, "they added")])
    changed = view("c", [Span("c", 70, 80, "not Russia")])
    assert same_words(plain, attributed)
    assert not same_words(plain, changed)


WIRE = (
    "The council approved the budget for next year after a debate that lasted all night. "
    "Two members of the council voted against the plan, which cuts spending on roads. "
    "The committee that drafted it met on Monday to settle the last disagreements, "
    "the mayor, Anne Hidalgo, said in a statement to reporters.\n"
)


def _json(comparison) -> str:
    data = json.loads(render(comparison, "json"))
    data.pop("timings")
    return json.dumps(data, ensure_ascii=False)


@pytest.fixture(scope="module")
def two_stories(example_articles):
    wire = Article(id="wire.txt", text=WIRE, source="wire")
    return [list(example_articles), [wire, edited(wire, "met on Monday", "met on Friday")]]


def test_compare_many_gives_each_story_what_compare_gives_it(reconciler, two_stories):
    alone = [_json(reconciler.compare(story)) for story in two_stories]
    together = reconciler.compare_many(two_stories)
    assert [_json(c) for c in together] == alone
    # The second story's contradiction is still there, and nothing leaked between the stories.
    assert [c.kind for c in together[1].contradictions] == ["date"]
    assert {d.id for d in together[0].documents} == {a.id for a in two_stories[0]}
    assert set(together[0].timings) >= {"parse", "embed", "align", "compare", "brief", "total"}


def test_the_state_pickles_after_every_stage(reconciler, two_stories):
    import pickle

    from rashomon.pipeline.state import StoryState

    states = [StoryState(articles=list(story)) for story in two_stories]
    for stage in reconciler.stages():
        states = list(stage.pipe(states, batch_size=2))
        # What another process would get: the states rebuilt from bytes, Docs included.
        states = pickle.loads(pickle.dumps(states))
        assert all(s.parsed and s.parsed[0].doc.vocab is s.parsed[-1].doc.vocab for s in states)
    for state, story in zip(states, two_stories, strict=True):
        assert state.comparison is not None
        state.comparison.models = reconciler.model_names()
        assert _json(state.comparison) == _json(reconciler.compare(story))
    # Views carry their own data: infos, parts and part vectors, groups their conflicts.
    views = states[0].all_views
    assert all(v.info is not None for v in views)
    assert any(v.part_vectors for v in views)
    assert [c.kind for g in states[1].groups for c in g.typed] == ["date"]


def test_a_story_is_checked_before_any_stage_runs(reconciler, example_articles):
    from rashomon.errors import InputError

    with pytest.raises(InputError) as empty:
        reconciler.compare_many([list(example_articles), []])
    assert empty.value.code == "E040"
    with pytest.raises(InputError) as twice:
        reconciler.compare_many([[example_articles[0], example_articles[0]]])
    assert twice.value.code == "E010"
