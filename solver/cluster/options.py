"""The ``--cluster`` flags shared by ``rate`` and ``contest``. Imports no Ray: it is loaded on every run."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from solver.config import Config
from solver.errors import UsageError

if TYPE_CHECKING:
    from solver.cluster.executor import ClusterExecutor

INSTALL_HINT = "pip install -e '.[cluster]'"


@dataclass(frozen=True)
class ClusterSpec:
    """Where the cluster is: ``local`` (start one here), ``auto`` (the Ray job's), or an address."""

    address: str  # "local", "auto", "ray://HOST:PORT" (Ray Client) or "HOST:PORT" (a node of the cluster)
    workers: int | None  # worker actors (None: one per alive node; 2 for a local cluster)
    per_worker: int  # problems a worker solves at a time

    @property
    def local(self) -> bool:
        return self.address == "local"


def add_cluster_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("cluster (needs pip install -e '.[cluster]')")
    g.add_argument(
        "--cluster",
        default=None,
        metavar="ADDR",
        help="spread the problems over a Ray cluster: ray://HEAD:10001 (Ray Client), HOST:PORT, auto (inside a "
        "Ray job) or local (start one on this machine); every node needs Docker and the judge image",
    )
    g.add_argument(
        "--cluster-workers",
        type=int,
        default=None,
        metavar="N",
        help="worker actors, each owning its node's warm judge workers (default: one per node; 2 with local)",
    )
    g.add_argument(
        "--per-worker",
        type=int,
        default=2,
        metavar="K",
        help="problems one worker solves at a time (default 2)",
    )


def cluster_spec(args: argparse.Namespace) -> ClusterSpec | None:
    """The parsed flags, or None without ``--cluster``; a malformed value is a usage error."""
    address = getattr(args, "cluster", None)
    if address is None:
        return None
    address = address.strip()
    if not address:
        raise UsageError("--cluster needs an address: ray://HEAD:10001, HOST:PORT, auto or local")
    if address not in ("local", "auto") and ":" not in address:
        raise UsageError(
            f"--cluster {address!r}: give ray://HEAD:10001, HOST:PORT, auto (inside a Ray job) or local"
        )
    workers = getattr(args, "cluster_workers", None)
    if workers is not None and workers < 1:
        raise UsageError("--cluster-workers must be at least 1")
    per_worker = int(getattr(args, "per_worker", 2))
    if per_worker < 1:
        raise UsageError("--per-worker must be at least 1")
    import_ray()  # checked now: without Ray the command fails before the model and the judge are started
    return ClusterSpec(address, workers, per_worker)


def import_ray() -> ModuleType:
    """Ray, or a usage error saying how to install it (only ``--cluster`` calls this)."""
    try:
        import ray
    except ImportError:
        raise UsageError(f"--cluster needs Ray, an optional dependency: {INSTALL_HINT}") from None
    return ray


@contextlib.asynccontextmanager
async def solving_on(
    spec: ClusterSpec | None, config: Config, log: Callable[[str], None]
) -> AsyncIterator[ClusterExecutor | None]:
    """The cluster's executor for ``--cluster``, else None (and Ray is not imported)."""
    if spec is None:
        yield None
        return
    from solver.cluster.executor import open_cluster

    async with open_cluster(spec, config, log) as executor:
        yield executor
