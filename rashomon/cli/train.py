"""``rashomon train``: reproduce the models rashomon ships, from public data."""

from __future__ import annotations

from pathlib import Path

import typer

from rashomon.cli.app import app
from rashomon.cli.evaluate import data_dir

train_app = typer.Typer(help="Train the models rashomon ships.", no_args_is_help=True)
app.add_typer(train_app, name="train")

_BUNDLED_NLI = Path(__file__).resolve().parents[1] / "data" / "nli"


@train_app.command("nli")
def nli_command(
    data: str | None = typer.Option(None, "--data", help="The shared data folder "
                                    "[default: ../shared/data]."),
    out: str = typer.Option(str(_BUNDLED_NLI), "--out", help="Where the model folder goes."),
    work: str | None = typer.Option(None, "--work", help="Checkpoints and caches "
                                    "[default: ~/.cache/rashomon/train-nli]."),
    sources: str = typer.Option("shippable", "--sources",
                                help="'shippable' (licences that allow shipping) or 'all'."),
    epochs: float = typer.Option(0.8, "--epochs"),
    batch_size: int = typer.Option(32, "--batch-size"),
    learning_rate: float = typer.Option(5e-5, "--learning-rate"),
    max_length: int = typer.Option(128, "--max-length"),
    seed: int = typer.Option(0, "--seed"),
    limit: int = typer.Option(0, "--limit", help="Train on at most N pairs (0 = all)."),
    threads: int = typer.Option(0, "--threads", help="CPU threads for torch (0 = default)."),
    resume: bool = typer.Option(False, "--resume", help="Go on from the last checkpoint."),
) -> None:
    """Fine-tune the entailment cross-encoder (all-MiniLM-L6-v2 encoder, three-way head) on the
    NLI pairs of the shared data and rashomon's perturbation pairs; writes fp16 safetensors,
    config, tokenizer and metrics.json to --out."""
    from rashomon.errors import RashomonError
    from rashomon.training.nli import TrainConfig, run

    if sources not in ("shippable", "all"):
        raise RashomonError("E011", path="--sources", format=sources,
                            expected="shippable, all")  # fmt: skip
    config = TrainConfig(sources=sources, epochs=epochs, batch_size=batch_size,
                         learning_rate=learning_rate, max_length=max_length, seed=seed,
                         limit=limit, threads=threads)  # fmt: skip
    run(data_dir(data), out, config, resume=resume, work=work)
