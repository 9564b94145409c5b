"""Stage 2: people, organisations and places, resolved across the reports.

"Colombian President Gustavo Petro", "Petro" and "the Colombian president" become one
:class:`~rashomon.model.Entity` whose titles include "Colombian President". The cascade:

1. mentions from the named-entity recogniser, with leading articles and possessives trimmed,
   titles read off the words before a name or from an apposition;
2. places normalised through a table of aliases and demonyms ("US" = "United States",
   "Colombian" -> Colombia);
3. acronyms in parentheses become aliases ("National Liberation Army (ELN)");
4. clusters by folded name across all reports, short person names joined to the full name
   with the same surname, the kind decided by a vote over the mentions (the recogniser calls
   the same name a person in one sentence and an organisation in the next);
5. names the recogniser missed in one sentence but found elsewhere are picked up by string
   match, and role descriptions ("the Colombian president") are linked to the person whose
   titles match.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from rashomon.model import Entity, EntityKind, Mention
from rashomon.pipeline.annotate import ParsedDoc
from rashomon.pipeline.lexicon import TITLE_WORDS, fold, places

KIND_OF_LABEL: dict[str, EntityKind] = {
    "PERSON": "person",
    "ORG": "organization",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
    "NORP": "group",
}
_TRIM_LEADING = {"the", "a", "an"}
_POSSESSIVE = {"'s", "’s", "'", "’"}
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.\-]{1,9}$")


@dataclass(slots=True)
class RawMention:
    doc: int  # index of the ParsedDoc
    start: int  # first token
    end: int  # one past the last token
    surface: str
    kind: EntityKind
    label: str
    key: str  # folded name used to merge
    title: str | None = None
    description: bool = False  # "the Colombian president": a role standing for a person
    modifiers: tuple[str, ...] = ()  # for descriptions: the folded modifier words


@dataclass(slots=True)
class EntityIndex:
    """The resolved entities and, per document, which entity each token belongs to."""

    entities: list[Entity]
    token_entity: list[dict[int, str]]  # per document: token index -> entity id
    mentions: list[list[Mention]] = field(default_factory=list)  # per document

    def entity_ids(self, doc: int, tokens: Sequence[int]) -> list[str]:
        seen: dict[str, None] = {}
        table = self.token_entity[doc]
        for i in tokens:
            eid = table.get(i)
            if eid is not None:
                seen.setdefault(eid, None)
        return list(seen)

    def by_id(self) -> dict[str, Entity]:
        return {e.id: e for e in self.entities}


def _trim(ent: SpacySpan) -> tuple[int, int]:
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and doc[start].lower_ in _TRIM_LEADING:
        start += 1
    # A person's name is made of proper nouns: "Following Romney" in a headline is "Romney".
    while ent.label_ == "PERSON" and end - start > 1 and doc[start].pos_ not in ("PROPN",) and (
        doc[start].tag_ not in ("NNP", "NNPS")
    ):
        start += 1
    while end > start and (doc[end - 1].text in _POSSESSIVE or doc[end - 1].is_punct):
        end -= 1
    return start, end


def _title_before(doc: Doc, start: int, end: int) -> str | None:
    """The title words right before a name: "Colombian President" in "Colombian President X"."""
    names = set(range(start, end))
    i = start - 1
    first = None
    while i >= 0:
        tok: Token = doc[i]
        if tok.dep_ not in ("compound", "amod", "nmod", "poss") and tok.lower_ not in TITLE_WORDS:
            break
        if tok.head.i not in names and tok.head.i not in range(i, end):
            break
        if not (tok.is_title or tok.is_upper or tok.lower_ in TITLE_WORDS):
            break
        if tok.ent_type_ == "PERSON":
            break
        first = i
        names.add(i)
        i -= 1
    if first is None:
        return None
    words = [doc[j] for j in range(first, start)]
    if not any(w.lower_ in TITLE_WORDS or w.lemma_.lower() in TITLE_WORDS for w in words):
        return None
    return doc[first:start].text


def _title_from_apposition(doc: Doc, start: int, end: int) -> str | None:
    """ "Colombia's Foreign Minister, Rosa Villavicencio" or "Rand Paul, a senator from ..."."""
    root = doc[start:end].root
    candidates: list[Token] = []
    if root.dep_ == "appos":
        candidates.append(root.head)
    candidates.extend(c for c in root.children if c.dep_ == "appos")
    for head in candidates:
        if head.lemma_.lower() in TITLE_WORDS or head.lower_ in TITLE_WORDS:
            toks = [t for t in head.subtree if not (start <= t.i < end)]
            # keep the noun phrase of the title only, up to the name
            toks = [t for t in toks if t.i < start or t.i >= end]
            words: list[Token] = []
            for t in toks:
                if t.is_punct and t.text not in ("’s", "'s"):
                    if words:
                        break
                    continue
                if t.dep_ in ("relcl", "acl", "appos"):
                    break
                words.append(t)
            if words:
                text = doc[words[0].i : words[-1].i + 1].text
                text = re.sub(r"^(the|a|an)\s+", "", text, flags=re.IGNORECASE)
                return text.strip(" ,")
    return None


def _merged_entities(doc: Doc) -> list[SpacySpan]:
    """The recogniser's entities, with adjacent person names joined ("Rosa Yolanda" +
    "Villavicencio" is one name)."""
    merged: list[SpacySpan] = []
    for ent in doc.ents:
        if merged and ent.label_ == "PERSON" and merged[-1].label_ == "PERSON" and (
            merged[-1].end == ent.start
        ):
            merged[-1] = SpacySpan(doc, merged[-1].start, ent.end, label="PERSON")
        else:
            merged.append(ent)
    return merged


def name_key(surface: str) -> str:
    """A folded name for matching: "Kim Jong - un", "Kim Jong-un" and "Kim Jong Un" agree."""
    text = re.sub(r"\s*-\s*", " ", fold(surface))
    text = re.sub(r"[.’'`]", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _place_key(surface: str) -> str | None:
    aliases, _ = places()
    return aliases.get(fold(surface))


def find_mentions(pd: ParsedDoc, doc_index: int) -> list[RawMention]:
    """Named mentions and role descriptions in one document."""
    doc = pd.doc
    _, demonyms = places()
    out: list[RawMention] = []
    taken: set[int] = set()
    for ent in _merged_entities(doc):
        kind = KIND_OF_LABEL.get(ent.label_)
        if kind is None:
            continue
        start, end = _trim(ent)
        if start >= end:
            continue
        surface = doc[start:end].text
        key = name_key(surface)
        if kind == "group":
            country = demonyms.get(key)
            if country is None:
                continue  # "Democrats", "Muslims": groups are not tracked as entities
            kind, key = "place", fold(country)
        elif kind == "place" or ent.label_ in ("GPE", "LOC"):
            canonical = _place_key(surface)
            if canonical:
                key = fold(canonical)
        elif kind == "organization":
            canonical = _place_key(surface)
            if canonical:  # "the United States" tagged ORG in one sentence
                kind, key = "place", fold(canonical)
        title = None
        if kind == "person":
            title = _title_before(doc, start, end) or _title_from_apposition(doc, start, end)
        elif kind == "organization" and ent.label_ == "ORG":
            # "President Trump" tagged ORG: a personal title before a name makes it a person's.
            title = _title_before(doc, start, end)
            if title is not None:
                kind = "person"
        out.append(RawMention(doc_index, start, end, surface, kind, ent.label_, key, title))
        taken.update(range(start, end))
    # Acronyms in parentheses right after an organisation: "National Liberation Army (ELN)".
    for m in list(out):
        if m.kind != "organization":
            continue
        j = m.end
        if j + 2 < len(doc) and doc[j].text == "(" and doc[j + 2].text == ")":
            acro = doc[j + 1]
            if _ACRONYM.match(acro.text) and acro.i not in taken:
                out.append(
                    RawMention(
                        doc_index, acro.i, acro.i + 1, acro.text, "organization", "ORG",
                        m.key, None,
                    )
                )
                taken.add(acro.i)
                m.modifiers = (fold(acro.text),)
    # Role descriptions: "the Colombian president", "Colombia's president".
    for chunk in doc.noun_chunks:
        root = chunk.root
        if root.i in taken or root.lemma_.lower() not in TITLE_WORDS:
            continue
        if root.tag_ in ("NNS", "NNPS"):
            continue
        mods = tuple(
            fold(t.text)
            for t in chunk
            if t.i != root.i and t.dep_ in ("amod", "compound", "poss", "nmod")
            and t.text not in _POSSESSIVE
        )
        determiners = {t.lower_ for t in chunk if t.dep_ == "det"}
        if not mods and "the" not in determiners:
            continue
        start = chunk.start
        while start < root.i and doc[start].dep_ == "det":
            start += 1
        out.append(
            RawMention(
                doc_index, start, root.i + 1, doc[start : root.i + 1].text, "person", "ROLE",
                fold(root.lemma_), None, description=True, modifiers=mods,
            )
        )
    return out


class _Cluster:
    __slots__ = ("keys", "kind_votes", "mentions", "titles")

    def __init__(self) -> None:
        self.mentions: list[RawMention] = []
        self.keys: set[str] = set()
        self.kind_votes: Counter[EntityKind] = Counter()
        self.titles: Counter[str] = Counter()

    def add(self, m: RawMention) -> None:
        self.mentions.append(m)
        self.keys.add(m.key)
        # The recogniser is more often right about people; one PERSON vote counts double.
        self.kind_votes[m.kind] += 2 if m.kind == "person" else 1
        if m.title:
            self.titles[m.title] += 1

    @property
    def kind(self) -> EntityKind:
        # A name a report gives a personal title ("President Trump") names a person, however
        # often the recogniser tags it as an organisation elsewhere.
        if self.titles and self.kind_votes["person"]:
            return "person"
        return self.kind_votes.most_common(1)[0][0]


def _dominant(keys: set[str], clusters: dict[str, _Cluster]) -> str | None:
    """The full name a lone surname stands for: the only one, or one used at least twice as
    often as every other full name with that surname."""
    ranked = sorted(keys, key=lambda k: -len(clusters[k].mentions))
    if len(ranked) == 1:
        return ranked[0]
    first, second = (len(clusters[k].mentions) for k in ranked[:2])
    return ranked[0] if first >= 2 * second else None


def _surname(key: str) -> str:
    parts = key.split()
    return parts[-1] if parts else key


def short_name(name: str) -> str:
    """How a report names someone after the first mention: "Gustavo Petro" -> "Petro"."""
    parts = name.split()
    return parts[-1] if parts else name


def resolve(parsed: Sequence[ParsedDoc]) -> EntityIndex:
    """Find mentions in every report and resolve them into entities."""
    raw: list[RawMention] = []
    for i, pd in enumerate(parsed):
        raw.extend(find_mentions(pd, i))
    named = [m for m in raw if not m.description]

    # 1. Cluster named mentions by key, whatever the label.
    clusters: dict[str, _Cluster] = {}
    for m in named:
        clusters.setdefault(m.key, _Cluster()).add(m)

    # 2a. Join full names that differ only by middle names or initials ("Stephen E. Boyd").
    by_ends: dict[tuple[str, str], list[str]] = defaultdict(list)
    for k, c in clusters.items():
        parts = k.split()
        if c.kind == "person" and len(parts) >= 2:
            by_ends[(parts[0], parts[-1])].append(k)
    for keys in by_ends.values():
        if len(keys) < 2:
            continue
        target = max(keys, key=lambda k: (len(clusters[k].mentions), len(k)))
        for k in keys:
            if k != target:
                for m in clusters[k].mentions:
                    clusters[target].add(m)
                del clusters[k]

    # 2b. Join one-word person names to the full name with that surname (or first name).
    person_keys = [k for k, c in clusters.items() if c.kind == "person"]
    full_by_part: dict[str, set[str]] = defaultdict(set)
    full_by_first: dict[str, set[str]] = defaultdict(set)
    for k in person_keys:
        parts = k.split()
        if len(parts) > 1:
            full_by_part[parts[-1]].add(k)
            full_by_first[parts[0]].add(k)
    for k in list(clusters):
        lone = clusters.get(k)
        if lone is None or " " in k:
            continue
        # Surnames come last in most names and first in some ("Kim" of "Kim Jong Un").
        fulls = full_by_part.get(k) or full_by_first.get(k)
        # The recogniser often mislabels a lone surname; a known place name is never joined.
        full = _dominant(fulls, clusters) if fulls else None
        if full is not None and _place_key(k) is None and full != k:
            for m in lone.mentions:
                clusters[full].add(m)
            del clusters[k]

    # 3. Pick up missed mentions of known multi-letter names by string match.
    by_token_key: dict[str, str] = {}
    for k, c in clusters.items():
        if c.kind == "person":
            by_token_key.setdefault(_surname(k), k)
        for m in c.mentions:
            if m.end - m.start == 1:
                by_token_key.setdefault(m.key, k)
    covered: list[set[int]] = [set() for _ in parsed]
    for m in raw:
        covered[m.doc].update(range(m.start, m.end))
    for i, pd in enumerate(parsed):
        for tok in pd.doc:
            if tok.i in covered[i] or not (tok.is_title or tok.is_upper) or len(tok.text) < 2:
                continue
            known = by_token_key.get(name_key(tok.text))
            if known is None or (tok.is_sent_start and tok.lower_ in ("the", "a")):
                continue
            cl = clusters[known]
            m = RawMention(i, tok.i, tok.i + 1, tok.text, cl.kind, "MATCH", known)
            cl.add(m)
            covered[i].add(tok.i)

    # 4. Link role descriptions to the person whose titles match them best.
    people = [(k, c) for k, c in clusters.items() if c.kind == "person" and c.titles]
    _, demonyms = places()
    for m in raw:
        if not m.description:
            continue
        best: tuple[int, str] | None = None
        for k, c in people:
            words = {fold(w) for t in c.titles for w in re.findall(r"[\w’']+", t)}
            words |= {fold(demonyms.get(w, w)) for w in words}
            if m.key not in words:
                continue
            mods = {fold(demonyms.get(x, x)) for x in m.modifiers} | set(m.modifiers)
            mods = {x.removesuffix("’s").removesuffix("'s") for x in mods}
            # Every modifier must fit the title: "the Colombian president" fits "Colombian
            # President", "the assistant attorney general" does not fit "acting attorney general".
            if not mods <= words:
                continue
            score = len(c.mentions)
            if best is None or score > best[0]:
                best = (score, k)
        if best is not None:
            clusters[best[1]].add(m)

    # 5. Build entities, most salient first.
    ordered = sorted(
        clusters.values(),
        key=lambda c: (-len({m.doc for m in c.mentions}), -len(c.mentions), c.mentions[0].doc,
                       c.mentions[0].start),
    )
    entities: list[Entity] = []
    token_entity: list[dict[int, str]] = [{} for _ in parsed]
    mentions: list[list[Mention]] = [[] for _ in parsed]
    for n, c in enumerate(ordered, start=1):
        eid = f"E{n}"
        kind = c.kind
        names = [m for m in c.mentions if not m.description]
        name = _canonical_name(names, kind)
        spans = []
        for m in sorted(c.mentions, key=lambda m: (m.doc, m.start)):
            pd = parsed[m.doc]
            span = pd.token_span(m.start, m.end - 1)
            spans.append(span)
            for t in range(m.start, m.end):
                token_entity[m.doc].setdefault(t, eid)
            mentions[m.doc].append(Mention(span, m.label, kind, eid, m.title))
        aliases = sorted({m.surface for m in c.mentions} - {name})
        entities.append(
            Entity(
                id=eid,
                name=name,
                kind=kind,
                aliases=aliases,
                titles=[t for t, _ in c.titles.most_common()],
                mentions=spans,
                documents=sorted({parsed[m.doc].id for m in c.mentions}),
            )
        )
    return EntityIndex(entities, token_entity, mentions)


def _canonical_name(names: list[RawMention], kind: str) -> str:
    if not names:
        return "?"
    if kind == "place":
        aliases, demonyms = places()
        for m in names:
            canonical = aliases.get(m.key) or demonyms.get(m.key)
            if canonical:
                return canonical
    counts = Counter(m.surface for m in names if m.label != "MATCH" and m.surface.strip())
    if not counts:
        counts = Counter(m.surface for m in names if m.surface.strip())
    if not counts:
        return names[0].surface or "?"
    # The longest name that is used, ties broken by frequency: "Gustavo Petro" over "Petro".
    return max(counts, key=lambda s: (len(s.split()), counts[s], len(s)))
