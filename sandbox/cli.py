"""python -m sandbox: build-image, selftest, run.

python -m sandbox build-image [--force] [--dockerfile] [--testlib PATH | --fetch-testlib]
python -m sandbox selftest
python -m sandbox run SOURCE (--tests DIR | --input FILE) [--lang L] [--time-limit S]
    [--memory-limit MB] [--checker tokens|numbers[:EPS]|yesno|lines|SRC] [--testlib PATH] [--interactor SRC]
    [--json]

A checker or interactor source that includes testlib.h gets the judge's testlib.h pasted in (--testlib,
$SANDBOX_TESTLIB, or the copy `build-image --testlib PATH` / `--fetch-testlib` installed; sandbox.testlib).

A test without an answer (NAME.in with no NAME.out / NAME.ans, or --input) is run and its output shown,
but nothing can be compared: it is "unchecked", never Accepted. Exit status of run: 0 Accepted (every
test checked and passed), 1 a test failed (or did not compile), 3 nothing failed but some tests were
unchecked, 2 a usage error (bad flags, files, limits out of range).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sandbox.api import (
    MEMORY_RANGE_MB,
    TIME_RANGE_S,
    Checker,
    JudgeConfig,
    JudgeResult,
    Limits,
    Source,
    Test,
    TestResult,
    Verdict,
    check_range,
)
from sandbox.languages import LANGUAGES, read_source
from sandbox.testlib import fetch_testlib, install_testlib, with_testlib


class CliError(Exception):
    """A user-facing error: one line saying what was wrong and what to do."""


def parse_checker_spec(spec: str) -> Checker | Path:
    """tokens | numbers[:eps] | yesno | lines, or a path to a checker's source (pure)."""
    name, _, arg = spec.partition(":")
    if name == "numbers":
        try:
            return Checker.numbers(float(arg) if arg else 1e-6)
        except ValueError as e:
            raise CliError(f"bad tolerance in --checker {spec!r} ({e}); write e.g. numbers:1e-6") from None
    simple = {"tokens": Checker.tokens, "yesno": Checker.yesno, "lines": Checker.lines}
    if name in simple and not arg:
        return simple[name]()
    path = Path(spec)
    if path.is_file():
        return path
    raise CliError(
        f"--checker {spec!r} is neither tokens, numbers[:eps], yesno, lines nor a checker source file"
    )


def load_tests(folder: Path) -> list[Test]:
    """NAME.in with NAME.out or NAME.ans (answer optional: such a test is unchecked), sorted naturally."""
    if not folder.is_dir():
        raise CliError(f"--tests {folder} is not a directory")
    tests = []
    for inp in folder.glob("*.in"):
        answer = None
        for ext in (".out", ".ans"):
            cand = inp.with_suffix(ext)
            if cand.is_file():
                answer = cand.read_bytes()
                break
        tests.append(Test(inp.stem, inp.read_bytes(), answer))
    if not tests:
        raise CliError(f"no NAME.in files in {folder}")

    def key(t: Test) -> tuple[int, int, str]:
        return (0, int(t.name), "") if t.name.isdigit() else (1, 0, t.name)

    return sorted(tests, key=key)


def _source(path: Path, lang: str | None) -> Source:
    try:
        return read_source(path, lang)
    except ValueError as e:
        raise CliError(str(e)) from None


def _helper_source(path: Path, testlib: Path | None) -> Source:
    """A checker's or interactor's source, with testlib.h pasted in when it includes it."""
    source = _source(path, None)
    return Source(with_testlib(source.code, testlib), source.lang)


@dataclass(frozen=True)
class RunOptions:
    source: Path
    tests: Path | None
    input: Path | None
    lang: str | None
    limits: Limits
    checker: str
    interactor: Path | None
    backend: str
    stop_on_failure: bool
    testlib: Path | None = None


async def judge_files(opts: RunOptions) -> JudgeResult:
    from sandbox.judge import open_judge

    checker_spec = parse_checker_spec(opts.checker)
    if opts.tests is not None:
        tests = load_tests(opts.tests)
    elif opts.input is not None:
        if not opts.input.is_file():
            raise CliError(f"no such input file: {opts.input}")
        tests = [Test(opts.input.stem, opts.input.read_bytes(), None)]
    else:
        raise CliError("give --tests DIR or --input FILE")
    source = _source(opts.source, opts.lang)
    judge = await open_judge(JudgeConfig(backend=opts.backend))
    try:
        exe = await judge.compile(source)
        if not exe.ok:
            return JudgeResult(Verdict.CE, (), exe.message)
        if opts.interactor is not None:
            inter = await judge.compile(_helper_source(opts.interactor, opts.testlib))
            if not inter.ok:
                raise CliError(f"the interactor does not compile:\n{inter.message}")
            results = [await judge.interact(exe, inter, t, opts.limits) for t in tests]
            overall = next((r.verdict for r in results if r.verdict is not Verdict.AC), Verdict.AC)
            return JudgeResult(overall, tuple(results), exe.message)
        checker: Checker
        if isinstance(checker_spec, Path):
            prog = await judge.compile(_helper_source(checker_spec, opts.testlib))
            if not prog.ok:
                raise CliError(f"the checker does not compile:\n{prog.message}")
            checker = Checker.from_program(prog)
        else:
            checker = checker_spec
        return await judge.judge(exe, tests, opts.limits, checker, stop_on_failure=opts.stop_on_failure)
    finally:
        await judge.close()


EXIT_ACCEPTED, EXIT_FAILED, EXIT_USAGE, EXIT_UNCHECKED = 0, 1, 2, 3
UNCHECKED = "unchecked"
_OUTPUT_SHOWN = 2000  # characters of an unchecked test's output shown in the table view
_STYLE = {Verdict.AC: "green", Verdict.WA: "red", Verdict.CE: "yellow", Verdict.JE: "magenta"}


def is_unchecked(t: TestResult) -> bool:
    """It ran cleanly but had no answer to compare with (the judge reports such a run as AC, no check)."""
    return t.verdict is Verdict.AC and t.check is None


@dataclass(frozen=True)
class Outcome:
    """What a run of ``run`` amounts to for the user (pure): words, style and exit status."""

    label: str
    style: str
    exit_code: int
    key: str  # for --json: a verdict code, or "unchecked"


def outcome(res: JudgeResult) -> Outcome:
    unchecked = sum(is_unchecked(t) for t in res.tests)
    if res.verdict is not Verdict.AC:
        return Outcome(res.verdict.long, _STYLE.get(res.verdict, "red"), EXIT_FAILED, res.verdict.value)
    if unchecked:
        words = f"Not checked: {unchecked} of {len(res.tests)} tests have no answer file"
        return Outcome(words, "cyan", EXIT_UNCHECKED, UNCHECKED)
    return Outcome(res.verdict.long, "green", EXIT_ACCEPTED, res.verdict.value)


def passed(res: JudgeResult) -> int:
    """Tests checked and accepted (an unchecked test has passed nothing)."""
    return sum(t.verdict is Verdict.AC and not is_unchecked(t) for t in res.tests)


def _test_key(t: TestResult) -> str:
    return UNCHECKED if is_unchecked(t) else t.verdict.value


def result_json(res: JudgeResult) -> dict[str, Any]:
    def one(t: TestResult) -> dict[str, Any]:
        return {
            "test": t.test,
            "verdict": _test_key(t),
            "cpu_s": t.run.cpu_s,
            "wall_s": t.run.wall_s,
            "memory_kb": t.run.memory_kb,
            "exit_code": t.run.exit_code,
            "signal": t.run.signal,
            "detail": t.run.detail,
            "checker": t.check.message if t.check else "",
            "diff": t.diff,
        }

    return {
        "verdict": outcome(res).key,
        "passed": passed(res),
        "unchecked": sum(is_unchecked(t) for t in res.tests),
        "total": len(res.tests),
        "compile_message": res.compile_message,
        "tests": [one(t) for t in res.tests],
    }




def render(res: JudgeResult, console: Console, *, show_output: bool = False) -> None:
    if res.verdict is Verdict.CE:
        console.print("[yellow]Compilation error[/yellow]")
        console.print(res.compile_message, markup=False, highlight=False)
        return
    table = Table(show_edge=False)
    for col, just in (
        ("test", "left"),
        ("verdict", "left"),
        ("CPU", "right"),
        ("wall", "right"),
        ("memory", "right"),
        ("detail", "left"),
    ):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for t in res.tests:
        detail = t.run.detail or (t.check.message if t.check and t.verdict is not Verdict.AC else "")
        style = "cyan" if is_unchecked(t) else _STYLE.get(t.verdict, "red")
        if is_unchecked(t):
            detail = "no answer to compare with"
        table.add_row(
            escape(t.test),
            f"[{style}]{_test_key(t)}[/{style}]",
            f"{t.run.cpu_s:.3f} s",
            f"{t.run.wall_s:.3f} s",
            f"{t.run.memory_kb / 1024:.1f} MB",
            escape(detail),
        )
    console.print(table)
    for t in res.tests:
        if t.diff:
            console.print(f"[bold]test {escape(t.test)}[/bold]")
            console.print(t.diff, markup=False, highlight=False)
        elif is_unchecked(t) and not show_output:  # its output is all there is to see
            out = t.run.stdout.decode(errors="replace")
            if len(out) > _OUTPUT_SHOWN:
                out = out[:_OUTPUT_SHOWN] + f"\n... ({len(out)} characters in all)\n"
            console.print(f"[bold]test {escape(t.test)}[/bold] output (unchecked):")
            console.print(out, markup=False, highlight=False, end="" if out.endswith("\n") else "\n")
    if show_output and len(res.tests) == 1:
        console.print(res.tests[0].run.stdout.decode(errors="replace"), markup=False, highlight=False, end="")
    verdict = outcome(res)
    tally = f"{passed(res)}/{len(res.tests)} tests passed"
    console.print(f"[{verdict.style}]{escape(verdict.label)}[/{verdict.style}]: {tally}")


async def selftest(backend: str, console: Console) -> int:
    """Compile and run each language's tiny program; a language the backend lacks is said so, with why."""
    from sandbox.judge import open_judge
    from sandbox.local_backend import missing_tools

    judge = await open_judge(JudgeConfig(backend=backend, workers=1))
    failures: list[str] = []
    try:
        for spec in LANGUAGES.values():
            what = f"{spec.key:8} {escape(spec.name)}"
            why = missing_tools(spec) if backend == "local" else ""
            if why:
                console.print(f"[red]unavailable[/red] {what}: {escape(why)}")
                failures.append(spec.key)
                continue
            exe = await judge.compile(Source(spec.selftest, spec.key))
            if not exe.ok:
                console.print(f"[red]FAIL[/red] {what}: does not compile: {escape(exe.message[:300])}")
                failures.append(spec.key)
                continue
            r = await judge.run(exe, spec.selftest_output.encode(), Limits(5.0, 256))
            if r.status is Verdict.AC and r.stdout.decode() == spec.selftest_output:
                console.print(
                    f"[green]ok[/green]   {what}: compile {exe.compile_s:.2f} s, "
                    f"run {r.wall_s * 1000:.1f} ms, {r.memory_kb / 1024:.1f} MB"
                )
            else:
                console.print(f"[red]FAIL[/red] {what}: {r.status.value} {escape(r.detail)} {escape(repr(r.stdout))}")
                failures.append(spec.key)
    finally:
        await judge.close()
    if failures:
        console.print(f"{len(failures)} of {len(LANGUAGES)} languages do not work here: {', '.join(failures)}")
    return 1 if failures else 0


def _in_range(what: str, convert: Callable[[str], float], bounds: tuple[float, float], unit: str) -> Any:
    """An argparse type: a number within the judge's range (argparse then exits 2 with the message)."""

    def parse(text: str) -> float:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        try:
            check_range(what, value, bounds, unit)
        except ValueError as e:
            raise argparse.ArgumentTypeError(str(e)) from None
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description="The judge's sandbox.")
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build-image", help="build the judge image (a no-op when it is current)")
    b.add_argument("--force", action="store_true", help="rebuild even when current")
    b.add_argument("--dockerfile", action="store_true", help="docker build from sandbox/image/Dockerfile")
    b.add_argument(
        "--image",
        default=None,
        metavar="NAME",
        help="image name (default: $CP_SOLVER_JUDGE_IMAGE, else cp-solver-judge:latest), e.g. a test image",
    )
    t = b.add_mutually_exclusive_group()
    t.add_argument(
        "--testlib", type=Path, metavar="PATH", help="install this testlib.h for checkers (into the judge's cache)"
    )
    t.add_argument(
        "--fetch-testlib", action="store_true", help="download testlib.h (pinned commit, sha256 checked) for checkers"
    )
    s = sub.add_parser("selftest", help="compile and run each language's self-test")
    s.add_argument("--backend", choices=("docker", "local"), default="docker")
    r = sub.add_parser("run", help="judge a program against tests")
    r.add_argument("source", type=Path)
    g = r.add_mutually_exclusive_group(required=True)
    g.add_argument("--tests", type=Path, help="folder of NAME.in with NAME.out or NAME.ans")
    g.add_argument("--input", type=Path, help="one input file")
    r.add_argument("--lang", choices=sorted(LANGUAGES), help="default: from the file extension")
    lo_s, hi_s = TIME_RANGE_S
    lo_mb, hi_mb = MEMORY_RANGE_MB
    r.add_argument(
        "--time-limit",
        type=_in_range("time limit", float, TIME_RANGE_S, " s"),
        default=2.0,
        help=f"CPU seconds per test, {lo_s:g} to {hi_s:g} (default 2)",
    )
    r.add_argument(
        "--memory-limit",
        type=_in_range("memory limit", int, MEMORY_RANGE_MB, " MB"),
        default=256,
        help=f"MB, {lo_mb} to {hi_mb} (default 256)",
    )
    r.add_argument(
        "--checker", default="tokens", help="tokens | numbers[:eps] | yesno | lines | checker source"
    )
    r.add_argument("--testlib", type=Path, metavar="PATH", help="testlib.h for a checker or interactor that needs it")
    r.add_argument("--interactor", type=Path, help="interactor source (testlib convention)")
    r.add_argument("--stop-on-failure", action="store_true", help="stop at the first failing test")
    r.add_argument("--backend", choices=("docker", "local"), default="docker")
    r.add_argument("--json", action="store_true", help="machine-readable result")
    return parser


def main(argv: list[str] | None = None, *, out: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    console = Console(file=out or sys.stdout, highlight=False)
    err = Console(file=sys.stderr, highlight=False, soft_wrap=True)  # one error, one line
    from sandbox.image import ImageError
    from sandbox.judge import JudgeUnavailable

    try:
        if args.command == "build-image":
            from sandbox.api import default_image
            from sandbox.image import ensure_image

            if args.testlib is not None or args.fetch_testlib:
                where = install_testlib(args.testlib) if args.testlib is not None else fetch_testlib()
                console.print(f"testlib.h for checkers: {escape(str(where))}")
            built = ensure_image(args.image or default_image(), force=args.force, dockerfile=args.dockerfile)
            console.print("judge image built" if built else "judge image is current")
            return 0
        if args.command == "selftest":
            return asyncio.run(selftest(args.backend, console))
        opts = RunOptions(
            args.source,
            args.tests,
            args.input,
            args.lang,
            Limits(time_s=args.time_limit, memory_mb=args.memory_limit),
            args.checker,
            args.interactor,
            args.backend,
            args.stop_on_failure,
            args.testlib,
        )
        res = asyncio.run(judge_files(opts))
        if args.json:
            console.file.write(json.dumps(result_json(res), indent=2) + "\n")
        else:
            render(res, console, show_output=args.input is not None)
        return outcome(res).exit_code
    except (CliError, ImageError, JudgeUnavailable) as e:
        err.print(f"error: {e}", markup=False)
        return EXIT_USAGE


__all__ = ["main"]
