"""One limiter of model slots for the whole cluster.

Each endpoint takes at most ``slots_per_host`` requests at a time (``solver.llm.pool``). On one machine the
backend's ``EndpointPool`` holds that line; on a cluster every node has its own backend, so the pool moves
into one Ray actor that every node's backend leases from: N nodes never put more than the configured slots on
an endpoint. A lease costs one round trip to the actor (milliseconds) against a model reply (seconds).

A worker killed while holding leases would leak them; a restarted worker (same name) first releases what its
dead predecessor held (``SlotsActor.register``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import ray

from solver.llm.pool import EndpointLoad, EndpointPool, Priority, current_priority


class SlotsActor:
    """The cluster's ``EndpointPool``; run as an async Ray actor (``limiter_actor``).

    A holder is a worker's name and its process id. A worker process that dies leaves slots held and
    requests waiting; when the worker comes back (same name, new pid) it ``register``s, which releases what
    the dead process held, and a slot granted later to a request of the dead process is released at once.
    """

    def __init__(self, endpoints: Sequence[str], slots: int) -> None:
        self.pool = EndpointPool(endpoints, slots)
        self._held: dict[str, tuple[str, int, asyncio.Event]] = {}  # token -> (name, pid, release)
        self._current: dict[str, int] = {}  # worker name -> the pid of its live process
        self._tasks: set[asyncio.Task[None]] = set()

    def register(self, name: str, pid: int) -> int:
        """``name`` now runs as ``pid``: release what its earlier processes held; how many slots that was."""
        self._current[name] = pid
        stale = [t for t, (n, p, _) in self._held.items() if n == name and p != pid]
        for t in stale:
            self.release(t)
        return len(stale)

    async def acquire(self, name: str, pid: int, priority: Priority | None = None) -> tuple[str, str]:
        """Wait for a slot, in ``priority`` order across the cluster (``solver.llm.pool``); return (token,
        endpoint). The slot is held until ``release(token)``."""
        got: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        done = asyncio.Event()

        async def hold() -> None:
            async with self.pool.lease(priority) as endpoint:
                got.set_result(endpoint)
                await done.wait()

        task = asyncio.create_task(hold())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        endpoint = await got
        token = secrets.token_hex(8)
        self._held[token] = (name, pid, done)
        if self._current.get(name, pid) != pid:  # asked by a process that has died since: free it now
            self.release(token)
        return token, endpoint

    def release(self, token: str) -> None:
        held = self._held.pop(token, None)
        if held is not None:
            held[2].set()

    def loads(self) -> list[tuple[str, int, int, int]]:
        return [(x.endpoint, x.in_flight, x.served, x.max_in_flight) for x in self.pool.loads()]


def limiter_actor(endpoints: Sequence[str], slots: int, name: str, node: str | None = None) -> Any:
    """Start the cluster's limiter: a named actor owned by this driver (it ends with the driver), on ``node``
    where given (softly: elsewhere if that node is gone). Should it restart anyway, the calls in flight are
    sent again to the new one, which starts with every slot free."""
    cls = ray.remote(num_cpus=0, max_restarts=-1, max_task_retries=-1)(SlotsActor)
    where: Any = None
    if node is not None:
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        where = NodeAffinitySchedulingStrategy(node, soft=True)
    return cls.options(name=name, max_concurrency=10_000, scheduling_strategy=where).remote(tuple(endpoints), slots)


class ClusterPool(EndpointPool):
    """A node's stand-in for its backend's pool: every lease goes through the cluster's limiter."""

    def __init__(self, endpoints: Sequence[str], slots: int, limiter: Any, holder: str) -> None:
        super().__init__(endpoints, slots)
        self._limiter = limiter
        self._holder = holder

    @asynccontextmanager
    async def lease(self, priority: Priority | None = None) -> AsyncIterator[str]:
        rank = current_priority() if priority is None else priority  # read here: the actor has no context
        ref = self._limiter.acquire.remote(self._holder, os.getpid(), rank)
        try:
            token, endpoint = await ref
        except asyncio.CancelledError:  # the slot may still be granted: give it back when it is
            asyncio.get_running_loop().create_task(self._release_later(ref))
            raise
        try:
            yield endpoint
        finally:
            self._limiter.release.remote(token)

    async def _release_later(self, ref: Any) -> None:
        with contextlib.suppress(Exception):
            token, _ = await ref
            self._limiter.release.remote(token)

    def loads(self) -> list[EndpointLoad]:
        return [EndpointLoad(*row) for row in ray.get(self._limiter.loads.remote())]
