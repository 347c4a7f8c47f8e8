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

Scripting, the record of requests and the life cycle are ``tests.fakes.server.FakeServer``'s.

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
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.fakes.server import (
    BUSY,
    CHARS_PER_TOKEN,
    FakeServer,
    Received,
    Reply,
    Responder,
    count_tokens,
    echo_reply,
    pieces,
    serve_forever,
    split,
    written,
)

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


def digest_of(name: str) -> str:
    """The digest /api/tags lists for a model: sha256-shaped and stable across processes."""
    return hashlib.sha256(name.encode()).hexdigest()


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


class FakeOllama(FakeServer):
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
        super().__init__(replies, responder, default, port, record)
        self.load_delay = load_delay  # seconds a (re)load of the model takes
        self.models = {m.name: m for m in models}
        self.version = version
        self.loaded: dict[str, int] = {}  # model -> num_ctx it is loaded with
        self.loads = 0

    # ---- test-facing helpers ----

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

    # ---- handlers ----

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
        with self.answering():
            reply = await self._reply_for(body)
            return await self._answer(request, body, m, reply, bool(think), options)

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
        w = written(reply, think, options.get("num_predict"))
        eval_count = w.tokens
        final = {
            "model": m.name,
            "created_at": _now(),
            "message": {"role": "assistant", "content": ""},
            "done": True,
            "done_reason": w.done_reason,
            "total_duration": reply.load_ns + 3_000_000 + 5_000_000 * eval_count,
            "load_duration": reply.load_ns,
            "prompt_eval_count": prompt_tokens,
            "prompt_eval_duration": 3_000_000,
            "eval_count": eval_count,
            "eval_duration": 5_000_000 * eval_count,
        }
        if body.get("stream") is False:
            msg: dict[str, Any] = {"role": "assistant", "content": w.content}
            if w.thinking:
                msg["thinking"] = w.thinking
            return web.json_response({**final, "message": msg})

        def line(piece: dict[str, str]) -> bytes:
            message = {"role": "assistant", "content": piece.get("content", ""),
                       **({"thinking": piece["thinking"]} if "thinking" in piece else {})}
            return json.dumps({"model": m.name, "created_at": _now(), "message": message, "done": False}
                              ).encode() + b"\n"

        resp = web.StreamResponse(headers={"Content-Type": "application/x-ndjson"})
        await resp.prepare(request)
        parts = [line(piece) for piece in pieces(w, reply.chunk_chars)]
        if await self.stream(request, resp, reply, parts, json.dumps({"error": reply.error}).encode() + b"\n"):
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
    await serve_forever(FakeOllama(models=models, replies=replies, default=default, port=port, record=record,
                                   responder=import_responder(responder) if responder else None))


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

__all__ = [
    "BUSY",
    "CHARS_PER_TOKEN",
    "DEFAULT_MODELS",
    "FakeModel",
    "FakeOllama",
    "Received",
    "Reply",
    "Responder",
    "count_tokens",
    "echo_reply",
    "split",
]
