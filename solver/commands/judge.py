"""`python -m solver judge SOURCE PROBLEM --hidden-tests SPEC`: a local "submit" on a problem's hidden tests.

The program (a file; its language from the ending, as the sandbox's language table says, or ``--lang``) is
judged on every hidden test the spec gives the problem, with the problem's own checker, exactly as contest
mode judges a submission (``solver.contest.submit.PackJudge``): the verdict, the first failing test (input,
expected, found, checker message; shortened) and each judged test's time and memory (judging stops at the
first failing test, as on Codeforces).

    SPEC  open-r1:DIR | codecontests:FILE | dir:DIR        (solver.sources.specs)

The limits are the problem's: from the open-r1 row, else from the problem store (``fetch`` saves them);
``--time-limit``/``--memory-limit`` override them and are needed when neither has the problem. Nothing is
fetched from the network.

Exit status: 0 accepted; 1 rejected (any failing test, or a compilation error); 2 usage error (bad flags,
files, spec, unknown limits); 3 unjudgeable (no tests for the problem, a checker that cannot run here, an
interactive or file-input problem, or a judge error that stayed on a second try). Not-judged is never
reported as accepted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sandbox.api import MEMORY_RANGE_MB, TIME_RANGE_S, JudgeResult, Source, Test, TestResult, Verdict, check_range
from sandbox.languages import LANGUAGES, read_source
from sandbox.testlib import TestlibMissing, find_testlib
from solver.commands.solve import judge_for
from solver.config import Config
from solver.contest.submit import JUDGE_TRIES, CheckerUnusable, PackJudge, pack_use
from solver.contest.testpack import TestPack, check_hidden_tests_spec, load_hidden_tests
from solver.errors import NotFoundError, UsageError
from solver.problem import Problem, ProblemId
from solver.sources.openr1 import OpenR1
from solver.sources.specs import Spec, SpecKind, parse_hidden_tests_spec
from solver.sources.store import ProblemStore

EXIT_ACCEPTED, EXIT_REJECTED, EXIT_USAGE, EXIT_UNJUDGEABLE = 0, 1, 2, 3
SHOWN_CHARS = 1500  # of a failing test's input, expected and found output
SHOWN_LINES = 30


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "judge",
        parents=[parent],
        help="judge a program on a problem's hidden tests, with its checker (a local submit)",
        description=(
            "Judge SOURCE on PROBLEM's hidden tests with the problem's own checker. Exit status: 0 accepted, "
            "1 rejected, 2 usage error, 3 unjudgeable (no tests, a checker that cannot run here, a judge error)."
        ),
    )
    p.add_argument("source_file", metavar="SOURCE", type=Path, help="the program's source file")
    p.add_argument("problem", metavar="PROBLEM", help="problem id, e.g. 1999A")
    p.add_argument(
        "--hidden-tests",
        required=True,
        metavar="SPEC",
        help="where the tests are: open-r1:DIR, codecontests:FILE or dir:DIR",
    )
    p.add_argument("--lang", choices=sorted(LANGUAGES), default=None, help="default: from the file ending")
    p.add_argument("--time-limit", type=float, default=None, metavar="S", help="override the problem's time limit")
    p.add_argument("--memory-limit", type=int, default=None, metavar="MB", help="override its memory limit")
    p.add_argument("--testlib", type=Path, default=None, metavar="PATH", help="testlib.h for C++ checkers")
    p.add_argument("--sandbox", choices=("docker", "local"), default=None, help="sandbox backend (default docker)")
    p.set_defaults(func=run)


# --- what is judged --------------------------------------------------------------------------------------


def source_file(path: Path, lang: str | None) -> Source:
    try:
        return read_source(path, lang)
    except ValueError as e:
        raise UsageError(str(e)) from None


def known_problem(pid: ProblemId, spec: Spec, store: Path) -> Problem | None:
    """The problem's facts (limits, interactive, several answers): from the open-r1 copy the tests come
    from, else from the problem store; None when neither has it. Never the network."""
    if spec.kind is SpecKind.OPEN_R1:
        with contextlib.suppress(NotFoundError):
            return OpenR1(spec.path, what="--hidden-tests open-r1").problem(pid)
    return ProblemStore(store).load(pid)


def with_limits(pid: ProblemId, problem: Problem | None, time_s: float | None, memory_mb: int | None) -> Problem:
    """The problem with the limits to judge under: the flags' where given, else its own (pure)."""
    if time_s is not None:
        _in_range("--time-limit", time_s, TIME_RANGE_S, " s")
    if memory_mb is not None:
        _in_range("--memory-limit", memory_mb, MEMORY_RANGE_MB, " MB")
    if problem is None:
        if time_s is None or memory_mb is None:
            raise UsageError(
                f"the time and memory limits of {pid} are not known here (the problem is not in the store, and "
                f"the tests' source does not give them): pass --time-limit S --memory-limit MB, or fetch it first "
                f"(python -m solver fetch {pid})"
            )
        problem = Problem(pid, "", time_s, memory_mb, "", "", "", ())
    return replace(
        problem,
        time_limit_s=time_s if time_s is not None else problem.time_limit_s,
        memory_limit_mb=memory_mb if memory_mb is not None else problem.memory_limit_mb,
    )


def _in_range(flag: str, value: float, bounds: tuple[float, float], unit: str) -> None:
    try:
        check_range(flag, value, bounds, unit)
    except ValueError as e:
        raise UsageError(str(e)) from None


# --- the outcome -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What a judge run amounts to (pure data): the verdict word, the exit status, and why."""

    verdict: str  # a Verdict value, or "unjudgeable"
    exit_code: int
    note: str
    result: JudgeResult | None = None
    tries: int = 1
    tests: tuple[Test, ...] = ()  # what was judged, for showing a failing test's input and answer


def outcome_of(result: JudgeResult, tries: int, pack: TestPack) -> Outcome:
    if result.verdict is Verdict.AC:
        note = f"passed all {len(result.tests)} tests: {pack.describe()}"
        return Outcome("AC", EXIT_ACCEPTED, note, result, tries, pack.tests)
    if result.verdict is Verdict.JE:
        failing = first_failure(result)
        why = failing.check.message if failing and failing.check else failing.run.detail if failing else ""
        note = f"judge error on {JUDGE_TRIES} tries ({why}): not judged"
        return Outcome("unjudgeable", EXIT_UNJUDGEABLE, note, result, tries, pack.tests)
    return Outcome(result.verdict.value, EXIT_REJECTED, pack.describe(), result, tries, pack.tests)


def first_failure(result: JudgeResult) -> TestResult | None:
    return next((t for t in result.tests if t.verdict is not Verdict.AC), None)


def shorten(data: bytes, chars: int = SHOWN_CHARS, lines: int = SHOWN_LINES) -> str:
    """Text for a person: at most ``lines`` lines and ``chars`` characters, saying how much was cut."""
    text = data.decode("utf-8", errors="replace")
    kept = text.splitlines(keepends=True)[:lines]
    cut = "".join(kept)[:chars]
    if len(cut) < len(text):
        cut = cut.rstrip("\n") + f"\n... ({len(text)} characters, {text.count(chr(10)) + 1} lines in all)\n"
    return cut


async def judge_program(
    pj: PackJudge, problem: Problem, pack: TestPack, source: Source, *, testlib_found: bool | None = None
) -> Outcome:
    """Judge once, and again after a judge error (JUDGE_TRIES in all), as contest mode does."""
    use = pack_use(problem, pack, testlib=testlib_found)
    if use.mode != "pack":
        why = use.note if use.mode == "unjudgeable" else use.note.split(";")[0] + ": the judge command cannot judge it"
        return Outcome("unjudgeable", EXIT_UNJUDGEABLE, why)
    result: JudgeResult | None = None
    for attempt in range(1, JUDGE_TRIES + 1):
        try:
            result = await pj.judge_tests(problem, pack, pack.tests, source.code, source.lang, stop=True)
        except CheckerUnusable as e:
            return Outcome("unjudgeable", EXIT_UNJUDGEABLE, str(e))
        if result.verdict is not Verdict.JE:
            return outcome_of(result, attempt, pack)
    assert result is not None
    return outcome_of(result, JUDGE_TRIES, pack)


def to_json(pid: ProblemId, problem: Problem, spec: Spec, out: Outcome) -> dict[str, Any]:
    res = out.result
    failing = first_failure(res) if res is not None else None
    doc: dict[str, Any] = {
        "problem": str(pid),
        "hidden_tests": str(spec),
        "verdict": out.verdict,
        "exit_code": out.exit_code,
        "note": out.note,
        "tries": out.tries,
        "time_limit_s": problem.time_limit_s,
        "memory_limit_mb": problem.memory_limit_mb,
        "compile_message": res.compile_message if res is not None else "",
        "passed": res.passed if res is not None else 0,
        "total": len(res.tests) if res is not None else 0,
        "tests": [
            {
                "test": t.test,
                "verdict": t.verdict.value,
                "cpu_s": t.run.cpu_s,
                "wall_s": t.run.wall_s,
                "memory_kb": t.run.memory_kb,
                "detail": t.run.detail,
                "checker": t.check.message if t.check else "",
            }
            for t in (res.tests if res is not None else ())
        ],
        "first_failure": None,
    }
    if failing is not None:
        doc["first_failure"] = failure_json(failing, out)
    return doc


def failure_json(t: TestResult, out: Outcome) -> dict[str, Any]:
    """A failing test for a person: its input, the expected and the found output (shortened), and why."""
    test = next((x for x in out.tests if x.name == t.test), None)
    return {
        "test": t.test,
        "index": next(i for i, x in enumerate(out.result.tests if out.result else (t,)) if x.test == t.test),
        "verdict": t.verdict.value,
        "input": shorten(test.input) if test else "",
        "expected": shorten(test.answer or b"") if test else "",
        "found": shorten(t.run.stdout),
        "checker": t.check.message if t.check else "",
        "detail": t.run.detail,
        "diff": t.diff,
    }


def render(pid: ProblemId, problem: Problem, out: Outcome, console: Console) -> None:
    res = out.result
    style = {"AC": "green", "unjudgeable": "magenta", "CE": "yellow"}.get(out.verdict, "red")
    limits = f"{problem.time_limit_s:g} s, {problem.memory_limit_mb} MB"
    if res is None:
        console.print(f"[{style}]Not judged[/{style}] {escape(str(pid))}: {escape(out.note)}")
        return
    if res.verdict is Verdict.CE:
        console.print(f"[{style}]Compilation error[/{style}]")
        console.print(res.compile_message, markup=False, highlight=False)
        return
    table = Table(show_edge=False)
    for col, just in (("test", "left"), ("verdict", "left"), ("CPU", "right"), ("wall", "right"), ("memory", "right")):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for t in res.tests:
        color = "green" if t.verdict is Verdict.AC else "red"
        table.add_row(
            escape(t.test),
            f"[{color}]{t.verdict.value}[/{color}]",
            f"{t.run.cpu_s:.3f} s",
            f"{t.run.wall_s:.3f} s",
            f"{t.run.memory_kb / 1024:.1f} MB",
        )
    console.print(table)
    failing = first_failure(res)
    if failing is not None:
        f = failure_json(failing, out)
        console.print(f"[bold]first failing test: {escape(f['test'])} (test {f['index'] + 1})[/bold]")
        for label in ("input", "expected", "found"):
            console.print(f"[bold]{label}:[/bold]")
            console.print(f[label], markup=False, highlight=False, end="" if f[label].endswith("\n") else "\n")
        for label in ("checker", "detail"):
            if f[label]:
                console.print(f"[bold]{label}:[/bold] {escape(f[label])}")
    word = {"AC": "Accepted", "unjudgeable": "Not judged"}.get(out.verdict, res.verdict.long)
    console.print(
        f"[{style}]{escape(word)}[/{style}] {escape(str(pid))}: {res.passed}/{len(res.tests)} tests passed "
        f"(limits {limits}); {escape(out.note)}"
    )


# --- the command -----------------------------------------------------------------------------------------


def _testlib_given(path: Path | None) -> bool | None:
    """True when --testlib names a real testlib.h (a usage error when it names something else); None
    when not given (the judge then looks for one itself)."""
    if path is None:
        return None
    try:
        find_testlib(path)
    except TestlibMissing as e:
        raise UsageError(str(e)) from None
    return True


async def run(args: argparse.Namespace, config: Config) -> int:
    source = source_file(args.source_file, args.lang)
    pid = ProblemId.parse(args.problem)
    spec = parse_hidden_tests_spec(args.hidden_tests)
    check_hidden_tests_spec(spec)
    packs = await asyncio.to_thread(load_hidden_tests, spec, pid.contest_id)
    known = await asyncio.to_thread(known_problem, pid, spec, config.store)
    problem = with_limits(pid, known, args.time_limit, args.memory_limit)
    pack = packs.get(pid.index.upper())
    if pack is None:
        out = Outcome("unjudgeable", EXIT_UNJUDGEABLE, f"{spec} has no tests for {pid}")
    else:
        found = _testlib_given(args.testlib)
        async with judge_for(config, resumable=False) as judge:
            pj = PackJudge(judge, testlib=args.testlib)
            out = await judge_program(pj, problem, pack, source, testlib_found=found)
    if config.json:
        print(json.dumps(to_json(pid, problem, spec, out), indent=2))
    else:
        render(pid, problem, out, Console(file=sys.stdout, highlight=False, soft_wrap=True))
    return out.exit_code
