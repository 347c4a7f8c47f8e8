"""The facade the pipeline calls: store first, then pages/API; caching, --refresh, --offline, failures."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from solver.config import Config
from solver.errors import ApiError, NetworkError, NotFoundError, OfflineError, ParseError
from solver.problem import ContestKind, ContestRef, ProblemId
from solver.sources import cf_html
from solver.sources.cf_api import RateLimiter
from solver.sources.codeforces import CodeforcesSource, fetch_problem, open_source
from tests.sources.cf_server import CfServer, Failure
from tests.sources.conftest import CF, FAST, page

DAY = 86400.0


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@asynccontextmanager
async def source_for(
    server: CfServer,
    store_dir: Path,
    clock: Clock | None = None,
    *,
    offline: bool = False,
    refresh: bool = False,
) -> AsyncIterator[CodeforcesSource]:
    config = Config(
        store=store_dir, base_urls=(server.url,), api_url=server.api_url, offline=offline, refresh=refresh
    )
    async with open_source(config, limiter=RateLimiter(0.01), policy=FAST, clock=clock or Clock()) as source:
        yield source


def serve_1294(server: CfServer) -> None:
    server.add_page("/contest/1294/problems", page("contest-1294-problems.html"))
    server.add_page("/contest/1294/problem/B", page("1294B.html"))


def api_doc(name: str) -> dict[str, object]:
    doc: dict[str, object] = json.loads((CF / "api" / name).read_text(encoding="utf-8"))
    return doc


async def test_a_problem_is_fetched_once_then_read_from_the_store(
    cf_server: CfServer, store_dir: Path
) -> None:
    serve_1294(cf_server)
    async with source_for(cf_server, store_dir) as source:
        first = await source.problem(ProblemId(1294, "B"))
        again = await source.problem(ProblemId(1294, "B"))
    assert first == again and first.name == "Collecting Packages"
    assert first.url == f"{cf_server.url}/contest/1294/problem/B"
    assert len(cf_server.page_requests) == 1
    assert (store_dir / "1294B" / "problem.json").is_file()
    async with source_for(cf_server, store_dir, refresh=True) as source:
        await source.problem(ProblemId(1294, "B"))
    assert len(cf_server.page_requests) == 2


async def test_fetch_problem_convenience(cf_server: CfServer, store_dir: Path) -> None:
    serve_1294(cf_server)
    config = Config(store=store_dir, base_urls=(cf_server.url,), api_url=cf_server.api_url)
    assert (await fetch_problem(ProblemId(1294, "B"), config)).samples[0].output.startswith("YES\n")


async def test_a_whole_contest(cf_server: CfServer, store_dir: Path) -> None:
    serve_1294(cf_server)
    async with source_for(cf_server, store_dir) as source:
        problems = await source.fetch("https://codeforces.com/contest/1294")
        assert [str(p.id) for p in problems] == ["1294A", "1294B"]
        assert await source.fetch("1294") == problems  # from the store now
    assert len(cf_server.page_requests) == 1
    assert json.loads((store_dir / "_contests" / "1294.json").read_text())["indices"] == ["A", "B"]
    async with source_for(cf_server, store_dir, offline=True) as source:
        assert await source.contest_problems(ContestRef(1294)) == problems


async def test_fetching_a_contest_keeps_problems_already_stored(cf_server: CfServer, store_dir: Path) -> None:
    serve_1294(cf_server)
    async with source_for(cf_server, store_dir) as source:
        await source.problem(ProblemId(1294, "B"))
        before = (store_dir / "1294B" / "problem.json").read_bytes()
        await source.contest_problems(ContestRef(1294))
    assert (store_dir / "1294B" / "problem.json").read_bytes() == before


async def test_offline_says_exactly_what_is_missing(cf_server: CfServer, store_dir: Path) -> None:
    serve_1294(cf_server)
    async with source_for(cf_server, store_dir, offline=True) as source:
        with pytest.raises(OfflineError, match=r"problem 1294B is not in the store \(.*1294B/problem.json"):
            await source.problem(ProblemId(1294, "B"))
        with pytest.raises(OfflineError, match="contest 1294 is not in the store"):
            await source.contest_problems(ContestRef(1294))
        with pytest.raises(OfflineError, match=r"contest.standings \(contestId=2022, from=1, count=1\)"):
            await source.contest(2022)
    assert cf_server.api_calls == []
    async with source_for(cf_server, store_dir) as source:
        await source.contest_problems(ContestRef(1294))
    online_calls = len(cf_server.api_calls)  # the rating/tags look-up of the online fetch
    (store_dir / "1294A" / "problem.json").unlink()
    async with source_for(cf_server, store_dir, offline=True) as source:
        with pytest.raises(OfflineError, match="only partly in the store: missing 1294A;"):
            await source.contest_problems(ContestRef(1294))
    assert len(cf_server.api_calls) == online_calls


async def test_a_failed_fetch_overwrites_nothing(cf_server: CfServer, store_dir: Path) -> None:
    serve_1294(cf_server)
    async with source_for(cf_server, store_dir) as source:
        await source.problem(ProblemId(1294, "B"))
    before = {p.name: p.read_bytes() for p in (store_dir / "1294B").iterdir()}
    outage = "<html><body>Codeforces is temporarily unavailable</body></html>"
    cf_server.add_page("/contest/1294/problem/B", outage)
    async with source_for(cf_server, store_dir, refresh=True) as source:
        with pytest.raises(ParseError, match="not a Codeforces problem page"):
            await source.problem(ProblemId(1294, "B"))
    cf_server.fail("/contest/1294/problem/B", Failure.challenge())
    async with source_for(cf_server, store_dir, refresh=True) as source:
        with pytest.raises(Exception, match="Cloudflare"):
            await source.problem(ProblemId(1294, "B"))
    assert {p.name: p.read_bytes() for p in (store_dir / "1294B").iterdir()} == before


async def test_unknown_problem(cf_server: CfServer, store_dir: Path) -> None:
    async with source_for(cf_server, store_dir) as source:
        with pytest.raises(NotFoundError):
            await source.problem(ProblemId(1294, "Z"))
    assert not (store_dir / "1294Z").exists()


async def test_gym_problem_goes_to_its_own_folder(cf_server: CfServer, store_dir: Path) -> None:
    cf_server.add_page("/gym/102644/problem/A", page("gym-102644A.html"))
    async with source_for(cf_server, store_dir) as source:
        problem = await source.problem(ProblemId.parse("https://codeforces.com/gym/102644/problem/A"))
    assert problem.id.kind is ContestKind.GYM
    assert (store_dir / "gym-102644A" / "01.in").read_text().startswith("3\n1 2\n")


async def test_contest_with_points_and_standings_cached_forever_once_finished(
    cf_server: CfServer, store_dir: Path
) -> None:
    doc = api_doc("contest.standings-2022.json")
    cf_server.add_api_response("contest.standings", doc, {"contestId": "2022"})
    clock = Clock()
    async with source_for(cf_server, store_dir, clock) as source:
        contest = await source.contest(2022)
        assert [(p.index, p.points) for p in contest.problems] == [("A", 750.0), ("B", 1000.0), ("C", 1500.0)]
        assert contest.duration_s == 7200 and contest.division == "2"
        full = await source.standings(2022)
        assert [r.handles[0] for r in full.rows] == ["alpha", "beta", "gamma"]
        clock.now += 365 * DAY
        assert await source.contest(2022) == contest
        assert await source.standings(2022) == full
    assert [c.query.get("count") for c in cf_server.api_calls] == ["1", None]


async def test_running_contest_standings_expire(cf_server: CfServer, store_dir: Path) -> None:
    doc = api_doc("contest.standings-2022.json")
    doc["result"]["contest"]["phase"] = "CODING"  # type: ignore[index]
    cf_server.add_api_response("contest.standings", doc)
    clock = Clock()
    async with source_for(cf_server, store_dir, clock) as source:
        await source.standings(2022)
        clock.now += 60
        await source.standings(2022)
        assert len(cf_server.api_calls) == 1
        clock.now += 600
        await source.standings(2022)
    assert len(cf_server.api_calls) == 2


async def test_rating_changes_and_contest_list_ttls(cf_server: CfServer, store_dir: Path) -> None:
    cf_server.add_api("contest.ratingChanges", [], {"contestId": "2031"})  # not rated yet
    changes = api_doc("contest.ratingChanges-2022.json")
    cf_server.add_api_response("contest.ratingChanges", changes, {"contestId": "2022"})
    cf_server.add_api_response("contest.list", api_doc("contest.list.json"))
    clock = Clock()
    async with source_for(cf_server, store_dir, clock) as source:
        assert len(await source.rating_changes(2022)) == 3
        assert await source.rating_changes(2031) == []
        assert len(await source.contest_list()) == 4
        clock.now += 2 * 3600
        await source.rating_changes(2022)
        await source.rating_changes(2031)
        await source.contest_list()
        assert [c.method for c in cf_server.api_calls] == [
            "contest.ratingChanges", "contest.ratingChanges", "contest.list", "contest.ratingChanges",
        ]
        clock.now += 5 * 3600
        await source.contest_list()
    assert [c.method for c in cf_server.api_calls][-1] == "contest.list"
    assert len(cf_server.api_calls) == 5
    async with source_for(cf_server, store_dir, clock, offline=True) as source:
        clock.now += 100 * DAY
        assert len(await source.contest_list()) == 4  # offline: a stale answer beats none
    async with source_for(cf_server, store_dir, clock, refresh=True) as source:
        await source.rating_changes(2022)
    assert len(cf_server.api_calls) == 6


async def test_api_errors_reach_the_caller_and_are_not_cached(cf_server: CfServer, store_dir: Path) -> None:
    async with source_for(cf_server, store_dir) as source:
        with pytest.raises(ApiError, match="Contest with id 99999 not found"):
            await source.contest(99999)
    assert not (store_dir / "_api" / "contest.standings").exists()


async def test_user_methods_are_cached_for_minutes(cf_server: CfServer, store_dir: Path) -> None:
    cf_server.add_api("user.status", [{"id": 7, "verdict": "OK"}], {"handle": "tourist"})
    cf_server.add_api("user.info", [{"handle": "a"}, {"handle": "b"}], {"handles": "a;b"})
    cf_server.add_api_response("user.rating", api_doc("user.rating-tourist.json"), {"handle": "tourist"})
    clock = Clock()
    async with source_for(cf_server, store_dir, clock) as source:
        assert (await source.user_status("tourist"))[0]["id"] == 7
        assert [u["handle"] for u in await source.user_info(["a", "b"])] == ["a", "b"]
        assert (await source.user_rating("tourist"))[0].new_rating == 1602
        await source.user_status("tourist")
        assert len(cf_server.api_calls) == 3
        clock.now += 3600
        await source.user_status("tourist")
    assert len(cf_server.api_calls) == 4


# --- rating and tags from the API -------------------------------------------------------------------


def standings_1294() -> dict[str, object]:
    """A one-row ``contest.standings`` answer for 1294 in the real format (the 2022 fixture, re-keyed)."""
    doc = api_doc("contest.standings-2022.json")
    result = doc["result"]
    assert isinstance(result, dict)
    result["contest"] = {**result["contest"], "id": 1294, "name": "Codeforces Round #615 (Div. 3)"}
    result["problems"] = [
        {"contestId": 1294, "index": "A", "name": "Collecting Coins", "type": "PROGRAMMING",
         "rating": 800, "tags": ["math"]},
        {"contestId": 1294, "index": "B", "name": "Collecting Packages", "type": "PROGRAMMING",
         "rating": 1200, "tags": ["implementation", "sortings"]},
    ]
    result["rows"] = result["rows"][:1]
    return doc


def stored_json(store_dir: Path, slug: str) -> dict[str, object]:
    problem: dict[str, object] = json.loads((store_dir / slug / "problem.json").read_text())["problem"]
    return problem


async def test_rating_and_tags_come_from_the_standings(cf_server: CfServer, store_dir: Path) -> None:
    serve_1294(cf_server)
    cf_server.add_api_response("contest.standings", standings_1294(), {"contestId": "1294"})
    async with source_for(cf_server, store_dir) as source:
        b = await source.problem(ProblemId(1294, "B"))
        assert (b.rating, b.tags) == (1200, ("implementation", "sortings"))
        problems = await source.contest_problems(ContestRef(1294))  # the standings are cached now
        assert [(p.rating, p.tags) for p in problems] == [(800, ("math",)), (1200, ("implementation", "sortings"))]
        await source.contest(1294)  # the same cached answer serves `contest`
    assert [(c.method, c.query) for c in cf_server.api_calls] == [
        ("contest.standings", {"contestId": "1294", "from": "1", "count": "1"})
    ]
    assert stored_json(store_dir, "1294A")["rating"] == 800
    assert stored_json(store_dir, "1294B")["tags"] == ["implementation", "sortings"]


async def test_cached_standings_save_the_call(cf_server: CfServer, store_dir: Path) -> None:
    serve_1294(cf_server)
    cf_server.add_api_response("contest.standings", standings_1294())
    async with source_for(cf_server, store_dir) as source:
        await source.standings(1294)  # full standings cached: they name the problems too
        assert len(cf_server.api_calls) == 1
        b = await source.problem(ProblemId(1294, "B"))
    assert b.rating == 1200 and len(cf_server.api_calls) == 1


async def test_api_failure_leaves_them_unknown_and_the_fetch_succeeds(
    cf_server: CfServer, store_dir: Path
) -> None:
    serve_1294(cf_server)
    cf_server.add_api_response("contest.standings", standings_1294(), {"contestId": "1294"})
    cf_server.fail("api:contest.standings", *[Failure.http(503)] * 3)  # every try of the FAST policy
    async with source_for(cf_server, store_dir) as source:
        b = await source.problem(ProblemId(1294, "B"))
    assert b.name == "Collecting Packages" and (b.rating, b.tags) == (None, ())
    assert len(cf_server.api_calls) == 3
    assert stored_json(store_dir, "1294B")["rating"] is None
    assert not (store_dir / "_api" / "contest.standings").exists()  # the failure was not cached
    async with source_for(cf_server, store_dir) as source:
        problems = await source.contest_problems(ContestRef(1294))  # the API answers again
    assert [p.name for p in problems] == ["Collecting Coins", "Collecting Packages"]
    assert problems[1].rating == 1200  # stored B is filled from the answer fetching A cached


async def test_offline_uses_the_cache_and_never_calls(cf_server: CfServer, store_dir: Path) -> None:
    serve_1294(cf_server)
    cf_server.fail("api:contest.standings", *[Failure.http(503)] * 3)
    async with source_for(cf_server, store_dir) as source:
        assert (await source.problem(ProblemId(1294, "B"))).rating is None
    async with source_for(cf_server, store_dir, offline=True) as source:
        assert (await source.problem(ProblemId(1294, "B"))).rating is None  # nothing cached: silent
    calls = len(cf_server.api_calls)
    cf_server.add_api_response("contest.standings", standings_1294(), {"contestId": "1294"})
    async with source_for(cf_server, store_dir) as source:
        await source.contest(1294)  # now the one-row standings are cached
    async with source_for(cf_server, store_dir, offline=True) as source:
        b = await source.problem(ProblemId(1294, "B"))
    assert (b.rating, b.tags) == (1200, ("implementation", "sortings"))
    assert len(cf_server.api_calls) == calls + 1


async def test_gym_problems_ask_the_api_nothing(cf_server: CfServer, store_dir: Path) -> None:
    cf_server.add_page("/gym/102644/problem/A", page("gym-102644A.html"))
    async with source_for(cf_server, store_dir) as source:
        problem = await source.problem(ProblemId.parse("gym/102644A"))
    assert problem.rating is None and cf_server.api_calls == []


# --- network errors say what was tried and the way out -------------------------------------------------

DOWN = "http://127.0.0.1:9"  # nothing listens there: connection refused, as with no network


@asynccontextmanager
async def unreachable_source(
    store_dir: Path, clock: Clock, *, refresh: bool = False
) -> AsyncIterator[CodeforcesSource]:
    config = Config(store=store_dir, base_urls=(DOWN,), api_url=f"{DOWN}/api", refresh=refresh)
    async with open_source(config, limiter=RateLimiter(0.01), policy=FAST, clock=clock) as source:
        yield source


async def test_standings_without_a_network_say_what_was_tried_and_that_nothing_is_cached(
    store_dir: Path,
) -> None:
    # `contest` stopped here with "try again later": neither the address nor the way out.
    async with unreachable_source(store_dir, Clock()) as source:
        with pytest.raises(NetworkError) as info:
            await source.contest(2022)
    message = str(info.value)
    assert f"could not reach the Codeforces API: contest.standings at {DOWN}/api/contest.standings" in message
    assert "--api-url" in message and "try again later" not in message
    assert "nothing is cached for it in the store" in message and "contest.standings" in message


async def test_standings_without_a_network_point_to_the_cached_answer(
    cf_server: CfServer, store_dir: Path
) -> None:
    doc = api_doc("contest.standings-2022.json")
    doc["result"]["contest"]["phase"] = "CODING"  # type: ignore[index]
    cf_server.add_api_response("contest.standings", doc)
    clock = Clock()
    async with source_for(cf_server, store_dir, clock) as source:
        full = await source.standings(2022)
    clock.now += 3 * 3600  # a running contest's standings are stale by now
    async with unreachable_source(store_dir, clock) as source:
        with pytest.raises(NetworkError, match="the store has an answer saved 3 hours ago: --offline uses it"):
            await source.standings(2022)
    config = Config(store=store_dir, offline=True)
    async with open_source(config, clock=clock) as source:
        assert await source.standings(2022) == full


async def test_pages_without_a_network_point_to_import_and_to_the_store(store_dir: Path) -> None:
    clock = Clock()
    async with unreachable_source(store_dir, clock) as source:
        with pytest.raises(NetworkError) as info:
            await source.problem(ProblemId(1155, "C"))
        message = str(info.value)
        assert f"{DOWN}/contest/1155/problem/C" in message and "python -m solver import FILE.html" in message
        assert "--base-url" in message and "--offline" not in message  # the store has nothing to offer
        source.store.save(cf_html.parse_problem(page("1155C.html")))
    async with unreachable_source(store_dir, clock, refresh=True) as source:
        with pytest.raises(NetworkError, match="the store already has it: drop --refresh, or add --offline"):
            await source.problem(ProblemId(1155, "C"))
