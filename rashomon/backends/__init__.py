"""Model backends behind small interfaces: a CPU, GPU or cluster runner can swap them.

- :mod:`rashomon.backends.embeddings`: sentence embeddings (``Embedder``).
- :mod:`rashomon.backends.parser`: the spaCy pipeline (tokens, parse, entities).
- :mod:`rashomon.backends.nli`: entailment / contradiction judgements (``EntailmentJudge``).
"""

from rashomon.backends.embeddings import Embedder, SentenceTransformerEmbedder, default_embedder
from rashomon.backends.parser import default_parser

__all__ = ["Embedder", "SentenceTransformerEmbedder", "default_embedder", "default_parser"]
