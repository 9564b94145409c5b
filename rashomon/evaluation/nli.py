"""Entailment judgement on any file of premise/hypothesis pairs.

    rashomon evaluate nli PAIRS.jsonl --predictions FILE

Reads one JSON object a line with ``premise`` and ``hypothesis`` (other fields are ignored for
predicting), writes ``{"premise", "hypothesis", "label"}`` a line in the same order, with
``label`` one of entailment / neutral / contradiction. When the input lines carry a gold
``label`` (three-way, or two-way ``not_entailment`` / ``paraphrase`` / ``not_paraphrase``), the
accuracy is printed overall and per ``source``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rashomon._files import jsonl_objects
from rashomon.backends.nli import LABELS
from rashomon.errors import InputError

_TWO_WAY_NO = frozenset({"not_entailment", "non-entailment", "not_paraphrase"})


def read_pairs(path: str | Path) -> list[dict[str, Any]]:
    """The pairs of a JSONL file; a bad line is a coded error naming the line."""
    path = Path(path)
    if not path.is_file():
        raise InputError("E007", path=str(path))
    rows = []
    for n, row in jsonl_objects(path):
        if not isinstance(row.get("premise"), str) or not isinstance(row.get("hypothesis"), str):
            raise InputError("E006", path=str(path), line=n,
                             problem="needs string fields premise and hypothesis")  # fmt: skip
        rows.append(row)
    return rows


def dev_rows(nli_dir: Path) -> list[dict[str, Any]]:
    """The dev split that ``rashomon train nli`` keeps aside, every source, as pair rows."""
    from rashomon.training.nli_data import partition, read_shared_pairs

    _, dev = partition(read_shared_pairs(nli_dir))
    return [{"premise": p.premise, "hypothesis": p.hypothesis, "label": p.label,
             "source": p.source} for p in dev]  # fmt: skip


def _batches(rows: Sequence[dict[str, Any]], size: int) -> Iterator[Sequence[dict[str, Any]]]:
    for k in range(0, len(rows), size):
        yield rows[k : k + size]


def predict(rows: Sequence[dict[str, Any]], judge: Any, batch_size: int = 256) -> list[str]:
    """One label per pair, judged in batches (sorted by length inside the judge)."""
    from rashomon.progress import track

    labels: list[str] = []
    for batch in track(list(_batches(rows, batch_size)), "Judging pairs"):
        probs = judge.judge([(r["premise"], r["hypothesis"]) for r in batch])
        labels.extend(LABELS[int(i)] for i in np.argmax(probs, axis=1))
    return labels


def correct(gold: str, predicted: str) -> bool | None:
    """Whether a prediction is right for a gold label of any of the sets' label schemes."""
    gold = gold.strip().lower()
    if gold in LABELS:
        return predicted == gold
    if gold == "paraphrase":
        return predicted == "entailment"
    if gold in _TWO_WAY_NO:
        return predicted != "entailment"
    return None


def score(rows: Sequence[dict[str, Any]], labels: Sequence[str]) -> dict[str, Any] | None:
    by_source: dict[str, list[bool]] = defaultdict(list)
    for row, label in zip(rows, labels, strict=True):
        if not isinstance(row.get("label"), str):
            continue
        right = correct(row["label"], label)
        if right is not None:
            by_source[str(row.get("source", "all"))].append(right)
    if not by_source:
        return None
    everything = [r for rows_ in by_source.values() for r in rows_]
    return {
        "accuracy": float(np.mean(everything)),
        "pairs": len(everything),
        "per_source": {s: {"accuracy": float(np.mean(v)), "pairs": len(v)}
                       for s, v in sorted(by_source.items())},
    }


def format_score(result: dict[str, Any], judge_name: str) -> str:
    lines = [f"Entailment judge {judge_name}: accuracy {result['accuracy']:.3f} "
             f"on {result['pairs']} pairs"]  # fmt: skip
    for source, row in result["per_source"].items():
        lines.append(f"  {source:22} {row['accuracy']:.3f}  ({row['pairs']} pairs)")
    return "\n".join(lines)
