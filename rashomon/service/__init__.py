"""The web service: a JSON API over the corpus and the reconciler, and the web UI.

``create_app()`` (in :mod:`rashomon.service.app`) builds the FastAPI application that
``rashomon serve`` runs; see ``docs/service.md``.

``rashomon.service.create_app`` is a *lazy* attribute (PEP 562 module ``__getattr__``, through
the :data:`_LAZY` table): importing a part of the service (``rashomon.service.security``, as
``rashomon serve`` does to check its options first) runs this package's ``__init__``, and must
not build the whole application with FastAPI and the renderers for that.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rashomon.service.app import create_app

#: Lazy public names: attribute -> ``"module:attribute"`` it is taken from on first use.
_LAZY: dict[str, str] = {"create_app": "rashomon.service.app:create_app"}

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    """Resolve a lazy public name (see :data:`_LAZY`)."""
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, _, attribute = target.partition(":")
    return getattr(import_module(module), attribute)
