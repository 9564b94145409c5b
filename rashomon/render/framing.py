"""How each source tells the story, as text: the Markdown and terminal sections made from
:class:`rashomon.framing.Framing` (its JSON form, so a cached comparison reads the same)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.text import Text

from rashomon.model import Comparison
from rashomon.render.common import md_escape

_QUOTES = "\"'“”‘’"

# How many omissions, voices and loaded words a section names per source.
TOP = 3


def _profiles(comparison: Comparison) -> list[dict[str, Any]]:
    if comparison.framing is None:
        return []
    return list(comparison.framing.to_dict().get("profiles", []))


def _short(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def profile_lines(profile: dict[str, Any]) -> list[str]:
    """A source's profile as plain sentences (escaped by the caller)."""
    counts = profile.get("counts", {})
    lines = [
        f"{counts.get('corroborated', 0)} facts shared with others, "
        f"{counts.get('only_here', 0)} only here, {counts.get('omitted', 0)} that most others "
        f"carry left out, {counts.get('contradicted', 0)} contradicted"
    ]
    for ref in profile.get("omissions", [])[:TOP]:
        carried = ref.get("carried_by", [])
        where = ", ".join(sorted({c.get("position", "body") for c in carried}))
        lines.append(f"leaves out: {_short(ref['statement'])} "
                     f"(carried by {len(carried)}, in the {where})")
    speakers = profile.get("voices", {}).get("speakers", [])
    if speakers:
        voices = "; ".join(
            f"{s.get('name') or 'unattributed'}"
            + (f" ({s['affiliation']})"
               if s.get("affiliation") and s["affiliation"] != (s.get("name") or "unattributed")
               else "")
            + f" {round(100 * s.get('share', 0))}%"
            for s in speakers[:TOP]
        )
        lines.append(f"quotes: {voices} of its quoted words")
    cue_counts = profile.get("cue_counts", {})
    if cue_counts:
        lines.append("hedges and attribution: " + ", ".join(
            f"{n} {kind.replace('_', ' ')}" for kind, n in sorted(cue_counts.items())))
    loaded = [w for w in profile.get("loaded", []) if w.get("kind") == "lexical"]
    if loaded:
        lines.append("loaded words: " + ", ".join(
            f"“{_short(w['text'].strip(_QUOTES), 40)}”" for w in loaded[:TOP + 2]))
    return lines


def framing_markdown(comparison: Comparison, label: Mapping[str, str]) -> list[str]:
    profiles = _profiles(comparison)
    if not profiles:
        return []
    lines = ["## How each source tells it", ""]
    for profile in profiles:
        doc = profile["document"]
        lines.append(f"- **{label.get(doc, doc)}**")
        lines += [f"  - {md_escape(line)}" for line in profile_lines(profile)]
    return lines


def print_framing(console: Console, comparison: Comparison, label: Mapping[str, str]) -> None:
    profiles = _profiles(comparison)
    if not profiles:
        return
    console.print(Text("How each source tells it", style="bold underline"))
    for profile in profiles:
        doc = profile["document"]
        console.print(Text(f"  {label.get(doc, doc)}", style="bold"))
        for line in profile_lines(profile):
            console.print(Text(f"    {line}"))
    console.print()
