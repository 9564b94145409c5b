"""``rashomon evaluate``'s options, without running the long evaluations: where the data is read
from (a ``--data`` that is not a folder is an error, never a silent fallback) and the
``--embeddings`` switch of ``evaluate clustering``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from rashomon.cli import main
from rashomon.cli.evaluate import data_dir
from rashomon.errors import RashomonError
from tests.conftest import ROOT


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    full = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT), "COLUMNS": "200",
            "NO_COLOR": "1", **env}
    return subprocess.run([sys.executable, "-m", "rashomon", *args], capture_output=True,
                          text=True, env=full, timeout=120)


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data folder that ``$RASHOMON_DATA`` names: what a missing ``--data`` falls back to."""
    folder = tmp_path / "data"
    folder.mkdir()
    monkeypatch.setenv("RASHOMON_DATA", str(folder))
    return folder


@pytest.fixture
def clustering_calls(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The argument lists ``rashomon.evaluation.clustering.main`` is called with (it is not
    run: the real one takes minutes)."""
    from rashomon.evaluation import clustering

    calls: list[list[str]] = []

    def fake_main(argv: Any = None) -> int:
        calls.append(list(argv))
        return 0

    monkeypatch.setattr(clustering, "main", fake_main)
    return calls


def run_main(*args: str) -> int:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
        raise SystemExit(0)
    return int(exited.value.code or 0)


# -- --data ----------------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["clustering", "fnc1", "perturbations"])
def test_a_missing_data_folder_is_a_one_line_e080(tmp_path: Path, command: str) -> None:
    missing = tmp_path / "no-such-folder"
    # $RASHOMON_DATA names a real folder: the given --data must not fall back to it.
    proc = run_cli("evaluate", command, "--data", str(missing), RASHOMON_DATA=str(tmp_path))
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines == [
        f"rashomon: error: [E080] {missing}: the evaluation data is missing; pass --data "
        "pointing at the shared data folder"
    ]
    assert proc.stdout == ""


def test_data_that_is_a_file_is_e080_too(data: Path, tmp_path: Path,
                                         clustering_calls: list[list[str]],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    a_file = tmp_path / "data.zip"
    a_file.write_bytes(b"PK")
    assert run_main("evaluate", "clustering", "--data", str(a_file)) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"rashomon: error: [E080] {a_file}: ")
    assert clustering_calls == []  # nothing was evaluated


def test_data_dir_prefers_the_given_folder_then_the_environment(data: Path,
                                                                tmp_path: Path) -> None:
    given = tmp_path / "given"
    given.mkdir()
    assert data_dir(str(given)) == given
    assert data_dir(None) == data  # not given: $RASHOMON_DATA
    with pytest.raises(RashomonError) as excinfo:
        data_dir(str(tmp_path / "typo"))
    assert excinfo.value.code == "E080"
    assert excinfo.value.fields["path"] == str(tmp_path / "typo")


# -- --embeddings ---------------------------------------------------------------------------------
def test_clustering_help_lists_embeddings() -> None:
    proc = run_cli("evaluate", "clustering", "--help")
    assert proc.returncode == 0, proc.stderr
    assert "--embeddings" in proc.stdout and "--data" in proc.stdout


def test_embeddings_is_passed_to_the_clustering_evaluation(
    data: Path, clustering_calls: list[list[str]]
) -> None:
    assert run_main("evaluate", "clustering") == 0
    assert run_main("evaluate", "clustering", "--embeddings", "--data", str(data)) == 0
    assert clustering_calls == [
        ["--data", str(data)],
        ["--data", str(data), "--embeddings"],
    ]


def test_the_evaluation_accepts_what_the_command_passes(data: Path) -> None:
    """The flag the command passes is one ``clustering.main`` knows (its own parser)."""
    from rashomon.evaluation import clustering

    seen: dict[str, Any] = {}

    def fake_run(folder: str, *, embeddings: bool = False, **kwargs: Any) -> Any:
        seen.update(folder=folder, embeddings=embeddings)
        raise RashomonError("E080", path=folder)  # stop before any work

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clustering, "run", fake_run)
        assert run_main("evaluate", "clustering", "--embeddings") == 2
    assert seen == {"folder": str(data), "embeddings": True}
