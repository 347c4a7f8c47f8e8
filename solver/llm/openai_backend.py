"""Any OpenAI-compatible server (vLLM, SGLang, llama.cpp's server, LM Studio, Ollama's /v1) via ``openai``.

Streams ``/v1/chat/completions``; reasoning text comes from ``delta.reasoning_content`` (vLLM, SGLang,
llama.cpp) or ``delta.reasoning`` (newer vLLM, Ollama's /v1) where the server sends it. The preflight lists
``/v1/models``: the model must be there, and its context length is read where the server says it
(``max_model_len`` in vLLM, ``meta.n_ctx_train`` in llama.cpp), and llama.cpp's ``GET /props`` gives the
window the server really runs with (``default_generation_settings.n_ctx``), which wins. The context window is
the server's own setting, so nothing like ``num_ctx`` is sent; the configured budget only bounds the
truncation check and each reply's ``max_tokens``.

Token usage is asked for in the stream (``stream_options.include_usage``). A server that sends none
(llama-cpp-python's, older llama.cpp) gets its reply counted with its own tokenizer where it has one
(llama.cpp's ``POST /tokenize``, llama-cpp-python's ``POST /extras/tokenize/count``): ``usage`` "counted";
else the counts are estimated from the characters: ``usage`` "estimated".
Retries follow the same table as the Ollama backend (the client's own retries are switched off).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Sequence
from contextlib import aclosing
from typing import Any

import httpx
import openai

from solver.llm.base import ChatParams, Chunk, Completion, Message, ModelInfo, OnChunk
from solver.llm.errors import ModelLayerError, ModelNotFound, ModelTimeout, PromptTruncated, StreamError, WrongServer
from solver.llm.limits import TOKENS_PER_MESSAGE, estimate_text_tokens
from solver.llm.pooled import PooledBackend, from_status, unreachable
from solver.llm.retry import OnRetry, RetryPolicy, Sleep
from solver.llm.streaming import Collected, Timeouts, normalize_host, timed

DEFAULT_TIMEOUTS = Timeouts()
DEFAULT_RETRY = RetryPolicy()
NAME = "openai"
CONTEXT_WORDS = ("context length", "context window", "maximum context", "too many tokens")


def base_url(host: str) -> str:
    h = normalize_host(host, default_port=None)
    return h if h.endswith("/v1") else h + "/v1"


def translate(error: BaseException, host: str, model: str, *, streaming: bool = False,
              limit: int | None = None, estimated: int = 0) -> ModelLayerError:
    """The table from what ``openai``/httpx raised to our error kinds (which decide retries)."""
    if isinstance(error, openai.APIStatusError):
        status, text = error.status_code, _message(error)
        if status == 400 and any(w in text.lower() for w in CONTEXT_WORDS):
            return PromptTruncated(host, estimated=estimated, reported=0, limit=limit or 0, said=text, backend=NAME)
        return from_status(status, text, host, model, NAME)
    if isinstance(error, openai.APITimeoutError):
        return ModelTimeout(host, waited_s=0, phase="(the HTTP client's own timeout)", backend=NAME)
    if isinstance(error, openai.APIConnectionError):
        if streaming:
            return StreamError(host, "the connection closed in the middle of the reply", backend=NAME)
        return unreachable(error, host, NAME)
    if isinstance(error, openai.APIError):  # an error event inside the stream
        return StreamError(host, f"error in the stream: {error.message}", backend=NAME)
    return StreamError(host, f"{type(error).__name__}: {error}", backend=NAME)


def _message(error: openai.APIStatusError) -> str:
    body = error.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and isinstance(inner.get("message"), str):
            return str(inner["message"])
        if isinstance(inner, str):
            return inner
        if isinstance(body.get("message"), str):
            return str(body["message"])
    return error.message


# openai wraps its HTTP library's failures (also mid-stream) in APIConnectionError / APITimeoutError.
CLIENT_ERRORS = (openai.OpenAIError,)


def _context_of(extra: dict[str, Any]) -> int | None:
    for key in ("max_model_len", "context_length", "context_window"):
        if isinstance(extra.get(key), int):
            return int(extra[key])
    meta = extra.get("meta")
    if isinstance(meta, dict) and isinstance(meta.get("n_ctx_train"), int):
        return int(meta["n_ctx_train"])
    return None


def server_root(url: str) -> str:
    """The server's root (``/props``, ``/tokenize`` live there), from its ``/v1`` base URL."""
    return url[: -len("/v1")] if url.endswith("/v1") else url


def _n_ctx(props: Any) -> int | None:
    """llama.cpp's ``/props``: ``default_generation_settings.n_ctx`` (the window each request gets)."""
    settings = props.get("default_generation_settings") if isinstance(props, dict) else None
    value = settings.get("n_ctx") if isinstance(settings, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


# The tokenizer endpoints tried, in order: llama.cpp's server, then llama-cpp-python's.
TOKENIZERS = (("/tokenize", "content", "tokens"), ("/extras/tokenize/count", "input", "count"))


def _reasoning(delta: Any) -> str:
    for key in ("reasoning_content", "reasoning"):
        value = getattr(delta, key, None)
        if isinstance(value, str):
            return value
    return ""


class OpenAIBackend(PooledBackend):
    name = NAME
    budget_name = "max_tokens"
    window_name = "the context window"

    def __init__(
        self,
        model: str,
        hosts: Sequence[str] = ("http://127.0.0.1:8000",),
        slots_per_host: int = 1,
        num_ctx: int | None = None,
        *,
        api_key: str | None = None,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        retry: RetryPolicy = DEFAULT_RETRY,
        sleep: Sleep = asyncio.sleep,
        on_retry: OnRetry | None = None,
    ) -> None:
        super().__init__(model, tuple(base_url(h) for h in hosts), slots_per_host, retry, sleep, on_retry)
        self.configured_num_ctx = num_ctx
        self.timeouts = timeouts
        key = api_key or os.environ.get("OPENAI_API_KEY") or "none"  # local servers ignore it
        http_timeout = openai.Timeout(None, connect=timeouts.connect_s)
        self._clients = {h: openai.AsyncOpenAI(base_url=h, api_key=key, timeout=http_timeout, max_retries=0)
                         for h in self.hosts}
        self._http = httpx.AsyncClient(timeout=httpx.Timeout(timeouts.first_chunk_s, connect=timeouts.connect_s))
        self._tokenizer: dict[str, int | None] = {}  # host -> index into TOKENIZERS that works (None: none)

    @property
    def window(self) -> int | None:
        """The context window the truncation check uses: the configured budget, else what servers report."""
        return self.configured_num_ctx if self.configured_num_ctx is not None else self.model_context

    async def _list(self, host: str) -> list[ModelInfo]:
        try:
            page = await asyncio.wait_for(self._clients[host].models.list(), self.timeouts.first_chunk_s)
        except TimeoutError:
            raise ModelTimeout(host, waited_s=self.timeouts.first_chunk_s,
                               phase="listing the models", backend=NAME) from None
        except openai.NotFoundError:  # no /v1/models: not an OpenAI-compatible server, or a wrong path
            raise WrongServer(host, "/models answered HTTP 404", backend=NAME) from None
        except CLIENT_ERRORS as e:
            raise translate(e, host, self.model) from e
        window = await self._props_n_ctx(host)
        return [ModelInfo(name=m.id, host=host, context_length=window or _context_of(m.model_extra or {}))
                for m in page.data]

    async def _props_n_ctx(self, host: str) -> int | None:
        """llama.cpp's window from ``/props``; None from a server without it (vLLM, LM Studio answer 404)."""
        try:
            r = await self._http.get(server_root(host) + "/props")
            return _n_ctx(r.json()) if r.status_code == 200 else None
        except (httpx.HTTPError, ValueError):
            return None

    async def _count(self, host: str, text: str) -> int | None:
        """Tokens of ``text`` by the server's own tokenizer; None when it has no tokenizer endpoint."""
        known = self._tokenizer.get(host, -1)
        order = range(len(TOKENIZERS)) if known == -1 else ([] if known is None else [known])
        for k in order:
            path, field, answer = TOKENIZERS[k]
            try:
                r = await self._http.post(server_root(host) + path, json={field: text})
                value = r.json().get(answer) if r.status_code == 200 else None
            except (httpx.HTTPError, ValueError, AttributeError):
                value = None
            n = len(value) if isinstance(value, list) else value
            if isinstance(n, int) and not isinstance(n, bool):
                self._tokenizer[host] = k
                return n
        self._tokenizer[host] = None
        return None

    async def _usage(self, host: str, usage: Any, messages: Sequence[Message], got: Collected,
                     estimated: int) -> tuple[int, int, str]:
        """(prompt tokens, output tokens, source): the stream's usage, else the tokenizer's, else estimates."""
        prompt = int(getattr(usage, "prompt_tokens", 0) or 0)
        output = int(getattr(usage, "completion_tokens", 0) or 0)
        if usage is not None and (prompt or output):
            return prompt, output, "reported"
        text = got.thinking + got.content
        counted_out = await self._count(host, text) if text else 0
        if counted_out is not None:
            counts = [await self._count(host, m.content) for m in messages]
            if all(c is not None for c in counts):
                prompt = sum(c or 0 for c in counts) + TOKENS_PER_MESSAGE * len(messages)
                return prompt, counted_out, "counted"
        return estimated, estimate_text_tokens(text), "estimated"

    async def _check_host(self, host: str) -> ModelInfo:
        infos = await self._list(host)
        for info in infos:
            if info.name == self.model:
                return info
        raise ModelNotFound(self.model, host, tuple(i.name for i in infos), backend=NAME)

    async def list_models(self) -> list[ModelInfo]:
        out: list[ModelInfo] = []
        for host in self.hosts:
            out.extend(await self._list(host))
        return out

    def _request(self, messages: Sequence[Message], p: ChatParams) -> dict[str, Any]:
        kw: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        renames = (("temperature", "temperature"), ("top_p", "top_p"), ("num_predict", "max_tokens"),
                   ("seed", "seed"))
        for ours, theirs in renames:
            if getattr(p, ours) is not None:
                kw[theirs] = getattr(p, ours)
        if p.stop:
            kw["stop"] = list(p.stop)
        extra: dict[str, Any] = {}
        if p.top_k is not None:
            extra["top_k"] = p.top_k  # vLLM, SGLang and llama.cpp accept it beside the OpenAI fields
        if p.think is not None:
            extra["chat_template_kwargs"] = {"enable_thinking": p.think}
        if extra:
            kw["extra_body"] = extra
        return kw

    async def _chat_once(
        self, host: str, messages: Sequence[Message], p: ChatParams, on_chunk: OnChunk | None,
        estimated: int, attempt: int,
    ) -> Completion:
        got = Collected(on_chunk)
        finish = ""
        usage: Any = None
        try:
            try:
                stream = await asyncio.wait_for(
                    self._clients[host].chat.completions.create(**self._request(messages, p)),
                    self.timeouts.first_chunk_s)
            except TimeoutError:
                raise ModelTimeout(host, waited_s=self.timeouts.first_chunk_s,
                                   phase="waiting for the first chunk", backend=NAME) from None
            async with aclosing(timed(stream, self.timeouts, host, NAME)) as parts:
                async for part in parts:
                    if part.usage is not None:
                        usage = part.usage
                    if not part.choices:
                        continue
                    choice = part.choices[0]
                    await got.add(Chunk(thinking=_reasoning(choice.delta), content=choice.delta.content or ""))
                    if choice.finish_reason:
                        finish = choice.finish_reason
        except CLIENT_ERRORS as e:
            raise translate(e, host, self.model, streaming=got.started, limit=self.window,
                            estimated=estimated) from e
        if not finish:
            raise StreamError(host, "the stream ended without a finish reason", backend=NAME)
        end = time.monotonic()
        first = got.first_at if got.first_at is not None else end
        prompt_tokens, output_tokens, source = await self._usage(host, usage, messages, got, estimated)
        return Completion(
            content=got.content,
            thinking=got.thinking,
            done_reason=finish,
            prompt_tokens=prompt_tokens,
            output_tokens=output_tokens,
            usage=source,
            prompt_s=first - got.start,  # the server does not say; time to the first token is the nearest
            gen_s=end - first,
            model=self.model,
            endpoint=host,
            wall_s=end - got.start,
            attempts=attempt,
        )

    async def close(self) -> None:
        for client in self._clients.values():
            await client.close()
        await self._http.aclose()


__all__ = ["OpenAIBackend", "base_url", "server_root", "translate"]
