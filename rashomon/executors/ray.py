"""The Ray executor: steps run in Ray actors, one step object per actor, models loaded once.

Chosen with ``--executor ray``; the cluster is found the way Ray users expect: ``--address``,
else ``$RAY_ADDRESS``, else a cluster already running on this machine, else a new one-node
cluster in this process. This module imports Ray at its top and is imported only when the Ray
executor is chosen (Ray is the optional ``cluster`` extra).

A worker that dies mid-batch (killed, out of memory, its machine gone) is restarted by Ray
(``max_restarts``) and the batch it held is run again (``max_task_retries``); the driver waits for
results in batch order, so it commits nothing twice and nothing out of order.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import re
import socket
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import ray

from rashomon.errors import ConfigurationError
from rashomon.executors.base import Step

#: How often Ray restarts a dead actor and re-runs the batch it held before giving up.
MAX_RESTARTS = 4
#: Seconds to wait for the cluster's head to answer before saying it cannot be reached (Ray
#: itself keeps retrying for minutes).
CONNECT_TIMEOUT_S = 5.0
#: Batches in flight per actor: enough to keep each busy while the driver commits.
IN_FLIGHT_PER_ACTOR = 2


class _StepActor:
    """Holds one step: ``setup()`` at start (and again after a restart), then batches."""

    def __init__(self, step: Step) -> None:
        self.step = step
        step.setup()

    def run(self, batch: Any) -> Any:
        return self.step(batch)

    def node(self) -> str:
        """The node this actor runs on (see :func:`node_name`)."""
        return node_name(ray.util.get_node_ip_address(), ray.get_runtime_context().get_node_id())


def node_name(address: str, node_id: str) -> str:
    """``address/node-id-prefix``: one machine may run several nodes (CI's loopback cluster)."""
    return f"{address}/{node_id[:8]}"


def check_reachable(address: str, timeout: float = CONNECT_TIMEOUT_S) -> None:
    """Fail fast, with E178, when nothing listens at a ``host:port`` or ``ray://`` address."""
    if address in ("auto", "local"):
        return
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    host = parts.hostname
    try:
        port = parts.port or (10001 if parts.scheme == "ray" else 6379)
    except ValueError:
        raise ConfigurationError("E178", address=address, reason="not host:port") from None
    if not host:
        raise ConfigurationError("E178", address=address, reason="not host:port")
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigurationError("E178", address=address, reason=reason) from None


class RayExecutor:
    """Maps steps over batches with ``actors`` Ray actors (default: one per CPU of the
    cluster), ``IN_FLIGHT_PER_ACTOR`` batches ahead of the driver each."""

    name = "ray"

    def __init__(self, address: str | None = None, *, actors: int | None = None) -> None:
        self.address = address
        if not ray.is_initialized():
            if address:
                check_reachable(address)
            try:
                ray.init(address=address, logging_level=logging.ERROR, log_to_driver=False,
                         configure_logging=False)
            except (ConnectionError, RuntimeError) as exc:
                reason = " ".join(str(exc).split())[:200]
                raise ConfigurationError("E178", address=address or "auto",
                                         reason=reason) from None
            self._owns = True
        else:
            self._owns = False
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.actors = max(1, actors if actors is not None else cpus)
        self._nodes: set[str] = set()

    # -- mapping --------------------------------------------------------------------------------
    def _start(self, step: Step) -> list[Any]:
        """Actors holding ``step``, one ``setup()`` each, spread over the nodes."""
        actor = ray.remote(num_cpus=1, max_restarts=MAX_RESTARTS,
                           max_task_retries=MAX_RESTARTS)(_StepActor)
        # SPREAD: put actors on every node rather than filling the head first.
        return [actor.options(scheduling_strategy="SPREAD").remote(step)
                for _ in range(self.actors)]

    def map_batches(self, step: Step, batches: Iterable[Any]) -> Iterator[Any]:
        """The actors live for one mapping: they hold every CPU they asked for, so the next
        step's actors could not start while they are alive."""
        pool = self._start(step)
        try:
            window = len(pool) * IN_FLIGHT_PER_ACTOR
            pending: collections.deque[Any] = collections.deque()
            for turn, batch in enumerate(batches):
                pending.append(pool[turn % len(pool)].run.remote(batch))
                if len(pending) >= window:
                    yield _get(pending.popleft())
            while pending:
                yield _get(pending.popleft())
            self._nodes.update(_get(a.node.remote()) for a in pool)
        finally:
            for actor in pool:
                ray.kill(actor)

    # -- about the cluster ------------------------------------------------------------------
    def nodes(self) -> list[str]:
        return sorted(self._nodes)

    def cluster_nodes(self) -> list[str]:
        """The cluster's live nodes (see :func:`node_name`)."""
        return sorted(node_name(n["NodeManagerAddress"], n["NodeID"])
                      for n in ray.nodes() if n.get("Alive"))

    def shares_storage(self) -> bool:
        """True when the cluster is one node on this machine (a SQLite file is then fine)."""
        nodes = [n for n in ray.nodes() if n.get("Alive")]
        return len(nodes) == 1 and nodes[0]["NodeManagerAddress"] in _local_addresses()

    def close(self) -> None:
        if self._owns:
            ray.shutdown()


def _get(ref: Any) -> Any:
    """The result of one batch; E179 once Ray has given up on it (retries spent)."""
    try:
        return ray.get(ref)
    except ray.exceptions.RayError as exc:
        # A step's own exception (RayTaskError.cause) says more than Ray's long traceback.
        cause = getattr(exc, "cause", None)
        text = f"{type(cause).__name__}: {cause}" if cause is not None else str(exc)
        reason = " ".join(re.sub(r"\x1b\[[0-9;]*m", "", text).split())[:300]
        raise ConfigurationError("E179", reason=reason) from None


def _local_addresses() -> set[str]:
    """The addresses this machine answers on (loopback included)."""
    found = {"127.0.0.1", "::1", str(ray.util.get_node_ip_address())}
    with contextlib.suppress(OSError):
        found.update(str(i[4][0]) for i in socket.getaddrinfo(socket.gethostname(), None))
    found.update(os.environ.get("RASHOMON_LOCAL_ADDRESSES", "").split())
    return {str(a) for a in found}
