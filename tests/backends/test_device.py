"""Where models run is a parameter (``device``); ``RASHOMON_DEVICE`` is only its default."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from rashomon.backends import embeddings
from rashomon.backends.embeddings import default_embedder, resolve_device
from rashomon.backends.nli import judge_groups


def test_the_parameter_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("RASHOMON_DEVICE", "cuda")
    assert resolve_device("cpu") == "cpu"
    assert resolve_device(None) == "cuda"
    monkeypatch.delenv("RASHOMON_DEVICE")
    assert resolve_device(None) == "cpu"
    assert resolve_device("auto") in ("cpu", "cuda")


class FakeEmbedder:
    def __init__(self, *, device: str | None = None) -> None:
        self.device = device


def test_default_embedder_is_one_per_device(monkeypatch):
    monkeypatch.setattr(embeddings, "SentenceTransformerEmbedder", FakeEmbedder)
    monkeypatch.setattr(embeddings, "_defaults", {})
    monkeypatch.setenv("RASHOMON_DEVICE", "cpu")
    cpu = default_embedder()
    assert cpu.device == "cpu" and default_embedder("cpu") is cpu
    cuda = default_embedder("cuda")
    assert cuda is not cpu and cuda.device == "cuda"


def test_the_reconciler_hands_its_device_to_the_models(monkeypatch):
    from rashomon import reconcile

    asked: list[Any] = []

    def fake_embedder(device: str | None = None) -> str:
        asked.append(("embedder", device))
        return "embedder"

    def fake_judge(embedder: Any = None, *, device: str | None = None) -> str:
        asked.append(("judge", device))
        return "judge"

    monkeypatch.setattr(reconcile, "default_embedder", fake_embedder)
    monkeypatch.setattr(reconcile, "default_judge", fake_judge)
    r = reconcile.Reconciler(device="cuda")
    assert (r.embedder, r.judge) == ("embedder", "judge")
    assert asked == [("embedder", "cuda"), ("judge", "cuda")]
    monkeypatch.setattr(reconcile, "_defaults", {})
    assert reconcile.default_reconciler("cpu").device == "cpu"
    assert reconcile.default_reconciler("cpu") is reconcile.default_reconciler("cpu")
    assert reconcile.default_reconciler() is not reconcile.default_reconciler("cpu")


def test_compare_passes_device_without_touching_the_environment(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from rashomon import reconcile
    from rashomon.cli import app

    seen: list[str | None] = []

    class Stop(Exception):
        pass

    def fake_default(device: str | None = None) -> Any:
        seen.append(device)
        raise Stop

    monkeypatch.setattr(reconcile, "default_reconciler", fake_default)
    monkeypatch.delenv("RASHOMON_DEVICE", raising=False)
    report = tmp_path / "a.txt"
    report.write_text("The council approved the budget on Monday.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["compare", str(report), "--device", "cuda", "-q"])
    assert isinstance(result.exception, Stop)
    assert seen == ["cuda"]
    import os

    assert "RASHOMON_DEVICE" not in os.environ


class Judge:
    def __init__(self, pools: bool) -> None:
        self.pools = pools
        self.calls: list[int] = []

    def judge(self, pairs):
        self.calls.append(len(pairs))
        return np.array([[len(a), len(b), 0.0] for a, b in pairs], dtype=np.float32)


@pytest.mark.parametrize(("pools", "calls"), [(True, [3]), (False, [2, 1])])
def test_judge_groups_pools_only_a_judge_that_may(pools, calls):
    judge = Judge(pools)
    groups = [[("a", "bb"), ("ccc", "d")], [], [("ee", "f")]]
    out = judge_groups(judge, groups)
    assert judge.calls == calls
    assert [o.shape for o in out] == [(2, 3), (0, 3), (1, 3)]
    assert out[0][:, :2].tolist() == [[1, 2], [3, 1]] and out[2][0, :2].tolist() == [2, 1]
    assert judge_groups(Judge(pools), [[], []])[1].shape == (0, 3)


def test_half_precision_only_on_a_gpu():
    from rashomon.backends.embeddings import half_precision

    assert half_precision("cuda") and half_precision("cuda:1")
    assert not half_precision("cpu")


def test_judge_on_the_cpu_is_not_half_precision():
    import torch

    from rashomon.backends.nli import BUNDLED_MODEL, CrossEncoderJudge

    judge = CrossEncoderJudge(BUNDLED_MODEL, device="cpu", quantize=False)
    assert {p.dtype for p in judge.model.parameters()} == {torch.float32}
    probs = judge.judge([("Petro will meet Trump.", "Petro will meet Trump.")])
    assert probs.dtype == np.float32 and probs.shape == (1, 3)
