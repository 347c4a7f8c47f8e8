"""Rating engine speed: 15,000 participants, vectorised engine against naive baselines in the same run.

    python bench/rating_bench.py [--n 15000] [--seed 1] [--quick]

Figures printed:
- deltas: ``solver.rating.codeforces.compute`` (FFT seed table + vectorised binary searches) against a
  direct transcription of Mirzayanov's Java (per participant: an O(n) seed sum and a binary search whose
  every probe is an O(n) sum; numpy inside each sum, a Python loop over participants);
- performances (fast, fixed adjustment) for every participant against a per-participant scalar loop over
  the same seed table (what carrot does in the browser);
- exact performance of one participant (the bot's case): a dozen full recomputations;
- exact performances of every participant of a real contest (the fixture, 1,248 rows), for scale, and
  with ``--exact-all`` of the whole synthetic field (about a minute for 15,000).
The field is synthetic (seeded): ratings ~ N(1500, 400) clipped to [0, 3800], points rise with rating.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from solver.rating.codeforces import (  # noqa: E402
    MAX_RATING,
    MIN_RATING,
    RANGE,
    Contestant,
    Field,
    adjustment,
    compute,
    elo_kernel,
    tdiv,
    zero_sum_count,
)
from solver.rating.performance import performance_of, performances, performances_with_stats  # noqa: E402


def synthetic_field(n: int, seed: int) -> list[Contestant]:
    rng = np.random.default_rng(seed)
    ratings = np.clip(rng.normal(1500, 400, n), 0, 3800).astype(int)
    points = np.maximum(0, (ratings - 800) * 2 + rng.normal(0, 600, n)).round()
    penalty = rng.integers(0, 300, n)
    return [
        Contestant(f"user{i}", int(r), float(p), int(q))
        for i, (r, p, q) in enumerate(zip(ratings, points, penalty, strict=True))
    ]


def naive_deltas(rows: list[Contestant]) -> dict[str, int]:
    """Mirzayanov's Java, transcribed: O(n) per seed, O(n) per binary-search probe."""
    ordered = sorted(rows, key=lambda c: (-c.points, c.penalty))
    n = len(ordered)
    ratings = np.array([c.rating for c in ordered], dtype=np.float64)
    ranks = [0] * n
    for i in range(n - 1, -1, -1):
        if i == n - 1 or (ordered[i].points, ordered[i].penalty) != (
            ordered[i + 1].points,
            ordered[i + 1].penalty,
        ):
            place = i + 1
        ranks[i] = place

    def seed(r: float) -> float:  # expected rank of a player rated r against the whole field
        return 1.0 + float((1.0 / (1.0 + np.power(10.0, (r - ratings) / 400.0))).sum())

    raw = []
    for i, c in enumerate(ordered):
        s = seed(c.rating) - 0.5
        mid_rank = math.sqrt(ranks[i] * s)
        lo, hi = 2, MAX_RATING
        while lo < hi:
            m = (lo + hi) // 2
            if seed(m) - 1.0 / (1.0 + 10 ** ((m - c.rating) / 400.0)) < mid_rank:
                hi = m
            else:
                lo = m + 1
        raw.append(math.trunc((lo - 1 - c.rating) / 2))
    by_rating = sorted(range(n), key=lambda i: -ordered[i].rating)
    inc = tdiv(-sum(raw), n) - 1
    k = zero_sum_count(n)
    top = sum(raw[i] + inc for i in by_rating[:k])
    inc += min(max(tdiv(-top, k), -10), 0)
    return {c.handle: raw[i] + inc for i, c in enumerate(ordered)}


def naive_fast_perfs(rows: list[Contestant]) -> dict[str, float]:
    """Carrot's in-browser performance search, one participant at a time, over the same seed table."""
    f = Field(rows)
    inc = adjustment(f.raw_deltas(), f.top_order)
    table = f.table.tolist()
    kernel = elo_kernel().tolist()
    out: dict[str, float] = {}
    for i, h in enumerate(f.handles):
        own = int(f.ratings[i])
        rank = float(f.ranks[i])
        if rank == 1:
            out[h] = math.inf
            continue

        def delta(assumed: int, own: int = own, rank: float = rank) -> int:
            mid_rank = math.sqrt(rank * (table[assumed - MIN_RATING] - kernel[assumed - own + RANGE]))
            lo, hi = 2, MAX_RATING
            while lo < hi:
                m = (lo + hi) // 2
                if table[m - MIN_RATING] - kernel[m - own + RANGE] < mid_rank:
                    hi = m
                else:
                    lo = m + 1
            return math.trunc((lo - 1 - assumed) / 2) + inc

        lo, hi = MIN_RATING, MAX_RATING
        while lo < hi:
            m = (lo + hi) // 2
            if delta(m) <= 0:
                hi = m
            else:
                lo = m + 1
        out[h] = float(lo)
    return out


def timed(fn, *args, repeat: int = 1):  # type: ignore[no-untyped-def]
    best = math.inf
    result = None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn(*args)
        best = min(best, time.perf_counter() - t)
    return best, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=15_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--exact-all", action="store_true", help="also exact performances of the whole field (~1 min)"
    )
    ap.add_argument("--quick", action="store_true", help="a few seconds: 1,500 participants (CI checks it runs)")
    args = ap.parse_args()
    if args.quick:
        args.n, args.exact_all = 1_500, False
    rows = synthetic_field(args.n, args.seed)
    print(f"field: {args.n} participants (synthetic, seed {args.seed})")

    t_fast, res = timed(compute, rows, repeat=3)
    t_naive, naive = timed(naive_deltas, rows)
    same = sum(1 for h, d in naive.items() if res.deltas[h] == d)
    print(
        f"deltas       engine {t_fast * 1000:8.1f} ms | naive (Java transcription) {t_naive:7.2f} s "
        f"| x{t_naive / t_fast:,.0f} | same deltas {same}/{len(naive)}"
    )

    t_pf, perfs = timed(performances, rows, repeat=3)
    t_pn, perfs_naive = timed(naive_fast_perfs, rows)
    same = sum(1 for h, p in perfs_naive.items() if perfs[h] == p)
    print(
        f"perfs (fast) engine {t_pf * 1000:8.1f} ms | naive (scalar loop)        {t_pn:7.2f} s "
        f"| x{t_pn / t_pf:,.0f} | same {same}/{len(perfs_naive)}"
    )

    mid = sorted(rows, key=lambda c: (-c.points, c.penalty))[len(rows) // 3].handle
    t_one, perf_one = timed(performance_of, rows, mid)
    print(
        f"perf (exact) one participant ({mid}) {t_one * 1000:.0f} ms -> {perf_one:.0f} "
        f"(fast: {perfs[mid]:.0f})"
    )

    if args.exact_all:
        t_all, (exact, stats) = timed(lambda: performances_with_stats(rows, exact=True))
        same = sum(1 for h, p in exact.items() if perfs[h] == p)
        print(
            f"perfs (exact) every participant: {t_all:.1f} s ({stats.recomputed if stats else 0} full "
            f"recomputations); fast == exact for {same}/{len(exact)}"
        )

    data = ROOT / "tests" / "fixtures" / "rating" / "round-1349-641-div1-data.json"
    if data.is_file():
        real = [Contestant(h, r, float(p), int(q)) for h, p, q, r, _ in json.loads(data.read_text())]
        t_ex, (_, stats) = timed(lambda: performances_with_stats(real, exact=True))
        print(
            f"perfs (exact) every participant of contest 1349 ({len(real)} rows): {t_ex:.2f} s "
            f"({stats.recomputed if stats else 0} full recomputations)"
        )


if __name__ == "__main__":
    main()
