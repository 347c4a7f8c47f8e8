"""`python -m solver practice [--handle NAME | --rating R]`: an interactive practice session with the bot.

Choose a problem near your rating (or name one, or send one from the browser with Competitive Companion),
write the solution in your editor, then `test`, `stress`, `hint`, `review`, or race the bot in `vc CONTEST`.
Every session, attempt, verdict and hint is kept in the run store; `python -m solver progress` sums them up.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from solver import __version__
from solver.config import Config
from solver.errors import SolverError, UsageError
from solver.llm.cli_options import add_model_options
from solver.practice.langs import detect_lang
from solver.practice.listener import DEFAULT_PORT, CompanionListener
from solver.practice.model import Criteria, ProblemLoaded, Say, Session
from solver.practice.progress import PRACTICE_COMMAND
from solver.problem import Problem, ProblemId, parse_ref
from solver.runstore import Run
from solver.sources.problem_sources import add_source_option


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "practice",
        parents=[parent],
        help="practise with the bot: problems near your rating, test, stress, hints, review, virtual contest",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    who = p.add_mutually_exclusive_group()
    who.add_argument(
        "--handle", default=None, help="your Codeforces handle: its rating, and skip what you solved"
    )
    who.add_argument("--rating", type=int, default=None, help="choose problems near this rating")
    p.add_argument("--below", type=int, default=100, help="rating window below your rating (100)")
    p.add_argument("--above", type=int, default=200, help="rating window above your rating (200)")
    p.add_argument("--tag", action="append", default=[], metavar="TAG", help="only problems with this tag")
    p.add_argument("--contest", type=int, default=None, help="only problems of this contest")
    p.add_argument("--problem", default=None, metavar="ID", help="start with this problem (id or URL)")
    p.add_argument(
        "--file", type=Path, default=None, help="your solution file (default: practice/<id>/solution.*)"
    )
    p.add_argument(
        "--workdir", type=Path, default=Path("practice"), help="where solutions and tests go (practice/)"
    )
    p.add_argument(
        "--companion-port",
        type=int,
        default=DEFAULT_PORT,
        metavar="PORT",
        help=f"port Competitive Companion sends problems to ({DEFAULT_PORT}); 0 picks a free one",
    )
    p.add_argument("--no-companion", action="store_true", help="do not listen for Competitive Companion")
    add_model_options(p)
    add_source_option(p)
    p.add_argument(
        "--stress-tests",
        type=int,
        default=None,
        dest="stress_tests",
        metavar="K",
        help="random tests of a `stress` (200)",
    )
    p.add_argument(
        "--seed", type=int, default=None, help="seed for choosing problems and generating tests (0)"
    )
    p.set_defaults(func=run)


def initial_session(args: argparse.Namespace, config: Config) -> Session:
    if args.rating is not None and not 0 < args.rating < 5000:
        raise UsageError(f"--rating {args.rating}: give a Codeforces rating such as 1400")
    if args.file is not None:
        detect_lang(args.file)  # fails early, with the known endings, on a file whose language is unknown
    criteria = Criteria(
        rating=args.rating,
        below=args.below,
        above=args.above,
        tags=tuple(args.tag),
        contest=args.contest,
        handle=args.handle,
        seed=config.seed,
    )
    return Session(criteria=criteria, workdir=args.workdir, file=args.file, stress_count=config.stress_tests)


def first_line(args: argparse.Namespace, session: Session) -> str | None:
    """What the session does first: the named problem, else a pick when there is a rating to pick by."""
    if args.problem:
        ref = parse_ref(args.problem)
        if not isinstance(ref, ProblemId):
            raise UsageError(
                f"--problem {args.problem}: name one problem (e.g. {args.problem}A); "
                f"for a whole contest, type `vc {args.problem}` in the session"
            )
        return f"open {ref}"
    if session.criteria.rating is not None or session.criteria.handle is not None:
        return "pick"
    return None


async def run(args: argparse.Namespace, config: Config) -> int:
    from solver.practice.runtime import Runtime
    from solver.practice.services import LiveServices
    from solver.practice.terminal import run_terminal
    from solver.sources.codeforces import open_source
    from solver.sources.companion import from_companion

    session = initial_session(args, config)
    start = first_line(args, session)
    if not sys.stdin.isatty():
        raise UsageError("practice is interactive: run it in a terminal")
    history = Run.create(
        config.runs,
        PRACTICE_COMMAND,
        {
            "command": PRACTICE_COMMAND,
            "handle": args.handle,
            "rating": args.rating,
            "model": config.model,
            "versions": {"tool": __version__},
        },
    )
    history.append("session_start", handle=args.handle, rating=args.rating, started=time.time())
    async with open_source(config) as source:
        services = LiveServices(config, source, history)
        listener: CompanionListener | None = None
        runtime_box: list[Runtime] = []

        def make_runtime(show: Any) -> Runtime:
            runtime = Runtime(session, services, show)
            services.notify = runtime.dispatch
            runtime_box.append(runtime)
            return runtime

        def received(problem: Problem) -> None:
            stored = source.store.load(problem.id)
            if stored is None:
                source.store.save(problem, source="competitive-companion")
            runtime_box[0].dispatch(ProblemLoaded(stored or problem, "companion"))

        def bad(message: str) -> None:
            runtime_box[0].show(Say(message, "error"))

        async def started(show: Any) -> None:
            nonlocal listener
            if not args.no_companion:
                listener = CompanionListener(lambda doc: from_companion(doc), received, bad)
                try:
                    port = await listener.start(args.companion_port)
                    show(Say(f"listening for Competitive Companion on 127.0.0.1:{port}", "dim"))
                except SolverError as e:
                    listener = None
                    show(Say(str(e), "warn"))
            if start is not None:
                runtime_box[0].line(start)
            else:
                hint = (
                    "no rating given: `open ID` names a problem, or restart with --rating R / --handle NAME"
                )
                show(Say(hint, "dim"))

        try:
            return await run_terminal(make_runtime, config.runs / ".practice_history", on_start=started)
        finally:
            if listener is not None:
                await listener.close()
            history.update_meta(status="finished")
