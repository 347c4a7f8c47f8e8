"""A fake OpenAI-compatible server (the vLLM / llama.cpp flavour), scriptable like ``FakeOllama``.

``GET /v1/models`` lists models with ``max_model_len`` as vLLM does; ``POST /v1/chat/completions`` streams
Server-Sent Events: ``data: {chat.completion.chunk}`` lines with ``delta.reasoning_content`` (or
``delta.reasoning``) and ``delta.content``, a chunk with ``finish_reason``, a usage chunk when
``stream_options.include_usage`` is set, and ``data: [DONE]``; non-streamed requests get one
``chat.completion`` object. Errors come as ``{"error": {"message", "type", "code"}}`` with the HTTP status,
or as a ``data: {"error": ...}`` event mid-stream. ``max_tokens`` cuts the output (reasoning first) with
``finish_reason: "length"``; a prompt longer than ``max_model_len`` is refused with 400, as vLLM does.

The same ``Reply`` values script it (see ``tests.fakes.ollama_server``).
Standalone: ``python -m tests.fakes.openai_server --port 0 [--script FILE.json] [--record FILE.jsonl]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.fakes.ollama_server import load_script
from tests.fakes.server import FakeServer, Reply, Responder, count_tokens, pieces, serve_forever, written


@dataclass
class FakeServedModel:
    name: str
    max_model_len: int = 32768


class FakeOpenAI(FakeServer):
    """``async with FakeOpenAI() as srv: ... srv.url ...`` (the base URL, without ``/v1``)."""

    def __init__(
        self,
        models: Sequence[FakeServedModel] = (FakeServedModel("google/gemma-4-31b-it"),),
        replies: Sequence[Reply] = (),
        responder: Responder | None = None,
        default: Reply | None = None,
        port: int = 0,
        reasoning_field: str = "reasoning_content",
        record: Path | None = None,
    ) -> None:
        super().__init__(replies, responder, default, port, record)
        self.models = {m.name: m for m in models}
        self.reasoning_field = reasoning_field

    @property
    def chats(self) -> list[dict[str, Any]]:
        return [r.body for r in self.received if r.path == "/v1/chat/completions"]

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/v1/models", self._models)
        app.router.add_post("/v1/chat/completions", self._chat)
        return app

    @staticmethod
    def _error(status: int, message: str, kind: str) -> web.Response:
        return web.json_response(
            {"error": {"message": message, "type": kind, "param": None, "code": status}}, status=status
        )

    async def _models(self, request: web.Request) -> web.Response:
        await self._note(request)
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

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await self._note(request)
        m = self.models.get(body.get("model", ""))
        if m is None:
            return self._error(404, f"The model `{body.get('model')}` does not exist.", "NotFoundError")
        with self.answering():
            reply = await self._reply_for(body)
            return await self._answer(request, body, m, reply)

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
        w = written(reply, think, body.get("max_tokens") or body.get("max_completion_tokens"))
        completion_tokens = w.tokens
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
        head = {"id": "chatcmpl-fake", "created": int(time.time()), "model": m.name}
        if not body.get("stream"):
            msg: dict[str, Any] = {"role": "assistant", "content": w.content}
            if w.thinking:
                msg[self.reasoning_field] = w.thinking
            return web.json_response(
                {
                    **head,
                    "object": "chat.completion",
                    "usage": usage,
                    "choices": [{"index": 0, "message": msg, "finish_reason": w.done_reason, "logprobs": None}],
                }
            )

        def event(delta: dict[str, Any], finish_reason: str | None = None) -> bytes:
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
            chunk = {**head, "object": "chat.completion.chunk", "choices": [choice]}
            return b"data: " + json.dumps(chunk).encode() + b"\n\n"

        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await resp.prepare(request)
        await resp.write(event({"role": "assistant", "content": ""}))
        parts = [event(piece) for piece in pieces(w, reply.chunk_chars, self.reasoning_field)]
        err = {"error": {"object": "error", "message": reply.error, "type": "InternalServerError", "code": 500}}
        if not await self.stream(request, resp, reply, parts, b"data: " + json.dumps(err).encode() + b"\n\n"):
            return resp
        await resp.write(event({}, w.done_reason))
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


async def serve(port: int, script: Path | None, record: Path | None = None) -> None:
    replies: list[Reply] = []
    default: Reply | None = None
    if script is not None:
        replies, default, _ = load_script(script)
    await serve_forever(FakeOpenAI(replies=replies, default=default, port=port, record=record))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.fakes.openai_server")
    ap.add_argument("--port", type=int, default=8000, help="0 picks a free port (printed on start)")
    ap.add_argument("--script", type=Path, default=None, help="JSON file: replies and a default reply")
    ap.add_argument("--record", type=Path, default=None, help="append every request received to this JSONL")
    args = ap.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, args.script, args.record))
    return 0


if __name__ == "__main__":
    sys.exit(main())

__all__ = ["FakeOpenAI", "FakeServedModel"]
