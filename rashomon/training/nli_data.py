"""The labelled pairs the entailment judge learns from, with their licences and a dev split.

Sources (``shared/data/nli``, see its README, and rashomon's own perturbations):

* three-way NLI (``nli3.jsonl``): entailment / neutral / contradiction;
* two-way (``nli2.jsonl``): entailment / not_entailment. A "not entailment" pair teaches the judge
  that the hypothesis does not follow, without saying whether it is neutral or contradicted (the
  loss is on the summed probability of the two);
* paraphrases (``paraphrase.jsonl``): a paraphrase entails its partner both ways; non-paraphrases
  are left out, because many of them are one-way entailments;
* perturbations (:mod:`rashomon.evaluation.perturb`): real news sentences from ECB+ and MEANTIME
  with one number, date, name, negation or predicate changed (contradiction), a modifier removed
  (entailment one way, neutral the other), and cross-report pairs.

Which sources may train the weights rashomon ships is data (:data:`SHIPPABLE`): only licences that
allow redistribution of derived weights. Non-commercial and research-only sets are still measured.

The dev split is by premise (:func:`split_of`): every pair whose premise hashes into the dev
share is kept aside, so the judge is never scored on a premise it trained on.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rashomon.errors import InputError

LABELS: tuple[str, str, str] = ("entailment", "neutral", "contradiction")
#: Target index for a two-way "not entailment" pair: neutral or contradiction, unknown which.
NOT_ENTAILMENT = 3
TARGETS = {"entailment": 0, "neutral": 1, "contradiction": 2, "not_entailment": NOT_ENTAILMENT}

#: Sources whose licence allows shipping weights trained on them (source name -> licence).
SHIPPABLE: dict[str, str] = {
    "snli-dev": "CC BY-SA 4.0",
    "snli-test": "CC BY-SA 4.0",
    "mnli-dev-matched": "OANC / CC BY-SA 3.0",
    "cad-snli": "Apache-2.0",
    "breaking-nli": "CC BY-SA 4.0",
    "scitail-dev": "Apache-2.0",
    "perturb-ecbplus": "CC BY 3.0 (ECB+)",
    "perturb-meantime": "CC BY 4.0 (MEANTIME)",
}

DEV_SHARE = 0.1


@dataclass(slots=True, frozen=True)
class NliPair:
    premise: str
    hypothesis: str
    target: int  # index in LABELS, or NOT_ENTAILMENT
    source: str

    @property
    def label(self) -> str:
        return "not_entailment" if self.target == NOT_ENTAILMENT else LABELS[self.target]


def split_of(premise: str, dev_share: float = DEV_SHARE) -> str:
    """``"dev"`` or ``"train"``, fixed by the premise's text (case and spacing ignored)."""
    key = " ".join(premise.lower().split()).encode("utf-8")
    bucket = int.from_bytes(hashlib.sha1(key).digest()[:4], "big") / 2**32
    return "dev" if bucket < dev_share else "train"


def _read_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def read_shared_pairs(nli_dir: str | Path) -> list[NliPair]:
    """Every usable pair of ``shared/data/nli`` (all licences; filter with :data:`SHIPPABLE`)."""
    nli_dir = Path(nli_dir)
    if not (nli_dir / "nli3.jsonl").is_file():
        raise InputError("E080", path=str(nli_dir))
    pairs: list[NliPair] = []
    for row in _read_jsonl(nli_dir / "nli3.jsonl"):
        pairs.append(NliPair(row["premise"], row["hypothesis"], TARGETS[row["label"]],
                             row["source"]))  # fmt: skip
    if (nli_dir / "nli2.jsonl").is_file():
        for row in _read_jsonl(nli_dir / "nli2.jsonl"):
            label = "entailment" if row["label"] == "entailment" else "not_entailment"
            pairs.append(NliPair(row["premise"], row["hypothesis"], TARGETS[label], row["source"]))
    if (nli_dir / "paraphrase.jsonl").is_file():
        for row in _read_jsonl(nli_dir / "paraphrase.jsonl"):
            if row["label"] != "paraphrase":
                continue
            a, b = row["premise"], row["hypothesis"]
            pairs.append(NliPair(a, b, 0, row["source"]))
            pairs.append(NliPair(b, a, 0, row["source"]))
    return [p for p in pairs if p.premise.strip() and p.hypothesis.strip()]


def perturbation_pairs(data_dir: str | Path, cache: str | Path | None = None,
                       seed: int = 0) -> list[NliPair]:  # fmt: skip
    """Rashomon's perturbation pairs from ECB+ and MEANTIME (their ``train`` stories only; the
    held-out stories stay for ``rashomon evaluate perturbations``). Cached as JSONL if asked,
    since making them parses every article."""
    if cache and Path(cache).is_file():
        return [NliPair(r["premise"], r["hypothesis"], TARGETS[r["label"]], r["source"])
                for r in _read_jsonl(Path(cache))]  # fmt: skip
    from rashomon.backends.embeddings import default_embedder
    from rashomon.evaluation.train_judge import build_pairs

    made = build_pairs(data_dir, seed=seed, embedder=default_embedder())
    pairs = [
        NliPair(p.premise, p.hypothesis, TARGETS[p.label],
                "perturb-meantime" if "meantime" in p.document.lower() else "perturb-ecbplus")
        for p in made if p.split == "train"
    ]  # fmt: skip
    if cache:
        Path(cache).parent.mkdir(parents=True, exist_ok=True)
        with Path(cache).open("w", encoding="utf-8") as handle:
            for p in pairs:
                handle.write(json.dumps({"premise": p.premise, "hypothesis": p.hypothesis,
                                         "label": p.label, "source": p.source}) + "\n")  # fmt: skip
    return pairs


def partition(pairs: Iterable[NliPair], dev_share: float = DEV_SHARE,
              ) -> tuple[list[NliPair], list[NliPair]]:  # fmt: skip
    """(train, dev) by :func:`split_of` of each premise."""
    train: list[NliPair] = []
    dev: list[NliPair] = []
    for pair in pairs:
        (dev if split_of(pair.premise, dev_share) == "dev" else train).append(pair)
    return train, dev
