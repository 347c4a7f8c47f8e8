"""The practice services against the real sandbox: `test` reports and the stress test's counterexample."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.api import Source, Verdict
from sandbox.judge import Judge
from solver.config import Config
from solver.practice import stress
from solver.practice.model import BotSolution
from solver.practice.services import LiveServices
from solver.runstore import Run
from solver.sources.codeforces import CodeforcesSource
from solver.sources.store import ProblemStore

from .data import (
    BUS,
    BUS_OK,
    BUS_WRONG,
    WATERMELON,
    WATERMELON_CE,
    WATERMELON_GEN,
    WATERMELON_OK,
    WATERMELON_VALIDATOR,
    WATERMELON_WRONG,
)

pytestmark = pytest.mark.docker


def services(tmp_path: Path, judge: Judge) -> LiveServices:
    source = CodeforcesSource(ProblemStore(tmp_path / "store"), None, None)
    s = LiveServices(Config(runs=tmp_path / "runs"), source, Run.create(tmp_path / "runs", "practice", {}))
    s._judge = judge  # the session's shared judge instead of a fresh one
    return s


async def test_wrong_answer_names_the_test_case_of_a_multitest_input(tmp_path: Path, judge: Judge) -> None:
    report = await services(tmp_path, judge).judge(BUS, Source(BUS_WRONG, "cpp17"), tmp_path / "tests")
    assert report.verdict is Verdict.WA
    (out,) = report.outcomes
    assert out.diff is not None
    assert (out.diff.case, out.diff.cases, out.diff.expected, out.diff.found) == (4, 4, "6", "4")
    assert out.actual.split() == ["4", "6", "6", "4"] and out.cpu_s < BUS.time_limit_s


async def test_accepted_and_user_tests_are_run(tmp_path: Path, judge: Judge) -> None:
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "mine.in").write_text("1\n1 1\n1\n")
    (tests / "mine.out").write_text("1\n")
    report = await services(tmp_path, judge).judge(BUS, Source(BUS_OK, "cpp17"), tests)
    assert report.verdict is Verdict.AC
    assert [o.name for o in report.outcomes] == ["sample 1", "mine"]


async def test_compile_error_reports_the_compiler(tmp_path: Path, judge: Judge) -> None:
    report = await services(tmp_path, judge).judge(WATERMELON, Source(WATERMELON_CE, "cpp17"), tmp_path / "t")
    assert report.verdict is Verdict.CE and report.outcomes == ()
    assert "error" in report.compile_message


BOT = BotSolution(
    Source(WATERMELON_OK, "cpp17"), Source(WATERMELON_GEN, "cpp17"), Source(WATERMELON_VALIDATOR, "cpp17")
)


async def test_stress_finds_and_shrinks_the_counterexample(judge: Judge) -> None:
    outcome = await stress.stress(judge, WATERMELON, Source(WATERMELON_WRONG, "cpp17"), BOT, 40)
    ce = outcome.counterexample
    assert ce is not None and ce.verdict is Verdict.WA
    assert (ce.input.split(), ce.expected.split(), ce.actual.split()) == (["2"], ["NO"], ["YES"])
    assert ce.diff is not None and ce.diff.expected == "NO" and ce.diff.found == "YES"
    assert outcome.tests_run == 40


async def test_stress_of_a_correct_program_finds_nothing(judge: Judge) -> None:
    outcome = await stress.stress(judge, WATERMELON, Source(WATERMELON_OK, "cpp17"), BOT, 40)
    assert outcome.counterexample is None and outcome.tests_run == 40


async def test_stress_shrinks_a_multitest_input_to_one_failing_case(judge: Judge) -> None:
    from .data import BUS_GEN, BUS_VALIDATOR

    bot = BotSolution(Source(BUS_OK, "cpp17"), Source(BUS_GEN, "cpp17"), Source(BUS_VALIDATOR, "cpp17"))
    outcome = await stress.stress(judge, BUS, Source(BUS_WRONG, "cpp17"), bot, 60)
    ce = outcome.counterexample
    assert ce is not None and ce.verdict is Verdict.WA
    lines = ce.input.split("\n")
    assert lines[0] == "1" and len(ce.input.strip().split("\n")) == 3, ce.input
    # the one remaining case really is one the wrong program gets wrong
    assert ce.expected.split() != ce.actual.split()
    assert ce.diff is not None and ce.diff.case is None  # one case left: nothing to point at
