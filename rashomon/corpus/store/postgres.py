"""The PostgreSQL store (psycopg 3): for a corpus shared by several users, workers or services.

Tables live in the connection's current schema, so one database can hold several corpora
(``postgresql://host/db?options=-csearch_path%3Dnews``). Timestamps are ``timestamptz``, metadata
``jsonb``, blobs ``bytea``; full-text search is a stored ``tsvector`` column with a GIN index.
Writers take turns through a session advisory lock, released by the server if the process dies.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from rashomon.corpus.store._sql import FILL_REGROUP_PENDING, SQLRunner, SQLStore
from rashomon.errors import ConfigurationError, StorageError

# Full-text configuration: English stemming, like the SQLite store's porter tokenizer.
TS_CONFIG = "english"
# to_tsvector fails past 1 MB of lexemes; no news article comes near this many characters.
TS_MAX_CHARS = 300_000

_MIGRATIONS: dict[int, list[str]] = {
    1: [
        f"""CREATE TABLE articles (
            seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
            meta JSONB NOT NULL DEFAULT '{{}}'::jsonb,
            ingested_at TIMESTAMPTZ NOT NULL,
            duplicate_of TEXT REFERENCES articles (id) DEFERRABLE INITIALLY DEFERRED,
            search TSVECTOR GENERATED ALWAYS AS (
                to_tsvector('{TS_CONFIG}'::regconfig,
                            left(coalesce(title, '') || ' ' || text, {TS_MAX_CHARS}))
            ) STORED
        )""",
        "CREATE INDEX articles_duplicate_of ON articles (duplicate_of) "
        "WHERE duplicate_of IS NOT NULL",
        "CREATE INDEX articles_url ON articles (url) WHERE url IS NOT NULL",
        "CREATE INDEX articles_search ON articles USING GIN (search)",
        """CREATE TABLE article_features (
            article_id TEXT PRIMARY KEY
                REFERENCES articles (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
            features BYTEA NOT NULL,
            signature BYTEA NOT NULL
        )""",
        """CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            title TEXT,
            size INTEGER NOT NULL DEFAULT 0,
            sources JSONB NOT NULL DEFAULT '[]'::jsonb,
            latest TEXT,
            created_at TIMESTAMPTZ NOT NULL,
            updated_at TIMESTAMPTZ NOT NULL
        )""",
        "CREATE INDEX stories_listing ON stories (size DESC, latest DESC, id)",
        """CREATE TABLE story_articles (
            article_id TEXT PRIMARY KEY
                REFERENCES articles (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
            story_id TEXT NOT NULL
                REFERENCES stories (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
            added_at TIMESTAMPTZ NOT NULL
        )""",
        "CREATE INDEX story_articles_story ON story_articles (story_id)",
        """CREATE TABLE ingest_failures (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            origin TEXT NOT NULL,
            reason TEXT NOT NULL,
            failed_at TIMESTAMPTZ NOT NULL
        )""",
        """CREATE TABLE comparisons (
            story_id TEXT PRIMARY KEY
                REFERENCES stories (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
            members_hash TEXT NOT NULL,
            result TEXT NOT NULL,
            created_at TIMESTAMPTZ NOT NULL
        )""",
        """CREATE TABLE state (
            key TEXT PRIMARY KEY,
            value BYTEA NOT NULL,
            seq BIGINT NOT NULL DEFAULT 0,
            updated_at TIMESTAMPTZ NOT NULL
        )""",
    ],
    2: [
        """CREATE TABLE regroup_pending (
            article_id TEXT PRIMARY KEY
                REFERENCES articles (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
        )""",
        FILL_REGROUP_PENDING,
    ],
}


def redact(url: str) -> str:
    """The address without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))


class _Runner:
    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        # The shared SQL uses ? marks and never a literal ? or %: translate to psycopg's %s.
        return self._conn.execute(sql.replace("?", "%s"), list(params), prepare=False)


class PostgresStore(SQLStore):
    """A corpus in a PostgreSQL database (the tables go in the current schema)."""

    backend = "postgresql"

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = redact(url)
        try:
            import psycopg
        except ImportError as exc:
            raise ConfigurationError("E065", url=self.url) from exc
        self._psycopg = psycopg
        try:
            self._conn = psycopg.connect(url, autocommit=True, connect_timeout=15)
        except psycopg.Error as exc:
            raise StorageError("E060", url=self.url, reason=_one_line(exc)) from exc
        try:
            with self._tx(write=True) as run:
                # Two processes opening a new database at once must not both create the tables.
                run.execute(
                    "SELECT pg_advisory_xact_lock(hashtext(current_schema() || '/rashomon-schema'))"
                )
                self._migrate(run)
        except psycopg.Error as exc:
            self._conn.close()
            raise StorageError("E060", url=self.url, reason=_one_line(exc)) from exc
        except BaseException:
            self._conn.close()
            raise

    def close(self) -> None:
        with self._mutex:
            self._conn.close()

    @contextmanager
    def _tx(self, *, write: bool) -> Iterator[SQLRunner]:
        psycopg = self._psycopg
        with self._mutex:
            if self._conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                yield _Runner(self._conn)  # nested: part of the enclosing transaction
                return
            try:
                with self._conn.transaction():
                    if not write:  # one consistent snapshot for the several queries of a read
                        self._conn.execute(
                            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"
                        )
                    yield _Runner(self._conn)
            except psycopg.OperationalError as exc:
                raise StorageError("E068", url=self.url, reason=_one_line(exc)) from exc
            except psycopg.IntegrityError as exc:
                raise StorageError("E068", url=self.url, reason=_one_line(exc)) from exc

    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        """A session advisory lock per schema: the server drops it if the connection dies."""
        key = "SELECT hashtext(current_schema() || '/rashomon-writer')"
        with self._mutex:
            self._conn.execute(f"SELECT pg_advisory_lock(({key}))")
        try:
            yield
        finally:
            with self._mutex:
                if not self._conn.closed:
                    self._conn.execute(f"SELECT pg_advisory_unlock(({key}))")

    def _now(self) -> datetime:
        return datetime.now(timezone.utc)

    def _ts(self, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            return value.astimezone(timezone.utc).isoformat(timespec="microseconds")
        return str(value)

    def _json_param(self, value: Any) -> Any:
        from psycopg.types.json import Jsonb

        return Jsonb(value)

    def _json_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return json.loads(value)
        return value

    def _search_hits_sql(self, search: str) -> tuple[str, list[Any]] | None:
        words = re.findall(r"\w+", search)
        if not words:
            return None
        return (
            "SELECT m.story_id AS story_id, COUNT(*) AS hits FROM articles a "
            "JOIN story_articles m ON m.article_id = COALESCE(a.duplicate_of, a.id) "
            f"WHERE a.search @@ plainto_tsquery('{TS_CONFIG}'::regconfig, ?) "
            "GROUP BY m.story_id",
            [" ".join(words)],
        )

    def _migration(self, version: int) -> list[str]:
        return _MIGRATIONS[version]

    def _db_checks(self, run: SQLRunner) -> list[str]:
        return []  # PostgreSQL enforces its constraints itself; nothing cheap to add here


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
