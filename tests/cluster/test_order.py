"""A problem's place in its contest (A first) reaches the node that solves it, as it reaches a local solve:
it ranks the problem's model requests in the cluster's one queue of slots (``solver.solve.schedule``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from solver.cluster import shadow
from solver.cluster.executor import ClusterExecutor
from solver.cluster.shadow import Job
from solver.problem import Problem
from solver.runstore import Run
from solver.solve.loop import Env
from solver.solve.work import Settings
from tests.contest import world


class Stop(Exception):
    pass


class Worker:
    """A worker handle whose ``solve.remote(job)`` keeps the job it was sent."""

    def __init__(self) -> None:
        self.jobs: list[Job] = []
        self.solve = self

    async def remote(self, job: Job) -> Any:
        self.jobs.append(job)
        raise Stop


def _problem() -> Problem:
    return world.problems()[1350][0]


async def test_the_executor_sends_the_problems_place_in_its_contest(tmp_path: Path) -> None:
    worker = Worker()
    executor = ClusterExecutor([worker], per_worker=1)
    run = Run.create(tmp_path, "contest 1350", {"command": "contest"})
    with pytest.raises(Stop):
        await executor(_problem(), run, Settings(), None, None, 3)
    assert [job.order for job in worker.jobs] == [3]


async def test_a_node_solves_the_job_with_its_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    async def solve_problem(problem: Problem, env: Env) -> Any:
        seen.append(env.order)
        raise Stop

    monkeypatch.setattr(shadow, "solve_problem", solve_problem)
    job = Job("run/1350C", _problem(), Settings(), (), 2)
    with pytest.raises(Stop):
        await shadow.solve_in_shadow(job, judge=None, backend=None, scratch=tmp_path)  # type: ignore[arg-type]
    assert seen == [2]
