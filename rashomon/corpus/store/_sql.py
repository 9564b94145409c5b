"""The SQL both backends share; each backend supplies its dialect through a few hooks.

Queries are written once, with ``?`` placeholders (PostgreSQL turns them into ``%s``), and only
in portable SQL: ``ON CONFLICT``, ``COALESCE``, ``UNION ALL``. What differs (the schema's types,
full-text search, locking, transactions, how timestamps and JSON travel) is in the subclasses.
"""

from __future__ import annotations

import json
from abc import abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from rashomon.corpus.store.base import (
    SCHEMA_VERSION,
    IndexedArticle,
    IngestFailure,
    NewArticle,
    Store,
    StoredArticle,
    StorySummary,
)
from rashomon.errors import NotFoundError, StorageError
from rashomon.model import Article

CHUNK = 500  # ids per IN (...) list: well under SQLite's and PostgreSQL's parameter limits
NO_LIMIT = 2**62

ARTICLE_COLUMNS = (
    "a.seq, a.id, a.fingerprint, a.source, a.title, a.url, a.published, a.published_from, "
    "a.language, a.origin, a.format, a.body_start, a.text, a.meta, a.ingested_at, a.duplicate_of"
)


#: Schema 2 fills ``regroup_pending`` from what schema 1 knew: the originals stored after the
#: ``seq`` up to which the ``grouping`` state says the stories were regrouped (all without it).
FILL_REGROUP_PENDING = (
    "INSERT INTO regroup_pending (article_id) SELECT a.id FROM articles a "
    "WHERE a.duplicate_of IS NULL AND a.seq > "
    "COALESCE((SELECT s.seq FROM state s WHERE s.key = 'grouping'), 0)"
)


class Cursor(Protocol):
    def execute(self, sql: str, params: Sequence[Any] = ...) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def marks(n: int) -> str:
    return ", ".join("?" * n)


def first_line(text: str | None, limit: int = 120) -> str | None:
    """The first non-blank line of ``text``, cut at ``limit`` characters on a word boundary."""
    line = next((ln.strip() for ln in (text or "").splitlines() if ln.strip()), "")
    if len(line) > limit:
        line = line[:limit].rsplit(" ", 1)[0] + "…"
    return line or None


class SQLStore(Store):
    """Everything but the dialect. Subclasses implement the hooks below."""

    # -- dialect hooks -------------------------------------------------------------------------
    @abstractmethod
    def _tx(self, *, write: bool) -> AbstractContextManager[SQLRunner]:
        """A transaction: committed when the block ends, rolled back when it raises."""

    @abstractmethod
    def _now(self) -> Any:
        """The current time as the backend's timestamp parameter."""

    @abstractmethod
    def _ts(self, value: Any) -> str:
        """A timestamp read back, as ISO 8601 text."""

    @abstractmethod
    def _json_param(self, value: Any) -> Any: ...

    @abstractmethod
    def _json_value(self, value: Any) -> Any: ...

    @abstractmethod
    def _search_hits_sql(self, search: str) -> tuple[str, list[Any]] | None:
        """SQL selecting ``(story_id, hits)`` for the stories whose articles match ``search``,
        or None when the search has no words."""

    @abstractmethod
    def _migration(self, version: int) -> list[str]:
        """The statements that bring the schema from ``version - 1`` to ``version``."""

    @abstractmethod
    def _db_checks(self, run: SQLRunner) -> list[str]:
        """The database engine's own consistency checks."""

    # -- schema --------------------------------------------------------------------------------
    def _migrate(self, run: SQLRunner) -> None:
        """Create or upgrade the schema; call inside a write transaction that serialises it."""
        run.execute(
            "CREATE TABLE IF NOT EXISTS schema_info (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
        )
        row = run.execute("SELECT value FROM schema_info WHERE key = 'version'").fetchone()
        version = int(row[0]) if row else 0
        if version > SCHEMA_VERSION:
            raise StorageError("E064", url=self.url, found=version, known=SCHEMA_VERSION)
        for target in range(version + 1, SCHEMA_VERSION + 1):
            for statement in self._migration(target):
                run.execute(statement)
            run.execute(
                "INSERT INTO schema_info (key, value) VALUES ('version', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [str(target)],
            )
        self._version = SCHEMA_VERSION

    @property
    def schema_version(self) -> int:
        with self._tx(write=False) as run:
            row = run.execute("SELECT value FROM schema_info WHERE key = 'version'").fetchone()
        return int(row[0]) if row else 0

    # -- ingest --------------------------------------------------------------------------------
    def known(
        self, ids: Sequence[str], fingerprints: Sequence[str]
    ) -> tuple[set[str], set[str]]:
        found_ids: set[str] = set()
        found_prints: set[str] = set()
        with self._tx(write=False) as run:
            for part in chunks(list(dict.fromkeys(ids))):
                rows = run.execute(
                    f"SELECT id FROM articles WHERE id IN ({marks(len(part))})", list(part)
                ).fetchall()
                found_ids.update(r[0] for r in rows)
            for part in chunks(list(dict.fromkeys(fingerprints))):
                rows = run.execute(
                    f"SELECT fingerprint FROM articles WHERE fingerprint IN ({marks(len(part))})",
                    list(part),
                ).fetchall()
                found_prints.update(r[0] for r in rows)
        return found_ids, found_prints

    def write_batch(
        self, articles: Sequence[NewArticle], failures: Sequence[IngestFailure] = ()
    ) -> set[str]:
        touched: set[str] = set()
        with self._tx(write=True) as run:
            now = self._now()
            for item in articles:
                a = item.article
                run.execute(
                    "INSERT INTO articles (id, fingerprint, source, title, url, published, "
                    "published_from, language, origin, format, body_start, text, meta, "
                    "ingested_at, duplicate_of) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [a.id, a.fingerprint, a.source, a.title, a.url, a.published,
                     a.published_from, a.language, a.origin, a.format, a.body_start, a.text,
                     self._json_param(a.meta), now, item.duplicate_of],
                )
                run.execute(
                    "INSERT INTO article_features (article_id, features, signature) "
                    "VALUES (?, ?, ?)",
                    [a.id, item.features, item.signature],
                )
                if item.story_id is not None:
                    self._ensure_story(run, item.story_id, now)
                    run.execute(
                        "INSERT INTO story_articles (article_id, story_id, added_at) "
                        "VALUES (?, ?, ?)",
                        [a.id, item.story_id, now],
                    )
                    # Its online story is provisional until a regrouping settles it; the
                    # record commits with the article, so no crash can lose the work.
                    run.execute("INSERT INTO regroup_pending (article_id) VALUES (?)", [a.id])
                    touched.add(item.story_id)
                # A near-duplicate changes neither its story's size, outlets and title nor what
                # gets reconciled, so its story is not touched and its cached comparison stays.
            self._insert_failures(run, failures, now)
            self._refresh_stories(run, touched, now)
        return touched

    def assign_stories(
        self, assignments: Mapping[str, str], *, settled: Iterable[str] = (),
        unsettle_all: bool = False, state: Mapping[str, tuple[bytes, int]] | None = None,
    ) -> set[str]:
        touched: set[str] = set()
        with self._tx(write=True) as run:
            now = self._now()
            # Only the rows of the articles named: a regrouped window costs the same in a
            # store of a thousand articles and of a million.
            current: dict[str, str] = {}
            for part in chunks(list(assignments)):
                current.update(run.execute(
                    "SELECT article_id, story_id FROM story_articles "
                    f"WHERE article_id IN ({marks(len(part))})", list(part),
                ).fetchall())
            moves = [(str(s), a) for a, s in assignments.items() if current.get(a) != str(s)]
            for story_id, article_id in moves:
                if article_id not in current:
                    continue  # not an original of this store: nothing to move
                self._ensure_story(run, story_id, now)
                run.execute(
                    "UPDATE story_articles SET story_id = ?, added_at = ? WHERE article_id = ?",
                    [story_id, now, article_id],
                )
                touched.update((story_id, current[article_id]))
            self._refresh_stories(run, touched, now)
            for part in chunks(list(dict.fromkeys(settled))):
                run.execute(
                    f"DELETE FROM regroup_pending WHERE article_id IN ({marks(len(part))})",
                    list(part),
                )
            if unsettle_all:
                run.execute(
                    "INSERT INTO regroup_pending (article_id) SELECT article_id "
                    "FROM story_articles WHERE 1 = 1 ON CONFLICT (article_id) DO NOTHING"
                )
            for key, (value, seq) in (state or {}).items():
                self._put_state(run, key, value, seq, now)
        return touched

    def pending_regroup(self, limit: int | None = None) -> list[str]:
        with self._tx(write=False) as run:
            rows = run.execute(
                # Driven by the (small) pending table, each row's seq looked up by id: a join
                # ordered by seq would walk every article of the store.
                "SELECT p.article_id FROM regroup_pending p "
                "WHERE EXISTS (SELECT 1 FROM articles a WHERE a.id = p.article_id) "
                "ORDER BY (SELECT a.seq FROM articles a WHERE a.id = p.article_id) LIMIT ?",
                [NO_LIMIT if limit is None else max(0, limit)],
            ).fetchall()
        return [r[0] for r in rows]

    def record_failures(self, failures: Sequence[IngestFailure]) -> None:
        if failures:
            with self._tx(write=True) as run:
                self._insert_failures(run, failures, self._now())

    def _insert_failures(
        self, run: SQLRunner, failures: Sequence[IngestFailure], now: Any
    ) -> None:
        for failure in failures:
            run.execute(
                "INSERT INTO ingest_failures (origin, reason, failed_at) VALUES (?, ?, ?)",
                [failure.origin, failure.reason, now],
            )

    def _ensure_story(self, run: SQLRunner, story_id: str, now: Any) -> None:
        run.execute(
            "INSERT INTO stories (id, created_at, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (id) DO NOTHING",
            [story_id, now, now],
        )

    def _refresh_stories(self, run: SQLRunner, story_ids: Iterable[str], now: Any) -> None:
        """Recompute the listed stories' title, size, outlets and newest date; drop empty ones.

        The cached comparisons of these stories are dropped too: their member hash no longer
        matches, so they could never be served again and would only take room.
        """
        ids = sorted(set(story_ids))
        members: dict[str, list[tuple[Any, ...]]] = {s: [] for s in ids}
        for part in chunks(ids):
            rows = run.execute(
                "SELECT m.story_id, a.title, a.source, a.published, a.ingested_at, "
                "substr(a.text, 1, 300) "
                "FROM story_articles m JOIN articles a ON a.id = m.article_id "
                f"WHERE m.story_id IN ({marks(len(part))}) ORDER BY a.seq",
                list(part),
            ).fetchall()
            for row in rows:
                members[row[0]].append(row[1:])
            run.execute(
                f"DELETE FROM comparisons WHERE story_id IN ({marks(len(part))})", list(part)
            )
        for story_id, rows in members.items():
            if not rows:
                run.execute("DELETE FROM stories WHERE id = ?", [story_id])
                continue
            # The first report's headline; else the first line of its text (a plain text file
            # has no headline field), so that no story is listed untitled.
            title = next((r[0] for r in rows if r[0]), None) or first_line(rows[0][4])
            sources = list(dict.fromkeys(r[1] for r in rows if r[1]))
            latest = max((r[2] or self._ts(r[3])) for r in rows)
            run.execute(
                "UPDATE stories SET title = ?, size = ?, sources = ?, latest = ?, updated_at = ? "
                "WHERE id = ?",
                [title, len(rows), self._json_param(sources), latest, now, story_id],
            )

    def iter_indexed(self, after_seq: int = 0) -> Iterator[IndexedArticle]:
        last = after_seq
        while True:
            with self._tx(write=False) as run:
                rows = run.execute(
                    "SELECT a.seq, a.id, a.duplicate_of, f.features, f.signature, m.story_id "
                    "FROM articles a JOIN article_features f ON f.article_id = a.id "
                    "LEFT JOIN story_articles m ON m.article_id = a.id "
                    "WHERE a.seq > ? ORDER BY a.seq LIMIT 1000",
                    [last],
                ).fetchall()
            if not rows:
                return
            for seq, id_, dup, features, signature, story_id in rows:
                yield IndexedArticle(
                    seq=int(seq), id=id_, features=bytes(features), signature=bytes(signature),
                    duplicate_of=dup, story_id=story_id,
                )
            last = int(rows[-1][0])

    def max_seq(self) -> int:
        with self._tx(write=False) as run:
            row = run.execute("SELECT MAX(seq) FROM articles").fetchone()
        return int(row[0] or 0)

    def get_state(self, key: str) -> tuple[bytes, int] | None:
        with self._tx(write=False) as run:
            row = run.execute("SELECT value, seq FROM state WHERE key = ?", [key]).fetchone()
        return (bytes(row[0]), int(row[1])) if row else None

    def put_state(self, key: str, value: bytes, seq: int) -> None:
        with self._tx(write=True) as run:
            self._put_state(run, key, value, seq, self._now())

    def _put_state(self, run: SQLRunner, key: str, value: bytes, seq: int, now: Any) -> None:
        run.execute(
            "INSERT INTO state (key, value, seq, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value, seq = excluded.seq, "
            "updated_at = excluded.updated_at",
            [key, value, seq, now],
        )

    # -- reading -------------------------------------------------------------------------------
    def count_articles(self, *, include_duplicates: bool = True) -> int:
        where = "" if include_duplicates else " WHERE duplicate_of IS NULL"
        with self._tx(write=False) as run:
            return int(run.execute(f"SELECT COUNT(*) FROM articles{where}").fetchone()[0])

    def count_stories(self, search: str | None = None) -> int:
        with self._tx(write=False) as run:
            if search is None:
                return int(run.execute("SELECT COUNT(*) FROM stories").fetchone()[0])
            hits = self._search_hits_sql(search)
            if hits is None:
                return 0
            sql, params = hits
            return int(run.execute(f"SELECT COUNT(*) FROM ({sql}) h", params).fetchone()[0])

    def stories(
        self, limit: int | None = None, offset: int = 0, search: str | None = None
    ) -> list[StorySummary]:
        limit = NO_LIMIT if limit is None else max(0, limit)
        offset = max(0, offset)
        columns = "s.id, s.title, s.size, s.sources, s.created_at, s.updated_at, s.latest"
        with self._tx(write=False) as run:
            if search is None:
                rows = run.execute(
                    f"SELECT {columns} FROM stories s "
                    "ORDER BY s.size DESC, s.latest DESC, s.id LIMIT ? OFFSET ?",
                    [limit, offset],
                ).fetchall()
            else:
                hits = self._search_hits_sql(search)
                if hits is None:
                    return []
                sql, params = hits
                rows = run.execute(
                    f"SELECT {columns} FROM stories s JOIN ({sql}) h ON h.story_id = s.id "
                    "ORDER BY h.hits DESC, s.size DESC, s.latest DESC, s.id LIMIT ? OFFSET ?",
                    [*params, limit, offset],
                ).fetchall()
            everything = search is None and offset == 0 and len(rows) < limit
            return self._summaries(run, rows, everything=everything)

    def story(self, story_id: str) -> StorySummary:
        with self._tx(write=False) as run:
            rows = run.execute(
                "SELECT s.id, s.title, s.size, s.sources, s.created_at, s.updated_at, s.latest "
                "FROM stories s WHERE s.id = ?",
                [str(story_id)],
            ).fetchall()
            if not rows:
                raise NotFoundError("E061", id=str(story_id))
            return self._summaries(run, rows, everything=False)[0]

    def _summaries(
        self, run: SQLRunner, rows: list[Any], *, everything: bool
    ) -> list[StorySummary]:
        """Summaries for story rows, with their article ids fetched in a few queries."""
        summaries = {
            r[0]: StorySummary(
                id=r[0], title=r[1], size=int(r[2]), sources=list(self._json_value(r[3]) or []),
                articles=[], created_at=self._ts(r[4]), updated_at=self._ts(r[5]), latest=r[6],
            )
            for r in rows
        }
        members: list[tuple[Any, ...]] = []
        union = (
            "SELECT m.story_id, a.seq, a.id, a.duplicate_of FROM story_articles m "
            "JOIN articles a ON a.id = m.article_id{where} UNION ALL "
            "SELECT m.story_id, d.seq, d.id, d.duplicate_of FROM story_articles m "
            "JOIN articles d ON d.duplicate_of = m.article_id{where}"
        )
        if everything:  # the whole corpus: one pass, no id lists
            members = run.execute(union.format(where="") + " ORDER BY 2").fetchall()
        else:
            for part in chunks(list(summaries)):
                where = f" WHERE m.story_id IN ({marks(len(part))})"
                members += run.execute(
                    union.format(where=where) + " ORDER BY 2", [*part, *part]
                ).fetchall()
        for story_id, _seq, article_id, duplicate_of in sorted(members, key=lambda m: m[1]):
            summary = summaries.get(story_id)
            if summary is None:
                continue
            summary.articles.append(article_id)
            if duplicate_of is not None:
                summary.duplicates[article_id] = duplicate_of
        return list(summaries.values())

    def story_articles(
        self, story_id: str, *, include_duplicates: bool = False
    ) -> list[StoredArticle]:
        with self._tx(write=False) as run:
            exists = run.execute("SELECT 1 FROM stories WHERE id = ?", [str(story_id)])
            if exists.fetchone() is None:
                raise NotFoundError("E061", id=str(story_id))
            sql = (
                f"SELECT {ARTICLE_COLUMNS}, m.story_id FROM story_articles m "
                "JOIN articles a ON a.id = m.article_id WHERE m.story_id = ?"
            )
            params = [str(story_id)]
            if include_duplicates:
                sql += (
                    f" UNION ALL SELECT {ARTICLE_COLUMNS}, m.story_id FROM story_articles m "
                    "JOIN articles a ON a.duplicate_of = m.article_id WHERE m.story_id = ?"
                )
                params.append(str(story_id))
            rows = run.execute(sql + " ORDER BY 1", params).fetchall()
        return [self._stored(row) for row in rows]

    def article(self, article_id: str) -> StoredArticle:
        with self._tx(write=False) as run:
            row = run.execute(
                f"SELECT {ARTICLE_COLUMNS}, m.story_id FROM articles a "
                "LEFT JOIN story_articles m ON m.article_id = COALESCE(a.duplicate_of, a.id) "
                "WHERE a.id = ?",
                [article_id],
            ).fetchone()
        if row is None:
            raise NotFoundError("E062", id=article_id)
        return self._stored(row)

    def _stored(self, row: Sequence[Any]) -> StoredArticle:
        (seq, id_, fingerprint, source, title, url, published, published_from, language, origin,
         fmt, body_start, text, meta, ingested_at, duplicate_of, story_id) = row
        article = Article(
            id=id_, text=text, title=title, source=source, url=url, published=published,
            published_from=published_from, language=language, origin=origin, format=fmt,
            body_start=int(body_start), meta=dict(self._json_value(meta) or {}),
        )
        return StoredArticle(
            article=article, seq=int(seq), fingerprint=fingerprint,
            ingested_at=self._ts(ingested_at), story_id=story_id, duplicate_of=duplicate_of,
        )

    def failures(self, limit: int = 100) -> list[IngestFailure]:
        with self._tx(write=False) as run:
            rows = run.execute(
                "SELECT origin, reason, failed_at FROM ingest_failures ORDER BY id DESC LIMIT ?",
                [limit],
            ).fetchall()
        return [IngestFailure(origin=r[0], reason=r[1], failed_at=self._ts(r[2])) for r in rows]

    # -- comparison cache ----------------------------------------------------------------------
    def cached_comparison(self, story_id: str, members_hash: str) -> str | None:
        with self._tx(write=False) as run:
            row = run.execute(
                "SELECT result FROM comparisons WHERE story_id = ? AND members_hash = ?",
                [str(story_id), members_hash],
            ).fetchone()
        if row is None:
            return None
        value = row[0]
        return value if isinstance(value, str) else json.dumps(value)

    def put_comparison(self, story_id: str, members_hash: str, result_json: str) -> None:
        with self._tx(write=True) as run:
            run.execute(
                "INSERT INTO comparisons (story_id, members_hash, result, created_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (story_id) DO UPDATE SET "
                "members_hash = excluded.members_hash, result = excluded.result, "
                "created_at = excluded.created_at",
                [str(story_id), members_hash, result_json, self._now()],
            )

    # -- upkeep --------------------------------------------------------------------------------
    def check_integrity(self) -> list[str]:
        problems: list[str] = []
        checks = {
            "articles without features": (
                "SELECT a.id FROM articles a LEFT JOIN article_features f ON f.article_id = a.id "
                "WHERE f.article_id IS NULL"
            ),
            "originals in no story": (
                "SELECT a.id FROM articles a LEFT JOIN story_articles m ON m.article_id = a.id "
                "WHERE a.duplicate_of IS NULL AND m.article_id IS NULL"
            ),
            "near-duplicates with a story of their own": (
                "SELECT a.id FROM articles a JOIN story_articles m ON m.article_id = a.id "
                "WHERE a.duplicate_of IS NOT NULL"
            ),
            "near-duplicates of a missing or non-original article": (
                "SELECT a.id FROM articles a LEFT JOIN articles o ON o.id = a.duplicate_of "
                "WHERE a.duplicate_of IS NOT NULL AND (o.id IS NULL OR o.duplicate_of IS NOT NULL)"
            ),
            "memberships of missing stories": (
                "SELECT m.article_id FROM story_articles m LEFT JOIN stories s "
                "ON s.id = m.story_id WHERE s.id IS NULL"
            ),
            "near-duplicates waiting to be regrouped": (
                "SELECT a.id FROM regroup_pending p JOIN articles a ON a.id = p.article_id "
                "WHERE a.duplicate_of IS NOT NULL"
            ),
            "stories whose size is wrong": (
                "SELECT s.id FROM stories s WHERE s.size <> "
                "(SELECT COUNT(*) FROM story_articles m WHERE m.story_id = s.id)"
            ),
        }
        with self._tx(write=False) as run:
            problems += self._db_checks(run)
            for what, sql in checks.items():
                rows = run.execute(sql + " LIMIT 6").fetchall()
                if rows:
                    shown = ", ".join(str(r[0]) for r in rows[:5])
                    more = ", ..." if len(rows) > 5 else ""
                    problems.append(f"{what}: {shown}{more}")
        return problems


class SQLRunner(Protocol):
    """What a transaction hands to the shared code: ``execute(sql, params)`` with ``?`` marks."""

    def execute(self, sql: str, params: Sequence[Any] = ...) -> Cursor: ...
