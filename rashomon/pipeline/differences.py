"""Stage 6: how aligned facts differ — in detail, or by contradicting each other.

For every group of aligned facts, the members are compared pairwise with typed checks, in order:

0. **one edit**: two wordings identical but for one replaced stretch (a wire copy edited in one
   place) are judged by what replaced what: a number, a date, a name, an opposite word, or a
   negation added or dropped; the checks below need the facts' meaning to agree, which one
   changed word can hide from the embeddings;
1. **numbers**: quantities of the same thing ("30,000 soldiers" / "10,000 troops") that differ;
2. **dates**: dates, months or weekdays of the same granularity that differ;
3. **names**: a person, place or organisation in the same role replaced by another;
4. **negation**: one report negates the predicate the other asserts;
5. **opposite predicates**: antonyms from a lexicon ("approved" / "rejected");
6. **the entailment judge**: a learned or NLI judgement of contradiction, for what the typed
   checks cannot name (reported as kind "other").

What one report adds and the other lacks ("on Tuesday", "and Pacific") or words differently is
a **difference in detail**, never a contradiction: a set of places that contains the other
("Caribbean and Pacific" / "Caribbean") is an addition, not a conflict.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Token

from rashomon.model import ContradictionKind, Detail, Quantity, Span, TimeMention
from rashomon.pipeline.align import FactGroup, FactView
from rashomon.pipeline.lexicon import (
    CONDITIONALS,
    MONTHS,
    NEGATIONS,
    NEGATIVE_PREDICATES,
    TITLE_WORDS,
    WEEKDAYS,
    fold,
    places,
    unit_synonyms,
)
from rashomon.pipeline.measures import month_of, parse_number, weekday_of

# Relative difference under which two numbers are the same number (rounding in reports).
NUMBER_TOLERANCE = 0.01
APPROX_TOLERANCE = 0.15
# How much of a part's terms the other fact must share for the part to count as carried.
PART_COVERAGE = 0.5
# ... or whose wording is this close (cosine) to the other fact or one of its parts.
PART_PARAPHRASE = 0.7
# Typed checks fire only between facts that say the same thing otherwise: their embeddings this
# close, and this share of their words other than names in common (a name swap or a negation
# needs more, since two different events often share a number of people and places).
SAME_FACT_SIMILARITY = 0.65
SAME_FACT_AGREEMENT = 0.3
NAME_SWAP_SIMILARITY = 0.72
SAME_WORDS_AGREEMENT = 0.8  # facts this alike in their other words ...
SAME_WORDS_SIMILARITY = 0.5  # ... need only this much embedding similarity
ALL_WORDS_AGREEMENT = 0.9  # facts sharing all their other words need no embedding similarity
NAME_SWAP_AGREEMENT = 0.5
NEGATION_SIMILARITY = 0.7
NEGATION_AGREEMENT = 0.5
# The learned judge, for what the typed checks cannot name: only between close wordings, and only
# when it is very sure (on cross-report pairs it is right about 9 times in 10 at 0.9).
JUDGE_SIMILARITY = 0.75
JUDGE_AGREEMENT = 0.5
JUDGE_THRESHOLD = 0.9

RELATIONAL_WORDS = frozenset(
    "before after up down in out on off over under above below inside outside into onto from to "
    "since until during".split()
)

KIND_LABEL: dict[str, ContradictionKind] = {
    "person": "person", "place": "place", "organization": "organization"
}
# The recogniser's labels of those kinds.
ENT_TYPE_KIND: dict[str, ContradictionKind] = {
    "PERSON": "person", "GPE": "place", "LOC": "place", "ORG": "organization"
}

# One edit: the longest replaced stretch, in words, and the words that must stay the same.
EDIT_MAX_WORDS = 4
EDIT_MIN_SHARED = 3
# Words that may sit inside a name ("Bank of England", "Ludwig van Beethoven").
NAME_JOINERS = frozenset("of the de del da van von der al bin and &".split())
# What "do" support and contractions add around a negation: "says" / "does not say".
NEGATION_SUPPORT = frozenset("do does did".split())


@dataclass(slots=True, frozen=True)
class Word:
    """One word of a fact as the one-edit check reads it."""

    lower: str
    lemma: str
    span: Span
    entity: str | None = None  # the resolved entity the word belongs to
    ent_type: str = ""  # the recogniser's label ("DATE", "CARDINAL", ...)
    capitalised: bool = False
    number: bool = False


@dataclass(slots=True)
class Conflict:
    """A typed contradiction between two members of a group."""

    kind: ContradictionKind
    a: FactView
    b: FactView
    explanation: str
    a_spans: list[Span]
    b_spans: list[Span]
    confidence: float = 1.0


@dataclass(slots=True)
class ViewInfo:
    """What the typed checks read about one fact."""

    quantities: list[Quantity]
    times: list[TimeMention]
    entities: dict[str, tuple[str, str]]  # entity id -> (kind, role)
    negated: bool
    predicate: str
    negation_parity: int = 0  # negations anywhere in the fact's words, modulo 2
    sentence_entities: frozenset[str] = frozenset()  # entities named in the fact's sentence
    voice: str = ""  # who says it: "" for the report itself, else the speaker or "quote"
    conditional: bool = False  # "if", "unless": a hypothetical, whose polarity is not a claim
    words: tuple[Word, ...] = ()  # the fact's own words in order, punctuation left out
    sentence_words: frozenset[str] = frozenset()  # every word of the fact's sentence, lowered


def _same_number(a: Quantity, b: Quantity) -> bool:
    tolerance = APPROX_TOLERANCE if (a.approximate or b.approximate) else NUMBER_TOLERANCE
    big = max(abs(a.value), abs(b.value), 1e-9)
    return abs(a.value - b.value) / big <= tolerance


def _comparable(a: Quantity, b: Quantity) -> bool:
    if a.kind != b.kind and {a.kind, b.kind} != {"count", "measure"}:
        return False
    # Bare numbers ("one of his supporters", "the two were") count nothing nameable.
    if a.unit is None or b.unit is None:
        return False
    return unit_synonyms(a.unit, b.unit)


def number_conflict(a: ViewInfo, b: ViewInfo) -> tuple[Quantity, Quantity] | None:
    """Each side gives a number of some thing that the other side counts differently.

    Both directions must hold, so that "30,000 soldiers and 100 tanks" / "30,000 troops" is no
    conflict, while "$200 million and $600 million" / "$200 million and $1,000 million" is."""
    def lonely(side: list[Quantity], other: list[Quantity]) -> list[Quantity]:
        out = []
        for x in side:
            comparable = [y for y in other if _comparable(x, y)]
            if comparable and not any(_same_number(x, y) for y in comparable):
                out.append(x)
        return out

    only_a = lonely(a.quantities, b.quantities)
    only_b = lonely(b.quantities, a.quantities)
    if not only_a or not only_b:
        return None
    pairs = [(x, y) for x in only_a for y in only_b if _comparable(x, y)]
    if not pairs:
        return None
    # Report the pair of the same unit, or the first.
    return next(((x, y) for x, y in pairs if x.unit == y.unit), pairs[0])


def _time_key(t: TimeMention, granularity: str) -> str | None:
    v = t.value
    if v is None:
        return None
    if granularity == "month":
        if t.granularity == "month":
            return v[-2:] if v.startswith("M:") else v[5:7]
        if t.granularity == "day":
            return v[2:4] if v.startswith("M:") else v[5:7]
        return None
    if t.granularity != granularity:
        return None
    return v


def date_conflict(a: ViewInfo, b: ViewInfo) -> tuple[TimeMention, TimeMention] | None:
    for granularity in ("day", "weekday", "month", "year"):
        pairs = []
        for x in a.times:
            for y in b.times:
                kx, ky = _time_key(x, granularity), _time_key(y, granularity)
                if kx is not None and ky is not None:
                    pairs.append((x, y, kx == ky))
        if pairs:
            if any(same for _, _, same in pairs):
                return None
            x, y, _ = pairs[0]
            return x, y
    return None


def name_conflict(
    a: ViewInfo, b: ViewInfo, names: dict[str, str] | None = None, *, same_words: bool = False
) -> tuple[ContradictionKind, str, str] | None:
    """(kind, entity of a, entity of b) when a name in one role is replaced by another.

    With ``same_words`` (the two facts share all their other words), the roles need not match
    — the parser often labels a dateline or a parenthesis differently in two wordings — as long
    as each fact has a single unmatched name of that kind."""
    only_a = {e: v for e, v in a.entities.items() if e not in b.entities}
    only_b = {e: v for e, v in b.entities.items() if e not in a.entities}
    for ea, (kind_a, role_a) in only_a.items():
        for eb, (kind_b, role_b) in only_b.items():
            if kind_a != kind_b or kind_a not in KIND_LABEL:
                continue
            single = (
                sum(k == kind_a for k, _ in only_a.values()) == 1
                and sum(k == kind_b for k, _ in only_b.values()) == 1
            )
            # "in the Oval Office" / "at the White House": different prepositions, a place
            # within a place, not a contradiction.
            both_prepositional = role_a.startswith("prep:") and role_b.startswith("prep:")
            if role_a != role_b and (both_prepositional or not (same_words and single)):
                continue
            if names and _related_names(names.get(ea, ea), names.get(eb, eb)):
                continue
            return KIND_LABEL[kind_a], ea, eb
    return None


def _is_country(name: str) -> bool:
    aliases, _ = places()
    return fold(name) in aliases


def _related_names(a: str, b: str) -> bool:
    """Names that may well denote the same actor: one holds a word of the other ("Democratic
    National Committee" / "Democratic Party") or is its acronym ("CIA")."""
    wa = {w.lower() for w in a.replace("-", " ").split() if len(w) > 2}
    wb = {w.lower() for w in b.replace("-", " ").split() if len(w) > 2}
    if wa & wb:
        return True
    def initials(words: str) -> str:
        return "".join(w[0] for w in words.split() if w[:1].isupper())
    return a.replace(".", "") == initials(b) or b.replace(".", "") == initials(a)


def role_of(tok: Token, head: int) -> str:
    """The grammatical role of a mention in its fact: "nsubj", "dobj", "prep:in", ..."""
    cur = tok
    for _ in range(8):
        if cur.dep_ in ("compound", "amod", "flat", "appos", "nmod", "poss", "det", "case"):
            if cur.head.i == cur.i:
                break
            cur = cur.head
            continue
        break
    if cur.dep_ == "pobj":
        return f"prep:{cur.head.lower_}"
    if cur.dep_ == "conj":
        # A coordinated name shares its first conjunct's role.
        first = cur
        while first.dep_ == "conj" and first.head.i != first.i:
            first = first.head
        return role_of(first, head) if first.i != cur.i else cur.dep_
    return cur.dep_


def minimal_details(parts: list[tuple[Span, float]]) -> list[Span]:
    """Keep uncovered parts that do not contain a smaller uncovered part."""
    uncovered = [s for s, cov in parts if cov < PART_COVERAGE]
    out: list[Span] = []
    for s in sorted(uncovered, key=lambda s: s.end - s.start):
        if any(o.start >= s.start and o.end <= s.end for o in out):
            continue
        out.append(s)
    return sorted(out, key=lambda s: s.start)


def detail_kind(span: Span, info: ViewInfo) -> str:
    if any(q.span.start >= span.start and q.span.end <= span.end for q in info.quantities):
        return "number"
    if any(t.span.start >= span.start and t.span.end <= span.end for t in info.times):
        return "date"
    return "addition"


def group_details(group: FactGroup) -> list[Detail]:
    """Parts of each member that no other member of the group carries.

    A part is carried by another member when that member shares most of its terms, or, for a
    phrase of several words, when it says the same in other words (the phrase's embedding is
    close to the other fact or to one of its parts: "not doing enough to curb cocaine flows" /
    "not doing enough to combat cocaine trafficking"). Each member carries its parts
    (:attr:`FactView.parts`), their embeddings (:attr:`FactView.part_vectors`) and its
    :attr:`FactView.info`.
    """
    details: list[Detail] = []
    for m in group.members:
        others = [o for o in group.members if o is not m]
        scored: list[tuple[Span, float]] = []
        for k, (span, terms) in enumerate(m.parts):
            if not terms:
                continue
            coverage = max(len(terms & o.terms) / len(terms) for o in others)
            vec = m.part_vectors.get(k)
            if coverage < PART_COVERAGE and vec is not None:
                for o in others:
                    candidates = [o.vector, *o.part_vectors.values()]
                    best = max(float(vec @ c) for c in candidates if c is not None)
                    if best >= PART_PARAPHRASE:
                        coverage = 1.0
                        break
            scored.append((span, coverage))
        for span in minimal_details(scored):
            assert m.info is not None  # set by the facts stage for every view
            details.append(Detail(span, detail_kind(span, m.info), "only this report"))
    return details


_WORD = re.compile(r"[\w’'-]+")
_POSSESSIVE = re.compile(r"['’]s?$")
_POLARITY_WORDS = NEGATIONS | NEGATIVE_PREDICATES | {
    "denied", "denies", "denying", "did", "does", "do", "said", "says", "say", "told", "has",
    "had", "have", "is", "was", "are", "were",
}


def explain_judged(
    a: FactView, b: FactView, ia: ViewInfo, ib: ViewInfo, names: dict[str, str]
) -> ContradictionKind | None:
    """The kind of a contradiction the judge found, read off the words that differ; None when
    the difference is only a rewording of the same polarity ("denied his campaign colluded" /
    "said his campaign did not collude")."""
    ta = [w.lower() for w in _WORD.findall(a.fact.statement)]
    tb = [w.lower() for w in _WORD.findall(b.fact.statement)]
    changed: set[str] = set()
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
        if op != "equal":
            changed.update(ta[i1:i2])
            changed.update(tb[j1:j2])
    if not changed:
        return None
    same_polarity = ia.negation_parity == ib.negation_parity
    if changed & _POLARITY_WORDS and same_polarity:
        return None  # reworded polarity the judge misreads; the typed analysis says it agrees
    if changed <= _POLARITY_WORDS:
        return "negation"
    # "entered" / "did not enter": one verb, negated in one wording.
    edit = one_edit(ia, ib)
    if edit is not None and not same_polarity and _negation_edit(*edit):
        return "negation"
    if any(any(c.isdigit() for c in w) for w in changed):
        return "number"
    if changed & {m for m in MONTHS} | changed & {d for d in WEEKDAYS}:
        return "date"
    # Names compare without a possessive ending or a joined tag ("Romney’s", "R-Fla.").
    bits = {p.rstrip(".") for w in changed for p in _POSSESSIVE.sub("", w).split("-") if p}
    for info in (ia, ib):
        for entity, (kind, _) in info.entities.items():
            words = {w.lower() for w in _WORD.findall(names.get(entity, ""))}
            if words & (changed | bits) and kind in KIND_LABEL:
                return KIND_LABEL[kind]
    # A changed word the recogniser tagged as a name of a kind, though no entity of the fact
    # holds it ("Mr. Reid's description" / "Mr. Romney's description" in a fact about states).
    for info in (ia, ib):
        for w in info.words:
            if w.lower.rstrip(".") in bits and w.capitalised and w.ent_type in ENT_TYPE_KIND:
                return ENT_TYPE_KIND[w.ent_type]
    return "other"


def judge_candidate(a: FactView, b: FactView, ia: ViewInfo, ib: ViewInfo) -> bool:
    """Whether two aligned facts are close enough for the judge's verdict to be trusted: the
    judge was trained on pairs that say the same thing but for one change."""
    if ia.voice != ib.voice or a.part or b.part:
        return False
    similarity = float(a.vector @ b.vector) if a.vector is not None and b.vector is not None else 0
    return similarity >= JUDGE_SIMILARITY and agreement(a, b) >= JUDGE_AGREEMENT


def one_edit(a: ViewInfo, b: ViewInfo) -> tuple[tuple[Word, ...], tuple[Word, ...]] | None:
    """The one stretch of words that differs between two otherwise identical wordings.

    Returns what stands in each (one of them may be empty: a word added or dropped), or None
    when the wordings differ in more than one place, in a long stretch, or share too little."""
    if not a.words or not b.words:
        return None
    wa = [w.lower for w in a.words]
    wb = [w.lower for w in b.words]
    ops = [
        op for op in difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes()
        if op[0] != "equal"
    ]
    if len(ops) != 1:
        return None
    _, i1, i2, j1, j2 = ops[0]
    if max(i2 - i1, j2 - j1) > EDIT_MAX_WORDS or len(wa) - (i2 - i1) < EDIT_MIN_SHARED:
        return None
    return a.words[i1:i2], b.words[j1:j2]


def _calendar_value(w: Word) -> str | None:
    """What a calendar word names: "M3" for "March" and "Mar.", "W:MON" for "Monday"."""
    if w.lower == "may" and not w.capitalised:
        return None  # the verb
    month = month_of(w.lower)
    return f"M{month}" if month is not None else weekday_of(w.lower)


def _is_date_word(w: Word) -> bool:
    return w.ent_type == "DATE" or _calendar_value(w) is not None


_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$")


def _numeral(w: Word) -> str:
    """A number word without an ordinal ending: "24th" is the 24 of "April 24"."""
    m = _ORDINAL.match(w.lower)
    return m.group(1) if m else w.span.text


def _date_values(words: tuple[Word, ...]) -> list[str]:
    """The calendar names and numbers of a date ("March 3", "2016"), not "last" or "past"."""
    return [
        v for w in words
        if (v := _calendar_value(w) or (_numeral(w) if w.number and w.ent_type == "DATE" else None))
    ]


def _is_name(words: tuple[Word, ...]) -> bool:
    """Capitalised words, possibly joined by "of", "van" ...: a name, not a title."""
    if not words or not words[0].capitalised or not words[-1].capitalised:
        return False
    return all(
        (w.capitalised or w.lower in NAME_JOINERS)
        and w.lower.rstrip(".") not in TITLE_WORDS
        and not _is_date_word(w)
        and not w.number
        for w in words
    )


def _number_value(words: tuple[Word, ...]) -> float | None:
    if len(words) != 1 or not words[0].number:
        return None
    return parse_number(_numeral(words[0]))


def _covering(words: tuple[Word, ...], fact_spans: Sequence[Span]) -> list[Span]:
    """The words as one span of the document when a fact span holds them all."""
    first, last = words[0].span, words[-1].span
    for fs in fact_spans:
        if fs.document == first.document and fs.start <= first.start and last.end <= fs.end:
            text = fs.text[first.start - fs.start : last.end - fs.start]
            return [Span(first.document, first.start, last.end, text)]
    return [w.span for w in words]


def _surface(words: tuple[Word, ...], fact_spans: Sequence[Span]) -> str:
    return " ".join(s.text for s in _covering(words, fact_spans))


def edit_conflict(
    a: FactView,
    b: FactView,
    ia: ViewInfo,
    ib: ViewInfo,
    antonyms: set[frozenset[str]] | None = None,
    entity_names: dict[str, str] | None = None,
) -> Conflict | None:
    """A contradiction made by one edit of otherwise identical wordings (see :func:`one_edit`):
    a number, a date, a name or an opposite word replaced, or a negation added or dropped."""
    edit = one_edit(ia, ib)
    if edit is None:
        return None
    ra, rb = edit
    names = entity_names or {}
    sa, sb = list(a.fact.spans), list(b.fact.spans)
    if ra and rb:
        date = all(_is_date_word(w) for w in (*ra, *rb))

        def replaced(kind: ContradictionKind) -> Conflict:
            ca, cb = _covering(ra, sa), _covering(rb, sb)
            said_a, said_b = (" ".join(sp.text for sp in c) for c in (ca, cb))
            return Conflict(kind, a, b, f"{said_a!r} against {said_b!r}", ca, cb)

        x, y = _number_value(ra), _number_value(rb)
        if x is not None and y is not None:
            if x == y:
                return None  # "10,000" / "10000"
            if not date and (
                bool(_ORDINAL.match(ra[0].lower)) != bool(_ORDINAL.match(rb[0].lower))
                or _is_date_word(ra[0]) != _is_date_word(rb[0])
            ):
                return None  # "the 86th Oscars" / "the 2014 Oscars": two ways to name one thing
            return replaced("date" if date else "number")
        da, db = _date_values(ra), _date_values(rb)
        if date and da and db and da != db:
            return replaced("date")
        if _is_name(ra) and _is_name(rb):
            return _name_edit(a, b, ia, ib, ra, rb, names)
    polar = not (a.part or b.part) and ia.voice == ib.voice and _asserted(ia, ib, ra, rb)
    if not polar:
        return None
    # "shortly after" / "shortly before" the same event relate two facts to it: not opposites.
    if antonyms and len(ra) == 1 and len(rb) == 1 and ra[0].lower not in RELATIONAL_WORDS and (
        frozenset((ra[0].lemma, rb[0].lemma)) in antonyms
        or frozenset((ra[0].lower, rb[0].lower)) in antonyms
    ):
        return Conflict(
            "other", a, b, f"{ra[0].lemma!r} against {rb[0].lemma!r}", sa, sb, 0.8
        )
    if _negation_edit(ra, rb):
        neg, pos = ("first", "second") if _negations(ra) % 2 else ("second", "first")
        return Conflict(
            "negation", a, b, f"the {neg} report denies what the {pos} asserts", sa, sb
        )
    return None


def _asserted(ia: ViewInfo, ib: ViewInfo, ra: tuple[Word, ...], rb: tuple[Word, ...]) -> bool:
    """Whether the edited words are asserted, not part of a hypothetical. A fact with "if" or
    "unless" is a hypothetical throughout; "whether" opens a question only after it, so an edit
    before it ("was asked whether" / "was not asked whether") changes an assertion."""
    if not (ia.conditional or ib.conditional):
        return True
    # The words before the edit are the same in both: its index is the same in both.
    at = next(i for i, w in enumerate(ia.words) if w is ra[0]) if ra else next(
        i for i, w in enumerate(ib.words) if w is rb[0]
    )
    return all(
        w.lower == "whether" and i > at
        for info in (ia, ib)
        for i, w in enumerate(info.words)
        if w.lower in CONDITIONALS
    )


def _bare(words: tuple[Word, ...]) -> list[str]:
    """The words' lemmas without negations and the "do" that carries one."""
    return [w.lemma for w in words if w.lower not in NEGATIONS and w.lemma not in
            NEGATION_SUPPORT and w.lower not in NEGATION_SUPPORT]  # fmt: skip


def _negations(words: tuple[Word, ...]) -> int:
    return sum(w.lower in NEGATIONS for w in words)


def _negation_edit(ra: tuple[Word, ...], rb: tuple[Word, ...]) -> bool:
    """"says" / "does not say", "have never" / "have": the same words once a negation (and the
    "do" that carries it) is taken out, negated in one of them only."""
    return _bare(ra) == _bare(rb) and _negations(ra) % 2 != _negations(rb) % 2


def _continues_name(words: tuple[Word, ...], run: tuple[Word, ...]) -> bool:
    """Whether the name that ``run`` is part of goes on right before or after it."""
    start = next(i for i, w in enumerate(words) if w is run[0])
    end = start + len(run)

    def name_word(w: Word) -> bool:
        return w.capitalised and not w.number and w.lower.rstrip(".") not in TITLE_WORDS

    before = words[start - 1] if start > 0 else None
    after = words[end] if end < len(words) else None
    # Adjacent: at most a space between (a comma or a bracket is no part of a name).
    return (
        before is not None and name_word(before) and run[0].span.start - before.span.end <= 1
    ) or (
        after is not None and name_word(after) and after.span.start - run[-1].span.end <= 1
    )


def _name_edit(
    a: FactView, b: FactView, ia: ViewInfo, ib: ViewInfo,
    ra: tuple[Word, ...], rb: tuple[Word, ...], names: dict[str, str],
) -> Conflict | None:
    """One name in place of another: of the kind the recogniser gave either of them."""
    # A name that goes on past the edit is one name spelt two ways ("Wendy Wasserman Schultz" /
    # "Debbie Wasserman Schultz"), a difference in detail rather than another actor.
    if _continues_name(ia.words, ra) or _continues_name(ib.words, rb):
        return None
    ea = [w.entity for w in ra if w.entity]
    eb = [w.entity for w in rb if w.entity]
    if set(ea) & set(eb):
        return None  # "U.S." / "American": two names of one entity
    kinds = [ia.entities[e][0] for e in ea if e in ia.entities]
    kinds += [ib.entities[e][0] for e in eb if e in ib.entities]
    kind = next((k for k in kinds if k in KIND_LABEL), None)
    if kind is None:
        return None
    sa, sb = list(a.fact.spans), list(b.fact.spans)
    name_a = (names.get(ea[0]) if ea else None) or _surface(ra, sa)
    name_b = (names.get(eb[0]) if eb else None) or _surface(rb, sb)
    if _related_names(name_a, name_b):
        return None
    # A report whose sentence names the other's actor too tells of two actors; unless the two
    # sentences are the same words but for this edit (one copy of one sentence, in which the
    # other name keeps its other place: "Hunter asked ..., Boehner said" / "..., Hunter said").
    names_both = {w.lower for w in rb} <= ia.sentence_words or {
        w.lower for w in ra
    } <= ib.sentence_words
    if names_both and not _same_sentence_but(ia, ib, ra, rb):
        return None
    return Conflict(
        KIND_LABEL[kind], a, b, f"{name_a} against {name_b}", _covering(ra, sa), _covering(rb, sb)
    )


def _same_sentence_but(
    ia: ViewInfo, ib: ViewInfo, ra: tuple[Word, ...], rb: tuple[Word, ...]
) -> bool:
    """Whether the facts' two sentences use the same words but for those of the edit."""
    if not ia.sentence_words or not ib.sentence_words:
        return False
    edited = {w.lower for w in (*ra, *rb)}
    return ia.sentence_words ^ ib.sentence_words <= edited


def agreement(a: FactView, b: FactView) -> float:
    """Jaccard overlap of the two facts' terms other than names."""
    ta = {t for t in a.terms if not t.startswith("@")}
    tb = {t for t in b.terms if not t.startswith("@")}
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def find_conflict(
    a: FactView,
    b: FactView,
    ia: ViewInfo,
    ib: ViewInfo,
    similarity: float,
    antonyms: set[frozenset[str]] | None = None,
    entity_names: dict[str, str] | None = None,
    entity_documents: dict[str, set[str]] | None = None,
) -> Conflict | None:
    """The first typed contradiction between two aligned facts, or None."""
    names = entity_names or {}
    edited = edit_conflict(a, b, ia, ib, antonyms, names)
    if edited is not None:
        return edited
    agree = agreement(a, b)
    # When every other word is shared, a changed name or number alone moves the embeddings.
    same_words = agree >= SAME_WORDS_AGREEMENT
    floor = SAME_WORDS_SIMILARITY if same_words else SAME_FACT_SIMILARITY
    if agree >= ALL_WORDS_AGREEMENT:
        floor = 0.0
    if similarity < floor or agree < SAME_FACT_AGREEMENT:
        return None
    pair = number_conflict(ia, ib)
    if pair is not None:
        qa, qb = pair
        return Conflict(
            "number", a, b, f"{qa.span.text!r} against {qb.span.text!r}", [qa.span], [qb.span]
        )
    dates = date_conflict(ia, ib)
    if dates is not None:
        ta, tb = dates
        return Conflict(
            "date", a, b, f"{ta.span.text!r} against {tb.span.text!r}", [ta.span], [tb.span]
        )
    swap = name_conflict(ia, ib, names, same_words=same_words)
    if swap is not None and swap[0] == "place" and not same_words and not (
        _is_country(names.get(swap[1], "")) and _is_country(names.get(swap[2], ""))
    ):
        # "in New York" / "in Manhattan": places are named at different scales; only two
        # countries, or a sentence otherwise word for word the same, make a clear conflict.
        swap = None
    if swap is not None:
        # A report whose sentence names the other's actor too is telling of two actors, not
        # contradicting ("Boyd, an assistant to Boente, wrote" / "Boyd wrote").
        _, ea, eb = swap
        if eb in ia.sentence_entities or ea in ib.sentence_entities:
            swap = None
    name_floor = floor if same_words else NAME_SWAP_SIMILARITY
    if swap is not None and similarity >= name_floor and agree >= NAME_SWAP_AGREEMENT:
        kind, ea, eb = swap
        return Conflict(
            kind, a, b, f"{names.get(ea, ea)} against {names.get(eb, eb)}",
            list(a.fact.spans), list(b.fact.spans),
        )
    # Both the predicate's own negation and the count of negations in the words must differ,
    # so that a parser hanging a "not" elsewhere in one wording is no contradiction; and both
    # reports must speak with the same voice: a critic quoted saying "that's not putting people
    # back to work" does not contradict another report's account.
    # Polarity belongs to whole statements: not to a phrase matched in the second alignment
    # pass, nor to a hypothetical.
    polar = not (a.part or b.part or ia.conditional or ib.conditional)
    if (
        polar
        and ia.voice == ib.voice
        and ia.negated != ib.negated
        and ia.negation_parity != ib.negation_parity
        and similarity >= NEGATION_SIMILARITY
        and agree >= NEGATION_AGREEMENT
    ):
        neg, pos = ("first", "second") if ia.negated else ("second", "first")
        return Conflict(
            "negation", a, b, f"the {neg} report denies what the {pos} asserts",
            list(a.fact.spans), list(b.fact.spans),
        )
    if (
        antonyms
        and polar
        and ia.voice == ib.voice
        and frozenset((ia.predicate, ib.predicate)) in antonyms
        # "before losing a primary" / "after losing the primary": prepositions relate the fact
        # to different anchors, so opposite prepositions are no opposite claims.
        and not {ia.predicate, ib.predicate} & RELATIONAL_WORDS
    ):
        return Conflict(
            "other", a, b, f"{ia.predicate!r} against {ib.predicate!r}",
            list(a.fact.spans), list(b.fact.spans), 0.8,
        )
    return None


def group_conflicts(
    group: FactGroup,
    antonyms: set[frozenset[str]] | None = None,
    entity_names: dict[str, str] | None = None,
    entity_documents: dict[str, set[str]] | None = None,
) -> list[Conflict]:
    """The typed contradictions between the members of a group, pair by pair (each member
    carries its :attr:`FactView.info` and vector)."""
    out: list[Conflict] = []
    members: Sequence[FactView] = group.members
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            # Set by the facts stage.
            assert a.info is not None and b.info is not None
            assert a.vector is not None
            sim = float(a.vector @ b.vector)
            c = find_conflict(a, b, a.info, b.info, sim, antonyms, entity_names, entity_documents)
            if c is not None:
                out.append(c)
    return out
