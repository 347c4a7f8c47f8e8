"""The I/O edge of contest mode: model backend, problem source and judge opened together, and closed.

Also the options the ``contest`` and ``rate`` commands share, so the two stay in step.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from solver import __version__
from solver.config import Config
from solver.contest.outcome import MAX_SUBMISSIONS
from solver.contest.report import Provenance
from solver.contest.rules import DEFAULT_PRETESTS
from solver.contest.run import ContestOptions, Services
from solver.contest.testpack import check_hidden_tests_spec
from solver.errors import UsageError
from solver.llm.cli_options import add_model_options
from solver.rating.placement import TimeModel
from solver.solve.model import Reply
from solver.solve.options import add_solve_options, config_json
from solver.solve.work import Progress, Settings
from solver.sources.specs import Spec, SpecKind, parse_hidden_tests_spec


def add_contest_options(p: argparse.ArgumentParser) -> None:
    add_model_options(p)
    g = p.add_argument_group("contest options")
    g.add_argument(
        "--model-date",
        default=None,
        metavar="DATE",
        help="the model's release day (YYYY-MM-DD): contests that began before it are marked possibly seen in "
        "training (default: the model server's /api/show modified_at, when it gives one)",
    )
    g.add_argument(
        "--time-model",
        default="elapsed",
        metavar="MODEL",
        help="minute of each submission: elapsed (real time since the start; default), zero "
        "(every submission at minute 0, as CodeElo), or a fixed minute such as 30",
    )
    g.add_argument(
        "--duration",
        type=int,
        default=None,
        metavar="MINUTES",
        help="override the contest's duration (the deadline under the elapsed time model)",
    )
    g.add_argument(
        "--hidden-tests",
        action="append",
        default=[],
        metavar="SPEC",
        help="hidden tests to judge submissions on: open-r1:DIR (a copy of the open-r1/codeforces dataset), "
        "codecontests:FILE (a CodeContests JSONL file) or dir:DIR (DIR/<index>/ with *.in + *.out/*.ans or "
        "NN + NN.a, optional checker.cpp or checker.txt); repeatable, a later one wins for a problem",
    )
    g.add_argument(
        "--pretests",
        type=int,
        default=DEFAULT_PRETESTS,
        metavar="K",
        help="Codeforces-rules rounds (Div. 1, Div. 2, Div. 1+2, Global): a submission is judged on the first "
        f"K tests during the round and system-tested on all after it (default {DEFAULT_PRETESTS})",
    )
    # The options before --hidden-tests, kept working as its aliases.
    g.add_argument("--tests-dir", type=Path, default=None, metavar="DIR", help="same as --hidden-tests dir:DIR")
    g.add_argument(
        "--codecontests", type=Path, default=None, metavar="FILE", help="same as --hidden-tests codecontests:FILE"
    )
    g.add_argument(
        "--max-submissions",
        type=int,
        default=MAX_SUBMISSIONS,
        metavar="N",
        help=f"submissions per problem before giving up ({MAX_SUBMISSIONS})",
    )
    add_solve_options(p, per="problem attempt")


def contest_options(args: argparse.Namespace) -> ContestOptions:
    if args.max_submissions < 1:
        raise UsageError("--max-submissions must be at least 1")
    if args.duration is not None and args.duration < 1:
        raise UsageError("--duration must be a positive number of minutes")
    if args.pretests < 1:
        raise UsageError("--pretests must be at least 1 (the first tests, examples included, are pretests)")
    return ContestOptions(
        time_model=TimeModel.parse(args.time_model),
        duration_s=None if args.duration is None else args.duration * 60,
        hidden_tests=hidden_tests_specs(args),
        max_submissions=args.max_submissions,
        pretests=args.pretests,
    )


def hidden_tests_specs(args: argparse.Namespace) -> tuple[Spec, ...]:
    """Every hidden-test source the command line names, checked to exist before anything is started.

    The old ``--codecontests FILE`` and ``--tests-dir DIR`` are read as ``codecontests:FILE`` and ``dir:DIR``
    ahead of the ``--hidden-tests`` values, the folder after the dataset (a folder given by hand wins)."""
    specs: list[Spec] = []
    if args.codecontests is not None:
        specs.append(Spec(SpecKind.CODECONTESTS, args.codecontests))
    if args.tests_dir is not None:
        specs.append(Spec(SpecKind.DIR, args.tests_dir))
    specs += [parse_hidden_tests_spec(text) for text in args.hidden_tests]
    for spec in specs:
        check_hidden_tests_spec(spec)
    return tuple(specs)


def provenance(meta: dict[str, Any], time_model: str, contests: Sequence[int]) -> Provenance:
    model = meta.get("model", {})
    return Provenance(
        model=str(model.get("name", "")),
        model_digest=str(model.get("digest", "")),
        seed=int(meta.get("seed", 0)),
        time_model=time_model,
        contests=tuple(contests),
        tool_version=str(meta.get("versions", {}).get("tool", __version__)),
        judge_image=str(meta.get("versions", {}).get("image", "")),
        created_utc=str(meta.get("created_utc", "")),
    )


@contextlib.asynccontextmanager
async def open_services(
    config: Config,
    settings: Settings,
    *,
    progress: Progress | None = None,
    log: Callable[[str], None] | None = None,
    on_reply: Callable[[Reply], None] | None = None,
) -> AsyncIterator[Services]:
    from datetime import UTC, datetime

    from sandbox.api import JudgeConfig
    from sandbox.judge import open_judge
    from solver.llm.factory import build_backend
    from solver.sources.codeforces import open_source

    backend = build_backend(config)
    try:
        info = await backend.model_info()  # runs the preflight
        async with open_source(config) as source:
            judge = await open_judge(
                JudgeConfig(backend=config.sandbox, image=config.image, workers=config.workers)
            )
            try:
                meta = {
                    "config": config_json(config),
                    "settings": asdict(settings),
                    "model": {
                        "name": config.model,
                        "backend": config.backend,
                        "digest": info.digest,
                        "modified_at": info.modified_at,
                        "hosts": list(config.hosts),
                    },
                    "seed": settings.seed,
                    "versions": {
                        "tool": __version__,
                        "python": sys.version.split()[0],
                        "image": config.image,
                        "image_id": str(getattr(judge, "image_id", "") or ""),
                    },
                    "created_utc": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                }
                yield Services(
                    source,
                    backend,
                    judge,
                    config,
                    settings,
                    meta,
                    progress,
                    log or (lambda _line: None),
                    on_reply,
                )
            finally:
                await judge.close()
    finally:
        await backend.close()
