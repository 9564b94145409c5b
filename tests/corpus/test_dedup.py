"""Near-duplicate detection: wire copies are found, other articles on the same topic are not."""

from __future__ import annotations

import json
import random

import pytest

from rashomon.corpus.dedup import NearDuplicateIndex

WIRE = (
    "A magnitude 6.1 earthquake struck off the coast of northern Peru early on Tuesday, the "
    "national geophysical institute said, shaking buildings in the port city of Piura and "
    "sending residents into the streets. There were no immediate reports of deaths. The "
    "institute said the quake hit at 4:12 a.m. local time at a depth of 35 kilometres, about 90 "
    "kilometres west of the town of Sechura. Firefighters in Piura said two old adobe houses "
    "had collapsed and that a church tower was damaged. Electricity was cut in parts of the "
    "region for several hours, the local power company said in a statement. Peru sits on the "
    "Pacific Ring of Fire and is hit by hundreds of small quakes every year. In 2007 a "
    "magnitude 8.0 quake killed more than 500 people near the city of Pisco, south of Lima. "
    "Civil defence officials said they were inspecting schools and hospitals before classes "
    "resume on Wednesday, and asked people to stay away from damaged buildings."
)

OTHER = (
    "A strong earthquake of magnitude 7.2 hit southern Chile on Sunday evening, the country's "
    "seismological centre said, prompting the navy to issue a brief tsunami warning for the "
    "coast near Puerto Montt. Hundreds of people left their homes for higher ground before the "
    "warning was lifted an hour later. The interior minister told reporters that one elderly "
    "man died of a heart attack and that roads near the epicentre were blocked by landslides. "
    "Chile is one of the most seismically active countries in the world; a magnitude 8.8 quake "
    "and tsunami in 2010 killed more than 500 people. Schools in the region will stay closed "
    "on Monday while engineers inspect them, the education ministry said."
)


def edit(text: str, n_edits: int, seed: int = 0) -> str:
    """A lightly edited copy, as an outlet republishing a wire story makes."""
    rng = random.Random(seed)
    words = text.split(" ")
    for _ in range(n_edits):
        i = rng.randrange(len(words))
        words[i] = rng.choice(["reportedly", "the", "officials", words[i].upper()])
    return "PIURA, Peru (Reuters) - " + " ".join(words) + "\n(Reporting by a correspondent)"


def test_lightly_edited_wire_copy_is_found_and_other_article_is_not():
    index = NearDuplicateIndex()
    assert index.add("wire", index.signature(WIRE)) is None
    assert index.add("other", index.signature(OTHER)) is None
    copy = edit(WIRE, 3)
    assert index.query(index.signature(copy)) == ["wire"]
    assert index.add("copy", index.signature(copy)) == "wire"
    # A later copy reports the earliest article, not the intermediate copy.
    assert index.add("copy2", index.signature(edit(WIRE, 1, seed=5))) == "wire"
    assert NearDuplicateIndex.similarity(index.signature(WIRE), index.signature(OTHER)) < 0.1


def test_signature_is_stable_bytes_and_case_and_punctuation_blind():
    a, b = NearDuplicateIndex(), NearDuplicateIndex()
    sig = a.signature(WIRE)
    assert isinstance(sig, bytes) and len(sig) == 128 * 4
    assert sig == b.signature(WIRE)
    assert sig == a.signature(WIRE.upper().replace(",", " ,"))


def test_remove_and_repeated_add():
    index = NearDuplicateIndex()
    sig = index.signature(WIRE)
    assert index.add("wire", sig) is None
    assert index.add("wire", sig) is None  # the same id twice changes nothing
    assert len(index) == 1
    index.remove("wire")
    index.remove("never-added")
    assert len(index) == 0 and index.query(sig) == []
    assert index.add("again", sig) is None


def test_short_texts_and_threshold():
    index = NearDuplicateIndex(threshold=0.9, shingle=3)
    assert index.add("a", index.signature("Flood warning issued")) is None
    assert index.add("b", index.signature("flood  warning, issued!")) == "a"
    assert index.add("c", index.signature("")) is None


def test_wire_copy_of_a_real_article(shared_data):
    path = shared_data / "ecbplus" / "val.articles.jsonl"
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines()]
    story = [r for r in rows if r["story"] == rows[0]["story"]]
    index = NearDuplicateIndex()
    for r in story[:5]:
        index.add(r["id"], index.signature(r["text"]))
    copy = edit(story[0]["text"], len(story[0]["text"].split()) // 60, seed=1)
    assert index.query(index.signature(copy))[0] == story[0]["id"]
    # Another report of the same event is not a near-duplicate of any of them.
    different = [r for r in story[5:] if not index.query(index.signature(r["text"]))]
    assert len(different) >= len(story[5:]) - 1


@pytest.mark.parametrize("threshold", [0.5, 0.8, 0.95])
def test_thresholds_give_consistent_answers(threshold):
    index = NearDuplicateIndex(threshold=threshold)
    index.add("wire", index.signature(WIRE))
    sim = NearDuplicateIndex.similarity(index.signature(WIRE), index.signature(edit(WIRE, 3)))
    found = index.query(index.signature(edit(WIRE, 3)))
    assert (found == ["wire"]) == (sim >= threshold) or sim >= threshold - 0.05
