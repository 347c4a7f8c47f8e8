"""Performance rating: the old rating at which a participant's rating change would have been zero.

Definition (carrot's reference values, ``tests/perf-util.ts``): the result of a binary search over the
integer ratings [-500, 6000) for the first assumed rating at which the participant's *final* delta,
recomputed over the whole contest with only that participant's old rating replaced, is <= 0; the winner
(rank 1) has an infinite performance, since rank 1 always gains.

Replacing one rating moves everyone's seed and so both sum adjustments; only the adjustment differs
from the participant's own unadjusted delta, which does not depend on the others' deltas. Two ways:

- ``fast``: the adjustment held at the contest's real one (carrot's in-browser ``calcPerfs``). One
  vectorised binary search for all participants: a 15,000-participant contest takes milliseconds.
  It is at most a few points above the exact value (carrot measured 0..4).
- ``exact``: the reference definition. For one participant (the bot placed in real standings) it is a
  dozen full recomputations: about 25 ms in a 15,000-participant contest. For every participant, the
  probes whose fixed-adjustment answer is more than ``guard`` away from the decision are decided without
  recomputation (the adjustment would have to move by more than ``guard``; the largest move seen is
  reported); the others are recomputed in full: 1.5 s for 1,250 participants, about 50 s for 15,000.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from solver.rating.codeforces import (
    MAX_RATING,
    MIN_RATING,
    Contestant,
    Field,
    IntArray,
    adjustment,
    raw_deltas_at,
)

INFINITE = math.inf
DEFAULT_GUARD = 6  # largest adjustment shift assumed when deciding a probe without recomputing


@dataclass(frozen=True)
class PerformanceStats:
    """How an all-participants exact run went: recomputations done and the largest shift they saw."""

    recomputed: int
    max_adjustment_shift: int


def _fast(f: Field, inc: int) -> IntArray:
    lo = np.full(f.n, MIN_RATING, dtype=np.int64)
    hi = np.full(f.n, MAX_RATING, dtype=np.int64)
    while True:
        act = np.flatnonzero(lo < hi)
        if act.size == 0:
            break
        mid = (lo[act] + hi[act]) // 2
        d = raw_deltas_at(f.table, f.ratings[act], mid, f.ranks[act]) + inc
        ok = d <= 0
        hi[act[ok]] = mid[ok]
        lo[act[~ok]] = mid[~ok] + 1
    return lo


def _exact_all(f: Field, inc: int, guard: int | None) -> tuple[IntArray, PerformanceStats]:
    lo = np.full(f.n, MIN_RATING, dtype=np.int64)
    hi = np.full(f.n, MAX_RATING, dtype=np.int64)
    recomputed = 0
    shift = 0
    while True:
        act = np.flatnonzero(lo < hi)
        if act.size == 0:
            break
        mid = (lo[act] + hi[act]) // 2
        own = raw_deltas_at(f.table, f.ratings[act], mid, f.ranks[act])
        approx = own + inc
        ok = approx <= 0
        unsure = np.ones(act.size, dtype=bool) if guard is None else np.abs(approx) <= guard
        for j in np.flatnonzero(unsure):
            exact = f.delta_if_rated(int(act[j]), int(mid[j]))
            recomputed += 1
            shift = max(shift, abs(exact - int(own[j]) - inc))
            ok[j] = exact <= 0
        hi[act[ok]] = mid[ok]
        lo[act[~ok]] = mid[~ok] + 1
    return lo, PerformanceStats(recomputed, shift)


def _as_dict(f: Field, perf: IntArray) -> dict[str, float]:
    return {
        h: INFINITE if rank == 1 else float(p) for h, p, rank in zip(f.handles, perf, f.ranks, strict=True)
    }


def performances(
    rows: Sequence[Contestant], exact: bool = False, guard: int | None = DEFAULT_GUARD
) -> dict[str, float]:
    """Performance of every participant (``inf`` for rank 1). ``exact`` follows the reference definition."""
    return performances_with_stats(rows, exact=exact, guard=guard)[0]


def performances_with_stats(
    rows: Sequence[Contestant], exact: bool = False, guard: int | None = DEFAULT_GUARD
) -> tuple[dict[str, float], PerformanceStats | None]:
    f = Field(rows)
    inc = adjustment(f.raw_deltas(), f.top_order)
    if not exact:
        return _as_dict(f, _fast(f, inc)), None
    perf, stats = _exact_all(f, inc, guard)
    return _as_dict(f, perf), stats


def performance_of(rows: Sequence[Contestant], handle: str) -> float:
    """The exact performance of one participant: every probe of the search is a full recomputation."""
    f = Field(rows)
    try:
        index = f.handles.index(handle)
    except ValueError:
        raise KeyError(f"{handle!r} is not among the contestants") from None
    if f.ranks[index] == 1:
        return INFINITE
    lo, hi = MIN_RATING, MAX_RATING
    while lo < hi:
        mid = (lo + hi) // 2
        if f.delta_if_rated(index, mid) <= 0:
            hi = mid
        else:
            lo = mid + 1
    return float(lo)
