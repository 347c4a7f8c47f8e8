"""The API client against the local server: typed answers, FAILED comments, retries, the rate limit."""

from __future__ import annotations

import asyncio
import json

import pytest

from solver.errors import ApiError, NetworkError
from solver.problem import ContestType
from solver.sources import cf_api
from solver.sources.cf_api import CodeforcesApi, RateLimiter
from solver.sources.http import USER_AGENT, RetryPolicy, new_session
from tests.sources.cf_server import CfServer, Failure
from tests.sources.conftest import CF, FAST


def api_doc(name: str) -> dict[str, object]:
    doc: dict[str, object] = json.loads((CF / "api" / name).read_text(encoding="utf-8"))
    return doc


def client(session: object, server: CfServer, interval: float = 0.01) -> CodeforcesApi:
    limiter = RateLimiter(interval)
    return CodeforcesApi(session, server.api_url, limiter=limiter, policy=FAST)  # type: ignore[arg-type]


async def test_standings_are_typed(cf_server: CfServer) -> None:
    doc = api_doc("contest.standings-2022.json")
    cf_server.add_api_response("contest.standings", doc, {"contestId": "2022"})
    async with new_session() as session:
        standings = await client(session, cf_server).contest_standings(2022)
    assert standings.contest.name == "Codeforces Round 978 (Div. 2)"
    assert standings.contest.type is ContestType.CF and standings.contest.division == "2"
    assert [p.points for p in standings.problems] == [750.0, 1000.0, 1500.0]
    assert standings.contest.problems == standings.problems
    first = standings.rows[0]
    assert first.handles == ("alpha",) and first.rank == 1 and first.points == 2934.0
    assert first.problem_results[2].rejected_attempts == 1
    assert standings.rows[1].problem_results[2].best_submission_time_s is None
    call = cf_server.api_calls[0]
    assert call.query == {"contestId": "2022", "from": "1", "showUnofficial": "false"}


async def test_rating_changes_contest_list_and_user_rating(cf_server: CfServer) -> None:
    cf_server.add_api_response("contest.ratingChanges", api_doc("contest.ratingChanges-2022.json"))
    cf_server.add_api_response("contest.list", api_doc("contest.list.json"))
    cf_server.add_api_response("user.rating", api_doc("user.rating-tourist.json"), {"handle": "tourist"})
    async with new_session() as session:
        api = client(session, cf_server)
        changes = await api.contest_rating_changes(2022)
        contests = await api.contest_list()
        history = await api.user_rating("tourist")
    assert [(c.handle, c.delta) for c in changes] == [("alpha", 154), ("beta", 114), ("gamma", 31)]
    assert [c.id for c in contests] == [2031, 2028, 2022, 1294]
    assert contests[3].type is ContestType.ICPC and contests[3].division == "3"
    assert history[0].new_rating == 1602 and history[0].contest_name == "Codeforces Beta Round #2"


async def test_plain_json_methods_and_list_parameters(cf_server: CfServer) -> None:
    cf_server.add_api("user.info", [{"handle": "a"}, {"handle": "b"}], {"handles": "a;b"})
    cf_server.add_api("user.status", [{"id": 1, "verdict": "OK"}], {"handle": "a", "count": "5"})
    cf_server.add_api("problemset.problems", {"problems": [], "problemStatistics": []}, {"tags": "dp;greedy"})
    async with new_session() as session:
        api = client(session, cf_server)
        assert [u["handle"] for u in await api.user_info(["a", "b"])] == ["a", "b"]
        assert (await api.user_status("a", count=5))[0]["verdict"] == "OK"
        assert await api.problemset_problems(["dp", "greedy"]) == {"problems": [], "problemStatistics": []}


async def test_failed_status_becomes_api_error_with_the_comment(cf_server: CfServer) -> None:
    cf_server.add_api_failed("contest.standings", "contestId: Contest with id 99999 not found")
    async with new_session() as session:
        with pytest.raises(ApiError) as info:
            await client(session, cf_server).contest_standings(99999)
    assert info.value.comment == "contestId: Contest with id 99999 not found"
    assert "contest.standings" in str(info.value) and "99999 not found" in str(info.value)
    assert len(cf_server.api_calls) == 1  # a FAILED answer is final: no retry


@pytest.mark.parametrize(
    "failures",
    [
        [Failure.http(503), Failure.http(502)],
        [Failure.call_limit()],
        [Failure.call_limit(http_status=200), Failure.call_limit(http_status=503)],
        [Failure.http(429)],
        [Failure.drop()],
        [Failure.drop(), Failure.http(500)],
    ],
    ids=["5xx", "call-limit", "call-limit-any-status", "429", "dropped", "dropped-then-500"],
)
async def test_passing_failures_are_retried(cf_server: CfServer, failures: list[Failure]) -> None:
    cf_server.add_api_response("contest.list", api_doc("contest.list.json"))
    cf_server.fail("api:contest.list", *failures)
    async with new_session() as session:
        contests = await client(session, cf_server).contest_list()
    assert len(contests) == 4
    assert len(cf_server.api_calls) == len(failures) + 1


async def test_retries_run_out_with_a_clear_error(cf_server: CfServer) -> None:
    cf_server.add_api_response("contest.list", api_doc("contest.list.json"))
    cf_server.fail("api:contest.list", *[Failure.call_limit()] * FAST.attempts)
    async with new_session() as session:
        with pytest.raises(NetworkError) as info:
            await client(session, cf_server).contest_list()
    assert len(cf_server.api_calls) == FAST.attempts
    # What was tried (the method at its URL), what happened, and the way out for a server that answers.
    message = str(info.value)
    assert f"contest.list at {cf_server.api_url}/contest.list failed 3 times (last: Call limit exceeded)" in message
    assert "busy or down, try again in a few minutes" in message


async def test_an_unreachable_api_names_the_address_and_the_way_out() -> None:
    async with new_session() as session:
        api = CodeforcesApi(session, "http://127.0.0.1:9/api", limiter=RateLimiter(0.01), policy=FAST)
        with pytest.raises(NetworkError) as info:
            await api.contest_list()
    message = str(info.value)
    assert message.startswith("could not reach the Codeforces API: contest.list at http://127.0.0.1:9/api/")
    assert "ClientConnectorError" in message and "--api-url" in message and "try again later" not in message


async def test_timeout_is_retried_then_reported(cf_server: CfServer) -> None:
    cf_server.add_api("contest.list", [])
    cf_server.fail("api:contest.list", *[Failure.delay(1.0)] * 3)
    policy = RetryPolicy(attempts=3, backoff_s=0.01, timeout_s=0.2)
    async with new_session() as session:
        api = CodeforcesApi(session, cf_server.api_url, limiter=RateLimiter(0.01), policy=policy)
        with pytest.raises(NetworkError, match="TimeoutError"):
            await api.contest_list()


async def test_not_json_is_an_error_not_a_crash(cf_server: CfServer) -> None:
    cf_server.fail("api:contest.list", Failure.http(403, b"<html>forbidden</html>"))
    async with new_session() as session:
        with pytest.raises(NetworkError, match="HTTP 403 without a JSON result"):
            await client(session, cf_server).contest_list()


async def test_user_agent_is_honest(cf_server: CfServer) -> None:
    cf_server.add_api("contest.list", [])
    async with new_session() as session:
        await client(session, cf_server).contest_list()
    assert cf_server.api_calls[0].user_agent == USER_AGENT
    assert USER_AGENT.startswith("cp-solver/")


async def test_limiter_spaces_concurrent_calls_and_retries_on_the_server(cf_server: CfServer) -> None:
    interval = 0.15
    cf_server.add_api("contest.list", [])
    cf_server.fail("api:contest.list", Failure.drop(), Failure.call_limit(), Failure.http(503))
    async with new_session() as session:
        api = client(session, cf_server, interval)
        await asyncio.gather(*(api.contest_list() for _ in range(4)))
    assert len(cf_server.api_calls) == 7  # 4 calls + 3 retries, every one through the limiter
    assert min(cf_server.gaps()) >= interval


async def test_one_limiter_across_clients_and_sessions(cf_server: CfServer) -> None:
    interval = 0.15
    limiter = RateLimiter(interval)
    cf_server.add_api("contest.list", [])
    async with new_session() as s1, new_session() as s2:
        a = CodeforcesApi(s1, cf_server.api_url, limiter=limiter, policy=FAST)
        b = CodeforcesApi(s2, cf_server.api_url, limiter=limiter, policy=FAST)
        await asyncio.gather(a.contest_list(), b.contest_list(), a.contest_list())
    assert min(cf_server.gaps()) >= interval


async def test_the_real_two_second_limit_holds_on_the_server(cf_server: CfServer) -> None:
    """The process-wide default limiter, as shipped (slow by nature: one ~2 s wait)."""
    assert cf_api.default_limiter().interval_s == cf_api.API_INTERVAL_S == 2.0
    cf_server.add_api("contest.list", [])
    async with new_session() as session:
        api = CodeforcesApi(session, cf_server.api_url, policy=FAST)  # no limiter given: the shared one
        other = CodeforcesApi(session, cf_server.api_url, policy=FAST)
        await asyncio.gather(api.contest_list(), other.contest_list())
    assert len(cf_server.gaps()) == 1
    assert cf_server.gaps()[0] >= 2.0


async def test_limiter_spaces_from_the_end_of_the_previous_call_with_a_fake_clock() -> None:
    now = [100.0]
    slept: list[float] = []

    async def sleep(s: float) -> None:
        slept.append(s)
        now[0] += s

    limiter = RateLimiter(2.0, clock=lambda: now[0], sleep=sleep)
    async with limiter.slot():
        now[0] += 0.5  # the first call takes half a second
    async with limiter.slot():
        pass
    assert slept == [2.0] and now[0] == 102.5  # 2 s after the first call ended, not after it began
    now[0] += 10
    async with limiter.slot():
        pass
    assert slept == [2.0]  # idle long enough: no wait


async def test_limiter_frees_the_slot_when_a_call_fails() -> None:
    limiter = RateLimiter(0.0)
    with pytest.raises(RuntimeError):
        async with limiter.slot():
            raise RuntimeError("the request blew up")
    async with asyncio.timeout(1):
        async with limiter.slot():
            pass
