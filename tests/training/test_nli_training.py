"""The entailment trainer: data, split, loss, batches, and a tiny run end to end."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from rashomon.backends.nli import CrossEncoderJudge
from rashomon.training.nli import TrainConfig, Trainer, length_batches, pair_loss, score
from rashomon.training.nli_data import (
    NOT_ENTAILMENT,
    SHIPPABLE,
    NliPair,
    partition,
    read_shared_pairs,
    split_of,
)


def _nli_folder(folder: Path) -> Path:
    rows3 = [
        {"premise": "A man plays a guitar on stage.", "hypothesis": "A man plays music.",
         "label": "entailment", "source": "snli-dev", "licence": "CC BY-SA 4.0"},
        {"premise": "A man plays a guitar on stage.", "hypothesis": "A woman sleeps.",
         "label": "contradiction", "source": "snli-dev", "licence": "CC BY-SA 4.0"},
        {"premise": "Two dogs run in a field.", "hypothesis": "The dogs are brothers.",
         "label": "neutral", "source": "sick2014", "licence": "CC BY-NC-SA 3.0"},
    ]
    rows2 = [{"premise": "The talks ended on Monday.", "hypothesis": "The talks went on.",
              "label": "not_entailment", "source": "rte", "licence": "research"}]
    para = [{"premise": "Petro met Trump.", "hypothesis": "Trump met Petro.",
             "label": "paraphrase", "source": "msrp", "licence": "research"},
            {"premise": "Petro met Trump.", "hypothesis": "Petro left.",
             "label": "not_paraphrase", "source": "msrp", "licence": "research"}]
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (("nli3.jsonl", rows3), ("nli2.jsonl", rows2), ("paraphrase.jsonl", para)):
        (folder / name).write_text("".join(json.dumps(r) + "\n" for r in rows))
    return folder


def test_pairs_are_read_with_their_labels_and_paraphrases_both_ways(tmp_path):
    pairs = read_shared_pairs(_nli_folder(tmp_path / "nli"))
    assert [p.label for p in pairs[:3]] == ["entailment", "contradiction", "neutral"]
    assert pairs[3].target == NOT_ENTAILMENT
    paraphrases = [p for p in pairs if p.source == "msrp"]
    assert len(paraphrases) == 2  # both directions; the non-paraphrase is left out
    assert {(p.premise, p.hypothesis) for p in paraphrases} == {
        ("Petro met Trump.", "Trump met Petro."), ("Trump met Petro.", "Petro met Trump.")}


def test_the_dev_split_is_by_premise_and_stable():
    assert split_of("A man plays a guitar.") == split_of("a  man PLAYS a guitar.")
    pairs = [NliPair(f"premise {k}", f"h {j}", 0, "snli-dev") for k in range(400) for j in (1, 2)]
    train, dev = partition(pairs)
    assert 0.05 < len(dev) / len(pairs) < 0.15
    assert not {p.premise for p in train} & {p.premise for p in dev}


def test_only_licences_that_allow_shipping_are_shippable():
    assert "snli-dev" in SHIPPABLE and "mnli-dev-matched" in SHIPPABLE
    for research in ("sick2014", "anli-r1-dev", "rte", "msrp", "joci", "mpe"):
        assert research not in SHIPPABLE


def test_two_way_loss_scores_neutral_and_contradiction_together():
    import torch

    logits = torch.tensor([[0.0, 3.0, 3.0], [0.0, 3.0, 3.0]])
    three = pair_loss(logits, torch.tensor([1, 1]))
    two = pair_loss(logits, torch.tensor([NOT_ENTAILMENT, NOT_ENTAILMENT]))
    assert float(two) < float(three)  # half of the mass on each is fine for "not entailment"
    probs = torch.softmax(logits[0], dim=0)
    assert float(two) == pytest.approx(-float(torch.log(probs[1] + probs[2])), rel=1e-5)


def test_length_batches_cover_every_pair_once_in_similar_lengths():
    lengths = [random.Random(k).randint(5, 200) for k in range(1000)]
    batches = length_batches(lengths, 32, random.Random(0))
    flat = sorted(i for b in batches for i in b)
    assert flat == list(range(1000))
    spread = np.mean([max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in batches])
    assert spread < 60  # random batches would spread over most of 5..200


def test_score_counts_two_way_pairs_right_for_either_non_entailment():
    pairs = [NliPair("a", "b", 0, "snli-dev"), NliPair("a", "c", NOT_ENTAILMENT, "rte")]
    probs = np.array([[0.8, 0.1, 0.1], [0.1, 0.2, 0.7]])
    result = score(probs, pairs)
    assert result["accuracy"] == 1.0
    assert result["per_source"]["rte"]["accuracy"] == 1.0


@pytest.mark.slow
def test_a_tiny_run_trains_resumes_and_exports_a_folder_the_judge_loads(tmp_path,
                                                                        tiny_cross_encoder):
    base = tmp_path / "base"
    base.mkdir()
    tiny_cross_encoder(base, "navy ships did not prevent tuesday 41 35")
    pairs = [NliPair("navy ships did not prevent", "navy ships did not prevent", 0, "snli-dev"),
             NliPair("navy ships did not prevent", "tuesday", 1, "snli-dev"),
             NliPair("41 35", "35 41", 2, "snli-dev"),
             NliPair("tuesday", "did not", NOT_ENTAILMENT, "rte")] * 4
    config = TrainConfig(base=str(base), epochs=1.0, batch_size=4, checkpoint_minutes=0.0)
    trainer = Trainer(config, tmp_path / "work", log=lambda _: None)
    summary = trainer.train(pairs)
    assert summary["steps"] == 4
    assert (tmp_path / "work" / "checkpoint" / "state.pt").is_file()
    # Resuming a finished run does no more steps.
    again = Trainer(config, tmp_path / "work", log=lambda _: None).train(pairs, resume=True)
    assert again["steps"] == 4
    out = tmp_path / "model"
    trainer.export(out)
    config_json = json.loads((out / "config.json").read_text())
    assert config_json["id2label"] == {"0": "entailment", "1": "neutral", "2": "contradiction"}
    judge = CrossEncoderJudge(out, device="cpu")
    probs = judge.judge([("navy ships", "tuesday")])
    assert probs.shape == (1, 3) and probs.sum() == pytest.approx(1.0, abs=1e-5)
