"""The contest orchestration without Docker or a model: the solve loop and the judge replaced by fakes.

What is checked: a rejection on hidden tests costs an attempt and the bot tries again; the submission cap;
the contest's duration as a hard deadline under the elapsed time model; a run interrupted mid-way resumes
without solving again what was already submitted or finished.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from sandbox.api import Checker, Compiled, JudgeResult, Limits, RunResult, Source, Test, TestResult, Verdict
from solver.config import Config
from solver.contest import run as contest_run
from solver.contest.run import ContestOptions, Services, run_contest
from solver.problem import Contest, ContestProblem, ContestRef, ContestType, Problem, ProblemId, Sample
from solver.rating.placement import TimeModel
from solver.solve.budget import Stop
from solver.solve.loop import Env
from solver.solve.work import ProblemResult, Settings
from solver.sources.cf_api import RatingChange, Standings, StandingsRow
from solver.sources.specs import Spec, SpecKind
from tests.conftest import FIXTURES

PACK = FIXTURES / "contest" / "tests-1349"
CID = 1349


def _problem(index: str) -> Problem:
    return Problem(ProblemId(CID, index), f"P{index}", 1.0, 256, "", "", "", (Sample("1 2\n", "3\n"),))


class FakeSource:
    def __init__(self) -> None:
        self.contest = Contest(
            CID,
            "Codeforces Round 641 (Div. 1)",
            ContestType.CF,
            "1",
            0,
            7200,
            (ContestProblem("A", "PA", 500.0, 800), ContestProblem("B", "PB", 1000.0, 1200)),
        )

    async def contest_problems(self, ref: ContestRef) -> list[Problem]:
        return [_problem("A"), _problem("B")]

    async def standings(self, contest_id: int, *, show_unofficial: bool = False) -> Standings:
        rows = tuple(
            StandingsRow(i + 1, (f"u{i}",), "CONTESTANT", float(3000 - 100 * i), 0, 0, 0, ())
            for i in range(30)
        )
        return Standings(self.contest, self.contest.problems, rows)

    async def rating_changes(self, contest_id: int) -> list[RatingChange]:
        return [RatingChange(CID, "", f"u{i}", i + 1, 2400 - 30 * i, 2400 - 30 * i, 0) for i in range(30)]


def _run_result(verdict: Verdict) -> RunResult:
    return RunResult(verdict, 0, None, 0.01, 0.01, 1000, b"", b"")


TOKENS = Checker()


class FakeJudge:
    """Programs containing WRONG fail the second hidden test; everything else passes."""

    async def compile(self, source: Source) -> Compiled:
        return Compiled(f"h{abs(hash(source.code))}", source.lang, True)

    async def judge(
        self, exe: Compiled, tests: Sequence[Test], limits: Limits, checker: Checker = TOKENS
    ) -> JudgeResult:
        wrong = exe.handle == f"h{abs(hash(WRONG))}"
        results = tuple(
            TestResult(t.name, Verdict.WA if wrong and i == 1 else Verdict.AC, _run_result(Verdict.AC))
            for i, t in enumerate(tests)
        )
        return JudgeResult(Verdict.WA if wrong else Verdict.AC, results)


WRONG = "int main(){} // WRONG"
RIGHT = "int main(){} // RIGHT"


class FakeSolve:
    """Stands in for solve_problem: scripted code per (problem, attempt seed), optional delays and crashes."""

    def __init__(self, script: dict[str, list[Any]]) -> None:
        self.script = script
        self.calls: list[tuple[str, int]] = []

    async def __call__(self, problem: Problem, env: Env) -> ProblemResult:
        index = problem.id.index
        self.calls.append((index, env.settings.seed))
        step = self.script[index][min(env.settings.seed, len(self.script[index]) - 1)]
        if isinstance(step, BaseException):
            raise step
        if isinstance(step, float):
            await asyncio.sleep(step)
            step = RIGHT
        return ProblemResult(
            str(problem.id), Stop.SOLVED, "solved", "cpp17", step, f"{index}/c0-v1.cpp", "c0-v1"
        )


class Crash(Exception):
    pass


def _services(tmp_path: Path) -> Services:
    return Services(FakeSource(), None, FakeJudge(), Config(runs=tmp_path / "runs"), Settings())  # type: ignore[arg-type]


def _options(**kw: Any) -> ContestOptions:
    return ContestOptions(hidden_tests=(Spec(SpecKind.DIR, PACK),), **kw)


async def test_rejection_then_retry_and_local_acceptance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    solve = FakeSolve({"A": [WRONG, RIGHT], "B": [RIGHT]})
    monkeypatch.setattr(contest_run, "solve_problem", solve)
    result, scores, _ = await run_contest(
        CID, _services(tmp_path), _options(time_model=TimeModel.parse("zero"))
    )
    a, b = result.problems
    assert [s.verdict for s in a.submissions] == ["WA", "AC"] and a.judged == "pack" and a.rejected == 1
    assert [s.judged for s in b.submissions] == ["local"] and "local tests only" in b.note
    assert sorted(solve.calls) == [("A", 0), ("A", 1), ("B", 0)]
    assert a.solve_runs[0] == "." and a.solve_runs[1].startswith("attempts/")  # a fresh run for the retry
    assert scores == {"A": "450", "B": "1000"} and result.placement.points == 1450
    assert result.placement.rank == 17  # rows score 3000, 2900, ..., 1500: 16 of them above 1450
    assert result.verified is not None and result.verified.points == 450
    assert result.performance_interval is not None
    assert result.performance_interval[0] < result.performance_interval[1]


async def test_submission_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(contest_run, "solve_problem", FakeSolve({"A": [WRONG], "B": [RIGHT]}))
    result, scores, _ = await run_contest(CID, _services(tmp_path), _options(max_submissions=3))
    a = result.problems[0]
    assert [s.verdict for s in a.submissions] == ["WA"] * 3 and not a.accepted
    assert a.note == "3 submissions rejected on hidden tests" and scores["A"] == "0"


async def test_elapsed_deadline_stops_unfinished_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(contest_run, "solve_problem", FakeSolve({"A": [RIGHT], "B": [30.0]}))
    options = _options(duration_s=1)  # the elapsed model's deadline: one second of contest
    result, scores, _ = await run_contest(CID, _services(tmp_path), options)
    a, b = result.problems
    assert a.accepted and a.minute_solved == 0
    assert not b.submissions and "not solved within the contest's" in b.note and scores["B"] == "0"
    assert any("Duration overridden" in n for n in result.notes)


async def test_interrupted_run_resumes_without_redoing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crashing = FakeSolve({"A": [WRONG, Crash("the machine restarted")], "B": [RIGHT]})
    monkeypatch.setattr(contest_run, "solve_problem", crashing)
    svc = _services(tmp_path)
    with pytest.raises(Crash):
        await run_contest(CID, svc, _options())
    (run_dir,) = (tmp_path / "runs").iterdir()
    first = [ln for ln in (run_dir / "events.jsonl").read_text().splitlines() if "contest_submission" in ln]
    assert len(first) == 2  # A's rejected attempt and B's acceptance were recorded before the crash

    healthy = FakeSolve({"A": [WRONG, RIGHT], "B": [RIGHT]})
    monkeypatch.setattr(contest_run, "solve_problem", healthy)
    result, _, run = await run_contest(CID, svc, _options(), resume=run_dir.name)
    assert run.path == run_dir
    assert healthy.calls == [("A", 1)]  # neither A's first attempt nor B is solved again
    a, b = result.problems
    assert [s.verdict for s in a.submissions] == ["WA", "AC"] and b.accepted
    assert a.submissions[1].at_s >= a.submissions[0].at_s  # the clock went on from where it stopped
