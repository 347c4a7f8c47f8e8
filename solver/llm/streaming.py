"""Shared pieces of the streaming backends: host names, per-chunk timeouts, collecting and passing on chunks."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import urlsplit

from solver.llm.base import Chunk, OnChunk
from solver.llm.errors import ModelTimeout

T = TypeVar("T")

OLLAMA_PORT = 11434


@dataclass(frozen=True)
class Timeouts:
    """No total timeout: a long think is fine as long as chunks keep coming.

    ``warmup_s`` covers loading a large model from disk (minutes on a slow drive); ``first_chunk_s`` covers
    evaluating a long prompt (and a reload if the model was evicted meanwhile); ``idle_s`` is the longest
    silence tolerated between two chunks once the answer streams.
    """

    connect_s: float = 10.0
    warmup_s: float = 900.0
    first_chunk_s: float = 600.0
    idle_s: float = 120.0


def normalize_host(host: str, default_port: int | None = OLLAMA_PORT) -> str:
    """``localhost`` -> ``http://localhost:11434``; an explicit scheme, port or path is kept."""
    h = host.strip().rstrip("/")
    if "://" not in h:
        h = "http://" + h
    parts = urlsplit(h)
    if parts.port is None and default_port is not None and parts.scheme == "http" and not parts.path:
        h = f"{parts.scheme}://{parts.hostname}:{default_port}"
    return h


async def next_within(it: AsyncIterator[T], timeout_s: float, host: str, phase: str, backend: str) -> T:
    """The next item, or ModelTimeout after ``timeout_s`` of silence. StopAsyncIteration passes through."""
    try:
        async with asyncio.timeout(timeout_s):  # no task per chunk, unlike wait_for
            return await anext(it)
    except TimeoutError:
        raise ModelTimeout(host, waited_s=timeout_s, phase=phase, backend=backend) from None


async def emit(on_chunk: OnChunk | None, chunk: Chunk) -> None:
    if on_chunk is None:
        return
    result = on_chunk(chunk)
    if inspect.isawaitable(result):
        await result


async def timed(stream: AsyncIterable[T], timeouts: Timeouts, host: str, backend: str
                ) -> AsyncGenerator[T, None]:
    """The stream's parts: the first within ``first_chunk_s``, each next within ``idle_s`` of the one before.

    Use it under ``contextlib.aclosing``: closing it closes the client's stream, which drops the connection.
    """
    it = aiter(stream)
    timeout, phase = timeouts.first_chunk_s, "waiting for the first chunk"
    try:
        while True:
            try:
                part = await next_within(it, timeout, host, phase, backend)
            except StopAsyncIteration:
                return
            timeout, phase = timeouts.idle_s, "between two chunks of the reply"
            yield part
    finally:
        # ollama's stream is an async generator (aclose), openai's an AsyncStream (close): either drops the
        # connection, so a request given up on does not keep the server generating.
        closer = getattr(stream, "aclose", None) or getattr(stream, "close", None)
        if closer is not None:
            result = closer()
            if inspect.isawaitable(result):
                await result


class Collected:
    """The reply streamed so far; each chunk with text is passed on to ``on_chunk`` as it arrives."""

    def __init__(self, on_chunk: OnChunk | None) -> None:
        self.on_chunk = on_chunk
        self.start = time.monotonic()
        self.first_at: float | None = None  # when the first text arrived
        self._thinking: list[str] = []
        self._content: list[str] = []

    async def add(self, chunk: Chunk) -> None:
        if chunk.thinking or chunk.content:
            self.first_at = time.monotonic() if self.first_at is None else self.first_at
            self._thinking.append(chunk.thinking)
            self._content.append(chunk.content)
            await emit(self.on_chunk, chunk)

    def restarted(self) -> Collected:
        """This collector emptied, for a retried request: only the last attempt's text is kept."""
        self._thinking.clear()
        self._content.clear()
        self.first_at = None
        return self

    @property
    def started(self) -> bool:
        """Whether any text arrived: a connection lost after that broke a reply, it did not refuse one."""
        return self.first_at is not None

    @property
    def thinking(self) -> str:
        return "".join(self._thinking)

    @property
    def content(self) -> str:
        return "".join(self._content)


class Once(Generic[T]):
    """An async job run once and shared: callers arriving while it runs wait for the same outcome.

    A preflight that fails (server down) fails every waiting request at once, instead of each of them
    retrying it again in turn; the next request after a failure starts it afresh.
    """

    def __init__(self, job: Callable[[], Awaitable[T]]) -> None:
        self._job = job
        self._task: asyncio.Future[T] | None = None

    async def __call__(self) -> T:
        task = self._task
        if task is None or (task.done() and (task.cancelled() or task.exception() is not None)):
            task = self._task = asyncio.ensure_future(self._job())
        return await asyncio.shield(task)


__all__ = ["Collected", "Once", "Timeouts", "emit", "next_within", "normalize_host", "timed"]
