"""The web service: a JSON API over the corpus and the reconciler, and the web UI.

``create_app()`` (in :mod:`rashomon.service.app`) builds the FastAPI application that
``rashomon serve`` runs; see ``docs/service.md``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    """``rashomon.service.create_app`` without importing FastAPI until it is used."""
    if name == "create_app":
        from rashomon.service.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
