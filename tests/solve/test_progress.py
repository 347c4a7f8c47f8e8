"""The live board and the final report, rendered as text with an injected console and clock."""

from __future__ import annotations

import io

from rich.console import Console

from sandbox.api import Verdict
from solver.solve.budget import Stop
from solver.solve.model import Reply
from solver.solve.progress import Board, report
from solver.solve.work import Counterexample, LocalVerdict, ProblemResult


def text(renderable: object) -> str:
    console = Console(file=io.StringIO(), width=100, color_system=None)
    console.print(renderable)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(out, str)
    return out


def test_board_shows_stage_attempt_tests_tokens_and_elapsed() -> None:
    now = [100.0]
    board = Board(clock=lambda: now[0])
    board("9001A", "c0", stage="stress", attempt=2, passed=3, total=4)
    board("9001A", "kit", stage="generator", attempt=1)
    board.on_reply(Reply("9001A/c0/solution/1", "", "", "stop", 1000, 234, 0.1, cached=False))
    now[0] = 112.0
    out = text(board.table())
    assert "(12 s)" in out and "stress" in out and "3/4" in out and "1234" in out and "generator" in out


def test_report_has_solution_verdicts_counterexamples_and_run_folder() -> None:
    result = ProblemResult(
        problem="9001A",
        stop=Stop.SOLVED,
        reason="solved: 200/200 random tests agree",
        lang="cpp17",
        solution="int main() { return 0; }\n",
        solution_path="9001A/c0-v2.cpp",
        chosen="c0-v2",
        verdicts=(
            LocalVerdict("example-1", "example", "AC", 0.001),
            LocalVerdict("max-size-1", "max-size", "AC", 0.2),
        ),
        stress="200/200 random tests agree with the brute force",
        counterexamples=(
            Counterexample(
                "1\n-1 0\n", "-1\n", "1\n", Verdict.WA, candidate="c0-v1", test="counterexample-1", fixed_by="c0-v2"
            ),
        ),
        attempts=2,
        tokens=5000,
        elapsed_s=3.2,
    )
    out = text(report(result, "runs/x"))
    for needle in (
        "9001A: solved",
        "int main()",
        "example-1",
        "max-size-1",
        "fixed by c0-v2",
        "-1 0",
        "run folder: runs/x",
        "attempts 2, tokens 5000",
    ):
        assert needle in out
    assert ProblemResult.from_json(result.to_json()) == result
