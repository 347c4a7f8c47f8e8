"""Judge faults are never counterexamples: a JE does not count, and a failure with little CPU time but a
long wall time (a paused or overloaded worker) is run again before it counts.

The programs really run in the sandbox; a judge double in front of it breaks the results of chosen calls
the way a killed or paused worker did (1,696 JE tests; "CPU time 0.00 s (wall 20.03 s)").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pytest

from sandbox.api import Checker, Compiled, JudgeResult, Limits, Source, Test, Verdict
from solver.practice import stress as practice_stress
from solver.practice.model import BotSolution
from solver.solve.kit import Supplied
from solver.solve.programs import TOKENS, Program
from solver.solve.stress import stress
from tests.solve import programs as P

pytestmark = [pytest.mark.docker, pytest.mark.timeout(180)]


class FaultyJudge:
    """The real judge, except that results of the program under test are broken as ``fault`` says."""

    def __init__(self, judge: Any, target: str, fault: str, every_call: bool = False) -> None:
        self.real, self.target, self.fault, self.every_call = judge, target, fault, every_call
        self.handles: set[str] = set()  # compiled from the target's source
        self.calls = 0  # judge calls for the target
        self.broken = 0

    async def compile(self, source: Source) -> Compiled:
        exe: Compiled = await self.real.compile(source)
        if source.code == self.target:
            self.handles.add(exe.handle)
        return exe

    async def run(self, program: Compiled, input: bytes, limits: Limits) -> Any:
        return await self.real.run(program, input, limits)

    async def interact(self, *a: Any) -> Any:
        return await self.real.interact(*a)

    async def judge(
        self, program: Compiled, tests: Sequence[Test], limits: Limits, checker: Checker = TOKENS
    ) -> JudgeResult:
        result: JudgeResult = await self.real.judge(program, tests, limits, checker)
        if program.handle not in self.handles:
            return result
        self.calls += 1
        if self.calls > 1 and not self.every_call:
            return result
        broken = []
        for k, t in enumerate(result.tests):
            if self.fault == "je" and int(t.test.split("-")[-1]) % 2 == 0:  # every other test: a worker died
                t = replace(t, verdict=Verdict.JE, run=replace(t.run, status=Verdict.JE, detail="worker died"))
            elif self.fault == "paused" and k == 0:  # the worker was paused for 20 s
                run = replace(t.run, status=Verdict.TLE, cpu_s=0.0, wall_s=20.03, stdout=b"")
                t = replace(t, verdict=Verdict.TLE, run=run, check=None)
            broken.append(t)
        self.broken += sum(1 for a, b in zip(result.tests, broken, strict=True) if a != b)
        return replace(result, tests=tuple(broken))


async def _material(judge: Any) -> dict[str, Program]:
    out = {}
    for stage, code in (("brute", P.SUM_BRUTE), ("generator", P.SUM_GEN), ("validator", P.SUM_VALIDATOR)):
        exe = await judge.compile(Source(code, "cpp17"))
        assert exe.ok, exe.message
        out[stage] = Program(stage, code, "cpp17", exe, "")
    return out


@pytest.mark.parametrize("every_call", [False, True])
async def test_judge_errors_are_never_counterexamples(judge: Any, every_call: bool) -> None:
    faulty = FaultyJudge(judge, P.SUM_GOOD, "je", every_call=every_call)
    good = await faulty.compile(Source(P.SUM_GOOD, "cpp17"))
    helpers = await _material(judge)
    outcome = await stress(faulty, P.SUM, good, Supplied(faulty, P.SUM, helpers), 30, seed=1)  # type: ignore[arg-type]
    assert faulty.broken >= 15 and outcome.counterexample is None
    if every_call:  # still JE when run again: left out and said so, never counted either way
        assert outcome.tests_run == outcome.agreed == 15
        assert any("15 random tests not counted" in n and "judge error" in n for n in outcome.notes)
    else:  # run again and judged properly
        assert outcome.tests_run == outcome.agreed == 30 and faulty.calls == 2


async def test_a_paused_worker_is_run_again_before_it_counts(judge: Any) -> None:
    faulty = FaultyJudge(judge, P.SUM_GOOD, "paused")
    good = await faulty.compile(Source(P.SUM_GOOD, "cpp17"))
    helpers = await _material(judge)
    outcome = await stress(faulty, P.SUM, good, Supplied(faulty, P.SUM, helpers), 30, seed=1)  # type: ignore[arg-type]
    assert faulty.broken == 1 and faulty.calls == 2
    assert outcome.counterexample is None and outcome.tests_run == outcome.agreed == 30


async def test_a_real_slow_program_still_fails(judge: Any) -> None:
    """A TLE that used its CPU is the program's: run once more, it still counts (the fairness is no amnesty)."""
    slow = await judge.compile(Source(P.SUM_SLOW, "cpp17"))
    helpers = await _material(judge)
    supplied = Supplied(judge, P.SUM, {**helpers, "maxgen": await _maxgen(judge)}, max_tests=1)
    outcome = await stress(judge, P.SUM, slow, supplied, 10, seed=1)
    cx = outcome.counterexample
    assert cx is not None and cx.kind == "max-size" and cx.verdict is Verdict.TLE


async def _maxgen(judge: Any) -> Program:
    exe = await judge.compile(Source(P.SUM_MAXGEN, "cpp17"))
    return Program("maxgen", P.SUM_MAXGEN, "cpp17", exe, "")


async def test_practice_uses_the_same_stress_test(judge: Any) -> None:
    """Practice's stress goes through solve's: a JE from the judge is no counterexample there either."""
    bot = BotSolution(Source(P.SUM_BRUTE, "cpp17"), Source(P.SUM_GEN, "cpp17"), Source(P.SUM_VALIDATOR, "cpp17"))
    user = Source(P.SUM_GOOD, "cpp17")
    faulty = FaultyJudge(judge, P.SUM_GOOD, "je", every_call=True)
    outcome = await practice_stress.stress(faulty, P.SUM, user, bot, 20, seed=2)  # type: ignore[arg-type]
    assert faulty.broken >= 10 and outcome.counterexample is None
    assert outcome.tests_run == 10 and any("judge error" in n for n in outcome.notes)
