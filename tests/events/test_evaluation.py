"""The evaluation commands: record reading, the hash split, police labels, the CLI's files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from rashomon.errors import InputError, RashomonError
from rashomon.events.actors import Actor
from rashomon.events.coder import CodedEvent
from rashomon.events.evaluation import (
    PoliceSettings,
    is_test,
    police_labels,
    read_records,
    read_sentences,
    score_labels,
    triples,
)

RECORDS = """<Validation><Sentences>
<!-- a comment <Sentence id="NOT-A-RECORD"> -->
<Sentence date="19950101" id="T-01" category="DEMO" sentence="true">
<EventCoding sourcecode="ARN" targetcode="GON" eventcode="064"></EventCoding>
<Text>
Arnor restored diplomatic ties
with Gondor.
</Text>
</Sentence>
<Sentence date="19950101" id="T-02" category="DEMO" sentence="true">
<EventCoding error="storydiscard"></EventCoding>
<Text>Arnor met Gondor after the football match.</Text>
</Sentence>
</Sentences></Validation>
"""


def test_read_records(tmp_path: Path) -> None:
    path = tmp_path / "r.xml"
    path.write_text(RECORDS)
    records = read_records(path)
    assert [r.id for r in records] == ["T-01", "T-02"]
    assert records[0].gold == {("ARN", "GON", "064")}
    assert records[0].text == "Arnor restored diplomatic ties with Gondor."
    assert records[1].error == "storydiscard" and records[1].gold == set()
    empty = tmp_path / "e.xml"
    empty.write_text("<Validation></Validation>")
    with pytest.raises(RashomonError) as err:
        read_records(empty)
    assert err.value.code == "E132"


def test_hash_split_is_fixed_and_partial() -> None:
    keys = [f"K-{i}" for i in range(200)]
    held = [k for k in keys if is_test(k)]
    assert 20 < len(held) < 70
    assert held == [k for k in keys if is_test(k)]


def _event(source: str | None, cameo: str, lemma: str, mood: str = "asserted") -> CodedEvent:
    actor = None if source is None else Actor(source.lower(), 0, 1, source, None, source)
    return CodedEvent(0, 0, 1, "x", actor, None, lemma, cameo, None, None, mood, None, lemma)


def test_police_labels_from_events() -> None:
    s = PoliceSettings()
    assert police_labels([_event("COP", "173", "arrest")], s) == {"ARREST", "ANY_ACTION"}
    assert police_labels([_event(None, "173", "arrest")], s) == {"ARREST", "ANY_ACTION"}
    assert police_labels([_event(None, "173", "arrest")], PoliceSettings(
        implicit_arrest=False)) == set()
    assert police_labels([_event("REB", "173", "arrest")], s) == set()  # someone else arrests
    assert police_labels([_event("COP", "190", "kill")], s) == {"KILL", "FORCE", "ANY_ACTION"}
    # "killed in police firing": a death with no named killer next to police force
    assert "KILL" in police_labels([_event(None, "190", "kill"), _event("COP", "190", "fire")],
                                   s)  # fmt: skip
    assert police_labels([_event("COP", "173", "arrest", "negated")], PoliceSettings(
        any_mood=False)) == {"FAIL"}
    # by default a police act in any mood is also an action (the data's reading)
    negated = police_labels([_event("COP", "173", "arrest", "negated")], s)
    assert negated == {"FAIL", "ANY_ACTION"}
    assert police_labels([_event("COP", "173", "arrest", "future")], s) == {"ANY_ACTION"}
    assert police_labels([_event("COP", "173", "arrest", "future")], PoliceSettings(
        any_mood=False)) == set()
    assert police_labels([_event("COP", "010", "say")], s) == {"ANY_ACTION"}
    told = _event("REB", "190", "attack", "reported")
    told.speaker = Actor("police", 0, 1, "COP", None, "COP")
    assert police_labels([told], s) == {"ANY_ACTION"}  # "the police claimed that ..."
    assert police_labels([_event("COP", "010", "say")], PoliceSettings(
        statements=False, any_mood=False)) == set()


def test_triples_petrarch_style() -> None:
    e = _event("COP", "173", "arrest")
    assert triples([e]) == {("---COP", "---", "173")}
    assert triples([e], moods={"negated"}) == set()


def test_score_labels() -> None:
    score = score_labels("x", [{"KILL"}, set()], [{"KILL"}, {"KILL"}])
    assert score.f1["KILL"] == pytest.approx(2 / 3)
    assert score.f1["ARREST"] == 0.0


def test_read_sentences_rejects_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text('{"doc_id": 1, "sent_id": 0, "sent_text": "police arrested him."}\n{"x": 1}\n')
    with pytest.raises(InputError) as err:
        read_sentences(path)
    assert err.value.code == "E131"


def test_police_events_cli_writes_predictions(tmp_path: Path) -> None:
    from rashomon.cli import app

    rows = [
        {"doc_id": 7, "sent_id": 0, "sent_text": "the police arrested three men on monday."},
        {"doc_id": 7, "sent_id": 1, "sent_text": "it rained in the city."},
    ]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "pred.jsonl"
    result = CliRunner().invoke(app, ["evaluate", "police-events", str(path), "--predictions",
                                      str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["doc_id"], r["sent_id"]) for r in lines] == [(7, 0), (7, 1)]
    assert set(lines[0]) == {"doc_id", "sent_id", "labels"}
    assert "ARREST" in lines[0]["labels"] and lines[1]["labels"] == []
    assert "2 sentences labelled" in result.output
    # with gold labels the score is printed
    rows[0]["sent_labels"] = ["ARREST", "ANY_ACTION"]
    rows[1]["sent_labels"] = []
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = CliRunner().invoke(app, ["evaluate", "police-events", str(path)])
    assert result.exit_code == 0 and "macro F1" in result.output
