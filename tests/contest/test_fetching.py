"""What `contest` and `rate` say when Codeforces or the offline store cannot give what a contest needs.

The message names what was being fetched and from where, keeps the source's cause, and says how to go
on: run again / a mirror, or --offline with a store that has the contest (an online run caches the API
answers; problems come from `fetch` or `import` of pages saved in a browser). It used to be the source's
own "contest.standings failed ...; try again later".
"""

from __future__ import annotations

import socket
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from solver.commands.rate import choose
from solver.config import Config
from solver.contest.run import ContestOptions, prepare
from solver.errors import NetworkError, OfflineError
from solver.sources import cf_api
from solver.sources.codeforces import open_source
from solver.sources.http import RetryPolicy
from solver.sources.store import ProblemStore
from tests.contest import world
from tests.sources.cf_server import CfServer, Failure

FAST = RetryPolicy(attempts=1, backoff_s=0.0, timeout_s=5.0)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cache_api(store: Path, cid: int) -> None:
    s = ProblemStore(store)
    s.api_put("contest.standings", cf_api.format_params({"contestId": cid, "showUnofficial": False}),
              world.standings(cid), None)  # fmt: skip
    s.api_put("contest.ratingChanges", cf_api.format_params({"contestId": cid}), world.rating_changes(cid), None)


async def test_codeforces_unreachable_names_the_standings_the_address_and_the_ways_on(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    config = Config(store=tmp_path / "store", base_urls=(url,), api_url=f"{url}/api")
    async with open_source(config, policy=FAST, limiter=cf_api.RateLimiter(0.0)) as source:
        with pytest.raises(NetworkError) as e:
            await prepare(1349, source, ContestOptions(), config)
    text = str(e.value)
    assert text.startswith("contest 1349: could not get its final standings (API contest.standings)")
    assert f"from Codeforces ({url}/api)" in text and "Cause: " in text  # what was tried, and why it failed
    assert "--base-url" in text and "--offline" in text and "--store" in text
    assert "`python -m solver contest 1349` once where Codeforces answers" in text


async def test_offline_without_the_contest_says_how_to_get_it_into_the_store(tmp_path: Path) -> None:
    config = Config(store=tmp_path / "store", offline=True)
    async with open_source(config) as source:
        with pytest.raises(OfflineError) as e:
            await prepare(1349, source, ContestOptions(), config)
    text = str(e.value)
    assert f"could not get its final standings (API contest.standings) from the store {config.store}" in text
    assert "(--offline)" in text and "once where Codeforces answers" in text and "--store" in text


async def test_offline_with_the_api_answers_but_no_problems_points_to_fetch_and_import(tmp_path: Path) -> None:
    config = Config(store=tmp_path / "store", offline=True)
    _cache_api(config.store, 1349)
    async with open_source(config) as source:
        with pytest.raises(OfflineError) as e:
            await prepare(1349, source, ContestOptions(), config)
    text = str(e.value)
    assert "contest 1349: could not get its problems from the store" in text
    assert "`python -m solver fetch 1349`" in text and "`python -m solver import`" in text
    assert "codeforces.com/contest/1349/problems" in text


async def test_offline_with_a_store_that_has_the_contest_goes_on(tmp_path: Path) -> None:
    # What the messages promise works: API answers cached and problems stored, nothing else.
    config = Config(store=tmp_path / "store", offline=True)
    _cache_api(config.store, 1349)
    world.fill_store(config.store)
    async with open_source(config) as source:
        prep = await prepare(1349, source, ContestOptions(), config)
    assert [p.id.index for p in prep.problems] == ["A", "B"] and len(prep.rated) == len(world.ROWS)


async def test_a_failure_on_the_local_codeforces_stand_in_is_reported_for_the_command(tmp_path: Path) -> None:
    # The standings answer fine, the rating changes fail at the HTTP level.
    async with CfServer() as cf:
        world.serve(cf)
        cf.fail("api:contest.ratingChanges", Failure.http(503))
        config = Config(store=tmp_path / "store", base_urls=(cf.url,), api_url=cf.api_url)
        world.fill_store(config.store)
        async with open_source(config, policy=FAST, limiter=cf_api.RateLimiter(0.0)) as source:
            with pytest.raises(NetworkError) as e:
                await prepare(1349, source, ContestOptions(), config)
    text = str(e.value)
    assert "contest 1349: could not get its rating changes (API contest.ratingChanges)" in text
    assert cf.api_url in text and "--offline" in text


async def test_rate_offline_without_the_contest_list_says_so(tmp_path: Path) -> None:
    config = Config(store=tmp_path / "store", offline=True)
    async with open_source(config) as source:
        svc: Any = SimpleNamespace(source=source, config=config)
        with pytest.raises(OfflineError) as e:
            await choose(svc, None, None, None)
    text = str(e.value)
    assert "could not get the contest list (API contest.list) from the store" in text and "--offline" in text
    # With the list cached, each chosen contest's rating changes are the next thing it names.
    ProblemStore(config.store).api_put(
        "contest.list", cf_api.format_params({"gym": False}), [world._contest(1349)], None
    )
    async with open_source(replace(config)) as source:
        svc = SimpleNamespace(source=source, config=config)
        with pytest.raises(OfflineError) as e:
            await choose(svc, None, None, None)
    assert "contest 1349: could not get its rating changes" in str(e.value)
