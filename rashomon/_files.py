"""Writing output files so that a failure never leaves a half-written file behind."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from rashomon.errors import InputError


def write_atomically(path: Path | str, text: str) -> None:
    """Write ``text`` to ``path`` so that it is either the old file or the whole new one:
    a temporary file in the same folder, flushed to disk, then renamed over the target."""
    path = Path(path)
    if path.is_dir():
        raise InputError("E043", path=str(path))
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError("E069", path=path, reason=exc.strerror or str(exc)) from exc
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        # mkstemp creates the file readable by its owner only; give it the usual permissions.
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, path)
    except BaseException as exc:
        Path(temp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise InputError("E069", path=path, reason=exc.strerror or str(exc)) from exc
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def jsonl_objects(path: Path | str, code: str = "E006") -> list[tuple[int, dict]]:
    """(line number, object) for each non-blank line of a JSONL file; a line that is not a JSON
    object is ``code`` (an error whose message takes ``path``, ``line`` and ``problem``) naming
    it. For evaluation inputs, read whole: they are data sets, not streams."""
    path = Path(path)
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(code, path=str(path), line=number,
                                 problem=f"not valid JSON ({exc.msg})") from None  # fmt: skip
            if not isinstance(row, dict):
                raise InputError(code, path=str(path), line=number,
                                 problem="expected a JSON object")  # fmt: skip
            rows.append((number, row))
    return rows
