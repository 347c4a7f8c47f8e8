"""`python -m solver import PATH...`: add problems that did not come over HTTP to the problem store.

PATH is a Competitive Companion JSON document, a Codeforces page saved from a browser (.html), a folder
with a statement and NAME.in/NAME.out samples, or a saved Codeforces API answer (contest.standings,
contest.ratingChanges, contest.list, user.rating, problemset.problems), which goes into the store's API
cache so that `contest N --offline` finds it (solver.sources.api_import).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from rich.console import Console

from solver.config import Config
from solver.errors import UsageError
from solver.problem import ContestKind, ContestRef, Problem, ProblemId, parse_ref
from solver.sources import cf_api
from solver.sources.api_import import ApiEntry, api_entries, looks_like_companion, not_importable, read_json
from solver.sources.codeforces import api_ttl
from solver.sources.companion import Target, load_path, whole_contest
from solver.sources.store import ProblemStore


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "import",
        parents=[parent],
        help="add a Competitive Companion JSON, a saved .html page, a samples folder or a saved API answer "
        "to the store",
        description="Add problems to the store from files: a Competitive Companion JSON document, a "
        "Codeforces page saved from a browser (the way round a Cloudflare challenge), or a folder with "
        "a statement (statement.md/.txt or a saved .html) and NAME.in/NAME.out samples. A Codeforces API "
        "answer saved as JSON (contest.standings, contest.ratingChanges, contest.list, user.rating, "
        "problemset.problems; whole or the bare result) goes into the API cache, for --offline runs.",
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument(
        "--id",
        dest="problem_id",
        default=None,
        help="file it under this problem (e.g. 1999A) or, for a whole contest's page, this contest (e.g. 1999); "
        "for an API answer, the contest it must be (an empty list: that contest's rating changes)",
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
    answers: list[tuple[ApiEntry, Path]] = []
    for path in args.paths:
        entries = _api_answer(path, target)
        if entries is not None:
            answers.extend((entry, path) for entry in entries)
            continue
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
    cached: list[dict[str, Any]] = []
    for entry, path in answers:
        key = cf_api.format_params(entry.params)
        earlier = next((c for c in cached if c["api"] == entry.method and c["params"] == key), None)
        if earlier is not None:  # two files for one call: the later one given is what the cache keeps
            earlier["replaced_by"] = str(path)
        # The answer is as old as the file: an old contest list is not passed off as fresh.
        saved_at = min(path.stat().st_mtime, time.time())
        store.api_put(entry.method, key, entry.result, api_ttl(entry.method, entry.result), saved_at=saved_at)
        cached.append(
            {
                "api": entry.method,
                "params": key,
                "what": entry.what,
                "file": str(path),
                "path": str(store.api_path(entry.method, key)),
            }
        )
    problems = [problem for problem, _ in loaded]
    rows: list[dict[str, Any]] = [
        {"id": str(p.id), "name": p.name, "path": str(store.folder(p.id)), "samples": len(p.samples)}
        for p in problems
    ]
    if config.json:
        print(json.dumps(rows + cached, ensure_ascii=False, indent=2))
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
        for row in cached:
            line = f"cached {row['api']}: {row['what']} from {row['file']} -> {row['path']}"
            if "replaced_by" in row:
                line += f" (then replaced by {row['replaced_by']}, given later for the same call)"
            console.print(line, highlight=False, markup=False, soft_wrap=True)
    return 0


def _api_answer(path: Path, target: Target | None) -> list[ApiEntry] | None:
    """The cache entries of a saved API answer; None for a file of another kind (it is read as before).

    A .json that is neither an API answer nor Competitive Companion's, and a file without a known
    ending that is no API answer, get one error naming every kind import reads."""
    suffix = path.suffix.lower()
    if not path.is_file() or suffix in {".html", ".htm"}:
        return None
    if suffix != ".json" and path.read_bytes()[:64].lstrip()[:1] not in (b"{", b"["):
        return None  # not JSON at all: load_path says what import takes
    doc = read_json(path)
    contest_id = None
    if target is not None:
        if not isinstance(target, ContestRef) or target.kind is not ContestKind.CONTEST:
            if not looks_like_companion(doc):
                raise UsageError(f"--id {target}: an API answer is a regular contest's; give its id (e.g. --id 1999)")
            return None
        contest_id = target.contest_id
    entries = api_entries(doc, name=str(path), contest_id=contest_id)
    if entries is None and not looks_like_companion(doc):
        raise not_importable(path)
    return entries
