"""The one retry policy (solver.retry) as both its users meet it: real connection failures of aiohttp (the
Codeforces sources) and httpx (the model clients) are classified alike, and the sources fail fast too."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import aiohttp
import httpx
import pytest

from solver.errors import NetworkError
from solver.retry import Kind, RetryPolicy, kind_of_exception
from solver.sources.cf_api import CodeforcesApi, RateLimiter
from solver.sources.http import new_session
from solver.sources.pages import PageFetcher
from tests.llm.conftest import SleepLog
from tests.llm.test_ollama_backend import free_port

UNKNOWN = "http://codeforces.invalid"


async def aiohttp_failure(url: str) -> BaseException:
    async with aiohttp.ClientSession() as s:
        try:
            async with s.get(url):
                pass
        except aiohttp.ClientError as e:
            return e
    raise AssertionError("expected a connection failure")


async def httpx_failure(url: str) -> BaseException:
    async with httpx.AsyncClient() as c:
        try:
            await c.get(url)
        except httpx.HTTPError as e:
            return e
    raise AssertionError("expected a connection failure")


@pytest.mark.parametrize("fail", [aiohttp_failure, httpx_failure], ids=["aiohttp", "httpx"])
async def test_both_clients_failures_get_one_classification(
    fail: Callable[[str], Awaitable[BaseException]],
) -> None:
    assert kind_of_exception(await fail(f"http://127.0.0.1:{free_port()}")) is Kind.STARTING
    assert kind_of_exception(await fail(f"http://localhost:{free_port()}")) is Kind.STARTING
    assert kind_of_exception(await fail(UNKNOWN)) is Kind.FINAL
    assert kind_of_exception(TimeoutError()) is Kind.TRANSIENT


async def test_the_api_client_fails_fast_on_a_refused_connection_and_a_bad_name(sleeps: SleepLog) -> None:
    policy = RetryPolicy(attempts=4, backoff_s=1.0, timeout_s=5)
    async with new_session() as session:
        refused = CodeforcesApi(session, f"http://127.0.0.1:{free_port()}/api", limiter=RateLimiter(0.0),
                                policy=policy, sleep=sleeps)
        with pytest.raises(NetworkError, match=r"failed 2 times \(last: network error \(ClientConnectorError"):
            await refused.contest_list()
        assert sleeps.delays == [1.0]  # one retry, as for a server still starting
        unknown = CodeforcesApi(session, f"{UNKNOWN}/api", limiter=RateLimiter(0.0), policy=policy, sleep=sleeps)
        with pytest.raises(NetworkError, match=r"failed 1 time .*DNSError"):
            await unknown.contest_list()
        assert sleeps.delays == [1.0]  # and none for a name that does not resolve


async def test_the_page_fetcher_fails_fast_on_a_bad_name(sleeps: SleepLog) -> None:
    async with new_session() as session:
        fetcher = PageFetcher(session, [UNKNOWN], policy=RetryPolicy(attempts=4), sleep=sleeps)
        with pytest.raises(NetworkError, match=r"could not fetch /contest/1/problem/A .*\(after 1 attempt\)"):
            await fetcher.get("/contest/1/problem/A")
    assert sleeps.delays == []
