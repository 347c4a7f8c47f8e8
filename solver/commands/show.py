"""`python -m solver show PROBLEM`: statement, limits and samples in the terminal (or as JSON)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from rich.console import Console
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from solver.config import Config
from solver.problem import Problem, ProblemId
from solver.sources.codeforces import open_source
from solver.sources.problem_sources import add_source_option


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "show",
        parents=[parent],
        help="print a problem's statement, limits and samples",
        description="Print a problem from the store (fetching it first unless --offline).",
    )
    p.add_argument("problem", metavar="PROBLEM", help="problem id or URL, e.g. 1999A")
    add_source_option(p)
    p.set_defaults(func=run)


def render_problem(problem: Problem, console: Console) -> None:
    """Plain Text objects throughout: statements are full of [brackets] and _underscores_ that rich
    markup or Markdown would eat, and TeX must stay as written."""
    console.print(Rule(Text(f"{problem.id}. {problem.name}", style="bold")))
    facts = [f"time limit {problem.time_limit_s:g} s", f"memory limit {problem.memory_limit_mb} MB"]
    if (problem.input_file, problem.output_file) != ("standard input", "standard output"):
        facts.append(f"input {problem.input_file}, output {problem.output_file}")
    if problem.interactive:
        facts.append("interactive")
    if problem.several_answers:
        facts.append("several answers accepted (needs a checker)")
    console.print(Text(" · ".join(facts), style="cyan"))
    known = ([f"rating {problem.rating}"] if problem.rating is not None else []) + (
        [f"tags: {', '.join(problem.tags)}"] if problem.tags else []
    )
    if known:
        console.print(Text(" · ".join(known), style="magenta"))
    if problem.url:
        console.print(Text(problem.url, style="dim"))
    if problem.statement:
        console.print()
        console.print(Text(problem.statement))
    for title, body in (
        ("Input", problem.input_spec),
        ("Output", problem.output_spec),
        ("Interaction", problem.interaction),
    ):
        if body:
            console.print()
            console.print(Rule(title, align="left"))
            console.print(Text(body))
    if problem.samples:
        console.print()
        console.print(Rule("Examples", align="left"))
        table = Table(show_lines=True, expand=True)
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("input", ratio=1)
        table.add_column("output" if not problem.interactive else "output (an exchange)", ratio=1)
        for i, s in enumerate(problem.samples, 1):
            table.add_row(str(i), Text(s.input.rstrip("\n")), Text(s.output.rstrip("\n")))
        console.print(table)
    if problem.notes:
        console.print()
        console.print(Rule("Note", align="left"))
        console.print(Text(problem.notes))


async def run(args: argparse.Namespace, config: Config) -> int:
    pid = ProblemId.parse(args.problem)
    async with open_source(config) as source:
        problem = await source.problem(pid)
    if config.json:
        print(json.dumps(problem.to_json(), ensure_ascii=False, indent=2))
        return 0
    render_problem(problem, Console())
    return 0
