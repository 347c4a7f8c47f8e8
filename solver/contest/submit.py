"""Judging a "submission" on a hidden-test pack, through the sandbox (the only place untrusted code runs).

A pack is used only when it can judge honestly: an interactive problem needs an interactor the pack does
not have, and a problem with several correct answers needs a checker; otherwise exact comparison would
reject right answers, so local acceptance is taken instead and the report says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sandbox.api import Checker, CheckerKind, Compiled, JudgeResult, Limits, Source, Test, Verdict
from solver.contest.testpack import TestPack
from solver.problem import Problem


class PackJudgeBackend(Protocol):
    """The part of the sandbox's judge (``sandbox.judge``) this module needs."""

    async def compile(self, source: Source) -> Compiled: ...

    async def judge(
        self, exe: Compiled, tests: Sequence[Test], limits: Limits, checker: Checker = ...
    ) -> JudgeResult: ...


@dataclass(frozen=True)
class PackVerdict:
    verdict: str  # a Verdict value
    failed_test: int | None  # 0-based index of the first failing test
    detail: str


def pack_usable(problem: Problem, pack: TestPack | None) -> tuple[bool, str]:
    """Whether this pack can judge this problem, and if not, why (for the report)."""
    if pack is None:
        return False, "no hidden-test pack: accepted on local tests only (optimistic)"
    if problem.interactive:
        return (
            False,
            f"interactive problem: the pack ({pack.origin}) has no interactor; local acceptance taken",
        )
    if problem.several_answers and not pack.has_checker:
        return False, (
            f"several correct answers and the pack ({pack.origin}) has no checker; "
            "local acceptance taken (optimistic)"
        )
    return True, f"judged on {len(pack.tests)} hidden tests from {pack.origin}"


class PackJudge:
    def __init__(self, judge: PackJudgeBackend) -> None:
        self.judge = judge
        self._checkers: dict[str, Checker] = {}

    async def _checker(self, pack: TestPack) -> Checker:
        if pack.checker_kind is not CheckerKind.PROGRAM:
            return Checker(pack.checker_kind, eps=pack.checker_eps)
        key = f"{pack.origin}:{pack.index}"
        if key not in self._checkers:
            exe = await self.judge.compile(Source(pack.checker_source or "", "cpp17"))
            if not exe.ok:
                raise _CheckerBroken(
                    f"the pack's checker for {pack.index} does not compile (ship testlib.h beside "
                    f"checker.cpp if it uses testlib): {exe.message[:300]}"
                )
            self._checkers[key] = Checker.from_program(exe)
        return self._checkers[key]

    async def verdict(self, problem: Problem, pack: TestPack, code: str, lang: str) -> PackVerdict:
        exe = await self.judge.compile(Source(code, lang))
        if not exe.ok:
            return PackVerdict(Verdict.CE.value, None, exe.message[:500])
        try:
            checker = await self._checker(pack)
        except _CheckerBroken as e:
            return PackVerdict(Verdict.JE.value, None, str(e))
        limits = Limits(time_s=problem.time_limit_s, memory_mb=problem.memory_limit_mb)
        result = await self.judge.judge(exe, pack.tests, limits, checker=checker)
        if result.verdict is Verdict.AC:
            return PackVerdict(Verdict.AC.value, None, f"passed {len(pack.tests)} hidden tests")
        names = [t.name for t in pack.tests]
        failing = next((t for t in result.tests if t.verdict is not Verdict.AC), None)
        idx = names.index(failing.test) if failing is not None and failing.test in names else None
        where = f" on test {idx + 1} ({failing.test})" if failing is not None and idx is not None else ""
        return PackVerdict(result.verdict.value, idx, f"{result.verdict.long}{where}")


class _CheckerBroken(Exception):
    pass
