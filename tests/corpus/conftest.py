"""Fixtures of the corpus tests; the helpers themselves live in ``corpus_support``."""

from corpus_support import postgres_url, store, store_url, toolkit  # noqa: F401
