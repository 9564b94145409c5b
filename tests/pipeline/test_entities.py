from __future__ import annotations

from rashomon.model import Article
from rashomon.pipeline.annotate import annotate
from rashomon.pipeline.entities import resolve


def resolved(nlp, *texts: str):
    articles = [Article(id=f"d{i}", text=t) for i, t in enumerate(texts)]
    return resolve(annotate(articles, nlp))


def by_name(index, name):
    return next(e for e in index.entities if e.name == name)


def test_the_founding_example_resolves_people_across_reports(nlp, example_articles):
    index = resolve(annotate(example_articles, nlp))
    petro = by_name(index, "Gustavo Petro")
    assert petro.kind == "person"
    assert "Petro" in petro.aliases
    assert "Colombian President" in petro.titles
    assert len(petro.documents) == 2
    trump = by_name(index, "Donald Trump")
    assert "US President" in trump.titles
    eln = by_name(index, "National Liberation Army")
    assert eln.kind == "organization" and "ELN" in eln.aliases
    assert by_name(index, "Rosa Yolanda Villavicencio").titles == ["Colombia’s Foreign Minister"]


def test_places_are_normalised_through_aliases_and_demonyms(nlp):
    index = resolve_places = resolved(
        nlp,
        "The United States imposed new tariffs. Colombian officials protested.",
        "The US said the tariffs were needed. Colombia answered within hours.",
    )
    us = by_name(resolve_places, "United States")
    assert us.kind == "place" and set(us.documents) == {"d0", "d1"}
    colombia = by_name(index, "Colombia")
    assert "Colombian" in colombia.aliases


def test_a_role_description_links_to_the_person_with_that_title(nlp):
    index = resolved(
        nlp,
        "Colombian President Gustavo Petro arrived in Washington on Tuesday.",
        "The Colombian president met reporters after the talks. Petro said they went well.",
    )
    petro = by_name(index, "Gustavo Petro")
    assert "The Colombian president" in petro.aliases or "Colombian president" in petro.aliases
    assert petro.documents == ["d0", "d1"]


def test_every_mention_span_indexes_its_text(nlp, example_articles):
    index = resolve(annotate(example_articles, nlp))
    texts = {a.id: a.text for a in example_articles}
    for entity in index.entities:
        for span in entity.mentions:
            assert texts[span.document][span.start : span.end] == span.text
