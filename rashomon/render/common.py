"""Helpers shared by the renderers: short document labels and fact ordering."""

from __future__ import annotations

import string

from rashomon.model import Article, Comparison, StoryFact

STATUS_LABEL = {
    "corroborated": "corroborated",
    "single_source": "single source",
    "contradicted": "contradicted",
}


def letters(comparison: Comparison) -> dict[str, str]:
    """A short label per document: A, B, C, ... (AA, AB, ... after Z)."""
    out: dict[str, str] = {}
    alphabet = string.ascii_uppercase
    for k, doc in enumerate(comparison.documents):
        label = alphabet[k] if k < 26 else alphabet[k // 26 - 1] + alphabet[k % 26]
        out[doc.id] = label
    return out


def doc_label(doc: Article) -> str:
    parts = [doc.source or "", doc.title or ""]
    text = " — ".join(p for p in parts if p)
    return f"{doc.id} ({text})" if text else doc.id


def sorted_facts(comparison: Comparison) -> list[StoryFact]:
    """Contradictions first, then corroborated facts by how many reports carry them."""
    rank = {"contradicted": 0, "corroborated": 1, "single_source": 2}
    order = {f.id: k for k, f in enumerate(comparison.facts)}
    return sorted(
        comparison.facts, key=lambda f: (rank[f.status], -len(f.documents), order[f.id])
    )


def md_escape(text: str) -> str:
    """Keep report text from being read as Markdown or HTML."""
    out = text.replace("\\", "\\\\")
    for ch in "`*_[]<>|#":
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", " ")
