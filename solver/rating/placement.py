"""Placement in real standings: points and penalty under a contest's rules, and the rank they earn.

Codeforces rules (``ContestType.CF``): an accepted problem is worth
``max(0.3 * x, x - x * minute / (250 * duration / 120) - 50 * rejected)`` for maximum points ``x``: a
problem loses x/250 per minute in a two-hour round, the loss scaled with the round's length (x/375 in a
three-hour round, codeforces.com/blog/entry/81719), 50 per rejected attempt, never below 30%. Penalty is
not used (the API reports 0).

ICPC rules (``ContestType.ICPC``: Educational, Div. 3, Div. 4): points are the number of solved problems;
penalty is the sum over solved problems of the acceptance minute plus 10 per rejected attempt before it.

Both are ordered the same way: points descending, then penalty ascending. Which attempts count as
rejected (Codeforces ignores compilation errors and failures on test 1) is the caller's decision.
The minute of a submission comes from a ``TimeModel``.

``place_result`` is the one placement of a new result (the bot in contest mode, either side of a
virtual contest) in real standings and in the real rated field, with its exact performance.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from solver.errors import UsageError
from solver.problem import ContestType
from solver.rating.codeforces import Contestant, internal_rating
from solver.rating.performance import performance_of

CF_DECAY_MINUTES_PER_TWO_HOURS = 250  # a problem loses max/250 per minute in a 120-minute round
CF_MIN_FRACTION = 0.3
CF_REJECT_COST = 50
ICPC_REJECT_MINUTES = 10
POINTS_EPS = 1e-9  # standings points are decimals (e.g. 1249.5); equal within this is a tie


@dataclass(frozen=True)
class TimeModel:
    """The minute a submission is credited with: ``elapsed`` (real), ``zero`` (CodeElo), or a fixed one."""

    kind: Literal["elapsed", "zero", "fixed"] = "elapsed"
    fixed_minute: int = 0

    @staticmethod
    def parse(text: str) -> TimeModel:
        """A ``--time-model`` value, or what ``str()`` gives back (as stored in a run: "fixed minute 30")."""
        t = text.strip().lower().removeprefix("fixed minute ").strip()
        if t == "elapsed":
            return TimeModel("elapsed")
        if t == "zero":
            return TimeModel("zero")
        if t.isdigit():
            return TimeModel("fixed", int(t))
        raise UsageError(f"time model {text!r}: use elapsed, zero, or a minute such as 30")

    def minute(self, elapsed_s: float) -> int:
        if self.kind == "zero":
            return 0
        if self.kind == "fixed":
            return self.fixed_minute
        return int(elapsed_s // 60)

    def counts(self, elapsed_s: float, duration_s: int) -> bool:
        """Whether a submission made ``elapsed_s`` after the start is inside the contest under this model."""
        return self.kind != "elapsed" or elapsed_s < duration_s

    def __str__(self) -> str:
        return f"fixed minute {self.fixed_minute}" if self.kind == "fixed" else self.kind


@dataclass(frozen=True)
class Attempt:
    """One submission on one problem: when (seconds since the start), and whether it was accepted."""

    problem: str
    elapsed_s: float
    accepted: bool


@dataclass(frozen=True)
class ProblemScore:
    problem: str
    solved: bool
    minute: int | None  # minute of the accepted attempt
    rejected: int  # rejected attempts before acceptance (or all, if never accepted)
    points: float  # CF: the points earned; ICPC: 1 if solved
    penalty: int  # ICPC: minute + 10 per rejection if solved; CF: 0


@dataclass(frozen=True)
class Score:
    points: float
    penalty: int
    problems: tuple[ProblemScore, ...]

    @property
    def solved(self) -> int:
        return sum(1 for p in self.problems if p.solved)


@dataclass(frozen=True)
class Place:
    """Where a (points, penalty) result falls among real rows; ties share a place."""

    best: int  # the place shown in standings: 1 + rows strictly better
    worst: int  # the place the rating algorithm uses: rows better or equal, plus this one
    field_size: int  # rows + this one


def cf_problem_points(max_points: float, minute: int, rejected: int, duration_s: int = 7200) -> float:
    """Points for a problem accepted at ``minute`` after ``rejected`` rejected attempts (CF rules)."""
    if max_points <= 0 or minute < 0 or rejected < 0 or duration_s <= 0:
        raise ValueError("points, minute, rejected attempts and duration must be positive")
    decay_minutes = CF_DECAY_MINUTES_PER_TWO_HOURS * (duration_s / 60) / 120
    raw = max_points - max_points * minute / decay_minutes - CF_REJECT_COST * rejected
    return max(CF_MIN_FRACTION * max_points, raw)


def score(
    rules: ContestType,
    attempts: Iterable[Attempt],
    duration_s: int,
    time_model: TimeModel,
    max_points: Mapping[str, float] | None = None,
) -> Score:
    """Points and penalty of a run's attempts; attempts after a problem's acceptance are ignored."""
    if rules is ContestType.IOI:
        raise ValueError("IOI-rules contests are not rated and have no placement here")
    by_problem: dict[str, list[Attempt]] = {}
    for a in sorted(attempts, key=lambda a: a.elapsed_s):
        if time_model.counts(a.elapsed_s, duration_s):
            by_problem.setdefault(a.problem, []).append(a)
    results: list[ProblemScore] = []
    for problem in sorted(by_problem):
        rejected = 0
        accepted_at: float | None = None
        for a in by_problem[problem]:
            if a.accepted:
                accepted_at = a.elapsed_s
                break
            rejected += 1
        if accepted_at is None:
            results.append(ProblemScore(problem, False, None, rejected, 0.0, 0))
            continue
        minute = time_model.minute(accepted_at)
        if rules is ContestType.CF:
            if max_points is None or problem not in max_points:
                raise ValueError(f"problem {problem}: Codeforces rules need its maximum points")
            pts = cf_problem_points(max_points[problem], minute, rejected, duration_s)
            results.append(ProblemScore(problem, True, minute, rejected, pts, 0))
        else:
            results.append(
                ProblemScore(problem, True, minute, rejected, 1.0, minute + ICPC_REJECT_MINUTES * rejected)
            )
    return Score(
        points=sum(p.points for p in results),
        penalty=sum(p.penalty for p in results),
        problems=tuple(results),
    )


def compare(points_a: float, penalty_a: int, points_b: float, penalty_b: int) -> int:
    """-1 if a ranks above b, 1 if below, 0 for a tie."""
    if abs(points_a - points_b) > POINTS_EPS:
        return -1 if points_a > points_b else 1
    if penalty_a != penalty_b:
        return -1 if penalty_a < penalty_b else 1
    return 0


def place(points: float, penalty: int, rows: Sequence[tuple[float, int]]) -> Place:
    """The place a (points, penalty) result would have had among real standings rows (points, penalty)."""
    better = equal = 0
    for p, pen in rows:
        c = compare(p, pen, points, penalty)
        if c < 0:
            better += 1
        elif c == 0:
            equal += 1
    return Place(best=better + 1, worst=better + equal + 1, field_size=len(rows) + 1)


def standing_places(rows: Sequence[tuple[float, int]]) -> list[Place]:
    """The place of every row among the others (as ``place`` would give it), for checking real standings."""
    order = sorted(range(len(rows)), key=lambda i: (-rows[i][0], rows[i][1]))
    out: list[Place | None] = [None] * len(rows)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and compare(*rows[order[j + 1]], *rows[order[i]]) == 0:
            j += 1
        for k in range(i, j + 1):
            out[order[k]] = Place(best=i + 1, worst=j + 1, field_size=len(rows))
        i = j + 1
    return [p for p in out if p is not None]


# --- a new result in real standings and the real rated field ---------------------------------------------

PLACED = "\u0000placed"  # the placed result's handle in the rated field: no Codeforces handle has a NUL
PLACED_RATING = 1500  # its old rating: the performance search replaces it, so any valid one does


@dataclass(frozen=True)
class Placed:
    """A result's place among the official rows and its exact performance in the rated field."""

    place: Place
    performance: float | None  # None without rated participants; inf for first place


def rated_contestant(handle: str, rank: int, displayed_old: int, contest_id: int | None) -> Contestant:
    """A rated participant as ``place_result`` takes it: the standings rank Codeforces rated it at (ties
    share the best place of their group, as ``contest.ratingChanges`` shows), and the rating the
    algorithm used (a displayed 0 in a post-2020 contest is a new account at 1400)."""
    return Contestant(handle, internal_rating(displayed_old, contest_id), rank=rank)


def place_result(
    points: float, penalty: int, official: Sequence[tuple[float, int]], rated: Sequence[Contestant]
) -> Placed:
    """Place (points, penalty) among the official rows and, given rated participants, compute its performance.

    The rated participants keep their ranks; the result goes strictly between two ranks, or, when it ties
    an official row, into that row's group, which then shares the group's worst place. Its key among the
    ranks is its own group's rank when tied, else half a place above the next row's rank: it never ties
    the row after it (a virtual contest did, and was rated one place too low).
    """
    where = place(points, penalty, official)
    if not rated:
        return Placed(where, None)
    if any(c.rank is None for c in rated):
        raise ValueError("every rated participant needs its standings rank")
    key = float(where.best) if where.worst > where.best else where.best - 0.5
    # Ranks as points (negated: a better rank is more points), so a half-place key is possible.
    rows = [Contestant(c.handle, c.rating, points=-float(c.rank or 0)) for c in rated]
    rows.append(Contestant(PLACED, PLACED_RATING, points=-key))
    return Placed(where, performance_of(rows, PLACED))
