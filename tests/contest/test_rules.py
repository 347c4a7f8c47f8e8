"""The round's rules on constructed contests, with the solve loop and the judge replaced by fakes.

What a stub would fail: under Codeforces rules a solution that passes pretests but fails system tests must
score 0 with no further submission (and the bot must have been judged on pretests only while the round
ran); under ICPC rules each rejected attempt costs 10 minutes (Codeforces' figure) except a compilation
error or a failure on test 1; a judge error is judged again, and one that stays leaves the problem not
judged and out of the score (never accepted); a pack whose checker this judge cannot run is never judged
by token comparison.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from sandbox.api import Checker, Compiled, JudgeResult, Limits, RunResult, Source, Test, TestResult, Verdict
from solver.config import Config
from solver.contest import run as contest_run
from solver.contest import submit as contest_submit
from solver.contest.outcome import NOT_JUDGED
from solver.contest.rules import HACKS_NOTE, RoundRules, round_rules
from solver.contest.run import ContestOptions, Services, run_contest
from solver.contest.testpack import load_open_r1, pack_of_hidden_tests
from solver.problem import Contest, ContestProblem, ContestRef, ContestType, Problem, ProblemId, Sample
from solver.rating.placement import TimeModel
from solver.solve.work import Settings
from solver.sources.cf_api import RatingChange, Standings, StandingsRow
from solver.sources.openr1 import OpenR1
from solver.sources.specs import Spec, SpecKind
from tests.contest.test_play import RIGHT, WRONG, FakeSolve
from tests.sources import openr1_data

CID = 1349
LATE = "int main(){} // LATE"  # fails the 4th test: past 2 pretests
FIRST = "int main(){} // FIRST"  # fails test 1
BROKEN_CODE = "int main( // CE"
FLAKY = "int main(){} // FLAKY"  # the judge fails the first time it judges it
BROKEN_JUDGE = "int main(){} // JUDGE-FAILS"  # the judge fails every time
SYSTEM_JE = "int main(){} // SYSTEM-JE"  # the judge fails whenever it runs all 5 tests


def _problem(index: str) -> Problem:
    return Problem(ProblemId(CID, index), f"P{index}", 1.0, 256, "", "", "", (Sample("1 2\n", "3\n"),))


class Source_:
    """A finished contest of the given name and scoring type, with 30 rated opponents."""

    def __init__(self, name: str, type_: ContestType) -> None:
        self.contest = Contest(
            CID,
            name,
            type_,
            None,
            0,
            7200,
            (ContestProblem("A", "PA", 500.0, 800), ContestProblem("B", "PB", 1000.0, 1200)),
        )

    async def contest_problems(self, ref: ContestRef) -> list[Problem]:
        return [_problem("A"), _problem("B")]

    async def standings(self, contest_id: int, *, show_unofficial: bool = False) -> Standings:
        icpc = self.contest.type is ContestType.ICPC
        rows = tuple(
            StandingsRow(
                i + 1,
                (f"u{i}",),
                "CONTESTANT",
                float(2 - i // 10) if icpc else float(3000 - 100 * i),
                10 * i if icpc else 0,
                0,
                0,
                (),
            )
            for i in range(30)
        )
        return Standings(self.contest, self.contest.problems, rows)

    async def rating_changes(self, contest_id: int) -> list[RatingChange]:
        return [RatingChange(CID, "", f"u{i}", i + 1, 2400 - 30 * i, 2400 - 30 * i, 0) for i in range(30)]


TOKENS = Checker()


def _ok(verdict: Verdict) -> RunResult:
    return RunResult(verdict, 0, None, 0.01, 0.01, 1000, b"", b"")


class RuleJudge:
    """Verdicts by what the program's source says (see the constants above); records what it was asked."""

    def __init__(self) -> None:
        self.code: dict[str, str] = {}
        self.judged: list[tuple[str, int]] = []  # (code, number of tests)
        self.calls: Counter[str] = Counter()

    async def compile(self, source: Source) -> Compiled:
        if source.code == BROKEN_CODE:
            return Compiled("", source.lang, False, "error: expected ')'")
        handle = f"h{len(self.code)}"
        self.code[handle] = source.code
        return Compiled(handle, source.lang, True)

    async def judge(
        self, exe: Compiled, tests: Sequence[Test], limits: Limits, checker: Checker = TOKENS
    ) -> JudgeResult:
        code = self.code[exe.handle]
        self.calls[code] += 1
        self.judged.append((code, len(tests)))
        fail_at = {WRONG: 1, LATE: 3, FIRST: 0}.get(code)
        je = (
            code == BROKEN_JUDGE
            or (code == FLAKY and self.calls[code] == 1)
            or (code == SYSTEM_JE and len(tests) == 5)
        )
        results = []
        for i, t in enumerate(tests):
            v = Verdict.JE if je and i == 0 else Verdict.WA if i == fail_at else Verdict.AC
            results.append(TestResult(t.name, v, _ok(Verdict.AC)))
        overall = next((r.verdict for r in results if r.verdict is not Verdict.AC), Verdict.AC)
        return JudgeResult(overall, tuple(results))


def _pack_dir(root: Path, tests: int = 5) -> Path:
    for index in ("A", "B"):
        folder = root / "packs" / index
        folder.mkdir(parents=True)
        for i in range(1, tests + 1):
            (folder / f"{i}.in").write_text(f"{i} {i}\n")
            (folder / f"{i}.out").write_text(f"{2 * i}\n")
    return root / "packs"


def _services(tmp_path: Path, source: Source_, judge: RuleJudge) -> Services:
    return Services(source, None, judge, Config(runs=tmp_path / "runs"), Settings())  # type: ignore[arg-type]


def _options(packs: Path, **kw: Any) -> ContestOptions:
    return ContestOptions(
        time_model=TimeModel.parse("zero"), hidden_tests=(Spec(SpecKind.DIR, packs),), pretests=2, **kw
    )


def test_round_rules_follow_the_division_the_name_states() -> None:
    def rules(name: str, type_: ContestType = ContestType.CF) -> RoundRules:
        return round_rules(Contest(1, name, type_, None, 0, 7200), pretests=7)

    for name in ("Codeforces Round 641 (Div. 1)", "Codeforces Round 900 (Div. 2)", "Codeforces Global Round 3",
                 "Codeforces Round 934 (Div. 1 + Div. 2)"):  # fmt: skip
        assert rules(name) == RoundRules("CF", 7), name
    for name in ("Educational Codeforces Round 63 (Rated for Div. 2)", "Codeforces Round 640 (Div. 4)",
                 "Codeforces Round 642 (Div. 3)"):  # fmt: skip
        assert rules(name, ContestType.ICPC) == RoundRules("ICPC", None), name
    # No division in the name: the scoring type decides.
    assert rules("Good Bye 2017") == RoundRules("CF", 7)
    assert rules("Kotlin Heroes: Episode 10", ContestType.ICPC) == RoundRules("ICPC", None)
    assert RoundRules("CF", 10).pretest_count(25) == 10 and RoundRules("CF", 10).pretest_count(4) is None
    assert RoundRules("ICPC", None).pretest_count(25) is None
    with pytest.raises(ValueError):
        round_rules(Contest(1, "x", ContestType.CF, None, 0, 1), pretests=0)


async def test_passing_pretests_then_failing_system_tests_scores_zero(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    solve = FakeSolve({"A": [LATE, RIGHT], "B": [WRONG, RIGHT]})
    monkeypatch.setattr(contest_run, "solve_problem", solve)
    judge = RuleJudge()
    source = Source_("Codeforces Round 900 (Div. 2)", ContestType.CF)
    result, scores, run = await run_contest(CID, _services(tmp_path, source, judge), _options(_pack_dir(tmp_path)))
    a, b = result.problems
    # A passed its 2 pretests; the bot stopped there (no second attempt), and the system test failed.
    assert [(s.verdict, s.pretests, s.system) for s in a.submissions] == [("AC", 2, "WA")]
    assert not a.accepted and a.failed_system_tests and a.verdict == "WA on system tests"
    assert "failed system tests" in a.note and "no further submission" in a.note
    assert sorted(solve.calls) == [("A", 0), ("B", 0), ("B", 1)]
    # B failed pretest 2, tried again, passed pretests and the system tests: 1000 - 50 for the rejection.
    assert [(s.verdict, s.system) for s in b.submissions] == [("WA", None), ("AC", "AC")] and b.accepted
    assert "pretest 2" in b.submissions[0].detail
    assert scores == {"A": "0", "B": "950"} and result.placement.points == 950
    # During the round only the 2 pretests were judged; all 5 only in the system tests after it.
    assert sorted(judge.judged) == sorted([(LATE, 2), (LATE, 5), (WRONG, 2), (RIGHT, 2), (RIGHT, 5)])
    assert result.judging == RoundRules("CF", 2)
    events = (run.path / "events.jsonl").read_text()
    assert events.count('"type": "contest_system_test"') == 2

    # Resumed after the end: the same result, nothing solved or judged again.
    again, _, _ = await run_contest(
        CID, _services(tmp_path, source, judge), _options(tmp_path / "packs"), resume=run.path.name
    )
    assert len(solve.calls) == 3 and len(judge.judged) == 5
    assert [p.to_json() for p in again.problems] == [p.to_json() for p in result.problems]


async def test_resume_after_pretests_system_tests_what_was_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run stopped between the pretest pass and the system test is system-tested when resumed."""
    monkeypatch.setattr(contest_run, "solve_problem", FakeSolve({"A": [LATE], "B": [RIGHT]}))
    judge = RuleJudge()
    source = Source_("Codeforces Round 900 (Div. 2)", ContestType.CF)
    svc = _services(tmp_path, source, judge)
    packs = _pack_dir(tmp_path)

    async def interrupted(self: contest_run.ContestPlay) -> list[Any]:
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(contest_run.ContestPlay, "system_test", interrupted)
        with pytest.raises(KeyboardInterrupt):
            await run_contest(CID, svc, _options(packs))
    (run_dir,) = (tmp_path / "runs").iterdir()
    for index, code in (("A", LATE), ("B", RIGHT)):  # where the solve loop leaves the programs it submits
        (run_dir / index).mkdir()
        (run_dir / index / "c0-v1.cpp").write_text(code)
    result, scores, _ = await run_contest(CID, svc, _options(packs), resume=run_dir.name)
    assert sorted(judge.judged[-2:]) == [(LATE, 5), (RIGHT, 5)]  # read back and system-tested
    assert result.problems[0].failed_system_tests and scores == {"A": "0", "B": "1000"}


async def test_icpc_rules_judge_every_test_and_penalise_as_codeforces_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    solve = FakeSolve({"A": [BROKEN_CODE, FIRST, WRONG, RIGHT], "B": [LATE, RIGHT]})
    monkeypatch.setattr(contest_run, "solve_problem", solve)
    judge = RuleJudge()
    source = Source_("Educational Codeforces Round 63 (Rated for Div. 2)", ContestType.ICPC)
    result, scores, _ = await run_contest(CID, _services(tmp_path, source, judge), _options(_pack_dir(tmp_path)))
    a, b = result.problems
    assert [s.verdict for s in a.submissions] == ["CE", "WA", "WA", "AC"]
    assert [s.failed_test for s in a.submissions] == [None, 0, 1, None]
    assert a.rejected == 1  # the compilation error and the failure on test 1 are free
    # B's failure on test 4 is seen during the round (every test is judged): a penalised rejection.
    assert [s.verdict for s in b.submissions] == ["WA", "AC"] and b.rejected == 1
    assert all(n == 5 for _, n in judge.judged) and all(s.pretests is None for s in a.submissions)
    # Codeforces' ICPC-rules rounds charge 10 minutes per penalised rejection (minute 0 here).
    assert (result.placement.points, result.placement.penalty) == (2, 20)
    assert scores == {"A": "10", "B": "10"} and result.judging == RoundRules("ICPC", None)


async def test_judge_errors_are_judged_again_then_excluded_never_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    solve = FakeSolve({"A": [FLAKY], "B": [BROKEN_JUDGE, RIGHT]})
    monkeypatch.setattr(contest_run, "solve_problem", solve)
    judge = RuleJudge()
    source = Source_("Codeforces Round 900 (Div. 2)", ContestType.CF)
    result, scores, _ = await run_contest(CID, _services(tmp_path, source, judge), _options(_pack_dir(tmp_path)))
    a, b = result.problems
    # A: the judge failed once; judged again, it passed pretests and the system tests.
    assert a.accepted and a.judged == "pack" and "judged again after a judge error" in a.submissions[0].detail
    # B: the judge failed twice: not judged, not accepted, no penalty, no second attempt, out of the score.
    assert [s.verdict for s in b.submissions] == [NOT_JUDGED] and not b.accepted and b.rejected == 0
    assert b.unjudged and b.verdict == NOT_JUDGED and "excluded from the score" in b.note
    assert ("B", 1) not in solve.calls and judge.calls[BROKEN_JUDGE] == 2
    assert result.unjudged == ["B"] and scores["B"] == "0" and result.placement.points == 500
    assert result.verified is None  # nothing rests on local acceptance

    # A judge error that stays in the system tests: the problem is not judged either.
    monkeypatch.setattr(contest_run, "solve_problem", FakeSolve({"A": [SYSTEM_JE], "B": [RIGHT]}))
    runs = tmp_path / "second"
    svc = Services(source, None, RuleJudge(), Config(runs=runs), Settings())  # type: ignore[arg-type]
    result, scores, _ = await run_contest(CID, svc, _options(tmp_path / "packs"))
    a = result.problems[0]
    assert a.submissions[0].passed_pretests and a.submissions[0].system == NOT_JUDGED
    assert a.unjudged and not a.accepted and "system tests" in a.note and result.unjudged == ["A"]
    assert scores == {"A": "0", "B": "1000"}


def _open_r1_copy(root: Path) -> Path:
    """Contest 1349 as open-r1 ships it: A with complete official tests, B with a Python checker."""
    rows = [
        openr1_data.row(
            f"{CID}/A",
            official_tests=[{"input": f"{i} {i}\n", "output": f"{2 * i}\n"} for i in range(1, 6)],
            generated_tests=2,
        ),
        openr1_data.row(
            f"{CID}/B",
            official_tests=[{"input": "2 0.5\n", "output": "1.0\n"}],
            official_tests_complete=False,
            generated_checker=openr1_data.FLOAT_CHECKER,
        ),
    ]
    openr1_data.write_problems(root, rows, shards=1)
    openr1_data.write_generated(root, CID, [(f"{CID}/A", 1, "7 7\n", "14\n"), (f"{CID}/A", 0, "6 6\n", "12\n")])
    return root


def test_open_r1_hidden_tests_become_packs_official_first(tmp_path: Path) -> None:
    root = _open_r1_copy(tmp_path / "open-r1")
    packs = load_open_r1(root, CID)
    a, b = packs["A"], packs["B"]
    assert [t.name for t in a.tests] == [*(f"official-{i}" for i in range(1, 6)), "generated-1", "generated-2"]
    assert a.tests[5].input == b"6 6\n" and a.tests[6].answer == b"14\n"  # generated in the dataset's order
    assert (a.complete, a.generated, a.official_count, a.coverage) == (True, True, 5, "complete")
    assert "5 official (complete) + 2 generated" in a.describe() and a.checker_source is None
    assert (b.complete, b.generated, b.coverage, b.checker_lang) == (False, False, "partial", "python")
    assert b.checker_source == openr1_data.FLOAT_CHECKER
    # A copy without the contest's generated-tests file: official tests only, and the report says which file.
    (root / "generated_tests" / f"test_cases_{CID}.parquet").unlink()
    h = OpenR1(root).hidden_tests(ProblemId(CID, "A"))
    pack = pack_of_hidden_tests(h)
    assert len(pack.tests) == 5 and not pack.generated and "test_cases_1349.parquet" in pack.describe()


async def test_a_checker_this_judge_cannot_run_leaves_the_problem_unjudged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _open_r1_copy(tmp_path / "open-r1")
    monkeypatch.setattr(contest_run, "solve_problem", FakeSolve({"A": [RIGHT], "B": [RIGHT]}))
    # A judge that runs no Python checker (this one runs them now: see tests/contest/test_pack_checkers.py).
    monkeypatch.setattr(contest_submit, "RUNNABLE_CHECKER_LANGS", frozenset({"cpp"}))
    judge = RuleJudge()
    source = Source_("Codeforces Round 900 (Div. 2)", ContestType.CF)
    options = ContestOptions(time_model=TimeModel.parse("zero"), hidden_tests=(Spec(SpecKind.OPEN_R1, root),))
    result, scores, _ = await run_contest(CID, _services(tmp_path, source, judge), options)
    a, b = result.problems
    assert a.accepted and a.coverage == "complete" and a.submissions[0].pretests is None  # 7 tests <= 10
    assert b.unjudged and not b.accepted and b.coverage == "partial" and "python" in b.note
    assert all(code == RIGHT and n == 7 for code, n in judge.judged)  # B never went to token comparison
    assert scores == {"A": "500", "B": "0"}


def test_rules_and_hacks_are_named_in_the_assumptions(tmp_path: Path) -> None:
    from solver.contest.outcome import ContestResult, Placement, ProblemOutcome, Submission
    from solver.contest.present import contest_assumptions, coverage_text

    subs = (Submission(60.0, 1, "AC", "pack", pretests=10, system="WA", system_failed_test=12),)
    problems = (
        ProblemOutcome("A", "", 800, 500.0, subs, "pack", coverage="complete"),
        ProblemOutcome("B", "", 900, 1000.0, (Submission(9.0, 0, "AC", "local"),), "local"),
        ProblemOutcome("C", "", 900, 1500.0, (Submission(9.0, 0, "AC", "pack"),), "pack", coverage="partial"),
        ProblemOutcome(
            "D",
            "",
            900,
            2000.0,
            (Submission(9.0, 0, NOT_JUDGED, "unjudged"),),
            "unjudged",
            note="the problem's checker (python) cannot be run",
            coverage="partial",
        ),
    )
    result = ContestResult(
        CID, "R", "2", "CF", 7200, "zero", problems, Placement(1500.0, 0, 5, 5, 30, 1500.0), None,
        judging=RoundRules("CF", 10),
    )  # fmt: skip
    text = coverage_text(result.problems)
    assert text == (
        "complete official tests: A; generated or incomplete tests only: C, D; no hidden tests: B; "
        "accepted local only (optimistic): B; not judged, excluded from the score: D"
    )
    said = "\n".join(contest_assumptions(result, "zero"))
    assert "pretests only (the first 10 tests" in said and HACKS_NOTE in said
    assert "Problems B were accepted on local tests only" in said and "local only (optimistic)" in said
    assert "Problems C were accepted on generated or incomplete" in said
    assert "Problem D not judged, counted as unsolved — the problem's checker (python)" in said
    assert "Problems A passed pretests and failed system tests" in said
    assert replace(result, judging=None).to_json()["judging"] is None
    assert ContestResult.from_json(result.to_json()) == result
