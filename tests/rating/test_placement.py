"""Scoring under Codeforces and ICPC rules, time models, and places among real standings rows."""

from __future__ import annotations

import pytest

from solver.errors import UsageError
from solver.problem import ContestType
from solver.rating.codeforces import Field
from solver.rating.placement import (
    Attempt,
    TimeModel,
    cf_problem_points,
    place,
    score,
    standing_places,
)
from tests.rating.realdata import ROUND_1349, contestants, load_rows


def test_codeforces_points_decay_per_minute_and_per_rejection() -> None:
    # The rules' own example: problem B (1000) solved at minute 10 on the third attempt scores 860.
    assert cf_problem_points(1000, 10, 2) == 860
    assert cf_problem_points(500, 0, 0) == 500
    assert cf_problem_points(1500, 30, 0) == 1500 - 6 * 30
    assert cf_problem_points(1000, 119, 20) == 300  # never below 30%
    # A three-hour round loses x/375 per minute (blog entry 81719): 1500 at minute 75 -> 1200.
    assert cf_problem_points(1500, 75, 0, duration_s=3 * 3600) == pytest.approx(1200)
    with pytest.raises(ValueError):
        cf_problem_points(1000, -1, 0)


def test_score_under_codeforces_rules() -> None:
    attempts = [
        Attempt("A", 300, True),  # minute 5
        Attempt("B", 600, False),
        Attempt("B", 1500, True),  # minute 25 after one rejection
        Attempt("B", 1600, False),  # after acceptance: ignored
        Attempt("C", 900, False),  # never solved: no points, no penalty
    ]
    s = score(ContestType.CF, attempts, 7200, TimeModel(), {"A": 500, "B": 1000, "C": 1500})
    assert [p.points for p in s.problems] == [490, 1000 - 4 * 25 - 50, 0]
    assert s.points == 490 + 850 and s.penalty == 0 and s.solved == 2
    with pytest.raises(ValueError, match="maximum points"):
        score(ContestType.CF, attempts, 7200, TimeModel(), {"A": 500})


def test_score_under_icpc_rules_and_time_models() -> None:
    attempts = [Attempt("A", 610, False), Attempt("A", 1210, True), Attempt("B", 3000, True)]
    s = score(ContestType.ICPC, attempts, 7200, TimeModel())
    assert (s.points, s.penalty) == (2, (20 + 10) + 50)
    zero = score(ContestType.ICPC, attempts, 7200, TimeModel.parse("zero"))
    assert (zero.points, zero.penalty) == (2, 10)
    fixed = score(ContestType.ICPC, attempts, 7200, TimeModel.parse("30"))
    assert fixed.penalty == (30 + 10) + 30
    late = [Attempt("A", 7300, True)]
    assert score(ContestType.ICPC, late, 7200, TimeModel()).points == 0  # elapsed: after the end
    assert score(ContestType.ICPC, late, 7200, TimeModel("zero")).points == 1  # zero: no time limit
    assert str(TimeModel.parse("45")) == "fixed minute 45"
    for text in ("elapsed", "zero", "45"):  # what a run stores (str) parses back to the same model
        assert TimeModel.parse(str(TimeModel.parse(text))) == TimeModel.parse(text)
    with pytest.raises(UsageError):
        TimeModel.parse("soon")


def test_a_real_rows_result_earns_that_rows_place() -> None:
    rows = load_rows(ROUND_1349)
    table = [(float(r[1]), int(r[2])) for r in rows]
    places = standing_places(table)
    ranks = Field(contestants(rows)).ranks
    algorithm_rank = dict(zip(Field(contestants(rows)).handles, ranks, strict=True))
    for i, r in enumerate(rows):
        others = table[:i] + table[i + 1 :]
        p = place(float(r[1]), int(r[2]), others)
        assert (p.best, p.worst) == (places[i].best, places[i].worst), r
        assert p.worst == algorithm_rank[r[0]]  # the place the rating algorithm rates it at
    # The field's tie groups are real: 35 participants share the last place with 0 points.
    assert places[-1].best == len(rows) - 34 and places[-1].worst == len(rows)


def test_place_among_rows_of_a_bot_result() -> None:
    rows = [(3000.0, 0), (2000.0, 0), (2000.0, 0), (1000.0, 0)]
    assert (place(2500, 0, rows).best, place(2500, 0, rows).worst) == (2, 2)
    assert (place(2000, 0, rows).best, place(2000, 0, rows).worst) == (2, 4)
    assert place(9999, 0, rows).best == 1 and place(0, 0, rows).worst == 5
    icpc = [(3.0, 100), (3.0, 50), (2.0, 10)]
    assert place(3, 60, icpc).best == 2 and place(3, 50, icpc).worst == 2
