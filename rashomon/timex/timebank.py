"""Reading TimeML (TimeBank, TempEval-3) documents: the text, its creation time and gold TIMEX3s.

Only the ``<TEXT>`` part is read as the document's text; the creation time (DCT) is the TIMEX3
with ``functionInDocument="CREATION_TIME"``. Tags are stripped and every gold expression gets
character offsets into the stripped text, so predictions and gold share one coordinate system.

The dev/test partition is fixed by the file name: a document is *test* when the first byte of
the SHA-1 of its base name (without ``.tml``) is odd, else *dev*. It never depends on the
content, so adding or fixing documents does not move others between halves.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from rashomon.errors import InputError

Split = Literal["dev", "test", "all"]

_TAG = re.compile(r"<(/?)([A-Za-z0-9_]+)((?:\s+[^>]*?)?)\s*(/?)>")
_ATTR = re.compile(r'([A-Za-z_:]+)\s*=\s*"([^"]*)"')
_TEXT = re.compile(r"<TEXT>(.*?)</TEXT>", re.S)


@dataclass(slots=True)
class GoldTimex:
    """One annotated TIMEX3 of a document's text."""

    start: int
    end: int
    text: str
    type: str
    value: str
    mod: str | None = None
    tid: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class TimeMLDocument:
    """A TimeML document reduced to what temporal-expression tagging needs."""

    id: str
    text: str
    dct: str | None  # the creation time's TIMEX3 value, e.g. "1998-01-08"
    timexes: list[GoldTimex] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "published": self.dct,
                "timexes": [t.to_dict() for t in self.timexes]}


def split_of(name: str) -> Literal["dev", "test"]:
    """The fixed half a document belongs to, from its file name alone (see the module doc)."""
    stem = Path(name).name.removesuffix(".tml")
    return "test" if hashlib.sha1(stem.encode("utf-8")).digest()[0] % 2 else "dev"


def _strip(markup: str) -> tuple[str, list[GoldTimex]]:
    """Remove every tag from ``markup``; return the plain text and the TIMEX3s found in it."""
    out: list[str] = []
    length = 0
    found: list[GoldTimex] = []
    open_timex: tuple[int, dict[str, str]] | None = None
    position = 0
    for match in _TAG.finditer(markup):
        piece = html.unescape(markup[position:match.start()])
        out.append(piece)
        length += len(piece)
        position = match.end()
        closing, name = match.group(1) == "/", match.group(2)
        if name != "TIMEX3":
            continue
        if not closing:
            open_timex = (length, dict(_ATTR.findall(match.group(3) or "")))
        elif open_timex is not None:
            start, attrs = open_timex
            text = "".join(out)[start:length]
            found.append(GoldTimex(start=start, end=length, text=text,
                                   type=attrs.get("type", ""), value=attrs.get("value", ""),
                                   mod=attrs.get("mod") or None, tid=attrs.get("tid", "")))
            open_timex = None
    out.append(html.unescape(markup[position:]))
    return "".join(out), found


def parse_timeml(markup: str, doc_id: str = "") -> TimeMLDocument:
    """Parse one TimeML document given as a string (E121 when it has no ``<TEXT>``)."""
    text_match = _TEXT.search(markup)
    if text_match is None:
        raise InputError("E121", path=doc_id or "<string>")
    dct: str | None = None
    for match in re.finditer(r"<TIMEX3\b([^>]*)>", markup):
        attrs = dict(_ATTR.findall(match.group(1)))
        if attrs.get("functionInDocument") == "CREATION_TIME":
            dct = attrs.get("value")
            break
    docid = re.search(r"<DOCID>\s*(.*?)\s*</DOCID>", markup, re.S)
    text, timexes = _strip(text_match.group(1))
    return TimeMLDocument(id=doc_id or (docid.group(1) if docid else ""), text=text, dct=dct,
                          timexes=timexes)


def read_timebank(folder: Path, split: Split = "all") -> list[TimeMLDocument]:
    """Every ``*.tml`` document of ``folder`` in the given half, sorted by name (E120 if none)."""
    paths = sorted(Path(folder).glob("*.tml"))
    if not paths:
        raise InputError("E120", path=str(folder))
    docs = []
    for path in paths:
        if split != "all" and split_of(path.name) != split:
            continue
        docs.append(parse_timeml(path.read_text(encoding="utf-8"), path.name.removesuffix(".tml")))
    return docs
