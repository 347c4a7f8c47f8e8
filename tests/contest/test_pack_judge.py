"""A submission judged on a hidden-test pack by the real sandbox, with the pack's own checker program."""

from __future__ import annotations

from pathlib import Path

import pytest

from solver.contest.submit import PackJudge, pack_use
from solver.contest.testpack import load_tests_dir
from solver.problem import Problem, ProblemId, Sample

pytestmark = [pytest.mark.docker, pytest.mark.timeout(120)]

# Any number within 1 of the answer is right: several answers, so the pack must ship a checker.
CHECKER = r"""#include <cstdio>
#include <cstdlib>
int main(int argc, char** argv) {
    FILE* out = std::fopen(argv[2], "r"); FILE* ans = std::fopen(argv[3], "r");
    long long got, want;
    if (std::fscanf(out, "%lld", &got) != 1) { std::printf("no number\n"); return 2; }
    if (std::fscanf(ans, "%lld", &want) != 1) return 3;
    if (std::llabs(got - want) > 1) { std::printf("%lld is not within 1 of %lld\n", got, want); return 1; }
    return 0;
}
"""
PLUS_ONE = (
    '#include <cstdio>\nint main(){long long a,b;std::scanf("%lld %lld",&a,&b);'
    'std::printf("%lld\\n",a+b+1);}\n'
)
PLUS_FIVE = PLUS_ONE.replace("a+b+1", "a+b+(a>100?5:0)")


async def test_pack_with_checker_judges_in_the_sandbox(judge: object, tmp_path: Path) -> None:
    folder = tmp_path / "A"
    folder.mkdir()
    for name, (inp, ans) in {"1": ("1 2", "3"), "2": ("500 600", "1100"), "3": ("7 8", "15")}.items():
        (folder / f"{name}.in").write_text(inp + "\n")
        (folder / f"{name}.out").write_text(ans + "\n")
    (folder / "checker.cpp").write_text(CHECKER)
    pack = load_tests_dir(tmp_path)["A"]
    problem = Problem(
        ProblemId(1, "A"), "Near sum", 2.0, 256, "", "", "", (Sample("1 2\n", "3\n"),), several_answers=True
    )
    assert pack_use(problem, pack).mode == "pack"
    pj = PackJudge(judge)  # type: ignore[arg-type]
    ok = await pj.verdict(problem, pack, PLUS_ONE, "cpp17")
    assert (ok.verdict, ok.failed_test) == ("AC", None)
    bad = await pj.verdict(problem, pack, PLUS_FIVE, "cpp17")
    assert (bad.verdict, bad.failed_test) == ("WA", 1) and "test 2" in bad.detail
    ce = await pj.verdict(problem, pack, "int main( {", "cpp17")
    assert ce.verdict == "CE" and ce.failed_test is None
    # Pretests: the first test only, and a failure there is named a pretest.
    early = await pj.verdict(problem, pack, PLUS_FIVE.replace("a>100", "a>0"), "cpp17", count=1)
    assert (early.verdict, early.failed_test, early.tests) == ("WA", 0, 1) and "pretest 1" in early.detail
    # Without the checker, exact comparison would reject right answers: the problem cannot be judged, and
    # local acceptance is not taken instead.
    (folder / "checker.cpp").unlink()
    use = pack_use(problem, load_tests_dir(tmp_path)["A"])
    assert use.mode == "unjudgeable" and "excluded from the score" in use.note
