"""Folders: every supported file inside, recursively, in a stable (sorted) order.

The order is the sorted relative path, so the same folder always gives the same reports in the
same order (``a/1.txt`` before ``a/2.txt`` before ``b.txt``). Hidden files and folders (names
starting with ``.``) are left out, symbolic links to folders are not followed (no loops), and
files whose extension is not a report format are skipped with the reason (see
:data:`~rashomon.readers.sniff.FOLDER_SUFFIXES` for why ``.json`` and ``.xml`` are not read).

A symbolic link to a file is read only when its target is inside the folder too: a folder
handed over by someone else (an upload unpacked, a shared drive) must not be a way to read
``/etc/passwd`` or a private key into the corpus, where anyone with access to the corpus could
read it. Links that lead out are skipped with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from rashomon.errors import InputError, RashomonError
from rashomon.readers.base import ReadContext, Reader, ReadResult
from rashomon.readers.registry import FileReader
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


def leads_outside(path: Path, root: Path) -> bool:
    """True when ``path`` is a symbolic link whose target is not inside ``root`` (resolved).

    Links to folders are never walked into, so only the file itself can be a link. A link that
    cannot be resolved (a loop) counts as leading out.
    """
    if not path.is_symlink():
        return False
    try:
        target = path.resolve(strict=False)
    except (OSError, RuntimeError):  # a loop of links
        return True
    return not target.is_relative_to(root)


def read_folder(folder: Path, ctx: ReadContext, read_file: FileReader) -> Reader:
    """Read each supported file with ``read_file`` (the dispatcher's, which picks the reader
    by format: passed in, so that this module does not import the dispatcher that imports it);
    a file that fails fails alone (and is reported)."""
    found = False
    root = folder.resolve()
    for path in walk(folder):
        if not is_supported(path):
            yield ReadResult.skip(str(path), "not a report file (unsupported extension)")
            continue
        if leads_outside(path, root):
            yield ReadResult.skip(str(path), "a symbolic link to a file outside the folder")
            continue
        found = True
        try:
            yield from read_file(path, ctx)
        except RashomonError as exc:
            yield ReadResult.failure(str(path), exc)
    if not found:
        raise InputError("E012", path=folder, expected=", ".join(FOLDER_SUFFIXES))
