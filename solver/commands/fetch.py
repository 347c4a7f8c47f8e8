"""`python -m solver fetch TARGET...`: problems (or whole contests) into the problem store."""

from __future__ import annotations

import argparse
import json
from typing import Any

from rich.console import Console
from rich.table import Table

from solver.config import Config
from solver.problem import Problem
from solver.sources.codeforces import open_source
from solver.sources.problem_sources import add_source_option
from solver.sources.store import ProblemStore


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "fetch",
        parents=[parent],
        help="fetch problems or whole contests into the problem store",
        description="Fetch Codeforces problems into the problem store. TARGET is a contest (1999, a contest "
        "URL, gym/103505) or one problem (1999A, a problem URL from contest/problemset/gym/group pages). "
        "With --source open-r1:DIR they are read from a local copy of the open-r1/codeforces dataset "
        "instead of Codeforces' pages, without the network.",
    )
    p.add_argument("targets", nargs="+", metavar="TARGET", help="contest or problem id, or a Codeforces URL")
    p.add_argument(
        "--refresh", action="store_true", default=None, help="fetch again even if the store has it"
    )
    add_source_option(p)
    p.set_defaults(func=run)


def summary(problem: Problem, store: ProblemStore) -> dict[str, Any]:
    return {
        "id": str(problem.id),
        "name": problem.name,
        "path": str(store.folder(problem.id)),
        "time_limit_s": problem.time_limit_s,
        "memory_limit_mb": problem.memory_limit_mb,
        "samples": len(problem.samples),
        "interactive": problem.interactive,
        "several_answers": problem.several_answers,
        "url": problem.url,
    }


async def run(args: argparse.Namespace, config: Config) -> int:
    problems: list[Problem] = []
    async with open_source(config) as source:
        for target in args.targets:
            problems.extend(await source.fetch(target))
        store = source.store
    rows = [summary(p, store) for p in problems]
    if config.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    table = Table(title=f"{len(rows)} problem(s) in {store.root}", title_justify="left")
    for column in ("id", "name", "limits", "samples", "notes"):
        table.add_column(column)
    for p, row in zip(problems, rows, strict=True):
        flags = (("interactive", p.interactive), ("any answer", p.several_answers))
        notes = ", ".join(name for name, on in flags if on)
        table.add_row(
            row["id"], p.name, f"{p.time_limit_s:g} s, {p.memory_limit_mb} MB", str(len(p.samples)), notes
        )
    Console().print(table)
    return 0
