"""The Fake News Challenge (FNC-1) stance evaluation, zero-shot with respect to FNC-1.

    python -m rashomon.evaluation.fnc1 --data ../shared/data [--limit N]

Each pair is a headline and an article body, labelled ``agree``, ``disagree``, ``discuss`` or
``unrelated``. Nothing here is trained or tuned on FNC-1:

1. Relatedness. Every body sentence and every headline is embedded once. For a pair: the best and
   mean top-3 cosine of the headline against the body's sentences and the share of the headline's
   content words found in the body. A 3-feature logistic regression on these, fitted on ECB+
   (CC BY 3.0; a report's headline against the body of another report of the same story =
   related, of another topic = unrelated, balanced), says related or unrelated.
2. Stance, for related pairs, by fixed rules written before any FNC-1 run (see
   :func:`decide_stance`): the body sentences that best match the headline go to the entailment
   judge as (sentence, headline); refuting cues (``hoax``, ``fake``, ``denied``, ``not true``,
   ...) in those sentences or the body's lead, not echoed by the headline, and a judged
   contradiction say ``disagree``; a judged entailment without hedging says ``agree``; hedging
   and reporting cues (``reportedly``, ``allegedly``, ``claims``, ...) or nothing clear say
   ``discuss``.

Printed: the official weighted score (0.25 for related-vs-unrelated right, +0.75 more for the
exact stance of a related pair), raw and as a share of the best possible ("relative score"),
accuracy, per-class precision/recall/F1, the recall of ``disagree``, the confusion matrix, and
trivial baselines to read it against. The best published score, 90.73, is supervised (trained on
FNC-1's training set); ours is zero-shot.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from rashomon.backends.nli import LABELS, count_cues
from rashomon.errors import InputError

STANCES: tuple[str, ...] = ("agree", "disagree", "discuss", "unrelated")
RELATED: frozenset[str] = frozenset(("agree", "disagree", "discuss"))
BEST_PUBLISHED = 90.73
TOP_K = 3
LEAD_SENTENCES = 5

_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "a an the of in on at to for from by with and or but is are was were be been has have had "
    "do does did will would can could it its this that these those he she they we you i his her "
    "their our as than there which who what when where how also just so very into over about "
    "after before up out new says said say report reports".split()
)


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


def load_fnc1(data_dir: str | Path, limit: int | None = None
              ) -> tuple[list[dict[str, str]], dict[str, str]]:  # fmt: skip
    folder = Path(data_dir) / "fnc1"
    pairs_path, bodies_path = folder / "pairs.jsonl", folder / "bodies.jsonl"
    for path in (pairs_path, bodies_path):
        if not path.exists():
            raise InputError("E080", path=str(path))
    with pairs_path.open(encoding="utf-8") as fh:
        pairs = [json.loads(line) for line in fh if line.strip()]
    if limit is not None:
        pairs = pairs[:limit]
    bodies = {}
    with bodies_path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                row = json.loads(line)
                bodies[str(row["body_id"])] = row["text"]
    return pairs, bodies


def split_sentences(text: str, max_sentences: int = 60) -> list[str]:
    """A fast sentence split for bodies (paragraphs, then end punctuation before a capital)."""
    out = []
    for para in text.split("\n"):
        para = para.strip()
        if para:
            out.extend(s.strip() for s in _SENT_SPLIT.split(para) if len(s.strip()) > 1)
    return out[:max_sentences] or [text.strip() or "."]


def _content(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1}


# --------------------------------------------------------------------------------------------
# Relatedness


def relatedness_features(head_vec: np.ndarray, sent_vecs: np.ndarray, headline: str,
                         body_words: set[str]) -> list[float]:  # fmt: skip
    sims = sent_vecs @ head_vec
    top = np.sort(sims)[::-1][:TOP_K]
    words = _content(headline)
    overlap = len(words & body_words) / len(words) if words else 0.0
    return [float(top[0]), float(top.mean()), overlap]


def _topic(doc_id: str) -> str:
    """ECB+ topic number of a document id such as ``ecbplus/12ecbplus/3``."""
    m = re.match(r"\d+", doc_id.split("/")[1])
    return m.group(0) if m else doc_id


def fit_relatedness(data_dir: str | Path, embedder: Any, seed: int = 0) -> dict[str, Any]:
    """Logistic regression for related-vs-unrelated, fitted on ECB+ (not FNC-1).

    A pair is one report's headline with the body of another report: of the same story
    (related) or of another topic (unrelated), one of each per headline."""
    from sklearn.linear_model import LogisticRegression

    from rashomon.evaluation.perturb import load_ecbplus

    articles = load_ecbplus(data_dir)
    rng = random.Random(seed)
    heads, bodies = [], []
    for a in articles:
        lines = a.text.split("\n")
        if len(lines) < 3:
            continue
        heads.append((a, lines[0]))
        bodies.append((a, split_sentences("\n".join(lines[1:]))))
    texts = list(dict.fromkeys([h for _, h in heads] + [s for _, ss in bodies for s in ss]))
    vecs = embedder.encode(texts)
    index = {t: i for i, t in enumerate(texts)}
    by_story: dict[str, list[int]] = {}
    for k, (a, _) in enumerate(bodies):
        by_story.setdefault(str(a.meta["story"]), []).append(k)
    x, y = [], []
    for a, head in heads:
        story, topic = str(a.meta["story"]), _topic(a.id)
        same = [k for k in by_story[story] if bodies[k][0].id != a.id]
        other = [k for k, (b, _) in enumerate(bodies) if _topic(b.id) != topic]
        if not same or not other:
            continue
        for k, label in ((rng.choice(same), 1), (rng.choice(other), 0)):
            sents = bodies[k][1]
            sv = vecs[[index[s] for s in sents]]
            words = _content(" ".join(sents))
            x.append(relatedness_features(vecs[index[head]], sv, head, words))
            y.append(label)
    model = LogisticRegression(C=1.0, max_iter=1000).fit(np.array(x), np.array(y))
    acc = float((model.predict(np.array(x)) == np.array(y)).mean())
    return {"coef": model.coef_[0].tolist(), "intercept": float(model.intercept_[0]),
            "features": ["max_cosine", "top3_mean_cosine", "headline_word_overlap"],
            "fitted_on": "ECB+ validation headlines vs other reports' bodies", "n": len(y),
            "train_accuracy": acc}  # fmt: skip


# --------------------------------------------------------------------------------------------
# Stance


def decide_stance(*, p_contradiction: float, p_entailment: float, refute_top: int,
                  refute_lead: int, refute_headline: int, hedge_top: int, hedge_lead: int
                  ) -> str:  # fmt: skip
    """Fixed rules for a related pair (written a priori; none of the numbers tuned on FNC-1).

    * ``disagree``: the body's best-matching sentences or its lead carry a refuting cue that the
      headline does not carry itself, or the judge's contradiction probability is over one half
      and higher than its entailment probability;
    * ``agree``: the judge's entailment probability is over one half and the matching sentences
      do not hedge;
    * ``discuss`` otherwise (including when the body hedges or reports).
    """
    if refute_headline == 0 and (refute_top > 0 or refute_lead > 0):
        return "disagree"
    if p_contradiction > 0.5 and p_contradiction > p_entailment:
        return "disagree"
    if p_entailment > 0.5 and hedge_top == 0:
        return "agree"
    return "discuss"


def _cues_only(*, refute_top: int, refute_lead: int, refute_headline: int, **_: Any) -> str:
    return "disagree" if refute_headline == 0 and (refute_top or refute_lead) else "discuss"


def _judge_only(*, p_contradiction: float, p_entailment: float, hedge_top: int, **_: Any) -> str:
    if p_contradiction > 0.5 and p_contradiction > p_entailment:
        return "disagree"
    return "agree" if p_entailment > 0.5 and hedge_top == 0 else "discuss"


# Parts of decide_stance alone, on the same evidence: a diagnostic of what each part contributes
# on FNC-1, printed beside the result. None of them is chosen as the system by its FNC-1 score.
ABLATIONS: dict[str, Any] = {
    "refuting cues only (no judge)": _cues_only,
    "judge only (no cues)": _judge_only,
    "all discuss": lambda **_: "discuss",
}


def run(data_dir: str | Path, limit: int | None = None, *, embedder: Any = None,
        judge: Any = None, log: Any = None) -> dict[str, Any]:  # fmt: skip
    """Run the evaluation; returns the figures (and prints nothing unless ``log`` is given)."""
    from rashomon.backends.embeddings import default_embedder
    from rashomon.backends.nli import default_judge

    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    embedder = embedder or default_embedder()
    judge = judge or default_judge(embedder)
    pairs, bodies = load_fnc1(data_dir, limit)
    gold = [p["stance"] for p in pairs]
    body_ids = list(dict.fromkeys(str(p["body_id"]) for p in pairs))
    body_sents = {b: split_sentences(bodies[b]) for b in body_ids}
    body_words = {b: _content(bodies[b]) for b in body_ids}
    headlines = list(dict.fromkeys(p["headline"] for p in pairs))
    texts = list(dict.fromkeys(headlines + [s for b in body_ids for s in body_sents[b]]))
    vecs = embedder.encode(texts)
    index = {t: i for i, t in enumerate(texts)}
    body_vecs = {b: vecs[[index[s] for s in body_sents[b]]] for b in body_ids}
    timings["embed"] = time.perf_counter() - t0

    rel = fit_relatedness(data_dir, embedder)
    timings["fit_relatedness"] = time.perf_counter() - t0 - timings["embed"]
    coef, intercept = np.array(rel["coef"]), rel["intercept"]
    feats = np.array([
        relatedness_features(vecs[index[p["headline"]]], body_vecs[str(p["body_id"])],
                             p["headline"], body_words[str(p["body_id"])])
        for p in pairs
    ]).reshape(len(pairs), 3)  # fmt: skip
    p_related = 1 / (1 + np.exp(-(feats @ coef + intercept)))
    related = p_related >= 0.5

    # The judge sees each (best sentence, headline) pair once.
    tops: list[list[int]] = []
    judge_pairs: dict[tuple[str, str], int] = {}
    for p, is_rel in zip(pairs, related, strict=True):
        b = str(p["body_id"])
        if not is_rel:
            tops.append([])
            continue
        sims = body_vecs[b] @ vecs[index[p["headline"]]]
        top = [int(k) for k in np.argsort(-sims)[:TOP_K]]
        tops.append(top)
        for k in top:
            judge_pairs.setdefault((body_sents[b][k], p["headline"]), len(judge_pairs))
    t1 = time.perf_counter()
    probs = judge.judge(list(judge_pairs)) if judge_pairs else np.zeros((0, 3))
    timings["judge"] = time.perf_counter() - t1
    e, c = LABELS.index("entailment"), LABELS.index("contradiction")

    lead_cues = {b: (sum(count_cues(s, "refuting") for s in body_sents[b][:LEAD_SENTENCES]),
                     sum(count_cues(s, "hedging") for s in body_sents[b][:LEAD_SENTENCES]))
                 for b in body_ids}  # fmt: skip
    pred, details = [], []
    for p, is_rel, top, p_rel in zip(pairs, related, tops, p_related, strict=True):
        if not is_rel:
            pred.append("unrelated")
            details.append({"p_related": float(p_rel)})
            continue
        b, head = str(p["body_id"]), p["headline"]
        rows = probs[[judge_pairs[(body_sents[b][k], head)] for k in top]]
        sents = [body_sents[b][k] for k in top]
        evidence = {
            "p_contradiction": float(rows[:, c].max()),
            "p_entailment": float(rows[:, e].max()),
            "refute_top": sum(count_cues(s, "refuting") for s in sents),
            "refute_lead": lead_cues[b][0],
            "refute_headline": count_cues(head, "refuting"),
            "hedge_top": sum(count_cues(s, "hedging") for s in sents),
            "hedge_lead": lead_cues[b][1],
        }
        pred.append(decide_stance(**evidence))
        details.append({"p_related": float(p_rel), **evidence})
    timings["total"] = time.perf_counter() - t0
    result = summarize(gold, pred)
    ablations = {}
    for name, rule in ABLATIONS.items():
        alt = ["unrelated" if p == "unrelated" else rule(**{k: v for k, v in d.items()
                                                          if k != "p_related"})
               for p, d in zip(pred, details, strict=True)]  # fmt: skip
        alt_summary = summarize(gold, alt)
        ablations[name] = {
            "relative_score": alt_summary["relative_score"],
            "disagree_recall": alt_summary["disagree_recall"],
            "disagree_precision": alt_summary["per_class"]["disagree"]["precision"],
        }
    result.update(
        ablations=ablations,
        baselines=baselines(gold, list(related)),
        relatedness_model=rel,
        judge=getattr(judge, "name", type(judge).__name__),
        judged_pairs=len(judge_pairs),
        timings={k: round(v, 2) for k, v in timings.items()},
        best_published=BEST_PUBLISHED,
        predictions=pred,
        details=details,
    )
    if log:
        log(format_result(result))
    return result


def format_result(r: dict[str, Any]) -> str:
    lines = [
        f"FNC-1, {r['n']} pairs (zero-shot: nothing trained or tuned on FNC-1); "
        f"judge: {r['judge']}",
        f"weighted score {r['score']:.2f} of {r['max_score']:.2f} = relative score "
        f"{r['relative_score']:.2f}%  (best published {BEST_PUBLISHED}, supervised on FNC-1)",
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
    lines += ["", "ablations on the same evidence (diagnostic, not tuned):"]
    for name, a in r.get("ablations", {}).items():
        lines.append(f"  {name:36}relative {a['relative_score']:6.2f}%  disagree recall "
                     f"{a['disagree_recall']:.3f}, precision {a['disagree_precision']:.3f}")
    lines.append(f"timings (s): {r['timings']}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rashomon.evaluation.fnc1",
                                     description="FNC-1 stance evaluation (zero-shot).")
    parser.add_argument("--data", default="../shared/data", help="the shared data folder")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pairs")
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    args = parser.parse_args(argv)
    result = run(args.data, args.limit, log=print)
    if args.json:
        out = {k: v for k, v in result.items() if k not in ("predictions", "details")}
        Path(args.json).write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
