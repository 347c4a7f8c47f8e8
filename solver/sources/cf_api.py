"""Codeforces API client (aiohttp) and the typed values it returns.

Codeforces publishes one limit: at most one call every 2 seconds. Every call in this process goes through
one shared RateLimiter (``default_limiter()``), retries included. Failures that pass (HTTP 5xx and 429,
network errors, timeouts, ``"Call limit exceeded"``) are retried with exponential backoff; an answer with
``status: FAILED`` otherwise becomes ApiError carrying the API's own comment.

The converters (``standings_from_json`` and friends) are pure, so cached JSON can be typed the same way.
"""

from __future__ import annotations

import asyncio
import json
import math
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import aiohttp

from solver.divisions import classify_division
from solver.errors import ApiError, NetworkError
from solver.problem import Contest, ContestProblem, ContestType
from solver.retry import Kind, kind_of_exception, kind_of_status
from solver.sources.http import DEFAULT_POLICY, RetryPolicy, no_silent_retries

API_INTERVAL_S = 2.0  # the API's published limit: one call per 2 seconds

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class RateLimiter:
    """One API call at a time, each starting at least ``interval_s`` after the previous one *ended*.

    Spacing from the end (the answer received, or the failure) rather than from the start makes the
    guarantee hold where Codeforces counts, on the server: the previous request had arrived there before
    its answer left, so the next one cannot arrive within ``interval_s`` of it, whatever the network
    jitter. Thread-safe and event-loop agnostic (a plain lock guards only the bookkeeping and is never
    held across an await), so one instance serves the whole process, even across ``asyncio.run`` calls.
    """

    def __init__(self, interval_s: float, *, clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep):
        self.interval_s = interval_s
        self._clock = clock
        self._sleep = sleep
        self._next = -math.inf  # earliest start of the next call
        self._busy = False  # a call is under way
        self._lock = threading.Lock()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold the API for one request: ``async with limiter.slot(): await session.get(...)``."""
        while True:
            with self._lock:
                now = self._clock()
                if not self._busy and now >= self._next:
                    self._busy = True
                    break
                # Waiting for a call under way: look again shortly (API calls are seconds apart anyway).
                wait = self._next - now if not self._busy else min(0.01, max(self.interval_s, 0.001))
            await self._sleep(max(wait, 0.0))
        try:
            yield
        finally:
            with self._lock:
                self._busy = False
                self._next = self._clock() + self.interval_s


_DEFAULT_LIMITER = RateLimiter(API_INTERVAL_S)


def default_limiter() -> RateLimiter:
    """The one process-wide limiter every API client uses unless a test injects its own."""
    return _DEFAULT_LIMITER


# --- typed values --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StandingsCell:
    """One standings row's result on one problem (the API's ``ProblemResult``): points, rejected tries.

    Not to be confused with solver.solve.work.ProblemResult, the outcome of our own solve of a problem."""

    points: float
    rejected_attempts: int
    type: str  # PRELIMINARY or FINAL
    best_submission_time_s: int | None = None
    penalty: int = 0


@dataclass(frozen=True)
class StandingsRow:
    rank: int
    handles: tuple[str, ...]
    participant_type: str  # CONTESTANT, PRACTICE, VIRTUAL, MANAGER, OUT_OF_COMPETITION
    points: float
    penalty: int
    successful_hacks: int
    unsuccessful_hacks: int
    problem_results: tuple[StandingsCell, ...]  # one per problem, in contest order
    team_name: str | None = None
    ghost: bool = False
    last_submission_time_s: int | None = None


@dataclass(frozen=True)
class Standings:
    contest: Contest
    problems: tuple[ContestProblem, ...]
    rows: tuple[StandingsRow, ...]


@dataclass(frozen=True)
class RatingChange:
    contest_id: int
    contest_name: str
    handle: str
    rank: int
    old_rating: int
    new_rating: int
    update_time_s: int

    @property
    def delta(self) -> int:
        return self.new_rating - self.old_rating


def contest_from_json(d: Mapping[str, Any], problems: Iterable[ContestProblem] = ()) -> Contest:
    try:
        ctype = ContestType(str(d.get("type", "CF")))
    except ValueError:
        ctype = ContestType.CF
    start = d.get("startTimeSeconds")
    return Contest(
        id=int(d["id"]),
        name=str(d.get("name", "")),
        type=ctype,
        division=classify_division(str(d.get("name", ""))),
        start_time=int(start) if start is not None else None,
        duration_s=int(d.get("durationSeconds", 0)),
        problems=tuple(problems),
        phase=str(d.get("phase", "FINISHED")),
    )


def contest_problem_from_json(d: Mapping[str, Any]) -> ContestProblem:
    points = d.get("points")
    rating = d.get("rating")
    return ContestProblem(
        index=str(d["index"]),
        name=str(d.get("name", "")),
        points=float(points) if points is not None else None,
        rating=int(rating) if rating is not None else None,
        tags=tuple(str(t) for t in d.get("tags", ())),
    )


def _opt_int(value: Any) -> int | None:
    return int(value) if value is not None else None


def _row_from_json(d: Mapping[str, Any]) -> StandingsRow:
    party = d.get("party", {})
    results = tuple(
        StandingsCell(
            points=float(r.get("points", 0.0)),
            rejected_attempts=int(r.get("rejectedAttemptCount", 0)),
            type=str(r.get("type", "FINAL")),
            best_submission_time_s=_opt_int(r.get("bestSubmissionTimeSeconds")),
            penalty=int(r.get("penalty", 0)),
        )
        for r in d.get("problemResults", ())
    )
    last = d.get("lastSubmissionTimeSeconds")
    return StandingsRow(
        rank=int(d.get("rank", 0)),
        handles=tuple(str(m.get("handle", "")) for m in party.get("members", ())),
        participant_type=str(party.get("participantType", "")),
        points=float(d.get("points", 0.0)),
        penalty=int(d.get("penalty", 0)),
        successful_hacks=int(d.get("successfulHackCount", 0)),
        unsuccessful_hacks=int(d.get("unsuccessfulHackCount", 0)),
        problem_results=results,
        team_name=party.get("teamName"),
        ghost=bool(party.get("ghost", False)),
        last_submission_time_s=int(last) if last is not None else None,
    )


def standings_from_json(d: Mapping[str, Any]) -> Standings:
    """Type a ``contest.standings`` result."""
    problems = tuple(contest_problem_from_json(p) for p in d.get("problems", ()))
    return Standings(
        contest=contest_from_json(d["contest"], problems),
        problems=problems,
        rows=tuple(_row_from_json(r) for r in d.get("rows", ())),
    )


def rating_changes_from_json(items: Iterable[Mapping[str, Any]]) -> list[RatingChange]:
    """Type a ``contest.ratingChanges`` or ``user.rating`` result."""
    return [
        RatingChange(
            contest_id=int(r["contestId"]),
            contest_name=str(r.get("contestName", "")),
            handle=str(r["handle"]),
            rank=int(r.get("rank", 0)),
            old_rating=int(r["oldRating"]),
            new_rating=int(r["newRating"]),
            update_time_s=int(r.get("ratingUpdateTimeSeconds", 0)),
        )
        for r in items
    ]


# --- the client ----------------------------------------------------------------------------------------

ParamValue = str | int | float | bool | Iterable[str] | None


def format_params(params: Mapping[str, ParamValue]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            out[key] = str(value)
        else:
            out[key] = ";".join(value)
    return out


class CodeforcesApi:
    """Calls ``{api_url}/{method}``; one instance per session. Rate-limited, retried, typed."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        api_url: str,
        *,
        limiter: RateLimiter | None = None,
        policy: RetryPolicy = DEFAULT_POLICY,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._session = no_silent_retries(session)
        self._api_url = api_url.rstrip("/")
        self._limiter = limiter or default_limiter()
        self._policy = policy
        self._sleep = sleep

    async def call(self, method: str, **params: ParamValue) -> Any:
        """One API method; returns the parsed ``result`` field."""
        query = format_params(params)
        url = f"{self._api_url}/{method}"
        problem = "no attempt made"
        answered = False  # did the server answer at all (busy, down) or was it never reached?
        for attempt in range(1, self._policy.attempts + 1):
            if attempt > 1:
                await self._sleep(self._policy.delay(attempt - 1))
            try:
                async with (
                    self._limiter.slot(),
                    self._session.get(
                        url, params=query, timeout=aiohttp.ClientTimeout(total=self._policy.timeout_s)
                    ) as resp,
                ):
                    status = resp.status
                    body = await resp.read()
            except (aiohttp.ClientError, TimeoutError) as e:
                problem = f"network error ({type(e).__name__}: {e})" if str(e) else type(e).__name__
                answered = False
                if self._policy.may_retry(kind_of_exception(e), attempt):
                    continue
                break
            answered = True
            try:
                data = json.loads(body)
            except ValueError:
                data = None
            if not isinstance(data, dict) or "status" not in data:
                problem = f"HTTP {status} with a body that is not an API answer"
                if kind_of_status(status) is Kind.TRANSIENT:
                    continue
                raise NetworkError(f"Codeforces API {method} answered HTTP {status} without a JSON result")
            if data["status"] == "OK":
                return data.get("result")
            comment = str(data.get("comment") or f"HTTP {status}")
            if "call limit exceeded" in comment.lower() or kind_of_status(status) is Kind.TRANSIENT:
                problem = comment
                continue
            raise ApiError(method, comment)
        tries = f"{attempt} time{'' if attempt == 1 else 's'} (last: {problem})"
        if answered:  # the API is there but busy or failing: waiting is the way out
            raise NetworkError(
                f"Codeforces API {method} at {url} failed {tries}: Codeforces is busy or down, try again "
                "in a few minutes"
            )
        raise NetworkError(
            f"could not reach the Codeforces API: {method} at {url} failed {tries}: check the network, or give "
            "another address with --api-url"
        )

    async def contest_list(self, *, gym: bool = False) -> list[Contest]:
        return [contest_from_json(c) for c in await self.call("contest.list", gym=gym)]

    async def contest_standings(
        self,
        contest_id: int,
        *,
        from_: int = 1,
        count: int | None = None,
        handles: Iterable[str] = (),
        show_unofficial: bool = False,
    ) -> Standings:
        handles = list(handles)
        result = await self.call(
            "contest.standings",
            contestId=contest_id,
            **{"from": from_},
            count=count,
            handles=handles or None,
            showUnofficial=show_unofficial,
        )
        return standings_from_json(result)

    async def contest_rating_changes(self, contest_id: int) -> list[RatingChange]:
        return rating_changes_from_json(await self.call("contest.ratingChanges", contestId=contest_id))

    async def problemset_problems(self, tags: Iterable[str] = ()) -> dict[str, Any]:
        """Plain JSON: ``{"problems": [...], "problemStatistics": [...]}``."""
        tags = list(tags)
        result: dict[str, Any] = await self.call("problemset.problems", tags=tags or None)
        return result

    async def user_info(self, handles: Iterable[str]) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self.call("user.info", handles=list(handles))
        return result

    async def user_rating(self, handle: str) -> list[RatingChange]:
        return rating_changes_from_json(await self.call("user.rating", handle=handle))

    async def user_status(
        self, handle: str, *, from_: int = 1, count: int | None = None
    ) -> list[dict[str, Any]]:
        """Plain JSON submissions, newest first."""
        result: list[dict[str, Any]] = await self.call(
            "user.status", handle=handle, **{"from": from_}, count=count
        )
        return result
