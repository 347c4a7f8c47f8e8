"""Many contests, resumable and concurrent, summarised as one Elo-equivalent rating with intervals.

The batch is a run in the run store whose events say which contests finished (with their whole result)
and which contest run folder each one uses. Resuming replays those events: a finished contest is never
run again, an interrupted one resumes in its own run folder.

Concurrency: under the ``elapsed`` time model contests running side by side share the model, so each one
sees a slower bot than it would alone; the default is one contest at a time, and the report names the
number that ran in parallel.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from rich.console import Console
from rich.markup import escape

from solver.contest.contamination import ModelDate
from solver.contest.outcome import ContestResult
from solver.contest.present import BatchSummary
from solver.contest.selection import Selection, Skipped
from solver.errors import SolverError
from solver.problem import Contest
from solver.rating.estimate import bootstrap_mean, fit_problem_rating, per_division
from solver.runstore import Run

RunContest = Callable[[Contest, str | None], Awaitable[ContestResult]]  # (contest, run to resume) -> result


@dataclass(frozen=True)
class BatchState:
    done: dict[int, ContestResult]
    started: dict[int, str]  # contest id -> its contest run id

    @staticmethod
    def of(run: Run) -> BatchState:
        done: dict[int, ContestResult] = {}
        started: dict[int, str] = {}
        for e in run.events():
            if e.type == "batch_contest_started":
                started[int(e.get("contest_id"))] = str(e.get("run_id"))
            elif e.type == "batch_contest_done":
                result = ContestResult.from_json(dict(e.get("result")))
                done[result.contest_id] = result
        return BatchState(done, started)


async def run_batch(
    run: Run,
    selection: Selection,
    run_contest: RunContest,
    *,
    parallel: int = 1,
    console: Console | None = None,
) -> tuple[list[ContestResult], list[Skipped]]:
    """Run every chosen contest not yet finished in this batch; return all results and the failures."""
    state = BatchState.of(run)
    results: dict[int, ContestResult] = dict(state.done)
    failed: list[Skipped] = []
    gate = asyncio.Semaphore(max(1, parallel))
    todo = [c for c in selection.chosen if c.id not in state.done]
    if console is not None and state.done:
        console.print(f"resuming: {len(state.done)} contest(s) already finished, {len(todo)} to run")

    async def one(contest: Contest) -> None:
        async with gate:
            resume = state.started.get(contest.id)
            try:
                result = await run_contest(contest, resume)
            except SolverError as e:
                run.append("batch_contest_failed", contest_id=contest.id, error=str(e))
                failed.append(Skipped(contest.id, contest.name, f"failed: {e}"))
                if console is not None:
                    console.print(f"[red]contest {contest.id} failed:[/] {escape(str(e))}", highlight=False)
                return
            run.append("batch_contest_done", contest_id=contest.id, result=result.to_json())
            results[contest.id] = result
            if console is not None:
                perf = result.placement.performance
                console.print(
                    f"contest {contest.id} done: rank {result.placement.rank:g}, performance "
                    f"{'—' if perf is None else f'{perf:.0f}'}",
                    highlight=False,
                )

    await asyncio.gather(*(one(c) for c in todo))
    order = {c.id: i for i, c in enumerate(selection.chosen)}
    ordered = sorted(results.values(), key=lambda r: order.get(r.contest_id, len(order)))
    return ordered, failed


def summarise(
    results: Sequence[ContestResult], skipped: Sequence[Skipped], seed: int, model_date: ModelDate | None = None
) -> BatchSummary:
    """Overall and per-division mean performance with bootstrap CIs (``seed``), and the problem-rating fit;
    with the model's release date, the mean over the contests that began on or after it (unseen) too."""
    used = [r for r in results if r.placement.performance is not None]
    perfs = [(r.division or "unknown", float(r.placement.performance or 0.0)) for r in used]
    overall = bootstrap_mean([p for _, p in perfs], seed=seed) if perfs else None
    md = model_date or ModelDate(None)
    fresh = [float(r.placement.performance or 0.0) for r in used if md.status(r.start_time) == "unseen"]
    unseen = bootstrap_mean(fresh, seed=seed) if fresh else None
    divisions = per_division(perfs, seed=seed)
    outcomes = [(int(p.rating), p.accepted) for r in results for p in r.problems if p.rating is not None]
    problem = fit_problem_rating(outcomes) if outcomes else None
    solved = sum(1 for _, ok in outcomes if ok)
    return BatchSummary(
        tuple(results), tuple(skipped), overall, divisions, problem, (solved, len(outcomes)), unseen
    )
