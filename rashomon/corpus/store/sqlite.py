"""The SQLite store: one file, nothing to install, the default for a single user.

Opened in WAL mode (readers never block the writer), with foreign keys on and a busy timeout so
that a second process waits for a lock instead of failing. ``synchronous=NORMAL`` is durable
against a killed process, which is what the ingest's batch commits rely on; only a power cut may
lose the last few commits (never corrupt the file). Full-text search is an FTS5 table over
articles' titles and texts, kept in step by triggers.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from rashomon.corpus.store._sql import FILL_REGROUP_PENDING, SQLRunner, SQLStore
from rashomon.errors import StorageError

BUSY_TIMEOUT_MS = 30_000

_MIGRATIONS: dict[int, list[str]] = {
    1: [
        """CREATE TABLE articles (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            fingerprint TEXT NOT NULL UNIQUE,
            source TEXT,
            title TEXT,
            url TEXT,
            published TEXT,
            published_from TEXT,
            language TEXT,
            origin TEXT,
            format TEXT NOT NULL DEFAULT 'text',
            body_start INTEGER NOT NULL DEFAULT 0,
            text TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(meta)),
            ingested_at TEXT NOT NULL,
            duplicate_of TEXT REFERENCES articles (id) DEFERRABLE INITIALLY DEFERRED
        )""",
        "CREATE INDEX articles_duplicate_of ON articles (duplicate_of) "
        "WHERE duplicate_of IS NOT NULL",
        "CREATE INDEX articles_url ON articles (url) WHERE url IS NOT NULL",
        """CREATE TABLE article_features (
            article_id TEXT PRIMARY KEY
                REFERENCES articles (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
            features BLOB NOT NULL,
            signature BLOB NOT NULL
        )""",
        """CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            title TEXT,
            size INTEGER NOT NULL DEFAULT 0,
            sources TEXT NOT NULL DEFAULT '[]',
            latest TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX stories_listing ON stories (size DESC, latest DESC, id)",
        """CREATE TABLE story_articles (
            article_id TEXT PRIMARY KEY
                REFERENCES articles (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
            story_id TEXT NOT NULL
                REFERENCES stories (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
            added_at TEXT NOT NULL
        )""",
        "CREATE INDEX story_articles_story ON story_articles (story_id)",
        """CREATE TABLE ingest_failures (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            origin TEXT NOT NULL,
            reason TEXT NOT NULL,
            failed_at TEXT NOT NULL
        )""",
        """CREATE TABLE comparisons (
            story_id TEXT PRIMARY KEY
                REFERENCES stories (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
            members_hash TEXT NOT NULL,
            result TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE state (
            key TEXT PRIMARY KEY,
            value BLOB NOT NULL,
            seq INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL
        )""",
        "CREATE VIRTUAL TABLE articles_fts USING fts5 (title, text, content = 'articles', "
        "content_rowid = 'seq', tokenize = 'porter unicode61 remove_diacritics 2')",
        "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN "
        "INSERT INTO articles_fts (rowid, title, text) VALUES (new.seq, new.title, new.text); END",
        "CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN "
        "INSERT INTO articles_fts (articles_fts, rowid, title, text) "
        "VALUES ('delete', old.seq, old.title, old.text); END",
        "CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN "
        "INSERT INTO articles_fts (articles_fts, rowid, title, text) "
        "VALUES ('delete', old.seq, old.title, old.text); "
        "INSERT INTO articles_fts (rowid, title, text) VALUES (new.seq, new.title, new.text); END",
    ],
    2: [
        """CREATE TABLE regroup_pending (
            article_id TEXT PRIMARY KEY
                REFERENCES articles (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
        )""",
        FILL_REGROUP_PENDING,
    ],
}


class _Runner:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self._conn.execute(sql, tuple(params))


class SQLiteStore(SQLStore):
    """A corpus in one SQLite file (or in memory, for ``:memory:``)."""

    backend = "sqlite"

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__()
        self.path = str(path)
        self.url = self.path
        memory = self.path == ":memory:"
        try:
            if not memory:
                target = Path(self.path).expanduser()
                if target.is_dir():
                    raise StorageError("E060", url=self.path, reason="it is a folder")
                target.parent.mkdir(parents=True, exist_ok=True)
                self.path = str(target)
            self._conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                check_same_thread=False,
            )
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if not memory:
                mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise StorageError("E060", url=self.url, reason=f"journal mode {mode}")
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            with self._tx(write=True) as run:
                self._migrate(run)
        except sqlite3.Error as exc:
            if getattr(self, "_conn", None) is not None:
                self._conn.close()
            raise StorageError("E060", url=self.url, reason=str(exc)) from exc
        except OSError as exc:
            raise StorageError("E060", url=self.url, reason=exc.strerror or str(exc)) from exc

    def close(self) -> None:
        with self._mutex:
            self._conn.close()

    @contextmanager
    def _tx(self, *, write: bool) -> Iterator[SQLRunner]:
        with self._mutex:
            if self._conn.in_transaction:  # nested: part of the enclosing transaction
                yield _Runner(self._conn)
                return
            try:
                # IMMEDIATE takes the write lock up front, so a writer never fails half-way on
                # SQLITE_BUSY after reading; busy_timeout makes the wait for it patient.
                self._conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            except sqlite3.Error as exc:
                raise StorageError("E068", url=self.url, reason=str(exc)) from exc
            try:
                yield _Runner(self._conn)
            except (sqlite3.OperationalError, sqlite3.IntegrityError) as exc:
                self._conn.rollback()
                raise StorageError("E068", url=self.url, reason=str(exc)) from exc
            except BaseException:
                self._conn.rollback()
                raise
            try:
                self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                self._conn.rollback()
                raise StorageError("E068", url=self.url, reason=str(exc)) from exc

    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        """An exclusive ``flock`` on ``<file>.lock``: released by the OS if the process dies."""
        if self.path == ":memory:":
            yield
            return
        try:
            import fcntl
        except ImportError:  # not POSIX: SQLite's own locking still keeps each batch whole
            yield
            return
        with open(self.path + ".lock", "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def _now(self) -> str:
        return datetime.now(timezone.utc).isoformat(timespec="microseconds")

    def _ts(self, value: Any) -> str:
        return "" if value is None else str(value)

    def _json_param(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    def _json_value(self, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    def _search_hits_sql(self, search: str) -> tuple[str, list[Any]] | None:
        words = re.findall(r"\w+", search)
        if not words:
            return None
        # Each word quoted: FTS5 operators and punctuation in the user's text mean nothing.
        query = " ".join('"' + w.replace('"', "") + '"' for w in words)
        return (
            "SELECT m.story_id AS story_id, COUNT(*) AS hits FROM articles_fts "
            "JOIN articles a ON a.seq = articles_fts.rowid "
            "JOIN story_articles m ON m.article_id = COALESCE(a.duplicate_of, a.id) "
            "WHERE articles_fts MATCH ? GROUP BY m.story_id",
            [query],
        )

    def _migration(self, version: int) -> list[str]:
        return _MIGRATIONS[version]

    def _db_checks(self, run: SQLRunner) -> list[str]:
        problems = []
        result = [r[0] for r in run.execute("PRAGMA integrity_check").fetchall()]
        if result != ["ok"]:
            problems.append("integrity_check: " + "; ".join(map(str, result[:5])))
        bad = run.execute("PRAGMA foreign_key_check").fetchall()
        if bad:
            problems.append(f"foreign_key_check: {len(bad)} rows, e.g. {tuple(bad[0])}")
        try:
            run.execute(
                "INSERT INTO articles_fts (articles_fts, rank) VALUES ('integrity-check', 1)"
            )
        except sqlite3.DatabaseError as exc:
            problems.append(f"full-text index: {exc}")
        return problems
