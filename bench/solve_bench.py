"""Benchmark: the solve loop's own cost per problem, outside the model.

A zero-latency in-process model replies instantly with a typical C++ solution and its stress-test kit (brute
force, generator, validator, max-size generator), so everything measured is prompting, compiling, judging
the example, 200 seeded stress tests (generate, validate, brute force, candidate, checker), the max-size
tests, and bookkeeping (events fsync'd, sources written). The real Docker sandbox does the judging.

Printed, in one run:
  - the sandbox floor: the same compiles and runs issued directly to the judge (no loop), the baseline;
  - seconds per problem for a first-try success and for a draft that needs one stress-found repair, and
    their ratio to the floor;
  - throughput with 1, 2, 4 and 8 problems solved in parallel on one judge.
Target: under 3 s per problem outside the model on a 2-core machine.

    python bench/solve_bench.py [--stress-tests 200] [--workers 2] [--repeat 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sandbox.api import Checker, JudgeConfig, Limits, Source, Test
from sandbox.judge import open_judge
from solver.llm.base import ChatParams, Completion, Message, OnChunk
from solver.problem import Problem, ProblemId
from solver.runstore import Run
from solver.solve.loop import Env, solve_problem, solve_problems
from solver.solve.model import ModelCalls
from solver.solve.work import Settings
from tests.solve import programs as P
from tests.solve.scripted import stage_of


class InstantModel:
    """A ModelBackend with zero latency: the reply depends only on the prompt's stage."""

    name = "instant"

    def __init__(self, solutions: Sequence[str]) -> None:
        self.solutions = list(solutions)
        self.used: dict[str, int] = {}

    async def chat(
        self, messages: Sequence[Message], params: ChatParams | None = None, on_chunk: OnChunk | None = None
    ) -> Completion:
        stage = stage_of(messages[-1].content)
        kit = {
            "brute": P.SUM_BRUTE,
            "generator": P.SUM_GEN,
            "validator": P.SUM_VALIDATOR,
            "maxgen": P.SUM_MAXGEN,
        }
        problem = messages[-1].content.split("\n", 1)[0]
        if stage in kit:
            code = kit[stage]
        else:
            n = self.used.get(problem, 0)
            self.used[problem] = n + 1
            code = self.solutions[min(n, len(self.solutions) - 1)]
        return Completion(P.cpp(code), "", "stop", len(messages[-1].content) // 4, 200, model="instant")

    async def close(self) -> None:
        return None


def problems(n: int) -> list[Problem]:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return [replace(P.SUM, id=ProblemId(9100 + k // 26, letters[k % 26])) for k in range(n)]


async def floor(judge: object, stress: int) -> float:
    """The sandbox work of one first-try problem issued directly: 5 compiles, then the runs, no loop."""
    j = judge  # the real Judge
    t0 = time.perf_counter()
    codes = [P.SUM_GOOD, P.SUM_BRUTE, P.SUM_GEN, P.SUM_VALIDATOR, P.SUM_MAXGEN]
    good, brute, gen, val, maxgen = await asyncio.gather(*(j.compile(Source(c, "cpp17")) for c in codes))  # type: ignore[attr-defined]
    lim = Limits(5.0, 512)
    seeds = [Test(f"g{i}", f"{i} {1 + i % 10}\n".encode(), None) for i in range(stress)]
    made = await j.judge(gen, seeds, lim, Checker.tokens())  # type: ignore[attr-defined]
    inputs = [Test(t.test, t.run.stdout, None) for t in made.tests]
    await j.judge(val, inputs, lim, Checker.tokens())  # type: ignore[attr-defined]
    answers = await j.judge(brute, inputs, lim, Checker.tokens())  # type: ignore[attr-defined]
    tests = [Test(t.name, t.input, a.run.stdout) for t, a in zip(inputs, answers.tests, strict=True)]
    await j.judge(good, tests, Limits(1.0, 256), Checker.tokens())  # type: ignore[attr-defined]
    big = await j.judge(maxgen, [Test("m1", b"1\n", None), Test("m2", b"2\n", None)], lim, Checker.tokens())  # type: ignore[attr-defined]
    await j.judge(good, [Test(t.test, t.run.stdout, None) for t in big.tests], Limits(1.0, 256))  # type: ignore[attr-defined]
    return time.perf_counter() - t0


async def one(judge: object, root: Path, solutions: Sequence[str], stress: int, ps: list[Problem]) -> float:
    run = Run.create(root, "bench", {"command": "bench"})
    model = InstantModel(solutions)
    env = Env(judge, run, ModelCalls(model, run, run.index()), Settings(stress_tests=stress))  # type: ignore[arg-type]
    t0 = time.perf_counter()
    if len(ps) == 1:
        result = await solve_problem(ps[0], env)
        assert result.solved, result.reason
    else:
        results = await solve_problems(ps, env, parallel=len(ps))
        assert all(r.solved for r in results), [r.reason for r in results]
    return time.perf_counter() - t0


async def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stress-tests", type=int, default=200)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    judge = await open_judge(JudgeConfig(workers=args.workers))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            await one(
                judge, root, [P.SUM_GOOD], args.stress_tests, problems(1)
            )  # warm-up (caches, page cache)
            floors, firsts, repairs = [], [], []
            for _ in range(args.repeat):  # interleaved, so load from elsewhere hits all three alike
                floors.append(await floor(judge, args.stress_tests))
                firsts.append(await one(judge, root, [P.SUM_GOOD], args.stress_tests, problems(1)))
                repairs.append(
                    await one(judge, root, [P.SUM_ABS, P.SUM_GOOD], args.stress_tests, problems(1))
                )
            base, first, repair = (statistics.median(x) for x in (floors, firsts, repairs))
            print(f"stress tests per problem: {args.stress_tests}; judge workers: {args.workers}")
            print(f"sandbox floor (no loop), per problem:  {base:6.2f} s")
            print(f"first-try success, per problem:        {first:6.2f} s  ({first / base:4.2f}x floor)")
            print(f"one stress-found repair, per problem:  {repair:6.2f} s  ({repair / base:4.2f}x floor)")
            print("problems in parallel -> wall time, per problem, throughput")
            for n in (1, 2, 4, 8):
                wall = await one(judge, root, [P.SUM_GOOD], args.stress_tests, problems(n))
                print(
                    f"  {n:2d} -> {wall:6.2f} s, {wall / n:5.2f} s/problem, {n / wall * 60:6.1f} problems/min"
                )
            verdict = "meets" if first < 3.0 and repair < 3.0 else "misses"
            print(f"target < 3 s per problem outside the model: {verdict}")
    finally:
        await judge.close()


if __name__ == "__main__":
    asyncio.run(main())
