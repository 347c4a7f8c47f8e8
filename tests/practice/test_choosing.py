"""Choosing a problem with the live services: a handle's rating and solved problems from the Codeforces API
(a local server speaking its protocol), the problemset, the store; offline, the store alone."""

from __future__ import annotations

import socket
from dataclasses import replace
from pathlib import Path

import pytest

from solver.config import Config
from solver.errors import NotFoundError, OfflineError
from solver.practice.model import Criteria
from solver.practice.services import LiveServices, solved_from_status
from solver.problem import ProblemId
from solver.runstore import Run
from solver.sources.cf_api import CodeforcesApi, RateLimiter
from solver.sources.codeforces import CodeforcesSource
from solver.sources.http import RetryPolicy, new_session
from solver.sources.store import ProblemStore
from tests.sources.cf_server import CfServer

from .data import BUS, WATERMELON

THEATRE = replace(BUS, id=ProblemId(1, "A"), name="Theatre Square", rating=1000, tags=("math",))

PROBLEMSET = {
    "problems": [
        {
            "contestId": 2022,
            "index": "A",
            "name": "Bus to Pénjamo",
            "type": "PROGRAMMING",
            "points": 750.0,
            "rating": 800,
            "tags": ["constructive algorithms", "greedy", "implementation", "math"],
        },
        {
            "contestId": 4,
            "index": "A",
            "name": "Watermelon",
            "type": "PROGRAMMING",
            "rating": 800,
            "tags": ["brute force", "math"],
        },
        {
            "contestId": 1,
            "index": "A",
            "name": "Theatre Square",
            "type": "PROGRAMMING",
            "rating": 1000,
            "tags": ["math"],
        },
        {
            "contestId": 1,
            "index": "B",
            "name": "Spreadsheet",
            "type": "PROGRAMMING",
            "rating": 1600,
            "tags": ["implementation", "math"],
        },
    ],
    "problemStatistics": [],
}
STATUS = [  # user.status, newest first: 2022A accepted, 1A only rejected
    {
        "id": 3,
        "contestId": 2022,
        "problem": {"contestId": 2022, "index": "A", "name": "Bus to Pénjamo"},
        "verdict": "OK",
        "programmingLanguage": "GNU G++17 7.3.0",
    },
    {
        "id": 2,
        "contestId": 1,
        "problem": {"contestId": 1, "index": "A", "name": "Theatre Square"},
        "verdict": "WRONG_ANSWER",
        "programmingLanguage": "GNU G++17 7.3.0",
    },
]
RATING = [
    {
        "contestId": 2022,
        "contestName": "Codeforces Round 978 (Div. 2)",
        "handle": "tester",
        "rank": 900,
        "ratingUpdateTimeSeconds": 1728862500,
        "oldRating": 850,
        "newRating": 900,
    }
]


def stored(root: Path) -> ProblemStore:
    store = ProblemStore(root)
    for p in (WATERMELON, BUS, THEATRE):
        store.save(p)
    return store


def test_solved_from_status_keeps_accepted_only() -> None:
    assert solved_from_status(STATUS) == frozenset({ProblemId(2022, "A")})


async def test_handle_gives_rating_and_solved_problems(tmp_path: Path) -> None:
    server = CfServer()
    server.add_api("problemset.problems", PROBLEMSET)
    server.add_api("user.rating", RATING, params={"handle": "tester"})
    server.add_api("user.status", STATUS, params={"handle": "tester"})
    async with server, new_session() as http:
        api = CodeforcesApi(http, server.api_url, limiter=RateLimiter(0.0), policy=RetryPolicy(attempts=1))
        source = CodeforcesSource(stored(tmp_path / "store"), None, api)
        config = Config(runs=tmp_path / "runs", store=tmp_path / "store")
        services = LiveServices(config, source, Run.create(config.runs, "practice", {"command": "practice"}))
        chosen = set()
        for seed in range(8):
            problem, note = await services.pick(Criteria(handle="tester", seed=seed), ())
            chosen.add(str(problem.id))
        # rating 900 -> window 800..1100: 4A and 1A; 2022A is solved, 1B is out of the window
        assert chosen == {"4A", "1A"}
        assert "tester's rating: 900" in note and "chosen among 2 unsolved problems rated 800..1100" in note
        problem, _ = await services.pick(Criteria(handle="tester"), (ProblemId(4, "A"),))
        assert str(problem.id) == "1A"  # the current problem is excluded from `pick` again


async def test_offline_picks_from_the_store_and_history_counts_as_solved(tmp_path: Path) -> None:
    config = Config(runs=tmp_path / "runs", store=tmp_path / "store", offline=True)
    source = CodeforcesSource(stored(tmp_path / "store"), None, None, offline=True)
    history = Run.create(config.runs, "practice", {"command": "practice"})
    services = LiveServices(config, source, history)
    problem, _ = await services.pick(Criteria(rating=800, tags=("greedy",)), ())
    assert problem == BUS
    history.append("solved", problem="2022A")  # solved in practice: not offered again
    with pytest.raises(NotFoundError, match=r"no unsolved problem there fits rating 700\.\.1000 and tags greedy"):
        await services.pick(Criteria(rating=800, tags=("greedy",)), ())


def closed_port() -> int:
    """A local port nothing listens on: connecting is refused at once, as with the network down."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_unreachable_codeforces_is_the_reason_given_when_the_store_has_nothing_to_pick(
    tmp_path: Path,
) -> None:
    async with new_session() as http:
        api = CodeforcesApi(
            http, f"http://127.0.0.1:{closed_port()}/api", limiter=RateLimiter(0.0), policy=RetryPolicy(attempts=1)
        )
        source = CodeforcesSource(stored(tmp_path / "store"), None, api)
        config = Config(runs=tmp_path / "runs", store=tmp_path / "store")
        services = LiveServices(config, source, Run.create(config.runs, "practice", {"command": "practice"}))
        with pytest.raises(NotFoundError) as caught:
            await services.pick(Criteria(rating=1400), ())
        message = str(caught.value)
        # The cause (Codeforces could not be asked), what was searched instead, and the ways out.
        assert message.startswith("Codeforces is unreachable (")
        store = tmp_path / "store"
        assert (
            f"so only the problem store ({store}, 3 problems) was searched, and no unsolved problem there " in message
        )
        assert "fits rating 1300..1600. To practise without Codeforces: " in message
        assert "`open ID`" in message and "python -m solver import PATH" in message
        assert "Competitive Companion" in message
        # With a fitting problem in the store the pick works, and the note says where it came from.
        problem, note = await services.pick(Criteria(rating=800, tags=("greedy",)), ())
        assert problem == BUS and note.startswith("Codeforces is unreachable (")
        assert "): chosen from the problem store; chosen among 1 unsolved problem rated 700..1000" in note


async def test_offline_with_an_empty_store_says_so_and_how_to_add_problems(tmp_path: Path) -> None:
    config = Config(runs=tmp_path / "runs", store=tmp_path / "store", offline=True)
    source = CodeforcesSource(ProblemStore(tmp_path / "store"), None, None, offline=True)
    services = LiveServices(config, source, Run.create(config.runs, "practice", {"command": "practice"}))
    with pytest.raises(
        NotFoundError,
        match=r"^--offline is on, so only the problem store \(.*, empty\) was searched, and no unsolved problem "
        r"there fits rating 1300\.\.1600\. To practise without Codeforces: `open ID`",
    ):
        await services.pick(Criteria(rating=1400), ())
    # `open ID` for a problem not in the store: the source's reason, and the session's other ways.
    with pytest.raises(OfflineError) as caught:
        await services.problem(ProblemId(1999, "A"))
    assert "1999A is not in the store" in str(caught.value)
    assert "send one from Competitive Companion" in str(caught.value) and "solver import PATH" in str(caught.value)
