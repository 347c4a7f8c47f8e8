"""Batch estimation: reproducible bootstrap intervals and the problem-rating likelihood fit."""

from __future__ import annotations

import math

import numpy as np
import pytest

from solver.rating.estimate import (
    bootstrap_mean,
    fit_problem_rating,
    log_likelihood,
    per_division,
)

PERFS = [1510.0, 1720.0, 1390.0, 1655.0, 1480.0, 1890.0, 1600.0, 1350.0]


def test_bootstrap_is_reproducible_and_brackets_the_mean() -> None:
    a = bootstrap_mean(PERFS, seed=3)
    assert a == bootstrap_mean(PERFS, seed=3)
    assert a.value == pytest.approx(np.mean(PERFS))
    assert a.low < a.value < a.high
    # Roughly mean +- 1.96 standard errors for this sample.
    se = np.std(PERFS) / math.sqrt(len(PERFS))
    assert a.high - a.low == pytest.approx(2 * 1.96 * se, rel=0.15)
    other = bootstrap_mean(PERFS, seed=4)
    assert (other.low, other.high) != (a.low, a.high)
    assert a.text() == f"{a.value:.0f} (95% CI {a.low:.0f}–{a.high:.0f}, n=8)"


def test_bootstrap_edge_cases() -> None:
    one = bootstrap_mean([1500.0])
    assert (one.value, one.low, one.high) == (1500, 1500, 1500) and one.notes
    with_winner = bootstrap_mean([1500.0, math.inf])
    assert with_winner.value == (1500 + 6000) / 2 and "infinite" in with_winner.notes[0]
    with pytest.raises(ValueError):
        bootstrap_mean([])


def test_per_division() -> None:
    est = per_division([("2", 1500.0), ("3", 1300.0), ("2", 1700.0), ("3", 1250.0)], seed=1)
    assert list(est) == ["2", "3"]
    assert est["2"].value == 1600 and est["3"].value == 1275 and est["2"].n == 2


def test_problem_rating_fit_recovers_a_known_rating() -> None:
    # One solve and one failure at the same rating: the likelihood peaks exactly there.
    assert fit_problem_rating([(1600, True), (1600, False)]).value == pytest.approx(1600, abs=1e-3)
    # Outcomes drawn from the model at r = 1700 recover it within the interval.
    rng = np.random.default_rng(5)
    ds = rng.integers(800, 2800, 400)
    solved = rng.random(400) < 1 / (1 + 10 ** ((ds - 1700) / 400))
    fit = fit_problem_rating(list(zip(ds.tolist(), solved.tolist(), strict=True)))
    assert fit.low < 1700 < fit.high and abs(fit.value - 1700) < 80
    # The interval is where the log-likelihood is within chi2(1, 0.95)/2 of its maximum.
    outcomes = list(zip(ds.tolist(), solved.tolist(), strict=True))
    top = log_likelihood(fit.value, outcomes)
    assert top - log_likelihood(fit.low, outcomes) == pytest.approx(3.8415 / 2, abs=1e-3)
    assert "maximum likelihood" in fit.method and fit.n == 400


def test_problem_rating_fit_says_when_it_is_only_a_bound() -> None:
    all_solved = fit_problem_rating([(800, True), (1000, True)])
    assert all_solved.value == 6000 and all_solved.high == 6000 and all_solved.notes
    none = fit_problem_rating([(800, False)])
    assert none.value == -500 and none.notes
    with pytest.raises(ValueError):
        fit_problem_rating([])


def test_batch_summary_uses_the_rating_estimates() -> None:
    # One Estimate for every reported figure: what `rate` summarises is bootstrap_mean / fit_problem_rating.
    from solver.contest.batch import summarise
    from tests.contest.test_report import _result

    results = [_result(1990, 1650.0, None), _result(1991, 1400.0, None, "3"), _result(1992, 1500.0, None)]
    b = summarise(results, [], seed=7)
    assert b.overall == bootstrap_mean([1650.0, 1400.0, 1500.0], seed=7)
    assert b.divisions == per_division([("2", 1650.0), ("3", 1400.0), ("2", 1500.0)], seed=7)
    assert b.problem_rating is not None and b.problem_rating.n == 9 and b.problem_counts == (6, 9)
    assert b.problem_rating == fit_problem_rating(
        [(p.rating, p.accepted) for r in results for p in r.problems if p.rating is not None]
    )
