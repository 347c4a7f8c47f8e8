"""Builders shared by the practice tests: a small real-looking problem and session inputs."""

from __future__ import annotations

from pathlib import Path

from sandbox.api import Verdict
from solver.practice.machine import parse_command
from solver.practice.model import CaseOutcome, Input, JudgeReport, Session, Workspace
from solver.problem import Problem, ProblemId, Sample

# Codeforces 4A "Watermelon" (rating 800): statement shortened; limits and samples as on the site.
WATERMELON = Problem(
    id=ProblemId(4, "A"),
    name="Watermelon",
    time_limit_s=1.0,
    memory_limit_mb=64,
    statement="Pete and Billy want to divide a watermelon of weight w into two parts, "
    "each of even positive weight.",
    input_spec="The first (and the only) input line contains integer number w (1 ≤ w ≤ 100).",
    output_spec="Print YES, if the boys can divide the watermelon into two parts, each of them weighing even "
    "number of kilos; and NO in the opposite case.",
    samples=(Sample("8\n", "YES\n"),),
    rating=800,
    tags=("brute force", "math"),
)


def inp(
    line: str,
    path: Path = Path("practice/4A/solution.cpp"),
    code: str | None = "int main(){}",
    now: float = 0.0,
) -> Input:
    return Input(parse_command(line), Workspace(path, code), now)


def report(verdict: Verdict, n: int = 1) -> JudgeReport:
    from sandbox.api import RunResult  # noqa: F401  (only the values matter here)

    outcomes = tuple(
        CaseOutcome(
            f"sample {i + 1}",
            verdict if i == n - 1 else Verdict.AC,
            0.01,
            0.02,
            1024,
            "8\n",
            "YES\n",
            "NO\n" if verdict is Verdict.WA else "YES\n",
        )
        for i in range(n)
    )
    return JudgeReport(verdict, outcomes, 1.0)


def with_problem(**kw: object) -> Session:
    return Session(problem=WATERMELON, **kw)  # type: ignore[arg-type]
