"""Actor codes: country + agent, full names, conjuncts, lower-cased text, unknown names."""

from __future__ import annotations

import pytest

from rashomon.events.actors import ActorMatcher, Match, actor_for, combine, match_index


def _actor(nlp, coder, text: str, head: str):
    doc = nlp(text)
    sent = next(iter(doc.sents))
    index = match_index(coder.matcher.find(sent))
    tok = next(t for t in doc if t.text == head)
    return actor_for(tok, index)


@pytest.mark.parametrize("text, head, code", [
    ("Colombian President Gustavo Petro arrived.", "Petro", "COLGOV"),
    ("The U.S. military arrived.", "military", "USAMIL"),
    ("The police arrived.", "police", "COP"),
    ("Venezuelan troops arrived.", "troops", "VENMIL"),
    ("the president of colombia arrived.", "president", "COLGOV"),
    ("venezuelan troops arrived.", "troops", "VENMIL"),
])  # fmt: skip
def test_codes(nlp, coder, text: str, head: str, code: str) -> None:
    actor = _actor(nlp, coder, text, head)
    assert actor.code == code
    assert text[actor.start : actor.end] == actor.text


def test_unknown_name_keeps_text_and_no_code(nlp, coder) -> None:
    actor = _actor(nlp, coder, "Zork Blarg arrived.", "Blarg")
    assert actor.code is None and actor.text == "Zork Blarg"


def test_us_pronoun_is_not_the_usa(nlp, coder) -> None:
    doc = nlp("they told us to leave.")
    assert coder.matcher.find(next(iter(doc.sents))) == []


def test_combine_conventions() -> None:
    assert combine([Match(0, 1, "COL", "actor"), Match(1, 2, "~GOV", "agent")]) == (
        "COLGOV", "COL", "GOV")
    assert combine([Match(0, 1, "NGO~", "agent"), Match(1, 2, "ARN", "actor")])[0] == "NGOARN"
    assert combine([Match(0, 1, "USAMIL", "actor")]) == ("USAMIL", "USA", "MIL")
    assert combine([Match(0, 1, "~COP", "agent")]) == ("COP", None, "COP")
    assert combine([]) == (None, None, None)


def test_dated_roles(tiny, nlp) -> None:
    from rashomon.events.dictionaries import load

    d = load(tiny)
    doc = nlp("Aragorn arrived.")
    sent = next(iter(doc.sents))
    assert ActorMatcher(d.actors, d.agents, "20050101").find(sent)[0].code == "RNGGOV"
    assert ActorMatcher(d.actors, d.agents).find(sent)[0].code == "RNGELI"
