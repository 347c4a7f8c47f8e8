"""In-flight limits and least-busy routing, measured on the fake servers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest

from solver.llm.base import Message
from solver.llm.ollama_backend import OllamaBackend
from solver.llm.openai_backend import OpenAIBackend
from solver.llm.pool import EndpointPool
from tests.fakes.ollama_server import FakeOllama, Reply
from tests.fakes.openai_server import FakeOpenAI

SLOW = Reply(content="slow answer", first_delay=0.15)


def ask(i: int) -> list[Message]:
    return [Message("user", f"question {i}")]


@pytest.mark.parametrize("slots", [1, 2, 3])
async def test_never_more_than_n_in_flight_on_the_server(
    make_ollama: Callable[..., OllamaBackend], slots: int
) -> None:
    async with FakeOllama(default=SLOW) as srv:
        b = make_ollama(srv.url, slots_per_host=slots)
        done = await asyncio.gather(*(b.chat(ask(i)) for i in range(7)))
        assert len(done) == 7 and len(srv.chats) == 7
        assert srv.max_in_flight == slots  # reached, never exceeded


async def test_requests_spread_over_two_hosts(make_ollama: Callable[..., OllamaBackend]) -> None:
    async with FakeOllama(default=SLOW) as a, FakeOllama(default=SLOW) as b:
        backend = make_ollama(a.url, b.url)
        done = await asyncio.gather(*(backend.chat(ask(i)) for i in range(6)))
        assert (len(a.chats), len(b.chats)) == (3, 3)
        assert a.max_in_flight == b.max_in_flight == 1
        assert {c.endpoint for c in done} == {a.url, b.url}
        assert [load.max_in_flight for load in backend.pool.loads()] == [1, 1]


async def test_a_slow_host_gets_fewer_requests(make_ollama: Callable[..., OllamaBackend]) -> None:
    async with (
        FakeOllama(default=Reply(first_delay=1.0)) as slow,
        FakeOllama(default=Reply(first_delay=0.05)) as fast,
    ):
        backend = make_ollama(slow.url, fast.url)
        await asyncio.gather(*(backend.chat(ask(i)) for i in range(6)))
        # the slow host holds its first request while the fast one drains the queue
        assert len(slow.chats) == 1 and len(fast.chats) == 5


async def test_openai_backend_respects_the_slots(make_openai: Callable[..., OpenAIBackend]) -> None:
    async with FakeOpenAI(default=SLOW) as a, FakeOpenAI(default=SLOW) as b:
        backend = make_openai(a.url, b.url, slots_per_host=2)
        await asyncio.gather(*(backend.chat(ask(i)) for i in range(8)))
        assert a.max_in_flight == b.max_in_flight == 2
        assert len(a.chats) + len(b.chats) == 8 and len(a.chats) >= 3 and len(b.chats) >= 3


# ---- the pool itself ------------------------------------------------------------------------------------


async def test_pool_picks_the_least_busy_then_the_least_used() -> None:
    pool = EndpointPool(["a", "b", "c"], slots=2)
    order = []
    async with pool.lease() as e1, pool.lease() as e2, pool.lease() as e3, pool.lease() as e4:
        order = [e1, e2, e3, e4]
        assert [x.in_flight for x in pool.loads()] == [2, 1, 1]
    assert order == ["a", "b", "c", "a"]
    async with pool.lease() as e5:
        assert e5 == "b"  # all idle: b and c have served fewer than a


async def test_pool_waiters_are_served_in_order_and_cancellation_frees_nothing_twice() -> None:
    pool = EndpointPool(["only"], slots=1)
    served: list[int] = []
    release = asyncio.Event()

    async def user(i: int) -> None:
        async with pool.lease():
            served.append(i)
            await release.wait()

    first = asyncio.create_task(user(0))
    await asyncio.sleep(0)
    waiters = [asyncio.create_task(user(i)) for i in (1, 2, 3)]
    await asyncio.sleep(0.01)
    waiters[0].cancel()  # gives up while waiting
    await asyncio.sleep(0.01)
    release.set()
    await asyncio.gather(first, *waiters, return_exceptions=True)
    assert served == [0, 2, 3]
    assert pool.loads()[0].in_flight == 0 and pool.loads()[0].max_in_flight == 1


def test_pool_needs_endpoints_and_slots() -> None:
    with pytest.raises(ValueError):
        EndpointPool([], 1)
    with pytest.raises(ValueError):
        EndpointPool(["a"], 0)
