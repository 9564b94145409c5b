"""The stable JSON contract (see :meth:`rashomon.model.Comparison.to_dict`)."""

from __future__ import annotations

import json as _json

from rashomon.model import Comparison


def render_json(comparison: Comparison, *, indent: int | None = 2) -> str:
    return _json.dumps(comparison.to_dict(), ensure_ascii=False, indent=indent) + "\n"
