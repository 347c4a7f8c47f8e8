"""Endpoints, in-flight limits and the order of waiting requests.

Ollama serves one request at a time per model by default (OLLAMA_NUM_PARALLEL=1) and queues the rest; a
queue we cannot see makes idle timeouts fire on requests that never started. So we hold requests here
instead, at most ``slots`` in flight per endpoint, and spread them over several endpoints (GPUs, machines).

Waiting requests form a priority queue: when every slot is busy, the request with the smallest priority is
served first, and requests of equal priority first come, first served. A priority is a tuple of ints
(smaller first, compared as tuples; ``()`` sorts before everything). A request carries it either as the
``priority`` argument of ``lease`` or, when that is None, in the context variable set by ``with
request_priority(p):`` around the call - so a caller (the solve loop) can rank its requests without every
layer between it and the pool (model calls, backends, retries) passing the value along. Without either, a
request has priority ``DEFAULT_PRIORITY``. What the values mean is the caller's business; the solve loop's
scheme is in ``solver.solve.schedule``.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

Priority = tuple[int, ...]
DEFAULT_PRIORITY: Priority = ()

_priority: ContextVar[Priority] = ContextVar("request_priority", default=DEFAULT_PRIORITY)


@contextmanager
def request_priority(priority: Priority) -> Iterator[None]:
    """Requests leased inside this block (in this task, and in tasks it creates) carry ``priority``."""
    token = _priority.set(priority)
    try:
        yield
    finally:
        _priority.reset(token)


def current_priority() -> Priority:
    return _priority.get()


@dataclass(frozen=True)
class EndpointLoad:
    endpoint: str
    in_flight: int
    served: int
    max_in_flight: int


@dataclass(order=True)
class _Waiter:
    priority: Priority
    seq: int  # FIFO among equal priorities
    future: asyncio.Future[str] = field(compare=False)


class EndpointPool:
    """At most ``slots`` concurrent leases per endpoint; a lease picks the least busy endpoint.

    Ties go to the endpoint that has served fewer requests, then to the earlier one in the list, so equal
    endpoints take turns. Waiters are served by priority, then first come, first served.
    """

    def __init__(self, endpoints: Sequence[str], slots: int = 1) -> None:
        if not endpoints:
            raise ValueError("an endpoint pool needs at least one endpoint")
        if slots < 1:
            raise ValueError("slots per endpoint must be at least 1")
        self.endpoints = tuple(endpoints)
        self.slots = slots
        self._order = {e: i for i, e in enumerate(self.endpoints)}
        self._in_flight = dict.fromkeys(self.endpoints, 0)
        self._served = dict.fromkeys(self.endpoints, 0)
        self._max = dict.fromkeys(self.endpoints, 0)
        self._waiters: list[_Waiter] = []  # a heap
        self._seq = itertools.count()

    def _pick(self) -> str | None:
        free = [e for e in self.endpoints if self._in_flight[e] < self.slots]
        if not free:
            return None
        return min(free, key=lambda e: (self._in_flight[e], self._served[e], self._order[e]))

    def _take(self, endpoint: str) -> str:
        self._in_flight[endpoint] += 1
        self._served[endpoint] += 1
        self._max[endpoint] = max(self._max[endpoint], self._in_flight[endpoint])
        return endpoint

    def _release(self, endpoint: str) -> None:
        self._in_flight[endpoint] -= 1
        # Hand freed slots straight to the first waiters, so a newcomer cannot overtake them.
        while self._waiters:
            waiter = self._waiters[0]
            if waiter.future.done():  # cancelled while waiting
                heapq.heappop(self._waiters)
                continue
            free = self._pick()
            if free is None:
                break
            heapq.heappop(self._waiters)
            waiter.future.set_result(self._take(free))

    def _queued(self) -> bool:
        return any(not w.future.done() for w in self._waiters)

    @asynccontextmanager
    async def lease(self, priority: Priority | None = None) -> AsyncIterator[str]:
        """A slot on the least busy endpoint; ``priority`` (default: the context's) orders the wait."""
        rank = current_priority() if priority is None else priority
        free = None if self._queued() else self._pick()
        if free is not None:
            endpoint = self._take(free)
        else:
            future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
            heapq.heappush(self._waiters, _Waiter(rank, next(self._seq), future))
            try:
                endpoint = await future
            except asyncio.CancelledError:
                if future.done() and not future.cancelled():  # a slot arrived as we were cancelled
                    self._release(future.result())
                raise
        try:
            yield endpoint
        finally:
            self._release(endpoint)

    def waiting(self) -> list[Priority]:
        """Priorities of the requests waiting for a slot, in the order they will be served."""
        return [w.priority for w in sorted(self._waiters) if not w.future.done()]

    def loads(self) -> list[EndpointLoad]:
        return [EndpointLoad(e, self._in_flight[e], self._served[e], self._max[e]) for e in self.endpoints]


__all__ = [
    "DEFAULT_PRIORITY",
    "EndpointLoad",
    "EndpointPool",
    "Priority",
    "current_priority",
    "request_priority",
]
