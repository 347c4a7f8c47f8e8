"""What the fake model servers share: scripted replies, the record of requests, the count of requests in
flight, and their life cycle (in a test, or standalone as a process).

Replies come from a queue (``srv.script(Reply(...), ...)``), then from ``srv.responder(request_body)``
(plain or async callable returning a Reply), then ``srv.default`` (an echo of the last user message).
Every request is recorded in ``srv.received`` (and appended to the ``record`` JSONL file when given);
``srv.max_in_flight`` is the most chat requests that were being answered at the same moment.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Self

from aiohttp import web

BUSY = "server busy, please try again.  maximum pending requests exceeded"
CHARS_PER_TOKEN = 3.5  # denser than the client's estimate on purpose: the two must not agree by construction


@dataclass
class Reply:
    """One scripted answer to a chat request."""

    content: str = "ok"
    thinking: str = ""
    done_reason: str = "stop"
    chunk_chars: int = 16  # characters per streamed piece
    first_delay: float = 0.0  # seconds before the first byte (model load, prompt evaluation)
    delay: float = 0.0  # seconds between pieces
    stall_after: int | None = None  # after this many pieces, be silent for `stall` seconds
    stall: float = 0.0
    status: int = 200  # not 200: answer {"error": error} with this status, nothing streamed
    error: str = ""
    error_after: int | None = None  # send an {"error": error} line after this many pieces, then stop
    close_after: int | None = None  # drop the connection after this many pieces
    prompt_eval_count: int | None = None  # override the counted prompt size
    eval_count: int | None = None
    load_ns: int = 2_000_000

    @classmethod
    def busy(cls) -> Reply:
        return cls(status=503, error=BUSY)

    @classmethod
    def bad_request(cls, error: str = "invalid options: bogus") -> Reply:
        return cls(status=400, error=error)

    @classmethod
    def error_mid_stream(
        cls, after: int = 2, error: str = "an error was encountered while running the model", **kw: Any
    ) -> Reply:
        return cls(error_after=after, error=error, **kw)

    @classmethod
    def dropped(cls, after: int = 2, **kw: Any) -> Reply:
        return cls(close_after=after, **kw)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Reply:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


@dataclass
class Received:
    method: str
    path: str
    body: dict[str, Any]
    at: float


Responder = Callable[[dict[str, Any]], "Reply | Awaitable[Reply]"]


def count_tokens(messages: Sequence[dict[str, Any]]) -> int:
    return sum(math.ceil(len(str(m.get("content") or "")) / CHARS_PER_TOKEN) + 5 for m in messages)


def split(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), max(1, size))]


def echo_reply(body: dict[str, Any]) -> Reply:
    """The default answer: repeats the last user message, after a line of thinking."""
    users = [m.get("content", "") for m in body.get("messages", []) if m.get("role") == "user"]
    return Reply(content=f"echo: {users[-1] if users else ''}", thinking="The user wants an echo.")


@dataclass(frozen=True)
class Written:
    """What the fake model writes for one reply: thinking (if asked to think), then the answer."""

    thinking: str
    content: str
    done_reason: str
    tokens: int  # output tokens, thinking included


def written(reply: Reply, think: bool, budget: object) -> Written:
    """The reply cut to the output budget in tokens (thinking first), ``done_reason`` "length" if it was."""
    thinking = reply.thinking if think else ""
    content, done_reason = reply.content, reply.done_reason
    if isinstance(budget, int) and budget > 0:
        chars = int(budget * CHARS_PER_TOKEN)
        if len(thinking) + len(content) > chars:
            thinking, content = thinking[:chars], content[: max(0, chars - len(thinking))]
            done_reason = "length"
    tokens = reply.eval_count
    if tokens is None:
        tokens = math.ceil((len(thinking) + len(content)) / CHARS_PER_TOKEN)
    return Written(thinking, content, done_reason, tokens)


def pieces(w: Written, chunk_chars: int, thinking_key: str = "thinking") -> list[dict[str, str]]:
    """The streamed pieces: the thinking's, then the answer's."""
    out = [{thinking_key: t} for t in split(w.thinking, chunk_chars)]
    return out + [{"content": c} for c in split(w.content, chunk_chars)]


class FakeServer:
    """``async with SomeFake() as srv: ... srv.url ...``; a subclass adds its routes in ``app()``."""

    def __init__(
        self,
        replies: Sequence[Reply] = (),
        responder: Responder | None = None,
        default: Reply | None = None,
        port: int = 0,
        record: Path | None = None,
    ) -> None:
        self.queue: deque[Reply] = deque(replies)
        self.responder = responder
        self.default = default
        self.port = port
        self.record = record
        self.received: list[Received] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._runner: web.AppRunner | None = None

    def script(self, *replies: Reply) -> None:
        self.queue.extend(replies)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def app(self) -> web.Application:
        raise NotImplementedError

    async def start(self) -> Self:
        self._runner = web.AppRunner(self.app(), handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _note(self, request: web.Request) -> dict[str, Any]:
        """Record the request; its JSON body (``{}`` for a GET)."""
        body: dict[str, Any] = {}
        if request.method == "POST" and request.can_read_body:
            body = await request.json()
        self.received.append(Received(request.method, request.path, body, time.monotonic()))
        if self.record is not None:
            with self.record.open("a", encoding="utf-8") as f:
                f.write(json.dumps({"method": request.method, "path": request.path, "body": body}) + "\n")
        return body

    @contextmanager
    def answering(self) -> Iterator[None]:
        """Counts a chat request in flight while it is answered."""
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            yield
        finally:
            self.in_flight -= 1

    @staticmethod
    async def stream(request: web.Request, resp: web.StreamResponse, reply: Reply, parts: Sequence[bytes],
                     error: bytes) -> bool:
        """Write ``parts`` as the reply scripts it (delays, a stall, an ``error`` line instead of the rest, a
        dropped connection); True when all were written and the final part may follow."""
        for i, part in enumerate(parts):
            if reply.error_after is not None and i == min(reply.error_after, len(parts) - 1):
                await resp.write(error)
                return False
            if reply.close_after is not None and i == min(reply.close_after, len(parts) - 1):
                assert request.transport is not None
                request.transport.close()  # mid-stream: the client sees an incomplete body
                return False
            if reply.stall_after is not None and i == reply.stall_after:
                await asyncio.sleep(reply.stall)
            elif i and reply.delay:
                await asyncio.sleep(reply.delay)
            await resp.write(part)
        return True

    async def _reply_for(self, body: dict[str, Any]) -> Reply:
        if self.queue:
            return self.queue.popleft()
        if self.responder is not None:
            r = self.responder(body)
            return await r if inspect.isawaitable(r) else r
        if self.default is not None:
            return self.default
        return echo_reply(body)


async def serve_forever(srv: FakeServer) -> None:
    """Standalone: start, say where (``listening on URL``, read by tests.fakes.process), serve until killed."""
    await srv.start()
    print(f"listening on {srv.url}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await srv.stop()


__all__ = [
    "BUSY",
    "CHARS_PER_TOKEN",
    "FakeServer",
    "Received",
    "Reply",
    "Responder",
    "Written",
    "count_tokens",
    "echo_reply",
    "pieces",
    "serve_forever",
    "split",
    "written",
]
