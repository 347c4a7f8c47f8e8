"""The one retry policy of everything that talks over the network: the Codeforces sources and the model layer.

A failure is one of three kinds, and the kind decides how often it is tried again:

    TRANSIENT  the server answered but cannot serve now (busy, 408, 429, 5xx), a timeout, a connection
               dropped mid-answer: retried with exponential backoff, ``attempts`` tries in all.
    STARTING   connection refused: nothing listens there, or the server is still starting. One brief retry
               tells the two apart; a server that is down for longer is the caller's (or the user's) to wait
               for, not a loop of identical errors.
    FINAL      a retry cannot fix it: the host name does not resolve, a 4xx other than 408/429, a malformed
               request. Fails at once.

``kind_of_exception`` classifies what the HTTP clients raise (aiohttp, httpx, and the ``openai`` and
``ollama`` clients built on httpx) by the OS error at the root of the chain; ``kind_of_status`` classifies
an HTTP status.
"""

from __future__ import annotations

import asyncio
import enum
import errno
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
E = TypeVar("E", bound=BaseException)


class Kind(enum.Enum):
    TRANSIENT = "transient"
    STARTING = "starting"
    FINAL = "final"


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # tries in all for a transient failure, the first included
    backoff_s: float = 1.0  # the wait before retry k (k = 1, 2, ...) is backoff_s * 2**(k-1), capped
    max_backoff_s: float = 30.0
    timeout_s: float = 30.0  # per request, where the caller has no timeouts of its own (the sources)

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1-based)."""
        return float(min(self.max_backoff_s, self.backoff_s * 2 ** max(0, retry - 1)))

    def tries(self, kind: Kind) -> int:
        """How many tries in all a failure of this kind gets."""
        if kind is Kind.FINAL:
            return 1
        if kind is Kind.STARTING:
            return min(2, self.attempts)
        return self.attempts

    def may_retry(self, kind: Kind, attempt: int) -> bool:
        """Whether try number ``attempt`` (1-based), which failed with ``kind``, is followed by another."""
        return attempt < self.tries(kind)


DEFAULT_POLICY = RetryPolicy()


def _chain(error: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    e: BaseException | None = error
    while e is not None and all(e is not seen for seen in out):
        out.append(e)
        os_error = getattr(e, "os_error", None)  # aiohttp's ClientConnectorError keeps it here
        e = os_error if isinstance(os_error, BaseException) and os_error is not e else (e.__cause__ or e.__context__)
    return out


def kind_of_exception(error: BaseException) -> Kind:
    """A transport failure's kind, read from the OS error behind the client's wrapper exceptions."""
    for e in _chain(error):
        if isinstance(e, socket.gaierror):
            return Kind.FINAL  # the name does not resolve: a typo, or no network at all
        if isinstance(e, ConnectionRefusedError) or (isinstance(e, OSError) and e.errno == errno.ECONNREFUSED):
            return Kind.STARTING
    return Kind.TRANSIENT


def kind_of_status(status: int) -> Kind:
    """An HTTP status's kind (only for statuses that are failures)."""
    if status in (408, 429) or status >= 500:
        return Kind.TRANSIENT
    return Kind.FINAL


Sleep = Callable[[float], Awaitable[None]]


async def retrying(
    op: Callable[[int], Awaitable[T]],
    policy: RetryPolicy,
    *,
    errors: type[E],
    kind_of: Callable[[E], Kind],
    sleep: Sleep = asyncio.sleep,
    on_retry: Callable[[E, int, float], None] | None = None,
    on_give_up: Callable[[E, int], None] | None = None,
) -> T:
    """Run ``op(attempt)`` until it succeeds or fails with an ``errors`` the policy gives up on.

    ``on_retry(error, attempt, wait)`` is told of each retry before its wait; ``on_give_up(error, attempt)``
    of the failure that ends the loop (then raised). Other exceptions pass through untouched.
    """
    attempt = 1
    while True:
        try:
            return await op(attempt)
        except errors as e:
            if not policy.may_retry(kind_of(e), attempt):
                if on_give_up is not None:
                    on_give_up(e, attempt)
                raise
            wait = policy.delay(attempt)
            if on_retry is not None:
                on_retry(e, attempt, wait)
            await sleep(wait)
            attempt += 1


__all__ = ["DEFAULT_POLICY", "Kind", "RetryPolicy", "Sleep", "kind_of_exception", "kind_of_status", "retrying"]
