"""A fake OpenAI-compatible server (the vLLM / llama.cpp flavour), scriptable like ``FakeOllama``.

``GET /v1/models`` lists models with ``max_model_len`` as vLLM does; ``POST /v1/chat/completions`` streams
Server-Sent Events: ``data: {chat.completion.chunk}`` lines with ``delta.reasoning_content`` (or
``delta.reasoning``) and ``delta.content``, a chunk with ``finish_reason``, a usage chunk when
``stream_options.include_usage`` is set, and ``data: [DONE]``; non-streamed requests get one
``chat.completion`` object. Errors come as ``{"error": {"message", "type", "code"}}`` with the HTTP status,
or as a ``data: {"error": ...}`` event mid-stream. ``max_tokens`` cuts the output (reasoning first) with
``finish_reason: "length"``; a prompt longer than ``max_model_len`` is refused with 400, as vLLM does.

The same ``Reply`` values script it (see ``tests.fakes.ollama_server``).
Standalone: ``python -m tests.fakes.openai_server --port 0 [--script FILE.json]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import inspect
import json
import math
import sys
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.fakes.ollama_server import (
    CHARS_PER_TOKEN,
    Received,
    Reply,
    Responder,
    count_tokens,
    echo_reply,
    load_script,
    split,
)


@dataclass
class FakeServedModel:
    name: str
    max_model_len: int = 32768


class FakeOpenAI:
    """``async with FakeOpenAI() as srv: ... srv.url ...`` (the base URL, without ``/v1``)."""

    def __init__(
        self,
        models: Sequence[FakeServedModel] = (FakeServedModel("google/gemma-4-31b-it"),),
        replies: Sequence[Reply] = (),
        responder: Responder | None = None,
        default: Reply | None = None,
        port: int = 0,
        reasoning_field: str = "reasoning_content",
    ) -> None:
        self.models = {m.name: m for m in models}
        self.queue: deque[Reply] = deque(replies)
        self.responder = responder
        self.default = default
        self.port = port
        self.reasoning_field = reasoning_field
        self.received: list[Received] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._runner: web.AppRunner | None = None

    def script(self, *replies: Reply) -> None:
        self.queue.extend(replies)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def chats(self) -> list[dict[str, Any]]:
        return [r.body for r in self.received if r.path == "/v1/chat/completions"]

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/v1/models", self._models)
        app.router.add_post("/v1/chat/completions", self._chat)
        return app

    async def start(self) -> FakeOpenAI:
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

    async def __aenter__(self) -> FakeOpenAI:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @staticmethod
    def _error(status: int, message: str, kind: str) -> web.Response:
        return web.json_response(
            {"error": {"message": message, "type": kind, "param": None, "code": status}}, status=status
        )

    async def _models(self, request: web.Request) -> web.Response:
        self.received.append(Received(request.method, request.path, {}, time.monotonic()))
        data = [
            {
                "id": m.name,
                "object": "model",
                "created": 1775000000,
                "owned_by": "vllm",
                "root": m.name,
                "parent": None,
                "max_model_len": m.max_model_len,
            }
            for m in self.models.values()
        ]
        return web.json_response({"object": "list", "data": data})

    async def _reply_for(self, body: dict[str, Any]) -> Reply:
        if self.queue:
            return self.queue.popleft()
        if self.responder is not None:
            r = self.responder(body)
            return await r if inspect.isawaitable(r) else r
        if self.default is not None:
            return self.default
        return echo_reply(body)

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.received.append(Received(request.method, request.path, body, time.monotonic()))
        m = self.models.get(body.get("model", ""))
        if m is None:
            return self._error(404, f"The model `{body.get('model')}` does not exist.", "NotFoundError")
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            reply = await self._reply_for(body)
            return await self._answer(request, body, m, reply)
        finally:
            self.in_flight -= 1

    async def _answer(
        self, request: web.Request, body: dict[str, Any], m: FakeServedModel, reply: Reply
    ) -> web.StreamResponse:
        if reply.first_delay:
            await asyncio.sleep(reply.first_delay)
        if reply.status != 200:
            kind = {400: "BadRequestError", 404: "NotFoundError", 429: "RateLimitError"}.get(
                reply.status, "ServiceUnavailable"
            )
            return self._error(reply.status, reply.error, kind)
        prompt_tokens = reply.prompt_eval_count
        if prompt_tokens is None:
            prompt_tokens = count_tokens(body.get("messages", []))
        if prompt_tokens > m.max_model_len:
            said = (
                f"This model's maximum context length is {m.max_model_len} tokens. However, "
                f"you requested {prompt_tokens} tokens in the messages."
            )
            return self._error(400, said, "BadRequestError")
        think = (body.get("chat_template_kwargs") or {}).get("enable_thinking", True)
        thinking = reply.thinking if think else ""
        content, finish = reply.content, reply.done_reason
        max_tokens = body.get("max_tokens") or body.get("max_completion_tokens")
        if isinstance(max_tokens, int) and max_tokens > 0:
            budget = int(max_tokens * CHARS_PER_TOKEN)
            if len(thinking) + len(content) > budget:
                thinking, content = thinking[:budget], content[: max(0, budget - len(thinking))]
                finish = "length"
        completion_tokens = reply.eval_count
        if completion_tokens is None:
            completion_tokens = math.ceil((len(thinking) + len(content)) / CHARS_PER_TOKEN)
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
        head = {"id": "chatcmpl-fake", "created": int(time.time()), "model": m.name}
        if not body.get("stream"):
            msg: dict[str, Any] = {"role": "assistant", "content": content}
            if thinking:
                msg[self.reasoning_field] = thinking
            return web.json_response(
                {
                    **head,
                    "object": "chat.completion",
                    "usage": usage,
                    "choices": [{"index": 0, "message": msg, "finish_reason": finish, "logprobs": None}],
                }
            )

        def event(delta: dict[str, Any], finish_reason: str | None = None) -> bytes:
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
            chunk = {**head, "object": "chat.completion.chunk", "choices": [choice]}
            return b"data: " + json.dumps(chunk).encode() + b"\n\n"

        pieces = [{self.reasoning_field: t} for t in split(thinking, reply.chunk_chars)]
        pieces += [{"content": c} for c in split(content, reply.chunk_chars)]
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        await resp.write(event({"role": "assistant", "content": ""}))
        for i, piece in enumerate(pieces):
            if reply.error_after is not None and i == min(reply.error_after, len(pieces) - 1):
                err = {
                    "error": {
                        "object": "error",
                        "message": reply.error,
                        "type": "InternalServerError",
                        "code": 500,
                    }
                }
                await resp.write(b"data: " + json.dumps(err).encode() + b"\n\n")
                return resp
            if reply.close_after is not None and i == min(reply.close_after, len(pieces) - 1):
                assert request.transport is not None
                request.transport.close()
                return resp
            if reply.stall_after is not None and i == reply.stall_after:
                await asyncio.sleep(reply.stall)
            elif i and reply.delay:
                await asyncio.sleep(reply.delay)
            await resp.write(event(piece))
        await resp.write(event({}, finish))
        if (body.get("stream_options") or {}).get("include_usage"):
            await resp.write(
                b"data: "
                + json.dumps(
                    {**head, "object": "chat.completion.chunk", "choices": [], "usage": usage}
                ).encode()
                + b"\n\n"
            )
        await resp.write(b"data: [DONE]\n\n")
        await resp.write_eof()
        return resp


async def serve(port: int, script: Path | None) -> None:
    replies: list[Reply] = []
    default: Reply | None = None
    if script is not None:
        replies, default, _ = load_script(script)
    srv = FakeOpenAI(replies=replies, default=default, port=port)
    await srv.start()
    print(f"listening on {srv.url}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await srv.stop()


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.fakes.openai_server")
    ap.add_argument("--port", type=int, default=8000, help="0 picks a free port (printed on start)")
    ap.add_argument("--script", type=Path, default=None, help="JSON file: replies and a default reply")
    args = ap.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, args.script))
    return 0


if __name__ == "__main__":
    sys.exit(main())

__all__ = ["FakeOpenAI", "FakeServedModel"]
