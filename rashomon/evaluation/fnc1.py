"""The Fake News Challenge (FNC-1) stance evaluation; the model is trained on FNC-1's training set.

    rashomon evaluate fnc1 --data DIR [--predictions FILE] [--limit N]
    python -m rashomon.evaluation.fnc1 --data DIR [--predictions FILE] [--limit N] [--json F]

Each pair is a headline and an article body, labelled ``agree``, ``disagree``, ``discuss`` or
``unrelated``. The predictor reads only ``headline`` and ``body_id`` of ``DIR/fnc1/pairs.jsonl``
and the bodies of ``DIR/fnc1/bodies.jsonl``; the gold ``stance`` is split off while reading and
used only to score. The model (:mod:`rashomon.stance`) was trained on ``fnc1_train`` alone, every
setting chosen by cross-validation grouped by claim; the FNC-1 test pairs are only measured.
Any file of the same shape can be scored this way (other parts of FNC-1 are kept aside for it).

Printed when the pairs carry a gold stance: the official weighted score (0.25 for
related-vs-unrelated right, +0.75 more for the exact stance of a related pair), raw and as a
share of the best possible ("relative score"), accuracy, per-class precision/recall/F1, the
recall of ``disagree``, the confusion matrix, trivial baselines to read it against, and the
model's own cross-validated figure on the training set. Best published: 90.73.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rashomon._files import jsonl_objects
from rashomon.errors import InputError

STANCES: tuple[str, ...] = ("agree", "disagree", "discuss", "unrelated")
RELATED: frozenset[str] = frozenset(("agree", "disagree", "discuss"))
BEST_PUBLISHED = 90.73

_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")


# --------------------------------------------------------------------------------------------
# Scoring


def fnc_score(gold: Sequence[str], pred: Sequence[str]) -> float:
    """The official FNC-1 weighted score (as in the challenge's ``scorer.py``)."""
    score = 0.0
    for g, p in zip(gold, pred, strict=True):
        if g == p:
            score += 0.25
            if g != "unrelated":
                score += 0.50
        if g in RELATED and p in RELATED:
            score += 0.25
    return score


def max_score(gold: Sequence[str]) -> float:
    return fnc_score(gold, gold)


def confusion(gold: Sequence[str], pred: Sequence[str]) -> np.ndarray:
    m = np.zeros((len(STANCES), len(STANCES)), dtype=np.int64)
    for g, p in zip(gold, pred, strict=True):
        m[STANCES.index(g), STANCES.index(p)] += 1
    return m


def summarize(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    """Score, relative score, accuracy, per-class P/R/F1 and the confusion matrix."""
    m = confusion(gold, pred)
    per_class = {}
    for i, label in enumerate(STANCES):
        tp = m[i, i]
        p = tp / m[:, i].sum() if m[:, i].sum() else 0.0
        r = tp / m[i, :].sum() if m[i, :].sum() else 0.0
        per_class[label] = {"precision": float(p), "recall": float(r),
                            "f1": float(2 * p * r / (p + r)) if p + r else 0.0,
                            "support": int(m[i, :].sum())}  # fmt: skip
    score, best = fnc_score(gold, pred), max_score(gold)
    related_gold = np.array([g in RELATED for g in gold])
    related_pred = np.array([p in RELATED for p in pred])
    return {
        "n": len(gold),
        "score": score,
        "max_score": best,
        "relative_score": 100.0 * score / best if best else 0.0,
        "accuracy": float(np.trace(m) / max(len(gold), 1)),
        "relatedness_accuracy": float((related_gold == related_pred).mean()) if len(gold) else 0.0,
        "macro_f1": float(np.mean([c["f1"] for c in per_class.values()])),
        "per_class": per_class,
        "disagree_recall": per_class["disagree"]["recall"],
        "confusion": m.tolist(),
    }


def baselines(gold: Sequence[str], related_pred: Sequence[bool] | None = None) -> dict[str, float]:
    """Relative scores (%) of trivial systems, to read ours against."""
    best = max_score(gold)
    out = {
        "all unrelated": 100 * fnc_score(gold, ["unrelated"] * len(gold)) / best,
        "all discuss, perfect relatedness": 100 * fnc_score(
            gold, ["discuss" if g in RELATED else "unrelated" for g in gold]) / best,
        "all agree, perfect relatedness": 100 * fnc_score(
            gold, ["agree" if g in RELATED else "unrelated" for g in gold]) / best,
    }  # fmt: skip
    if related_pred is not None:
        out["all discuss, our relatedness"] = 100 * fnc_score(
            gold, ["discuss" if r else "unrelated" for r in related_pred]) / best  # fmt: skip
    return out


# --------------------------------------------------------------------------------------------
# Data


def _jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(line number, object) for each non-blank line; a bad line is E006 naming it."""
    return jsonl_objects(path)


def load_fnc1(data_dir: str | Path, limit: int | None = None
              ) -> tuple[list[dict[str, str]], dict[str, str], list[str] | None]:  # fmt: skip
    """The pairs as ``{"headline", "body_id"}`` only, the bodies by id, and the gold stances
    (``None`` when the pairs carry none). Keeping the gold apart means the predictor cannot see
    it."""
    folder = Path(data_dir) / "fnc1"
    pairs_path, bodies_path = folder / "pairs.jsonl", folder / "bodies.jsonl"
    for path in (pairs_path, bodies_path):
        if not path.exists():
            raise InputError("E080", path=str(path))
    bodies: dict[str, str] = {}
    for number, row in _jsonl(bodies_path):
        if "body_id" not in row or not isinstance(row.get("text"), str):
            raise InputError("E006", path=str(bodies_path), line=number,
                             problem="expected the fields body_id and text")  # fmt: skip
        bodies[str(row["body_id"])] = row["text"]
    rows = _jsonl(pairs_path)
    if limit is not None:
        rows = rows[:limit]
    pairs: list[dict[str, str]] = []
    gold: list[str] = []
    with_gold = any("stance" in row for _, row in rows)
    for number, row in rows:
        headline, body_id = row.get("headline"), row.get("body_id")
        if not isinstance(headline, str) or body_id is None:
            raise InputError("E006", path=str(pairs_path), line=number,
                             problem="expected the fields headline and body_id")  # fmt: skip
        if str(body_id) not in bodies:
            problem = f"body_id {body_id!r} is not in {bodies_path.name}"
            raise InputError("E006", path=str(pairs_path), line=number, problem=problem)
        if with_gold and row.get("stance") not in STANCES:
            problem = (f"stance {row.get('stance')!r} is not one of {', '.join(STANCES)} "
                       "(give it on every line or on none)")
            raise InputError("E006", path=str(pairs_path), line=number, problem=problem)
        pairs.append({"headline": headline, "body_id": str(body_id)})
        # Checked above: with gold, every line has a stance of STANCES; without, "" is unused.
        gold.append(row.get("stance") or "")
    return pairs, bodies, (gold if with_gold else None)


def split_sentences(text: str, max_sentences: int = 60) -> list[str]:
    """A fast sentence split for bodies (paragraphs, then end punctuation before a capital)."""
    out: list[str] = []
    for para in text.split("\n"):
        para = para.strip()
        if para:
            out.extend(s.strip() for s in _SENT_SPLIT.split(para) if len(s.strip()) > 1)
    return out[:max_sentences] or [text.strip() or "."]



# --------------------------------------------------------------------------------------------
# Predicting and scoring


def predict(pairs: Sequence[dict[str, str]], bodies: dict[str, str], *,
            model_dir: str | Path | None = None, embed: Any = None) -> list[str]:  # fmt: skip
    """The stance of each pair, from its headline and body only."""
    from rashomon.stance.model import StanceModel

    model = StanceModel.load(model_dir)
    clean = [{"headline": p["headline"], "body_id": str(p["body_id"])} for p in pairs]
    return model.predict(clean, bodies, embed)


def write_predictions(path: str | Path, pairs: Sequence[dict[str, str]],
                      stances: Sequence[str]) -> None:  # fmt: skip
    """One JSON line per pair, in input order: ``{"headline", "body_id", "stance"}``."""
    lines = [json.dumps({"headline": p["headline"], "body_id": str(p["body_id"]), "stance": s},
                        ensure_ascii=False)
             for p, s in zip(pairs, stances, strict=True)]  # fmt: skip
    try:
        Path(path).write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    except OSError as exc:
        raise InputError("E069", path=str(path), reason=exc.strerror or str(exc)) from exc


def run(data_dir: str | Path, limit: int | None = None, *, predictions: str | Path | None = None,
        model_dir: str | Path | None = None, embed: Any = None, log: Any = None
        ) -> dict[str, Any]:  # fmt: skip
    """Predict every pair (and write them to ``predictions``); score when the gold is there."""
    from rashomon.stance.model import StanceModel

    t0 = time.perf_counter()
    pairs, bodies, gold = load_fnc1(data_dir, limit)
    model = StanceModel.load(model_dir)
    pred = model.predict(pairs, bodies, embed)
    if predictions:
        write_predictions(predictions, pairs, pred)
    result: dict[str, Any] = {"n": len(pairs), "predictions": pred, "scored": gold is not None,
                              "predicted_counts": {s: pred.count(s) for s in STANCES},
                              "model_cv": model.config.get("cross_validation", {}),
                              "written_to": str(predictions) if predictions else None}  # fmt: skip
    if gold is not None:
        result.update(summarize(gold, pred))
        result["baselines"] = baselines(gold, [p in RELATED for p in pred])
    result["best_published"] = BEST_PUBLISHED
    result["seconds"] = round(time.perf_counter() - t0, 1)
    if log:
        log(format_result(result))
    return result


def format_result(r: dict[str, Any]) -> str:
    head = f"FNC-1, {r['n']} pairs; stance model trained on fnc1_train only"
    cv = r.get("model_cv", {}).get("relative_score")
    if cv is not None:
        head += f" (its cross-validated relative score there: {cv:.2f}%)"
    lines = [head]
    if r.get("written_to"):
        lines.append(f"predictions written to {r['written_to']}")
    if not r.get("scored"):
        lines.append("no gold stance in the pairs: nothing to score; predicted: "
                     + ", ".join(f"{k} {v}" for k, v in r["predicted_counts"].items()))  # fmt: skip
        return "\n".join(lines)
    lines += [
        f"weighted score {r['score']:.2f} of {r['max_score']:.2f} = relative score "
        f"{r['relative_score']:.2f}%  (best published {BEST_PUBLISHED})",
        f"accuracy {r['accuracy']:.3f}, macro-F1 {r['macro_f1']:.3f}, related-vs-unrelated "
        f"accuracy {r['relatedness_accuracy']:.3f}",
        f"recall of disagree: {r['disagree_recall']:.3f}",
        "",
        f"{'class':12}{'precision':>10}{'recall':>10}{'f1':>10}{'support':>10}",
    ]
    for label, s in r["per_class"].items():
        lines.append(f"{label:12}{s['precision']:10.3f}{s['recall']:10.3f}{s['f1']:10.3f}"
                     f"{s['support']:10d}")  # fmt: skip
    lines += ["", "confusion (rows: gold, columns: predicted)",
              " " * 12 + "".join(s.rjust(11) for s in STANCES)]  # fmt: skip
    for label, row in zip(STANCES, r["confusion"], strict=True):
        lines.append(label.ljust(12) + "".join(str(x).rjust(11) for x in row))
    lines += ["", "baselines (relative score, %):"]
    for name, value in r["baselines"].items():
        lines.append(f"  {name:36}{value:7.2f}")
    lines.append(f"time: {r['seconds']} s")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rashomon.evaluation.fnc1",
                                     description="FNC-1 stance: predict, and score when gold.")
    parser.add_argument("--data", default="../shared/data", help="the shared data folder")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pairs")
    parser.add_argument("--predictions", default=None, help="write the predictions (JSONL) here")
    parser.add_argument("--model", default=None, help="a stance model folder (default: shipped)")
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    args = parser.parse_args(argv)
    result = run(args.data, args.limit, predictions=args.predictions, model_dir=args.model,
                 log=print)  # fmt: skip
    if args.json:
        out = {k: v for k, v in result.items() if k != "predictions"}
        Path(args.json).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
