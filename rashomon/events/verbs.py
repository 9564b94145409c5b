"""Verb coding: a verb of a dependency parse -> its CAMEO code by the dictionary's patterns.

PETRARCH2 matches its patterns on constituency trees; here a pattern's words before ``*`` are
looked for among the words of the clause before the verb, its nouns after ``*`` in the verb's
own dependents after it, and its ``(PREP NOUN)`` phrases as a preposition depending on the verb
(or on its object) with the noun inside. The most specific matching pattern wins; with none,
the verb's own code applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rashomon.events.dictionaries import Pattern, Slot, VerbDictionary, VerbEntry

if TYPE_CHECKING:
    from spacy.tokens import Token

# Dependents that start another clause: their words belong to another event.
CLAUSE_DEPS = {"ccomp", "xcomp", "advcl", "relcl", "acl", "parataxis", "csubj", "conj"}


@dataclass(slots=True)
class VerbCode:
    """What the dictionary says about one verb occurrence."""

    entry: VerbEntry
    code: str
    pattern: Pattern | None
    slot_tokens: dict[str, list[Token]]  # "source"/"target" -> tokens a pattern marked
    extra: list[Token]  # particle tokens that belong to the verb ("meet with")


def _word(token: Token) -> set[str]:
    return {token.text.upper(), token.lemma_.upper()}


def lookup(verb: Token, verbs: VerbDictionary) -> tuple[VerbEntry, list[Token]] | None:
    """The dictionary entry of ``verb``, preferring multi-word verbs whose particles follow."""
    doc = verb.doc
    candidates = verbs.forms.get(verb.text.upper(), []) or verbs.forms.get(verb.lemma_.upper(), [])
    best: tuple[int, VerbEntry, list[Token]] | None = None
    for entry in candidates:
        extra: list[Token] = []
        ok = True
        for k, word in enumerate(entry.particles):
            i = verb.i + 1 + k
            if i >= len(doc) or word not in _word(doc[i]):
                ok = False
                break
            extra.append(doc[i])
        for k, word in enumerate(reversed(entry.before)):
            i = verb.i - 1 - k
            if i < 0 or word not in _word(doc[i]):
                ok = False
                break
            extra.append(doc[i])
        # "arrested and ..." multi-word entries only when the particle is not a plain "and".
        if not ok:
            continue
        size = len(entry.particles) + len(entry.before)
        if best is None or size > best[0]:
            best = (size, entry, extra)
    if best is None:
        return None
    return best[1], best[2]


class Pool:
    """Tokens to look for pattern words in, indexed by word (patterns are many, tokens few)."""

    __slots__ = ("index", "tokens", "words")

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.words = [_word(t) for t in tokens]
        self.index: dict[str, list[int]] = {}
        for k, words in enumerate(self.words):
            for w in words:
                self.index.setdefault(w, []).append(k)

    def find(self, alternatives: list[tuple[str, ...]]) -> list[Token] | None:
        """The first run of tokens (consecutive in the text) spelling one of ``alternatives``."""
        tokens, words = self.tokens, self.words
        for alt in alternatives:
            if not alt:
                continue
            n = len(alt)
            for k in self.index.get(alt[0], ()):
                if k + n > len(tokens):
                    continue
                if all(tokens[k + j].i == tokens[k].i + j and alt[j] in words[k + j]
                       for j in range(1, n)):  # fmt: skip
                    return tokens[k : k + n]
        return None


def after_tokens(verb: Token, deep: bool = False) -> list[Token]:
    """The verb's dependents after it, down to (not into) other clauses; ``deep`` also enters
    participles that modify a noun ("the roads leading into Mordor")."""
    stop = CLAUSE_DEPS - {"acl"} if deep else CLAUSE_DEPS
    out: list[Token] = []
    stack = [c for c in verb.children if c.i > verb.i and c.dep_ not in stop]
    while stack:
        tok = stack.pop()
        out.append(tok)
        stack.extend(c for c in tok.children if c.dep_ not in stop)
    return sorted(out, key=lambda t: t.i)


def _before_tokens(verb: Token) -> list[Token]:
    """Words of the clause before the verb: its left dependents and what it hangs from."""
    out: list[Token] = []
    for c in verb.children:
        if c.i < verb.i and c.dep_ not in CLAUSE_DEPS - {"conj"}:
            out.extend(c.subtree)
    head = verb
    # "is about to restore": the words of the governing verbs count as before the verb.
    while head.dep_ in {"xcomp", "ccomp", "conj"} and head.head != head:
        head = head.head
        out.append(head)
        out.extend(t for c in head.children if c.i < head.i for t in c.subtree)
    return sorted({t.i: t for t in out}.values(), key=lambda t: t.i)


def _match_slot(slot: Slot, pool: Pool) -> list[Token] | None:
    if slot.compound:
        return _match_compound(slot, pool)
    if slot.prep is None:
        return pool.find(slot.alternatives)
    for k in pool.index.get(slot.prep, ()):
        tok = pool.tokens[k]
        if tok.dep_ in {"prep", "agent", "dative", "prt"}:
            inside = [t for t in tok.subtree if t != tok]
            if slot.alternatives == [()]:
                return [tok, *inside]
            found = Pool(inside).find(slot.alternatives)
            if found is not None:
                return [tok, *found]
    return None


_COMPOUND_DEPS = {"nsubj", "nsubjpass", "dobj", "pobj"}


def _match_compound(slot: Slot, pool: Pool) -> list[Token] | None:
    """PETRARCH2's ``%``: a conjoined actor in the pool's part of the clause (the subject
    before the verb, an object after it: "agree with Gondor and Osgiliath")."""
    for tok in pool.tokens:
        if slot.prep is None and tok.dep_ in _COMPOUND_DEPS and tok.conjuncts:
            return [tok, *tok.conjuncts]
        if slot.prep is not None and tok.dep_ == "pobj" and tok.conjuncts and (
                tok.head.text.upper() == slot.prep):  # fmt: skip
            return [tok.head, tok, *tok.conjuncts]
    return None


def code_verb(verb: Token, verbs: VerbDictionary) -> VerbCode | None:
    """Code ``verb`` (None when the dictionary does not know it)."""
    found = lookup(verb, verbs)
    if found is None:
        return None
    entry, extra = found
    before = Pool(_before_tokens(verb))
    after = Pool([t for t in after_tokens(verb) if t not in extra])
    best: tuple[tuple[int, bool, int], Pattern, dict[str, list[Token]]] | None = None
    for pattern in verbs.patterns.get(entry.block, ()):
        roles: dict[str, list[Token]] = {}
        ok = True
        for side, pool in ((pattern.before, before), (pattern.after, after)):
            for slot in side:
                got = _match_slot(slot, pool) if (
                    slot.alternatives != [()] or slot.prep or slot.compound) else []
                if got is None:
                    ok = False
                    break
                if slot.role:
                    roles[slot.role] = got
            if not ok:
                break
        if not ok:
            continue
        if pattern.weight == 0:
            continue
        # ties: a pattern written for this very verb, and for it alone, first
        weight = (pattern.weight, entry.root in pattern.for_verbs, -len(pattern.for_verbs))
        if best is None or weight > best[0]:
            best = (weight, pattern, roles)
    if best is None:
        return VerbCode(entry, entry.code, None, {}, extra)
    return VerbCode(entry, best[1].code, best[1], best[2], extra)
