"""The executor seam: corpus work as *steps* that an *executor* maps over batches.

A step is a plain, picklable object with ``setup()`` (load models; called once per worker,
before its first batch) and ``__call__(batch) -> result``. An executor runs a step over an
iterable of batches and yields the results **in the order of the batches**, so that the driver
can commit them in order (stories then come out the same whichever executor ran the steps).

``local`` runs the step in this process, one batch after another (what rashomon always did);
``ray`` runs it in Ray actors across a cluster (:mod:`rashomon.executors.ray`, imported only
when chosen, because Ray is an optional dependency: ``pip install 'rashomon[cluster]'``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Any, Protocol, runtime_checkable

from rashomon.errors import ConfigurationError
from rashomon.executors.local import LocalExecutor

EXECUTORS = ("local", "ray")


@runtime_checkable
class Step(Protocol):
    """One unit of corpus work, mapped over batches."""

    def setup(self) -> None:
        """Load what the step needs (models); called once per worker."""

    def __call__(self, batch: Any) -> Any:
        """The result for one batch."""


class Executor(Protocol):
    """Runs steps over batches; results come back in batch order."""

    name: str

    def map_batches(self, step: Step, batches: Iterable[Any]) -> Iterator[Any]:
        """``step(batch)`` for each batch, in order (lazily: batches are read as needed)."""
        ...

    def nodes(self) -> list[str]:
        """The machines the executor has run steps on so far (their addresses)."""
        ...

    def shares_storage(self) -> bool:
        """Whether every worker runs on this machine (then a SQLite file is fine)."""
        ...

    def close(self) -> None:
        """Release workers and connections."""
        ...


def make_executor(name: str = "local", address: str | None = None) -> Executor:
    """The executor called ``name``; ``address`` is the Ray cluster's (default
    ``$RAY_ADDRESS``, else a running local cluster or a new one-node one)."""
    if name == "local":
        return LocalExecutor()
    if name == "ray":
        try:
            from rashomon.executors.ray import RayExecutor
        except ImportError:
            raise ConfigurationError("E175") from None
        if address is None:
            address = os.environ.get("RAY_ADDRESS") or None
        return RayExecutor(address)
    raise ConfigurationError("E177", name=name, expected=", ".join(EXECUTORS))


def is_sqlite(url: str) -> bool:
    """Whether a store address names a SQLite file (anything not ``postgres...://``)."""
    return not url.lower().startswith(("postgres://", "postgresql://", "postgresql+"))


def check_store(executor: Executor, store_url: str) -> None:
    """Refuse a SQLite store with workers on other machines (E176): a SQLite file is not a
    store several machines can share; use PostgreSQL."""
    if is_sqlite(store_url) and not executor.shares_storage():
        raise ConfigurationError("E176", url=store_url)
