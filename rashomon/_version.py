"""The version of rashomon, in a module of its own.

Every module that needs the version (the User-Agent of the fetcher, the comparison cache key,
the service's health answer, the HTML page's footer) imports it from here rather than from the
package root: ``rashomon/__init__.py`` re-exports parts of the package, so importing the root
from inside the package is how import cycles start. ``pyproject.toml`` repeats the number as the
distribution's static version; ``tests/test_structure.py`` checks that the two agree.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
