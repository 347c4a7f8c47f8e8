"""`python -m solver solve 1999A`: draft, judge, stress-test and repair until a solution passes.

Shows live progress (stage, attempt, tests passed, tokens, elapsed) and ends with the chosen solution, its
verdict on every local test, the counterexamples found and fixed, and the run folder. ``--resume RUN``
continues an interrupted run without asking the model again for anything it already answered.

Exit status: 0 solved (the chosen program passes every local test, and random stress tests against a brute
force ran and agreed); 3 examples only (it passes the examples and the inputs derived from them, but no
stress test ran: no working helper program, --stress-tests 0, or an interactive problem; weaker evidence);
1 not solved; 2 a usage error.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import asdict, replace
from typing import Any, TypeVar

from rich.console import Console
from rich.live import Live
from rich.markup import escape

from solver import __version__
from solver.config import Config
from solver.errors import JudgeUnavailableError, ModelError, SolverError, StoreError, UsageError
from solver.llm.base import ChatParams
from solver.llm.cli_options import add_model_options
from solver.problem import Problem, ProblemId
from solver.runstore import Run
from solver.solve.budget import Stop
from solver.solve.loop import Env, solve_problem
from solver.solve.model import REPLY_CAP, ModelCalls
from solver.solve.options import add_solve_options, config_json, settings_from, settings_from_json
from solver.solve.progress import Board, report
from solver.solve.work import ProblemResult, Settings
from solver.sources.problem_sources import add_source_option

T = TypeVar("T")

EXIT_CODES = {Stop.SOLVED: 0, Stop.EXAMPLES_ONLY: 3}  # anything else: 1 (see the command's help)


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "solve",
        parents=[parent],
        help="solve one problem: draft, judge, stress-test, repair",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("problem", nargs="?", help="a problem id (1999A), a Codeforces URL, or a stored problem")
    add_model_options(p)
    add_solve_options(p)
    add_source_option(p)
    p.add_argument("--resume", default=None, metavar="RUN", help="continue an interrupted run (folder or id)")
    p.set_defaults(func=run)


def refuse_without_statement(problem: Problem) -> None:
    """A problem with samples but no text (a Competitive Companion import) cannot be solved: say how to get it."""
    if any(part.strip() for part in (problem.statement, problem.input_spec, problem.output_spec,
                                     problem.interaction)):
        return
    pid = problem.id
    raise UsageError(
        f"problem {pid} has no statement in the store (an import from Competitive Companion carries only the "
        f"limits and the examples), so there is nothing to ask the model; get the statement with "
        f"`python -m solver fetch {pid} --refresh`, or save the problem's page in the browser and "
        f"`python -m solver import PAGE.html`, or read it from a local copy of open-r1/codeforces with "
        f"`--source open-r1:DIR`"
    )


async def load_problem(text: str, config: Config) -> Problem:
    """A stored problem, else fetched from Codeforces (never with --offline: then it says what is missing)."""
    from solver.sources.codeforces import fetch_problem

    return await fetch_problem(ProblemId.parse(text), config)


@contextlib.asynccontextmanager
async def judge_for(config: Config, *, resumable: bool = True) -> AsyncIterator[Any]:
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
        hint = "; the run can be resumed (--resume)" if resumable else ""
        raise JudgeUnavailableError(f"the sandbox failed: {e}{hint}") from None
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


def sampling(backend: Any, seed: int) -> dict[str, Any]:
    """The sampling every request of the run is sent with (before the per-call reply cap), for run.json."""
    params = ChatParams(seed=seed)
    effective = getattr(backend, "effective_params", None)
    if callable(effective):
        params = effective(params)
    return {k: v for k, v in asdict(params).items() if v is not None and v != ()}


def resume_parts(run_: Run) -> tuple[Settings, Problem, str, str]:
    """What a solve run recorded: settings, problem, model, backend; from run.json, else from the log.

    Each part is taken from run.json when it is there and well-formed, else from what the log holds (the
    ``run_start`` event, the ``problem_start`` event); when neither has it, the error names the file and the
    field that is wrong.
    """
    meta = run_.meta()
    if meta.get("command") != "solve":
        raise UsageError(f"run {run_.id} is a {meta.get('command')!r} run, not a solve run")
    events = run_.events()
    logged = next((e.get("meta") for e in events if e.type == "run_start"), None)
    sources: list[tuple[str, Mapping[str, Any]]] = [(str(run_.path / "run.json"), meta)]
    if isinstance(logged, Mapping):
        sources.append((f"{run_.path / 'events.jsonl'} (run_start)", logged))
    started = next((e.get("problem_json") for e in events if e.type == "problem_start"), None)
    if started is not None:
        sources.append((f"{run_.path / 'events.jsonl'} (problem_start)", {"problem": started}))

    def part(name: str, parse: Callable[[Any], T]) -> T:
        first = ""
        for where, d in sources:
            if name not in d:
                first = first or f"{where} has no {name!r}"
                continue
            try:
                return parse(d[name])
            except (KeyError, TypeError, ValueError, AttributeError) as e:
                why = f"{e} is missing" if isinstance(e, KeyError) else str(e)
                first = first or f"{where}: {name!r} is malformed ({why})"
        raise StoreError(f"{first}; the run cannot be resumed: fix the file or start a new run")

    settings = part("settings", settings_from_json)
    problem = part("problem", Problem.from_json)
    model = part("config", lambda c: (str(c["model"]), str(c["backend"])))
    return settings, problem, model[0], model[1]


async def run(args: argparse.Namespace, config: Config) -> int:
    if args.resume:
        run_ = Run.open(config.runs, args.resume)
        for note in run_.notes:
            Console(stderr=True).print(f"note: {escape(note)}", style="yellow", highlight=False, soft_wrap=True)
        settings, problem, model, backend = resume_parts(run_)
        config = replace(config, model=model, backend=backend)
    else:
        if not args.problem:
            raise UsageError("give a problem (e.g. python -m solver solve 1999A) or --resume RUN")
        settings = settings_from(config)
        problem = await load_problem(args.problem, config)
        refuse_without_statement(problem)
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
                    # what every request samples with: the model's preset or the defaults, and the seed
                    "sampling": sampling(backend, settings.seed),
                    "reply_cap": REPLY_CAP,  # tokens per reply at most; lower where the window or budget says
                    "versions": {
                        "tool": __version__,
                        "python": sys.version.split()[0],
                        "image": config.image,
                        "image_id": await asyncio.to_thread(image_id, config),
                    },
                }
                run_ = Run.create(config.runs, f"solve-{problem.id.slug}", meta)
                resumed = False
            else:
                run_.update_meta(status="running")
                resumed = True
            run_.append("session_start", resumed=resumed, pid=str(problem.id))
            say = Console(stderr=True)
            say.print(
                f"run folder: {run_.path}  (if interrupted: --resume {run_.id})",
                highlight=False,
                soft_wrap=True,
            )
            on_screen = console.is_terminal and not config.json
            # No terminal (piped, a CI log): one plain line per stage instead of a live table, flushed at once.
            board = Board() if on_screen else Board(plain=console.file)
            model = recorded(backend, Transcript(run_.path / "transcript.jsonl"), str(problem.id))
            calls = ModelCalls(
                model,
                run_,
                run_.index(),
                ChatParams(seed=settings.seed),  # --seed reaches the model's sampling, not only the tests
                on_reply=board.on_reply,
                on_wait=lambda line: say.print(escape(line), style="yellow", highlight=False, soft_wrap=True),
            )
            env = Env(judge, run_, calls, settings, progress=board)
            try:
                if not on_screen:
                    result = await solve_problem(problem, env)
                else:
                    with Live(board.table(), console=console, refresh_per_second=4, transient=True) as live:
                        task = solve_problem(problem, env)
                        result = await _with_refresh(task, live, board)
            except ModelError as e:  # not a property of the problem: nothing is recorded as done
                run_.update_meta(status="interrupted", error=str(e))
                raise ModelError(
                    f"{e}; the run is kept: once the model server answers, continue with --resume {run_.id}"
                ) from None
            run_.update_meta(status="finished", result={"stop": result.stop.value, "reason": result.reason})
    except OSError as e:  # a write outside the run store's own checks (the transcript): say what and where
        where = f" {e.filename}" if e.filename else ""
        raise StoreError(
            f"cannot write{where}: {e.strerror or e}; what was written is kept"
            + (f"; fix it and continue with --resume {run_.id}" if run_ is not None else "")
        ) from None
    finally:
        await backend.close()
    _print(result, run_, config, console)
    return EXIT_CODES.get(result.stop, 1)


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
