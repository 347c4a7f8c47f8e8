"""Problem pages over HTTP against the local server: mirrors, retries, timeouts, Cloudflare, 404s."""

from __future__ import annotations

import pytest

from solver.errors import ChallengeError, NetworkError, NotFoundError
from solver.problem import ContestKind, ContestRef, ProblemId
from solver.sources.http import RetryPolicy, new_session
from solver.sources.pages import PageFetcher
from tests.sources.cf_server import CfServer, Failure
from tests.sources.conftest import FAST, page

PATH = "/contest/1155/problem/C"


async def fetch(server: CfServer, path: str = PATH, *, bases: list[str] | None = None) -> bytes:
    async with new_session() as session:
        fetched = await PageFetcher(session, bases or [server.url], policy=FAST).get(path)
    return fetched.body


async def test_a_page_is_fetched(cf_server: CfServer) -> None:
    cf_server.add_page(PATH, page("1155C.html"))
    assert await fetch(cf_server) == page("1155C.html")
    assert cf_server.page_requests[0].user_agent.startswith("cp-solver/")


@pytest.mark.parametrize(
    "failures",
    [
        [Failure.http(503)],
        [Failure.http(429), Failure.http(502)],
        [Failure.drop()],
        [Failure.truncate(page("1155C.html"), 2000)],
    ],
    ids=["503", "429-502", "dropped", "truncated"],
)
async def test_passing_failures_are_retried(cf_server: CfServer, failures: list[Failure]) -> None:
    cf_server.add_page(PATH, page("1155C.html"))
    cf_server.fail(PATH, *failures)
    assert await fetch(cf_server) == page("1155C.html")
    assert len(cf_server.page_requests) == len(failures) + 1


async def test_a_page_cut_short_without_content_length_is_retried(cf_server: CfServer) -> None:
    full = page("1155C.html")
    cf_server.add_page(PATH, full)
    cf_server.fail(PATH, Failure.http(200, full[:3000]))  # a proxy that lost the end of the page
    assert await fetch(cf_server) == full
    assert len(cf_server.page_requests) == 2


async def test_retries_run_out(cf_server: CfServer) -> None:
    cf_server.fail(PATH, *[Failure.http(503)] * FAST.attempts)
    with pytest.raises(NetworkError, match=r"HTTP 503 \(after 3 attempts\)"):
        await fetch(cf_server)


async def test_timeout(cf_server: CfServer) -> None:
    cf_server.add_page(PATH, page("1155C.html"))
    cf_server.fail(PATH, Failure.delay(1.0), Failure.delay(1.0))
    async with new_session() as session:
        policy = RetryPolicy(attempts=2, backoff_s=0.01, timeout_s=0.2)
        fetcher = PageFetcher(session, [cf_server.url], policy=policy)
        with pytest.raises(NetworkError, match="TimeoutError"):
            await fetcher.get(PATH)


async def test_cloudflare_challenge_is_reported_not_fought(cf_server: CfServer) -> None:
    cf_server.add_page(PATH, page("1155C.html"))
    cf_server.fail(PATH, Failure.challenge())
    with pytest.raises(ChallengeError) as info:
        await fetch(cf_server)
    message = str(info.value)
    assert "Cloudflare challenge" in message
    assert "python -m solver import" in message and "Competitive Companion" in message
    assert len(cf_server.page_requests) == 1  # no hammering, no tricks


async def test_challenge_served_with_200_is_recognised_by_its_body(cf_server: CfServer) -> None:
    from tests.sources.cf_server import CHALLENGE_PAGE

    cf_server.add_page(PATH, CHALLENGE_PAGE)
    with pytest.raises(ChallengeError):
        await fetch(cf_server)


async def test_the_next_base_url_is_tried(cf_server: CfServer) -> None:
    async with CfServer() as mirror:
        mirror.add_page(PATH, page("1155C.html"))
        cf_server.fail(PATH, Failure.challenge())
        assert await fetch(cf_server, bases=[cf_server.url, mirror.url]) == page("1155C.html")
        gone = CfServer()
        await gone.start()
        dead = gone.url
        await gone.stop()  # its port now refuses connections
        assert await fetch(cf_server, bases=[dead, mirror.url]) == page("1155C.html")


async def test_unknown_page_is_not_found(cf_server: CfServer) -> None:
    with pytest.raises(NotFoundError, match="no such page"):
        await fetch(cf_server, "/contest/1155/problem/Z")
    assert len(cf_server.page_requests) == 1


async def test_redirect_away_from_the_problem_is_not_found(cf_server: CfServer) -> None:
    cf_server.add_page("/contest/1155", "<html><body>contest</body></html>")
    cf_server.add_redirect("/contest/1155/problem/Z", "/contest/1155")
    with pytest.raises(NotFoundError, match="redirected to /contest/1155"):
        await fetch(cf_server, "/contest/1155/problem/Z")


def test_paths() -> None:
    assert ProblemId(1999, "A").path == "/contest/1999/problem/A"
    assert ProblemId(103505, "B", ContestKind.GYM).path == "/gym/103505/problem/B"
    assert ProblemId(5, "C", ContestKind.GROUP, "xY1").path == "/group/xY1/contest/5/problem/C"
    assert ContestRef(1999).problems_path == "/contest/1999/problems"
    assert ContestRef(103505, ContestKind.GYM).problems_path == "/gym/103505/problems"
    assert ContestRef(5, ContestKind.GROUP, "xY1").problems_path == "/group/xY1/contest/5/problems"


def test_the_server_also_runs_in_a_thread_for_synchronous_callers() -> None:
    import urllib.request

    server = CfServer()
    server.add_page("/contest/764/problem/C", page("764C.html"))
    with server.serve_in_thread(), urllib.request.urlopen(f"{server.url}/contest/764/problem/C") as resp:
        assert resp.read() == page("764C.html")
    assert [r.path for r in server.page_requests] == ["/contest/764/problem/C"]


async def test_an_unreachable_site_names_what_was_tried_and_the_ways_round() -> None:
    async with new_session() as session:
        fetcher = PageFetcher(session, ["http://127.0.0.1:9"], policy=FAST)
        with pytest.raises(NetworkError) as info:
            await fetcher.get(PATH)
    message = str(info.value)
    assert f"could not fetch {PATH} (http://127.0.0.1:9{PATH}: network error (ClientConnectorError" in message
    assert "python -m solver import FILE.html" in message and "Competitive Companion" in message
    assert "--base-url (e.g. https://mirror.codeforces.com)" in message
