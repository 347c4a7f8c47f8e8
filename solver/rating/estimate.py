"""Batch estimation: mean performance with a bootstrap interval, and a rating fitted to problem ratings.

One ``Estimate`` (value, 95% interval, n, method, seed, notes) for every figure ``rate`` reports.

- ``mean_ci``: the mean of per-contest performances with a percentile-bootstrap 95% interval; the
  resampling uses a seeded numpy generator, so the same inputs and seed give the same interval.
  A winner's infinite performance is clipped to the top of the rating scale (6000) and flagged.
- ``problem_rating_mle``: the rating r maximising the likelihood of the observed solves and failures,
  with P(solve a problem rated d) = 1 / (1 + 10^((d - r) / 400)); its 95% interval is the profile-
  likelihood one ({r : 2 (l(r_hat) - l(r)) <= 3.841}). If every problem was solved (or none), the
  likelihood has no maximum inside the scale: the estimate sits at the scale's end and says so.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from solver.rating.codeforces import MAX_RATING, MIN_RATING

BOOTSTRAP_RESAMPLES = 10_000
CHI2_1_95 = 3.841458820694124  # 95% quantile of chi-square with one degree of freedom
DEFAULT_SEED = 0
_LN10_400 = math.log(10.0) / 400.0


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float
    n: int
    method: str
    seed: int | None = None
    notes: tuple[str, ...] = ()

    def text(self) -> str:
        return f"{self.value:.0f} (95% CI {self.low:.0f}–{self.high:.0f}, n={self.n})"

    def to_json(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "ci95": [self.low, self.high],
            "n": self.n,
            "method": self.method,
            "seed": self.seed,
            "notes": list(self.notes),
        }


def _clip_infinite(values: Sequence[float]) -> tuple[list[float], int]:
    clipped = [float(MAX_RATING) if math.isinf(v) and v > 0 else float(v) for v in values]
    return clipped, sum(1 for v in values if math.isinf(v))


def bootstrap_mean(
    values: Sequence[float],
    seed: int = DEFAULT_SEED,
    resamples: int = BOOTSTRAP_RESAMPLES,
    level: float = 0.95,
) -> Estimate:
    """Mean with a percentile-bootstrap interval (a single value has no spread: its interval is itself)."""
    if not values:
        raise ValueError("no performances to average")
    data, infinite = _clip_infinite(values)
    arr = np.asarray(data, dtype=np.float64)
    notes = [f"{infinite} infinite performance(s) (rank 1) counted as {MAX_RATING}"] if infinite else []
    if arr.size == 1:
        notes.append("one contest: no interval")
        v = float(arr[0])
        return Estimate(v, v, v, 1, "mean, percentile bootstrap", seed, tuple(notes))
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, arr.size, size=(resamples, arr.size))
    means = arr[idx].mean(axis=1)
    alpha = (1.0 - level) / 2.0
    low, high = np.quantile(means, [alpha, 1.0 - alpha])
    return Estimate(
        float(arr.mean()),
        float(low),
        float(high),
        int(arr.size),
        "mean, percentile bootstrap",
        seed,
        tuple(notes),
    )


def per_division(performances: Sequence[tuple[str, float]], seed: int = DEFAULT_SEED) -> dict[str, Estimate]:
    """Bootstrap means per division label (e.g. "2", "3", "edu"), each with the same seed."""
    groups: dict[str, list[float]] = {}
    for division, perf in performances:
        groups.setdefault(division, []).append(perf)
    return {d: bootstrap_mean(v, seed=seed) for d, v in sorted(groups.items())}


def _arrays(outcomes: Sequence[tuple[int, bool]]) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    d = np.asarray([o[0] for o in outcomes], dtype=np.float64)
    s = np.asarray([bool(o[1]) for o in outcomes], dtype=bool)
    return d, s


def log_likelihood(r: float, outcomes: Sequence[tuple[int, bool]]) -> float:
    """l(r), summed over (problem rating, solved) outcomes."""
    d, s = _arrays(outcomes)
    return _ll(r, d, s)


def _ll(r: float, d: np.ndarray[Any, Any], s: np.ndarray[Any, Any]) -> float:
    # log P(solve) = -log(1 + 10^((d - r)/400)), log P(fail) = -log(1 + 10^((r - d)/400)), via logaddexp.
    z = (d - r) * _LN10_400
    return float(np.where(s, -np.logaddexp(0.0, z), -np.logaddexp(0.0, -z)).sum())


def _score(r: float, d: np.ndarray[Any, Any], s: np.ndarray[Any, Any]) -> float:
    """dl/dr divided by ln(10)/400: solves minus expected solves; decreasing in r (l is concave)."""
    p = 1.0 / (1.0 + np.power(10.0, (d - r) / 400.0))
    return float(s.sum() - p.sum())


def _bisect(f: Any, lo: float, hi: float, tol: float = 1e-6) -> float:
    """A root of f on [lo, hi] given f(lo) > 0 >= f(hi)."""
    while hi - lo > tol:
        mid = (lo + hi) / 2.0
        if f(mid) > 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2.0


def fit_problem_rating(outcomes: Sequence[tuple[int, bool]]) -> Estimate:
    """Maximum-likelihood rating from (problem rating, solved) pairs, with a profile-likelihood interval."""
    if not outcomes:
        raise ValueError("no rated problems attempted")
    d, s = _arrays(outcomes)
    lo_end, hi_end = float(MIN_RATING), float(MAX_RATING)
    notes: list[str] = []
    solved = int(s.sum())
    if solved == len(outcomes):
        best = hi_end
    elif solved == 0:
        best = lo_end
    else:
        best = _bisect(lambda r: _score(r, d, s), lo_end, hi_end)
    if solved in (0, len(outcomes)):
        notes.append(
            f"{'every' if solved else 'no'} problem solved: the likelihood is monotone, the estimate is a "
            f"bound at the end of the scale"
        )
    cut = _ll(best, d, s) - CHI2_1_95 / 2.0

    def above(r: float) -> float:
        return _ll(r, d, s) - cut

    low = lo_end if above(lo_end) >= 0 else _bisect(lambda r: -above(r), lo_end, best)
    high = hi_end if above(hi_end) >= 0 else _bisect(above, best, hi_end)
    return Estimate(
        value=best,
        low=low,
        high=high,
        n=len(outcomes),
        method="maximum likelihood, logistic 1/(1+10^((d-r)/400)), profile-likelihood 95% interval",
        notes=tuple(notes),
    )
