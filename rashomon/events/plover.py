"""CAMEO -> PLOVER event types, Goldstein weights, and the CAMEO codes of intents and threats.

The PLOVER crosswalk is a data table (``rashomon/data/petrarch/cameo_plover.tsv``, source in its
header); the longest listed prefix of a CAMEO code gives its PLOVER type.
"""

from __future__ import annotations

from functools import lru_cache

from rashomon.events.dictionaries import BUNDLED

PLOVER_TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
)  # fmt: skip


@lru_cache(maxsize=1)
def crosswalk() -> dict[str, str]:
    """CAMEO prefix -> PLOVER type, read from the bundled table."""
    table: dict[str, str] = {}
    text = (BUNDLED / "cameo_plover.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line.startswith("#") or line.startswith("cameo\t"):
            continue
        prefix, plover = line.split("\t")
        table[prefix.strip()] = plover.strip()
    return table


def plover(cameo: str | None) -> str | None:
    """The PLOVER event type of a CAMEO code (None for statements and unknown codes)."""
    if not cameo or not cameo[:2].isdigit():
        return None
    table = crosswalk()
    for size in range(len(cameo), 1, -1):
        found = table.get(cameo[:size])
        if found is not None:
            return found
    return None


def goldstein(cameo: str | None, weights: dict[str, float]) -> float | None:
    """The Goldstein weight of a code, else of its nearest listed parent code."""
    if not cameo:
        return None
    for size in range(len(cameo), 1, -1):
        if cameo[:size] in weights:
            return weights[cameo[:size]]
    return None


def root(cameo: str | None) -> int | None:
    """The CAMEO root (1-20) of a code, None for no code."""
    if not cameo or not cameo[:2].isdigit():
        return None
    return int(cameo[:2])


def intent(cameo: str) -> str:
    """The CAMEO code of announcing ``cameo`` as a plan ("will meet" -> 036).

    Cooperation is coded as its intent (03x) as CAMEO's manual prescribes. CAMEO has no intent
    codes for conflict: a planned or purposed strike keeps the strike's code (the event's mood,
    "future", says it has not happened; only an explicit threat becomes 13x, see
    :func:`threat`); statements, appeals, demands, criticism and rejections keep their codes.
    """
    r = root(cameo)
    sub = cameo[2:3]
    if r == 4:
        return "036"
    if r == 5:
        return "032"
    if r == 6:
        return "031" + ({"1": "1", "2": "2", "3": "3", "4": "4"}.get(sub, ""))
    if r == 7:
        return "033" + ({"1": "1", "2": "2", "3": "3", "4": "4"}.get(sub, ""))
    if r == 8:
        return "035" + (sub if sub in "123456" and sub else "")
    return cameo


def threat(cameo: str | None) -> str:
    """The CAMEO threat code for threatening to do ``cameo`` ("threatened to strike" -> 138)."""
    r = root(cameo)
    if r in (15, 18, 19, 20):
        return "1384" if r == 19 else "138"
    if r == 17:
        return "137"
    if r == 16:
        return "132" if cameo and cameo.startswith("163") else "131"
    return "130"
