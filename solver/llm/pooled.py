"""What the streaming backends share: the preflight run once per run, the pool of endpoints, the retry table
and the chat entry point. A backend supplies how one host is checked and how one request is streamed."""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Sequence

from solver.llm.base import ChatParams, Completion, Message, ModelInfo, OnChunk
from solver.llm.limits import estimate_tokens
from solver.llm.pool import EndpointPool
from solver.llm.presets import merge, preset_for
from solver.llm.retry import OnRetry, RetryPolicy, Sleep, retrying
from solver.llm.streaming import Once


class PooledBackend(ABC):
    name: str

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
        return await retrying(lambda _n: self._check_host(host), self.retry, sleep=self._sleep,
                              on_retry=self._on_retry)

    @abstractmethod
    async def _check_host(self, host: str) -> ModelInfo: ...

    async def model_info(self) -> ModelInfo:
        """The run's model as the first host serves it (after the preflight), its digest where known."""
        return (await self.preflight())[0]

    # ---- chat -----------------------------------------------------------------------------------------

    def effective_params(self, params: ChatParams | None) -> ChatParams:
        return merge(preset_for(self.model), params)

    async def chat(
        self, messages: Sequence[Message], params: ChatParams | None = None, on_chunk: OnChunk | None = None
    ) -> Completion:
        await self.preflight()
        p = self.effective_params(params)
        estimated = estimate_tokens(messages)
        self._refuse_if_cannot_fit(estimated)

        async def attempt(n: int) -> Completion:
            async with self.pool.lease() as host:
                return await self._chat_once(host, messages, p, on_chunk, estimated, n)

        return await retrying(attempt, self.retry, sleep=self._sleep, on_retry=self._on_retry)

    @abstractmethod
    def _refuse_if_cannot_fit(self, estimated: int) -> None:
        """Raise PromptTruncated before sending a prompt that clearly cannot fit the context window."""

    @abstractmethod
    async def _chat_once(
        self, host: str, messages: Sequence[Message], p: ChatParams, on_chunk: OnChunk | None,
        estimated: int, attempt: int,
    ) -> Completion: ...
