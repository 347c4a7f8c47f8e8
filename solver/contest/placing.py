"""The bot in the real final standings: its score, its place, and the performance rating that place is worth.

Pure: the bot's outcomes and the contest's official rows and rated participants in, a Placement out. The
arithmetic is the rating package's (``solver.rating.placement`` for points and places,
``solver.rating.performance`` for the exact performance); this module only joins the pieces:

- which submissions count: accepted ones, and rejected ones that Codeforces penalises (not a compilation
  error, not a failure on test 1) — ``Submission.penalised``;
- the rated field with the bot in it: ``solver.rating.placement.place_result``, the one placement that
  the virtual contest (``solver.practice.vc``) uses too, among the opponents' internal ratings
  (``solver.rating.opponents``: since 2020 the API shows displayed ones).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from solver.contest.outcome import Placement, ProblemOutcome
from solver.problem import ContestType
from solver.rating.opponents import OpponentField, RatedRow, opponent_field
from solver.rating.placement import Attempt, Score, TimeModel, place_result, score


@dataclass(frozen=True)
class OfficialRow:
    rank: int  # as the standings show it (ties share the best place of their group)
    points: float
    penalty: int


@dataclass(frozen=True)
class Rated:
    handle: str
    rank: int  # the rank Codeforces rated this participant at (its standings rank)
    old_rating: int  # as the API shows it (the displayed rating since 2020)
    new_rating: int | None = None  # displayed, after the contest: its change tells a new account's history


def bot_score(
    problems: Sequence[ProblemOutcome],
    rules: ContestType,
    duration_s: int,
    time_model: TimeModel,
    *,
    verified_only: bool = False,
) -> Score:
    """The bot's points and penalty; ``verified_only`` drops acceptances resting on local tests alone."""
    attempts: list[Attempt] = []
    points: dict[str, float] = {}
    for p in problems:
        if p.max_points is not None:
            points[p.index] = p.max_points
        elif rules is ContestType.CF:
            points[p.index] = 0.0
        for s in p.submissions:
            if s.accepted and verified_only and s.judged != "pack":
                continue
            if s.accepted or s.penalised:
                attempts.append(Attempt(p.index, s.at_s, s.accepted))
    missing = [
        i for i, v in points.items() if v <= 0 and any(a.problem == i and a.accepted for a in attempts)
    ]
    if missing:
        raise ValueError(f"problems {', '.join(missing)} have no maximum points under Codeforces rules")
    return score(rules, attempts, duration_s, time_model, points)


def place_bot(
    contest_id: int,
    result: Score,
    official: Sequence[OfficialRow],
    rated: Sequence[Rated],
) -> Placement:
    """The bot's place among the official rows and, when there are rated participants, its performance."""
    field = opponents(contest_id, tuple(rated))
    placed = place_result(
        result.points, result.penalty, [(r.points, r.penalty) for r in official], field.contestants
    )
    return Placement(
        points=result.points,
        penalty=result.penalty,
        rank=placed.place.best,
        rank_worst=placed.place.worst,
        participants=len(official),
        performance=placed.performance,
        rated_participants=len(rated),
        new_account_correction=field.corrected,
        opponent_note=field.note(),
    )


@lru_cache(maxsize=4)
def opponents(contest_id: int, rated: tuple[Rated, ...]) -> OpponentField:
    """The rated field at internal ratings; cached, since a contest is placed twice (all and verified)."""
    return opponent_field([RatedRow(r.handle, r.rank, r.old_rating, r.new_rating) for r in rated], contest_id)


def problem_scores(result: Score, problems: Sequence[ProblemOutcome], rules: ContestType) -> dict[str, str]:
    """What the table shows per problem: points earned (CF) or the penalty minutes it added (ICPC)."""
    by = {p.problem: p for p in result.problems}
    out: dict[str, str] = {}
    for p in problems:
        s = by.get(p.index)
        if s is None or not s.solved:
            out[p.index] = "0" if rules is ContestType.CF else "—"
        elif rules is ContestType.CF:
            out[p.index] = f"{s.points:g}"
        else:
            out[p.index] = str(s.penalty)
    return out
