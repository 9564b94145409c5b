"""The Ray cluster the executor tests run on.

``RAY_ADDRESS`` set (``.ci/run`` starts a two-node cluster on loopback and sets it): connect to
it. Else a one-node cluster is started in this process (2 CPUs). Ray not installed, or the
cluster not reachable: the Ray tests are skipped, or FAIL when ``RASHOMON_REQUIRE_RAY=1``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("RASHOMON_REQUIRE_RAY") == "1":
        pytest.fail(f"RASHOMON_REQUIRE_RAY=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[Any]:
    """The ``ray`` module, connected to the test cluster."""
    try:
        import ray
    except ImportError:
        _skip_or_fail("ray is not installed (pip install 'rashomon[cluster]')")
    address = os.environ.get("RAY_ADDRESS") or None
    try:
        if address:
            from rashomon.executors.ray import check_reachable

            check_reachable(address)
            ray.init(address=address, logging_level="ERROR", log_to_driver=False)
        else:
            ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR",
                     log_to_driver=False)
    except Exception as exc:
        _skip_or_fail(f"no Ray cluster could be reached or started: {exc}")
    # The tests' own steps and stand-ins travel to the workers by value: the workers cannot
    # import the test modules.
    for name in ("test_executors", "ray_support"):
        if name in sys.modules:
            ray.cloudpickle.register_pickle_by_value(sys.modules[name])
    try:
        yield ray
    finally:
        ray.shutdown()
