"""Helpers of the web service tests: a quick stand-in reconciler, apps and clients on loopback
and from elsewhere, sample reports, and a live server for the browser tests.

The stand-in reconciler (:class:`SentenceReconciler`) calls a sentence corroborated when the
same sentence (case and punctuation aside) is in several reports and single-source otherwise,
with exact evidence spans, a brief and entities: enough for every page and endpoint to have
real content, in milliseconds, without models. Tests marked ``slow`` use the real one.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rashomon.errors import InputError
from rashomon.model import (
    Article,
    BriefSentence,
    Comparison,
    Entity,
    EventActor,
    Quote,
    Span,
    StoredFraming,
    StoryEvent,
    StoryFact,
)

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "petro-trump"
EXAMPLE_FILES = [EXAMPLE / "000_49d5f86acb913825.txt", EXAMPLE / "002_2cdc4485174d466e.txt"]
TOKEN = "test-token-5f2c"
LOOPBACK = ("127.0.0.1", 51000)
REMOTE = ("203.0.113.9", 51000)

_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
_NAME = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)*")
_QUOTE = re.compile(r"[“\"]([^”\"]{3,200})[”\"]")


def _norm(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


class SentenceReconciler:
    """A stand-in for :class:`rashomon.reconcile.Reconciler` (same ``load``/``compare``).

    ``gate``: compare waits for it (to hold a job in the queue); ``fail``: compare raises it.
    """

    name = "sentence stand-in"

    def __init__(self, *, gate: threading.Event | None = None,
                 fail: BaseException | None = None) -> None:
        self.gate = gate
        self.fail = fail
        self.loaded = 0
        self.calls = 0

    def load(self) -> SentenceReconciler:
        self.loaded += 1
        return self

    def model_names(self) -> dict[str, str]:
        return {"parser": "none", "embedder": "none", "judge": self.name}

    def compare(self, articles: Sequence[Article]) -> Comparison:
        self.calls += 1
        if self.gate is not None:
            self.gate.wait(20)
        if self.fail is not None:
            raise self.fail
        if not articles:
            raise InputError("E040")
        seen: set[str] = set()
        for a in articles:
            if a.id in seen:
                raise InputError("E010", path=a.id, id=a.id)
            seen.add(a.id)
        groups: dict[str, list[Span]] = {}
        order: list[str] = []
        for a in articles:
            for m in _SENTENCE.finditer(a.text):
                text = m.group(0)
                lead = len(text) - len(text.lstrip())
                body = text.strip()
                key = _norm(body)
                if len(key) < 3:
                    continue
                start = m.start() + lead
                span = Span(a.id, start, start + len(body), body)
                if key not in groups:
                    order.append(key)
                    groups[key] = []
                if all(s.document != a.id for s in groups[key]):
                    groups[key].append(span)
        facts = []
        for k, key in enumerate(order, start=1):
            spans = groups[key]
            docs = [s.document for s in spans]
            facts.append(StoryFact(
                id=f"F{k}", statement=spans[0].text, evidence=spans, documents=docs,
                status="corroborated" if len(docs) > 1 else "single_source",
            ))
        brief = [
            BriefSentence(text=f.statement, documents=f.documents, evidence=f.evidence,
                          facts=[f.id])
            for f in facts if f.status == "corroborated"
        ]
        names: dict[str, list[Span]] = {}
        for a in articles:
            for m in _NAME.finditer(a.text):
                if m.start() > 0 and len(m.group(0)) > 3:
                    names.setdefault(m.group(0), []).append(Span(a.id, m.start(), m.end(),
                                                                 m.group(0)))
        entities = [
            Entity(id=f"E{k}", name=name, kind="person", mentions=spans,
                   documents=sorted({s.document for s in spans}))
            for k, (name, spans) in enumerate(sorted(names.items()), start=1) if len(spans) > 1
        ]
        quotes = [
            Quote(span=Span(a.id, m.start(1), m.end(1), m.group(1)), speaker=None,
                  speaker_name=None)
            for a in articles for m in _QUOTE.finditer(a.text)
        ]
        # One event per shared sentence: "<first name> said it to the city", for the
        # events and timeline endpoints.
        events = [
            StoryEvent(
                id=f"E{k}", source=EventActor(entities[0].name if entities else None, "UNK"),
                target=EventActor("the city", "CTY"), verb="say", cameo="010", plover="OTHER",
                goldstein=0.0, mood="asserted", documents=f.documents, evidence=f.evidence,
                when="2026-01-06" if k == 1 else None, order=k - 1, facts=[f.id],
            )
            for k, f in enumerate((f for f in facts if f.status == "corroborated"), start=1)
        ]
        framing = StoredFraming({"sources": [{"document": a.id} for a in articles]})
        return Comparison(
            documents=list(articles), facts=facts, brief=brief, entities=entities,
            quotes=quotes, timings={"total": 0.01}, models=self.model_names(),
            events=events, framing=framing,
        )


# -- apps and clients ---------------------------------------------------------------------------
def make_app(corpus: Any, reconciler: Any, **limits: Any) -> Any:
    from rashomon.service.app import Limits, create_app

    return create_app(corpus, reconciler, token=TOKEN, limits=Limits(**limits))


def make_client(app: Any, where: tuple[str, int] = LOOPBACK, host: str = "127.0.0.1:8000",
                **kwargs: Any) -> Any:
    from fastapi.testclient import TestClient

    return TestClient(app, base_url=f"http://{host}", client=where, **kwargs)


AUTH = {"Authorization": f"Bearer {TOKEN}"}
#: What a browser sends with a form or a script's request from a page of the site itself.
SAME_ORIGIN = {"Origin": "http://127.0.0.1:8000"}
_CSRF = re.compile(r'<input type="hidden" name="csrf_token" value="([0-9a-f]+)">')


def csrf_token(client: Any, path: str = "/compare") -> str:
    """The CSRF token a page of the site puts in its forms (the client keeps the cookie)."""
    found = _CSRF.search(client.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found.group(1)


def article_json(k: int, text: str, **fields: Any) -> dict[str, Any]:
    return {"id": f"art-{k}", "source": f"Outlet {k}", "title": f"Headline {k}",
            "published": f"2026-02-0{k % 9 + 1}", "text": text, **fields}


FLOOD = ("Floods hit the city of Valencia on Tuesday. Rescue teams searched for survivors. "
         "The mayor said the river rose three metres overnight.")
FLOOD_B = ("Floods hit the city of Valencia on Tuesday. Thousands were evacuated from their "
           "homes. The mayor said the river rose three metres overnight.")


#: Reports of five unrelated events: five stories.
TOPICS = {
    "Volcano erupts in Iceland": "Lava poured from a fissure near Grindavik overnight, and "
    "the coastguard evacuated the fishing harbour while ash drifted towards Reykjavik airport.",
    "Elections in Peru": "Voters in Lima queued for hours as counting began; the electoral "
    "jury said turnout passed eighty percent in the Andean provinces.",
    "Strike at the port of Antwerp": "Dockers walked out over pensions, leaving container "
    "ships anchored in the Scheldt estuary and hauliers stranded on the ring road.",
    "Heatwave in Delhi": "Temperatures reached forty-nine degrees, hospitals opened cooling "
    "wards and the municipal corporation rationed tanker water in eastern districts.",
    "Satellite launch in French Guiana": "An Ariane rocket lifted off from Kourou carrying a "
    "weather satellite, which separated forty minutes later above the Indian Ocean.",
}


def wait_for_job(client: Any, job_id: str, timeout: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        body = client.get(f"/api/jobs/{job_id}").json()
        if body["state"] in ("done", "failed") or time.monotonic() > deadline:
            return body
        time.sleep(0.02)


# -- a live server (browser tests) ---------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """uvicorn serving an app on 127.0.0.1 in a thread of the test process."""

    def __init__(self, app: Any) -> None:
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True, name="live-server")

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the live server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
