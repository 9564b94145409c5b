"""The coder on parsed sentences: verb patterns, conjoined actors, moods, unknown actors kept."""

from __future__ import annotations

from pathlib import Path

from rashomon.events import MOODS, CodedEvent, EventCoder


def _one(events: list[CodedEvent], lemma: str) -> CodedEvent:
    found = [e for e in events if e.lemma == lemma]
    assert found, [e.lemma for e in events]
    return found[0]


def test_asserted_event_with_codes_and_evidence(code_text) -> None:
    text = "Venezuelan troops attacked Colombian police on Monday."
    e = _one(code_text(text), "attack")
    assert (e.source.code, e.target.code, e.cameo) == ("VENMIL", "COLCOP", "190")
    assert e.mood == "asserted" and e.plover == "ASSAULT" and e.goldstein == -10.0
    assert text[e.start : e.end] == e.evidence and "attacked" in e.evidence
    assert e.to_dict()["source"]["code"] == "VENMIL"


def test_future_is_coded_as_intent(code_text) -> None:
    e = _one(code_text("Colombian President Gustavo Petro will meet US President Donald Trump."),
             "meet")
    assert e.mood == "future" and e.cameo == "036" and e.plover == "CONSULT"
    assert (e.source.code, e.target.code) == ("COLGOV", "USAGOV")


def test_negated_keeps_act_code_without_weight(code_text) -> None:
    e = _one(code_text("Colombian President Gustavo Petro did not meet Donald Trump."), "meet")
    assert e.mood == "negated" and e.cameo.startswith("04") and e.goldstein is None


def test_threat_is_a_threat_not_the_strike(code_text) -> None:
    events = code_text("The United States threatened to strike Venezuela.")
    assert [e.cameo for e in events if e.cameo.startswith("19")] == []
    e = _one(events, "strike")
    assert e.mood == "threatened" and e.cameo.startswith("138") and e.plover == "THREATEN"
    assert (e.source.code, e.target.code) == ("USA", "VEN")
    assert "threatened" in e.verb


def test_conditional_is_hypothetical(code_text) -> None:
    events = code_text("If Venezuela attacks, the United States would strike Caracas.")
    assert {e.mood for e in events} == {"hypothetical"}
    assert all(e.goldstein is None for e in events)


def test_reported_speech_keeps_the_speaker(code_text) -> None:
    e = _one(code_text("Colombia said Venezuelan troops attacked the police."), "attack")
    assert e.mood == "reported" and e.speaker is not None and e.speaker.code == "COL"
    assert e.source.code == "VENMIL"


def test_conjoined_actors_one_event_each(code_text) -> None:
    events = [e for e in code_text("Colombia and Venezuela attacked the rebels.")
              if e.lemma == "attack"]
    assert {e.source.code for e in events} == {"COL", "VEN"}
    assert {e.target.code for e in events} == {"REB"}


def test_unknown_actors_are_kept_not_invented(code_text) -> None:
    events = code_text("Zork Blarg attacked someone yesterday.")
    e = _one(events, "attack")
    assert e.source is not None and e.source.code is None and e.source.text == "Zork Blarg"
    e2 = _one(code_text("Shots were fired at the border."), "fire")
    assert e2.source is None and e2.evidence


def test_lower_cased_police_text(code_text) -> None:
    e = _one(code_text("the police arrested three men in ahmedabad."), "arrest")
    assert e.source.code == "COP" and e.cameo == "173"


def test_nominal_act_with_actor(code_text) -> None:
    events = code_text("four people were killed in police firing.")
    kill = _one(events, "kill")
    assert kill.source is not None and kill.source.code == "COP"


def test_verb_patterns_on_tiny_dictionaries(tiny: Path, nlp) -> None:
    coder = EventCoder(tiny, intents=False)
    events = coder(nlp("Arnor restored diplomatic ties with Gondor."))
    assert [(e.source.code, e.target.code, e.cameo) for e in events] == [("ARN", "GON", "064")]
    # no pattern word: the verb's own code
    events = coder(nlp("Arnor restored the bridge."))
    assert [e.cameo for e in events] == ["060"]
    # a reciprocal code: one event each way
    events = coder(nlp("Arnor met Gondor for talks."))
    assert {(e.source.code, e.target.code, e.cameo) for e in events} == {
        ("ARN", "GON", "036"), ("GON", "ARN", "036")}
    # a null-coded verb is no event
    assert coder(nlp("Arnor pondered Gondor.")) == []
    # a discarded story is not coded
    assert coder(nlp("Arnor met Gondor after the football match.")) == []


def test_pipe_and_moods_documented(nlp, coder) -> None:
    docs = nlp.pipe(["Police arrested him.", "Nothing happened."])
    out = list(coder.pipe(docs))
    assert len(out) == 2 and out[1] == []
    assert set(MOODS) >= {e.mood for e in out[0]}
