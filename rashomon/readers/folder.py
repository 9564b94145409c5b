"""Folders: every supported file inside, recursively, in a stable (sorted) order.

The order is the sorted relative path, so the same folder always gives the same reports in the
same order (``a/1.txt`` before ``a/2.txt`` before ``b.txt``). Hidden files and folders (names
starting with ``.``) are left out, symbolic links to folders are not followed (no loops), and
files whose extension is not a report format are skipped with the reason (see
:data:`~rashomon.readers.sniff.FOLDER_SUFFIXES` for why ``.json`` and ``.xml`` are not read).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from rashomon.errors import InputError, RashomonError
from rashomon.readers.base import ReadContext, Reader, ReadResult
from rashomon.readers.sniff import FOLDER_SUFFIXES


def walk(folder: Path) -> Iterator[Path]:
    """Every non-hidden file under ``folder``, sorted by path, symbolic links not followed."""
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def is_supported(path: Path) -> bool:
    return path.name.lower().endswith(FOLDER_SUFFIXES)


def read_folder(folder: Path, ctx: ReadContext) -> Reader:
    """Read each supported file; a file that fails fails alone (and is reported)."""
    from rashomon.readers.dispatch import read_file

    found = False
    for path in walk(folder):
        if not is_supported(path):
            yield ReadResult.skip(str(path), "not a report file (unsupported extension)")
            continue
        found = True
        try:
            yield from read_file(path, ctx)
        except RashomonError as exc:
            yield ReadResult.failure(str(path), exc)
    if not found:
        raise InputError("E012", path=folder, expected=", ".join(FOLDER_SUFFIXES))
