"""Stage 4: break each sentence into atomic facts.

A sentence such as "Petro is set to meet Trump in Washington on Tuesday, marking their first
in-person encounter after months of escalating tensions over Venezuela, drug trafficking and
oil" holds several facts, and another report may carry some of them and not the others. The
cascade, on the dependency parse:

1. **clauses**: the root and every clause hanging from it (coordinated verbs, adverbial,
   relative and participial clauses) become facts of their own; a clause that borrows its
   subject ("... and has previously suggested") or its antecedent ("much of which is
   controlled by the ELN") carries those words as context, so its statement stands alone;
2. **adjuncts**: long phrases introduced by relational prepositions ("following the seizure
   of President Maduro", "after months of escalating tensions") are split off;
3. **coordinated items**: heavy coordinated noun phrases ("criticism of US strikes ..., as
   well as the United States' immigration policies") give one fact per item;
4. **parts**: what stays inside a fact but that one report may add or leave out ("on
   Tuesday", "and Pacific", "for a high-stakes trip") is kept as the fact's parts, so that
   aligned facts can be told apart by their details.

Every fact keeps the exact character spans of the words that carry it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from rashomon.model import Fact, Span
from rashomon.pipeline.annotate import ParsedDoc
from rashomon.pipeline.lexicon import (
    HEDGES,
    NEGATIONS,
    NEGATIVE_PREDICATES,
    NOUN_ONLY_PREPOSITIONS,
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


def _is_clause_head(tok: Token, sent: SpacySpan) -> bool:
    if tok.i == sent.root.i:
        return True
    dep = tok.dep_
    if _is_infinitive(tok):
        return False
    if dep in ("advcl", "relcl", "parataxis"):
        return tok.pos_ in ("VERB", "AUX")
    if dep == "acl":
        return (
            tok.pos_ == "VERB"
            and tok.tag_ in ("VBN", "VBG")
            and content_count(tok.subtree) >= MIN_SPLIT_CONTENT
        )
    if dep == "conj":
        return tok.pos_ in ("VERB", "AUX") and tok.head.pos_ in ("VERB", "AUX")
    return False


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
        if tok.pos_ not in ("NOUN", "PROPN") or tok.dep_ == "conj":
            continue
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


def _context_for(head: Token, doc: Doc, heads: set[int]) -> list[int]:
    """Borrowed words that make a dependent clause readable on its own."""
    dep = head.dep_
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
    # A leading subordinator ("that", "while", "wherein") adds nothing to the fact.
    while cleaned and cleaned[0][0].dep_ in ("mark",) and len(cleaned[0]) > 1:
        cleaned[0] = cleaned[0][1:]
    return cleaned


def _trim_edges(tokens: list[Token]) -> list[Token]:
    return [t for run in _clean_runs(tokens) for t in run]


def _runs(tokens: list[Token]) -> list[tuple[int, int]]:
    """(first, last) token index of each contiguous run of cleaned tokens."""
    return [(run[0].i, run[-1].i) for run in _clean_runs(tokens)]


def _text(tokens: list[Token], replace: dict[int, str] | None = None) -> str:
    parts: list[str] = []
    prev: Token | None = None
    for tok in tokens:
        if prev is not None:
            parts.append(prev.whitespace_ if tok.i == prev.i + 1 else " ")
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


def in_quotation(tokens: set[int], doc) -> bool:
    """Whether the fact's words sit inside quotation marks (someone's words, not the report's)."""
    first = doc[min(tokens)]
    text = doc.text
    # Quotations run across sentences but rarely across paragraphs: count from the line start.
    line_start = text.rfind("\n", 0, first.idx) + 1
    before = text[line_start : first.idx]
    opened = before.count("“") - before.count("”") + before.count('"') % 2
    return opened > 0


def negation_parity(tokens: set[int], doc) -> int:
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


_PRONOUNS = {"he": "", "him": "", "she": "", "his": "’s", "her": "", "hers": "’s"}


def resolve_pronouns(
    pd: ParsedDoc, person_mentions: Sequence[tuple[int, int, str]]
) -> dict[int, str]:
    """Third-person singular pronouns -> the short name of the person they most likely stand for.

    A light heuristic, not a coreference model: the nearest person named before the pronoun in
    the same or the two previous sentences, preferring one that is a subject or possessor
    ("... Petro's political legacy and ... his endorsed successor, Senator Cepeda, as his term
    ends" -> Petro, not Cepeda).
    """
    doc = pd.doc
    out: dict[int, str] = {}
    mentions = sorted(person_mentions)
    for tok in doc:
        low = tok.lower_
        if low not in _PRONOUNS or (tok.pos_ != "PRON" and tok.tag_ not in ("PRP", "PRP$")):
            continue
        sent = pd.sentence_of(tok)
        before = [m for m in mentions if m[1] <= tok.i and sent - pd.sentence_of(m[0]) <= 2]
        if not before:
            continue
        def role(m: tuple[int, int, str]) -> bool:
            root = doc[m[0] : m[1]].root
            return root.dep_ in ("nsubj", "nsubjpass", "poss")
        preferred = [m for m in before if role(m)] or before
        name = preferred[-1][2]
        if low == "her" and tok.tag_ == "PRP$":
            out[tok.i] = name + "’s"
        else:
            out[tok.i] = name + _PRONOUNS[low]
    return out


def extract_facts(
    pd: ParsedDoc, doc_index: int, pronouns: dict[int, str] | None = None
) -> tuple[list[Fact], list[Draft]]:
    """The atomic facts of one parsed document, in reading order."""
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
            if head.dep_ in ("acl", "relcl"):
                # A participial modifier carries its noun: "the threat posed by the ELN".
                tokens |= set(_noun_core(head.head)) if head.dep_ == "acl" else set()
            draft = Draft(sent_index, head.i, tokens, _context_for(head, doc, heads), "clause")
            if head.dep_ in ("acl", "relcl"):
                draft.kind = "modifier"
            sentence_drafts.append(draft)
        split: list[Draft] = []
        for draft in sentence_drafts:
            pending = [draft]
            while pending:  # adjuncts can hold adjuncts: "after months of tensions over X"
                d = pending.pop()
                pending.extend(_split_adjuncts(d, doc, heads))
                items = _split_items(d, doc)
                split.extend(items or [d])
        split = [d for d in split if content_count(doc[i] for i in d.tokens) >= MIN_FACT_CONTENT]
        split.sort(key=lambda d: min(d.tokens))
        drafts.extend(split)

    facts: list[Fact] = []
    kept: list[Draft] = []
    for draft in drafts:
        toks = _trim_edges([doc[i] for i in sorted(draft.tokens)])
        if content_count(toks) < MIN_FACT_CONTENT:
            continue
        draft.tokens = {t.i for t in toks}
        spans = [pd.token_span(a, b) for a, b in _runs(toks)]
        context_toks = [doc[i] for i in draft.context if i not in draft.tokens]
        own_text = _text(toks, pronouns)
        statement = own_text
        relative = _relative_pronoun(toks) if context_toks and draft.kind == "modifier" else None
        if relative is not None:
            # "much of which is controlled by the ELN" -> "much of the 2,200km border with
            # Venezuela is controlled by the ELN": a proposition that reads, and embeds, whole.
            antecedent = _text(context_toks, pronouns)
            if relative.tag_ == "WP$":
                antecedent = antecedent + "’s"
            replace = dict(pronouns)
            replace[relative.i] = antecedent
            statement = _text(toks, replace)
            if toks[0].i == relative.i:
                statement = antecedent + statement[len(antecedent):]
        elif context_toks and context_toks[-1].i < toks[0].i:
            statement = f"{_text(context_toks, pronouns)} {own_text}"
        elif context_toks:
            statement = f"{own_text} ({_text(context_toks, pronouns)})"
        statement = statement[:1].upper() + statement[1:]
        head = doc[draft.head]
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
            )
        )
        kept.append(draft)
    return facts, kept


