"""Stage 7: quotations and who said them.

Quoted words are found between typographic or straight quotation marks (an apostrophe inside a
word is not a quotation mark). The speaker is the subject of a verb of saying in the same
sentence ("Trump has previously suggested that ... “sounds good.”"), or the person after
"according to"; pronoun subjects are resolved like facts' pronouns. Reported speech without
quotation marks ("X said discussions will include ...") is kept as an indirect quote.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spacy.tokens import Token

from rashomon.model import Quote, Span
from rashomon.pipeline.annotate import ParsedDoc
from rashomon.pipeline.entities import EntityIndex
from rashomon.pipeline.facts import PronounLink, subject_of
from rashomon.pipeline.lexicon import SPEECH_VERBS

_PAIRS = [
    ("“", "”"),
    ("‘", "’"),
    ("«", "»"),
    ('"', '"'),
    ("'", "'"),
]
MAX_QUOTE_CHARS = 600


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of quoted words, without the marks."""
    out: list[tuple[int, int]] = []
    for open_, close in _PAIRS:
        if open_ in ("'", "‘"):
            # A quote opens after a space or bracket and closes before a space or punctuation,
            # so that apostrophes ("Petro's", "don't") are not taken for quotation marks.
            pattern = re.compile(
                rf"(?:(?<=^)|(?<=[\s(\[—–-])){re.escape(open_)}(?=\S)(.{{1,{MAX_QUOTE_CHARS}}}?)"
                rf"(?<=\S){re.escape(close)}(?=[\s.,;:!?)\]—–-]|$)",
                re.DOTALL,
            )
        else:
            pattern = re.compile(
                rf"{re.escape(open_)}(.{{1,{MAX_QUOTE_CHARS}}}?){re.escape(close)}", re.DOTALL
            )
        for m in pattern.finditer(text):
            start, end = m.span(1)
            if any(s <= start < e for s, e in out):
                continue
            if "\n\n" in text[start:end]:
                continue
            out.append((start, end))
    return sorted(out)


def _speaker(tokens: Sequence[Token], person_tokens: set[int]) -> Token | None:
    """Who the quoted words belong to.

    The subject of a verb of saying ("..., said Trump"; "Petro went so far as to compare ICE
    agents to 'Nazi brigades'", following the verb's chain up to its subject), else the person
    after "according to", else a person who is the subject of the sentence ("Petro has raised
    alarms about what he perceives as a 'real threat'").
    """
    for tok in tokens:
        if tok.lemma_.lower() in SPEECH_VERBS and tok.pos_ == "VERB":
            subject = subject_of(tok)
            if subject is not None and subject.dep_ != "nsubjpass":
                return subject
    for tok in tokens:
        if tok.lower_ == "according" and tok.i + 2 < len(tok.doc):
            to = tok.doc[tok.i + 1]
            for child in to.children:
                if child.dep_ == "pobj":
                    return child
    for tok in tokens:
        if tok.dep_ == "ROOT":
            subject = subject_of(tok)
            if subject is not None and (
                subject.i in person_tokens or subject.lower_ in ("he", "she")
            ):
                return subject
    return None


def extract_quotes(
    pd: ParsedDoc,
    doc_index: int,
    entities: EntityIndex,
    pronouns: dict[int, PronounLink],
    entity_of_name: dict[str, str],
) -> list[Quote]:
    doc = pd.doc
    body = doc.text
    quotes: list[Quote] = []
    token_entity = entities.token_entity[doc_index]
    person_ids = {e.id for e in entities.entities if e.kind == "person"}
    for start, end in _quote_spans(body):
        inner = body[start:end].strip()
        if len(inner) < 2:
            continue
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        sent = span[0].sent
        persons = {i for i, e in token_entity.items() if e in person_ids}
        speaker_tok = _speaker([t for t in sent if not (span.start <= t.i < span.end)], persons)
        speaker_id: str | None = None
        speaker_name: str | None = None
        speaker_span: Span | None = None
        if speaker_tok is not None:
            if speaker_tok.i in pronouns:
                speaker_name = pronouns[speaker_tok.i].name
                speaker_id = entity_of_name.get(speaker_name)
            else:
                phrase = [t for t in speaker_tok.subtree if not t.is_punct]
                phrase = [t for t in phrase if t.dep_ not in ("relcl", "acl", "appos")] or phrase
                first, last = phrase[0].i, phrase[-1].i
                speaker_span = pd.token_span(first, last)
                speaker_name = speaker_span.text
                ids = [token_entity.get(t.i) for t in phrase if token_entity.get(t.i)]
                speaker_id = ids[-1] if ids else None
        quotes.append(
            Quote(
                span=pd.span(start, end),
                speaker=speaker_id,
                speaker_name=speaker_name,
                speaker_span=speaker_span,
                direct=True,
            )
        )
    return quotes
