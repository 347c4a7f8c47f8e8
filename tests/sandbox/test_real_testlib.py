"""The built-in checkers against the real testlib's (wcmp, rcmp6), compiled and run in the judge.

The real testlib lives in the shared folder beside the data (``../shared/testlib``, its README); it is read
in place and inlined into each checker's source, as the judge compiles one file.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox import checkers
from sandbox.api import Checker, Limits, Source, Test, Verdict
from sandbox.judge import Judge
from sandbox.testlib import inline_testlib

ECHO = "import sys\nsys.stdout.buffer.write(sys.stdin.buffer.read())\n"  # its output is the test's input

# (output, answer): agreement, mismatches, missing and extra tokens, whitespace layouts, numbers near eps
CASES = [
    (b"1 2 3\n", b"1 2 3\n"),
    (b"1  2\n\n3", b"1 2 3\n"),
    (b"5\n", b"5\n"),
    (b"1 2 4\n", b"1 2 3\n"),
    (b"1 2\n", b"1 2 3\n"),
    (b"1 2 3 4\n", b"1 2 3\n"),
    (b"YES\n", b"yes\n"),
    (b"", b"\n"),
    (b"0.3333333\n", b"0.333333333\n"),
    (b"0.3333\n", b"0.333333333\n"),
    (b"1000000.5\n", b"1000000.0\n"),
    (b"1e-7\n", b"0\n"),
    (b"abc\n", b"1.5\n"),
]


def _real_checker(shared_data: Path, name: str) -> str:
    testlib = shared_data.parent / "testlib"
    header = (testlib / "testlib.h").read_text()
    source = (testlib / "checkers" / f"{name}.cpp").read_text()
    assert '#include "testlib.h"' in source
    return inline_testlib(source, header, f"{name}.cpp")  # the production pasting, #line directives included


@pytest.mark.docker
@pytest.mark.timeout(600)
@pytest.mark.parametrize(("name", "ours"), [("wcmp", Checker.tokens()), ("rcmp6", Checker.numbers(1e-6))])
async def test_builtin_checkers_agree_with_real_testlib(
    shared_data: Path, judge: Judge, name: str, ours: Checker
) -> None:
    real = await judge.compile(Source(_real_checker(shared_data, name), "cpp17"))
    assert real.ok, real.message[-2000:]
    echo = await judge.compile(Source(ECHO, "python3"))
    cases = [(out, ans) for out, ans in CASES if name == "wcmp" or _numeric(out + ans)]
    tests = [Test(str(i), out, ans) for i, (out, ans) in enumerate(cases)]
    res = await judge.judge(echo, tests, Limits(5.0, 256), Checker.from_program(real))
    assert len(res.tests) == len(cases)
    for (out, ans), t in zip(cases, res.tests, strict=True):
        mine = checkers.check(ours, out, out, ans)
        assert t.check is not None and t.check.verdict is not Verdict.JE, t.check
        assert (mine.verdict is Verdict.AC) == (t.verdict is Verdict.AC), (name, out, ans, t.check, mine)


def _numeric(data: bytes) -> bool:
    try:
        [float(w) for w in data.split()]
    except ValueError:
        return False
    return True
