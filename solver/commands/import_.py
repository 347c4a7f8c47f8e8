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
from solver.problem import ContestRef, Problem, ProblemId, parse_ref
from solver.sources.companion import load_path, whole_contest
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
    p.add_argument(
        "--id",
        dest="problem_id",
        default=None,
        help="file it under this problem (e.g. 1999A) or, for a whole contest's page, this contest (e.g. 1999)",
    )
    p.add_argument("--time-limit", type=float, default=None, metavar="SEC", help="override the time limit")
    p.add_argument("--memory-limit", type=int, default=None, metavar="MB", help="override the memory limit")
    p.set_defaults(func=run)


async def run(args: argparse.Namespace, config: Config) -> int:
    target = parse_ref(args.problem_id) if args.problem_id else None
    if target is not None and len(args.paths) > 1:
        raise UsageError("--id names one problem or contest; import one PATH at a time with it")
    loaded: list[tuple[Problem, Path]] = []
    contests: list[tuple[ContestRef, list[str]]] = []
    for path in args.paths:
        found = load_path(path, target, time_limit_s=args.time_limit, memory_limit_mb=args.memory_limit)
        loaded.extend((problem, path) for problem in found)
        # One problem picked from a contest's page (--id 1999A) says nothing of the rest of the contest.
        contest = None if isinstance(target, ProblemId) else whole_contest(path, found)
        if contest is not None:
            contests.append((contest, [p.id.index for p in found]))
    # Everything is parsed before anything is written: a bad file leaves the store untouched.
    store = ProblemStore(config.store)
    for problem, path in loaded:
        store.save(problem, source=f"import:{path}")
    # A whole contest's page: the contest is in the store as `fetch` would leave it (`fetch N --offline`).
    for contest, indices in contests:
        store.save_contest(contest, indices)
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
            n = row["samples"]
            console.print(
                f"imported {row['id']} ({row['name']}, {n} sample{'' if n == 1 else 's'}) -> {row['path']}",
                highlight=False,
                markup=False,
            )
        for contest, indices in contests:
            console.print(f"contest {contest}: problems {', '.join(indices)}", highlight=False, markup=False)
    return 0
