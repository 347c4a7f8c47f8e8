"""Both sides of a virtual contest placed in the contest's real standings, with their performance ratings.

Pure over the standings and rating changes (``solver.sources``) using the rating engine: points and penalty
under the contest's rules, then the place and the exact performance rating by the one placement contest
mode uses too (``solver.rating.placement.place_result``). Each side is placed alone: you and the bot do
not push each other down.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from solver.practice.model import BoardCell, SideRating, VcRatings, VirtualContest
from solver.problem import ContestType
from solver.rating.placement import Attempt, TimeModel, place_result, rated_contestant, score
from solver.sources.cf_api import RatingChange, Standings


def attempts_of(scores: Sequence[tuple[str, BoardCell]]) -> list[Attempt]:
    out = []
    for index, sc in scores:
        at = sc.solved_at_s if sc.solved_at_s is not None else 0.0
        out += [Attempt(index, max(0.0, at - 1e-3), False) for _ in range(sc.attempts)]
        if sc.solved_at_s is not None:
            out.append(Attempt(index, sc.solved_at_s, True))
    return out


def rate(
    vc: VirtualContest, standings: Standings | None, changes: Sequence[RatingChange], note: str = ""
) -> VcRatings:
    contest = vc.contest
    cid = contest.id
    problems = standings.problems if standings is not None else contest.problems
    max_points = {p.index: float(p.points) for p in problems if p.points}
    rules = standings.contest.type if standings is not None else contest.type
    duration = standings.contest.duration_s if standings is not None else contest.duration_s
    notes = [note] if note else []
    if rules is ContestType.CF and len(max_points) < len(vc.problems):
        notes.append("the problems' points are unknown: scored by ICPC rules (solved, then penalty)")
        rules = ContestType.ICPC
    official = [
        (r.points, r.penalty)
        for r in (standings.rows if standings else ())
        if r.participant_type == "CONTESTANT"
    ]
    field = [rated_contestant(c.handle, c.rank, c.old_rating, cid) for c in changes]
    if standings is not None and not field:
        notes.append(f"contest {cid} has no rating changes (unrated): no performance rating")
    sides = []
    for who, scores in (("you", vc.user), ("bot", vc.bot)):
        s = score(rules, attempts_of(scores), duration, TimeModel("elapsed"), max_points)
        rank: float | None = None
        perf: int | None = None
        side_note = ""
        if official:
            # The same placement as contest mode: the standings rank, the performance in the rated field.
            placed = place_result(s.points, s.penalty, official, field)
            rank = float(placed.place.best)
            if placed.performance is not None and math.isinf(placed.performance):
                side_note = f"{who}: first place, the performance is unbounded"
            elif placed.performance is not None:
                perf = int(placed.performance)
        sides.append(SideRating(who, s.points, s.penalty, s.solved, rank, perf, side_note))
    if vc.duration_s < duration:
        notes.append(f"played {vc.duration_s / 60:g} of the contest's {duration / 60:g} minutes")
    return VcRatings(cid, tuple(sides), "; ".join(notes))
