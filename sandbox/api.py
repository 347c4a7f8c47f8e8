"""The sandbox's public contract: values in, values out.

The pipeline (solver) uses only what is here and in ``sandbox.judge``:

    judge = await open_judge(JudgeConfig(...))        # starts warm workers (Docker) or a local backend
    exe = await judge.compile(Source(code, "cpp17"))  # Compiled; .ok False => CE with .message
    r = await judge.run(exe, b"input", Limits(2.0, 256))                      # one run, RunResult
    res = await judge.judge(exe, tests, Limits(...), checker=Checker.token()) # verdict per test
    res = await judge.interact(exe, interactor_exe, test, Limits(...))        # interactive problem
    await judge.close()

Everything here is a frozen dataclass or an enum, so results can be stored and compared.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import Enum


class Verdict(str, Enum):
    """Verdicts, in precedence order: when tests disagree, the overall verdict is the first non-AC one."""

    AC = "AC"  # Accepted
    WA = "WA"  # Wrong Answer
    PE = "PE"  # Presentation Error (only where a checker reports it)
    TLE = "TLE"  # CPU time over the limit, or killed by the wall clock
    ILE = "ILE"  # Idleness: waiting for input (interactive) without using CPU
    MLE = "MLE"  # Memory over the limit
    OLE = "OLE"  # Output over the limit
    RE = "RE"  # Runtime error: non-zero exit code or a signal
    CE = "CE"  # Compilation error
    JE = "JE"  # Judge error: the judge failed; never a property of the solution

    @property
    def long(self) -> str:
        return _LONG[self]


_LONG = {
    Verdict.AC: "Accepted",
    Verdict.WA: "Wrong answer",
    Verdict.PE: "Presentation error",
    Verdict.TLE: "Time limit exceeded",
    Verdict.ILE: "Idleness limit exceeded",
    Verdict.MLE: "Memory limit exceeded",
    Verdict.OLE: "Output limit exceeded",
    Verdict.RE: "Runtime error",
    Verdict.CE: "Compilation error",
    Verdict.JE: "Judge error",
}


@dataclass(frozen=True)
class Source:
    code: str
    lang: str  # a key of sandbox.languages.LANGUAGES: cpp17, cpp20, c11, python3, pypy3


# What the judge can enforce (the one place these ranges live; the CLI's flags are checked against them).
# Memory: beyond 2048 MB a worker's container (4096 MB) could no longer tell MLE from its own limit.
TIME_RANGE_S = (0.01, 300.0)
MEMORY_RANGE_MB = (1, 2048)
OUTPUT_RANGE_MB = (1, 512)
WALL_FACTOR_RANGE = (1.0, 10.0)
EPS_RANGE = (0.0, 1.0)  # the numbers checker's absolute-or-relative tolerance


def check_range(what: str, value: float, bounds: tuple[float, float], unit: str = "") -> None:
    """ValueError naming the allowed range unless low <= value <= high (NaN is never in range)."""
    low, high = bounds
    if not low <= value <= high:
        shown = f"{value:g}" if isinstance(value, float) else str(value)
        raise ValueError(f"{what} {shown}{unit} is out of range: give {low:g} to {high:g}{unit}")


@dataclass(frozen=True)
class Limits:
    """Limits of one run; out-of-range values raise ValueError naming the allowed range."""

    time_s: float = 2.0  # CPU time limit
    memory_mb: int = 256
    output_mb: int = 64
    wall_factor: float = 3.0  # wall-clock kill at time_s * wall_factor (+0.5 s)
    idle_s: float | None = None  # interactive: idleness limit

    def __post_init__(self) -> None:
        check_range("time limit", self.time_s, TIME_RANGE_S, " s")
        check_range("memory limit", self.memory_mb, MEMORY_RANGE_MB, " MB")
        check_range("output limit", self.output_mb, OUTPUT_RANGE_MB, " MB")
        check_range("wall-clock factor", self.wall_factor, WALL_FACTOR_RANGE, "")
        if self.idle_s is not None:
            check_range("idleness limit", self.idle_s, TIME_RANGE_S, " s")


@dataclass(frozen=True)
class Compiled:
    """A compiled program living in the judge (a handle), or the compiler's refusal."""

    handle: str  # opaque id known to the judge; "" when ok is False
    lang: str
    ok: bool
    message: str = ""  # compiler output (warnings when ok, errors when not)
    compile_s: float = 0.0  # 0 when cached
    cached: bool = False  # the judge had compiled this very source before and reused the outcome
    compile_cpu_s: float = 0.0  # the compiler's CPU time, all its processes (the kernel's); 0 when cached


@dataclass(frozen=True)
class RunResult:
    """One execution. ``status`` is the execution-level verdict: AC means it ran to a clean exit 0."""

    status: Verdict  # AC / TLE / MLE / OLE / RE / ILE / JE (never WA: that needs a checker)
    exit_code: int | None
    signal: int | None
    cpu_s: float
    wall_s: float
    memory_kb: int
    stdout: bytes
    stderr: bytes
    detail: str = ""  # why, in words: "killed by signal 11 (SIGSEGV)", "CPU 2.31 s > 2.00 s", ...


@dataclass(frozen=True)
class Test:
    __test__ = False  # not a pytest test class, though its name says Test

    name: str
    input: bytes
    answer: bytes | None  # None: nothing to compare (only execution status counts)


@dataclass(frozen=True)
class CheckResult:
    verdict: Verdict  # AC, WA, PE or JE (checker failure)
    message: str = ""  # checker's comment, e.g. "wrong answer 3rd tokens differ - expected: '5', found: '4'"
    points: float | None = None


@dataclass(frozen=True)
class TestResult:
    __test__ = False

    test: str
    verdict: Verdict
    run: RunResult
    check: CheckResult | None = None
    diff: str = ""  # human-readable first difference on WA


@dataclass(frozen=True)
class JudgeResult:
    verdict: Verdict  # overall: AC if every test AC, else the verdict of the first failing test
    tests: tuple[TestResult, ...] = field(default_factory=tuple)
    compile_message: str = ""

    @property
    def passed(self) -> int:
        return sum(1 for t in self.tests if t.verdict is Verdict.AC)


class CheckerKind(str, Enum):
    TOKENS = "tokens"  # testlib wcmp: whitespace-separated tokens, exact (Codeforces' default)
    NUMBERS = "numbers"  # doubles with absolute-or-relative tolerance `eps` (testlib rcmp-style)
    YESNO = "yesno"  # tokens, with YES/NO compared case-insensitively
    LINES = "lines"  # line-exact (trailing whitespace at line ends and final newlines ignored)
    PROGRAM = "program"  # a compiled checker program, run in the sandbox (see Checker.convention)


# How a checker program is called and read (PROGRAM checkers):
TESTLIB = "testlib"  # `checker input output answer`; exit 0 OK, 1 WA, 2 PE, 3 FAIL, 7 points
OPEN_R1 = "open-r1"  # open-r1's generated_checker: `checker.py input answer output`, prints 1 to accept


@dataclass(frozen=True)
class Checker:
    kind: CheckerKind = CheckerKind.TOKENS
    eps: float = 1e-6
    program: Compiled | None = None  # for PROGRAM
    convention: str = TESTLIB  # for PROGRAM: TESTLIB or OPEN_R1

    def __post_init__(self) -> None:
        check_range("tolerance", self.eps, EPS_RANGE)
        if self.convention not in (TESTLIB, OPEN_R1):
            raise ValueError(f"unknown checker convention {self.convention!r}; use {TESTLIB!r} or {OPEN_R1!r}")

    @staticmethod
    def tokens() -> Checker:
        return Checker(CheckerKind.TOKENS)

    @staticmethod
    def numbers(eps: float = 1e-6) -> Checker:
        return Checker(CheckerKind.NUMBERS, eps=eps)

    @staticmethod
    def yesno() -> Checker:
        return Checker(CheckerKind.YESNO)

    @staticmethod
    def lines() -> Checker:
        return Checker(CheckerKind.LINES)

    @staticmethod
    def from_program(program: Compiled, convention: str = TESTLIB) -> Checker:
        return Checker(CheckerKind.PROGRAM, program=program, convention=convention)


IMAGE_ENV = "CP_SOLVER_JUDGE_IMAGE"  # another image name for the judge (a test image), read at each use


def default_image() -> str:
    """The judge image's name: $CP_SOLVER_JUDGE_IMAGE, else cp-solver-judge:latest."""
    return os.environ.get(IMAGE_ENV) or "cp-solver-judge:latest"


@dataclass(frozen=True)
class JudgeConfig:
    backend: str = "docker"  # "docker" (warm containers) or "local" (bubblewrap); nothing else runs code
    image: str = field(default_factory=default_image)
    workers: int = 2
    build_if_missing: bool = True  # build the image on first use (progress on stderr)
