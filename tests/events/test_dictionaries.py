"""Reading PETRARCH2's dictionary formats: synsets, verb blocks and patterns, dated actor roles,
agents with substitutions and plurals, discards, Goldstein weights."""

from __future__ import annotations

from pathlib import Path

import pytest

from rashomon.errors import RashomonError
from rashomon.events.dictionaries import (
    load,
    plurals,
    read_actors,
    read_agents,
    read_discards,
    read_verbs,
)


def test_plurals_follow_petrarch_rules() -> None:
    assert plurals("TROOP") == {"TROOPS"}
    assert plurals("MILITARY") == {"MILITARIES"}
    assert plurals("ACTRESS") == {"ACTRESSES"}


def test_verbs_blocks_forms_and_patterns(tiny: Path) -> None:
    verbs = read_verbs(tiny / "PETR.Validate.verbs.txt")
    # irregular forms in {...}, regular ones generated
    assert {e.block for e in verbs.forms["MET"]} == {"MEET_PEOPLE"}
    assert verbs.forms["RESTORED"][0].code == "060"
    # "+MEET_WITH": the verb is MEET, "WITH" must follow it
    with_entries = [e for e in verbs.forms["MET"] if e.particles]
    assert with_entries and with_entries[0].particles == ("WITH",)
    # a synset inside a pattern is expanded (with plurals)
    restore = verbs.patterns["RESTORE"]
    ties = restore[0]
    assert ties.code == "064"
    assert ("DIPLOMATIC", "TIES") in ties.after[0].alternatives
    assert ("RELATIONS",) in ties.after[0].alternatives
    # a prepositional phrase with the target marker
    prep = restore[1]
    assert prep.after[0].prep == "WITH" and prep.after[0].role == "target"
    # a reciprocal code is kept whole
    assert verbs.patterns["MEET_PEOPLE"][0].code == "036:036"
    # a block with the null code: the verb is known but is no event
    assert verbs.forms["PONDER"][0].code == "---"


def test_actor_synonyms_share_codes_and_dated_roles(tiny: Path) -> None:
    actors = {e.words: e for e in read_actors(tiny / "PETR.Validate.actors.txt")}
    assert actors[("ARNORIAN",)].code() == "ARN"
    assert actors[("ARNOR",)].stem is False  # trailing "_": exact word
    assert actors[("GONDOR",)].stem is True
    aragorn = actors[("ARAGORN",)]
    assert aragorn.code("20050101") == "RNGGOV"
    assert aragorn.code("20120101") == "RNGELI"
    assert aragorn.code() == "RNGELI"  # no date: the open-ended, current role


def test_agents_substitutions_and_plurals(tiny: Path) -> None:
    agents = {e.words: e.code() for e in read_agents(tiny / "PETR.Validate.agents.txt")}
    assert agents[("PRESIDENTS",)] == "~GOV"
    assert ("POLICES",) not in agents  # "{}": no plural
    assert agents[("SPOKESMAN",)] == "~GOV" and agents[("SPOKESMEN",)] == "~GOV"
    assert agents[("HUMANITARIAN", "GROUP")] == "NGO~"


def test_discards(tiny: Path) -> None:
    sentence, story = read_discards(tiny / "PETR.Validate.discards.txt")
    assert story == ["FOOTBALL"] and sentence == ["BASEBALL_"]


def test_bundled_set_loads() -> None:
    d = load()
    assert "MEET_PEOPLE" in d.verbs.patterns
    assert d.goldstein["190"] == -10.0
    codes = {e.code() for e in d.agents if e.words == ("POLICE",)}
    assert codes == {"~COP"}
    # rashomon's supplement is merged in
    assert "LATHICHARGED" in d.verbs.forms


def test_missing_folder_is_a_coded_error(tmp_path: Path) -> None:
    with pytest.raises(RashomonError) as err:
        load(tmp_path / "nowhere")
    assert err.value.code == "E130"
    with pytest.raises(RashomonError):
        load(tmp_path)  # a folder without dictionaries
