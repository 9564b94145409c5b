"""The file formats rashomon reads, and how each is recognised: a table the readers fill in.

Each format module (``text``, ``html``, ``jsonl``, ``feed``, ``warc``) registers one
:class:`FileFormat` when it is imported: its name, the file names that say it (suffixes), the
test on a file's first bytes that says it when the name does not, and the function that reads a
file of it. :mod:`rashomon.readers.sniff` detects formats from this table and
:mod:`rashomon.readers.dispatch` reads files with it, so neither names the format modules, and
adding a format is adding a module that registers itself (and importing it in ``dispatch``).

This module imports no format module (nor anything that does), so every reader may import it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rashomon.readers.base import ReadContext, Reader

#: Reads one file of a format: ``read(path, ctx)`` yields its results.
FileReader = Callable[[Path, ReadContext], Reader]


@dataclass(frozen=True, slots=True)
class FileFormat:
    """One readable file format.

    ``sniff`` looks at a file's first bytes (with UTF-16 re-encoded as UTF-8, unless ``raw``)
    and says whether they are this format; content tests run in ``order`` (lower first), and a
    format without a test is never chosen by content. ``raw`` formats (binary archives) are
    tested on the bytes as they are, before anything else.
    """

    name: str
    read: FileReader
    suffixes: tuple[str, ...] = ()
    sniff: Callable[[bytes], bool] | None = None
    order: int = 100
    raw: bool = False


_FORMATS: dict[str, FileFormat] = {}


def register(file_format: FileFormat) -> FileFormat:
    """Add a format to the table (a module imported again replaces its own entry)."""
    _FORMATS[file_format.name] = file_format
    return file_format


def get_format(name: str) -> FileFormat | None:
    """The registered format called ``name``, or None."""
    return _FORMATS.get(name)


def formats() -> tuple[FileFormat, ...]:
    """Every registered format, in the order their content tests run."""
    return tuple(sorted(_FORMATS.values(), key=lambda f: (f.order, f.name)))


__all__ = ["FileFormat", "FileReader", "formats", "get_format", "register"]
