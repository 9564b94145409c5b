"""Progress bars for long work, shown on a terminal and silent elsewhere (pipes, CI, tests)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sized
from typing import TYPE_CHECKING, TypeVar

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

if TYPE_CHECKING:
    from types import TracebackType

    from rich.status import Status

T = TypeVar("T")

_enabled: bool | None = None


def set_enabled(enabled: bool | None) -> None:
    """Force progress bars on or off; ``None`` restores the default (on when stderr is a tty)."""
    global _enabled
    _enabled = enabled


def enabled() -> bool:
    return sys.stderr.isatty() if _enabled is None else _enabled


def track(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    """Iterate over ``items`` with a progress bar on stderr when progress is enabled."""
    if not enabled():
        yield from items
        return

    if total is None and isinstance(items, Sized):
        total = len(items)
    columns = [
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    ]
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(description, total=total)
        for item in items:
            yield item
            progress.advance(task)


class Stage:
    """A spinner with a message for work that has no countable items (loading models)."""

    def __init__(self, message: str) -> None:
        self.message = message
        self._status: Status | None = None

    def __enter__(self) -> Stage:
        if enabled():
            status = Console(stderr=True).status(self.message)
            status.__enter__()
            self._status = status
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._status is not None:
            self._status.__exit__(exc_type, exc, tb)
