"""Retries with exponential backoff, decided by one table of error kinds.

Transient failures of a local server (it is starting, its queue is full, it crashed mid-answer, it stalled)
are retried; answers that would be the same next time (no such model, a malformed request, a prompt too
long, a budget too small) are not.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from solver.llm.errors import (
    BadRequest,
    ModelLayerError,
    ModelNotFound,
    ModelTimeout,
    ModelUnreachable,
    PromptTruncated,
    ServerBusy,
    StreamError,
    ThinkingExhausted,
    WrongServer,
)

T = TypeVar("T")

RETRYABLE: dict[type[ModelLayerError], bool] = {
    ModelUnreachable: True,  # connection refused: the server may be (re)starting
    ServerBusy: True,  # 503 "server busy": its queue drains
    StreamError: True,  # {"error": ...} mid-stream, or the connection closed mid-stream
    ModelTimeout: True,  # a stall; a fresh request usually goes through
    WrongServer: False,  # another kind of server: a setting to fix, not a hiccup
    ModelNotFound: False,  # 404: needs `ollama pull`, waiting will not help
    BadRequest: False,  # 400: the same request fails the same way
    PromptTruncated: False,  # the prompt will not shrink by itself
    ThinkingExhausted: False,  # the budget will not grow by itself
}


def is_retryable(error: ModelLayerError) -> bool:
    for kind in type(error).__mro__:
        if kind in RETRYABLE:
            return RETRYABLE[kind]
    return False


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # tries in all, the first included
    base_s: float = 1.0
    factor: float = 2.0
    max_s: float = 30.0

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1-based)."""
        return float(min(self.max_s, self.base_s * self.factor ** (retry - 1)))


Sleep = Callable[[float], Awaitable[None]]
OnRetry = Callable[[ModelLayerError, int, float], None]


async def retrying(
    op: Callable[[int], Awaitable[T]],
    policy: RetryPolicy,
    *,
    sleep: Sleep = asyncio.sleep,
    on_retry: OnRetry | None = None,
) -> T:
    """Run ``op(attempt)`` until it succeeds, a non-retryable error occurs, or the attempts are spent.

    The error that ends the loop carries how many attempts were made (``error.attempts``).
    """
    attempt = 1
    while True:
        try:
            return await op(attempt)
        except ModelLayerError as e:
            if not is_retryable(e) or attempt >= policy.attempts:
                e.attempts = attempt
                raise
            wait = policy.delay(attempt)
            if on_retry is not None:
                on_retry(e, attempt, wait)
            await sleep(wait)
            attempt += 1


__all__ = ["RETRYABLE", "RetryPolicy", "is_retryable", "retrying"]
