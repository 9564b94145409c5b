"""What ``rashomon evaluate timex`` and ``rashomon evaluate timebank`` do, as library functions.

Articles come as JSON lines ``{"id", "text", "published"}``; predictions go out one line per
expression ``{"id", "start", "end", "text", "value", "type"}`` (offsets into ``text``). Gold
expressions, when known, are either inside the article line (``"timexes": [{"start", "end",
"value", "type"}, ...]``, as :func:`write_timebank_jsonl` writes them) or in a separate file of
the predictions' shape.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rashomon._files import jsonl_objects, write_atomically
from rashomon.errors import InputError
from rashomon.timex.normalise import Timex, find_timexes, parse_published
from rashomon.timex.score import Score, score
from rashomon.timex.timebank import Split, TimeMLDocument, read_timebank


@dataclass(slots=True)
class Expression:
    """A gold or predicted expression as read back from JSON."""

    start: int
    end: int
    type: str
    value: str


def read_articles(path: str | Path) -> list[dict[str, Any]]:
    """The article lines of a JSONL file, checked (E123 names the bad line)."""
    rows: list[dict[str, Any]] = []
    for number, row in jsonl_objects(path, "E123"):
        doc_id = row.get("id")
        if not isinstance(doc_id, str | int) or isinstance(doc_id, bool):
            raise InputError("E123", path=str(path), line=number,
                             problem="no 'id' (a string or a number)")
        if not isinstance(row.get("text"), str):
            raise InputError("E123", path=str(path), line=number, problem="no 'text' string")
        if row.get("published") is not None:
            if not isinstance(row["published"], str):
                raise InputError("E123", path=str(path), line=number,
                                 problem="'published' is not a string")
            try:
                parse_published(row["published"])
            except InputError as error:
                raise InputError("E123", path=str(path), line=number,
                                 problem=error.message) from None
        rows.append(row)
    return rows


def predict(rows: Iterable[dict[str, Any]], *, parse: bool = False
            ) -> list[tuple[str, list[Timex]]]:
    """``find_timexes`` over every article, in order; with ``parse``, each text is parsed with
    rashomon's spaCy pipeline first so that verb tense picks the weekday (and month)."""
    rows = list(rows)
    if not parse:
        return [(row["id"], find_timexes(row["text"], row.get("published"))) for row in rows]
    from rashomon.backends.parser import default_parser

    nlp = default_parser()
    docs = nlp.pipe((row["text"] for row in rows), batch_size=16)
    return [(row["id"], find_timexes(row["text"], row.get("published"), doc=doc))
            for row, doc in zip(rows, docs, strict=True)]


def prediction_lines(predictions: Iterable[tuple[str, list[Timex]]]) -> str:
    """The predictions file's text: one JSON line per expression."""
    out = []
    for doc_id, found in predictions:
        for t in found:
            out.append(json.dumps({"id": doc_id, "start": t.start, "end": t.end, "text": t.text,
                                   "value": t.value, "type": t.type, "mod": t.mod,
                                   "anchored": t.anchored}, ensure_ascii=False) + "\n")
    return "".join(out)


def _key(doc_id: object) -> str:
    """Ids are matched as text, so a gold file may write 7 where the articles write "7"."""
    return str(doc_id)


def _expression(item: dict[str, Any]) -> Expression:
    return Expression(start=int(item["start"]), end=int(item["end"]),
                      type=str(item.get("type", "")), value=str(item.get("value", "")))


def gold_of(rows: list[dict[str, Any]], gold_path: str | Path | None) -> dict[str, list[Any]]:
    """Gold expressions per article id: from ``gold_path`` when given, else from the articles'
    own ``"timexes"``; empty when neither carries any."""
    gold: dict[str, list[Any]] = defaultdict(list)
    if gold_path is not None:
        for row in read_articles_free(gold_path):
            gold[_key(row["id"])].append(_expression(row))
        return gold
    for row in rows:
        if isinstance(row.get("timexes"), list):
            gold[_key(row["id"])] = [_expression(item) for item in row["timexes"]]
    return gold


def read_articles_free(path: str | Path) -> list[dict[str, Any]]:
    """JSON lines with at least ``id``, ``start`` and ``end`` (a gold or predictions file)."""
    rows = []
    for number, row in jsonl_objects(path, "E123"):
        if not all(k in row for k in ("id", "start", "end")):
            raise InputError("E123", path=str(path), line=number,
                             problem="an expression needs 'id', 'start' and 'end'")
        rows.append(row)
    return rows


def score_predictions(rows: list[dict[str, Any]], predictions: list[tuple[str, list[Timex]]],
                      gold: dict[str, list[Any]]) -> Score | None:
    """TempEval-3 figures over the articles that have gold; None when none has."""
    has_gold = {_key(row["id"]) for row in rows if "timexes" in row} | set(gold)
    if not has_gold:
        return None
    return score((found, gold.get(_key(doc_id), [])) for doc_id, found in predictions
                 if _key(doc_id) in has_gold)


def timebank_rows(documents: list[TimeMLDocument]) -> list[dict[str, Any]]:
    """TimeML documents as article lines with their gold inside (``"timexes"``)."""
    return [{"id": d.id, "text": d.text, "published": d.dct,
             "timexes": [{"start": t.start, "end": t.end, "text": t.text, "type": t.type,
                          "value": t.value, "mod": t.mod} for t in d.timexes]}
            for d in documents]


def write_timebank_jsonl(folder: Path, split: Split, articles: Path,
                         gold: Path | None = None) -> int:
    """Write TimeBank as ARTICLES.jsonl (gold inside each line) and, if asked, the gold alone
    in the predictions' shape; returns the number of documents."""

    rows = timebank_rows(read_timebank(folder, split))
    write_atomically(articles, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    if gold is not None:
        lines = [json.dumps({"id": r["id"], **t}, ensure_ascii=False) + "\n"
                 for r in rows for t in r["timexes"]]
        write_atomically(gold, "".join(lines))
    return len(rows)
