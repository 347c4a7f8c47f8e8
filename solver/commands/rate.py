"""`python -m solver rate --contests 1990-2010 --division 2,3,4 --after 2026-04-02`: an Elo-equivalent rating.

Runs every selected contest as `contest` does (resumable; ``--parallel N`` at a time), then reports the
mean performance with a 95% bootstrap interval, the same per division, and a second estimate fitted to the
problem ratings (solved or not). Contests are taken from ``contest.list``: finished ones only; unrated
ones (no rating changes) are skipped with a note; the report lists every contest used and why others
were not. ``--after`` avoids contests that may be in the model's training data; without it, the report
leads with the rating over the contests that began on or after the model's release (``--model-date``, or
the model server's date), then the rating over all of them. ``--hidden-tests SPEC``
(open-r1:DIR, codecontests:FILE, dir:DIR) judges every submission on hidden tests under each round's rules,
as ``contest`` does; a contest the source does not hold fails with the files to download.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape

from solver.cluster.options import add_cluster_options, cluster_spec, solving_on
from solver.config import Config
from solver.contest.batch import run_batch, summarise
from solver.contest.contamination import model_date, parse_model_date, stamped
from solver.contest.fetching import needed
from solver.contest.outcome import ContestResult
from solver.contest.present import batch_report, describe_time_model
from solver.contest.report import write_report
from solver.contest.run import ContestOptions, Services, run_contest
from solver.contest.selection import (
    Selection,
    parse_after,
    parse_contest_ids,
    parse_divisions,
    select,
)
from solver.contest.session import (
    add_contest_options,
    contest_options,
    open_services,
    provenance,
)
from solver.errors import NotFoundError, UsageError
from solver.problem import Contest
from solver.runstore import Run
from solver.solve.options import settings_from


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "rate",
        parents=[parent],
        help="run many contests and report an Elo-equivalent rating with a 95%% interval",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--contests",
        default=None,
        metavar="IDS",
        help="a range (1990-2010), a list (1990,1995) or a file of contest ids",
    )
    p.add_argument(
        "--division",
        default=None,
        metavar="DIVS",
        help="divisions to keep: 1,2,3,4,1+2,edu,global (default: all)",
    )
    p.add_argument(
        "--after",
        default=None,
        metavar="DATE",
        help="only contests starting on or after this day (YYYY-MM-DD, UTC)",
    )
    p.add_argument(
        "--parallel",
        type=int,
        default=None,
        metavar="N",
        help="contests run at the same time (default 1, with --cluster one per cluster worker; under the "
        "elapsed time model, contests running together share the model and each sees a slower bot)",
    )
    add_contest_options(p)
    add_cluster_options(p)
    p.add_argument(
        "--resume", default=None, metavar="RUN", help="continue an interrupted batch (its run folder)"
    )
    p.set_defaults(func=run)


async def choose(
    svc: Services, ids: tuple[int, ...] | None, divisions: frozenset[str] | None, after: int | None
) -> Selection:
    source: Any = svc.source
    config = svc.config
    contests: list[Contest] = await needed("the contest list (API contest.list)", source.contest_list(), config)
    selection = select(contests, ids=ids, divisions=divisions, after=after)
    rated: dict[int, bool] = {}
    for c in selection.chosen:
        try:
            changes = await needed(
                "its rating changes (API contest.ratingChanges)", source.rating_changes(c.id), config, c.id
            )
            rated[c.id] = bool(changes)
        except NotFoundError:
            rated[c.id] = False
    return selection.without_unrated(rated)


def _open_batch(config: Config, args: argparse.Namespace, svc: Services, options: ContestOptions) -> Run:
    if args.resume:
        run_ = Run.open(config.runs, args.resume)
        if run_.meta().get("command") != "rate":
            raise UsageError(f"run {run_.id} is not a rate run; start a new one without --resume")
        run_.update_meta(status="running")
        return run_
    meta = {
        "command": "rate",
        "request": {
            "contests": args.contests,
            "division": args.division,
            "after": args.after,
            "parallel": args.parallel,
            "model_date": args.model_date,
            "cluster": args.cluster,
        },
        "options": options.to_json(),
        **svc.meta,
    }
    return Run.create(config.runs, "rate", meta)


async def run(args: argparse.Namespace, config: Config) -> int:
    if args.parallel is not None and args.parallel < 1:
        raise UsageError("--parallel must be at least 1")
    cluster = cluster_spec(args)
    if not args.resume and not (args.contests or args.division or args.after):
        raise UsageError(
            "choose contests: --contests 1990-2010 (or a file of ids), --division 2,3, --after DATE"
        )
    if not args.resume:  # fail on a malformed selection before the model and the judge are started
        if args.contests:
            parse_contest_ids(args.contests)
        parse_divisions(args.division)
        parse_after(args.after)
    options = contest_options(args)  # checks the hidden-test paths before the model and the judge start
    if args.model_date:
        parse_model_date(args.model_date)
    console = Console(stderr=bool(config.json))
    settings = settings_from(config)

    def log(line: str) -> None:
        console.print(line, highlight=False, markup=False)

    async with open_services(config, settings, log=log) as svc, solving_on(cluster, config, log) as remote:
        if args.parallel is None:  # on a cluster: enough contests at once to keep every worker busy
            args.parallel = 1 if remote is None else len(remote.workers)
        batch = _open_batch(config, args, svc, options)
        meta = batch.meta()
        if args.resume:
            options = ContestOptions.from_json(meta.get("options", {}))
            req = meta.get("request", {})
            spec, division, after = req.get("contests"), req.get("division"), req.get("after")
        else:
            spec, division, after = args.contests, args.division, args.after
        ids = parse_contest_ids(spec) if spec else None
        selection = await choose(svc, ids, parse_divisions(division), parse_after(after))
        batch.append(
            "batch_selection",
            chosen=[c.id for c in selection.chosen],
            skipped=[
                {"contest_id": s.contest_id, "name": s.name, "reason": s.reason} for s in selection.skipped
            ],
        )
        console.print(
            f"{len(selection.chosen)} contest(s) selected, {len(selection.skipped)} not used "
            f"(see the report for why)",
            highlight=False,
        )

        async def one(contest: Contest, resume: str | None) -> ContestResult:
            svc_one = Services(
                svc.source,
                svc.backend,
                svc.judge,
                config,
                settings,
                {**svc.meta, "batch": batch.id},
                svc.progress,
                svc.log,
                solve_remote=remote,
                judge_remote=None if remote is None else remote.judging.for_run,
            )
            result, _, _ = await run_contest(
                contest.id, svc_one, options, resume, on_run=lambda r: _started(batch, contest, r)
            )
            return result

        results, failed = await run_batch(batch, selection, one, parallel=args.parallel, console=console)
    md = model_date(args.model_date or meta.get("request", {}).get("model_date"), meta)
    summary = summarise(results, [*selection.skipped, *failed], settings.seed, md)
    prov = stamped(provenance(meta, str(options.time_model), [r.contest_id for r in results]), md)
    parallel = int(meta.get("request", {}).get("parallel", args.parallel))
    report = batch_report(summary, prov, describe_time_model(options.time_model), parallel)
    paths = write_report(report, batch.path, "rating")
    batch.update_meta(
        status="finished", rating=None if summary.overall is None else summary.overall.to_json()
    )
    if config.json:
        doc = {
            "run": str(batch.path),
            "report": {k: str(v) for k, v in paths.items()},
            **json.loads(paths["json"].read_text(encoding="utf-8")),
        }
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        return 0
    for key, value in report.summary:
        console.print(f"{escape(key)}: [bold]{escape(value)}[/]", highlight=False)
    for s in summary.skipped:
        console.print(f"  not used: {s.contest_id} {s.name} — {s.reason}", highlight=False, markup=False)
    console.print(f"[dim]{escape(prov.caption())}[/]", highlight=False)
    console.print(
        f"Report: {paths['markdown']} · {paths['html']} · {paths['json']}", highlight=False, markup=False
    )
    console.print(f"Batch folder: {batch.path} (resume with --resume {batch.id})", highlight=False, markup=False)
    return 0


def _started(batch: Run, contest: Contest, contest_run: Run) -> None:
    batch.append("batch_contest_started", contest_id=contest.id, run_id=contest_run.id)
