"""The orchestrator: problems -> candidates in parallel -> a chosen solution, with evidence.

Read top to bottom:

    solve_problems   many problems of one run concurrently (contest mode uses it too); finished ones are
                     taken from the run store, never solved again
    solve_problem    one problem: the examples and the inputs derived from them as local tests, the
                     stress-test kit (helpers asked lazily, see ``schedule``), the candidates; stop on success
                     or when a budget is spent, choose among the passing candidates, judge the choice on
                     every local test, record the result
    choose           the passing candidate from the largest cluster of identical behaviour

A result is ``solved`` only when the chosen program also agreed with a brute force on random tests; one that
passed every local test without meeting any stress test is ``examples_only`` (weaker: contest mode submits
it only when nothing better exists).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sandbox.api import Verdict
from solver.llm.base import ChatParams
from solver.problem import Problem
from solver.runstore import Run
from solver.solve import cluster
from solver.solve.budget import Spending, Stop
from solver.solve.candidate import CandidateResult, Unjudgeable, evaluate, run_candidate
from solver.solve.derive import derive
from solver.solve.kit import Kit
from solver.solve.languages import prompt_style
from solver.solve.model import ModelCalls
from solver.solve.programs import Judge, PoolTest
from solver.solve.schedule import FIFO, LazyKit
from solver.solve.work import LocalVerdict, ProblemResult, Progress, Settings, Work, _no_progress


@dataclass
class Env:
    """What every problem of a run shares."""

    judge: Judge
    run: Run
    model: ModelCalls
    settings: Settings
    progress: Progress = _no_progress
    order: int = 0  # the problem's place in its contest (A = 0): ranks its model requests (``schedule``)


async def solve_problems(problems: Sequence[Problem], env: Env, parallel: int = 4) -> list[ProblemResult]:
    """Solve ``problems``, at most ``parallel`` at a time, in their order (their requests ranked by it)."""
    gate = asyncio.Semaphore(max(1, parallel))

    async def one(p: Problem, order: int) -> ProblemResult:
        async with gate:
            return await solve_problem(p, replace(env, order=order))

    return list(await asyncio.gather(*(one(p, k) for k, p in enumerate(problems))))


async def solve_problem(problem: Problem, env: Env) -> ProblemResult:
    """Solve one problem; ``env.order`` (its place in its contest) ranks its model requests."""
    pid = str(problem.id)
    done = env.model.index.finished.get(pid)
    if done is not None:  # finished in an earlier session of this run
        env.progress(pid, "problem", stage="done (resumed)")
        return ProblemResult.from_json(done["result"])
    settings = env.settings
    params = env.model.params
    if params is None or params.seed is None:  # every caller's --seed reaches the model's sampling
        env.model.params = replace(params or ChatParams(), seed=settings.seed)
    work = Work(
        problem=problem,
        settings=settings,
        lang=prompt_style(settings.lang),
        helper_lang=prompt_style(settings.helper_lang),
        judge=env.judge,
        run=env.run,
        model=env.model,
        spending=Spending(settings.budget),
        progress=env.progress,
        order=env.order,
    )
    work.log(
        "problem_start",
        name=problem.name,
        interactive=problem.interactive,
        several_answers=problem.several_answers,
        problem_json=problem.to_json(),
    )
    if not problem.interactive:
        for i, s in enumerate(problem.samples):
            work.add_test(PoolTest(f"example-{i + 1}", "example", s.input, s.output))
        for d in derive([(s.input, s.output) for s in problem.samples], problem.several_answers):
            work.derived[d.name] = d
            work.add_test(PoolTest(d.name, "derived", d.input, d.answer))
    kit = Kit(work) if settings.schedule == FIFO else LazyKit(work)
    tasks = [asyncio.create_task(run_candidate(work, kit, i)) for i in range(settings.candidates)]
    kit.start()  # fifo: every helper now, after the drafts; lazy: only what judging needs at once
    try:
        # FIRST_EXCEPTION: a model or judge failure ends the problem at once (it is resumable, not done)
        _, pending = await asyncio.wait(
            tasks, timeout=work.spending.remaining_wall(), return_when=asyncio.FIRST_EXCEPTION
        )
        failed = any(t.done() and not t.cancelled() and t.exception() is not None for t in tasks)
        wall_stop = bool(pending) and not failed  # the wall-time budget ran out: keep the best versions
    finally:  # also when this problem is cancelled (Ctrl-C, a contest's end): leave nothing running
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await kit.close()
    for t in tasks:
        if t.done() and not t.cancelled() and (error := t.exception()) is not None:
            raise error  # a bug, the model or the judge failing: never a property of the problem
    results = [
        t.result()
        if t.done() and not t.cancelled()
        else CandidateResult(f"c{i}", work.best.get(f"c{i}"), False, None, Stop.WALL_TIME, Stop.WALL_TIME.text)
        for i, t in enumerate(tasks)
    ]
    result = await _conclude(work, kit, results, wall_stop)
    work.log("problem_done", result=result.to_json())
    shown = "done: examples only" if result.examples_only else "done"  # the board says it is weaker too
    env.progress(pid, "problem", stage=shown, note=result.reason)
    return result


async def _conclude(work: Work, kit: Kit, results: list[CandidateResult], wall_stop: bool) -> ProblemResult:
    passing = [r for r in results if r.solved and r.best is not None]
    weaker = [r for r in results if r.examples_only and r.best is not None]
    clusters: tuple[tuple[str, ...], ...] = ()
    notes: list[str] = []
    if passing:
        chosen_result, clusters = choose(work, passing)
        chosen = chosen_result.best
        assert chosen is not None
        stop, reason = Stop.SOLVED, f"solved: {chosen.program.name} passes every local test"
    elif weaker:  # the unsuspected first: their outputs at least follow their inputs
        chosen_result = min(weaker, key=lambda r: bool(r.suspect))
        chosen = chosen_result.best
        assert chosen is not None
        derived = sum(1 for t in work.pool if t.kind == "derived")
        stop = Stop.EXAMPLES_ONLY
        also = f" and {derived} inputs derived from them" if derived else ""
        reason = (
            f"examples only: {chosen.program.name} passes the examples{also}, "
            f"but met no stress test ({chosen_result.reason})"
        )
    else:
        stop = Stop.WALL_TIME if wall_stop else _worst_stop(results)
        reason = next((r.reason for r in results if r.stop is stop), stop.text)
        if stop is not Stop.UNJUDGEABLE:
            reason = f"not solved: {reason}"
        chosen_result = max(results, key=lambda r: len(r.best.passed) if r.best else -1)
        chosen = chosen_result.best
    verdicts: tuple[LocalVerdict, ...] = ()
    if chosen is not None:
        try:
            final = await evaluate(work, kit, chosen.program)  # on the final pool: every local test
        except Unjudgeable:
            final = chosen
        kinds = {t.name: t.kind for t in work.pool}
        verdicts = tuple(
            LocalVerdict(
                r.test,
                kinds.get(r.test, "example"),
                r.verdict.value,
                round(r.run.cpu_s, 3),
                r.run.detail or (r.check.message if r.check else "") or r.diff,
            )
            for r in final.results
        )
        if stop is Stop.SOLVED and any(v.verdict != Verdict.AC.value for v in verdicts):
            notes.append("the chosen program fails a test another candidate found; see the verdicts")
    if chosen_result.suspect:
        notes.append(f"suspect: {chosen_result.suspect} (rarely right; it needs stress evidence)")
    stress = chosen_result.stress.summary if chosen_result.stress else ""
    for r in results:
        if r.stress:
            notes.extend(n for n in r.stress.notes if n not in notes)
    return ProblemResult(
        problem=work.pid,
        stop=stop,
        reason=reason,
        lang=work.lang.key,
        solution=chosen.program.code if chosen else None,
        solution_path=chosen.program.path if chosen else None,
        chosen=chosen.program.name if chosen else None,
        verdicts=verdicts,
        stress=stress,
        counterexamples=tuple(work.counterexamples),
        attempts=work.spending.attempts,
        tokens=work.spending.tokens,
        elapsed_s=round(work.spending.elapsed, 3),
        clusters=clusters,
        notes=tuple(notes),
    )


_STOP_ORDER = (Stop.UNJUDGEABLE, Stop.TOKENS, Stop.WALL_TIME, Stop.ATTEMPTS, Stop.EXAMPLES_ONLY, Stop.SOLVED)


def _worst_stop(results: list[CandidateResult]) -> Stop:
    stops = {r.stop for r in results}
    return next((s for s in _STOP_ORDER if s in stops), Stop.ATTEMPTS)


def choose(work: Work, passing: list[CandidateResult]) -> tuple[CandidateResult, tuple[tuple[str, ...], ...]]:
    """Cluster passing candidates by their outputs on the inputs all of them ran; pick from the largest."""
    if len(passing) == 1 or work.problem.several_answers:
        # several correct answers: different outputs are no evidence against a candidate
        return passing[0], tuple((r.name,) for r in passing)
    common = set.intersection(*(set(r.stress.outputs) if r.stress else set() for r in passing))
    keys = sorted(common)
    outputs = {r.name: [r.stress.outputs[k] for k in keys] if r.stress else [] for r in passing}
    groups = cluster.clusters(outputs)
    pick = groups[0][0]
    work.log("chosen", candidate=pick, clusters=groups, inputs=len(keys))
    return next(r for r in passing if r.name == pick), tuple(tuple(g) for g in groups)
