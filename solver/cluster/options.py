"""The ``--cluster`` flags shared by ``rate`` and ``contest``. Imports no Ray: it is loaded on every run."""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from solver.config import Config
from solver.errors import UsageError

if TYPE_CHECKING:
    from solver.cluster.executor import ClusterExecutor

INSTALL_HINT = "pip install -e '.[cluster]'"
CLIENT_PORT = 10001  # Ray Client's port when ray://HOST names none (Ray's default)
PROBE_SECONDS = 5.0  # how long an address may take to accept a connection before it counts as unreachable
FORMS = "ray://HEAD:10001 (Ray Client), HOST:PORT (the head's GCS), auto (inside a Ray job) or local"


@dataclass(frozen=True)
class ClusterSpec:
    """Where the cluster is: ``local`` (start one here), ``auto`` (the Ray job's), or an address."""

    address: str  # "local", "auto", "ray://HOST:PORT" (Ray Client) or "HOST:PORT" (a node of the cluster)
    workers: int | None  # worker actors (None: one per alive node; 2 for a local cluster)
    per_worker: int  # problems a worker solves at a time

    @property
    def local(self) -> bool:
        return self.address == "local"

    @property
    def client(self) -> bool:
        """Ray Client (``ray://``): the driver runs anywhere and reaches the head's client server."""
        return self.address.startswith("ray://")


def effective_address(address: str) -> str:
    """The address Ray will be given: ``auto`` means RAY_ADDRESS where it is set (as ``ray.init`` reads it)."""
    if address == "auto":
        return os.environ.get("RAY_ADDRESS", "").strip() or "auto"
    return address


def host_port(address: str) -> tuple[str, int]:
    """(host, port) of ``ray://HOST[:PORT]`` or ``HOST:PORT`` (IPv6 in brackets); a usage error otherwise."""
    client = address.startswith("ray://")
    rest = address.removeprefix("ray://").rstrip("/")
    host, colon, port = rest.rpartition(":")
    if not colon or "]" in port:  # no port: Ray Client has a default one, the GCS has none
        host, port = rest, str(CLIENT_PORT) if client else ""
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise UsageError(f"--cluster {address!r}: give {FORMS}")
    return host, int(port)


def check_address(address: str) -> None:
    """Fail now, with what to do, where ``ray.init`` would fail late or hang for minutes: a ``ray://``
    address without Ray Client's package, or an address where nothing accepts a connection."""
    target = effective_address(address)
    if target in ("local", "auto"):  # auto without RAY_ADDRESS: Ray looks for a cluster on this machine
        return
    if target.startswith("ray://") and importlib.util.find_spec("grpc") is None:
        raise UsageError(
            f"--cluster {target}: Ray Client (ray://) needs the grpcio package, which a minimal Ray install "
            f"lacks: {INSTALL_HINT} (or pip install 'ray[client]'); or run this on a node of the cluster "
            "with --cluster HOST:PORT"
        )
    host, port = host_port(target)
    what = "Ray Client server" if target.startswith("ray://") else "Ray head (its GCS port)"
    try:
        socket.create_connection((host, port), timeout=PROBE_SECONDS).close()
    except OSError as e:
        start = (
            f"ray start --head --ray-client-server-port {port}"
            if target.startswith("ray://")
            else f"ray start --head --port {port}"
        )
        via = f" (RAY_ADDRESS={target})" if address == "auto" else ""
        raise UsageError(
            f"--cluster {address}{via}: no {what} answers at {host}:{port} ({e.strerror or e}). Check the "
            f"address, or start the cluster there ({start}); --cluster local starts one on this machine"
        ) from None
    if not _speaks_grpc(host, port):  # Ray would retry such a port for minutes
        raise UsageError(
            f"--cluster {address}: something answers at {host}:{port}, but not a {what} (it does not speak "
            f"gRPC); check the port: {FORMS}"
        )


def _speaks_grpc(host: str, port: int) -> bool:
    """Whether a gRPC connection (as to Ray's GCS or Ray Client server) comes up; True without grpcio."""
    try:
        import grpc
    except ImportError:  # a minimal Ray install: only the TCP check above
        return True
    channel = grpc.insecure_channel(f"[{host}]:{port}" if ":" in host else f"{host}:{port}")
    try:
        grpc.channel_ready_future(channel).result(timeout=PROBE_SECONDS)
    except grpc.FutureTimeoutError:
        return False
    finally:
        channel.close()
    return True


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
        raise UsageError(f"--cluster needs an address: {FORMS}")
    if address not in ("local", "auto"):
        host_port(address)  # malformed: said before anything starts
    workers = getattr(args, "cluster_workers", None)
    if workers is not None and workers < 1:
        raise UsageError("--cluster-workers must be at least 1")
    per_worker = int(getattr(args, "per_worker", 2))
    if per_worker < 1:
        raise UsageError("--per-worker must be at least 1")
    import_ray()  # checked now: without Ray the command fails before the model and the judge are started
    check_address(address)
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
