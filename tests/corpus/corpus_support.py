"""Fixtures for the corpus tests: both store backends, a throw-away PostgreSQL, cheap components.

PostgreSQL: ``RASHOMON_TEST_POSTGRES_URL`` when set; else a temporary cluster made with Debian's
``initdb``/``pg_ctl`` (run as the ``postgres`` user when the tests run as root), listening on a
Unix socket in a temporary folder; else the PostgreSQL tests are skipped, or FAIL when
``RASHOMON_REQUIRE_POSTGRES=1`` (CI sets it). Each test gets its own schema.

Components: the pipeline's real parts (``rashomon.readers``, ``rashomon.corpus.features``,
``dedup``, ``clustering``) are used when they are importable, with a hashing embedder instead of
the sentence model so that the tests stay fast; stand-ins implementing the same interfaces are
used until they exist. This file is also imported by the subprocess that the kill-and-resume
test starts (see :func:`install_fallbacks`).
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
import time
import types
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]


# -- PostgreSQL ----------------------------------------------------------------------------------
def _skip_or_fail(reason: str) -> None:
    if os.environ.get("RASHOMON_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"RASHOMON_REQUIRE_POSTGRES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


def _pg_bindir() -> Path | None:
    def version(path: str) -> float:
        match = re.search(r"/postgresql/([\d.]+)/", path)
        return float(match.group(1)) if match else 0.0

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class TempCluster:
    """A PostgreSQL cluster in a temporary folder, reachable only through its Unix socket."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="rashomon-pg-"))
        self.data = self.root / "data"
        self.port = 5432  # the socket lives in our own folder, so no port can clash
        self.prefix: list[str] = []
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            import pwd

            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError("running as root and there is no 'postgres' user") from None
            os.chown(self.root, user.pw_uid, user.pw_gid)
            runuser = shutil.which("runuser")
            self.prefix = [runuser, "-u", "postgres", "--"] if runuser else [
                "su", "postgres", "-s", "/bin/sh", "-c"
            ]

    def _run(self, *args: str) -> None:
        command = [str(a) for a in args]
        if self.prefix[:1] == ["su"]:
            command = [*self.prefix, " ".join(map(_quote, command))]
        else:
            command = [*self.prefix, *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {done.stderr.strip() or done.stdout.strip()}")

    def start(self) -> str:
        self._run(self.bindir / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust",
                  "-E", "UTF8", "--locale=C", "--no-sync")
        options = (f"-k {self.root} -p {self.port} -c listen_addresses='' -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        self._run(self.bindir / "pg_ctl", "-D", self.data, "-l", self.root / "log", "-w",
                  "-t", "60", "-o", options, "start")
        return f"postgresql://postgres@/postgres?host={self.root}&port={self.port}"

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._run(self.bindir / "pg_ctl", "-D", self.data, "-m", "immediate", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The address of a PostgreSQL server the tests may create schemas in."""
    url = os.environ.get("RASHOMON_TEST_POSTGRES_URL", "").strip()
    try:
        import psycopg  # noqa: F401
    except ImportError:
        _skip_or_fail("psycopg is not installed (pip install 'rashomon[postgres]')")
    if url:
        yield url
        return
    bindir = _pg_bindir()
    if bindir is None:
        _skip_or_fail("no PostgreSQL server binaries (apt-get install postgresql) and "
                      "RASHOMON_TEST_POSTGRES_URL is not set")
    cluster = TempCluster(bindir)  # type: ignore[arg-type]
    try:
        url = cluster.start()
    except Exception as exc:
        cluster.stop()
        _skip_or_fail(f"could not start a temporary PostgreSQL: {exc}")
    try:
        yield url
    finally:
        cluster.stop()


def with_schema(url: str, schema: str) -> str:
    """``url`` with the search path set to ``schema`` (where the store creates its tables)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "options"]
    query.append(("options", f"-csearch_path={schema}"))
    return urlunsplit(parts._replace(query=urlencode(query)))


@contextlib.contextmanager
def pg_schema(url: str) -> Iterator[str]:
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield with_schema(url, schema)
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store address on each backend."""
    if request.param == "sqlite":
        yield str(tmp_path / "corpus.sqlite3")
        return
    url = request.getfixturevalue("postgres_url")
    with pg_schema(url) as schema_url:
        yield schema_url


@pytest.fixture
def store(store_url: str) -> Iterator[Any]:
    from rashomon.corpus.store import open_store

    opened = open_store(store_url)
    try:
        yield opened
    finally:
        opened.close()


# -- cheap components --------------------------------------------------------------------------
WORD = re.compile(r"\w+")


def _hash_vector(text: str, dim: int = 256) -> np.ndarray:
    vector = np.zeros(dim, dtype=np.float32)
    for word in WORD.findall(text.lower()):
        if len(word) > 3:
            h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
            vector[h % dim] += 1.0
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


class HashEmbedder:
    """A bag-of-words hashing "embedder": same words, same direction; instant, no model."""

    name = "hash-bow"
    dim = 256

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([_hash_vector(t, self.dim) for t in texts]) if texts else np.zeros(
            (0, self.dim), dtype=np.float32
        )


@dataclass
class FakeFeatures:
    """Stand-in for ``ArticleFeatures`` until ``rashomon.corpus.features`` lands."""

    id: str
    vector: np.ndarray
    keys: list[str] = field(default_factory=list)
    published: str | None = None

    def to_bytes(self) -> bytes:
        head = json.dumps({"id": self.id, "keys": self.keys, "published": self.published})
        return head.encode() + b"\n" + self.vector.astype(np.float32).tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> FakeFeatures:
        head, _, vector = data.partition(b"\n")
        meta = json.loads(head)
        return cls(meta["id"], np.frombuffer(vector, dtype=np.float32).copy(), meta["keys"],
                   meta["published"])


class FakeExtractor:
    calls = 0

    def __init__(self, embedder: Any = None) -> None:
        self.embedder = embedder or HashEmbedder()

    def extract(self, articles: Sequence[Any]) -> list[FakeFeatures]:
        FakeExtractor.calls += 1
        vectors = self.embedder.encode([f"{a.title or ''} {a.text}" for a in articles])
        return [
            FakeFeatures(a.id, v, [], a.published)
            for a, v in zip(articles, vectors, strict=True)
        ]


class FakeDedup:
    """Stand-in for ``NearDuplicateIndex``: Jaccard similarity of word 3-shingles."""

    def __init__(self, threshold: float = 0.8) -> None:
        self.threshold = threshold
        self.items: dict[str, set[str]] = {}

    def signature(self, text: str) -> bytes:
        words = WORD.findall(text.lower())
        shingles = {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}
        return "\n".join(sorted(shingles)).encode()

    def add(self, article_id: str, signature: bytes) -> str | None:
        mine = set(signature.decode().split("\n"))
        match = None
        for other, theirs in self.items.items():
            if len(mine & theirs) / max(1, len(mine | theirs)) >= self.threshold:
                match = other
                break
        self.items[article_id] = mine
        return match

    def remove(self, article_id: str) -> None:
        self.items.pop(article_id, None)


class FakeClusterer:
    """Stand-in for ``StoryClusterer``: single pass, cosine to the story's first article."""

    def __init__(self, threshold: float = 0.6) -> None:
        self.threshold = threshold
        self.heads: dict[str, np.ndarray] = {}
        self.members: dict[str, str] = {}
        self.order: list[FakeFeatures] = []

    def add(self, features: FakeFeatures) -> str:
        self.order.append(features)
        best, score = None, self.threshold
        for story, head in self.heads.items():
            value = float(np.dot(head, features.vector))
            if value >= score:
                best, score = story, value
        if best is None:
            best = str(len(self.heads) + 1)
            self.heads[best] = features.vector
        self.members[features.id] = best
        return best

    def add_many(self, features: Sequence[FakeFeatures]) -> list[str]:
        return [self.add(f) for f in features]

    def story_of(self, article_id: str) -> str:
        return self.members[article_id]

    def stories(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for article, story in self.members.items():
            out.setdefault(story, []).append(article)
        return out

    def recluster(self) -> None:
        """Regroup from scratch, the newest first (so that some assignments change)."""
        order = list(reversed(self.order))
        self.heads, self.members, self.order = {}, {}, []
        for f in order:
            self.add(f)

    def to_bytes(self) -> bytes:
        return pickle.dumps((self.threshold, self.heads, self.members, self.order))

    @classmethod
    def from_bytes(cls, data: bytes) -> FakeClusterer:
        clusterer = cls()
        clusterer.threshold, clusterer.heads, clusterer.members, clusterer.order = pickle.loads(
            data
        )
        return clusterer


def fake_iter_reports(inputs: Sequence[str], *, max_bytes: int = 20_000_000,
                      allow_private: bool = False, fetcher: Any = None) -> Iterator[Any]:
    """Stand-in for ``rashomon.readers.iter_reports``: JSONL files and folders of them."""
    from rashomon.model import Article

    @dataclass
    class ReadResult:
        origin: str
        article: Any = None
        error: str | None = None
        skipped: str | None = None

    paths: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            paths += sorted(p for p in path.rglob("*") if p.is_file())
        elif path.exists():
            paths.append(path)
        else:
            yield ReadResult(str(path), error=f"[E007] {path}: no such file or folder")
    for path in paths:
        if path.suffix != ".jsonl":
            yield ReadResult(str(path), skipped="not JSONL")
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            origin = f"{path}:{number}"
            try:
                record = json.loads(line)
            except ValueError as exc:
                yield ReadResult(origin, error=f"[E006] {path}, line {number}: {exc}")
                continue
            yield ReadResult(origin, Article(
                id=record.get("id") or origin, text=record["text"], title=record.get("title"),
                source=record.get("source"), url=record.get("url"),
                published=record.get("published"), origin=origin, format="jsonl",
            ))


def real_or_fake() -> dict[str, bool]:
    """Which real components exist (the rest get stand-ins)."""
    found = {}
    for module, name in [("rashomon.readers", "iter_reports"),
                         ("rashomon.corpus.features", "FeatureExtractor"),
                         ("rashomon.corpus.dedup", "NearDuplicateIndex"),
                         ("rashomon.corpus.clustering", "StoryClusterer")]:
        try:
            found[module] = hasattr(__import__(module, fromlist=[name]), name)
        except ImportError:
            found[module] = False
    return found


def make_toolkit() -> Any:
    """The pipeline with real parts where they exist, a hashing embedder, stand-ins otherwise."""
    from rashomon.corpus.ingest import Toolkit

    have = real_or_fake()
    kit = Toolkit()
    if not have["rashomon.readers"]:
        kit.read = fake_iter_reports
    if have["rashomon.corpus.features"]:
        from rashomon.corpus.features import FeatureExtractor

        kit.extractor = FeatureExtractor(embedder=HashEmbedder())
    else:
        kit.extractor = FakeExtractor()
        kit.features_from_bytes = FakeFeatures.from_bytes
    if not have["rashomon.corpus.dedup"]:
        kit.make_dedup = FakeDedup
    if not have["rashomon.corpus.clustering"]:
        kit.make_clusterer = FakeClusterer
        kit.load_clusterer = FakeClusterer.from_bytes
    return kit


def stand_in_toolkit() -> Any:
    """The pipeline with the stand-in extractor and clusterer, whatever exists: deterministic
    whatever the batch boundaries, and its regrouping (``recluster``) always renumbers the
    stories, so a test can tell a regrouped corpus from one left with its online stories."""
    kit = make_toolkit()
    kit.extractor = FakeExtractor()
    kit.features_from_bytes = FakeFeatures.from_bytes
    kit.make_clusterer = FakeClusterer
    kit.load_clusterer = FakeClusterer.from_bytes
    return kit


def install_fallbacks() -> None:
    """Make ``rashomon.cli`` importable while modules it names are still being written, and
    give the pipeline cheap parts (used in-process and by the subprocess driver)."""
    for name in ("compare", "evaluate"):
        if not (REPO / "rashomon" / "cli" / f"{name}.py").exists():
            sys.modules.setdefault(f"rashomon.cli.{name}", types.ModuleType(f"rashomon.cli.{name}"))
    from rashomon.corpus import ingest

    ingest.default_toolkit = make_toolkit


@pytest.fixture
def toolkit() -> Any:
    return make_toolkit()


# -- generated news ------------------------------------------------------------------------------
TOPICS = [
    ("flood", "river levee evacuation rainfall rescue villagers overflow dam waters"),
    ("election", "ballots candidate turnout polling campaign votes precinct recount"),
    ("earthquake", "magnitude tremor epicenter aftershock rubble seismic collapsed quake"),
    ("merger", "acquisition shareholders billion takeover antitrust deal regulators merger"),
    ("summit", "leaders diplomats communique summit negotiators treaty delegation talks"),
    ("wildfire", "blaze firefighters acres containment evacuations embers smoke wildfire"),
]
FILLER = "officials said the situation remained unclear while reporters gathered more details"


def make_article(topic: int, n: int, *, seed: int | None = None) -> dict[str, Any]:
    """A generated report on one of :data:`TOPICS`; different ``n`` gives a different text
    (shuffled words: same story, never a near-duplicate)."""
    import random

    name, words = TOPICS[topic % len(TOPICS)]
    rng = random.Random(seed if seed is not None else topic * 100_003 + n)
    vocab = words.split() * 4 + FILLER.split()
    rng.shuffle(vocab)
    sentences = [" ".join(vocab[i : i + 9]).capitalize() + "." for i in range(0, len(vocab), 9)]
    return {
        "id": f"{name}-{n}",
        "title": f"{name.title()} report {n}: {' '.join(words.split()[:3])}",
        "source": f"Outlet {n % 7}",
        "published": f"2026-01-{1 + topic:02d}",
        "text": f"Report {n} ({rng.random():.6f}). " + " ".join(sentences),
    }


def write_jsonl(path: Path, records: Sequence[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def wait_for(predicate: Any, timeout: float = 60.0, every: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False
