"""Executors run corpus steps over batches: ``local`` (this process) or ``ray`` (a cluster).

See :mod:`rashomon.executors.base` for the seam and ``docs/deployment.md`` for deployments.
"""

from rashomon.executors.base import EXECUTORS, Executor, Step, check_store, make_executor
from rashomon.executors.local import LocalExecutor
from rashomon.executors.steps import Extracted, ExtractFeatures, ReconcileStories

__all__ = [
    "EXECUTORS", "Executor", "ExtractFeatures", "Extracted", "LocalExecutor", "ReconcileStories",
    "Step", "check_store", "make_executor",
]
