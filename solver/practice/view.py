"""The terminal view: each output value rendered with rich (pure: values in, renderables out)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.markdown import Markdown
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from sandbox.api import Verdict
from sandbox.diff import Difference
from solver.practice.machine import COMMANDS
from solver.practice.model import (
    BotState,
    CaseOutcome,
    Counterexample,
    Hint,
    JudgeReport,
    Output,
    Say,
    Session,
    ShowBoard,
    ShowHelp,
    ShowReview,
    StressOutcome,
    VcRatings,
    VirtualContest,
)
from solver.practice.text import clock, plural
from solver.problem import Problem

STYLES = {"info": "", "ok": "green", "warn": "yellow", "error": "bold red", "dim": "dim"}
EXCERPT_LINES = 12


def render(out: Output) -> RenderableType:
    if isinstance(out, Say):
        prefix = "error: " if out.style == "error" else ""
        return Text(prefix + out.text, style=STYLES.get(out.style, ""))
    if isinstance(out, Problem):
        return render_problem(out)
    if isinstance(out, JudgeReport):
        return render_report(out)
    if isinstance(out, StressOutcome):
        return render_stress(out)
    if isinstance(out, Hint):
        style = "red" if out.level == 4 else "cyan"
        # The model writes Markdown: lists, emphasis, and (in the full solution) a fenced program.
        return Panel(Markdown(out.text), title=f"hint {int(out.level)}/4: {out.level.label}", border_style=style)
    if isinstance(out, ShowReview):
        return Panel(Markdown(out.text), title="review", border_style="magenta")
    if isinstance(out, ShowBoard):
        return render_board(out.vc, out.now)
    if isinstance(out, VcRatings):
        return render_ratings(out)
    if isinstance(out, ShowHelp):
        return Group(Text("commands:", "bold"), *(Text("  " + h) for h in COMMANDS.values()))
    if isinstance(out, Session):
        return render_status(out)
    raise TypeError(f"no view for {out!r}")  # pragma: no cover


def render_stress(o: StressOutcome) -> RenderableType:
    if o.counterexample is None:
        return Text(
            f"stress: {plural(o.tests_run, 'random test')}, your program agrees with the bot on all", "green"
        )
    head = f"stress: counterexample after {plural(o.tests_run, 'test')}"
    if o.shrunk_from:
        head += f" (shrunk from {plural(o.shrunk_from, 'byte')})"
    return Group(
        Text(head, "bold red"),
        render_counterexample(o.counterexample),
        Text("`save` keeps it as a test", "dim"),
    )


def render_ratings(ratings: VcRatings) -> RenderableType:
    title = Text(f"virtual contest {ratings.contest_id}: performance in the real standings", "bold")
    t = Table()
    for col in ("", "solved", "points", "penalty", "rank", "performance"):
        t.add_column(col, justify="right" if col else "left")
    for r in ratings.sides:
        rank = "-" if r.rank is None else f"{r.rank:g}"
        perf = "-" if r.performance is None else str(r.performance)
        t.add_row(r.who, str(r.solved), f"{r.points:g}", str(r.penalty), rank, perf)
    notes = [Text(n, "dim") for n in (ratings.note, *(r.note for r in ratings.sides)) if n]
    return Group(title, t, *notes)


def render_problem(p: Problem) -> RenderableType:
    head = Text(f"{p.id}. {p.name}", style="bold")
    meta = f"time limit {p.time_limit_s:g} s · memory limit {p.memory_limit_mb} MB"
    if p.rating:
        meta += f" · rating {p.rating}"
    if p.tags:
        meta += " · " + ", ".join(p.tags)
    if p.interactive:
        meta += " · interactive"
    if p.several_answers:
        meta += " · several correct answers"
    if (p.input_file, p.output_file) != ("standard input", "standard output"):
        meta += f" · input {p.input_file}, output {p.output_file}"
    parts: list[RenderableType] = [head, Text(meta, "dim"), Text(p.statement)]
    for title, body in (("Input", p.input_spec), ("Output", p.output_spec), ("Interaction", p.interaction)):
        if body:
            parts += [Text(title, "bold"), Text(body)]
    for i, s in enumerate(p.samples, 1):
        t = Table(show_header=True, header_style="bold", expand=False)
        t.add_column(f"sample {i}: input")
        t.add_column("output")
        t.add_row(Text(s.input.rstrip("\n")), Text(s.output.rstrip("\n")))
        parts.append(t)
    if p.notes:
        parts += [Text("Note", "bold"), Text(p.notes)]
    parts += [Text(f"image: {url}", "dim") for url in p.images]
    if p.url:
        parts.append(Text(p.url, "dim"))
    return Panel(Group(*parts), border_style="blue")


def _excerpt(text: str, lines: int = EXCERPT_LINES) -> str:
    rows = text.rstrip("\n").split("\n")
    if len(rows) > lines:
        return "\n".join(rows[:lines]) + f"\n… ({len(rows) - lines} more lines)"
    return "\n".join(rows)


def render_report(r: JudgeReport) -> RenderableType:
    if r.verdict is Verdict.CE:
        return Group(
            Text("Compilation error", "bold red"), Panel(Text(r.compile_message.strip()), title="compiler")
        )
    head = Text(
        f"{r.verdict.long}: {r.passed}/{len(r.outcomes)} tests passed",
        "bold green" if r.verdict is Verdict.AC else "bold red",
    )
    t = Table()
    for col in ("test", "verdict", "time", "memory"):
        t.add_column(col)
    for o in r.outcomes:
        style = "green" if o.verdict is Verdict.AC else "red"
        t.add_row(
            o.name,
            Text(o.verdict.value, style),
            f"{o.cpu_s:.2f} / {r.time_limit_s:g} s",
            f"{o.memory_kb // 1024} MB",
        )
    parts: list[RenderableType] = [head, t]
    if r.note:
        parts.append(Text(r.note, "yellow"))
    first = next((o for o in r.outcomes if o.verdict is not Verdict.AC), None)
    if first is not None:
        parts.append(render_failure(first))
    return Group(*parts)


def render_failure(o: CaseOutcome) -> RenderableType:
    return _failure(o.name, o.verdict, o.diff, o.detail, o.input, o.expected or "", o.actual)


def render_counterexample(ce: Counterexample) -> RenderableType:
    return _failure(ce.verdict.long, ce.verdict, ce.diff, "", ce.input, ce.expected, ce.actual)


def _failure(
    name: str, verdict: Verdict, d: Difference | None, detail: str, inp: str, expected: str, actual: str
) -> RenderableType:
    """One failed test: what went wrong in a line, then its input, expected and found side by side."""
    if d is not None:
        head = Text.from_markup(f"[bold]{escape(name)}[/]: " + _difference(d))
    elif detail:
        head = Text(f"{name}: {verdict.long}: {detail}", "red")
    else:
        head = Text(name if name == verdict.long else f"{name}: {verdict.long}", "red")
    return Group(head, _side_by_side(d, inp, expected, actual))


def _difference(d: Difference) -> str:
    """The first difference in one line of markup: where (test case, line, token) and what."""
    where = f"test case {d.case} of {d.cases}, " if d.case is not None else ""
    where += f"line {d.line}, {d.unit} {d.index}"
    exp, got = escape(d.expected), escape(d.found)
    if d.kind == "missing":
        return f"output ended early at {where}: expected [green]{exp}[/]"
    if d.kind == "extra":
        return f"output goes on past the answer at {where}: [red]{got}[/]"
    return f"first difference at {where}: expected [green]{exp}[/], found [red]{got}[/]"


def _line_at(rows: tuple[tuple[int, str], ...], number: int) -> str | None:
    return next((text for n, text in rows if n == number), None)


def _numbered(rows: tuple[tuple[int, str], ...], mark: int) -> str:
    """Lines with their numbers, the differing one marked: nothing suggests they pair with the input's."""
    width = len(str(rows[-1][0])) if rows else 1
    return "\n".join(f"{'>' if n == mark else ' '} {n:>{width}} | {text}" for n, text in rows)


def _side_by_side(d: Difference | None, inp: str, expected: str, actual: str) -> Table:
    """Input, expected and found in three columns, each holding lines that belong together.

    In a multi-test input raw lines do not pair up (the first line is the number of cases, a case may take
    several lines), so when the difference tells the test case the columns hold that case's input and the
    answer's and the output's differing line; otherwise the lines around the difference, numbered (also for
    one test whose difference lies past the first lines). Only one test's first lines are shown as they are.
    """
    t = Table(show_lines=False)
    if d is not None and d.case is not None:
        found = _line_at(d.found_context, d.line) if d.kind != "missing" else None
        if d.case_input:
            t.add_column(f"input of test case {d.case}")
            case_input = d.case_input
        else:  # the cases do not take equally many lines: the whole input, and the header says so
            t.add_column(f"input (all {d.cases} test cases)")
            case_input = _excerpt(inp)
        t.add_column(f"expected (line {d.answer_line})", style="green")
        t.add_column("your output" + (f" (line {d.line})" if found is not None else ""), style="red")
        got = found if found is not None else "(nothing: the output ended)"
        t.add_row(Text(case_input), Text(_line_at(d.expected_context, d.answer_line) or ""), Text(got))
        return t
    t.add_column("input")
    t.add_column("expected", style="green")
    t.add_column("your output", style="red")
    multitest = d is not None and (d.cases or 0) > 1
    beyond = d is not None and max(d.line, d.answer_line) > EXCERPT_LINES
    if d is not None and (multitest or beyond):
        shown_expected = _numbered(d.expected_context, d.answer_line) or "(empty)"
        shown_found = _numbered(d.found_context, d.line) or "(empty)"
        t.add_row(Text(_excerpt(inp)), Text(shown_expected), Text(shown_found))
    else:  # one test whose difference is in the first lines: the outputs as they are
        t.add_row(Text(_excerpt(inp)), Text(_excerpt(expected)), Text(_excerpt(actual)))
    return t


def render_board(vc: VirtualContest, now: float) -> RenderableType:
    state = "finished" if vc.finished else f"{clock(vc.remaining_s(now))} left"
    head = Text(f"contest {vc.contest.id}: {vc.contest.name} ({state})", "bold")
    t = Table()
    t.add_column("")
    for p in vc.problems:
        t.add_column(p.id.index, justify="center")
    t.add_column("solved", justify="right")
    for who, scores in (("you", vc.user), ("bot", vc.bot)):
        cells = []
        for _, sc in scores:
            if sc.solved_at_s is not None:
                tries = f"+{sc.attempts}" if sc.attempts else "+"
                cells.append(Text(f"{tries} {clock(sc.solved_at_s)}", "green"))
            elif sc.attempts:
                cells.append(Text(f"-{sc.attempts}", "red"))
            else:
                cells.append(Text("·", "dim"))
        solved = sum(1 for _, sc in scores if sc.solved_at_s is not None)
        t.add_row(who, *cells, str(solved))
    return Group(head, t)


def render_status(s: Session) -> RenderableType:
    t = Table(show_header=False, box=None)
    t.add_column(style="bold")
    t.add_column()
    p = s.problem
    t.add_row("problem", f"{p.id} {p.name}" if p else "-")
    window = (
        f"{s.criteria.rating - s.criteria.below}..{s.criteria.rating + s.criteria.above}"
        if (s.criteria.rating is not None)
        else "-"
    )
    t.add_row("rating window", window)
    t.add_row("handle", s.criteria.handle or "-")
    t.add_row("hints", ", ".join(h.level.label for h in s.hints) or "none")
    t.add_row("bot", BotState(s.bot).name.lower() + (f" ({s.bot_detail})" if s.bot_detail else ""))
    t.add_row("tests run", str(s.attempts))
    t.add_row("solved", "yes" if s.solved else "no")
    if s.busy:
        t.add_row("working on", ", ".join(sorted(s.busy)))
    return t


def toolbar(s: Session, now: float) -> str:
    """The one status line under the prompt, redrawn every second (the live timer and scoreboard)."""
    parts = []
    if s.vc is not None:
        vc = s.vc
        mine = sum(1 for _, sc in vc.user if sc.solved_at_s is not None)
        bots = sum(1 for _, sc in vc.bot if sc.solved_at_s is not None)
        timer = "finished" if vc.finished else clock(vc.remaining_s(now)) + " left"
        parts.append(f"vc {vc.contest.id} {timer} | you {mine} - bot {bots}")
    if s.problem is not None:
        parts.append(f"{s.problem.id}")
    if s.hints:
        parts.append(f"hints {max(int(h.level) for h in s.hints)}/4")
    if s.bot is BotState.SOLVING:
        parts.append(f"bot solving: {s.bot_detail}" if s.bot_detail else "bot solving…")
    if s.busy:
        parts.append("working: " + ", ".join(sorted(s.busy)))
    return " | ".join(parts) or "type `help`"
