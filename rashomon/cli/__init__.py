"""The ``rashomon`` command line: a thin layer over the library.

Each group of commands lives in its own module and registers itself on :data:`app`.
"""

from __future__ import annotations

from rashomon.cli.app import app, main

# Importing a module registers its commands on ``app``.
from rashomon.cli import compare as _compare  # noqa: F401  isort: skip
from rashomon.cli import evaluate as _evaluate  # noqa: F401  isort: skip
from rashomon.cli import corpus as _corpus  # noqa: F401  isort: skip
from rashomon.cli import serve as _serve  # noqa: F401  isort: skip
from rashomon.cli import train as _train  # noqa: F401  isort: skip

__all__ = ["app", "main"]
