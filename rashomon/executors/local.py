"""The local executor: steps run in this process, one batch after another."""

from __future__ import annotations

import socket
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # base imports this module
    from rashomon.executors.base import Step


class LocalExecutor:
    """Runs a step in the calling process; ``setup()`` once per step object."""

    name = "local"

    def __init__(self) -> None:
        self._ready: dict[int, Step] = {}  # steps already set up (kept: ids stay unique)
        self._used = False

    def map_batches(self, step: Step, batches: Iterable[Any]) -> Iterator[Any]:
        for batch in batches:
            if id(step) not in self._ready:
                step.setup()
                self._ready[id(step)] = step
            self._used = True
            yield step(batch)

    def nodes(self) -> list[str]:
        return [socket.gethostname()] if self._used else []

    def shares_storage(self) -> bool:
        return True

    def close(self) -> None:
        self._ready.clear()
