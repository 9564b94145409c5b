"""CAMEO -> PLOVER, Goldstein weights, intent and threat codes."""

from __future__ import annotations

from rashomon.events.dictionaries import load
from rashomon.events.plover import PLOVER_TYPES, crosswalk, goldstein, intent, plover, threat


def test_crosswalk_longest_prefix() -> None:
    assert plover("0314") == "COOPERATE"
    assert plover("036") == "CONSULT"
    assert plover("057") == "AGREE"
    assert plover("051") == "SUPPORT"
    assert plover("190") == "ASSAULT"
    assert plover("173") == "COERCE"
    assert plover("010") is None  # statements have no PLOVER type
    assert plover(None) is None
    assert set(crosswalk().values()) <= set(PLOVER_TYPES)


def test_goldstein_falls_back_to_parent() -> None:
    weights = load().goldstein
    assert goldstein("190", weights) == -10.0
    assert goldstein("0409", weights) == goldstein("040", weights)
    assert goldstein(None, weights) is None


def test_intents_and_threats() -> None:
    assert intent("040") == "036"  # will meet -> intend to meet
    assert intent("064") == "0314"
    assert intent("190") == "190"  # no CAMEO intent for force: the mood says "future"
    assert intent("112") == "112"  # criticism stays criticism
    assert threat("190") == "1384"
    assert threat("173") == "137"
    assert threat("040") == "130"
