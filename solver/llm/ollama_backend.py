"""The Ollama backend, on the official ``ollama`` client (``AsyncClient``), always streaming.

Before the first request of a run, a preflight on every host: the server answers (``/api/version``), has
the model (``/api/tags``), and says how long a context it takes and whether it thinks (``/api/show``). Then
the run's ``num_ctx`` is fixed (changing it makes Ollama reload the model) and the model is loaded with a
warm-up request under a long timeout. Each chat then streams with an idle timeout between chunks, checks
the reply for silent prompt truncation and for thinking that ate the whole budget, and is retried per the
table in ``solver.llm.retry``.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping, Sequence
from contextlib import aclosing
from typing import Any

import httpx
import ollama

from solver.llm.base import ChatParams, Chunk, Completion, Message, ModelInfo, OnChunk
from solver.llm.errors import ModelLayerError, ModelNotFound, ModelTimeout, ModelUnreachable, StreamError, WrongServer
from solver.llm.limits import choose_num_ctx, estimate_text_tokens
from solver.llm.pooled import PooledBackend, from_status, unreachable
from solver.llm.retry import OnRetry, RetryPolicy, Sleep
from solver.llm.streaming import Collected, Timeouts, normalize_host, timed

DEFAULT_HOST = "http://127.0.0.1:11434"
# Ollama unloads an idle model after 5 minutes by default; a run pauses between requests while the judge
# works, and a reload of a 31B model costs minutes. Each request renews this.
DEFAULT_KEEP_ALIVE = "1h"
DEFAULT_TIMEOUTS = Timeouts()
DEFAULT_RETRY = RetryPolicy()


def _ns(value: int | None) -> float:
    return (value or 0) / 1e9


NAME = "ollama"


def translate(error: BaseException, host: str, model: str, *, streaming: bool = False) -> ModelLayerError:
    """The table from what the client raised to our error kinds (which decide retries)."""
    if isinstance(error, ollama.ResponseError):
        status, text = error.status_code, str(error.error)
        if status == -1:  # an {"error": ...} line inside a 200 stream
            return StreamError(host, f"error in the stream: {text}", backend=NAME)
        return from_status(status, text, host, model, NAME)
    if isinstance(error, httpx.TimeoutException):
        return ModelTimeout(host, waited_s=0, phase="(the HTTP client's own timeout)", backend=NAME)
    if isinstance(error, httpx.ConnectError) or (isinstance(error, ConnectionError) and not streaming):
        return unreachable(error, host, NAME)
    if isinstance(error, httpx.TransportError | ConnectionError):
        return StreamError(host, "the connection closed in the middle of the reply", backend=NAME)
    if isinstance(error, json.JSONDecodeError):
        return StreamError(host, f"a garbled line in the stream ({error.msg})", backend=NAME)
    return StreamError(host, f"{type(error).__name__}: {error}", backend=NAME)


# What the ollama client and httpx raise for the failures above; anything else is a bug, not an outage.
CLIENT_ERRORS = (ollama.ResponseError, httpx.HTTPError, ConnectionError, json.JSONDecodeError)


def shown_date(shown: ollama.ShowResponse) -> str:
    """``/api/show``'s ``modified_at`` as ISO text ("" when absent): when this server's copy of the model was
    made, so on or after its release; reports use it as the release date unless ``--model-date`` says."""
    return shown.modified_at.isoformat() if shown.modified_at is not None else ""


def context_length(model_info: Mapping[str, Any] | None) -> int | None:
    """``model_info["<arch>.context_length"]``, the architecture named by ``general.architecture``."""
    if not model_info:
        return None
    arch = model_info.get("general.architecture")
    if arch and isinstance(model_info.get(f"{arch}.context_length"), int):
        return int(model_info[f"{arch}.context_length"])
    for key, value in model_info.items():
        if key.endswith(".context_length") and isinstance(value, int):
            return value
    return None


def _same_model(wanted: str, listed: str) -> bool:
    """``gemma4`` means ``gemma4:latest`` to Ollama."""
    if ":" not in wanted:
        wanted += ":latest"
    if ":" not in listed:
        listed += ":latest"
    return wanted == listed


class OllamaBackend(PooledBackend):
    name = NAME
    budget_name = "num_predict"
    window_name = "num_ctx"

    def __init__(
        self,
        model: str = "gemma4:31b",
        hosts: Sequence[str] = (DEFAULT_HOST,),
        slots_per_host: int = 1,
        num_ctx: int | None = None,
        *,
        keep_alive: str | float = DEFAULT_KEEP_ALIVE,
        timeouts: Timeouts = DEFAULT_TIMEOUTS,
        retry: RetryPolicy = DEFAULT_RETRY,
        warm_up: bool = True,
        sleep: Sleep = asyncio.sleep,
        on_retry: OnRetry | None = None,
    ) -> None:
        super().__init__(model, tuple(normalize_host(h) for h in (hosts or (DEFAULT_HOST,))), slots_per_host,
                         retry, sleep, on_retry)
        self.configured_num_ctx = num_ctx
        self.keep_alive = keep_alive
        self.timeouts = timeouts
        self.warm_up = warm_up
        # No read timeout in the client: silence is timed per chunk here, so a long think never aborts.
        http_timeout = httpx.Timeout(None, connect=timeouts.connect_s)
        self._clients = {h: ollama.AsyncClient(host=h, timeout=http_timeout) for h in self.hosts}
        self.versions: dict[str, str] = {}
        self.warmup_s: dict[str, float] = {}
        self._num_ctx: int | None = None

    # ---- preflight ------------------------------------------------------------------------------------

    @property
    def num_ctx(self) -> int:
        """The run's context window (fixed by the preflight)."""
        if self._num_ctx is None:
            raise RuntimeError("num_ctx is fixed by preflight(); call it (or chat) first")
        return self._num_ctx

    @property
    def window(self) -> int:
        return self.num_ctx

    async def _after_preflight(self) -> None:
        self._num_ctx = choose_num_ctx(self.model_context, self.configured_num_ctx)
        if self.warm_up:
            await asyncio.gather(*(self._warmed(h) for h in self.hosts))

    async def _version(self, host: str) -> str:
        try:
            async with httpx.AsyncClient(timeout=self.timeouts.connect_s) as http:
                r = await http.get(f"{host}/api/version")
                r.raise_for_status()
                version = r.json().get("version", "")
        except httpx.ConnectError as e:
            raise unreachable(e, host, NAME) from None
        except httpx.TimeoutException:
            raise ModelUnreachable(host, f"no answer within {self.timeouts.connect_s:g} s", backend=NAME) from None
        except httpx.HTTPStatusError as e:
            raise WrongServer(host, f"/api/version answered HTTP {e.response.status_code}", backend=NAME) from None
        except (httpx.HTTPError, ValueError, AttributeError):
            raise WrongServer(host, "/api/version did not answer with Ollama's JSON", backend=NAME) from None
        return str(version)

    async def _check_host(self, host: str) -> ModelInfo:
        self.versions[host] = await self._version(host)
        client = self._clients[host]
        try:
            listed = await client.list()
        except CLIENT_ERRORS as e:
            raise translate(e, host, self.model) from e
        names = tuple(m.model or "" for m in listed.models)
        mine = next((m for m in listed.models if _same_model(self.model, m.model or "")), None)
        if mine is None:
            raise ModelNotFound(self.model, host, names, backend=NAME)
        return await self._show(client, host, self.model, mine)

    async def _show(self, client: ollama.AsyncClient, host: str, model: str,
                    listed: ollama.ListResponse.Model | None = None) -> ModelInfo:
        try:
            shown = await client.show(model)
        except CLIENT_ERRORS as e:
            raise translate(e, host, model) from e
        caps = tuple(shown.capabilities or ())
        details = shown.details
        return ModelInfo(
            name=model,
            host=host,
            context_length=context_length(shown.modelinfo),
            thinks=("thinking" in caps) if shown.capabilities is not None else None,
            capabilities=caps,
            size_bytes=int(listed.size) if listed is not None and listed.size is not None else None,
            family=(details.family or "") if details else "",
            parameter_size=(details.parameter_size or "") if details else "",
            quantization=(details.quantization_level or "") if details else "",
            digest=str(listed.digest or "") if listed is not None else "",
            modified_at=shown_date(shown),
        )

    async def _warmed(self, host: str) -> None:
        await self._retrying(lambda _n: self._warm(host))

    async def _warm(self, host: str) -> None:
        """An empty chat loads the model with the run's num_ctx, so the first real request does not."""
        start = time.monotonic()
        try:
            await asyncio.wait_for(
                self._clients[host].chat(model=self.model, messages=[], options={"num_ctx": self.num_ctx},
                                         keep_alive=self.keep_alive),
                self.timeouts.warmup_s,
            )
        except TimeoutError:
            raise ModelTimeout(host, waited_s=self.timeouts.warmup_s,
                               phase="while loading the model (warm-up)", backend=NAME) from None
        except CLIENT_ERRORS as e:
            raise translate(e, host, self.model) from e
        self.warmup_s[host] = time.monotonic() - start

    async def list_models(self) -> list[ModelInfo]:
        """Every model on every host, with context length and whether it thinks (for ``solver models``)."""
        out: list[ModelInfo] = []
        for host in self.hosts:
            await self._version(host)
            client = self._clients[host]
            try:
                listed = await client.list()
            except CLIENT_ERRORS as e:
                raise translate(e, host, self.model) from e
            shown = await asyncio.gather(*(self._show(client, host, m.model or "", m) for m in listed.models))
            out.extend(shown)
        return out

    # ---- chat -----------------------------------------------------------------------------------------

    def _options(self, p: ChatParams) -> dict[str, Any]:
        opts: dict[str, Any] = {"num_ctx": self.num_ctx}
        for key in ("temperature", "top_p", "top_k", "num_predict", "seed"):
            value = getattr(p, key)
            if value is not None:
                opts[key] = value
        if p.stop:
            opts["stop"] = list(p.stop)
        return opts

    def _think(self, host: str, p: ChatParams) -> bool | None:
        # Ollama answers 400 to think=true for a model that cannot think; "any model by name" must work.
        if p.think and self._infos.get(host) is not None and self._infos[host].thinks is False:
            return None
        return p.think

    async def _chat_once(
        self, host: str, messages: Sequence[Message], p: ChatParams, on_chunk: OnChunk | None,
        estimated: int, attempt: int,
    ) -> Completion:
        got = Collected(on_chunk)
        final: ollama.ChatResponse | None = None
        try:
            stream = await self._clients[host].chat(
                model=self.model,
                messages=[{"role": m.role, "content": m.content} for m in messages],
                stream=True,
                think=self._think(host, p),
                options=self._options(p),
                keep_alive=self.keep_alive,
            )
            async with aclosing(timed(stream, self.timeouts, host, NAME)) as parts:
                async for part in parts:
                    await got.add(Chunk(thinking=part.message.thinking or "", content=part.message.content or ""))
                    if part.done:
                        final = part
        except CLIENT_ERRORS as e:
            raise translate(e, host, self.model, streaming=got.started) from e
        if final is None:
            raise StreamError(host, "the stream ended without its final chunk", backend=NAME)
        # Ollama reports both counts; an old server omits prompt_eval_count on a full prompt-cache hit.
        reported = final.eval_count is not None and final.prompt_eval_count is not None
        return Completion(
            content=got.content,
            thinking=got.thinking,
            done_reason=final.done_reason or "",
            prompt_tokens=final.prompt_eval_count if final.prompt_eval_count is not None else estimated,
            output_tokens=(final.eval_count if final.eval_count is not None
                           else estimate_text_tokens(got.thinking + got.content)),
            usage="reported" if reported else "estimated",
            load_s=_ns(final.load_duration),
            prompt_s=_ns(final.prompt_eval_duration),
            gen_s=_ns(final.eval_duration),
            model=self.model,
            endpoint=host,
            wall_s=time.monotonic() - got.start,
            attempts=attempt,
        )

    async def close(self) -> None:
        for client in self._clients.values():
            await client.close()  # type: ignore[no-untyped-call]


__all__ = ["DEFAULT_HOST", "OllamaBackend", "context_length", "translate"]
