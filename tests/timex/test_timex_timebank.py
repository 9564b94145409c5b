"""The TimeML reader on a tiny inline document, the fixed dev/test partition, the scorer."""

from __future__ import annotations

from pathlib import Path

import pytest

from rashomon.errors import InputError
from rashomon.timex import parse_timeml, read_timebank, score, split_of
from rashomon.timex.score import Counts, match_document

TIMEML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>TEST01</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="1998-01-08" temporalFunction="false"
functionInDocument="CREATION_TIME">19980108</TIMEX3></DCT>
<TITLE>Not read</TITLE>
<TEXT>
Stocks <EVENT eid="e1" class="OCCURRENCE">fell</EVENT> <TIMEX3 tid="t1" type="DATE"
value="1998-01-07" functionInDocument="NONE">yesterday</TIMEX3> &amp; rose for
<TIMEX3 tid="t2" type="DURATION" value="P3D" mod="APPROX" functionInDocument="NONE">about three
days</TIMEX3>.
</TEXT>
</TimeML>
"""


def test_reader_strips_tags_and_keeps_offsets() -> None:
    doc = parse_timeml(TIMEML, "TEST01")
    assert doc.dct == "1998-01-08"
    assert "Not read" not in doc.text and "<" not in doc.text
    assert "&" in doc.text  # entities are decoded
    assert [(t.text, t.type, t.value, t.mod) for t in doc.timexes] == [
        ("yesterday", "DATE", "1998-01-07", None),
        ("about three\ndays", "DURATION", "P3D", "APPROX"),
    ]
    for timex in doc.timexes:
        assert doc.text[timex.start:timex.end] == timex.text


def test_reader_refuses_a_document_without_text() -> None:
    with pytest.raises(InputError) as error:
        parse_timeml("<TimeML><DOCID>x</DOCID></TimeML>", "x.tml")
    assert error.value.code == "E121"


def test_folder_without_documents(tmp_path: Path) -> None:
    with pytest.raises(InputError) as error:
        read_timebank(tmp_path)
    assert error.value.code == "E120"


def test_partition_is_fixed_by_name(tmp_path: Path) -> None:
    names = [f"DOC{i}" for i in range(40)]
    halves = {split_of(n) for n in names}
    assert halves == {"dev", "test"}
    assert split_of("DOC7.tml") == split_of("DOC7")
    for name in names[:6]:
        (tmp_path / f"{name}.tml").write_text(TIMEML.replace("TEST01", name), encoding="utf-8")
    dev = {d.id for d in read_timebank(tmp_path, "dev")}
    test = {d.id for d in read_timebank(tmp_path, "test")}
    assert dev.isdisjoint(test) and dev | test == set(names[:6])
    assert all(split_of(n) == "dev" for n in dev)


def test_scorer_strict_relaxed_and_value() -> None:
    doc = parse_timeml(TIMEML)
    gold = doc.timexes
    system = [
        type(gold[0])(start=gold[0].start, end=gold[0].end, text="", type="DATE",
                      value="1998-01-07"),  # exact, right value
        type(gold[1])(start=gold[1].start + 6, end=gold[1].end, text="", type="DURATION",
                      value="P2D"),  # overlapping, wrong value
        type(gold[1])(start=0, end=6, text="", type="DATE", value="PAST_REF"),  # spurious
    ]
    counts = match_document(system, gold)
    assert counts == Counts(system=3, gold=2, strict=1, relaxed=2, value=1, type=2)
    result = score([(system, gold)])
    assert result.figures["relaxed_precision"] == pytest.approx(200 / 3)
    assert result.figures["relaxed_recall"] == pytest.approx(100)
    assert result.figures["strict_recall"] == pytest.approx(50)
    # value F1 = value accuracy on relaxed matches x relaxed F1 (TempEval-3)
    relaxed_f1 = result.figures["relaxed_f1"]
    assert result.figures["value_f1"] == pytest.approx(0.5 * relaxed_f1)
