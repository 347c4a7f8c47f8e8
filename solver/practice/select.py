"""Choosing a problem to practise (pure): near the user's rating, not yet solved, by tag or contest."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

from solver.errors import NotFoundError
from solver.practice.model import Criteria
from solver.problem import ProblemId


@dataclass(frozen=True)
class Candidate:
    id: ProblemId
    name: str
    rating: int | None
    tags: tuple[str, ...] = ()


def rating_window(c: Criteria) -> tuple[int, int] | None:
    if c.rating is None:
        return None
    return c.rating - c.below, c.rating + c.above


def eligible(
    candidates: Iterable[Candidate],
    c: Criteria,
    solved: frozenset[ProblemId],
    exclude: Iterable[ProblemId] = (),
) -> list[Candidate]:
    """Every candidate that fits the criteria, in a stable order."""
    window = rating_window(c)
    skip = set(solved) | set(exclude)
    wanted = {t.lower() for t in c.tags}
    out = []
    for cand in candidates:
        if cand.id in skip:
            continue
        if c.contest is not None and cand.id.contest_id != c.contest:
            continue
        if window is not None and (cand.rating is None or not window[0] <= cand.rating <= window[1]):
            continue
        if wanted and not wanted <= {t.lower() for t in cand.tags}:
            continue
        out.append(cand)
    return sorted(out, key=lambda x: (x.id.contest_id, x.id.index))


def choose(pool: list[Candidate], c: Criteria) -> Candidate:
    """One of the ``eligible`` problems, chosen by the seed (the same seed and pool give the same problem)."""
    if not pool:
        raise NotFoundError(
            f"no unsolved problem fits {describe(c)}; widen the window, drop a tag, or `open ID`"
        )
    return random.Random(c.seed).choice(pool)


def describe(c: Criteria) -> str:
    parts = []
    window = rating_window(c)
    if window is not None:
        parts.append(f"rating {window[0]}..{window[1]}")
    if c.tags:
        parts.append("tags " + ", ".join(c.tags))
    if c.contest is not None:
        parts.append(f"contest {c.contest}")
    return " and ".join(parts) or "the criteria"
