"""Stage ``embed``: every fact and longer part of every story embedded in one batch."""

from __future__ import annotations

import re

from rashomon.backends.embeddings import Embedder
from rashomon.pipeline.entities import EntityIndex
from rashomon.pipeline.facts import alignment_text, claim_text
from rashomon.pipeline.state import Stage, StoryState


def renames(index: EntityIndex) -> list[tuple[re.Pattern[str], str]]:
    """Short names to spell out in full for embedding ("ELN" -> "National Liberation Army"),
    so that two reports naming one organisation differently still read alike."""
    out = []
    for e in index.entities:
        if e.kind not in ("organization", "person"):
            continue
        for alias in e.aliases:
            if alias.lower() in e.name.lower() or alias[:1].islower() or len(alias) < 2:
                continue
            if not (alias.isupper() or len(alias.split()) < len(e.name.split())):
                continue
            out.append((re.compile(rf"\b{re.escape(alias)}\b"), e.name))
    return out


def embedding_text(statement: str, names: list[tuple[re.Pattern[str], str]]) -> str:
    """What is embedded for a fact: its statement without leading linking words, with short
    names spelled out."""
    text = alignment_text(claim_text(statement))
    for pattern, name in names:
        text = pattern.sub(name, text)
    return text


class EmbedStage(Stage):
    """Sets :attr:`FactView.vector` of every view and part; fills :attr:`StoryState.renames`."""

    name = "embed"

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def process(self, states: list[StoryState]) -> list[StoryState]:
        views = []
        texts = []
        for state in states:
            assert state.entities is not None  # the entities stage runs first
            state.renames = renames(state.entities)
            for v in state.all_views + state.all_parts:
                views.append(v)
                texts.append(embedding_text(v.fact.about, state.renames))
        # One call of the embedder for the whole batch.
        vectors = self.embedder.encode(texts)
        for v, vec in zip(views, vectors, strict=True):
            v.vector = vec
        return states
