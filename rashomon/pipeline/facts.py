"""Stage 4: break each sentence into atomic facts.

A sentence such as "Petro is set to meet Trump in Washington on Tuesday, marking their first
in-person encounter after months of escalating tensions over Venezuela, drug trafficking and
oil" holds several facts, and another report may carry some of them and not the others. The
cascade, on the dependency parse:

1. **clauses**: the root, the clauses coordinated with it, non-restrictive relative clauses,
   asserted adverbial clauses and long participial or prepositional pieces become facts of
   their own (:func:`_is_clause_head`, :func:`_split_adjuncts`). A piece that is not a clause
   ("..., marking their first in-person encounter") is stated with the bare clause it hangs
   from (:func:`_borrowed_core`), and nothing is lifted out of someone's claim or belief or out
   of a condition without that frame (:func:`framed`): "Sestak said he almost interrupted
   Clinton" stays said by Sestak. Borrowed words are the fact's context, not its evidence;
2. **coordinated items**: heavy coordinated noun phrases ("criticism of US strikes ..., as
   well as the United States' immigration policies") give one fact per item;
3. **parts**: what stays inside a fact but that one report may add or leave out ("on
   Tuesday", "and Pacific", "for a high-stakes trip") is kept as the fact's parts, so that
   aligned facts can be told apart by their details.

Every fact keeps the exact character spans of the words that carry it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from rashomon.model import Fact, Resolution, Span
from rashomon.pipeline.annotate import ParsedDoc
from rashomon.pipeline.lexicon import (
    CONDITIONAL_MARKERS,
    FRAMING_VERBS,
    HEDGES,
    NEGATIONS,
    NEGATIVE_PREDICATES,
    NOUN_ONLY_PREPOSITIONS,
    PERSONAL_TITLES,
    SPEECH_VERBS,
    SPLIT_PREPOSITIONS,
)

CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV"})
_NOUN_CORE_DEPS = frozenset(
    {"det", "amod", "compound", "nummod", "poss", "nmod", "case", "quantmod"}
)
_EDGE_DROP_DEPS = frozenset({"cc", "punct", "mark", "preconj", "dep"})
_EXPECT_LEMMAS = frozenset({"expect", "set", "plan", "schedule", "due", "intend", "aim"})

# A fact needs this many content words to stand on its own; smaller pieces stay parts.
MIN_FACT_CONTENT = 2
MIN_SPLIT_CONTENT = 3
MIN_NOUN_SPLIT_CONTENT = 5


@dataclass(slots=True)
class Draft:
    """A fact under construction: token indices into one parsed document."""

    sentence: int
    head: int
    tokens: set[int]
    context: list[int] = field(default_factory=list)
    kind: str = "clause"  # "clause", "modifier", "adjunct", "item"
    # For a piece stated with the clause it hangs from: the context it is aligned with.
    focus: list[int] | None = None


def is_content(tok: Token) -> bool:
    return (
        tok.pos_ in CONTENT_POS and not tok.is_stop and not tok.is_punct
        and tok.text.strip() != ""
    )


def content_count(tokens: Iterable[Token]) -> int:
    return sum(1 for t in tokens if is_content(t))


def _is_infinitive(tok: Token) -> bool:
    """ "to curb cocaine flows": a purpose or complement infinitive stays with its clause."""
    return tok.tag_ == "VB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)


def _conditional(tok: Token) -> bool:
    """ "if Trump attacks", "unless talks resume": a clause that states a condition."""
    return any(
        c.dep_ in ("mark", "advmod") and c.lower_ in CONDITIONAL_MARKERS for c in tok.children
    ) or (tok.dep_ == "advcl" and tok.doc[max(tok.left_edge.i - 1, 0)].lower_ in ("if", "unless"))


# Subordinators after which a clause is not asserted: "before anyone could stop him", "so that
# talks resume", "as if it were over", "than expected", "until a deal is reached".
_NON_FACTIVE = frozenset({"before", "until", "till", "lest", "than", "though", "so"})
_TEMPORAL = frozenset({"when", "whenever", "once", "after", "while"})
_FUTURE = frozenset({"will", "would", "shall", "could", "might", "may", "can", "should"})


def _asserted(tok: Token) -> bool:
    """Whether an adverbial clause states something as fact ("after the talks ended", "because
    the deal failed"), unlike "before anyone could stop him", "so that talks resume", "as if it
    were over", or a future "when talks resume, ..." (a condition in all but name)."""
    words = {c.lower_ for c in tok.children if c.dep_ in ("mark", "advmod")}
    if words & _NON_FACTIVE or _conditional(tok):
        return False
    if words & _TEMPORAL and tok.tag_ in ("VBZ", "VBP", "VB"):
        governor = tok.head
        return not any(c.lower_ in _FUTURE for c in governor.children if c.dep_ == "aux")
    return True


def framed(tok: Token) -> bool:
    """Whether a clause sits inside someone's claim or belief, or inside a condition: on its own
    it would read as the report's assertion, so it must stay with what frames it.

    "Sestak said [he almost interrupted Clinton]", "officials believe [the talks failed and
    [the envoy left]]", "[if Trump attacks], Petro will respond", "Petro will respond [if ...]".
    """
    cur = tok
    for _ in range(12):
        if cur.dep_ == "ROOT" or cur.head.i == cur.i:
            return False
        if cur.dep_ in ("ccomp", "csubj", "xcomp", "parataxis", "dep") and (
            cur.head.lemma_.lower() in FRAMING_VERBS
        ):
            return True
        if cur.dep_ == "advcl" and not _asserted(cur):
            return True
        cur = cur.head
    return True  # a deep chain: keep it with its frame, to be safe


def _relative_adverb(head: Token) -> Token | None:
    """ "wherein", "where", "when" opening a relative clause that has its own subject ("exchanges
    wherein Petro condemned US operations"): the clause is whole without its antecedent."""
    has_subject = any(c.dep_ in ("nsubj", "nsubjpass") for c in head.children)
    for c in head.children:
        if c.i < head.i and c.dep_ == "advmod" and c.tag_ == "WRB" and has_subject:
            return c
    return None


def _coordinated(conj: Token) -> bool:
    """Whether a conjunct verb is joined to its head by a conjunction or a comma ("arrived and
    met", "arrived, met"), not by a parse that took "delayed the decision to re - certify" for
    two clauses ("Trump certify the agreement" would be no fact of the report's)."""
    between = conj.doc[min(conj.i, conj.head.i) + 1 : max(conj.i, conj.head.i)]
    return any(t.dep_ in ("cc", "preconj") or t.text in (",", ";") for t in between)


def _is_clause_head(tok: Token, sent: SpacySpan) -> bool:
    """Where a sentence splits into facts: its root, clauses coordinated with a fact's clause
    ("Petro arrived and met Trump"), relative clauses, and adverbial or participial clauses
    ("..., marking their first in-person encounter"). A conditional clause stays with what it
    conditions; a clause under someone's claim or belief or under a condition (:func:`framed`)
    is a fact only together with that frame (:func:`_borrowed_core`)."""
    if tok.i == sent.root.i:
        return True
    if _is_infinitive(tok) or tok.pos_ not in ("VERB", "AUX"):
        return False
    dep = tok.dep_
    if dep == "advcl":
        return _asserted(tok)
    if dep == "relcl":
        # "Petro, who took office in 2022, ..." asserts something; "the deal that Democrats
        # backed" only says which deal, and stays with its clause.
        if _relative_adverb(tok) is not None:
            return True
        first = tok.left_edge.i
        return (first > 0 and tok.doc[first - 1].text in (",", "(", "—", "–", ";")
                and not _ambiguous_antecedent(tok))  # fmt: skip
    if dep == "acl":
        return tok.tag_ in ("VBN", "VBG") and content_count(tok.subtree) >= MIN_SPLIT_CONTENT
    if dep == "conj":
        # "Petro will recall the ambassador and impose tariffs if Trump orders strikes": the
        # condition may cover both, so coordinated clauses under a condition stay together.
        if any(_conditional(c) for v in (tok, tok.head) for c in v.children if c.dep_ == "advcl"):
            return False
        return (tok.head.pos_ in ("VERB", "AUX") and _coordinated(tok)
                and _is_clause_head(tok.head, sent))  # fmt: skip
    return False


_CORE_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "expl", "aux", "auxpass", "neg", "prt",
                        "dobj", "attr", "acomp", "oprd", "dative", "mark"})  # fmt: skip


def clause_core(head: Token, limit: int = 4) -> list[int]:
    """The bare clause a piece hangs from: subject, auxiliaries, negation, predicate and object
    ("Colombian President Gustavo Petro is set to meet US President Donald Trump"), without its
    adjuncts. A piece of a clause that is not itself a clause ("after months of escalating
    tensions", "marking their first in-person encounter") is stated with it, so that it reads as
    a sentence and says only what its sentence says."""
    out = {head.i}
    for child in head.children:
        if child.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "dative", "oprd"):
            out.update(_noun_core(child) if child.pos_ in ("NOUN", "PROPN") else
                       [t.i for t in child.subtree])  # fmt: skip
        elif child.dep_ in _CORE_DEPS:
            out.update(t.i for t in child.subtree)
        elif (child.dep_ == "prep" and child.lower_ not in SPLIT_PREPOSITIONS
              and len(list(child.subtree)) <= 4):  # fmt: skip
            out.update(t.i for t in child.subtree)  # "heading to Washington"
        elif child.dep_ == "xcomp" and limit > 0:
            out.update(clause_core(child, limit - 1))
            out.update(c.i for c in child.children if c.dep_ == "aux")
    if not any(c.dep_ in ("nsubj", "nsubjpass", "csubj", "expl") for c in head.children):
        subject = subject_of(head)
        if subject is not None:
            out.update(_noun_core(subject) if subject.pos_ in ("NOUN", "PROPN") else [subject.i])
    return sorted(out)


def _noun_core(noun: Token) -> list[int]:
    """The noun with its determiners and modifiers, without clauses or prepositional phrases."""
    out = [noun.i]
    for child in noun.children:
        if child.dep_ in _NOUN_CORE_DEPS or (child.is_punct and child.text in "“”\"'‘’"):
            out.extend(t.i for t in child.subtree)
    return sorted(out)


def subject_of(tok: Token) -> Token | None:
    """The subject of a clause head, following coordination and auxiliary chains upwards."""
    seen = 0
    cur = tok
    while seen < 6:
        for child in cur.children:
            if child.dep_ in ("nsubj", "nsubjpass", "csubj", "expl"):
                return child
        if cur.dep_ in ("conj", "xcomp", "advcl") and cur.head.i != cur.i:
            cur = cur.head
            seen += 1
            continue
        break
    return None


def _collect(head: Token, stop: set[int]) -> set[int]:
    """The subtree of ``head`` without the subtrees of other fact heads."""
    out: set[int] = set()
    todo = [head]
    while todo:
        tok = todo.pop()
        out.add(tok.i)
        for child in tok.children:
            if child.i in stop:
                continue
            todo.append(child)
    return out


def _split_adjuncts(draft: Draft, doc: Doc, heads: set[int]) -> list[Draft]:
    """Split long relational prepositional phrases off a draft."""
    out: list[Draft] = []
    for i in sorted(draft.tokens):
        tok = doc[i]
        if tok.dep_ not in ("prep",) or tok.lower_ not in SPLIT_PREPOSITIONS:
            continue
        if tok.lower_ in NOUN_ONLY_PREPOSITIONS and tok.head.pos_ not in ("NOUN", "PROPN"):
            continue  # "tensions over X" is a fact of its own, "follows over a month" is not
        if tok.head.i not in draft.tokens or tok.i == draft.head:
            continue
        sub = _collect(tok, heads) & draft.tokens
        # "influence over regions along the border" is what the influence is: it stays; "tensions
        # over Venezuela, drug trafficking, oil and security" holds enough to stand alone.
        needed = MIN_NOUN_SPLIT_CONTENT if tok.lower_ in NOUN_ONLY_PREPOSITIONS else (
            MIN_SPLIT_CONTENT
        )
        if content_count(doc[j] for j in sub) < needed:
            continue
        # Leave enough behind for the parent to stand as a fact.
        rest = draft.tokens - sub
        if content_count(doc[j] for j in rest) < MIN_FACT_CONTENT:
            continue
        draft.tokens = rest
        context = _noun_core(tok.head) if tok.head.pos_ in ("NOUN", "PROPN") else []
        out.append(Draft(draft.sentence, tok.i, sub, context, "adjunct"))
    return out


def _conjunct_chain(noun: Token) -> list[Token]:
    chain = [noun]
    cur = noun
    while True:
        nxt = [c for c in cur.children if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN")]
        if not nxt:
            return chain
        cur = nxt[0]
        chain.append(cur)


def _own(tok: Token, chain_ids: set[int]) -> set[int]:
    """A conjunct's own tokens: its subtree minus the later conjuncts hanging from it."""
    out: set[int] = set()
    todo = [tok]
    while todo:
        t = todo.pop()
        out.add(t.i)
        for c in t.children:
            if c.i in chain_ids and c.i != tok.i:
                continue
            glue = c.dep_ in ("cc", "preconj") or (c.is_punct and c.text in ",;")
            if glue and c.head.i in chain_ids:
                continue
            todo.append(c)
    return out


def _split_items(draft: Draft, doc: Doc) -> list[Draft]:
    """One draft per heavy coordinated noun phrase item."""
    for i in sorted(draft.tokens):
        tok = doc[i]
        if tok.pos_ not in ("NOUN", "PROPN") or tok.dep_ in ("conj", "nsubj", "nsubjpass"):
            continue  # "Trump and Petro met" does not say "Trump met"
        chain = [t for t in _conjunct_chain(tok) if t.i in draft.tokens]
        if len(chain) < 2:
            continue
        chain_ids = {t.i for t in chain}
        owns = [_own(t, chain_ids) & draft.tokens for t in chain]
        heavy = [content_count(doc[j] for j in own) >= MIN_SPLIT_CONTENT for own in owns]
        as_well_as = any(
            c.lower_ == "as" and any(g.lower_ == "well" for g in c.children)
            for t in chain
            for c in t.children
            if c.dep_ == "cc"
        )
        if not (as_well_as or sum(heavy) >= 2):
            continue
        glue = {
            c.i
            for t in chain
            for c in t.children
            if c.dep_ in ("cc", "preconj") or (c.is_punct and c.text in ",;")
        }
        glue |= {g.i for t in chain for c in t.children if c.dep_ == "cc" for g in c.subtree}
        drafts = []
        for k in range(len(owns)):
            others = set().union(*(o for j, o in enumerate(owns) if j != k))
            tokens = draft.tokens - others - glue
            if content_count(doc[j] for j in tokens) < MIN_FACT_CONTENT:
                return []
            drafts.append(Draft(draft.sentence, draft.head, tokens, draft.context, "item"))
        return drafts
    return []


def _relative_pronoun(tokens: list[Token]) -> Token | None:
    """The "which", "who" or "whose" that opens a relative clause, if the clause has one."""
    for tok in tokens[:4]:
        if tok.tag_ in ("WDT", "WP", "WP$") and tok.lower_ in ("which", "who", "whom", "whose",
                                                                 "that"):
            return tok
    return None


def _antecedent(head: Token) -> list[int] | None:
    """The noun phrase a non-restrictive relative clause ("..., much of which is ...") is about.

    The parser often attaches such clauses to the wrong noun; the phrase that ends right before
    the comma is the antecedent: "security concerns along the 2,200km border with Venezuela,
    much of which is controlled by the ELN" is about "the 2,200km border with Venezuela".
    """
    first = min(t.i for t in head.subtree)
    doc = head.doc
    if first < 2 or doc[first - 1].text != ",":
        return None
    words = {t.lower_ for t in doc[first : head.i]}
    if not words & {"which", "whom", "who", "whose"}:
        return None
    last = doc[first - 2]
    if last.pos_ not in ("NOUN", "PROPN"):
        return None
    noun = last
    # "border with Venezuela": climb from the object of a preposition to the noun it modifies.
    if (
        noun.dep_ == "pobj"
        and noun.head.dep_ == "prep"
        and noun.head.head.pos_ in ("NOUN", "PROPN")
    ):
        noun = noun.head.head
    tokens = set(_noun_core(noun))
    for child in noun.children:
        if child.dep_ == "prep" and max(t.i for t in child.subtree) < first - 1:
            tokens.update(t.i for t in child.subtree)
    tokens.update(range(min(tokens), last.i + 1))
    return sorted(tokens)


def _ambiguous_antecedent(head: Token) -> bool:
    """Whether a non-restrictive relative clause could be about either of two nouns: "the
    account of the attack, which killed four Americans" (the attack did), "the border with
    Venezuela, much of which ..." (the border). Such a clause stays in its sentence's fact
    rather than be stated of a guess."""
    first = head.left_edge.i
    doc = head.doc
    if first < 2:
        return False
    last = doc[first - 2]
    if not (last.dep_ == "pobj" and last.head.dep_ == "prep"
            and last.head.head.pos_ in ("NOUN", "PROPN")):  # fmt: skip
        return False
    words = {t.lower_ for t in doc[first : head.i + 1]}
    if words & {"who", "whom"}:
        # Only people are "who": unambiguous when exactly one of the two is a person.
        people = [n for n in (last, last.head.head) if n.ent_type_ == "PERSON"]
        return len(people) != 1
    return True


def _context_for(head: Token, doc: Doc, heads: set[int]) -> list[int]:
    """Borrowed words that make a dependent clause readable on its own."""
    dep = head.dep_
    if dep == "relcl" and _relative_adverb(head) is not None:
        return []
    if dep == "relcl":
        antecedent = _antecedent(head)
        if antecedent is not None:
            return antecedent
    if dep in ("relcl", "acl"):
        return _noun_core(head.head) if head.head.pos_ in ("NOUN", "PROPN", "PRON") else []
    has_subject = any(c.dep_ in ("nsubj", "nsubjpass", "csubj", "expl") for c in head.children)
    if has_subject:
        return []
    if dep in ("conj", "advcl", "xcomp"):
        subject = subject_of(head.head)
        if subject is not None:
            if subject.pos_ in ("NOUN", "PROPN"):
                return _noun_core(subject)
            return [subject.i]
    return []


_OPENERS = {"“": "”", "‘": "’", "(": ")", "[": "]"}
_CLOSERS = {v: k for k, v in _OPENERS.items()}
_STRAIGHT = {'"', "'"}


def _keeps(tok: Token, texts: list[str], leading: bool) -> bool:
    """Whether an edge punctuation token belongs to the fact (a quote or bracket it closes)."""
    t = tok.text
    if t in _STRAIGHT:
        return texts.count(t) % 2 == 0
    if leading and t in _OPENERS:
        return _OPENERS[t] in texts
    if not leading and t in _CLOSERS:
        return _CLOSERS[t] in texts
    following = tok.doc[tok.i + 1].text if tok.i + 1 < len(tok.doc) else ""
    if not leading and t in ".!?" and following in _CLOSERS:
        return _CLOSERS[following] in texts  # ... “sounds good.”
    return False


def _droppable(tok: Token) -> bool:
    return tok.is_space or tok.is_punct or tok.dep_ in ("cc", "preconj") or not tok.text.strip()


def _clean_runs(tokens: list[Token]) -> list[list[Token]]:
    """Contiguous runs of a fact's tokens, with stray punctuation and conjunctions trimmed."""
    runs: list[list[Token]] = []
    for tok in tokens:
        if runs and tok.i == runs[-1][-1].i + 1:
            runs[-1].append(tok)
        else:
            runs.append([tok])
    texts = [t.text for t in tokens]
    cleaned: list[list[Token]] = []
    for run in runs:
        while run and _droppable(run[0]) and not _keeps(run[0], texts, leading=True):
            run = run[1:]
        while run and _droppable(run[-1]) and not _keeps(run[-1], texts, leading=False):
            run = run[:-1]
        if run:
            cleaned.append(run)
    # A quotation opened inside the fact and closed right after it: “sounds good.”
    if cleaned:
        last = cleaned[-1][-1]
        doc = last.doc
        flat = [t.text for run in cleaned for t in run]
        for step in (1, 2):
            j = last.i + step
            if j >= len(doc):
                break
            tok = doc[j]
            opener = _CLOSERS.get(tok.text)
            if opener is not None and flat.count(tok.text) < flat.count(opener):
                cleaned[-1].extend(doc[last.i + 1 : j + 1])
                break
            if tok.text not in ".!?,":
                break
    # A leading subordinator ("that", "while", "wherein") adds nothing to the fact; a condition
    # ("if", "unless") is what the fact says, and stays.
    while (cleaned and cleaned[0][0].dep_ in ("mark",) and len(cleaned[0]) > 1
           and cleaned[0][0].lower_ not in CONDITIONAL_MARKERS):
        cleaned[0] = cleaned[0][1:]
    return cleaned


def _trim_edges(tokens: list[Token]) -> list[Token]:
    return [t for run in _clean_runs(tokens) for t in run]


def _runs(tokens: list[Token]) -> list[tuple[int, int]]:
    """(first, last) token index of each contiguous run of cleaned tokens."""
    return [(run[0].i, run[-1].i) for run in _clean_runs(tokens)]


_PIECE_DEPS = frozenset({"advcl", "acl", "prep", "npadvmod", "advmod", "relcl"})


def _text(tokens: list[Token], replace: dict[int, str] | None = None) -> str:
    parts: list[str] = []
    prev: Token | None = None
    for tok in tokens:
        if prev is not None:
            if tok.i == prev.i + 1:
                parts.append(prev.whitespace_)
            else:  # a gap: keep the comma that introduces a piece ("..., marking ...")
                piece = tok.dep_ in _PIECE_DEPS or tok.tag_ in ("VBG", "VBN")
                parts.append(", " if piece and tok.doc[tok.i - 1].text == "," else " ")
        word = replace.get(tok.i, tok.text) if replace else tok.text
        if replace and tok.i in replace and tok.text[:1].isupper():
            word = word[:1].upper() + word[1:]
        parts.append(word)
        prev = tok
    return "".join(parts).strip()


def _parts(tokens: set[int], doc: Doc, pd: ParsedDoc, sent: int) -> list[Span]:
    """The optional pieces of a fact a report may add or leave out."""
    out: list[Span] = []
    seen: set[tuple[int, int]] = set()
    for i in sorted(tokens):
        tok = doc[i]
        piece: list[int] | None = None
        if tok.dep_ == "prep" and tok.head.i in tokens:
            if tok.lower_ == "of":
                continue  # "accused Colombia of ...", "the seizure of Maduro": an argument
            piece = [t.i for t in tok.subtree if t.i in tokens]
        elif tok.dep_ == "conj" and tok.pos_ in ("NOUN", "PROPN", "ADJ") and tok.head.i in tokens:
            later = {c.i for c in tok.children if c.dep_ == "conj"}
            piece = [t.i for t in tok.subtree if t.i in tokens and t.i not in later]
            piece = [i for i in piece if not any(i in {x.i for x in doc[j].subtree} for j in later)]
        elif tok.dep_ in ("appos", "npadvmod", "nummod") and tok.head.i in tokens:
            piece = [t.i for t in tok.subtree if t.i in tokens]
        elif tok.dep_ in ("amod", "advmod") and tok.head.i in tokens and (
            tok.pos_ in ("PROPN", "NUM") or tok.ent_type_ in ("NORP", "GPE", "DATE", "CARDINAL")
        ):
            # A lone adjective or adverb ("repeated", "alleged") is wording, not a detail;
            # a name or a number in that position ("Venezuelan President") is one.
            piece = [tok.i]
        if not piece or content_count(doc[j] for j in piece) == 0:
            continue
        toks = _trim_edges([doc[j] for j in sorted(piece)])
        if not toks:
            continue
        for a, b in _runs(toks):
            if (a, b) not in seen:
                seen.add((a, b))
                out.append(pd.token_span(a, b))
    return out


def _modality(head: Token, tokens: set[int], doc: Doc) -> str:
    words = {doc[i].lower_ for i in tokens}
    if words & HEDGES:
        return "hedged"
    if head.lemma_.lower() in SPEECH_VERBS:
        return "reported"
    if any(doc[i].lower_ == "will" for i in tokens) or head.lemma_.lower() in _EXPECT_LEMMAS:
        return "expected"
    return "asserted"


def _negates(t: Token) -> bool:
    """Whether a word negates the verb or clause it hangs from."""
    if t.dep_ == "neg":
        return True
    if t.lower_ in NEGATIONS and t.dep_ in ("det", "advmod", "preconj", "cc"):
        return True
    # "denied that his campaign colluded", "declined to predict".
    return t.lemma_.lower() in NEGATIVE_PREDICATES and any(
        c.dep_ in ("xcomp", "ccomp") for c in t.children
    )


def _negated(head: Token, tokens: set[int]) -> bool:
    """Whether the predicate of the fact is negated: "did not meet", "never met", "nor did he
    give", "declined to predict", "denied that ...", or "is not set to meet"."""
    doc = head.doc
    if head.i not in tokens:  # the fact is a phrase of a clause: the clause's "not" is not its
        return negation_parity(tokens, doc) == 1
    count = 0
    # The predicate, and the clauses it reports or governs ("said that he does not oppose",
    # "must not give"): what a report says someone said is negated in the reported clause.
    chain = [head]
    for tok in chain:
        count += int(_negates(tok))
        count += sum(1 for c in tok.children if c.i in tokens and c.i != tok.i and _negates(c))
        chain.extend(
            c for c in tok.children
            if c.dep_ in ("ccomp", "xcomp") and c.i in tokens and len(chain) < 4
        )
    first = min(tokens)
    if doc[first].lower_ == "nor" or (first > 0 and doc[first - 1].lower_ == "nor"):
        count += 1
    if head.dep_ == "xcomp" and head.head.i not in tokens:
        count += int(_negates(head.head)) + sum(1 for c in head.head.children if c.dep_ == "neg")
    return count % 2 == 1


_QUOTE_MARKS = frozenset({"“", "”", '"', "‘", "’", "'"})


def in_quotation(tokens: set[int], doc: Doc) -> bool:
    """Whether the fact's words sit inside quotation marks (someone's words, not the report's)."""
    words = [doc[i] for i in sorted(tokens) if doc[i].text not in _QUOTE_MARKS]
    first = words[0] if words else doc[min(tokens)]
    text = doc.text
    # Quotations run across sentences but rarely across paragraphs: count from the line start.
    line_start = text.rfind("\n", 0, first.idx) + 1
    before = text[line_start : first.idx]
    opened = before.count("“") - before.count("”") + before.count('"') % 2
    return opened > 0


def negation_parity(tokens: set[int], doc: Doc) -> int:
    """How many negations the fact's words hold, modulo 2, wherever the parser hung them."""
    return sum(1 for i in tokens if _negates(doc[i])) % 2


def _attribution(head: Token) -> Token | None:
    """The speaker when the fact is what someone said ("X said discussions will include ...")."""
    cur = head
    for _ in range(3):
        if cur.lemma_.lower() in SPEECH_VERBS:
            subject = subject_of(cur)
            return subject
        if cur.dep_ in ("ccomp", "xcomp") and cur.head.i != cur.i:
            cur = cur.head
            continue
        break
    return None


_LEADING_FILLERS = SPLIT_PREPOSITIONS | {
    "especially", "particularly", "notably", "also", "previously", "meanwhile", "as", "while",
    "and", "but", "so", "then", "even", "just", "only", "that", "which", "wherein", "where",
}


def alignment_text(statement: str) -> str:
    """What a fact is about, for embedding: without the linking words an adjunct starts with
    ("Especially following the seizure of ..." -> "the seizure of ...")."""
    words = statement.split(" ")
    k = 0
    while k < len(words) - 2 and words[k].lower().strip(",") in _LEADING_FILLERS:
        k += 1
    return " ".join(words[k:])


_PRONOUNS = frozenset({"he", "him", "his", "she", "her", "hers"})
_OBJECT_DEPS = frozenset({"dobj", "dative", "pobj", "iobj", "obj"})


@dataclass(slots=True, frozen=True)
class PronounLink:
    """A third-person pronoun read as a person named nearby, and where that person is named."""

    name: str  # the person's full name, as shown ("Gustavo Petro")
    short: str  # the short name, for matching ("Petro")
    antecedent: tuple[int, int]  # token range of the mention it stands for
    possessive: bool

    @property
    def shown(self) -> str:
        return self.name + "’s" if self.possessive else self.name


def _clause_subjects(tok: Token) -> set[int]:
    """Token indices of the subject of the clause a word belongs to (binding: "Clinton made him
    ..." cannot mean Clinton made Clinton)."""
    cur = tok
    for _ in range(8):
        if cur.pos_ in ("VERB", "AUX") or cur.dep_ == "ROOT":
            break
        cur = cur.head
    subject = subject_of(cur)
    return {t.i for t in subject.subtree} if subject is not None else set()


def resolve_pronouns(
    pd: ParsedDoc, person_mentions: Sequence[tuple[int, int, str, str]]
) -> dict[int, PronounLink]:
    """Third-person singular pronouns read as a person, only where the reading is certain.

    Not a coreference model, and deliberately conservative: a wrong name in a statement is worse
    than a pronoun left as written. A pronoun is read as a person only when

    * it is outside quotation marks (a quoted "he" is the speaker's, not the report's);
    * exactly one person is named in its sentence before it or in the sentence before, once
      persons its own clause rules out are set aside (an object "him" is not the clause's
      subject: "Clinton made him director"), and, for a pronoun before its sentence's main
      verb, none later in the sentence ("During his hearing, Pompeo said ...");
    * no pronoun of its gender was left as written earlier in the sentence (someone unnamed
      is in play);
    * that person's name has at least two words, or was written with a title, so that a
      misrecognised outlet or place ("Politico") is not taken for a person.

    Everything else keeps its pronoun. ``person_mentions`` are (first token, end token, full
    name, short name).
    """
    doc = pd.doc
    out: dict[int, PronounLink] = {}
    mentions = sorted(person_mentions)
    # Sentences where a pronoun of a gender was left as written: someone unnamed is in play
    # ("Clinton made him his director"), so later ones of that gender stay as written too.
    unsure: set[tuple[int, str]] = set()
    for tok in doc:
        low = tok.lower_
        if low not in _PRONOUNS or (tok.pos_ != "PRON" and tok.tag_ not in ("PRP", "PRP$")):
            continue
        gender = "f" if low in ("she", "her", "hers") else "m"
        sent_no = pd.sentence_of(tok)
        if in_quotation({tok.i}, doc) or (sent_no, gender) in unsure:
            unsure.add((sent_no, gender))
            continue
        window = [m for m in mentions
                  if m[1] <= tok.i and 0 <= sent_no - pd.sentence_of(m[0]) <= 1]  # fmt: skip
        if tok.dep_ in _OBJECT_DEPS or low == "him" or (low == "her" and tok.tag_ == "PRP"):
            bound = _clause_subjects(tok)
            window = [m for m in window if not (set(range(m[0], m[1])) & bound)]
        names = {m[2] for m in window}
        if tok.i < tok.sent.root.i:
            # In a fronted phrase a pronoun may point ahead: "During his hearing, Pompeo told
            # senators ..." is Pompeo's hearing, whoever was named before.
            names |= {m[2] for m in mentions if m[0] > tok.i and m[0] < tok.sent.end}
        if len(names) != 1 or not window:
            unsure.add((sent_no, gender))
            continue
        last = window[-1]
        full, short = last[2], last[3]
        titled = any(doc[j].lower_.rstrip(".") in PERSONAL_TITLES
                     for j in range(max(0, last[0] - 2), last[0]))  # fmt: skip
        if len(full.split()) < 2 and not titled:
            unsure.add((sent_no, gender))
            continue
        possessive = low in ("his", "hers") or (low == "her" and tok.tag_ == "PRP$")
        out[tok.i] = PronounLink(full, short, (last[0], last[1]), possessive)
    return out


def claim_text(statement: str) -> str:
    """A statement with each shown resolution read in place: "he [Gustavo Petro] said" ->
    "Gustavo Petro said"; what embedding and judging compare."""
    return _SHOWN.sub(lambda m: m.group(1), statement)


_SHOWN = re.compile(r"\b[A-Za-z]+ \[([^\[\]]+)\]")


def _lead_in(head: Token) -> set[int]:
    """The words that tie an adverbial clause to its clause: "when", "after", "eight days
    after", "because"."""
    out: set[int] = set()
    for c in head.children:
        if c.i > head.i:
            continue
        if c.dep_ == "mark" or (c.dep_ == "advmod" and c.tag_ == "WRB"):
            out.add(c.i)
            out.update(t.i for t in c.subtree if t.dep_ == "npadvmod" or t.head.dep_ == "npadvmod")
        elif c.dep_ == "npadvmod":
            out.update(t.i for t in c.subtree)
    return out


def _shown_pronouns(
    tokens: Iterable[int], pd: ParsedDoc, pronouns: dict[int, PronounLink]
) -> tuple[dict[int, str], list[Resolution]]:
    """How each resolved pronoun among ``tokens`` is written ("he [Gustavo Petro]"), and the
    record of it."""
    shown: dict[int, str] = {}
    records: list[Resolution] = []
    doc = pd.doc
    for i in sorted(tokens):
        link = pronouns.get(i)
        if link is None:
            continue
        shown[i] = f"{doc[i].text} [{link.shown}]"
        a, b = link.antecedent
        records.append(Resolution(pd.token_span(i, i), link.shown, pd.token_span(a, b - 1)))
    return shown, records


def _stands_alone(head: Token) -> bool:
    """A finite clause with a subject of its own, or one that borrows only its subject."""
    if head.dep_ in ("conj", "relcl", "ROOT"):
        return True
    has_subject = any(c.dep_ in ("nsubj", "nsubjpass", "csubj", "expl") for c in head.children)
    finite = head.tag_ in ("VBD", "VBZ", "VBP", "MD") or any(
        c.dep_ in ("aux", "auxpass") and c.tag_ in ("VBD", "VBZ", "VBP", "MD")
        for c in head.children
    )
    return has_subject and finite


def _focus_text(toks: list[Token], around: list[Token], shown: dict[int, str]) -> str:
    own = _text(toks, shown)
    if not around:
        return own
    return f"{_text(around, shown)} {own}" if around[-1].i < toks[0].i else (
        f"{own} ({_text(around, shown)})"
    )


def _borrowed_core(draft: Draft, doc: Doc, heads: set[int]) -> list[int]:
    """For a piece that is not a clause ("after months of escalating tensions", "marking their
    first in-person encounter", "the threat posed by the ELN"), or for a clause inside someone's
    claim or a condition: the words that make it one and keep its frame, the bare clauses it
    hangs from (:func:`clause_core`, "the minister said", "if talks fail") and the words that
    lead to it, all from its own sentence. Empty for a clause that stands alone."""
    head = doc[draft.head]
    if draft.kind != "adjunct" and _stands_alone(head) and not framed(head):
        return []
    # A clause of its own that sits in a frame needs only the frame ("observers note [that]
    # cooperation is possible"), not the clauses beside it; a piece needs its whole clause.
    whole = draft.kind != "adjunct" and _stands_alone(head)
    anchor = head.head if draft.kind == "modifier" and head.dep_ == "acl" else head
    cur = anchor if draft.kind != "adjunct" else head.head
    core: set[int] = set(draft.context)
    # Climb to the nearest clause that stands alone outside any frame ("marking ..." hangs from
    # "is set to meet"), taking what each step needs to read.
    for _ in range(24):
        frame = cur.lemma_.lower() in FRAMING_VERBS or (cur.dep_ == "advcl" and not _asserted(cur))
        if cur.pos_ in ("VERB", "AUX"):
            if frame or not whole:
                core.update(clause_core(cur))
        elif not whole:
            # "with [both nations] having [unresolved issues] regarding ..."
            core.update(_noun_core(cur) if cur.pos_ in ("NOUN", "PROPN") else [cur.i])
        top = cur.dep_ == "ROOT" or cur.head.i == cur.i
        if (cur.i in heads and cur.i != draft.head) or top:
            if (frame or not whole) and cur.pos_ not in ("VERB", "AUX"):
                core.update(clause_core(cur))  # a clause headed by a noun (a headline)
            if top or (_stands_alone(cur) and not framed(cur)):
                break
        cur = cur.head
    return sorted(core - draft.tokens)


def extract_facts(
    pd: ParsedDoc, doc_index: int, pronouns: dict[int, PronounLink] | None = None
) -> tuple[list[Fact], list[Draft]]:
    """The atomic facts of one parsed document, in reading order.

    A fact's statement is made of its sentence's own words: its clause, what it borrows from the
    same sentence to read whole (a subject, an antecedent, the clause a piece hangs from, a
    frame; ``Fact.context_spans``, not its evidence), and resolved pronouns shown with what they
    were read as ("he [Gustavo Petro]"), each recorded in ``Fact.resolved``. Words inside
    quotation marks stay a quotation.
    """
    doc = pd.doc
    pronouns = pronouns or {}
    drafts: list[Draft] = []
    for sent in doc.sents:
        if not sent.text.strip():
            continue
        sent_index = pd.sentence_of(sent.root)
        head_toks = [t for t in sent if _is_clause_head(t, sent)]
        heads = {t.i for t in head_toks}
        sentence_drafts: list[Draft] = []
        for head in head_toks:
            tokens = _collect(head, heads - {head.i})
            if head.dep_ == "acl":
                # A participial modifier carries its noun: "the threat posed by the ELN".
                tokens |= set(_noun_core(head.head))
            kind = "modifier" if head.dep_ in ("acl", "relcl") else "clause"
            sentence_drafts.append(
                Draft(sent_index, head.i, tokens, _context_for(head, doc, heads), kind)
            )
        split: list[Draft] = []
        for draft in sentence_drafts:
            pending = [draft]
            while pending:  # adjuncts can hold adjuncts: "after months of tensions over X"
                d = pending.pop()
                pending.extend(_split_adjuncts(d, doc, heads))
                items = _split_items(d, doc)
                split.extend(items or [d])
        split = [d for d in split if content_count(doc[i] for i in d.tokens) >= MIN_FACT_CONTENT]
        for d in split:
            core = _borrowed_core(d, doc, heads)
            if core:
                d.focus = d.context
                d.context = core
        split.sort(key=lambda d: min(d.tokens))
        drafts.extend(split)

    facts: list[Fact] = []
    kept: list[Draft] = []
    for draft in drafts:
        head = doc[draft.head]
        if (head.dep_ == "advcl" or _relative_adverb(head) is not None) and draft.focus is None:
            # "after the talks ended" states "the talks ended": the subordinator is the link to
            # the clause it was part of, not part of the fact.
            draft.tokens -= _lead_in(head)
        toks = _trim_edges([doc[i] for i in sorted(draft.tokens)])
        if content_count(toks) < MIN_FACT_CONTENT:
            continue
        draft.tokens = {t.i for t in toks}
        context_toks = [doc[i] for i in draft.context if i not in draft.tokens]
        shown, resolved = _shown_pronouns(
            [*draft.tokens, *(t.i for t in context_toks)], pd, pronouns
        )
        own_text = _text(toks, shown)
        statement = own_text
        quoted = in_quotation(draft.tokens, doc)
        antecedent_ids = set(draft.focus if draft.focus is not None else draft.context)
        relative = (
            _relative_pronoun(toks) if antecedent_ids and draft.kind == "modifier" else None
        )
        if relative is not None:
            # "much of which is controlled by the ELN" -> "much of the 2,200km border with
            # Venezuela is controlled by the ELN": the antecedent's own words, from the same
            # sentence, stand where the relative pronoun stood.
            antecedent_toks = [doc[i] for i in sorted(antecedent_ids - draft.tokens)]
            antecedent = _text(antecedent_toks, shown)
            if relative.tag_ == "WP$":
                antecedent = antecedent + "’s"
            replace = dict(shown)
            replace[relative.i] = antecedent
            if quoted:
                # Inside someone's words the word stays theirs; the reading is shown.
                replace[relative.i] = f"{relative.text} [{antecedent}]"
                resolved.append(Resolution(
                    pd.token_span(relative.i, relative.i), antecedent,
                    pd.token_span(antecedent_toks[0].i, antecedent_toks[-1].i),
                ))
            frame = [t for t in context_toks if t.i not in antecedent_ids and t.i < toks[0].i]
            statement = _text(toks, replace)
            if toks[0].i == relative.i and not quoted:
                statement = antecedent + statement[len(antecedent):]
            if frame and antecedent_toks and antecedent_toks[0].i - 1 == frame[-1].i:
                # The antecedent is part of the frame ("was expected to use the hotline, which
                # was installed in his office"): the sentence's own order reads, "which" and all.
                statement = _text(_trim_edges(sorted(toks + context_toks, key=lambda t: t.i)),
                                  shown)  # fmt: skip
            elif frame:  # "the minister said [much of the border is controlled by the ELN]"
                statement = f"{_text(_trim_edges(frame), shown)} {statement}"
        elif draft.focus is not None:
            statement = _text(_trim_edges(sorted(toks + context_toks, key=lambda t: t.i)), shown)
        elif context_toks and context_toks[-1].i < toks[0].i:
            statement = f"{_text(context_toks, shown)} {own_text}"
        elif context_toks:
            statement = f"{own_text} ({_text(context_toks, shown)})"
        if quoted and statement[:1] not in "“\"‘'":
            # A quotation that began in an earlier sentence: still someone's words.
            inner = statement.rstrip("”\"")
            statement = f"“{inner}”"
        statement = statement[:1].upper() + statement[1:]
        spans = [pd.token_span(a, b) for a, b in _runs(toks)]
        context_spans = [pd.token_span(a, b) for a, b in _runs(context_toks)]
        speaker = _attribution(head)
        n = len(facts) + 1
        facts.append(
            Fact(
                id=f"{pd.id}#{n}",
                document=pd.id,
                sentence=draft.sentence,
                statement=statement,
                spans=spans,
                predicate=head.lemma_.lower(),
                negated=_negated(head, draft.tokens),
                modality=_modality(head, draft.tokens, doc),
                attribution=_text(_trim_edges(sorted(speaker.subtree, key=lambda t: t.i)))
                if speaker is not None and speaker.pos_ in ("NOUN", "PROPN")
                else None,
                parts=_parts(draft.tokens, doc, pd, draft.sentence),
                context=_text(context_toks) if context_toks else "",
                context_spans=context_spans,
                resolved=resolved,
                quoted=quoted,
                focus=_focus_text(toks, [doc[i] for i in draft.focus if i not in draft.tokens],
                                  shown) if draft.focus is not None else "",
            )
        )
        kept.append(draft)
    return facts, kept
