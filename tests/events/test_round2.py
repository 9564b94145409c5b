"""Second round of the event coder: passives, police conduct, consultation nouns, acted-on
things as targets, the dictionary cache."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from rashomon.events import EventCoder
from rashomon.events.actors import Actor
from rashomon.events.dictionaries import load
from rashomon.events.evaluation import PoliceSettings, is_police, police_labels


@pytest.fixture(scope="module")
def police_coder() -> EventCoder:
    return EventCoder(uncoded=True)


def _labels(nlp, coder: EventCoder, text: str) -> set[str]:
    return police_labels(coder(nlp(text)), PoliceSettings())


def test_passive_agent_is_the_source(code_text) -> None:
    events = [e for e in code_text("two protesters were arrested by the police.")
              if e.lemma == "arrest"]  # fmt: skip
    assert events and events[0].source.code == "COP"
    assert events[0].target is not None and events[0].target.text == "two protesters"


def test_past_participle_as_adjective_is_an_arrest(code_text) -> None:
    events = [e for e in code_text("the arrested workers were released later.")
              if e.lemma == "arrest"]  # fmt: skip
    assert events and events[0].source is None
    assert events[0].target is not None and events[0].target.text.endswith("workers")


def test_police_inaction_is_a_failure(nlp, police_coder) -> None:
    assert "FAIL" in _labels(nlp, police_coder, "the police stood and watched as the mob "
                             "burnt the shops.")  # fmt: skip
    assert "FAIL" in _labels(nlp, police_coder, "the leaders blamed police inaction for the "
                             "riots.")  # fmt: skip
    # an act told as done is no failure
    assert "FAIL" not in _labels(nlp, police_coder, "the police arrested three men.")


def test_killed_in_police_firing(nlp, police_coder) -> None:
    labels = _labels(nlp, police_coder, "two persons were killed in police firing in the town.")
    assert {"KILL", "FORCE", "ANY_ACTION"} <= labels


def test_uncoded_acts_only_when_asked(nlp, coder, police_coder) -> None:
    text = "the police were rushed to the spot and stood guard."
    assert all(e.cameo is not None for e in coder(nlp(text)))
    extra = [e for e in police_coder(nlp(text)) if e.cameo is None]
    assert extra and all(e.plover is None and e.goldstein is None for e in extra)


def test_no_action_taken_is_negated(code_text) -> None:
    events = [e for e in code_text("no action was taken against the rioters.")
              if e.lemma == "take"]  # fmt: skip
    assert events and events[0].mood == "negated"


def test_paramilitary_forces_count_as_police() -> None:
    para = Actor("paramilitary forces", 0, 19, "MIL", None, "MIL")
    army = Actor("the Colombian army", 0, 18, "COLMIL", "COL", "MIL")
    assert is_police(para) and not is_police(army)
    assert is_police(Actor("the city police", 0, 15, "COP", None, "COP"))


def test_phone_call_is_a_consultation(code_text) -> None:
    events = code_text("A phone call between Colombian President Gustavo Petro and US "
                       "President Donald Trump was cordial.")  # fmt: skip
    calls = [e for e in events if e.lemma == "call"]
    assert calls and calls[0].cameo.startswith("04") and calls[0].plover == "CONSULT"
    assert {(e.source.code, e.target.code) for e in calls} == {("COLGOV", "USAGOV"),
                                                               ("USAGOV", "COLGOV")}
    # a consultation not told as having happened is no act
    assert not [e for e in code_text("The talks are needed.") if e.lemma == "talk"]


def test_thing_acted_on_is_not_the_target(code_text) -> None:
    events = code_text("Colombian President Gustavo Petro paused intelligence sharing with "
                       "the US.")  # fmt: skip
    paused = [e for e in events if e.lemma == "pause"]
    assert paused and paused[0].target is not None and paused[0].target.code == "USA"


def test_dictionary_cache(tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RASHOMON_CACHE", str(tmp_path / "cache"))
    load.cache_clear()
    try:
        first = load(tiny)
        cached = list((tmp_path / "cache" / "petrarch").glob("*.pickle"))
        assert len(cached) == 1
        with cached[0].open("rb") as handle:
            assert pickle.load(handle).verbs.forms.keys() == first.verbs.forms.keys()
        load.cache_clear()
        again = load(tiny)
        assert again.verbs.forms.keys() == first.verbs.forms.keys()
        assert again.goldstein == first.goldstein
        # a changed file is a new key
        (tiny / "PETR.Validate.discards.txt").write_text("+ZORK\n", encoding="utf-8")
        load.cache_clear()
        load(tiny)
        assert len(list((tmp_path / "cache" / "petrarch").glob("*.pickle"))) == 2
    finally:
        load.cache_clear()


def test_a_year_does_not_discard_the_sentence(code_text) -> None:
    events = code_text("This story is from March 1, 2002 dharwad: police arrested over 50 bjp "
                       "workers on thursday.")  # fmt: skip
    assert [e for e in events if e.lemma == "arrest" and e.source and e.source.code == "COP"]


def test_they_is_the_one_group_named_before(code_text) -> None:
    events = code_text("the main allegation against the police is that they did not protect "
                       "the innocent.")  # fmt: skip
    protect = [e for e in events if e.lemma == "protect"]
    assert protect and protect[0].source.code == "COP" and protect[0].source.entity


def test_deaths_next_to_police_firing_are_police_killings(nlp, police_coder) -> None:
    labels = _labels(nlp, police_coder, "police firing on the mob left two dead.")
    assert {"KILL", "FORCE"} <= labels
    assert "KILL" not in _labels(nlp, police_coder, "two shops were burnt in the town.")


def test_compound_actor_pattern(tiny: Path, nlp) -> None:
    """PETRARCH2's "%": "- % * [030:030]" applies only when a conjoined actor is the subject."""
    verbs = (tiny / "PETR.Validate.verbs.txt").read_text()
    (tiny / "PETR.Validate.verbs.txt").write_text(verbs + "\n--- AGREE [081] ---\nAGREE\n"
                                                  "- % * [030:030]\n- * WITH % [031]\n")
    load.cache_clear()
    try:
        coder = EventCoder(tiny, intents=False, nominal=False)
        both = {(e.source.code, e.target.code, e.cameo)
                for e in coder(nlp("Arnor and Gondor agree that the dispute is over."))}
        assert both == {("ARN", "GON", "030"), ("GON", "ARN", "030")}
        alone = {e.cameo for e in coder(nlp("Arnor agreed that the dispute is over."))}
        assert alone == {"081"}
        with_two = {e.cameo for e in coder(nlp("Arnor agreed with Gondor and Osgiliath."))}
        assert with_two == {"031"}
    finally:
        load.cache_clear()
