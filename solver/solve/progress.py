"""Live progress and the final report, for people (rich) and for programs (JSON).

The board is a plain object the loop calls (``board(problem, who, stage=..., attempt=...)``); rendering is a
pure function of it and of an injected clock, so tests read it as text. Without a terminal (output piped to
a file or a CI log) there is no live table: given ``plain``, the board writes one plain line per change of
stage or of tests passed (seconds since the start, problem, who, stage, verdict), flushed at once, so a
log shows what the run is doing instead of nothing for minutes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text

from solver.solve.budget import Stop
from solver.solve.model import Reply
from solver.solve.work import ProblemResult


@dataclass
class Row:
    stage: str = ""
    attempt: int = 0
    passed: int = 0
    total: int = 0
    note: str = ""


@dataclass
class Board:
    clock: Callable[[], float] = time.monotonic
    rows: dict[tuple[str, str], Row] = field(default_factory=dict)
    tokens: dict[str, int] = field(default_factory=dict)
    started: float = 0.0
    plain: IO[str] | None = None  # without a terminal: one line per change written here, flushed

    def __post_init__(self) -> None:
        self.started = self.clock()

    def __call__(self, problem: str, who: str, **fields: Any) -> None:
        row = self.rows.setdefault((problem, who), Row())
        before = (row.stage, row.note, row.passed, row.total)
        for k, v in fields.items():
            setattr(row, k, v)
        if self.plain is not None and (row.stage, row.note, row.passed, row.total) != before:
            self.plain.write(self.line(problem, who, row, tested="passed" in fields or "total" in fields) + "\n")
            self.plain.flush()

    def line(self, problem: str, who: str, row: Row, tested: bool = False) -> str:
        """One plain line: seconds since the start, problem, who, stage (attempt), verdict or note."""
        what = f"tests passed {row.passed}/{row.total}" if tested and row.total else row.stage
        if not tested and row.attempt and who != "problem":
            what += f" (attempt {row.attempt})"
        if row.note and not tested:
            what += f": {row.note}"
        return f"{self.clock() - self.started:7.1f} s  {problem} {who}: {what}"

    def on_reply(self, reply: Reply) -> None:
        problem = reply.key.split("/", 1)[0]
        self.tokens[problem] = self.tokens.get(problem, 0) + reply.tokens

    def table(self) -> Table:
        t = Table(title=f"solving  ({self.clock() - self.started:.0f} s)", expand=False)
        for col in ("problem", "who", "stage", "attempt", "tests passed", "tokens"):
            t.add_column(col)
        for (problem, who), row in sorted(self.rows.items()):
            tests = f"{row.passed}/{row.total}" if row.total else ""
            tokens = str(self.tokens.get(problem, 0)) if who == "problem" or who.startswith("c") else ""
            stage = row.stage + (f" ({row.note})" if row.note else "")
            t.add_row(problem, who, stage, str(row.attempt or ""), tests, tokens)
        return t


def report(result: ProblemResult, run_path: str) -> RenderableType:
    """The end of ``solve``: the chosen solution, its verdict per local test, counterexamples, run folder."""
    parts: list[RenderableType] = []
    style = {Stop.SOLVED: "bold green", Stop.EXAMPLES_ONLY: "bold yellow"}.get(result.stop, "bold red")
    parts.append(Text(f"{result.problem}: {result.reason}", style=style))
    parts.append(
        Text(
            f"attempts {result.attempts}, tokens {result.tokens}, elapsed {result.elapsed_s:.1f} s"
            + (f", chosen {result.chosen}" if result.chosen else "")
        )
    )
    if result.solution:
        lexer = "python" if result.lang.startswith("py") else "cpp"
        title = f"solution ({result.solution_path})"
        parts.append(
            Panel(Syntax(result.solution, lexer, line_numbers=False, word_wrap=True), title=title, expand=False)
        )
    if result.verdicts:
        t = Table(title="local tests")
        for col in ("test", "kind", "verdict", "cpu s", "detail"):
            t.add_column(col)
        for v in result.verdicts:
            t.add_row(v.name, v.kind, v.verdict, f"{v.cpu_s:.3f}", v.detail[:60])
        parts.append(t)
    if result.stress:
        parts.append(Text(f"stress: {result.stress}"))
    for cx in result.counterexamples:
        fixed = f"fixed by {cx.fixed_by}" if cx.fixed_by else "not fixed"
        first = cx.input.strip().splitlines()[:4]
        parts.append(
            Text(
                f"counterexample {cx.test} (broke {cx.candidate}, {cx.verdict.value}; {fixed}): "
                + " | ".join(first)
                + (" ..." if len(cx.input.splitlines()) > 4 else "")
            )
        )
    for note in result.notes:
        parts.append(Text(f"note: {note}", style="yellow"))
    parts.append(Text(f"run folder: {run_path}"))
    return Group(*parts)
