"""Pack checkers as the contest judges them: open-r1's Python checker is run (no longer "unjudgeable"), and
a C++ checker that includes testlib.h is judged with the judge's testlib.h, or unjudgeable without one."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.api import CheckerKind
from sandbox.judge import Judge
from solver.contest import testpack
from solver.contest.submit import RUNNABLE_CHECKER_LANGS, PackJudge, pack_use
from solver.contest.testpack import load_open_r1, load_tests_dir
from solver.problem import Problem, ProblemId, Sample
from tests.conftest import REPO
from tests.sources.openr1_data import write_synthetic

TESTLIB = REPO.parent / "shared" / "testlib" / "testlib.h"
SPLIT = Problem(
    ProblemId(1992, "C"), "Any Split", 1.0, 256, "", "", "", (Sample("4\n", "1 3\n"),), several_answers=True
)
# Any a, b > 0 with a + b = n; testlib's own reading and verdicts.
TESTLIB_CHECKER = """#include "testlib.h"
int main(int argc, char* argv[]) {
    registerTestlibCmd(argc, argv);
    long long n = inf.readLong(), a = ouf.readLong(), b = ouf.readLong();
    if (a <= 0 || b <= 0 || a + b != n) quitf(_wa, "%lld + %lld is not %lld", a, b, n);
    quitf(_ok, "fine");
}
"""
FIRST_SPLIT = "n=int(input())\nprint(1, n-1)\n"
BAD_SPLIT = "n=int(input())\nprint(1, n)\n"


def _split_pack(tmp_path: Path) -> testpack.TestPack:
    folder = tmp_path / "C"
    folder.mkdir()
    for name, (inp, ans) in {"1": ("4", "2 2"), "2": ("10", "3 7")}.items():
        (folder / f"{name}.in").write_text(inp + "\n")
        (folder / f"{name}.out").write_text(ans + "\n")
    (folder / "checker.cpp").write_text(TESTLIB_CHECKER)
    return load_tests_dir(tmp_path)["C"]


def test_python_checkers_are_runnable_and_testlib_checkers_need_testlib(tmp_path: Path) -> None:
    assert "python" in RUNNABLE_CHECKER_LANGS
    pack = load_open_r1(write_synthetic(tmp_path / "or1"), 1992)["C"]
    assert pack.checker_lang == "python" and pack_use(SPLIT, pack).mode == "pack"
    cpp = _split_pack(tmp_path)
    assert pack_use(SPLIT, cpp, testlib=True).mode == "pack"
    use = pack_use(SPLIT, cpp, testlib=False)
    assert use.mode == "unjudgeable" and "testlib.h" in use.note and "--testlib" in use.note
    assert cpp.checker_kind is CheckerKind.PROGRAM


@pytest.mark.docker
@pytest.mark.timeout(300)
async def test_contest_judges_with_python_and_testlib_checkers(judge: Judge, tmp_path: Path) -> None:
    pj = PackJudge(judge, testlib=TESTLIB)
    or1 = load_open_r1(write_synthetic(tmp_path / "or1"), 1992)["C"]
    ok = await pj.verdict(SPLIT, or1, FIRST_SPLIT, "python3")
    assert ok.verdict == "AC", ok  # the jury printed other splits: token comparison would have said WA
    bad = await pj.verdict(SPLIT, or1, BAD_SPLIT, "python3")
    assert (bad.verdict, bad.failed_test) == ("WA", 0), bad
    cpp = _split_pack(tmp_path)
    assert (await pj.verdict(SPLIT, cpp, FIRST_SPLIT, "python3")).verdict == "AC"
    wa = await pj.verdict(SPLIT, cpp, BAD_SPLIT, "python3")
    assert wa.verdict == "WA" and wa.failed_test == 0
    # Without testlib.h anywhere, the checker cannot be compiled: a judge error, never a token comparison.
    missing = PackJudge(judge, testlib=tmp_path / "nowhere.h")
    je = await missing.verdict(SPLIT, cpp, FIRST_SPLIT, "python3")
    assert je.verdict == "JE" and "testlib" in je.detail
