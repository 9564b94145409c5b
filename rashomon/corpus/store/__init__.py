"""Where the corpus is kept: :func:`open_store` picks SQLite or PostgreSQL from an address.

``open_store(None)`` uses ``$RASHOMON_DB`` when it is set, else a per-user SQLite file
(``$XDG_DATA_HOME/rashomon/rashomon.sqlite3``, by default ``~/.local/share/rashomon/...``), so the
command line works with nothing configured.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from rashomon.corpus.store.base import (
    SCHEMA_VERSION,
    IndexedArticle,
    IngestFailure,
    NewArticle,
    Store,
    StoredArticle,
    StorySummary,
)
from rashomon.errors import StorageError

__all__ = [
    "SCHEMA_VERSION",
    "IndexedArticle",
    "IngestFailure",
    "NewArticle",
    "Store",
    "StoredArticle",
    "StorySummary",
    "default_location",
    "open_store",
    "resolve_location",
]

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def default_location() -> str:
    """The per-user default database file (the XDG data folder)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "rashomon" / "rashomon.sqlite3")


def resolve_location(url: str | os.PathLike[str] | None) -> str:
    """The address to open: the one given, else ``$RASHOMON_DB``, else the per-user default."""
    if url is not None and str(url).strip():
        return str(url)
    return os.environ.get("RASHOMON_DB", "").strip() or default_location()


def open_store(url: str | os.PathLike[str] | None = None) -> Store:
    """Open (creating and migrating as needed) the store at ``url``.

    Accepted: a file path; ``sqlite:///relative/path``, ``sqlite:////absolute/path`` or
    ``sqlite://`` (in memory); ``postgresql://...`` or ``postgres://...``. Anything else raises
    E063; a store that cannot be opened raises E060.
    """
    location = resolve_location(url)
    match = _SCHEME.match(location)
    if match is None:
        from rashomon.corpus.store.sqlite import SQLiteStore

        return SQLiteStore(location)
    scheme = match.group(1).lower()
    if scheme == "sqlite":
        from rashomon.corpus.store.sqlite import SQLiteStore

        path = location[len(match.group(0)) :]
        if path in ("", ":memory:", "/:memory:"):
            return SQLiteStore(":memory:")
        # sqlite:///relative and sqlite:////absolute, as SQLAlchemy spells them.
        return SQLiteStore(path[1:] if path.startswith("/") else path)
    if scheme in ("postgresql", "postgres"):
        from rashomon.corpus.store.postgres import PostgresStore

        return PostgresStore(location)
    raise StorageError("E063", url=location)
