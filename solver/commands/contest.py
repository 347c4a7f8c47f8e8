"""`python -m solver contest 1999`: solve a whole contest within its time, place the bot, rate it.

Every problem is solved concurrently; a program that passes every local test is submitted. With
``--hidden-tests SPEC`` (``open-r1:DIR``, ``codecontests:FILE``, ``dir:DIR``) it is judged on the problem's
hidden tests under the round's rules: Codeforces rules (Div. 1, Div. 2, Div. 1+2, Global) judge on the
first ``--pretests K`` tests during the round and system-test the last submission that passed them after
it (a failure scores 0); ICPC rules (Educational, Div. 3, Div. 4) judge on every test, with a penalty for
each rejection after test 1. A rejection makes the bot try again (at most 10 submissions). Without hidden
tests, local acceptance is taken as acceptance and labelled "local only (optimistic)"; a problem hidden
tests cannot judge (a checker this judge cannot run, a judge error twice) is left out of the score. The
bot is then placed in the real final standings and its performance rating computed with Codeforces'
algorithm. Prints which problems had which tests, the table, the rating and its assumptions, and writes a
report (Markdown, HTML with figures, JSON) into the run folder. ``--resume RUN`` continues an interrupted
run. ``--tests-dir DIR`` and ``--codecontests FILE`` still work, as ``dir:DIR`` and ``codecontests:FILE``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

from rich.console import Console
from rich.live import Live
from rich.markup import escape

from solver.cluster.options import add_cluster_options, cluster_spec, solving_on
from solver.config import Config
from solver.contest.contamination import model_date, parse_model_date, stamped
from solver.contest.present import contest_assumptions, contest_report, describe_time_model, print_contest
from solver.contest.report import write_report
from solver.contest.run import ContestOptions, run_contest
from solver.contest.session import (
    add_contest_options,
    contest_options,
    open_services,
    provenance,
)
from solver.errors import UsageError
from solver.problem import ContestKind, ContestRef, parse_ref
from solver.rating.placement import TimeModel
from solver.solve.options import settings_from
from solver.solve.progress import Board
from solver.sources.problem_sources import add_source_option

T = TypeVar("T")


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "contest",
        parents=[parent],
        help="solve a whole contest in its time, place the bot in the real standings, rate it",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("contest", help="a contest id (1999) or contest URL")
    add_contest_options(p)
    add_source_option(p)
    add_cluster_options(p)
    p.add_argument("--resume", default=None, metavar="RUN", help="continue an interrupted contest run")
    p.set_defaults(func=run)


def contest_id_of(text: str) -> int:
    ref = parse_ref(text)
    if not isinstance(ref, ContestRef):
        raise UsageError(f"{text!r} names a problem; give the contest (e.g. {ref.contest_id})")
    if ref.kind is not ContestKind.CONTEST:
        raise UsageError(f"{text} is a {ref.kind.value} contest: only rated Codeforces rounds have a rating")
    return ref.contest_id


async def with_refresh(coro: Coroutine[Any, Any, T], screen: Live, board: Board) -> T:
    """Await ``coro`` while redrawing the progress board."""
    task = asyncio.ensure_future(coro)
    while not task.done():
        screen.update(board.table())
        await asyncio.wait({task}, timeout=0.5)
    return task.result()


async def run(args: argparse.Namespace, config: Config) -> int:
    contest_id = contest_id_of(args.contest)
    if args.model_date:
        parse_model_date(args.model_date)  # a malformed date fails before the model and the judge start
    options: ContestOptions = contest_options(args)
    cluster = cluster_spec(args)
    console = Console(stderr=bool(config.json))  # with --json, stdout carries the JSON document only
    settings = settings_from(config)
    live = console.is_terminal and not config.json
    board = Board() if live else Board(plain=console.file)  # no terminal: one plain line per stage

    def log(line: str) -> None:
        console.print(line, highlight=False, markup=False)

    async with open_services(
        config,
        settings,
        progress=board,
        log=log,
        on_reply=board.on_reply,
    ) as svc, solving_on(cluster, config, log) as remote:
        svc.solve_remote = remote
        svc.judge_remote = None if remote is None else remote.judging.for_run
        task = run_contest(contest_id, svc, options, args.resume)
        if not live:
            result, scores, run_ = await task
        else:
            with Live(board.table(), console=console, refresh_per_second=2, transient=True) as screen:
                result, scores, run_ = await with_refresh(task, screen, board)
        meta = run_.meta()
    tm = TimeModel.parse(result.time_model)
    prov = stamped(provenance(meta, str(tm), [result.contest_id]), model_date(args.model_date, meta))
    report = contest_report(result, scores, prov, describe_time_model(tm))
    paths = write_report(report, run_.path)
    if config.json:
        doc = {
            "run": str(run_.path),
            "report": {k: str(v) for k, v in paths.items()},
            **result.to_json(),
            "scores": scores,
            "provenance": prov.to_json(),
            "contamination": report.data["contamination"],
        }
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        return 0
    print_contest(console, result, scores, contest_assumptions(result, describe_time_model(tm)), prov)
    console.print(f"[dim]{escape(prov.caption())}[/]", highlight=False)
    console.print(
        f"Report: {paths['markdown']} · {paths['html']} · {paths['json']}", highlight=False, markup=False
    )
    console.print(f"Run folder: {run_.path} (resume with --resume {run_.id})", highlight=False, markup=False)
    return 0
