from __future__ import annotations

import pytest

from rashomon.model import Article
from rashomon.pipeline.annotate import annotate
from rashomon.pipeline.facts import alignment_text, extract_facts, resolve_pronouns


def facts_of(nlp, text: str, people: list[str] | None = None):
    """Facts of ``text``; pronouns are resolved among the named ``people``."""
    pd = annotate([Article(id="t", text=text)], nlp)[0]
    table = {}
    if people:
        mentions = [(t.i, t.i + 1, t.text) for t in pd.doc if t.text in people]
        table = resolve_pronouns(pd, mentions)
    facts, _ = extract_facts(pd, 0, table)
    return facts


def statements(facts):
    return [f.statement for f in facts]


def test_evidence_spans_index_the_text_exactly(nlp, example_articles):
    for i, article in enumerate(example_articles):
        pd = annotate([article], nlp)[0]
        facts, _ = extract_facts(pd, i)
        assert len(facts) > 20
        for f in facts:
            for span in f.spans:
                assert article.text[span.start : span.end] == span.text
                assert span.text == span.text.strip()


def test_long_sentence_breaks_into_atomic_facts(nlp, example_articles):
    text = example_articles[0].text.splitlines()[0]
    got = statements(facts_of(nlp, text))
    assert got[0].endswith("meet US President Donald Trump in Washington on Tuesday")
    assert any("marking their first in-person encounter" in s for s in got)
    assert any(s.startswith("After months of escalating tensions") and "Venezuela" not in s
               for s in got)
    assert any("tensions over Venezuela, drug trafficking, oil" in s for s in got)


def test_parts_hold_the_optional_details(nlp, example_articles):
    facts = facts_of(nlp, example_articles[0].text.splitlines()[0])
    parts = [p.text for p in facts[0].parts]
    assert "on Tuesday" in parts and "in Washington" in parts


def test_purpose_infinitive_stays_with_its_clause(nlp):
    got = statements(facts_of(nlp, "Petro has deployed 30,000 soldiers to prevent ELN "
                                   "movements across the border."))
    assert got == ["Petro has deployed 30,000 soldiers to prevent ELN movements across the border"]


def test_heavy_coordinated_items_become_separate_facts(nlp):
    got = statements(facts_of(nlp, "The meeting follows Petro's criticism of repeated US strikes "
                                   "on alleged drug vessels in the Caribbean, as well as the "
                                   "United States' immigration policies."))
    assert len(got) == 2
    assert "immigration" not in got[0] and "strikes" in got[0]
    assert "immigration policies" in got[1] and "strikes" not in got[1]


def test_subject_is_borrowed_by_a_coordinated_clause(nlp):
    facts = facts_of(nlp, "Trump has accused Colombia of not doing enough to curb cocaine flows "
                          "and has previously suggested that a military operation in Colombia "
                          "sounds good.")
    second = facts[1]
    assert second.statement.startswith("Trump has previously suggested")
    assert "Trump" not in " ".join(s.text for s in second.spans)  # borrowed, not evidence
    assert second.context == "Trump"


def test_relative_clause_finds_its_antecedent_before_the_comma(nlp):
    facts = facts_of(nlp, "Villavicencio said discussions will include security concerns along "
                          "the 2,200km border with Venezuela, much of which is controlled by the "
                          "ELN.")
    relative = next(f for f in facts if "controlled" in f.statement)
    assert relative.statement == (
        "Much of the 2,200km border with Venezuela is controlled by the ELN"
    )


def test_possessive_pronoun_resolves_to_the_subject_not_the_apposition(nlp):
    facts = facts_of(
        nlp,
        "The outcome could influence Petro's political legacy and the prospects of his endorsed "
        "successor, Senator Ivan Cepeda, as his term ends in August.",
        people=["Petro", "Cepeda"],
    )
    assert any(f.statement == "Petro’s term ends in August" for f in facts)


@pytest.mark.parametrize(
    ("sentence", "negated"),
    [
        ("The two leaders did not meet in Washington on Tuesday.", True),
        ("The two leaders never met in Washington.", True),
        ("The two leaders met in Washington on Tuesday.", False),
    ],
)
def test_negation_of_the_predicate(nlp, sentence, negated):
    assert facts_of(nlp, sentence)[0].negated is negated


def test_quotation_marks_stay_balanced(nlp):
    facts = facts_of(nlp, "Trump has previously suggested that a military operation in Colombia "
                          "“sounds good.”")
    text = facts[0].spans[-1].text
    assert text.count("“") == text.count("”") == 1


def test_alignment_text_drops_linking_words():
    assert alignment_text("Especially following the seizure of President Maduro") == (
        "the seizure of President Maduro"
    )
    assert alignment_text("Petro met Trump") == "Petro met Trump"
