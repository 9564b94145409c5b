"""The ``rashomon`` command line: a thin layer over the library.

Each group of commands lives in its own module and registers itself on :data:`app`.
"""

from __future__ import annotations

from rashomon.cli.app import app, main

# Importing a module registers its commands on ``app``.
from rashomon.cli import compare as _compare  # noqa: F401  isort: skip
from rashomon.cli import storyline as _storyline  # noqa: F401  isort: skip
from rashomon.cli import evaluate as _evaluate  # noqa: F401  isort: skip
from rashomon.cli import corpus as _corpus  # noqa: F401  isort: skip
from rashomon.cli import serve as _serve  # noqa: F401  isort: skip
from rashomon.cli import train as _train  # noqa: F401  isort: skip
from rashomon.cli import evaluate_framing as _evaluate_framing  # noqa: F401  isort: skip
from rashomon.cli import evaluate_wordchoice as _evaluate_wordchoice  # noqa: F401  isort: skip
from rashomon.cli import evaluate_time as _evaluate_time  # noqa: F401  isort: skip
from rashomon.cli import evaluate_events as _evaluate_events  # noqa: F401  isort: skip

__all__ = ["app", "main"]
