"""Stories read from JSONL, the comparison cache, and the scoring of word-choice flags."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from rashomon.cli.evaluate_wordchoice import _gold
from rashomon.errors import InputError
from rashomon.framing.scoring import score
from rashomon.framing.stories import compare_cached, read_stories
from rashomon.framing.wording import EntityWording, Flag, Phrase, WordChoice
from rashomon.model import Article, Comparison, Span

ROWS = [
    {"id": "set/1_L", "title": "Kim meets envoys", "text": "The dictator met envoys.",
     "lean": "L", "source": "left"},
    {"id": "set/1_R", "text": "The leader met envoys.", "source": "right"},
    {"id": "set/2_L", "text": "Alone.", "story": "solo"},
]  # fmt: skip


def write(tmp_path: Path, rows: list[dict]) -> Path:
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", "utf-8")
    return path


def test_read_stories_groups_and_keeps_the_headline(tmp_path: Path) -> None:
    stories = read_stories(write(tmp_path, ROWS))
    assert list(stories) == ["1", "solo"]
    left, right = stories["1"]
    assert (left.id, left.source, left.body_start) == ("1_L", "left (L)", 17)
    assert left.text[: left.body_start] == "Kim meets envoys\n"
    assert left.meta == {"row_id": "set/1_L", "text_start": 17}
    assert right.body_start == 0


def test_read_stories_rejects_a_row_without_text(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_stories(write(tmp_path, [{"id": "x"}]))
    assert caught.value.code == "E145"


def test_compare_cached_reuses_the_comparison(tmp_path: Path) -> None:
    calls: list[int] = []

    def fake(articles: Sequence[Article]) -> Comparison:
        calls.append(len(articles))
        return Comparison(list(articles), [])

    articles = read_stories(write(tmp_path, ROWS))["1"]
    first = compare_cached(articles, fake, tmp_path / "cache")
    again = compare_cached(articles, fake, tmp_path / "cache")
    assert calls == [2]
    assert [d.id for d in again.documents] == [d.id for d in first.documents]
    changed = [Article(id="1_L", text="Other text."), articles[1]]
    compare_cached(changed, fake, tmp_path / "cache")
    assert calls == [2, 2]


def test_gold_spans_move_past_the_title_and_score_the_flags(tmp_path: Path) -> None:
    stories = read_stories(write(tmp_path, ROWS))
    gold_file = write(tmp_path, [{"id": "set/1_L", "start": 4, "end": 12, "kind": "lexical"}])
    gold = _gold(gold_file, stories)
    left = stories["1"][0]
    (start, end, kind), = gold["1_L"]
    assert left.text[start:end] == "dictator" and kind == "lexical"
    dictator = Span("1_L", start, end, "dictator")
    leader_at = stories["1"][1].text.index("leader")
    leader = Span("1_R", leader_at, leader_at + 6, "leader")
    choice = WordChoice([EntityWording("E1", "Kim", "person", {
        "1_L": [Phrase("dictator", "dictator", [dictator], [Flag("lexicon", "loaded")])],
        "1_R": [Phrase("leader", "leader", [leader])],
    }, {})])  # fmt: skip
    result = score([choice], gold).to_dict()["groups"]
    assert result["entity: all"] == {"listed": 2, "hits": 1, "precision": 0.5}
    assert result["entity: lexicon"] == {"listed": 1, "hits": 1, "precision": 1.0}
    assert result["entity: unflagged"] == {"listed": 1, "hits": 0, "precision": 0.0}
