"""Stage 1: parse every report once (sentences, tokens, dependency parse, named entities).

Everything later reads the parse through :class:`ParsedDoc`, which knows how to turn token
indices back into :class:`~rashomon.model.Span` objects whose offsets index the article's text
exactly as read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from rashomon.model import Article, Sentence, Span

# spaCy's small English pipeline needs about 1 GB of memory per 100,000 characters for the
# parser; longer bodies are cut (and the cut is reported as a warning) rather than crashing.
MAX_PARSE_CHARS = 200_000


@dataclass(slots=True)
class ParsedDoc:
    """One report and its parse."""

    article: Article
    doc: Doc
    offset: int  # where doc's character 0 sits in article.text
    truncated: bool = False
    sentences: list[Sentence] = field(default_factory=list)
    _sent_of_token: list[int] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.article.id

    def span(self, start_char: int, end_char: int) -> Span:
        """A Span for doc-relative character offsets."""
        start, end = start_char + self.offset, end_char + self.offset
        return Span(self.article.id, start, end, self.article.text[start:end])

    def token_span(self, first: int, last: int) -> Span:
        """A Span covering tokens ``first..last`` (inclusive), without trailing whitespace."""
        doc = self.doc
        return self.span(doc[first].idx, doc[last].idx + len(doc[last].text))

    def spacy_span(self, sp: SpacySpan) -> Span:
        return self.span(sp.start_char, sp.end_char)

    def sentence_of(self, token: Token | int) -> int:
        i = token if isinstance(token, int) else token.i
        return self._sent_of_token[i]

    def sents(self) -> list[SpacySpan]:
        return list(self.doc.sents)


def _clean_sentence_bounds(sent: SpacySpan) -> tuple[int, int] | None:
    """Token bounds of a sentence without leading/trailing whitespace tokens, or None if empty."""
    start, end = sent.start, sent.end
    doc = sent.doc
    while start < end and (doc[start].is_space or not doc[start].text.strip()):
        start += 1
    while end > start and (doc[end - 1].is_space or not doc[end - 1].text.strip()):
        end -= 1
    return (start, end) if end > start else None


def annotate(
    articles: Sequence[Article], nlp: Language, *, batch_size: int = 16, n_process: int = 1
) -> list[ParsedDoc]:
    """Parse the bodies of ``articles`` in one batched pass."""
    bodies: list[str] = []
    truncated: list[bool] = []
    for article in articles:
        body = article.text[article.body_start :]
        truncated.append(len(body) > MAX_PARSE_CHARS)
        bodies.append(body[:MAX_PARSE_CHARS])
    docs: Iterable[Doc] = nlp.pipe(bodies, batch_size=batch_size, n_process=n_process)
    parsed: list[ParsedDoc] = []
    for article, doc, cut in zip(articles, docs, truncated, strict=True):
        pd = ParsedDoc(article=article, doc=doc, offset=article.body_start, truncated=cut)
        sent_of = [0] * len(doc)
        index = 0
        for sent in doc.sents:
            bounds = _clean_sentence_bounds(sent)
            if bounds is None:
                for tok in sent:
                    sent_of[tok.i] = max(index - 1, 0)
                continue
            start, end = bounds
            span = pd.token_span(start, end - 1)
            pd.sentences.append(Sentence(article.id, index, span.start, span.end, span.text))
            for tok in sent:
                sent_of[tok.i] = index
            index += 1
        pd._sent_of_token = sent_of
        parsed.append(pd)
    return parsed
