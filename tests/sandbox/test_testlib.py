"""Where the judge gets testlib.h (flag, $SANDBOX_TESTLIB, its cache; a pinned, checksummed download), and
open-r1's Python checkers run in the sandbox as open-r1's grader runs them."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from sandbox import checkers
from sandbox.api import OPEN_R1, Checker, Limits, RunResult, Source, Test, Verdict
from sandbox.judge import Judge
from sandbox.testlib import (
    ENV,
    TESTLIB_COMMIT,
    TESTLIB_SHA256,
    TESTLIB_URL,
    TestlibMissing,
    cached_path,
    fetch_testlib,
    find_testlib,
    inline_testlib,
    install_testlib,
    needs_testlib,
    require_testlib,
    with_testlib,
)
from tests.conftest import REPO

SHARED_TESTLIB = REPO.parent / "shared" / "testlib" / "testlib.h"


@pytest.fixture
def no_testlib(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No flag, no environment, an empty cache."""
    monkeypatch.delenv(ENV, raising=False)
    monkeypatch.setenv("CP_SOLVER_CACHE", str(tmp_path / "cache"))
    return tmp_path


def test_pinned_to_the_shared_copy() -> None:
    if not SHARED_TESTLIB.is_file():
        pytest.skip(f"no shared testlib at {SHARED_TESTLIB}")
    assert hashlib.sha256(SHARED_TESTLIB.read_bytes()).hexdigest() == TESTLIB_SHA256
    assert TESTLIB_COMMIT in (SHARED_TESTLIB.parent / "README.md").read_text()
    assert TESTLIB_URL.endswith(f"/{TESTLIB_COMMIT}/testlib.h")


def test_inlining_keeps_line_numbers_and_leaves_other_sources_alone() -> None:
    src = '// checker\n#include "testlib.h"\nint main() { bad }\n'
    assert needs_testlib(src) and not needs_testlib("#include <cstdio>\n")
    out = inline_testlib(src, "HEADER\n")
    assert out.startswith('// checker\n#line 1 "[testlib.h]"\nHEADER\n')
    assert '#line 3 "checker.cpp"\nint main() { bad }' in out  # errors point at the checker's own line 3
    assert with_testlib("int main() {}\n") == "int main() {}\n"  # nothing to find, nothing needed


def test_without_testlib_a_checker_that_needs_it_is_a_clear_error(no_testlib: Path) -> None:
    assert find_testlib() is None
    with pytest.raises(TestlibMissing) as e:
        with_testlib('#include "testlib.h"\nint main(){}\n')
    assert "--testlib PATH" in str(e.value) and ENV in str(e.value) and TESTLIB_COMMIT in str(e.value)


def test_a_named_path_must_be_testlib(no_testlib: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = no_testlib / "testlib.h"
    fake.write_text("// not it\n")
    with pytest.raises(TestlibMissing, match=r"is not testlib\.h"):
        find_testlib(fake)
    with pytest.raises(TestlibMissing, match="is not a file"):
        find_testlib(no_testlib / "missing.h")
    monkeypatch.setenv(ENV, str(no_testlib / "typo.h"))
    with pytest.raises(TestlibMissing, match=ENV):
        find_testlib()  # a typo in the environment is said, not silently ignored


def test_flag_then_environment_then_cache(no_testlib: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = no_testlib / "a.h", no_testlib / "b.h"
    a.write_text("// a\nvoid registerTestlibCmd();\n")
    b.write_text("// b\nvoid registerTestlibCmd();\n")
    assert install_testlib(a) == cached_path() and find_testlib() == cached_path()
    monkeypatch.setenv(ENV, str(b))
    assert find_testlib() == b
    assert find_testlib(a) == a
    assert "// b" in require_testlib()


def test_download_offline_is_a_clear_error(no_testlib: Path) -> None:
    with pytest.raises(TestlibMissing) as e:
        fetch_testlib("http://127.0.0.1:9/testlib.h", timeout_s=5)
    assert "could not download" in str(e.value) and "--testlib PATH" in str(e.value)
    assert not cached_path().exists()


def test_download_is_checked_against_the_pinned_sha256(no_testlib: Path) -> None:
    """The download path end to end, with a file:// URL standing in for GitHub (no network here)."""
    src = no_testlib / "dl.h"
    src.write_bytes(b"// downloaded\nvoid registerTestlibCmd();\n")
    with pytest.raises(TestlibMissing, match="not the pinned"):
        fetch_testlib(src.as_uri())
    assert not cached_path().exists()
    digest = hashlib.sha256(src.read_bytes()).hexdigest()
    assert fetch_testlib(src.as_uri(), sha256=digest) == cached_path()
    assert find_testlib() == cached_path() and cached_path().read_bytes() == src.read_bytes()


# ------------------------------------------------------------------ open-r1's Python checkers


def test_open_r1_files_are_prepared_as_its_grader_prepares_them() -> None:
    inp, correct, out = checkers.open_r1_files(b"3\r\n1 2\r\n", b"1\r\n\r\n2\n\n\n", b"\n1\n\n2")
    assert inp == b"3\n1 2\n"  # sed 's/\r$//'
    assert correct == b"1\n2\n"  # $(cat) + echo, CRs at line ends, empty lines deleted
    assert out == b"1\n2"  # only empty lines deleted


def _run(stdout: bytes, exit_code: int = 0, status: Verdict = Verdict.AC) -> RunResult:
    return RunResult(status, exit_code, None, 0.0, 0.0, 0, stdout, b"Traceback ...", "")


@pytest.mark.parametrize(
    ("stdout", "exit_code", "status", "verdict"),
    [
        (b"1\n", 0, Verdict.AC, Verdict.AC),
        (b" 100 \n", 0, Verdict.AC, Verdict.AC),
        (b"0\n", 0, Verdict.AC, Verdict.WA),
        (b"1\n", 1, Verdict.RE, Verdict.WA),  # printed 1, then failed: open-r1 does not accept it
        (b"", None, Verdict.TLE, Verdict.WA),
        (b"", None, Verdict.JE, Verdict.JE),  # the sandbox failed, not the checker
    ],
)
def test_open_r1_acceptance_rule(stdout: bytes, exit_code: int, status: Verdict, verdict: Verdict) -> None:
    assert checkers.open_r1_result(_run(stdout, exit_code, status)).verdict is verdict


# Written as the dataset's checkers are: argv[1] input, argv[2] the correct output, argv[3] the solution's.
# The test input is "n|output": the judged program prints what follows "|", the checker reads n before it.
PY_CHECKER = """import sys
n = int(open(sys.argv[1]).read().split("|")[0])
want = open(sys.argv[2]).read()
got = open(sys.argv[3]).read().split()
a, b = int(got[0]), int(got[1])
print(1 if a + b == n and a > 0 and b > 0 and want == "1 9\\n" else 0)
"""
ECHO_AFTER_BAR = "import sys\nsys.stdout.write(sys.stdin.read().split('|')[1])\n"


@pytest.mark.docker
@pytest.mark.timeout(180)
async def test_open_r1_checker_runs_in_the_sandbox(judge: Judge) -> None:
    chk = await judge.compile(Source(PY_CHECKER, "python3"))
    echo = await judge.compile(Source(ECHO_AFTER_BAR, "python3"))
    assert chk.ok and echo.ok
    tests = [
        Test("any-split", b"10|\n3 7\n\n", b"1 9\r\n\n"),  # not the jury's pair, still right
        Test("wrong-sum", b"10|3 8\n", b"1 9\n"),
        Test("garbage", b"10|x\n", b"1 9\n"),  # the checker raises: open-r1 counts it as not accepted
    ]
    res = await judge.judge(echo, tests, Limits(5.0, 256), Checker.from_program(chk, OPEN_R1))
    by = {t.test: t for t in res.tests}
    assert by["any-split"].verdict is Verdict.AC, by["any-split"].check
    assert by["wrong-sum"].verdict is Verdict.WA and "printed '0'" in str(by["wrong-sum"].check)
    garbage = by["garbage"]
    assert garbage.verdict is Verdict.WA and garbage.check is not None and "ValueError" in garbage.check.message
