"""Controlled perturbations: each changes exactly the span it records, with the right kind."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from rashomon.evaluation import perturb
from rashomon.evaluation.perturb import (
    CONTRADICTION_KINDS,
    KINDS,
    Pools,
    apply_edit,
    detokenize,
    perturb_article,
    split_of,
)
from rashomon.model import Article

DATA = Path(os.environ.get("RASHOMON_DATA", Path(__file__).resolve().parents[2].parent / "shared"
                          / "data"))

# A short excerpt of a real ECB+ report (ecbplus/12ecb/1, CC BY 3.0), lightly abridged.
NAVY_TEXT = (
    "Navy foils piracy attempt in Gulf of Aden\n"
    "The Indian Navy on Saturday prevented pirates from attacking a merchant vessel flying an "
    "Ethiopian flag in the Gulf of Aden and took 23 into custody. "
    "The apprehended included 12 Somalis and 11 Yemenis. "
    "The Ministry said MV Gibe put out a message on December 13 that it was under attack from "
    "two boats closing in on it. "
    "INS Mysore, a guided-missile destroyer, closed in and ordered them to stop. "
    "Marine commandos from New Delhi boarded the dhow and recovered the arms, Defence Minister "
    "A. K. Antony said. "
    "Last month, the warship had sunk a pirate mother vessel, and the Navy has not released the "
    "crew. "
    "The share of the shipping company rose sharply in Mumbai trading."
)


def test_numbers_keep_their_format():
    rng = random.Random(0)
    for text in ("30,000", "1,250,000", "23", "7", "4.5", "1200", "0.07"):
        for _ in range(20):
            new = perturb._change_numeral(text, rng)
            assert new is not None and new != text
            assert ("," in new) == ("," in text) or float(new.replace(",", "")) < 1000
            assert ("." in new) == ("." in text)
            if "." in text:
                assert len(new.split(".")[1]) == len(text.split(".")[1])
    assert perturb._change_numeral("007", rng) is None
    assert perturb._change_numeral("abc", rng) is None


def test_detokenize_and_split_are_stable():
    assert detokenize("a 59 - year - old woman , he said") == "a 59-year-old woman, he said"
    assert detokenize("0. 07 percent") == "0.07 percent"
    # The split is a pure function of (seed, unit), the same in every process and release
    # (a salted hash() would not be): pinned values, and another seed moves some units.
    assert [split_of(u, 0) for u in ("12ecb", "3ecb", "story7")] == ["train"] * 3
    assert [split_of(u, 1) for u in ("12ecb", "3ecb", "story7")] == ["train", "train", "heldout"]
    assert split_of("3ecb", 2) == "heldout"
    shares = [split_of(f"story{i}", 3) for i in range(400)]
    assert 0.15 < shares.count("heldout") / 400 < 0.35


def test_apply_edit_with_offset():
    edit = perturb.Edit("number", 9, 11, "41")  # offsets in a doc where the text starts at 4
    assert apply_edit("took 23 in", edit, offset=4) == "took 41 in"
    assert apply_edit("xxxxtook 23 in", edit) == "xxxxtook 41 in"


@pytest.fixture(scope="session")
def nlp():
    from rashomon.backends.parser import default_parser

    return default_parser()


def _article() -> Article:
    return Article(id="navy", text=NAVY_TEXT, source="test",
                   body_start=NAVY_TEXT.index("\n") + 1)  # fmt: skip


def _check_exact(original: Article, copy: Article, record) -> None:
    o, c = record.original_span, record.changed_span
    assert original.text[o.start : o.end] == o.text == record.original_text
    assert copy.text[c.start : c.end] == c.text == record.new_text
    assert o.text != c.text
    # Nothing else changed.
    assert copy.text[: c.start] == original.text[: o.start]
    assert copy.text[c.end :] == original.text[o.end :]
    assert o.start >= original.body_start
    assert record.sentence in original.text and record.new_sentence in copy.text
    assert o.document == original.id and c.document == copy.id != original.id


@pytest.mark.slow
@pytest.mark.parametrize("kind", KINDS)
def test_perturb_article_changes_exactly_the_recorded_span(nlp, kind):
    article = _article()
    pools = Pools({"person": ["Maria Lopez", "Rahul Dravid"], "place": ["Chile", "Karachi"],
                   "organization": ["Interpol", "Siemens"]})  # fmt: skip
    copy, record = perturb_article(article, kind, random.Random(7), nlp=nlp, pools=pools)
    assert record.kind == kind
    assert record.is_contradiction == (kind in CONTRADICTION_KINDS)
    _check_exact(article, copy, record)
    assert copy.meta["perturbation"]["kind"] == kind
    assert article.text == NAVY_TEXT  # the original is left alone
    changed, new = record.original_text, record.new_text
    if kind == "number":
        assert any(ch.isdigit() for ch in changed) or changed.isalpha()
    elif kind == "date":
        assert changed in ("Saturday", "December", "13") and new != changed
    elif kind == "person":
        assert new in pools.names["person"]
    elif kind == "place":
        assert new in pools.names["place"]
    elif kind == "organization":
        assert new in pools.names["organization"]
    elif kind == "negation":
        assert ("not" in new.split()) != ("not" in changed.split()) or "not" in changed
    elif kind == "other":
        assert (changed.lower(), new.lower()) in {("rose", "fell")} or new.lower() in (
            perturb.antonym_map()[changed.lower()]
        )
    elif kind == "deletion":
        assert new == "" and changed.strip()


@pytest.mark.slow
def test_negation_is_grammatical(nlp):
    rng = random.Random(0)
    for sentence, expected in [
        ("The Navy took 23 pirates into custody on Saturday.", "The Navy did not take 23"),
        ("The vessel was attacked by two boats near the coast.", "The vessel was not attacked"),
        ("The company has released the figures for the quarter.", "The company has not released"),
        ("The minister did not confirm the report on Friday.", "The minister did confirm"),
        ("The police say the suspect never entered the building.", "the suspect entered"),
        ("It should have never, ever been made public, he said.", "It should have been made"),
        ("They will never ever agree to the terms of the deal.", "They will agree to"),
    ]:
        article = Article(id="s", text=sentence)
        copy, record = perturb_article(article, "negation", rng, nlp=nlp)
        assert expected in copy.text, copy.text
        _check_exact(article, copy, record)


@pytest.mark.slow
def test_perturbation_is_deterministic(nlp):
    a1, r1 = perturb_article(_article(), "number", random.Random(42), nlp=nlp)
    a2, r2 = perturb_article(_article(), "number", random.Random(42), nlp=nlp)
    assert a1.text == a2.text and r1 == r2


@pytest.mark.slow
def test_no_applicable_sentence_raises(nlp):
    article = Article(id="x", text="It rained all day and everyone stayed home again.")
    with pytest.raises(ValueError):
        perturb_article(article, "number", random.Random(0), nlp=nlp)
    with pytest.raises(ValueError):
        perturb_article(article, "no-such-kind", random.Random(0), nlp=nlp)


@pytest.mark.slow
@pytest.mark.skipif(not (DATA / "ecbplus").is_dir(), reason="shared data not available")
def test_pairs_from_real_corpus_never_share_articles_across_splits(nlp):
    articles = perturb.load_ecbplus(DATA)[:40]
    sentences, docs = perturb.parse_corpus(articles, nlp)
    pools = perturb.build_pools(docs)
    pairs = perturb.make_pairs(sentences, pools, random.Random(0))
    pairs2 = perturb.make_pairs(sentences, pools, random.Random(0))
    assert [p.to_dict() for p in pairs] == [p.to_dict() for p in pairs2]
    split_by_doc = {s.document: s.split for s in sentences}
    text_split = {s.text: s.split for s in sentences}
    for p in pairs:
        assert split_by_doc[p.document] == p.split
        for side in (p.premise, p.hypothesis):
            if side in text_split:
                assert text_split[side] == p.split
    kinds = {p.kind for p in pairs}
    assert {"number", "negation", "deletion", "same-story"} <= kinds
    labels = {p.kind: p.label for p in pairs}
    assert labels["number"] == "contradiction" and labels["deletion"] == "entailment"
    assert labels["same-story"] == "neutral"
    assert all(p.premise != p.hypothesis for p in pairs)
