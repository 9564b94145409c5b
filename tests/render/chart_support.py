"""Synthesised comparisons and hand-made analysis data for the chart tests (no models).

The facts, quotes and events are invented here, deterministically, so that a test knows what
every chart must show; nothing is read from the research data sets.
"""

from __future__ import annotations

import random
from typing import Any

from rashomon.model import (
    Article,
    BriefSentence,
    Comparison,
    Contradiction,
    Detail,
    Quote,
    Span,
    StoryFact,
)

EVIL = "<script>alert(1)</script>"
OUTLETS = ["Reuters", "Al Jazeera", "France 24", "BBC News", "El Tiempo", "AP",
           "Deutsche Welle", "The Guardian", "El País", "NPR", "Le Monde", "Semana"]
SUBJECTS = ["Petro", "Trump", "The delegation", "Colombia's foreign ministry", "The White House",
            "Officials in Bogotá", "Rubio", "Analysts", "The State Department", "Protesters"]
VERBS = ["will meet", "criticised", "praised", "is expected to discuss", "denied reports about",
         "announced new talks on", "warned against", "signed an agreement on"]
OBJECTS = ["drug policy", "the tariffs of 30 per cent on coffee", "military cooperation",
           "migration flights", "the visa dispute", "$5 million in aid and $10 in fees",
           "the border with Venezuela", "coca eradication targets"]


def synth(sources: int, facts: int, *, evil: bool = False, seed: int = 7) -> Comparison:
    """A comparison of ``sources`` reports and ``facts`` story facts of every kind, with
    quotes; ``evil`` puts markup into an outlet's name, a statement and a quote."""
    rng = random.Random(seed)
    sentences = [f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
                 for _ in range(facts)]
    texts: dict[str, list[str]] = {f"r{k}.txt": [] for k in range(sources)}
    ids = list(texts)
    carried: list[list[str]] = []
    for k, _ in enumerate(sentences):
        if k % 5 == 4 or sources == 1:
            docs = [ids[k % sources]]
        else:
            docs = [d for d in ids if rng.random() < 0.6] or ids[:2]
            if len(docs) == 1:
                docs = ids[:2]
        carried.append(docs)
    offsets: dict[tuple[int, str], tuple[int, int]] = {}
    quote_words = ["“We will not accept it,” said the minister.",
                   "“This is a good day for both countries,” Trump said.",
                   "Petro said: “Colombia is not anyone's back yard and never was.”"]
    for doc in ids:
        parts: list[str] = []
        position = 0
        for k, sentence in enumerate(sentences):
            if doc in carried[k]:
                text = sentence + (" on Tuesday" if k % 7 == 1 and doc == carried[k][0] else "")
                offsets[(k, doc)] = (position, position + len(text))
                parts.append(text + ". ")
                position += len(text) + 2
        for q in quote_words[: 1 + ids.index(doc) % 3]:
            parts.append(q + " ")
        texts[doc] = parts
    documents = []
    for k, doc in enumerate(ids):
        outlet = OUTLETS[k % len(OUTLETS)] if k < len(OUTLETS) else f"Outlet {k}"
        if evil and k == 1:
            outlet = EVIL + " Daily"
        documents.append(Article(doc, "".join(texts[doc]), title=f"Report {k + 1}",
                                 source=outlet, published="2026-01-06"))
    text_of = {d.id: d.text for d in documents}
    story: list[StoryFact] = []
    contradictions: list[Contradiction] = []
    for k, sentence in enumerate(sentences):
        docs = carried[k]
        evidence = [Span(d, *offsets[(k, d)], text_of[d][slice(*offsets[(k, d)])])
                    for d in docs]
        status = "single_source" if len(docs) == 1 else "corroborated"
        details = []
        if status == "corroborated" and k % 7 == 1:
            start, end = offsets[(k, docs[0])]
            at = text_of[docs[0]].index(" on Tuesday", start, end + 1) + 1
            details.append(Detail(Span(docs[0], at, at + 10, "on Tuesday"), kind="date"))
        contradiction = None
        if status == "corroborated" and k % 6 == 3:
            status = "contradicted"
            contradiction = len(contradictions)
            contradictions.append(Contradiction("number", "the numbers differ",
                                                [evidence[:1], evidence[1:]], [f"F{k}"]))
        statement = EVIL + " " + sentence if evil and k == 0 else sentence
        story.append(StoryFact(f"F{k}", statement, status, evidence, docs, details=details,
                               contradiction=contradiction, sentence_order=float(k)))
    quotes = []
    for d in documents:
        for q, speaker in (("We will not accept it,", "the minister"),
                           ("This is a good day for both countries,", "Trump"),
                           ("Colombia is not anyone's back yard and never was.", "Petro")):
            at = d.text.find(q)
            if at >= 0:
                name = (EVIL if evil and speaker == "the minister" else speaker)
                quotes.append(Quote(Span(d.id, at, at + len(q), q), None, name))
    if evil:
        at = documents[0].text.find("We will")
        quotes.append(Quote(Span(documents[0].id, at, at + 7, "We will"), None,
                            "Trump", direct=True))
    brief = [BriefSentence(story[0].statement, story[0].documents, story[0].evidence, ["F0"])]
    return Comparison(documents, story, contradictions, [], quotes, brief,
                      timings={"total": 1.0})


def extras(evil: bool = False) -> dict[str, Any]:
    """Hand-made inputs of the shapes other modules will fill: timeline, conflict, events,
    word choice."""
    name = EVIL if evil else "Petro"
    return {
        "timeline": [
            {"when": "2026-01-06", "order": 2, "label": f"{name} meets Trump at the White House",
             "documents": ["r0.txt", "r1.txt"], "goldstein": 4.0, "mood": "asserted"},
            {"when": "2026-01", "order": 1, "label": "Tariff threat on Colombian coffee",
             "documents": ["r0.txt"], "goldstein": -6.0, "mood": "threatened"},
            {"when": "2026-01-08", "order": 3, "label": "Joint statement on drug policy",
             "documents": ["r1.txt"], "goldstein": 6.5, "mood": "asserted"},
            {"when": "XXXX-WXX-2", "order": 4, "label": "Talks on migration flights resume",
             "documents": ["r1.txt"], "goldstein": 3.0, "mood": "future"},
            {"when": None, "order": 0, "label": "Visa of the president revoked",
             "documents": ["r0.txt"], "goldstein": None, "mood": "asserted"},
        ],
        "conflict": [
            {"pair": "COLGOV → USAGOV", "points": [
                {"when": "2025-09", "order": 0, "goldstein": -5.0, "documents": ["r0.txt"]},
                {"when": "2026-01-06", "order": 2, "goldstein": 4.0,
                 "documents": ["r0.txt", "r1.txt"]},
                {"when": None, "order": 3, "goldstein": 1.0, "documents": ["r1.txt"]}]},
            {"pair": f"USAGOV → {name}", "points": [
                {"when": "2026-01", "order": 1, "goldstein": -6.0, "documents": ["r0.txt"]}]},
        ],
        "events": [
            {"source": name, "source_code": "COLGOV", "verb": "meet", "cameo": "036",
             "plover": "CONSULT", "goldstein": 4.0, "target": "Donald Trump",
             "target_code": "USAGOV", "mood": "asserted", "when": "2026-01-06",
             "documents": ["r0.txt", "r1.txt"],
             "evidence": [{"document": "r0.txt", "start": 0, "end": 10,
                           "text": f"{name} will meet Trump"}]},
            {"source": "Donald Trump", "source_code": "USAGOV", "verb": "threaten",
             "cameo": "138", "plover": "THREATEN", "goldstein": -7.0, "target": "Colombia",
             "target_code": "COL", "mood": "threatened", "when": None, "documents": ["r1.txt"],
             "evidence": []},
        ],
        "word_choice": [
            {"entity": "Gustavo Petro",
             "sources": {"r0.txt": ["Petro", "the leftist leader"],
                         "r1.txt": ["President Petro", name]},
             "loaded": {"r0.txt": ["the leftist leader"]}},
            {"entity": "the deportation flights",
             "sources": {"r0.txt": ["deportation flights"], "r1.txt": ["migrant flights"]},
             "loaded": {}},
        ],
    }
