"""A fake Ollama server speaking the real HTTP protocol, scriptable per test.

Endpoints, with the shapes of Ollama's ``server/routes.go``: ``GET /api/version``, ``GET /api/tags``,
``POST /api/show`` (``model_info`` with ``<arch>.context_length``, ``capabilities``), ``GET /api/ps``,
``POST /api/chat`` (NDJSON stream of ``message.content`` / ``message.thinking`` pieces and a final chunk with
``done``, ``done_reason`` and the counts and nanosecond durations; or one JSON object with
``"stream": false``; an empty ``messages`` list loads the model and answers ``done_reason: "load"``).

Errors as Ollama sends them: 404 ``{"error": "model 'x' not found"}`` for an unknown model, 400
``{"error": "\\"x\\" does not support thinking"}``, 503 ``server busy``, an ``{"error": ...}`` line in the
middle of a 200 stream, a connection dropped mid-stream, a slow first chunk, a stall between chunks.

What it does mimics the real server where our client depends on it: the prompt is counted in tokens and
silently cut to ``options.num_ctx`` (default 4096); ``options.num_predict`` cuts the output (thinking first)
with ``done_reason: "length"``; a change of ``num_ctx`` reloads the model (counted in ``loads``).

Replies come from a queue (``srv.script(Reply(...), ...)``), then from ``srv.responder(request_body)``
(plain or async callable returning a Reply), then ``srv.default`` (an echo of the last user message).
Every request is recorded in ``srv.received``; ``srv.max_in_flight`` is the most chat requests that were
being answered at the same moment.

Standalone: ``python -m tests.fakes.ollama_server --port 0 [--script FILE.json] [--record FILE.jsonl]
[--responder MODULE:FUNCTION]``
prints ``listening on http://127.0.0.1:PORT`` and serves until killed. The script file is
``{"replies": [Reply fields...], "default": {...}, "models": [FakeModel fields...]}``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import importlib
import inspect
import json
import math
import sys
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

BUSY = "server busy, please try again.  maximum pending requests exceeded"
CHARS_PER_TOKEN = 3.5  # denser than the client's estimate on purpose: the two must not agree by construction
DEFAULT_NUM_CTX = 4096


@dataclass
class FakeModel:
    name: str
    context_length: int = 131072
    capabilities: list[str] = field(default_factory=lambda: ["completion", "thinking"])
    family: str = "gemma4"
    parameter_size: str = "31B"
    quantization_level: str = "Q4_K_M"
    size: int = 19_000_000_000


DEFAULT_MODELS = (
    FakeModel("gemma4:31b"),
    FakeModel("gemma4:e2b", parameter_size="5.1B", size=7_200_000_000),
    FakeModel(
        "llama3.2:3b",
        context_length=131072,
        capabilities=["completion", "tools"],
        family="llama",
        parameter_size="3.2B",
        size=2_000_000_000,
    ),
)


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


def digest_of(name: str) -> str:
    """The digest /api/tags lists for a model: sha256-shaped and stable across processes."""
    return hashlib.sha256(name.encode()).hexdigest()


def count_tokens(messages: Sequence[dict[str, Any]]) -> int:
    return sum(math.ceil(len(str(m.get("content") or "")) / CHARS_PER_TOKEN) + 5 for m in messages)


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def split(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), max(1, size))]


def echo_reply(body: dict[str, Any]) -> Reply:
    """The default answer: repeats the last user message, after a line of thinking."""
    users = [m.get("content", "") for m in body.get("messages", []) if m.get("role") == "user"]
    return Reply(content=f"echo: {users[-1] if users else ''}", thinking="The user wants an echo.")


class FakeOllama:
    """``async with FakeOllama() as srv: ... srv.url ...``"""

    def __init__(
        self,
        models: Sequence[FakeModel] = DEFAULT_MODELS,
        replies: Sequence[Reply] = (),
        responder: Responder | None = None,
        default: Reply | None = None,
        port: int = 0,
        version: str = "0.12.6",
        record: Path | None = None,
        load_delay: float = 0.0,
    ) -> None:
        self.load_delay = load_delay  # seconds a (re)load of the model takes
        self.models = {m.name: m for m in models}
        self.queue: deque[Reply] = deque(replies)
        self.responder = responder
        self.default = default
        self.port = port
        self.version = version
        self.record = record
        self.received: list[Received] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.loaded: dict[str, int] = {}  # model -> num_ctx it is loaded with
        self.loads = 0
        self._runner: web.AppRunner | None = None

    # ---- test-facing helpers ----

    def script(self, *replies: Reply) -> None:
        self.queue.extend(replies)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def chats(self) -> list[dict[str, Any]]:
        """Bodies of the chat requests that asked for an answer (warm-up loads excluded)."""
        return [r.body for r in self.received if r.path == "/api/chat" and r.body.get("messages")]

    def paths(self) -> list[str]:
        return [r.path for r in self.received]

    # ---- lifecycle ----

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/api/version", self._version)
        app.router.add_get("/api/tags", self._tags)
        app.router.add_post("/api/show", self._show)
        app.router.add_get("/api/ps", self._ps)
        app.router.add_post("/api/chat", self._chat)
        app.router.add_get("/", self._root)
        return app

    async def start(self) -> FakeOllama:
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

    async def __aenter__(self) -> FakeOllama:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ---- handlers ----

    async def _note(self, request: web.Request) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if request.method == "POST" and request.can_read_body:
            body = await request.json()
        self.received.append(Received(request.method, request.path, body, time.monotonic()))
        if self.record is not None:
            with self.record.open("a", encoding="utf-8") as f:
                f.write(json.dumps({"method": request.method, "path": request.path, "body": body}) + "\n")
        return body

    async def _root(self, request: web.Request) -> web.Response:
        await self._note(request)
        return web.Response(text="Ollama is running")

    async def _version(self, request: web.Request) -> web.Response:
        await self._note(request)
        return web.json_response({"version": self.version})

    def _find(self, name: str) -> FakeModel | None:
        """As Ollama resolves names: a missing tag means ``:latest``."""
        return self.models.get(name) or (self.models.get(f"{name}:latest") if ":" not in name else None)

    def _details(self, m: FakeModel) -> dict[str, Any]:
        return {
            "parent_model": "",
            "format": "gguf",
            "family": m.family,
            "families": [m.family],
            "parameter_size": m.parameter_size,
            "quantization_level": m.quantization_level,
        }

    async def _tags(self, request: web.Request) -> web.Response:
        await self._note(request)
        models = [
            {
                "name": m.name,
                "model": m.name,
                "modified_at": "2026-04-02T10:00:00.000000000Z",
                "size": m.size,
                "digest": digest_of(m.name),
                "details": self._details(m),
            }
            for m in self.models.values()
        ]
        return web.json_response({"models": models})

    async def _show(self, request: web.Request) -> web.Response:
        body = await self._note(request)
        name = body.get("model") or body.get("name") or ""
        m = self._find(name)
        if m is None:
            return web.json_response({"error": f"model '{name}' not found"}, status=404)
        arch = m.family
        return web.json_response(
            {
                "license": "Gemma Terms of Use",
                "modelfile": f"FROM {name}\n",
                "parameters": "temperature 1\ntop_k 64\ntop_p 0.95",
                "template": "{{ .Prompt }}",
                "details": self._details(m),
                "model_info": {
                    "general.architecture": arch,
                    "general.parameter_count": 31_000_000_000,
                    f"{arch}.context_length": m.context_length,
                    f"{arch}.embedding_length": 5376,
                    f"{arch}.block_count": 62,
                },
                "capabilities": list(m.capabilities),
                "modified_at": "2026-04-02T10:00:00.000000000Z",
            }
        )

    async def _ps(self, request: web.Request) -> web.Response:
        await self._note(request)
        models = [
            {
                "name": n,
                "model": n,
                "size": self.models[n].size,
                "digest": "0" * 64,
                "details": self._details(self.models[n]),
                "expires_at": "2026-04-02T11:00:00Z",
                "size_vram": self.models[n].size,
                "context_length": ctx,
            }
            for n, ctx in self.loaded.items()
            if n in self.models
        ]
        return web.json_response({"models": models})

    async def _reply_for(self, body: dict[str, Any]) -> Reply:
        if self.queue:
            return self.queue.popleft()
        if self.responder is not None:
            r = self.responder(body)
            return await r if inspect.isawaitable(r) else r
        if self.default is not None:
            return self.default
        return echo_reply(body)

    async def _load(self, name: str, options: dict[str, Any]) -> int:
        num_ctx = int(options.get("num_ctx") or DEFAULT_NUM_CTX)
        if self.loaded.get(name) != num_ctx:  # Ollama reloads a model whose num_ctx changes
            await asyncio.sleep(self.load_delay)
            self.loaded[name] = num_ctx
            self.loads += 1
        return num_ctx

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await self._note(request)
        name = body.get("model", "")
        m = self._find(name)
        if m is None:
            return web.json_response({"error": f"model '{name}' not found"}, status=404)
        think = body.get("think")
        if think and "thinking" not in m.capabilities:
            return web.json_response({"error": f'"{name}" does not support thinking'}, status=400)
        if think is None:
            think = "thinking" in m.capabilities
        options = body.get("options") or {}
        messages = body.get("messages") or []
        if not messages:
            await self._load(name, options)
            return web.json_response(
                {
                    "model": name,
                    "created_at": _now(),
                    "message": {"role": "assistant", "content": ""},
                    "done_reason": "load",
                    "done": True,
                }
            )
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            reply = await self._reply_for(body)
            return await self._answer(request, body, m, reply, bool(think), options)
        finally:
            self.in_flight -= 1

    async def _answer(
        self,
        request: web.Request,
        body: dict[str, Any],
        m: FakeModel,
        reply: Reply,
        think: bool,
        options: dict[str, Any],
    ) -> web.StreamResponse:
        if reply.first_delay:
            await asyncio.sleep(reply.first_delay)
        if reply.status != 200:
            return web.json_response({"error": reply.error}, status=reply.status)
        num_ctx = await self._load(m.name, options)
        prompt_tokens = reply.prompt_eval_count
        if prompt_tokens is None:
            prompt_tokens = min(count_tokens(body["messages"]), num_ctx)  # silently cut, as Ollama does
        thinking = reply.thinking if think else ""
        content, done_reason = reply.content, reply.done_reason
        num_predict = options.get("num_predict")
        if isinstance(num_predict, int) and num_predict > 0:
            budget = int(num_predict * CHARS_PER_TOKEN)
            if len(thinking) + len(content) > budget:
                thinking, content = thinking[:budget], content[: max(0, budget - len(thinking))]
                done_reason = "length"
        eval_count = reply.eval_count
        if eval_count is None:
            eval_count = math.ceil((len(thinking) + len(content)) / CHARS_PER_TOKEN)
        final = {
            "model": m.name,
            "created_at": _now(),
            "message": {"role": "assistant", "content": ""},
            "done": True,
            "done_reason": done_reason,
            "total_duration": reply.load_ns + 3_000_000 + 5_000_000 * eval_count,
            "load_duration": reply.load_ns,
            "prompt_eval_count": prompt_tokens,
            "prompt_eval_duration": 3_000_000,
            "eval_count": eval_count,
            "eval_duration": 5_000_000 * eval_count,
        }
        if body.get("stream") is False:
            msg: dict[str, Any] = {"role": "assistant", "content": content}
            if thinking:
                msg["thinking"] = thinking
            return web.json_response({**final, "message": msg})

        pieces = [{"thinking": t} for t in split(thinking, reply.chunk_chars)]
        pieces += [{"content": c} for c in split(content, reply.chunk_chars)]
        resp = web.StreamResponse(headers={"Content-Type": "application/x-ndjson"})
        await resp.prepare(request)
        for i, piece in enumerate(pieces):
            if reply.error_after is not None and i == min(reply.error_after, len(pieces) - 1):
                await resp.write(json.dumps({"error": reply.error}).encode() + b"\n")
                return resp
            if reply.close_after is not None and i == min(reply.close_after, len(pieces) - 1):
                assert request.transport is not None
                request.transport.close()  # mid-stream: the client sees an incomplete chunked body
                return resp
            if reply.stall_after is not None and i == reply.stall_after:
                await asyncio.sleep(reply.stall)
            elif i and reply.delay:
                await asyncio.sleep(reply.delay)
            line = {
                "model": m.name,
                "created_at": _now(),
                "message": {
                    "role": "assistant",
                    "content": piece.get("content", ""),
                    **({"thinking": piece["thinking"]} if "thinking" in piece else {}),
                },
                "done": False,
            }
            await resp.write(json.dumps(line).encode() + b"\n")
        await resp.write(json.dumps(final).encode() + b"\n")
        await resp.write_eof()
        return resp


def load_script(path: Path) -> tuple[list[Reply], Reply | None, list[FakeModel] | None]:
    data = json.loads(path.read_text(encoding="utf-8"))
    replies = [Reply.from_dict(r) for r in data.get("replies", [])]
    default = Reply.from_dict(data["default"]) if data.get("default") else None
    models = [FakeModel(**m) for m in data["models"]] if data.get("models") else None
    return replies, default, models


def import_responder(spec: str) -> Responder:
    """``package.module:function`` -> the function (it gets each chat request's body, returns a Reply)."""
    module, _, name = spec.partition(":")
    fn: Responder = getattr(importlib.import_module(module), name)
    return fn


async def serve(port: int, script: Path | None, record: Path | None, responder: str | None = None) -> None:
    replies: list[Reply] = []
    default: Reply | None = None
    models: Sequence[FakeModel] = DEFAULT_MODELS
    if script is not None:
        replies, default, loaded = load_script(script)
        models = loaded or models
    srv = FakeOllama(models=models, replies=replies, default=default, port=port, record=record,
                     responder=import_responder(responder) if responder else None)
    await srv.start()
    print(f"listening on {srv.url}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await srv.stop()


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m tests.fakes.ollama_server", description="A fake Ollama server for tests."
    )
    ap.add_argument("--port", type=int, default=11434, help="0 picks a free port (printed on start)")
    ap.add_argument("--script", type=Path, default=None, help="JSON file: replies, default reply, models")
    ap.add_argument("--record", type=Path, default=None, help="append every request received to this JSONL")
    ap.add_argument("--responder", default=None, metavar="MODULE:FUNCTION",
                    help="a function given each chat request's body, returning its Reply (after the script)")
    args = ap.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, args.script, args.record, args.responder))
    return 0


if __name__ == "__main__":
    sys.exit(main())

__all__ = ["BUSY", "DEFAULT_MODELS", "FakeModel", "FakeOllama", "Received", "Reply"]
