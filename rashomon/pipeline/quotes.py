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


def _speaker(tokens: Sequence[Token]) -> Token | None:
    """The subject of a verb of saying among ``tokens``, or the object of "according to"."""
    for tok in tokens:
        if tok.lemma_.lower() in SPEECH_VERBS and tok.pos_ == "VERB":
            for child in tok.children:
                if child.dep_ in ("nsubj", "nsubjpass") and child.dep_ != "nsubjpass":
                    return child
            # "..., said Trump": subject after the verb is still nsubj; conj verbs share it.
            if tok.dep_ == "conj":
                for child in tok.head.children:
                    if child.dep_ == "nsubj":
                        return child
    for tok in tokens:
        if tok.lower_ == "according" and tok.i + 2 < len(tok.doc):
            to = tok.doc[tok.i + 1]
            for child in to.children:
                if child.dep_ == "pobj":
                    return child
    return None


def extract_quotes(
    pd: ParsedDoc,
    doc_index: int,
    entities: EntityIndex,
    pronouns: dict[int, str],
    entity_of_name: dict[str, str],
) -> list[Quote]:
    doc = pd.doc
    body = doc.text
    quotes: list[Quote] = []
    token_entity = entities.token_entity[doc_index]
    for start, end in _quote_spans(body):
        inner = body[start:end].strip()
        if len(inner) < 2:
            continue
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        sent = span[0].sent
        speaker_tok = _speaker([t for t in sent if not (span.start <= t.i < span.end)])
        speaker_id: str | None = None
        speaker_name: str | None = None
        speaker_span: Span | None = None
        if speaker_tok is not None:
            if speaker_tok.i in pronouns:
                speaker_name = pronouns[speaker_tok.i].removesuffix("’s")
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
