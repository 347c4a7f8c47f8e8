"""`python -m solver import PATH...`: add problems that did not come over HTTP to the problem store.

PATH is a Competitive Companion JSON document, a Codeforces page saved from a browser (.html), or a
folder with a statement and NAME.in/NAME.out samples.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rich.console import Console

from solver.config import Config
from solver.errors import UsageError
from solver.problem import Problem, ProblemId
from solver.sources.companion import load_path
from solver.sources.store import ProblemStore


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "import",
        parents=[parent],
        help="add a Competitive Companion JSON, a saved .html page or a samples folder to the store",
        description="Add problems to the store from files: a Competitive Companion JSON document, a "
        "Codeforces page saved from a browser (the way round a Cloudflare challenge), or a folder with "
        "a statement (statement.md/.txt or a saved .html) and NAME.in/NAME.out samples.",
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument("--id", dest="problem_id", default=None, help="problem id to file it under, e.g. 1999A")
    p.add_argument("--time-limit", type=float, default=None, metavar="SEC", help="override the time limit")
    p.add_argument("--memory-limit", type=int, default=None, metavar="MB", help="override the memory limit")
    p.set_defaults(func=run)


async def run(args: argparse.Namespace, config: Config) -> int:
    pid = ProblemId.parse(args.problem_id) if args.problem_id else None
    if pid is not None and len(args.paths) > 1:
        raise UsageError("--id names one problem; import one PATH at a time with it")
    loaded: list[tuple[Problem, Path]] = []
    for path in args.paths:
        found = load_path(path, pid, time_limit_s=args.time_limit, memory_limit_mb=args.memory_limit)
        loaded.extend((problem, path) for problem in found)
    # Everything is parsed before anything is written: a bad file leaves the store untouched.
    store = ProblemStore(config.store)
    for problem, path in loaded:
        store.save(problem, source=f"import:{path}")
    problems = [problem for problem, _ in loaded]
    rows = [
        {"id": str(p.id), "name": p.name, "path": str(store.folder(p.id)), "samples": len(p.samples)}
        for p in problems
    ]
    if config.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        console = Console()
        for row in rows:
            samples = f"{row['samples']} sample" + ("" if row["samples"] == 1 else "s")
            console.print(f"imported {row['id']} ({row['name']}, {samples}) -> {row['path']}",
                          highlight=False, markup=False)
    return 0

