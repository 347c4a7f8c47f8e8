"""Runs the state machine: feeds it messages, shows its outputs, runs its effects in the background.

Long effects (judging, the bot's solve loop, model calls) run as asyncio tasks whose results come back as
messages, so the prompt is never blocked. ``Services`` is everything outside the session; tests pass fakes,
``services.LiveServices`` binds the real sources, sandbox, model and solve loop.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sandbox.api import Source
from solver.errors import SolverError, StoreError
from solver.practice.hints import guard
from solver.practice.langs import extension
from solver.practice.machine import parse_command, problem_dir, tests_dir, update
from solver.practice.model import (
    AskHint,
    AskReview,
    BotDone,
    BotFailed,
    BotSolution,
    BotVcResult,
    Cancel,
    ContestLoaded,
    Counterexample,
    Criteria,
    Effect,
    Exit,
    FileChanged,
    Hint,
    HintLevel,
    HintReady,
    Input,
    JobFailed,
    Judged,
    JudgeReport,
    LoadContest,
    LoadProblem,
    Message,
    OpenEditor,
    Output,
    PickProblem,
    PrepareWorkspace,
    ProblemLoaded,
    RateVc,
    Record,
    ReviewReady,
    RunStress,
    RunTests,
    SavedTest,
    SaveTest,
    Session,
    StartBot,
    StartBotContest,
    StressDone,
    StressOutcome,
    Tick,
    VcRated,
    VcRatings,
    VirtualContest,
    Workspace,
    WorkspaceReady,
)
from solver.problem import Contest, ContestRef, Problem, ProblemId
from solver.runstore import atomic_write


class Services(Protocol):
    """What the session needs from the rest of the tool. Every method may raise SolverError."""

    async def pick(self, criteria: Criteria, exclude: tuple[ProblemId, ...]) -> tuple[Problem, str]: ...
    async def problem(self, pid: ProblemId) -> Problem: ...
    async def judge(self, problem: Problem, source: Source, tests_dir: Path) -> JudgeReport: ...
    async def bot_solve(self, problem: Problem) -> BotSolution: ...
    async def stress(
        self, problem: Problem, source: Source, bot: BotSolution, count: int
    ) -> StressOutcome: ...
    async def hint(
        self, problem: Problem, level: HintLevel, code: str | None, previous: tuple[Hint, ...]
    ) -> str: ...
    async def review(self, problem: Problem, source: Source, report: JudgeReport | None) -> str: ...
    async def contest(self, ref: ContestRef) -> tuple[Contest, tuple[Problem, ...]]: ...
    async def bot_contest(
        self, problems: tuple[Problem, ...], started_at: float, report: Callable[[BotVcResult], None]
    ) -> None: ...
    async def rate_vc(self, vc: VirtualContest) -> VcRatings: ...
    def record(self, event: str, data: dict[str, Any]) -> None: ...
    async def close(self) -> None: ...


Editor = Callable[[Path], Awaitable[None]]  # opens the file in the user's editor and returns when it closes


def solution_file(session: Session, problem: Problem | None = None) -> Path:
    """The user's solution: ``--file``/``file``, else the newest ``solution.*`` in the problem's folder."""
    if session.file is not None:
        return session.file
    folder = problem_dir(session, problem)
    existing = sorted(folder.glob("solution.*"), key=lambda p: p.stat().st_mtime) if folder.is_dir() else []
    if existing:
        return existing[-1]
    return folder / ("solution" + extension(session.lang or "cpp17"))


def read_workspace(session: Session) -> Workspace:
    path = solution_file(session)
    try:
        return Workspace(path, path.read_text(encoding="utf-8", errors="replace"))
    except (FileNotFoundError, NotADirectoryError):
        return Workspace(path, None)  # not written yet (or its folder is not one): the user is told where
    except OSError as e:  # a directory, no permission: the command says so instead of ending the session
        return Workspace(path, None, f"cannot read {path}: {e.strerror or e}")


def write_template(path: Path, template: str) -> bool:
    """Start the solution file from the template when it does not exist yet; True when it was written."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, template)
    return True


@contextmanager
def writing_in(folder: Path) -> Iterator[None]:
    """An OSError while writing the user's files becomes one error naming the place and the way out."""
    try:
        yield
    except OSError as e:
        raise StoreError(
            f"cannot create {e.filename or folder}: {e.strerror or e}; choose a writable folder with "
            "--workdir DIR, or your own file with `file PATH`"
        ) from None


def prepare_workspace(session: Session, problem: Problem, template: str) -> tuple[Path, bool]:
    """``practice/<id>/`` with its ``tests/`` folder and a solution file: (the file, whether it is new)."""
    with writing_in(problem_dir(session, problem)):
        tests_dir(session, problem).mkdir(parents=True, exist_ok=True)
        path = solution_file(session, problem)
        return path, write_template(path, template)


def save_counterexample(folder: Path, ce: Counterexample) -> tuple[str, Path]:
    """Write the counterexample as the next ``stress-N.in``/``.out`` pair (atomically): (name, .in path)."""
    folder.mkdir(parents=True, exist_ok=True)
    n = 1
    while (folder / f"stress-{n}.in").exists():
        n += 1
    name = f"stress-{n}"
    atomic_write(folder / f"{name}.out", ce.expected)
    atomic_write(folder / f"{name}.in", ce.input)
    return name, folder / f"{name}.in"


@dataclass
class Watch:
    path: Path | None = None
    mtime: float | None = None


class Runtime:
    """One practice session: the state, the outputs sink, and the background jobs."""

    def __init__(
        self,
        session: Session,
        services: Services,
        show: Callable[[Output], None],
        clock: Callable[[], float] = time.time,
        editor: Editor | None = None,
    ) -> None:
        self.session = session
        self.services = services
        self.show = show
        self.clock = clock
        self.editor = editor
        self.tasks: set[asyncio.Task[None]] = set()
        self.finished = asyncio.Event()
        self._watch = Watch()

    # ---- feeding the machine ----------------------------------------------------------------------------

    def dispatch(self, msg: Message) -> None:
        step = update(self.session, msg)
        self.session = step.session
        for out in step.outputs:
            self.show(out)
        for eff in step.effects:
            self._run(eff)

    def line(self, text: str) -> None:
        """A line the user typed."""
        self.dispatch(Input(parse_command(text), read_workspace(self.session), self.clock()))

    def tick(self) -> None:
        """Called every second by the terminal: the contest timer and the watched file."""
        self.dispatch(Tick(self.clock()))
        ws_path = solution_file(self.session)
        try:
            mtime: float | None = ws_path.stat().st_mtime
        except OSError:
            mtime = None
        if self._watch.path != ws_path:
            self._watch = Watch(ws_path, mtime)
        elif mtime is not None and mtime != self._watch.mtime:
            self._watch.mtime = mtime
            self.dispatch(FileChanged(ws_path))

    async def drain(self) -> None:
        """Wait for every background job (tests use this; the terminal does not)."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)

    async def close(self) -> None:
        for t in list(self.tasks):
            t.cancel()
        await asyncio.gather(*list(self.tasks), return_exceptions=True)
        await self.services.close()

    # ---- effects ----------------------------------------------------------------------------------------

    def _spawn(self, job: str, work: Awaitable[Message | None]) -> None:
        async def go() -> None:
            try:
                msg = await work
            except SolverError as e:
                msg = JobFailed(job, str(e))
            except asyncio.CancelledError:
                raise
            except Exception as e:
                msg = JobFailed(job, f"{job} failed unexpectedly: {type(e).__name__}: {e}")
            if msg is not None:
                self.dispatch(msg)

        task = asyncio.create_task(go(), name=f"practice-{job}")
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def _run(self, eff: Effect) -> None:
        if isinstance(eff, Record):
            self.services.record(eff.event, dict(eff.data))
        elif isinstance(eff, Cancel):
            for task in list(self.tasks):
                if task.get_name() == f"practice-{eff.job}":
                    task.cancel()
        elif isinstance(eff, Exit):
            self.finished.set()
        else:
            job, work = _JOBS[type(eff)]
            self._spawn(job, work(self, eff))

    async def _pick(self, eff: PickProblem) -> Message:
        problem, note = await self.services.pick(eff.criteria, eff.exclude)
        return ProblemLoaded(problem, "pick", note)

    async def _load(self, eff: LoadProblem) -> Message:
        return ProblemLoaded(await self.services.problem(eff.id), "named")

    async def _edit(self, eff: OpenEditor) -> None:
        with writing_in(eff.path.parent):
            write_template(eff.path, eff.template)
        if self.editor is not None:
            await self.editor(eff.path)

    async def _prepare(self, eff: PrepareWorkspace) -> Message:
        path, created = prepare_workspace(self.session, eff.problem, eff.template)
        return WorkspaceReady(eff.problem.id, path, created)

    async def _test(self, eff: RunTests) -> Message:
        report = await self.services.judge(eff.problem, eff.source, tests_dir(self.session, eff.problem))
        return Judged(report, eff.purpose, eff.at, eff.index)

    async def _bot(self, eff: StartBot) -> Message:
        try:
            return BotDone(eff.problem.id, await self.services.bot_solve(eff.problem))
        except SolverError as e:
            return BotFailed(eff.problem.id, str(e))

    async def _stress(self, eff: RunStress) -> Message:
        try:
            code = eff.path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return JobFailed("stress", f"no solution file at {eff.path} any more: stress needs your program")
        outcome = await self.services.stress(eff.problem, Source(code, eff.lang), eff.bot, eff.count)
        return StressDone(outcome)

    async def _hint(self, eff: AskHint) -> Message:
        text = await self.services.hint(eff.problem, eff.level, eff.code, eff.previous)
        return HintReady(Hint(eff.level, guard(eff.level, text)))

    async def _review(self, eff: AskReview) -> Message:
        return ReviewReady(await self.services.review(eff.problem, eff.source, eff.report))

    async def _save(self, eff: SaveTest) -> Message:
        folder = tests_dir(self.session, eff.problem)
        with writing_in(folder):
            name, path = save_counterexample(folder, eff.counterexample)
        return SavedTest(name, path)

    async def _contest(self, eff: LoadContest) -> Message:
        contest, problems = await self.services.contest(eff.ref)
        duration = eff.duration_s if eff.duration_s is not None else float(contest.duration_s)
        return ContestLoaded(contest, problems, duration, self.clock())

    async def _rate(self, eff: RateVc) -> Message:
        return VcRated(await self.services.rate_vc(eff.vc))

    async def _bot_contest(self, eff: StartBotContest) -> None:
        await self.services.bot_contest(eff.problems, eff.started_at, self.dispatch)


# Each long effect: the job name (the session's busy-name, so a failure clears it) and what runs it.
_JOBS: dict[type[Any], tuple[str, Callable[[Runtime, Any], Awaitable[Message | None]]]] = {
    PickProblem: ("pick", Runtime._pick),
    LoadProblem: ("load", Runtime._load),
    OpenEditor: ("edit", Runtime._edit),
    PrepareWorkspace: ("prepare", Runtime._prepare),
    RunTests: ("test", Runtime._test),
    StartBot: ("bot", Runtime._bot),
    RunStress: ("stress", Runtime._stress),
    AskHint: ("hint", Runtime._hint),
    AskReview: ("review", Runtime._review),
    SaveTest: ("save", Runtime._save),
    LoadContest: ("vc", Runtime._contest),
    StartBotContest: ("bot-vc", Runtime._bot_contest),
    RateVc: ("rate", Runtime._rate),
}
