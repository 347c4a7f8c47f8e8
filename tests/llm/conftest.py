"""Fixtures of the model-layer tests: fake servers and backends pointed at them with fast retries."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any, TypeVar

import pytest

from solver.llm.ollama_backend import OllamaBackend
from solver.llm.openai_backend import OpenAIBackend
from solver.llm.retry import RetryPolicy
from solver.llm.streaming import Timeouts
from tests.fakes.fixtures import fake_ollama, fake_openai  # noqa: F401  (fixtures)

FAST_RETRY = RetryPolicy(attempts=3, backoff_s=0.01, max_backoff_s=0.05)
QUICK = Timeouts(connect_s=2.0, warmup_s=10.0, first_chunk_s=10.0, idle_s=5.0)


class SleepLog:
    """An injected sleep: records the backoff delays and does not wait them."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def sleeps() -> SleepLog:
    return SleepLog()


B = TypeVar("B", OllamaBackend, OpenAIBackend)


async def _maker(cls: type[B], sleeps: SleepLog, **defaults: Any) -> AsyncIterator[Callable[..., B]]:
    """Backends of ``cls`` on the given hosts with fast retries and short timeouts, closed after the test."""
    made: list[B] = []

    def make(*hosts: str, **kw: Any) -> B:
        b = cls(hosts=hosts, **{"retry": FAST_RETRY, "timeouts": QUICK, "sleep": sleeps, **defaults, **kw})
        made.append(b)
        return b

    yield make
    for b in made:
        await b.close()


@pytest.fixture
async def make_ollama(sleeps: SleepLog) -> AsyncIterator[Callable[..., OllamaBackend]]:
    async for make in _maker(OllamaBackend, sleeps):
        yield make


@pytest.fixture
async def make_openai(sleeps: SleepLog) -> AsyncIterator[Callable[..., OpenAIBackend]]:
    async for make in _maker(OpenAIBackend, sleeps, model="google/gemma-4-31b-it"):
        yield make
