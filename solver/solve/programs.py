"""Programs in the sandbox: write the source to the run folder, compile, judge against a pool of tests.

The judge is the sandbox's (``sandbox.judge``); this module only states the part of it the loop uses, as a
Protocol, so the loop's types do not depend on which backend runs the code. Its calls may be cancelled at
any point (a wall-time budget, a finished problem): the sandbox finishes the job on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sandbox.api import Checker, Compiled, JudgeResult, Limits, RunResult, Source, Test, TestResult, Verdict
from sandbox.languages import LANGUAGES
from solver.problem import Problem
from solver.runstore import Run

TOKENS = Checker()


class Judge(Protocol):
    async def compile(self, source: Source) -> Compiled: ...

    async def run(self, program: Compiled, input: bytes, limits: Limits) -> RunResult: ...

    async def judge(
        self, program: Compiled, tests: Sequence[Test], limits: Limits, checker: Checker = ...
    ) -> JudgeResult: ...

    async def interact(self, solution: Compiled, interactor: Compiled, test: Test, limits: Limits) -> TestResult: ...


@dataclass(frozen=True)
class Program:
    name: str  # unique within the problem: "c0-v2", "brute-1", ...
    code: str
    lang: str
    compiled: Compiled
    path: str  # the source file, relative to the run folder

    @property
    def ok(self) -> bool:
        return self.compiled.ok


@dataclass(frozen=True)
class PoolTest:
    """A local test: an example, a shrunk counterexample (answer from the brute force) or a max-size input."""

    name: str
    kind: str  # "example", "counterexample", "max-size"
    input: str
    answer: str | None  # None: only the execution counts (max-size: no trusted answer exists)

    @property
    def large(self) -> bool:
        return self.kind == "max-size"

    def to_test(self) -> Test:
        return Test(self.name, self.input.encode(), None if self.answer is None else self.answer.encode())


def solution_limits(problem: Problem) -> Limits:
    return Limits(time_s=problem.time_limit_s, memory_mb=problem.memory_limit_mb)


# Helpers run on small inputs, or produce inputs: generous, but a hung helper must not stall the loop.
HELPER_LIMITS = Limits(time_s=5.0, memory_mb=512, wall_factor=2.0)


async def build(judge: Judge, run: Run, problem: Problem, name: str, code: str, lang: str) -> Program:
    """Write ``code`` to ``<problem>/<name>.<ext>`` in the run folder and compile it; logs the outcome."""
    rel = f"{problem.id.slug}/{name}{LANGUAGES[lang].suffix}"
    run.write_file(rel, code)
    compiled = await judge.compile(Source(code, lang))
    run.append(
        "compiled",
        problem=str(problem.id),
        program=name,
        path=rel,
        ok=compiled.ok,
        seconds=round(compiled.compile_s, 3),
        cached=compiled.cached,  # compiled before (the same source): the judge reused the outcome
        message=compiled.message[-4000:],
    )
    return Program(name, code, lang, compiled, rel)


def outputs(result: JudgeResult) -> dict[str, str]:
    """Each test's standard output, decoded."""
    return {t.test: t.run.stdout.decode("utf-8", errors="replace") for t in result.tests}


def by_name(result: JudgeResult) -> dict[str, TestResult]:
    return {t.test: t for t in result.tests}


def passed(result: JudgeResult) -> frozenset[str]:
    return frozenset(t.test for t in result.tests if t.verdict is Verdict.AC)


def doubtful(result: TestResult, limits: Limits) -> bool:
    """A result that may be the judge's fault rather than the program's, so it is run again before it counts.

    A judge error says nothing about the program. A failure that used little CPU time but ran out the wall
    clock is what a paused or overloaded worker produces (a program that really is slow uses its CPU).
    """
    if result.verdict is Verdict.JE:
        return True
    if result.verdict is Verdict.AC:
        return False
    return result.run.wall_s >= limits.time_s and result.run.cpu_s < limits.time_s / 2


async def judge_fairly(
    judge: Judge, program: Compiled, tests: Sequence[Test], limits: Limits, checker: Checker
) -> dict[str, TestResult]:
    """Each test's result by name; doubtful ones (see ``doubtful``) are judged once more and the re-run counts.

    A test still JE after its re-run stays JE: callers never count a JE as evidence against the program.
    """
    res = by_name(await judge.judge(program, tests, limits, checker))
    again = [t for t in tests if t.name in res and doubtful(res[t.name], limits)]
    if again:
        res.update(by_name(await judge.judge(program, again, limits, checker)))
    return res


async def interact_fairly(
    judge: Judge, solution: Compiled, interactor: Compiled, test: Test, limits: Limits
) -> TestResult:
    """``judge.interact`` with a doubtful result run once more (see ``doubtful``)."""
    result = await judge.interact(solution, interactor, test, limits)
    if doubtful(result, limits):
        result = await judge.interact(solution, interactor, test, limits)
    return result
