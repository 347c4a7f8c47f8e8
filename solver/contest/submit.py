"""Judging a "submission" on a hidden-test pack, through the sandbox (the only place untrusted code runs).

A pack is used only when it can judge honestly (``pack_use``):

- no pack, or an interactive problem (no pack ships an interactor): local acceptance is taken, and the
  report calls it "local only (optimistic)";
- a problem whose answer needs a checker the judge cannot run (the pack's checker is in a language not
  supported, or includes testlib.h and the judge has none, or several answers are correct and the pack has
  none), or that reads input.txt: the problem is
  unjudgeable. It is never judged by token comparison (that would reject right answers) and never counted
  as accepted; the report says so.

A judge error is never a verdict: ``PackJudge.verdict`` judges again, and a verdict that is still JE is
returned as such for the caller to report the problem as not judged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, cast

from sandbox.api import OPEN_R1, TESTLIB, Checker, CheckerKind, Compiled, JudgeResult, Limits, Source, Test, Verdict
from sandbox.testlib import HOW as TESTLIB_HOW
from sandbox.testlib import TestlibMissing, find_testlib, needs_testlib, with_testlib
from solver.contest.testpack import TestPack
from solver.problem import Problem


class PackJudgeBackend(Protocol):
    """The part of the sandbox's judge (``sandbox.judge``) this module needs."""

    async def compile(self, source: Source) -> Compiled: ...

    async def judge(
        self, exe: Compiled, tests: Sequence[Test], limits: Limits, checker: Checker = ...
    ) -> JudgeResult: ...


class StoppingJudgeBackend(PackJudgeBackend, Protocol):
    """A backend that can stop at a submission's first failing test, as Codeforces does (the sandbox's)."""

    async def judge(
        self,
        exe: Compiled,
        tests: Sequence[Test],
        limits: Limits,
        checker: Checker = ...,
        *,
        stop_on_failure: bool = ...,
    ) -> JudgeResult: ...


# Languages of pack checkers this judge can run, each as (sandbox language, calling convention): a
# testlib-convention C++ checker (testlib.h pasted in, see sandbox.testlib), and open-r1's Python
# generated_checker (``checker.py input answer output``, prints 1 to accept; sandbox.checkers.open_r1_files).
# Both run in the sandbox only: they come with the data, so they are untrusted code.
CHECKER_RUNS = {"cpp": ("cpp17", TESTLIB), "python": ("python3", OPEN_R1)}
RUNNABLE_CHECKER_LANGS = frozenset(CHECKER_RUNS)
JUDGE_TRIES = 2  # a judge error is judged again once; still an error: the problem is not judged

PackMode = Literal["pack", "local", "unjudgeable"]


@dataclass(frozen=True)
class PackVerdict:
    verdict: str  # a Verdict value
    failed_test: int | None  # 0-based index of the first failing test
    detail: str
    tests: int = 0  # how many of the pack's tests (the first ones) it was judged on
    tries: int = 1  # 2: the first judging was a judge error


@dataclass(frozen=True)
class PackUse:
    """How a problem's submissions are judged, and why (for the report)."""

    mode: PackMode  # "pack": on the hidden tests; "local": local acceptance taken; "unjudgeable"
    note: str


def pack_use(problem: Problem, pack: TestPack | None, *, testlib: bool | None = None) -> PackUse:
    """Whether this pack can judge this problem honestly, and if not, what is done instead and why.
    ``testlib``: whether the judge has testlib.h (None: look, as ``sandbox.testlib.find_testlib`` does)."""
    if pack is None:
        return PackUse("local", "no hidden tests: accepted on local tests only (optimistic)")
    if problem.interactive:
        return PackUse(
            "local",
            f"interactive problem: the pack ({pack.origin}) has no interactor; accepted on local tests only "
            "(optimistic)",
        )
    if pack.input_mode == "file":
        return PackUse(
            "unjudgeable",
            "the program reads input.txt and writes output.txt, and the pack judge feeds standard input only: "
            "not judged, excluded from the score",
        )
    if pack.checker_source is not None and pack.checker_lang not in RUNNABLE_CHECKER_LANGS:
        return PackUse(
            "unjudgeable",
            f"the problem's checker ({pack.checker_lang}, from {pack.origin}) cannot be run by this judge yet, "
            "and token comparison could reject right answers: not judged, excluded from the score",
        )
    cpp_checker = pack.checker_source if pack.checker_lang == "cpp" else None
    if cpp_checker and needs_testlib(cpp_checker) and not (testlib if testlib is not None else _testlib_found()):
        return PackUse(
            "unjudgeable",
            f"the problem's checker (from {pack.origin}) includes testlib.h, which the judge has no copy of "
            f"({TESTLIB_HOW}); token comparison could reject right answers: not judged, excluded from the score",
        )
    if problem.several_answers and not pack.has_checker:
        return PackUse(
            "unjudgeable",
            f"several correct answers and the pack ({pack.origin}) has no checker, so token comparison could "
            "reject right answers: not judged, excluded from the score",
        )
    return PackUse("pack", f"judged on {pack.describe()}")


def _testlib_found() -> bool:
    try:
        return find_testlib() is not None
    except TestlibMissing:  # SANDBOX_TESTLIB names something that is not testlib.h
        return False


class PackJudge:
    def __init__(self, judge: PackJudgeBackend, *, testlib: Path | None = None) -> None:
        self.judge = judge
        self.testlib = testlib  # testlib.h for C++ checkers; None: found as sandbox.testlib says
        self._checkers: dict[str, Checker] = {}

    async def _checker(self, pack: TestPack) -> Checker:
        if pack.checker_kind is not CheckerKind.PROGRAM:
            return Checker(pack.checker_kind, eps=pack.checker_eps)
        key = f"{pack.origin}:{pack.index}"
        if key not in self._checkers:
            run = CHECKER_RUNS.get(pack.checker_lang)
            if run is None:
                raise CheckerUnusable(f"the pack's checker for {pack.index} is in {pack.checker_lang}: not runnable")
            lang, convention = run
            try:
                code = with_testlib(pack.checker_source or "", self.testlib) if lang == "cpp17" else pack.checker_source
            except TestlibMissing as e:
                raise CheckerUnusable(f"the pack's checker for {pack.index} cannot be compiled: {e}") from None
            exe = await self.judge.compile(Source(code or "", lang))
            if not exe.ok:
                raise CheckerUnusable(f"the pack's checker for {pack.index} does not compile: {exe.message[:300]}")
            self._checkers[key] = Checker.from_program(exe, convention)
        return self._checkers[key]

    async def verdict(
        self, problem: Problem, pack: TestPack, code: str, lang: str, *, count: int | None = None
    ) -> PackVerdict:
        """The verdict on the pack's first ``count`` tests (all of them when None); a judge error is judged
        again, up to JUDGE_TRIES times in all, and returned as JE only when it stays."""
        tests = pack.tests if count is None else pack.tests[:count]
        pv = PackVerdict(Verdict.JE.value, None, "not judged")
        for attempt in range(1, JUDGE_TRIES + 1):
            pv = await self._judge_once(problem, pack, tests, code, lang, "test" if count is None else "pretest")
            pv = PackVerdict(pv.verdict, pv.failed_test, pv.detail, len(tests), attempt)
            if pv.verdict != Verdict.JE.value:
                break
        return pv

    async def judge_tests(
        self, problem: Problem, pack: TestPack, tests: Sequence[Test], code: str, lang: str, *, stop: bool = False
    ) -> JudgeResult:
        """The sandbox's whole result on ``tests`` (per-test verdicts, time, memory, checker messages), with
        the problem's limits and the pack's checker; ``stop``: up to the first failing test (the backend must
        be a StoppingJudgeBackend). CheckerUnusable when the checker cannot be run."""
        exe = await self.judge.compile(Source(code, lang))
        if not exe.ok:
            return JudgeResult(Verdict.CE, (), exe.message)
        checker = await self._checker(pack)
        limits = Limits(time_s=problem.time_limit_s, memory_mb=problem.memory_limit_mb)
        if stop:  # only the judge command asks, with the real sandbox
            stopping = cast(StoppingJudgeBackend, self.judge)
            return await stopping.judge(exe, tests, limits, checker=checker, stop_on_failure=True)
        return await self.judge.judge(exe, tests, limits, checker=checker)

    async def _judge_once(
        self, problem: Problem, pack: TestPack, tests: Sequence[Test], code: str, lang: str, word: str
    ) -> PackVerdict:
        try:
            result = await self.judge_tests(problem, pack, tests, code, lang)
        except CheckerUnusable as e:
            return PackVerdict(Verdict.JE.value, None, str(e))
        if result.verdict is Verdict.CE:
            return PackVerdict(Verdict.CE.value, None, result.compile_message[:500])
        if result.verdict is Verdict.AC:
            what = "hidden tests" if word == "test" else "pretests"
            return PackVerdict(Verdict.AC.value, None, f"passed {len(tests)} {what}")
        names = [t.name for t in tests]
        failing = next((t for t in result.tests if t.verdict is not Verdict.AC), None)
        idx = names.index(failing.test) if failing is not None and failing.test in names else None
        where = f" on {word} {idx + 1} ({failing.test})" if failing is not None and idx is not None else ""
        message = ""
        if result.verdict is Verdict.JE and failing is not None and failing.check and failing.check.message:
            message = f": {failing.check.message[:300]}"  # why the checker failed, for the report
        return PackVerdict(result.verdict.value, idx, f"{result.verdict.long}{where}{message}")


class CheckerUnusable(Exception):
    """The pack's checker cannot be run (does not compile, needs a testlib.h the judge lacks, ...)."""
