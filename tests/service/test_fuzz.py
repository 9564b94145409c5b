"""The API's JSON bodies, fuzzed with hypothesis: whatever arrives (JSON shaped like the models
or not, strings no store or answer can hold, numbers too large, nesting too deep, bytes that
are not JSON at all), no request is answered with a 500.

A modest run by default (``RASHOMON_FUZZ_EXAMPLES``, 30 examples per endpoint: a few seconds);
set it higher to search longer.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from service_support import AUTH

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

EXAMPLES = int(os.environ.get("RASHOMON_FUZZ_EXAMPLES", "30"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow, HealthCheck.data_too_large])

#: Strings that have broken servers: lone surrogates, NUL, line separators, markup, long ones.
ODD = st.sampled_from([
    "", " ", "\ud800", "a\udfffb", "\x00", "x\x00y", "\u2028\u2029", "\ufeff", "<script>",
    "Floods hit the city of Valencia on Tuesday. The mayor said the river rose.",
    "9" * 5000, "a" * 20_000, "basil/a%2Fb", "../../etc/passwd", "NaN", "\\u0000",
])
TEXT = st.one_of(st.text(max_size=60), ODD, st.text(st.characters(codec=None), max_size=20))
LEAF = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=10**30),
                 st.floats(allow_nan=True, allow_infinity=True), TEXT)
JSON = st.recursive(LEAF, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)), max_leaves=12)
FIELD = st.one_of(TEXT, TEXT, JSON)
#: Reports that validate (so that the analysis and the store are reached), odd as they may be.
SENTENCES = st.lists(st.sampled_from([
    "Floods hit the city of Valencia on Tuesday.", "The mayor said the river rose.",
    "“We are fine,” she said.", "Rescue teams searched for survivors.", "<b>Breaking</b>:",
    "Die Regierung hat am Dienstag angekündigt.", "洪水袭击了瓦伦西亚。", " ", "&amp;",
]), min_size=1, max_size=6).map(" ".join)
GOOD_TEXT = st.one_of(SENTENCES, st.text(min_size=1, max_size=200).filter(str.strip))
GOOD_ARTICLE = st.fixed_dictionaries({"text": GOOD_TEXT}, optional={
    "id": st.text(min_size=1, max_size=40), "source": st.text(max_size=30),
    "title": st.text(max_size=60), "published": st.text(max_size=30),
    "url": st.text(max_size=60), "extra": JSON})
ARTICLE = st.one_of(
    GOOD_ARTICLE, GOOD_ARTICLE,
    st.fixed_dictionaries({"text": FIELD}, optional={
        "id": FIELD, "source": FIELD, "title": FIELD, "published": FIELD, "url": FIELD,
        "language": FIELD, "extra": JSON}),
    JSON,
)
COMPARE = st.one_of(
    st.fixed_dictionaries({"reports": st.lists(GOOD_ARTICLE, min_size=1, max_size=4)},
                          optional={"title": st.text(max_size=40)}),
    st.fixed_dictionaries({"reports": st.one_of(st.lists(ARTICLE, max_size=4), JSON)},
                          optional={"title": FIELD}),
    JSON,
)
BATCH = st.one_of(
    st.fixed_dictionaries({"articles": st.lists(GOOD_ARTICLE, min_size=1, max_size=3)}),
    st.fixed_dictionaries({"articles": st.one_of(st.lists(ARTICLE, max_size=3), JSON)}), JSON)


def encoded(value: Any) -> bytes:
    """JSON as a client sends it: surrogates escaped, NaN and Infinity as Python writes them."""
    return json.dumps(value).encode()


#: Bodies that are not (quite) JSON: cut, nested deep, not UTF-8, or any bytes.
RAW = st.one_of(
    st.binary(max_size=200),
    st.integers(1, 100_000).map(lambda n: b"[" * n + b"]" * n),
    st.integers(1, 100_000).map(lambda n: b'{"reports": [' + b'{"a":' * n),
    COMPARE.map(encoded).flatmap(lambda b: st.integers(0, len(b)).map(lambda k: b[:k])),
    st.just(b'{"reports": [{"text": "\xff\xfe caf\xe9"}]}'),
)


def no_500(response: Any) -> None:
    assert response.status_code < 500, response.text[:500]
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    else:
        response.json()  # a JSON answer that parses


def post(client: Any, path: str, body: bytes) -> Any:
    return client.post(path, content=body, headers={**AUTH, "content-type": "application/json"})


@FUZZ
@given(body=COMPARE)
def test_compare_bodies(client: Any, body: Any) -> None:
    no_500(post(client, "/api/compare?wait=20", encoded(body)))


@FUZZ
@given(body=COMPARE)
def test_compare_job_bodies(client: Any, body: Any) -> None:
    no_500(post(client, "/api/jobs/compare", encoded(body)))


@FUZZ
@given(body=ARTICLE)
def test_article_bodies(client: Any, body: Any) -> None:
    no_500(post(client, "/api/articles", encoded(body)))


@FUZZ
@given(body=BATCH)
def test_batch_bodies(client: Any, body: Any) -> None:
    no_500(post(client, "/api/articles/batch", encoded(body)))


DEEP = b"[" * 200_000 + b"]" * 200_000  # a RecursionError, and a 500, before


@FUZZ
@given(body=RAW, path=st.sampled_from(["/api/compare?wait=20", "/api/jobs/compare",
                                       "/api/articles", "/api/articles/batch"]))
@example(body=DEEP, path="/api/compare?wait=20")
@example(body=DEEP, path="/api/articles")
def test_bodies_that_are_not_json(client: Any, body: bytes, path: str) -> None:
    no_500(post(client, path, body))
