"""Endpoints and in-flight limits: each request goes to the least busy endpoint with a free slot.

Ollama serves one request at a time per model by default (OLLAMA_NUM_PARALLEL=1) and queues the rest; a
queue we cannot see makes idle timeouts fire on requests that never started. So we hold requests here
instead, at most ``slots`` in flight per endpoint, and spread them over several endpoints (GPUs, machines).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class EndpointLoad:
    endpoint: str
    in_flight: int
    served: int
    max_in_flight: int


class EndpointPool:
    """At most ``slots`` concurrent leases per endpoint; a lease picks the least busy endpoint.

    Ties go to the endpoint that has served fewer requests, then to the earlier one in the list, so equal
    endpoints take turns. Waiters are served first come, first served.
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
        self._waiters: deque[asyncio.Future[str]] = deque()

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
        # Hand freed slots straight to the oldest waiters, so a newcomer cannot overtake them.
        while self._waiters:
            waiter = self._waiters[0]
            if waiter.done():  # cancelled while waiting
                self._waiters.popleft()
                continue
            free = self._pick()
            if free is None:
                break
            self._waiters.popleft()
            waiter.set_result(self._take(free))

    @asynccontextmanager
    async def lease(self) -> AsyncIterator[str]:
        free = None if self._waiters else self._pick()
        if free is not None:
            endpoint = self._take(free)
        else:
            waiter: asyncio.Future[str] = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                endpoint = await waiter
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():  # a slot arrived as we were cancelled
                    self._release(waiter.result())
                raise
        try:
            yield endpoint
        finally:
            self._release(endpoint)

    def loads(self) -> list[EndpointLoad]:
        return [EndpointLoad(e, self._in_flight[e], self._served[e], self._max[e]) for e in self.endpoints]


__all__ = ["EndpointLoad", "EndpointPool"]
