"""Readers for PETRARCH2's dictionaries: verb patterns, actors, agents, discards, Goldstein weights.

The formats are described in PETRARCH2's ``dictionaries.rst``; this is our own reader, written to
feed a dependency-parse coder, so a pattern is kept as the words it needs before and after the
verb (with prepositional phrases apart) rather than as PETRARCH2's annotated strings.

Words are kept upper-case, as in the dictionaries; matching upper-cases the text first, so
lower-cased input (IndiaPoliceEvents) is matched like any other.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import pickle
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rashomon.errors import RashomonError

BUNDLED = Path(__file__).resolve().parents[1] / "data" / "petrarch"

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_CODE = re.compile(r"\[([^\]]*)\]")
_BRACES = re.compile(r"\{([^}]*)\}")


def _read(path: Path) -> str:
    """Text of ``path``, or of ``path`` + ``.gz`` (the bundled copies are compressed)."""
    for candidate in (path, path.with_name(path.name + ".gz")):
        if candidate.is_file():
            data = candidate.read_bytes()
            if candidate.suffix == ".gz":
                data = gzip.decompress(data)
            return _COMMENT.sub("", data.decode("utf-8", errors="replace"))
    raise RashomonError("E130", path=str(path))


def _strip_comment(line: str) -> str:
    """A line without its ``#`` comment (``;`` also starts one in CountryInfo-made files)."""
    for mark in ("#", ";"):
        if mark in line:
            line = line.split(mark, 1)[0]
    return line.rstrip()


def plurals(word: str) -> set[str]:
    """The regular plural forms PETRARCH2 generates for a noun root."""
    if word.endswith("Y") and len(word) > 1 and word[-2] not in "AEIOU":
        return {word[:-1] + "IES"}
    if word.endswith(("SS", "SH", "CH", "X")):
        return {word + "ES"}
    return {word + "S"}


def verb_forms(word: str) -> set[str]:
    """Regular inflections of a verb root (PETRARCH2 generates these when no ``{...}`` is given)."""
    forms = {word, word + "S", word + "ED", word + "ING"}
    if word.endswith("E"):
        forms |= {word + "D", word[:-1] + "ING"}
    if word.endswith("Y") and len(word) > 1 and word[-2] not in "AEIOU":
        forms |= {word[:-1] + "IES", word[:-1] + "IED"}
    if word.endswith(("SS", "SH", "CH", "X")):
        forms.add(word + "ES")
    return forms


# --------------------------------------------------------------------------------------------
# Actors and agents


@dataclass(slots=True)
class ActorEntry:
    """One dictionary phrase: its words, and the code(s) it stands for.

    ``codes`` holds ``(code, after, before)`` with ``YYYYMMDD`` bounds ('' = open); ``kind`` is
    ``"actor"`` (a full code such as ``COL`` or ``COLGOV``) or ``"agent"`` (``~GOV`` to append
    to the country, ``NGO~`` to put before it).
    """

    words: tuple[str, ...]
    codes: list[tuple[str, str, str]]
    kind: str
    stem: bool = False  # the last word is a stem: "ARGENTIN" matches "ARGENTINA"

    def code(self, date: str | None = None) -> str | None:
        """The code valid on ``date`` (YYYYMMDD), else the default, else the latest role."""
        if not self.codes:
            return None
        default = None
        for code, after, before in self.codes:
            if not after and not before:
                default = code
            elif date and (not after or date >= after) and (not before or date <= before):
                return code
        if default is not None:
            return default
        # No date given: the open-ended role (">date") is the current one.
        for code, after, before in self.codes:
            if after and not before:
                return code
        return self.codes[-1][0]


def _full_date(value: str) -> str:
    """YYMMDD -> YYYYMMDD (PETRARCH2's two-digit years: 00-29 are 20xx, as in its reader)."""
    value = value.strip()
    if len(value) == 6:
        return ("20" if int(value[:2]) < 30 else "19") + value
    return value


def _restriction(text: str) -> tuple[str, str, str] | None:
    parts = text.split()
    if not parts or parts[0] in {"---", "###"}:
        return None
    code = parts[0]
    if len(parts) == 1:
        return code, "", ""
    rest = "".join(parts[1:])
    if rest.startswith(">"):
        return code, _full_date(rest[1:]), ""
    if rest.startswith("<"):
        return code, "", _full_date(rest[1:])
    if "-" in rest:
        lo, hi = rest.split("-", 1)
        return code, _full_date(lo), _full_date(hi)
    return code, "", ""


def _phrase_words(phrase: str) -> tuple[tuple[str, ...], bool]:
    """Words of a dictionary phrase and whether its end is exact (a trailing ``_``)."""
    phrase = phrase.strip().upper()
    exact = phrase.endswith("_")
    words = tuple(w for w in re.split(r"[_\s]+", phrase) if w)
    return words, exact


def read_actors(path: Path) -> list[ActorEntry]:
    """Read a ``.actors`` file: primary phrases, ``+`` synonyms and tab-indented dated codes."""
    entries: list[ActorEntry] = []
    group: list[ActorEntry] = []  # a primary phrase and its synonyms share the codes

    def close() -> None:
        if group:
            codes = group[0].codes
            for entry in group:
                entry.codes = codes
            entries.extend(e for e in group if e.words)
            group.clear()

    for raw in _read(path).splitlines():
        line = _strip_comment(raw)
        if not line.strip():
            continue
        if line[0] in " \t" and line.strip().startswith("["):
            if group:
                for found in _CODE.findall(line):
                    restriction = _restriction(found)
                    if restriction:
                        group[0].codes.append(restriction)
            continue
        text = line.strip()
        synonym = text.startswith("+")
        if not synonym:
            close()
        text = text.lstrip("+")
        codes = [r for r in (_restriction(c) for c in _CODE.findall(text)) if r]
        text = _CODE.sub("", _BRACES.sub("", text))
        words, exact = _phrase_words(text)
        entry = ActorEntry(words, codes, "actor", stem=not exact and bool(words))
        if synonym and group:
            group[0].codes.extend(codes)
        group.append(entry)
    close()
    return entries


def read_agents(path: Path) -> list[ActorEntry]:
    """Read an agents file: ``!SUBST! = A, B`` lines, then ``PHRASE {plurals} [~CODE]``."""
    substitutions: dict[str, list[str]] = {}
    entries: list[ActorEntry] = []
    for raw in _read(path).splitlines():
        line = _strip_comment(raw).strip()
        if not line:
            continue
        if line.startswith("!") and "=" in line:
            name, listed = line.split("=", 1)
            substitutions[name.strip()] = [v.strip().upper() for v in listed.split(",") if v]
            continue
        codes = _CODE.findall(line)
        if not codes:
            continue
        code = codes[0].strip()
        plural_forms = _BRACES.search(line)
        phrase = _BRACES.sub("", _CODE.sub("", line)).strip()
        variants = [phrase]
        for name, values in substitutions.items():
            if name in phrase:
                variants = [v.replace(name, value) for v in variants for value in values]
        for variant in variants:
            words, _ = _phrase_words(variant)
            if not words:
                continue
            entries.append(ActorEntry(words, [(code, "", "")], "agent"))
            if plural_forms is None:
                forms = [(*words[:-1], p) for p in plurals(words[-1])]
            else:
                forms = [_phrase_words(p)[0] for p in plural_forms.group(1).split()]
            entries.extend(ActorEntry(f, [(code, "", "")], "agent") for f in forms if f)
    return entries


def read_discards(path: Path) -> tuple[list[str], list[str]]:
    """Sentence-level and story-level (``+``) discard phrases, upper-case."""
    sentence: list[str] = []
    story: list[str] = []
    for raw in _read(path).splitlines():
        line = _strip_comment(raw).strip()
        if not line:
            continue
        (story if line.startswith("+") else sentence).append(line.lstrip("+").upper())
    return sentence, story


def read_goldstein(path: Path) -> dict[str, float]:
    """CAMEO code -> Goldstein weight."""
    weights: dict[str, float] = {}
    for line in _read(path).splitlines()[1:]:
        parts = line.split()
        if len(parts) == 2:
            try:
                weights[parts[0]] = float(parts[1])
            except ValueError:
                continue
    return weights


# --------------------------------------------------------------------------------------------
# Verbs


@dataclass(slots=True)
class Slot:
    """One item of a pattern: a noun (or braced phrase) or a prepositional phrase.

    ``alternatives`` are the word sequences that satisfy it (synsets expanded); ``prep`` is the
    preposition of a ``(PREP ...)`` phrase; ``role`` is ``"source"``/``"target"`` when the item
    carries PETRARCH2's ``+``/``$`` marker; ``compound`` is PETRARCH2's ``%``, a conjoined actor
    ("Gondor and Osgiliath") in that place.
    """

    alternatives: list[tuple[str, ...]]
    prep: str | None = None
    role: str | None = None
    compound: bool = False  # PETRARCH2's "%": a compound (conjoined) actor stands here


@dataclass(slots=True)
class Pattern:
    """``- [before] * [after] [code]``: what must surround the verb for ``code`` to apply."""

    before: list[Slot]
    after: list[Slot]
    code: str  # may be "---" (no event) or "A:B" (A for source->target, B reversed)
    source_after: bool = False  # a "+" after "*": the source is found after the verb
    target_before: bool = False  # a "$" before "*"
    text: str = ""
    # The verbs the dictionary's comment says the pattern was written for ("# SEND , DEPLOY"):
    # it breaks ties between equally specific patterns of one block.
    for_verbs: tuple[str, ...] = ()

    @property
    def weight(self) -> int:
        """How specific the pattern is: the number of words it asks for."""
        return sum(min(len(a) for a in s.alternatives) + (s.prep is not None) + s.compound
                   for s in self.before + self.after)  # fmt: skip


@dataclass(slots=True)
class VerbEntry:
    """A verb form, the block it belongs to, and its isolated code."""

    form: str  # the inflected word as written, e.g. "MET"
    root: str  # the entry it came from, e.g. "MEET"
    block: str
    code: str
    particles: tuple[str, ...] = ()  # a multi-word verb: words after the verb ("MEET_WITH")
    before: tuple[str, ...] = ()  # words before it ("WIRE_+TAP")


@dataclass(slots=True)
class VerbDictionary:
    """Verb forms -> entries, block -> patterns, and the synsets they use."""

    forms: dict[str, list[VerbEntry]] = field(default_factory=dict)
    patterns: dict[str, list[Pattern]] = field(default_factory=dict)
    synsets: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)


def _expand(token: str, synsets: dict[str, list[tuple[str, ...]]]) -> list[tuple[str, ...]]:
    """A pattern token (``A_B``, ``&SYN``, ``{A B}`` words) as its alternative word sequences."""
    seqs: list[tuple[str, ...]] = [()]
    for part in (p for p in re.split(r"[_\s]+", token) if p):
        if part.startswith("&"):
            options = synsets.get(part.rstrip("_"), [])
            if not options:
                return []
        else:
            word = part.strip("%^")
            if not word:
                continue
            options = [(word,), *((p,) for p in plurals(word))]
        seqs = [s + o for s in seqs for o in options]
    return [s for s in seqs if s]


def _slots(text: str, synsets: dict[str, list[tuple[str, ...]]]) -> list[Slot] | None:
    """Parse one side of a pattern into slots; None when it uses an unknown synset."""
    slots: list[Slot] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        ch = text[pos]
        if ch.isspace():
            pos += 1
            continue
        if ch == "(":
            end = text.find(")", pos)
            end = len(text) if end < 0 else end
            inner = text[pos + 1 : end].strip()
            pos = end + 1
            role = "target" if "$" in inner else "source" if "+" in inner else None
            inner = inner.replace("$", " ").replace("+", " ").strip()
            if not inner:
                continue
            prep, _, rest = inner.partition(" ")
            rest = rest.strip().strip("{}")
            if rest == "%":
                slots.append(Slot([()], prep.strip("_"), role, compound=True))
                continue
            alternatives: list[tuple[str, ...]] = _expand(rest, synsets) if rest else [()]
            if rest and not alternatives:
                return None
            slots.append(Slot(alternatives, prep.strip("_"), role))
            continue
        if ch == "{":
            end = text.find("}", pos)
            end = len(text) if end < 0 else end
            inner, pos = text[pos + 1 : end], end + 1
        else:
            match = re.match(r"\S+", text[pos:])
            assert match is not None
            inner, pos = match.group(0), pos + match.end()
        role = "target" if "$" in inner else "source" if "+" in inner else None
        inner = inner.replace("$", "").replace("+", "")
        if inner.strip("_ ") == "%":
            slots.append(Slot([()], None, role, compound=True))
            continue
        if not inner.strip("_ "):
            if role and slots:
                slots[-1].role = role
            elif role:
                slots.append(Slot([()], None, role))
            continue
        alternatives = _expand(inner, synsets)
        if not alternatives:
            return None
        slots.append(Slot(alternatives, None, role))
    return slots


def _verb_line(text: str, block: str, block_code: str) -> list[VerbEntry]:
    """``MEET {MEETS MET MEETING} [036]`` or ``+MEET_WITH {+MET_WITH ...}`` as entries."""
    codes = _CODE.findall(text)
    code = codes[0].strip() if codes else block_code
    irregular = _BRACES.search(text)
    main = _BRACES.sub("", _CODE.sub("", text)).strip()
    if not main:
        return []

    def split(phrase: str) -> tuple[str, tuple[str, ...], tuple[str, ...]] | None:
        words = [w for w in re.split(r"[_\s]+", phrase.upper()) if w]
        if not words:
            return None
        marked = [i for i, w in enumerate(words) if w.startswith("+")]
        head = marked[0] if marked else 0
        clean = [w.lstrip("+") for w in words]
        return clean[head], tuple(clean[:head]), tuple(clean[head + 1 :])

    parsed = split(main)
    if parsed is None:
        return []
    root, before, particles = parsed
    forms: set[tuple[str, tuple[str, ...], tuple[str, ...]]] = set()
    if irregular is not None and irregular.group(1).strip():
        forms.add(parsed)
        for phrase in irregular.group(1).split():
            got = split(phrase)
            if got:
                forms.add(got)
    else:
        forms |= {(f, before, particles) for f in verb_forms(root)}
    return [VerbEntry(f, root, block, code, p, b) for f, b, p in forms]


def read_verbs(path: Path) -> VerbDictionary:
    """Read a PETRARCH2 verbs dictionary (synsets, verb blocks, patterns)."""
    verbs = VerbDictionary()
    block, block_code = "", "---"
    synset: str | None = None
    synset_plurals = True
    for raw in _read(path).splitlines():
        line = _strip_comment(raw).strip()
        if not line:
            synset = None
            continue
        if line.startswith("---"):
            synset = None
            inner = line.strip("-").strip()
            codes = _CODE.findall(inner)
            block_code = codes[-1].strip() if codes else "---"
            block = _CODE.sub("", inner).strip(" -").upper()
            verbs.patterns.setdefault(block, [])
            continue
        if line.startswith("&"):
            label = line.split()[0]
            synset = label.rstrip("_")
            synset_plurals = not label.endswith("_")
            verbs.synsets[synset] = []
            continue
        if synset is not None and line.startswith("+"):
            phrase = line[1:].strip()
            no_plural = phrase.endswith("_") or not synset_plurals
            for seq in _expand(phrase.rstrip("_"), verbs.synsets) if "&" in phrase else [
                tuple(w for w in re.split(r"[_\s]+", phrase.upper()) if w)
            ]:
                verbs.synsets[synset].append(seq)
                if not no_plural and seq:
                    verbs.synsets[synset].extend((*seq[:-1], p) for p in plurals(seq[-1]))
            continue
        synset = None
        if not block:
            continue
        if line.startswith("-"):
            pattern = _pattern(line[1:], verbs.synsets)
            if pattern is not None:
                if "#" in raw:
                    pattern.for_verbs = tuple(re.findall(r"[A-Z][A-Z_]+", raw.split("#", 1)[1]))
                verbs.patterns[block].append(pattern)
            continue
        if line.startswith("~"):
            continue  # transformations: handled by the coder's own rules
        for entry in _verb_line(line, block, block_code):
            verbs.forms.setdefault(entry.form, []).append(entry)
    return verbs


def _pattern(text: str, synsets: dict[str, list[tuple[str, ...]]]) -> Pattern | None:
    codes = _CODE.findall(text)
    if not codes or "*" not in text:
        return None
    body = _CODE.split(text)[0]
    left, _, right = body.partition("*")
    # "IN_*": words glued to the verb with "_" are still before/after it.
    left, right = left.rstrip("_"), right.lstrip("_")
    before = _slots(left, synsets)
    after = _slots(right, synsets)
    if before is None or after is None:
        return None
    return Pattern(
        before, after, codes[0].strip(),
        source_after="+" in right, target_before="$" in left, text=text.strip(),
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# The whole set


@dataclass(slots=True)
class Dictionaries:
    """Everything the coder reads, loaded once."""

    verbs: VerbDictionary
    actors: list[ActorEntry]
    agents: list[ActorEntry]
    discards: list[str]
    story_discards: list[str]
    goldstein: dict[str, float]


def _merge(into: VerbDictionary, extra: VerbDictionary) -> None:
    """Add a supplementary verb dictionary (its blocks and forms) to another."""
    for form, entries in extra.forms.items():
        into.forms.setdefault(form, []).extend(entries)
    for block, patterns in extra.patterns.items():
        into.patterns.setdefault(block, []).extend(patterns)
    into.synsets.update({k: v for k, v in extra.synsets.items() if k not in into.synsets})


def _first(folder: Path, *names: str) -> Path:
    for name in names:
        for candidate in (folder / name, folder / (name + ".gz")):
            if candidate.is_file():
                return folder / name
    raise RashomonError("E130", path=str(folder / names[0]))


# Parsed dictionaries are pickled here, keyed by the SHA-1 of the source files, so a process
# loads them in a fraction of the time parsing takes (``RASHOMON_CACHE`` overrides the folder;
# a cache that cannot be written or read is skipped, never an error).
_CACHE_VERSION = "1"


def cache_dir() -> Path:
    """Where parsed dictionaries are cached: ``$RASHOMON_CACHE`` or ``~/.cache/rashomon``."""
    root = os.environ.get("RASHOMON_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "rashomon")
    return Path(root) / "petrarch"


def _fingerprint(folder: Path) -> str:
    """SHA-1 over this module's source and the names and bytes of the dictionary files."""
    digest = hashlib.sha1(_CACHE_VERSION.encode())
    # the reader's own source too: a change to the parsed classes must not meet an old pickle
    digest.update(Path(__file__).read_bytes())
    paths = [folder / n for n in sorted(os.listdir(folder))]
    if folder != BUNDLED and not (folder / "CAMEO.goldsteinscale.txt").is_file():
        paths.append(BUNDLED / "CAMEO.goldsteinscale.txt")
    for path in paths:
        if path.is_file() and path.suffix in {".txt", ".gz"}:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=4)
def load(folder: Path | None = None, *, cache: bool = True) -> Dictionaries:
    """Load the dictionaries in ``folder`` (default: the bundled Phoenix/CAMEO 2.0 set).

    A folder may hold either the Phoenix set (``CAMEO.2.0.txt``, ``Phoenix.*``) or PETRARCH2's
    validation set (``PETR.Validate.*``); the Goldstein table falls back to the bundled one.
    With ``cache`` the parsed form is kept in :func:`cache_dir` keyed by the files' hash.
    """
    folder = Path(folder) if folder is not None else BUNDLED
    if not folder.is_dir():
        raise RashomonError("E130", path=str(folder))
    if not cache:
        return _parse_folder(folder)
    path = cache_dir() / f"{_fingerprint(folder)}.pickle"
    try:
        with path.open("rb") as handle:
            found = pickle.load(handle)  # our own file, written below from parsed dictionaries
        if isinstance(found, Dictionaries):
            return found
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    dicts = _parse_folder(folder)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump(dicts, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # atomic: a concurrent reader never sees half a file
    except OSError:
        pass
    return dicts


def _parse_folder(folder: Path) -> Dictionaries:
    """Parse the dictionary files of ``folder``."""
    names = {p.name.removesuffix(".gz") for p in folder.iterdir()}
    if "PETR.Validate.verbs.txt" in names:
        verbs = read_verbs(folder / "PETR.Validate.verbs.txt")
        actors = read_actors(folder / "PETR.Validate.actors.txt")
        agents = read_agents(folder / "PETR.Validate.agents.txt")
        discards = read_discards(folder / "PETR.Validate.discards.txt")
    else:
        verbs = read_verbs(_first(folder, "CAMEO.2.0.txt"))
        if "rashomon.verbs.txt" in names:
            _merge(verbs, read_verbs(folder / "rashomon.verbs.txt"))
        actors = []
        for name in sorted(names):
            if name.endswith(".actors.txt"):
                actors.extend(read_actors(folder / name))
        if not actors:
            raise RashomonError("E130", path=str(folder / "*.actors.txt"))
        agents = read_agents(_first(folder, "Phoenix.agents.txt"))
        if "rashomon.agents.txt" in names:
            agents.extend(read_agents(folder / "rashomon.agents.txt"))
        discards = read_discards(_first(folder, "Phoenix.discards.txt"))
    gold_folder = folder if "CAMEO.goldsteinscale.txt" in names else BUNDLED
    goldstein = read_goldstein(gold_folder / "CAMEO.goldsteinscale.txt")
    return Dictionaries(verbs, actors, agents, discards[0], discards[1], goldstein)
