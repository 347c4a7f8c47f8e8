"""The model layer's retry table: which of its errors are transient, which mean a server still starting,
which a retry cannot fix. The policy and the loop are ``solver.retry``'s, the same the sources use.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from solver.llm import errors as e
from solver.retry import Kind, RetryPolicy, Sleep
from solver.retry import retrying as _retrying

T = TypeVar("T")

KINDS: dict[type[e.ModelLayerError], Kind] = {
    e.UnknownHost: Kind.FINAL,  # a name that does not resolve will not resolve in a second either
    e.ModelUnreachable: Kind.STARTING,  # connection refused: one brief retry for a server still starting
    e.ServerBusy: Kind.TRANSIENT,  # 503 "server busy": its queue drains
    e.StreamError: Kind.TRANSIENT,  # {"error": ...} mid-stream, or the connection closed mid-stream
    e.ModelTimeout: Kind.TRANSIENT,  # a stall; a fresh request usually goes through
    e.WrongServer: Kind.FINAL,  # another kind of server: a setting to fix, not a hiccup
    e.ModelNotFound: Kind.FINAL,  # 404: needs `ollama pull`, waiting will not help
    e.BadRequest: Kind.FINAL,  # 400: the same request fails the same way
    e.PromptTruncated: Kind.FINAL,  # the prompt will not shrink by itself
    e.ThinkingExhausted: Kind.FINAL,  # the budget will not grow by itself
}


def kind_of(error: e.ModelLayerError) -> Kind:
    for cls in type(error).__mro__:
        if cls in KINDS:
            return KINDS[cls]
    return Kind.FINAL


OnRetry = Callable[[e.ModelLayerError, int, float], None]


def _gave_up(error: e.ModelLayerError, attempt: int) -> None:
    error.attempts = attempt


async def retrying(
    op: Callable[[int], Awaitable[T]],
    policy: RetryPolicy,
    *,
    sleep: Sleep = asyncio.sleep,
    on_retry: OnRetry | None = None,
) -> T:
    """Run ``op(attempt)`` per ``policy``; the error that ends the loop carries ``attempts``."""
    return await _retrying(op, policy, errors=e.ModelLayerError, kind_of=kind_of, sleep=sleep,
                           on_retry=on_retry, on_give_up=_gave_up)


__all__ = ["KINDS", "OnRetry", "RetryPolicy", "Sleep", "kind_of", "retrying"]
