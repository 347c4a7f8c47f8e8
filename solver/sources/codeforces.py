"""The problem source the rest of the pipeline calls: pages + API, through the problem store.

    async with open_source(config) as source:
        problem = await source.problem(ProblemId.parse("1999A"))
        problems = await source.contest_problems(ContestRef(1999))
        contest = await source.contest(1999)          # Contest with problems and their points
        standings = await source.standings(1999)
        changes = await source.rating_changes(1999)

Problems the store lacks come from the chosen ProblemSource (``config.source``: Codeforces' pages, or a
local open-r1 copy that works with ``offline``; solver.sources.problem_sources); the API stays Codeforces'.
Rules: a stored problem is never fetched again unless ``refresh``; API answers are cached with a
time-to-live (``api_ttl``; contest list: hours; a finished contest's standings and rating changes: forever),
under keys the ``*_key`` functions below give (``import`` files saved answers under the same);
``offline`` reads the store only and names exactly what is missing. A failed fetch writes nothing.
A regular contest's problems get their rating and tags from the API (``contest.standings``, one row,
the answer ``contest`` caches): from the cache when it holds them, else one call; an API failure leaves
them None/empty and never fails a page fetch that worked.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

from solver.config import Config
from solver.errors import ApiError, NetworkError, OfflineError, SolverError
from solver.problem import Contest, ContestKind, ContestRef, Problem, ProblemId, parse_ref
from solver.sources import cf_api
from solver.sources.cf_api import CodeforcesApi, ParamValue, RateLimiter, RatingChange, Standings
from solver.sources.http import DEFAULT_POLICY, RetryPolicy, new_session
from solver.sources.pages import PageFetcher
from solver.sources.problem_sources import CodeforcesPages, Found, ProblemSource, build_problem_source
from solver.sources.store import ProblemStore

HOUR = 3600.0
CONTEST_LIST_TTL_S = 6 * HOUR
RUNNING_CONTEST_TTL_S = 300.0  # standings of a contest that is not finished change all the time
EMPTY_RATING_CHANGES_TTL_S = HOUR  # rating changes appear a few hours after the end
USER_TTL_S = 600.0
PROBLEMSET_TTL_S = 6 * HOUR
# Rating and tags are extras: a slow or failing API must not hold a fetched problem back for the
# minutes the retry policy allows (4 tries x 30 s timeouts).
FACTS_TIMEOUT_S = 10.0

Facts = dict[str, tuple[int | None, tuple[str, ...]]]  # problem index -> (rating, tags)


class CodeforcesSource:
    def __init__(
        self,
        store: ProblemStore,
        pages: PageFetcher | None,
        api: CodeforcesApi | None,
        *,
        offline: bool = False,
        refresh: bool = False,
        clock: Callable[[], float] = time.time,
        problems: ProblemSource | None = None,
    ) -> None:
        self.store = store
        # Where problems the store lacks come from (--source); Codeforces' pages unless told otherwise.
        self.upstream: ProblemSource = problems if problems is not None else CodeforcesPages(pages)
        self._api = api
        self.offline = offline
        self.refresh = refresh
        self._clock = clock

    # --- problems -------------------------------------------------------------------------------------

    async def fetch(self, target: str) -> list[Problem]:
        """What a user typed (``1999``, ``1999A``, a URL) -> the problems, fetched or from the store."""
        ref = parse_ref(target)
        if isinstance(ref, ProblemId):
            return [await self.problem(ref)]
        return await self.contest_problems(ref)

    async def problem(self, pid: ProblemId) -> Problem:
        if not self.refresh:
            stored = self.store.load(pid)
            if stored is not None:
                return (await self._with_facts(pid.contest_id, [stored], call=False))[0]
        up = self.upstream
        if self.offline and not up.local:
            raise OfflineError(
                f"problem {pid} is not in the store ({self.store.folder(pid)}/problem.json is missing): "
                f"run `python -m solver fetch {pid}` without --offline, or `python -m solver import` its page "
                "saved from a browser (or its Competitive Companion JSON), or name a local copy of open-r1 "
                "with --source open-r1:DIR"
            )
        found = await self._from_upstream(up.problem(pid), stored=self.store.has(pid))
        problem = (await self._with_facts(pid.contest_id, list(found.problems), call=not up.local))[0]
        self.store.save(problem, source=found.origin)
        return problem

    async def contest_problems(self, ref: ContestRef) -> list[Problem]:
        indices = self.store.contest_indices(ref)
        if indices is not None and not self.refresh:
            have = {i: self.store.load(ref.problem(i)) for i in indices}
            if all(p is not None for p in have.values()):
                kept = [p for p in have.values() if p is not None]
                return await self._with_facts(ref.contest_id, kept, call=False)
            if self.offline and not self.upstream.local:
                missing = [str(ref.problem(i)) for i, p in have.items() if p is None]
                raise OfflineError(
                    f"contest {ref} is only partly in the store: missing {', '.join(missing)}; "
                    f"run `python -m solver fetch {ref}` without --offline"
                )
        up = self.upstream
        if self.offline and not up.local:
            raise OfflineError(
                f"contest {ref} is not in the store (no {self.store.contest_path(ref)}): "
                f"run `python -m solver fetch {ref}` without --offline, or save {ref.url()}/problems from a "
                "browser and `python -m solver import` it, or name a local copy of open-r1 with "
                "--source open-r1:DIR"
            )
        found = await self._from_upstream(up.contest_problems(ref), stored=indices is not None)
        problems = list(found.problems)
        # A stored problem is kept as stored; facts are looked up once, for the list as returned.
        stored = {p.id: None if self.refresh else self.store.load(p.id) for p in problems}
        result = await self._with_facts(
            ref.contest_id, [stored[p.id] or p for p in problems], call=not up.local
        )
        for problem in result:
            if stored[problem.id] is None:
                self.store.save(problem, source=found.origin)
        self.store.save_contest(ref, [p.id.index for p in problems])
        return result

    async def _from_upstream(self, fetch: Awaitable[Found], *, stored: bool) -> Found:
        try:
            return await fetch
        except NetworkError as e:
            if stored:  # only --refresh fetches what the store has
                raise NetworkError(f"{e}; the store already has it: drop --refresh, or add --offline") from None
            raise

    async def _with_facts(self, contest_id: int, problems: list[Problem], *, call: bool) -> list[Problem]:
        """``problems`` with rating and tags filled in where the API knows them and they are missing.

        Regular contests only (the API knows nothing of gym/group ratings). Cached answers first, in
        any freshness (ratings rarely move); with ``call`` and when nothing is cached and not offline,
        one ``contest.standings`` row (cached as ``contest`` caches it). Any API trouble: unchanged."""
        if not any(_wants_facts(p) for p in problems):
            return problems
        facts = self._cached_facts(contest_id, small_only=not call)
        if facts is None and call and not self.offline and self._api is not None:
            try:
                async with asyncio.timeout(FACTS_TIMEOUT_S):
                    raw = await self._cached(*contest_info_key(contest_id))
                facts = _facts_of(raw.get("problems") if isinstance(raw, dict) else None, contest_id)
            except (SolverError, TimeoutError, AttributeError, TypeError, ValueError):
                return problems  # the statement is what was asked for; rating and tags stay unknown
        if not facts:
            return problems
        return [
            dataclasses.replace(p, rating=facts[p.id.index][0], tags=facts[p.id.index][1])
            if _wants_facts(p) and p.id.index in facts
            else p
            for p in problems
        ]

    def _cached_facts(self, contest_id: int, *, small_only: bool) -> Facts | None:
        """Rating and tags from API answers already in the store; None when none holds this contest.
        ``small_only`` reads just the one-row standings: full standings and the problemset run to
        megabytes, too much to read on every load of a stored problem."""
        keys = [contest_info_key(contest_id)]
        if not small_only:
            keys += [standings_key(contest_id, u) for u in (False, True)]
            keys.append(problemset_key())
        for method, params in keys:
            hit = self.store.api_get(method, cf_api.format_params(params))
            if hit is None or not isinstance(hit.result, dict):
                continue
            try:
                facts = _facts_of(hit.result.get("problems"), contest_id)
            except (AttributeError, TypeError, ValueError):
                continue  # a cache entry of an unexpected shape is only a miss
            if facts:
                return facts
        return None

    # --- API ------------------------------------------------------------------------------------------

    async def contest(self, contest_id: int) -> Contest:
        """The contest with its problems and their points (from ``contest.standings``, one row)."""
        return cf_api.standings_from_json(await self._cached(*contest_info_key(contest_id))).contest

    async def standings(self, contest_id: int, *, show_unofficial: bool = False) -> Standings:
        return cf_api.standings_from_json(await self._cached(*standings_key(contest_id, show_unofficial)))

    async def rating_changes(self, contest_id: int) -> list[RatingChange]:
        return cf_api.rating_changes_from_json(await self._cached(*rating_changes_key(contest_id)))

    async def contest_list(self, *, gym: bool = False) -> list[Contest]:
        return [cf_api.contest_from_json(c) for c in await self._cached(*contest_list_key(gym))]

    async def user_rating(self, handle: str) -> list[RatingChange]:
        return cf_api.rating_changes_from_json(await self._cached(*user_rating_key(handle)))

    async def user_status(self, handle: str) -> list[dict[str, Any]]:
        """Plain JSON submissions, newest first (cached for minutes: it changes)."""
        raw: list[dict[str, Any]] = await self._cached("user.status", {"handle": handle})
        return raw

    async def user_info(self, handles: list[str]) -> list[dict[str, Any]]:
        raw: list[dict[str, Any]] = await self._cached("user.info", {"handles": handles})
        return raw

    async def problemset_problems(self) -> dict[str, Any]:
        raw: dict[str, Any] = await self._cached(*problemset_key())
        return raw

    async def _cached(self, method: str, params: Mapping[str, ParamValue]) -> Any:
        key = cf_api.format_params(params)
        hit = self.store.api_get(method, key)
        if hit is not None and (self.offline or (not self.refresh and hit.fresh(self._clock()))):
            return hit.result
        if self.offline:
            raise OfflineError(
                f"Codeforces API {method} ({', '.join(f'{k}={v}' for k, v in key.items())}) is not cached "
                f"in the store ({self.store.api_path(method, key)}): run once without --offline"
            )
        if self._api is None:
            raise OfflineError(f"no Codeforces API client to call {method} with")
        try:
            result = await self._api.call(method, **params)
        except ApiError:
            raise  # the API answered: its own comment says what is wrong
        except NetworkError as e:
            if hit is not None:
                age = _age(self._clock() - hit.saved_at)
                raise NetworkError(f"{e}; the store has an answer saved {age} ago: --offline uses it") from None
            raise NetworkError(
                f"{e}; nothing is cached for it in the store ({self.store.api_path(method, key)}), so --offline "
                "cannot stand in"
            ) from None
        self.store.api_put(method, key, result, api_ttl(method, result))
        return result


def _age(seconds: float) -> str:
    for unit, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
        if seconds >= 2 * size:
            return f"{seconds / size:.0f} {unit}"
    return f"{max(seconds, 0):.0f} seconds"


def _wants_facts(problem: Problem) -> bool:
    return problem.id.kind is ContestKind.CONTEST and problem.rating is None and not problem.tags


def _facts_of(problems: Any, contest_id: int) -> Facts:
    """Index -> (rating, tags) from an API ``problems`` list (standings or problemset)."""
    facts: Facts = {}
    for d in problems or ():
        if int(d.get("contestId", contest_id)) == contest_id and "index" in d:
            cp = cf_api.contest_problem_from_json(d)
            facts[str(d["index"])] = (cp.rating, cp.tags)
    return facts


# --- the cache's keys and lifetimes: one place for answers fetched here and answers `import` reads ----------

ApiKey = tuple[str, dict[str, ParamValue]]  # (method, parameters as the call passes them)


def contest_info_key(contest_id: int) -> ApiKey:
    """One row of the standings: the contest, its problems and their points, cheaply."""
    return "contest.standings", {"contestId": contest_id, "from": 1, "count": 1}


def standings_key(contest_id: int, show_unofficial: bool = False) -> ApiKey:
    return "contest.standings", {"contestId": contest_id, "showUnofficial": show_unofficial}


def rating_changes_key(contest_id: int) -> ApiKey:
    return "contest.ratingChanges", {"contestId": contest_id}


def contest_list_key(gym: bool = False) -> ApiKey:
    return "contest.list", {"gym": gym}


def user_rating_key(handle: str) -> ApiKey:
    return "user.rating", {"handle": handle}


def problemset_key() -> ApiKey:
    return "problemset.problems", {}


def api_ttl(method: str, result: Any) -> float | None:
    """How long a cached answer of ``method`` counts as fresh; None: for ever."""
    if method == "contest.standings":
        phase = result.get("contest", {}).get("phase") if isinstance(result, dict) else None
        return None if phase == "FINISHED" else RUNNING_CONTEST_TTL_S
    if method == "contest.ratingChanges":
        return None if result else EMPTY_RATING_CHANGES_TTL_S  # rating changes appear hours after the end
    if method == "contest.list":
        return CONTEST_LIST_TTL_S
    if method == "problemset.problems":
        return PROBLEMSET_TTL_S
    return USER_TTL_S


@asynccontextmanager
async def open_source(
    config: Config,
    *,
    limiter: RateLimiter | None = None,
    policy: RetryPolicy = DEFAULT_POLICY,
    clock: Callable[[], float] = time.time,
) -> AsyncIterator[CodeforcesSource]:
    """A CodeforcesSource for this configuration (its problems from ``config.source``), with its own HTTP
    session for the duration."""
    store = ProblemStore(config.store, clock=clock)
    async with new_session() as session:
        pages = PageFetcher(session, config.base_urls, policy=policy)
        yield CodeforcesSource(
            store,
            pages,
            CodeforcesApi(session, config.api_url, limiter=limiter, policy=policy),
            offline=config.offline,
            refresh=config.refresh,
            clock=clock,
            problems=build_problem_source(config.source, pages=pages),
        )


async def fetch_problem(pid: ProblemId, config: Config) -> Problem:
    """One problem for this configuration: from the store, else fetched (the one-call convenience)."""
    async with open_source(config) as source:
        return await source.problem(pid)
