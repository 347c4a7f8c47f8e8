"""Interactive problems: solution and interactor (testlib convention) connected by pipes, both sandboxed."""

from __future__ import annotations

import pytest

from sandbox.api import Compiled, Limits, Source, Test, Verdict
from sandbox.judge import Judge

pytestmark = pytest.mark.docker

# Guess a number in [1, n]: the interactor reads n and x from its input file (argv[1]), answers
# "<", ">" or "=" and writes the number of queries to its output file (argv[2]).
INTERACTOR = r"""#include <bits/stdc++.h>
int main(int argc, char** argv) {
    FILE* in = fopen(argv[1], "r"); FILE* out = fopen(argv[2], "w");
    if (!in || !out) return 3;
    long long n, x; if (fscanf(in, "%lld %lld", &n, &x) != 2) return 3;
    printf("%lld\n", n); fflush(stdout);
    for (int q = 1; q <= 40; q++) {
        char c; long long y;
        if (scanf(" %c %lld", &c, &y) != 2) { fprintf(stderr, "unexpected end of input"); return 2; }
        if (c == '!') {
            fprintf(out, "%d\n", q);
            if (y == x) { fprintf(stderr, "ok guessed in %d", q); return 0; }
            fprintf(stderr, "wrong answer %lld, expected %lld", y, x); return 1;
        }
        printf("%s\n", y < x ? "<" : y > x ? ">" : "="); fflush(stdout);
    }
    fprintf(stderr, "wrong answer too many queries"); return 1;
}
"""

BINARY_SEARCH = r"""import sys
n = int(input())
lo, hi = 1, n
while lo < hi:
    mid = (lo + hi + 1) // 2
    print("?", mid, flush=True)
    r = input().strip()
    if r == "=":
        lo = hi = mid
    elif r == "<":
        lo = mid
    else:
        hi = mid - 1
print("!", lo, flush=True)
"""


async def _c(judge: Judge, code: str, lang: str) -> Compiled:
    exe = await judge.compile(Source(code, lang))
    assert exe.ok, exe.message
    return exe


@pytest.fixture
async def interactor(judge: Judge) -> Compiled:
    return await _c(judge, INTERACTOR, "cpp17")


async def test_correct_solution_is_accepted(judge: Judge, interactor: Compiled) -> None:
    sol = await _c(judge, BINARY_SEARCH, "python3")
    res = await judge.interact(sol, interactor, Test("1", b"1000000 777777\n", None), Limits(2.0, 256))
    assert res.verdict is Verdict.AC, (res.run.detail, res.check)
    assert res.check is not None and "ok guessed" in res.check.message


async def test_wrong_guess_is_wrong_answer(judge: Judge, interactor: Compiled) -> None:
    sol = await _c(judge, "n = int(input())\nprint('!', n, flush=True)\n", "python3")
    res = await judge.interact(sol, interactor, Test("1", b"100 5\n", None), Limits(2.0, 256))
    assert res.verdict is Verdict.WA
    assert res.check is not None and "expected 5" in res.check.message


async def test_silent_solution_waiting_for_input_is_idleness(judge: Judge, interactor: Compiled) -> None:
    # Reads n, then waits for a reply it never asked for: both sides block, nobody uses CPU.
    sol = await _c(
        judge, '#include <cstdio>\nint main(){ int n; scanf("%d", &n); scanf("%d", &n); }', "cpp17"
    )
    res = await judge.interact(sol, interactor, Test("1", b"100 5\n", None), Limits(2.0, 256, idle_s=0.5))
    assert res.verdict is Verdict.ILE, res.run.detail


async def test_busy_solution_is_time_limit(judge: Judge, interactor: Compiled) -> None:
    sol = await _c(judge, "int main(){ volatile long x = 0; for(;;) x++; }", "cpp17")
    res = await judge.interact(sol, interactor, Test("1", b"100 5\n", None), Limits(1.0, 256))
    assert res.verdict is Verdict.TLE, res.run.detail


async def test_crashing_interactor_is_a_judge_error(judge: Judge) -> None:
    bad = await _c(judge, "int main(){ return 3; }", "cpp17")
    sol = await _c(judge, BINARY_SEARCH, "python3")
    res = await judge.interact(sol, bad, Test("1", b"10 3\n", None), Limits(2.0, 256))
    assert res.verdict is Verdict.JE
