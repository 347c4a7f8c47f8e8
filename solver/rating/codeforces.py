"""Codeforces' rating algorithm, exactly as Codeforces runs it.

Mike Mirzayanov's open rating system (blog entry 20762, reference code in submission 13861109), in the
form carrot (github.com/meooow25/carrot, ``src/background/predict.js``) and TLE use and validate against
real rating changes:

1. ranks: participants ordered by points (desc) then penalty (asc), or by a given standings rank; a tie
   group shares the *worst* place of the group;
2. seed: 1 + the sum of Elo win probabilities of every other participant against this one
   (P(a beats b) = 1 / (1 + 10^((r_b - r_a) / 400)));
3. the geometric mean of seed and rank, ``sqrt(rank * seed)``, and a binary search over integer ratings
   in [1, 6000) for the last rating whose seed (this participant left out) is still >= that mean;
4. delta = trunc((need - rating) / 2);
5. two adjustments, integer-truncated as Java's ``/`` does: all deltas += trunc(-sum / n) - 1, then all
   deltas += min(max(trunc(-sum_top / k), -10), 0) where the top k = min(4 * round(sqrt(n)), n)
   participants by old rating (ties in the standings order) are summed.

The seed function is evaluated on every integer rating in [-500, 6000) at once by one FFT convolution of
the rating histogram with the Elo kernel (carrot's trick), so a contest of 15,000 costs milliseconds.

Since 2020 (contest id >= 1360) the API shows new accounts a displayed rating starting at 0 while the
algorithm runs on an internal rating starting at 1400; displayed changes carry promotion offsets of
+500, +350, +250, +150, +100, +50 over the first six rated contests (blog entry 77890). See
``internal_rating`` and ``displayed_delta``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

MIN_RATING = -500  # lowest rating the seed table covers (carrot's MIN_RATING_LIMIT)
MAX_RATING = 6000  # exclusive upper end of the table and of every binary search
RANGE = MAX_RATING - MIN_RATING
NEED_LOW = 2  # rankToRating searches [2, 6000) for the first rating below the mean rank, minus one

NEW_SYSTEM_SINCE_CONTEST = 1360  # first contest whose API ratings use the displayed/internal split
NEW_ACCOUNT_RATING = 1400  # internal rating of an account before its first rated contest
PROMOTION = (500, 350, 250, 150, 100, 50)  # displayed bonus over the first six rated contests

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Contestant:
    """One rated participant as the algorithm sees it.

    ``rating`` is the rating the algorithm uses (the internal one; see ``internal_rating``). Order comes
    from ``rank`` when every contestant has one (equal ranks are a tie), otherwise from points (desc)
    then penalty (asc).
    """

    handle: str
    rating: int
    points: float = 0.0
    penalty: int = 0
    rank: int | None = None


@dataclass(frozen=True)
class RatingResult:
    """Deltas (algorithm, internal), the place each contestant was rated at, and the total adjustment."""

    deltas: dict[str, int]
    ranks: dict[str, int]
    adjustment: int  # inc_all + inc_top, added to every raw delta
    raw_deltas: dict[str, int] = field(repr=False, default_factory=dict)


@lru_cache(maxsize=1)
def elo_kernel() -> FloatArray:
    """K[d + RANGE] = P(a beats b) for d = r_b - r_a in [-RANGE, RANGE]."""
    d = np.arange(-RANGE, RANGE + 1, dtype=np.float64)
    out: FloatArray = 1.0 / (1.0 + np.power(10.0, d / 400.0))
    out.setflags(write=False)
    return out


def tdiv(a: int, b: int) -> int:
    """Integer division truncating toward zero, as Java and JavaScript's Math.trunc do."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def zero_sum_count(n: int) -> int:
    # Math.round rounds halves up; sqrt of an integer is never exactly k + 0.5, so floor(x + 0.5) is it.
    return min(4 * math.floor(math.sqrt(n) + 0.5), n)


def seed_table(ratings: IntArray) -> FloatArray:
    """S[r - MIN_RATING] = 1 + sum over all contestants c of P(c beats a player rated r), r in the table."""
    counts = np.bincount(ratings - MIN_RATING, minlength=RANGE).astype(np.float64)
    kernel = elo_kernel()
    size = 1 << (len(counts) + len(kernel) - 1 - 1).bit_length()
    conv = np.fft.irfft(np.fft.rfft(counts, size) * np.fft.rfft(kernel, size), size)
    table: FloatArray = conv[RANGE : RANGE + RANGE] + 1.0
    return table


def need_ratings(table: FloatArray, mid_rank: FloatArray, exclude: IntArray) -> IntArray:
    """Vectorised rankToRating: last rating in [1, 6000) whose seed, ``exclude`` left out, is >= mid_rank."""
    kernel = elo_kernel()
    lo = np.full(mid_rank.shape, NEED_LOW, dtype=np.int64)
    hi = np.full(mid_rank.shape, MAX_RATING, dtype=np.int64)
    while True:
        active = lo < hi
        if not active.any():
            break
        mid = np.minimum((lo + hi) // 2, MAX_RATING - 1)  # settled entries may sit at the top end
        seed = table[mid - MIN_RATING] - kernel[mid - exclude + RANGE]
        below = seed < mid_rank
        hi = np.where(active & below, mid, hi)
        lo = np.where(active & ~below, mid + 1, lo)
    result: IntArray = lo - 1
    return result


def raw_deltas_at(table: FloatArray, ratings: IntArray, assumed: IntArray, ranks: FloatArray) -> IntArray:
    """calcDelta: the unadjusted delta of each contestant (true rating ``ratings``) if rated ``assumed``."""
    kernel = elo_kernel()
    seed = table[assumed - MIN_RATING] - kernel[assumed - ratings + RANGE]
    mid_rank = np.sqrt(ranks * seed)
    need = need_ratings(table, mid_rank, ratings)
    out: IntArray = np.trunc((need - assumed) / 2.0).astype(np.int64)
    return out


def adjustment(raw: IntArray, top_order: IntArray) -> int:
    """The two sum adjustments (all; top 4*sqrt(n) by rating) as one increment added to every delta."""
    n = len(raw)
    inc_all = tdiv(-int(raw.sum()), n) - 1
    k = zero_sum_count(n)
    top_sum = int(raw[top_order[:k]].sum()) + k * inc_all
    inc_top = min(max(tdiv(-top_sum, k), -10), 0)
    return inc_all + inc_top


def check_field(rows: Sequence[tuple[str, int]]) -> None:
    """What the algorithm needs of a field of (handle, rating): someone, each once, ratings in its range."""
    if not rows:
        raise ValueError("no contestants to rate")
    seen: set[str] = set()
    for handle, rating in rows:
        if handle in seen:
            raise ValueError(f"handle {handle!r} appears twice: a contest has each participant once")
        seen.add(handle)
        if not MIN_RATING <= rating < MAX_RATING:
            raise ValueError(f"rating {rating} of {handle!r} is outside [{MIN_RATING}, {MAX_RATING})")


class Field:
    """A contest's rated field prepared once: standings order, worst-of-group ranks, the seed table.

    Arrays are in standings order (best first; ties in input order), which is also the tie order of the
    stable by-rating sort that picks the top participants, as in Codeforces' Java code.
    """

    def __init__(self, rows: Sequence[Contestant]) -> None:
        check_field([(c.handle, c.rating) for c in rows])
        by_rank = all(c.rank is not None for c in rows)
        keys: list[tuple[float, ...]] = [
            (float(c.rank),) if by_rank and c.rank is not None else (-float(c.points), float(c.penalty))
            for c in rows
        ]
        order = sorted(range(len(rows)), key=lambda i: keys[i])  # stable: ties keep input order
        self.rows = [rows[i] for i in order]
        self.handles = [c.handle for c in self.rows]
        self.ratings: IntArray = np.array([c.rating for c in self.rows], dtype=np.int64)
        sorted_keys = [keys[i] for i in order]
        ranks = np.empty(len(order), dtype=np.float64)
        # Walk from the bottom so each tie group takes the place of its last member (the worst rank).
        place = len(order)
        for i in range(len(order) - 1, -1, -1):
            if i == len(order) - 1 or sorted_keys[i] != sorted_keys[i + 1]:
                place = i + 1
            ranks[i] = place
        self.ranks: FloatArray = ranks
        self.table: FloatArray = seed_table(self.ratings)
        self.top_order: IntArray = np.lexsort((np.arange(len(order)), -self.ratings)).astype(np.int64)
        self._grid: IntArray = np.arange(MIN_RATING, MAX_RATING, dtype=np.int64)
        self._need: IntArray | None = None

    @property
    def n(self) -> int:
        return len(self.handles)

    def raw_deltas(self) -> IntArray:
        return raw_deltas_at(self.table, self.ratings, self.ratings, self.ranks)

    def _baseline_need(self) -> IntArray:
        if self._need is None:
            kernel = elo_kernel()
            seed = self.table[self.ratings - MIN_RATING] - kernel[RANGE]
            self._need = need_ratings(self.table, np.sqrt(self.ranks * seed), self.ratings)
        return self._need

    def delta_if_rated(self, index: int, assumed: int) -> int:
        """Contestant ``index``'s final delta had its old rating been ``assumed``: a full recomputation.

        Everyone's seed moves with that one rating, and so do both adjustments; this is the definition
        carrot's reference performances are computed with (tests/perf-util.ts, ``calcDelta``). Each
        need rating is first checked at its value in the real contest (it rarely moves): only the ones
        that moved are searched again, which gives the same result as searching all.
        """
        kernel = elo_kernel()
        old = int(self.ratings[index])
        table = self.table + kernel[self._grid - assumed + RANGE] - kernel[self._grid - old + RANGE]
        ratings = self.ratings.copy()
        ratings[index] = assumed
        seed = table[ratings - MIN_RATING] - kernel[RANGE]
        mid_rank = np.sqrt(self.ranks * seed)
        need = self._baseline_need().copy()
        # need is the last m in [1, 6000) with seed_m >= mid_rank (seed_1 counts as >= by convention):
        # valid iff (need == 1 or g(need) >= mid) and (need == 5999 or g(need + 1) < mid), g decreasing.
        at = np.clip(need, NEED_LOW, MAX_RATING - 1)
        above = (need < NEED_LOW) | (table[at - MIN_RATING] - kernel[at - ratings + RANGE] >= mid_rank)
        nxt = np.minimum(need + 1, MAX_RATING - 1)
        below = (need + 1 >= MAX_RATING) | (
            table[nxt - MIN_RATING] - kernel[nxt - ratings + RANGE] < mid_rank
        )
        moved = ~(above & below)
        moved[index] = True  # its own exclusion changed
        idx = np.flatnonzero(moved)
        need[idx] = need_ratings(table, mid_rank[idx], ratings[idx])
        raw: IntArray = np.trunc((need - ratings) / 2.0).astype(np.int64)
        # The top 4*sqrt(n) by rating, ties in standings order: the real order with this one moved.
        others = self.top_order[self.top_order != index]
        ahead = int(np.count_nonzero(self.ratings[others] > assumed)) + int(
            np.count_nonzero((self.ratings[others] == assumed) & (others < index))
        )
        k = zero_sum_count(self.n)
        top = others[: k - 1] if ahead < k else others[:k]
        inc_all = tdiv(-int(raw.sum()), self.n) - 1
        top_sum = int(raw[top].sum()) + (int(raw[index]) if ahead < k else 0) + k * inc_all
        inc_top = min(max(tdiv(-top_sum, k), -10), 0)
        return int(raw[index]) + inc_all + inc_top

    def delta_if_rated_slow(self, index: int, assumed: int) -> int:
        """The same recomputation done plainly (every search from scratch); kept to check the fast one."""
        kernel = elo_kernel()
        old = int(self.ratings[index])
        table = self.table + kernel[self._grid - assumed + RANGE] - kernel[self._grid - old + RANGE]
        ratings = self.ratings.copy()
        ratings[index] = assumed
        raw = raw_deltas_at(table, ratings, ratings, self.ranks)
        top_order = np.lexsort((np.arange(self.n), -ratings)).astype(np.int64)
        return int(raw[index]) + adjustment(raw, top_order)


def compute(rows: Sequence[Contestant]) -> RatingResult:
    """Rating changes of one contest (algorithm deltas, on the internal ratings given)."""
    f = Field(rows)
    raw = f.raw_deltas()
    inc = adjustment(raw, f.top_order)
    return RatingResult(
        deltas={h: int(d) + inc for h, d in zip(f.handles, raw, strict=True)},
        ranks={h: int(r) for h, r in zip(f.handles, f.ranks, strict=True)},
        adjustment=inc,
        raw_deltas={h: int(d) for h, d in zip(f.handles, raw, strict=True)},
    )


def compute_deltas(rows: Sequence[Contestant]) -> dict[str, int]:
    return compute(rows).deltas


# --- the displayed/internal split since 2020 ------------------------------------------------------


def uses_new_system(contest_id: int | None) -> bool:
    return contest_id is not None and contest_id >= NEW_SYSTEM_SINCE_CONTEST


def internal_rating(displayed: int, contest_id: int | None, contests_before: int | None = None) -> int:
    """The rating the algorithm uses for a participant whose API ``oldRating`` is ``displayed``.

    With ``contests_before`` known (rated contests the account had played), the exact internal rating is
    displayed + 1400 - sum of the promotions already received. Without it, follow carrot: a displayed 0
    in a new-system contest is a new account (1400); anything else is taken as already established.
    """
    if not uses_new_system(contest_id):
        return displayed
    if contests_before is None:
        return NEW_ACCOUNT_RATING if displayed == 0 else displayed
    return displayed + NEW_ACCOUNT_RATING - sum(PROMOTION[: min(contests_before, len(PROMOTION))])


def displayed_delta(delta: int, contest_id: int | None, contests_before: int | None) -> int:
    """What the API shows as newRating - oldRating for an algorithm delta, promotions included."""
    if not uses_new_system(contest_id) or contests_before is None or contests_before >= len(PROMOTION):
        return delta
    return delta + PROMOTION[contests_before]


def contests_before_from_displayed(displayed: int, contest_id: int | None) -> int | None:
    """Only a displayed 0 in a new-system contest tells the history (a first contest); else unknown."""
    if uses_new_system(contest_id) and displayed == 0:
        return 0
    return None


class CodeforcesRating:
    """The ``codeforces`` rating method (solver.registry.RATING_METHODS)."""

    name = "codeforces"

    def compute(self, rows: Sequence[Contestant]) -> RatingResult:
        return compute(rows)

    def compute_deltas(self, rows: Sequence[Contestant]) -> dict[str, int]:
        return compute_deltas(rows)

    def performances(self, rows: Sequence[Contestant], exact: bool = False) -> dict[str, float]:
        from solver.rating.performance import performances

        return performances(rows, exact=exact)

    def performance(self, rows: Sequence[Contestant], handle: str) -> float:
        from solver.rating.performance import performance_of

        return performance_of(rows, handle)

    def describe(self) -> dict[str, Any]:
        return {
            "method": self.name,
            "reference": "Mirzayanov, codeforces.com/blog/entry/20762; carrot predict.js",
            "new_system_since_contest": NEW_SYSTEM_SINCE_CONTEST,
        }
