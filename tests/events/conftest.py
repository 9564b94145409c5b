"""Fixtures for the event coder's tests: the bundled dictionaries and tiny ones written here."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def coder():
    from rashomon.events import EventCoder

    return EventCoder()


@pytest.fixture(scope="session")
def code_text(nlp, coder):
    """Code one text with the bundled dictionaries."""

    def run(text: str):
        return coder(nlp(text))

    return run


TINY_VERBS = """\
<!-- a tiny verbs dictionary in PETRARCH2's format -->
&TIES
+DIPLOMATIC_TIES
+RELATIONS

--- RESTORE [060] ---
RESTORE
RENEW {RENEWS RENEWED RENEWING}
- * &TIES [064]
- * (WITH $) [065]

--- MEET_PEOPLE [040] ---
+MEET_WITH {+MET_WITH +MEETS_WITH}
MEET {MEETS MET MEETING}
- * (FOR TALKS) [036:036]

--- NOTHING [---] ---
PONDER
"""

TINY_ACTORS = """\
ARNOR_ [ARN]
+ARNORIAN
GONDOR [GON]
ARAGORN_
\t[RNGGOV 20000101-20101231]
\t[RNGELI >20110101]
"""

TINY_AGENTS = """\
!PERSON! = MAN, MEN
PRESIDENT [~GOV]
POLICE {} [~COP]
HUMANITARIAN_GROUP [NGO~]
SPOKES!PERSON! [~GOV]
"""


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    """A folder of validation-style dictionaries (the names PETRARCH2's validation set uses)."""
    (tmp_path / "PETR.Validate.verbs.txt").write_text(TINY_VERBS)
    (tmp_path / "PETR.Validate.actors.txt").write_text(TINY_ACTORS)
    (tmp_path / "PETR.Validate.agents.txt").write_text(TINY_AGENTS)
    (tmp_path / "PETR.Validate.discards.txt").write_text("+FOOTBALL\nBASEBALL_\n")
    return tmp_path
