"""What the streaming backends share: the preflight run once per run, the pool of endpoints, the retry table,
the chat entry point, the checks of a reply, and the translation of HTTP statuses and connection failures to
the model layer's errors. A backend supplies how one host is checked and how one request is streamed."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from typing import TypeVar

from solver.llm.base import ChatParams, Completion, Message, ModelInfo, OnChunk
from solver.llm.errors import (
    BadRequest,
    ModelLayerError,
    ModelNotFound,
    ModelUnreachable,
    PromptTruncated,
    ServerBusy,
    StreamError,
    ThinkingExhausted,
    UnknownHost,
)
from solver.llm.limits import cannot_fit, estimate_tokens, reply_cap, thinking_exhausted, was_truncated
from solver.llm.pool import EndpointPool
from solver.llm.presets import merge, preset_for
from solver.llm.retry import OnRetry, RetryPolicy, Sleep, retrying
from solver.llm.streaming import Once
from solver.retry import Kind, kind_of_exception, kind_of_status

T = TypeVar("T")


def unreachable(error: BaseException, host: str, backend: str) -> ModelUnreachable:
    """A failure to connect: UnknownHost when the name does not resolve (final), else ModelUnreachable."""
    if kind_of_exception(error) is Kind.FINAL:
        return UnknownHost(host, "DNS lookup failed", backend=backend)
    return ModelUnreachable(host, "connection refused", backend=backend)


def from_status(status: int, text: str, host: str, model: str, backend: str) -> ModelLayerError:
    """An HTTP error answer: no such model, busy (408/429/503), a server fault (5xx), or a refusal."""
    if status == 404:
        return ModelNotFound(model, host, backend=backend)
    if kind_of_status(status) is Kind.TRANSIENT:
        if status >= 500 and status != 503:
            return StreamError(host, f"HTTP {status}: {text}", backend=backend)
        return ServerBusy(host, text, backend=backend)
    return BadRequest(host, f"HTTP {status}: {text}", backend=backend)


class PooledBackend(ABC):
    name: str
    budget_name: str  # what the protocol calls the output budget (num_predict, max_tokens)
    window_name: str  # and the context window, in messages

    def __init__(
        self,
        model: str,
        hosts: tuple[str, ...],
        slots_per_host: int,
        retry: RetryPolicy,
        sleep: Sleep,
        on_retry: OnRetry | None,
    ) -> None:
        self.model = model
        self.hosts = hosts
        self.retry = retry
        self._sleep = sleep
        self._on_retry = on_retry
        self.pool = EndpointPool(self.hosts, slots_per_host)
        self._infos: dict[str, ModelInfo] = {}
        self._preflight_once = Once(self._preflight)

    # ---- preflight ------------------------------------------------------------------------------------

    async def preflight(self) -> list[ModelInfo]:
        """Check every host once per run; raises ModelUnreachable, ModelNotFound, ... with what to do."""
        return await self._preflight_once()

    async def _preflight(self) -> list[ModelInfo]:
        infos = await asyncio.gather(*(self._checked(h) for h in self.hosts))
        self._infos = dict(zip(self.hosts, infos, strict=True))
        await self._after_preflight()
        return [self._infos[h] for h in self.hosts]

    async def _after_preflight(self) -> None:  # noqa: B027 (an optional hook: nothing to do by default)
        """Run-wide settings that depend on what the hosts said (Ollama: num_ctx and the warm-up)."""

    async def _checked(self, host: str) -> ModelInfo:
        return await self._retrying(lambda _n: self._check_host(host))

    async def _retrying(self, op: Callable[[int], Awaitable[T]]) -> T:
        return await retrying(op, self.retry, sleep=self._sleep, on_retry=self._on_retry)

    @abstractmethod
    async def _check_host(self, host: str) -> ModelInfo: ...

    async def model_info(self) -> ModelInfo:
        """The run's model as the first host serves it (after the preflight), its digest where known."""
        return (await self.preflight())[0]

    @property
    def model_context(self) -> int | None:
        """The longest context the model takes on every host, where the hosts said (after the preflight)."""
        known = [i.context_length for i in self._infos.values() if i.context_length]
        return min(known) if known else None

    @property
    @abstractmethod
    def window(self) -> int | None:
        """The context window a prompt must fit (None: not known)."""

    # ---- chat -----------------------------------------------------------------------------------------

    def effective_params(self, params: ChatParams | None, messages: Sequence[Message] = ()) -> ChatParams:
        """What is sent: the model's preset (or the defaults), the caller's values over it, and, given the
        messages, the reply's cap fitted to the room the prompt leaves in the window (once it is known)."""
        p = merge(preset_for(self.model), params)
        if not messages:
            return p
        try:
            window = self.window
        except RuntimeError:  # before the preflight fixed it
            window = None
        # Every reply is capped: a model stuck in a loop stops at the cap, never streams the window full.
        return replace(p, num_predict=reply_cap(p.num_predict, window, estimate_tokens(messages)))

    async def chat(
        self, messages: Sequence[Message], params: ChatParams | None = None, on_chunk: OnChunk | None = None
    ) -> Completion:
        await self.preflight()
        estimated = estimate_tokens(messages)
        window = self.window
        p = self.effective_params(params, messages)
        if window is not None and cannot_fit(estimated, window):  # refused before it is sent
            raise PromptTruncated(self.hosts[0], estimated=estimated, reported=0, limit=window,
                                  model_limit=self.model_context, backend=self.name)

        async def attempt(n: int) -> Completion:
            async with self.pool.lease() as host:
                return self._checked_reply(await self._chat_once(host, messages, p, on_chunk, estimated, n),
                                           estimated, p)

        return await self._retrying(attempt)

    def _checked_reply(self, c: Completion, estimated: int, p: ChatParams) -> Completion:
        """The reply, unless the prompt was cut to the window or thinking ate the whole budget."""
        window = self.window
        err: ModelLayerError | None = None
        if c.usage == "reported" and was_truncated(estimated, c.prompt_tokens, window):  # only what it read
            err = PromptTruncated(c.endpoint, estimated=estimated, reported=c.prompt_tokens,
                                  limit=window or c.prompt_tokens, model_limit=self.model_context,
                                  backend=self.name)
        elif thinking_exhausted(c.content, c.thinking, c.done_reason):
            limit, name = (p.num_predict, self.budget_name) if p.num_predict else (window, self.window_name)
            err = ThinkingExhausted(c.endpoint, limit=limit, limit_name=name, thinking_chars=len(c.thinking),
                                    backend=self.name)
        if err is None:
            return c
        err.completion = c  # a refused reply still cost tokens: the transcript counts them
        raise err

    @abstractmethod
    async def _chat_once(
        self, host: str, messages: Sequence[Message], p: ChatParams, on_chunk: OnChunk | None,
        estimated: int, attempt: int,
    ) -> Completion:
        """One streamed request to ``host``; the reply's checks are the caller's."""
