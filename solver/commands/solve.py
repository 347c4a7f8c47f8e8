"""`python -m solver solve 1999A`: draft, judge, stress-test and repair until a solution passes.

Shows live progress (stage, attempt, tests passed, tokens, elapsed) and ends with the chosen solution, its
verdict on every local test, the counterexamples found and fixed, and the run folder. ``--resume RUN``
continues an interrupted run without asking the model again for anything it already answered.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from collections.abc import AsyncIterator
from dataclasses import asdict, replace
from typing import Any

from rich.console import Console
from rich.live import Live

from solver import __version__
from solver.config import Config
from solver.errors import JudgeUnavailableError, SolverError, UsageError
from solver.llm.cli_options import add_model_options
from solver.problem import Problem, ProblemId
from solver.runstore import Run
from solver.solve.budget import Budget, Stop
from solver.solve.loop import Env, solve_problem
from solver.solve.model import ModelCalls
from solver.solve.options import add_solve_options, config_json, settings_from
from solver.solve.progress import Board, report
from solver.solve.work import ProblemResult, Settings
from solver.sources.problem_sources import add_source_option


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "solve",
        parents=[parent],
        help="solve one problem: draft, judge, stress-test, repair",
        description=__doc__,
    )
    p.add_argument("problem", nargs="?", help="a problem id (1999A), a Codeforces URL, or a stored problem")
    add_model_options(p)
    add_solve_options(p)
    add_source_option(p)
    p.add_argument("--resume", default=None, metavar="RUN", help="continue an interrupted run (folder or id)")
    p.set_defaults(func=run)


async def load_problem(text: str, config: Config) -> Problem:
    """A stored problem, else fetched from Codeforces (never with --offline: then it says what is missing)."""
    from solver.sources.codeforces import fetch_problem

    return await fetch_problem(ProblemId.parse(text), config)


@contextlib.asynccontextmanager
async def judge_for(config: Config) -> AsyncIterator[Any]:
    """The sandbox for the run; its failures become one clear error (the sandbox never imports solver)."""
    from sandbox.api import JudgeConfig
    from sandbox.judge import JudgeFailure, JudgeUnavailable, open_judge

    try:
        judge = await open_judge(JudgeConfig(backend=config.sandbox, image=config.image, workers=config.workers))
    except JudgeUnavailable as e:
        raise JudgeUnavailableError(str(e)) from None
    try:
        yield judge
    except JudgeFailure as e:
        raise JudgeUnavailableError(f"the sandbox failed: {e}; the run can be resumed (--resume)") from None
    finally:
        await judge.close()


def image_id(config: Config) -> str:
    """The judge image's id, recorded so a run says exactly which toolchain judged it ("" if unknown)."""
    if config.sandbox != "docker":
        return ""
    try:
        import docker

        client = docker.from_env()
        try:
            return str(client.images.get(config.image).id)
        finally:
            client.close()
    except Exception:  # only a note in run.json; the judge itself reports real problems
        return ""


async def run(args: argparse.Namespace, config: Config) -> int:
    if args.resume:
        run_ = Run.open(config.runs, args.resume)
        meta = run_.meta()
        if meta.get("command") != "solve":
            raise UsageError(f"run {run_.id} is a {meta.get('command')!r} run, not a solve run")
        settings = Settings(**{**meta["settings"], "budget": Budget(**meta["settings"]["budget"])})
        problem = Problem.from_json(meta["problem"])
        config = replace(config, model=meta["config"]["model"], backend=meta["config"]["backend"])
    else:
        if not args.problem:
            raise UsageError("give a problem (e.g. python -m solver solve 1999A) or --resume RUN")
        settings = settings_from(config)
        problem = await load_problem(args.problem, config)
        run_ = None
    return await _solve(problem, settings, config, run_)


async def _solve(problem: Problem, settings: Settings, config: Config, run_: Run | None) -> int:
    from solver.llm.factory import build_backend, recorded
    from solver.llm.transcript import Transcript

    console = Console(stderr=config.json)  # with --json, stdout carries the JSON document only
    backend = build_backend(config)
    try:
        infos = await backend.preflight()
        info = await backend.model_info()
        async with judge_for(config) as judge:
            if run_ is None:
                meta = {
                    "command": "solve",
                    "problem_id": str(problem.id),
                    "problem": problem.to_json(),
                    "config": config_json(config),
                    "settings": asdict(settings),
                    "model": {
                        "name": config.model,
                        "backend": config.backend,
                        "digest": info.digest,
                        "context_length": next((i.context_length for i in infos if i.context_length), None),
                        "hosts": list(config.hosts),
                    },
                    "seed": settings.seed,
                    "versions": {
                        "tool": __version__,
                        "python": sys.version.split()[0],
                        "image": config.image,
                        "image_id": await asyncio.to_thread(image_id, config),
                    },
                }
                run_ = Run.create(config.runs, f"solve-{problem.id.slug}", meta)
            else:
                run_.update_meta(status="running")
            run_.append("session_start", resumed=bool(run_.events()), pid=str(problem.id))
            Console(stderr=True).print(
                f"run folder: {run_.path}  (if interrupted: --resume {run_.id})",
                highlight=False,
                soft_wrap=True,
            )
            board = Board()
            model = recorded(backend, Transcript(run_.path / "transcript.jsonl"), str(problem.id))
            calls = ModelCalls(model, run_, run_.index(), on_reply=board.on_reply)
            env = Env(judge, run_, calls, settings, progress=board)
            if config.json or not console.is_terminal:
                result = await solve_problem(problem, env)
            else:
                with Live(board.table(), console=console, refresh_per_second=4, transient=True) as live:
                    task = solve_problem(problem, env)
                    result = await _with_refresh(task, live, board)
            run_.update_meta(status="finished", result={"stop": result.stop.value, "reason": result.reason})
    finally:
        await backend.close()
    _print(result, run_, config, console)
    return 0 if result.stop is Stop.SOLVED else 1


async def _with_refresh(coro: Any, live: Live, board: Board) -> ProblemResult:
    task = asyncio.ensure_future(coro)
    while not task.done():
        live.update(board.table())
        await asyncio.wait({task}, timeout=0.25)
    result: ProblemResult = task.result()
    return result


def _print(result: ProblemResult, run_: Run, config: Config, console: Console) -> None:
    if config.json:
        doc = {"run": str(run_.path), "run_id": run_.id, **result.to_json()}
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        return
    console.print(report(result, str(run_.path)))


__all__ = ["SolverError", "register", "run"]
