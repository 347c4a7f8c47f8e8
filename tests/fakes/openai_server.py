"""A fake OpenAI-compatible server (the vLLM / llama.cpp flavour), scriptable like ``FakeOllama``.

``GET /v1/models`` lists models with ``max_model_len`` as vLLM does; ``POST /v1/chat/completions`` streams
Server-Sent Events: ``data: {chat.completion.chunk}`` lines with ``delta.reasoning_content`` (or
``delta.reasoning``) and ``delta.content``, a chunk with ``finish_reason``, a usage chunk when
``stream_options.include_usage`` is set, and ``data: [DONE]``; non-streamed requests get one
``chat.completion`` object. Errors come as ``{"error": {"message", "type", "code"}}`` with the HTTP status,
or as a ``data: {"error": ...}`` event mid-stream. ``max_tokens`` cuts the output (reasoning first) with
``finish_reason: "length"``; a prompt longer than ``max_model_len`` is refused with 400, as vLLM does.

``llama_cpp=True`` makes it behave like llama.cpp's server instead: ``GET /props`` answers with
``default_generation_settings.n_ctx`` (``n_ctx``, the window it runs with) and ``POST /tokenize``
``{"content"}`` -> ``{"tokens": [...]}``; ``tokenizer="extras"`` offers llama-cpp-python's
``POST /extras/tokenize/count`` ``{"input"}`` -> ``{"count"}`` instead, ``tokenizer=None`` neither.
``usage`` says when a usage chunk is streamed: "asked" (only with ``stream_options.include_usage``, as vLLM
and llama.cpp do), "never" (llama-cpp-python), "always". Without ``llama_cpp`` there is no ``/props`` and no
tokenizer (404), as with vLLM. Tokens are counted by the fake's own rule (``CHARS_PER_TOKEN``).

The same ``Reply`` values script it (see ``tests.fakes.ollama_server``).
Standalone: ``python -m tests.fakes.openai_server --port 0 [--script FILE.json] [--record FILE.jsonl]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.fakes.ollama_server import load_script
from tests.fakes.server import (
    CHARS_PER_TOKEN,
    FakeServer,
    Reply,
    Responder,
    count_tokens,
    pieces,
    serve_forever,
    written,
)


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
        *,
        llama_cpp: bool = False,
        n_ctx: int = 4096,
        tokenizer: str | None = "tokenize",
        usage: str = "asked",
    ) -> None:
        super().__init__(replies, responder, default, port, record)
        self.models = {m.name: m for m in models}
        self.reasoning_field = reasoning_field
        self.llama_cpp = llama_cpp
        self.n_ctx = n_ctx
        self.tokenizer = tokenizer if llama_cpp else None
        if usage not in ("asked", "never", "always"):
            raise ValueError(f"usage={usage!r}: one of asked, never, always")
        self.usage = usage

    @property
    def tokenized(self) -> list[dict[str, Any]]:
        return [r.body for r in self.received if "tokenize" in r.path]

    @property
    def chats(self) -> list[dict[str, Any]]:
        return [r.body for r in self.received if r.path == "/v1/chat/completions"]

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/v1/models", self._models)
        app.router.add_post("/v1/chat/completions", self._chat)
        if self.llama_cpp:
            app.router.add_get("/props", self._props)
        if self.tokenizer == "tokenize":
            app.router.add_post("/tokenize", self._tokenize)
        elif self.tokenizer == "extras":
            app.router.add_post("/extras/tokenize/count", self._tokenize_count)
        return app

    async def _props(self, request: web.Request) -> web.Response:
        await self._note(request)
        return web.json_response({
            "default_generation_settings": {"n_ctx": self.n_ctx, "params": {"n_predict": -1}},
            "total_slots": 1,
            "model_path": "/models/fake.gguf",
        })

    @staticmethod
    def _token_count(text: str) -> int:
        return math.ceil(len(text) / CHARS_PER_TOKEN)

    async def _tokenize(self, request: web.Request) -> web.Response:
        body = await self._note(request)
        return web.json_response({"tokens": list(range(self._token_count(str(body.get("content", "")))))})

    async def _tokenize_count(self, request: web.Request) -> web.Response:
        body = await self._note(request)
        return web.json_response({"count": self._token_count(str(body.get("input", "")))})

    @staticmethod
    def _error(status: int, message: str, kind: str) -> web.Response:
        return web.json_response(
            {"error": {"message": message, "type": kind, "param": None, "code": status}}, status=status
        )

    async def _models(self, request: web.Request) -> web.Response:
        await self._note(request)
        if self.llama_cpp:  # llama.cpp: the training context in meta, the real window only in /props
            data = [
                {"id": m.name, "object": "model", "created": 1775000000, "owned_by": "llamacpp",
                 "meta": {"n_ctx_train": m.max_model_len, "n_params": 1543714304}}
                for m in self.models.values()
            ]
            return web.json_response({"object": "list", "data": data})
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
        window = self.n_ctx if self.llama_cpp else m.max_model_len
        if prompt_tokens > window:
            said = (
                f"This model's maximum context length is {window} tokens. However, "
                f"you requested {prompt_tokens} tokens in the messages."
            )
            return self._error(400, said, "BadRequestError")
        cap = body.get("max_tokens") or body.get("max_completion_tokens")
        if isinstance(cap, int) and not self.llama_cpp and prompt_tokens + cap > window:  # vLLM refuses it
            said = (
                f"This model's maximum context length is {window} tokens. However, you requested "
                f"{prompt_tokens + cap} tokens ({prompt_tokens} in the messages, {cap} in the completion)."
            )
            return self._error(400, said, "BadRequestError")
        if self.llama_cpp:  # llama.cpp stops a reply where the window is full
            cap = max(1, min(cap, window - prompt_tokens)) if isinstance(cap, int) else window - prompt_tokens
        think = (body.get("chat_template_kwargs") or {}).get("enable_thinking", True)
        w = written(reply, think, cap)
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
        asked = bool((body.get("stream_options") or {}).get("include_usage"))
        if self.usage == "always" or (self.usage == "asked" and asked):
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


async def serve(port: int, script: Path | None, record: Path | None = None, **flavour: Any) -> None:
    replies: list[Reply] = []
    default: Reply | None = None
    if script is not None:
        replies, default, _ = load_script(script)
    await serve_forever(FakeOpenAI(replies=replies, default=default, port=port, record=record, **flavour))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.fakes.openai_server")
    ap.add_argument("--port", type=int, default=8000, help="0 picks a free port (printed on start)")
    ap.add_argument("--script", type=Path, default=None, help="JSON file: replies and a default reply")
    ap.add_argument("--record", type=Path, default=None, help="append every request received to this JSONL")
    ap.add_argument("--llama-cpp", action="store_true", help="behave like llama.cpp's server (/props, /tokenize)")
    ap.add_argument("--n-ctx", type=int, default=4096, help="the window /props reports (with --llama-cpp)")
    ap.add_argument("--usage", default="asked", choices=("asked", "never", "always"), help="when usage is sent")
    args = ap.parse_args(argv)
    flavour = {"llama_cpp": args.llama_cpp, "n_ctx": args.n_ctx, "usage": args.usage}
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, args.script, args.record, **flavour))
    return 0


if __name__ == "__main__":
    sys.exit(main())

__all__ = ["FakeOpenAI", "FakeServedModel"]
