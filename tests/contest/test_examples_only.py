"""Contest mode with a result that passed the examples only: submitted because nothing better exists, and
the outcome says so; each problem is solved with its place in the contest (A first) as its order."""

from __future__ import annotations

from pathlib import Path

import pytest

from solver.contest import run as contest_run
from solver.contest.run import EXAMPLES_ONLY_NOTE, run_contest
from solver.problem import Problem
from solver.rating.placement import TimeModel
from solver.solve.budget import Stop
from solver.solve.loop import Env
from solver.solve.work import ProblemResult
from tests.contest.test_play import RIGHT, _options, _services


async def test_examples_only_is_submitted_and_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    orders: dict[str, int] = {}

    async def solve(problem: Problem, env: Env) -> ProblemResult:
        index = problem.id.index
        orders[index] = env.order
        stop = Stop.EXAMPLES_ONLY if index == "B" else Stop.SOLVED
        return ProblemResult(str(problem.id), stop, f"{stop.text}", "cpp17", RIGHT, f"{index}/c0-v1.cpp", "c0-v1")

    monkeypatch.setattr(contest_run, "solve_problem", solve)
    lines: list[str] = []
    svc = _services(tmp_path)
    svc.log = lines.append
    result, _, run = await run_contest(1349, svc, _options(time_model=TimeModel.parse("zero")))
    a, b = result.problems
    assert orders == {"A": 0, "B": 1}
    assert a.accepted and EXAMPLES_ONLY_NOTE not in a.note
    assert b.submissions and EXAMPLES_ONLY_NOTE in b.note and EXAMPLES_ONLY_NOTE in b.submissions[0].detail
    assert any(line.startswith("1349B: submission 1") and "examples only" in line for line in lines)
    assert "contest_examples_only" in [e.type for e in run.events()]


async def test_nothing_submitted_when_not_even_the_examples_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def solve(problem: Problem, env: Env) -> ProblemResult:
        return ProblemResult(str(problem.id), Stop.ATTEMPTS, "not solved", "cpp17", RIGHT, "x.cpp", "c0-v1")

    monkeypatch.setattr(contest_run, "solve_problem", solve)
    result, _, _ = await run_contest(1349, _services(tmp_path), _options())
    assert all(not p.submissions for p in result.problems)
